//! Control message bodies: request and response data of every command.
//!
//! `data` handed to these functions starts right after the command byte
//! (requests) or the completion code (responses); offsets are relative to it.
//!
//! Decoding policy (DSP0236 §11–12):
//!
//! * Commands 0xF0–0xFF are transport-binding specific → [`Body::TransportSpecific`].
//! * A response with an error completion code and no data → [`Body::Empty`];
//!   with data (layout unknown for errors) → [`Body::Raw`]. Get MCTP Version
//!   Support with 0x80 carries no count byte, so it is `Empty`.
//! * Commands without data (requests of 0x02, 0x03, 0x05, 0x0B–0x0E, 0x11,
//!   0x14; responses of 0x09, 0x0B–0x0D, 0x13) → [`Body::Empty`].
//! * Known commands decode to [`Body::Request`] / [`Body::Response`].
//! * **Trailing bytes** after a complete body are decoded but flagged: the
//!   typed body is kept and `trailing` holds the extra bytes (also for
//!   no-data commands, as `Request::NoData` / `Response::NoData`).
//!   [`Body::trailing_error`] turns them into an `ErrorKind::Trailing` error,
//!   the summary shows `!! n trailing bytes` and `describe` emits a
//!   `trailing` field plus an `error` field. (libmctp rejects any length
//!   mismatch and mctpd ignores extra bytes; an analyser shows both.)
//! * A truncated or inconsistent body → `Err`, which `Message::parse` turns
//!   into [`Body::Malformed`] so the header is still shown.
//! * Unassigned command codes (0x00, 0x15–0xEF) → [`Body::Raw`] / `Empty`.

use core::fmt;

use crate::describe::{Field, HexBytes, Value, Visitor};
use crate::error::{Error, Result};

use super::allocate_endpoint_ids::{AllocateEndpointIdsRequest, AllocateEndpointIdsResponse};
use super::common::{trailing, ControlBody, EmitBody};
use super::get_endpoint_id::GetEndpointIdResponse;
use super::message_type_support::GetMessageTypeSupportResponse;
use super::query_hop::{QueryHopRequest, QueryHopResponse};
use super::rate_limit::{
    QueryRateLimitResponse, RequestTxRateLimitRequest, RequestTxRateLimitResponse,
    UpdateRateLimitRequest,
};
use super::resolve_endpoint_id::{ResolveEndpointIdRequest, ResolveEndpointIdResponse};
use super::resolve_uuid::{ResolveUuidRequest, ResolveUuidResponse};
use super::routing_info_update::RoutingInformationUpdateRequest;
use super::routing_table_entries::{GetRoutingTableEntriesRequest, GetRoutingTableEntriesResponse};
use super::set_endpoint_id::{SetEndpointIdRequest, SetEndpointIdResponse};
use super::supported_interfaces::QuerySupportedInterfacesResponse;
use super::uuid::{GetEndpointUuidResponse, GetNetworkIdResponse};
use super::vendor_defined_support::{
    GetVendorDefinedMessageSupportRequest, GetVendorDefinedMessageSupportResponse,
};
use super::version_support::{GetMctpVersionSupportRequest, GetMctpVersionSupportResponse};
use super::{Command, CompletionCode, Header};

