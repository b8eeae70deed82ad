//! CXL over MCTP: FM-API (MCTP type 0x07, DSP0234) and the Component
//! Command Interface (type 0x08, DSP0281). Both carry a CCI message (CXL
//! r3.1 Figure 7-19, "CCI Message Format") after the MCTP type byte.
//!
//! ```text
//!  msg byte 0      [7] IC (0)  [6:0] MCTP type 0x07 / 0x08
//!  CCI byte 0      [3:0] Message Category (0 request, 1 response)  [7:4] reserved
//!  CCI byte 1      Message Tag (echoed in the response)
//!  CCI byte 2      reserved
//!  CCI byte 3      Command          } opcode = set << 8 | command
//!  CCI byte 4      Command Set      }
//!  CCI bytes 5-7   [20:0] Message Payload Length  [22:21] reserved  [23] BO
//!  CCI bytes 8-9   Return Code (u16 LE; responses)
//!  CCI bytes 10-11 Vendor Specific Extended Status (u16 LE)
//!  CCI byte 12..   payload
//! ```
//!
//! The payload length is masked to 21 bits with BO at bit 23, as the
//! reference recommends (`cxl.md` §2; OpenCIS masks 21 bits, libcxlmi's
//! header comment puts BO at bit 23; libcxlmi reads only 20 bits and QEMU
//! all 24). A declared length that disagrees with the bytes present is a
//! `LengthMismatch` problem; the payload is decoded from the bytes present.
//!
//! The Tunnel Management Command (5300h) carries a whole CCI message; it is
//! decoded recursively, lazily (on describe/summary/problem) and to at most
//! [`MAX_TUNNEL_DEPTH`] levels, so hostile nesting costs nothing at parse
//! time and cannot recurse without bound.
//!
//! Offsets of [`Message`] count from the MCTP type byte; offsets of [`Cci`]
//! from the CCI header.

use core::fmt;

use crate::binding::Integrity;
use crate::describe::{Describe, Field, Group, Shifted, Value, Visitor};
use crate::error::{Error, ErrorKind, Layer, Result};
use crate::macros::open_enum;
use crate::mctp::{MessageType, TypeByte};

pub mod body;
pub mod builder;
pub mod common;
pub mod fmapi;
pub mod generic;
pub mod memdev;
pub mod opcode;

#[cfg(test)]
mod tests;

pub use body::{Body, Request, Response};
pub use builder::CxlBuilder;
pub use common::{CxlBody, EmitPayload, FixedEntry, FixedList};
pub use fmapi::*;
pub use generic::*;
pub use memdev::*;
pub use opcode::{command_set_name, is_fm_api, is_vendor, op, opcode_name, ReturnCode};

/// Byte positions in the CCI header (from the CCI message start).
pub mod field {
    /// `[3:0]` category.
    pub const CATEGORY: usize = 0;
    pub const TAG: usize = 1;
    pub const RESERVED: usize = 2;
    /// Opcode low byte.
    pub const COMMAND: usize = 3;
    /// Opcode high byte.
    pub const COMMAND_SET: usize = 4;
    /// 24-bit LE: `[20:0]` payload length, bit 23 BO.
    pub const PAYLOAD_LENGTH: usize = 5;
    pub const RETURN_CODE: usize = 8;
    pub const VENDOR_STATUS: usize = 10;
    pub const PAYLOAD: usize = 12;
}

/// CCI header length.
pub const HEADER_LEN: usize = 12;
/// Largest value of the 21-bit payload length field.
pub const MAX_PAYLOAD_LENGTH: u32 = 0x1F_FFFF;
/// BO bit inside the 24-bit length field.
const BO_BIT: u32 = 1 << 23;
/// Deepest tunnel nesting decoded: the outer message is depth 0; libcxlmi
/// builds at most two levels, we decode up to four.
pub const MAX_TUNNEL_DEPTH: u8 = 4;

open_enum! {
    /// Message Category (byte 0 `[3:0]`).
    pub enum Category: u8 {
        Request = 0 => "request",
        Response = 1 => "response",
    }
}

