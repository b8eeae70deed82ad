//! I3C transport binding (DSP0233): an MCTP packet in an I3C private
//! transfer, followed by one PEC byte.
//!
//! ```text
//!  byte 0 .. n-2   MCTP packet (transport header + payload)
//!  byte n-1        PEC: CRC-8/SMBUS over [address byte] + packet
//! ```
//!
//! The address byte that starts the PEC is not on the wire (it is the I3C
//! address phase). Sources used: the Linux `mctp-i3c` driver
//! (drivers/net/mctp/mctp-i3c.c, read from the stored public source) computes
//! the transmit PEC of a private **write** over `dynamic_addr << 1` (R/W = 0)
//! and checks a private **read** (data from the target) over
//! `(dynamic_addr << 1) | 1`. pymctp (bindings.md §4) uses `| 1` when the
//! address is known and the data alone otherwise. So the R/W bit follows the
//! transfer direction, which is what [`PecAddress`] models; with no address,
//! this decoder tries the data alone (pymctp's fallback) and reports the
//! PEC as unchecked when that does not match, rather than as bad.

use core::fmt;

use super::{out_room, stack_fmt, Integrity, Warnings, PEC_CRC};
use crate::describe::{Describe, Field, Value, Visitor};
use crate::error::{need, Error, ErrorKind, Layer, Result};

/// Byte positions.
pub mod field {
    /// First MCTP packet byte.
    pub const PACKET: usize = 0;
}

/// Length of the PEC trailer.
pub const PEC_LEN: usize = 1;
/// Largest transfer Linux handles (packet + PEC), `MCTP_I3C_MAXBUF`.
pub const MAX_FRAME_LEN: usize = 65536;

/// Direction of the private transfer, which sets the R/W bit of the address
/// byte the PEC starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Direction {
    /// Controller to target (private write): R/W = 0.
    Write,
    /// Target to controller (private read, e.g. after an IBI): R/W = 1.
    #[default]
    Read,
}

/// The address byte the PEC covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PecAddress {
    /// 7-bit dynamic address of the target.
    pub dynamic_addr: u8,
    /// Transfer direction.
    pub direction: Direction,
}

impl PecAddress {
    /// The 8-bit address byte: `(addr << 1) | R/W`.
    pub const fn byte(&self) -> u8 {
        (self.dynamic_addr << 1)
            | match self.direction {
                Direction::Write => 0,
                Direction::Read => 1,
            }
    }
}

/// PEC over the optional address byte and the packet.
pub fn pec(addr: Option<PecAddress>, packet: &[u8]) -> u8 {
    let mut d = PEC_CRC.digest();
    if let Some(a) = addr {
        d.update(&[a.byte()]);
    }
    d.update(packet);
    d.finalize()
}

/// A zero-copy view of an I3C transfer (packet + PEC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wrap without checking; accessors may panic on an empty buffer.
    pub const fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }
    /// Wrap after [`Packet::check_len`].
    pub fn new_checked(buffer: T) -> Result<Self> {
        let p = Packet { buffer };
        p.check_len()?;
        Ok(p)
    }
    /// At least the PEC byte, at most [`MAX_FRAME_LEN`].
    pub fn check_len(&self) -> Result<()> {
        let b = self.buffer.as_ref();
        need(Layer::I3c, b, PEC_LEN)?;
        if b.len() > MAX_FRAME_LEN {
            return Err(Error {
                layer: Layer::I3c,
                offset: 0,
                kind: ErrorKind::Oversize {
                    max: MAX_FRAME_LEN,
                    actual: b.len(),
                },
            });
        }
        Ok(())
    }
    /// Give back the buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }
    /// The MCTP packet.
    pub fn mctp_packet(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        &b[..b.len() - PEC_LEN]
    }
    /// The PEC byte.
    pub fn pec(&self) -> u8 {
        let b = self.buffer.as_ref();
        b[b.len() - PEC_LEN]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// The MCTP packet, writable.
    pub fn mctp_packet_mut(&mut self) -> &mut [u8] {
        let b = self.buffer.as_mut();
        let n = b.len() - PEC_LEN;
        &mut b[..n]
    }
    /// Set the PEC byte.
    pub fn set_pec(&mut self, v: u8) {
        let b = self.buffer.as_mut();
        let n = b.len() - PEC_LEN;
        b[n] = v;
    }
    /// Compute and store the PEC.
    pub fn fill_pec(&mut self, addr: Option<PecAddress>) {
        let v = pec(addr, self.mctp_packet());
        self.set_pec(v);
    }
}

/// I3C framing as plain data: the address the PEC starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Repr {
    /// Address byte the PEC covers; `None`: data alone.
    pub pec_addr: Option<PecAddress>,
}

