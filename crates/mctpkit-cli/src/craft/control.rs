//! `mctpkit craft control <command>`: one subcommand per MCTP control
//! command (DSP0236 Table 12), request by default, `--response` for the
//! response. Encoding is done by `mctpkit_wire::control::builder`; this file
//! only maps options to builder arguments.

use clap::{Args, Subcommand};
use mctpkit::wire::control::builder::{self, ControlBuilder};
use mctpkit::wire::control::{
    AllocateEidsOperation, AllocationStatus, BindingId, Command, CompletionCode,
    EidAllocationStatus, EidAssignmentStatus, EidType, EmitBody, EndpointType, EntryType,
    InterfaceEntry, QueryHopResponse, QueryRateLimitResponse, ResolvedUuidEntry,
    RoutingInfoUpdateEntry, RoutingTableEntry, SetEidOperation, VendorId, VersionEntry,
};
use mctpkit::wire::mctp::MessageType;

use super::parse::{self, KeyValues};

/// Options shared by every control command (accepted after the command name).
#[derive(Args, Debug)]
#[command(next_help_heading = "Control header (any position)")]
pub struct ControlArgs {
    /// Build the response instead of the request (TO defaults to 0).
    #[arg(long, global = true)]
    pub response: bool,
    /// Completion code of the response: success, error, invalid-data,
    /// invalid-length, not-ready, unsupported-cmd or a number (0x80 = Get
    /// MCTP Version Support "type not supported"). Anything but success
    /// gives the 4-byte error response (header and code, no data).
    #[arg(long, global = true, value_name = "CODE", value_parser = completion_code)]
    pub cc: Option<u8>,
    /// Control instance ID, 0..=31.
    #[arg(long, global = true, value_name = "IID", default_value = "0", value_parser = parse::instance_id)]
    pub instance_id: u8,
    /// Set the datagram (D) bit: a request that expects no response.
    #[arg(long, global = true)]
    pub datagram: bool,
    #[command(subcommand)]
    pub command: ControlCommand,
}

fn completion_code(s: &str) -> Result<u8, String> {
    parse::named(
        s,
        &[
            ("success", 0),
            ("error", 1),
            ("invalid-data", 2),
            ("invalid-length", 3),
            ("not-ready", 4),
            ("unsupported-cmd", 5),
        ],
    )
}

fn set_eid_op(s: &str) -> Result<u8, String> {
    parse::named(
        s,
        &[
            ("set", 0),
            ("force", 1),
            ("reset", 2),
            ("set-discovered", 3),
        ],
    )
}

fn accepted_rejected(s: &str) -> Result<u8, String> {
    parse::named(s, &[("accepted", 0), ("rejected", 1)])
}

fn eid_allocation(s: &str) -> Result<u8, String> {
    parse::named(
        s,
        &[("no-pool", 0), ("pool-required", 1), ("pool-assigned", 2)],
    )
}

fn endpoint_type(s: &str) -> Result<u8, String> {
    parse::named(s, &[("simple", 0), ("bridge", 1), ("bus-owner", 1)])
}

fn eid_type(s: &str) -> Result<u8, String> {
    parse::named(
        s,
        &[
            ("dynamic", 0),
            ("static", 1),
            ("static-matches", 2),
            ("static-differs", 3),
        ],
    )
}

fn allocate_op(s: &str) -> Result<u8, String> {
    parse::named(s, &[("allocate", 0), ("force", 1), ("get-info", 2)])
}

/// Message type names as in `analyze --filter type=` (one parser:
/// `MessageType::from_name`), plus `base` (0xFF) for Get MCTP Version
/// Support's "the base specification".
pub fn message_type(s: &str) -> Result<u8, String> {
    if s.eq_ignore_ascii_case("base") || s.eq_ignore_ascii_case("0xff") || s == "255" {
        return Ok(0xFF);
    }
    mctpkit::wire::mctp::MessageType::from_name(s)
        .map(|t| t.value())
        .ok_or_else(|| {
            format!("unknown message type {s:?} (a DSP0239 name, a number up to 0x7f, or base)")
        })
}

