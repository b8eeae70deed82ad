//! The stack shaped for a daemon: per-bus transmit queues, owner cookies on
//! tags and responses, buses removed at run time, the bus-owner set-up
//! retries, and errors that are `std::error::Error`.

mod common;
use common::*;
use mctpkit_stack::*;

/// A stack with an SMBus bus 0 (EID 8 @0x10, a small queue) and a PCIe VDM
/// bus 1 (EID 8), routes to EID 9 on bus 0 and EID 10 on bus 1.
fn two_buses() -> Stack {
    let mut s = Stack::new(Config::default());
    s.add_bus(
        BusConfig::new(BindingKind::Smbus, PhysAddr::byte(0x10))
            .eid(8)
            .tx_queue(32),
    );
    s.add_bus(BusConfig::new(BindingKind::PcieVdm, PhysAddr::new(&[0, 0x08]).unwrap()).eid(8));
    s.add_route(Route::endpoint(NET, 9, BusId(0), PhysAddr::byte(0x20)))
        .unwrap();
    s.add_route(Route::endpoint(
        NET,
        10,
        BusId(1),
        PhysAddr::new(&[0x01, 0x00]).unwrap(),
    ))
    .unwrap();
    s
}

#[test]
fn a_stalled_bus_does_not_delay_another() {
    let mut s = two_buses();
    // Bus 0's device never takes a packet: fill its queue with responses
    // (no tags needed) until it pushes back.
    let msg = message(200, 1); // 4 packets at the 64-byte unit
    let mut queued = 0;
    loop {
        let opts = SendOptions {
            tag: TagMode::Response(1),
            ..SendOptions::request(NET, 9)
        };
        match s.send(0, opts, &msg) {
            Ok(_) => queued += 1,
            Err(e) => {
                assert_eq!(e, SendError::QueueFull);
                break;
            }
        }
    }
    assert_eq!(queued, 8);
    assert_eq!(s.tx_queue_len_on(BusId(0)), 32);
    assert_eq!(s.tx_queue_room_on(BusId(0)), 0);
    // Bus 1 still takes a whole message and hands it out at once.
    assert_eq!(
        s.tx_queue_room_on(BusId(1)),
        Config::default().tx_queue_packets
    );
    let sent = s
        .send(0, SendOptions::request(NET, 10), &message(100, 2))
        .unwrap();
    assert_eq!((sent.bus, sent.packets), (BusId(1), 2));
    assert_eq!(s.transmit_ready().collect::<Vec<_>>(), [BusId(0), BusId(1)]);
    let mut buf = [0u8; 128];
    let t = s.poll_transmit_on(BusId(1), &mut buf).unwrap();
    assert_eq!((t.bus, t.len), (BusId(1), 68));
    assert_eq!(&buf[..4], &[0x01, 10, 8, 0x88 | sent.tag]);
    // The framed variant builds the PCIe VDM TLP from the bus addresses.
    let mut frame = [0u8; 256];
    let t = s
        .poll_transmit_frame_on(BusId(1), &mut frame)
        .unwrap()
        .unwrap();
    // DSP0238: 12 TLP header bytes, the MCTP header as the 4th DW, then
    // the last 36 payload bytes.
    assert_eq!(t.len, 12 + 4 + 36);
    assert_eq!(s.tx_queue_len_on(BusId(1)), 0);
    // Bus 0 is untouched and still full.
    assert_eq!(s.tx_queue_len_on(BusId(0)), 32);
    assert_eq!(s.tx_queue_len(), 32);
}

