//! NVMe-MI response data structures (NVMe-MI 1.2 §5.6, §5.3, §5.7).
//!
//! A response does not say which structure it carries: the request's opcode
//! and dword 0 do. [`decode_mi_response_data`] takes them from the paired
//! request. Offsets are relative to the start of the response data.
//!
//! | Structure | Layout (bytes) |
//! |---|---|
//! | NVM Subsystem Information (32) | 0 NUMP, 1 MJR, 2 MNR, 3 NNSC |
//! | Port Information (32) | 0 PORTT, 2..4 MMCTPTUS, 4..8 MEB size, 8.. port specific: PCIe MPS SLS CLS MLW NLW PN / SMBus VPD addr, max VPD freq, MI addr, max MI freq, NVMe-BM |
//! | Controller List | 0..2 count, then 2-byte IDs |
//! | Controller Information (32) | 0 port ID, 5 PRII, 6..8 PRI, 8 VID, 10 DID, 12 SSVID, 14 SSID |
//! | Optionally Supported / MEB Command List | 0..2 count, then (command type, opcode) pairs |
//! | NVM Subsystem Health (8) | 0 NSS, 1 SW, 2 CTEMP (°C), 3 PDLU, 4..6 CCS |
//! | Controller Health (16 each) | 0 CTLID, 2 CSTS, 4 CTEMP (K), 6 PDLU, 7 SPARE, 8 CWARN, 14..16 changed flags |
//!
//! Sources: libnvme `types.h` (`nvme_mi_read_nvm_ss_info`, `nvme_mi_read_port_info`,
//! `nvme_mi_read_ctrl_info`, `nvme_mi_nvm_ss_health_status`,
//! `nvme_mi_ctrl_health_status`) and an NVMe-MI 1.2 bit-field header. Where
//! they disagree: NSS bits follow the bit-field header (DF 5, RNR 4, P0LA 3,
//! P1LA 2; libnvme names bit 0/1 NRDY/DRV); NNSC (byte 3), the NUMP base and
//! the controller-health changed-flags position (bytes 14..16, reserved in
//! libnvme) are **guessed**. The Smart Warnings bits are shown as named bits;
//! NVMe-MI defines them active low (a cleared bit is a warning) —
//! **unverified**.

use core::fmt;

use crate::describe::{Field, Group, Shifted, Value, Visitor};
use crate::error::{need, Error, ErrorKind, Layer, Result};

use super::codes::{CommandType, DataStructureType, MiOpcode, PortType};
use super::mi::CCS_BITS;
use super::{le16, le32, trailing};