impl Repr {
    /// Strict parse: the PEC must match with `pec_addr`.
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>, pec_addr: Option<PecAddress>) -> Result<Repr> {
        p.check_len()?;
        if p.pec() != pec(pec_addr, p.mctp_packet()) {
            return Err(Error::invalid(
                Layer::I3c,
                p.mctp_packet().len(),
                "pec",
                p.pec().into(),
                "the CRC-8/SMBUS of address byte and packet",
            ));
        }
        Ok(Repr { pec_addr })
    }

    /// Transfer length for a packet of `packet_len` bytes.
    pub const fn buffer_len(&self, packet_len: usize) -> usize {
        packet_len + PEC_LEN
    }

    /// Store the PEC in a view whose packet is already written.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, p: &mut Packet<T>) {
        p.fill_pec(self.pec_addr);
    }

    /// Wrap `packet` (packet + PEC) into `buf`; returns the length.
    pub fn emit_frame(&self, packet: &[u8], buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len(packet.len());
        if n > MAX_FRAME_LEN {
            return Err(Error {
                layer: Layer::I3c,
                offset: 0,
                kind: ErrorKind::Oversize {
                    max: MAX_FRAME_LEN,
                    actual: n,
                },
            });
        }
        out_room(Layer::I3c, buf, n)?;
        buf[..packet.len()].copy_from_slice(packet);
        self.emit(&mut Packet::new_unchecked(&mut buf[..n]));
        Ok(n)
    }
}

/// A decoded I3C transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The MCTP packet.
    pub packet: &'a [u8],
    /// PEC found.
    pub pec: u8,
    /// Address the PEC was checked with (`None`: data alone).
    pub pec_addr: Option<PecAddress>,
    /// PEC computed with `pec_addr`.
    pub computed_pec: u8,
    /// Non-fatal problems.
    pub warnings: Warnings,
}

impl<'a> Frame<'a> {
    /// Decode a whole transfer: everything but the last byte is the packet.
    pub fn parse(bytes: &'a [u8], pec_addr: Option<PecAddress>) -> Result<Frame<'a>> {
        let p = Packet::new_checked(bytes)?;
        let packet = &bytes[..bytes.len() - PEC_LEN];
        let mut warnings = Warnings::default();
        if packet.len() < crate::mctp::HEADER_LEN {
            // Linux drops transfers shorter than header + PEC.
            warnings.push(Error::truncated(
                Layer::I3c,
                crate::mctp::HEADER_LEN + PEC_LEN,
                bytes.len(),
            ));
        }
        Ok(Frame {
            packet,
            pec: p.pec(),
            pec_addr,
            computed_pec: pec(pec_addr, packet),
            warnings,
        })
    }

    /// The MCTP packet.
    pub fn packet(&self) -> &'a [u8] {
        self.packet
    }

    /// Input bytes used (the whole transfer).
    pub fn frame_len(&self) -> usize {
        self.packet.len() + PEC_LEN
    }

    /// The PEC verdict. With no address a mismatch is not a verdict (the
    /// sender likely included an address byte), so it gives `None`.
    pub fn integrity(&self) -> Option<Integrity> {
        let i = Integrity {
            layer: Layer::I3c,
            name: "pec",
            found: self.pec.into(),
            computed: self.computed_pec.into(),
        };
        (self.pec_addr.is_some() || i.ok()).then_some(i)
    }

    /// `Some(ok)` when the PEC could be judged.
    pub fn pec_ok(&self) -> Option<bool> {
        self.integrity().map(|i| i.ok())
    }
}

