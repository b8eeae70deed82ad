//! Vendor-defined messages (DSP0236 §13.1, message types 0x7E and 0x7F)
//! and the registry that plugs vendor decoders in.
//!
//! ```text
//!  PCI (0x7E)                          IANA (0x7F)
//!  msg byte 0    [7] IC [6:0] 0x7E     msg byte 0    [7] IC [6:0] 0x7F
//!  msg byte 1-2  PCI vendor ID, BE     msg byte 1-4  IANA enterprise number, BE
//!  msg byte 3..  vendor-defined        msg byte 5..  vendor-defined
//! ```
//!
//! Everything after the vendor ID belongs to the vendor: nothing here
//! assumes a request bit or a command byte (upper-layers.md §4.1). Offsets
//! count from the MCTP type byte.
//!
//! # Vendor decoders and the registry
//!
//! A vendor protocol plugs in by implementing [`VendorDecoder`]
//! (`vendor()`, `name()`, optional `accepts()`, `summary()`, `describe()`,
//! `problem()`, `pairing()`), each method taking the [`Payload`] (vendor,
//! bytes after the vendor ID, direction). Decoders are stateless and
//! decoding is lazy: [`Message`] keeps the payload slice and a reference to
//! the decoder the [`Registry`] picked, and calls it when asked for a
//! summary, fields, problem or pairing. So the message stays `Copy`, no
//! per-message allocation happens, and facts learned after parsing (the
//! direction from the MCTP TO bit, see [`Message::with_direction`]) still
//! reach the decoder.
//!
//! The wire crate is `no_std` without a guaranteed allocator, so the
//! registry is layered:
//!
//! 1. **Built-ins** — [`registry::BUILTIN`], a `static` slice: Microsoft's
//!    VDM protocol and OCP Cerberus (both PCI vendor 0x1414).
//! 2. **Caller-supplied** — [`Registry::with(&[&my_decoder])`](Registry::with)
//!    borrows a slice of `&dyn VendorDecoder` (searched first, so a caller
//!    can override a built-in) and [`Message::parse_with`] takes it.
//!    [`Registry::only`] leaves the built-ins out. Firmware and other
//!    `no_std` users stop here.
//! 3. **Run time** (feature `std`) — [`registry::register`]`(Box<dyn
//!    VendorDecoder>)` adds to a process-wide list; [`registry::global`]
//!    returns it (newest registration first, then the built-ins). Each
//!    registration leaks the decoder and publishes a new leaked slice behind
//!    an `RwLock`, so lookups return a `Registry<'static>` without holding
//!    the lock; registering is meant for start-up. Plain [`Message::parse`]
//!    — what `message::Message::parse` and the dissector call — uses this
//!    global list under `std` and the built-ins otherwise, so run-time
//!    registrations work through the existing dispatch with no threading.
//!    Python bindings register a pyo3 wrapper object implementing
//!    [`VendorDecoder`] (a `Py<PyAny>` is `Send + Sync`) the same way. A
//!    caller that wants an isolated set (tests, one capture with its own
//!    plug-ins) passes its own registry to [`Message::parse_with`] instead.
//!
//! # Direction
//!
//! Vendor protocols rarely carry a reliable request bit: Cerberus's "Rq"
//! bit selects a device-specific command set (Cerberus challenge spec,
//! "Request Type"), and Microsoft VDM responses keep it set
//! (upper-layers.md §4.2; pymctp 0.4.0 labels those responses as requests,
//! peers.md §2.8). The reliable source is the MCTP tag-owner bit (TO=1 on
//! requests). The message-type byte onwards doesn't carry it, so
//! [`Message::parse`] leaves the direction [`Direction::Unknown`]; a caller
//! that has the transport header sets it with [`Message::with_direction`]
//! (or passes it to [`Message::parse_with`]). Pairing needs it.

use core::fmt;

use crate::binding::Integrity;
use crate::describe::{Describe, Field, HexBytes, Value, Visitor};
use crate::error::{need, Error, Layer, Result};
use crate::mctp::{MessageType, TypeByte};

