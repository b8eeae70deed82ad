//! Generic component command payloads (CXL r3.1 §8.2.9.1–§8.2.9.5):
//! Identify, Background Operation Status, Get Event Records, Get FW Info,
//! Get/Set Timestamp, Get Supported Logs and Get Log (with the Command
//! Effects Log). Layouts: `/work/shared/reference/cxl.md` §3 and §7.
//!
//! ```text
//!  Identify (0001h) rsp, 18 bytes         Background Operation Status (0002h) rsp, 8 bytes
//!   00 PCIe Vendor ID        u16           00 [0] running  [7:1] percent complete
//!   02 PCIe Device ID        u16           01 reserved
//!   04 Subsystem Vendor ID   u16           02 opcode                u16
//!   06 Subsystem ID          u16           04 return code           u16
//!   08 Device Serial Number  u64           06 vendor ext. status    u16
//!   10 Max Supported Message Size (2^n)
//!   11 Component Type
//! ```

use core::fmt;

use crate::describe::{Field, Value, Visitor};
use crate::error::Result;
use crate::macros::open_enum;

use super::common::*;
use super::opcode::{op, opcode_name, ReturnCode};

open_enum! {
    /// Identify's Component Type (reference §7.1).
    pub enum ComponentType: u8 {
        Switch = 0x00 => "switch",
        Type3Device = 0x03 => "Type 3 device",
    }
}

/// Identify (0001h) response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IdentifyResponse {
    pub pcie_vendor_id: u16,
    pub pcie_device_id: u16,
    pub pcie_subsystem_vendor_id: u16,
    pub pcie_subsystem_id: u16,
    pub device_serial_number: u64,
    /// n: messages up to 2^n bytes are supported.
    pub max_supported_message_size: u8,
    pub component_type: ComponentType,
}

impl EmitPayload for IdentifyResponse {
    fn buffer_len(&self) -> usize {
        18
    }
    fn emit_exact(&self, b: &mut [u8]) {
        put16(b, 0, self.pcie_vendor_id);
        put16(b, 2, self.pcie_device_id);
        put16(b, 4, self.pcie_subsystem_vendor_id);
        put16(b, 6, self.pcie_subsystem_id);
        put64(b, 8, self.device_serial_number);
        b[16] = self.max_supported_message_size;
        b[17] = self.component_type.value();
    }
}

impl<'a> CxlBody<'a> for IdentifyResponse {
    const OPCODE: u16 = op::IDENTIFY;
    const REQUEST: bool = false;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        bytes(d, 0, 18)?;
        Ok((
            IdentifyResponse {
                pcie_vendor_id: le16(d, 0)?,
                pcie_device_id: le16(d, 2)?,
                pcie_subsystem_vendor_id: le16(d, 4)?,
                pcie_subsystem_id: le16(d, 6)?,
                device_serial_number: le64(d, 8)?,
                max_supported_message_size: u8_at(d, 16)?,
                component_type: ComponentType::from_value(u8_at(d, 17)?),
            },
            18,
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            " / {:04x}:{:04x} sn={:016x} {}",
            self.pcie_vendor_id,
            self.pcie_device_id,
            self.device_serial_number,
            self.component_type
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        hex(v, "pcie_vendor_id", 0, 2, self.pcie_vendor_id.into(), None);
        hex(v, "pcie_device_id", 2, 2, self.pcie_device_id.into(), None);
        hex(
            v,
            "pcie_subsystem_vendor_id",
            4,
            2,
            self.pcie_subsystem_vendor_id.into(),
            None,
        );
        hex(
            v,
            "pcie_subsystem_id",
            6,
            2,
            self.pcie_subsystem_id.into(),
            None,
        );
        hex(
            v,
            "device_serial_number",
            8,
            8,
            self.device_serial_number,
            None,
        );
        uint(
            v,
            "max_supported_message_size",
            16,
            1,
            self.max_supported_message_size.into(),
        );
        v.field(&Field::derived(
            "max_supported_message_bytes",
            Value::Uint(
                1u64.checked_shl(self.max_supported_message_size.into())
                    .unwrap_or(0),
            ),
        ));
        hex(
            v,
            "component_type",
            17,
            1,
            self.component_type.value().into(),
            self.component_type.name(),
        );
    }
}

/// Background Operation Status (0002h) response (reference §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BackgroundOperationStatusResponse {
    /// A background operation is in progress.
    pub running: bool,
    /// Percentage complete (0..=100; 7 bits on the wire).
    pub percentage_complete: u8,
    /// Opcode of the last background command.
    pub opcode: u16,
    pub return_code: ReturnCode,
    pub vendor_specific_extended_status: u16,
}

