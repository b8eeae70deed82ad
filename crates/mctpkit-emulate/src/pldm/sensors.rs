//! The emulated terminus's sensors: their TOML parameters, their PDRs and
//! their readings as functions of time.
//!
//! * A **numeric sensor** (DSP0248 §28.4) reads a triangle wave between
//!   `min` and `max` over `period_ms` ([`crate::waveform::triangle`]); its
//!   present state follows the thresholds given (DSP0248 Table 98:
//!   upperCritical / upperWarning / normal / lowerWarning / lowerCritical).
//! * A **state sensor** (DSP0248 §28.6) steps through `states` (values of
//!   state set `state_set_id`, DSP0249), one every `period_ms`.

use mctpkit_stack::Millis;
use mctpkit_wire::pldm::pdr_builder::{
    thresholds, Entity, NumericSensorPdr, PdrBody, PossibleStates, StateSensorPdr,
};
use mctpkit_wire::pldm::platform::{DataSize, Numeric, SensorState};
use serde::Deserialize;

use crate::waveform::triangle;

/// A numeric sensor, as the TOML file describes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumericSensor {
    pub sensor_id: u16,
    #[serde(default)]
    pub entity_type: u16,
    #[serde(default = "one")]
    pub entity_instance: u16,
    #[serde(default)]
    pub container_id: u16,
    /// DSP0248 Table 79 baseUnit (default 2, degrees C).
    #[serde(default = "degrees_c")]
    pub base_unit: u8,
    #[serde(default)]
    pub unit_modifier: i8,
    /// `uint8`, `sint8`, `uint16`, `sint16` (default), `uint32`, `sint32`.
    #[serde(default = "sint16")]
    pub data_size: String,
    /// Lowest and highest reading of the wave.
    pub min: i64,
    pub max: i64,
    /// Milliseconds from `min` back to `min` (default 10 s).
    #[serde(default = "ten_seconds")]
    pub period_ms: Millis,
    pub warning_high: Option<i64>,
    pub critical_high: Option<i64>,
    pub warning_low: Option<i64>,
    pub critical_low: Option<i64>,
}

/// A state sensor with one composite sensor, as the TOML file describes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateSensor {
    pub sensor_id: u16,
    #[serde(default)]
    pub entity_type: u16,
    #[serde(default = "one")]
    pub entity_instance: u16,
    #[serde(default)]
    pub container_id: u16,
    /// DSP0249 state set (default 1, Health State).
    #[serde(default = "one")]
    pub state_set_id: u16,
    /// The states reported in turn (non-empty, each 0..=255).
    pub states: Vec<u8>,
    /// Milliseconds each state lasts (default 5 s).
    #[serde(default = "five_seconds")]
    pub period_ms: Millis,
}

fn one() -> u16 {
    1
}
fn degrees_c() -> u8 {
    2
}
fn sint16() -> String {
    "sint16".into()
}
fn ten_seconds() -> Millis {
    10_000
}
fn five_seconds() -> Millis {
    5_000
}

/// A sensorDataSize by its DSP0248 name.
pub fn data_size(name: &str) -> Option<DataSize> {
    Some(match name {
        "uint8" => DataSize::Uint8,
        "sint8" => DataSize::Sint8,
        "uint16" => DataSize::Uint16,
        "sint16" => DataSize::Sint16,
        "uint32" => DataSize::Uint32,
        "sint32" => DataSize::Sint32,
        _ => return None,
    })
}

impl NumericSensor {
    /// The configured data size (sint16 when the name is unknown; see
    /// [`NumericSensor::check`]).
    pub fn size(&self) -> DataSize {
        data_size(&self.data_size).unwrap_or(DataSize::Sint16)
    }

    /// Why the parameters cannot be served, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        let Some(size) = data_size(&self.data_size) else {
            return Err(format!(
                "sensor {}: data_size {:?} (uint8, sint8, uint16, sint16, uint32, sint32)",
                self.sensor_id, self.data_size
            ));
        };
        for (what, v) in [("min", self.min), ("max", self.max)] {
            if !(Numeric { size, value: v }).is_valid() {
                return Err(format!(
                    "sensor {}: {what} = {v} does not fit {}",
                    self.sensor_id, self.data_size
                ));
            }
        }
        if self.min > self.max {
            return Err(format!("sensor {}: min > max", self.sensor_id));
        }
        Ok(())
    }

    /// presentReading at `now` (DSP0248 §18.2 GetSensorReading).
    pub fn reading(&self, now: Millis) -> i64 {
        triangle(now, self.period_ms, self.min, self.max)
    }

    /// presentState for a reading (DSP0248 Table 98), from the most severe
    /// threshold crossed.
    pub fn state_of(&self, reading: i64) -> SensorState {
        let ge = |t: Option<i64>| t.is_some_and(|t| reading >= t);
        let le = |t: Option<i64>| t.is_some_and(|t| reading <= t);
        if ge(self.critical_high) {
            SensorState::UpperCritical
        } else if le(self.critical_low) {
            SensorState::LowerCritical
        } else if ge(self.warning_high) {
            SensorState::UpperWarning
        } else if le(self.warning_low) {
            SensorState::LowerWarning
        } else {
            SensorState::Normal
        }
    }

    /// The Numeric Sensor PDR (DSP0248 §28.4): readable range = the wave's
    /// range, thresholds marked supported where configured, update interval
    /// one hundredth of the period.
    pub fn pdr(&self, record_handle: u32) -> Vec<u8> {
        let mut supported = 0;
        for (t, bit) in [
            (self.warning_high, thresholds::UPPER_WARNING),
            (self.critical_high, thresholds::UPPER_CRITICAL),
            (self.warning_low, thresholds::LOWER_WARNING),
            (self.critical_low, thresholds::LOWER_CRITICAL),
        ] {
            if t.is_some() {
                supported |= bit;
            }
        }
        let mid = self.min + (self.max - self.min) / 2;
        NumericSensorPdr {
            terminus_handle: 1,
            sensor_id: self.sensor_id,
            entity: Entity {
                entity_type: self.entity_type,
                entity_instance_number: self.entity_instance,
                container_id: self.container_id,
            },
            base_unit: self.base_unit,
            unit_modifier: self.unit_modifier,
            data_size: self.size(),
            resolution: 1.0,
            offset: 0.0,
            hysteresis: 0,
            supported_thresholds: supported,
            update_interval: self.period_ms as f32 / 100_000.0,
            max_readable: self.max,
            min_readable: self.min,
            nominal: mid,
            normal_max: self.warning_high.unwrap_or(self.max),
            normal_min: self.warning_low.unwrap_or(self.min),
            warning_high: self.warning_high.unwrap_or(0),
            warning_low: self.warning_low.unwrap_or(0),
            critical_high: self.critical_high.unwrap_or(0),
            critical_low: self.critical_low.unwrap_or(0),
            fatal_high: 0,
            fatal_low: 0,
        }
        .to_record(record_handle)
    }
}

