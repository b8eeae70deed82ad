//! NVMe Admin commands over NVMe-MI (NMIMT 2), NVMe-MI 1.2 §6.
//!
//! ```text
//!  request  data 0        opcode
//!           data 1        command flags: [0] DLV data length valid,
//!                         [1] DOV data offset valid (NVMe-MI 1.1; always
//!                         treated as valid from 1.2)
//!           data 2..4     controller ID (LE)
//!           data 4..24    SQE dwords 1–5 (DW1 = NSID)
//!           data 24..28   data offset (DOFST, in place of SQE DW6)
//!           data 28..32   data length (DLEN, in place of SQE DW7)
//!           data 32..40   reserved (SQE DW8–9: no data pointer over MI)
//!           data 40..64   SQE dwords 10–15
//!           data 64..     request data
//!  response data 0        status (NVMe-MI response status)
//!           data 1..4     reserved
//!           data 4..16    completion queue entry dwords 0, 1 and 3
//!           data 16..     response data
//! ```
//!
//! Layout from libnvme's `nvme_mi_admin_req_hdr` / `nvme_mi_admin_resp_hdr`
//! (and Wireshark's field list). A response with a non-success MI status
//! may stop after the 4-byte status (libnvme handles it so): the CQE is then
//! absent. Command dword fields follow NVMe Base 2.0 (§5.15 Get Log Page,
//! §5.17 Identify, §5.27 Set Features, §5.14 Get Features, §5.12/§5.13
//! firmware commands). CQE DW3: \[15:0\] CID, \[16\] phase, \[24:17\] SC,
//! \[27:25\] SCT, \[29:28\] CRD, \[30\] More, \[31\] DNR.

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::{need, Error, Layer, Result};

use super::codes::{
    nvme_status_name, AdminOpcode, Cns, CommitAction, FeatureId, FeatureSelect, LogId, Status,
    StatusCodeType,
};
use super::{dword_bit, dword_field, le16, le32};

/// Request header length (opcode through SQE DW15).
pub const REQUEST_LEN: usize = 64;
/// Response header length with the CQE.
pub const RESPONSE_LEN: usize = 16;
/// Response header length without the CQE (error responses).
pub const SHORT_RESPONSE_LEN: usize = 4;

/// Byte positions (from the message data).
pub mod field {
    pub const OPCODE: usize = 0;
    pub const FLAGS: usize = 1;
    pub const CONTROLLER_ID: usize = 2;
    /// SQE dword `n` (1..=15) sits at `4 * n`.
    pub const fn sqe_dword(n: usize) -> usize {
        4 * n
    }
    pub const DATA_OFFSET: usize = 24;
    pub const DATA_LENGTH: usize = 28;
    pub const REQUEST_DATA: usize = 64;
    pub const STATUS: usize = 0;
    pub const CQE_DW0: usize = 4;
    pub const CQE_DW1: usize = 8;
    pub const CQE_DW3: usize = 12;
    pub const RESPONSE_DATA: usize = 16;
}

/// An NVMe Admin command request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AdminRequest<'a> {
    pub opcode: AdminOpcode,
    /// Command flags (DLV bit 0, DOV bit 1).
    pub flags: u8,
    pub controller_id: u16,
    /// SQE dwords 1–5 (index 0 is DW1, the NSID).
    pub dw1_5: [u32; 5],
    /// DOFST: offset of the data to return.
    pub data_offset: u32,
    /// DLEN: length of the data sent or to return.
    pub data_length: u32,
    /// SQE dwords 8–9 (reserved over MI).
    pub dw8_9: [u32; 2],
    /// SQE dwords 10–15.
    pub dw10_15: [u32; 6],
    /// Request data.
    pub data: &'a [u8],
}

/// An NVMe Admin command response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AdminResponse<'a> {
    pub status: Status,
    /// Completion queue entry; absent in a short error response.
    pub cqe: Option<CompletionQueueEntry>,
    pub data: &'a [u8],
}

/// The three completion queue entry dwords an MI response carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CompletionQueueEntry {
    /// Command specific result.
    pub dw0: u32,
    pub dw1: u32,
    /// CID, phase tag and status field.
    pub dw3: u32,
}

