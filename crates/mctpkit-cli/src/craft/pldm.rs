//! `mctpkit craft pldm <command>`: PLDM (DSP0240 header) messages from the
//! wire crate's builders (`pldm::builder`, `pldm::firmware_update::builder`);
//! this file only maps options to builder arguments.

use clap::{Args, Subcommand};
use mctpkit::wire::pldm::base::{self, Ver32};
use mctpkit::wire::pldm::builder::{self, PldmBuilder};
use mctpkit::wire::pldm::firmware_update::{
    self as fw, builder as fwb, GetStatusResponse, RequestUpdateRequest, VersionString,
};
use mctpkit::wire::pldm::platform::{self, DataSize, SensorState};
use mctpkit::wire::pldm::{Header, PldmType};

use super::parse;

pub const AFTER_HELP: &str = "\
Examples:
  mctpkit craft pldm get-tid --instance-id 3
  mctpkit craft pldm get-tid --response --tid 1
  mctpkit craft pldm get-pldm-version --type fw-update
  mctpkit craft pldm get-pldm-types --response --types 0,2,5
  mctpkit craft --decode pldm get-sensor-reading --sensor-id 5 --instance-id 3
  mctpkit craft pldm get-sensor-reading --response --size sint16 --reading -12 --state warning
  mctpkit craft pldm set-numeric-effecter-value --effecter-id 2 --size uint8 --value 40
  mctpkit craft pldm get-pdr --record-handle 0 --count 128
  mctpkit craft pldm request-update --max-transfer-size 4096 --components 1 \\
      --version-string fw-1.2.3
  mctpkit craft pldm request-firmware-data --offset 0x400 --length 0x100
  mctpkit craft pldm request-firmware-data --response 'de ad be ef'
  mctpkit craft pldm get-status --response --current-state download --progress 40
  # Any error response: --response --cc N (header and completion code only):
  mctpkit craft pldm get-pdr --response --cc 0x81
  # Generic: PLDM type and command numbers, then the data as hex:
  mctpkit craft pldm --type 2 --command 0x11 05 00 00
  mctpkit craft pldm --type platform --command 0x11 --response --cc 0 00 00 01 01 01 00 2a

--instance-id, --response, --cc and --datagram go after `pldm` (before or
after the command name). TO defaults to 1 for requests, 0 for responses.";

/// Options shared by every PLDM command.
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP, next_help_heading = "PLDM header (any position)")]
pub struct PldmArgs {
    /// Build the response instead of the request (TO defaults to 0).
    #[arg(long, global = true)]
    pub response: bool,
    /// Completion code of the response (0 = SUCCESS). A non-zero code gives
    /// the error response: header and code, no data (generic form: the
    /// hex data follows the code).
    #[arg(long, global = true, value_name = "CODE", value_parser = parse::u8_)]
    pub cc: Option<u8>,
    /// PLDM instance ID, 0..=31.
    #[arg(long, global = true, value_name = "IID", default_value = "0", value_parser = parse::instance_id)]
    pub instance_id: u8,
    /// Set the datagram (D) bit (unacknowledged request).
    #[arg(long, global = true)]
    pub datagram: bool,
    /// Generic form: PLDM type (number or name: base, platform, bios, fru,
    /// fw-update, rde, file, oem).
    #[arg(long = "type", value_name = "TYPE", value_parser = pldm_type, requires = "command_code")]
    pub pldm_type: Option<u8>,
    /// Generic form: command code.
    #[arg(long = "command", value_name = "CMD", value_parser = parse::u8_, requires = "pldm_type")]
    pub command_code: Option<u8>,
    /// Generic form: the data after the header (and after the completion
    /// code of a response), hex.
    #[arg(value_name = "HEX")]
    pub hex: Vec<String>,
    #[command(subcommand)]
    pub command: Option<PldmCommand>,
}

fn pldm_type(s: &str) -> Result<u8, String> {
    parse::named(
        s,
        &[
            ("base", 0),
            ("smbios", 1),
            ("platform", 2),
            ("bios", 3),
            ("fru", 4),
            ("fw-update", 5),
            ("firmware-update", 5),
            ("rde", 6),
            ("file", 7),
            ("oem", 0x3F),
        ],
    )
}

fn data_size(s: &str) -> Result<u8, String> {
    parse::named(
        s,
        &[
            ("uint8", 0),
            ("sint8", 1),
            ("uint16", 2),
            ("sint16", 3),
            ("uint32", 4),
            ("sint32", 5),
        ],
    )
}

