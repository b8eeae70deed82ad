//! PLDM type 2: platform monitoring and control (DSP0248).
//!
//! ```text
//!  cmd  name                         request data                      response data (after cc)
//!  0x04 SetEventReceiver             eventMessageGlobalEnable,         -
//!                                    transportProtocolType, address,
//!                                    [heartbeatTimer u16]
//!  0x0A PlatformEventMessage         formatVersion, TID, eventClass,   platformEventStatus
//!                                    eventData (see event.rs)
//!  0x0B PollForPlatformEventMessage  formatVersion, transferOpFlag,    TID, eventID u16 [, nextDataTransferHandle u32,
//!                                    dataTransferHandle u32,           transferFlag, eventClass, eventDataSize u32,
//!                                    eventIDToAcknowledge u16          eventData, eventDataIntegrityChecksum u32]
//!  0x0C EventMessageSupported        formatVersion                     synchronyConfiguration, ..Supported bitfield8,
//!                                                                      numberEventClassReturned, eventClass[n]
//!  0x0D EventMessageBufferSize       eventReceiverMaxBufferSize u16    terminusMaxBufferSize u16
//!  0x11 GetSensorReading             sensorID u16, rearmEventState     sensorDataSize, sensorOperationalState,
//!                                                                      sensorEventMessageEnable, presentState,
//!                                                                      previousState, eventState, presentReading
//!  0x21 GetStateSensorReadings       sensorID u16, sensorRearm, rsvd   compositeSensorCount, {opState, presentState,
//!                                                                      previousState, eventState}[n]
//!  0x31 SetNumericEffecterValue      effecterID u16, effecterDataSize, -
//!                                    effecterValue
//!  0x32 GetNumericEffecterValue      effecterID u16                    effecterDataSize, effecterOperState,
//!                                                                      pendingValue, presentValue
//!  0x39 SetStateEffecterStates       effecterID u16, compositeCount,   -
//!                                    {setRequest, effecterState}[n]
//!  0x3A GetStateEffecterStates       effecterID u16                    compositeCount, {opState, pending, present}[n]
//!  0x50 GetPDRRepositoryInfo         -                                 repositoryState, updateTime[13],
//!                                                                      OEMUpdateTime[13], recordCount u32,
//!                                                                      repositorySize u32, largestRecordSize u32,
//!                                                                      dataTransferHandleTimeout
//!  0x51 GetPDR                       recordHandle u32,                 nextRecordHandle u32, nextDataTransferHandle u32,
//!                                    dataTransferHandle u32,           transferFlag, responseCount u16, recordData,
//!                                    transferOperationFlag,            transferCRC u8 (End part only)
//!                                    requestCount u16,
//!                                    recordChangeNumber u16
//! ```
//!
//! Sizes (sensorDataSize / effecterDataSize): 0 uint8, 1 sint8, 2 uint16,
//! 3 sint16, 4 uint32, 5 sint32. Sources: upper-layers.md §1.5, libpldm
//! `platform.h` (structs, transfer flags Start=0 Middle=1 End=4
//! StartAndEnd=5 for GetPDR/Poll — unlike DSP0240's 1/2/4/5; the GetPDR
//! transferCRC is a CRC-8 with the SMBus polynomial over the whole PDR,
//! written only when transferFlag = End), command names as in OpenBMC's
//! pldmtool table. A complete PDR (StartAndEnd) is decoded with
//! [`pdr::Record::parse`](super::pdr::Record::parse).

use core::fmt;

use crate::describe::{Field, Group, Value, Visitor};
use crate::error::{Error, Result};
use crate::macros::open_enum;

use super::body::{pldm_type_body, read, show, PldmRepr};
use super::event::EventData;
use super::pdr;

open_enum! {
    /// Type 2 command codes (DSP0248 command table; libpldm / pldmtool).
    pub enum Command: u8 {
        SetTid = 0x01 => "SetTID",
        GetTid = 0x02 => "GetTID",
        GetTerminusUid = 0x03 => "GetTerminusUID",
        SetEventReceiver = 0x04 => "SetEventReceiver",
        GetEventReceiver = 0x05 => "GetEventReceiver",
        PlatformEventMessage = 0x0A => "PlatformEventMessage",
        PollForPlatformEventMessage = 0x0B => "PollForPlatformEventMessage",
        EventMessageSupported = 0x0C => "EventMessageSupported",
        EventMessageBufferSize = 0x0D => "EventMessageBufferSize",
        SetNumericSensorEnable = 0x10 => "SetNumericSensorEnable",
        GetSensorReading = 0x11 => "GetSensorReading",
        GetSensorThresholds = 0x12 => "GetSensorThresholds",
        SetSensorThresholds = 0x13 => "SetSensorThresholds",
        RestoreSensorThresholds = 0x14 => "RestoreSensorThresholds",
        GetSensorHysteresis = 0x15 => "GetSensorHysteresis",
        SetSensorHysteresis = 0x16 => "SetSensorHysteresis",
        InitNumericSensor = 0x17 => "InitNumericSensor",
        SetStateSensorEnables = 0x20 => "SetStateSensorEnables",
        GetStateSensorReadings = 0x21 => "GetStateSensorReadings",
        InitStateSensor = 0x22 => "InitStateSensor",
        SetNumericEffecterEnable = 0x30 => "SetNumericEffecterEnable",
        SetNumericEffecterValue = 0x31 => "SetNumericEffecterValue",
        GetNumericEffecterValue = 0x32 => "GetNumericEffecterValue",
        SetStateEffecterEnables = 0x38 => "SetStateEffecterEnables",
        SetStateEffecterStates = 0x39 => "SetStateEffecterStates",
        GetStateEffecterStates = 0x3A => "GetStateEffecterStates",
        GetPldmEventLogInfo = 0x40 => "GetPLDMEventLogInfo",
        EnablePldmEventLogging = 0x41 => "EnablePLDMEventLogging",
        ClearPldmEventLog = 0x42 => "ClearPLDMEventLog",
        GetPldmEventLogTimestamp = 0x43 => "GetPLDMEventLogTimestamp",
        SetPldmEventLogTimestamp = 0x44 => "SetPLDMEventLogTimestamp",
        ReadPldmEventLog = 0x45 => "ReadPLDMEventLog",
        GetPldmEventLogPolicyInfo = 0x46 => "GetPLDMEventLogPolicyInfo",
        SetPldmEventLogPolicy = 0x47 => "SetPLDMEventLogPolicy",
        FindPldmEventLogEntry = 0x48 => "FindPLDMEventLogEntry",
        GetPdrRepositoryInfo = 0x50 => "GetPDRRepositoryInfo",
        GetPdr = 0x51 => "GetPDR",
        FindPdr = 0x52 => "FindPDR",
        GetPdrRepositorySignature = 0x53 => "GetPDRRepositorySignature",
        RunInitAgent = 0x58 => "RunInitAgent",
    }
}

/// Name of a type 2 command.
pub fn command_name(command: u8) -> Option<&'static str> {
    Command::from_value(command).name()
}

