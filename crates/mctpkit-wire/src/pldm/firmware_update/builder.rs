//! Craft firmware update (type 5) messages in one expression.
//!
//! ```
//! use mctpkit_wire::pldm::firmware_update::builder;
//!
//! let mut buf = [0u8; 32];
//! let n = builder::request_firmware_data_request(3, 0x400, 0x100)
//!     .emit_bytes(&mut buf)
//!     .unwrap();
//! assert_eq!(
//!     &buf[..n],
//!     &[0x01, 0x83, 0x05, 0x15, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]
//! );
//! ```
//!
//! Every function returns an [`FwMessage`] (header + typed body) starting at
//! the MCTP type byte: `emit_bytes` into a caller buffer, or `to_vec()` with
//! the `alloc` feature. Requests come in UA → FD and FD → UA flavours as the
//! spec defines them; the instance ID is masked to 5 bits.

use crate::pldm::{Header, PldmType};

use super::*;

fn req(cmd: Command, iid: u8, body: Body<'_>) -> FwMessage<'_> {
    FwMessage {
        header: Header::request(PldmType::FirmwareUpdate, cmd.value(), iid),
        body: Some(body),
        extra: &[],
    }
}

fn rsp(cmd: Command, iid: u8, body: Body<'_>) -> FwMessage<'_> {
    FwMessage {
        header: Header::response(PldmType::FirmwareUpdate, cmd.value(), iid, 0),
        body: Some(body),
        extra: &[],
    }
}

/// Any response with a non-success completion code and no data.
pub fn error_response(cmd: Command, iid: u8, cc: u8) -> FwMessage<'static> {
    FwMessage {
        header: Header::response(PldmType::FirmwareUpdate, cmd.value(), iid, cc),
        body: None,
        extra: &[],
    }
}

// --- Update Agent → Firmware Device requests -------------------------------

pub fn query_device_identifiers_request(iid: u8) -> FwMessage<'static> {
    req(Command::QueryDeviceIdentifiers, iid, Body::NoData)
}

pub fn get_firmware_parameters_request(iid: u8) -> FwMessage<'static> {
    req(Command::GetFirmwareParameters, iid, Body::NoData)
}

pub fn request_update_request(iid: u8, r: RequestUpdateRequest<'_>) -> FwMessage<'_> {
    req(Command::RequestUpdate, iid, Body::RequestUpdateRequest(r))
}

pub fn get_device_meta_data_request(
    iid: u8,
    handle: u32,
    op: TransferOperationFlag,
) -> FwMessage<'static> {
    let t = TransferRequest {
        data_transfer_handle: handle,
        transfer_operation_flag: op.value(),
    };
    req(
        Command::GetDeviceMetaData,
        iid,
        Body::GetDeviceMetaDataRequest(t),
    )
}

pub fn pass_component_table_request(iid: u8, r: PassComponentTableRequest<'_>) -> FwMessage<'_> {
    req(
        Command::PassComponentTable,
        iid,
        Body::PassComponentTableRequest(r),
    )
}

pub fn update_component_request(iid: u8, r: UpdateComponentRequest<'_>) -> FwMessage<'_> {
    req(
        Command::UpdateComponent,
        iid,
        Body::UpdateComponentRequest(r),
    )
}

pub fn activate_firmware_request(iid: u8, self_contained: bool) -> FwMessage<'static> {
    let r = ActivateFirmwareRequest {
        self_contained_activation_request: self_contained.into(),
    };
    req(
        Command::ActivateFirmware,
        iid,
        Body::ActivateFirmwareRequest(r),
    )
}

pub fn get_status_request(iid: u8) -> FwMessage<'static> {
    req(Command::GetStatus, iid, Body::NoData)
}

pub fn cancel_update_component_request(iid: u8) -> FwMessage<'static> {
    req(Command::CancelUpdateComponent, iid, Body::NoData)
}

pub fn cancel_update_request(iid: u8) -> FwMessage<'static> {
    req(Command::CancelUpdate, iid, Body::NoData)
}

// --- Firmware Device → Update Agent requests -------------------------------

pub fn get_package_data_request(
    iid: u8,
    handle: u32,
    op: TransferOperationFlag,
) -> FwMessage<'static> {
    let t = TransferRequest {
        data_transfer_handle: handle,
        transfer_operation_flag: op.value(),
    };
    req(Command::GetPackageData, iid, Body::GetPackageDataRequest(t))
}

pub fn get_meta_data_request(
    iid: u8,
    handle: u32,
    op: TransferOperationFlag,
) -> FwMessage<'static> {
    let t = TransferRequest {
        data_transfer_handle: handle,
        transfer_operation_flag: op.value(),
    };
    req(Command::GetMetaData, iid, Body::GetMetaDataRequest(t))
}

pub fn request_firmware_data_request(iid: u8, offset: u32, length: u32) -> FwMessage<'static> {
    let r = RequestFirmwareDataRequest { offset, length };
    req(
        Command::RequestFirmwareData,
        iid,
        Body::RequestFirmwareDataRequest(r),
    )
}

