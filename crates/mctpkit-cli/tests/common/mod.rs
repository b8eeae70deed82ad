//! Shared helpers of the daemon process tests: a daemon process killed by
//! PID, a raw seqpacket client written from the upstream protocol, and pty
//! pairs joined by a relay thread.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use socket2::{Domain, SockAddr, Socket, Type};

/// A daemon process, killed (SIGTERM, then SIGKILL) when dropped.
pub struct Daemon {
    pub child: Child,
    pub socket: String,
}

impl Daemon {
    pub fn start(name: &str, args: &[&str]) -> Daemon {
        let socket = format!("mctpkit-test-{}-{name}", std::process::id());
        let child = Command::new(env!("CARGO_BIN_EXE_mctpkit"))
            .arg("daemon")
            .arg("--socket")
            .arg(format!("@{socket}"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mctpkit daemon");
        let d = Daemon { child, socket };
        // Ready when a client can connect.
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if d.try_connect().is_some() {
                return d;
            }
            thread::sleep(Duration::from_millis(20));
        }
        panic!("daemon {name} did not come up");
    }

    pub fn try_connect(&self) -> Option<Socket> {
        let s = Socket::new(Domain::UNIX, Type::SEQPACKET, None).ok()?;
        let mut name = vec![0u8];
        name.extend_from_slice(self.socket.as_bytes());
        let addr = SockAddr::unix(std::str::from_utf8(&name).ok()?).ok()?;
        s.connect(&addr).ok()?;
        Some(s)
    }

    /// A client subscribed to `msg_type`.
    pub fn client(&self, msg_type: u8) -> Client {
        let s = self.try_connect().expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut c = Client { s };
        c.send(&[msg_type]);
        c
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// SIGTERM and wait; returns stderr.
    pub fn stop(mut self) -> String {
        terminate(&mut self.child)
    }
}

pub fn terminate(child: &mut Child) -> String {
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    err
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Client {
    pub s: Socket,
}

impl Client {
    pub fn send(&mut self, d: &[u8]) {
        (&self.s).write_all(d).expect("send");
    }
    pub fn recv(&mut self) -> Option<Vec<u8>> {
        let mut buf = vec![0u8; 70_000];
        match (&self.s).read(&mut buf) {
            Ok(n) => Some(buf[..n].to_vec()),
            Err(_) => None,
        }
    }
    pub fn recv_within(&mut self, t: Duration) -> Option<Vec<u8>> {
        self.s.set_read_timeout(Some(t)).unwrap();
        let r = self.recv();
        self.s
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        r
    }
}

pub fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mctpkit-daemon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

pub mod pty;
#[allow(unused_imports)]
pub use pty::{open_raw, pty_pair, PtyPair};
