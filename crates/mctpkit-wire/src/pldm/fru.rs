//! PLDM FRU Data (PLDM type 4, DMTF DSP0257).
//!
//! | Cmd  | Command                   | Request                              | Response (after cc) |
//! |------|---------------------------|--------------------------------------|---------------------|
//! | 0x01 | GetFRURecordTableMetadata | –                                    | FRUDataMajorVersion, FRUDataMinorVersion, FRUTableMaximumSize (u32), FRUTableLength (u32), total record set identifiers (u16), total records (u16), checksum (u32) |
//! | 0x02 | GetFRURecordTable         | DataTransferHandle (u32), TransferOperationFlag | NextDataTransferHandle (u32), TransferFlag, table data |
//! | 0x03 | SetFRURecordTable         | DataTransferHandle (u32), TransferFlag, table data | NextDataTransferHandle (u32) |
//! | 0x04 | GetFRURecordByOption      | DataTransferHandle (u32), FRUTableHandle (u16), RecordSetIdentifier (u16), RecordType, FieldType, TransferOperationFlag | NextDataTransferHandle (u32), TransferFlag, FRU structure data |
//!
//! FRU record (DSP0257 Table 1): record set identifier (u16), record type
//! (1 general, 254 OEM), number of fields, encoding type, then fields
//! `{type, length, value}`. Layouts and codes agree between libpldm
//! (`fru.h`) and Wireshark 4.4. OpenBMC pads the whole table to a multiple
//! of four bytes and appends a CRC-32 on the last part of a transfer; see
//! [`RecordTable::with_trailer`].

use core::fmt;

use crate::describe::{Field, Group, Value, Visitor};
use crate::error::{Error, Result};
use crate::macros::open_enum;

use super::firmware_update::common::{
    le_struct, text, transfer_flag_name, transfer_operation_flag_name, Part, Reader, Writer,
};
use super::firmware_update::{StringType, Timestamp104, TransferFlag};
use super::Header;

pub use super::firmware_update::{pairing, Pairing};

open_enum! {
    /// FRU commands (libpldm `pldm_fru_commands`).
    pub enum Command: u8 {
        GetFruRecordTableMetadata = 0x01 => "GetFRURecordTableMetadata",
        GetFruRecordTable = 0x02 => "GetFRURecordTable",
        SetFruRecordTable = 0x03 => "SetFRURecordTable",
        GetFruRecordByOption = 0x04 => "GetFRURecordByOption",
        ReadFruDataItem = 0x10 => "ReadFRUDataItem",
        WriteFruDataItem = 0x11 => "WriteFRUDataItem",
        FindFruFiles = 0x18 => "FindFRUFiles",
        GetFruFileMetadata = 0x19 => "GetFRUFileMetadata",
    }
}

/// Name of a FRU command.
pub fn command_name(cmd: u8) -> Option<&'static str> {
    Command::from_value(cmd).name()
}

/// FRU-specific completion codes (libpldm `pldm_fru_completion_codes`;
/// 0x81 and 0x83 are not named there and stay unnamed here).
pub fn completion_code_name(cmd: u8, cc: u8) -> Option<&'static str> {
    let _ = cmd;
    match cc {
        0x80 => Some("INVALID_DATA_TRANSFER_HANDLE"),
        0x82 => Some("INVALID_TRANSFER_FLAG"),
        0x84 => Some("FRU_DATA_INVALID_DATA_INTEGRITY_CHECK"),
        0x85 => Some("FRU_DATA_STRUCTURE_TABLE_UNAVAILABLE"),
        _ => None,
    }
}

open_enum! {
    /// FRU record types.
    pub enum RecordType: u8 {
        General = 0x01 => "General",
        Oem = 0xFE => "OEM",
    }
}

