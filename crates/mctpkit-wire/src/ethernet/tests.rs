//! Ethernet over MCTP tests (hand-built frames; layouts in the module docs).

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
    fn begin(&mut self, _: &'static str, _: Group, _: usize, _: usize) {}
    fn end(&mut self) {}
}

fn fields(m: &Message<'_>) -> Vec<String> {
    let mut c = Collect::default();
    m.describe(&mut c);
    c.0
}

const SRC: MacAddr = MacAddr([0x02, 0x00, 0x00, 0x00, 0x00, 0x01]);

#[test]
fn arp_broadcast_both_ways() {
    // Broadcast from 02:00:00:00:00:01, EtherType 0x0806, 4 payload bytes.
    let b = [
        0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06,
        0x00, 0x01, 0x08, 0x00,
    ];
    let m = Message::parse(&b).unwrap();
    let r = Repr {
        destination: MacAddr::BROADCAST,
        source: SRC,
        vlan: None,
        ethertype: EtherType::Arp,
    };
    assert_eq!(m.repr, r);
    assert_eq!(m.payload, &[0x00, 0x01, 0x08, 0x00]);
    assert_eq!(
        format!("{}", Summary(&m)),
        "ETH 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff ARP (4 bytes)"
    );
    assert_eq!(
        fields(&m),
        [
            "destination@1=ff:ff:ff:ff:ff:ff (broadcast)",
            "source@7=02:00:00:00:00:01",
            "ethertype@13=0x0806 (ARP)",
            "payload@15=00 01 08 00",
        ]
    );
    assert_eq!(r.to_vec(&[0x00, 0x01, 0x08, 0x00]), b);
    assert_eq!(
        (m.problem(), m.integrity(), m.pairing()),
        (None, None, None)
    );
}

#[test]
fn vlan_tagged_ipv6() {
    // 802.1Q tag: PCP 5, DEI 0, VID 100 → TCI 0xA064; inner IPv6.
    let b = [
        0x03, 0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x81, 0x00,
        0xa0, 0x64, 0x86, 0xdd, 0x60,
    ];
    let m = Message::parse(&b).unwrap();
    assert_eq!(
        m.repr.vlan,
        Some(VlanTag {
            tpid: EtherType::Vlan,
            pcp: 5,
            dei: false,
            vid: 100
        })
    );
    assert_eq!(m.repr.ethertype, EtherType::Ipv6);
    assert_eq!(m.payload, &[0x60]);
    assert_eq!(
        format!("{}", Summary(&m)),
        "ETH 02:00:00:00:00:01 > 33:33:00:00:00:01 vlan=100 IPv6 (1 bytes)"
    );
    let f = fields(&m);
    assert!(f.contains(&"destination@1=33:33:00:00:00:01 (multicast)".to_string()));
    assert!(f.contains(&"vlan_id@15=100".to_string()));
    assert!(f.contains(&"ethertype@17=0x86dd (IPv6)".to_string()));
    assert_eq!(m.repr.to_vec(&[0x60]), b);
}

#[test]
fn ncsi_and_unknown_ethertypes() {
    let r = Repr {
        destination: MacAddr::BROADCAST,
        source: SRC,
        vlan: None,
        ethertype: EtherType::Ncsi,
    };
    let v = r.to_vec(&[]);
    assert_eq!(&v[13..15], &[0x88, 0xf8]);
    assert!(format!("{}", Summary(&Message::parse(&v).unwrap())).contains("NC-SI"));
    let r = Repr {
        ethertype: EtherType::from_value(0x1234),
        ..r
    };
    let v = r.to_vec(&[]);
    let m = Message::parse(&v).unwrap();
    assert!(format!("{}", Summary(&m)).contains("ethertype=0x1234"));
}

#[test]
fn truncated_headers() {
    let b = [
        0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x81,
    ];
    assert_eq!(
        Message::parse(&b).unwrap_err().kind,
        crate::error::ErrorKind::Truncated {
            needed: 15,
            available: 14
        }
    );
    // A VLAN EtherType needs the tag too.
    let b = [
        0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x81, 0x00, 0xa0,
    ];
    assert!(Message::parse(&b).is_err());
}

fn ethertype() -> impl Strategy<Value = EtherType> {
    any::<u16>()
        .prop_map(EtherType::from_value)
        .prop_filter("not a tag", |e| !e.is_vlan())
}

proptest! {
    #[test]
    fn repr_round_trip(d: [u8; 6], s: [u8; 6], et in ethertype(), tagged: bool, pcp in 0u8..8, dei: bool,
                       vid in 0u16..4096, svlan: bool, payload in proptest::collection::vec(any::<u8>(), 0..32)) {
        let r = Repr {
            destination: MacAddr(d),
            source: MacAddr(s),
            vlan: tagged.then_some(VlanTag { tpid: if svlan { EtherType::ServiceVlan } else { EtherType::Vlan }, pcp, dei, vid }),
            ethertype: et,
        };
        let v = r.to_vec(&payload);
        let m = Message::parse(&v).unwrap();
        prop_assert_eq!(m.repr, r);
        prop_assert_eq!(m.payload, &payload[..]);
    }

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        if let Ok(m) = Message::parse(&bytes) {
            let _ = (format!("{}", Summary(&m)), fields(&m));
        }
    }
}
