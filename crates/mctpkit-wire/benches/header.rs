//! Header view cost: what a filter or router pays to look at a packet.
//!
//! `cargo bench -p mctpkit-wire --bench header`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mctpkit_wire::mctp::{Packet, Repr};
use std::hint::black_box;

/// A ring of realistic packets so branch prediction can't memorise one.
fn packets() -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    for i in 0..64u8 {
        let flags = [0xC8, 0xC0, 0x88, 0x18, 0x68, 0xCF][usize::from(i) % 6] | (i & 7);
        let mut p = vec![
            0x01,
            0x08 + (i & 0x0f),
            0x09,
            flags,
            0x00,
            0x80 | (i & 0x1f),
            0x02,
        ];
        p.resize(7 + usize::from(i % 60), 0xA5);
        v.push(p);
    }
    v
}

fn bench(c: &mut Criterion) {
    let pkts = packets();
    let mut g = c.benchmark_group("mctp_header");
    g.throughput(Throughput::Elements(pkts.len() as u64));
    g.bench_function("view_checked_fields", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for p in &pkts {
                let v = Packet::new_checked(black_box(p.as_slice())).unwrap();
                acc = acc
                    .wrapping_add(u32::from(v.dst()))
                    .wrapping_add(u32::from(v.src()))
                    .wrapping_add(u32::from(v.tag()))
                    .wrapping_add(u32::from(v.som()));
            }
            acc
        })
    });
    g.bench_function("repr_parse", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for p in &pkts {
                let r = Repr::parse_bytes(black_box(p.as_slice())).unwrap();
                acc = acc.wrapping_add(u32::from(r.dst) ^ u32::from(r.seq));
            }
            acc
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