impl CompletionQueueEntry {
    /// Command Identifier.
    pub const fn cid(&self) -> u16 {
        self.dw3 as u16
    }
    /// Phase Tag.
    pub const fn phase(&self) -> bool {
        self.dw3 & (1 << 16) != 0
    }
    /// Status Code.
    pub const fn sc(&self) -> u8 {
        (self.dw3 >> 17) as u8
    }
    /// Status Code Type.
    pub const fn sct(&self) -> StatusCodeType {
        StatusCodeType::from_value(((self.dw3 >> 25) & 7) as u8)
    }
    /// Command Retry Delay.
    pub const fn crd(&self) -> u8 {
        ((self.dw3 >> 28) & 3) as u8
    }
    /// More (a log page has more information).
    pub const fn more(&self) -> bool {
        self.dw3 & (1 << 30) != 0
    }
    /// Do Not Retry.
    pub const fn dnr(&self) -> bool {
        self.dw3 & (1 << 31) != 0
    }
    /// Name of (SCT, SC).
    pub const fn status_name(&self) -> Option<&'static str> {
        nvme_status_name(self.sct().value(), self.sc())
    }
    /// `true` for Successful Completion.
    pub const fn is_success(&self) -> bool {
        self.sc() == 0 && self.sct().value() == 0
    }
}

/// The command dwords decoded for the commands this version knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum AdminCommand {
    Identify {
        cns: Cns,
        cntid: u16,
        /// CNS Specific Identifier (NVM Set ID, Endurance Group ID, Domain ID).
        cns_specific_id: u16,
        csi: u8,
        uuid_index: u8,
    },
    GetLogPage {
        lid: LogId,
        lsp: u8,
        rae: bool,
        /// Number of Dwords, zero-based as sent (NUMDU:NUMDL).
        numd: u32,
        lsi: u16,
        /// Log Page Offset (bytes).
        lpo: u64,
        uuid_index: u8,
        csi: u8,
    },
    GetFeatures {
        fid: FeatureId,
        sel: FeatureSelect,
        uuid_index: u8,
    },
    SetFeatures {
        fid: FeatureId,
        save: bool,
        uuid_index: u8,
    },
    FirmwareImageDownload {
        /// Number of Dwords, zero-based as sent.
        numd: u32,
        /// Offset in dwords.
        offset: u32,
    },
    FirmwareCommit {
        slot: u8,
        action: CommitAction,
        boot_partition_id: bool,
    },
    Other,
}

impl<'a> AdminRequest<'a> {
    /// A request with all dwords zero.
    pub const fn new(opcode: AdminOpcode, controller_id: u16) -> Self {
        AdminRequest {
            opcode,
            flags: 0,
            controller_id,
            dw1_5: [0; 5],
            data_offset: 0,
            data_length: 0,
            dw8_9: [0; 2],
            dw10_15: [0; 6],
            data: &[],
        }
    }

    /// Parse a request (at least 64 bytes).
    pub fn parse(d: &'a [u8]) -> Result<Self> {
        need(Layer::NvmeMi, d, REQUEST_LEN)?;
        let dw = |n: usize| le32(d, field::sqe_dword(n));
        Ok(AdminRequest {
            opcode: AdminOpcode::from_value(d[field::OPCODE]),
            flags: d[field::FLAGS],
            controller_id: le16(d, field::CONTROLLER_ID),
            dw1_5: [dw(1), dw(2), dw(3), dw(4), dw(5)],
            data_offset: dw(6),
            data_length: dw(7),
            dw8_9: [dw(8), dw(9)],
            dw10_15: [dw(10), dw(11), dw(12), dw(13), dw(14), dw(15)],
            data: &d[REQUEST_LEN..],
        })
    }

    /// SQE dword `n` as carried (1..=15; 6 and 7 are DOFST and DLEN; 0 and
    /// out-of-range give 0).
    pub const fn cdw(&self, n: usize) -> u32 {
        match n {
            1..=5 => self.dw1_5[n - 1],
            6 => self.data_offset,
            7 => self.data_length,
            8 | 9 => self.dw8_9[n - 8],
            10..=15 => self.dw10_15[n - 10],
            _ => 0,
        }
    }

