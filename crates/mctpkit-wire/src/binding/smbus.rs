//! SMBus/I2C transport binding (DSP0237 §6): one MCTP packet per SMBus
//! block write.
//!
//! ```text
//!  byte 0     destination slave address, 8-bit form (addr7 << 1) | 0 (write)
//!  byte 1     command code 0x0F (MCTP)
//!  byte 2     byte count: bytes that follow, excluding the PEC
//!             = 1 (source byte) + MCTP packet length
//!  byte 3     source slave address, 8-bit form (addr7 << 1) | 1
//!  byte 4..   MCTP packet (transport header + payload)
//!  last       PEC: CRC-8/SMBUS over bytes 0 .. end of the MCTP packet
//! ```
//!
//! The "no destination" form ([`Frame::parse_no_dest`]) starts at the command
//! code: IPMI Master Write-Read and some mailbox transports hand over the
//! block without the address byte. The PEC still covers the destination
//! byte, so it can only be verified when the caller supplies the address.
//!
//! Decoding is lax like an analyser should be: a wrong command code, a
//! destination with the R/W bit set, a source without bit 0, a missing PEC
//! or a byte count that disagrees with the bytes present are reported as
//! [`Frame::warnings`] and the packet is still decoded. Only too few bytes
//! for the 4-byte block header (3 without destination) is fatal.

use core::fmt;

use super::{out_room, stack_fmt, Integrity, Warnings, PEC_CRC};
use crate::describe::{Describe, Field, Value, Visitor};
use crate::error::{need, Error, ErrorKind, Layer, Result};

/// Byte positions in the full form (with the destination byte).
pub mod field {
    /// Destination slave address, 8-bit form.
    pub const DST: usize = 0;
    /// Command code.
    pub const COMMAND: usize = 1;
    /// Byte count.
    pub const BYTE_COUNT: usize = 2;
    /// Source slave address, 8-bit form.
    pub const SRC: usize = 3;
    /// First MCTP packet byte.
    pub const PACKET: usize = 4;
}

/// Command code for MCTP over SMBus (DSP0237 §6.1).
pub const COMMAND_MCTP: u8 = 0x0F;
/// Bytes before the MCTP packet (destination, command, count, source).
pub const HEADER_LEN: usize = 4;
/// Length of the PEC trailer.
pub const PEC_LEN: usize = 1;
/// Largest MCTP packet a block write can carry: the byte count is one byte
/// and includes the source address byte.
pub const MAX_PACKET_LEN: usize = 254;

/// The 8-bit destination byte for a 7-bit address (R/W = 0, write).
pub const fn dst_byte(addr7: u8) -> u8 {
    addr7 << 1
}

/// The 8-bit source byte for a 7-bit address (bit 0 always 1).
pub const fn src_byte(addr7: u8) -> u8 {
    (addr7 << 1) | 1
}

/// PEC over `[dst, command, count, src, packet...]`.
pub fn pec(dst8: u8, rest: &[u8]) -> u8 {
    let mut d = PEC_CRC.digest();
    d.update(&[dst8]);
    d.update(rest);
    d.finalize()
}

