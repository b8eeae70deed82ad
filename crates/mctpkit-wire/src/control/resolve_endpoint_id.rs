//! Resolve Endpoint ID (command 0x07, DSP0236 §12.9).
//!
//! ```text
//!  request  byte 0   target EID
//!  response byte 0   bridge EID (the target's own EID when no bridge is in the path)
//!           byte 1.. physical address of the next hop (size defined by the binding)
//! ```
//!
//! The response layout is marked **unverified** in the reference notes:
//! pymctp decodes a physical-address-size byte before the address. Two other
//! sources have no size byte: the Intel/AMI libmctp fork
//! (`mctp_ctrl_cmd_resolve_eid_resp { bridge_eid; physical_address[] }`,
//! filled by `memcpy` of the binding's address) and AMD's `amd-mctp-tool`
//! (`resolve_eid_data { bridge_eid; u16 phy_addr }` for PCIe). We follow
//! those: the address is **all remaining bytes** (1 for SMBus, 2 for PCIe
//! BDF...), so this body never has trailing bytes. A pymctp-style response
//! shows the size byte as the first address byte; the raw bytes stay visible.

use core::fmt;

use crate::describe::{Field, HexBytes, Value, Visitor};
use crate::error::Result;

use super::common::{byte, byte_body, eid_meaning, hex8, ControlBody, EmitBody};
use super::Command;

byte_body!(
    /// Resolve Endpoint ID request data.
    ResolveEndpointIdRequest { target_eid: "target_eid" },
    Command::ResolveEndpointId,
    true,
    "target",
    eid_meaning
);

/// Resolve Endpoint ID response data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ResolveEndpointIdResponse<'a> {
    pub bridge_eid: u8,
    /// Physical address of the next hop (binding-specific length).
    pub physical_address: &'a [u8],
}

impl EmitBody for ResolveEndpointIdResponse<'_> {
    fn buffer_len(&self) -> usize {
        1 + self.physical_address.len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.bridge_eid;
        buf[1..].copy_from_slice(self.physical_address);
    }
}

impl<'a> ControlBody<'a> for ResolveEndpointIdResponse<'a> {
    const COMMAND: Command = Command::ResolveEndpointId;
    const REQUEST: bool = false;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        let bridge_eid = byte(data, 0)?;
        Ok((
            ResolveEndpointIdResponse {
                bridge_eid,
                physical_address: &data[1..],
            },
            data.len(),
        ))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            " / bridge=0x{:02x} addr={}",
            self.bridge_eid,
            HexBytes(self.physical_address)
        )
    }

    fn describe(&self, v: &mut dyn Visitor) {
        hex8(
            v,
            "bridge_eid",
            0,
            self.bridge_eid,
            eid_meaning(self.bridge_eid),
        );
        v.field(&Field::new(
            "physical_address",
            1,
            self.physical_address.len(),
            Value::Bytes(self.physical_address),
        ));
    }
}
