//! Shared plumbing for the CXL CCI payload decoders.
//!
//! Every payload is a plain-data `Repr` implementing [`EmitPayload`]
//! (length + encode) and [`CxlBody`] (decode + summary + describe). Lists
//! with fixed-size entries borrow their bytes as [`FixedList`] and decode
//! entries on iteration, so decoding allocates nothing. All CXL multi-byte
//! fields are little-endian (CXL r3.1 §8.2.9).
//!
//! Offsets handed to a [`Visitor`] and carried in errors are relative to the
//! start of the payload (after the 12-byte CCI header).

use core::fmt;
use core::marker::PhantomData;

use crate::describe::{Field, Group, Shifted, UuidText, Value, Visitor};
use crate::error::{Error, ErrorKind, Layer, Result};

/// Anything that can be written as (part of) a CCI payload.
pub trait EmitPayload {
    /// Bytes [`EmitPayload::emit_exact`] writes.
    fn buffer_len(&self) -> usize;

    /// Write the encoding into `buf`, which is exactly `buffer_len()` bytes
    /// long. Call [`EmitPayload::emit_bytes`] unless the length is checked.
    fn emit_exact(&self, buf: &mut [u8]);

    /// Encode into the start of `buf`; returns the number of bytes written.
    fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Cxl, n, buf.len()));
        }
        self.emit_exact(&mut buf[..n]);
        Ok(n)
    }
}

impl EmitPayload for [u8] {
    fn buffer_len(&self) -> usize {
        self.len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf.copy_from_slice(self);
    }
}

impl<const N: usize> EmitPayload for [u8; N] {
    fn buffer_len(&self) -> usize {
        N
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf.copy_from_slice(self);
    }
}

impl<T: EmitPayload + ?Sized> EmitPayload for &T {
    fn buffer_len(&self) -> usize {
        (**self).buffer_len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        (**self).emit_exact(buf)
    }
}

/// The request or response payload of one CXL command.
pub trait CxlBody<'a>: EmitPayload + Sized {
    /// The opcode this payload belongs to (`set << 8 | command`).
    const OPCODE: u16;
    /// `true` for a request payload, `false` for a response payload.
    const REQUEST: bool;

    /// Decode from the start of `data`; returns the body and the number of
    /// bytes it used (bytes after that are trailing).
    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)>;

    /// Decode `data` exactly: leftover bytes are an [`ErrorKind::Trailing`] error.
    fn parse(data: &'a [u8]) -> Result<Self> {
        let (v, n) = Self::parse_prefix(data)?;
        if n < data.len() {
            return Err(trailing(n, data.len() - n));
        }
        Ok(v)
    }

    /// Append the body to a one-line summary (starting with " / ").
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result;

    /// Hand every field to `v` (offsets relative to the payload start).
    fn describe(&self, v: &mut dyn Visitor);
}

/// The error for `extra` unexpected bytes found at `offset`.
pub const fn trailing(offset: usize, extra: usize) -> Error {
    Error {
        layer: Layer::Cxl,
        offset,
        kind: ErrorKind::Trailing { extra },
    }
}

/// `data[at..at + n]`, or a truncation error.
#[inline]
pub(crate) fn bytes(data: &[u8], at: usize, n: usize) -> Result<&[u8]> {
    data.get(at..at.saturating_add(n)).ok_or(Error::truncated(
        Layer::Cxl,
        at.saturating_add(n),
        data.len(),
    ))
}

/// Byte `i` of `data`, or a truncation error.
#[inline]
pub(crate) fn u8_at(data: &[u8], i: usize) -> Result<u8> {
    Ok(bytes(data, i, 1)?[0])
}

/// Little-endian u16 at `at`.
#[inline]
pub(crate) fn le16(data: &[u8], at: usize) -> Result<u16> {
    let b = bytes(data, at, 2)?;
    Ok(u16::from_le_bytes([b[0], b[1]]))
}

