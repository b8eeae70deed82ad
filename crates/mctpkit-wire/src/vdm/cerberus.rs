//! OCP Project Cerberus challenge protocol over PCI vendor 0x1414
//! (Project Cerberus Firmware Challenge Specification v1.00, "Command
//! Format" and "RoT Commands"; upper-layers.md §4.2).
//!
//! ```text
//!  payload byte 0  [7] Rq ("Request Type": 0 = this command set, 1 = a
//!                      device-specific set)  [6] reserved  [5] Crypt
//!                  [4:0] reserved
//!  payload byte 1  command
//!  payload byte 2.. command body (little-endian fields)
//!  Crypt = 1:      command + body are AES-GCM ciphertext, followed by a
//!                  16-byte GCM tag and a 12-byte IV in plaintext
//! ```
//!
//! Offsets here are relative to the payload (the byte after the vendor
//! ID; message byte 3). The Rq bit is **not** a request/response flag
//! despite its name — the spec reserves 1 for a device-specific command
//! set, which is how Microsoft's VDM protocol ([`super::microsoft`]) rides
//! on the same vendor ID — so the direction comes from the MCTP TO bit
//! ([`super::Direction`]). The bit layout matches the reference firmware's
//! `struct cerberus_protocol_header` (bits 7 rq, 5 crypt).
//!
//! Request and response share the command code, except that any request
//! may be answered by an ERROR (0x7F) message; so pairing keys on the
//! vendor and command set only, and leaves matching to the MCTP tag (the
//! protocol is strictly one request at a time per endpoint).

use core::fmt;

use super::layout::{self, Item, Kind};
use super::registry::{Payload, VendorDecoder, VendorPairing};
use super::{Direction, VendorId};
use crate::describe::{Field, Group, Shifted, Value, Visitor};
use crate::error::{Error, Layer, Result};
use crate::macros::open_enum;

/// Byte positions in the payload (after the vendor ID).
pub mod field {
    /// Rq, reserved, Crypt, reserved.
    pub const FLAGS: usize = 0;
    /// Command code (ciphertext when Crypt is set).
    pub const COMMAND: usize = 1;
    /// Command body.
    pub const BODY: usize = 2;
}

/// Length of the Cerberus header in the payload (flags + command).
pub const HEADER_LEN: usize = 2;
/// AES-GCM tag length of an encrypted message.
pub const GCM_TAG_LEN: usize = 16;
/// AES-GCM IV length of an encrypted message.
pub const IV_LEN: usize = 12;

