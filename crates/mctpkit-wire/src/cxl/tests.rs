//! Tests for the CXL CCI decoder and builder. Fixtures are hand computed
//! from the layouts in `/work/shared/reference/cxl.md` (cited per test);
//! multi-byte fields are little-endian.

extern crate std;

use std::string::String;
use std::vec;
use std::vec::Vec;

use proptest::prelude::*;

use super::builder;
use super::*;
use crate::describe::{Field, Group, Summary, Visitor};
use crate::error::ErrorKind;

fn parse(b: &[u8]) -> Message<'_> {
    Message::parse(b).expect("header decodes")
}

fn rsp_of<'a>(m: &Message<'a>) -> Response<'a> {
    match m.cci.body {
        Body::Response { response, trailing } => {
            assert!(trailing.is_empty(), "trailing {trailing:?}");
            response
        }
        other => panic!("expected a response, got {other:?}"),
    }
}

fn req_of<'a>(m: &Message<'a>) -> Request<'a> {
    match m.cci.body {
        Body::Request { request, trailing } => {
            assert!(trailing.is_empty(), "trailing {trailing:?}");
            request
        }
        other => panic!("expected a request, got {other:?}"),
    }
}

/// Decode → encode gives the same bytes back.
fn reencodes(b: &[u8]) {
    let m = parse(b);
    let mut out = vec![0u8; m.buffer_len()];
    let n = m.emit_bytes(&mut out).unwrap();
    assert_eq!(&out[..n], b);
}

fn summary(m: &Message<'_>) -> String {
    std::format!("{}", Summary(m))
}

/// `name=value (meaning)` lines plus group markers.
#[derive(Default)]
struct Collect(Vec<String>);

impl Visitor for Collect {
    fn field(&mut self, f: &Field<'_>) {
        let mut s = std::format!("{}={}", f.name, f.value);
        if let Some(m) = f.meaning {
            s.push_str(&std::format!(" ({m})"));
        }
        if f.len > 0 {
            s.push_str(&std::format!(" @{}", f.offset));
        }
        self.0.push(s);
    }
    fn begin(&mut self, name: &'static str, g: Group, offset: usize, _len: usize) {
        self.0.push(std::format!("begin {name} {g:?} @{offset}"));
    }
    fn end(&mut self) {
        self.0.push("end".into());
    }
}

fn fields(m: &Message<'_>) -> Vec<String> {
    let mut c = Collect::default();
    m.describe(&mut c);
    c.0
}

fn has(fs: &[String], s: &str) {
    assert!(fs.iter().any(|f| f == s), "missing {s:?} in {fs:#?}");
}

/// A response message: type 8, category 1, given tag/opcode, payload.
fn rsp_bytes(opcode: u16, tag: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0x08, 0x01, tag, 0x00, opcode as u8, (opcode >> 8) as u8];
    let n = payload.len() as u32;
    v.extend_from_slice(&n.to_le_bytes()[..3]);
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(payload);
    v
}

// ------------------------------------------------------------ header

#[test]
fn reference_get_timestamp_example() {
    // cxl.md §2 (CodeConstruct mctp PR #168): request header with libcxlmi's 0xABCD.
    let req = [
        0x08, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0xcd, 0xab,
    ];
    let m = parse(&req);
    let h = m.header();
    assert_eq!(h.category, Category::Request);
    assert_eq!(
        (h.tag, h.opcode, h.payload_length, h.bo),
        (0, 0x0300, 0, false)
    );
    assert_eq!(h.vendor_specific_extended_status, 0xABCD);
    assert_eq!(m.cci.body, Body::Empty);
    assert!(m.problem().is_none());
    assert_eq!(summary(&m), "CXL GetTimestamp req tag=0");
    let built = builder::get_timestamp_request(0)
        .vendor_status(0xABCD)
        .to_vec();
    assert_eq!(built, req);

    let mut rsp = vec![
        0x08, 0x01, 0x00, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];
    rsp.extend_from_slice(&0x1788_1234_5678_9abcu64.to_le_bytes());
    let m = parse(&rsp);
    assert_eq!(m.header().payload_length, 8);
    assert_eq!(
        rsp_of(&m),
        Response::GetTimestamp(GetTimestampResponse {
            timestamp: 0x1788_1234_5678_9abc
        })
    );
    assert!(m.problem().is_none());
    let built = builder::for_body(GetTimestampResponse {
        timestamp: 0x1788_1234_5678_9abc,
    })
    .to_vec();
    assert_eq!(built, rsp);
    reencodes(&rsp);
}

#[test]
fn payload_length_is_21_bits_with_bo_at_bit_23() {
    // Length bytes 00 00 A0: bits 21 (reserved) and 23 (BO) set; length 0.
    let b = [
        0x08, 0x01, 0x07, 0x00, 0x00, 0x44, 0x00, 0x00, 0xA0, 0x01, 0x00, 0x00, 0x00,
    ];
    let m = parse(&b);
    assert_eq!(m.header().payload_length, 0);
    assert!(m.header().bo);
    assert!(m.problem().is_none());
    assert_eq!(
        summary(&m),
        "CXL Sanitize rsp tag=7 Background Command Started BO"
    );
    let built = builder::response(0x4400)
        .tag(7)
        .return_code(ReturnCode::BackgroundCommandStarted)
        .bo(true)
        .to_vec();
    assert_eq!(built[..7], b[..7]);
    assert_eq!(built[8], 0x80, "reserved bit 21 is written as 0");
}

#[test]
fn payload_length_field_masks_exactly_21_bits() {
    let mut b = [0u8; 13];
    b[0] = 0x08;
    let mut p = Packet::new_unchecked(&mut b[1..]);
    p.set_payload_length(0x1F_FFFF, false);
    assert_eq!(&b[6..9], &[0xFF, 0xFF, 0x1F]);
    let p = Packet::new_unchecked(&b[1..]);
    assert_eq!(p.payload_length(), 0x1F_FFFF);
    assert!(!p.bo());
}

#[test]
fn payload_length_mismatch_is_reported() {
    // Get Health Info request declaring 4 payload bytes but carrying none.
    let b = builder::get_health_info_request(3)
        .payload_length(4)
        .to_vec();
    let m = parse(&b);
    let e = m.problem().expect("mismatch");
    assert_eq!(e.offset, 6, "offset of the length field from the type byte");
    assert_eq!(
        e.kind,
        ErrorKind::LengthMismatch {
            field: "payload_length",
            declared: 4,
            actual: 0
        }
    );
    // And the other way round: bytes present but length 0.
    let b = builder::request(0x4200)
        .payload(&[1, 2])
        .payload_length(0)
        .to_vec();
    assert!(matches!(
        parse(&b).problem().unwrap().kind,
        ErrorKind::LengthMismatch {
            declared: 0,
            actual: 2,
            ..
        }
    ));
}

