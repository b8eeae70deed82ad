//! Per-bus transmit queues and the `poll_transmit` family.
//!
//! **One queue per bus.** Every bus has its own bounded queue
//! ([`crate::BusConfig::tx_queue_packets`], default
//! [`crate::Config::tx_queue_packets`]), so a stalled SMBus segment (a
//! hung device holding the clock, a slow serial line) fills only its own
//! queue: sends routed to it fail with [`crate::SendError::QueueFull`]
//! while PCIe VDM or serial traffic keeps flowing. A daemon runs one writer
//! per bus and drains it with [`Stack::poll_transmit_on`] (or
//! [`Stack::poll_transmit_frame_on`]) whenever the device can take a packet;
//! [`Stack::transmit_ready`] says which buses have packets. The bus-agnostic
//! [`Stack::poll_transmit`] hands out the **oldest** queued message's next
//! packet across all buses, which is exactly the order a single FIFO would
//! give, for simple drivers and simulations.
//!
//! **Packetisation in place** (DSP0236 §8.8). A message is copied once, in
//! one piece, into a pooled buffer after 4 spare bytes. Packet `i` is the
//! slice `[i·unit, i·unit + 4 + len_i)`: its header is written, when the
//! packet is handed out, over the 4 bytes before its payload — the last
//! bytes of packet `i − 1`, which has already been handed out. So queuing
//! costs one copy per message and handing out a packet costs one 4-byte
//! header write, with no per-packet copy and no per-packet allocation.
//! Linux restarts the sequence number at 0 for every message and receivers
//! accept any first value (`mctp-core.md` §4); we do the same.

use alloc::vec::Vec;

use mctpkit_wire::binding;
use mctpkit_wire::mctp::{self, HEADER_LEN};

use crate::ring::Ring;
use crate::stack::Stack;
use crate::types::*;

/// A packet handed out by [`Stack::poll_transmit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit {
    /// Bus to send on.
    pub bus: BusId,
    /// Physical destination address on that bus.
    pub phys: PhysAddr,
    /// Bytes written to the caller's buffer (or handed to the closure).
    pub len: usize,
}

/// The queued packets of one message, or one forwarded packet. Slots of a
/// bus's [`Ring`] are reused in place, buffer included.
#[derive(Debug, Default)]
pub(crate) struct TxMsg {
    /// `[4 spare bytes][message]`, or a whole forwarded packet.
    buf: Vec<u8>,
    /// Start of the next packet in `buf` (its header position).
    pos: usize,
    /// Payload bytes per packet.
    unit: usize,
    /// The next packet's header as a little-endian word: version,
    /// destination, source, then SOM (first packet only), the sequence
    /// number, TO and tag; EOM is added for the last packet.
    hdr: u32,
    /// A forwarded packet: its header is already in `buf` and stays as is.
    forwarded: bool,
    /// Physical destination.
    phys: PhysAddr,
    /// Global enqueue order, for oldest-first polling across buses.
    order: u64,
}

impl TxMsg {
    /// The next packet's range in `buf`, with its header written.
    #[inline(always)]
    fn next(&mut self) -> (usize, usize) {
        let start = self.pos;
        let total = self.buf.len();
        if self.forwarded {
            return (start, total);
        }
        let end = (start + HEADER_LEN + self.unit).min(total);
        let h = if end == total {
            self.hdr | EOM_BIT
        } else {
            self.hdr
        };
        if let Some(dst) = self.buf.get_mut(start..start + HEADER_LEN) {
            dst.copy_from_slice(&h.to_le_bytes());
        }
        (start, end)
    }

    /// Account for the packet `next` returned having been handed out;
    /// true when it was the last.
    #[inline(always)]
    fn advance(&mut self, end: usize) -> bool {
        if self.forwarded || end >= self.buf.len() {
            return true;
        }
        self.pos = end - HEADER_LEN;
        // Clear SOM, sequence + 1 (bits 28..29; the carry out of 3 lands in
        // the EOM bit, which is cleared).
        self.hdr = (self.hdr & !SOM_BIT).wrapping_add(1 << 28) & !EOM_BIT;
        false
    }

    /// Length of the next packet.
    fn peek_len(&self) -> usize {
        let left = self.buf.len() - self.pos;
        if self.forwarded {
            left
        } else {
            HEADER_LEN + (left - HEADER_LEN).min(self.unit)
        }
    }
}

/// One bus's transmit queue.
#[derive(Debug)]
pub(crate) struct TxQueue {
    msgs: Ring<TxMsg>,
    /// Packets queued.
    pub(crate) packets: usize,
    /// Most packets queued at once.
    pub(crate) limit: usize,
}

impl TxQueue {
    pub(crate) fn new(limit: usize) -> Self {
        TxQueue {
            msgs: Ring::new(),
            packets: 0,
            limit,
        }
    }

