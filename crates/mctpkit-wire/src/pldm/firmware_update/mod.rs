//! PLDM for Firmware Update (PLDM type 5, DMTF DSP0267).
//!
//! ```text
//!  Update Agent (UA)                          Firmware Device (FD)
//!  QueryDeviceIdentifiers 0x01  ───────────▶  descriptors
//!  GetFirmwareParameters  0x02  ───────────▶  image set versions, component table
//!  RequestUpdate          0x10  ───────────▶  (enters update mode)
//!                               ◀───────────  GetPackageData 0x11 (optional)
//!  GetDeviceMetaData      0x12  ───────────▶  (optional)
//!  PassComponentTable     0x13  ───────────▶  per component
//!  UpdateComponent        0x14  ───────────▶  per component
//!                               ◀───────────  RequestFirmwareData 0x15 (offset, length)
//!                               ◀───────────  TransferComplete 0x16, VerifyComplete 0x17,
//!                                             ApplyComplete 0x18, GetMetaData 0x19
//!  ActivateFirmware       0x1A  ───────────▶  estimated activation time
//!  GetStatus 0x1B, CancelUpdateComponent 0x1C, CancelUpdate 0x1D
//! ```
//!
//! Command codes, completion codes (0x80–0x93) and body layouts agree
//! between libpldm (`firmware_update.h`) and CodeConstruct's `pldm-fw`
//! 0.2.0; where they differ it is noted at the item. All fields are
//! little-endian. `data` handed to [`Body::parse`] starts after the command
//! code (requests) or the completion code (responses); offsets are relative
//! to it.
//!
//! Decoding follows the per-type module contract of `pldm::body`:
//! [`Body::parse`] returns `None` for commands it does not decode and for
//! non-SUCCESS responses (DSP0240 error responses carry only the completion
//! code), `Some(Err)` for truncated or inconsistent data (the PLDM layer
//! keeps it as `Body::Malformed`), else the typed body and the bytes used;
//! bytes after that are trailing and reported by the dispatcher. Commands
//! without data decode to `Body::NoData`. [`FwMessage`] is a standalone
//! strict decoder for builders, tests and tools.

use core::fmt;

use crate::describe::{Field, Group, HexBytes, Value, Visitor};
use crate::error::{Error, ErrorKind, Layer, Result};
use crate::macros::open_enum;

use super::{CompletionCode, Header, PldmType};

pub mod builder;
pub mod common;

pub use common::{
    encode_descriptors, Descriptor, DescriptorIter, DescriptorType, Descriptors, Part, StringType,
    Timestamp104, TransferFlag, TransferOperationFlag, VersionString,
};

use common::{le_struct, transfer_flag_name, transfer_operation_flag_name, Reader, Writer};

open_enum! {
    /// Firmware update commands (DSP0267 Table 12 / libpldm / pldm-fw).
    pub enum Command: u8 {
        QueryDeviceIdentifiers = 0x01 => "QueryDeviceIdentifiers",
        GetFirmwareParameters = 0x02 => "GetFirmwareParameters",
        QueryDownstreamDevices = 0x03 => "QueryDownstreamDevices",
        QueryDownstreamIdentifiers = 0x04 => "QueryDownstreamIdentifiers",
        GetDownstreamFirmwareParameters = 0x05 => "GetDownstreamFirmwareParameters",
        RequestUpdate = 0x10 => "RequestUpdate",
        GetPackageData = 0x11 => "GetPackageData",
        GetDeviceMetaData = 0x12 => "GetDeviceMetaData",
        PassComponentTable = 0x13 => "PassComponentTable",
        UpdateComponent = 0x14 => "UpdateComponent",
        RequestFirmwareData = 0x15 => "RequestFirmwareData",
        TransferComplete = 0x16 => "TransferComplete",
        VerifyComplete = 0x17 => "VerifyComplete",
        ApplyComplete = 0x18 => "ApplyComplete",
        GetMetaData = 0x19 => "GetMetaData",
        ActivateFirmware = 0x1A => "ActivateFirmware",
        GetStatus = 0x1B => "GetStatus",
        CancelUpdateComponent = 0x1C => "CancelUpdateComponent",
        CancelUpdate = 0x1D => "CancelUpdate",
        ActivatePendingComponentImageSet = 0x1E => "ActivatePendingComponentImageSet",
        ActivatePendingComponentImage = 0x1F => "ActivatePendingComponentImage",
        RequestDownstreamDeviceUpdate = 0x20 => "RequestDownstreamDeviceUpdate",
    }
}

impl Command {
    /// `true` for commands the Firmware Device sends to the Update Agent
    /// (pldm-fw's `Cmd::is_fd`; DSP0267 §"Firmware device commands").
    pub const fn from_fd(self) -> bool {
        matches!(
            self,
            Command::GetPackageData
                | Command::RequestFirmwareData
                | Command::TransferComplete
                | Command::VerifyComplete
                | Command::ApplyComplete
                | Command::GetMetaData
        )
    }
}

open_enum! {
    /// Firmware-update completion codes (DSP0267 Table 11). libpldm and
    /// pldm-fw agree on every value (pldm-fw calls 0x91 INVALID_TRANSFER_OPERATION).
    pub enum FwCompletionCode: u8 {
        NotInUpdateMode = 0x80 => "NOT_IN_UPDATE_MODE",
        AlreadyInUpdateMode = 0x81 => "ALREADY_IN_UPDATE_MODE",
        DataOutOfRange = 0x82 => "DATA_OUT_OF_RANGE",
        InvalidTransferLength = 0x83 => "INVALID_TRANSFER_LENGTH",
        InvalidStateForCommand = 0x84 => "INVALID_STATE_FOR_COMMAND",
        IncompleteUpdate = 0x85 => "INCOMPLETE_UPDATE",
        BusyInBackground = 0x86 => "BUSY_IN_BACKGROUND",
        CancelPending = 0x87 => "CANCEL_PENDING",
        CommandNotExpected = 0x88 => "COMMAND_NOT_EXPECTED",
        RetryRequestFwData = 0x89 => "RETRY_REQUEST_FW_DATA",
        UnableToInitiateUpdate = 0x8A => "UNABLE_TO_INITIATE_UPDATE",
        ActivationNotRequired = 0x8B => "ACTIVATION_NOT_REQUIRED",
        SelfContainedActivationNotPermitted = 0x8C => "SELF_CONTAINED_ACTIVATION_NOT_PERMITTED",
        NoDeviceMetadata = 0x8D => "NO_DEVICE_METADATA",
        RetryRequestUpdate = 0x8E => "RETRY_REQUEST_UPDATE",
        NoPackageData = 0x8F => "NO_PACKAGE_DATA",
        InvalidTransferHandle = 0x90 => "INVALID_TRANSFER_HANDLE",
        InvalidTransferOperationFlag = 0x91 => "INVALID_TRANSFER_OPERATION_FLAG",
        ActivatePendingImageNotPermitted = 0x92 => "ACTIVATE_PENDING_IMAGE_NOT_PERMITTED",
        PackageDataError = 0x93 => "PACKAGE_DATA_ERROR",
    }
}

