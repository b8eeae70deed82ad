//! PlatformEventMessage event classes and their eventData (DSP0248 §16).
//!
//! ```text
//!  0x00 sensorEvent              sensorID u16, sensorEventClass, then
//!                                  0 sensorOpState:     presentOpState, previousOpState
//!                                  1 stateSensorState:  sensorOffset, eventState, previousEventState
//!                                  2 numericSensorState: eventState, previousEventState,
//!                                                        sensorDataSize, presentReading
//!  0x04 pldmPDRRepositoryChgEvent eventDataFormat, numberOfChangeRecords,
//!                                  {eventDataOperation, numberOfChangeEntries, changeEntry u32[n]}[m]
//!  0x05 pldmMessagePollEvent     formatVersion, eventID u16, dataTransferHandle u32
//!  0x06 heartbeatTimerElapsed    formatVersion, sequenceNumber            (**unverified**)
//!  0x07 CPER event               formatVersion, formatType, eventDataLength u16, eventData
//!  0x01 effecterEvent, 0x02/0x03 Redfish task/message events, 0xF0.. OEM: raw
//! ```
//!
//! Sources: libpldm `platform.h` (sensor event structs and lengths,
//! `PLDM_MSG_POLL_EVENT_LENGTH` = 7, PDR repository change records, CPER
//! event struct), upper-layers.md §1.5.

use core::fmt;

use crate::describe::{Group, Visitor};
use crate::error::Result;
use crate::macros::open_enum;

use super::body::{read, show};
use super::platform::{DataSize, Numeric, SensorOperationalState};

open_enum! {
    /// eventClass (DSP0248 Table 11; libpldm `pldm_event_types`).
    pub enum EventClass: u8 {
        SensorEvent = 0x00 => "sensorEvent",
        EffecterEvent = 0x01 => "effecterEvent",
        RedfishTaskExecutedEvent = 0x02 => "redfishTaskExecutedEvent",
        RedfishMessageEvent = 0x03 => "redfishMessageEvent",
        PldmPdrRepositoryChgEvent = 0x04 => "pldmPDRRepositoryChgEvent",
        PldmMessagePollEvent = 0x05 => "pldmMessagePollEvent",
        HeartbeatTimerElapsedEvent = 0x06 => "heartbeatTimerElapsedEvent",
        CperEvent = 0x07 => "CPEREvent",
    }
}

open_enum! {
    /// sensorEventClass of a sensorEvent.
    pub enum SensorEventClass: u8 {
        SensorOpState = 0 => "sensorOpState",
        StateSensorState = 1 => "stateSensorState",
        NumericSensorState = 2 => "numericSensorState",
    }
}

/// The class-specific part of a sensorEvent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum SensorEvent<'a> {
    OpState {
        present_op_state: SensorOperationalState,
        previous_op_state: SensorOperationalState,
    },
    State {
        sensor_offset: u8,
        event_state: u8,
        previous_event_state: u8,
    },
    Numeric {
        event_state: u8,
        previous_event_state: u8,
        /// presentReading (its size is sensorDataSize).
        present_reading: Numeric,
    },
    /// An unknown sensorEventClass: its bytes.
    Other {
        sensor_event_class: u8,
        data: &'a [u8],
    },
}

/// eventClass + eventData of a PlatformEventMessage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum EventData<'a> {
    Sensor {
        sensor_id: u16,
        event: SensorEvent<'a>,
    },
    PdrRepositoryChg {
        event_data_format: u8,
        number_of_change_records: u8,
        /// The change records' bytes.
        change_records: &'a [u8],
    },
    MessagePoll {
        format_version: u8,
        event_id: u16,
        data_transfer_handle: u32,
    },
    Heartbeat {
        format_version: u8,
        sequence_number: u8,
    },
    Cper {
        format_version: u8,
        format_type: u8,
        /// eventData (length = eventDataLength).
        event_data: &'a [u8],
    },
    /// Classes kept raw (effecter, Redfish, OEM, unknown).
    Raw {
        event_class: EventClass,
        data: &'a [u8],
    },
}

