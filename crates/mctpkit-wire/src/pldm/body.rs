//! PLDM bodies: dispatch by PLDM type to the per-type decoders.
//!
//! PLACEHOLDER: typed bodies land per type (`base`, `platform`, `bios`,
//! `fru`, `firmware_update`, `rde`). `data` starts after the command code
//! (requests) or the completion code (responses); offsets are relative to it.

use core::fmt;

use crate::describe::{Field, HexBytes, Value, Visitor};
use crate::error::{Error, Layer, Result};

use super::{CompletionCode, Header, PldmType};

/// Decoded request or response data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body<'a> {
    /// No data.
    Empty,
    /// Data of a command this version does not decode.
    Raw(&'a [u8]),
    /// Data that failed to decode.
    Malformed { error: Error, raw: &'a [u8] },
}

/// Name of `command` within `pldm_type`.
pub fn command_name(pldm_type: PldmType, command: u8) -> Option<&'static str> {
    let _ = (pldm_type, command);
    None
}

/// Name of a completion code for a type and command (generic codes and the
/// type's command-specific ones).
pub fn completion_code_name(pldm_type: PldmType, command: u8, cc: u8) -> Option<&'static str> {
    let _ = (pldm_type, command);
    CompletionCode::from_value(cc).name()
}

impl<'a> Body<'a> {
    /// Decode `data` for `header`'s type, command and direction.
    pub fn parse(header: &Header, data: &'a [u8]) -> Result<Body<'a>> {
        let _ = header;
        Ok(if data.is_empty() {
            Body::Empty
        } else {
            Body::Raw(data)
        })
    }

    /// A problem in a decoded body (offset from the data start).
    pub fn problem(&self) -> Option<Error> {
        match self {
            Body::Malformed { error, .. } => Some(*error),
            _ => None,
        }
    }

    /// Encoded length.
    pub fn buffer_len(&self) -> usize {
        match self {
            Body::Empty => 0,
            Body::Raw(d) | Body::Malformed { raw: d, .. } => d.len(),
        }
    }

    /// Encode into `buf`.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Pldm, n, buf.len()));
        }
        if let Body::Raw(d) | Body::Malformed { raw: d, .. } = self {
            buf[..n].copy_from_slice(d);
        }
        Ok(n)
    }

    /// Append the body's summary (" / ..." when non-empty).
    pub fn summary(&self, _h: &Header, w: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            Body::Empty => Ok(()),
            Body::Raw(d) => write!(w, " / data={}", HexBytes(d)),
            Body::Malformed { error, .. } => write!(w, " / malformed: {}", error.kind),
        }
    }

    /// Hand the body's fields to `v` (offsets from the data start).
    pub fn describe(&self, _h: &Header, v: &mut dyn Visitor) {
        match self {
            Body::Empty => {}
            Body::Raw(d) => v.field(&Field::new("data", 0, d.len(), Value::Bytes(d))),
            Body::Malformed { error, raw } => {
                v.field(&Field::new("data", 0, raw.len(), Value::Bytes(raw)));
                v.field(&Field::derived("error", Value::Display(error)));
            }
        }
    }
}
