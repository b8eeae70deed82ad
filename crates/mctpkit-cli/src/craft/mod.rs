//! `mctpkit craft`: build a message from named fields, split it into MCTP
//! packets at a chosen transmission unit, wrap each in a binding frame and
//! print it as hex (one line per frame, the form `mctpkit decode` reads), or
//! append the packets to a pcap.
//!
//! Nothing is encoded here: messages come from the wire crate's control
//! builders (or the bytes given), packets from
//! [`mctpkit::wire::fragment::Fragmenter`], frames from each binding's
//! `Repr::emit_frame`.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Subcommand;
use mctpkit::capture::{Direction, PcapWriter, Timestamp};
use mctpkit::dissect::{dissect_with, SCRATCH_LEN};
use mctpkit::wire::binding::{i3c, ipmi, pcie_vdm, serial, smbus, usb, Framing, ParseOptions};
use mctpkit::wire::fragment::Fragmenter;
use mctpkit::{render, BindingKind};

use crate::decode::{BindingArg, I3cDirection};

mod control;
mod cxl;
mod nvme_mi;
mod parse;
mod pldm;
mod spdm;
mod vdm;

const AFTER_HELP: &str = "\
Examples:
  # Get Endpoint ID request, EID 8 -> 9, tag 3, SMBus 0x10 -> 0x20:
  mctpkit craft --src 8 --dst 9 --tag 3 --binding smbus --src-addr 0x10 --dst-addr 0x20 \\
      control get-endpoint-id
  # ... and check it decodes back (summaries are printed as `# ` comment lines,
  # so the output can still be piped into `mctpkit decode --binding smbus -`):
  mctpkit craft --src 8 --dst 9 --tag 3 --binding smbus --src-addr 0x10 --dst-addr 0x20 \\
      --decode control get-endpoint-id
  # Responses: --response, then the response fields (TO defaults to 0):
  mctpkit craft --src 9 --dst 8 --tag 3 control get-endpoint-id --response --eid 9 \\
      --endpoint-type simple --eid-type dynamic
  mctpkit craft --src 8 --dst 0 control set-endpoint-id --op set --eid 0x1d
  mctpkit craft control get-message-type-support --response --types 0,1,5
  mctpkit craft control get-mctp-version-support --type 0xff
  mctpkit craft control get-mctp-version-support --response --versions 1.3.1,1.2,1.1,1.0
  mctpkit craft control get-endpoint-uuid --response --cc unsupported-cmd --instance-id 5
  # Message families (see `mctpkit craft pldm --help`, `spdm`, `nvme-mi`,
  # `cxl`, `vdm`); --decode shows the family decode:
  mctpkit craft --decode pldm get-sensor-reading --sensor-id 5 --instance-id 3
  mctpkit craft --decode spdm get-measurements --version 1.2 --index 0xff --nonce random
  mctpkit craft --decode nvme-mi subsystem-health-status-poll --clear
  mctpkit craft --decode cxl --tunnel 3 identify
  mctpkit craft --decode vdm --pci 0x1414 cerberus --command 0x14 00 00
  # Any message family: type byte + body, or the whole message:
  mctpkit craft --binding serial raw --type 0x7e '1a b4 00 01 02 03'
  mctpkit craft message 01 80 02 3f 01
  # A 151-byte vendor message split at the 64-byte baseline unit (3 packets):
  mctpkit craft --mtu 64 raw --type 0x7f \"$(printf '00%.0s' $(seq 150))\"
  # Append the packets to a pcap (LINUX_SLL2, readable by Wireshark and
  # `mctpkit analyze`):
  mctpkit craft --pcap session.pcap control get-endpoint-id

Transmission unit: --mtu is the payload per packet, MCTP header excluded
(DSP0236 baseline 64). Linux (`ip link set mctp0 mtu 68`) and libmctp count
the 4-byte header too, so Linux MTU 68 = --mtu 64.

Control header: --response, --cc, --instance-id and --datagram go after
`control` (before or after the command name); packet and framing options
go anywhere.

Addresses: SMBus/I2C --src-addr/--dst-addr are 7-bit (0x10 is written as the
byte 0x21 for the source, 0x20 for a destination); smbus-no-dest omits the
destination byte but its PEC still covers --dst-addr. I3C: --addr is the
target's dynamic address the PEC covers (as in `mctpkit decode --addr`), with
--i3c-direction. PCIe VDM: --requester-id, --target-id (bb:dd.f or a 16-bit
number) and --routing.

