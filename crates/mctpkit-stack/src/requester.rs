//! Control requests with retries, and the bus-owner role.
//!
//! **Requests** ([`Stack::control_request`]): the instance ID cycles 0..31
//! and is **kept on every retry** (mctpd ≥ 2.6, `mctp-core.md` §7.6); one
//! owned tag is held for the whole exchange (so a late answer to the first
//! attempt is still accepted); the timeout defaults to DSP0237 MT2 = 300 ms
//! with MN1 = 2 retries ([`crate::Config::control_timeout`],
//! [`crate::Config::control_retries`]). A response matches on instance ID
//! and command; anything else on the tag is dropped and counted as
//! [`DropReason::UnexpectedResponse`].
//!
//! **Bus owner** ([`Stack::enable_bus_owner`], [`Stack::setup_endpoint`]):
//! mctpd's SetupEndpoint flow (§7.7): Get Endpoint ID by physical address →
//! adopt a non-zero EID of a non-bridge that is free in the pool, otherwise
//! Set Endpoint ID (op Set) with the lowest free pool EID → when the reply
//! asks for a pool, Allocate Endpoint IDs for a contiguous range (capped by
//! `max_pool_size`, default 15 like mctpd) → Get Message Type Support
//! (mandatory) → Get Endpoint UUID (optional) → routes added and
//! [`Event::EndpointSetUp`] published.

use alloc::vec::Vec;

use mctpkit_wire::control::{
    self, builder, AllocateEidsOperation, AllocationStatus, Body, Command, CompletionCode,
    EidAllocationStatus, EndpointType, Header, Response, SetEidOperation,
};

use crate::route::Route;
use crate::stack::Stack;
use crate::tags::Holder;
use crate::types::*;

/// Identifies a control request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestHandle(pub u32);

/// How a control request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOutcome {
    pub handle: RequestHandle,
    /// The response message (type byte first), or `None` after the last
    /// retry timed out.
    pub response: Option<Vec<u8>>,
    /// Source EID of the response.
    pub src: u8,
    /// Attempts made.
    pub attempts: u8,
}

/// Bus-owner settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusOwnerConfig {
    pub net: NetworkId,
    /// Dynamic EID pool, inclusive (mctpd `dynamic_eid_range`, default 8..254).
    pub first: u8,
    pub last: u8,
    /// Largest pool given to a bridge (mctpd `max_pool_size`, default 15).
    pub max_pool_size: u8,
}

impl Default for BusOwnerConfig {
    fn default() -> Self {
        BusOwnerConfig {
            net: 1,
            first: 8,
            last: 0xFE,
            max_pool_size: 15,
        }
    }
}

/// An endpoint set up by the bus-owner role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointInfo {
    pub bus: BusId,
    pub phys: PhysAddr,
    pub eid: u8,
    /// Reported itself as bus owner/bridge.
    pub bridge: bool,
    /// EID pool allocated to it (first, size).
    pub pool: Option<(u8, u8)>,
    /// Supported message types.
    pub types: Vec<u8>,
    pub uuid: Option<[u8; 16]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    App,
    Flow(usize),
}

#[derive(Debug)]
struct Slot {
    handle: RequestHandle,
    opts: SendOptions,
    msg: Vec<u8>,
    iid: u8,
    command: Command,
    attempts: u8,
    deadline: Millis,
    tag: u8,
    src: u8,
    purpose: Purpose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    GetEid,
    SetEid,
    Allocate,
    GetTypes,
    GetUuid,
}

#[derive(Debug)]
struct Flow {
    info: EndpointInfo,
    step: Step,
    pool_req: u8,
}

/// Requester state inside a [`Stack`].
#[derive(Debug, Default)]
pub struct Requester {
    slots: Vec<Option<Slot>>,
    next_iid: u8,
    next_handle: u32,
    flows: Vec<Option<Flow>>,
    bo: Option<BusOwnerConfig>,
    /// EIDs handed out (single endpoints and pools).
    assigned: Vec<(u8, u8)>,
}

impl Requester {
    pub(crate) fn next_deadline(&self) -> Option<Millis> {
        self.slots.iter().flatten().map(|s| s.deadline).min()
    }
}

impl Stack {
    /// Send a control request (type byte first; its instance ID is replaced)
    /// with timeout and retries; the outcome arrives as
    /// [`Event::Request`].
    pub fn control_request(
        &mut self,
        now: Millis,
        opts: SendOptions,
        request: &[u8],
    ) -> Result<RequestHandle, SendError> {
        self.start_request(now, opts, request, Purpose::App)
    }

