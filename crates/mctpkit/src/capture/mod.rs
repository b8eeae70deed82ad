//! Capture input and output: pcap, pcapng and tcpdump text dumps in;
//! pcap (LINUX_SLL2, protocol 0x00FA) out.
//!
//! Formats are detected by content, never by file name. Two readers share
//! the per-record parsing code:
//!
//! * [`stream::Reader`] reads a file, a pipe or standard input
//!   incrementally through a bounded window, unwraps gzip and zstd, can
//!   follow a growing file, and lends one record at a time: memory stays
//!   flat whatever the size of the capture. `mctpkit analyze` uses it.
//! * [`Capture`] holds a whole capture in memory and [`Capture::records`]
//!   hands out records that borrow from it (text dumps are parsed once at
//!   open time into an arena that records borrow from), for callers that
//!   want a plain iterator or to walk a capture twice.
//!
//! Either way walking a capture allocates nothing per packet.
//!
//! ```no_run
//! use mctpkit::capture::Capture;
//! let cap = Capture::open("trace.pcap")?;
//! let mut records = cap.records();
//! while let Some(item) = records.next() {
//!     match item {
//!         Ok(rec) => println!("#{} {:?} {} bytes", rec.index, rec.ts, rec.data.len()),
//!         Err(e) => eprintln!("{e}"),
//!     }
//!     let _progress = (records.position(), cap.input_len());
//! }
//! # Ok::<(), mctpkit::capture::CaptureError>(())
//! ```
//!
//! Error policy: unreadable input (empty, unknown format, bad file header)
//! fails [`Capture::open`] / [`Capture::from_bytes`]. A bad record is an
//! `Err` item and iteration goes on where the framing allows: a pcap record
//! running past the end of the file ends iteration with one error; an
//! unsupported link type gives one error (per file for pcap, per interface
//! for pcapng) and its packets are skipped; a cooked header carrying another
//! protocol gives an error for that record. See the submodules for details.

use std::path::Path;

use mctpkit_wire::binding::BindingKind;

pub mod input;
pub mod linktype;
pub mod pcap;
pub mod pcapng;
pub mod stream;
pub mod text;
pub mod writer;

pub use input::Compression;
pub use stream::{Follow, Reader};

/// Longest record (pcap record, pcapng block, text dump packet) the
/// readers accept: 16 MiB, far above libpcap's largest snap length
/// (262,144 bytes). It bounds the streaming reader's window.
pub const MAX_FRAME_LEN: usize = 16 << 20;

pub use pcap::PcapRecords;
pub use pcapng::PcapNgRecords;
pub use text::TextRecords;
pub use writer::{PcapWriter, Precision, WriterOptions};

/// A point in time: seconds and nanoseconds since the UNIX epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    pub secs: i64,
    pub nanos: u32,
}

impl Timestamp {
    /// Nanoseconds since the epoch.
    pub const fn as_nanos(&self) -> i128 {
        self.secs as i128 * 1_000_000_000 + self.nanos as i128
    }
}

/// Direction of a packet as the capture recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Received by the capturing host (SLL packet type 0..3).
    Incoming,
    /// Sent by the capturing host (SLL packet type 4).
    Outgoing,
}

/// What kind of file a capture was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pcap,
    PcapNg,
    /// tcpdump `-x` / `-X` text, possibly with journal prefixes.
    TcpdumpText,
}

/// One captured packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// 1-based position in the capture (frame number, as Wireshark counts).
    pub index: usize,
    /// When it was captured, if the capture says.
    pub ts: Option<Timestamp>,
    /// Framing of `data`: `None` for cooked captures (data starts with the
    /// MCTP header), `Smbus` for LINKTYPE_I2C_LINUX.
    pub binding: BindingKind,
    /// Direction, if the capture records it.
    pub direction: Option<Direction>,
    /// The bytes after any capture header (SLL/SLL2/I2C pseudo-header).
    pub data: &'a [u8],
    /// Length of the packet on the wire (may exceed `data.len()` if truncated by snaplen).
    pub orig_len: usize,
}

/// A capture-level problem: the file is unreadable, or one record is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureError {
    /// Record index (1-based) when the problem concerns one record, 0 for the file.
    pub index: usize,
    /// Byte offset in the file.
    pub offset: usize,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for CaptureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.index > 0 {
            write!(
                f,
                "capture: record {} at byte {}: {}",
                self.index, self.offset, self.message
            )
        } else {
            write!(f, "capture: at byte {}: {}", self.offset, self.message)
        }
    }
}

impl std::error::Error for CaptureError {}

impl CaptureError {
    fn file(offset: usize, message: impl Into<String>) -> Self {
        CaptureError {
            index: 0,
            offset,
            message: message.into(),
        }
    }
}

/// A calendar date (proleptic Gregorian), used to date tcpdump text dumps,
/// whose time stamps are only times of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// 1970-01-01, the date a text dump gets when none is given.
    pub const EPOCH: Date = Date {
        year: 1970,
        month: 1,
        day: 1,
    };

    /// A valid date, or `None`.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Parse `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.trim().splitn(3, '-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Days since 1970-01-01 (negative before). Howard Hinnant's
    /// `days_from_civil`: count in 400-year eras starting on 1 March.
    pub fn days_since_epoch(&self) -> i64 {
        let m = i64::from(self.month);
        let d = i64::from(self.day);
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400; // [0, 399]
        let mp = (m + 9) % 12; // March = 0
        let doy = (153 * mp + 2) / 5 + d - 1; // [0, 365]
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
        era * 146_097 + doe - 719_468
    }
}

