//! Stack throughput: fragment + reassemble in memory through two `Stack`s
//! (stack A's `send` + `poll_transmit_with_on` feeding stack B's `receive`,
//! then B's `poll_deliver` + `recycle`), and serial framing/deframing.
//!
//! `cargo bench -p mctpkit-stack --bench stack -- --warm-up-time 1 --measurement-time 3`
//!
//! # Instruction counts
//!
//! Wall-clock numbers are noisy on a shared machine; the stable metric is
//! instructions per packet under callgrind. With `MCTPKIT_COUNT=<case>:<n>`
//! set, the binary skips criterion and runs `n` iterations of one case
//! (`1k`, `64b`, `64k`, each also `-owned`; `serial`), so
//!
//! ```text
//! cargo bench -p mctpkit-stack --bench stack --no-run
//! B=$(ls -t target/release/deps/stack-* | grep -v '\.d$' | head -1)
//! for n in 1000 2000; do MCTPKIT_COUNT=1k:$n valgrind --tool=callgrind \
//!     --callgrind-out-file=cg.$n $B; done
//! ```
//!
//! and (Ir(2000) − Ir(1000)) / (1000 × packets per message) is the cost per
//! packet with the setup cancelled out.

use criterion::{BenchmarkId, Criterion, Throughput};
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
    let t = a.alloc_tag(1, 8, 9, Owner::APP).unwrap();
    (a, b, t)
}

/// One message from `a` to `b`: fragment, hand every packet over,
/// reassemble, deliver (by reference, as a daemon copying it into a client
/// socket does; `owned`: as an owned `Message`, then recycled). Returns the
/// delivered length.
fn one_message(a: &mut Stack, b: &mut Stack, opts: SendOptions, m: &[u8], owned: bool) -> usize {
    a.send(0, opts, m).unwrap();
    // The bus's own queue, as a daemon's per-bus writer drains it.
    while a
        .poll_transmit_with_on(BusId(0), |_, p| {
            let _ = b.receive(0, BusId(0), PhysAddr::NONE, p);
        })
        .is_some()
    {}
    if owned {
        let got = b.poll_deliver().unwrap();
        let n = got.data.len();
        b.recycle(got);
        n
    } else {
        b.poll_deliver_with(|got| got.data.len()).unwrap()
    }
}

fn message(len: usize) -> Vec<u8> {
    let mut m = vec![0x5Au8; len];
    m[0] = 0x7E;
    m
}

fn roundtrip(c: &mut Criterion) {
    let mut g = c.benchmark_group("fragment_reassemble");
    for (name, len) in [("64B", 64usize), ("1KiB", 1024), ("64KiB", 65536)] {
        let (mut a, mut b, t) = pair(64);
        let opts = SendOptions {
            tag: TagMode::Preallocated(t),
            ..SendOptions::request(1, 9)
        };
        let m = message(len);
        g.throughput(Throughput::Elements(1));
        g.bench_function(BenchmarkId::new("messages", name), |bench| {
            bench.iter(|| one_message(&mut a, &mut b, opts, black_box(&m), false))
        });
        g.bench_function(BenchmarkId::new("messages_owned", name), |bench| {
            bench.iter(|| one_message(&mut a, &mut b, opts, black_box(&m), true))
        });
    }
    g.finish();
}

/// A 68-byte packet (BTU payload + header) as the serial benches use it:
/// one flag byte in the payload so the escape path is exercised.
fn serial_packet() -> [u8; 68] {
    let mut pkt = [0x11u8; 68];
    pkt[..4].copy_from_slice(&[1, 9, 8, 0xC8]);
    pkt[10] = serial::FLAG;
    pkt
}

/// Frame `pkt` and deframe it again; returns the packet length seen.
fn frame_deframe(d: &mut serial::Deframer, pkt: &[u8], out: &mut [u8]) -> usize {
    let n = serial::Repr::default().emit_frame(pkt, out).unwrap();
    let mut got = 0;
    let mut p = d.push(&out[..n]);
    while let Some(e) = p.next_event() {
        if let serial::Event::Frame(f) = e {
            got += f.packet.len();
        }
    }
    got
}

fn serial_codec(c: &mut Criterion) {
    let mut g = c.benchmark_group("serial");
    let pkt = serial_packet();
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
            let mut p = d.push(black_box(&frame[..]));
            while let Some(e) = p.next_event() {
                if let serial::Event::Frame(f) = e {
                    got += f.packet.len();
                }
            }
            got
        })
    });
    g.bench_function("deframe_68B_bytewise", |bench| {
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
    // Frame + deframe one 68-byte packet: the issue's frames/s figure.
    g.bench_function("frames_per_sec", |bench| {
        let mut d = serial::Deframer::new(serial::Options::default());
        let mut out = [0u8; 160];
        bench.iter(|| frame_deframe(&mut d, black_box(&pkt), &mut out))
    });
    g.finish();
}

/// `MCTPKIT_COUNT=<case>:<n>`: run `n` iterations of one case, no criterion.
fn count_mode(spec: &str) {
    let (case, n) = spec.split_once(':').unwrap_or((spec, "1000"));
    let n: usize = n.parse().expect("MCTPKIT_COUNT=<case>:<iterations>");
    let mut total = 0usize;
    match case {
        "serial" => {
            let pkt = serial_packet();
            let mut d = serial::Deframer::new(serial::Options::default());
            let mut out = [0u8; 160];
            for _ in 0..n {
                total += frame_deframe(&mut d, black_box(&pkt), &mut out);
            }
        }
        _ => {
            let (base, owned) = match case.strip_suffix("-owned") {
                Some(b) => (b, true),
                None => (case, false),
            };
            let len = match base {
                "64b" => 64,
                "1k" => 1024,
                "64k" => 65536,
                other => panic!("unknown case {other}"),
            };
            let (mut a, mut b, t) = pair(64);
            let opts = SendOptions {
                tag: TagMode::Preallocated(t),
                ..SendOptions::request(1, 9)
            };
            let m = message(len);
            for _ in 0..n {
                total += one_message(&mut a, &mut b, opts, black_box(&m), owned);
            }
        }
    }
    println!("{case} x {n}: {total} bytes");
}

fn main() {
    if let Ok(spec) = std::env::var("MCTPKIT_COUNT") {
        count_mode(&spec);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    roundtrip(&mut c);
    serial_codec(&mut c);
    c.final_summary();
}
