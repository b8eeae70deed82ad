//! Shared plumbing for the PLDM type 4 (FRU) and type 5 (firmware update)
//! bodies and the firmware update package: a bounds-checked little-endian
//! reader and a non-panicking writer, the typed strings, descriptors and
//! timestamps those specifications share, and the `Part` trait every body
//! `Repr` implements.
//!
//! All PLDM multi-byte fields are little-endian (DSP0240 §7).

use core::fmt;

use crate::describe::{Field, Group, UuidText, Value, Visitor};
use crate::error::{Error, ErrorKind, Layer, Result};
use crate::macros::open_enum;

/// A bounds-checked little-endian reader. Errors carry offsets relative to
/// the start of the slice it was created on.
#[derive(Debug, Clone)]
#[doc(hidden)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) const fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }
    pub(crate) const fn pos(&self) -> usize {
        self.pos
    }
    pub(crate) fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }
    /// Everything not read yet (does not advance).
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }
    /// Take everything not read yet.
    pub(crate) fn take_rest(&mut self) -> &'a [u8] {
        let r = self.rest();
        self.pos = self.data.len();
        r
    }
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or(Error {
            layer: Layer::Pldm,
            offset: self.pos,
            kind: ErrorKind::Oversize {
                max: self.data.len(),
                actual: usize::MAX,
            },
        })?;
        match self.data.get(self.pos..end) {
            Some(s) => {
                self.pos = end;
                Ok(s)
            }
            None => Err(Error::truncated(Layer::Pldm, end, self.data.len())),
        }
    }
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }
    pub(crate) fn le<T: Le>(&mut self) -> Result<T> {
        let s = self.take(T::SIZE)?;
        Ok(T::from_le(s))
    }
    /// Fail with `Trailing` if bytes are left.
    pub(crate) fn finish(&self) -> Result<()> {
        if self.remaining() > 0 {
            Err(Error {
                layer: Layer::Pldm,
                offset: self.pos,
                kind: ErrorKind::Trailing {
                    extra: self.remaining(),
                },
            })
        } else {
            Ok(())
        }
    }
}

/// A writer that never panics: bytes past the end are dropped and
/// `overflow` is set (callers size the buffer with `buffer_len` first).
#[doc(hidden)]
pub struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
    pub(crate) overflow: bool,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        Writer {
            buf,
            pos: 0,
            overflow: false,
        }
    }
    pub(crate) fn put(&mut self, bytes: &[u8]) {
        let end = self.pos + bytes.len();
        match self.buf.get_mut(self.pos..end) {
            Some(d) => d.copy_from_slice(bytes),
            None => self.overflow = true,
        }
        self.pos = end;
    }
    pub(crate) fn le<T: Le>(&mut self, v: T) {
        let mut tmp = [0u8; 8];
        v.to_le(&mut tmp);
        self.put(&tmp[..T::SIZE]);
    }
}

/// Little-endian unsigned integers.
#[doc(hidden)]
pub trait Le: Copy + Into<u64> {
    const SIZE: usize;
    /// `s` is exactly `SIZE` bytes.
    fn from_le(s: &[u8]) -> Self;
    fn to_le(self, out: &mut [u8; 8]);
}

