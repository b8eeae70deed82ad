//! Encoders for the PDRs a PLDM terminus serves from its repository
//! (DSP0248 §28): the terminus locator (§28.2, Table 75), the numeric
//! sensor (§28.4, Table 78) and the state sensor (§28.6, Table 81) PDRs.
//!
//! Each record is written whole — the common header (§28.1, Table 74,
//! `PDRHeaderVersion` 1) and the type's body, little-endian — so the
//! result is exactly what GetPDR's recordData carries and what
//! [`pdr::Record::parse`] reads back. Field layouts follow libpldm's
//! `pldm_terminus_locator_pdr`, `pldm_numeric_sensor_value_pdr` and
//! `pldm_state_sensor_pdr` (packed), which `pdr.rs` decodes.
//!
//! ```
//! use mctpkit_wire::pldm::pdr::{PdrType, Record};
//! use mctpkit_wire::pldm::pdr_builder::{PdrBody, TerminusLocatorPdr};
//!
//! let tl = TerminusLocatorPdr::mctp_eid(1, 9);
//! let mut buf = [0u8; 32];
//! let n = tl.emit_record(7, &mut buf).unwrap();
//! let r = Record::parse(&buf[..n]).unwrap();
//! assert_eq!((r.header.record_handle, r.header.pdr_type), (7, PdrType::TerminusLocator));
//! // PLDMTerminusHandle 1, valid, TID 1, container 0, MCTP_EID (1), 1 byte: EID 9.
//! assert_eq!(r.data, &[0x01, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x01, 0x09]);
//! ```

use crate::error::{Error, Layer, Result};

use super::pdr::{self, PdrType};
use super::platform::{DataSize, Numeric};

/// `PDRHeaderVersion` of DSP0248 1.x records.
pub const PDR_HEADER_VERSION: u8 = 1;

/// A PDR body: its type, length and bytes after the common header.
pub trait PdrBody {
    /// `PDRType` of the record.
    const PDR_TYPE: PdrType;
    /// Bytes after the common header (`dataLength`).
    fn body_len(&self) -> usize;
    /// Write the body into `buf[..self.body_len()]`.
    fn emit_body(&self, buf: &mut [u8]);

    /// Length of the whole record, header included.
    fn record_len(&self) -> usize {
        pdr::HEADER_LEN + self.body_len()
    }

    /// Write the whole record (common header with `record_handle`,
    /// `recordChangeNumber` 0, then the body); returns its length.
    fn emit_record(&self, record_handle: u32, buf: &mut [u8]) -> Result<usize> {
        let n = self.record_len();
        let data_length = u16::try_from(self.body_len())
            .map_err(|_| Error::buffer_too_small(Layer::Pldm, usize::from(u16::MAX), n))?;
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Pldm, n, buf.len()));
        }
        pdr::Header {
            record_handle,
            pdr_header_version: PDR_HEADER_VERSION,
            pdr_type: Self::PDR_TYPE,
            record_change_number: 0,
            data_length,
        }
        .emit(buf)?;
        self.emit_body(&mut buf[pdr::HEADER_LEN..n]);
        Ok(n)
    }

    /// The whole record in a new vector.
    #[cfg(feature = "alloc")]
    fn to_record(&self, record_handle: u32) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0u8; self.record_len()];
        // The buffer has exactly record_len() bytes.
        let n = self.emit_record(record_handle, &mut v).unwrap_or(0);
        v.truncate(n);
        v
    }
}

/// `terminusLocatorType` MCTP_EID (DSP0248 Table 75; libpldm
/// `PLDM_TERMINUS_LOCATOR_TYPE_MCTP_EID`).
pub const TERMINUS_LOCATOR_MCTP_EID: u8 = 1;

/// Terminus Locator PDR (type 1) of the MCTP_EID form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminusLocatorPdr {
    pub terminus_handle: u16,
    /// `validity`: 1 = valid, 0 = not valid.
    pub validity: u8,
    pub tid: u8,
    pub container_id: u16,
    /// The terminus's EID (the locator value).
    pub eid: u8,
}

