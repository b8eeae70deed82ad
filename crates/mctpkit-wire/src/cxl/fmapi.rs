//! FM-API command payloads (CXL r3.1 §7.6.7): Identify Switch Device
//! (5100h), Get Physical Port State (5101h), Tunnel Management Command
//! (5300h) and Get LD Info (5400h). Layouts: `/work/shared/reference/cxl.md`
//! §5 and §7.4–7.6. Port-state enumerations follow CXL r3.2 Table 7-19 as
//! transcribed in QEMU's `include/hw/cxl/cxl_port.h` (which confirms the
//! reference's unverified Connected Device Type list and adds 06h PBR).
//!
//! ```text
//!  Tunnel Management Command (5300h)
//!   request:  00 Port or LD ID  01 [3:0] Target Type  02 Command Size u16  04 CCI request message
//!   response: 00 Response Length u16  02 reserved u16  04 CCI response message
//! ```

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::Result;
use crate::macros::open_enum;

use super::common::*;
use super::opcode::op;

/// Identify Switch Device (5100h) response, 73 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IdentifySwitchDeviceResponse {
    pub ingress_port_id: u8,
    pub number_of_physical_ports: u8,
    pub number_of_vcss: u8,
    /// One bit per port.
    pub active_port_bitmask: [u8; 32],
    /// One bit per VCS.
    pub active_vcs_bitmask: [u8; 32],
    pub total_number_of_vppbs: u16,
    pub number_of_bound_vppbs: u16,
    pub number_of_hdm_decoders: u8,
}

/// Number of set bits.
fn ones(b: &[u8]) -> u32 {
    b.iter().map(|x| x.count_ones()).sum()
}

impl EmitPayload for IdentifySwitchDeviceResponse {
    fn buffer_len(&self) -> usize {
        0x49
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b[0] = self.ingress_port_id;
        b[1] = 0;
        b[2] = self.number_of_physical_ports;
        b[3] = self.number_of_vcss;
        b[4..0x24].copy_from_slice(&self.active_port_bitmask);
        b[0x24..0x44].copy_from_slice(&self.active_vcs_bitmask);
        put16(b, 0x44, self.total_number_of_vppbs);
        put16(b, 0x46, self.number_of_bound_vppbs);
        b[0x48] = self.number_of_hdm_decoders;
    }
}

impl<'a> CxlBody<'a> for IdentifySwitchDeviceResponse {
    const OPCODE: u16 = op::IDENTIFY_SWITCH_DEVICE;
    const REQUEST: bool = false;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        bytes(d, 0, 0x49)?;
        Ok((
            IdentifySwitchDeviceResponse {
                ingress_port_id: u8_at(d, 0)?,
                number_of_physical_ports: u8_at(d, 2)?,
                number_of_vcss: u8_at(d, 3)?,
                active_port_bitmask: array(d, 4)?,
                active_vcs_bitmask: array(d, 0x24)?,
                total_number_of_vppbs: le16(d, 0x44)?,
                number_of_bound_vppbs: le16(d, 0x46)?,
                number_of_hdm_decoders: u8_at(d, 0x48)?,
            },
            0x49,
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            " / ingress={} ports={} ({} active) vcss={} vppbs={}/{}",
            self.ingress_port_id,
            self.number_of_physical_ports,
            ones(&self.active_port_bitmask),
            self.number_of_vcss,
            self.number_of_bound_vppbs,
            self.total_number_of_vppbs
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        uint(v, "ingress_port_id", 0, 1, self.ingress_port_id.into());
        uint(
            v,
            "number_of_physical_ports",
            2,
            1,
            self.number_of_physical_ports.into(),
        );
        uint(v, "number_of_vcss", 3, 1, self.number_of_vcss.into());
        v.field(&Field::new(
            "active_port_bitmask",
            4,
            32,
            Value::Bytes(&self.active_port_bitmask),
        ));
        v.field(&Field::new(
            "active_vcs_bitmask",
            0x24,
            32,
            Value::Bytes(&self.active_vcs_bitmask),
        ));
        uint(
            v,
            "total_number_of_vppbs",
            0x44,
            2,
            self.total_number_of_vppbs.into(),
        );
        uint(
            v,
            "number_of_bound_vppbs",
            0x46,
            2,
            self.number_of_bound_vppbs.into(),
        );
        uint(
            v,
            "number_of_hdm_decoders",
            0x48,
            1,
            self.number_of_hdm_decoders.into(),
        );
    }
}

/// Get Physical Port State (5101h) request: the ports asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetPhysicalPortStateRequest<'a> {
    /// Port IDs (Number of Ports = `port_ids.len()`, at most 255).
    pub port_ids: &'a [u8],
}

