//! NVMe-MI tests: fixtures both ways with MICs computed by a bitwise
//! CRC-32C written here (independent of the `crc` crate; the same values
//! were cross-checked with a Python bitwise implementation), bad MICs,
//! truncated and garbage input, proptest round trips.

extern crate std;

use std::string::String;
use std::vec;
use std::vec::Vec;

use proptest::prelude::*;

use super::admin::AdminCommand;
use super::data::MiData;
use super::*;
use crate::describe::{Describe, Field, Group, Visitor};
use crate::error::ErrorKind;

/// Reference CRC-32C: reflected polynomial 0x82F63B78, init and xorout
/// 0xFFFFFFFF. Deliberately not the `crc` crate.
fn crc32c_ref(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ if crc & 1 != 0 { 0x82F6_3B78 } else { 0 };
        }
    }
    !crc
}

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// Append the reference MIC.
fn with_mic(mut b: Vec<u8>) -> Vec<u8> {
    let m = crc32c_ref(&b);
    b.extend_from_slice(&m.to_le_bytes());
    b
}

#[derive(Default)]
struct Collect(Vec<String>);

impl Visitor for Collect {
    fn field(&mut self, f: &Field<'_>) {
        let mut s = std::format!("{}={}", f.name, f.value);
        if let Some(m) = f.meaning {
            s.push_str(&std::format!(" ({m})"));
        }
        s.push_str(&std::format!(" @{}+{}", f.offset, f.len));
        self.0.push(s);
    }
    fn begin(&mut self, name: &'static str, group: Group, offset: usize, len: usize) {
        self.0
            .push(std::format!("begin {name} {group:?} @{offset}+{len}"));
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

fn summary(m: &Message<'_>) -> String {
    let mut s = String::new();
    m.summary(&mut s).unwrap();
    s
}

fn has(f: &[String], prefix: &str) -> bool {
    f.iter().any(|l| l.starts_with(prefix))
}

fn built(b: Builder<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; 8192];
    let n = b.build(&mut buf).unwrap();
    buf.truncate(n);
    buf
}

// ------------------------------------------------------------------ MIC

#[test]
fn crc32c_check_value() {
    assert_eq!(compute_mic(b"123456789"), 0xE306_9283);
    assert_eq!(crc32c_ref(b"123456789"), 0xE306_9283);
}

#[test]
fn mic_matches_independent_reference() {
    // Hand-computed (Python bitwise CRC-32C): aa ef 81 b4.
    let b = hex("84 08 00 00 01 00 00 00 00 00 00 00 00 00 00 80 aa ef 81 b4");
    assert_eq!(crc32c_ref(&b[..16]), 0xB481_EFAA);
    let m = Message::parse(&b).unwrap();
    let i = m.integrity().unwrap();
    assert_eq!(i.layer, Layer::NvmeMi);
    assert_eq!(i.name, "mic");
    assert_eq!((i.found, i.computed), (0xB481_EFAA, 0xB481_EFAA));
    assert!(i.ok());
    // Every builder output carries the reference MIC.
    for b in [
        built(builder::admin_identify(3, Cns::IdentifyController)),
        built(builder::control_primitive(1, ControlOpcode::GetState, 9, 1)),
        built(builder::vpd_write(0, 0x10, &[1, 2, 3, 4])),
    ] {
        let n = b.len();
        assert_eq!(
            u32::from_le_bytes(b[n - 4..].try_into().unwrap()),
            crc32c_ref(&b[..n - 4])
        );
    }
}

#[test]
fn bad_mic_is_reported() {
    let mut b = hex("84 08 00 00 01 00 00 00 00 00 00 00 00 00 00 80 aa ef 81 b4");
    b[19] ^= 0x01;
    let m = Message::parse(&b).unwrap();
    let i = m.integrity().unwrap();
    assert!(!i.ok());
    assert_eq!(i.found, 0xB581_EFAA);
    assert_eq!(i.computed, 0xB481_EFAA);
    let f = fields(&m);
    assert!(has(&f, "mic=0xb581efaa @16+4"), "{f:?}");
    assert!(has(&f, "mic_ok=0"), "{f:?}");
    // A flipped data bit also breaks it, and the body still decodes.
    let mut b = hex("84 08 00 00 01 00 00 00 00 00 00 00 00 00 00 80 aa ef 81 b4");
    b[5] = 1;
    let m = Message::parse(&b).unwrap();
    assert!(!m.integrity().unwrap().ok());
    assert!(matches!(m.body, Body::MiRequest(_)));
}

#[test]
fn ic_clear_means_no_mic() {
    let b = hex("04 08 00 00 01 00 00 00 00 00 00 00 00 00 00 80");
    let m = Message::parse(&b).unwrap();
    assert!(m.integrity().is_none());
    assert!(!m.header.ic);
    assert!(matches!(m.body, Body::MiRequest(r) if r.dword1 == 0x8000_0000));
    assert_eq!(
        built(builder::subsystem_health_status_poll(0, true).ic(false)),
        b
    );
}

#[test]
fn mic_missing_is_a_problem() {
    for b in [hex("84 08 00 00"), hex("84 08 00 00 01 00 00")] {
        let m = Message::parse(&b).unwrap();
        assert!(m.integrity().is_none());
        let e = m.problem().expect("problem");
        assert_eq!(e.layer, Layer::NvmeMi);
        assert!(
            matches!(e.kind, ErrorKind::Truncated { needed: 8, .. }),
            "{e:?}"
        );
    }
}

// ------------------------------------------------------------------ header

#[test]
fn header_fields() {
    let b = with_mic(hex("84 91 03 00 00 00 00 00"));
    let m = Message::parse(&b).unwrap();
    assert_eq!(
        m.header,
        Header {
            ic: true,
            ror: true,
            nmimt: Nmimt::AdminCommand,
            csi: 1,
            meb: true,
            ciap: true,
        }
    );
    let f = fields(&m);
    assert!(has(&f, "nmimt=2 (NVMe Admin Command) @1+1"), "{f:?}");
    assert!(has(&f, "ror=1 (response) @1+1"), "{f:?}");
    assert!(has(&f, "csi=1 @1+1"), "{f:?}");
    assert!(has(&f, "meb=1 @2+1"), "{f:?}");
    // Short admin error response: no CQE.
    match m.body {
        Body::AdminResponse(r) => {
            assert_eq!(r.status, Status::Success);
        }
        Body::Malformed { error, .. } => {
            // Success with only 4 bytes is truncated.
            assert!(matches!(
                error.kind,
                ErrorKind::Truncated { needed: 20, .. }
            ));
            assert_eq!(error.offset, 8);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn too_short_header_is_an_error() {
    for n in 0..4 {
        let e = Message::parse(&[0x84, 0x08, 0x00][..n.min(3)]).unwrap_err();
        assert_eq!(e.layer, Layer::NvmeMi);
    }
}

// ------------------------------------------------------------------ MI

#[test]
fn subsystem_health_status_poll_both_ways() {
    let req = hex("84 08 00 00 01 00 00 00 00 00 00 00 00 00 00 80 aa ef 81 b4");
    assert_eq!(built(builder::subsystem_health_status_poll(0, true)), req);
    let m = Message::parse(&req).unwrap();
    match m.body {
        Body::MiRequest(r) => {
            assert_eq!(r.opcode, MiOpcode::SubsystemHealthStatusPoll);
            assert_eq!(
                r.command(),
                MiCommand::SubsystemHealthStatusPoll { clear_status: true }
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        summary(&m),
        "NVMe-MI NVM Subsystem Health Status Poll req csi=0 cs=1"
    );
    let f = fields(&m);
    assert!(has(&f, "cs=1 @15+1"), "{f:?}");
    let ctx = m.request_context().unwrap();

    // Response: NSS 0x38 (DF, RNR, P0LA), SW 0xff, 35 °C, 3 % used, CCS RDY.
    let rsp = hex("84 88 00 00 00 00 00 00 38 ff 23 03 01 00 00 00 e2 38 67 bf");
    assert_eq!(
        built(builder::mi_response(
            0,
            Status::Success,
            0,
            &hex("38 ff 23 03 01 00 00 00")
        )),
        rsp
    );
    let lone = Message::parse(&rsp).unwrap();
    assert!(lone.integrity().unwrap().ok());
    assert_eq!(
        lone.pairing(),
        m.pairing().map(|p| Pairing {
            request: false,
            ..p
        })
    );
    assert!(summary(&lone).starts_with("NVMe-MI MI rsp csi=0 Success data=8B"));
    let r = Message::parse_with(&rsp, Some(ctx)).unwrap();
    match r.mi_data() {
        Some(Ok(MiData::SubsystemHealth(h))) => {
            assert_eq!(
                (h.nss, h.sw, h.ctemp, h.pdlu, h.ccs),
                (0x38, 0xff, 35, 3, 1)
            );
        }
        other => panic!("{other:?}"),
    }
    let s = summary(&r);
    assert!(
        s.starts_with("NVMe-MI NVM Subsystem Health Status Poll rsp csi=0 Success data=8B / ctemp=35°C pdlu=3%"),
        "{s}"
    );
    let f = fields(&r);
    assert!(has(&f, "begin decoded Object @8+8"), "{f:?}");
    assert!(has(&f, "df=1 @8+1"), "{f:?}");
    assert!(has(&f, "ctemp=35°C @10+1"), "{f:?}");
    assert!(has(&f, "rdy=1 @12+1"), "{f:?}");
    assert!(r.problem().is_none());
}

#[test]
fn celsius_special_values() {
    use super::data::CelsiusByte;
    assert_eq!(std::format!("{}", CelsiusByte(0x7F)), ">=127°C");
    assert_eq!(std::format!("{}", CelsiusByte(0x80)), "no data");
    assert_eq!(std::format!("{}", CelsiusByte(0x81)), "sensor failure");
    assert_eq!(std::format!("{}", CelsiusByte(0xC4)), "<=-60°C");
    assert_eq!(std::format!("{}", CelsiusByte(0xFF)), "-1°C");
}

#[test]
fn controller_list_both_ways() {
    let req = hex("84 08 00 00 00 00 00 00 00 00 00 02 00 00 00 00 ba df 24 77");
    assert_eq!(
        built(builder::read_data_structure(
            0,
            DataStructureType::ControllerList,
            0,
            0
        )),
        req
    );
    let m = Message::parse(&req).unwrap();
    let f = fields(&m);
    assert!(has(&f, "dtyp=0x02 (Controller List) @11+1"), "{f:?}");
    assert!(has(&f, "ctrlid=0 @8+2"), "{f:?}");
    let rsp = hex("84 88 00 00 00 06 00 00 02 00 01 00 02 00 54 4e 12 30");
    let r = Message::parse_with(&rsp, m.request_context()).unwrap();
    assert!(r.integrity().unwrap().ok());
    match r.mi_data() {
        Some(Ok(MiData::ControllerList(l))) => {
            assert_eq!(l.iter().collect::<Vec<_>>(), vec![1, 2]);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        summary(&r).ends_with("2 controllers: 1 2"),
        "{}",
        summary(&r)
    );
    let f = fields(&r);
    assert!(has(&f, "response_data_length=6 @5+2"), "{f:?}");
    // A count larger than the data is a problem, not a panic.
    let bad = with_mic(hex("84 88 00 00 00 06 00 00 05 00 01 00"));
    let r = Message::parse_with(&bad, m.request_context()).unwrap();
    let e = r.problem().unwrap();
    assert!(matches!(e.kind, ErrorKind::LengthMismatch { .. }), "{e:?}");
    assert_eq!(e.offset, 8);
}

#[test]
fn port_and_controller_information() {
    // SMBus port: MTU 64, no MEB, VPD 0xA6 at 100 kHz, MI 0x3A at 400 kHz, BM.
    let port = hex(
        "02 00 40 00 00 00 00 00 a6 01 3a 02 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
    );
    let ctx_port = RequestContext {
        nmimt: Nmimt::MiCommand,
        opcode: 0,
        dword0: 0x0101_0000,
        dword1: 0,
        data_offset: 0,
    };
    let msg = built(builder::mi_response(0, Status::Success, 32, &port));
    let r = Message::parse_with(&msg, Some(ctx_port)).unwrap();
    match r.mi_data() {
        Some(Ok(MiData::PortInformation(p))) => {
            assert_eq!(p.port_type, PortType::SmbusI2c);
            assert_eq!(p.max_mctp_transmission_unit, 64);
            assert_eq!(p.specific[..5], [0xa6, 1, 0x3a, 2, 1]);
        }
        other => panic!("{other:?}"),
    }
    let f = fields(&r);
    assert!(has(&f, "max_mi_frequency=2 (400 kHz) @19+1"), "{f:?}");
    assert!(
        summary(&r).contains("SMBus/I2C mtu=64 vpd=0xa6 mi=0x3a"),
        "{}",
        summary(&r)
    );

    let ctrl = hex(
        "00 00 00 00 00 01 08 01 4d 14 0a a8 4d 14 01 a8 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
    );
    let d = decode_mi_response_data(MiOpcode::ReadDataStructure, 0x0300_0001, &ctrl).unwrap();
    match d {
        MiData::ControllerInformation(c) => {
            assert_eq!(c.pci_vendor_id, 0x144d);
            assert_eq!(c.pci_device_id, 0xa80a);
            assert_eq!(c.pci_routing_id, 0x0108);
            assert_eq!(c.prii, 1);
        }
        other => panic!("{other:?}"),
    }
    let sub = hex("00 01 02 00");
    match decode_mi_response_data(MiOpcode::ReadDataStructure, 0, &sub).unwrap() {
        MiData::SubsystemInformation(s) => {
            assert_eq!((s.major_version, s.minor_version), (1, 2));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn controller_health_status_poll_both_ways() {
    let b = built(builder::controller_health_status_poll(
        0, 0, 16, true, false,
    ));
    let m = Message::parse(&b).unwrap();
    match m.body {
        Body::MiRequest(r) => match r.command() {
            MiCommand::ControllerHealthStatusPoll {
                starting_controller_id,
                max_entries,
                report_all,
                clear_changed_flags,
                ..
            } => {
                assert_eq!((starting_controller_id, max_entries), (0, 16));
                assert!(report_all && !clear_changed_flags);
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert_eq!(&b[4..16], &hex("02 00 00 00 00 00 10 80 00 00 00 00")[..]);
    let f = fields(&m);
    assert!(has(&f, "maxrent=16 @10+1"), "{f:?}");
    assert!(has(&f, "all=1 @11+1"), "{f:?}");
    // Two entries: controller 1 at 308 K, controller 2 read-only.
    let data = hex("01 00 01 00 34 01 05 64 00 00 00 00 00 00 00 00 \
         02 00 01 00 35 01 07 5a 08 00 00 00 00 00 01 00");
    let rsp = built(builder::mi_response(0, Status::Success, 0x02_0000, &data));
    let r = Message::parse_with(&rsp, m.request_context()).unwrap();
    let s = summary(&r);
    assert!(s.contains("entries=2"), "{s}");
    assert!(s.contains("ctrl 1: 308K pdlu=5% spare=100%"), "{s}");
    let f = fields(&r);
    assert!(has(&f, "ro=1 @32+1"), "{f:?}");
    assert!(has(&f, "rent=2 @7+1"), "{f:?}");
    // 17 bytes of entries: trailing byte reported.
    let rsp = built(builder::mi_response(0, Status::Success, 0, &data[..17]));
    let r = Message::parse_with(&rsp, m.request_context()).unwrap();
    assert!(matches!(
        r.problem().unwrap().kind,
        ErrorKind::Trailing { extra: 1 }
    ));
}

#[test]
fn configuration_get_set_and_errors() {
    let b = built(builder::configuration_get(
        0,
        ConfigurationId::MctpTransmissionUnitSize,
        1,
    ));
    assert_eq!(&b[4..16], &hex("04 00 00 00 03 00 00 01 00 00 00 00")[..]);
    let m = Message::parse(&b).unwrap();
    assert!(
        summary(&m).contains("MCTP Transmission Unit Size port=1"),
        "{}",
        summary(&m)
    );
    let rsp = built(builder::mi_response(0, Status::Success, 64, &[]));
    let r = Message::parse_with(&rsp, m.request_context()).unwrap();
    assert!(summary(&r).contains("Success mtu=64"), "{}", summary(&r));
    let b = built(builder::configuration_set_mtu(0, 0, 250));
    let m = Message::parse(&b).unwrap();
    assert!(summary(&m).contains("mtu=250"), "{}", summary(&m));
    // Invalid Parameter at byte 8 bit 3.
    let rsp = built(builder::mi_response(
        0,
        Status::InvalidParameter,
        0x00_0803,
        &[],
    ));
    let r = Message::parse(&rsp).unwrap();
    assert!(
        summary(&r).contains("Invalid Parameter at byte 8 bit 3"),
        "{}",
        summary(&r)
    );
    let f = fields(&r);
    assert!(has(&f, "lsbyte=8 @6+2"), "{f:?}");
    // More Processing Required is an interim response.
    let rsp = built(builder::mi_response(
        0,
        Status::MoreProcessingRequired,
        0,
        &[],
    ));
    assert!(Message::parse(&rsp).unwrap().is_more_processing_required());
    // Vendor-specific status.
    let rsp = built(builder::mi_response(0, Status::from_value(0xE5), 0, &[]));
    assert!(summary(&Message::parse(&rsp).unwrap()).contains("Vendor Specific"));
}

#[test]
fn vpd_and_reset() {
    let b = built(builder::vpd_write(1, 0x20, &[0xde, 0xad]));
    let m = Message::parse(&b).unwrap();
    match m.body {
        Body::MiRequest(r) => {
            assert_eq!(
                r.command(),
                MiCommand::VpdWrite {
                    offset: 0x20,
                    length: 2
                }
            );
            assert_eq!(r.data, &[0xde, 0xad]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(m.header.csi, 1);
    let f = fields(&m);
    assert!(has(&f, "request_data=de ad @16+2"), "{f:?}");
    let b = built(builder::reset(0, 0));
    let f = fields(&Message::parse(&b).unwrap());
    assert!(
        has(&f, "reset_type=0x00 (NVM Subsystem Reset) @11+1"),
        "{f:?}"
    );
}

// ------------------------------------------------------------------ control primitives

#[test]
fn control_primitive_both_ways_and_pairing() {
    let req = hex("84 00 00 00 00 05 00 00 e7 90 ab a2");
    assert_eq!(
        built(builder::control_primitive(0, ControlOpcode::Pause, 5, 0)),
        req
    );
    let m = Message::parse(&req).unwrap();
    assert_eq!(
        m.body,
        Body::ControlRequest(ControlRequest {
            opcode: ControlOpcode::Pause,
            tag: 5,
            cpsp: 0
        })
    );
    assert_eq!(summary(&m), "NVMe-MI Pause req csi=0 tag=5 cpsp=0x0000");
    let rsp = hex("84 80 00 00 00 05 00 00 13 9e c5 57");
    assert_eq!(
        built(builder::control_response(0, Status::Success, 5, 0)),
        rsp
    );
    let r = Message::parse_with(&rsp, m.request_context()).unwrap();
    assert!(r.integrity().unwrap().ok());
    assert_eq!(
        summary(&r),
        "NVMe-MI Pause rsp csi=0 Success tag=5 cpsr=0x0000"
    );
    let (a, b) = (m.pairing().unwrap(), r.pairing().unwrap());
    assert!(a.request && !b.request);
    assert_eq!(a.key, b.key);
    // Another tag, another slot or an MI command: different keys.
    let ob = built(builder::control_primitive(0, ControlOpcode::Pause, 6, 0));
    let other = Message::parse(&ob).unwrap();
    assert_ne!(other.pairing().unwrap().key, a.key);
    let sb = built(builder::control_primitive(1, ControlOpcode::Pause, 5, 0));
    let slot1 = Message::parse(&sb).unwrap();
    assert_ne!(slot1.pairing().unwrap().key, a.key);
    let mb = built(builder::subsystem_health_status_poll(0, false));
    let mi = Message::parse(&mb).unwrap();
    assert_ne!(mi.pairing().unwrap().key, a.key);
    // Trailing byte after a primitive.
    let bad = with_mic(hex("84 00 00 00 00 05 00 00 00"));
    let m = Message::parse(&bad).unwrap();
    assert!(matches!(
        m.problem().unwrap().kind,
        ErrorKind::Trailing { extra: 1 }
    ));
    assert_eq!(m.problem().unwrap().offset, 8);
    assert!(m.pairing().is_none());
}

#[test]
fn asynchronous_events_do_not_pair() {
    let b = with_mic(hex("84 a8 00 00 01 02 03"));
    let m = Message::parse(&b).unwrap();
    assert_eq!(m.header.nmimt, Nmimt::AsynchronousEvent);
    assert!(matches!(m.body, Body::Raw(r) if r == [1, 2, 3]));
    assert!(m.pairing().is_none());
}

// ------------------------------------------------------------------ admin

#[test]
fn admin_identify_both_ways() {
    let b = built(builder::admin_identify(0, Cns::IdentifyController));
    let mut want = hex("84 10 00 00 06 03 00 00");
    want.extend_from_slice(&[0; 20]); // DW1-5
    want.extend_from_slice(&hex("00 00 00 00 00 10 00 00")); // DOFST 0, DLEN 4096
    want.extend_from_slice(&[0; 8]); // DW8-9
    want.extend_from_slice(&hex("01 00 00 00")); // CDW10: CNS 1
    want.extend_from_slice(&[0; 20]); // CDW11-15
    let want = with_mic(want);
    assert_eq!(b, want);
    let m = Message::parse(&b).unwrap();
    match m.body {
        Body::AdminRequest(r) => {
            assert_eq!(r.opcode, AdminOpcode::Identify);
            assert_eq!(r.data_length, 4096);
            match r.command() {
                AdminCommand::Identify { cns, cntid, .. } => {
                    assert_eq!(cns, Cns::IdentifyController);
                    assert_eq!(cntid, 0);
                }
                other => panic!("{other:?}"),
            }
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        summary(&m),
        "NVMe-MI Admin Identify req csi=0 ctrl=0 cns=Identify Controller dlen=4096"
    );
    let f = fields(&m);
    assert!(has(&f, "cns=0x01 (Identify Controller) @44+1"), "{f:?}");
    assert!(has(&f, "dlen=4096 @32+4"), "{f:?}");

    // Partial Identify Controller (first 84 bytes, as libnvme's probe asks).
    let mut id = vec![0u8; 84];
    id[0..2].copy_from_slice(&0x144du16.to_le_bytes());
    id[2..4].copy_from_slice(&0x144du16.to_le_bytes());
    id[4..24].copy_from_slice(b"S123456789          ");
    id[24..64].copy_from_slice(b"SAMSUNG MZUL2512HCJQ                    ");
    id[64..72].copy_from_slice(b"FW1.0   ");
    id[80..84].copy_from_slice(&0x0001_0400u32.to_le_bytes());
    let rsp = built(builder::admin_response(
        0,
        Status::Success,
        CompletionQueueEntry::default(),
        &id,
    ));
    let r = Message::parse_with(&rsp, m.request_context()).unwrap();
    let s = summary(&r);
    assert_eq!(
        s,
        "NVMe-MI Admin Identify rsp csi=0 Success data=84B / vid=0x144d sn=S123456789 mn=SAMSUNG MZUL2512HCJQ fr=FW1.0"
    );
    let f = fields(&r);
    assert!(has(&f, "mn=SAMSUNG MZUL2512HCJQ @44+40"), "{f:?}");
    assert!(has(&f, "ver=0x00010400 @100+4"), "{f:?}");
    // Without context the data stays raw.
    let lone = Message::parse(&rsp).unwrap();
    assert!(lone.admin_data().is_none());
    assert_eq!(lone.pairing().unwrap().key, m.pairing().unwrap().key);
}

#[test]
fn admin_completion_status() {
    // SC 0x02 (Invalid Field in Command), SCT 0, DNR, CID 0x1234.
    let dw3 = 0x1234 | (0x02 << 17) | (1 << 31);
    let rsp = built(builder::admin_response(
        0,
        Status::Success,
        CompletionQueueEntry {
            dw0: 0,
            dw1: 0,
            dw3,
        },
        &[],
    ));
    let m = Message::parse(&rsp).unwrap();
    match m.body {
        Body::AdminResponse(r) => {
            let c = r.cqe.unwrap();
            assert_eq!(c.sc(), 2);
            assert_eq!(c.sct(), StatusCodeType::Generic);
            assert!(c.dnr() && !c.more());
            assert_eq!(c.cid(), 0x1234);
            assert_eq!(c.status_name(), Some("Invalid Field in Command"));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        summary(&m).contains("/ Invalid Field in Command dnr"),
        "{}",
        summary(&m)
    );
    let f = fields(&m);
    assert!(has(&f, "dnr=1 @19+1"), "{f:?}");
    // A short error response: status only.
    let b = with_mic(hex("84 90 00 00 04 00 00 00"));
    let m = Message::parse(&b).unwrap();
    match m.body {
        Body::AdminResponse(r) => {
            assert_eq!(r.status, Status::InvalidParameter);
            assert!(r.cqe.is_none());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn get_log_page_and_smart_log() {
    let b = built(builder::admin_get_log_page(1, LogId::SmartHealth, 512));
    let m = Message::parse(&b).unwrap();
    match m.body {
        Body::AdminRequest(r) => {
            assert_eq!(r.nsid(), 0xFFFF_FFFF);
            match r.command() {
                AdminCommand::GetLogPage { lid, numd, .. } => {
                    assert_eq!(lid, LogId::SmartHealth);
                    assert_eq!(numd, 127);
                }
                other => panic!("{other:?}"),
            }
        }
        other => panic!("{other:?}"),
    }
    assert!(
        summary(&m).contains("lid=SMART / Health Information bytes=512"),
        "{}",
        summary(&m)
    );
    let mut log = vec![0u8; 512];
    log[0] = 0x08; // read only
    log[1..3].copy_from_slice(&310u16.to_le_bytes());
    log[3] = 100;
    log[5] = 7;
    log[128] = 0x39;
    log[129] = 0x30; // 12345 power-on hours
    let d = decode_admin_response_data(AdminOpcode::GetLogPage, 0x007F_0002, &log).unwrap();
    let mut s = String::new();
    d.summary(&mut s).unwrap();
    assert_eq!(s, "SMART temp=310K spare=100% used=7% cw=0x08 poh=12345");
    let rsp = built(builder::admin_response(
        0,
        Status::Success,
        CompletionQueueEntry::default(),
        &log,
    ));
    let r = Message::parse_with(&rsp, m.request_context()).unwrap();
    let f = fields(&r);
    assert!(has(&f, "read_only=1 @20+1"), "{f:?}");
    assert!(has(&f, "power_on_hours=12345 @148+16"), "{f:?}");
    // Features and firmware commands decode their dwords.
    let b = built(builder::admin_get_features(
        0,
        FeatureId::TemperatureThreshold,
        FeatureSelect::Saved,
    ));
    let m = Message::parse(&b).unwrap();
    assert!(
        summary(&m).contains("fid=Temperature Threshold sel=Saved"),
        "{}",
        summary(&m)
    );
    let mut r = AdminRequest::new(AdminOpcode::FirmwareCommit, 0);
    r.set_cdw(10, 2 | (3 << 3));
    let rb = built(builder::admin_request(r));
    let m = Message::parse(&rb).unwrap();
    let f = fields(&m);
    assert!(
        has(&f, "ca=3 (Replace and activate immediately) @44+1"),
        "{f:?}"
    );
    assert!(has(&f, "fs=2 @44+1"), "{f:?}");
    let mut r = AdminRequest::new(AdminOpcode::FirmwareImageDownload, 0);
    r.set_cdw(10, 1023);
    r.set_cdw(11, 2048);
    let rb = built(builder::admin_request(r));
    let m = Message::parse(&rb).unwrap();
    assert!(
        summary(&m).contains("bytes=4096 offset=8192"),
        "{}",
        summary(&m)
    );
}

#[test]
fn admin_truncated_request_is_malformed() {
    let b = with_mic(hex("84 10 00 00 06 00 00 00 00 00"));
    let m = Message::parse(&b).unwrap();
    let e = m.problem().unwrap();
    assert_eq!(e.offset, 10);
    assert!(
        matches!(
            e.kind,
            // Same base as the offset: from the type byte.
            ErrorKind::Truncated {
                needed: 68,
                available: 10
            }
        ),
        "{e:?}"
    );
    assert!(summary(&m).contains("malformed"));
}

// ------------------------------------------------------------------ packets

#[test]
fn fragmented_at_chosen_mtu() {
    use crate::fragment::Fragmenter;
    let msg = built(builder::admin_identify(0, Cns::IdentifyController));
    assert_eq!(msg.len(), 72);
    let mut f = Fragmenter::new(&msg, 0x1d, 0x08, true, 2, 32, 0).unwrap();
    assert_eq!(f.packet_count(), 3);
    let mut out = Vec::new();
    let mut buf = [0u8; 64];
    while let Some(n) = f.next_into(&mut buf) {
        let n = n.unwrap();
        out.extend_from_slice(&buf[4..n]);
    }
    assert_eq!(out, msg);
    assert!(Message::parse(&out).unwrap().integrity().unwrap().ok());
}

#[test]
fn every_prefix_decodes_without_panic() {
    let fixtures = [
        built(builder::admin_identify(0, Cns::IdentifyController)),
        built(builder::controller_health_status_poll(0, 0, 4, true, true)),
        built(builder::control_primitive(1, ControlOpcode::Replay, 1, 2)),
        built(builder::mi_response(
            0,
            Status::Success,
            6,
            &hex("02 00 01 00 02 00"),
        )),
    ];
    let ctxs = [
        None,
        Some(RequestContext {
            nmimt: Nmimt::MiCommand,
            opcode: 0,
            dword0: 0x0200_0000,
            dword1: 0,
            data_offset: 0,
        }),
    ];
    for f in &fixtures {
        for n in 0..=f.len() {
            for c in ctxs {
                if let Ok(m) = Message::parse_with(&f[..n], c) {
                    let _ = summary(&m);
                    let _ = fields(&m);
                    let _ = m.problem();
                    let _ = m.pairing();
                }
            }
        }
    }
}

// ------------------------------------------------------------------ proptest

fn arb_header(nmimt: Nmimt, ror: bool) -> impl Strategy<Value = Header> {
    (any::<u8>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        move |(csi, meb, ciap, ic)| Header {
            ic,
            ror,
            nmimt,
            csi: csi & 1,
            meb,
            ciap,
        },
    )
}

fn roundtrip(header: Header, body: Body<'_>) {
    let b = Builder::new(header, body);
    let mut buf = vec![0u8; b.buffer_len()];
    let n = b.build(&mut buf).unwrap();
    assert_eq!(n, buf.len());
    let m = Message::parse(&buf).unwrap();
    assert_eq!(m.header, header);
    assert_eq!(m.body, body);
    if header.ic {
        assert!(m.integrity().unwrap().ok());
    } else {
        assert!(m.integrity().is_none());
    }
    assert!(m.problem().is_none());
}

proptest! {
    #[test]
    fn mi_request_roundtrip(h in arb_header(Nmimt::MiCommand, false), op: u8, d0: u32, d1: u32,
                            data in proptest::collection::vec(any::<u8>(), 0..40)) {
        roundtrip(h, Body::MiRequest(MiRequest { opcode: MiOpcode::from_value(op), dword0: d0, dword1: d1, data: &data }));
    }

    #[test]
    fn mi_response_roundtrip(h in arb_header(Nmimt::MiCommand, true), st: u8, r in 0u32..0x0100_0000,
                             data in proptest::collection::vec(any::<u8>(), 0..40)) {
        roundtrip(h, Body::MiResponse(MiResponse { status: Status::from_value(st), nmresp: r, data: &data }));
    }

    #[test]
    fn admin_request_roundtrip(h in arb_header(Nmimt::AdminCommand, false), op: u8, flags: u8, ctrl: u16,
                               dws in proptest::array::uniform16(any::<u32>()),
                               data in proptest::collection::vec(any::<u8>(), 0..40)) {
        let mut r = AdminRequest::new(AdminOpcode::from_value(op), ctrl);
        r.flags = flags;
        r.data = &data;
        for (i, d) in dws.iter().enumerate().skip(1) {
            r.set_cdw(i, *d);
        }
        roundtrip(h, Body::AdminRequest(r));
    }

    #[test]
    fn admin_response_roundtrip(h in arb_header(Nmimt::AdminCommand, true), st: u8, dw0: u32, dw1: u32, dw3: u32,
                                short: bool, data in proptest::collection::vec(any::<u8>(), 0..40)) {
        let status = Status::from_value(st);
        // A short response (no CQE) only round-trips with an error status
        // and fewer than 12 data bytes.
        let cqe = if short && status != Status::Success && data.len() < 12 {
            None
        } else {
            Some(CompletionQueueEntry { dw0, dw1, dw3 })
        };
        roundtrip(h, Body::AdminResponse(AdminResponse { status, cqe, data: &data }));
    }

    #[test]
    fn control_roundtrip(h in arb_header(Nmimt::ControlPrimitive, false), op: u8, tag: u8, p: u16,
                         st: u8, rsp: bool) {
        if rsp {
            let h = Header { ror: true, ..h };
            roundtrip(h, Body::ControlResponse(ControlResponse { status: Status::from_value(st), tag, cpsr: p }));
        } else {
            roundtrip(h, Body::ControlRequest(ControlRequest { opcode: ControlOpcode::from_value(op), tag, cpsp: p }));
        }
    }

    #[test]
    fn garbage_never_panics(b in proptest::collection::vec(any::<u8>(), 0..120), nmp: u8, op: u8, d0: u32,
                            admin: bool) {
        let mut msg = vec![0x84, nmp, 0, 0];
        msg.extend_from_slice(&b);
        let ctx = RequestContext {
            nmimt: if admin { Nmimt::AdminCommand } else { Nmimt::MiCommand },
            opcode: op,
            dword0: d0,
            dword1: 0,
            data_offset: 0,
        };
        for input in [&b[..], &msg[..]] {
            for c in [None, Some(ctx)] {
                if let Ok(m) = Message::parse_with(input, c) {
                    let _ = summary(&m);
                    let _ = fields(&m);
                    let _ = m.problem();
                    let _ = m.integrity();
                    let _ = m.pairing();
                }
            }
        }
        for o in [0u8, 1, 2, 3, 4, 5] {
            let _ = decode_mi_response_data(MiOpcode::from_value(o), d0, &b);
        }
        let _ = decode_admin_response_data(AdminOpcode::Identify, 1, &b);
        let _ = decode_admin_response_data(AdminOpcode::GetLogPage, 2, &b);
    }
}

#[test]
fn health_structures_encode_what_they_decode() {
    use super::data::{ControllerHealth, ControllerHealthList, SubsystemHealth};
    let h = SubsystemHealth {
        nss: 0x38,
        sw: 0xFF,
        ctemp: 35,
        pdlu: 3,
        ccs: 0x0001,
    };
    let b = h.to_bytes();
    assert_eq!(b, [0x38, 0xFF, 35, 3, 0x01, 0x00, 0, 0]);
    assert_eq!(SubsystemHealth::parse(&b).unwrap(), h);
    let c = ControllerHealth {
        controller_id: 2,
        csts: 1,
        ctemp: 308,
        pdlu: 3,
        spare: 100,
        cwarn: 0,
        changed_flags: 0x0004,
    };
    let b = c.to_bytes();
    assert_eq!(&b[..9], &[2, 0, 1, 0, 0x34, 0x01, 3, 100, 0]);
    let l = ControllerHealthList::parse(&b).unwrap();
    assert_eq!(l.iter().collect::<Vec<_>>(), [c]);
}
