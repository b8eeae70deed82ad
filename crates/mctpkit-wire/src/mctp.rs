//! MCTP transport header and message-type byte (DSP0236 §8.1, §8.3; DSP0239).
//!
//! ```text
//!  byte 0   [7:4] reserved        [3:0] header version (0001b)
//!  byte 1   destination EID
//!  byte 2   source EID
//!  byte 3   [7] SOM [6] EOM [5:4] packet sequence [3] TO [2:0] message tag
//!  byte 4.. payload; in a SOM packet it starts with [7] IC [6:0] message type
//! ```

use core::fmt;

use crate::describe::{Describe, Field, Value, Visitor};
use crate::error::{need, Error, Layer, Result};
use crate::macros::open_enum;

/// Byte positions of the transport header fields.
pub mod field {
    /// `[7:4]` reserved, `[3:0]` header version.
    pub const VERSION: usize = 0;
    /// Destination endpoint ID.
    pub const DST: usize = 1;
    /// Source endpoint ID.
    pub const SRC: usize = 2;
    /// SOM, EOM, sequence, TO, tag.
    pub const FLAGS: usize = 3;
    /// First payload byte.
    pub const PAYLOAD: core::ops::RangeFrom<usize> = 4..;
}

/// Length of the transport header.
pub const HEADER_LEN: usize = 4;
/// Header version defined by DSP0236 1.x.
pub const HEADER_VERSION: u8 = 1;
/// Baseline transmission unit: payload bytes every endpoint must accept (DSP0236 §8.3).
pub const BASELINE_MTU: usize = 64;

/// Null EID: physical addressing / not yet assigned (DSP0236 §8.2).
pub const EID_NULL: u8 = 0x00;
/// Broadcast EID.
pub const EID_BROADCAST: u8 = 0xFF;

/// Flag-byte masks (byte 3).
pub mod flags {
    pub const SOM: u8 = 0x80;
    pub const EOM: u8 = 0x40;
    pub const SEQ_SHIFT: u8 = 4;
    pub const SEQ_MASK: u8 = 0x03;
    pub const TO: u8 = 0x08;
    pub const TAG_MASK: u8 = 0x07;
}

/// How DSP0236 classifies an EID value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EidClass {
    Null,
    Reserved,
    Unicast,
    Broadcast,
}

/// Classify an EID: 0 null, 1–7 reserved, 8–0xFE assignable, 0xFF broadcast.
pub const fn eid_class(eid: u8) -> EidClass {
    match eid {
        0 => EidClass::Null,
        1..=7 => EidClass::Reserved,
        0xFF => EidClass::Broadcast,
        _ => EidClass::Unicast,
    }
}

const fn eid_meaning(eid: u8) -> Option<&'static str> {
    match eid_class(eid) {
        EidClass::Null => Some("null"),
        EidClass::Reserved => Some("reserved"),
        EidClass::Broadcast => Some("broadcast"),
        EidClass::Unicast => None,
    }
}

