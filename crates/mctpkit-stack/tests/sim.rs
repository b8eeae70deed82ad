//! Deterministic simulation: a bus owner, a bridge and endpoints behind it
//! on two downstream buses, over lossy links with a virtual clock.
//!
//! ```text
//!   bus A (SMBus)            bus B (SMBus)          bus C (serial)
//!   BO 0x10 ─┬─ E1 0x30      bridge 0x10 ─┬─ E2 0x40   bridge ── E4
//!            └─ bridge 0x20               └─ E3 0x50
//! ```

mod common;
use common::world::*;
use common::NET;
use mctpkit_stack::*;
use std::collections::HashMap;

struct Topo {
    w: World,
    bo: usize,
    br: usize,
    eps: Vec<usize>,
}

fn build(seed: u64) -> Topo {
    let mut w = World::new(seed);
    let sm = |p: u8| BusConfig::new(BindingKind::Smbus, PhysAddr::byte(p));
    let ep_cfg = |uuid: u8| Config {
        uuid: Some([uuid; 16]),
        control_retries: 6,
        ..Config::default()
    };

    let mut bo = Stack::new(Config {
        control_retries: 6,
        ..Config::default()
    });
    bo.add_bus(
        sm(0x10)
            .eid(8)
            .devices(&[PhysAddr::byte(0x20), PhysAddr::byte(0x30)]),
    );
    bo.enable_bus_owner(BusOwnerConfig {
        first: 9,
        setup_attempts: 50,
        ..BusOwnerConfig::default()
    });
    let bo = w.add_node("BO", bo);

    // A bridge: the stack's bridge policy gives it its EID on every bus and,
    // once its pool is allocated, makes it bus owner of buses 1 and 2 with
    // that pool, setting up the devices listed there.
    let mut br = Stack::new(Config {
        control_retries: 6,
        uuid: Some([0xB0; 16]),
        ..Config::bridge(8)
    });
    // Settings the bridge's bus-owner role starts from (the pool replaces
    // the range).
    br.enable_bus_owner(BusOwnerConfig {
        max_pool_size: 0,
        setup_attempts: 50,
        ..BusOwnerConfig::default()
    });
    br.add_bus(sm(0x20));
    br.add_bus(sm(0x10).devices(&[PhysAddr::byte(0x40), PhysAddr::byte(0x50)]));
    br.add_bus(BusConfig::new(BindingKind::Serial, PhysAddr::NONE).devices(&[PhysAddr::NONE]));
    let br = w.add_node("bridge", br);

    let mut eps = Vec::new();
    for (name, phys, kind) in [
        ("E1", 0x30, BindingKind::Smbus),
        ("E2", 0x40, BindingKind::Smbus),
        ("E3", 0x50, BindingKind::Smbus),
        ("E4", 0, BindingKind::Serial),
    ] {
        let mut s = Stack::new(ep_cfg(phys));
        let pa = if kind == BindingKind::Serial {
            PhysAddr::NONE
        } else {
            PhysAddr::byte(phys)
        };
        s.add_bus(BusConfig::new(kind, pa));
        s.register_type(0x7D, &[]);
        eps.push(w.add_node(name, s));
    }
    let m = |node, bus: u8, phys| Member {
        node,
        bus: BusId(bus),
        phys,
    };
    w.add_segment(vec![
        m(bo, 0, PhysAddr::byte(0x10)),
        m(br, 0, PhysAddr::byte(0x20)),
        m(eps[0], 0, PhysAddr::byte(0x30)),
    ]);
    w.add_segment(vec![
        m(br, 1, PhysAddr::byte(0x10)),
        m(eps[1], 0, PhysAddr::byte(0x40)),
        m(eps[2], 0, PhysAddr::byte(0x50)),
    ]);
    w.add_segment(vec![m(br, 2, PhysAddr::NONE), m(eps[3], 0, PhysAddr::NONE)]);
    Topo { w, bo, br, eps }
}

