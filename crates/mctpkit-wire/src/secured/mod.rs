//! Secured messages using SPDM (DSP0276/DSP0277).
//!
//! PLACEHOLDER: the family decoder replaces this file. The contract every
//! message family keeps (see `crate::message`):
//! `Message::parse(msg)` with `msg` starting at the MCTP type byte (header
//! errors → `Err`; body errors are kept inside the value so the header still
//! shows), `problem()` (a body error, offset from the type byte),
//! `integrity()` (a message integrity check, if the family has one) and a
//! `Describe` impl whose layer is `Layer::Secured`.

use core::fmt;

use crate::binding::Integrity;
use crate::describe::{Describe, Field, HexBytes, Value, Visitor};
use crate::error::{need, Error, Layer, Result};
use crate::mctp::TypeByte;

/// A Secured message (not decoded yet: type byte and raw body).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    pub type_byte: TypeByte,
    pub body: &'a [u8],
}

impl<'a> Message<'a> {
    /// Decode a message starting at its type byte.
    pub fn parse(msg: &'a [u8]) -> Result<Message<'a>> {
        need(Layer::Secured, msg, 1)?;
        Ok(Message {
            type_byte: TypeByte::from_byte(msg[0]),
            body: &msg[1..],
        })
    }

    /// A body that did not decode (offset from the type byte).
    pub fn problem(&self) -> Option<Error> {
        None
    }

    /// The message integrity check and its verdict, if present.
    pub fn integrity(&self) -> Option<Integrity> {
        None
    }
}

impl Describe for Message<'_> {
    fn layer(&self) -> Layer {
        Layer::Secured
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "Secured ({} bytes) {}",
            self.body.len(),
            HexBytes(&self.body[..self.body.len().min(16)])
        )
    }

    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::bits("ic", 0, 7, 7, Value::Bool(self.type_byte.ic)));
        v.field(&Field::new(
            "body",
            1,
            self.body.len(),
            Value::Bytes(self.body),
        ));
    }
}