impl<'a> EventData<'a> {
    /// Decode `data` (eventData) of `class`; returns the value and bytes used.
    pub fn parse(class: u8, d: &'a [u8]) -> Result<(Self, usize)> {
        let class = EventClass::from_value(class);
        Ok(match class {
            EventClass::SensorEvent => {
                let sensor_id = read::le16(d, 0)?;
                let c = read::u8_at(d, 2)?;
                let (event, n) = match SensorEventClass::from_value(c) {
                    SensorEventClass::SensorOpState => (
                        SensorEvent::OpState {
                            present_op_state: read::u8_at(d, 3)?.into(),
                            previous_op_state: read::u8_at(d, 4)?.into(),
                        },
                        5,
                    ),
                    SensorEventClass::StateSensorState => (
                        SensorEvent::State {
                            sensor_offset: read::u8_at(d, 3)?,
                            event_state: read::u8_at(d, 4)?,
                            previous_event_state: read::u8_at(d, 5)?,
                        },
                        6,
                    ),
                    SensorEventClass::NumericSensorState => {
                        let event_state = read::u8_at(d, 3)?;
                        let previous_event_state = read::u8_at(d, 4)?;
                        let size = DataSize::from_value(read::u8_at(d, 5)?);
                        let present_reading = Numeric::read(d, 6, size, 5)?;
                        (
                            SensorEvent::Numeric {
                                event_state,
                                previous_event_state,
                                present_reading,
                            },
                            6 + present_reading.len(),
                        )
                    }
                    SensorEventClass::Unknown(c) => (
                        SensorEvent::Other {
                            sensor_event_class: c,
                            data: read::rest(d, 3)?,
                        },
                        d.len(),
                    ),
                };
                (EventData::Sensor { sensor_id, event }, n)
            }
            EventClass::PldmPdrRepositoryChgEvent => {
                let event_data_format = read::u8_at(d, 0)?;
                let number_of_change_records = read::u8_at(d, 1)?;
                let mut at = 2;
                for _ in 0..number_of_change_records {
                    let entries = usize::from(read::u8_at(d, at + 1)?);
                    read::bytes(d, at + 2, entries * 4)?;
                    at += 2 + entries * 4;
                }
                (
                    EventData::PdrRepositoryChg {
                        event_data_format,
                        number_of_change_records,
                        change_records: &d[2..at],
                    },
                    at,
                )
            }
            EventClass::PldmMessagePollEvent => (
                EventData::MessagePoll {
                    format_version: read::u8_at(d, 0)?,
                    event_id: read::le16(d, 1)?,
                    data_transfer_handle: read::le32(d, 3)?,
                },
                7,
            ),
            EventClass::HeartbeatTimerElapsedEvent => (
                EventData::Heartbeat {
                    format_version: read::u8_at(d, 0)?,
                    sequence_number: read::u8_at(d, 1)?,
                },
                2,
            ),
            EventClass::CperEvent => {
                let format_version = read::u8_at(d, 0)?;
                let format_type = read::u8_at(d, 1)?;
                let len = usize::from(read::le16(d, 2)?);
                (
                    EventData::Cper {
                        format_version,
                        format_type,
                        event_data: read::bytes(d, 4, len)?,
                    },
                    4 + len,
                )
            }
            _ => (
                EventData::Raw {
                    event_class: class,
                    data: d,
                },
                d.len(),
            ),
        })
    }

    /// The event class.
    pub fn class(&self) -> EventClass {
        match self {
            EventData::Sensor { .. } => EventClass::SensorEvent,
            EventData::PdrRepositoryChg { .. } => EventClass::PldmPdrRepositoryChgEvent,
            EventData::MessagePoll { .. } => EventClass::PldmMessagePollEvent,
            EventData::Heartbeat { .. } => EventClass::HeartbeatTimerElapsedEvent,
            EventData::Cper { .. } => EventClass::CperEvent,
            EventData::Raw { event_class, .. } => *event_class,
        }
    }

    /// Encoded length of the eventData.
    pub fn buffer_len(&self) -> usize {
        match self {
            EventData::Sensor { event, .. } => {
                3 + match event {
                    SensorEvent::OpState { .. } => 2,
                    SensorEvent::State { .. } => 3,
                    SensorEvent::Numeric {
                        present_reading, ..
                    } => 3 + present_reading.len(),
                    SensorEvent::Other { data, .. } => data.len(),
                }
            }
            EventData::PdrRepositoryChg { change_records, .. } => 2 + change_records.len(),
            EventData::MessagePoll { .. } => 7,
            EventData::Heartbeat { .. } => 2,
            EventData::Cper { event_data, .. } => 4 + event_data.len(),
            EventData::Raw { data, .. } => data.len(),
        }
    }