impl EmitPayload for BackgroundOperationStatusResponse {
    fn buffer_len(&self) -> usize {
        8
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b[0] = ((self.percentage_complete & 0x7F) << 1) | self.running as u8;
        b[1] = 0;
        put16(b, 2, self.opcode);
        put16(b, 4, self.return_code.value());
        put16(b, 6, self.vendor_specific_extended_status);
    }
}

impl<'a> CxlBody<'a> for BackgroundOperationStatusResponse {
    const OPCODE: u16 = op::BACKGROUND_OPERATION_STATUS;
    const REQUEST: bool = false;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        bytes(d, 0, 8)?;
        let s = u8_at(d, 0)?;
        Ok((
            BackgroundOperationStatusResponse {
                running: s & 1 != 0,
                percentage_complete: s >> 1,
                opcode: le16(d, 2)?,
                return_code: ReturnCode::from_value(le16(d, 4)?),
                vendor_specific_extended_status: le16(d, 6)?,
            },
            8,
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            " / {} {:04x}h {}% {}",
            if self.running { "running" } else { "idle" },
            self.opcode,
            self.percentage_complete,
            self.return_code
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::bits("running", 0, 0, 0, Value::Bool(self.running)));
        bits(
            v,
            "percentage_complete",
            0,
            7,
            1,
            self.percentage_complete,
            None,
        );
        hex(v, "opcode", 2, 2, self.opcode.into(), None);
        v.field(&Field::derived(
            "opcode_name",
            opcode_name(self.opcode).map_or(Value::Null, Value::Str),
        ));
        hex(
            v,
            "return_code",
            4,
            2,
            self.return_code.value().into(),
            self.return_code.name(),
        );
        hex(
            v,
            "vendor_specific_extended_status",
            6,
            2,
            self.vendor_specific_extended_status.into(),
            None,
        );
    }
}

/// A single u64 timestamp payload: Get Timestamp (0300h) response and
/// Set Timestamp (0301h) request. Nanoseconds since 1970-01-01 UTC.
macro_rules! timestamp_body {
    ($(#[$m:meta])* $name:ident, $op:expr, $req:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub struct $name {
            /// Nanoseconds since midnight 1970-01-01 UTC.
            pub timestamp: u64,
        }
        impl EmitPayload for $name {
            fn buffer_len(&self) -> usize {
                8
            }
            fn emit_exact(&self, b: &mut [u8]) {
                put64(b, 0, self.timestamp);
            }
        }
        impl<'a> CxlBody<'a> for $name {
            const OPCODE: u16 = $op;
            const REQUEST: bool = $req;
            fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
                Ok(($name { timestamp: le64(d, 0)? }, 8))
            }
            fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
                write!(w, " / timestamp={} ns", self.timestamp)
            }
            fn describe(&self, v: &mut dyn Visitor) {
                uint(v, "timestamp", 0, 8, self.timestamp);
            }
        }
    };
}

timestamp_body!(
    /// Get Timestamp (0300h) response.
    GetTimestampResponse, op::GET_TIMESTAMP, false
);
timestamp_body!(
    /// Set Timestamp (0301h) request.
    SetTimestampRequest, op::SET_TIMESTAMP, true
);

