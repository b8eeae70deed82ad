//! `mctpkit craft vdm`: vendor-defined messages (DSP0236 §13.1-13.2: type
//! 0x7E with a PCI vendor ID, 0x7F with an IANA enterprise number) from
//! `mctpkit_wire::vdm::VdmBuilder`, with the Cerberus header (Microsoft,
//! PCI 0x1414) as a helper.

use clap::{Args, Subcommand};
use mctpkit::wire::vdm::{cerberus, VdmBuilder};

use super::parse;

pub const AFTER_HELP: &str = "\
Examples:
  # PCI vendor ID then payload (type 0x7E):
  mctpkit craft vdm --pci 0x8086 01 02 03
  # IANA enterprise number then payload (type 0x7F):
  mctpkit craft vdm --iana 343 aa bb
  # Cerberus (PCI 0x1414, 2-byte header) Get Digest, slot 0:
  mctpkit craft --decode vdm cerberus --command 0x81 00 00
  mctpkit craft vdm cerberus --command get-firmware-version 00
  mctpkit craft vdm --response cerberus --command 0x01 31 2e 30

Vendor messages have no standard request bit: TO defaults to 1 unless
--response (or --no-to). --ic sets the IC bit of the type byte (no check is
added: the vendor defines it).";

#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP, next_help_heading = "Vendor header (any position)")]
pub struct VdmArgs {
    /// PCI vendor ID (message type 0x7E).
    #[arg(long, value_parser = parse::u16_, conflicts_with = "iana")]
    pub pci: Option<u16>,
    /// IANA private enterprise number (message type 0x7F).
    #[arg(long, value_parser = parse::u32_)]
    pub iana: Option<u32>,
    /// A response: TO defaults to 0.
    #[arg(long, global = true)]
    pub response: bool,
    /// Set the IC bit of the type byte.
    #[arg(long, global = true)]
    pub ic: bool,
    /// The payload after the vendor ID, hex.
    #[arg(value_name = "HEX")]
    pub hex: Vec<String>,
    #[command(subcommand)]
    pub command: Option<VdmCommand>,
}

fn cerberus_command(s: &str) -> Result<u8, String> {
    parse::named(
        s,
        &[
            ("error", 0x7F),
            ("get-firmware-version", 0x01),
            ("get-device-capabilities", 0x02),
            ("get-device-id", 0x03),
            ("get-device-information", 0x04),
            ("get-digest", 0x81),
            ("get-certificate", 0x82),
            ("challenge", 0x83),
        ],
    )
}

#[derive(Subcommand, Debug)]
pub enum VdmCommand {
    /// A Cerberus message (PCI 0x1414): 2-byte header, then the body.
    Cerberus {
        /// Command code (number or get-firmware-version, get-digest,
        /// get-certificate, challenge, ...).
        #[arg(long, value_parser = cerberus_command)]
        command: u8,
        /// Rq bit: device-specific command set.
        #[arg(long)]
        device_specific: bool,
        /// Crypt bit: body encrypted.
        #[arg(long)]
        crypt: bool,
        /// The body after the Cerberus header, hex.
        #[arg(value_name = "HEX")]
        hex: Vec<String>,
    },
}

/// The message bytes and whether it is a request.
pub fn build(a: &VdmArgs) -> Result<(Vec<u8>, bool), String> {
    if a.command.is_some() && (a.pci.is_some() || a.iana.is_some() || !a.hex.is_empty()) {
        return Err(
            "vdm: cerberus fixes the vendor (PCI 0x1414); its body goes after `cerberus`".into(),
        );
    }
    let (b, hex) = match &a.command {
        Some(VdmCommand::Cerberus {
            command,
            device_specific,
            crypt,
            hex,
        }) => {
            let mut h = cerberus::Header::new(cerberus::Command::from_value(*command));
            h.device_specific = *device_specific;
            h.crypt = *crypt;
            (VdmBuilder::cerberus_header(h), hex)
        }
        None => match (a.pci, a.iana) {
            (Some(p), _) => (VdmBuilder::pci(p), &a.hex),
            (None, Some(i)) => (VdmBuilder::iana(i), &a.hex),
            (None, None) => {
                return Err("vdm: give --pci ID, --iana NUMBER or `cerberus --command C`".into())
            }
        },
    };
    let body = parse::hex_bytes(&hex.join(" "))?;
    Ok((b.ic(a.ic).body(&body).to_vec(), !a.response))
}
