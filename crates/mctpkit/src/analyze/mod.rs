//! The capture analyser: reassembly, findings and request/response matching.
//!
//! Sans-IO in the style of quinn-proto: the [`Analyzer`] owns no file, no
//! clock and no output. The caller feeds it packets one at a time
//! ([`Analyzer::push`] for capture [`Record`]s, [`Analyzer::push_packet`] for
//! raw bytes) and receives results through a [`Sink`] it passes in:
//! one [`PacketEvent`] per packet, one [`MessageEvent`] per completed
//! message and one [`Finding`] per irregularity, in capture order.
//! [`Analyzer::finish`] reports what the end of the capture left unfinished.
//!
//! # Reassembly (DSP0236 §8.8, reference mctp-core.md §4–5)
//!
//! Packets are grouped into messages per stream: **(source EID, destination
//! EID, TO, tag)**, the key Linux and mctp-estack use (libmctp ignores TO,
//! which mixes a request and a response that share a tag). Physical
//! addresses are not part of the key, so a capture that interleaves several
//! buses whose EIDs collide will mix their streams.
//!
//! * A SOM starts a message with any sequence number; each further packet
//!   must carry the previous number + 1 (mod 4). A gap drops the partial
//!   message ([`FindingKind::SequenceGap`]); the rest of that message is then
//!   skipped silently up to its EOM, so one loss gives one finding.
//! * A middle/EOM packet with no message in progress is a
//!   [`FindingKind::MissingSom`]; it too skips to the EOM.
//! * A SOM while a message is in progress abandons it
//!   ([`FindingKind::MissingEom`]) and starts the new one (libmctp and
//!   mctp-estack restart the same way).
//! * A message larger than [`AnalyzerOptions::max_message_size`] is dropped
//!   ([`FindingKind::Oversize`]), so memory stays bounded.
//! * A partial message with no packet for
//!   [`AnalyzerOptions::reassembly_timeout_ns`] is dropped ([`FindingKind::ReassemblyTimeout`]); when
//!   [`AnalyzerOptions::max_reassemblies`] messages (or
//!   [`AnalyzerOptions::max_reassembly_bytes`]) are being built, the oldest
//!   is dropped to make room ([`FindingKind::ReassemblyLimit`]), so a new
//!   message is never refused (see `streams.rs`).
//! * Packets with a header version other than 1 are not interpreted (as in
//!   Linux and Wireshark); dissector problems become findings.
//!
//! Single-packet messages are decoded straight from the record bytes (zero
//! copy); multi-packet messages are copied into pooled buffers that are
//! reused, so steady state allocates nothing per packet.
//!
//! # Requests and responses
//!
//! Messages are grouped into conversations, one per (requester EID,
//! responder EID), each with a pending request per tag and a
//! [`mctpkit_wire::message::Context`] (what SPDM negotiated, which log a CXL Get Log asked
//! for). Every message is decoded with its conversation's context and then
//! observed by it; an NVMe-MI response is decoded with its matched request's
//! [`mctpkit_wire::nvme_mi::RequestContext`]; vendor-defined messages get their direction
//! from TO.
//!
//! A completed TO=1 message from A to B with tag t is a pending request
//! unless its family says it expects no response ([`Message::pairing`] is
//! `None` for control / PLDM datagrams, NVMe-MI AEs, Ethernet frames, ...).
//! A TO=0 message from B to A with tag t answers it when the family keys
//! agree ([`Pairing::key`]: control command + instance ID, PLDM type +
//! command + instance ID, SPDM request code, NVMe-MI NMIMT + slot, CXL tag +
//! opcode, ...); an SPDM ERROR decoded without knowing its request
//! ([`Pairing::any_pending`]) answers whatever is pending. A response whose
//! key differs is an [`FindingKind::UnmatchedResponse`] and the request stays
//! pending. An NVMe-MI More Processing Required response is matched as
//! *interim* ([`RequestMatch::interim`]) and the request stays pending for
//! its final response. A request sent to the broadcast or null EID is
//! answered by the first response from any EID. Latency runs from the
//! request's last packet to the response's last packet.
//!
//! The same request (same family key, same bytes, any tag) sent again while
//! pending is a [`FindingKind::Retry`]; the response then pairs with the
//! latest copy. A new request on a tag that is still pending is a
//! [`FindingKind::TagReuse`], unless the earlier request is older than
//! [`AnalyzerOptions::tag_timeout_ns`] (tags expire after 6 s in Linux and
//! libmctp), in which case the earlier one is reported as a
//! [`FindingKind::NoResponse`]. A response reporting an error (control or
//! PLDM completion code, SPDM ERROR, NVMe-MI status, CXL return code) is a
//! [`FindingKind::ErrorCompletion`] (see [`family::error_completion`]).
//!
//! Conversations are bounded and aged too (`conversations.rs`): a request
//! pending longer than the tag timeout is reported as a
//! [`FindingKind::NoResponse`] when the analyser ages its state (once per
//! second of capture time, or on [`Analyzer::handle_timeout`]); at most
//! [`AnalyzerOptions::max_conversations`] are kept (least recently used
//! evicted, [`FindingKind::StateEvicted`] when a context is lost), and
//! idle ones are forgotten after
//! [`AnalyzerOptions::conversation_timeout_ns`].
//!
//! PLDM GetPDR multipart transfers are reassembled per conversation and
//! decoded as a whole record ([`PdrTransfer`], on the completing response's
//! [`MessageEvent::multipart`]); a bad transfer CRC is a
//! [`FindingKind::Multipart`] finding.

