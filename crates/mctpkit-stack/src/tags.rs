//! Owned message tags (DSP0236 §8.9, `mctp-core.md` §5.1).
//!
//! Policy: **lowest free tag per (network, local EID, peer EID)**, 8 per
//! peer, like the Linux kernel (libmctp round-robins over 16 global slots,
//! mctp-estack rotates its start point). Lowest-free is deterministic, which
//! makes captures and tests reproducible. The whole table is bounded by
//! `max_owned_tags`; beyond either limit allocation fails
//! ([`crate::SendError::TagsExhausted`], Linux's `EBUSY`).
//!
//! A request sent to the NULL EID (physical addressing) or to broadcast
//! holds its tag for "any peer", so the response from whatever EID the
//! endpoint has matches (the kernel does the same).
//!
//! Tags expire `tag_expiry` after allocation (6 s default) unless
//! preallocated; preallocated tags (Linux `MCTP_TAG_PREALLOC`) serve
//! multi-message exchanges and live until dropped.
//!
//! **Owners.** Every owned tag records the [`Owner`] cookie of whoever sent
//! the request (a daemon client, the CXL client, a Python socket) and the
//! bus it went out on. The response is delivered with that owner
//! ([`crate::Message::owner`]), expiry and bus removal report it
//! ([`crate::Event::TagReleased`]), and [`crate::Stack::release_owner`]
//! frees everything one owner held when it goes away — so a daemon keeps no
//! tag table of its own. The Linux kernel does the same per socket (a
//! response reaches only the socket whose key it matches); libmctp's demux
//! daemon has no owners and sends every client message with tag 0, so a
//! response reaches every client of the type (`sockets-and-daemons.md` §1).

use alloc::vec::Vec;

use crate::types::{BusId, Millis, NetworkId, Owner};

/// Peer value meaning "any peer" (requests to EID 0 or 0xFF).
pub const ANY_PEER: u8 = 0xFF;

/// Who holds a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Holder {
    /// A request of the caller's, on behalf of an owner.
    Owner(Owner),
    /// The control requester, request slot index (the owner of the
    /// request is kept in the slot).
    Requester(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub net: NetworkId,
    pub local: u8,
    pub peer: u8,
    pub tag: u8,
    pub expires: Option<Millis>,
    pub holder: Holder,
    /// Egress bus of the request (`None` for preallocated tags, which are
    /// not tied to a bus).
    pub bus: Option<BusId>,
}

impl Entry {
    /// The event reporting this tag's release.
    pub(crate) fn released(&self, reason: crate::types::TagRelease) -> crate::types::Event {
        crate::types::Event::TagReleased {
            net: self.net,
            local: self.local,
            peer: self.peer,
            tag: self.tag,
            owner: self.owner(),
            reason,
        }
    }

    /// The owner to report for this tag (requester slots report their own).
    pub(crate) fn owner(&self) -> Owner {
        match self.holder {
            Holder::Owner(o) => o,
            Holder::Requester(_) => Owner::APP,
        }
    }
}

/// The owned-tag table.
#[derive(Debug)]
pub struct TagTable {
    entries: Vec<Entry>,
    max: usize,
}

/// Map a destination to the peer key of its tag.
pub(crate) fn peer_key(dst: u8) -> u8 {
    if dst == 0 || dst == 0xFF {
        ANY_PEER
    } else {
        dst
    }
}

impl TagTable {
    pub(crate) fn new(max: usize) -> Self {
        TagTable {
            entries: Vec::with_capacity(max),
            max,
        }
    }

    /// Tags held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No tags held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Allocate the lowest free tag; `expires` None = preallocated.
    pub(crate) fn alloc(
        &mut self,
        net: NetworkId,
        local: u8,
        dst: u8,
        expires: Option<Millis>,
        holder: Holder,
        bus: Option<BusId>,
    ) -> Option<u8> {
        if self.entries.len() >= self.max {
            return None;
        }
        let peer = peer_key(dst);
        let mut used = 0u8;
        for e in &self.entries {
            if e.net == net && e.local == local && e.peer == peer {
                used |= 1 << e.tag;
            }
        }
        if used == 0xFF {
            return None;
        }
        let tag = used.trailing_ones() as u8;
        self.entries.push(Entry {
            net,
            local,
            peer,
            tag,
            expires,
            holder,
            bus,
        });
        Some(tag)
    }

    /// The entry of (net, local, dst-peer, tag), if held.
    #[inline]
    pub(crate) fn find(&self, net: NetworkId, local: u8, dst: u8, tag: u8) -> Option<&Entry> {
        let peer = peer_key(dst);
        self.entries
            .iter()
            .find(|e| e.net == net && e.local == local && e.peer == peer && e.tag == tag)
    }

    /// The entry a response (TO=0) from `src` to `dst` with `tag` answers.
    pub(crate) fn lookup(&self, net: NetworkId, src: u8, dst: u8, tag: u8) -> Option<usize> {
        self.entries.iter().position(|e| {
            e.net == net
                && e.tag == tag
                && (e.local == dst || dst == 0)
                && (e.peer == src || e.peer == ANY_PEER)
        })
    }

    pub(crate) fn get(&self, i: usize) -> Option<&Entry> {
        self.entries.get(i)
    }

    /// Release entry `i` unless preallocated (a response arrived).
    pub(crate) fn answered(&mut self, i: usize) -> Option<Entry> {
        let e = *self.entries.get(i)?;
        if e.expires.is_some() {
            self.entries.swap_remove(i);
        }
        Some(e)
    }

    /// Release a specific tag.
    pub(crate) fn release(&mut self, net: NetworkId, local: u8, dst: u8, tag: u8) -> bool {
        let peer = peer_key(dst);
        match self
            .entries
            .iter()
            .position(|e| e.net == net && e.local == local && e.peer == peer && e.tag == tag)
        {
            Some(i) => {
                self.entries.swap_remove(i);
                true
            }
            None => false,
        }
    }

    /// Release all tags of a holder; returns how many.
    pub(crate) fn release_holder(&mut self, h: Holder) -> usize {
        let n = self.entries.len();
        self.entries.retain(|e| e.holder != h);
        n - self.entries.len()
    }

    /// Release the tags of requests sent on `bus`, calling `f` for each.
    pub(crate) fn release_bus(&mut self, bus: BusId, mut f: impl FnMut(Entry)) {
        self.entries.retain(|e| {
            let gone = e.bus == Some(bus);
            if gone {
                f(*e);
            }
            !gone
        });
    }

    /// Remove expired entries, calling `f` for each.
    pub(crate) fn expire(&mut self, now: Millis, mut f: impl FnMut(Entry)) {
        let mut i = 0;
        while i < self.entries.len() {
            let e = self.entries[i];
            if e.expires.is_some_and(|t| now >= t) {
                self.entries.swap_remove(i);
                f(e);
            } else {
                i += 1;
            }
        }
    }

    pub(crate) fn next_deadline(&self) -> Option<Millis> {
        self.entries.iter().filter_map(|e| e.expires).min()
    }
}
