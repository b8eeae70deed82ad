//! An emulated NVMe-MI Management Endpoint answering health polls (MCTP
//! message type 4, DSP0235; NVMe-MI 1.2):
//!
//! * **NVM Subsystem Health Status Poll** (opcode 0x01, §5.6): the NVM
//!   Subsystem Health Data Structure (Figure 108). The composite
//!   temperature follows a triangle wave between `ctemp_min` and
//!   `ctemp_max` °C; SMART Warnings are active low (all ones: none), the
//!   temperature warning bit cleared while the temperature is at or above
//!   `ctemp_warning`; the Composite Controller Status reports the
//!   Composite Temperature Change bit (CCS bit 9) while the temperature
//!   differs from its value at the last poll with Clear Status (CS,
//!   dword 1 bit 31) set.
//! * **Controller Health Status Poll** (opcode 0x02, §5.3): one Controller
//!   Health Data Structure (16 bytes, layout as `mctpkit_wire` reads it)
//!   per emulated controller from Starting Controller ID, at most
//!   MAXRENT + 1 (a 0's based count); without Report All only controllers
//!   with a selected changed flag. NMRESP bits 7:0 carry the number of
//!   entries. Clear Changed Flags (dword 1 bit 31) resets the flags.
//!
//! The request's Message Integrity Check (CRC-32C, §3.1.1) is verified: a
//! message without IC, too short for a MIC or with a wrong MIC is
//! discarded without a response, as a Management Endpoint discards a
//! corrupted message. Responses carry a MIC (the wire crate's builder
//! computes it). Other MI opcodes get Invalid Command Opcode (status 0x03),
//! an MI request shorter than its 12 bytes Invalid Command Size (0x05);
//! NVMe Admin and PCIe commands get an error response with Invalid Command
//! Opcode; control primitives are not implemented (no response).

use mctpkit_stack::Millis;
use mctpkit_wire::nvme_mi::data::{ControllerHealth, SubsystemHealth};
use mctpkit_wire::nvme_mi::{
    builder, Body, Header, MiCommand, MiOpcode, MiRequest, MiResponse, Nmimt, Packet, Status,
};
use serde::Deserialize;

use crate::app::Application;
use crate::waveform::triangle;

/// MCTP message type of NVMe-MI (DSP0239), IC bit clear.
pub const MCTP_TYPE_NVME_MI: u8 = 0x04;

/// NSS: Drive Functional (bit 5), Reset Not Required (bit 4), Port 0 PCIe
/// Link Active (bit 3).
const NSS_HEALTHY: u8 = 0x38;
/// SMART Warnings: active low; bit 1 is the temperature warning.
const SW_NONE: u8 = 0xFF;
const SW_TEMPERATURE: u8 = 0x02;
/// CCS bit 9: Composite Temperature Change.
const CCS_CTEMP: u16 = 1 << 9;
/// Controller changed flag / change selector bit 1: CTEMP changed.
const CHANGED_CTEMP: u16 = 1 << 1;
/// CSTS.RDY.
const CSTS_RDY: u16 = 1;

/// The endpoint's parameters from the TOML file (`[endpoint.nvme_mi]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NvmeMiConfig {
    /// Controllers (IDs 0, 1, ...). Default 1.
    #[serde(default = "one")]
    pub controllers: u16,
    /// Composite temperature range in °C (defaults 30 and 45).
    #[serde(default = "thirty")]
    pub ctemp_min: i8,
    #[serde(default = "forty_five")]
    pub ctemp_max: i8,
    /// At or above this temperature the SMART temperature warning is on.
    pub ctemp_warning: Option<i8>,
    /// Milliseconds of one temperature cycle (default 60 s).
    #[serde(default = "one_minute")]
    pub period_ms: Millis,
    /// Percentage Drive Life Used (default 3).
    #[serde(default = "three")]
    pub pdlu: u8,
    /// Available spare, percent (default 100).
    #[serde(default = "hundred")]
    pub spare: u8,
}