impl Describe for Frame<'_> {
    fn layer(&self) -> Layer {
        Layer::I3c
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        w.write_str("I3C")?;
        if let Some(a) = self.pec_addr {
            write!(w, " {:#04x}", a.dynamic_addr)?;
        }
        match self.pec_ok() {
            Some(true) => w.write_str(" PEC ok"),
            Some(false) => write!(
                w,
                " PEC BAD (found {:#04x}, computed {:#04x})",
                self.pec, self.computed_pec
            ),
            None => write!(w, " PEC {:#04x} unchecked (address unknown)", self.pec),
        }
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let at = self.packet.len();
        v.field(&Field::new("pec", at, PEC_LEN, Value::hex8(self.pec)));
        match self.pec_addr {
            Some(a) => {
                let m = stack_fmt!(
                    40,
                    "7-bit {:#04x}, {}",
                    a.dynamic_addr,
                    match a.direction {
                        Direction::Write => "write",
                        Direction::Read => "read",
                    }
                );
                v.field(
                    &Field::derived("pec_addr", Value::hex8(a.byte())).meaning(Some(m.as_str())),
                );
            }
            None => v.field(&Field::derived("pec_addr", Value::Null).meaning(Some("data only"))),
        }
        v.field(&Field::derived(
            "pec_computed",
            Value::hex8(self.computed_pec),
        ));
        match self.pec_ok() {
            Some(ok) => v.field(&Field::derived("pec_ok", Value::Bool(ok))),
            None => {
                v.field(&Field::derived("pec_ok", Value::Null).meaning(Some("address unknown")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A Get Endpoint ID response from EID 0x1D to 0x08, tag 1.
    const PACKET: [u8; 8] = [0x01, 0x08, 0x1d, 0xc1, 0x00, 0x02, 0x02, 0x00];

    fn read_addr() -> PecAddress {
        PecAddress {
            dynamic_addr: 0x09,
            direction: Direction::Read,
        }
    }

    #[test]
    fn address_byte() {
        assert_eq!(read_addr().byte(), 0x13);
        let w = PecAddress {
            dynamic_addr: 0x09,
            direction: Direction::Write,
        };
        assert_eq!(w.byte(), 0x12);
    }

    #[test]
    fn hand_computed_frame() {
        // PEC by hand: CRC-8/SMBUS over 13 01 08 1d c1 00 02 02 00.
        let expected = PEC_CRC.checksum(&[0x13, 0x01, 0x08, 0x1d, 0xc1, 0x00, 0x02, 0x02, 0x00]);
        let mut buf = [0u8; 16];
        let n = Repr {
            pec_addr: Some(read_addr()),
        }
        .emit_frame(&PACKET, &mut buf)
        .unwrap();
        assert_eq!(n, 9);
        assert_eq!(&buf[..8], &PACKET);
        assert_eq!(buf[8], expected);
        let f = Frame::parse(&buf[..n], Some(read_addr())).unwrap();
        assert_eq!(f.packet, &PACKET);
        assert_eq!(f.pec_ok(), Some(true));
        // Without the address the data-only PEC differs: unchecked, not bad.
        let f = Frame::parse(&buf[..n], None).unwrap();
        assert_eq!(f.pec_ok(), None);
        // The wrong direction is a bad PEC.
        let w = PecAddress {
            direction: Direction::Write,
            ..read_addr()
        };
        assert_eq!(
            Frame::parse(&buf[..n], Some(w)).unwrap().pec_ok(),
            Some(false)
        );
    }

    #[test]
    fn data_only_pec() {
        let mut buf = [0u8; 16];
        let n = Repr::default().emit_frame(&PACKET, &mut buf).unwrap();
        assert_eq!(buf[8], PEC_CRC.checksum(&PACKET));
        assert_eq!(Frame::parse(&buf[..n], None).unwrap().pec_ok(), Some(true));
    }

    #[test]
    fn bad_pec() {
        let mut buf = [0u8; 16];
        let n = Repr {
            pec_addr: Some(read_addr()),
        }
        .emit_frame(&PACKET, &mut buf)
        .unwrap();
        buf[n - 1] ^= 0xFF;
        let f = Frame::parse(&buf[..n], Some(read_addr())).unwrap();
        assert_eq!(f.pec_ok(), Some(false));
        assert!(Repr::parse(&Packet::new_checked(&buf[..n]).unwrap(), Some(read_addr())).is_err());
    }

    #[test]
    fn truncated_and_oversize() {
        assert!(matches!(
            Frame::parse(&[], None).unwrap_err().kind,
            ErrorKind::Truncated { .. }
        ));
        let f = Frame::parse(&[0x01, 0x02], None).unwrap();
        assert!(!f.warnings.is_empty());
        static BIG: [u8; MAX_FRAME_LEN + 1] = [0; MAX_FRAME_LEN + 1];
        assert!(matches!(
            Frame::parse(&BIG, None).unwrap_err().kind,
            ErrorKind::Oversize { .. }
        ));
        let mut out = [0u8; 4];
        assert!(Repr::default().emit_frame(&PACKET, &mut out).is_err());
    }

    use proptest::prelude::*;
    proptest! {
        #[test]
        fn round_trip(addr in proptest::option::of((0u8..0x80, any::<bool>())),
                      packet in proptest::collection::vec(any::<u8>(), 4..300)) {
            let pec_addr = addr.map(|(a, r)| PecAddress {
                dynamic_addr: a,
                direction: if r { Direction::Read } else { Direction::Write },
            });
            let r = Repr { pec_addr };
            let mut buf = [0u8; 310];
            let n = r.emit_frame(&packet, &mut buf).unwrap();
            let f = Frame::parse(&buf[..n], pec_addr).unwrap();
            prop_assert_eq!(f.packet, &packet[..]);
            prop_assert_eq!(f.pec_ok(), Some(true));
            prop_assert_eq!(Repr::parse(&Packet::new_checked(&buf[..n]).unwrap(), pec_addr).unwrap(), r);
        }
    }
}