    /// Set SQE dword `n` (1..=15; other values are ignored).
    pub fn set_cdw(&mut self, n: usize, v: u32) {
        match n {
            1..=5 => self.dw1_5[n - 1] = v,
            6 => self.data_offset = v,
            7 => self.data_length = v,
            8 | 9 => self.dw8_9[n - 8] = v,
            10..=15 => self.dw10_15[n - 10] = v,
            _ => {}
        }
    }

    /// Namespace Identifier (SQE DW1).
    pub const fn nsid(&self) -> u32 {
        self.dw1_5[0]
    }

    /// Bytes `emit_bytes` writes.
    pub fn buffer_len(&self) -> usize {
        REQUEST_LEN + self.data.len()
    }

    /// Encode.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::NvmeMi, n, buf.len()));
        }
        buf[field::OPCODE] = self.opcode.value();
        buf[field::FLAGS] = self.flags;
        buf[2..4].copy_from_slice(&self.controller_id.to_le_bytes());
        for i in 1..=15 {
            let at = field::sqe_dword(i);
            buf[at..at + 4].copy_from_slice(&self.cdw(i).to_le_bytes());
        }
        buf[REQUEST_LEN..n].copy_from_slice(self.data);
        Ok(n)
    }

    /// The command dwords decoded for this opcode.
    pub fn command(&self) -> AdminCommand {
        let c10 = self.cdw(10);
        let c11 = self.cdw(11);
        let c14 = self.cdw(14);
        match self.opcode {
            AdminOpcode::Identify => AdminCommand::Identify {
                cns: Cns::from_value(c10 as u8),
                cntid: (c10 >> 16) as u16,
                cns_specific_id: c11 as u16,
                csi: (c11 >> 24) as u8,
                uuid_index: (c14 & 0x7F) as u8,
            },
            AdminOpcode::GetLogPage => AdminCommand::GetLogPage {
                lid: LogId::from_value(c10 as u8),
                lsp: ((c10 >> 8) & 0x7F) as u8,
                rae: c10 & (1 << 15) != 0,
                numd: ((c11 & 0xFFFF) << 16) | (c10 >> 16),
                lsi: (c11 >> 16) as u16,
                lpo: (u64::from(self.cdw(13)) << 32) | u64::from(self.cdw(12)),
                uuid_index: (c14 & 0x7F) as u8,
                csi: (c14 >> 24) as u8,
            },
            AdminOpcode::GetFeatures => AdminCommand::GetFeatures {
                fid: FeatureId::from_value(c10 as u8),
                sel: FeatureSelect::from_value(((c10 >> 8) & 7) as u8),
                uuid_index: (c14 & 0x7F) as u8,
            },
            AdminOpcode::SetFeatures => AdminCommand::SetFeatures {
                fid: FeatureId::from_value(c10 as u8),
                save: c10 & (1 << 31) != 0,
                uuid_index: (c14 & 0x7F) as u8,
            },
            AdminOpcode::FirmwareImageDownload => AdminCommand::FirmwareImageDownload {
                numd: c10,
                offset: c11,
            },
            AdminOpcode::FirmwareCommit => AdminCommand::FirmwareCommit {
                slot: (c10 & 7) as u8,
                action: CommitAction::from_value(((c10 >> 3) & 7) as u8),
                boot_partition_id: c10 & (1 << 31) != 0,
            },
            _ => AdminCommand::Other,
        }
    }

    pub(crate) fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        if self.opcode.display_name().is_none() {
            write!(w, " opcode={:#04x}", self.opcode.value())?;
        }
        write!(w, " ctrl={}", self.controller_id)?;
        if self.nsid() != 0 {
            write!(w, " nsid={:#x}", self.nsid())?;
        }
        match self.command() {
            AdminCommand::Identify { cns, cntid, .. } => {
                match cns.name() {
                    Some(n) => write!(w, " cns={n}")?,
                    None => write!(w, " cns={:#04x}", cns.value())?,
                }
                if cntid != 0 {
                    write!(w, " cntid={cntid}")?;
                }
            }
            AdminCommand::GetLogPage { lid, numd, lpo, .. } => {
                match lid.name() {
                    Some(n) => write!(w, " lid={n}")?,
                    None => write!(w, " lid={:#04x}", lid.value())?,
                }
                write!(w, " bytes={}", (u64::from(numd) + 1) * 4)?;
                if lpo != 0 {
                    write!(w, " lpo={lpo}")?;
                }
            }
            AdminCommand::GetFeatures { fid, sel, .. } => {
                match fid.name() {
                    Some(n) => write!(w, " fid={n}")?,
                    None => write!(w, " fid={:#04x}", fid.value())?,
                }
                write!(w, " sel={sel}")?;
            }
            AdminCommand::SetFeatures { fid, save, .. } => {
                match fid.name() {
                    Some(n) => write!(w, " fid={n}")?,
                    None => write!(w, " fid={:#04x}", fid.value())?,
                }
                write!(w, " value={:#x}", self.cdw(11))?;
                if save {
                    w.write_str(" sv")?;
                }
            }
            AdminCommand::FirmwareImageDownload { numd, offset } => write!(
                w,
                " bytes={} offset={}",
                (u64::from(numd) + 1) * 4,
                u64::from(offset) * 4
            )?,
            AdminCommand::FirmwareCommit { slot, action, .. } => {
                write!(w, " fs={slot} ca={}", action.value())?
            }
            AdminCommand::Other => {}
        }
        if self.data_offset != 0 {
            write!(w, " doff={}", self.data_offset)?;
        }
        if self.data_length != 0 {
            write!(w, " dlen={}", self.data_length)?;
        }
        if !self.data.is_empty() {
            write!(w, " data={}B", self.data.len())?;
        }
        Ok(())
    }

    pub(crate) fn describe(&self, v: &mut dyn Visitor) {
        v.field(
            &Field::new("opcode", 0, 1, Value::hex8(self.opcode.value()))
                .meaning(self.opcode.display_name()),
        );
        v.field(&Field::new("flags", 1, 1, Value::hex8(self.flags)));
        v.field(&Field::bits(
            "dlv",
            1,
            0,
            0,
            Value::Bool(self.flags & 1 != 0),
        ));
        v.field(&Field::bits(
            "dov",
            1,
            1,
            1,
            Value::Bool(self.flags & 2 != 0),
        ));
        v.field(&Field::new(
            "controller_id",
            2,
            2,
            Value::Uint(self.controller_id.into()),
        ));
        const NAMES: [&str; 16] = [
            "", "nsid", "cdw2", "cdw3", "cdw4", "cdw5", "dofst", "dlen", "cdw8", "cdw9", "cdw10",
            "cdw11", "cdw12", "cdw13", "cdw14", "cdw15",
        ];
        for (i, name) in NAMES.iter().enumerate().skip(1) {
            let val = self.cdw(i);
            let f = match i {
                6 | 7 => Value::Uint(val.into()),
                _ => Value::hex32(val),
            };
            v.field(&Field::new(name, field::sqe_dword(i), 4, f));
        }
        let c10 = field::sqe_dword(10);
        let c11 = field::sqe_dword(11);
        let c14 = field::sqe_dword(14);
        match self.command() {
            AdminCommand::Identify {
                cns,
                cntid,
                cns_specific_id,
                csi,
                uuid_index,
            } => {
                v.field(
                    &dword_field("cns", c10, 7, 0, Value::hex8(cns.value())).meaning(cns.name()),
                );
                v.field(&dword_field(
                    "cntid",
                    c10,
                    31,
                    16,
                    Value::Uint(cntid.into()),
                ));
                v.field(&dword_field(
                    "cnssid",
                    c11,
                    15,
                    0,
                    Value::Uint(cns_specific_id.into()),
                ));
                v.field(&dword_field("csi", c11, 31, 24, Value::hex8(csi)));
                v.field(&dword_field(
                    "uuid_index",
                    c14,
                    6,
                    0,
                    Value::Uint(uuid_index.into()),
                ));
            }
            AdminCommand::GetLogPage {
                lid,
                lsp,
                numd,
                lsi,
                lpo,
                uuid_index,
                csi,
                ..
            } => {
                v.field(
                    &dword_field("lid", c10, 7, 0, Value::hex8(lid.value())).meaning(lid.name()),
                );
                v.field(&dword_field("lsp", c10, 14, 8, Value::Uint(lsp.into())));
                v.field(&dword_bit("rae", c10, 15, self.cdw(10)));
                v.field(&dword_field(
                    "numdl",
                    c10,
                    31,
                    16,
                    Value::Uint((numd & 0xFFFF).into()),
                ));
                v.field(&dword_field(
                    "numdu",
                    c11,
                    15,
                    0,
                    Value::Uint((numd >> 16).into()),
                ));
                v.field(&Field::derived(
                    "log_bytes",
                    Value::Uint((u64::from(numd) + 1) * 4),
                ));
                v.field(&dword_field("lsi", c11, 31, 16, Value::Uint(lsi.into())));
                v.field(&Field::derived("lpo", Value::Uint(lpo)));
                v.field(&dword_field(
                    "uuid_index",
                    c14,
                    6,
                    0,
                    Value::Uint(uuid_index.into()),
                ));
                v.field(&dword_field("csi", c14, 31, 24, Value::hex8(csi)));
            }
            AdminCommand::GetFeatures { fid, sel, .. } => {
                v.field(
                    &dword_field("fid", c10, 7, 0, Value::hex8(fid.value())).meaning(fid.name()),
                );
                v.field(
                    &dword_field("sel", c10, 10, 8, Value::Uint(sel.value().into()))
                        .meaning(sel.name()),
                );
            }
            AdminCommand::SetFeatures { fid, .. } => {
                v.field(
                    &dword_field("fid", c10, 7, 0, Value::hex8(fid.value())).meaning(fid.name()),
                );
                v.field(&dword_bit("sv", c10, 31, self.cdw(10)));
            }
            AdminCommand::FirmwareImageDownload { numd, offset } => {
                v.field(&Field::new("numd", c10, 4, Value::Uint(numd.into())));
                v.field(&Field::derived(
                    "transfer_bytes",
                    Value::Uint((u64::from(numd) + 1) * 4),
                ));
                v.field(&Field::new("ofst", c11, 4, Value::Uint(offset.into())));
                v.field(&Field::derived(
                    "offset_bytes",
                    Value::Uint(u64::from(offset) * 4),
                ));
            }
            AdminCommand::FirmwareCommit { slot, action, .. } => {
                v.field(&dword_field("fs", c10, 2, 0, Value::Uint(slot.into())));
                v.field(
                    &dword_field("ca", c10, 5, 3, Value::Uint(action.value().into()))
                        .meaning(action.name()),
                );
                v.field(&dword_bit("bpid", c10, 31, self.cdw(10)));
            }
            AdminCommand::Other => {}
        }
        if !self.data.is_empty() {
            v.field(&Field::new(
                "request_data",
                REQUEST_LEN,
                self.data.len(),
                Value::Bytes(self.data),
            ));
        }
    }
}