open_enum! {
    /// Field types of a General FRU record (DSP0257 Table 2).
    pub enum FieldType: u8 {
        ChassisType = 0x01 => "Chassis Type",
        Model = 0x02 => "Model",
        PartNumber = 0x03 => "Part Number",
        SerialNumber = 0x04 => "Serial Number",
        Manufacturer = 0x05 => "Manufacturer",
        ManufactureDate = 0x06 => "Manufacture Date",
        Vendor = 0x07 => "Vendor",
        Name = 0x08 => "Name",
        Sku = 0x09 => "SKU",
        Version = 0x0A => "Version",
        AssetTag = 0x0B => "Asset Tag",
        Description = 0x0C => "Description",
        EngineeringChangeLevel = 0x0D => "Engineering Change Level",
        OtherInformation = 0x0E => "Other Information",
        VendorIana = 0x0F => "Vendor IANA",
    }
}

/// Field type name: general field names for record type 1; in OEM records
/// field type 1 is the vendor IANA, the rest are vendor defined.
pub fn field_type_name(record_type: u8, field_type: u8) -> Option<&'static str> {
    match (record_type, field_type) {
        (0x01, t) => FieldType::from_value(t).name(),
        (0xFE, 0x01) => Some("Vendor IANA"),
        (0xFE, _) => Some("OEM field"),
        _ => None,
    }
}

fn record_type_name(v: u8) -> Option<&'static str> {
    RecordType::from_value(v).name()
}

fn encoding_name(v: u8) -> Option<&'static str> {
    StringType::from_value(v).name()
}

le_struct! {
    /// GetFRURecordTableMetadata response.
    pub struct GetFruRecordTableMetadataResponse {
        fru_data_major_version: u8,
        fru_data_minor_version: u8,
        fru_table_maximum_size: u32,
        fru_table_length: u32,
        total_number_of_record_set_identifiers: u16,
        total_number_of_records: u16,
        /// CRC-32 over the FRU record table data.
        fru_data_structure_table_integrity_checksum: u32 [hex],
    }
}

le_struct! {
    /// GetFRURecordTable request.
    pub struct GetFruRecordTableRequest {
        data_transfer_handle: u32 [hex],
        transfer_operation_flag: u8 [hex] => transfer_operation_flag_name,
    }
}

le_struct! {
    /// GetFRURecordByOption request.
    pub struct GetFruRecordByOptionRequest {
        data_transfer_handle: u32 [hex],
        fru_table_handle: u16,
        record_set_identifier: u16,
        record_type: u8 => record_type_name,
        /// 0 = all fields.
        field_type: u8,
        transfer_operation_flag: u8 [hex] => transfer_operation_flag_name,
    }
}

le_struct! {
    /// SetFRURecordTable response.
    pub struct SetFruRecordTableResponse {
        next_data_transfer_handle: u32 [hex],
    }
}

macro_rules! fixed_part {
    ($t:ty, |$s:ident, $w:ident| $sum:expr) => {
        impl<'a> Part<'a> for $t {
            fn read(r: &mut Reader<'a>) -> Result<Self> {
                Self::read_fields(r)
            }
            fn write(&self, w: &mut Writer<'_>) {
                self.write_fields(w)
            }
            fn buffer_len(&self) -> usize {
                Self::LEN
            }
            fn summary(&self, $w: &mut dyn fmt::Write) -> fmt::Result {
                let $s = self;
                $sum
            }
            fn describe(&self, v: &mut dyn Visitor) {
                self.describe_at(v, 0)
            }
        }
    };
}

fixed_part!(GetFruRecordTableMetadataResponse, |s, w| write!(
    w,
    "v{}.{} length={} max={} record_sets={} records={} checksum={:#010x}",
    s.fru_data_major_version,
    s.fru_data_minor_version,
    s.fru_table_length,
    s.fru_table_maximum_size,
    s.total_number_of_record_set_identifiers,
    s.total_number_of_records,
    s.fru_data_structure_table_integrity_checksum
));
fixed_part!(GetFruRecordTableRequest, |s, w| write!(
    w,
    "handle={:#x} {}",
    s.data_transfer_handle,
    transfer_operation_flag_name(s.transfer_operation_flag).unwrap_or("?")
));
fixed_part!(GetFruRecordByOptionRequest, |s, w| write!(
    w,
    "table={} record_set={} type={} field={} handle={:#x}",
    s.fru_table_handle,
    s.record_set_identifier,
    s.record_type,
    s.field_type,
    s.data_transfer_handle
));
fixed_part!(SetFruRecordTableResponse, |s, w| write!(
    w,
    "next={:#x}",
    s.next_data_transfer_handle
));

