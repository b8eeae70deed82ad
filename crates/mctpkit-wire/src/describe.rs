//! One description per layer, three renderings.
//!
//! Every decoded layer implements [`Describe`]: a one-line `summary` and a
//! `describe` walk that hands each field (name, value, meaning, byte offset
//! and length) to a [`Visitor`]. The dissector's field tree, its JSON form
//! and (later) the Python dict all come from this single walk, so the three
//! can never disagree. Nothing here allocates: it works in `no_std`.

use core::fmt;

use crate::error::{Error, Layer};

/// A field's value.
#[derive(Clone, Copy)]
pub enum Value<'a> {
    /// An unsigned number shown in decimal (counts, sizes, sequence numbers).
    Uint(u64),
    /// An unsigned number shown in hex with `digits` digits (EIDs, codes, addresses).
    Hex { value: u64, digits: u8 },
    /// A flag bit.
    Bool(bool),
    /// Opaque bytes (shown as hex, JSON as a hex string).
    Bytes(&'a [u8]),
    /// Text.
    Str(&'a str),
    /// A computed rendering (a version number, a UUID); JSON as a string.
    Display(&'a dyn fmt::Display),
    /// A decode error, positioned like a field: its offsets count from the
    /// start of the structure being described, and [`Shifted`] and the
    /// renderers re-base it (with [`Error::shift`]) so that what is shown is
    /// absolute, like every other offset. JSON: the error's text.
    Error(&'a Error),
    /// No value (e.g. the completion code of a request).
    Null,
}

impl<'a> Value<'a> {
    /// A byte shown as `0x..`.
    pub const fn hex8(v: u8) -> Self {
        Value::Hex {
            value: v as u64,
            digits: 2,
        }
    }
    /// A 16-bit value shown as `0x....`.
    pub const fn hex16(v: u16) -> Self {
        Value::Hex {
            value: v as u64,
            digits: 4,
        }
    }
    /// A 32-bit value shown as `0x........`.
    pub const fn hex32(v: u32) -> Self {
        Value::Hex {
            value: v as u64,
            digits: 8,
        }
    }
}

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::Uint(v) => write!(f, "{v}"),
            Value::Hex { value, digits } => {
                write!(f, "0x{value:0width$x}", width = digits as usize)
            }
            Value::Bool(b) => f.write_str(if b { "1" } else { "0" }),
            Value::Bytes(b) => {
                for (i, x) in b.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{x:02x}")?;
                }
                Ok(())
            }
            Value::Str(s) => f.write_str(s),
            Value::Display(d) => d.fmt(f),
            Value::Error(e) => e.fmt(f),
            Value::Null => f.write_str("-"),
        }
    }
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// One field of a layer.
#[derive(Clone, Copy, Debug)]
pub struct Field<'a> {
    /// snake_case spec name; the JSON key.
    pub name: &'static str,
    /// Byte offset from the start of the layer.
    pub offset: usize,
    /// Length in bytes (0 for derived fields such as `pec_ok`).
    pub len: usize,
    /// Bit range `(high, low)` inside the first byte, for sub-byte fields.
    pub bits: Option<(u8, u8)>,
    /// The value.
    pub value: Value<'a>,
    /// What the value means (an enum or flag name), if it has a name.
    pub meaning: Option<&'a str>,
}

impl<'a> Field<'a> {
    /// A whole-byte field.
    pub const fn new(name: &'static str, offset: usize, len: usize, value: Value<'a>) -> Self {
        Field {
            name,
            offset,
            len,
            bits: None,
            value,
            meaning: None,
        }
    }

    /// A sub-byte field at bits `hi..=lo` of the byte at `offset`.
    pub const fn bits(name: &'static str, offset: usize, hi: u8, lo: u8, value: Value<'a>) -> Self {
        Field {
            name,
            offset,
            len: 1,
            bits: Some((hi, lo)),
            value,
            meaning: None,
        }
    }

    /// A field computed by the decoder (no bytes of its own), e.g. `pec_ok`.
    pub const fn derived(name: &'static str, value: Value<'a>) -> Self {
        Field {
            name,
            offset: 0,
            len: 0,
            bits: None,
            value,
            meaning: None,
        }
    }

    /// Attach the name of the value.
    #[must_use]
    pub const fn meaning(mut self, m: Option<&'a str>) -> Self {
        self.meaning = m;
        self
    }
}