impl TerminusLocatorPdr {
    /// A valid locator for terminus `tid` at `eid` (handle 1, container 0).
    pub const fn mctp_eid(tid: u8, eid: u8) -> Self {
        TerminusLocatorPdr {
            terminus_handle: 1,
            validity: 1,
            tid,
            container_id: 0,
            eid,
        }
    }
}

impl PdrBody for TerminusLocatorPdr {
    const PDR_TYPE: PdrType = PdrType::TerminusLocator;
    fn body_len(&self) -> usize {
        9
    }
    fn emit_body(&self, b: &mut [u8]) {
        b[0..2].copy_from_slice(&self.terminus_handle.to_le_bytes());
        b[2] = self.validity;
        b[3] = self.tid;
        b[4..6].copy_from_slice(&self.container_id.to_le_bytes());
        b[6] = TERMINUS_LOCATOR_MCTP_EID;
        b[7] = 1; // terminusLocatorValueSize
        b[8] = self.eid;
    }
}

/// The entity a sensor belongs to (DSP0248 §28: entityType,
/// entityInstanceNumber, containerID; entity types from DSP0249).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Entity {
    pub entity_type: u16,
    pub entity_instance_number: u16,
    pub container_id: u16,
}

/// The first 12 body bytes of sensor PDRs: terminusHandle, sensorID, the
/// entity, sensorInit (noInit) and sensorAuxiliaryNamesPDR (false).
fn sensor_ids(b: &mut [u8], terminus_handle: u16, sensor_id: u16, e: &Entity) {
    b[0..2].copy_from_slice(&terminus_handle.to_le_bytes());
    b[2..4].copy_from_slice(&sensor_id.to_le_bytes());
    b[4..6].copy_from_slice(&e.entity_type.to_le_bytes());
    b[6..8].copy_from_slice(&e.entity_instance_number.to_le_bytes());
    b[8..10].copy_from_slice(&e.container_id.to_le_bytes());
    b[10] = 0;
    b[11] = 0;
}

/// `supportedThresholds` bits (DSP0248 Table 78).
pub mod thresholds {
    pub const UPPER_WARNING: u8 = 1 << 0;
    pub const UPPER_CRITICAL: u8 = 1 << 1;
    pub const UPPER_FATAL: u8 = 1 << 2;
    pub const LOWER_WARNING: u8 = 1 << 3;
    pub const LOWER_CRITICAL: u8 = 1 << 4;
    pub const LOWER_FATAL: u8 = 1 << 5;
}

/// Numeric Sensor PDR (type 2). Readings, hysteresis, the readable range
/// and the range fields are all of `data_size` (rangeFieldFormat = the
/// sensor's data size; real32 ranges are not produced). The range fields
/// nominal, normalMax/Min, criticalHigh/Low are marked supported in
/// rangeFieldSupport; fatal ones are not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumericSensorPdr {
    pub terminus_handle: u16,
    pub sensor_id: u16,
    pub entity: Entity,
    /// `baseUnit` (DSP0248 Table 79: 2 = degrees C, 5 = volts, 19 = RPM).
    pub base_unit: u8,
    /// `unitModifier`: the reading is × 10^modifier.
    pub unit_modifier: i8,
    pub data_size: DataSize,
    /// `resolution` and `offset`: units = reading × resolution + offset.
    pub resolution: f32,
    pub offset: f32,
    pub hysteresis: i64,
    pub supported_thresholds: u8,
    /// `updateInterval` in seconds.
    pub update_interval: f32,
    pub max_readable: i64,
    pub min_readable: i64,
    pub nominal: i64,
    pub normal_max: i64,
    pub normal_min: i64,
    pub warning_high: i64,
    pub warning_low: i64,
    pub critical_high: i64,
    pub critical_low: i64,
    pub fatal_high: i64,
    pub fatal_low: i64,
}

