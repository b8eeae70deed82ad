//! Craft control messages in one expression.
//!
//! ```
//! use mctpkit_wire::control::{builder, Command, ControlBuilder};
//!
//! let mut buf = [0u8; 64];
//! // Generic: header fields fluently, any `EmitBody` as the body.
//! let n = ControlBuilder::request(Command::GetEndpointId)
//!     .instance_id(3)
//!     .build(&mut buf)
//!     .unwrap();
//! assert_eq!(&buf[..n], &[0x00, 0x83, 0x02]);
//!
//! // Typed helpers: command, direction and body layout in one call.
//! let n = builder::get_message_type_support_response(3, &[0x00, 0x01])
//!     .build(&mut buf)
//!     .unwrap();
//! assert_eq!(&buf[..n], &[0x00, 0x03, 0x05, 0x00, 0x02, 0x00, 0x01]);
//! ```
//!
//! Output starts at the message-type byte (0x00, IC clear), ready to be
//! packetised. Nothing allocates; `to_vec()` needs the `alloc` feature.

use crate::error::{Error, Layer, Result};
use crate::mctp::MessageType;

use super::common::{ControlBody, EmitBody, ListBody};
use super::{Command, CompletionCode, Header};

use super::allocate_endpoint_ids::*;
use super::get_endpoint_id::*;
use super::message_type_support::MessageTypeList;
use super::query_hop::*;
use super::rate_limit::*;
use super::resolve_endpoint_id::*;
use super::resolve_uuid::*;
use super::routing_info_update::*;
use super::routing_table_entries::*;
use super::set_endpoint_id::*;
use super::supported_interfaces::*;
use super::uuid::*;
use super::vendor_defined_support::*;
use super::version_support::*;

/// The empty body (commands without data, error responses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoBody;

impl EmitBody for NoBody {
    fn buffer_len(&self) -> usize {
        0
    }
    fn emit_exact(&self, _: &mut [u8]) {}
}

/// A control message under construction: a header and a body encoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct ControlBuilder<B = NoBody> {
    header: Header,
    body: B,
}

impl ControlBuilder<NoBody> {
    /// A request for `command` (instance ID 0, not a datagram).
    pub const fn request(command: Command) -> Self {
        ControlBuilder {
            header: Header::request(command, 0),
            body: NoBody,
        }
    }

    /// A SUCCESS response for `command` (instance ID 0).
    pub const fn response(command: Command) -> Self {
        ControlBuilder {
            header: Header::response(command, 0, CompletionCode::Success),
            body: NoBody,
        }
    }

    /// A SUCCESS response answering `request`: same command and instance ID.
    pub const fn reply_to(request: &Header) -> Self {
        ControlBuilder {
            header: Header::response(
                request.command,
                request.instance_id,
                CompletionCode::Success,
            ),
            body: NoBody,
        }
    }

    /// A message whose command and direction come from a typed body.
    pub fn for_body<'a, B: ControlBody<'a>>(body: B) -> ControlBuilder<B> {
        let header = if B::REQUEST {
            Header::request(B::COMMAND, 0)
        } else {
            Header::response(B::COMMAND, 0, CompletionCode::Success)
        };
        ControlBuilder { header, body }
    }
}

impl<B: EmitBody> ControlBuilder<B> {
    /// Set the instance ID (masked to 0..31).
    pub const fn instance_id(mut self, iid: u8) -> Self {
        self.header.instance_id = iid & 0x1F;
        self
    }

    /// Set the datagram (D) bit: no response expected.
    pub const fn datagram(mut self, d: bool) -> Self {
        self.header.d = d;
        self
    }

    /// Change the command code.
    pub const fn command(mut self, c: Command) -> Self {
        self.header.command = c;
        self
    }

    /// Make this a response with completion code `cc`.
    pub const fn completion_code(mut self, cc: CompletionCode) -> Self {
        self.header.rq = false;
        self.header.completion_code = Some(cc);
        self
    }

    /// Replace the body.
    pub fn body<C: EmitBody>(self, body: C) -> ControlBuilder<C> {
        ControlBuilder {
            header: self.header,
            body,
        }
    }

    /// Replace the body by raw bytes (after the command / completion code).
    pub fn data(self, data: &[u8]) -> ControlBuilder<&[u8]> {
        self.body(data)
    }

    /// The header that will be written.
    pub const fn header(&self) -> Header {
        self.header
    }

    /// Total message length (type byte included).
    pub fn buffer_len(&self) -> usize {
        self.header.buffer_len() + self.body.buffer_len()
    }