macro_rules! impl_le {
    ($($t:ty),*) => {$(
        impl Le for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
            fn from_le(s: &[u8]) -> Self {
                let mut a = [0u8; core::mem::size_of::<$t>()];
                a.copy_from_slice(&s[..Self::SIZE]);
                <$t>::from_le_bytes(a)
            }
            fn to_le(self, out: &mut [u8; 8]) {
                out[..Self::SIZE].copy_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
impl_le!(u8, u16, u32, u64);

/// A body `Repr`: decode, encode, summarise, describe. Offsets handed to
/// the visitor are relative to the body start.
pub trait Part<'a>: Sized {
    /// Decode from a reader; leftover bytes are the caller's business.
    #[doc(hidden)]
    fn read(r: &mut Reader<'a>) -> Result<Self>;
    /// Encode (the writer was sized with `buffer_len`).
    #[doc(hidden)]
    fn write(&self, w: &mut Writer<'_>);
    /// Encoded length.
    fn buffer_len(&self) -> usize;
    /// Append " / ..." to a summary line.
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result;
    /// Hand every field to `v` (offsets from the body start).
    fn describe(&self, v: &mut dyn Visitor);

    /// Decode `data` exactly (leftover bytes are a `Trailing` error).
    fn parse(data: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(data);
        let v = Self::read(&mut r)?;
        r.finish()?;
        Ok(v)
    }

    /// Encode into the start of `buf`; returns the bytes written.
    fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Pldm, n, buf.len()));
        }
        let mut w = Writer::new(&mut buf[..n]);
        self.write(&mut w);
        Ok(n)
    }
}

/// Hex or decimal rendering for the `le_struct!` macro.
pub(crate) fn le_value(v: u64, size: usize, hex: bool) -> Value<'static> {
    if hex {
        Value::Hex {
            value: v,
            digits: (size * 2) as u8,
        }
    } else {
        Value::Uint(v)
    }
}