/// Command-specific completion codes (libpldm `pldm_platform_completion_codes`).
pub fn completion_code_name(command: u8, cc: u8) -> Option<&'static str> {
    use Command as C;
    match (C::from_value(command), cc) {
        (C::GetSensorReading | C::GetStateSensorReadings | C::SetNumericSensorEnable, 0x80) => {
            Some("INVALID_SENSOR_ID")
        }
        (C::GetSensorReading | C::GetStateSensorReadings, 0x81) => {
            Some("REARM_UNAVAILABLE_IN_PRESENT_STATE")
        }
        (
            C::SetNumericEffecterValue
            | C::GetNumericEffecterValue
            | C::SetStateEffecterStates
            | C::GetStateEffecterStates,
            0x80,
        ) => Some("INVALID_EFFECTER_ID"),
        (C::SetNumericEffecterValue | C::SetStateEffecterStates, 0x81) => {
            Some("INVALID_STATE_VALUE")
        }
        (C::SetStateEffecterStates, 0x82) => Some("UNSUPPORTED_EFFECTERSTATE"),
        (C::GetPdr | C::PollForPlatformEventMessage, 0x80) => Some("INVALID_DATA_TRANSFER_HANDLE"),
        (C::GetPdr | C::PollForPlatformEventMessage, 0x81) => {
            Some("INVALID_TRANSFER_OPERATION_FLAG")
        }
        (C::GetPdr, 0x82) => Some("INVALID_RECORD_HANDLE"),
        (C::GetPdr, 0x83) => Some("INVALID_RECORD_CHANGE_NUMBER"),
        (C::GetPdr, 0x84) => Some("TRANSFER_TIMEOUT"),
        (C::SetEventReceiver, 0x80) => Some("INVALID_PROTOCOL_TYPE"),
        (C::SetEventReceiver, 0x81) => Some("ENABLE_METHOD_NOT_SUPPORTED"),
        (C::SetEventReceiver, 0x82) => Some("HEARTBEAT_FREQUENCY_TOO_HIGH"),
        _ => None,
    }
}

open_enum! {
    /// sensorDataSize / effecterDataSize (DSP0248).
    pub enum DataSize: u8 {
        Uint8 = 0 => "uint8",
        Sint8 = 1 => "sint8",
        Uint16 = 2 => "uint16",
        Sint16 = 3 => "sint16",
        Uint32 = 4 => "uint32",
        Sint32 = 5 => "sint32",
    }
}

impl DataSize {
    /// Bytes of a value of this size, `None` for an unknown size.
    pub const fn value_len(self) -> Option<usize> {
        match self {
            DataSize::Uint8 | DataSize::Sint8 => Some(1),
            DataSize::Uint16 | DataSize::Sint16 => Some(2),
            DataSize::Uint32 | DataSize::Sint32 => Some(4),
            DataSize::Unknown(_) => None,
        }
    }
}

/// A numeric reading or setting sized by a [`DataSize`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Numeric {
    pub size: DataSize,
    /// The value (sign-extended for the signed sizes).
    pub value: i64,
}

impl Numeric {
    /// Read a value of `size` at `at`. `size_at` is where the size byte
    /// sits, for the error.
    pub fn read(d: &[u8], at: usize, size: DataSize, size_at: usize) -> Result<Numeric> {
        let value = match size {
            DataSize::Uint8 => i64::from(read::u8_at(d, at)?),
            DataSize::Sint8 => i64::from(read::u8_at(d, at)? as i8),
            DataSize::Uint16 => i64::from(read::le16(d, at)?),
            DataSize::Sint16 => i64::from(read::le16(d, at)? as i16),
            DataSize::Uint32 => i64::from(read::le32(d, at)?),
            DataSize::Sint32 => i64::from(read::le32(d, at)? as i32),
            DataSize::Unknown(v) => {
                return Err(read::invalid(
                    size_at,
                    "data_size",
                    v.into(),
                    "0..=5 (uint8..sint32)",
                ))
            }
        };
        Ok(Numeric { size, value })
    }
    /// Encoded length (0 for an unknown size).
    pub fn len(&self) -> usize {
        self.size.value_len().unwrap_or(0)
    }
    /// `true` when nothing is encoded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Write into `buf[..self.len()]` (little-endian, truncating).
    pub fn write(&self, buf: &mut [u8]) {
        let b = self.value.to_le_bytes();
        let n = self.len();
        buf[..n].copy_from_slice(&b[..n]);
    }
    /// `true` when `value` fits `size` (what `read` could have produced).
    pub fn is_valid(&self) -> bool {
        let v = self.value;
        match self.size {
            DataSize::Uint8 => (0..=0xFF).contains(&v),
            DataSize::Sint8 => (-128..=127).contains(&v),
            DataSize::Uint16 => (0..=0xFFFF).contains(&v),
            DataSize::Sint16 => (-32768..=32767).contains(&v),
            DataSize::Uint32 => (0..=0xFFFF_FFFF).contains(&v),
            DataSize::Sint32 => (i64::from(i32::MIN)..=i64::from(i32::MAX)).contains(&v),
            DataSize::Unknown(_) => false,
        }
    }
}

impl Numeric {
    /// The value in decimal, as `Display` writes it, without `core::fmt`.
    pub fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        if self.value < 0 {
            w.write_str("-")?;
        }
        crate::describe::fast::dec(w, self.value.unsigned_abs())
    }
}

/// An open enum's name, or its value as its `Display` shows an unknown one
/// (`{:#04x}`).
fn write_open(w: &mut dyn fmt::Write, name: Option<&'static str>, value: u8) -> fmt::Result {
    match name {
        Some(n) => w.write_str(n),
        None => crate::describe::fast::hex8(w, value),
    }
}

impl fmt::Display for Numeric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value)
    }
}

fn describe_numeric(v: &mut dyn Visitor, name: &'static str, at: usize, n: &Numeric) {
    v.field(&Field::new(name, at, n.len(), Value::Display(n)).meaning(n.size.name()));
}

open_enum! {
    /// sensorOperationalState (DSP0248; libpldm `pldm_sensor_operational_state`).
    pub enum SensorOperationalState: u8 {
        Enabled = 0 => "enabled",
        Disabled = 1 => "disabled",
        Unavailable = 2 => "unavailable",
        StatusUnknown = 3 => "statusUnknown",
        Failed = 4 => "failed",
        Initializing = 5 => "initializing",
        ShuttingDown = 6 => "shuttingDown",
        InTest = 7 => "inTest",
    }
}

open_enum! {
    /// sensorEventMessageEnable.
    pub enum SensorEventMessageEnable: u8 {
        NoEventGeneration = 0 => "noEventGeneration",
        EventsDisabled = 1 => "eventsDisabled",
        EventsEnabled = 2 => "eventsEnabled",
        OpEventsOnlyEnabled = 3 => "opEventsOnlyEnabled",
        StateEventsOnlyEnabled = 4 => "stateEventsOnlyEnabled",
    }
}

