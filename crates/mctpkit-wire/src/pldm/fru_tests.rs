//! Tests for PLDM FRU (type 4): hand-computed frames both ways, the record
//! table iterator with and without the OpenBMC trailer, proptest round
//! trips and garbage input.

extern crate std;

use std::string::String;
use std::vec;
use std::vec::Vec;

use proptest::prelude::*;

use super::*;
use crate::error::ErrorKind;
use crate::pldm::{Header, PldmType};

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

fn rsp(cmd: u8) -> Header {
    Header::response(PldmType::Fru, cmd, 1, 0)
}
fn req(cmd: u8) -> Header {
    Header::request(PldmType::Fru, cmd, 1)
}

fn parse_all<'a>(h: &Header, d: &'a [u8]) -> Body<'a> {
    let (b, n) = Body::parse(h, d).unwrap().unwrap();
    assert_eq!(n, d.len());
    let mut out = vec![0u8; b.buffer_len()];
    b.emit_bytes(&mut out).unwrap();
    assert_eq!(out, d);
    b
}

/// Two records: general (Model "X1", Serial "S/N"), OEM (vendor IANA 0xA015).
fn table() -> Vec<u8> {
    hex("01 00 01 02 01 02 02 58 31 04 03 53 2f 4e  02 00 fe 01 01 01 04 15 a0 00 00")
}

fn table_with_trailer() -> Vec<u8> {
    let mut t = table();
    t.extend_from_slice(&[0, 0, 0]);
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(&t);
    t.extend_from_slice(&crc.to_le_bytes());
    t
}

#[test]
fn metadata_both_ways() {
    let d = hex("01 00 00 01 00 00 40 00 00 00 02 00 03 00 78 56 34 12");
    let b = parse_all(&rsp(0x01), &d);
    let m = GetFruRecordTableMetadataResponse {
        fru_data_major_version: 1,
        fru_data_minor_version: 0,
        fru_table_maximum_size: 0x100,
        fru_table_length: 0x40,
        total_number_of_record_set_identifiers: 2,
        total_number_of_records: 3,
        fru_data_structure_table_integrity_checksum: 0x1234_5678,
    };
    assert_eq!(b, Body::GetFruRecordTableMetadataResponse(m));
    let mut s = String::new();
    b.summary(&mut s).unwrap();
    assert_eq!(
        s,
        "v1.0 length=64 max=256 record_sets=2 records=3 checksum=0x12345678"
    );
    assert_eq!(
        Body::parse(&req(0x01), &[]).unwrap().unwrap(),
        (Body::NoData, 0)
    );
    assert!(Body::parse(&rsp(0x01), &d[..17]).unwrap().is_err());
}

#[test]
fn record_table_iter() {
    let t = table();
    let recs: Vec<_> = RecordTable::iter(&t).map(|r| r.unwrap()).collect();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].record_set_identifier, 1);
    assert_eq!(recs[0].record_type, 1);
    let f: Vec<_> = recs[0].fields().collect();
    assert_eq!(f[0].1.field_type, 2);
    assert_eq!(f[0].1.value, b"X1");
    assert_eq!(f[1].0, 9);
    assert_eq!(field_type_name(1, 4), Some("Serial Number"));
    let v = FieldValue {
        record_type: 0xFE,
        encoding: 1,
        field: recs[1].fields().next().unwrap().1,
    };
    assert_eq!(std::format!("{v}"), "40981");
    // Re-encode the first record from its parts.
    let mut buf = [0u8; 32];
    let n = encode_record(
        1,
        1,
        1,
        &[
            FruField {
                field_type: 2,
                value: b"X1",
            },
            FruField {
                field_type: 4,
                value: b"S/N",
            },
        ],
        &mut buf,
    )
    .unwrap();
    assert_eq!(&buf[..n], &t[..14]);
    // Garbage after the records: one error, then the walk ends.
    let mut bad = t.clone();
    bad.extend_from_slice(&[9, 9]);
    let v: Vec<_> = RecordTable::iter(&bad).collect();
    assert_eq!(v.len(), 3);
    let e = v[2].unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Truncated { .. }));
    assert_eq!(e.offset, t.len() + 2);
}

