//! The terminus on real request bytes (built with the wire crate's
//! builders or written out from DSP0240 / DSP0248 tables), responses
//! decoded with the wire crate's decoder.

use mctpkit_wire::pldm::base::{self, Ver32};
use mctpkit_wire::pldm::builder;
use mctpkit_wire::pldm::pdr::{PdrType, Record};
use mctpkit_wire::pldm::platform::{self, SensorState, TransferFlag};
use mctpkit_wire::pldm::{Body, Message, PldmType};

use super::sensors::fixtures::{health, temperature};
use super::*;

fn config() -> PldmConfig {
    PldmConfig {
        tid: 7,
        event_receiver: None,
        numeric_sensor: vec![temperature()],
        state_sensor: vec![health()],
    }
}

fn terminus() -> PldmTerminus {
    PldmTerminus::new(&config(), 9)
}

/// Ask and decode; the response must pair with the request (same type,
/// command and instance ID, Rq clear).
fn ask(t: &mut PldmTerminus, now: Millis, req: &[u8]) -> (u8, Vec<u8>) {
    let rsp = t.handle(now, req).expect("a response");
    let m = Message::parse(&rsp).unwrap();
    let q = Message::parse(req).unwrap();
    assert!(!m.header.rq);
    assert_eq!(
        (m.header.pldm_type, m.header.command, m.header.instance_id),
        (q.header.pldm_type, q.header.command, q.header.instance_id)
    );
    assert!(m.problem().is_none(), "{:?} in {rsp:02x?}", m.problem());
    (m.header.completion_code.unwrap(), rsp)
}

fn cc_of(t: &mut PldmTerminus, req: &[u8]) -> u8 {
    ask(t, 0, req).0
}

#[test]
fn get_tid_is_the_issue_example() {
    let mut t = terminus();
    let (cc, rsp) = ask(&mut t, 0, &[0x01, 0x80, 0x00, 0x02]);
    assert_eq!(cc, 0);
    assert_eq!(rsp, [0x01, 0x00, 0x00, 0x02, 0x00, 7]);
    // SetTID changes it; the reserved TIDs are refused.
    assert_eq!(
        cc_of(&mut t, &builder::set_tid_request(1, 0x22).to_vec()),
        0
    );
    assert_eq!(t.tid(), 0x22);
    assert_eq!(
        cc_of(&mut t, &builder::set_tid_request(1, 0xFF).to_vec()),
        0x02
    );
}

#[test]
fn discovery_commands() {
    let mut t = terminus();
    let (_, rsp) = ask(&mut t, 0, &builder::get_pldm_types_request(3).to_vec());
    match Message::parse(&rsp).unwrap().body {
        Body::Base {
            body: base::Body::GetPldmTypesResponse(r),
            ..
        } => {
            assert!(r.supports(0) && r.supports(2) && !r.supports(4));
        }
        b => panic!("{b:?}"),
    }
    let v = ask(
        &mut t,
        0,
        &builder::get_pldm_version_request(4, PldmType::Platform).to_vec(),
    )
    .1;
    match Message::parse(&v).unwrap().body {
        Body::Base {
            body: base::Body::GetPldmVersionResponse(r),
            ..
        } => {
            assert_eq!(r.crc_ok(), Some(true));
            assert_eq!(
                r.versions().collect::<Vec<_>>(),
                [Ver32::new(1, 2, Some(0))]
            );
        }
        b => panic!("{b:?}"),
    }
    let cmds = builder::get_pldm_commands_request(5, PldmType::Platform, Ver32::new(1, 2, Some(0)));
    let (_, rsp) = ask(&mut t, 0, &cmds.to_vec());
    match Message::parse(&rsp).unwrap().body {
        Body::Base {
            body: base::Body::GetPldmCommandsResponse(r),
            ..
        } => {
            assert!(r.supports(0x11) && r.supports(0x51) && !r.supports(0x0A));
        }
        b => panic!("{b:?}"),
    }
    // Unserved type or version: DSP0240 codes 0x83 and 0x84.
    let bad_type = builder::get_pldm_commands_request(5, PldmType::Fru, Ver32::new(1, 0, Some(0)));
    assert_eq!(cc_of(&mut t, &bad_type.to_vec()), 0x83);
    let bad_ver = builder::get_pldm_commands_request(5, PldmType::Base, Ver32::new(1, 0, Some(0)));
    assert_eq!(cc_of(&mut t, &bad_ver.to_vec()), 0x84);
    let fw = builder::get_pldm_version_request(4, PldmType::FirmwareUpdate).to_vec();
    assert_eq!(cc_of(&mut t, &fw), 0x83);
}

