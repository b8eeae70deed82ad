//! NC-SI over MCTP tests. Checksums in the fixtures are hand-computed:
//! sum the 16-bit big-endian words of the 16-byte header and the payload,
//! then take 2^32 minus the sum (see the module docs for the sources).

extern crate std;

use std::format;
use std::string::{String, ToString};
use std::vec::Vec;

use proptest::prelude::*;

use super::*;
use crate::describe::{Group, Summary};

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

/// Get Version ID command, IID 1, package 0 channel 0, no payload.
/// Words 0x0001 + 0x0001 + 0x1500 = 0x1502 → checksum 0xFFFFEAFE.
const GET_VERSION_ID: [u8; 21] = [
    0x02, 0x00, 0x01, 0x00, 0x01, 0x15, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xea,
    0xfe,
];

/// Select Package response, IID 2, channel 0x1F (package 0 itself),
/// Command Completed / No Error. 0x0001 + 0x0002 + 0x811F + 0x0004 = 0x8126
/// → 0xFFFF7EDA.
const SELECT_PACKAGE_RSP: [u8; 25] = [
    0x02, 0x00, 0x01, 0x00, 0x02, 0x81, 0x1f, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x00,
    0x00, 0xff, 0xff, 0x7e, 0xda,
];

/// Set MAC Address, IID 3: MAC 00:11:22:33:44:55, MAC number 1, type/enable 0x01.
/// 0x0E0C + 0x0011 + 0x2233 + 0x4455 + 0x0101 = 0x75A6 → 0xFFFF8A5A.
const SET_MAC: [u8; 29] = [
    0x02, 0x00, 0x01, 0x00, 0x03, 0x0e, 0x00, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x11, 0x22,
    0x33, 0x44, 0x55, 0x01, 0x01, 0xff, 0xff, 0x8a, 0x5a,
];

/// OEM command, IID 4, 5-byte payload (IANA 0x157 + 0xAA), 3 padding bytes.
/// 0x0001 + 0x0004 + 0x5000 + 0x0005 + 0x0157 + 0xAA00 = 0xFB61 → 0xFFFF049F.
const OEM_ODD: [u8; 29] = [
    0x02, 0x00, 0x01, 0x00, 0x04, 0x50, 0x00, 0x00, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x01,
    0x57, 0xaa, 0x00, 0x00, 0x00, 0xff, 0xff, 0x04, 0x9f,
];

#[test]
fn checksum_function() {
    assert_eq!(checksum(&GET_VERSION_ID[1..17]), 0xFFFF_EAFE);
    assert_eq!(checksum(&[]), 0);
    // Odd length: the last byte is the high half of a zero-padded word.
    assert_eq!(checksum(&[0x12]), 0u32.wrapping_sub(0x1200));
}

#[test]
fn get_version_id_command_both_ways() {
    let m = Message::parse(&GET_VERSION_ID).unwrap();
    assert_eq!(
        m.header,
        Header {
            mc_id: 0,
            header_revision: 1,
            iid: 1,
            packet_type: 0x15,
            package_id: 0,
            channel: 0,
            payload_length: 0
        }
    );
    assert_eq!(m.header.kind(), Kind::Command);
    assert_eq!(m.header.command(), Some(Command::GetVersionId));
    assert_eq!(m.checksum, Some(0xFFFF_EAFE));
    assert!(m.integrity().unwrap().ok());
    assert_eq!(m.problem(), None);
    assert_eq!(summary(&m), "NC-SI Get Version ID req iid=1 pkg=0 ch=0");
    assert_eq!(
        fields(&m),
        [
            "mc_id@1=0x00",
            "header_revision@2=0x01",
            "iid@4=1",
            "control_packet_type@5=0x15 (command)",
            "command_name@0=Get Version ID",
            "package_id@6=0",
            "internal_channel_id@6=0",
            "payload_length@7=0",
            // The payload is the body; an empty field has no offset.
            "body {",
            "payload@0=",
            "}",
            "checksum@17=0xffffeafe (ok)",
            "checksum_ok@0=1",
            "computed_checksum@0=0xffffeafe",
        ]
    );
    let built = NcsiBuilder::command(Command::GetVersionId, 1).to_vec();
    assert_eq!(built, GET_VERSION_ID);
}

