//! Table-driven body layouts for vendor decoders.
//!
//! Vendor command sets are many small fixed structures; instead of one
//! hand-written parser per command, a decoder lists a body as a slice of
//! [`Item`]s and [`walk`] checks lengths, hands every field to a visitor
//! and reports the first problem. Offsets are relative to the start of the
//! body slice it is given. Nothing allocates.

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::{Error, ErrorKind, Layer};

/// How one field is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One byte.
    U8,
    /// Little-endian u16 (Cerberus bodies are little-endian).
    U16Le,
    /// Little-endian u32.
    U32Le,
    /// Big-endian u16.
    U16Be,
    /// Big-endian u32.
    U32Be,
    /// A fixed number of opaque bytes.
    Bytes(usize),
    /// A fixed number of bytes of NUL-padded ASCII text.
    Ascii(usize),
    /// Opaque bytes whose length is the value of the previous `U8` field.
    SizedByPrevious,
    /// Everything that is left (may be empty).
    Rest,
}

impl Kind {
    const fn fixed_len(self) -> Option<usize> {
        match self {
            Kind::U8 => Some(1),
            Kind::U16Le | Kind::U16Be => Some(2),
            Kind::U32Le | Kind::U32Be => Some(4),
            Kind::Bytes(n) | Kind::Ascii(n) => Some(n),
            Kind::SizedByPrevious | Kind::Rest => None,
        }
    }
}

/// One field of a body layout.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    /// snake_case name (JSON key).
    pub name: &'static str,
    /// Layout.
    pub kind: Kind,
    /// Names of values, for code fields.
    pub names: Option<fn(u64) -> Option<&'static str>>,
}

impl Item {
    /// A field without value names.
    pub const fn new(name: &'static str, kind: Kind) -> Self {
        Item {
            name,
            kind,
            names: None,
        }
    }
    /// A code field whose values have names.
    pub const fn named(
        name: &'static str,
        kind: Kind,
        names: fn(u64) -> Option<&'static str>,
    ) -> Self {
        Item {
            name,
            kind,
            names: Some(names),
        }
    }
}

/// A decoded scalar or slice, handed to the walk callback.
#[derive(Debug, Clone, Copy)]
pub enum Decoded<'a> {
    /// A number.
    Num(u64),
    /// Bytes.
    Bytes(&'a [u8]),
}

/// Walk `items` over `data`, calling `f(item, offset, len, value)` for each
/// field present. Returns the first problem: a field cut short
/// (`Truncated`, offset relative to `data`) or bytes after the last field
/// (`Trailing`). Fields before the problem are still reported.
pub fn walk<'a>(
    layer: Layer,
    items: &[Item],
    data: &'a [u8],
    mut f: impl FnMut(&Item, usize, usize, Decoded<'a>),
) -> Option<Error> {
    let mut at = 0usize;
    let mut prev: u64 = 0;
    for item in items {
        let len = match item.kind.fixed_len() {
            Some(n) => n,
            None if item.kind == Kind::Rest => data.len().saturating_sub(at),
            None => usize::try_from(prev).unwrap_or(usize::MAX),
        };
        let end = match at.checked_add(len) {
            Some(e) if e <= data.len() => e,
            _ => return Some(Error::truncated(layer, at.saturating_add(len), data.len())),
        };
        let bytes = &data[at..end];
        let value = match item.kind {
            Kind::U8 => Decoded::Num(bytes[0].into()),
            Kind::U16Le => Decoded::Num(u16::from_le_bytes([bytes[0], bytes[1]]).into()),
            Kind::U16Be => Decoded::Num(u16::from_be_bytes([bytes[0], bytes[1]]).into()),
            Kind::U32Le => {
                Decoded::Num(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]).into())
            }
            Kind::U32Be => {
                Decoded::Num(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]).into())
            }
            _ => Decoded::Bytes(bytes),
        };
        if let Decoded::Num(n) = value {
            prev = n;
        }
        f(item, at, len, value);
        at = end;
    }
    if at < data.len() {
        return Some(Error {
            layer,
            offset: at,
            kind: ErrorKind::Trailing {
                extra: data.len() - at,
            },
        });
    }
    None
}

/// NUL-padded ASCII as text, `None` when it is not ASCII.
pub fn ascii(bytes: &[u8]) -> Option<&str> {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let s = &bytes[..end];
    if s.iter().all(|b| b.is_ascii() && !b.is_ascii_control()) {
        core::str::from_utf8(s).ok()
    } else {
        None
    }
}

/// Hand every field of `items` over `data` to `v`; returns the problem.
pub fn describe(layer: Layer, items: &[Item], data: &[u8], v: &mut dyn Visitor) -> Option<Error> {
    walk(layer, items, data, |item, at, len, value| {
        let field = match (item.kind, value) {
            (Kind::U8, Decoded::Num(n)) => Field::new(item.name, at, len, hex_or_uint(item, n, 2)),
            (Kind::U16Le | Kind::U16Be, Decoded::Num(n)) => {
                Field::new(item.name, at, len, hex_or_uint(item, n, 4))
            }
            (_, Decoded::Num(n)) => Field::new(item.name, at, len, hex_or_uint(item, n, 8)),
            (Kind::Ascii(_), Decoded::Bytes(b)) => match ascii(b) {
                Some(s) => Field::new(item.name, at, len, Value::Str(s)),
                None => Field::new(item.name, at, len, Value::Bytes(b)),
            },
            (_, Decoded::Bytes(b)) => Field::new(item.name, at, len, Value::Bytes(b)),
        };
        let meaning = match (item.names, value) {
            (Some(names), Decoded::Num(n)) => names(n),
            _ => None,
        };
        v.field(&field.meaning(meaning));
    })
}

/// Code fields (with names) show in hex, counts and sizes in decimal.
fn hex_or_uint(item: &Item, n: u64, digits: u8) -> Value<'static> {
    if item.names.is_some() {
        Value::Hex { value: n, digits }
    } else {
        Value::Uint(n)
    }
}

/// Write up to `max` scalar fields as ` name=value` (value names preferred)
/// and ASCII fields as ` name="text"`: the tail of a one-line summary.
pub fn summary(items: &[Item], data: &[u8], max: usize, w: &mut dyn fmt::Write) -> fmt::Result {
    let mut shown = 0usize;
    let mut res = Ok(());
    walk(Layer::Vdm, items, data, |item, _, _, value| {
        if shown >= max || res.is_err() || item.name == "reserved" {
            return;
        }
        res = match (item.kind, value) {
            (_, Decoded::Num(n)) => {
                shown += 1;
                match item.names.and_then(|f| f(n)) {
                    Some(name) => write!(w, " {}={}", item.name, name),
                    None if item.names.is_some() => write!(w, " {}={:#x}", item.name, n),
                    None => write!(w, " {}={}", item.name, n),
                }
            }
            (Kind::Ascii(_), Decoded::Bytes(b)) => {
                shown += 1;
                match ascii(b) {
                    Some(s) => write!(w, " {}=\"{}\"", item.name, s),
                    None => write!(w, " {}=<{} bytes>", item.name, b.len()),
                }
            }
            _ => Ok(()),
        };
    });
    res
}
