//! PLDM type 2, platform monitoring and control (DSP0248), for the
//! emulated terminus: sensor readings and the PDR repository.

use mctpkit_stack::Millis;
use mctpkit_wire::pldm::platform::{
    Command, Composite, GetPdrRequest, GetSensorReadingRequest, GetSensorReadingResponse,
    GetStateSensorReadingsRequest, GetStateSensorReadingsResponse, Numeric,
    SensorEventMessageEnable, SensorOperationalState, SensorState,
};
use mctpkit_wire::pldm::{CompletionCode, Header};

use super::{decode, no_data, success, success_empty, PldmTerminus, Reply};

/// INVALID_SENSOR_ID (DSP0248 Table 42 / Table 57; libpldm
/// `PLDM_PLATFORM_INVALID_SENSOR_ID`).
pub const INVALID_SENSOR_ID: u8 = 0x80;

pub(super) fn handle(term: &mut PldmTerminus, now: Millis, h: &Header, data: &[u8]) -> Reply {
    match Command::from_value(h.command) {
        Command::SetEventReceiver => {
            term.events.set_event_receiver(&decode(data)?)?;
            success_empty(h)
        }
        Command::GetSensorReading => get_sensor_reading(term, now, h, decode(data)?),
        Command::GetStateSensorReadings => get_state_sensor_readings(term, now, h, decode(data)?),
        Command::GetPdrRepositoryInfo => {
            no_data(data)?;
            success(h, &term.pdrs.info())
        }
        Command::GetPdr => {
            let r: GetPdrRequest = decode(data)?;
            let rsp = term.pdrs.get_pdr(&r)?;
            success(h, &rsp)
        }
        _ => Err(CompletionCode::ErrorUnsupportedPldmCmd.value()),
    }
}

/// §18.2. With an event receiver set the sensor generates events
/// (sensorEventMessageEnable = eventsEnabled) and eventState is the state
/// last reported in one; otherwise noEventGeneration and eventState is the
/// present state. The re-arm request has nothing to re-arm (events follow
/// every change). previousState is the state of the reading one update
/// interval (a hundredth of the period) earlier.
fn get_sensor_reading(
    term: &PldmTerminus,
    now: Millis,
    h: &Header,
    r: GetSensorReadingRequest,
) -> Reply {
    let (i, s) = term
        .numeric
        .iter()
        .enumerate()
        .find(|(_, s)| s.sensor_id == r.sensor_id)
        .ok_or(INVALID_SENSOR_ID)?;
    let reading = s.reading(now);
    let present = s.state_of(reading);
    let before = now.saturating_sub((s.period_ms / 100).max(1));
    let previous = s.state_of(s.reading(before));
    success(
        h,
        &GetSensorReadingResponse {
            sensor_operational_state: SensorOperationalState::Enabled,
            sensor_event_message_enable: if term.events.receiver().is_some() {
                SensorEventMessageEnable::EventsEnabled
            } else {
                SensorEventMessageEnable::NoEventGeneration
            },
            present_state: present,
            previous_state: previous,
            event_state: term
                .events
                .last_numeric(i)
                .map_or(present, SensorState::from_value),
            present_reading: Numeric {
                size: s.size(),
                value: reading,
            },
        },
    )
}

/// §19.2: one composite sensor per state sensor; `sensorRearm` bits are
/// accepted (no events to re-arm).
fn get_state_sensor_readings(
    term: &PldmTerminus,
    now: Millis,
    h: &Header,
    r: GetStateSensorReadingsRequest,
) -> Reply {
    let s = term
        .state
        .iter()
        .find(|s| s.sensor_id == r.sensor_id)
        .ok_or(INVALID_SENSOR_ID)?;
    let present = s.present(now);
    // sensorOperationalState, presentState, previousState, eventState.
    let field = [
        SensorOperationalState::Enabled.value(),
        present,
        s.previous(now),
        present,
    ];
    success(
        h,
        &GetStateSensorReadingsResponse {
            state_fields: Composite { fields: &field },
        },
    )
}
