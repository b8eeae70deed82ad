//! A whole MCTP message: the type byte and a decoded body, by message type.
//!
//! This is the dispatch point for message families. Types without a decoder
//! yet become [`Message::Undecoded`] with the raw body.

use core::fmt;

use crate::control;
use crate::describe::{Describe, Field, HexBytes, Value, Visitor};
use crate::error::{need, Layer, Result};
use crate::mctp::{MessageType, TypeByte};

/// A decoded message (starting at its type byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Message<'a> {
    /// MCTP control (type 0).
    Control(control::Message<'a>),
    /// A type without a decoder in this version: type byte and raw body.
    Undecoded { type_byte: TypeByte, body: &'a [u8] },
}

impl<'a> Message<'a> {
    /// Decode a message that starts with its type byte.
    pub fn parse(msg: &'a [u8]) -> Result<Message<'a>> {
        need(Layer::Message, msg, 1)?;
        let type_byte = TypeByte::from_byte(msg[0]);
        Ok(match type_byte.msg_type {
            MessageType::Control if !type_byte.ic => {
                Message::Control(control::Message::parse(msg)?)
            }
            _ => Message::Undecoded {
                type_byte,
                body: &msg[1..],
            },
        })
    }

    /// The layer object for summaries, field lists and JSON.
    pub fn as_describe(&self) -> &dyn Describe {
        match self {
            Message::Control(m) => m,
            Message::Undecoded { .. } => self,
        }
    }
}

impl Describe for Message<'_> {
    fn layer(&self) -> Layer {
        match self {
            Message::Control(_) => Layer::Control,
            Message::Undecoded { .. } => Layer::Undecoded,
        }
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            Message::Control(m) => m.summary(w),
            Message::Undecoded { type_byte, body } => {
                match type_byte.msg_type.name() {
                    Some(n) => write!(w, "{n}")?,
                    None => write!(w, "type {:#04x}", type_byte.msg_type.value())?,
                }
                write!(w, " ({} bytes, not decoded)", body.len())?;
                if !body.is_empty() {
                    let shown = &body[..body.len().min(16)];
                    write!(w, " {}", HexBytes(shown))?;
                    if body.len() > shown.len() {
                        w.write_str("...")?;
                    }
                }
                Ok(())
            }
        }
    }

    fn describe(&self, v: &mut dyn Visitor) {
        match self {
            Message::Control(m) => m.describe(v),
            Message::Undecoded { type_byte, body } => {
                v.field(
                    &Field::bits("msg_type", 0, 6, 0, Value::hex8(type_byte.msg_type.value()))
                        .meaning(type_byte.msg_type.name()),
                );
                v.field(&Field::new("body", 1, body.len(), Value::Bytes(body)));
            }
        }
    }
}