mod conversations;
mod envelope;
pub mod family;
pub mod filter;
mod finding;
mod multipart;
mod pairing;
pub mod stats;
mod streams;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use mctpkit_wire::binding::BindingKind;
use mctpkit_wire::control;
use mctpkit_wire::mctp::{self, MessageType, TypeByte};
use mctpkit_wire::message::{Message, Pairing};
use mctpkit_wire::Error;

use crate::capture::{CaptureError, Record, Timestamp};
use crate::dissect::{dissect, Dissection};

pub use envelope::Envelope;
pub use family::{CommandKey, ErrorCompletion};
pub use filter::{Filter, FilterError};
pub use finding::{Detail, Finding, FindingKind, Micros, Severity, StreamAddr};
pub use multipart::PdrTransfer;
pub use stats::Stats;

use conversations::Conversations;
use pairing::complete;
pub(crate) use pairing::Pending;
use streams::{stream_key, Building, Stream, Streams};

/// Settings of an [`Analyzer`]. Together they bound the analyser's memory
/// whatever the input: at most `max_reassemblies` partial messages holding
/// at most `max_reassembly_bytes` (plus one message of `max_message_size`),
/// at most `max_conversations` conversations of 8 pending requests and one
/// multipart PDR (≤ 65,545 bytes) each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnalyzerOptions {
    /// Largest message (type byte included) reassembled; larger ones are
    /// dropped with a finding. Default 64 KiB, the Linux and libmctp limit.
    pub max_message_size: usize,
    /// Age after which a pending request's tag counts as expired: reusing it
    /// is then not a tag-reuse finding, and the request is dropped as
    /// unanswered ([`FindingKind::NoResponse`]). Default 6 s (Linux, libmctp).
    pub tag_timeout_ns: u64,
    /// Most streams with a message in progress at once; when full, the
    /// oldest partial message is dropped ([`FindingKind::ReassemblyLimit`])
    /// to make room, so a new message is never refused. Default 1024.
    pub max_reassemblies: usize,
    /// Most bytes held by partial messages; beyond it the oldest are
    /// dropped as for `max_reassemblies`. Default 16 MiB.
    pub max_reassembly_bytes: usize,
    /// Time without a packet after which a partial message is dropped
    /// ([`FindingKind::ReassemblyTimeout`]). Default 6 s, as the stack's
    /// `reassembly_timeout` (Linux key lifetime, mctp-estack; DSP0236 §8.8
    /// names none; mctp-core.md §5).
    pub reassembly_timeout_ns: u64,
    /// Most conversations (requester, responder) tracked; a new one evicts
    /// the least recently used. Default 1024.
    pub max_conversations: usize,
    /// A conversation with nothing pending and no message for this long is
    /// forgotten (with a [`FindingKind::StateEvicted`] if it held an SPDM /
    /// CXL context or a multipart transfer). Default 300 s.
    pub conversation_timeout_ns: u64,
}

impl Default for AnalyzerOptions {
    fn default() -> Self {
        AnalyzerOptions {
            max_message_size: 64 * 1024,
            tag_timeout_ns: 6_000_000_000,
            max_reassemblies: 1024,
            max_reassembly_bytes: 16 << 20,
            reassembly_timeout_ns: 6_000_000_000,
            max_conversations: 1024,
            conversation_timeout_ns: 300_000_000_000,
        }
    }
}

