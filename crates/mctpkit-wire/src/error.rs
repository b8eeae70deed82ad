//! Decode errors that say which layer failed, where, and what was expected.
//!
//! Modelled on etherparse's `LenError`: an analyser must be able to print
//! "control: truncated at offset 7: needed 3 bytes, had 1" for any input.

use core::fmt;

/// The protocol layer a field, an error or a decode belongs to.
///
/// `key()` is the stable snake_case name used as the JSON object key for the
/// layer (and later as the Python attribute name); `title()` is for humans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Layer {
    /// A capture file or text dump (pcap, pcapng, tcpdump text).
    Capture,
    /// Linux cooked capture header (SLL / SLL2).
    Sll,
    /// SMBus/I2C binding, DSP0237.
    Smbus,
    /// Serial binding, DSP0253.
    Serial,
    /// I3C binding, DSP0233.
    I3c,
    /// PCIe VDM binding, DSP0238.
    PcieVdm,
    /// USB binding, DSP0283.
    Usb,
    /// IPMI Master Write-Read carrying an SMBus MCTP frame.
    Ipmi,
    /// MCTP transport header, DSP0236 §8.1.
    Mctp,
    /// A reassembled MCTP message (type byte + body).
    Message,
    /// MCTP control message header and body, DSP0236 §11.
    Control,
    /// PLDM, DSP0240 family.
    Pldm,
    /// SPDM, DSP0274.
    Spdm,
    /// Secured messages (SPDM sessions), DSP0276/DSP0277.
    Secured,
    /// NVMe Management Interface.
    NvmeMi,
    /// CXL FM-API / CCI, DSP0234 / DSP0281.
    Cxl,
    /// Vendor-defined messages (PCI or IANA vendor ID).
    Vdm,
    /// NC-SI over MCTP, DSP0261.
    NcSi,
    /// Ethernet over MCTP, DSP0261.
    Ethernet,
    /// A message type this version does not decode yet.
    Undecoded,
}

impl Layer {
    /// Stable snake_case name (JSON key).
    pub const fn key(self) -> &'static str {
        match self {
            Layer::Capture => "capture",
            Layer::Sll => "sll",
            Layer::Smbus => "smbus",
            Layer::Serial => "serial",
            Layer::I3c => "i3c",
            Layer::PcieVdm => "pcie_vdm",
            Layer::Usb => "usb",
            Layer::Ipmi => "ipmi",
            Layer::Mctp => "mctp",
            Layer::Message => "message",
            Layer::Control => "control",
            Layer::Pldm => "pldm",
            Layer::Spdm => "spdm",
            Layer::Secured => "secured",
            Layer::NvmeMi => "nvme_mi",
            Layer::Cxl => "cxl",
            Layer::Vdm => "vdm",
            Layer::NcSi => "ncsi",
            Layer::Ethernet => "ethernet",
            Layer::Undecoded => "undecoded",
        }
    }

    /// Human-readable name with the defining specification.
    pub const fn title(self) -> &'static str {
        match self {
            Layer::Capture => "Capture",
            Layer::Sll => "Linux cooked capture",
            Layer::Smbus => "SMBus/I2C binding (DSP0237)",
            Layer::Serial => "Serial binding (DSP0253)",
            Layer::I3c => "I3C binding (DSP0233)",
            Layer::PcieVdm => "PCIe VDM binding (DSP0238)",
            Layer::Usb => "USB binding (DSP0283)",
            Layer::Ipmi => "IPMI Master Write-Read",
            Layer::Mctp => "MCTP transport (DSP0236)",
            Layer::Message => "MCTP message",
            Layer::Control => "MCTP control (DSP0236)",
            Layer::Pldm => "PLDM (DSP0240)",
            Layer::Spdm => "SPDM (DSP0274)",
            Layer::Secured => "Secured message (DSP0276)",
            Layer::NvmeMi => "NVMe-MI",
            Layer::Cxl => "CXL CCI / FM-API (DSP0281 / DSP0234)",
            Layer::Vdm => "Vendor defined message",
            Layer::NcSi => "NC-SI over MCTP (DSP0261)",
            Layer::Ethernet => "Ethernet over MCTP (DSP0261)",
            Layer::Undecoded => "Not yet decoded",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case", tag = "kind"))]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended early: it had to reach byte `needed` and ended at
    /// byte `available`. Both count from the same start as
    /// [`Error::offset`] (which is `available`), and [`Error::shift`] moves
    /// all three, so a problem the dissector reports names absolute
    /// positions in the packet (or the reassembled message).
    Truncated { needed: usize, available: usize },
    /// A field holds a value the layer cannot accept.
    Invalid {
        field: &'static str,
        value: u32,
        expected: &'static str,
    },
    /// A length field or the input is larger than the layer allows.
    Oversize { max: usize, actual: usize },
    /// A length field disagrees with the bytes present.
    LengthMismatch {
        field: &'static str,
        declared: usize,
        actual: usize,
    },
    /// Bytes left over after a fixed-size structure.
    Trailing { extra: usize },
    /// An output buffer is too small for `emit`: it had to reach byte
    /// `needed` and ends at `available` (same base as the offset).
    BufferTooSmall { needed: usize, available: usize },
}

