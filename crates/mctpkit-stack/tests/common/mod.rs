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
    a.add_route(Route::endpoint(NET, 9, BusId(0), PhysAddr::byte(0x20))).unwrap();
    b.add_route(Route::endpoint(NET, 8, BusId(0), PhysAddr::byte(0x10))).unwrap();
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
pub fn pkt(dst: u8, src: u8, som: bool, eom: bool, seq: u8, to: bool, tag: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0u8; 4 + payload.len()];
    Repr::new(dst, src, som, eom, seq, to, tag).emit_bytes(&mut v).unwrap();
    v[4..].copy_from_slice(payload);
    v
}

pub fn rx(s: &mut Stack, now: Millis, p: &[u8]) -> Result<(), DropReason> {
    s.receive(now, BusId(0), PhysAddr::byte(0x20), p)
}

/// A message of `len` bytes with type 0x7E and a recognisable pattern.
pub fn message(len: usize, seed: u8) -> Vec<u8> {
    let mut m: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(7).wrapping_add(seed)).collect();
    m[0] = 0x7E;
    m
}
