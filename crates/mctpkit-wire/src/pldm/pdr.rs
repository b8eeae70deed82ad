//! Platform Descriptor Records (DSP0248 §28), as carried in GetPDR
//! recordData.
//!
//! ```text
//!  common header (10 bytes): recordHandle u32, PDRHeaderVersion, PDRType,
//!                            recordChangeNumber u16, dataLength u16
//!  1  terminus locator      PLDMTerminusHandle u16, validity, TID, containerID u16,
//!                           terminusLocatorType, terminusLocatorValueSize, value
//!  2  numeric sensor        terminusHandle, sensorID, entityType, entityInstanceNumber,
//!                           containerID (u16 each), sensorInit, sensorAuxiliaryNamesPDR,
//!                           baseUnit, unitModifier s8, rateUnit, baseOEMUnitHandle,
//!                           auxUnit, auxUnitModifier s8, auxrateUnit, rel,
//!                           auxOEMUnitHandle, isLinear, sensorDataSize,
//!                           resolution real32, offset real32, ... (rest raw)
//!  4  state sensor          terminusHandle, sensorID, entityType, entityInstanceNumber,
//!                           containerID, sensorInit, sensorAuxiliaryNamesPDR,
//!                           compositeSensorCount, {stateSetID u16, size, states[size]}[n]
//!  6 / 13 sensor / effecter auxiliary names: terminusHandle, sensorID/effecterID,
//!                           sensorCount/effecterCount, names (raw)
//!  9  numeric effecter      terminusHandle, effecterID, entityType, entityInstanceNumber,
//!                           containerID, effecterSemanticID (u16 each), effecterInit,
//!                           effecterAuxiliaryNames, baseUnit, unitModifier s8, rateUnit,
//!                           baseOEMUnitHandle, auxUnit, auxUnitModifier s8, auxRateUnit,
//!                           auxOEMUnitHandle, isLinear, effecterDataSize, ... (rest raw)
//!  11 state effecter        terminusHandle, effecterID, entityType, entityInstanceNumber,
//!                           containerID, effecterSemanticID, effecterInit,
//!                           effecterDescriptionPDR, compositeEffecterCount, possible states
//!  15 entity association    containerID u16, associationType, containerEntity
//!                           {entityType, entityInstanceNumber, containerID},
//!                           numberOfContainedEntities, contained entities[n] (6 bytes each)
//!  20 FRU record set        PLDMTerminusHandle, FRURecordSetIdentifier, entityType,
//!                           entityInstanceNumber, containerID (u16 each)
//!  126 / 127 OEM device / OEM: raw
//! ```
//!
//! Sources: libpldm `platform.h` / `pdr.h` structs (packed, little-endian),
//! upper-layers.md §1.5. Numeric sensor and effecter PDRs are decoded up to
//! their first size-dependent field; the rest is shown as bytes. Records are
//! zero-copy: a [`Record`] keeps its body bytes and decodes fields on
//! `describe`, so `emit` is the identity.

use core::fmt;

use crc::{Crc, CRC_8_SMBUS};

use crate::describe::{Field, Group, Value, Visitor};
use crate::error::{Error, ErrorKind, Layer, Result};
use crate::macros::open_enum;

use super::body::{read, show};

/// CRC-8 of GetPDR's transferCRC (libpldm `crc8`, "same as SMBus").
pub const TRANSFER_CRC: Crc<u8> = Crc::<u8>::new(&CRC_8_SMBUS);

/// transferCRC over a whole (reassembled) PDR.
pub fn transfer_crc(record: &[u8]) -> u8 {
    TRANSFER_CRC.checksum(record)
}

/// Length of the common PDR header.
pub const HEADER_LEN: usize = 10;

