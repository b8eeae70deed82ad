//! PLDM type 0: messaging control and discovery (DSP0240 §8–9).
//!
//! ```text
//!  cmd  name                         request data                 response data (after cc)
//!  0x01 SetTID                       TID                          -
//!  0x02 GetTID                       -                            TID
//!  0x03 GetPLDMVersion               dataTransferHandle u32,      nextDataTransferHandle u32,
//!                                    transferOperationFlag,       transferFlag,
//!                                    PLDMType                     ver32 entries..., CRC-32 (last part)
//!  0x04 GetPLDMTypes                 -                            PLDMTypes bitfield8[8]
//!  0x05 GetPLDMCommands              PLDMType, ver32              PLDMCommands bitfield8[32]
//!  0x06 SelectPLDMVersion            PLDMType, ver32              -
//!  0x07 NegotiateTransferParameters  requesterPartSize u16,       responderPartSize u16,
//!                                    requesterProtocolSupport[8]  responderProtocolSupport[8]
//!  0x08 MultipartSend                (raw)                        (raw)
//!  0x09 MultipartReceive             PLDMType, transferOperation, transferFlag,
//!                                    transferContext u32,         nextDataTransferHandle u32,
//!                                    dataTransferHandle u32,      dataLengthBytes u32, data,
//!                                    requestedSectionOffset u32,  dataIntegrityChecksum u32 (opt.)
//!                                    requestedSectionLengthBytes u32
//! ```
//!
//! Multi-byte fields are little-endian. A ver32 travels as the bytes
//! `alpha, update, minor, major` (libpldm `ver32_t` and OpenBMC's test
//! vectors: 1.1.0 is `00 f0 f1 f1`); Wireshark 4.4 reads it major first and
//! disagrees. GetPLDMVersion's version data ends with a CRC-32 (IEEE 802.3,
//! little-endian) over the version entries, present in the part whose
//! transferFlag is End or StartAndEnd; it is verified here for single-part
//! (StartAndEnd) responses and reported through `problem()` when wrong.
//!
//! Sources: upper-layers.md §1.4, libpldm `base.h` (layouts, transfer flag
//! values, command-specific completion codes 0x80/0x81/0x83/0x84, also in a
//! second vendor stack). SelectPLDMVersion and NegotiateTransferParameters
//! layouts follow DSP0240 1.1/1.2 as recalled — **unverified** against a
//! second source; MultipartReceive follows libpldm's request struct and
//! `PLDM_BASE_MULTIPART_RECEIVE_RESP_MIN_BYTES` (the trailing checksum's
//! presence is **unverified**: 4 bytes left after the data are read as it).

use core::fmt;

use crc::{Crc, CRC_32_ISO_HDLC};

use crate::describe::{Field, Group, Value, Visitor};
use crate::error::{Error, Result};
use crate::macros::open_enum;

use super::body::{pldm_type_body, read, show, PldmRepr};
use super::PldmType;

/// CRC-32 used by GetPLDMVersion (IEEE 802.3 / zlib; libpldm `crc32`).
pub const VERSION_CRC: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);

open_enum! {
    /// Type 0 command codes (DSP0240 Table 8; libpldm `pldm_supported_commands`).
    pub enum Command: u8 {
        SetTid = 0x01 => "SetTID",
        GetTid = 0x02 => "GetTID",
        GetPldmVersion = 0x03 => "GetPLDMVersion",
        GetPldmTypes = 0x04 => "GetPLDMTypes",
        GetPldmCommands = 0x05 => "GetPLDMCommands",
        SelectPldmVersion = 0x06 => "SelectPLDMVersion",
        NegotiateTransferParameters = 0x07 => "NegotiateTransferParameters",
        MultipartSend = 0x08 => "MultipartSend",
        MultipartReceive = 0x09 => "MultipartReceive",
        GetMultipartTransferSupport = 0x0A => "GetMultipartTransferSupport",
    }
}

open_enum! {
    /// transferFlag of multipart responses (DSP0240; libpldm `transfer_resp_flag`).
    pub enum TransferFlag: u8 {
        Start = 0x01 => "Start",
        Middle = 0x02 => "Middle",
        End = 0x04 => "End",
        StartAndEnd = 0x05 => "StartAndEnd",
        AckCompletion = 0x08 => "AcknowledgeCompletion",
    }
}

