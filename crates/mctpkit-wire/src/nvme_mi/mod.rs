//! NVMe Management Interface over MCTP (MCTP message type 0x04).
//!
//! NVMe-MI 1.2 §3.1 (message format, Figure 20) and DSP0235 (the MCTP
//! binding). Every NVMe-MI message starts with a 4-byte header and, when
//! the MCTP IC bit is set (it always is in practice, so the type byte is
//! 0x84), ends with a 4-byte Message Integrity Check:
//!
//! ```text
//!  msg byte 0   [7] IC (1)  [6:0] MCTP message type 0x04
//!  msg byte 1   NMP: [7] ROR (0 request, 1 response)  [6:3] NMIMT
//!               [2:1] reserved  [0] CSI (command slot)
//!  msg byte 2   [0] MEB (data in management endpoint buffer)
//!               [1] CIAP (command initiated auto pause, NVMe-MI 2.x)
//!  msg byte 3   reserved
//!  then         message data, by NMIMT:
//!                 0 control primitive   → [`primitive`]
//!                 1 NVMe-MI command     → [`mi`]
//!                 2 NVMe Admin command  → [`admin`]
//!                 4 PCIe command, 5 asynchronous event → raw
//!  last 4 bytes MIC: CRC-32C over bytes 0..len-4, little-endian (IC=1)
//! ```
//!
//! Sources: `upper-layers.md` §3 (header, MIC), Wireshark's NVMe-MI
//! dissector (MEB bit position, MIC computed from the type byte), libnvme's
//! `mi.h` (`nvme_mi_msg_hdr`, `nvme_mi_mi_req_hdr`, `nvme_mi_admin_req_hdr`,
//! MIC sent with `cpu_to_le32`). Offsets in this module count from the
//! **type byte**; the per-type modules count from the message data (byte 4)
//! and are shifted by [`HEADER_LEN`] when described.
//!
//! Responses carry neither the opcode nor the command dwords, so a lone
//! response shows status, management response and raw data. An analyser that
//! pairs a response with its request (see [`Message::pairing`]) passes the
//! request's [`RequestContext`] to [`Message::parse_with`] and the response
//! data is then decoded as well ([`decode_mi_response_data`],
//! [`decode_admin_response_data`]).

use core::fmt;

use crate::binding::Integrity;
use crate::describe::{Describe, Field, Group, Shifted, Value, Visitor};
use crate::error::{need, Error, ErrorKind, Layer, Result};
use crate::mctp::MessageType;

pub mod admin;
pub mod builder;
pub mod codes;
pub mod data;
pub mod mi;
pub mod primitive;

#[cfg(test)]
mod tests;

pub use admin::{
    decode_admin_response_data, AdminCommand, AdminData, AdminRequest, AdminResponse,
    CompletionQueueEntry, IdentifyController, SmartLog,
};
pub use builder::Builder;
pub use codes::{
    AdminOpcode, Cns, CommitAction, ConfigurationId, ControlOpcode, DataStructureType, FeatureId,
    FeatureSelect, LogId, MiOpcode, Nmimt, PortType, SmbusFrequency, Status, StatusCodeType,
};
pub use data::{decode_mi_response_data, MiData};
pub use mi::{MiCommand, MiRequest, MiResponse};
pub use primitive::{ControlRequest, ControlResponse};

/// Byte positions in an NVMe-MI message (from the MCTP type byte).
pub mod field {
    pub const TYPE: usize = 0;
    /// NVMe-MI Message Parameters: ROR, NMIMT, CSI.
    pub const NMP: usize = 1;
    /// MEB (bit 0) and CIAP (bit 1).
    pub const MEB: usize = 2;
    pub const RESERVED: usize = 3;
    /// Message data starts here.
    pub const DATA: usize = 4;
}

/// Header length including the type byte.
pub const HEADER_LEN: usize = 4;
/// Length of the Message Integrity Check trailer.
pub const MIC_LEN: usize = 4;

/// CRC-32C (Castagnoli, the iSCSI CRC): the NVMe-MI MIC.
pub const MIC_CRC: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISCSI);

/// The MIC of `bytes` (type byte through the last data byte).
pub fn compute_mic(bytes: &[u8]) -> u32 {
    MIC_CRC.checksum(bytes)
}