open_enum! {
    /// Cerberus commands ("RoT Commands" table; names as in the spec, codes
    /// cross-checked against the reference firmware's command enum).
    pub enum Command: u8 {
        GetFirmwareVersion = 0x01 => "Get Firmware Version",
        GetDeviceCapabilities = 0x02 => "Get Device Capabilities",
        GetDeviceId = 0x03 => "Get Device ID",
        GetDeviceInformation = 0x04 => "Get Device Information",
        ExportCsr = 0x20 => "Export CSR",
        ImportCertificate = 0x21 => "Import Certificate",
        GetCertificateState = 0x22 => "Get Certificate State",
        GetHostState = 0x40 => "Get Host State",
        GetLogInfo = 0x4F => "Get Log Info",
        GetLog = 0x50 => "Get Log",
        ClearLog = 0x51 => "Clear Log",
        GetAttestationData = 0x52 => "Get Attestation Data",
        GetPfmId = 0x59 => "Get PFM ID",
        GetPfmSupported = 0x5A => "Get PFM Supported",
        PreparePfm = 0x5B => "Prepare PFM",
        UpdatePfm = 0x5C => "Update PFM",
        ActivatePfm = 0x5D => "Activate PFM",
        GetCfmId = 0x5E => "Get CFM ID",
        PrepareCfm = 0x5F => "Prepare CFM",
        UpdateCfm = 0x60 => "Update CFM",
        ActivateCfm = 0x61 => "Activate CFM",
        GetPcdId = 0x62 => "Get PCD ID",
        PreparePcd = 0x63 => "Prepare PCD",
        UpdatePcd = 0x64 => "Update PCD",
        ActivatePcd = 0x65 => "Activate PCD",
        PrepareFirmwareUpdate = 0x66 => "Prepare Firmware Update",
        UpdateFirmware = 0x67 => "Update Firmware",
        UpdateStatus = 0x68 => "Update Status",
        ActivateFirmwareUpdate = 0x69 => "Activate Firmware Update",
        ResetConfiguration = 0x6A => "Reset Configuration",
        GetConfigIds = 0x70 => "Get Config IDs",
        RecoverFirmware = 0x71 => "Recover Firmware",
        PrepareRecoveryImage = 0x72 => "Prepare Recovery Image",
        UpdateRecoveryImage = 0x73 => "Update Recovery Image",
        ActivateRecoveryImage = 0x74 => "Activate Recovery Image",
        GetRecoveryImageId = 0x75 => "Get Recovery Image ID",
        Error = 0x7F => "Error",
        GetPmr = 0x80 => "Get PMR",
        GetDigest = 0x81 => "Get Digest",
        GetCertificate = 0x82 => "Get Certificate",
        Challenge = 0x83 => "Challenge",
        KeyExchange = 0x84 => "Key Exchange",
        SessionSync = 0x85 => "Session Sync",
        UpdatePmr = 0x86 => "Update PMR",
        ResetCounter = 0x87 => "Reset Counter",
        UnsealMessage = 0x89 => "Unseal Message",
        UnsealMessageResult = 0x8A => "Unseal Message Result",
        GetPcdSupportedComponentIds = 0x8C => "Get PCD Supported Component IDs",
        GetCfmSupportedComponentIds = 0x8D => "Get CFM Supported Component IDs",
        ExtendedUpdateStatus = 0x8E => "Extended Update Status",
    }
}

open_enum! {
    /// ERROR message error codes ("Error Message" table).
    pub enum ErrorCode: u8 {
        NoError = 0x00 => "No Error",
        InvalidRequest = 0x01 => "Invalid Request",
        Busy = 0x03 => "Busy",
        Unspecified = 0x04 => "Unspecified",
        InvalidChecksum = 0xF0 => "Invalid Checksum",
        OutOfOrderMessage = 0xF1 => "Out of Order Message",
        Authentication = 0xF2 => "Authentication",
        OutOfSequenceWindow = 0xF3 => "Out of Sequence Window",
        InvalidPacketLength = 0xF4 => "Invalid Packet Length",
        MessageOverflow = 0xF5 => "Message Overflow",
    }
}

fn error_code_name(v: u64) -> Option<&'static str> {
    u8::try_from(v)
        .ok()
        .and_then(|b| ErrorCode::from_value(b).name())
}

fn key_exchange_name(v: u64) -> Option<&'static str> {
    match v {
        0 => Some("None"),
        1 => Some("ECDH"),
        _ => None,
    }
}

fn log_type_name(v: u64) -> Option<&'static str> {
    match v {
        1 => Some("Debug Log"),
        2 => Some("Attestation Log"),
        3 => Some("Tamper Log"),
        _ => None,
    }
}

fn area_index_name(v: u64) -> Option<&'static str> {
    match v {
        0 => Some("Entire Firmware"),
        1 => Some("RIoT Core"),
        _ => None,
    }
}

/// The Cerberus header as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Header {
    /// The Rq ("Request Type") bit: `true` selects a device-specific
    /// command set. Not a request/response flag.
    pub device_specific: bool,
    /// Crypt: command and body are encrypted.
    pub crypt: bool,
    /// Reserved bits 6 and 4:0 as found (0 in conforming messages).
    pub reserved: u8,
    /// Command code (meaningless when `crypt`: it is ciphertext).
    pub command: Command,
}

