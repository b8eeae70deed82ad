//! Write a synthetic but realistic SLL2 capture of N MCTP packets for
//! whole-process benchmarks (`scripts/bench-analyze`).
//!
//! `cargo run --release -p mctpkit --example bench_capture -- OUT.pcap N [KIND]`
//!
//! OUT `-` writes to standard output, so a capture of any size can be
//! streamed into `mctpkit analyze -` without being stored:
//! `bench_capture - 100000000 | mctpkit analyze --stats-only -`.
//! KIND is `normal` (the default, below) or one of the hostile captures of
//! issue 11 (`tests/hostile/mod.rs`): `som-flood` (1,024 abandoned SOMs
//! then ordinary two-packet messages up to N packets), `never-completed`,
//! `unanswered`, `pdr-chain` (60 KB GetPDR parts up to N packets).
//!
//! The traffic cycles through control request/response pairs (Get Endpoint
//! ID, Get Message Type Support, Get MCTP Version Support), PLDM GetTID and a
//! 200-byte vendor-defined message fragmented at the 64-byte baseline unit,
//! between a bus owner (EID 8) and 16 endpoints, with rotating tags and
//! instance IDs and responses 300 µs after requests.

use std::fs::File;
use std::io::{BufWriter, Write};

#[path = "../tests/hostile/mod.rs"]
mod hostile;

use mctpkit::capture::{Direction, PcapWriter, Timestamp};
use mctpkit_wire::control::builder as ctl;
use mctpkit_wire::control::{EidType, EndpointType, VersionEntry};
use mctpkit_wire::fragment::Fragmenter;

struct Gen {
    w: PcapWriter<BufWriter<Box<dyn Write>>>,
    t_ns: i64,
    written: u64,
    limit: u64,
    buf: Vec<u8>,
}

impl Gen {
    fn message(&mut self, dst: u8, src: u8, to: bool, tag: u8, msg: &[u8], gap_ns: i64) {
        let mut f = Fragmenter::new(msg, dst, src, to, tag, 64, 0).expect("message");
        self.t_ns += gap_ns;
        while let Some(n) = f.next_into(&mut self.buf) {
            if self.written >= self.limit {
                return;
            }
            let n = n.expect("packet");
            let ts = self.timestamp();
            let dir = if src == 8 {
                Direction::Outgoing
            } else {
                Direction::Incoming
            };
            self.w.write_packet(ts, dir, &self.buf[..n]).expect("write");
            self.written += 1;
            self.t_ns += 20_000;
        }
    }

    /// A request from the bus owner and its response.
    fn exchange(&mut self, peer: u8, tag: u8, req: &[u8], rsp: &[u8]) {
        self.message(peer, 8, true, tag, req, 100_000);
        self.message(8, peer, false, tag, rsp, 300_000);
    }
}

impl Gen {
    fn timestamp(&self) -> Timestamp {
        Timestamp {
            secs: 1_763_683_200 + self.t_ns / 1_000_000_000,
            nanos: (self.t_ns % 1_000_000_000) as u32,
        }
    }

    /// Write hostile packets (1 µs apart) until the limit.
    fn hostile(&mut self, packets: impl Iterator<Item = Vec<u8>>) {
        for p in packets {
            if self.written >= self.limit {
                return;
            }
            let ts = self.timestamp();
            self.w
                .write_packet(ts, Direction::Incoming, &p)
                .expect("write");
            self.written += 1;
            self.t_ns += 1_000;
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .expect("usage: bench_capture OUT.pcap|- N [KIND]");
    let limit: u64 = args.next().map_or(1_000_000, |n| n.parse().expect("N"));
    let kind = args.next().unwrap_or_else(|| "normal".into());
    let sink: Box<dyn Write> = if out == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(File::create(&out).expect("create"))
    };
    let w = PcapWriter::new(BufWriter::with_capacity(1 << 20, sink)).expect("pcap header");
    let mut g = Gen {
        w,
        t_ns: 0,
        written: 0,
        limit,
        buf: vec![0u8; 128],
    };
    let n = u32::try_from(limit).unwrap_or(u32::MAX);
    match kind.as_str() {
        "normal" => normal(&mut g),
        "som-flood" => g.hostile(hostile::som_flood(1024, n)),
        "never-completed" => g.hostile(hostile::never_completed(n)),
        "unanswered" => g.hostile(hostile::unanswered(n)),
        "pdr-chain" => g.hostile(hostile::pdr_chain(n, 60_000)),
        other => panic!("unknown KIND {other:?}"),
    }
    g.w.flush().expect("flush");
    eprintln!("wrote {} packets to {out}", g.written);
}

fn normal(g: &mut Gen) {
    let limit = g.limit;
    let versions = [
        VersionEntry::new(1, 3, Some(1), 0),
        VersionEntry::new(1, 2, None, 0),
        VersionEntry::new(1, 1, None, 0),
        VersionEntry::new(1, 0, None, 0),
    ];
    let mut vendor = vec![0x7E, 0x1A, 0xB4];
    vendor.extend((0..197u32).map(|i| i as u8));
    let mut i: u32 = 0;
    while g.written < limit {
        let peer = 0x10 + (i % 16) as u8;
        let tag = (i % 8) as u8;
        let iid = (i % 32) as u8;
        match i % 5 {
            0 => g.exchange(
                peer,
                tag,
                &ctl::get_endpoint_id_request(iid).to_vec(),
                &ctl::get_endpoint_id_response(
                    iid,
                    peer,
                    EndpointType::SimpleEndpoint,
                    EidType::Dynamic,
                    0,
                )
                .to_vec(),
            ),
            1 => g.exchange(
                peer,
                tag,
                &ctl::get_message_type_support_request(iid).to_vec(),
                &ctl::get_message_type_support_response(iid, &[0x00, 0x01, 0x05]).to_vec(),
            ),
            2 => g.exchange(
                peer,
                tag,
                &ctl::get_mctp_version_support_request(iid, 0xFF).to_vec(),
                &ctl::get_mctp_version_support_response(iid, &versions).to_vec(),
            ),
            3 => g.exchange(
                peer,
                tag,
                // PLDM GetTID request / response (DSP0240).
                &[0x01, 0x80 | iid, 0x00, 0x02],
                &[0x01, iid, 0x00, 0x02, 0x00, peer],
            ),
            _ => g.exchange(peer, tag, &vendor, &[0x7E, 0x1A, 0xB4, 0x00]),
        }
        i += 1;
    }
}
