//! PLDM body tests. Fixture bytes are hand-computed from the layouts in
//! base.rs / platform.rs / event.rs / pdr.rs (libpldm structs, DSP0240 /
//! DSP0248); the GetPLDMVersion vector `00 f0 f1 f1 ba be 9d 53` is the
//! libpldm / OpenBMC test vector quoted in upper-layers.md §1.4 (CRC-32
//! re-checked with Python's zlib.crc32 = 0x539dbeba).

extern crate std;

use std::string::String;
use std::vec::Vec;

use proptest::prelude::*;

use super::base::{self, Ver32};
use super::body::PldmRepr;
use super::builder::{self, PldmBuilder};
use super::event::{EventData, SensorEvent};
use super::platform::{self, DataSize, Numeric};
use super::{pdr, Body, Message, PldmType};
use crate::describe::{Describe, Field, Group, Summary, Visitor};
use crate::error::ErrorKind;

/// Collects `name=value` pairs.
#[derive(Default)]
struct Collect(Vec<(String, String)>);

impl Visitor for Collect {
    fn field(&mut self, f: &Field<'_>) {
        self.0.push((f.name.into(), std::format!("{}", f.value)));
    }
    fn begin(&mut self, _: &'static str, _: Group, _: usize, _: usize) {}
    fn end(&mut self) {}
}

fn fields(m: &Message<'_>) -> Collect {
    let mut c = Collect::default();
    m.describe(&mut c);
    c
}

fn get<'c>(c: &'c Collect, name: &str) -> &'c str {
    c.0.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no field {name} in {:?}", c.0))
}

fn summary(m: &Message<'_>) -> String {
    std::format!("{}", Summary(m))
}

/// Decode, check lossless re-encode, return the message.
fn decode(bytes: &[u8]) -> Message<'_> {
    let m = Message::parse(bytes).expect("header");
    let mut out = std::vec![0u8; m.buffer_len()];
    m.emit_bytes(&mut out).unwrap();
    assert_eq!(out, bytes, "re-encode of {m:?}");
    m
}

fn base_body<'a>(m: &Message<'a>) -> base::Body<'a> {
    match m.body {
        Body::Base { body, trailing } => {
            assert!(trailing.is_empty());
            body
        }
        other => panic!("not a base body: {other:?}"),
    }
}