/// A decode (or encode) error: layer, byte offset and what was expected.
///
/// `offset` is relative to the start of the buffer that was handed to the
/// failing parser; [`Error::shift`] re-bases it when a caller knows where that
/// buffer sits inside a larger frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Error {
    pub layer: Layer,
    pub offset: usize,
    pub kind: ErrorKind,
}

/// Result alias for this crate.
pub type Result<T> = core::result::Result<T, Error>;

impl Error {
    /// The input for `layer` ended at `available` bytes where `needed` were required.
    pub const fn truncated(layer: Layer, needed: usize, available: usize) -> Self {
        Error {
            layer,
            offset: available,
            kind: ErrorKind::Truncated { needed, available },
        }
    }

    /// A field at `offset` holds `value`; `expected` says what would have been valid.
    pub const fn invalid(
        layer: Layer,
        offset: usize,
        field: &'static str,
        value: u32,
        expected: &'static str,
    ) -> Self {
        Error {
            layer,
            offset,
            kind: ErrorKind::Invalid {
                field,
                value,
                expected,
            },
        }
    }

    /// Output buffer too small for an encode.
    pub const fn buffer_too_small(layer: Layer, needed: usize, available: usize) -> Self {
        Error {
            layer,
            offset: 0,
            kind: ErrorKind::BufferTooSmall { needed, available },
        }
    }

    /// Re-base the error by `base` bytes (the position of the layer's
    /// buffer inside the enclosing frame): the offset and, for
    /// [`ErrorKind::Truncated`] and [`ErrorKind::BufferTooSmall`], the
    /// positions `needed` and `available`, so all three keep one base.
    /// Sizes (`Oversize`, `LengthMismatch`, `Trailing`) are not positions
    /// and stay as they are.
    #[must_use]
    pub const fn shift(mut self, base: usize) -> Self {
        self.offset += base;
        self.kind = match self.kind {
            ErrorKind::Truncated { needed, available } => ErrorKind::Truncated {
                needed: needed + base,
                available: available + base,
            },
            ErrorKind::BufferTooSmall { needed, available } => ErrorKind::BufferTooSmall {
                needed: needed + base,
                available: available + base,
            },
            k => k,
        };
        self
    }
}

impl ErrorKind {
    /// What went wrong without positions, for summaries that sit next to
    /// the full problem: `truncated`, or the kind's text when it holds no
    /// position (positions are only meaningful with their base).
    pub const fn brief(&self) -> Brief<'_> {
        Brief(self)
    }
}

/// Display of [`ErrorKind::brief`].
pub struct Brief<'a>(&'a ErrorKind);

impl fmt::Display for Brief<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ErrorKind::Truncated { .. } => f.write_str("truncated"),
            ErrorKind::BufferTooSmall { .. } => f.write_str("output buffer too small"),
            k => k.fmt(f),
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ErrorKind::Truncated { needed, available } => {
                write!(f, "truncated: needed {needed} bytes, had {available}")
            }
            ErrorKind::Invalid {
                field,
                value,
                expected,
            } => write!(f, "invalid {field} {value:#x}: expected {expected}"),
            ErrorKind::Oversize { max, actual } => {
                write!(f, "oversize: {actual} bytes, at most {max} allowed")
            }
            ErrorKind::LengthMismatch {
                field,
                declared,
                actual,
            } => write!(f, "{field} says {declared} bytes but {actual} are present"),
            ErrorKind::Trailing { extra } => write!(f, "{extra} unexpected trailing bytes"),
            ErrorKind::BufferTooSmall { needed, available } => {
                write!(
                    f,
                    "output buffer too small: needed {needed}, had {available}"
                )
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: at offset {}: {}",
            self.layer, self.offset, self.kind
        )
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

/// Check that `buf` holds at least `needed` bytes for `layer`.
#[inline]
pub(crate) fn need(layer: Layer, buf: &[u8], needed: usize) -> Result<()> {
    if buf.len() < needed {
        Err(Error::truncated(layer, needed, buf.len()))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_moves_every_position_and_no_size() {
        // A body 4 bytes into its message was cut at its byte 2 of 3.
        let e = Error::truncated(Layer::Pldm, 3, 2).shift(4);
        assert_eq!(e.offset, 6);
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 7,
                available: 6
            }
        );
        assert_eq!(
            std::format!("{e}"),
            "pldm: at offset 6: truncated: needed 7 bytes, had 6"
        );
        let b = Error::buffer_too_small(Layer::Mctp, 10, 4).shift(4);
        assert_eq!(
            (b.offset, b.kind),
            (
                4,
                ErrorKind::BufferTooSmall {
                    needed: 14,
                    available: 8
                }
            )
        );
        // Sizes are not positions.
        for kind in [
            ErrorKind::Trailing { extra: 2 },
            ErrorKind::Oversize {
                max: 64,
                actual: 65,
            },
            ErrorKind::LengthMismatch {
                field: "payload_length",
                declared: 8,
                actual: 9,
            },
        ] {
            let e = Error {
                layer: Layer::Cxl,
                offset: 1,
                kind,
            }
            .shift(5);
            assert_eq!((e.offset, e.kind), (6, kind));
        }
    }
}