    /// Room left, in packets.
    #[inline]
    pub(crate) fn room(&self) -> usize {
        self.limit.saturating_sub(self.packets)
    }

    /// Order of the oldest queued message.
    #[inline]
    fn head_order(&self) -> Option<u64> {
        self.msgs.front().map(|m| m.order)
    }

    /// Drop everything queued; returns the packet count.
    pub(crate) fn clear(&mut self) -> usize {
        self.msgs.clear_with(|m| m.buf.clear());
        core::mem::take(&mut self.packets)
    }
}

/// SOM and EOM in the little-endian header word.
const SOM_BIT: u32 = (mctp::flags::SOM as u32) << 24;
const EOM_BIT: u32 = (mctp::flags::EOM as u32) << 24;

/// `Stack::tx_ready`'s bit for a bus (none above 63: those are found by
/// the scan).
#[inline]
pub(crate) fn ready_bit(bus: BusId) -> u64 {
    if bus.0 < 64 {
        1 << bus.0
    } else {
        0
    }
}

/// Where a message goes out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Egress {
    pub bus: BusId,
    pub phys: PhysAddr,
    pub mtu: usize,
    /// The bus's first local EID (0 if none): the default source EID.
    pub src: u8,
}

impl Stack {
    /// Queue a message for `eg` (the caller checked the room). Returns the
    /// packet count.
    #[inline]
    pub(crate) fn queue_message(
        &mut self,
        eg: Egress,
        dst: u8,
        src: u8,
        to: bool,
        tag: u8,
        msg: &[u8],
    ) -> usize {
        let unit = eg.mtu.max(1);
        let count = msg.len().div_ceil(unit);
        let order = self.tx_order;
        let Some(q) = self.txq_mut(eg.bus) else {
            return 0;
        };
        q.packets += count;
        let m = q.msgs.push_slot();
        // The first 4 bytes are the header space (rewritten per packet).
        crate::reassembly::replace_tail(&mut m.buf, HEADER_LEN, msg);
        let to_bit = if to { mctp::flags::TO } else { 0 };
        m.pos = 0;
        m.unit = unit;
        m.hdr = u32::from_le_bytes([
            mctp::HEADER_VERSION,
            dst,
            src,
            mctp::flags::SOM | to_bit | (tag & 7),
        ]);
        m.forwarded = false;
        m.phys = eg.phys;
        m.order = order;
        self.tx_order = order + 1;
        self.note_queued(eg.bus, count);
        count
    }

    /// Queue one packet to forward unchanged; false if the bus's queue is full.
    pub(crate) fn queue_forward(&mut self, eg: Egress, raw: &[u8]) -> bool {
        let order = self.tx_order;
        let Some(q) = self.txq_mut(eg.bus) else {
            return false;
        };
        if q.room() == 0 {
            return false;
        }
        q.packets += 1;
        let m = q.msgs.push_slot();
        m.buf.clear();
        m.buf.extend_from_slice(raw);
        m.pos = 0;
        m.unit = raw.len();
        m.hdr = 0;
        m.forwarded = true;
        m.phys = eg.phys;
        m.order = order;
        self.tx_order = order + 1;
        self.note_queued(eg.bus, 1);
        true
    }

    /// Bookkeeping for `count` packets queued on `bus`.
    #[inline(always)]
    fn note_queued(&mut self, bus: BusId, count: usize) {
        if bus.0 < 64 {
            self.tx_ready |= 1 << bus.0;
        } else {
            self.tx_high += count;
        }
    }

    /// The bus whose oldest message is the oldest of all.
    #[inline]
    fn oldest_bus(&self) -> Option<BusId> {
        // Common case: buses below 64 only, and one of them has packets.
        let m = self.tx_ready;
        if self.tx_high == 0 {
            if m == 0 {
                return None;
            }
            if m & (m - 1) == 0 {
                return Some(BusId(m.trailing_zeros() as u8));
            }
        }
        self.oldest_bus_scan()
    }

    #[cold]
    fn oldest_bus_scan(&self) -> Option<BusId> {
        let mut best: Option<(u64, usize)> = None;
        for (i, b) in self.buses.iter().enumerate() {
            if let Some(o) = b.as_ref().and_then(|b| b.txq.head_order()) {
                if best.is_none_or(|(bo, _)| o < bo) {
                    best = Some((o, i));
                }
            }
        }
        best.map(|(_, i)| BusId(i as u8))
    }