/// Decoded MI response data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MiData<'a> {
    SubsystemInformation(SubsystemInformation),
    PortInformation(PortInformation),
    ControllerList(IdList<'a>),
    ControllerInformation(ControllerInformation),
    /// Optionally Supported Command List or MEB Command Support List.
    CommandList(CommandList<'a>),
    SubsystemHealth(SubsystemHealth),
    ControllerHealth(ControllerHealthList<'a>),
    /// Data this version does not decode (VPD contents, SES pages...).
    Raw(&'a [u8]),
}

/// Decode the response data of MI command `opcode` whose request had
/// management dword 0 `dword0`.
pub fn decode_mi_response_data(opcode: MiOpcode, dword0: u32, data: &[u8]) -> Result<MiData<'_>> {
    Ok(match opcode {
        MiOpcode::ReadDataStructure => match DataStructureType::from_value((dword0 >> 24) as u8) {
            DataStructureType::SubsystemInformation => {
                MiData::SubsystemInformation(SubsystemInformation::parse(data)?)
            }
            DataStructureType::PortInformation => {
                MiData::PortInformation(PortInformation::parse(data)?)
            }
            DataStructureType::ControllerList => MiData::ControllerList(IdList::parse(data)?),
            DataStructureType::ControllerInformation => {
                MiData::ControllerInformation(ControllerInformation::parse(data)?)
            }
            DataStructureType::OptionallySupportedCommandList
            | DataStructureType::MebCommandSupportList => {
                MiData::CommandList(CommandList::parse(data)?)
            }
            DataStructureType::Unknown(_) => MiData::Raw(data),
        },
        MiOpcode::SubsystemHealthStatusPoll => {
            MiData::SubsystemHealth(SubsystemHealth::parse(data)?)
        }
        MiOpcode::ControllerHealthStatusPoll => {
            MiData::ControllerHealth(ControllerHealthList::parse(data)?)
        }
        _ => MiData::Raw(data),
    })
}

impl MiData<'_> {
    /// One line for the message summary.
    pub fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            MiData::SubsystemInformation(s) => s.summary(w),
            MiData::PortInformation(p) => p.summary(w),
            MiData::ControllerList(l) => {
                write!(w, "{} controllers:", l.count)?;
                for id in l.iter().take(8) {
                    write!(w, " {id}")?;
                }
                if l.count > 8 {
                    w.write_str(" ...")?;
                }
                Ok(())
            }
            MiData::ControllerInformation(c) => c.summary(w),
            MiData::CommandList(l) => write!(w, "{} commands", l.count),
            MiData::SubsystemHealth(h) => h.summary(w),
            MiData::ControllerHealth(l) => l.summary(w),
            MiData::Raw(r) => write!(w, "{} bytes", r.len()),
        }
    }

    /// Every field, offsets from the start of the response data.
    pub fn describe(&self, v: &mut dyn Visitor) {
        match self {
            MiData::SubsystemInformation(s) => s.describe(v),
            MiData::PortInformation(p) => p.describe(v),
            MiData::ControllerList(l) => {
                v.field(&Field::new(
                    "number_of_identifiers",
                    0,
                    2,
                    Value::Uint(l.count.into()),
                ));
                v.begin("identifiers", Group::List, 2, l.ids.len());
                for (i, id) in l.iter().enumerate() {
                    v.field(&Field::new(
                        "controller_id",
                        2 + 2 * i,
                        2,
                        Value::Uint(id.into()),
                    ));
                }
                v.end();
            }
            MiData::ControllerInformation(c) => c.describe(v),
            MiData::CommandList(l) => l.describe(v),
            MiData::SubsystemHealth(h) => h.describe(v),
            MiData::ControllerHealth(l) => l.describe(v),
            MiData::Raw(r) => v.field(&Field::new("data", 0, r.len(), Value::Bytes(r))),
        }
    }
}

/// NVM Subsystem Information data structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SubsystemInformation {
    /// Number of Ports (NUMP), as sent (0's based per NVMe-MI — unverified).
    pub number_of_ports: u8,
    pub major_version: u8,
    pub minor_version: u8,
    /// NVM Subsystem Capabilities (byte 3; guessed position).
    pub capabilities: u8,
}

impl SubsystemInformation {
    pub fn parse(d: &[u8]) -> Result<Self> {
        need(Layer::NvmeMi, d, 4)?;
        Ok(SubsystemInformation {
            number_of_ports: d[0],
            major_version: d[1],
            minor_version: d[2],
            capabilities: d[3],
        })
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "NVMe-MI {}.{} nump={}",
            self.major_version, self.minor_version, self.number_of_ports
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::new(
            "nump",
            0,
            1,
            Value::Uint(self.number_of_ports.into()),
        ));
        v.field(&Field::new(
            "mjr",
            1,
            1,
            Value::Uint(self.major_version.into()),
        ));
        v.field(&Field::new(
            "mnr",
            2,
            1,
            Value::Uint(self.minor_version.into()),
        ));
        v.field(&Field::new("nnsc", 3, 1, Value::hex8(self.capabilities)));
    }
}

/// Port Information data structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PortInformation {
    pub port_type: PortType,
    /// Maximum MCTP Transmission Unit Size (bytes).
    pub max_mctp_transmission_unit: u16,
    /// Management Endpoint Buffer Size (bytes).
    pub meb_size: u32,
    /// Port-specific bytes 8..14 (zero when absent).
    pub specific: [u8; 6],
    /// How many port-specific bytes were present (0..=6).
    pub specific_len: u8,
}