/// A plain struct of little-endian integer fields: decode, encode and
/// describe in wire order. Field names are the spec's names in snake_case
/// (also the JSON keys). `hex` marks handles, flags and bitfields;
/// `=> f` names a value with `f(v) -> Option<&'static str>`.
macro_rules! le_struct {
    (
        $(#[$m:meta])*
        pub struct $name:ident {
            $(
                $(#[$fm:meta])*
                $f:ident : $t:ident $([$hex:ident])? $(=> $mean:path)?
            ),* $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub struct $name {
            $( $(#[$fm])* pub $f: $t, )*
        }

        impl $name {
            /// Encoded length in bytes.
            pub const LEN: usize = 0 $(+ core::mem::size_of::<$t>())*;

            #[allow(unused_variables)]
            pub(crate) fn read_fields(r: &mut $crate::pldm::firmware_update::common::Reader<'_>) -> $crate::error::Result<Self> {
                Ok($name { $( $f: r.le::<$t>()?, )* })
            }

            #[allow(unused_variables)]
            pub(crate) fn write_fields(&self, w: &mut $crate::pldm::firmware_update::common::Writer<'_>) {
                $( w.le(self.$f); )*
            }

            /// Describe the fields starting at byte `at`.
            #[allow(unused_variables, unused_mut, unused_assignments)]
            pub fn describe_at(&self, v: &mut dyn $crate::describe::Visitor, mut at: usize) {
                $(
                    {
                        let n = core::mem::size_of::<$t>();
                        let hex = false $(|| { let _ = stringify!($hex); true })?;
                        let f = $crate::describe::Field::new(
                            stringify!($f), at, n,
                            $crate::pldm::firmware_update::common::le_value(self.$f as u64, n, hex),
                        );
                        $( let f = f.meaning($mean(self.$f)); )?
                        v.field(&f);
                        at += n;
                    }
                )*
            }
        }
    };
}
pub(crate) use le_struct;

open_enum! {
    /// String types of version strings and descriptor titles (DSP0267 Table 33).
    pub enum StringType: u8 {
        Unspecified = 0 => "Unknown",
        Ascii = 1 => "ASCII",
        Utf8 = 2 => "UTF-8",
        Utf16 = 3 => "UTF-16",
        Utf16Le = 4 => "UTF-16LE",
        Utf16Be = 5 => "UTF-16BE",
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for VersionString<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A typed string (type, length and bytes are separate fields on the wire).
/// At most 255 bytes are encoded; longer input is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct VersionString<'a> {
    pub string_type: StringType,
    pub bytes: &'a [u8],
}

// open_enum! does not derive Default.
#[allow(clippy::derivable_impls)]
impl Default for StringType {
    fn default() -> Self {
        StringType::Ascii
    }
}

impl<'a> VersionString<'a> {
    /// An ASCII string.
    pub const fn ascii(s: &'a str) -> Self {
        VersionString {
            string_type: StringType::Ascii,
            bytes: s.as_bytes(),
        }
    }
    /// Bytes on the wire (clamped to 255).
    pub fn wire_len(&self) -> usize {
        self.bytes.len().min(255)
    }
    pub(crate) fn wire_bytes(&self) -> &'a [u8] {
        &self.bytes[..self.wire_len()]
    }
    /// Read type and length bytes then the string.
    pub(crate) fn read_adjacent(r: &mut Reader<'a>) -> Result<Self> {
        let t: u8 = r.le()?;
        let n: u8 = r.le()?;
        Ok(VersionString {
            string_type: StringType::from_value(t),
            bytes: r.take(n.into())?,
        })
    }
    pub(crate) fn write_adjacent(&self, w: &mut Writer<'_>) {
        w.le(self.string_type.value());
        w.le(self.wire_len() as u8);
        w.put(self.wire_bytes());
    }
    /// Describe as `<name>_type`, `<name>_length`, `<name>` (adjacent layout).
    pub(crate) fn describe_adjacent(
        &self,
        v: &mut dyn Visitor,
        at: usize,
        names: [&'static str; 3],
    ) {
        self.describe_header(v, at, names);
        self.describe_value(v, at + 2, names[2]);
    }
    pub(crate) fn describe_header(&self, v: &mut dyn Visitor, at: usize, names: [&'static str; 3]) {
        v.field(
            &Field::new(
                names[0],
                at,
                1,
                Value::Uint(self.string_type.value().into()),
            )
            .meaning(self.string_type.name()),
        );
        v.field(&Field::new(
            names[1],
            at + 1,
            1,
            Value::Uint(self.wire_len() as u64),
        ));
    }
    pub(crate) fn describe_value(&self, v: &mut dyn Visitor, at: usize, name: &'static str) {
        v.field(&Field::new(name, at, self.wire_len(), Value::Display(self)));
    }
}

impl fmt::Display for VersionString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.wire_bytes();
        match self.string_type {
            StringType::Utf16 | StringType::Utf16Le | StringType::Utf16Be => {
                // UTF-16 without a stated order: a BOM decides, else big-endian.
                let (be, body) = match (self.string_type, b) {
                    (StringType::Utf16Le, _) => (false, b),
                    (StringType::Utf16Be, _) => (true, b),
                    (_, [0xFF, 0xFE, rest @ ..]) => (false, rest),
                    (_, [0xFE, 0xFF, rest @ ..]) => (true, rest),
                    _ => (true, b),
                };
                let units = body.chunks_exact(2).map(|c| {
                    if be {
                        u16::from_be_bytes([c[0], c[1]])
                    } else {
                        u16::from_le_bytes([c[0], c[1]])
                    }
                });
                for c in char::decode_utf16(units) {
                    let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
                    if c != '\0' {
                        write!(f, "{}", c.escape_debug())?;
                    }
                }
                Ok(())
            }
            StringType::Ascii | StringType::Utf8 => text(f, b),
            _ => {
                for x in b {
                    write!(f, "{x:02x}")?;
                }
                Ok(())
            }
        }
    }
}

/// Render bytes as text (trailing NULs dropped, controls escaped; bytes that
/// are not UTF-8 shown as `\xNN`).
pub(crate) fn text(f: &mut fmt::Formatter<'_>, b: &[u8]) -> fmt::Result {
    let end = b.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
    for chunk in b[..end].utf8_chunks() {
        for c in chunk.valid().chars() {
            write!(f, "{}", c.escape_debug())?;
        }
        for x in chunk.invalid() {
            write!(f, "\\x{x:02x}")?;
        }
    }
    Ok(())
}

open_enum! {
    /// Descriptor types (DSP0267 Table 8; libpldm `pldm_firmware_update_descriptor_types`
    /// and OpenBMC's package creator agree on codes and lengths).
    pub enum DescriptorType: u16 {
        PciVendorId = 0x0000 => "PCI Vendor ID",
        IanaEnterpriseId = 0x0001 => "IANA Enterprise ID",
        Uuid = 0x0002 => "UUID",
        PnpVendorId = 0x0003 => "PnP Vendor ID",
        AcpiVendorId = 0x0004 => "ACPI Vendor ID",
        IeeeAssignedCompanyId = 0x0005 => "IEEE Assigned Company ID",
        ScsiVendorId = 0x0006 => "SCSI Vendor ID",
        PciDeviceId = 0x0100 => "PCI Device ID",
        PciSubsystemVendorId = 0x0101 => "PCI Subsystem Vendor ID",
        PciSubsystemId = 0x0102 => "PCI Subsystem ID",
        PciRevisionId = 0x0103 => "PCI Revision ID",
        PnpProductIdentifier = 0x0104 => "PnP Product Identifier",
        AcpiProductIdentifier = 0x0105 => "ACPI Product Identifier",
        AsciiModelNumberLong = 0x0106 => "ASCII Model Number (Long String)",
        AsciiModelNumberShort = 0x0107 => "ASCII Model Number (Short String)",
        ScsiProductId = 0x0108 => "SCSI Product ID",
        UbmControllerDeviceCode = 0x0109 => "UBM Controller Device Code",
        IeeeEui64Id = 0x010A => "IEEE EUI-64 ID",
        PciRevisionIdRange = 0x010B => "PCI Revision ID Range",
        VendorDefined = 0xFFFF => "Vendor Defined",
    }
}

impl DescriptorType {
    /// The fixed data length of this type, if it has one.
    pub const fn fixed_len(self) -> Option<usize> {
        Some(match self {
            DescriptorType::PciVendorId
            | DescriptorType::PciDeviceId
            | DescriptorType::PciSubsystemVendorId
            | DescriptorType::PciSubsystemId
            | DescriptorType::PciRevisionIdRange => 2,
            DescriptorType::IanaEnterpriseId
            | DescriptorType::AcpiVendorId
            | DescriptorType::PnpProductIdentifier
            | DescriptorType::AcpiProductIdentifier
            | DescriptorType::UbmControllerDeviceCode => 4,
            DescriptorType::Uuid | DescriptorType::ScsiProductId => 16,
            DescriptorType::PnpVendorId | DescriptorType::IeeeAssignedCompanyId => 3,
            DescriptorType::ScsiVendorId | DescriptorType::IeeeEui64Id => 8,
            DescriptorType::PciRevisionId => 1,
            DescriptorType::AsciiModelNumberLong => 40,
            DescriptorType::AsciiModelNumberShort => 10,
            _ => return None,
        })
    }
}

/// One device descriptor: type, length, data (DSP0267 Table 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Descriptor<'a> {
    pub descriptor_type: DescriptorType,
    pub data: &'a [u8],
}

impl<'a> Descriptor<'a> {
    /// Encoded length (type + length + data).
    pub fn buffer_len(&self) -> usize {
        4 + self.data.len().min(u16::MAX as usize)
    }
    pub(crate) fn read(r: &mut Reader<'a>) -> Result<Self> {
        let t: u16 = r.le()?;
        let n: u16 = r.le()?;
        Ok(Descriptor {
            descriptor_type: DescriptorType::from_value(t),
            data: r.take(n.into())?,
        })
    }
    pub(crate) fn write(&self, w: &mut Writer<'_>) {
        let n = self.data.len().min(u16::MAX as usize);
        w.le(self.descriptor_type.value());
        w.le(n as u16);
        w.put(&self.data[..n]);
    }
    /// For a vendor-defined descriptor: the title string and the data after it.
    pub fn vendor_title(&self) -> Option<(VersionString<'a>, &'a [u8])> {
        if self.descriptor_type != DescriptorType::VendorDefined {
            return None;
        }
        let mut r = Reader::new(self.data);
        let t = VersionString::read_adjacent(&mut r).ok()?;
        Some((t, r.take_rest()))
    }
    /// Describe as a list item at `at`.
    pub(crate) fn describe_item(&self, v: &mut dyn Visitor, at: usize) {
        v.begin("descriptor", Group::ListItem, at, self.buffer_len());
        v.field(
            &Field::new(
                "descriptor_type",
                at,
                2,
                Value::hex16(self.descriptor_type.value()),
            )
            .meaning(self.descriptor_type.name()),
        );
        v.field(&Field::new(
            "descriptor_length",
            at + 2,
            2,
            Value::Uint(self.data.len() as u64),
        ));
        if let Some((title, rest)) = self.vendor_title() {
            title.describe_adjacent(
                v,
                at + 4,
                [
                    "vendor_defined_descriptor_title_string_type",
                    "vendor_defined_descriptor_title_string_length",
                    "vendor_defined_descriptor_title_string",
                ],
            );
            v.field(&Field::new(
                "vendor_defined_descriptor_data",
                at + 6 + title.wire_len(),
                rest.len(),
                Value::Bytes(rest),
            ));
        } else {
            // A numeric ID (PCI vendor ID, IANA number...) is a number, in
            // JSON too; UUIDs, strings and other data are text.
            let value = match self.numeric_id() {
                Some((value, n)) => Value::Hex {
                    value,
                    digits: (n * 2) as u8,
                },
                None => Value::Display(self),
            };
            v.field(&Field::new(
                "descriptor_data",
                at + 4,
                self.data.len(),
                value,
            ));
        }
        v.end();
    }
}

impl fmt::Display for Descriptor<'_> {
    /// The value: IDs in hex (little-endian numbers), UUIDs in text form,
    /// model strings as text, vendor-defined as `title: data`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.data;
        match (self.descriptor_type, d.len()) {
            (DescriptorType::Uuid, 16) => {
                let mut u = [0u8; 16];
                u.copy_from_slice(d);
                write!(f, "{}", UuidText(&u))
            }
            (
                DescriptorType::AsciiModelNumberLong
                | DescriptorType::AsciiModelNumberShort
                | DescriptorType::ScsiVendorId
                | DescriptorType::ScsiProductId
                | DescriptorType::PnpVendorId
                | DescriptorType::AcpiVendorId,
                _,
            ) => text(f, d),
            (DescriptorType::VendorDefined, _) => match self.vendor_title() {
                Some((t, rest)) => {
                    write!(f, "{t}: ")?;
                    hex(f, rest)
                }
                None => hex(f, d),
            },
            _ => match self.numeric_id() {
                Some((v, n)) => write!(f, "0x{v:0w$x}", w = n * 2),
                None => hex(f, d),
            },
        }
    }
}

impl Descriptor<'_> {
    /// A fixed-length 1-, 2- or 4-byte descriptor (PCI vendor/device IDs,
    /// IANA enterprise ID...) as a little-endian number and its byte count.
    fn numeric_id(&self) -> Option<(u64, usize)> {
        let n = self.data.len();
        if !matches!(n, 1 | 2 | 4) || self.descriptor_type.fixed_len() != Some(n) {
            return None;
        }
        let v = self
            .data
            .iter()
            .enumerate()
            .fold(0u64, |v, (i, b)| v | u64::from(*b) << (8 * i));
        Some((v, n))
    }
}

pub(crate) fn hex(f: &mut fmt::Formatter<'_>, b: &[u8]) -> fmt::Result {
    for x in b {
        write!(f, "{x:02x}")?;
    }
    Ok(())
}

/// A counted run of descriptors, borrowed; validated when parsed so
/// iteration cannot fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Descriptors<'a> {
    /// The descriptor bytes.
    pub raw: &'a [u8],
}