/// Declare a typed-body enum over command `Repr`s plus a `NoData` variant,
/// with parse-by-command and forwarding of emit/summary/describe.
macro_rules! typed_bodies {
    (
        $(#[$m:meta])* $name:ident, $req:expr,
        none: [$($none:ident),*],
        typed: [$($var:ident($ty:ty)),* $(,)?]
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        #[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
        #[non_exhaustive]
        pub enum $name<'a> {
            /// A command whose body has no data (only seen with trailing bytes).
            NoData,
            $(
                #[doc = concat!("Command `", stringify!($var), "`.")]
                $var($ty),
            )*
        }

        impl<'a> $name<'a> {
            /// Decode the data of `command`; `None` when the command is not
            /// known in this direction. Returns the body and bytes used.
            pub fn parse_prefix(command: Command, data: &'a [u8]) -> Option<Result<(Self, usize)>> {
                Some(match command {
                    $(Command::$none => Ok(($name::NoData, 0)),)*
                    $(Command::$var => <$ty as ControlBody<'a>>::parse_prefix(data)
                        .map(|(b, n)| ($name::$var(b), n)),)*
                    _ => return None,
                })
            }

            /// The command this body belongs to (`None` for `NoData`).
            pub fn command(&self) -> Option<Command> {
                match self {
                    $name::NoData => None,
                    $($name::$var(_) => Some(<$ty as ControlBody<'a>>::COMMAND),)*
                }
            }

            /// One-line summary part.
            pub fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
                match self {
                    $name::NoData => Ok(()),
                    $($name::$var(b) => b.summary(w),)*
                }
            }

            /// Field walk (offsets relative to the data start).
            pub fn describe(&self, v: &mut dyn Visitor) {
                match self {
                    $name::NoData => {}
                    $($name::$var(b) => b.describe(v),)*
                }
            }
        }

        impl EmitBody for $name<'_> {
            fn buffer_len(&self) -> usize {
                match self {
                    $name::NoData => 0,
                    $($name::$var(b) => b.buffer_len(),)*
                }
            }
            fn emit_exact(&self, buf: &mut [u8]) {
                match self {
                    $name::NoData => {}
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

typed_bodies!(
    /// Decoded request data, one variant per command that has any.
    Request, true,
    none: [GetEndpointId, GetEndpointUuid, GetMessageTypeSupport, PrepareForEndpointDiscovery,
           EndpointDiscovery, DiscoveryNotify, GetNetworkId, QueryRateLimit,
           QuerySupportedInterfaces],
    typed: [
        SetEndpointId(SetEndpointIdRequest),
        GetMctpVersionSupport(GetMctpVersionSupportRequest),
        GetVendorDefinedMessageSupport(GetVendorDefinedMessageSupportRequest),
        ResolveEndpointId(ResolveEndpointIdRequest),
        AllocateEndpointIds(AllocateEndpointIdsRequest),
        RoutingInformationUpdate(RoutingInformationUpdateRequest<'a>),
        GetRoutingTableEntries(GetRoutingTableEntriesRequest),
        QueryHop(QueryHopRequest),
        ResolveUuid(ResolveUuidRequest),
        RequestTxRateLimit(RequestTxRateLimitRequest),
        UpdateRateLimit(UpdateRateLimitRequest),
    ]
);

typed_bodies!(
    /// Decoded response data (completion code SUCCESS), one variant per
    /// command that returns any.
    Response, false,
    none: [RoutingInformationUpdate, PrepareForEndpointDiscovery, EndpointDiscovery,
           DiscoveryNotify, UpdateRateLimit],
    typed: [
        SetEndpointId(SetEndpointIdResponse),
        GetEndpointId(GetEndpointIdResponse),
        GetEndpointUuid(GetEndpointUuidResponse),
        GetMctpVersionSupport(GetMctpVersionSupportResponse<'a>),
        GetMessageTypeSupport(GetMessageTypeSupportResponse<'a>),
        GetVendorDefinedMessageSupport(GetVendorDefinedMessageSupportResponse),
        ResolveEndpointId(ResolveEndpointIdResponse<'a>),
        AllocateEndpointIds(AllocateEndpointIdsResponse),
        GetRoutingTableEntries(GetRoutingTableEntriesResponse<'a>),
        GetNetworkId(GetNetworkIdResponse),
        QueryHop(QueryHopResponse),
        ResolveUuid(ResolveUuidResponse<'a>),
        QueryRateLimit(QueryRateLimitResponse),
        RequestTxRateLimit(RequestTxRateLimitResponse),
        QuerySupportedInterfaces(QuerySupportedInterfacesResponse<'a>),
    ]
);

/// The decoded request or response data of a control message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body<'a> {
    /// No data (commands without request data; error responses).
    Empty,
    /// Commands 0xF0–0xFF: defined by the transport binding, shown raw.
    TransportSpecific(&'a [u8]),
    /// Data of a command this version does not decode (unassigned command
    /// codes, error responses that carry data).
    Raw(&'a [u8]),
    /// Data that failed to decode; the error says where and why.
    Malformed {
        error: crate::error::Error,
        raw: &'a [u8],
    },
    /// Decoded request data; `trailing` holds unexpected extra bytes.
    Request {
        request: Request<'a>,
        trailing: &'a [u8],
    },
    /// Decoded response data; `trailing` holds unexpected extra bytes.
    Response {
        response: Response<'a>,
        trailing: &'a [u8],
    },
}

impl<'a> Body<'a> {
    /// Decode the data of `header.command` in the direction given by `header.rq`.
    pub fn parse(header: &Header, data: &'a [u8]) -> Result<Body<'a>> {
        if header.command.is_transport_specific() {
            return Ok(Body::TransportSpecific(data));
        }
        if !header.rq && header.completion_code != Some(CompletionCode::Success) {
            // An error response may be just the completion code (DSP0236
            // §11.5); any data after an error code has no defined layout.
            return Ok(if data.is_empty() {
                Body::Empty
            } else {
                Body::Raw(data)
            });
        }
        let parsed: Option<Result<(Body<'a>, bool)>> = if header.rq {
            Request::parse_prefix(header.command, data).map(|r| {
                r.map(|(request, n)| {
                    let none = matches!(request, Request::NoData);
                    let trailing = data.get(n..).unwrap_or(&[]);
                    (Body::Request { request, trailing }, none)
                })
            })
        } else {
            Response::parse_prefix(header.command, data).map(|r| {
                r.map(|(response, n)| {
                    let none = matches!(response, Response::NoData);
                    let trailing = data.get(n..).unwrap_or(&[]);
                    (Body::Response { response, trailing }, none)
                })
            })
        };
        match parsed {
            None if data.is_empty() => Ok(Body::Empty),
            None => Ok(Body::Raw(data)),
            Some(r) => {
                let (body, no_data) = r?;
                // A command without data, sent without data.
                if no_data && data.is_empty() {
                    Ok(Body::Empty)
                } else {
                    Ok(body)
                }
            }
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

    /// Extra bytes after a decoded body (empty when none).
    pub fn trailing(&self) -> &'a [u8] {
        match *self {
            Body::Request { trailing, .. } | Body::Response { trailing, .. } => trailing,
            _ => &[],
        }
    }

    /// The `Trailing` error for extra bytes after a decoded body, with the
    /// offset relative to the data start.
    pub fn trailing_error(&self) -> Option<Error> {
        let t = self.trailing();
        if t.is_empty() {
            None
        } else {
            Some(trailing(self.decoded_len(), t.len()))
        }
    }

    /// The problem with this body, if any: the decode error of a
    /// `Malformed` body or the `Trailing` error (offsets from the data start).
    pub fn error(&self) -> Option<Error> {
        match *self {
            Body::Malformed { error, .. } => Some(error),
            _ => self.trailing_error(),
        }
    }

    fn decoded_len(&self) -> usize {
        match self {
            Body::Request { request, .. } => request.buffer_len(),
            Body::Response { response, .. } => response.buffer_len(),
            _ => 0,
        }
    }

    /// Encoded length.
    pub fn buffer_len(&self) -> usize {
        match self {
            Body::Empty => 0,
            Body::TransportSpecific(d) | Body::Raw(d) => d.len(),
            Body::Malformed { raw, .. } => raw.len(),
            Body::Request { .. } | Body::Response { .. } => {
                self.decoded_len() + self.trailing().len()
            }
        }
    }

    /// Encode into `buf` (exactly `buffer_len()` bytes); returns the length.
    /// Trailing bytes are written back, so decode → encode is lossless.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(crate::error::Error::buffer_too_small(
                crate::error::Layer::Control,
                n,
                buf.len(),
            ));
        }
        match self {
            Body::Empty => {}
            Body::TransportSpecific(d) | Body::Raw(d) => buf[..n].copy_from_slice(d),
            Body::Malformed { raw, .. } => buf[..n].copy_from_slice(raw),
            Body::Request { .. } | Body::Response { .. } => {
                let m = self.decoded_len();
                match self {
                    Body::Request { request, .. } => request.emit_exact(&mut buf[..m]),
                    Body::Response { response, .. } => response.emit_exact(&mut buf[..m]),
                    _ => {}
                }
                buf[m..n].copy_from_slice(self.trailing());
            }
        }
        Ok(n)
    }

    /// Append the body's part of the one-line summary (starting with " / " when non-empty).
    pub fn summary(&self, _header: &Header, w: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            Body::Empty => Ok(()),
            Body::TransportSpecific(d) | Body::Raw(d) => write!(w, " / data={}", HexBytes(d)),
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

    /// Hand the body's fields to `v` (offsets relative to the data start).
    pub fn describe(&self, _header: &Header, v: &mut dyn Visitor) {
        match self {
            Body::Empty => {}
            Body::TransportSpecific(d) | Body::Raw(d) => {
                v.field(&Field::new("data", 0, d.len(), Value::Bytes(d)))
            }
            // The error is the layer's `error` (Message::describe).
            Body::Malformed { raw, .. } => {
                v.field(&Field::new("data", 0, raw.len(), Value::Bytes(raw)))
            }
            Body::Request { request, .. } => {
                request.describe(v);
                self.describe_trailing(v);
            }
            Body::Response { response, .. } => {
                response.describe(v);
                self.describe_trailing(v);
            }
        }
    }

    fn describe_trailing(&self, v: &mut dyn Visitor) {
        let t = self.trailing();
        if t.is_empty() {
            return;
        }
        let at = self.decoded_len();
        v.field(&Field::new("trailing", at, t.len(), Value::Bytes(t)));
    }
}

fn summary_trailing(t: &[u8], w: &mut dyn fmt::Write) -> fmt::Result {
    if t.is_empty() {
        Ok(())
    } else {
        write!(w, " (+{} trailing bytes)", t.len())
    }
}