fn entry_type(s: &str) -> Result<u8, String> {
    parse::named(
        s,
        &[
            ("endpoint", 0),
            ("bridge-range", 1),
            ("bridge", 2),
            ("bridge-range-excl", 3),
        ],
    )
}

fn binding_id(s: &str) -> Result<u8, String> {
    parse::named(
        s,
        &[
            ("unspecified", 0x00),
            ("smbus", 0x01),
            ("pcie-vdm", 0x02),
            ("usb", 0x03),
            ("kcs", 0x04),
            ("serial", 0x05),
            ("i3c", 0x06),
            ("mmbi", 0x07),
            ("pcc", 0x08),
            ("ucie", 0x09),
            ("vendor", 0xFF),
        ],
    )
}

/// A Get Routing Table Entries response entry (`--entry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteEntry {
    size: u8,
    eid: u8,
    entry_type: u8,
    static_entry: bool,
    port: u8,
    binding: u8,
    media: u8,
    addr: Vec<u8>,
}

fn route_entry(s: &str) -> Result<RouteEntry, String> {
    let kv = KeyValues::parse(s)?;
    kv.only(&[
        "eid", "size", "type", "static", "port", "binding", "media", "addr",
    ])?;
    Ok(RouteEntry {
        eid: kv.value("eid", None, parse::u8_)?,
        size: kv.value("size", Some(1), parse::u8_)?,
        entry_type: kv.value("type", Some(0), entry_type)?,
        static_entry: kv.value("static", Some(false), parse::boolean)?,
        port: kv.value("port", Some(0), parse::u8_)?,
        binding: kv.value("binding", Some(0x01), binding_id)?,
        media: kv.value("media", Some(0), parse::u8_)?,
        addr: kv.value("addr", Some(Vec::new()), parse::hex_bytes)?,
    })
}

/// A Routing Information Update entry (`--entry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateEntry {
    entry_type: u8,
    size: u8,
    eid: u8,
    addr: Vec<u8>,
}

fn update_entry(s: &str) -> Result<UpdateEntry, String> {
    let kv = KeyValues::parse(s)?;
    kv.only(&["eid", "size", "type", "addr"])?;
    Ok(UpdateEntry {
        eid: kv.value("eid", None, parse::u8_)?,
        size: kv.value("size", Some(1), parse::u8_)?,
        entry_type: kv.value("type", Some(0), entry_type)?,
        addr: kv.value("addr", Some(Vec::new()), parse::hex_bytes)?,
    })
}

/// A Resolve UUID response entry (`--entry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UuidEntry {
    eid: u8,
    addr: Vec<u8>,
}

fn uuid_entry(s: &str) -> Result<UuidEntry, String> {
    let kv = KeyValues::parse(s)?;
    kv.only(&["eid", "addr"])?;
    Ok(UuidEntry {
        eid: kv.value("eid", None, parse::u8_)?,
        addr: kv.value("addr", Some(Vec::new()), parse::hex_bytes)?,
    })
}

fn interface(s: &str) -> Result<InterfaceEntry, String> {
    let kv = KeyValues::parse(s)?;
    kv.only(&["type", "eid"])?;
    Ok(InterfaceEntry {
        interface_type: kv.value("type", None, parse::u8_)?,
        interface_eid: kv.value("eid", None, parse::u8_)?,
    })
}

/// Burst size and rate limit, shared by the rate-limit commands.
#[derive(Args, Debug, Clone, Copy)]
pub struct Rate {
    /// Transmit burst size (request) / present burst setting (response), bytes.
    #[arg(long, default_value = "0", value_parser = parse::u32_)]
    burst: u32,
    /// Transmit rate limit (request) / present transmit rate limit (response),
    /// packets per second.
    #[arg(long, default_value = "0", value_parser = parse::u32_)]
    rate: u32,
}