impl<'a> Descriptors<'a> {
    /// Read `count` descriptors.
    pub(crate) fn read(r: &mut Reader<'a>, count: usize) -> Result<Self> {
        let start = r.rest();
        let p0 = r.pos();
        for _ in 0..count {
            Descriptor::read(r)?;
        }
        Ok(Descriptors {
            raw: &start[..r.pos() - p0],
        })
    }
    /// Validate that `raw` holds exactly whole descriptors; returns the count.
    pub fn check(raw: &'a [u8]) -> Result<usize> {
        let mut r = Reader::new(raw);
        let mut n = 0;
        while r.remaining() > 0 {
            Descriptor::read(&mut r)?;
            n += 1;
        }
        Ok(n)
    }
    /// The descriptors with their offsets inside `raw`.
    pub fn iter(&self) -> DescriptorIter<'a> {
        DescriptorIter {
            r: Reader::new(self.raw),
        }
    }
    /// Number of descriptors.
    pub fn count(&self) -> usize {
        self.iter().count()
    }
    /// Describe as a list named `name` starting at `at`.
    pub(crate) fn describe_list(&self, v: &mut dyn Visitor, at: usize, name: &'static str) {
        v.begin(name, Group::List, at, self.raw.len());
        for (off, d) in self.iter() {
            d.describe_item(v, at + off);
        }
        v.end();
    }
}

