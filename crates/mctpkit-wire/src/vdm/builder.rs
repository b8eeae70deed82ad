//! Fluent builder for vendor-defined messages (no_std: writes into a
//! caller buffer; `to_vec` with `alloc`).
//!
//! ```
//! use mctpkit_wire::vdm::{cerberus, VdmBuilder};
//! let mut buf = [0u8; 16];
//! // Cerberus Get Digest request, slot 0, no key exchange.
//! let n = VdmBuilder::cerberus(cerberus::Command::GetDigest)
//!     .body(&[0x00, 0x00])
//!     .build(&mut buf)
//!     .unwrap();
//! assert_eq!(&buf[..n], &[0x7e, 0x14, 0x14, 0x00, 0x81, 0x00, 0x00]);
//! ```

use super::{cerberus, microsoft, Header, VendorId};
use crate::error::{Error, Layer, Result};

/// Builds one vendor-defined message: type byte, vendor ID, an optional
/// vendor header and a body.
#[derive(Debug, Clone, Copy)]
pub struct VdmBuilder<'b> {
    header: Header,
    vendor_head: [u8; 8],
    vendor_head_len: usize,
    body: &'b [u8],
}

impl<'b> VdmBuilder<'b> {
    /// A PCI vendor-defined message (type 0x7E).
    pub const fn pci(vendor_id: u16) -> Self {
        VdmBuilder::vendor(VendorId::Pci(vendor_id))
    }

    /// An IANA vendor-defined message (type 0x7F).
    pub const fn iana(enterprise: u32) -> Self {
        VdmBuilder::vendor(VendorId::Iana(enterprise))
    }

    /// A message for `vendor`.
    pub const fn vendor(vendor: VendorId) -> Self {
        VdmBuilder {
            header: Header { ic: false, vendor },
            vendor_head: [0; 8],
            vendor_head_len: 0,
            body: &[],
        }
    }

    /// A plain Cerberus command (PCI 0x1414, Rq = 0, Crypt = 0).
    pub fn cerberus(command: cerberus::Command) -> Self {
        VdmBuilder::cerberus_header(cerberus::Header::new(command))
    }

    /// A Cerberus message with the given header.
    pub fn cerberus_header(h: cerberus::Header) -> Self {
        let mut b = VdmBuilder::vendor(VendorId::MICROSOFT);
        // Two bytes always fit the 8-byte head.
        let _ = h.emit_bytes(&mut b.vendor_head);
        b.vendor_head_len = cerberus::HEADER_LEN;
        b
    }

    /// A Microsoft VDM message (its header includes the completion code
    /// when `h.completion_code` is set, i.e. for responses).
    pub fn microsoft(h: microsoft::Header) -> Self {
        let mut b = VdmBuilder::vendor(VendorId::MICROSOFT);
        let _ = h.emit_bytes(&mut b.vendor_head);
        b.vendor_head_len = h.buffer_len();
        b
    }

    /// Set the IC bit of the type byte.
    #[must_use]
    pub const fn ic(mut self, ic: bool) -> Self {
        self.header.ic = ic;
        self
    }

    /// The bytes after the vendor header.
    #[must_use]
    pub const fn body(mut self, body: &'b [u8]) -> Self {
        self.body = body;
        self
    }

    /// Length of the message.
    pub const fn buffer_len(&self) -> usize {
        self.header.buffer_len() + self.vendor_head_len + self.body.len()
    }

    /// Write the message into `buf`; returns its length.
    pub fn build(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Vdm, n, buf.len()));
        }
        let mut at = self.header.emit_bytes(buf)?;
        buf[at..at + self.vendor_head_len]
            .copy_from_slice(&self.vendor_head[..self.vendor_head_len]);
        at += self.vendor_head_len;
        buf[at..n].copy_from_slice(self.body);
        Ok(n)
    }

    /// The message as a vector.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0u8; self.buffer_len()];
        // The buffer has exactly the needed length.
        let _ = self.build(&mut v);
        v
    }
}
