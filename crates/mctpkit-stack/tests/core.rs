//! One test per rule of mctp-core.md §1–§5 (header, EIDs, units,
//! packetisation, tags, reassembly), plus back-pressure and timers.

mod common;
use common::*;
use mctpkit_stack::*;
use mctpkit_wire::fragment::Fragmenter;
use mctpkit_wire::mctp::Packet;

fn cfg() -> Config {
    Config::default()
}

fn b() -> Stack {
    endpoint(9, 0x20, cfg())
}

// ---- §1 header -----------------------------------------------------------

#[test]
fn version_2_is_dropped() {
    let mut s = b();
    let mut p = pkt(9, 8, true, true, 0, true, 0, &[0x7E, 1]);
    p[0] = 0x02;
    assert_eq!(rx(&mut s, 0, &p), Err(DropReason::BadVersion));
    assert_eq!(s.counters().dropped(DropReason::BadVersion), 1);
    assert!(s.poll_deliver().is_none());
}

#[test]
fn reserved_header_nibble_is_ignored() {
    let mut s = b();
    let mut p = pkt(9, 8, true, true, 0, true, 0, &[0x7E, 1]);
    p[0] = 0xF1;
    assert_eq!(rx(&mut s, 0, &p), Ok(()));
    assert!(s.poll_deliver().is_some());
}

#[test]
fn shorter_than_header_is_dropped() {
    let mut s = b();
    assert_eq!(rx(&mut s, 0, &[1, 9, 8]), Err(DropReason::TooShort));
    assert_eq!(rx(&mut s, 0, &[]), Err(DropReason::TooShort));
}

// ---- §2 EIDs -------------------------------------------------------------

#[test]
fn source_broadcast_is_dropped() {
    let mut s = b();
    let p = pkt(9, 0xFF, true, true, 0, true, 0, &[0x7E]);
    assert_eq!(rx(&mut s, 0, &p), Err(DropReason::SourceBroadcast));
}

#[test]
fn reserved_source_and_destination_are_dropped() {
    let mut s = b();
    for e in 1..8 {
        let p = pkt(9, e, true, true, 0, true, 0, &[0x7E]);
        assert_eq!(rx(&mut s, 0, &p), Err(DropReason::SourceReserved));
        let p = pkt(e, 8, true, true, 0, true, 0, &[0x7E]);
        assert_eq!(rx(&mut s, 0, &p), Err(DropReason::DestinationReserved));
    }
}

#[test]
fn null_source_is_accepted() {
    let mut s = b();
    let p = pkt(9, 0, true, true, 0, true, 3, &[0x7E, 5]);
    assert_eq!(rx(&mut s, 0, &p), Ok(()));
    let m = s.poll_deliver().unwrap();
    assert_eq!((m.src, m.tag, m.tag_owner), (0, 3, true));
}

#[test]
fn null_and_broadcast_destinations_are_accepted() {
    let mut s = b();
    assert_eq!(
        rx(&mut s, 0, &pkt(0, 8, true, true, 0, true, 0, &[0x7E])),
        Ok(())
    );
    assert_eq!(
        rx(&mut s, 0, &pkt(0xFF, 8, true, true, 0, true, 1, &[0x7E])),
        Ok(())
    );
    assert_eq!(s.poll_deliver().unwrap().dst, 0);
    assert_eq!(s.poll_deliver().unwrap().dst, 0xFF);
}

#[test]
fn broadcast_can_be_refused_like_mctp_estack() {
    let mut s = endpoint(
        9,
        0x20,
        Config {
            accept_broadcast: false,
            ..cfg()
        },
    );
    let p = pkt(0xFF, 8, true, true, 0, true, 0, &[0x7E]);
    assert_eq!(rx(&mut s, 0, &p), Err(DropReason::BroadcastRefused));
}

#[test]
fn other_destinations_are_not_for_us() {
    let mut s = b();
    let p = pkt(10, 8, true, true, 0, true, 0, &[0x7E]);
    assert_eq!(rx(&mut s, 0, &p), Err(DropReason::NotForUs));
}

