//! Control requests with timeouts and retries.
//!
//! **Requests** ([`Stack::control_request`]): the instance ID cycles 0..31
//! and is **kept on every retry** (mctpd ≥ 2.6, `mctp-core.md` §7.6); one
//! owned tag is held for the whole exchange (so a late answer to the first
//! attempt is still accepted); the timeout defaults to DSP0237 MT2 = 300 ms
//! with MN1 = 2 retries ([`crate::Config::control_timeout`],
//! [`crate::Config::control_retries`]). A response matches on instance ID
//! and command; anything else on the tag is dropped and counted as
//! [`DropReason::UnexpectedResponse`]. The outcome names the request's
//! [`Owner`] (from [`SendOptions::owner`]).
//!
//! The bus-owner role built on these requests is in [`crate::bus_owner`].

use alloc::vec::Vec;

use mctpkit_wire::control::{self, Body, Command, Header};

use crate::stack::Stack;
use crate::tags::Holder;
use crate::types::*;

pub use crate::bus_owner::{BusOwnerConfig, EndpointInfo};

/// Identifies a control request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestHandle(pub u32);

/// How a control request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOutcome {
    pub handle: RequestHandle,
    /// Who sent the request.
    pub owner: Owner,
    /// The response message (type byte first), or `None` after the last
    /// retry timed out (or its bus was removed).
    pub response: Option<Vec<u8>>,
    /// Source EID of the response.
    pub src: u8,
    /// Attempts made.
    pub attempts: u8,
}

/// Who a request slot works for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The application ([`Stack::control_request`]).
    App,
    /// Bus-owner set-up flow number.
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
    bus: BusId,
    purpose: Purpose,
}

/// Requester state inside a [`Stack`].
#[derive(Debug, Default)]
pub struct Requester {
    slots: Vec<Option<Slot>>,
    next_iid: u8,
    next_handle: u32,
    pub(crate) bo: crate::bus_owner::BusOwnerState,
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

    pub(crate) fn start_request(
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
            bus: sent.bus,
            purpose,
        });
        Ok(handle)
    }
}

pub(crate) fn parse_response(data: &[u8]) -> Option<(Header, Body<'_>)> {
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
        s.pool.put(msg.data);
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
                owner: sl.opts.owner,
                response: Some(msg.data),
                src: msg.src,
                attempts: sl.attempts,
            }));
        }
        Purpose::Flow(fi) => {
            crate::bus_owner::flow_step(s, now, fi, Some(&msg));
            s.pool.put(msg.data);
            crate::bus_owner::run_restarts(s, now);
        }
    }
}

/// End request slot `i` without a response.
fn give_up(s: &mut Stack, now: Millis, i: usize) {
    let Some(sl) = s.req.slots.get_mut(i).and_then(Option::take) else {
        return;
    };
    s.tags.release_holder(Holder::Requester(i));
    match sl.purpose {
        Purpose::App => s.events.push_back(Event::Request(RequestOutcome {
            handle: sl.handle,
            owner: sl.opts.owner,
            response: None,
            src: 0,
            attempts: sl.attempts,
        })),
        Purpose::Flow(fi) => crate::bus_owner::flow_step(s, now, fi, None),
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
        give_up(s, now, i);
    }
    crate::bus_owner::run_restarts(s, now);
}

/// End every request sent on `bus` (it is being removed).
pub(crate) fn release_bus(s: &mut Stack, bus: BusId) {
    for i in 0..s.req.slots.len() {
        if s.req.slots[i].as_ref().is_some_and(|sl| sl.bus == bus) {
            // Set-ups on the bus are failed by `bus_owner::release_bus`;
            // their slots only need freeing.
            let flow = s.req.slots[i]
                .as_ref()
                .is_some_and(|sl| matches!(sl.purpose, Purpose::Flow(_)));
            if flow {
                s.req.slots[i] = None;
                s.tags.release_holder(Holder::Requester(i));
            } else {
                give_up(s, 0, i);
            }
        }
    }
}
