//! Shared plumbing for the control command bodies (DSP0236 §12).
//!
//! Every command body is a plain-data `Repr` implementing [`EmitBody`]
//! (length + encode) and [`ControlBody`] (decode + describe). Variable-length
//! lists borrow their bytes as [`Entries`] and decode entries on iteration,
//! so decoding allocates nothing.
//!
//! Offsets handed to a [`Visitor`] and carried in errors are relative to the
//! start of the request data (after the command code) or the response data
//! (after the completion code).

use core::fmt;
use core::marker::PhantomData;

use crate::describe::{Field, Group, Shifted, Value, Visitor};
use crate::error::{Error, ErrorKind, Layer, Result};
use crate::macros::open_enum;
use crate::mctp::{eid_class, EidClass};

use super::Command;

/// Anything that can be written as (part of) a control message body.
pub trait EmitBody {
    /// Bytes [`EmitBody::emit_exact`] writes.
    fn buffer_len(&self) -> usize;

    /// Write the encoding into `buf`, which [`EmitBody::emit_bytes`] guarantees
    /// is exactly `buffer_len()` bytes long. Call `emit_bytes` instead unless
    /// you have checked the length yourself.
    fn emit_exact(&self, buf: &mut [u8]);

    /// Whether the value can be encoded: counts and sizes that go into one
    /// byte must be at most 255 (`count_fits`); `emit_bytes` and the
    /// builder refuse to write a wrapped count.
    fn check(&self) -> Result<()> {
        Ok(())
    }

    /// Encode into the start of `buf`; returns the number of bytes written.
    fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        self.check()?;
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Control, n, buf.len()));
        }
        self.emit_exact(&mut buf[..n]);
        Ok(n)
    }
}

impl EmitBody for [u8] {
    fn buffer_len(&self) -> usize {
        self.len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf.copy_from_slice(self);
    }
}

impl<T: EmitBody + ?Sized> EmitBody for &T {
    fn buffer_len(&self) -> usize {
        (**self).buffer_len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        (**self).emit_exact(buf)
    }
    fn check(&self) -> Result<()> {
        (**self).check()
    }
}

/// A count or size written into one byte: an error above 255 (`offset` is
/// where that byte goes, relative to the data start).
pub(crate) fn count_fits(n: usize, offset: usize) -> Result<()> {
    if n > usize::from(u8::MAX) {
        return Err(Error {
            layer: Layer::Control,
            offset,
            kind: ErrorKind::Oversize {
                max: usize::from(u8::MAX),
                actual: n,
            },
        });
    }
    Ok(())
}

/// The request or response data of one control command.
pub trait ControlBody<'a>: EmitBody + Sized {
    /// The command this body belongs to.
    const COMMAND: Command;
    /// `true` for request data, `false` for response data.
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

    /// Hand every field to `v` (offsets relative to the data start).
    fn describe(&self, v: &mut dyn Visitor);
}

/// The error for `extra` unexpected bytes found at `offset`.
pub const fn trailing(offset: usize, extra: usize) -> Error {
    Error {
        layer: Layer::Control,
        offset,
        kind: ErrorKind::Trailing { extra },
    }
}

/// Byte `i` of `data`, or a truncation error.
#[inline]
pub(crate) fn byte(data: &[u8], i: usize) -> Result<u8> {
    data.get(i)
        .copied()
        .ok_or(Error::truncated(Layer::Control, i + 1, data.len()))
}

/// `data[at..at + n]`, or a truncation error.
#[inline]
pub(crate) fn bytes(data: &[u8], at: usize, n: usize) -> Result<&[u8]> {
    data.get(at..at + n)
        .ok_or(Error::truncated(Layer::Control, at + n, data.len()))
}

/// Big-endian u16 at `at`.
#[inline]
pub(crate) fn be16(data: &[u8], at: usize) -> Result<u16> {
    let b = bytes(data, at, 2)?;
    Ok(u16::from_be_bytes([b[0], b[1]]))
}

/// Big-endian u32 at `at`.
#[inline]
pub(crate) fn be32(data: &[u8], at: usize) -> Result<u32> {
    let b = bytes(data, at, 4)?;
    Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// A 16-byte UUID at `at`.
#[inline]
pub(crate) fn uuid(data: &[u8], at: usize) -> Result<[u8; 16]> {
    let b = bytes(data, at, 16)?;
    let mut u = [0u8; 16];
    u.copy_from_slice(b);
    Ok(u)
}

/// What an EID value means in a field that names an endpoint.
pub(crate) const fn eid_meaning(eid: u8) -> Option<&'static str> {
    match eid_class(eid) {
        EidClass::Null => Some("null"),
        EidClass::Reserved => Some("reserved"),
        EidClass::Broadcast => Some("broadcast"),
        EidClass::Unicast => None,
    }
}

