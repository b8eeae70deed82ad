//! Vendor-defined message tests. Fixtures are hand-computed from the
//! layouts in upper-layers.md §4 and the Cerberus challenge specification
//! ("Command Format", "Message Body Structures").

extern crate std;

use std::boxed::Box;
use std::format;
use std::string::{String, ToString};
use std::vec;
use std::vec::Vec;

use proptest::prelude::*;

use super::*;
use crate::describe::{Group, Summary};
use crate::error::ErrorKind;
use crate::fragment::Fragmenter;

#[derive(Default)]
struct Collect(Vec<String>);

impl Visitor for Collect {
    fn field(&mut self, f: &Field<'_>) {
        let mut s = format!("{}@{}={}", f.name, f.offset, f.value);
        if let Some(m) = f.meaning {
            s.push_str(&format!(" ({m})"));
        }
        self.0.push(s);
    }
    fn begin(&mut self, name: &'static str, _: Group, _: usize, _: usize) {
        self.0.push(format!("{name} {{"));
    }
    fn end(&mut self) {
        self.0.push("}".into());
    }
}

fn fields(m: &Message<'_>) -> Vec<String> {
    let mut c = Collect::default();
    m.describe(&mut c);
    c.0
}

fn summary(m: &Message<'_>) -> String {
    format!("{}", Summary(m))
}

fn builtin(b: &[u8], d: Direction) -> Message<'_> {
    Message::parse_with(b, &Registry::builtin(), d).unwrap()
}

// ---- generic header ----

#[test]
fn pci_header_both_ways() {
    // type 0x7E, vendor 0x8086 (Intel) big-endian, 2 payload bytes.
    let b = [0x7e, 0x80, 0x86, 0xaa, 0xbb];
    let m = builtin(&b, Direction::Unknown);
    assert_eq!(
        m.header,
        Header {
            ic: false,
            vendor: VendorId::Pci(0x8086)
        }
    );
    assert_eq!(m.payload, &[0xaa, 0xbb]);
    assert!(m.decoder().is_none());
    assert_eq!(
        summary(&m),
        "VDM PCI 0x8086 (Intel) req/rsp? (2 bytes) aabb"
    );
    assert_eq!(
        fields(&m),
        [
            "ic@0=0",
            "pci_vendor_id@1=0x8086 (Intel)",
            "direction@0=unknown",
            "decoder@0=-",
            "body {",
            "payload@3=aa bb",
            "}"
        ]
    );
    let built = VdmBuilder::pci(0x8086).body(&[0xaa, 0xbb]).to_vec();
    assert_eq!(built, b);
    let mut out = [0u8; 5];
    assert_eq!(m.emit_bytes(&mut out), Ok(5));
    assert_eq!(out, b);
}

#[test]
fn iana_header_both_ways() {
    // type 0x7F with IC, enterprise 343 = 0x00000157 (Intel), payload de ad.
    let b = [0xff, 0x00, 0x00, 0x01, 0x57, 0xde, 0xad];
    let m = builtin(&b, Direction::Unknown);
    assert_eq!(m.header.vendor, VendorId::Iana(343));
    assert!(m.header.ic);
    assert_eq!(m.payload, &[0xde, 0xad]);
    assert_eq!(
        fields(&m)[1],
        "iana_enterprise_number@1=343 (Intel)".to_string()
    );
    assert_eq!(
        VdmBuilder::iana(343).ic(true).body(&[0xde, 0xad]).to_vec(),
        b
    );
}

#[test]
fn short_and_wrong_type_headers_are_errors() {
    assert_eq!(
        Message::parse(&[0x7e, 0x14]).unwrap_err().kind,
        ErrorKind::Truncated {
            needed: 3,
            available: 2
        }
    );
    assert_eq!(
        Message::parse(&[0x7f, 0, 0, 1]).unwrap_err().kind,
        ErrorKind::Truncated {
            needed: 5,
            available: 4
        }
    );
    assert!(Message::parse(&[]).is_err());
    let e = Message::parse(&[0x01, 0, 0]).unwrap_err();
    assert!(matches!(
        e.kind,
        ErrorKind::Invalid {
            field: "msg_type",
            ..
        }
    ));
}