open_enum! {
    /// Firmware device states (GetStatus current/previous state).
    pub enum FdState: u8 {
        Idle = 0 => "IDLE",
        LearnComponents = 1 => "LEARN COMPONENTS",
        ReadyXfer = 2 => "READY XFER",
        Download = 3 => "DOWNLOAD",
        Verify = 4 => "VERIFY",
        Apply = 5 => "APPLY",
        Activate = 6 => "ACTIVATE",
    }
}

open_enum! {
    /// GetStatus AuxState.
    pub enum AuxState: u8 {
        OperationInProgress = 0 => "Operation in progress",
        OperationSuccessful = 1 => "Operation successful",
        OperationFailed = 2 => "Operation failed",
        IdleLearnComponentsReadXfer = 3 => "Not applicable (IDLE, LEARN COMPONENTS or READY XFER)",
    }
}

open_enum! {
    /// GetStatus ReasonCode (why the FD last entered IDLE).
    pub enum ReasonCode: u8 {
        Initialization = 0 => "Initialization",
        ActivateFirmware = 1 => "ActivateFirmware received",
        CancelUpdate = 2 => "CancelUpdate received",
        TimeoutLearnComponents = 3 => "Timeout in LEARN COMPONENTS",
        TimeoutReadyXfer = 4 => "Timeout in READY XFER",
        TimeoutDownload = 5 => "Timeout in DOWNLOAD",
        TimeoutVerify = 6 => "Timeout in VERIFY",
        TimeoutApply = 7 => "Timeout in APPLY",
    }
}

open_enum! {
    /// TransferComplete TransferResult. libpldm 0.14 gives
    /// IMAGE_CORRUPT the value 0x02 (same as VERSION_MISMATCH); pldm-fw and
    /// DSP0267 Table 29 use 0x01, which is what we name.
    pub enum TransferResult: u8 {
        Success = 0x00 => "Success",
        ImageCorrupt = 0x01 => "Image corrupt",
        VersionMismatch = 0x02 => "Version mismatch",
        FdAbortedTransfer = 0x03 => "FD aborted transfer",
        Timeout = 0x09 => "Timeout",
        GenericError = 0x0A => "Generic error",
        FdAbortedLowPowerState = 0x0B => "FD aborted: low power state",
        FdAbortedResetNeeded = 0x0C => "FD aborted: reset needed",
        FdAbortedStorageIssue = 0x0D => "FD aborted: storage issue",
    }
}

open_enum! {
    /// VerifyComplete VerifyResult.
    pub enum VerifyResult: u8 {
        Success = 0x00 => "Success",
        VerificationFailure = 0x01 => "Verification failure",
        VersionMismatch = 0x02 => "Version mismatch",
        FailedSecurityChecks = 0x03 => "Failed FD security checks",
        ImageIncomplete = 0x04 => "Image incomplete",
        Timeout = 0x09 => "Timeout",
        GenericError = 0x0A => "Generic error",
    }
}

open_enum! {
    /// ApplyComplete ApplyResult.
    pub enum ApplyResult: u8 {
        Success = 0x00 => "Success",
        SuccessWithActivationMethod = 0x01 => "Success with activation method modification",
        FailureMemoryIssue = 0x02 => "Failure: memory write issue",
        Timeout = 0x09 => "Timeout",
        GenericError = 0x0A => "Generic error",
    }
}

open_enum! {
    /// PassComponentTable ComponentResponseCode (UpdateComponent's
    /// ComponentCompatibilityResponseCode shares 0x00–0x08 and 0x0A–0x0B;
    /// 0x09 differs, see [`compatibility_response_code_name`]).
    pub enum ComponentResponseCode: u8 {
        CanBeUpdated = 0x00 => "Component can be updated",
        ComparisonStampIdentical = 0x01 => "Comparison stamp identical",
        ComparisonStampLower = 0x02 => "Comparison stamp lower",
        InvalidComparisonStamp = 0x03 => "Invalid comparison stamp",
        Conflict = 0x04 => "Component conflict",
        PrerequisitesNotMet = 0x05 => "Prerequisites not met",
        NotSupported = 0x06 => "Component not supported",
        SecurityRestrictions = 0x07 => "Security restrictions",
        IncompleteImageSet = 0x08 => "Incomplete component image set",
        ActiveImageNotUpdateableSubsequently = 0x09 => "Active image not updateable subsequently",
        VersionStringIdentical = 0x0A => "Version string identical",
        VersionStringLower = 0x0B => "Version string lower",
    }
}

open_enum! {
    /// Component classification (DSP0267 Table 32, libpldm).
    pub enum ComponentClassification: u16 {
        Unspecified = 0x0000 => "Unknown",
        Other = 0x0001 => "Other",
        Driver = 0x0002 => "Driver",
        ConfigurationSoftware = 0x0003 => "Configuration Software",
        ApplicationSoftware = 0x0004 => "Application Software",
        Instrumentation = 0x0005 => "Instrumentation",
        FirmwareOrBios = 0x0006 => "Firmware/BIOS",
        DiagnosticSoftware = 0x0007 => "Diagnostic Software",
        OperatingSystem = 0x0008 => "Operating System",
        Middleware = 0x0009 => "Middleware",
        Firmware = 0x000A => "Firmware",
        BiosOrFcode = 0x000B => "BIOS/FCode",
        SupportOrServicePack = 0x000C => "Support/Service Pack",
        SoftwareBundle = 0x000D => "Software Bundle",
        DownstreamDevice = 0xFFFF => "Downstream Device",
    }
}

/// Names of the ComponentActivationMethods bits (bit 0 first).
pub const ACTIVATION_METHOD_BITS: [&str; 8] = [
    "Automatic",
    "Self-Contained",
    "Medium-specific reset",
    "System reboot",
    "DC power cycle",
    "AC power cycle",
    "Activate pending image",
    "Activate pending image set",
];

/// Write the names of set activation-method bits, `|`-separated.
pub struct ActivationMethods(pub u16);

impl fmt::Display for ActivationMethods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (i, n) in ACTIVATION_METHOD_BITS.iter().enumerate() {
            if self.0 & (1 << i) != 0 {
                if !first {
                    f.write_str("|")?;
                }
                f.write_str(n)?;
                first = false;
            }
        }
        if self.0 & 0xFF00 != 0 {
            if !first {
                f.write_str("|")?;
            }
            write!(f, "{:#06x}", self.0 & 0xFF00)?;
            first = false;
        }
        if first {
            f.write_str("none")?;
        }
        Ok(())
    }
}

/// Name of a firmware update command.
pub fn command_name(cmd: u8) -> Option<&'static str> {
    Command::from_value(cmd).name()
}

/// Name of a firmware-update specific completion code (0x80–0x93; the
/// generic DSP0240 codes are named by the PLDM dispatcher).
pub fn completion_code_name(cmd: u8, cc: u8) -> Option<&'static str> {
    let _ = cmd;
    FwCompletionCode::from_value(cc).name()
}