open_enum! {
    /// Numeric sensor presentState / previousState / eventState.
    pub enum SensorState: u8 {
        Unknown0 = 0 => "unknown",
        Normal = 1 => "normal",
        Warning = 2 => "warning",
        Critical = 3 => "critical",
        Fatal = 4 => "fatal",
        LowerWarning = 5 => "lowerWarning",
        LowerCritical = 6 => "lowerCritical",
        LowerFatal = 7 => "lowerFatal",
        UpperWarning = 8 => "upperWarning",
        UpperCritical = 9 => "upperCritical",
        UpperFatal = 10 => "upperFatal",
    }
}

open_enum! {
    /// effecterOperationalState (libpldm `pldm_effecter_oper_state`).
    pub enum EffecterOperationalState: u8 {
        EnabledUpdatePending = 0 => "enabled-updatePending",
        EnabledNoUpdatePending = 1 => "enabled-noUpdatePending",
        Disabled = 2 => "disabled",
        Unavailable = 3 => "unavailable",
        StatusUnknown = 4 => "statusUnknown",
        Failed = 5 => "failed",
        Initializing = 6 => "initializing",
        ShuttingDown = 7 => "shuttingDown",
        InTest = 8 => "inTest",
    }
}

open_enum! {
    /// GetPDR / PollForPlatformEventMessage transferFlag (DSP0248; libpldm
    /// `transfer_platform_resp_flag`) — differs from DSP0240's values.
    pub enum TransferFlag: u8 {
        Start = 0x00 => "Start",
        Middle = 0x01 => "Middle",
        End = 0x04 => "End",
        StartAndEnd = 0x05 => "StartAndEnd",
    }
}

open_enum! {
    /// transferOperationFlag (GetPDR, PollForPlatformEventMessage).
    pub enum TransferOperationFlag: u8 {
        GetNextPart = 0x00 => "GetNextPart",
        GetFirstPart = 0x01 => "GetFirstPart",
        AcknowledgementOnly = 0x02 => "AcknowledgementOnly",
    }
}

open_enum! {
    /// platformEventStatus (PlatformEventMessage response).
    pub enum PlatformEventStatus: u8 {
        NoLogging = 0 => "noLogging",
        LoggingDisabled = 1 => "loggingDisabled",
        LogFull = 2 => "logFull",
        AcceptedForLogging = 3 => "acceptedForLogging",
        Logged = 4 => "logged",
        LoggingRejected = 5 => "loggingRejected",
    }
}

open_enum! {
    /// repositoryState (GetPDRRepositoryInfo).
    pub enum RepositoryState: u8 {
        Available = 0 => "available",
        UpdateInProgress = 1 => "updateInProgress",
        Failed = 2 => "failed",
    }
}

open_enum! {
    /// synchronyConfiguration (EventMessageSupported).
    pub enum SynchronyConfiguration: u8 {
        NotConfigured = 0 => "notConfigured",
        Asynchronous = 1 => "asynchronous",
        Synchronous = 2 => "synchronous",
        AsynchronousWithHeartbeat = 3 => "asynchronousWithHeartbeat",
    }
}

fn en(v: &mut dyn Visitor, name: &'static str, at: usize, raw: u8, n: Option<&str>) {
    show::hex(v, name, at, 1, raw.into(), n);
}

// ---------------------------------------------------------------------------
// Requests carrying only an ID

/// A request whose data is one 16-bit ID (GetNumericEffecterValue,
/// GetStateEffecterStates: effecterID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EffecterIdRequest {
    pub effecter_id: u16,
}

impl<'a> PldmRepr<'a> for EffecterIdRequest {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            EffecterIdRequest {
                effecter_id: read::le16(d, 0)?,
            },
            2,
        ))
    }
    fn buffer_len(&self) -> usize {
        2
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf.copy_from_slice(&self.effecter_id.to_le_bytes());
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, "effecter {}", self.effecter_id)
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::uint(v, "effecter_id", 0, 2, self.effecter_id.into());
    }
}

// ---------------------------------------------------------------------------
// GetSensorReading

/// GetSensorReading request (0x11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetSensorReadingRequest {
    pub sensor_id: u16,
    /// bool8: re-arm the event state after responding.
    pub rearm_event_state: u8,
}

impl<'a> PldmRepr<'a> for GetSensorReadingRequest {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            GetSensorReadingRequest {
                sensor_id: read::le16(d, 0)?,
                rearm_event_state: read::u8_at(d, 2)?,
            },
            3,
        ))
    }
    fn buffer_len(&self) -> usize {
        3
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0..2].copy_from_slice(&self.sensor_id.to_le_bytes());
        buf[2] = self.rearm_event_state;
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        w.write_str("sensor ")?;
        crate::describe::fast::dec(w, self.sensor_id.into())?;
        if self.rearm_event_state != 0 {
            w.write_str(" rearm")?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::uint(v, "sensor_id", 0, 2, self.sensor_id.into());
        show::hex(
            v,
            "rearm_event_state",
            2,
            1,
            self.rearm_event_state.into(),
            None,
        );
    }
}

/// GetSensorReading response (0x11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetSensorReadingResponse {
    pub sensor_operational_state: SensorOperationalState,
    pub sensor_event_message_enable: SensorEventMessageEnable,
    pub present_state: SensorState,
    pub previous_state: SensorState,
    pub event_state: SensorState,
    /// presentReading; its `size` is the sensorDataSize field.
    pub present_reading: Numeric,
}

impl<'a> PldmRepr<'a> for GetSensorReadingResponse {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let size = DataSize::from_value(read::u8_at(d, 0)?);
        let r = GetSensorReadingResponse {
            sensor_operational_state: read::u8_at(d, 1)?.into(),
            sensor_event_message_enable: read::u8_at(d, 2)?.into(),
            present_state: read::u8_at(d, 3)?.into(),
            previous_state: read::u8_at(d, 4)?.into(),
            event_state: read::u8_at(d, 5)?.into(),
            present_reading: Numeric::read(d, 6, size, 0)?,
        };
        Ok((r, 6 + r.present_reading.len()))
    }
    fn buffer_len(&self) -> usize {
        6 + self.present_reading.len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.present_reading.size.value();
        buf[1] = self.sensor_operational_state.value();
        buf[2] = self.sensor_event_message_enable.value();
        buf[3] = self.present_state.value();
        buf[4] = self.previous_state.value();
        buf[5] = self.event_state.value();
        self.present_reading.write(&mut buf[6..]);
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        // Hot path (sensor polling): no `write!`.
        self.present_reading.summary(w)?;
        w.write_str(" (")?;
        write_open(
            w,
            self.sensor_operational_state.name(),
            self.sensor_operational_state.value(),
        )?;
        w.write_str(", ")?;
        write_open(w, self.present_state.name(), self.present_state.value())?;
        w.write_str(")")
    }
    fn describe(&self, v: &mut dyn Visitor) {
        let s = self.present_reading.size;
        en(v, "sensor_data_size", 0, s.value(), s.name());
        let o = self.sensor_operational_state;
        en(v, "sensor_operational_state", 1, o.value(), o.name());
        let e = self.sensor_event_message_enable;
        en(v, "sensor_event_message_enable", 2, e.value(), e.name());
        en(
            v,
            "present_state",
            3,
            self.present_state.value(),
            self.present_state.name(),
        );
        en(
            v,
            "previous_state",
            4,
            self.previous_state.value(),
            self.previous_state.name(),
        );
        en(
            v,
            "event_state",
            5,
            self.event_state.value(),
            self.event_state.name(),
        );
        describe_numeric(v, "present_reading", 6, &self.present_reading);
    }
}