/// Encode descriptors back to back into `buf`; returns the bytes written.
pub fn encode_descriptors(descs: &[Descriptor<'_>], buf: &mut [u8]) -> Result<usize> {
    let n: usize = descs.iter().map(Descriptor::buffer_len).sum();
    if buf.len() < n {
        return Err(Error::buffer_too_small(Layer::Pldm, n, buf.len()));
    }
    let mut w = Writer::new(buf);
    for d in descs {
        d.write(&mut w);
    }
    Ok(n)
}

/// Iterator over [`Descriptors`]: `(offset, descriptor)`.
#[derive(Debug, Clone)]
pub struct DescriptorIter<'a> {
    r: Reader<'a>,
}

impl<'a> Iterator for DescriptorIter<'a> {
    type Item = (usize, Descriptor<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        let at = self.r.pos();
        Descriptor::read(&mut self.r).ok().map(|d| (at, d))
    }
}

/// DSP0240 `timestamp104`: 13 bytes, UTC offset (minutes, signed),
/// microseconds (24-bit), second, minute, hour, day, month, year (u16),
/// and the UTC/time resolution byte. Layout agrees between DSP0240 and
/// OpenBMC's package creator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Timestamp104 {
    pub utc_offset: i16,
    pub microsecond: u32,
    pub second: u8,
    pub minute: u8,
    pub hour: u8,
    pub day: u8,
    pub month: u8,
    pub year: u16,
    /// Bits 7:4 UTC resolution, 3:0 time resolution.
    pub utc_and_time_resolution: u8,
}

