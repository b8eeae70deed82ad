//! `mctpkit craft nvme-mi <command>`: NVMe-MI (NVMe-MI 1.2 §3, §5, §6)
//! requests from `mctpkit_wire::nvme_mi::builder`, Message Integrity Check
//! included; this file only maps options to builder arguments.

use clap::{Args, Subcommand};
use mctpkit::wire::nvme_mi::builder::{self, Builder};
use mctpkit::wire::nvme_mi::{Cns, ConfigurationId, DataStructureType, LogId};

use super::parse;

pub const AFTER_HELP: &str = "\
Examples:
  mctpkit craft --decode nvme-mi subsystem-health-status-poll --clear
  mctpkit craft nvme-mi controller-health-status-poll --max-entries 4 --report-all
  mctpkit craft nvme-mi read-data-structure --dtyp controller-list
  mctpkit craft nvme-mi configuration-get --id mtu --port-id 1
  mctpkit craft nvme-mi --csi 1 admin-identify --cns 1 --ctrl-id 0
  mctpkit craft nvme-mi admin-get-log-page --lid 2 --bytes 512

Every message ends with the Message Integrity Check (CRC-32C over the
message, little-endian, NVMe-MI §4.2.1), computed here: the type byte is
0x84 (IC set). --no-ic drops it (type 0x04). --csi and --meb go after
`nvme-mi`, before or after the command name.";

#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP, next_help_heading = "NVMe-MI header (any position)")]
pub struct NvmeMiArgs {
    /// Command slot identifier, 0 or 1.
    #[arg(long, global = true, default_value = "0", value_parser = csi)]
    pub csi: u8,
    /// Management Endpoint Buffer bit.
    #[arg(long, global = true)]
    pub meb: bool,
    /// Clear the IC bit: no MIC is appended (the MIC is computed otherwise).
    #[arg(long, global = true)]
    pub no_ic: bool,
    #[command(subcommand)]
    pub command: NvmeMiCommand,
}

fn csi(s: &str) -> Result<u8, String> {
    parse::number(s, 1).map(|v| v as u8)
}

fn dtyp(s: &str) -> Result<u8, String> {
    parse::named(
        s,
        &[
            ("subsystem", 0),
            ("port", 1),
            ("controller-list", 2),
            ("controller", 3),
            ("optional-commands", 4),
            ("meb-commands", 5),
        ],
    )
}

fn config_id(s: &str) -> Result<u8, String> {
    parse::named(
        s,
        &[
            ("smbus-frequency", 1),
            ("health-status-change", 2),
            ("mtu", 3),
            ("async-event", 4),
        ],
    )
}

#[derive(Subcommand, Debug)]
pub enum NvmeMiCommand {
    /// NVM Subsystem Health Status Poll (MI opcode 0x01).
    SubsystemHealthStatusPoll {
        /// Clear Status (CS, dword 1 bit 31).
        #[arg(long)]
        clear: bool,
    },
    /// Controller Health Status Poll (MI opcode 0x02).
    ControllerHealthStatusPoll {
        #[arg(long, default_value = "0", value_parser = parse::u16_)]
        start_id: u16,
        #[arg(long, default_value = "255", value_parser = parse::u8_)]
        max_entries: u8,
        /// Report All (RALL).
        #[arg(long)]
        report_all: bool,
        /// Clear Changed Flags (CCF).
        #[arg(long)]
        clear_changed: bool,
    },
    /// Read NVMe-MI Data Structure (MI opcode 0x00).
    ReadDataStructure {
        /// Data structure type: subsystem, port, controller-list,
        /// controller, optional-commands, meb-commands or a number.
        #[arg(long, default_value = "subsystem", value_parser = dtyp)]
        dtyp: u8,
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        port_id: u8,
        #[arg(long, default_value = "0", value_parser = parse::u16_)]
        controller_id: u16,
    },
    /// Configuration Get (MI opcode 0x04).
    ConfigurationGet {
        /// Configuration identifier: smbus-frequency, health-status-change,
        /// mtu, async-event or a number.
        #[arg(long, default_value = "mtu", value_parser = config_id)]
        id: u8,
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        port_id: u8,
    },
    /// Admin Identify (opcode 0x06), data length 4096.
    AdminIdentify {
        #[arg(long, default_value = "0", value_parser = parse::u16_)]
        ctrl_id: u16,
        /// Controller or Namespace Structure (1 = Identify Controller).
        #[arg(long, default_value = "1", value_parser = parse::u8_)]
        cns: u8,
    },
    /// Admin Get Log Page (opcode 0x02) from offset 0.
    AdminGetLogPage {
        #[arg(long, default_value = "0", value_parser = parse::u16_)]
        ctrl_id: u16,
        /// Log page identifier (2 = SMART / Health).
        #[arg(long, default_value = "2", value_parser = parse::u8_)]
        lid: u8,
        /// Bytes to read: a multiple of 4, at least 4.
        #[arg(long, default_value = "512", value_parser = parse::u32_)]
        bytes: u32,
    },
}

/// The message bytes, type byte first, MIC last.
pub fn build(a: &NvmeMiArgs) -> Result<Vec<u8>, String> {
    use NvmeMiCommand as N;
    let b: Builder<'static> = match &a.command {
        N::SubsystemHealthStatusPoll { clear } => {
            builder::subsystem_health_status_poll(a.csi, *clear)
        }
        N::ControllerHealthStatusPoll {
            start_id,
            max_entries,
            report_all,
            clear_changed,
        } => builder::controller_health_status_poll(
            a.csi,
            *start_id,
            *max_entries,
            *report_all,
            *clear_changed,
        ),
        N::ReadDataStructure {
            dtyp,
            port_id,
            controller_id,
        } => builder::read_data_structure(
            a.csi,
            DataStructureType::from_value(*dtyp),
            *port_id,
            *controller_id,
        ),
        N::ConfigurationGet { id, port_id } => {
            builder::configuration_get(a.csi, ConfigurationId::from_value(*id), *port_id)
        }
        N::AdminIdentify { ctrl_id, cns } => {
            builder::admin_identify(*ctrl_id, Cns::from_value(*cns)).csi(a.csi)
        }
        N::AdminGetLogPage {
            ctrl_id,
            lid,
            bytes,
        } => {
            if *bytes < 4 || bytes % 4 != 0 {
                return Err("nvme-mi admin-get-log-page: --bytes is a multiple of 4, ≥ 4".into());
            }
            builder::admin_get_log_page(*ctrl_id, LogId::from_value(*lid), *bytes).csi(a.csi)
        }
    };
    Ok(b.meb(a.meb).ic(!a.no_ic).to_vec())
}
