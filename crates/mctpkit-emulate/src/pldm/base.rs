//! PLDM type 0, messaging control and discovery (DSP0240 §9), for the
//! emulated terminus.

use mctpkit_wire::pldm::base::{
    Command, GetPldmCommandsResponse, GetPldmTypesResponse, GetPldmVersionRequest, GetTidResponse,
    SetTidRequest, TransferOperationFlag, TypeVersionRequest, Ver32,
};
use mctpkit_wire::pldm::{builder, CompletionCode, Header, PldmType};

use super::{decode, no_data, success, success_empty, PldmTerminus, Reply};

/// Type 0 command-specific completion codes (DSP0240 Table 8 onwards;
/// libpldm `pldm_base_completion_codes`).
pub mod cc {
    pub const INVALID_DATA_TRANSFER_HANDLE: u8 = 0x80;
    pub const INVALID_TRANSFER_OPERATION_FLAG: u8 = 0x81;
    pub const INVALID_PLDM_TYPE_IN_REQUEST_DATA: u8 = 0x83;
    pub const INVALID_PLDM_VERSION_IN_REQUEST_DATA: u8 = 0x84;
}

/// The PLDM types served, with the one version of each and its commands.
const TYPES: [(PldmType, Ver32, &[u8]); 2] = [
    // DSP0240 1.1.0: SetTID, GetTID, GetPLDMVersion, GetPLDMTypes,
    // GetPLDMCommands.
    (
        PldmType::Base,
        Ver32::new(1, 1, Some(0)),
        &[0x01, 0x02, 0x03, 0x04, 0x05],
    ),
    // DSP0248 1.2.0: SetEventReceiver, GetSensorReading,
    // GetStateSensorReadings, GetPDRRepositoryInfo, GetPDR.
    (
        PldmType::Platform,
        Ver32::new(1, 2, Some(0)),
        &[0x04, 0x11, 0x21, 0x50, 0x51],
    ),
];

fn served(t: PldmType) -> Option<(Ver32, &'static [u8])> {
    TYPES
        .iter()
        .find(|(x, _, _)| *x == t)
        .map(|&(_, v, c)| (v, c))
}

pub(super) fn handle(term: &mut PldmTerminus, h: &Header, data: &[u8]) -> Reply {
    match Command::from_value(h.command) {
        // §9.1: TID 0x00 and 0xFF are reserved.
        Command::SetTid => {
            let r: SetTidRequest = decode(data)?;
            if r.tid == 0 || r.tid == 0xFF {
                return Err(CompletionCode::ErrorInvalidData.value());
            }
            term.tid = r.tid;
            term.refresh_locator();
            success_empty(h)
        }
        Command::GetTid => {
            no_data(data)?;
            success(h, &GetTidResponse { tid: term.tid })
        }
        Command::GetPldmVersion => get_pldm_version(h, decode(data)?),
        Command::GetPldmTypes => {
            no_data(data)?;
            let types: Vec<u8> = TYPES.iter().map(|(t, _, _)| t.value()).collect();
            success(h, &GetPldmTypesResponse::from_types(&types))
        }
        Command::GetPldmCommands => {
            let r: TypeVersionRequest = decode(data)?;
            let (v, cmds) = served(r.pldm_type).ok_or(cc::INVALID_PLDM_TYPE_IN_REQUEST_DATA)?;
            if r.version != v {
                return Err(cc::INVALID_PLDM_VERSION_IN_REQUEST_DATA);
            }
            success(h, &GetPldmCommandsResponse::from_commands(cmds))
        }
        _ => Err(CompletionCode::ErrorUnsupportedPldmCmd.value()),
    }
}

/// §9.3: one version per type, so every answer is a single part
/// (StartAndEnd) with its CRC-32.
fn get_pldm_version(h: &Header, r: GetPldmVersionRequest) -> Reply {
    if r.transfer_operation_flag != TransferOperationFlag::GetFirstPart {
        return Err(cc::INVALID_TRANSFER_OPERATION_FLAG);
    }
    if r.data_transfer_handle != 0 {
        return Err(cc::INVALID_DATA_TRANSFER_HANDLE);
    }
    let (v, _) = served(r.pldm_type).ok_or(cc::INVALID_PLDM_TYPE_IN_REQUEST_DATA)?;
    let mut scratch = [0u8; 4];
    let mut buf = [0u8; 32];
    let n = builder::emit_get_pldm_version_response(h.instance_id, &[v], &mut scratch, &mut buf)
        .map_err(|_| CompletionCode::Error.value())?;
    Ok(buf[..n].to_vec())
}