#[test]
fn dispatch_from_message_rs() {
    let b = [0x7e, 0x14, 0x14, 0x00, 0x81, 0x00, 0x00];
    match crate::message::Message::parse(&b).unwrap() {
        crate::message::Message::Vdm(m) => {
            assert_eq!(m.decoder().map(|d| d.name()), Some("Cerberus"))
        }
        other => panic!("{other:?}"),
    }
}

// ---- Cerberus ----

#[test]
fn cerberus_get_digest_request() {
    // flags 0x00 (Rq 0, Crypt 0), command 0x81, slot 0, key exchange 1 (ECDH).
    let b = [0x7e, 0x14, 0x14, 0x00, 0x81, 0x00, 0x01];
    let m = builtin(&b, Direction::Request);
    assert_eq!(m.decoder().unwrap().name(), "Cerberus");
    assert_eq!(
        summary(&m),
        "VDM PCI 0x1414 (Microsoft) Cerberus Get Digest req slot=0 key_exchange=ECDH"
    );
    assert_eq!(
        fields(&m)[3..],
        [
            "decoder@0=Cerberus",
            "body {",
            "rq@3=0 (Cerberus command set)",
            "crypt@3=0",
            "command@4=0x81 (Get Digest)",
            "slot@5=0",
            "key_exchange@6=0x01 (ECDH)",
            "}",
        ]
    );
    assert_eq!(m.problem(), None);
    let built = VdmBuilder::cerberus(cerberus::Command::GetDigest)
        .body(&[0x00, 0x01])
        .to_vec();
    assert_eq!(built, b);
}

#[test]
fn cerberus_get_digest_response() {
    // capabilities 1, one digest of 32 bytes 0x11.
    let mut b = vec![0x7e, 0x14, 0x14, 0x00, 0x81, 0x01, 0x01];
    b.extend_from_slice(&[0x11; 32]);
    let m = builtin(&b, Direction::Response);
    assert_eq!(
        summary(&m),
        "VDM PCI 0x1414 (Microsoft) Cerberus Get Digest rsp capabilities=1 digest_count=1"
    );
    assert_eq!(m.problem(), None);
    let f = fields(&m);
    assert_eq!(f.last().unwrap(), "}", "the body closes the walk");
    assert!(f[f.len() - 2].starts_with("digests@7=11 11"));
}

#[test]
fn cerberus_error_is_a_response_without_direction() {
    // ERROR 0x7F: error code 0x01 Invalid Request, data 0x00000004 (LE).
    let b = [0x7e, 0x14, 0x14, 0x00, 0x7f, 0x01, 0x04, 0x00, 0x00, 0x00];
    let m = builtin(&b, Direction::Unknown);
    assert_eq!(
        summary(&m),
        "VDM PCI 0x1414 (Microsoft) Cerberus Error rsp error_code=Invalid Request error_data=4"
    );
    assert_eq!(
        m.pairing(),
        Some(Pairing {
            request: false,
            key: (0x1414u64 << 31)
        })
    );
    let built = VdmBuilder::cerberus(cerberus::Command::Error)
        .body(&[0x01, 0x04, 0, 0, 0])
        .to_vec();
    assert_eq!(built, b);
}