open_enum! {
    /// Event log selector (Get/Clear Event Records; reference §7.9).
    pub enum EventLog: u8 {
        Informational = 0 => "informational",
        Warning = 1 => "warning",
        Failure = 2 => "failure",
        Fatal = 3 => "fatal",
        DynamicCapacity = 4 => "dynamic capacity",
    }
}

/// Get Event Records (0100h) request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetEventRecordsRequest {
    pub event_log: EventLog,
}

impl EmitPayload for GetEventRecordsRequest {
    fn buffer_len(&self) -> usize {
        1
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b[0] = self.event_log.value();
    }
}

impl<'a> CxlBody<'a> for GetEventRecordsRequest {
    const OPCODE: u16 = op::GET_EVENT_RECORDS;
    const REQUEST: bool = true;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            GetEventRecordsRequest {
                event_log: EventLog::from_value(u8_at(d, 0)?),
            },
            1,
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, " / log={}", self.event_log)
    }
    fn describe(&self, v: &mut dyn Visitor) {
        hex(
            v,
            "event_log",
            0,
            1,
            self.event_log.value().into(),
            self.event_log.name(),
        );
    }
}

/// Event record UUIDs (CXL r3.1 §8.2.9.2.1, Table 8-43; §7.6.9 for the
/// FM-API ones), in wire (RFC 4122) byte order.
pub fn event_record_name(u: &[u8; 16]) -> Option<&'static str> {
    const KNOWN: &[([u8; 16], &str)] = &[
        (
            [
                0xfb, 0xcd, 0x0a, 0x77, 0xc2, 0x60, 0x41, 0x7f, 0x85, 0xa9, 0x08, 0x8b, 0x16, 0x21,
                0xeb, 0xa6,
            ],
            "General Media Event Record",
        ),
        (
            [
                0x60, 0x1d, 0xcb, 0xb3, 0x9c, 0x06, 0x4e, 0xab, 0xb8, 0xaf, 0x4e, 0x9b, 0xfb, 0x5c,
                0x96, 0x24,
            ],
            "DRAM Event Record",
        ),
        (
            [
                0xfe, 0x92, 0x74, 0x75, 0xdd, 0x59, 0x43, 0x39, 0xa5, 0x86, 0x79, 0xba, 0xb1, 0x13,
                0xb7, 0x74,
            ],
            "Memory Module Event Record",
        ),
        (
            [
                0x77, 0xcf, 0x92, 0x71, 0x9c, 0x02, 0x47, 0x0b, 0x9f, 0xe4, 0xbc, 0x7b, 0x75, 0xf2,
                0xda, 0x97,
            ],
            "Physical Switch Event Record",
        ),
        (
            [
                0x40, 0xd2, 0x64, 0x25, 0x33, 0x96, 0x4c, 0x4d, 0xa5, 0xda, 0x3d, 0x47, 0x26, 0x3a,
                0xf4, 0x25,
            ],
            "Virtual Switch Event Record",
        ),
        (
            [
                0x8d, 0xc4, 0x43, 0x63, 0x0c, 0x96, 0x47, 0x10, 0xb7, 0xbf, 0x04, 0xbb, 0x99, 0x53,
                0x4c, 0x3f,
            ],
            "MLD Port Event Record",
        ),
        (
            [
                0xca, 0x95, 0xaf, 0xa7, 0xf1, 0x83, 0x40, 0x18, 0x8c, 0x2f, 0x95, 0x26, 0x8e, 0x10,
                0x1a, 0x2a,
            ],
            "Dynamic Capacity Event Record",
        ),
    ];
    KNOWN.iter().find(|(k, _)| k == u).map(|(_, n)| *n)
}