impl EmitPayload for GetPhysicalPortStateRequest<'_> {
    fn buffer_len(&self) -> usize {
        1 + self.port_ids.len().min(255)
    }
    fn emit_exact(&self, b: &mut [u8]) {
        let n = self.port_ids.len().min(255);
        b[0] = n as u8;
        b[1..].copy_from_slice(&self.port_ids[..n]);
    }
}

impl<'a> CxlBody<'a> for GetPhysicalPortStateRequest<'a> {
    const OPCODE: u16 = op::GET_PHYSICAL_PORT_STATE;
    const REQUEST: bool = true;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let n = usize::from(u8_at(d, 0)?);
        Ok((
            GetPhysicalPortStateRequest {
                port_ids: bytes(d, 1, n)?,
            },
            1 + n,
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, " / ports={:?}", self.port_ids)
    }
    fn describe(&self, v: &mut dyn Visitor) {
        uint(v, "number_of_ports", 0, 1, self.port_ids.len() as u64);
        v.field(&Field::new(
            "port_id_list",
            1,
            self.port_ids.len(),
            Value::Bytes(self.port_ids),
        ));
    }
}

open_enum! {
    /// Current Port Configuration State (r3.2 Table 7-19).
    pub enum PortConfigurationState: u8 {
        Disabled = 0x0 => "disabled",
        BindInProgress = 0x1 => "bind in progress",
        UnbindInProgress = 0x2 => "unbind in progress",
        DownstreamPort = 0x3 => "DSP",
        UpstreamPort = 0x4 => "USP",
        FabricPort = 0x5 => "fabric port",
        InvalidPortId = 0xF => "invalid port ID",
    }
}

open_enum! {
    /// Connected Device Mode (r3.2 Table 7-19).
    pub enum ConnectedDeviceMode: u8 {
        NotCxlOrDisconnected = 0x00 => "not CXL or disconnected",
        Rcd = 0x01 => "RCD mode",
        Flit68BVh = 0x02 => "CXL 68B flit and VH mode",
        Flit256B = 0x03 => "standard 256B flit mode",
        LatencyOptimized256B = 0x04 => "CXL latency-optimized 256B flit mode",
        Pbr = 0x05 => "PBR mode",
    }
}

open_enum! {
    /// Connected Device Type (r3.2 Table 7-19).
    pub enum ConnectedDeviceType: u8 {
        None = 0x00 => "no device detected",
        Pcie = 0x01 => "PCIe device",
        Type1 = 0x02 => "CXL Type 1 device",
        Type2OrHbrSwitch = 0x03 => "CXL Type 2 device or HBR switch",
        Type3Sld = 0x04 => "CXL Type 3 SLD",
        Type3Mld = 0x05 => "CXL Type 3 MLD",
        PbrComponent = 0x06 => "PBR component",
    }
}

open_enum! {
    /// LTSSM State (r3.2 Table 7-19).
    pub enum LtssmState: u8 {
        Detect = 0x00 => "Detect",
        Polling = 0x01 => "Polling",
        Configuration = 0x02 => "Configuration",
        Recovery = 0x03 => "Recovery",
        L0 = 0x04 => "L0",
        L0s = 0x05 => "L0s",
        L1 = 0x06 => "L1",
        L2 = 0x07 => "L2",
        Disabled = 0x08 => "Disabled",
        Loopback = 0x09 => "Loopback",
        HotReset = 0x0A => "Hot Reset",
    }
}