--pcap stores bare MCTP packets (transport header onwards): LINUX_SLL2 and
Linux MCTP netdevs carry no binding framing, so --binding only affects the
hex printed.

Numbers are decimal or 0x-prefixed hex.";

/// Message routing of a PCIe VDM (DSP0238 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoutingArg {
    /// Route by ID (to --target-id).
    Id,
    /// Route to the root complex.
    RootComplex,
    /// Broadcast from the root complex.
    Broadcast,
}

#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP, next_help_heading = "Packet and framing (any position)")]
pub struct Args {
    /// Source EID.
    #[arg(long, global = true, default_value = "8", value_parser = parse::u8_)]
    src: u8,
    /// Destination EID (0 = null, physical addressing; 0xff = broadcast).
    #[arg(long, global = true, default_value = "9", value_parser = parse::u8_)]
    dst: u8,
    /// Message tag, 0..=7.
    #[arg(long, global = true, default_value = "0", value_parser = parse::tag)]
    tag: u8,
    /// Tag owner bit set (default for requests).
    #[arg(long, global = true, conflicts_with = "no_to")]
    to: bool,
    /// Tag owner bit clear (default for responses).
    #[arg(long, global = true)]
    no_to: bool,
    /// Sequence number of the first packet, 0..=3.
    #[arg(long, global = true, default_value = "0", value_parser = parse::seq)]
    seq: u8,
    /// Payload bytes per packet, MCTP header excluded (Linux MTU minus 4).
    #[arg(long, global = true, value_name = "BYTES", default_value = "64", value_parser = parse::mtu)]
    mtu: usize,
    /// Framing around each packet.
    #[arg(short, long, global = true, value_enum, default_value = "none")]
    binding: BindingArg,
    /// SMBus/I2C 7-bit source address.
    #[arg(long, global = true, value_name = "ADDR7", default_value = "0x10", value_parser = parse::addr7)]
    src_addr: u8,
    /// SMBus/I2C 7-bit destination address.
    #[arg(long, global = true, value_name = "ADDR7", default_value = "0x20", value_parser = parse::addr7)]
    dst_addr: u8,
    /// I3C: the target's 7-bit dynamic address covered by the PEC (without
    /// it the PEC covers the packet alone).
    #[arg(long, global = true, value_name = "ADDR7", value_parser = parse::addr7)]
    addr: Option<u8>,
    /// I3C transfer direction for the PEC address byte.
    #[arg(long, global = true, value_enum, default_value = "write")]
    i3c_direction: I3cDirection,
    /// PCIe VDM requester ID (the sender), bb:dd.f or a 16-bit number.
    #[arg(long, global = true, value_name = "BDF", default_value = "0", value_parser = parse::bdf)]
    requester_id: pcie_vdm::Bdf,
    /// PCIe VDM target ID (route by ID), bb:dd.f or a 16-bit number.
    #[arg(long, global = true, value_name = "BDF", default_value = "0", value_parser = parse::bdf)]
    target_id: pcie_vdm::Bdf,
    /// PCIe VDM routing.
    #[arg(long, global = true, value_enum, default_value = "id")]
    routing: RoutingArg,
    /// Also append the packets (bare MCTP) to this pcap file, created if
    /// missing (LINUX_SLL2, outgoing, time stamps now).
    #[arg(long, global = true, value_name = "FILE")]
    pcap: Option<PathBuf>,
    /// After each frame, print mctpkit's decode of it as a `# ` line.
    #[arg(long, global = true)]
    decode: bool,
    #[command(subcommand, next_help_heading = "Options")]
    message: MessageArg,
}

#[derive(Subcommand, Debug)]
enum MessageArg {
    /// An MCTP control message (type 0x00): `control <command> [--response] [fields]`.
    Control(control::ControlArgs),
    /// A PLDM message (type 0x01): `pldm <command> [fields]`, or
    /// `pldm --type T --command C [HEX]`.
    Pldm(pldm::PldmArgs),
    /// An SPDM message (type 0x05): `spdm <request> [fields]`, or
    /// `spdm --code 0xNN [HEX]`.
    Spdm(spdm::SpdmArgs),
    /// An NVMe-MI message (type 0x04, MIC computed): `nvme-mi <command> [fields]`.
    NvmeMi(nvme_mi::NvmeMiArgs),
    /// A CXL CCI (type 0x08) or FM-API (type 0x07) message: `cxl <command>`,
    /// or `cxl --opcode 0xNNNN [HEX]`; `--tunnel PORT` wraps it in 5300h.
    Cxl(cxl::CxlArgs),
    /// A vendor-defined message (type 0x7E PCI / 0x7F IANA): `vdm --pci ID
    /// [HEX]`, `vdm --iana N [HEX]`, `vdm cerberus --command C [HEX]`.
    Vdm(vdm::VdmArgs),
    /// A message of any type: `--type` byte, then the body as hex.
    Raw {
        /// Message type byte (IC bit included if set), number or name
        /// (pldm, spdm, vendor-pci, ...).
        #[arg(long = "type", value_parser = control::message_type)]
        message_type: u8,
        /// Body bytes after the type byte, hex.
        hex: Vec<String>,
    },
    /// A whole message as hex, type byte first.
    Message {
        /// Message bytes, hex.
        #[arg(required = true)]
        hex: Vec<String>,
    },
}

