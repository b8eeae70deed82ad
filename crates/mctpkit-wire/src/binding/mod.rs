//! Physical transport bindings: the framing around an MCTP packet.
//!
//! Each binding has its own file (one spec per file):
//!
//! | Binding | Spec | Module | Integrity check |
//! |---|---|---|---|
//! | SMBus/I2C | DSP0237 | [`smbus`] | PEC, CRC-8/SMBUS |
//! | Serial | DSP0253 | [`serial`] | FCS-16 (CRC-16/MCRF4XX on the wire in practice) |
//! | I3C | DSP0233 | [`i3c`] | PEC, CRC-8/SMBUS |
//! | PCIe VDM | DSP0238 | [`pcie_vdm`] | none at this layer (link CRCs are below it) |
//! | USB | DSP0283 | [`usb`] | none at this layer |
//! | IPMI Master Write-Read | IPMI v2.0 §22.11 | [`ipmi`] | the embedded SMBus PEC |
//!
//! [`Frame`] is the dispatch enum the dissector uses: parse a frame of a given
//! [`BindingKind`], get the MCTP packet inside it, the integrity-check verdict
//! and any non-fatal framing problems ([`Frame::warnings`]).
//!
//! Every module also offers an encoder that wraps a given MCTP packet:
//! `smbus::Repr::emit_frame`, `serial::Repr::emit_frame`,
//! `i3c::Repr::emit_frame`, `pcie_vdm::Repr::emit_frame`,
//! `usb::Repr::emit_frame`, each computing lengths and checks; [`Framing`]
//! picks one of them by binding kind and addresses (the stack's transmit
//! path and `mctpkit craft` both frame through it).

use core::fmt;

use crate::describe::{Describe, Visitor};
use crate::error::{Error, Layer, Result};

mod framing;
pub mod i3c;
pub mod ipmi;
pub mod pcie_vdm;
pub mod serial;
pub mod smbus;
pub mod usb;

pub use framing::{pcie_id, Framing};

/// CRC-8/SMBUS (poly 0x07, init 0, no reflection): the SMBus and I3C PEC.
pub(crate) const PEC_CRC: crc::Crc<u8> = crc::Crc::<u8>::new(&crc::CRC_8_SMBUS);

/// Which framing surrounds the MCTP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum BindingKind {
    /// No framing: the bytes start with the MCTP transport header
    /// (Linux cooked captures, AF_MCTP, libmctp's capture).
    #[default]
    None,
    /// SMBus/I2C block write starting with the destination address byte (DSP0237).
    Smbus,
    /// SMBus/I2C block write without the destination address byte, starting
    /// at command code 0x0F (IPMI Master Write-Read, some mailboxes).
    SmbusNoDest,
    /// Serial frame `7E 01 len ... FCS 7E` (DSP0253).
    Serial,
    /// I3C private write: MCTP packet followed by a PEC byte (DSP0233).
    I3c,
    /// PCIe VDM TLP header then MCTP packet (DSP0238).
    PcieVdm,
    /// USB transfer: DMTF header then MCTP packet (DSP0283).
    Usb,
    /// IPMI Master Write-Read request (NetFn/LUN byte first) whose write
    /// data is an SMBus frame without the destination byte.
    IpmiMasterWriteRead,
}

impl BindingKind {
    /// The name used on the command line.
    pub const fn cli_name(self) -> &'static str {
        match self {
            BindingKind::None => "none",
            BindingKind::Smbus => "smbus",
            BindingKind::SmbusNoDest => "smbus-no-dest",
            BindingKind::Serial => "serial",
            BindingKind::I3c => "i3c",
            BindingKind::PcieVdm => "pcie-vdm",
            BindingKind::Usb => "usb",
            BindingKind::IpmiMasterWriteRead => "ipmi",
        }
    }
}

/// Outcome of an integrity check (PEC, FCS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Integrity {
    /// Layer that carries the check.
    pub layer: Layer,
    /// Name of the check ("pec", "fcs").
    pub name: &'static str,
    /// Value found on the wire.
    pub found: u32,
    /// Value computed over the received bytes.
    pub computed: u32,
}

impl Integrity {
    /// `true` when the check matches.
    pub const fn ok(&self) -> bool {
        self.found == self.computed
    }
}

/// Up to [`Warnings::CAPACITY`] non-fatal framing problems of one frame
/// (a wrong command code, an R/W bit convention, a length that disagrees
/// with the bytes present...). The frame still decoded; a dissector shows
/// these next to it. Fixed capacity so decoding stays allocation-free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Warnings {
    items: [Option<Error>; Warnings::CAPACITY],
}

impl Warnings {
    /// How many problems a frame can carry; more are dropped (the first
    /// ones are the most useful).
    pub const CAPACITY: usize = 6;

    /// Record a problem (ignored when full).
    pub fn push(&mut self, e: Error) {
        if let Some(slot) = self.items.iter_mut().find(|s| s.is_none()) {
            *slot = Some(e);
        }
    }

