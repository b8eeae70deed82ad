//! Little helpers shared by the SPDM body decoders: a bounds-checked
//! little-endian reader, a writer over a pre-sized buffer, and a describe
//! walker that keeps the running offset so `describe` mirrors `emit`.
//!
//! All SPDM multi-byte fields are little endian (DSP0274 §7 "Notations").

use crate::describe::{Field, Group, Value, Visitor};
use crate::error::{Error, ErrorKind, Layer, Result};

/// Bounds-checked reader; offsets in errors are relative to the start of
/// the buffer it was made from (the SPDM body, after the 4-byte header).
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) const fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }
    pub(crate) const fn pos(&self) -> usize {
        self.pos
    }
    pub(crate) const fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }
    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or(Error {
            layer: Layer::Spdm,
            offset: self.pos,
            kind: ErrorKind::Oversize {
                max: usize::MAX,
                actual: n,
            },
        })?;
        match self.buf.get(self.pos..end) {
            Some(s) => {
                self.pos = end;
                Ok(s)
            }
            None => Err(Error::truncated(Layer::Spdm, end, self.buf.len())),
        }
    }
    /// The unread bytes, without consuming them.
    pub(crate) fn rest_view(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let s = &self.buf[self.pos..];
        self.pos = self.buf.len();
        s
    }
    pub(crate) fn u8(&mut self) -> Result<u8> {
        Ok(self.bytes(1)?[0])
    }
    pub(crate) fn u16(&mut self) -> Result<u16> {
        let b = self.bytes(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    pub(crate) fn u24(&mut self) -> Result<u32> {
        let b = self.bytes(3)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], 0]))
    }
    pub(crate) fn u32(&mut self) -> Result<u32> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// A length field that disagrees with what is present.
pub(crate) const fn mismatch(
    offset: usize,
    field: &'static str,
    declared: usize,
    actual: usize,
) -> Error {
    Error {
        layer: Layer::Spdm,
        offset,
        kind: ErrorKind::LengthMismatch {
            field,
            declared,
            actual,
        },
    }
}

/// Writer over a buffer whose length the caller already checked against
/// `buffer_len()`; writing past the end is a bug in `buffer_len`, so it is
/// reported as `BufferTooSmall` rather than panicking.
pub(crate) struct Writer<'b> {
    buf: Option<&'b mut [u8]>,
    pos: usize,
}

impl<'b> Writer<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Writer {
            buf: Some(buf),
            pos: 0,
        }
    }
    /// A writer that only counts (for `buffer_len`).
    pub(crate) fn counter() -> Self {
        Writer { buf: None, pos: 0 }
    }
    pub(crate) const fn pos(&self) -> usize {
        self.pos
    }
    pub(crate) fn bytes(&mut self, b: &[u8]) -> Result<()> {
        let end = self.pos + b.len();
        match &mut self.buf {
            None => {
                self.pos = end;
                Ok(())
            }
            Some(buf) => {
                let avail = buf.len();
                match buf.get_mut(self.pos..end) {
                    Some(d) => {
                        d.copy_from_slice(b);
                        self.pos = end;
                        Ok(())
                    }
                    None => Err(Error::buffer_too_small(Layer::Spdm, end, avail)),
                }
            }
        }
    }
    pub(crate) fn u8(&mut self, v: u8) -> Result<()> {
        self.bytes(&[v])
    }
    pub(crate) fn u16(&mut self, v: u16) -> Result<()> {
        self.bytes(&v.to_le_bytes())
    }
    pub(crate) fn u24(&mut self, v: u32) -> Result<()> {
        self.bytes(&v.to_le_bytes()[..3])
    }
    pub(crate) fn u32(&mut self, v: u32) -> Result<()> {
        self.bytes(&v.to_le_bytes())
    }
    pub(crate) fn zeros(&mut self, n: usize) -> Result<()> {
        for _ in 0..n {
            self.u8(0)?;
        }
        Ok(())
    }
}

/// Describe walker: emits fields at a running offset.
pub(crate) struct Walk<'v, 'x> {
    pub(crate) v: &'v mut dyn Visitor,
    pub(crate) o: usize,
    _p: core::marker::PhantomData<&'x ()>,
}

impl<'v, 'x> Walk<'v, 'x> {
    pub(crate) fn new(v: &'v mut dyn Visitor) -> Self {
        Walk {
            v,
            o: 0,
            _p: core::marker::PhantomData,
        }
    }
    /// A field of `len` bytes at the current offset; advances.
    pub(crate) fn field(&mut self, name: &'static str, len: usize, value: Value<'_>) {
        self.v.field(&Field::new(name, self.o, len, value));
        self.o += len;
    }
    pub(crate) fn named(
        &mut self,
        name: &'static str,
        len: usize,
        value: Value<'_>,
        meaning: Option<&str>,
    ) {
        self.v
            .field(&Field::new(name, self.o, len, value).meaning(meaning));
        self.o += len;
    }
    pub(crate) fn uint(&mut self, name: &'static str, len: usize, v: u64) {
        self.field(name, len, Value::Uint(v));
    }
    pub(crate) fn hex(&mut self, name: &'static str, len: usize, v: u64) {
        self.field(
            name,
            len,
            Value::Hex {
                value: v,
                digits: (len * 2) as u8,
            },
        );
    }
    pub(crate) fn bytes(&mut self, name: &'static str, b: &[u8]) {
        self.field(name, b.len(), Value::Bytes(b));
    }
    pub(crate) fn reserved(&mut self, len: usize) {
        self.o += len;
    }
    /// A sub-byte field of the byte at `self.o + byte` (does not advance).
    pub(crate) fn bits(
        &mut self,
        name: &'static str,
        byte: usize,
        hi: u8,
        lo: u8,
        value: Value<'_>,
        meaning: Option<&str>,
    ) {
        self.v
            .field(&Field::bits(name, self.o + byte, hi, lo, value).meaning(meaning));
    }
    pub(crate) fn derived(&mut self, name: &'static str, value: Value<'_>, meaning: Option<&str>) {
        self.v.field(&Field::derived(name, value).meaning(meaning));
    }
    pub(crate) fn begin(&mut self, name: &'static str, group: Group, len: usize) {
        self.v.begin(name, group, self.o, len);
    }
    pub(crate) fn end(&mut self) {
        self.v.end();
    }
}