#[test]
fn cerberus_fw_version_both_directions() {
    // Request: area index 0 (entire firmware).
    let rq = [0x7e, 0x14, 0x14, 0x00, 0x01, 0x00];
    let m = builtin(&rq, Direction::Request);
    assert_eq!(
        summary(&m),
        "VDM PCI 0x1414 (Microsoft) Cerberus Get Firmware Version req area_index=Entire Firmware"
    );
    // Response: 32-byte NUL-padded ASCII "1.2.3".
    let mut rs = vec![0x7e, 0x14, 0x14, 0x00, 0x01];
    let mut ver = [0u8; 32];
    ver[..5].copy_from_slice(b"1.2.3");
    rs.extend_from_slice(&ver);
    let m = builtin(&rs, Direction::Response);
    assert_eq!(
        summary(&m),
        "VDM PCI 0x1414 (Microsoft) Cerberus Get Firmware Version rsp version=\"1.2.3\""
    );
    assert!(fields(&m).contains(&"version@5=1.2.3".to_string()));
}

#[test]
fn cerberus_without_direction_keeps_body_raw() {
    let b = [
        0x7e, 0x14, 0x14, 0x00, 0x82, 0x00, 0x01, 0x00, 0x00, 0x80, 0x00,
    ];
    let m = builtin(&b, Direction::Unknown);
    assert_eq!(
        summary(&m),
        "VDM PCI 0x1414 (Microsoft) Cerberus Get Certificate req/rsp? (6 bytes)"
    );
    assert_eq!(m.pairing(), None);
    // With the TO bit it decodes: slot 0, cert 1, offset 0, length 128.
    let m = m.with_direction(Direction::Request);
    assert_eq!(
        summary(&m),
        "VDM PCI 0x1414 (Microsoft) Cerberus Get Certificate req slot=0 cert_num=1 offset=0"
    );
    assert!(fields(&m).contains(&"length@9=128".to_string()));
}

#[test]
fn cerberus_challenge_response_sized_by_previous() {
    // slot 0, mask 1, versions 1..4, reserved, nonce 32×0x22, 1 component,
    // PMR0 length 4, PMR0 aa bb cc dd, signature 01 02.
    let mut b = vec![0x7e, 0x14, 0x14, 0x00, 0x83, 0, 1, 1, 4, 0, 0];
    b.extend_from_slice(&[0x22; 32]);
    b.extend_from_slice(&[1, 4, 0xaa, 0xbb, 0xcc, 0xdd, 0x01, 0x02]);
    let m = builtin(&b, Direction::Response);
    assert_eq!(m.problem(), None);
    let f = fields(&m);
    assert!(f.contains(&"pmr0@45=aa bb cc dd".to_string()), "{f:?}");
    assert!(f.contains(&"signature@49=01 02".to_string()), "{f:?}");
    // PMR0 length beyond the message: truncated, reported from the type byte.
    let cut = &b[..47];
    let m = builtin(cut, Direction::Response);
    let e = m.problem().unwrap();
    assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{e:?}");
    assert_eq!(e.offset, 47);
}

#[test]
fn cerberus_truncated_and_trailing_bodies() {
    // Get Digest request with only the slot byte.
    let b = [0x7e, 0x14, 0x14, 0x00, 0x81, 0x00];
    let e = builtin(&b, Direction::Request).problem().unwrap();
    assert_eq!(e.layer, Layer::Vdm);
    assert_eq!(e.offset, 6);
    // ... and with an extra byte.
    let b = [0x7e, 0x14, 0x14, 0x00, 0x81, 0x00, 0x00, 0x99];
    let e = builtin(&b, Direction::Request).problem().unwrap();
    assert_eq!(e.kind, ErrorKind::Trailing { extra: 1 });
    assert_eq!(e.offset, 7);
    // Header alone missing the command byte.
    let b = [0x7e, 0x14, 0x14, 0x00];
    let m = builtin(&b, Direction::Request);
    assert_eq!(m.problem().unwrap().offset, 4);
    assert_eq!(
        summary(&m),
        "VDM PCI 0x1414 (Microsoft) Cerberus (short: 1 bytes)"
    );
}

