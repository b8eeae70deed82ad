//! `mctpkit daemon` as a process: clients written from the upstream
//! protocol description (`sockets-and-daemons.md` §1.2) — a raw seqpacket
//! client in Rust and one in Python using only its standard library — over
//! the null binding, and two daemons talking DSP0253 over a pty pair.
//! Every test uses its own abstract socket name, bounds its waits and kills
//! its processes by PID.

mod common;

use std::io::Write;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use common::*;

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

#[test]
fn socket_activation_and_sd_notify() {
    // What systemd does for mctp-demux.socket + a Type=notify service: bind
    // and listen on the abstract name, pass it as descriptor 3 with
    // LISTEN_PID/LISTEN_FDS, and wait for READY=1 on NOTIFY_SOCKET.
    let name = format!("mctpkit-test-{}-activated", std::process::id());
    let script = format!(
        r#"
import os, socket, sys
l = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
l.bind("\0{name}"); l.listen(4)
n = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
n.bind("\0{name}-notify"); n.settimeout(10)
pid = os.fork()
if pid == 0:
    os.dup2(l.fileno(), 3); os.set_inheritable(3, True)
    os.environ["LISTEN_PID"] = str(os.getpid()); os.environ["LISTEN_FDS"] = "1"
    os.environ["NOTIFY_SOCKET"] = "@{name}-notify"
    os.execv(sys.argv[1], [sys.argv[1], "daemon", "--socket", "@unused-{name}", "null"])
print(n.recv(64).decode(), flush=True)
c = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
c.connect("\0{name}"); c.send(bytes([0x7e])); c.settimeout(5)
import time; time.sleep(0.1)
c.send(bytes([8, 0x7e, 1, 2, 3])); print(c.recv(64).hex(), flush=True)
os.kill(pid, 15); os.waitpid(pid, 0)
"#
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_mctpkit"))
        .output()
        .expect("python3");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(text.lines().collect::<Vec<_>>(), ["READY=1", "087e010203"]);
}

#[test]
fn a_bus_owner_daemon_assigns_the_far_end_an_eid() {
    let pty = pty_pair();
    // The endpoint starts without an EID (0) and answers control itself.
    let ep = Daemon::start("ep", &["-e", "0", "serial", pty.b.to_str().unwrap()]);
    let mut inbox = ep.client(0x7E);
    let bo = Daemon::start(
        "bo",
        &[
            "-e",
            "8",
            "--bus-owner",
            "20-30",
            "serial",
            pty.a.to_str().unwrap(),
        ],
    );
    let mut c = bo.client(0x7E);
    // Set-up runs at start: Get Endpoint ID, Set Endpoint ID 20, Get
    // Message Type Support, Get Endpoint UUID (optional, unsupported here).
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut delivered = None;
    while Instant::now() < deadline && delivered.is_none() {
        thread::sleep(Duration::from_millis(100));
        c.send(&[20, 0x7E, 0x12, 0x34]);
        delivered = inbox.recv_within(Duration::from_millis(200));
    }
    assert_eq!(
        delivered,
        Some(vec![8, 0x7E, 0x12, 0x34]),
        "EID 20 reachable"
    );
    let err = bo.stop();
    assert!(err.contains("endpoint set up: EID 20"), "{err}");
    ep.stop();
}

#[test]
fn a_config_file_with_two_buses_and_routes() {
    let (l0, l1) = (pty_pair(), pty_pair());
    let cfg = tmp("two-buses.toml");
    std::fs::write(
        &cfg,
        format!(
            "eid = 8\n\
             [[bus]]\nname = 'l0'\nbinding = 'serial'\ndevice = '{}'\n\
             [[bus]]\nname = 'l1'\nbinding = 'serial'\ndevice = '{}'\n\
             [[route]]\neids = [9]\nbus = 'l0'\n\
             [[route]]\neids = [40, 47]\nbus = 'l1'\n",
            l0.a.display(),
            l1.a.display()
        ),
    )
    .unwrap();
    let e9 = Daemon::start("e9", &["-e", "9", "serial", l0.b.to_str().unwrap()]);
    let e40 = Daemon::start("e40", &["-e", "40", "serial", l1.b.to_str().unwrap()]);
    let hub = Daemon::start("hub", &["-c", cfg.to_str().unwrap()]);
    let (mut c9, mut c40, mut me) = (e9.client(0x7E), e40.client(0x7E), hub.client(0x7E));
    thread::sleep(Duration::from_millis(150));
    me.send(&[9, 0x7E, 0x00, 0x01]);
    me.send(&[40, 0x7E, 0x00, 0x02]);
    assert_eq!(c9.recv().unwrap(), [8, 0x7E, 0x00, 0x01], "line 0");
    assert_eq!(
        c40.recv().unwrap(),
        [8, 0x7E, 0x00, 0x02],
        "line 1, by route"
    );
    // No route to EID 50: not sent, logged.
    me.send(&[50, 0x7E, 0x00, 0x03]);
    thread::sleep(Duration::from_millis(100));
    let err = hub.stop();
    assert!(err.contains("EID 50 not sent: no route"), "{err}");
    // A bad file is refused with its mistake named.
    std::fs::write(&cfg, "[[bus]]\nname = 'x'\nbinding = 'serial'\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_mctpkit"))
        .args(["daemon", "-c", cfg.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("serial needs device"));
}
