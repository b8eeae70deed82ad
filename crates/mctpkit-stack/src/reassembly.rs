//! Reassembly of multi-packet messages (DSP0236 §8.8, `mctp-core.md` §5.2–5.4).
//!
//! Choices where the stacks differ:
//!
//! * **Key** = (network, source EID, destination EID, tag, TO) — the Linux
//!   key (libmctp ignores TO, mctp-estack ignores the destination). With TO
//!   in the key a request and a response that happen to share a tag value
//!   never mix.
//! * **Any SOM sequence number** is accepted; each later packet must be
//!   previous + 1 (mod 4), otherwise the whole message is dropped.
//! * **Duplicates**: a packet that exactly repeats the previous one (same
//!   sequence number and payload), or a SOM identical to the one that started
//!   the reassembly, is dropped and counted as [`DropReason::Duplicate`]
//!   while the reassembly continues. Any other new SOM for the key restarts
//!   the reassembly ([`DropReason::SomRestart`]; libmctp and mctp-estack
//!   restart, Linux drops both).
//! * **Sizes**: see [`SizeRule`].
//! * **Timeout**: `reassembly_timeout` after the last packet (Linux 6 s,
//!   mctp-estack 6000 ms; libmctp has none).
//! * **Bounded contexts with eviction**: see [`crate::Config::reassembly_contexts`].
//!
//! Buffers come from a pool and keep their capacity, so steady-state
//! reassembly allocates nothing.

use alloc::vec::Vec;

use mctpkit_wire::mctp;

use crate::types::{BusId, Config, DropReason, Millis, NetworkId, PhysAddr, SizeRule};

/// Reassembly key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub net: NetworkId,
    pub src: u8,
    pub dst: u8,
    pub tag: u8,
    pub to: bool,
}

impl Key {
    /// The key of a packet with these header fields on network `net`.
    #[inline]
    pub(crate) fn from_header(net: NetworkId, dst: u8, src: u8, flags: u8) -> Key {
        Key {
            net,
            src,
            dst,
            tag: flags & mctp::flags::TAG_MASK,
            to: flags & mctp::flags::TO != 0,
        }
    }

    /// The key packed into one word, for cheap comparisons.
    #[inline]
    fn packed(&self) -> u64 {
        (u64::from(self.net) << 32)
            | (u64::from(self.src) << 24)
            | (u64::from(self.dst) << 16)
            | (u64::from(self.tag) << 8)
            | u64::from(self.to)
    }
}

/// A pool of byte buffers that keep their capacity.
#[derive(Debug, Default)]
pub(crate) struct BufPool {
    free: Vec<Vec<u8>>,
    limit: usize,
}

impl BufPool {
    pub(crate) fn new(limit: usize) -> Self {
        BufPool {
            free: Vec::with_capacity(limit),
            limit,
        }
    }
    #[inline]
    pub(crate) fn get(&mut self) -> Vec<u8> {
        self.free.pop().unwrap_or_default()
    }
    /// Keep a buffer for reuse. Its length is kept too: a buffer from
    /// [`BufPool::get`] holds stale bytes, and the caller clears it or, as
    /// the reassembler does, tracks how much of it is in use.
    #[inline]
    pub(crate) fn put(&mut self, v: Vec<u8>) {
        if self.free.len() < self.limit && v.capacity() > 0 {
            self.free.push(v);
        }
    }
}

/// Bits of a packet's first four bytes (little-endian `u32`) that
/// [`Ctx::expect`] covers: the version nibble, both EIDs, SOM, sequence,
/// TO and tag — everything but the reserved nibble of byte 0 and EOM.
const EXPECT_MASK: u32 = !(0xF0 | ((mctp::flags::EOM as u32) << 24));
/// EOM in the little-endian header word.
const EOM_BIT: u32 = (mctp::flags::EOM as u32) << 24;

#[derive(Debug)]
struct Ctx {
    /// The masked header word the next packet of this reassembly carries
    /// (version 1, the key's EIDs, SOM clear, the next sequence number, TO,
    /// tag), for the one-compare fast path; it is also where the next
    /// sequence number is kept (bits 28..29). A reassembly that is not for
    /// local delivery has bit 7 set, which no masked packet header has.
    expect: u32,
    active: bool,
    key: Key,
    /// `key.packed()`.
    kid: u64,
    /// The message so far is `buf[..used]`; `buf` may be longer (a reused
    /// buffer keeps its length, so appending is a plain copy, not a
    /// `Vec` growth step per packet).
    buf: Vec<u8>,
    used: usize,
    first_seq: u8,
    frag: usize,
    last_len: usize,
    last: Millis,
    bus: BusId,
    phys: PhysAddr,
}