#[test]
fn get_fru_record_table_with_trailer() {
    assert_eq!(
        parse_all(&req(0x02), &hex("00 00 00 00 01")),
        Body::GetFruRecordTableRequest(GetFruRecordTableRequest {
            data_transfer_handle: 0,
            transfer_operation_flag: 1
        })
    );
    let mut d = hex("00 00 00 00 05");
    d.extend_from_slice(&table_with_trailer());
    let b = parse_all(&rsp(0x02), &d);
    assert_eq!(b.problem(), None);
    let mut s = String::new();
    b.summary(&mut s).unwrap();
    assert_eq!(s, "handle=0x0 StartAndEnd 32 bytes records=2 crc=ok");
    let Body::GetFruRecordTableResponse(p) = b else {
        panic!()
    };
    let t = p.table().unwrap();
    assert_eq!(t.records, &table()[..]);
    assert_eq!(t.pad.len(), 3);
    // Corrupt the CRC: reported by problem(), body still decoded.
    let last = d.len() - 1;
    d[last] ^= 0xFF;
    let b = parse_all(&rsp(0x02), &d);
    let e = b.problem().unwrap();
    assert_eq!(e.offset, 5 + 25 + 3);
    // Without a trailer the table is taken as records only.
    let mut d = hex("00 00 00 00 05");
    d.extend_from_slice(&table());
    let Body::GetFruRecordTableResponse(p) = parse_all(&rsp(0x02), &d) else {
        panic!()
    };
    assert_eq!(p.table().unwrap().checksum, None);
    // Middle parts are kept as bytes.
    let d = hex("02 00 00 00 02 01 02 03");
    let Body::GetFruRecordTableResponse(p) = parse_all(&rsp(0x02), &d) else {
        panic!()
    };
    assert!(p.table().is_none());
}

#[test]
fn set_and_by_option() {
    let mut d = hex("00 00 00 00 05");
    d.extend_from_slice(&table());
    assert!(matches!(
        parse_all(&req(0x03), &d),
        Body::SetFruRecordTableRequest(_)
    ));
    assert_eq!(
        parse_all(&rsp(0x03), &hex("00 00 00 00")),
        Body::SetFruRecordTableResponse(SetFruRecordTableResponse {
            next_data_transfer_handle: 0
        })
    );
    let r = hex("00 00 00 00 01 00 02 00 01 04 01");
    assert_eq!(
        parse_all(&req(0x04), &r),
        Body::GetFruRecordByOptionRequest(GetFruRecordByOptionRequest {
            data_transfer_handle: 0,
            fru_table_handle: 1,
            record_set_identifier: 2,
            record_type: 1,
            field_type: 4,
            transfer_operation_flag: 1
        })
    );
    assert!(matches!(
        parse_all(
            &rsp(0x04),
            &hex("00 00 00 00 05 01 00 01 01 01 04 03 53 2f 4e")
        ),
        Body::GetFruRecordByOptionResponse(_)
    ));
    assert_eq!(command_name(0x04), Some("GetFRURecordByOption"));
    assert_eq!(
        completion_code_name(2, 0x84),
        Some("FRU_DATA_INVALID_DATA_INTEGRITY_CHECK")
    );
    // Error responses and unknown commands are left to the dispatcher.
    let h = Header::response(PldmType::Fru, 2, 1, 0x80);
    assert!(Body::parse(&h, &[]).is_none());
    assert!(Body::parse(&req(0x10), &[1]).is_none());
}

proptest! {
    #[test]
    fn decode_encode_identity(cmd in 1u8..=4, rq: bool, data in proptest::collection::vec(any::<u8>(), 0..64)) {
        let h = if rq { req(cmd) } else { rsp(cmd) };
        if let Some(Ok((b, used))) = Body::parse(&h, &data) {
            let mut out = vec![0u8; b.buffer_len()];
            prop_assert_eq!(b.emit_bytes(&mut out).unwrap(), used);
            prop_assert_eq!(&out[..], &data[..used]);
            prop_assert_eq!(Body::parse(&h, &out).unwrap().unwrap().0, b);
            let mut s = String::new();
            b.summary(&mut s).unwrap();
            let _ = b.problem();
        }
    }

    #[test]
    fn record_round_trip(set: u16, rt: u8, enc: u8, vals in proptest::collection::vec((any::<u8>(), proptest::collection::vec(any::<u8>(), 0..20)), 0..6)) {
        let fields: Vec<FruField<'_>> = vals.iter().map(|(t, v)| FruField { field_type: *t, value: v }).collect();
        let mut buf = [0u8; 256];
        let n = encode_record(set, rt, enc, &fields, &mut buf).unwrap();
        let recs: Vec<_> = RecordTable::iter(&buf[..n]).collect();
        prop_assert_eq!(recs.len(), 1);
        let r = recs[0].unwrap();
        prop_assert_eq!((r.record_set_identifier, r.record_type, r.encoding_type), (set, rt, enc));
        let got: Vec<_> = r.fields().map(|(_, f)| f).collect();
        prop_assert_eq!(got, fields);
    }

    #[test]
    fn garbage_tables_never_panic(data in proptest::collection::vec(any::<u8>(), 0..128)) {
        for r in RecordTable::iter(&data).flatten() {
            {
                for (_, f) in r.fields() {
                    let _ = std::format!("{}", FieldValue { record_type: r.record_type, encoding: r.encoding_type, field: f });
                }
            }
        }
        let _ = RecordTable::with_trailer(&data).map(|t| t.checksum_ok());
    }
}