impl<'a> AdminResponse<'a> {
    /// Parse a response: 16 bytes, or 4 when the status is an error.
    pub fn parse(d: &'a [u8]) -> Result<Self> {
        need(Layer::NvmeMi, d, SHORT_RESPONSE_LEN)?;
        let status = Status::from_value(d[field::STATUS]);
        if d.len() < RESPONSE_LEN {
            if status == Status::Success {
                return Err(Error::truncated(Layer::NvmeMi, RESPONSE_LEN, d.len()));
            }
            return Ok(AdminResponse {
                status,
                cqe: None,
                data: &d[SHORT_RESPONSE_LEN..],
            });
        }
        Ok(AdminResponse {
            status,
            cqe: Some(CompletionQueueEntry {
                dw0: le32(d, field::CQE_DW0),
                dw1: le32(d, field::CQE_DW1),
                dw3: le32(d, field::CQE_DW3),
            }),
            data: &d[RESPONSE_LEN..],
        })
    }

    /// Offset of the response data from the message data.
    pub const fn data_offset(&self) -> usize {
        if self.cqe.is_some() {
            RESPONSE_LEN
        } else {
            SHORT_RESPONSE_LEN
        }
    }

    /// Bytes `emit_bytes` writes.
    pub fn buffer_len(&self) -> usize {
        self.data_offset() + self.data.len()
    }