impl Header {
    /// A plain Cerberus header for `command`.
    pub const fn new(command: Command) -> Self {
        Header {
            device_specific: false,
            crypt: false,
            reserved: 0,
            command,
        }
    }

    /// Parse from the payload (the bytes after the vendor ID).
    pub fn parse(payload: &[u8]) -> Result<Header> {
        if payload.len() < HEADER_LEN {
            return Err(Error::truncated(Layer::Vdm, HEADER_LEN, payload.len()));
        }
        let b = payload[field::FLAGS];
        Ok(Header {
            device_specific: b & 0x80 != 0,
            crypt: b & 0x20 != 0,
            reserved: b & 0x5F,
            command: Command::from_value(payload[field::COMMAND]),
        })
    }

    /// The flags byte.
    pub const fn flags(&self) -> u8 {
        (if self.device_specific { 0x80 } else { 0 })
            | (if self.crypt { 0x20 } else { 0 })
            | (self.reserved & 0x5F)
    }

    /// Write flags and command into `buf` (2 bytes).
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        if buf.len() < HEADER_LEN {
            return Err(Error::buffer_too_small(Layer::Vdm, HEADER_LEN, buf.len()));
        }
        buf[field::FLAGS] = self.flags();
        buf[field::COMMAND] = self.command.value();
        Ok(HEADER_LEN)
    }
}

const ERROR_ANY: &[Item] = &[
    Item::named("error_code", Kind::U8, error_code_name),
    Item::new("error_data", Kind::U32Le),
];

const GET_FIRMWARE_VERSION_REQ: &[Item] = &[Item::named("area_index", Kind::U8, area_index_name)];

const GET_FIRMWARE_VERSION_RSP: &[Item] = &[Item::new("version", Kind::Ascii(32))];

const GET_DIGEST_REQ: &[Item] = &[
    Item::new("slot", Kind::U8),
    Item::named("key_exchange", Kind::U8, key_exchange_name),
];

const GET_DIGEST_RSP: &[Item] = &[
    Item::new("capabilities", Kind::U8),
    Item::new("digest_count", Kind::U8),
    Item::new("digests", Kind::Rest),
];

const GET_CERTIFICATE_REQ: &[Item] = &[
    Item::new("slot", Kind::U8),
    Item::new("cert_num", Kind::U8),
    Item::new("offset", Kind::U16Le),
    Item::new("length", Kind::U16Le),
];

const GET_CERTIFICATE_RSP: &[Item] = &[
    Item::new("slot", Kind::U8),
    Item::new("cert_num", Kind::U8),
    Item::new("certificate", Kind::Rest),
];

const CHALLENGE_REQ: &[Item] = &[
    Item::new("slot", Kind::U8),
    Item::new("reserved", Kind::U8),
    Item::new("nonce", Kind::Bytes(32)),
];

const CHALLENGE_RSP: &[Item] = &[
    Item::new("slot", Kind::U8),
    Item::new("slot_mask", Kind::U8),
    Item::new("min_protocol_version", Kind::U8),
    Item::new("max_protocol_version", Kind::U8),
    Item::new("reserved", Kind::Bytes(2)),
    Item::new("nonce", Kind::Bytes(32)),
    Item::new("pmr0_components", Kind::U8),
    Item::new("pmr0_length", Kind::U8),
    Item::new("pmr0", Kind::SizedByPrevious),
    Item::new("signature", Kind::Rest),
];

const GET_LOG_INFO_REQ: &[Item] = &[];

const GET_LOG_INFO_RSP: &[Item] = &[
    Item::new("debug_log_length", Kind::U32Le),
    Item::new("attestation_log_length", Kind::U32Le),
    Item::new("tamper_log_length", Kind::U32Le),
];

const GET_LOG_REQ: &[Item] = &[
    Item::named("log_type", Kind::U8, log_type_name),
    Item::new("offset", Kind::U32Le),
];

const GET_LOG_RSP: &[Item] = &[Item::new("log", Kind::Rest)];