#[test]
fn a_full_bus_refuses_forwarding_only_to_itself() {
    let mut br = Stack::new(Config {
        forwarding: true,
        ..Config::default()
    });
    br.add_bus(
        BusConfig::new(BindingKind::None, PhysAddr::NONE)
            .eid(20)
            .tx_queue(1),
    );
    br.add_bus(BusConfig::new(BindingKind::None, PhysAddr::NONE).eid(20));
    br.add_bus(BusConfig::new(BindingKind::None, PhysAddr::NONE).eid(20));
    br.add_route(Route::endpoint(NET, 9, BusId(0), PhysAddr::NONE))
        .unwrap();
    br.add_route(Route::endpoint(NET, 10, BusId(1), PhysAddr::NONE))
        .unwrap();
    br.add_route(Route::endpoint(NET, 30, BusId(2), PhysAddr::NONE))
        .unwrap();
    let to9 = pkt(9, 30, true, true, 0, true, 1, &[0x7E, 1]);
    let to10 = pkt(10, 30, true, true, 0, true, 1, &[0x7E, 2]);
    assert_eq!(br.receive(0, BusId(2), PhysAddr::NONE, &to9), Ok(()));
    assert_eq!(
        br.receive(0, BusId(2), PhysAddr::NONE, &to9),
        Err(DropReason::ForwardQueueFull)
    );
    assert_eq!(br.receive(0, BusId(2), PhysAddr::NONE, &to10), Ok(()));
    let mut buf = [0u8; 80];
    let t = br.poll_transmit_on(BusId(1), &mut buf).unwrap();
    assert_eq!(&buf[..t.len], &to10[..]);
}

#[test]
fn a_response_reaches_only_its_tags_owner() {
    let (mut a, mut b) = pair(Config::default());
    let (alice, bob, carol) = (Owner(1), Owner(2), Owner(3));
    let ra = a
        .send(
            0,
            SendOptions::request(NET, 9).owned_by(alice),
            &[0x7E, 0xA],
        )
        .unwrap();
    let rb = a
        .send(0, SendOptions::request(NET, 9).owned_by(bob), &[0x7E, 0xB])
        .unwrap();
    assert_ne!(ra.tag, rb.tag);
    assert_eq!(a.tag_owner(NET, 8, 9, ra.tag), Some(alice));
    assert_eq!(a.tag_owner(NET, 8, 9, rb.tag), Some(bob));
    let pre = a.alloc_tag(NET, 8, 9, carol).unwrap();
    a.send(
        0,
        SendOptions {
            tag: TagMode::Preallocated(pre),
            ..SendOptions::request(NET, 9).owned_by(carol)
        },
        &[0x7E, 0xC],
    )
    .unwrap();
    pump(0, &mut a, &mut b);
    // B answers all three, in reverse order.
    let mut reqs = Vec::new();
    while let Some(m) = b.poll_deliver() {
        assert_eq!(m.owner, None, "requests carry no owner");
        reqs.push(m);
    }
    for r in reqs.iter().rev() {
        b.respond(0, r, &[0x7E, r.data[1] | 0x10]).unwrap();
    }
    pump(0, &mut b, &mut a);
    let mut got = Vec::new();
    while let Some(m) = a.poll_deliver() {
        got.push((m.data[1], m.owner));
    }
    got.sort();
    assert_eq!(
        got,
        [(0x1A, Some(alice)), (0x1B, Some(bob)), (0x1C, Some(carol))]
    );
    // Carol's preallocated tag stays hers; Alice's and Bob's were released.
    assert_eq!(a.tag_owner(NET, 8, 9, pre), Some(carol));
    assert_eq!(a.owned_tags(), 1);
}

#[test]
fn releasing_an_owner_drops_its_late_responses() {
    let (mut a, mut b) = pair(Config::default());
    let gone = Owner(7);
    a.send(0, SendOptions::request(NET, 9).owned_by(gone), &[0x7E])
        .unwrap();
    a.send(0, SendOptions::request(NET, 9).owned_by(Owner(8)), &[0x7E])
        .unwrap();
    pump(0, &mut a, &mut b);
    assert_eq!(a.release_owner(gone), 1);
    assert_eq!(a.owned_tags(), 1);
    while let Some(m) = b.poll_deliver() {
        b.respond(0, &m, &[0x7E, 0x55]).unwrap();
    }
    pump(0, &mut b, &mut a);
    let m = a.poll_deliver().unwrap();
    assert_eq!(m.owner, Some(Owner(8)));
    assert!(a.poll_deliver().is_none());
    assert_eq!(a.counters().dropped(DropReason::UnexpectedResponse), 1);
}