    /// The recorded problems in order.
    pub fn iter(&self) -> impl Iterator<Item = Error> + '_ {
        self.items.iter().flatten().copied()
    }

    /// `true` when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.items[0].is_none()
    }

    /// Shift every offset by `base`.
    #[must_use]
    pub fn shift(mut self, base: usize) -> Self {
        for e in self.items.iter_mut().flatten() {
            *e = e.shift(base);
        }
        self
    }
}

impl IntoIterator for Warnings {
    type Item = Error;
    type IntoIter =
        core::iter::Flatten<core::array::IntoIter<Option<Error>, { Warnings::CAPACITY }>>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter().flatten()
    }
}

/// Options for [`Frame::parse_with`]: facts the bytes alone don't carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// 7-bit SMBus destination address for [`BindingKind::SmbusNoDest`]:
    /// the PEC covers the destination byte, which that form omits, so it can
    /// only be verified when the caller knows the address.
    pub smbus_dst_addr: Option<u8>,
    /// Address byte the I3C PEC starts with; `None` computes the PEC over
    /// the data alone (see [`i3c`]).
    pub i3c_pec_addr: Option<i3c::PecAddress>,
    /// Serial escaping, FCS and length options.
    pub serial: serial::Options,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            smbus_dst_addr: None,
            i3c_pec_addr: None,
            // An analyser shows what is there: accept any byte count a frame
            // can express and report counts above the MTU as a warning.
            serial: serial::Options::lenient(),
        }
    }
}