impl PortInformation {
    pub fn parse(d: &[u8]) -> Result<Self> {
        need(Layer::NvmeMi, d, 8)?;
        let mut specific = [0u8; 6];
        let n = d.len().saturating_sub(8).min(6);
        specific[..n].copy_from_slice(&d[8..8 + n]);
        Ok(PortInformation {
            port_type: PortType::from_value(d[0]),
            max_mctp_transmission_unit: le16(d, 2),
            meb_size: le32(d, 4),
            specific,
            specific_len: n as u8,
        })
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match self.port_type.name() {
            Some(n) => w.write_str(n)?,
            None => write!(w, "port type {:#04x}", self.port_type.value())?,
        }
        write!(w, " mtu={}", self.max_mctp_transmission_unit)?;
        if self.meb_size != 0 {
            write!(w, " meb={}", self.meb_size)?;
        }
        if self.port_type == PortType::SmbusI2c && self.specific_len >= 3 {
            write!(
                w,
                " vpd={:#04x} mi={:#04x}",
                self.specific[0], self.specific[2]
            )?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        v.field(
            &Field::new("portt", 0, 1, Value::hex8(self.port_type.value()))
                .meaning(self.port_type.name()),
        );
        v.field(&Field::new(
            "mmctptus",
            2,
            2,
            Value::Uint(self.max_mctp_transmission_unit.into()),
        ));
        v.field(&Field::new(
            "meb_size",
            4,
            4,
            Value::Uint(self.meb_size.into()),
        ));
        let names: &[&'static str] = match self.port_type {
            PortType::Pcie => &[
                "pcie_mps", "pcie_sls", "pcie_cls", "pcie_mlw", "pcie_nlw", "pcie_pn",
            ],
            PortType::SmbusI2c => &[
                "vpd_smbus_address",
                "max_vpd_access_frequency",
                "mi_smbus_address",
                "max_mi_frequency",
                "nvme_basic_management",
            ],
            _ => &[],
        };
        for (i, name) in names
            .iter()
            .enumerate()
            .take(usize::from(self.specific_len))
        {
            let val = self.specific[i];
            let f = Field::new(name, 8 + i, 1, Value::hex8(val));
            let f = match (*name, val) {
                ("max_vpd_access_frequency" | "max_mi_frequency", f) => {
                    Field::new(name, 8 + i, 1, Value::Uint(f.into()))
                        .meaning(super::codes::SmbusFrequency::from_value(f).name())
                }
                ("nvme_basic_management", b) => {
                    Field::bits(name, 8 + i, 0, 0, Value::Bool(b & 1 != 0))
                }
                _ => f,
            };
            v.field(&f);
        }
    }
}

/// A list of 16-bit identifiers preceded by a 16-bit count (Controller List).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IdList<'a> {
    pub count: u16,
    /// The identifier bytes (2 per entry, little-endian).
    pub ids: &'a [u8],
}

impl<'a> IdList<'a> {
    pub fn parse(d: &'a [u8]) -> Result<Self> {
        need(Layer::NvmeMi, d, 2)?;
        let count = le16(d, 0);
        let n = 2 + 2 * usize::from(count);
        if d.len() < n {
            return Err(Error {
                layer: Layer::NvmeMi,
                offset: 0,
                kind: ErrorKind::LengthMismatch {
                    field: "number_of_identifiers",
                    declared: n,
                    actual: d.len(),
                },
            });
        }
        // Controller lists are fixed-size (4096 bytes) structures padded
        // with zeros: bytes after the list are not an error.
        Ok(IdList {
            count,
            ids: &d[2..n],
        })
    }
    /// The identifiers.
    pub fn iter(&self) -> impl Iterator<Item = u16> + 'a {
        self.ids
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
    }
}

/// Controller Information data structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ControllerInformation {
    pub port_id: u8,
    /// PCIe Routing ID Information: bit 0 = routing ID valid.
    pub prii: u8,
    /// PCIe Routing ID (bus/device/function).
    pub pci_routing_id: u16,
    pub pci_vendor_id: u16,
    pub pci_device_id: u16,
    pub pci_subsystem_vendor_id: u16,
    pub pci_subsystem_device_id: u16,
}

