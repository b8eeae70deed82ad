//! Stack throughput: fragment + reassemble in memory through two `Stack`s,
//! and serial framing/deframing.
//!
//! `cargo bench -p mctpkit-stack --bench stack`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use mctpkit_stack::*;
use mctpkit_wire::binding::serial;
use std::hint::black_box;

fn pair(mtu: usize) -> (Stack, Stack, u8) {
    let cfg = Config {
        tx_queue_packets: 2048,
        ..Config::default()
    };
    let mut a = Stack::new(cfg.clone());
    a.add_bus(
        BusConfig::new(BindingKind::None, PhysAddr::NONE)
            .eid(8)
            .mtu(mtu),
    );
    a.add_route(Route::endpoint(1, 9, BusId(0), PhysAddr::NONE))
        .unwrap();
    let mut b = Stack::new(cfg);
    b.add_bus(BusConfig::new(BindingKind::None, PhysAddr::NONE).eid(9));
    let t = a.alloc_tag(1, 8, 9).unwrap();
    (a, b, t)
}

fn roundtrip(c: &mut Criterion) {
    let mut g = c.benchmark_group("fragment_reassemble");
    for (name, len) in [("64B", 64usize), ("1KiB", 1024), ("64KiB", 65536)] {
        let (mut a, mut b, t) = pair(64);
        let opts = SendOptions {
            tag: TagMode::Preallocated(t),
            ..SendOptions::request(1, 9)
        };
        let mut m = vec![0x5Au8; len];
        m[0] = 0x7E;
        g.throughput(Throughput::Elements(1));
        g.bench_function(BenchmarkId::new("messages", name), |bench| {
            bench.iter(|| {
                a.send(0, opts, black_box(&m)).unwrap();
                while a
                    .poll_transmit_with(|_, p| {
                        let _ = b.receive(0, BusId(0), PhysAddr::NONE, p);
                    })
                    .is_some()
                {}
                let got = b.poll_deliver().unwrap();
                b.recycle(black_box(got));
            })
        });
    }
    g.finish();
}

fn serial_codec(c: &mut Criterion) {
    let mut g = c.benchmark_group("serial");
    let mut pkt = [0x11u8; 68];
    pkt[..4].copy_from_slice(&[1, 9, 8, 0xC8]);
    let mut frame = [0u8; 160];
    let n = serial::Repr::default()
        .emit_frame(&pkt, &mut frame)
        .unwrap();
    let frame = frame[..n].to_vec();
    g.throughput(Throughput::Elements(1));
    g.bench_function("encode_68B", |bench| {
        let mut out = [0u8; 160];
        bench.iter(|| {
            serial::Repr::default()
                .emit_frame(black_box(&pkt), &mut out)
                .unwrap()
        })
    });
    g.bench_function("deframe_68B", |bench| {
        let mut d = serial::Deframer::new(serial::Options::default());
        bench.iter(|| {
            let mut got = 0;
            for &byte in black_box(&frame[..]) {
                if let Some(serial::Event::Frame(f)) = d.feed(byte) {
                    got += f.packet.len();
                }
            }
            got
        })
    });
    g.finish();
}

criterion_group!(benches, roundtrip, serial_codec);
criterion_main!(benches);