/// A completed message.
#[derive(Debug)]
pub(crate) struct Done {
    pub key: Key,
    pub bus: BusId,
    pub phys: PhysAddr,
    pub data: Vec<u8>,
}

/// One packet for the reassembler.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pkt<'a> {
    pub key: Key,
    pub som: bool,
    pub eom: bool,
    pub seq: u8,
    pub payload: &'a [u8],
    pub bus: BusId,
    pub phys: PhysAddr,
    /// For local delivery (the fast path applies) rather than forwarding.
    pub local: bool,
}

impl<'a> Pkt<'a> {
    /// A packet from its key, flag byte and payload.
    #[inline]
    pub(crate) fn new(
        key: Key,
        flags: u8,
        payload: &'a [u8],
        bus: BusId,
        phys: PhysAddr,
        local: bool,
    ) -> Pkt<'a> {
        Pkt {
            key,
            som: flags & mctp::flags::SOM != 0,
            eom: flags & mctp::flags::EOM != 0,
            seq: (flags >> mctp::flags::SEQ_SHIFT) & mctp::flags::SEQ_MASK,
            payload,
            bus,
            phys,
            local,
        }
    }
}

/// Append `data` to the message `buf[..*used]`: a copy into the buffer's
/// existing length, growing it (zero-filled, then overwritten) only when a
/// message is longer than any the buffer held before.
#[inline(always)]
fn append(buf: &mut Vec<u8>, used: &mut usize, data: &[u8]) {
    let end = *used + data.len();
    if buf.len() < end {
        grow(buf, end);
    }
    if let Some(dst) = buf.get_mut(*used..end) {
        dst.copy_from_slice(data);
    }
    *used = end;
}

/// Make `buf` exactly `buf[..at]` followed by `data` (`at` ≤ its length
/// for the copy to keep a prefix): a plain copy when the reused buffer is
/// long enough already.
#[inline(always)]
pub(crate) fn replace_tail(buf: &mut Vec<u8>, at: usize, data: &[u8]) {
    let end = at + data.len();
    if buf.len() >= end && at <= buf.len() {
        buf.truncate(end);
        if let Some(dst) = buf.get_mut(at..end) {
            dst.copy_from_slice(data);
        }
    } else {
        buf.truncate(at);
        buf.resize(at, 0);
        buf.extend_from_slice(data);
    }
}

#[cold]
fn grow(buf: &mut Vec<u8>, end: usize) {
    buf.resize(end.max(buf.len() * 2).max(256), 0);
}

/// The masked header word expected after a packet with sequence `seq`.
#[inline]
fn expect_word(key: &Key, next_seq: u8, local: bool) -> u32 {
    let flags = ((next_seq & 3) << mctp::flags::SEQ_SHIFT)
        | if key.to { mctp::flags::TO } else { 0 }
        | (key.tag & mctp::flags::TAG_MASK);
    // Byte 0's high nibble is masked out of every packet: bit 7 set there
    // never matches.
    let not_local = if local { 0 } else { 0x80 };
    u32::from_le_bytes([mctp::HEADER_VERSION | not_local, key.dst, key.src, flags])
}

impl Ctx {
    /// The sequence number the next packet must carry.
    #[inline]
    fn next_seq(&self) -> u8 {
        ((self.expect >> (24 + mctp::flags::SEQ_SHIFT)) & 3) as u8
    }
}

/// The set of reassembly contexts.
#[derive(Debug)]
pub struct Reassembler {
    ctxs: Vec<Ctx>,
    max_message: usize,
    per_peer: usize,
    timeout: Millis,
    rule: SizeRule,
    hint: usize,
    /// Bit `i` set = `ctxs[i].active` (only maintained when there are at
    /// most 64 contexts; otherwise `slot` always takes the full scan).
    mask: u64,
    /// Active contexts per peer `(net, src)`, packed as `peer_id`; only
    /// peers with a nonzero count are listed, so this stays tiny.
    peers: Vec<(u64, u32)>,
}

/// `(net, src)` packed, the per-peer limit's unit.
#[inline]
fn peer_id(key: &Key) -> u64 {
    (u64::from(key.net) << 8) | u64::from(key.src)
}