/// A zero-copy view of a full SMBus frame (starting with the destination byte).
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

    /// Check that the header, the packet the byte count declares and the
    /// PEC are present. A byte count of 0 (no room for the source byte) is
    /// invalid.
    pub fn check_len(&self) -> Result<()> {
        let b = self.buffer.as_ref();
        need(Layer::Smbus, b, HEADER_LEN)?;
        if b[field::BYTE_COUNT] == 0 {
            return Err(Error::invalid(
                Layer::Smbus,
                field::BYTE_COUNT,
                "byte_count",
                0,
                "at least 1 (the source address byte)",
            ));
        }
        need(Layer::Smbus, b, self.total_len())
    }

    /// Give back the buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn b(&self, i: usize) -> u8 {
        self.buffer.as_ref()[i]
    }

    /// Destination byte (8-bit form).
    pub fn dst_addr(&self) -> u8 {
        self.b(field::DST)
    }
    /// Command code.
    pub fn command(&self) -> u8 {
        self.b(field::COMMAND)
    }
    /// Byte count.
    pub fn byte_count(&self) -> u8 {
        self.b(field::BYTE_COUNT)
    }
    /// Source byte (8-bit form).
    pub fn src_addr(&self) -> u8 {
        self.b(field::SRC)
    }
    /// MCTP packet length the byte count declares.
    pub fn packet_len(&self) -> usize {
        usize::from(self.byte_count()).saturating_sub(1)
    }
    /// Frame length with PEC the byte count declares.
    pub fn total_len(&self) -> usize {
        HEADER_LEN + self.packet_len() + PEC_LEN
    }
    /// The MCTP packet.
    pub fn mctp_packet(&self) -> &[u8] {
        &self.buffer.as_ref()[field::PACKET..field::PACKET + self.packet_len()]
    }
    /// The PEC byte.
    pub fn pec(&self) -> u8 {
        self.b(HEADER_LEN + self.packet_len())
    }
    /// The PEC computed over the frame.
    pub fn computed_pec(&self) -> u8 {
        PEC_CRC.checksum(&self.buffer.as_ref()[..HEADER_LEN + self.packet_len()])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn b_mut(&mut self, i: usize) -> &mut u8 {
        &mut self.buffer.as_mut()[i]
    }
    /// Set the destination byte (8-bit form).
    pub fn set_dst_addr(&mut self, v: u8) {
        *self.b_mut(field::DST) = v;
    }
    /// Set the command code.
    pub fn set_command(&mut self, v: u8) {
        *self.b_mut(field::COMMAND) = v;
    }
    /// Set the byte count.
    pub fn set_byte_count(&mut self, v: u8) {
        *self.b_mut(field::BYTE_COUNT) = v;
    }
    /// Set the source byte (8-bit form).
    pub fn set_src_addr(&mut self, v: u8) {
        *self.b_mut(field::SRC) = v;
    }
    /// The MCTP packet, writable.
    pub fn mctp_packet_mut(&mut self) -> &mut [u8] {
        let n = self.packet_len();
        &mut self.buffer.as_mut()[field::PACKET..field::PACKET + n]
    }
    /// Compute and store the PEC.
    pub fn fill_pec(&mut self) {
        let pec = self.computed_pec();
        let at = HEADER_LEN + self.packet_len();
        *self.b_mut(at) = pec;
    }
}

/// The addressing of an SMBus frame as plain data (7-bit addresses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Repr {
    /// 7-bit destination slave address.
    pub dst_addr: u8,
    /// 7-bit source slave address.
    pub src_addr: u8,
}