#[test]
fn physically_addressed_request_is_answered_from_our_eid() {
    let mut s = b();
    rx(&mut s, 0, &pkt(0, 8, true, true, 0, true, 2, &[0x7E, 1])).unwrap();
    let req = s.poll_deliver().unwrap();
    s.respond(0, &req, &[0x7E, 2]).unwrap();
    let out = drain(&mut s);
    let p = Packet::new_checked(&out[0][..]).unwrap();
    assert_eq!((p.dst(), p.src(), p.flags()), (8, 9, 0xC2));
}

#[test]
fn reserved_destination_cannot_be_sent_to() {
    let (mut a, _) = pair(cfg());
    assert_eq!(
        a.send(0, SendOptions::request(NET, 3), &[0x7E]),
        Err(SendError::InvalidEid)
    );
}

// ---- §3 units ------------------------------------------------------------

#[test]
fn bus_unit_below_btu_is_raised_to_64() {
    let mut s = Stack::new(cfg());
    let id = s.add_bus(BusConfig::new(BindingKind::Smbus, PhysAddr::byte(1)).mtu(10));
    assert_eq!(s.bus(id).unwrap().mtu, 64);
}

#[test]
fn per_route_unit_is_used() {
    let mut a = endpoint(8, 0x10, cfg());
    a.bus(BusId(0)).unwrap();
    let mut r = Route::endpoint(NET, 9, BusId(0), PhysAddr::byte(0x20));
    r.mtu = Some(128);
    a.add_route(r).unwrap();
    let sent = a
        .send(0, SendOptions::request(NET, 9), &message(256, 0))
        .unwrap();
    assert_eq!(sent.packets, 2);
    let out = drain(&mut a);
    assert_eq!(out[0].len(), 132);
}

// ---- §4 packetisation ----------------------------------------------------

#[test]
fn libmctp_151_byte_example_flags() {
    let (mut a, _) = pair(cfg());
    let sent = a
        .send(0, SendOptions::request(NET, 9), &message(151, 1))
        .unwrap();
    assert_eq!((sent.tag, sent.packets), (0, 3));
    let out = drain(&mut a);
    let flags: Vec<u8> = out.iter().map(|p| p[3]).collect();
    assert_eq!(flags, [0x88, 0x18, 0x68]);
    assert_eq!(out.iter().map(Vec::len).collect::<Vec<_>>(), [68, 68, 27]);
}

#[test]
fn multi_packet_round_trip() {
    let (mut a, mut b) = pair(cfg());
    for len in [1, 2, 63, 64, 65, 128, 1000, 4096, 65536] {
        let m = message(len, len as u8);
        a.send(0, SendOptions::request(NET, 9), &m).unwrap();
        pump(0, &mut a, &mut b);
        let got = b.poll_deliver().unwrap();
        assert_eq!(got.data, m, "len {len}");
        a.drop_tag(NET, 8, 9, got.tag);
    }
}

#[test]
fn type_byte_only_message_is_legal() {
    let (mut a, mut b) = pair(cfg());
    a.send(0, SendOptions::request(NET, 9), &[0x7E]).unwrap();
    pump(0, &mut a, &mut b);
    assert_eq!(b.poll_deliver().unwrap().data, [0x7E]);
    assert_eq!(
        a.send(0, SendOptions::request(NET, 9), &[]),
        Err(SendError::Empty)
    );
}

fn feed_fragments(
    s: &mut Stack,
    m: &[u8],
    first_seq: u8,
    mtu: usize,
) -> Vec<Result<(), DropReason>> {
    let mut f = Fragmenter::new(m, 9, 8, true, 1, mtu, first_seq).unwrap();
    let mut buf = [0u8; 300];
    let mut r = Vec::new();
    while let Some(n) = f.next_into(&mut buf) {
        r.push(rx(s, 0, &buf[..n.unwrap()]));
    }
    r
}

#[test]
fn any_first_sequence_number_and_wrap_3_to_0() {
    for seq in 0..4 {
        let mut s = b();
        let m = message(64 * 6, seq);
        assert!(feed_fragments(&mut s, &m, seq, 64)
            .iter()
            .all(Result::is_ok));
        assert_eq!(s.poll_deliver().unwrap().data, m);
    }
}

