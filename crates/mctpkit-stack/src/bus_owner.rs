//! The bus-owner role and the bridge policy (DSP0236 §8.17–8.18,
//! `mctp-core.md` §7.7), shared by `mctpkit simulate`, the daemon and the
//! emulated endpoints.
//!
//! **Setting up an endpoint** ([`Stack::setup_endpoint`]) runs mctpd's
//! SetupEndpoint flow by physical address: Get Endpoint ID → adopt a
//! non-zero EID of a non-bridge that is free in the pool, otherwise Set
//! Endpoint ID (op Set) with the lowest free pool EID → when the reply asks
//! for a pool, Allocate Endpoint IDs for a contiguous range (capped by
//! `max_pool_size`, default 15 like mctpd) → Get Message Type Support
//! (mandatory) → Get Endpoint UUID (optional) → routes added and
//! [`Event::EndpointSetUp`] published. A flow that fails is **retried from
//! the start** up to [`BusOwnerConfig::setup_attempts`] times (default 5;
//! each control request already has its own DSP0237 retries), then
//! [`Event::EndpointFailed`] names the [`SetupFailure`]. mctpd leaves
//! retries to its D-Bus caller; a bus that loses a packet during
//! enumeration would otherwise leave an endpoint without an EID.
//! [`Stack::setups`] keeps every set-up's state and attempts.
//!
//! **Enumerating a bus** ([`Stack::enumerate`]) sets up every device the
//! bus's configuration lists ([`crate::BusConfig::devices`]), in order.
//!
//! **Bridge policy** (a stack with [`crate::Config::eid_pool_size`] > 0):
//! * the EID its bus owner assigns with Set Endpoint ID is used on **all
//!   its buses** of that network (DSP0236 §8.17: a bridge is one endpoint
//!   with one EID however many buses it joins);
//! * once Allocate Endpoint IDs gives it a pool, and after its response is
//!   queued, it becomes **bus owner of its other buses** with that pool
//!   (by default it hands out no sub-pools: `max_pool_size` 0; a
//!   [`BusOwnerConfig`] enabled beforehand is the template for attempts and
//!   sub-pool size) and enumerates each of them.

use alloc::vec::Vec;

use mctpkit_wire::control::{
    builder, AllocateEidsOperation, AllocationStatus, Body, CompletionCode, EidAllocationStatus,
    EndpointType, Response, SetEidOperation,
};

use crate::requester::{parse_response, Purpose};
use crate::route::Route;
use crate::stack::Stack;
use crate::types::*;

/// Bus-owner settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusOwnerConfig {
    pub net: NetworkId,
    /// Dynamic EID pool, inclusive (mctpd `dynamic_eid_range`, default 8..254).
    pub first: u8,
    pub last: u8,
    /// Largest pool given to a bridge (mctpd `max_pool_size`, default 15).
    pub max_pool_size: u8,
    /// Attempts at setting up one endpoint before
    /// [`Event::EndpointFailed`]. Default 5.
    pub setup_attempts: u8,
}

impl Default for BusOwnerConfig {
    fn default() -> Self {
        BusOwnerConfig {
            net: 1,
            first: 8,
            last: 0xFE,
            max_pool_size: 15,
            setup_attempts: 5,
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

/// Where a set-up stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SetupState {
    /// A flow is running (attempt [`Setup::attempts`]).
    InProgress,
    /// Done: the endpoint's EID, pool, types and UUID.
    Ready(EndpointInfo),
    /// Given up after [`Setup::attempts`].
    Failed(SetupFailure),
}

/// One device the bus-owner role sets up, in the order set-ups started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub bus: BusId,
    pub phys: PhysAddr,
    /// Attempts started so far.
    pub attempts: u8,
    pub state: SetupState,
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
pub(crate) struct Flow {
    info: EndpointInfo,
    step: Step,
    pool_req: u8,
    /// Index into `BusOwnerState::setups`.
    setup: usize,
}

/// EIDs handed out: a single endpoint or a bridge's pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Assigned {
    first: u8,
    size: u8,
    bus: BusId,
}

/// Bus-owner state inside a [`Stack`].
#[derive(Debug, Default)]
pub(crate) struct BusOwnerState {
    cfg: Option<BusOwnerConfig>,
    flows: Vec<Option<Flow>>,
    assigned: Vec<Assigned>,
    setups: Vec<Setup>,
    /// Set-ups to start again once the current step is done.
    restarts: Vec<usize>,
}

impl Stack {
    /// Become bus owner for `cfg.net` with the given EID pool.
    pub fn enable_bus_owner(&mut self, cfg: BusOwnerConfig) {
        self.req.bo.cfg = Some(cfg);
    }

    /// The bus-owner configuration, once enabled.
    pub fn bus_owner_config(&self) -> Option<&BusOwnerConfig> {
        self.req.bo.cfg.as_ref()
    }

