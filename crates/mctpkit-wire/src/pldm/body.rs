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
//! The type `Body` must derive `Eq` too (`pldm::Message` is `Eq`; keep
//! real32 fields as `u32` bits). A body whose `buffer_len()` is 0 with no
//! trailing bytes is shown as `pldm::Body::Empty`.
//!
//! Shared helpers for type modules, so a new type is mostly Reprs:
//! * `pldm::body::read` – bounds-checked little-endian readers returning
//!   `Layer::Pldm` truncation errors, `trailing`, `invalid`; use them
//!   instead of indexing;
//! * `pldm::body::show` – `describe` field helpers (`uint`, `hex`, `bytes`);
//! * [`PldmRepr`] – the per-command Repr trait (`parse_prefix`,
//!   `buffer_len`, `emit_exact`, `summary`, `describe`, `problem`);
//! * `pldm_type_body!` – generates the type's `Body` enum (with `NoData`)
//!   and the whole contract above from a `(is_request, Command) =>
//!   Variant(Repr)` table; see `base.rs` / `platform.rs` for use.

use core::fmt;

use crate::describe::{Field, HexBytes, Value, Visitor};
use crate::error::{Error, Layer, Result};

use super::{base, bios, firmware_update, fru, platform, rde, CompletionCode, Header, PldmType};

/// Bounds-checked little-endian readers for type modules (PLDM multi-byte
/// fields are little-endian, DSP0240 §7). Errors are `Layer::Pldm`
/// truncations with offsets relative to the slice handed in.
pub mod read {
    use crate::error::{Error, ErrorKind, Layer, Result};

    /// Byte `at`.
    #[inline]
    pub fn u8_at(d: &[u8], at: usize) -> Result<u8> {
        d.get(at)
            .copied()
            .ok_or(Error::truncated(Layer::Pldm, at + 1, d.len()))
    }
    /// `d[at..at + n]`.
    #[inline]
    pub fn bytes(d: &[u8], at: usize, n: usize) -> Result<&[u8]> {
        at.checked_add(n)
            .and_then(|end| d.get(at..end))
            .ok_or(Error::truncated(Layer::Pldm, at.saturating_add(n), d.len()))
    }
    /// Fixed-size array at `at`.
    #[inline]
    pub fn array<const N: usize>(d: &[u8], at: usize) -> Result<[u8; N]> {
        let b = bytes(d, at, N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(b);
        Ok(a)
    }
    /// Little-endian u16.
    #[inline]
    pub fn le16(d: &[u8], at: usize) -> Result<u16> {
        Ok(u16::from_le_bytes(array(d, at)?))
    }
    /// Little-endian u32.
    #[inline]
    pub fn le32(d: &[u8], at: usize) -> Result<u32> {
        Ok(u32::from_le_bytes(array(d, at)?))
    }
    /// `d[at..]` (empty when `at == len`).
    #[inline]
    pub fn rest(d: &[u8], at: usize) -> Result<&[u8]> {
        d.get(at..)
            .ok_or(Error::truncated(Layer::Pldm, at, d.len()))
    }
    /// `extra` unexpected bytes at `offset`.
    pub const fn trailing(offset: usize, extra: usize) -> Error {
        Error {
            layer: Layer::Pldm,
            offset,
            kind: ErrorKind::Trailing { extra },
        }
    }
    /// A field value the decoder cannot accept.
    pub const fn invalid(
        offset: usize,
        field: &'static str,
        value: u32,
        expected: &'static str,
    ) -> Error {
        Error::invalid(Layer::Pldm, offset, field, value, expected)
    }
}

/// A per-command request or response data `Repr` (the building block of
/// the per-type `Body` enums). Offsets are relative to the data start.
pub trait PldmRepr<'a>: Sized {
    /// Decode from the start of `data`; returns the value and bytes used.
    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)>;
    /// Encoded length.
    fn buffer_len(&self) -> usize;
    /// Encode into `buf`, which is exactly `buffer_len()` bytes long.
    fn emit_exact(&self, buf: &mut [u8]);
    /// Summary text without a leading separator.
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result;
    /// Field walk.
    fn describe(&self, v: &mut dyn Visitor);
    /// A problem in decoded data (bad CRC...), offset from the data start.
    fn problem(&self) -> Option<Error> {
        None
    }
    /// Encode into the start of `buf`.
    fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Pldm, n, buf.len()));
        }
        self.emit_exact(&mut buf[..n]);
        Ok(n)
    }
    /// Decode `data` exactly (trailing bytes are an error).
    fn parse(data: &'a [u8]) -> Result<Self> {
        let (v, n) = Self::parse_prefix(data)?;
        if n < data.len() {
            return Err(read::trailing(n, data.len() - n));
        }
        Ok(v)
    }
}

