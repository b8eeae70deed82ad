//! Craft NVMe-MI messages in one expression, MIC included.
//!
//! ```
//! use mctpkit_wire::nvme_mi::builder;
//!
//! let mut buf = [0u8; 32];
//! let n = builder::subsystem_health_status_poll(0, true).build(&mut buf).unwrap();
//! assert_eq!(&buf[..4], &[0x84, 0x08, 0x00, 0x00]);
//! assert_eq!(n, 4 + 12 + 4); // header, MI request, MIC
//!
//! let n = builder::admin_identify(0, mctpkit_wire::nvme_mi::Cns::IdentifyController)
//!     .csi(1)
//!     .build(&mut buf[..])
//!     .unwrap_err(); // 72 bytes do not fit in 32
//! ```
//!
//! Output starts at the type byte (0x84: IC set) and ends with the MIC
//! (CRC-32C, little-endian). Nothing allocates; `to_vec()` needs `alloc`.

use crate::error::Result;

use super::admin::{AdminRequest, AdminResponse, CompletionQueueEntry};
use super::codes::{
    AdminOpcode, Cns, ConfigurationId, ControlOpcode, DataStructureType, FeatureId, FeatureSelect,
    LogId, MiOpcode, Nmimt, Status,
};
use super::mi::{MiRequest, MiResponse};
use super::primitive::{ControlRequest, ControlResponse};
use super::{Body, Header, Message};

/// An NVMe-MI message under construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Builder<'a> {
    pub header: Header,
    pub body: Body<'a>,
}

impl<'a> Builder<'a> {
    /// Any header and body.
    pub const fn new(header: Header, body: Body<'a>) -> Self {
        Builder { header, body }
    }
    /// Command slot (0 or 1).
    pub const fn csi(mut self, csi: u8) -> Self {
        self.header.csi = csi & 1;
        self
    }
    /// Management Endpoint Buffer bit.
    pub const fn meb(mut self, meb: bool) -> Self {
        self.header.meb = meb;
        self
    }
    /// IC bit: with `false` no MIC is appended (type byte 0x04).
    pub const fn ic(mut self, ic: bool) -> Self {
        self.header.ic = ic;
        self
    }
    /// Adjust an admin request body (no-op for other bodies).
    pub fn admin(mut self, f: impl FnOnce(&mut AdminRequest<'a>)) -> Self {
        if let Body::AdminRequest(r) = &mut self.body {
            f(r);
        }
        self
    }
    /// The message as a value (no MIC verdict yet).
    pub fn message(&self) -> Message<'a> {
        Message {
            header: self.header,
            body: self.body,
            mic: None,
            context: None,
            len: self.buffer_len(),
        }
    }
    /// Total length, type byte through MIC.
    pub fn buffer_len(&self) -> usize {
        self.message_len()
    }
    fn message_len(&self) -> usize {
        super::HEADER_LEN + self.body.buffer_len() + if self.header.ic { super::MIC_LEN } else { 0 }
    }
    /// Encode into `buf`; returns the length.
    pub fn build(&self, buf: &mut [u8]) -> Result<usize> {
        self.message().emit_bytes(buf)
    }
    /// Encode into a new vector.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0u8; self.buffer_len()];
        // The buffer has exactly the right size, so this cannot fail.
        let n = self.build(&mut v).unwrap_or(0);
        v.truncate(n);
        v
    }
}

/// Any NVMe-MI command request.
pub fn mi_request(csi: u8, opcode: MiOpcode, dword0: u32, dword1: u32, data: &[u8]) -> Builder<'_> {
    Builder::new(
        Header::request(Nmimt::MiCommand, csi),
        Body::MiRequest(MiRequest {
            opcode,
            dword0,
            dword1,
            data,
        }),
    )
}

/// Any NVMe-MI command response.
pub fn mi_response(csi: u8, status: Status, nmresp: u32, data: &[u8]) -> Builder<'_> {
    Builder::new(
        Header::response(Nmimt::MiCommand, csi),
        Body::MiResponse(MiResponse {
            status,
            nmresp: nmresp & 0x00FF_FFFF,
            data,
        }),
    )
}

/// Read NVMe-MI Data Structure (0x00).
pub fn read_data_structure(
    csi: u8,
    dtyp: DataStructureType,
    port_id: u8,
    controller_id: u16,
) -> Builder<'static> {
    let d0 =
        (u32::from(dtyp.value()) << 24) | (u32::from(port_id) << 16) | u32::from(controller_id);
    mi_request(csi, MiOpcode::ReadDataStructure, d0, 0, &[])
}

/// NVM Subsystem Health Status Poll (0x01), optionally clearing the status.
pub fn subsystem_health_status_poll(csi: u8, clear: bool) -> Builder<'static> {
    mi_request(
        csi,
        MiOpcode::SubsystemHealthStatusPoll,
        0,
        if clear { 1 << 31 } else { 0 },
        &[],
    )
}