impl std::str::FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s).ok_or_else(|| format!("invalid date {s:?}: expected YYYY-MM-DD"))
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// How to read a capture. Only tcpdump text dumps use these (pcap and
/// pcapng carry UTC epoch time stamps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CaptureOptions {
    /// Date of the first packet of a text dump (times of day carry none).
    /// `None` means 1970-01-01, so times print as bare times of day.
    pub date: Option<Date>,
    /// Offset of the dump's clock from UTC in seconds (local = UTC +
    /// offset; +3600 for CET). Time stamps are returned as UTC, i.e. with
    /// this subtracted. 0 (the default) takes the dump's clock to be UTC.
    pub utc_offset_secs: i32,
}

#[derive(Debug, Clone)]
enum Contents {
    Pcap {
        bytes: Vec<u8>,
        header: pcap::PcapHeaderInfo,
    },
    PcapNg {
        bytes: Vec<u8>,
    },
    Text(text::TextDump),
}

/// A whole capture file in memory.
#[derive(Debug, Clone)]
pub struct Capture {
    contents: Contents,
    input_len: usize,
}

impl Capture {
    /// Read and detect the file at `path` (default options).
    pub fn open(path: impl AsRef<Path>) -> Result<Capture, CaptureError> {
        Self::open_with(path, &CaptureOptions::default())
    }

    /// Read and detect the file at `path`.
    pub fn open_with(
        path: impl AsRef<Path>,
        options: &CaptureOptions,
    ) -> Result<Capture, CaptureError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| CaptureError::file(0, format!("{}: {e}", path.display())))?;
        Self::from_bytes_with(bytes, options)
    }

    /// Detect the format of `bytes` (default options).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Capture, CaptureError> {
        Self::from_bytes_with(bytes, &CaptureOptions::default())
    }

    /// Detect the format of `bytes`: pcap by its magic (A1B2C3D4 or
    /// A1B23C4D, either byte order), pcapng by its section header block
    /// type (0A0D0D0A), otherwise tcpdump text, which must contain at least
    /// one hex dump line.
    pub fn from_bytes_with(
        bytes: Vec<u8>,
        options: &CaptureOptions,
    ) -> Result<Capture, CaptureError> {
        let input_len = bytes.len();
        if bytes.is_empty() {
            return Err(CaptureError::file(0, "empty file"));
        }
        let contents = if pcap::has_magic(&bytes) {
            let header = pcap::parse_header(&bytes)?;
            Contents::Pcap { bytes, header }
        } else if pcapng::has_magic(&bytes) {
            pcapng::check_header(&bytes)?;
            Contents::PcapNg { bytes }
        } else {
            Contents::Text(text::parse(&bytes, options)?)
        };
        Ok(Capture {
            contents,
            input_len,
        })
    }

    /// The detected format.
    pub fn format(&self) -> Format {
        match self.contents {
            Contents::Pcap { .. } => Format::Pcap,
            Contents::PcapNg { .. } => Format::PcapNg,
            Contents::Text(_) => Format::TcpdumpText,
        }
    }

    /// Size of the input in bytes: the total for a progress bar whose
    /// position is [`Records::position`].
    pub fn input_len(&self) -> usize {
        self.input_len
    }

    /// The link type of a classic pcap file; `None` for pcapng (one per
    /// interface) and text dumps.
    pub fn link_type(&self) -> Option<u32> {
        match &self.contents {
            Contents::Pcap { header, .. } => Some(header.linktype),
            _ => None,
        }
    }

    /// Number of records of a text dump (known after parsing); `None` for
    /// pcap and pcapng, which are not pre-scanned.
    pub fn text_record_count(&self) -> Option<usize> {
        match &self.contents {
            Contents::Text(t) => Some(t.len()),
            _ => None,
        }
    }

    /// Walk the records. Each call starts from the beginning.
    pub fn records(&self) -> Records<'_> {
        Records {
            inner: match &self.contents {
                Contents::Pcap { bytes, header } => {
                    RecordsInner::Pcap(pcap::PcapRecords::new(bytes, *header))
                }
                Contents::PcapNg { bytes } => {
                    RecordsInner::PcapNg(pcapng::PcapNgRecords::new(bytes))
                }
                Contents::Text(t) => RecordsInner::Text(t.records()),
            },
        }
    }
}

/// Iterator over the records of a [`Capture`]; borrows from it.
#[derive(Debug, Clone)]
pub struct Records<'a> {
    inner: RecordsInner<'a>,
}

#[derive(Debug, Clone)]
enum RecordsInner<'a> {
    Pcap(pcap::PcapRecords<'a>),
    PcapNg(pcapng::PcapNgRecords<'a>),
    Text(text::TextRecords<'a>),
}

impl Records<'_> {
    /// Bytes of the input consumed so far, for progress (compare with
    /// [`Capture::input_len`]).
    pub fn position(&self) -> usize {
        match &self.inner {
            RecordsInner::Pcap(r) => r.position(),
            RecordsInner::PcapNg(r) => r.position(),
            RecordsInner::Text(r) => r.position(),
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            RecordsInner::Pcap(r) => r.next(),
            RecordsInner::PcapNg(r) => r.next(),
            RecordsInner::Text(r) => r.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(Date::EPOCH.days_since_epoch(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().days_since_epoch(), 11_017);
        assert_eq!(
            Date::parse("2026-05-01").unwrap().days_since_epoch(),
            20_574
        );
        assert_eq!(Date::new(1969, 12, 31).unwrap().days_since_epoch(), -1);
        assert!(Date::parse("2025-02-29").is_none());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2024-2-9").is_none());
    }
}
