//! PLDM type 6: Redfish Device Enablement (DSP0218). Command names
//! only; bodies stay raw.
//!
//! Codes: libpldm `rde.h` (0x01–0x05, 0x30, 0x31) and a second RDE header
//! (0x0C, 0x10, 0x13–0x15, 0x30, 0x31) agree where they overlap; 0x06–0x0B,
//! 0x11, 0x12 and 0x16 follow DSP0218 1.1 as recalled (**unverified**).
//! Completion codes from the second header (**unverified**).

use crate::error::{Error, Result};
use crate::macros::open_enum;

use super::Header;

open_enum! {
    /// Type 6 command codes.
    pub enum Command: u8 {
        NegotiateRedfishParameters = 0x01 => "NegotiateRedfishParameters",
        NegotiateMediumParameters = 0x02 => "NegotiateMediumParameters",
        GetSchemaDictionary = 0x03 => "GetSchemaDictionary",
        GetSchemaUri = 0x04 => "GetSchemaURI",
        GetResourceETag = 0x05 => "GetResourceETag",
        GetOemCount = 0x06 => "GetOEMCount",
        GetOemName = 0x07 => "GetOEMName",
        GetRegistryCount = 0x08 => "GetRegistryCount",
        GetRegistryDetails = 0x09 => "GetRegistryDetails",
        SelectRegistryVersion = 0x0A => "SelectRegistryVersion",
        GetMessageRegistry = 0x0B => "GetMessageRegistry",
        GetSchemaFile = 0x0C => "GetSchemaFile",
        RdeOperationInit = 0x10 => "RDEOperationInit",
        SupplyCustomRequestParameters = 0x11 => "SupplyCustomRequestParameters",
        RetrieveCustomResponseParameters = 0x12 => "RetrieveCustomResponseParameters",
        RdeOperationComplete = 0x13 => "RDEOperationComplete",
        RdeOperationStatus = 0x14 => "RDEOperationStatus",
        RdeOperationKill = 0x15 => "RDEOperationKill",
        RdeOperationEnumerate = 0x16 => "RDEOperationEnumerate",
        RdeMultipartSend = 0x30 => "RDEMultipartSend",
        RdeMultipartReceive = 0x31 => "RDEMultipartReceive",
    }
}

/// Name of a type 6 command.
pub fn command_name(command: u8) -> Option<&'static str> {
    Command::from_value(command).name()
}

/// Type 6 completion codes (shared by all commands).
pub fn completion_code_name(_command: u8, cc: u8) -> Option<&'static str> {
    match cc {
        0x81 => Some("ERROR_CANNOT_CREATE_OPERATION"),
        0x82 => Some("ERROR_NOT_ALLOWED"),
        0x83 => Some("ERROR_WRONG_LOCATION_TYPE"),
        0x84 => Some("ERROR_OPERATION_ABANDONED"),
        0x86 => Some("ERROR_OPERATION_EXISTS"),
        0x87 => Some("ERROR_OPERATION_FAILED"),
        0x88 => Some("ERROR_UNEXPECTED"),
        0x89 => Some("ERROR_UNSUPPORTED"),
        0x92 => Some("ERROR_NO_SUCH_RESOURCE"),
        _ => None,
    }
}

/// Type 6 data: nothing is decoded yet (every body is `pldm::Body::Raw`).
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
