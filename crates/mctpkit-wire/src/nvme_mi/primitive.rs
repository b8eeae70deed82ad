//! Control Primitives (NMIMT 0), NVMe-MI 1.2 §4.2.1.
//!
//! ```text
//!  request  data byte 0   opcode (Pause, Resume, Abort, Get State, Replay)
//!           data byte 1   tag (opaque, echoed in the response)
//!           data 2..4     Control Primitive Specific Parameter (CPSP), LE
//!  response data byte 0   status
//!           data byte 1   tag
//!           data 2..4     Control Primitive Specific Response (CPSR), LE
//! ```
//!
//! Layout from libnvme's `nvme_mi_control_req` / `nvme_mi_control_resp`.
//! Offsets count from the message data (byte 4 of the message). The CPSP
//! of Get State bit 0 is taken as Clear Error State Flags (CESF) and Replay
//! CPSP bits 7:0 as the Response Replay Offset — both **guessed** from the
//! spec's field list, not confirmed by a second source.

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::{need, Error, Layer, Result};

use super::codes::{ControlOpcode, Status};
use super::{le16, trailing, RequestContext};

/// Length of a control primitive request or response (without header/MIC).
pub const LEN: usize = 4;

/// Byte positions (from the message data).
pub mod field {
    pub const OPCODE_OR_STATUS: usize = 0;
    pub const TAG: usize = 1;
    pub const CPSP: usize = 2;
}

/// A control primitive request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ControlRequest {
    pub opcode: ControlOpcode,
    pub tag: u8,
    /// Control Primitive Specific Parameter.
    pub cpsp: u16,
}

/// A control primitive response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ControlResponse {
    pub status: Status,
    pub tag: u8,
    /// Control Primitive Specific Response.
    pub cpsr: u16,
}

fn parse4(data: &[u8]) -> Result<(u8, u8, u16)> {
    need(Layer::NvmeMi, data, LEN)?;
    if data.len() > LEN {
        return Err(trailing(LEN, data.len() - LEN));
    }
    Ok((data[0], data[1], le16(data, field::CPSP)))
}

fn emit4(buf: &mut [u8], a: u8, tag: u8, p: u16) -> Result<usize> {
    if buf.len() < LEN {
        return Err(Error::buffer_too_small(Layer::NvmeMi, LEN, buf.len()));
    }
    buf[0] = a;
    buf[1] = tag;
    buf[2..4].copy_from_slice(&p.to_le_bytes());
    Ok(LEN)
}

impl ControlRequest {
    /// Parse exactly 4 bytes.
    pub fn parse(data: &[u8]) -> Result<Self> {
        let (op, tag, cpsp) = parse4(data)?;
        Ok(ControlRequest {
            opcode: ControlOpcode::from_value(op),
            tag,
            cpsp,
        })
    }
    /// Encode 4 bytes.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        emit4(buf, self.opcode.value(), self.tag, self.cpsp)
    }
    pub(crate) fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, " tag={} cpsp={:#06x}", self.tag, self.cpsp)
    }
    pub(crate) fn describe(&self, v: &mut dyn Visitor) {
        v.field(
            &Field::new("opcode", 0, 1, Value::hex8(self.opcode.value()))
                .meaning(self.opcode.name()),
        );
        v.field(&Field::new("tag", 1, 1, Value::hex8(self.tag)));
        v.field(&Field::new("cpsp", 2, 2, Value::hex16(self.cpsp)));
        match self.opcode {
            ControlOpcode::GetState => v.field(&Field::bits(
                "cesf",
                2,
                0,
                0,
                Value::Bool(self.cpsp & 1 != 0),
            )),
            ControlOpcode::Replay => v.field(&Field::new(
                "response_replay_offset",
                2,
                1,
                Value::Uint((self.cpsp & 0xFF).into()),
            )),
            _ => {}
        }
    }
}

impl ControlResponse {
    /// Parse exactly 4 bytes.
    pub fn parse(data: &[u8]) -> Result<Self> {
        let (st, tag, cpsr) = parse4(data)?;
        Ok(ControlResponse {
            status: Status::from_value(st),
            tag,
            cpsr,
        })
    }
    /// Encode 4 bytes.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        emit4(buf, self.status.value(), self.tag, self.cpsr)
    }
    pub(crate) fn summary(
        &self,
        _ctx: Option<RequestContext>,
        w: &mut dyn fmt::Write,
    ) -> fmt::Result {
        match self.status.display_name() {
            Some(n) => write!(w, " {n}")?,
            None => write!(w, " status={:#04x}", self.status.value())?,
        }
        write!(w, " tag={} cpsr={:#06x}", self.tag, self.cpsr)
    }
    pub(crate) fn describe(&self, _ctx: Option<RequestContext>, v: &mut dyn Visitor) {
        v.field(
            &Field::new("status", 0, 1, Value::hex8(self.status.value()))
                .meaning(self.status.display_name()),
        );
        v.field(&Field::new("tag", 1, 1, Value::hex8(self.tag)));
        v.field(&Field::new("cpsr", 2, 2, Value::hex16(self.cpsr)));
    }
}