#[test]
fn short_header_is_an_error_and_never_panics() {
    for n in 0..13 {
        let b = vec![0x08u8; n];
        let e = Message::parse(&b).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 13,
                available: n
            },
            "n={n}"
        );
    }
    assert!(Message::parse(&[0x08; 13]).is_ok());
}

#[test]
fn return_codes_by_name() {
    assert_eq!(ReturnCode::from_value(0).name(), Some("Success"));
    assert_eq!(ReturnCode::from_value(2).name(), Some("Invalid Input"));
    assert_eq!(ReturnCode::from_value(6).name(), Some("Busy"));
    assert_eq!(ReturnCode::from_value(7).name(), Some("Media Disabled"));
    assert_eq!(
        ReturnCode::from_value(8).name(),
        Some("FW Transfer in Progress")
    );
    assert_eq!(
        ReturnCode::from_value(0x20).name(),
        Some("Request Abort Not Supported")
    );
    assert_eq!(ReturnCode::ALL.len(), 0x21, "0x00..=0x20 all named");
    assert_eq!(ReturnCode::from_value(0x21), ReturnCode::Unknown(0x21));
    // An error response has no payload layout: Empty, and the name shows.
    let b = builder::response(0x4200)
        .tag(1)
        .return_code(ReturnCode::Unsupported)
        .to_vec();
    let m = parse(&b);
    assert_eq!(m.cci.body, Body::Empty);
    assert_eq!(summary(&m), "CXL GetHealthInfo rsp tag=1 Unsupported");
    has(&fields(&m), "return_code=0x0003 (Unsupported) @9");
}

#[test]
fn opcode_names() {
    for (op, name) in [
        (0x0001, "Identify"),
        (0x0002, "Background Operation Status"),
        (0x0100, "Get Event Records"),
        (0x0502, "Set Feature"),
        (0x4000, "Identify Memory Device"),
        (0x4102, "Get LSA"),
        (0x4304, "Scan Media"),
        (0x4401, "Secure Erase"),
        (0x4505, "Passphrase Secure Erase"),
        (0x4601, "Security Receive"),
        (0x4702, "Get SLD QoS Status"),
        (0x4803, "Release Dynamic Capacity"),
        (0x5100, "Identify Switch Device"),
        (0x5101, "Get Physical Port State"),
        (0x5103, "Send PPB CXL.io Configuration Request"),
        (0x5201, "Bind vPPB"),
        (0x5300, "Tunnel Management Command"),
        (0x5302, "Send LD CXL.io Memory Request"),
        (0x5400, "Get LD Info"),
        (0x5402, "Set LD Allocations"),
        (0x5500, "Get Multi-Headed Info"),
        (0x5605, "Initiate Dynamic Capacity Release"),
        (0xC000, "Vendor Specific"),
        (0xFFFF, "Vendor Specific"),
    ] {
        assert_eq!(opcode_name(op), Some(name), "{op:04x}");
    }
    assert_eq!(opcode_name(0x0006), None);
    assert_eq!(opcode_name(0x5000), None);
    let b = builder::request(0xC123)
        .tag(9)
        .payload(&[0xAA, 0xBB])
        .to_vec();
    let m = parse(&b);
    assert_eq!(m.cci.body, Body::Vendor(&[0xAA, 0xBB]));
    assert_eq!(summary(&m), "CXL VendorC123h req tag=9 / data=aabb");
    let fs = fields(&m);
    has(&fs, "opcode_name=Vendor Specific");
    has(&fs, "vendor_payload=aa bb @13");
}

#[test]
fn header_fields_describe() {
    let b = builder::get_health_info_request(5).to_vec();
    assert_eq!(b, [0x08, 0, 5, 0, 0x00, 0x42, 0, 0, 0, 0, 0, 0, 0]);
    let fs = fields(&parse(&b));
    has(&fs, "message_type=0x08 (CXL CCI) @0");
    has(&fs, "category=0x00 (request) @1");
    has(&fs, "tag=5 @2");
    has(&fs, "opcode=0x4200 @4");
    has(&fs, "opcode_name=Get Health Info");
    has(&fs, "command_set=Health Info and Alerts");
    has(&fs, "payload_length=0 @6");
    has(&fs, "bo=0 @8");
    has(&fs, "return_code=-");
}

#[test]
fn pairing_matches_request_and_response() {
    let q = builder::get_health_info_request(5).to_vec();
    let r = builder::response(0x4200).tag(5).to_vec();
    let other = builder::response(0x4200).tag(6).to_vec();
    let pq = parse(&q).pairing().unwrap();
    let pr = parse(&r).pairing().unwrap();
    assert!(pq.request && !pr.request);
    assert_eq!(pq.key, pr.key);
    assert_ne!(parse(&other).pairing().unwrap().key, pq.key);
    // FM-API type 7 and CCI type 8 with the same tag/opcode differ.
    let fm = builder::response(0x4200).tag(5).fm_api().to_vec();
    assert_ne!(parse(&fm).pairing().unwrap().key, pq.key);
    // Reply builder echoes tag, opcode and type.
    let q = builder::identify_switch_device_request(9).to_vec();
    let m = parse(&q);
    let r = builder::reply_to(&m).to_vec();
    assert_eq!(parse(&r).pairing().unwrap().key, m.pairing().unwrap().key);
    assert_eq!(r[0], 0x07);
    // Unknown category: no pairing.
    let mut b = q.clone();
    b[1] = 0x05;
    assert!(parse(&b).pairing().is_none());
}

// ------------------------------------------------------------ bodies

#[test]
fn identify_response() {
    // cxl.md §7.1.
    let payload = [
        0x86, 0x80, 0x93, 0x0d, 0x00, 0x00, 0x00,
        0x00, // vendor 8086, device 0d93, subsys 0/0
        0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, // serial
        0x09, 0x03, // 2^9, Type 3
    ];
    let b = rsp_bytes(0x0001, 2, &payload);
    let m = parse(&b);
    let want = IdentifyResponse {
        pcie_vendor_id: 0x8086,
        pcie_device_id: 0x0d93,
        pcie_subsystem_vendor_id: 0,
        pcie_subsystem_id: 0,
        device_serial_number: 0x0102_0304_0506_0708,
        max_supported_message_size: 9,
        component_type: ComponentType::Type3Device,
    };
    assert_eq!(rsp_of(&m), Response::Identify(want));
    assert_eq!(
        summary(&m),
        "CXL Identify rsp tag=2 Success / 8086:0d93 sn=0102030405060708 Type 3 device"
    );
    let fs = fields(&m);
    has(&fs, "max_supported_message_bytes=512");
    has(&fs, "component_type=0x03 (Type 3 device) @30");
    assert_eq!(builder::for_body(want).tag(2).to_vec(), b);
    // Truncated: header still shows, body is Malformed with the offset from the type byte.
    let short = rsp_bytes(0x0001, 2, &payload[..10]);
    let m = parse(&short);
    assert!(matches!(m.cci.body, Body::Malformed { .. }));
    let e = m.problem().unwrap();
    assert_eq!(
        e.kind,
        ErrorKind::Truncated {
            needed: 13 + 18,
            available: 13 + 10
        }
    );
    assert_eq!(e.offset, 13 + 10, "the same base as needed and available");
    assert!(summary(&m).starts_with("CXL Identify rsp tag=2 Success / malformed"));
}

