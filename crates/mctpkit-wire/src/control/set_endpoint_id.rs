//! Set Endpoint ID (command 0x01, DSP0236 §12.3).
//!
//! ```text
//!  request  byte 0  [7:2] reserved  [1:0] operation
//!           byte 1  EID
//!  response byte 0  [7:6] rsvd [5:4] EID assignment status [3:2] rsvd [1:0] EID allocation status
//!           byte 1  EID setting
//!           byte 2  EID pool size
//! ```
//!
//! A request carrying EID 0, 1–7 or 0xFF decodes (an analyser must show it);
//! responders answer it with ERROR_INVALID_DATA, and the field meaning says so.

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::Result;
use crate::macros::open_enum;
use crate::mctp::{eid_class, EidClass};

use super::common::{byte, hex8, uint8, ControlBody, EmitBody};
use super::Command;

/// Byte positions.
pub mod field {
    pub const OPERATION: usize = 0;
    pub const EID: usize = 1;
    pub const STATUS: usize = 0;
    pub const EID_SETTING: usize = 1;
    pub const EID_POOL_SIZE: usize = 2;
}

open_enum! {
    /// Set Endpoint ID operations (request byte 0 `[1:0]`).
    pub enum SetEidOperation: u8 {
        SetEid = 0 => "Set EID",
        ForceEid = 1 => "Force EID",
        ResetEid = 2 => "Reset EID",
        SetDiscoveredFlag = 3 => "Set Discovered Flag",
    }
}

open_enum! {
    /// EID assignment status (response byte 0 `[5:4]`).
    pub enum EidAssignmentStatus: u8 {
        Accepted = 0 => "EID assignment accepted",
        Rejected = 1 => "EID assignment rejected",
    }
}

open_enum! {
    /// EID allocation status (response byte 0 `[1:0]`).
    pub enum EidAllocationStatus: u8 {
        NoPool = 0 => "device does not use an EID pool",
        PoolRequired = 1 => "endpoint requires EID pool allocation",
        PoolAssigned = 2 => "endpoint uses an EID pool and has already received an allocation",
    }
}

/// `true` when `eid` may be assigned with Set Endpoint ID (0x08–0xFE).
pub const fn is_assignable(eid: u8) -> bool {
    matches!(eid_class(eid), EidClass::Unicast)
}

/// Set Endpoint ID request data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SetEndpointIdRequest {
    pub operation: SetEidOperation,
    /// The EID to assign (0x08–0xFE to be valid).
    pub eid: u8,
}

impl EmitBody for SetEndpointIdRequest {
    fn buffer_len(&self) -> usize {
        2
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[field::OPERATION] = self.operation.value() & 0x03;
        buf[field::EID] = self.eid;
    }
}

impl<'a> ControlBody<'a> for SetEndpointIdRequest {
    const COMMAND: Command = Command::SetEndpointId;
    const REQUEST: bool = true;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        let op = byte(data, field::OPERATION)?;
        let eid = byte(data, field::EID)?;
        Ok((
            SetEndpointIdRequest {
                operation: SetEidOperation::from_value(op & 0x03),
                eid,
            },
            2,
        ))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, " / {} eid=0x{:02x}", self.operation, self.eid)?;
        if !is_assignable(self.eid) {
            w.write_str(" (invalid for Set EID)")?;
        }
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        v.field(
            &Field::bits(
                "operation",
                field::OPERATION,
                1,
                0,
                Value::hex8(self.operation.value()),
            )
            .meaning(self.operation.name()),
        );
        let m = match eid_class(self.eid) {
            EidClass::Unicast => None,
            EidClass::Null => Some("null EID, invalid for Set EID"),
            EidClass::Reserved => Some("reserved EID, invalid for Set EID"),
            EidClass::Broadcast => Some("broadcast EID, invalid for Set EID"),
        };
        hex8(v, "eid", field::EID, self.eid, m);
    }
}

/// Set Endpoint ID response data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SetEndpointIdResponse {
    pub eid_assignment_status: EidAssignmentStatus,
    pub eid_allocation_status: EidAllocationStatus,
    /// The EID the endpoint now uses.
    pub eid_setting: u8,
    /// EID pool size the endpoint needs (bridges).
    pub eid_pool_size: u8,
}

impl EmitBody for SetEndpointIdResponse {
    fn buffer_len(&self) -> usize {
        3
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[field::STATUS] = ((self.eid_assignment_status.value() & 0x03) << 4)
            | (self.eid_allocation_status.value() & 0x03);
        buf[field::EID_SETTING] = self.eid_setting;
        buf[field::EID_POOL_SIZE] = self.eid_pool_size;
    }
}

impl<'a> ControlBody<'a> for SetEndpointIdResponse {
    const COMMAND: Command = Command::SetEndpointId;
    const REQUEST: bool = false;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        let s = byte(data, field::STATUS)?;
        let eid_setting = byte(data, field::EID_SETTING)?;
        let eid_pool_size = byte(data, field::EID_POOL_SIZE)?;
        Ok((
            SetEndpointIdResponse {
                eid_assignment_status: EidAssignmentStatus::from_value((s >> 4) & 0x03),
                eid_allocation_status: EidAllocationStatus::from_value(s & 0x03),
                eid_setting,
                eid_pool_size,
            },
            3,
        ))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        let a = match self.eid_assignment_status {
            EidAssignmentStatus::Accepted => "accepted",
            EidAssignmentStatus::Rejected => "rejected",
            EidAssignmentStatus::Unknown(_) => "assignment ?",
        };
        write!(
            w,
            " / {a} eid=0x{:02x} pool={}",
            self.eid_setting, self.eid_pool_size
        )
    }

    fn describe(&self, v: &mut dyn Visitor) {
        v.field(
            &Field::bits(
                "eid_assignment_status",
                field::STATUS,
                5,
                4,
                Value::hex8(self.eid_assignment_status.value()),
            )
            .meaning(self.eid_assignment_status.name()),
        );
        v.field(
            &Field::bits(
                "eid_allocation_status",
                field::STATUS,
                1,
                0,
                Value::hex8(self.eid_allocation_status.value()),
            )
            .meaning(self.eid_allocation_status.name()),
        );
        hex8(
            v,
            "eid_setting",
            field::EID_SETTING,
            self.eid_setting,
            super::common::eid_meaning(self.eid_setting),
        );
        uint8(v, "eid_pool_size", field::EID_POOL_SIZE, self.eid_pool_size);
    }
}
