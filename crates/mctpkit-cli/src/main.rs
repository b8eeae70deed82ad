//! `mctpkit`: decode, analyse and craft MCTP traffic.

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

mod analyze;
mod craft;
mod ctl;
mod daemon;
mod decode;
mod emulate;
mod monitor;
mod pldm;
mod request;
mod shell;
mod simulate;

/// MCTP toolkit: decode hex, analyse captures, craft packets.
#[derive(Parser, Debug)]
#[command(name = "mctpkit", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Decode packets given as hex (arguments, or lines on stdin with `-`).
    Decode(decode::Args),
    /// Analyse a capture: reassemble messages, report findings, statistics.
    Analyze(analyze::Args),
    /// Build a packet or message from named fields: hex frames or a pcap.
    Craft(craft::Args),
    /// PLDM tools (firmware update packages).
    Pldm(pldm::Args),
    /// The daemon's state as JSON: buses, routes, endpoints, clients,
    /// counters (`ctl status`; needs `daemon --tag-socket`).
    Ctl(ctl::Args),
    /// Watch the daemon's traffic live, printed as `analyze` prints a
    /// capture (needs `daemon --tag-socket`).
    Monitor(monitor::Args),
    /// Send a request through the daemon's tag-aware socket and decode the
    /// response (`request EID 01 80 00 02`).
    Request(request::Args),
    /// Run the MCTP daemon: a drop-in for libmctp's mctp-demux-daemon
    /// (`daemon [-e EID] [-v] [-b FILE] null|serial DEVICE`).
    Daemon(daemon::Args),
    /// Run emulated MCTP endpoints (control, PLDM terminus, NVMe-MI) on
    /// serial lines, as a TOML file describes them.
    Emulate(emulate::Args),
    /// Run a described topology (bus owner, bridges, endpoints over lossy
    /// links) on a virtual clock and show its traffic as the analyser does.
    Simulate(simulate::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(shell::CompletionsArgs),
    /// Print the man page (roff), or write all pages with --dir.
    Man(shell::ManArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Decode(a) => decode::run(a),
        Command::Analyze(a) => analyze::run(a),
        Command::Craft(a) => craft::run(a),
        Command::Pldm(a) => pldm::run(a),
        Command::Simulate(a) => simulate::run(a),
        Command::Daemon(a) => daemon::run(a),
        Command::Request(a) => request::run(a),
        Command::Monitor(a) => monitor::run(a),
        Command::Ctl(a) => ctl::run(a),
        Command::Completions(a) => shell::completions(a, Cli::command()),
        Command::Man(a) => shell::man(a, Cli::command()),
        Command::Emulate(a) => emulate::run(a),
    };
    match result {
        Ok(code) => code,
        // `mctpkit decode - | head`: the reader went away; not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mctpkit: {e}");
            ExitCode::from(2)
        }
    }
}