    /// Encode.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::NvmeMi, n, buf.len()));
        }
        buf[0] = self.status.value();
        buf[1..4].fill(0);
        if let Some(c) = self.cqe {
            buf[4..8].copy_from_slice(&c.dw0.to_le_bytes());
            buf[8..12].copy_from_slice(&c.dw1.to_le_bytes());
            buf[12..16].copy_from_slice(&c.dw3.to_le_bytes());
        }
        let at = self.data_offset();
        buf[at..n].copy_from_slice(self.data);
        Ok(n)
    }

    pub(crate) fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match self.status.display_name() {
            Some(n) => write!(w, " {n}")?,
            None => write!(w, " status={:#04x}", self.status.value())?,
        }
        if let Some(c) = self.cqe {
            match c.status_name() {
                Some(n) if !c.is_success() => write!(w, " / {n}")?,
                None => write!(w, " / sct={} sc={:#04x}", c.sct().value(), c.sc())?,
                _ => {}
            }
            if c.dw0 != 0 {
                write!(w, " dw0={:#x}", c.dw0)?;
            }
            if c.dnr() {
                w.write_str(" dnr")?;
            }
        }
        if !self.data.is_empty() {
            write!(w, " data={}B", self.data.len())?;
        }
        Ok(())
    }

    pub(crate) fn describe(&self, v: &mut dyn Visitor) {
        v.field(
            &Field::new("status", 0, 1, Value::hex8(self.status.value()))
                .meaning(self.status.display_name()),
        );
        if let Some(c) = self.cqe {
            const D3: usize = field::CQE_DW3;
            v.field(&Field::new(
                "cqe_dw0",
                field::CQE_DW0,
                4,
                Value::hex32(c.dw0),
            ));
            v.field(&Field::new(
                "cqe_dw1",
                field::CQE_DW1,
                4,
                Value::hex32(c.dw1),
            ));
            v.field(&Field::new("cqe_dw3", D3, 4, Value::hex32(c.dw3)));
            v.field(&dword_field("cid", D3, 15, 0, Value::hex16(c.cid())));
            v.field(&dword_bit("p", D3, 16, c.dw3));
            v.field(&Field::new("sc", D3 + 2, 2, Value::hex8(c.sc())).meaning(c.status_name()));
            v.field(
                &dword_field("sct", D3, 27, 25, Value::Uint(c.sct().value().into()))
                    .meaning(c.sct().name()),
            );
            v.field(&dword_field("crd", D3, 29, 28, Value::Uint(c.crd().into())));
            v.field(&dword_bit("m", D3, 30, c.dw3));
            v.field(&dword_bit("dnr", D3, 31, c.dw3));
        }
        if !self.data.is_empty() {
            v.field(&Field::new(
                "response_data",
                self.data_offset(),
                self.data.len(),
                Value::Bytes(self.data),
            ));
        }
    }
}