#[test]
fn background_operation_status() {
    // cxl.md §3: running, 50 % of Sanitize (4400h), rc 0.
    let payload = [0x65, 0x00, 0x00, 0x44, 0x00, 0x00, 0x00, 0x00];
    let b = rsp_bytes(0x0002, 1, &payload);
    let want = BackgroundOperationStatusResponse {
        running: true,
        percentage_complete: 50,
        opcode: 0x4400,
        return_code: ReturnCode::Success,
        vendor_specific_extended_status: 0,
    };
    let m = parse(&b);
    assert_eq!(rsp_of(&m), Response::BackgroundOperationStatus(want));
    assert_eq!(
        summary(&m),
        "CXL BackgroundOperationStatus rsp tag=1 Success / running 4400h 50% Success"
    );
    has(&fields(&m), "opcode_name=Sanitize");
    assert_eq!(builder::for_body(want).tag(1).to_vec(), b);
}

#[test]
fn set_timestamp_request() {
    let b = builder::set_timestamp_request(4, 1_700_000_000_000_000_000).to_vec();
    let mut want = vec![0x08, 0, 4, 0, 0x01, 0x03, 8, 0, 0, 0, 0, 0, 0];
    want.extend_from_slice(&1_700_000_000_000_000_000u64.to_le_bytes());
    assert_eq!(b, want);
    let m = parse(&b);
    assert_eq!(
        req_of(&m),
        Request::SetTimestamp(SetTimestampRequest {
            timestamp: 1_700_000_000_000_000_000
        })
    );
}

fn event_record(handle: u16) -> [u8; 128] {
    let mut r = [0u8; 128];
    // General Media Event Record UUID (r3.1 Table 8-45).
    r[..16].copy_from_slice(&[
        0xfb, 0xcd, 0x0a, 0x77, 0xc2, 0x60, 0x41, 0x7f, 0x85, 0xa9, 0x08, 0x8b, 0x16, 0x21, 0xeb,
        0xa6,
    ]);
    r[0x10] = 128;
    r[0x11] = 0b0000_1010; // severity 2 (failure), maintenance needed
    r[0x12] = 0x01; // bit 8: head ID valid
    r[0x14..0x16].copy_from_slice(&handle.to_le_bytes());
    r[0x16..0x18].copy_from_slice(&0u16.to_le_bytes());
    r[0x18..0x20].copy_from_slice(&1234u64.to_le_bytes());
    r[0x20] = 0x01;
    r[0x24] = 2;
    r[0x30] = 0xEE;
    r
}

#[test]
fn get_event_records() {
    let b = builder::get_event_records_request(1, EventLog::Failure).to_vec();
    assert_eq!(b, [0x08, 0, 1, 0, 0x00, 0x01, 1, 0, 0, 0, 0, 0, 0, 2]);
    assert_eq!(
        req_of(&parse(&b)),
        Request::GetEventRecords(GetEventRecordsRequest {
            event_log: EventLog::Failure
        })
    );

    // cxl.md §7.9: flags (more records), 2 records.
    let mut p = vec![0u8; 0x20];
    p[0] = 0x02;
    p[0x14] = 2;
    p.extend_from_slice(&event_record(0x11));
    p.extend_from_slice(&event_record(0x12));
    let b = rsp_bytes(0x0100, 1, &p);
    let m = parse(&b);
    let Response::GetEventRecords(r) = rsp_of(&m) else {
        panic!()
    };
    assert!(r.more_event_records() && !r.overflow());
    assert_eq!(r.records.len(), 2);
    let recs: Vec<EventRecord<'_>> = r.records.iter().collect();
    assert_eq!(recs[1].event_record_handle, 0x12);
    assert_eq!(recs[0].severity(), EventLog::Failure);
    assert_eq!(recs[0].event_record_timestamp, 1234);
    assert_eq!(recs[0].head_id, 2);
    assert_eq!(recs[0].data()[0], 0xEE);
    assert_eq!(recs[0].data().len(), 80);
    assert_eq!(
        summary(&m),
        "CXL GetEventRecords rsp tag=1 Success / 2 records, more"
    );
    let fs = fields(&m);
    has(&fs, "begin event_records List @45");
    has(&fs, "event_record_identifier=fbcd0a77-c260-417f-85a9-088b1621eba6 (General Media Event Record) @45");
    has(&fs, "severity=2 (failure) @62");
    has(&fs, "maintenance_needed=1 @62");
    has(&fs, "head_id_valid=1 @63");
    has(&fs, "event_record_handle=0x0012 @193");
    reencodes(&b);
    // Record count larger than the records present: malformed.
    let mut short = p.clone();
    short.truncate(0x20 + 128 + 5);
    let sb = rsp_bytes(0x0100, 1, &short);
    let m = parse(&sb);
    assert!(matches!(
        m.problem().unwrap().kind,
        // From the type byte: 1 + 12 header bytes + payload positions.
        ErrorKind::Truncated {
            needed: 301,
            available: 178
        }
    ));
}

#[test]
fn get_fw_info() {
    // cxl.md §7.10: 2 slots, active 1, staged 2, online activation.
    let mut p = vec![0u8; 80];
    p[0] = 2;
    p[1] = (2 << 3) | 1;
    p[2] = 1;
    p[0x10..0x15].copy_from_slice(b"1.2.3");
    p[0x20..0x24].copy_from_slice(b"2.0 ");
    let b = rsp_bytes(0x0200, 0, &p);
    let m = parse(&b);
    let Response::GetFwInfo(r) = rsp_of(&m) else {
        panic!()
    };
    assert_eq!((r.active_slot(), r.staged_slot()), (1, 2));
    assert_eq!(
        summary(&m),
        "CXL GetFWInfo rsp tag=0 Success / 2 slots, active 1 \"1.2.3\""
    );
    let fs = fields(&m);
    has(&fs, "slot_1_fw_revision=1.2.3 @29");
    has(&fs, "slot_2_fw_revision=2.0 @45");
    has(&fs, "slot_3_fw_revision= @61");
    has(&fs, "online_activation_supported=1 @15");
    assert_eq!(builder::for_body(r).to_vec(), b);
}