/// Link speed encoding (PCIe Link Capabilities encoding, as QEMU fills it).
const fn link_speed(x: u8) -> Option<&'static str> {
    match x {
        1 => Some("2.5 GT/s"),
        2 => Some("5 GT/s"),
        3 => Some("8 GT/s"),
        4 => Some("16 GT/s"),
        5 => Some("32 GT/s"),
        6 => Some("64 GT/s"),
        _ => None,
    }
}

/// One 16-byte port information block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PortInfo {
    pub port_id: u8,
    /// `[3:0]` of byte 1.
    pub current_port_configuration_state: PortConfigurationState,
    pub connected_device_mode: ConnectedDeviceMode,
    pub connected_device_type: ConnectedDeviceType,
    /// Port CXL version bitmask: bit 0 RCD, 1 68B flit/VH, 2 256B, 3 LO 256B, 4 PBR.
    pub supported_cxl_modes: u8,
    /// `[5:0]`.
    pub maximum_link_width: u8,
    /// `[5:0]`.
    pub negotiated_link_width: u8,
    pub supported_link_speeds_vector: u8,
    pub max_link_speed: u8,
    pub current_link_speed: u8,
    pub ltssm_state: LtssmState,
    pub first_negotiated_lane_number: u8,
    /// Bit 0 lane reversal, 1 PERST asserted, 2 PRSNT, 3 power off.
    pub link_state_flags: u16,
    pub supported_ld_count: u8,
}

impl EmitPayload for PortInfo {
    fn buffer_len(&self) -> usize {
        16
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b[0] = self.port_id;
        b[1] = self.current_port_configuration_state.value() & 0x0F;
        b[2] = self.connected_device_mode.value();
        b[3] = 0;
        b[4] = self.connected_device_type.value();
        b[5] = self.supported_cxl_modes;
        b[6] = self.maximum_link_width & 0x3F;
        b[7] = self.negotiated_link_width & 0x3F;
        b[8] = self.supported_link_speeds_vector;
        b[9] = self.max_link_speed;
        b[10] = self.current_link_speed;
        b[11] = self.ltssm_state.value();
        b[12] = self.first_negotiated_lane_number;
        put16(b, 13, self.link_state_flags);
        b[15] = self.supported_ld_count;
    }
}

impl<'a> FixedEntry<'a> for PortInfo {
    const SIZE: usize = 16;
    fn parse_entry(d: &'a [u8]) -> Self {
        PortInfo {
            port_id: d[0],
            current_port_configuration_state: PortConfigurationState::from_value(d[1] & 0x0F),
            connected_device_mode: ConnectedDeviceMode::from_value(d[2]),
            connected_device_type: ConnectedDeviceType::from_value(d[4]),
            supported_cxl_modes: d[5],
            maximum_link_width: d[6] & 0x3F,
            negotiated_link_width: d[7] & 0x3F,
            supported_link_speeds_vector: d[8],
            max_link_speed: d[9],
            current_link_speed: d[10],
            ltssm_state: LtssmState::from_value(d[11]),
            first_negotiated_lane_number: d[12],
            link_state_flags: u16::from_le_bytes([d[13], d[14]]),
            supported_ld_count: d[15],
        }
    }
    fn describe_entry(&self, v: &mut dyn Visitor) {
        uint(v, "port_id", 0, 1, self.port_id.into());
        let s = self.current_port_configuration_state;
        bits(
            v,
            "current_port_configuration_state",
            1,
            3,
            0,
            s.value(),
            s.name(),
        );
        let m = self.connected_device_mode;
        hex(v, "connected_device_mode", 2, 1, m.value().into(), m.name());
        let t = self.connected_device_type;
        hex(v, "connected_device_type", 4, 1, t.value().into(), t.name());
        hex(
            v,
            "supported_cxl_modes",
            5,
            1,
            self.supported_cxl_modes.into(),
            None,
        );
        bits(
            v,
            "maximum_link_width",
            6,
            5,
            0,
            self.maximum_link_width,
            None,
        );
        bits(
            v,
            "negotiated_link_width",
            7,
            5,
            0,
            self.negotiated_link_width,
            None,
        );
        hex(
            v,
            "supported_link_speeds_vector",
            8,
            1,
            self.supported_link_speeds_vector.into(),
            None,
        );
        hex(
            v,
            "max_link_speed",
            9,
            1,
            self.max_link_speed.into(),
            link_speed(self.max_link_speed),
        );
        hex(
            v,
            "current_link_speed",
            10,
            1,
            self.current_link_speed.into(),
            link_speed(self.current_link_speed),
        );
        let l = self.ltssm_state;
        hex(v, "ltssm_state", 11, 1, l.value().into(), l.name());
        uint(
            v,
            "first_negotiated_lane_number",
            12,
            1,
            self.first_negotiated_lane_number.into(),
        );
        hex(
            v,
            "link_state_flags",
            13,
            2,
            self.link_state_flags.into(),
            None,
        );
        let f = self.link_state_flags as u8;
        flag(v, "lane_reversal_state", 13, 0, f);
        flag(v, "perst_state", 13, 1, f);
        flag(v, "prsnt_state", 13, 2, f);
        flag(v, "power_control_state", 13, 3, f);
        uint(
            v,
            "supported_ld_count",
            15,
            1,
            self.supported_ld_count.into(),
        );
    }
}