/// Little-endian u32 at `at`.
#[inline]
pub(crate) fn le32(data: &[u8], at: usize) -> Result<u32> {
    let b = bytes(data, at, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Little-endian u64 at `at`.
#[inline]
pub(crate) fn le64(data: &[u8], at: usize) -> Result<u64> {
    let b = bytes(data, at, 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Ok(u64::from_le_bytes(a))
}

/// A fixed-size byte array at `at`.
#[inline]
pub(crate) fn array<const N: usize>(data: &[u8], at: usize) -> Result<[u8; N]> {
    let b = bytes(data, at, N)?;
    let mut a = [0u8; N];
    a.copy_from_slice(b);
    Ok(a)
}

/// Write a little-endian u16 at `at` (the caller sized `buf`).
#[inline]
pub(crate) fn put16(buf: &mut [u8], at: usize, v: u16) {
    buf[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

/// Write a little-endian u32 at `at`.
#[inline]
pub(crate) fn put32(buf: &mut [u8], at: usize, v: u32) {
    buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Write a little-endian u64 at `at`.
#[inline]
pub(crate) fn put64(buf: &mut [u8], at: usize, v: u64) {
    buf[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// A field shown in hex.
pub(crate) fn hex(
    v: &mut dyn Visitor,
    name: &'static str,
    at: usize,
    len: usize,
    x: u64,
    m: Option<&str>,
) {
    let digits = (len * 2).min(16) as u8;
    v.field(&Field::new(name, at, len, Value::Hex { value: x, digits }).meaning(m));
}

/// A count, size or number shown in decimal.
pub(crate) fn uint(v: &mut dyn Visitor, name: &'static str, at: usize, len: usize, x: u64) {
    v.field(&Field::new(name, at, len, Value::Uint(x)));
}

/// A flag bit of the byte at `at`.
pub(crate) fn flag(v: &mut dyn Visitor, name: &'static str, at: usize, bit: u8, x: u8) {
    v.field(&Field::bits(
        name,
        at,
        bit,
        bit,
        Value::Bool(x & (1 << bit) != 0),
    ));
}

/// A sub-byte field at bits `hi..=lo` of the byte at `at`, shown in decimal.
pub(crate) fn bits(
    v: &mut dyn Visitor,
    name: &'static str,
    at: usize,
    hi: u8,
    lo: u8,
    x: u8,
    m: Option<&str>,
) {
    v.field(&Field::bits(name, at, hi, lo, Value::Uint(x.into())).meaning(m));
}

/// A 16-byte UUID field.
pub(crate) fn uuid(
    v: &mut dyn Visitor,
    name: &'static str,
    at: usize,
    u: &[u8; 16],
    m: Option<&str>,
) {
    v.field(&Field::new(name, at, 16, Value::Display(&UuidText(u))).meaning(m));
}

/// One element of a [`FixedList`].
pub trait FixedEntry<'a>: Copy {
    /// Encoded size of every entry.
    const SIZE: usize;
    /// Decode one entry from exactly `SIZE` bytes.
    fn parse_entry(data: &'a [u8]) -> Self;
    /// Describe one entry (offsets relative to the entry start).
    fn describe_entry(&self, v: &mut dyn Visitor);
}

/// Iterator over a [`FixedList`].
pub type FixedIter<'a, T> = core::iter::Map<core::slice::ChunksExact<'a, u8>, fn(&'a [u8]) -> T>;

/// A list of fixed-size entries, borrowed from the message and decoded lazily.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FixedList<'a, T> {
    bytes: &'a [u8],
    _entry: PhantomData<T>,
}

impl<'a, T: FixedEntry<'a>> FixedList<'a, T> {
    /// Take `count` entries from `data` at `at`.
    pub fn parse(data: &'a [u8], at: usize, count: usize) -> Result<Self> {
        let n = count.saturating_mul(T::SIZE);
        Ok(FixedList {
            bytes: bytes(data, at, n)?,
            _entry: PhantomData,
        })
    }

    /// View already encoded entries (length must be a multiple of the size;
    /// a partial last entry is ignored).
    pub fn from_bytes(bytes: &'a [u8]) -> Self {
        let n = bytes.len() - bytes.len() % T::SIZE;
        FixedList {
            bytes: &bytes[..n],
            _entry: PhantomData,
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.bytes.len() / T::SIZE
    }
    /// `true` when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
    /// The encoded entries.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
    /// The entries, in wire order.
    pub fn iter(&self) -> FixedIter<'a, T> {
        self.bytes
            .chunks_exact(T::SIZE)
            .map(T::parse_entry as fn(&'a [u8]) -> T)
    }

    /// Describe the list as `name` (a JSON array) starting at `offset`.
    pub(crate) fn describe_list(&self, v: &mut dyn Visitor, name: &'static str, offset: usize) {
        v.begin(name, Group::List, offset, self.bytes.len());
        for (i, e) in self.iter().enumerate() {
            let at = offset + i * T::SIZE;
            v.begin("", Group::ListItem, at, T::SIZE);
            e.describe_entry(&mut Shifted { inner: v, base: at });
            v.end();
        }
        v.end();
    }
}

impl<'a, T: FixedEntry<'a> + fmt::Debug> fmt::Debug for FixedList<'a, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a, T> EmitPayload for FixedList<'a, T> {
    fn buffer_len(&self) -> usize {
        self.bytes.len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf.copy_from_slice(self.bytes);
    }
}

#[cfg(feature = "serde")]
impl<'a, T: FixedEntry<'a> + serde::Serialize> serde::Serialize for FixedList<'a, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// ASCII text in a fixed field, trailing NULs and spaces dropped; `None`
/// when the bytes are not printable ASCII.
pub(crate) fn ascii(b: &[u8]) -> Option<&str> {
    let end = b
        .iter()
        .rposition(|&c| c != 0 && c != b' ')
        .map_or(0, |i| i + 1);
    let t = &b[..end];
    if t.iter().all(|&c| (0x20..0x7F).contains(&c)) {
        core::str::from_utf8(t).ok()
    } else {
        None
    }
}

/// Write a named set of flag bits as `a,b,c` (or `-` when none is set).
pub(crate) fn write_flags(w: &mut dyn fmt::Write, x: u64, names: &[(u8, &str)]) -> fmt::Result {
    let mut first = true;
    for &(bit, n) in names {
        if x & (1u64 << bit) != 0 {
            if !first {
                w.write_str(",")?;
            }
            first = false;
            w.write_str(n)?;
        }
    }
    if first {
        w.write_str("-")?;
    }
    Ok(())
}
