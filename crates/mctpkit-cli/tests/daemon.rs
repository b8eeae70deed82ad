//! `mctpkit daemon` as a process: clients written from the upstream
//! protocol description (`sockets-and-daemons.md` §1.2) — a raw seqpacket
//! client in Rust and one in Python using only its standard library — over
//! the null binding, and two daemons talking DSP0253 over a pty pair.
//! Every test uses its own abstract socket name, bounds its waits and kills
//! its processes by PID.

use std::io::{Read, Write};

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use socket2::{Domain, SockAddr, Socket, Type};

#[path = "common/pty.rs"]
mod pty;
use pty::pty_pair;

/// A daemon process, killed (SIGTERM, then SIGKILL) when dropped.
struct Daemon {
    child: Child,
    socket: String,
}

impl Daemon {
    fn start(name: &str, args: &[&str]) -> Daemon {
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

    fn try_connect(&self) -> Option<Socket> {
        let s = Socket::new(Domain::UNIX, Type::SEQPACKET, None).ok()?;
        let mut name = vec![0u8];
        name.extend_from_slice(self.socket.as_bytes());
        let addr = SockAddr::unix(std::str::from_utf8(&name).ok()?).ok()?;
        s.connect(&addr).ok()?;
        Some(s)
    }

    /// A client subscribed to `msg_type`.
    fn client(&self, msg_type: u8) -> Client {
        let s = self.try_connect().expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut c = Client { s };
        c.send(&[msg_type]);
        c
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// SIGTERM and wait; returns stderr.
    fn stop(mut self) -> String {
        terminate(&mut self.child)
    }
}

fn terminate(child: &mut Child) -> String {
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

struct Client {
    s: Socket,
}

impl Client {
    fn send(&mut self, d: &[u8]) {
        (&self.s).write_all(d).expect("send");
    }
    fn recv(&mut self) -> Option<Vec<u8>> {
        let mut buf = vec![0u8; 70_000];
        match (&self.s).read(&mut buf) {
            Ok(n) => Some(buf[..n].to_vec()),
            Err(_) => None,
        }
    }
    fn recv_within(&mut self, t: Duration) -> Option<Vec<u8>> {
        self.s.set_read_timeout(Some(t)).unwrap();
        let r = self.recv();
        self.s
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        r
    }
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mctpkit-daemon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

const GET_TID: [u8; 4] = [0x01, 0x80, 0x00, 0x02];

#[test]
fn null_binding_loops_back_to_every_client_of_the_type() {
    let d = Daemon::start("loop", &["null"]);
    let mut a = d.client(0x01);
    let mut b = d.client(0x01);
    let mut c = d.client(0x7F);
    // Give the daemon the subscriptions before the message.
    thread::sleep(Duration::from_millis(100));
    let mut dg = vec![8];
    dg.extend_from_slice(&GET_TID);
    a.send(&dg);
    assert_eq!(a.recv().unwrap(), dg, "the sender gets its loopback");
    assert_eq!(b.recv().unwrap(), dg, "fan-out to every client of the type");
    assert!(c.recv_within(Duration::from_millis(200)).is_none());
    // A type-only message is not forwarded (upstream rule).
    a.send(&[8, 0x01]);
    assert!(b.recv_within(Duration::from_millis(200)).is_none());
    d.stop();
}

#[test]
fn python_standard_library_client() {
    let d = Daemon::start("py", &["null"]);
    let script = format!(
        r#"
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect("\0{name}")
s.send(bytes([1]))             # subscribe to PLDM, as libpldm does
s.settimeout(5)
s.send(bytes([8, 0x01, 0x80, 0x00, 0x02]))
r = s.recv(4096)
assert r == bytes([8, 0x01, 0x80, 0x00, 0x02]), r.hex()
print("ok", r.hex())
"#,
        name = d.socket
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok 0801800002"));
    d.stop();
}

#[test]
fn hostile_clients_are_closed_or_ignored_and_the_daemon_keeps_serving() {
    let d = Daemon::start("hostile", &["null"]);
    // Type 0 cannot be subscribed to: the daemon closes the client.
    let mut z = d.client(0x00);
    assert_eq!(z.recv_within(Duration::from_secs(2)), Some(vec![]), "EOF");
    // A first datagram that is not a type byte closes too.
    let mut g = d.try_connect().unwrap();
    g.write_all(&[9, 1, 2, 3]).unwrap();
    // Oversize and empty datagrams are ignored.
    let mut h = d.client(0x01);
    h.send(&vec![0x55; 100_000]);
    h.send(&[8]);
    // A connect/disconnect storm.
    for _ in 0..200 {
        let s = d.try_connect().unwrap();
        drop(s);
    }
    // Still serving.
    let mut a = d.client(0x05);
    thread::sleep(Duration::from_millis(100));
    a.send(&[8, 0x05, 0x10, 0x84, 0, 0]);
    assert_eq!(a.recv().unwrap(), [8, 0x05, 0x10, 0x84, 0, 0]);
    let err = d.stop();
    assert!(err.contains("type 0"), "{err}");
    assert!(err.contains("exceeds"), "{err}");
}

#[test]
fn a_client_that_stops_reading_does_not_stall_the_others() {
    let d = Daemon::start("slow", &["null"]);
    let _slow = d.client(0x7E); // never reads
    let mut fast = d.client(0x7E);
    thread::sleep(Duration::from_millis(100));
    let start = Instant::now();
    for i in 0..3000u32 {
        let mut dg = vec![8, 0x7E, 0x19, 0x99];
        dg.extend_from_slice(&i.to_be_bytes());
        dg.resize(200, 0xAB);
        fast.send(&dg);
        assert_eq!(
            fast.recv().expect("fast client keeps getting its messages"),
            dg
        );
    }
    assert!(start.elapsed() < Duration::from_secs(60));
    // Memory stays bounded: the slow client's queue is capped.
    let status = std::fs::read_to_string(format!("/proc/{}/status", d.pid())).unwrap();
    let rss_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap();
    assert!(rss_kb < 64 * 1024, "RSS {rss_kb} kB");
    let err = d.stop();
    assert!(err.contains("not reading"), "{err}");
}

#[test]
fn two_daemons_exchange_pldm_over_a_pty_pair() {
    let pty = pty_pair();
    let cap = tmp("pty-x.pcap");
    let x = Daemon::start(
        "x",
        &[
            "-e",
            "8",
            "-b",
            cap.to_str().unwrap(),
            "serial",
            pty.a.to_str().unwrap(),
        ],
    );
    let y = Daemon::start("y", &["-e", "9", "serial", pty.b.to_str().unwrap()]);
    let mut requester = x.client(0x01);
    let mut other = x.client(0x01);
    let mut responder = y.client(0x01);
    thread::sleep(Duration::from_millis(150));

    // GetTID to EID 9, through both stacks and the serial framing.
    requester.send(&[9, 0x01, 0x80, 0x00, 0x02]);
    let got = responder.recv().expect("request across the pty");
    assert_eq!(got, [8, 0x01, 0x80, 0x00, 0x02]);
    // A response from the responder's client: TO=0 with the request's tag.
    responder.send(&[8, 0x01, 0x00, 0x00, 0x02, 0x00, 0x09]);
    assert_eq!(
        requester.recv().expect("response"),
        [9, 0x01, 0x00, 0x00, 0x02, 0x00, 0x09]
    );
    // Only the requester gets it (response routing by tag owner).
    assert!(other.recv_within(Duration::from_millis(300)).is_none());

    // A 1 KiB vendor message, fragmented and reassembled.
    let mut v = d_vendor(1024);
    let mut vend_y = y.client(0x7F);
    thread::sleep(Duration::from_millis(100));
    let mut dg = vec![9];
    dg.append(&mut v);
    requester.send(&dg);
    let got = vend_y.recv().expect("1 KiB across the pty");
    assert_eq!(&got[1..], &dg[1..]);
    assert_eq!(got[0], 8);

    // SIGTERM flushes the capture: the request left with TO=1 and an
    // owned tag, the response came back TO=0 with the same tag.
    x.stop();
    y.stop();
    let out = Command::new(env!("CARGO_BIN_EXE_mctpkit"))
        .args(["analyze", "--packets", cap.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let req = text
        .lines()
        .find(|l| l.contains("GetTID req"))
        .expect(&text);
    let rsp = text
        .lines()
        .find(|l| l.contains("GetTID rsp"))
        .expect(&text);
    assert!(req.contains("tag=TO,"), "{req}");
    assert!(!rsp.contains("tag=TO"), "{rsp}");
    let tag_of = |l: &str| {
        l.split("tag=")
            .nth(1)
            .and_then(|t| t.trim_start_matches("TO,").chars().next())
    };
    assert_eq!(tag_of(req), tag_of(rsp), "{req}\n{rsp}");
}

fn d_vendor(len: usize) -> Vec<u8> {
    let mut v = vec![0x7F, 0x00, 0x00, 0x01, 0x9C];
    v.extend((0..len - 5).map(|i| (i * 7) as u8));
    v
}