/// Admin response data decoded with the request's opcode and CDW10.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminData<'a> {
    /// Identify with CNS 01h (possibly a partial read from offset 0).
    IdentifyController(IdentifyController<'a>),
    /// Get Log Page with LID 02h (possibly partial).
    SmartLog(SmartLog<'a>),
    Raw(&'a [u8]),
}

/// Decode admin response data (which must start at offset 0 of the
/// structure): Identify Controller and the SMART / Health log; anything
/// else is `Raw`. The analyser calls this with the paired request's opcode
/// and CDW10.
pub fn decode_admin_response_data(
    opcode: AdminOpcode,
    cdw10: u32,
    data: &[u8],
) -> Result<AdminData<'_>> {
    Ok(match opcode {
        AdminOpcode::Identify if Cns::from_value(cdw10 as u8) == Cns::IdentifyController => {
            AdminData::IdentifyController(IdentifyController(data))
        }
        AdminOpcode::GetLogPage if LogId::from_value(cdw10 as u8) == LogId::SmartHealth => {
            AdminData::SmartLog(SmartLog(data))
        }
        _ => AdminData::Raw(data),
    })
}

impl AdminData<'_> {
    /// One line for the message summary.
    pub fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            AdminData::IdentifyController(i) => i.summary(w),
            AdminData::SmartLog(s) => s.summary(w),
            AdminData::Raw(r) => write!(w, "{} bytes", r.len()),
        }
    }
    /// Every field, offsets from the start of the response data.
    pub fn describe(&self, v: &mut dyn Visitor) {
        match self {
            AdminData::IdentifyController(i) => i.describe(v),
            AdminData::SmartLog(s) => s.describe(v),
            AdminData::Raw(r) => v.field(&Field::new("data", 0, r.len(), Value::Bytes(r))),
        }
    }
}