fn one() -> u16 {
    1
}
fn thirty() -> i8 {
    30
}
fn forty_five() -> i8 {
    45
}
fn one_minute() -> Millis {
    60_000
}
fn three() -> u8 {
    3
}
fn hundred() -> u8 {
    100
}

impl Default for NvmeMiConfig {
    fn default() -> Self {
        NvmeMiConfig {
            controllers: 1,
            ctemp_min: 30,
            ctemp_max: 45,
            ctemp_warning: None,
            period_ms: 60_000,
            pdlu: 3,
            spare: 100,
        }
    }
}

/// The emulated Management Endpoint.
#[derive(Debug, Clone)]
pub struct NvmeMiEndpoint {
    cfg: NvmeMiConfig,
    /// Temperature at the last Clear Status (subsystem poll), or at power-on.
    cleared_ctemp: Option<i8>,
    /// Per controller: temperature at the last Clear Changed Flags, or at
    /// power-on.
    ctrl_cleared_ctemp: Vec<Option<i8>>,
    /// Requests discarded for a missing or wrong MIC.
    pub mic_discards: u64,
}

impl NvmeMiEndpoint {
    /// An endpoint with `cfg`.
    pub fn new(cfg: &NvmeMiConfig) -> Self {
        let mut e = NvmeMiEndpoint {
            cfg: cfg.clone(),
            cleared_ctemp: None,
            ctrl_cleared_ctemp: Vec::new(),
            mic_discards: 0,
        };
        // Nothing has changed at power-on: the flags compare with the
        // temperature at time 0 until the first clear.
        let t0 = Some(e.ctemp(0));
        e.cleared_ctemp = t0;
        e.ctrl_cleared_ctemp = vec![t0; usize::from(cfg.controllers)];
        e
    }

    /// Composite temperature in °C at `now`.
    pub fn ctemp(&self, now: Millis) -> i8 {
        let v = triangle(
            now,
            self.cfg.period_ms,
            self.cfg.ctemp_min.into(),
            self.cfg.ctemp_max.into(),
        );
        v.clamp(i8::MIN.into(), i8::MAX.into()) as i8
    }

    /// The NVM Subsystem Health Data Structure at `now`.
    pub fn subsystem_health(&self, now: Millis) -> SubsystemHealth {
        let t = self.ctemp(now);
        let hot = self.cfg.ctemp_warning.is_some_and(|w| t >= w);
        SubsystemHealth {
            nss: NSS_HEALTHY,
            sw: if hot {
                SW_NONE & !SW_TEMPERATURE
            } else {
                SW_NONE
            },
            ctemp: t as u8,
            pdlu: self.cfg.pdlu,
            ccs: if self.cleared_ctemp.is_some_and(|c| c != t) {
                CCS_CTEMP
            } else {
                0
            },
        }
    }

    fn controller_health(&self, id: u16, now: Millis) -> ControllerHealth {
        let t = self.ctemp(now);
        let cleared = self
            .ctrl_cleared_ctemp
            .get(usize::from(id))
            .copied()
            .flatten();
        ControllerHealth {
            controller_id: id,
            csts: CSTS_RDY,
            // Kelvins (§5.3, CTEMP).
            ctemp: (i16::from(t) + 273) as u16,
            pdlu: self.cfg.pdlu,
            spare: self.cfg.spare,
            cwarn: 0,
            changed_flags: if cleared.is_some_and(|c| c != t) {
                CHANGED_CTEMP
            } else {
                0
            },
        }
    }