open_enum! {
    /// PDRType (DSP0248 §28.2; libpldm `pldm_pdr_types`).
    pub enum PdrType: u8 {
        TerminusLocator = 1 => "Terminus Locator PDR",
        NumericSensor = 2 => "Numeric Sensor PDR",
        NumericSensorInitialization = 3 => "Numeric Sensor Initialization PDR",
        StateSensor = 4 => "State Sensor PDR",
        StateSensorInitialization = 5 => "State Sensor Initialization PDR",
        SensorAuxiliaryNames = 6 => "Sensor Auxiliary Names PDR",
        OemUnit = 7 => "OEM Unit PDR",
        OemStateSet = 8 => "OEM State Set PDR",
        NumericEffecter = 9 => "Numeric Effecter PDR",
        NumericEffecterInitialization = 10 => "Numeric Effecter Initialization PDR",
        StateEffecter = 11 => "State Effecter PDR",
        StateEffecterInitialization = 12 => "State Effecter Initialization PDR",
        EffecterAuxiliaryNames = 13 => "Effecter Auxiliary Names PDR",
        EffecterOemSemantic = 14 => "Effecter OEM Semantic PDR",
        EntityAssociation = 15 => "Entity Association PDR",
        EntityAuxiliaryNames = 16 => "Entity Auxiliary Names PDR",
        OemEntityId = 17 => "OEM Entity ID PDR",
        InterruptAssociation = 18 => "Interrupt Association PDR",
        EventLog = 19 => "PLDM Event Log PDR",
        FruRecordSet = 20 => "FRU Record Set PDR",
        CompactNumericSensor = 21 => "Compact Numeric Sensor PDR",
        RedfishResource = 22 => "Redfish Resource PDR",
        RedfishEntityAssociation = 23 => "Redfish Entity Association PDR",
        RedfishAction = 24 => "Redfish Action PDR",
        OemDevice = 126 => "OEM Device PDR",
        Oem = 127 => "OEM PDR",
    }
}

/// The common PDR header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Header {
    pub record_handle: u32,
    pub pdr_header_version: u8,
    pub pdr_type: PdrType,
    pub record_change_number: u16,
    pub data_length: u16,
}

impl Header {
    /// Parse the 10-byte header.
    pub fn parse(d: &[u8]) -> Result<Header> {
        Ok(Header {
            record_handle: read::le32(d, 0)?,
            pdr_header_version: read::u8_at(d, 4)?,
            pdr_type: read::u8_at(d, 5)?.into(),
            record_change_number: read::le16(d, 6)?,
            data_length: read::le16(d, 8)?,
        })
    }

    /// Write the 10-byte header.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        if buf.len() < HEADER_LEN {
            return Err(Error::buffer_too_small(Layer::Pldm, HEADER_LEN, buf.len()));
        }
        buf[0..4].copy_from_slice(&self.record_handle.to_le_bytes());
        buf[4] = self.pdr_header_version;
        buf[5] = self.pdr_type.value();
        buf[6..8].copy_from_slice(&self.record_change_number.to_le_bytes());
        buf[8..10].copy_from_slice(&self.data_length.to_le_bytes());
        Ok(HEADER_LEN)
    }
}

/// How a fixed PDR field is shown.
#[derive(Clone, Copy)]
enum Kind {
    Uint,
    Hex,
    Signed,
    Real32,
}

type Fields = &'static [(&'static str, usize, usize, Kind)];

use Kind::{Hex, Real32, Signed, Uint};

const ENTITY_IDS: [(&str, usize, usize, Kind); 5] = [
    ("terminus_handle", 0, 2, Hex),
    ("id", 2, 2, Uint),
    ("entity_type", 4, 2, Uint),
    ("entity_instance_number", 6, 2, Uint),
    ("container_id", 8, 2, Uint),
];

const TERMINUS_LOCATOR: Fields = &[
    ("pldm_terminus_handle", 0, 2, Hex),
    ("validity", 2, 1, Hex),
    ("tid", 3, 1, Uint),
    ("container_id", 4, 2, Uint),
    ("terminus_locator_type", 6, 1, Hex),
    ("terminus_locator_value_size", 7, 1, Uint),
];

const NUMERIC_SENSOR: Fields = &[
    ("terminus_handle", 0, 2, Hex),
    ("sensor_id", 2, 2, Uint),
    ("entity_type", 4, 2, Uint),
    ("entity_instance_number", 6, 2, Uint),
    ("container_id", 8, 2, Uint),
    ("sensor_init", 10, 1, Hex),
    ("sensor_auxiliary_names_pdr", 11, 1, Hex),
    ("base_unit", 12, 1, Uint),
    ("unit_modifier", 13, 1, Signed),
    ("rate_unit", 14, 1, Uint),
    ("base_oem_unit_handle", 15, 1, Uint),
    ("aux_unit", 16, 1, Uint),
    ("aux_unit_modifier", 17, 1, Signed),
    ("aux_rate_unit", 18, 1, Uint),
    ("rel", 19, 1, Uint),
    ("aux_oem_unit_handle", 20, 1, Uint),
    ("is_linear", 21, 1, Hex),
    ("sensor_data_size", 22, 1, Uint),
    ("resolution", 23, 4, Real32),
    ("offset", 27, 4, Real32),
];