    /// Set up the device at `phys` on `bus` (see the module docs), retrying
    /// the whole flow up to `setup_attempts` times. Calling it again for a
    /// device already set up (or failed) starts it afresh.
    pub fn setup_endpoint(
        &mut self,
        now: Millis,
        bus: BusId,
        phys: PhysAddr,
    ) -> Result<(), SendError> {
        let si = match self
            .req
            .bo
            .setups
            .iter()
            .position(|x| x.bus == bus && x.phys == phys)
        {
            Some(i) => i,
            None => {
                self.req.bo.setups.push(Setup {
                    bus,
                    phys,
                    attempts: 0,
                    state: SetupState::InProgress,
                });
                self.req.bo.setups.len() - 1
            }
        };
        if let Some(x) = self.req.bo.setups.get_mut(si) {
            x.attempts = 0;
        }
        let r = start_flow(self, now, si);
        if r.is_err() {
            if let Some(x) = self.req.bo.setups.get_mut(si) {
                x.state = SetupState::Failed(if self.req.bo.cfg.is_none() {
                    SetupFailure::NotBusOwner
                } else {
                    SetupFailure::NotSent
                });
            }
        }
        r
    }

    /// Set up every device listed in `bus`'s configuration
    /// ([`crate::BusConfig::devices`]); returns how many set-ups started.
    pub fn enumerate(&mut self, now: Millis, bus: BusId) -> usize {
        let devices = self.bus(bus).map(|b| b.devices.clone()).unwrap_or_default();
        let mut n = 0;
        for phys in devices {
            // A device that cannot even be sent to is recorded as failed.
            if self.setup_endpoint(now, bus, phys).is_ok() {
                n += 1;
            }
        }
        n
    }

    /// Every set-up this stack started, in order.
    pub fn setups(&self) -> &[Setup] {
        &self.req.bo.setups
    }

    /// EIDs handed out by the bus-owner role: (first, size).
    pub fn assigned_eids(&self) -> impl Iterator<Item = (u8, u8)> + '_ {
        self.req.bo.assigned.iter().map(|a| (a.first, a.size))
    }