    /// Encode into `buf` (exactly `buffer_len()` bytes).
    pub fn emit_exact(&self, buf: &mut [u8]) {
        match *self {
            EventData::Sensor { sensor_id, event } => {
                buf[0..2].copy_from_slice(&sensor_id.to_le_bytes());
                match event {
                    SensorEvent::OpState {
                        present_op_state,
                        previous_op_state,
                    } => {
                        buf[2] = 0;
                        buf[3] = present_op_state.value();
                        buf[4] = previous_op_state.value();
                    }
                    SensorEvent::State {
                        sensor_offset,
                        event_state,
                        previous_event_state,
                    } => {
                        buf[2..6].copy_from_slice(&[
                            1,
                            sensor_offset,
                            event_state,
                            previous_event_state,
                        ]);
                    }
                    SensorEvent::Numeric {
                        event_state,
                        previous_event_state,
                        present_reading,
                    } => {
                        buf[2..6].copy_from_slice(&[
                            2,
                            event_state,
                            previous_event_state,
                            present_reading.size.value(),
                        ]);
                        present_reading.write(&mut buf[6..]);
                    }
                    SensorEvent::Other {
                        sensor_event_class,
                        data,
                    } => {
                        buf[2] = sensor_event_class;
                        buf[3..3 + data.len()].copy_from_slice(data);
                    }
                }
            }
            EventData::PdrRepositoryChg {
                event_data_format,
                number_of_change_records,
                change_records,
            } => {
                buf[0] = event_data_format;
                buf[1] = number_of_change_records;
                buf[2..].copy_from_slice(change_records);
            }
            EventData::MessagePoll {
                format_version,
                event_id,
                data_transfer_handle,
            } => {
                buf[0] = format_version;
                buf[1..3].copy_from_slice(&event_id.to_le_bytes());
                buf[3..7].copy_from_slice(&data_transfer_handle.to_le_bytes());
            }
            EventData::Heartbeat {
                format_version,
                sequence_number,
            } => {
                buf[0] = format_version;
                buf[1] = sequence_number;
            }
            EventData::Cper {
                format_version,
                format_type,
                event_data,
            } => {
                buf[0] = format_version;
                buf[1] = format_type;
                buf[2..4].copy_from_slice(&(event_data.len() as u16).to_le_bytes());
                buf[4..].copy_from_slice(event_data);
            }
            EventData::Raw { data, .. } => buf.copy_from_slice(data),
        }
    }

