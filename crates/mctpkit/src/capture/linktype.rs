//! Link-layer header types that can carry MCTP, and how to take their
//! pseudo-headers off.
//!
//! Layouts: `/work/shared/reference/bindings.md` §9.1–9.2 (cooked headers),
//! tcpdump.org's LINKTYPE_LINUX_SLL / LINKTYPE_LINUX_SLL2 pages.
//!
//! | LINKTYPE | Name | Pseudo-header | `Record::binding` |
//! |---|---|---|---|
//! | 113 | LINUX_SLL | 16 bytes, protocol at 14 | `None` |
//! | 276 | LINUX_SLL2 | 20 bytes, protocol at 0 | `None` |
//! | 209 | I2C_LINUX | 5 bytes: bus/event byte, 32-bit flags | `Smbus` |
//! | 291 | DMTF private "MCTP" | none | `None` |
//!
//! All multi-byte fields of these pseudo-headers are big-endian, whatever the
//! byte order of the file.

use mctpkit_wire::binding::BindingKind;

use super::Direction;

/// LINKTYPE_LINUX_SLL: Linux "cooked" capture, version 1.
pub const LINKTYPE_LINUX_SLL: u32 = 113;
/// LINKTYPE_I2C_LINUX: Linux I2C messages with a 5-byte pseudo-header.
pub const LINKTYPE_I2C_LINUX: u32 = 209;
/// LINKTYPE_LINUX_SLL2: Linux "cooked" capture, version 2.
pub const LINKTYPE_LINUX_SLL2: u32 = 276;
/// DMTF tools' private "LINKTYPE_MCTP" (libspdm `spdm_dump`): records start
/// with the MCTP transport header. In the tcpdump registry 291 is
/// NETANALYZER_NG, and Wireshark refuses it, so it is read but never written.
pub const LINKTYPE_DMTF_MCTP: u32 = 291;

/// `ETH_P_MCTP`: the protocol field of a cooked header carrying MCTP.
pub const ETH_P_MCTP: u16 = 0x00FA;
/// `ARPHRD_MCTP`: the hardware type Linux gives MCTP netdevs.
pub const ARPHRD_MCTP: u16 = 290;

/// Length of the LINUX_SLL header.
pub const SLL_HEADER_LEN: usize = 16;
/// Length of the LINUX_SLL2 header.
pub const SLL2_HEADER_LEN: usize = 20;
/// Length of the I2C_LINUX pseudo-header.
pub const I2C_LINUX_HEADER_LEN: usize = 5;

/// SLL packet type "sent by us"; 0..=3 are the received kinds (to us,
/// broadcast, multicast, to someone else).
pub const PACKET_OUTGOING: u16 = 4;

/// I2C_LINUX: bit 7 of the first byte marks a controller event rather than
/// a message.
const I2C_LINUX_EVENT: u8 = 0x80;

/// The name of a link type, for messages.
pub fn name(linktype: u32) -> &'static str {
    match linktype {
        0 => "NULL",
        1 => "ETHERNET",
        101 => "RAW",
        LINKTYPE_LINUX_SLL => "LINUX_SLL",
        147..=162 => "USERn",
        LINKTYPE_I2C_LINUX => "I2C_LINUX",
        LINKTYPE_LINUX_SLL2 => "LINUX_SLL2",
        LINKTYPE_DMTF_MCTP => "DMTF MCTP (291)",
        _ => "unknown",
    }
}

/// `true` for the link types this module can take apart.
pub fn is_supported(linktype: u32) -> bool {
    matches!(
        linktype,
        LINKTYPE_LINUX_SLL | LINKTYPE_LINUX_SLL2 | LINKTYPE_I2C_LINUX | LINKTYPE_DMTF_MCTP
    )
}

/// Direction from an SLL / SLL2 packet type.
pub fn direction_from_packet_type(packet_type: u16) -> Option<Direction> {
    match packet_type {
        0..=3 => Some(Direction::Incoming),
        PACKET_OUTGOING => Some(Direction::Outgoing),
        _ => None,
    }
}