/// One packet, as the analyser saw it.
#[derive(Debug, Clone, Copy)]
pub struct PacketEvent<'a> {
    /// 1-based capture index.
    pub index: usize,
    pub ts: Option<Timestamp>,
    /// The dissector's decode of the packet.
    pub dissection: &'a Dissection<'a>,
    /// The message type of the packet's message: from its own type byte in
    /// a SOM, from the message in progress otherwise.
    pub type_byte: Option<TypeByte>,
    /// The control command code of the packet's message, when it is a
    /// control message whose SOM carried the command byte.
    pub command: Option<u8>,
    /// The packet's message as received so far (type byte first): the
    /// payload of a SOM, the reassembly buffer for later packets; empty when
    /// unknown (a stray or discarded packet).
    pub head: &'a [u8],
}

impl PacketEvent<'_> {
    /// The family command of the packet's message, from its SOM (decoded
    /// on demand: only filters on `cmd=` need it).
    pub fn command_key(&self) -> Option<CommandKey> {
        match self.dissection.message {
            Some((_, m)) => CommandKey::of(&m),
            None => Message::parse(self.head)
                .ok()
                .and_then(|m| CommandKey::of(&m)),
        }
    }
}

/// A request matched to a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestMatch {
    /// Capture index of the request's first packet (of its last retry).
    pub index: usize,
    /// Request's last packet to response's last packet, when both have
    /// timestamps and they are in order.
    pub latency_ns: Option<u64>,
    /// An interim response (NVMe-MI More Processing Required): the request
    /// stays pending for its final response.
    pub interim: bool,
    /// How many times the request was repeated before this response.
    pub retries: u32,
}

/// One completed message.
#[derive(Debug, Clone, Copy)]
pub struct MessageEvent<'a> {
    pub envelope: Envelope,
    /// The message bytes, type byte first.
    pub bytes: &'a [u8],
    /// The decoded message, or why it did not decode.
    pub message: Result<Message<'a>, Error>,
    /// For a response: the request it answers.
    pub request: Option<RequestMatch>,
    /// The family command (a response's from its matched request).
    pub command_key: Option<CommandKey>,
    /// The family's request/response pairing of this message.
    pub pairing: Option<Pairing>,
    /// A PLDM GetPDR multipart transfer this response completed.
    pub multipart: Option<&'a PdrTransfer>,
}

impl MessageEvent<'_> {
    /// The control command code, for control messages long enough to have one.
    pub fn command(&self) -> Option<u8> {
        control_info(self.bytes).map(|c| c.command)
    }
}

/// Receives the analyser's output. Every method has an empty default, so a
/// sink implements only what it needs.
pub trait Sink {
    /// A packet was pushed (called before the findings and the message it causes).
    fn packet(&mut self, _packet: &PacketEvent<'_>) {}
    /// A message completed.
    fn message(&mut self, _message: &MessageEvent<'_>) {}
    /// Something is wrong.
    fn finding(&mut self, _finding: &Finding) {}
}

/// A sink that ignores everything.
impl Sink for () {}

/// Running totals of an [`Analyzer`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    pub packets: u64,
    pub messages: u64,
    pub findings: u64,
}

/// The control header facts used for matching and filtering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ControlInfo {
    rq: bool,
    datagram: bool,
    instance_id: u8,
    command: u8,
}

/// Read the control header from message bytes (type byte first) without a
/// full decode; `None` for other types and short messages.
fn control_info(msg: &[u8]) -> Option<ControlInfo> {
    let t = TypeByte::from_byte(*msg.first()?);
    if t.msg_type != MessageType::Control || t.ic {
        return None;
    }
    let b1 = *msg.get(control::field::RQ_D_IID)?;
    let command = *msg.get(control::field::COMMAND)?;
    Some(ControlInfo {
        rq: b1 & 0x80 != 0,
        datagram: b1 & 0x40 != 0,
        instance_id: b1 & 0x1F,
        command,
    })
}