/// The NVMe-MI message header as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Header {
    /// MCTP IC bit: a MIC ends the message.
    pub ic: bool,
    /// Request (false) or response (true): the ROR bit.
    pub ror: bool,
    /// NVMe-MI Message Type.
    pub nmimt: Nmimt,
    /// Command Slot Identifier (0 or 1).
    pub csi: u8,
    /// Management Endpoint Buffer: data is in the MEB, not the message.
    pub meb: bool,
    /// Command Initiated Auto Pause (NVMe-MI 2.x; reserved before).
    pub ciap: bool,
}

impl Header {
    /// A request header with IC set, slot `csi`.
    pub const fn request(nmimt: Nmimt, csi: u8) -> Self {
        Header {
            ic: true,
            ror: false,
            nmimt,
            csi: csi & 1,
            meb: false,
            ciap: false,
        }
    }

    /// A response header with IC set, slot `csi`.
    pub const fn response(nmimt: Nmimt, csi: u8) -> Self {
        Header {
            ror: true,
            ..Header::request(nmimt, csi)
        }
    }

    /// Parse the 4-byte header (type byte first).
    pub fn parse(msg: &[u8]) -> Result<Header> {
        need(Layer::NvmeMi, msg, HEADER_LEN)?;
        let nmp = msg[field::NMP];
        Ok(Header {
            ic: msg[field::TYPE] & 0x80 != 0,
            ror: nmp & 0x80 != 0,
            nmimt: Nmimt::from_value((nmp >> 3) & 0x0F),
            csi: nmp & 1,
            meb: msg[field::MEB] & 0x01 != 0,
            ciap: msg[field::MEB] & 0x02 != 0,
        })
    }

    /// The type byte (0x84 with IC, 0x04 without).
    pub const fn type_byte(&self) -> u8 {
        (if self.ic { 0x80 } else { 0 }) | MessageType::NvmeMi.value()
    }

    /// The NMP byte.
    pub const fn nmp(&self) -> u8 {
        (if self.ror { 0x80 } else { 0 }) | ((self.nmimt.value() & 0x0F) << 3) | (self.csi & 1)
    }

    /// Write the 4 header bytes.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        if buf.len() < HEADER_LEN {
            return Err(Error::buffer_too_small(
                Layer::NvmeMi,
                HEADER_LEN,
                buf.len(),
            ));
        }
        buf[field::TYPE] = self.type_byte();
        buf[field::NMP] = self.nmp();
        buf[field::MEB] = (if self.meb { 1 } else { 0 }) | (if self.ciap { 2 } else { 0 });
        buf[field::RESERVED] = 0;
        Ok(HEADER_LEN)
    }
}

