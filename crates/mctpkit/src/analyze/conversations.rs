//! The conversation table: one entry per (requester EID, responder EID)
//! holding the requests pending per tag, what earlier messages told later
//! ones ([`message::Context`]: SPDM negotiation, CXL Get Log) and a PLDM
//! GetPDR multipart transfer. Bounded in count and bytes and aged by
//! capture time.
//!
//! Policy:
//! * A pending request older than [`AnalyzerOptions::tag_timeout_ns`]
//!   (default 6 s: DSP0236 §8.3 leaves the tag expiry to the sender; Linux
//!   and libmctp expire tags after 6 s, DSP0237 MT4 ≥ 5 s) is dropped with
//!   a [`FindingKind::NoResponse`]: a response after that answers nothing,
//!   as in every stack.
//! * A conversation with nothing pending and no packet for
//!   [`AnalyzerOptions::conversation_timeout_ns`] is forgotten; if it had
//!   a negotiated context or a multipart transfer in progress, with a
//!   [`FindingKind::StateEvicted`].
//! * At most [`AnalyzerOptions::max_conversations`] are kept; a new one
//!   evicts the least recently used, whose pending requests are reported
//!   as [`FindingKind::NoResponse`] and whose context as
//!   [`FindingKind::StateEvicted`].
//! * A multipart transfer holds at most one PDR (DSP0248 §26.2: a 10-byte
//!   header and up to 65,535 bytes of data), so each conversation holds at
//!   most that much.
//!
//! Ageing runs from [`Conversations::sweep`], which the analyser calls at
//! most once per second of capture time and from
//! [`super::Analyzer::handle_timeout`]. LRU order is kept in a queue of
//! (key, stamp), refreshed only when an entry's stamp is older than a
//! quarter of the table's turnover, so busy conversations cost nothing.

use std::collections::VecDeque;

use mctpkit_wire::message;

use super::finding::{Detail, Finding, FindingKind};
use super::{multipart, AnalyzerOptions, Counting, FastMap, Pending, Sink};
use crate::capture::Timestamp;

/// One requester talking to one responder.
#[derive(Debug, Default)]
pub(crate) struct Conversation {
    pub(crate) ctx: message::Context,
    pub(crate) pending: [Option<Pending>; 8],
    /// A GetPDR multipart transfer being reassembled.
    pub(crate) pdr: multipart::Reassembly,
    /// Time of its last message.
    last_ts: Option<Timestamp>,
    /// Its entry in the LRU queue.
    stamp: u64,
}

impl Conversation {
    /// `true` when forgetting it loses something later messages need.
    fn holds_state(&self) -> bool {
        self.ctx != message::Context::default() || self.pdr.in_progress()
    }
}

/// Conversation key: requester and responder EID.
pub(crate) fn conv_key(requester: u8, responder: u8) -> u16 {
    (u16::from(requester) << 8) | u16::from(responder)
}

/// The conversation table. See the [module documentation](self).
#[derive(Debug, Default)]
pub(crate) struct Conversations {
    map: FastMap<u16, Conversation>,
    /// (key, stamp), least recently used first (plus stale entries).
    order: VecDeque<(u16, u64)>,
    clock: u64,
}

fn age(now: Option<Timestamp>, then: Option<Timestamp>) -> Option<u64> {
    u64::try_from(now?.as_nanos() - then?.as_nanos()).ok()
}

impl Conversations {
    /// `true` when conversation `key` has a request pending on `tag`.
    pub(crate) fn has_pending(&self, key: u16, tag: u8) -> bool {
        self.map
            .get(&key)
            .is_some_and(|c| c.pending[usize::from(tag & 7)].is_some())
    }

    /// Conversation `key`, if it exists, marked as used at `ts`.
    pub(crate) fn get_mut(&mut self, key: u16, ts: Option<Timestamp>) -> Option<&mut Conversation> {
        let refresh = refresh_after(self.map.len());
        let c = self.map.get_mut(&key)?;
        touch(c, key, ts, refresh, &mut self.clock, &mut self.order);
        Some(c)
    }