#[test]
fn supported_logs_get_log_and_cel() {
    // cxl.md §7.7: one CEL entry, 12 bytes.
    let mut p = vec![1, 0, 0, 0, 0, 0, 0, 0];
    p.extend_from_slice(&CEL_UUID);
    p.extend_from_slice(&12u32.to_le_bytes());
    let b = rsp_bytes(0x0400, 3, &p);
    let m = parse(&b);
    let Response::GetSupportedLogs(r) = rsp_of(&m) else {
        panic!()
    };
    let e: Vec<_> = r.entries.iter().collect();
    assert_eq!(
        e,
        [SupportedLogEntry {
            log_identifier: CEL_UUID,
            log_size: 12
        }]
    );
    assert_eq!(
        summary(&m),
        "CXL GetSupportedLogs rsp tag=3 Success / 1 logs CEL(12)"
    );
    has(
        &fields(&m),
        "log_identifier=0da9c0b5-bf41-4b78-8f79-96b1623b3f17 (Command Effects Log) @21",
    );
    reencodes(&b);

    // Get Log request for the CEL (cxl.md §7.8).
    let q = builder::get_cel_request(4, 0, 12).to_vec();
    assert_eq!(q.len(), 13 + 24);
    assert_eq!(&q[13..29], &CEL_UUID);
    assert_eq!(&q[29..37], &[0, 0, 0, 0, 12, 0, 0, 0]);
    let qm = parse(&q);
    assert_eq!(
        summary(&qm),
        "CXL GetLog req tag=4 / Command Effects Log offset=0 length=12"
    );

    // The response: 3 CEL entries. Without context it is raw log data…
    let cel = [
        0x01, 0x00, 0x00, 0x00, // Identify, no effects
        0x00, 0x44, 0x44, 0x00, // Sanitize: immediate data change + background
        0x01, 0x02, 0x81,
        0x03, // Transfer FW: cold reset cfg, secondary mailbox, abort supported, CEL[11:10] valid
    ];
    let r = rsp_bytes(0x0401, 4, &cel);
    let m = parse(&r);
    assert_eq!(
        rsp_of(&m),
        Response::GetLog(GetLogResponse {
            cel: false,
            data: &cel
        })
    );
    // …with the request observed it decodes as the CEL.
    let mut ctx = Context::default();
    ctx.observe(&qm);
    let m = Message::parse_with(&r, &ctx).unwrap();
    let Response::GetLog(g) = rsp_of(&m) else {
        panic!()
    };
    assert!(g.cel);
    let entries: Vec<_> = g.cel_entries().iter().collect();
    assert_eq!(
        entries[1],
        CelEntry {
            opcode: 0x4400,
            command_effect: 0x0044
        }
    );
    assert_eq!(summary(&m), "CXL GetLog rsp tag=4 Success / CEL 3 entries");
    let fs = fields(&m);
    has(&fs, "begin cel List @13");
    has(&fs, "opcode_name=Sanitize");
    has(&fs, "immediate_data_change=1 @19");
    has(&fs, "background_operation=1 @19");
    has(&fs, "opcode_name=Transfer FW");
    has(&fs, "secondary_mailbox_supported=1 @23");
    has(&fs, "request_abort_background_operation_supported=1 @24");
    has(&fs, "cel_11_10_valid=1 @24");
}

#[test]
fn identify_memory_device() {
    // cxl.md §6.2: 69 bytes (0x45), 67 in CXL 2.0.
    let mut p = vec![0u8; 0x45];
    p[..8].copy_from_slice(b"FW 1.0.0");
    p[0x10] = 4; // total 1 GiB
    p[0x18] = 4; // volatile only 1 GiB
    p[0x28] = 1;
    p[0x30] = 0x10;
    p[0x38..0x3C].copy_from_slice(&0x1000u32.to_le_bytes());
    p[0x3C..0x3F].copy_from_slice(&[0x00, 0x01, 0x00]); // 256 records
    p[0x3F] = 8;
    p[0x41] = 0x03;
    p[0x42] = 0x02;
    p[0x43] = 8;
    let b = rsp_bytes(0x4000, 1, &p);
    let m = parse(&b);
    let Response::IdentifyMemoryDevice(r) = rsp_of(&m) else {
        panic!()
    };
    assert_eq!(r.total_capacity, 4);
    assert_eq!(r.poison_list_maximum_media_error_records, 256);
    assert_eq!(r.inject_poison_limit, 8);
    assert_eq!(r.dynamic_capacity_event_log_size, Some(8));
    assert_eq!(r.lsa_size, 0x1000);
    assert_eq!(
        summary(&m),
        "CXL IdentifyMemoryDevice rsp tag=1 Success / fw \"FW 1.0.0\" total=1024 MiB volatile=1024 MiB persistent=0 MiB"
    );
    let fs = fields(&m);
    has(&fs, "fw_revision=FW 1.0.0 @13");
    has(&fs, "total_capacity=4 (256 MiB units) @29");
    has(&fs, "temporary_throughput_reduction_supported=1 @79");
    has(&fs, "dynamic_capacity_event_log_size=8 @80");
    assert_eq!(builder::for_body(r).tag(1).to_vec(), b);
    // CXL 2.0 form: 67 bytes, no DC event log size.
    let b2 = rsp_bytes(0x4000, 1, &p[..0x43]);
    let m = parse(&b2);
    let Response::IdentifyMemoryDevice(r2) = rsp_of(&m) else {
        panic!()
    };
    assert_eq!(r2.dynamic_capacity_event_log_size, None);
    assert!(m.problem().is_none());
    reencodes(&b2);
}

#[test]
fn get_partition_info() {
    let mut p = vec![0u8; 32];
    p[0] = 2;
    p[8] = 6;
    p[16] = 4;
    p[24] = 4;
    let b = rsp_bytes(0x4100, 0, &p);
    let m = parse(&b);
    let want = GetPartitionInfoResponse {
        active_volatile_capacity: 2,
        active_persistent_capacity: 6,
        next_volatile_capacity: 4,
        next_persistent_capacity: 4,
    };
    assert_eq!(rsp_of(&m), Response::GetPartitionInfo(want));
    assert_eq!(
        summary(&m),
        "CXL GetPartitionInfo rsp tag=0 Success / active volatile=512 MiB persistent=1536 MiB"
    );
    assert_eq!(builder::for_body(want).to_vec(), b);
}

