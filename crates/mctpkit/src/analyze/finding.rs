//! Findings: what the analyser reports about a capture besides its messages.
//!
//! A finding has a [`FindingKind`] (a stable kebab-case name used in the
//! text output, JSON and statistics), a [`Severity`], the packet where it was
//! detected (and often an earlier, related packet), the stream's addresses
//! when known, and a typed [`Detail`]. `Display` renders the human message;
//! nothing is formatted until a finding is shown.

use std::fmt;

use mctpkit_wire::mctp::MessageType;
use mctpkit_wire::Error;

use crate::capture::Timestamp;
use crate::dissect::Problem;

use super::family::{CommandKey, ErrorCompletion};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing, often benign (a response whose request is not in the capture).
    Info,
    /// A protocol irregularity that loses or confuses a message.
    Warning,
    /// Corrupt or undecodable data.
    Error,
}

impl Severity {
    /// Lower-case name (text and JSON).
    pub const fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// A packet's sequence number is not the previous one + 1 (mod 4); the
    /// partial message is dropped (DSP0236 §8.8, every stack does this).
    SequenceGap,
    /// A middle or EOM packet with no message in progress on its stream.
    MissingSom,
    /// A SOM (or single-packet message) abandoned a half-built message.
    MissingEom,
    /// A request reused a tag whose earlier request has had no response yet.
    TagReuse,
    /// A request got no response (its tag was reused after the tag timeout,
    /// or the capture ended).
    NoResponse,
    /// A message still being reassembled when the capture ended.
    Incomplete,
    /// A binding integrity check (PEC, FCS) failed.
    BadIntegrity,
    /// An MCTP header version other than 1; the packet is not interpreted.
    UnsupportedVersion,
    /// A packet or a reassembled message did not decode.
    DecodeError,
    /// A binding frame broke a framing rule (address R/W bit, byte count,
    /// escape) but was still decoded.
    Framing,
    /// A message grew beyond the maximum message size; it is dropped.
    Oversize,
    /// Too many messages (or bytes) were being reassembled at once; the
    /// oldest partial message was dropped to make room.
    ReassemblyLimit,
    /// A partial message got no packet for the reassembly timeout; it is
    /// dropped.
    ReassemblyTimeout,
    /// Conversation state (an SPDM / CXL context, a multipart transfer) was
    /// forgotten: the conversation table was full or it was idle too long.
    StateEvicted,
    /// A response (TO=0) that answers no pending request.
    UnmatchedResponse,
    /// The capture cut the packet short (snap length).
    Truncated,
    /// The capture reader could not read a record.
    CaptureError,
    /// A response reports an error: control or PLDM completion code other
    /// than SUCCESS, an SPDM ERROR, NVMe-MI status other than Success, a CXL
    /// return code other than Success / Background Command Started.
    ErrorCompletion,
    /// The same request (same family key, same bytes) sent again before a
    /// response.
    Retry,
    /// A reassembled multipart transfer (PLDM GetPDR) failed its check.
    Multipart,
}