// ---------------------------------------------------------------------------
// GetStateSensorReadings

/// GetStateSensorReadings request (0x21).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetStateSensorReadingsRequest {
    pub sensor_id: u16,
    /// bitfield8: bit n re-arms composite sensor n.
    pub sensor_rearm: u8,
    pub reserved: u8,
}

impl<'a> PldmRepr<'a> for GetStateSensorReadingsRequest {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            GetStateSensorReadingsRequest {
                sensor_id: read::le16(d, 0)?,
                sensor_rearm: read::u8_at(d, 2)?,
                reserved: read::u8_at(d, 3)?,
            },
            4,
        ))
    }
    fn buffer_len(&self) -> usize {
        4
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0..2].copy_from_slice(&self.sensor_id.to_le_bytes());
        buf[2] = self.sensor_rearm;
        buf[3] = self.reserved;
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, "sensor {}", self.sensor_id)?;
        if self.sensor_rearm != 0 {
            write!(w, " rearm={:#04x}", self.sensor_rearm)?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::uint(v, "sensor_id", 0, 2, self.sensor_id.into());
        show::hex(v, "sensor_rearm", 2, 1, self.sensor_rearm.into(), None);
        show::hex(v, "reserved", 3, 1, self.reserved.into(), None);
    }
}

/// A list of fixed-size records after a count byte, kept as bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Composite<'a, const N: usize> {
    /// The records' bytes (count × N).
    pub fields: &'a [u8],
}

impl<'a, const N: usize> Composite<'a, N> {
    /// Number of records.
    pub fn count(&self) -> usize {
        self.fields.len() / N
    }
    /// The records.
    pub fn iter(&self) -> impl Iterator<Item = [u8; N]> + 'a {
        self.fields.chunks_exact(N).map(|c| {
            let mut a = [0u8; N];
            a.copy_from_slice(c);
            a
        })
    }
    fn parse(d: &'a [u8], count_at: usize) -> Result<(Self, usize)> {
        let n = usize::from(read::u8_at(d, count_at)?);
        let fields = read::bytes(d, count_at + 1, n * N)?;
        Ok((Composite { fields }, count_at + 1 + n * N))
    }
    fn emit(&self, buf: &mut [u8]) {
        buf[0] = self.count() as u8;
        buf[1..1 + self.fields.len()].copy_from_slice(self.fields);
    }
    fn describe_with(
        &self,
        v: &mut dyn Visitor,
        count_name: &'static str,
        at: usize,
        names: [&'static str; N],
        meaning: fn(usize, u8) -> Option<&'static str>,
    ) {
        show::uint(v, count_name, at, 1, self.count() as u64);
        v.begin("fields", Group::List, at + 1, self.fields.len());
        for (i, rec) in self.iter().enumerate() {
            let base = at + 1 + i * N;
            v.begin("", Group::ListItem, base, N);
            for (k, b) in rec.iter().enumerate() {
                show::hex(v, names[k], base + k, 1, (*b).into(), meaning(k, *b));
            }
            v.end();
        }
        v.end();
    }
}

/// GetStateSensorReadings response (0x21): per composite sensor
/// `sensorOperationalState, presentState, previousState, eventState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetStateSensorReadingsResponse<'a> {
    pub state_fields: Composite<'a, 4>,
}

impl<'a> PldmRepr<'a> for GetStateSensorReadingsResponse<'a> {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let (state_fields, n) = Composite::parse(d, 0)?;
        Ok((GetStateSensorReadingsResponse { state_fields }, n))
    }
    fn buffer_len(&self) -> usize {
        1 + self.state_fields.fields.len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        self.state_fields.emit(buf);
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        for (i, f) in self.state_fields.iter().enumerate() {
            if i > 0 {
                w.write_str(", ")?;
            }
            write!(
                w,
                "[{i}] state {} ({})",
                f[1],
                SensorOperationalState::from_value(f[0])
            )?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        self.state_fields.describe_with(
            v,
            "composite_sensor_count",
            0,
            [
                "sensor_operational_state",
                "present_state",
                "previous_state",
                "event_state",
            ],
            |k, b| {
                if k == 0 {
                    SensorOperationalState::from_value(b).name()
                } else {
                    None
                }
            },
        );
    }
}

// ---------------------------------------------------------------------------
// Numeric effecters

/// SetNumericEffecterValue request (0x31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SetNumericEffecterValueRequest {
    pub effecter_id: u16,
    /// effecterValue; its `size` is the effecterDataSize field.
    pub effecter_value: Numeric,
}

impl<'a> PldmRepr<'a> for SetNumericEffecterValueRequest {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let effecter_id = read::le16(d, 0)?;
        let size = DataSize::from_value(read::u8_at(d, 2)?);
        let effecter_value = Numeric::read(d, 3, size, 2)?;
        Ok((
            SetNumericEffecterValueRequest {
                effecter_id,
                effecter_value,
            },
            3 + effecter_value.len(),
        ))
    }
    fn buffer_len(&self) -> usize {
        3 + self.effecter_value.len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0..2].copy_from_slice(&self.effecter_id.to_le_bytes());
        buf[2] = self.effecter_value.size.value();
        self.effecter_value.write(&mut buf[3..]);
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, "effecter {} = {}", self.effecter_id, self.effecter_value)
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::uint(v, "effecter_id", 0, 2, self.effecter_id.into());
        let s = self.effecter_value.size;
        en(v, "effecter_data_size", 2, s.value(), s.name());
        describe_numeric(v, "effecter_value", 3, &self.effecter_value);
    }
}

/// GetNumericEffecterValue response (0x32).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetNumericEffecterValueResponse {
    pub effecter_oper_state: EffecterOperationalState,
    /// pendingValue (its `size` is effecterDataSize).
    pub pending_value: Numeric,
    /// presentValue (same size).
    pub present_value: Numeric,
}