/// Bus-owner enumeration, including the bridge enumerating its own buses
/// from the pool it was given — all by the stacks' bus-owner role, with no
/// application help. Returns the EIDs of E1..E4.
fn enumerate(t: &mut Topo) -> Vec<u8> {
    let (bo, br) = (t.bo, t.br);
    let now = t.w.now;
    assert_eq!(t.w.nodes[bo].enumerate(now, BusId(0)), 2);
    let ready = |s: &Stack| {
        !s.setups().is_empty()
            && s.setups()
                .iter()
                .all(|x| matches!(x.state, SetupState::Ready(_)))
    };
    for _ in 0..200_000 {
        t.w.step();
        for n in 0..t.w.nodes.len() {
            while t.w.nodes[n].poll_event().is_some() {}
        }
        if t.w.nodes[br].setups().len() == 3
            && ready(&t.w.nodes[br])
            && ready(&t.w.nodes[bo])
            && t.w.idle()
        {
            break;
        }
    }
    let info = |s: &Stack, bus: u8, phys: PhysAddr| {
        s.setups()
            .iter()
            .find(|x| x.bus == BusId(bus) && x.phys == phys)
            .and_then(|x| match &x.state {
                SetupState::Ready(i) => Some(i.clone()),
                _ => None,
            })
            .expect("endpoint set up")
    };
    let (bos, brs) = (&t.w.nodes[bo], &t.w.nodes[br]);
    let bridge = info(bos, 0, PhysAddr::byte(0x20));
    assert!(bridge.bridge);
    assert_eq!(bridge.pool.map(|p| p.1), Some(8));
    // The bridge uses its one EID on every bus.
    for b in 0..3 {
        assert_eq!(brs.local_eid(BusId(b)), bridge.eid);
    }
    let eps = [
        info(bos, 0, PhysAddr::byte(0x30)),
        info(brs, 1, PhysAddr::byte(0x40)),
        info(brs, 1, PhysAddr::byte(0x50)),
        info(brs, 2, PhysAddr::NONE),
    ];
    for e in &eps[1..] {
        assert_eq!(e.types, [0x00, 0x7D]);
    }
    eps.iter().map(|e| e.eid).collect()
}

#[test]
fn enumeration_on_clean_links() {
    let mut t = build(1);
    let eids = enumerate(&mut t);
    // The bridge got EID 9 (first setup) and a pool of 8; E2..E4 come from
    // that pool, E1 from the bus owner's own range outside it.
    assert_eq!(t.w.nodes[t.br].local_eid(BusId(0)), 9);
    let (start, size) = t.w.nodes[t.bo].assigned_eids().find(|a| a.1 == 8).unwrap();
    let in_pool = |e: u8| e >= start && e < start + size;
    assert!(!in_pool(eids[0]) && eids[0] != 9);
    let mut down = eids[1..].to_vec();
    down.sort_unstable();
    down.dedup();
    assert_eq!(down.len(), 3);
    assert!(down.iter().all(|&e| in_pool(e)));
    // BO can reach every endpoint, through the bridge for E2..E4.
    for &e in &eids[1..] {
        let r = t.w.nodes[t.bo].resolve(NET, e).unwrap();
        assert_eq!(r.phys, PhysAddr::byte(0x20));
    }
}