/// `rangeFieldSupport` bits set by [`NumericSensorPdr`]: nominalValue,
/// normalMax, normalMin, criticalHigh, criticalLow (DSP0248 Table 78).
pub const RANGE_FIELD_SUPPORT: u8 = 0b0001_1111;

impl NumericSensorPdr {
    fn value_len(&self) -> usize {
        self.data_size.value_len().unwrap_or(0)
    }
    fn put(&self, b: &mut [u8], at: &mut usize, v: i64) {
        let n = Numeric {
            size: self.data_size,
            value: v,
        };
        n.write(&mut b[*at..]);
        *at += n.len();
    }
}

impl PdrBody for NumericSensorPdr {
    const PDR_TYPE: PdrType = PdrType::NumericSensor;
    fn body_len(&self) -> usize {
        // 31 fixed bytes to `offset`, accuracy 2, tolerances 2, hysteresis,
        // supportedThresholds, volatility, two real32 intervals,
        // max/minReadable, rangeFieldFormat, rangeFieldSupport, 9 ranges.
        31 + 2 + 2 + self.value_len() + 2 + 8 + 2 * self.value_len() + 2 + 9 * self.value_len()
    }
    fn emit_body(&self, b: &mut [u8]) {
        sensor_ids(b, self.terminus_handle, self.sensor_id, &self.entity);
        b[12] = self.base_unit;
        b[13] = self.unit_modifier as u8;
        b[14] = 0; // rateUnit: none
        b[15] = 0; // baseOEMUnitHandle
        b[16] = 0; // auxUnit: none
        b[17] = 0; // auxUnitModifier
        b[18] = 0; // auxrateUnit
        b[19] = 0; // rel: dividedBy
        b[20] = 0; // auxOEMUnitHandle
        b[21] = 1; // isLinear
        b[22] = self.data_size.value();
        b[23..27].copy_from_slice(&self.resolution.to_bits().to_le_bytes());
        b[27..31].copy_from_slice(&self.offset.to_bits().to_le_bytes());
        b[31..33].copy_from_slice(&0u16.to_le_bytes()); // accuracy
        b[33] = 0; // plusTolerance
        b[34] = 0; // minusTolerance
        let mut at = 35;
        self.put(b, &mut at, self.hysteresis);
        b[at] = self.supported_thresholds;
        b[at + 1] = 0; // thresholdAndHysteresisVolatility
        b[at + 2..at + 6].copy_from_slice(&0f32.to_bits().to_le_bytes()); // stateTransitionInterval
        b[at + 6..at + 10].copy_from_slice(&self.update_interval.to_bits().to_le_bytes());
        at += 10;
        self.put(b, &mut at, self.max_readable);
        self.put(b, &mut at, self.min_readable);
        b[at] = self.data_size.value(); // rangeFieldFormat
        b[at + 1] = RANGE_FIELD_SUPPORT;
        at += 2;
        for v in [
            self.nominal,
            self.normal_max,
            self.normal_min,
            self.warning_high,
            self.warning_low,
            self.critical_high,
            self.critical_low,
            self.fatal_high,
            self.fatal_low,
        ] {
            self.put(b, &mut at, v);
        }
    }
}

/// One composite state sensor of a [`StateSensorPdr`]: a state set
/// (DSP0249) and the bitfield of the states it can report (bit n = state
/// n; bytes from the least significant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PossibleStates<'a> {
    pub state_set_id: u16,
    pub states: &'a [u8],
}

/// State Sensor PDR (type 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateSensorPdr<'a> {
    pub terminus_handle: u16,
    pub sensor_id: u16,
    pub entity: Entity,
    pub composite: &'a [PossibleStates<'a>],
}