pub mod builder;
pub mod cerberus;
pub mod layout;
pub mod microsoft;
pub mod registry;

#[cfg(test)]
mod tests;

pub use builder::VdmBuilder;
pub use registry::{Payload, Registry, VendorDecoder, VendorPairing};

/// Byte positions (from the type byte).
pub mod field {
    use core::ops::Range;
    pub const TYPE: usize = 0;
    /// PCI vendor ID (type 0x7E), big-endian.
    pub const PCI_VENDOR_ID: Range<usize> = 1..3;
    /// IANA enterprise number (type 0x7F), big-endian.
    pub const IANA_ENTERPRISE: Range<usize> = 1..5;
}

/// The type byte of a PCI vendor-defined message.
pub const TYPE_PCI: u8 = 0x7E;
/// The type byte of an IANA vendor-defined message.
pub const TYPE_IANA: u8 = 0x7F;

/// A vendor ID: PCI (u16) or IANA enterprise number (u32).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum VendorId {
    /// PCI-SIG vendor ID (message type 0x7E).
    Pci(u16),
    /// IANA private enterprise number (message type 0x7F).
    Iana(u32),
}

impl VendorId {
    /// Microsoft's PCI vendor ID (Cerberus, Microsoft VDM).
    pub const MICROSOFT: VendorId = VendorId::Pci(0x1414);

    /// The MCTP message type that carries this vendor ID.
    pub const fn message_type(self) -> u8 {
        match self {
            VendorId::Pci(_) => TYPE_PCI,
            VendorId::Iana(_) => TYPE_IANA,
        }
    }

    /// Bytes of the vendor ID on the wire.
    pub const fn len(self) -> usize {
        match self {
            VendorId::Pci(_) => 2,
            VendorId::Iana(_) => 4,
        }
    }

    /// Never empty; present for clippy's `len_without_is_empty`.
    pub const fn is_empty(self) -> bool {
        false
    }

    /// The number.
    pub const fn value(self) -> u32 {
        match self {
            VendorId::Pci(v) => v as u32,
            VendorId::Iana(v) => v,
        }
    }

    /// A well-known owner of this ID (upper-layers.md §4.1), if any.
    pub const fn owner(self) -> Option<&'static str> {
        match self {
            VendorId::Pci(0x1414) => Some("Microsoft"),
            VendorId::Pci(0x8086) => Some("Intel"),
            VendorId::Pci(0x1022) => Some("AMD"),
            VendorId::Pci(0x10DE) => Some("NVIDIA"),
            VendorId::Iana(343) => Some("Intel"),
            VendorId::Iana(311) => Some("Microsoft"),
            VendorId::Iana(2) => Some("IBM"),
            _ => None,
        }
    }

    /// Write big-endian into `buf` (length [`VendorId::len`]).
    fn write(self, buf: &mut [u8]) {
        match self {
            VendorId::Pci(v) => buf[..2].copy_from_slice(&v.to_be_bytes()),
            VendorId::Iana(v) => buf[..4].copy_from_slice(&v.to_be_bytes()),
        }
    }

    /// Stable 33-bit identity for pairing keys: format bit, then the number.
    const fn key_bits(self) -> u64 {
        match self {
            VendorId::Pci(v) => v as u64,
            VendorId::Iana(v) => (1u64 << 32) | v as u64,
        }
    }
}

impl fmt::Display for VendorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VendorId::Pci(v) => write!(f, "PCI {v:#06x}"),
            VendorId::Iana(v) => write!(f, "IANA {v}"),
        }
    }
}

/// Request or response, as the MCTP tag-owner bit tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Direction {
    /// A request (TO = 1).
    Request,
    /// A response (TO = 0).
    Response,
    /// Not known (the message was decoded without its transport header).
    #[default]
    Unknown,
}

impl Direction {
    /// From the MCTP tag-owner bit: requests are sent with TO = 1.
    pub const fn from_tag_owner(to: bool) -> Self {
        if to {
            Direction::Request
        } else {
            Direction::Response
        }
    }

