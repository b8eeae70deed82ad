//! A pty pair for process tests: two ptys whose masters a relay thread
//! joins, as `socat -d -d pty,raw,echo=0 pty,raw,echo=0` does. Include with
//! `#[path = "common/pty.rs"] mod pty;`.

use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::thread;

/// The pair: a program opens `a`, its peer `b`.
pub struct PtyPair {
    pub a: PathBuf,
    pub b: PathBuf,
    _slaves: (OwnedFd, OwnedFd),
}

fn relay(from: &OwnedFd, to: &OwnedFd) {
    let mut r = std::fs::File::from(from.try_clone().unwrap());
    let mut w = std::fs::File::from(to.try_clone().unwrap());
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = r.read(&mut buf) {
            if n == 0 || w.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
}

pub fn pty_pair() -> PtyPair {
    let open = || {
        let p = nix::pty::openpty(None, None).expect("openpty");
        let path = nix::unistd::ttyname(&p.slave).expect("ttyname");
        (p.master, p.slave, path)
    };
    let (ma, sa, a) = open();
    let (mb, sb, b) = open();
    relay(&ma, &mb);
    relay(&mb, &ma);
    // The masters live on in the relay threads' clones.
    drop((ma, mb));
    PtyPair {
        a,
        b,
        _slaves: (sa, sb),
    }
}

/// `path` opened read/write, non-blocking and raw (no echo), as the daemon
/// opens its line.
pub fn open_raw(path: &Path) -> std::fs::File {
    use std::os::unix::fs::OpenOptionsExt;
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY | libc::O_NONBLOCK)
        .open(path)
        .unwrap();
    let mut t = nix::sys::termios::tcgetattr(&f).unwrap();
    nix::sys::termios::cfmakeraw(&mut t);
    nix::sys::termios::tcsetattr(&f, nix::sys::termios::SetArg::TCSANOW, &t).unwrap();
    f
}
