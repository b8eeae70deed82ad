//! The reassembly table: one entry per (source, destination, TO, tag)
//! stream with a message in progress, bounded in count and bytes and aged
//! by capture time.
//!
//! Policy (DSP0236 §8.8 leaves the timeout to implementations; reference
//! mctp-core.md §5.2): a partial message that got no packet for
//! [`AnalyzerOptions::reassembly_timeout_ns`] (default 6 s, as
//! `mctpkit-stack`'s reassembly timeout, after the last packet: Linux key
//! lifetime, mctp-estack's 6000 ms) is dropped with a
//! [`FindingKind::ReassemblyTimeout`]. When the table holds
//! [`AnalyzerOptions::max_reassemblies`] streams, or their partial
//! messages hold more than [`AnalyzerOptions::max_reassembly_bytes`], the
//! **oldest** is dropped with a [`FindingKind::ReassemblyLimit`] so that a
//! new message is never refused: libmctp's 16 fixed contexts without a
//! timeout let abandoned SOMs block every later message, which an analyser
//! of misbehaving endpoints must not copy.
//!
//! Entries are kept in a queue of (key, serial, time queued), in start
//! order; an entry whose stream has since completed is stale and skipped,
//! and a live entry queued more than a timeout ago that is still active
//! goes to the back (with its last packet's time), so expiry and eviction
//! cost O(1) amortised. Eviction takes the front: the oldest, give or take
//! one timeout of activity. Streams with nothing in progress are not
//! stored at all.

use std::collections::VecDeque;

use mctpkit_wire::mctp::TypeByte;

use super::finding::{Detail, Finding, FindingKind, StreamAddr};
use super::{AnalyzerOptions, Counting, FastMap, Sink};
use crate::capture::Timestamp;

/// Buffers kept for reuse; more than this are freed.
const POOL_MAX: usize = 64;

/// Stream key: src, dst, TO, tag packed into 20 bits.
pub(crate) fn stream_key(src: u8, dst: u8, to: bool, tag: u8) -> u32 {
    (u32::from(src) << 12) | (u32::from(dst) << 4) | (u32::from(to) << 3) | u32::from(tag & 7)
}

/// The addresses a stream key packs.
pub(crate) fn stream_addr(key: u32) -> StreamAddr {
    StreamAddr {
        src: (key >> 12) as u8,
        dst: (key >> 4) as u8,
        to: key & 8 != 0,
        tag: (key & 7) as u8,
    }
}

/// A message being reassembled.
#[derive(Debug)]
pub(crate) struct Building {
    pub(crate) buf: Vec<u8>,
    pub(crate) next_seq: u8,
    pub(crate) packets: u32,
    pub(crate) first_index: usize,
    pub(crate) first_ts: Option<Timestamp>,
    /// Time of its last packet.
    pub(crate) last_ts: Option<Timestamp>,
    pub(crate) type_byte: Option<TypeByte>,
    pub(crate) command: Option<u8>,
    /// Identifies this message in the start-order queue.
    pub(crate) serial: u64,
}

#[derive(Debug, Default)]
pub(crate) enum Stream {
    #[default]
    Idle,
    Building(Building),
    /// Skipping the rest of a message already reported (gap, missing SOM,
    /// oversize) until its EOM.
    Discarding {
        type_byte: Option<TypeByte>,
        command: Option<u8>,
        serial: u64,
        /// Time of its last packet.
        since: Option<Timestamp>,
    },
}

/// The reassembly table. See the [module documentation](self).
#[derive(Debug, Default)]
pub(crate) struct Streams {
    map: FastMap<u32, Stream>,
    /// (key, serial, time queued) of every stored stream, oldest first
    /// (plus stale ones).
    order: VecDeque<(u32, u64, Option<Timestamp>)>,
    serial: u64,
    /// Bytes held by partial messages.
    bytes: usize,
    pool: Vec<Vec<u8>>,
}

impl Streams {
    /// The state of stream `key`, for the packet event.
    pub(crate) fn get(&self, key: u32) -> Option<&Stream> {
        if self.map.is_empty() {
            return None;
        }
        self.map.get(&key)
    }

    /// Bytes held by partial messages.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// `true` when stream `key` has an entry.
    pub(crate) fn contains(&self, key: u32) -> bool {
        self.map.contains_key(&key)
    }

    /// Take stream `key`'s state out (Idle when it has none).
    pub(crate) fn take(&mut self, key: u32) -> Stream {
        if self.map.is_empty() {
            // Common between multi-packet messages: no hashing at all.
            return Stream::Idle;
        }
        self.map.remove(&key).unwrap_or_default()
    }

    /// Store stream `key`'s state (Idle is not stored).
    pub(crate) fn put(&mut self, key: u32, s: Stream) {
        if !matches!(s, Stream::Idle) {
            self.map.insert(key, s);
        }
    }

