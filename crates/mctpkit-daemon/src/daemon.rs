//! The daemon's event loop: tokio I/O around one sans-IO [`Stack`].
//!
//! One task owns the stack. Every bus has a reader task (bytes in) and a
//! writer task fed through a small bounded channel: the loop moves packets
//! from the bus's own transmit queue into that channel only while it has
//! room, so a stalled line back-pressures its own queue and nothing else.
//! Every client has a reader task and a writer task with a bounded queue of
//! datagrams; a client that stops reading loses datagrams (counted), it
//! never stalls the daemon or grows its memory.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use mctpkit::capture::{Direction, PcapWriter, Timestamp};
use mctpkit_stack::{
    BindingKind, BusConfig, BusId, Config as StackConfig, Event, Message, Millis, NetworkId,
    PhysAddr, Route, SendOptions, Stack,
};
use mctpkit_wire::binding::Framing;
use tokio::sync::{mpsc, Notify};

use crate::seqpacket::{SeqConn, SeqListener, SocketName};
use crate::serial::SerialPort;
use crate::tagged::{self, Subscription};
use crate::upstream::{Action, ClientId, Demux, Policy, TagPolicy};

/// Largest client datagram accepted: an EID byte and a maximum-size message.
pub const MAX_DATAGRAM: usize = 1 + 65536;
/// Datagrams queued for one client before further ones are dropped.
pub const CLIENT_QUEUE: usize = 256;
/// Frames queued for one bus writer (the rest wait in the stack's queue).
const BUS_QUEUE: usize = 128;

/// The binding of the daemon's bus, as `mctp-demux-daemon` names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingSpec {
    /// No wire: messages to the local EID loop back to the clients.
    Null,
    /// DSP0253 serial on a tty or pty.
    Serial(PathBuf),
}

/// What the daemon runs with (the drop-in command line fills it).
#[derive(Debug, Clone)]
pub struct DaemonConfig {
    /// Local EID (`-e`, default 8 as libmctp).
    pub eid: u8,
    /// Network number.
    pub net: NetworkId,
    /// Log every client and bus event to stderr (`-v`).
    pub verbose: bool,
    /// `-b FILE`: every packet on the bus, both ways, as SLL2 pcap.
    pub capture_binding: Option<PathBuf>,
    /// `--capture-socket=FILE`: every client message with a synthesised
    /// header, as libmctp writes it.
    pub capture_socket: Option<PathBuf>,
    /// The client socket (default `\0mctp-mux`).
    pub socket: SocketName,
    /// The tag-aware dialect's socket ([`crate::tagged`]); off unless set.
    pub tag_socket: Option<SocketName>,
    /// The buses (the drop-in command line gives one).
    pub buses: Vec<BusSpec>,
    /// Static routes; with none and a single wired bus, every other EID is
    /// on that bus (libmctp's daemon sends any EID out of its one binding).
    pub routes: Vec<RouteSpec>,
    /// Bus owner with this dynamic EID pool (inclusive): the devices of the
    /// buses marked `enumerate` are set up (Get/Set Endpoint ID, Allocate
    /// Endpoint IDs for a bridge, Get Message Type Support, Get UUID) at
    /// start, with retries (DSP0236 §8.17, mctpd's SetupEndpoint).
    pub bus_owner: Option<(u8, u8)>,
    pub policy: Policy,
}

/// One bus of the daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusSpec {
    /// A name for logs and routes.
    pub name: String,
    pub binding: BindingSpec,
    /// Transmission unit: payload bytes per packet (≥ 64).
    pub mtu: usize,
    /// Local EID on this bus; `None`: the daemon's EID.
    pub eid: Option<u8>,
    /// Set up the device at the other end when the daemon is bus owner.
    pub enumerate: bool,
}

impl BusSpec {
    /// A bus with the baseline unit and the daemon's EID.
    pub fn new(name: &str, binding: BindingSpec) -> BusSpec {
        BusSpec {
            name: name.into(),
            binding,
            mtu: 64,
            eid: None,
            enumerate: false,
        }
    }
}

/// A static route: EIDs `first..=last` are on bus number `bus` (an index
/// into [`DaemonConfig::buses`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    pub first: u8,
    pub last: u8,
    pub bus: usize,
}

impl Default for DaemonConfig {
    fn default() -> Self {
        DaemonConfig {
            eid: 8,
            net: 1,
            verbose: false,
            capture_binding: None,
            capture_socket: None,
            socket: SocketName::upstream(),
            tag_socket: None,
            buses: vec![BusSpec::new("null", BindingSpec::Null)],
            routes: Vec::new(),
            bus_owner: None,
            policy: Policy::default(),
        }
    }
}

/// Which protocol a client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Upstream,
    Tagged,
}