#[test]
fn get_health_info() {
    // cxl.md §7.2: maintenance needed, media normal, life warning + temp critical,
    // 7 % used, -5 °C, 3 dirty shutdowns, 10 / 20 corrected errors.
    let p = [
        0x01,
        0x00,
        0b0000_1001,
        7,
        0xFB,
        0xFF,
        3,
        0,
        0,
        0,
        10,
        0,
        0,
        0,
        20,
        0,
        0,
        0,
    ];
    let b = rsp_bytes(0x4200, 5, &p);
    let m = parse(&b);
    let want = GetHealthInfoResponse {
        health_status: 1,
        media_status: MediaStatus::Normal,
        additional_status: 0b1001,
        life_used: 7,
        device_temperature: -5,
        dirty_shutdown_count: 3,
        corrected_volatile_error_count: 10,
        corrected_persistent_error_count: 20,
    };
    assert_eq!(rsp_of(&m), Response::GetHealthInfo(want));
    assert_eq!(
        summary(&m),
        "CXL GetHealthInfo rsp tag=5 Success / maintenance-needed media=normal life=7% temp=-5C dirty_shutdowns=3"
    );
    let fs = fields(&m);
    has(&fs, "maintenance_needed=1 @13");
    has(&fs, "media_status=0x00 (normal) @14");
    has(&fs, "life_used_status=1 (warning) @15");
    has(&fs, "device_temperature_status=2 (critical) @15");
    has(&fs, "device_temperature=-5 (degrees C) @17");
    has(&fs, "corrected_persistent_error_count=20 @27");
    assert_eq!(builder::for_body(want).tag(5).to_vec(), b);
    // Not implemented temperature / life used.
    let mut q = p;
    q[3] = 0xFF;
    q[4] = 0xFF;
    let qb = rsp_bytes(0x4200, 5, &q);
    let m = parse(&qb);
    assert!(!summary(&m).contains("temp="));
    has(&fields(&m), "device_temperature=-1 (not implemented) @17");
}

#[test]
fn identify_switch_device() {
    // cxl.md §7.4: 73 bytes; ingress 0, 4 ports (0,1,2 active), 1 VCS.
    let mut p = vec![0u8; 0x49];
    p[2] = 4;
    p[3] = 1;
    p[4] = 0b0111;
    p[0x24] = 1;
    p[0x44] = 3;
    p[0x46] = 2;
    p[0x48] = 8;
    let mut b = rsp_bytes(0x5100, 0, &p);
    b[0] = 0x07;
    let m = parse(&b);
    let Response::IdentifySwitchDevice(r) = rsp_of(&m) else {
        panic!()
    };
    assert_eq!(
        (
            r.number_of_physical_ports,
            r.number_of_vcss,
            r.number_of_hdm_decoders
        ),
        (4, 1, 8)
    );
    assert_eq!(summary(&m), "CXL-FM IdentifySwitchDevice rsp tag=0 Success / ingress=0 ports=4 (3 active) vcss=1 vppbs=2/3");
    assert_eq!(builder::for_body(r).to_vec(), b);
}

#[test]
fn get_physical_port_state() {
    // cxl.md §7.5.
    let b = builder::get_physical_port_state_request(2, &[0, 2]).to_vec();
    assert_eq!(b, [0x07, 0, 2, 0, 0x01, 0x51, 3, 0, 0, 0, 0, 0, 0, 2, 0, 2]);
    let m = parse(&b);
    assert_eq!(
        req_of(&m),
        Request::GetPhysicalPortState(GetPhysicalPortStateRequest { port_ids: &[0, 2] })
    );
    let port = [
        2,    // port ID
        0x03, // DSP
        0x02, // 68B flit + VH
        0x00, 0x04, // Type 3 SLD
        0x07, // supported modes
        16, 8, 0x1F, 5, 5, 0x04, // x16 max, x8 negotiated, speeds, 32 GT/s, 32 GT/s, L0
        0,    // first lane
        0x05, 0x00, // lane reversal + PRSNT
        1,
    ];
    let mut p = vec![1, 0, 0, 0];
    p.extend_from_slice(&port);
    let mut b = rsp_bytes(0x5101, 2, &p);
    b[0] = 0x07;
    let m = parse(&b);
    let Response::GetPhysicalPortState(r) = rsp_of(&m) else {
        panic!()
    };
    let ports: Vec<_> = r.ports.iter().collect();
    let want = PortInfo {
        port_id: 2,
        current_port_configuration_state: PortConfigurationState::DownstreamPort,
        connected_device_mode: ConnectedDeviceMode::Flit68BVh,
        connected_device_type: ConnectedDeviceType::Type3Sld,
        supported_cxl_modes: 7,
        maximum_link_width: 16,
        negotiated_link_width: 8,
        supported_link_speeds_vector: 0x1F,
        max_link_speed: 5,
        current_link_speed: 5,
        ltssm_state: LtssmState::L0,
        first_negotiated_lane_number: 0,
        link_state_flags: 5,
        supported_ld_count: 1,
    };
    assert_eq!(ports, [want]);
    let mut enc = [0u8; 16];
    want.emit_exact(&mut enc);
    assert_eq!(enc, port);
    assert_eq!(
        summary(&m),
        "CXL-FM GetPhysicalPortState rsp tag=2 Success / 1 ports [2: DSP L0 x8]"
    );
    let fs = fields(&m);
    has(&fs, "connected_device_type=0x04 (CXL Type 3 SLD) @21");
    has(&fs, "current_link_speed=0x05 (32 GT/s) @27");
    has(&fs, "ltssm_state=0x04 (L0) @28");
    has(&fs, "prsnt_state=1 @30");
    reencodes(&b);
}

#[test]
fn get_ld_info() {
    // cxl.md §7.6: 11 bytes.
    let p = [0, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0x03];
    let mut b = rsp_bytes(0x5400, 0, &p);
    b[0] = 0x07;
    let m = parse(&b);
    let want = GetLdInfoResponse {
        memory_size: 1 << 32,
        ld_count: 4,
        qos_telemetry_capability: 3,
    };
    assert_eq!(rsp_of(&m), Response::GetLdInfo(want));
    assert_eq!(
        summary(&m),
        "CXL-FM GetLDInfo rsp tag=0 Success / size=4294967296 bytes lds=4"
    );
    has(&fields(&m), "egress_port_congestion_supported=1 @23");
    assert_eq!(builder::for_body(want).to_vec(), b);
}

#[test]
fn trailing_bytes_are_kept_and_reported() {
    let b = builder::response(0x0300)
        .payload(&[1, 2, 3, 4, 5, 6, 7, 8, 9])
        .to_vec();
    let m = parse(&b);
    assert_eq!(m.cci.body.trailing(), &[9]);
    let e = m.problem().unwrap();
    assert_eq!(e.kind, ErrorKind::Trailing { extra: 1 });
    assert_eq!(e.offset, 13 + 8);
    assert!(summary(&m).ends_with("(+1 trailing bytes)"));
    has(&fields(&m), "trailing=09 @21");
    reencodes(&b);
}

// ------------------------------------------------------------ tunnels

#[test]
fn tunnel_sizes_match_reference_table() {
    // cxl.md §5.2: Identify, direct / 1 level / 2 levels.
    let direct = builder::identify_request(0);
    assert_eq!(direct.cci_len(), 12);
    let one = builder::tunnel(3, direct);
    assert_eq!(one.cci_len(), 28);
    let two = builder::tunnel(3, builder::tunnel(1, direct));
    assert_eq!(two.cci_len(), 44);
    let id = IdentifyResponse {
        pcie_vendor_id: 0x1b36,
        pcie_device_id: 0x0d93,
        pcie_subsystem_vendor_id: 0,
        pcie_subsystem_id: 0,
        device_serial_number: 1,
        max_supported_message_size: 9,
        component_type: ComponentType::Type3Device,
    };
    let rsp = builder::for_body(id);
    assert_eq!(rsp.cci_len(), 30);
    assert_eq!(builder::tunnel_response(rsp).cci_len(), 46);
    assert_eq!(
        builder::tunnel_response(builder::tunnel_response(rsp)).cci_len(),
        62
    );
}

