//! NC-SI over MCTP (message type 0x02, DSP0261): an NC-SI control packet
//! (DSP0222 §8.2) without the Ethernet header, after the MCTP type byte.
//!
//! ```text
//!  msg byte 0       [7] IC (0)  [6:0] MCTP message type 0x02
//!  msg byte 1       MC ID
//!  msg byte 2       header revision (0x01)
//!  msg byte 3       reserved
//!  msg byte 4       instance ID (IID)
//!  msg byte 5       control packet type: command code; response = code | 0x80;
//!                   0xFF = AEN
//!  msg byte 6       channel ID: [7:5] package ID  [4:0] internal channel ID
//!                   (0x1F = the package itself)
//!  msg byte 7-8     [15:12] reserved  [11:0] payload length
//!  msg byte 9-16    reserved
//!  msg byte 17..    payload (responses: response code u16, reason code u16, data;
//!                   AENs: 3 reserved bytes, AEN type, AEN data)
//!                   padding to a 4-byte boundary
//!                   checksum, u32 big-endian
//! ```
//!
//! All multi-byte fields are big-endian. Offsets count from the MCTP type
//! byte (Wireshark strips that byte before its NC-SI dissector,
//! mctp-core.md §6, so its offsets are one less).
//!
//! **Checksum**: the 32-bit two's complement of the 32-bit sum of the
//! header and payload taken as big-endian 16-bit words (zero-padded), so
//! that sum + checksum ≡ 0 mod 2³². A checksum of 0 means "not provided"
//! and is not checked. Sources: DSP0222 §8.2.2.3 as implemented by Linux
//! `net/ncsi` (`ncsi_calculate_checksum`, and its receive path, which
//! skips a zero checksum) and QEMU/slirp's NC-SI responder; the two agree.

use core::fmt;

use crate::binding::Integrity;
use crate::describe::{Describe, Field, Value, Visitor};
use crate::error::{need, Error, ErrorKind, Layer, Result};
use crate::macros::open_enum;

pub mod builder;
#[cfg(test)]
mod tests;

pub use builder::NcsiBuilder;

/// Byte positions (from the MCTP type byte).
pub mod field {
    use core::ops::Range;
    pub const TYPE: usize = 0;
    pub const MC_ID: usize = 1;
    pub const HEADER_REVISION: usize = 2;
    pub const RESERVED0: usize = 3;
    pub const IID: usize = 4;
    pub const PACKET_TYPE: usize = 5;
    pub const CHANNEL_ID: usize = 6;
    /// \[15:12\] reserved, \[11:0\] payload length.
    pub const PAYLOAD_LENGTH: Range<usize> = 7..9;
    pub const RESERVED1: Range<usize> = 9..17;
    pub const PAYLOAD: usize = 17;
}

/// The MCTP type byte of NC-SI over MCTP.
pub const MCTP_TYPE: u8 = 0x02;
/// Header length including the MCTP type byte.
pub const HEADER_LEN: usize = 17;
/// The NC-SI control packet header alone (without the MCTP type byte).
pub const NCSI_HEADER_LEN: usize = 16;
/// Checksum length.
pub const CHECKSUM_LEN: usize = 4;
/// Header revision defined by DSP0222 1.x.
pub const HEADER_REVISION: u8 = 0x01;
/// Control packet type of an AEN.
pub const AEN_TYPE: u8 = 0xFF;
/// Internal channel ID that addresses the package rather than a channel.
pub const PACKAGE_CHANNEL: u8 = 0x1F;