/// UpdateComponent ComponentCompatibilityResponseCode names (libpldm).
pub fn compatibility_response_code_name(v: u8) -> Option<&'static str> {
    match v {
        0x00 => Some("No response code"),
        0x09 => Some("Component information does not match"),
        0xD0..=0xEF => Some("Vendor defined"),
        _ => ComponentResponseCode::from_value(v).name(),
    }
}

fn fd_state_name(v: u8) -> Option<&'static str> {
    FdState::from_value(v).name()
}
fn aux_state_name(v: u8) -> Option<&'static str> {
    AuxState::from_value(v).name()
}
fn aux_state_status_name(v: u8) -> Option<&'static str> {
    match v {
        0x00 => Some("In progress or success"),
        0x09 => Some("Timeout"),
        0x0A => Some("Generic error"),
        0x70..=0xEF => Some("Vendor defined"),
        _ => None,
    }
}
fn reason_code_name(v: u8) -> Option<&'static str> {
    match v {
        200..=255 => Some("Vendor defined"),
        _ => ReasonCode::from_value(v).name(),
    }
}
fn transfer_result_name(v: u8) -> Option<&'static str> {
    match v {
        0x70..=0x8F => Some("Vendor defined"),
        _ => TransferResult::from_value(v).name(),
    }
}
fn verify_result_name(v: u8) -> Option<&'static str> {
    match v {
        0x90..=0xAF => Some("Vendor defined"),
        _ => VerifyResult::from_value(v).name(),
    }
}
fn apply_result_name(v: u8) -> Option<&'static str> {
    match v {
        0xB0..=0xCF => Some("Vendor defined"),
        _ => ApplyResult::from_value(v).name(),
    }
}
fn component_response_name(v: u8) -> Option<&'static str> {
    match v {
        0 => Some("Component can be updated"),
        1 => Some("Component may be updateable"),
        _ => None,
    }
}
fn component_response_code_name(v: u8) -> Option<&'static str> {
    match v {
        0xD0..=0xEF => Some("Vendor defined"),
        _ => ComponentResponseCode::from_value(v).name(),
    }
}
fn compatibility_response_name(v: u8) -> Option<&'static str> {
    match v {
        0 => Some("Component can be updated"),
        1 => Some("Component will not be updated"),
        _ => None,
    }
}
fn bool_name(v: u8) -> Option<&'static str> {
    match v {
        0 => Some("false"),
        1 => Some("true"),
        _ => None,
    }
}
fn classification_name(v: u16) -> Option<&'static str> {
    ComponentClassification::from_value(v).name()
}
fn fd_will_send_name(v: u8) -> Option<&'static str> {
    match v {
        0 => Some("FD will not send GetPackageData"),
        1 => Some("FD will send GetPackageData"),
        _ => None,
    }
}

/// Request/response pairing key (see HELPERS.md "Message families"): a
/// request and its response share PLDM type, command and instance ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pairing {
    pub request: bool,
    pub key: u64,
}

/// The pairing key of any PLDM header; `None` for unacknowledged /
/// asynchronous requests (Rq=1, D=1), which get no response.
pub fn pairing(h: &Header) -> Option<Pairing> {
    if h.rq && h.d {
        return None;
    }
    Some(Pairing {
        request: h.rq,
        key: (u64::from(h.pldm_type.value()) << 16)
            | (u64::from(h.command) << 8)
            | u64::from(h.instance_id),
    })
}

// ---------------------------------------------------------------------------
// Fixed-layout bodies
// ---------------------------------------------------------------------------

le_struct! {
    /// Multipart read request (QueryDownstreamIdentifiers,
    /// GetDownstreamFirmwareParameters, GetPackageData, GetDeviceMetaData,
    /// GetMetaData).
    pub struct TransferRequest {
        data_transfer_handle: u32 [hex],
        transfer_operation_flag: u8 [hex] => transfer_operation_flag_name,
    }
}

le_struct! {
    /// RequestFirmwareData request (FD → UA): a window of the component image.
    pub struct RequestFirmwareDataRequest {
        offset: u32,
        length: u32,
    }
}

le_struct! {
    /// TransferComplete request (FD → UA).
    pub struct TransferCompleteRequest {
        transfer_result: u8 [hex] => transfer_result_name,
    }
}

le_struct! {
    /// VerifyComplete request (FD → UA).
    pub struct VerifyCompleteRequest {
        verify_result: u8 [hex] => verify_result_name,
    }
}

le_struct! {
    /// ApplyComplete request (FD → UA).
    pub struct ApplyCompleteRequest {
        apply_result: u8 [hex] => apply_result_name,
        /// Activation methods the FD now needs (valid with ApplyResult 0x01).
        component_activation_methods_modification: u16 [hex],
    }
}

le_struct! {
    /// ActivateFirmware request.
    pub struct ActivateFirmwareRequest {
        self_contained_activation_request: u8 => bool_name,
    }
}

le_struct! {
    /// ActivateFirmware response.
    pub struct ActivateFirmwareResponse {
        /// Seconds.
        estimated_time_for_self_contained_activation: u16,
    }
}

le_struct! {
    /// RequestUpdate response.
    pub struct RequestUpdateResponse {
        firmware_device_meta_data_length: u16,
        fd_will_send_get_package_data_command: u8 => fd_will_send_name,
    }
}

le_struct! {
    /// PassComponentTable response.
    pub struct PassComponentTableResponse {
        component_response: u8 => component_response_name,
        component_response_code: u8 [hex] => component_response_code_name,
    }
}

le_struct! {
    /// UpdateComponent response.
    pub struct UpdateComponentResponse {
        component_compatibility_response: u8 => compatibility_response_name,
        component_compatibility_response_code: u8 [hex] => compatibility_response_code_name,
        update_option_flags_enabled: u32 [hex],
        /// Seconds before the FD sends RequestFirmwareData.
        time_before_request_fw_data: u16,
    }
}

le_struct! {
    /// GetStatus response.
    pub struct GetStatusResponse {
        current_state: u8 => fd_state_name,
        previous_state: u8 => fd_state_name,
        aux_state: u8 => aux_state_name,
        aux_state_status: u8 [hex] => aux_state_status_name,
        /// 0–100, 101 (0x65) = not supported.
        progress_percent: u8,
        reason_code: u8 => reason_code_name,
        update_option_flags_enabled: u32 [hex],
    }
}

le_struct! {
    /// CancelUpdate response.
    pub struct CancelUpdateResponse {
        non_functioning_component_indication: u8 => bool_name,
        /// Bit n set: component n of the PassComponentTable order is not functioning.
        non_functioning_component_bitmap: u64 [hex],
    }
}

le_struct! {
    /// QueryDownstreamDevices response (DSP0267 1.1, libpldm).
    pub struct QueryDownstreamDevicesResponse {
        downstream_device_update_supported: u8 => bool_name,
        number_of_downstream_devices: u16,
        max_number_of_downstream_devices: u16,
        capabilities: u32 [hex],
    }
}

