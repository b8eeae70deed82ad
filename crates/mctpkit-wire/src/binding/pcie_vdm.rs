//! PCIe VDM transport binding (DSP0238): an MCTP packet as a PCIe Type 1
//! Vendor Defined Message with data, 4-DW header.
//!
//! ```text
//!  byte 0    [7] R  [6:5] Fmt = 11b (4 DW header, with data)
//!            [4:3] Type = 10b (message)  [2:0] routing r2..r0
//!  byte 1    [7] R  [6:4] TC (000b for MCTP)  [3:0] reserved / Attr[2] / TH
//!  byte 2    [7] TD [6] EP [5:4] Attr [3:2] AT [1:0] Length[9:8]
//!  byte 3    Length[7:0]: data after the 16-byte header, in DWs
//!  byte 4-5  PCI Requester ID (bus 8 bits, device 5, function 3)
//!  byte 6    PCI tag: [7:6] reserved [5:4] pad length [3:0] MCTP VDM code 0000b
//!  byte 7    message code 0x7F (Vendor Defined Type 1)
//!  byte 8-9  PCI Target ID (route by ID; else reserved)
//!  byte 10-11 vendor ID 0x1AB4 (DMTF)
//!  byte 12-15 MCTP transport header (version, dest EID, src EID, flags):
//!            DSP0238 puts it in the 4th DW of the TLP header
//!  byte 16.. MCTP payload, then `pad length` zero bytes to a DW boundary
//! ```
//!
//! Routing values (r2..r0): 000b route to root complex, 010b route by ID,
//! 011b broadcast from root complex.
//!
//! Sources: the reference notes have no layout (bindings.md §5); this follows
//! libmctp's `astpcie` binding header (pcie_header: fmt/type/routing, TC,
//! TD/EP/Attr/length, requester ID, tag with pad length and VDM code, message
//! code 0x7F, target ID, vendor ID 0x1AB4) and a Fungible MCTP daemon header
//! with the same field order, both from stored public sources. Length counts
//! the data after the 4-DW header (PCIe's rule for messages with data), i.e.
//! MCTP payload + pad; a Length of 0 means 1024 DW as in PCIe. PCIe's own
//! LCRC/ECRC sit below this layer, so there is no integrity check here.

use core::fmt;

use super::{out_room, stack_fmt, Warnings};
use crate::describe::{Describe, Field, Value, Visitor};
use crate::error::{need, Error, ErrorKind, Layer, Result};
use crate::macros::open_enum;

/// Byte positions.
pub mod field {
    use core::ops::Range;
    /// Fmt, Type, routing.
    pub const FMT_TYPE: usize = 0;
    /// Traffic class.
    pub const TC: usize = 1;
    /// TD, EP, Attr, AT, Length\[9:8\].
    pub const TD_EP_ATTR_LEN: usize = 2;
    /// Length\[7:0\].
    pub const LENGTH_LO: usize = 3;
    /// Requester ID.
    pub const REQUESTER_ID: Range<usize> = 4..6;
    /// Pad length and MCTP VDM code.
    pub const TAG: usize = 6;
    /// Message code.
    pub const MESSAGE_CODE: usize = 7;
    /// Target ID.
    pub const TARGET_ID: Range<usize> = 8..10;
    /// Vendor ID.
    pub const VENDOR_ID: Range<usize> = 10..12;
    /// MCTP transport header (4th DW of the TLP header).
    pub const MCTP_HEADER: Range<usize> = 12..16;
    /// First byte after the TLP header.
    pub const DATA: usize = 16;
}

/// TLP header length (the MCTP header is its last DW).
pub const HEADER_LEN: usize = 16;
/// Fmt for a 4-DW header with data.
pub const FMT_4DW_DATA: u8 = 0b11;
/// Type\[4:3\] for messages.
pub const TYPE_MESSAGE: u8 = 0b10;
/// Message code: Vendor Defined Type 1.
pub const MESSAGE_CODE_VDM1: u8 = 0x7F;
/// DMTF's PCI vendor ID.
pub const VENDOR_ID_DMTF: u16 = 0x1AB4;
/// MCTP VDM code.
pub const MCTP_VDM_CODE: u8 = 0;
/// Largest data area (Length field 10 bits, 0 = 1024 DW).
pub const MAX_DATA_LEN: usize = 1024 * 4;