open_enum! {
    /// transferOperationFlag of GetPLDMVersion requests (libpldm `transfer_op_flag`).
    pub enum TransferOperationFlag: u8 {
        GetNextPart = 0x00 => "GetNextPart",
        GetFirstPart = 0x01 => "GetFirstPart",
    }
}

open_enum! {
    /// transferOperation of MultipartReceive (libpldm `transfer_multipart_op_flag`).
    pub enum MultipartOperation: u8 {
        FirstPart = 0x00 => "XFER_FIRST_PART",
        NextPart = 0x01 => "XFER_NEXT_PART",
        Abort = 0x02 => "XFER_ABORT",
        Complete = 0x03 => "XFER_COMPLETE",
        CurrentPart = 0x04 => "XFER_CURRENT_PART",
    }
}

/// Name of a type 0 command.
pub fn command_name(command: u8) -> Option<&'static str> {
    Command::from_value(command).name()
}

/// Command-specific completion codes (libpldm base.h; DSP0240 per-command tables).
pub fn completion_code_name(command: u8, cc: u8) -> Option<&'static str> {
    match (Command::from_value(command), cc) {
        (Command::GetPldmVersion | Command::MultipartReceive, 0x80) => {
            Some("INVALID_DATA_TRANSFER_HANDLE")
        }
        (Command::GetPldmVersion | Command::MultipartReceive, 0x81) => {
            Some("INVALID_TRANSFER_OPERATION_FLAG")
        }
        (Command::GetPldmVersion | Command::GetPldmCommands | Command::SelectPldmVersion, 0x83) => {
            Some("INVALID_PLDM_TYPE_IN_REQUEST_DATA")
        }
        (Command::GetPldmCommands | Command::SelectPldmVersion, 0x84) => {
            Some("INVALID_PLDM_VERSION_IN_REQUEST_DATA")
        }
        _ => None,
    }
}

/// A PLDM version (ver32, DSP0240 / DSP0236 BCD encoding). Kept as the raw
/// bytes so unusual encodings round-trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Ver32 {
    pub major: u8,
    pub minor: u8,
    pub update: u8,
    pub alpha: u8,
}

impl Ver32 {
    /// Wire length.
    pub const LEN: usize = 4;

    /// From the wire bytes `alpha, update, minor, major`.
    pub const fn from_wire(b: [u8; 4]) -> Self {
        Ver32 {
            alpha: b[0],
            update: b[1],
            minor: b[2],
            major: b[3],
        }
    }

    /// Wire bytes `alpha, update, minor, major`.
    pub const fn to_wire(self) -> [u8; 4] {
        [self.alpha, self.update, self.minor, self.major]
    }

    /// A version from decimal digits `major.minor.update` (each 0..=99;
    /// `update = None` encodes 0xFF, "not present"), no alpha.
    pub const fn new(major: u8, minor: u8, update: Option<u8>) -> Self {
        Ver32 {
            major: bcd(major),
            minor: bcd(minor),
            update: match update {
                Some(u) => bcd(u),
                None => 0xFF,
            },
            alpha: 0,
        }
    }
}

/// One BCD field: `0xF` + digit for 0..=9, two BCD digits for 10..=99.
const fn bcd(x: u8) -> u8 {
    if x < 10 {
        0xF0 | x
    } else {
        (((x / 10) % 10) << 4) | (x % 10)
    }
}

fn write_bcd(f: &mut fmt::Formatter<'_>, b: u8) -> fmt::Result {
    if b >> 4 == 0xF {
        write!(f, "{}", b & 0x0F)
    } else {
        write!(f, "{}{}", b >> 4, b & 0x0F)
    }
}

impl fmt::Display for Ver32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_bcd(f, self.major)?;
        f.write_str(".")?;
        write_bcd(f, self.minor)?;
        if self.update != 0xFF {
            f.write_str(".")?;
            write_bcd(f, self.update)?;
        }
        if self.alpha != 0 {
            if self.alpha.is_ascii_graphic() {
                write!(f, "{}", self.alpha as char)?;
            } else {
                write!(f, "(alpha {:#04x})", self.alpha)?;
            }
        }
        Ok(())
    }
}

