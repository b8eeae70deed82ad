//! Framing a packet for a binding: the one place that turns a bare MCTP
//! packet and the binding's addressing into a frame for the wire.
//!
//! The stack's transmit path (`poll_transmit_frame`) and `mctpkit craft`
//! both encode through [`Framing::emit`]; each variant carries its
//! binding's own `Repr`, so every length and integrity check is computed
//! by the binding module (DSP0237 PEC, DSP0253 FCS, DSP0233 PEC, DSP0238
//! TLP header, DSP0283 header).

use super::{i3c, ipmi, pcie_vdm, serial, smbus, usb, BindingKind};
use crate::error::{Error, Layer, Result};

/// How to frame a packet for one binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Framing {
    /// No framing: the bare packet (Linux AF_MCTP, cooked captures).
    None,
    /// SMBus/I2C block write with the destination address byte.
    Smbus(smbus::Repr),
    /// SMBus/I2C block write without the destination address byte.
    SmbusNoDest(smbus::Repr),
    /// Serial (DSP0253).
    Serial(serial::Repr),
    /// I3C private write with PEC.
    I3c(i3c::Repr),
    /// PCIe VDM TLP.
    PcieVdm(pcie_vdm::Repr),
    /// USB transfer.
    Usb(usb::Repr),
    /// IPMI Master Write-Read carrying an SMBus frame.
    Ipmi(ipmi::Repr),
}

/// A PCIe ID from a physical address: 2 bytes big-endian (bus, then
/// device/function; DSP0238 routes by this 16-bit ID), 1 byte as the low
/// byte, none as 0.
pub fn pcie_id(phys: &[u8]) -> pcie_vdm::Bdf {
    match phys {
        [hi, lo, ..] => pcie_vdm::Bdf(u16::from_be_bytes([*hi, *lo])),
        [b] => pcie_vdm::Bdf(u16::from(*b)),
        [] => pcie_vdm::Bdf(0),
    }
}

impl Framing {
    /// The framing a stack uses on a bus of `kind` whose own physical
    /// address is `own`, sending to `peer`: SMBus 7-bit addresses (1 byte),
    /// PCIe IDs (2 bytes, routed by ID), nothing for serial and USB.
    pub fn for_addresses(kind: BindingKind, own: &[u8], peer: &[u8]) -> Framing {
        let first = |a: &[u8]| a.first().copied().unwrap_or(0);
        let sm = smbus::Repr {
            dst_addr: first(peer),
            src_addr: first(own),
        };
        match kind {
            BindingKind::None => Framing::None,
            BindingKind::Smbus => Framing::Smbus(sm),
            BindingKind::SmbusNoDest => Framing::SmbusNoDest(sm),
            BindingKind::Serial => Framing::Serial(serial::Repr::default()),
            BindingKind::I3c => Framing::I3c(i3c::Repr { pec_addr: None }),
            BindingKind::PcieVdm => Framing::PcieVdm(pcie_vdm::Repr {
                requester_id: pcie_id(own),
                target_id: pcie_id(peer),
                ..pcie_vdm::Repr::default()
            }),
            BindingKind::Usb => Framing::Usb(usb::Repr::default()),
            BindingKind::IpmiMasterWriteRead => Framing::Ipmi(ipmi::Repr {
                lun: 0,
                channel: 0,
                bus_id: 0,
                private_bus: false,
                slave_addr: first(peer),
                read_count: 0,
                src_addr: first(own),
            }),
        }
    }

    /// The binding this framing belongs to.
    pub const fn kind(&self) -> BindingKind {
        match self {
            Framing::None => BindingKind::None,
            Framing::Smbus(_) => BindingKind::Smbus,
            Framing::SmbusNoDest(_) => BindingKind::SmbusNoDest,
            Framing::Serial(_) => BindingKind::Serial,
            Framing::I3c(_) => BindingKind::I3c,
            Framing::PcieVdm(_) => BindingKind::PcieVdm,
            Framing::Usb(_) => BindingKind::Usb,
            Framing::Ipmi(_) => BindingKind::IpmiMasterWriteRead,
        }
    }

    /// Frame `packet` (transport header first) into `buf`; returns the
    /// frame length.
    pub fn emit(&self, packet: &[u8], buf: &mut [u8]) -> Result<usize> {
        match self {
            Framing::None => {
                let dst = buf
                    .get_mut(..packet.len())
                    .ok_or_else(|| Error::buffer_too_small(Layer::Mctp, packet.len(), 0))?;
                dst.copy_from_slice(packet);
                Ok(packet.len())
            }
            Framing::Smbus(r) => r.emit_frame(packet, buf),
            Framing::SmbusNoDest(r) => r.emit_frame_no_dest(packet, buf),
            Framing::Serial(r) => r.emit_frame(packet, buf),
            Framing::I3c(r) => r.emit_frame(packet, buf),
            Framing::PcieVdm(r) => r.emit_frame(packet, buf),
            Framing::Usb(r) => r.emit_frame(packet, buf),
            Framing::Ipmi(r) => r.emit_frame(packet, buf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smbus_framing_matches_the_binding_encoder() {
        let pkt = [0x01, 0x09, 0x08, 0xC8, 0x00, 0x80, 0x02];
        let f = Framing::for_addresses(BindingKind::Smbus, &[0x10], &[0x20]);
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        let n = f.emit(&pkt, &mut a).unwrap();
        let m = smbus::Repr {
            dst_addr: 0x20,
            src_addr: 0x10,
        }
        .emit_frame(&pkt, &mut b)
        .unwrap();
        assert_eq!(&a[..n], &b[..m]);
        // DSP0237: destination (write) address, command 0x0F, byte count,
        // source address with bit 0 set, packet, PEC.
        assert_eq!(&a[..4], &[0x40, 0x0F, 8, 0x21]);
        assert_eq!(f.kind(), BindingKind::Smbus);
    }

    #[test]
    fn pcie_ids_are_big_endian_bdf() {
        assert_eq!(pcie_id(&[0x12, 0x34]).0, 0x1234);
        assert_eq!(pcie_id(&[0x07]).0, 0x0007);
        assert_eq!(pcie_id(&[]).0, 0);
    }

    #[test]
    fn none_refuses_a_short_buffer() {
        let mut b = [0u8; 3];
        assert!(Framing::None.emit(&[1, 2, 3, 4], &mut b).is_err());
    }
}
