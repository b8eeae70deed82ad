//! Fluent PLDM message builder (no_std; writes into a caller buffer, with
//! an `alloc`-gated `to_vec`).
//!
//! ```
//! use mctpkit_wire::pldm::builder::{self, PldmBuilder};
//! use mctpkit_wire::pldm::{platform, PldmType};
//!
//! // A GetSensorReading request in one expression...
//! let msg = builder::get_sensor_reading_request(3, 5, false);
//! let mut buf = [0u8; 16];
//! let n = msg.emit_bytes(&mut buf).unwrap();
//! assert_eq!(&buf[..n], &[0x01, 0x83, 0x02, 0x11, 0x05, 0x00, 0x00]);
//!
//! // ...or from parts.
//! let n = PldmBuilder::request(PldmType::Platform, platform::Command::GetSensorReading.value())
//!     .instance_id(3)
//!     .emit_data(&[0x05, 0x00, 0x00], &mut buf)
//!     .unwrap();
//! assert_eq!(n, 7);
//! ```

use crate::error::{Error, Layer, Result};

use super::base::{self, GetPldmVersionResponse, TransferFlag, Ver32, VERSION_CRC};
use super::body::PldmRepr;
use super::platform::{self, DataSize, Numeric};
use super::{Body, Header, Message, PldmType};

/// Builds a PLDM header, then a message around some data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PldmBuilder {
    header: Header,
}

impl PldmBuilder {
    /// A request (Rq=1, D=0, instance 0).
    pub const fn request(pldm_type: PldmType, command: u8) -> Self {
        PldmBuilder {
            header: Header::request(pldm_type, command, 0),
        }
    }

    /// A response with completion code `cc`.
    pub const fn response(pldm_type: PldmType, command: u8, cc: u8) -> Self {
        PldmBuilder {
            header: Header::response(pldm_type, command, 0, cc),
        }
    }

    /// Set the instance ID (0..31).
    #[must_use]
    pub const fn instance_id(mut self, iid: u8) -> Self {
        self.header.instance_id = iid & 0x1F;
        self
    }

    /// Set the datagram (D) bit: an unacknowledged / async request.
    #[must_use]
    pub const fn datagram(mut self, d: bool) -> Self {
        self.header.d = d;
        self
    }

    /// The header built so far.
    pub const fn header(&self) -> Header {
        self.header
    }

    /// A message with an already-typed body.
    pub const fn body<'a>(&self, body: Body<'a>) -> Message<'a> {
        Message {
            header: self.header,
            body,
        }
    }

    /// A message whose data is decoded like a received one.
    pub fn data<'a>(&self, data: &'a [u8]) -> Message<'a> {
        let body = Body::parse(&self.header, data)
            .unwrap_or_else(|error| Body::Malformed { error, raw: data });
        self.body(body)
    }

    /// Write header + `data` into `buf`; returns the length.
    pub fn emit_data(&self, data: &[u8], buf: &mut [u8]) -> Result<usize> {
        let h = self.header.buffer_len();
        let n = h + data.len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Pldm, n, buf.len()));
        }
        self.header.emit_bytes(buf)?;
        buf[h..n].copy_from_slice(data);
        Ok(n)
    }

    /// Write header + an encoded command `Repr` into `buf`.
    pub fn emit_repr<'a, R: PldmRepr<'a>>(&self, repr: &R, buf: &mut [u8]) -> Result<usize> {
        let h = self.header.buffer_len();
        let n = h + repr.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Pldm, n, buf.len()));
        }
        self.header.emit_bytes(buf)?;
        repr.emit_bytes(&mut buf[h..n])?;
        Ok(n)
    }
}

#[cfg(feature = "alloc")]
impl Message<'_> {
    /// Encode into a new vector.
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0u8; self.buffer_len()];
        // The buffer has exactly buffer_len() bytes, so emit cannot fail.
        let _ = self.emit_bytes(&mut v);
        v
    }
}

fn base_msg(h: Header, b: base::Body<'_>) -> Message<'_> {
    Message {
        header: h,
        body: Body::Base {
            body: b,
            trailing: &[],
        },
    }
}

fn platform_msg(h: Header, b: platform::Body<'_>) -> Message<'_> {
    Message {
        header: h,
        body: Body::Platform {
            body: b,
            trailing: &[],
        },
    }
}

/// GetTID request.
pub fn get_tid_request(iid: u8) -> Message<'static> {
    Message {
        header: Header::request(PldmType::Base, base::Command::GetTid.value(), iid),
        body: Body::Empty,
    }
}

/// GetTID response (SUCCESS).
pub fn get_tid_response(iid: u8, tid: u8) -> Message<'static> {
    base_msg(
        Header::response(PldmType::Base, base::Command::GetTid.value(), iid, 0),
        base::Body::GetTidResponse(base::GetTidResponse { tid }),
    )
}

/// SetTID request.
pub fn set_tid_request(iid: u8, tid: u8) -> Message<'static> {
    base_msg(
        Header::request(PldmType::Base, base::Command::SetTid.value(), iid),
        base::Body::SetTidRequest(base::SetTidRequest { tid }),
    )
}