#[test]
fn tunnel_request_decodes_recursively() {
    // LD 1 of an MLD behind switch port 3 (cxl.md §5.2): outer 5300h {3}
    // wrapping inner 5300h {1} wrapping Get LD Info.
    let b = builder::tunnel(
        3,
        builder::tunnel(1, builder::get_ld_info_request(7)).tag(6),
    )
    .tag(5)
    .to_vec();
    assert_eq!(b.len(), 1 + 44);
    #[rustfmt::skip]
    let want = [
        0x07,
        0x00, 5, 0, 0x00, 0x53, 32, 0, 0, 0, 0, 0, 0,   // outer header, payload 32
        3, 0, 28, 0,                                     // port 3, type 0, size 28
        0x00, 6, 0, 0x00, 0x53, 16, 0, 0, 0, 0, 0, 0,   // inner tunnel, payload 16
        1, 0, 12, 0,                                     // LD 1, size 12
        0x00, 7, 0, 0x00, 0x54, 0, 0, 0, 0, 0, 0, 0,    // Get LD Info
    ];
    assert_eq!(b, want);
    let m = parse(&b);
    assert!(m.problem().is_none());
    let Request::Tunnel(t) = req_of(&m) else {
        panic!()
    };
    assert_eq!(
        (t.port_or_ld_id, t.target_type, t.command.len()),
        (3, TargetType::PortOrLd, 28)
    );
    let inner = m.cci.tunnelled().unwrap().unwrap();
    assert_eq!(inner.depth, 1);
    assert_eq!(inner.header.opcode, 0x5300);
    let innermost = inner.tunnelled().unwrap().unwrap();
    assert_eq!(
        (
            innermost.depth,
            innermost.header.opcode,
            innermost.header.tag
        ),
        (2, 0x5400, 7)
    );
    assert_eq!(
        summary(&m),
        "CXL-FM TunnelManagementCommand req tag=5 / port/LD 3 >> TunnelManagementCommand req tag=6 / port/LD 1 >> GetLDInfo req tag=7"
    );
    let fs = fields(&m);
    has(&fs, "command_size=28 @15");
    has(&fs, "begin message Object @17");
    has(&fs, "tag=6 @18");
    has(&fs, "begin message Object @33");
    has(&fs, "opcode=0x5400 @36");
    has(&fs, "opcode_name=Get LD Info");
    // Groups are balanced.
    let opens = fs.iter().filter(|f| f.starts_with("begin")).count();
    assert_eq!(opens, fs.iter().filter(|f| *f == "end").count());
}

#[test]
fn tunnel_response_and_ld_pool() {
    let id = IdentifyResponse {
        pcie_vendor_id: 0x1b36,
        pcie_device_id: 0x0d93,
        pcie_subsystem_vendor_id: 0,
        pcie_subsystem_id: 0,
        device_serial_number: 1,
        max_supported_message_size: 9,
        component_type: ComponentType::Type3Device,
    };
    let b = builder::tunnel_response(builder::for_body(id).tag(2))
        .tag(1)
        .to_vec();
    assert_eq!(&b[13..17], &[30, 0, 0, 0]);
    let m = parse(&b);
    assert!(m.problem().is_none());
    let inner = m.cci.tunnelled().unwrap().unwrap();
    assert_eq!(inner.body, Body::response(id));
    assert!(summary(&m).contains(">> Identify rsp tag=2 Success / 1b36:0d93"));

    let b = builder::tunnel_to_ld_pool(builder::request(0x5500).payload(&[0, 4])).to_vec();
    assert_eq!(&b[13..17], &[0xFF, 0x01, 14, 0]);
    let m = parse(&b);
    assert!(summary(&m).contains("/ LD pool CCI >> GetMultiHeadedInfo req"));
    has(&fields(&m), "target_type=1 (LD pool CCI) @14");
}

#[test]
fn tunnel_problems_carry_inner_offsets() {
    // Inner Get Health Info request declares 2 payload bytes but has none.
    let b = builder::tunnel(3, builder::get_health_info_request(0).payload_length(2)).to_vec();
    let e = parse(&b).problem().unwrap();
    assert_eq!(
        e.offset,
        17 + 5,
        "inner length field, from the outer type byte"
    );
    assert!(matches!(
        e.kind,
        ErrorKind::LengthMismatch {
            declared: 2,
            actual: 0,
            ..
        }
    ));
    // Command Size larger than the bytes: the outer payload is malformed.
    let mut b = builder::tunnel(3, builder::identify_request(0)).to_vec();
    b[15] = 40;
    let m = parse(&b);
    assert!(matches!(m.cci.body, Body::Malformed { .. }));
    assert!(matches!(
        m.problem().unwrap().kind,
        // From the type byte (1 + 12 header bytes + payload positions).
        ErrorKind::Truncated {
            needed: 57,
            available: 29
        }
    ));
    // Command Size smaller: the rest is trailing.
    let mut b = builder::tunnel(3, builder::identify_request(0))
        .payload_length(16)
        .to_vec();
    b[15] = 11;
    let m = parse(&b);
    assert!(matches!(
        m.problem().unwrap().kind,
        ErrorKind::Trailing { extra: 1 }
    ));
    // An inner message shorter than a CCI header.
    let b = builder::tunnel(3, &[0u8, 1, 2][..]).to_vec();
    let m = parse(&b);
    let e = m.problem().unwrap();
    assert_eq!(e.offset, 17 + 3);
    assert!(matches!(
        e.kind,
        // 17 + 12 and 17 + 3: from the type byte, like the offset.
        ErrorKind::Truncated {
            needed: 29,
            available: 20
        }
    ));
    has(&fields(&m), "message=00 01 02 @17");
}

