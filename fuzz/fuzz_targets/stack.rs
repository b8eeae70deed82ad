//! The sans-IO stack driven by an arbitrary sequence of operations on two
//! stacks wired together over an SMBus segment and a serial line (plus
//! extra buses added and removed at run time), checking after every step
//! the invariants that must always hold:
//!
//! * nothing panics;
//! * `tx_queue_len` equals the sum of `tx_queue_len_on` over the buses, and
//!   the any-bus poll hands out a packet whenever one is queued;
//! * each handed-out packet is for a bus that exists (never one removed)
//!   and dequeues exactly one packet;
//! * `owned_tags` never exceeds `max_owned_tags`;
//! * a delivered message is never longer than `max_message_size`, and
//!   never empty.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mctpkit_stack::{
    BindingKind, BusConfig, BusId, BusOwnerConfig, Config, Message, Owner, PhysAddr, Route,
    SendOptions, Stack, TagMode,
};

/// Reads the input a byte at a time; zeros once it runs out.
struct In<'a>(&'a [u8]);
impl In<'_> {
    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from(self.u8()) | (u16::from(self.u8()) << 8)
    }
    fn bytes(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

const SMBUS: usize = 0;
const SERIAL: usize = 1;
const EIDS: [u8; 2] = [8, 9];
const PHYS: [u8; 2] = [0x10, 0x20];

struct Node {
    stack: Stack,
    /// The bus of each link (SMBus, serial), if present.
    links: [Option<BusId>; 2],
    /// Every bus this node currently has.
    buses: Vec<BusId>,
    /// Buses removed and not re-added: no packet may come out for them.
    removed: Vec<BusId>,
    /// Requests delivered, to respond to.
    requests: Vec<Message>,
    max_message_size: usize,
    max_owned_tags: usize,
}

fn bus_config(me: usize, link: usize) -> BusConfig {
    let (kind, phys) = if link == SMBUS {
        (BindingKind::Smbus, PhysAddr::byte(PHYS[me]))
    } else {
        (BindingKind::Serial, PhysAddr::NONE)
    };
    let mut c = BusConfig::new(kind, phys).eid(EIDS[me]);
    if link == SMBUS {
        c = c.devices(&[PhysAddr::byte(PHYS[1 - me]), PhysAddr::byte(0x30)]);
    } else {
        c = c.devices(&[PhysAddr::NONE]);
    }
    c
}

impl Node {
    fn new(me: usize, inp: &mut In<'_>) -> Node {
        let knobs = inp.u8();
        let cfg = Config {
            max_message_size: 64 + usize::from(inp.u8()) * 4,
            reassembly_contexts: 1 + usize::from(knobs & 3),
            max_contexts_per_peer: 1 + usize::from((knobs >> 2) & 1),
            max_owned_tags: 1 + usize::from(inp.u8() & 15),
            tx_queue_packets: 1 + usize::from(inp.u8() & 31),
            deliver_queue: 1 + usize::from((knobs >> 3) & 3),
            deliver_unmatched_responses: knobs & 0x20 != 0,
            forwarding: knobs & 0x40 != 0,
            learn_neighbours: knobs & 0x80 != 0,
            eid_pool_size: inp.u8() & 3,
            reassembly_timeout: 100,
            tag_expiry: 200,
            control_timeout: 50,
            ..Config::default()
        };
        let (max_message_size, max_owned_tags) = (cfg.max_message_size, cfg.max_owned_tags);
        let mut stack = Stack::new(cfg);
        let smbus = stack.add_bus(bus_config(me, SMBUS));
        let serial = stack.add_bus(bus_config(me, SERIAL));
        let peer = EIDS[1 - me];
        let _ = stack.add_route(Route::endpoint(
            1,
            peer,
            smbus,
            PhysAddr::byte(PHYS[1 - me]),
        ));
        let _ = stack.add_route(Route::range(1, 20, 40, serial, PhysAddr::NONE));
        Node {
            stack,
            links: [Some(smbus), Some(serial)],
            buses: vec![smbus, serial],
            removed: Vec::new(),
            requests: Vec::new(),
            max_message_size,
            max_owned_tags,
        }
    }

    fn pick_bus(&self, sel: u8) -> BusId {
        // Mostly a bus that exists; sometimes any id (unknown, removed).
        if sel & 0x80 != 0 || self.buses.is_empty() {
            BusId(sel & 0x7F)
        } else {
            self.buses[usize::from(sel) % self.buses.len()]
        }
    }

    fn check(&self) {
        let s = &self.stack;
        let sum: usize = self.buses.iter().map(|&b| s.tx_queue_len_on(b)).sum();
        assert_eq!(
            s.tx_queue_len(),
            sum,
            "tx_queue_len is not the sum over buses"
        );
        for &b in &self.removed {
            assert_eq!(s.tx_queue_len_on(b), 0, "packets queued on removed {b:?}");
        }
        assert!(s.owned_tags() <= self.max_owned_tags, "owned tags over max");
    }

    fn handed_out(&self, bus: BusId, before: usize) {
        assert!(
            !self.removed.contains(&bus),
            "packet handed out for removed {bus:?}"
        );
        assert!(
            self.buses.contains(&bus),
            "packet handed out for unknown {bus:?}"
        );
        assert_eq!(
            self.stack.tx_queue_len() + 1,
            before,
            "poll dequeued not one packet"
        );
    }

    fn deliver(&mut self) {
        while let Some(m) = self.stack.poll_deliver() {
            assert!(!m.data.is_empty(), "empty message delivered");
            assert!(
                m.data.len() <= self.max_message_size,
                "delivered {} bytes > max_message_size {}",
                m.data.len(),
                self.max_message_size
            );
            if m.tag_owner {
                if self.requests.len() >= 4 {
                    self.requests.remove(0);
                }
                self.requests.push(m);
            } else {
                self.stack.recycle(m);
            }
        }
    }
}

/// Move one packet from `nodes[from]` (bus `bus`, or the oldest of any bus)
/// to the peer over the matching link. Returns whether one was polled.
fn transfer(nodes: &mut [Node; 2], from: usize, bus: Option<BusId>, now: u64) -> bool {
    let mut frame = [0u8; 2 * 300 + 16];
    let before = nodes[from].stack.tx_queue_len();
    let r = match bus {
        Some(b) => nodes[from].stack.poll_transmit_frame_on(b, &mut frame),
        None => nodes[from].stack.poll_transmit_frame(&mut frame),
    };
    let Some(r) = r else {
        if bus.is_none() {
            assert_eq!(before, 0, "poll_transmit found nothing with packets queued");
        }
        return false;
    };
    let t = match r {
        Ok(t) => t,
        Err(_) => return true, // dropped on framing; still dequeued
    };
    nodes[from].handed_out(t.bus, before);
    let link = nodes[from].links.iter().position(|&l| l == Some(t.bus));
    let to = 1 - from;
    match link.and_then(|l| nodes[to].links[l].map(|b| (l, b))) {
        Some((SERIAL, b)) => nodes[to].stack.receive_stream(now, b, &frame[..t.len]),
        Some((_, b)) => {
            // SMBus: only frames addressed to the peer arrive.
            if t.phys == PhysAddr::byte(PHYS[to]) {
                let _ = nodes[to].stack.receive_frame(now, b, &frame[..t.len]);
            }
        }
        None => {}
    }
    true
}

fn drain_events(n: &mut Node) {
    while n.stack.poll_event().is_some() {}
}

fuzz_target!(|data: &[u8]| {
    let mut inp = In(data);
    let mut nodes = [Node::new(0, &mut inp), Node::new(1, &mut inp)];
    let mut now: u64 = 0;
    let mut steps = 0;
    while !inp.is_empty() && steps < 2000 {
        steps += 1;
        let op = inp.u8();
        let me = usize::from(op >> 7);
        let n = &mut nodes[me];
        match op & 0x0F {
            0 => {
                // A bare packet on a bus.
                let bus = n.pick_bus(inp.u8());
                let phys = PhysAddr::byte(inp.u8());
                let len = usize::from(inp.u8());
                let pkt = inp.bytes(len).to_vec();
                let _ = n.stack.receive(now, bus, phys, &pkt);
            }
            1 => {
                let bus = n.pick_bus(inp.u8());
                let len = usize::from(inp.u8());
                let frame = inp.bytes(len).to_vec();
                let _ = n.stack.receive_frame(now, bus, &frame);
            }
            2 => {
                let bus = n.pick_bus(inp.u8());
                let len = usize::from(inp.u8());
                let chunk = inp.bytes(len).to_vec();
                n.stack.receive_stream(now, bus, &chunk);
            }
            3 => {
                // Send: destination, tag mode, owner, optional physical path.
                let sel = inp.u8();
                let dst = match sel & 3 {
                    0 => EIDS[1 - me],
                    1 => 20 + (sel >> 2) % 24,
                    2 => 0,
                    _ => inp.u8(),
                };
                let tag = inp.u8();
                let mode = match tag >> 6 {
                    0 => TagMode::Owned,
                    1 => TagMode::Preallocated(tag & 7),
                    2 => TagMode::Response(tag & 7),
                    _ => TagMode::Unowned(tag & 7),
                };
                let mut opts = SendOptions::request(1, dst).owned_by(Owner(u64::from(sel >> 5)));
                opts.tag = mode;
                if sel & 0x10 != 0 {
                    let bus = n.pick_bus(inp.u8());
                    opts.via = Some((bus, PhysAddr::byte(inp.u8())));
                }
                if sel & 0x08 != 0 {
                    opts.src = Some(inp.u8());
                }
                let len = usize::from(inp.u16() % 1200);
                let mut msg = vec![0u8; len];
                let body = inp.bytes(len.min(8));
                msg[..body.len()].copy_from_slice(body);
                let before = n.stack.tx_queue_len();
                match n.stack.send(now, opts, &msg) {
                    Ok(sent) => {
                        assert!(n.buses.contains(&sent.bus), "sent on unknown bus");
                        assert_eq!(n.stack.tx_queue_len(), before + sent.packets);
                    }
                    Err(_) => assert_eq!(n.stack.tx_queue_len(), before, "failed send queued"),
                }
            }
            4 => {
                let i = usize::from(inp.u8());
                let len = usize::from(inp.u8());
                let mut msg = inp.bytes(len).to_vec();
                if let Some(req) = n.requests.get(i % n.requests.len().max(1)).cloned() {
                    if msg.is_empty() {
                        msg.push(req.data[0] & 0x7F);
                    }
                    let _ = n.stack.respond(now, &req, &msg);
                }
            }
            5 => {
                let bus = n.pick_bus(inp.u8());
                let count = 1 + inp.u8() % 8;
                for _ in 0..count {
                    if !transfer(&mut nodes, me, Some(bus), now) {
                        break;
                    }
                }
            }
            6 => {
                let count = 1 + inp.u8() % 16;
                for _ in 0..count {
                    if !transfer(&mut nodes, me, None, now) {
                        break;
                    }
                }
            }
            7 => {
                n.deliver();
                drain_events(n);
            }
            8 => {
                // Time passes (sometimes a lot, sometimes to the next deadline).
                let sel = inp.u8();
                if sel & 1 == 0 {
                    now += u64::from(sel) * 4;
                } else if let Some(at) = n.stack.poll_timeout() {
                    now = now.max(at);
                } else {
                    now += 1000;
                }
                for x in nodes.iter_mut() {
                    x.stack.handle_timeout(now);
                    if let Some(at) = x.stack.poll_timeout() {
                        assert!(at > now || at == now, "deadline in the past");
                    }
                }
            }
            9 => {
                let sel = inp.u8();
                if sel & 1 == 0 {
                    let bus = n.pick_bus(inp.u8());
                    if n.stack.remove_bus(bus).is_some() {
                        assert!(n.buses.contains(&bus), "removed a bus not known");
                        n.buses.retain(|&b| b != bus);
                        n.removed.push(bus);
                        for l in n.links.iter_mut() {
                            if *l == Some(bus) {
                                *l = None;
                            }
                        }
                    } else {
                        assert!(!n.buses.contains(&bus), "remove_bus refused a bus");
                    }
                } else if n.buses.len() < 80 {
                    // Re-add a missing link, or an extra bus (ids ≥ 64 too).
                    let link = usize::from((sel >> 1) & 1);
                    let cfg = if n.links[link].is_none() {
                        bus_config(me, link)
                    } else {
                        BusConfig::new(BindingKind::Smbus, PhysAddr::byte(sel >> 2))
                            .eid(100 + (sel >> 3))
                            .tx_queue(usize::from(sel & 7))
                    };
                    let is_link = n.links[link].is_none();
                    let id = n.stack.add_bus(cfg);
                    assert!(!n.buses.contains(&id), "add_bus reused a live id");
                    n.buses.push(id);
                    n.removed.retain(|&b| b != id);
                    if is_link {
                        n.links[link] = Some(id);
                        if link == SMBUS {
                            let peer = EIDS[1 - me];
                            let _ = n.stack.add_route(Route::endpoint(
                                1,
                                peer,
                                id,
                                PhysAddr::byte(PHYS[1 - me]),
                            ));
                        }
                    }
                    if sel & 0x80 != 0 {
                        // Many buses at once: reach the ids ≥ 64.
                        for k in 0..16u8 {
                            let id = n.stack.add_bus(
                                BusConfig::new(BindingKind::Smbus, PhysAddr::byte(k)).eid(200 + k),
                            );
                            n.buses.push(id);
                            n.removed.retain(|&b| b != id);
                            let _ = n.stack.add_route(Route::endpoint(
                                1,
                                200 + k,
                                id,
                                PhysAddr::byte(k),
                            ));
                        }
                    }
                }
            }
            10 => {
                let sel = inp.u8();
                let peer = if sel & 1 == 0 { EIDS[1 - me] } else { sel };
                if sel & 2 == 0 {
                    let _ = n
                        .stack
                        .alloc_tag(1, EIDS[me], peer, Owner(u64::from(sel >> 5)));
                } else {
                    n.stack.drop_tag(1, EIDS[me], peer, (sel >> 2) & 7);
                }
            }
            11 => {
                let owner = Owner(u64::from(inp.u8() & 7));
                n.stack.release_owner(owner);
            }
            12 => {
                let sel = inp.u8();
                n.stack.enable_bus_owner(BusOwnerConfig {
                    first: 10 + (sel & 15),
                    last: 10 + (sel & 15) + (sel >> 4),
                    max_pool_size: 3,
                    setup_attempts: 1 + (sel & 1),
                    ..BusOwnerConfig::default()
                });
                let bus = n.pick_bus(inp.u8());
                n.stack.enumerate(now, bus);
            }
            13 => {
                // Pump both ways until quiet (bounded).
                for _ in 0..64 {
                    let a = transfer(&mut nodes, 0, None, now);
                    let b = transfer(&mut nodes, 1, None, now);
                    for x in nodes.iter_mut() {
                        x.deliver();
                        drain_events(x);
                    }
                    if !a && !b {
                        break;
                    }
                }
            }
            14 => {
                let mut buf = [0u8; 64];
                // A buffer too small for the packet leaves it queued.
                let before = n.stack.tx_queue_len();
                if n.stack
                    .poll_transmit(&mut buf[..usize::from(inp.u8() % 64)])
                    .is_some()
                {
                    assert_eq!(n.stack.tx_queue_len() + 1, before);
                }
            }
            _ => {
                let bus = n.pick_bus(inp.u8());
                let eid = inp.u8();
                n.stack.set_local_eids(bus, &[eid]);
            }
        }
        for x in nodes.iter() {
            x.check();
        }
    }
    for x in nodes.iter_mut() {
        x.deliver();
    }
});