/// Names of the event record flags (bits 2..8 of the 24-bit field; bits
/// `[1:0]` are the severity). CXL r3.1 Table 8-43 up to bit 6; bits 7 and 8
/// (LD-ID / Head ID valid) are r3.2 (reference §7.9).
const EVENT_FLAGS: &[(u8, &str)] = &[
    (2, "permanent_condition"),
    (3, "maintenance_needed"),
    (4, "performance_degraded"),
    (5, "hardware_replacement_needed"),
    (6, "maintenance_operation_subclass_valid"),
    (7, "ld_id_valid"),
    (8, "head_id_valid"),
];

/// One event record: the 48-byte common header (r3.2 Table 8-55) and the
/// 80 bytes of record-specific data (kept raw).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EventRecord<'a> {
    pub event_record_identifier: [u8; 16],
    pub event_record_length: u8,
    /// 24-bit flags: `[1:0]` severity, then the `EVENT_FLAGS` bits.
    pub event_record_flags: u32,
    pub event_record_handle: u16,
    pub related_event_record_handle: u16,
    pub event_record_timestamp: u64,
    pub maintenance_operation_class: u8,
    pub maintenance_operation_subclass: u8,
    pub ld_id: u16,
    pub head_id: u8,
    /// The whole 128-byte record as received (reserved bytes included).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub raw: &'a [u8],
}

impl EventRecord<'_> {
    /// Encoded size.
    pub const SIZE: usize = 128;
    /// Record-specific data (bytes 30h..80h).
    pub fn data(&self) -> &[u8] {
        self.raw.get(0x30..).unwrap_or(&[])
    }
    /// Severity (flags `[1:0]`).
    pub fn severity(&self) -> EventLog {
        EventLog::from_value((self.event_record_flags & 3) as u8)
    }
}

impl<'a> FixedEntry<'a> for EventRecord<'a> {
    const SIZE: usize = 128;
    fn parse_entry(d: &'a [u8]) -> Self {
        // `d` is exactly 128 bytes (FixedList hands out exact chunks).
        let g16 = |i: usize| u16::from_le_bytes([d[i], d[i + 1]]);
        let mut id = [0u8; 16];
        id.copy_from_slice(&d[..16]);
        let mut ts = [0u8; 8];
        ts.copy_from_slice(&d[0x18..0x20]);
        EventRecord {
            event_record_identifier: id,
            event_record_length: d[0x10],
            event_record_flags: u32::from_le_bytes([d[0x11], d[0x12], d[0x13], 0]),
            event_record_handle: g16(0x14),
            related_event_record_handle: g16(0x16),
            event_record_timestamp: u64::from_le_bytes(ts),
            maintenance_operation_class: d[0x20],
            maintenance_operation_subclass: d[0x21],
            ld_id: g16(0x22),
            head_id: d[0x24],
            raw: d,
        }
    }
    fn describe_entry(&self, v: &mut dyn Visitor) {
        uuid(
            v,
            "event_record_identifier",
            0,
            &self.event_record_identifier,
            event_record_name(&self.event_record_identifier),
        );
        uint(
            v,
            "event_record_length",
            0x10,
            1,
            self.event_record_length.into(),
        );
        hex(
            v,
            "event_record_flags",
            0x11,
            3,
            self.event_record_flags.into(),
            None,
        );
        let sev = self.severity();
        v.field(
            &Field::bits("severity", 0x11, 1, 0, Value::Uint(sev.value().into()))
                .meaning(sev.name()),
        );
        for &(bit, name) in EVENT_FLAGS {
            let (byte, b) = (0x11 + usize::from(bit / 8), bit % 8);
            v.field(&Field::bits(
                name,
                byte,
                b,
                b,
                Value::Bool(self.event_record_flags & (1 << bit) != 0),
            ));
        }
        hex(
            v,
            "event_record_handle",
            0x14,
            2,
            self.event_record_handle.into(),
            None,
        );
        hex(
            v,
            "related_event_record_handle",
            0x16,
            2,
            self.related_event_record_handle.into(),
            None,
        );
        uint(
            v,
            "event_record_timestamp",
            0x18,
            8,
            self.event_record_timestamp,
        );
        hex(
            v,
            "maintenance_operation_class",
            0x20,
            1,
            self.maintenance_operation_class.into(),
            None,
        );
        hex(
            v,
            "maintenance_operation_subclass",
            0x21,
            1,
            self.maintenance_operation_subclass.into(),
            None,
        );
        uint(v, "ld_id", 0x22, 2, self.ld_id.into());
        uint(v, "head_id", 0x24, 1, self.head_id.into());
        let data = self.data();
        v.field(&Field::new(
            "event_record_data",
            0x30,
            data.len(),
            Value::Bytes(data),
        ));
    }
}