#[test]
fn select_package_response_both_ways() {
    let m = Message::parse(&SELECT_PACKAGE_RSP).unwrap();
    assert_eq!(m.header.kind(), Kind::Response);
    assert_eq!(m.header.channel, PACKAGE_CHANNEL);
    assert_eq!(
        m.response_codes(),
        Some((ResponseCode::CommandCompleted, ReasonCode::NoError))
    );
    assert!(m.integrity().unwrap().ok());
    assert_eq!(
        summary(&m),
        "NC-SI Select Package rsp iid=2 pkg=0 ch=pkg Command Completed"
    );
    let f = fields(&m);
    assert!(f.contains(&"response_code@17=0x0000 (Command Completed)".to_string()));
    assert!(f.contains(&"reason_code@19=0x0000 (No Error/No Reason Code)".to_string()));
    let built = NcsiBuilder::response(
        Command::SelectPackage,
        2,
        ResponseCode::CommandCompleted,
        ReasonCode::NoError,
    )
    .channel(0, PACKAGE_CHANNEL)
    .to_vec();
    assert_eq!(built, SELECT_PACKAGE_RSP);
}

#[test]
fn set_mac_and_odd_payload_with_padding() {
    let m = Message::parse(&SET_MAC).unwrap();
    assert_eq!(m.payload, &SET_MAC[17..25]);
    assert!(m.padding.is_empty());
    assert!(m.integrity().unwrap().ok());
    assert_eq!(
        summary(&m),
        "NC-SI Set MAC Address req iid=3 pkg=0 ch=0 (8 bytes)"
    );
    let built = NcsiBuilder::command(Command::SetMacAddress, 3)
        .payload(&[0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x01, 0x01])
        .to_vec();
    assert_eq!(built, SET_MAC);

    let m = Message::parse(&OEM_ODD).unwrap();
    assert_eq!(m.payload, &[0x00, 0x00, 0x01, 0x57, 0xaa]);
    assert_eq!(m.padding, &[0, 0, 0]);
    assert!(m.integrity().unwrap().ok());
    assert!(fields(&m).contains(&"padding@22=00 00 00".to_string()));
    assert!(fields(&m).contains(&"checksum@25=0xffff049f (ok)".to_string()));
    let built = NcsiBuilder::command(Command::Oem, 4)
        .payload(&[0x00, 0x00, 0x01, 0x57, 0xaa])
        .to_vec();
    assert_eq!(built, OEM_ODD);
}

#[test]
fn failed_response_names_the_reason() {
    let b = NcsiBuilder::response(
        Command::EnableChannel,
        9,
        ResponseCode::CommandFailed,
        ReasonCode::ChannelNotReady,
    )
    .channel(1, 2)
    .to_vec();
    let m = Message::parse(&b).unwrap();
    assert_eq!(m.header.channel_id(), 0x22);
    assert_eq!(
        summary(&m),
        "NC-SI Enable Channel rsp iid=9 pkg=1 ch=2 Command Failed (Channel Not Ready)"
    );
}

#[test]
fn aen_decodes_and_does_not_pair() {
    // Link Status Change: link status word + OEM link status word.
    let b = NcsiBuilder::aen(AenType::LinkStatusChange)
        .channel(0, 1)
        .payload(&[0, 0, 0, 0x01, 0, 0, 0, 0])
        .to_vec();
    assert_eq!(b[field::PACKET_TYPE], 0xff);
    let m = Message::parse(&b).unwrap();
    assert_eq!(m.header.kind(), Kind::Aen);
    assert_eq!(m.aen_type(), Some(AenType::LinkStatusChange));
    assert_eq!(
        summary(&m),
        "NC-SI AEN Link Status Change pkg=0 ch=1 (8 bytes)"
    );
    assert!(fields(&m).contains(&"aen_type@20=0x00 (Link Status Change)".to_string()));
    assert_eq!(m.pairing(), None);
    assert!(m.integrity().unwrap().ok());
}

#[test]
fn command_and_response_pair() {
    let rq = Message::parse(&SET_MAC).unwrap().pairing().unwrap();
    let b = NcsiBuilder::response(
        Command::SetMacAddress,
        3,
        ResponseCode::CommandCompleted,
        ReasonCode::NoError,
    )
    .to_vec();
    let rs = Message::parse(&b).unwrap().pairing().unwrap();
    assert!(rq.request && !rs.request);
    assert_eq!(rq.key, rs.key);
    // Another IID: another key.
    let other = NcsiBuilder::command(Command::SetMacAddress, 4).to_vec();
    assert_ne!(
        Message::parse(&other).unwrap().pairing().unwrap().key,
        rq.key
    );
}