/// The packet inside a link-layer record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decapsulated<'a> {
    pub binding: BindingKind,
    pub direction: Option<Direction>,
    pub data: &'a [u8],
    /// Wire length minus the pseudo-header.
    pub orig_len: usize,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Take the pseudo-header of `linktype` off `data` (the captured bytes,
/// `orig_len` on the wire). The error is a message for a per-record
/// [`super::CaptureError`].
pub fn decapsulate(
    linktype: u32,
    data: &[u8],
    orig_len: usize,
) -> Result<Decapsulated<'_>, String> {
    match linktype {
        LINKTYPE_LINUX_SLL => {
            // 0 packet type, 2 ARPHRD, 4 address length, 6 address[8], 14 protocol.
            let (Some(packet_type), Some(protocol)) = (be16(data, 0), be16(data, 14)) else {
                return Err(format!(
                    "LINUX_SLL header truncated: {} of {SLL_HEADER_LEN} bytes captured",
                    data.len()
                ));
            };
            if protocol != ETH_P_MCTP {
                return Err(format!(
                    "LINUX_SLL protocol 0x{protocol:04X} is not MCTP (0x{ETH_P_MCTP:04X})"
                ));
            }
            Ok(Decapsulated {
                binding: BindingKind::None,
                direction: direction_from_packet_type(packet_type),
                data: data.get(SLL_HEADER_LEN..).unwrap_or_default(),
                orig_len: orig_len.saturating_sub(SLL_HEADER_LEN),
            })
        }
        LINKTYPE_LINUX_SLL2 => {
            // 0 protocol, 2 reserved, 4 ifindex, 8 ARPHRD, 10 packet type,
            // 11 address length, 12 address[8].
            let (Some(protocol), Some(&packet_type)) = (be16(data, 0), data.get(10)) else {
                return Err(format!(
                    "LINUX_SLL2 header truncated: {} of {SLL2_HEADER_LEN} bytes captured",
                    data.len()
                ));
            };
            if data.len() < SLL2_HEADER_LEN {
                return Err(format!(
                    "LINUX_SLL2 header truncated: {} of {SLL2_HEADER_LEN} bytes captured",
                    data.len()
                ));
            }
            if protocol != ETH_P_MCTP {
                return Err(format!(
                    "LINUX_SLL2 protocol 0x{protocol:04X} is not MCTP (0x{ETH_P_MCTP:04X})"
                ));
            }
            Ok(Decapsulated {
                binding: BindingKind::None,
                direction: direction_from_packet_type(packet_type.into()),
                data: data.get(SLL2_HEADER_LEN..).unwrap_or_default(),
                orig_len: orig_len.saturating_sub(SLL2_HEADER_LEN),
            })
        }
        LINKTYPE_I2C_LINUX => {
            // Pseudo-header (Wireshark wiretap `struct i2c_linux_file_hdr`,
            // the 2007 DLT request on tcpdump-workers): byte 0 = bit 7 event
            // flag, bits 6..0 bus number; bytes 1..5 = big-endian 32-bit
            // flags (the i2c_msg flags for a message, controller status
            // bits for an event). The message follows, starting with the
            // address byte ((addr7 << 1) | R/W), i.e. an SMBus frame
            // starting at the destination address. The brief said 4 bytes;
            // every source found says 5.
            let (Some(&bus), Some(flags)) = (data.first(), be32(data, 1)) else {
                return Err(format!(
                    "I2C_LINUX pseudo-header truncated: {} of {I2C_LINUX_HEADER_LEN} bytes captured",
                    data.len()
                ));
            };
            if bus & I2C_LINUX_EVENT != 0 {
                return Err(format!(
                    "I2C_LINUX controller event on bus {} (status 0x{flags:08X}), not a message",
                    bus & 0x7F
                ));
            }
            Ok(Decapsulated {
                binding: BindingKind::Smbus,
                direction: None,
                data: data.get(I2C_LINUX_HEADER_LEN..).unwrap_or_default(),
                orig_len: orig_len.saturating_sub(I2C_LINUX_HEADER_LEN),
            })
        }
        LINKTYPE_DMTF_MCTP => Ok(Decapsulated {
            binding: BindingKind::None,
            direction: None,
            data,
            orig_len,
        }),
        other => Err(unsupported(other)),
    }
}

/// The message for a record on an unsupported link type.
pub fn unsupported(linktype: u32) -> String {
    format!(
        "link type {linktype} ({}) cannot carry MCTP here; supported: LINUX_SLL (113), \
         LINUX_SLL2 (276), I2C_LINUX (209), DMTF MCTP (291)",
        name(linktype)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sll_outgoing() {
        let mut rec = vec![0, 4, 0x01, 0x22, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0xFA];
        rec.extend_from_slice(&[1, 8, 9, 0xC0, 0]);
        let d = decapsulate(LINKTYPE_LINUX_SLL, &rec, 21).unwrap();
        assert_eq!(d.direction, Some(Direction::Outgoing));
        assert_eq!(d.data, &[1, 8, 9, 0xC0, 0]);
        assert_eq!(d.orig_len, 5);
    }

    #[test]
    fn truncated_headers() {
        for lt in [LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_I2C_LINUX] {
            for n in 0..4 {
                assert!(decapsulate(lt, &[0u8; 4][..n], n).is_err());
            }
        }
        // SLL2 with the protocol and packet type present but 11 bytes only.
        let mut h = [0u8; 11];
        h[1] = 0xFA;
        assert!(decapsulate(LINKTYPE_LINUX_SLL2, &h, 11).is_err());
    }

    #[test]
    fn i2c_event() {
        let e = decapsulate(LINKTYPE_I2C_LINUX, &[0x83, 0, 0, 0, 1], 5).unwrap_err();
        assert!(e.contains("bus 3"), "{e}");
    }
}
