//! A serial line (tty or pty) for the DSP0253 binding, in raw mode.
//!
//! The port is opened non-blocking and put in raw mode (`cfmakeraw`: no
//! echo, no line editing, no CR/LF translation, 8 data bits), as Linux's
//! `mctp-serial` line discipline and libmctp's daemon expect the line to
//! be; the baud rate is left as configured (a pty has none).

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use nix::sys::termios::{self, SetArg};
use tokio::io::unix::AsyncFd;

/// An open serial line.
#[derive(Debug)]
pub struct SerialPort {
    fd: AsyncFd<File>,
}

impl SerialPort {
    /// Open `path` read/write, non-blocking, raw.
    pub fn open(path: &Path) -> io::Result<SerialPort> {
        let f = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY | libc::O_NONBLOCK)
            .open(path)?;
        if let Ok(mut t) = termios::tcgetattr(&f) {
            termios::cfmakeraw(&mut t);
            termios::tcsetattr(&f, SetArg::TCSANOW, &t).map_err(io::Error::from)?;
        }
        Ok(SerialPort {
            // SAFETY: the file owns its descriptor, which nothing else
            // replaces or closes while the `AsyncFd` holds it.
            fd: unsafe { AsyncFd::register(f)? },
        })
    }

    /// Read what is available (at least one byte; 0 at end of file).
    pub async fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let mut guard = self.fd.readable().await?;
            match guard.try_io(|f| f.get_ref().read(buf)) {
                Ok(r) => return r,
                Err(_would_block) => continue,
            }
        }
    }

    /// Write all of `data`.
    pub async fn write_all(&self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            let mut guard = self.fd.writable().await?;
            match guard.try_io(|f| f.get_ref().write(data)) {
                Ok(Ok(0)) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(Ok(n)) => data = &data[n..],
                Ok(Err(e)) => return Err(e),
                Err(_would_block) => continue,
            }
        }
        Ok(())
    }
}