enum Input {
    NewClient(ClientId, Dialect, mpsc::Sender<Vec<u8>>, Arc<SeqConn>),
    Client(ClientId, Vec<u8>),
    ClientGone(ClientId),
    Bus(BusId, Vec<u8>),
    BusGone(BusId, io::Error),
}

struct ClientHandle {
    tx: mpsc::Sender<Vec<u8>>,
    conn: Arc<SeqConn>,
    dropped: u64,
    dialect: Dialect,
    /// Tag-aware clients' subscriptions.
    sub: Subscription,
    /// Receives every packet on the buses (MONITOR).
    monitor: bool,
}

struct BusHandle {
    id: BusId,
    kind: BindingKind,
    /// `None` for the null binding: packets have nowhere to go.
    tx: Option<mpsc::Sender<Vec<u8>>>,
}

/// Counters the daemon keeps besides the stack's.
#[derive(Debug, Default, Clone, Copy)]
pub struct DaemonCounters {
    pub clients_accepted: u64,
    pub clients_closed: u64,
    pub client_datagrams: u64,
    pub client_queue_drops: u64,
    pub loopback_messages: u64,
    pub send_errors: u64,
    /// Requests sent TO=1 tag 0 because every owned tag to the peer was
    /// waiting for an answer.
    pub tag_fallbacks: u64,
    pub null_bus_packets: u64,
}

struct State {
    cfg: DaemonConfig,
    stack: Stack,
    demux: Demux,
    clients: HashMap<ClientId, ClientHandle>,
    buses: Vec<BusHandle>,
    start: Instant,
    capture: Option<PcapWriter<BufWriter<File>>>,
    capture_socket: Option<PcapWriter<BufWriter<File>>>,
    counters: DaemonCounters,
    /// Clients that asked for every packet (MONITOR).
    monitors: usize,
    targets: Vec<ClientId>,
    frame: Vec<u8>,
    /// The last packet sent, for the capture and monitors.
    seen: Vec<u8>,
}

fn wall() -> Timestamp {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp {
        secs: d.as_secs() as i64,
        nanos: d.subsec_nanos(),
    }
}

impl State {
    fn now(&self) -> Millis {
        self.start.elapsed().as_millis() as Millis
    }

    fn log(&self, what: std::fmt::Arguments<'_>) {
        if self.cfg.verbose {
            eprintln!("mctpkit daemon: {what}");
        }
    }

    fn capture_packet(&mut self, bus: BusId, dir: Direction, packet: &[u8]) {
        if self.monitors > 0 {
            let ts = wall();
            let us = (ts.secs as u64) * 1_000_000 + u64::from(ts.nanos / 1000);
            let mut d = Vec::with_capacity(11 + packet.len());
            d.push(tagged::op::PACKET);
            d.push(u8::from(matches!(dir, Direction::Outgoing)));
            d.extend_from_slice(&us.to_le_bytes());
            d.push(bus.0);
            d.extend_from_slice(packet);
            let ids: Vec<ClientId> = self
                .clients
                .iter()
                .filter(|(_, c)| c.monitor)
                .map(|(&id, _)| id)
                .collect();
            for id in ids {
                self.queue_for_client(id, d.clone());
            }
        }
        if let Some(w) = &mut self.capture {
            if let Err(e) = w.write_packet(wall(), dir, packet) {
                eprintln!("mctpkit daemon: capture: {e}; capture stopped");
                self.capture = None;
            }
        }
    }

    /// libmctp's `--capture-socket` record: a synthesised header (version
    /// 1, SOM|EOM, TO=0, tag 0) before the whole client message.
    fn capture_client(&mut self, dir: Direction, peer: u8, msg: &[u8]) {
        let Some(w) = &mut self.capture_socket else {
            return;
        };
        let eid = self.cfg.eid;
        let (dst, src) = match dir {
            Direction::Outgoing => (peer, eid),
            _ => (eid, peer),
        };
        let mut rec = Vec::with_capacity(4 + msg.len());
        rec.extend_from_slice(&[1, dst, src, 0xC0]);
        rec.extend_from_slice(msg);
        if let Err(e) = w.write_packet(wall(), dir, &rec) {
            eprintln!("mctpkit daemon: socket capture: {e}; capture stopped");
            self.capture_socket = None;
        }
    }