/// Get Event Records (0100h) response (reference §7.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetEventRecordsResponse<'a> {
    /// Bit 0 overflow, bit 1 more event records.
    pub flags: u8,
    pub overflow_error_count: u16,
    pub first_overflow_event_timestamp: u64,
    pub last_overflow_event_timestamp: u64,
    /// The records (Event Record Count = `records.len()`).
    pub records: FixedList<'a, EventRecord<'a>>,
}

impl GetEventRecordsResponse<'_> {
    /// Offset of the first record.
    pub const RECORDS: usize = 0x20;
    /// The log overflowed.
    pub fn overflow(&self) -> bool {
        self.flags & 1 != 0
    }
    /// More records are waiting: read again.
    pub fn more_event_records(&self) -> bool {
        self.flags & 2 != 0
    }
}

impl EmitPayload for GetEventRecordsResponse<'_> {
    fn buffer_len(&self) -> usize {
        Self::RECORDS + self.records.buffer_len()
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b[..Self::RECORDS].fill(0);
        b[0] = self.flags;
        put16(b, 2, self.overflow_error_count);
        put64(b, 4, self.first_overflow_event_timestamp);
        put64(b, 0x0C, self.last_overflow_event_timestamp);
        put16(b, 0x14, self.records.len() as u16);
        self.records.emit_exact(&mut b[Self::RECORDS..]);
    }
}

impl<'a> CxlBody<'a> for GetEventRecordsResponse<'a> {
    const OPCODE: u16 = op::GET_EVENT_RECORDS;
    const REQUEST: bool = false;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        bytes(d, 0, Self::RECORDS)?;
        let count = le16(d, 0x14)?;
        let records = FixedList::parse(d, Self::RECORDS, count.into())?;
        Ok((
            GetEventRecordsResponse {
                flags: u8_at(d, 0)?,
                overflow_error_count: le16(d, 2)?,
                first_overflow_event_timestamp: le64(d, 4)?,
                last_overflow_event_timestamp: le64(d, 0x0C)?,
                records,
            },
            Self::RECORDS + records.buffer_len(),
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, " / {} records", self.records.len())?;
        if self.more_event_records() {
            w.write_str(", more")?;
        }
        if self.overflow() {
            write!(w, ", overflow ({} lost)", self.overflow_error_count)?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        hex(v, "flags", 0, 1, self.flags.into(), None);
        flag(v, "overflow", 0, 0, self.flags);
        flag(v, "more_event_records", 0, 1, self.flags);
        uint(
            v,
            "overflow_error_count",
            2,
            2,
            self.overflow_error_count.into(),
        );
        uint(
            v,
            "first_overflow_event_timestamp",
            4,
            8,
            self.first_overflow_event_timestamp,
        );
        uint(
            v,
            "last_overflow_event_timestamp",
            0x0C,
            8,
            self.last_overflow_event_timestamp,
        );
        uint(v, "event_record_count", 0x14, 2, self.records.len() as u64);
        self.records
            .describe_list(v, "event_records", Self::RECORDS);
    }
}

