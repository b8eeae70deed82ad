//! tcpdump text dumps (`-x`, `-X`, `-xx`, `-XX`), as found in BMC logs.
//!
//! Rules (bindings.md §9.5):
//!
//! * Lines end with LF or CRLF; blank lines and lines that are neither a
//!   packet start nor a data line (tcpdump's banners, other log text) are
//!   ignored.
//! * A log prefix is removed first: anything up to `ident[pid]: `
//!   (journald and syslog), or an ISO-8601 / `Mon dd hh:mm:ss` date, host
//!   and `ident: ` without a pid.
//! * A **packet start** is a line beginning with a time stamp:
//!   `HH:MM:SS.f` (tcpdump's default; 6–9 fraction digits),
//!   `YYYY-MM-DD HH:MM:SS.f` (`-tttt`, dated) or `SECONDS.f` (`-tt`, epoch).
//!   If the same line also holds a `0x0000:` data token (one-line loggers),
//!   that data is read too.
//! * A **data line** is `0xOOOO:` then groups of four hex digits (two bytes,
//!   the last group may be two digits) separated by single spaces; two or
//!   more spaces end the hex (the `-X` ASCII column follows). At most 16
//!   bytes per line. Offset 0 starts a fresh buffer (ending the previous
//!   packet if it already has data, so bare hex without summary lines still
//!   splits into packets); other offsets must equal the bytes so far,
//!   otherwise the packet becomes an error record.
//! * `-xx`/`-XX` dumps include the cooked header: a buffer starting with a
//!   LINUX_SLL2 header (`00 FA 00 00 …`, 20 bytes) or LINUX_SLL header
//!   (`00 0t … 00 FA` at 14, 16 bytes) whose protocol is 0x00FA is
//!   stripped, and its packet type gives the direction. An MCTP packet
//!   starts with header version 1 (`0x01`), so it cannot be taken for
//!   either.
//! * Time stamps: a time of day is put on [`CaptureOptions::date`]
//!   (default 1970-01-01) and shifted to UTC by
//!   [`CaptureOptions::utc_offset_secs`]. When the time of day goes
//!   backwards by more than 12 hours the dump is taken to have crossed
//!   midnight and the date advances by one day. `-tttt` dates are used as
//!   written (also shifted by the offset); `-tt` epoch times are UTC.
//!
//! The whole dump is parsed once when the capture is opened into an arena
//! of bytes plus ranges; records borrow from it.

use super::{CaptureError, CaptureOptions, Date, Direction, Record, Timestamp};
use crate::capture::linktype::{
    direction_from_packet_type, ETH_P_MCTP, SLL2_HEADER_LEN, SLL_HEADER_LEN,
};
use mctpkit_wire::binding::BindingKind;

const NS_PER_SEC: u64 = 1_000_000_000;
/// Longest packet a dump may hold; longer ones are error records, so a
/// malformed dump cannot grow the reader's memory without bound.
pub const MAX_RECORD_LEN: usize = super::MAX_FRAME_LEN;
const SECS_PER_DAY: i64 = 86_400;
/// A time of day that goes back by more than this has crossed midnight.
const ROLLOVER_NS: u64 = 12 * 3600 * NS_PER_SEC;

#[derive(Debug, Clone)]
struct TextRecord {
    start: usize,
    end: usize,
    ts: Option<Timestamp>,
    direction: Option<Direction>,
    /// File offset of the record's first line.
    offset: usize,
    /// File offset just past its last line.
    end_offset: usize,
    error: Option<String>,
}

/// A parsed text dump: all packet bytes in one arena.
#[derive(Debug, Clone, Default)]
pub(crate) struct TextDump {
    arena: Vec<u8>,
    records: Vec<TextRecord>,
}

impl TextDump {
    pub(crate) fn records(&self) -> TextRecords<'_> {
        TextRecords {
            dump: self,
            next: 0,
            position: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }
}