fn exchange(seed: u64, impair: Impair, rounds: u32) {
    let mut t = build(seed);
    let eids = enumerate(&mut t);
    t.w.impair = impair;
    let bo = t.bo;
    let mut sent: HashMap<u32, Vec<u8>> = HashMap::new();
    let mut got: HashMap<u32, u32> = HashMap::new();
    let mut id = 0xA500_0000u32;
    for round in 0..rounds {
        // BO → each endpoint, each endpoint → BO (responses are TO=0 and
        // only accepted for live tags, so use requests both ways).
        for (i, &ep) in t.eps.iter().enumerate() {
            let now = t.w.now;
            let chunks = 2 + ((round as usize + i) % 5);
            id += 1;
            let m = data_message(id, chunks, 0);
            if t.w.nodes[bo]
                .send(now, SendOptions::request(NET, eids[i]), &m)
                .is_ok()
            {
                sent.insert(id, m);
            }
            id += 1;
            let m = data_message(id, chunks + 1, 0);
            if t.w.nodes[ep]
                .send(now, SendOptions::request(NET, 8), &m)
                .is_ok()
            {
                sent.insert(id, m);
            }
        }
        for _ in 0..20 {
            t.w.step();
            for n in 0..t.w.nodes.len() {
                while let Some(m) = t.w.nodes[n].poll_deliver() {
                    assert_eq!(m.msg_type(), 0x7D);
                    let mid = u32::from_be_bytes([m.data[1], m.data[2], m.data[3], m.data[4]]);
                    let want = sent.get(&mid).expect("delivered message was sent");
                    assert_eq!(&m.data, want, "corrupted message delivered");
                    *got.entry(mid).or_default() += 1;
                    t.w.nodes[n].recycle(m);
                }
                while t.w.nodes[n].poll_event().is_some() {}
            }
        }
    }
    for _ in 0..10_000 {
        t.w.step();
        for n in 0..t.w.nodes.len() {
            while let Some(m) = t.w.nodes[n].poll_deliver() {
                let mid = u32::from_be_bytes([m.data[1], m.data[2], m.data[3], m.data[4]]);
                assert_eq!(&m.data, &sent[&mid]);
                *got.entry(mid).or_default() += 1;
            }
        }
        if t.w.idle() {
            break;
        }
    }
    let mut lost_touched = 0;
    let mut twice = 0;
    for mid in sent.keys() {
        let n = got.get(mid).copied().unwrap_or(0);
        let touched = t.w.touched.contains_key(mid);
        if !touched {
            assert_eq!(n, 1, "untouched message {mid:#x} delivered exactly once");
        } else if n == 0 {
            lost_touched += 1;
        } else if n > 1 {
            twice += 1;
        }
        assert!(n <= 2);
    }
    // A message may be delivered twice only if a duplicate of each of its
    // packets arrived after the original completed; duplication here is
    // adjacent, so this stays rare and is counted.
    let drops: u64 = t.w.nodes.iter().map(|n| n.counters().total_dropped()).sum();
    if lost_touched > 0 {
        assert!(drops + t.w.stats.lost > 0, "drop counters explain losses");
    }
    if t.w.stats.flipped + t.w.stats.truncated > 0 {
        let integ: u64 =
            t.w.nodes
                .iter()
                .map(|n| {
                    n.counters().dropped(DropReason::BadIntegrity)
                        + n.counters().dropped(DropReason::BadFraming)
                })
                .sum();
        assert!(integ > 0, "corruption caught by PEC/FCS");
    }
    eprintln!(
        "seed {seed}: sent {} delivered {} touched-lost {lost_touched} twice {twice} link {:?}",
        sent.len(),
        got.len(),
        t.w.stats
    );
    for (i, n) in t.w.nodes.iter().enumerate() {
        let d: Vec<_> = n.counters().nonzero_drops().collect();
        eprintln!("  {}: {:?}", t.w.names[i], d);
    }
}

#[test]
fn exchange_on_clean_links() {
    exchange(7, Impair::default(), 20);
}

#[test]
fn exchange_on_lossy_links() {
    let impair = Impair {
        loss: 20,
        dup: 20,
        flip: 20,
        truncate: 10,
        reorder: 20,
    };
    for seed in [1, 2, 3] {
        exchange(seed, impair, 30);
    }
}

#[test]
fn enumeration_survives_lossy_links() {
    let mut t = build(11);
    t.w.impair = Impair {
        loss: 50,
        dup: 20,
        flip: 30,
        truncate: 10,
        reorder: 0,
    };
    let eids = enumerate(&mut t);
    assert_eq!(eids.len(), 4);
}