/// The message bytes and whether it is a request.
fn build_message(m: &MessageArg) -> Result<(Vec<u8>, bool), String> {
    match m {
        MessageArg::Control(c) => Ok((control::build(c)?, !c.response)),
        MessageArg::Pldm(a) => family(pldm::build(a)?),
        MessageArg::Spdm(a) => family(spdm::build(a)?),
        MessageArg::NvmeMi(a) => family(nvme_mi::build(a)?),
        MessageArg::Cxl(a) => family(cxl::build(a)?),
        MessageArg::Vdm(a) => vdm::build(a),
        MessageArg::Raw { message_type, hex } => {
            let mut msg = vec![*message_type];
            msg.extend(parse::hex_bytes(&hex.join(" "))?);
            let req = is_request(&msg);
            Ok((msg, req))
        }
        MessageArg::Message { hex } => {
            let msg = parse::hex_bytes(&hex.join(" "))?;
            if msg.is_empty() {
                return Err("the message is empty: give at least the type byte".into());
            }
            let req = is_request(&msg);
            Ok((msg, req))
        }
    }
}

/// A family message with its direction taken from its own decode.
fn family(msg: Vec<u8>) -> Result<(Vec<u8>, bool), String> {
    let req = is_request(&msg);
    Ok((msg, req))
}

/// Whether `msg` is a request, so TO defaults to 1 (responses: 0); the
/// family rules live in `mctpkit_wire::message::is_request`. Anything
/// without a direction (unsolicited, unknown types, vendor messages without
/// a registered decoder) counts as a request: use --no-to otherwise.
fn is_request(msg: &[u8]) -> bool {
    mctpkit::wire::message::is_request(msg).unwrap_or(true)
}

/// Wrap one packet in the chosen binding.
fn frame(args: &Args, packet: &[u8]) -> Result<Vec<u8>, String> {
    let mut buf = vec![0u8; packet.len() * 2 + 64];
    let smbus = smbus::Repr {
        dst_addr: args.dst_addr,
        src_addr: args.src_addr,
    };
    let framing = match args.binding {
        BindingArg::None => Framing::None,
        BindingArg::Smbus => Framing::Smbus(smbus),
        BindingArg::SmbusNoDest => Framing::SmbusNoDest(smbus),
        BindingArg::Serial => Framing::Serial(serial::Repr::default()),
        BindingArg::I3c => Framing::I3c(i3c::Repr {
            pec_addr: i3c_pec_addr(args),
        }),
        BindingArg::PcieVdm => Framing::PcieVdm(pcie_vdm::Repr {
            routing: match args.routing {
                RoutingArg::Id => pcie_vdm::Routing::RouteById,
                RoutingArg::RootComplex => pcie_vdm::Routing::RouteToRootComplex,
                RoutingArg::Broadcast => pcie_vdm::Routing::BroadcastFromRootComplex,
            },
            requester_id: args.requester_id,
            target_id: args.target_id,
            ..pcie_vdm::Repr::default()
        }),
        BindingArg::Usb => Framing::Usb(usb::Repr::default()),
        // IPMI Master Write-Read (NetFn App, cmd 0x52) on channel 0, public
        // bus 0, to the SMBus destination, carrying the frame without its
        // destination byte.
        BindingArg::Ipmi => Framing::Ipmi(ipmi::Repr {
            lun: 0,
            channel: 0,
            bus_id: 0,
            private_bus: false,
            slave_addr: args.dst_addr,
            read_count: 0,
            src_addr: args.src_addr,
        }),
    };
    let r = framing.emit(packet, &mut buf);
    let n = r.map_err(|e| {
        format!(
            "cannot frame a {}-byte packet for {}: {e} (lower --mtu?)",
            packet.len(),
            BindingKind::from(args.binding).cli_name()
        )
    })?;
    buf.truncate(n);
    Ok(buf)
}