/// A part of a FRU record table with its transfer fields: the
/// GetFRURecordTable / GetFRURecordByOption response and the
/// SetFRURecordTable request (which carries TransferFlag, not
/// TransferOperationFlag, after the handle).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TablePortion<'a> {
    /// NextDataTransferHandle in responses, DataTransferHandle in
    /// SetFRURecordTable requests.
    pub data_transfer_handle: u32,
    pub transfer_flag: u8,
    pub data: &'a [u8],
}

impl<'a> TablePortion<'a> {
    /// The records of a single-part transfer (`StartAndEnd`), with the
    /// OpenBMC pad-and-CRC trailer recognised when present.
    pub fn table(&self) -> Option<RecordTable<'a>> {
        (self.transfer_flag == TransferFlag::StartAndEnd.value())
            .then(|| RecordTable::with_trailer(self.data).unwrap_or(RecordTable::new(self.data)))
    }
}

impl<'a> Part<'a> for TablePortion<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        Ok(TablePortion {
            data_transfer_handle: r.le()?,
            transfer_flag: r.le()?,
            data: r.take_rest(),
        })
    }
    fn write(&self, w: &mut Writer<'_>) {
        w.le(self.data_transfer_handle);
        w.le(self.transfer_flag);
        w.put(self.data);
    }
    fn buffer_len(&self) -> usize {
        5 + self.data.len()
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "handle={:#x} {} {} bytes",
            self.data_transfer_handle,
            transfer_flag_name(self.transfer_flag).unwrap_or("?"),
            self.data.len()
        )?;
        if let Some(t) = self.table() {
            let n = t.iter_records().count();
            write!(w, " records={n}")?;
            if let Some(ok) = t.checksum_ok() {
                write!(w, " crc={}", if ok { "ok" } else { "BAD" })?;
            }
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::new(
            "data_transfer_handle",
            0,
            4,
            Value::hex32(self.data_transfer_handle),
        ));
        v.field(
            &Field::new("transfer_flag", 4, 1, Value::hex8(self.transfer_flag))
                .meaning(transfer_flag_name(self.transfer_flag)),
        );
        match self.table() {
            Some(t) => t.describe_at(v, 5),
            None => v.field(&Field::new(
                "fru_record_table_data",
                5,
                self.data.len(),
                Value::Bytes(self.data),
            )),
        }
    }
}

/// One FRU field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FruField<'a> {
    pub field_type: u8,
    pub value: &'a [u8],
}

/// A field value rendered for its type and the record's encoding.
pub struct FieldValue<'a> {
    pub record_type: u8,
    pub encoding: u8,
    pub field: FruField<'a>,
}

impl fmt::Display for FieldValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.field.value;
        match (self.record_type, self.field.field_type, v.len()) {
            (0x01, 0x06, 13) => {
                let mut b = [0u8; 13];
                b.copy_from_slice(v);
                Timestamp104::from_bytes(&b).fmt(f)
            }
            (0x01, 0x0F, 4) | (0xFE, 0x01, 4) => {
                write!(f, "{}", u32::from_le_bytes([v[0], v[1], v[2], v[3]]))
            }
            (0x01, _, _) => match StringType::from_value(self.encoding) {
                StringType::Utf16 | StringType::Utf16Le | StringType::Utf16Be => {
                    super::firmware_update::VersionString {
                        string_type: self.encoding.into(),
                        bytes: v,
                    }
                    .fmt(f)
                }
                _ => text(f, v),
            },
            _ => super::firmware_update::common::hex(f, v),
        }
    }
}

/// One FRU record: set identifier, type, encoding and its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Record<'a> {
    pub record_set_identifier: u16,
    pub record_type: u8,
    pub number_of_fields: u8,
    pub encoding_type: u8,
    /// The field TLVs (validated).
    pub fields_raw: &'a [u8],
}