open_enum! {
    /// Message routing, r2..r0 of the Type field (DSP0238 §6).
    pub enum Routing: u8 {
        /// 000b.
        RouteToRootComplex = 0b000 => "route to root complex",
        /// 010b.
        RouteById = 0b010 => "route by ID",
        /// 011b.
        BroadcastFromRootComplex = 0b011 => "broadcast from root complex",
    }
}

/// A PCI ID (requester or target) as bus/device/function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Bdf(pub u16);

impl Bdf {
    /// Build from bus, device (5 bits) and function (3 bits).
    pub const fn new(bus: u8, device: u8, function: u8) -> Self {
        Bdf(((bus as u16) << 8) | (((device & 0x1F) as u16) << 3) | ((function & 0x07) as u16))
    }
    /// Bus number.
    pub const fn bus(self) -> u8 {
        (self.0 >> 8) as u8
    }
    /// Device number.
    pub const fn device(self) -> u8 {
        ((self.0 >> 3) & 0x1F) as u8
    }
    /// Function number.
    pub const fn function(self) -> u8 {
        (self.0 & 0x07) as u8
    }
}

impl fmt::Display for Bdf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02x}:{:02x}.{}",
            self.bus(),
            self.device(),
            self.function()
        )
    }
}

/// A zero-copy view of a PCIe VDM TLP carrying MCTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wrap without checking; accessors may panic on short buffers.
    pub const fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }
    /// Wrap after [`Packet::check_len`].
    pub fn new_checked(buffer: T) -> Result<Self> {
        let p = Packet { buffer };
        p.check_len()?;
        Ok(p)
    }
    /// The header and the data the Length declares are present and the pad
    /// fits in the data.
    pub fn check_len(&self) -> Result<()> {
        let b = self.buffer.as_ref();
        need(Layer::PcieVdm, b, HEADER_LEN)?;
        need(Layer::PcieVdm, b, HEADER_LEN + self.data_len())?;
        if usize::from(self.pad_len()) > self.data_len() {
            return Err(Error::invalid(
                Layer::PcieVdm,
                field::TAG,
                "pad_len",
                self.pad_len().into(),
                "no more than the data length",
            ));
        }
        Ok(())
    }
    /// Give back the buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }
    fn b(&self, i: usize) -> u8 {
        self.buffer.as_ref()[i]
    }
    fn be16(&self, r: core::ops::Range<usize>) -> u16 {
        let b = &self.buffer.as_ref()[r];
        u16::from_be_bytes([b[0], b[1]])
    }
    /// Fmt (2 bits).
    pub fn fmt(&self) -> u8 {
        (self.b(field::FMT_TYPE) >> 5) & 0x03
    }
    /// Type (5 bits, routing in the low 3).
    pub fn tlp_type(&self) -> u8 {
        self.b(field::FMT_TYPE) & 0x1F
    }
    /// Routing (r2..r0).
    pub fn routing(&self) -> Routing {
        Routing::from_value(self.b(field::FMT_TYPE) & 0x07)
    }
    /// Traffic class.
    pub fn tc(&self) -> u8 {
        (self.b(field::TC) >> 4) & 0x07
    }
    /// TLP digest present.
    pub fn td(&self) -> bool {
        self.b(field::TD_EP_ATTR_LEN) & 0x80 != 0
    }
    /// Poisoned.
    pub fn ep(&self) -> bool {
        self.b(field::TD_EP_ATTR_LEN) & 0x40 != 0
    }
    /// Attr\[1:0\].
    pub fn attr(&self) -> u8 {
        (self.b(field::TD_EP_ATTR_LEN) >> 4) & 0x03
    }
    /// Address type (reserved for messages).
    pub fn at(&self) -> u8 {
        (self.b(field::TD_EP_ATTR_LEN) >> 2) & 0x03
    }
    /// Length field in DWs (10 bits, 0 meaning 1024).
    pub fn length(&self) -> u16 {
        (u16::from(self.b(field::TD_EP_ATTR_LEN) & 0x03) << 8) | u16::from(self.b(field::LENGTH_LO))
    }
    /// Data bytes after the header the Length declares.
    pub fn data_len(&self) -> usize {
        match self.length() {
            0 => MAX_DATA_LEN,
            n => usize::from(n) * 4,
        }
    }
    /// Requester ID.
    pub fn requester_id(&self) -> Bdf {
        Bdf(self.be16(field::REQUESTER_ID))
    }
    /// Pad length.
    pub fn pad_len(&self) -> u8 {
        (self.b(field::TAG) >> 4) & 0x03
    }
    /// MCTP VDM code.
    pub fn vdm_code(&self) -> u8 {
        self.b(field::TAG) & 0x0F
    }
    /// Message code.
    pub fn message_code(&self) -> u8 {
        self.b(field::MESSAGE_CODE)
    }
    /// Target ID.
    pub fn target_id(&self) -> Bdf {
        Bdf(self.be16(field::TARGET_ID))
    }
    /// Vendor ID.
    pub fn vendor_id(&self) -> u16 {
        self.be16(field::VENDOR_ID)
    }
    /// The MCTP packet: header DW plus data without pad.
    pub fn mctp_packet(&self) -> &[u8] {
        let end = HEADER_LEN + self.data_len() - usize::from(self.pad_len());
        &self.buffer.as_ref()[field::MCTP_HEADER.start..end]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn b_mut(&mut self, i: usize) -> &mut u8 {
        &mut self.buffer.as_mut()[i]
    }
    /// Set Fmt, Type\[4:3\] and routing.
    pub fn set_fmt_type(&mut self, fmt: u8, type_hi: u8, routing: Routing) {
        *self.b_mut(field::FMT_TYPE) =
            ((fmt & 0x03) << 5) | ((type_hi & 0x03) << 3) | (routing.value() & 0x07);
    }
    /// Set the traffic class (other bits of byte 1 cleared).
    pub fn set_tc(&mut self, tc: u8) {
        *self.b_mut(field::TC) = (tc & 0x07) << 4;
    }
    /// Set Attr and Length (TD, EP, AT cleared). `dws` of 1024 is written as 0.
    pub fn set_attr_length(&mut self, attr: u8, dws: u16) {
        let l = dws & 0x3FF;
        *self.b_mut(field::TD_EP_ATTR_LEN) = ((attr & 0x03) << 4) | (l >> 8) as u8;
        *self.b_mut(field::LENGTH_LO) = l as u8;
    }
    /// Set the requester ID.
    pub fn set_requester_id(&mut self, id: Bdf) {
        self.buffer.as_mut()[field::REQUESTER_ID].copy_from_slice(&id.0.to_be_bytes());
    }
    /// Set pad length and MCTP VDM code.
    pub fn set_tag(&mut self, pad_len: u8, vdm_code: u8) {
        *self.b_mut(field::TAG) = ((pad_len & 0x03) << 4) | (vdm_code & 0x0F);
    }
    /// Set the message code.
    pub fn set_message_code(&mut self, v: u8) {
        *self.b_mut(field::MESSAGE_CODE) = v;
    }
    /// Set the target ID.
    pub fn set_target_id(&mut self, id: Bdf) {
        self.buffer.as_mut()[field::TARGET_ID].copy_from_slice(&id.0.to_be_bytes());
    }
    /// Set the vendor ID.
    pub fn set_vendor_id(&mut self, v: u16) {
        self.buffer.as_mut()[field::VENDOR_ID].copy_from_slice(&v.to_be_bytes());
    }
}