/// A zero-copy view of an MCTP packet (transport header + payload).
///
/// After [`Packet::new_checked`] succeeds no accessor panics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wrap without checking the length; accessors may panic on short buffers.
    #[inline]
    pub const fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }

    /// Wrap after checking that the 4-byte header is present.
    #[inline]
    pub fn new_checked(buffer: T) -> Result<Self> {
        let p = Packet { buffer };
        p.check_len()?;
        Ok(p)
    }

    /// Check that the header is present.
    #[inline]
    pub fn check_len(&self) -> Result<()> {
        need(Layer::Mctp, self.buffer.as_ref(), HEADER_LEN)
    }

    /// Give back the buffer.
    #[inline]
    pub fn into_inner(self) -> T {
        self.buffer
    }

    #[inline]
    fn b(&self, i: usize) -> u8 {
        self.buffer.as_ref()[i]
    }

    /// Header version, `[3:0]` of byte 0.
    #[inline]
    pub fn version(&self) -> u8 {
        self.b(field::VERSION) & 0x0F
    }
    /// Reserved bits `[7:4]` of byte 0.
    #[inline]
    pub fn reserved(&self) -> u8 {
        self.b(field::VERSION) >> 4
    }
    /// Destination EID.
    #[inline]
    pub fn dst(&self) -> u8 {
        self.b(field::DST)
    }
    /// Source EID.
    #[inline]
    pub fn src(&self) -> u8 {
        self.b(field::SRC)
    }
    /// The whole flag byte.
    #[inline]
    pub fn flags(&self) -> u8 {
        self.b(field::FLAGS)
    }
    /// Start of message.
    #[inline]
    pub fn som(&self) -> bool {
        self.flags() & flags::SOM != 0
    }
    /// End of message.
    #[inline]
    pub fn eom(&self) -> bool {
        self.flags() & flags::EOM != 0
    }
    /// Packet sequence number (0..3).
    #[inline]
    pub fn seq(&self) -> u8 {
        (self.flags() >> flags::SEQ_SHIFT) & flags::SEQ_MASK
    }
    /// Tag owner.
    #[inline]
    pub fn to(&self) -> bool {
        self.flags() & flags::TO != 0
    }
    /// Message tag (0..7).
    #[inline]
    pub fn tag(&self) -> u8 {
        self.flags() & flags::TAG_MASK
    }
    /// The payload after the header.
    #[inline]
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[field::PAYLOAD]
    }
    /// The message-type byte, present only in a SOM packet with a payload.
    #[inline]
    pub fn type_byte(&self) -> Option<TypeByte> {
        if self.som() {
            self.payload().first().map(|&b| TypeByte::from_byte(b))
        } else {
            None
        }
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    #[inline]
    fn b_mut(&mut self, i: usize) -> &mut u8 {
        &mut self.buffer.as_mut()[i]
    }
    /// Set the header version (reserved bits cleared).
    #[inline]
    pub fn set_version(&mut self, v: u8) {
        *self.b_mut(field::VERSION) = v & 0x0F;
    }
    /// Set the destination EID.
    #[inline]
    pub fn set_dst(&mut self, v: u8) {
        *self.b_mut(field::DST) = v;
    }
    /// Set the source EID.
    #[inline]
    pub fn set_src(&mut self, v: u8) {
        *self.b_mut(field::SRC) = v;
    }
    /// Set the whole flag byte.
    #[inline]
    pub fn set_flags(&mut self, v: u8) {
        *self.b_mut(field::FLAGS) = v;
    }
    /// The payload, writable.
    #[inline]
    pub fn payload_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[field::PAYLOAD]
    }
}

/// The transport header as plain data.
///
/// `parse` is lax: it keeps any header version so that an analyser can show a
/// version-2 packet; [`Repr::check_version`] is the strict test a stack applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Repr {
    pub version: u8,
    pub dst: u8,
    pub src: u8,
    pub som: bool,
    pub eom: bool,
    pub seq: u8,
    pub to: bool,
    pub tag: u8,
}

impl Repr {
    /// A header with version 1 and the given fields; `seq` and `tag` are masked.
    pub const fn new(dst: u8, src: u8, som: bool, eom: bool, seq: u8, to: bool, tag: u8) -> Self {
        Repr {
            version: HEADER_VERSION,
            dst,
            src,
            som,
            eom,
            seq: seq & flags::SEQ_MASK,
            to,
            tag: tag & flags::TAG_MASK,
        }
    }