fn describe_ver(v: &mut dyn Visitor, name: &'static str, at: usize, ver: &Ver32) {
    v.field(&Field::new(name, at, 4, Value::Display(ver)));
}

/// A PLDM type number with its name, for summaries.
struct TypeText(u8);

impl fmt::Display for TypeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match PldmType::from_value(self.0).name() {
            Some(_) => write!(f, "{} ({:?})", self.0, PldmType::from_value(self.0)),
            None => write!(f, "{}", self.0),
        }
    }
}

/// Set bits of a bitfield as a list of numbers ("0, 2, 4").
pub struct BitList<'a>(pub &'a [u8]);

impl BitList<'_> {
    /// The set bit numbers.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(i, b)| {
            (0..8)
                .filter(move |k| b & (1 << k) != 0)
                .map(move |k| i * 8 + k)
        })
    }
}

impl fmt::Display for BitList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, bit) in self.iter().enumerate() {
            if n > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{bit}")?;
        }
        Ok(())
    }
}

/// Command bitfield rendering: hex command codes.
struct CmdList<'a>(&'a [u8]);

impl fmt::Display for CmdList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, bit) in BitList(self.0).iter().enumerate() {
            if n > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{bit:#04x}")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// SetTID / GetTID

/// SetTID request (0x01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SetTidRequest {
    /// Terminus ID to assign (0 and 0xFF are reserved).
    pub tid: u8,
}

/// GetTID response (0x02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetTidResponse {
    /// The terminus ID (0 = unassigned).
    pub tid: u8,
}

fn tid_meaning(tid: u8) -> Option<&'static str> {
    match tid {
        0x00 => Some("unassigned"),
        0xFF => Some("reserved"),
        _ => None,
    }
}

macro_rules! tid_repr {
    ($t:ident) => {
        impl<'a> PldmRepr<'a> for $t {
            fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
                Ok((
                    $t {
                        tid: read::u8_at(data, 0)?,
                    },
                    1,
                ))
            }
            fn buffer_len(&self) -> usize {
                1
            }
            fn emit_exact(&self, buf: &mut [u8]) {
                buf[0] = self.tid;
            }
            fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
                write!(w, "tid={}", self.tid)
            }
            fn describe(&self, v: &mut dyn Visitor) {
                v.field(
                    &Field::new("tid", 0, 1, Value::Uint(self.tid.into()))
                        .meaning(tid_meaning(self.tid)),
                );
            }
        }
    };
}
tid_repr!(SetTidRequest);
tid_repr!(GetTidResponse);

// ---------------------------------------------------------------------------
// GetPLDMVersion

/// GetPLDMVersion request (0x03).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetPldmVersionRequest {
    pub data_transfer_handle: u32,
    pub transfer_operation_flag: TransferOperationFlag,
    pub pldm_type: PldmType,
}

impl<'a> PldmRepr<'a> for GetPldmVersionRequest {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            GetPldmVersionRequest {
                data_transfer_handle: read::le32(d, 0)?,
                transfer_operation_flag: read::u8_at(d, 4)?.into(),
                pldm_type: read::u8_at(d, 5)?.into(),
            },
            6,
        ))
    }
    fn buffer_len(&self) -> usize {
        6
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0..4].copy_from_slice(&self.data_transfer_handle.to_le_bytes());
        buf[4] = self.transfer_operation_flag.value();
        buf[5] = self.pldm_type.value();
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "type {} {}",
            TypeText(self.pldm_type.value()),
            self.transfer_operation_flag
        )?;
        if self.data_transfer_handle != 0 {
            write!(w, " handle={:#x}", self.data_transfer_handle)?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::hex(
            v,
            "data_transfer_handle",
            0,
            4,
            self.data_transfer_handle.into(),
            None,
        );
        show::hex(
            v,
            "transfer_operation_flag",
            4,
            1,
            self.transfer_operation_flag.value().into(),
            self.transfer_operation_flag.name(),
        );
        show::hex(
            v,
            "pldm_type",
            5,
            1,
            self.pldm_type.value().into(),
            self.pldm_type.name(),
        );
    }
}

