//! Endpoints on serial lines: one tokio task per endpoint, owning its
//! [`Endpoint`] and its tty or pty ([`mctpkit_daemon::serial::SerialPort`],
//! raw mode), DSP0253 framing both ways.
//!
//! The task feeds what the line reads to the endpoint with the time since
//! the emulator started, writes every frame the endpoint queues, and wakes
//! for the stack's timers. A pty whose other side is closed reads EOF or
//! EIO: the task waits and reads again, as for a tty that comes back.

use std::io;
use std::path::Path;
use std::time::Duration;

use mctpkit_daemon::serial::SerialPort;

use crate::clock::Clock;
use crate::endpoint::Endpoint;

/// Bytes read from the line at once.
const READ_CHUNK: usize = 4096;

/// Write every frame the endpoint has queued.
async fn flush(ep: &mut Endpoint, port: &SerialPort, frame: &mut [u8]) -> io::Result<()> {
    while let Some(n) = ep.poll_transmit_frame(frame) {
        port.write_all(&frame[..n]).await?;
    }
    crate::run::report(ep);
    Ok(())
}

/// Serve `ep` on the line at `device` until the task is dropped or the line
/// fails. `clock` is the emulator's time base (sensor readings are
/// functions of the time since it).
pub async fn serve(mut ep: Endpoint, device: &Path, clock: Clock) -> io::Result<()> {
    let port = SerialPort::open(device)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", device.display())))?;
    let mut buf = vec![0u8; READ_CHUNK];
    let mut frame = vec![0u8; ep.max_frame_len()];
    loop {
        let wait = clock.until(ep.poll_timeout());
        tokio::select! {
            r = port.read(&mut buf) => match r {
                Ok(0) => tokio::time::sleep(Duration::from_millis(50)).await,
                Ok(n) => ep.receive_stream(clock.now(), &buf[..n]),
                Err(e) if e.raw_os_error() == Some(libc::EIO) => {
                    tokio::time::sleep(Duration::from_millis(50)).await
                }
                Err(e) => return Err(e),
            },
            _ = tokio::time::sleep(wait) => ep.handle_timeout(clock.now()),
        }
        flush(&mut ep, &port, &mut frame).await?;
    }
}
