//! pcapng reading: interfaces with their own link type and resolution,
//! packet block kinds, byte orders, broken blocks.

mod capture_util;

use capture_util::*;
use mctpkit::capture::{Capture, CaptureError, Direction, Format, Record, Timestamp};
use mctpkit::BindingKind;

fn items(cap: &Capture) -> Vec<Result<Record<'_>, CaptureError>> {
    cap.records().collect()
}

/// Interface 0: LINUX_SLL2 at the default µs resolution; interface 1:
/// I2C_LINUX at ns resolution (if_tsresol 9) with if_tsoffset 1000 s.
fn two_interface_file(le: bool) -> Vec<u8> {
    let sll2_rec = cat(&[&sll2(0x00FA, 4, 290, 4, &[]), &SET_EID_REQ]);
    let i2c_rec = cat(&[&[0x01, 0, 0, 0, 0], &SMBUS_SET_EID_RESP]);
    cat(&[
        &ng_shb(le),
        &ng_idb(le, 276, None, None),
        &ng_idb(le, 209, Some(9), Some(1000)),
        &ng_epb(le, 0, 1_700_000_000_250_000, &sll2_rec, None),
        &ng_epb(le, 1, 5_000_000_001, &i2c_rec, Some(1)),
    ])
}

#[test]
fn two_interfaces_different_link_types_and_tsresol() {
    for le in [true, false] {
        let cap = Capture::from_bytes(two_interface_file(le)).unwrap();
        assert_eq!(cap.format(), Format::PcapNg);
        let recs = items(&cap);
        assert_eq!(recs.len(), 2, "le={le}");
        let a = recs[0].as_ref().unwrap();
        assert_eq!(a.index, 1);
        assert_eq!(
            a.ts,
            Some(Timestamp {
                secs: 1_700_000_000,
                nanos: 250_000_000
            })
        );
        assert_eq!(a.binding, BindingKind::None);
        assert_eq!(a.direction, Some(Direction::Outgoing));
        assert_eq!(a.data, &SET_EID_REQ);

        let b = recs[1].as_ref().unwrap();
        assert_eq!(b.index, 2);
        assert_eq!(
            b.ts,
            Some(Timestamp {
                secs: 1005,
                nanos: 1
            })
        );
        assert_eq!(b.binding, BindingKind::Smbus);
        // No cooked header: the direction comes from epb_flags (inbound).
        assert_eq!(b.direction, Some(Direction::Incoming));
        assert_eq!(b.data, &SMBUS_SET_EID_RESP);
    }
}

#[test]
fn simple_packet_block_uses_interface_zero_and_drops_padding() {
    let rec = cat(&[&sll(0, 290, &[], 0x00FA), &SET_EID_RESP]); // 27 bytes, padded to 28
    let file = cat(&[
        &ng_shb(true),
        &ng_idb(true, 113, None, None),
        &ng_spb(true, &rec),
    ]);
    let cap = Capture::from_bytes(file).unwrap();
    let r = cap.records().next().unwrap().unwrap();
    assert_eq!(r.ts, None);
    assert_eq!(r.data, &SET_EID_RESP);
    assert_eq!(r.orig_len, 11);
}

#[test]
fn unsupported_interface_reported_once_others_still_read() {
    let eth = [0u8; 20];
    let mctp = cat(&[&sll2(0x00FA, 1, 290, 0, &[]), &SET_EID_RESP]);
    let file = cat(&[
        &ng_shb(true),
        &ng_idb(true, 1, None, None),
        &ng_idb(true, 276, None, None),
        &ng_epb(true, 0, 1, &eth, None),
        &ng_epb(true, 1, 2, &mctp, None),
        &ng_epb(true, 0, 3, &eth, None),
        &ng_epb(true, 1, 4, &mctp, None),
    ]);
    let cap = Capture::from_bytes(file).unwrap();
    let recs = items(&cap);
    assert_eq!(recs.len(), 3);
    let e = recs[0].as_ref().unwrap_err();
    assert_eq!(e.index, 1);
    assert!(e.message.contains("interface 0"), "{}", e.message);
    assert_eq!(recs[1].as_ref().unwrap().index, 2);
    // Record 3 (Ethernet) is skipped but counted.
    assert_eq!(recs[2].as_ref().unwrap().index, 4);
}