const CLEAR_LOG_REQ: &[Item] = &[Item::named("log_type", Kind::U8, log_type_name)];

const GET_ATTESTATION_DATA_REQ: &[Item] = &[
    Item::new("pmr", Kind::U8),
    Item::new("entry_index", Kind::U8),
    Item::new("offset", Kind::U32Le),
];

const GET_ATTESTATION_DATA_RSP: &[Item] = &[Item::new("data", Kind::Rest)];

/// The body layout of `command` in `direction`, when the spec gives one.
/// ERROR is always a response; other commands need a known direction.
pub fn body_layout(command: Command, direction: Direction) -> Option<&'static [Item]> {
    use Direction::{Request as Rq, Response as Rs};
    Some(match (command, direction) {
        (Command::Error, _) => ERROR_ANY,
        (Command::GetFirmwareVersion, Rq) => GET_FIRMWARE_VERSION_REQ,
        (Command::GetFirmwareVersion, Rs) => GET_FIRMWARE_VERSION_RSP,
        (Command::GetDigest, Rq) => GET_DIGEST_REQ,
        (Command::GetDigest, Rs) => GET_DIGEST_RSP,
        (Command::GetCertificate, Rq) => GET_CERTIFICATE_REQ,
        (Command::GetCertificate, Rs) => GET_CERTIFICATE_RSP,
        (Command::Challenge, Rq) => CHALLENGE_REQ,
        (Command::Challenge, Rs) => CHALLENGE_RSP,
        (Command::GetLogInfo, Rq) => GET_LOG_INFO_REQ,
        (Command::GetLogInfo, Rs) => GET_LOG_INFO_RSP,
        (Command::GetLog, Rq) => GET_LOG_REQ,
        (Command::GetLog, Rs) => GET_LOG_RSP,
        (Command::ClearLog, Rq) => CLEAR_LOG_REQ,
        (Command::GetAttestationData, Rq) => GET_ATTESTATION_DATA_REQ,
        (Command::GetAttestationData, Rs) => GET_ATTESTATION_DATA_RSP,
        _ => return None,
    })
}

/// The direction to decode with: ERROR is always a response.
fn effective_direction(h: &Header, d: Direction) -> Direction {
    if h.command == Command::Error && !h.crypt {
        Direction::Response
    } else {
        d
    }
}

/// The built-in Cerberus decoder.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cerberus;

