use super::*;
use crate::describe::{Group, Summary};
use proptest::prelude::*;

extern crate std;
use std::string::{String, ToString};
use std::vec::Vec;

struct Names(Vec<String>);
impl Visitor for Names {
    fn field(&mut self, f: &Field<'_>) {
        self.0.push(std::format!("{}={}", f.name, f.value));
    }
    fn begin(&mut self, _: &'static str, _: Group, _: usize, _: usize) {}
    fn end(&mut self) {}
}

/// The record at the end of the hand-assembled 1.2 handshake fixture.
const RECORD: &str = "06fefffdff00002400666768696a6b6c6d6e6f70717273747576777879\
7778797a7b7c7d7e7f80818283848586";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn decodes_record() {
    let b = unhex(RECORD);
    let m = Message::parse(&b).unwrap();
    assert_eq!(m.session_id, 0xFFFD_FFFE);
    assert_eq!(m.req_session_id(), 0xFFFE);
    assert_eq!(m.rsp_session_id(), 0xFFFD);
    assert_eq!(m.sequence_number, 0);
    assert_eq!(m.length, 36);
    assert_eq!(m.encrypted_data.len(), 20);
    assert_eq!(m.mac, &b[b.len() - 16..]);
    assert_eq!(m.problem(), None);
    let s = Summary(&m).to_string();
    assert!(
        s.starts_with("SECURED session=0xfffdfffe seq=0 length=36"),
        "{s}"
    );
    let mut n = Names(Vec::new());
    m.describe(&mut n);
    assert!(
        n.0.contains(&"rsp_session_id=0xfffd".to_string()),
        "{:?}",
        n.0
    );
}

#[test]
fn builds_record() {
    let data = [0xAAu8; 5];
    let mac = [0xBBu8; 16];
    let m = Message::new(0x0002_0001, 7, &data, &mac);
    let mut buf = [0u8; 64];
    let n = m.emit_bytes(&mut buf).unwrap();
    assert_eq!(
        &buf[..9],
        &[0x06, 0x01, 0x00, 0x02, 0x00, 0x07, 0x00, 21, 0x00]
    );
    assert_eq!(Message::parse(&buf[..n]).unwrap(), m);
    assert!(m.emit_bytes(&mut buf[..10]).is_err());
}

#[test]
fn bad_lengths() {
    assert!(Message::parse(&[0x06, 1, 2, 3]).is_err());
    // Length larger than the message.
    let m = Message::parse(&[0x06, 1, 0, 0, 0, 0, 0, 40, 0, 1, 2]).unwrap();
    assert!(matches!(
        m.problem().unwrap().kind,
        ErrorKind::LengthMismatch {
            declared: 40,
            actual: 2,
            ..
        }
    ));
    // Shorter than a MAC.
    let m = Message::parse(&[0x06, 1, 0, 0, 0, 0, 0, 2, 0, 1, 2]).unwrap();
    assert!(matches!(
        m.problem().unwrap().kind,
        ErrorKind::Invalid { .. }
    ));
    // Trailing bytes.
    let mut b = unhex(RECORD);
    b.push(0xEE);
    let m = Message::parse(&b).unwrap();
    assert_eq!(m.problem().unwrap().kind, ErrorKind::Trailing { extra: 1 });
    assert!(Summary(&m).to_string().contains("!! 1 trailing"));
}

proptest! {
    #[test]
    fn round_trip(sid in any::<u32>(), seq in any::<u16>(),
                  data in proptest::collection::vec(any::<u8>(), 0..64),
                  mac in proptest::collection::vec(any::<u8>(), 16..=16)) {
        let m = Message::new(sid, seq, &data, &mac);
        let mut buf = [0u8; 128];
        let n = m.emit_bytes(&mut buf).unwrap();
        prop_assert_eq!(Message::parse(&buf[..n]).unwrap(), m);
    }

    #[test]
    fn garbage_never_panics(b in proptest::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(m) = Message::parse(&b) {
            let _ = Summary(&m).to_string();
            m.describe(&mut Names(Vec::new()));
            let _ = m.problem();
        }
    }
}
