//! Round trips through a running `mctpkit daemon` (or libmctp's
//! `mctp-demux-daemon`: same protocol), from one client written to the
//! upstream protocol with blocking seqpacket calls.
//!
//! `daemon_roundtrip SOCKET-NAME EID SIZE COUNT [responder-socket]`
//!
//! * one socket: messages to the daemon's own EID loop back (null binding);
//! * with a responder socket (a second daemon across a serial line), a
//!   client there echoes every message back.
//!
//! Prints the mean round trip in µs and round trips per second.

use std::io::{Read, Write};
use std::time::Instant;

use socket2::{Domain, SockAddr, Socket, Type};

fn connect(name: &str, msg_type: u8) -> Socket {
    let s = Socket::new(Domain::UNIX, Type::SEQPACKET, None).expect("socket");
    let mut n = vec![0u8];
    n.extend_from_slice(name.as_bytes());
    let addr = SockAddr::unix(std::str::from_utf8(&n).unwrap()).unwrap();
    s.connect(&addr).expect("connect to the daemon");
    (&s).write_all(&[msg_type]).unwrap();
    s
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 5 {
        eprintln!("usage: daemon_roundtrip SOCKET EID SIZE COUNT [RESPONDER-SOCKET]");
        std::process::exit(2);
    }
    let (name, eid) = (&a[1], a[2].parse::<u8>().unwrap());
    let size: usize = a[3].parse().unwrap();
    let count: usize = a[4].parse().unwrap();
    let client = connect(name, 0x7F);
    // An echoing responder behind the other daemon.
    if let Some(rname) = a.get(5) {
        let r = connect(rname, 0x7F);
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 70_000];
            loop {
                let Ok(n) = (&r).read(&mut buf) else { return };
                if n == 0 {
                    return;
                }
                // [src][msg] in, [dst = src][msg] back.
                if (&r).write_all(&buf[..n]).is_err() {
                    return;
                }
            }
        });
        std::thread::sleep(std::time::Duration::from_millis(200));
    } else {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let mut msg = vec![eid, 0x7F, 0x00, 0x00, 0x01, 0x9C];
    msg.resize(1 + size, 0x5A);
    let mut buf = vec![0u8; 70_000];
    // Warm up.
    for _ in 0..100.min(count) {
        (&client).write_all(&msg).unwrap();
        let _ = (&client).read(&mut buf).unwrap();
    }
    let t = Instant::now();
    for _ in 0..count {
        (&client).write_all(&msg).unwrap();
        let n = (&client).read(&mut buf).unwrap();
        assert_eq!(n, msg.len());
    }
    let dt = t.elapsed().as_secs_f64();
    println!(
        "{size} B: {:.2} µs per round trip, {:.0} round trips/s",
        dt * 1e6 / count as f64,
        count as f64 / dt
    );
}