/// Result of [`Reassembler::continue_hinted`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fast {
    /// Not the fast-path case; nothing was changed.
    Miss,
    /// Accepted, message incomplete.
    Pending,
    /// Accepted, message complete: take it with `take_hinted`.
    Complete,
}

/// What happened to a packet.
#[derive(Debug)]
pub(crate) enum Step {
    /// Accepted, message incomplete.
    Pending,
    /// Message complete.
    Done(Done),
    /// Dropped (the counter has to be bumped by the caller).
    Drop(DropReason),
}

impl Reassembler {
    pub(crate) fn new(cfg: &Config) -> Self {
        let n = cfg.reassembly_contexts.max(1);
        let mut ctxs = Vec::with_capacity(n);
        for _ in 0..n {
            ctxs.push(Ctx {
                expect: 0x80,
                active: false,
                key: Key {
                    net: 0,
                    src: 0,
                    dst: 0,
                    tag: 0,
                    to: false,
                },
                kid: 0,
                buf: Vec::new(),
                used: 0,
                first_seq: 0,
                frag: 0,
                last_len: 0,
                last: 0,
                bus: BusId(0),
                phys: PhysAddr::NONE,
            });
        }
        Reassembler {
            ctxs,
            max_message: cfg.max_message_size,
            per_peer: cfg.max_contexts_per_peer.max(1),
            timeout: cfg.reassembly_timeout,
            rule: cfg.size_rule,
            hint: 0,
            mask: 0,
            peers: Vec::with_capacity(n),
        }
    }

    /// Is any reassembly in progress? (With more than 64 contexts the mask
    /// is not kept, so the answer is conservatively yes.)
    #[inline]
    pub(crate) fn any_active(&self) -> bool {
        self.mask != 0 || self.ctxs.len() > 64
    }

    /// Drop the reassemblies of packets that arrived on `bus`.
    pub(crate) fn release_bus(&mut self, bus: BusId, pool: &mut BufPool) {
        for i in 0..self.ctxs.len() {
            if self.ctxs[i].active && self.ctxs[i].bus == bus {
                self.release(i, pool);
            }
        }
    }

    /// Contexts in use.
    pub fn active(&self) -> usize {
        self.ctxs.iter().filter(|c| c.active).count()
    }

    /// Bookkeeping for context `i` becoming active with `key`.
    #[inline]
    fn note_active(&mut self, i: usize, key: &Key) {
        if i < 64 {
            self.mask |= 1u64 << i;
        }
        let id = peer_id(key);
        match self.peers.iter_mut().find(|p| p.0 == id) {
            Some(p) => p.1 += 1,
            None => self.peers.push((id, 1)),
        }
    }

    /// Bookkeeping for context `i` (which had `key`) becoming inactive.
    #[inline]
    fn note_inactive(&mut self, i: usize, key: &Key) {
        if i < 64 {
            self.mask &= !(1u64 << i);
        }
        let id = peer_id(key);
        if let Some(j) = self.peers.iter().position(|p| p.0 == id) {
            if self.peers[j].1 <= 1 {
                self.peers.swap_remove(j);
            } else {
                self.peers[j].1 -= 1;
            }
        }
    }

    /// Active contexts for `key`'s peer.
    #[inline]
    fn peer_count(&self, key: &Key) -> usize {
        let id = peer_id(key);
        self.peers
            .iter()
            .find(|p| p.0 == id)
            .map_or(0, |p| p.1 as usize)
    }

    #[inline]
    fn find(&mut self, key: &Key) -> Option<usize> {
        let kid = key.packed();
        if let Some(c) = self.ctxs.get(self.hint) {
            if c.active && c.kid == kid {
                return Some(self.hint);
            }
        }
        let i = self.ctxs.iter().position(|c| c.active && c.kid == kid)?;
        self.hint = i;
        Some(i)
    }

    /// Is a reassembly in progress for `key`?
    pub(crate) fn contains(&mut self, key: &Key) -> bool {
        self.find(key).is_some()
    }

    fn release(&mut self, i: usize, pool: &mut BufPool) {
        let c = &mut self.ctxs[i];
        let key = c.key;
        let was = c.active;
        c.active = false;
        c.expect = 0x80;
        pool.put(core::mem::take(&mut c.buf));
        if was {
            self.note_inactive(i, &key);
        }
    }

