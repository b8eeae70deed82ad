//! Neighbour routes learned from requests (`Config::learn_neighbours`),
//! as libmctp's SMBus binding fills its neighbour table from received
//! TO=1 packets (reference bindings.md §2.3).

mod common;
use common::*;
use mctpkit_stack::*;
use mctpkit_wire::binding::BindingKind;

/// A requester at EID `eid` / SMBus address `addr` that B (EID 9 @0x20)
/// has never heard of, with a route to B only.
fn requester(eid: u8, addr: u8) -> Stack {
    let mut s = endpoint(eid, addr, Config::default());
    s.add_route(Route::endpoint(NET, 9, BusId(0), PhysAddr::byte(0x20)))
        .unwrap();
    s
}

fn request(from: &mut Stack, to: &mut Stack, tag_dst: u8) {
    from.send(0, SendOptions::request(NET, tag_dst), &message(20, 1))
        .unwrap();
    let mut buf = [0u8; 128];
    while let Some(t) = from.poll_transmit_frame(&mut buf) {
        let t = t.unwrap();
        to.receive_frame(0, BusId(0), &buf[..t.len]).unwrap();
    }
}

#[test]
fn a_request_teaches_the_route_back() {
    let mut b = endpoint(9, 0x20, Config::default());
    let mut c = requester(0x30, 0x44);
    assert!(b.resolve(NET, 0x30).is_none());
    request(&mut c, &mut b, 9);
    let r = b.resolve(NET, 0x30).expect("learned");
    assert_eq!((r.bus, r.phys.as_bytes()), (BusId(0), &[0x44][..]));
    assert_eq!(b.counters().learned_neighbours, 1);
    let learned = b.routes().iter().find(|r| r.first == 0x30).unwrap();
    assert!(!learned.static_entry);
    // B can now start its own exchange with the newcomer.
    b.send(0, SendOptions::request(NET, 0x30), &message(10, 2))
        .unwrap();
    // Again: nothing new to learn.
    request(&mut c, &mut b, 9);
    assert_eq!(b.counters().learned_neighbours, 1);
}

#[test]
fn a_moved_device_is_followed_but_static_routes_win() {
    let mut b = endpoint(9, 0x20, Config::default());
    request(&mut requester(0x30, 0x44), &mut b, 9);
    request(&mut requester(0x30, 0x46), &mut b, 9);
    assert_eq!(b.resolve(NET, 0x30).unwrap().phys.as_bytes(), &[0x46]);
    assert_eq!(b.counters().learned_neighbours, 2);

    let mut b = endpoint(9, 0x20, Config::default());
    b.add_route(Route::endpoint(NET, 0x31, BusId(0), PhysAddr::byte(0x50)))
        .unwrap();
    request(&mut requester(0x31, 0x52), &mut b, 9);
    assert_eq!(b.resolve(NET, 0x31).unwrap().phys.as_bytes(), &[0x50]);
    assert_eq!(b.counters().learned_neighbours, 0);
}

#[test]
fn responses_and_unassigned_sources_teach_nothing_and_it_can_be_off() {
    // Source EID 0 (an endpoint without an EID yet) is never learned.
    let mut b = endpoint(9, 0x20, Config::default());
    let mut c = Stack::new(Config::default());
    c.add_bus(BusConfig::new(BindingKind::Smbus, PhysAddr::byte(0x44)));
    c.add_route(Route::endpoint(NET, 9, BusId(0), PhysAddr::byte(0x20)))
        .unwrap();
    let _ = c.send(0, SendOptions::request(NET, 9), &message(8, 3));
    let mut buf = [0u8; 128];
    while let Some(t) = c.poll_transmit_frame(&mut buf) {
        let _ = b.receive_frame(0, BusId(0), &buf[..t.unwrap().len]);
    }
    assert_eq!(b.counters().learned_neighbours, 0);

    let off = Config {
        learn_neighbours: false,
        ..Config::default()
    };
    let mut b = endpoint(9, 0x20, off);
    request(&mut requester(0x30, 0x44), &mut b, 9);
    assert!(b.resolve(NET, 0x30).is_none());
}