/// A zero-copy view of a CCI message (starting at the CCI header).
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wrap without checks.
    pub const fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }
    /// Wrap after checking that the 12-byte header is present.
    pub fn new_checked(buffer: T) -> Result<Self> {
        let p = Packet { buffer };
        p.check_len()?;
        Ok(p)
    }
    /// Check that the header is present.
    pub fn check_len(&self) -> Result<()> {
        let n = self.buffer.as_ref().len();
        if n < HEADER_LEN {
            Err(Error::truncated(Layer::Cxl, HEADER_LEN, n))
        } else {
            Ok(())
        }
    }
    /// Give back the buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }
    fn b(&self, i: usize) -> u8 {
        self.buffer.as_ref()[i]
    }
    /// Message category.
    pub fn category(&self) -> Category {
        Category::from_value(self.b(field::CATEGORY) & 0x0F)
    }
    /// Message tag.
    pub fn tag(&self) -> u8 {
        self.b(field::TAG)
    }
    /// Opcode (`set << 8 | command`).
    pub fn opcode(&self) -> u16 {
        u16::from_le_bytes([self.b(field::COMMAND), self.b(field::COMMAND_SET)])
    }
    fn length_field(&self) -> u32 {
        let p = field::PAYLOAD_LENGTH;
        u32::from_le_bytes([self.b(p), self.b(p + 1), self.b(p + 2), 0])
    }
    /// Message payload length (21 bits).
    pub fn payload_length(&self) -> u32 {
        self.length_field() & MAX_PAYLOAD_LENGTH
    }
    /// Background operation flag.
    pub fn bo(&self) -> bool {
        self.length_field() & BO_BIT != 0
    }
    /// Return code.
    pub fn return_code(&self) -> ReturnCode {
        ReturnCode::from_value(u16::from_le_bytes([
            self.b(field::RETURN_CODE),
            self.b(field::RETURN_CODE + 1),
        ]))
    }
    /// Vendor specific extended status.
    pub fn vendor_status(&self) -> u16 {
        u16::from_le_bytes([
            self.b(field::VENDOR_STATUS),
            self.b(field::VENDOR_STATUS + 1),
        ])
    }
    /// The payload bytes present.
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn b_mut(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }
    /// Set the category (reserved bits cleared).
    pub fn set_category(&mut self, c: Category) {
        self.b_mut()[field::CATEGORY] = c.value() & 0x0F;
    }
    /// Set the tag.
    pub fn set_tag(&mut self, t: u8) {
        self.b_mut()[field::TAG] = t;
    }
    /// Set the opcode.
    pub fn set_opcode(&mut self, op: u16) {
        let [lo, hi] = op.to_le_bytes();
        self.b_mut()[field::COMMAND] = lo;
        self.b_mut()[field::COMMAND_SET] = hi;
    }
    /// Set payload length (masked to 21 bits) and BO.
    pub fn set_payload_length(&mut self, len: u32, bo: bool) {
        let v = (len & MAX_PAYLOAD_LENGTH) | if bo { BO_BIT } else { 0 };
        self.b_mut()[field::PAYLOAD_LENGTH..field::PAYLOAD_LENGTH + 3]
            .copy_from_slice(&v.to_le_bytes()[..3]);
    }
    /// Set the return code.
    pub fn set_return_code(&mut self, rc: ReturnCode) {
        self.b_mut()[field::RETURN_CODE..field::RETURN_CODE + 2]
            .copy_from_slice(&rc.value().to_le_bytes());
    }
    /// Set the vendor specific extended status.
    pub fn set_vendor_status(&mut self, s: u16) {
        self.b_mut()[field::VENDOR_STATUS..field::VENDOR_STATUS + 2]
            .copy_from_slice(&s.to_le_bytes());
    }
}

/// The CCI header as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Header {
    pub category: Category,
    pub tag: u8,
    /// `set << 8 | command`.
    pub opcode: u16,
    /// The declared payload length (21 bits).
    pub payload_length: u32,
    /// Background operation started (responses).
    pub bo: bool,
    /// Return code (meaningful in responses).
    pub return_code: ReturnCode,
    pub vendor_specific_extended_status: u16,
}

