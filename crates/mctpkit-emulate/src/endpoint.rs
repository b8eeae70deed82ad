//! An emulated endpoint: a whole [`Stack`] on one bus plus its
//! [`Application`], sans-IO.
//!
//! The stack does all of MCTP (DSP0236): reassembly, tags, the control
//! responder (Get/Set Endpoint ID, Get Message Type Support with the
//! application's types, Get Endpoint UUID...). An endpoint without an EID
//! answers a bus owner's Set Endpoint ID (§12.3) and takes the EID it is
//! given. The endpoint moves every delivered request to the application
//! and sends its answer back with [`Stack::respond`] (TO=0, the request's
//! tag, out of the bus and to the address it came from).
//!
//! The caller feeds bytes and time and takes frames:
//!
//! ```
//! use mctpkit_emulate::{Endpoint, EndpointSpec};
//! use mctpkit_stack::BindingKind;
//!
//! let mut ep = Endpoint::new(EndpointSpec::new("ctl", BindingKind::Serial).eid(9), None);
//! // A Get Endpoint ID request from EID 8 (DSP0236 §12.4), framed for DSP0253.
//! let mut bmc = mctpkit_stack::Stack::new(Default::default());
//! let bus = bmc.add_bus(mctpkit_stack::BusConfig::new(BindingKind::Serial,
//!     mctpkit_stack::PhysAddr::NONE).eid(8));
//! bmc.add_route(mctpkit_stack::Route::endpoint(1, 9, bus, mctpkit_stack::PhysAddr::NONE)).unwrap();
//! bmc.send(0, mctpkit_stack::SendOptions::request(1, 9), &[0x00, 0x80, 0x02]).unwrap();
//! let mut frame = [0u8; 300];
//! while let Some(Ok(t)) = bmc.poll_transmit_frame_on(bus, &mut frame) {
//!     ep.receive_stream(1, &frame[..t.len]);
//! }
//! while let Some(n) = ep.poll_transmit_frame(&mut frame) {
//!     bmc.receive_stream(2, bus, &frame[..n]);
//! }
//! let rsp = bmc.poll_deliver().unwrap();
//! assert_eq!((rsp.src, rsp.data[3], rsp.data[4]), (9, 0x00, 9)); // SUCCESS, EID 9
//! ```

use mctpkit_stack::{
    BindingKind, BusConfig, BusId, Config, Event, Millis, NetworkId, PhysAddr, Route, SendOptions,
    Stack,
};

use crate::app::Application;

/// Application requests sent per turn at most (the rest wait for the next).
const MAX_REQUESTS_PER_TURN: usize = 16;

/// What an endpoint is made of (the TOML file's view is
/// [`crate::config::EndpointConfig`]).
#[derive(Debug, Clone)]
pub struct EndpointSpec {
    pub name: String,
    pub binding: BindingKind,
    /// Static EID; `None` waits for a bus owner's Set Endpoint ID.
    pub eid: Option<u8>,
    /// This endpoint's physical address on the bus (empty for serial).
    pub phys: PhysAddr,
    /// Transmission unit (payload bytes per packet, at least 64).
    pub mtu: usize,
    pub net: NetworkId,
    /// Get Endpoint UUID answer (DSP0236 §12.6).
    pub uuid: Option<[u8; 16]>,
    /// Message types registered besides the application's own.
    pub extra_types: Vec<u8>,
}

impl EndpointSpec {
    /// An endpoint named `name` on `binding`, no EID, no address, BTU.
    pub fn new(name: &str, binding: BindingKind) -> Self {
        EndpointSpec {
            name: name.into(),
            binding,
            eid: None,
            phys: PhysAddr::NONE,
            mtu: 64,
            net: 1,
            uuid: None,
            extra_types: Vec::new(),
        }
    }

    /// A static EID.
    #[must_use]
    pub fn eid(mut self, eid: u8) -> Self {
        self.eid = Some(eid);
        self
    }
}

/// Counters of one endpoint besides its stack's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EndpointCounters {
    /// Requests handed to the application.
    pub requests: u64,
    /// Responses queued.
    pub responses: u64,
    /// Requests the application did not answer.
    pub unanswered: u64,
    /// Messages that were not requests (TO=0) or had no application.
    pub ignored: u64,
    /// Responses or requests the stack refused (no route, queue full...).
    pub send_errors: u64,
    /// Requests the application originated and the stack queued.
    pub app_requests: u64,
    /// Responses to them handed back to the application.
    pub app_responses: u64,
}

/// One emulated endpoint.
pub struct Endpoint {
    name: String,
    stack: Stack,
    bus: BusId,
    app: Option<Box<dyn Application>>,
    eid: Option<u8>,
    net: NetworkId,
    counters: EndpointCounters,
    log: Vec<String>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("name", &self.name)
            .field("eid", &self.eid)
            .field("counters", &self.counters)
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// An endpoint from `spec` with `app` (`None`: MCTP control only).
    pub fn new(spec: EndpointSpec, mut app: Option<Box<dyn Application>>) -> Self {
        let mut stack = Stack::new(Config {
            uuid: spec.uuid,
            ..Config::default()
        });
        let mut bus = BusConfig::new(spec.binding, spec.phys)
            .mtu(spec.mtu.max(64))
            .net(spec.net);
        if let Some(e) = spec.eid {
            bus = bus.eid(e);
        }
        let bus = stack.add_bus(bus);
        let mut types: Vec<u8> = app
            .as_ref()
            .map(|a| a.message_types().to_vec())
            .unwrap_or_default();
        types.extend(&spec.extra_types);
        for t in types {
            stack.register_type(t, &[]);
        }
        if let (Some(a), Some(e)) = (app.as_mut(), spec.eid) {
            a.eid_changed(e, None);
        }
        // Serial is point to point: every other EID is at the other end
        // (as the daemon routes its one serial bus). Other bindings learn
        // routes from requests and from the bus owner.
        if spec.binding == BindingKind::Serial {
            let _ = stack.add_route(Route::range(spec.net, 8, 0xFE, bus, PhysAddr::NONE));
        }
        Endpoint {
            name: spec.name,
            stack,
            bus,
            app,
            eid: spec.eid,
            net: spec.net,
            counters: EndpointCounters::default(),
            log: Vec::new(),
        }
    }