    /// Read the header from a checked view.
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        p.check_len()?;
        Ok(Repr {
            version: p.version(),
            dst: p.dst(),
            src: p.src(),
            som: p.som(),
            eom: p.eom(),
            seq: p.seq(),
            to: p.to(),
            tag: p.tag(),
        })
    }

    /// Read the header from the start of `bytes`.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Repr> {
        Repr::parse(&Packet::new_unchecked(bytes))
    }

    /// Error unless the header version is 1 (what Linux and mctp-estack require).
    pub fn check_version(&self) -> Result<()> {
        if self.version == HEADER_VERSION {
            Ok(())
        } else {
            Err(Error::invalid(
                Layer::Mctp,
                field::VERSION,
                "version",
                self.version as u32,
                "header version 1",
            ))
        }
    }

    /// The flag byte.
    pub const fn flags(&self) -> u8 {
        (if self.som { flags::SOM } else { 0 })
            | (if self.eom { flags::EOM } else { 0 })
            | ((self.seq & flags::SEQ_MASK) << flags::SEQ_SHIFT)
            | (if self.to { flags::TO } else { 0 })
            | (self.tag & flags::TAG_MASK)
    }

    /// Bytes `emit` writes.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// Write the header into the first 4 bytes of the view.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, p: &mut Packet<T>) {
        p.set_version(self.version);
        p.set_dst(self.dst);
        p.set_src(self.src);
        p.set_flags(self.flags());
    }

    /// Write the header into `buf`, checking its size.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        if buf.len() < HEADER_LEN {
            return Err(Error::buffer_too_small(Layer::Mctp, HEADER_LEN, buf.len()));
        }
        self.emit(&mut Packet::new_unchecked(&mut buf[..HEADER_LEN]));
        Ok(HEADER_LEN)
    }
}

open_enum! {
    /// MCTP message types (DSP0239 Table 1). Carried in `[6:0]` of the type byte.
    pub enum MessageType: u8 {
        /// MCTP control (DSP0236).
        Control = 0x00 => "Control",
        /// Platform Level Data Model (DSP0240).
        Pldm = 0x01 => "PLDM",
        /// NC-SI over MCTP (DSP0261).
        NcSi = 0x02 => "NC-SI",
        /// Ethernet over MCTP (DSP0261).
        Ethernet = 0x03 => "Ethernet",
        /// NVM Express Management Interface.
        NvmeMi = 0x04 => "NVMe-MI",
        /// Security Protocol and Data Model (DSP0274/DSP0275).
        Spdm = 0x05 => "SPDM",
        /// Secured messages using SPDM (DSP0276).
        SecuredMessage = 0x06 => "Secured",
        /// CXL Fabric Manager API (DSP0234).
        CxlFmApi = 0x07 => "CXL FM-API",
        /// CXL Component Command Interface (DSP0281).
        CxlCci = 0x08 => "CXL CCI",
        /// PCIe Management Interface.
        PcieMi = 0x09 => "PCIe-MI",
        /// Vendor defined, PCI vendor ID.
        VendorPci = 0x7E => "Vendor PCI",
        /// Vendor defined, IANA enterprise number.
        VendorIana = 0x7F => "Vendor IANA",
    }
}

impl MessageType {
    /// A message type from text, the one parser the CLI, the analyser's
    /// filters and topology files share: a number (decimal or `0x` hex, at
    /// most 0x7F) or a DSP0239 name, case-insensitive and ignoring `-`, `_`
    /// and spaces (`pldm`, `NC-SI`, `ncsi`, `nvme_mi`, `cxl-cci`,
    /// `vendor-iana`).
    pub fn from_name(s: &str) -> Option<MessageType> {
        let s = s.trim();
        let num = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            Some(h) => u8::from_str_radix(h, 16).ok(),
            None => s.parse::<u8>().ok(),
        };
        if let Some(n) = num {
            return (n <= 0x7F).then(|| MessageType::from_value(n));
        }
        MessageType::ALL
            .iter()
            .copied()
            .find(|t| t.name().is_some_and(|n| loose_eq(n, s)))
    }
}

/// Equal ignoring ASCII case, `-`, `_` and spaces.
fn loose_eq(a: &str, b: &str) -> bool {
    let keep = |c: &u8| !matches!(c, b'-' | b'_' | b' ');
    let mut x = a.bytes().filter(keep).map(|c| c.to_ascii_lowercase());
    let mut y = b.bytes().filter(keep).map(|c| c.to_ascii_lowercase());
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p == q => {}
            _ => return false,
        }
    }
}

/// The first byte of a message: IC bit and 7-bit message type (DSP0236 §8.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TypeByte {
    /// Integrity check present (a type-specific trailer ends the message).
    pub ic: bool,
    /// Message type.
    pub msg_type: MessageType,
}

