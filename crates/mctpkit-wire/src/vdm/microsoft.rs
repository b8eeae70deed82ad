//! Microsoft's VDM protocol on PCI vendor 0x1414 (upper-layers.md §4.2,
//! as modelled by pymctp's Microsoft OEM package; **unverified** against a
//! second source — no public specification was found).
//!
//! It uses the Cerberus header's "device-specific command set" escape: Rq
//! bit set and command byte 0xFF, then its own header.
//!
//! ```text
//!  payload byte 0    [7] Rq = 1  (other bits as in Cerberus)
//!  payload byte 1    0xFF
//!  payload byte 2    command set (0 BASE, 1 BMC, 2 ROT, 3 LION, 4 BMC_1P, 5 FIPS, 6 TIP)
//!  payload byte 3-4  protocol version, little-endian
//!  payload byte 5    command
//!  payload byte 6    completion code — responses only (MCTP TO = 0)
//!  then              command data
//! ```
//!
//! Responses keep the Rq bit set, so request versus response comes only
//! from the MCTP TO bit ([`Direction`]); pymctp 0.4.0 decides from the Rq
//! bit and labels every response a request (peers.md §2.8). With the
//! direction unknown the byte after the command is shown as data.

use core::fmt;

use super::cerberus::NullVisitor;
use super::registry::{Payload, VendorDecoder, VendorPairing};
use super::{Direction, VendorId};
use crate::describe::{Field, Value, Visitor};
use crate::error::{Error, Layer, Result};
use crate::macros::open_enum;

/// Byte positions in the payload (after the vendor ID).
pub mod field {
    /// Cerberus flags byte (Rq set).
    pub const FLAGS: usize = 0;
    /// 0xFF: the Microsoft VDM marker in the Cerberus command position.
    pub const MARKER: usize = 1;
    pub const COMMAND_SET: usize = 2;
    /// Protocol version, u16 little-endian.
    pub const VERSION: usize = 3;
    pub const COMMAND: usize = 5;
    /// Completion code (responses only).
    pub const COMPLETION: usize = 6;
}

/// The command byte that marks a Microsoft VDM message.
pub const MARKER: u8 = 0xFF;
/// Header length of a request (through the command byte).
pub const REQUEST_HEADER_LEN: usize = 6;
/// Header length of a response (adds the completion code).
pub const RESPONSE_HEADER_LEN: usize = 7;

open_enum! {
    /// Command sets.
    pub enum CommandSet: u8 {
        Base = 0 => "BASE",
        Bmc = 1 => "BMC",
        Rot = 2 => "ROT",
        Lion = 3 => "LION",
        Bmc1p = 4 => "BMC_1P",
        Fips = 5 => "FIPS",
        Tip = 6 => "TIP",
    }
}

open_enum! {
    /// Completion codes.
    pub enum CompletionCode: u8 {
        Success = 0x00 => "SUCCESS",
        Failure = 0xFF => "FAILURE",
        InvalidCommand = 0xFE => "INVALID_COMMAND",
        UnsupportedCmd = 0xFD => "UNSUPPORTED_CMD",
        MalformedCmd = 0xFC => "MALFORMED_CMD",
        UnsupportedParameter = 0xFB => "UNSUPPORTED_PARAMETER",
        ResourceUnavailable = 0xFA => "RESOURCE_UNAVAILABLE",
        UnsupportedProtocolVer = 0xF9 => "UNSUPPORTED_PROTOCOL_VER",
    }
}

/// The name of `command` in `set`, where the reference lists one.
pub const fn command_name(set: CommandSet, command: u8) -> Option<&'static str> {
    match (set, command) {
        (CommandSet::Base, 0) => Some("STATUS"),
        (CommandSet::Base, 1) => Some("CMD_SET_SUPPORT"),
        (CommandSet::Base, 2) => Some("CAP_NEGOTIATION"),
        (CommandSet::Base, 3) => Some("GET_TEMP"),
        (CommandSet::Base, 4) => Some("HEARTBEAT_CTRL"),
        (CommandSet::Base, 5) => Some("HEARTBEAT"),
        (CommandSet::Bmc, 0x13) => Some("GET_SYSTEM_DEVICES"),
        (CommandSet::Bmc, 0x14) => Some("GET_DEVICE_STRING"),
        (CommandSet::Bmc, 0x15) => Some("GET_DEVICE_EID"),
        _ => None,
    }
}

/// The Microsoft VDM header as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Header {
    /// The Cerberus flags byte (Rq must be set).
    pub flags: u8,
    /// Command set.
    pub command_set: CommandSet,
    /// Protocol version.
    pub protocol_version: u16,
    /// Command within the set.
    pub command: u8,
    /// Completion code; `Some` only in responses.
    pub completion_code: Option<CompletionCode>,
}

impl Header {
    /// Parse from the payload; `response` says whether a completion code
    /// follows the command (from the MCTP TO bit).
    pub fn parse(payload: &[u8], response: bool) -> Result<Header> {
        let n = if response {
            RESPONSE_HEADER_LEN
        } else {
            REQUEST_HEADER_LEN
        };
        if payload.len() < n {
            return Err(Error::truncated(Layer::Vdm, n, payload.len()));
        }
        if payload[field::FLAGS] & 0x80 == 0 || payload[field::MARKER] != MARKER {
            return Err(Error::invalid(
                Layer::Vdm,
                field::MARKER,
                "marker",
                payload[field::MARKER].into(),
                "Rq set and command 0xff",
            ));
        }
        Ok(Header {
            flags: payload[field::FLAGS],
            command_set: CommandSet::from_value(payload[field::COMMAND_SET]),
            protocol_version: u16::from_le_bytes([
                payload[field::VERSION],
                payload[field::VERSION + 1],
            ]),
            command: payload[field::COMMAND],
            completion_code: if response {
                Some(CompletionCode::from_value(payload[field::COMPLETION]))
            } else {
                None
            },
        })
    }