    /// Hand a message to its clients.
    fn deliver(&mut self, m: &Message) {
        // A response to the one client that owns its tag (either dialect);
        // anything else to every subscriber of both dialects.
        if let Some(o) = m.owner {
            if self
                .clients
                .get(&o.0)
                .is_some_and(|c| c.dialect == Dialect::Tagged)
            {
                self.queue_for_client(o.0, tagged::message(m));
                return;
            }
        }
        let mut targets = std::mem::take(&mut self.targets);
        self.demux.recipients(m, &mut targets);
        if let Some((&last, rest)) = targets.split_last() {
            let mut d = Vec::with_capacity(1 + m.data.len());
            d.push(m.src);
            d.extend_from_slice(&m.data);
            for &id in rest {
                self.queue_for_client(id, d.clone());
            }
            self.queue_for_client(last, d);
        }
        let answered = m.owner.is_some_and(|o| self.clients.contains_key(&o.0));
        if !answered {
            targets.clear();
            targets.extend(
                self.clients
                    .iter()
                    .filter(|(_, c)| c.dialect == Dialect::Tagged && c.sub.takes(m))
                    .map(|(&id, _)| id),
            );
            if let Some((&last, rest)) = targets.split_last() {
                let d = tagged::message(m);
                for &id in rest {
                    self.queue_for_client(id, d.clone());
                }
                self.queue_for_client(last, d);
            }
        }
        self.targets = targets;
    }

    /// A datagram from a tag-aware client.
    fn tagged_datagram(&mut self, id: ClientId, data: &[u8]) {
        let req = match tagged::parse(data) {
            Ok(r) => r,
            Err(reply) => {
                self.log(format_args!("client {id}: bad request {data:02x?}"));
                return self.queue_for_client(id, reply);
            }
        };
        let now = self.now();
        match req {
            tagged::Request::Subscribe { control, types } => {
                let types: Vec<u8> = types.iter().map(|t| t & 0x7F).filter(|&t| t != 0).collect();
                for &t in &types {
                    self.stack.register_type(t, &[]);
                }
                if let Some(c) = self.clients.get_mut(&id) {
                    c.sub = Subscription { types, control };
                }
                self.queue_for_client(id, vec![tagged::op::SUBSCRIBE | tagged::op::REPLY, 0]);
            }
            tagged::Request::Send {
                net,
                eid,
                tag,
                report,
                msg,
            } => {
                self.capture_client(Direction::Outgoing, eid, msg);
                let r = if eid == self.cfg.eid && net == self.cfg.net {
                    // To ourselves: loop back, as the upstream dialect does.
                    self.counters.loopback_messages += 1;
                    let m = Message {
                        net,
                        bus: self.buses.first().map_or(BusId(0), |b| b.id),
                        src: eid,
                        dst: eid,
                        tag_owner: true,
                        data: msg.to_vec(),
                        ..Message::default()
                    };
                    self.deliver(&m);
                    Ok(tagged::spec_of(true, 0))
                } else {
                    let opts = SendOptions {
                        tag,
                        ..SendOptions::request(net, eid).owned_by(mctpkit_stack::Owner(id))
                    };
                    self.stack
                        .send(now, opts, msg)
                        .map(|s| tagged::spec_of(s.tag_owner, s.tag))
                };
                match r {
                    Ok(spec) if report => self.queue_for_client(
                        id,
                        tagged::reply(tagged::op::SEND, tagged::Status::Ok, net, eid, spec),
                    ),
                    Ok(_) => {}
                    Err(e) => {
                        self.counters.send_errors += 1;
                        self.queue_for_client(
                            id,
                            tagged::reply(tagged::op::SEND, tagged::status(e), net, eid, 0),
                        )
                    }
                }
            }
            tagged::Request::Status => {
                let mut d = vec![tagged::op::STATUS | tagged::op::REPLY, 0];
                d.extend_from_slice(self.status_json().to_string().as_bytes());
                self.queue_for_client(id, d);
            }
            tagged::Request::Monitor => {
                if let Some(c) = self.clients.get_mut(&id) {
                    if !c.monitor {
                        c.monitor = true;
                        self.monitors += 1;
                    }
                }
                self.queue_for_client(id, vec![tagged::op::MONITOR | tagged::op::REPLY, 0]);
            }
            tagged::Request::AllocTag { net, eid } => {
                let local = self.cfg.eid;
                let (st, tag) =
                    match self
                        .stack
                        .alloc_tag(net, local, eid, mctpkit_stack::Owner(id))
                    {
                        Ok(t) => (tagged::Status::Ok, t),
                        Err(e) => (tagged::status(e), 0),
                    };
                let spec = tagged::spec_of(true, tag);
                self.queue_for_client(id, tagged::reply(tagged::op::ALLOC_TAG, st, net, eid, spec));
            }
            tagged::Request::DropTag { net, eid, tag } => {
                let local = self.cfg.eid;
                let mine =
                    self.stack.tag_owner(net, local, eid, tag) == Some(mctpkit_stack::Owner(id));
                let st = if mine && self.stack.drop_tag(net, local, eid, tag) {
                    tagged::Status::Ok
                } else {
                    tagged::Status::TagNotHeld
                };
                let spec = tagged::spec_of(true, tag);
                self.queue_for_client(id, tagged::reply(tagged::op::DROP_TAG, st, net, eid, spec));
            }
        }
    }