    /// Summary text.
    pub fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match *self {
            EventData::Sensor { sensor_id, event } => match event {
                SensorEvent::OpState {
                    present_op_state,
                    previous_op_state,
                } => write!(w, "sensor {sensor_id}: op state {previous_op_state} -> {present_op_state}"),
                SensorEvent::State {
                    sensor_offset,
                    event_state,
                    previous_event_state,
                } => write!(
                    w,
                    "sensor {sensor_id}[{sensor_offset}]: state {previous_event_state} -> {event_state}"
                ),
                SensorEvent::Numeric {
                    event_state,
                    previous_event_state,
                    present_reading,
                } => write!(
                    w,
                    "sensor {sensor_id}: {present_reading} (state {previous_event_state} -> {event_state})"
                ),
                SensorEvent::Other {
                    sensor_event_class, ..
                } => write!(w, "sensor {sensor_id}: class {sensor_event_class:#04x}"),
            },
            EventData::PdrRepositoryChg {
                number_of_change_records,
                ..
            } => write!(w, "PDR repository changed ({number_of_change_records} records)"),
            EventData::MessagePoll { event_id, .. } => write!(w, "message poll event_id={event_id:#06x}"),
            EventData::Heartbeat {
                sequence_number, ..
            } => write!(w, "heartbeat seq={sequence_number}"),
            EventData::Cper {
                format_type,
                event_data,
                ..
            } => write!(w, "CPER type={format_type:#04x} {} bytes", event_data.len()),
            EventData::Raw { event_class, data } => {
                write!(w, "{event_class} {} bytes", data.len())
            }
        }
    }

    /// Field walk; `at` is where the eventData starts.
    pub fn describe(&self, v: &mut dyn Visitor, at: usize) {
        match *self {
            EventData::Sensor { sensor_id, event } => {
                show::uint(v, "sensor_id", at, 2, sensor_id.into());
                match event {
                    SensorEvent::OpState {
                        present_op_state,
                        previous_op_state,
                    } => {
                        show::hex(v, "sensor_event_class", at + 2, 1, 0, Some("sensorOpState"));
                        let (p, q) = (present_op_state, previous_op_state);
                        show::hex(v, "present_op_state", at + 3, 1, p.value().into(), p.name());
                        show::hex(
                            v,
                            "previous_op_state",
                            at + 4,
                            1,
                            q.value().into(),
                            q.name(),
                        );
                    }
                    SensorEvent::State {
                        sensor_offset,
                        event_state,
                        previous_event_state,
                    } => {
                        show::hex(
                            v,
                            "sensor_event_class",
                            at + 2,
                            1,
                            1,
                            Some("stateSensorState"),
                        );
                        show::uint(v, "sensor_offset", at + 3, 1, sensor_offset.into());
                        show::uint(v, "event_state", at + 4, 1, event_state.into());
                        show::uint(
                            v,
                            "previous_event_state",
                            at + 5,
                            1,
                            previous_event_state.into(),
                        );
                    }
                    SensorEvent::Numeric {
                        event_state,
                        previous_event_state,
                        present_reading,
                    } => {
                        show::hex(
                            v,
                            "sensor_event_class",
                            at + 2,
                            1,
                            2,
                            Some("numericSensorState"),
                        );
                        show::uint(v, "event_state", at + 3, 1, event_state.into());
                        show::uint(
                            v,
                            "previous_event_state",
                            at + 4,
                            1,
                            previous_event_state.into(),
                        );
                        let s = present_reading.size;
                        show::hex(v, "sensor_data_size", at + 5, 1, s.value().into(), s.name());
                        v.field(
                            &crate::describe::Field::new(
                                "present_reading",
                                at + 6,
                                present_reading.len(),
                                crate::describe::Value::Display(&present_reading),
                            )
                            .meaning(s.name()),
                        );
                    }
                    SensorEvent::Other {
                        sensor_event_class,
                        data,
                    } => {
                        show::hex(
                            v,
                            "sensor_event_class",
                            at + 2,
                            1,
                            sensor_event_class.into(),
                            None,
                        );
                        show::bytes(v, "event_data", at + 3, data);
                    }
                }
            }
            EventData::PdrRepositoryChg {
                event_data_format,
                number_of_change_records,
                change_records,
            } => {
                let fmt_name = match event_data_format {
                    0 => Some("refreshEntireRepository"),
                    1 => Some("formatIsPDRTypes"),
                    2 => Some("formatIsPDRHandles"),
                    _ => None,
                };
                show::hex(
                    v,
                    "event_data_format",
                    at,
                    1,
                    event_data_format.into(),
                    fmt_name,
                );
                show::uint(
                    v,
                    "number_of_change_records",
                    at + 1,
                    1,
                    number_of_change_records.into(),
                );
                v.begin("change_records", Group::List, at + 2, change_records.len());
                let mut p = 0;
                while p + 2 <= change_records.len() {
                    let op = change_records[p];
                    let n = usize::from(change_records[p + 1]);
                    let end = (p + 2 + n * 4).min(change_records.len());
                    v.begin("", Group::ListItem, at + 2 + p, end - p);
                    let op_name = match op {
                        0 => Some("refreshAllRecords"),
                        1 => Some("recordsDeleted"),
                        2 => Some("recordsAdded"),
                        3 => Some("recordsModified"),
                        _ => None,
                    };
                    show::hex(v, "event_data_operation", at + 2 + p, 1, op.into(), op_name);
                    show::uint(v, "number_of_change_entries", at + 3 + p, 1, n as u64);
                    show::bytes(v, "change_entry", at + 4 + p, &change_records[p + 2..end]);
                    v.end();
                    p = end;
                }
                v.end();
            }
            EventData::MessagePoll {
                format_version,
                event_id,
                data_transfer_handle,
            } => {
                show::uint(v, "format_version", at, 1, format_version.into());
                show::hex(v, "event_id", at + 1, 2, event_id.into(), None);
                show::hex(
                    v,
                    "data_transfer_handle",
                    at + 3,
                    4,
                    data_transfer_handle.into(),
                    None,
                );
            }
            EventData::Heartbeat {
                format_version,
                sequence_number,
            } => {
                show::uint(v, "format_version", at, 1, format_version.into());
                show::uint(v, "sequence_number", at + 1, 1, sequence_number.into());
            }
            EventData::Cper {
                format_version,
                format_type,
                event_data,
            } => {
                show::uint(v, "format_version", at, 1, format_version.into());
                show::hex(v, "format_type", at + 1, 1, format_type.into(), None);
                show::uint(v, "event_data_length", at + 2, 2, event_data.len() as u64);
                show::bytes(v, "event_data", at + 4, event_data);
            }
            EventData::Raw { data, .. } => show::bytes(v, "event_data", at, data),
        }
    }
}
