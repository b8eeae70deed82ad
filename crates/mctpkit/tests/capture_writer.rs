//! The pcap writer: exact bytes, read-back with our reader and with
//! pcap-parser, appending, and property tests.

mod capture_util;

use capture_util::*;
use mctpkit::capture::{
    Capture, Direction, Format, PcapWriter, Precision, Timestamp, WriterOptions,
};
use mctpkit::BindingKind;
use proptest::prelude::*;

fn ts(secs: i64, nanos: u32) -> Timestamp {
    Timestamp { secs, nanos }
}

fn tmpdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("mctpkit-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The exact bytes of a one-packet file, written out by hand.
#[test]
fn writes_exact_bytes() {
    let mut w = PcapWriter::new(Vec::new()).unwrap();
    w.write_packet(
        ts(1_777_629_600, 123_456_789),
        Direction::Outgoing,
        &SET_EID_REQ,
    )
    .unwrap();
    let out = w.into_inner().unwrap();
    #[rustfmt::skip]
    let want: Vec<u8> = vec![
        0xD4, 0xC3, 0xB2, 0xA1, 0x02, 0x00, 0x04, 0x00, // µs magic, 2.4
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // thiszone, sigfigs
        0x00, 0x00, 0x04, 0x00, 0x14, 0x01, 0x00, 0x00, // snaplen 262144, LINKTYPE 276
        0xA0, 0x79, 0xF4, 0x69, 0x40, 0xE2, 0x01, 0x00, // 1777629600 s, 123456 µs
        0x1D, 0x00, 0x00, 0x00, 0x1D, 0x00, 0x00, 0x00, // caplen = origlen = 29
        0x00, 0xFA, 0x00, 0x00,                         // ETH_P_MCTP, reserved
        0x00, 0x00, 0x00, 0x00,                         // ifindex 0
        0x01, 0x22, 0x04, 0x00,                         // ARPHRD_MCTP, outgoing, addr len 0
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // address
        0x01, 0x00, 0x0A, 0xCF, 0x00, 0x91, 0x01, 0x00, 0x1D,
    ];
    assert_eq!(out, want);
}

#[test]
fn golden_file_matches_writer() {
    // tests/data/capture/sll2-set-eid.pcap was written by this writer and
    // checked once by hand with capinfos/tshark 4.0.17 (link type
    // "Linux cooked-mode capture v2", protocol 0x00fa, 2 packets).
    let mut w = PcapWriter::with_options(
        Vec::new(),
        WriterOptions {
            precision: Precision::Nanos,
            ifindex: 7,
            ..WriterOptions::default()
        },
    )
    .unwrap();
    w.write_packet(ts(1_777_629_600, 1), Direction::Outgoing, &SET_EID_REQ)
        .unwrap();
    w.write_packet(
        ts(1_777_629_600, 2_000_001),
        Direction::Incoming,
        &SET_EID_RESP,
    )
    .unwrap();
    let out = w.into_inner().unwrap();
    let golden = include_bytes!("data/capture/sll2-set-eid.pcap");
    assert_eq!(&out[..], &golden[..]);
}

#[test]
fn round_trip_with_our_reader() {
    for precision in [Precision::Micros, Precision::Nanos] {
        let mut w = PcapWriter::with_options(
            Vec::new(),
            WriterOptions {
                precision,
                ..WriterOptions::default()
            },
        )
        .unwrap();
        w.write_packet(ts(10, 999_999_999), Direction::Outgoing, &SET_EID_REQ)
            .unwrap();
        w.write_packet(ts(11, 0), Direction::Incoming, &SET_EID_RESP)
            .unwrap();
        w.write_packet(ts(12, 5_000), Direction::Incoming, &[])
            .unwrap();
        assert_eq!(w.packets_written(), 3);
        let cap = Capture::from_bytes(w.into_inner().unwrap()).unwrap();
        assert_eq!(cap.format(), Format::Pcap);
        assert_eq!(cap.link_type(), Some(276));
        let recs: Vec<_> = cap.records().map(Result::unwrap).collect();
        assert_eq!(recs.len(), 3);
        let want_ns = match precision {
            Precision::Micros => 999_999_000,
            Precision::Nanos => 999_999_999,
        };
        assert_eq!(recs[0].ts, Some(ts(10, want_ns)));
        assert_eq!(recs[0].direction, Some(Direction::Outgoing));
        assert_eq!(recs[0].binding, BindingKind::None);
        assert_eq!(recs[0].data, &SET_EID_REQ);
        assert_eq!(recs[1].data, &SET_EID_RESP);
        assert_eq!(recs[2].data, &[] as &[u8]);
        assert_eq!(recs[2].ts, Some(ts(12, 5_000)));
    }
}

#[test]
fn round_trip_with_pcap_parser() {
    use pcap_parser::{parse_pcap_frame, parse_pcap_header};
    let mut w = PcapWriter::new(Vec::new()).unwrap();
    w.write_packet(ts(1_000, 250_000), Direction::Incoming, &SET_EID_RESP)
        .unwrap();
    w.write_packet(ts(1_001, 0), Direction::Outgoing, &SET_EID_REQ)
        .unwrap();
    let out = w.into_inner().unwrap();
    let (mut rest, header) = parse_pcap_header(&out).unwrap();
    assert_eq!(header.network.0, 276);
    assert!(!header.is_nanosecond_precision());
    let mut seen = Vec::new();
    while !rest.is_empty() {
        let (r, frame) = parse_pcap_frame(rest).unwrap();
        rest = r;
        assert_eq!(frame.caplen, frame.origlen);
        let d = frame.data;
        assert_eq!(&d[0..2], &[0x00, 0xFA]);
        assert_eq!(&d[8..10], &290u16.to_be_bytes());
        assert_eq!(d[11], 0);
        seen.push((frame.ts_sec, frame.ts_usec, d[10], d[20..].to_vec()));
    }
    assert_eq!(
        seen,
        vec![
            (1_000, 250, 0, SET_EID_RESP.to_vec()),
            (1_001, 0, 4, SET_EID_REQ.to_vec()),
        ]
    );
}

#[test]
fn rejects_unrepresentable_packets() {
    let mut w = PcapWriter::new(Vec::new()).unwrap();
    assert!(w
        .write_packet(ts(-1, 0), Direction::Incoming, &[1])
        .is_err());
    assert!(w
        .write_packet(ts(i64::from(u32::MAX) + 1, 0), Direction::Incoming, &[1])
        .is_err());
    assert!(w
        .write_packet(ts(0, 1_000_000_000), Direction::Incoming, &[1])
        .is_err());
    let mut small = PcapWriter::with_options(
        Vec::new(),
        WriterOptions {
            snaplen: 24,
            ..WriterOptions::default()
        },
    )
    .unwrap();
    assert!(small
        .write_packet(ts(0, 0), Direction::Incoming, &[0; 5])
        .is_err());
    assert!(small
        .write_packet(ts(0, 0), Direction::Incoming, &[0; 4])
        .is_ok());
    assert_eq!(small.packets_written(), 1);
}

#[test]
fn append_creates_then_extends() {
    let dir = tmpdir("append");
    let path = dir.join("craft.pcap");
    let _ = std::fs::remove_file(&path);
    {
        let mut w = PcapWriter::append(&path).unwrap();
        w.write_packet(ts(1, 0), Direction::Outgoing, &SET_EID_REQ)
            .unwrap();
        w.flush().unwrap();
    }
    {
        let mut w = PcapWriter::append(&path).unwrap();
        w.write_packet(ts(2, 0), Direction::Incoming, &SET_EID_RESP)
            .unwrap();
        w.flush().unwrap();
    }
    let cap = Capture::open(&path).unwrap();
    let recs: Vec<_> = cap.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].data, &SET_EID_REQ);
    assert_eq!(recs[1].data, &SET_EID_RESP);
    assert_eq!(recs[1].direction, Some(Direction::Incoming));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn append_keeps_big_endian_nanosecond_files_consistent() {
    let dir = tmpdir("append-be");
    let path = dir.join("be.pcap");
    let rec = cat(&[&sll2(0x00FA, 0, 0, 0, &[]), &SET_EID_RESP]);
    std::fs::write(
        &path,
        cat(&[
            &pcap_header(false, true, 276),
            &pcap_record(false, 5, 7, &rec, rec.len() as u32),
        ]),
    )
    .unwrap();
    let mut w = PcapWriter::append(&path).unwrap();
    w.write_packet(ts(6, 8), Direction::Outgoing, &SET_EID_REQ)
        .unwrap();
    drop(w);
    let cap = Capture::open(&path).unwrap();
    let recs: Vec<_> = cap.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1].ts, Some(ts(6, 8)));
    assert_eq!(recs[1].data, &SET_EID_REQ);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn append_refuses_other_link_types_and_partial_records() {
    let dir = tmpdir("append-bad");
    let sll = dir.join("sll.pcap");
    std::fs::write(&sll, pcap_header(true, false, 113)).unwrap();
    let e = PcapWriter::append(&sll).unwrap_err();
    assert!(e.to_string().contains("LINUX_SLL2"), "{e}");

    let partial = dir.join("partial.pcap");
    let rec = cat(&[&sll2(0x00FA, 0, 0, 0, &[]), &SET_EID_RESP]);
    let mut bytes = cat(&[
        &pcap_header(true, false, 276),
        &pcap_record(true, 5, 7, &rec, rec.len() as u32),
    ]);
    bytes.truncate(bytes.len() - 2);
    std::fs::write(&partial, &bytes).unwrap();
    let e = PcapWriter::append(&partial).unwrap_err();
    assert!(e.to_string().contains("partial record"), "{e}");
    // The file is untouched.
    assert_eq!(std::fs::read(&partial).unwrap(), bytes);

    let text = dir.join("text.pcap");
    std::fs::write(&text, b"not a pcap at all, just text").unwrap();
    assert!(PcapWriter::append(&text).is_err());
    std::fs::remove_dir_all(&dir).ok();
}

