//! MCTP over SMBus relayed through IPMI Master Write-Read (IPMI v2.0
//! §22.11; upper-layers.md §5.2), the form BMC audit logs record.
//!
//! ```text
//!  byte 0    [7:2] NetFn (0x06 App request, 0x07 response)  [1:0] LUN
//!  byte 1    command 0x52 (Master Write-Read)
//!  request:
//!  byte 2    [7:4] channel  [3:1] bus ID  [0] bus type (0 public, 1 private)
//!  byte 3    target slave address, 8-bit form (addr7 << 1, R/W 0)
//!  byte 4    read count
//!  byte 5..  write data: an SMBus MCTP frame without the destination byte,
//!            `0x0F, byte count, source address, MCTP packet [, PEC]`
//!  response:
//!  byte 2    completion code
//!  byte 3..  read data
//! ```
//!
//! The slave address is the SMBus destination the frame omits, so the
//! write data is decoded with [`smbus::Frame::parse_no_dest`] given that
//! address and the PEC (which covers the destination byte) is verified.
//! pymctp emits these frames without a PEC; that decodes with a "no PEC"
//! warning. Offsets of the embedded SMBus fields count from byte 0 of the
//! IPMI message.

use core::fmt;

use super::{out_room, smbus, stack_fmt, Integrity, Warnings};
use crate::describe::{Describe, Field, Group, Shifted, Value, Visitor};
use crate::error::{need, Error, Layer, Result};

/// Byte positions.
pub mod field {
    /// NetFn and LUN.
    pub const NETFN_LUN: usize = 0;
    pub const COMMAND: usize = 1;
    /// Request: channel, bus ID, bus type.
    pub const BUS: usize = 2;
    /// Request: slave address (8-bit form).
    pub const SLAVE_ADDR: usize = 3;
    /// Request: read count.
    pub const READ_COUNT: usize = 4;
    /// Request: write data (the SMBus frame without destination).
    pub const WRITE_DATA: usize = 5;
    /// Response: completion code.
    pub const COMPLETION: usize = 2;
    /// Response: read data.
    pub const READ_DATA: usize = 3;
}

/// NetFn App (request).
pub const NETFN_APP: u8 = 0x06;
/// NetFn App response.
pub const NETFN_APP_RESPONSE: u8 = 0x07;
/// Master Write-Read command.
pub const CMD_MASTER_WRITE_READ: u8 = 0x52;
/// Request bytes before the write data.
pub const REQUEST_HEADER_LEN: usize = 5;
/// Response bytes before the read data.
pub const RESPONSE_HEADER_LEN: usize = 3;

/// The request fields as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Repr {
    /// IPMI LUN.
    pub lun: u8,
    /// Channel number, 0..15.
    pub channel: u8,
    /// Bus ID, 0..7.
    pub bus_id: u8,
    /// Private bus (bus type 1).
    pub private_bus: bool,
    /// 7-bit target address (the SMBus destination).
    pub slave_addr: u8,
    /// Bytes to read after the write.
    pub read_count: u8,
    /// 7-bit SMBus source address written in the frame.
    pub src_addr: u8,
}

impl Repr {
    /// The bus byte.
    pub const fn bus_byte(&self) -> u8 {
        ((self.channel & 0x0F) << 4) | ((self.bus_id & 0x07) << 1) | (self.private_bus as u8)
    }

    /// Bytes of a request carrying an MCTP packet of `packet_len` bytes
    /// (with a PEC).
    pub const fn buffer_len(&self, packet_len: usize) -> usize {
        REQUEST_HEADER_LEN + smbus::HEADER_LEN - 1 + packet_len + smbus::PEC_LEN
    }

    /// Write a Master Write-Read request carrying `packet` (PEC included,
    /// computed over the destination byte given by `slave_addr`).
    pub fn emit_frame(&self, packet: &[u8], buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len(packet.len());
        out_room(Layer::Ipmi, buf, n)?;
        buf[field::NETFN_LUN] = (NETFN_APP << 2) | (self.lun & 3);
        buf[field::COMMAND] = CMD_MASTER_WRITE_READ;
        buf[field::BUS] = self.bus_byte();
        buf[field::SLAVE_ADDR] = smbus::dst_byte(self.slave_addr);
        buf[field::READ_COUNT] = self.read_count;
        let s = smbus::Repr {
            dst_addr: self.slave_addr,
            src_addr: self.src_addr,
        };
        let w = s
            .emit_frame_no_dest(packet, &mut buf[field::WRITE_DATA..n])
            .map_err(|e| e.shift(field::WRITE_DATA))?;
        Ok(field::WRITE_DATA + w)
    }
}

