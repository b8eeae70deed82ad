//! CCI payloads: dispatch by opcode and direction to the typed decoders.
//!
//! `data` handed to these functions is the payload after the 12-byte CCI
//! header; offsets are relative to it.
//!
//! Decoding policy:
//!
//! * Vendor-specific opcodes (C000h–FFFFh) → [`Body::Vendor`], raw.
//! * A response whose return code is not Success → [`Body::Empty`] or
//!   [`Body::Raw`] (no payload layout is defined for errors; Background
//!   Command Started normally carries no payload either).
//! * Known layouts decode to [`Body::Request`] / [`Body::Response`]; extra
//!   bytes after a complete payload are kept in `trailing` and reported as an
//!   `ErrorKind::Trailing` problem (libcxlmi rejects any length mismatch,
//!   QEMU requires exact input sizes; an analyser shows both).
//! * A truncated payload → [`Body::Malformed`] with the error, so the CCI
//!   header still shows.
//! * Everything else → `Empty` / `Raw`.

use core::fmt;

use crate::describe::{Field, HexBytes, Value, Visitor};
use crate::error::{Error, Result};

use super::common::{trailing, CxlBody, EmitPayload};
use super::fmapi::*;
use super::generic::*;
use super::memdev::*;
use super::opcode::{is_vendor, op, ReturnCode};
use super::{Category, Context, Header};

/// Declare a typed-payload enum with parse-by-opcode and forwarding.
macro_rules! typed_payloads {
    ($(#[$m:meta])* $name:ident { $($var:ident($ty:ty) = $op:path),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        #[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
        #[non_exhaustive]
        pub enum $name<'a> {
            $(
                #[doc = concat!("`", stringify!($var), "`.")]
                $var($ty),
            )*
        }

        impl<'a> $name<'a> {
            /// Decode the payload of `opcode`; `None` when this version has no
            /// layout for it in this direction. Returns the body and bytes used.
            pub fn parse_prefix(opcode: u16, data: &'a [u8]) -> Option<Result<(Self, usize)>> {
                Some(match opcode {
                    $($op => <$ty as CxlBody<'a>>::parse_prefix(data)
                        .map(|(b, n)| ($name::$var(b), n)),)*
                    _ => return None,
                })
            }

            /// The opcode this payload belongs to.
            pub fn opcode(&self) -> u16 {
                match self {
                    $($name::$var(_) => <$ty as CxlBody<'a>>::OPCODE,)*
                }
            }

            /// One-line summary part (" / ..." or nothing).
            pub fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
                match self {
                    $($name::$var(b) => b.summary(w),)*
                }
            }

            /// Field walk (offsets relative to the payload start).
            pub fn describe(&self, v: &mut dyn Visitor) {
                match self {
                    $($name::$var(b) => b.describe(v),)*
                }
            }
        }

        impl EmitPayload for $name<'_> {
            fn buffer_len(&self) -> usize {
                match self {
                    $($name::$var(b) => b.buffer_len(),)*
                }
            }
            fn emit_exact(&self, buf: &mut [u8]) {
                match self {
                    $($name::$var(b) => b.emit_exact(buf),)*
                }
            }
        }

        $(
            impl<'a> From<$ty> for $name<'a> {
                fn from(b: $ty) -> Self {
                    $name::$var(b)
                }
            }
        )*
    };
}

