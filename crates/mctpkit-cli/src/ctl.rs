//! `mctpkit ctl status`: the daemon's state (buses, routes, endpoints set
//! up, clients and their subscriptions, counters) as JSON, from the
//! tag-aware socket's STATUS request.

use std::process::ExitCode;

use mctpkit_socket::{MctpSocket, SocketName};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The daemon's tag-aware socket (`mctpkit daemon --tag-socket`).
    #[arg(long, default_value = "@mctpkit", value_name = "NAME")]
    socket: String,
    /// What to show (`status`).
    #[arg(default_value = "status")]
    what: String,
}

pub fn run(a: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    if a.what != "status" {
        return Err(format!("ctl {:?}: only `status` exists so far", a.what).into());
    }
    let mut s = MctpSocket::connect(&SocketName::parse(&a.socket)).map_err(|e| {
        format!(
            "{}: {e} (is `mctpkit daemon --tag-socket {}` running?)",
            a.socket, a.socket
        )
    })?;
    let json = s.status()?;
    let v: serde_json::Value = serde_json::from_str(&json)?;
    println!("{}", serde_json::to_string_pretty(&v)?);
    Ok(ExitCode::SUCCESS)
}