/// Implement [`Part`] for an `le_struct!` type with a summary closure.
macro_rules! fixed_part {
    ($t:ty, |$s:ident, $w:ident| $sum:expr) => {
        impl<'a> Part<'a> for $t {
            fn read(r: &mut Reader<'a>) -> Result<Self> {
                Self::read_fields(r)
            }
            fn write(&self, w: &mut Writer<'_>) {
                self.write_fields(w)
            }
            fn buffer_len(&self) -> usize {
                Self::LEN
            }
            fn summary(&self, $w: &mut dyn fmt::Write) -> fmt::Result {
                let $s = self;
                $sum
            }
            fn describe(&self, v: &mut dyn Visitor) {
                self.describe_at(v, 0)
            }
        }
    };
}

fn name_or(n: Option<&str>) -> &str {
    n.unwrap_or("?")
}

fixed_part!(TransferRequest, |s, w| write!(
    w,
    "handle={:#x} {}",
    s.data_transfer_handle,
    name_or(transfer_operation_flag_name(s.transfer_operation_flag))
));
fixed_part!(RequestFirmwareDataRequest, |s, w| write!(
    w,
    "offset={} length={}",
    s.offset, s.length
));
fixed_part!(TransferCompleteRequest, |s, w| write!(
    w,
    "{}",
    name_or(transfer_result_name(s.transfer_result))
));
fixed_part!(VerifyCompleteRequest, |s, w| write!(
    w,
    "{}",
    name_or(verify_result_name(s.verify_result))
));
fixed_part!(ApplyCompleteRequest, |s, w| {
    write!(w, "{}", name_or(apply_result_name(s.apply_result)))?;
    if s.component_activation_methods_modification != 0 {
        write!(
            w,
            " activation={}",
            ActivationMethods(s.component_activation_methods_modification)
        )?;
    }
    Ok(())
});
fixed_part!(ActivateFirmwareRequest, |s, w| write!(
    w,
    "self_contained={}",
    s.self_contained_activation_request
));
fixed_part!(ActivateFirmwareResponse, |s, w| write!(
    w,
    "estimated {}s",
    s.estimated_time_for_self_contained_activation
));
fixed_part!(RequestUpdateResponse, |s, w| write!(
    w,
    "metadata_len={} get_package_data={}",
    s.firmware_device_meta_data_length, s.fd_will_send_get_package_data_command
));
fixed_part!(PassComponentTableResponse, |s, w| write!(
    w,
    "{} ({})",
    name_or(component_response_name(s.component_response)),
    name_or(component_response_code_name(s.component_response_code))
));
fixed_part!(UpdateComponentResponse, |s, w| write!(
    w,
    "{} ({}) flags={:#x} wait={}s",
    name_or(compatibility_response_name(
        s.component_compatibility_response
    )),
    name_or(compatibility_response_code_name(
        s.component_compatibility_response_code
    )),
    s.update_option_flags_enabled,
    s.time_before_request_fw_data
));
fixed_part!(GetStatusResponse, |s, w| write!(
    w,
    "{} (was {}) {} {}%",
    FdState::from_value(s.current_state),
    FdState::from_value(s.previous_state),
    AuxState::from_value(s.aux_state),
    s.progress_percent
));
fixed_part!(CancelUpdateResponse, |s, w| write!(
    w,
    "non_functioning={} bitmap={:#x}",
    s.non_functioning_component_indication, s.non_functioning_component_bitmap
));
fixed_part!(QueryDownstreamDevicesResponse, |s, w| write!(
    w,
    "supported={} devices={}/{}",
    s.downstream_device_update_supported,
    s.number_of_downstream_devices,
    s.max_number_of_downstream_devices
));

// ---------------------------------------------------------------------------
// Variable-length bodies
// ---------------------------------------------------------------------------

/// Multipart read response: next handle, transfer flag, a portion of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TransferResponse<'a> {
    pub next_data_transfer_handle: u32,
    pub transfer_flag: u8,
    pub portion: &'a [u8],
}

impl<'a> Part<'a> for TransferResponse<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        Ok(TransferResponse {
            next_data_transfer_handle: r.le()?,
            transfer_flag: r.le()?,
            portion: r.take_rest(),
        })
    }
    fn write(&self, w: &mut Writer<'_>) {
        w.le(self.next_data_transfer_handle);
        w.le(self.transfer_flag);
        w.put(self.portion);
    }
    fn buffer_len(&self) -> usize {
        5 + self.portion.len()
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "next={:#x} {} {} bytes",
            self.next_data_transfer_handle,
            name_or(transfer_flag_name(self.transfer_flag)),
            self.portion.len()
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::new(
            "next_data_transfer_handle",
            0,
            4,
            Value::hex32(self.next_data_transfer_handle),
        ));
        v.field(
            &Field::new("transfer_flag", 4, 1, Value::hex8(self.transfer_flag))
                .meaning(transfer_flag_name(self.transfer_flag)),
        );
        v.field(&Field::new(
            "portion",
            5,
            self.portion.len(),
            Value::Bytes(self.portion),
        ));
    }
}

/// RequestFirmwareData response: the requested image bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RequestFirmwareDataResponse<'a> {
    pub component_image_portion: &'a [u8],
}

impl<'a> Part<'a> for RequestFirmwareDataResponse<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        Ok(RequestFirmwareDataResponse {
            component_image_portion: r.take_rest(),
        })
    }
    fn write(&self, w: &mut Writer<'_>) {
        w.put(self.component_image_portion);
    }
    fn buffer_len(&self) -> usize {
        self.component_image_portion.len()
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, "{} bytes", self.component_image_portion.len())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::new(
            "component_image_portion",
            0,
            self.component_image_portion.len(),
            Value::Bytes(self.component_image_portion),
        ));
    }
}

/// QueryDeviceIdentifiers response: the FD's descriptors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct QueryDeviceIdentifiersResponse<'a> {
    pub descriptors: Descriptors<'a>,
}

impl<'a> Part<'a> for QueryDeviceIdentifiersResponse<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        // DeviceIdentifiersLength counts the descriptors only (pldm-fw
        // writes `written - 5`, libpldm checks it the same way).
        let at = r.pos();
        let len: u32 = r.le()?;
        let count: u8 = r.le()?;
        let d0 = r.pos();
        let descriptors = Descriptors::read(r, count.into())?;
        let actual = r.pos() - d0;
        if len as usize != actual {
            return Err(Error {
                layer: Layer::Pldm,
                offset: at,
                kind: ErrorKind::LengthMismatch {
                    field: "device_identifiers_length",
                    declared: len as usize,
                    actual,
                },
            });
        }
        Ok(QueryDeviceIdentifiersResponse { descriptors })
    }
    fn write(&self, w: &mut Writer<'_>) {
        w.le(self.descriptors.raw.len() as u32);
        w.le(self.descriptors.count() as u8);
        w.put(self.descriptors.raw);
    }
    fn buffer_len(&self) -> usize {
        5 + self.descriptors.raw.len()
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        let mut any = false;
        for (_, d) in self.descriptors.iter() {
            write!(
                w,
                "{}{}={}",
                if any { ", " } else { "" },
                d.descriptor_type.name().unwrap_or("descriptor"),
                d
            )?;
            any = true;
        }
        if !any {
            w.write_str("no descriptors")?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::new(
            "device_identifiers_length",
            0,
            4,
            Value::Uint(self.descriptors.raw.len() as u64),
        ));
        v.field(&Field::new(
            "descriptor_count",
            4,
            1,
            Value::Uint(self.descriptors.count() as u64),
        ));
        self.descriptors.describe_list(v, 5, "descriptors");
    }
}