/// A zero-copy view of an NVMe-MI message, starting at the type byte.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wrap without checks.
    pub const fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }
    /// Wrap after checking that the header is present.
    pub fn new_checked(buffer: T) -> Result<Self> {
        let p = Packet { buffer };
        p.check_len()?;
        Ok(p)
    }
    /// Check that the 4-byte header is present (the MIC is checked by
    /// [`Packet::mic`], which returns `None` when it is missing).
    pub fn check_len(&self) -> Result<()> {
        need(Layer::NvmeMi, self.buffer.as_ref(), HEADER_LEN)
    }
    /// Give back the buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }
    fn b(&self, i: usize) -> u8 {
        self.buffer.as_ref()[i]
    }
    /// The MCTP type byte.
    pub fn type_byte(&self) -> u8 {
        self.b(field::TYPE)
    }
    /// IC bit of the type byte.
    pub fn ic(&self) -> bool {
        self.type_byte() & 0x80 != 0
    }
    /// ROR: `true` for a response.
    pub fn ror(&self) -> bool {
        self.b(field::NMP) & 0x80 != 0
    }
    /// NMIMT.
    pub fn nmimt(&self) -> Nmimt {
        Nmimt::from_value((self.b(field::NMP) >> 3) & 0x0F)
    }
    /// Command slot.
    pub fn csi(&self) -> u8 {
        self.b(field::NMP) & 1
    }
    /// MEB bit.
    pub fn meb(&self) -> bool {
        self.b(field::MEB) & 1 != 0
    }
    /// `true` when IC is set and the message is long enough to hold a MIC.
    pub fn has_mic(&self) -> bool {
        self.ic() && self.buffer.as_ref().len() >= HEADER_LEN + MIC_LEN
    }
    /// The MIC on the wire, when present.
    pub fn mic(&self) -> Option<u32> {
        if !self.has_mic() {
            return None;
        }
        let b = self.buffer.as_ref();
        let n = b.len();
        Some(u32::from_le_bytes([b[n - 4], b[n - 3], b[n - 2], b[n - 1]]))
    }
    /// The MIC computed over the received bytes, when a MIC is present.
    pub fn computed_mic(&self) -> Option<u32> {
        if !self.has_mic() {
            return None;
        }
        let b = self.buffer.as_ref();
        Some(compute_mic(&b[..b.len() - MIC_LEN]))
    }
    /// Message data: after the header, before the MIC (if present).
    pub fn payload(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        let end = if self.has_mic() {
            b.len() - MIC_LEN
        } else {
            b.len()
        };
        &b[HEADER_LEN..end]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Set the NMP byte from its fields.
    pub fn set_nmp(&mut self, ror: bool, nmimt: Nmimt, csi: u8) {
        self.buffer.as_mut()[field::NMP] =
            (if ror { 0x80 } else { 0 }) | ((nmimt.value() & 0x0F) << 3) | (csi & 1);
    }
    /// Set the MEB bit (CIAP and reserved bits cleared).
    pub fn set_meb(&mut self, meb: bool) {
        self.buffer.as_mut()[field::MEB] = if meb { 1 } else { 0 };
    }
    /// Recompute the MIC over everything before the last 4 bytes and store
    /// it there (little-endian). No-op when the message is too short.
    pub fn fill_mic(&mut self) {
        let b = self.buffer.as_mut();
        let n = b.len();
        if n < HEADER_LEN + MIC_LEN {
            return;
        }
        let mic = compute_mic(&b[..n - MIC_LEN]);
        b[n - MIC_LEN..].copy_from_slice(&mic.to_le_bytes());
    }
}

/// The MIC found on the wire and the one computed over the received bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Mic {
    pub found: u32,
    pub computed: u32,
}

impl Mic {
    /// `true` when they match.
    pub const fn ok(&self) -> bool {
        self.found == self.computed
    }
}