#[test]
fn sequence_gap_drops_the_message() {
    let mut s = b();
    let m = message(64 * 3, 0);
    let mut f = Fragmenter::new(&m, 9, 8, true, 1, 64, 0).unwrap();
    let mut buf = [0u8; 100];
    let p: Vec<Vec<u8>> = (0..3)
        .map(|_| {
            let n = f.next_into(&mut buf).unwrap().unwrap();
            buf[..n].to_vec()
        })
        .collect();
    rx(&mut s, 0, &p[0]).unwrap();
    assert_eq!(rx(&mut s, 0, &p[2]), Err(DropReason::BadSequence));
    assert_eq!(rx(&mut s, 0, &p[1]), Err(DropReason::NoContext));
    assert!(s.poll_deliver().is_none());
    assert_eq!(s.active_reassemblies(), 0);
}

#[test]
fn middle_or_eom_without_som_is_dropped() {
    let mut s = b();
    assert_eq!(
        rx(&mut s, 0, &pkt(9, 8, false, false, 1, true, 0, &[0; 64])),
        Err(DropReason::NoContext)
    );
    assert_eq!(
        rx(&mut s, 0, &pkt(9, 8, false, true, 1, true, 0, &[0; 4])),
        Err(DropReason::NoContext)
    );
}

#[test]
fn empty_som_is_dropped() {
    let mut s = b();
    assert_eq!(
        rx(&mut s, 0, &pkt(9, 8, true, false, 0, true, 0, &[])),
        Err(DropReason::EmptySom)
    );
    assert_eq!(
        rx(&mut s, 0, &pkt(9, 8, true, true, 0, true, 0, &[])),
        Err(DropReason::EmptySom)
    );
}

#[test]
fn middle_packet_must_match_som_size() {
    let mut s = b();
    rx(&mut s, 0, &pkt(9, 8, true, false, 0, true, 0, &[0x7E; 64])).unwrap();
    assert_eq!(
        rx(&mut s, 0, &pkt(9, 8, false, false, 1, true, 0, &[0; 32])),
        Err(DropReason::BadMiddleSize)
    );
    // Lax (Linux, mctp-estack) accepts it.
    let mut s = endpoint(
        9,
        0x20,
        Config {
            size_rule: SizeRule::Lax,
            ..cfg()
        },
    );
    rx(&mut s, 0, &pkt(9, 8, true, false, 0, true, 0, &[0x7E; 64])).unwrap();
    rx(&mut s, 0, &pkt(9, 8, false, false, 1, true, 0, &[0; 32])).unwrap();
    rx(&mut s, 0, &pkt(9, 8, false, true, 2, true, 0, &[0; 100])).unwrap();
    assert_eq!(s.poll_deliver().unwrap().data.len(), 196);
}

#[test]
fn eom_larger_than_som_only_refused_in_strict_mode() {
    for (rule, ok) in [(SizeRule::MiddleEqual, true), (SizeRule::Strict, false)] {
        let mut s = endpoint(
            9,
            0x20,
            Config {
                size_rule: rule,
                ..cfg()
            },
        );
        rx(&mut s, 0, &pkt(9, 8, true, false, 0, true, 0, &[0x7E; 64])).unwrap();
        let r = rx(&mut s, 0, &pkt(9, 8, false, true, 1, true, 0, &[0; 65]));
        assert_eq!(r.is_ok(), ok);
        if !ok {
            assert_eq!(r, Err(DropReason::BadEomSize));
        }
    }
}

// ---- §5 reassembly -------------------------------------------------------

#[test]
fn duplicate_packets_are_dropped_and_the_message_survives() {
    let mut s = b();
    let m = message(64 * 3, 4);
    let mut f = Fragmenter::new(&m, 9, 8, true, 1, 64, 2).unwrap();
    let mut buf = [0u8; 100];
    let p: Vec<Vec<u8>> = (0..3)
        .map(|_| {
            let n = f.next_into(&mut buf).unwrap().unwrap();
            buf[..n].to_vec()
        })
        .collect();
    rx(&mut s, 0, &p[0]).unwrap();
    assert_eq!(rx(&mut s, 0, &p[0]), Err(DropReason::Duplicate));
    rx(&mut s, 0, &p[1]).unwrap();
    assert_eq!(rx(&mut s, 0, &p[1]), Err(DropReason::Duplicate));
    rx(&mut s, 0, &p[2]).unwrap();
    assert_eq!(rx(&mut s, 0, &p[2]), Err(DropReason::NoContext));
    assert_eq!(s.poll_deliver().unwrap().data, m);
    assert!(s.poll_deliver().is_none());
    assert_eq!(s.counters().dropped(DropReason::Duplicate), 2);
}

