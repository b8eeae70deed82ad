//! `mctpkit decode`: hex in, one decode per packet out.

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use clap::ValueEnum;
use mctpkit::{dissect, render, BindingKind};

/// Binding names accepted on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BindingArg {
    /// No framing: bytes start with the MCTP transport header.
    None,
}

impl From<BindingArg> for BindingKind {
    fn from(b: BindingArg) -> Self {
        match b {
            BindingArg::None => BindingKind::None,
        }
    }
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
    /// Hex bytes of one packet (spaces, 0x prefixes and colons allowed);
    /// `-` reads one packet per line from stdin.
    #[arg(required = true, num_args = 1..)]
    hex: Vec<String>,
}

pub fn run(args: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let binding: BindingKind = args.binding.into();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut line = String::new();
    let mut bad_input = false;
    let mut emit = |text: &str, out: &mut BufWriter<io::StdoutLock<'_>>| -> io::Result<()> {
        let bytes = match mctpkit::hex::parse_hex(text) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("mctpkit: {e}: {text:?}");
                bad_input = true;
                return Ok(());
            }
        };
        if bytes.is_empty() {
            return Ok(());
        }
        let d = dissect(binding, &bytes);
        line.clear();
        if args.json {
            render::json(&d, &mut line);
        } else {
            render::summary(&d, &mut line);
            if args.verbose {
                line.push('\n');
                render::tree(&d, &mut line);
            }
        }
        writeln!(out, "{line}")
    };
    if args.hex.len() == 1 && args.hex[0] == "-" {
        for l in io::stdin().lock().lines() {
            let l = l?;
            if l.trim().is_empty() || l.trim_start().starts_with('#') {
                continue;
            }
            emit(&l, &mut out)?;
        }
    } else {
        // All arguments together form one packet: `decode 01 0b 0a c5 ...`.
        emit(&args.hex.join(" "), &mut out)?;
    }
    out.flush()?;
    Ok(if bad_input {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
