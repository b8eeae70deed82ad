//! USB transport binding (DSP0283 1.0): each MCTP packet in a bulk
//! transfer is preceded by a 4-byte header.
//!
//! ```text
//!  byte 0-1   DMTF ID 0x1AB4, big-endian
//!  byte 2     reserved
//!  byte 3     length = MCTP packet length + 4 (this header included)
//!  byte 4..   MCTP packet
//! ```
//!
//! Several packets may share one transfer, so decoding returns the packet
//! and the remainder ([`Frame::parse_with_rest`], [`Frames`]), like
//! mctp-estack's USB handler. DSP0283 1.1 widens the length to 13 bits; the
//! exact bit placement is unverified (bindings.md §6), so this module decodes
//! the 1.0 form only: a non-zero reserved byte is reported as a warning and
//! otherwise ignored. There is no integrity check at this layer.

use core::fmt;

use super::{out_room, Warnings};
use crate::describe::{Describe, Field, Value, Visitor};
use crate::error::{need, Error, ErrorKind, Layer, Result};

/// Byte positions.
pub mod field {
    /// DMTF ID, big-endian.
    pub const DMTF_ID: core::ops::Range<usize> = 0..2;
    /// Reserved.
    pub const RESERVED: usize = 2;
    /// Length (header included).
    pub const LENGTH: usize = 3;
    /// First MCTP packet byte.
    pub const PACKET_START: usize = 4;
}

/// DMTF's ID, also its PCI vendor ID.
pub const DMTF_ID: u16 = 0x1AB4;
/// Header length.
pub const HEADER_LEN: usize = 4;
/// Largest packet the 8-bit length can describe.
pub const MAX_PACKET_LEN: usize = 255 - HEADER_LEN;

/// A zero-copy view of one USB MCTP frame at the start of a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wrap without checking; accessors may panic on short buffers.
    pub const fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }
    /// Wrap after [`Packet::check_len`].
    pub fn new_checked(buffer: T) -> Result<Self> {
        let p = Packet { buffer };
        p.check_len()?;
        Ok(p)
    }
    /// The header is present, the length covers it, and the bytes it
    /// declares are present.
    pub fn check_len(&self) -> Result<()> {
        let b = self.buffer.as_ref();
        need(Layer::Usb, b, HEADER_LEN)?;
        let len = usize::from(self.length());
        if len < HEADER_LEN {
            return Err(Error::invalid(
                Layer::Usb,
                field::LENGTH,
                "length",
                len as u32,
                "at least 4 (the header)",
            ));
        }
        need(Layer::Usb, b, len)
    }
    /// Give back the buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }
    /// DMTF ID.
    pub fn dmtf_id(&self) -> u16 {
        let b = self.buffer.as_ref();
        u16::from_be_bytes([b[0], b[1]])
    }
    /// Reserved byte.
    pub fn reserved(&self) -> u8 {
        self.buffer.as_ref()[field::RESERVED]
    }
    /// Length, header included.
    pub fn length(&self) -> u8 {
        self.buffer.as_ref()[field::LENGTH]
    }
    /// The MCTP packet.
    pub fn mctp_packet(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..usize::from(self.length())]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Set the DMTF ID.
    pub fn set_dmtf_id(&mut self, v: u16) {
        self.buffer.as_mut()[field::DMTF_ID].copy_from_slice(&v.to_be_bytes());
    }
    /// Set the reserved byte.
    pub fn set_reserved(&mut self, v: u8) {
        self.buffer.as_mut()[field::RESERVED] = v;
    }
    /// Set the length.
    pub fn set_length(&mut self, v: u8) {
        self.buffer.as_mut()[field::LENGTH] = v;
    }
    /// The MCTP packet, writable.
    pub fn mctp_packet_mut(&mut self) -> &mut [u8] {
        let n = usize::from(self.length());
        &mut self.buffer.as_mut()[HEADER_LEN..n]
    }
}

/// USB framing as plain data (nothing varies but the packet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Repr {}

