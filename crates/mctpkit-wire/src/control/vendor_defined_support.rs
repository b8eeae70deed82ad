//! Get Vendor Defined Message Support (command 0x06, DSP0236 §12.8).
//!
//! ```text
//!  request  byte 0  vendor ID set selector (0 = first set)
//!  response byte 0  vendor ID set selector of the next set (0xFF = this is the last set)
//!           byte 1  vendor ID format: 0x00 PCI, 0x01 IANA
//!           then    vendor ID: PCI u16 BE vendor ID | IANA u32 BE enterprise number
//!           then    u16 BE command set type
//! ```

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::{Error, Layer, Result};
use crate::macros::open_enum;

use super::common::{be16, be32, byte, byte_body, hex8, ControlBody, EmitBody};
use super::Command;

byte_body!(
    /// Get Vendor Defined Message Support request data.
    GetVendorDefinedMessageSupportRequest { vendor_id_set_selector: "vendor_id_set_selector" },
    Command::GetVendorDefinedMessageSupport,
    true,
    "selector",
    |_| None
);

open_enum! {
    /// Vendor ID format (response byte 1).
    pub enum VendorIdFormat: u8 {
        Pci = 0x00 => "PCI vendor ID",
        Iana = 0x01 => "IANA enterprise number",
    }
}

/// A vendor ID in one of the two formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum VendorId {
    /// PCI(-SIG) vendor ID, format 0x00.
    Pci(u16),
    /// IANA enterprise number, format 0x01.
    Iana(u32),
}

impl VendorId {
    /// The format byte for this vendor ID.
    pub const fn format(self) -> VendorIdFormat {
        match self {
            VendorId::Pci(_) => VendorIdFormat::Pci,
            VendorId::Iana(_) => VendorIdFormat::Iana,
        }
    }
    const fn len(self) -> usize {
        match self {
            VendorId::Pci(_) => 2,
            VendorId::Iana(_) => 4,
        }
    }
}

/// Selector value meaning "no more vendor ID sets".
pub const LAST_SET: u8 = 0xFF;

/// Get Vendor Defined Message Support response data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetVendorDefinedMessageSupportResponse {
    /// Selector for the next set, 0xFF when this is the last one.
    pub vendor_id_set_selector: u8,
    pub vendor_id: VendorId,
    /// Vendor-defined command set type / version.
    pub command_set_type: u16,
}

impl EmitBody for GetVendorDefinedMessageSupportResponse {
    fn buffer_len(&self) -> usize {
        2 + self.vendor_id.len() + 2
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.vendor_id_set_selector;
        buf[1] = self.vendor_id.format().value();
        let at = match self.vendor_id {
            VendorId::Pci(v) => {
                buf[2..4].copy_from_slice(&v.to_be_bytes());
                4
            }
            VendorId::Iana(v) => {
                buf[2..6].copy_from_slice(&v.to_be_bytes());
                6
            }
        };
        buf[at..at + 2].copy_from_slice(&self.command_set_type.to_be_bytes());
    }
}

impl<'a> ControlBody<'a> for GetVendorDefinedMessageSupportResponse {
    const COMMAND: Command = Command::GetVendorDefinedMessageSupport;
    const REQUEST: bool = false;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        let sel = byte(data, 0)?;
        let fmt_byte = byte(data, 1)?;
        let vendor_id = match VendorIdFormat::from_value(fmt_byte) {
            VendorIdFormat::Pci => VendorId::Pci(be16(data, 2)?),
            VendorIdFormat::Iana => VendorId::Iana(be32(data, 2)?),
            VendorIdFormat::Unknown(v) => {
                return Err(Error::invalid(
                    Layer::Control,
                    1,
                    "vendor_id_format",
                    v.into(),
                    "0x00 (PCI) or 0x01 (IANA)",
                ))
            }
        };
        let at = 2 + vendor_id.len();
        let command_set_type = be16(data, at)?;
        Ok((
            GetVendorDefinedMessageSupportResponse {
                vendor_id_set_selector: sel,
                vendor_id,
                command_set_type,
            },
            at + 2,
        ))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match self.vendor_id {
            VendorId::Pci(v) => write!(w, " / PCI vendor 0x{v:04x}")?,
            VendorId::Iana(v) => write!(w, " / IANA enterprise {v}")?,
        }
        write!(w, " command set 0x{:04x}", self.command_set_type)?;
        if self.vendor_id_set_selector == LAST_SET {
            w.write_str(" (last set)")
        } else {
            write!(w, " next=0x{:02x}", self.vendor_id_set_selector)
        }
    }

    fn describe(&self, v: &mut dyn Visitor) {
        hex8(
            v,
            "vendor_id_set_selector",
            0,
            self.vendor_id_set_selector,
            if self.vendor_id_set_selector == LAST_SET {
                Some("last set")
            } else {
                None
            },
        );
        let f = self.vendor_id.format();
        hex8(v, "vendor_id_format", 1, f.value(), f.name());
        match self.vendor_id {
            VendorId::Pci(x) => v.field(&Field::new("vendor_id", 2, 2, Value::hex16(x))),
            VendorId::Iana(x) => v.field(&Field::new("vendor_id", 2, 4, Value::Uint(x.into()))),
        }
        v.field(&Field::new(
            "command_set_type",
            2 + self.vendor_id.len(),
            2,
            Value::hex16(self.command_set_type),
        ));
    }
}