/// Read a component version record header (stamp, type, length, date).
fn read_version_head(r: &mut Reader<'_>) -> Result<(u32, u8, u8, [u8; 8])> {
    Ok((r.le()?, r.le()?, r.le()?, r.array()?))
}

/// One ComponentParameterTable entry (GetFirmwareParameters response).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ComponentParameterEntry<'a> {
    pub component_classification: u16,
    pub component_identifier: u16,
    pub component_classification_index: u8,
    pub active_component_comparison_stamp: u32,
    pub active_component_version: VersionString<'a>,
    /// ASCII `YYYYMMDD`, or eight NULs when unknown.
    pub active_component_release_date: [u8; 8],
    pub pending_component_comparison_stamp: u32,
    pub pending_component_version: VersionString<'a>,
    pub pending_component_release_date: [u8; 8],
    pub component_activation_methods: u16,
    pub capabilities_during_update: u32,
}

/// Fixed part of a [`ComponentParameterEntry`] (libpldm
/// `PLDM_DOWNSTREAM_DEVICE_PARAMETER_ENTRY_MIN_LEN` + 3).
pub const COMPONENT_PARAMETER_ENTRY_FIXED_LEN: usize = 39;

impl<'a> ComponentParameterEntry<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let component_classification = r.le()?;
        let component_identifier = r.le()?;
        let component_classification_index = r.le()?;
        let (a_stamp, a_type, a_len, a_date) = read_version_head(r)?;
        let (p_stamp, p_type, p_len, p_date) = read_version_head(r)?;
        let component_activation_methods = r.le()?;
        let capabilities_during_update = r.le()?;
        let a = r.take(a_len.into())?;
        let p = r.take(p_len.into())?;
        Ok(ComponentParameterEntry {
            component_classification,
            component_identifier,
            component_classification_index,
            active_component_comparison_stamp: a_stamp,
            active_component_version: VersionString {
                string_type: StringType::from_value(a_type),
                bytes: a,
            },
            active_component_release_date: a_date,
            pending_component_comparison_stamp: p_stamp,
            pending_component_version: VersionString {
                string_type: StringType::from_value(p_type),
                bytes: p,
            },
            pending_component_release_date: p_date,
            component_activation_methods,
            capabilities_during_update,
        })
    }
    fn write(&self, w: &mut Writer<'_>) {
        w.le(self.component_classification);
        w.le(self.component_identifier);
        w.le(self.component_classification_index);
        for (stamp, s, date) in [
            (
                self.active_component_comparison_stamp,
                &self.active_component_version,
                &self.active_component_release_date,
            ),
            (
                self.pending_component_comparison_stamp,
                &self.pending_component_version,
                &self.pending_component_release_date,
            ),
        ] {
            w.le(stamp);
            w.le(s.string_type.value());
            w.le(s.wire_len() as u8);
            w.put(date);
        }
        w.le(self.component_activation_methods);
        w.le(self.capabilities_during_update);
        w.put(self.active_component_version.wire_bytes());
        w.put(self.pending_component_version.wire_bytes());
    }
    /// Encoded length.
    pub fn buffer_len(&self) -> usize {
        COMPONENT_PARAMETER_ENTRY_FIXED_LEN
            + self.active_component_version.wire_len()
            + self.pending_component_version.wire_len()
    }
    fn describe_item(&self, v: &mut dyn Visitor, at: usize) {
        v.begin("component", Group::ListItem, at, self.buffer_len());
        v.field(
            &Field::new(
                "component_classification",
                at,
                2,
                Value::hex16(self.component_classification),
            )
            .meaning(classification_name(self.component_classification)),
        );
        v.field(&Field::new(
            "component_identifier",
            at + 2,
            2,
            Value::hex16(self.component_identifier),
        ));
        v.field(&Field::new(
            "component_classification_index",
            at + 4,
            1,
            Value::Uint(self.component_classification_index.into()),
        ));
        v.field(&Field::new(
            "active_component_comparison_stamp",
            at + 5,
            4,
            Value::hex32(self.active_component_comparison_stamp),
        ));
        self.active_component_version.describe_header(
            v,
            at + 9,
            [
                "active_component_version_string_type",
                "active_component_version_string_length",
                "",
            ],
        );
        v.field(&Field::new(
            "active_component_release_date",
            at + 11,
            8,
            Value::Display(&ReleaseDate(&self.active_component_release_date)),
        ));
        v.field(&Field::new(
            "pending_component_comparison_stamp",
            at + 19,
            4,
            Value::hex32(self.pending_component_comparison_stamp),
        ));
        self.pending_component_version.describe_header(
            v,
            at + 23,
            [
                "pending_component_version_string_type",
                "pending_component_version_string_length",
                "",
            ],
        );
        v.field(&Field::new(
            "pending_component_release_date",
            at + 25,
            8,
            Value::Display(&ReleaseDate(&self.pending_component_release_date)),
        ));
        let am = ActivationMethods(self.component_activation_methods);
        v.field(&Field::new(
            "component_activation_methods",
            at + 33,
            2,
            Value::hex16(self.component_activation_methods),
        ));
        v.field(&Field::derived(
            "component_activation_methods_names",
            Value::Display(&am),
        ));
        v.field(&Field::new(
            "capabilities_during_update",
            at + 35,
            4,
            Value::hex32(self.capabilities_during_update),
        ));
        let s = at + COMPONENT_PARAMETER_ENTRY_FIXED_LEN;
        self.active_component_version
            .describe_value(v, s, "active_component_version_string");
        self.pending_component_version.describe_value(
            v,
            s + self.active_component_version.wire_len(),
            "pending_component_version_string",
        );
        v.end();
    }
}

/// An eight-byte ASCII `YYYYMMDD` release date (all NULs: none).
pub struct ReleaseDate<'a>(pub &'a [u8; 8]);

impl fmt::Display for ReleaseDate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d.iter().all(|&b| b == 0) {
            return f.write_str("none");
        }
        if d.iter().all(u8::is_ascii_digit) {
            // Digits only: safe to slice as str.
            let s = core::str::from_utf8(d).unwrap_or("");
            return write!(f, "{}-{}-{}", &s[..4], &s[4..6], &s[6..]);
        }
        common::hex(f, d)
    }
}

/// The ComponentParameterTable: borrowed, validated when parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ComponentParameterTable<'a> {
    pub count: u16,
    pub raw: &'a [u8],
}

impl<'a> ComponentParameterTable<'a> {
    /// Entries with their offsets inside `raw`.
    pub fn iter(&self) -> impl Iterator<Item = (usize, ComponentParameterEntry<'a>)> + 'a {
        let mut r = Reader::new(self.raw);
        let mut left = self.count;
        core::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            let at = r.pos();
            ComponentParameterEntry::read(&mut r).ok().map(|e| (at, e))
        })
    }
}