impl TypeByte {
    /// Split a type byte.
    pub const fn from_byte(b: u8) -> Self {
        TypeByte {
            ic: b & 0x80 != 0,
            msg_type: MessageType::from_value(b & 0x7F),
        }
    }
    /// Join into a type byte.
    pub const fn to_byte(self) -> u8 {
        (if self.ic { 0x80 } else { 0 }) | (self.msg_type.value() & 0x7F)
    }
}

/// A decoded transport header, for the dissector: the header and, in a SOM
/// packet, the message-type byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub repr: Repr,
    pub type_byte: Option<TypeByte>,
    /// Payload length after the 4-byte header.
    pub payload_len: usize,
}

impl Header {
    /// Decode the header (and the type byte of a SOM packet) from a packet.
    pub fn parse(bytes: &[u8]) -> Result<Header> {
        let p = Packet::new_checked(bytes)?;
        Ok(Header {
            repr: Repr::parse(&p)?,
            type_byte: p.type_byte(),
            payload_len: p.payload().len(),
        })
    }
}

/// Short form used in summaries: "SOM EOM", "SOM", "EOM", or "MID".
struct Position(bool, bool);
impl Position {
    const fn as_str(&self) -> &'static str {
        match (self.0, self.1) {
            (true, true) => "SOM EOM",
            (true, false) => "SOM",
            (false, true) => "EOM",
            (false, false) => "MID",
        }
    }
}

