//! The routing table: EID ranges → bus + physical address, or a gateway EID.
//!
//! * Ranges are inclusive `first..=last` within a network; a range may not
//!   include the reserved EIDs 0..7 or broadcast 0xFF (Linux rejects a range
//!   reaching 255, `mctp-core.md` §2).
//! * Overlapping ranges are allowed; lookup takes the **narrowest** range
//!   containing the EID (so a bus owner's "everything else via the bus
//!   owner" default sits under specific endpoint and bridge-pool entries).
//!   Adding a route with the same network and range replaces the old one.
//! * A gateway route (`NextHop::Gateway`) is resolved through the table
//!   again, at most [`MAX_GATEWAY_DEPTH`] times; a gateway inside its own
//!   range is refused when added, and a chain that does not end in a direct
//!   route within the depth fails as "no route". Together with "never
//!   forward out of the ingress bus" and the reverse-path check in the stack
//!   this is the loop protection MCTP lacks a TTL for.
//! * Each route may carry its own transmission unit (Linux per-route MTU);
//!   otherwise the bus's unit applies.

use alloc::vec::Vec;

use crate::types::{BusId, NetworkId, PhysAddr};

/// How many gateway indirections a lookup follows.
pub const MAX_GATEWAY_DEPTH: usize = 4;

/// Where packets for a range go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NextHop {
    /// Directly on `bus` to physical address `phys` (an endpoint, or the
    /// bridge that owns the range).
    Direct { bus: BusId, phys: PhysAddr },
    /// Via the gateway EID (resolved through the table).
    Gateway(u8),
}

/// One routing-table entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub net: NetworkId,
    /// First EID of the range.
    pub first: u8,
    /// Last EID of the range (inclusive).
    pub last: u8,
    pub hop: NextHop,
    /// Transmission unit (payload bytes) for this route; `None` = the bus's.
    pub mtu: Option<usize>,
    /// The range is a bridge's pool behind `hop` (for Get Routing Table
    /// Entries' entry type).
    pub bridge: bool,
    /// Configured statically (vs learned from control traffic).
    pub static_entry: bool,
}

impl Route {
    /// A single-EID direct route.
    pub const fn endpoint(net: NetworkId, eid: u8, bus: BusId, phys: PhysAddr) -> Route {
        Route {
            net,
            first: eid,
            last: eid,
            hop: NextHop::Direct { bus, phys },
            mtu: None,
            bridge: false,
            static_entry: true,
        }
    }
    /// A range behind a bridge at `phys` on `bus`.
    pub const fn range(net: NetworkId, first: u8, last: u8, bus: BusId, phys: PhysAddr) -> Route {
        Route {
            net,
            first,
            last,
            hop: NextHop::Direct { bus, phys },
            mtu: None,
            bridge: true,
            static_entry: true,
        }
    }
    /// A range reached through gateway EID `gw`.
    pub const fn gateway(net: NetworkId, first: u8, last: u8, gw: u8) -> Route {
        Route {
            net,
            first,
            last,
            hop: NextHop::Gateway(gw),
            mtu: None,
            bridge: false,
            static_entry: true,
        }
    }
    fn contains(&self, eid: u8) -> bool {
        self.first <= eid && eid <= self.last
    }
    fn width(&self) -> u8 {
        self.last - self.first
    }
}

/// Why a route was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RouteError {
    /// `first > last`, or the range includes EIDs 0..7 or 0xFF.
    BadRange,
    /// A gateway inside its own range.
    GatewayLoop,
    /// The table is full.
    Full,
}

impl core::fmt::Display for RouteError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            RouteError::BadRange => "range is empty or includes EIDs 0..7 or 0xFF",
            RouteError::GatewayLoop => "gateway inside its own range",
            RouteError::Full => "routing table full",
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RouteError {}

/// The resolved next hop of a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub bus: BusId,
    pub phys: PhysAddr,
    /// Transmission unit override of the route used.
    pub mtu: Option<usize>,
    /// The gateway EID if one was used, else the destination itself.
    pub next_eid: u8,
}

/// The routing table.
#[derive(Debug, Default, Clone)]
pub struct Table {
    routes: Vec<Route>,
    max: usize,
    /// Bumped by every change, so callers can cache lookups.
    generation: u64,
}

impl Table {
    /// An empty table holding at most `max` routes.
    pub fn new_for(max: usize) -> Self {
        Self::new(max)
    }

    pub(crate) fn new(max: usize) -> Self {
        Table {
            routes: Vec::new(),
            max,
            generation: 0,
        }
    }

    /// Add or replace a route.
    pub fn add(&mut self, r: Route) -> Result<(), RouteError> {
        self.generation += 1;
        if r.first > r.last || r.first < 8 || r.last == 0xFF {
            return Err(RouteError::BadRange);
        }
        if let NextHop::Gateway(gw) = r.hop {
            if r.contains(gw) {
                return Err(RouteError::GatewayLoop);
            }
        }
        if let Some(e) = self
            .routes
            .iter_mut()
            .find(|e| e.net == r.net && e.first == r.first && e.last == r.last)
        {
            *e = r;
            return Ok(());
        }
        if self.routes.len() >= self.max {
            return Err(RouteError::Full);
        }
        self.routes.push(r);
        Ok(())
    }

    /// Remove the route with exactly this range.
    pub fn remove(&mut self, net: NetworkId, first: u8, last: u8) -> bool {
        self.generation += 1;
        let n = self.routes.len();
        self.routes
            .retain(|e| !(e.net == net && e.first == first && e.last == last));
        n != self.routes.len()
    }

    /// Keep only the routes for which `f` is true.
    pub fn retain(&mut self, f: impl FnMut(&Route) -> bool) {
        self.generation += 1;
        self.routes.retain(f);
    }

    /// Changes so far (any add, remove or retain).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// All routes.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The narrowest route containing `eid`.
    pub fn lookup(&self, net: NetworkId, eid: u8) -> Option<&Route> {
        self.routes
            .iter()
            .filter(|r| r.net == net && r.contains(eid))
            .min_by_key(|r| r.width())
    }

    /// Resolve `eid` to a bus and physical address, following gateways.
    pub fn resolve(&self, net: NetworkId, eid: u8) -> Option<Resolved> {
        let mut target = eid;
        let mut via_gw = None;
        let mut mtu = None;
        for _ in 0..=MAX_GATEWAY_DEPTH {
            let r = self.lookup(net, target)?;
            mtu = mtu.or(r.mtu);
            match r.hop {
                NextHop::Direct { bus, phys } => {
                    return Some(Resolved {
                        bus,
                        phys,
                        mtu,
                        next_eid: via_gw.unwrap_or(eid),
                    })
                }
                NextHop::Gateway(gw) => {
                    via_gw = Some(gw);
                    target = gw;
                }
            }
        }
        None
    }
}