const NUMERIC_EFFECTER: Fields = &[
    ("terminus_handle", 0, 2, Hex),
    ("effecter_id", 2, 2, Uint),
    ("entity_type", 4, 2, Uint),
    ("entity_instance_number", 6, 2, Uint),
    ("container_id", 8, 2, Uint),
    ("effecter_semantic_id", 10, 2, Uint),
    ("effecter_init", 12, 1, Hex),
    ("effecter_auxiliary_names", 13, 1, Hex),
    ("base_unit", 14, 1, Uint),
    ("unit_modifier", 15, 1, Signed),
    ("rate_unit", 16, 1, Uint),
    ("base_oem_unit_handle", 17, 1, Uint),
    ("aux_unit", 18, 1, Uint),
    ("aux_unit_modifier", 19, 1, Signed),
    ("aux_rate_unit", 20, 1, Uint),
    ("aux_oem_unit_handle", 21, 1, Uint),
    ("is_linear", 22, 1, Hex),
    ("effecter_data_size", 23, 1, Uint),
    ("resolution", 24, 4, Real32),
    ("offset", 28, 4, Real32),
];

const STATE_SENSOR: Fields = &[
    ("terminus_handle", 0, 2, Hex),
    ("sensor_id", 2, 2, Uint),
    ("entity_type", 4, 2, Uint),
    ("entity_instance_number", 6, 2, Uint),
    ("container_id", 8, 2, Uint),
    ("sensor_init", 10, 1, Hex),
    ("sensor_auxiliary_names_pdr", 11, 1, Hex),
    ("composite_sensor_count", 12, 1, Uint),
];

const STATE_EFFECTER: Fields = &[
    ("terminus_handle", 0, 2, Hex),
    ("effecter_id", 2, 2, Uint),
    ("entity_type", 4, 2, Uint),
    ("entity_instance_number", 6, 2, Uint),
    ("container_id", 8, 2, Uint),
    ("effecter_semantic_id", 10, 2, Uint),
    ("effecter_init", 12, 1, Hex),
    ("has_description_pdr", 13, 1, Hex),
    ("composite_effecter_count", 14, 1, Uint),
];

const AUX_NAMES: Fields = &[
    ("terminus_handle", 0, 2, Hex),
    ("id", 2, 2, Uint),
    ("count", 4, 1, Uint),
];

const ENTITY_ASSOCIATION: Fields = &[
    ("container_id", 0, 2, Uint),
    ("association_type", 2, 1, Hex),
    ("container_entity_type", 3, 2, Uint),
    ("container_entity_instance_number", 5, 2, Uint),
    ("container_entity_container_id", 7, 2, Uint),
    ("number_of_contained_entities", 9, 1, Uint),
];

const FRU_RECORD_SET: Fields = &[
    ("pldm_terminus_handle", 0, 2, Hex),
    ("fru_record_set_identifier", 2, 2, Uint),
    ("entity_type", 4, 2, Uint),
    ("entity_instance_number", 6, 2, Uint),
    ("container_id", 8, 2, Uint),
];

/// The fixed fields of a PDR type (empty for types kept raw).
fn fields_of(t: PdrType) -> Fields {
    match t {
        PdrType::TerminusLocator => TERMINUS_LOCATOR,
        PdrType::NumericSensor => NUMERIC_SENSOR,
        PdrType::StateSensor => STATE_SENSOR,
        PdrType::NumericEffecter => NUMERIC_EFFECTER,
        PdrType::StateEffecter => STATE_EFFECTER,
        PdrType::SensorAuxiliaryNames | PdrType::EffecterAuxiliaryNames => AUX_NAMES,
        PdrType::EntityAssociation => ENTITY_ASSOCIATION,
        PdrType::FruRecordSet => FRU_RECORD_SET,
        _ => &[],
    }
}

fn fixed_len(f: Fields) -> usize {
    f.iter().map(|&(_, at, len, _)| at + len).max().unwrap_or(0)
}

