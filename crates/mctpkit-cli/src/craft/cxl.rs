//! `mctpkit craft cxl <command>`: CXL CCI / FM-API messages over MCTP
//! (DSP0281 / DSP0234, CXL 3.x §8.2.9) from `mctpkit_wire::cxl::builder`;
//! this file only maps options to builder arguments.

use clap::{Args, Subcommand};
use mctpkit::wire::cxl::builder::{self, CxlBuilder};
use mctpkit::wire::cxl::{EmitPayload, ReturnCode};

use super::parse;

pub const AFTER_HELP: &str = "\
Examples:
  mctpkit craft --decode cxl identify --cxl-tag 1
  mctpkit craft cxl get-health-info
  mctpkit craft cxl get-timestamp
  mctpkit craft cxl get-supported-logs
  mctpkit craft cxl identify-switch-device
  mctpkit craft cxl get-physical-port-state --ports 0,1,2
  mctpkit craft cxl get-ld-info
  # Tunnel Management Command (5300h) to switch port 3, carrying Identify:
  mctpkit craft --decode cxl --tunnel 3 identify
  # Generic: opcode, then the payload as hex:
  mctpkit craft cxl --opcode 0x0301 --cxl-tag 2 00 e4 0b 54 02 00 00 00
  mctpkit craft cxl --opcode 0x0300 --response 00 e4 0b 54 02 00 00 00
  mctpkit craft cxl --opcode 0xc001 --fm-api 01 02

MCTP type: 0x07 (FM-API) for command sets 51h-59h and tunnels, 0x08 (CCI)
otherwise; --fm-api forces 0x07. The CXL message tag is --cxl-tag (--tag
is the MCTP message tag). --cxl-tag, --tunnel and --fm-api go after `cxl`,
before or after the command name. TO defaults to 1 for requests, 0 for
responses.";

#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP, next_help_heading = "CXL header (any position)")]
pub struct CxlArgs {
    /// CXL message tag (echoed by the response).
    #[arg(long, global = true, default_value = "0", value_parser = parse::u8_)]
    pub cxl_tag: u8,
    /// Wrap the command in a Tunnel Management Command (5300h) to this
    /// switch port / LD ID (MCTP type 7).
    #[arg(long, global = true, value_name = "PORT", value_parser = parse::u8_)]
    pub tunnel: Option<u8>,
    /// Send as MCTP type 0x07 (FM-API) whatever the opcode.
    #[arg(long, global = true)]
    pub fm_api: bool,
    /// Generic form: command opcode.
    #[arg(long, value_parser = parse::u16_)]
    pub opcode: Option<u16>,
    /// Generic form: build a response (category 1).
    #[arg(long, requires = "opcode")]
    pub response: bool,
    /// Generic form: response return code (implies --response).
    #[arg(long, value_parser = parse::u16_, requires = "opcode")]
    pub return_code: Option<u16>,
    /// Generic form: the payload, hex.
    #[arg(value_name = "HEX", requires = "opcode")]
    pub hex: Vec<String>,
    #[command(subcommand)]
    pub command: Option<CxlCommand>,
}

#[derive(Subcommand, Debug)]
pub enum CxlCommand {
    /// Identify (0001h).
    Identify,
    /// Get Health Info (4200h).
    GetHealthInfo,
    /// Get Timestamp (0300h).
    GetTimestamp,
    /// Get Supported Logs (0400h).
    GetSupportedLogs,
    /// Identify Switch Device (5100h, FM-API).
    IdentifySwitchDevice,
    /// Get Physical Port State (5101h, FM-API).
    GetPhysicalPortState {
        /// Port IDs, e.g. 0,1,2.
        #[arg(long, value_delimiter = ',', value_parser = parse::u8_, default_value = "0")]
        ports: Vec<u8>,
    },
    /// Get LD Info (5400h, FM-API).
    GetLdInfo,
}

/// Tag, type override and tunnel applied to any builder.
fn finish<B: EmitPayload + Copy>(a: &CxlArgs, b: CxlBuilder<B>) -> Vec<u8> {
    let b = b.tag(a.cxl_tag);
    let b = if a.fm_api { b.fm_api() } else { b };
    match a.tunnel {
        // The tunnel carries the inner CCI message (no type byte); the
        // outer request gets the same tag.
        Some(port) => builder::tunnel(port, b).tag(a.cxl_tag).to_vec(),
        None => b.to_vec(),
    }
}

/// The message bytes, type byte first.
pub fn build(a: &CxlArgs) -> Result<Vec<u8>, String> {
    if a.command.is_some() && (a.opcode.is_some() || !a.hex.is_empty()) {
        return Err("cxl: --opcode/HEX (generic form) cannot go with a command name".into());
    }
    let Some(cmd) = &a.command else {
        let Some(opcode) = a.opcode else {
            return Err("cxl: give a command (see --help) or --opcode 0xNNNN [HEX]".into());
        };
        let data = parse::hex_bytes(&a.hex.join(" "))?;
        if data.len() > 0x1F_FFFF {
            return Err("cxl: the payload length field is 21 bits".into());
        }
        let b = if a.response || a.return_code.is_some() {
            if a.tunnel.is_some() {
                return Err("cxl: --tunnel wraps requests only".into());
            }
            builder::response(opcode)
                .return_code(ReturnCode::from_value(a.return_code.unwrap_or(0)))
        } else {
            builder::request(opcode)
        };
        return Ok(finish(a, b.payload(&data)));
    };
    use CxlCommand as C;
    let t = a.cxl_tag;
    Ok(match cmd {
        C::Identify => finish(a, builder::identify_request(t)),
        C::GetHealthInfo => finish(a, builder::get_health_info_request(t)),
        C::GetTimestamp => finish(a, builder::get_timestamp_request(t)),
        C::GetSupportedLogs => finish(a, builder::get_supported_logs_request(t)),
        C::IdentifySwitchDevice => finish(a, builder::identify_switch_device_request(t)),
        C::GetPhysicalPortState { ports } => {
            if ports.len() > 0xFF {
                return Err("cxl get-physical-port-state: at most 255 ports".into());
            }
            finish(a, builder::get_physical_port_state_request(t, ports))
        }
        C::GetLdInfo => finish(a, builder::get_ld_info_request(t)),
    })
}