/// What kind of group [`Visitor::begin`] opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// A named sub-structure (JSON object).
    Object,
    /// A list of items (JSON array); items are opened with `ListItem`.
    List,
    /// One element of the enclosing list (JSON object inside the array).
    ListItem,
    /// A named JSON object that the field tree shows inline, without a
    /// heading or an indent: a message's body under its header (see
    /// [`body`]), or the bits of a register whose names would repeat other
    /// fields'. It keeps every JSON object free of repeated keys without
    /// changing the text renderings.
    Inline,
}

/// The JSON key of every message body: the fields a family's body decoder
/// describes sit in this object under the layer, apart from the header's,
/// so a body field never shares an object with a header field of the same
/// name (PLDM GetPLDMCommands' `pldm_type`, CXL Background Operation
/// Status' `opcode`).
pub const BODY: &str = "body";

/// The layer's first problem as its `error` field (offsets from the layer
/// start; the renderers show them absolute). Every family's `describe`
/// ends with this, so a body that did not decode fully says where, in the
/// same base as the dissector's problems.
pub fn error(v: &mut dyn Visitor, problem: Option<Error>) {
    if let Some(e) = problem {
        v.field(&Field::derived("error", Value::Error(&e)));
    }
}

/// Describe a message body that starts `base` bytes into the layer and
/// spans `len` bytes: `f` sees offsets relative to the body start, and its
/// fields land in the layer's [`BODY`] object ([`Group::Inline`]).
pub fn body(v: &mut dyn Visitor, base: usize, len: usize, f: impl FnOnce(&mut dyn Visitor)) {
    v.begin(BODY, Group::Inline, base, len);
    f(&mut Shifted { inner: v, base });
    v.end();
}

/// Receives the fields of a layer in wire order.
pub trait Visitor {
    /// One field.
    fn field(&mut self, field: &Field<'_>);
    /// Open a group (`name` is ignored for list items). Offsets are relative
    /// to the layer start, like field offsets.
    fn begin(&mut self, name: &'static str, group: Group, offset: usize, len: usize);
    /// Close the most recently opened group.
    fn end(&mut self);
}

/// A decoded layer that can summarise and describe itself.
pub trait Describe {
    /// The layer (JSON key, title).
    fn layer(&self) -> Layer;
    /// One line in the style `NAME field field`, no trailing separator.
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result;
    /// Hand every field to `v`, in wire order.
    fn describe(&self, v: &mut dyn Visitor);
}

/// Adapter: `write!(w, "{}", Summary(&layer))`.
pub struct Summary<'a, D: ?Sized>(pub &'a D);

impl<D: Describe + ?Sized> fmt::Display for Summary<'_, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.summary(f)
    }
}

/// Shift every offset a visitor sees by `base` bytes: lets a layer describe
/// a sub-structure with offsets relative to where that structure starts.
pub struct Shifted<'v> {
    pub inner: &'v mut dyn Visitor,
    pub base: usize,
}

impl Visitor for Shifted<'_> {
    fn field(&mut self, field: &Field<'_>) {
        let mut f = *field;
        if f.len > 0 || f.bits.is_some() {
            f.offset += self.base;
        }
        if let Value::Error(e) = f.value {
            let shifted = e.shift(self.base);
            return self.inner.field(&Field {
                value: Value::Error(&shifted),
                ..f
            });
        }
        self.inner.field(&f);
    }
    fn begin(&mut self, name: &'static str, group: Group, offset: usize, len: usize) {
        self.inner.begin(name, group, offset + self.base, len);
    }
    fn end(&mut self) {
        self.inner.end();
    }
}

/// Render bytes as lowercase hex without separators (summaries of raw data).
pub struct HexBytes<'a>(pub &'a [u8]);

impl fmt::Display for HexBytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fast::hex_bytes(f, self.0)
    }
}

/// Render a 16-byte UUID in RFC 4122 text form, bytes in wire order.
pub struct UuidText<'a>(pub &'a [u8; 16]);

impl fmt::Display for UuidText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Fast writers for summaries on hot paths.
///
/// `core::fmt` costs a few hundred instructions per `write!` through a
/// `dyn Write`; `mctpkit analyze` formats a line per message, so the most
/// common pieces (EIDs, tags, counts, hex bytes) go through these instead.
pub mod fast {
    use core::fmt;

    const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
    const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

