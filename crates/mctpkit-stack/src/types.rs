//! Plain data shared by the stack's modules.

use alloc::vec::Vec;
use core::fmt;

/// Index of a bus (interface) in a [`crate::Stack`] (see
/// [`crate::Stack::add_bus`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct BusId(pub u8);

/// A network number (Linux `smctp_network`); EIDs are unique per network.
pub type NetworkId = u32;

/// Milliseconds on the caller's clock.
pub type Millis = u64;

/// Who an owned tag, a control request or a delivered response belongs to:
/// an opaque cookie the caller chooses (a daemon client's connection ID, the
/// CXL client, a Python socket). The stack stores it with the tag and hands
/// it back on the response, on tag expiry and on request outcomes, so a
/// daemon routes a response to the one owner of its tag without keeping a
/// second copy of the tag table.
///
/// [`Owner::APP`] (0) is the single application of a stack that has only
/// one; any other value is the caller's to assign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Owner(pub u64);

impl Owner {
    /// The default owner: the stack's one application.
    pub const APP: Owner = Owner(0);
}

/// A physical (binding) address: 0 bytes for serial/USB, 1 for SMBus/I2C
/// (the 7-bit address), 2 for PCIe VDM (bus/device/function), 6 for I3C.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct PhysAddr {
    len: u8,
    bytes: [u8; PhysAddr::MAX],
}

impl PhysAddr {
    /// Longest address kept.
    pub const MAX: usize = 8;
    /// The empty address (point-to-point bindings).
    pub const NONE: PhysAddr = PhysAddr {
        len: 0,
        bytes: [0; PhysAddr::MAX],
    };

    /// An address from bytes; `None` when longer than [`PhysAddr::MAX`].
    pub fn new(b: &[u8]) -> Option<PhysAddr> {
        if b.len() > Self::MAX {
            return None;
        }
        let mut bytes = [0; Self::MAX];
        bytes[..b.len()].copy_from_slice(b);
        Some(PhysAddr {
            len: b.len() as u8,
            bytes,
        })
    }

    /// A one-byte address (SMBus/I2C 7-bit address).
    pub const fn byte(b: u8) -> PhysAddr {
        let mut bytes = [0; Self::MAX];
        bytes[0] = b;
        PhysAddr { len: 1, bytes }
    }

    /// No address (point-to-point bindings).
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The address bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len).min(Self::MAX)]
    }
}