/// The message data, decoded by NMIMT and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body<'a> {
    /// Control primitive request (NMIMT 0, ROR 0).
    ControlRequest(ControlRequest),
    /// Control primitive response (NMIMT 0, ROR 1).
    ControlResponse(ControlResponse),
    /// NVMe-MI command request (NMIMT 1, ROR 0).
    MiRequest(MiRequest<'a>),
    /// NVMe-MI command response (NMIMT 1, ROR 1).
    MiResponse(MiResponse<'a>),
    /// NVMe Admin command request (NMIMT 2, ROR 0).
    AdminRequest(AdminRequest<'a>),
    /// NVMe Admin command response (NMIMT 2, ROR 1).
    AdminResponse(AdminResponse<'a>),
    /// PCIe commands, asynchronous events and reserved NMIMT values: not
    /// decoded in this version.
    Raw(&'a [u8]),
    /// The data did not decode; `error` is relative to the type byte.
    Malformed { error: Error, raw: &'a [u8] },
}

impl<'a> Body<'a> {
    /// Decode the message data (`data` excludes header and MIC; error
    /// offsets are relative to `data`).
    pub fn parse(header: &Header, data: &'a [u8]) -> Result<Body<'a>> {
        Ok(match (header.nmimt, header.ror) {
            (Nmimt::ControlPrimitive, false) => Body::ControlRequest(ControlRequest::parse(data)?),
            (Nmimt::ControlPrimitive, true) => Body::ControlResponse(ControlResponse::parse(data)?),
            (Nmimt::MiCommand, false) => Body::MiRequest(MiRequest::parse(data)?),
            (Nmimt::MiCommand, true) => Body::MiResponse(MiResponse::parse(data)?),
            (Nmimt::AdminCommand, false) => Body::AdminRequest(AdminRequest::parse(data)?),
            (Nmimt::AdminCommand, true) => Body::AdminResponse(AdminResponse::parse(data)?),
            _ => Body::Raw(data),
        })
    }

    /// Bytes `emit_bytes` writes.
    pub fn buffer_len(&self) -> usize {
        match self {
            Body::ControlRequest(_) | Body::ControlResponse(_) => primitive::LEN,
            Body::MiRequest(r) => r.buffer_len(),
            Body::MiResponse(r) => r.buffer_len(),
            Body::AdminRequest(r) => r.buffer_len(),
            Body::AdminResponse(r) => r.buffer_len(),
            Body::Raw(raw) | Body::Malformed { raw, .. } => raw.len(),
        }
    }

    /// Encode into `buf` (which must hold `buffer_len()` bytes).
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::NvmeMi, n, buf.len()));
        }
        match self {
            Body::ControlRequest(r) => r.emit_bytes(buf),
            Body::ControlResponse(r) => r.emit_bytes(buf),
            Body::MiRequest(r) => r.emit_bytes(buf),
            Body::MiResponse(r) => r.emit_bytes(buf),
            Body::AdminRequest(r) => r.emit_bytes(buf),
            Body::AdminResponse(r) => r.emit_bytes(buf),
            Body::Raw(raw) | Body::Malformed { raw, .. } => {
                buf[..raw.len()].copy_from_slice(raw);
                Ok(raw.len())
            }
        }
    }

    /// The status of a response body.
    pub fn status(&self) -> Option<Status> {
        match self {
            Body::ControlResponse(r) => Some(r.status),
            Body::MiResponse(r) => Some(r.status),
            Body::AdminResponse(r) => Some(r.status),
            _ => None,
        }
    }
}

/// What a response needs from its request to decode its data: the NMIMT,
/// the opcode and the command dwords that select the returned structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RequestContext {
    pub nmimt: Nmimt,
    /// MI, admin or control primitive opcode.
    pub opcode: u8,
    /// MI: NVMe Management Dword 0. Admin: CDW10. Control: CPSP.
    pub dword0: u32,
    /// MI: NVMe Management Dword 1. Admin: CDW11.
    pub dword1: u32,
    /// Admin: the requested data offset (response data starts there).
    pub data_offset: u32,
}

/// Request/response pairing key. Responses carry no opcode, so the key is
/// what both directions share: the NMIMT and the command slot (CSI), plus
/// the tag for control primitives (which pair separately from commands in
/// the same slot, as Wireshark does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Pairing {
    pub request: bool,
    pub key: u64,
}

/// A whole NVMe-MI message: header, decoded data and MIC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    pub header: Header,
    pub body: Body<'a>,
    /// The MIC and its verdict (IC set and at least 4 data bytes).
    pub mic: Option<Mic>,
    /// The paired request's context (responses decoded with `parse_with`).
    pub context: Option<RequestContext>,
    /// Total message length (type byte through MIC).
    pub len: usize,
}