open_enum! {
    /// NC-SI command types (DSP0222 Table 17; codes as in Linux
    /// `net/ncsi/ncsi-pkt.h`).
    pub enum Command: u8 {
        ClearInitialState = 0x00 => "Clear Initial State",
        SelectPackage = 0x01 => "Select Package",
        DeselectPackage = 0x02 => "Deselect Package",
        EnableChannel = 0x03 => "Enable Channel",
        DisableChannel = 0x04 => "Disable Channel",
        ResetChannel = 0x05 => "Reset Channel",
        EnableChannelNetworkTx = 0x06 => "Enable Channel Network TX",
        DisableChannelNetworkTx = 0x07 => "Disable Channel Network TX",
        AenEnable = 0x08 => "AEN Enable",
        SetLink = 0x09 => "Set Link",
        GetLinkStatus = 0x0A => "Get Link Status",
        SetVlanFilter = 0x0B => "Set VLAN Filter",
        EnableVlan = 0x0C => "Enable VLAN",
        DisableVlan = 0x0D => "Disable VLAN",
        SetMacAddress = 0x0E => "Set MAC Address",
        EnableBroadcastFilter = 0x10 => "Enable Broadcast Filter",
        DisableBroadcastFilter = 0x11 => "Disable Broadcast Filter",
        EnableGlobalMulticastFilter = 0x12 => "Enable Global Multicast Filter",
        DisableGlobalMulticastFilter = 0x13 => "Disable Global Multicast Filter",
        SetNcsiFlowControl = 0x14 => "Set NC-SI Flow Control",
        GetVersionId = 0x15 => "Get Version ID",
        GetCapabilities = 0x16 => "Get Capabilities",
        GetParameters = 0x17 => "Get Parameters",
        GetControllerPacketStatistics = 0x18 => "Get Controller Packet Statistics",
        GetNcsiStatistics = 0x19 => "Get NC-SI Statistics",
        GetNcsiPassThroughStatistics = 0x1A => "Get NC-SI Pass-through Statistics",
        GetPackageStatus = 0x1B => "Get Package Status",
        Oem = 0x50 => "OEM",
        Pldm = 0x51 => "PLDM",
        GetPackageUuid = 0x52 => "Get Package UUID",
    }
}

open_enum! {
    /// Response codes (DSP0222 Table 9).
    pub enum ResponseCode: u16 {
        CommandCompleted = 0x0000 => "Command Completed",
        CommandFailed = 0x0001 => "Command Failed",
        CommandUnavailable = 0x0002 => "Command Unavailable",
        CommandUnsupported = 0x0003 => "Command Unsupported",
    }
}

open_enum! {
    /// Generic reason codes (DSP0222 Table 10); command-specific reasons
    /// (0x0800 and up, command code in the high byte) stay unnamed.
    pub enum ReasonCode: u16 {
        NoError = 0x0000 => "No Error/No Reason Code",
        InterfaceInitializationRequired = 0x0001 => "Interface Initialization Required",
        ParameterIsInvalid = 0x0002 => "Parameter Is Invalid",
        ChannelNotReady = 0x0003 => "Channel Not Ready",
        PackageNotReady = 0x0004 => "Package Not Ready",
        InvalidPayloadLength = 0x0005 => "Invalid Payload Length",
        UnknownCommandType = 0x7FFF => "Unknown/Unsupported Command Type",
    }
}

open_enum! {
    /// AEN types (DSP0222 §8.5).
    pub enum AenType: u8 {
        LinkStatusChange = 0x00 => "Link Status Change",
        ConfigurationRequired = 0x01 => "Configuration Required",
        HostNcDriverStatusChange = 0x02 => "Host NC Driver Status Change",
    }
}

/// What kind of control packet this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Kind {
    /// A command (packet type < 0x80).
    Command,
    /// A response (packet type = command | 0x80).
    Response,
    /// An asynchronous event notification (packet type 0xFF).
    Aen,
}

/// The checksum over `ncsi` (the 16-byte header and the payload, without
/// the MCTP type byte): two's complement of the 32-bit sum of big-endian
/// 16-bit words, an odd last byte padded with zero.
pub fn checksum(ncsi: &[u8]) -> u32 {
    let mut sum: u32 = 0;
    let mut chunks = ncsi.chunks_exact(2);
    for c in &mut chunks {
        sum = sum.wrapping_add(u32::from(u16::from_be_bytes([c[0], c[1]])));
    }
    if let [last] = chunks.remainder() {
        sum = sum.wrapping_add(u32::from(*last) << 8);
    }
    (!sum).wrapping_add(1)
}

/// Padding after a payload of `len` bytes to a 4-byte boundary.
pub const fn padding_len(len: usize) -> usize {
    (4 - len % 4) % 4
}

/// The NC-SI control packet header as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Header {
    /// Management controller ID (0 in DSP0222 1.x senders).
    pub mc_id: u8,
    /// Header revision (0x01).
    pub header_revision: u8,
    /// Instance ID (1..255 for commands; 0 in AENs).
    pub iid: u8,
    /// Control packet type.
    pub packet_type: u8,
    /// Package ID (channel ID bits 7:5).
    pub package_id: u8,
    /// Internal channel ID (channel ID bits 4:0; 0x1F = the package).
    pub channel: u8,
    /// Payload length (12 bits).
    pub payload_length: u16,
}

