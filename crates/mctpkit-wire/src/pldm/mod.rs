//! PLDM over MCTP (message type 0x01): the common header (DSP0240 §8) and
//! dispatch by PLDM type to the per-type body decoders.
//!
//! ```text
//!  msg byte 0   [7] IC (0)  [6:0] MCTP message type 0x01
//!  msg byte 1   [7] Rq  [6] D  [5] reserved  [4:0] instance ID
//!  msg byte 2   [7:6] header version (00b)  [5:0] PLDM type
//!  msg byte 3   command code
//!  msg byte 4   completion code (responses only)
//! ```
//!
//! Offsets here count from the MCTP type byte, so they match the message
//! bytes. Per-type bodies live in `base` (type 0), `platform` (2), `bios`
//! (3), `fru` (4), `firmware_update` (5), `rde` (6); each keeps the contract
//! of [`body::Body`].

use core::fmt;

use crate::binding::Integrity;
use crate::describe::{Describe, Field, Value, Visitor};
use crate::error::{need, Error, Layer, Result};
use crate::macros::open_enum;

pub mod base;
pub mod bios;
pub mod body;
pub mod builder;
pub mod event;
pub mod firmware_update;
pub mod fru;
pub mod package;
pub mod pdr;
pub mod pdr_builder;
pub mod platform;
pub mod rde;
#[cfg(test)]
mod tests;

pub use body::Body;

/// Byte positions in a PLDM message (from the MCTP type byte).
pub mod field {
    pub const TYPE: usize = 0;
    /// Rq, D, reserved, instance ID.
    pub const RQ_D_IID: usize = 1;
    /// Header version and PLDM type.
    pub const HDR_VER_TYPE: usize = 2;
    pub const COMMAND: usize = 3;
    /// Completion code (responses only).
    pub const COMPLETION: usize = 4;
    pub const REQUEST_DATA: usize = 4;
    pub const RESPONSE_DATA: usize = 5;
}

/// Length of a request header including the MCTP type byte.
pub const REQUEST_HEADER_LEN: usize = 4;
/// Length of a response header including the MCTP type byte.
pub const RESPONSE_HEADER_LEN: usize = 5;

open_enum! {
    /// PLDM types (DSP0245).
    pub enum PldmType: u8 {
        Base = 0x00 => "Messaging Control and Discovery",
        Smbios = 0x01 => "SMBIOS",
        Platform = 0x02 => "Platform Monitoring and Control",
        Bios = 0x03 => "BIOS Control and Configuration",
        Fru = 0x04 => "FRU Data",
        FirmwareUpdate = 0x05 => "Firmware Update",
        Rde = 0x06 => "Redfish Device Enablement",
        FileTransfer = 0x07 => "File Transfer",
        Oem = 0x3F => "OEM",
    }
}

open_enum! {
    /// Generic PLDM completion codes (DSP0240 Table 2); 0x80+ are type/command specific.
    pub enum CompletionCode: u8 {
        Success = 0x00 => "SUCCESS",
        Error = 0x01 => "ERROR",
        ErrorInvalidData = 0x02 => "ERROR_INVALID_DATA",
        ErrorInvalidLength = 0x03 => "ERROR_INVALID_LENGTH",
        ErrorNotReady = 0x04 => "ERROR_NOT_READY",
        ErrorUnsupportedPldmCmd = 0x05 => "ERROR_UNSUPPORTED_PLDM_CMD",
        ErrorInvalidPldmType = 0x20 => "ERROR_INVALID_PLDM_TYPE",
    }
}

/// The PLDM header as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Header {
    /// Request bit.
    pub rq: bool,
    /// Datagram bit (Rq=1, D=1: unacknowledged request / async event).
    pub d: bool,
    /// Instance ID, 0..31.
    pub instance_id: u8,
    /// Header version (0 in DSP0240 1.x).
    pub header_version: u8,
    /// PLDM type.
    pub pldm_type: PldmType,
    /// Command code (meaning depends on the type).
    pub command: u8,
    /// Completion code; `None` in requests.
    pub completion_code: Option<u8>,
}