impl Header {
    /// A request header (payload length filled in by the builder).
    pub const fn request(opcode: u16, tag: u8) -> Self {
        Header {
            category: Category::Request,
            tag,
            opcode,
            payload_length: 0,
            bo: false,
            return_code: ReturnCode::Success,
            vendor_specific_extended_status: 0,
        }
    }
    /// A response header.
    pub const fn response(opcode: u16, tag: u8, rc: ReturnCode) -> Self {
        Header {
            category: Category::Response,
            tag,
            opcode,
            payload_length: 0,
            bo: false,
            return_code: rc,
            vendor_specific_extended_status: 0,
        }
    }
    /// Parse from a checked view.
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Header> {
        p.check_len()?;
        Ok(Header {
            category: p.category(),
            tag: p.tag(),
            opcode: p.opcode(),
            payload_length: p.payload_length(),
            bo: p.bo(),
            return_code: p.return_code(),
            vendor_specific_extended_status: p.vendor_status(),
        })
    }
    /// Header length (12).
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN
    }
    /// Write the 12-byte header.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        if buf.len() < HEADER_LEN {
            return Err(Error::buffer_too_small(Layer::Cxl, HEADER_LEN, buf.len()));
        }
        buf[field::RESERVED] = 0;
        let mut p = Packet::new_unchecked(&mut buf[..HEADER_LEN]);
        p.set_category(self.category);
        p.set_tag(self.tag);
        p.set_opcode(self.opcode);
        p.set_payload_length(self.payload_length, self.bo);
        p.set_return_code(self.return_code);
        p.set_vendor_status(self.vendor_specific_extended_status);
        Ok(HEADER_LEN)
    }
    /// `true` for a request.
    pub fn is_request(&self) -> bool {
        self.category == Category::Request
    }
    /// The opcode's specification name.
    pub fn opcode_name(&self) -> Option<&'static str> {
        opcode_name(self.opcode)
    }
}

/// Conversation state that a lone response cannot carry: which log a Get
/// Log response holds (known from its request). The analyser keeps one per
/// conversation; see [`Context::observe`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Context {
    /// Log Identifier of the Get Log request being answered.
    pub get_log_identifier: Option<[u8; 16]>,
}

impl Context {
    /// Remember what later responses need from a request (Get Log's UUID).
    pub fn observe(&mut self, m: &Message<'_>) {
        if let Body::Request {
            request: Request::GetLog(g),
            ..
        } = m.cci.body
        {
            self.get_log_identifier = Some(g.log_identifier);
        }
    }
}

/// A CCI message (header + decoded payload), as carried after the MCTP type
/// byte or inside a Tunnel Management Command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cci<'a> {
    pub header: Header,
    pub body: Body<'a>,
    /// Tunnel nesting level (0 = carried directly over MCTP).
    pub depth: u8,
    /// Context used to decode (and, lazily, to decode tunnelled messages).
    pub context: Context,
}

impl<'a> Cci<'a> {
    /// Decode a CCI message; only a short header is an `Err`.
    pub fn parse(msg: &'a [u8]) -> Result<Cci<'a>> {
        Cci::parse_nested(msg, 0, &Context::default())
    }

    /// Decode at a tunnel depth with a context.
    pub fn parse_nested(msg: &'a [u8], depth: u8, ctx: &Context) -> Result<Cci<'a>> {
        let p = Packet::new_checked(msg)?;
        let header = Header::parse(&p)?;
        let data = &msg[HEADER_LEN..];
        let body = Body::parse(&header, data, ctx)
            .unwrap_or_else(|error| Body::Malformed { error, raw: data });
        Ok(Cci {
            header,
            body,
            depth,
            context: *ctx,
        })
    }

    /// The tunnelled message, decoded (`None` when this is not a tunnel;
    /// `Some(Err)` when the nesting is too deep or the inner header is short).
    /// Offsets of the inner message are relative to its own start, which sits
    /// at [`Cci::tunnelled_offset`].
    pub fn tunnelled(&self) -> Option<Result<Cci<'a>>> {
        let (bytes, _) = self.body.tunnelled()?;
        if self.depth >= MAX_TUNNEL_DEPTH {
            return Some(Err(Error::invalid(
                Layer::Cxl,
                0,
                "tunnel_depth",
                u32::from(self.depth) + 1,
                "at most 4 nested Tunnel Management Commands",
            )));
        }
        Some(Cci::parse_nested(bytes, self.depth + 1, &self.context))
    }

    /// Offset of the tunnelled message from this message's start.
    pub fn tunnelled_offset(&self) -> usize {
        HEADER_LEN + self.body.tunnelled().map_or(0, |(_, o)| o)
    }

    /// The first problem (offset from this message's start): a payload
    /// length that disagrees with the bytes present, a payload that did not
    /// decode, or a problem inside the tunnelled message.
    pub fn problem(&self) -> Option<Error> {
        let present = self.body.buffer_len();
        if self.header.payload_length as usize != present {
            return Some(Error {
                layer: Layer::Cxl,
                offset: field::PAYLOAD_LENGTH,
                kind: ErrorKind::LengthMismatch {
                    field: "payload_length",
                    declared: self.header.payload_length as usize,
                    actual: present,
                },
            });
        }
        if let Some(e) = self.body.error() {
            return Some(e.shift(HEADER_LEN));
        }
        let base = self.tunnelled_offset();
        match self.tunnelled()? {
            Ok(inner) => inner.problem().map(|e| e.shift(base)),
            Err(e) => Some(e.shift(base)),
        }
    }

    /// Bytes `emit_bytes` writes.
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN + self.body.buffer_len()
    }