/// Request or response part. Kept inline (no `Box`: no_std, no
/// allocation per packet); the request variant is the common one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum Body<'a> {
    /// A Master Write-Read request and the SMBus frame in its write data.
    Request {
        /// Bus byte.
        bus: u8,
        /// Slave address byte (8-bit form).
        slave_addr: u8,
        /// Read count.
        read_count: u8,
        /// The embedded SMBus frame.
        smbus: smbus::Frame<'a>,
    },
    /// A response: completion code and read data (no MCTP packet).
    Response {
        /// IPMI completion code.
        completion_code: u8,
        /// Read data.
        read_data: &'a [u8],
    },
}

/// A decoded IPMI Master Write-Read message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The bytes this decode used.
    pub bytes: &'a [u8],
    /// NetFn (6 bits).
    pub netfn: u8,
    /// LUN.
    pub lun: u8,
    /// Command.
    pub command: u8,
    /// Request or response.
    pub body: Body<'a>,
    /// Input bytes used.
    pub frame_len: usize,
    /// Non-fatal problems (IPMI and the embedded SMBus frame).
    pub warnings: Warnings,
}

impl<'a> Frame<'a> {
    /// Decode an IPMI message starting at the NetFn/LUN byte. Only
    /// NetFn 0x06/0x07 with command 0x52 is accepted; a request needs the
    /// 5-byte header and the 3-byte SMBus header of its write data.
    pub fn parse(bytes: &'a [u8]) -> Result<Frame<'a>> {
        need(Layer::Ipmi, bytes, 2)?;
        let netfn = bytes[field::NETFN_LUN] >> 2;
        let lun = bytes[field::NETFN_LUN] & 3;
        let command = bytes[field::COMMAND];
        if command != CMD_MASTER_WRITE_READ {
            return Err(Error::invalid(
                Layer::Ipmi,
                field::COMMAND,
                "command",
                command.into(),
                "0x52 (Master Write-Read)",
            ));
        }
        let mut warnings = Warnings::default();
        let body = match netfn {
            NETFN_APP => {
                need(Layer::Ipmi, bytes, REQUEST_HEADER_LEN)?;
                let slave = bytes[field::SLAVE_ADDR];
                if slave & 1 != 0 {
                    warnings.push(Error::invalid(
                        Layer::Ipmi,
                        field::SLAVE_ADDR,
                        "slave_address",
                        slave.into(),
                        "8-bit form with R/W bit 0",
                    ));
                }
                let sm = smbus::Frame::parse_no_dest(&bytes[field::WRITE_DATA..], Some(slave >> 1))
                    .map_err(|e| e.shift(field::WRITE_DATA))?;
                for w in sm.warnings.shift(field::WRITE_DATA) {
                    warnings.push(w);
                }
                Body::Request {
                    bus: bytes[field::BUS],
                    slave_addr: slave,
                    read_count: bytes[field::READ_COUNT],
                    smbus: sm,
                }
            }
            NETFN_APP_RESPONSE => {
                need(Layer::Ipmi, bytes, RESPONSE_HEADER_LEN)?;
                Body::Response {
                    completion_code: bytes[field::COMPLETION],
                    read_data: &bytes[field::READ_DATA..],
                }
            }
            other => {
                return Err(Error::invalid(
                    Layer::Ipmi,
                    field::NETFN_LUN,
                    "netfn",
                    other.into(),
                    "0x06 (App) or 0x07 (App response)",
                ))
            }
        };
        let frame_len = match &body {
            Body::Request { smbus, .. } => field::WRITE_DATA + smbus.frame_len,
            Body::Response { .. } => bytes.len(),
        };
        Ok(Frame {
            bytes: &bytes[..frame_len],
            netfn,
            lun,
            command,
            body,
            frame_len,
            warnings,
        })
    }

    /// The embedded SMBus frame (requests).
    pub fn smbus(&self) -> Option<&smbus::Frame<'a>> {
        match &self.body {
            Body::Request { smbus, .. } => Some(smbus),
            Body::Response { .. } => None,
        }
    }

