//! Get Message Type Support (command 0x05, DSP0236 §12.7). No request data.
//!
//! ```text
//!  response byte 0  message type count
//!           then    count × message type number (one byte each)
//! ```

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::Result;
use crate::mctp::MessageType;

use super::common::{byte, count_fits, uint8, ControlBody, EmitBody, Entries, ListBody, ListEntry};
use super::Command;

/// One supported message type (DSP0239 number; bit 7 is the IC bit in a
/// type byte but is not part of this number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MessageTypeEntry {
    pub message_type: MessageType,
}

impl EmitBody for MessageTypeEntry {
    fn buffer_len(&self) -> usize {
        1
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.message_type.value();
    }
}

impl<'a> ListEntry<'a> for MessageTypeEntry {
    fn parse_entry(data: &'a [u8], _: usize) -> Result<(Self, usize)> {
        Ok((
            MessageTypeEntry {
                message_type: MessageType::from_value(byte(data, 0)?),
            },
            1,
        ))
    }
    fn describe_entry(&self, v: &mut dyn Visitor) {
        v.field(
            &Field::new("message_type", 0, 1, Value::hex8(self.message_type.value()))
                .meaning(self.message_type.name()),
        );
    }
}

/// Get Message Type Support response data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetMessageTypeSupportResponse<'a> {
    /// The supported message types; `len()` is the message type count.
    pub message_types: Entries<'a, MessageTypeEntry>,
}

/// Encoder for a response from raw message type numbers (for the builder).
#[derive(Debug, Clone, Copy)]
pub struct MessageTypeList<'a>(pub &'a [u8]);

impl EmitBody for MessageTypeList<'_> {
    fn buffer_len(&self) -> usize {
        1 + self.0.len()
    }
    fn check(&self) -> Result<()> {
        count_fits(self.0.len(), 0)
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.0.len() as u8;
        buf[1..].copy_from_slice(self.0);
    }
}

impl<'a> GetMessageTypeSupportResponse<'a> {
    /// An encoder for a response listing typed entries.
    pub fn encoder(types: &'a [MessageTypeEntry]) -> ListBody<'a, MessageTypeEntry> {
        ListBody::new(&[types.len() as u8], types)
    }
    /// Iterate over the message type numbers.
    pub fn types(&self) -> impl Iterator<Item = MessageType> + 'a {
        self.message_types.iter().map(|e| e.message_type)
    }
}

impl EmitBody for GetMessageTypeSupportResponse<'_> {
    fn buffer_len(&self) -> usize {
        1 + self.message_types.buffer_len()
    }
    fn check(&self) -> Result<()> {
        self.message_types.check()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.message_types.len() as u8;
        self.message_types.emit_exact(&mut buf[1..]);
    }
}

impl<'a> ControlBody<'a> for GetMessageTypeSupportResponse<'a> {
    const COMMAND: Command = Command::GetMessageTypeSupport;
    const REQUEST: bool = false;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        let count = byte(data, 0)?;
        let (message_types, n) =
            Entries::parse(&data[1..], count.into(), 0).map_err(|e| e.shift(1))?;
        Ok((GetMessageTypeSupportResponse { message_types }, 1 + n))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        w.write_str(" / types")?;
        for (i, t) in self.types().enumerate() {
            w.write_str(if i == 0 { " " } else { ", " })?;
            match t.name() {
                Some(n) => w.write_str(n)?,
                None => write!(w, "0x{:02x}", t.value())?,
            }
        }
        if self.message_types.is_empty() {
            w.write_str(" (none)")?;
        }
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        uint8(v, "message_type_count", 0, self.message_types.len() as u8);
        self.message_types.describe_list(v, "message_types", 1);
    }
}