impl fmt::Debug for PhysAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for PhysAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len == 0 {
            return f.write_str("-");
        }
        for (i, b) in self.as_bytes().iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Stack-wide limits and behaviour switches.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest reassembled message, type byte included. Default 65536
    /// (Linux `mctp_message_maxlen`, libmctp's default).
    pub max_message_size: usize,
    /// Concurrent reassemblies (local and forwarded). Default 16 (libmctp).
    /// When all are busy a new SOM evicts the least recently active context
    /// (of the same peer first if that peer holds `max_contexts_per_peer`),
    /// so abandoned messages cannot block reception (libmctp's flaw).
    pub reassembly_contexts: usize,
    /// A single peer may hold at most this many contexts; its own oldest is
    /// evicted beyond that, never another peer's (caliptra-mcu-sw #1728).
    /// Default 8.
    pub max_contexts_per_peer: usize,
    /// An incomplete reassembly is dropped this long after its last packet.
    /// Default 6000 ms (Linux key lifetime, mctp-estack).
    pub reassembly_timeout: Millis,
    /// Owned tags are released this long after the request if no response
    /// came. Default 6000 ms (Linux, libmctp `MCTP_TAG_TIMEOUT`).
    pub tag_expiry: Millis,
    /// Owned tags held at once over all peers (8 per peer regardless).
    /// Default 64 (mctp-estack's flow table size).
    pub max_owned_tags: usize,
    /// Packets waiting in each bus's transmit queue (unless the bus sets its
    /// own [`crate::BusConfig::tx_queue_packets`]); a send that does not fit
    /// fails with [`SendError::QueueFull`] for that bus only. Default 2048.
    pub tx_queue_packets: usize,
    /// Reassembled messages waiting for [`crate::Stack::poll_deliver`];
    /// beyond this, messages are dropped ([`DropReason::DeliverQueueFull`]).
    /// Default 64.
    pub deliver_queue: usize,
    /// Packet-size rule on receive. Default [`SizeRule::MiddleEqual`].
    pub size_rule: SizeRule,
    /// Deliver a response (TO=0) that answers no owned tag, with no owner,
    /// instead of dropping it as [`DropReason::UnexpectedResponse`]
    /// (libmctp delivers them; Linux drops them). Default `false`; a daemon
    /// in libmctp's compatibility mode, whose requests go out as TO=1 tag 0
    /// without owning the tag, needs it on.
    pub deliver_unmatched_responses: bool,
    /// Accept the broadcast destination EID 0xFF (Linux, libmctp). Default
    /// `true`; mctp-estack refuses it.
    pub accept_broadcast: bool,
    /// Forward packets not addressed to a local EID along the routing table
    /// (bridge role). Default `false` (endpoint).
    pub forwarding: bool,
    /// Learn a neighbour route (EID → bus + physical source address) from
    /// every locally addressed request (SOM, TO=1) whose unicast source EID
    /// has no single-EID route yet, as libmctp's SMBus binding fills its
    /// neighbour table from received TO=1 packets (bindings.md §2.3). Learned
    /// routes are non-static, never replace a static one, follow a device
    /// that changes address, and are learned only where the binding reports
    /// the physical source (SMBus, PCIe VDM) or none is needed (serial,
    /// point to point). Default `true`.
    pub learn_neighbours: bool,
    /// Drop a forwarded packet whose source EID the routing table places on a
    /// bus other than the ingress bus (a reverse-path check; MCTP has no TTL,
    /// so this and "never forward back out the ingress bus" are what keeps a
    /// misconfigured table from looping). Default `true`.
    pub reverse_path_check: bool,
    /// Answer MCTP control requests internally (see [`crate::control`]).
    /// Default `true`. Control requests the responder does not implement are
    /// answered with ERROR_UNSUPPORTED_CMD.
    pub control_responder: bool,
    /// Also deliver control requests the responder answered to the
    /// application. Default `false`.
    pub deliver_control_requests: bool,
    /// The 16-byte endpoint UUID for Get Endpoint UUID (unsupported if `None`).
    pub uuid: Option<[u8; 16]>,
    /// Network ID (UUID) for Get Network ID (unsupported if `None`).
    pub network_id: Option<[u8; 16]>,
    /// EIDs this endpoint asks for in Set Endpoint ID responses (a bridge's
    /// pool size). Default 0: a simple endpoint. A non-zero pool makes the
    /// stack a **bridge** (see [`Config::bridge`] and [`crate::bus_owner`]):
    /// the EID its bus owner assigns is used on all its buses, and once the
    /// pool is allocated it becomes bus owner of its other buses and sets up
    /// their [`crate::BusConfig::devices`] from the pool.
    pub eid_pool_size: u8,
    /// Request timeout for control requests (DSP0237 MT2 = MT1 + 2·MT3 =
    /// 300 ms). Default 300 ms.
    pub control_timeout: Millis,
    /// Retries after the first attempt (DSP0237 MN1 ≥ 2). Default 2.
    pub control_retries: u8,
}

impl Config {
    /// A bridge's configuration: forwarding on, asking its bus owner for a
    /// pool of `pool_size` EIDs (DSP0236 §8.17 bridge EID pools).
    pub fn bridge(pool_size: u8) -> Config {
        Config {
            forwarding: true,
            eid_pool_size: pool_size,
            ..Config::default()
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_message_size: 65536,
            reassembly_contexts: 16,
            max_contexts_per_peer: 8,
            reassembly_timeout: 6000,
            tag_expiry: 6000,
            max_owned_tags: 64,
            tx_queue_packets: 2048,
            deliver_queue: 64,
            size_rule: SizeRule::MiddleEqual,
            deliver_unmatched_responses: false,
            accept_broadcast: true,
            forwarding: false,
            learn_neighbours: true,
            reverse_path_check: true,
            control_responder: true,
            deliver_control_requests: false,
            uuid: None,
            network_id: None,
            eid_pool_size: 0,
            control_timeout: 300,
            control_retries: 2,
        }
    }
}

/// Which packet sizes a reassembly accepts (`mctp-core.md` §4, §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SizeRule {
    /// No size checks (Linux kernel, mctp-estack).
    Lax,
    /// Middle packets must carry exactly the SOM packet's payload size
    /// (DSP0236 §8.8: all packets but the last are the same size); the EOM
    /// packet may be any size. The default.
    #[default]
    MiddleEqual,
    /// libmctp: middle packets equal to the SOM size **and** the EOM packet
    /// no larger than it.
    Strict,
}

