//! The receive path: framing, header rules, reassembly, local delivery
//! and forwarding (DSP0236 §8; the policy choices are documented in
//! [`crate::reassembly`], [`crate::tags`] and [`crate::route`]).

use mctpkit_wire::binding::{self, serial, BindingKind};
use mctpkit_wire::mctp::{self, HEADER_LEN};

use crate::reassembly::{Done, Fast, Key, Pkt, Step};
use crate::route::Route;
use crate::stack::Stack;
use crate::tags::Holder;
use crate::types::*;

impl Stack {
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
        let Some(b) = self.bus_ref(bus) else {
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
        self.receive_stream_observed(now, bus, bytes, |_| {});
    }

    /// [`Stack::receive_stream`], calling `observe` with each deframed
    /// packet (FCS verified) before it is received — a daemon's capture.
    pub fn receive_stream_observed(
        &mut self,
        now: Millis,
        bus: BusId,
        bytes: &[u8],
        mut observe: impl FnMut(&[u8]),
    ) {
        let Some(mut d) = self.bus_mut(bus).and_then(|b| b.deframer.take()) else {
            self.counters.drop(DropReason::UnknownBus);
            return;
        };
        // The deframer's bulk path (frames found with a byte scan, not one
        // call per byte); each packet is received as soon as it is found.
        let mut p = d.push(bytes);
        while let Some(ev) = p.next_event() {
            match ev {
                serial::Event::Frame(fr) => {
                    observe(fr.packet);
                    let _ = self.receive(now, bus, PhysAddr::NONE, fr.packet);
                }
                serial::Event::Error(e) => {
                    self.counters.rx_packets += 1;
                    self.counters.drop(match e.kind {
                        serial::DeframeErrorKind::BadFcs { .. } => DropReason::BadIntegrity,
                        _ => DropReason::BadFraming,
                    });
                }
            }
        }
        if let Some(b) = self.bus_mut(bus) {
            b.deframer = Some(d);
        }
    }

    fn dropped(&mut self, r: DropReason) -> Result<(), DropReason> {
        self.counters.drop(r);
        Err(r)
    }

    /// Receive one bare MCTP packet (transport header first) from physical
    /// address `phys` on `bus`. Returns the drop reason if dropped.
    #[inline]
    pub fn receive(
        &mut self,
        now: Millis,
        bus: BusId,
        phys: PhysAddr,
        packet: &[u8],
    ) -> Result<(), DropReason> {
        self.counters.rx_packets += 1;
        let [b0, dst, src, flags, ..] = *packet else {
            return self.dropped(DropReason::TooShort);
        };
        let payload = &packet[HEADER_LEN..];
        if flags & mctp::flags::SOM == 0 {
            // Hot path: the next packet of the local reassembly in
            // progress, recognised by its header word alone (see
            // `continue_fast`).
            let hdr = u32::from_le_bytes([b0, dst, src, flags]);
            match self.reasm.continue_fast(now, bus, hdr, payload) {
                Fast::Pending => return Ok(()),
                Fast::Complete => return self.complete_hinted(now),
                Fast::Miss => {}
            }
        }
        let Some(b) = self.bus_ref(bus) else {
            return self.dropped(DropReason::UnknownBus);
        };
        // DSP0236 §8.1: header version 1 in the low nibble.
        if b0 & 0x0F != mctp::HEADER_VERSION {
            return self.dropped(DropReason::BadVersion);
        }
        let net = b.cfg.net;
        // The receiving bus's own first EID first (the common case), then all.
        let local = b.cfg.eids.first() == Some(&dst);
        // Learn from this packet's physical source (or point to point).
        let learns = b.learns && (b.p2p || !phys.is_empty());
        // One test for every source/destination rule of the common case: a
        // unicast source (8..=0xFE or NULL) to a local unicast EID.
        if !(local && src != 0xFF && src.wrapping_sub(1) >= 7) {
            return self.receive_checked(now, bus, phys, packet, learns);
        }
        let key = Key::from_header(net, dst, src, flags);
        const SINGLE: u8 = mctp::flags::SOM | mctp::flags::EOM;
        if flags & SINGLE == SINGLE && !self.reasm.any_active() {
            if let Some(r) = self.single_packet(key, payload, bus, phys, learns) {
                return r;
            }
        }
        self.receive_local(now, Pkt::new(key, flags, payload, bus, phys, true), learns)
    }

    /// Deliver the message `continue_fast` just completed.
    #[inline(never)]
    fn complete_hinted(&mut self, now: Millis) -> Result<(), DropReason> {
        match self.reasm.take_hinted() {
            Some(done) => self.complete(now, done),
            None => Ok(()),
        }
    }