#[test]
fn cerberus_encrypted_message() {
    // Crypt bit (0x20): 3 bytes of ciphertext, 16-byte tag, 12-byte IV.
    let mut b = vec![0x7e, 0x14, 0x14, 0x20, 0xc1, 0xc2, 0xc3];
    b.extend_from_slice(&[0x77; 16]);
    b.extend_from_slice(&[0x99; 12]);
    let m = builtin(&b, Direction::Request);
    assert_eq!(
        summary(&m),
        "VDM PCI 0x1414 (Microsoft) Cerberus encrypted req (32 bytes)"
    );
    let f = fields(&m);
    assert!(f.contains(&"crypt@3=1".to_string()));
    assert!(f.contains(&"ciphertext@4=c1 c2 c3".to_string()));
    assert!(f.iter().any(|s| s.starts_with("gcm_tag@7=77")));
    assert!(f.iter().any(|s| s.starts_with("iv@23=99")));
    assert_eq!(m.problem(), None);
    // Pairing still works: the key doesn't use the (encrypted) command.
    assert!(m.pairing().unwrap().request);
    // Too short for the trailer.
    let e = builtin(&b[..20], Direction::Request).problem().unwrap();
    assert!(matches!(e.kind, ErrorKind::Truncated { .. }));
}

#[test]
fn cerberus_request_and_error_response_pair() {
    let rq = [0x7e, 0x14, 0x14, 0x00, 0x51, 0x01];
    let rs = [0x7e, 0x14, 0x14, 0x00, 0x7f, 0x00, 0, 0, 0, 0];
    let a = builtin(&rq, Direction::Request).pairing().unwrap();
    let b = builtin(&rs, Direction::Response).pairing().unwrap();
    assert!(a.request && !b.request);
    assert_eq!(a.key, b.key);
}

// ---- Microsoft VDM ----

/// BASE set, protocol version 1, GET_TEMP (3).
const MS_REQ: [u8; 9] = [0x7e, 0x14, 0x14, 0x80, 0xff, 0x00, 0x01, 0x00, 0x03];
/// Its response: Rq still set, completion SUCCESS, one data byte 0x2a.
const MS_RSP: [u8; 11] = [
    0x7e, 0x14, 0x14, 0x80, 0xff, 0x00, 0x01, 0x00, 0x03, 0x00, 0x2a,
];

#[test]
fn microsoft_vdm_request_and_response() {
    let rq = builtin(&MS_REQ, Direction::Request);
    assert_eq!(rq.decoder().unwrap().name(), "Microsoft VDM");
    assert_eq!(
        summary(&rq),
        "VDM PCI 0x1414 (Microsoft) MSFT-VDM BASE GET_TEMP req v1"
    );
    // The Rq bit is set in the response too (pymctp 0.4.0 calls it a
    // request, peers.md §2.8); the TO bit says response.
    let rs = builtin(&MS_RSP, Direction::Response);
    assert_eq!(
        summary(&rs),
        "VDM PCI 0x1414 (Microsoft) MSFT-VDM BASE GET_TEMP rsp v1 SUCCESS (1 bytes)"
    );
    let f = fields(&rs);
    assert!(
        f.contains(&"completion_code@9=0x00 (SUCCESS)".to_string()),
        "{f:?}"
    );
    assert!(f.contains(&"data@10=2a".to_string()), "{f:?}");
    let (a, b) = (rq.pairing().unwrap(), rs.pairing().unwrap());
    assert!(a.request && !b.request);
    assert_eq!(a.key, b.key);
    // Different from a Cerberus pairing on the same vendor.
    let c = builtin(&[0x7e, 0x14, 0x14, 0x00, 0x4f], Direction::Request);
    assert_ne!(c.pairing().unwrap().key, a.key);
    // Unknown direction: no pairing, no completion code.
    let u = builtin(&MS_RSP, Direction::Unknown);
    assert_eq!(u.pairing(), None);
    assert!(fields(&u).contains(&"data@9=00 2a".to_string()));

    let h = microsoft::Header {
        flags: 0x80,
        command_set: microsoft::CommandSet::Base,
        protocol_version: 1,
        command: 3,
        completion_code: Some(microsoft::CompletionCode::Success),
    };
    assert_eq!(VdmBuilder::microsoft(h).body(&[0x2a]).to_vec(), MS_RSP);
    let h = microsoft::Header {
        completion_code: None,
        ..h
    };
    assert_eq!(VdmBuilder::microsoft(h).to_vec(), MS_REQ);
}