#[test]
fn tunnel_depth_is_bounded() {
    // Build MAX_TUNNEL_DEPTH + 2 levels of nesting by hand.
    let mut msg: Vec<u8> = builder::identify_request(0).to_vec()[1..].to_vec();
    for _ in 0..(MAX_TUNNEL_DEPTH + 2) {
        let t = builder::tunnel(0, &msg[..]).to_vec();
        msg = t[1..].to_vec();
    }
    let mut full = vec![0x07];
    full.extend_from_slice(&msg);
    let m = parse(&full);
    let e = m.problem().expect("too deep");
    assert_eq!(
        e.kind,
        ErrorKind::Invalid {
            field: "tunnel_depth",
            value: u32::from(MAX_TUNNEL_DEPTH) + 1,
            expected: "at most 4 nested Tunnel Management Commands"
        }
    );
    assert_eq!(e.offset, 1 + 16 * (usize::from(MAX_TUNNEL_DEPTH) + 1));
    let s = summary(&m);
    assert_eq!(s.matches(">>").count(), usize::from(MAX_TUNNEL_DEPTH) + 1);
    assert!(s.ends_with(
        "!! invalid tunnel_depth 0x5: expected at most 4 nested Tunnel Management Commands"
    ));
    let fs = fields(&m);
    assert_eq!(
        fs.iter().filter(|f| f.starts_with("begin message")).count(),
        usize::from(MAX_TUNNEL_DEPTH)
    );
    assert!(fs.iter().any(|f| f.starts_with("message_error=")));
    // Exactly MAX_TUNNEL_DEPTH levels decode cleanly.
    let mut msg: Vec<u8> = builder::identify_request(0).to_vec()[1..].to_vec();
    for _ in 0..MAX_TUNNEL_DEPTH {
        let t = builder::tunnel(0, &msg[..]).to_vec();
        msg = t[1..].to_vec();
    }
    let mut full = vec![0x07];
    full.extend_from_slice(&msg);
    assert!(parse(&full).problem().is_none());
}

#[test]
fn fragmenter_packetises_a_tunnelled_message() {
    use crate::fragment::Fragmenter;
    let msg = builder::tunnel(2, builder::get_health_info_request(1))
        .tag(4)
        .to_vec();
    assert_eq!(msg.len(), 29);
    let mut f = Fragmenter::new(&msg, 9, 8, true, 1, 16, 0).unwrap();
    assert_eq!(f.packet_count(), 2);
    let mut reassembled = Vec::new();
    let mut buf = [0u8; 64];
    while let Some(r) = f.next_into(&mut buf) {
        let n = r.unwrap();
        reassembled.extend_from_slice(&buf[4..n]);
    }
    assert_eq!(reassembled, msg);
    let m = parse(&reassembled);
    assert!(m.problem().is_none());
    assert_eq!(m.cci.tunnelled().unwrap().unwrap().header.opcode, 0x4200);
}

#[test]
fn garbage_never_panics() {
    let mut seed = 0x1234_5678_9abc_def0u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let opcodes = [
        0x0001u16, 0x0002, 0x0100, 0x0200, 0x0300, 0x0301, 0x0400, 0x0401, 0x4000, 0x4100, 0x4200,
        0x5100, 0x5101, 0x5300, 0x5400, 0xC000,
    ];
    let mut out = String::new();
    for i in 0..20_000 {
        let len = (next() % 300) as usize;
        let mut b: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if b.len() > 6 && i % 2 == 0 {
            let op = opcodes[i % opcodes.len()];
            b[0] = 0x07 + (i % 2) as u8;
            b[1] &= 1;
            b[4] = op as u8;
            b[5] = (op >> 8) as u8;
            if b.len() > 10 {
                b[9] = 0;
                b[10] = 0;
            }
        }
        if let Ok(m) = Message::parse(&b) {
            let _ = m.problem();
            let _ = m.pairing();
            out.clear();
            let _ = m.summary(&mut out);
            let mut c = Collect::default();
            m.describe(&mut c);
            let mut v = vec![0u8; m.buffer_len()];
            m.emit_bytes(&mut v).unwrap();
        }
    }
}

// ------------------------------------------------------------ proptest

fn round_trip<'a, T: CxlBody<'a> + PartialEq + core::fmt::Debug>(x: &T, buf: &'a mut [u8]) {
    let n = x.emit_bytes(buf).unwrap();
    assert_eq!(n, x.buffer_len());
    let y = T::parse(&buf[..n]).unwrap();
    assert_eq!(&y, x);
}