    /// Encode header (payload length as declared) and payload.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Cxl, n, buf.len()));
        }
        self.header.emit_bytes(buf)?;
        self.body.emit_bytes(&mut buf[HEADER_LEN..n])?;
        Ok(n)
    }

    /// `CommandName req|rsp tag=N [rc] / payload [>> tunnelled]`.
    pub fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        let h = &self.header;
        write!(w, "{}", opcode::CompactName(h.opcode))?;
        // Hot path: write_str and `describe::fast`, `write!` only for the
        // rare cases.
        use crate::describe::fast;
        match h.category {
            Category::Request => {
                w.write_str(" req tag=")?;
                fast::dec(w, h.tag.into())?;
            }
            Category::Response => {
                w.write_str(" rsp tag=")?;
                fast::dec(w, h.tag.into())?;
                w.write_str(" ")?;
                match h.return_code.name() {
                    Some(n) => w.write_str(n)?,
                    None => write!(w, "{}", h.return_code)?,
                }
            }
            Category::Unknown(c) => write!(w, " category={c} tag={}", h.tag)?,
        }
        if h.bo {
            w.write_str(" BO")?;
        }
        self.body.summary(w)?;
        match self.tunnelled() {
            None => Ok(()),
            Some(Ok(inner)) => {
                w.write_str(" >> ")?;
                inner.summary(w)
            }
            Some(Err(e)) => write!(w, " >> !! {}", e.kind),
        }
    }

    /// Hand every field to `v` (offsets from this message's start).
    pub fn describe(&self, v: &mut dyn Visitor) {
        let h = &self.header;
        v.field(
            &Field::bits(
                "category",
                field::CATEGORY,
                3,
                0,
                Value::hex8(h.category.value()),
            )
            .meaning(h.category.name()),
        );
        v.field(&Field::new("tag", field::TAG, 1, Value::Uint(h.tag.into())));
        v.field(&Field::new(
            "opcode",
            field::COMMAND,
            2,
            Value::hex16(h.opcode),
        ));
        v.field(&Field::derived(
            "opcode_name",
            h.opcode_name().map_or(Value::Null, Value::Str),
        ));
        v.field(&Field::derived(
            "command_set",
            command_set_name(h.opcode).map_or(Value::Null, Value::Str),
        ));
        v.field(&Field::new(
            "payload_length",
            field::PAYLOAD_LENGTH,
            3,
            Value::Uint(h.payload_length.into()),
        ));
        v.field(&Field::bits(
            "bo",
            field::PAYLOAD_LENGTH + 2,
            7,
            7,
            Value::Bool(h.bo),
        ));
        if h.is_request() {
            v.field(&Field::derived("return_code", Value::Null));
        } else {
            v.field(
                &Field::new(
                    "return_code",
                    field::RETURN_CODE,
                    2,
                    Value::hex16(h.return_code.value()),
                )
                .meaning(h.return_code.name()),
            );
        }
        v.field(&Field::new(
            "vendor_specific_extended_status",
            field::VENDOR_STATUS,
            2,
            Value::hex16(h.vendor_specific_extended_status),
        ));
        // The payload, a tunnelled message and trailing bytes form the body;
        // offsets inside it count from the payload start.
        let len = self.buffer_len().saturating_sub(HEADER_LEN);
        crate::describe::body(v, HEADER_LEN, len, |v| {
            self.body.describe(v);
            if let Some(r) = self.tunnelled() {
                let (bytes, _) = self.body.tunnelled().unwrap_or((&[], 0));
                let at = self.tunnelled_offset().saturating_sub(HEADER_LEN);
                match r {
                    Ok(inner) => {
                        v.begin("message", Group::Object, at, bytes.len());
                        inner.describe(&mut Shifted { inner: v, base: at });
                        v.end();
                    }
                    Err(e) => {
                        v.field(&Field::new("message", at, bytes.len(), Value::Bytes(bytes)));
                        v.field(&Field::derived("message_error", Value::Display(&e.kind)));
                    }
                }
            }
            self.body.describe_trailing(v);
        });
        crate::describe::error(v, self.problem());
    }
}