impl ControllerInformation {
    pub fn parse(d: &[u8]) -> Result<Self> {
        need(Layer::NvmeMi, d, 16)?;
        Ok(ControllerInformation {
            port_id: d[0],
            prii: d[5],
            pci_routing_id: le16(d, 6),
            pci_vendor_id: le16(d, 8),
            pci_device_id: le16(d, 10),
            pci_subsystem_vendor_id: le16(d, 12),
            pci_subsystem_device_id: le16(d, 14),
        })
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "port={} pci {:04x}:{:04x} subsys {:04x}:{:04x}",
            self.port_id,
            self.pci_vendor_id,
            self.pci_device_id,
            self.pci_subsystem_vendor_id,
            self.pci_subsystem_device_id
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::new(
            "portid",
            0,
            1,
            Value::Uint(self.port_id.into()),
        ));
        v.field(&Field::bits(
            "prii_valid",
            5,
            0,
            0,
            Value::Bool(self.prii & 1 != 0),
        ));
        let r = self.pci_routing_id;
        v.field(&Field::new("pri", 6, 2, Value::hex16(r)));
        v.field(&Field::new("vid", 8, 2, Value::hex16(self.pci_vendor_id)));
        v.field(&Field::new("did", 10, 2, Value::hex16(self.pci_device_id)));
        v.field(&Field::new(
            "ssvid",
            12,
            2,
            Value::hex16(self.pci_subsystem_vendor_id),
        ));
        v.field(&Field::new(
            "ssid",
            14,
            2,
            Value::hex16(self.pci_subsystem_device_id),
        ));
    }
}

/// Optionally Supported Command List / MEB Command Support List.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CommandList<'a> {
    pub count: u16,
    /// (command type, opcode) pairs.
    pub entries: &'a [u8],
}

impl<'a> CommandList<'a> {
    pub fn parse(d: &'a [u8]) -> Result<Self> {
        let l = IdList::parse(d)?;
        Ok(CommandList {
            count: l.count,
            entries: l.ids,
        })
    }
    /// (command type, opcode) pairs.
    pub fn iter(&self) -> impl Iterator<Item = (CommandType, u8)> + 'a {
        self.entries
            .chunks_exact(2)
            .map(|c| (CommandType::from_value(c[0]), c[1]))
    }
    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::new("numcmd", 0, 2, Value::Uint(self.count.into())));
        v.begin("commands", Group::List, 2, self.entries.len());
        for (i, (t, op)) in self.iter().enumerate() {
            let at = 2 + 2 * i;
            v.begin("", Group::ListItem, at, 2);
            v.field(&Field::new("command_type", at, 1, Value::hex8(t.value())).meaning(t.name()));
            let name = match t {
                CommandType::MiCommand => MiOpcode::from_value(op).display_name(),
                CommandType::AdminCommand => {
                    super::codes::AdminOpcode::from_value(op).display_name()
                }
                _ => None,
            };
            v.field(&Field::new("opcode", at + 1, 1, Value::hex8(op)).meaning(name));
            v.end();
        }
        v.end();
    }
}

/// Render a NVMe-MI Celsius temperature byte (CTEMP of the subsystem health).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CelsiusByte(pub u8);

impl fmt::Display for CelsiusByte {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0x7F => f.write_str(">=127°C"),
            0x80 => f.write_str("no data"),
            0x81 => f.write_str("sensor failure"),
            0x82..=0xC3 => write!(f, "reserved {:#04x}", self.0),
            0xC4 => f.write_str("<=-60°C"),
            t => write!(f, "{}°C", t as i8),
        }
    }
}

/// NVM Subsystem Health data structure (response of opcode 0x01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SubsystemHealth {
    /// NVM Subsystem Status.
    pub nss: u8,
    /// Smart Warnings.
    pub sw: u8,
    /// Composite Temperature (°C, special values, see [`CelsiusByte`]).
    pub ctemp: u8,
    /// Percentage Drive Life Used (255 = more than 254).
    pub pdlu: u8,
    /// Composite Controller Status.
    pub ccs: u16,
}

