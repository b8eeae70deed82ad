//! The [`Stack`]: state, registration, owned tags and the send path.
//!
//! The receive path is in `receive.rs`, transmit queues in
//! [`crate::transmit`], buses in `bus.rs`.

use alloc::collections::VecDeque;

use crate::ring::Ring;
use alloc::vec::Vec;

use mctpkit_wire::mctp;

use crate::bus::Bus;
use crate::reassembly::{BufPool, Reassembler};
use crate::requester::Requester;
use crate::route::{Resolved, Route, RouteError, Table};
use crate::tags::{Holder, TagTable};
use crate::transmit::Egress;
use crate::types::*;

/// Largest routing table.
const MAX_ROUTES: usize = 256;

/// A sans-IO MCTP stack. See the crate documentation.
#[derive(Debug)]
pub struct Stack {
    pub(crate) cfg: Config,
    /// Bus slots; `None` for a removed bus.
    pub(crate) buses: Vec<Option<Bus>>,
    pub(crate) routes: Table,
    pub(crate) tags: TagTable,
    pub(crate) reasm: Reassembler,
    pub(crate) pool: BufPool,
    /// Packets queued on buses 64 and above (not in `tx_ready`).
    pub(crate) tx_high: usize,
    /// Enqueue counter (oldest-first polling across buses).
    pub(crate) tx_order: u64,
    /// Bit `i` set: bus `i` (< 64) has packets queued.
    pub(crate) tx_ready: u64,
    pub(crate) deliver: Ring<Message>,
    pub(crate) events: VecDeque<Event>,
    pub(crate) counters: Counters,
    /// Message types registered by the application, with versions.
    pub(crate) types: Vec<(u8, Vec<mctpkit_wire::control::VersionEntry>)>,
    /// Vendor-defined message support sets.
    pub(crate) vendor: Vec<(mctpkit_wire::control::VendorId, u16)>,
    pub(crate) req: Requester,
    /// Bridge EID pool received by Allocate Endpoint IDs (start, size).
    pub(crate) pool_alloc: Option<(u8, u8)>,
    /// The last routed egress: (net and dst packed, route-table plus bus
    /// generation) → egress, so a stream of messages to one peer resolves
    /// its route once. The bus generation moves with every bus or local-EID
    /// change, so the cached source EID is never stale.
    pub(crate) egress_cache: Option<(u64, u64, Egress)>,
    /// Bumped when a bus is added or removed (invalidates `egress_cache`).
    pub(crate) bus_generation: u64,
    /// Bridge policy work decided while answering a control request, run
    /// once its response is queued: the upstream bus the pool came on.
    pub(crate) pending_bridge: Option<BusId>,
}