/// The physical address length of `count` entries that fill `rest` bytes
/// at `at` (data offset), each `fixed` bytes plus an address with no size
/// byte of its own (Resolve UUID, Routing Information Update): the lists
/// only make sense when every entry has the same address length.
pub(crate) fn uniform_addr_len(
    rest: usize,
    count: usize,
    fixed: usize,
    at: usize,
) -> Result<usize> {
    if count == 0 {
        return Ok(0);
    }
    if rest < fixed * count {
        return Err(Error::truncated(
            Layer::Control,
            at + fixed * count,
            at + rest,
        ));
    }
    if rest % count != 0 {
        return Err(Error {
            layer: Layer::Control,
            offset: at,
            kind: ErrorKind::LengthMismatch {
                field: "entries",
                declared: count,
                actual: rest,
            },
        });
    }
    Ok(rest / count - fixed)
}

/// A one-byte field shown in hex.
pub(crate) fn hex8(v: &mut dyn Visitor, name: &'static str, at: usize, x: u8, m: Option<&str>) {
    v.field(&Field::new(name, at, 1, Value::hex8(x)).meaning(m));
}

/// A one-byte count or size shown in decimal.
pub(crate) fn uint8(v: &mut dyn Visitor, name: &'static str, at: usize, x: u8) {
    v.field(&Field::new(name, at, 1, Value::Uint(x.into())));
}

open_enum! {
    /// Physical transport binding identifiers (DSP0239 Table 3; as carried
    /// in Get Routing Table Entries and reported by Linux links).
    pub enum BindingId: u8 {
        Unspecified = 0x00 => "unspecified/loopback",
        Smbus = 0x01 => "SMBus/I2C",
        PcieVdm = 0x02 => "PCIe VDM",
        Usb = 0x03 => "USB",
        Kcs = 0x04 => "KCS",
        Serial = 0x05 => "Serial",
        I3c = 0x06 => "I3C",
        Mmbi = 0x07 => "MMBI",
        Pcc = 0x08 => "PCC",
        Ucie = 0x09 => "UCIe",
        VendorDefined = 0xFF => "vendor defined",
    }
}

/// One element of a list carried inside a control body.
pub trait ListEntry<'a>: EmitBody + Copy {
    /// Decode one entry from the start of `data`. `addr_len` is the physical
    /// address length for formats whose entries carry an address without a
    /// size byte (ignored by fixed-size entries).
    fn parse_entry(data: &'a [u8], addr_len: usize) -> Result<(Self, usize)>;
    /// Describe one entry (offsets relative to the entry start).
    fn describe_entry(&self, v: &mut dyn Visitor);
    /// Physical address length, for formats that split entries by it.
    fn addr_len(&self) -> usize {
        0
    }
}

/// A counted list of entries, borrowed from the message and decoded lazily.
///
/// Construction validates every entry, so iteration never fails.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Entries<'a, T> {
    bytes: &'a [u8],
    count: usize,
    addr_len: usize,
    _entry: PhantomData<T>,
}

impl<'a, T: ListEntry<'a>> Entries<'a, T> {
    /// Validate `count` entries at the start of `data`; returns the list and
    /// the bytes it covers.
    pub fn parse(data: &'a [u8], count: usize, addr_len: usize) -> Result<(Self, usize)> {
        let mut at = 0;
        for _ in 0..count {
            let rest = data.get(at..).unwrap_or(&[]);
            let (_, n) = T::parse_entry(rest, addr_len).map_err(|e| e.shift(at))?;
            at += n;
        }
        Ok((
            Entries {
                bytes: &data[..at],
                count,
                addr_len,
                _entry: PhantomData,
            },
            at,
        ))
    }

    /// Encode `items` into `buf` and view them as a list (a way to build a
    /// `Repr` from typed entries without allocating). Entries whose format
    /// carries no address size must all use the same address length.
    pub fn encode(items: &[T], buf: &'a mut [u8]) -> Result<Self> {
        count_fits(items.len(), 0)?;
        let addr_len = items.first().map_or(0, ListEntry::addr_len);
        let mut at = 0;
        for it in items {
            if it.addr_len() != addr_len {
                return Err(Error::invalid(
                    Layer::Control,
                    at,
                    "physical_address",
                    it.addr_len() as u32,
                    "the same address length in every entry",
                ));
            }
            let n = it.emit_bytes(buf.get_mut(at..).unwrap_or(&mut []))?;
            at += n;
        }
        let bytes: &'a [u8] = &buf[..at];
        Ok(Entries::parse(bytes, items.len(), addr_len)?.0)
    }

    /// Number of entries.
    pub const fn len(&self) -> usize {
        self.count
    }
    /// `true` when the list has no entries.
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }
    /// The encoded entries.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
    /// Physical address length used to split entries (0 when not applicable).
    pub const fn addr_len(&self) -> usize {
        self.addr_len
    }
    /// The entries, in wire order.
    pub fn iter(&self) -> EntryIter<'a, T> {
        EntryIter {
            rest: self.bytes,
            left: self.count,
            addr_len: self.addr_len,
            _entry: PhantomData,
        }
    }

    /// Describe the list as `name` (a JSON array), starting at `offset`.
    pub(crate) fn describe_list(&self, v: &mut dyn Visitor, name: &'static str, offset: usize) {
        v.begin(name, Group::List, offset, self.bytes.len());
        let mut at = offset;
        let mut rest = self.bytes;
        for _ in 0..self.count {
            let Ok((e, n)) = T::parse_entry(rest, self.addr_len) else {
                break;
            };
            v.begin("", Group::ListItem, at, n);
            e.describe_entry(&mut Shifted { inner: v, base: at });
            v.end();
            at += n;
            rest = rest.get(n..).unwrap_or(&[]);
        }
        v.end();
    }
}