    /// Buses with packets waiting, in bus order.
    pub fn transmit_ready(&self) -> impl Iterator<Item = BusId> + '_ {
        self.buses.iter().enumerate().filter_map(|(i, b)| {
            b.as_ref()
                .filter(|b| b.txq.packets > 0)
                .map(|_| BusId(i as u8))
        })
    }

    /// Hand the next packet queued on `bus` to `f` (zero-copy: the slice is
    /// the bare MCTP packet, header first) and dequeue it.
    #[inline]
    pub fn poll_transmit_with_on<R>(
        &mut self,
        bus: BusId,
        f: impl FnOnce(&Transmit, &[u8]) -> R,
    ) -> Option<R> {
        let b = self.buses.get_mut(usize::from(bus.0))?.as_mut()?;
        let m = b.txq.msgs.front_mut()?;
        let (start, end) = m.next();
        let t = Transmit {
            bus,
            phys: m.phys,
            len: end - start,
        };
        let r = f(&t, m.buf.get(start..end).unwrap_or(&[]));
        b.txq.packets -= 1;
        self.counters.tx_packets += 1;
        if bus.0 >= 64 {
            self.tx_high -= 1;
        }
        if m.advance(end) {
            b.txq.msgs.pop();
            if b.txq.msgs.is_empty() {
                self.tx_ready &= !ready_bit(bus);
            }
        }
        Some(r)
    }

    /// Hand the oldest queued packet of any bus to `f` and dequeue it.
    #[inline]
    pub fn poll_transmit_with<R>(&mut self, f: impl FnOnce(&Transmit, &[u8]) -> R) -> Option<R> {
        let bus = self.oldest_bus()?;
        self.poll_transmit_with_on(bus, f)
    }

    /// Length of the next packet queued on `bus`.
    pub fn peek_transmit_len_on(&self, bus: BusId) -> Option<usize> {
        self.txq_ref(bus)?.msgs.front().map(TxMsg::peek_len)
    }

    /// Length of the packet [`Stack::poll_transmit`] would hand out next.
    pub fn peek_transmit_len(&self) -> Option<usize> {
        self.peek_transmit_len_on(self.oldest_bus()?)
    }

    /// Copy the next packet queued on `bus` (bare MCTP packet, header
    /// first) into `buf`. `None` when nothing is queued there, or when
    /// `buf` is shorter than [`Stack::peek_transmit_len_on`] (the packet
    /// stays queued).
    pub fn poll_transmit_on(&mut self, bus: BusId, buf: &mut [u8]) -> Option<Transmit> {
        if buf.len() < self.peek_transmit_len_on(bus)? {
            return None;
        }
        self.poll_transmit_with_on(bus, |t, p| {
            buf[..p.len()].copy_from_slice(p);
            *t
        })
    }

    /// [`Stack::poll_transmit_on`] for the oldest queued packet of any bus.
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<Transmit> {
        self.poll_transmit_on(self.oldest_bus()?, buf)
    }

    /// Like [`Stack::poll_transmit_on`] but wrapped in the bus's binding
    /// framing ([`mctpkit_wire::binding::Framing`]: SMBus/I2C with PEC,
    /// serial with FCS, I3C with PEC, PCIe VDM with its TLP header from
    /// the physical addresses, USB with its header). `buf` needs room for
    /// the framing (2 × packet + 16 covers serial escaping). On a framing
    /// error the packet is dropped and `Some(Err)` returned.
    pub fn poll_transmit_frame_on(
        &mut self,
        bus: BusId,
        buf: &mut [u8],
    ) -> Option<Result<Transmit, mctpkit_wire::Error>> {
        let b = self.buses.get(usize::from(bus.0))?.as_ref()?;
        let (kind, own) = (b.cfg.binding, b.cfg.phys);
        self.poll_transmit_with_on(bus, |t, p| {
            let framing = binding::Framing::for_addresses(kind, own.as_bytes(), t.phys.as_bytes());
            framing.emit(p, buf).map(|len| Transmit { len, ..*t })
        })
    }

    /// [`Stack::poll_transmit_frame_on`] for the oldest queued packet of any bus.
    pub fn poll_transmit_frame(
        &mut self,
        buf: &mut [u8],
    ) -> Option<Result<Transmit, mctpkit_wire::Error>> {
        self.poll_transmit_frame_on(self.oldest_bus()?, buf)
    }

    /// Packets waiting on all buses.
    pub fn tx_queue_len(&self) -> usize {
        self.buses.iter().flatten().map(|b| b.txq.packets).sum()
    }

    /// Packets waiting on `bus`.
    pub fn tx_queue_len_on(&self, bus: BusId) -> usize {
        self.txq_ref(bus).map_or(0, |q| q.packets)
    }

    /// Room left in `bus`'s transmit queue, in packets (0 for an unknown bus).
    #[inline]
    pub fn tx_queue_room_on(&self, bus: BusId) -> usize {
        self.txq_ref(bus).map_or(0, TxQueue::room)
    }

    #[inline]
    pub(crate) fn txq_ref(&self, bus: BusId) -> Option<&TxQueue> {
        self.buses.get(usize::from(bus.0))?.as_ref().map(|b| &b.txq)
    }

    #[inline]
    pub(crate) fn txq_mut(&mut self, bus: BusId) -> Option<&mut TxQueue> {
        self.buses
            .get_mut(usize::from(bus.0))?
            .as_mut()
            .map(|b| &mut b.txq)
    }
}