macro_rules! drop_reasons {
    ($( $(#[$m:meta])* $v:ident = $name:literal, )*) => {
        /// Why a packet or message was dropped; each has a counter.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        #[non_exhaustive]
        pub enum DropReason { $( $(#[$m])* $v, )* }

        impl DropReason {
            /// Every reason, in counter order.
            pub const ALL: &'static [DropReason] = &[$(DropReason::$v,)*];
            /// Number of reasons.
            pub const COUNT: usize = [$(DropReason::$v,)*].len();
            /// snake_case name.
            pub const fn name(self) -> &'static str {
                match self { $(DropReason::$v => $name,)* }
            }
        }
    };
}

drop_reasons! {
    /// Shorter than the 4-byte transport header.
    TooShort = "too_short",
    /// Header version is not 1 (Linux, mctp-estack; libmctp does not check).
    BadVersion = "bad_version",
    /// Source EID 0xFF (all stacks drop it).
    SourceBroadcast = "source_broadcast",
    /// Source EID 1..7 (reserved; Linux accepts only unicast or NULL sources).
    SourceReserved = "source_reserved",
    /// Destination EID 1..7 (reserved).
    DestinationReserved = "destination_reserved",
    /// Broadcast destination while `accept_broadcast` is off.
    BroadcastRefused = "broadcast_refused",
    /// Not addressed to a local EID and forwarding is off.
    NotForUs = "not_for_us",
    /// Forwarding: no route to the destination.
    NoRoute = "no_route",
    /// Forwarding: the route leads back out of the ingress bus.
    ForwardLoop = "forward_loop",
    /// Forwarding: the source EID is routed via a different bus.
    ReversePath = "reverse_path",
    /// Forwarding: the transmit queue is full.
    ForwardQueueFull = "forward_queue_full",
    /// Middle or EOM packet without a reassembly in progress.
    NoContext = "no_context",
    /// Sequence number is not previous + 1 (mod 4): the message is dropped.
    BadSequence = "bad_sequence",
    /// An exact repeat of the previous packet of a reassembly (dropped, the
    /// reassembly continues).
    Duplicate = "duplicate",
    /// Middle packet whose payload differs from the SOM packet's.
    BadMiddleSize = "bad_middle_size",
    /// EOM packet larger than the SOM packet ([`SizeRule::Strict`] only).
    BadEomSize = "bad_eom_size",
    /// SOM packet without payload (no message-type byte).
    EmptySom = "empty_som",
    /// The message grew beyond `max_message_size`.
    TooLarge = "too_large",
    /// A new SOM for the same key aborted a reassembly in progress.
    SomRestart = "som_restart",
    /// A reassembly was evicted to make room for a new one.
    Evicted = "evicted",
    /// A reassembly timed out.
    ReassemblyTimeout = "reassembly_timeout",
    /// A response (TO=0) that matches no owned tag (Linux drops, libmctp delivers).
    UnexpectedResponse = "unexpected_response",
    /// The delivery queue was full.
    DeliverQueueFull = "deliver_queue_full",
    /// The binding's integrity check (PEC, FCS) failed.
    BadIntegrity = "bad_integrity",
    /// The binding framing did not decode.
    BadFraming = "bad_framing",
    /// Receive on a bus that does not exist.
    UnknownBus = "unknown_bus",
    /// A control message that could not be decoded far enough to answer.
    ControlMalformed = "control_malformed",
    /// Packets still queued on a bus when it was removed.
    BusRemoved = "bus_removed",
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for DropReason {}

/// Packet and message counters, including one per [`DropReason`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counters {
    /// Packets handed to `receive`.
    pub rx_packets: u64,
    /// Packets handed out by `poll_transmit`.
    pub tx_packets: u64,
    /// Messages delivered to the application.
    pub rx_messages: u64,
    /// Messages accepted by `send`/`respond` (and internal control traffic).
    pub tx_messages: u64,
    /// Packets forwarded unchanged to another bus.
    pub forwarded_packets: u64,
    /// Messages reassembled and re-fragmented for a smaller outgoing unit.
    pub refragmented_messages: u64,
    /// Control requests answered.
    pub control_requests: u64,
    /// Neighbour routes learned from requests (see `Config::learn_neighbours`).
    pub learned_neighbours: u64,
    drops: [u64; DropReason::COUNT],
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            rx_packets: 0,
            tx_packets: 0,
            rx_messages: 0,
            tx_messages: 0,
            forwarded_packets: 0,
            refragmented_messages: 0,
            control_requests: 0,
            learned_neighbours: 0,
            drops: [0; DropReason::COUNT],
        }
    }
}

impl Counters {
    /// The counter of one drop reason.
    pub fn dropped(&self, r: DropReason) -> u64 {
        self.drops[r as usize]
    }
    /// Sum over all drop reasons.
    pub fn total_dropped(&self) -> u64 {
        self.drops.iter().sum()
    }
    pub(crate) fn drop(&mut self, r: DropReason) {
        self.drops[r as usize] += 1;
    }
    /// Every non-zero drop counter.
    pub fn nonzero_drops(&self) -> impl Iterator<Item = (DropReason, u64)> + '_ {
        DropReason::ALL
            .iter()
            .map(|&r| (r, self.dropped(r)))
            .filter(|&(_, n)| n > 0)
    }
}

/// A reassembled message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    /// Network of the ingress bus.
    pub net: NetworkId,
    /// Bus it arrived on.
    pub bus: BusId,
    /// Physical source address of the SOM packet.
    pub phys: PhysAddr,
    /// Source EID.
    pub src: u8,
    /// Destination EID as sent (a local EID, 0 or 0xFF).
    pub dst: u8,
    /// Message tag.
    pub tag: u8,
    /// Tag owner bit (true: a request or other tag-owning message).
    pub tag_owner: bool,
    /// For a response (TO=0): the [`Owner`] of the owned tag it answers,
    /// the one party it belongs to. `None` for requests and other
    /// tag-owning messages, which a daemon hands out by message type.
    pub owner: Option<Owner>,
    /// The message, starting at the message-type byte (IC bit included).
    pub data: Vec<u8>,
}