/// Declare a per-type `Body` enum over command `Repr`s (see the module
/// docs for the contract it implements). `none` lists (direction, command)
/// pairs whose data is empty; `typed` maps (direction, command) to a
/// variant holding a [`PldmRepr`]. Direction `true` = request.
macro_rules! pldm_type_body {
    (
        $(#[$m:meta])*
        pub enum $name:ident<$lt:lifetime> for $cmd:ident {
            none: [$(($nrq:literal, $ncmd:ident)),* $(,)?],
            typed: [$(($rq:literal, $c:ident) => $var:ident($ty:ty)),* $(,)?] $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        #[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
        #[non_exhaustive]
        pub enum $name<$lt> {
            /// A command whose data in this direction is empty.
            NoData,
            $(
                #[doc = concat!("`", stringify!($c), "` data.")]
                $var($ty),
            )*
        }

        impl<$lt> $name<$lt> {
            /// Decode per the contract in `pldm::body`.
            pub fn parse(
                header: &$crate::pldm::Header,
                data: &$lt [u8],
            ) -> Option<$crate::error::Result<(Self, usize)>> {
                use $crate::pldm::body::PldmRepr as _;
                let _ = data;
                Some(match (header.rq, $cmd::from_value(header.command)) {
                    $(($nrq, $cmd::$ncmd) => Ok(($name::NoData, 0)),)*
                    $(($rq, $cmd::$c) => <$ty>::parse_prefix(data).map(|(b, n)| ($name::$var(b), n)),)*
                    _ => return None,
                })
            }

            /// A problem inside decoded data (offset from the data start).
            pub fn problem(&self) -> Option<$crate::error::Error> {
                use $crate::pldm::body::PldmRepr as _;
                match self {
                    $name::NoData => None,
                    $($name::$var(b) => b.problem(),)*
                }
            }

            /// Encoded length.
            pub fn buffer_len(&self) -> usize {
                use $crate::pldm::body::PldmRepr as _;
                match self {
                    $name::NoData => 0,
                    $($name::$var(b) => b.buffer_len(),)*
                }
            }

            /// Encode into the start of `buf`.
            pub fn emit_bytes(&self, buf: &mut [u8]) -> $crate::error::Result<usize> {
                use $crate::pldm::body::PldmRepr as _;
                match self {
                    $name::NoData => Ok(0),
                    $($name::$var(b) => b.emit_bytes(buf),)*
                }
            }

            /// Summary text (no leading separator).
            pub fn summary(&self, w: &mut dyn core::fmt::Write) -> core::fmt::Result {
                use $crate::pldm::body::PldmRepr as _;
                match self {
                    $name::NoData => Ok(()),
                    $($name::$var(b) => b.summary(w),)*
                }
            }

            /// Field walk (offsets from the data start).
            pub fn describe(&self, v: &mut dyn $crate::describe::Visitor) {
                use $crate::pldm::body::PldmRepr as _;
                match self {
                    $name::NoData => {}
                    $($name::$var(b) => b.describe(v),)*
                }
            }
        }

    };
}
pub(crate) use pldm_type_body;

/// Declare the dispatch over per-type bodies: one line per PLDM type.
macro_rules! dispatch {
    ($($var:ident => $module:ident, $ty:ident;)*) => {
        /// Decoded request or response data.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Body<'a> {
            /// No data.
            Empty,
            /// Data of a command this version does not decode (or of an
            /// error response, whose layout the specifications leave open).
            Raw(&'a [u8]),
            /// Data that failed to decode.
            Malformed { error: Error, raw: &'a [u8] },
            $(
                #[doc = concat!("PLDM type `", stringify!($ty), "` data, plus any bytes after it.")]
                $var { body: $module::Body<'a>, trailing: &'a [u8] },
            )*
        }

        /// Name of `command` within `pldm_type`.
        pub fn command_name(pldm_type: PldmType, command: u8) -> Option<&'static str> {
            match pldm_type {
                $(PldmType::$ty => $module::command_name(command),)*
                _ => None,
            }
        }

        /// Name of a completion code for a type and command: the generic
        /// codes of DSP0240 Table 2 first, then the type's own.
        pub fn completion_code_name(pldm_type: PldmType, command: u8, cc: u8) -> Option<&'static str> {
            if let Some(n) = CompletionCode::from_value(cc).name() {
                return Some(n);
            }
            match pldm_type {
                $(PldmType::$ty => $module::completion_code_name(command, cc),)*
                _ => None,
            }
        }

        impl<'a> Body<'a> {
            /// Decode `data` for `header`'s type, command and direction.
            /// Only requests and SUCCESS responses reach the type modules.
            pub fn parse(header: &Header, data: &'a [u8]) -> Result<Body<'a>> {
                let raw = || if data.is_empty() { Body::Empty } else { Body::Raw(data) };
                if !header.rq && header.completion_code != Some(0) {
                    return Ok(raw());
                }
                let typed = match header.pldm_type {
                    $(PldmType::$ty => $module::Body::parse(header, data)
                        .map(|r| r.map(|(b, n)| (Body::$var { body: b, trailing: &data[n.min(data.len())..] }, n))),)*
                    _ => None,
                };
                match typed {
                    None => Ok(raw()),
                    Some(Err(e)) => Err(e),
                    Some(Ok((b, n))) => {
                        if n == 0 && b.is_no_data() {
                            Ok(raw())
                        } else {
                            Ok(b)
                        }
                    }
                }
            }

            fn is_no_data(&self) -> bool {
                match self {
                    $(Body::$var { body, trailing } => trailing.is_empty() && body.buffer_len() == 0,)*
                    _ => false,
                }
            }

            fn typed_len(&self) -> usize {
                match self {
                    $(Body::$var { body, .. } => body.buffer_len(),)*
                    _ => 0,
                }
            }

            /// Bytes after the typed data (empty unless the sender added some).
            pub fn trailing(&self) -> &'a [u8] {
                match *self {
                    $(Body::$var { trailing, .. } => trailing,)*
                    _ => &[],
                }
            }

            /// A problem in a decoded body (offset from the data start):
            /// the decode error, trailing bytes, or a type-level problem such
            /// as a bad CRC.
            pub fn problem(&self) -> Option<Error> {
                match self {
                    Body::Malformed { error, .. } => Some(*error),
                    $(Body::$var { body, trailing } => body.problem().or_else(|| {
                        (!trailing.is_empty()).then(|| read::trailing(body.buffer_len(), trailing.len()))
                    }),)*
                    _ => None,
                }
            }

            /// Encoded length.
            pub fn buffer_len(&self) -> usize {
                match self {
                    Body::Empty => 0,
                    Body::Raw(d) | Body::Malformed { raw: d, .. } => d.len(),
                    _ => self.typed_len() + self.trailing().len(),
                }
            }

            /// Encode into `buf`.
            pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
                let n = self.buffer_len();
                if buf.len() < n {
                    return Err(Error::buffer_too_small(Layer::Pldm, n, buf.len()));
                }
                match self {
                    Body::Empty => {}
                    Body::Raw(d) | Body::Malformed { raw: d, .. } => buf[..n].copy_from_slice(d),
                    $(Body::$var { body, trailing } => {
                        let m = body.emit_bytes(buf)?;
                        buf[m..m + trailing.len()].copy_from_slice(trailing);
                    })*
                }
                Ok(n)
            }

            /// Append the body's summary (" / ..." when non-empty).
            pub fn summary(&self, _h: &Header, w: &mut dyn fmt::Write) -> fmt::Result {
                match self {
                    Body::Empty => Ok(()),
                    Body::Raw(d) => write!(w, " / data={}", HexBytes(d)),
                    Body::Malformed { error, .. } => write!(w, " / malformed: {}", error.kind.brief()),
                    $(Body::$var { body, trailing } => {
                        let mut probe = Probe(false);
                        let _ = body.summary(&mut probe);
                        if probe.0 {
                            w.write_str(" / ")?;
                            body.summary(w)?;
                        }
                        if let Some(e) = body.problem() {
                            write!(w, " !! {}", e.kind)?;
                        }
                        if !trailing.is_empty() {
                            write!(w, " !! {} trailing bytes", trailing.len())?;
                        }
                        Ok(())
                    })*
                }
            }

            /// Hand the body's fields to `v` (offsets from the data start).
            pub fn describe(&self, _h: &Header, v: &mut dyn Visitor) {
                match self {
                    Body::Empty => {}
                    Body::Raw(d) => v.field(&Field::new("data", 0, d.len(), Value::Bytes(d))),
                    // The error is the layer's `error` (Message::describe).
                    Body::Malformed { raw, .. } => {
                        v.field(&Field::new("data", 0, raw.len(), Value::Bytes(raw)));
                    }
                    $(Body::$var { body, trailing } => {
                        body.describe(v);
                        if !trailing.is_empty() {
                            let at = body.buffer_len();
                            v.field(&Field::new("trailing", at, trailing.len(), Value::Bytes(trailing)));
                        }

                    })*
                }
            }
        }
    };
}

