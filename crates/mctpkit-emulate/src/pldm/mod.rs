//! An emulated PLDM terminus (MCTP message type 1, DSP0241): type 0
//! messaging control and discovery (DSP0240) and type 2 platform
//! monitoring and control (DSP0248) over a small PDR repository.
//!
//! | type | command | | spec |
//! |---|---|---|---|
//! | 0 | 0x01 SetTID, 0x02 GetTID | | DSP0240 §9.1, §9.2 |
//! | 0 | 0x03 GetPLDMVersion | single part, CRC-32 | DSP0240 §9.3 |
//! | 0 | 0x04 GetPLDMTypes, 0x05 GetPLDMCommands | | DSP0240 §9.4, §9.5 |
//! | 2 | 0x11 GetSensorReading | numeric sensors | DSP0248 §18.2 |
//! | 2 | 0x21 GetStateSensorReadings | state sensors | DSP0248 §19.2 |
//! | 2 | 0x50 GetPDRRepositoryInfo, 0x51 GetPDR | multipart | DSP0248 §26.1, §26.2 |
//! | 2 | 0x04 SetEventReceiver; sends 0x0A PlatformEventMessage | [`events`] | DSP0248 §16.2, §16.6 |
//!
//! Requests are decoded and responses encoded with `mctpkit_wire::pldm`
//! (its Reprs and builders). Errors never panic (DSP0240 §8, Table 2):
//! a request whose data is short or has bytes left over gets
//! ERROR_INVALID_LENGTH, a field out of range ERROR_INVALID_DATA, an
//! unknown command ERROR_UNSUPPORTED_PLDM_CMD, a PLDM type other than 0
//! and 2 ERROR_INVALID_PLDM_TYPE; responses (Rq=0) and unacknowledged
//! requests (Rq=1, D=1) get no answer, nor does a message too short to
//! hold a request header.

mod base;
pub mod events;
mod platform;
pub mod repository;
pub mod sensors;

use mctpkit_stack::Millis;
use mctpkit_wire::error::ErrorKind;
use mctpkit_wire::pldm::body::PldmRepr;
use mctpkit_wire::pldm::pdr_builder::{PdrBody, TerminusLocatorPdr};
use mctpkit_wire::pldm::{builder::PldmBuilder, CompletionCode, Header, PldmType};
use serde::Deserialize;

use crate::app::Application;
use repository::Repository;
use sensors::{NumericSensor, StateSensor};

/// MCTP message type of PLDM (DSP0239).
pub const MCTP_TYPE_PLDM: u8 = 0x01;

/// The terminus's parameters from the TOML file (`[endpoint.pldm]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PldmConfig {
    /// Terminus ID reported by GetTID until a SetTID (default 1).
    #[serde(default = "tid_one")]
    pub tid: u8,
    /// EID to send PlatformEventMessages to before any SetEventReceiver
    /// (default: the bus owner that assigns the EID, if one does).
    pub event_receiver: Option<u8>,
    #[serde(default)]
    pub numeric_sensor: Vec<NumericSensor>,
    #[serde(default)]
    pub state_sensor: Vec<StateSensor>,
}

fn tid_one() -> u8 {
    1
}

impl Default for PldmConfig {
    fn default() -> Self {
        PldmConfig {
            tid: 1,
            event_receiver: None,
            numeric_sensor: Vec::new(),
            state_sensor: Vec::new(),
        }
    }
}

impl PldmConfig {
    /// Why the parameters cannot be served, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        if self.tid == 0 || self.tid == 0xFF {
            return Err(format!("tid {} is reserved (DSP0240 §9.1)", self.tid));
        }
        let mut ids: Vec<u16> = self.numeric_sensor.iter().map(|s| s.sensor_id).collect();
        ids.extend(self.state_sensor.iter().map(|s| s.sensor_id));
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() != n {
            return Err("sensor IDs must be unique".into());
        }
        for s in &self.numeric_sensor {
            s.check()?;
        }
        for s in &self.state_sensor {
            s.check()?;
        }
        Ok(())
    }
}

/// An emulated PLDM terminus.
#[derive(Debug, Clone)]
pub struct PldmTerminus {
    tid: u8,
    eid: u8,
    numeric: Vec<NumericSensor>,
    state: Vec<StateSensor>,
    pdrs: Repository,
    events: events::Events,
}

/// Record handle of the terminus locator PDR (the first record).
const LOCATOR_HANDLE: u32 = 1;