proptest! {
    #[test]
    fn prop_header(cat in 0u8..2, tag in any::<u8>(), opcode in any::<u16>(), len in 0u32..=MAX_PAYLOAD_LENGTH,
                   bo in any::<bool>(), rc in any::<u16>(), vs in any::<u16>()) {
        let h = Header {
            category: Category::from_value(cat),
            tag,
            opcode,
            payload_length: len,
            bo,
            return_code: ReturnCode::from_value(rc),
            vendor_specific_extended_status: vs,
        };
        let mut buf = [0u8; 12];
        h.emit_bytes(&mut buf).unwrap();
        prop_assert_eq!(Header::parse(&Packet::new_checked(&buf[..]).unwrap()).unwrap(), h);
    }

    #[test]
    fn prop_identify(v in any::<u16>(), d in any::<u16>(), sv in any::<u16>(), s in any::<u16>(), sn in any::<u64>(), mx in any::<u8>(), ct in any::<u8>()) {
        let mut buf = [0u8; 18];
        round_trip(&IdentifyResponse {
            pcie_vendor_id: v, pcie_device_id: d, pcie_subsystem_vendor_id: sv, pcie_subsystem_id: s,
            device_serial_number: sn, max_supported_message_size: mx, component_type: ComponentType::from_value(ct),
        }, &mut buf);
    }

    #[test]
    fn prop_bg_status(r in any::<bool>(), p in 0u8..128, o in any::<u16>(), rc in any::<u16>(), vs in any::<u16>()) {
        let mut buf = [0u8; 8];
        round_trip(&BackgroundOperationStatusResponse {
            running: r, percentage_complete: p, opcode: o, return_code: ReturnCode::from_value(rc),
            vendor_specific_extended_status: vs,
        }, &mut buf);
    }

    #[test]
    fn prop_timestamps_and_small(t in any::<u64>(), log in any::<u8>(), u in any::<[u8; 16]>(), off in any::<u32>(), len in any::<u32>()) {
        let mut buf = [0u8; 8];
        round_trip(&GetTimestampResponse { timestamp: t }, &mut buf);
        let mut buf = [0u8; 8];
        round_trip(&SetTimestampRequest { timestamp: t }, &mut buf);
        let mut buf = [0u8; 1];
        round_trip(&GetEventRecordsRequest { event_log: EventLog::from_value(log) }, &mut buf);
        let mut buf = [0u8; 24];
        round_trip(&GetLogRequest { log_identifier: u, offset: off, length: len }, &mut buf);
    }

    #[test]
    fn prop_event_records(flags in any::<u8>(), oc in any::<u16>(), a in any::<u64>(), b in any::<u64>(),
                          recs in proptest::collection::vec(any::<u8>(), 0..3).prop_flat_map(|v| {
                              proptest::collection::vec(any::<u8>(), v.len() * 128)
                          })) {
        let x = GetEventRecordsResponse {
            flags, overflow_error_count: oc, first_overflow_event_timestamp: a, last_overflow_event_timestamp: b,
            records: FixedList::from_bytes(&recs),
        };
        let mut buf = vec![0u8; x.buffer_len()];
        round_trip(&x, &mut buf);
    }

    #[test]
    fn prop_fw_info(n in any::<u8>(), s in any::<u8>(), c in any::<u8>(), r in any::<[[u8; 16]; 4]>()) {
        let mut buf = [0u8; 80];
        round_trip(&GetFwInfoResponse { fw_slots_supported: n, fw_slot_info: s, fw_activation_capabilities: c, slot_fw_revision: r }, &mut buf);
    }

    #[test]
    fn prop_supported_logs(e in proptest::collection::vec((any::<[u8; 16]>(), any::<u32>()), 0..5)) {
        let mut raw = Vec::new();
        for (u, s) in &e {
            raw.extend_from_slice(u);
            raw.extend_from_slice(&s.to_le_bytes());
        }
        let x = GetSupportedLogsResponse { entries: FixedList::from_bytes(&raw) };
        let mut buf = vec![0u8; x.buffer_len()];
        round_trip(&x, &mut buf);
        let got: Vec<_> = x.entries.iter().map(|e| (e.log_identifier, e.log_size)).collect();
        prop_assert_eq!(got, e);
    }

    #[test]
    fn prop_get_log(data in proptest::collection::vec(any::<u8>(), 0..64)) {
        let x = GetLogResponse { cel: false, data: &data };
        let mut buf = vec![0u8; data.len()];
        round_trip(&x, &mut buf);
    }

    #[test]
    fn prop_identify_memory_device(fw in any::<[u8; 16]>(), caps in any::<[u64; 4]>(), logs in any::<[u16; 4]>(), lsa in any::<u32>(),
                                   poison in 0u32..0x100_0000, inj in any::<u16>(), ph in any::<u8>(), q in any::<u8>(), dc in any::<Option<u16>>()) {
        let x = IdentifyMemoryDeviceResponse {
            fw_revision: fw, total_capacity: caps[0], volatile_only_capacity: caps[1], persistent_only_capacity: caps[2],
            partition_alignment: caps[3], informational_event_log_size: logs[0], warning_event_log_size: logs[1],
            failure_event_log_size: logs[2], fatal_event_log_size: logs[3], lsa_size: lsa,
            poison_list_maximum_media_error_records: poison, inject_poison_limit: inj, poison_handling_capabilities: ph,
            qos_telemetry_capabilities: q, dynamic_capacity_event_log_size: dc,
        };
        let mut buf = [0u8; 0x45];
        round_trip(&x, &mut buf);
    }

    #[test]
    fn prop_partition_and_health(c in any::<[u64; 4]>(), h in any::<u8>(), ms in any::<u8>(), a in any::<u8>(), l in any::<u8>(),
                                 t in any::<i16>(), d in any::<[u32; 3]>()) {
        let mut buf = [0u8; 32];
        round_trip(&GetPartitionInfoResponse {
            active_volatile_capacity: c[0], active_persistent_capacity: c[1], next_volatile_capacity: c[2], next_persistent_capacity: c[3],
        }, &mut buf);
        let mut buf = [0u8; 18];
        round_trip(&GetHealthInfoResponse {
            health_status: h, media_status: MediaStatus::from_value(ms), additional_status: a, life_used: l,
            device_temperature: t, dirty_shutdown_count: d[0], corrected_volatile_error_count: d[1], corrected_persistent_error_count: d[2],
        }, &mut buf);
    }

    #[test]
    fn prop_switch(i in any::<u8>(), p in any::<u8>(), v in any::<u8>(), ap in any::<[u8; 32]>(), av in any::<[u8; 32]>(),
                   t in any::<u16>(), b in any::<u16>(), h in any::<u8>(), ms in any::<u64>(), lc in any::<u16>(), q in any::<u8>()) {
        let mut buf = [0u8; 0x49];
        round_trip(&IdentifySwitchDeviceResponse {
            ingress_port_id: i, number_of_physical_ports: p, number_of_vcss: v, active_port_bitmask: ap, active_vcs_bitmask: av,
            total_number_of_vppbs: t, number_of_bound_vppbs: b, number_of_hdm_decoders: h,
        }, &mut buf);
        let mut buf = [0u8; 11];
        round_trip(&GetLdInfoResponse { memory_size: ms, ld_count: lc, qos_telemetry_capability: q }, &mut buf);
    }

    #[test]
    fn prop_port_state(ids in proptest::collection::vec(any::<u8>(), 0..8),
                       blocks in proptest::collection::vec(any::<[u8; 16]>(), 0..4)) {
        let x = GetPhysicalPortStateRequest { port_ids: &ids };
        let mut buf = vec![0u8; x.buffer_len()];
        round_trip(&x, &mut buf);
        // Port blocks: decode → encode → decode is stable (reserved bits drop).
        let mut raw = Vec::new();
        for b in &blocks {
            let mut e = [0u8; 16];
            PortInfo::parse_entry(b).emit_exact(&mut e);
            prop_assert_eq!(PortInfo::parse_entry(&e), PortInfo::parse_entry(b));
            raw.extend_from_slice(&e);
        }
        let x = GetPhysicalPortStateResponse { ports: FixedList::from_bytes(&raw) };
        let mut buf = vec![0u8; x.buffer_len()];
        round_trip(&x, &mut buf);
    }

    #[test]
    fn prop_tunnel(id in any::<u8>(), tt in 0u8..16, inner in proptest::collection::vec(any::<u8>(), 0..40)) {
        let x = TunnelRequest { port_or_ld_id: id, target_type: TargetType::from_value(tt), command: &inner };
        let mut buf = vec![0u8; x.buffer_len()];
        round_trip(&x, &mut buf);
        let y = TunnelResponse { response: &inner };
        let mut buf = vec![0u8; y.buffer_len()];
        round_trip(&y, &mut buf);
    }

    #[test]
    fn prop_message_round_trip(bytes in proptest::collection::vec(any::<u8>(), 13..200)) {
        // Any decodable message re-encodes and decodes to the same value.
        let m = Message::parse(&bytes).unwrap();
        let mut out = vec![0u8; m.buffer_len()];
        let n = m.emit_bytes(&mut out).unwrap();
        let again = Message::parse(&out[..n]).unwrap();
        prop_assert_eq!(again, m);
    }

    #[test]
    fn prop_builder_round_trip(tag in any::<u8>(), opcode in any::<u16>(), data in proptest::collection::vec(any::<u8>(), 0..64)) {
        let b = builder::request(opcode).tag(tag).payload(&data).to_vec();
        let m = Message::parse(&b).unwrap();
        prop_assert_eq!(m.header().tag, tag);
        prop_assert_eq!(m.header().opcode, opcode);
        prop_assert_eq!(m.header().payload_length as usize, data.len());
        let mut out = vec![0u8; m.buffer_len()];
        m.emit_bytes(&mut out).unwrap();
        prop_assert_eq!(out, b);
    }
}