    fn ascii(buf: &[u8]) -> &str {
        // Only ASCII digits are ever written into `buf`.
        core::str::from_utf8(buf).unwrap_or("?")
    }

    /// Compile-time tables, so the common small values are a slice of a
    /// `&'static str` (no per-call UTF-8 validation, no `unsafe`).
    const fn dec2() -> [u8; 200] {
        let mut t = [0u8; 200];
        let mut i = 0;
        while i < 100 {
            t[2 * i] = b'0' + (i / 10) as u8;
            t[2 * i + 1] = b'0' + (i % 10) as u8;
            i += 1;
        }
        t
    }

    const fn hex_table<const N: usize>(digits: &[u8; 16], prefix: bool) -> [u8; N] {
        let mut t = [0u8; N];
        let w = if prefix { 4 } else { 2 };
        let mut i = 0;
        while i < 256 {
            let at = i * w;
            if prefix {
                t[at] = b'0';
                t[at + 1] = b'x';
            }
            t[at + w - 2] = digits[i >> 4];
            t[at + w - 1] = digits[i & 15];
            i += 1;
        }
        t
    }

    const fn table_str(b: &'static [u8]) -> &'static str {
        match core::str::from_utf8(b) {
            Ok(s) => s,
            Err(_) => panic!("tables are ASCII"),
        }
    }

    const DEC2_BYTES: [u8; 200] = dec2();
    /// `00` .. `99`.
    const DEC2: &str = table_str(&DEC2_BYTES);
    const HEX2_UPPER_BYTES: [u8; 512] = hex_table(HEX_UPPER, false);
    /// `00` .. `FF`.
    const HEX2_UPPER: &str = table_str(&HEX2_UPPER_BYTES);
    const HEX8_BYTES: [u8; 1024] = hex_table(HEX_LOWER, true);
    /// `0x00` .. `0xff`.
    const HEX8: &str = table_str(&HEX8_BYTES);

    /// `v` in decimal.
    pub fn dec(w: &mut dyn fmt::Write, v: u64) -> fmt::Result {
        if v < 10 {
            let i = v as usize * 2 + 1;
            return w.write_str(DEC2.get(i..i + 1).unwrap_or("?"));
        }
        if v < 100 {
            let i = v as usize * 2;
            return w.write_str(DEC2.get(i..i + 2).unwrap_or("?"));
        }
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        let mut n = v;
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        w.write_str(ascii(&buf[i..]))
    }

    /// Two upper-case hex digits (EIDs in summaries: `0B<-0A`).
    pub fn hex2_upper(w: &mut dyn fmt::Write, b: u8) -> fmt::Result {
        let i = usize::from(b) * 2;
        w.write_str(HEX2_UPPER.get(i..i + 2).unwrap_or("?"))
    }

    /// `0x` and two lower-case hex digits.
    pub fn hex8(w: &mut dyn fmt::Write, b: u8) -> fmt::Result {
        let i = usize::from(b) * 4;
        w.write_str(HEX8.get(i..i + 4).unwrap_or("?"))
    }

    /// Bytes as lower-case hex without separators, in 32-byte chunks.
    pub fn hex_bytes(w: &mut dyn fmt::Write, bytes: &[u8]) -> fmt::Result {
        let mut buf = [0u8; 64];
        for chunk in bytes.chunks(32) {
            for (i, b) in chunk.iter().enumerate() {
                buf[2 * i] = HEX_LOWER[usize::from(b >> 4)];
                buf[2 * i + 1] = HEX_LOWER[usize::from(b & 15)];
            }
            w.write_str(ascii(&buf[..2 * chunk.len()]))?;
        }
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use std::string::String;

        #[test]
        fn writers_match_core_fmt() {
            for v in (0u64..1000).chain([1234, u64::MAX]) {
                let mut s = String::new();
                super::dec(&mut s, v).unwrap();
                assert_eq!(s, std::format!("{v}"));
            }
            for b in 0..=255u8 {
                let mut s = String::new();
                super::hex2_upper(&mut s, b).unwrap();
                super::hex8(&mut s, b).unwrap();
                assert_eq!(s, std::format!("{b:02X}{b:#04x}"));
            }
            let bytes: std::vec::Vec<u8> = (0..100u8).collect();
            let mut s = String::new();
            super::hex_bytes(&mut s, &bytes).unwrap();
            let expect: String = bytes.iter().map(|b| std::format!("{b:02x}")).collect();
            assert_eq!(s, expect);
        }
    }
}