impl Repr {
    /// Strict parse: DMTF ID 0x1AB4 and reserved 0.
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        p.check_len()?;
        if p.dmtf_id() != DMTF_ID {
            return Err(Error::invalid(
                Layer::Usb,
                0,
                "dmtf_id",
                p.dmtf_id().into(),
                "0x1ab4 (DMTF)",
            ));
        }
        if p.reserved() != 0 {
            return Err(Error::invalid(
                Layer::Usb,
                field::RESERVED,
                "reserved",
                p.reserved().into(),
                "0",
            ));
        }
        Ok(Repr {})
    }

    /// Frame length for a packet of `packet_len` bytes.
    pub const fn buffer_len(&self, packet_len: usize) -> usize {
        HEADER_LEN + packet_len
    }

    /// Write the header for a packet of `packet_len` bytes.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet_len: usize, p: &mut Packet<T>) {
        p.set_dmtf_id(DMTF_ID);
        p.set_reserved(0);
        p.set_length((packet_len.min(MAX_PACKET_LEN) + HEADER_LEN) as u8);
    }

    /// Wrap `packet` into `buf`; returns the frame length. Append several
    /// frames to build a multi-packet transfer.
    pub fn emit_frame(&self, packet: &[u8], buf: &mut [u8]) -> Result<usize> {
        if packet.len() > MAX_PACKET_LEN {
            return Err(Error {
                layer: Layer::Usb,
                offset: field::LENGTH,
                kind: ErrorKind::Oversize {
                    max: MAX_PACKET_LEN,
                    actual: packet.len(),
                },
            });
        }
        let n = self.buffer_len(packet.len());
        out_room(Layer::Usb, buf, n)?;
        let mut p = Packet::new_unchecked(&mut buf[..n]);
        self.emit(packet.len(), &mut p);
        p.mctp_packet_mut().copy_from_slice(packet);
        Ok(n)
    }
}

/// One decoded USB frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    /// DMTF ID (always 0x1AB4 after a successful parse).
    pub dmtf_id: u16,
    /// Reserved byte.
    pub reserved: u8,
    /// Declared length (header included).
    pub length: u8,
    /// The MCTP packet (cut to the bytes present if the length overruns).
    pub packet: &'a [u8],
    /// Non-fatal problems.
    pub warnings: Warnings,
}

impl<'a> Frame<'a> {
    /// Decode the frame at the start of `bytes`. A wrong DMTF ID or a length
    /// below 4 is fatal (the length cannot be trusted to find the next
    /// frame); a length that overruns the input is a warning.
    pub fn parse(bytes: &'a [u8]) -> Result<Frame<'a>> {
        need(Layer::Usb, bytes, HEADER_LEN)?;
        let p = Packet::new_unchecked(bytes);
        if p.dmtf_id() != DMTF_ID {
            return Err(Error::invalid(
                Layer::Usb,
                0,
                "dmtf_id",
                p.dmtf_id().into(),
                "0x1ab4 (DMTF)",
            ));
        }
        let length = p.length();
        let len = usize::from(length);
        if len < HEADER_LEN {
            return Err(Error::invalid(
                Layer::Usb,
                field::LENGTH,
                "length",
                length.into(),
                "at least 4 (the header)",
            ));
        }
        let mut warnings = Warnings::default();
        if p.reserved() != 0 {
            warnings.push(Error::invalid(
                Layer::Usb,
                field::RESERVED,
                "reserved",
                p.reserved().into(),
                "0 (DSP0283 1.0; 1.1 widens the length, unverified)",
            ));
        }
        let end = if len > bytes.len() {
            warnings.push(Error {
                layer: Layer::Usb,
                offset: field::LENGTH,
                kind: ErrorKind::LengthMismatch {
                    field: "length",
                    declared: len,
                    actual: bytes.len(),
                },
            });
            bytes.len()
        } else {
            len
        };
        Ok(Frame {
            dmtf_id: p.dmtf_id(),
            reserved: p.reserved(),
            length,
            packet: &bytes[HEADER_LEN..end],
            warnings,
        })
    }

    /// Decode the frame at the start of `bytes` and return the rest of the
    /// transfer.
    pub fn parse_with_rest(bytes: &'a [u8]) -> Result<(Frame<'a>, &'a [u8])> {
        let f = Frame::parse(bytes)?;
        let rest = bytes.get(f.frame_len()..).unwrap_or(&[]);
        Ok((f, rest))
    }

    /// The MCTP packet.
    pub fn packet(&self) -> &'a [u8] {
        self.packet
    }

    /// Input bytes used.
    pub fn frame_len(&self) -> usize {
        HEADER_LEN + self.packet.len()
    }
}

/// Iterate over the frames of one transfer: yields each frame with its
/// offset; stops after the first error (which is yielded, offset-shifted).
#[derive(Debug, Clone)]
pub struct Frames<'a> {
    bytes: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> Frames<'a> {
    /// Frames of `transfer`.
    pub fn new(transfer: &'a [u8]) -> Self {
        Frames {
            bytes: transfer,
            pos: 0,
            done: false,
        }
    }
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<(usize, Frame<'a>)>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.pos >= self.bytes.len() {
            return None;
        }
        let at = self.pos;
        match Frame::parse(&self.bytes[at..]) {
            Ok(f) => {
                self.pos += f.frame_len();
                Some(Ok((at, f)))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e.shift(at)))
            }
        }
    }
}

