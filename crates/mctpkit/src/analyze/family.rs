//! Per-family facts the analyser needs beyond pairing: which command a
//! message is (for statistics and `cmd=` filters) and whether a response
//! reports an error.
//!
//! A [`CommandKey`] is small and `Copy` so it can ride along with every
//! pending request; its name is only built when a report is written.

use std::fmt;

use mctpkit_wire::control;
use mctpkit_wire::cxl;
use mctpkit_wire::mctp::MessageType;
use mctpkit_wire::message::Message;
use mctpkit_wire::nvme_mi::{self, AdminOpcode, ControlOpcode, MiOpcode, Nmimt};
use mctpkit_wire::pldm::{self, PldmType};
use mctpkit_wire::spdm::{self, RequestResponseCode};

/// A command of a message family: the MCTP message type and the family's
/// command code.
///
/// `code` is: MCTP control, the command code; PLDM, `type << 8 | command`;
/// SPDM, the request code (0x80–0xFF; a response counts under its
/// request's code); NVMe-MI, `NMIMT << 8 | opcode` (a response counts under
/// its matched request, its header carries no opcode); CXL, the 16-bit
/// opcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CommandKey {
    /// MCTP message type (7 bits).
    pub msg_type: u8,
    pub code: u32,
}

impl CommandKey {
    /// The command a message carries, as far as the message itself tells.
    pub fn of(m: &Message<'_>) -> Option<CommandKey> {
        let t = m.msg_type().value();
        let code = match m {
            Message::Control(c) => u32::from(c.header.command.value()),
            Message::Pldm(p) => {
                (u32::from(p.header.pldm_type.value()) << 8) | u32::from(p.header.command)
            }
            // Request codes have bit 7 set; responses share the low 7 bits
            // with their request (DSP0274 Tables 4/5), except ERROR.
            Message::Spdm(s) => match s.header.code {
                RequestResponseCode::Error => match s.pending {
                    Some(p) => u32::from(p.code.value() | 0x80),
                    None => return None,
                },
                c => u32::from(c.value() | 0x80),
            },
            Message::NvmeMi(n) => {
                let op = match (n.body, n.context) {
                    (nvme_mi::Body::ControlRequest(r), _) => r.opcode.value(),
                    (nvme_mi::Body::MiRequest(r), _) => r.opcode.value(),
                    (nvme_mi::Body::AdminRequest(r), _) => r.opcode.value(),
                    (_, Some(c)) => c.opcode,
                    _ => return None,
                };
                (u32::from(n.header.nmimt.value()) << 8) | u32::from(op)
            }
            Message::Cxl(c) => u32::from(c.cci.header.opcode),
            _ => return None,
        };
        Some(CommandKey { msg_type: t, code })
    }

    /// The low byte of the code (the command byte, SPDM request code or
    /// NVMe-MI opcode) and, for CXL, the whole opcode: what `cmd=N` matches.
    pub fn number(&self) -> u32 {
        if matches!(
            MessageType::from_value(self.msg_type),
            MessageType::CxlFmApi | MessageType::CxlCci
        ) {
            self.code
        } else {
            self.code & 0xFF
        }
    }

    /// The command's own name without family prefix (`GetSensorReading`,
    /// `GET_VERSION`, `Health Status Poll`, `Get Health Info`), if known.
    pub fn command_name(&self) -> Option<&'static str> {
        let c = self.code;
        match MessageType::from_value(self.msg_type) {
            MessageType::Control => control::Command::from_value(c as u8).display_name(),
            MessageType::Pldm => {
                pldm::body::command_name(PldmType::from_value((c >> 8) as u8), c as u8)
            }
            MessageType::Spdm => RequestResponseCode::from_value(c as u8).name(),
            MessageType::NvmeMi => {
                let op = c as u8;
                match Nmimt::from_value((c >> 8) as u8) {
                    Nmimt::ControlPrimitive => ControlOpcode::from_value(op).name(),
                    Nmimt::MiCommand => MiOpcode::from_value(op).display_name(),
                    Nmimt::AdminCommand => AdminOpcode::from_value(op).display_name(),
                    _ => None,
                }
            }
            MessageType::CxlFmApi | MessageType::CxlCci => cxl::opcode_name(c as u16),
            _ => None,
        }
    }

    /// The family prefix: `CTRL`, `PLDM Platform`, `SPDM`, `NVMe-MI MI`, `CXL`.
    fn prefix(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        match MessageType::from_value(self.msg_type) {
            MessageType::Control => f.write_str("CTRL"),
            MessageType::Pldm => {
                f.write_str("PLDM ")?;
                match pldm_type_short((self.code >> 8) as u8) {
                    Some(n) => f.write_str(n),
                    None => write!(f, "type {}", self.code >> 8),
                }
            }
            MessageType::Spdm => f.write_str("SPDM"),
            MessageType::NvmeMi => f.write_str(match Nmimt::from_value((self.code >> 8) as u8) {
                Nmimt::ControlPrimitive => "NVMe-MI Control",
                Nmimt::MiCommand => "NVMe-MI MI",
                Nmimt::AdminCommand => "NVMe-MI Admin",
                _ => "NVMe-MI",
            }),
            MessageType::CxlFmApi => f.write_str("CXL-FM"),
            MessageType::CxlCci => f.write_str("CXL"),
            t => write!(f, "{t}"),
        }
    }

    /// `true` when `term` (normalised: lower case, no `-`, `_` or spaces)
    /// names this command, e.g. `getsensorreading`, `getversion`.
    pub fn name_matches(&self, term: &str) -> bool {
        self.command_name().is_some_and(|n| {
            let mut it = n
                .chars()
                .filter(|c| !matches!(c, '-' | '_' | ' '))
                .flat_map(char::to_lowercase);
            let mut t = term.chars();
            loop {
                match (it.next(), t.next()) {
                    (None, None) => return true,
                    (Some(a), Some(b)) if a == b => {}
                    _ => return false,
                }
            }
        })
    }
}

