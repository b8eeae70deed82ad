//! MCTP control messages (message type 0x00, DSP0236 §11–12).
//!
//! ```text
//!  msg byte 0   [7] IC (0)  [6:0] message type 0x00
//!  msg byte 1   [7] Rq  [6] D  [5] reserved  [4:0] instance ID
//!  msg byte 2   command code
//!  msg byte 3   completion code (responses only)
//!  then         request data / response data
//! ```
//!
//! Offsets in this module are relative to the **type byte**, so they match
//! the spec's message-byte numbering. Each command's bodies live in
//! [`body`]; this file holds the header and the code tables.

use core::fmt;

use crate::describe::{Describe, Field, Value, Visitor};
use crate::error::{need, Error, Layer, Result};
use crate::macros::open_enum;

pub mod allocate_endpoint_ids;
pub mod body;
pub mod builder;
pub mod common;
pub mod get_endpoint_id;
pub mod message_type_support;
pub mod query_hop;
pub mod rate_limit;
pub mod resolve_endpoint_id;
pub mod resolve_uuid;
pub mod routing_info_update;
pub mod routing_table_entries;
pub mod set_endpoint_id;
pub mod supported_interfaces;
pub mod uuid;
pub mod vendor_defined_support;
pub mod version_support;

#[cfg(test)]
mod tests;

pub use allocate_endpoint_ids::{
    AllocateEidsOperation, AllocateEndpointIdsRequest, AllocateEndpointIdsResponse,
    AllocationStatus,
};
pub use body::{Body, Request, Response};
pub use builder::ControlBuilder;
pub use common::{BindingId, ControlBody, EmitBody, Entries, EntryIter, ListBody, ListEntry};
pub use get_endpoint_id::{EidType, EndpointType, GetEndpointIdResponse};
pub use message_type_support::{GetMessageTypeSupportResponse, MessageTypeEntry, MessageTypeList};
pub use query_hop::{QueryHopRequest, QueryHopResponse};
pub use rate_limit::{
    QueryRateLimitResponse, RequestTxRateLimitRequest, RequestTxRateLimitResponse,
    UpdateRateLimitRequest,
};
pub use resolve_endpoint_id::{ResolveEndpointIdRequest, ResolveEndpointIdResponse};
pub use resolve_uuid::{ResolveUuidRequest, ResolveUuidResponse, ResolvedUuidEntry};
pub use routing_info_update::{RoutingInfoUpdateEntry, RoutingInformationUpdateRequest};
pub use routing_table_entries::{
    EntryType, GetRoutingTableEntriesRequest, GetRoutingTableEntriesResponse, RoutingTableEntry,
};
pub use set_endpoint_id::{
    EidAllocationStatus, EidAssignmentStatus, SetEidOperation, SetEndpointIdRequest,
    SetEndpointIdResponse,
};
pub use supported_interfaces::{InterfaceEntry, QuerySupportedInterfacesResponse};
pub use uuid::{GetEndpointUuidResponse, GetNetworkIdResponse};
pub use vendor_defined_support::{
    GetVendorDefinedMessageSupportRequest, GetVendorDefinedMessageSupportResponse, VendorId,
    VendorIdFormat,
};
pub use version_support::{
    GetMctpVersionSupportRequest, GetMctpVersionSupportResponse, VersionEntry,
};

/// Byte positions in a control message (from the type byte).
pub mod field {
    pub const TYPE: usize = 0;
    /// Rq, D, reserved, instance ID.
    pub const RQ_D_IID: usize = 1;
    pub const COMMAND: usize = 2;
    /// Completion code (responses only).
    pub const COMPLETION: usize = 3;
    /// Request data starts here.
    pub const REQUEST_DATA: usize = 3;
    /// Response data starts here.
    pub const RESPONSE_DATA: usize = 4;
}

/// Header length of a request (type, Rq/D/IID, command).
pub const REQUEST_HEADER_LEN: usize = 3;
/// Header length of a response (adds the completion code).
pub const RESPONSE_HEADER_LEN: usize = 4;