    fn mi(&mut self, now: Millis, csi: u8, r: &MiRequest<'_>) -> Vec<u8> {
        match r.command() {
            MiCommand::SubsystemHealthStatusPoll { clear_status } => {
                let data = self.subsystem_health(now).to_bytes();
                if clear_status {
                    self.cleared_ctemp = Some(self.ctemp(now));
                }
                builder::mi_response(csi, Status::Success, 0, &data).to_vec()
            }
            MiCommand::ControllerHealthStatusPoll {
                starting_controller_id,
                max_entries,
                report_all,
                changed_flags,
                clear_changed_flags,
                ..
            } => {
                let max = usize::from(max_entries) + 1;
                let mut data = Vec::new();
                let mut n = 0u32;
                for id in starting_controller_id..self.cfg.controllers {
                    if n as usize == max {
                        break;
                    }
                    let h = self.controller_health(id, now);
                    if !report_all && h.changed_flags & u16::from(changed_flags) == 0 {
                        continue;
                    }
                    data.extend_from_slice(&h.to_bytes());
                    n += 1;
                    if clear_changed_flags {
                        let t = self.ctemp(now);
                        if let Some(c) = self.ctrl_cleared_ctemp.get_mut(usize::from(id)) {
                            *c = Some(t);
                        }
                    }
                }
                builder::mi_response(csi, Status::Success, n, &data).to_vec()
            }
            _ => builder::mi_response(csi, Status::InvalidCommandOpcode, 0, &[]).to_vec(),
        }
    }
}

/// An error response in the request's NMIMT: status, NMRESP 0, no data.
fn error_response(nmimt: Nmimt, csi: u8, status: Status) -> Vec<u8> {
    builder::Builder::new(
        Header::response(nmimt, csi),
        Body::MiResponse(MiResponse {
            status,
            nmresp: 0,
            data: &[],
        }),
    )
    .to_vec()
}

impl Application for NvmeMiEndpoint {
    fn message_types(&self) -> &[u8] {
        &[MCTP_TYPE_NVME_MI]
    }