fn direction() -> impl Strategy<Value = Direction> {
    prop_oneof![Just(Direction::Incoming), Just(Direction::Outgoing)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Arbitrary packets written then read back are equal.
    #[test]
    fn written_packets_read_back_equal(
        packets in proptest::collection::vec(
            (0u32..=u32::MAX, 0u32..1_000_000_000, direction(),
             proptest::collection::vec(any::<u8>(), 0..300)),
            0..12,
        ),
        nanos in any::<bool>(),
    ) {
        let precision = if nanos { Precision::Nanos } else { Precision::Micros };
        let mut w = PcapWriter::with_options(
            Vec::new(),
            WriterOptions { precision, ..WriterOptions::default() },
        ).unwrap();
        for (s, ns, d, p) in &packets {
            w.write_packet(ts(i64::from(*s), *ns), *d, p).unwrap();
        }
        let cap = Capture::from_bytes(w.into_inner().unwrap()).unwrap();
        let recs: Vec<_> = cap.records().collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(recs.len(), packets.len());
        for (i, (r, (s, ns, d, p))) in recs.iter().zip(&packets).enumerate() {
            let want_ns = if nanos { *ns } else { ns / 1000 * 1000 };
            prop_assert_eq!(r.index, i + 1);
            prop_assert_eq!(r.ts, Some(ts(i64::from(*s), want_ns)));
            prop_assert_eq!(r.direction, Some(*d));
            prop_assert_eq!(r.data, &p[..]);
            prop_assert_eq!(r.orig_len, p.len());
        }
    }

    /// Random bytes never panic the detector or the readers.
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        read_records_count(bytes);
    }

    /// Random bytes behind each real header never panic either.
    #[test]
    fn random_bodies_never_panic(
        kind in 0usize..4,
        body in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        let head = match kind {
            0 => pcap_header(true, false, 276),
            1 => pcap_header(false, true, 209),
            2 => cat(&[&ng_shb(true), &ng_idb(true, 113, Some(9), None)]),
            _ => b"10:00:00.000001 x\n\t0x0000:  ".to_vec(),
        };
        read_records_count(cat(&[&head, &body]));
    }

    /// Well-framed pcapng blocks with random bodies (exercises the IDB,
    /// EPB, SPB and obsolete PB parsers and option walking).
    #[test]
    fn random_pcapng_blocks_never_panic(
        le in any::<bool>(),
        blocks in proptest::collection::vec(
            (prop_oneof![Just(1u32), Just(2), Just(3), Just(6), Just(0x0A0D_0D0A), any::<u32>()],
             proptest::collection::vec(any::<u8>(), 0..80)),
            0..8,
        ),
    ) {
        let mut file = ng_shb(le);
        for (t, body) in &blocks {
            file.extend(ng_block(le, *t, body));
        }
        read_records_count(file);
    }

    /// Text-like noise: tcpdump-ish tokens in random order.
    #[test]
    fn random_text_never_panics(
        tokens in proptest::collection::vec(
            prop_oneof![
                Just("0x0000:"), Just("0x0010:"), Just("0xffffffff:"), Just("0100"), Just("0a"),
                Just("  "), Just(" "), Just("\t"), Just("\n"), Just("\r\n"),
                Just("10:00:00.123456"), Just("23:59:59.999999999"), Just("2026-05-01"),
                Just("tcpdump[1]:"), Just("May"), Just("]: "), Just("1714557600.000001"),
                Just("00fa"), Just("0004"), Just("zz"),
            ],
            0..80,
        ),
    ) {
        read_records_count(tokens.concat().into_bytes());
    }
}

/// Open and walk everything; the count is irrelevant, not panicking is the test.
fn read_records_count(bytes: Vec<u8>) -> usize {
    let len = bytes.len();
    match Capture::from_bytes(bytes) {
        Ok(cap) => {
            let mut it = cap.records();
            let mut n = 0;
            for item in it.by_ref() {
                if let Ok(r) = item {
                    assert!(r.index >= 1);
                }
                n += 1;
                assert!(n <= len + 1, "more items than bytes");
            }
            assert!(it.position() <= cap.input_len());
            n
        }
        Err(e) => {
            assert_eq!(e.index, 0);
            0
        }
    }
}