open_enum! {
    /// Control command codes (DSP0236 Table 12).
    pub enum Command: u8 {
        Reserved = 0x00 => "Reserved",
        SetEndpointId = 0x01 => "Set Endpoint ID",
        GetEndpointId = 0x02 => "Get Endpoint ID",
        GetEndpointUuid = 0x03 => "Get Endpoint UUID",
        GetMctpVersionSupport = 0x04 => "Get MCTP Version Support",
        GetMessageTypeSupport = 0x05 => "Get Message Type Support",
        GetVendorDefinedMessageSupport = 0x06 => "Get Vendor Defined Message Support",
        ResolveEndpointId = 0x07 => "Resolve Endpoint ID",
        AllocateEndpointIds = 0x08 => "Allocate Endpoint IDs",
        RoutingInformationUpdate = 0x09 => "Routing Information Update",
        GetRoutingTableEntries = 0x0A => "Get Routing Table Entries",
        PrepareForEndpointDiscovery = 0x0B => "Prepare for Endpoint Discovery",
        EndpointDiscovery = 0x0C => "Endpoint Discovery",
        DiscoveryNotify = 0x0D => "Discovery Notify",
        GetNetworkId = 0x0E => "Get Network ID",
        QueryHop = 0x0F => "Query Hop",
        ResolveUuid = 0x10 => "Resolve UUID",
        QueryRateLimit = 0x11 => "Query Rate Limit",
        RequestTxRateLimit = 0x12 => "Request TX Rate Limit",
        UpdateRateLimit = 0x13 => "Update Rate Limit",
        QuerySupportedInterfaces = 0x14 => "Query Supported Interfaces",
    }
}

impl Command {
    /// 0xF0–0xFF are defined by each transport binding (DSP0236 Table 12).
    pub const fn is_transport_specific(self) -> bool {
        self.value() >= 0xF0
    }

    /// Name for display: the spec name, "Transport Specific" for 0xF0–0xFF.
    pub const fn display_name(self) -> Option<&'static str> {
        match self.name() {
            Some(n) => Some(n),
            None if self.is_transport_specific() => Some("Transport Specific"),
            None => None,
        }
    }
}

open_enum! {
    /// Control completion codes (DSP0236 Table 13).
    pub enum CompletionCode: u8 {
        Success = 0x00 => "SUCCESS",
        Error = 0x01 => "ERROR",
        ErrorInvalidData = 0x02 => "ERROR_INVALID_DATA",
        ErrorInvalidLength = 0x03 => "ERROR_INVALID_LENGTH",
        ErrorNotReady = 0x04 => "ERROR_NOT_READY",
        ErrorUnsupportedCmd = 0x05 => "ERROR_UNSUPPORTED_CMD",
    }
}

impl CompletionCode {
    /// 0x80–0xFF are command specific.
    pub const fn is_command_specific(self) -> bool {
        self.value() >= 0x80
    }
}