impl StateSensor {
    /// Why the parameters cannot be served, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        if self.states.is_empty() {
            return Err(format!("state sensor {}: no states", self.sensor_id));
        }
        Ok(())
    }

    fn step(&self, now: Millis) -> u64 {
        now / self.period_ms.max(1)
    }

    fn state_at(&self, step: u64) -> u8 {
        let n = self.states.len().max(1) as u64;
        self.states
            .get((step % n) as usize)
            .copied()
            .unwrap_or_default()
    }

    /// presentState at `now` (DSP0248 §19.2 GetStateSensorReadings).
    pub fn present(&self, now: Millis) -> u8 {
        self.state_at(self.step(now))
    }

    /// previousState at `now`: the state before the present one (the
    /// present one before the first change).
    pub fn previous(&self, now: Millis) -> u8 {
        match self.step(now) {
            0 => self.present(now),
            s => self.state_at(s - 1),
        }
    }

    /// possibleStates bitfield: bit n set for each state n listed.
    pub fn possible_states(&self) -> Vec<u8> {
        let top = self.states.iter().copied().max().unwrap_or(0);
        let mut bits = vec![0u8; usize::from(top / 8) + 1];
        for &s in &self.states {
            bits[usize::from(s / 8)] |= 1 << (s % 8);
        }
        bits
    }

    /// The State Sensor PDR (DSP0248 §28.6), one composite sensor.
    pub fn pdr(&self, record_handle: u32) -> Vec<u8> {
        let bits = self.possible_states();
        let comp = [PossibleStates {
            state_set_id: self.state_set_id,
            states: &bits,
        }];
        StateSensorPdr {
            terminus_handle: 1,
            sensor_id: self.sensor_id,
            entity: Entity {
                entity_type: self.entity_type,
                entity_instance_number: self.entity_instance,
                container_id: self.container_id,
            },
            composite: &comp,
        }
        .to_record(record_handle)
    }
}

/// Test fixtures: a 30..70 °C sensor over 1 s (warning 60, critical 68)
/// and a state sensor stepping 1, 2, 3 every 100 ms.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    pub(crate) fn temperature() -> NumericSensor {
        NumericSensor {
            sensor_id: 1,
            entity_type: 135,
            entity_instance: 1,
            container_id: 0,
            base_unit: 2,
            unit_modifier: 0,
            data_size: "sint16".into(),
            min: 30,
            max: 70,
            period_ms: 1000,
            warning_high: Some(60),
            critical_high: Some(68),
            warning_low: None,
            critical_low: None,
        }
    }

    pub(crate) fn health() -> StateSensor {
        StateSensor {
            sensor_id: 2,
            entity_type: 0,
            entity_instance: 1,
            container_id: 0,
            state_set_id: 1,
            states: vec![1, 2, 3],
            period_ms: 100,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{health, temperature};
    use super::*;

    #[test]
    fn numeric_state_follows_thresholds() {
        let s = temperature();
        assert_eq!(s.state_of(s.reading(0)), SensorState::Normal);
        assert_eq!(s.reading(375), 60);
        assert_eq!(s.state_of(60), SensorState::UpperWarning);
        assert_eq!(s.state_of(s.reading(500)), SensorState::UpperCritical);
        let mut bad = temperature();
        bad.data_size = "uint8".into();
        bad.min = -1;
        assert!(bad.check().unwrap_err().contains("does not fit"));
        bad.data_size = "real32".into();
        assert!(bad.check().is_err());
    }

    #[test]
    fn state_sensor_steps_through_its_states() {
        let s = StateSensor {
            states: vec![1, 2, 9],
            ..health()
        };
        assert_eq!((s.present(0), s.previous(0)), (1, 1));
        assert_eq!((s.present(150), s.previous(150)), (2, 1));
        assert_eq!((s.present(250), s.previous(250)), (9, 2));
        assert_eq!((s.present(300), s.previous(300)), (1, 9));
        assert_eq!(s.possible_states(), [0b0000_0110, 0b0000_0010]);
    }
}
