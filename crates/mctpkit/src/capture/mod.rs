//! Capture input and output: pcap, pcapng and tcpdump text dumps in;
//! pcap (LINUX_SLL2, protocol 0x00FA) out.
//!
//! Formats are detected by content, never by file name. A capture is read
//! into memory once and [`Capture::records`] hands out records that borrow
//! from it, so walking a capture allocates nothing per packet.

use mctpkit_wire::binding::BindingKind;

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
#[derive(Debug, Clone, Copy)]
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
mod stub;
pub use stub::Capture;