    fn queue_for_client(&mut self, id: ClientId, d: Vec<u8>) {
        let Some(c) = self.clients.get_mut(&id) else {
            return;
        };
        // Nothing queued for this client: try the socket directly (the
        // writer task only takes over when the client's socket is full).
        if c.tx.capacity() == c.tx.max_capacity() && c.conn.try_send(&[&d]).is_ok() {
            return;
        }
        match c.tx.try_send(d) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                c.dropped += 1;
                self.counters.client_queue_drops += 1;
                if c.dropped.is_power_of_two() {
                    eprintln!(
                        "mctpkit daemon: client {id} is not reading: {} datagrams dropped",
                        c.dropped
                    );
                }
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    fn client_datagram(&mut self, id: ClientId, data: &[u8]) {
        self.counters.client_datagrams += 1;
        if self
            .clients
            .get(&id)
            .is_some_and(|c| c.dialect == Dialect::Tagged)
        {
            return self.tagged_datagram(id, data);
        }
        let (net, local) = (self.cfg.net, self.cfg.eid);
        match self.demux.datagram(id, net, local, data) {
            Action::Subscribe(t) => {
                self.log(format_args!("client {id} subscribes to type {t:#04x}"));
                self.stack.register_type(t, &[]);
            }
            Action::Loopback { eid, msg } => {
                self.counters.loopback_messages += 1;
                let m = Message {
                    net,
                    bus: self.buses.first().map_or(BusId(0), |b| b.id),
                    phys: PhysAddr::NONE,
                    src: eid,
                    dst: eid,
                    tag: 0,
                    tag_owner: false,
                    owner: None,
                    data: msg.to_vec(),
                };
                self.capture_client(Direction::Outgoing, eid, msg);
                self.deliver(&m);
            }
            Action::Send {
                dst,
                msg,
                tag,
                owner,
            } => {
                let msg = msg.to_vec();
                self.capture_client(Direction::Outgoing, dst, &msg);
                let now = self.now();
                let opts = SendOptions {
                    tag,
                    ..SendOptions::request(net, dst).owned_by(owner)
                };
                let mut r = self.stack.send(now, opts, &msg);
                if r == Err(mctpkit_stack::SendError::TagsExhausted) {
                    // All 8 owned tags to that peer are waiting for
                    // answers: send as libmctp would (TO=1, tag 0) rather
                    // than refuse what upstream clients expect to work.
                    self.counters.tag_fallbacks += 1;
                    let opts = SendOptions {
                        tag: mctpkit_stack::TagMode::Unowned(0),
                        ..opts
                    };
                    r = self.stack.send(now, opts, &msg);
                }
                if let Err(e) = r {
                    self.counters.send_errors += 1;
                    eprintln!("mctpkit daemon: client {id}: message to EID {dst} not sent: {e}");
                }
            }
            Action::Close(why) => {
                eprintln!("mctpkit daemon: client {id} closed: {why}");
                self.drop_client(id);
            }
            Action::Ignore(why) => self.log(format_args!("client {id}: ignored: {why}")),
        }
    }

    fn drop_client(&mut self, id: ClientId) {
        let gone = self.clients.remove(&id);
        if let Some(c) = &gone {
            if c.monitor {
                self.monitors -= 1;
            }
            c.conn.shutdown();
            self.counters.clients_closed += 1;
        }
        let mut withdrawn: Vec<u8> = self.demux.disconnect(id).into_iter().collect();
        if let Some(c) = gone {
            withdrawn.extend(c.sub.types);
        }
        for t in withdrawn {
            let upstream = self.demux.has_type(t);
            let tagged = self.clients.values().any(|c| c.sub.types.contains(&t));
            if !upstream && !tagged {
                self.stack.unregister_type(t & 0x7F);
            }
        }
        let n = self.stack.release_owner(mctpkit_stack::Owner(id));
        if n > 0 {
            self.log(format_args!("client {id}: {n} tags released"));
        }
    }

    /// Move work out of the stack: packets to the bus, messages to
    /// clients, events to the log.
    fn pump(&mut self) {
        for i in 0..self.buses.len() {
            self.pump_bus(i);
        }
        self.pump_stack();
    }

    /// The bus's own transmit queue into its writer, while it has room.
    fn pump_bus(&mut self, i: usize) {
        let bus = self.buses[i].id;
        loop {
            let room = match &self.buses[i].tx {
                None => true,
                Some(tx) => tx.capacity() > 0,
            };
            if !room {
                break;
            }
            // Framed straight from the stack's queue; the bare packet is
            // copied only when a capture or a monitor wants it.
            let want = self.capture.is_some() || self.monitors > 0;
            let framing = Framing::for_addresses(self.buses[i].kind, &[], &[]);
            let (frame, seen) = (&mut self.frame, &mut self.seen);
            seen.clear();
            let got = self.stack.poll_transmit_with_on(bus, |_, p| {
                if want {
                    seen.extend_from_slice(p);
                }
                frame.resize(2 * p.len() + 16, 0);
                framing.emit(p, frame)
            });
            let Some(framed) = got else {
                break;
            };
            if want {
                let seen = std::mem::take(&mut self.seen);
                self.capture_packet(bus, Direction::Outgoing, &seen);
                self.seen = seen;
            }
            match (&self.buses[i].tx, framed) {
                (None, _) => self.counters.null_bus_packets += 1,
                (Some(tx), Ok(n)) => {
                    let _ = tx.try_send(self.frame[..n].to_vec());
                }
                (Some(_), Err(e)) => eprintln!("mctpkit daemon: framing: {e}"),
            }
        }
    }

    /// Delivered messages to clients, events to the log and to clients.
    fn pump_stack(&mut self) {
        while let Some(m) = self.stack.poll_deliver() {
            self.capture_client(Direction::Incoming, m.src, &m.data);
            self.deliver(&m);
            self.stack.recycle(m);
        }
        while let Some(e) = self.stack.poll_event() {
            match &e {
                Event::EndpointSetUp(i) => eprintln!(
                    "mctpkit daemon: endpoint set up: EID {}{}, types {:02x?}",
                    i.eid,
                    i.pool
                        .map(|(f, n)| format!(", pool {f}..={}", u16::from(f) + u16::from(n) - 1))
                        .unwrap_or_default(),
                    i.types
                ),
                Event::EndpointFailed {
                    reason, attempts, ..
                } => eprintln!(
                    "mctpkit daemon: endpoint set-up failed after {attempts} attempts: {reason}"
                ),
                _ => self.log(format_args!("{e:?}")),
            }
            if let Event::TagReleased {
                owner,
                net,
                peer,
                tag,
                reason,
                ..
            } = e
            {
                if self
                    .clients
                    .get(&owner.0)
                    .is_some_and(|c| c.dialect == Dialect::Tagged)
                {
                    self.queue_for_client(owner.0, tagged::tag_released(net, peer, tag, reason));
                }
            }
        }
    }

    fn bus_bytes(&mut self, bus: BusId, bytes: &[u8]) {
        let now = self.now();
        let mut seen: Vec<Vec<u8>> = Vec::new();
        let want_capture = self.capture.is_some() || self.monitors > 0;
        self.stack.receive_stream_observed(now, bus, bytes, |p| {
            if want_capture {
                seen.push(p.to_vec());
            }
        });
        for p in seen {
            self.capture_packet(bus, Direction::Incoming, &p);
        }
    }

    /// What `mctpkit ctl status` shows.
    fn status_json(&self) -> serde_json::Value {
        use serde_json::json;
        let buses: Vec<_> = self
            .stack
            .buses()
            .map(|(id, b)| {
                let name = self
                    .cfg
                    .buses
                    .get(usize::from(id.0))
                    .map_or("", |s| s.name.as_str());
                json!({
                    "bus": id.0, "name": name, "binding": b.binding.cli_name(), "mtu": b.mtu,
                    "eids": b.eids, "tx_queue": self.stack.tx_queue_len_on(id),
                })
            })
            .collect();
        let routes: Vec<_> = self
            .stack
            .routes()
            .iter()
            .map(|r| {
                let hop = match r.hop {
                    mctpkit_stack::NextHop::Direct { bus, phys } => {
                        json!({"bus": bus.0, "phys": phys.to_string()})
                    }
                    mctpkit_stack::NextHop::Gateway(g) => json!({"gateway": g}),
                    _ => json!({}),
                };
                json!({"first": r.first, "last": r.last, "via": hop, "static": r.static_entry, "bridge": r.bridge})
            })
            .collect();
        let endpoints: Vec<_> = self
            .stack
            .setups()
            .iter()
            .map(|x| {
                let (state, info) = match &x.state {
                    mctpkit_stack::SetupState::Ready(i) => (
                        "ready".to_string(),
                        json!({"eid": i.eid, "bridge": i.bridge, "pool": i.pool, "types": i.types,
                               "uuid": i.uuid.map(|u| u.iter().map(|b| format!("{b:02x}")).collect::<String>())}),
                    ),
                    mctpkit_stack::SetupState::Failed(f) => (format!("failed: {f}"), json!(null)),
                    _ => ("in progress".to_string(), json!(null)),
                };
                json!({"bus": x.bus.0, "phys": x.phys.to_string(), "attempts": x.attempts,
                       "state": state, "endpoint": info})
            })
            .collect();
        let mut clients: Vec<_> = self
            .clients
            .iter()
            .map(|(&id, c)| {
                let types: Vec<u8> = match c.dialect {
                    Dialect::Upstream => self.demux.subscription(id).into_iter().collect(),
                    Dialect::Tagged => c.sub.types.clone(),
                };
                json!({"client": id, "dialect": match c.dialect { Dialect::Upstream => "upstream", Dialect::Tagged => "tagged" },
                       "types": types, "control": c.sub.control, "monitor": c.monitor, "dropped": c.dropped})
            })
            .collect();
        clients.sort_by_key(|c| c["client"].as_u64());
        let sc = self.stack.counters();
        let drops: serde_json::Map<String, serde_json::Value> = sc
            .nonzero_drops()
            .map(|(r, n)| (r.name().to_string(), json!(n)))
            .collect();
        let dc = &self.counters;
        json!({
            "eid": self.cfg.eid, "net": self.cfg.net, "buses": buses, "routes": routes,
            "endpoints": endpoints, "clients": clients,
            "counters": {
                "rx_packets": sc.rx_packets, "tx_packets": sc.tx_packets,
                "rx_messages": sc.rx_messages, "tx_messages": sc.tx_messages,
                "forwarded_packets": sc.forwarded_packets, "control_requests": sc.control_requests,
                "drops": drops,
                "clients_accepted": dc.clients_accepted, "clients_closed": dc.clients_closed,
                "client_datagrams": dc.client_datagrams, "client_queue_drops": dc.client_queue_drops,
                "loopback_messages": dc.loopback_messages, "send_errors": dc.send_errors,
                "tag_fallbacks": dc.tag_fallbacks,
            },
        })
    }

    fn input(&mut self, inp: Input) {
        match inp {
            Input::NewClient(id, dialect, tx, conn) => {
                self.counters.clients_accepted += 1;
                if dialect == Dialect::Upstream {
                    self.demux.connect(id);
                }
                self.clients.insert(
                    id,
                    ClientHandle {
                        tx,
                        conn,
                        dropped: 0,
                        dialect,
                        sub: Subscription::default(),
                        monitor: false,
                    },
                );
                self.log(format_args!("client {id} connected"));
            }
            Input::Client(id, data) => self.client_datagram(id, &data),
            Input::ClientGone(id) => {
                self.log(format_args!("client {id} disconnected"));
                self.drop_client(id);
            }
            Input::Bus(b, bytes) => self.bus_bytes(b, &bytes),
            Input::BusGone(b, e) => {
                eprintln!("mctpkit daemon: bus {}: {e}", b.0);
                if let Some(h) = self.buses.iter_mut().find(|h| h.id == b) {
                    h.tx = None;
                }
            }
        }
    }

    fn flush(&mut self) {
        for w in [&mut self.capture, &mut self.capture_socket]
            .into_iter()
            .flatten()
        {
            let _ = w.flush();
        }
    }
}

fn open_capture(p: &Option<PathBuf>) -> io::Result<Option<PcapWriter<BufWriter<File>>>> {
    match p {
        None => Ok(None),
        Some(p) => Ok(Some(PcapWriter::new(BufWriter::new(File::create(p)?))?)),
    }
}

/// Tell systemd we are ready (`Type=notify`), if it asked.
fn sd_notify_ready() {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    let Ok(sock) = std::os::unix::net::UnixDatagram::unbound() else {
        return;
    };
    let p = path.to_string_lossy().into_owned();
    let r = match p.strip_prefix('@') {
        Some(name) => {
            use std::os::linux::net::SocketAddrExt;
            std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())
                .and_then(|a| sock.send_to_addr(b"READY=1", &a))
        }
        None => sock.send_to(b"READY=1", &p),
    };
    if let Err(e) = r {
        eprintln!("mctpkit daemon: sd_notify: {e}");
    }
}