#[test]
fn microsoft_vdm_truncated() {
    let m = builtin(&MS_REQ[..8], Direction::Request);
    assert_eq!(m.decoder().unwrap().name(), "Microsoft VDM");
    let e = m.problem().unwrap();
    assert_eq!(e.offset, 8);
    assert_eq!(
        summary(&m),
        "VDM PCI 0x1414 (Microsoft) MSFT-VDM (short: 5 bytes)"
    );
}

// ---- registry ----

/// A test vendor: IANA 0xCAFE, payload = sequence byte + text.
struct Echo;

impl VendorDecoder for Echo {
    fn vendor(&self) -> VendorId {
        VendorId::Iana(0xCAFE)
    }
    fn name(&self) -> &'static str {
        "Echo"
    }
    fn summary(&self, p: &Payload<'_>, w: &mut dyn fmt::Write) -> fmt::Result {
        match p.data.first() {
            Some(s) => write!(w, "Echo seq={s}"),
            None => w.write_str("Echo (empty)"),
        }
    }
    fn describe(&self, p: &Payload<'_>, v: &mut dyn Visitor) {
        if let Some(s) = p.data.first() {
            v.field(&Field::new("seq", 0, 1, Value::Uint((*s).into())));
            v.field(&Field::new(
                "text",
                1,
                p.data.len() - 1,
                Value::Bytes(&p.data[1..]),
            ));
        }
    }
    fn problem(&self, p: &Payload<'_>) -> Option<Error> {
        if p.data.is_empty() {
            Some(Error::truncated(Layer::Vdm, 1, 0))
        } else {
            None
        }
    }
    fn pairing(&self, p: &Payload<'_>) -> Option<VendorPairing> {
        let request = match p.direction {
            Direction::Request => true,
            Direction::Response => false,
            Direction::Unknown => return None,
        };
        Some(VendorPairing {
            request,
            key: (*p.data.first()?).into(),
        })
    }
}

/// Overrides Cerberus for one registry.
struct NotCerberus;

impl VendorDecoder for NotCerberus {
    fn vendor(&self) -> VendorId {
        VendorId::MICROSOFT
    }
    fn name(&self) -> &'static str {
        "NotCerberus"
    }
    fn summary(&self, _: &Payload<'_>, w: &mut dyn fmt::Write) -> fmt::Result {
        w.write_str("overridden")
    }
    fn describe(&self, _: &Payload<'_>, _: &mut dyn Visitor) {}
}

const ECHO_MSG: [u8; 8] = [0x7f, 0x00, 0x00, 0xca, 0xfe, 0x07, b'h', b'i'];

#[test]
fn registry_with_a_test_decoder() {
    let list: [&dyn VendorDecoder; 1] = [&Echo];
    let reg = Registry::with(&list);
    let m = Message::parse_with(&ECHO_MSG, &reg, Direction::Request).unwrap();
    assert_eq!(summary(&m), "VDM IANA 51966 Echo seq=7");
    assert_eq!(
        fields(&m)[3..],
        ["decoder@0=Echo", "body {", "seq@5=7", "text@6=68 69", "}"]
    );
    let rs = m.with_direction(Direction::Response);
    assert_eq!(m.pairing().unwrap().key, rs.pairing().unwrap().key);
    assert!(m.pairing().unwrap().request && !rs.pairing().unwrap().request);
    // An empty payload: the decoder's problem, re-based on the type byte.
    let m = Message::parse_with(&ECHO_MSG[..5], &reg, Direction::Request).unwrap();
    assert_eq!(m.problem().unwrap().offset, 5);
    // Built-ins are still searched after the caller's decoders.
    let c = Message::parse_with(&MS_REQ, &reg, Direction::Request).unwrap();
    assert_eq!(c.decoder().unwrap().name(), "Microsoft VDM");
    // Without the registry the vendor is raw.
    let raw = builtin(&ECHO_MSG, Direction::Request);
    assert!(raw.decoder().is_none());
    assert_eq!(raw.with_registry(&reg).decoder().unwrap().name(), "Echo");
}