    /// Pick a slot for a new reassembly from `net`/`src`; reports an eviction.
    ///
    /// Common case in O(1): the peer is under its limit and a context is
    /// free, so the answer is the lowest free index (what the scan below
    /// would pick too). Otherwise (eviction, or more than 64 contexts) the
    /// full scan decides, with the same least-recently-used tie-breaking.
    #[inline]
    fn slot(&mut self, key: &Key, pool: &mut BufPool) -> (usize, bool) {
        let n = self.ctxs.len();
        debug_assert_eq!(
            self.peer_count(key),
            self.ctxs
                .iter()
                .filter(|c| c.active && peer_id(&c.key) == peer_id(key))
                .count()
        );
        debug_assert!(
            n > 64
                || self
                    .ctxs
                    .iter()
                    .enumerate()
                    .all(|(i, c)| c.active == (self.mask >> i & 1 == 1))
        );
        if n <= 64 && self.peer_count(key) < self.per_peer {
            let free = !self.mask;
            let i = free.trailing_zeros() as usize;
            if i < n {
                return (i, false);
            }
        }
        self.slot_scan(key, pool)
    }

    /// The full scan behind [`Reassembler::slot`].
    #[cold]
    fn slot_scan(&mut self, key: &Key, pool: &mut BufPool) -> (usize, bool) {
        let mut own = 0;
        let mut own_oldest: Option<usize> = None;
        let mut free = None;
        let mut oldest: Option<usize> = None;
        for (i, c) in self.ctxs.iter().enumerate() {
            if !c.active {
                free.get_or_insert(i);
                continue;
            }
            if c.key.net == key.net && c.key.src == key.src {
                own += 1;
                if own_oldest.is_none_or(|o| self.ctxs[o].last > c.last) {
                    own_oldest = Some(i);
                }
            }
            if oldest.is_none_or(|o| self.ctxs[o].last > c.last) {
                oldest = Some(i);
            }
        }
        if own >= self.per_peer {
            if let Some(i) = own_oldest {
                self.release(i, pool);
                return (i, true);
            }
        }
        if let Some(i) = free {
            return (i, false);
        }
        let i = oldest.unwrap_or(0);
        self.release(i, pool);
        (i, true)
    }

    /// Feed one packet that is not a single-packet message (SOM|EOM is
    /// handled by the caller after [`Reassembler::abort`]).
    pub(crate) fn packet(
        &mut self,
        now: Millis,
        p: &Pkt<'_>,
        pool: &mut BufPool,
        evicted: &mut u64,
    ) -> Step {
        let existing = self.find(&p.key);
        if p.som {
            if p.payload.is_empty() {
                return Step::Drop(DropReason::EmptySom);
            }
            let mut restarted = false;
            if let Some(i) = existing {
                let c = &self.ctxs[i];
                if c.first_seq == p.seq && c.buf.get(..c.frag.min(c.used)) == Some(p.payload) {
                    self.ctxs[i].last = now;
                    return Step::Drop(DropReason::Duplicate);
                }
                self.release(i, pool);
                restarted = true;
            }
            if p.payload.len() > self.max_message {
                return Step::Drop(DropReason::TooLarge);
            }
            let (i, ev) = self.slot(&p.key, pool);
            if ev {
                *evicted += 1;
            }
            let mut buf = pool.get();
            let mut used = 0;
            append(&mut buf, &mut used, p.payload);
            self.ctxs[i] = Ctx {
                expect: expect_word(&p.key, (p.seq + 1) & 3, p.local),
                active: true,
                key: p.key,
                kid: p.key.packed(),
                buf,
                used,
                first_seq: p.seq,
                frag: p.payload.len(),
                last_len: p.payload.len(),
                last: now,
                bus: p.bus,
                phys: p.phys,
            };
            self.note_active(i, &p.key);
            self.hint = i;
            return if restarted {
                Step::Drop(DropReason::SomRestart)
            } else {
                Step::Pending
            };
        }
        let Some(i) = existing else {
            return Step::Drop(DropReason::NoContext);
        };
        let rule = self.rule;
        let max = self.max_message;
        let c = &mut self.ctxs[i];
        let next_seq = c.next_seq();
        if p.seq != next_seq {
            // An exact repeat of the previous packet: drop it, keep going.
            let prev = next_seq.wrapping_sub(1) & 3;
            if p.seq == prev
                && p.payload.len() == c.last_len
                && c.used >= c.last_len
                && c.buf.get(c.used - c.last_len..c.used) == Some(p.payload)
            {
                c.last = now;
                return Step::Drop(DropReason::Duplicate);
            }
            self.release(i, pool);
            return Step::Drop(DropReason::BadSequence);
        }
        if !p.eom && rule != SizeRule::Lax && p.payload.len() != c.frag {
            self.release(i, pool);
            return Step::Drop(DropReason::BadMiddleSize);
        }
        if p.eom && rule == SizeRule::Strict && p.payload.len() > c.frag {
            self.release(i, pool);
            return Step::Drop(DropReason::BadEomSize);
        }
        if c.used + p.payload.len() > max {
            self.release(i, pool);
            return Step::Drop(DropReason::TooLarge);
        }
        append(&mut c.buf, &mut c.used, p.payload);
        c.expect = expect_word(&c.key, next_seq + 1, p.local);
        c.last_len = p.payload.len();
        c.last = now;
        if !p.eom {
            return Step::Pending;
        }
        c.active = false;
        c.expect = 0x80;
        let mut data = core::mem::take(&mut c.buf);
        data.truncate(c.used);
        let key = c.key;
        let done = Done {
            key,
            bus: c.bus,
            phys: c.phys,
            data,
        };
        self.note_inactive(i, &key);
        Step::Done(done)
    }

