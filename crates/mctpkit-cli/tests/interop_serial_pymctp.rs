//! Serial interop of the `mctpkit daemon` process with pymctp's serial
//! exerciser (pymctp-exerciser-serial 0.2.6, PyPI, MIT) on the far end of
//! a real pty pair. Ignored by default: `scripts/interop-pymctp-serial`
//! installs the package into target/pymctp-serial-venv and runs it.
//!
//! The script (tests/interop/pymctp_serial.py, EID 9) sends Get Endpoint
//! ID (answered by the daemon's stack) and PLDM GetTID (answered here, by a
//! client of the daemon's tag-aware socket), then answers a vendor-defined
//! request from that client.
mod common;

use std::process::Command;
use std::thread;
use std::time::Duration;

use common::*;
use mctpkit_socket::{Addr, MctpSocket, SocketName};

const TID: u8 = 42;

#[test]
#[ignore = "needs pymctp-exerciser-serial from PyPI: scripts/interop-pymctp-serial"]
fn pymctps_serial_exerciser_talks_to_the_daemon() {
    let python = std::env::var("PYMCTP_SERIAL_PYTHON").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/pymctp-serial-venv/bin/python"
        )
        .into()
    });
    let pty = pty_pair();
    let name = format!("mctpkit-pymctp-serial-{}", std::process::id());
    let d = Daemon::start(
        "pymctp-serial",
        &[
            "-e",
            "8",
            "--tag-socket",
            &format!("@{name}"),
            "serial",
            pty.a.to_str().unwrap(),
        ],
    );
    let mut c = MctpSocket::connect(&SocketName::Abstract(name)).unwrap();
    c.subscribe(&[0x01, 0x7E], false).unwrap();
    let peer = Addr::new(1, 9);
    // The daemon's client: answers GetTID, then sends its own request to
    // the script and returns the response.
    let client = thread::spawn(move || {
        let r = c
            .recv_from(Some(Duration::from_secs(20)))
            .expect("GetTID from pymctp");
        assert_eq!(r.from, peer);
        assert!(r.tag.owner);
        assert_eq!(r.msg.len(), 4, "{:02x?}", r.msg);
        let (iid, rest) = (r.msg[1], &r.msg[2..]);
        assert_eq!(
            (r.msg[0], iid & 0xE0, rest),
            (0x01, 0x80, &[0x00, 0x02][..])
        );
        // PLDM response: Rq=0, same instance ID, cc 0, TID.
        c.send_response(
            peer,
            r.tag.value,
            &[0x01, iid & 0x1F, 0x00, 0x02, 0x00, TID],
        )
        .unwrap();
        // Bytes 0x7D and 0x7E are escaped on the wire (DSP0253 §6.4),
        // here early in the frame: pymctp's receiver estimates the frame's
        // end from the 0x7D bytes among the first byte-count + 2 bytes, so
        // an escape in the last few bytes makes it cut the frame short and
        // drop it (checked by hand: [7E 01 02 7E 7D 05] is lost). Its
        // sender escapes exactly, so the response carries them last.
        let req = [0x7E, 0x7D, 0x7E, 0x01, 0x02, 0x03, 0x04];
        c.request(peer, &req, Duration::from_secs(5), 0)
    });
    let out = Command::new("timeout")
        .args([
            "60",
            &python,
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/interop/pymctp_serial.py"
            ),
            pty.b.to_str().unwrap(),
        ])
        .output()
        .expect("run python");
    let rsp = client.join();
    let err = d.stop();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}\n{err}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("ok eid 8"), "{stdout}");
    assert!(stdout.contains(&format!("ok tid {TID}")), "{stdout}");
    assert!(stdout.contains("ok vdm"), "{stdout}");
    // The script answered with the body reversed; escapes went both ways.
    let rsp = rsp.expect("client thread").expect("response from pymctp");
    assert_eq!(rsp, [0x7E, 0x04, 0x03, 0x02, 0x01, 0x7E, 0x7D]);
}