    /// `req`, `rsp` or `?`, for summaries.
    pub const fn short(self) -> &'static str {
        match self {
            Direction::Request => "req",
            Direction::Response => "rsp",
            Direction::Unknown => "req/rsp?",
        }
    }
}

/// Request/response pairing key (the lead unifies this across families).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pairing {
    /// This message is the request.
    pub request: bool,
    /// Same for a request and its response.
    pub key: u64,
}

/// The vendor-defined header as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Header {
    /// Integrity-check bit of the type byte.
    pub ic: bool,
    /// Vendor ID (its kind fixes the message type).
    pub vendor: VendorId,
}

impl Header {
    /// Parse from a message starting at the type byte. The type must be
    /// 0x7E or 0x7F.
    pub fn parse(msg: &[u8]) -> Result<Header> {
        need(Layer::Vdm, msg, 1)?;
        let tb = TypeByte::from_byte(msg[0]);
        let vendor = match tb.msg_type {
            MessageType::VendorPci => {
                need(Layer::Vdm, msg, field::PCI_VENDOR_ID.end)?;
                VendorId::Pci(u16::from_be_bytes([msg[1], msg[2]]))
            }
            MessageType::VendorIana => {
                need(Layer::Vdm, msg, field::IANA_ENTERPRISE.end)?;
                VendorId::Iana(u32::from_be_bytes([msg[1], msg[2], msg[3], msg[4]]))
            }
            other => {
                return Err(Error::invalid(
                    Layer::Vdm,
                    field::TYPE,
                    "msg_type",
                    other.value().into(),
                    "0x7e (PCI) or 0x7f (IANA)",
                ))
            }
        };
        Ok(Header { ic: tb.ic, vendor })
    }

    /// Type byte + vendor ID.
    pub const fn buffer_len(&self) -> usize {
        1 + self.vendor.len()
    }

    /// Write the type byte and vendor ID.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Vdm, n, buf.len()));
        }
        buf[0] = (if self.ic { 0x80 } else { 0 }) | self.vendor.message_type();
        self.vendor.write(&mut buf[1..n]);
        Ok(n)
    }
}

/// A vendor-defined message: header, payload and the decoder that will
/// interpret the payload (if the registry had one).
#[derive(Clone, Copy)]
pub struct Message<'a> {
    /// Type byte flags and vendor ID.
    pub header: Header,
    /// Bytes after the vendor ID.
    pub payload: &'a [u8],
    /// Request/response, when the caller knows it.
    pub direction: Direction,
    decoder: Option<&'a dyn VendorDecoder>,
}

impl<'a> Message<'a> {
    /// Decode with the default registry (the run-time registrations and
    /// built-ins under `std`, else the built-ins) and unknown direction.
    pub fn parse(msg: &'a [u8]) -> Result<Message<'a>> {
        Message::parse_with(msg, &registry::default_registry(), Direction::Unknown)
    }

    /// Decode with the given registry and direction.
    pub fn parse_with(
        msg: &'a [u8],
        registry: &Registry<'a>,
        direction: Direction,
    ) -> Result<Message<'a>> {
        let header = Header::parse(msg)?;
        let mut m = Message {
            header,
            payload: &msg[header.buffer_len()..],
            direction,
            decoder: None,
        };
        m.decoder = registry.find(&m.as_payload());
        Ok(m)
    }

    /// The same message with the direction set (e.g. from the MCTP TO bit).
    #[must_use]
    pub fn with_direction(mut self, direction: Direction) -> Self {
        self.direction = direction;
        self
    }

    /// The same message with its decoder looked up again in `registry`.
    #[must_use]
    pub fn with_registry(mut self, registry: &Registry<'a>) -> Self {
        self.decoder = registry.find(&self.as_payload());
        self
    }

