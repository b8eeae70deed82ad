//! The [`Stack`]: buses, local EIDs, transmit and receive paths.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;

use mctpkit_wire::binding::{self, serial, BindingKind};
use mctpkit_wire::mctp::{self, HEADER_LEN};

use crate::reassembly::{BufPool, Fast, Key, Pkt, Reassembler, Step};
use crate::requester::Requester;
use crate::route::{Resolved, Route, RouteError, Table};
use crate::tags::{Holder, TagTable};
use crate::types::*;

/// Largest routing table.
const MAX_ROUTES: usize = 256;

/// A bus (interface) to add to a [`Stack`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusConfig {
    /// Binding framing used by [`Stack::receive_frame`] and
    /// [`Stack::poll_transmit_frame`].
    pub binding: BindingKind,
    /// Transmission unit: payload bytes per packet (≥ 64, the BTU).
    pub mtu: usize,
    /// This stack's own physical address on the bus (SMBus: 7-bit address).
    pub phys: PhysAddr,
    /// Network the bus belongs to.
    pub net: NetworkId,
    /// Local EIDs on this bus (the first is the source EID of packets sent
    /// on it); may be empty until a bus owner assigns one.
    pub eids: Vec<u8>,
}

impl BusConfig {
    /// A bus with the baseline unit on network 1.
    pub fn new(binding: BindingKind, phys: PhysAddr) -> Self {
        BusConfig {
            binding,
            mtu: mctp::BASELINE_MTU,
            phys,
            net: 1,
            eids: Vec::new(),
        }
    }
    /// Set the local EID.
    pub fn eid(mut self, eid: u8) -> Self {
        self.eids.clear();
        self.eids.push(eid);
        self
    }
    /// Set the transmission unit.
    pub fn mtu(mut self, mtu: usize) -> Self {
        self.mtu = mtu;
        self
    }
    /// Set the network.
    pub fn net(mut self, net: NetworkId) -> Self {
        self.net = net;
        self
    }
}

#[derive(Debug)]
pub(crate) struct Bus {
    pub(crate) cfg: BusConfig,
    deframer: Option<Box<serial::Deframer>>,
    /// Discovered flag (Prepare for Endpoint Discovery / Set Endpoint ID).
    pub(crate) discovered: bool,
    /// EID and physical address of this bus's owner, once known.
    pub(crate) bus_owner: Option<(u8, PhysAddr)>,
}

/// A packet handed out by [`Stack::poll_transmit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit {
    /// Bus to send on.
    pub bus: BusId,
    /// Physical destination address on that bus.
    pub phys: PhysAddr,
    /// Bytes written to the caller's buffer.
    pub len: usize,
}

/// Queued packets of one message (or one forwarded packet), laid out
/// back to back in one pooled buffer: packet `i` starts at `i * stride`,
/// every packet but the last is `stride` bytes long. One buffer per message
/// instead of one per packet keeps the per-packet cost to a header write and
/// a copy on the way in and a slice on the way out.
#[derive(Debug)]
struct TxPkt {
    bus: BusId,
    phys: PhysAddr,
    buf: Vec<u8>,
    /// Offset of the next packet in `buf`.
    pos: usize,
    /// Packet length (header + unit) of all but the last packet.
    stride: usize,
}

impl TxPkt {
    /// The next packet.
    fn next(&self) -> &[u8] {
        // `pos + stride` cannot overflow: both are bounded by the buffer
        // length plus one packet.
        let end = (self.pos + self.stride).min(self.buf.len());
        self.buf.get(self.pos..end).unwrap_or(&[])
    }
}

/// A sans-IO MCTP stack. See the crate documentation.
#[derive(Debug)]
pub struct Stack {
    pub(crate) cfg: Config,
    pub(crate) buses: Vec<Bus>,
    pub(crate) routes: Table,
    pub(crate) tags: TagTable,
    reasm: Reassembler,
    pool: BufPool,
    pkt_pool: BufPool,
    txq: VecDeque<TxPkt>,
    /// Packets in `txq` (the queue holds messages).
    txq_packets: usize,
    deliver: VecDeque<Message>,
    pub(crate) events: VecDeque<Event>,
    pub(crate) counters: Counters,
    /// Message types registered by the application, with versions.
    pub(crate) types: Vec<(u8, Vec<mctpkit_wire::control::VersionEntry>)>,
    /// Vendor-defined message support sets.
    pub(crate) vendor: Vec<(mctpkit_wire::control::VendorId, u16)>,
    pub(crate) req: Requester,
    /// Bridge EID pool received by Allocate Endpoint IDs (start, size).
    pub(crate) pool_alloc: Option<(u8, u8)>,
}