impl<'a> PldmRepr<'a> for GetNumericEffecterValueResponse {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let size = DataSize::from_value(read::u8_at(d, 0)?);
        let effecter_oper_state = read::u8_at(d, 1)?.into();
        let pending_value = Numeric::read(d, 2, size, 0)?;
        let present_value = Numeric::read(d, 2 + pending_value.len(), size, 0)?;
        Ok((
            GetNumericEffecterValueResponse {
                effecter_oper_state,
                pending_value,
                present_value,
            },
            2 + 2 * pending_value.len(),
        ))
    }
    fn buffer_len(&self) -> usize {
        2 + self.pending_value.len() + self.present_value.len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.pending_value.size.value();
        buf[1] = self.effecter_oper_state.value();
        self.pending_value.write(&mut buf[2..]);
        self.present_value
            .write(&mut buf[2 + self.pending_value.len()..]);
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "present {} pending {} ({})",
            self.present_value, self.pending_value, self.effecter_oper_state
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        let s = self.pending_value.size;
        en(v, "effecter_data_size", 0, s.value(), s.name());
        let o = self.effecter_oper_state;
        en(v, "effecter_oper_state", 1, o.value(), o.name());
        describe_numeric(v, "pending_value", 2, &self.pending_value);
        describe_numeric(
            v,
            "present_value",
            2 + self.pending_value.len(),
            &self.present_value,
        );
    }
}

// ---------------------------------------------------------------------------
// State effecters

/// SetStateEffecterStates request (0x39): per composite effecter
/// `setRequest (0 noChange, 1 requestSet), effecterState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SetStateEffecterStatesRequest<'a> {
    pub effecter_id: u16,
    pub state_fields: Composite<'a, 2>,
}

impl<'a> PldmRepr<'a> for SetStateEffecterStatesRequest<'a> {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let effecter_id = read::le16(d, 0)?;
        let (state_fields, n) = Composite::parse(d, 2)?;
        Ok((
            SetStateEffecterStatesRequest {
                effecter_id,
                state_fields,
            },
            n,
        ))
    }
    fn buffer_len(&self) -> usize {
        3 + self.state_fields.fields.len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0..2].copy_from_slice(&self.effecter_id.to_le_bytes());
        self.state_fields.emit(&mut buf[2..]);
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, "effecter {}", self.effecter_id)?;
        for (i, f) in self.state_fields.iter().enumerate() {
            if f[0] != 0 {
                write!(w, " [{i}]={}", f[1])?;
            }
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::uint(v, "effecter_id", 0, 2, self.effecter_id.into());
        self.state_fields.describe_with(
            v,
            "composite_effecter_count",
            2,
            ["set_request", "effecter_state"],
            |k, b| match (k, b) {
                (0, 0) => Some("noChange"),
                (0, 1) => Some("requestSet"),
                _ => None,
            },
        );
    }
}

/// GetStateEffecterStates response (0x3A): per composite effecter
/// `effecterOperationalState, pendingState, presentState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetStateEffecterStatesResponse<'a> {
    pub state_fields: Composite<'a, 3>,
}

impl<'a> PldmRepr<'a> for GetStateEffecterStatesResponse<'a> {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let (state_fields, n) = Composite::parse(d, 0)?;
        Ok((GetStateEffecterStatesResponse { state_fields }, n))
    }
    fn buffer_len(&self) -> usize {
        1 + self.state_fields.fields.len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        self.state_fields.emit(buf);
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        for (i, f) in self.state_fields.iter().enumerate() {
            if i > 0 {
                w.write_str(", ")?;
            }
            write!(
                w,
                "[{i}] state {} ({})",
                f[2],
                EffecterOperationalState::from_value(f[0])
            )?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        self.state_fields.describe_with(
            v,
            "composite_effecter_count",
            0,
            ["effecter_oper_state", "pending_state", "present_state"],
            |k, b| {
                if k == 0 {
                    EffecterOperationalState::from_value(b).name()
                } else {
                    None
                }
            },
        );
    }
}

// ---------------------------------------------------------------------------
// Events

/// PlatformEventMessage request (0x0A).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PlatformEventMessageRequest<'a> {
    pub format_version: u8,
    pub tid: u8,
    /// eventClass and eventData.
    pub event: EventData<'a>,
}

impl<'a> PldmRepr<'a> for PlatformEventMessageRequest<'a> {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let format_version = read::u8_at(d, 0)?;
        let tid = read::u8_at(d, 1)?;
        let class = read::u8_at(d, 2)?;
        let data = read::rest(d, 3)?;
        let (event, n) = EventData::parse(class, data).map_err(|e| e.shift(3))?;
        Ok((
            PlatformEventMessageRequest {
                format_version,
                tid,
                event,
            },
            3 + n,
        ))
    }
    fn buffer_len(&self) -> usize {
        3 + self.event.buffer_len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.format_version;
        buf[1] = self.tid;
        buf[2] = self.event.class().value();
        self.event.emit_exact(&mut buf[3..]);
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, "tid={} ", self.tid)?;
        self.event.summary(w)
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::uint(v, "format_version", 0, 1, self.format_version.into());
        show::uint(v, "tid", 1, 1, self.tid.into());
        let c = self.event.class();
        show::hex(v, "event_class", 2, 1, c.value().into(), c.name());
        // Decoded eventData gets its own JSON object: its fields repeat the
        // message's (formatVersion of a pldmMessagePollEvent, DSP0248
        // Table 16). Undecoded it is the `event_data` byte string.
        if matches!(self.event, EventData::Raw { .. }) {
            self.event.describe(v, 3);
        } else {
            v.begin("event_data", Group::Inline, 3, self.event.buffer_len());
            self.event.describe(v, 3);
            v.end();
        }
    }
}

/// PlatformEventMessage response (0x0A).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PlatformEventMessageResponse {
    pub platform_event_status: PlatformEventStatus,
}

impl<'a> PldmRepr<'a> for PlatformEventMessageResponse {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            PlatformEventMessageResponse {
                platform_event_status: read::u8_at(d, 0)?.into(),
            },
            1,
        ))
    }
    fn buffer_len(&self) -> usize {
        1
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.platform_event_status.value();
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, "{}", self.platform_event_status)
    }
    fn describe(&self, v: &mut dyn Visitor) {
        let s = self.platform_event_status;
        en(v, "platform_event_status", 0, s.value(), s.name());
    }
}

open_enum! {
    /// eventMessageGlobalEnable (SetEventReceiver; DSP0248 Table 14,
    /// libpldm `pldm_event_message_global_enable`).
    pub enum EventMessageGlobalEnable: u8 {
        Disable = 0 => "disable",
        EnableAsync = 1 => "enableAsync",
        EnablePolling = 2 => "enablePolling",
        EnableAsyncKeepAlive = 3 => "enableAsyncKeepAlive",
    }
}

/// SetEventReceiver request (0x04): where a terminus sends its
/// PlatformEventMessages. For transportProtocolType 0 (MCTP) the address
/// info is the receiver's EID. heartbeatTimer (seconds) is present only
/// with enableAsyncKeepAlive in DSP0248 1.2; libpldm always sends it, so
/// both the 3- and the 5-byte forms decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SetEventReceiverRequest {
    pub event_message_global_enable: EventMessageGlobalEnable,
    pub transport_protocol_type: u8,
    pub event_receiver_address_info: u8,
    pub heartbeat_timer: Option<u16>,
}