impl Describe for Header {
    fn layer(&self) -> Layer {
        Layer::Mctp
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        use crate::describe::fast;
        let r = &self.repr;
        w.write_str("MCTP ")?;
        fast::hex2_upper(w, r.dst)?;
        w.write_str("<-")?;
        fast::hex2_upper(w, r.src)?;
        w.write_str(" ")?;
        w.write_str(Position(r.som, r.eom).as_str())?;
        w.write_str(" seq=")?;
        fast::dec(w, r.seq.into())?;
        w.write_str(if r.to { " tag=TO," } else { " tag=" })?;
        fast::dec(w, r.tag.into())?;
        if r.version != HEADER_VERSION {
            w.write_str(" version=")?;
            fast::dec(w, r.version.into())?;
            w.write_str("!")?;
        }
        if let Some(t) = self.type_byte {
            w.write_str(" ")?;
            match t.msg_type.name() {
                Some(n) => w.write_str(n)?,
                None => fast::hex8(w, t.msg_type.value())?,
            }
            if t.ic {
                w.write_str("+IC")?;
            }
        }
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let r = &self.repr;
        v.field(
            &Field::bits(
                "version",
                field::VERSION,
                3,
                0,
                Value::Uint(r.version.into()),
            )
            .meaning(if r.version == HEADER_VERSION {
                Some("DSP0236 1.x")
            } else {
                Some("unsupported version")
            }),
        );
        v.field(&Field::new("dst", field::DST, 1, Value::hex8(r.dst)).meaning(eid_meaning(r.dst)));
        v.field(&Field::new("src", field::SRC, 1, Value::hex8(r.src)).meaning(eid_meaning(r.src)));
        v.field(&Field::bits("som", field::FLAGS, 7, 7, Value::Bool(r.som)));
        v.field(&Field::bits("eom", field::FLAGS, 6, 6, Value::Bool(r.eom)));
        v.field(&Field::bits(
            "seq",
            field::FLAGS,
            5,
            4,
            Value::Uint(r.seq.into()),
        ));
        v.field(
            &Field::bits("to", field::FLAGS, 3, 3, Value::Bool(r.to)).meaning(Some(if r.to {
                "sender owns the tag"
            } else {
                "reply to owned tag"
            })),
        );
        v.field(&Field::bits(
            "tag",
            field::FLAGS,
            2,
            0,
            Value::Uint(r.tag.into()),
        ));
        if let Some(t) = self.type_byte {
            v.field(&Field::bits("ic", HEADER_LEN, 7, 7, Value::Bool(t.ic)));
            v.field(
                &Field::bits(
                    "msg_type",
                    HEADER_LEN,
                    6,
                    0,
                    Value::hex8(t.msg_type.value()),
                )
                .meaning(t.msg_type.name()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // pymctp README example: a Get Routing Table Entries response.
    const GRTE_RSP: [u8; 17] = [
        0x01, 0x0b, 0x0a, 0xc5, 0x00, 0x00, 0x0a, 0x00, 0xff, 0x01, 0x01, 0x0a, 0x02, 0x00, 0x04,
        0x01, 0x00,
    ];

    #[test]
    fn deconstruct() {
        let p = Packet::new_checked(&GRTE_RSP[..]).unwrap();
        assert_eq!(p.version(), 1);
        assert_eq!(p.dst(), 0x0b);
        assert_eq!(p.src(), 0x0a);
        assert!(p.som() && p.eom() && !p.to());
        assert_eq!((p.seq(), p.tag()), (0, 5));
        assert_eq!(
            p.type_byte(),
            Some(TypeByte {
                ic: false,
                msg_type: MessageType::Control
            })
        );
        assert_eq!(p.payload().len(), 13);
    }

    #[test]
    fn construct() {
        let mut buf = [0u8; 4];
        Repr::new(0x0b, 0x0a, true, true, 0, false, 5)
            .emit_bytes(&mut buf)
            .unwrap();
        assert_eq!(buf, GRTE_RSP[..4]);
        // the libmctp multi-packet example: 0x88, 0x18, 0x68
        assert_eq!(Repr::new(9, 8, true, false, 0, true, 0).flags(), 0x88);
        assert_eq!(Repr::new(9, 8, false, false, 1, true, 0).flags(), 0x18);
        assert_eq!(Repr::new(9, 8, false, true, 2, true, 0).flags(), 0x68);
    }

    #[test]
    fn all_flag_bytes_round_trip() {
        for f in 0..=255u8 {
            let bytes = [0x01, 9, 8, f];
            let r = Repr::parse_bytes(&bytes).unwrap();
            assert_eq!(r.som, f & 0x80 != 0);
            assert_eq!(r.eom, f & 0x40 != 0);
            assert_eq!(r.seq, (f >> 4) & 3);
            assert_eq!(r.to, f & 0x08 != 0);
            assert_eq!(r.tag, f & 7);
            assert_eq!(r.flags(), f);
            let mut out = [0u8; 4];
            r.emit_bytes(&mut out).unwrap();
            assert_eq!(out, bytes);
        }
    }

    #[test]
    fn short_input_is_an_error() {
        for n in 0..4 {
            let e = Packet::new_checked(&GRTE_RSP[..n]).unwrap_err();
            assert_eq!(e.layer, Layer::Mctp);
            assert_eq!(
                e.kind,
                crate::error::ErrorKind::Truncated {
                    needed: 4,
                    available: n
                }
            );
        }
    }

    #[test]
    fn version_two_is_kept_but_flagged() {
        let r = Repr::parse_bytes(&[0x02, 9, 8, 0xc8]).unwrap();
        assert_eq!(r.version, 2);
        assert!(r.check_version().is_err());
    }

    #[test]
    fn type_byte_ic() {
        let t = TypeByte::from_byte(0x84);
        assert!(t.ic);
        assert_eq!(t.msg_type, MessageType::NvmeMi);
        for (text, want) in [
            ("pldm", 0x01),
            ("NC-SI", 0x02),
            ("ncsi", 0x02),
            ("nvme_mi", 0x04),
            ("cxl-fm-api", 0x07),
            ("CXL CCI", 0x08),
            ("vendor-iana", 0x7F),
            ("0x7e", 0x7E),
            ("5", 0x05),
        ] {
            assert_eq!(
                MessageType::from_name(text).map(|t| t.value()),
                Some(want),
                "{text}"
            );
        }
        assert_eq!(MessageType::from_name("0x80"), None);
        assert_eq!(MessageType::from_name("pldmx"), None);
        assert_eq!(t.to_byte(), 0x84);
        assert_eq!(
            TypeByte::from_byte(0x55).msg_type,
            MessageType::Unknown(0x55)
        );
    }
}