/// GetPLDMVersion response (0x03).
///
/// `version_data` holds the version bytes of this part (without the CRC);
/// `crc32` is the integrity checksum carried by the End / StartAndEnd part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetPldmVersionResponse<'a> {
    pub next_data_transfer_handle: u32,
    pub transfer_flag: TransferFlag,
    pub version_data: &'a [u8],
    pub crc32: Option<u32>,
}

impl<'a> GetPldmVersionResponse<'a> {
    /// `true` when this part carries the CRC (End or StartAndEnd).
    pub fn carries_crc(flag: TransferFlag) -> bool {
        matches!(flag, TransferFlag::End | TransferFlag::StartAndEnd)
    }

    /// The version entries of a part holding whole entries.
    pub fn versions(&self) -> impl Iterator<Item = Ver32> + 'a {
        self.version_data
            .chunks_exact(4)
            .map(|c| Ver32::from_wire([c[0], c[1], c[2], c[3]]))
    }

    /// CRC-32 of this part's version data.
    pub fn computed_crc32(&self) -> u32 {
        VERSION_CRC.checksum(self.version_data)
    }

    /// `Some(ok)` when the CRC can be checked from this message alone
    /// (a StartAndEnd response); `None` for parts of a multipart transfer
    /// (the analyser checks the reassembled data).
    pub fn crc_ok(&self) -> Option<bool> {
        match (self.transfer_flag, self.crc32) {
            (TransferFlag::StartAndEnd, Some(c)) => Some(c == self.computed_crc32()),
            _ => None,
        }
    }
}

impl<'a> PldmRepr<'a> for GetPldmVersionResponse<'a> {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let next_data_transfer_handle = read::le32(d, 0)?;
        let transfer_flag = TransferFlag::from_value(read::u8_at(d, 4)?);
        let rest = read::rest(d, 5)?;
        let (version_data, crc32) = if Self::carries_crc(transfer_flag) {
            if rest.len() < 4 {
                return Err(Error::truncated(crate::error::Layer::Pldm, 9, d.len()));
            }
            let (v, c) = rest.split_at(rest.len() - 4);
            (v, Some(u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
        } else {
            (rest, None)
        };
        if transfer_flag == TransferFlag::StartAndEnd && version_data.len() % 4 != 0 {
            return Err(read::invalid(
                5,
                "version_data length",
                version_data.len() as u32,
                "a multiple of 4 (ver32 entries)",
            ));
        }
        Ok((
            GetPldmVersionResponse {
                next_data_transfer_handle,
                transfer_flag,
                version_data,
                crc32,
            },
            d.len(),
        ))
    }
    fn buffer_len(&self) -> usize {
        5 + self.version_data.len() + if self.crc32.is_some() { 4 } else { 0 }
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0..4].copy_from_slice(&self.next_data_transfer_handle.to_le_bytes());
        buf[4] = self.transfer_flag.value();
        let n = 5 + self.version_data.len();
        buf[5..n].copy_from_slice(self.version_data);
        if let Some(c) = self.crc32 {
            buf[n..n + 4].copy_from_slice(&c.to_le_bytes());
        }
    }
    fn problem(&self) -> Option<Error> {
        match (self.crc_ok(), self.crc32) {
            (Some(false), Some(c)) => Some(read::invalid(
                5 + self.version_data.len(),
                "crc32",
                c,
                "CRC-32 of the version data",
            )),
            _ => None,
        }
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        if self.transfer_flag == TransferFlag::StartAndEnd {
            for (i, ver) in self.versions().enumerate() {
                if i > 0 {
                    w.write_str(", ")?;
                }
                write!(w, "{ver}")?;
            }
        } else {
            write!(
                w,
                "{} part, {} bytes, next={:#x}",
                self.transfer_flag,
                self.version_data.len(),
                self.next_data_transfer_handle
            )?;
        }
        match self.crc_ok() {
            Some(true) => w.write_str(" crc ok"),
            Some(false) => w.write_str(" BAD CRC"),
            None => Ok(()),
        }
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::hex(
            v,
            "next_data_transfer_handle",
            0,
            4,
            self.next_data_transfer_handle.into(),
            None,
        );
        show::hex(
            v,
            "transfer_flag",
            4,
            1,
            self.transfer_flag.value().into(),
            self.transfer_flag.name(),
        );
        if self.transfer_flag == TransferFlag::StartAndEnd {
            v.begin("versions", Group::List, 5, self.version_data.len());
            for (i, ver) in self.versions().enumerate() {
                let at = 5 + i * 4;
                v.begin("", Group::ListItem, at, 4);
                describe_ver(v, "version", at, &ver);
                v.end();
            }
            v.end();
        } else {
            show::bytes(v, "version_data", 5, self.version_data);
        }
        if let Some(c) = self.crc32 {
            show::hex(v, "crc32", 5 + self.version_data.len(), 4, c.into(), None);
            v.field(&Field::derived(
                "crc32_ok",
                match self.crc_ok() {
                    Some(b) => Value::Bool(b),
                    None => Value::Null,
                },
            ));
        }
    }
}

