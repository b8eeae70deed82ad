//! Query Hop (command 0x0F, DSP0236 §12.16).
//!
//! ```text
//!  request  byte 0  target EID
//!           byte 1  message type
//!  response byte 0  EID of the next bridge (0 = the target is on this bus)
//!           byte 1  message type
//!           byte 2  maximum incoming transmission unit size, u16
//!           byte 4  maximum outgoing transmission unit size, u16
//! ```
//!
//! The response field widths are marked **unverified** in the reference
//! notes (pymctp decodes only the incoming size, as a big-endian u16). Two
//! more sources give both sizes as 16-bit fields: the Intel/AMI libmctp fork
//! (`mctp_ctrl_cmd_query_hop_resp`: next_bridge_eid, msg type, u16, u16) and
//! AMD's `amd-mctp-tool` (`query_hop_data`, same layout). Byte order follows
//! pymctp and the DSP0236 convention for multi-byte control fields:
//! big-endian. The value is shown as sent (AMD's tool treats it as a count
//! of increments over a base unit size; DSP0236 wording was not available).

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::Result;
use crate::mctp::MessageType;

use super::common::{be16, byte, eid_meaning, hex8, ControlBody, EmitBody};
use super::Command;

/// Query Hop request data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct QueryHopRequest {
    pub target_eid: u8,
    pub message_type: MessageType,
}

/// Query Hop response data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct QueryHopResponse {
    pub next_bridge_eid: u8,
    pub message_type: MessageType,
    pub max_incoming_transmission_unit_size: u16,
    pub max_outgoing_transmission_unit_size: u16,
}

impl EmitBody for QueryHopRequest {
    fn buffer_len(&self) -> usize {
        2
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.target_eid;
        buf[1] = self.message_type.value();
    }
}

impl EmitBody for QueryHopResponse {
    fn buffer_len(&self) -> usize {
        6
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.next_bridge_eid;
        buf[1] = self.message_type.value();
        buf[2..4].copy_from_slice(&self.max_incoming_transmission_unit_size.to_be_bytes());
        buf[4..6].copy_from_slice(&self.max_outgoing_transmission_unit_size.to_be_bytes());
    }
}

fn describe_type(v: &mut dyn Visitor, t: MessageType) {
    v.field(&Field::new("message_type", 1, 1, Value::hex8(t.value())).meaning(t.name()));
}

impl<'a> ControlBody<'a> for QueryHopRequest {
    const COMMAND: Command = Command::QueryHop;
    const REQUEST: bool = true;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            QueryHopRequest {
                target_eid: byte(data, 0)?,
                message_type: MessageType::from_value(byte(data, 1)?),
            },
            2,
        ))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            " / target=0x{:02x} type {}",
            self.target_eid, self.message_type
        )
    }

    fn describe(&self, v: &mut dyn Visitor) {
        hex8(
            v,
            "target_eid",
            0,
            self.target_eid,
            eid_meaning(self.target_eid),
        );
        describe_type(v, self.message_type);
    }
}

impl<'a> ControlBody<'a> for QueryHopResponse {
    const COMMAND: Command = Command::QueryHop;
    const REQUEST: bool = false;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            QueryHopResponse {
                next_bridge_eid: byte(data, 0)?,
                message_type: MessageType::from_value(byte(data, 1)?),
                max_incoming_transmission_unit_size: be16(data, 2)?,
                max_outgoing_transmission_unit_size: be16(data, 4)?,
            },
            6,
        ))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            " / next bridge=0x{:02x} type {} in={} out={}",
            self.next_bridge_eid,
            self.message_type,
            self.max_incoming_transmission_unit_size,
            self.max_outgoing_transmission_unit_size
        )
    }

    fn describe(&self, v: &mut dyn Visitor) {
        hex8(
            v,
            "next_bridge_eid",
            0,
            self.next_bridge_eid,
            if self.next_bridge_eid == 0 {
                Some("target is on this bus")
            } else {
                eid_meaning(self.next_bridge_eid)
            },
        );
        describe_type(v, self.message_type);
        v.field(&Field::new(
            "max_incoming_transmission_unit_size",
            2,
            2,
            Value::Uint(self.max_incoming_transmission_unit_size.into()),
        ));
        v.field(&Field::new(
            "max_outgoing_transmission_unit_size",
            4,
            2,
            Value::Uint(self.max_outgoing_transmission_unit_size.into()),
        ));
    }
}