/// GetPLDMVersion request for the first part of `pldm_type`'s versions.
pub fn get_pldm_version_request(iid: u8, pldm_type: PldmType) -> Message<'static> {
    base_msg(
        Header::request(PldmType::Base, base::Command::GetPldmVersion.value(), iid),
        base::Body::GetPldmVersionRequest(base::GetPldmVersionRequest {
            data_transfer_handle: 0,
            transfer_operation_flag: base::TransferOperationFlag::GetFirstPart,
            pldm_type,
        }),
    )
}

/// Write a single-part GetPLDMVersion response listing `versions` (with
/// its CRC-32) into `buf`; returns the length. Versions go into `scratch`
/// first (4 bytes each), so the result borrows nothing.
pub fn emit_get_pldm_version_response(
    iid: u8,
    versions: &[Ver32],
    scratch: &mut [u8],
    buf: &mut [u8],
) -> Result<usize> {
    let n = versions.len() * 4;
    if scratch.len() < n {
        return Err(Error::buffer_too_small(Layer::Pldm, n, scratch.len()));
    }
    for (i, v) in versions.iter().enumerate() {
        scratch[i * 4..i * 4 + 4].copy_from_slice(&v.to_wire());
    }
    let data = &scratch[..n];
    let rsp = GetPldmVersionResponse {
        next_data_transfer_handle: 0,
        transfer_flag: TransferFlag::StartAndEnd,
        version_data: data,
        crc32: Some(VERSION_CRC.checksum(data)),
    };
    PldmBuilder::response(PldmType::Base, base::Command::GetPldmVersion.value(), 0)
        .instance_id(iid)
        .emit_repr(&rsp, buf)
}

/// GetPLDMTypes request (no data).
///
/// ```
/// use mctpkit_wire::pldm::builder;
/// // DSP0240 Table 11: Rq=1, iid 2, type 0, command 0x04.
/// assert_eq!(builder::get_pldm_types_request(2).to_vec(), [0x01, 0x82, 0x00, 0x04]);
/// ```
pub fn get_pldm_types_request(iid: u8) -> Message<'static> {
    Message {
        header: Header::request(PldmType::Base, base::Command::GetPldmTypes.value(), iid),
        body: Body::Empty,
    }
}

/// GetPLDMTypes response listing `types`.
pub fn get_pldm_types_response(iid: u8, types: &[u8]) -> Message<'static> {
    base_msg(
        Header::response(PldmType::Base, base::Command::GetPldmTypes.value(), iid, 0),
        base::Body::GetPldmTypesResponse(base::GetPldmTypesResponse::from_types(types)),
    )
}

/// GetPLDMCommands request.
pub fn get_pldm_commands_request(iid: u8, pldm_type: PldmType, version: Ver32) -> Message<'static> {
    base_msg(
        Header::request(PldmType::Base, base::Command::GetPldmCommands.value(), iid),
        base::Body::GetPldmCommandsRequest(base::TypeVersionRequest { pldm_type, version }),
    )
}

/// GetSensorReading request.
pub fn get_sensor_reading_request(iid: u8, sensor_id: u16, rearm: bool) -> Message<'static> {
    platform_msg(
        Header::request(
            PldmType::Platform,
            platform::Command::GetSensorReading.value(),
            iid,
        ),
        platform::Body::GetSensorReadingRequest(platform::GetSensorReadingRequest {
            sensor_id,
            rearm_event_state: u8::from(rearm),
        }),
    )
}

/// GetSensorReading response: enabled, events enabled, `state` in all three
/// state fields, and `reading` of `size`.
pub fn get_sensor_reading_response(
    iid: u8,
    size: DataSize,
    reading: i64,
    state: platform::SensorState,
) -> Message<'static> {
    platform_msg(
        Header::response(
            PldmType::Platform,
            platform::Command::GetSensorReading.value(),
            iid,
            0,
        ),
        platform::Body::GetSensorReadingResponse(platform::GetSensorReadingResponse {
            sensor_operational_state: platform::SensorOperationalState::Enabled,
            sensor_event_message_enable: platform::SensorEventMessageEnable::EventsEnabled,
            present_state: state,
            previous_state: state,
            event_state: state,
            present_reading: Numeric {
                size,
                value: reading,
            },
        }),
    )
}

/// SetNumericEffecterValue request.
pub fn set_numeric_effecter_value_request(
    iid: u8,
    effecter_id: u16,
    size: DataSize,
    value: i64,
) -> Message<'static> {
    platform_msg(
        Header::request(
            PldmType::Platform,
            platform::Command::SetNumericEffecterValue.value(),
            iid,
        ),
        platform::Body::SetNumericEffecterValueRequest(platform::SetNumericEffecterValueRequest {
            effecter_id,
            effecter_value: Numeric { size, value },
        }),
    )
}

/// GetPDR request for the first part of `record_handle`.
pub fn get_pdr_request(iid: u8, record_handle: u32, request_count: u16) -> Message<'static> {
    platform_msg(
        Header::request(PldmType::Platform, platform::Command::GetPdr.value(), iid),
        platform::Body::GetPdrRequest(platform::GetPdrRequest {
            record_handle,
            data_transfer_handle: 0,
            transfer_operation_flag: platform::TransferOperationFlag::GetFirstPart,
            request_count,
            record_change_number: 0,
        }),
    )
}
