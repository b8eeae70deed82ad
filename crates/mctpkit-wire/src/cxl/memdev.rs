//! Memory device command payloads (CXL r3.1 §8.2.9.9): Identify Memory
//! Device (4000h), Get Partition Info (4100h), Get Health Info (4200h).
//! Layouts: `/work/shared/reference/cxl.md` §6.2 and §7.2–7.3; the Identify
//! Memory Device offsets match Linux's `struct cxl_mbox_identify` (69 bytes,
//! 67 in CXL 2.0 without the Dynamic Capacity Event Log Size).
//!
//! ```text
//!  Get Health Info (4200h) rsp, 18 bytes
//!   00 Health Status   01 Media Status   02 Additional Status   03 Life Used
//!   04 Device Temperature (s16, °C)      06 Dirty Shutdown Count       u32
//!   0A Corrected Volatile Error Count u32  0E Corrected Persistent Error Count u32
//! ```

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::Result;
use crate::macros::open_enum;

use super::common::*;
use super::opcode::op;

/// Capacities are reported in multiples of 256 MiB.
pub const CAPACITY_UNIT: u64 = 256 * 1024 * 1024;

/// Identify Memory Device (4000h) response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IdentifyMemoryDeviceResponse {
    /// ASCII FW revision.
    pub fw_revision: [u8; 16],
    /// Capacities in 256 MiB units.
    pub total_capacity: u64,
    pub volatile_only_capacity: u64,
    pub persistent_only_capacity: u64,
    pub partition_alignment: u64,
    pub informational_event_log_size: u16,
    pub warning_event_log_size: u16,
    pub failure_event_log_size: u16,
    pub fatal_event_log_size: u16,
    pub lsa_size: u32,
    /// 24 bits.
    pub poison_list_maximum_media_error_records: u32,
    pub inject_poison_limit: u16,
    pub poison_handling_capabilities: u8,
    pub qos_telemetry_capabilities: u8,
    /// Absent in the 67-byte CXL 2.0 form.
    pub dynamic_capacity_event_log_size: Option<u16>,
}

impl EmitPayload for IdentifyMemoryDeviceResponse {
    fn buffer_len(&self) -> usize {
        if self.dynamic_capacity_event_log_size.is_some() {
            0x45
        } else {
            0x43
        }
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b[..16].copy_from_slice(&self.fw_revision);
        put64(b, 0x10, self.total_capacity);
        put64(b, 0x18, self.volatile_only_capacity);
        put64(b, 0x20, self.persistent_only_capacity);
        put64(b, 0x28, self.partition_alignment);
        put16(b, 0x30, self.informational_event_log_size);
        put16(b, 0x32, self.warning_event_log_size);
        put16(b, 0x34, self.failure_event_log_size);
        put16(b, 0x36, self.fatal_event_log_size);
        put32(b, 0x38, self.lsa_size);
        b[0x3C..0x3F]
            .copy_from_slice(&self.poison_list_maximum_media_error_records.to_le_bytes()[..3]);
        put16(b, 0x3F, self.inject_poison_limit);
        b[0x41] = self.poison_handling_capabilities;
        b[0x42] = self.qos_telemetry_capabilities;
        if let Some(s) = self.dynamic_capacity_event_log_size {
            put16(b, 0x43, s);
        }
    }
}