    /// A serial for a new entry of stream `key` (starting at `now`),
    /// queued as the newest.
    pub(crate) fn enqueue(&mut self, key: u32, now: Option<Timestamp>) -> u64 {
        self.serial += 1;
        self.order.push_back((key, self.serial, now));
        if self.order.len() > 4 * self.map.len() + 64 {
            // Stale entries behind a long-lived one: drop them.
            let map = &self.map;
            self.order
                .retain(|&(k, s, _)| serial_of(map.get(&k)) == Some(s));
        }
        self.serial
    }

    /// Stream `key` skips to its EOM (its packet at `now`); `serial` is its
    /// queue entry if it has one, else it gets a new one.
    pub(crate) fn discard(
        &mut self,
        key: u32,
        serial: Option<u64>,
        type_byte: Option<TypeByte>,
        command: Option<u8>,
        now: Option<Timestamp>,
    ) {
        let serial = match serial {
            Some(s) => s,
            None => self.enqueue(key, now),
        };
        self.put(
            key,
            Stream::Discarding {
                type_byte,
                command,
                serial,
                since: now,
            },
        );
    }

    /// A reassembly buffer holding `first`.
    pub(crate) fn buffer(&mut self, first: &[u8]) -> Vec<u8> {
        let mut buf = self.pool.pop().unwrap_or_default();
        buf.extend_from_slice(first);
        self.bytes += first.len();
        buf
    }

    /// Append to a message's buffer.
    pub(crate) fn append(&mut self, buf: &mut Vec<u8>, more: &[u8]) {
        buf.extend_from_slice(more);
        self.bytes += more.len();
    }

    /// A message's buffer is done with.
    pub(crate) fn release(&mut self, mut buf: Vec<u8>) {
        self.bytes = self.bytes.saturating_sub(buf.len());
        if self.pool.len() < POOL_MAX {
            buf.clear();
            self.pool.push(buf);
        }
    }

    /// Drop the partial messages older than the reassembly timeout at
    /// `now`, then, when `need_slot`, the oldest ones until a new stream
    /// fits in the count and byte limits. `index` is the packet that
    /// caused it (the finding's place in the listing).
    pub(crate) fn make_room<S: Sink + ?Sized>(
        &mut self,
        now: Option<Timestamp>,
        need_slot: bool,
        index: usize,
        opts: &AnalyzerOptions,
        out: &mut Counting<'_, S>,
    ) {
        let age = |then: Option<Timestamp>| {
            now.zip(then)
                .and_then(|(n, t)| u64::try_from(n.as_nanos() - t.as_nanos()).ok())
        };
        while let Some(&(key, serial, queued)) = self.order.front() {
            let entry = self.map.get(&key);
            if serial_of(entry) != Some(serial) {
                self.order.pop_front();
                continue;
            }
            let last = match entry {
                Some(Stream::Building(b)) => b.last_ts,
                Some(Stream::Discarding { since, .. }) => *since,
                _ => None,
            };
            let timeout = opts.reassembly_timeout_ns;
            let expired = age(last).is_some_and(|a| a > timeout);
            let full = need_slot
                && (self.map.len() >= opts.max_reassemblies.max(1)
                    || self.bytes > opts.max_reassembly_bytes);
            if !expired && !full {
                if age(queued).is_some_and(|a| a > timeout) {
                    // Old but still active: look behind it.
                    self.order.pop_front();
                    self.order.push_back((key, serial, last));
                    continue;
                }
                break;
            }
            self.order.pop_front();
            if let Some(Stream::Building(b)) = self.map.remove(&key) {
                let (kind, detail) = if expired {
                    (
                        FindingKind::ReassemblyTimeout,
                        Detail::ReassemblyTimeout {
                            packets: b.packets,
                            bytes: b.buf.len(),
                            timeout_ns: opts.reassembly_timeout_ns,
                        },
                    )
                } else {
                    (
                        FindingKind::ReassemblyLimit,
                        Detail::ReassemblyLimit {
                            max: opts.max_reassemblies,
                            packets: b.packets,
                            bytes: b.buf.len(),
                        },
                    )
                };
                let mut f = Finding::new(kind, index, now, detail);
                f.related_index = Some(b.first_index);
                f.addr = Some(stream_addr(key));
                f.msg_type = b.type_byte.map(|t| t.msg_type);
                out.finding(&f);
                self.release(b.buf);
            }
        }
    }

    /// Empty the table, returning the messages still in progress.
    pub(crate) fn drain(&mut self) -> Vec<(u32, Building)> {
        self.order.clear();
        let building: Vec<(u32, Building)> = self
            .map
            .drain()
            .filter_map(|(k, s)| match s {
                Stream::Building(b) => Some((k, b)),
                _ => None,
            })
            .collect();
        building
    }
}

fn serial_of(s: Option<&Stream>) -> Option<u64> {
    match s? {
        Stream::Building(b) => Some(b.serial),
        Stream::Discarding { serial, .. } => Some(*serial),
        Stream::Idle => None,
    }
}