/// Run the daemon until SIGTERM or SIGINT.
pub async fn run(cfg: DaemonConfig) -> io::Result<()> {
    run_with(cfg, None).await
}

/// [`run`] with the client socket systemd passed, if any.
pub async fn run_with(cfg: DaemonConfig, inherited: Option<socket2::Socket>) -> io::Result<()> {
    let mut stack = Stack::new(StackConfig {
        deliver_unmatched_responses: cfg.policy.tags == TagPolicy::Upstream,
        // Control requests are answered by the stack and also handed to
        // tag-aware clients that subscribed to them.
        deliver_control_requests: cfg.tag_socket.is_some(),
        ..StackConfig::default()
    });
    let (input_tx, mut input_rx) = mpsc::channel::<Input>(1024);
    let writer_ready = Arc::new(Notify::new());
    let mut buses = Vec::new();
    for spec in &cfg.buses {
        buses.push(open_bus(
            &mut stack,
            spec,
            cfg.eid,
            cfg.net,
            &input_tx,
            &writer_ready,
        )?);
    }
    let wired: Vec<usize> = (0..cfg.buses.len())
        .filter(|&i| cfg.buses[i].binding != BindingSpec::Null)
        .collect();
    if cfg.routes.is_empty() && wired.len() == 1 {
        // One line: every other EID is on the other side (libmctp).
        let _ = stack.add_route(Route::range(
            cfg.net,
            8,
            0xFE,
            buses[wired[0]].id,
            PhysAddr::NONE,
        ));
    }
    for r in &cfg.routes {
        let Some(h) = buses.get(r.bus) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("route {}..={}: no bus {}", r.first, r.last, r.bus),
            ));
        };
        stack
            .add_route(Route::range(cfg.net, r.first, r.last, h.id, PhysAddr::NONE))
            .map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("route {}..={}: {e}", r.first, r.last),
                )
            })?;
    }
    if let Some((first, last)) = cfg.bus_owner {
        for (i, spec) in cfg.buses.iter().enumerate() {
            if spec.enumerate || cfg.buses.len() == 1 {
                // Serial is point to point: one device, no physical address.
                stack.set_devices(buses[i].id, &[PhysAddr::NONE]);
            }
        }
        stack.enable_bus_owner(mctpkit_stack::BusOwnerConfig {
            net: cfg.net,
            first,
            last,
            ..mctpkit_stack::BusOwnerConfig::default()
        });
    }

    // Socket activation (libmctp's mctp-demux.socket) or our own bind.
    let listener = match inherited {
        Some(s) => SeqListener::from_socket(s)?,
        None => SeqListener::bind(&cfg.socket).map_err(|e| {
            io::Error::new(e.kind(), format!("client socket {:?}: {e}", cfg.socket))
        })?,
    };
    let ids = Arc::new(std::sync::atomic::AtomicU64::new(1));
    spawn_acceptor(listener, Dialect::Upstream, ids.clone(), input_tx.clone());
    if let Some(name) = &cfg.tag_socket {
        let l = SeqListener::bind(name)
            .map_err(|e| io::Error::new(e.kind(), format!("tag-aware socket {name:?}: {e}")))?;
        spawn_acceptor(l, Dialect::Tagged, ids, input_tx.clone());
    }

    let mut st = State {
        demux: Demux::new(cfg.policy),
        capture: open_capture(&cfg.capture_binding)?,
        capture_socket: open_capture(&cfg.capture_socket)?,
        stack,
        clients: HashMap::new(),
        buses,
        start: Instant::now(),
        counters: DaemonCounters::default(),
        monitors: 0,
        targets: Vec::new(),
        frame: Vec::new(),
        seen: Vec::new(),
        cfg,
    };
    st.log(format_args!(
        "EID {} on {:?}, clients on {:?}",
        st.cfg.eid, st.cfg.buses, st.cfg.socket
    ));
    if st.stack.bus_owner_config().is_some() {
        let now = st.now();
        let ids: Vec<BusId> = st.buses.iter().map(|b| b.id).collect();
        for b in ids {
            st.stack.enumerate(now, b);
        }
    }
    sd_notify_ready();

    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    // Futures made once and polled by reference: the loop turns for every
    // datagram, so nothing is re-created per turn but the stack's timer
    // when its deadline moves.
    let shutdown = async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    };
    tokio::pin!(shutdown);
    let far = || tokio::time::Instant::now() + std::time::Duration::from_secs(3600);
    let timer = tokio::time::sleep_until(far());
    tokio::pin!(timer);
    let mut armed: Option<Millis> = None;
    let mut flush_tick = tokio::time::interval(std::time::Duration::from_millis(500));
    loop {
        st.pump();
        let deadline = st.stack.poll_timeout();
        if deadline != armed {
            armed = deadline;
            let at = match deadline {
                Some(ms) => {
                    tokio::time::Instant::from_std(st.start) + std::time::Duration::from_millis(ms)
                }
                None => far(),
            };
            timer.as_mut().reset(at);
        }
        tokio::select! {
            biased;
            inp = input_rx.recv() => {
                let Some(inp) = inp else { break };
                st.input(inp);
                // Take whatever else is ready before the next pump.
                while let Ok(inp) = input_rx.try_recv() {
                    st.input(inp);
                }
            }
            _ = &mut timer => {
                let now = st.now();
                st.stack.handle_timeout(now);
                // Re-arm on the next turn, whatever the new deadline (a
                // fired timer stays fired until reset).
                timer.as_mut().reset(far());
                armed = None;
            }
            _ = writer_ready.notified() => {}
            _ = flush_tick.tick() => st.flush(),
            _ = &mut shutdown => break,
        }
    }
    st.pump();
    st.flush();
    st.log(format_args!("stopped: {:?}", st.counters));
    Ok(())
}