#[test]
fn the_repository_holds_locator_numeric_and_state_pdrs() {
    let mut t = terminus();
    let mut handle = 0;
    let mut types = Vec::new();
    loop {
        let (cc, rsp) = ask(
            &mut t,
            0,
            &builder::get_pdr_request(1, handle, 255).to_vec(),
        );
        assert_eq!(cc, 0);
        let (next, rec) = match Message::parse(&rsp).unwrap().body {
            Body::Platform {
                body: platform::Body::GetPdrResponse(r),
                ..
            } => {
                assert_eq!(r.transfer_flag, TransferFlag::StartAndEnd);
                (r.next_record_handle, r.record_data.to_vec())
            }
            b => panic!("{b:?}"),
        };
        let r = Record::parse(&rec).unwrap();
        types.push(r.header.pdr_type);
        if r.header.pdr_type == PdrType::TerminusLocator {
            assert_eq!((r.data[3], r.data[8]), (7, 9), "TID 7 at EID 9");
        }
        if next == 0 {
            break;
        }
        handle = next;
    }
    assert_eq!(
        types,
        [
            PdrType::TerminusLocator,
            PdrType::NumericSensor,
            PdrType::StateSensor
        ]
    );
    // A bus owner assigns EID 20: the locator follows.
    t.eid_changed(20, Some(8));
    let (_, rsp) = ask(&mut t, 0, &builder::get_pdr_request(1, 1, 255).to_vec());
    assert_eq!(rsp[rsp.len() - 1], 20);
    assert_eq!(
        cc_of(&mut t, &builder::get_pdr_request(1, 9, 255).to_vec()),
        0x82
    );
}

#[test]
fn a_numeric_reading_moves_with_time() {
    let mut t = terminus();
    let read = |t: &mut PldmTerminus, now| {
        let (_, rsp) = ask(
            t,
            now,
            &builder::get_sensor_reading_request(2, 1, false).to_vec(),
        );
        match Message::parse(&rsp).unwrap().body {
            Body::Platform {
                body: platform::Body::GetSensorReadingResponse(r),
                ..
            } => (r.present_reading.value, r.present_state, r.previous_state),
            b => panic!("{b:?}"),
        }
    };
    assert_eq!(
        read(&mut t, 0),
        (30, SensorState::Normal, SensorState::Normal)
    );
    assert_eq!(read(&mut t, 250).0, 50);
    assert_eq!(
        read(&mut t, 400),
        (62, SensorState::UpperWarning, SensorState::UpperWarning)
    );
    assert_eq!(read(&mut t, 500).1, SensorState::UpperCritical);
    // A state sensor is not a numeric sensor.
    let wrong = builder::get_sensor_reading_request(2, 2, false).to_vec();
    assert_eq!(cc_of(&mut t, &wrong), 0x80);
}

#[test]
fn state_sensor_readings_step() {
    let mut t = terminus();
    // DSP0248 Table 58 request: sensorID 2, sensorRearm 0, reserved.
    let req = [0x01, 0x86, 0x02, 0x21, 0x02, 0x00, 0x00, 0x00];
    let (cc, rsp) = ask(&mut t, 150, &req);
    assert_eq!(cc, 0);
    // compositeSensorCount 1: enabled, present 2, previous 1, event 2.
    assert_eq!(&rsp[5..], &[1, 0, 2, 1, 2]);
    let (_, rsp) = ask(&mut t, 250, &req);
    assert_eq!(&rsp[5..], &[1, 0, 3, 2, 3]);
    let mut other = req;
    other[4] = 1;
    assert_eq!(cc_of(&mut t, &other), 0x80);
}

