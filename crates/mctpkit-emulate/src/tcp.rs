//! Endpoints behind pymctp's QEMU I2C TCP stream ([`crate::i2c_stream`]):
//! the emulator listens where QEMU's `i2c-target-remote` device would
//! (`port=N,server=on`) and a `QemuI2CStreamSocket(host, port,
//! master=True)` connects to it.
//!
//! One connection at a time per endpoint. On connect the emulator sends
//! HELLO. A WRITE addressed to the endpoint's 7-bit address is an SMBus
//! frame (DSP0237): the stack checks its PEC and answers; every frame the
//! endpoint transmits goes back as a WRITE whose body is the SMBus frame
//! (master mode: both sides write). READ_REQ (target mode) is answered
//! with an empty READ_RSP: MCTP over SMBus needs both sides to be masters.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::clock::Clock;
use crate::endpoint::Endpoint;
use crate::i2c_stream::{self, kind, Decoder};

/// Serve `ep` (7-bit address `address`) to whoever connects to `listener`,
/// one connection after the other, until the task is dropped.
pub async fn serve(
    mut ep: Endpoint,
    listener: TcpListener,
    address: u8,
    clock: Clock,
) -> io::Result<()> {
    loop {
        let (conn, peer) = listener.accept().await?;
        let _ = conn.set_nodelay(true);
        eprintln!("mctpkit emulate: {}: {peer} connected", ep.name());
        match connection(&mut ep, conn, address, clock).await {
            Ok(()) => eprintln!("mctpkit emulate: {}: {peer} disconnected", ep.name()),
            Err(e) => eprintln!("mctpkit emulate: {}: {peer}: {e}", ep.name()),
        }
    }
}

async fn connection(
    ep: &mut Endpoint,
    mut conn: TcpStream,
    address: u8,
    clock: Clock,
) -> io::Result<()> {
    conn.write_all(&i2c_stream::hello()).await?;
    let mut dec = Decoder::new();
    let mut buf = vec![0u8; 4096];
    let mut frame = vec![0u8; ep.max_frame_len()];
    loop {
        let wait = clock.until(ep.poll_timeout());
        tokio::select! {
            r = conn.read(&mut buf) => {
                let n = r?;
                if n == 0 {
                    return Ok(());
                }
                dec.feed(&buf[..n]);
            }
            _ = tokio::time::sleep(wait) => ep.handle_timeout(clock.now()),
        }
        while let Some(f) = dec.next_frame() {
            let f = f.map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            match f.kind {
                kind::WRITE if f.body.first() == Some(&(address << 1)) => {
                    ep.receive_frame(clock.now(), &f.body)
                }
                kind::READ_REQ => {
                    conn.write_all(&i2c_stream::encode(kind::READ_RSP, &[]))
                        .await?
                }
                kind::HELLO if f.body != i2c_stream::VERSION.to_be_bytes() => eprintln!(
                    "mctpkit emulate: {}: peer protocol version {:02x?}",
                    ep.name(),
                    f.body
                ),
                // Writes to other addresses, ALERT, READ_RSP: nothing to do.
                _ => {}
            }
        }
        while let Some(n) = ep.poll_transmit_frame(&mut frame) {
            conn.write_all(&i2c_stream::encode(kind::WRITE, &frame[..n]))
                .await?;
        }
        crate::run::report(ep);
    }
}