/// The control commands. Options marked [response] need `--response`.
#[derive(Subcommand, Debug)]
pub enum ControlCommand {
    /// Set Endpoint ID (0x01).
    SetEndpointId {
        /// [request] Operation: set, force, reset, set-discovered.
        #[arg(long, default_value = "set", value_parser = set_eid_op)]
        op: u8,
        /// EID to assign (request) / EID setting now in force (response).
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        eid: u8,
        /// [response] EID assignment status: accepted, rejected.
        #[arg(long, value_parser = accepted_rejected)]
        status: Option<u8>,
        /// [response] EID allocation status: no-pool, pool-required, pool-assigned.
        #[arg(long, value_parser = eid_allocation)]
        allocation: Option<u8>,
        /// [response] EID pool size the endpoint wants.
        #[arg(long, value_parser = parse::u8_)]
        pool_size: Option<u8>,
    },
    /// Get Endpoint ID (0x02).
    GetEndpointId {
        /// [response] The endpoint's EID (0 = none assigned yet).
        #[arg(long, value_parser = parse::u8_)]
        eid: Option<u8>,
        /// [response] Endpoint type: simple, bridge.
        #[arg(long, value_parser = endpoint_type)]
        endpoint_type: Option<u8>,
        /// [response] EID type: dynamic, static, static-matches, static-differs.
        #[arg(long, value_parser = eid_type)]
        eid_type: Option<u8>,
        /// [response] Medium-specific information byte.
        #[arg(long, value_parser = parse::u8_)]
        medium_specific: Option<u8>,
    },
    /// Get Endpoint UUID (0x03).
    GetEndpointUuid {
        /// [response] The UUID (8-4-4-4-12 text or 32 hex digits, sent in that order).
        #[arg(long, value_parser = parse::uuid)]
        uuid: Option<[u8; 16]>,
    },
    /// Get MCTP Version Support (0x04).
    GetMctpVersionSupport {
        /// [request] Message type whose versions are asked: 0xff (or `base`) for
        /// the base specification, a number or a name (control, pldm, spdm, ...).
        #[arg(long = "type", default_value = "0xff", value_parser = message_type)]
        message_type: u8,
        /// [response] Versions, e.g. 1.3.1,1.2,1.1,1.0.
        #[arg(long, value_delimiter = ',', value_parser = parse::version)]
        versions: Vec<VersionEntry>,
    },
    /// Get Message Type Support (0x05).
    GetMessageTypeSupport {
        /// [response] Supported message types, e.g. 0,1,5 or control,pldm,spdm.
        #[arg(long, value_delimiter = ',', value_parser = message_type)]
        types: Vec<u8>,
    },
    /// Get Vendor Defined Message Support (0x06).
    GetVendorDefinedMessageSupport {
        /// Vendor ID set selector (request: the set asked; response: the next
        /// selector, 0xff = no more).
        #[arg(long, value_parser = parse::u8_)]
        selector: Option<u8>,
        /// [response] PCI vendor ID (format 0x00).
        #[arg(long, value_parser = parse::u16_, conflicts_with = "iana")]
        pci_vendor: Option<u16>,
        /// [response] IANA enterprise number (format 0x01).
        #[arg(long, value_parser = parse::u32_)]
        iana: Option<u32>,
        /// [response] Vendor-defined command set type.
        #[arg(long, default_value = "0", value_parser = parse::u16_)]
        command_set_type: u16,
    },
    /// Resolve Endpoint ID (0x07).
    ResolveEndpointId {
        /// [request] EID to resolve.
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        target_eid: u8,
        /// [response] EID of the bridge to send through.
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        bridge_eid: u8,
        /// [response] Physical address, hex (e.g. 64 for SMBus 0x32 as 8 bits).
        #[arg(long, default_value = "", value_parser = parse::hex_bytes)]
        physical_address: Vec<u8>,
    },
    /// Allocate Endpoint IDs (0x08).
    AllocateEndpointIds {
        /// [request] Operation: allocate, force, get-info.
        #[arg(long, default_value = "allocate", value_parser = allocate_op)]
        op: u8,
        /// Number of EIDs in the pool.
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        pool_size: u8,
        /// [request] First EID of the pool.
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        starting_eid: u8,
        /// [response] Allocation status: accepted, rejected.
        #[arg(long, default_value = "accepted", value_parser = accepted_rejected)]
        status: u8,
        /// [response] First EID of the pool allocated.
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        first_eid: u8,
    },
    /// Routing Information Update (0x09).
    RoutingInformationUpdate {
        /// [request] An entry, repeatable:
        /// `eid=N[,size=N][,type=endpoint|bridge-range|bridge|bridge-range-excl][,addr=HEX]`.
        /// Every entry's address must have the same length.
        #[arg(long, value_parser = update_entry)]
        entry: Vec<UpdateEntry>,
    },
    /// Get Routing Table Entries (0x0A).
    GetRoutingTableEntries {
        /// [request] Entry handle (0 for the first call).
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        handle: u8,
        /// [response] Next entry handle (0xff = no more).
        #[arg(long, default_value = "0xff", value_parser = parse::u8_)]
        next_handle: u8,
        /// [response] An entry, repeatable: `eid=N[,size=N][,type=endpoint|
        /// bridge-range|bridge|bridge-range-excl][,static][,port=N]
        /// [,binding=smbus|pcie-vdm|usb|kcs|serial|i3c|N][,media=N][,addr=HEX]`.
        #[arg(long, value_parser = route_entry)]
        entry: Vec<RouteEntry>,
    },
    /// Prepare for Endpoint Discovery (0x0B), usually broadcast (--dst 0xff).
    PrepareForEndpointDiscovery,
    /// Endpoint Discovery (0x0C), usually broadcast (--dst 0xff).
    EndpointDiscovery,
    /// Discovery Notify (0x0D).
    DiscoveryNotify,
    /// Get Network ID (0x0E).
    GetNetworkId {
        /// [response] The network ID (a UUID).
        #[arg(long, value_parser = parse::uuid)]
        uuid: Option<[u8; 16]>,
    },
    /// Query Hop (0x0F).
    QueryHop {
        /// [request] EID whose next hop is asked.
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        target_eid: u8,
        /// Message type (name or number).
        #[arg(long, default_value = "control", value_parser = message_type)]
        message_type: u8,
        /// [response] EID of the next bridge (0 = the target is reachable directly).
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        next_bridge_eid: u8,
        /// [response] Maximum incoming transmission unit size.
        #[arg(long, default_value = "64", value_parser = parse::u16_)]
        max_incoming: u16,
        /// [response] Maximum outgoing transmission unit size.
        #[arg(long, default_value = "64", value_parser = parse::u16_)]
        max_outgoing: u16,
    },
    /// Resolve UUID (0x10).
    ResolveUuid {
        /// [request] UUID to resolve.
        #[arg(long, value_parser = parse::uuid)]
        uuid: Option<[u8; 16]>,
        /// [request] Entry handle.
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        handle: u8,
        /// [response] Next entry handle (0xff = no more).
        #[arg(long, default_value = "0xff", value_parser = parse::u8_)]
        next_handle: u8,
        /// [response] An entry, repeatable: `eid=N[,addr=HEX]`.
        #[arg(long, value_parser = uuid_entry)]
        entry: Vec<UuidEntry>,
    },
    /// Query Rate Limit (0x11).
    QueryRateLimit {
        /// [response] Receive buffer size, bytes.
        #[arg(long, default_value = "0", value_parser = parse::u32_)]
        receive_buffer_size: u32,
        /// [response] Maximum receive data rate limit.
        #[arg(long, default_value = "0", value_parser = parse::u32_)]
        max_receive_rate: u32,
        /// [response] Maximum supported transmit data rate limit.
        #[arg(long, default_value = "0", value_parser = parse::u32_)]
        max_transmit_rate: u32,
        /// [response] Minimum supported transmit data rate limit.
        #[arg(long, default_value = "0", value_parser = parse::u32_)]
        min_transmit_rate: u32,
        /// [response] Maximum supported burst size.
        #[arg(long, default_value = "0", value_parser = parse::u32_)]
        max_burst: u32,
        #[command(flatten)]
        present: Rate,
        /// [response] Transmit rate limiter capabilities byte.
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        capabilities: u8,
    },
    /// Request TX Rate Limit (0x12).
    RequestTxRateLimit {
        #[command(flatten)]
        rate: Rate,
    },
    /// Update Rate Limit (0x13).
    UpdateRateLimit {
        #[command(flatten)]
        rate: Rate,
    },
    /// Query Supported Interfaces (0x14).
    QuerySupportedInterfaces {
        /// [response] An interface, repeatable: `type=N,eid=N`.
        #[arg(long, value_parser = interface)]
        interface: Vec<InterfaceEntry>,
    },
    /// Any command code with raw data, e.g. transport-specific 0xF0..=0xFF.
    Other {
        /// Command code.
        #[arg(long, value_parser = parse::u8_)]
        code: u8,
        /// Request or response data (after the command / completion code), hex.
        hex: Vec<String>,
    },
}

