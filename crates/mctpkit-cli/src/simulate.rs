//! `mctpkit simulate FILE`: run a described MCTP topology on a virtual clock.
//!
//! The topology (a TOML file, see [`AFTER_HELP`]) has buses with seeded
//! impairments, one bus owner with a dynamic EID pool, bridges and
//! endpoints, each a sans-IO [`mctpkit_stack::Stack`] inside a
//! [`mctpkit_stack::sim::World`]. The run has two phases:
//!
//! 1. **Enumeration.** The bus owner runs mctpd's SetupEndpoint flow (Get
//!    Endpoint ID, Set Endpoint ID, Allocate Endpoint IDs for bridges, Get
//!    Message Type Support, Get Endpoint UUID) for every device on its bus,
//!    by physical address, retrying a failed flow up to
//!    [`SETUP_ATTEMPTS`] times. A bridge that receives an EID pool becomes
//!    bus owner of its downstream buses with that pool and sets up the
//!    devices there the same way; it uses its one EID on every bus.
//! 2. **Exchange.** The bus owner sends, to every endpoint that got an EID
//!    (bridged ones included), Get Message Type Support (a control request
//!    with the stack's own retries), then PLDM GetTID if the endpoint
//!    supports PLDM and an echoed vendor-defined (IANA) message if it
//!    supports type 0x7F, each retried by this simulated application
//!    after [`APP_TIMEOUT`] ms up to [`APP_RETRIES`] times.
//!
//! Every packet a node puts on a link goes, before impairment, through an
//! [`Analyzer`] with virtual time stamps and is printed exactly as
//! `mctpkit analyze` prints messages and findings; `--pcap` writes the same
//! packets (bare MCTP in LINUX_SLL2) so `mctpkit analyze` reads the run
//! back. A packet a bridge forwards is the same packet again on the next
//! bus, so only its first hop is captured (the summary counts forwards).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use mctpkit::analyze::{Analyzer, AnalyzerOptions};

use crate::analyze::{TextListing, TsFormat};
use mctpkit::capture::{Direction, PcapWriter, Timestamp};
use mctpkit::wire::pldm::builder::{self as pldm_builder, PldmBuilder};
use mctpkit::BindingKind;
use mctpkit_stack::sim::{Impairment, Transmission, World};
use mctpkit_stack::{
    BusConfig, BusId, BusOwnerConfig, Config, EndpointInfo, Event, Message, Millis, NetworkId,
    NextHop, PhysAddr, RequestHandle, SendOptions, Setup, SetupState, Stack,
};
use serde::Deserialize;