    fn eid_used(&self, net: NetworkId, eid: u8) -> bool {
        self.is_local(net, eid)
            || self
                .req
                .bo
                .assigned
                .iter()
                .any(|a| eid >= a.first && u16::from(eid) < u16::from(a.first) + u16::from(a.size))
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

/// Start (another attempt of) set-up `si`.
fn start_flow(s: &mut Stack, now: Millis, si: usize) -> Result<(), SendError> {
    let bo = s.req.bo.cfg.ok_or(SendError::NoRoute)?;
    let Some(x) = s.req.bo.setups.get_mut(si) else {
        return Err(SendError::UnknownBus);
    };
    x.attempts = x.attempts.saturating_add(1);
    x.state = SetupState::InProgress;
    let (bus, phys) = (x.bus, x.phys);
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
        setup: si,
    };
    let fi = match s.req.bo.flows.iter().position(|f| f.is_none()) {
        Some(i) => i,
        None => {
            s.req.bo.flows.push(None);
            s.req.bo.flows.len() - 1
        }
    };
    s.req.bo.flows[fi] = Some(flow);
    let msg = builder::get_endpoint_id_request(0).to_vec();
    let opts = SendOptions::physical(bo.net, bus, phys);
    if let Err(e) = s.start_request(now, opts, &msg, Purpose::Flow(fi)) {
        s.req.bo.flows[fi] = None;
        return Err(e);
    }
    Ok(())
}

/// Flow `fi` failed: retry its set-up later in this step, or give up.
fn fail(s: &mut Stack, fi: usize, reason: SetupFailure) {
    let Some(f) = s.req.bo.flows.get_mut(fi).and_then(Option::take) else {
        return;
    };
    let limit = s.req.bo.cfg.map_or(1, |c| c.setup_attempts.max(1));
    let Some(x) = s.req.bo.setups.get_mut(f.setup) else {
        return;
    };
    if x.attempts < limit && reason != SetupFailure::BusRemoved {
        s.req.bo.restarts.push(f.setup);
        return;
    }
    x.state = SetupState::Failed(reason);
    s.events.push_back(Event::EndpointFailed {
        bus: x.bus,
        phys: x.phys,
        reason,
        attempts: x.attempts,
    });
}

/// Start the set-ups that failed during the step just done again.
pub(crate) fn run_restarts(s: &mut Stack, now: Millis) {
    while !s.req.bo.restarts.is_empty() {
        let si = s.req.bo.restarts.remove(0);
        if start_flow(s, now, si).is_err() {
            if let Some(x) = s.req.bo.setups.get_mut(si) {
                x.state = SetupState::Failed(SetupFailure::NotSent);
                s.events.push_back(Event::EndpointFailed {
                    bus: x.bus,
                    phys: x.phys,
                    reason: SetupFailure::NotSent,
                    attempts: x.attempts,
                });
            }
        }
    }
}

fn finish(s: &mut Stack, fi: usize) {
    if let Some(f) = s.req.bo.flows.get_mut(fi).and_then(Option::take) {
        if let Some(x) = s.req.bo.setups.get_mut(f.setup) {
            x.state = SetupState::Ready(f.info.clone());
        }
        s.events.push_back(Event::EndpointSetUp(f.info));
    }
}

fn send_flow(s: &mut Stack, now: Millis, fi: usize, msg: &[u8]) {
    let Some(f) = s.req.bo.flows.get(fi).and_then(|f| f.as_ref()) else {
        return;
    };
    let Some(bo) = s.req.bo.cfg else {
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
        fail(s, fi, SetupFailure::SendFailed);
    }
}

/// Fail the set-ups running on `bus`, release its EID assignments.
pub(crate) fn release_bus(s: &mut Stack, bus: BusId) {
    for fi in 0..s.req.bo.flows.len() {
        if s.req.bo.flows[fi]
            .as_ref()
            .is_some_and(|f| f.info.bus == bus)
        {
            fail(s, fi, SetupFailure::BusRemoved);
        }
    }
    s.req
        .bo
        .restarts
        .retain(|&si| s.req.bo.setups.get(si).is_some_and(|x| x.bus != bus));
    s.req.bo.assigned.retain(|a| a.bus != bus);
}

// ------------------------------------------------------------ bridge policy

/// Set Endpoint ID gave this bridge `eid` on `bus`: use it on all its buses.
pub(crate) fn bridge_eid_assigned(s: &mut Stack, bus: BusId, eid: u8) {
    if s.cfg.eid_pool_size == 0 {
        return;
    }
    let Some(net) = s.bus(bus).map(|b| b.net) else {
        return;
    };
    s.bus_generation += 1;
    for b in s.buses.iter_mut().flatten() {
        if b.cfg.net == net {
            b.cfg.eids.clear();
            b.cfg.eids.push(eid);
        }
    }
}

/// Allocate Endpoint IDs gave this bridge a pool on `upstream`: become bus
/// owner of the other buses once the response is queued.
pub(crate) fn bridge_pool_allocated(s: &mut Stack, upstream: BusId) {
    s.pending_bridge = Some(upstream);
}

/// Run the bridge work decided while answering a control request.
pub(crate) fn run_pending_bridge(s: &mut Stack, now: Millis) {
    let Some(upstream) = s.pending_bridge.take() else {
        return;
    };
    let Some(net) = s.bus(upstream).map(|b| b.net) else {
        return;
    };
    let downstream: Vec<BusId> = s
        .buses()
        .filter(|(id, b)| *id != upstream && b.net == net)
        .map(|(id, _)| id)
        .collect();
    let Some((start, size)) = s.pool_alloc.filter(|p| p.1 > 0) else {
        return;
    };
    // A configuration set beforehand is the template (attempts, sub-pool
    // size); the pool replaces its range.
    let template = s.req.bo.cfg.unwrap_or(BusOwnerConfig {
        max_pool_size: 0,
        ..BusOwnerConfig::default()
    });
    s.enable_bus_owner(BusOwnerConfig {
        net,
        first: start,
        last: start.saturating_add(size - 1),
        ..template
    });
    for bus in downstream {
        s.enumerate(now, bus);
    }
}

pub(crate) fn flow_step(s: &mut Stack, now: Millis, fi: usize, rsp: Option<&Message>) {
    let Some(bo) = s.req.bo.cfg else { return };
    let Some(step) = s
        .req
        .bo
        .flows
        .get(fi)
        .and_then(|f| f.as_ref())
        .map(|f| f.step)
    else {
        return;
    };
    let Some(rsp) = rsp else {
        // Optional steps may time out.
        if step == Step::GetUuid {
            finish(s, fi);
        } else {
            fail(s, fi, SetupFailure::NoResponse);
        }
        return;
    };
    let Some((h, body)) = parse_response(&rsp.data) else {
        return fail(s, fi, SetupFailure::MalformedResponse);
    };
    let ok = h.completion_code == Some(CompletionCode::Success);
    let resp = match body {
        Body::Response { response, .. } => Some(response),
        _ => None,
    };
    match step {
        Step::GetEid => {
            let Some(Response::GetEndpointId(r)) = resp.filter(|_| ok) else {
                return fail(s, fi, SetupFailure::GetEndpointId);
            };
            let bridge = r.endpoint_type == EndpointType::BusOwnerBridge;
            let adopt = r.eid >= 8
                && r.eid != 0xFF
                && !bridge
                && r.eid >= bo.first
                && r.eid <= bo.last
                && !s.eid_used(bo.net, r.eid);
            let Some(f) = s.req.bo.flows[fi].as_mut() else {
                return;
            };
            f.info.bridge = bridge;
            if adopt {
                f.info.eid = r.eid;
                let (bus, phys) = (f.info.bus, f.info.phys);
                s.req.bo.assigned.push(Assigned {
                    first: r.eid,
                    size: 1,
                    bus,
                });
                let _ = s.routes.add(Route::endpoint(bo.net, r.eid, bus, phys));
                if let Some(f) = s.req.bo.flows[fi].as_mut() {
                    f.step = Step::GetTypes;
                }
                let m = builder::get_message_type_support_request(0).to_vec();
                return send_flow(s, now, fi, &m);
            }
            let Some(eid) = s.alloc_range(&bo, 1) else {
                return fail(s, fi, SetupFailure::PoolExhausted);
            };
            // Reserve now so concurrent flows don't pick the same EID.
            let bus = s.req.bo.flows[fi].as_ref().map_or(BusId(0), |f| f.info.bus);
            s.req.bo.assigned.push(Assigned {
                first: eid,
                size: 1,
                bus,
            });
            if let Some(f) = s.req.bo.flows[fi].as_mut() {
                f.info.eid = eid;
                f.step = Step::SetEid;
            }
            let m = builder::set_endpoint_id_request(0, SetEidOperation::SetEid, eid).to_vec();
            send_flow(s, now, fi, &m)
        }
        Step::SetEid => {
            let Some(Response::SetEndpointId(r)) = resp.filter(|_| ok) else {
                return fail(s, fi, SetupFailure::SetEndpointId);
            };
            let Some(f) = s.req.bo.flows[fi].as_mut() else {
                return;
            };
            let wanted = f.info.eid;
            // mctpd adopts the EID the endpoint reports, accepted or not.
            if r.eid_setting != wanted && r.eid_setting >= 8 && r.eid_setting != 0xFF {
                f.info.eid = r.eid_setting;
                if let Some(a) = s.req.bo.assigned.iter_mut().find(|a| a.first == wanted) {
                    a.first = r.eid_setting;
                }
            }
            let Some(f) = s.req.bo.flows[fi].as_mut() else {
                return;
            };
            let (bus, phys, eid) = (f.info.bus, f.info.phys, f.info.eid);
            let _ = s.routes.add(Route::endpoint(bo.net, eid, bus, phys));
            if r.eid_allocation_status == EidAllocationStatus::PoolRequired && r.eid_pool_size > 0 {
                let size = r.eid_pool_size.min(bo.max_pool_size);
                let Some(start) = s.alloc_range(&bo, size) else {
                    return fail(s, fi, SetupFailure::NoRoomForPool);
                };
                s.req.bo.assigned.push(Assigned {
                    first: start,
                    size,
                    bus,
                });
                if let Some(f) = s.req.bo.flows[fi].as_mut() {
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
            if let Some(f) = s.req.bo.flows[fi].as_mut() {
                f.step = Step::GetTypes;
            }
            let m = builder::get_message_type_support_request(0).to_vec();
            send_flow(s, now, fi, &m)
        }
        Step::Allocate => {
            let Some(Response::AllocateEndpointIds(r)) = resp.filter(|_| ok) else {
                return fail(s, fi, SetupFailure::AllocateEndpointIds);
            };
            let Some(f) = s.req.bo.flows[fi].as_mut() else {
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
                s.req.bo.assigned.retain(|a| (a.first, a.size) != o);
            }
            if let Some((start, size)) = pool.filter(|p| p.1 > 0 && p.0 >= 8) {
                s.req.bo.assigned.push(Assigned {
                    first: start,
                    size,
                    bus,
                });
                let last = (u16::from(start) + u16::from(size) - 1).min(0xFE) as u8;
                let _ = s.routes.add(Route::range(bo.net, start, last, bus, phys));
            }
            if let Some(f) = s.req.bo.flows[fi].as_mut() {
                f.info.pool = pool;
                f.step = Step::GetTypes;
            }
            let m = builder::get_message_type_support_request(0).to_vec();
            send_flow(s, now, fi, &m)
        }
        Step::GetTypes => {
            let Some(Response::GetMessageTypeSupport(r)) = resp.filter(|_| ok) else {
                return fail(s, fi, SetupFailure::GetMessageTypeSupport);
            };
            if let Some(f) = s.req.bo.flows[fi].as_mut() {
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
                if let Some(f) = s.req.bo.flows[fi].as_mut() {
                    f.info.uuid = Some(r.uuid);
                }
            }
            finish(s, fi)
        }
    }
}