impl Timestamp104 {
    pub const LEN: usize = 13;

    pub fn from_bytes(b: &[u8; 13]) -> Self {
        Timestamp104 {
            utc_offset: i16::from_le_bytes([b[0], b[1]]),
            microsecond: u32::from_le_bytes([b[2], b[3], b[4], 0]),
            second: b[5],
            minute: b[6],
            hour: b[7],
            day: b[8],
            month: b[9],
            year: u16::from_le_bytes([b[10], b[11]]),
            utc_and_time_resolution: b[12],
        }
    }

    pub fn to_bytes(&self) -> [u8; 13] {
        let o = self.utc_offset.to_le_bytes();
        let us = self.microsecond.to_le_bytes();
        let y = self.year.to_le_bytes();
        [
            o[0],
            o[1],
            us[0],
            us[1],
            us[2],
            self.second,
            self.minute,
            self.hour,
            self.day,
            self.month,
            y[0],
            y[1],
            self.utc_and_time_resolution,
        ]
    }
}

impl fmt::Display for Timestamp104 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        if self.microsecond != 0 {
            write!(f, ".{:06}", self.microsecond)?;
        }
        if self.utc_offset != 0 {
            let o = i32::from(self.utc_offset);
            write!(
                f,
                " UTC{}{:02}:{:02}",
                if o < 0 { '-' } else { '+' },
                o.abs() / 60,
                o.abs() % 60
            )?;
        }
        Ok(())
    }
}

open_enum! {
    /// TransferOperationFlag of multipart reads (DSP0240 Table 7).
    pub enum TransferOperationFlag: u8 {
        GetNextPart = 0x00 => "GetNextPart",
        GetFirstPart = 0x01 => "GetFirstPart",
    }
}

open_enum! {
    /// TransferFlag of multipart responses (DSP0240; libpldm and pldm-fw agree).
    pub enum TransferFlag: u8 {
        Start = 0x01 => "Start",
        Middle = 0x02 => "Middle",
        End = 0x04 => "End",
        StartAndEnd = 0x05 => "StartAndEnd",
    }
}

pub(crate) fn transfer_operation_flag_name(v: u8) -> Option<&'static str> {
    TransferOperationFlag::from_value(v).name()
}

pub(crate) fn transfer_flag_name(v: u8) -> Option<&'static str> {
    TransferFlag::from_value(v).name()
}
