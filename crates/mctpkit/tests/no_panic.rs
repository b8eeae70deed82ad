//! No decoder may panic on any input.
//!
//! Feeds well over a million seeded random and mutated inputs through every
//! binding's dissector, the message decoders and all three renderers (and,
//! as they land, the capture readers and the serial deframer).
//! Each test runs twice: with its fixed seed (the same inputs every run)
//! and with a seed that changes per run (`MCTPKIT_SEED`, decimal or `0x`
//! hex, if set; else from the clock), printed at the start and in the
//! failure message, so any failure reproduces with
//! `MCTPKIT_SEED=<seed> cargo test -p mctpkit --test no_panic`.
//! `MCTPKIT_NO_PANIC_ITERS` scales the run.

use mctpkit::{dissect, render, BindingKind};
use mctpkit_wire::message::Message;

mod common {
    pub mod seeds;
    pub mod strict_json;
}
use common::seeds::seeds;

/// splitmix64: tiny, seeded, good enough to drive mutations.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

/// This run's varying seed: `MCTPKIT_SEED` if set, else from the clock.
fn run_seed() -> u64 {
    match std::env::var("MCTPKIT_SEED") {
        Ok(v) => {
            let v = v.trim();
            let parsed = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
                Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
                None => v.replace('_', "").parse(),
            };
            parsed.unwrap_or_else(|e| panic!("MCTPKIT_SEED={v:?}: {e}"))
        }
        Err(_) => {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            // Nanoseconds mixed with the process id: two runs in the same
            // instant still differ.
            (t.as_nanos() as u64) ^ (u64::from(std::process::id()) << 40)
        }
    }
}

/// Run `body` with the test's fixed seed, then with this run's seed mixed
/// with the fixed one (one printed seed reproduces every test). A failure
/// names the seed and how to rerun it.
fn with_seeds(test: &str, fixed: u64, body: impl Fn(&mut Rng)) {
    let varying = run_seed();
    eprintln!("{test}: fixed seed {fixed:#018x}, MCTPKIT_SEED={varying:#018x}");
    for (what, seed) in [("fixed seed", fixed), ("MCTPKIT_SEED", varying ^ fixed)] {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(&mut Rng(seed))));
        if let Err(e) = r {
            let msg = e
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| e.downcast_ref::<&str>().copied())
                .unwrap_or("(non-string panic)");
            let rerun = if what == "MCTPKIT_SEED" {
                format!("MCTPKIT_SEED={varying:#018x} ")
            } else {
                String::new()
            };
            panic!(
                "{test} failed with the {what} (rng seed {seed:#018x}): {msg}\n\
                 reproduce: {rerun}cargo test -p mctpkit --test no_panic {test}"
            );
        }
    }
}

/// Interesting byte values: flags, escapes, lengths, boundaries.
const SPECIAL: [u8; 12] = [
    0x00, 0x01, 0x03, 0x04, 0x0F, 0x7D, 0x7E, 0x7F, 0x80, 0xC8, 0xFE, 0xFF,
];

fn mutate(rng: &mut Rng, seed: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(seed);
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = SPECIAL[rng.below(SPECIAL.len())];
            }
            2 => {
                let n = rng.below(out.len() + 1);
                out.truncate(n);
            }
            3 => {
                let i = rng.below(out.len() + 1);
                out.insert(i, rng.byte());
            }
            4 if !out.is_empty() => {
                let i = rng.below(out.len());
                out.remove(i);
            }
            5 => {
                let extra = rng.below(16);
                for _ in 0..extra {
                    out.push(rng.byte());
                }
            }
            _ if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = rng.byte();
            }
            _ => out.push(rng.byte()),
        }
    }
}

fn random(rng: &mut Rng, out: &mut Vec<u8>) {
    out.clear();
    let n = match rng.below(4) {
        0 => rng.below(8),
        1 => rng.below(32),
        2 => rng.below(128),
        _ => rng.below(600),
    };
    for _ in 0..n {
        out.push(if rng.below(4) == 0 {
            SPECIAL[rng.below(SPECIAL.len())]
        } else {
            rng.byte()
        });
    }
}

const BINDINGS: [BindingKind; 7] = [
    BindingKind::None,
    BindingKind::Smbus,
    BindingKind::SmbusNoDest,
    BindingKind::Serial,
    BindingKind::I3c,
    BindingKind::PcieVdm,
    BindingKind::Usb,
];

/// Decode and render; renderers must not panic either, and JSON must parse.
fn exercise(binding: BindingKind, bytes: &[u8], render_too: bool, line: &mut String) {
    let d = dissect(binding, bytes);
    for p in d.problems() {
        let _ = p.to_string();
    }
    if render_too {
        line.clear();
        render::summary(&d, line);
        line.clear();
        render::tree(&d, line);
        line.clear();
        render::json(&d, line);
        // Valid JSON, and no object repeats a key.
        let v = match common::strict_json::parse(line) {
            Ok(v) => v,
            Err(e) => panic!("{e}: {line}\ninput {binding:?} {bytes:02x?}"),
        };
        // A layer's `error` is absolute, so it is one of the packet's problems.
        let problems = v["problems"].as_array().expect("problems");
        for (key, layer) in v.as_object().unwrap() {
            if let Some(err) = layer.get("error") {
                assert!(
                    problems.contains(err),
                    "{key}.error {err} not in problems: {line}\ninput {binding:?} {bytes:02x?}"
                );
            }
        }
    }
    // Message decoders straight on the bytes (as if reassembled).
    let _ = Message::parse(bytes);
}

