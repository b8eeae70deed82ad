//! The MCTP control-protocol responder (DSP0236 §12, `mctp-core.md` §7).
//!
//! Requests (type 0, TO=1, Rq=1) are answered with TO=0 and the request's
//! tag, back out of the ingress bus to the requester's physical address.
//! Decoding and encoding use `mctpkit_wire::control`.
//!
//! Policies (where libmctp and mctpd differ, §7.6):
//!
//! * **D=1** (datagram) → no response (libmctp; mctpd ignores D).
//! * A message with TO=1 but Rq=0 is not a request: it goes to the application.
//! * **Length**: a request too short for its command → ERROR_INVALID_LENGTH
//!   (0x03) so the requester does not wait for a timeout (libmctp replies
//!   0x03; mctpd drops silently). **Trailing bytes are ignored** (mctpd),
//!   so requests from newer spec revisions with added fields still work.
//! * **Unsupported** commands (Resolve UUID, rate limiting, Query Supported
//!   Interfaces, transport-specific 0xF0–0xFF, unassigned codes) → exactly
//!   4 bytes with ERROR_UNSUPPORTED_CMD (0x05), same instance ID and command.
//! * **Set Endpoint ID**: EID 0, 1–7, 0xFF → ERROR_INVALID_DATA (0x02); ops
//!   Set and Force apply at once (the reply already comes from the new EID,
//!   like mctpd); the requester becomes the bus owner (a route to it plus a
//!   default route "everything else via the bus owner" are added); Reset →
//!   0x02 (mctpd); Set Discovered Flag sets the flag and answers "rejected"
//!   with the current EID (mctpd).
//! * **Get MCTP Version Support**: 0xFF and 0x00 report DSP0236 1.0, 1.1,
//!   1.2 and 1.3.1; a registered type reports its registered versions; any
//!   other type → 0x80 with no count byte (libmctp, mctpd).
//! * **Get Message Type Support** reports 0x00 plus the registered types,
//!   plus 0x7E/0x7F when vendor sets are registered (mctpd).
//! * **Resolve Endpoint ID** answers from the routing table: the next-hop
//!   EID (the gateway, or the target itself) and the next hop's physical
//!   address; unknown → ERROR (0x01, mctpd).
//! * **Query Hop**: next bridge EID is 0 when the target is on one of this
//!   stack's buses (a direct route) and the gateway EID otherwise; units are
//!   the ingress and egress buses' transmission units. No route → 0x02.
//! * **Endpoint Discovery** is answered only while the discovered flag is
//!   clear; Prepare for Endpoint Discovery clears it.

use mctpkit_wire::control::{
    self, builder, AllocateEidsOperation, AllocationStatus, BindingId, Body, Command,
    CompletionCode, EidAllocationStatus, EidAssignmentStatus, EidType, EndpointType, EntryType,
    Header, QueryHopResponse, Request, RoutingTableEntry, SetEidOperation, VersionEntry,
};

use crate::route::{NextHop, Route};
use crate::stack::Stack;
use crate::types::*;
use mctpkit_wire::binding::BindingKind;

/// DSP0236 versions reported for 0xFF / 0x00.
pub fn base_versions() -> [VersionEntry; 4] {
    [
        VersionEntry::new(1, 0, None, 0),
        VersionEntry::new(1, 1, None, 0),
        VersionEntry::new(1, 2, None, 0),
        VersionEntry::new(1, 3, Some(1), 0),
    ]
}

/// The routing-table binding ID of a binding kind.
pub fn binding_id(k: BindingKind) -> BindingId {
    match k {
        // IPMI Master Write-Read carries SMBus frames.
        BindingKind::Smbus | BindingKind::SmbusNoDest | BindingKind::IpmiMasterWriteRead => {
            BindingId::Smbus
        }
        BindingKind::Serial => BindingId::Serial,
        BindingKind::I3c => BindingId::I3c,
        BindingKind::PcieVdm => BindingId::PcieVdm,
        BindingKind::Usb => BindingId::Usb,
        BindingKind::None => BindingId::Unspecified,
    }
}

