//! `mctpkit emulate FILE`: run the emulated endpoints a TOML file
//! describes (`mctpkit_emulate`; the protocol work is all there).

use std::path::PathBuf;
use std::process::ExitCode;

use mctpkit_emulate::EmulateConfig;

const AFTER_HELP: &str = "\
Each [[endpoint]] (kind = control | pldm | nvme-mi) is a whole MCTP stack on
its own serial line (binding = \"serial\", device = a tty or pty): it answers
MCTP control, takes an EID from a bus owner's Set Endpoint ID when it has
none, and answers PLDM (types 0 and 2: GetTID, GetPDR, GetSensorReading...)
or NVMe-MI health polls. See samples/emulate.toml.

Example, with the daemon on the other end of a pty pair:
  socat -d -d pty,raw,echo=0,link=/tmp/bmc pty,raw,echo=0,link=/tmp/mctp-emu-terminus &
  mctpkit daemon -e 8 serial /tmp/bmc &
  mctpkit emulate samples/emulate.toml";

#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// The TOML file describing the endpoints.
    file: PathBuf,
    /// Check the file and list its endpoints, then exit.
    #[arg(long)]
    check: bool,
}

pub fn run(a: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let text =
        std::fs::read_to_string(&a.file).map_err(|e| format!("{}: {e}", a.file.display()))?;
    let cfg = EmulateConfig::parse(&text).map_err(|e| format!("{}: {e}", a.file.display()))?;
    if a.check {
        for e in &cfg.endpoint {
            let eid = e.eid.map_or_else(|| "-".to_string(), |x| x.to_string());
            println!("{}\t{:?}\teid {eid}\t{}", e.name, e.kind, e.place());
        }
        return Ok(ExitCode::SUCCESS);
    }
    mctpkit_emulate::run_blocking(cfg)?;
    Ok(ExitCode::SUCCESS)
}
