//! No decoder may panic on any input.
//!
//! Feeds well over a million seeded random and mutated inputs through every
//! binding's dissector, the message decoders and all three renderers (and,
//! as they land, the capture readers and the serial deframer).
//! Deterministic (fixed seed), so a failure reproduces;
//! `MCTPKIT_NO_PANIC_ITERS` scales the run.

use mctpkit::{dissect, render, BindingKind};
use mctpkit_wire::message::Message;

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

/// Valid-looking inputs to mutate: (binding, bytes).
fn seeds() -> Vec<(BindingKind, Vec<u8>)> {
    let hex = |s: &str| mctpkit::hex::parse_hex(s).unwrap();
    let mut v = vec![
        (
            BindingKind::None,
            hex("01 0b 0a c5 00 00 0a 00 ff 01 01 0a 02 00 04 01 00"),
        ),
        (BindingKind::None, hex("01 00 0a cf 00 91 01 00 1d")),
        // PLDM firmware update (type 5) and FRU (type 4).
        (
            BindingKind::None,
            hex("01 0b 0a c8 01 83 05 15 00 04 00 00 00 01 00 00"),
        ),
        (
            BindingKind::None,
            hex("01 0a 0b c0 01 05 05 1b 00 03 02 00 00 32 00 01 00 00 00"),
        ),
        (
            BindingKind::None,
            hex("01 0a 0b c0 01 01 04 01 00 01 00 00 01 00 00 40 00 00 00 02 00 03 00 78 56 34 12"),
        ),
        (BindingKind::None, hex("01 09 08 c8 00 80 02")),
        (
            BindingKind::None,
            hex("01 08 09 c0 00 00 04 00 04 f1 f3 f1 00 f1 f2 ff 00 f1 f1 ff 00 f1 f0 ff 00"),
        ),
        (BindingKind::None, hex("01 09 08 88 01 02 03")),
        (
            BindingKind::Smbus,
            hex("20 0F 0C 65 01 0A 43 D0 00 1A 01 00 00 43 00 F4"),
        ),
        (
            BindingKind::Smbus,
            hex("64 0F 0A 21 01 00 0A CF 00 91 01 00 1D FC"),
        ),
        (
            BindingKind::SmbusNoDest,
            hex("0F 0C 65 01 0A 43 D0 00 1A 01 00 00 43 00 F4"),
        ),
        (
            BindingKind::Serial,
            hex("7e 01 07 01 09 08 c8 00 80 02 00 00 7e"),
        ),
        (BindingKind::I3c, hex("01 09 08 c8 00 80 02 00")),
        (
            BindingKind::Usb,
            hex("1a b4 00 0b 01 09 08 c8 00 80 02 1a b4 00 0b 01 08 09 c0 00 00 02"),
        ),
    ];
    // Every control command both ways, as single-packet messages.
    for cmd in 0u8..=0x15 {
        v.push((
            BindingKind::None,
            vec![0x01, 0x09, 0x08, 0xC8, 0x00, 0x80, cmd, 0x00, 0x09],
        ));
        v.push((
            BindingKind::None,
            vec![
                0x01, 0x08, 0x09, 0xC0, 0x00, 0x00, cmd, 0x00, 0x02, 0x01, 0x00, 0x08, 0x10,
            ],
        ));
    }
    for cmd in [0xF0u8, 0xFF] {
        v.push((
            BindingKind::None,
            vec![0x01, 0x09, 0x08, 0xC8, 0x00, 0x80, cmd, 0x01],
        ));
    }
    v
}

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
        serde_json::from_str::<serde_json::Value>(line).expect("JSON must be valid");
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
    let mut rng = Rng(0x6D63_7470_6B69_7421);
    let mut buf = Vec::with_capacity(1024);
    let mut line = String::with_capacity(4096);
    let n = iterations();
    for i in 0..n {
        if i % 3 == 0 {
            random(&mut rng, &mut buf);
            exercise(BINDINGS[i % BINDINGS.len()], &buf, i % 16 == 0, &mut line);
        } else {
            let (own, seed) = &seeds[rng.below(seeds.len())];
            mutate(&mut rng, seed, &mut buf);
            // Mostly decode a seed with its own binding, sometimes with another.
            let binding = if rng.below(4) != 0 {
                *own
            } else {
                BINDINGS[rng.below(BINDINGS.len())]
            };
            exercise(binding, &buf, i % 16 == 0, &mut line);
        }
    }
}
