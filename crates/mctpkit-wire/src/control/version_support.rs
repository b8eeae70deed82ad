//! Get MCTP Version Support (command 0x04, DSP0236 §12.6).
//!
//! ```text
//!  request  byte 0   message type number (0xFF = MCTP base specification)
//!  response byte 0   version number entry count
//!           then     count × { major, minor, update, alpha }
//! ```
//!
//! Version entries are byte strings, not integers: major/minor/update are BCD
//! with an 0xF high nibble for a single digit (`F1 F3 F1 00` is 1.3.1),
//! update 0xFF means "no update number" (`F1 F0 FF 00` is 1.0), alpha 0x00
//! means "no alpha". Completion code 0x80 (message type not supported) has
//! no count byte at all: that response decodes as an empty body.

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::Result;
use crate::mctp::MessageType;

use super::common::{byte, byte_body, uint8, ControlBody, EmitBody, Entries, ListBody, ListEntry};
use super::Command;

/// Message type number that asks for the base specification version.
pub const BASE_SPECIFICATION: u8 = 0xFF;

/// Completion code 0x80: message type number not supported.
pub const CC_MESSAGE_TYPE_NOT_SUPPORTED: u8 = 0x80;

fn message_type_meaning(t: u8) -> Option<&'static str> {
    if t == BASE_SPECIFICATION {
        Some("MCTP base specification")
    } else {
        MessageType::from_value(t).name()
    }
}

byte_body!(
    /// Get MCTP Version Support request data.
    GetMctpVersionSupportRequest { message_type_number: "message_type_number" },
    Command::GetMctpVersionSupport,
    true,
    "type",
    message_type_meaning
);

/// One version number entry `{major, minor, update, alpha}` as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VersionEntry {
    pub major: u8,
    pub minor: u8,
    pub update: u8,
    pub alpha: u8,
}

/// Write one BCD version byte: `Fx` → `x`, otherwise two BCD digits.
fn write_bcd(f: &mut fmt::Formatter<'_>, b: u8) -> fmt::Result {
    if b >> 4 == 0xF {
        write!(f, "{}", b & 0x0F)
    } else {
        write!(f, "{}{}", b >> 4, b & 0x0F)
    }
}

impl VersionEntry {
    /// Build an entry from numbers (each below 100; `update: None` = 0xFF).
    pub fn new(major: u8, minor: u8, update: Option<u8>, alpha: u8) -> Self {
        fn bcd(n: u8) -> u8 {
            if n < 10 {
                0xF0 | n
            } else {
                ((n / 10 % 10) << 4) | (n % 10)
            }
        }
        VersionEntry {
            major: bcd(major),
            minor: bcd(minor),
            update: update.map_or(0xFF, bcd),
            alpha,
        }
    }
    /// The four bytes as sent.
    pub const fn to_bytes(self) -> [u8; 4] {
        [self.major, self.minor, self.update, self.alpha]
    }
}

/// Renders `1.3.1`, `1.0`, `1.2a`.
impl fmt::Display for VersionEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_bcd(f, self.major)?;
        f.write_str(".")?;
        write_bcd(f, self.minor)?;
        if self.update != 0xFF {
            f.write_str(".")?;
            write_bcd(f, self.update)?;
        }
        match self.alpha {
            0 => Ok(()),
            a if a.is_ascii_graphic() => write!(f, "{}", a as char),
            a => write!(f, " alpha=0x{a:02x}"),
        }
    }
}

impl EmitBody for VersionEntry {
    fn buffer_len(&self) -> usize {
        4
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf.copy_from_slice(&self.to_bytes());
    }
}

impl<'a> ListEntry<'a> for VersionEntry {
    fn parse_entry(data: &'a [u8], _: usize) -> Result<(Self, usize)> {
        Ok((
            VersionEntry {
                major: byte(data, 0)?,
                minor: byte(data, 1)?,
                update: byte(data, 2)?,
                alpha: byte(data, 3)?,
            },
            4,
        ))
    }

    fn describe_entry(&self, v: &mut dyn Visitor) {
        v.field(&Field::new("major", 0, 1, Value::hex8(self.major)));
        v.field(&Field::new("minor", 1, 1, Value::hex8(self.minor)));
        v.field(
            &Field::new("update", 2, 1, Value::hex8(self.update)).meaning(if self.update == 0xFF {
                Some("none")
            } else {
                None
            }),
        );
        v.field(
            &Field::new("alpha", 3, 1, Value::hex8(self.alpha)).meaning(if self.alpha == 0 {
                Some("none")
            } else {
                None
            }),
        );
        v.field(&Field::derived("version", Value::Display(self)));
    }
}

/// Get MCTP Version Support response data (completion code SUCCESS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetMctpVersionSupportResponse<'a> {
    /// The version entries; `entries.len()` is the entry count.
    pub version_number_entries: Entries<'a, VersionEntry>,
}

impl<'a> GetMctpVersionSupportResponse<'a> {
    /// An encoder for a response listing `versions` (for the builder).
    pub fn encoder(versions: &'a [VersionEntry]) -> ListBody<'a, VersionEntry> {
        ListBody::new(&[versions.len() as u8], versions)
    }
}

impl EmitBody for GetMctpVersionSupportResponse<'_> {
    fn buffer_len(&self) -> usize {
        1 + self.version_number_entries.buffer_len()
    }
    fn check(&self) -> Result<()> {
        self.version_number_entries.check()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.version_number_entries.len() as u8;
        self.version_number_entries.emit_exact(&mut buf[1..]);
    }
}

impl<'a> ControlBody<'a> for GetMctpVersionSupportResponse<'a> {
    const COMMAND: Command = Command::GetMctpVersionSupport;
    const REQUEST: bool = false;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        let count = byte(data, 0)?;
        let (entries, n) = Entries::parse(&data[1..], count.into(), 0).map_err(|e| e.shift(1))?;
        Ok((
            GetMctpVersionSupportResponse {
                version_number_entries: entries,
            },
            1 + n,
        ))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        w.write_str(" / versions")?;
        for (i, e) in self.version_number_entries.iter().enumerate() {
            write!(w, "{}{e}", if i == 0 { " " } else { ", " })?;
        }
        if self.version_number_entries.is_empty() {
            w.write_str(" (none)")?;
        }
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        uint8(
            v,
            "version_number_entry_count",
            0,
            self.version_number_entries.len() as u8,
        );
        self.version_number_entries
            .describe_list(v, "version_number_entries", 1);
    }
}
