//! Physical transport bindings: the framing around an MCTP packet.
//!
//! Each binding has its own file (one spec per file). [`Frame`] is the
//! dispatch enum the dissector uses: parse a frame of a given
//! [`BindingKind`], get the MCTP packet inside it and the integrity-check
//! verdict.

use core::fmt;

use crate::describe::{Describe, Visitor};
use crate::error::{Layer, Result};

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

/// A decoded binding frame around one MCTP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Frame<'a> {
    #[doc(hidden)]
    _Placeholder(&'a [u8]),
}

impl<'a> Frame<'a> {
    /// Decode a frame of `kind` at the start of `bytes`. `None` for
    /// [`BindingKind::None`], which has no framing.
    pub fn parse(kind: BindingKind, bytes: &'a [u8]) -> Result<Option<Frame<'a>>> {
        match kind {
            BindingKind::None => {
                let _ = bytes;
                Ok(None)
            }
            // Filled in by the binding modules.
            _ => Err(crate::error::Error::invalid(
                Layer::Mctp,
                0,
                "binding",
                kind as u32,
                "a supported binding",
            )),
        }
    }

    /// The MCTP packet inside the frame and its offset in the frame bytes.
    pub fn mctp_packet(&self) -> (usize, &'a [u8]) {
        match *self {
            Frame::_Placeholder(b) => (0, b),
        }
    }

    /// The integrity check and its verdict, if the binding has one.
    pub fn integrity(&self) -> Option<Integrity> {
        None
    }

    /// Bytes of the input this frame used (the next frame starts here, for
    /// bindings that carry several packets per transfer such as USB).
    pub fn frame_len(&self) -> usize {
        match *self {
            Frame::_Placeholder(b) => b.len(),
        }
    }
}

impl Describe for Frame<'_> {
    fn layer(&self) -> Layer {
        Layer::Smbus
    }
    fn summary(&self, _w: &mut dyn fmt::Write) -> fmt::Result {
        Ok(())
    }
    fn describe(&self, _v: &mut dyn Visitor) {}
}