fn iterations() -> usize {
    std::env::var("MCTPKIT_NO_PANIC_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_100_000)
}

#[test]
fn dissector_never_panics() {
    let seeds = seeds();
    with_seeds("dissector_never_panics", 0x6D63_7470_6B69_7421, |rng| {
        let mut buf = Vec::with_capacity(1024);
        let mut line = String::with_capacity(4096);
        let n = iterations();
        for i in 0..n {
            if i % 3 == 0 {
                random(rng, &mut buf);
                exercise(BINDINGS[i % BINDINGS.len()], &buf, i % 16 == 0, &mut line);
            } else {
                let (own, seed) = &seeds[rng.below(seeds.len())];
                mutate(rng, seed, &mut buf);
                // Mostly decode a seed with its own binding, sometimes with another.
                let binding = if rng.below(4) != 0 {
                    *own
                } else {
                    BINDINGS[rng.below(BINDINGS.len())]
                };
                exercise(binding, &buf, i % 16 == 0, &mut line);
            }
        }
    });
}

/// The capture readers (pcap, pcapng, text) and the analyser on mutated
/// real captures and random bytes: readers return records or errors, the
/// analyser reports findings, nothing panics.
#[test]
fn capture_readers_and_analyser_never_panic() {
    use mctpkit::analyze::{Analyzer, AnalyzerOptions};
    use mctpkit::capture::Capture;

    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/capture");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .expect("capture fixtures")
        .filter_map(|e| std::fs::read(e.ok()?.path()).ok())
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 4, "capture fixtures missing");
    with_seeds(
        "capture_readers_and_analyser_never_panic",
        0x0063_6170_7475_7265,
        |rng| {
            let mut buf = Vec::new();
            let n = (iterations() / 20).max(1000);
            for i in 0..n {
                if i % 4 == 0 {
                    random(rng, &mut buf);
                } else {
                    let seed = &seeds[rng.below(seeds.len())];
                    mutate(rng, seed, &mut buf);
                }
                let Ok(cap) = Capture::from_bytes(buf.clone()) else {
                    continue;
                };
                let mut analyzer = Analyzer::new(AnalyzerOptions::default());
                for rec in cap.records().take(10_000) {
                    match rec {
                        Ok(r) => analyzer.push(&r, &mut ()),
                        Err(e) => analyzer.capture_error(&e, &mut ()),
                    }
                }
                analyzer.finish(&mut ());
            }
        },
    );
}

/// The streaming serial deframer on random chunks of random, mutated and
/// valid frames (DSP0253): every byte is consumed, no panic, and frames that
/// come out have a packet no larger than the configured maximum.
#[test]
fn serial_deframer_never_panics() {
    use mctpkit_wire::binding::serial::{Deframer, Event, Options};

    let valid = mctpkit::hex::parse_hex("7e 01 07 01 09 08 c8 00 80 02 00 00 7e").unwrap();
    with_seeds(
        "serial_deframer_never_panics",
        0x7365_7269_616c_0001,
        |rng| {
            let mut buf = Vec::new();
            for opts in [Options::default(), Options::lenient()] {
                let mut d = Deframer::new(opts);
                for i in 0..(iterations() / 10).max(1000) {
                    match i % 3 {
                        0 => random(rng, &mut buf),
                        1 => mutate(rng, &valid, &mut buf),
                        _ => {
                            buf.clear();
                            buf.extend_from_slice(&valid);
                        }
                    }
                    // Feed in random-sized chunks.
                    let mut rest = &buf[..];
                    while !rest.is_empty() {
                        let take = 1 + rng.below(rest.len());
                        let (chunk, tail) = rest.split_at(take);
                        let mut p = d.push(chunk);
                        while let Some(ev) = p.next_event() {
                            if let Event::Frame(f) = ev {
                                assert!(f.packet.len() <= 255);
                            }
                        }
                        assert!(p.remaining().is_empty());
                        rest = tail;
                    }
                }
            }
        },
    );
}

/// A failure names the seed and the command that reproduces it.
#[test]
#[should_panic(expected = "reproduce: cargo test -p mctpkit --test no_panic seeded")]
fn a_failure_names_its_seed() {
    with_seeds("seeded", 0x1234, |rng| {
        assert_ne!(rng.0, 0x1234, "the fixed seed fails");
    });
}

/// The varying seed's run is reported with the `MCTPKIT_SEED` to set.
#[test]
#[should_panic(expected = "failed with the MCTPKIT_SEED")]
fn a_failure_with_the_run_seed_names_it() {
    with_seeds("seeded", 0x1234, |rng| {
        assert_eq!(rng.0, 0x1234, "only the fixed seed passes");
    });
}