// ---------------------------------------------------------------------------
// GetPLDMTypes / GetPLDMCommands / SelectPLDMVersion

/// GetPLDMTypes response (0x04): bit n of the 64-bit field = type n supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetPldmTypesResponse {
    pub pldm_types: [u8; 8],
}

impl GetPldmTypesResponse {
    /// A response listing `types`.
    pub fn from_types(types: &[u8]) -> Self {
        let mut t = [0u8; 8];
        for &x in types {
            if let Some(b) = t.get_mut(usize::from(x / 8)) {
                *b |= 1 << (x % 8);
            }
        }
        GetPldmTypesResponse { pldm_types: t }
    }
    /// `true` when `pldm_type` is supported.
    pub fn supports(&self, pldm_type: u8) -> bool {
        self.pldm_types
            .get(usize::from(pldm_type / 8))
            .is_some_and(|b| b & (1 << (pldm_type % 8)) != 0)
    }
}

impl<'a> PldmRepr<'a> for GetPldmTypesResponse {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            GetPldmTypesResponse {
                pldm_types: read::array(d, 0)?,
            },
            8,
        ))
    }
    fn buffer_len(&self) -> usize {
        8
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf.copy_from_slice(&self.pldm_types);
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, "types {}", BitList(&self.pldm_types))
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::bytes(v, "pldm_types", 0, &self.pldm_types);
        v.field(&Field::derived(
            "supported_types",
            Value::Display(&BitList(&self.pldm_types)),
        ));
    }
}

/// GetPLDMCommands request (0x05) and SelectPLDMVersion request (0x06):
/// a PLDM type and a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TypeVersionRequest {
    pub pldm_type: PldmType,
    pub version: Ver32,
}

/// GetPLDMCommands request data.
pub type GetPldmCommandsRequest = TypeVersionRequest;
/// SelectPLDMVersion request data.
pub type SelectPldmVersionRequest = TypeVersionRequest;

impl<'a> PldmRepr<'a> for TypeVersionRequest {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            TypeVersionRequest {
                pldm_type: read::u8_at(d, 0)?.into(),
                version: Ver32::from_wire(read::array(d, 1)?),
            },
            5,
        ))
    }
    fn buffer_len(&self) -> usize {
        5
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.pldm_type.value();
        buf[1..5].copy_from_slice(&self.version.to_wire());
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "type {} v{}",
            TypeText(self.pldm_type.value()),
            self.version
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::hex(
            v,
            "pldm_type",
            0,
            1,
            self.pldm_type.value().into(),
            self.pldm_type.name(),
        );
        describe_ver(v, "version", 1, &self.version);
    }
}

/// GetPLDMCommands response (0x05): bit n = command n supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetPldmCommandsResponse {
    pub pldm_commands: [u8; 32],
}

impl GetPldmCommandsResponse {
    /// A response listing `commands`.
    pub fn from_commands(commands: &[u8]) -> Self {
        let mut c = [0u8; 32];
        for &x in commands {
            c[usize::from(x / 8)] |= 1 << (x % 8);
        }
        GetPldmCommandsResponse { pldm_commands: c }
    }
    /// `true` when `command` is supported.
    pub fn supports(&self, command: u8) -> bool {
        self.pldm_commands[usize::from(command / 8)] & (1 << (command % 8)) != 0
    }
}