/// Add `spec` to the stack and start its reader and writer tasks.
fn open_bus(
    stack: &mut Stack,
    spec: &BusSpec,
    eid: u8,
    net: NetworkId,
    input_tx: &mpsc::Sender<Input>,
    writer_ready: &Arc<Notify>,
) -> io::Result<BusHandle> {
    let kind = match spec.binding {
        BindingSpec::Null => BindingKind::None,
        BindingSpec::Serial(_) => BindingKind::Serial,
    };
    let bus = stack.add_bus(
        BusConfig::new(kind, PhysAddr::NONE)
            .eid(spec.eid.unwrap_or(eid))
            .mtu(spec.mtu)
            .net(net),
    );
    let tx = match &spec.binding {
        BindingSpec::Null => None,
        BindingSpec::Serial(path) => {
            let port = Arc::new(
                SerialPort::open(path)
                    .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?,
            );
            Some(spawn_serial(
                bus,
                port,
                input_tx.clone(),
                writer_ready.clone(),
            ))
        }
    };
    Ok(BusHandle { id: bus, kind, tx })
}

/// The reader and writer tasks of a serial line; returns the writer's queue.
fn spawn_serial(
    bus: BusId,
    port: Arc<SerialPort>,
    input_tx: mpsc::Sender<Input>,
    writer_ready: Arc<Notify>,
) -> mpsc::Sender<Vec<u8>> {
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(BUS_QUEUE);
    let w = port.clone();
    let gone = input_tx.clone();
    tokio::spawn(async move {
        // Frames queued together go out in one write (a fragmented message
        // is many frames; one system call each was most of a 4 KB
        // message's cost on a pty).
        let mut out: Vec<u8> = Vec::with_capacity(8192);
        while let Some(frame) = rx.recv().await {
            out.clear();
            out.extend_from_slice(&frame);
            while out.len() < 64 * 1024 {
                match rx.try_recv() {
                    Ok(f) => out.extend_from_slice(&f),
                    Err(_) => break,
                }
            }
            if let Err(e) = w.write_all(&out).await {
                let _ = gone.send(Input::BusGone(bus, e)).await;
                return;
            }
            writer_ready.notify_one();
        }
    });
    tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        loop {
            match port.read(&mut buf).await {
                // A pty whose other side is closed reads EOF (or EIO): wait
                // and try again, as a tty reopens.
                Ok(0) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
                Ok(n) => {
                    if input_tx
                        .send(Input::Bus(bus, buf[..n].to_vec()))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
                Err(e) if e.raw_os_error() == Some(libc::EIO) => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await
                }
                Err(e) => {
                    let _ = input_tx.send(Input::BusGone(bus, e)).await;
                    return;
                }
            }
        }
    });
    tx
}

