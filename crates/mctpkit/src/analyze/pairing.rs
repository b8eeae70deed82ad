//! Completing a message: decoding it with its conversation's context,
//! matching requests and responses, and reporting retries, tag reuse,
//! error completions and multipart transfers (the rules are in the
//! [module documentation](super) under "Requests and responses").

use mctpkit_wire::mctp::{self, MessageType};
use mctpkit_wire::message::{Message, Pairing};
use mctpkit_wire::nvme_mi;
use mctpkit_wire::Error;

use super::conversations::{conv_key, Conversations};
use super::{
    control_info, family, multipart, AnalyzerOptions, CommandKey, ControlInfo, Counting, Detail,
    Envelope, Finding, FindingKind, KeyHasher, MessageEvent, RequestMatch, Severity, Sink,
    StreamAddr,
};
use crate::capture::Timestamp;
use std::hash::Hasher;

/// A request waiting for its response.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pending {
    pub(crate) index: usize,
    pub(crate) last_ts: Option<Timestamp>,
    control: Option<ControlInfo>,
    pub(crate) addr: StreamAddr,
    pub(crate) msg_type: Option<MessageType>,
    /// The family key; `None` when the family can't pair (undecoded, secured).
    pairing: Option<Pairing>,
    pub(crate) command: Option<CommandKey>,
    /// What an NVMe-MI response needs from this request.
    nvme_mi: Option<nvme_mi::RequestContext>,
    /// Hash of the request bytes, to tell a retry from a new request.
    digest: u64,
    retries: u32,
}

fn latency(from: Option<Timestamp>, to: Option<Timestamp>) -> Option<u64> {
    let d = to?.as_nanos() - from?.as_nanos();
    u64::try_from(d).ok()
}