impl Stack {
    /// A stack without buses.
    pub fn new(cfg: Config) -> Self {
        let ctxs = cfg.reassembly_contexts;
        Stack {
            reasm: Reassembler::new(&cfg),
            tags: TagTable::new(cfg.max_owned_tags),
            pool: BufPool::new(ctxs + cfg.deliver_queue + 8),
            tx_high: 0,
            tx_order: 0,
            tx_ready: 0,
            deliver: Ring::new(),
            events: VecDeque::new(),
            counters: Counters::default(),
            routes: Table::new(MAX_ROUTES),
            buses: Vec::new(),
            types: Vec::new(),
            vendor: Vec::new(),
            req: Requester::default(),
            pool_alloc: None,
            pending_bridge: None,
            egress_cache: None,
            bus_generation: 0,
            cfg,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
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

    /// Withdraw a registered message type (a daemon's last client of the
    /// type went away).
    pub fn unregister_type(&mut self, msg_type: u8) {
        let t = msg_type & 0x7F;
        self.types.retain(|(x, _)| *x != t);
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

    // ---------------------------------------------------------------- tags

    /// Preallocate an owned tag for `peer` on behalf of `owner` (Linux
    /// `SIOCMCTPALLOCTAG`): it never expires and is used with
    /// [`TagMode::Preallocated`] until [`Stack::drop_tag`]; responses on it
    /// are delivered with `owner`.
    pub fn alloc_tag(
        &mut self,
        net: NetworkId,
        local: u8,
        peer: u8,
        owner: Owner,
    ) -> Result<u8, SendError> {
        self.tags
            .alloc(net, local, peer, None, Holder::Owner(owner), None)
            .ok_or(SendError::TagsExhausted)
    }

    /// Release a preallocated (or any owned) tag.
    pub fn drop_tag(&mut self, net: NetworkId, local: u8, peer: u8, tag: u8) -> bool {
        self.tags.release(net, local, peer, tag)
    }

    /// The owner of an owned tag, if held.
    pub fn tag_owner(&self, net: NetworkId, local: u8, peer: u8, tag: u8) -> Option<Owner> {
        self.tags.find(net, local, peer, tag & 7).map(|e| e.owner())
    }

    /// Release every tag `owner` holds (a daemon client disconnected);
    /// returns how many. Late responses on them are then dropped as
    /// [`DropReason::UnexpectedResponse`].
    pub fn release_owner(&mut self, owner: Owner) -> usize {
        self.tags.release_holder(Holder::Owner(owner))
    }

    // ------------------------------------------------------------ transmit

    #[inline]
    pub(crate) fn egress_for(&self, net: NetworkId, dst: u8) -> Option<Egress> {
        let r = self.routes.resolve(net, dst)?;
        let b = self.bus_ref(r.bus)?;
        Some(Egress {
            bus: r.bus,
            phys: r.phys,
            mtu: r.mtu.unwrap_or(b.cfg.mtu).max(mctp::BASELINE_MTU),
            src: b.cfg.eids.first().copied().unwrap_or(0),
        })
    }

    /// [`Stack::egress_for`] through the one-entry cache.
    #[inline]
    fn egress_cached(&mut self, net: NetworkId, dst: u8) -> Option<Egress> {
        // Both generations only grow, so their sum changes with either.
        let generation = self.routes.generation() + self.bus_generation;
        let key = (u64::from(net) << 8) | u64::from(dst);
        if let Some((k, g, eg)) = self.egress_cache {
            if k == key && g == generation {
                return Some(eg);
            }
        }
        let eg = self.egress_for(net, dst)?;
        self.egress_cache = Some((key, generation, eg));
        Some(eg)
    }

    fn egress_via(&self, bus: BusId, phys: PhysAddr) -> Option<Egress> {
        let b = self.bus_ref(bus)?;
        Some(Egress {
            bus,
            phys,
            mtu: b.cfg.mtu,
            src: b.cfg.eids.first().copied().unwrap_or(0),
        })
    }

    /// Send a message (type byte first). Fragments at the route's (or bus's)
    /// unit and queues every packet on the egress bus, or queues nothing
    /// and returns an error. An owned tag records `opts.owner`.
    #[inline]
    pub fn send(&mut self, now: Millis, opts: SendOptions, msg: &[u8]) -> Result<Sent, SendError> {
        self.send_inner(now, opts, msg, Holder::Owner(opts.owner))
    }

    #[inline]
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
        if opts.dst.wrapping_sub(1) < 7 {
            return Err(SendError::InvalidEid);
        }
        let eg = match opts.via {
            Some((bus, phys)) => self.egress_via(bus, phys).ok_or(SendError::UnknownBus)?,
            None => self
                .egress_cached(opts.net, opts.dst)
                .ok_or(SendError::NoRoute)?,
        };
        let src = match opts.src {
            Some(s) => s,
            None => eg.src,
        };
        if src == 0xFF || src.wrapping_sub(1) < 7 {
            return Err(SendError::InvalidEid);
        }
        let packets = msg.len().div_ceil(eg.mtu);
        if packets > self.tx_queue_room_on(eg.bus) {
            return Err(SendError::QueueFull);
        }
        let (tag, to) = match opts.tag {
            TagMode::Owned => {
                let expires = match holder {
                    Holder::Owner(_) => Some(now.saturating_add(self.cfg.tag_expiry)),
                    Holder::Requester(_) => None,
                };
                let t = self
                    .tags
                    .alloc(opts.net, src, opts.dst, expires, holder, Some(eg.bus))
                    .ok_or(SendError::TagsExhausted)?;
                (t, true)
            }
            TagMode::Preallocated(t) => {
                if self.tags.find(opts.net, src, opts.dst, t & 7).is_none() {
                    return Err(SendError::TagNotHeld);
                }
                (t & 7, true)
            }
            TagMode::Response(t) => (t & 7, false),
            TagMode::Unowned(t) => (t & 7, true),
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
            src,
            tag: TagMode::Response(request.tag),
            via: Some((request.bus, request.phys)),
            ..SendOptions::request(request.net, request.src)
        };
        self.send_inner(now, opts, msg, Holder::Owner(Owner::APP))
    }

    // ------------------------------------------------------------- deliver

    /// The next reassembled message for the application, owned (hand its
    /// buffer back with [`Stack::recycle`] to keep the stack
    /// allocation-free).
    #[inline]
    pub fn poll_deliver(&mut self) -> Option<Message> {
        let m = self.deliver.front_mut()?;
        let out = Message {
            data: core::mem::take(&mut m.data),
            ..*m
        };
        self.deliver.pop();
        Some(out)
    }

    /// Hand the next reassembled message to `f` by reference and release
    /// it: the zero-copy form of [`Stack::poll_deliver`] for a daemon that
    /// copies the message into a client's socket anyway. The buffer stays
    /// with the stack for the next message (no recycling needed).
    #[inline]
    pub fn poll_deliver_with<R>(&mut self, f: impl FnOnce(&Message) -> R) -> Option<R> {
        let r = f(self.deliver.front()?);
        self.deliver.pop();
        Some(r)
    }

    /// Messages waiting for [`Stack::poll_deliver`].
    pub fn deliver_queue_len(&self) -> usize {
        self.deliver.len()
    }

    /// Hand a delivered message's buffer back to the pool (optional; avoids
    /// one allocation per message in steady state).
    #[inline]
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
        self.tags
            .expire(now, |e| events.push_back(e.released(TagRelease::Expired)));
        crate::requester::handle_timeout(self, now);
    }
}

#[cfg(all(test, feature = "std"))]
mod tx_tests {
    use super::*;
    use crate::bus::BusConfig;
    use mctpkit_wire::binding::BindingKind;
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