/// ASCII field with trailing spaces and NULs removed.
fn ascii(b: &[u8]) -> Option<&str> {
    let end = b
        .iter()
        .rposition(|&c| c != b' ' && c != 0)
        .map_or(0, |p| p + 1);
    core::str::from_utf8(&b[..end]).ok()
}

fn text_field<'v>(name: &'static str, at: usize, b: &'v [u8]) -> Field<'v> {
    match ascii(b) {
        Some(s) => Field::new(name, at, b.len(), Value::Str(s)),
        None => Field::new(name, at, b.len(), Value::Bytes(b)),
    }
}

/// The Identify Controller data structure (NVMe Base 2.0 §5.17.2.1), the
/// key fields of its first 84 bytes. Partial reads show what is present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdentifyController<'a>(pub &'a [u8]);

impl<'a> IdentifyController<'a> {
    fn get(&self, r: core::ops::Range<usize>) -> Option<&'a [u8]> {
        self.0.get(r)
    }
    /// PCI Vendor ID.
    pub fn vid(&self) -> Option<u16> {
        self.get(0..2).map(|b| le16(b, 0))
    }
    /// PCI Subsystem Vendor ID.
    pub fn ssvid(&self) -> Option<u16> {
        self.get(2..4).map(|b| le16(b, 0))
    }
    /// Serial Number (bytes 4..24).
    pub fn serial_number(&self) -> Option<&'a [u8]> {
        self.get(4..24)
    }
    /// Model Number (bytes 24..64).
    pub fn model_number(&self) -> Option<&'a [u8]> {
        self.get(24..64)
    }
    /// Firmware Revision (bytes 64..72).
    pub fn firmware_revision(&self) -> Option<&'a [u8]> {
        self.get(64..72)
    }
    /// Controller ID (bytes 78..80).
    pub fn cntlid(&self) -> Option<u16> {
        self.get(78..80).map(|b| le16(b, 0))
    }
    /// Version (bytes 80..84).
    pub fn ver(&self) -> Option<u32> {
        self.get(80..84).map(|b| le32(b, 0))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        if let Some(v) = self.vid() {
            write!(w, "vid={v:#06x}")?;
        }
        if let Some(s) = self.serial_number().and_then(ascii) {
            write!(w, " sn={s}")?;
        }
        if let Some(s) = self.model_number().and_then(ascii) {
            write!(w, " mn={s}")?;
        }
        if let Some(s) = self.firmware_revision().and_then(ascii) {
            write!(w, " fr={s}")?;
        }
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        if let Some(x) = self.vid() {
            v.field(&Field::new("vid", 0, 2, Value::hex16(x)));
        }
        if let Some(x) = self.ssvid() {
            v.field(&Field::new("ssvid", 2, 2, Value::hex16(x)));
        }
        if let Some(b) = self.serial_number() {
            v.field(&text_field("sn", 4, b));
        }
        if let Some(b) = self.model_number() {
            v.field(&text_field("mn", 24, b));
        }
        if let Some(b) = self.firmware_revision() {
            v.field(&text_field("fr", 64, b));
        }
        if let Some(b) = self.get(72..73) {
            v.field(&Field::new("rab", 72, 1, Value::Uint(b[0].into())));
        }
        if let Some(b) = self.get(73..76) {
            let oui = u64::from(b[0]) | u64::from(b[1]) << 8 | u64::from(b[2]) << 16;
            v.field(&Field::new(
                "ieee",
                73,
                3,
                Value::Hex {
                    value: oui,
                    digits: 6,
                },
            ));
        }
        if let Some(b) = self.get(76..77) {
            v.field(&Field::new("cmic", 76, 1, Value::hex8(b[0])));
        }
        if let Some(b) = self.get(77..78) {
            v.field(&Field::new("mdts", 77, 1, Value::Uint(b[0].into())));
        }
        if let Some(x) = self.cntlid() {
            v.field(&Field::new("cntlid", 78, 2, Value::Uint(x.into())));
        }
        if let Some(x) = self.ver() {
            v.field(&Field::new("ver", 80, 4, Value::hex32(x)));
        }
    }
}

/// The SMART / Health Information log page (LID 02h, 512 bytes, NVMe Base
/// 2.0 §5.16.1.3). Partial reads show what is present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmartLog<'a>(pub &'a [u8]);