fn sensor_state(s: &str) -> Result<u8, String> {
    parse::named(
        s,
        &[
            ("unknown", 0),
            ("normal", 1),
            ("warning", 2),
            ("critical", 3),
            ("fatal", 4),
            ("lower-warning", 5),
            ("lower-critical", 6),
            ("lower-fatal", 7),
            ("upper-warning", 8),
            ("upper-critical", 9),
            ("upper-fatal", 10),
        ],
    )
}

fn fd_state(s: &str) -> Result<u8, String> {
    parse::named(
        s,
        &[
            ("idle", 0),
            ("learn-components", 1),
            ("ready-xfer", 2),
            ("download", 3),
            ("verify", 4),
            ("apply", 5),
            ("activate", 6),
        ],
    )
}

/// A signed number (decimal, `-` allowed, or 0x hex).
fn i64_(s: &str) -> Result<i64, String> {
    match s.trim().strip_prefix('-') {
        Some(rest) => parse::number(rest, 1 << 63).map(|v| (v as i64).wrapping_neg()),
        None => parse::number(s, i64::MAX as u64).map(|v| v as i64),
    }
}

/// A PLDM version `major.minor[.update]` (Ver32, DSP0240 §8.1: BCD with
/// 0xF high nibbles).
fn ver32(s: &str) -> Result<Ver32, String> {
    let e = parse::version(s)?;
    let b = e.to_bytes();
    // VersionEntry and Ver32 use the same encoding (DSP0236 §12.6 =
    // DSP0240 ver32): major, minor, update, alpha.
    Ok(Ver32::from_wire([b[3], b[2], b[1], b[0]]))
}

#[derive(Subcommand, Debug)]
pub enum PldmCommand {
    /// GetTID (type 0, 0x02).
    GetTid {
        /// Response: the terminus ID.
        #[arg(long, default_value = "1", value_parser = parse::u8_)]
        tid: u8,
    },
    /// GetPLDMVersion (type 0, 0x03), first part.
    GetPldmVersion {
        /// Request: the PLDM type asked about.
        #[arg(long = "type", default_value = "base", value_parser = pldm_type)]
        pldm_type: u8,
        /// Response: versions, e.g. 1.0.0,1.1 (CRC-32 computed).
        #[arg(long, value_delimiter = ',', value_parser = ver32, default_value = "1.0.0")]
        versions: Vec<Ver32>,
    },
    /// GetPLDMTypes (type 0, 0x04).
    GetPldmTypes {
        /// Response: supported types, e.g. 0,2,5.
        #[arg(long, value_delimiter = ',', value_parser = pldm_type, default_value = "0")]
        types: Vec<u8>,
    },
    /// GetSensorReading (type 2, 0x11).
    GetSensorReading {
        /// Request: sensor ID.
        #[arg(long, default_value = "0", value_parser = parse::u16_)]
        sensor_id: u16,
        /// Request: rearm event state.
        #[arg(long)]
        rearm: bool,
        /// Response: reading data size (uint8..sint32).
        #[arg(long, default_value = "uint8", value_parser = data_size)]
        size: u8,
        /// Response: present reading.
        #[arg(long, default_value = "0", value_parser = i64_, allow_hyphen_values = true)]
        reading: i64,
        /// Response: present/previous/event state (normal, warning, ...).
        #[arg(long, default_value = "normal", value_parser = sensor_state)]
        state: u8,
    },
    /// SetNumericEffecterValue (type 2, 0x31).
    SetNumericEffecterValue {
        #[arg(long, default_value = "0", value_parser = parse::u16_)]
        effecter_id: u16,
        /// Value data size (uint8..sint32).
        #[arg(long, default_value = "uint8", value_parser = data_size)]
        size: u8,
        #[arg(long, default_value = "0", value_parser = i64_, allow_hyphen_values = true)]
        value: i64,
    },
    /// GetPDR (type 2, 0x51), first part of a record.
    GetPdr {
        #[arg(long, default_value = "0", value_parser = parse::u32_)]
        record_handle: u32,
        /// Request count (bytes asked for).
        #[arg(long, default_value = "128", value_parser = parse::u16_)]
        count: u16,
    },
    /// RequestUpdate (type 5, 0x10).
    RequestUpdate {
        #[arg(long, default_value = "4096", value_parser = parse::u32_)]
        max_transfer_size: u32,
        /// Number of components.
        #[arg(long, default_value = "1", value_parser = parse::u16_)]
        components: u16,
        /// Maximum outstanding transfer requests.
        #[arg(long, default_value = "1", value_parser = parse::u8_)]
        max_outstanding: u8,
        #[arg(long, default_value = "0", value_parser = parse::u16_)]
        package_data_length: u16,
        /// Component image set version string (ASCII).
        #[arg(long, default_value = "1.0")]
        version_string: String,
        /// Response: FD meta data length.
        #[arg(long, default_value = "0", value_parser = parse::u16_)]
        meta_data_length: u16,
        /// Response: the FD will send GetPackageData.
        #[arg(long)]
        will_send_package_data: bool,
    },
    /// RequestFirmwareData (type 5, 0x15): request offset/length, or the
    /// response's image portion as hex.
    RequestFirmwareData {
        #[arg(long, default_value = "0", value_parser = parse::u32_)]
        offset: u32,
        #[arg(long, default_value = "0", value_parser = parse::u32_)]
        length: u32,
        /// Response: component image portion, hex.
        #[arg(value_name = "HEX")]
        data: Vec<String>,
    },
    /// GetStatus (type 5, 0x1B).
    GetStatus {
        /// Response: current state (idle, learn-components, ready-xfer,
        /// download, verify, apply, activate).
        #[arg(long, default_value = "idle", value_parser = fd_state)]
        current_state: u8,
        #[arg(long, default_value = "idle", value_parser = fd_state)]
        previous_state: u8,
        #[arg(long, default_value = "3", value_parser = parse::u8_)]
        aux_state: u8,
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        aux_state_status: u8,
        /// Progress percent (101 = not supported).
        #[arg(long, default_value = "101", value_parser = parse::u8_)]
        progress: u8,
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        reason_code: u8,
        #[arg(long, default_value = "0", value_parser = parse::u32_)]
        update_option_flags: u32,
    },
}

