//! A deterministic multi-node world for simulations: [`Stack`]s joined by
//! links (one per bus segment) with a virtual millisecond clock and
//! seeded impairments (loss, duplication, bit flips, truncation, reorder).
//!
//! It is what `mctpkit simulate` runs and what the crate's own simulation
//! tests were built on. Nothing here reads a real clock or does I/O; the
//! same topology and seeds always give the same packets at the same
//! virtual times.
//!
//! Each step ([`World::step`]) moves every queued frame of every node onto
//! its link (framed by the bus's binding, so PEC/FCS are computed and a
//! flipped bit is caught by the receiver's integrity check), reports it to
//! an observer as a [`Transmission`] (the bare MCTP packet as sent, before
//! impairment — what a sniffer next to the sender would see), applies the
//! link's impairments, delivers frames due at the new time and runs the
//! stacks' timers.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::{BindingKind, BusId, Millis, PhysAddr, Stack};

/// Per-frame impairment probabilities (0.0 ..= 1.0) of a link.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Impairment {
    /// The frame is lost.
    pub loss: f64,
    /// The frame arrives twice.
    pub duplicate: f64,
    /// One random bit of the frame (framing included) is inverted.
    pub bit_flip: f64,
    /// The frame is cut short.
    pub truncate: f64,
    /// The frame is delayed by 1..=5 ms, so later frames overtake it.
    pub reorder: f64,
}

/// What happened on a link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    pub frames: u64,
    pub lost: u64,
    pub duplicated: u64,
    pub flipped: u64,
    pub truncated: u64,
    pub reordered: u64,
    /// Frames whose destination address has no member on the link.
    pub unroutable: u64,
}

/// A node's attachment to a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub node: usize,
    /// The node's bus (interface) on this link.
    pub bus: BusId,
    /// Its physical address on the link (empty for point-to-point bindings).
    pub phys: PhysAddr,
}

/// A bus segment shared by its members.
#[derive(Debug, Clone)]
pub struct Link {
    pub name: String,
    pub binding: BindingKind,
    pub impair: Impairment,
    pub members: Vec<Member>,
    pub stats: LinkStats,
    rng: u64,
}

impl Link {
    /// xorshift64*: small, fast, and the same everywhere.
    fn rand(&mut self) -> u64 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        // 53 random bits as a fraction in [0, 1).
        let x = (self.rand() >> 11) as f64 / (1u64 << 53) as f64;
        x < p
    }
}

/// A named stack in the world.
#[derive(Debug)]
pub struct Node {
    pub name: String,
    pub stack: Stack,
}

/// One packet put on a link, as reported to the observer of
/// [`World::step`].
#[derive(Debug, Clone, Copy)]
pub struct Transmission<'a> {
    /// Virtual time of transmission.
    pub at: Millis,
    pub link: usize,
    /// Sending node.
    pub from: usize,
    /// Receiving node, if the destination address is on the link.
    pub to: Option<usize>,
    /// The bare MCTP packet (transport header first), before impairment.
    pub packet: &'a [u8],
    /// Sent by a bridge on behalf of another endpoint (its source EID is
    /// not the sender's own): the same packet was already seen on the
    /// previous link.
    pub forwarded: bool,
}

#[derive(Debug)]
struct InFlight {
    at: Millis,
    order: u64,
    node: usize,
    bus: BusId,
    frame: Vec<u8>,
}

/// Nodes, links and the frames in flight between them.
#[derive(Debug, Default)]
pub struct World {
    /// Virtual time in milliseconds.
    pub now: Millis,
    pub nodes: Vec<Node>,
    pub links: Vec<Link>,
    flight: Vec<InFlight>,
    order: u64,
    frame_buf: Vec<u8>,
}

impl World {
    /// An empty world at time 0.
    pub fn new() -> Self {
        World {
            frame_buf: vec![0u8; 2 * 65_536 + 16],
            ..World::default()
        }
    }

    /// Add a node; returns its index.
    pub fn add_node(&mut self, name: &str, stack: Stack) -> usize {
        self.nodes.push(Node {
            name: name.into(),
            stack,
        });
        self.nodes.len() - 1
    }