impl Header {
    /// A command header.
    pub const fn new_command(command: Command, iid: u8, package_id: u8, channel: u8) -> Self {
        Header {
            mc_id: 0,
            header_revision: HEADER_REVISION,
            iid,
            packet_type: command.value() & 0x7F,
            package_id: package_id & 0x07,
            channel: channel & 0x1F,
            payload_length: 0,
        }
    }

    /// Parse from a message starting at the MCTP type byte.
    pub fn parse(msg: &[u8]) -> Result<Header> {
        need(Layer::NcSi, msg, HEADER_LEN)?;
        let ch = msg[field::CHANNEL_ID];
        Ok(Header {
            mc_id: msg[field::MC_ID],
            header_revision: msg[field::HEADER_REVISION],
            iid: msg[field::IID],
            packet_type: msg[field::PACKET_TYPE],
            package_id: ch >> 5,
            channel: ch & 0x1F,
            payload_length: u16::from_be_bytes([msg[7], msg[8]]) & 0x0FFF,
        })
    }

    /// Write the type byte and header (reserved fields zero).
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        if buf.len() < HEADER_LEN {
            return Err(Error::buffer_too_small(Layer::NcSi, HEADER_LEN, buf.len()));
        }
        buf[..HEADER_LEN].fill(0);
        buf[field::TYPE] = MCTP_TYPE;
        buf[field::MC_ID] = self.mc_id;
        buf[field::HEADER_REVISION] = self.header_revision;
        buf[field::IID] = self.iid;
        buf[field::PACKET_TYPE] = self.packet_type;
        buf[field::CHANNEL_ID] = (self.package_id << 5) | (self.channel & 0x1F);
        buf[field::PAYLOAD_LENGTH].copy_from_slice(&(self.payload_length & 0x0FFF).to_be_bytes());
        Ok(HEADER_LEN)
    }

    /// Command, response or AEN.
    pub const fn kind(&self) -> Kind {
        if self.packet_type == AEN_TYPE {
            Kind::Aen
        } else if self.packet_type & 0x80 != 0 {
            Kind::Response
        } else {
            Kind::Command
        }
    }

    /// The command this packet is or answers (`None` for an AEN).
    pub const fn command(&self) -> Option<Command> {
        match self.kind() {
            Kind::Aen => None,
            _ => Some(Command::from_value(self.packet_type & 0x7F)),
        }
    }

    /// The channel ID byte.
    pub const fn channel_id(&self) -> u8 {
        (self.package_id << 5) | (self.channel & 0x1F)
    }
}

/// A decoded NC-SI message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    /// The header.
    pub header: Header,
    /// The bytes `payload_length` declares (cut to what is present).
    pub payload: &'a [u8],
    /// Padding bytes found after the payload.
    pub padding: &'a [u8],
    /// Checksum on the wire, `None` when missing.
    pub checksum: Option<u32>,
    /// Checksum computed over header and payload.
    pub computed_checksum: u32,
    /// Reserved bytes 3 and 9..16 were non-zero.
    pub reserved_nonzero: bool,
    /// A length problem (offset from the type byte).
    error: Option<Error>,
}