    fn start_request(
        &mut self,
        now: Millis,
        mut opts: SendOptions,
        request: &[u8],
        purpose: Purpose,
    ) -> Result<RequestHandle, SendError> {
        let hdr = control::Packet::new_checked(request)
            .ok()
            .and_then(|p| Header::parse(&p).ok())
            .filter(|h| h.rq)
            .ok_or(SendError::Empty)?;
        let idx = match self.req.slots.iter().position(|s| s.is_none()) {
            Some(i) => i,
            None => {
                self.req.slots.push(None);
                self.req.slots.len() - 1
            }
        };
        let iid = self.req.next_iid;
        let mut msg = request.to_vec();
        msg[1] = (msg[1] & 0xE0) | iid;
        opts.tag = TagMode::Owned;
        let sent = self.send_inner(now, opts, &msg, Holder::Requester(idx))?;
        self.req.next_iid = (iid + 1) & 0x1F;
        let handle = RequestHandle(self.req.next_handle);
        self.req.next_handle = self.req.next_handle.wrapping_add(1);
        self.req.slots[idx] = Some(Slot {
            handle,
            opts,
            msg,
            iid,
            command: hdr.command,
            attempts: 1,
            deadline: now.saturating_add(self.cfg.control_timeout),
            tag: sent.tag,
            src: sent.src,
            purpose,
        });
        Ok(handle)
    }

    /// Become bus owner for `cfg.net` with the given EID pool.
    pub fn enable_bus_owner(&mut self, cfg: BusOwnerConfig) {
        self.req.bo = Some(cfg);
    }

    /// Run mctpd's SetupEndpoint flow for the device at `phys` on `bus`.
    pub fn setup_endpoint(
        &mut self,
        now: Millis,
        bus: BusId,
        phys: PhysAddr,
    ) -> Result<(), SendError> {
        let bo = self.req.bo.ok_or(SendError::NoRoute)?;
        let flow = Flow {
            info: EndpointInfo {
                bus,
                phys,
                eid: 0,
                bridge: false,
                pool: None,
                types: Vec::new(),
                uuid: None,
            },
            step: Step::GetEid,
            pool_req: 0,
        };
        let fi = match self.req.flows.iter().position(|f| f.is_none()) {
            Some(i) => i,
            None => {
                self.req.flows.push(None);
                self.req.flows.len() - 1
            }
        };
        self.req.flows[fi] = Some(flow);
        let msg = builder::get_endpoint_id_request(0).to_vec();
        let opts = SendOptions::physical(bo.net, bus, phys);
        if let Err(e) = self.start_request(now, opts, &msg, Purpose::Flow(fi)) {
            self.req.flows[fi] = None;
            return Err(e);
        }
        Ok(())
    }

    /// EIDs handed out by the bus-owner role: (first, size).
    pub fn assigned_eids(&self) -> &[(u8, u8)] {
        &self.req.assigned
    }

    fn eid_used(&self, net: NetworkId, eid: u8) -> bool {
        self.is_local(net, eid)
            || self
                .req
                .assigned
                .iter()
                .any(|&(f, n)| eid >= f && u16::from(eid) < u16::from(f) + u16::from(n))
    }

    fn alloc_range(&self, bo: &BusOwnerConfig, size: u8) -> Option<u8> {
        let mut start = u16::from(bo.first.max(8));
        let size = u16::from(size.max(1));
        while start + size - 1 <= u16::from(bo.last.min(0xFE)) {
            let clash = (start..start + size).find(|&e| self.eid_used(bo.net, e as u8));
            match clash {
                None => return Some(start as u8),
                Some(e) => start = e + 1,
            }
        }
        None
    }
}

fn parse_response(data: &[u8]) -> Option<(Header, Body<'_>)> {
    let p = control::Packet::new_checked(data).ok()?;
    let h = Header::parse(&p).ok()?;
    let off = p.data_offset();
    let b = Body::parse(&h, data.get(off..)?).ok()?;
    Some((h, b))
}

/// A response for requester slot `slot` arrived.
pub(crate) fn on_response(s: &mut Stack, now: Millis, slot: usize, msg: Message) {
    let ok = match (
        s.req.slots.get(slot).and_then(|x| x.as_ref()),
        parse_response(&msg.data),
    ) {
        (Some(sl), Some((h, _))) => !h.rq && h.instance_id == sl.iid && h.command == sl.command,
        _ => false,
    };
    if !ok {
        s.counters.drop(DropReason::UnexpectedResponse);
        s.recycle_buf(msg.data);
        return;
    }
    let Some(sl) = s.req.slots.get_mut(slot).and_then(|x| x.take()) else {
        return;
    };
    s.tags.release_holder(Holder::Requester(slot));
    match sl.purpose {
        Purpose::App => {
            s.counters.rx_messages += 1;
            s.events.push_back(Event::Request(RequestOutcome {
                handle: sl.handle,
                response: Some(msg.data),
                src: msg.src,
                attempts: sl.attempts,
            }));
        }
        Purpose::Flow(fi) => {
            flow_step(s, now, fi, Some(&msg));
            s.recycle_buf(msg.data);
        }
    }
}

