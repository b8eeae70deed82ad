//! `mctpkit analyze FILE`: reassemble, check and summarise a capture.
//!
//! The work is done by the sans-IO [`mctpkit::analyze::Analyzer`]; this file
//! streams the capture ([`mctpkit::capture::Reader`]: a file, `-` for
//! standard input, gzip/zstd unwrapped, `--follow` for a growing file), renders the analyser's events as text or JSON lines
//! through one `BufWriter` and one reused line buffer, and prints statistics.

use std::fmt::Write as _;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use jiff::tz::TimeZone;
use mctpkit::analyze::filter::Term;
use mctpkit::analyze::{
    Analyzer, AnalyzerOptions, Filter, Finding, MessageEvent, Micros, PacketEvent, Sink, Stats,
};
use mctpkit::capture::{Follow, Reader, Timestamp};
use mctpkit::render::{self, json_str, layer_json, JsonWriter};
use mctpkit::wire::describe::fast;
use mctpkit::wire::{Describe, Field, Value, Visitor};

const AFTER_HELP: &str = "\
Output:
  One line per reassembled message: TIME MCTP DST<-SRC [TO] tag=T [N pkts, L B] / SUMMARY
  Findings (sequence gaps, missing SOM/EOM, tag reuse, bad PEC/FCS, decode
  errors, ...) are printed where they occur as `!! KIND: MESSAGE`.
  TIME is ISO-8601 with microseconds, in UTC unless --timezone is given.

Filters (--filter, repeatable; all terms must hold):
  eid=N        source or destination EID is N
  src=N        source EID        dst=N   destination EID     tag=N  tag 0..7
  type=T       message type: control, pldm, nc-si, ethernet, nvme-mi, spdm,
               secured, cxl-fm-api, cxl-cci, pcie-mi, vendor-pci, vendor-iana,
               or a number (0x7e)
  cmd=C        family command (a response counts as its request's), by name:
               GetSensorReading, get_version (SPDM GET_VERSION),
               health-status-poll (NVMe-MI), get-health-info (CXL),
               get-endpoint-id (control) -- case, '-', '_', spaces ignored;
               or by code: control command, PLDM command, SPDM request code,
               NVMe-MI opcode, CXL opcode (0x4200). Codes overlap between
               families: add type= to narrow.
  Numbers are decimal or 0x-prefixed hex. KEY=A,B matches A or B; KEY!=V negates.
  Example: --filter eid=0x1d --filter type=control,pldm

Exit status: 0 when the capture was read (bad packets are findings, not
errors), 1 when the file cannot be read, 2 for bad arguments.";

/// Capture-reading options that come from the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Date of a tcpdump text dump, whose lines carry only the time of day.
    pub date: Option<jiff::civil::Date>,
}

#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// Capture file: pcap, pcapng or tcpdump text (detected by content),
    /// possibly gzip- or zstd-compressed; `-` reads standard input (e.g.
    /// `tcpdump -U -w - | mctpkit analyze -`).
    file: PathBuf,
    /// Keep reading as the file grows (like `tail -f`) until Ctrl-C, then
    /// report what is unfinished and the statistics. Not for compressed files.
    #[arg(long)]
    follow: bool,
    /// One line per packet (the dissector's summary) instead of per message.
    #[arg(long)]
    packets: bool,
    /// Show only the findings.
    #[arg(long, conflicts_with = "packets")]
    findings: bool,
    /// JSON lines: one object per message (or packet), `{"finding":...}` objects
    /// for findings, `{"stats":...}` last.
    #[arg(long)]
    json: bool,
    /// Show only matching items, e.g. `eid=9`, `type=pldm,spdm`, `cmd=0x02`,
    /// `src!=8` (see below). Repeatable; all must hold.
    #[arg(long = "filter", value_name = "EXPR", value_parser = parse_term)]
    filter: Vec<Term>,
    /// Print statistics after the listing: counts per EID pair and message
    /// type, findings by kind, request→response latency percentiles.
    #[arg(long)]
    stats: bool,
    /// Print only the statistics.
    #[arg(long, conflicts_with_all = ["packets", "findings"])]
    stats_only: bool,
    /// Show times in this IANA time zone (e.g. America/Chicago) instead of UTC.
    #[arg(long, value_name = "AREA/CITY")]
    timezone: Option<String>,
    /// Date of a tcpdump text dump (its lines carry only the time of day).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    date: Option<jiff::civil::Date>,
    /// Largest message reassembled, in bytes; larger ones are dropped with a finding.
    #[arg(long, value_name = "BYTES", default_value_t = 65536)]
    max_message_size: usize,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
}