impl FindingKind {
    /// Every kind, in a stable order.
    pub const ALL: &'static [FindingKind] = &[
        FindingKind::SequenceGap,
        FindingKind::MissingSom,
        FindingKind::MissingEom,
        FindingKind::TagReuse,
        FindingKind::NoResponse,
        FindingKind::Incomplete,
        FindingKind::BadIntegrity,
        FindingKind::UnsupportedVersion,
        FindingKind::DecodeError,
        FindingKind::Framing,
        FindingKind::Oversize,
        FindingKind::ReassemblyLimit,
        FindingKind::ReassemblyTimeout,
        FindingKind::StateEvicted,
        FindingKind::UnmatchedResponse,
        FindingKind::Truncated,
        FindingKind::CaptureError,
        FindingKind::ErrorCompletion,
        FindingKind::Retry,
        FindingKind::Multipart,
    ];

    /// Stable kebab-case name (text output, JSON `kind`, statistics).
    pub const fn name(self) -> &'static str {
        match self {
            FindingKind::SequenceGap => "seq-gap",
            FindingKind::MissingSom => "missing-som",
            FindingKind::MissingEom => "missing-eom",
            FindingKind::TagReuse => "tag-reuse",
            FindingKind::NoResponse => "no-response",
            FindingKind::Incomplete => "incomplete",
            FindingKind::BadIntegrity => "bad-integrity",
            FindingKind::UnsupportedVersion => "unsupported-version",
            FindingKind::DecodeError => "decode-error",
            FindingKind::Framing => "framing",
            FindingKind::Oversize => "oversize",
            FindingKind::ReassemblyLimit => "reassembly-limit",
            FindingKind::ReassemblyTimeout => "reassembly-timeout",
            FindingKind::StateEvicted => "state-evicted",
            FindingKind::UnmatchedResponse => "unmatched-response",
            FindingKind::Truncated => "truncated",
            FindingKind::CaptureError => "capture-error",
            FindingKind::ErrorCompletion => "error-completion",
            FindingKind::Retry => "retry",
            FindingKind::Multipart => "multipart",
        }
    }

    /// The severity findings of this kind usually carry.
    pub const fn default_severity(self) -> Severity {
        match self {
            FindingKind::UnmatchedResponse | FindingKind::Retry => Severity::Info,
            FindingKind::BadIntegrity
            | FindingKind::DecodeError
            | FindingKind::Oversize
            | FindingKind::ReassemblyLimit
            | FindingKind::CaptureError => Severity::Error,
            FindingKind::StateEvicted => Severity::Info,
            _ => Severity::Warning,
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The MCTP stream a finding concerns: addresses, TO and tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamAddr {
    pub src: u8,
    pub dst: u8,
    pub to: bool,
    pub tag: u8,
}

impl fmt::Display for StreamAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02X}<-{:02X} {}tag={}",
            self.dst,
            self.src,
            if self.to { "TO " } else { "" },
            self.tag
        )
    }
}

/// Kind-specific facts of a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Detail {
    /// Sequence number `got` where `expected` was due; the partial message
    /// (`packets` packets, `bytes` bytes so far) was dropped.
    SequenceGap {
        expected: u8,
        got: u8,
        packets: u32,
        bytes: usize,
    },
    /// A middle (`eom == false`) or EOM packet with sequence `seq` arrived
    /// with no message in progress.
    MissingSom { eom: bool, seq: u8 },
    /// A new SOM abandoned a message of `packets` packets / `bytes` bytes.
    MissingEom { packets: u32, bytes: usize },
    /// A request reused the tag of an earlier pending request.
    TagReuse,
    /// A request got no response; `at_end` when the capture ended, else the
    /// tag was reused after `waited_ns`.
    NoResponse {
        at_end: bool,
        waited_ns: Option<u64>,
    },
    /// A message cut off by the end of the capture.
    Incomplete { packets: u32, bytes: usize },
    /// A problem the dissector found in one packet.
    Problem(Problem),
    /// A reassembled message that did not decode.
    MessageDecode(Error),
    /// The message reached `size` bytes, more than `max`.
    Oversize { max: usize, size: usize },
    /// `max` messages (or the byte limit) were in reassembly at once; the
    /// oldest, of `packets` packets / `bytes` bytes, was dropped.
    ReassemblyLimit {
        max: usize,
        packets: u32,
        bytes: usize,
    },
    /// A partial message of `packets` packets / `bytes` bytes got no packet
    /// for more than `timeout_ns`.
    ReassemblyTimeout {
        packets: u32,
        bytes: usize,
        timeout_ns: u64,
    },
    /// A pending request had no response within the tag timeout (it waited
    /// `waited_ns` when the analyser noticed).
    RequestExpired { waited_ns: u64 },
    /// The conversation was evicted: more than `max` conversations.
    ConversationEvicted { max: usize },
    /// The conversation was idle for more than `idle_ns`.
    ConversationExpired { idle_ns: u64 },
    /// A multipart transfer begun at `related_index` grew past `max` bytes
    /// and was dropped.
    MultipartOversize { max: usize },
    /// A response with no pending request; when a request with the same tag
    /// was pending but its control instance ID / command differ, they are in
    /// `pending` as `(instance_id, command)`.
    UnmatchedResponse { pending: Option<(u8, u8)> },
    /// Captured `captured` bytes of a packet of `orig` bytes.
    Truncated { captured: usize, orig: usize },
    /// The capture reader's message.
    Capture(String),
    /// A response reporting an error (see [`FindingKind::ErrorCompletion`]).
    ErrorCompletion(ErrorCompletion),
    /// A request sent again (the `count`-th repeat) while the same request
    /// at `related_index` still awaited its response.
    Retry { count: u32 },
    /// A response whose family key (command, instance ID, ...) differs from
    /// the request pending on its tag.
    PairingMismatch,
    /// A PLDM GetPDR multipart transfer of `bytes` bytes whose transfer CRC
    /// (CRC-8, DSP0248) is `found` where `computed` was due.
    MultipartCrc {
        bytes: usize,
        found: u8,
        computed: u8,
    },
    /// A multipart transfer whose record did not decode.
    MultipartDecode(Error),
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    /// The packet (1-based capture index) where the finding was detected.
    pub index: usize,
    /// An earlier packet involved: the first packet of a dropped or
    /// abandoned message, the earlier request of a reused tag.
    pub related_index: Option<usize>,
    /// When it was detected (the timestamp of `index`).
    pub ts: Option<Timestamp>,
    /// The stream, when the packet had a readable MCTP header.
    pub addr: Option<StreamAddr>,
    /// The message type of the stream, when known.
    pub msg_type: Option<MessageType>,
    /// The family command concerned (the request's, for responses), when known.
    pub command: Option<CommandKey>,
    pub detail: Detail,
}