/// A cheap multiplicative hasher for the small integer keys used here.
#[derive(Default)]
pub(crate) struct KeyHasher(pub(crate) u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u16(&mut self, v: u16) {
        self.write_u32(v.into());
    }
    fn write_u32(&mut self, v: u32) {
        self.0 = (self.0 ^ u64::from(v)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// Capture time (whole seconds) between two sweeps of the tables: the
/// timeouts are seconds, so ageing to the second is enough, and comparing
/// whole seconds keeps the per-packet check to one comparison.
const SWEEP_INTERVAL_SECS: i64 = 1;

/// The analyser. See the [module documentation](self).
#[derive(Debug)]
pub struct Analyzer {
    opts: AnalyzerOptions,
    streams: Streams,
    conversations: Conversations,
    /// Capture second at or after which the tables are swept.
    next_sweep_secs: i64,
    counters: Counters,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new(AnalyzerOptions::default())
    }
}

/// Counts findings as they pass to the caller's sink.
pub(crate) struct Counting<'s, S: Sink + ?Sized> {
    sink: &'s mut S,
    counters: &'s mut Counters,
}

impl<S: Sink + ?Sized> Counting<'_, S> {
    pub(crate) fn finding(&mut self, f: &Finding) {
        self.counters.findings += 1;
        self.sink.finding(f);
    }
}

impl Analyzer {
    /// An analyser with the given options.
    pub fn new(opts: AnalyzerOptions) -> Self {
        Analyzer {
            opts,
            streams: Streams::default(),
            conversations: Conversations::default(),
            next_sweep_secs: i64::MIN,
            counters: Counters::default(),
        }
    }

    /// The options in use.
    pub fn options(&self) -> &AnalyzerOptions {
        &self.opts
    }

    /// Totals so far.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// Feed one capture record.
    pub fn push<S: Sink + ?Sized>(&mut self, rec: &Record<'_>, sink: &mut S) {
        self.push_inner(rec.index, rec.ts, rec.binding, rec.data, rec.orig_len, sink);
    }

    /// Feed one packet given as bytes framed by `binding` (1-based `index`).
    pub fn push_packet<S: Sink + ?Sized>(
        &mut self,
        index: usize,
        ts: Option<Timestamp>,
        binding: BindingKind,
        data: &[u8],
        sink: &mut S,
    ) {
        self.push_inner(index, ts, binding, data, data.len(), sink);
    }

    /// Age the analyser's state to time `now` without a packet: drop the
    /// partial messages older than the reassembly timeout, the requests
    /// older than the tag timeout and the idle conversations, each with its
    /// finding (numbered after the last packet pushed). For a live monitor,
    /// whose capture may go quiet: call it with the wall time now and then.
    /// Packets pushed later must not be older than `now`.
    pub fn handle_timeout<S: Sink + ?Sized>(&mut self, now: Timestamp, sink: &mut S) {
        let index = usize::try_from(self.counters.packets).unwrap_or(usize::MAX);
        let mut out = Counting {
            sink,
            counters: &mut self.counters,
        };
        self.next_sweep_secs = now.secs.saturating_add(SWEEP_INTERVAL_SECS);
        self.conversations.sweep(now, index, &self.opts, &mut out);
        self.streams
            .make_room(Some(now), false, index, &self.opts, &mut out);
    }

    /// Report a record the capture reader could not read.
    pub fn capture_error<S: Sink + ?Sized>(&mut self, e: &CaptureError, sink: &mut S) {
        self.counters.findings += 1;
        sink.finding(&Finding::new(
            FindingKind::CaptureError,
            e.index,
            None,
            Detail::Capture(e.to_string()),
        ));
    }