/// A cheap 64-bit digest of a request's bytes, to recognise a retry.
fn digest(bytes: &[u8]) -> u64 {
    let mut h = KeyHasher(bytes.len() as u64);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h.0 = (h.0.rotate_left(23) ^ u64::from_le_bytes(w)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    h.write(chunks.remainder());
    h.0
}

/// Families whose `pairing()` is `None` only for messages that expect no
/// response (datagrams, events, frames).
fn can_pair(m: &Message<'_>) -> bool {
    matches!(
        m,
        Message::Control(_)
            | Message::Pldm(_)
            | Message::NcSi(_)
            | Message::Ethernet(_)
            | Message::NvmeMi(_)
            | Message::Spdm(_)
            | Message::Cxl(_)
    )
}

/// Decode with the conversation's context, match requests and responses by
/// (requester, responder, tag) and the family's pairing key, report
/// retries, error completions and multipart transfers, then hand the
/// message to the sink. `pre` is the dissector's decode of a single-packet
/// message (its problems are already reported); `None` for a reassembled
/// message, decoded here.
pub(crate) fn complete<S: Sink + ?Sized>(
    convs: &mut Conversations,
    opts: &AnalyzerOptions,
    out: &mut Counting<'_, S>,
    env: Envelope,
    bytes: &[u8],
    pre: Option<Result<Message<'_>, Error>>,
) {
    let addr = StreamAddr {
        src: env.src,
        dst: env.dst,
        to: env.to,
        tag: env.tag,
    };
    let tag = usize::from(env.tag & 7);
    let mk = |kind, detail, related: Option<usize>| {
        let mut f = Finding::new(kind, env.first_index, env.first_ts, detail);
        f.related_index = related;
        f.addr = Some(addr);
        f.msg_type = env.msg_type();
        f
    };

    // The conversation: requests open it; a response belongs to the one
    // whose request is pending on its tag (sent to us, or to the broadcast
    // or null EID).
    let mut key = if env.to {
        conv_key(env.src, env.dst)
    } else {
        conv_key(env.dst, env.src)
    };
    let needs_ctx = matches!(
        env.msg_type(),
        Some(MessageType::Spdm | MessageType::CxlFmApi | MessageType::CxlCci)
    );
    let at = env.last_ts;
    let mut conv = if env.to || needs_ctx {
        Some(convs.open(key, at, env.first_index, opts, out))
    } else {
        convs.get_mut(key, at)
    };
    if !env.to && conv.as_ref().is_none_or(|c| c.pending[tag].is_none()) {
        // Not answering a request sent to us: maybe one sent to the
        // broadcast or null EID (rare; more lookups only then).
        for alt in [mctp::EID_BROADCAST, mctp::EID_NULL] {
            let k = conv_key(env.dst, alt);
            if convs.has_pending(k, env.tag) {
                key = k;
                break;
            }
        }
        conv = if needs_ctx {
            Some(convs.open(key, at, env.first_index, opts, out))
        } else {
            convs.get_mut(key, at)
        };
    }

    // Decode with what earlier messages told us (only SPDM, CXL and
    // NVMe-MI responses use it; others keep the dissector's decode).
    let slot = conv
        .as_ref()
        .and_then(|c| c.pending[tag])
        .filter(|_| !env.to);
    let reassembled = pre.is_none();
    let message = if needs_ctx || env.msg_type() == Some(MessageType::NvmeMi) {
        let mut ctx = conv.as_ref().map(|c| c.ctx).unwrap_or_default();
        ctx.nvme_mi = slot.and_then(|p| p.nvme_mi);
        match pre {
            Some(Ok(m)) if !ctx.matters_for(m.msg_type()) => Ok(m),
            Some(Err(e)) => Err(e),
            _ => Message::parse_with(bytes, &ctx).map(|m| m.with_tag_owner(env.to)),
        }
    } else {
        match pre {
            Some(r) => r,
            None => Message::parse(bytes).map(|m| m.with_tag_owner(env.to)),
        }
    };
    if reassembled {
        // A whole message with a bad body still shows its header; the body
        // error is a finding either way.
        let error = match &message {
            Ok(m) => m.problem(),
            Err(e) => Some(*e),
        };
        if let Some(e) = error {
            out.finding(&mk(
                FindingKind::DecodeError,
                Detail::MessageDecode(e),
                Some(env.first_index),
            ));
        }
        if let Some(i) = message
            .as_ref()
            .ok()
            .and_then(|m| m.integrity())
            .filter(|i| !i.ok())
        {
            out.finding(&mk(
                FindingKind::BadIntegrity,
                Detail::Problem(crate::dissect::Problem::BadIntegrity(i)),
                Some(env.first_index),
            ));
        }
    }
    let msg = message.as_ref().ok();
    let pairing = msg.and_then(|m| m.pairing());
    // A matched response takes its request's command instead.
    let mut command_key = if env.to || slot.is_none() {
        msg.and_then(CommandKey::of)
    } else {
        None
    };
    if needs_ctx {
        if let (Some(c), Some(m)) = (conv.as_deref_mut(), msg) {
            c.ctx.observe(m);
        }
    }

    let mut request = None;
    let mut multipart = None;
    if env.to {
        let ctrl = control_info(bytes);
        let expects_response = match (msg, pairing) {
            (_, Some(p)) => p.request,
            (Some(m), None) => !can_pair(m),
            (None, None) => !matches!(ctrl, Some(c) if c.datagram || !c.rq),
        };
        if let (true, Some(conv)) = (expects_response, conv) {
            if let Some(m @ Message::Pldm(_)) = msg {
                conv.pdr.observe_request(m);
            }
            let mut new = Pending {
                index: env.first_index,
                last_ts: env.last_ts,
                control: ctrl,
                addr,
                msg_type: env.msg_type(),
                pairing,
                command: command_key,
                nvme_mi: match msg {
                    Some(Message::NvmeMi(n)) => n.request_context(),
                    _ => None,
                },
                digest: if pairing.is_some() { digest(bytes) } else { 0 },
                retries: 0,
            };
            // The same request again (any tag) before its response: a retry.
            let retry = pairing.and_then(|p| {
                conv.pending
                    .iter_mut()
                    .find(|o| o.is_some_and(|o| o.pairing == Some(p) && o.digest == new.digest))
            });
            if let Some(old) = retry.and_then(Option::take) {
                new.retries = old.retries + 1;
                let mut f = mk(
                    FindingKind::Retry,
                    Detail::Retry { count: new.retries },
                    Some(old.index),
                );
                f.command = command_key;
                out.finding(&f);
            }
            if let Some(old) = conv.pending[tag].replace(new) {
                let waited = latency(old.last_ts, env.first_ts);
                let expired = waited.is_some_and(|w| w > opts.tag_timeout_ns);
                let mut f = if expired {
                    let mut f = mk(
                        FindingKind::NoResponse,
                        Detail::NoResponse {
                            at_end: false,
                            waited_ns: waited,
                        },
                        Some(old.index),
                    );
                    f.msg_type = old.msg_type;
                    f.command = old.command;
                    f
                } else {
                    mk(FindingKind::TagReuse, Detail::TagReuse, Some(old.index))
                };
                f.related_index = Some(old.index);
                out.finding(&f);
            }
        }
    } else {
        match (conv, slot) {
            (Some(conv), Some(p)) => {
                let fits = match (p.pairing, pairing) {
                    (Some(a), Some(b)) => !b.request && (b.any_pending || a.key == b.key),
                    (_, Some(b)) => !b.request,
                    _ => true,
                };
                if fits {
                    let interim =
                        matches!(msg, Some(Message::NvmeMi(n)) if n.is_more_processing_required());
                    if !interim {
                        conv.pending[tag] = None;
                    }
                    request = Some(RequestMatch {
                        index: p.index,
                        latency_ns: latency(p.last_ts, env.last_ts),
                        interim,
                        retries: p.retries,
                    });
                    command_key = p.command.or_else(|| msg.and_then(CommandKey::of));
                    if let Some(m @ Message::Pldm(_)) = msg {
                        match conv.pdr.observe_response(p.index, m) {
                            Ok(Some(done)) => {
                                if let Some(d) = done.finding_detail() {
                                    let mut f =
                                        mk(FindingKind::Multipart, d, Some(done.first_index));
                                    f.command = command_key;
                                    out.finding(&f);
                                }
                                multipart = Some(done);
                            }
                            Ok(None) => {}
                            Err(first) => {
                                let d = Detail::MultipartOversize {
                                    max: multipart::MAX_PDR_BYTES,
                                };
                                let mut f = mk(FindingKind::Multipart, d, Some(first));
                                f.command = command_key;
                                out.finding(&f);
                            }
                        }
                    }
                } else {
                    let ctrl = control_info(bytes);
                    let mut f = match (p.control, ctrl) {
                        (Some(rq), Some(_)) => mk(
                            FindingKind::UnmatchedResponse,
                            Detail::UnmatchedResponse {
                                pending: Some((rq.instance_id, rq.command)),
                            },
                            Some(p.index),
                        ),
                        _ => mk(
                            FindingKind::UnmatchedResponse,
                            Detail::PairingMismatch,
                            Some(p.index),
                        ),
                    };
                    f.command = p.command;
                    out.finding(&f);
                    command_key = msg.and_then(CommandKey::of);
                }
            }
            _ => {
                let mut f = mk(
                    FindingKind::UnmatchedResponse,
                    Detail::UnmatchedResponse { pending: None },
                    None,
                );
                f.command = command_key;
                out.finding(&f);
            }
        }
        if let Some(e) = msg.and_then(family::error_completion) {
            let mut f = mk(
                FindingKind::ErrorCompletion,
                Detail::ErrorCompletion(e),
                request.map(|r| r.index),
            );
            if e.not_ready {
                f.severity = Severity::Info;
            }
            f.command = command_key;
            out.finding(&f);
        }
    }
    out.counters.messages += 1;
    let completed_multipart = multipart.is_some();
    out.sink.message(&MessageEvent {
        envelope: env,
        bytes,
        message,
        request,
        command_key,
        pairing,
        multipart,
    });
    if completed_multipart {
        if let Some(c) = convs.get_mut(key, None) {
            c.pdr.trim();
        }
    }
}