/// Get Physical Port State (5101h) response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetPhysicalPortStateResponse<'a> {
    pub ports: FixedList<'a, PortInfo>,
}

impl EmitPayload for GetPhysicalPortStateResponse<'_> {
    fn buffer_len(&self) -> usize {
        4 + self.ports.buffer_len()
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b[..4].fill(0);
        b[0] = self.ports.len() as u8;
        self.ports.emit_exact(&mut b[4..]);
    }
}

impl<'a> CxlBody<'a> for GetPhysicalPortStateResponse<'a> {
    const OPCODE: u16 = op::GET_PHYSICAL_PORT_STATE;
    const REQUEST: bool = false;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        let n = u8_at(d, 0)?;
        bytes(d, 0, 4)?;
        let ports = FixedList::parse(d, 4, n.into())?;
        Ok((
            GetPhysicalPortStateResponse { ports },
            4 + ports.buffer_len(),
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, " / {} ports", self.ports.len())?;
        for p in self.ports.iter().take(8) {
            write!(
                w,
                " [{}: {} {}",
                p.port_id, p.current_port_configuration_state, p.ltssm_state
            )?;
            if p.negotiated_link_width != 0 {
                write!(w, " x{}", p.negotiated_link_width)?;
            }
            w.write_str("]")?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        uint(v, "number_of_ports", 0, 1, self.ports.len() as u64);
        self.ports.describe_list(v, "port_information", 4);
    }
}

/// Get LD Info (5400h) response, 11 bytes (reference §7.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetLdInfoResponse {
    /// Bytes.
    pub memory_size: u64,
    pub ld_count: u16,
    /// Bit 0 egress port congestion, bit 1 temporary throughput reduction.
    pub qos_telemetry_capability: u8,
}

impl EmitPayload for GetLdInfoResponse {
    fn buffer_len(&self) -> usize {
        11
    }
    fn emit_exact(&self, b: &mut [u8]) {
        put64(b, 0, self.memory_size);
        put16(b, 8, self.ld_count);
        b[10] = self.qos_telemetry_capability;
    }
}