    /// Write the message into `buf`, starting at the type byte; returns its length.
    pub fn build(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Control, n, buf.len()));
        }
        self.body.check()?;
        let h = self.header.emit_bytes(buf)?;
        self.body.emit_exact(&mut buf[h..n]);
        Ok(n)
    }

    /// The message as a new vector.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0u8; self.buffer_len()];
        // The vector has exactly buffer_len() bytes, so build cannot fail.
        let n = self.build(&mut v).unwrap_or(0);
        v.truncate(n);
        v
    }
}

impl<B: EmitBody> EmitBody for ControlBuilder<B> {
    fn buffer_len(&self) -> usize {
        ControlBuilder::buffer_len(self)
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        let _ = self.build(buf);
    }
    fn check(&self) -> Result<()> {
        self.body.check()
    }
}

fn req<'a, B: ControlBody<'a>>(iid: u8, b: B) -> ControlBuilder<B> {
    ControlBuilder::for_body(b).instance_id(iid)
}

fn empty_req(iid: u8, c: Command) -> ControlBuilder {
    ControlBuilder::request(c).instance_id(iid)
}

fn rsp<B: EmitBody>(iid: u8, c: Command, b: B) -> ControlBuilder<B> {
    ControlBuilder::response(c).instance_id(iid).body(b)
}

/// An error response: header + completion code only (4 bytes).
pub const fn error_response(iid: u8, command: Command, cc: CompletionCode) -> ControlBuilder {
    ControlBuilder::response(command)
        .instance_id(iid)
        .completion_code(cc)
}

/// ERROR_UNSUPPORTED_CMD answering `request` (what libmctp sends for an
/// unknown command: exactly 4 bytes).
pub const fn unsupported_command_response(request: &Header) -> ControlBuilder {
    ControlBuilder::reply_to(request).completion_code(CompletionCode::ErrorUnsupportedCmd)
}

/// Set Endpoint ID request (0x01).
pub fn set_endpoint_id_request(
    iid: u8,
    operation: SetEidOperation,
    eid: u8,
) -> ControlBuilder<SetEndpointIdRequest> {
    req(iid, SetEndpointIdRequest { operation, eid })
}

/// Set Endpoint ID response (0x01).
pub fn set_endpoint_id_response(
    iid: u8,
    eid_assignment_status: EidAssignmentStatus,
    eid_allocation_status: EidAllocationStatus,
    eid_setting: u8,
    eid_pool_size: u8,
) -> ControlBuilder<SetEndpointIdResponse> {
    req(
        iid,
        SetEndpointIdResponse {
            eid_assignment_status,
            eid_allocation_status,
            eid_setting,
            eid_pool_size,
        },
    )
}

/// Get Endpoint ID request (0x02).
pub fn get_endpoint_id_request(iid: u8) -> ControlBuilder {
    empty_req(iid, Command::GetEndpointId)
}

/// Get Endpoint ID response (0x02).
pub fn get_endpoint_id_response(
    iid: u8,
    eid: u8,
    endpoint_type: EndpointType,
    eid_type: EidType,
    medium_specific_information: u8,
) -> ControlBuilder<GetEndpointIdResponse> {
    req(
        iid,
        GetEndpointIdResponse {
            eid,
            endpoint_type,
            eid_type,
            medium_specific_information,
        },
    )
}

/// Get Endpoint UUID request (0x03).
pub fn get_endpoint_uuid_request(iid: u8) -> ControlBuilder {
    empty_req(iid, Command::GetEndpointUuid)
}

/// Get Endpoint UUID response (0x03).
pub fn get_endpoint_uuid_response(
    iid: u8,
    uuid: [u8; 16],
) -> ControlBuilder<GetEndpointUuidResponse> {
    req(iid, GetEndpointUuidResponse { uuid })
}

/// Get MCTP Version Support request (0x04); `0xFF` = base specification.
pub fn get_mctp_version_support_request(
    iid: u8,
    message_type_number: u8,
) -> ControlBuilder<GetMctpVersionSupportRequest> {
    req(
        iid,
        GetMctpVersionSupportRequest {
            message_type_number,
        },
    )
}

/// Get MCTP Version Support response (0x04) listing `versions`.
pub fn get_mctp_version_support_response(
    iid: u8,
    versions: &[VersionEntry],
) -> ControlBuilder<ListBody<'_, VersionEntry>> {
    rsp(
        iid,
        Command::GetMctpVersionSupport,
        GetMctpVersionSupportResponse::encoder(versions),
    )
}

/// Get MCTP Version Support "message type not supported" (cc 0x80, no count).
pub fn get_mctp_version_support_unsupported(iid: u8) -> ControlBuilder {
    error_response(
        iid,
        Command::GetMctpVersionSupport,
        CompletionCode::from_value(CC_MESSAGE_TYPE_NOT_SUPPORTED),
    )
}

