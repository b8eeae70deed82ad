//! NVMe-MI commands (NMIMT 1), NVMe-MI 1.2 §5.
//!
//! ```text
//!  request  data byte 0     opcode
//!           data 1..4       reserved
//!           data 4..8       NVMe Management Dword 0 (LE)
//!           data 8..12      NVMe Management Dword 1 (LE)
//!           data 12..       request data (VPD Write, SES Send, MEB Write)
//!  response data byte 0     status
//!           data 1..4       NVMe Management Response (24 bits, LE)
//!           data 4..        response data
//! ```
//!
//! Dword layouts (libnvme `mi.c`/`types.h` and an independent NVMe-MI 1.2
//! bit-field header found by the search tool; they agree):
//!
//! | opcode | dword 0 | dword 1 |
//! |---|---|---|
//! | 00 Read NVMe-MI Data Structure | \[31:24\] DTYP \[23:16\] PORTID \[15:0\] CTRLID | \[7:0\] IOCSI (2.x) |
//! | 01 NVM Subsystem Health Status Poll | reserved | \[31\] CS clear status |
//! | 02 Controller Health Status Poll | \[31\] ALL \[26\] INCVF \[25\] INCPF \[24\] INCF \[23:16\] MAXRENT \[15:0\] SCTLID | \[31\] CCF \[4\] CWARN \[3\] SPARE \[2\] PDLU \[1\] CTEMP \[0\] CSTS |
//! | 03/04 Configuration Set/Get | \[31:24\] port ID \[11:8\] SMBus frequency (set) \[7:0\] configuration ID | MTU \[15:0\] / health status change mask |
//! | 05/06 VPD Read/Write | \[15:0\] data offset | \[15:0\] data length |
//! | 07 Reset | \[31:24\] reset type (0 NVM subsystem reset) | — |
//! | 0C Shutdown | \[31:24\] shutdown type | — |
//!
//! NVMe Management Response: Read NVMe-MI Data Structure \[15:0\] response
//! data length; Controller Health Status Poll \[23:16\] response entries;
//! Configuration Get the value; on Invalid Parameter \[23:8\] byte and \[2:0\]
//! bit of the offending parameter. SES Receive/Send and MEB Read/Write
//! dwords are shown raw (layout **unverified**).
//!
//! libnvme builds the Controller List request with the starting ID in bits
//! 23:16 (the PORTID field); the bit-field header puts CTRLID at 15:0 for
//! every DTYP. We decode the fields by position and let the reader judge.

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::{need, Error, Layer, Result};

use super::codes::{ConfigurationId, DataStructureType, MiOpcode, SmbusFrequency, Status};
use super::{dword_bit, dword_field, le32, RequestContext};

/// Byte positions in a request (from the message data).
pub mod field {
    pub const OPCODE: usize = 0;
    pub const DWORD0: usize = 4;
    pub const DWORD1: usize = 8;
    pub const REQUEST_DATA: usize = 12;
    pub const STATUS: usize = 0;
    pub const NMRESP: usize = 1;
    pub const RESPONSE_DATA: usize = 4;
}

/// Request header length (opcode, reserved, two dwords).
pub const REQUEST_LEN: usize = 12;
/// Response header length (status, management response).
pub const RESPONSE_LEN: usize = 4;

/// An NVMe-MI command request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MiRequest<'a> {
    pub opcode: MiOpcode,
    /// NVMe Management Dword 0.
    pub dword0: u32,
    /// NVMe Management Dword 1.
    pub dword1: u32,
    /// Request data.
    pub data: &'a [u8],
}

/// An NVMe-MI command response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MiResponse<'a> {
    pub status: Status,
    /// NVMe Management Response (24 bits).
    pub nmresp: u32,
    /// Response data.
    pub data: &'a [u8],
}