/// Encode component parameter entries back to back; returns bytes written.
pub fn encode_component_parameter_table(
    entries: &[ComponentParameterEntry<'_>],
    buf: &mut [u8],
) -> Result<usize> {
    let n: usize = entries
        .iter()
        .map(ComponentParameterEntry::buffer_len)
        .sum();
    if buf.len() < n {
        return Err(Error::buffer_too_small(Layer::Pldm, n, buf.len()));
    }
    let mut w = Writer::new(buf);
    for e in entries {
        e.write(&mut w);
    }
    Ok(n)
}

/// GetFirmwareParameters response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetFirmwareParametersResponse<'a> {
    /// Device capabilities during update (bit 0 failure recovery, 1 retry,
    /// 2 host functionality reduced, 3 partial updates, 4 update mode
    /// restriction, 8 downgrade restrictions, 9 security revision).
    pub capabilities_during_update: u32,
    pub active_component_image_set_version: VersionString<'a>,
    pub pending_component_image_set_version: VersionString<'a>,
    pub component_parameter_table: ComponentParameterTable<'a>,
}

impl<'a> Part<'a> for GetFirmwareParametersResponse<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let caps: u32 = r.le()?;
        let count: u16 = r.le()?;
        let at: u8 = r.le()?;
        let al: u8 = r.le()?;
        let pt: u8 = r.le()?;
        let pl: u8 = r.le()?;
        let a = r.take(al.into())?;
        let p = r.take(pl.into())?;
        let t0 = r.pos();
        let start = r.rest();
        for _ in 0..count {
            ComponentParameterEntry::read(r)?;
        }
        Ok(GetFirmwareParametersResponse {
            capabilities_during_update: caps,
            active_component_image_set_version: VersionString {
                string_type: StringType::from_value(at),
                bytes: a,
            },
            pending_component_image_set_version: VersionString {
                string_type: StringType::from_value(pt),
                bytes: p,
            },
            component_parameter_table: ComponentParameterTable {
                count,
                raw: &start[..r.pos() - t0],
            },
        })
    }
    fn write(&self, w: &mut Writer<'_>) {
        let a = &self.active_component_image_set_version;
        let p = &self.pending_component_image_set_version;
        w.le(self.capabilities_during_update);
        w.le(self.component_parameter_table.count);
        w.le(a.string_type.value());
        w.le(a.wire_len() as u8);
        w.le(p.string_type.value());
        w.le(p.wire_len() as u8);
        w.put(a.wire_bytes());
        w.put(p.wire_bytes());
        w.put(self.component_parameter_table.raw);
    }
    fn buffer_len(&self) -> usize {
        10 + self.active_component_image_set_version.wire_len()
            + self.pending_component_image_set_version.wire_len()
            + self.component_parameter_table.raw.len()
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "active \"{}\" pending \"{}\" components={}",
            self.active_component_image_set_version,
            self.pending_component_image_set_version,
            self.component_parameter_table.count
        )?;
        for (_, c) in self.component_parameter_table.iter() {
            write!(
                w,
                " [{:#06x} {}]",
                c.component_identifier, c.active_component_version
            )?;
        }
        Ok(())
    }
    fn describe(&self, v: &mut dyn Visitor) {
        let a = &self.active_component_image_set_version;
        let p = &self.pending_component_image_set_version;
        v.field(&Field::new(
            "capabilities_during_update",
            0,
            4,
            Value::hex32(self.capabilities_during_update),
        ));
        v.field(&Field::new(
            "component_count",
            4,
            2,
            Value::Uint(self.component_parameter_table.count.into()),
        ));
        a.describe_header(
            v,
            6,
            [
                "active_component_image_set_version_string_type",
                "active_component_image_set_version_string_length",
                "",
            ],
        );
        p.describe_header(
            v,
            8,
            [
                "pending_component_image_set_version_string_type",
                "pending_component_image_set_version_string_length",
                "",
            ],
        );
        a.describe_value(v, 10, "active_component_image_set_version_string");
        p.describe_value(
            v,
            10 + a.wire_len(),
            "pending_component_image_set_version_string",
        );
        let t = 10 + a.wire_len() + p.wire_len();
        v.begin(
            "component_parameter_table",
            Group::List,
            t,
            self.component_parameter_table.raw.len(),
        );
        for (off, e) in self.component_parameter_table.iter() {
            e.describe_item(v, t + off);
        }
        v.end();
    }
}

/// RequestUpdate request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RequestUpdateRequest<'a> {
    pub maximum_transfer_size: u32,
    pub number_of_components: u16,
    pub maximum_outstanding_transfer_requests: u8,
    pub package_data_length: u16,
    pub component_image_set_version: VersionString<'a>,
}

impl<'a> Part<'a> for RequestUpdateRequest<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        Ok(RequestUpdateRequest {
            maximum_transfer_size: r.le()?,
            number_of_components: r.le()?,
            maximum_outstanding_transfer_requests: r.le()?,
            package_data_length: r.le()?,
            component_image_set_version: VersionString::read_adjacent(r)?,
        })
    }
    fn write(&self, w: &mut Writer<'_>) {
        w.le(self.maximum_transfer_size);
        w.le(self.number_of_components);
        w.le(self.maximum_outstanding_transfer_requests);
        w.le(self.package_data_length);
        self.component_image_set_version.write_adjacent(w);
    }
    fn buffer_len(&self) -> usize {
        11 + self.component_image_set_version.wire_len()
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "\"{}\" components={} max_transfer={} outstanding={} package_data={}",
            self.component_image_set_version,
            self.number_of_components,
            self.maximum_transfer_size,
            self.maximum_outstanding_transfer_requests,
            self.package_data_length
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::new(
            "maximum_transfer_size",
            0,
            4,
            Value::Uint(self.maximum_transfer_size.into()),
        ));
        v.field(&Field::new(
            "number_of_components",
            4,
            2,
            Value::Uint(self.number_of_components.into()),
        ));
        v.field(&Field::new(
            "maximum_outstanding_transfer_requests",
            6,
            1,
            Value::Uint(self.maximum_outstanding_transfer_requests.into()),
        ));
        v.field(&Field::new(
            "package_data_length",
            7,
            2,
            Value::Uint(self.package_data_length.into()),
        ));
        self.component_image_set_version.describe_adjacent(
            v,
            9,
            [
                "component_image_set_version_string_type",
                "component_image_set_version_string_length",
                "component_image_set_version_string",
            ],
        );
    }
}

/// PassComponentTable request (one component per request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PassComponentTableRequest<'a> {
    pub transfer_flag: u8,
    pub component_classification: u16,
    pub component_identifier: u16,
    pub component_classification_index: u8,
    pub component_comparison_stamp: u32,
    pub component_version: VersionString<'a>,
}