impl<'a> CxlBody<'a> for IdentifyMemoryDeviceResponse {
    const OPCODE: u16 = op::IDENTIFY_MEMORY_DEVICE;
    const REQUEST: bool = false;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        bytes(d, 0, 0x43)?;
        let dc = if d.len() >= 0x45 {
            Some(le16(d, 0x43)?)
        } else {
            None
        };
        let p = bytes(d, 0x3C, 3)?;
        let r = IdentifyMemoryDeviceResponse {
            fw_revision: array(d, 0)?,
            total_capacity: le64(d, 0x10)?,
            volatile_only_capacity: le64(d, 0x18)?,
            persistent_only_capacity: le64(d, 0x20)?,
            partition_alignment: le64(d, 0x28)?,
            informational_event_log_size: le16(d, 0x30)?,
            warning_event_log_size: le16(d, 0x32)?,
            failure_event_log_size: le16(d, 0x34)?,
            fatal_event_log_size: le16(d, 0x36)?,
            lsa_size: le32(d, 0x38)?,
            poison_list_maximum_media_error_records: u32::from_le_bytes([p[0], p[1], p[2], 0]),
            inject_poison_limit: le16(d, 0x3F)?,
            poison_handling_capabilities: u8_at(d, 0x41)?,
            qos_telemetry_capabilities: u8_at(d, 0x42)?,
            dynamic_capacity_event_log_size: dc,
        };
        Ok((r, r.buffer_len()))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        w.write_str(" / ")?;
        if let Some(t) = ascii(&self.fw_revision) {
            write!(w, "fw \"{t}\" ")?;
        }
        write!(
            w,
            "total={} MiB volatile={} MiB persistent={} MiB",
            self.total_capacity.saturating_mul(256),
            self.volatile_only_capacity.saturating_mul(256),
            self.persistent_only_capacity.saturating_mul(256)
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        match ascii(&self.fw_revision) {
            Some(t) => v.field(&Field::new("fw_revision", 0, 16, Value::Str(t))),
            None => v.field(&Field::new(
                "fw_revision",
                0,
                16,
                Value::Bytes(&self.fw_revision),
            )),
        }
        let unit = Some("256 MiB units");
        for (name, at, x) in [
            ("total_capacity", 0x10, self.total_capacity),
            ("volatile_only_capacity", 0x18, self.volatile_only_capacity),
            (
                "persistent_only_capacity",
                0x20,
                self.persistent_only_capacity,
            ),
            ("partition_alignment", 0x28, self.partition_alignment),
        ] {
            v.field(&Field::new(name, at, 8, Value::Uint(x)).meaning(unit));
        }
        uint(
            v,
            "informational_event_log_size",
            0x30,
            2,
            self.informational_event_log_size.into(),
        );
        uint(
            v,
            "warning_event_log_size",
            0x32,
            2,
            self.warning_event_log_size.into(),
        );
        uint(
            v,
            "failure_event_log_size",
            0x34,
            2,
            self.failure_event_log_size.into(),
        );
        uint(
            v,
            "fatal_event_log_size",
            0x36,
            2,
            self.fatal_event_log_size.into(),
        );
        uint(v, "lsa_size", 0x38, 4, self.lsa_size.into());
        uint(
            v,
            "poison_list_maximum_media_error_records",
            0x3C,
            3,
            self.poison_list_maximum_media_error_records.into(),
        );
        uint(
            v,
            "inject_poison_limit",
            0x3F,
            2,
            self.inject_poison_limit.into(),
        );
        hex(
            v,
            "poison_handling_capabilities",
            0x41,
            1,
            self.poison_handling_capabilities.into(),
            None,
        );
        hex(
            v,
            "qos_telemetry_capabilities",
            0x42,
            1,
            self.qos_telemetry_capabilities.into(),
            None,
        );
        flag(
            v,
            "egress_port_congestion_supported",
            0x42,
            0,
            self.qos_telemetry_capabilities,
        );
        flag(
            v,
            "temporary_throughput_reduction_supported",
            0x42,
            1,
            self.qos_telemetry_capabilities,
        );
        if let Some(s) = self.dynamic_capacity_event_log_size {
            uint(v, "dynamic_capacity_event_log_size", 0x43, 2, s.into());
        }
    }
}

/// Get Partition Info (4100h) response; all in 256 MiB units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetPartitionInfoResponse {
    pub active_volatile_capacity: u64,
    pub active_persistent_capacity: u64,
    pub next_volatile_capacity: u64,
    pub next_persistent_capacity: u64,
}

impl EmitPayload for GetPartitionInfoResponse {
    fn buffer_len(&self) -> usize {
        32
    }
    fn emit_exact(&self, b: &mut [u8]) {
        put64(b, 0, self.active_volatile_capacity);
        put64(b, 8, self.active_persistent_capacity);
        put64(b, 16, self.next_volatile_capacity);
        put64(b, 24, self.next_persistent_capacity);
    }
}

impl<'a> CxlBody<'a> for GetPartitionInfoResponse {
    const OPCODE: u16 = op::GET_PARTITION_INFO;
    const REQUEST: bool = false;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        bytes(d, 0, 32)?;
        Ok((
            GetPartitionInfoResponse {
                active_volatile_capacity: le64(d, 0)?,
                active_persistent_capacity: le64(d, 8)?,
                next_volatile_capacity: le64(d, 16)?,
                next_persistent_capacity: le64(d, 24)?,
            },
            32,
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            " / active volatile={} MiB persistent={} MiB",
            self.active_volatile_capacity.saturating_mul(256),
            self.active_persistent_capacity.saturating_mul(256)
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        let unit = Some("256 MiB units");
        for (name, at, x) in [
            ("active_volatile_capacity", 0, self.active_volatile_capacity),
            (
                "active_persistent_capacity",
                8,
                self.active_persistent_capacity,
            ),
            ("next_volatile_capacity", 16, self.next_volatile_capacity),
            (
                "next_persistent_capacity",
                24,
                self.next_persistent_capacity,
            ),
        ] {
            v.field(&Field::new(name, at, 8, Value::Uint(x)).meaning(unit));
        }
    }
}

open_enum! {
    /// Media Status (reference §7.2).
    pub enum MediaStatus: u8 {
        Normal = 0 => "normal",
        NotReady = 1 => "not ready",
        WritePersistencyLost = 2 => "write persistency lost",
        AllDataLost = 3 => "all data lost",
        WritePersistencyLossPowerLoss = 4 => "write persistency loss in the event of power loss",
        WritePersistencyLossShutdown = 5 => "write persistency loss in event of shutdown",
        WritePersistencyLossImminent = 6 => "write persistency loss is imminent",
        AllDataLossPowerLoss = 7 => "all data loss in the event of power loss",
        AllDataLossShutdown = 8 => "all data loss in the event of shutdown",
        AllDataLossImminent = 9 => "all data loss is imminent",
    }
}

/// Name of a 2-bit normal/warning/critical indicator.
const fn level(x: u8) -> Option<&'static str> {
    match x {
        0 => Some("normal"),
        1 => Some("warning"),
        2 => Some("critical"),
        _ => None,
    }
}