fn platform_body<'a>(m: &Message<'a>) -> platform::Body<'a> {
    match m.body {
        Body::Platform { body, trailing } => {
            assert!(trailing.is_empty());
            body
        }
        other => panic!("not a platform body: {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Type 0

#[test]
fn get_tid_both_ways() {
    // Request: Rq=1 iid=1, type 0, cmd 0x02, no data.
    let req = [0x01, 0x81, 0x00, 0x02];
    let m = decode(&req);
    assert_eq!(m.body, Body::Empty);
    assert_eq!(builder::get_tid_request(1).to_vec(), req);
    assert_eq!(summary(&m), "PLDM GetTID req iid=1");

    let rsp = [0x01, 0x01, 0x00, 0x02, 0x00, 0x05];
    let m = decode(&rsp);
    assert_eq!(
        base_body(&m),
        base::Body::GetTidResponse(base::GetTidResponse { tid: 5 })
    );
    assert_eq!(builder::get_tid_response(1, 5), m);
    assert_eq!(summary(&m), "PLDM GetTID rsp iid=1 SUCCESS / tid=5");
    assert_eq!(get(&fields(&m), "tid"), "5");
}

#[test]
fn set_tid_request() {
    let b = [0x01, 0x80, 0x00, 0x01, 0x09];
    let m = decode(&b);
    assert_eq!(
        base_body(&m),
        base::Body::SetTidRequest(base::SetTidRequest { tid: 9 })
    );
    assert_eq!(builder::set_tid_request(0, 9).to_vec(), b);
    // Response carries only the completion code.
    assert_eq!(decode(&[0x01, 0x00, 0x00, 0x01, 0x00]).body, Body::Empty);
}

#[test]
fn ver32_wire_order() {
    // 1.1.0 is `00 f0 f1 f1` on the wire (alpha, update, minor, major).
    let v = Ver32::from_wire([0x00, 0xF0, 0xF1, 0xF1]);
    assert_eq!(v, Ver32::new(1, 1, Some(0)));
    assert_eq!(std::format!("{v}"), "1.1.0");
    assert_eq!(std::format!("{}", Ver32::new(1, 12, None)), "1.12");
    let a = Ver32 {
        alpha: b'a',
        ..Ver32::new(2, 0, Some(1))
    };
    assert_eq!(std::format!("{a}"), "2.0.1a");
}

#[test]
fn get_pldm_version_request_both_ways() {
    // handle 0, GetFirstPart, type 2.
    let b = [0x01, 0x80, 0x00, 0x03, 0, 0, 0, 0, 0x01, 0x02];
    let m = decode(&b);
    assert_eq!(builder::get_pldm_version_request(0, PldmType::Platform), m);
    assert_eq!(
        summary(&m),
        "PLDM GetPLDMVersion req iid=0 / type 2 (Platform) GetFirstPart"
    );
}

/// libpldm / OpenBMC vector: version 1.1.0 + CRC-32 `ba be 9d 53`.
const VERSION_RSP: [u8; 18] = [
    0x01, 0x00, 0x00, 0x03, 0x00, // header, SUCCESS
    0x00, 0x00, 0x00, 0x00, // nextDataTransferHandle
    0x05, // StartAndEnd
    0x00, 0xF0, 0xF1, 0xF1, // 1.1.0
    0xBA, 0xBE, 0x9D, 0x53, // CRC-32
];

#[test]
fn get_pldm_version_response_crc_ok() {
    let m = decode(&VERSION_RSP);
    let base::Body::GetPldmVersionResponse(r) = base_body(&m) else {
        panic!()
    };
    assert_eq!(
        r.versions().collect::<Vec<_>>(),
        [Ver32::new(1, 1, Some(0))]
    );
    assert_eq!(r.crc32, Some(0x539D_BEBA));
    assert_eq!(r.crc_ok(), Some(true));
    assert_eq!(m.problem(), None);
    assert_eq!(
        summary(&m),
        "PLDM GetPLDMVersion rsp iid=0 SUCCESS / 1.1.0 crc ok"
    );
    let c = fields(&m);
    assert_eq!(get(&c, "version"), "1.1.0");
    assert_eq!(get(&c, "crc32_ok"), "1");

    // The builder computes the same bytes.
    let mut scratch = [0u8; 8];
    let mut buf = [0u8; 32];
    let n = builder::emit_get_pldm_version_response(
        0,
        &[Ver32::new(1, 1, Some(0))],
        &mut scratch,
        &mut buf,
    )
    .unwrap();
    assert_eq!(&buf[..n], &VERSION_RSP);
}

#[test]
fn get_pldm_version_bad_crc_is_reported() {
    let mut b = VERSION_RSP;
    b[17] ^= 0xFF;
    let m = decode(&b);
    let p = m.problem().expect("bad CRC reported");
    // The CRC starts at message offset 14.
    assert_eq!(p.offset, 14);
    assert!(matches!(p.kind, ErrorKind::Invalid { field: "crc32", .. }));
    assert!(summary(&m).contains("BAD CRC"));
    assert_eq!(get(&fields(&m), "crc32_ok"), "0");
}

#[test]
fn get_pldm_version_multipart_parts() {
    // A Start part: no CRC, bytes kept; End part: CRC present but not checkable.
    let start = [
        0x01, 0x00, 0x00, 0x03, 0x00, 0x11, 0, 0, 0, 0x01, 0x00, 0xF0,
    ];
    let m = decode(&start);
    let base::Body::GetPldmVersionResponse(r) = base_body(&m) else {
        panic!()
    };
    assert_eq!(r.crc32, None);
    assert_eq!(r.version_data, &[0x00, 0xF0]);
    let end = [
        0x01, 0x00, 0x00, 0x03, 0x00, 0, 0, 0, 0, 0x04, 0xF1, 0xF1, 1, 2, 3, 4,
    ];
    let m = decode(&end);
    let base::Body::GetPldmVersionResponse(r) = base_body(&m) else {
        panic!()
    };
    assert_eq!(r.crc32, Some(0x0403_0201));
    assert_eq!(r.crc_ok(), None);
    assert_eq!(m.problem(), None);
}

#[test]
fn get_pldm_types_and_commands() {
    // Types 0, 2, 4, 5 → byte 0 = 0b0011_0101.
    let b = [0x01, 0x02, 0x00, 0x04, 0x00, 0x35, 0, 0, 0, 0, 0, 0, 0];
    let m = decode(&b);
    assert_eq!(builder::get_pldm_types_response(2, &[0, 2, 4, 5]), m);
    assert_eq!(
        summary(&m),
        "PLDM GetPLDMTypes rsp iid=2 SUCCESS / types 0, 2, 4, 5"
    );

    let req = [0x01, 0x83, 0x00, 0x05, 0x02, 0x00, 0xF0, 0xF2, 0xF1];
    let m = decode(&req);
    assert_eq!(
        builder::get_pldm_commands_request(3, PldmType::Platform, Ver32::new(1, 2, Some(0))),
        m
    );
    // Commands 0x11 and 0x51: byte 2 bit 1, byte 10 bit 1.
    let mut rsp = [0u8; 37];
    rsp[..5].copy_from_slice(&[0x01, 0x03, 0x00, 0x05, 0x00]);
    rsp[5 + 2] = 0x02;
    rsp[5 + 10] = 0x02;
    let m = decode(&rsp);
    let base::Body::GetPldmCommandsResponse(r) = base_body(&m) else {
        panic!()
    };
    assert!(r.supports(0x11) && r.supports(0x51) && !r.supports(0x10));
    assert_eq!(
        r,
        base::GetPldmCommandsResponse::from_commands(&[0x11, 0x51])
    );
    assert!(summary(&m).ends_with("commands 0x11, 0x51"));
}

#[test]
fn multipart_receive_and_transfer_parameters() {
    let req = [
        0x01, 0x80, 0x00, 0x09, // header
        0x07, 0x00, // type 7, XFER_FIRST_PART
        1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x04, 0, 0,
    ];
    let m = decode(&req);
    let base::Body::MultipartReceiveRequest(r) = base_body(&m) else {
        panic!()
    };
    assert_eq!(r.transfer_context, 1);
    assert_eq!(r.data_transfer_handle, 2);
    assert_eq!(r.requested_section_length_bytes, 1024);
    let rsp = [
        0x01, 0x00, 0x00, 0x09, 0x00, 0x05, 0, 0, 0, 0, 3, 0, 0, 0, 0xAA, 0xBB, 0xCC, 9, 8, 7, 6,
    ];
    let m = decode(&rsp);
    let base::Body::MultipartReceiveResponse(r) = base_body(&m) else {
        panic!()
    };
    assert_eq!(r.data, &[0xAA, 0xBB, 0xCC]);
    assert_eq!(r.data_integrity_checksum, Some(0x0607_0809));

    let ntp = [
        0x01, 0x80, 0x00, 0x07, 0x00, 0x02, 0x81, 0, 0, 0, 0, 0, 0, 0,
    ];
    let m = decode(&ntp);
    let base::Body::NegotiateTransferParametersRequest(t) = base_body(&m) else {
        panic!()
    };
    assert_eq!(t.part_size, 512);
    assert!(summary(&m).ends_with("types 0, 7"));
}

#[test]
fn cross_check_header_with_codeconstruct_pldm() {
    // The CodeConstruct crate parses PLDM without the MCTP type byte.
    let m = builder::get_sensor_reading_request(3, 5, false).to_vec();
    let r = pldm::PldmRequest::from_buf_borrowed(&m[1..]).unwrap();
    assert_eq!((r.iid, r.typ, r.cmd), (3, 2, 0x11));
    assert_eq!(&*r.data, &m[4..]);
    let m = builder::get_tid_response(7, 0x42).to_vec();
    let r = pldm::PldmResponse::from_buf_borrowed(&m[1..]).unwrap();
    assert_eq!((r.iid, r.typ, r.cmd, r.cc), (7, 0, 0x02, 0));
    assert_eq!(&*r.data, &[0x42]);
    // And the other way: a CodeConstruct-style request decodes here.
    let hdr = [0x80 | 4, 0x00, 0x03];
    let mut msg = std::vec![0x01];
    msg.extend_from_slice(&hdr);
    msg.extend_from_slice(&[0, 0, 0, 0, 1, 0]);
    let m = Message::parse(&msg).unwrap();
    assert_eq!(builder::get_pldm_version_request(4, PldmType::Base), m);
}

#[test]
fn error_response_is_cc_only() {
    // GetPDR with INVALID_RECORD_HANDLE (0x82): no data decoded, name resolved.
    let m = decode(&[0x01, 0x05, 0x02, 0x51, 0x82]);
    assert_eq!(m.body, Body::Empty);
    assert_eq!(
        m.header.completion_code_name(),
        Some("INVALID_RECORD_HANDLE")
    );
    assert_eq!(summary(&m), "PLDM GetPDR rsp iid=5 INVALID_RECORD_HANDLE");
}

// ---------------------------------------------------------------------------
// Type 2

#[test]
fn get_sensor_reading_both_ways() {
    let req = [0x01, 0x83, 0x02, 0x11, 0x05, 0x00, 0x00];
    let m = decode(&req);
    assert_eq!(builder::get_sensor_reading_request(3, 5, false), m);
    assert_eq!(summary(&m), "PLDM GetSensorReading req iid=3 / sensor 5");

    // uint16 42, enabled, eventsEnabled, normal/normal/normal.
    let rsp = [
        0x01, 0x03, 0x02, 0x11, 0x00, 0x02, 0x00, 0x02, 0x01, 0x01, 0x01, 0x2A, 0x00,
    ];
    let m = decode(&rsp);
    assert_eq!(
        builder::get_sensor_reading_response(
            3,
            DataSize::Uint16,
            42,
            platform::SensorState::Normal
        ),
        m
    );
    assert_eq!(
        summary(&m),
        "PLDM GetSensorReading rsp iid=3 SUCCESS / 42 (enabled, normal)"
    );
    let c = fields(&m);
    assert_eq!(get(&c, "sensor_data_size"), "0x02");
    assert_eq!(get(&c, "present_reading"), "42");
    assert_eq!(get(&c, "sensor_operational_state"), "0x00");
}

#[test]
fn get_sensor_reading_signed_and_bad_size() {
    // sint8 0xFE = -2.
    let m = decode(&[0x01, 0x00, 0x02, 0x11, 0x00, 0x01, 0, 2, 1, 1, 1, 0xFE]);
    let platform::Body::GetSensorReadingResponse(r) = platform_body(&m) else {
        panic!()
    };
    assert_eq!(r.present_reading.value, -2);
    // sint32 -100000.
    let v = (-100_000i32).to_le_bytes();
    let b = [
        0x01, 0x00, 0x02, 0x11, 0x00, 0x05, 0, 2, 1, 1, 1, v[0], v[1], v[2], v[3],
    ];
    let m = decode(&b);
    let platform::Body::GetSensorReadingResponse(r) = platform_body(&m) else {
        panic!()
    };
    assert_eq!(r.present_reading.value, -100_000);
    // sensorDataSize 9 is invalid → Malformed, offset of the size byte (5).
    let m = decode(&[0x01, 0x00, 0x02, 0x11, 0x00, 0x09, 0, 2, 1, 1, 1, 0]);
    let p = m.problem().unwrap();
    assert!(matches!(m.body, Body::Malformed { .. }));
    assert_eq!(p.offset, 5);
}

#[test]
fn state_sensor_readings_and_effecters() {
    let req = [0x01, 0x81, 0x02, 0x21, 0x07, 0x00, 0x01, 0x00];
    let m = decode(&req);
    let platform::Body::GetStateSensorReadingsRequest(r) = platform_body(&m) else {
        panic!()
    };
    assert_eq!((r.sensor_id, r.sensor_rearm), (7, 1));
    // Two composite sensors.
    let rsp = [0x01, 0x01, 0x02, 0x21, 0x00, 0x02, 0, 1, 2, 1, 0, 3, 3, 3];
    let m = decode(&rsp);
    let platform::Body::GetStateSensorReadingsResponse(r) = platform_body(&m) else {
        panic!()
    };
    assert_eq!(r.state_fields.count(), 2);
    assert_eq!(r.state_fields.iter().nth(1), Some([0, 3, 3, 3]));
    assert!(summary(&m).ends_with("[0] state 1 (enabled), [1] state 3 (enabled)"));
    // Count says 3 but only 2 present → truncated.
    let bad = [0x01, 0x01, 0x02, 0x21, 0x00, 0x03, 0, 1, 2, 1, 0, 3, 3, 3];
    assert!(matches!(decode(&bad).body, Body::Malformed { .. }));

    // SetStateEffecterStates: effecter 0x0102, [noChange 0], [requestSet 2].
    let b = [
        0x01, 0x84, 0x02, 0x39, 0x02, 0x01, 0x02, 0x00, 0x00, 0x01, 0x02,
    ];
    let m = decode(&b);
    assert_eq!(
        summary(&m),
        "PLDM SetStateEffecterStates req iid=4 / effecter 258 [1]=2"
    );
    assert_eq!(decode(&[0x01, 0x04, 0x02, 0x39, 0x00]).body, Body::Empty);
    let g = [0x01, 0x04, 0x02, 0x3A, 0x00, 0x01, 0x01, 0x02, 0x02];
    let m = decode(&g);
    let platform::Body::GetStateEffecterStatesResponse(r) = platform_body(&m) else {
        panic!()
    };
    assert_eq!(r.state_fields.iter().next(), Some([1, 2, 2]));
}

#[test]
fn numeric_effecters() {
    let b = [0x01, 0x85, 0x02, 0x31, 0x10, 0x00, 0x03, 0x18, 0xFC];
    let m = decode(&b);
    assert_eq!(
        builder::set_numeric_effecter_value_request(5, 16, DataSize::Sint16, -1000),
        m
    );
    assert_eq!(
        summary(&m),
        "PLDM SetNumericEffecterValue req iid=5 / effecter 16 = -1000"
    );
    let g = [0x01, 0x85, 0x02, 0x32, 0x10, 0x00];
    assert!(matches!(
        platform_body(&decode(&g)),
        platform::Body::GetNumericEffecterValueRequest(platform::EffecterIdRequest {
            effecter_id: 16
        })
    ));
    // uint8, enabled-noUpdatePending, pending 7 present 9.
    let r = [0x01, 0x05, 0x02, 0x32, 0x00, 0x00, 0x01, 0x07, 0x09];
    let m = decode(&r);
    let platform::Body::GetNumericEffecterValueResponse(v) = platform_body(&m) else {
        panic!()
    };
    assert_eq!((v.pending_value.value, v.present_value.value), (7, 9));
}

#[test]
fn platform_event_message_sensor_events() {
    // formatVersion 1, TID 1, sensorEvent: sensor 5, stateSensorState, offset 0, 2 ← 1.
    let b = [
        0x01, 0x80, 0x02, 0x0A, 0x01, 0x01, 0x00, 0x05, 0x00, 0x01, 0x00, 0x02, 0x01,
    ];
    let m = decode(&b);
    let platform::Body::PlatformEventMessageRequest(r) = platform_body(&m) else {
        panic!()
    };
    assert_eq!(
        r.event,
        EventData::Sensor {
            sensor_id: 5,
            event: SensorEvent::State {
                sensor_offset: 0,
                event_state: 2,
                previous_event_state: 1
            }
        }
    );
    assert_eq!(
        summary(&m),
        "PLDM PlatformEventMessage req iid=0 / tid=1 sensor 5[0]: state 1 -> 2"
    );
    // numericSensorState: sensor 6, state 2 ← 1, uint8 reading 77.
    let b = [
        0x01, 0x80, 0x02, 0x0A, 0x01, 0x01, 0x00, 0x06, 0x00, 0x02, 0x02, 0x01, 0x00, 77,
    ];
    let m = decode(&b);
    assert_eq!(get(&fields(&m), "present_reading"), "77");
    // sensorOpState: enabled ← initializing.
    let b = [
        0x01, 0x80, 0x02, 0x0A, 0x01, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x05,
    ];
    assert!(summary(&decode(&b)).ends_with("op state initializing -> enabled"));
    // Response: logged.
    let m = decode(&[0x01, 0x00, 0x02, 0x0A, 0x00, 0x04]);
    assert_eq!(
        summary(&m),
        "PLDM PlatformEventMessage rsp iid=0 SUCCESS / logged"
    );
}

#[test]
fn platform_event_message_other_classes() {
    // pldmMessagePollEvent: fv 1, eventID 0x1234, handle 0x10.
    let b = [
        0x01, 0x80, 0x02, 0x0A, 0x01, 0x02, 0x05, 0x01, 0x34, 0x12, 0x10, 0, 0, 0,
    ];
    let m = decode(&b);
    assert!(summary(&m).ends_with("message poll event_id=0x1234"));
    // pldmPDRRepositoryChgEvent: formatIsPDRHandles, 1 record: recordsAdded, 2 handles.
    let b = [
        0x01, 0x80, 0x02, 0x0A, 0x01, 0x02, 0x04, 0x02, 0x01, 0x02, 0x02, 1, 0, 0, 0, 2, 0, 0, 0,
    ];
    let m = decode(&b);
    let c = fields(&m);
    assert_eq!(get(&c, "event_data_operation"), "0x02");
    // A change record count that overruns → Malformed.
    let bad = [
        0x01, 0x80, 0x02, 0x0A, 0x01, 0x02, 0x04, 0x02, 0x01, 0x02, 0x03, 1, 0, 0, 0,
    ];
    assert!(matches!(decode(&bad).body, Body::Malformed { .. }));
    // CPER: fv 1, type 0, 3 bytes.
    let b = [
        0x01, 0x80, 0x02, 0x0A, 0x01, 0x02, 0x07, 0x01, 0x00, 0x03, 0x00, 0xA, 0xB, 0xC,
    ];
    assert!(summary(&decode(&b)).ends_with("CPER type=0x00 3 bytes"));
    // Heartbeat: fv 1, seq 9.
    let b = [0x01, 0xC0, 0x02, 0x0A, 0x01, 0x02, 0x06, 0x01, 0x09];
    let m = decode(&b);
    assert!(summary(&m).ends_with("heartbeat seq=9"));
    assert_eq!(m.pairing(), None, "datagram request has no response");
    // OEM class 0xF1: raw.
    let b = [0x01, 0x80, 0x02, 0x0A, 0x01, 0x02, 0xF1, 0xDE, 0xAD];
    let m = decode(&b);
    assert_eq!(get(&fields(&m), "event_data"), "de ad");
}

#[test]
fn poll_for_platform_event_message() {
    let req = [0x01, 0x80, 0x02, 0x0B, 0x01, 0x01, 0, 0, 0, 0, 0x00, 0x00];
    let m = decode(&req);
    let platform::Body::PollForPlatformEventMessageRequest(r) = platform_body(&m) else {
        panic!()
    };
    assert_eq!(
        r.transfer_operation_flag,
        platform::TransferOperationFlag::GetFirstPart
    );
    // No event pending: TID 1, eventID 0.
    let m = decode(&[0x01, 0x00, 0x02, 0x0B, 0x00, 0x01, 0x00, 0x00]);
    let platform::Body::PollForPlatformEventMessageResponse(r) = platform_body(&m) else {
        panic!()
    };
    assert_eq!(r.event, None);
    // An event, StartAndEnd, sensorEvent class, 2 bytes of data.
    let b = [
        0x01, 0x00, 0x02, 0x0B, 0x00, 0x01, 0x05, 0x00, 0, 0, 0, 0, 0x05, 0x00, 2, 0, 0, 0, 0xAA,
        0xBB,
    ];
    let m = decode(&b);
    assert!(summary(&m).ends_with("event_id=0x0005 sensorEvent StartAndEnd 2 bytes"));
}

#[test]
fn event_message_supported_and_buffer_size() {
    let m = decode(&[0x01, 0x80, 0x02, 0x0C, 0x01]);
    assert!(matches!(
        platform_body(&m),
        platform::Body::EventMessageSupportedRequest(_)
    ));
    let m = decode(&[0x01, 0x00, 0x02, 0x0C, 0x00, 0x01, 0x06, 0x02, 0x00, 0x05]);
    let platform::Body::EventMessageSupportedResponse(r) = platform_body(&m) else {
        panic!()
    };
    assert_eq!(r.event_classes, &[0x00, 0x05]);
    let m = decode(&[0x01, 0x80, 0x02, 0x0D, 0x00, 0x04]);
    assert!(summary(&m).ends_with("receiver max 1024 bytes"));
    let m = decode(&[0x01, 0x00, 0x02, 0x0D, 0x00, 0x00, 0x02]);
    assert!(summary(&m).ends_with("terminus max 512 bytes"));
}

#[test]
fn pdr_repository_info() {
    let mut b = std::vec![0x01, 0x00, 0x02, 0x50, 0x00, 0x00];
    b.extend_from_slice(&[0u8; 26]);
    b.extend_from_slice(&[10, 0, 0, 0, 0x00, 0x02, 0, 0, 64, 0, 0, 0, 0x01]);
    let m = decode(&b);
    assert_eq!(
        summary(&m),
        "PLDM GetPDRRepositoryInfo rsp iid=0 SUCCESS / available 10 records, 512 bytes (largest 64)"
    );
    assert_eq!(decode(&[0x01, 0x80, 0x02, 0x50]).body, Body::Empty);
}

/// A state sensor PDR: handle 1, version 1, type 4, change 0, 17 body bytes:
/// terminus 0, sensor 5, entity 64/1, container 0, init 0, aux 0, 1 composite
/// {state set 1 (health state), 1 byte of states 0x06}.
const STATE_SENSOR_PDR: [u8; 27] = [
    1, 0, 0, 0, 1, 4, 0, 0, 17, 0, // common header
    0, 0, 5, 0, 64, 0, 1, 0, 0, 0, 0, 0, 1, // fixed part
    1, 0, 1, 0x06, // possible states
];

#[test]
fn get_pdr_both_ways() {
    let req = [
        0x01, 0x86, 0x02, 0x51, 1, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xFF, 0x00, 0, 0,
    ];
    let m = decode(&req);
    assert_eq!(builder::get_pdr_request(6, 1, 255), m);
    // StartAndEnd response carrying the whole PDR.
    let mut b = std::vec![0x01, 0x06, 0x02, 0x51, 0x00, 2, 0, 0, 0, 0, 0, 0, 0, 0x05, 27, 0];
    b.extend_from_slice(&STATE_SENSOR_PDR);
    let m = decode(&b);
    let platform::Body::GetPdrResponse(r) = platform_body(&m) else {
        panic!()
    };
    let rec = r.record().unwrap().unwrap();
    assert_eq!(rec.header.pdr_type, pdr::PdrType::StateSensor);
    assert_eq!(rec.sensor_or_effecter_id(), Some(5));
    assert_eq!(
        summary(&m),
        "PLDM GetPDR rsp iid=6 SUCCESS / State Sensor PDR #1 id 5 entity 64/1 next=0x2"
    );
    let c = fields(&m);
    assert_eq!(get(&c, "sensor_id"), "5");
    assert_eq!(get(&c, "state_set_id"), "1");
    assert_eq!(get(&c, "possible_states"), "06");
    // A PDR whose dataLength disagrees is reported, not hidden.
    let mut bad = b.clone();
    bad[16 + 8] = 18;
    let m = decode(&bad);
    assert!(m.problem().is_some());
}

#[test]
fn get_pdr_multipart_end_carries_crc8() {
    // End part: 3 bytes of record data, then transferCRC.
    let b = [
        0x01, 0x06, 0x02, 0x51, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x04, 3, 0, 7, 8, 9, 0x5A,
    ];
    let m = decode(&b);
    let platform::Body::GetPdrResponse(r) = platform_body(&m) else {
        panic!()
    };
    assert_eq!(r.transfer_crc, Some(0x5A));
    assert!(r.record().is_none());
    // CRC-8/SMBUS check value of "123456789" is 0xF4.
    assert_eq!(pdr::transfer_crc(b"123456789"), 0xF4);
}

#[test]
fn pdr_records_decode() {
    // FRU record set: terminus 1, RSI 2, entity 45/1, container 0.
    let fru = [
        3, 0, 0, 0, 1, 20, 0, 0, 10, 0, 1, 0, 2, 0, 45, 0, 1, 0, 0, 0,
    ];
    let r = pdr::Record::parse(&fru).unwrap();
    assert_eq!(r.header.pdr_type, pdr::PdrType::FruRecordSet);
    // Entity association: container 1, physical, container entity 45/1/0, 2 children.
    let mut ea = std::vec![4, 0, 0, 0, 1, 15, 0, 0, 22, 0, 1, 0, 0, 45, 0, 1, 0, 0, 0, 2];
    ea.extend_from_slice(&[64, 0, 1, 0, 1, 0, 64, 0, 2, 0, 1, 0]);
    let r = pdr::Record::parse(&ea).unwrap();
    let mut c = Collect::default();
    r.describe(&mut c, 0);
    assert_eq!(c.0.iter().filter(|(n, _)| n == "entity_type").count(), 2);
    // Terminus locator: MCTP EID 9.
    let tl = [5, 0, 0, 0, 1, 1, 0, 0, 9, 0, 1, 0, 1, 2, 0, 0, 1, 1, 9];
    let r = pdr::Record::parse(&tl).unwrap();
    let mut s = String::new();
    r.summary(&mut s).unwrap();
    assert_eq!(s, "Terminus Locator PDR #5 tid 2");
    // Truncated numeric sensor PDR → error.
    let ns = [6, 0, 0, 0, 1, 2, 0, 0, 4, 0, 1, 2, 3, 4];
    assert!(pdr::Record::parse(&ns).is_err());
    // OEM PDR: raw.
    let oem = [7, 0, 0, 0, 1, 127, 0, 0, 2, 0, 0xAB, 0xCD];
    let r = pdr::Record::parse(&oem).unwrap();
    let mut c = Collect::default();
    r.describe(&mut c, 0);
    assert_eq!(get(&c, "pdr_data"), "ab cd");
    let mut out = [0u8; 12];
    r.emit_bytes(&mut out).unwrap();
    assert_eq!(out, oem);
}

#[test]
fn bios_and_rde_names_raw_bodies() {
    let m = decode(&[0x01, 0x80, 0x03, 0x0C]);
    assert_eq!(summary(&m), "PLDM GetDateTime req iid=0");
    let m = decode(&[0x01, 0x80, 0x06, 0x01, 0xAA]);
    assert_eq!(m.header.command_name(), Some("NegotiateRedfishParameters"));
    assert_eq!(m.body, Body::Raw(&[0xAA]));
    let m = decode(&[0x01, 0x00, 0x06, 0x10, 0x87]);
    assert_eq!(
        m.header.completion_code_name(),
        Some("ERROR_OPERATION_FAILED")
    );
}

#[test]
fn trailing_bytes_are_kept_and_reported() {
    let b = [0x01, 0x01, 0x00, 0x02, 0x00, 0x05, 0xEE];
    let m = decode(&b);
    assert_eq!(m.body.trailing(), &[0xEE]);
    let p = m.problem().unwrap();
    assert_eq!(p.offset, 6);
    assert!(matches!(p.kind, ErrorKind::Trailing { extra: 1 }));
    assert!(summary(&m).ends_with("tid=5 !! 1 trailing bytes"));
    // A no-data command with extra bytes.
    let m = decode(&[0x01, 0x80, 0x00, 0x02, 0x01]);
    assert_eq!(m.problem().unwrap().offset, 4);
}

#[test]
fn truncated_fixtures_give_errors_not_panics() {
    let mut b = std::vec![0x01, 0x06, 0x02, 0x51, 0x00, 2, 0, 0, 0, 0, 0, 0, 0, 0x05, 27, 0];
    b.extend_from_slice(&STATE_SENSOR_PDR);
    for fixture in [&VERSION_RSP[..], &b[..]] {
        for n in 0..fixture.len() {
            match Message::parse(&fixture[..n]) {
                Err(_) => assert!(n < 5),
                Ok(m) => {
                    if n > 5 {
                        assert!(m.problem().is_some(), "len {n}");
                    }
                    let _ = summary(&m);
                    let _ = fields(&m);
                }
            }
        }
    }
}

#[test]
fn pairing_key_matches_request_and_response() {
    let q = builder::get_sensor_reading_request(3, 5, false);
    let r =
        builder::get_sensor_reading_response(3, DataSize::Uint8, 1, platform::SensorState::Normal);
    let (pq, pr) = (q.pairing().unwrap(), r.pairing().unwrap());
    assert!(pq.request && !pr.request);
    assert_eq!(pq.key, pr.key);
    let other = builder::get_sensor_reading_request(4, 5, false)
        .pairing()
        .unwrap();
    assert_ne!(pq.key, other.key);
}

#[test]
fn builder_fluent_and_fragmenter() {
    let m = PldmBuilder::request(PldmType::Platform, platform::Command::GetPdr.value())
        .instance_id(9)
        .data(&[1, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0, 0, 0]);
    assert_eq!(m, builder::get_pdr_request(9, 1, 255));
    // A large GetPDR response split at a 16-byte transmission unit.
    let mut rsp = std::vec![0x01, 0x09, 0x02, 0x51, 0x00, 2, 0, 0, 0, 0, 0, 0, 0, 0x05, 27, 0];
    rsp.extend_from_slice(&STATE_SENSOR_PDR);
    let packets: Vec<Vec<u8>> = crate::fragment::Fragmenter::new(&rsp, 8, 9, false, 1, 16, 0)
        .unwrap()
        .collect();
    assert_eq!(packets.len(), 3);
    let joined: Vec<u8> = packets.iter().flat_map(|p| p[4..].to_vec()).collect();
    assert_eq!(joined, rsp);
    let m = Message::parse(&joined).unwrap();
    assert!(m.problem().is_none());
}

// ---------------------------------------------------------------------------
// Property tests

fn header_strategy() -> impl Strategy<Value = Vec<u8>> {
    (any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(b1, t, cmd, cc)| {
        // Reserved bit 5 is not kept; the MCTP type byte is PLDM.
        let mut v = std::vec![0x01, b1 & !0x20, t, cmd];
        if b1 & 0x80 == 0 {
            v.push(if cc & 1 == 0 { 0 } else { cc });
        }
        v
    })
}

/// Commands worth hitting with random data: the decoded ones.
fn interesting() -> impl Strategy<Value = (u8, u8)> {
    prop_oneof![
        (Just(0u8), 1u8..=9),
        (
            Just(2u8),
            prop::sample::select(std::vec![
                0x0A, 0x0B, 0x0C, 0x0D, 0x11, 0x21, 0x31, 0x32, 0x39, 0x3A, 0x50, 0x51
            ])
        ),
    ]
}

proptest! {
    #[test]
    fn any_message_never_panics_and_reencodes(
        h in header_strategy(),
        tc in interesting(),
        data in prop::collection::vec(any::<u8>(), 0..80),
    ) {
        let mut msg = h.clone();
        msg[2] = (msg[2] & 0xC0) | tc.0;
        msg[3] = tc.1;
        msg.extend_from_slice(&data);
        let m = Message::parse(&msg).unwrap();
        let mut out = std::vec![0u8; m.buffer_len()];
        m.emit_bytes(&mut out).unwrap();
        prop_assert_eq!(&out, &msg);
        let _ = summary(&m);
        let _ = fields(&m);
        let _ = m.problem();
    }

    #[test]
    fn garbage_never_panics(data in prop::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(m) = Message::parse(&data) {
            let _ = summary(&m);
            let _ = fields(&m);
            let _ = m.problem();
        }
        let _ = pdr::Record::parse(&data);
    }

    #[test]
    fn get_sensor_reading_response_roundtrip(size in 0u8..6, raw in any::<u32>(), states in any::<[u8; 5]>()) {
        let size = DataSize::from_value(size);
        let mut b = [0u8; 4];
        b.copy_from_slice(&raw.to_le_bytes());
        let value = Numeric::read(&b, 0, size, 0).unwrap();
        prop_assert!(value.is_valid());
        let r = platform::GetSensorReadingResponse {
            sensor_operational_state: states[0].into(),
            sensor_event_message_enable: states[1].into(),
            present_state: states[2].into(),
            previous_state: states[3].into(),
            event_state: states[4].into(),
            present_reading: value,
        };
        let mut buf = [0u8; 16];
        let n = r.emit_bytes(&mut buf).unwrap();
        prop_assert_eq!(platform::GetSensorReadingResponse::parse(&buf[..n]).unwrap(), r);
    }

    #[test]
    fn get_pdr_request_roundtrip(rh in any::<u32>(), dh in any::<u32>(), op in any::<u8>(), rc in any::<u16>(), cn in any::<u16>()) {
        let r = platform::GetPdrRequest {
            record_handle: rh,
            data_transfer_handle: dh,
            transfer_operation_flag: op.into(),
            request_count: rc,
            record_change_number: cn,
        };
        let mut buf = [0u8; 13];
        r.emit_bytes(&mut buf).unwrap();
        prop_assert_eq!(platform::GetPdrRequest::parse(&buf).unwrap(), r);
    }

    #[test]
    fn version_response_roundtrip(vers in prop::collection::vec(any::<[u8; 4]>(), 0..6)) {
        let v: Vec<Ver32> = vers.iter().map(|b| Ver32::from_wire(*b)).collect();
        let mut scratch = [0u8; 24];
        let mut buf = [0u8; 48];
        let n = builder::emit_get_pldm_version_response(1, &v, &mut scratch, &mut buf).unwrap();
        let m = Message::parse(&buf[..n]).unwrap();
        prop_assert!(m.problem().is_none());
        let base::Body::GetPldmVersionResponse(r) = base_body(&m) else { panic!() };
        prop_assert_eq!(r.versions().collect::<Vec<_>>(), v);
    }

    #[test]
    fn event_data_roundtrip(class in prop::sample::select(std::vec![0u8, 4, 5, 6, 7, 0xF0]), data in prop::collection::vec(any::<u8>(), 0..40)) {
        if let Ok((e, n)) = EventData::parse(class, &data) {
            let mut out = std::vec![0u8; e.buffer_len()];
            e.emit_exact(&mut out);
            prop_assert_eq!(&out[..], &data[..n]);
            prop_assert_eq!(EventData::parse(class, &out).unwrap(), (e, n));
        }
    }
}

#[test]
fn set_event_receiver_both_forms() {
    // DSP0248 SetEventReceiver (0x04): enableAsync, MCTP, EID 8 — the
    // 3-byte form, then libpldm's 5-byte form with heartbeatTimer 120 s.
    let short = [0x01, 0x80, 0x02, 0x04, 0x01, 0x00, 0x08];
    let m = decode(&short);
    let want = platform::SetEventReceiverRequest {
        event_message_global_enable: platform::EventMessageGlobalEnable::EnableAsync,
        transport_protocol_type: 0,
        event_receiver_address_info: 8,
        heartbeat_timer: None,
    };
    assert_eq!(
        platform_body(&m),
        platform::Body::SetEventReceiverRequest(want)
    );
    assert_eq!(
        summary(&m),
        "PLDM SetEventReceiver req iid=0 / enableAsync receiver 8"
    );
    let long = [0x01, 0x80, 0x02, 0x04, 0x03, 0x00, 0x08, 0x78, 0x00];
    let m = decode(&long);
    assert_eq!(get(&fields(&m), "heartbeat_timer"), "120");
    // Too short: malformed, never a panic.
    assert!(decode(&short[..6]).problem().is_some());
}
