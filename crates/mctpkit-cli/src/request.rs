//! `mctpkit request`: send one request through the daemon's tag-aware
//! socket and print the decoded response, as `mctp-client` and
//! `pldmtool raw` users expect. Thin over `mctpkit_socket::MctpSocket`.

use std::process::ExitCode;
use std::time::Duration;

use mctpkit::render;
use mctpkit::BindingKind;
use mctpkit_socket::{Addr, MctpSocket, SocketName};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The daemon's tag-aware socket (`mctpkit daemon --tag-socket`).
    #[arg(long, default_value = "@mctpkit", value_name = "NAME")]
    socket: String,
    /// Network.
    #[arg(long, default_value_t = 1)]
    net: u32,
    /// Time to wait for the response, per attempt, in milliseconds.
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    timeout: u64,
    /// Attempts after the first (each on a new owned tag).
    #[arg(long, default_value_t = 2)]
    retries: u8,
    /// Print the response as JSON (the `decode --json` schema).
    #[arg(long)]
    json: bool,
    /// Destination EID.
    eid: u8,
    /// The request, message-type byte first, as hex (`01 80 00 02`).
    #[arg(required = true, num_args = 1..)]
    message: Vec<String>,
}

pub fn run(a: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let msg = mctpkit::hex::parse_hex(&a.message.join(" ")).map_err(|e| format!("{e}"))?;
    if msg.is_empty() {
        return Err("the message is empty: give at least the type byte".into());
    }
    let name = SocketName::parse(&a.socket);
    let mut s = MctpSocket::connect(&name).map_err(|e| {
        format!(
            "{}: {e} (is `mctpkit daemon --tag-socket {}` running?)",
            a.socket, a.socket
        )
    })?;
    let to = Addr::new(a.net, a.eid);
    let rsp = match s.request(to, &msg, Duration::from_millis(a.timeout), a.retries) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mctpkit: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    // Decode the response as the bare packet it arrived in (TO=0, SOM|EOM).
    let mut packet = vec![0x01, 0x00, a.eid, 0xC0];
    packet.extend_from_slice(&rsp);
    let d = mctpkit::dissect::dissect(BindingKind::None, &packet);
    let mut line = String::new();
    if a.json {
        render::json(&d, &mut line);
    } else {
        render::summary(&d, &mut line);
    }
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}