    /// Header length in the payload.
    pub const fn buffer_len(&self) -> usize {
        if self.completion_code.is_some() {
            RESPONSE_HEADER_LEN
        } else {
            REQUEST_HEADER_LEN
        }
    }

    /// Write the header into `buf`.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Vdm, n, buf.len()));
        }
        buf[field::FLAGS] = self.flags | 0x80;
        buf[field::MARKER] = MARKER;
        buf[field::COMMAND_SET] = self.command_set.value();
        buf[field::VERSION..field::VERSION + 2]
            .copy_from_slice(&self.protocol_version.to_le_bytes());
        buf[field::COMMAND] = self.command;
        if let Some(cc) = self.completion_code {
            buf[field::COMPLETION] = cc.value();
        }
        Ok(n)
    }

    /// The command's name, if known.
    pub const fn command_name(&self) -> Option<&'static str> {
        command_name(self.command_set, self.command)
    }
}

/// The built-in Microsoft VDM decoder.
#[derive(Debug, Clone, Copy, Default)]
pub struct MicrosoftVdm;

impl MicrosoftVdm {
    fn walk(p: &Payload<'_>, v: &mut dyn Visitor) -> Option<Error> {
        let response = p.direction == Direction::Response;
        let h = match Header::parse(p.data, response) {
            Ok(h) => h,
            Err(e) => {
                v.field(&Field::new(
                    "payload",
                    0,
                    p.data.len(),
                    Value::Bytes(p.data),
                ));
                return Some(e);
            }
        };
        v.field(
            &Field::bits("rq", field::FLAGS, 7, 7, Value::Bool(true)).meaning(Some(
                "device-specific command set (set in requests and responses)",
            )),
        );
        v.field(
            &Field::new("marker", field::MARKER, 1, Value::hex8(MARKER))
                .meaning(Some("Microsoft VDM")),
        );
        v.field(
            &Field::new(
                "command_set",
                field::COMMAND_SET,
                1,
                Value::hex8(h.command_set.value()),
            )
            .meaning(h.command_set.name()),
        );
        v.field(&Field::new(
            "protocol_version",
            field::VERSION,
            2,
            Value::Uint(h.protocol_version.into()),
        ));
        v.field(
            &Field::new("command", field::COMMAND, 1, Value::hex8(h.command))
                .meaning(h.command_name()),
        );
        match h.completion_code {
            Some(cc) => v.field(
                &Field::new(
                    "completion_code",
                    field::COMPLETION,
                    1,
                    Value::hex8(cc.value()),
                )
                .meaning(cc.name()),
            ),
            None => v.field(&Field::derived("completion_code", Value::Null).meaning(
                if p.direction == Direction::Unknown {
                    Some("direction unknown: a response's first data byte is its completion code")
                } else {
                    None
                },
            )),
        }
        let at = h.buffer_len();
        let data = &p.data[at..];
        v.field(&Field::new("data", at, data.len(), Value::Bytes(data)));
        None
    }
}

impl VendorDecoder for MicrosoftVdm {
    fn vendor(&self) -> VendorId {
        VendorId::MICROSOFT
    }

    fn name(&self) -> &'static str {
        "Microsoft VDM"
    }

    fn accepts(&self, p: &Payload<'_>) -> bool {
        p.data.len() > field::MARKER
            && p.data[field::FLAGS] & 0x80 != 0
            && p.data[field::MARKER] == MARKER
    }

    fn summary(&self, p: &Payload<'_>, w: &mut dyn fmt::Write) -> fmt::Result {
        w.write_str("MSFT-VDM ")?;
        let response = p.direction == Direction::Response;
        let h = match Header::parse(p.data, response) {
            Ok(h) => h,
            Err(_) => return write!(w, "(short: {} bytes)", p.data.len()),
        };
        match h.command_set.name() {
            Some(n) => w.write_str(n)?,
            None => write!(w, "set {:#04x}", h.command_set.value())?,
        }
        match h.command_name() {
            Some(n) => write!(w, " {n}")?,
            None => write!(w, " cmd {:#04x}", h.command)?,
        }
        write!(w, " {} v{}", p.direction.short(), h.protocol_version)?;
        if let Some(cc) = h.completion_code {
            write!(w, " {cc}")?;
        }
        let data = p.data.len() - h.buffer_len();
        if data > 0 {
            write!(w, " ({data} bytes)")?;
        }
        Ok(())
    }

    fn describe(&self, p: &Payload<'_>, v: &mut dyn Visitor) {
        let _ = MicrosoftVdm::walk(p, v);
    }

    fn problem(&self, p: &Payload<'_>) -> Option<Error> {
        MicrosoftVdm::walk(p, &mut NullVisitor)
    }

    fn pairing(&self, p: &Payload<'_>) -> Option<VendorPairing> {
        let request = match p.direction {
            Direction::Request => true,
            Direction::Response => false,
            Direction::Unknown => return None,
        };
        let h = Header::parse(p.data, !request).ok()?;
        // Responses echo the command set and command; bit 16 keeps these
        // keys apart from Cerberus's on the same vendor ID.
        Some(VendorPairing {
            request,
            key: 0x1_0000 | (u32::from(h.command_set.value()) << 8) | u32::from(h.command),
        })
    }
}