#[test]
fn registry_override_and_only() {
    let list: [&dyn VendorDecoder; 1] = [&NotCerberus];
    let b = [0x7e, 0x14, 0x14, 0x00, 0x81, 0x00, 0x00];
    let m = Message::parse_with(&b, &Registry::with(&list), Direction::Request).unwrap();
    assert_eq!(summary(&m), "VDM PCI 0x1414 (Microsoft) overridden");
    let none: [&dyn VendorDecoder; 0] = [];
    let m = Message::parse_with(&b, &Registry::only(&none), Direction::Request).unwrap();
    assert!(m.decoder().is_none());
    assert!(
        Message::parse_with(&b, &Registry::empty(), Direction::Request)
            .unwrap()
            .decoder()
            .is_none()
    );
    assert_eq!(
        format!("{:?}", Registry::builtin()),
        "[Microsoft VDM (PCI 0x1414), Cerberus (PCI 0x1414)]"
    );
}

/// Registered at run time for IANA 0xBEEF (a vendor no other test uses,
/// since the global list is process-wide).
struct Beef;

impl VendorDecoder for Beef {
    fn vendor(&self) -> VendorId {
        VendorId::Iana(0xBEEF)
    }
    fn name(&self) -> &'static str {
        "Beef"
    }
    fn summary(&self, _: &Payload<'_>, w: &mut dyn fmt::Write) -> fmt::Result {
        w.write_str("beef")
    }
    fn describe(&self, _: &Payload<'_>, _: &mut dyn Visitor) {}
}

#[test]
fn run_time_registration_reaches_plain_parse() {
    let b = [0x7f, 0x00, 0x00, 0xbe, 0xef, 0x01];
    registry::register(Box::new(Beef));
    let m = Message::parse(&b).unwrap();
    assert_eq!(m.decoder().unwrap().name(), "Beef");
    // ... and the dispatcher in message.rs.
    match crate::message::Message::parse(&b).unwrap() {
        crate::message::Message::Vdm(m) => assert_eq!(m.decoder().unwrap().name(), "Beef"),
        other => panic!("{other:?}"),
    }
    assert!(registry::global()
        .decoders()
        .any(|d| d.name() == "Cerberus"));
}

// ---- fragmentation ----

#[test]
fn cerberus_certificate_response_in_64_byte_packets() {
    // A 100-byte certificate chunk: 2 + 2 + 100 = 105 bytes after the type byte.
    let mut body = vec![0x00, 0x00];
    body.extend((0..100u8).collect::<Vec<_>>());
    let msg = VdmBuilder::cerberus(cerberus::Command::GetCertificate)
        .body(&body)
        .to_vec();
    assert_eq!(msg.len(), 3 + 2 + 102);
    let mut f = Fragmenter::new(&msg, 0x0b, 0x0a, false, 1, 64, 0).unwrap();
    assert_eq!(f.packet_count(), 2);
    let mut joined = Vec::new();
    let mut pkt = [0u8; 68];
    while let Some(n) = f.next_into(&mut pkt) {
        let n = n.unwrap();
        joined.extend_from_slice(&pkt[crate::mctp::HEADER_LEN..n]);
    }
    assert_eq!(joined, msg);
    let m = builtin(&joined, Direction::Response);
    assert_eq!(m.problem(), None);
    assert!(summary(&m).ends_with("Get Certificate rsp slot=0 cert_num=0"));
}

// ---- properties ----

fn vendor() -> impl Strategy<Value = VendorId> {
    prop_oneof![
        any::<u16>().prop_map(VendorId::Pci),
        any::<u32>().prop_map(VendorId::Iana),
        Just(VendorId::MICROSOFT),
    ]
}

