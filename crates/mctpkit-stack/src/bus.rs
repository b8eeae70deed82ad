//! Buses (interfaces): configuration, adding and removing at run time.
//!
//! A [`BusId`] is the index of a bus slot. Removing a bus frees its slot and
//! everything tied to it — its transmit queue, the reassemblies of packets
//! that arrived on it, the routes through it, the owned tags and control
//! requests of messages sent on it and the bus-owner set-ups running on it —
//! and [`Stack::add_bus`] reuses the lowest free slot, as file descriptors
//! are reused (a USB or hot-plugged device that comes back gets a bus again,
//! perhaps with the same ID). Delivered messages already queued for the
//! application are kept: never lose data.

use alloc::boxed::Box;
use alloc::vec::Vec;

use mctpkit_wire::binding::{serial, BindingKind};
use mctpkit_wire::mctp::{self, HEADER_LEN};

use crate::route::NextHop;
use crate::stack::Stack;
use crate::transmit::TxQueue;
use crate::types::*;

/// A bus (interface) to add to a [`Stack`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusConfig {
    /// Binding framing used by [`Stack::receive_frame`] and
    /// [`Stack::poll_transmit_frame_on`].
    pub binding: BindingKind,
    /// Transmission unit: payload bytes per packet (≥ 64, the BTU).
    pub mtu: usize,
    /// This stack's own physical address on the bus (SMBus: 7-bit address).
    pub phys: PhysAddr,
    /// Network the bus belongs to.
    pub net: NetworkId,
    /// Local EIDs on this bus (the first is the source EID of packets sent
    /// on it); may be empty until a bus owner assigns one.
    pub eids: Vec<u8>,
    /// Packets this bus's transmit queue holds; `None` takes
    /// [`Config::tx_queue_packets`].
    pub tx_queue_packets: Option<usize>,
    /// Physical addresses of the devices on this bus that this stack sets
    /// up when it is the bus's owner ([`Stack::enumerate`]; a bridge does
    /// it by itself for its downstream buses once its pool is allocated).
    /// Serial is point to point: one [`PhysAddr::NONE`] entry.
    pub devices: Vec<PhysAddr>,
}

impl BusConfig {
    /// A bus with the baseline unit on network 1.
    pub fn new(binding: BindingKind, phys: PhysAddr) -> Self {
        BusConfig {
            binding,
            mtu: mctp::BASELINE_MTU,
            phys,
            net: 1,
            eids: Vec::new(),
            tx_queue_packets: None,
            devices: Vec::new(),
        }
    }
    /// Set the local EID.
    pub fn eid(mut self, eid: u8) -> Self {
        self.eids.clear();
        self.eids.push(eid);
        self
    }
    /// Set the transmission unit.
    pub fn mtu(mut self, mtu: usize) -> Self {
        self.mtu = mtu;
        self
    }
    /// Set the network.
    pub fn net(mut self, net: NetworkId) -> Self {
        self.net = net;
        self
    }
    /// Set the transmit queue size, in packets.
    pub fn tx_queue(mut self, packets: usize) -> Self {
        self.tx_queue_packets = Some(packets);
        self
    }
    /// Set the devices the bus owner sets up on this bus.
    pub fn devices(mut self, devices: &[PhysAddr]) -> Self {
        self.devices = devices.to_vec();
        self
    }
}

#[derive(Debug)]
pub(crate) struct Bus {
    pub(crate) cfg: BusConfig,
    pub(crate) deframer: Option<Box<serial::Deframer>>,
    /// Discovered flag (Prepare for Endpoint Discovery / Set Endpoint ID).
    pub(crate) discovered: bool,
    /// EID and physical address of this bus's owner, once known.
    pub(crate) bus_owner: Option<(u8, PhysAddr)>,
    /// Neighbour routes are learned on this bus (`Config::learn_neighbours`
    /// and a binding that reports the physical source or needs none).
    pub(crate) learns: bool,
    /// Point to point (serial): no physical address is needed.
    pub(crate) p2p: bool,
    pub(crate) txq: TxQueue,
}