    /// What a vendor decoder sees.
    pub fn as_payload(&self) -> Payload<'a> {
        Payload {
            vendor: self.header.vendor,
            ic: self.header.ic,
            data: self.payload,
            direction: self.direction,
        }
    }

    /// The decoder chosen for this message, if any.
    pub fn decoder(&self) -> Option<&'a dyn VendorDecoder> {
        self.decoder
    }

    /// A payload the vendor decoder could not decode fully (offset from
    /// the type byte).
    pub fn problem(&self) -> Option<Error> {
        self.decoder
            .and_then(|d| d.problem(&self.as_payload()))
            .map(|e| e.shift(self.header.buffer_len()))
    }

    /// DSP0236 defines no integrity check for vendor messages; a vendor's
    /// own check (IC = 1) is the decoder's business.
    pub fn integrity(&self) -> Option<Integrity> {
        None
    }

    /// Request/response pairing: the vendor decoder's key, made unique
    /// across vendors (bit 63: unused, bits 62..31: vendor format and
    /// number, bits 30..0: the decoder's key).
    pub fn pairing(&self) -> Option<Pairing> {
        let p = self.decoder?.pairing(&self.as_payload())?;
        Some(Pairing {
            request: p.request,
            key: (self.header.vendor.key_bits() << 31) | u64::from(p.key & 0x7FFF_FFFF),
        })
    }

    /// Bytes `emit_bytes` writes.
    pub fn buffer_len(&self) -> usize {
        self.header.buffer_len() + self.payload.len()
    }

    /// Encode header and payload.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Vdm, n, buf.len()));
        }
        let h = self.header.emit_bytes(buf)?;
        buf[h..n].copy_from_slice(self.payload);
        Ok(n)
    }
}

impl fmt::Debug for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("header", &self.header)
            .field("payload", &self.payload)
            .field("direction", &self.direction)
            .field("decoder", &self.decoder.map(|d| d.name()))
            .finish()
    }
}

/// Equal when the bytes, direction and chosen decoder (by name) agree.
impl PartialEq for Message<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.header == other.header
            && self.payload == other.payload
            && self.direction == other.direction
            && self.decoder.map(|d| d.name()) == other.decoder.map(|d| d.name())
    }
}

impl Eq for Message<'_> {}

impl Describe for Message<'_> {
    fn layer(&self) -> Layer {
        Layer::Vdm
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        let v = self.header.vendor;
        match v {
            VendorId::Pci(id) => write!(w, "VDM PCI {id:#06x}")?,
            VendorId::Iana(id) => write!(w, "VDM IANA {id}")?,
        }
        if let Some(o) = v.owner() {
            write!(w, " ({o})")?;
        }
        match self.decoder {
            Some(d) => {
                w.write_str(" ")?;
                d.summary(&self.as_payload(), w)
            }
            None => {
                let p = self.payload;
                write!(w, " {} ({} bytes)", self.direction.short(), p.len())?;
                if !p.is_empty() {
                    write!(w, " {}", HexBytes(&p[..p.len().min(16)]))?;
                    if p.len() > 16 {
                        w.write_str("...")?;
                    }
                }
                Ok(())
            }
        }
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let h = &self.header;
        v.field(&Field::bits("ic", field::TYPE, 7, 7, Value::Bool(h.ic)));
        let (name, len, value) = match h.vendor {
            VendorId::Pci(id) => ("pci_vendor_id", 2, Value::hex16(id)),
            VendorId::Iana(id) => ("iana_enterprise_number", 4, Value::Uint(id.into())),
        };
        v.field(&Field::new(name, 1, len, value).meaning(h.vendor.owner()));
        v.field(&Field::derived(
            "direction",
            Value::Str(match self.direction {
                Direction::Request => "request",
                Direction::Response => "response",
                Direction::Unknown => "unknown",
            }),
        ));
        let base = h.buffer_len();
        v.field(&Field::derived(
            "decoder",
            self.decoder.map_or(Value::Null, |d| Value::Str(d.name())),
        ));
        // The vendor's payload is the body, decoded or not.
        crate::describe::body(v, base, self.payload.len(), |v| match self.decoder {
            Some(d) => d.describe(&self.as_payload(), v),
            None => v.field(&Field::new(
                "payload",
                0,
                self.payload.len(),
                Value::Bytes(self.payload),
            )),
        });
        crate::describe::error(v, self.problem());
    }
}