    fn handle(&mut self, now: Millis, msg: &[u8]) -> Option<Vec<u8>> {
        if msg.first().map(|t| t & 0x7F) != Some(MCTP_TYPE_NVME_MI) {
            return None;
        }
        let p = Packet::new_checked(msg).ok()?;
        if p.ror() {
            return None;
        }
        match (p.mic(), p.computed_mic()) {
            (Some(found), Some(computed)) if found == computed => {}
            _ => {
                self.mic_discards += 1;
                return None;
            }
        }
        let csi = p.csi();
        match p.nmimt() {
            Nmimt::MiCommand => Some(match MiRequest::parse(p.payload()) {
                Ok(r)
                    if r.opcode == MiOpcode::SubsystemHealthStatusPoll
                        || r.opcode == MiOpcode::ControllerHealthStatusPoll =>
                {
                    self.mi(now, csi, &r)
                }
                Ok(_) => error_response(Nmimt::MiCommand, csi, Status::InvalidCommandOpcode),
                Err(_) => error_response(Nmimt::MiCommand, csi, Status::InvalidCommandSize),
            }),
            Nmimt::ControlPrimitive => None,
            other => Some(error_response(other, csi, Status::InvalidCommandOpcode)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mctpkit_wire::nvme_mi::data::ControllerHealthList;
    use mctpkit_wire::nvme_mi::Message;

    fn ep() -> NvmeMiEndpoint {
        NvmeMiEndpoint::new(&NvmeMiConfig {
            controllers: 2,
            ctemp_min: 30,
            ctemp_max: 50,
            ctemp_warning: Some(45),
            period_ms: 1000,
            ..NvmeMiConfig::default()
        })
    }

    /// The response decoded, its MIC checked, its MI status and data.
    fn answer(e: &mut NvmeMiEndpoint, now: Millis, req: &[u8]) -> (Status, u32, Vec<u8>) {
        let rsp = e.handle(now, req).expect("a response");
        let m = Message::parse(&rsp).unwrap();
        assert!(m.integrity().unwrap().ok(), "MIC of {rsp:02x?}");
        assert!(m.header.ror);
        match m.body {
            Body::MiResponse(r) => (r.status, r.nmresp, r.data.to_vec()),
            b => panic!("{b:?}"),
        }
    }

    #[test]
    fn subsystem_health_moves_with_time_and_clears() {
        let mut e = ep();
        let poll = builder::subsystem_health_status_poll(0, false).to_vec();
        let (st, _, d) = answer(&mut e, 0, &poll);
        assert_eq!(st, Status::Success);
        assert_eq!(d, [0x38, 0xFF, 30, 3, 0, 0, 0, 0]);
        // Half a period later: 50 °C, over the warning (SW bit 1 cleared).
        let (_, _, d) = answer(&mut e, 500, &poll);
        assert_eq!((d[1], d[2]), (0xFD, 50));
        // Clear Status, then a temperature change shows in CCS.
        let clear = builder::subsystem_health_status_poll(0, true).to_vec();
        answer(&mut e, 500, &clear);
        let (_, _, d) = answer(&mut e, 500, &poll);
        assert_eq!(u16::from_le_bytes([d[4], d[5]]), 0);
        let (_, _, d) = answer(&mut e, 600, &poll);
        assert_eq!(u16::from_le_bytes([d[4], d[5]]), CCS_CTEMP);
    }

    #[test]
    fn controller_health_lists_controllers() {
        let mut e = ep();
        let all = builder::controller_health_status_poll(0, 0, 0xFF, true, false).to_vec();
        let (st, n, d) = answer(&mut e, 250, &all);
        assert_eq!((st, n), (Status::Success, 2));
        let l = ControllerHealthList::parse(&d).unwrap();
        let v: Vec<_> = l.iter().collect();
        assert_eq!((v[0].controller_id, v[1].controller_id), (0, 1));
        assert_eq!(v[0].ctemp, 273 + 40);
        // MAXRENT is 0's based; a start ID past the last gives nothing.
        let one = builder::controller_health_status_poll(0, 1, 0, true, false).to_vec();
        assert_eq!(answer(&mut e, 0, &one).1, 1);
        let none = builder::controller_health_status_poll(0, 5, 3, true, false).to_vec();
        assert_eq!(answer(&mut e, 0, &none).1, 0);
        // Without Report All only changed controllers (CTEMP selected).
        let mut changed = builder::controller_health_status_poll(0, 0, 3, false, true).to_vec();
        assert_eq!(answer(&mut e, 0, &changed).1, 0);
        changed[12] |= 0x02; // dword 1: CTEMP change selector
        let last = changed.len() - 4;
        let mic = mctpkit_wire::nvme_mi::compute_mic(&changed[..last]);
        changed[last..].copy_from_slice(&mic.to_le_bytes());
        // 30 °C at power-on; at 300 ms it is 42 °C.
        assert_eq!(answer(&mut e, 300, &changed).1, 2);
    }

    #[test]
    fn bad_mic_short_and_unknown_requests() {
        let mut e = ep();
        let mut poll = builder::subsystem_health_status_poll(0, false).to_vec();
        let n = poll.len();
        poll[n - 1] ^= 1;
        assert_eq!(e.handle(0, &poll), None);
        assert_eq!(e.handle(0, &poll[..5]), None);
        assert_eq!(e.handle(0, &[0x04, 0x08, 0, 0]), None, "IC clear: no MIC");
        assert_eq!(e.mic_discards, 3);
        let reset = builder::reset(0, 0).to_vec();
        assert_eq!(answer(&mut e, 0, &reset).0, Status::InvalidCommandOpcode);
        // An MI request of 4 bytes (with a valid MIC).
        let short = builder::Builder::new(
            Header::request(Nmimt::MiCommand, 1),
            Body::Raw(&[0x01, 0, 0, 0]),
        )
        .to_vec();
        assert_eq!(answer(&mut e, 0, &short).0, Status::InvalidCommandSize);
        let admin =
            builder::admin_identify(0, mctpkit_wire::nvme_mi::Cns::IdentifyController).to_vec();
        let rsp = e.handle(0, &admin).unwrap();
        let m = Message::parse(&rsp).unwrap();
        assert!(m.integrity().unwrap().ok());
        assert_eq!(m.header.nmimt, Nmimt::AdminCommand);
        assert_eq!(m.body.status(), Some(Status::InvalidCommandOpcode));
        // Responses are not answered.
        let rsp = builder::mi_response(0, Status::Success, 0, &[]).to_vec();
        assert_eq!(e.handle(0, &rsp), None);
    }
}
