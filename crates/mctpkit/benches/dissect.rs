//! Full dissection + one-line summary, packets/s, on a mixed set of packets.
//!
//! `cargo bench -p mctpkit --bench dissect`
//!
//! The `dissect_summary_families` group runs over `samples/families.pcap`
//! (every message family, issue 3 item 10: target ≥ 1,000,000 packets/s on
//! one core): per packet as the `--packets` listing does, and per
//! reassembled message (`Message::parse` + summary), since the families'
//! large messages span several packets.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mctpkit::{dissect, render, BindingKind, Dissection};
use std::hint::black_box;

/// A mix of control requests/responses, fragments and other message types.
fn mix() -> Vec<(BindingKind, Vec<u8>)> {
    let hex = |s: &str| mctpkit::hex::parse_hex(s).unwrap();
    let mut v = vec![
        (
            BindingKind::None,
            hex("01 0b 0a c5 00 00 0a 00 ff 01 01 0a 02 00 04 01 00"),
        ),
        (BindingKind::None, hex("01 00 0a cf 00 91 01 00 1d")),
        (BindingKind::None, hex("01 09 08 c8 00 80 02")),
        (BindingKind::None, hex("01 08 09 c0 00 00 02 00 09 00 00")),
        (
            BindingKind::None,
            hex("01 08 09 c1 00 01 05 00 03 00 01 05"),
        ),
        (
            BindingKind::None,
            hex("01 08 09 c2 00 02 04 00 02 f1 f3 f1 00 f1 f2 ff 00"),
        ),
        (BindingKind::None, hex("01 09 08 c9 01 80 02 00 00")),
    ];
    let mut frag = vec![0x01, 0x09, 0x08, 0x98];
    frag.extend(std::iter::repeat_n(0x5A, 64));
    v.push((BindingKind::None, frag));
    v
}

fn bench(c: &mut Criterion) {
    let pkts = mix();
    let mut g = c.benchmark_group("dissect");
    g.throughput(Throughput::Elements(pkts.len() as u64));
    let mut line = String::with_capacity(512);
    g.bench_function("dissect_only", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (k, p) in &pkts {
                let d = dissect(*k, black_box(p));
                n += d.mctp.is_some() as usize;
            }
            n
        })
    });
    g.bench_function("dissect_summary", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (k, p) in &pkts {
                line.clear();
                let d = dissect(*k, black_box(p));
                render::summary(&d, &mut line);
                n += line.len();
            }
            n
        })
    });
    g.finish();
}

/// The packets of `samples/families.pcap` and its reassembled messages
/// (type byte first), read once outside the timed loops.
/// Packets (binding, bytes) of a capture.
type Packets = Vec<(BindingKind, Vec<u8>)>;

fn families() -> (Packets, Vec<Vec<u8>>) {
    use mctpkit::analyze::{Analyzer, AnalyzerOptions, MessageEvent, Sink};
    use mctpkit::capture::{Capture, CaptureOptions};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/families.pcap");
    let bytes = std::fs::read(&path).expect("samples/families.pcap");
    let cap = Capture::from_bytes_with(bytes, &CaptureOptions::default()).expect("a capture");
    struct Messages(Vec<Vec<u8>>);
    impl Sink for Messages {
        fn message(&mut self, m: &MessageEvent<'_>) {
            self.0.push(m.bytes.to_vec());
        }
    }
    let mut packets = Vec::new();
    let mut a = Analyzer::new(AnalyzerOptions::default());
    let mut msgs = Messages(Vec::new());
    for rec in cap.records() {
        let rec = rec.expect("a record");
        packets.push((rec.binding, rec.data.to_vec()));
        a.push(&rec, &mut msgs);
    }
    a.finish(&mut msgs);
    (packets, msgs.0)
}

/// Dissect and render every packet into the reused `line`; returns the
/// bytes written (so the work is not optimised away).
fn render_all(
    pkts: &Packets,
    line: &mut String,
    render: fn(&Dissection<'_>, &mut String),
) -> usize {
    let mut n = 0usize;
    for (k, p) in pkts {
        line.clear();
        let d = dissect(*k, black_box(p));
        render(&d, line);
        n += line.len();
    }
    n
}

fn bench_families(c: &mut Criterion) {
    let (pkts, msgs) = families();
    let mut line = String::with_capacity(1024);
    let mut g = c.benchmark_group("dissect_summary_families");
    g.throughput(Throughput::Elements(pkts.len() as u64));
    g.bench_function("packets", |b| {
        b.iter(|| render_all(&pkts, &mut line, render::summary))
    });
    g.finish();
    // `decode --json` / `analyze --json --packets`: the JSON writer's cost.
    let mut g = c.benchmark_group("dissect_json_families");
    g.throughput(Throughput::Elements(pkts.len() as u64));
    g.bench_function("packets", |b| {
        b.iter(|| render_all(&pkts, &mut line, render::json))
    });
    g.finish();
    let mut g = c.benchmark_group("message_summary_families");
    g.throughput(Throughput::Elements(msgs.len() as u64));
    g.bench_function("messages", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for m in &msgs {
                line.clear();
                if let Ok(msg) = mctpkit::wire::message::Message::parse(black_box(m)) {
                    let _ = mctpkit::wire::Describe::summary(&msg, &mut line);
                }
                n += line.len();
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench, bench_families);
criterion_main!(benches);
