//! 16-byte UUID responses: Get Endpoint UUID (0x03, DSP0236 §12.5) and
//! Get Network ID (0x0E, DSP0236 §12.15). Neither request carries data.
//!
//! ```text
//!  response bytes 0..16  UUID, in wire order (RFC 4122 text order)
//! ```
//!
//! Get Network ID is marked **unverified** in the reference notes; a second
//! source, the Intel/AMI libmctp fork (`mctp_ctrl_get_networkid_resp`: a
//! 16-byte `guid_t` after the completion code), and pymctp's
//! `GetNetworkIDResponsePacket` (one big-endian UUID field) agree on it.

use core::fmt;

use crate::describe::{Field, UuidText, Value, Visitor};
use crate::error::Result;

use super::common::{uuid, ControlBody, EmitBody};
use super::Command;

macro_rules! uuid_response {
    ($(#[$m:meta])* $name:ident, $cmd:expr, $field:literal) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub struct $name {
            /// The UUID bytes in wire order.
            pub uuid: [u8; 16],
        }

        impl $name {
            /// The UUID as RFC 4122 text (`UuidText`).
            pub fn text(&self) -> UuidText<'_> {
                UuidText(&self.uuid)
            }
        }

        impl EmitBody for $name {
            fn buffer_len(&self) -> usize {
                16
            }
            fn emit_exact(&self, buf: &mut [u8]) {
                buf.copy_from_slice(&self.uuid);
            }
        }

        impl<'a> ControlBody<'a> for $name {
            const COMMAND: Command = $cmd;
            const REQUEST: bool = false;

            fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
                Ok(($name { uuid: uuid(data, 0)? }, 16))
            }

            fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
                write!(w, " / {}", UuidText(&self.uuid))
            }

            fn describe(&self, v: &mut dyn Visitor) {
                let t = UuidText(&self.uuid);
                v.field(&Field::new($field, 0, 16, Value::Display(&t)));
            }
        }
    };
}

uuid_response!(
    /// Get Endpoint UUID response data.
    GetEndpointUuidResponse,
    Command::GetEndpointUuid,
    "uuid"
);

uuid_response!(
    /// Get Network ID response data (the network ID is a UUID).
    GetNetworkIdResponse,
    Command::GetNetworkId,
    "network_id"
);
