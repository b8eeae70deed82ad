//! Ethernet over MCTP (message type 0x03, DSP0261): an Ethernet II frame
//! without preamble and FCS after the MCTP type byte.
//!
//! ```text
//!  msg byte 0       [7] IC (0)  [6:0] MCTP message type 0x03
//!  msg byte 1-6     destination MAC address
//!  msg byte 7-12    source MAC address
//!  msg byte 13-14   EtherType (big-endian); 0x8100 / 0x88A8 = VLAN tag:
//!  msg byte 15-16     TCI: [15:13] PCP  [12] DEI  [11:0] VLAN ID
//!  msg byte 17-18     inner EtherType
//!  then             payload (not decoded here)
//! ```
//!
//! Offsets count from the MCTP type byte (Wireshark strips the type byte
//! before its Ethernet dissector, mctp-core.md §6). The frame carries no
//! FCS: CodeConstruct's MCTP-to-tap bridge copies the message body to and
//! from a tap device as a whole frame, which has none.

use core::fmt;

use crate::binding::Integrity;
use crate::describe::{Describe, Field, Value, Visitor};
use crate::error::{need, Error, Layer, Result};
use crate::macros::open_enum;

#[cfg(test)]
mod tests;

/// Byte positions (from the MCTP type byte).
pub mod field {
    use core::ops::Range;
    pub const TYPE: usize = 0;
    pub const DESTINATION: Range<usize> = 1..7;
    pub const SOURCE: Range<usize> = 7..13;
    pub const ETHERTYPE: Range<usize> = 13..15;
    /// VLAN tag control information (tagged frames).
    pub const TCI: Range<usize> = 15..17;
    /// Inner EtherType (tagged frames).
    pub const INNER_ETHERTYPE: Range<usize> = 17..19;
}

/// The MCTP type byte of Ethernet over MCTP.
pub const MCTP_TYPE: u8 = 0x03;
/// Header length (type byte, two MACs, EtherType).
pub const HEADER_LEN: usize = 15;
/// Header length of an 802.1Q-tagged frame.
pub const TAGGED_HEADER_LEN: usize = 19;

open_enum! {
    /// EtherTypes (IEEE registry) that management links carry.
    pub enum EtherType: u16 {
        Ipv4 = 0x0800 => "IPv4",
        Arp = 0x0806 => "ARP",
        Vlan = 0x8100 => "802.1Q VLAN",
        Ipv6 = 0x86DD => "IPv6",
        Ncsi = 0x88F8 => "NC-SI",
        ServiceVlan = 0x88A8 => "802.1ad S-VLAN",
        Lldp = 0x88CC => "LLDP",
    }
}

impl EtherType {
    /// An 802.1Q or 802.1ad tag follows.
    pub const fn is_vlan(self) -> bool {
        matches!(self, EtherType::Vlan | EtherType::ServiceVlan)
    }
}

/// A MAC address, displayed `aa:bb:cc:dd:ee:ff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// ff:ff:ff:ff:ff:ff.
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);

    /// Group (multicast or broadcast) bit.
    pub const fn is_multicast(&self) -> bool {
        self.0[0] & 1 != 0
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = &self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        )
    }
}

/// An 802.1Q tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VlanTag {
    /// Tag protocol (0x8100 or 0x88A8).
    pub tpid: EtherType,
    /// Priority code point, 0..7.
    pub pcp: u8,
    /// Drop eligible indicator.
    pub dei: bool,
    /// VLAN ID, 0..4095.
    pub vid: u16,
}

impl VlanTag {
    const fn tci(&self) -> u16 {
        ((self.pcp as u16 & 7) << 13) | (if self.dei { 1 << 12 } else { 0 }) | (self.vid & 0x0FFF)
    }
}

/// The frame header as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Repr {
    /// Destination MAC.
    pub destination: MacAddr,
    /// Source MAC.
    pub source: MacAddr,
    /// One VLAN tag, if present.
    pub vlan: Option<VlanTag>,
    /// EtherType of the payload (inner EtherType when tagged).
    pub ethertype: EtherType,
}

impl Repr {
    /// Parse from a message starting at the MCTP type byte.
    pub fn parse(msg: &[u8]) -> Result<Repr> {
        need(Layer::Ethernet, msg, HEADER_LEN)?;
        let mac = |r: core::ops::Range<usize>| {
            let mut a = [0u8; 6];
            a.copy_from_slice(&msg[r]);
            MacAddr(a)
        };
        let be16 = |at: usize| u16::from_be_bytes([msg[at], msg[at + 1]]);
        let outer = EtherType::from_value(be16(field::ETHERTYPE.start));
        let (vlan, ethertype) = if outer.is_vlan() {
            need(Layer::Ethernet, msg, TAGGED_HEADER_LEN)?;
            let tci = be16(field::TCI.start);
            (
                Some(VlanTag {
                    tpid: outer,
                    pcp: (tci >> 13) as u8,
                    dei: tci & 0x1000 != 0,
                    vid: tci & 0x0FFF,
                }),
                EtherType::from_value(be16(field::INNER_ETHERTYPE.start)),
            )
        } else {
            (None, outer)
        };
        Ok(Repr {
            destination: mac(field::DESTINATION),
            source: mac(field::SOURCE),
            vlan,
            ethertype,
        })
    }