/// Get FW Info (0200h) response, 80 bytes (reference §7.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetFwInfoResponse {
    pub fw_slots_supported: u8,
    /// `[2:0]` active slot, `[5:3]` slot staged for the next activation.
    pub fw_slot_info: u8,
    /// Bit 0: online activation supported.
    pub fw_activation_capabilities: u8,
    /// Slot 1..4 FW revision, ASCII, not NUL-terminated.
    pub slot_fw_revision: [[u8; 16]; 4],
}

impl GetFwInfoResponse {
    /// Active FW slot (1..4).
    pub const fn active_slot(&self) -> u8 {
        self.fw_slot_info & 7
    }
    /// Slot staged for the next activation (0 = none).
    pub const fn staged_slot(&self) -> u8 {
        (self.fw_slot_info >> 3) & 7
    }
}

impl EmitPayload for GetFwInfoResponse {
    fn buffer_len(&self) -> usize {
        80
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b[..0x10].fill(0);
        b[0] = self.fw_slots_supported;
        b[1] = self.fw_slot_info;
        b[2] = self.fw_activation_capabilities;
        for (i, r) in self.slot_fw_revision.iter().enumerate() {
            b[0x10 + 16 * i..0x20 + 16 * i].copy_from_slice(r);
        }
    }
}

impl<'a> CxlBody<'a> for GetFwInfoResponse {
    const OPCODE: u16 = op::GET_FW_INFO;
    const REQUEST: bool = false;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        bytes(d, 0, 80)?;
        Ok((
            GetFwInfoResponse {
                fw_slots_supported: u8_at(d, 0)?,
                fw_slot_info: u8_at(d, 1)?,
                fw_activation_capabilities: u8_at(d, 2)?,
                slot_fw_revision: [
                    array(d, 0x10)?,
                    array(d, 0x20)?,
                    array(d, 0x30)?,
                    array(d, 0x40)?,
                ],
            },
            80,
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            " / {} slots, active {}",
            self.fw_slots_supported,
            self.active_slot()
        )?;
        let i = usize::from(self.active_slot());
        if let Some(r) = i.checked_sub(1).and_then(|i| self.slot_fw_revision.get(i)) {
            if let Some(t) = ascii(r) {
                write!(w, " \"{t}\"")?;
            }
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        uint(
            v,
            "fw_slots_supported",
            0,
            1,
            self.fw_slots_supported.into(),
        );
        bits(v, "active_fw_slot", 1, 2, 0, self.active_slot(), None);
        bits(v, "staged_fw_slot", 1, 5, 3, self.staged_slot(), None);
        flag(
            v,
            "online_activation_supported",
            2,
            0,
            self.fw_activation_capabilities,
        );
        const NAMES: [&str; 4] = [
            "slot_1_fw_revision",
            "slot_2_fw_revision",
            "slot_3_fw_revision",
            "slot_4_fw_revision",
        ];
        for (i, r) in self.slot_fw_revision.iter().enumerate() {
            let at = 0x10 + 16 * i;
            match ascii(r) {
                Some(t) => v.field(&Field::new(NAMES[i], at, 16, Value::Str(t))),
                None => v.field(&Field::new(NAMES[i], at, 16, Value::Bytes(r))),
            }
        }
    }
}

/// Command Effects Log UUID (reference §7.7).
pub const CEL_UUID: [u8; 16] = [
    0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78, 0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
];
/// Vendor Debug Log UUID (reference §7.7).
pub const VENDOR_DEBUG_LOG_UUID: [u8; 16] = [
    0x5e, 0x18, 0x19, 0xd9, 0x11, 0xa9, 0x40, 0x0c, 0x81, 0x1f, 0xd6, 0x07, 0x19, 0x40, 0x3d, 0x86,
];

/// Name of a log identifier.
pub fn log_name(u: &[u8; 16]) -> Option<&'static str> {
    if *u == CEL_UUID {
        Some("Command Effects Log")
    } else if *u == VENDOR_DEBUG_LOG_UUID {
        Some("Vendor Debug Log")
    } else {
        None
    }
}

