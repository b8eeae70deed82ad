//! The tag-aware dialect and the socket API (`mctpkit-socket`) against
//! two `mctpkit daemon` processes joined by a pty pair: requests on owned
//! tags, responses with the request's tag, concurrent requesters, a late
//! response that must not be taken for the next request's (libcxlmi's
//! desync), control requests delivered to a subscriber, owned-tag
//! allocation.

mod common;

use std::thread;
use std::time::Duration;

use common::*;
use mctpkit_socket::{Addr, MctpSocket, SocketName};

fn pair(tag: &str) -> (PtyPair, Daemon, Daemon, SocketName, SocketName) {
    let pty = pty_pair();
    let (nx, ny) = (
        format!("mctpkit-tagged-{}-{tag}-x", std::process::id()),
        format!("mctpkit-tagged-{}-{tag}-y", std::process::id()),
    );
    let x = Daemon::start(
        &format!("{tag}x"),
        &[
            "-e",
            "8",
            "--tag-socket",
            &format!("@{nx}"),
            "serial",
            pty.a.to_str().unwrap(),
        ],
    );
    let y = Daemon::start(
        &format!("{tag}y"),
        &[
            "-e",
            "9",
            "--tag-socket",
            &format!("@{ny}"),
            "serial",
            pty.b.to_str().unwrap(),
        ],
    );
    (
        pty,
        x,
        y,
        SocketName::Abstract(nx),
        SocketName::Abstract(ny),
    )
}

/// An echo responder on `name`: answers every request of type 0x7E with
/// the same bytes (the first data byte | 0x80), after `delay` for the
/// messages whose byte 1 is 0xDD.
fn responder(name: SocketName, delay: Duration) -> thread::JoinHandle<()> {
    let mut s = MctpSocket::connect(&name).unwrap();
    s.subscribe(&[0x7E], false).unwrap();
    thread::spawn(move || {
        while let Ok(r) = s.recv_from(Some(Duration::from_secs(10))) {
            if !r.tag.owner {
                continue;
            }
            if r.msg.get(1) == Some(&0xDD) {
                thread::sleep(delay);
            }
            let mut rsp = r.msg.clone();
            if let Some(b) = rsp.get_mut(2) {
                *b |= 0x80;
            }
            if s.send_response(r.from, r.tag.value, &rsp).is_err() {
                return;
            }
        }
    })
}

#[test]
fn requests_and_responses_with_owned_tags() {
    let (_pty, x, y, nx, ny) = pair("rr");
    let _r = responder(ny, Duration::ZERO);
    thread::sleep(Duration::from_millis(100));
    let mut a = MctpSocket::connect(&nx).unwrap();
    let mut b = MctpSocket::connect(&nx).unwrap();
    for s in [&mut a, &mut b] {
        s.subscribe(&[0x7E], false).unwrap();
    }
    let to = Addr::new(1, 9);
    // Two requests in flight from two clients: distinct owned tags, and
    // each response reaches only its own requester.
    let ta = a.send_request(to, &[0x7E, 0x01, 0x0A]).unwrap();
    let tb = b.send_request(to, &[0x7E, 0x01, 0x0B]).unwrap();
    assert!(ta.owner && tb.owner);
    assert_ne!(ta.value, tb.value);
    let ra = a.recv_from(Some(Duration::from_secs(5))).unwrap();
    let rb = b.recv_from(Some(Duration::from_secs(5))).unwrap();
    assert_eq!((ra.from, ra.tag.owner, ra.tag.value), (to, false, ta.value));
    assert_eq!(ra.msg, [0x7E, 0x01, 0x8A]);
    assert_eq!(
        (rb.tag.value, &rb.msg[..]),
        (tb.value, &[0x7E, 0x01, 0x8B][..])
    );
    // request(): send, wait, match on tag and source.
    let rsp = a
        .request(to, &[0x7E, 0x02, 0x33], Duration::from_secs(2), 1)
        .unwrap();
    assert_eq!(rsp, [0x7E, 0x02, 0xB3]);
    // A 1 KiB request, fragmented at the 64-byte unit both ways.
    let mut big = vec![0x7E, 0x03, 0x00];
    big.extend((0..1021).map(|i| i as u8));
    let rsp = a.request(to, &big, Duration::from_secs(3), 0).unwrap();
    assert_eq!(rsp.len(), big.len());
    assert_eq!(rsp[2], 0x80);
    assert_eq!(rsp[3..], big[3..]);
    drop((x, y));
}

#[test]
fn a_late_response_is_not_taken_for_the_next_request() {
    let (_pty, _x, _y, nx, ny) = pair("late");
    // Requests marked 0xDD are answered after 700 ms.
    let _r = responder(ny, Duration::from_millis(700));
    thread::sleep(Duration::from_millis(100));
    let mut a = MctpSocket::connect(&nx).unwrap();
    a.subscribe(&[0x7E], false).unwrap();
    let to = Addr::new(1, 9);
    // First attempt times out at 300 ms; the retry is on a new tag, and the
    // late answer to the first (tag A) must not satisfy it.
    let slow = a.request(to, &[0x7E, 0xDD, 0x01], Duration::from_millis(300), 0);
    assert_eq!(
        slow.unwrap_err().kind(),
        std::io::ErrorKind::TimedOut,
        "no response within 300 ms"
    );
    let fast = a
        .request(to, &[0x7E, 0x02, 0x02], Duration::from_secs(3), 0)
        .unwrap();
    assert_eq!(
        fast,
        [0x7E, 0x02, 0x82],
        "the answer to this request, not the late one"
    );
    // The late response did arrive, as itself, on its own tag.
    let late = a.recv_from(Some(Duration::from_secs(3))).unwrap();
    assert_eq!(late.msg, [0x7E, 0xDD, 0x81]);
}