const NSS_BITS: &[(u8, &str)] = &[(2, "p1la"), (3, "p0la"), (4, "rnr"), (5, "df")];
const SW_BITS: &[(u8, &str)] = &[
    (0, "ast"),
    (1, "cwarn_taut"),
    (2, "rd"),
    (3, "ro"),
    (4, "vmbf"),
    (5, "pmre"),
];
const CWARN_BITS: &[(u8, &str)] = &[
    (0, "st"),
    (1, "taut"),
    (2, "rd"),
    (3, "ro"),
    (4, "vmbf"),
    (5, "pmre"),
];

fn byte_bits(v: &mut dyn Visitor, at: usize, byte: u8, bits: &[(u8, &'static str)]) {
    for (b, name) in bits {
        v.field(&Field::bits(
            name,
            at,
            *b,
            *b,
            Value::Bool(byte & (1 << b) != 0),
        ));
    }
}

/// Length of the NVM Subsystem Health Data Structure (NVMe-MI 1.2 §5.6,
/// Figure 108; bytes 6..8 reserved).
pub const SUBSYSTEM_HEALTH_LEN: usize = 8;

impl SubsystemHealth {
    /// Encode the 8-byte structure (reserved bytes zero), the response data
    /// of an NVM Subsystem Health Status Poll.
    pub fn to_bytes(&self) -> [u8; SUBSYSTEM_HEALTH_LEN] {
        let c = self.ccs.to_le_bytes();
        [self.nss, self.sw, self.ctemp, self.pdlu, c[0], c[1], 0, 0]
    }

    pub fn parse(d: &[u8]) -> Result<Self> {
        need(Layer::NvmeMi, d, 6)?;
        Ok(SubsystemHealth {
            nss: d[0],
            sw: d[1],
            ctemp: d[2],
            pdlu: d[3],
            ccs: le16(d, 4),
        })
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "ctemp={} pdlu={}% nss={:#04x} sw={:#04x} ccs={:#06x}",
            CelsiusByte(self.ctemp),
            self.pdlu,
            self.nss,
            self.sw,
            self.ccs
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::new("nss", 0, 1, Value::hex8(self.nss)));
        byte_bits(v, 0, self.nss, NSS_BITS);
        v.field(
            &Field::new("sw", 1, 1, Value::hex8(self.sw))
                .meaning(Some("bits active low: 0 = warning (unverified)")),
        );
        byte_bits(v, 1, self.sw, SW_BITS);
        let t = CelsiusByte(self.ctemp);
        v.field(&Field::new("ctemp", 2, 1, Value::Display(&t)));
        v.field(&Field::new("pdlu", 3, 1, Value::Uint(self.pdlu.into())));
        v.field(&Field::new("ccs", 4, 2, Value::hex16(self.ccs)));
        // CCS's bits repeat names of the structure's fields (CTEMP, PDLU,
        // SPARE, CWARN are "... changed" flags here): their own JSON object.
        v.begin("ccs_bits", Group::Inline, 4, 2);
        for (b, name) in CCS_BITS {
            v.field(&Field::bits(
                name,
                4 + usize::from(b / 8),
                b % 8,
                b % 8,
                Value::Bool(self.ccs & (1 << b) != 0),
            ));
        }
        v.end();
    }
}

/// Controller Health Data Structure entries (response of opcode 0x02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ControllerHealthList<'a> {
    pub entries: &'a [u8],
}

/// One Controller Health Data Structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ControllerHealth {
    pub controller_id: u16,
    pub csts: u16,
    /// Composite Temperature in kelvins.
    pub ctemp: u16,
    pub pdlu: u8,
    pub spare: u8,
    pub cwarn: u8,
    /// Changed flags (bytes 14..16, position guessed).
    pub changed_flags: u16,
}

/// Size of one Controller Health Data Structure.
pub const CONTROLLER_HEALTH_LEN: usize = 16;

