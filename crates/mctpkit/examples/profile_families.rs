//! Profiling driver for the families benchmark: dissects and summarises
//! every packet of `samples/families.pcap` N times (default 200), then
//! decodes + summarises every reassembled message N times.
//!
//! `cargo build --release -p mctpkit --example profile_families &&
//!  valgrind --tool=callgrind target/release/examples/profile_families 200`
//!
//! Callgrind's instruction counts are the stable metric on a shared
//! machine; divide by N × packets (or messages).

use mctpkit::analyze::{Analyzer, AnalyzerOptions, MessageEvent, Sink};
use mctpkit::capture::{Capture, CaptureOptions};
use mctpkit::{dissect, render};
use std::hint::black_box;

struct Messages(Vec<Vec<u8>>);

impl Sink for Messages {
    fn message(&mut self, m: &MessageEvent<'_>) {
        self.0.push(m.bytes.to_vec());
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let mode = args.next().unwrap_or_else(|| "both".into());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/families.pcap");
    let bytes = std::fs::read(&path).expect("samples/families.pcap");
    let cap = Capture::from_bytes_with(bytes, &CaptureOptions::default()).expect("a capture");
    let mut packets = Vec::new();
    let mut a = Analyzer::new(AnalyzerOptions::default());
    let mut msgs = Messages(Vec::new());
    for rec in cap.records() {
        let rec = rec.expect("a record");
        packets.push((rec.binding, rec.data.to_vec()));
        a.push(&rec, &mut msgs);
    }
    a.finish(&mut msgs);
    let mut line = String::with_capacity(1024);
    let mut total = 0usize;
    if mode != "messages" {
        for _ in 0..n {
            for (k, p) in &packets {
                line.clear();
                let d = dissect(*k, black_box(p));
                render::summary(&d, &mut line);
                total += line.len();
            }
        }
    }
    if mode != "packets" {
        for _ in 0..n {
            for m in &msgs.0 {
                line.clear();
                if let Ok(msg) = mctpkit::wire::message::Message::parse(black_box(m)) {
                    let _ = mctpkit::wire::Describe::summary(&msg, &mut line);
                }
                total += line.len();
            }
        }
    }
    println!(
        "{} packets, {} messages, {n} rounds, {total} summary bytes",
        packets.len(),
        msgs.0.len()
    );
}