impl Stack {
    /// Add a bus in the lowest free slot; its transmission unit is raised
    /// to the BTU if below.
    pub fn add_bus(&mut self, mut cfg: BusConfig) -> BusId {
        cfg.mtu = cfg.mtu.max(mctp::BASELINE_MTU);
        let serial_bus = cfg.binding == BindingKind::Serial;
        let deframer = serial_bus.then(|| {
            let opts = serial::Options {
                max_len: (cfg.mtu + HEADER_LEN).min(255),
                ..serial::Options::default()
            };
            Box::new(serial::Deframer::new(opts))
        });
        let limit = cfg.tx_queue_packets.unwrap_or(self.cfg.tx_queue_packets);
        self.bus_generation += 1;
        let bus = Bus {
            deframer,
            discovered: false,
            bus_owner: None,
            learns: self.cfg.learn_neighbours,
            p2p: serial_bus,
            txq: TxQueue::new(limit),
            cfg,
        };
        match self.buses.iter().position(Option::is_none) {
            Some(i) => {
                self.buses[i] = Some(bus);
                BusId(i as u8)
            }
            None => {
                self.buses.push(Some(bus));
                BusId((self.buses.len() - 1) as u8)
            }
        }
    }

    /// Remove a bus and release everything tied to it (see the module
    /// docs): queued packets are dropped and counted as
    /// [`DropReason::BusRemoved`]; owned tags of requests sent on it are
    /// released with [`Event::TagReleased`] (reason
    /// [`TagRelease::BusRemoved`]); control requests on it end with an
    /// [`Event::Request`] without response; set-ups on it fail with
    /// [`SetupFailure::BusRemoved`]; then [`Event::BusRemoved`]. Returns the
    /// bus's configuration, `None` if there was no such bus.
    pub fn remove_bus(&mut self, bus: BusId) -> Option<BusConfig> {
        let mut b = self.buses.get_mut(usize::from(bus.0))?.take()?;
        self.bus_generation += 1;
        let n = b.txq.clear();
        if bus.0 >= 64 {
            self.tx_high -= n;
        }
        self.tx_ready &= !crate::transmit::ready_bit(bus);
        for _ in 0..n {
            self.counters.drop(DropReason::BusRemoved);
        }
        self.reasm.release_bus(bus, &mut self.pool);
        self.routes
            .retain(|r| !matches!(r.hop, NextHop::Direct { bus: rb, .. } if rb == bus));
        crate::requester::release_bus(self, bus);
        let events = &mut self.events;
        self.tags.release_bus(bus, |e| {
            events.push_back(e.released(TagRelease::BusRemoved))
        });
        crate::bus_owner::release_bus(self, bus);
        self.events.push_back(Event::BusRemoved { bus });
        Some(b.cfg)
    }

    /// A bus's configuration.
    pub fn bus(&self, bus: BusId) -> Option<&BusConfig> {
        self.bus_ref(bus).map(|b| &b.cfg)
    }

    /// The buses present, in slot order.
    pub fn buses(&self) -> impl Iterator<Item = (BusId, &BusConfig)> + '_ {
        self.buses
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.as_ref().map(|b| (BusId(i as u8), &b.cfg)))
    }

    /// Number of buses present.
    pub fn bus_count(&self) -> usize {
        self.buses.iter().flatten().count()
    }

    /// Replace a bus's local EIDs (first = source EID).
    pub fn set_local_eids(&mut self, bus: BusId, eids: &[u8]) {
        self.bus_generation += 1;
        if let Some(b) = self.bus_mut(bus) {
            b.cfg.eids.clear();
            b.cfg.eids.extend_from_slice(eids);
        }
    }

    /// Replace the devices the bus owner sets up on `bus`
    /// ([`BusConfig::devices`]).
    pub fn set_devices(&mut self, bus: BusId, devices: &[PhysAddr]) {
        if let Some(b) = self.bus_mut(bus) {
            b.cfg.devices = devices.to_vec();
        }
    }

    /// The first local EID of a bus (0 when it has none).
    pub fn local_eid(&self, bus: BusId) -> u8 {
        self.bus_ref(bus)
            .and_then(|b| b.cfg.eids.first().copied())
            .unwrap_or(0)
    }

    /// Is `eid` a local EID on network `net`?
    pub fn is_local(&self, net: NetworkId, eid: u8) -> bool {
        self.buses
            .iter()
            .flatten()
            .any(|b| b.cfg.net == net && b.cfg.eids.contains(&eid))
    }

    /// The bus owner of `bus` once Set Endpoint ID has been received.
    pub fn bus_owner(&self, bus: BusId) -> Option<(u8, PhysAddr)> {
        self.bus_ref(bus).and_then(|b| b.bus_owner)
    }

    #[inline]
    pub(crate) fn bus_ref(&self, bus: BusId) -> Option<&Bus> {
        self.buses.get(usize::from(bus.0))?.as_ref()
    }

    #[inline]
    pub(crate) fn bus_mut(&mut self, bus: BusId) -> Option<&mut Bus> {
        self.buses.get_mut(usize::from(bus.0))?.as_mut()
    }
}