impl<'a> Message<'a> {
    /// Decode a message starting at its type byte. Only a header shorter
    /// than 4 bytes is an error; bad data is kept as [`Body::Malformed`] and a
    /// MIC mismatch is reported by [`Message::integrity`].
    pub fn parse(msg: &'a [u8]) -> Result<Message<'a>> {
        Message::parse_with(msg, None)
    }

    /// Decode a response with its request's context (ignored for requests
    /// or when the NMIMT differs).
    pub fn parse_with(msg: &'a [u8], ctx: Option<RequestContext>) -> Result<Message<'a>> {
        let p = Packet::new_checked(msg)?;
        let header = Header::parse(msg)?;
        let end = if p.has_mic() {
            msg.len() - MIC_LEN
        } else {
            msg.len()
        };
        let data = &msg[HEADER_LEN..end];
        let mic = match (p.mic(), p.computed_mic()) {
            (Some(found), Some(computed)) => Some(Mic { found, computed }),
            _ => None,
        };
        let body = if header.ic && mic.is_none() {
            // IC claims a MIC the message has no room for.
            Body::Malformed {
                error: Error::truncated(Layer::NvmeMi, HEADER_LEN + MIC_LEN, msg.len()),
                raw: data,
            }
        } else {
            Body::parse(&header, data).unwrap_or_else(|e| Body::Malformed {
                error: e.shift(HEADER_LEN),
                raw: data,
            })
        };
        let context = ctx.filter(|c| header.ror && c.nmimt == header.nmimt);
        Ok(Message {
            header,
            body,
            mic,
            context,
            len: msg.len(),
        })
    }

    /// A body that did not decode, or response data that did not decode
    /// with the request context (offset from the type byte).
    pub fn problem(&self) -> Option<Error> {
        match self.body {
            Body::Malformed { error, .. } => Some(error),
            Body::MiResponse(r) => match self.mi_data() {
                Some(Err(e)) => Some(e.shift(HEADER_LEN + r.data_offset())),
                _ => None,
            },
            Body::AdminResponse(r) => match self.admin_data() {
                Some(Err(e)) => Some(e.shift(HEADER_LEN + r.data_offset())),
                _ => None,
            },
            _ => None,
        }
    }

    /// The MIC verdict as an [`Integrity`] (layer NVMe-MI, name "mic").
    pub fn integrity(&self) -> Option<Integrity> {
        self.mic.map(|m| Integrity {
            layer: Layer::NvmeMi,
            name: "mic",
            found: m.found,
            computed: m.computed,
        })
    }

    /// Pairing key; `None` for asynchronous events (unsolicited) and for
    /// control primitives whose tag did not decode.
    pub fn pairing(&self) -> Option<Pairing> {
        let h = &self.header;
        let tag = match (h.nmimt, &self.body) {
            (Nmimt::AsynchronousEvent, _) => return None,
            (Nmimt::ControlPrimitive, Body::ControlRequest(r)) => r.tag,
            (Nmimt::ControlPrimitive, Body::ControlResponse(r)) => r.tag,
            (Nmimt::ControlPrimitive, _) => return None,
            _ => 0,
        };
        Some(Pairing {
            request: !h.ror,
            key: (u64::from(h.nmimt.value()) << 16) | (u64::from(h.csi) << 8) | u64::from(tag),
        })
    }

    /// `true` for an interim "More Processing Required" response: the final
    /// response to the same request follows later.
    pub fn is_more_processing_required(&self) -> bool {
        self.header.ror
            && self.header.nmimt != Nmimt::ControlPrimitive
            && self.body.status() == Some(Status::MoreProcessingRequired)
    }

    /// What a response to this request needs to decode its data.
    pub fn request_context(&self) -> Option<RequestContext> {
        let nmimt = self.header.nmimt;
        match self.body {
            Body::MiRequest(r) => Some(RequestContext {
                nmimt,
                opcode: r.opcode.value(),
                dword0: r.dword0,
                dword1: r.dword1,
                data_offset: 0,
            }),
            Body::AdminRequest(r) => Some(RequestContext {
                nmimt,
                opcode: r.opcode.value(),
                dword0: r.cdw(10),
                dword1: r.cdw(11),
                data_offset: r.data_offset,
            }),
            Body::ControlRequest(r) => Some(RequestContext {
                nmimt,
                opcode: r.opcode.value(),
                dword0: r.cpsp.into(),
                dword1: 0,
                data_offset: 0,
            }),
            _ => None,
        }
    }

    /// MI response data decoded with the request context, if both exist.
    pub fn mi_data(&self) -> Option<Result<MiData<'a>>> {
        match (self.body, self.context) {
            (Body::MiResponse(r), Some(c)) if r.status == Status::Success => Some(
                decode_mi_response_data(MiOpcode::from_value(c.opcode), c.dword0, r.data),
            ),
            _ => None,
        }
    }

    /// Admin response data decoded with the request context, if both exist
    /// and the request asked for data from offset 0.
    pub fn admin_data(&self) -> Option<Result<AdminData<'a>>> {
        match (self.body, self.context) {
            (Body::AdminResponse(r), Some(c))
                if r.status == Status::Success && c.data_offset == 0 && !r.data.is_empty() =>
            {
                Some(decode_admin_response_data(
                    AdminOpcode::from_value(c.opcode),
                    c.dword0,
                    r.data,
                ))
            }
            _ => None,
        }
    }