/// Where a message goes out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Egress {
    pub bus: BusId,
    pub phys: PhysAddr,
    pub mtu: usize,
}

impl Stack {
    /// A stack without buses.
    pub fn new(cfg: Config) -> Self {
        let ctxs = cfg.reassembly_contexts;
        Stack {
            reasm: Reassembler::new(&cfg),
            tags: TagTable::new(cfg.max_owned_tags),
            pool: BufPool::new(ctxs + cfg.deliver_queue + 8),
            pkt_pool: BufPool::new(cfg.tx_queue_packets),
            txq: VecDeque::with_capacity(cfg.tx_queue_packets),
            txq_packets: 0,
            deliver: VecDeque::with_capacity(cfg.deliver_queue),
            events: VecDeque::new(),
            counters: Counters::default(),
            routes: Table::new(MAX_ROUTES),
            buses: Vec::new(),
            types: Vec::new(),
            vendor: Vec::new(),
            req: Requester::default(),
            pool_alloc: None,
            cfg,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Add a bus; its transmission unit is raised to the BTU if below.
    pub fn add_bus(&mut self, mut cfg: BusConfig) -> BusId {
        cfg.mtu = cfg.mtu.max(mctp::BASELINE_MTU);
        let deframer = (cfg.binding == BindingKind::Serial).then(|| {
            let opts = serial::Options {
                max_len: (cfg.mtu + HEADER_LEN).min(255),
                ..serial::Options::default()
            };
            Box::new(serial::Deframer::new(opts))
        });
        self.buses.push(Bus {
            cfg,
            deframer,
            discovered: false,
            bus_owner: None,
        });
        BusId((self.buses.len() - 1) as u8)
    }

    /// A bus's configuration.
    pub fn bus(&self, bus: BusId) -> Option<&BusConfig> {
        self.buses.get(usize::from(bus.0)).map(|b| &b.cfg)
    }

    /// Number of buses.
    pub fn bus_count(&self) -> usize {
        self.buses.len()
    }

    /// Replace a bus's local EIDs (first = source EID).
    pub fn set_local_eids(&mut self, bus: BusId, eids: &[u8]) {
        if let Some(b) = self.buses.get_mut(usize::from(bus.0)) {
            b.cfg.eids.clear();
            b.cfg.eids.extend_from_slice(eids);
        }
    }

    /// The first local EID of a bus (0 when it has none).
    pub fn local_eid(&self, bus: BusId) -> u8 {
        self.buses
            .get(usize::from(bus.0))
            .and_then(|b| b.cfg.eids.first().copied())
            .unwrap_or(0)
    }

    /// Is `eid` a local EID on network `net`?
    pub fn is_local(&self, net: NetworkId, eid: u8) -> bool {
        self.buses
            .iter()
            .any(|b| b.cfg.net == net && b.cfg.eids.contains(&eid))
    }

    /// The bus owner of `bus` once Set Endpoint ID has been received.
    pub fn bus_owner(&self, bus: BusId) -> Option<(u8, PhysAddr)> {
        self.buses.get(usize::from(bus.0)).and_then(|b| b.bus_owner)
    }

    /// Register a message type the application handles (reported by Get
    /// Message Type Support; `versions` by Get MCTP Version Support).
    pub fn register_type(
        &mut self,
        msg_type: u8,
        versions: &[mctpkit_wire::control::VersionEntry],
    ) {
        let t = msg_type & 0x7F;
        self.types.retain(|(x, _)| *x != t);
        self.types.push((t, versions.to_vec()));
    }

    /// Register a vendor-defined message set (Get Vendor Defined Message Support).
    pub fn register_vendor(&mut self, id: mctpkit_wire::control::VendorId, command_set: u16) {
        self.vendor.push((id, command_set));
    }

    /// Add or replace a route.
    pub fn add_route(&mut self, r: Route) -> Result<(), RouteError> {
        self.routes.add(r)
    }

    /// Remove a route by exact range.
    pub fn remove_route(&mut self, net: NetworkId, first: u8, last: u8) -> bool {
        self.routes.remove(net, first, last)
    }

    /// The routing table.
    pub fn routes(&self) -> &[Route] {
        self.routes.routes()
    }

    /// Resolve an EID through the routing table.
    pub fn resolve(&self, net: NetworkId, eid: u8) -> Option<Resolved> {
        self.routes.resolve(net, eid)
    }

    /// Counters.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Reassemblies in progress.
    pub fn active_reassemblies(&self) -> usize {
        self.reasm.active()
    }

    /// Owned tags held.
    pub fn owned_tags(&self) -> usize {
        self.tags.len()
    }

    /// Packets waiting in the transmit queue.
    pub fn tx_queue_len(&self) -> usize {
        self.txq_packets
    }

    /// Room left in the transmit queue, in packets.
    pub fn tx_queue_room(&self) -> usize {
        self.cfg.tx_queue_packets.saturating_sub(self.txq_packets)
    }

    // ---------------------------------------------------------------- tags

    /// Preallocate an owned tag for `peer` (Linux `SIOCMCTPALLOCTAG`): it
    /// never expires and is used with [`TagMode::Preallocated`] until
    /// [`Stack::drop_tag`].
    pub fn alloc_tag(&mut self, net: NetworkId, local: u8, peer: u8) -> Result<u8, SendError> {
        self.tags
            .alloc(net, local, peer, None, Holder::App)
            .ok_or(SendError::TagsExhausted)
    }

    /// Release a preallocated (or any owned) tag.
    pub fn drop_tag(&mut self, net: NetworkId, local: u8, peer: u8, tag: u8) -> bool {
        self.tags.release(net, local, peer, tag)
    }

    // ------------------------------------------------------------ transmit

    pub(crate) fn egress_for(&self, net: NetworkId, dst: u8) -> Option<Egress> {
        let r = self.routes.resolve(net, dst)?;
        let b = self.buses.get(usize::from(r.bus.0))?;
        Some(Egress {
            bus: r.bus,
            phys: r.phys,
            mtu: r.mtu.unwrap_or(b.cfg.mtu).max(mctp::BASELINE_MTU),
        })
    }

    fn egress_via(&self, bus: BusId, phys: PhysAddr) -> Option<Egress> {
        let b = self.buses.get(usize::from(bus.0))?;
        Some(Egress {
            bus,
            phys,
            mtu: b.cfg.mtu,
        })
    }

    /// Send a message (type byte first). Fragments at the route's (or bus's)
    /// unit and queues every packet, or queues nothing and returns an error.
    pub fn send(&mut self, now: Millis, opts: SendOptions, msg: &[u8]) -> Result<Sent, SendError> {
        self.send_inner(now, opts, msg, Holder::App)
    }

    pub(crate) fn send_inner(
        &mut self,
        now: Millis,
        opts: SendOptions,
        msg: &[u8],
        holder: Holder,
    ) -> Result<Sent, SendError> {
        if msg.is_empty() {
            return Err(SendError::Empty);
        }
        if msg.len() > self.cfg.max_message_size {
            return Err(SendError::TooLarge);
        }
        if (1..8).contains(&opts.dst) {
            return Err(SendError::InvalidEid);
        }
        let eg = match opts.via {
            Some((bus, phys)) => self.egress_via(bus, phys).ok_or(SendError::UnknownBus)?,
            None => self
                .egress_for(opts.net, opts.dst)
                .ok_or(SendError::NoRoute)?,
        };
        let src = opts.src.unwrap_or_else(|| self.local_eid(eg.bus));
        if src == 0xFF || (1..8).contains(&src) {
            return Err(SendError::InvalidEid);
        }
        let packets = msg.len().div_ceil(eg.mtu);
        if packets > self.tx_queue_room() {
            return Err(SendError::QueueFull);
        }
        let (tag, to) = match opts.tag {
            TagMode::Owned => {
                let expires = match holder {
                    Holder::App => Some(now.saturating_add(self.cfg.tag_expiry)),
                    Holder::Requester(_) => None,
                };
                let t = self
                    .tags
                    .alloc(opts.net, src, opts.dst, expires, holder)
                    .ok_or(SendError::TagsExhausted)?;
                (t, true)
            }
            TagMode::Preallocated(t) => {
                if !self.tags.held(opts.net, src, opts.dst, t & 7) {
                    return Err(SendError::TagNotHeld);
                }
                (t & 7, true)
            }
            TagMode::Response(t) => (t & 7, false),
        };
        self.queue_message(eg, opts.dst, src, to, tag, msg);
        self.counters.tx_messages += 1;
        Ok(Sent {
            tag,
            tag_owner: to,
            src,
            packets,
            bus: eg.bus,
        })
    }

    /// Reply to a received request: TO=0, the request's tag, back out of the
    /// ingress bus to the physical address the request came from (the
    /// reverse path, which also works for unassigned EID-0 peers and peers
    /// behind a bridge). The source EID is the request's destination unless
    /// that was NULL or broadcast.
    pub fn respond(
        &mut self,
        now: Millis,
        request: &Message,
        msg: &[u8],
    ) -> Result<Sent, SendError> {
        let src = if request.dst == 0 || request.dst == 0xFF {
            None
        } else {
            Some(request.dst)
        };
        let opts = SendOptions {
            net: request.net,
            dst: request.src,
            src,
            tag: TagMode::Response(request.tag),
            via: Some((request.bus, request.phys)),
        };
        self.send_inner(now, opts, msg, Holder::App)
    }

    /// Fragment into the queue; the caller checked the room.
    fn queue_message(&mut self, eg: Egress, dst: u8, src: u8, to: bool, tag: u8, msg: &[u8]) {
        // Linux restarts the sequence number at 0 for every message; receivers
        // must accept any first value (mctp-core.md §4). Packetisation as in
        // `mctpkit_wire::fragment::Fragmenter` (DSP0236 §8.8): SOM first, EOM
        // last, sequence + 1 mod 4, every packet but the last `mtu` bytes.
        if msg.is_empty() || eg.mtu == 0 {
            return;
        }
        let count = msg.len().div_ceil(eg.mtu);
        let stride = HEADER_LEN + eg.mtu.min(msg.len());
        let mut buf = self.pkt_pool.get();
        buf.reserve(count * HEADER_LEN + msg.len());
        let first = mctp::Repr::new(dst, src, true, count == 1, 0, to, tag & 7);
        let mut hdr = [0u8; HEADER_LEN];
        if first.emit_bytes(&mut hdr).is_err() {
            self.pkt_pool.put(buf);
            return;
        }
        for (i, chunk) in msg.chunks(eg.mtu).enumerate() {
            // Only the flag byte changes from packet to packet.
            hdr[3] = mctp::Repr {
                som: i == 0,
                eom: i + 1 == count,
                seq: i as u8 & 3,
                ..first
            }
            .flags();
            buf.extend_from_slice(&hdr);
            buf.extend_from_slice(chunk);
        }
        self.txq_packets += count;
        self.txq.push_back(TxPkt {
            bus: eg.bus,
            phys: eg.phys,
            buf,
            pos: 0,
            stride,
        });
    }

    /// Hand the next queued packet to `f` (zero-copy) and dequeue it.
    pub fn poll_transmit_with<R>(&mut self, f: impl FnOnce(&Transmit, &[u8]) -> R) -> Option<R> {
        let p = self.txq.front_mut()?;
        self.counters.tx_packets += 1;
        self.txq_packets = self.txq_packets.saturating_sub(1);
        let pkt = p.next();
        let t = Transmit {
            bus: p.bus,
            phys: p.phys,
            len: pkt.len(),
        };
        let r = f(&t, pkt);
        p.pos += t.len;
        if p.pos >= p.buf.len() {
            if let Some(done) = self.txq.pop_front() {
                self.pkt_pool.put(done.buf);
            }
        }
        Some(r)
    }

    /// Length of the next queued packet.
    pub fn peek_transmit_len(&self) -> Option<usize> {
        self.txq.front().map(|p| p.next().len())
    }

    /// Copy the next packet (bare MCTP packet, header first) into `buf`.
    /// Returns `None` when nothing is queued, or when `buf` is shorter than
    /// [`Stack::peek_transmit_len`] (the packet stays queued).
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> Option<Transmit> {
        if buf.len() < self.peek_transmit_len()? {
            return None;
        }
        self.poll_transmit_with(|t, p| {
            buf[..p.len()].copy_from_slice(p);
            *t
        })
    }

    /// Like [`Stack::poll_transmit`] but wrapped in the bus's binding framing
    /// (SMBus/I2C with PEC, serial with FCS, I3C with PEC; PCIe VDM and USB
    /// are handed out bare: their headers belong to the driver). `buf` needs
    /// room for the framing (2 × packet + 8 covers serial escaping). On a
    /// framing error the packet is dropped and `Some(Err)` returned.
    pub fn poll_transmit_frame(
        &mut self,
        buf: &mut [u8],
    ) -> Option<Result<Transmit, mctpkit_wire::Error>> {
        let front = self.txq.front()?;
        let bus = self.buses.get(usize::from(front.bus.0));
        let (kind, own_phys) = bus.map_or((BindingKind::None, PhysAddr::NONE), |b| {
            (b.cfg.binding, b.cfg.phys)
        });
        self.poll_transmit_with(|t, p| {
            let n = match kind {
                BindingKind::Smbus | BindingKind::SmbusNoDest => {
                    let r = binding::smbus::Repr {
                        dst_addr: t.phys.as_bytes().first().copied().unwrap_or(0),
                        src_addr: own_phys.as_bytes().first().copied().unwrap_or(0),
                    };
                    if kind == BindingKind::Smbus {
                        r.emit_frame(p, buf)
                    } else {
                        r.emit_frame_no_dest(p, buf)
                    }
                }
                BindingKind::Serial => serial::Repr::default().emit_frame(p, buf),
                BindingKind::I3c => binding::i3c::Repr { pec_addr: None }.emit_frame(p, buf),
                // DSP0238: a physical address is the 16-bit PCIe ID
                // (bus, device, function), big-endian; routed by ID.
                BindingKind::PcieVdm => binding::pcie_vdm::Repr {
                    requester_id: bdf(own_phys.as_bytes()),
                    target_id: bdf(t.phys.as_bytes()),
                    ..binding::pcie_vdm::Repr::default()
                }
                .emit_frame(p, buf),
                BindingKind::Usb => binding::usb::Repr::default().emit_frame(p, buf),
                _ => {
                    if buf.len() < p.len() {
                        Err(mctpkit_wire::Error::buffer_too_small(
                            mctpkit_wire::Layer::Mctp,
                            p.len(),
                            buf.len(),
                        ))
                    } else {
                        buf[..p.len()].copy_from_slice(p);
                        Ok(p.len())
                    }
                }
            };
            n.map(|len| Transmit { len, ..*t })
        })
    }

    // ------------------------------------------------------------- receive

    /// Receive one binding frame on `bus` (decoded with the bus's binding;
    /// integrity checks verified). Serial frames may also come as a byte
    /// stream through [`Stack::receive_stream`]. Returns the drop reason if
    /// the packet was dropped at any layer.
    pub fn receive_frame(
        &mut self,
        now: Millis,
        bus: BusId,
        frame: &[u8],
    ) -> Result<(), DropReason> {
        let Some(b) = self.buses.get(usize::from(bus.0)) else {
            return self.dropped(DropReason::UnknownBus);
        };
        let kind = b.cfg.binding;
        let opts = binding::ParseOptions {
            smbus_dst_addr: b.cfg.phys.as_bytes().first().copied(),
            // The same size limit as the bus's stream deframer (`add_bus`):
            // the bus's unit plus the header, not a fixed 68.
            serial: serial::Options {
                max_len: (b.cfg.mtu + HEADER_LEN).min(255),
                ..serial::Options::default()
            },
            ..binding::ParseOptions::default()
        };
        let parsed = match binding::Frame::parse_with(kind, frame, &opts) {
            Ok(f) => f,
            Err(_) => {
                self.counters.rx_packets += 1;
                return self.dropped(DropReason::BadFraming);
            }
        };
        let Some(f) = parsed else {
            return self.receive(now, bus, PhysAddr::NONE, frame);
        };
        // A stack is strict where an analyser is lenient: a binding with an
        // integrity check must carry a matching one, and any framing problem
        // (byte count disagreeing with the bytes present, wrong command
        // code, missing closing flag...) drops the frame.
        match f.integrity() {
            Some(i) if !i.ok() => {
                self.counters.rx_packets += 1;
                return self.dropped(DropReason::BadIntegrity);
            }
            None if matches!(
                kind,
                BindingKind::Smbus | BindingKind::Serial | BindingKind::I3c
            ) =>
            {
                self.counters.rx_packets += 1;
                return self.dropped(DropReason::BadFraming);
            }
            _ => {}
        }
        if !f.warnings().is_empty() {
            self.counters.rx_packets += 1;
            return self.dropped(DropReason::BadFraming);
        }
        let phys = match &f {
            binding::Frame::Smbus(s) => PhysAddr::byte(s.src_addr >> 1),
            binding::Frame::PcieVdm(v) => {
                let id = binding::pcie_vdm::Packet::new_unchecked(&v.header[..]).requester_id();
                PhysAddr::new(&id.0.to_be_bytes()).unwrap_or(PhysAddr::NONE)
            }
            _ => PhysAddr::NONE,
        };
        // Copy out: the serial variant's packet lives inside `f`.
        let mut tmp = [0u8; 256];
        let (_, p) = f.mctp_packet();
        if p.len() <= tmp.len() {
            let n = p.len();
            tmp[..n].copy_from_slice(p);
            self.receive(now, bus, phys, &tmp[..n])
        } else {
            match f.packet_in_input() {
                Some((_, p)) => self.receive(now, bus, phys, p),
                None => {
                    self.counters.rx_packets += 1;
                    self.dropped(DropReason::BadFraming)
                }
            }
        }
    }

    /// Feed serial bytes (DSP0253 stream) for `bus`; complete frames are
    /// received, bad FCS counted as [`DropReason::BadIntegrity`], other
    /// framing errors as [`DropReason::BadFraming`].
    pub fn receive_stream(&mut self, now: Millis, bus: BusId, bytes: &[u8]) {
        let Some(mut d) = self
            .buses
            .get_mut(usize::from(bus.0))
            .and_then(|b| b.deframer.take())
        else {
            self.counters.drop(DropReason::UnknownBus);
            return;
        };
        let mut tmp = [0u8; 256];
        for &byte in bytes {
            let got = match d.feed(byte) {
                None => None,
                Some(serial::Event::Frame(fr)) => {
                    let n = fr.packet.len().min(tmp.len());
                    tmp[..n].copy_from_slice(&fr.packet[..n]);
                    Some(Ok(n))
                }
                Some(serial::Event::Error(e)) => Some(Err(match e.kind {
                    serial::DeframeErrorKind::BadFcs { .. } => DropReason::BadIntegrity,
                    _ => DropReason::BadFraming,
                })),
            };
            match got {
                Some(Ok(n)) => {
                    let _ = self.receive(now, bus, PhysAddr::NONE, &tmp[..n]);
                }
                Some(Err(r)) => {
                    self.counters.rx_packets += 1;
                    self.counters.drop(r);
                }
                None => {}
            }
        }
        if let Some(b) = self.buses.get_mut(usize::from(bus.0)) {
            b.deframer = Some(d);
        }
    }

    fn dropped(&mut self, r: DropReason) -> Result<(), DropReason> {
        self.counters.drop(r);
        Err(r)
    }

    /// Receive one bare MCTP packet (transport header first) from physical
    /// address `phys` on `bus`. Returns the drop reason if dropped.
    pub fn receive(
        &mut self,
        now: Millis,
        bus: BusId,
        phys: PhysAddr,
        packet: &[u8],
    ) -> Result<(), DropReason> {
        self.counters.rx_packets += 1;
        let Some(b) = self.buses.get(usize::from(bus.0)) else {
            return self.dropped(DropReason::UnknownBus);
        };
        let net = b.cfg.net;
        if packet.len() < HEADER_LEN {
            return self.dropped(DropReason::TooShort);
        }
        let h = mctp::Packet::new_unchecked(packet);
        if h.version() != mctp::HEADER_VERSION {
            return self.dropped(DropReason::BadVersion);
        }
        let (src, dst) = (h.src(), h.dst());
        if src == 0xFF {
            return self.dropped(DropReason::SourceBroadcast);
        }
        if (1..8).contains(&src) {
            return self.dropped(DropReason::SourceReserved);
        }
        if (1..8).contains(&dst) {
            return self.dropped(DropReason::DestinationReserved);
        }
        if dst == 0xFF && !self.cfg.accept_broadcast {
            return self.dropped(DropReason::BroadcastRefused);
        }
        // The receiving bus's own EIDs first (the common case), then all.
        let local =
            dst == 0 || dst == 0xFF || b.cfg.eids.first() == Some(&dst) || self.is_local(net, dst);
        let key = Key {
            net,
            src,
            dst,
            tag: h.tag(),
            to: h.to(),
        };
        let som = h.som();
        if local && !som {
            // Hot path: the next packet of the reassembly in progress.
            match self
                .reasm
                .continue_hinted(now, &key, h.seq(), h.eom(), h.payload())
            {
                Fast::Pending => return Ok(()),
                Fast::Complete => {
                    if let Some(done) = self.reasm.take_hinted() {
                        return self.complete(now, done);
                    }
                    return Ok(());
                }
                Fast::Miss => {}
            }
        }
        let pkt = Pkt {
            key,
            som,
            eom: h.eom(),
            seq: h.seq(),
            payload: h.payload(),
            bus,
            phys,
        };
        if !local {
            if !self.cfg.forwarding {
                return self.dropped(DropReason::NotForUs);
            }
            return self.forward(now, pkt, packet);
        }
        if pkt.som && pkt.key.to && self.cfg.learn_neighbours {
            self.learn_neighbour(net, src, bus, phys);
        }
        // A response must answer an owned tag (Linux: no key → drop).
        if pkt.som && !pkt.key.to && self.tags.lookup(net, src, dst, pkt.tag_val()).is_none() {
            return self.dropped(DropReason::UnexpectedResponse);
        }
        match self.reassemble(now, &pkt) {
            Ok(Some(done)) => self.complete(now, done),
            Ok(None) => Ok(()),
            Err(r) => Err(r),
        }
    }

    /// Add or refresh a learned single-EID route for a requester (see
    /// [`Config::learn_neighbours`]).
    fn learn_neighbour(&mut self, net: NetworkId, src: u8, bus: BusId, phys: PhysAddr) {
        if !(8..=0xFE).contains(&src) {
            return;
        }
        let point_to_point = self
            .buses
            .get(usize::from(bus.0))
            .is_some_and(|b| b.cfg.binding == BindingKind::Serial);
        if phys.as_bytes().is_empty() && !point_to_point {
            return;
        }
        let learned = Route {
            static_entry: false,
            ..Route::endpoint(net, src, bus, phys)
        };
        // A single-EID route exists: keep a static one; follow a learned one
        // to the device's current address.
        if let Some(r) = self.routes.lookup(net, src) {
            if r.first == src && r.last == src && (r.static_entry || r.hop == learned.hop) {
                return;
            }
        }
        if self.routes.add(learned).is_ok() {
            self.counters.learned_neighbours += 1;
        }
    }

    /// Reassembly step shared by local delivery and forwarding.
    #[inline]
    fn reassemble(
        &mut self,
        now: Millis,
        p: &Pkt<'_>,
    ) -> Result<Option<crate::reassembly::Done>, DropReason> {
        if p.som && p.eom {
            if p.payload.is_empty() {
                return self.dropped(DropReason::EmptySom).map(|_| None);
            }
            if p.payload.len() > self.cfg.max_message_size {
                return self.dropped(DropReason::TooLarge).map(|_| None);
            }
            if self.reasm.abort(&p.key, &mut self.pool) {
                self.counters.drop(DropReason::SomRestart);
            }
            let mut data = self.pool.get();
            data.extend_from_slice(p.payload);
            return Ok(Some(crate::reassembly::Done {
                key: p.key,
                bus: p.bus,
                phys: p.phys,
                data,
            }));
        }
        let mut evicted = 0;
        let step = self.reasm.packet(now, p, &mut self.pool, &mut evicted);
        for _ in 0..evicted {
            self.counters.drop(DropReason::Evicted);
        }
        match step {
            Step::Pending => Ok(None),
            Step::Done(d) => Ok(Some(d)),
            // A restart still started a new reassembly: count, but accept.
            Step::Drop(DropReason::SomRestart) => {
                self.counters.drop(DropReason::SomRestart);
                Ok(None)
            }
            Step::Drop(r) => self.dropped(r).map(|_| None),
        }
    }

    fn complete(&mut self, now: Millis, d: crate::reassembly::Done) -> Result<(), DropReason> {
        let k = d.key;
        let msg = Message {
            net: k.net,
            bus: d.bus,
            phys: d.phys,
            src: k.src,
            dst: k.dst,
            tag: k.tag,
            tag_owner: k.to,
            data: d.data,
        };
        if !k.to {
            let Some(i) = self.tags.lookup(k.net, k.src, k.dst, k.tag) else {
                self.pool.put(msg.data);
                return self.dropped(DropReason::UnexpectedResponse);
            };
            let holder = self.tags.get(i).map(|e| e.holder);
            if let Some(Holder::Requester(slot)) = holder {
                crate::requester::on_response(self, now, slot, msg);
                return Ok(());
            }
            self.tags.answered(i);
        } else if msg.msg_type() == 0 && self.cfg.control_responder {
            let deliver = crate::control::handle_request(self, now, &msg);
            if !deliver {
                self.pool.put(msg.data);
                return Ok(());
            }
        }
        self.push_deliver(msg)
    }

    pub(crate) fn push_deliver(&mut self, msg: Message) -> Result<(), DropReason> {
        if self.deliver.len() >= self.cfg.deliver_queue {
            self.pool.put(msg.data);
            return self.dropped(DropReason::DeliverQueueFull);
        }
        self.counters.rx_messages += 1;
        self.deliver.push_back(msg);
        Ok(())
    }

    pub(crate) fn recycle_buf(&mut self, v: Vec<u8>) {
        self.pool.put(v);
    }

    fn forward(&mut self, now: Millis, p: Pkt<'_>, raw: &[u8]) -> Result<(), DropReason> {
        let net = p.key.net;
        let Some(eg) = self.egress_for(net, p.key.dst) else {
            return self.dropped(DropReason::NoRoute);
        };
        if eg.bus == p.bus {
            return self.dropped(DropReason::ForwardLoop);
        }
        if self.cfg.reverse_path_check && p.key.src != 0 {
            if let Some(back) = self.routes.resolve(net, p.key.src) {
                if back.bus != p.bus {
                    return self.dropped(DropReason::ReversePath);
                }
            }
        }
        let in_progress = !p.som && self.reasm.contains(&p.key);
        if in_progress || (p.som && p.payload.len() > eg.mtu) {
            // The outgoing unit is smaller: reassemble, then re-fragment.
            return match self.reassemble(now, &p)? {
                None => Ok(()),
                Some(d) => {
                    let n = d.data.len().div_ceil(eg.mtu);
                    let r = if n > self.tx_queue_room() {
                        self.dropped(DropReason::ForwardQueueFull)
                    } else {
                        self.queue_message(eg, d.key.dst, d.key.src, d.key.to, d.key.tag, &d.data);
                        self.counters.refragmented_messages += 1;
                        Ok(())
                    };
                    self.pool.put(d.data);
                    r
                }
            };
        }
        if p.payload.len() > eg.mtu {
            // A non-SOM packet larger than the egress unit with no reassembly.
            return self.dropped(DropReason::NoContext);
        }
        if self.txq_packets >= self.cfg.tx_queue_packets {
            return self.dropped(DropReason::ForwardQueueFull);
        }
        let mut buf = self.pkt_pool.get();
        buf.extend_from_slice(raw);
        self.txq_packets += 1;
        self.txq.push_back(TxPkt {
            bus: eg.bus,
            phys: eg.phys,
            stride: buf.len(),
            buf,
            pos: 0,
        });
        self.counters.forwarded_packets += 1;
        Ok(())
    }

    // ------------------------------------------------------------- deliver

    /// The next reassembled message for the application.
    pub fn poll_deliver(&mut self) -> Option<Message> {
        self.deliver.pop_front()
    }

    /// Hand a delivered message's buffer back to the pool (optional; avoids
    /// one allocation per message in steady state).
    pub fn recycle(&mut self, msg: Message) {
        self.pool.put(msg.data);
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    // -------------------------------------------------------------- timers

    /// The earliest time [`Stack::handle_timeout`] has work to do.
    pub fn poll_timeout(&self) -> Option<Millis> {
        [
            self.reasm.next_deadline(),
            self.tags.next_deadline(),
            self.req.next_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Expire reassemblies and tags, retry or fail control requests.
    pub fn handle_timeout(&mut self, now: Millis) {
        let n = self.reasm.expire(now, &mut self.pool);
        for _ in 0..n {
            self.counters.drop(DropReason::ReassemblyTimeout);
        }
        let events = &mut self.events;
        self.tags.expire(now, |e| {
            events.push_back(Event::TagExpired {
                net: e.net,
                local: e.local,
                peer: e.peer,
                tag: e.tag,
            })
        });
        crate::requester::handle_timeout(self, now);
    }
}

impl Pkt<'_> {
    fn tag_val(&self) -> u8 {
        self.key.tag
    }
}

#[cfg(all(test, feature = "std"))]
mod tx_tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec;
    use std::vec::Vec;

    proptest! {
        /// The queue's in-place packetisation gives exactly the packets of
        /// `mctpkit_wire::fragment::Fragmenter`.
        #[test]
        fn packets_match_fragmenter(len in 1usize..700, mtu in 64usize..200,
                                    tag in 0u8..8, owned in any::<bool>()) {
            let mut s = Stack::new(Config::default());
            s.add_bus(BusConfig::new(BindingKind::None, PhysAddr::NONE).eid(8).mtu(mtu));
            s.add_route(Route::endpoint(1, 9, BusId(0), PhysAddr::NONE)).unwrap();
            let msg: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let tm = if owned { TagMode::Owned } else { TagMode::Response(tag) };
            let sent = s.send(0, SendOptions { tag: tm, ..SendOptions::request(1, 9) }, &msg).unwrap();
            let want: Vec<Vec<u8>> = mctpkit_wire::fragment::Fragmenter::new(
                &msg, 9, 8, sent.tag_owner, sent.tag, mtu, 0).unwrap().collect();
            prop_assert_eq!(s.tx_queue_len(), want.len());
            let mut got = Vec::new();
            while let Some(n) = s.peek_transmit_len() {
                let mut buf = vec![0u8; n];
                let t = s.poll_transmit(&mut buf).unwrap();
                prop_assert_eq!(t.len, n);
                got.push(buf);
            }
            prop_assert_eq!(got, want);
            prop_assert_eq!(s.tx_queue_len(), 0);
        }
    }
}

/// A PCIe ID from a 2-byte physical address (big-endian bus, device/function).
fn bdf(phys: &[u8]) -> binding::pcie_vdm::Bdf {
    match phys {
        [hi, lo, ..] => binding::pcie_vdm::Bdf(u16::from_be_bytes([*hi, *lo])),
        [b] => binding::pcie_vdm::Bdf(u16::from(*b)),
        [] => binding::pcie_vdm::Bdf(0),
    }
}