impl Header {
    /// A request header.
    pub const fn request(pldm_type: PldmType, command: u8, instance_id: u8) -> Self {
        Header {
            rq: true,
            d: false,
            instance_id: instance_id & 0x1F,
            header_version: 0,
            pldm_type,
            command,
            completion_code: None,
        }
    }

    /// A response header.
    pub const fn response(pldm_type: PldmType, command: u8, instance_id: u8, cc: u8) -> Self {
        Header {
            rq: false,
            d: false,
            instance_id: instance_id & 0x1F,
            header_version: 0,
            pldm_type,
            command,
            completion_code: Some(cc),
        }
    }

    /// Parse from a message starting at the MCTP type byte.
    pub fn parse(msg: &[u8]) -> Result<Header> {
        need(Layer::Pldm, msg, REQUEST_HEADER_LEN)?;
        let b1 = msg[field::RQ_D_IID];
        let rq = b1 & 0x80 != 0;
        if !rq {
            need(Layer::Pldm, msg, RESPONSE_HEADER_LEN)?;
        }
        let b2 = msg[field::HDR_VER_TYPE];
        Ok(Header {
            rq,
            d: b1 & 0x40 != 0,
            instance_id: b1 & 0x1F,
            header_version: b2 >> 6,
            pldm_type: PldmType::from_value(b2 & 0x3F),
            command: msg[field::COMMAND],
            completion_code: if rq {
                None
            } else {
                Some(msg[field::COMPLETION])
            },
        })
    }

    /// Header length including the MCTP type byte.
    pub const fn buffer_len(&self) -> usize {
        if self.rq {
            REQUEST_HEADER_LEN
        } else {
            RESPONSE_HEADER_LEN
        }
    }

    /// Write the type byte and header.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Pldm, n, buf.len()));
        }
        buf[field::TYPE] = 0x01;
        buf[field::RQ_D_IID] = (if self.rq { 0x80 } else { 0 })
            | (if self.d { 0x40 } else { 0 })
            | (self.instance_id & 0x1F);
        buf[field::HDR_VER_TYPE] = (self.header_version << 6) | (self.pldm_type.value() & 0x3F);
        buf[field::COMMAND] = self.command;
        if !self.rq {
            buf[field::COMPLETION] = self.completion_code.unwrap_or(0);
        }
        Ok(n)
    }

    /// Offset of the request/response data from the type byte.
    pub const fn data_offset(&self) -> usize {
        self.buffer_len()
    }

    /// The command's name for this PLDM type, if known.
    pub fn command_name(&self) -> Option<&'static str> {
        body::command_name(self.pldm_type, self.command)
    }

    /// The completion code's name for this type and command, if known.
    pub fn completion_code_name(&self) -> Option<&'static str> {
        self.completion_code
            .and_then(|cc| body::completion_code_name(self.pldm_type, self.command, cc))
    }
}

/// Request/response pairing (the lead unifies this across families).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pairing {
    /// `true` for the request side.
    pub request: bool,
    /// Equal for a request and its response.
    pub key: u64,
}

/// A whole PLDM message: header and decoded body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    pub header: Header,
    pub body: Body<'a>,
}