impl PdrBody for StateSensorPdr<'_> {
    const PDR_TYPE: PdrType = PdrType::StateSensor;
    fn body_len(&self) -> usize {
        13 + self
            .composite
            .iter()
            .map(|c| 3 + c.states.len().min(255))
            .sum::<usize>()
    }
    fn emit_body(&self, b: &mut [u8]) {
        sensor_ids(b, self.terminus_handle, self.sensor_id, &self.entity);
        b[12] = self.composite.len().min(255) as u8;
        let mut at = 13;
        for c in self.composite.iter().take(255) {
            let s = &c.states[..c.states.len().min(255)];
            b[at..at + 2].copy_from_slice(&c.state_set_id.to_le_bytes());
            b[at + 2] = s.len() as u8;
            b[at + 3..at + 3 + s.len()].copy_from_slice(s);
            at += 3 + s.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pldm::pdr::Record;

    fn numeric() -> NumericSensorPdr {
        NumericSensorPdr {
            terminus_handle: 1,
            sensor_id: 2,
            entity: Entity {
                entity_type: 135,
                entity_instance_number: 1,
                container_id: 0,
            },
            base_unit: 2,
            unit_modifier: 0,
            data_size: DataSize::Sint16,
            resolution: 1.0,
            offset: 0.0,
            hysteresis: 1,
            supported_thresholds: thresholds::UPPER_WARNING | thresholds::UPPER_CRITICAL,
            update_interval: 1.0,
            max_readable: 125,
            min_readable: -40,
            nominal: 40,
            normal_max: 80,
            normal_min: 0,
            warning_high: 85,
            warning_low: -10,
            critical_high: 95,
            critical_low: -20,
            fatal_high: 110,
            fatal_low: -30,
        }
    }

    #[test]
    fn numeric_sensor_pdr_has_libpldm_layout() {
        let v = numeric().to_record(3);
        let r = Record::parse(&v).unwrap();
        assert_eq!(r.header.pdr_type, PdrType::NumericSensor);
        assert_eq!(r.sensor_or_effecter_id(), Some(2));
        let d = r.data;
        // 31 + 4 + hysteresis 2 + 2 + 8 + 2×2 + 2 + 9×2 (libpldm's
        // pldm_numeric_sensor_value_pdr with 16-bit fields).
        assert_eq!(d.len(), 71);
        assert_eq!(d[22], 3, "sensorDataSize sint16");
        assert_eq!(f32::from_le_bytes(d[23..27].try_into().unwrap()), 1.0);
        assert_eq!(&d[35..37], &1i16.to_le_bytes(), "hysteresis");
        assert_eq!(d[37], 0b11, "supportedThresholds");
        assert_eq!(f32::from_le_bytes(d[43..47].try_into().unwrap()), 1.0);
        assert_eq!(&d[47..49], &125i16.to_le_bytes(), "maxReadable");
        assert_eq!(&d[49..51], &(-40i16).to_le_bytes(), "minReadable");
        assert_eq!((d[51], d[52]), (3, RANGE_FIELD_SUPPORT));
        assert_eq!(&d[59..61], &85i16.to_le_bytes(), "warningHigh");
        assert_eq!(&d[69..71], &(-30i16).to_le_bytes(), "fatalLow");
    }

    #[test]
    fn state_sensor_pdr_round_trips() {
        let comp = [PossibleStates {
            state_set_id: 1,
            states: &[0b0000_1110],
        }];
        let s = StateSensorPdr {
            terminus_handle: 1,
            sensor_id: 5,
            entity: Entity::default(),
            composite: &comp,
        };
        let v = s.to_record(4);
        assert_eq!(
            &v[pdr::HEADER_LEN..],
            &[1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0x0E]
        );
        let r = Record::parse(&v).unwrap();
        assert_eq!(r.header.pdr_type, PdrType::StateSensor);
        assert_eq!(r.header.data_length, 17);
    }

    #[test]
    fn a_short_buffer_is_an_error() {
        let mut b = [0u8; 12];
        assert!(numeric().emit_record(1, &mut b).is_err());
    }
}
