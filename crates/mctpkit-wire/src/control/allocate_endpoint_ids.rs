//! Allocate Endpoint IDs (command 0x08, DSP0236 §12.10), bus owner → bridge.
//!
//! ```text
//!  request  byte 0  [7:2] reserved [1:0] operation
//!           byte 1  number of EIDs in the pool (allocated pool size)
//!           byte 2  starting EID
//!  response byte 0  [7:2] reserved [1:0] allocation status
//!           byte 1  EID pool size
//!           byte 2  first EID
//! ```

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::Result;
use crate::macros::open_enum;

use super::common::{byte, eid_meaning, hex8, uint8, ControlBody, EmitBody};
use super::Command;

open_enum! {
    /// Allocate Endpoint IDs operations (request byte 0 `[1:0]`).
    pub enum AllocateEidsOperation: u8 {
        AllocateEids = 0 => "Allocate EIDs",
        ForceAllocation = 1 => "Force allocation",
        GetAllocationInformation = 2 => "Get allocation information",
    }
}

open_enum! {
    /// Allocation status (response byte 0 `[1:0]`).
    pub enum AllocationStatus: u8 {
        Accepted = 0 => "allocation accepted",
        Rejected = 1 => "allocation rejected",
    }
}

/// Allocate Endpoint IDs request data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AllocateEndpointIdsRequest {
    pub operation: AllocateEidsOperation,
    /// Number of EIDs in the allocated pool.
    pub eid_pool_size: u8,
    pub starting_eid: u8,
}

/// Allocate Endpoint IDs response data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AllocateEndpointIdsResponse {
    pub allocation_status: AllocationStatus,
    pub eid_pool_size: u8,
    pub first_eid: u8,
}

impl EmitBody for AllocateEndpointIdsRequest {
    fn buffer_len(&self) -> usize {
        3
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.operation.value() & 0x03;
        buf[1] = self.eid_pool_size;
        buf[2] = self.starting_eid;
    }
}

impl EmitBody for AllocateEndpointIdsResponse {
    fn buffer_len(&self) -> usize {
        3
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.allocation_status.value() & 0x03;
        buf[1] = self.eid_pool_size;
        buf[2] = self.first_eid;
    }
}

impl<'a> ControlBody<'a> for AllocateEndpointIdsRequest {
    const COMMAND: Command = Command::AllocateEndpointIds;
    const REQUEST: bool = true;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        let op = byte(data, 0)?;
        Ok((
            AllocateEndpointIdsRequest {
                operation: AllocateEidsOperation::from_value(op & 0x03),
                eid_pool_size: byte(data, 1)?,
                starting_eid: byte(data, 2)?,
            },
            3,
        ))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            " / {} pool={} start=0x{:02x}",
            self.operation, self.eid_pool_size, self.starting_eid
        )
    }

    fn describe(&self, v: &mut dyn Visitor) {
        v.field(
            &Field::bits("operation", 0, 1, 0, Value::hex8(self.operation.value()))
                .meaning(self.operation.name()),
        );
        uint8(v, "eid_pool_size", 1, self.eid_pool_size);
        hex8(
            v,
            "starting_eid",
            2,
            self.starting_eid,
            eid_meaning(self.starting_eid),
        );
    }
}

impl<'a> ControlBody<'a> for AllocateEndpointIdsResponse {
    const COMMAND: Command = Command::AllocateEndpointIds;
    const REQUEST: bool = false;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        let st = byte(data, 0)?;
        Ok((
            AllocateEndpointIdsResponse {
                allocation_status: AllocationStatus::from_value(st & 0x03),
                eid_pool_size: byte(data, 1)?,
                first_eid: byte(data, 2)?,
            },
            3,
        ))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            " / {} pool={} first=0x{:02x}",
            self.allocation_status, self.eid_pool_size, self.first_eid
        )
    }

    fn describe(&self, v: &mut dyn Visitor) {
        v.field(
            &Field::bits(
                "allocation_status",
                0,
                1,
                0,
                Value::hex8(self.allocation_status.value()),
            )
            .meaning(self.allocation_status.name()),
        );
        uint8(v, "eid_pool_size", 1, self.eid_pool_size);
        hex8(
            v,
            "first_eid",
            2,
            self.first_eid,
            eid_meaning(self.first_eid),
        );
    }
}