/// A zero-copy view of a control message, starting at the type byte.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wrap without checks.
    pub const fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }
    /// Wrap after checking the header (4 bytes for a response, 3 for a request).
    pub fn new_checked(buffer: T) -> Result<Self> {
        let p = Packet { buffer };
        p.check_len()?;
        Ok(p)
    }
    /// Check that the header is present.
    pub fn check_len(&self) -> Result<()> {
        let b = self.buffer.as_ref();
        need(Layer::Control, b, REQUEST_HEADER_LEN)?;
        if !self.rq() {
            need(Layer::Control, b, RESPONSE_HEADER_LEN)?;
        }
        Ok(())
    }
    /// Give back the buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }
    fn b(&self, i: usize) -> u8 {
        self.buffer.as_ref()[i]
    }
    /// The message-type byte (should be 0x00).
    pub fn type_byte(&self) -> u8 {
        self.b(field::TYPE)
    }
    /// Request bit.
    pub fn rq(&self) -> bool {
        self.b(field::RQ_D_IID) & 0x80 != 0
    }
    /// Datagram bit.
    pub fn d(&self) -> bool {
        self.b(field::RQ_D_IID) & 0x40 != 0
    }
    /// Reserved bit 5 of byte 1.
    pub fn reserved(&self) -> bool {
        self.b(field::RQ_D_IID) & 0x20 != 0
    }
    /// Instance ID (0..31).
    pub fn instance_id(&self) -> u8 {
        self.b(field::RQ_D_IID) & 0x1F
    }
    /// Command code.
    pub fn command(&self) -> Command {
        Command::from_value(self.b(field::COMMAND))
    }
    /// Completion code, `None` in a request.
    pub fn completion_code(&self) -> Option<CompletionCode> {
        if self.rq() {
            None
        } else {
            Some(CompletionCode::from_value(self.b(field::COMPLETION)))
        }
    }
    /// Offset of the request or response data.
    pub fn data_offset(&self) -> usize {
        if self.rq() {
            field::REQUEST_DATA
        } else {
            field::RESPONSE_DATA
        }
    }
    /// Request or response data.
    pub fn data(&self) -> &[u8] {
        &self.buffer.as_ref()[self.data_offset()..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn b_mut(&mut self, i: usize) -> &mut u8 {
        &mut self.buffer.as_mut()[i]
    }
    /// Set Rq, D and instance ID (reserved bit cleared).
    pub fn set_rq_d_iid(&mut self, rq: bool, d: bool, iid: u8) {
        *self.b_mut(field::RQ_D_IID) =
            (if rq { 0x80 } else { 0 }) | (if d { 0x40 } else { 0 }) | (iid & 0x1F);
    }
    /// Set the command code.
    pub fn set_command(&mut self, c: Command) {
        *self.b_mut(field::COMMAND) = c.value();
    }
    /// Set the completion code (responses).
    pub fn set_completion_code(&mut self, cc: CompletionCode) {
        *self.b_mut(field::COMPLETION) = cc.value();
    }
}

/// The control header as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Header {
    /// Request (true) or response.
    pub rq: bool,
    /// Datagram: no response expected.
    pub d: bool,
    /// Instance ID, 0..31.
    pub instance_id: u8,
    /// Command code.
    pub command: Command,
    /// Completion code; `None` in requests.
    pub completion_code: Option<CompletionCode>,
}

impl Header {
    /// A request header.
    pub const fn request(command: Command, instance_id: u8) -> Self {
        Header {
            rq: true,
            d: false,
            instance_id: instance_id & 0x1F,
            command,
            completion_code: None,
        }
    }
    /// A response header.
    pub const fn response(command: Command, instance_id: u8, cc: CompletionCode) -> Self {
        Header {
            rq: false,
            d: false,
            instance_id: instance_id & 0x1F,
            command,
            completion_code: Some(cc),
        }
    }
    /// Parse from a checked view.
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Header> {
        p.check_len()?;
        Ok(Header {
            rq: p.rq(),
            d: p.d(),
            instance_id: p.instance_id(),
            command: p.command(),
            completion_code: p.completion_code(),
        })
    }
    /// Header length on the wire (including the type byte).
    pub const fn buffer_len(&self) -> usize {
        if self.rq {
            REQUEST_HEADER_LEN
        } else {
            RESPONSE_HEADER_LEN
        }
    }
    /// Write type byte, header and (for responses) completion code.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Control, n, buf.len()));
        }
        buf[field::TYPE] = 0x00;
        let mut p = Packet::new_unchecked(&mut buf[..n]);
        p.set_rq_d_iid(self.rq, self.d, self.instance_id);
        p.set_command(self.command);
        if !self.rq {
            p.set_completion_code(self.completion_code.unwrap_or(CompletionCode::Success));
        }
        Ok(n)
    }
}