    /// Bytes `emit_bytes` writes: header, data and (with IC) the MIC.
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN + self.body.buffer_len() + if self.header.ic { MIC_LEN } else { 0 }
    }

    /// Encode the message, computing the MIC when IC is set.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::NvmeMi, n, buf.len()));
        }
        self.header.emit_bytes(buf)?;
        let end = HEADER_LEN + self.body.buffer_len();
        self.body.emit_bytes(&mut buf[HEADER_LEN..end])?;
        if self.header.ic {
            Packet::new_unchecked(&mut buf[..n]).fill_mic();
        }
        Ok(n)
    }

    /// Name of the command for summaries: from the body (requests) or the
    /// paired request (responses).
    pub fn command_name(&self) -> Option<&'static str> {
        let op = match (self.body, self.context) {
            (Body::ControlRequest(r), _) => return r.opcode.name(),
            (Body::MiRequest(r), _) => return r.opcode.display_name(),
            (Body::AdminRequest(r), _) => return r.opcode.display_name(),
            (_, Some(c)) => c.opcode,
            _ => return None,
        };
        match self.header.nmimt {
            Nmimt::ControlPrimitive => ControlOpcode::from_value(op).name(),
            Nmimt::MiCommand => MiOpcode::from_value(op).display_name(),
            Nmimt::AdminCommand => AdminOpcode::from_value(op).display_name(),
            _ => None,
        }
    }
}

/// Emit a value that spans whole bytes of a little-endian dword at `dw`
/// (offset of the dword), bits `hi..=lo`; sub-byte ranges become bit fields.
pub(crate) fn dword_field<'v>(
    name: &'static str,
    dw: usize,
    hi: u8,
    lo: u8,
    value: Value<'v>,
) -> Field<'v> {
    let (bh, bl) = (usize::from(hi / 8), usize::from(lo / 8));
    if bh == bl && !(lo % 8 == 0 && hi % 8 == 7) {
        Field::bits(name, dw + bl, hi % 8, lo % 8, value)
    } else {
        Field::new(name, dw + bl, bh - bl + 1, value)
    }
}