/// Reject response-only options on a request.
fn response_only(response: bool, given: &[(&str, bool)]) -> Result<(), String> {
    if response {
        return Ok(());
    }
    match given.iter().find(|(_, g)| *g) {
        Some((name, _)) => Err(format!(
            "--{name} is a response field: add --response to build the response"
        )),
        None => Ok(()),
    }
}

fn finish<B: EmitBody>(b: ControlBuilder<B>, a: &ControlArgs) -> Vec<u8> {
    b.instance_id(a.instance_id).datagram(a.datagram).to_vec()
}

impl ControlCommand {
    /// The command code.
    pub fn code(&self) -> Command {
        use ControlCommand as C;
        match self {
            C::SetEndpointId { .. } => Command::SetEndpointId,
            C::GetEndpointId { .. } => Command::GetEndpointId,
            C::GetEndpointUuid { .. } => Command::GetEndpointUuid,
            C::GetMctpVersionSupport { .. } => Command::GetMctpVersionSupport,
            C::GetMessageTypeSupport { .. } => Command::GetMessageTypeSupport,
            C::GetVendorDefinedMessageSupport { .. } => Command::GetVendorDefinedMessageSupport,
            C::ResolveEndpointId { .. } => Command::ResolveEndpointId,
            C::AllocateEndpointIds { .. } => Command::AllocateEndpointIds,
            C::RoutingInformationUpdate { .. } => Command::RoutingInformationUpdate,
            C::GetRoutingTableEntries { .. } => Command::GetRoutingTableEntries,
            C::PrepareForEndpointDiscovery => Command::PrepareForEndpointDiscovery,
            C::EndpointDiscovery => Command::EndpointDiscovery,
            C::DiscoveryNotify => Command::DiscoveryNotify,
            C::GetNetworkId { .. } => Command::GetNetworkId,
            C::QueryHop { .. } => Command::QueryHop,
            C::ResolveUuid { .. } => Command::ResolveUuid,
            C::QueryRateLimit { .. } => Command::QueryRateLimit,
            C::RequestTxRateLimit { .. } => Command::RequestTxRateLimit,
            C::UpdateRateLimit { .. } => Command::UpdateRateLimit,
            C::QuerySupportedInterfaces { .. } => Command::QuerySupportedInterfaces,
            C::Other { code, .. } => Command::from_value(*code),
        }
    }
}