#[test]
fn malformed_requests_get_error_codes_never_a_panic() {
    let mut t = terminus();
    // Short GetSensorReading, GetTID with a byte too many.
    assert_eq!(cc_of(&mut t, &[0x01, 0x80, 0x02, 0x11, 0x01]), 0x03);
    assert_eq!(cc_of(&mut t, &[0x01, 0x80, 0x00, 0x02, 0x00]), 0x03);
    // Unknown command, unknown type.
    assert_eq!(cc_of(&mut t, &[0x01, 0x80, 0x02, 0x7F]), 0x05);
    assert_eq!(cc_of(&mut t, &[0x01, 0x80, 0x04, 0x01]), 0x20);
    // GetPDR with an unknown transfer operation flag.
    let mut q = builder::get_pdr_request(1, 0, 16).to_vec();
    q[12] = 7;
    assert_eq!(cc_of(&mut t, &q), 0x81);
    // Not answered: responses, datagrams, short headers, other types.
    assert_eq!(t.handle(0, &[0x01, 0x00, 0x00, 0x02, 0x00, 1]), None);
    assert_eq!(t.handle(0, &[0x01, 0xC0, 0x00, 0x02]), None);
    assert_eq!(t.handle(0, &[0x01, 0x80]), None);
    assert_eq!(t.handle(0, &[0x05, 0x80, 0x00, 0x02]), None);
    // Every byte string up to 6 bytes of PLDM: no panic.
    let mut buf = [0x01u8; 6];
    for len in 0..6 {
        for x in 0..=255u8 {
            buf[len.max(1) - 1] = x;
            let _ = t.handle(0, &buf[..len]);
        }
    }
}

#[test]
fn a_long_pdr_comes_in_parts_with_its_crc() {
    let mut t = terminus();
    let mut got = Vec::new();
    let mut q = builder::get_pdr_request(1, 2, 20).to_vec();
    loop {
        let (cc, rsp) = ask(&mut t, 0, &q);
        assert_eq!(cc, 0);
        let r = match Message::parse(&rsp).unwrap().body {
            Body::Platform {
                body: platform::Body::GetPdrResponse(r),
                ..
            } => r,
            b => panic!("{b:?}"),
        };
        got.extend_from_slice(r.record_data);
        if r.transfer_flag == TransferFlag::End {
            assert_eq!(
                r.transfer_crc,
                Some(mctpkit_wire::pldm::pdr::transfer_crc(&got))
            );
            break;
        }
        // GetNextPart from the handle given.
        q[8..12].copy_from_slice(&r.next_data_transfer_handle.to_le_bytes());
        q[12] = 0;
    }
    assert_eq!(
        Record::parse(&got).unwrap().header.pdr_type,
        PdrType::NumericSensor
    );
}

/// The PlatformEventMessages the terminus sends, checked every 100 ms over
/// `until` ms: (destination, sensorID, eventData).
fn events(
    t: &mut PldmTerminus,
    until: Millis,
) -> Vec<(u8, u16, platform::PlatformEventMessageRequest<'static>)> {
    let mut out = Vec::new();
    let mut now = 0;
    while now <= until {
        while let Some((dst, msg)) = t.poll_request(now) {
            let msg: &'static [u8] = Box::leak(msg.into_boxed_slice());
            match Message::parse(msg).unwrap().body {
                Body::Platform {
                    body: platform::Body::PlatformEventMessageRequest(r),
                    trailing: [],
                } => {
                    let id = match r.event {
                        mctpkit_wire::pldm::event::EventData::Sensor { sensor_id, .. } => sensor_id,
                        e => panic!("{e:?}"),
                    };
                    out.push((dst, id, r));
                }
                b => panic!("{b:?}"),
            }
        }
        now = t
            .poll_timeout()
            .expect("checks while a receiver is set")
            .max(now + 1);
    }
    out
}