#[test]
fn packet_on_undescribed_interface_is_an_error() {
    let mctp = cat(&[&sll2(0x00FA, 1, 290, 0, &[]), &SET_EID_RESP]);
    let file = cat(&[
        &ng_shb(true),
        &ng_idb(true, 276, None, None),
        &ng_epb(true, 3, 1, &mctp, None),
        &ng_epb(true, 0, 1, &mctp, None),
    ]);
    let cap = Capture::from_bytes(file).unwrap();
    let recs = items(&cap);
    assert!(recs[0]
        .as_ref()
        .unwrap_err()
        .message
        .contains("interface 3"));
    assert!(recs[1].is_ok());
}

#[test]
fn new_section_forgets_interfaces_and_switches_byte_order() {
    let mctp = cat(&[&sll2(0x00FA, 1, 290, 0, &[]), &SET_EID_RESP]);
    let file = cat(&[
        &ng_shb(true),
        &ng_idb(true, 276, None, None),
        &ng_epb(true, 0, 1, &mctp, None),
        &ng_shb(false),
        &ng_idb(false, 291, Some(3), None),
        &ng_epb(false, 0, 1500, &SET_EID_REQ, Some(2)),
    ]);
    let cap = Capture::from_bytes(file).unwrap();
    let recs = items(&cap);
    assert_eq!(recs.len(), 2);
    let b = recs[1].as_ref().unwrap();
    assert_eq!(b.data, &SET_EID_REQ);
    assert_eq!(
        b.ts,
        Some(Timestamp {
            secs: 1,
            nanos: 500_000_000
        })
    );
    assert_eq!(b.direction, Some(Direction::Outgoing));
}

#[test]
fn unknown_blocks_are_skipped() {
    let mctp = cat(&[&sll2(0x00FA, 1, 290, 0, &[]), &SET_EID_RESP]);
    let file = cat(&[
        &ng_shb(true),
        &ng_idb(true, 276, None, None),
        &ng_block(true, 0x0000_0005, &[0; 16]), // interface statistics
        &ng_block(true, 0x4242_4242, &[1, 2, 3]),
        &ng_epb(true, 0, 1, &mctp, None),
    ]);
    let cap = Capture::from_bytes(file).unwrap();
    let recs = items(&cap);
    assert_eq!(recs.len(), 1);
    assert!(recs[0].is_ok());
}

#[test]
fn caplen_past_block_is_a_record_error_and_iteration_goes_on() {
    let mctp = cat(&[&sll2(0x00FA, 1, 290, 0, &[]), &SET_EID_RESP]);
    let mut bad = ng_epb(true, 0, 1, &mctp, None);
    bad[20..24].copy_from_slice(&200u32.to_le_bytes()); // caplen 200
    let file = cat(&[
        &ng_shb(true),
        &ng_idb(true, 276, None, None),
        &bad,
        &ng_epb(true, 0, 2, &mctp, None),
    ]);
    let cap = Capture::from_bytes(file).unwrap();
    let recs = items(&cap);
    assert_eq!(recs.len(), 2);
    assert!(recs[0]
        .as_ref()
        .unwrap_err()
        .message
        .contains("captured length 200"));
    assert_eq!(recs[1].as_ref().unwrap().index, 2);
}

#[test]
fn truncated_block_at_eof_ends_iteration() {
    let mctp = cat(&[&sll2(0x00FA, 1, 290, 0, &[]), &SET_EID_RESP]);
    let mut file = cat(&[
        &ng_shb(true),
        &ng_idb(true, 276, None, None),
        &ng_epb(true, 0, 1, &mctp, None),
        &ng_epb(true, 0, 2, &mctp, None),
    ]);
    file.truncate(file.len() - 5);
    let cap = Capture::from_bytes(file).unwrap();
    let recs = items(&cap);
    assert_eq!(recs.len(), 2);
    assert!(recs[0].is_ok());
    let e = recs[1].as_ref().unwrap_err();
    assert!(e.message.contains("impossible"), "{}", e.message);
    let mut it = cap.records();
    it.by_ref().for_each(drop);
    assert_eq!(it.position(), cap.input_len());
}

#[test]
fn bad_section_header_fails_to_open() {
    let mut file = ng_shb(true);
    file[8] = 0x99; // byte-order magic
    assert!(Capture::from_bytes(file).is_err());
    let shb = ng_shb(true);
    assert!(Capture::from_bytes(shb[..20].to_vec()).is_err());
    let mut v2 = ng_shb(true);
    v2[12] = 2; // major version 2
    assert!(Capture::from_bytes(v2).is_err());
}