dispatch! {
    Base => base, Base;
    Platform => platform, Platform;
    Bios => bios, Bios;
    Rde => rde, Rde;
    Fru => fru, Fru;
    FirmwareUpdate => firmware_update, FirmwareUpdate;
}

/// Detects whether a summary writes anything.
struct Probe(bool);

impl fmt::Write for Probe {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if !s.is_empty() {
            self.0 = true;
            // Answer known: stop the probed summary here instead of
            // formatting it twice (hot path of capture listings).
            return Err(fmt::Error);
        }
        Ok(())
    }
}

/// Field helpers for type modules' `describe` walks.
pub mod show {
    use crate::describe::{Field, Value, Visitor};

    /// A decimal number of `len` bytes at `at`.
    pub fn uint(v: &mut dyn Visitor, name: &'static str, at: usize, len: usize, x: u64) {
        v.field(&Field::new(name, at, len, Value::Uint(x)));
    }
    /// A hex number of `len` bytes at `at`, with an optional meaning.
    pub fn hex(
        v: &mut dyn Visitor,
        name: &'static str,
        at: usize,
        len: usize,
        x: u64,
        m: Option<&str>,
    ) {
        v.field(
            &Field::new(
                name,
                at,
                len,
                Value::Hex {
                    value: x,
                    digits: (len * 2).min(16) as u8,
                },
            )
            .meaning(m),
        );
    }
    /// Opaque bytes at `at`.
    pub fn bytes(v: &mut dyn Visitor, name: &'static str, at: usize, b: &[u8]) {
        v.field(&Field::new(name, at, b.len(), Value::Bytes(b)));
    }
    /// A boolean byte at `at`.
    pub fn flag(v: &mut dyn Visitor, name: &'static str, at: usize, b: bool) {
        v.field(&Field::new(name, at, 1, Value::Bool(b)));
    }
}