    /// Fast path for the common packet: the next middle or end packet of
    /// the most recently used local reassembly, in sequence, on the same
    /// bus, with an acceptable size. `hdr` is the packet's first four bytes
    /// as a little-endian word: one masked compare against [`Ctx::expect`]
    /// checks the version, both EIDs, SOM, the sequence number, TO and tag
    /// at once. Anything else returns [`Fast::Miss`] untouched, so that
    /// [`Reassembler::packet`] handles it (and every error) as before;
    /// otherwise the effect is what `packet` would have had, and on
    /// [`Fast::Complete`] the message is taken with
    /// [`Reassembler::take_hinted`].
    #[inline(always)]
    pub(crate) fn continue_fast(
        &mut self,
        now: Millis,
        bus: BusId,
        hdr: u32,
        payload: &[u8],
    ) -> Fast {
        let rule = self.rule;
        let max = self.max_message;
        let Some(c) = self.ctxs.get_mut(self.hint) else {
            return Fast::Miss;
        };
        if hdr & EXPECT_MASK != c.expect || c.bus != bus {
            return Fast::Miss;
        }
        let n = payload.len();
        let eom = hdr & EOM_BIT != 0;
        let size_ok = if eom {
            rule != SizeRule::Strict || n <= c.frag
        } else {
            rule == SizeRule::Lax || n == c.frag
        };
        if !size_ok || c.used + n > max {
            return Fast::Miss;
        }
        append(&mut c.buf, &mut c.used, payload);
        c.last_len = n;
        c.last = now;
        if !eom {
            // Advance the sequence number in the expected word (bits 28..29;
            // the carry out of 3 lands in the EOM bit, which is cleared).
            c.expect = c.expect.wrapping_add(1 << 28) & !EOM_BIT;
            return Fast::Pending;
        }
        c.active = false;
        c.expect = 0x80;
        let key = c.key;
        let i = self.hint;
        self.note_inactive(i, &key);
        Fast::Complete
    }

    /// The message [`Reassembler::continue_fast`] just completed.
    pub(crate) fn take_hinted(&mut self) -> Option<Done> {
        let c = self.ctxs.get_mut(self.hint)?;
        Some(Done {
            key: c.key,
            bus: c.bus,
            phys: c.phys,
            data: {
                let mut d = core::mem::take(&mut c.buf);
                d.truncate(c.used);
                d
            },
        })
    }

    /// Abort a reassembly for `key` if one is in progress (a SOM|EOM packet
    /// with the same key). Returns whether one was aborted.
    pub(crate) fn abort(&mut self, key: &Key, pool: &mut BufPool) -> bool {
        match self.find(key) {
            Some(i) => {
                self.release(i, pool);
                true
            }
            None => false,
        }
    }

    /// Drop reassemblies idle for `reassembly_timeout`; returns how many.
    pub(crate) fn expire(&mut self, now: Millis, pool: &mut BufPool) -> u64 {
        let mut n = 0;
        for i in 0..self.ctxs.len() {
            let c = &self.ctxs[i];
            if c.active && now >= c.last.saturating_add(self.timeout) {
                self.release(i, pool);
                n += 1;
            }
        }
        n
    }

    /// Earliest reassembly deadline.
    pub(crate) fn next_deadline(&self) -> Option<Millis> {
        self.ctxs
            .iter()
            .filter(|c| c.active)
            .map(|c| c.last.saturating_add(self.timeout))
            .min()
    }
}