/// The command dwords of a request, by opcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum MiCommand {
    ReadDataStructure {
        dtyp: DataStructureType,
        port_id: u8,
        controller_id: u16,
        iocsi: u8,
    },
    SubsystemHealthStatusPoll {
        clear_status: bool,
    },
    ControllerHealthStatusPoll {
        starting_controller_id: u16,
        max_entries: u8,
        include_pci_functions: bool,
        include_sriov_physical_functions: bool,
        include_sriov_virtual_functions: bool,
        report_all: bool,
        /// Dword 1 bits 4:0: CSTS, CTEMP, PDLU, SPARE, CWARN change selectors.
        changed_flags: u8,
        clear_changed_flags: bool,
    },
    ConfigurationSet {
        id: ConfigurationId,
        port_id: u8,
        dword0: u32,
        dword1: u32,
    },
    ConfigurationGet {
        id: ConfigurationId,
        port_id: u8,
    },
    VpdRead {
        offset: u16,
        length: u16,
    },
    VpdWrite {
        offset: u16,
        length: u16,
    },
    Reset {
        reset_type: u8,
    },
    Shutdown {
        shutdown_type: u8,
    },
    /// SES, MEB, vendor specific and unknown opcodes: dwords shown raw.
    Other,
}

impl<'a> MiRequest<'a> {
    /// Parse a request (at least 12 bytes).
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        need(Layer::NvmeMi, data, REQUEST_LEN)?;
        Ok(MiRequest {
            opcode: MiOpcode::from_value(data[field::OPCODE]),
            dword0: le32(data, field::DWORD0),
            dword1: le32(data, field::DWORD1),
            data: &data[REQUEST_LEN..],
        })
    }

    /// Bytes `emit_bytes` writes.
    pub fn buffer_len(&self) -> usize {
        REQUEST_LEN + self.data.len()
    }

    /// Encode (reserved bytes zero).
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::NvmeMi, n, buf.len()));
        }
        buf[field::OPCODE] = self.opcode.value();
        buf[1..4].fill(0);
        buf[4..8].copy_from_slice(&self.dword0.to_le_bytes());
        buf[8..12].copy_from_slice(&self.dword1.to_le_bytes());
        buf[REQUEST_LEN..n].copy_from_slice(self.data);
        Ok(n)
    }

    /// The dwords decoded for this opcode.
    pub fn command(&self) -> MiCommand {
        let (d0, d1) = (self.dword0, self.dword1);
        match self.opcode {
            MiOpcode::ReadDataStructure => MiCommand::ReadDataStructure {
                dtyp: DataStructureType::from_value((d0 >> 24) as u8),
                port_id: (d0 >> 16) as u8,
                controller_id: d0 as u16,
                iocsi: d1 as u8,
            },
            MiOpcode::SubsystemHealthStatusPoll => MiCommand::SubsystemHealthStatusPoll {
                clear_status: d1 & (1 << 31) != 0,
            },
            MiOpcode::ControllerHealthStatusPoll => MiCommand::ControllerHealthStatusPoll {
                starting_controller_id: d0 as u16,
                max_entries: (d0 >> 16) as u8,
                include_pci_functions: d0 & (1 << 24) != 0,
                include_sriov_physical_functions: d0 & (1 << 25) != 0,
                include_sriov_virtual_functions: d0 & (1 << 26) != 0,
                report_all: d0 & (1 << 31) != 0,
                changed_flags: (d1 & 0x1F) as u8,
                clear_changed_flags: d1 & (1 << 31) != 0,
            },
            MiOpcode::ConfigurationSet => MiCommand::ConfigurationSet {
                id: ConfigurationId::from_value(d0 as u8),
                port_id: (d0 >> 24) as u8,
                dword0: d0,
                dword1: d1,
            },
            MiOpcode::ConfigurationGet => MiCommand::ConfigurationGet {
                id: ConfigurationId::from_value(d0 as u8),
                port_id: (d0 >> 24) as u8,
            },
            MiOpcode::VpdRead => MiCommand::VpdRead {
                offset: d0 as u16,
                length: d1 as u16,
            },
            MiOpcode::VpdWrite => MiCommand::VpdWrite {
                offset: d0 as u16,
                length: d1 as u16,
            },
            MiOpcode::Reset => MiCommand::Reset {
                reset_type: (d0 >> 24) as u8,
            },
            MiOpcode::Shutdown => MiCommand::Shutdown {
                shutdown_type: (d0 >> 24) as u8,
            },
            _ => MiCommand::Other,
        }
    }

    pub(crate) fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match self.command() {
            MiCommand::ReadDataStructure {
                dtyp,
                port_id,
                controller_id,
                ..
            } => {
                match dtyp.name() {
                    Some(n) => write!(w, " {n}")?,
                    None => write!(w, " dtyp={:#04x}", dtyp.value())?,
                }
                match dtyp {
                    DataStructureType::PortInformation => write!(w, " port={port_id}"),
                    DataStructureType::ControllerInformation
                    | DataStructureType::ControllerList => write!(w, " ctrl={controller_id}"),
                    _ => Ok(()),
                }
            }
            MiCommand::SubsystemHealthStatusPoll { clear_status } => {
                write!(w, " cs={}", u8::from(clear_status))
            }
            MiCommand::ControllerHealthStatusPoll {
                starting_controller_id,
                max_entries,
                report_all,
                clear_changed_flags,
                ..
            } => write!(
                w,
                " start={starting_controller_id} max={max_entries} all={} ccf={}",
                u8::from(report_all),
                u8::from(clear_changed_flags)
            ),
            MiCommand::ConfigurationSet { id, port_id, .. }
            | MiCommand::ConfigurationGet { id, port_id } => {
                match id.name() {
                    Some(n) => write!(w, " {n}")?,
                    None => write!(w, " config={:#04x}", id.value())?,
                }
                if matches!(
                    id,
                    ConfigurationId::SmbusI2cFrequency | ConfigurationId::MctpTransmissionUnitSize
                ) {
                    write!(w, " port={port_id}")?;
                }
                if let MiCommand::ConfigurationSet { dword0, dword1, .. } = self.command() {
                    match id {
                        ConfigurationId::SmbusI2cFrequency => write!(
                            w,
                            " freq={}",
                            SmbusFrequency::from_value(((dword0 >> 8) & 0xF) as u8)
                        )?,
                        ConfigurationId::MctpTransmissionUnitSize => {
                            write!(w, " mtu={}", dword1 & 0xFFFF)?
                        }
                        _ => write!(w, " value={dword1:#x}")?,
                    }
                }
                Ok(())
            }
            MiCommand::VpdRead { offset, length } | MiCommand::VpdWrite { offset, length } => {
                write!(w, " offset={offset} len={length}")
            }
            MiCommand::Reset { reset_type } => write!(w, " type={reset_type}"),
            MiCommand::Shutdown { shutdown_type } => write!(w, " type={shutdown_type}"),
            MiCommand::Other => write!(w, " dw0={:#010x} dw1={:#010x}", self.dword0, self.dword1),
        }?;
        if !self.data.is_empty() {
            write!(w, " data={}B", self.data.len())?;
        }
        Ok(())
    }

    pub(crate) fn describe(&self, v: &mut dyn Visitor) {
        const D0: usize = field::DWORD0;
        const D1: usize = field::DWORD1;
        v.field(
            &Field::new("opcode", 0, 1, Value::hex8(self.opcode.value()))
                .meaning(self.opcode.display_name()),
        );
        v.field(&Field::new("dword0", D0, 4, Value::hex32(self.dword0)));
        v.field(&Field::new("dword1", D1, 4, Value::hex32(self.dword1)));
        let (d0, d1) = (self.dword0, self.dword1);
        match self.command() {
            MiCommand::ReadDataStructure {
                dtyp,
                port_id,
                controller_id,
                iocsi,
            } => {
                v.field(&dword_field(
                    "ctrlid",
                    D0,
                    15,
                    0,
                    Value::Uint(controller_id.into()),
                ));
                v.field(&dword_field(
                    "portid",
                    D0,
                    23,
                    16,
                    Value::Uint(port_id.into()),
                ));
                v.field(
                    &dword_field("dtyp", D0, 31, 24, Value::hex8(dtyp.value()))
                        .meaning(dtyp.name()),
                );
                v.field(&dword_field("iocsi", D1, 7, 0, Value::hex8(iocsi)));
            }
            MiCommand::SubsystemHealthStatusPoll { .. } => {
                v.field(&dword_bit("cs", D1, 31, d1));
            }
            MiCommand::ControllerHealthStatusPoll {
                starting_controller_id,
                max_entries,
                ..
            } => {
                v.field(&dword_field(
                    "sctlid",
                    D0,
                    15,
                    0,
                    Value::Uint(starting_controller_id.into()),
                ));
                v.field(&dword_field(
                    "maxrent",
                    D0,
                    23,
                    16,
                    Value::Uint(max_entries.into()),
                ));
                v.field(&dword_bit("incf", D0, 24, d0));
                v.field(&dword_bit("incpf", D0, 25, d0));
                v.field(&dword_bit("incvf", D0, 26, d0));
                v.field(&dword_bit("all", D0, 31, d0));
                v.field(&dword_bit("csts", D1, 0, d1));
                v.field(&dword_bit("ctemp", D1, 1, d1));
                v.field(&dword_bit("pdlu", D1, 2, d1));
                v.field(&dword_bit("spare", D1, 3, d1));
                v.field(&dword_bit("cwarn", D1, 4, d1));
                v.field(&dword_bit("ccf", D1, 31, d1));
            }
            MiCommand::ConfigurationSet { id, port_id, .. }
            | MiCommand::ConfigurationGet { id, port_id } => {
                v.field(
                    &dword_field("configuration_id", D0, 7, 0, Value::hex8(id.value()))
                        .meaning(id.name()),
                );
                let set = self.opcode == MiOpcode::ConfigurationSet;
                match id {
                    ConfigurationId::SmbusI2cFrequency => {
                        if set {
                            let f = SmbusFrequency::from_value(((d0 >> 8) & 0xF) as u8);
                            v.field(
                                &dword_field(
                                    "smbus_frequency",
                                    D0,
                                    11,
                                    8,
                                    Value::Uint(f.value().into()),
                                )
                                .meaning(f.name()),
                            );
                        }
                        v.field(&dword_field(
                            "port_id",
                            D0,
                            31,
                            24,
                            Value::Uint(port_id.into()),
                        ));
                    }
                    ConfigurationId::MctpTransmissionUnitSize => {
                        v.field(&dword_field(
                            "port_id",
                            D0,
                            31,
                            24,
                            Value::Uint(port_id.into()),
                        ));
                        if set {
                            v.field(&dword_field(
                                "mctp_transmission_unit_size",
                                D1,
                                15,
                                0,
                                Value::Uint((d1 & 0xFFFF).into()),
                            ));
                        }
                    }
                    ConfigurationId::HealthStatusChange if set => {
                        for (bit, name) in CCS_BITS {
                            v.field(&dword_bit(name, D1, *bit, d1));
                        }
                    }
                    _ => {}
                }
            }
            MiCommand::VpdRead { offset, length } | MiCommand::VpdWrite { offset, length } => {
                v.field(&dword_field("dofst", D0, 15, 0, Value::Uint(offset.into())));
                v.field(&dword_field("dlen", D1, 15, 0, Value::Uint(length.into())));
            }
            MiCommand::Reset { reset_type } => {
                v.field(
                    &dword_field("reset_type", D0, 31, 24, Value::hex8(reset_type)).meaning(
                        if reset_type == 0 {
                            Some("NVM Subsystem Reset")
                        } else {
                            None
                        },
                    ),
                );
            }
            MiCommand::Shutdown { shutdown_type } => {
                v.field(&dword_field(
                    "shutdown_type",
                    D0,
                    31,
                    24,
                    Value::hex8(shutdown_type),
                ));
            }
            MiCommand::Other => {}
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

/// Composite Controller Status / Health Status Change bits (NVMe-MI 1.2
/// Figure 108 as mirrored in libnvme `enum nvme_mi_ccs`): bit, name.
pub(crate) const CCS_BITS: &[(u8, &str)] = &[
    (0, "rdy"),
    (1, "cfs"),
    (2, "shst"),
    (4, "nssro"),
    (5, "ceco"),
    (6, "nac"),
    (7, "fa"),
    (8, "csts"),
    (9, "ctemp"),
    (10, "pdlu"),
    (11, "spare"),
    (12, "cwarn"),
];

impl<'a> MiResponse<'a> {
    /// Parse a response (at least 4 bytes).
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        need(Layer::NvmeMi, data, RESPONSE_LEN)?;
        Ok(MiResponse {
            status: Status::from_value(data[field::STATUS]),
            nmresp: u32::from_le_bytes([data[1], data[2], data[3], 0]),
            data: &data[RESPONSE_LEN..],
        })
    }

    /// Offset of the response data from the message data.
    pub const fn data_offset(&self) -> usize {
        RESPONSE_LEN
    }

    /// Bytes `emit_bytes` writes.
    pub fn buffer_len(&self) -> usize {
        RESPONSE_LEN + self.data.len()
    }

    /// Encode (NMRESP masked to 24 bits).
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::NvmeMi, n, buf.len()));
        }
        buf[0] = self.status.value();
        buf[1..4].copy_from_slice(&self.nmresp.to_le_bytes()[..3]);
        buf[RESPONSE_LEN..n].copy_from_slice(self.data);
        Ok(n)
    }

    pub(crate) fn summary(
        &self,
        ctx: Option<RequestContext>,
        w: &mut dyn fmt::Write,
    ) -> fmt::Result {
        match self.status.display_name() {
            Some(n) => write!(w, " {n}")?,
            None => write!(w, " status={:#04x}", self.status.value())?,
        }
        if self.status == Status::InvalidParameter {
            write!(
                w,
                " at byte {} bit {}",
                (self.nmresp >> 8) & 0xFFFF,
                self.nmresp & 7
            )?;
        } else if self.status == Status::Success {
            match ctx.map(|c| (MiOpcode::from_value(c.opcode), c.dword0)) {
                Some((MiOpcode::ConfigurationGet, d0)) => {
                    match ConfigurationId::from_value(d0 as u8) {
                        ConfigurationId::SmbusI2cFrequency => write!(
                            w,
                            " freq={}",
                            SmbusFrequency::from_value((self.nmresp & 0xF) as u8)
                        )?,
                        ConfigurationId::MctpTransmissionUnitSize => {
                            write!(w, " mtu={}", self.nmresp & 0xFFFF)?
                        }
                        _ => write!(w, " value={:#08x}", self.nmresp)?,
                    }
                }
                Some((MiOpcode::ControllerHealthStatusPoll, _)) => {
                    write!(w, " entries={}", (self.nmresp >> 16) & 0xFF)?
                }
                _ => {}
            }
        }
        if !self.data.is_empty() {
            write!(w, " data={}B", self.data.len())?;
        }
        Ok(())
    }

    pub(crate) fn describe(&self, ctx: Option<RequestContext>, v: &mut dyn Visitor) {
        const R: usize = field::NMRESP;
        v.field(
            &Field::new("status", 0, 1, Value::hex8(self.status.value()))
                .meaning(self.status.display_name()),
        );
        v.field(&Field::new(
            "nmresp",
            R,
            3,
            Value::Hex {
                value: self.nmresp.into(),
                digits: 6,
            },
        ));
        let r = self.nmresp;
        if let Some(c) = ctx {
            let op = MiOpcode::from_value(c.opcode);
            v.field(&Field::derived("opcode", Value::hex8(c.opcode)).meaning(op.display_name()));
            if self.status == Status::Success {
                match op {
                    MiOpcode::ReadDataStructure => v.field(&dword_field(
                        "response_data_length",
                        R,
                        15,
                        0,
                        Value::Uint((r & 0xFFFF).into()),
                    )),
                    MiOpcode::ControllerHealthStatusPoll => v.field(&dword_field(
                        "rent",
                        R,
                        23,
                        16,
                        Value::Uint(((r >> 16) & 0xFF).into()),
                    )),
                    MiOpcode::ConfigurationGet => match ConfigurationId::from_value(c.dword0 as u8)
                    {
                        ConfigurationId::SmbusI2cFrequency => {
                            let f = SmbusFrequency::from_value((r & 0xF) as u8);
                            v.field(
                                &dword_field(
                                    "smbus_frequency",
                                    R,
                                    3,
                                    0,
                                    Value::Uint(f.value().into()),
                                )
                                .meaning(f.name()),
                            )
                        }
                        ConfigurationId::MctpTransmissionUnitSize => v.field(&dword_field(
                            "mctp_transmission_unit_size",
                            R,
                            15,
                            0,
                            Value::Uint((r & 0xFFFF).into()),
                        )),
                        _ => {}
                    },
                    _ => {}
                }
            }
        }
        if self.status == Status::InvalidParameter {
            v.field(&dword_field("lsbit", R, 2, 0, Value::Uint((r & 7).into())));
            v.field(&dword_field(
                "lsbyte",
                R,
                23,
                8,
                Value::Uint(((r >> 8) & 0xFFFF).into()),
            ));
        }
        if !self.data.is_empty() {
            v.field(&Field::new(
                "response_data",
                RESPONSE_LEN,
                self.data.len(),
                Value::Bytes(self.data),
            ));
        }
    }
}