impl Repr {
    /// Strict parse of a checked view: command 0x0F, destination R/W bit 0,
    /// source bit 0 set and a matching PEC. The lax decoder is [`Frame`].
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        p.check_len()?;
        if p.command() != COMMAND_MCTP {
            return Err(Error::invalid(
                Layer::Smbus,
                field::COMMAND,
                "command",
                p.command().into(),
                "0x0f (MCTP)",
            ));
        }
        if p.dst_addr() & 1 != 0 {
            return Err(Error::invalid(
                Layer::Smbus,
                field::DST,
                "dst_addr",
                p.dst_addr().into(),
                "R/W bit 0 (write)",
            ));
        }
        if p.src_addr() & 1 != 1 {
            return Err(Error::invalid(
                Layer::Smbus,
                field::SRC,
                "src_addr",
                p.src_addr().into(),
                "bit 0 set",
            ));
        }
        if p.pec() != p.computed_pec() {
            return Err(Error::invalid(
                Layer::Smbus,
                HEADER_LEN + p.packet_len(),
                "pec",
                p.pec().into(),
                "the CRC-8/SMBUS of the frame",
            ));
        }
        Ok(Repr {
            dst_addr: p.dst_addr() >> 1,
            src_addr: p.src_addr() >> 1,
        })
    }

    /// Bytes of a full frame around an MCTP packet of `packet_len` bytes.
    pub const fn buffer_len(&self, packet_len: usize) -> usize {
        HEADER_LEN + packet_len + PEC_LEN
    }

    /// Write the header for a packet of `packet_len` bytes into a view
    /// (the packet and PEC are the caller's; see [`Packet::fill_pec`]).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet_len: usize, p: &mut Packet<T>) {
        p.set_dst_addr(dst_byte(self.dst_addr));
        p.set_command(COMMAND_MCTP);
        p.set_byte_count((packet_len.min(MAX_PACKET_LEN) + 1) as u8);
        p.set_src_addr(src_byte(self.src_addr));
    }

    fn check_packet(packet: &[u8]) -> Result<()> {
        if packet.len() > MAX_PACKET_LEN {
            return Err(Error {
                layer: Layer::Smbus,
                offset: field::BYTE_COUNT,
                kind: ErrorKind::Oversize {
                    max: MAX_PACKET_LEN,
                    actual: packet.len(),
                },
            });
        }
        Ok(())
    }

    /// Wrap `packet` into a full frame in `buf` (header, packet, PEC);
    /// returns the frame length.
    pub fn emit_frame(&self, packet: &[u8], buf: &mut [u8]) -> Result<usize> {
        Self::check_packet(packet)?;
        let n = self.buffer_len(packet.len());
        out_room(Layer::Smbus, buf, n)?;
        let mut p = Packet::new_unchecked(&mut buf[..n]);
        self.emit(packet.len(), &mut p);
        p.mctp_packet_mut().copy_from_slice(packet);
        p.fill_pec();
        Ok(n)
    }

    /// Wrap `packet` into the form without the destination byte (starting at
    /// the command code); the PEC still covers the destination byte.
    pub fn emit_frame_no_dest(&self, packet: &[u8], buf: &mut [u8]) -> Result<usize> {
        Self::check_packet(packet)?;
        let n = self.buffer_len(packet.len()) - 1;
        out_room(Layer::Smbus, buf, n)?;
        buf[0] = COMMAND_MCTP;
        buf[1] = (packet.len() + 1) as u8;
        buf[2] = src_byte(self.src_addr);
        buf[3..3 + packet.len()].copy_from_slice(packet);
        buf[n - 1] = pec(dst_byte(self.dst_addr), &buf[..n - 1]);
        Ok(n)
    }
}

/// A decoded SMBus frame (either form) with its verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The frame bytes this decode used.
    pub bytes: &'a [u8],
    /// `true` for the full form (first byte is the destination address).
    pub has_dst: bool,
    /// Destination byte (8-bit form): from the wire, or built from the
    /// caller's address for the no-destination form.
    pub dst_addr: Option<u8>,
    /// Command code.
    pub command: u8,
    /// Byte count as declared.
    pub byte_count: u8,
    /// Source byte (8-bit form).
    pub src_addr: u8,
    /// The MCTP packet (what the byte count declares, cut to the bytes present).
    pub packet: &'a [u8],
    /// PEC found on the wire, `None` when missing.
    pub pec: Option<u8>,
    /// PEC computed over the frame, `None` when the destination is unknown.
    pub computed_pec: Option<u8>,
    /// Input bytes used.
    pub frame_len: usize,
    /// Non-fatal problems.
    pub warnings: Warnings,
}

