//! Classic pcap reading: magics, byte orders, link types, broken files.

mod capture_util;

use capture_util::*;
use mctpkit::capture::{Capture, CaptureError, Direction, Format, Record, Timestamp};
use mctpkit::BindingKind;

fn read_all(bytes: Vec<u8>) -> (Capture, usize) {
    let cap = Capture::from_bytes(bytes).expect("opens");
    let n = cap.records().count();
    (cap, n)
}

fn items(cap: &Capture) -> Vec<Result<Record<'_>, CaptureError>> {
    cap.records().collect()
}

/// A file written out byte by byte: little-endian µs pcap, LINUX_SLL,
/// one outgoing Set EID request at 2026-05-01T10:00:00.123456Z as the
/// CodeConstruct harness writes it (hatype 290, no address).
#[test]
fn literal_sll_pcap() {
    #[rustfmt::skip]
    let file: Vec<u8> = vec![
        0xD4, 0xC3, 0xB2, 0xA1, 0x02, 0x00, 0x04, 0x00, // magic, 2.4
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // thiszone, sigfigs
        0xFF, 0xFF, 0x00, 0x00, 0x71, 0x00, 0x00, 0x00, // snaplen 65535, LINKTYPE 113
        0xA0, 0x79, 0xF4, 0x69, 0x40, 0xE2, 0x01, 0x00, // 1777629600 s, 123456 µs
        0x19, 0x00, 0x00, 0x00, 0x19, 0x00, 0x00, 0x00, // caplen 25, origlen 25
        0x00, 0x04, 0x01, 0x22, 0x00, 0x00,             // outgoing, ARPHRD 290, addr len 0
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // address
        0x00, 0xFA,                                     // ETH_P_MCTP
        0x01, 0x00, 0x0A, 0xCF, 0x00, 0x91, 0x01, 0x00, 0x1D,
    ];
    let cap = Capture::from_bytes(file).unwrap();
    assert_eq!(cap.format(), Format::Pcap);
    assert_eq!(cap.link_type(), Some(113));
    let recs = items(&cap);
    assert_eq!(recs.len(), 1);
    let r = recs[0].as_ref().unwrap();
    assert_eq!(r.index, 1);
    assert_eq!(
        r.ts,
        Some(Timestamp {
            secs: 1_777_629_600,
            nanos: 123_456_000
        })
    );
    assert_eq!(r.binding, BindingKind::None);
    assert_eq!(r.direction, Some(Direction::Outgoing));
    assert_eq!(r.data, &SET_EID_REQ);
    assert_eq!(r.orig_len, 9);
}

#[test]
fn micro_and_nano_both_byte_orders() {
    for le in [true, false] {
        for nanos in [false, true] {
            let frac = if nanos { 123_456_789 } else { 123_456 };
            let rec = cat(&[&sll2(0x00FA, 3, 0, 0, &[]), &SET_EID_RESP]);
            let file = cat(&[
                &pcap_header(le, nanos, 276),
                &pcap_record(le, 1000, frac, &rec, rec.len() as u32),
                &pcap_record(le, 1001, 0, &rec, rec.len() as u32),
            ]);
            let cap = Capture::from_bytes(file).unwrap();
            assert_eq!(cap.format(), Format::Pcap);
            let recs = items(&cap);
            assert_eq!(recs.len(), 2, "le={le} nanos={nanos}");
            let r = recs[0].as_ref().unwrap();
            let want_ns = if nanos { 123_456_789 } else { 123_456_000 };
            assert_eq!(
                r.ts,
                Some(Timestamp {
                    secs: 1000,
                    nanos: want_ns
                })
            );
            assert_eq!(r.direction, Some(Direction::Incoming));
            assert_eq!(r.data, &SET_EID_RESP);
            assert_eq!(recs[1].as_ref().unwrap().index, 2);
        }
    }
}

#[test]
fn sll2_hatype_zero_libmctp_style() {
    // libmctp's demux daemon: SLL2, hatype 0, ifindex 0, packet type 4.
    let rec = cat(&[&sll2(0x00FA, 0, 0, 4, &[]), &SET_EID_REQ]);
    let file = cat(&[
        &pcap_header(true, false, 276),
        &pcap_record(true, 5, 6, &rec, rec.len() as u32),
    ]);
    let (cap, n) = read_all(file);
    assert_eq!(n, 1);
    let r = cap.records().next().unwrap().unwrap();
    assert_eq!(r.direction, Some(Direction::Outgoing));
    assert_eq!(r.data, &SET_EID_REQ);
}