pub fn transfer_complete_request(iid: u8, result: TransferResult) -> FwMessage<'static> {
    let r = TransferCompleteRequest {
        transfer_result: result.value(),
    };
    req(
        Command::TransferComplete,
        iid,
        Body::TransferCompleteRequest(r),
    )
}

pub fn verify_complete_request(iid: u8, result: VerifyResult) -> FwMessage<'static> {
    let r = VerifyCompleteRequest {
        verify_result: result.value(),
    };
    req(Command::VerifyComplete, iid, Body::VerifyCompleteRequest(r))
}

pub fn apply_complete_request(
    iid: u8,
    result: ApplyResult,
    activation_methods_modification: u16,
) -> FwMessage<'static> {
    let r = ApplyCompleteRequest {
        apply_result: result.value(),
        component_activation_methods_modification: activation_methods_modification,
    };
    req(Command::ApplyComplete, iid, Body::ApplyCompleteRequest(r))
}

// --- Responses -------------------------------------------------------------

pub fn query_device_identifiers_response<'a>(
    iid: u8,
    descriptors: Descriptors<'a>,
) -> FwMessage<'a> {
    let r = QueryDeviceIdentifiersResponse { descriptors };
    rsp(
        Command::QueryDeviceIdentifiers,
        iid,
        Body::QueryDeviceIdentifiersResponse(r),
    )
}

pub fn get_firmware_parameters_response(
    iid: u8,
    r: GetFirmwareParametersResponse<'_>,
) -> FwMessage<'_> {
    rsp(
        Command::GetFirmwareParameters,
        iid,
        Body::GetFirmwareParametersResponse(r),
    )
}

pub fn request_update_response(
    iid: u8,
    meta_data_length: u16,
    will_send_get_package_data: bool,
) -> FwMessage<'static> {
    let r = RequestUpdateResponse {
        firmware_device_meta_data_length: meta_data_length,
        fd_will_send_get_package_data_command: will_send_get_package_data.into(),
    };
    rsp(Command::RequestUpdate, iid, Body::RequestUpdateResponse(r))
}

/// GetPackageData / GetDeviceMetaData / GetMetaData /
/// QueryDownstreamIdentifiers / GetDownstreamFirmwareParameters response.
pub fn transfer_response(cmd: Command, iid: u8, r: TransferResponse<'_>) -> Option<FwMessage<'_>> {
    let body = match cmd {
        Command::GetPackageData => Body::GetPackageDataResponse(r),
        Command::GetDeviceMetaData => Body::GetDeviceMetaDataResponse(r),
        Command::GetMetaData => Body::GetMetaDataResponse(r),
        Command::QueryDownstreamIdentifiers => Body::QueryDownstreamIdentifiersResponse(r),
        Command::GetDownstreamFirmwareParameters => {
            Body::GetDownstreamFirmwareParametersResponse(r)
        }
        _ => return None,
    };
    Some(rsp(cmd, iid, body))
}

pub fn pass_component_table_response(iid: u8, response: u8, code: u8) -> FwMessage<'static> {
    let r = PassComponentTableResponse {
        component_response: response,
        component_response_code: code,
    };
    rsp(
        Command::PassComponentTable,
        iid,
        Body::PassComponentTableResponse(r),
    )
}

pub fn update_component_response(iid: u8, r: UpdateComponentResponse) -> FwMessage<'static> {
    rsp(
        Command::UpdateComponent,
        iid,
        Body::UpdateComponentResponse(r),
    )
}

pub fn request_firmware_data_response(iid: u8, data: &[u8]) -> FwMessage<'_> {
    let r = RequestFirmwareDataResponse {
        component_image_portion: data,
    };
    rsp(
        Command::RequestFirmwareData,
        iid,
        Body::RequestFirmwareDataResponse(r),
    )
}

/// TransferComplete / VerifyComplete / ApplyComplete /
/// CancelUpdateComponent success response (no data).
pub fn empty_response(cmd: Command, iid: u8) -> FwMessage<'static> {
    rsp(cmd, iid, Body::NoData)
}

pub fn activate_firmware_response(iid: u8, estimated_seconds: u16) -> FwMessage<'static> {
    let r = ActivateFirmwareResponse {
        estimated_time_for_self_contained_activation: estimated_seconds,
    };
    rsp(
        Command::ActivateFirmware,
        iid,
        Body::ActivateFirmwareResponse(r),
    )
}

pub fn get_status_response(iid: u8, r: GetStatusResponse) -> FwMessage<'static> {
    rsp(Command::GetStatus, iid, Body::GetStatusResponse(r))
}

pub fn cancel_update_response(iid: u8, non_functioning: bool, bitmap: u64) -> FwMessage<'static> {
    let r = CancelUpdateResponse {
        non_functioning_component_indication: non_functioning.into(),
        non_functioning_component_bitmap: bitmap,
    };
    rsp(Command::CancelUpdate, iid, Body::CancelUpdateResponse(r))
}
