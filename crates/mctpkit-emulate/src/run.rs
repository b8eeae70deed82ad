//! The emulator's process: every endpoint of an [`EmulateConfig`] on its
//! own line, on one tokio runtime, until SIGTERM or SIGINT.

use std::io;

use crate::config::{Binding, EmulateConfig};
use crate::endpoint::Endpoint;

/// Print what the endpoint has to say (EID assignments, refused sends).
pub(crate) fn report(ep: &mut Endpoint) {
    for line in ep.take_log() {
        eprintln!("mctpkit emulate: {}: {line}", ep.name());
    }
}

/// Run every endpoint until SIGTERM or SIGINT. An endpoint whose line
/// cannot be opened or fails is reported on stderr and the others keep
/// running; when none is left, the error is "no endpoint left running".
pub async fn run(cfg: EmulateConfig) -> io::Result<()> {
    let start = crate::clock::Clock::start();
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
            e.place()
        );
        match (e.binding, &e.device, &e.listen) {
            (Binding::Serial, Some(device), _) => {
                let device = device.clone();
                tasks.spawn(async move { crate::serial::serve(ep, &device, start).await });
            }
            (Binding::I2cStream, _, Some(listen)) => {
                let l = tokio::net::TcpListener::bind(listen)
                    .await
                    .map_err(|x| io::Error::new(x.kind(), format!("{listen}: {x}")))?;
                let address = e.address.unwrap_or(0);
                tasks.spawn(async move { crate::tcp::serve(ep, l, address, start).await });
            }
            // EmulateConfig::check refuses the other combinations.
            _ => {}
        }
    }
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    let stop = async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    };
    tokio::pin!(stop);
    // An endpoint whose line fails is reported and the others go on; the
    // emulator gives up when none is left.
    loop {
        tokio::select! {
            _ = &mut stop => return Ok(()),
            r = tasks.join_next() => match r {
                Some(Ok(Ok(()))) => {}
                Some(Ok(Err(e))) => eprintln!("mctpkit emulate: endpoint stopped: {e}"),
                Some(Err(e)) => eprintln!("mctpkit emulate: endpoint task failed: {e}"),
                None => return Err(io::Error::other("no endpoint left running")),
            },
        }
    }
}

/// [`run`] on a single-threaded runtime of its own.
pub fn run_blocking(cfg: EmulateConfig) -> io::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(run(cfg))
}