impl<'a> Message<'a> {
    /// Decode a message starting at the MCTP type byte. Only a short header
    /// is an error; a body that does not decode is kept as `Body::Malformed`.
    pub fn parse(msg: &'a [u8]) -> Result<Message<'a>> {
        let header = Header::parse(msg)?;
        let data = &msg[header.data_offset()..];
        let body = Body::parse(&header, data).unwrap_or_else(|e| Body::Malformed {
            error: e.shift(header.data_offset()),
            raw: data,
        });
        Ok(Message { header, body })
    }

    /// A body that did not decode fully (offset from the type byte).
    pub fn problem(&self) -> Option<Error> {
        self.body.problem().map(|e| match self.body {
            Body::Malformed { .. } => e,
            _ => e.shift(self.header.data_offset()),
        })
    }

    /// Request/response pairing key: (PLDM type, command, instance ID)
    /// (DSP0240 §8; pymctp's matcher forgets the instance ID). Async /
    /// unacknowledged requests (Rq=1, D=1, e.g. PlatformEventMessage sent
    /// as a datagram) get no response, so they have no pairing.
    pub fn pairing(&self) -> Option<Pairing> {
        let h = &self.header;
        if h.rq && h.d {
            return None;
        }
        Some(Pairing {
            request: h.rq,
            key: (u64::from(h.pldm_type.value()) << 16)
                | (u64::from(h.command) << 8)
                | u64::from(h.instance_id),
        })
    }

    /// PLDM has no message-level integrity check (GetPLDMVersion's CRC-32 is
    /// a body field, reported through `problem`).
    pub fn integrity(&self) -> Option<Integrity> {
        None
    }

    /// Bytes `emit_bytes` writes.
    pub fn buffer_len(&self) -> usize {
        self.header.buffer_len() + self.body.buffer_len()
    }

    /// Encode header and body.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Pldm, n, buf.len()));
        }
        let h = self.header.emit_bytes(buf)?;
        self.body.emit_bytes(&mut buf[h..n])?;
        Ok(n)
    }
}

impl Describe for Message<'_> {
    fn layer(&self) -> Layer {
        Layer::Pldm
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        let h = &self.header;
        w.write_str("PLDM ")?;
        match h.command_name() {
            Some(n) => w.write_str(n)?,
            None => write!(w, "type {} cmd {:#04x}", h.pldm_type.value(), h.command)?,
        }
        // Hot path (every PLDM packet of a capture listing): plain
        // write_str and `describe::fast` instead of `write!`.
        use crate::describe::fast;
        if h.rq {
            w.write_str(if h.d {
                " req (async) iid="
            } else {
                " req iid="
            })?;
            fast::dec(w, h.instance_id.into())?;
        } else {
            w.write_str(" rsp iid=")?;
            fast::dec(w, h.instance_id.into())?;
            if let Some(cc) = h.completion_code {
                match h.completion_code_name() {
                    Some(n) => {
                        w.write_str(" ")?;
                        w.write_str(n)?;
                    }
                    None => {
                        w.write_str(" cc=")?;
                        fast::hex8(w, cc)?;
                    }
                }
            }
        }
        self.body.summary(h, w)
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let h = &self.header;
        v.field(&Field::bits("rq", field::RQ_D_IID, 7, 7, Value::Bool(h.rq)));
        v.field(&Field::bits("d", field::RQ_D_IID, 6, 6, Value::Bool(h.d)));
        v.field(&Field::bits(
            "instance_id",
            field::RQ_D_IID,
            4,
            0,
            Value::Uint(h.instance_id.into()),
        ));
        v.field(&Field::bits(
            "header_version",
            field::HDR_VER_TYPE,
            7,
            6,
            Value::Uint(h.header_version.into()),
        ));
        v.field(
            &Field::bits(
                "pldm_type",
                field::HDR_VER_TYPE,
                5,
                0,
                Value::hex8(h.pldm_type.value()),
            )
            .meaning(h.pldm_type.name()),
        );
        v.field(&Field::new(
            "command",
            field::COMMAND,
            1,
            Value::hex8(h.command),
        ));
        v.field(&Field::derived(
            "command_name",
            match h.command_name() {
                Some(n) => Value::Str(n),
                None => Value::Null,
            },
        ));
        match h.completion_code {
            Some(cc) => v.field(
                &Field::new("completion_code", field::COMPLETION, 1, Value::hex8(cc))
                    .meaning(h.completion_code_name()),
            ),
            None => v.field(&Field::derived("completion_code", Value::Null)),
        }
        let base = h.data_offset();
        let len = self.buffer_len().saturating_sub(base);
        crate::describe::body(v, base, len, |v| self.body.describe(h, v));
        crate::describe::error(v, self.problem());
    }
}