/// Short PLDM type names for tables (DSP0245 Table 1).
fn pldm_type_short(t: u8) -> Option<&'static str> {
    Some(match t {
        0 => "Base",
        1 => "SMBIOS",
        2 => "Platform",
        3 => "BIOS",
        4 => "FRU",
        5 => "FWUP",
        6 => "RDE",
        7 => "File",
        0x3F => "OEM",
        _ => return None,
    })
}

impl fmt::Display for CommandKey {
    /// `PLDM Platform/GetSensorReading`, `SPDM GET_VERSION`,
    /// `NVMe-MI MI/Health Status Poll`, `CXL Get Health Info`, `CTRL Get
    /// Endpoint ID`; unknown codes as numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.prefix(f)?;
        let sep = match MessageType::from_value(self.msg_type) {
            MessageType::Pldm | MessageType::NvmeMi => "/",
            _ => " ",
        };
        f.write_str(sep)?;
        match self.command_name() {
            Some(n) => f.write_str(n),
            None if self.number() > 0xFF => write!(f, "opcode {:#06x}", self.number()),
            None => write!(f, "cmd {:#04x}", self.number()),
        }
    }
}

/// An error reported by a response: its code and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCompletion {
    /// The family's code: control or PLDM completion code, SPDM ErrorCode,
    /// NVMe-MI status, CXL return code.
    pub code: u16,
    /// Its specification name, when known.
    pub name: Option<&'static str>,
    /// An SPDM ResponseNotReady: the responder asks to be polled later,
    /// not a failure (reported at info severity).
    pub not_ready: bool,
}

/// The error a response reports, if any: control / PLDM completion code ≠
/// SUCCESS, an SPDM ERROR, NVMe-MI status ≠ Success (More Processing
/// Required is an interim response, not an error), CXL return code ≠
/// Success and ≠ Background Command Started.
pub fn error_completion(m: &Message<'_>) -> Option<ErrorCompletion> {
    let e = |code: u16, name| {
        Some(ErrorCompletion {
            code,
            name,
            not_ready: false,
        })
    };
    match m {
        Message::Control(c) => match c.header.completion_code {
            Some(cc) if cc != control::CompletionCode::Success => e(cc.value().into(), cc.name()),
            _ => None,
        },
        Message::Pldm(p) => match p.header.completion_code {
            Some(cc) if !p.header.rq && cc != 0 => e(cc.into(), p.header.completion_code_name()),
            _ => None,
        },
        Message::Spdm(s) if s.header.code == RequestResponseCode::Error => {
            let code = spdm::ErrorCode::from_value(s.header.param1);
            Some(ErrorCompletion {
                code: code.value().into(),
                name: code.name(),
                not_ready: code == spdm::ErrorCode::ResponseNotReady,
            })
        }
        Message::NvmeMi(n) if n.header.ror => match n.body.status() {
            Some(s)
                if s != nvme_mi::Status::Success
                    && s != nvme_mi::Status::MoreProcessingRequired =>
            {
                e(s.value().into(), s.display_name())
            }
            _ => None,
        },
        Message::Cxl(c) if !c.cci.header.is_request() => {
            let rc = c.cci.header.return_code;
            if rc == cxl::ReturnCode::Success || rc == cxl::ReturnCode::BackgroundCommandStarted {
                None
            } else {
                e(rc.value(), rc.name())
            }
        }
        _ => None,
    }
}