fn direction() -> impl Strategy<Value = Direction> {
    prop_oneof![
        Just(Direction::Request),
        Just(Direction::Response),
        Just(Direction::Unknown)
    ]
}

proptest! {
    #[test]
    fn header_round_trip(ic: bool, v in vendor()) {
        let h = Header { ic, vendor: v };
        let mut buf = [0u8; 5];
        let n = h.emit_bytes(&mut buf).unwrap();
        prop_assert_eq!(n, h.buffer_len());
        prop_assert_eq!(Header::parse(&buf[..n]).unwrap(), h);
    }

    #[test]
    fn builder_round_trip(ic: bool, v in vendor(), body in proptest::collection::vec(any::<u8>(), 0..40), d in direction()) {
        let bytes = VdmBuilder::vendor(v).ic(ic).body(&body).to_vec();
        let m = Message::parse_with(&bytes, &Registry::builtin(), d).unwrap();
        prop_assert_eq!(m.header, Header { ic, vendor: v });
        prop_assert_eq!(m.payload, &body[..]);
        let mut out = vec![0u8; m.buffer_len()];
        m.emit_bytes(&mut out).unwrap();
        prop_assert_eq!(out, bytes);
    }

    #[test]
    fn cerberus_header_round_trip(ds: bool, crypt: bool, reserved in 0u8..0x60, cmd: u8) {
        let h = cerberus::Header { device_specific: ds, crypt, reserved: reserved & 0x5F, command: cerberus::Command::from_value(cmd) };
        let mut buf = [0u8; 2];
        h.emit_bytes(&mut buf).unwrap();
        prop_assert_eq!(cerberus::Header::parse(&buf).unwrap(), h);
        let msg = VdmBuilder::cerberus_header(h).to_vec();
        prop_assert_eq!(&msg[3..], &buf[..]);
    }

    #[test]
    fn microsoft_header_round_trip(set: u8, ver: u16, cmd: u8, cc in proptest::option::of(any::<u8>())) {
        let h = microsoft::Header {
            flags: 0x80,
            command_set: microsoft::CommandSet::from_value(set),
            protocol_version: ver,
            command: cmd,
            completion_code: cc.map(microsoft::CompletionCode::from_value),
        };
        let mut buf = [0u8; 7];
        let n = h.emit_bytes(&mut buf).unwrap();
        prop_assert_eq!(microsoft::Header::parse(&buf[..n], cc.is_some()).unwrap(), h);
    }

    #[test]
    fn garbage_never_panics(ty in prop_oneof![Just(0x7eu8), Just(0x7f), Just(0xfe), any::<u8>()],
                            rest in proptest::collection::vec(any::<u8>(), 0..80), d in direction()) {
        let mut b = vec![ty];
        b.extend_from_slice(&rest);
        if let Ok(m) = Message::parse_with(&b, &Registry::builtin(), d) {
            let _ = summary(&m);
            let _ = fields(&m);
            let _ = (m.problem(), m.pairing(), m.integrity());
            if let Some(e) = m.problem() {
                prop_assert!(e.offset <= b.len());
            }
        }
    }

    #[test]
    fn cerberus_payloads_never_panic(flags in prop_oneof![Just(0u8), Just(0x20), Just(0x80), any::<u8>()],
                                      cmd in prop_oneof![Just(0x7fu8), Just(0x83), Just(0x81), Just(0xff), any::<u8>()],
                                      rest in proptest::collection::vec(any::<u8>(), 0..60), d in direction()) {
        let mut b = vec![0x7e, 0x14, 0x14, flags, cmd];
        b.extend_from_slice(&rest);
        let m = Message::parse_with(&b, &Registry::builtin(), d).unwrap();
        let _ = summary(&m);
        let _ = fields(&m);
        if let Some(e) = m.problem() {
            prop_assert!(e.offset <= b.len());
        }
    }
}