/// Retry or fail requests whose deadline passed.
pub(crate) fn handle_timeout(s: &mut Stack, now: Millis) {
    for i in 0..s.req.slots.len() {
        let due = s.req.slots[i].as_ref().is_some_and(|sl| now >= sl.deadline);
        if !due {
            continue;
        }
        let retry = s.req.slots[i]
            .as_ref()
            .is_some_and(|sl| sl.attempts <= s.cfg.control_retries);
        if retry {
            let (mut opts, msg, tag, src) = match s.req.slots[i].as_ref() {
                Some(sl) => (sl.opts, sl.msg.clone(), sl.tag, sl.src),
                None => continue,
            };
            opts.tag = TagMode::Preallocated(tag);
            opts.src = Some(src);
            let _ = s.send_inner(now, opts, &msg, Holder::Requester(i));
            if let Some(sl) = s.req.slots[i].as_mut() {
                sl.attempts += 1;
                sl.deadline = now.saturating_add(s.cfg.control_timeout);
            }
            continue;
        }
        let Some(sl) = s.req.slots[i].take() else {
            continue;
        };
        s.tags.release_holder(Holder::Requester(i));
        match sl.purpose {
            Purpose::App => s.events.push_back(Event::Request(RequestOutcome {
                handle: sl.handle,
                response: None,
                src: 0,
                attempts: sl.attempts,
            })),
            Purpose::Flow(fi) => flow_step(s, now, fi, None),
        }
    }
}

fn fail(s: &mut Stack, fi: usize, reason: &'static str) {
    if let Some(f) = s.req.flows.get_mut(fi).and_then(|f| f.take()) {
        s.events.push_back(Event::EndpointFailed {
            bus: f.info.bus,
            phys: f.info.phys,
            reason,
        });
    }
}

fn send_flow(s: &mut Stack, now: Millis, fi: usize, msg: &[u8]) {
    let Some(f) = s.req.flows.get(fi).and_then(|f| f.as_ref()) else {
        return;
    };
    let Some(bo) = s.req.bo else {
        return;
    };
    // Until the endpoint has its EID, talk to it by physical address.
    let opts = if f.step == Step::SetEid || f.step == Step::GetEid {
        SendOptions::physical(bo.net, f.info.bus, f.info.phys)
    } else {
        SendOptions {
            via: Some((f.info.bus, f.info.phys)),
            ..SendOptions::request(bo.net, f.info.eid)
        }
    };
    if s.start_request(now, opts, msg, Purpose::Flow(fi)).is_err() {
        fail(s, fi, "send failed");
    }
}