#[test]
fn same_seq_with_different_payload_is_a_sequence_error() {
    let mut s = b();
    rx(&mut s, 0, &pkt(9, 8, true, false, 0, true, 0, &[0x7E; 64])).unwrap();
    rx(&mut s, 0, &pkt(9, 8, false, false, 1, true, 0, &[1; 64])).unwrap();
    assert_eq!(
        rx(&mut s, 0, &pkt(9, 8, false, false, 1, true, 0, &[2; 64])),
        Err(DropReason::BadSequence)
    );
}

#[test]
fn new_som_restarts_the_reassembly() {
    let mut s = b();
    rx(&mut s, 0, &pkt(9, 8, true, false, 0, true, 0, &[0x7E; 64])).unwrap();
    rx(&mut s, 0, &pkt(9, 8, true, false, 2, true, 0, &[0x7F; 64])).unwrap();
    rx(&mut s, 0, &pkt(9, 8, false, true, 3, true, 0, &[1; 3])).unwrap();
    let m = s.poll_deliver().unwrap();
    assert_eq!(m.data[0], 0x7F);
    assert_eq!(m.data.len(), 67);
    assert_eq!(s.counters().dropped(DropReason::SomRestart), 1);
    // A single-packet message with the same key also aborts one.
    rx(&mut s, 0, &pkt(9, 8, true, false, 0, true, 0, &[0x7E; 64])).unwrap();
    rx(&mut s, 0, &pkt(9, 8, true, true, 0, true, 0, &[0x7E; 4])).unwrap();
    assert_eq!(s.poll_deliver().unwrap().data.len(), 4);
    assert_eq!(s.counters().dropped(DropReason::SomRestart), 2);
}

#[test]
fn key_includes_tag_owner_bit() {
    // A request (TO=1) and a response (TO=0) with the same tag value
    // reassemble separately.
    let (mut a, mut b) = pair(cfg());
    let sent = a
        .send(0, SendOptions::request(NET, 9), &message(10, 0))
        .unwrap();
    pump(0, &mut a, &mut b);
    let _req = b.poll_deliver().unwrap();
    // B sends its own request to A (TO=1, tag 0) and A's response to B...
    rx(
        &mut a,
        0,
        &pkt(8, 9, true, false, 0, false, sent.tag, &[0x7E; 64]),
    )
    .unwrap();
    rx(
        &mut a,
        0,
        &pkt(8, 9, true, false, 0, true, sent.tag, &[0x7F; 64]),
    )
    .unwrap();
    rx(&mut a, 0, &pkt(8, 9, false, true, 1, false, sent.tag, &[1])).unwrap();
    rx(&mut a, 0, &pkt(8, 9, false, true, 1, true, sent.tag, &[2])).unwrap();
    let r1 = a.poll_deliver().unwrap();
    let r2 = a.poll_deliver().unwrap();
    assert_eq!((r1.tag_owner, r1.data[0], r1.data[64]), (false, 0x7E, 1));
    assert_eq!((r2.tag_owner, r2.data[0], r2.data[64]), (true, 0x7F, 2));
}

#[test]
fn message_over_maximum_is_dropped() {
    let mut s = endpoint(
        9,
        0x20,
        Config {
            max_message_size: 128,
            ..cfg()
        },
    );
    rx(&mut s, 0, &pkt(9, 8, true, false, 0, true, 0, &[0x7E; 64])).unwrap();
    rx(&mut s, 0, &pkt(9, 8, false, false, 1, true, 0, &[0; 64])).unwrap();
    assert_eq!(
        rx(&mut s, 0, &pkt(9, 8, false, true, 2, true, 0, &[0; 1])),
        Err(DropReason::TooLarge)
    );
    assert_eq!(s.active_reassemblies(), 0);
    let (mut a, _) = pair(Config {
        max_message_size: 128,
        ..cfg()
    });
    assert_eq!(
        a.send(0, SendOptions::request(NET, 9), &message(129, 0)),
        Err(SendError::TooLarge)
    );
}