/// The TLP fields a sender chooses, as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Repr {
    /// Message routing.
    pub routing: Routing,
    /// Traffic class (000b for MCTP).
    pub tc: u8,
    /// Attr\[1:0\].
    pub attr: u8,
    /// Requester ID (the sender).
    pub requester_id: Bdf,
    /// Target ID (route by ID; 0 otherwise).
    pub target_id: Bdf,
}

impl Default for Repr {
    fn default() -> Self {
        Repr {
            routing: Routing::RouteById,
            tc: 0,
            attr: 0,
            requester_id: Bdf(0),
            target_id: Bdf(0),
        }
    }
}

impl Repr {
    /// Strict parse: Fmt/Type of a VDM with data, message code 0x7F, vendor
    /// ID 0x1AB4, VDM code 0.
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        p.check_len()?;
        if let Some(e) = check_header(p).iter().next() {
            return Err(e);
        }
        Ok(Repr {
            routing: p.routing(),
            tc: p.tc(),
            attr: p.attr(),
            requester_id: p.requester_id(),
            target_id: p.target_id(),
        })
    }

    /// Pad bytes for an MCTP packet of `packet_len` bytes.
    pub const fn pad_len(packet_len: usize) -> usize {
        (4 - packet_len % 4) % 4
    }

    /// TLP length for an MCTP packet of `packet_len` bytes (≥ 4).
    pub const fn buffer_len(&self, packet_len: usize) -> usize {
        field::MCTP_HEADER.start + packet_len + Self::pad_len(packet_len)
    }

    /// Write the TLP header fields (not the MCTP header) for a packet of
    /// `packet_len` bytes: Length and pad are computed.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet_len: usize, p: &mut Packet<T>) {
        let pad = Self::pad_len(packet_len);
        let data = packet_len.saturating_sub(crate::mctp::HEADER_LEN) + pad;
        p.set_fmt_type(FMT_4DW_DATA, TYPE_MESSAGE, self.routing);
        p.set_tc(self.tc);
        p.set_attr_length(self.attr, (data / 4) as u16);
        p.set_requester_id(self.requester_id);
        p.set_tag(pad as u8, MCTP_VDM_CODE);
        p.set_message_code(MESSAGE_CODE_VDM1);
        p.set_target_id(self.target_id);
        p.set_vendor_id(VENDOR_ID_DMTF);
    }

    /// Wrap `packet` (MCTP header + payload) into a TLP in `buf`, padding
    /// with zeros to a DW; returns the TLP length.
    pub fn emit_frame(&self, packet: &[u8], buf: &mut [u8]) -> Result<usize> {
        need(Layer::Mctp, packet, crate::mctp::HEADER_LEN)?;
        if packet.len() == crate::mctp::HEADER_LEN {
            // No data DW: Length 0 would mean 1024 DW, and the 2-bit pad
            // cannot pad a whole DW, so DSP0238 cannot carry it.
            return Err(Error::invalid(
                Layer::PcieVdm,
                field::LENGTH_LO,
                "length",
                0,
                "an MCTP packet with at least one payload byte",
            ));
        }
        let data = packet.len() - crate::mctp::HEADER_LEN + Self::pad_len(packet.len());
        if data > MAX_DATA_LEN {
            return Err(Error {
                layer: Layer::PcieVdm,
                offset: field::LENGTH_LO,
                kind: ErrorKind::Oversize {
                    max: MAX_DATA_LEN,
                    actual: data,
                },
            });
        }
        let n = self.buffer_len(packet.len());
        out_room(Layer::PcieVdm, buf, n)?;
        let mut p = Packet::new_unchecked(&mut buf[..n]);
        self.emit(packet.len(), &mut p);
        let out = p.into_inner();
        out[field::MCTP_HEADER.start..field::MCTP_HEADER.start + packet.len()]
            .copy_from_slice(packet);
        out[field::MCTP_HEADER.start + packet.len()..].fill(0);
        Ok(n)
    }
}