    /// The endpoint's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its EID, once it has one.
    pub fn eid(&self) -> Option<u8> {
        self.eid
    }

    /// The stack (counters, routes, registered types).
    pub fn stack(&self) -> &Stack {
        &self.stack
    }

    /// Counters.
    pub fn counters(&self) -> EndpointCounters {
        self.counters
    }

    /// Lines worth logging since the last call (EID assignments).
    pub fn take_log(&mut self) -> Vec<String> {
        std::mem::take(&mut self.log)
    }

    /// Feed serial bytes (DSP0253 framing) received at `now`, then answer
    /// what they completed.
    pub fn receive_stream(&mut self, now: Millis, bytes: &[u8]) {
        self.stack.receive_stream(now, self.bus, bytes);
        self.process(now);
    }

    /// Feed one binding frame (SMBus/I2C, I3C, PCIe VDM...; integrity
    /// checked by the stack) received at `now`, then answer it.
    pub fn receive_frame(&mut self, now: Millis, frame: &[u8]) {
        let _ = self.stack.receive_frame(now, self.bus, frame);
        self.process(now);
    }

    /// The next frame to put on the wire, framed for the binding, into
    /// `buf` (2 × 68 + 16 bytes cover a serial frame at the BTU); its
    /// length. Frames the binding cannot encode are dropped.
    pub fn poll_transmit_frame(&mut self, buf: &mut [u8]) -> Option<usize> {
        loop {
            match self.stack.poll_transmit_frame_on(self.bus, buf)? {
                Ok(t) => return Some(t.len),
                Err(_) => continue,
            }
        }
    }

    /// The longest frame [`Endpoint::poll_transmit_frame`] writes: a
    /// packet at the bus's unit with every byte escaped, plus framing.
    pub fn max_frame_len(&self) -> usize {
        let mtu = self.stack.bus(self.bus).map_or(64, |b| b.mtu);
        2 * (mtu + 4) + 16
    }

    /// The next time [`Endpoint::handle_timeout`] has work (the stack's
    /// timers and the application's own requests).
    pub fn poll_timeout(&self) -> Option<Millis> {
        let app = self.app.as_ref().and_then(|a| a.poll_timeout());
        match (self.stack.poll_timeout(), app) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Expire reassemblies and tags, send what the application has to send.
    pub fn handle_timeout(&mut self, now: Millis) {
        if self.stack.poll_timeout().is_some_and(|t| t <= now) {
            self.stack.handle_timeout(now);
        }
        self.process(now);
    }

    /// Answer delivered requests and follow stack events.
    fn process(&mut self, now: Millis) {
        while let Some(e) = self.stack.poll_event() {
            if let Event::EidAssigned { eid, bus_owner, .. } = e {
                self.eid = Some(eid);
                if let Some(a) = self.app.as_mut() {
                    a.eid_changed(eid, Some(bus_owner));
                }
                self.log
                    .push(format!("EID {eid} assigned by bus owner {bus_owner}"));
            }
        }
        while let Some(m) = self.stack.poll_deliver() {
            let answer = match (m.tag_owner, self.app.as_mut()) {
                (true, Some(app)) => {
                    self.counters.requests += 1;
                    app.handle(now, &m.data)
                }
                (false, Some(app)) if m.owner.is_some() => {
                    self.counters.app_responses += 1;
                    app.handle_response(now, &m.data);
                    None
                }
                _ => {
                    self.counters.ignored += 1;
                    None
                }
            };
            match answer {
                Some(rsp) => match self.stack.respond(now, &m, &rsp) {
                    Ok(_) => self.counters.responses += 1,
                    Err(e) => {
                        self.counters.send_errors += 1;
                        self.log.push(format!("response not sent: {e}"));
                    }
                },
                None if m.tag_owner && self.app.is_some() => self.counters.unanswered += 1,
                None => {}
            }
            self.stack.recycle(m);
        }
        self.send_app_requests(now);
    }

    /// Send what the application wants to send (a bounded number per turn).
    fn send_app_requests(&mut self, now: Millis) {
        let Some(app) = self.app.as_mut() else {
            return;
        };
        for _ in 0..MAX_REQUESTS_PER_TURN {
            let Some((dst, msg)) = app.poll_request(now) else {
                break;
            };
            match self
                .stack
                .send(now, SendOptions::request(self.net, dst), &msg)
            {
                Ok(_) => self.counters.app_requests += 1,
                Err(e) => {
                    self.counters.send_errors += 1;
                    self.log.push(format!("request to EID {dst} not sent: {e}"));
                }
            }
        }
    }
}