/// Get Message Type Support request (0x05).
pub fn get_message_type_support_request(iid: u8) -> ControlBuilder {
    empty_req(iid, Command::GetMessageTypeSupport)
}

/// Get Message Type Support response (0x05) from message type numbers.
pub fn get_message_type_support_response(
    iid: u8,
    types: &[u8],
) -> ControlBuilder<MessageTypeList<'_>> {
    rsp(iid, Command::GetMessageTypeSupport, MessageTypeList(types))
}

/// Get Vendor Defined Message Support request (0x06).
pub fn get_vendor_defined_message_support_request(
    iid: u8,
    vendor_id_set_selector: u8,
) -> ControlBuilder<GetVendorDefinedMessageSupportRequest> {
    req(
        iid,
        GetVendorDefinedMessageSupportRequest {
            vendor_id_set_selector,
        },
    )
}

/// Get Vendor Defined Message Support response (0x06).
pub fn get_vendor_defined_message_support_response(
    iid: u8,
    vendor_id_set_selector: u8,
    vendor_id: VendorId,
    command_set_type: u16,
) -> ControlBuilder<GetVendorDefinedMessageSupportResponse> {
    req(
        iid,
        GetVendorDefinedMessageSupportResponse {
            vendor_id_set_selector,
            vendor_id,
            command_set_type,
        },
    )
}

/// Resolve Endpoint ID request (0x07).
pub fn resolve_endpoint_id_request(
    iid: u8,
    target_eid: u8,
) -> ControlBuilder<ResolveEndpointIdRequest> {
    req(iid, ResolveEndpointIdRequest { target_eid })
}

/// Resolve Endpoint ID response (0x07).
pub fn resolve_endpoint_id_response(
    iid: u8,
    bridge_eid: u8,
    physical_address: &[u8],
) -> ControlBuilder<ResolveEndpointIdResponse<'_>> {
    req(
        iid,
        ResolveEndpointIdResponse {
            bridge_eid,
            physical_address,
        },
    )
}

/// Allocate Endpoint IDs request (0x08).
pub fn allocate_endpoint_ids_request(
    iid: u8,
    operation: AllocateEidsOperation,
    eid_pool_size: u8,
    starting_eid: u8,
) -> ControlBuilder<AllocateEndpointIdsRequest> {
    req(
        iid,
        AllocateEndpointIdsRequest {
            operation,
            eid_pool_size,
            starting_eid,
        },
    )
}

/// Allocate Endpoint IDs response (0x08).
pub fn allocate_endpoint_ids_response(
    iid: u8,
    allocation_status: AllocationStatus,
    eid_pool_size: u8,
    first_eid: u8,
) -> ControlBuilder<AllocateEndpointIdsResponse> {
    req(
        iid,
        AllocateEndpointIdsResponse {
            allocation_status,
            eid_pool_size,
            first_eid,
        },
    )
}

/// Routing Information Update request (0x09). All entries must carry
/// addresses of the same length (the format has no size byte).
pub fn routing_information_update_request<'a>(
    iid: u8,
    entries: &'a [RoutingInfoUpdateEntry<'a>],
) -> ControlBuilder<ListBody<'a, RoutingInfoUpdateEntry<'a>>> {
    ControlBuilder::request(Command::RoutingInformationUpdate)
        .instance_id(iid)
        .body(RoutingInformationUpdateRequest::encoder(entries))
}

/// Routing Information Update response (0x09): completion code only.
pub fn routing_information_update_response(iid: u8) -> ControlBuilder {
    ControlBuilder::response(Command::RoutingInformationUpdate).instance_id(iid)
}

/// Get Routing Table Entries request (0x0A).
pub fn get_routing_table_entries_request(
    iid: u8,
    entry_handle: u8,
) -> ControlBuilder<GetRoutingTableEntriesRequest> {
    req(iid, GetRoutingTableEntriesRequest { entry_handle })
}

/// Get Routing Table Entries response (0x0A).
pub fn get_routing_table_entries_response<'a>(
    iid: u8,
    next_entry_handle: u8,
    entries: &'a [RoutingTableEntry<'a>],
) -> ControlBuilder<ListBody<'a, RoutingTableEntry<'a>>> {
    rsp(
        iid,
        Command::GetRoutingTableEntries,
        GetRoutingTableEntriesResponse::encoder(next_entry_handle, entries),
    )
}

/// Prepare for Endpoint Discovery request (0x0B), usually broadcast.
pub fn prepare_for_endpoint_discovery_request(iid: u8) -> ControlBuilder {
    empty_req(iid, Command::PrepareForEndpointDiscovery)
}