impl<'a> Message<'a> {
    /// Decode a message starting at the MCTP type byte. Only a short
    /// header is an `Err`; length problems are kept for [`Message::problem`].
    pub fn parse(msg: &'a [u8]) -> Result<Message<'a>> {
        let header = Header::parse(msg)?;
        let declared = usize::from(header.payload_length);
        let rest = &msg[HEADER_LEN..];
        let reserved_nonzero = msg[field::RESERVED0] != 0
            || msg[field::RESERVED1].iter().any(|&b| b != 0)
            || msg[7] & 0xF0 != 0;
        let mut error = None;
        let (payload, padding, checksum) = if rest.len() < declared {
            error = Some(Error {
                layer: Layer::NcSi,
                offset: field::PAYLOAD_LENGTH.start,
                kind: ErrorKind::LengthMismatch {
                    field: "payload_length",
                    declared,
                    actual: rest.len(),
                },
            });
            (rest, &rest[rest.len()..], None)
        } else {
            let payload = &rest[..declared];
            let after = &rest[declared..];
            let pad = padding_len(declared);
            if after.len() < pad + CHECKSUM_LEN {
                error = Some(Error::truncated(
                    Layer::NcSi,
                    HEADER_LEN + declared + pad + CHECKSUM_LEN,
                    msg.len(),
                ));
                (payload, &after[..after.len().min(pad)], None)
            } else {
                let c = &after[pad..pad + CHECKSUM_LEN];
                let extra = after.len() - pad - CHECKSUM_LEN;
                if extra > 0 {
                    error = Some(Error {
                        layer: Layer::NcSi,
                        offset: msg.len() - extra,
                        kind: ErrorKind::Trailing { extra },
                    });
                }
                (
                    payload,
                    &after[..pad],
                    Some(u32::from_be_bytes([c[0], c[1], c[2], c[3]])),
                )
            }
        };
        let covered = &msg[1..HEADER_LEN + payload.len()];
        Ok(Message {
            header,
            payload,
            padding,
            checksum,
            computed_checksum: self::checksum(covered),
            reserved_nonzero,
            error,
        })
    }

    /// A length problem (offset from the type byte).
    pub fn problem(&self) -> Option<Error> {
        self.error
    }

    /// The checksum verdict; `None` when missing or 0 ("not provided").
    pub fn integrity(&self) -> Option<Integrity> {
        match self.checksum {
            Some(found) if found != 0 => Some(Integrity {
                layer: Layer::NcSi,
                name: "checksum",
                found,
                computed: self.computed_checksum,
            }),
            _ => None,
        }
    }

    /// Response code and reason code of a response with at least 4 payload bytes.
    pub fn response_codes(&self) -> Option<(ResponseCode, ReasonCode)> {
        if self.header.kind() != Kind::Response || self.payload.len() < 4 {
            return None;
        }
        let p = self.payload;
        Some((
            ResponseCode::from_value(u16::from_be_bytes([p[0], p[1]])),
            ReasonCode::from_value(u16::from_be_bytes([p[2], p[3]])),
        ))
    }

    /// The AEN type of an AEN with at least 4 payload bytes.
    pub fn aen_type(&self) -> Option<AenType> {
        if self.header.kind() != Kind::Aen || self.payload.len() < 4 {
            return None;
        }
        Some(AenType::from_value(self.payload[3]))
    }

    /// Command and response share IID, command code and channel; AENs are
    /// unsolicited.
    pub fn pairing(&self) -> Option<Pairing> {
        let h = &self.header;
        let request = match h.kind() {
            Kind::Command => true,
            Kind::Response => false,
            Kind::Aen => return None,
        };
        Some(Pairing {
            request,
            key: (u64::from(h.channel_id()) << 16)
                | (u64::from(h.iid) << 8)
                | u64::from(h.packet_type & 0x7F),
        })
    }
}

/// Request/response pairing key (the lead unifies this across families).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pairing {
    /// This message is the command.
    pub request: bool,
    /// Same for a command and its response.
    pub key: u64,
}