#[test]
fn sll_with_one_byte_address_and_snaplen_truncation() {
    // mctp-i2c may fill a 1-byte hardware address; accept it. The packet
    // was cut to 4 bytes by the snaplen: orig_len keeps the wire length.
    let rec = cat(&[&sll(0, 290, &[0x1D], 0x00FA), &SET_EID_RESP[..4]]);
    let file = cat(&[
        &pcap_header(true, false, 113),
        &pcap_record(true, 5, 6, &rec, 16 + 11),
    ]);
    let cap = Capture::from_bytes(file).unwrap();
    let r = cap.records().next().unwrap().unwrap();
    assert_eq!(r.data, &SET_EID_RESP[..4]);
    assert_eq!(r.orig_len, 11);
    assert_eq!(r.direction, Some(Direction::Incoming));
}

#[test]
fn wrong_protocol_is_a_record_error_and_iteration_goes_on() {
    let ipv4 = cat(&[&sll2(0x0800, 1, 1, 0, &[]), &[0x45, 0, 0, 20]]);
    let mctp = cat(&[&sll2(0x00FA, 1, 290, 0, &[]), &SET_EID_RESP]);
    let file = cat(&[
        &pcap_header(true, false, 276),
        &pcap_record(true, 1, 0, &ipv4, ipv4.len() as u32),
        &pcap_record(true, 2, 0, &mctp, mctp.len() as u32),
    ]);
    let cap = Capture::from_bytes(file).unwrap();
    let recs = items(&cap);
    assert_eq!(recs.len(), 2);
    let e = recs[0].as_ref().unwrap_err();
    assert_eq!(e.index, 1);
    assert_eq!(e.offset, 24);
    assert!(e.message.contains("0x0800"), "{}", e.message);
    assert_eq!(recs[1].as_ref().unwrap().index, 2);
}

#[test]
fn short_cooked_header_is_a_record_error() {
    let file = cat(&[
        &pcap_header(true, false, 113),
        &pcap_record(true, 1, 0, &[0, 0, 1, 0x22], 4),
    ]);
    let cap = Capture::from_bytes(file).unwrap();
    let e = cap.records().next().unwrap().unwrap_err();
    assert!(e.message.contains("truncated"), "{}", e.message);
}

#[test]
fn i2c_linux() {
    // 5-byte pseudo-header: bus 2, flags 0 (write), then the SMBus frame
    // from the destination address byte.
    let msg = cat(&[&[0x02, 0, 0, 0, 0], &SMBUS_SET_EID_RESP]);
    let event = [0x82, 0, 0, 0, 0x10];
    let file = cat(&[
        &pcap_header(true, false, 209),
        &pcap_record(true, 7, 8, &msg, msg.len() as u32),
        &pcap_record(true, 7, 9, &event, 5),
    ]);
    let cap = Capture::from_bytes(file).unwrap();
    let recs = items(&cap);
    let r = recs[0].as_ref().unwrap();
    assert_eq!(r.binding, BindingKind::Smbus);
    assert_eq!(r.data, &SMBUS_SET_EID_RESP);
    assert_eq!(r.data[0], 0x10 << 1);
    assert_eq!(r.direction, None);
    let e = recs[1].as_ref().unwrap_err();
    assert!(e.message.contains("event"), "{}", e.message);
}

#[test]
fn dmtf_291_records_start_with_mctp() {
    let file = cat(&[
        &pcap_header(true, false, 291),
        &pcap_record(true, 1, 0, &SET_EID_REQ, 9),
    ]);
    let cap = Capture::from_bytes(file).unwrap();
    let r = cap.records().next().unwrap().unwrap();
    assert_eq!(r.binding, BindingKind::None);
    assert_eq!(r.data, &SET_EID_REQ);
}