impl Message {
    /// Message type without the IC bit.
    pub fn msg_type(&self) -> u8 {
        self.data.first().map_or(0, |b| b & 0x7F)
    }
    /// Integrity-check bit of the type byte.
    pub fn ic(&self) -> bool {
        self.data.first().is_some_and(|b| b & 0x80 != 0)
    }
}

/// How the tag of an outgoing message is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TagMode {
    /// Allocate the lowest free owned tag for (local, peer) and send TO=1;
    /// the tag is released by the response or after `tag_expiry`.
    Owned,
    /// A tag from [`crate::Stack::alloc_tag`]: TO=1, never expires, released
    /// by [`crate::Stack::drop_tag`] (Linux `MCTP_TAG_PREALLOC`).
    Preallocated(u8),
    /// A response: TO=0 with the request's tag.
    Response(u8),
    /// TO=1 with this tag, without owning it — what libmctp's demux daemon
    /// sends for every client message (tag 0). Not DSP0236-correct
    /// (concurrent requests collide); for peers that depend on it.
    Unowned(u8),
}

/// Where and how to send a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendOptions {
    /// Network.
    pub net: NetworkId,
    /// Destination EID (0 for physical addressing, 0xFF for broadcast).
    pub dst: u8,
    /// Source EID; `None` takes the egress bus's first EID (0 if it has none).
    pub src: Option<u8>,
    /// Tag selection.
    pub tag: TagMode,
    /// Physical addressing: send on this bus to this address without a
    /// route lookup (needed for EID 0 and for unassigned peers).
    pub via: Option<(BusId, PhysAddr)>,
    /// Who the owned tag (and so the response) belongs to.
    pub owner: Owner,
}

impl SendOptions {
    /// A request (owned tag) to `dst` on network `net`, routed.
    pub const fn request(net: NetworkId, dst: u8) -> Self {
        SendOptions {
            net,
            dst,
            src: None,
            tag: TagMode::Owned,
            via: None,
            owner: Owner::APP,
        }
    }
    /// A physically addressed request (destination EID 0).
    pub const fn physical(net: NetworkId, bus: BusId, phys: PhysAddr) -> Self {
        SendOptions {
            net,
            dst: 0,
            src: None,
            tag: TagMode::Owned,
            via: Some((bus, phys)),
            owner: Owner::APP,
        }
    }
    /// The same options for another owner.
    #[must_use]
    pub const fn owned_by(mut self, owner: Owner) -> Self {
        self.owner = owner;
        self
    }
}

/// Result of a successful send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    /// Tag used.
    pub tag: u8,
    /// TO bit used.
    pub tag_owner: bool,
    /// Source EID used.
    pub src: u8,
    /// Packets queued.
    pub packets: usize,
    /// Egress bus.
    pub bus: BusId,
}

