//! Shared test helpers.
#![allow(dead_code)]

use mctpkit_stack::*;
use mctpkit_wire::mctp::Repr;

pub const NET: NetworkId = 1;

/// A stack with one SMBus bus at address `phys`, EID `eid`, BTU.
pub fn endpoint(eid: u8, phys: u8, cfg: Config) -> Stack {
    let mut s = Stack::new(cfg);
    s.add_bus(BusConfig::new(BindingKind::Smbus, PhysAddr::byte(phys)).eid(eid));
    s
}

/// Two endpoints, A (EID 8 @0x10) and B (EID 9 @0x20), with routes to each other.
pub fn pair(cfg: Config) -> (Stack, Stack) {
    let mut a = endpoint(8, 0x10, cfg.clone());
    let mut b = endpoint(9, 0x20, cfg);
    a.add_route(Route::endpoint(NET, 9, BusId(0), PhysAddr::byte(0x20)))
        .unwrap();
    b.add_route(Route::endpoint(NET, 8, BusId(0), PhysAddr::byte(0x10)))
        .unwrap();
    (a, b)
}

/// Move every queued packet from `from` to `to` (bus 0), returning how many.
pub fn pump(now: Millis, from: &mut Stack, to: &mut Stack) -> usize {
    let mut n = 0;
    let mut buf = [0u8; 1024];
    let src = from.bus(BusId(0)).unwrap().phys;
    while let Some(t) = from.poll_transmit(&mut buf) {
        let _ = to.receive(now, BusId(0), src, &buf[..t.len]);
        n += 1;
    }
    n
}

/// Collect the queued packets of `s`.
pub fn drain(s: &mut Stack) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    let mut buf = [0u8; 70000];
    while let Some(t) = s.poll_transmit(&mut buf) {
        v.push(buf[..t.len].to_vec());
    }
    v
}

/// A hand-built packet.
#[allow(clippy::too_many_arguments)]
pub fn pkt(
    dst: u8,
    src: u8,
    som: bool,
    eom: bool,
    seq: u8,
    to: bool,
    tag: u8,
    payload: &[u8],
) -> Vec<u8> {
    let mut v = vec![0u8; 4 + payload.len()];
    Repr::new(dst, src, som, eom, seq, to, tag)
        .emit_bytes(&mut v)
        .unwrap();
    v[4..].copy_from_slice(payload);
    v
}

pub fn rx(s: &mut Stack, now: Millis, p: &[u8]) -> Result<(), DropReason> {
    s.receive(now, BusId(0), PhysAddr::byte(0x20), p)
}

/// A message of `len` bytes with type 0x7E and a recognisable pattern.
pub fn message(len: usize, seed: u8) -> Vec<u8> {
    let mut m: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(7).wrapping_add(seed))
        .collect();
    m[0] = 0x7E;
    m
}

/// A deterministic multi-node network with a virtual clock and lossy links.
pub mod world {
    use mctpkit_stack::*;