    fn push_inner<S: Sink + ?Sized>(
        &mut self,
        index: usize,
        ts: Option<Timestamp>,
        binding: BindingKind,
        data: &[u8],
        orig_len: usize,
        sink: &mut S,
    ) {
        self.counters.packets += 1;
        let d = dissect(binding, data);
        let header = d.mctp.map(|(_, h)| h.repr);
        let addr = header.map(|r| StreamAddr {
            src: r.src,
            dst: r.dst,
            to: r.to,
            tag: r.tag,
        });
        let interpret = header.filter(|r| r.version == mctp::HEADER_VERSION);

        // What the packet belongs to, for the packet event (filters need the
        // message type even for middle packets).
        let (type_byte, command, head) = match interpret {
            Some(r) if r.som => {
                let payload = d.mctp_bytes().map_or(&[][..], |p| &p[mctp::HEADER_LEN..]);
                (
                    payload.first().map(|&b| TypeByte::from_byte(b)),
                    control_info(payload).map(|c| c.command),
                    payload,
                )
            }
            Some(r) => match self.streams.get(stream_key(r.src, r.dst, r.to, r.tag)) {
                Some(Stream::Building(b)) => (b.type_byte, b.command, &b.buf[..]),
                Some(Stream::Discarding {
                    type_byte, command, ..
                }) => (*type_byte, *command, &[][..]),
                _ => (None, None, &[][..]),
            },
            None => (None, None, &[][..]),
        };
        sink.packet(&PacketEvent {
            index,
            ts,
            dissection: &d,
            type_byte,
            command,
            head,
        });

        let mut out = Counting {
            sink,
            counters: &mut self.counters,
        };
        if let Some(now) = ts {
            let t = now.secs;
            // Due, or the clock went back (a merged or restarted capture).
            if t >= self.next_sweep_secs
                || t < self.next_sweep_secs.saturating_sub(2 * SWEEP_INTERVAL_SECS)
            {
                self.next_sweep_secs = t.saturating_add(SWEEP_INTERVAL_SECS);
                self.conversations.sweep(now, index, &self.opts, &mut out);
                self.streams
                    .make_room(ts, false, index, &self.opts, &mut out);
            }
        }
        if orig_len > data.len() {
            let mut f = Finding::new(
                FindingKind::Truncated,
                index,
                ts,
                Detail::Truncated {
                    captured: data.len(),
                    orig: orig_len,
                },
            );
            f.addr = addr;
            out.finding(&f);
        }
        for p in d.problems() {
            let kind = match p {
                crate::dissect::Problem::BadIntegrity(_) => FindingKind::BadIntegrity,
                crate::dissect::Problem::UnsupportedVersion(_) => FindingKind::UnsupportedVersion,
                crate::dissect::Problem::Decode(_) => FindingKind::DecodeError,
                crate::dissect::Problem::Framing(_) => FindingKind::Framing,
            };
            let mut f = Finding::new(kind, index, ts, Detail::Problem(p));
            f.addr = addr;
            f.msg_type = type_byte.map(|t| t.msg_type);
            out.finding(&f);
        }

        let (Some(r), Some(packet)) = (interpret, d.mctp_bytes()) else {
            return;
        };
        // mctp_bytes() is at least a header when `mctp` is set.
        let payload = packet.get(mctp::HEADER_LEN..).unwrap_or(&[]);
        let key = stream_key(r.src, r.dst, r.to, r.tag);
        let addr = StreamAddr {
            src: r.src,
            dst: r.dst,
            to: r.to,
            tag: r.tag,
        };
        let max = self.opts.max_message_size;
        if !r.eom && (r.som || !self.streams.contains(key)) {
            // A stream entry may be created: age the table and make room.
            let need_slot = !self.streams.contains(key);
            self.streams
                .make_room(ts, need_slot, index, &self.opts, &mut out);
        }
        let state = self.streams.take(key);

        let finding = |kind, detail, related: Option<usize>, tb: Option<TypeByte>| {
            let mut f = Finding::new(kind, index, ts, detail);
            f.related_index = related;
            f.addr = Some(addr);
            f.msg_type = tb.map(|t| t.msg_type);
            f
        };

        if r.som {
            if let Stream::Building(b) = state {
                out.finding(&finding(
                    FindingKind::MissingEom,
                    Detail::MissingEom {
                        packets: b.packets,
                        bytes: b.buf.len(),
                    },
                    Some(b.first_index),
                    b.type_byte,
                ));
                self.streams.release(b.buf);
            }
            if payload.len() > max {
                out.finding(&finding(
                    FindingKind::Oversize,
                    Detail::Oversize {
                        max,
                        size: payload.len(),
                    },
                    Some(index),
                    type_byte,
                ));
                if !r.eom {
                    self.streams.discard(key, None, type_byte, command, ts);
                }
                return;
            }
            if r.eom {
                // Single-packet message: decode straight from the record.
                let message = match d.message {
                    Some((_, m)) => Ok(m),
                    None => Message::parse(payload),
                };
                if let (Err(e), None) = (&message, d.error) {
                    // Not already reported by the dissector.
                    out.finding(&finding(
                        FindingKind::DecodeError,
                        Detail::MessageDecode(*e),
                        Some(index),
                        type_byte,
                    ));
                }
                let env = Envelope {
                    dst: r.dst,
                    src: r.src,
                    to: r.to,
                    tag: r.tag,
                    type_byte,
                    packets: 1,
                    len: payload.len(),
                    first_index: index,
                    last_index: index,
                    first_ts: ts,
                    last_ts: ts,
                };
                complete(
                    &mut self.conversations,
                    &self.opts,
                    &mut out,
                    env,
                    payload,
                    Some(message),
                );
                return;
            }
            let buf = self.streams.buffer(payload);
            let serial = self.streams.enqueue(key, ts);
            self.streams.put(
                key,
                Stream::Building(Building {
                    buf,
                    next_seq: (r.seq + 1) & 3,
                    packets: 1,
                    first_index: index,
                    first_ts: ts,
                    last_ts: ts,
                    type_byte,
                    command,
                    serial,
                }),
            );
            return;
        }

        match state {
            Stream::Idle => {
                out.finding(&finding(
                    FindingKind::MissingSom,
                    Detail::MissingSom {
                        eom: r.eom,
                        seq: r.seq,
                    },
                    None,
                    None,
                ));
                if !r.eom {
                    self.streams.discard(key, None, None, None, ts);
                }
            }
            Stream::Discarding {
                type_byte,
                command,
                serial,
                ..
            } => {
                if !r.eom {
                    self.streams
                        .discard(key, Some(serial), type_byte, command, ts);
                }
            }
            Stream::Building(mut b) => {
                if r.seq != b.next_seq {
                    out.finding(&finding(
                        FindingKind::SequenceGap,
                        Detail::SequenceGap {
                            expected: b.next_seq,
                            got: r.seq,
                            packets: b.packets,
                            bytes: b.buf.len(),
                        },
                        Some(b.first_index),
                        b.type_byte,
                    ));
                } else if b.buf.len() + payload.len() > max {
                    out.finding(&finding(
                        FindingKind::Oversize,
                        Detail::Oversize {
                            max,
                            size: b.buf.len() + payload.len(),
                        },
                        Some(b.first_index),
                        b.type_byte,
                    ));
                } else {
                    self.streams.append(&mut b.buf, payload);
                    b.packets += 1;
                    b.next_seq = (b.next_seq + 1) & 3;
                    b.last_ts = ts;
                    if !r.eom {
                        if self.streams.bytes() > self.opts.max_reassembly_bytes {
                            // Over the byte budget: drop the oldest others.
                            self.streams
                                .make_room(ts, true, index, &self.opts, &mut out);
                        }
                        self.streams.put(key, Stream::Building(b));
                        return;
                    }
                    let env = Envelope {
                        dst: r.dst,
                        src: r.src,
                        to: r.to,
                        tag: r.tag,
                        type_byte: b.type_byte,
                        packets: b.packets,
                        len: b.buf.len(),
                        first_index: b.first_index,
                        last_index: index,
                        first_ts: b.first_ts,
                        last_ts: ts,
                    };
                    complete(
                        &mut self.conversations,
                        &self.opts,
                        &mut out,
                        env,
                        &b.buf,
                        None,
                    );
                    self.streams.release(b.buf);
                    return;
                }
                // Gap or oversize: the message is dropped; its queue entry
                // (same serial) stays valid for the rest of it.
                let (type_byte, command, serial) = (b.type_byte, b.command, b.serial);
                self.streams.release(b.buf);
                if !r.eom {
                    self.streams
                        .discard(key, Some(serial), type_byte, command, ts);
                }
            }
        }
    }