fn flow_step(s: &mut Stack, now: Millis, fi: usize, rsp: Option<&Message>) {
    let Some(bo) = s.req.bo else { return };
    let Some(step) = s.req.flows.get(fi).and_then(|f| f.as_ref()).map(|f| f.step) else {
        return;
    };
    let Some(rsp) = rsp else {
        // Optional steps may time out.
        if step == Step::GetUuid {
            finish(s, fi);
        } else {
            fail(s, fi, "no response");
        }
        return;
    };
    let Some((h, body)) = parse_response(&rsp.data) else {
        return fail(s, fi, "malformed response");
    };
    let ok = h.completion_code == Some(CompletionCode::Success);
    let resp = match body {
        Body::Response { response, .. } => Some(response),
        _ => None,
    };
    match step {
        Step::GetEid => {
            let Some(Response::GetEndpointId(r)) = resp.filter(|_| ok) else {
                return fail(s, fi, "Get Endpoint ID failed");
            };
            let bridge = r.endpoint_type == EndpointType::BusOwnerBridge;
            let adopt = r.eid >= 8
                && r.eid != 0xFF
                && !bridge
                && r.eid >= bo.first
                && r.eid <= bo.last
                && !s.eid_used(bo.net, r.eid);
            let Some(f) = s.req.flows[fi].as_mut() else {
                return;
            };
            f.info.bridge = bridge;
            if adopt {
                f.info.eid = r.eid;
                s.req.assigned.push((r.eid, 1));
                let (bus, phys) = (f.info.bus, f.info.phys);
                let _ = s.routes.add(Route::endpoint(bo.net, r.eid, bus, phys));
                if let Some(f) = s.req.flows[fi].as_mut() {
                    f.step = Step::GetTypes;
                }
                let m = builder::get_message_type_support_request(0).to_vec();
                return send_flow(s, now, fi, &m);
            }
            let Some(eid) = s.alloc_range(&bo, 1) else {
                return fail(s, fi, "EID pool exhausted");
            };
            // Reserve now so concurrent flows don't pick the same EID.
            s.req.assigned.push((eid, 1));
            if let Some(f) = s.req.flows[fi].as_mut() {
                f.info.eid = eid;
                f.step = Step::SetEid;
            }
            let m = builder::set_endpoint_id_request(0, SetEidOperation::SetEid, eid).to_vec();
            send_flow(s, now, fi, &m)
        }
        Step::SetEid => {
            let Some(Response::SetEndpointId(r)) = resp.filter(|_| ok) else {
                return fail(s, fi, "Set Endpoint ID failed");
            };
            let Some(f) = s.req.flows[fi].as_mut() else {
                return;
            };
            let wanted = f.info.eid;
            // mctpd adopts the EID the endpoint reports, accepted or not.
            if r.eid_setting != wanted && r.eid_setting >= 8 && r.eid_setting != 0xFF {
                f.info.eid = r.eid_setting;
                if let Some(a) = s.req.assigned.iter_mut().find(|a| a.0 == wanted) {
                    a.0 = r.eid_setting;
                }
            }
            let Some(f) = s.req.flows[fi].as_mut() else {
                return;
            };
            let (bus, phys, eid) = (f.info.bus, f.info.phys, f.info.eid);
            let _ = s.routes.add(Route::endpoint(bo.net, eid, bus, phys));
            if r.eid_allocation_status == EidAllocationStatus::PoolRequired && r.eid_pool_size > 0 {
                let size = r.eid_pool_size.min(bo.max_pool_size);
                let Some(start) = s.alloc_range(&bo, size) else {
                    return fail(s, fi, "no room for the bridge's pool");
                };
                s.req.assigned.push((start, size));
                if let Some(f) = s.req.flows[fi].as_mut() {
                    f.step = Step::Allocate;
                    f.pool_req = size;
                    f.info.pool = Some((start, size));
                }
                let m = builder::allocate_endpoint_ids_request(
                    0,
                    AllocateEidsOperation::AllocateEids,
                    size,
                    start,
                )
                .to_vec();
                return send_flow(s, now, fi, &m);
            }
            if let Some(f) = s.req.flows[fi].as_mut() {
                f.step = Step::GetTypes;
            }
            let m = builder::get_message_type_support_request(0).to_vec();
            send_flow(s, now, fi, &m)
        }
        Step::Allocate => {
            let Some(Response::AllocateEndpointIds(r)) = resp.filter(|_| ok) else {
                return fail(s, fi, "Allocate Endpoint IDs failed");
            };
            let Some(f) = s.req.flows[fi].as_mut() else {
                return;
            };
            let (bus, phys) = (f.info.bus, f.info.phys);
            let ours = f.info.pool;
            let pool = if r.allocation_status == AllocationStatus::Accepted {
                ours.map(|(start, _)| (start, r.eid_pool_size))
            } else {
                // The bridge already has a pool: adopt what it reports.
                Some((r.first_eid, r.eid_pool_size))
            };
            if let Some(o) = ours {
                s.req.assigned.retain(|a| *a != o);
            }
            if let Some((start, size)) = pool.filter(|p| p.1 > 0 && p.0 >= 8) {
                s.req.assigned.push((start, size));
                let last = (u16::from(start) + u16::from(size) - 1).min(0xFE) as u8;
                let _ = s.routes.add(Route::range(bo.net, start, last, bus, phys));
            }
            if let Some(f) = s.req.flows[fi].as_mut() {
                f.info.pool = pool;
                f.step = Step::GetTypes;
            }
            let m = builder::get_message_type_support_request(0).to_vec();
            send_flow(s, now, fi, &m)
        }
        Step::GetTypes => {
            let Some(Response::GetMessageTypeSupport(r)) = resp.filter(|_| ok) else {
                return fail(s, fi, "Get Message Type Support failed");
            };
            if let Some(f) = s.req.flows[fi].as_mut() {
                f.info.types = r
                    .message_types
                    .iter()
                    .map(|t| t.message_type.value())
                    .collect();
                f.step = Step::GetUuid;
            }
            let m = builder::get_endpoint_uuid_request(0).to_vec();
            send_flow(s, now, fi, &m)
        }
        Step::GetUuid => {
            if let Some(Response::GetEndpointUuid(r)) = resp.filter(|_| ok) {
                if let Some(f) = s.req.flows[fi].as_mut() {
                    f.info.uuid = Some(r.uuid);
                }
            }
            finish(s, fi)
        }
    }
}

fn finish(s: &mut Stack, fi: usize) {
    if let Some(f) = s.req.flows.get_mut(fi).and_then(|f| f.take()) {
        s.events.push_back(Event::EndpointSetUp(f.info));
    }
}