/// The record `r` of `arena` as capture record number `index`.
fn text_record<'a>(
    arena: &'a [u8],
    r: &TextRecord,
    index: usize,
) -> Result<Record<'a>, CaptureError> {
    match &r.error {
        Some(message) => Err(CaptureError {
            index,
            offset: r.offset,
            message: message.clone(),
        }),
        None => {
            let data = arena.get(r.start..r.end).unwrap_or_default();
            Ok(Record {
                index,
                ts: r.ts,
                binding: BindingKind::None,
                direction: r.direction,
                data,
                orig_len: data.len(),
            })
        }
    }
}

/// Iterator over the packets of a text dump.
#[derive(Debug, Clone)]
pub struct TextRecords<'a> {
    dump: &'a TextDump,
    next: usize,
    position: usize,
}

impl TextRecords<'_> {
    /// Bytes of the text consumed so far (end of the last record's lines).
    pub fn position(&self) -> usize {
        self.position
    }
}

impl<'a> Iterator for TextRecords<'a> {
    type Item = Result<Record<'a>, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        let r = self.dump.records.get(self.next)?;
        self.next += 1;
        self.position = r.end_offset;
        Some(text_record(&self.dump.arena, r, self.next))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.dump.records.len().saturating_sub(self.next);
        (n, Some(n))
    }
}

// ---------------------------------------------------------------------------
// Lexing helpers (all on bytes: dumps need not be UTF-8).

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| is_space(b)).count();
    &s[n..]
}

/// Parse exactly `n` ASCII digits at the start of `s`.
fn digits(s: &[u8], n: usize) -> Option<u64> {
    let d = s.get(..n)?;
    d.iter().try_fold(0u64, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u64::from(b - b'0'))
    })
}

fn count_digits(s: &[u8]) -> usize {
    s.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// `HH:MM:SS` at the start of `s`: seconds of the day and bytes used.
fn hms(s: &[u8]) -> Option<(u64, usize)> {
    let h = digits(s, 2)?;
    let m = digits(s.get(3..)?, 2)?;
    let sec = digits(s.get(6..)?, 2)?;
    if s.get(2) != Some(&b':') || s.get(5) != Some(&b':') || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    Some((h * 3600 + m * 60 + sec, 8))
}

/// `.ffffff` (6 to 9 digits) at the start of `s`: nanoseconds and bytes used.
fn fraction(s: &[u8]) -> Option<(u64, usize)> {
    if s.first() != Some(&b'.') {
        return None;
    }
    let n = count_digits(&s[1..]);
    if !(6..=9).contains(&n) {
        return None;
    }
    let mut v = digits(&s[1..], n)?;
    for _ in n..9 {
        v *= 10;
    }
    Some((v, 1 + n))
}

/// `YYYY-MM-DD` at the start of `s`.
fn iso_date(s: &[u8]) -> Option<Date> {
    if s.get(4) != Some(&b'-') || s.get(7) != Some(&b'-') {
        return None;
    }
    let y = digits(s, 4)?;
    let m = digits(s.get(5..)?, 2)?;
    let d = digits(s.get(8..)?, 2)?;
    Date::new(y as i32, m as u8, d as u8)
}

fn ends_token(s: &[u8], at: usize) -> bool {
    s.get(at).is_none_or(|&b| is_space(b))
}

/// A time stamp at the start of a (prefix-stripped, trimmed) line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineTime {
    /// Nanoseconds since midnight.
    TimeOfDay(u64),
    /// `-tttt`: a date and nanoseconds since its midnight.
    Dated(Date, u64),
    /// `-tt`: seconds and nanoseconds since the epoch.
    Epoch(i64, u32),
}