/// Record header length.
pub const RECORD_HEADER_LEN: usize = 5;

impl<'a> Record<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let record_set_identifier = r.le()?;
        let record_type = r.le()?;
        let number_of_fields: u8 = r.le()?;
        let encoding_type = r.le()?;
        let start = r.rest();
        let mut n = 0;
        for _ in 0..number_of_fields {
            let _t: u8 = r.le()?;
            let l: u8 = r.le()?;
            r.take(l.into())?;
            n += 2 + usize::from(l);
        }
        Ok(Record {
            record_set_identifier,
            record_type,
            number_of_fields,
            encoding_type,
            fields_raw: &start[..n],
        })
    }

    /// Encoded length.
    pub fn buffer_len(&self) -> usize {
        RECORD_HEADER_LEN + self.fields_raw.len()
    }

    /// Encode into `buf` (exact length `buffer_len`).
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(
                crate::error::Layer::Pldm,
                n,
                buf.len(),
            ));
        }
        let mut w = Writer::new(&mut buf[..n]);
        w.le(self.record_set_identifier);
        w.le(self.record_type);
        w.le(self.number_of_fields);
        w.le(self.encoding_type);
        w.put(self.fields_raw);
        Ok(n)
    }

    /// Fields with their offsets inside the record.
    pub fn fields(&self) -> impl Iterator<Item = (usize, FruField<'a>)> + 'a {
        let mut r = Reader::new(self.fields_raw);
        core::iter::from_fn(move || {
            let at = r.pos();
            let t: u8 = r.le().ok()?;
            let l: u8 = r.le().ok()?;
            let v = r.take(l.into()).ok()?;
            Some((
                RECORD_HEADER_LEN + at,
                FruField {
                    field_type: t,
                    value: v,
                },
            ))
        })
    }

    fn describe_item(&self, v: &mut dyn Visitor, at: usize) {
        v.begin("record", Group::ListItem, at, self.buffer_len());
        v.field(&Field::new(
            "record_set_identifier",
            at,
            2,
            Value::Uint(self.record_set_identifier.into()),
        ));
        v.field(
            &Field::new(
                "record_type",
                at + 2,
                1,
                Value::Uint(self.record_type.into()),
            )
            .meaning(record_type_name(self.record_type)),
        );
        v.field(&Field::new(
            "number_of_fru_fields",
            at + 3,
            1,
            Value::Uint(self.number_of_fields.into()),
        ));
        v.field(
            &Field::new(
                "encoding_type",
                at + 4,
                1,
                Value::Uint(self.encoding_type.into()),
            )
            .meaning(encoding_name(self.encoding_type)),
        );
        v.begin(
            "fields",
            Group::List,
            at + RECORD_HEADER_LEN,
            self.fields_raw.len(),
        );
        for (off, fld) in self.fields() {
            let o = at + off;
            v.begin("field", Group::ListItem, o, 2 + fld.value.len());
            v.field(
                &Field::new("field_type", o, 1, Value::Uint(fld.field_type.into()))
                    .meaning(field_type_name(self.record_type, fld.field_type)),
            );
            v.field(&Field::new(
                "field_length",
                o + 1,
                1,
                Value::Uint(fld.value.len() as u64),
            ));
            let fv = FieldValue {
                record_type: self.record_type,
                encoding: self.encoding_type,
                field: fld,
            };
            v.field(&Field::new(
                "field_value",
                o + 2,
                fld.value.len(),
                Value::Display(&fv),
            ));
            v.end();
        }
        v.end();
        v.end();
    }
}

/// A FRU record table (records back to back), optionally followed by the
/// OpenBMC trailer: 0–3 zero pad bytes to a multiple of four and a CRC-32.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordTable<'a> {
    /// The record bytes.
    pub records: &'a [u8],
    /// Pad bytes (trailer only).
    pub pad: &'a [u8],
    /// Stored CRC-32 (trailer only).
    pub checksum: Option<u32>,
}

impl<'a> RecordTable<'a> {
    /// A table of records only (no trailer).
    pub const fn new(records: &'a [u8]) -> Self {
        RecordTable {
            records,
            pad: &[],
            checksum: None,
        }
    }

