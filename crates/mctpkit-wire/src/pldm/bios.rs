//! PLDM type 3: BIOS control and configuration (DSP0247). Command names
//! only; bodies stay raw.
//!
//! Codes 0x01–0x0F: libpldm `bios.h` and a second vendor header (DASH PLDM
//! defines) agree on all of them. Completion codes 0x83–0x86 from the same
//! vendor header (**unverified** against DSP0247).

use crate::error::{Error, Result};
use crate::macros::open_enum;

use super::Header;

open_enum! {
    /// Type 3 command codes.
    pub enum Command: u8 {
        GetBiosTable = 0x01 => "GetBIOSTable",
        SetBiosTable = 0x02 => "SetBIOSTable",
        UpdateBiosTable = 0x03 => "UpdateBIOSTable",
        GetBiosTableTags = 0x04 => "GetBIOSTableTags",
        SetBiosTableTags = 0x05 => "SetBIOSTableTags",
        AcceptBiosAttributesPendingValues = 0x06 => "AcceptBIOSAttributesPendingValues",
        SetBiosAttributeCurrentValue = 0x07 => "SetBIOSAttributeCurrentValue",
        GetBiosAttributeCurrentValueByHandle = 0x08 => "GetBIOSAttributeCurrentValueByHandle",
        GetBiosAttributePendingValueByHandle = 0x09 => "GetBIOSAttributePendingValueByHandle",
        GetBiosAttributeCurrentValueByType = 0x0A => "GetBIOSAttributeCurrentValueByType",
        GetBiosAttributePendingValueByType = 0x0B => "GetBIOSAttributePendingValueByType",
        GetDateTime = 0x0C => "GetDateTime",
        SetDateTime = 0x0D => "SetDateTime",
        GetBiosStringTableStringType = 0x0E => "GetBIOSStringTableStringType",
        SetBiosStringTableStringType = 0x0F => "SetBIOSStringTableStringType",
    }
}

/// Name of a type 3 command.
pub fn command_name(command: u8) -> Option<&'static str> {
    Command::from_value(command).name()
}

/// Type 3 completion codes (shared by all commands).
pub fn completion_code_name(_command: u8, cc: u8) -> Option<&'static str> {
    match cc {
        0x83 => Some("BIOS_TABLE_UNAVAILABLE"),
        0x84 => Some("INVALID_BIOS_TABLE_DATA_INTEGRITY_CHECK"),
        0x85 => Some("INVALID_BIOS_TABLE_TYPE"),
        0x86 => Some("BIOS_TABLE_TAG_UNAVAILABLE"),
        _ => None,
    }
}

/// Type 3 data: nothing is decoded yet (every body is `pldm::Body::Raw`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Body<'a> {
    /// Never produced; keeps the contract's shape.
    NoData(core::marker::PhantomData<&'a ()>),
}

impl<'a> Body<'a> {
    /// Always `None`: bodies stay raw.
    pub fn parse(_header: &Header, _data: &'a [u8]) -> Option<Result<(Self, usize)>> {
        None
    }
    /// No problems.
    pub fn problem(&self) -> Option<Error> {
        None
    }
    /// Zero.
    pub fn buffer_len(&self) -> usize {
        0
    }
    /// Writes nothing.
    pub fn emit_bytes(&self, _buf: &mut [u8]) -> Result<usize> {
        Ok(0)
    }
    /// Writes nothing.
    pub fn summary(&self, _w: &mut dyn core::fmt::Write) -> core::fmt::Result {
        Ok(())
    }
    /// No fields.
    pub fn describe(&self, _v: &mut dyn crate::describe::Visitor) {}
}