fn i3c_pec_addr(args: &Args) -> Option<i3c::PecAddress> {
    args.addr.map(|a| i3c::PecAddress {
        dynamic_addr: a,
        direction: match args.i3c_direction {
            I3cDirection::Write => i3c::Direction::Write,
            I3cDirection::Read => i3c::Direction::Read,
        },
    })
}

/// The family decode of a whole message (type byte first): its summary,
/// its message-level integrity check and any problem, as `!!` notes like
/// the dissector's.
fn message_summary(msg: &[u8]) -> String {
    use mctpkit::wire::message::Message;
    let mut s = String::new();
    match Message::parse(msg) {
        Ok(m) => {
            let _ = m.as_describe().summary(&mut s);
            if let Some(i) = m.integrity() {
                s.push_str(&format!(
                    " / {} {}",
                    i.name,
                    if i.ok() { "ok" } else { "BAD" }
                ));
            }
            if let Some(e) = m.problem() {
                s.push_str(&format!(" / !! {e}"));
            }
        }
        Err(e) => s.push_str(&format!("!! {e}")),
    }
    s
}

/// Lower-case hex bytes separated by spaces.
pub fn hex_line(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

pub fn run(args: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let (msg, request) = build_message(&args.message)?;
    let to = if args.to {
        true
    } else if args.no_to {
        false
    } else {
        request
    };
    let packets: Vec<Vec<u8>> =
        Fragmenter::new(&msg, args.dst, args.src, to, args.tag, args.mtu, args.seq)
            .map_err(|e| e.to_string())?
            .collect();
    let frames = packets
        .iter()
        .map(|p| frame(&args, p))
        .collect::<Result<Vec<_>, _>>()?;

    let binding: BindingKind = args.binding.into();
    let opts = ParseOptions {
        smbus_dst_addr: Some(args.dst_addr),
        i3c_pec_addr: i3c_pec_addr(&args),
        ..ParseOptions::default()
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut line = String::new();
    for f in &frames {
        writeln!(out, "{}", hex_line(f))?;
        if args.decode {
            let mut scratch = [0u8; SCRATCH_LEN];
            let d = dissect_with(binding, f, &opts, Some(&mut scratch));
            line.clear();
            render::summary(&d, &mut line);
            writeln!(out, "# {line}")?;
        }
    }
    if args.decode && packets.len() > 1 {
        // Each frame above is decoded alone (the dissector does not
        // reassemble), so also show the family decode of the whole message.
        writeln!(
            out,
            "# message ({} bytes): {}",
            msg.len(),
            message_summary(&msg)
        )?;
    }
    out.flush()?;

    if let Some(path) = &args.pcap {
        let mut w = PcapWriter::append(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?;
        for (i, p) in packets.iter().enumerate() {
            // One microsecond apart so the packets keep their order.
            let t = now + std::time::Duration::from_micros(i as u64);
            let ts = Timestamp {
                secs: t.as_secs() as i64,
                nanos: t.subsec_micros() * 1000,
            };
            w.write_packet(ts, Direction::Outgoing, p)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        w.flush()?;
        eprintln!(
            "mctpkit: appended {} packet{} to {}",
            packets.len(),
            if packets.len() == 1 { "" } else { "s" },
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bit() {
        assert!(is_request(&[0x00, 0x80, 0x02]));
        assert!(!is_request(&[0x00, 0x00, 0x02, 0x00]));
        assert!(!is_request(&[0x01, 0x03, 0x02]));
        assert!(is_request(&[0x05, 0x10, 0x84]));
        assert!(is_request(&[0x7E]));
        // SPDM GET_VERSION / VERSION (bit 7 of the code).
        assert!(is_request(&[0x05, 0x10, 0x84, 0x00, 0x00]));
        assert!(!is_request(&[0x05, 0x10, 0x04, 0x00, 0x00, 0x00, 0x00]));
        // CXL: category byte 0 = request, 1 = response.
        let mut cxl = [0u8; 13];
        cxl[0] = 0x08;
        cxl[5] = 0x03;
        assert!(is_request(&cxl));
        cxl[1] = 0x01;
        assert!(!is_request(&cxl));
    }

    #[test]
    fn hex() {
        assert_eq!(hex_line(&[0x01, 0xAB]), "01 ab");
        assert_eq!(hex_line(&[]), "");
    }
}