/// Pairs a request with its response: both produce the same `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pairing {
    pub request: bool,
    pub key: u64,
}

/// A CXL message over MCTP: the type byte and the CCI message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    pub type_byte: TypeByte,
    pub cci: Cci<'a>,
}

impl<'a> Message<'a> {
    /// Decode a message starting at its type byte. Only a short CCI header
    /// is an `Err`; a payload that does not decode stays inside the value.
    pub fn parse(msg: &'a [u8]) -> Result<Message<'a>> {
        Message::parse_with(msg, &Context::default())
    }

    /// Decode with conversation state (e.g. the log a Get Log response holds).
    pub fn parse_with(msg: &'a [u8], ctx: &Context) -> Result<Message<'a>> {
        let Some((&t, rest)) = msg.split_first() else {
            return Err(Error::truncated(Layer::Cxl, 1 + HEADER_LEN, 0));
        };
        let cci = Cci::parse_nested(rest, 0, ctx).map_err(|e| match e.kind {
            ErrorKind::Truncated { needed, available } => {
                Error::truncated(Layer::Cxl, needed + 1, available + 1)
            }
            _ => e.shift(1),
        })?;
        Ok(Message {
            type_byte: TypeByte::from_byte(t),
            cci,
        })
    }

    /// The CCI header.
    pub fn header(&self) -> &Header {
        &self.cci.header
    }

    /// The decoded payload.
    pub fn body(&self) -> &Body<'a> {
        &self.cci.body
    }

    /// A problem in the message (offset from the type byte).
    pub fn problem(&self) -> Option<Error> {
        self.cci.problem().map(|e| e.shift(1))
    }

    /// CXL over MCTP has no message integrity check.
    pub fn integrity(&self) -> Option<Integrity> {
        None
    }

    /// Request/response pairing: MCTP type, tag and opcode (reference §9.2:
    /// a response must echo the tag and opcode). `None` for an unknown category.
    pub fn pairing(&self) -> Option<Pairing> {
        let h = &self.cci.header;
        let request = match h.category {
            Category::Request => true,
            Category::Response => false,
            Category::Unknown(_) => return None,
        };
        let key = (u64::from(self.type_byte.msg_type.value()) << 24)
            | (u64::from(h.tag) << 16)
            | u64::from(h.opcode);
        Some(Pairing { request, key })
    }

    /// Bytes `emit_bytes` writes.
    pub fn buffer_len(&self) -> usize {
        1 + self.cci.buffer_len()
    }

    /// Encode type byte, header and payload.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.is_empty() || buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Cxl, n, buf.len()));
        }
        buf[0] = self.type_byte.to_byte();
        self.cci.emit_bytes(&mut buf[1..n])?;
        Ok(n)
    }
}

impl Describe for Message<'_> {
    fn layer(&self) -> Layer {
        Layer::Cxl
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        w.write_str(match self.type_byte.msg_type {
            MessageType::CxlFmApi => "CXL-FM ",
            _ => "CXL ",
        })?;
        self.cci.summary(w)
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let t = self.type_byte.msg_type;
        v.field(&Field::bits("message_type", 0, 6, 0, Value::hex8(t.value())).meaning(t.name()));
        self.cci.describe(&mut Shifted { inner: v, base: 1 });
    }
}
