//! PLDM bodies: dispatch by PLDM type to the per-type decoders.
//!
//! `data` handed to everything here starts after the command code (requests)
//! or after the completion code (responses); every offset in an `Error` or a
//! `Field` produced by a type module is relative to that start. The PLDM
//! header itself lives in `pldm/mod.rs` (`Header`, `Message`).
//!
//! # Per-type module contract
//!
//! Each PLDM type has one module under `pldm/` (`base` = 0, `platform` = 2,
//! `bios` = 3, `fru` = 4, `firmware_update` = 5, `rde` = 6). A type module
//! exposes exactly this surface, so the dispatch here is one line per type:
//!
//! ```ignore
//! /// The command's spec name (DSPxxxx command table), `None` when unknown.
//! pub fn command_name(command: u8) -> Option<&'static str>;
//!
//! /// Name of a *command-specific* completion code (0x80..=0xFF, or type-wide
//! /// codes of this type), `None` otherwise. The generic codes of DSP0240
//! /// Table 2 (`super::CompletionCode`) are tried by the dispatcher first.
//! pub fn completion_code_name(command: u8, cc: u8) -> Option<&'static str>;
//!
//! /// Typed request/response data of this type: one variant per decoded
//! /// command and direction (e.g. `GetTidResponse(GetTidResponse)`), each
//! /// holding a plain-data Repr. No Empty/Raw/Malformed variants: those stay
//! /// in `pldm::Body`. Derive Debug, Clone, Copy, PartialEq, Eq and
//! /// `#[cfg_attr(feature = "serde", derive(serde::Serialize))]`.
//! pub enum Body<'a> { ... }
//!
//! impl<'a> Body<'a> {
//!     /// Decode `data` for `header` (direction = `header.rq`, command =
//!     /// `header.command`). Returns:
//!     /// * `None` – this command/direction is not decoded by the module
//!     ///   (the dispatcher keeps it as `Body::Empty` / `Body::Raw`);
//!     /// * `Some(Err(e))` – truncated or invalid data (`Layer::Pldm`,
//!     ///   offset from the data start); becomes `Body::Malformed`;
//!     /// * `Some(Ok((body, used)))` – decoded from `data[..used]`. Bytes
//!     ///   after `used` are *trailing*: the dispatcher keeps them next to
//!     ///   the typed body, re-emits them, and reports them through
//!     ///   `problem()` as `ErrorKind::Trailing` (so the typed fields still
//!     ///   show). Variable-length bodies that run to the end of the message
//!     ///   simply return `used == data.len()`.
//!     ///
//!     /// Only requests and responses with completion code SUCCESS (0x00)
//!     /// are handed to `parse`: DSP0240 §8 error responses carry only the
//!     /// completion code, so the dispatcher makes them `Empty` (or `Raw`
//!     /// if bytes follow) without asking the type module.
//!     pub fn parse(header: &Header, data: &'a [u8]) -> Option<Result<(Self, usize)>>;
//!
//!     /// A problem inside a body that did decode (offset from the data
//!     /// start), e.g. GetPLDMVersion's bad CRC-32, a count that disagrees
//!     /// with the bytes present but was kept for display. Never a panic.
//!     pub fn problem(&self) -> Option<Error>;
//!
//!     /// Bytes `emit_bytes` writes (== `used` from `parse` for decoded data).
//!     pub fn buffer_len(&self) -> usize;
//!
//!     /// Encode into the start of `buf`; `Error::buffer_too_small(Layer::Pldm,
//!     /// ..)` when short. `parse(emit(x)) == x` for every value.
//!     pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize>;
//!
//!     /// Summary text WITHOUT a leading separator, e.g.
//!     /// `sensor 5: 42 (enabled, normal)`; the dispatcher writes " / "
//!     /// before it (and nothing when the body writes nothing).
//!     pub fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result;
//!
//!     /// Hand every field to `v` in wire order: `Field::new(name, offset,
//!     /// len, value)` with snake_case DMTF spec names as JSON keys
//!     /// (`sensor_id`, `present_reading`, `next_data_transfer_handle`),
//!     /// offsets from the data start; lists via `v.begin(.., Group::List
//!     /// / ListItem, ..)` / `v.end()`.
//!     pub fn describe(&self, v: &mut dyn Visitor);
//! }
//! ```
//!
//! `pldm::Body` has one variant per decoded type holding `{ body, trailing }`
//! (`Base`, `Platform`, `Bios`, `Fru`, `FirmwareUpdate`, `Rde`) next to
//! `Empty`, `Raw` and `Malformed`. Types 3 (BIOS) and 6 (RDE) only name
//! their commands; their `parse` returns `None` (raw bodies).
//!
//! Shared helpers for type modules (bounds-checked readers returning
//! `Layer::Pldm` truncation errors, trailing-error builder) are in
//! `pldm::body::read` below; use them instead of indexing.

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