impl<'a> PldmRepr<'a> for SetEventReceiverRequest {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let heartbeat_timer = match d.len() {
            0..=3 => None,
            _ => Some(read::le16(d, 3)?),
        };
        let r = SetEventReceiverRequest {
            event_message_global_enable: read::u8_at(d, 0)?.into(),
            transport_protocol_type: read::u8_at(d, 1)?,
            event_receiver_address_info: read::u8_at(d, 2)?,
            heartbeat_timer,
        };
        Ok((r, r.buffer_len()))
    }
    fn buffer_len(&self) -> usize {
        3 + if self.heartbeat_timer.is_some() { 2 } else { 0 }
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.event_message_global_enable.value();
        buf[1] = self.transport_protocol_type;
        buf[2] = self.event_receiver_address_info;
        if let Some(h) = self.heartbeat_timer {
            buf[3..5].copy_from_slice(&h.to_le_bytes());
        }
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "{} receiver {}",
            self.event_message_global_enable, self.event_receiver_address_info
        )?;
        if let Some(h) = self.heartbeat_timer {
            write!(w, " heartbeat {h}s")?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        let e = self.event_message_global_enable;
        en(v, "event_message_global_enable", 0, e.value(), e.name());
        show::uint(
            v,
            "transport_protocol_type",
            1,
            1,
            self.transport_protocol_type.into(),
        );
        show::uint(
            v,
            "event_receiver_address_info",
            2,
            1,
            self.event_receiver_address_info.into(),
        );
        if let Some(h) = self.heartbeat_timer {
            show::uint(v, "heartbeat_timer", 3, 2, h.into());
        }
    }
}

/// PollForPlatformEventMessage request (0x0B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PollForPlatformEventMessageRequest {
    pub format_version: u8,
    pub transfer_operation_flag: TransferOperationFlag,
    pub data_transfer_handle: u32,
    pub event_id_to_acknowledge: u16,
}

impl<'a> PldmRepr<'a> for PollForPlatformEventMessageRequest {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            PollForPlatformEventMessageRequest {
                format_version: read::u8_at(d, 0)?,
                transfer_operation_flag: read::u8_at(d, 1)?.into(),
                data_transfer_handle: read::le32(d, 2)?,
                event_id_to_acknowledge: read::le16(d, 6)?,
            },
            8,
        ))
    }
    fn buffer_len(&self) -> usize {
        8
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.format_version;
        buf[1] = self.transfer_operation_flag.value();
        buf[2..6].copy_from_slice(&self.data_transfer_handle.to_le_bytes());
        buf[6..8].copy_from_slice(&self.event_id_to_acknowledge.to_le_bytes());
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "{} handle={:#x} ack={:#06x}",
            self.transfer_operation_flag, self.data_transfer_handle, self.event_id_to_acknowledge
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::uint(v, "format_version", 0, 1, self.format_version.into());
        let f = self.transfer_operation_flag;
        en(v, "transfer_operation_flag", 1, f.value(), f.name());
        show::hex(
            v,
            "data_transfer_handle",
            2,
            4,
            self.data_transfer_handle.into(),
            None,
        );
        show::hex(
            v,
            "event_id_to_acknowledge",
            6,
            2,
            self.event_id_to_acknowledge.into(),
            None,
        );
    }
}

/// The event part of a PollForPlatformEventMessage response (present
/// unless eventID is 0x0000 "no event" or 0xFFFF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PolledEvent<'a> {
    pub next_data_transfer_handle: u32,
    pub transfer_flag: TransferFlag,
    pub event_class: super::event::EventClass,
    /// eventData of this part (length = eventDataSize).
    pub event_data: &'a [u8],
    /// eventDataIntegrityChecksum (CRC-32), sent with the End part.
    pub event_data_integrity_checksum: Option<u32>,
}

/// PollForPlatformEventMessage response (0x0B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PollForPlatformEventMessageResponse<'a> {
    pub tid: u8,
    pub event_id: u16,
    pub event: Option<PolledEvent<'a>>,
}

impl<'a> PldmRepr<'a> for PollForPlatformEventMessageResponse<'a> {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let tid = read::u8_at(d, 0)?;
        let event_id = read::le16(d, 1)?;
        if d.len() == 3 || event_id == 0 || event_id == 0xFFFF {
            return Ok((
                PollForPlatformEventMessageResponse {
                    tid,
                    event_id,
                    event: None,
                },
                3,
            ));
        }
        let next_data_transfer_handle = read::le32(d, 3)?;
        let transfer_flag = TransferFlag::from_value(read::u8_at(d, 7)?);
        let event_class = read::u8_at(d, 8)?.into();
        let size = read::le32(d, 9)? as usize;
        let event_data = read::bytes(d, 13, size)?;
        let mut used = 13 + size;
        let event_data_integrity_checksum = if transfer_flag == TransferFlag::End {
            let c = read::le32(d, used)?;
            used += 4;
            Some(c)
        } else {
            None
        };
        Ok((
            PollForPlatformEventMessageResponse {
                tid,
                event_id,
                event: Some(PolledEvent {
                    next_data_transfer_handle,
                    transfer_flag,
                    event_class,
                    event_data,
                    event_data_integrity_checksum,
                }),
            },
            used,
        ))
    }
    fn buffer_len(&self) -> usize {
        3 + self.event.map_or(0, |e| {
            10 + e.event_data.len()
                + if e.event_data_integrity_checksum.is_some() {
                    4
                } else {
                    0
                }
        })
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.tid;
        buf[1..3].copy_from_slice(&self.event_id.to_le_bytes());
        if let Some(e) = self.event {
            buf[3..7].copy_from_slice(&e.next_data_transfer_handle.to_le_bytes());
            buf[7] = e.transfer_flag.value();
            buf[8] = e.event_class.value();
            buf[9..13].copy_from_slice(&(e.event_data.len() as u32).to_le_bytes());
            let n = 13 + e.event_data.len();
            buf[13..n].copy_from_slice(e.event_data);
            if let Some(c) = e.event_data_integrity_checksum {
                buf[n..n + 4].copy_from_slice(&c.to_le_bytes());
            }
        }
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, "tid={} event_id={:#06x}", self.tid, self.event_id)?;
        if let Some(e) = self.event {
            write!(
                w,
                " {} {} {} bytes",
                e.event_class,
                e.transfer_flag,
                e.event_data.len()
            )?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::uint(v, "tid", 0, 1, self.tid.into());
        show::hex(v, "event_id", 1, 2, self.event_id.into(), None);
        if let Some(e) = self.event {
            show::hex(
                v,
                "next_data_transfer_handle",
                3,
                4,
                e.next_data_transfer_handle.into(),
                None,
            );
            en(
                v,
                "transfer_flag",
                7,
                e.transfer_flag.value(),
                e.transfer_flag.name(),
            );
            en(
                v,
                "event_class",
                8,
                e.event_class.value(),
                e.event_class.name(),
            );
            show::uint(v, "event_data_size", 9, 4, e.event_data.len() as u64);
            show::bytes(v, "event_data", 13, e.event_data);
            if let Some(c) = e.event_data_integrity_checksum {
                show::hex(
                    v,
                    "event_data_integrity_checksum",
                    13 + e.event_data.len(),
                    4,
                    c.into(),
                    None,
                );
            }
        }
    }
}