#[test]
fn incomplete_reassembly_times_out() {
    let mut s = b();
    rx(
        &mut s,
        1000,
        &pkt(9, 8, true, false, 0, true, 0, &[0x7E; 64]),
    )
    .unwrap();
    assert_eq!(s.poll_timeout(), Some(7000));
    s.handle_timeout(6999);
    assert_eq!(s.active_reassemblies(), 1);
    s.handle_timeout(7000);
    assert_eq!(s.active_reassemblies(), 0);
    assert_eq!(s.counters().dropped(DropReason::ReassemblyTimeout), 1);
    assert_eq!(
        rx(&mut s, 7001, &pkt(9, 8, false, true, 1, true, 0, &[0; 3])),
        Err(DropReason::NoContext)
    );
}

#[test]
fn abandoned_contexts_never_block_new_messages() {
    // libmctp's flaw: 16 abandoned SOMs block all multi-packet reception.
    let mut s = b();
    for src in 10..(10 + 16u8) {
        rx(
            &mut s,
            0,
            &pkt(9, src, true, false, 0, true, 0, &[0x7E; 64]),
        )
        .unwrap();
    }
    assert_eq!(s.active_reassemblies(), 16);
    let m = message(200, 9);
    assert!(feed_fragments(&mut s, &m, 0, 64).iter().all(Result::is_ok));
    assert_eq!(s.poll_deliver().unwrap().data, m);
    assert_eq!(s.counters().dropped(DropReason::Evicted), 1);
}

#[test]
fn one_peer_cannot_evict_another_peers_reassembly() {
    // caliptra-mcu-sw #1728: a peer's SOM flood evicts only its own contexts.
    let mut s = b();
    rx(&mut s, 0, &pkt(9, 8, true, false, 0, true, 0, &[0x7E; 64])).unwrap();
    for i in 0..40u8 {
        let tag = i % 8;
        let to = i % 16 < 8;
        rx(
            &mut s,
            1 + u64::from(i),
            &pkt(9, 20, true, false, 0, to, tag, &[0x7F; 64]),
        )
        .ok();
    }
    // Peer 8's reassembly is still there and completes.
    rx(&mut s, 100, &pkt(9, 8, false, true, 1, true, 0, &[1])).unwrap();
    let m = s.poll_deliver().unwrap();
    assert_eq!((m.src, m.data.len()), (8, 65));
}

#[test]
fn context_exhaustion_recovers_after_timeout() {
    let mut s = endpoint(
        9,
        0x20,
        Config {
            reassembly_contexts: 2,
            ..cfg()
        },
    );
    rx(&mut s, 0, &pkt(9, 10, true, false, 0, true, 0, &[0x7E; 64])).unwrap();
    rx(&mut s, 0, &pkt(9, 11, true, false, 0, true, 0, &[0x7E; 64])).unwrap();
    s.handle_timeout(6000);
    assert_eq!(s.active_reassemblies(), 0);
    let m = message(130, 1);
    assert!(feed_fragments(&mut s, &m, 0, 64).iter().all(Result::is_ok));
    assert_eq!(s.poll_deliver().unwrap().data, m);
}

// ---- §5.1 tags -----------------------------------------------------------

#[test]
fn owned_tags_lowest_free_eight_per_peer() {
    let (mut a, _) = pair(cfg());
    a.add_route(Route::endpoint(NET, 10, BusId(0), PhysAddr::byte(0x30)))
        .unwrap();
    for want in 0..8 {
        let s = a.send(0, SendOptions::request(NET, 9), &[0x7E]).unwrap();
        assert_eq!((s.tag, s.tag_owner), (want, true));
    }
    let before = a.tx_queue_len();
    assert_eq!(
        a.send(0, SendOptions::request(NET, 9), &[0x7E]),
        Err(SendError::TagsExhausted)
    );
    assert_eq!(a.tx_queue_len(), before, "nothing queued on error");
    // Another peer has its own 8.
    assert_eq!(
        a.send(0, SendOptions::request(NET, 10), &[0x7E])
            .unwrap()
            .tag,
        0
    );
    // Releasing tag 3 makes it the lowest free.
    a.drop_tag(NET, 8, 9, 3);
    assert_eq!(
        a.send(0, SendOptions::request(NET, 9), &[0x7E])
            .unwrap()
            .tag,
        3
    );
}

