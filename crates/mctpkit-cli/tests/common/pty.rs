//! A pty pair for process tests: two ptys whose masters a relay thread
//! joins, as `socat -d -d pty,raw,echo=0 pty,raw,echo=0` does. Include with
//! `#[path = "common/pty.rs"] mod pty;`.

use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::path::PathBuf;
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