/// One-byte request/response helper (formatVersion ...).
macro_rules! one_field {
    ($t:ident, $f:ident, $ty:ty, $len:expr, $sum:literal) => {
        #[doc = concat!("`", stringify!($f), "` only.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub struct $t {
            pub $f: $ty,
        }
        impl<'a> PldmRepr<'a> for $t {
            fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
                let b = read::array::<$len>(d, 0)?;
                Ok((
                    $t {
                        $f: <$ty>::from_le_bytes(b),
                    },
                    $len,
                ))
            }
            fn buffer_len(&self) -> usize {
                $len
            }
            fn emit_exact(&self, buf: &mut [u8]) {
                buf.copy_from_slice(&self.$f.to_le_bytes());
            }
            fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
                write!(w, $sum, self.$f)
            }
            fn describe(&self, v: &mut dyn Visitor) {
                show::uint(v, stringify!($f), 0, $len, self.$f.into());
            }
        }
    };
}

one_field!(
    EventMessageSupportedRequest,
    format_version,
    u8,
    1,
    "format_version={}"
);
one_field!(
    EventMessageBufferSizeRequest,
    event_receiver_max_buffer_size,
    u16,
    2,
    "receiver max {} bytes"
);
one_field!(
    EventMessageBufferSizeResponse,
    terminus_max_buffer_size,
    u16,
    2,
    "terminus max {} bytes"
);

/// EventMessageSupported response (0x0C).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EventMessageSupportedResponse<'a> {
    pub synchrony_configuration: SynchronyConfiguration,
    /// bitfield8: bit n = synchronyConfiguration n supported.
    pub synchrony_configuration_supported: u8,
    /// eventClass values (count = numberEventClassReturned).
    pub event_classes: &'a [u8],
}

impl<'a> PldmRepr<'a> for EventMessageSupportedResponse<'a> {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let n = usize::from(read::u8_at(d, 2)?);
        Ok((
            EventMessageSupportedResponse {
                synchrony_configuration: read::u8_at(d, 0)?.into(),
                synchrony_configuration_supported: read::u8_at(d, 1)?,
                event_classes: read::bytes(d, 3, n)?,
            },
            3 + n,
        ))
    }
    fn buffer_len(&self) -> usize {
        3 + self.event_classes.len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.synchrony_configuration.value();
        buf[1] = self.synchrony_configuration_supported;
        buf[2] = self.event_classes.len() as u8;
        buf[3..].copy_from_slice(self.event_classes);
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, "{} classes", self.synchrony_configuration)?;
        for c in self.event_classes {
            write!(w, " {c:#04x}")?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        let s = self.synchrony_configuration;
        en(v, "synchrony_configuration", 0, s.value(), s.name());
        show::hex(
            v,
            "synchrony_configuration_supported",
            1,
            1,
            self.synchrony_configuration_supported.into(),
            None,
        );
        show::uint(
            v,
            "number_event_class_returned",
            2,
            1,
            self.event_classes.len() as u64,
        );
        show::bytes(v, "event_class", 3, self.event_classes);
    }
}

// ---------------------------------------------------------------------------
// PDR repository

/// GetPDRRepositoryInfo response (0x50).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetPdrRepositoryInfoResponse {
    pub repository_state: RepositoryState,
    /// timestamp104 (DSP0248 Table 1), kept raw.
    pub update_time: [u8; 13],
    pub oem_update_time: [u8; 13],
    pub record_count: u32,
    pub repository_size: u32,
    pub largest_record_size: u32,
    pub data_transfer_handle_timeout: u8,
}

impl<'a> PldmRepr<'a> for GetPdrRepositoryInfoResponse {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            GetPdrRepositoryInfoResponse {
                repository_state: read::u8_at(d, 0)?.into(),
                update_time: read::array(d, 1)?,
                oem_update_time: read::array(d, 14)?,
                record_count: read::le32(d, 27)?,
                repository_size: read::le32(d, 31)?,
                largest_record_size: read::le32(d, 35)?,
                data_transfer_handle_timeout: read::u8_at(d, 39)?,
            },
            40,
        ))
    }
    fn buffer_len(&self) -> usize {
        40
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.repository_state.value();
        buf[1..14].copy_from_slice(&self.update_time);
        buf[14..27].copy_from_slice(&self.oem_update_time);
        buf[27..31].copy_from_slice(&self.record_count.to_le_bytes());
        buf[31..35].copy_from_slice(&self.repository_size.to_le_bytes());
        buf[35..39].copy_from_slice(&self.largest_record_size.to_le_bytes());
        buf[39] = self.data_transfer_handle_timeout;
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "{} {} records, {} bytes (largest {})",
            self.repository_state,
            self.record_count,
            self.repository_size,
            self.largest_record_size
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        let s = self.repository_state;
        en(v, "repository_state", 0, s.value(), s.name());
        show::bytes(v, "update_time", 1, &self.update_time);
        show::bytes(v, "oem_update_time", 14, &self.oem_update_time);
        show::uint(v, "record_count", 27, 4, self.record_count.into());
        show::uint(v, "repository_size", 31, 4, self.repository_size.into());
        show::uint(
            v,
            "largest_record_size",
            35,
            4,
            self.largest_record_size.into(),
        );
        show::uint(
            v,
            "data_transfer_handle_timeout",
            39,
            1,
            self.data_transfer_handle_timeout.into(),
        );
    }
}

/// GetPDR request (0x51).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetPdrRequest {
    pub record_handle: u32,
    pub data_transfer_handle: u32,
    pub transfer_operation_flag: TransferOperationFlag,
    pub request_count: u16,
    pub record_change_number: u16,
}

impl<'a> PldmRepr<'a> for GetPdrRequest {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            GetPdrRequest {
                record_handle: read::le32(d, 0)?,
                data_transfer_handle: read::le32(d, 4)?,
                transfer_operation_flag: read::u8_at(d, 8)?.into(),
                request_count: read::le16(d, 9)?,
                record_change_number: read::le16(d, 11)?,
            },
            13,
        ))
    }
    fn buffer_len(&self) -> usize {
        13
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0..4].copy_from_slice(&self.record_handle.to_le_bytes());
        buf[4..8].copy_from_slice(&self.data_transfer_handle.to_le_bytes());
        buf[8] = self.transfer_operation_flag.value();
        buf[9..11].copy_from_slice(&self.request_count.to_le_bytes());
        buf[11..13].copy_from_slice(&self.record_change_number.to_le_bytes());
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "record {:#x} {} count={}",
            self.record_handle, self.transfer_operation_flag, self.request_count
        )?;
        if self.data_transfer_handle != 0 {
            write!(w, " handle={:#x}", self.data_transfer_handle)?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::hex(v, "record_handle", 0, 4, self.record_handle.into(), None);
        show::hex(
            v,
            "data_transfer_handle",
            4,
            4,
            self.data_transfer_handle.into(),
            None,
        );
        let f = self.transfer_operation_flag;
        en(v, "transfer_operation_flag", 8, f.value(), f.name());
        show::uint(v, "request_count", 9, 2, self.request_count.into());
        show::uint(
            v,
            "record_change_number",
            11,
            2,
            self.record_change_number.into(),
        );
    }
}