    /// Header length including the type byte.
    pub const fn buffer_len(&self) -> usize {
        if self.vlan.is_some() {
            TAGGED_HEADER_LEN
        } else {
            HEADER_LEN
        }
    }

    /// Write the type byte and header.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Ethernet, n, buf.len()));
        }
        buf[field::TYPE] = MCTP_TYPE;
        buf[field::DESTINATION].copy_from_slice(&self.destination.0);
        buf[field::SOURCE].copy_from_slice(&self.source.0);
        match self.vlan {
            Some(t) => {
                buf[field::ETHERTYPE].copy_from_slice(&t.tpid.value().to_be_bytes());
                buf[field::TCI].copy_from_slice(&t.tci().to_be_bytes());
                buf[field::INNER_ETHERTYPE].copy_from_slice(&self.ethertype.value().to_be_bytes());
            }
            None => buf[field::ETHERTYPE].copy_from_slice(&self.ethertype.value().to_be_bytes()),
        }
        Ok(n)
    }

    /// Header followed by `payload` into `buf`; returns the length.
    pub fn emit_message(&self, payload: &[u8], buf: &mut [u8]) -> Result<usize> {
        let h = self.buffer_len();
        let n = h + payload.len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Ethernet, n, buf.len()));
        }
        self.emit_bytes(buf)?;
        buf[h..n].copy_from_slice(payload);
        Ok(n)
    }

    /// The message as a vector.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self, payload: &[u8]) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0u8; self.buffer_len() + payload.len()];
        let _ = self.emit_message(payload, &mut v);
        v
    }
}

/// Request/response pairing key (the lead unifies this across families).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pairing {
    /// This message is the request.
    pub request: bool,
    /// Same for a request and its response.
    pub key: u64,
}

/// An Ethernet-over-MCTP message: header and raw payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    /// The header.
    pub repr: Repr,
    /// Everything after the (inner) EtherType.
    pub payload: &'a [u8],
}

impl<'a> Message<'a> {
    /// Decode a message starting at the MCTP type byte.
    pub fn parse(msg: &'a [u8]) -> Result<Message<'a>> {
        let repr = Repr::parse(msg)?;
        Ok(Message {
            repr,
            payload: &msg[repr.buffer_len()..],
        })
    }

    /// The payload is not decoded, so nothing can be wrong with it here.
    pub fn problem(&self) -> Option<Error> {
        None
    }

    /// No FCS is carried over MCTP.
    pub fn integrity(&self) -> Option<Integrity> {
        None
    }

    /// Ethernet frames are datagrams: no request/response pairing.
    pub fn pairing(&self) -> Option<Pairing> {
        None
    }
}

impl Describe for Message<'_> {
    fn layer(&self) -> Layer {
        Layer::Ethernet
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        let r = &self.repr;
        write!(w, "ETH {} > {}", r.source, r.destination)?;
        if let Some(t) = r.vlan {
            write!(w, " vlan={}", t.vid)?;
        }
        match r.ethertype.name() {
            Some(n) => write!(w, " {n}")?,
            None => write!(w, " ethertype={:#06x}", r.ethertype.value())?,
        }
        write!(w, " ({} bytes)", self.payload.len())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let r = &self.repr;
        v.field(
            &Field::new(
                "destination",
                field::DESTINATION.start,
                6,
                Value::Display(&r.destination),
            )
            .meaning(if r.destination == MacAddr::BROADCAST {
                Some("broadcast")
            } else if r.destination.is_multicast() {
                Some("multicast")
            } else {
                None
            }),
        );
        v.field(&Field::new(
            "source",
            field::SOURCE.start,
            6,
            Value::Display(&r.source),
        ));
        let et_at = match r.vlan {
            Some(t) => {
                v.field(
                    &Field::new(
                        "tpid",
                        field::ETHERTYPE.start,
                        2,
                        Value::hex16(t.tpid.value()),
                    )
                    .meaning(t.tpid.name()),
                );
                v.field(&Field::bits(
                    "pcp",
                    field::TCI.start,
                    7,
                    5,
                    Value::Uint(t.pcp.into()),
                ));
                v.field(&Field::bits(
                    "dei",
                    field::TCI.start,
                    4,
                    4,
                    Value::Bool(t.dei),
                ));
                v.field(&Field::new(
                    "vlan_id",
                    field::TCI.start,
                    2,
                    Value::Uint(t.vid.into()),
                ));
                field::INNER_ETHERTYPE.start
            }
            None => field::ETHERTYPE.start,
        };
        v.field(
            &Field::new("ethertype", et_at, 2, Value::hex16(r.ethertype.value()))
                .meaning(r.ethertype.name()),
        );
        // The frame's payload is the body (not decoded further).
        let p = self.payload;
        crate::describe::body(v, r.buffer_len(), p.len(), |v| {
            v.field(&Field::new("payload", 0, p.len(), Value::Bytes(p)))
        });
    }
}