/// 16-byte counters of the SMART log: name, offset.
const SMART_COUNTERS: &[(&str, usize)] = &[
    ("data_units_read", 32),
    ("data_units_written", 48),
    ("host_read_commands", 64),
    ("host_write_commands", 80),
    ("controller_busy_time", 96),
    ("power_cycles", 112),
    ("power_on_hours", 128),
    ("unsafe_shutdowns", 144),
    ("media_errors", 160),
    ("number_of_error_log_entries", 176),
];

impl SmartLog<'_> {
    /// Critical Warning.
    pub fn critical_warning(&self) -> Option<u8> {
        self.0.first().copied()
    }
    /// Composite Temperature (kelvins).
    pub fn composite_temperature(&self) -> Option<u16> {
        self.0.get(1..3).map(|b| le16(b, 0))
    }
    /// Available Spare (%).
    pub fn available_spare(&self) -> Option<u8> {
        self.0.get(3).copied()
    }
    /// Percentage Used.
    pub fn percentage_used(&self) -> Option<u8> {
        self.0.get(5).copied()
    }
    /// A 16-byte little-endian counter at `at`.
    pub fn counter(&self, at: usize) -> Option<u128> {
        self.0.get(at..at + 16).map(|b| {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            u128::from_le_bytes(a)
        })
    }
    /// Power On Hours.
    pub fn power_on_hours(&self) -> Option<u128> {
        self.counter(128)
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        w.write_str("SMART")?;
        if let Some(t) = self.composite_temperature() {
            write!(w, " temp={t}K")?;
        }
        if let Some(s) = self.available_spare() {
            write!(w, " spare={s}%")?;
        }
        if let Some(u) = self.percentage_used() {
            write!(w, " used={u}%")?;
        }
        if let Some(c) = self.critical_warning() {
            write!(w, " cw={c:#04x}")?;
        }
        if let Some(p) = self.power_on_hours() {
            write!(w, " poh={p}")?;
        }
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let d = self.0;
        if let Some(c) = self.critical_warning() {
            v.field(&Field::new("critical_warning", 0, 1, Value::hex8(c)));
            for (b, name) in [
                (0u8, "available_spare_below_threshold"),
                (1, "temperature_threshold"),
                (2, "reliability_degraded"),
                (3, "read_only"),
                (4, "volatile_memory_backup_failed"),
                (5, "persistent_memory_region_read_only"),
            ] {
                v.field(&Field::bits(name, 0, b, b, Value::Bool(c & (1 << b) != 0)));
            }
        }
        if let Some(t) = self.composite_temperature() {
            v.field(
                &Field::new("composite_temperature", 1, 2, Value::Uint(t.into()))
                    .meaning(Some("kelvins")),
            );
        }
        for (name, at) in [
            ("available_spare", 3usize),
            ("available_spare_threshold", 4),
            ("percentage_used", 5),
            ("endurance_group_critical_warning_summary", 6),
        ] {
            if let Some(&b) = d.get(at) {
                v.field(&Field::new(name, at, 1, Value::Uint(b.into())));
            }
        }
        for &(name, at) in SMART_COUNTERS {
            if let Some(c) = self.counter(at) {
                v.field(&Field::new(name, at, 16, Value::Display(&c)));
            }
        }
        for (name, at) in [
            ("warning_composite_temperature_time", 192usize),
            ("critical_composite_temperature_time", 196),
        ] {
            if let Some(b) = d.get(at..at + 4) {
                v.field(&Field::new(name, at, 4, Value::Uint(le32(b, 0).into())));
            }
        }
        const SENSORS: [&str; 8] = [
            "temperature_sensor_1",
            "temperature_sensor_2",
            "temperature_sensor_3",
            "temperature_sensor_4",
            "temperature_sensor_5",
            "temperature_sensor_6",
            "temperature_sensor_7",
            "temperature_sensor_8",
        ];
        for (i, name) in SENSORS.iter().enumerate() {
            let at = 200 + 2 * i;
            if let Some(b) = d.get(at..at + 2) {
                let t = le16(b, 0);
                if t != 0 {
                    v.field(
                        &Field::new(name, at, 2, Value::Uint(t.into())).meaning(Some("kelvins")),
                    );
                }
            }
        }
    }
}