/// GetPDR response (0x51). A StartAndEnd part holds a whole PDR, decoded
/// by [`GetPdrResponse::record`]; other parts are reassembled by the
/// analyser (which checks `transfer_crc` with [`pdr::transfer_crc`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetPdrResponse<'a> {
    pub next_record_handle: u32,
    pub next_data_transfer_handle: u32,
    pub transfer_flag: TransferFlag,
    /// recordData (length = responseCount).
    pub record_data: &'a [u8],
    /// transferCRC (CRC-8 of the whole PDR), only in the End part.
    pub transfer_crc: Option<u8>,
}

impl<'a> GetPdrResponse<'a> {
    /// The PDR, when this response carries a whole record.
    pub fn record(&self) -> Option<Result<pdr::Record<'a>>> {
        (self.transfer_flag == TransferFlag::StartAndEnd)
            .then(|| pdr::Record::parse(self.record_data))
    }
}

impl<'a> PldmRepr<'a> for GetPdrResponse<'a> {
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let next_record_handle = read::le32(d, 0)?;
        let next_data_transfer_handle = read::le32(d, 4)?;
        let transfer_flag = TransferFlag::from_value(read::u8_at(d, 8)?);
        let count = usize::from(read::le16(d, 9)?);
        let record_data = read::bytes(d, 11, count)?;
        let mut used = 11 + count;
        let transfer_crc = if transfer_flag == TransferFlag::End {
            let c = read::u8_at(d, used)?;
            used += 1;
            Some(c)
        } else {
            None
        };
        Ok((
            GetPdrResponse {
                next_record_handle,
                next_data_transfer_handle,
                transfer_flag,
                record_data,
                transfer_crc,
            },
            used,
        ))
    }
    fn buffer_len(&self) -> usize {
        11 + self.record_data.len() + usize::from(self.transfer_crc.is_some())
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0..4].copy_from_slice(&self.next_record_handle.to_le_bytes());
        buf[4..8].copy_from_slice(&self.next_data_transfer_handle.to_le_bytes());
        buf[8] = self.transfer_flag.value();
        buf[9..11].copy_from_slice(&(self.record_data.len() as u16).to_le_bytes());
        let n = 11 + self.record_data.len();
        buf[11..n].copy_from_slice(self.record_data);
        if let Some(c) = self.transfer_crc {
            buf[n] = c;
        }
    }
    fn problem(&self) -> Option<Error> {
        match self.record() {
            Some(Err(e)) => Some(e.shift(11)),
            Some(Ok(r)) => r.problem().map(|e| e.shift(11)),
            None => None,
        }
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match self.record() {
            Some(Ok(r)) => {
                r.summary(w)?;
            }
            _ => write!(
                w,
                "{} part, {} bytes",
                self.transfer_flag,
                self.record_data.len()
            )?,
        }
        if self.next_record_handle != 0 {
            write!(w, " next={:#x}", self.next_record_handle)?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        show::hex(
            v,
            "next_record_handle",
            0,
            4,
            self.next_record_handle.into(),
            None,
        );
        show::hex(
            v,
            "next_data_transfer_handle",
            4,
            4,
            self.next_data_transfer_handle.into(),
            None,
        );
        en(
            v,
            "transfer_flag",
            8,
            self.transfer_flag.value(),
            self.transfer_flag.name(),
        );
        show::uint(v, "response_count", 9, 2, self.record_data.len() as u64);
        match self.record() {
            Some(Ok(r)) => {
                v.begin("record_data", Group::Object, 11, self.record_data.len());
                r.describe(v, 11);
                v.end();
            }
            _ => show::bytes(v, "record_data", 11, self.record_data),
        }
        if let Some(c) = self.transfer_crc {
            show::hex(
                v,
                "transfer_crc",
                11 + self.record_data.len(),
                1,
                c.into(),
                None,
            );
        }
    }
}

pldm_type_body! {
    /// Type 2 request/response data.
    pub enum Body<'a> for Command {
        none: [
            (false, SetEventReceiver),
            (false, SetNumericEffecterValue), (false, SetStateEffecterStates),
            (true, GetPdrRepositoryInfo),
        ],
        typed: [
            (true, SetEventReceiver) => SetEventReceiverRequest(SetEventReceiverRequest),
            (true, PlatformEventMessage) => PlatformEventMessageRequest(PlatformEventMessageRequest<'a>),
            (false, PlatformEventMessage) => PlatformEventMessageResponse(PlatformEventMessageResponse),
            (true, PollForPlatformEventMessage) => PollForPlatformEventMessageRequest(PollForPlatformEventMessageRequest),
            (false, PollForPlatformEventMessage) => PollForPlatformEventMessageResponse(PollForPlatformEventMessageResponse<'a>),
            (true, EventMessageSupported) => EventMessageSupportedRequest(EventMessageSupportedRequest),
            (false, EventMessageSupported) => EventMessageSupportedResponse(EventMessageSupportedResponse<'a>),
            (true, EventMessageBufferSize) => EventMessageBufferSizeRequest(EventMessageBufferSizeRequest),
            (false, EventMessageBufferSize) => EventMessageBufferSizeResponse(EventMessageBufferSizeResponse),
            (true, GetSensorReading) => GetSensorReadingRequest(GetSensorReadingRequest),
            (false, GetSensorReading) => GetSensorReadingResponse(GetSensorReadingResponse),
            (true, GetStateSensorReadings) => GetStateSensorReadingsRequest(GetStateSensorReadingsRequest),
            (false, GetStateSensorReadings) => GetStateSensorReadingsResponse(GetStateSensorReadingsResponse<'a>),
            (true, SetNumericEffecterValue) => SetNumericEffecterValueRequest(SetNumericEffecterValueRequest),
            (true, GetNumericEffecterValue) => GetNumericEffecterValueRequest(EffecterIdRequest),
            (false, GetNumericEffecterValue) => GetNumericEffecterValueResponse(GetNumericEffecterValueResponse),
            (true, SetStateEffecterStates) => SetStateEffecterStatesRequest(SetStateEffecterStatesRequest<'a>),
            (true, GetStateEffecterStates) => GetStateEffecterStatesRequest(EffecterIdRequest),
            (false, GetStateEffecterStates) => GetStateEffecterStatesResponse(GetStateEffecterStatesResponse<'a>),
            (false, GetPdrRepositoryInfo) => GetPdrRepositoryInfoResponse(GetPdrRepositoryInfoResponse),
            (true, GetPdr) => GetPdrRequest(GetPdrRequest),
            (false, GetPdr) => GetPdrResponse(GetPdrResponse<'a>),
        ],
    }
}