/// Header checks shared by the strict and the lax decoders.
fn check_header<T: AsRef<[u8]>>(p: &Packet<T>) -> Warnings {
    let mut w = Warnings::default();
    if p.fmt() != FMT_4DW_DATA {
        w.push(Error::invalid(
            Layer::PcieVdm,
            field::FMT_TYPE,
            "fmt",
            p.fmt().into(),
            "11b (4 DW header with data)",
        ));
    }
    if p.tlp_type() >> 3 != TYPE_MESSAGE {
        w.push(Error::invalid(
            Layer::PcieVdm,
            field::FMT_TYPE,
            "type",
            p.tlp_type().into(),
            "10rrrb (message)",
        ));
    }
    if p.message_code() != MESSAGE_CODE_VDM1 {
        w.push(Error::invalid(
            Layer::PcieVdm,
            field::MESSAGE_CODE,
            "message_code",
            p.message_code().into(),
            "0x7f (Vendor Defined Type 1)",
        ));
    }
    if p.vendor_id() != VENDOR_ID_DMTF {
        w.push(Error::invalid(
            Layer::PcieVdm,
            field::VENDOR_ID.start,
            "vendor_id",
            p.vendor_id().into(),
            "0x1ab4 (DMTF)",
        ));
    }
    if p.vdm_code() != MCTP_VDM_CODE {
        w.push(Error::invalid(
            Layer::PcieVdm,
            field::TAG,
            "mctp_vdm_code",
            p.vdm_code().into(),
            "0000b",
        ));
    }
    if p.tc() != 0 {
        w.push(Error::invalid(
            Layer::PcieVdm,
            field::TC,
            "tc",
            p.tc().into(),
            "000b (DSP0238)",
        ));
    }
    w
}

