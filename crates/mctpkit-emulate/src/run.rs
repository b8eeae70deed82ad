//! The emulator's process: every endpoint of an [`EmulateConfig`] on its
//! own line, on one tokio runtime, until SIGTERM or SIGINT.

use std::io;
use std::time::Instant;

use crate::config::{Binding, EmulateConfig};

/// Run every endpoint until SIGTERM or SIGINT, or until one line fails
/// (its error is returned).
pub async fn run(cfg: EmulateConfig) -> io::Result<()> {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for e in &cfg.endpoint {
        let ep = e.endpoint();
        let eid = e.eid.map_or_else(
            || "no EID (waiting for Set Endpoint ID)".into(),
            |x| format!("EID {x}"),
        );
        eprintln!(
            "mctpkit emulate: {} ({:?}) {eid} on {}",
            e.name,
            e.kind,
            e.device.display()
        );
        let device = e.device.clone();
        match e.binding {
            Binding::Serial => {
                tasks.spawn(async move { crate::serial::serve(ep, &device, start).await });
            }
        }
    }
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    tokio::select! {
        _ = term.recv() => Ok(()),
        _ = int.recv() => Ok(()),
        r = tasks.join_next() => match r {
            Some(Ok(r)) => r,
            Some(Err(e)) => Err(io::Error::other(e)),
            None => Ok(()),
        },
    }
}

/// [`run`] on a single-threaded runtime of its own.
pub fn run_blocking(cfg: EmulateConfig) -> io::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(run(cfg))
}