const AFTER_HELP: &str = "\
Topology file (TOML):
  seed = 1                 # base seed; bus N uses seed + N unless it sets one
  network = 1              # MCTP network number (optional)
  rounds = 1               # times the message exchange is repeated (optional)

  [[bus]]                  # one per bus segment
  name = \"smbus0\"
  binding = \"smbus\"        # smbus (= i2c), serial or i3c
  unit = 64                # transmission unit: payload bytes per packet (>= 64)
  loss = 0.02              # per-frame probabilities, 0..1 (all optional)
  duplicate = 0.01
  bit_flip = 0.01          # caught by the binding's PEC/FCS
  truncate = 0.0
  reorder = 0.01           # delayed 1..5 ms
  seed = 7                 # optional

  [bus_owner]
  name = \"bmc\"
  bus = \"smbus0\"
  address = 0x10           # physical address (omit on serial)
  eid = 8
  eid_pool = [9, 0x7f]     # dynamic EIDs handed out, inclusive
  max_pool_size = 15       # largest pool given to a bridge (optional)

  [[bridge]]
  name = \"bridge\"
  bus = \"smbus0\"
  address = 0x20
  pool_size = 8            # EIDs it asks for in Set Endpoint ID
  downstream = [{ bus = \"serial0\" }, { bus = \"smbus1\", address = 0x10 }]

  [[endpoint]]
  name = \"nic\"
  bus = \"smbus0\"
  address = 0x30
  message_types = [\"pldm\", \"vendor-iana\"]   # names or numbers (0x7e)

Output: the analyser's message listing (as `mctpkit analyze`), then a summary:
EIDs assigned, routes learned, messages sent/answered, link impairments and
stack drop counters. Time stamps are virtual, from 2025-01-01T00:00:00Z.

Exit status: 0 when every endpoint got an EID and answered every request,
1 when something did not come up, 2 for a bad file or arguments.";

/// Attempts at setting up one endpoint before giving up.
pub const SETUP_ATTEMPTS: u8 = 5;
/// Application-level request timeout (PLDM, vendor), ms.
pub const APP_TIMEOUT: Millis = 100;
/// Application-level retries after the first attempt.
pub const APP_RETRIES: u8 = 3;
/// Virtual time allowed for enumeration, ms.
const ENUMERATION_LIMIT: Millis = 60_000;
/// Virtual-time origin: 2025-01-01T00:00:00Z.
const ORIGIN_SECS: i64 = 1_735_689_600;
/// IANA enterprise number used in the vendor-defined messages (DMTF's).
const IANA_DMTF: u32 = 412;

#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// Topology file (TOML; see --help).
    file: PathBuf,
    /// Also write every packet to this pcap (LINUX_SLL2, readable by
    /// `mctpkit analyze` and Wireshark).
    #[arg(long, value_name = "FILE")]
    pcap: Option<PathBuf>,
    /// Override the file's base seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Print only the summary.
    #[arg(long, short)]
    quiet: bool,
}

// ---------------------------------------------------------------------------
// Topology file

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Topology {
    #[serde(default = "one")]
    seed: u64,
    #[serde(default = "one_u32")]
    network: NetworkId,
    #[serde(default = "one_u32")]
    rounds: u32,
    #[serde(default)]
    bus: Vec<BusSpec>,
    bus_owner: OwnerSpec,
    #[serde(default)]
    bridge: Vec<BridgeSpec>,
    #[serde(default)]
    endpoint: Vec<EndpointSpec>,
}

fn one() -> u64 {
    1
}
fn one_u32() -> u32 {
    1
}
fn btu() -> usize {
    64
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BusSpec {
    name: String,
    binding: String,
    #[serde(default = "btu")]
    unit: usize,
    #[serde(default)]
    loss: f64,
    #[serde(default)]
    duplicate: f64,
    #[serde(default)]
    bit_flip: f64,
    #[serde(default)]
    truncate: f64,
    #[serde(default)]
    reorder: f64,
    seed: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnerSpec {
    name: String,
    bus: String,
    address: Option<u8>,
    eid: u8,
    eid_pool: [u8; 2],
    #[serde(default = "fifteen")]
    max_pool_size: u8,
}

fn fifteen() -> u8 {
    15
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Attachment {
    bus: String,
    address: Option<u8>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BridgeSpec {
    name: String,
    bus: String,
    address: Option<u8>,
    pool_size: u8,
    downstream: Vec<Attachment>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndpointSpec {
    name: String,
    bus: String,
    address: Option<u8>,
    #[serde(default)]
    message_types: Vec<TypeSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum TypeSpec {
    Number(u8),
    Name(String),
}

fn type_code(t: &TypeSpec) -> Result<u8, String> {
    match t {
        TypeSpec::Number(n) if *n < 0x80 => Ok(*n),
        TypeSpec::Number(n) => Err(format!("message type {n:#x} is above 0x7f")),
        TypeSpec::Name(s) => mctpkit::wire::mctp::MessageType::from_name(s)
            .map(|t| t.value())
            .ok_or_else(|| format!("unknown message type {:?}", s.to_ascii_lowercase())),
    }
}

fn binding_of(s: &str) -> Result<BindingKind, String> {
    match s.to_ascii_lowercase().as_str() {
        "smbus" | "i2c" => Ok(BindingKind::Smbus),
        "serial" => Ok(BindingKind::Serial),
        "i3c" => Ok(BindingKind::I3c),
        other => Err(format!(
            "binding {other:?} is not simulated (smbus, i2c, serial, i3c)"
        )),
    }
}

// ---------------------------------------------------------------------------
// The world built from a topology

#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    BusOwner,
    Bridge,
    Endpoint { types: Vec<u8>, tid: u8 },
}

/// A set-up some node's bus-owner role started: (node, index into its
/// `Stack::setups`), in the order they started.
#[derive(Debug, Clone, Copy)]
struct SetupRef {
    owner: usize,
    index: usize,
}

/// One application exchange of the bus owner with an endpoint.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    requests: u64,
    retries: u64,
    answered: u64,
    failed: u64,
}

struct Sim {
    world: World,
    roles: Vec<Role>,
    net: NetworkId,
    bo: usize,
    /// Every set-up of every node, in start order.
    setups: Vec<SetupRef>,
    /// Outcomes of the bus owner's control requests.
    outcomes: BTreeMap<u32, (Option<Vec<u8>>, u8)>,
    /// Messages delivered to the bus owner's application.
    inbox: Vec<Message>,
    tally: BTreeMap<usize, Tally>,
    capture: Capture,
}

fn phys_of(binding: BindingKind, address: Option<u8>, what: &str) -> Result<PhysAddr, String> {
    match (binding, address) {
        (BindingKind::Serial, None) => Ok(PhysAddr::NONE),
        (BindingKind::Serial, Some(_)) => Err(format!(
            "{what}: serial buses are point to point, give no address"
        )),
        (_, Some(a)) if a < 0x80 => Ok(PhysAddr::byte(a)),
        (_, Some(a)) => Err(format!("{what}: address {a:#x} is not a 7-bit address")),
        (_, None) => Err(format!("{what}: needs an address on this bus")),
    }
}

fn build(t: &Topology, seed: u64, capture: Capture) -> Result<Sim, String> {
    let mut world = World::new();
    let mut links: BTreeMap<&str, (usize, BindingKind, usize)> = BTreeMap::new();
    for (i, b) in t.bus.iter().enumerate() {
        let kind = binding_of(&b.binding).map_err(|e| format!("bus {}: {e}", b.name))?;
        for (n, p) in [
            ("loss", b.loss),
            ("duplicate", b.duplicate),
            ("bit_flip", b.bit_flip),
            ("truncate", b.truncate),
            ("reorder", b.reorder),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("bus {}: {n} = {p} is not a probability", b.name));
            }
        }
        if !(64..=65_536).contains(&b.unit) {
            return Err(format!(
                "bus {}: unit {} is outside 64..=65536 (payload bytes per packet)",
                b.name, b.unit
            ));
        }
        let imp = Impairment {
            loss: b.loss,
            duplicate: b.duplicate,
            bit_flip: b.bit_flip,
            truncate: b.truncate,
            reorder: b.reorder,
        };
        let s = b.seed.unwrap_or(seed.wrapping_add(i as u64));
        let li = world.add_link(&b.name, kind, imp, s);
        if links.insert(&b.name, (li, kind, b.unit)).is_some() {
            return Err(format!("bus {} is defined twice", b.name));
        }
    }
    let link = |name: &str, who: &str| {
        links
            .get(name)
            .copied()
            .ok_or_else(|| format!("{who}: no bus named {name:?}"))
    };
    let mut names: Vec<String> = Vec::new();
    let mut roles = Vec::new();
    let mut add = |world: &mut World, name: &str, stack: Stack, role: Role| {
        if names.iter().any(|n| n == name) {
            return Err(format!("node name {name:?} is used twice"));
        }
        names.push(name.to_string());
        roles.push(role);
        Ok(world.add_node(name, stack))
    };
    let bus_cfg = |kind: BindingKind, unit: usize, phys: PhysAddr| {
        BusConfig::new(kind, phys).mtu(unit).net(t.network)
    };

    // Bus owner.
    let o = &t.bus_owner;
    let (li, kind, unit) = link(&o.bus, &o.name)?;
    let phys = phys_of(kind, o.address, &o.name)?;
    if !(8..=0xFE).contains(&o.eid) || o.eid_pool[0] < 8 || o.eid_pool[1] > 0xFE {
        return Err(format!(
            "{}: EIDs must be within 8..=254 (eid {}, pool {:?})",
            o.name, o.eid, o.eid_pool
        ));
    }
    let mut s = Stack::new(Config::default());
    s.add_bus(bus_cfg(kind, unit, phys).eid(o.eid));
    s.enable_bus_owner(BusOwnerConfig {
        net: t.network,
        first: o.eid_pool[0],
        last: o.eid_pool[1],
        max_pool_size: o.max_pool_size,
        setup_attempts: SETUP_ATTEMPTS,
    });
    let bo = add(&mut world, &o.name, s, Role::BusOwner)?;
    world.attach(li, bo, BusId(0), phys);

    // Bridges: bus 0 upstream, then the downstream buses in order.
    for (bi, b) in t.bridge.iter().enumerate() {
        if b.pool_size == 0 || b.downstream.is_empty() {
            return Err(format!(
                "bridge {}: needs pool_size > 0 and a downstream bus",
                b.name
            ));
        }
        // The stack's bridge policy (mctpkit_stack::bus_owner) does the
        // rest: one EID on all its buses, then bus owner of its downstream
        // buses with the pool it is given.
        let mut s = Stack::new(Config {
            uuid: Some(uuid_for(0xB0, bi)),
            ..Config::bridge(b.pool_size)
        });
        s.enable_bus_owner(BusOwnerConfig {
            net: t.network,
            max_pool_size: 0,
            setup_attempts: SETUP_ATTEMPTS,
            ..BusOwnerConfig::default()
        });
        let (li, kind, unit) = link(&b.bus, &b.name)?;
        let phys = phys_of(kind, b.address, &b.name)?;
        s.add_bus(bus_cfg(kind, unit, phys));
        let mut attach = vec![(li, BusId(0), phys)];
        for d in &b.downstream {
            let (dl, dk, du) = link(&d.bus, &b.name)?;
            let dp = phys_of(dk, d.address, &b.name)?;
            let id = s.add_bus(bus_cfg(dk, du, dp));
            attach.push((dl, id, dp));
        }
        let n = add(&mut world, &b.name, s, Role::Bridge)?;
        for (l, bus, p) in attach {
            world.attach(l, n, bus, p);
        }
    }

    // Endpoints.
    for (ei, e) in t.endpoint.iter().enumerate() {
        let (li, kind, unit) = link(&e.bus, &e.name)?;
        let phys = phys_of(kind, e.address, &e.name)?;
        let mut s = Stack::new(Config {
            uuid: Some(uuid_for(0xE0, ei)),
            ..Config::default()
        });
        s.add_bus(bus_cfg(kind, unit, phys));
        let mut types = Vec::new();
        for ty in &e.message_types {
            let c = type_code(ty).map_err(|m| format!("endpoint {}: {m}", e.name))?;
            if c != 0 && !types.contains(&c) {
                s.register_type(c, &[]);
                types.push(c);
            }
        }
        let tid = u8::try_from(ei + 1).unwrap_or(0xFE);
        let n = add(&mut world, &e.name, s, Role::Endpoint { types, tid })?;
        world.attach(li, n, BusId(0), phys);
    }

    // Two members at one address, or a point-to-point link with more than two.
    for l in &world.links {
        if l.binding == BindingKind::Serial {
            if l.members.len() > 2 {
                return Err(format!(
                    "bus {}: a serial link connects two devices, not {}",
                    l.name,
                    l.members.len()
                ));
            }
            continue;
        }
        for (i, m) in l.members.iter().enumerate() {
            if l.members[..i].iter().any(|o| o.phys == m.phys) {
                return Err(format!(
                    "bus {}: two devices at address {:02x?}",
                    l.name,
                    m.phys.as_bytes()
                ));
            }
        }
    }
    // Each bus owner (and bridge) sets up every other device on its buses.
    for (n, role) in roles.iter().enumerate() {
        if matches!(role, Role::Endpoint { .. }) {
            continue;
        }
        let buses: Vec<BusId> = world.nodes[n].stack.buses().map(|(id, _)| id).collect();
        for bus in buses {
            let Some(li) = world.link_of(n, bus) else {
                continue;
            };
            let devices: Vec<PhysAddr> = world.links[li]
                .members
                .iter()
                .filter(|m| m.node != n)
                .map(|m| m.phys)
                .collect();
            world.nodes[n].stack.set_devices(bus, &devices);
        }
    }
    Ok(Sim {
        world,
        roles,
        net: t.network,
        bo,
        setups: Vec::new(),
        outcomes: BTreeMap::new(),
        inbox: Vec::new(),
        tally: BTreeMap::new(),
        capture,
    })
}

/// A recognisable endpoint UUID.
fn uuid_for(kind: u8, i: usize) -> [u8; 16] {
    let mut u = [0u8; 16];
    u[0] = kind;
    u[15] = i as u8;
    u[6] = 0x40; // version 4 style
    u[8] = 0x80; // RFC 4122 variant
    u
}

impl Sim {
    /// Record the set-ups nodes started since the last look, in node order
    /// (the order the listing's summary shows them).
    fn note_setups(&mut self) {
        for n in 0..self.world.nodes.len() {
            let known = self.setups.iter().filter(|r| r.owner == n).count();
            let now = self.world.nodes[n].stack.setups().len();
            for index in known..now {
                self.setups.push(SetupRef { owner: n, index });
            }
        }
    }

    /// The set-up a reference points at.
    fn setup(&self, r: SetupRef) -> Option<&Setup> {
        self.world.nodes[r.owner].stack.setups().get(r.index)
    }

    /// The node a set-up is for: the other member of the owner's link at
    /// that physical address.
    fn target(&self, r: SetupRef) -> Option<usize> {
        let s = self.setup(r)?;
        let li = self.world.link_of(r.owner, s.bus)?;
        self.world.links[li]
            .members
            .iter()
            .find(|m| m.node != r.owner && m.phys == s.phys)
            .map(|m| m.node)
    }

    /// One millisecond: move packets, then run every node's application.
    fn tick(&mut self) {
        let Sim { world, capture, .. } = self;
        world.step(&mut |t| capture.record(t));
        self.note_setups();
        let now = self.world.now;
        for n in 0..self.world.nodes.len() {
            while let Some(e) = self.world.nodes[n].stack.poll_event() {
                if let Event::Request(o) = e {
                    if n == self.bo {
                        self.outcomes.insert(o.handle.0, (o.response, o.attempts));
                    }
                }
            }
            while let Some(m) = self.world.nodes[n].stack.poll_deliver() {
                self.deliver(n, now, m);
            }
        }
    }

    fn deliver(&mut self, n: usize, now: Millis, m: Message) {
        if n == self.bo {
            self.inbox.push(m);
            return;
        }
        let Role::Endpoint { tid, .. } = self.roles[n] else {
            return;
        };
        let stack = &mut self.world.nodes[n].stack;
        if !m.tag_owner {
            stack.recycle(m);
            return;
        }
        let reply: Option<Vec<u8>> = match m.msg_type() {
            0x01 => pldm_reply(&m.data, tid),
            // Vendor-defined (IANA): echoed.
            0x7F => Some(m.data.clone()),
            _ => None,
        };
        if let Some(r) = reply {
            let _ = stack.respond(now, &m, &r);
        }
        stack.recycle(m);
    }

    fn run_until(&mut self, limit: Millis, mut done: impl FnMut(&mut Sim) -> bool) -> bool {
        let end = self.world.now + limit;
        while self.world.now < end {
            self.tick();
            if done(self) {
                return true;
            }
        }
        false
    }

    fn enumerate(&mut self) {
        let now = self.world.now;
        self.world.nodes[self.bo].stack.enumerate(now, BusId(0));
        self.note_setups();
        let expected = self.roles.len() - 1;
        self.run_until(ENUMERATION_LIMIT, |s| {
            s.setups.len() == expected
                && s.setups.iter().all(|&r| {
                    s.setup(r)
                        .is_some_and(|x| !matches!(x.state, SetupState::InProgress))
                })
                && s.world.idle()
        });
        // Let the last responses settle.
        self.run_until(10, |s| s.world.idle());
    }

    /// The EID a set-up gave, with the endpoint's details.
    fn info(&self, r: SetupRef) -> Option<&EndpointInfo> {
        match &self.setup(r)?.state {
            SetupState::Ready(i) => Some(i),
            _ => None,
        }
    }

    fn eid_of(&self, node: usize) -> Option<u8> {
        if node == self.bo {
            return Some(self.world.nodes[node].stack.local_eid(BusId(0)));
        }
        self.setups
            .iter()
            .find(|&&r| self.target(r) == Some(node))
            .and_then(|&r| self.info(r))
            .map(|i| i.eid)
    }

    /// A control request with the stack's retries; true when answered.
    fn control(&mut self, ep: usize, eid: u8, req: &[u8]) -> bool {
        let now = self.world.now;
        let tally = self.tally.entry(ep).or_default();
        tally.requests += 1;
        let h: RequestHandle = match self.world.nodes[self.bo].stack.control_request(
            now,
            SendOptions::request(self.net, eid),
            req,
        ) {
            Ok(h) => h,
            Err(_) => {
                tally.failed += 1;
                return false;
            }
        };
        // The stack retries; allow for every attempt.
        let cfg = self.world.nodes[self.bo].stack.config();
        let limit = cfg.control_timeout * (u64::from(cfg.control_retries) + 2);
        self.run_until(limit, |s| s.outcomes.contains_key(&h.0));
        let (response, attempts) = self.outcomes.remove(&h.0).unwrap_or((None, 1));
        // Completion code SUCCESS (byte 3: type, Rq/D/iid, command, cc).
        let ok = response.is_some_and(|r| r.get(3) == Some(&0));
        let t = self.tally.entry(ep).or_default();
        t.retries += u64::from(attempts.saturating_sub(1));
        if ok {
            t.answered += 1;
        } else {
            t.failed += 1;
        }
        ok
    }

    /// An application request retried after [`APP_TIMEOUT`]; `matches`
    /// picks the response out of the bus owner's inbox.
    fn app_request(
        &mut self,
        ep: usize,
        eid: u8,
        req: &[u8],
        matches: impl Fn(&Message) -> bool,
    ) -> bool {
        for attempt in 0..=APP_RETRIES {
            let now = self.world.now;
            let t = self.tally.entry(ep).or_default();
            if attempt == 0 {
                t.requests += 1;
            } else {
                t.retries += 1;
            }
            let _ =
                self.world.nodes[self.bo]
                    .stack
                    .send(now, SendOptions::request(self.net, eid), req);
            let got = self.run_until(APP_TIMEOUT, |s| s.inbox.iter().any(&matches));
            // Late duplicates of earlier answers are dropped with the rest.
            self.inbox.clear();
            if got {
                self.tally.entry(ep).or_default().answered += 1;
                return true;
            }
        }
        self.tally.entry(ep).or_default().failed += 1;
        false
    }

    fn exchange(&mut self, rounds: u32) {
        let mut iid: u8 = 0;
        for round in 0..rounds {
            for ep in 0..self.roles.len() {
                let Role::Endpoint { types, .. } = self.roles[ep].clone() else {
                    continue;
                };
                let Some(eid) = self.eid_of(ep) else {
                    continue;
                };
                let req =
                    mctpkit::wire::control::builder::get_message_type_support_request(0).to_vec();
                self.control(ep, eid, &req);
                if types.contains(&0x01) {
                    iid = (iid + 1) & 0x1F;
                    let req = pldm_builder::get_tid_request(iid).to_vec();
                    self.app_request(ep, eid, &req, |m| {
                        m.src == eid
                            && !m.tag_owner
                            && m.data.len() >= 6
                            && m.data[0] & 0x7F == 0x01
                            && m.data[1] == iid
                            && m.data[3] == 0x02
                    });
                }
                if types.contains(&0x7F) {
                    let mut req = vec![0x7F];
                    req.extend_from_slice(&IANA_DMTF.to_be_bytes());
                    req.extend_from_slice(b"ping ");
                    req.push(round as u8);
                    req.push(eid);
                    let want = req.clone();
                    self.app_request(ep, eid, &req, move |m| {
                        m.src == eid && !m.tag_owner && m.data == want
                    });
                }
            }
        }
        self.run_until(50, |s| s.world.idle());
    }

    fn summary(&self, out: &mut String) {
        let name = |n: usize| self.world.nodes[n].name.as_str();
        let place = |n: usize, bus: BusId| {
            let mut s = String::new();
            if let Some(li) = self.world.link_of(n, bus) {
                s.push_str(&self.world.links[li].name);
                if let Some(m) = self.world.links[li].members.iter().find(|m| m.node == n) {
                    if let [a] = m.phys.as_bytes() {
                        let _ = write!(s, " @{a:#04x}");
                    }
                }
            }
            s
        };
        let _ = writeln!(out, "-- endpoints");
        let bo_eid = self.world.nodes[self.bo].stack.local_eid(BusId(0));
        let _ = writeln!(
            out,
            "  {:<10} bus owner  EID {:<3} on {}",
            name(self.bo),
            bo_eid,
            place(self.bo, BusId(0))
        );
        let mut all_ok = true;
        for &r in &self.setups {
            let (Some(s), Some(target)) = (self.setup(r), self.target(r)) else {
                continue;
            };
            let who = name(target);
            let role = match self.roles[target] {
                Role::Bridge => "bridge",
                _ => "endpoint",
            };
            let by = if r.owner == self.bo {
                String::new()
            } else {
                format!(" (by {})", name(r.owner))
            };
            match &s.state {
                SetupState::Ready(info) => {
                    let eid = info.eid;
                    let _ = write!(
                        out,
                        "  {who:<10} {role:<10} EID {eid:<3} on {}{by}",
                        place(target, BusId(0))
                    );
                    if let Some((start, size)) = info.pool {
                        let _ = write!(
                            out,
                            ", pool {}..={}",
                            start,
                            u16::from(start) + u16::from(size) - 1
                        );
                    }
                    let types: Vec<String> =
                        info.types.iter().map(|t| format!("{t:#04x}")).collect();
                    let _ = write!(out, ", types [{}]", types.join(" "));
                    if s.attempts > 1 {
                        let _ = write!(out, ", {} attempts", s.attempts);
                    }
                    out.push('\n');
                }
                state => {
                    all_ok = false;
                    let why = match state {
                        SetupState::Failed(f) => f.as_str(),
                        _ => "not set up",
                    };
                    let _ = writeln!(
                        out,
                        "  {who:<10} {role:<10} NO EID on {}{by}: {why}",
                        place(target, BusId(0)),
                    );
                }
            }
        }
        let expected = self.roles.len() - 1;
        if self.setups.len() < expected {
            all_ok = false;
            let _ = writeln!(
                out,
                "  {} device(s) never reached (behind a bridge that got no pool)",
                expected - self.setups.len()
            );
        }

        for (n, r) in self.roles.iter().enumerate() {
            if matches!(r, Role::Endpoint { .. }) {
                continue;
            }
            let _ = writeln!(out, "-- routes learned by {}", name(n));
            for rt in self.world.nodes[n].stack.routes() {
                let range = if rt.first == rt.last {
                    format!("{}", rt.first)
                } else {
                    format!("{}..={}", rt.first, rt.last)
                };
                let hop = match rt.hop {
                    NextHop::Direct { bus, phys } => {
                        let link = self
                            .world
                            .link_of(n, bus)
                            .map_or("?", |l| self.world.links[l].name.as_str());
                        let behind = self
                            .world
                            .link_of(n, bus)
                            .and_then(|l| {
                                self.world.links[l]
                                    .members
                                    .iter()
                                    .find(|m| m.node != n && m.phys == phys)
                            })
                            .map_or("?", |m| name(m.node));
                        match phys.as_bytes() {
                            [a] => format!("{link} @{a:#04x} ({behind})"),
                            _ => format!("{link} ({behind})"),
                        }
                    }
                    NextHop::Gateway(g) => format!("via EID {g}"),
                    _ => "?".to_string(),
                };
                let kind = if rt.bridge { " bridge pool" } else { "" };
                let _ = writeln!(out, "  EID {range:<9} -> {hop}{kind}");
            }
        }

        let _ = writeln!(out, "-- messages from {}", name(self.bo));
        let mut total = Tally::default();
        for (&ep, t) in &self.tally {
            let _ = writeln!(
                out,
                "  {:<10} {} requests, {} retries, {} answered, {} unanswered",
                name(ep),
                t.requests,
                t.retries,
                t.answered,
                t.failed
            );
            total.requests += t.requests;
            total.retries += t.retries;
            total.answered += t.answered;
            total.failed += t.failed;
            if t.failed > 0 {
                all_ok = false;
            }
        }
        let _ = writeln!(
            out,
            "  total      {} requests, {} retries, {} answered, {} unanswered",
            total.requests, total.retries, total.answered, total.failed
        );

        let _ = writeln!(out, "-- links");
        for l in &self.world.links {
            let s = &l.stats;
            let _ = writeln!(
                out,
                "  {:<10} {} frames: {} lost, {} duplicated, {} bit-flipped, {} truncated, {} reordered",
                l.name, s.frames, s.lost, s.duplicated, s.flipped, s.truncated, s.reordered
            );
        }
        let _ = writeln!(out, "-- stacks");
        for n in &self.world.nodes {
            let c = n.stack.counters();
            let _ = write!(
                out,
                "  {:<10} tx {} msgs / {} pkts, rx {} msgs / {} pkts",
                n.name, c.tx_messages, c.tx_packets, c.rx_messages, c.rx_packets
            );
            if c.forwarded_packets > 0 {
                let _ = write!(out, ", forwarded {} pkts", c.forwarded_packets);
            }
            let drops: Vec<String> = c
                .nonzero_drops()
                .map(|(r, k)| format!("{} {k}", r.name()))
                .collect();
            if drops.is_empty() {
                out.push_str(", no drops\n");
            } else {
                let _ = writeln!(out, ", dropped: {}", drops.join(", "));
            }
        }
        let c = &self.capture;
        let _ = write!(
            out,
            "-- capture: {} packets ({} forwarded copies not captured)",
            c.index, c.forwarded
        );
        if c.pcap.is_some() {
            let _ = write!(out, ", written to the pcap");
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "-- result: {} (virtual time {} ms)",
            if all_ok {
                "every endpoint assigned and reachable"
            } else {
                "INCOMPLETE"
            },
            self.world.now
        );
    }

    fn all_ok(&self) -> bool {
        self.setups.len() == self.roles.len() - 1
            && self.setups.iter().all(|&r| self.info(r).is_some())
            && self.tally.values().all(|t| t.failed == 0)
    }
}

/// An endpoint's PLDM answer to a request (Rq=1, D=0): DSP0240 GetTID with
/// this endpoint's TID, anything else ERROR_UNSUPPORTED_PLDM_CMD (0x05).
fn pldm_reply(data: &[u8], tid: u8) -> Option<Vec<u8>> {
    use mctpkit::wire::pldm::{self, base::Command, PldmType};
    let msg = pldm::Message::parse(data).ok()?;
    let h = msg.header;
    if !h.rq || h.d {
        return None;
    }
    if h.pldm_type == PldmType::Base && h.command == Command::GetTid.value() {
        return Some(pldm_builder::get_tid_response(h.instance_id, tid).to_vec());
    }
    let mut out = vec![0u8; 8];
    let n = PldmBuilder::response(h.pldm_type, h.command, 0x05)
        .instance_id(h.instance_id)
        .emit_data(&[], &mut out[1..])
        .ok()?;
    out[0] = 0x01;
    out.truncate(n + 1);
    Some(out)
}

// ---------------------------------------------------------------------------
// Capture: analyser listing and pcap

struct Capture {
    analyzer: Analyzer,
    listing: TextListing<Box<dyn Write>>,
    pcap: Option<PcapWriter<BufWriter<File>>>,
    pcap_error: Option<io::Error>,
    index: usize,
    forwarded: u64,
}

impl Capture {
    fn record(&mut self, t: &Transmission<'_>) {
        if t.forwarded {
            self.forwarded += 1;
            return;
        }
        self.index += 1;
        let ts = Timestamp {
            secs: ORIGIN_SECS + (t.at / 1000) as i64,
            nanos: (t.at % 1000) as u32 * 1_000_000,
        };
        self.analyzer.push_packet(
            self.index,
            Some(ts),
            BindingKind::None,
            t.packet,
            &mut self.listing,
        );
        if let Some(w) = &mut self.pcap {
            if self.pcap_error.is_none() {
                if let Err(e) = w.write_packet(ts, Direction::Outgoing, t.packet) {
                    self.pcap_error = Some(e);
                }
            }
        }
    }
}

pub fn run(args: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let text =
        std::fs::read_to_string(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let topo: Topology =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let pcap = match &args.pcap {
        Some(p) => Some(
            PcapWriter::new(BufWriter::new(
                File::create(p).map_err(|e| format!("{}: {e}", p.display()))?,
            ))
            .map_err(|e| format!("{}: {e}", p.display()))?,
        ),
        None => None,
    };
    let stdout: Box<dyn Write> = Box::new(BufWriter::new(io::stdout().lock()));
    let capture = Capture {
        analyzer: Analyzer::new(AnalyzerOptions::default()),
        listing: TextListing {
            w: stdout,
            line: String::with_capacity(256),
            ts: TsFormat::new(None),
            quiet: args.quiet,
            error: None,
        },
        pcap,
        pcap_error: None,
        index: 0,
        forwarded: 0,
    };
    let seed = args.seed.unwrap_or(topo.seed);
    let mut sim =
        build(&topo, seed, capture).map_err(|e| format!("{}: {e}", args.file.display()))?;
    sim.enumerate();
    sim.exchange(topo.rounds);
    {
        let Capture {
            analyzer, listing, ..
        } = &mut sim.capture;
        analyzer.finish(listing);
    }
    let mut summary = String::new();
    if !args.quiet {
        summary.push('\n');
    }
    sim.summary(&mut summary);
    let c = &mut sim.capture;
    c.listing.line = summary;
    if c.listing.line.ends_with('\n') {
        c.listing.line.pop();
    }
    c.listing.emit();
    if let Some(e) = c.listing.error.take() {
        if e.kind() != io::ErrorKind::BrokenPipe {
            return Err(e.into());
        }
    }
    match c.listing.w.flush() {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    if let Some(e) = c.pcap_error.take() {
        return Err(format!("pcap: {e}").into());
    }
    if let Some(mut w) = c.pcap.take() {
        w.flush()?;
    }
    Ok(if sim.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