/// Answer a control request addressed to this stack. Returns whether the
/// message should also be delivered to the application.
pub(crate) fn handle_request(s: &mut Stack, now: Millis, m: &Message) -> bool {
    let deliver = s.cfg.deliver_control_requests;
    let Ok(p) = control::Packet::new_checked(&m.data[..]) else {
        s.counters.drop(DropReason::ControlMalformed);
        return false;
    };
    let Ok(h) = Header::parse(&p) else {
        s.counters.drop(DropReason::ControlMalformed);
        return false;
    };
    if !h.rq {
        // TO=1 but Rq=0: not a request, let the application see it.
        return true;
    }
    if h.d {
        return deliver;
    }
    s.counters.control_requests += 1;
    let mut out = [0u8; 512];
    let data = m.data.get(p.data_offset()..).unwrap_or(&[]);
    let n = match Body::parse(&h, data) {
        Err(_) => build_err(&h, CompletionCode::ErrorInvalidLength, &mut out),
        Ok(body) => respond(s, now, m, &h, body, &mut out),
    };
    if let Some(n) = n {
        let _ = s.respond(now, m, &out[..n]);
    }
    crate::bus_owner::run_pending_bridge(s, now);
    deliver
}

fn build_err(h: &Header, cc: CompletionCode, out: &mut [u8]) -> Option<usize> {
    builder::error_response(h.instance_id, h.command, cc)
        .build(out)
        .ok()
}

fn req_of<'a>(body: &Body<'a>) -> Option<Request<'a>> {
    match body {
        Body::Request { request, .. } => Some(*request),
        _ => None,
    }
}