impl Describe for Frame<'_> {
    fn layer(&self) -> Layer {
        Layer::Usb
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, "USB len={}", self.length)
    }

    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::new("dmtf_id", 0, 2, Value::hex16(self.dmtf_id)).meaning(Some("DMTF")));
        v.field(&Field::new(
            "reserved",
            field::RESERVED,
            1,
            Value::hex8(self.reserved),
        ));
        v.field(
            &Field::new("length", field::LENGTH, 1, Value::Uint(self.length.into()))
                .meaning(Some("MCTP packet + 4-byte header")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P1: [u8; 6] = [0x01, 0x08, 0x09, 0xc8, 0x00, 0x82];
    const P2: [u8; 5] = [0x01, 0x09, 0x08, 0xc0, 0x00];

    // Hand-built transfer with two packets.
    const TRANSFER: [u8; 19] = [
        0x1a, 0xb4, 0x00, 0x0a, 0x01, 0x08, 0x09, 0xc8, 0x00, 0x82, //
        0x1a, 0xb4, 0x00, 0x09, 0x01, 0x09, 0x08, 0xc0, 0x00,
    ];

    #[test]
    fn decode_two_packets() {
        let (f, rest) = Frame::parse_with_rest(&TRANSFER).unwrap();
        assert_eq!(f.length, 10);
        assert_eq!(f.packet, &P1);
        let (g, rest) = Frame::parse_with_rest(rest).unwrap();
        assert_eq!(g.packet, &P2);
        assert!(rest.is_empty());
        let all: [(usize, usize); 2] = {
            let mut it = Frames::new(&TRANSFER).map(|r| r.map(|(o, f)| (o, f.packet.len())));
            [it.next().unwrap().unwrap(), it.next().unwrap().unwrap()]
        };
        assert_eq!(all, [(0, 6), (10, 5)]);
        assert!(Frames::new(&TRANSFER).nth(2).is_none());
    }

    #[test]
    fn encode_transfer() {
        let mut buf = [0u8; 32];
        let n = Repr {}.emit_frame(&P1, &mut buf).unwrap();
        let m = Repr {}.emit_frame(&P2, &mut buf[n..]).unwrap();
        assert_eq!(&buf[..n + m], &TRANSFER);
    }

    #[test]
    fn errors() {
        assert!(matches!(
            Frame::parse(&TRANSFER[..3]).unwrap_err().kind,
            ErrorKind::Truncated { .. }
        ));
        let mut b = TRANSFER;
        b[0] = 0x1b;
        assert!(Frame::parse(&b).is_err());
        let mut b = TRANSFER;
        b[3] = 3;
        assert!(Frame::parse(&b).is_err());
        // overrun: warning and the bytes present
        let f = Frame::parse(&TRANSFER[..8]).unwrap();
        assert_eq!(f.packet.len(), 4);
        assert!(!f.warnings.is_empty());
        assert!(Packet::new_checked(&TRANSFER[..8]).is_err());
        // error after a good frame is shifted
        let mut b = TRANSFER;
        b[10] = 0;
        let mut it = Frames::new(&b);
        assert!(it.next().unwrap().is_ok());
        assert_eq!(it.next().unwrap().unwrap_err().offset, 10);
        assert!(it.next().is_none());
        // reserved non-zero: warning, strict parse refuses
        let mut b = TRANSFER;
        b[2] = 1;
        assert!(!Frame::parse(&b).unwrap().warnings.is_empty());
        assert!(Repr::parse(&Packet::new_checked(&b[..]).unwrap()).is_err());
        // oversize
        let big = [0u8; MAX_PACKET_LEN + 1];
        let mut out = [0u8; 300];
        assert!(Repr {}.emit_frame(&big, &mut out).is_err());
        assert_eq!(Repr {}.emit_frame(&big[1..], &mut out).unwrap(), 255);
    }

    use proptest::prelude::*;
    proptest! {
        #[test]
        fn round_trip(packets in proptest::collection::vec(
                proptest::collection::vec(any::<u8>(), 0..=MAX_PACKET_LEN), 1..4)) {
            let mut buf = [0u8; 1024];
            let mut n = 0;
            for p in &packets {
                n += Repr {}.emit_frame(p, &mut buf[n..]).unwrap();
            }
            let mut count = 0;
            for (r, p) in Frames::new(&buf[..n]).zip(&packets) {
                let (_, f) = r.unwrap();
                prop_assert_eq!(f.packet, &p[..]);
                prop_assert!(f.warnings.is_empty());
                count += 1;
            }
            prop_assert_eq!(count, packets.len());
            prop_assert_eq!(Repr::parse(&Packet::new_checked(&buf[..n]).unwrap()).unwrap(), Repr {});
        }
    }
}