fn line_time(s: &[u8]) -> Option<(LineTime, usize)> {
    // -tttt: 2026-05-01 10:00:00.123456
    if let Some(date) = iso_date(s) {
        if s.get(10) == Some(&b' ') {
            let t = &s[11..];
            let (sod, n) = hms(t)?;
            let (ns, f) = fraction(&t[n..])?;
            let used = 11 + n + f;
            return ends_token(s, used)
                .then_some((LineTime::Dated(date, sod * NS_PER_SEC + ns), used));
        }
        return None;
    }
    if let Some((sod, n)) = hms(s) {
        let (ns, f) = fraction(&s[n..])?;
        return ends_token(s, n + f).then_some((LineTime::TimeOfDay(sod * NS_PER_SEC + ns), n + f));
    }
    // -tt: 1714557600.123456
    let n = count_digits(s);
    if (1..=12).contains(&n) {
        let secs = digits(s, n)?;
        let (ns, f) = fraction(&s[n..])?;
        return ends_token(s, n + f).then_some((LineTime::Epoch(secs as i64, ns as u32), n + f));
    }
    None
}

/// `0xOOOO:` at the start of `s`: the offset and bytes used.
fn data_offset(s: &[u8]) -> Option<(usize, usize)> {
    if !s.starts_with(b"0x") {
        return None;
    }
    let hex = s[2..].iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if !(1..=8).contains(&hex) || s.get(2 + hex) != Some(&b':') {
        return None;
    }
    let mut v = 0usize;
    for &b in &s[2..2 + hex] {
        v = v * 16 + hex_val(b)? as usize;
    }
    Some((v, 2 + hex + 1))
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Append the hex bytes of a data line (after `0xOOOO:`) to `out`.
fn hex_bytes(s: &[u8], out: &mut Vec<u8>) {
    let mut s = trim_start(s);
    let mut n = 0;
    while n < 16 {
        let tok_len = s.iter().take_while(|&&b| !is_space(b)).count();
        let tok = &s[..tok_len];
        if (tok_len != 4 && tok_len != 2) || !tok.iter().all(u8::is_ascii_hexdigit) {
            return;
        }
        for pair in tok.chunks_exact(2) {
            if let (Some(h), Some(l)) = (hex_val(pair[0]), hex_val(pair[1])) {
                out.push(h << 4 | l);
                n += 1;
            }
        }
        if tok_len == 2 {
            return; // an odd final byte ends the line's hex
        }
        let rest = &s[tok_len..];
        let spaces = rest.iter().take_while(|&&b| b == b' ').count();
        if spaces != 1 {
            return; // end of line, or the ASCII column after 2+ spaces
        }
        s = &rest[1..];
    }
}

/// First ` 0xOOOO:` token in a packet-start line (one-line records).
fn find_data_token(s: &[u8]) -> Option<&[u8]> {
    (1..s.len()).find_map(|i| {
        (is_space(s[i - 1]) && s[i] == b'0' && data_offset(&s[i..]).is_some()).then(|| &s[i..])
    })
}

const MONTHS: [&[u8]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// Split off the first whitespace-separated token.
fn token(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let s = trim_start(s);
    if s.is_empty() {
        return None;
    }
    let n = s.iter().take_while(|&&b| !is_space(b)).count();
    Some((&s[..n], &s[n..]))
}

/// End of a `ident[pid]:` marker (index just past the colon), if any.
fn pid_marker_end(s: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = s.get(from..)?.windows(2).position(|w| w == b"]:") {
        let close = from + p;
        let colon_end = close + 2;
        let digits_len = s[..close]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let open = close.checked_sub(digits_len + 1);
        let ok = digits_len > 0
            && open.is_some_and(|o| s[o] == b'[' && o > 0 && !is_space(s[o - 1]))
            && ends_token(s, colon_end);
        if ok {
            return Some(colon_end);
        }
        from = colon_end;
    }
    None
}

/// A syslog / journal prefix without a pid: `<date> <host> <ident>: `.
fn dated_prefix_end(s: &[u8]) -> Option<&[u8]> {
    let (first, mut rest) = token(s)?;
    if iso_date(first).is_some() && first.get(10) == Some(&b'T') {
        // 2026-05-01T10:00:00+0000
    } else if MONTHS.contains(&first) {
        let (day, r) = token(rest)?;
        let (time, r) = token(r)?;
        if day.is_empty()
            || day.len() > 2
            || !day.iter().all(u8::is_ascii_digit)
            || hms(time).is_none()
        {
            return None;
        }
        rest = r;
    } else {
        return None;
    }
    let (_host, r) = token(rest)?;
    let (ident, r) = token(r)?;
    ident.ends_with(b":").then_some(r)
}

/// Remove a journal / syslog prefix and leading blanks.
fn strip_log_prefix(line: &[u8]) -> &[u8] {
    let t = trim_start(line);
    if line_time(t).is_some() || data_offset(t).is_some() {
        return t;
    }
    if let Some(end) = pid_marker_end(t) {
        return trim_start(&t[end..]);
    }
    if let Some(rest) = dated_prefix_end(t) {
        return trim_start(rest);
    }
    t
}

/// Cooked header at the start of a `-xx` dump: bytes to skip and direction.
fn cooked_header(d: &[u8]) -> (usize, Option<Direction>) {
    let proto = ETH_P_MCTP.to_be_bytes();
    if d.len() >= SLL2_HEADER_LEN && d[0..2] == proto && d[2..4] == [0, 0] {
        return (SLL2_HEADER_LEN, direction_from_packet_type(d[10].into()));
    }
    if d.len() >= SLL_HEADER_LEN && d[0] == 0 && d[1] <= 4 && d[14..16] == proto {
        return (SLL_HEADER_LEN, direction_from_packet_type(d[1].into()));
    }
    (0, None)
}

// ---------------------------------------------------------------------------
// The parser.

#[derive(Debug)]
struct Pending {
    start: usize,
    ts: Option<Timestamp>,
    offset: usize,
    end_offset: usize,
    error: Option<String>,
    has_data: bool,
}

struct Clock {
    base_day: i64,
    day_offset: i64,
    last_tod: Option<u64>,
    utc_offset: i64,
}

impl Clock {
    fn timestamp(&mut self, t: LineTime) -> Timestamp {
        let (day, ns, offset) = match t {
            LineTime::Epoch(secs, nanos) => return Timestamp { secs, nanos },
            LineTime::Dated(date, ns) => (date.days_since_epoch(), ns, self.utc_offset),
            LineTime::TimeOfDay(ns) => {
                if let Some(last) = self.last_tod {
                    if ns + ROLLOVER_NS < last {
                        self.day_offset += 1;
                    }
                }
                self.last_tod = Some(ns);
                (self.base_day + self.day_offset, ns, self.utc_offset)
            }
        };
        Timestamp {
            secs: day * SECS_PER_DAY + (ns / NS_PER_SEC) as i64 - offset,
            nanos: (ns % NS_PER_SEC) as u32,
        }
    }
}

struct Parser {
    dump: TextDump,
    cur: Option<Pending>,
    clock: Clock,
}

impl Parser {
    fn start(&mut self, ts: Option<Timestamp>, offset: usize, end_offset: usize) {
        self.finish();
        self.cur = Some(Pending {
            start: self.dump.arena.len(),
            ts,
            offset,
            end_offset,
            error: None,
            has_data: false,
        });
    }

    fn finish(&mut self) {
        let Some(p) = self.cur.take() else { return };
        let arena = &mut self.dump.arena;
        if let Some(error) = p.error {
            arena.truncate(p.start);
            self.dump.records.push(TextRecord {
                start: p.start,
                end: p.start,
                ts: p.ts,
                direction: None,
                offset: p.offset,
                end_offset: p.end_offset,
                error: Some(error),
            });
        } else if p.has_data {
            let (skip, direction) = cooked_header(arena.get(p.start..).unwrap_or_default());
            self.dump.records.push(TextRecord {
                start: p.start + skip,
                end: arena.len(),
                ts: p.ts,
                direction,
                offset: p.offset,
                end_offset: p.end_offset,
                error: None,
            });
        } else {
            // A summary line with no hex after it: not a record.
            arena.truncate(p.start);
        }
    }

    fn data_line(&mut self, off: usize, hex: &[u8], line_offset: usize, line_end: usize) {
        if off == 0 {
            if self
                .cur
                .as_ref()
                .is_some_and(|p| p.has_data || p.error.is_some())
            {
                self.finish();
            }
            if self.cur.is_none() {
                self.start(None, line_offset, line_end);
            }
        } else if self.cur.is_none() {
            self.start(None, line_offset, line_end);
            if let Some(p) = self.cur.as_mut() {
                p.error = Some(format!(
                    "hex data at offset 0x{off:04x} with no packet start before it"
                ));
            }
        }
        let Some(p) = self.cur.as_mut() else { return };
        p.end_offset = line_end;
        if p.error.is_some() {
            return;
        }
        let so_far = self.dump.arena.len() - p.start;
        if off != so_far {
            p.error = Some(format!(
                "data line at offset 0x{off:04x} does not follow the {so_far} byte(s) so far"
            ));
            return;
        }
        if so_far >= MAX_RECORD_LEN {
            self.dump.arena.truncate(p.start);
            p.error = Some(format!(
                "packet longer than {MAX_RECORD_LEN} bytes (the reader's limit)"
            ));
            return;
        }
        p.has_data = true;
        hex_bytes(hex, &mut self.dump.arena);
    }

    fn line(&mut self, raw: &[u8], line_offset: usize, line_end: usize) {
        let s = strip_log_prefix(raw);
        if s.is_empty() {
            return;
        }
        if let Some((t, used)) = line_time(s) {
            let ts = self.clock.timestamp(t);
            self.start(Some(ts), line_offset, line_end);
            if let Some(d) = find_data_token(&s[used..]) {
                if let Some((off, n)) = data_offset(d) {
                    self.data_line(off, &d[n..], line_offset, line_end);
                }
            }
            return;
        }
        if let Some((off, n)) = data_offset(s) {
            self.data_line(off, &s[n..], line_offset, line_end);
        }
    }
}

impl Parser {
    fn new(opts: &CaptureOptions) -> Self {
        Parser {
            dump: TextDump::default(),
            cur: None,
            clock: Clock {
                base_day: opts.date.unwrap_or(Date::EPOCH).days_since_epoch(),
                day_offset: 0,
                last_tod: None,
                utc_offset: opts.utc_offset_secs.into(),
            },
        }
    }

    /// One line without its LF (a CR before it is dropped here).
    fn raw_line(&mut self, line: &[u8], offset: usize, end: usize) {
        let content = line.strip_suffix(b"\r").unwrap_or(line);
        self.line(content, offset, end);
    }
}

/// The error of an input that has no hex dump line at all.
pub(crate) fn not_a_dump() -> CaptureError {
    CaptureError {
        index: 0,
        offset: 0,
        message: "not a pcap, pcapng or tcpdump text capture (no `0x0000:` hex dump lines)".into(),
    }
}

/// Parse a whole text dump. An input with no hex data at all is not a dump.
pub(crate) fn parse(text: &[u8], opts: &CaptureOptions) -> Result<TextDump, CaptureError> {
    let mut p = Parser::new(opts);
    let body = text.strip_prefix(UTF8_BOM).unwrap_or(text);
    let mut offset = text.len() - body.len();
    for line in body.split(|&b| b == b'\n') {
        let end = (offset + line.len() + 1).min(text.len());
        p.raw_line(line, offset, end);
        offset = end;
    }
    p.finish();
    if p.dump.records.is_empty() {
        return Err(not_a_dump());
    }
    Ok(p.dump)
}

/// A UTF-8 byte order mark, skipped at the start of a dump.
pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Incremental text dump parser for streaming input: lines go in, records
/// come out as soon as the next packet start (or the end) closes them.
/// Only the packet being read and the records not yet taken are kept.
pub(crate) struct TextStream {
    p: Parser,
    /// Next record of `p.dump.records` to hand out.
    next: usize,
    /// Records handed out so far (the 1-based index of the last one).
    taken: usize,
}

impl TextStream {
    pub(crate) fn new(opts: &CaptureOptions) -> Self {
        TextStream {
            p: Parser::new(opts),
            next: 0,
            taken: 0,
        }
    }

    /// Feed one line (without its LF) that starts at byte `offset` and
    /// ends, LF included, at `end`.
    pub(crate) fn line(&mut self, line: &[u8], offset: usize, end: usize) {
        if self.next == self.p.dump.records.len() {
            self.compact();
        }
        self.p.raw_line(line, offset, end);
    }

    /// The input ended: close the last packet.
    pub(crate) fn finish(&mut self) {
        self.p.finish();
    }

    /// `true` when a record is ready to be taken.
    pub(crate) fn ready(&self) -> bool {
        self.next < self.p.dump.records.len()
    }

    /// `true` once any record was produced (taken or not).
    pub(crate) fn any(&self) -> bool {
        self.taken > 0 || self.ready()
    }

    /// Take the next ready record.
    pub(crate) fn take(&mut self) -> Option<Result<Record<'_>, CaptureError>> {
        let r = self.p.dump.records.get(self.next)?;
        self.next += 1;
        self.taken += 1;
        Some(text_record(&self.p.dump.arena, r, self.taken))
    }

    /// Forget the records already taken and their bytes.
    fn compact(&mut self) {
        let keep_from = self
            .p
            .cur
            .as_ref()
            .map_or(self.p.dump.arena.len(), |c| c.start);
        self.p.dump.arena.drain(..keep_from);
        if let Some(c) = self.p.cur.as_mut() {
            c.start -= keep_from;
        }
        self.p.dump.records.clear();
        self.next = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(
            line_time(b"10:00:01.000002 MCTP"),
            Some((LineTime::TimeOfDay(36_001_000_002_000), 15))
        );
        assert_eq!(
            line_time(b"10:00:01.123456789"),
            Some((LineTime::TimeOfDay(36_001_123_456_789), 18))
        );
        assert_eq!(line_time(b"10:00:01.12345 x"), None);
        assert_eq!(line_time(b"10:00:01 x"), None);
        assert_eq!(line_time(b"25:00:01.123456 x"), None);
        assert_eq!(
            line_time(b"1714557600.5000000 x"),
            Some((LineTime::Epoch(1_714_557_600, 500_000_000), 18))
        );
        assert!(matches!(
            line_time(b"2026-05-01 10:00:00.000001 x"),
            Some((LineTime::Dated(_, 36_000_000_001_000), 26))
        ));
    }

    #[test]
    fn hex_groups() {
        let mut v = Vec::new();
        hex_bytes(
            b"  0100 0ac8 0081 02                        .......",
            &mut v,
        );
        assert_eq!(v, [1, 0, 0x0a, 0xc8, 0, 0x81, 2]);
        v.clear();
        hex_bytes(b"  0100 0AC8  abcd", &mut v);
        assert_eq!(v, [1, 0, 0x0a, 0xc8]);
        v.clear();
        hex_bytes(b"  0100 zz00", &mut v);
        assert_eq!(v, [1, 0]);
    }

    #[test]
    fn prefixes() {
        assert_eq!(
            strip_log_prefix(b"2026-05-01T10:00:00+0000 bmc tcpdump[123]: \t0x0000:  0100"),
            b"0x0000:  0100"
        );
        assert_eq!(
            strip_log_prefix(b"May  1 10:00:00 bmc tcpdump[9]: 10:00:00.000001 MCTP"),
            b"10:00:00.000001 MCTP"
        );
        assert_eq!(
            strip_log_prefix(b"May  1 10:00:00 bmc tcpdump: 0x0010:  0100"),
            b"0x0010:  0100"
        );
        assert_eq!(
            strip_log_prefix(b"2026-05-01T10:00:00.123456+02:00 bmc tcpdump: 0x0010:  0100"),
            b"0x0010:  0100"
        );
        assert_eq!(
            strip_log_prefix(b"listening on mctp0"),
            b"listening on mctp0"
        );
    }
}