    /// Conversation `key`, created if needed (evicting the least recently
    /// used one when the table is full).
    pub(crate) fn open<S: Sink + ?Sized>(
        &mut self,
        key: u16,
        ts: Option<Timestamp>,
        index: usize,
        opts: &AnalyzerOptions,
        out: &mut Counting<'_, S>,
    ) -> &mut Conversation {
        if self.map.len() >= opts.max_conversations.max(1) && !self.map.contains_key(&key) {
            while self.map.len() >= opts.max_conversations.max(1) {
                let Some((k, stamp)) = self.order.pop_front() else {
                    break;
                };
                if self.map.get(&k).is_some_and(|c| c.stamp == stamp) {
                    if let Some(c) = self.map.remove(&k) {
                        let detail = Detail::ConversationEvicted {
                            max: opts.max_conversations,
                        };
                        forget(k, c, index, ts, detail, out);
                    }
                }
            }
        }
        if self.order.len() > 4 * self.map.len() + 64 {
            self.compact();
        }
        let refresh = refresh_after(self.map.len());
        let (clock, order) = (&mut self.clock, &mut self.order);
        // One lookup on the common path (the conversation exists).
        let c = self.map.entry(key).or_insert_with(|| {
            *clock += 1;
            order.push_back((key, *clock));
            Conversation {
                stamp: *clock,
                last_ts: ts,
                ..Conversation::default()
            }
        });
        touch(c, key, ts, refresh, clock, order);
        c
    }

    /// Drop the stale queue entries.
    fn compact(&mut self) {
        let map = &self.map;
        self.order
            .retain(|&(k, s)| map.get(&k).is_some_and(|c| c.stamp == s));
    }

    /// Age the table at capture time `now`: expire pending requests and
    /// idle conversations (see the [module documentation](self)).
    pub(crate) fn sweep<S: Sink + ?Sized>(
        &mut self,
        now: Timestamp,
        index: usize,
        opts: &AnalyzerOptions,
        out: &mut Counting<'_, S>,
    ) {
        let now = Some(now);
        let mut expired: Vec<(u16, Conversation)> = Vec::new();
        for (&key, c) in self.map.iter_mut() {
            for slot in c.pending.iter_mut() {
                let waited = slot.as_ref().and_then(|p| age(now, p.last_ts));
                if let Some(w) = waited.filter(|&w| w > opts.tag_timeout_ns) {
                    if let Some(p) = slot.take() {
                        out.finding(&no_response(
                            &p,
                            index,
                            now,
                            Detail::RequestExpired { waited_ns: w },
                        ));
                    }
                }
            }
            let idle = age(now, c.last_ts).is_some_and(|a| a > opts.conversation_timeout_ns);
            if idle && c.pending.iter().all(Option::is_none) {
                expired.push((key, std::mem::take(c)));
            }
        }
        for (key, c) in expired {
            self.map.remove(&key);
            let detail = Detail::ConversationExpired {
                idle_ns: opts.conversation_timeout_ns,
            };
            forget(key, c, index, now, detail, out);
        }
        if self.order.len() > 4 * self.map.len() + 64 {
            self.compact();
        }
    }

    /// Empty the table, returning the conversations.
    pub(crate) fn drain(&mut self) -> impl Iterator<Item = Conversation> + '_ {
        self.order.clear();
        self.map.drain().map(|(_, c)| c)
    }
}

/// Queue pushes after which a used conversation is re-queued: a quarter
/// of the table (at least 64), so a busy conversation costs nothing and
/// one in use is never near the front when the table is full.
fn refresh_after(len: usize) -> u64 {
    (len / 4).max(64) as u64
}

/// Mark `c` used at `ts`; re-queue it when its queue entry is old.
fn touch(
    c: &mut Conversation,
    key: u16,
    ts: Option<Timestamp>,
    refresh: u64,
    clock: &mut u64,
    order: &mut VecDeque<(u16, u64)>,
) {
    if ts.is_some() {
        c.last_ts = ts;
    }
    if *clock - c.stamp >= refresh {
        *clock += 1;
        c.stamp = *clock;
        order.push_back((key, *clock));
    }
}

fn no_response(p: &Pending, index: usize, ts: Option<Timestamp>, detail: Detail) -> Finding {
    let mut f = Finding::new(FindingKind::NoResponse, index, ts, detail);
    f.related_index = Some(p.index);
    f.addr = Some(p.addr);
    f.msg_type = p.msg_type;
    f.command = p.command;
    f
}

/// Report what dropping conversation `key` loses.
fn forget<S: Sink + ?Sized>(
    key: u16,
    c: Conversation,
    index: usize,
    ts: Option<Timestamp>,
    detail: Detail,
    out: &mut Counting<'_, S>,
) {
    for p in c.pending.iter().flatten() {
        out.finding(&no_response(p, index, ts, detail.clone()));
    }
    if c.holds_state() {
        let mut f = Finding::new(FindingKind::StateEvicted, index, ts, detail);
        f.related_index = None;
        f.addr = Some(super::finding::StreamAddr {
            src: (key >> 8) as u8,
            dst: key as u8,
            to: true,
            tag: 0,
        });
        out.finding(&f);
    }
}