/// One Get Supported Logs entry: log identifier + log size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SupportedLogEntry {
    pub log_identifier: [u8; 16],
    pub log_size: u32,
}

impl EmitPayload for SupportedLogEntry {
    fn buffer_len(&self) -> usize {
        20
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b[..16].copy_from_slice(&self.log_identifier);
        put32(b, 16, self.log_size);
    }
}

impl<'a> FixedEntry<'a> for SupportedLogEntry {
    const SIZE: usize = 20;
    fn parse_entry(d: &'a [u8]) -> Self {
        let mut id = [0u8; 16];
        id.copy_from_slice(&d[..16]);
        SupportedLogEntry {
            log_identifier: id,
            log_size: u32::from_le_bytes([d[16], d[17], d[18], d[19]]),
        }
    }
    fn describe_entry(&self, v: &mut dyn Visitor) {
        uuid(
            v,
            "log_identifier",
            0,
            &self.log_identifier,
            log_name(&self.log_identifier),
        );
        uint(v, "log_size", 16, 4, self.log_size.into());
    }
}

/// Get Supported Logs (0400h) response (reference §7.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetSupportedLogsResponse<'a> {
    pub entries: FixedList<'a, SupportedLogEntry>,
}

impl EmitPayload for GetSupportedLogsResponse<'_> {
    fn buffer_len(&self) -> usize {
        8 + self.entries.buffer_len()
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b[..8].fill(0);
        put16(b, 0, self.entries.len() as u16);
        self.entries.emit_exact(&mut b[8..]);
    }
}

impl<'a> CxlBody<'a> for GetSupportedLogsResponse<'a> {
    const OPCODE: u16 = op::GET_SUPPORTED_LOGS;
    const REQUEST: bool = false;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        bytes(d, 0, 8)?;
        let n = le16(d, 0)?;
        let entries = FixedList::parse(d, 8, n.into())?;
        Ok((
            GetSupportedLogsResponse { entries },
            8 + entries.buffer_len(),
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, " / {} logs", self.entries.len())?;
        for e in self.entries.iter() {
            match log_name(&e.log_identifier) {
                Some("Command Effects Log") => write!(w, " CEL({})", e.log_size)?,
                Some(n) => write!(w, " {n}({})", e.log_size)?,
                None => write!(
                    w,
                    " {:02x}{:02x}..({})",
                    e.log_identifier[0], e.log_identifier[1], e.log_size
                )?,
            }
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        uint(
            v,
            "number_of_supported_log_entries",
            0,
            2,
            self.entries.len() as u64,
        );
        self.entries.describe_list(v, "supported_log_entries", 8);
    }
}

/// Get Log (0401h) request (reference §7.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetLogRequest {
    pub log_identifier: [u8; 16],
    pub offset: u32,
    pub length: u32,
}

impl EmitPayload for GetLogRequest {
    fn buffer_len(&self) -> usize {
        24
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b[..16].copy_from_slice(&self.log_identifier);
        put32(b, 16, self.offset);
        put32(b, 20, self.length);
    }
}