/// A whole control message: header and decoded body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    pub header: Header,
    pub body: Body<'a>,
}

impl<'a> Message<'a> {
    /// Decode a control message starting at its type byte.
    ///
    /// A body that does not decode is kept as [`Body::Malformed`] with the
    /// error, so the header is still shown.
    pub fn parse(msg: &'a [u8]) -> Result<Message<'a>> {
        let p = Packet::new_checked(msg)?;
        let header = Header::parse(&p)?;
        let data = &msg[p.data_offset()..];
        let body = Body::parse(&header, data).unwrap_or_else(|e| Body::Malformed {
            error: e.shift(p.data_offset()),
            raw: data,
        });
        Ok(Message { header, body })
    }

    /// The body's problem (decode error or trailing bytes), with the offset
    /// relative to the type byte.
    pub fn problem(&self) -> Option<Error> {
        self.body.error().map(|e| match self.body {
            // `Message::parse` already re-based a Malformed error.
            Body::Malformed { .. } => e,
            _ => e.shift(self.header.buffer_len()),
        })
    }

    /// Bytes `emit_bytes` writes: header + body.
    pub fn buffer_len(&self) -> usize {
        self.header.buffer_len() + self.body.buffer_len()
    }

    /// Encode header and body; returns the length written.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Control, n, buf.len()));
        }
        let h = self.header.emit_bytes(buf)?;
        self.body.emit_bytes(&mut buf[h..n])?;
        Ok(n)
    }
}

impl Describe for Message<'_> {
    fn layer(&self) -> Layer {
        Layer::Control
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        use crate::describe::fast;
        let h = &self.header;
        w.write_str("CTRL ")?;
        match h.command.display_name() {
            Some(n) => w.write_str(n)?,
            None => {
                w.write_str("cmd ")?;
                fast::hex8(w, h.command.value())?;
            }
        }
        if h.rq {
            w.write_str(if h.d {
                " req (datagram) iid="
            } else {
                " req iid="
            })?;
            fast::dec(w, h.instance_id.into())?;
        } else {
            w.write_str(" rsp iid=")?;
            fast::dec(w, h.instance_id.into())?;
            if let Some(cc) = h.completion_code {
                w.write_str(" ")?;
                match cc.name() {
                    Some(n) => w.write_str(n)?,
                    None => fast::hex8(w, cc.value())?,
                }
            }
        }
        self.body.summary(&self.header, w)
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let h = &self.header;
        v.field(
            &Field::bits("rq", field::RQ_D_IID, 7, 7, Value::Bool(h.rq)).meaning(Some(if h.rq {
                "request"
            } else {
                "response"
            })),
        );
        v.field(
            &Field::bits("d", field::RQ_D_IID, 6, 6, Value::Bool(h.d)).meaning(if h.d {
                Some("datagram")
            } else {
                None
            }),
        );
        v.field(&Field::bits(
            "instance_id",
            field::RQ_D_IID,
            4,
            0,
            Value::Uint(h.instance_id.into()),
        ));
        v.field(&Field::new(
            "command",
            field::COMMAND,
            1,
            Value::hex8(h.command.value()),
        ));
        v.field(&Field::derived(
            "command_name",
            match h.command.display_name() {
                Some(n) => Value::Str(n),
                None => Value::Null,
            },
        ));
        match h.completion_code {
            Some(cc) => v.field(
                &Field::new(
                    "completion_code",
                    field::COMPLETION,
                    1,
                    Value::hex8(cc.value()),
                )
                .meaning(cc.name()),
            ),
            None => v.field(&Field::derived("completion_code", Value::Null)),
        }
        let base = if h.rq {
            field::REQUEST_DATA
        } else {
            field::RESPONSE_DATA
        };
        let len = self.buffer_len().saturating_sub(base);
        crate::describe::body(v, base, len, |v| self.body.describe(&self.header, v));
        crate::describe::error(v, self.problem());
    }
}