fn size(v: u8) -> DataSize {
    DataSize::from_value(v)
}

fn emit(b: PldmBuilder, data: &[u8]) -> Result<Vec<u8>, String> {
    let mut v = vec![0u8; b.header().buffer_len() + data.len()];
    let n = b.emit_data(data, &mut v).map_err(|e| e.to_string())?;
    v.truncate(n);
    Ok(v)
}

fn fw_vec(m: fw::FwMessage<'_>) -> Result<Vec<u8>, String> {
    let mut v = vec![0u8; m.buffer_len()];
    let n = m.emit_bytes(&mut v).map_err(|e| e.to_string())?;
    v.truncate(n);
    Ok(v)
}

/// Type and command of a typed subcommand (for error responses).
fn type_command(c: &PldmCommand) -> (PldmType, u8) {
    use PldmCommand as P;
    match c {
        P::GetTid { .. } => (PldmType::Base, base::Command::GetTid.value()),
        P::GetPldmVersion { .. } => (PldmType::Base, base::Command::GetPldmVersion.value()),
        P::GetPldmTypes { .. } => (PldmType::Base, base::Command::GetPldmTypes.value()),
        P::GetSensorReading { .. } => (
            PldmType::Platform,
            platform::Command::GetSensorReading.value(),
        ),
        P::SetNumericEffecterValue { .. } => (
            PldmType::Platform,
            platform::Command::SetNumericEffecterValue.value(),
        ),
        P::GetPdr { .. } => (PldmType::Platform, platform::Command::GetPdr.value()),
        P::RequestUpdate { .. } => (PldmType::FirmwareUpdate, fw::Command::RequestUpdate.value()),
        P::RequestFirmwareData { .. } => (
            PldmType::FirmwareUpdate,
            fw::Command::RequestFirmwareData.value(),
        ),
        P::GetStatus { .. } => (PldmType::FirmwareUpdate, fw::Command::GetStatus.value()),
    }
}

