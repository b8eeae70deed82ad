//! The terminus's PlatformEventMessages (DSP0248 §16.6): a sensorEvent to
//! the event receiver whenever a sensor's state changes —
//! numericSensorState (eventState, previousEventState, presentReading)
//! for a numeric sensor crossing a threshold, stateSensorState for a state
//! sensor stepping to its next state (DSP0248 Table 19 and onwards).
//!
//! The receiver is the one SetEventReceiver (§16.2) names with
//! enableAsync over MCTP (transportProtocolType 0, the address info is the
//! EID); until then the `event_receiver` EID of the file, else the bus
//! owner that assigned the terminus's EID. enablePolling and
//! enableAsyncKeepAlive are refused with ENABLE_METHOD_NOT_SUPPORTED
//! (the terminus has no PollForPlatformEventMessage queue and sends no
//! heartbeats); another protocol type with INVALID_PROTOCOL_TYPE. Sensors
//! are checked every [`CHECK_EVERY`] ms while a receiver is set; the first
//! check only records the states.

use std::collections::VecDeque;

use mctpkit_stack::Millis;
use mctpkit_wire::pldm::builder::PldmBuilder;
use mctpkit_wire::pldm::event::{EventData, SensorEvent};
use mctpkit_wire::pldm::platform::{
    Command, EventMessageGlobalEnable, Numeric, PlatformEventMessageRequest,
    SetEventReceiverRequest,
};
use mctpkit_wire::pldm::{PldmType, REQUEST_HEADER_LEN};

use super::sensors::{NumericSensor, StateSensor};

/// Milliseconds between sensor checks.
pub const CHECK_EVERY: Millis = 100;
/// Events waiting to be sent at most (older ones are dropped first).
const MAX_QUEUED: usize = 64;
/// PlatformEventMessage formatVersion (DSP0248 §16.6).
const FORMAT_VERSION: u8 = 1;

/// SetEventReceiver completion codes (DSP0248 Table 15; libpldm).
pub mod cc {
    pub const INVALID_PROTOCOL_TYPE: u8 = 0x80;
    pub const ENABLE_METHOD_NOT_SUPPORTED: u8 = 0x81;
}

/// Where events go and what was last reported.
#[derive(Debug, Clone, Default)]
pub struct Events {
    /// Set by SetEventReceiver (`Some(None)`: disabled by it).
    set_receiver: Option<Option<u8>>,
    configured: Option<u8>,
    bus_owner: Option<u8>,
    next_check: Millis,
    /// Last state per numeric sensor, then per state sensor.
    numeric: Vec<Option<u8>>,
    state: Vec<Option<u8>>,
    queue: VecDeque<(u8, Vec<u8>)>,
    instance_id: u8,
    /// Events dropped because the queue was full.
    pub dropped: u64,
}

impl Events {
    /// Events to `configured` (if any) until told otherwise.
    pub fn new(configured: Option<u8>) -> Self {
        Events {
            configured,
            ..Events::default()
        }
    }

    /// The EID events go to now, if any.
    pub fn receiver(&self) -> Option<u8> {
        match self.set_receiver {
            Some(r) => r,
            None => self.configured.or(self.bus_owner),
        }
    }

    /// A bus owner assigned the terminus's EID.
    pub fn set_bus_owner(&mut self, eid: u8) {
        self.bus_owner = Some(eid);
    }

    /// SetEventReceiver: `Ok` or a completion code.
    pub fn set_event_receiver(&mut self, r: &SetEventReceiverRequest) -> Result<(), u8> {
        match r.event_message_global_enable {
            EventMessageGlobalEnable::Disable => {
                self.set_receiver = Some(None);
                Ok(())
            }
            EventMessageGlobalEnable::EnableAsync if r.transport_protocol_type == 0 => {
                self.set_receiver = Some(Some(r.event_receiver_address_info));
                Ok(())
            }
            EventMessageGlobalEnable::EnableAsync => Err(cc::INVALID_PROTOCOL_TYPE),
            _ => Err(cc::ENABLE_METHOD_NOT_SUPPORTED),
        }
    }

    /// The state last reported for numeric sensor `i` (the eventState of
    /// GetSensorReading).
    pub fn last_numeric(&self, i: usize) -> Option<u8> {
        self.numeric.get(i).copied().flatten()
    }

    /// When [`Events::poll`] has work next.
    pub fn poll_timeout(&self) -> Option<Millis> {
        if !self.queue.is_empty() {
            return Some(0);
        }
        self.receiver().map(|_| self.next_check)
    }

    /// Check the sensors (when due) and hand out the next event.
    pub fn poll(
        &mut self,
        now: Millis,
        tid: u8,
        numeric: &[NumericSensor],
        state: &[StateSensor],
    ) -> Option<(u8, Vec<u8>)> {
        if let Some(dst) = self.receiver() {
            if now >= self.next_check {
                self.next_check = now + CHECK_EVERY;
                self.check(now, dst, tid, numeric, state);
            }
        }
        self.queue.pop_front()
    }

    fn check(
        &mut self,
        now: Millis,
        dst: u8,
        tid: u8,
        numeric: &[NumericSensor],
        state: &[StateSensor],
    ) {
        self.numeric.resize(numeric.len(), None);
        self.state.resize(state.len(), None);
        for (i, s) in numeric.iter().enumerate() {
            let reading = s.reading(now);
            let present = s.state_of(reading).value();
            if let Some(prev) = self.numeric[i].replace(present) {
                if prev != present {
                    let event = SensorEvent::Numeric {
                        event_state: present,
                        previous_event_state: prev,
                        present_reading: Numeric {
                            size: s.size(),
                            value: reading,
                        },
                    };
                    self.push(dst, tid, s.sensor_id, event);
                }
            }
        }
        for (i, s) in state.iter().enumerate() {
            let present = s.present(now);
            if let Some(prev) = self.state[i].replace(present) {
                if prev != present {
                    let event = SensorEvent::State {
                        sensor_offset: 0,
                        event_state: present,
                        previous_event_state: prev,
                    };
                    self.push(dst, tid, s.sensor_id, event);
                }
            }
        }
    }

    fn push(&mut self, dst: u8, tid: u8, sensor_id: u16, event: SensorEvent<'_>) {
        let req = PlatformEventMessageRequest {
            format_version: FORMAT_VERSION,
            tid,
            event: EventData::Sensor { sensor_id, event },
        };
        let b = PldmBuilder::request(PldmType::Platform, Command::PlatformEventMessage.value())
            .instance_id(self.instance_id);
        self.instance_id = (self.instance_id + 1) & 0x1F;
        let mut v = vec![0u8; REQUEST_HEADER_LEN + 16];
        // 16 bytes hold the largest sensorEvent (a 4-byte reading).
        let Ok(n) = b.emit_repr(&req, &mut v) else {
            return;
        };
        v.truncate(n);
        if self.queue.len() == MAX_QUEUED {
            self.queue.pop_front();
            self.dropped += 1;
        }
        self.queue.push_back((dst, v));
    }
}