/// Why a send was refused. Nothing is queued when an error is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SendError {
    /// Empty message (at least the type byte is needed).
    Empty,
    /// Longer than `max_message_size`.
    TooLarge,
    /// No route to the destination.
    NoRoute,
    /// The bus does not exist.
    UnknownBus,
    /// All 8 owned tags for this peer, or `max_owned_tags`, are in use
    /// (Linux `EBUSY`).
    TagsExhausted,
    /// A preallocated tag that is not held.
    TagNotHeld,
    /// The egress bus's transmit queue cannot take the whole message
    /// (back-pressure for that bus only: drain it, then retry).
    QueueFull,
    /// Reserved or otherwise unusable EID.
    InvalidEid,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SendError::Empty => "empty message",
            SendError::TooLarge => "message too large",
            SendError::NoRoute => "no route to destination",
            SendError::UnknownBus => "unknown bus",
            SendError::TagsExhausted => "no free owned tag for this peer",
            SendError::TagNotHeld => "preallocated tag not held",
            SendError::QueueFull => "transmit queue full",
            SendError::InvalidEid => "invalid EID",
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SendError {}

/// Why an owned tag was released without a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TagRelease {
    /// `tag_expiry` passed with no response.
    Expired,
    /// The bus the request went out on was removed.
    BusRemoved,
}

/// Why the bus-owner role could not set up an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SetupFailure {
    /// The first request (Get Endpoint ID) could not be sent.
    NotSent,
    /// A later request could not be sent.
    SendFailed,
    /// A request got no response after its retries.
    NoResponse,
    /// A response did not decode.
    MalformedResponse,
    /// Get Endpoint ID failed (error completion or wrong response).
    GetEndpointId,
    /// Set Endpoint ID failed.
    SetEndpointId,
    /// Allocate Endpoint IDs failed.
    AllocateEndpointIds,
    /// Get Message Type Support failed.
    GetMessageTypeSupport,
    /// No free EID left in the pool.
    PoolExhausted,
    /// No contiguous room in the pool for the bridge's EID pool.
    NoRoomForPool,
    /// The bus was removed.
    BusRemoved,
    /// The bus-owner role is not enabled on this stack.
    NotBusOwner,
}

impl SetupFailure {
    /// A short description, as printed by `mctpkit simulate`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SetupFailure::NotSent => "could not send Get Endpoint ID",
            SetupFailure::SendFailed => "send failed",
            SetupFailure::NoResponse => "no response",
            SetupFailure::MalformedResponse => "malformed response",
            SetupFailure::GetEndpointId => "Get Endpoint ID failed",
            SetupFailure::SetEndpointId => "Set Endpoint ID failed",
            SetupFailure::AllocateEndpointIds => "Allocate Endpoint IDs failed",
            SetupFailure::GetMessageTypeSupport => "Get Message Type Support failed",
            SetupFailure::PoolExhausted => "EID pool exhausted",
            SetupFailure::NoRoomForPool => "no room for the bridge's pool",
            SetupFailure::BusRemoved => "bus removed",
            SetupFailure::NotBusOwner => "bus-owner role not enabled",
        }
    }
}

impl fmt::Display for SetupFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SetupFailure {}

/// Notifications besides delivered messages.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// An owned tag was released without a response (expiry, or its bus
    /// was removed); `owner` is who held it.
    TagReleased {
        net: NetworkId,
        local: u8,
        peer: u8,
        tag: u8,
        owner: Owner,
        reason: TagRelease,
    },
    /// A bus's local EID was set by Set Endpoint ID from `bus_owner`.
    EidAssigned { bus: BusId, eid: u8, bus_owner: u8 },
    /// An EID pool was allocated to this bridge (Allocate Endpoint IDs).
    PoolAllocated { bus: BusId, start: u8, size: u8 },
    /// A Discovery Notify arrived (bus-owner role).
    DiscoveryNotify { bus: BusId, phys: PhysAddr, src: u8 },
    /// Routing Information Update changed the table.
    RoutesUpdated { bus: BusId, entries: u8 },
    /// A control request finished (see [`crate::requester`]).
    Request(crate::requester::RequestOutcome),
    /// The bus-owner role set up an endpoint.
    EndpointSetUp(crate::bus_owner::EndpointInfo),
    /// The bus-owner role gave up on a physical address after `attempts`
    /// tries ([`crate::BusOwnerConfig::setup_attempts`]).
    EndpointFailed {
        bus: BusId,
        phys: PhysAddr,
        reason: SetupFailure,
        attempts: u8,
    },
    /// A bus was removed ([`crate::Stack::remove_bus`]).
    BusRemoved { bus: BusId },
}