/// A decoded binding frame around one MCTP packet.
///
/// The serial variant keeps an unescaped copy of its packet inline (at most
/// 255 bytes), so the enum is a few hundred bytes: the price of decoding
/// escaped frames without a heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)]
pub enum Frame<'a> {
    /// SMBus/I2C, with or without the destination byte.
    Smbus(smbus::Frame<'a>),
    /// Serial.
    Serial(serial::Frame<'a>),
    /// I3C.
    I3c(i3c::Frame<'a>),
    /// PCIe VDM.
    PcieVdm(pcie_vdm::Frame<'a>),
    /// USB (one MCTP packet of a transfer; see [`usb::Frames`]).
    Usb(usb::Frame<'a>),
    /// IPMI Master Write-Read around an SMBus frame.
    Ipmi(ipmi::Frame<'a>),
}

impl<'a> Frame<'a> {
    /// Decode a frame of `kind` at the start of `bytes` with default
    /// options. `None` for [`BindingKind::None`], which has no framing.
    pub fn parse(kind: BindingKind, bytes: &'a [u8]) -> Result<Option<Frame<'a>>> {
        Frame::parse_with(kind, bytes, &ParseOptions::default())
    }

    /// Decode a frame of `kind` at the start of `bytes`.
    pub fn parse_with(
        kind: BindingKind,
        bytes: &'a [u8],
        opts: &ParseOptions,
    ) -> Result<Option<Frame<'a>>> {
        Ok(Some(match kind {
            BindingKind::None => return Ok(None),
            BindingKind::Smbus => Frame::Smbus(smbus::Frame::parse(bytes)?),
            BindingKind::SmbusNoDest => {
                Frame::Smbus(smbus::Frame::parse_no_dest(bytes, opts.smbus_dst_addr)?)
            }
            BindingKind::Serial => Frame::Serial(serial::Frame::parse(bytes, &opts.serial)?),
            BindingKind::I3c => Frame::I3c(i3c::Frame::parse(bytes, opts.i3c_pec_addr)?),
            BindingKind::PcieVdm => Frame::PcieVdm(pcie_vdm::Frame::parse(bytes)?),
            BindingKind::Usb => Frame::Usb(usb::Frame::parse(bytes)?),
            BindingKind::IpmiMasterWriteRead => Frame::Ipmi(ipmi::Frame::parse(bytes)?),
        }))
    }

    /// The (unescaped) MCTP packet inside the frame and its offset in the
    /// frame bytes. For a serial frame with escapes the bytes come from the
    /// frame's inline copy and the offset is where the packet starts
    /// (after the count byte); see [`Frame::packet_in_input`].
    pub fn mctp_packet(&self) -> (usize, &[u8]) {
        match self {
            Frame::Smbus(f) => (f.packet_offset(), f.packet()),
            // Not field::PACKET_START: repeated opening flags (and, with
            // `escape_all`, an escaped revision or count) move the packet.
            Frame::Serial(f) => (f.packet_start, f.packet()),
            Frame::I3c(f) => (0, f.packet()),
            Frame::PcieVdm(f) => (pcie_vdm::field::MCTP_HEADER.start, f.packet()),
            Frame::Usb(f) => (usb::field::PACKET_START, f.packet()),
            Frame::Ipmi(f) => (f.packet_offset(), f.packet()),
        }
    }

    /// The MCTP packet as a slice of the input with its offset, when the
    /// packet bytes sit contiguously in the input: always, except for a
    /// serial frame whose packet contained escaped bytes.
    pub fn packet_in_input(&self) -> Option<(usize, &'a [u8])> {
        match self {
            Frame::Smbus(f) => Some((f.packet_offset(), f.packet())),
            Frame::Serial(f) => f.packet_in_input().map(|p| (f.packet_start, p)),
            Frame::I3c(f) => Some((0, f.packet())),
            Frame::PcieVdm(f) => Some((pcie_vdm::field::MCTP_HEADER.start, f.packet())),
            Frame::Usb(f) => Some((usb::field::PACKET_START, f.packet())),
            Frame::Ipmi(f) => Some((f.packet_offset(), f.packet())),
        }
    }

    /// The integrity check and its verdict, if the binding has one and it
    /// could be computed (e.g. not for SMBus without a known destination).
    pub fn integrity(&self) -> Option<Integrity> {
        match self {
            Frame::Smbus(f) => f.integrity(),
            Frame::Serial(f) => Some(f.integrity()),
            Frame::I3c(f) => f.integrity(),
            Frame::Ipmi(f) => f.integrity(),
            Frame::PcieVdm(_) | Frame::Usb(_) => None,
        }
    }

    /// Non-fatal framing problems found while decoding.
    pub fn warnings(&self) -> Warnings {
        match self {
            Frame::Smbus(f) => f.warnings,
            Frame::Serial(f) => f.warnings,
            Frame::I3c(f) => f.warnings,
            Frame::PcieVdm(f) => f.warnings,
            Frame::Usb(f) => f.warnings,
            Frame::Ipmi(f) => f.warnings,
        }
    }

    /// Bytes of the input this frame used (the next frame starts here, for
    /// bindings that carry several packets per transfer such as USB).
    pub fn frame_len(&self) -> usize {
        match self {
            Frame::Smbus(f) => f.frame_len,
            Frame::Serial(f) => f.frame_len,
            Frame::I3c(f) => f.frame_len(),
            Frame::PcieVdm(f) => f.frame_len,
            Frame::Usb(f) => f.frame_len(),
            Frame::Ipmi(f) => f.frame_len,
        }
    }

    fn inner(&self) -> &dyn Describe {
        match self {
            Frame::Smbus(f) => f,
            Frame::Serial(f) => f,
            Frame::I3c(f) => f,
            Frame::PcieVdm(f) => f,
            Frame::Usb(f) => f,
            Frame::Ipmi(f) => f,
        }
    }
}

impl Describe for Frame<'_> {
    fn layer(&self) -> Layer {
        self.inner().layer()
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        self.inner().summary(w)
    }
    fn describe(&self, v: &mut dyn Visitor) {
        self.inner().describe(v)
    }
}

/// A small fixed-capacity string for field meanings built at describe time
/// ("7-bit 0x10, write") without allocating. Text past the capacity is cut.
pub(crate) struct StackStr<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> StackStr<N> {
    pub(crate) const fn new() -> Self {
        StackStr {
            buf: [0; N],
            len: 0,
        }
    }
    pub(crate) fn as_str(&self) -> &str {
        // Only whole `&str`s are appended, and cuts happen at char
        // boundaries, so this never fails; fall back to "" regardless.
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl<const N: usize> fmt::Write for StackStr<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = N - self.len;
        let mut take = s.len().min(room);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        self.buf[self.len..self.len + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take;
        Ok(())
    }
}

/// Format into a [`StackStr`].
macro_rules! stack_fmt {
    ($n:expr, $($arg:tt)*) => {{
        let mut s = $crate::binding::StackStr::<$n>::new();
        let _ = core::fmt::Write::write_fmt(&mut s, format_args!($($arg)*));
        s
    }};
}
pub(crate) use stack_fmt;

/// Check an output buffer for `emit`.
pub(crate) fn out_room(layer: Layer, buf: &[u8], needed: usize) -> Result<()> {
    if buf.len() < needed {
        Err(Error::buffer_too_small(layer, needed, buf.len()))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pec_crc_check_values() {
        assert_eq!(PEC_CRC.checksum(b"123456789"), 0xF4);
        // bindings.md §2.1 cross-check
        assert_eq!(
            PEC_CRC.checksum(&[0x20, 0x0f, 0x05, 0x11, 0x01, 0x08, 0x09, 0xc8, 0x00]),
            0x5C
        );
    }

    #[test]
    fn none_has_no_frame() {
        assert_eq!(Frame::parse(BindingKind::None, &[1, 2, 3]), Ok(None));
    }

    #[test]
    fn every_kind_survives_garbage() {
        let kinds = [
            BindingKind::Smbus,
            BindingKind::SmbusNoDest,
            BindingKind::Serial,
            BindingKind::I3c,
            BindingKind::PcieVdm,
            BindingKind::Usb,
            BindingKind::IpmiMasterWriteRead,
        ];
        let mut buf = [0u8; 40];
        for seed in 0..400u32 {
            let mut x = seed.wrapping_mul(2654435761);
            for b in buf.iter_mut() {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                *b = x as u8;
            }
            for n in 0..buf.len() {
                for k in kinds {
                    if let Ok(Some(f)) = Frame::parse(k, &buf[..n]) {
                        let _ = (f.mctp_packet(), f.integrity(), f.frame_len());
                        assert!(f.frame_len() <= n);
                    }
                }
            }
        }
    }

    #[test]
    fn stack_str_cuts() {
        let s = stack_fmt!(4, "abcdef");
        assert_eq!(s.as_str(), "abcd");
    }
}