/// A decoded PCIe VDM TLP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The TLP header bytes (16, the last 4 being the MCTP header).
    pub header: &'a [u8; HEADER_LEN],
    /// The MCTP packet (pad stripped when the data is complete).
    pub packet: &'a [u8],
    /// Input bytes used.
    pub frame_len: usize,
    /// Non-fatal problems (wrong vendor ID, message code, length...).
    pub warnings: Warnings,
}

impl<'a> Frame<'a> {
    /// Decode a TLP at the start of `bytes`. Only fewer than 16 bytes is
    /// fatal; header values and length disagreements are warnings.
    pub fn parse(bytes: &'a [u8]) -> Result<Frame<'a>> {
        need(Layer::PcieVdm, bytes, HEADER_LEN)?;
        let header: &[u8; HEADER_LEN] = bytes[..HEADER_LEN]
            .try_into()
            .map_err(|_| Error::truncated(Layer::PcieVdm, HEADER_LEN, bytes.len()))?;
        let p = Packet::new_unchecked(&header[..]);
        let mut warnings = check_header(&p);
        let declared = p.data_len();
        let present = bytes.len() - HEADER_LEN;
        let pad = usize::from(p.pad_len());
        let (data, frame_len) = if present < declared {
            warnings.push(Error {
                layer: Layer::PcieVdm,
                offset: field::LENGTH_LO,
                kind: ErrorKind::LengthMismatch {
                    field: "length",
                    declared,
                    actual: present,
                },
            });
            // Incomplete: the pad position is unknown, keep everything.
            (present, bytes.len())
        } else {
            if present > declared {
                warnings.push(Error {
                    layer: Layer::PcieVdm,
                    offset: HEADER_LEN + declared,
                    kind: ErrorKind::Trailing {
                        extra: present - declared,
                    },
                });
            }
            if pad > declared {
                warnings.push(Error::invalid(
                    Layer::PcieVdm,
                    field::TAG,
                    "pad_len",
                    pad as u32,
                    "no more than the data length",
                ));
                (declared, HEADER_LEN + declared)
            } else {
                (declared - pad, HEADER_LEN + declared)
            }
        };
        Ok(Frame {
            header,
            packet: &bytes[field::MCTP_HEADER.start..HEADER_LEN + data],
            frame_len,
            warnings,
        })
    }

    /// The header view.
    pub fn view(&self) -> Packet<&'a [u8]> {
        Packet::new_unchecked(&self.header[..])
    }

    /// The MCTP packet.
    pub fn packet(&self) -> &'a [u8] {
        self.packet
    }

    /// The sender's fields as plain data.
    pub fn repr(&self) -> Repr {
        let p = self.view();
        Repr {
            routing: p.routing(),
            tc: p.tc(),
            attr: p.attr(),
            requester_id: p.requester_id(),
            target_id: p.target_id(),
        }
    }
}