    /// Link impairments, each a probability in 1/1000 per frame.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Impair {
        pub loss: u32,
        pub dup: u32,
        pub flip: u32,
        pub truncate: u32,
        pub reorder: u32,
    }

    #[derive(Debug, Default, Clone)]
    pub struct LinkStats {
        pub frames: u64,
        pub lost: u64,
        pub duplicated: u64,
        pub flipped: u64,
        pub truncated: u64,
        pub reordered: u64,
    }

    pub struct Member {
        pub node: usize,
        pub bus: BusId,
        pub phys: PhysAddr,
    }

    pub struct World {
        pub now: Millis,
        pub nodes: Vec<Stack>,
        pub names: Vec<String>,
        pub segments: Vec<Vec<Member>>,
        pub impair: Impair,
        pub stats: LinkStats,
        rng: u64,
        flight: Vec<(Millis, u64, usize, BusId, Vec<u8>)>,
        order: u64,
        /// Called for every frame put on a link (before impairment):
        /// (sender node, frame, packet) → marks.
        pub touched: std::collections::HashMap<u32, u32>,
        pub log: Vec<String>,
        pub trace: bool,
    }

    impl World {
        pub fn new(seed: u64) -> Self {
            World {
                now: 0,
                nodes: Vec::new(),
                names: Vec::new(),
                segments: Vec::new(),
                impair: Impair::default(),
                stats: LinkStats::default(),
                rng: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
                flight: Vec::new(),
                order: 0,
                touched: Default::default(),
                log: Vec::new(),
                trace: false,
            }
        }

        pub fn rand(&mut self) -> u64 {
            // xorshift64*
            self.rng ^= self.rng >> 12;
            self.rng ^= self.rng << 25;
            self.rng ^= self.rng >> 27;
            self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn chance(&mut self, per_mille: u32) -> bool {
            per_mille > 0 && (self.rand() % 1000) < u64::from(per_mille)
        }

        pub fn add_node(&mut self, name: &str, s: Stack) -> usize {
            self.nodes.push(s);
            self.names.push(name.into());
            self.nodes.len() - 1
        }

        pub fn add_segment(&mut self, members: Vec<Member>) {
            self.segments.push(members);
        }

        fn segment_of(&self, node: usize, bus: BusId) -> Option<usize> {
            self.segments
                .iter()
                .position(|s| s.iter().any(|m| m.node == node && m.bus == bus))
        }

        /// Message id carried in a data packet (see `data_message`).
        fn packet_id(frame_packet: &[u8]) -> Option<u32> {
            let p = frame_packet.get(4..)?;
            let som = frame_packet.get(3)? & 0x80 != 0;
            let b = if som {
                if p.first()? & 0x7F != 0x7D {
                    return None;
                }
                p.get(1..5)?
            } else {
                p.get(0..4)?
            };
            let id = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            (id >> 24 == 0xA5).then_some(id)
        }

        fn touch(&mut self, pkt: &[u8]) {
            if let Some(id) = Self::packet_id(pkt) {
                *self.touched.entry(id).or_default() += 1;
            }
        }

        /// Move frames from every node onto the links.
        fn transmit(&mut self) {
            let mut buf = vec![0u8; 1024];
            let mut pbuf = vec![0u8; 512];
            for n in 0..self.nodes.len() {
                while self.nodes[n].peek_transmit_len().is_some() {
                    let r = self.nodes[n].poll_transmit_frame(&mut buf);
                    let Some(Ok(t)) = r else { continue };
                    let frame = buf[..t.len].to_vec();
                    let kind = self.nodes[n].bus(t.bus).unwrap().binding;
                    let pkt = match mctpkit_wire::binding::Frame::parse(kind, &frame) {
                        Ok(Some(f)) => {
                            let (_, p) = f.mctp_packet();
                            pbuf[..p.len()].copy_from_slice(p);
                            pbuf[..p.len()].to_vec()
                        }
                        _ => frame.clone(),
                    };
                    let Some(seg) = self.segment_of(n, t.bus) else {
                        continue;
                    };
                    let dest = self.segments[seg]
                        .iter()
                        .find(|m| m.node != n && (m.phys == t.phys || t.phys.as_bytes().is_empty()))
                        .map(|m| (m.node, m.bus));
                    let Some((dn, db)) = dest else { continue };
                    if self.trace {
                        let s = format!(
                            "{:>6} ms {} -> {} {}",
                            self.now,
                            self.names[n],
                            self.names[dn],
                            hex(&pkt)
                        );
                        self.log.push(s);
                    }
                    self.stats.frames += 1;
                    if self.chance(self.impair.loss) {
                        self.stats.lost += 1;
                        self.touch(&pkt);
                        continue;
                    }
                    let mut copies = 1;
                    if self.chance(self.impair.dup) {
                        self.stats.duplicated += 1;
                        self.touch(&pkt);
                        copies = 2;
                    }
                    for _ in 0..copies {
                        let mut f = frame.clone();
                        if self.chance(self.impair.flip) {
                            let bit = (self.rand() % (f.len() as u64 * 8)) as usize;
                            f[bit / 8] ^= 1 << (bit % 8);
                            self.stats.flipped += 1;
                            self.touch(&pkt);
                        }
                        if self.chance(self.impair.truncate) && f.len() > 1 {
                            let keep = (self.rand() % (f.len() as u64 - 1)) as usize + 1;
                            f.truncate(keep);
                            self.stats.truncated += 1;
                            self.touch(&pkt);
                        }
                        let mut at = self.now + 1;
                        if self.chance(self.impair.reorder) {
                            at += 1 + self.rand() % 5;
                            self.stats.reordered += 1;
                            self.touch(&pkt);
                        }
                        self.order += 1;
                        self.flight.push((at, self.order, dn, db, f));
                    }
                }
            }
        }

        /// One millisecond of virtual time.
        pub fn step(&mut self) {
            self.transmit();
            self.now += 1;
            self.flight.sort_by_key(|f| (f.0, f.1));
            let due: Vec<_> = {
                let k = self.flight.partition_point(|f| f.0 <= self.now);
                self.flight.drain(..k).collect()
            };
            for (_, _, n, bus, f) in due {
                let _ = self.nodes[n].receive_frame(self.now, bus, &f);
            }
            for s in &mut self.nodes {
                if s.poll_timeout().is_some_and(|t| t <= self.now) {
                    s.handle_timeout(self.now);
                }
            }
        }

        pub fn idle(&self) -> bool {
            self.flight.is_empty() && self.nodes.iter().all(|n| n.tx_queue_len() == 0)
        }
    }

    pub fn hex(b: &[u8]) -> String {
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A data message of `chunks` × 64 bytes, type 0x7D, with the id at the
    /// start of every 64-byte chunk so the link can tell which message a
    /// packet belongs to.
    pub fn data_message(id: u32, chunks: usize, extra: usize) -> Vec<u8> {
        let mut m = Vec::new();
        for c in 0..chunks {
            let mut chunk = vec![0u8; 64];
            let off = if c == 0 { 1 } else { 0 };
            if c == 0 {
                chunk[0] = 0x7D;
            }
            chunk[off..off + 4].copy_from_slice(&id.to_be_bytes());
            for (i, b) in chunk.iter_mut().enumerate().skip(off + 4) {
                *b = (i as u8) ^ (id as u8) ^ (c as u8);
            }
            m.extend_from_slice(&chunk);
        }
        m.extend((0..extra).map(|i| i as u8 ^ 0x55));
        m
    }
}