#[test]
fn tag_expiry_and_control_outcomes_name_the_owner() {
    let (mut a, _b) = pair(Config::default());
    a.send(
        100,
        SendOptions::request(NET, 9).owned_by(Owner(42)),
        &[0x7E],
    )
    .unwrap();
    let req = mctpkit_wire::control::builder::get_endpoint_id_request(0).to_vec();
    let h = a
        .control_request(100, SendOptions::request(NET, 9).owned_by(Owner(43)), &req)
        .unwrap();
    a.handle_timeout(6100);
    let mut seen_tag = false;
    let mut seen_req = false;
    while let Some(e) = a.poll_event() {
        match e {
            Event::TagReleased {
                owner,
                reason: TagRelease::Expired,
                ..
            } => {
                assert_eq!(owner, Owner(42));
                seen_tag = true;
            }
            Event::Request(o) if o.response.is_none() && o.handle == h => {
                assert_eq!(o.owner, Owner(43));
                seen_req = true;
            }
            _ => {}
        }
    }
    // The control request needs its retries to run out first.
    for t in [400, 700, 1000] {
        a.handle_timeout(t + 6000);
    }
    while let Some(e) = a.poll_event() {
        if let Event::Request(o) = e {
            assert_eq!(o.owner, Owner(43));
            seen_req = true;
        }
    }
    assert!(seen_tag && seen_req);
}

#[test]
fn removing_a_bus_releases_its_tags_reassemblies_routes_and_queue() {
    let mut s = two_buses();
    // On bus 1: an owned tag (request queued), a control request, a
    // reassembly in progress, a learned route.
    let sent = s
        .send(
            0,
            SendOptions::request(NET, 10).owned_by(Owner(5)),
            &message(150, 3),
        )
        .unwrap();
    assert_eq!(sent.bus, BusId(1));
    let req = mctpkit_wire::control::builder::get_endpoint_id_request(0).to_vec();
    let h = s
        .control_request(0, SendOptions::request(NET, 10), &req)
        .unwrap();
    let som = pkt(8, 11, true, false, 0, true, 2, &message(64, 4));
    let phys11 = PhysAddr::new(&[0x02, 0x00]).unwrap();
    s.receive(0, BusId(1), phys11, &som).unwrap();
    assert_eq!(s.active_reassemblies(), 1);
    assert!(
        s.resolve(NET, 11).is_some_and(|r| r.bus == BusId(1)),
        "learned"
    );
    // And on bus 0, things that must survive.
    let keep = s
        .send(0, SendOptions::request(NET, 9).owned_by(Owner(6)), &[0x7E])
        .unwrap();
    let queued1 = s.tx_queue_len_on(BusId(1));
    assert_eq!(queued1, 4);
    while s.poll_event().is_some() {}

    let cfg = s.remove_bus(BusId(1)).unwrap();
    assert_eq!(cfg.binding, BindingKind::PcieVdm);
    assert!(s.bus(BusId(1)).is_none());
    assert_eq!(s.bus_count(), 1);
    assert_eq!(s.tx_queue_len_on(BusId(1)), 0);
    assert_eq!(s.tx_queue_len(), 1, "bus 0's request stays queued");
    assert_eq!(s.counters().dropped(DropReason::BusRemoved), queued1 as u64);
    assert_eq!(s.active_reassemblies(), 0);
    assert!(s.resolve(NET, 10).is_none());
    assert!(s.resolve(NET, 11).is_none());
    assert!(s.resolve(NET, 9).is_some());
    assert_eq!(s.owned_tags(), 1);
    assert_eq!(s.tag_owner(NET, 8, 9, keep.tag), Some(Owner(6)));
    let mut released = Vec::new();
    let mut outcome = None;
    let mut removed = false;
    while let Some(e) = s.poll_event() {
        match e {
            Event::TagReleased {
                owner,
                reason: TagRelease::BusRemoved,
                peer,
                ..
            } => released.push((owner, peer)),
            Event::Request(o) => outcome = Some(o),
            Event::BusRemoved { bus } => removed = bus == BusId(1),
            _ => {}
        }
    }
    assert_eq!(released, [(Owner(5), 10)]);
    let o = outcome.expect("the control request ended");
    assert_eq!((o.handle, o.response), (h, None));
    assert!(removed);
    // Receiving or sending on the removed bus is refused, not a panic.
    assert_eq!(
        s.receive(0, BusId(1), PhysAddr::NONE, &som),
        Err(DropReason::UnknownBus)
    );
    assert_eq!(
        s.send(
            0,
            SendOptions::physical(NET, BusId(1), PhysAddr::NONE),
            &[0x7E]
        ),
        Err(SendError::UnknownBus)
    );
    // The device comes back: the slot is reused and works.
    let again = s.add_bus(cfg);
    assert_eq!(again, BusId(1));
    s.add_route(Route::endpoint(NET, 10, again, PhysAddr::NONE))
        .unwrap();
    assert_eq!(
        s.send(0, SendOptions::request(NET, 10), &[0x7E])
            .unwrap()
            .bus,
        again
    );
}