fn parse_term(s: &str) -> Result<Term, String> {
    Term::parse(s).map_err(|e| e.reason)
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse::<jiff::civil::Date>()
        .map_err(|e| format!("expected YYYY-MM-DD: {e}"))
}

/// The text of a message line after its time stamp: envelope / message
/// summary, the reply it answers and any multipart annotation. Shared by
/// `analyze` and `simulate`, so both print exactly the same lines.
pub(crate) fn message_text(m: &MessageEvent<'_>, line: &mut String) {
    let _ = m.envelope.summary(line);
    line.push_str(" / ");
    match &m.message {
        Ok(msg) => {
            let _ = msg.as_describe().summary(line);
        }
        Err(e) => {
            let _ = write!(line, "!! {e}");
        }
    }
    if let Some(r) = m.request {
        line.push_str(" (reply to #");
        let _ = fast::dec(line, r.index as u64);
        if let Some(ns) = r.latency_ns {
            line.push_str(" after ");
            let _ = Micros(ns).write_to(line);
        }
        if r.interim {
            line.push_str(", interim");
        }
        line.push(')');
    }
    if let Some(t) = m.multipart {
        let _ = write!(line, "\n    = {t}");
    }
}

/// The text of a finding line (without a time stamp).
pub(crate) fn finding_text(f: &Finding, line: &mut String) {
    let _ = write!(line, "!! {}: {f}", f.kind);
}

/// Formats timestamps as `2024-05-01T12:34:56.123456Z` (or `+02:00`),
/// caching everything up to the seconds so that most lines only format the
/// microseconds.
pub(crate) struct TsFormat {
    tz: TimeZone,
    utc: bool,
    cached_sec: Option<i64>,
    /// `YYYY-MM-DDTHH:MM:SS` of `cached_sec`.
    prefix: String,
    /// `Z` or `+HH:MM`.
    suffix: String,
}

impl TsFormat {
    pub(crate) fn new(tz: Option<TimeZone>) -> Self {
        let utc = tz.is_none();
        TsFormat {
            tz: tz.unwrap_or(TimeZone::UTC),
            utc,
            cached_sec: None,
            prefix: String::new(),
            suffix: String::new(),
        }
    }

    pub(crate) fn write(&mut self, ts: Option<Timestamp>, out: &mut String) {
        let Some(ts) = ts else {
            out.push('-');
            return;
        };
        if self.cached_sec != Some(ts.secs) && !self.refresh(ts.secs) {
            let _ = write!(out, "@{}.{:09}", ts.secs, ts.nanos);
            return;
        }
        out.push_str(&self.prefix);
        out.push('.');
        push_digits(out, ts.nanos / 1000, 6);
        out.push_str(&self.suffix);
    }

    /// Recompute the cached prefix for `secs`; `false` if out of range.
    fn refresh(&mut self, secs: i64) -> bool {
        let Ok(t) = jiff::Timestamp::from_second(secs) else {
            return false;
        };
        let offset = self.tz.to_offset(t);
        let dt = offset.to_datetime(t);
        self.prefix.clear();
        let _ = write!(
            self.prefix,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        );
        self.suffix.clear();
        if self.utc {
            self.suffix.push('Z');
        } else {
            let s = offset.seconds();
            let a = s.unsigned_abs();
            let _ = write!(
                self.suffix,
                "{}{:02}:{:02}",
                if s < 0 { '-' } else { '+' },
                a / 3600,
                a / 60 % 60
            );
        }
        self.cached_sec = Some(secs);
        true
    }
}