impl Describe for Frame<'_> {
    fn layer(&self) -> Layer {
        Layer::PcieVdm
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        let p = self.view();
        write!(w, "PCIe VDM {}", p.requester_id())?;
        if p.routing() == Routing::RouteById {
            write!(w, "->{}", p.target_id())?;
        }
        match p.routing().name() {
            Some(n) => write!(w, " {n}"),
            None => write!(w, " routing {:#05b}", p.routing().value()),
        }?;
        if p.pad_len() > 0 {
            write!(w, " pad={}", p.pad_len())?;
        }
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let p = self.view();
        v.field(
            &Field::bits("fmt", 0, 6, 5, Value::Uint(p.fmt().into())).meaning(
                if p.fmt() == FMT_4DW_DATA {
                    Some("4 DW header, with data")
                } else {
                    None
                },
            ),
        );
        v.field(
            &Field::bits("type", 0, 4, 0, Value::hex8(p.tlp_type())).meaning(
                if p.tlp_type() >> 3 == TYPE_MESSAGE {
                    Some("message")
                } else {
                    Some("not a message")
                },
            ),
        );
        v.field(
            &Field::bits("routing", 0, 2, 0, Value::Uint(p.routing().value().into()))
                .meaning(p.routing().name()),
        );
        v.field(&Field::bits("tc", 1, 6, 4, Value::Uint(p.tc().into())));
        v.field(&Field::bits("td", 2, 7, 7, Value::Bool(p.td())));
        v.field(&Field::bits("ep", 2, 6, 6, Value::Bool(p.ep())));
        v.field(&Field::bits("attr", 2, 5, 4, Value::Uint(p.attr().into())));
        v.field(&Field::bits("at", 2, 3, 2, Value::Uint(p.at().into())));
        let lm = stack_fmt!(24, "{} data bytes", p.data_len());
        v.field(
            &Field::new("length", 2, 2, Value::Uint(p.length().into())).meaning(Some(lm.as_str())),
        );
        let rid = stack_fmt!(16, "{}", p.requester_id());
        v.field(
            &Field::new("requester_id", 4, 2, Value::hex16(p.requester_id().0))
                .meaning(Some(rid.as_str())),
        );
        v.field(&Field::bits(
            "pad_len",
            6,
            5,
            4,
            Value::Uint(p.pad_len().into()),
        ));
        v.field(
            &Field::bits("mctp_vdm_code", 6, 3, 0, Value::Uint(p.vdm_code().into())).meaning(
                if p.vdm_code() == MCTP_VDM_CODE {
                    Some("MCTP")
                } else {
                    None
                },
            ),
        );
        v.field(
            &Field::new("message_code", 7, 1, Value::hex8(p.message_code())).meaning(
                if p.message_code() == MESSAGE_CODE_VDM1 {
                    Some("Vendor Defined Type 1")
                } else {
                    None
                },
            ),
        );
        let tid = stack_fmt!(16, "{}", p.target_id());
        v.field(
            &Field::new("target_id", 8, 2, Value::hex16(p.target_id().0))
                .meaning(Some(tid.as_str())),
        );
        v.field(
            &Field::new("vendor_id", 10, 2, Value::hex16(p.vendor_id())).meaning(
                if p.vendor_id() == VENDOR_ID_DMTF {
                    Some("DMTF")
                } else {
                    None
                },
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Hand-built: route by ID from 01:00.0 to 00:1f.0 (BMC), MCTP Get EID
    // request 08<-09, 7-byte packet -> 3 payload bytes + 1 pad.
    const PACKET: [u8; 7] = [0x01, 0x08, 0x09, 0xc8, 0x00, 0x81, 0x02];
    const TLP: [u8; 20] = [
        0x72, 0x00, 0x00, 0x01, // fmt 11b, type 10010b; TC 0; length 1 DW
        0x01, 0x00, 0x10, 0x7f, // requester 01:00.0; pad 1, VDM code 0; msg code
        0x00, 0xf8, 0x1a, 0xb4, // target 00:1f.0; vendor DMTF
        0x01, 0x08, 0x09, 0xc8, // MCTP header
        0x00, 0x81, 0x02, 0x00, // payload + pad
    ];

    fn repr() -> Repr {
        Repr {
            routing: Routing::RouteById,
            tc: 0,
            attr: 0,
            requester_id: Bdf::new(1, 0, 0),
            target_id: Bdf::new(0, 0x1f, 0),
        }
    }

    #[test]
    fn decode_hand_built() {
        let f = Frame::parse(&TLP).unwrap();
        assert!(f.warnings.is_empty(), "{:?}", f.warnings);
        assert_eq!(f.packet, &PACKET);
        assert_eq!(f.frame_len, 20);
        let p = f.view();
        assert_eq!(
            (p.fmt(), p.tlp_type(), p.routing()),
            (3, 0x12, Routing::RouteById)
        );
        assert_eq!((p.length(), p.pad_len(), p.vdm_code()), (1, 1, 0));
        assert_eq!(p.requester_id(), Bdf::new(1, 0, 0));
        assert_eq!(p.target_id().device(), 0x1f);
        assert_eq!(f.repr(), repr());
        assert_eq!(
            Repr::parse(&Packet::new_checked(&TLP[..]).unwrap()).unwrap(),
            repr()
        );
    }

    #[test]
    fn encode_hand_built() {
        let mut buf = [0xAAu8; 32];
        let n = repr().emit_frame(&PACKET, &mut buf).unwrap();
        assert_eq!(&buf[..n], &TLP);
        // A packet that is DW aligned needs no pad; header-only packet: length 0? no: 0 data.
        let n = repr()
            .emit_frame(&[1, 8, 9, 0xc0, 1, 2, 3, 4], &mut buf)
            .unwrap();
        assert_eq!(n, 20);
        assert_eq!(buf[6] >> 4, 0);
    }

    #[test]
    fn wrong_ids_are_warnings() {
        let mut b = TLP;
        b[7] = 0x7e;
        b[10] = 0x80;
        let f = Frame::parse(&b).unwrap();
        assert_eq!(f.packet, &PACKET);
        assert_eq!(f.warnings.iter().count(), 2);
        assert!(Repr::parse(&Packet::new_checked(&b[..]).unwrap()).is_err());
    }

    #[test]
    fn truncated_and_length_mismatch() {
        for n in 0..16 {
            assert!(matches!(
                Frame::parse(&TLP[..n]).unwrap_err().kind,
                ErrorKind::Truncated { .. }
            ));
        }
        let f = Frame::parse(&TLP[..18]).unwrap();
        assert_eq!(f.packet, &TLP[12..18]);
        assert!(!f.warnings.is_empty());
        assert!(Packet::new_checked(&TLP[..18]).is_err());
        let mut long = [0u8; 24];
        long[..20].copy_from_slice(&TLP);
        let f = Frame::parse(&long).unwrap();
        assert_eq!(f.frame_len, 20);
        assert_eq!(f.packet, &PACKET);
        assert!(matches!(
            f.warnings.iter().next().unwrap().kind,
            ErrorKind::Trailing { extra: 4 }
        ));
        // pad larger than the data
        let mut b = TLP;
        b[3] = 0;
        b[2] = 0;
        let f = Frame::parse(&b).unwrap(); // length 0 = 1024 DW: mismatch
        assert!(!f.warnings.is_empty());
    }

    #[test]
    fn oversize() {
        let big = [0u8; 4 + MAX_DATA_LEN + 1];
        let mut out = [0u8; 4200];
        assert!(matches!(
            repr().emit_frame(&big, &mut out).unwrap_err().kind,
            ErrorKind::Oversize { .. }
        ));
        // exactly 1024 DW encodes Length 0 and decodes back
        let n = repr()
            .emit_frame(&big[..4 + MAX_DATA_LEN], &mut out)
            .unwrap();
        assert_eq!(out[3], 0);
        assert_eq!(
            Frame::parse(&out[..n]).unwrap().packet.len(),
            4 + MAX_DATA_LEN
        );
        assert!(repr().emit_frame(&[1, 2, 3], &mut out).is_err());
        assert!(repr().emit_frame(&[1, 2, 3, 4], &mut out).is_err());
    }

    #[test]
    fn bdf() {
        let b = Bdf::new(0x3a, 0x1f, 7);
        assert_eq!((b.bus(), b.device(), b.function()), (0x3a, 0x1f, 7));
        let s = stack_fmt!(16, "{b}");
        assert_eq!(s.as_str(), "3a:1f.7");
    }

    use proptest::prelude::*;
    proptest! {
        #[test]
        fn round_trip(routing in prop_oneof![Just(0u8), Just(2), Just(3)],
                      attr in 0u8..4, rid in any::<u16>(), tid in any::<u16>(),
                      packet in proptest::collection::vec(any::<u8>(), 5..300)) {
            let r = Repr { routing: Routing::from_value(routing), tc: 0, attr,
                           requester_id: Bdf(rid), target_id: Bdf(tid) };
            let mut buf = [0u8; 320];
            let n = r.emit_frame(&packet, &mut buf).unwrap();
            prop_assert_eq!(n % 4, 0);
            let f = Frame::parse(&buf[..n]).unwrap();
            prop_assert!(f.warnings.is_empty());
            prop_assert_eq!(f.packet, &packet[..]);
            prop_assert_eq!(f.repr(), r);
            prop_assert_eq!(Repr::parse(&Packet::new_checked(&buf[..n]).unwrap()).unwrap(), r);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(f) = Frame::parse(&bytes) {
                prop_assert!(f.frame_len <= bytes.len());
            }
            if let Ok(p) = Packet::new_checked(&bytes[..]) {
                let _ = p.mctp_packet();
                let _ = Repr::parse(&p);
            }
        }
    }
}