/// The message bytes, type byte first.
pub fn build(a: &PldmArgs) -> Result<Vec<u8>, String> {
    let iid = a.instance_id;
    if a.command.is_some() && (a.pldm_type.is_some() || !a.hex.is_empty()) {
        return Err(
            "pldm: --type/--command/HEX (generic form) cannot go with a command name".into(),
        );
    }
    let Some(cmd) = &a.command else {
        let (Some(t), Some(c)) = (a.pldm_type, a.command_code) else {
            return Err("pldm: give a command (see --help) or --type T --command C [HEX]".into());
        };
        let data = parse::hex_bytes(&a.hex.join(" "))?;
        let t = PldmType::from_value(t);
        let b = if a.response || a.cc.is_some() {
            PldmBuilder::response(t, c, a.cc.unwrap_or(0))
        } else {
            PldmBuilder::request(t, c)
        };
        return emit(b.instance_id(iid).datagram(a.datagram), &data);
    };
    let (t, c) = type_command(cmd);
    if let Some(cc) = a.cc.filter(|cc| *cc != 0) {
        // Error response: header + completion code (DSP0240 §7.4).
        return emit(PldmBuilder::response(t, c, cc).instance_id(iid), &[]);
    }
    let rsp = a.response || a.cc.is_some();
    use PldmCommand as P;
    let mut v = match cmd {
        P::GetTid { tid } if rsp => builder::get_tid_response(iid, *tid).to_vec(),
        P::GetTid { .. } => builder::get_tid_request(iid).to_vec(),
        P::GetPldmVersion { versions, .. } if rsp => {
            let mut scratch = vec![0u8; versions.len() * 4];
            let mut buf = vec![0u8; 16 + versions.len() * 4];
            let n = builder::emit_get_pldm_version_response(iid, versions, &mut scratch, &mut buf)
                .map_err(|e| e.to_string())?;
            buf.truncate(n);
            buf
        }
        P::GetPldmVersion { pldm_type, .. } => {
            builder::get_pldm_version_request(iid, PldmType::from_value(*pldm_type)).to_vec()
        }
        P::GetPldmTypes { types } if rsp => builder::get_pldm_types_response(iid, types).to_vec(),
        P::GetPldmTypes { .. } => builder::get_pldm_types_request(iid).to_vec(),
        P::GetSensorReading {
            size: s,
            reading,
            state,
            ..
        } if rsp => builder::get_sensor_reading_response(
            iid,
            size(*s),
            *reading,
            SensorState::from_value(*state),
        )
        .to_vec(),
        P::GetSensorReading {
            sensor_id, rearm, ..
        } => builder::get_sensor_reading_request(iid, *sensor_id, *rearm).to_vec(),
        P::SetNumericEffecterValue { .. } if rsp => {
            emit(PldmBuilder::response(t, c, 0).instance_id(iid), &[])?
        }
        P::SetNumericEffecterValue {
            effecter_id,
            size: s,
            value,
        } => builder::set_numeric_effecter_value_request(iid, *effecter_id, size(*s), *value)
            .to_vec(),
        P::GetPdr { .. } if rsp => {
            return Err(
                "pldm get-pdr: only the request (or --response --cc N) is built here; use \
                 `pldm --type platform --command 0x51 --response HEX` for a response with data"
                    .into(),
            )
        }
        P::GetPdr {
            record_handle,
            count,
        } => builder::get_pdr_request(iid, *record_handle, *count).to_vec(),
        P::RequestUpdate {
            meta_data_length,
            will_send_package_data,
            ..
        } if rsp => fw_vec(fwb::request_update_response(
            iid,
            *meta_data_length,
            *will_send_package_data,
        ))?,
        P::RequestUpdate {
            max_transfer_size,
            components,
            max_outstanding,
            package_data_length,
            version_string,
            ..
        } => {
            if version_string.len() > 255 {
                return Err("--version-string: at most 255 bytes".into());
            }
            fw_vec(fwb::request_update_request(
                iid,
                RequestUpdateRequest {
                    maximum_transfer_size: *max_transfer_size,
                    number_of_components: *components,
                    maximum_outstanding_transfer_requests: *max_outstanding,
                    package_data_length: *package_data_length,
                    component_image_set_version: VersionString::ascii(version_string),
                },
            ))?
        }
        P::RequestFirmwareData { data, .. } if rsp => {
            let d = parse::hex_bytes(&data.join(" "))?;
            fw_vec(fwb::request_firmware_data_response(iid, &d))?
        }
        P::RequestFirmwareData {
            offset,
            length,
            data,
        } => {
            if !data.is_empty() {
                return Err("pldm request-firmware-data: data bytes go with --response".into());
            }
            fw_vec(fwb::request_firmware_data_request(iid, *offset, *length))?
        }
        P::GetStatus {
            current_state,
            previous_state,
            aux_state,
            aux_state_status,
            progress,
            reason_code,
            update_option_flags,
        } if rsp => fw_vec(fwb::get_status_response(
            iid,
            GetStatusResponse {
                current_state: *current_state,
                previous_state: *previous_state,
                aux_state: *aux_state,
                aux_state_status: *aux_state_status,
                progress_percent: *progress,
                reason_code: *reason_code,
                update_option_flags_enabled: *update_option_flags,
            },
        ))?,
        P::GetStatus { .. } => fw_vec(fwb::get_status_request(iid))?,
    };
    if a.datagram && !rsp {
        // Set the D bit through the header Repr rather than by hand.
        let mut h = Header::parse(&v).map_err(|e| e.to_string())?;
        h.d = true;
        h.emit_bytes(&mut v).map_err(|e| e.to_string())?;
    }
    Ok(v)
}