#[test]
fn unsupported_link_type_one_error_then_skipped() {
    let file = cat(&[
        &pcap_header(true, false, 1),
        &pcap_record(true, 1, 0, &[0; 14], 14),
        &pcap_record(true, 2, 0, &[0; 14], 14),
        &pcap_record(true, 3, 0, &[0; 14], 14),
    ]);
    let cap = Capture::from_bytes(file).unwrap();
    let recs = items(&cap);
    assert_eq!(recs.len(), 1);
    let e = recs[0].as_ref().unwrap_err();
    assert!(e.message.contains("link type 1"), "{}", e.message);
    let mut it = cap.records();
    it.by_ref().for_each(drop);
    assert_eq!(it.position(), cap.input_len());
}

#[test]
fn truncated_record_at_eof_ends_with_one_error() {
    let rec = cat(&[&sll2(0x00FA, 1, 290, 0, &[]), &SET_EID_RESP]);
    let mut file = cat(&[
        &pcap_header(true, false, 276),
        &pcap_record(true, 1, 0, &rec, rec.len() as u32),
        &pcap_record(true, 2, 0, &rec, rec.len() as u32),
    ]);
    file.truncate(file.len() - 3);
    let cap = Capture::from_bytes(file.clone()).unwrap();
    let recs = items(&cap);
    assert_eq!(recs.len(), 2);
    assert!(recs[0].is_ok());
    let e = recs[1].as_ref().unwrap_err();
    assert_eq!(e.index, 2);
    assert_eq!(e.offset, 24 + 16 + rec.len());
    assert!(e.message.contains("past end of file"), "{}", e.message);

    // A record header cut short.
    file.truncate(24 + 16 + rec.len() + 7);
    let cap = Capture::from_bytes(file).unwrap();
    let recs = items(&cap);
    assert_eq!(recs.len(), 2);
    assert!(recs[1]
        .as_ref()
        .unwrap_err()
        .message
        .contains("header truncated"));
}

#[test]
fn header_only_file_has_no_records() {
    let (cap, n) = read_all(pcap_header(false, true, 276));
    assert_eq!(n, 0);
    assert_eq!(cap.format(), Format::Pcap);
}

#[test]
fn unreadable_inputs_fail_to_open() {
    let empty = Capture::from_bytes(Vec::new()).unwrap_err();
    assert_eq!(empty.index, 0);
    assert!(empty.message.contains("empty"));
    // pcap magic but a short header
    assert!(Capture::from_bytes(vec![0xD4, 0xC3, 0xB2, 0xA1, 2, 0]).is_err());
    // pcap version 1
    let mut bad = pcap_header(true, false, 276);
    bad[4] = 1;
    assert!(Capture::from_bytes(bad).is_err());
    // garbage
    let garbage: Vec<u8> = (0..200u32).map(|i| (i * 37 % 251) as u8).collect();
    assert!(Capture::from_bytes(garbage).is_err());
    // text that is no dump
    assert!(Capture::from_bytes(b"hello\nworld\n".to_vec()).is_err());
    // missing file
    assert!(Capture::open("/nonexistent/capture.pcap").is_err());
}

#[test]
fn progress_reaches_the_end() {
    let rec = cat(&[&sll2(0x00FA, 1, 290, 0, &[]), &SET_EID_RESP]);
    let file = cat(&[
        &pcap_header(true, false, 276),
        &pcap_record(true, 1, 0, &rec, rec.len() as u32),
        &pcap_record(true, 2, 0, &rec, rec.len() as u32),
    ]);
    let cap = Capture::from_bytes(file).unwrap();
    let mut it = cap.records();
    assert_eq!(it.position(), 24);
    it.next();
    assert_eq!(it.position(), 24 + 16 + rec.len());
    it.next();
    assert_eq!(it.position(), cap.input_len());
    assert!(it.next().is_none());
}

#[test]
fn open_reads_a_file_regardless_of_name() {
    let dir = std::env::temp_dir().join(format!("mctpkit-capture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A pcap named .txt is still pcap.
    let path = dir.join("looks-like-text.txt");
    let rec = cat(&[&sll2(0x00FA, 1, 290, 0, &[]), &SET_EID_RESP]);
    std::fs::write(
        &path,
        cat(&[
            &pcap_header(true, false, 276),
            &pcap_record(true, 1, 0, &rec, rec.len() as u32),
        ]),
    )
    .unwrap();
    let cap = Capture::open(&path).unwrap();
    assert_eq!(cap.format(), Format::Pcap);
    std::fs::remove_dir_all(&dir).ok();
}