    /// The end of the capture: report messages still being reassembled
    /// ([`FindingKind::Incomplete`]) and requests still waiting for a response
    /// ([`FindingKind::NoResponse`], severity info), in capture order. The
    /// analyser is then empty and may be reused.
    pub fn finish<S: Sink + ?Sized>(&mut self, sink: &mut S) {
        let mut findings = Vec::new();
        for (key, b) in self.streams.drain() {
            let mut f = Finding::new(
                FindingKind::Incomplete,
                b.first_index,
                b.first_ts,
                Detail::Incomplete {
                    packets: b.packets,
                    bytes: b.buf.len(),
                },
            );
            f.related_index = Some(b.first_index);
            f.addr = Some(streams::stream_addr(key));
            f.msg_type = b.type_byte.map(|t| t.msg_type);
            findings.push(f);
            self.streams.release(b.buf);
        }
        for conv in self.conversations.drain() {
            for p in conv.pending.into_iter().flatten() {
                let mut f = Finding::new(
                    FindingKind::NoResponse,
                    p.index,
                    p.last_ts,
                    Detail::NoResponse {
                        at_end: true,
                        waited_ns: None,
                    },
                );
                f.severity = Severity::Info;
                f.related_index = Some(p.index);
                f.addr = Some(p.addr);
                f.msg_type = p.msg_type;
                f.command = p.command;
                findings.push(f);
            }
        }
        findings.sort_by_key(|f| (f.index, f.kind));
        for f in &findings {
            self.counters.findings += 1;
            sink.finding(f);
        }
    }
}