#[test]
fn response_reuses_request_tag_with_to_clear_and_frees_it() {
    let (mut a, mut b) = pair(cfg());
    a.send(0, SendOptions::request(NET, 9), &[0x7E, 1]).unwrap();
    let s2 = a.send(0, SendOptions::request(NET, 9), &[0x7E, 2]).unwrap();
    assert_eq!(s2.tag, 1);
    pump(0, &mut a, &mut b);
    b.poll_deliver().unwrap();
    let req = b.poll_deliver().unwrap();
    let r = b.respond(0, &req, &[0x7E, 0x22]).unwrap();
    assert_eq!((r.tag, r.tag_owner), (1, false));
    let out = drain(&mut b);
    assert_eq!(out[0][3], 0xC1);
    a.receive(0, BusId(0), PhysAddr::byte(0x20), &out[0])
        .unwrap();
    let resp = a.poll_deliver().unwrap();
    assert_eq!((resp.tag, resp.tag_owner), (1, false));
    assert_eq!(a.owned_tags(), 1);
    // The same response again matches nothing now.
    assert_eq!(
        a.receive(0, BusId(0), PhysAddr::byte(0x20), &out[0]),
        Err(DropReason::UnexpectedResponse)
    );
}

#[test]
fn unsolicited_response_is_dropped() {
    let mut s = b();
    assert_eq!(
        rx(&mut s, 0, &pkt(9, 8, true, true, 0, false, 4, &[0x7E])),
        Err(DropReason::UnexpectedResponse)
    );
}

#[test]
fn owned_tags_expire_after_six_seconds() {
    let (mut a, _) = pair(cfg());
    for _ in 0..8 {
        a.send(100, SendOptions::request(NET, 9), &[0x7E]).unwrap();
    }
    assert_eq!(a.poll_timeout(), Some(6100));
    a.handle_timeout(6099);
    assert_eq!(a.owned_tags(), 8);
    a.handle_timeout(6100);
    assert_eq!(a.owned_tags(), 0);
    let mut expired = 0;
    while let Some(e) = a.poll_event() {
        assert!(matches!(
            e,
            Event::TagReleased {
                peer: 9,
                local: 8,
                owner: Owner::APP,
                reason: TagRelease::Expired,
                ..
            }
        ));
        expired += 1;
    }
    assert_eq!(expired, 8);
    assert_eq!(
        a.send(6100, SendOptions::request(NET, 9), &[0x7E])
            .unwrap()
            .tag,
        0
    );
}

#[test]
fn tag_expiry_is_configurable() {
    let (mut a, _) = pair(Config {
        tag_expiry: 500,
        ..cfg()
    });
    a.send(0, SendOptions::request(NET, 9), &[0x7E]).unwrap();
    assert_eq!(a.poll_timeout(), Some(500));
}

#[test]
fn preallocated_tags_never_expire_and_serve_many_messages() {
    let (mut a, mut b) = pair(cfg());
    let t = a.alloc_tag(NET, 8, 9, Owner::APP).unwrap();
    let opts = SendOptions {
        tag: TagMode::Preallocated(t),
        ..SendOptions::request(NET, 9)
    };
    for i in 0..3 {
        a.send(0, opts, &[0x7E, i]).unwrap();
    }
    assert_eq!(a.poll_timeout(), None);
    a.handle_timeout(1_000_000);
    assert_eq!(a.owned_tags(), 1);
    pump(0, &mut a, &mut b);
    // Responses on a preallocated tag keep it.
    for _ in 0..3 {
        let req = b.poll_deliver().unwrap();
        assert_eq!(req.tag, t);
        b.respond(0, &req, &[0x7E]).unwrap();
    }
    pump(0, &mut b, &mut a);
    assert_eq!((0..3).filter(|_| a.poll_deliver().is_some()).count(), 3);
    assert!(a.drop_tag(NET, 8, 9, t));
    assert_eq!(a.send(0, opts, &[0x7E]), Err(SendError::TagNotHeld));
}