#[test]
fn bad_and_absent_checksums() {
    let mut b = GET_VERSION_ID;
    b[20] ^= 1;
    let i = Message::parse(&b).unwrap().integrity().unwrap();
    assert!(!i.ok());
    assert_eq!((i.found, i.computed), (0xFFFF_EAFF, 0xFFFF_EAFE));
    assert!(
        fields(&Message::parse(&b).unwrap()).contains(&"checksum@17=0xffffeaff (BAD)".to_string())
    );
    // A zero checksum is "not provided": nothing to verify.
    let z = NcsiBuilder::command(Command::GetVersionId, 1)
        .no_checksum()
        .to_vec();
    let m = Message::parse(&z).unwrap();
    assert_eq!(m.checksum, Some(0));
    assert_eq!(m.integrity(), None);
}

#[test]
fn truncated_and_trailing() {
    // Header cut: an error.
    let e = Message::parse(&GET_VERSION_ID[..16]).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Truncated {
            needed: 17,
            available: 16
        }
    );
    // Checksum missing: header still shows, problem reported.
    let m = Message::parse(&GET_VERSION_ID[..19]).unwrap();
    assert_eq!(m.checksum, None);
    assert_eq!(m.integrity(), None);
    assert!(matches!(
        m.problem().unwrap().kind,
        ErrorKind::Truncated { needed: 21, .. }
    ));
    // Payload shorter than declared.
    let m = Message::parse(&SET_MAC[..20]).unwrap();
    assert!(matches!(
        m.problem().unwrap().kind,
        ErrorKind::LengthMismatch {
            declared: 8,
            actual: 3,
            ..
        }
    ));
    // Trailing bytes after the checksum.
    let mut b = GET_VERSION_ID.to_vec();
    b.extend_from_slice(&[0xee, 0xee]);
    let e = Message::parse(&b).unwrap().problem().unwrap();
    assert_eq!(e.kind, ErrorKind::Trailing { extra: 2 });
    assert_eq!(e.offset, 21);
}

#[test]
fn dispatch_and_fragmenter() {
    let payload: Vec<u8> = (0..100u8).collect();
    let msg = NcsiBuilder::command(Command::Oem, 7)
        .payload(&payload)
        .to_vec();
    let mut f = crate::fragment::Fragmenter::new(&msg, 8, 9, true, 0, 64, 0).unwrap();
    let mut joined = Vec::new();
    let mut pkt = [0u8; 68];
    while let Some(n) = f.next_into(&mut pkt) {
        joined.extend_from_slice(&pkt[4..n.unwrap()]);
    }
    match crate::message::Message::parse(&joined).unwrap() {
        crate::message::Message::NcSi(m) => {
            assert_eq!(m.payload, &payload[..]);
            assert!(m.integrity().unwrap().ok());
        }
        other => panic!("{other:?}"),
    }
}

proptest! {
    #[test]
    fn builder_round_trip(cmd in 0u8..0x7f, iid: u8, pkg in 0u8..8, ch in 0u8..32, mc: u8,
                          payload in proptest::collection::vec(any::<u8>(), 0..64)) {
        let b = NcsiBuilder::command(Command::from_value(cmd), iid)
            .channel(pkg, ch).mc_id(mc).payload(&payload).to_vec();
        let m = Message::parse(&b).unwrap();
        prop_assert_eq!(m.header, Header { mc_id: mc, header_revision: 1, iid, packet_type: cmd,
            package_id: pkg, channel: ch, payload_length: payload.len() as u16 });
        prop_assert_eq!(m.payload, &payload[..]);
        prop_assert_eq!(m.problem(), None);
        if let Some(i) = m.integrity() { prop_assert!(i.ok()); }
        let mut out = [0u8; 17];
        m.header.emit_bytes(&mut out).unwrap();
        prop_assert_eq!(&out[..], &b[..17]);
    }

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        if let Ok(m) = Message::parse(&bytes) {
            let _ = (summary(&m), fields(&m), m.integrity(), m.pairing());
            if let Some(e) = m.problem() { prop_assert!(e.offset <= bytes.len()); }
        }
    }
}