    /// Iterate the records of a reassembled table: yields each record or
    /// the error that stopped the walk (then ends). Bytes that cannot start
    /// a record (fewer than 5) end the walk with a truncation error.
    pub fn iter(bytes: &'a [u8]) -> Records<'a> {
        Records {
            r: Reader::new(bytes),
            done: false,
        }
    }

    /// Split off the OpenBMC trailer: the records must end exactly where
    /// 0–3 zero bytes and a 4-byte CRC close the table at a multiple of
    /// four. `None` when `bytes` does not have that shape.
    pub fn with_trailer(bytes: &'a [u8]) -> Option<Self> {
        if bytes.len() < 4 || bytes.len() % 4 != 0 {
            return None;
        }
        let mut r = Reader::new(bytes);
        loop {
            let left = r.remaining();
            if (4..=7).contains(&left) {
                let pad_len = left - 4;
                let at = r.pos();
                let pad = r.take(pad_len).ok()?;
                if pad.iter().any(|&b| b != 0) {
                    return None;
                }
                let crc: u32 = r.le().ok()?;
                return Some(RecordTable {
                    records: &bytes[..at],
                    pad,
                    checksum: Some(crc),
                });
            }
            if left < 4 {
                return None;
            }
            Record::read(&mut r).ok()?;
        }
    }

    /// The CRC-32 over records and pad (what OpenBMC computes and what
    /// GetFRURecordTableMetadata reports).
    pub fn computed_checksum(&self) -> u32 {
        let mut d = super::package::CRC32.digest();
        d.update(self.records);
        d.update(self.pad);
        d.finalize()
    }

    /// `None` without a trailer.
    pub fn checksum_ok(&self) -> Option<bool> {
        self.checksum.map(|c| c == self.computed_checksum())
    }

    /// Records of this table.
    pub fn iter_records(&self) -> Records<'a> {
        RecordTable::iter(self.records)
    }

    fn describe_at(&self, v: &mut dyn Visitor, at: usize) {
        v.begin("fru_records", Group::List, at, self.records.len());
        let mut it = self.iter_records();
        let mut pos = 0;
        for rec in it.by_ref() {
            match rec {
                Ok(rec) => {
                    rec.describe_item(v, at + pos);
                    pos += rec.buffer_len();
                }
                Err(_) => break,
            }
        }
        v.end();
        if pos < self.records.len() {
            let rest = &self.records[pos..];
            v.field(&Field::new(
                "undecoded",
                at + pos,
                rest.len(),
                Value::Bytes(rest),
            ));
        }
        if let Some(c) = self.checksum {
            let p = at + self.records.len();
            v.field(&Field::new(
                "pad",
                p,
                self.pad.len(),
                Value::Bytes(self.pad),
            ));
            v.field(&Field::new(
                "checksum",
                p + self.pad.len(),
                4,
                Value::hex32(c),
            ));
            v.field(&Field::derived(
                "checksum_ok",
                Value::Bool(c == self.computed_checksum()),
            ));
        }
    }
}

/// Iterator over records (see [`RecordTable::iter`]).
#[derive(Debug, Clone)]
pub struct Records<'a> {
    r: Reader<'a>,
    done: bool,
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.r.remaining() == 0 {
            return None;
        }
        let at = self.r.pos();
        match Record::read(&mut self.r) {
            Ok(rec) => Some(Ok(rec)),
            Err(e) => {
                self.done = true;
                Some(Err(if e.offset < at { e.shift(at) } else { e }))
            }
        }
    }
}

