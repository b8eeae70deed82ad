//! Plug-in vendor decoders: the [`VendorDecoder`] trait and the
//! [`Registry`] that finds one for a message.
//!
//! See the [module documentation](super) for the design; in short:
//!
//! * built-in decoders are a `static` list ([`BUILTIN`]) — no allocation;
//! * a caller adds its own with a borrowed slice, [`Registry::with`];
//! * with the `std` feature, [`register`] adds decoders at run time to a
//!   process-wide list that [`global`] (and plain `vdm::Message::parse`)
//!   consult.

use core::fmt;

use super::{cerberus, microsoft, Direction, VendorId};
use crate::describe::Visitor;
use crate::error::Error;

/// What a vendor decoder sees: the vendor, the bytes after the vendor ID
/// and, when the caller knows it, the direction (from the MCTP TO bit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payload<'a> {
    /// The vendor ID of the message.
    pub vendor: VendorId,
    /// The MCTP integrity-check bit of the type byte (a vendor-defined
    /// integrity check, if any, ends `data`).
    pub ic: bool,
    /// Bytes after the vendor ID (offset 0 of every field a decoder reports).
    pub data: &'a [u8],
    /// Request or response, when known.
    pub direction: Direction,
}

/// How a vendor pairs requests with responses. [`super::Message::pairing`]
/// folds the vendor ID into the final key, so `key` only needs to be unique
/// within the vendor (31 bits are kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VendorPairing {
    /// This message is the request.
    pub request: bool,
    /// Same for a request and its response.
    pub key: u32,
}

/// A decoder for one vendor's messages.
///
/// Every method gets the [`Payload`]: decoders hold no per-message state,
/// so a `vdm::Message` stays `Copy` and decodes lazily. Offsets in fields
/// and errors are relative to `payload.data` (the byte after the vendor
/// ID); the caller re-bases them.
pub trait VendorDecoder: Send + Sync {
    /// The vendor this decoder handles.
    fn vendor(&self) -> VendorId;
    /// Short name of the protocol ("Cerberus"), shown in summaries and as
    /// the `decoder` field.
    fn name(&self) -> &'static str;
    /// Whether this decoder handles this payload. Lets several decoders
    /// share a vendor ID (Microsoft's VDM protocol and Cerberus both use
    /// PCI 0x1414). Default: every payload of the vendor.
    fn accepts(&self, _payload: &Payload<'_>) -> bool {
        true
    }
    /// One line after `VDM <vendor> `, e.g. `Cerberus Get Digest req slot=0`.
    fn summary(&self, payload: &Payload<'_>, w: &mut dyn fmt::Write) -> fmt::Result;
    /// Every field, offsets relative to `payload.data`.
    fn describe(&self, payload: &Payload<'_>, v: &mut dyn Visitor);
    /// A payload that did not decode fully (offset relative to `payload.data`).
    fn problem(&self, _payload: &Payload<'_>) -> Option<Error> {
        None
    }
    /// Request/response pairing, `None` for unsolicited messages or when
    /// the direction can't be told.
    fn pairing(&self, _payload: &Payload<'_>) -> Option<VendorPairing> {
        None
    }
}

/// The decoders built into this crate, searched after any caller-supplied
/// ones. Order matters: the Microsoft VDM protocol is tried before the
/// Cerberus command set that shares its vendor ID.
pub static BUILTIN: &[&dyn VendorDecoder] = &[&microsoft::MicrosoftVdm, &cerberus::Cerberus];

/// A set of vendor decoders to search: the caller's first (so they can
/// override a built-in), then, unless disabled, [`BUILTIN`].
#[derive(Clone, Copy)]
pub struct Registry<'r> {
    first: &'r [&'r dyn VendorDecoder],
    builtins: bool,
}

impl Registry<'static> {
    /// Only the built-in decoders.
    pub const fn builtin() -> Registry<'static> {
        Registry {
            first: &[],
            builtins: true,
        }
    }

    /// No decoder at all: every payload stays raw.
    pub const fn empty() -> Registry<'static> {
        Registry {
            first: &[],
            builtins: false,
        }
    }
}

impl<'r> Registry<'r> {
    /// `decoders`, then the built-ins.
    pub const fn with(decoders: &'r [&'r dyn VendorDecoder]) -> Self {
        Registry {
            first: decoders,
            builtins: true,
        }
    }

    /// Only `decoders` (no built-ins).
    pub const fn only(decoders: &'r [&'r dyn VendorDecoder]) -> Self {
        Registry {
            first: decoders,
            builtins: false,
        }
    }

    /// The first decoder for this payload's vendor that accepts it.
    pub fn find(&self, payload: &Payload<'_>) -> Option<&'r dyn VendorDecoder> {
        let builtin: &'r [&'r dyn VendorDecoder] = if self.builtins { BUILTIN } else { &[] };
        self.first
            .iter()
            .chain(builtin.iter())
            .find(|d| d.vendor() == payload.vendor && d.accepts(payload))
            .copied()
    }

    /// Every decoder this registry searches, in order.
    pub fn decoders(&self) -> impl Iterator<Item = &'r dyn VendorDecoder> + 'r {
        let builtin: &'r [&'r dyn VendorDecoder] = if self.builtins { BUILTIN } else { &[] };
        self.first.iter().chain(builtin.iter()).copied()
    }
}

impl Default for Registry<'static> {
    fn default() -> Self {
        Registry::builtin()
    }
}

impl fmt::Debug for Registry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut l = f.debug_list();
        for d in self.decoders() {
            l.entry(&format_args!("{} ({})", d.name(), d.vendor()));
        }
        l.finish()
    }
}

#[cfg(feature = "std")]
mod global_registry {
    extern crate std;
    use std::boxed::Box;
    use std::sync::RwLock;
    use std::vec::Vec;

    use super::{Registry, VendorDecoder};

    /// Run-time registrations, newest first. Each registration publishes a
    /// new leaked slice: decoders live for the whole process (like a
    /// global logger), and a decode takes the slice without holding the
    /// lock, so `Registry<'static>` stays `Copy` and lock-free to use.
    static GLOBAL: RwLock<&'static [&'static dyn VendorDecoder]> = RwLock::new(&[]);

    /// Add a decoder for every later [`global`] lookup (and so for plain
    /// `vdm::Message::parse` and the dissector). The newest registration
    /// wins over older ones and over the built-ins. Decoders are never
    /// dropped; register once at start-up, not per message.
    pub fn register(decoder: Box<dyn VendorDecoder>) {
        let decoder: &'static dyn VendorDecoder = Box::leak(decoder);
        let mut slot = GLOBAL.write().unwrap_or_else(|e| e.into_inner());
        let mut list: Vec<&'static dyn VendorDecoder> = Vec::with_capacity(slot.len() + 1);
        list.push(decoder);
        list.extend_from_slice(*slot);
        *slot = Box::leak(list.into_boxed_slice());
    }

    /// The run-time registrations followed by the built-ins.
    pub fn global() -> Registry<'static> {
        let list = *GLOBAL.read().unwrap_or_else(|e| e.into_inner());
        Registry::with(list)
    }
}

#[cfg(feature = "std")]
pub use global_registry::{global, register};

/// The registry plain `parse` uses: [`global`] with `std`, otherwise the
/// built-ins.
pub fn default_registry() -> Registry<'static> {
    #[cfg(feature = "std")]
    {
        global()
    }
    #[cfg(not(feature = "std"))]
    {
        Registry::builtin()
    }
}