impl Cerberus {
    fn walk(p: &Payload<'_>, v: Option<&mut dyn Visitor>) -> Option<Error> {
        let h = match Header::parse(p.data) {
            Ok(h) => h,
            Err(e) => {
                if let Some(v) = v {
                    v.field(&Field::new(
                        "payload",
                        0,
                        p.data.len(),
                        Value::Bytes(p.data),
                    ));
                }
                return Some(e);
            }
        };
        let mut sink = NullVisitor;
        let v: &mut dyn Visitor = match v {
            Some(v) => v,
            None => &mut sink,
        };
        v.field(
            &Field::bits("rq", field::FLAGS, 7, 7, Value::Bool(h.device_specific)).meaning(Some(
                if h.device_specific {
                    "device-specific command set"
                } else {
                    "Cerberus command set"
                },
            )),
        );
        v.field(&Field::bits(
            "crypt",
            field::FLAGS,
            5,
            5,
            Value::Bool(h.crypt),
        ));
        if h.reserved != 0 {
            v.field(&Field::new(
                "reserved",
                field::FLAGS,
                1,
                Value::hex8(h.reserved),
            ));
        }
        if h.crypt {
            // Command and body are ciphertext; the GCM tag and IV trail it.
            let trailer = GCM_TAG_LEN + IV_LEN;
            let need = field::COMMAND + trailer;
            if p.data.len() < need {
                v.field(&Field::new(
                    "ciphertext",
                    field::COMMAND,
                    p.data.len() - field::COMMAND,
                    Value::Bytes(&p.data[field::COMMAND..]),
                ));
                return Some(Error::truncated(Layer::Vdm, need, p.data.len()));
            }
            let tag_at = p.data.len() - trailer;
            v.field(&Field::new(
                "ciphertext",
                field::COMMAND,
                tag_at - field::COMMAND,
                Value::Bytes(&p.data[field::COMMAND..tag_at]),
            ));
            v.field(&Field::new(
                "gcm_tag",
                tag_at,
                GCM_TAG_LEN,
                Value::Bytes(&p.data[tag_at..tag_at + GCM_TAG_LEN]),
            ));
            v.field(&Field::new(
                "iv",
                tag_at + GCM_TAG_LEN,
                IV_LEN,
                Value::Bytes(&p.data[tag_at + GCM_TAG_LEN..]),
            ));
            return None;
        }
        v.field(
            &Field::new("command", field::COMMAND, 1, Value::hex8(h.command.value())).meaning(
                if h.device_specific {
                    None
                } else {
                    h.command.name()
                },
            ),
        );
        let body = &p.data[field::BODY..];
        let dir = effective_direction(&h, p.direction);
        match body_layout(h.command, dir).filter(|_| !h.device_specific) {
            Some(items) => layout::describe(
                Layer::Vdm,
                items,
                body,
                &mut Shifted {
                    inner: v,
                    base: field::BODY,
                },
            )
            .map(|e| e.shift(field::BODY)),
            None => {
                v.field(&Field::new(
                    "body",
                    field::BODY,
                    body.len(),
                    Value::Bytes(body),
                ));
                None
            }
        }
    }
}

/// Discards fields: `problem()` runs the same walk without output.
pub(crate) struct NullVisitor;

impl Visitor for NullVisitor {
    fn field(&mut self, _: &Field<'_>) {}
    fn begin(&mut self, _: &'static str, _: Group, _: usize, _: usize) {}
    fn end(&mut self) {}
}

impl VendorDecoder for Cerberus {
    fn vendor(&self) -> VendorId {
        VendorId::MICROSOFT
    }

    fn name(&self) -> &'static str {
        "Cerberus"
    }

    fn summary(&self, p: &Payload<'_>, w: &mut dyn fmt::Write) -> fmt::Result {
        w.write_str("Cerberus ")?;
        let h = match Header::parse(p.data) {
            Ok(h) => h,
            Err(_) => return write!(w, "(short: {} bytes)", p.data.len()),
        };
        if h.crypt {
            return write!(
                w,
                "encrypted {} ({} bytes)",
                p.direction.short(),
                p.data.len()
            );
        }
        if h.device_specific {
            write!(w, "device-specific cmd {:#04x}", h.command.value())?;
        } else {
            match h.command.name() {
                Some(n) => w.write_str(n)?,
                None => write!(w, "cmd {:#04x}", h.command.value())?,
            }
        }
        let dir = effective_direction(&h, p.direction);
        write!(w, " {}", dir.short())?;
        let body = &p.data[field::BODY..];
        match body_layout(h.command, dir).filter(|_| !h.device_specific) {
            Some(items) => layout::summary(items, body, 3, w),
            None if body.is_empty() => Ok(()),
            None => write!(w, " ({} bytes)", body.len()),
        }
    }

    fn describe(&self, p: &Payload<'_>, v: &mut dyn Visitor) {
        let _ = Cerberus::walk(p, Some(v));
    }

    fn problem(&self, p: &Payload<'_>) -> Option<Error> {
        Cerberus::walk(p, None)
    }

    fn pairing(&self, p: &Payload<'_>) -> Option<VendorPairing> {
        let h = Header::parse(p.data).ok()?;
        let request = match effective_direction(&h, p.direction) {
            Direction::Request => true,
            Direction::Response => false,
            Direction::Unknown => return None,
        };
        Some(VendorPairing {
            request,
            key: u32::from(h.device_specific),
        })
    }
}