impl PldmTerminus {
    /// A terminus from checked parameters (see [`PldmConfig::check`]), at
    /// `eid` (0 until one is assigned). Its repository holds the terminus
    /// locator PDR, then one PDR per numeric sensor, then one per state
    /// sensor.
    pub fn new(cfg: &PldmConfig, eid: u8) -> Self {
        let mut pdrs = Repository::new();
        pdrs.push(TerminusLocatorPdr::mctp_eid(cfg.tid, eid).to_record(LOCATOR_HANDLE));
        for s in &cfg.numeric_sensor {
            pdrs.push(s.pdr(pdrs.next_handle()));
        }
        for s in &cfg.state_sensor {
            pdrs.push(s.pdr(pdrs.next_handle()));
        }
        PldmTerminus {
            tid: cfg.tid,
            eid,
            numeric: cfg.numeric_sensor.clone(),
            state: cfg.state_sensor.clone(),
            pdrs,
            events: events::Events::new(cfg.event_receiver),
        }
    }

    /// The PDR repository.
    pub fn repository(&self) -> &Repository {
        &self.pdrs
    }

    /// The current TID.
    pub fn tid(&self) -> u8 {
        self.tid
    }

    fn refresh_locator(&mut self) {
        self.pdrs.replace(
            LOCATOR_HANDLE,
            TerminusLocatorPdr::mctp_eid(self.tid, self.eid).to_record(LOCATOR_HANDLE),
        );
    }
}

impl Application for PldmTerminus {
    fn message_types(&self) -> &[u8] {
        &[MCTP_TYPE_PLDM]
    }

    fn eid_changed(&mut self, eid: u8, bus_owner: Option<u8>) {
        self.eid = eid;
        if let Some(b) = bus_owner {
            self.events.set_bus_owner(b);
        }
        self.refresh_locator();
    }

    fn poll_request(&mut self, now: Millis) -> Option<(u8, Vec<u8>)> {
        self.events.poll(now, self.tid, &self.numeric, &self.state)
    }

    fn poll_timeout(&self) -> Option<Millis> {
        self.events.poll_timeout()
    }

    fn handle(&mut self, now: Millis, msg: &[u8]) -> Option<Vec<u8>> {
        if msg.first().map(|t| t & 0x7F) != Some(MCTP_TYPE_PLDM) {
            return None;
        }
        let h = Header::parse(msg).ok()?;
        if !h.rq || h.d {
            return None;
        }
        let data = &msg[h.data_offset()..];
        let r = match h.pldm_type {
            PldmType::Base => base::handle(self, &h, data),
            PldmType::Platform => platform::handle(self, now, &h, data),
            _ => Err(CompletionCode::ErrorInvalidPldmType.value()),
        };
        Some(r.unwrap_or_else(|cc| error_response(&h, cc)))
    }
}

/// A handler's answer: the whole response, or a completion code for an
/// error response.
pub(crate) type Reply = Result<Vec<u8>, u8>;

/// The response builder for request `h`.
fn responder(h: &Header, cc: u8) -> PldmBuilder {
    PldmBuilder::response(h.pldm_type, h.command, cc).instance_id(h.instance_id)
}

/// An error response: only the completion code (DSP0240 §8).
pub(crate) fn error_response(h: &Header, cc: u8) -> Vec<u8> {
    let mut v = vec![0u8; mctpkit_wire::pldm::RESPONSE_HEADER_LEN];
    // The buffer holds a response header exactly.
    let n = responder(h, cc).emit_data(&[], &mut v).unwrap_or(0);
    v.truncate(n);
    v
}

/// A SUCCESS response carrying `repr`.
pub(crate) fn success<'a, R: PldmRepr<'a>>(h: &Header, repr: &R) -> Reply {
    let mut v = vec![0u8; mctpkit_wire::pldm::RESPONSE_HEADER_LEN + repr.buffer_len()];
    let n = responder(h, CompletionCode::Success.value())
        .emit_repr(repr, &mut v)
        .map_err(|_| CompletionCode::Error.value())?;
    v.truncate(n);
    Ok(v)
}

/// A SUCCESS response without data.
pub(crate) fn success_empty(h: &Header) -> Reply {
    Ok(error_response(h, CompletionCode::Success.value()))
}

/// Decode request data exactly: short data, bytes left over or a length
/// field that disagrees → ERROR_INVALID_LENGTH; a field out of range →
/// ERROR_INVALID_DATA (DSP0240 Table 2).
pub(crate) fn decode<'a, R: PldmRepr<'a>>(data: &'a [u8]) -> Result<R, u8> {
    R::parse(data).map_err(|e| match e.kind {
        ErrorKind::Invalid { .. } => CompletionCode::ErrorInvalidData.value(),
        _ => CompletionCode::ErrorInvalidLength.value(),
    })
}

/// Request data must be empty.
pub(crate) fn no_data(data: &[u8]) -> Result<(), u8> {
    if data.is_empty() {
        Ok(())
    } else {
        Err(CompletionCode::ErrorInvalidLength.value())
    }
}

#[cfg(test)]
mod tests;