impl ControllerHealth {
    /// Encode one 16-byte Controller Health Data Structure in the layout
    /// [`ControllerHealthList`] reads (reserved bytes 9..14 zero).
    pub fn to_bytes(&self) -> [u8; CONTROLLER_HEALTH_LEN] {
        let mut b = [0u8; CONTROLLER_HEALTH_LEN];
        b[0..2].copy_from_slice(&self.controller_id.to_le_bytes());
        b[2..4].copy_from_slice(&self.csts.to_le_bytes());
        b[4..6].copy_from_slice(&self.ctemp.to_le_bytes());
        b[6] = self.pdlu;
        b[7] = self.spare;
        b[8] = self.cwarn;
        b[14..16].copy_from_slice(&self.changed_flags.to_le_bytes());
        b
    }
}

impl<'a> ControllerHealthList<'a> {
    pub fn parse(d: &'a [u8]) -> Result<Self> {
        let extra = d.len() % CONTROLLER_HEALTH_LEN;
        if extra != 0 {
            return Err(trailing(d.len() - extra, extra));
        }
        Ok(ControllerHealthList { entries: d })
    }
    /// The entries.
    pub fn iter(&self) -> impl Iterator<Item = ControllerHealth> + 'a {
        self.entries
            .chunks_exact(CONTROLLER_HEALTH_LEN)
            .map(|e| ControllerHealth {
                controller_id: le16(e, 0),
                csts: le16(e, 2),
                ctemp: le16(e, 4),
                pdlu: e[6],
                spare: e[7],
                cwarn: e[8],
                changed_flags: le16(e, 14),
            })
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        let n = self.entries.len() / CONTROLLER_HEALTH_LEN;
        write!(w, "{n} entries")?;
        for e in self.iter().take(4) {
            write!(
                w,
                "; ctrl {}: {}K pdlu={}% spare={}% cwarn={:#04x}",
                e.controller_id, e.ctemp, e.pdlu, e.spare, e.cwarn
            )?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        v.begin("entries", Group::List, 0, self.entries.len());
        for (i, e) in self.iter().enumerate() {
            let base = i * CONTROLLER_HEALTH_LEN;
            v.begin("", Group::ListItem, base, CONTROLLER_HEALTH_LEN);
            let mut s = Shifted { inner: v, base };
            s.field(&Field::new(
                "ctlid",
                0,
                2,
                Value::Uint(e.controller_id.into()),
            ));
            s.field(&Field::new("csts", 2, 2, Value::hex16(e.csts)));
            s.field(&Field::bits("rdy", 2, 0, 0, Value::Bool(e.csts & 1 != 0)));
            s.field(&Field::bits("cfs", 2, 1, 1, Value::Bool(e.csts & 2 != 0)));
            s.field(&Field::bits(
                "shst",
                2,
                3,
                2,
                Value::Uint(((e.csts >> 2) & 3).into()),
            ));
            s.field(&Field::bits(
                "nssro",
                2,
                4,
                4,
                Value::Bool(e.csts & 0x10 != 0),
            ));
            s.field(&Field::bits(
                "ceco",
                2,
                5,
                5,
                Value::Bool(e.csts & 0x20 != 0),
            ));
            s.field(&Field::bits(
                "nac",
                2,
                6,
                6,
                Value::Bool(e.csts & 0x40 != 0),
            ));
            s.field(&Field::bits("fa", 2, 7, 7, Value::Bool(e.csts & 0x80 != 0)));
            s.field(
                &Field::new("ctemp", 4, 2, Value::Uint(e.ctemp.into())).meaning(Some("kelvins")),
            );
            s.field(&Field::new("pdlu", 6, 1, Value::Uint(e.pdlu.into())));
            s.field(&Field::new("spare", 7, 1, Value::Uint(e.spare.into())));
            s.field(&Field::new("cwarn", 8, 1, Value::hex8(e.cwarn)));
            byte_bits(&mut s, 8, e.cwarn, CWARN_BITS);
            s.field(&Field::new(
                "changed_flags",
                14,
                2,
                Value::hex16(e.changed_flags),
            ));
            v.end();
        }
        v.end();
    }
}