impl<'a> CxlBody<'a> for GetLogRequest {
    const OPCODE: u16 = op::GET_LOG;
    const REQUEST: bool = true;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        bytes(d, 0, 24)?;
        Ok((
            GetLogRequest {
                log_identifier: array(d, 0)?,
                offset: le32(d, 16)?,
                length: le32(d, 20)?,
            },
            24,
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match log_name(&self.log_identifier) {
            Some(n) => write!(w, " / {n}")?,
            None => write!(
                w,
                " / log {}",
                crate::describe::UuidText(&self.log_identifier)
            )?,
        }
        write!(w, " offset={} length={}", self.offset, self.length)
    }
    fn describe(&self, v: &mut dyn Visitor) {
        uuid(
            v,
            "log_identifier",
            0,
            &self.log_identifier,
            log_name(&self.log_identifier),
        );
        uint(v, "offset", 16, 4, self.offset.into());
        uint(v, "length", 20, 4, self.length.into());
    }
}

/// Command Effect bits of a CEL entry. CXL r3.1 Table 8-75 as quoted by the
/// spec text (bits 0–11). Note: Linux (`CXL_CMD_BGCMD_ABORT_SUPPORTED`) and
/// QEMU (`CXL_MBOX_BACKGROUND_OPERATION_ABORT`) put "abort supported" at
/// bit 7; the spec text and reference §7.8 have Secondary Mailbox Supported
/// at bit 7 and Request Abort Background Operation Supported at bit 8. We
/// follow the spec.
pub const COMMAND_EFFECTS: &[(u8, &str)] = &[
    (0, "configuration_change_after_cold_reset"),
    (1, "immediate_configuration_change"),
    (2, "immediate_data_change"),
    (3, "immediate_policy_change"),
    (4, "immediate_log_change"),
    (5, "security_state_change"),
    (6, "background_operation"),
    (7, "secondary_mailbox_supported"),
    (8, "request_abort_background_operation_supported"),
    (9, "cel_11_10_valid"),
    (10, "configuration_change_after_conventional_reset"),
    (11, "configuration_change_after_cxl_reset"),
];

/// One Command Effects Log entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CelEntry {
    pub opcode: u16,
    pub command_effect: u16,
}

impl<'a> FixedEntry<'a> for CelEntry {
    const SIZE: usize = 4;
    fn parse_entry(d: &'a [u8]) -> Self {
        CelEntry {
            opcode: u16::from_le_bytes([d[0], d[1]]),
            command_effect: u16::from_le_bytes([d[2], d[3]]),
        }
    }
    fn describe_entry(&self, v: &mut dyn Visitor) {
        hex(v, "opcode", 0, 2, self.opcode.into(), None);
        v.field(&Field::derived(
            "opcode_name",
            opcode_name(self.opcode).map_or(Value::Null, Value::Str),
        ));
        hex(v, "command_effect", 2, 2, self.command_effect.into(), None);
        for &(bit, name) in COMMAND_EFFECTS {
            let (byte, b) = (2 + usize::from(bit / 8), bit % 8);
            v.field(&Field::bits(
                name,
                byte,
                b,
                b,
                Value::Bool(self.command_effect & (1 << bit) != 0),
            ));
        }
    }
}

/// Get Log (0401h) response: `length` bytes of log data. When the log is
/// known (from the request, through [`super::Context`]) to be the Command
/// Effects Log, the data is also decoded as CEL entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetLogResponse<'a> {
    /// The data is a Command Effects Log (known from the request).
    pub cel: bool,
    pub data: &'a [u8],
}

impl<'a> GetLogResponse<'a> {
    /// The data as CEL entries (4 bytes each; a partial last entry is ignored).
    pub fn cel_entries(&self) -> FixedList<'a, CelEntry> {
        FixedList::from_bytes(self.data)
    }
}

impl EmitPayload for GetLogResponse<'_> {
    fn buffer_len(&self) -> usize {
        self.data.len()
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b.copy_from_slice(self.data);
    }
}

impl<'a> CxlBody<'a> for GetLogResponse<'a> {
    const OPCODE: u16 = op::GET_LOG;
    const REQUEST: bool = false;
    fn parse_prefix(d: &'a [u8]) -> Result<(Self, usize)> {
        Ok((
            GetLogResponse {
                cel: false,
                data: d,
            },
            d.len(),
        ))
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        if self.cel {
            write!(w, " / CEL {} entries", self.cel_entries().len())
        } else {
            write!(w, " / {} bytes", self.data.len())
        }
    }
    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::new(
            "log_data",
            0,
            self.data.len(),
            Value::Bytes(self.data),
        ));
        if self.cel {
            self.cel_entries().describe_list(v, "cel", 0);
        }
    }
}