/// Append `v` as exactly `n` decimal digits (zero-padded).
fn push_digits(out: &mut String, mut v: u32, n: usize) {
    let mut buf = [b'0'; 10];
    for i in (0..n.min(10)).rev() {
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    for &b in &buf[..n.min(10)] {
        out.push(char::from(b));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listing {
    Messages,
    Packets,
    Findings,
    Nothing,
}

/// The CLI's sink: filters, renders and counts.
struct Output<W: Write> {
    w: W,
    line: String,
    scratch: String,
    ts: TsFormat,
    filter: Filter,
    listing: Listing,
    json: bool,
    stats: Option<Stats>,
    error: Option<io::Error>,
}

impl<W: Write> Output<W> {
    fn emit_line(&mut self) {
        self.line.push('\n');
        if self.error.is_none() {
            if let Err(e) = self.w.write_all(self.line.as_bytes()) {
                self.error = Some(e);
            }
        }
    }

    /// `{"schema":1,"ts":...,"index":N,` members at the start of a JSON line.
    fn json_head(&mut self, ts: Option<Timestamp>, index: usize) {
        self.line.push('{');
        self.line.push_str(render::SCHEMA_MEMBER);
        self.line.push_str(",\"ts\":");
        if ts.is_some() {
            self.line.push('"');
            self.ts.write(ts, &mut self.line);
            self.line.push('"');
        } else {
            self.line.push_str("null");
        }
        let _ = write!(self.line, ",\"index\":{index},");
    }
}

impl<W: Write> Sink for Output<W> {
    fn packet(&mut self, p: &PacketEvent<'_>) {
        if self.listing != Listing::Packets || !self.filter.packet(p) {
            return;
        }
        self.line.clear();
        if self.json {
            // json_head ends with a comma; the writer starts a fresh member list.
            self.json_head(p.ts, p.index);
            render::packet_members(p.dissection, &mut JsonWriter::new(&mut self.line));
            self.line.push('}');
        } else {
            self.ts.write(p.ts, &mut self.line);
            self.line.push(' ');
            render::summary(p.dissection, &mut self.line);
        }
        self.emit_line();
    }

    fn message(&mut self, m: &MessageEvent<'_>) {
        if !self.filter.message(m) {
            return;
        }
        if let Some(s) = &mut self.stats {
            s.message(m);
        }
        if self.listing != Listing::Messages {
            return;
        }
        self.line.clear();
        let env = &m.envelope;
        if self.json {
            // json_head ends with a comma; the writer starts a fresh member list.
            self.json_head(env.first_ts, env.first_index);
            let mut w = JsonWriter::new(&mut self.line);
            layer_json(env, &mut w);
            match &m.message {
                Ok(msg) => layer_json(msg.as_describe(), &mut w),
                Err(e) => {
                    self.scratch.clear();
                    let _ = write!(self.scratch, "{e}");
                    w.field(&Field::derived("error", Value::Str(&self.scratch)));
                }
            }
            drop(w);
            if let Some(r) = m.request {
                let _ = write!(self.line, ",\"request_index\":{}", r.index);
                if let Some(ns) = r.latency_ns {
                    let _ = write!(self.line, ",\"latency_us\":{}", ns as f64 / 1000.0);
                }
                if r.interim {
                    self.line.push_str(",\"interim\":true");
                }
                if r.retries > 0 {
                    let _ = write!(self.line, ",\"retries\":{}", r.retries);
                }
            }
            if let Some(c) = m.command_key {
                self.line.push_str(",\"command\":");
                self.scratch.clear();
                let _ = write!(self.scratch, "{c}");
                json_str(&mut self.line, &self.scratch);
            }
            if let Some(t) = m.multipart {
                let _ = write!(
                    self.line,
                    ",\"multipart\":{{\"record_handle\":{},\"parts\":{},\"bytes\":{},\"crc_ok\":{},\"summary\":",
                    t.record_handle,
                    t.parts,
                    t.bytes.len(),
                    t.crc_ok()
                );
                self.scratch.clear();
                let _ = write!(self.scratch, "{t}");
                json_str(&mut self.line, &self.scratch);
                self.line.push('}');
            }
            self.line.push('}');
        } else {
            self.ts.write(env.first_ts, &mut self.line);
            self.line.push(' ');
            message_text(m, &mut self.line);
        }
        self.emit_line();
    }

    fn finding(&mut self, f: &Finding) {
        if !self.filter.finding(f) {
            return;
        }
        if let Some(s) = &mut self.stats {
            s.finding(f);
        }
        // In the packet listing the dissector's own problems are already in
        // the packet's line.
        if self.listing == Listing::Nothing
            || (self.listing == Listing::Packets && f.is_packet_problem())
        {
            return;
        }
        self.line.clear();
        if self.json {
            self.json_head(f.ts, f.index);
            self.line.push_str("\"finding\":{\"kind\":");
            json_str(&mut self.line, f.kind.name());
            self.line.push_str(",\"severity\":");
            json_str(&mut self.line, f.severity.name());
            match f.related_index {
                Some(i) => {
                    let _ = write!(self.line, ",\"related_index\":{i}");
                }
                None => self.line.push_str(",\"related_index\":null"),
            }
            if let Some(a) = f.addr {
                let _ = write!(
                    self.line,
                    ",\"src\":{},\"dst\":{},\"to\":{},\"tag\":{}",
                    a.src, a.dst, a.to, a.tag
                );
            }
            self.scratch.clear();
            let _ = write!(self.scratch, "{f}");
            self.line.push_str(",\"message\":");
            json_str(&mut self.line, &self.scratch);
            self.line.push_str("}}");
        } else {
            if self.listing == Listing::Findings {
                // Findings-only listing: lead with the time, like messages.
                self.ts.write(f.ts, &mut self.line);
                self.line.push(' ');
            }
            finding_text(f, &mut self.line);
        }
        self.emit_line();
    }
}

/// Open the capture. `date` dates tcpdump text dumps (their time stamps are
/// times of day); with `--timezone` those times are read as that zone's
/// local time on that date, otherwise as UTC.
fn open_capture(
    path: &std::path::Path,
    opts: &ReadOptions,
    tz: Option<&TimeZone>,
    follow: Option<Follow>,
) -> Result<Reader, String> {
    let mut copts = mctpkit::capture::CaptureOptions::default();
    if let Some(d) = opts.date {
        copts.date =
            mctpkit::capture::Date::new(i32::from(d.year()), d.month() as u8, d.day() as u8);
        if let Some(tz) = tz {
            if let Ok(zoned) = d.at(12, 0, 0, 0).to_zoned(tz.clone()) {
                copts.utc_offset_secs = zoned.offset().seconds();
            }
        }
    }
    Reader::open(path, &copts, follow).map_err(|e| e.to_string())
}

/// `--follow`: poll the file every 100 ms; Ctrl-C ends the capture (the
/// unfinished messages, unanswered requests and statistics are still
/// reported) instead of killing the process.
fn follow_until_ctrl_c() -> Result<Follow, String> {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&stop);
    ctrlc::set_handler(move || flag.store(true, std::sync::atomic::Ordering::Relaxed))
        .map_err(|e| format!("--follow: cannot catch Ctrl-C: {e}"))?;
    Ok(Follow {
        poll: std::time::Duration::from_millis(100),
        stop,
    })
}

/// Progress bar on stderr for big files and for pipes, only when it cannot
/// garble the listing (stderr is a terminal, stdout is not, or only stats
/// are printed). `total` is the file size; `None` for a pipe (then bytes
/// read and the rate are shown).
fn progress_bar(args: &Args, total: Option<u64>) -> Option<indicatif::ProgressBar> {
    const MIN_BYTES: u64 = 8 << 20;
    if args.no_progress
        || total.is_some_and(|t| t < MIN_BYTES)
        || !io::stderr().is_terminal()
        || (io::stdout().is_terminal() && !args.stats_only)
    {
        return None;
    }
    let pb =
        indicatif::ProgressBar::with_draw_target(total, indicatif::ProgressDrawTarget::stderr());
    let template = if total.is_some() {
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({eta})"
    } else {
        "{spinner} [{elapsed_precise}] {bytes} read ({bytes_per_sec})"
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        pb.set_style(style);
    }
    Some(pb)
}

pub fn run(args: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let tz = match &args.timezone {
        Some(name) => Some(TimeZone::get(name).map_err(|e| format!("--timezone {name:?}: {e}"))?),
        None => None,
    };
    let read_opts = ReadOptions { date: args.date };
    // Only a regular file can grow; on a pipe Ctrl-C keeps its usual effect.
    let growable = std::fs::metadata(&args.file).is_ok_and(|m| m.is_file());
    let follow = if args.follow && growable {
        Some(follow_until_ctrl_c()?)
    } else {
        None
    };
    let mut cap = match open_capture(&args.file, &read_opts, tz.as_ref(), follow) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("mctpkit: {}: {e}", args.file.display());
            return Ok(ExitCode::from(1));
        }
    };
    if let (true, Some(c)) = (args.follow, cap.compression()) {
        eprintln!(
            "mctpkit: {}: --follow does not apply to {c}-compressed input; reading it to its end",
            args.file.display()
        );
    }

    let listing = if args.stats_only {
        Listing::Nothing
    } else if args.packets {
        Listing::Packets
    } else if args.findings {
        Listing::Findings
    } else {
        Listing::Messages
    };
    let stdout = io::stdout();
    let mut out = Output {
        w: BufWriter::with_capacity(1 << 16, stdout.lock()),
        line: String::with_capacity(512),
        scratch: String::with_capacity(512),
        ts: TsFormat::new(tz),
        filter: Filter {
            terms: args.filter.clone(),
        },
        listing,
        json: args.json,
        stats: (args.stats || args.stats_only).then(Stats::new),
        error: None,
    };
    let mut analyzer = Analyzer::new(AnalyzerOptions {
        max_message_size: args.max_message_size,
        ..AnalyzerOptions::default()
    });

    let pb = progress_bar(&args, cap.input_len());
    // A pipe or a followed file may make the next read wait: show what is
    // listed so far first (`tcpdump -U -w - | mctpkit analyze -`).
    let live = args.follow || cap.input_len().is_none();
    let mut n: u64 = 0;
    while let Some(r) = cap.next_record() {
        match r {
            Ok(rec) => analyzer.push(&rec, &mut out),
            Err(e) => analyzer.capture_error(&e, &mut out),
        }
        if live && cap.buffered() == 0 && out.error.is_none() {
            if let Err(e) = out.w.flush() {
                out.error = Some(e);
            }
        }
        if out.error.is_some() {
            break;
        }
        n += 1;
        if n % 4096 == 0 {
            if let Some(pb) = &pb {
                pb.set_position(cap.position());
            }
        }
    }
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    analyzer.finish(&mut out);

    if let Some(mut stats) = out.stats.take() {
        out.line.clear();
        if args.json {
            stats.write_json(&mut out.line);
            // `{"stats":...}` becomes `{"schema":1,"stats":...}`.
            out.line.insert(1, ',');
            out.line.insert_str(1, render::SCHEMA_MEMBER);
            out.emit_line();
        } else {
            if listing != Listing::Nothing {
                out.line.push('\n');
            }
            stats.write_text(&mut out.line);
            let c = analyzer.counters();
            let _ = write!(
                out.line,
                "-- capture: {} packets, {} messages, {} findings (before filters)",
                c.packets, c.messages, c.findings
            );
            out.emit_line();
        }
    }
    let result = match out.error.take() {
        Some(e) => Err(e),
        None => out.w.flush(),
    };
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // `mctpkit analyze big.pcap | head` is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}

/// The analyser's text listing of messages and findings, formatted as
/// `mctpkit analyze` prints them (used by `simulate` and `monitor`).
pub(crate) struct TextListing<W: Write> {
    pub(crate) w: W,
    pub(crate) line: String,
    pub(crate) ts: TsFormat,
    pub(crate) quiet: bool,
    pub(crate) error: Option<io::Error>,
}

impl<W: Write> TextListing<W> {
    pub(crate) fn emit(&mut self) {
        self.line.push('\n');
        if self.error.is_none() {
            if let Err(e) = self.w.write_all(self.line.as_bytes()) {
                self.error = Some(e);
            }
        }
    }
}

impl<W: Write> Sink for TextListing<W> {
    fn message(&mut self, m: &MessageEvent<'_>) {
        if self.quiet {
            return;
        }
        self.line.clear();
        self.ts.write(m.envelope.first_ts, &mut self.line);
        self.line.push(' ');
        message_text(m, &mut self.line);
        self.emit();
    }

    fn finding(&mut self, f: &Finding) {
        if self.quiet {
            return;
        }
        self.line.clear();
        finding_text(f, &mut self.line);
        self.emit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_utc_and_zone() {
        let mut f = TsFormat::new(None);
        let mut s = String::new();
        let ts = Timestamp {
            secs: 1_714_566_896,
            nanos: 123_456_789,
        };
        f.write(Some(ts), &mut s);
        assert_eq!(s, "2024-05-01T12:34:56.123456Z");
        s.clear();
        f.write(None, &mut s);
        assert_eq!(s, "-");
        s.clear();
        f.write(
            Some(Timestamp {
                secs: 0,
                nanos: 5_000,
            }),
            &mut s,
        );
        assert_eq!(s, "1970-01-01T00:00:00.000005Z");

        if let Ok(tz) = TimeZone::get("America/Chicago") {
            let mut f = TsFormat::new(Some(tz));
            s.clear();
            f.write(Some(ts), &mut s);
            assert_eq!(s, "2024-05-01T07:34:56.123456-05:00");
            // January: standard time, cache refreshed
            s.clear();
            f.write(
                Some(Timestamp {
                    secs: 1_704_067_200,
                    nanos: 0,
                }),
                &mut s,
            );
            assert_eq!(s, "2023-12-31T18:00:00.000000-06:00");
        }
    }

    fn output(listing: Listing, json: bool, filter: &[&str]) -> Output<Vec<u8>> {
        Output {
            w: Vec::new(),
            line: String::new(),
            scratch: String::new(),
            ts: TsFormat::new(None),
            filter: Filter::parse(filter).unwrap(),
            listing,
            json,
            stats: Some(Stats::new()),
            error: None,
        }
    }

    /// Get Endpoint ID request 8 -> 9 tag 1, a stray middle packet, the
    /// response (20 µs later), then an unfinished PLDM message.
    fn feed(out: &mut Output<Vec<u8>>) {
        let packets: [&[u8]; 4] = [
            &[0x01, 0x09, 0x08, 0xc9, 0x00, 0x81, 0x02],
            &[0x01, 0x09, 0x08, 0x20, 0xaa],
            &[
                0x01, 0x08, 0x09, 0xc1, 0x00, 0x01, 0x02, 0x00, 0x09, 0x00, 0x00,
            ],
            &[0x01, 0x09, 0x08, 0x8a, 0x01, 0x80, 0x02],
        ];
        let mut a = Analyzer::default();
        for (i, p) in packets.iter().enumerate() {
            let ts = Some(Timestamp {
                secs: 1_714_566_896,
                nanos: 10_000 * i as u32,
            });
            a.push_packet(i + 1, ts, mctpkit::BindingKind::None, p, out);
        }
        a.finish(out);
    }

    #[test]
    fn text_listing() {
        let mut out = output(Listing::Messages, false, &[]);
        feed(&mut out);
        let text = String::from_utf8(out.w).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert!(lines[0].starts_with(
            "2024-05-01T12:34:56.000000Z MCTP 09<-08 TO tag=1 [1 pkt, 3 B] / CTRL Get Endpoint ID req iid=1"
        ));
        assert_eq!(
            lines[1],
            "!! missing-som: packet #2, 09<-08 tag=0: middle packet (seq 2) with no message in progress"
        );
        assert!(lines[2].starts_with(
            "2024-05-01T12:34:56.000020Z MCTP 08<-09 tag=1 [1 pkt, 7 B] / CTRL Get Endpoint ID rsp iid=1 SUCCESS"
        ));
        assert!(
            lines[2].ends_with("(reply to #1 after 0.020 ms)"),
            "{}",
            lines[2]
        );
        assert!(lines[3].starts_with("!! incomplete: packet #4, 09<-08 TO tag=2:"));
        let stats = out.stats.unwrap();
        assert_eq!(stats.messages, 2);
    }

    #[test]
    fn json_listing_and_filters() {
        let mut out = output(Listing::Messages, true, &["type=control"]);
        feed(&mut out);
        let text = String::from_utf8(out.w).unwrap();
        let v: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        // The PLDM incomplete finding is filtered out; the stray packet's
        // finding (type unknown) is kept.
        assert_eq!(v.len(), 3, "{text}");
        assert_eq!(v[0]["index"], 1);
        assert_eq!(v[0]["mctp"]["to"], true);
        assert_eq!(v[0]["control"]["command_name"], "Get Endpoint ID");
        assert_eq!(v[1]["finding"]["kind"], "missing-som");
        assert_eq!(v[1]["finding"]["severity"], "warning");
        assert_eq!(v[2]["ts"], "2024-05-01T12:34:56.000020Z");
        assert_eq!(v[2]["request_index"], 1);
        assert_eq!(v[2]["latency_us"], 20.0);

        let mut out = output(Listing::Packets, true, &["src=9"]);
        feed(&mut out);
        let text = String::from_utf8(out.w).unwrap();
        let v: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(v.len(), 1, "{text}");
        assert_eq!(v[0]["index"], 3);
        assert_eq!(v[0]["mctp"]["src"], 9);
        assert_eq!(v[0]["problems"], serde_json::json!([]));
    }

    #[test]
    fn dates_parse() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("yesterday").is_err());
    }
}