impl<'a, T: ListEntry<'a> + fmt::Debug> fmt::Debug for Entries<'a, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a, T: ListEntry<'a>> IntoIterator for Entries<'a, T> {
    type Item = T;
    type IntoIter = EntryIter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T: ListEntry<'a>> EmitBody for Entries<'a, T> {
    fn buffer_len(&self) -> usize {
        self.bytes.len()
    }
    /// The count goes into one byte in front of the list.
    fn check(&self) -> Result<()> {
        count_fits(self.count, 0)
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf.copy_from_slice(self.bytes);
    }
}

#[cfg(feature = "serde")]
impl<'a, T: ListEntry<'a> + serde::Serialize> serde::Serialize for Entries<'a, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Iterator over [`Entries`].
#[derive(Clone, Debug)]
pub struct EntryIter<'a, T> {
    rest: &'a [u8],
    left: usize,
    addr_len: usize,
    _entry: PhantomData<T>,
}

impl<'a, T: ListEntry<'a>> Iterator for EntryIter<'a, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        if self.left == 0 {
            return None;
        }
        let (e, n) = T::parse_entry(self.rest, self.addr_len).ok()?;
        self.rest = self.rest.get(n..).unwrap_or(&[]);
        self.left -= 1;
        Some(e)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left))
    }
}

/// Encoder for a list body built from typed entries: a fixed head (which
/// already holds the count) followed by the entries. Used by the builder.
#[derive(Clone, Copy, Debug)]
pub struct ListBody<'a, T> {
    head: [u8; 2],
    head_len: usize,
    items: &'a [T],
}

impl<'a, T: EmitBody> ListBody<'a, T> {
    /// A list preceded by `head` (1 or 2 bytes).
    pub fn new(head: &[u8], items: &'a [T]) -> Self {
        let mut h = [0u8; 2];
        let head_len = head.len().min(2);
        h[..head_len].copy_from_slice(&head[..head_len]);
        ListBody {
            head: h,
            head_len,
            items,
        }
    }
}

impl<T: EmitBody> EmitBody for ListBody<'_, T> {
    fn buffer_len(&self) -> usize {
        self.head_len + self.items.iter().map(EmitBody::buffer_len).sum::<usize>()
    }
    /// The head holds the item count as one byte.
    fn check(&self) -> Result<()> {
        count_fits(self.items.len(), self.head_len.saturating_sub(1))?;
        self.items.iter().try_for_each(EmitBody::check)
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[..self.head_len].copy_from_slice(&self.head[..self.head_len]);
        let mut at = self.head_len;
        for it in self.items {
            let n = it.buffer_len();
            it.emit_exact(&mut buf[at..at + n]);
            at += n;
        }
    }
}

/// Declare a body made of a single byte field.
macro_rules! byte_body {
    (
        $(#[$m:meta])* $name:ident { $field:ident : $json:literal },
        $cmd:expr, $req:expr, $summary:literal, $meaning:expr
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub struct $name {
            pub $field: u8,
        }

        impl $crate::control::common::EmitBody for $name {
            fn buffer_len(&self) -> usize {
                1
            }
            fn emit_exact(&self, buf: &mut [u8]) {
                buf[0] = self.$field;
            }
        }

        impl<'a> $crate::control::common::ControlBody<'a> for $name {
            const COMMAND: $crate::control::Command = $cmd;
            const REQUEST: bool = $req;

            fn parse_prefix(data: &'a [u8]) -> $crate::error::Result<(Self, usize)> {
                Ok((
                    $name {
                        $field: $crate::control::common::byte(data, 0)?,
                    },
                    1,
                ))
            }

            fn summary(&self, w: &mut dyn core::fmt::Write) -> core::fmt::Result {
                write!(w, concat!(" / ", $summary, "=0x{:02x}"), self.$field)
            }

            fn describe(&self, v: &mut dyn $crate::describe::Visitor) {
                let meaning: fn(u8) -> Option<&'static str> = $meaning;
                $crate::control::common::hex8(v, $json, 0, self.$field, meaning(self.$field));
            }
        }
    };
}
pub(crate) use byte_body;