/// Endpoint Discovery request (0x0C).
pub fn endpoint_discovery_request(iid: u8) -> ControlBuilder {
    empty_req(iid, Command::EndpointDiscovery)
}

/// Discovery Notify request (0x0D).
pub fn discovery_notify_request(iid: u8) -> ControlBuilder {
    empty_req(iid, Command::DiscoveryNotify)
}

/// A SUCCESS response with no data (0x0B, 0x0C, 0x0D, 0x09, 0x13).
pub fn success_response(iid: u8, command: Command) -> ControlBuilder {
    ControlBuilder::response(command).instance_id(iid)
}

/// Get Network ID request (0x0E).
pub fn get_network_id_request(iid: u8) -> ControlBuilder {
    empty_req(iid, Command::GetNetworkId)
}

/// Get Network ID response (0x0E).
pub fn get_network_id_response(
    iid: u8,
    network_id: [u8; 16],
) -> ControlBuilder<GetNetworkIdResponse> {
    req(iid, GetNetworkIdResponse { uuid: network_id })
}

/// Query Hop request (0x0F).
pub fn query_hop_request(
    iid: u8,
    target_eid: u8,
    message_type: MessageType,
) -> ControlBuilder<QueryHopRequest> {
    req(
        iid,
        QueryHopRequest {
            target_eid,
            message_type,
        },
    )
}

/// Query Hop response (0x0F).
pub fn query_hop_response(iid: u8, response: QueryHopResponse) -> ControlBuilder<QueryHopResponse> {
    req(iid, response)
}

/// Resolve UUID request (0x10) with an entry handle.
pub fn resolve_uuid_request(
    iid: u8,
    uuid: [u8; 16],
    entry_handle: u8,
) -> ControlBuilder<ResolveUuidRequest> {
    req(
        iid,
        ResolveUuidRequest {
            requested_uuid: uuid,
            entry_handle: Some(entry_handle),
        },
    )
}

/// Resolve UUID response (0x10). All entries must carry addresses of the
/// same length.
pub fn resolve_uuid_response<'a>(
    iid: u8,
    next_entry_handle: u8,
    entries: &'a [ResolvedUuidEntry<'a>],
) -> ControlBuilder<ListBody<'a, ResolvedUuidEntry<'a>>> {
    rsp(
        iid,
        Command::ResolveUuid,
        ResolveUuidResponse::encoder(next_entry_handle, entries),
    )
}

/// Query Rate Limit request (0x11).
pub fn query_rate_limit_request(iid: u8) -> ControlBuilder {
    empty_req(iid, Command::QueryRateLimit)
}

/// Query Rate Limit response (0x11).
pub fn query_rate_limit_response(
    iid: u8,
    response: QueryRateLimitResponse,
) -> ControlBuilder<QueryRateLimitResponse> {
    req(iid, response)
}

/// Request TX Rate Limit request (0x12).
pub fn request_tx_rate_limit_request(
    iid: u8,
    transmit_burst_size: u32,
    transmit_rate_limit: u32,
) -> ControlBuilder<RequestTxRateLimitRequest> {
    req(
        iid,
        RequestTxRateLimitRequest {
            transmit_burst_size,
            transmit_rate_limit,
        },
    )
}

/// Request TX Rate Limit response (0x12).
pub fn request_tx_rate_limit_response(
    iid: u8,
    present_burst_setting: u32,
    present_transmit_rate_limit: u32,
) -> ControlBuilder<RequestTxRateLimitResponse> {
    req(
        iid,
        RequestTxRateLimitResponse {
            present_burst_setting,
            present_transmit_rate_limit,
        },
    )
}

/// Update Rate Limit request (0x13).
pub fn update_rate_limit_request(
    iid: u8,
    transmit_burst_size: u32,
    transmit_rate_limit: u32,
) -> ControlBuilder<UpdateRateLimitRequest> {
    req(
        iid,
        UpdateRateLimitRequest {
            transmit_burst_size,
            transmit_rate_limit,
        },
    )
}

/// Query Supported Interfaces request (0x14).
pub fn query_supported_interfaces_request(iid: u8) -> ControlBuilder {
    empty_req(iid, Command::QuerySupportedInterfaces)
}

/// Query Supported Interfaces response (0x14).
pub fn query_supported_interfaces_response(
    iid: u8,
    interfaces: &[InterfaceEntry],
) -> ControlBuilder<ListBody<'_, InterfaceEntry>> {
    rsp(
        iid,
        Command::QuerySupportedInterfaces,
        QuerySupportedInterfacesResponse::encoder(interfaces),
    )
}
