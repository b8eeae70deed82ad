//! `mctpkit decode`: hex in, one decode per packet out.

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use clap::ValueEnum;
use mctpkit::dissect::{dissect_all_with, dissect_with, Dissection, SCRATCH_LEN};
use mctpkit::wire::binding::{i3c, ParseOptions};
use mctpkit::{render, BindingKind};

/// Binding names accepted on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BindingArg {
    /// No framing: bytes start with the MCTP transport header.
    None,
    /// SMBus/I2C block write from the destination address byte (DSP0237).
    Smbus,
    /// SMBus/I2C without the destination byte, from command 0x0F
    /// (give `--addr` to check the PEC).
    SmbusNoDest,
    /// One whole serial frame, flags included: `7E 01 len .. FCS 7E` (DSP0253).
    Serial,
    /// I3C transfer: MCTP packet + PEC (DSP0233; `--addr` for the PEC).
    I3c,
    /// PCIe VDM TLP: 16-byte header then payload (DSP0238).
    PcieVdm,
    /// USB transfer: one or more `1A B4 00 len` + packet (DSP0283); one
    /// output line per packet.
    Usb,
    /// IPMI Master Write-Read request as BMC audit logs show it: NetFn/LUN,
    /// cmd 0x52, bus, slave address, read count, then an SMBus frame from
    /// command 0x0F (the slave address supplies the PEC's destination).
    Ipmi,
}

impl From<BindingArg> for BindingKind {
    fn from(b: BindingArg) -> Self {
        match b {
            BindingArg::None => BindingKind::None,
            BindingArg::Smbus => BindingKind::Smbus,
            BindingArg::SmbusNoDest => BindingKind::SmbusNoDest,
            BindingArg::Serial => BindingKind::Serial,
            BindingArg::I3c => BindingKind::I3c,
            BindingArg::PcieVdm => BindingKind::PcieVdm,
            BindingArg::Usb => BindingKind::Usb,
            BindingArg::Ipmi => BindingKind::IpmiMasterWriteRead,
        }
    }
}

/// Parse a 7-bit address given as `0x10` or `16`.
fn parse_addr(s: &str) -> Result<u8, String> {
    let v = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u8::from_str_radix(h, 16),
        None => s.parse::<u8>(),
    }
    .map_err(|e| format!("{s:?}: {e}"))?;
    if v > 0x7F {
        return Err(format!("{s:?}: a 7-bit address is at most 0x7f"));
    }
    Ok(v)
}

/// Transfer direction of an I3C frame (sets the R/W bit of the PEC's address byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum I3cDirection {
    /// Controller to target (private write): address byte `addr << 1`.
    Write,
    /// Target to controller (private read): address byte `(addr << 1) | 1`.
    Read,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Framing around the MCTP packet.
    #[arg(short, long, value_enum, default_value = "none")]
    binding: BindingArg,
    /// Print every field with its offset.
    #[arg(short, long)]
    verbose: bool,
    /// One JSON object per packet.
    #[arg(long, conflicts_with = "verbose")]
    json: bool,
    /// 7-bit address the PEC needs but the bytes lack: the SMBus
    /// destination for `smbus-no-dest`, the I3C dynamic address for `i3c`.
    #[arg(long, value_parser = parse_addr)]
    addr: Option<u8>,
    /// I3C transfer direction for the PEC address byte.
    #[arg(long, value_enum, default_value = "read")]
    i3c_direction: I3cDirection,
    /// Hex bytes of one packet (spaces, 0x prefixes and colons allowed);
    /// `-` reads one packet per line from stdin.
    #[arg(required = true, num_args = 1..)]
    hex: Vec<String>,
}

pub fn run(args: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let binding: BindingKind = args.binding.into();
    let opts = ParseOptions {
        smbus_dst_addr: args.addr,
        i3c_pec_addr: args.addr.map(|a| i3c::PecAddress {
            dynamic_addr: a,
            direction: match args.i3c_direction {
                I3cDirection::Write => i3c::Direction::Write,
                I3cDirection::Read => i3c::Direction::Read,
            },
        }),
        ..ParseOptions::default()
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut line = String::new();
    let mut bad_input = false;
    // `line_no` is the stdin line (1-based), `None` for arguments.
    let mut emit = |text: &str,
                    line_no: Option<usize>,
                    out: &mut BufWriter<io::StdoutLock<'_>>|
     -> io::Result<()> {
        let at = line_no
            .map(|n| format!("stdin line {n}: "))
            .unwrap_or_default();
        let bytes = match mctpkit::hex::parse_hex(text) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("mctpkit: {at}{e}: {text:?}");
                bad_input = true;
                return Ok(());
            }
        };
        if bytes.is_empty() {
            // A comment-only stdin line is skipped; arguments that hold no
            // byte at all are a mistake (e.g. an empty shell variable).
            if line_no.is_none() {
                eprintln!("mctpkit: no hex bytes in {text:?}");
                bad_input = true;
            }
            return Ok(());
        }
        if binding == BindingKind::Usb {
            // A transfer may carry several packets: one line each.
            for (_, d) in dissect_all_with(binding, &bytes, opts) {
                render_one(&d, &args, &mut line);
                writeln!(out, "{line}")?;
            }
            return Ok(());
        }
        let mut scratch = [0u8; SCRATCH_LEN];
        let d = dissect_with(binding, &bytes, &opts, Some(&mut scratch));
        render_one(&d, &args, &mut line);
        writeln!(out, "{line}")
    };
    if args.hex.len() == 1 && args.hex[0] == "-" {
        for (i, l) in io::stdin().lock().lines().enumerate() {
            let l = l.map_err(|e| format!("stdin line {}: {e}", i + 1))?;
            if l.trim().is_empty() {
                continue;
            }
            emit(&l, Some(i + 1), &mut out)?;
        }
    } else {
        // All arguments together form one packet: `decode 01 0b 0a c5 ...`.
        emit(&args.hex.join(" "), None, &mut out)?;
    }
    out.flush()?;
    Ok(if bad_input {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Render one dissection into `line` (cleared first).
fn render_one(d: &Dissection<'_>, args: &Args, line: &mut String) {
    line.clear();
    if args.json {
        render::json(d, line);
    } else {
        render::summary(d, line);
        if args.verbose {
            line.push('\n');
            render::tree(d, line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(parse_addr("0x10"), Ok(0x10));
        assert_eq!(parse_addr("16"), Ok(16));
        assert!(parse_addr("0x80").is_err());
        assert!(parse_addr("zz").is_err());
    }

    #[test]
    fn every_binding_maps() {
        for b in BindingArg::value_variants() {
            let k: BindingKind = (*b).into();
            let name = b.to_possible_value().unwrap();
            assert_eq!(name.get_name(), k.cli_name());
        }
    }
}