impl<'a> Frame<'a> {
    /// Decode the full form (starting with the destination address byte).
    pub fn parse(bytes: &'a [u8]) -> Result<Frame<'a>> {
        need(Layer::Smbus, bytes, HEADER_LEN)?;
        Self::decode(bytes, true, Some(bytes[field::DST]))
    }

    /// Decode the form without the destination byte (starting at the command
    /// code). `dst_addr` is the 7-bit destination if known; without it the
    /// PEC is reported but not verified.
    pub fn parse_no_dest(bytes: &'a [u8], dst_addr: Option<u8>) -> Result<Frame<'a>> {
        need(Layer::Smbus, bytes, HEADER_LEN - 1)?;
        Self::decode(bytes, false, dst_addr.map(dst_byte))
    }

    /// Offset of a full-form field in this frame's bytes.
    const fn at(has_dst: bool, full_offset: usize) -> usize {
        if has_dst {
            full_offset
        } else {
            full_offset - 1
        }
    }

    fn decode(bytes: &'a [u8], has_dst: bool, dst: Option<u8>) -> Result<Frame<'a>> {
        let at = |o| Self::at(has_dst, o);
        let command = bytes[at(field::COMMAND)];
        let byte_count = bytes[at(field::BYTE_COUNT)];
        let src = bytes[at(field::SRC)];
        let start = at(field::PACKET);
        let mut w = Warnings::default();
        if command != COMMAND_MCTP {
            w.push(Error::invalid(
                Layer::Smbus,
                at(field::COMMAND),
                "command",
                command.into(),
                "0x0f (MCTP)",
            ));
        }
        if has_dst {
            if let Some(d) = dst {
                if d & 1 != 0 {
                    w.push(Error::invalid(
                        Layer::Smbus,
                        field::DST,
                        "dst_addr",
                        d.into(),
                        "R/W bit 0 (write)",
                    ));
                }
            }
        }
        if src & 1 != 1 {
            w.push(Error::invalid(
                Layer::Smbus,
                at(field::SRC),
                "src_addr",
                src.into(),
                "bit 0 set",
            ));
        }
        if byte_count == 0 {
            w.push(Error::invalid(
                Layer::Smbus,
                at(field::BYTE_COUNT),
                "byte_count",
                0,
                "at least 1 (the source address byte)",
            ));
        }
        let declared = usize::from(byte_count).saturating_sub(1);
        let present = bytes.len() - start;
        let (packet_len, found_pec, frame_len) = if present > declared {
            // Packet and PEC are there; anything after them is trailing.
            let end = start + declared + PEC_LEN;
            if bytes.len() > end {
                w.push(Error {
                    layer: Layer::Smbus,
                    offset: end,
                    kind: ErrorKind::Trailing {
                        extra: bytes.len() - end,
                    },
                });
            }
            (declared, Some(bytes[start + declared]), end)
        } else if present == declared {
            w.push(Error::truncated(
                Layer::Smbus,
                start + declared + PEC_LEN,
                bytes.len(),
            ));
            (declared, None, bytes.len())
        } else {
            // Fewer bytes than declared: decode what is there, no PEC.
            w.push(Error {
                layer: Layer::Smbus,
                offset: at(field::BYTE_COUNT),
                kind: ErrorKind::LengthMismatch {
                    field: "byte_count",
                    declared: usize::from(byte_count),
                    actual: present + 1,
                },
            });
            (present, None, bytes.len())
        };
        let covered = &bytes[..start + packet_len];
        let computed_pec = match (has_dst, dst) {
            (true, _) => Some(PEC_CRC.checksum(covered)),
            (false, Some(d)) => Some(pec(d, covered)),
            (false, None) => None,
        };
        Ok(Frame {
            bytes: &bytes[..frame_len],
            has_dst,
            dst_addr: dst,
            command,
            byte_count,
            src_addr: src,
            packet: &bytes[start..start + packet_len],
            pec: found_pec,
            computed_pec,
            frame_len,
            warnings: w,
        })
    }

    /// The MCTP packet.
    pub fn packet(&self) -> &'a [u8] {
        self.packet
    }

    /// Offset of the MCTP packet in the frame bytes.
    pub fn packet_offset(&self) -> usize {
        Self::at(self.has_dst, field::PACKET)
    }

    /// The PEC verdict, when both the PEC and the destination are known.
    pub fn integrity(&self) -> Option<Integrity> {
        match (self.pec, self.computed_pec) {
            (Some(found), Some(computed)) => Some(Integrity {
                layer: Layer::Smbus,
                name: "pec",
                found: found.into(),
                computed: computed.into(),
            }),
            _ => None,
        }
    }

    /// `Some(true)` when the PEC matches, `None` when it cannot be checked.
    pub fn pec_ok(&self) -> Option<bool> {
        self.integrity().map(|i| i.ok())
    }

    /// The addressing as plain data (7-bit addresses), when the destination
    /// is known.
    pub fn repr(&self) -> Option<Repr> {
        self.dst_addr.map(|d| Repr {
            dst_addr: d >> 1,
            src_addr: self.src_addr >> 1,
        })
    }
}

impl Describe for Frame<'_> {
    fn layer(&self) -> Layer {
        Layer::Smbus
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        w.write_str("SMBus ")?;
        match self.dst_addr {
            Some(d) => write!(w, "{:#04x}", d >> 1)?,
            None => w.write_str("?")?,
        }
        write!(w, "<-{:#04x}", self.src_addr >> 1)?;
        match (self.pec, self.computed_pec) {
            (Some(f), Some(c)) if f == c => w.write_str(" PEC ok"),
            (Some(f), Some(c)) => write!(w, " PEC BAD (found {f:#04x}, computed {c:#04x})"),
            (Some(f), None) => write!(w, " PEC {f:#04x} unchecked"),
            (None, _) => w.write_str(" no PEC"),
        }
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let at = |o| Self::at(self.has_dst, o);
        if let Some(d) = self.dst_addr {
            let m = stack_fmt!(
                40,
                "7-bit {:#04x}, {}{}",
                d >> 1,
                if d & 1 == 0 { "write" } else { "read!" },
                if self.has_dst {
                    ""
                } else {
                    " (given, not on wire)"
                }
            );
            let f = if self.has_dst {
                Field::new("dst_addr", field::DST, 1, Value::hex8(d))
            } else {
                Field::derived("dst_addr", Value::hex8(d))
            };
            v.field(&f.meaning(Some(m.as_str())));
        } else {
            v.field(&Field::derived("dst_addr", Value::Null).meaning(Some("not in this form")));
        }
        v.field(
            &Field::new("command", at(field::COMMAND), 1, Value::hex8(self.command)).meaning(
                if self.command == COMMAND_MCTP {
                    Some("MCTP")
                } else {
                    Some("not MCTP")
                },
            ),
        );
        v.field(&Field::new(
            "byte_count",
            at(field::BYTE_COUNT),
            1,
            Value::Uint(self.byte_count.into()),
        ));
        let m = stack_fmt!(
            32,
            "7-bit {:#04x}{}",
            self.src_addr >> 1,
            if self.src_addr & 1 == 1 {
                ""
            } else {
                ", bit 0 clear!"
            }
        );
        v.field(
            &Field::new("src_addr", at(field::SRC), 1, Value::hex8(self.src_addr))
                .meaning(Some(m.as_str())),
        );
        let pec_at = self.packet_offset() + self.packet.len();
        match self.pec {
            Some(p) => v.field(&Field::new("pec", pec_at, 1, Value::hex8(p))),
            None => v.field(&Field::derived("pec", Value::Null).meaning(Some("missing"))),
        }
        if let Some(c) = self.computed_pec {
            v.field(&Field::derived("pec_computed", Value::hex8(c)));
        }
        match self.pec_ok() {
            Some(ok) => v.field(&Field::derived("pec_ok", Value::Bool(ok))),
            None => v.field(&Field::derived("pec_ok", Value::Null).meaning(Some(
                if self.pec.is_none() {
                    "no PEC"
                } else {
                    "destination address unknown"
                },
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mctp;

    // bindings.md §2.2 (pymctp README): Set Endpoint ID response.
    const RSP: [u8; 16] = [
        0x20, 0x0F, 0x0C, 0x65, 0x01, 0x0A, 0x43, 0xD0, 0x00, 0x1A, 0x01, 0x00, 0x00, 0x43, 0x00,
        0xF4,
    ];
    // Set Endpoint ID request.
    const REQ: [u8; 14] = [
        0x64, 0x0F, 0x0A, 0x21, 0x01, 0x00, 0x0A, 0xCF, 0x00, 0x91, 0x01, 0x00, 0x1D, 0xFC,
    ];

    #[test]
    fn decode_response_fixture() {
        let f = Frame::parse(&RSP).unwrap();
        assert_eq!(f.dst_addr, Some(0x20));
        assert_eq!(
            f.repr(),
            Some(Repr {
                dst_addr: 0x10,
                src_addr: 0x32
            })
        );
        assert_eq!(f.command, 0x0F);
        assert_eq!(f.byte_count, 12);
        assert_eq!(f.packet, &RSP[4..15]);
        assert_eq!(f.pec, Some(0xF4));
        assert_eq!(f.pec_ok(), Some(true));
        assert!(f.warnings.is_empty());
        assert_eq!(f.frame_len, 16);
        let h = mctp::Repr::parse_bytes(f.packet).unwrap();
        assert_eq!(
            (h.dst, h.src, h.som, h.eom, h.seq, h.to, h.tag),
            (0x0A, 0x43, true, true, 1, false, 0)
        );
        let p = Packet::new_checked(&RSP[..]).unwrap();
        assert_eq!(
            Repr::parse(&p).unwrap(),
            Repr {
                dst_addr: 0x10,
                src_addr: 0x32
            }
        );
    }

    #[test]
    fn decode_request_fixture() {
        let f = Frame::parse(&REQ).unwrap();
        assert_eq!(
            f.repr(),
            Some(Repr {
                dst_addr: 0x32,
                src_addr: 0x10
            })
        );
        assert_eq!(f.byte_count, 10);
        assert_eq!(f.pec, Some(0xFC));
        assert_eq!(f.pec_ok(), Some(true));
        let h = mctp::Repr::parse_bytes(f.packet).unwrap();
        assert_eq!((h.dst, h.src, h.to, h.tag), (0x00, 0x0A, true, 7));
    }

    #[test]
    fn encode_fixtures() {
        let mut buf = [0u8; 32];
        let n = Repr {
            dst_addr: 0x10,
            src_addr: 0x32,
        }
        .emit_frame(&RSP[4..15], &mut buf)
        .unwrap();
        assert_eq!(&buf[..n], &RSP);
        let n = Repr {
            dst_addr: 0x32,
            src_addr: 0x10,
        }
        .emit_frame(&REQ[4..13], &mut buf)
        .unwrap();
        assert_eq!(&buf[..n], &REQ);
        // cross-check frame from bindings.md §2.1: PEC 0x5C
        let n = Repr {
            dst_addr: 0x10,
            src_addr: 0x08,
        }
        .emit_frame(&[0x01, 0x08, 0x09, 0xc8, 0x00], &mut buf)
        .unwrap();
        assert_eq!(
            &buf[..n],
            &[
                0x20,
                0x0f,
                0x06,
                0x11,
                0x01,
                0x08,
                0x09,
                0xc8,
                0x00,
                buf[n - 1]
            ]
        );
        assert!(Frame::parse(&buf[..n]).unwrap().pec_ok().unwrap());
    }

    #[test]
    fn no_dest_form() {
        let f = Frame::parse_no_dest(&RSP[1..], None).unwrap();
        assert_eq!(f.packet, &RSP[4..15]);
        assert_eq!(f.pec, Some(0xF4));
        assert_eq!(f.integrity(), None);
        assert_eq!(f.packet_offset(), 3);
        let f = Frame::parse_no_dest(&RSP[1..], Some(0x10)).unwrap();
        assert_eq!(f.pec_ok(), Some(true));
        let f = Frame::parse_no_dest(&RSP[1..], Some(0x11)).unwrap();
        assert_eq!(f.pec_ok(), Some(false));
        let mut buf = [0u8; 32];
        let n = Repr {
            dst_addr: 0x10,
            src_addr: 0x32,
        }
        .emit_frame_no_dest(&RSP[4..15], &mut buf)
        .unwrap();
        assert_eq!(&buf[..n], &RSP[1..]);
    }

    #[test]
    fn bad_pec_is_reported() {
        let mut b = RSP;
        b[15] = 0x12;
        let f = Frame::parse(&b).unwrap();
        let i = f.integrity().unwrap();
        assert!(!i.ok());
        assert_eq!((i.found, i.computed), (0x12, 0xF4));
        let mut s = crate::binding::StackStr::<80>::new();
        f.summary(&mut s).unwrap();
        assert_eq!(
            s.as_str(),
            "SMBus 0x10<-0x32 PEC BAD (found 0x12, computed 0xf4)"
        );
        assert!(Repr::parse(&Packet::new_unchecked(&b[..])).is_err());
    }

    #[test]
    fn conventions_and_command_are_warnings() {
        let mut b = RSP;
        b[0] |= 1; // read bit on destination
        b[1] = 0x0E;
        b[3] &= !1; // source bit 0 clear
        let n = b.len();
        b[n - 1] = PEC_CRC.checksum(&b[..n - 1]);
        let f = Frame::parse(&b).unwrap();
        assert_eq!(f.pec_ok(), Some(true));
        let fields: [&str; 3] = ["command", "dst_addr", "src_addr"];
        let got: heapless_names::Names = f.warnings.iter().collect();
        for name in fields {
            assert!(got.contains(name), "{name}");
        }
    }

    mod heapless_names {
        use crate::error::{Error, ErrorKind};
        pub struct Names([&'static str; 6], usize);
        impl Names {
            pub fn contains(&self, n: &str) -> bool {
                self.0[..self.1].contains(&n)
            }
        }
        impl FromIterator<Error> for Names {
            fn from_iter<I: IntoIterator<Item = Error>>(it: I) -> Self {
                let mut n = Names([""; 6], 0);
                for e in it {
                    if let ErrorKind::Invalid { field, .. } = e.kind {
                        n.0[n.1] = field;
                        n.1 += 1;
                    }
                }
                n
            }
        }
    }

    #[test]
    fn missing_pec_and_short_frames() {
        let f = Frame::parse(&RSP[..15]).unwrap();
        assert_eq!(f.pec, None);
        assert_eq!(f.integrity(), None);
        assert!(matches!(
            f.warnings.iter().next().unwrap().kind,
            ErrorKind::Truncated {
                needed: 16,
                available: 15
            }
        ));
        let f = Frame::parse(&RSP[..10]).unwrap();
        assert_eq!(f.packet, &RSP[4..10]);
        assert!(matches!(
            f.warnings.iter().next().unwrap().kind,
            ErrorKind::LengthMismatch {
                declared: 12,
                actual: 7,
                ..
            }
        ));
        for n in 0..4 {
            assert!(matches!(
                Frame::parse(&RSP[..n]).unwrap_err().kind,
                ErrorKind::Truncated { .. }
            ));
            assert!(Frame::parse_no_dest(&RSP[1..1 + n.min(2)], None).is_err());
        }
        assert!(Packet::new_checked(&RSP[..15]).is_err());
    }

    #[test]
    fn trailing_bytes_are_reported() {
        let mut b = [0u8; 18];
        b[..16].copy_from_slice(&RSP);
        let f = Frame::parse(&b).unwrap();
        assert_eq!(f.frame_len, 16);
        assert_eq!(f.pec_ok(), Some(true));
        assert!(matches!(
            f.warnings.iter().next().unwrap().kind,
            ErrorKind::Trailing { extra: 2 }
        ));
    }

    #[test]
    fn oversize_packet_rejected_on_encode() {
        let big = [0u8; MAX_PACKET_LEN + 1];
        let mut buf = [0u8; 300];
        assert!(matches!(
            Repr::default().emit_frame(&big, &mut buf).unwrap_err().kind,
            ErrorKind::Oversize { .. }
        ));
        let ok = [0u8; MAX_PACKET_LEN];
        let n = Repr::default().emit_frame(&ok, &mut buf).unwrap();
        assert_eq!(buf[2], 255);
        assert_eq!(
            Frame::parse(&buf[..n]).unwrap().packet.len(),
            MAX_PACKET_LEN
        );
        assert!(Repr::default().emit_frame(&ok, &mut buf[..10]).is_err());
    }

    use proptest::prelude::*;
    proptest! {
        #[test]
        fn round_trip(dst in 0u8..0x80, src in 0u8..0x80,
                      packet in proptest::collection::vec(any::<u8>(), 0..=MAX_PACKET_LEN)) {
            let r = Repr { dst_addr: dst, src_addr: src };
            let mut buf = [0u8; 300];
            let n = r.emit_frame(&packet, &mut buf).unwrap();
            prop_assert_eq!(n, r.buffer_len(packet.len()));
            let f = Frame::parse(&buf[..n]).unwrap();
            prop_assert_eq!(f.packet, &packet[..]);
            prop_assert_eq!(f.pec_ok(), Some(true));
            prop_assert!(f.warnings.is_empty());
            prop_assert_eq!(f.repr(), Some(r));
            prop_assert_eq!(Repr::parse(&Packet::new_checked(&buf[..n]).unwrap()).unwrap(), r);
            let n = r.emit_frame_no_dest(&packet, &mut buf).unwrap();
            let f = Frame::parse_no_dest(&buf[..n], Some(dst)).unwrap();
            prop_assert_eq!(f.packet, &packet[..]);
            prop_assert_eq!(f.pec_ok(), Some(true));
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = Frame::parse(&bytes);
            let _ = Frame::parse_no_dest(&bytes, Some(0x10));
            if let Ok(p) = Packet::new_checked(&bytes[..]) {
                let _ = Repr::parse(&p);
            }
        }
    }
}