/// A whole PDR: header and body bytes (`data_length` of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Record<'a> {
    pub header: Header,
    /// The type-specific bytes after the common header.
    pub data: &'a [u8],
}

/// Little-endian unsigned value of `len` (1, 2 or 4) bytes at `at`.
fn le(d: &[u8], at: usize, len: usize) -> u32 {
    let mut v = 0u32;
    for i in (0..len).rev() {
        v = (v << 8) | u32::from(d.get(at + i).copied().unwrap_or(0));
    }
    v
}

struct F32(u32);

impl fmt::Display for F32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", f32::from_bits(self.0))
    }
}

struct I8(i8);

impl fmt::Display for I8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl<'a> Record<'a> {
    /// Decode a complete PDR (from GetPDR recordData or a reassembled
    /// multipart transfer). The bytes must hold exactly the header and
    /// `dataLength` body bytes; the type's fixed fields and its counted
    /// lists are checked against the bytes present.
    pub fn parse(bytes: &'a [u8]) -> Result<Record<'a>> {
        let header = Header::parse(bytes)?;
        let len = usize::from(header.data_length);
        let data = read::bytes(bytes, HEADER_LEN, len)?;
        if bytes.len() > HEADER_LEN + len {
            return Err(Error {
                layer: Layer::Pldm,
                offset: 8,
                kind: ErrorKind::LengthMismatch {
                    field: "data_length",
                    declared: len,
                    actual: bytes.len() - HEADER_LEN,
                },
            });
        }
        let r = Record { header, data };
        r.check().map_err(|e| e.shift(HEADER_LEN))?;
        Ok(r)
    }

    /// Validate the body against its type's layout (offsets from the body).
    fn check(&self) -> Result<()> {
        let d = self.data;
        let f = fields_of(self.header.pdr_type);
        read::bytes(d, 0, fixed_len(f))?;
        match self.header.pdr_type {
            PdrType::TerminusLocator => {
                let n = usize::from(read::u8_at(d, 7)?);
                read::bytes(d, 8, n)?;
            }
            PdrType::StateSensor | PdrType::StateEffecter => {
                self.possible_states()?;
            }
            PdrType::EntityAssociation => {
                let n = usize::from(read::u8_at(d, 9)?);
                read::bytes(d, 10, n * 6)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// The possible-states list of a state sensor/effecter PDR: its offset
    /// in the body, count and bytes.
    fn possible_states(&self) -> Result<(usize, usize, &'a [u8])> {
        let (count_at, start) = match self.header.pdr_type {
            PdrType::StateSensor => (12, 13),
            _ => (14, 15),
        };
        let d = self.data;
        let count = usize::from(read::u8_at(d, count_at)?);
        let mut at = start;
        for _ in 0..count {
            let size = usize::from(read::u8_at(d, at + 2)?);
            read::bytes(d, at + 3, size)?;
            at += 3 + size;
        }
        Ok((start, count, &d[start..at]))
    }

    /// A problem in a decoded record: none (parse rejects bad ones).
    pub fn problem(&self) -> Option<Error> {
        None
    }

    /// Encoded length (header + body).
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN + self.data.len()
    }

    /// Encode (the header's `data_length` is written as stored).
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Pldm, n, buf.len()));
        }
        self.header.emit(buf)?;
        buf[HEADER_LEN..n].copy_from_slice(self.data);
        Ok(n)
    }

    /// The sensor or effecter ID of sensor/effecter PDRs.
    pub fn sensor_or_effecter_id(&self) -> Option<u16> {
        match self.header.pdr_type {
            PdrType::NumericSensor
            | PdrType::StateSensor
            | PdrType::NumericEffecter
            | PdrType::StateEffecter
            | PdrType::SensorAuxiliaryNames
            | PdrType::EffecterAuxiliaryNames => Some(le(self.data, 2, 2) as u16),
            _ => None,
        }
    }

    /// One-line summary: `Numeric Sensor PDR #1 sensor 5 entity 64/1`.
    pub fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match self.header.pdr_type.name() {
            Some(n) => w.write_str(n)?,
            None => write!(w, "PDR type {}", self.header.pdr_type.value())?,
        }
        write!(w, " #{}", self.header.record_handle)?;
        if let Some(id) = self.sensor_or_effecter_id() {
            write!(w, " id {id}")?;
        }
        match self.header.pdr_type {
            PdrType::NumericSensor
            | PdrType::StateSensor
            | PdrType::NumericEffecter
            | PdrType::StateEffecter
            | PdrType::FruRecordSet => write!(
                w,
                " entity {}/{}",
                le(self.data, ENTITY_IDS[2].1, 2),
                le(self.data, ENTITY_IDS[3].1, 2)
            ),
            PdrType::TerminusLocator => write!(w, " tid {}", le(self.data, 3, 1)),
            _ => Ok(()),
        }
    }

    /// Field walk; `at` is where the record starts.
    pub fn describe(&self, v: &mut dyn Visitor, at: usize) {
        let h = &self.header;
        show::hex(v, "record_handle", at, 4, h.record_handle.into(), None);
        show::uint(
            v,
            "pdr_header_version",
            at + 4,
            1,
            h.pdr_header_version.into(),
        );
        show::uint(v, "pdr_type", at + 5, 1, h.pdr_type.value().into());
        v.field(&Field::derived(
            "pdr_type_name",
            match h.pdr_type.name() {
                Some(n) => Value::Str(n),
                None => Value::Null,
            },
        ));
        show::uint(
            v,
            "record_change_number",
            at + 6,
            2,
            h.record_change_number.into(),
        );
        show::uint(v, "data_length", at + 8, 2, h.data_length.into());
        let b = at + HEADER_LEN;
        let d = self.data;
        let f = fields_of(h.pdr_type);
        for &(name, off, len, kind) in f {
            let x = le(d, off, len);
            match kind {
                Uint => show::uint(v, name, b + off, len, x.into()),
                Hex => show::hex(v, name, b + off, len, x.into(), None),
                Signed => v.field(&Field::new(
                    name,
                    b + off,
                    len,
                    Value::Display(&I8(x as u8 as i8)),
                )),
                Real32 => v.field(&Field::new(name, b + off, len, Value::Display(&F32(x)))),
            }
        }
        let fixed = fixed_len(f);
        match h.pdr_type {
            PdrType::TerminusLocator => {
                let n = usize::from(d.get(7).copied().unwrap_or(0));
                show::bytes(
                    v,
                    "terminus_locator_value",
                    b + 8,
                    d.get(8..8 + n).unwrap_or(&[]),
                );
            }
            PdrType::StateSensor | PdrType::StateEffecter => {
                if let Ok((start, _count, states)) = self.possible_states() {
                    v.begin("possible_states", Group::List, b + start, states.len());
                    let mut p = 0;
                    while p + 3 <= states.len() {
                        let size = usize::from(states[p + 2]);
                        let end = (p + 3 + size).min(states.len());
                        v.begin("", Group::ListItem, b + start + p, end - p);
                        show::uint(v, "state_set_id", b + start + p, 2, le(states, p, 2).into());
                        show::uint(v, "possible_states_size", b + start + p + 2, 1, size as u64);
                        show::bytes(v, "possible_states", b + start + p + 3, &states[p + 3..end]);
                        v.end();
                        p = end;
                    }
                    v.end();
                }
            }
            PdrType::EntityAssociation => {
                let n = usize::from(d.get(9).copied().unwrap_or(0));
                v.begin("contained_entities", Group::List, b + 10, n * 6);
                for i in 0..n {
                    let o = 10 + i * 6;
                    v.begin("", Group::ListItem, b + o, 6);
                    show::uint(v, "entity_type", b + o, 2, le(d, o, 2).into());
                    show::uint(
                        v,
                        "entity_instance_number",
                        b + o + 2,
                        2,
                        le(d, o + 2, 2).into(),
                    );
                    show::uint(v, "container_id", b + o + 4, 2, le(d, o + 4, 2).into());
                    v.end();
                }
                v.end();
            }
            PdrType::SensorAuxiliaryNames | PdrType::EffecterAuxiliaryNames => {
                show::bytes(v, "names", b + fixed, d.get(fixed..).unwrap_or(&[]));
            }
            PdrType::NumericSensor | PdrType::NumericEffecter => {
                show::bytes(
                    v,
                    "remaining_fields",
                    b + fixed,
                    d.get(fixed..).unwrap_or(&[]),
                );
            }
            _ if f.is_empty() => show::bytes(v, "pdr_data", b, d),
            _ => {
                if d.len() > fixed {
                    show::bytes(v, "remaining_fields", b + fixed, &d[fixed..]);
                }
            }
        }
    }
}