    /// The MCTP packet (empty for a response).
    pub fn packet(&self) -> &'a [u8] {
        self.smbus().map_or(&[], |s| s.packet())
    }

    /// Offset of the MCTP packet in the frame bytes.
    pub fn packet_offset(&self) -> usize {
        match self.smbus() {
            Some(s) => field::WRITE_DATA + s.packet_offset(),
            None => self.frame_len,
        }
    }

    /// The SMBus PEC verdict (checked with the slave address as destination).
    pub fn integrity(&self) -> Option<Integrity> {
        self.smbus().and_then(|s| s.integrity())
    }

    /// The request fields as plain data.
    pub fn repr(&self) -> Option<Repr> {
        match self.body {
            Body::Request {
                bus,
                slave_addr,
                read_count,
                smbus,
            } => Some(Repr {
                lun: self.lun,
                channel: bus >> 4,
                bus_id: (bus >> 1) & 7,
                private_bus: bus & 1 != 0,
                slave_addr: slave_addr >> 1,
                read_count,
                src_addr: smbus.src_addr >> 1,
            }),
            Body::Response { .. } => None,
        }
    }
}

impl Describe for Frame<'_> {
    fn layer(&self) -> Layer {
        Layer::Ipmi
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match &self.body {
            Body::Request {
                bus,
                slave_addr,
                read_count,
                smbus,
            } => {
                write!(
                    w,
                    "IPMI Master Write-Read req ch={} bus={} ({}) slave={:#04x} read={} / ",
                    bus >> 4,
                    (bus >> 1) & 7,
                    if bus & 1 != 0 { "private" } else { "public" },
                    slave_addr >> 1,
                    read_count
                )?;
                smbus.summary(w)
            }
            Body::Response {
                completion_code,
                read_data,
            } => write!(
                w,
                "IPMI Master Write-Read rsp cc={completion_code:#04x} ({} bytes read)",
                read_data.len()
            ),
        }
    }

    fn describe(&self, v: &mut dyn Visitor) {
        v.field(
            &Field::bits("netfn", field::NETFN_LUN, 7, 2, Value::hex8(self.netfn)).meaning(Some(
                if self.netfn == NETFN_APP {
                    "App request"
                } else {
                    "App response"
                },
            )),
        );
        v.field(&Field::bits(
            "lun",
            field::NETFN_LUN,
            1,
            0,
            Value::Uint(self.lun.into()),
        ));
        v.field(
            &Field::new("command", field::COMMAND, 1, Value::hex8(self.command))
                .meaning(Some("Master Write-Read")),
        );
        match &self.body {
            Body::Request {
                bus,
                slave_addr,
                read_count,
                smbus,
            } => {
                v.field(&Field::bits(
                    "channel",
                    field::BUS,
                    7,
                    4,
                    Value::Uint((bus >> 4).into()),
                ));
                v.field(&Field::bits(
                    "bus_id",
                    field::BUS,
                    3,
                    1,
                    Value::Uint(((bus >> 1) & 7).into()),
                ));
                v.field(
                    &Field::bits("bus_type", field::BUS, 0, 0, Value::Uint((bus & 1).into()))
                        .meaning(Some(if bus & 1 != 0 { "private" } else { "public" })),
                );
                let m = stack_fmt!(16, "7-bit {:#04x}", slave_addr >> 1);
                v.field(
                    &Field::new(
                        "slave_address",
                        field::SLAVE_ADDR,
                        1,
                        Value::hex8(*slave_addr),
                    )
                    .meaning(Some(m.as_str())),
                );
                v.field(&Field::new(
                    "read_count",
                    field::READ_COUNT,
                    1,
                    Value::Uint((*read_count).into()),
                ));
                v.begin("smbus", Group::Object, field::WRITE_DATA, smbus.frame_len);
                smbus.describe(&mut Shifted {
                    inner: v,
                    base: field::WRITE_DATA,
                });
                v.end();
            }
            Body::Response {
                completion_code,
                read_data,
            } => {
                v.field(&Field::new(
                    "completion_code",
                    field::COMPLETION,
                    1,
                    Value::hex8(*completion_code),
                ));
                v.field(&Field::new(
                    "read_data",
                    field::READ_DATA,
                    read_data.len(),
                    Value::Bytes(read_data),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;
    use std::vec::Vec;

    use super::*;
    use crate::describe::Summary;
    use crate::error::ErrorKind;
    use proptest::prelude::*;

    /// Master Write-Read: NetFn 0x06 (0x18 with LUN 0), cmd 0x52, channel 0,
    /// bus 1 private (0x03), slave 0x20 (7-bit 0x10), read count 0, then an
    /// SMBus frame without destination: command 0x0F, byte count 6, source
    /// 0x11 (7-bit 0x08), the 5-byte MCTP packet `01 08 09 C8 00` (the
    /// packet of bindings.md's PEC example) and the PEC, CRC-8/SMBUS over
    /// `20 0F 06 11 01 08 09 C8 00` = 0x3A (computed bitwise, poly 0x07).
    /// The last byte is a stray extra byte for the trailing test.
    const MWR: [u8; 15] = [
        0x18, 0x52, 0x03, 0x20, 0x00, 0x0f, 0x06, 0x11, 0x01, 0x08, 0x09, 0xc8, 0x00, 0x3a, 0,
    ];

    #[test]
    fn request_both_ways() {
        let b = &MWR[..14];
        let f = Frame::parse(b).unwrap();
        assert_eq!((f.netfn, f.lun, f.command), (0x06, 0, 0x52));
        assert_eq!(f.packet(), &[0x01, 0x08, 0x09, 0xc8, 0x00]);
        assert_eq!(f.packet_offset(), 8);
        assert!(f.integrity().unwrap().ok());
        assert!(f.warnings.is_empty(), "{:?}", f.warnings);
        assert_eq!(f.frame_len, 14);
        assert_eq!(
            format!("{}", Summary(&f)),
            "IPMI Master Write-Read req ch=0 bus=1 (private) slave=0x10 read=0 / SMBus 0x10<-0x08 PEC ok"
        );
        let r = f.repr().unwrap();
        assert_eq!(
            r,
            Repr {
                lun: 0,
                channel: 0,
                bus_id: 1,
                private_bus: true,
                slave_addr: 0x10,
                read_count: 0,
                src_addr: 0x08
            }
        );
        let mut out = [0u8; 32];
        let n = r.emit_frame(f.packet(), &mut out).unwrap();
        assert_eq!(&out[..n], b);
    }

    #[test]
    fn pymctp_form_without_pec_and_bad_pec() {
        // pymctp emits no PEC: decodes, PEC unchecked, one warning.
        let f = Frame::parse(&MWR[..13]).unwrap();
        assert_eq!(f.integrity(), None);
        assert_eq!(f.packet().len(), 5);
        assert!(!f.warnings.is_empty());
        let mut b = MWR;
        b[13] ^= 0xff;
        let f = Frame::parse(&b[..14]).unwrap();
        assert!(!f.integrity().unwrap().ok());
        // A byte after the PEC is reported with its offset in the IPMI message.
        let f = Frame::parse(&MWR).unwrap();
        let w: Vec<_> = f.warnings.iter().collect();
        assert_eq!(w[0].kind, ErrorKind::Trailing { extra: 1 });
        assert_eq!(w[0].offset, 14);
    }

    #[test]
    fn response_and_rejections() {
        let f = Frame::parse(&[0x1c, 0x52, 0x00, 0xaa]).unwrap();
        assert!(matches!(
            f.body,
            Body::Response {
                completion_code: 0,
                read_data: [0xaa]
            }
        ));
        assert!(f.packet().is_empty());
        assert_eq!(
            format!("{}", Summary(&f)),
            "IPMI Master Write-Read rsp cc=0x00 (1 bytes read)"
        );
        assert!(Frame::parse(&[0x18, 0x01]).is_err());
        assert!(Frame::parse(&[0x28, 0x52, 0, 0, 0, 0x0f, 1, 1]).is_err());
        let e = Frame::parse(&MWR[..7]).unwrap_err();
        assert_eq!(e.layer, Layer::Smbus);
        assert_eq!(e.offset, 7);
        assert!(Frame::parse(&MWR[..4]).is_err());
        assert!(Frame::parse(&[]).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(lun in 0u8..4, channel in 0u8..16, bus_id in 0u8..8, private_bus: bool,
                      slave_addr in 0u8..0x80, read_count: u8, src_addr in 0u8..0x80,
                      packet in proptest::collection::vec(any::<u8>(), 1..64)) {
            let r = Repr { lun, channel, bus_id, private_bus, slave_addr, read_count, src_addr };
            let mut buf = [0u8; 128];
            let n = r.emit_frame(&packet, &mut buf).unwrap();
            let f = Frame::parse(&buf[..n]).unwrap();
            prop_assert_eq!(f.repr(), Some(r));
            prop_assert_eq!(f.packet(), &packet[..]);
            prop_assert!(f.integrity().unwrap().ok());
            prop_assert!(f.warnings.is_empty());
        }

        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Ok(f) = Frame::parse(&bytes) {
                let _ = format!("{}", Summary(&f));
                prop_assert!(f.frame_len <= bytes.len());
                prop_assert!(f.packet_offset() + f.packet().len() <= bytes.len());
            }
        }
    }
}