/// Controller Health Status Poll (0x02): start ID, max entries, Report All,
/// Clear Changed Flags (function filters and change selectors clear).
pub fn controller_health_status_poll(
    csi: u8,
    starting_controller_id: u16,
    max_entries: u8,
    report_all: bool,
    clear_changed_flags: bool,
) -> Builder<'static> {
    let d0 = u32::from(starting_controller_id)
        | (u32::from(max_entries) << 16)
        | if report_all { 1 << 31 } else { 0 };
    let d1 = if clear_changed_flags { 1 << 31 } else { 0 };
    mi_request(csi, MiOpcode::ControllerHealthStatusPoll, d0, d1, &[])
}

/// Configuration Get (0x04) of `id` on `port_id`.
pub fn configuration_get(csi: u8, id: ConfigurationId, port_id: u8) -> Builder<'static> {
    let d0 = u32::from(id.value()) | (u32::from(port_id) << 24);
    mi_request(csi, MiOpcode::ConfigurationGet, d0, 0, &[])
}

/// Configuration Set (0x03) of the MCTP Transmission Unit Size of a port.
pub fn configuration_set_mtu(csi: u8, port_id: u8, mtu: u16) -> Builder<'static> {
    let d0 =
        u32::from(ConfigurationId::MctpTransmissionUnitSize.value()) | (u32::from(port_id) << 24);
    mi_request(csi, MiOpcode::ConfigurationSet, d0, mtu.into(), &[])
}

/// VPD Read (0x05).
pub fn vpd_read(csi: u8, offset: u16, length: u16) -> Builder<'static> {
    mi_request(csi, MiOpcode::VpdRead, offset.into(), length.into(), &[])
}

/// VPD Write (0x06) of `data` at `offset`.
pub fn vpd_write(csi: u8, offset: u16, data: &[u8]) -> Builder<'_> {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX) & 0xFFFF;
    mi_request(csi, MiOpcode::VpdWrite, offset.into(), len, data)
}

/// Reset (0x07) with `reset_type` (0: NVM Subsystem Reset).
pub fn reset(csi: u8, reset_type: u8) -> Builder<'static> {
    mi_request(csi, MiOpcode::Reset, u32::from(reset_type) << 24, 0, &[])
}

/// Any admin request.
pub fn admin_request(request: AdminRequest<'_>) -> Builder<'_> {
    Builder::new(
        Header::request(Nmimt::AdminCommand, 0),
        Body::AdminRequest(request),
    )
}

/// Identify (0x06) of `cns` on controller `ctrl_id`; DLEN 4096, flags DLV|DOV.
pub fn admin_identify(ctrl_id: u16, cns: Cns) -> Builder<'static> {
    let mut r = AdminRequest::new(AdminOpcode::Identify, ctrl_id);
    r.flags = 0x3;
    r.data_length = 4096;
    r.set_cdw(10, cns.value().into());
    admin_request(r)
}

/// Get Log Page (0x02) of `lid`, `bytes` long (a multiple of 4, ≥ 4), from offset 0.
pub fn admin_get_log_page(ctrl_id: u16, lid: LogId, bytes: u32) -> Builder<'static> {
    let numd = (bytes / 4).saturating_sub(1);
    let mut r = AdminRequest::new(AdminOpcode::GetLogPage, ctrl_id);
    r.flags = 0x3;
    r.data_length = bytes;
    r.dw1_5[0] = 0xFFFF_FFFF;
    r.set_cdw(10, u32::from(lid.value()) | ((numd & 0xFFFF) << 16));
    r.set_cdw(11, numd >> 16);
    admin_request(r)
}

/// Get Features (0x0A) of `fid` with select `sel`.
pub fn admin_get_features(ctrl_id: u16, fid: FeatureId, sel: FeatureSelect) -> Builder<'static> {
    let mut r = AdminRequest::new(AdminOpcode::GetFeatures, ctrl_id);
    r.set_cdw(
        10,
        u32::from(fid.value()) | (u32::from(sel.value() & 7) << 8),
    );
    admin_request(r)
}

/// Admin response with a completion queue entry.
pub fn admin_response(
    csi: u8,
    status: Status,
    cqe: CompletionQueueEntry,
    data: &[u8],
) -> Builder<'_> {
    Builder::new(
        Header::response(Nmimt::AdminCommand, csi),
        Body::AdminResponse(AdminResponse {
            status,
            cqe: Some(cqe),
            data,
        }),
    )
}

/// Control primitive request.
pub fn control_primitive(csi: u8, opcode: ControlOpcode, tag: u8, cpsp: u16) -> Builder<'static> {
    Builder::new(
        Header::request(Nmimt::ControlPrimitive, csi),
        Body::ControlRequest(ControlRequest { opcode, tag, cpsp }),
    )
}

/// Control primitive response.
pub fn control_response(csi: u8, status: Status, tag: u8, cpsr: u16) -> Builder<'static> {
    Builder::new(
        Header::response(Nmimt::ControlPrimitive, csi),
        Body::ControlResponse(ControlResponse { status, tag, cpsr }),
    )
}
