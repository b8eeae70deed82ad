//! Get Endpoint ID (command 0x02, DSP0236 §12.4). No request data.
//!
//! ```text
//!  response byte 0  endpoint ID
//!           byte 1  [7:6] rsvd [5:4] endpoint type [3:2] rsvd [1:0] endpoint ID type
//!           byte 2  medium-specific information
//! ```

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::Result;
use crate::macros::open_enum;

use super::common::{byte, eid_meaning, hex8, ControlBody, EmitBody};
use super::Command;

/// Byte positions.
pub mod field {
    pub const EID: usize = 0;
    pub const TYPE: usize = 1;
    pub const MEDIUM: usize = 2;
}

open_enum! {
    /// Endpoint type (response byte 1 `[5:4]`).
    pub enum EndpointType: u8 {
        SimpleEndpoint = 0 => "simple endpoint",
        BusOwnerBridge = 1 => "bus owner/bridge",
    }
}

open_enum! {
    /// Endpoint ID type (response byte 1 `[1:0]`).
    pub enum EidType: u8 {
        Dynamic = 0 => "dynamic EID",
        StaticSupported = 1 => "static EID supported",
        StaticMatches = 2 => "static EID supported, matches current",
        StaticDiffers = 3 => "static EID supported, differs from current",
    }
}

/// Get Endpoint ID response data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetEndpointIdResponse {
    /// The endpoint's EID (0 = not yet assigned).
    pub eid: u8,
    pub endpoint_type: EndpointType,
    pub eid_type: EidType,
    /// Medium-specific information (binding defined).
    pub medium_specific_information: u8,
}

impl EmitBody for GetEndpointIdResponse {
    fn buffer_len(&self) -> usize {
        3
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[field::EID] = self.eid;
        buf[field::TYPE] =
            ((self.endpoint_type.value() & 0x03) << 4) | (self.eid_type.value() & 0x03);
        buf[field::MEDIUM] = self.medium_specific_information;
    }
}

impl<'a> ControlBody<'a> for GetEndpointIdResponse {
    const COMMAND: Command = Command::GetEndpointId;
    const REQUEST: bool = false;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        let eid = byte(data, field::EID)?;
        let t = byte(data, field::TYPE)?;
        let m = byte(data, field::MEDIUM)?;
        Ok((
            GetEndpointIdResponse {
                eid,
                endpoint_type: EndpointType::from_value((t >> 4) & 0x03),
                eid_type: EidType::from_value(t & 0x03),
                medium_specific_information: m,
            },
            3,
        ))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, " / eid=0x{:02x} {}", self.eid, self.endpoint_type)?;
        write!(w, ", {}", self.eid_type)
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let m = if self.eid == 0 {
            Some("not yet assigned")
        } else {
            eid_meaning(self.eid)
        };
        hex8(v, "eid", field::EID, self.eid, m);
        v.field(
            &Field::bits(
                "endpoint_type",
                field::TYPE,
                5,
                4,
                Value::hex8(self.endpoint_type.value()),
            )
            .meaning(self.endpoint_type.name()),
        );
        v.field(
            &Field::bits(
                "eid_type",
                field::TYPE,
                1,
                0,
                Value::hex8(self.eid_type.value()),
            )
            .meaning(self.eid_type.name()),
        );
        hex8(
            v,
            "medium_specific_information",
            field::MEDIUM,
            self.medium_specific_information,
            None,
        );
    }
}