impl<'a> PldmRepr<'a> for GetPldmCommandsResponse {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            GetPldmCommandsResponse {
                pldm_commands: read::array(d, 0)?,
            },
            32,
        ))
    }
    fn buffer_len(&self) -> usize {
        32
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf.copy_from_slice(&self.pldm_commands);
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, "commands {}", CmdList(&self.pldm_commands))
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::bytes(v, "pldm_commands", 0, &self.pldm_commands);
        v.field(&Field::derived(
            "supported_commands",
            Value::Display(&CmdList(&self.pldm_commands)),
        ));
    }
}

// ---------------------------------------------------------------------------
// NegotiateTransferParameters / MultipartReceive

/// NegotiateTransferParameters request or response (0x07): a part size and
/// a 64-bit protocol-support bitfield (bit n = PLDM type n may use
/// multipart transfers). **Unverified** layout (DSP0240 1.2 as recalled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TransferParameters {
    /// requesterPartSize / responderPartSize.
    pub part_size: u16,
    /// requesterProtocolSupport / responderProtocolSupport.
    pub protocol_support: [u8; 8],
}

impl<'a> PldmRepr<'a> for TransferParameters {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            TransferParameters {
                part_size: read::le16(d, 0)?,
                protocol_support: read::array(d, 2)?,
            },
            10,
        ))
    }
    fn buffer_len(&self) -> usize {
        10
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0..2].copy_from_slice(&self.part_size.to_le_bytes());
        buf[2..10].copy_from_slice(&self.protocol_support);
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "part_size={} types {}",
            self.part_size,
            BitList(&self.protocol_support)
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::uint(v, "part_size", 0, 2, self.part_size.into());
        show::bytes(v, "protocol_support", 2, &self.protocol_support);
        v.field(&Field::derived(
            "protocol_support_types",
            Value::Display(&BitList(&self.protocol_support)),
        ));
    }
}

/// MultipartReceive request (0x09).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MultipartReceiveRequest {
    pub pldm_type: PldmType,
    pub transfer_operation: MultipartOperation,
    pub transfer_context: u32,
    pub data_transfer_handle: u32,
    pub requested_section_offset: u32,
    pub requested_section_length_bytes: u32,
}

impl<'a> PldmRepr<'a> for MultipartReceiveRequest {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            MultipartReceiveRequest {
                pldm_type: read::u8_at(d, 0)?.into(),
                transfer_operation: read::u8_at(d, 1)?.into(),
                transfer_context: read::le32(d, 2)?,
                data_transfer_handle: read::le32(d, 6)?,
                requested_section_offset: read::le32(d, 10)?,
                requested_section_length_bytes: read::le32(d, 14)?,
            },
            18,
        ))
    }
    fn buffer_len(&self) -> usize {
        18
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.pldm_type.value();
        buf[1] = self.transfer_operation.value();
        buf[2..6].copy_from_slice(&self.transfer_context.to_le_bytes());
        buf[6..10].copy_from_slice(&self.data_transfer_handle.to_le_bytes());
        buf[10..14].copy_from_slice(&self.requested_section_offset.to_le_bytes());
        buf[14..18].copy_from_slice(&self.requested_section_length_bytes.to_le_bytes());
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "type {} {} handle={:#x} offset={} len={}",
            self.pldm_type.value(),
            self.transfer_operation,
            self.data_transfer_handle,
            self.requested_section_offset,
            self.requested_section_length_bytes
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::hex(
            v,
            "pldm_type",
            0,
            1,
            self.pldm_type.value().into(),
            self.pldm_type.name(),
        );
        show::hex(
            v,
            "transfer_operation",
            1,
            1,
            self.transfer_operation.value().into(),
            self.transfer_operation.name(),
        );
        show::hex(
            v,
            "transfer_context",
            2,
            4,
            self.transfer_context.into(),
            None,
        );
        show::hex(
            v,
            "data_transfer_handle",
            6,
            4,
            self.data_transfer_handle.into(),
            None,
        );
        show::uint(
            v,
            "requested_section_offset",
            10,
            4,
            self.requested_section_offset.into(),
        );
        show::uint(
            v,
            "requested_section_length_bytes",
            14,
            4,
            self.requested_section_length_bytes.into(),
        );
    }
}