/// An endpoint that ignores the first `deaf` packets it gets.
fn setup_with_loss(deaf: usize, attempts: u8) -> (Stack, Stack, usize) {
    let mut bo = endpoint(8, 0x10, Config::default());
    bo.set_devices(BusId(0), &[PhysAddr::byte(0x20)]);
    bo.enable_bus_owner(BusOwnerConfig {
        setup_attempts: attempts,
        ..BusOwnerConfig::default()
    });
    let ep = Stack::new(Config::default());
    let mut ep = ep;
    ep.add_bus(BusConfig::new(BindingKind::Smbus, PhysAddr::byte(0x20)));
    assert_eq!(bo.enumerate(0, BusId(0)), 1);
    let mut ignored = 0;
    let mut buf = [0u8; 256];
    for now in 0..20_000u64 {
        while let Some(t) = bo.poll_transmit(&mut buf) {
            if ignored < deaf {
                ignored += 1;
                continue;
            }
            let _ = ep.receive(now, BusId(0), PhysAddr::byte(0x10), &buf[..t.len]);
        }
        while let Some(t) = ep.poll_transmit(&mut buf) {
            let _ = bo.receive(now, BusId(0), PhysAddr::byte(0x20), &buf[..t.len]);
        }
        if bo.poll_timeout().is_some_and(|d| d <= now) {
            bo.handle_timeout(now);
        }
        if !matches!(bo.setups()[0].state, SetupState::InProgress) {
            break;
        }
    }
    (bo, ep, ignored)
}

#[test]
fn set_up_is_retried_from_the_start() {
    // Every Get Endpoint ID attempt is 3 packets (first try + 2 retries):
    // losing 7 means the flow fails twice and succeeds on its third start.
    let (mut bo, ep, ignored) = setup_with_loss(7, 5);
    assert_eq!(ignored, 7);
    let s = &bo.setups()[0];
    assert_eq!(s.attempts, 3);
    let SetupState::Ready(info) = &s.state else {
        panic!("{:?}", s.state)
    };
    assert_eq!(info.eid, ep.local_eid(BusId(0)));
    let mut failed = 0;
    let mut up = 0;
    while let Some(e) = bo.poll_event() {
        match e {
            Event::EndpointFailed { .. } => failed += 1,
            Event::EndpointSetUp(_) => up += 1,
            _ => {}
        }
    }
    assert_eq!((failed, up), (0, 1), "only the final result is an event");
}

#[test]
fn set_up_gives_up_after_its_attempts() {
    let (mut bo, ep, _) = setup_with_loss(usize::MAX, 2);
    assert_eq!(bo.setups()[0].attempts, 2);
    assert_eq!(
        bo.setups()[0].state,
        SetupState::Failed(SetupFailure::NoResponse)
    );
    assert_eq!(ep.local_eid(BusId(0)), 0);
    let e = std::iter::from_fn(|| bo.poll_event())
        .find(|e| matches!(e, Event::EndpointFailed { .. }))
        .unwrap();
    assert_eq!(
        e,
        Event::EndpointFailed {
            bus: BusId(0),
            phys: PhysAddr::byte(0x20),
            reason: SetupFailure::NoResponse,
            attempts: 2
        }
    );
    assert_eq!(SetupFailure::NoResponse.to_string(), "no response");
}

#[test]
fn errors_are_std_errors() {
    fn is_error<E: std::error::Error + Send + Sync + 'static>(e: E) -> String {
        let b: Box<dyn std::error::Error + Send + Sync> = Box::new(e);
        b.to_string()
    }
    assert_eq!(is_error(SendError::QueueFull), "transmit queue full");
    assert_eq!(is_error(RouteError::Full), "routing table full");
    assert_eq!(is_error(DropReason::BadSequence), "bad_sequence");
    assert_eq!(is_error(SetupFailure::PoolExhausted), "EID pool exhausted");
}