impl<'a> Part<'a> for PassComponentTableRequest<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        Ok(PassComponentTableRequest {
            transfer_flag: r.le()?,
            component_classification: r.le()?,
            component_identifier: r.le()?,
            component_classification_index: r.le()?,
            component_comparison_stamp: r.le()?,
            component_version: VersionString::read_adjacent(r)?,
        })
    }
    fn write(&self, w: &mut Writer<'_>) {
        w.le(self.transfer_flag);
        w.le(self.component_classification);
        w.le(self.component_identifier);
        w.le(self.component_classification_index);
        w.le(self.component_comparison_stamp);
        self.component_version.write_adjacent(w);
    }
    fn buffer_len(&self) -> usize {
        12 + self.component_version.wire_len()
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "{} component {:#06x} ({}) \"{}\" stamp={:#x}",
            name_or(transfer_flag_name(self.transfer_flag)),
            self.component_identifier,
            name_or(classification_name(self.component_classification)),
            self.component_version,
            self.component_comparison_stamp
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        v.field(
            &Field::new("transfer_flag", 0, 1, Value::hex8(self.transfer_flag))
                .meaning(transfer_flag_name(self.transfer_flag)),
        );
        describe_component_id(
            v,
            1,
            self.component_classification,
            self.component_identifier,
            self.component_classification_index,
            self.component_comparison_stamp,
        );
        self.component_version.describe_adjacent(
            v,
            10,
            [
                "component_version_string_type",
                "component_version_string_length",
                "component_version_string",
            ],
        );
    }
}

fn describe_component_id(
    v: &mut dyn Visitor,
    at: usize,
    classification: u16,
    identifier: u16,
    index: u8,
    stamp: u32,
) {
    v.field(
        &Field::new(
            "component_classification",
            at,
            2,
            Value::hex16(classification),
        )
        .meaning(classification_name(classification)),
    );
    v.field(&Field::new(
        "component_identifier",
        at + 2,
        2,
        Value::hex16(identifier),
    ));
    v.field(&Field::new(
        "component_classification_index",
        at + 4,
        1,
        Value::Uint(index.into()),
    ));
    v.field(&Field::new(
        "component_comparison_stamp",
        at + 5,
        4,
        Value::hex32(stamp),
    ));
}

/// UpdateComponent request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct UpdateComponentRequest<'a> {
    pub component_classification: u16,
    pub component_identifier: u16,
    pub component_classification_index: u8,
    pub component_comparison_stamp: u32,
    pub component_image_size: u32,
    /// Bit 0: request forced update.
    pub update_option_flags: u32,
    pub component_version: VersionString<'a>,
}

impl<'a> Part<'a> for UpdateComponentRequest<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        Ok(UpdateComponentRequest {
            component_classification: r.le()?,
            component_identifier: r.le()?,
            component_classification_index: r.le()?,
            component_comparison_stamp: r.le()?,
            component_image_size: r.le()?,
            update_option_flags: r.le()?,
            component_version: VersionString::read_adjacent(r)?,
        })
    }
    fn write(&self, w: &mut Writer<'_>) {
        w.le(self.component_classification);
        w.le(self.component_identifier);
        w.le(self.component_classification_index);
        w.le(self.component_comparison_stamp);
        w.le(self.component_image_size);
        w.le(self.update_option_flags);
        self.component_version.write_adjacent(w);
    }
    fn buffer_len(&self) -> usize {
        19 + self.component_version.wire_len()
    }
    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "component {:#06x} ({}) \"{}\" size={} flags={:#x}",
            self.component_identifier,
            name_or(classification_name(self.component_classification)),
            self.component_version,
            self.component_image_size,
            self.update_option_flags
        )
    }
    fn describe(&self, v: &mut dyn Visitor) {
        describe_component_id(
            v,
            0,
            self.component_classification,
            self.component_identifier,
            self.component_classification_index,
            self.component_comparison_stamp,
        );
        v.field(&Field::new(
            "component_image_size",
            9,
            4,
            Value::Uint(self.component_image_size.into()),
        ));
        v.field(&Field::new(
            "update_option_flags",
            13,
            4,
            Value::hex32(self.update_option_flags),
        ));
        self.component_version.describe_adjacent(
            v,
            17,
            [
                "component_version_string_type",
                "component_version_string_length",
                "component_version_string",
            ],
        );
    }
}

// ---------------------------------------------------------------------------
// Body (per-type module contract of `pldm::body`)
// ---------------------------------------------------------------------------

macro_rules! fw_body {
    (
        none: [$(($nrq:literal, $ncmd:ident)),* $(,)?],
        typed: [$(($rq:literal, $c:ident) => $var:ident($ty:ty)),* $(,)?] $(,)?
    ) => {
        /// Decoded firmware update data: one variant per command and
        /// direction that carries data, `NoData` for those that do not.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        #[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
        #[non_exhaustive]
        pub enum Body<'a> {
            /// A command whose data in this direction is empty.
            NoData,
            $(
                #[doc = concat!("`", stringify!($c), "` data.")]
                $var($ty),
            )*
        }

        impl<'a> Body<'a> {
            /// Decode `data` (after the command code / completion code) for
            /// `header`'s command and direction: `None` when not decoded
            /// here (unknown commands, non-SUCCESS responses), `Some(Err)`
            /// for truncated or inconsistent data, else the body and the
            /// bytes it used (bytes after that are trailing).
            pub fn parse(header: &Header, data: &'a [u8]) -> Option<Result<(Self, usize)>> {
                if !header.rq && header.completion_code != Some(0) {
                    return None;
                }
                let _ = data;
                Some(match (header.rq, Command::from_value(header.command)) {
                    $(($nrq, Command::$ncmd) => Ok((Body::NoData, 0)),)*
                    $(($rq, Command::$c) => {
                        let mut r = Reader::new(data);
                        <$ty as Part<'a>>::read(&mut r).map(|b| (Body::$var(b), r.pos()))
                    })*
                    _ => return None,
                })
            }

            /// The command this body belongs to (`None` for `NoData`).
            pub fn command(&self) -> Option<Command> {
                match self {
                    Body::NoData => None,
                    $(Body::$var(_) => Some(Command::$c),)*
                }
            }

            /// `true` for request data (`None` for `NoData`).
            pub fn is_request(&self) -> Option<bool> {
                match self {
                    Body::NoData => None,
                    $(Body::$var(_) => Some($rq),)*
                }
            }

            /// A problem inside decoded data (none: every check is a decode error).
            pub fn problem(&self) -> Option<Error> {
                None
            }

            /// Encoded length.
            pub fn buffer_len(&self) -> usize {
                match self {
                    Body::NoData => 0,
                    $(Body::$var(b) => b.buffer_len(),)*
                }
            }

            /// Encode into the start of `buf`.
            pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
                match self {
                    Body::NoData => Ok(0),
                    $(Body::$var(b) => b.emit_bytes(buf),)*
                }
            }

            /// Summary text without a leading separator.
            pub fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
                match self {
                    Body::NoData => Ok(()),
                    $(Body::$var(b) => b.summary(w),)*
                }
            }

            /// Field walk (offsets from the data start).
            pub fn describe(&self, v: &mut dyn Visitor) {
                match self {
                    Body::NoData => {}
                    $(Body::$var(b) => b.describe(v),)*
                }
            }
        }
    };
}