/// Encode one record from its parts; returns the bytes written.
pub fn encode_record(
    record_set_identifier: u16,
    record_type: u8,
    encoding_type: u8,
    fields: &[FruField<'_>],
    buf: &mut [u8],
) -> Result<usize> {
    let n = RECORD_HEADER_LEN
        + fields
            .iter()
            .map(|f| 2 + f.value.len().min(255))
            .sum::<usize>();
    if buf.len() < n {
        return Err(Error::buffer_too_small(
            crate::error::Layer::Pldm,
            n,
            buf.len(),
        ));
    }
    let mut w = Writer::new(buf);
    w.le(record_set_identifier);
    w.le(record_type);
    w.le(fields.len() as u8);
    w.le(encoding_type);
    for f in fields {
        let l = f.value.len().min(255);
        w.le(f.field_type);
        w.le(l as u8);
        w.put(&f.value[..l]);
    }
    Ok(n)
}

macro_rules! fru_body {
    (
        none: [$(($nrq:literal, $ncmd:ident)),* $(,)?],
        typed: [$(($rq:literal, $c:ident) => $var:ident($ty:ty)),* $(,)?] $(,)?
    ) => {
        /// Decoded FRU data: one variant per command and direction.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        #[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
        #[non_exhaustive]
        pub enum Body<'a> {
            /// A command whose data in this direction is empty.
            NoData,
            $(
                #[doc = concat!("`", stringify!($c), "` data.")]
                $var($ty),
            )*
        }

        impl<'a> Body<'a> {
            /// Decode per the `pldm::body` contract: `None` when not
            /// decoded here, else the body and the bytes used.
            pub fn parse(header: &Header, data: &'a [u8]) -> Option<Result<(Self, usize)>> {
                if !header.rq && header.completion_code != Some(0) {
                    return None;
                }
                let _ = data;
                Some(match (header.rq, Command::from_value(header.command)) {
                    $(($nrq, Command::$ncmd) => Ok((Body::NoData, 0)),)*
                    $(($rq, Command::$c) => {
                        let mut r = Reader::new(data);
                        <$ty as Part<'a>>::read(&mut r).map(|b| (Body::$var(b), r.pos()))
                    })*
                    _ => return None,
                })
            }
            /// A problem in decoded data: a single-part table whose CRC-32
            /// trailer does not match.
            pub fn problem(&self) -> Option<Error> {
                let t = match self {
                    Body::GetFruRecordTableResponse(t) | Body::GetFruRecordByOptionResponse(t) => t,
                    _ => return None,
                };
                let table = t.table()?;
                match table.checksum_ok() {
                    Some(false) => Some(Error::invalid(
                        crate::error::Layer::Pldm,
                        5 + table.records.len() + table.pad.len(),
                        "fru_record_table_checksum",
                        table.checksum.unwrap_or(0),
                        "CRC-32 of the records and pad",
                    )),
                    _ => None,
                }
            }
            pub fn buffer_len(&self) -> usize {
                match self {
                    Body::NoData => 0,
                    $(Body::$var(b) => b.buffer_len(),)*
                }
            }
            pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
                match self {
                    Body::NoData => Ok(0),
                    $(Body::$var(b) => b.emit_bytes(buf),)*
                }
            }
            /// Summary text without a leading separator.
            pub fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
                match self {
                    Body::NoData => Ok(()),
                    $(Body::$var(b) => b.summary(w),)*
                }
            }
            /// Field walk (offsets from the data start).
            pub fn describe(&self, v: &mut dyn Visitor) {
                match self {
                    Body::NoData => {}
                    $(Body::$var(b) => b.describe(v),)*
                }
            }
        }
    };
}

fru_body! {
    none: [(true, GetFruRecordTableMetadata)],
    typed: [
        (false, GetFruRecordTableMetadata) => GetFruRecordTableMetadataResponse(GetFruRecordTableMetadataResponse),
        (true, GetFruRecordTable) => GetFruRecordTableRequest(GetFruRecordTableRequest),
        (false, GetFruRecordTable) => GetFruRecordTableResponse(TablePortion<'a>),
        (true, SetFruRecordTable) => SetFruRecordTableRequest(TablePortion<'a>),
        (false, SetFruRecordTable) => SetFruRecordTableResponse(SetFruRecordTableResponse),
        (true, GetFruRecordByOption) => GetFruRecordByOptionRequest(GetFruRecordByOptionRequest),
        (false, GetFruRecordByOption) => GetFruRecordByOptionResponse(TablePortion<'a>),
    ],
}

#[cfg(test)]
#[path = "fru_tests.rs"]
mod tests;
