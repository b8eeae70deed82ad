//! Rate limiting: Query Rate Limit (0x11), Request TX Rate Limit (0x12) and
//! Update Rate Limit (0x13), DSP0236 §12.18–12.20.
//!
//! ```text
//!  0x11 request   (no data)
//!  0x11 response  u32 receive buffer size
//!                 u32 maximum receive data rate limit
//!                 u32 maximum supported transmit data rate limit
//!                 u32 minimum supported transmit data rate limit
//!                 u32 maximum supported burst size
//!                 u32 present burst setting
//!                 u32 present transmit rate limit
//!                 u8  transmit rate limiter capabilities
//!  0x12 request   u32 transmit burst size, u32 transmit rate limit
//!  0x12 response  u32 present burst setting, u32 present transmit rate limit
//!  0x13 request   u32 transmit burst size, u32 transmit rate limit
//!  0x13 response  (completion code only)
//! ```
//!
//! **Unverified**: none of the implementations in the reference notes decodes
//! these (pymctp has empty stubs; Western Digital's `libmctp` 0.2.0 sends
//! Query Rate Limit with no data and leaves 0x12–0x14 `unimplemented!`). The
//! field list comes from AMD's `amd-mctp-tool` (`query_rate_limit_data`,
//! `tx_rate_limit_Req_data`, `tx_rate_limit_Res_data`,
//! `update_rate_limit_Req_data`), the only second source found; its field
//! names follow the DSP0236 descriptions. Byte order is not stated there (C
//! structs in host order); we use big-endian like the other multi-byte
//! control fields. The raw bytes stay visible in every rendering.

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::Result;

use super::common::{be32, byte, hex8, ControlBody, EmitBody};
use super::Command;

fn put32(buf: &mut [u8], at: usize, v: u32) {
    buf[at..at + 4].copy_from_slice(&v.to_be_bytes());
}

fn u32_field(v: &mut dyn Visitor, name: &'static str, at: usize, x: u32) {
    v.field(&Field::new(name, at, 4, Value::Uint(x.into())));
}

/// Query Rate Limit response data (29 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct QueryRateLimitResponse {
    pub receive_buffer_size: u32,
    pub max_receive_data_rate_limit: u32,
    pub max_supported_transmit_data_rate_limit: u32,
    pub min_supported_transmit_data_rate_limit: u32,
    pub max_supported_burst_size: u32,
    pub present_burst_setting: u32,
    pub present_transmit_rate_limit: u32,
    pub transmit_rate_limiter_capabilities: u8,
}

impl EmitBody for QueryRateLimitResponse {
    fn buffer_len(&self) -> usize {
        29
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        put32(buf, 0, self.receive_buffer_size);
        put32(buf, 4, self.max_receive_data_rate_limit);
        put32(buf, 8, self.max_supported_transmit_data_rate_limit);
        put32(buf, 12, self.min_supported_transmit_data_rate_limit);
        put32(buf, 16, self.max_supported_burst_size);
        put32(buf, 20, self.present_burst_setting);
        put32(buf, 24, self.present_transmit_rate_limit);
        buf[28] = self.transmit_rate_limiter_capabilities;
    }
}

impl<'a> ControlBody<'a> for QueryRateLimitResponse {
    const COMMAND: Command = Command::QueryRateLimit;
    const REQUEST: bool = false;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        // Check the whole length first so a short body reports the full need.
        byte(data, 28)?;
        Ok((
            QueryRateLimitResponse {
                receive_buffer_size: be32(data, 0)?,
                max_receive_data_rate_limit: be32(data, 4)?,
                max_supported_transmit_data_rate_limit: be32(data, 8)?,
                min_supported_transmit_data_rate_limit: be32(data, 12)?,
                max_supported_burst_size: be32(data, 16)?,
                present_burst_setting: be32(data, 20)?,
                present_transmit_rate_limit: be32(data, 24)?,
                transmit_rate_limiter_capabilities: byte(data, 28)?,
            },
            29,
        ))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            " / rx buffer={} rx max={} tx {}..{} burst={} present burst={} rate={}",
            self.receive_buffer_size,
            self.max_receive_data_rate_limit,
            self.min_supported_transmit_data_rate_limit,
            self.max_supported_transmit_data_rate_limit,
            self.max_supported_burst_size,
            self.present_burst_setting,
            self.present_transmit_rate_limit
        )
    }

    fn describe(&self, v: &mut dyn Visitor) {
        u32_field(v, "receive_buffer_size", 0, self.receive_buffer_size);
        u32_field(
            v,
            "max_receive_data_rate_limit",
            4,
            self.max_receive_data_rate_limit,
        );
        u32_field(
            v,
            "max_supported_transmit_data_rate_limit",
            8,
            self.max_supported_transmit_data_rate_limit,
        );
        u32_field(
            v,
            "min_supported_transmit_data_rate_limit",
            12,
            self.min_supported_transmit_data_rate_limit,
        );
        u32_field(
            v,
            "max_supported_burst_size",
            16,
            self.max_supported_burst_size,
        );
        u32_field(v, "present_burst_setting", 20, self.present_burst_setting);
        u32_field(
            v,
            "present_transmit_rate_limit",
            24,
            self.present_transmit_rate_limit,
        );
        hex8(
            v,
            "transmit_rate_limiter_capabilities",
            28,
            self.transmit_rate_limiter_capabilities,
            None,
        );
    }
}

/// Declare an 8-byte body of two u32 fields.
macro_rules! two_u32 {
    ($(#[$m:meta])* $name:ident, $cmd:expr, $req:expr, $a:ident, $b:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub struct $name {
            pub $a: u32,
            pub $b: u32,
        }

        impl EmitBody for $name {
            fn buffer_len(&self) -> usize {
                8
            }
            fn emit_exact(&self, buf: &mut [u8]) {
                put32(buf, 0, self.$a);
                put32(buf, 4, self.$b);
            }
        }

        impl<'a> ControlBody<'a> for $name {
            const COMMAND: Command = $cmd;
            const REQUEST: bool = $req;

            fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
                byte(data, 7)?;
                Ok((
                    $name {
                        $a: be32(data, 0)?,
                        $b: be32(data, 4)?,
                    },
                    8,
                ))
            }

            fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
                write!(w, " / burst={} rate={}", self.$a, self.$b)
            }

            fn describe(&self, v: &mut dyn Visitor) {
                u32_field(v, stringify!($a), 0, self.$a);
                u32_field(v, stringify!($b), 4, self.$b);
            }
        }
    };
}

two_u32!(
    /// Request TX Rate Limit request data.
    RequestTxRateLimitRequest,
    Command::RequestTxRateLimit,
    true,
    transmit_burst_size,
    transmit_rate_limit
);

two_u32!(
    /// Request TX Rate Limit response data: the limits now in force.
    RequestTxRateLimitResponse,
    Command::RequestTxRateLimit,
    false,
    present_burst_setting,
    present_transmit_rate_limit
);

two_u32!(
    /// Update Rate Limit request data.
    UpdateRateLimitRequest,
    Command::UpdateRateLimit,
    true,
    transmit_burst_size,
    transmit_rate_limit
);