impl Describe for Message<'_> {
    fn layer(&self) -> Layer {
        Layer::NcSi
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        let h = &self.header;
        w.write_str("NC-SI ")?;
        match h.kind() {
            Kind::Aen => {
                w.write_str("AEN")?;
                if let Some(t) = self.aen_type() {
                    match t.name() {
                        Some(n) => write!(w, " {n}")?,
                        None => write!(w, " type {:#04x}", t.value())?,
                    }
                }
            }
            k => {
                let c = Command::from_value(h.packet_type & 0x7F);
                match c.name() {
                    Some(n) => w.write_str(n)?,
                    None => write!(w, "cmd {:#04x}", c.value())?,
                }
                write!(
                    w,
                    " {} iid={}",
                    if k == Kind::Command { "req" } else { "rsp" },
                    h.iid
                )?;
            }
        }
        write!(w, " pkg={} ch=", h.package_id)?;
        if h.channel == PACKAGE_CHANNEL {
            w.write_str("pkg")?;
        } else {
            write!(w, "{}", h.channel)?;
        }
        if let Some((rc, reason)) = self.response_codes() {
            write!(w, " {rc}")?;
            if reason != ReasonCode::NoError {
                match reason.name() {
                    Some(n) => write!(w, " ({n})")?,
                    None => write!(w, " (reason {:#06x})", reason.value())?,
                }
            }
        }
        let data = match h.kind() {
            Kind::Command => self.payload.len(),
            _ => self.payload.len().saturating_sub(4),
        };
        if data > 0 {
            write!(w, " ({data} bytes)")?;
        }
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let h = &self.header;
        v.field(&Field::new("mc_id", field::MC_ID, 1, Value::hex8(h.mc_id)));
        v.field(&Field::new(
            "header_revision",
            field::HEADER_REVISION,
            1,
            Value::hex8(h.header_revision),
        ));
        v.field(&Field::new("iid", field::IID, 1, Value::Uint(h.iid.into())));
        let kind = h.kind();
        v.field(
            &Field::new(
                "control_packet_type",
                field::PACKET_TYPE,
                1,
                Value::hex8(h.packet_type),
            )
            .meaning(Some(match kind {
                Kind::Command => "command",
                Kind::Response => "response",
                Kind::Aen => "AEN",
            })),
        );
        v.field(&Field::derived(
            "command_name",
            match h.command().and_then(|c| c.name()) {
                Some(n) => Value::Str(n),
                None => Value::Null,
            },
        ));
        v.field(&Field::bits(
            "package_id",
            field::CHANNEL_ID,
            7,
            5,
            Value::Uint(h.package_id.into()),
        ));
        v.field(
            &Field::bits(
                "internal_channel_id",
                field::CHANNEL_ID,
                4,
                0,
                Value::Uint(h.channel.into()),
            )
            .meaning(if h.channel == PACKAGE_CHANNEL {
                Some("package")
            } else {
                None
            }),
        );
        v.field(&Field::new(
            "payload_length",
            field::PAYLOAD_LENGTH.start,
            2,
            Value::Uint(h.payload_length.into()),
        ));
        if self.reserved_nonzero {
            v.field(&Field::derived("reserved_nonzero", Value::Bool(true)));
        }
        let p = self.payload;
        let base = field::PAYLOAD;
        // The payload (response and reason codes, AEN type, command data)
        // is the body; offsets inside it count from the payload start.
        crate::describe::body(v, base, p.len(), |v| {
            match (kind, self.response_codes(), self.aen_type()) {
                (Kind::Response, Some((rc, reason)), _) => {
                    v.field(
                        &Field::new("response_code", 0, 2, Value::hex16(rc.value()))
                            .meaning(rc.name()),
                    );
                    v.field(
                        &Field::new("reason_code", 2, 2, Value::hex16(reason.value()))
                            .meaning(reason.name()),
                    );
                    v.field(&Field::new("data", 4, p.len() - 4, Value::Bytes(&p[4..])));
                }
                (Kind::Aen, _, Some(t)) => {
                    v.field(&Field::new("reserved", 0, 3, Value::Bytes(&p[..3])));
                    v.field(
                        &Field::new("aen_type", 3, 1, Value::hex8(t.value())).meaning(t.name()),
                    );
                    v.field(&Field::new(
                        "aen_data",
                        4,
                        p.len() - 4,
                        Value::Bytes(&p[4..]),
                    ));
                }
                _ => v.field(&Field::new("payload", 0, p.len(), Value::Bytes(p))),
            }
        });
        let pad_at = base + p.len();
        if !self.padding.is_empty() {
            v.field(&Field::new(
                "padding",
                pad_at,
                self.padding.len(),
                Value::Bytes(self.padding),
            ));
        }
        match self.checksum {
            Some(c) => {
                let verdict = if c == 0 {
                    "not provided"
                } else if c == self.computed_checksum {
                    "ok"
                } else {
                    "BAD"
                };
                v.field(
                    &Field::new(
                        "checksum",
                        pad_at + self.padding.len(),
                        CHECKSUM_LEN,
                        Value::hex32(c),
                    )
                    .meaning(Some(verdict)),
                );
                if c != 0 {
                    v.field(&Field::derived(
                        "checksum_ok",
                        Value::Bool(c == self.computed_checksum),
                    ));
                }
            }
            None => v.field(&Field::derived("checksum", Value::Null).meaning(Some("missing"))),
        }
        v.field(&Field::derived(
            "computed_checksum",
            Value::hex32(self.computed_checksum),
        ));
        crate::describe::error(v, self.problem());
    }
}