fn respond(
    s: &mut Stack,
    now: Millis,
    m: &Message,
    h: &Header,
    body: Body<'_>,
    out: &mut [u8],
) -> Option<usize> {
    let iid = h.instance_id;
    let bus = m.bus;
    let net = m.net;
    let r = req_of(&body);
    let unsupported = |out: &mut [u8]| build_err(h, CompletionCode::ErrorUnsupportedCmd, out);
    let invalid = |out: &mut [u8]| build_err(h, CompletionCode::ErrorInvalidData, out);
    let _ = now;
    match h.command {
        Command::SetEndpointId => {
            let Some(Request::SetEndpointId(q)) = r else {
                return build_err(h, CompletionCode::ErrorInvalidLength, out);
            };
            match q.operation {
                SetEidOperation::SetEid | SetEidOperation::ForceEid => {
                    if q.eid < 8 || q.eid == 0xFF {
                        return invalid(out);
                    }
                    s.bus_generation += 1;
                    if let Some(b) = s.bus_mut(bus) {
                        b.cfg.eids.clear();
                        b.cfg.eids.push(q.eid);
                        b.discovered = true;
                        b.bus_owner = Some((m.src, m.phys));
                    }
                    crate::bus_owner::bridge_eid_assigned(s, bus, q.eid);
                    if m.src >= 8 && m.src != 0xFF {
                        let mut to_bo = Route::endpoint(net, m.src, bus, m.phys);
                        to_bo.static_entry = false;
                        let _ = s.routes.add(to_bo);
                        // Everything else through the bus owner (narrower
                        // routes win; never used to forward back out of
                        // the ingress bus).
                        let mut default = Route::range(net, 8, 0xFE, bus, m.phys);
                        default.bridge = false;
                        default.static_entry = false;
                        let _ = s.routes.add(default);
                    }
                    s.events.push_back(Event::EidAssigned {
                        bus,
                        eid: q.eid,
                        bus_owner: m.src,
                    });
                    let (alloc, size) = pool_status(s);
                    builder::set_endpoint_id_response(
                        iid,
                        EidAssignmentStatus::Accepted,
                        alloc,
                        q.eid,
                        size,
                    )
                    .build(out)
                    .ok()
                }
                SetEidOperation::SetDiscoveredFlag => {
                    if let Some(b) = s.bus_mut(bus) {
                        b.discovered = true;
                    }
                    let (alloc, size) = pool_status(s);
                    builder::set_endpoint_id_response(
                        iid,
                        EidAssignmentStatus::Rejected,
                        alloc,
                        s.local_eid(bus),
                        size,
                    )
                    .build(out)
                    .ok()
                }
                _ => invalid(out),
            }
        }
        Command::GetEndpointId => {
            let et = if s.cfg.forwarding || s.cfg.eid_pool_size > 0 {
                EndpointType::BusOwnerBridge
            } else {
                EndpointType::SimpleEndpoint
            };
            builder::get_endpoint_id_response(iid, s.local_eid(bus), et, EidType::Dynamic, 0)
                .build(out)
                .ok()
        }
        Command::GetEndpointUuid => match s.cfg.uuid {
            Some(u) => builder::get_endpoint_uuid_response(iid, u).build(out).ok(),
            None => unsupported(out),
        },
        Command::GetMctpVersionSupport => {
            let Some(Request::GetMctpVersionSupport(q)) = r else {
                return build_err(h, CompletionCode::ErrorInvalidLength, out);
            };
            let t = q.message_type_number;
            if t == 0xFF || t == 0x00 {
                let v = base_versions();
                return builder::get_mctp_version_support_response(iid, &v)
                    .build(out)
                    .ok();
            }
            match s.types.iter().find(|(x, v)| *x == t && !v.is_empty()) {
                Some((_, v)) => builder::get_mctp_version_support_response(iid, v)
                    .build(out)
                    .ok(),
                None => builder::get_mctp_version_support_unsupported(iid)
                    .build(out)
                    .ok(),
            }
        }
        Command::GetMessageTypeSupport => {
            let mut types = [0u8; 64];
            let mut n = 0;
            for (t, _) in &s.types {
                if n < types.len() && *t != 0 {
                    types[n] = *t;
                    n += 1;
                }
            }
            if !s.vendor.is_empty() {
                for t in [0x7E, 0x7F] {
                    if n < types.len() && !types[..n].contains(&t) {
                        types[n] = t;
                        n += 1;
                    }
                }
            }
            // Control (0x00) is implied by answering; mctpd and libmctp list
            // it anyway.
            let mut all = [0u8; 65];
            all[1..=n].copy_from_slice(&types[..n]);
            builder::get_message_type_support_response(iid, &all[..=n])
                .build(out)
                .ok()
        }
        Command::GetVendorDefinedMessageSupport => {
            let Some(Request::GetVendorDefinedMessageSupport(q)) = r else {
                return build_err(h, CompletionCode::ErrorInvalidLength, out);
            };
            let sel = usize::from(q.vendor_id_set_selector);
            match s.vendor.get(sel) {
                Some(&(id, cmdset)) => {
                    let next = if sel + 1 < s.vendor.len() {
                        (sel + 1) as u8
                    } else {
                        0xFF
                    };
                    builder::get_vendor_defined_message_support_response(iid, next, id, cmdset)
                        .build(out)
                        .ok()
                }
                None => invalid(out),
            }
        }
        Command::ResolveEndpointId => {
            let Some(Request::ResolveEndpointId(q)) = r else {
                return build_err(h, CompletionCode::ErrorInvalidLength, out);
            };
            match s.routes.resolve(net, q.target_eid) {
                Some(res) => {
                    builder::resolve_endpoint_id_response(iid, res.next_eid, res.phys.as_bytes())
                        .build(out)
                        .ok()
                }
                None => build_err(h, CompletionCode::Error, out),
            }
        }
        Command::AllocateEndpointIds => {
            if s.cfg.eid_pool_size == 0 {
                return unsupported(out);
            }
            let Some(Request::AllocateEndpointIds(q)) = r else {
                return build_err(h, CompletionCode::ErrorInvalidLength, out);
            };
            match q.operation {
                AllocateEidsOperation::GetAllocationInformation => {
                    let (start, size) = s.pool_alloc.unwrap_or((0, 0));
                    builder::allocate_endpoint_ids_response(
                        iid,
                        AllocationStatus::Accepted,
                        size,
                        start,
                    )
                    .build(out)
                    .ok()
                }
                AllocateEidsOperation::AllocateEids | AllocateEidsOperation::ForceAllocation => {
                    let size = q.eid_pool_size.min(s.cfg.eid_pool_size);
                    let last = u16::from(q.starting_eid) + u16::from(size);
                    if size == 0 || q.starting_eid < 8 || last > 0xFF {
                        return invalid(out);
                    }
                    if s.pool_alloc.is_some() && q.operation == AllocateEidsOperation::AllocateEids
                    {
                        let (start, size) = s.pool_alloc.unwrap_or((0, 0));
                        return builder::allocate_endpoint_ids_response(
                            iid,
                            AllocationStatus::Rejected,
                            size,
                            start,
                        )
                        .build(out)
                        .ok();
                    }
                    s.pool_alloc = Some((q.starting_eid, size));
                    crate::bus_owner::bridge_pool_allocated(s, bus);
                    s.events.push_back(Event::PoolAllocated {
                        bus,
                        start: q.starting_eid,
                        size,
                    });
                    builder::allocate_endpoint_ids_response(
                        iid,
                        AllocationStatus::Accepted,
                        size,
                        q.starting_eid,
                    )
                    .build(out)
                    .ok()
                }
                _ => invalid(out),
            }
        }
        Command::RoutingInformationUpdate => {
            let Some(Request::RoutingInformationUpdate(q)) = r else {
                return build_err(h, CompletionCode::ErrorInvalidLength, out);
            };
            let mut n = 0u8;
            for e in q.entries.iter() {
                let Some(phys) = PhysAddr::new(e.physical_address) else {
                    continue;
                };
                if e.eid_range_size == 0 {
                    continue;
                }
                let last = u16::from(e.first_eid) + u16::from(e.eid_range_size) - 1;
                let Ok(last) = u8::try_from(last) else {
                    continue;
                };
                let mut rt = Route::range(net, e.first_eid, last, bus, phys);
                rt.bridge = e.entry_type != EntryType::SingleEndpoint;
                rt.static_entry = false;
                if s.routes.add(rt).is_ok() {
                    n += 1;
                }
            }
            s.events.push_back(Event::RoutesUpdated { bus, entries: n });
            builder::routing_information_update_response(iid)
                .build(out)
                .ok()
        }
        Command::GetRoutingTableEntries => {
            let Some(Request::GetRoutingTableEntries(q)) = r else {
                return build_err(h, CompletionCode::ErrorInvalidLength, out);
            };
            routing_table_response(s, iid, q.entry_handle, bus, out)
        }
        Command::PrepareForEndpointDiscovery => {
            if let Some(b) = s.bus_mut(bus) {
                b.discovered = false;
            }
            builder::success_response(iid, h.command).build(out).ok()
        }
        Command::EndpointDiscovery => {
            if s.bus_ref(bus).is_some_and(|b| b.discovered) {
                return None;
            }
            builder::success_response(iid, h.command).build(out).ok()
        }
        Command::DiscoveryNotify => {
            s.events.push_back(Event::DiscoveryNotify {
                bus,
                phys: m.phys,
                src: m.src,
            });
            builder::success_response(iid, h.command).build(out).ok()
        }
        Command::GetNetworkId => match s.cfg.network_id {
            Some(id) => builder::get_network_id_response(iid, id).build(out).ok(),
            None => unsupported(out),
        },
        Command::QueryHop => {
            let Some(Request::QueryHop(q)) = r else {
                return build_err(h, CompletionCode::ErrorInvalidLength, out);
            };
            let in_mtu = s.bus_ref(bus).map_or(64, |b| b.cfg.mtu);
            let (next, out_mtu) = if s.is_local(net, q.target_eid) {
                (0, in_mtu)
            } else {
                match (
                    s.routes.lookup(net, q.target_eid).map(|r| r.hop),
                    s.egress_for(net, q.target_eid),
                ) {
                    (Some(NextHop::Gateway(gw)), Some(eg)) => (gw, eg.mtu),
                    (Some(NextHop::Direct { .. }), Some(eg)) => (0, eg.mtu),
                    _ => return invalid(out),
                }
            };
            builder::query_hop_response(
                iid,
                QueryHopResponse {
                    next_bridge_eid: next,
                    message_type: q.message_type,
                    max_incoming_transmission_unit_size: in_mtu.min(0xFFFF) as u16,
                    max_outgoing_transmission_unit_size: out_mtu.min(0xFFFF) as u16,
                },
            )
            .build(out)
            .ok()
        }
        _ => unsupported(out),
    }
}