    /// A single-packet message to a local EID with no reassembly in
    /// progress (so none to abort): delivered straight from the packet,
    /// with exactly the rules of the general path. `None` hands the cases
    /// it does not cover (control requests, the requester's responses,
    /// empty or oversized packets) to the general path untouched.
    #[inline(always)]
    fn single_packet(
        &mut self,
        key: Key,
        payload: &[u8],
        bus: BusId,
        phys: PhysAddr,
        learns: bool,
    ) -> Option<Result<(), DropReason>> {
        let &first = payload.first()?;
        if payload.len() > self.cfg.max_message_size {
            return None;
        }
        let owner = if key.to {
            if first & 0x7F == 0 && self.cfg.control_responder {
                return None;
            }
            if learns {
                self.learn_neighbour(key.net, key.src, bus, phys);
            }
            None
        } else {
            // A response must answer an owned tag (Linux: no key → drop);
            // the general path decides (or delivers it, as libmctp would).
            let i = self.tags.lookup(key.net, key.src, key.dst, key.tag)?;
            let Some(Holder::Owner(o)) = self.tags.get(i).map(|e| e.holder) else {
                return None;
            };
            self.tags.answered(i);
            Some(o)
        };
        if self.deliver.len() >= self.cfg.deliver_queue {
            return Some(self.dropped(DropReason::DeliverQueueFull));
        }
        self.counters.rx_messages += 1;
        // Filled in place: the slot keeps its buffer from the last message.
        let m = self.deliver.push_slot();
        if m.data.capacity() == 0 {
            m.data = self.pool.get();
        }
        crate::reassembly::replace_tail(&mut m.data, 0, payload);
        m.net = key.net;
        m.bus = bus;
        m.phys = phys;
        m.src = key.src;
        m.dst = key.dst;
        m.tag = key.tag;
        m.tag_owner = key.to;
        m.owner = owner;
        Some(Ok(()))
    }

    /// The general case of [`Stack::receive`]: every EID rule, then local
    /// delivery or forwarding.
    #[inline(never)]
    fn receive_checked(
        &mut self,
        now: Millis,
        bus: BusId,
        phys: PhysAddr,
        packet: &[u8],
        learns: bool,
    ) -> Result<(), DropReason> {
        let (dst, src, flags) = (packet[1], packet[2], packet[3]);
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
        let Some(b) = self.bus_ref(bus) else {
            return self.dropped(DropReason::UnknownBus);
        };
        let net = b.cfg.net;
        let local =
            dst == 0 || dst == 0xFF || b.cfg.eids.first() == Some(&dst) || self.is_local(net, dst);
        let key = Key::from_header(net, dst, src, flags);
        let payload = &packet[HEADER_LEN..];
        if !local {
            if !self.cfg.forwarding {
                return self.dropped(DropReason::NotForUs);
            }
            let pkt = Pkt::new(key, flags, payload, bus, phys, false);
            return self.forward(now, pkt, packet);
        }
        self.receive_local(now, Pkt::new(key, flags, payload, bus, phys, true), learns)
    }

    /// A locally addressed packet past the header rules.
    #[inline]
    fn receive_local(&mut self, now: Millis, pkt: Pkt<'_>, learns: bool) -> Result<(), DropReason> {
        let key = pkt.key;
        if pkt.som && key.to && learns {
            self.learn_neighbour(key.net, key.src, pkt.bus, pkt.phys);
        }
        // A response must answer an owned tag (Linux: no key → drop;
        // libmctp delivers it: `Config::deliver_unmatched_responses`).
        if pkt.som
            && !key.to
            && !self.cfg.deliver_unmatched_responses
            && self
                .tags
                .lookup(key.net, key.src, key.dst, key.tag)
                .is_none()
        {
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
        let point_to_point = self.bus_ref(bus).is_some_and(|b| b.p2p);
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
    fn reassemble(&mut self, now: Millis, p: &Pkt<'_>) -> Result<Option<Done>, DropReason> {
        if p.som && p.eom {
            if p.payload.is_empty() {
                return self.dropped(DropReason::EmptySom).map(|_| None);
            }
            if p.payload.len() > self.cfg.max_message_size {
                return self.dropped(DropReason::TooLarge).map(|_| None);
            }
            if self.reasm.any_active() && self.reasm.abort(&p.key, &mut self.pool) {
                self.counters.drop(DropReason::SomRestart);
            }
            let mut data = self.pool.get();
            data.clear();
            data.extend_from_slice(p.payload);
            return Ok(Some(Done {
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

    #[inline]
    fn complete(&mut self, now: Millis, d: Done) -> Result<(), DropReason> {
        let k = d.key;
        let mut msg = Message {
            net: k.net,
            bus: d.bus,
            phys: d.phys,
            src: k.src,
            dst: k.dst,
            tag: k.tag,
            tag_owner: k.to,
            owner: None,
            data: d.data,
        };
        if !k.to {
            let Some(i) = self.tags.lookup(k.net, k.src, k.dst, k.tag) else {
                if self.cfg.deliver_unmatched_responses {
                    return self.push_deliver(msg);
                }
                self.pool.put(msg.data);
                return self.dropped(DropReason::UnexpectedResponse);
            };
            match self.tags.get(i).map(|e| e.holder) {
                Some(Holder::Requester(slot)) => {
                    crate::requester::on_response(self, now, slot, msg);
                    return Ok(());
                }
                Some(Holder::Owner(o)) => msg.owner = Some(o),
                None => {}
            }
            self.tags.answered(i);
        } else if msg.data.first().is_some_and(|&t| t & 0x7F == 0) && self.cfg.control_responder {
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
        let slot = self.deliver.push_slot();
        let old = core::mem::replace(slot, msg);
        if old.data.capacity() > 0 {
            self.pool.put(old.data);
        }
        Ok(())
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
                    let r = if n > self.tx_queue_room_on(eg.bus) {
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
        if !self.queue_forward(eg, raw) {
            return self.dropped(DropReason::ForwardQueueFull);
        }
        self.counters.forwarded_packets += 1;
        Ok(())
    }
}