fw_body! {
    none: [
        (true, QueryDeviceIdentifiers),
        (true, GetFirmwareParameters),
        (true, QueryDownstreamDevices),
        (true, GetStatus),
        (true, CancelUpdateComponent),
        (true, CancelUpdate),
        (false, TransferComplete),
        (false, VerifyComplete),
        (false, ApplyComplete),
        (false, CancelUpdateComponent),
    ],
    typed: [
        (false, QueryDeviceIdentifiers) => QueryDeviceIdentifiersResponse(QueryDeviceIdentifiersResponse<'a>),
        (false, GetFirmwareParameters) => GetFirmwareParametersResponse(GetFirmwareParametersResponse<'a>),
        (false, QueryDownstreamDevices) => QueryDownstreamDevicesResponse(QueryDownstreamDevicesResponse),
        (true, QueryDownstreamIdentifiers) => QueryDownstreamIdentifiersRequest(TransferRequest),
        (false, QueryDownstreamIdentifiers) => QueryDownstreamIdentifiersResponse(TransferResponse<'a>),
        (true, GetDownstreamFirmwareParameters) => GetDownstreamFirmwareParametersRequest(TransferRequest),
        (false, GetDownstreamFirmwareParameters) => GetDownstreamFirmwareParametersResponse(TransferResponse<'a>),
        (true, RequestUpdate) => RequestUpdateRequest(RequestUpdateRequest<'a>),
        (false, RequestUpdate) => RequestUpdateResponse(RequestUpdateResponse),
        (true, GetPackageData) => GetPackageDataRequest(TransferRequest),
        (false, GetPackageData) => GetPackageDataResponse(TransferResponse<'a>),
        (true, GetDeviceMetaData) => GetDeviceMetaDataRequest(TransferRequest),
        (false, GetDeviceMetaData) => GetDeviceMetaDataResponse(TransferResponse<'a>),
        (true, PassComponentTable) => PassComponentTableRequest(PassComponentTableRequest<'a>),
        (false, PassComponentTable) => PassComponentTableResponse(PassComponentTableResponse),
        (true, UpdateComponent) => UpdateComponentRequest(UpdateComponentRequest<'a>),
        (false, UpdateComponent) => UpdateComponentResponse(UpdateComponentResponse),
        (true, RequestFirmwareData) => RequestFirmwareDataRequest(RequestFirmwareDataRequest),
        (false, RequestFirmwareData) => RequestFirmwareDataResponse(RequestFirmwareDataResponse<'a>),
        (true, TransferComplete) => TransferCompleteRequest(TransferCompleteRequest),
        (true, VerifyComplete) => VerifyCompleteRequest(VerifyCompleteRequest),
        (true, ApplyComplete) => ApplyCompleteRequest(ApplyCompleteRequest),
        (true, GetMetaData) => GetMetaDataRequest(TransferRequest),
        (false, GetMetaData) => GetMetaDataResponse(TransferResponse<'a>),
        (true, ActivateFirmware) => ActivateFirmwareRequest(ActivateFirmwareRequest),
        (false, ActivateFirmware) => ActivateFirmwareResponse(ActivateFirmwareResponse),
        (false, GetStatus) => GetStatusResponse(GetStatusResponse),
        (false, CancelUpdate) => CancelUpdateResponse(CancelUpdateResponse),
    ],
}

/// A whole type-5 message decoded without the PLDM dispatcher (builders,
/// tests and tools until dispatch is wired): header, typed body (`None`
/// for commands or error responses not decoded here) and the bytes after
/// the typed body (all data when `body` is `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FwMessage<'a> {
    pub header: Header,
    pub body: Option<Body<'a>>,
    pub extra: &'a [u8],
}

impl<'a> FwMessage<'a> {
    /// Decode from the MCTP type byte. The PLDM type must be 5; a typed
    /// body followed by extra bytes is a `Trailing` error (strict).
    pub fn parse(msg: &'a [u8]) -> Result<Self> {
        let header = Header::parse(msg)?;
        if header.pldm_type != PldmType::FirmwareUpdate {
            return Err(Error::invalid(
                Layer::Pldm,
                super::field::HDR_VER_TYPE,
                "pldm_type",
                header.pldm_type.value().into(),
                "5 (firmware update)",
            ));
        }
        let off = header.data_offset();
        let data = msg.get(off..).unwrap_or(&[]);
        match Body::parse(&header, data) {
            None => Ok(FwMessage {
                header,
                body: None,
                extra: data,
            }),
            Some(Err(e)) => Err(e.shift(off)),
            Some(Ok((b, n))) => {
                if n < data.len() {
                    return Err(Error {
                        layer: Layer::Pldm,
                        offset: off + n,
                        kind: ErrorKind::Trailing {
                            extra: data.len() - n,
                        },
                    });
                }
                Ok(FwMessage {
                    header,
                    body: Some(b),
                    extra: &[],
                })
            }
        }
    }

    /// Bytes `emit_bytes` writes.
    pub fn buffer_len(&self) -> usize {
        self.header.buffer_len() + self.body.map_or(0, |b| b.buffer_len()) + self.extra.len()
    }

    /// Encode header, body and extra bytes from the MCTP type byte.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Pldm, n, buf.len()));
        }
        let mut at = self.header.emit_bytes(buf)?;
        if let Some(b) = &self.body {
            at += b.emit_bytes(&mut buf[at..n])?;
        }
        buf[at..n].copy_from_slice(self.extra);
        Ok(n)
    }

    /// Encode into a new vector.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0u8; self.buffer_len()];
        let n = self.emit_bytes(&mut v).unwrap_or(0);
        v.truncate(n);
        v
    }

    /// The pairing key.
    pub fn pairing(&self) -> Option<Pairing> {
        pairing(&self.header)
    }

    /// One-line summary in the PLDM layer's style.
    pub fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        let h = &self.header;
        match command_name(h.command) {
            Some(n) => write!(w, "PLDM {n}")?,
            None => write!(w, "PLDM type 5 cmd {:#04x}", h.command)?,
        }
        if h.rq {
            write!(w, " req iid={}", h.instance_id)?;
        } else {
            let cc = h.completion_code.unwrap_or(0);
            write!(w, " rsp iid={}", h.instance_id)?;
            match CompletionCode::from_value(cc)
                .name()
                .or_else(|| completion_code_name(h.command, cc))
            {
                Some(n) => write!(w, " {n}")?,
                None => write!(w, " cc={cc:#04x}")?,
            }
        }
        let mut s = Sep { w, started: false };
        if let Some(b) = &self.body {
            b.summary(&mut s)?;
        }
        if !self.extra.is_empty() {
            if !s.started {
                s.w.write_str(" / ")?;
            } else {
                s.w.write_str(" ")?;
            }
            write!(s.w, "data={}", HexBytes(self.extra))?;
        }
        Ok(())
    }
}

/// Writes " / " before the first text a body writes.
struct Sep<'w> {
    w: &'w mut dyn fmt::Write,
    started: bool,
}

impl fmt::Write for Sep<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if !self.started && !s.is_empty() {
            self.w.write_str(" / ")?;
            self.started = true;
        }
        self.w.write_str(s)
    }
}

#[cfg(test)]
#[path = "../fw_tests.rs"]
mod tests;