typed_payloads!(
    /// Decoded request payloads.
    Request {
        GetEventRecords(GetEventRecordsRequest) = op::GET_EVENT_RECORDS,
        SetTimestamp(SetTimestampRequest) = op::SET_TIMESTAMP,
        GetLog(GetLogRequest) = op::GET_LOG,
        GetPhysicalPortState(GetPhysicalPortStateRequest<'a>) = op::GET_PHYSICAL_PORT_STATE,
        Tunnel(TunnelRequest<'a>) = op::TUNNEL_MANAGEMENT_COMMAND,
    }
);

typed_payloads!(
    /// Decoded response payloads (return code Success).
    Response {
        Identify(IdentifyResponse) = op::IDENTIFY,
        BackgroundOperationStatus(BackgroundOperationStatusResponse) = op::BACKGROUND_OPERATION_STATUS,
        GetEventRecords(GetEventRecordsResponse<'a>) = op::GET_EVENT_RECORDS,
        GetFwInfo(GetFwInfoResponse) = op::GET_FW_INFO,
        GetTimestamp(GetTimestampResponse) = op::GET_TIMESTAMP,
        GetSupportedLogs(GetSupportedLogsResponse<'a>) = op::GET_SUPPORTED_LOGS,
        GetLog(GetLogResponse<'a>) = op::GET_LOG,
        IdentifyMemoryDevice(IdentifyMemoryDeviceResponse) = op::IDENTIFY_MEMORY_DEVICE,
        GetPartitionInfo(GetPartitionInfoResponse) = op::GET_PARTITION_INFO,
        GetHealthInfo(GetHealthInfoResponse) = op::GET_HEALTH_INFO,
        IdentifySwitchDevice(IdentifySwitchDeviceResponse) = op::IDENTIFY_SWITCH_DEVICE,
        GetPhysicalPortState(GetPhysicalPortStateResponse<'a>) = op::GET_PHYSICAL_PORT_STATE,
        Tunnel(TunnelResponse<'a>) = op::TUNNEL_MANAGEMENT_COMMAND,
        GetLdInfo(GetLdInfoResponse) = op::GET_LD_INFO,
    }
);

/// The decoded payload of a CCI message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body<'a> {
    /// No payload.
    Empty,
    /// Vendor-specific opcode (C000h–FFFFh): payload shown raw.
    Vendor(&'a [u8]),
    /// Payload of a command this version does not decode, or of an error response.
    Raw(&'a [u8]),
    /// A payload that failed to decode (error offset from the payload start).
    Malformed { error: Error, raw: &'a [u8] },
    /// Decoded request payload; `trailing` holds unexpected extra bytes.
    Request {
        request: Request<'a>,
        trailing: &'a [u8],
    },
    /// Decoded response payload; `trailing` holds unexpected extra bytes.
    Response {
        response: Response<'a>,
        trailing: &'a [u8],
    },
}

impl<'a> Body<'a> {
    /// Decode `data` for `header`'s opcode, category and return code.
    pub fn parse(header: &Header, data: &'a [u8], ctx: &Context) -> Result<Body<'a>> {
        let raw = |d: &'a [u8]| {
            if d.is_empty() {
                Body::Empty
            } else {
                Body::Raw(d)
            }
        };
        if is_vendor(header.opcode) {
            return Ok(if data.is_empty() {
                Body::Empty
            } else {
                Body::Vendor(data)
            });
        }
        match header.category {
            Category::Request => match Request::parse_prefix(header.opcode, data) {
                None => Ok(raw(data)),
                Some(r) => {
                    let (request, n) = r?;
                    Ok(Body::Request {
                        request,
                        trailing: data.get(n..).unwrap_or(&[]),
                    })
                }
            },
            Category::Response if header.return_code == ReturnCode::Success => {
                match Response::parse_prefix(header.opcode, data) {
                    None => Ok(raw(data)),
                    Some(r) => {
                        let (mut response, n) = r?;
                        if let Response::GetLog(ref mut g) = response {
                            g.cel = ctx.get_log_identifier == Some(CEL_UUID);
                        }
                        Ok(Body::Response {
                            response,
                            trailing: data.get(n..).unwrap_or(&[]),
                        })
                    }
                }
            }
            _ => Ok(raw(data)),
        }
    }

    /// A request body (no trailing bytes).
    pub fn request(r: impl Into<Request<'a>>) -> Self {
        Body::Request {
            request: r.into(),
            trailing: &[],
        }
    }

    /// A response body (no trailing bytes).
    pub fn response(r: impl Into<Response<'a>>) -> Self {
        Body::Response {
            response: r.into(),
            trailing: &[],
        }
    }

    /// Extra bytes after a decoded payload (empty when none).
    pub fn trailing(&self) -> &'a [u8] {
        match *self {
            Body::Request { trailing, .. } | Body::Response { trailing, .. } => trailing,
            _ => &[],
        }
    }

    fn decoded_len(&self) -> usize {
        match self {
            Body::Request { request, .. } => request.buffer_len(),
            Body::Response { response, .. } => response.buffer_len(),
            _ => 0,
        }
    }

    /// The problem with this payload (offset from the payload start): a
    /// decode error or trailing bytes.
    pub fn error(&self) -> Option<Error> {
        match *self {
            Body::Malformed { error, .. } => Some(error),
            _ => {
                let t = self.trailing();
                if t.is_empty() {
                    None
                } else {
                    Some(trailing(self.decoded_len(), t.len()))
                }
            }
        }
    }

    /// The enclosed message of a Tunnel Management Command and its offset
    /// inside the payload.
    pub fn tunnelled(&self) -> Option<(&'a [u8], usize)> {
        match *self {
            Body::Request {
                request: Request::Tunnel(t),
                ..
            } => Some((t.command, TunnelRequest::COMMAND)),
            Body::Response {
                response: Response::Tunnel(t),
                ..
            } => Some((t.response, TunnelResponse::COMMAND)),
            _ => None,
        }
    }

    /// Encoded length.
    pub fn buffer_len(&self) -> usize {
        match self {
            Body::Empty => 0,
            Body::Vendor(d) | Body::Raw(d) | Body::Malformed { raw: d, .. } => d.len(),
            Body::Request { .. } | Body::Response { .. } => {
                self.decoded_len() + self.trailing().len()
            }
        }
    }

    /// Encode into `buf`; trailing bytes are written back (lossless).
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(
                crate::error::Layer::Cxl,
                n,
                buf.len(),
            ));
        }
        match self {
            Body::Empty => {}
            Body::Vendor(d) | Body::Raw(d) | Body::Malformed { raw: d, .. } => {
                buf[..n].copy_from_slice(d)
            }
            Body::Request { request, trailing } => {
                let m = request.buffer_len();
                request.emit_exact(&mut buf[..m]);
                buf[m..n].copy_from_slice(trailing);
            }
            Body::Response { response, trailing } => {
                let m = response.buffer_len();
                response.emit_exact(&mut buf[..m]);
                buf[m..n].copy_from_slice(trailing);
            }
        }
        Ok(n)
    }

    /// Append the payload's summary part (" / ..." when there is one).
    pub fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            Body::Empty => Ok(()),
            Body::Vendor(d) | Body::Raw(d) => {
                write!(w, " / data={}", HexBytes(&d[..d.len().min(16)]))?;
                if d.len() > 16 {
                    w.write_str("...")?;
                }
                Ok(())
            }
            Body::Malformed { error, .. } => write!(w, " / malformed: {}", error.kind.brief()),
            Body::Request { request, trailing } => {
                request.summary(w)?;
                summary_trailing(trailing, w)
            }
            Body::Response { response, trailing } => {
                response.summary(w)?;
                summary_trailing(trailing, w)
            }
        }
    }

    /// Hand the payload's own fields to `v` (offsets from the payload start).
    /// A tunnelled message is described by the caller.
    pub fn describe(&self, v: &mut dyn Visitor) {
        match self {
            Body::Empty => {}
            Body::Vendor(d) => v.field(&Field::new("vendor_payload", 0, d.len(), Value::Bytes(d))),
            Body::Raw(d) => v.field(&Field::new("payload", 0, d.len(), Value::Bytes(d))),
            // The error is the CCI message's `error` (Message::describe).
            Body::Malformed { raw, .. } => {
                v.field(&Field::new("payload", 0, raw.len(), Value::Bytes(raw)))
            }
            Body::Request { request, .. } => request.describe(v),
            Body::Response { response, .. } => response.describe(v),
        }
    }

    /// Describe trailing bytes, if any (after the tunnelled message).
    pub(crate) fn describe_trailing(&self, v: &mut dyn Visitor) {
        let t = self.trailing();
        if !t.is_empty() {
            v.field(&Field::new(
                "trailing",
                self.decoded_len(),
                t.len(),
                Value::Bytes(t),
            ));
        }
    }
}

fn summary_trailing(t: &[u8], w: &mut dyn fmt::Write) -> fmt::Result {
    if t.is_empty() {
        Ok(())
    } else {
        write!(w, " (+{} trailing bytes)", t.len())
    }
}