impl Finding {
    /// A finding with the kind's default severity and no optional facts.
    pub fn new(kind: FindingKind, index: usize, ts: Option<Timestamp>, detail: Detail) -> Self {
        Finding {
            kind,
            severity: kind.default_severity(),
            index,
            related_index: None,
            ts,
            addr: None,
            msg_type: None,
            command: None,
            detail,
        }
    }

    /// `true` when the finding repeats a problem the dissector shows in the
    /// packet's own summary (so a per-packet listing can skip it).
    pub fn is_packet_problem(&self) -> bool {
        matches!(self.detail, Detail::Problem(_))
    }
}

impl fmt::Display for Finding {
    /// The human message (without the kind): `packet #12, 09<-08 TO tag=3: ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "packet #{}", self.index)?;
        if let Some(a) = &self.addr {
            write!(f, ", {a}")?;
        }
        f.write_str(": ")?;
        if let Some(c) = &self.command {
            write!(f, "{c}: ")?;
        }
        let rel = self.related_index.unwrap_or(0);
        match &self.detail {
            Detail::SequenceGap {
                expected,
                got,
                packets,
                bytes,
            } => write!(
                f,
                "expected seq {expected}, got {got}; dropped the message begun at #{rel} ({packets} pkts, {bytes} B)"
            ),
            Detail::MissingSom { eom, seq } => write!(
                f,
                "{} packet (seq {seq}) with no message in progress",
                if *eom { "EOM" } else { "middle" }
            ),
            Detail::MissingEom { packets, bytes } => write!(
                f,
                "new SOM abandons the message begun at #{rel} ({packets} pkts, {bytes} B)"
            ),
            Detail::TagReuse => write!(
                f,
                "tag reused while the request at #{rel} still awaits a response"
            ),
            Detail::NoResponse { at_end: true, .. } => {
                write!(f, "request at #{rel} had no response by the end of the capture")
            }
            Detail::NoResponse { waited_ns, .. } => {
                write!(f, "request at #{rel} had no response")?;
                if let Some(ns) = waited_ns {
                    write!(f, " within {}", Micros(*ns))?;
                }
                f.write_str(" before its tag was reused")
            }
            Detail::Incomplete { packets, bytes } => write!(
                f,
                "message begun at #{rel} unfinished at end of capture ({packets} pkts, {bytes} B)"
            ),
            Detail::Problem(p) => write!(f, "{p}"),
            Detail::MessageDecode(e) => write!(f, "message begun at #{rel}: {e}"),
            Detail::Oversize { max, size } => write!(
                f,
                "message begun at #{rel} reached {size} B, more than {max} B; dropped"
            ),
            Detail::ReassemblyLimit {
                max,
                packets,
                bytes,
            } => write!(
                f,
                "reassembly table full ({max} messages or the byte limit); dropped the oldest, begun at #{rel} ({packets} pkts, {bytes} B)"
            ),
            Detail::ReassemblyTimeout {
                packets,
                bytes,
                timeout_ns,
            } => write!(
                f,
                "message begun at #{rel} got no packet for {}; dropped ({packets} pkts, {bytes} B)",
                Micros(*timeout_ns)
            ),
            Detail::RequestExpired { waited_ns } => write!(
                f,
                "request at #{rel} had no response within {} (tag expired)",
                Micros(*waited_ns)
            ),
            Detail::ConversationEvicted { max } if rel != 0 => write!(
                f,
                "request at #{rel} dropped unanswered: its conversation was evicted (more than {max} conversations)"
            ),
            Detail::ConversationEvicted { max } => write!(
                f,
                "conversation state dropped: more than {max} conversations"
            ),
            Detail::ConversationExpired { idle_ns } => write!(
                f,
                "conversation state dropped: idle for more than {}",
                Micros(*idle_ns)
            ),
            Detail::MultipartOversize { max } => write!(
                f,
                "GetPDR multipart transfer begun at #{rel} grew past {max} B; dropped"
            ),
            Detail::UnmatchedResponse { pending: None } => {
                f.write_str("response with no pending request")
            }
            Detail::UnmatchedResponse {
                pending: Some((iid, cmd)),
            } => write!(
                f,
                "response does not match the pending request at #{rel} (iid={iid} cmd={cmd:#04x})"
            ),
            Detail::Truncated { captured, orig } => {
                write!(f, "captured {captured} of {orig} bytes")
            }
            Detail::Capture(m) => f.write_str(m),
            Detail::ErrorCompletion(e) => {
                f.write_str(if e.not_ready {
                    "response not ready"
                } else {
                    "error completion"
                })?;
                match e.name {
                    Some(n) => write!(f, " {n} ({:#04x})", e.code),
                    None => write!(f, " {:#04x}", e.code),
                }?;
                if rel != 0 {
                    write!(f, " to the request at #{rel}")?;
                }
                Ok(())
            }
            Detail::Retry { count } => write!(
                f,
                "request repeated (retry {count}) while the same request at #{rel} awaits a response"
            ),
            Detail::PairingMismatch => write!(
                f,
                "response does not match the request pending on this tag at #{rel}"
            ),
            Detail::MultipartCrc {
                bytes,
                found,
                computed,
            } => write!(
                f,
                "GetPDR multipart transfer begun at #{rel} ({bytes} B): transfer CRC {found:#04x}, computed {computed:#04x}"
            ),
            Detail::MultipartDecode(e) => {
                write!(f, "GetPDR multipart record begun at #{rel}: {e}")
            }
        }
    }
}

/// A duration in nanoseconds shown in milliseconds with microsecond precision.
pub struct Micros(pub u64);

impl fmt::Display for Micros {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

impl Micros {
    /// Write `1.234 ms` without core::fmt (once per line in `analyze`).
    pub fn write_to(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        use mctpkit_wire::describe::fast;
        let us = self.0 / 1000;
        fast::dec(f, us / 1000)?;
        let frac = us % 1000;
        let digits = [
            b'.',
            b'0' + (frac / 100) as u8,
            b'0' + (frac / 10 % 10) as u8,
            b'0' + (frac % 10) as u8,
        ];
        f.write_str(core::str::from_utf8(&digits).unwrap_or(".???"))?;
        f.write_str(" ms")
    }
}