#[test]
fn control_requests_reach_a_subscriber_and_are_answered_by_the_stack() {
    let (_pty, _x, _y, nx, ny) = pair("ctl");
    let mut watcher = MctpSocket::connect(&ny).unwrap();
    watcher.subscribe(&[], true).unwrap();
    let mut a = MctpSocket::connect(&nx).unwrap();
    a.subscribe(&[], false).unwrap();
    thread::sleep(Duration::from_millis(100));
    // Get Endpoint ID (DSP0236 §12.5) to EID 9: the stack's responder
    // answers with EID 9.
    let rsp = a
        .request(
            Addr::new(1, 9),
            &[0x00, 0x80, 0x02],
            Duration::from_secs(2),
            1,
        )
        .unwrap();
    assert_eq!(rsp[..5], [0x00, 0x00, 0x02, 0x00, 0x09], "{rsp:02x?}");
    let seen = watcher.recv_from(Some(Duration::from_secs(2))).unwrap();
    assert_eq!((seen.from.eid, seen.tag.owner), (8, true));
    assert_eq!(seen.msg[0], 0x00);
}

#[test]
fn owned_tags_can_be_held_and_released() {
    let (_pty, _x, _y, nx, _ny) = pair("tags");
    let mut a = MctpSocket::connect(&nx).unwrap();
    let to = Addr::new(1, 9);
    let tags: Vec<u8> = (0..8).map(|_| a.alloc_tag(to).unwrap()).collect();
    let mut sorted = tags.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..8).collect::<Vec<u8>>());
    // All eight are held: a ninth, or a request needing one, is refused.
    assert_eq!(
        a.alloc_tag(to).unwrap_err().kind(),
        std::io::ErrorKind::ResourceBusy
    );
    assert!(a.send_request(to, &[0x7E, 1]).is_err());
    // Another client cannot drop them.
    let mut b = MctpSocket::connect(&nx).unwrap();
    assert!(b.drop_tag(to, tags[0]).is_err());
    a.drop_tag(to, tags[0]).unwrap();
    assert_eq!(a.alloc_tag(to).unwrap(), tags[0]);
    // Closing the connection releases every tag it held.
    drop(a);
    thread::sleep(Duration::from_millis(200));
    assert!(b.alloc_tag(to).is_ok());
}

#[test]
fn mctpkit_request_prints_the_decoded_response() {
    let (_pty, _x, _y, nx, ny) = pair("cli");
    let _r = responder(ny, Duration::ZERO);
    thread::sleep(Duration::from_millis(100));
    let SocketName::Abstract(name) = nx else {
        unreachable!()
    };
    let run = |args: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_mctpkit"))
            .arg("request")
            .arg("--socket")
            .arg(format!("@{name}"))
            .args(args)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    // Get Endpoint ID, answered by the far daemon's control responder.
    let (code, out) = run(&["9", "00", "80", "02"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("Get Endpoint ID rsp"), "{out}");
    assert!(out.contains("<-09") && out.contains("eid=0x09"), "{out}");
    // JSON, from the echo responder.
    let (code, out) = run(&["--json", "9", "7e", "01", "02"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.starts_with('{') && out.contains("\"schema\":1"),
        "{out}"
    );
    // No answer: exit status 1 after the retries.
    let (code, _) = run(&["--timeout", "100", "--retries", "0", "30", "7e", "01"]);
    assert_eq!(code, Some(1));
}

#[test]
fn mctpkit_monitor_prints_live_traffic_as_analyze_does() {
    let (_pty, _x, _y, nx, _ny) = pair("mon");
    let SocketName::Abstract(name) = nx.clone() else {
        unreachable!()
    };
    let mon = std::process::Command::new(env!("CARGO_BIN_EXE_mctpkit"))
        .args(["monitor", "--socket", &format!("@{name}"), "--count", "2"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    thread::sleep(Duration::from_millis(200));
    let mut a = MctpSocket::connect(&nx).unwrap();
    let rsp = a
        .request(
            Addr::new(1, 9),
            &[0x00, 0x80, 0x02],
            Duration::from_secs(2),
            1,
        )
        .unwrap();
    assert_eq!(rsp[1], 0x00);
    let out = mon.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    // The request and its response, paired, as `mctpkit analyze` prints.
    assert!(text.contains("Get Endpoint ID req"), "{text}");
    assert!(text.contains("Get Endpoint ID rsp"), "{text}");
}

#[test]
fn mctpkit_ctl_status_reports_buses_routes_clients_and_counters() {
    let (_pty, _x, _y, nx, _ny) = pair("ctl-status");
    let SocketName::Abstract(name) = nx.clone() else {
        unreachable!()
    };
    let mut a = MctpSocket::connect(&nx).unwrap();
    a.subscribe(&[0x01, 0x7E], false).unwrap();
    a.request(
        Addr::new(1, 9),
        &[0x00, 0x80, 0x02],
        Duration::from_secs(2),
        1,
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mctpkit"))
        .args(["ctl", "--socket", &format!("@{name}"), "status"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["eid"], 8);
    assert_eq!(v["buses"][0]["binding"], "serial");
    assert_eq!(v["routes"][0]["first"], 8);
    let me = v["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["types"] == serde_json::json!([1, 0x7E]))
        .expect("this client and its subscription");
    assert_eq!(me["dialect"], "tagged");
    assert!(v["counters"]["tx_packets"].as_u64().unwrap() >= 1);
    assert!(v["counters"]["rx_messages"].as_u64().unwrap() >= 1);
}