impl<'a> CxlBody<'a> for GetLdInfoResponse {
    const OPCODE: u16 = op::GET_LD_INFO;
    const REQUEST: bool = false;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        bytes(d, 0, 11)?;
        Ok((
            GetLdInfoResponse {
                memory_size: le64(d, 0)?,
                ld_count: le16(d, 8)?,
                qos_telemetry_capability: u8_at(d, 10)?,
            },
            11,
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            " / size={} bytes lds={}",
            self.memory_size, self.ld_count
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        uint(v, "memory_size", 0, 8, self.memory_size);
        uint(v, "ld_count", 8, 2, self.ld_count.into());
        hex(
            v,
            "qos_telemetry_capability",
            10,
            1,
            self.qos_telemetry_capability.into(),
            None,
        );
        flag(
            v,
            "egress_port_congestion_supported",
            10,
            0,
            self.qos_telemetry_capability,
        );
        flag(
            v,
            "temporary_throughput_reduction_supported",
            10,
            1,
            self.qos_telemetry_capability,
        );
    }
}

open_enum! {
    /// Tunnel target type (reference §5.1).
    pub enum TargetType: u8 {
        PortOrLd = 0 => "port or LD based",
        LdPoolCci = 1 => "LD pool CCI",
    }
}

/// Tunnel Management Command (5300h) request: a whole CCI request message
/// (12-byte header + payload) addressed to a port or LD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TunnelRequest<'a> {
    /// Switch downstream port number or LD-ID (ignored for the LD pool CCI).
    pub port_or_ld_id: u8,
    pub target_type: TargetType,
    /// The enclosed CCI message (Command Size = its length).
    pub command: &'a [u8],
}

impl TunnelRequest<'_> {
    /// Offset of the enclosed message inside the payload.
    pub const COMMAND: usize = 4;
}

impl EmitPayload for TunnelRequest<'_> {
    fn buffer_len(&self) -> usize {
        4 + self.command.len()
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b[0] = self.port_or_ld_id;
        b[1] = self.target_type.value() & 0x0F;
        put16(b, 2, self.command.len() as u16);
        b[4..].copy_from_slice(self.command);
    }
}

impl<'a> CxlBody<'a> for TunnelRequest<'a> {
    const OPCODE: u16 = op::TUNNEL_MANAGEMENT_COMMAND;
    const REQUEST: bool = true;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        bytes(d, 0, 4)?;
        let size = usize::from(le16(d, 2)?);
        Ok((
            TunnelRequest {
                port_or_ld_id: u8_at(d, 0)?,
                target_type: TargetType::from_value(u8_at(d, 1)? & 0x0F),
                command: bytes(d, 4, size)?,
            },
            4 + size,
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match self.target_type {
            TargetType::LdPoolCci => w.write_str(" / LD pool CCI"),
            _ => write!(w, " / port/LD {}", self.port_or_ld_id),
        }
    }
    fn describe(&self, v: &mut dyn Visitor) {
        uint(v, "port_or_ld_id", 0, 1, self.port_or_ld_id.into());
        let t = self.target_type;
        bits(v, "target_type", 1, 3, 0, t.value(), t.name());
        uint(v, "command_size", 2, 2, self.command.len() as u64);
    }
}

/// Tunnel Management Command (5300h) response: the enclosed CCI response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TunnelResponse<'a> {
    /// The enclosed CCI message (Response Length = its length).
    pub response: &'a [u8],
}

impl TunnelResponse<'_> {
    /// Offset of the enclosed message inside the payload.
    pub const COMMAND: usize = 4;
}

impl EmitPayload for TunnelResponse<'_> {
    fn buffer_len(&self) -> usize {
        4 + self.response.len()
    }
    fn emit_exact(&self, b: &mut [u8]) {
        put16(b, 0, self.response.len() as u16);
        put16(b, 2, 0);
        b[4..].copy_from_slice(self.response);
    }
}

impl<'a> CxlBody<'a> for TunnelResponse<'a> {
    const OPCODE: u16 = op::TUNNEL_MANAGEMENT_COMMAND;
    const REQUEST: bool = false;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        bytes(d, 0, 4)?;
        let size = usize::from(le16(d, 0)?);
        Ok((
            TunnelResponse {
                response: bytes(d, 4, size)?,
            },
            4 + size,
        ))
    }
    fn summary(&self, _w: &mut dyn fmt::Write) -> fmt::Result {
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        uint(v, "response_length", 0, 2, self.response.len() as u64);
    }
}