fn pool_status(s: &Stack) -> (EidAllocationStatus, u8) {
    if s.cfg.eid_pool_size == 0 {
        (EidAllocationStatus::NoPool, 0)
    } else if s.pool_alloc.is_some() {
        (EidAllocationStatus::PoolAssigned, s.cfg.eid_pool_size)
    } else {
        (EidAllocationStatus::PoolRequired, s.cfg.eid_pool_size)
    }
}

fn routing_table_response(
    s: &Stack,
    iid: u8,
    handle: u8,
    bus: BusId,
    out: &mut [u8],
) -> Option<usize> {
    // Keep the response within the ingress bus's unit so it is one packet
    // (header 4 + next handle + count = 6; each entry 6 + address).
    let budget = s
        .bus(bus)
        .map_or(64, |b| b.mtu)
        .min(out.len())
        .saturating_sub(6);
    let routes = s.routes.routes();
    let start = usize::from(handle);
    if start > routes.len() {
        return build_err(
            &Header::request(Command::GetRoutingTableEntries, iid),
            CompletionCode::ErrorInvalidData,
            out,
        );
    }
    const MAX: usize = 16;
    let mut phys = [PhysAddr::NONE; MAX];
    let mut meta = [(
        0u8,
        0u8,
        EntryType::SingleEndpoint,
        false,
        0u8,
        BindingId::Unspecified,
    ); MAX];
    let mut n = 0;
    let mut used = 0;
    for r in routes.iter().skip(start) {
        let Some(res) = s.routes.resolve(r.net, r.first) else {
            continue;
        };
        let size = 6 + res.phys.as_bytes().len();
        if n == MAX || used + size > budget {
            break;
        }
        used += size;
        let kind = s.bus(res.bus).map_or(BindingKind::None, |b| b.binding);
        let et = if r.bridge {
            EntryType::BridgeRangeExcludingBridge
        } else if r.first == r.last {
            EntryType::SingleEndpoint
        } else {
            EntryType::BridgeRangeIncludingBridge
        };
        phys[n] = res.phys;
        meta[n] = (
            r.last - r.first + 1,
            r.first,
            et,
            r.static_entry,
            res.bus.0 & 0x1F,
            binding_id(kind),
        );
        n += 1;
    }
    let mut entries = [RoutingTableEntry {
        eid_range_size: 0,
        starting_eid: 0,
        entry_type: EntryType::SingleEndpoint,
        static_entry: false,
        port_number: 0,
        physical_transport_binding_id: BindingId::Unspecified,
        physical_media_type_id: 0,
        physical_address: &[],
    }; MAX];
    for i in 0..n {
        let (size, first, et, st, port, bid) = meta[i];
        entries[i] = RoutingTableEntry {
            eid_range_size: size,
            starting_eid: first,
            entry_type: et,
            static_entry: st,
            port_number: port,
            physical_transport_binding_id: bid,
            physical_media_type_id: 0,
            physical_address: phys[i].as_bytes(),
        };
    }
    let next = if start + n < routes.len() && n > 0 {
        (start + n).min(0xFE) as u8
    } else {
        0xFF
    };
    builder::get_routing_table_entries_response(iid, next, &entries[..n])
        .build(out)
        .ok()
}