/// Get Health Info (4200h) response (reference §7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetHealthInfoResponse {
    /// Bit 0 maintenance needed, 1 performance degraded, 2 hardware replacement needed.
    pub health_status: u8,
    pub media_status: MediaStatus,
    /// `[1:0]` life used, `[3:2]` device temperature (normal/warning/critical),
    /// bit 4 corrected volatile / bit 5 corrected persistent error count warning.
    pub additional_status: u8,
    /// Percent; FFh = not implemented.
    pub life_used: u8,
    /// °C, signed; FFFFh (-1) = not implemented.
    pub device_temperature: i16,
    pub dirty_shutdown_count: u32,
    pub corrected_volatile_error_count: u32,
    pub corrected_persistent_error_count: u32,
}

impl EmitPayload for GetHealthInfoResponse {
    fn buffer_len(&self) -> usize {
        18
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b[0] = self.health_status;
        b[1] = self.media_status.value();
        b[2] = self.additional_status;
        b[3] = self.life_used;
        b[4..6].copy_from_slice(&self.device_temperature.to_le_bytes());
        put32(b, 6, self.dirty_shutdown_count);
        put32(b, 0x0A, self.corrected_volatile_error_count);
        put32(b, 0x0E, self.corrected_persistent_error_count);
    }
}

impl<'a> CxlBody<'a> for GetHealthInfoResponse {
    const OPCODE: u16 = op::GET_HEALTH_INFO;
    const REQUEST: bool = false;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        bytes(d, 0, 18)?;
        Ok((
            GetHealthInfoResponse {
                health_status: u8_at(d, 0)?,
                media_status: MediaStatus::from_value(u8_at(d, 1)?),
                additional_status: u8_at(d, 2)?,
                life_used: u8_at(d, 3)?,
                device_temperature: le16(d, 4)? as i16,
                dirty_shutdown_count: le32(d, 6)?,
                corrected_volatile_error_count: le32(d, 0x0A)?,
                corrected_persistent_error_count: le32(d, 0x0E)?,
            },
            18,
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        w.write_str(" / ")?;
        write_flags(
            w,
            self.health_status.into(),
            &[(0, "maintenance-needed"), (1, "degraded"), (2, "replace")],
        )?;
        write!(w, " media={}", self.media_status)?;
        if self.life_used != 0xFF {
            write!(w, " life={}%", self.life_used)?;
        }
        if self.device_temperature != -1 {
            write!(w, " temp={}C", self.device_temperature)?;
        }
        write!(w, " dirty_shutdowns={}", self.dirty_shutdown_count)
    }
    fn describe(&self, v: &mut dyn Visitor) {
        hex(v, "health_status", 0, 1, self.health_status.into(), None);
        flag(v, "maintenance_needed", 0, 0, self.health_status);
        flag(v, "performance_degraded", 0, 1, self.health_status);
        flag(v, "hardware_replacement_needed", 0, 2, self.health_status);
        hex(
            v,
            "media_status",
            1,
            1,
            self.media_status.value().into(),
            self.media_status.name(),
        );
        let a = self.additional_status;
        hex(v, "additional_status", 2, 1, a.into(), None);
        bits(v, "life_used_status", 2, 1, 0, a & 3, level(a & 3));
        bits(
            v,
            "device_temperature_status",
            2,
            3,
            2,
            (a >> 2) & 3,
            level((a >> 2) & 3),
        );
        flag(v, "corrected_volatile_error_count_warning", 2, 4, a);
        flag(v, "corrected_persistent_error_count_warning", 2, 5, a);
        v.field(
            &Field::new("life_used", 3, 1, Value::Uint(self.life_used.into())).meaning(
                if self.life_used == 0xFF {
                    Some("not implemented")
                } else {
                    Some("percent")
                },
            ),
        );
        v.field(
            &Field::new(
                "device_temperature",
                4,
                2,
                Value::Display(&self.device_temperature),
            )
            .meaning(if self.device_temperature == -1 {
                Some("not implemented")
            } else {
                Some("degrees C")
            }),
        );
        uint(
            v,
            "dirty_shutdown_count",
            6,
            4,
            self.dirty_shutdown_count.into(),
        );
        uint(
            v,
            "corrected_volatile_error_count",
            0x0A,
            4,
            self.corrected_volatile_error_count.into(),
        );
        uint(
            v,
            "corrected_persistent_error_count",
            0x0E,
            4,
            self.corrected_persistent_error_count.into(),
        );
    }
}