/// MultipartReceive response (0x09).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MultipartReceiveResponse<'a> {
    pub transfer_flag: TransferFlag,
    pub next_data_transfer_handle: u32,
    /// The data (its length is the dataLengthBytes field).
    pub data: &'a [u8],
    /// dataIntegrityChecksum, when 4 bytes follow the data.
    pub data_integrity_checksum: Option<u32>,
}

impl<'a> PldmRepr<'a> for MultipartReceiveResponse<'a> {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let transfer_flag = TransferFlag::from_value(read::u8_at(d, 0)?);
        let next_data_transfer_handle = read::le32(d, 1)?;
        let len = read::le32(d, 5)? as usize;
        let data = read::bytes(d, 9, len)?;
        let after = 9 + len;
        let data_integrity_checksum = match d.len() - after {
            4 => Some(read::le32(d, after)?),
            _ => None,
        };
        let used = after
            + if data_integrity_checksum.is_some() {
                4
            } else {
                0
            };
        Ok((
            MultipartReceiveResponse {
                transfer_flag,
                next_data_transfer_handle,
                data,
                data_integrity_checksum,
            },
            used,
        ))
    }
    fn buffer_len(&self) -> usize {
        9 + self.data.len()
            + if self.data_integrity_checksum.is_some() {
                4
            } else {
                0
            }
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.transfer_flag.value();
        buf[1..5].copy_from_slice(&self.next_data_transfer_handle.to_le_bytes());
        buf[5..9].copy_from_slice(&(self.data.len() as u32).to_le_bytes());
        let n = 9 + self.data.len();
        buf[9..n].copy_from_slice(self.data);
        if let Some(c) = self.data_integrity_checksum {
            buf[n..n + 4].copy_from_slice(&c.to_le_bytes());
        }
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "{} {} bytes next={:#x}",
            self.transfer_flag,
            self.data.len(),
            self.next_data_transfer_handle
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::hex(
            v,
            "transfer_flag",
            0,
            1,
            self.transfer_flag.value().into(),
            self.transfer_flag.name(),
        );
        show::hex(
            v,
            "next_data_transfer_handle",
            1,
            4,
            self.next_data_transfer_handle.into(),
            None,
        );
        show::uint(v, "data_length_bytes", 5, 4, self.data.len() as u64);
        show::bytes(v, "data", 9, self.data);
        if let Some(c) = self.data_integrity_checksum {
            show::hex(
                v,
                "data_integrity_checksum",
                9 + self.data.len(),
                4,
                c.into(),
                None,
            );
        }
    }
}

pldm_type_body! {
    /// Type 0 request/response data.
    pub enum Body<'a> for Command {
        none: [
            (true, GetTid), (false, SetTid), (true, GetPldmTypes),
            (false, SelectPldmVersion),
        ],
        typed: [
            (true, SetTid) => SetTidRequest(SetTidRequest),
            (false, GetTid) => GetTidResponse(GetTidResponse),
            (true, GetPldmVersion) => GetPldmVersionRequest(GetPldmVersionRequest),
            (false, GetPldmVersion) => GetPldmVersionResponse(GetPldmVersionResponse<'a>),
            (false, GetPldmTypes) => GetPldmTypesResponse(GetPldmTypesResponse),
            (true, GetPldmCommands) => GetPldmCommandsRequest(GetPldmCommandsRequest),
            (false, GetPldmCommands) => GetPldmCommandsResponse(GetPldmCommandsResponse),
            (true, SelectPldmVersion) => SelectPldmVersionRequest(SelectPldmVersionRequest),
            (true, NegotiateTransferParameters) => NegotiateTransferParametersRequest(TransferParameters),
            (false, NegotiateTransferParameters) => NegotiateTransferParametersResponse(TransferParameters),
            (true, MultipartReceive) => MultipartReceiveRequest(MultipartReceiveRequest),
            (false, MultipartReceive) => MultipartReceiveResponse(MultipartReceiveResponse<'a>),
        ],
    }
}