    /// Add a link with its own impairment generator; returns its index.
    pub fn add_link(
        &mut self,
        name: &str,
        binding: BindingKind,
        impair: Impairment,
        seed: u64,
    ) -> usize {
        self.links.push(Link {
            name: name.into(),
            binding,
            impair,
            members: Vec::new(),
            stats: LinkStats::default(),
            // Never zero (xorshift's fixed point).
            rng: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        });
        self.links.len() - 1
    }

    /// Attach `node`'s `bus` to `link` at physical address `phys`.
    pub fn attach(&mut self, link: usize, node: usize, bus: BusId, phys: PhysAddr) {
        if let Some(l) = self.links.get_mut(link) {
            l.members.push(Member { node, bus, phys });
        }
    }

    /// The link a node's bus is attached to.
    pub fn link_of(&self, node: usize, bus: BusId) -> Option<usize> {
        self.links
            .iter()
            .position(|l| l.members.iter().any(|m| m.node == node && m.bus == bus))
    }

    /// Nothing in flight and nothing queued.
    pub fn idle(&self) -> bool {
        self.flight.is_empty() && self.nodes.iter().all(|n| n.stack.tx_queue_len() == 0)
    }

    /// One millisecond of virtual time; `observe` sees every packet put on
    /// a link.
    pub fn step(&mut self, observe: &mut dyn FnMut(&Transmission<'_>)) {
        self.transmit(observe);
        self.now += 1;
        self.flight.sort_by_key(|f| (f.at, f.order));
        let due = self.flight.partition_point(|f| f.at <= self.now);
        let now = self.now;
        for f in self.flight.drain(..due) {
            if let Some(n) = self.nodes.get_mut(f.node) {
                // A drop is counted by the stack itself.
                let _ = n.stack.receive_frame(now, f.bus, &f.frame);
            }
        }
        for n in &mut self.nodes {
            if n.stack.poll_timeout().is_some_and(|t| t <= now) {
                n.stack.handle_timeout(now);
            }
        }
    }

    fn transmit(&mut self, observe: &mut dyn FnMut(&Transmission<'_>)) {
        let mut buf = core::mem::take(&mut self.frame_buf);
        if buf.is_empty() {
            buf = vec![0u8; 2 * 65_536 + 16];
        }
        for n in 0..self.nodes.len() {
            while let Some(need) = self.nodes[n].stack.peek_transmit_len() {
                if buf.len() < 2 * need + 16 {
                    buf.resize(2 * need + 16, 0);
                }
                let t = match self.nodes[n].stack.poll_transmit_frame(&mut buf) {
                    Some(Ok(t)) => t,
                    Some(Err(_)) => continue,
                    None => break,
                };
                let frame = &buf[..t.len];
                let stack = &self.nodes[n].stack;
                let Some(bus) = stack.bus(t.bus) else {
                    continue;
                };
                let (kind, net) = (bus.binding, bus.net);
                // The bare packet (a copy: serial escaping may have split it).
                let packet: Vec<u8> = match mctpkit_wire::binding::Frame::parse(kind, frame) {
                    Ok(Some(f)) => f.mctp_packet().1.to_vec(),
                    _ => frame.to_vec(),
                };
                let src = packet.get(2).copied().unwrap_or(0);
                let forwarded = stack.config().forwarding && src != 0 && !stack.is_local(net, src);
                let Some(li) = self.link_of(n, t.bus) else {
                    continue;
                };
                let link = &self.links[li];
                let dest = link
                    .members
                    .iter()
                    .find(|m| m.node != n && (m.phys == t.phys || t.phys.as_bytes().is_empty()))
                    .copied();
                observe(&Transmission {
                    at: self.now,
                    link: li,
                    from: n,
                    to: dest.map(|m| m.node),
                    packet: &packet,
                    forwarded,
                });
                let frame = frame.to_vec();
                self.impair_and_queue(li, dest, frame);
            }
        }
        self.frame_buf = buf;
    }

    fn impair_and_queue(&mut self, li: usize, dest: Option<Member>, frame: Vec<u8>) {
        let now = self.now;
        let link = &mut self.links[li];
        link.stats.frames += 1;
        let Some(dest) = dest else {
            link.stats.unroutable += 1;
            return;
        };
        let imp = link.impair;
        if link.chance(imp.loss) {
            link.stats.lost += 1;
            return;
        }
        let copies = if link.chance(imp.duplicate) {
            link.stats.duplicated += 1;
            2
        } else {
            1
        };
        for _ in 0..copies {
            let mut f = frame.clone();
            if !f.is_empty() && link.chance(imp.bit_flip) {
                let bit = (link.rand() % (f.len() as u64 * 8)) as usize;
                f[bit / 8] ^= 1 << (bit % 8);
                link.stats.flipped += 1;
            }
            if f.len() > 1 && link.chance(imp.truncate) {
                let keep = (link.rand() % (f.len() as u64 - 1)) as usize + 1;
                f.truncate(keep);
                link.stats.truncated += 1;
            }
            let mut at = now + 1;
            if link.chance(imp.reorder) {
                at += 1 + link.rand() % 5;
                link.stats.reordered += 1;
            }
            self.order += 1;
            self.flight.push(InFlight {
                at,
                order: self.order,
                node: dest.node,
                bus: dest.bus,
                frame: f,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BusConfig, Config, SendOptions};

    #[test]
    fn two_nodes_exchange_and_loss_is_counted() {
        let mut w = World::new();
        let mut a = Stack::new(Config::default());
        a.add_bus(BusConfig::new(BindingKind::Smbus, PhysAddr::byte(0x10)).eid(8));
        a.add_route(crate::Route::endpoint(1, 9, BusId(0), PhysAddr::byte(0x20)))
            .unwrap();
        let mut b = Stack::new(Config::default());
        b.add_bus(BusConfig::new(BindingKind::Smbus, PhysAddr::byte(0x20)).eid(9));
        b.register_type(0x7E, &[]);
        let a = w.add_node("a", a);
        let b = w.add_node("b", b);
        let l = w.add_link("bus", BindingKind::Smbus, Impairment::default(), 1);
        w.attach(l, a, BusId(0), PhysAddr::byte(0x10));
        w.attach(l, b, BusId(0), PhysAddr::byte(0x20));
        let msg = [0x7E, 1, 2, 3];
        w.nodes[a]
            .stack
            .send(0, SendOptions::request(1, 9), &msg)
            .unwrap();
        let mut seen = Vec::new();
        for _ in 0..5 {
            w.step(&mut |t| seen.push((t.from, t.to, t.packet.to_vec(), t.forwarded)));
        }
        assert_eq!(
            seen,
            vec![(a, Some(b), vec![1, 9, 8, 0xC8, 0x7E, 1, 2, 3], false)]
        );
        let m = w.nodes[b].stack.poll_deliver().unwrap();
        assert_eq!(m.data, msg);
        assert!(w.idle());

        w.links[l].impair.loss = 1.0;
        w.nodes[a]
            .stack
            .send(w.now, SendOptions::request(1, 9), &msg)
            .unwrap();
        for _ in 0..5 {
            w.step(&mut |_| {});
        }
        assert_eq!(w.links[l].stats.lost, 1);
        assert!(w.nodes[b].stack.poll_deliver().is_none());

        // A flipped bit is caught by the receiver's PEC, never delivered.
        w.links[l].impair = Impairment {
            bit_flip: 1.0,
            ..Impairment::default()
        };
        w.nodes[a]
            .stack
            .send(w.now, SendOptions::request(1, 9), &msg)
            .unwrap();
        for _ in 0..5 {
            w.step(&mut |_| {});
        }
        assert_eq!(w.links[l].stats.flipped, 1);
        assert!(w.nodes[b].stack.poll_deliver().is_none());
        let c = w.nodes[b].stack.counters();
        assert_eq!(
            c.dropped(crate::DropReason::BadIntegrity) + c.dropped(crate::DropReason::BadFraming),
            1
        );
    }
}