#[test]
fn response_to_null_eid_request_matches_any_source() {
    // Physical addressing: the peer answers from whatever EID it has.
    let mut a = endpoint(8, 0x10, cfg());
    let s = a
        .send(
            0,
            SendOptions::physical(NET, BusId(0), PhysAddr::byte(0x20)),
            &[0x7E],
        )
        .unwrap();
    assert_eq!(drain(&mut a)[0][1], 0);
    rx(
        &mut a,
        0,
        &pkt(8, 42, true, true, 0, false, s.tag, &[0x7E, 1]),
    )
    .unwrap();
    assert_eq!(a.poll_deliver().unwrap().src, 42);
}

#[test]
fn total_tag_table_is_bounded() {
    let (mut a, _) = pair(Config {
        max_owned_tags: 3,
        ..cfg()
    });
    for _ in 0..3 {
        a.send(0, SendOptions::request(NET, 9), &[0x7E]).unwrap();
    }
    assert_eq!(
        a.send(0, SendOptions::request(NET, 9), &[0x7E]),
        Err(SendError::TagsExhausted)
    );
}

// ---- back-pressure and queues --------------------------------------------

#[test]
fn full_transmit_queue_is_an_error_not_growth() {
    let (mut a, _) = pair(Config {
        tx_queue_packets: 4,
        ..cfg()
    });
    a.send(0, SendOptions::request(NET, 9), &message(64 * 3, 0))
        .unwrap();
    let tags = a.owned_tags();
    assert_eq!(
        a.send(0, SendOptions::request(NET, 9), &message(64 * 2, 0)),
        Err(SendError::QueueFull)
    );
    assert_eq!(a.owned_tags(), tags, "no tag leaked");
    assert_eq!(a.tx_queue_len(), 3);
    drain(&mut a);
    a.send(0, SendOptions::request(NET, 9), &message(64 * 4, 0))
        .unwrap();
}

#[test]
fn full_delivery_queue_drops_and_counts() {
    let mut s = endpoint(
        9,
        0x20,
        Config {
            deliver_queue: 2,
            ..cfg()
        },
    );
    for t in 0..3 {
        let r = rx(&mut s, 0, &pkt(9, 8, true, true, 0, true, t, &[0x7E]));
        assert_eq!(r.is_ok(), t < 2);
    }
    assert_eq!(s.counters().dropped(DropReason::DeliverQueueFull), 1);
}

#[test]
fn no_route_is_an_error() {
    let mut a = endpoint(8, 0x10, cfg());
    assert_eq!(
        a.send(0, SendOptions::request(NET, 50), &[0x7E]),
        Err(SendError::NoRoute)
    );
}

#[test]
fn poll_transmit_with_small_buffer_keeps_the_packet() {
    let (mut a, _) = pair(cfg());
    a.send(0, SendOptions::request(NET, 9), &message(100, 0))
        .unwrap();
    let mut small = [0u8; 10];
    assert!(a.poll_transmit(&mut small).is_none());
    assert_eq!(a.tx_queue_len(), 2);
}

#[test]
fn every_drop_reason_has_a_distinct_name() {
    let mut names: Vec<&str> = DropReason::ALL.iter().map(|r| r.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), DropReason::COUNT);
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
        let mut s = b();
        let _ = rx(&mut s, 0, &data);
        let _ = s.receive_frame(0, BusId(0), &data);
        s.receive_stream(0, BusId(0), &data);
        let _ = s.receive_frame(0, BusId(7), &data);
    }

    #[test]
    fn round_trip_any_length(len in 1usize..3000, mtu in 64usize..300) {
        let mut a = Stack::new(Config::default());
        a.add_bus(BusConfig::new(BindingKind::None, PhysAddr::NONE).eid(8).mtu(mtu));
        a.add_route(Route::endpoint(NET, 9, BusId(0), PhysAddr::NONE)).unwrap();
        let mut b = Stack::new(Config::default());
        b.add_bus(BusConfig::new(BindingKind::None, PhysAddr::NONE).eid(9));
        let m = message(len, 3);
        a.send(0, SendOptions::request(NET, 9), &m).unwrap();
        pump(0, &mut a, &mut b);
        proptest::prop_assert_eq!(b.poll_deliver().unwrap().data, m);
    }
}