fn spawn_acceptor(
    listener: SeqListener,
    dialect: Dialect,
    ids: Arc<std::sync::atomic::AtomicU64>,
    itx: mpsc::Sender<Input>,
) {
    tokio::spawn(async move {
        loop {
            let conn = match listener.accept().await {
                Ok(c) => Arc::new(c),
                Err(e) => {
                    eprintln!("mctpkit daemon: accept: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            };
            let id = ids.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let (tx, rx) = mpsc::channel::<Vec<u8>>(CLIENT_QUEUE);
            if itx
                .send(Input::NewClient(id, dialect, tx, conn.clone()))
                .await
                .is_err()
            {
                return;
            }
            spawn_client(id, conn, rx, itx.clone());
        }
    });
}

fn spawn_client(
    id: ClientId,
    conn: Arc<SeqConn>,
    mut rx: mpsc::Receiver<Vec<u8>>,
    itx: mpsc::Sender<Input>,
) {
    let w = conn.clone();
    tokio::spawn(async move {
        while let Some(d) = rx.recv().await {
            if w.send(&[&d]).await.is_err() {
                return;
            }
        }
    });
    tokio::spawn(async move {
        let mut buf = vec![0u8; MAX_DATAGRAM];
        loop {
            match conn.recv(&mut buf).await {
                Ok(Some(n)) => {
                    if itx
                        .send(Input::Client(id, buf[..n].to_vec()))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
                Ok(None) => break,
                Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                    eprintln!("mctpkit daemon: client {id}: {e}; ignored");
                }
                Err(_) => break,
            }
        }
        let _ = itx.send(Input::ClientGone(id)).await;
    });
}

/// [`run`] on a single-threaded runtime of its own (the stack is one state
/// machine; its I/O is not CPU-bound). The loop runs as a spawned task, not
/// as the `block_on` future: tokio polls its I/O driver once more (a
/// zero-timeout `epoll_wait`) before it polls a woken `block_on` future,
/// which cost a system call per message.
pub fn run_blocking(cfg: DaemonConfig) -> io::Result<()> {
    // Before the runtime opens its own descriptors.
    let inherited = SeqListener::take_systemd_socket();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            tokio::spawn(run_with(cfg, inherited))
                .await
                .unwrap_or_else(|e| Err(io::Error::other(e)))
        })
}