/// A flag at bit `bit` of the little-endian dword at offset `dw`.
pub(crate) fn dword_bit(name: &'static str, dw: usize, bit: u8, d: u32) -> Field<'static> {
    let b = bit / 8;
    Field::bits(
        name,
        dw + usize::from(b),
        bit % 8,
        bit % 8,
        Value::Bool(d & (1 << bit) != 0),
    )
}

/// Little-endian u16 at `at` (caller checked the length).
pub(crate) fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

/// Little-endian u32 at `at` (caller checked the length).
pub(crate) fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// `Trailing` error for fixed-size structures.
pub(crate) fn trailing(offset: usize, extra: usize) -> Error {
    Error {
        layer: Layer::NvmeMi,
        offset,
        kind: ErrorKind::Trailing { extra },
    }
}

/// The `decoded` object of a response's data (a data structure, an
/// Identify page) that starts `at` bytes into the body.
fn decoded(v: &mut dyn Visitor, at: usize, len: usize, f: impl FnOnce(&mut dyn Visitor)) {
    v.begin("decoded", Group::Object, at, len);
    f(&mut Shifted {
        inner: &mut *v,
        base: at,
    });
    v.end();
}

impl Describe for Message<'_> {
    fn layer(&self) -> Layer {
        Layer::NvmeMi
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        let h = &self.header;
        w.write_str("NVMe-MI ")?;
        match (h.nmimt, self.command_name()) {
            (Nmimt::AdminCommand, Some(n)) => write!(w, "Admin {n}")?,
            (_, Some(n)) => w.write_str(n)?,
            (Nmimt::MiCommand, None) => w.write_str("MI")?,
            (Nmimt::AdminCommand, None) => w.write_str("Admin")?,
            (Nmimt::ControlPrimitive, None) => w.write_str("Control Primitive")?,
            (n, None) => match n.name() {
                Some(s) => w.write_str(s)?,
                None => write!(w, "nmimt {:#x}", n.value())?,
            },
        }
        // Hot path: no `write!`.
        w.write_str(if h.ror { " rsp csi=" } else { " req csi=" })?;
        crate::describe::fast::dec(w, h.csi.into())?;
        if h.meb {
            w.write_str(" meb")?;
        }
        match &self.body {
            Body::ControlRequest(r) => r.summary(w)?,
            Body::ControlResponse(r) => r.summary(self.context, w)?,
            Body::MiRequest(r) => r.summary(w)?,
            Body::MiResponse(r) => {
                r.summary(self.context, w)?;
                if let Some(Ok(d)) = self.mi_data() {
                    w.write_str(" / ")?;
                    d.summary(w)?;
                }
            }
            Body::AdminRequest(r) => r.summary(w)?,
            Body::AdminResponse(r) => {
                r.summary(w)?;
                if let Some(Ok(d)) = self.admin_data() {
                    w.write_str(" / ")?;
                    d.summary(w)?;
                }
            }
            Body::Raw(raw) => write!(w, " ({} bytes)", raw.len())?,
            Body::Malformed { error, .. } => write!(w, " malformed: {}", error.kind.brief())?,
        }
        // A bad or missing MIC is reported by the dissector from
        // `integrity()` / `problem()`; the summary does not repeat it.
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let h = &self.header;
        v.field(&Field::bits("ic", field::TYPE, 7, 7, Value::Bool(h.ic)));
        v.field(
            &Field::bits(
                "msg_type",
                field::TYPE,
                6,
                0,
                Value::hex8(MessageType::NvmeMi.value()),
            )
            .meaning(Some("NVMe-MI")),
        );
        v.field(
            &Field::bits("ror", field::NMP, 7, 7, Value::Bool(h.ror)).meaning(Some(if h.ror {
                "response"
            } else {
                "request"
            })),
        );
        v.field(
            &Field::bits(
                "nmimt",
                field::NMP,
                6,
                3,
                Value::Uint(h.nmimt.value().into()),
            )
            .meaning(h.nmimt.name()),
        );
        v.field(&Field::bits(
            "csi",
            field::NMP,
            0,
            0,
            Value::Uint(h.csi.into()),
        ));
        v.field(&Field::bits("meb", field::MEB, 0, 0, Value::Bool(h.meb)));
        v.field(&Field::bits("ciap", field::MEB, 1, 1, Value::Bool(h.ciap)));
        if let Some(name) = self.command_name() {
            v.field(&Field::derived("command_name", Value::Str(name)));
        }
        let body_len = self
            .len
            .saturating_sub(HEADER_LEN + self.mic.map_or(0, |_| MIC_LEN));
        crate::describe::body(v, HEADER_LEN, body_len, |s| match &self.body {
            Body::ControlRequest(r) => r.describe(s),
            Body::ControlResponse(r) => r.describe(self.context, s),
            Body::MiRequest(r) => r.describe(s),
            Body::MiResponse(r) => {
                r.describe(self.context, s);
                if let Some(Ok(d)) = self.mi_data() {
                    decoded(s, r.data_offset(), r.data.len(), |v| d.describe(v));
                }
            }
            Body::AdminRequest(r) => r.describe(s),
            Body::AdminResponse(r) => {
                r.describe(s);
                if let Some(Ok(d)) = self.admin_data() {
                    decoded(s, r.data_offset(), r.data.len(), |v| d.describe(v));
                }
            }
            Body::Raw(raw) => s.field(&Field::new("data", 0, raw.len(), Value::Bytes(raw))),
            // The error is the layer's `error`, below.
            Body::Malformed { raw, .. } => {
                s.field(&Field::new("data", 0, raw.len(), Value::Bytes(raw)))
            }
        });
        match self.mic {
            Some(m) => {
                v.field(&Field::new(
                    "mic",
                    self.len - MIC_LEN,
                    MIC_LEN,
                    Value::hex32(m.found),
                ));
                v.field(&Field::derived("mic_computed", Value::hex32(m.computed)));
                v.field(&Field::derived("mic_ok", Value::Bool(m.ok())));
            }
            None if h.ic => {
                v.field(&Field::derived("mic", Value::Null).meaning(Some("missing")));
            }
            None => {}
        }
        crate::describe::error(v, self.problem());
    }
}