#[test]
fn no_receiver_no_events() {
    let mut t = terminus();
    assert_eq!(t.poll_timeout(), None);
    assert_eq!(t.poll_request(5000), None);
}

#[test]
fn set_event_receiver_then_sensor_events() {
    use mctpkit_wire::pldm::event::{EventData, SensorEvent};
    let mut t = terminus();
    // enableAsync (1), MCTP (0), EID 8.
    assert_eq!(
        cc_of(&mut t, &[0x01, 0x80, 0x02, 0x04, 0x01, 0x00, 0x08]),
        0
    );
    let ev = events(&mut t, 1000);
    assert!(ev
        .iter()
        .all(|(dst, _, r)| *dst == 8 && r.tid == 7 && r.format_version == 1));
    // The temperature: normal → upperWarning (62 at 400 ms) → upperCritical
    // (70 at 500 ms) → upperWarning (62 at 600 ms) → normal (54 at 700 ms).
    let numeric: Vec<(u8, u8, i64)> = ev
        .iter()
        .filter_map(|(_, id, r)| match r.event {
            EventData::Sensor {
                event:
                    SensorEvent::Numeric {
                        event_state,
                        previous_event_state,
                        present_reading,
                    },
                ..
            } if *id == 1 => Some((previous_event_state, event_state, present_reading.value)),
            _ => None,
        })
        .collect();
    let (n, w, c) = (
        SensorState::Normal.value(),
        SensorState::UpperWarning.value(),
        SensorState::UpperCritical.value(),
    );
    assert_eq!(numeric, [(n, w, 62), (w, c, 70), (c, w, 62), (w, n, 54)]);
    // The state sensor steps every 100 ms: an event at every check.
    let states = ev.iter().filter(|(_, id, _)| *id == 2).count();
    assert_eq!(states, 10);
    // GetSensorReading now reports events enabled and the last event state.
    let (_, rsp) = ask(
        &mut t,
        1000,
        &builder::get_sensor_reading_request(2, 1, false).to_vec(),
    );
    assert_eq!(
        (rsp[7], rsp[10]),
        (2, n),
        "eventsEnabled, eventState {rsp:02x?}"
    );
    // Disable: no more events.
    assert_eq!(
        cc_of(&mut t, &[0x01, 0x80, 0x02, 0x04, 0x00, 0x00, 0x00]),
        0
    );
    assert_eq!(t.poll_timeout(), None);
}

#[test]
fn event_receiver_methods_and_the_bus_owner_default() {
    let mut t = terminus();
    // enablePolling, enableAsyncKeepAlive (5-byte form): not supported.
    assert_eq!(
        cc_of(&mut t, &[0x01, 0x80, 0x02, 0x04, 0x02, 0x00, 0x08]),
        0x81
    );
    assert_eq!(
        cc_of(
            &mut t,
            &[0x01, 0x80, 0x02, 0x04, 0x03, 0x00, 0x08, 0x78, 0x00]
        ),
        0x81
    );
    // Another transport protocol.
    assert_eq!(
        cc_of(&mut t, &[0x01, 0x80, 0x02, 0x04, 0x01, 0x01, 0x08]),
        0x80
    );
    assert_eq!(cc_of(&mut t, &[0x01, 0x80, 0x02, 0x04, 0x01]), 0x03);
    assert_eq!(t.poll_timeout(), None);
    // A bus owner assigned the EID: events go to it.
    t.eid_changed(20, Some(8));
    assert!(events(&mut t, 300).iter().all(|(dst, _, _)| *dst == 8));
    // The file's receiver wins over the bus owner.
    let mut t = PldmTerminus::new(
        &PldmConfig {
            event_receiver: Some(0x10),
            ..config()
        },
        9,
    );
    t.eid_changed(20, Some(8));
    let ev = events(&mut t, 300);
    assert!(!ev.is_empty() && ev.iter().all(|(dst, _, _)| *dst == 0x10));
}