/// Build the control message (type byte first).
pub fn build(a: &ControlArgs) -> Result<Vec<u8>, String> {
    use ControlCommand as C;
    let iid = a.instance_id;
    let rsp = a.response;
    if a.cc.is_some() && !rsp {
        return Err("--cc is a response field: add --response".into());
    }
    if let Some(cc) = a.cc.filter(|&c| c != 0) {
        if let C::Other { .. } = a.command {
            // Falls through: `other` may carry data after any code.
        } else {
            let b = builder::error_response(iid, a.command.code(), CompletionCode::from_value(cc));
            return Ok(finish(b, a));
        }
    }
    let msg = match &a.command {
        C::SetEndpointId {
            op,
            eid,
            status,
            allocation,
            pool_size,
        } => {
            response_only(
                rsp,
                &[
                    ("status", status.is_some()),
                    ("allocation", allocation.is_some()),
                    ("pool-size", pool_size.is_some()),
                ],
            )?;
            if rsp {
                finish(
                    builder::set_endpoint_id_response(
                        iid,
                        EidAssignmentStatus::from_value(status.unwrap_or(0)),
                        EidAllocationStatus::from_value(allocation.unwrap_or(0)),
                        *eid,
                        pool_size.unwrap_or(0),
                    ),
                    a,
                )
            } else {
                finish(
                    builder::set_endpoint_id_request(iid, SetEidOperation::from_value(*op), *eid),
                    a,
                )
            }
        }
        C::GetEndpointId {
            eid,
            endpoint_type,
            eid_type,
            medium_specific,
        } => {
            response_only(
                rsp,
                &[
                    ("eid", eid.is_some()),
                    ("endpoint-type", endpoint_type.is_some()),
                    ("eid-type", eid_type.is_some()),
                    ("medium-specific", medium_specific.is_some()),
                ],
            )?;
            if rsp {
                finish(
                    builder::get_endpoint_id_response(
                        iid,
                        eid.unwrap_or(0),
                        EndpointType::from_value(endpoint_type.unwrap_or(0)),
                        EidType::from_value(eid_type.unwrap_or(0)),
                        medium_specific.unwrap_or(0),
                    ),
                    a,
                )
            } else {
                finish(builder::get_endpoint_id_request(iid), a)
            }
        }
        C::GetEndpointUuid { uuid } => {
            response_only(rsp, &[("uuid", uuid.is_some())])?;
            if rsp {
                finish(
                    builder::get_endpoint_uuid_response(iid, uuid.unwrap_or_default()),
                    a,
                )
            } else {
                finish(builder::get_endpoint_uuid_request(iid), a)
            }
        }
        C::GetMctpVersionSupport {
            message_type,
            versions,
        } => {
            response_only(rsp, &[("versions", !versions.is_empty())])?;
            if rsp {
                finish(builder::get_mctp_version_support_response(iid, versions), a)
            } else {
                finish(
                    builder::get_mctp_version_support_request(iid, *message_type),
                    a,
                )
            }
        }
        C::GetMessageTypeSupport { types } => {
            response_only(rsp, &[("types", !types.is_empty())])?;
            if rsp {
                finish(builder::get_message_type_support_response(iid, types), a)
            } else {
                finish(builder::get_message_type_support_request(iid), a)
            }
        }
        C::GetVendorDefinedMessageSupport {
            selector,
            pci_vendor,
            iana,
            command_set_type,
        } => {
            response_only(
                rsp,
                &[
                    ("pci-vendor", pci_vendor.is_some()),
                    ("iana", iana.is_some()),
                ],
            )?;
            if rsp {
                let vendor = match (pci_vendor, iana) {
                    (_, Some(n)) => VendorId::Iana(*n),
                    (Some(v), None) => VendorId::Pci(*v),
                    (None, None) => {
                        return Err("the response needs --pci-vendor ID or --iana NUMBER".into())
                    }
                };
                finish(
                    builder::get_vendor_defined_message_support_response(
                        iid,
                        selector.unwrap_or(0xFF),
                        vendor,
                        *command_set_type,
                    ),
                    a,
                )
            } else {
                finish(
                    builder::get_vendor_defined_message_support_request(iid, selector.unwrap_or(0)),
                    a,
                )
            }
        }
        C::ResolveEndpointId {
            target_eid,
            bridge_eid,
            physical_address,
        } => {
            if rsp {
                finish(
                    builder::resolve_endpoint_id_response(iid, *bridge_eid, physical_address),
                    a,
                )
            } else {
                finish(builder::resolve_endpoint_id_request(iid, *target_eid), a)
            }
        }
        C::AllocateEndpointIds {
            op,
            pool_size,
            starting_eid,
            status,
            first_eid,
        } => {
            if rsp {
                finish(
                    builder::allocate_endpoint_ids_response(
                        iid,
                        AllocationStatus::from_value(*status),
                        *pool_size,
                        *first_eid,
                    ),
                    a,
                )
            } else {
                finish(
                    builder::allocate_endpoint_ids_request(
                        iid,
                        AllocateEidsOperation::from_value(*op),
                        *pool_size,
                        *starting_eid,
                    ),
                    a,
                )
            }
        }
        C::RoutingInformationUpdate { entry } => {
            if rsp {
                response_only(false, &[("entry", !entry.is_empty())])
                    .map_err(|_| "--entry belongs to the request".to_string())?;
                finish(builder::routing_information_update_response(iid), a)
            } else {
                same_addr_len(entry.iter().map(|e| e.addr.len()))?;
                let entries: Vec<RoutingInfoUpdateEntry<'_>> = entry
                    .iter()
                    .map(|e| RoutingInfoUpdateEntry {
                        entry_type: EntryType::from_value(e.entry_type),
                        eid_range_size: e.size,
                        first_eid: e.eid,
                        physical_address: &e.addr,
                    })
                    .collect();
                finish(
                    builder::routing_information_update_request(iid, &entries),
                    a,
                )
            }
        }
        C::GetRoutingTableEntries {
            handle,
            next_handle,
            entry,
        } => {
            response_only(rsp, &[("entry", !entry.is_empty())])?;
            if rsp {
                let entries: Vec<RoutingTableEntry<'_>> = entry
                    .iter()
                    .map(|e| RoutingTableEntry {
                        eid_range_size: e.size,
                        starting_eid: e.eid,
                        entry_type: EntryType::from_value(e.entry_type),
                        static_entry: e.static_entry,
                        port_number: e.port,
                        physical_transport_binding_id: BindingId::from_value(e.binding),
                        physical_media_type_id: e.media,
                        physical_address: &e.addr,
                    })
                    .collect();
                finish(
                    builder::get_routing_table_entries_response(iid, *next_handle, &entries),
                    a,
                )
            } else {
                finish(builder::get_routing_table_entries_request(iid, *handle), a)
            }
        }
        C::PrepareForEndpointDiscovery | C::EndpointDiscovery | C::DiscoveryNotify => {
            let cmd = a.command.code();
            if rsp {
                finish(builder::success_response(iid, cmd), a)
            } else {
                finish(ControlBuilder::request(cmd), a)
            }
        }
        C::GetNetworkId { uuid } => {
            response_only(rsp, &[("uuid", uuid.is_some())])?;
            if rsp {
                finish(
                    builder::get_network_id_response(iid, uuid.unwrap_or_default()),
                    a,
                )
            } else {
                finish(builder::get_network_id_request(iid), a)
            }
        }
        C::QueryHop {
            target_eid,
            message_type,
            next_bridge_eid,
            max_incoming,
            max_outgoing,
        } => {
            let mt = MessageType::from_value(*message_type);
            if rsp {
                finish(
                    builder::query_hop_response(
                        iid,
                        QueryHopResponse {
                            next_bridge_eid: *next_bridge_eid,
                            message_type: mt,
                            max_incoming_transmission_unit_size: *max_incoming,
                            max_outgoing_transmission_unit_size: *max_outgoing,
                        },
                    ),
                    a,
                )
            } else {
                finish(builder::query_hop_request(iid, *target_eid, mt), a)
            }
        }
        C::ResolveUuid {
            uuid,
            handle,
            next_handle,
            entry,
        } => {
            response_only(rsp, &[("entry", !entry.is_empty())])?;
            if rsp {
                same_addr_len(entry.iter().map(|e| e.addr.len()))?;
                let entries: Vec<ResolvedUuidEntry<'_>> = entry
                    .iter()
                    .map(|e| ResolvedUuidEntry {
                        eid: e.eid,
                        physical_address: &e.addr,
                    })
                    .collect();
                finish(
                    builder::resolve_uuid_response(iid, *next_handle, &entries),
                    a,
                )
            } else {
                let u = uuid.ok_or("the request needs --uuid")?;
                finish(builder::resolve_uuid_request(iid, u, *handle), a)
            }
        }
        C::QueryRateLimit {
            receive_buffer_size,
            max_receive_rate,
            max_transmit_rate,
            min_transmit_rate,
            max_burst,
            present,
            capabilities,
        } => {
            if rsp {
                finish(
                    builder::query_rate_limit_response(
                        iid,
                        QueryRateLimitResponse {
                            receive_buffer_size: *receive_buffer_size,
                            max_receive_data_rate_limit: *max_receive_rate,
                            max_supported_transmit_data_rate_limit: *max_transmit_rate,
                            min_supported_transmit_data_rate_limit: *min_transmit_rate,
                            max_supported_burst_size: *max_burst,
                            present_burst_setting: present.burst,
                            present_transmit_rate_limit: present.rate,
                            transmit_rate_limiter_capabilities: *capabilities,
                        },
                    ),
                    a,
                )
            } else {
                finish(builder::query_rate_limit_request(iid), a)
            }
        }
        C::RequestTxRateLimit { rate } => {
            if rsp {
                finish(
                    builder::request_tx_rate_limit_response(iid, rate.burst, rate.rate),
                    a,
                )
            } else {
                finish(
                    builder::request_tx_rate_limit_request(iid, rate.burst, rate.rate),
                    a,
                )
            }
        }
        C::UpdateRateLimit { rate } => {
            if rsp {
                finish(builder::success_response(iid, Command::UpdateRateLimit), a)
            } else {
                finish(
                    builder::update_rate_limit_request(iid, rate.burst, rate.rate),
                    a,
                )
            }
        }
        C::QuerySupportedInterfaces { interface } => {
            response_only(rsp, &[("interface", !interface.is_empty())])?;
            if rsp {
                finish(
                    builder::query_supported_interfaces_response(iid, interface),
                    a,
                )
            } else {
                finish(builder::query_supported_interfaces_request(iid), a)
            }
        }
        C::Other { code, hex } => {
            let data = parse::hex_bytes(&hex.join(" "))?;
            let cmd = Command::from_value(*code);
            let b = if rsp {
                ControlBuilder::response(cmd)
                    .completion_code(CompletionCode::from_value(a.cc.unwrap_or(0)))
            } else {
                ControlBuilder::request(cmd)
            };
            finish(b.data(&data), a)
        }
    };
    Ok(msg)
}

/// List formats without a per-entry size byte need equal address lengths.
fn same_addr_len(mut lens: impl Iterator<Item = usize>) -> Result<(), String> {
    if let Some(first) = lens.next() {
        if lens.any(|l| l != first) {
            return Err(
                "every entry's addr= must have the same length (the format has no size byte)"
                    .into(),
            );
        }
    }
    Ok(())
}
