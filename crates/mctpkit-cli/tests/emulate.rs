//! `mctpkit emulate` as a process, on the far side of a pty pair from
//! `mctpkit daemon` (or from a bus-owner stack driven by this test): a
//! raw seqpacket client on the daemon's socket talks PLDM and NVMe-MI to
//! the emulated endpoints across DSP0253 serial framing. Every test uses
//! its own socket name and files, bounds its waits and kills its
//! processes by PID.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use mctpkit_wire::nvme_mi::{self, builder as mi};
use mctpkit_wire::pldm::builder;
use socket2::{Domain, SockAddr, Socket, Type};

#[path = "common/crc.rs"]
mod crc;
#[path = "common/pty.rs"]
mod pty;
use pty::{open_raw, pty_pair};

/// A child process: SIGTERM then SIGKILL when stopped, SIGKILL when dropped.
struct Proc(Child);

impl Proc {
    fn spawn(args: &[&str]) -> Proc {
        let child = Command::new(env!("CARGO_BIN_EXE_mctpkit"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mctpkit");
        Proc(child)
    }

    /// SIGTERM, wait (bounded), then stderr.
    fn stop(mut self) -> String {
        let pid = nix::unistd::Pid::from_raw(self.0.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && !matches!(self.0.try_wait(), Ok(Some(_))) {
            thread::sleep(Duration::from_millis(10));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
        let mut err = String::new();
        if let Some(mut e) = self.0.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        err
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mctpkit-emulate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// `mctpkit daemon -e 8 --socket @NAME serial DEVICE`, with its socket name.
fn daemon(name: &str, device: &Path) -> (Proc, String) {
    let socket = format!("mctpkit-emulate-test-{}-{name}", std::process::id());
    let p = Proc::spawn(&[
        "daemon",
        "-e",
        "8",
        "--socket",
        &format!("@{socket}"),
        "serial",
        device.to_str().unwrap(),
    ]);
    (p, socket)
}

/// `mctpkit emulate FILE` with `toml` written to FILE.
fn emulate(name: &str, toml: &str) -> Proc {
    let file = tmp(&format!("{name}.toml"));
    std::fs::write(&file, toml).unwrap();
    Proc::spawn(&["emulate", file.to_str().unwrap()])
}

/// A client of the daemon's upstream socket, subscribed to `msg_type`
/// (retrying the connection while the daemon starts).
struct Client(Socket);

impl Client {
    fn connect(socket: &str, msg_type: u8) -> Client {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let s = Socket::new(Domain::UNIX, Type::SEQPACKET, None).unwrap();
            let addr = SockAddr::unix(format!("\0{socket}")).unwrap();
            if s.connect(&addr).is_ok() {
                let mut c = Client(s);
                c.send(&[msg_type]);
                return c;
            }
            assert!(Instant::now() < deadline, "daemon socket {socket} not up");
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, d: &[u8]) {
        (&self.0).write_all(d).expect("send");
    }

    fn recv_within(&mut self, t: Duration) -> Option<Vec<u8>> {
        self.0.set_read_timeout(Some(t)).unwrap();
        let mut buf = vec![0u8; 70_000];
        match (&self.0).read(&mut buf) {
            Ok(n) => Some(buf[..n].to_vec()),
            Err(_) => None,
        }
    }

    /// Send `msg` to `eid` and wait (bounded) for the answer from `eid`;
    /// the answer's message bytes.
    fn request(&mut self, eid: u8, msg: &[u8]) -> Vec<u8> {
        let mut dg = vec![eid];
        dg.extend_from_slice(msg);
        self.send(&dg);
        let r = self
            .recv_within(Duration::from_secs(5))
            .unwrap_or_else(|| panic!("no answer from EID {eid} to {msg:02x?}"));
        assert_eq!(r[0], eid, "{r:02x?}");
        r[1..].to_vec()
    }

    /// [`Client::request`], retried every 200 ms for up to 10 s while the
    /// emulator starts.
    fn first_request(&mut self, eid: u8, msg: &[u8]) -> Vec<u8> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut dg = vec![eid];
        dg.extend_from_slice(msg);
        while Instant::now() < deadline {
            self.send(&dg);
            if let Some(r) = self.recv_within(Duration::from_millis(200)) {
                assert_eq!(r[0], eid, "{r:02x?}");
                // Earlier tries queued on the line before the emulator
                // opened it are answered too: let those answers go by.
                while self.recv_within(Duration::from_millis(300)).is_some() {}
                return r[1..].to_vec();
            }
        }
        panic!("EID {eid} never answered {msg:02x?}");
    }
}

const TERMINUS: &str = r#"
[[endpoint]]
name = "terminus"
kind = "pldm"
eid = 9
binding = "serial"
device = "DEVICE"

[endpoint.pldm]
tid = 3

[[endpoint.pldm.numeric_sensor]]
sensor_id = 1
data_size = "uint16"
min = 0
max = 1000
period_ms = 4000
warning_high = 900

[[endpoint.pldm.state_sensor]]
sensor_id = 2
states = [1, 2, 3]
period_ms = 300
"#;

/// GetPDR for `handle` (whole records: requestCount 255): the record's
/// bytes and the next record handle.
fn get_pdr(c: &mut Client, iid: u8, handle: u32) -> (Vec<u8>, u32) {
    let rsp = c.request(9, &builder::get_pdr_request(iid, handle, 255).to_vec());
    // Response header 5 bytes (cc 0), nextRecordHandle, nextDataTransfer
    // Handle, transferFlag StartAndEnd (5), responseCount, recordData.
    assert_eq!(&rsp[..5], &[0x01, iid, 0x02, 0x51, 0x00], "{rsp:02x?}");
    assert_eq!(rsp[13], 5, "StartAndEnd");
    let next = u32::from_le_bytes(rsp[5..9].try_into().unwrap());
    let count = usize::from(u16::from_le_bytes([rsp[14], rsp[15]]));
    assert_eq!(rsp.len(), 16 + count);
    (rsp[16..].to_vec(), next)
}

/// GetSensorReading of sensor 1: presentReading (uint16).
fn reading(c: &mut Client, iid: u8) -> u16 {
    let rsp = c.request(
        9,
        &builder::get_sensor_reading_request(iid, 1, false).to_vec(),
    );
    // cc 0, sensorDataSize uint16 (2), enabled, noEventGeneration, 3 states.
    assert_eq!(
        &rsp[..7],
        &[0x01, iid, 0x02, 0x11, 0x00, 0x02, 0x00],
        "{rsp:02x?}"
    );
    assert_eq!(rsp.len(), 13);
    u16::from_le_bytes([rsp[11], rsp[12]])
}

#[test]
fn a_pldm_terminus_answers_through_the_daemon() {
    let pty = pty_pair();
    let (d, socket) = daemon("pldm", &pty.a);
    let mut c = Client::connect(&socket, 0x01);
    let e = emulate("pldm", &TERMINUS.replace("DEVICE", pty.b.to_str().unwrap()));

    // The issue's example: GetTID to EID 9 → TID 3, SUCCESS.
    let rsp = c.first_request(9, &[0x01, 0x80, 0x00, 0x02]);
    assert_eq!(rsp, [0x01, 0x00, 0x00, 0x02, 0x00, 0x03]);

    // The whole repository by GetPDR: locator, numeric, state sensor PDRs.
    let mut handle = 0;
    let mut types = Vec::new();
    for iid in 1..10 {
        let (rec, next) = get_pdr(&mut c, iid, handle);
        let r = mctpkit_wire::pldm::pdr::Record::parse(&rec).expect("a valid PDR");
        types.push(r.header.pdr_type.value());
        match r.header.pdr_type.value() {
            // TID 3, MCTP_EID locator (type 1, 1 byte): EID 9.
            1 => assert_eq!((r.data[3], r.data[6], r.data[7], r.data[8]), (3, 1, 1, 9)),
            2 => assert_eq!(r.sensor_or_effecter_id(), Some(1)),
            4 => assert_eq!(r.sensor_or_effecter_id(), Some(2)),
            t => panic!("PDR type {t}"),
        }
        if next == 0 {
            break;
        }
        handle = next;
    }
    assert_eq!(types, [1, 2, 4]);

    // The numeric reading moves: 0..1000 over 4 s is 1 per 2 ms.
    let first = reading(&mut c, 11);
    thread::sleep(Duration::from_millis(300));
    let second = reading(&mut c, 12);
    assert!(first <= 1000 && second <= 1000, "{first} {second}");
    assert_ne!(first, second, "the reading changed in 300 ms");

    // GetStateSensorReadings: one composite sensor, enabled, a listed state.
    let rsp = c.request(9, &[0x01, 0x8D, 0x02, 0x21, 0x02, 0x00, 0x00, 0x00]);
    assert_eq!(
        &rsp[..7],
        &[0x01, 0x0D, 0x02, 0x21, 0x00, 0x01, 0x00],
        "{rsp:02x?}"
    );
    assert!((1..=3).contains(&rsp[7]), "{rsp:02x?}");

    // An unknown sensor and a short request get completion codes.
    let rsp = c.request(
        9,
        &builder::get_sensor_reading_request(14, 77, false).to_vec(),
    );
    assert_eq!(rsp, [0x01, 0x0E, 0x02, 0x11, 0x80]);
    let rsp = c.request(9, &[0x01, 0x8F, 0x02, 0x11, 0x01]);
    assert_eq!(rsp, [0x01, 0x0F, 0x02, 0x11, 0x03]);

    let err = e.stop();
    assert!(err.contains("terminus (Pldm) EID 9"), "{err}");
    d.stop();
}

/// The MI response's data after checking type, ROR, MIC and status.
fn mi_answer(rsp: &[u8]) -> (u32, Vec<u8>) {
    assert_eq!(rsp[0], 0x84, "IC set: {rsp:02x?}");
    assert_eq!(rsp[1] & 0x80, 0x80, "ROR");
    let n = rsp.len();
    let mic = u32::from_le_bytes(rsp[n - 4..].try_into().unwrap());
    assert_eq!(mic, crc::crc32c(&rsp[..n - 4]), "MIC of {rsp:02x?}");
    let m = nvme_mi::Message::parse(rsp).unwrap();
    assert!(m.integrity().unwrap().ok());
    assert_eq!(rsp[4], 0x00, "status Success");
    let nmresp = u32::from_le_bytes([rsp[5], rsp[6], rsp[7], 0]);
    (nmresp, rsp[8..n - 4].to_vec())
}

#[test]
fn an_nvme_mi_health_poll_gets_a_response_whose_mic_verifies() {
    let pty = pty_pair();
    let (d, socket) = daemon("nvme", &pty.a);
    let mut c = Client::connect(&socket, 0x84);
    let toml = format!(
        r#"
[[endpoint]]
name = "nvme"
kind = "nvme-mi"
eid = 10
binding = "serial"
device = "{}"

[endpoint.nvme_mi]
controllers = 2
ctemp_min = 30
ctemp_max = 45
period_ms = 3000
"#,
        pty.b.display()
    );
    let e = emulate("nvme", &toml);

    let poll = mi::subsystem_health_status_poll(0, false).to_vec();
    let (_, data) = mi_answer(&c.first_request(10, &poll));
    // NVM Subsystem Health Data Structure: NSS, SW (no warnings), CTEMP.
    assert_eq!(data.len(), 8);
    assert_eq!((data[0], data[1]), (0x38, 0xFF));
    assert!((30..=45).contains(&data[2]), "ctemp {}", data[2]);

    // Controller Health Status Poll, Report All: two 16-byte entries.
    let all = mi::controller_health_status_poll(1, 0, 0xFF, true, false).to_vec();
    let (rent, data) = mi_answer(&c.request(10, &all));
    assert_eq!((rent, data.len()), (2, 32));
    assert_eq!((data[0], data[16]), (0, 1), "controller IDs");

    // A corrupted MIC is discarded; the next good poll is answered.
    let mut bad = poll.clone();
    let n = bad.len();
    bad[n - 1] ^= 0x55;
    let mut dg = vec![10];
    dg.extend_from_slice(&bad);
    c.send(&dg);
    assert!(c.recv_within(Duration::from_millis(500)).is_none());
    mi_answer(&c.request(10, &poll));

    e.stop();
    d.stop();
}

/// A bus-owner stack on one serial line, driven by this test.
struct BusOwner {
    stack: mctpkit_stack::Stack,
    bus: mctpkit_stack::BusId,
    line: std::fs::File,
    start: Instant,
}

impl BusOwner {
    fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// Move frames both ways and run timers until `done` returns a value
    /// (given each event and each delivered message), for at most 15 s.
    fn run_until<T>(&mut self, mut done: impl FnMut(Step<'_>) -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(15);
        let (mut frame, mut buf) = (vec![0u8; 512], vec![0u8; 4096]);
        while Instant::now() < deadline {
            let now = self.now();
            while let Some(Ok(t)) = self.stack.poll_transmit_frame_on(self.bus, &mut frame) {
                self.line.write_all(&frame[..t.len]).unwrap();
            }
            match self.line.read(&mut buf) {
                Ok(n) if n > 0 => self.stack.receive_stream(now, self.bus, &buf[..n]),
                _ => thread::sleep(Duration::from_millis(2)),
            }
            if self.stack.poll_timeout().is_some_and(|t| t <= now) {
                self.stack.handle_timeout(now);
            }
            while let Some(e) = self.stack.poll_event() {
                if let Some(v) = done(Step::Event(&e)) {
                    return v;
                }
            }
            while let Some(m) = self.stack.poll_deliver() {
                if let Some(v) = done(Step::Message(&m)) {
                    return v;
                }
            }
        }
        panic!("bus owner: nothing within 15 s");
    }

    /// A request to `eid` and its response's bytes.
    fn request(&mut self, eid: u8, msg: &[u8]) -> Vec<u8> {
        let now = self.now();
        self.stack
            .send(now, mctpkit_stack::SendOptions::request(1, eid), msg)
            .unwrap();
        self.run_until(|s| match s {
            Step::Message(m) if m.src == eid && !m.tag_owner => Some(m.data.clone()),
            _ => None,
        })
    }
}

enum Step<'a> {
    Event(&'a mctpkit_stack::Event),
    Message(&'a mctpkit_stack::Message),
}

#[test]
fn a_bus_owner_assigns_the_eid_of_an_endpoint_without_one() {
    use mctpkit_stack::*;
    let pty = pty_pair();
    let toml = TERMINUS
        .replace("eid = 9\n", "")
        .replace("DEVICE", pty.b.to_str().unwrap());
    let e = emulate("bus-owner", &toml);
    let mut stack = Stack::new(Config::default());
    let bus = stack.add_bus(
        BusConfig::new(BindingKind::Serial, PhysAddr::NONE)
            .eid(8)
            .devices(&[PhysAddr::NONE]),
    );
    stack.enable_bus_owner(BusOwnerConfig {
        first: 20,
        last: 30,
        ..BusOwnerConfig::default()
    });
    let mut bo = BusOwner {
        stack,
        bus,
        line: open_raw(&pty.a),
        start: Instant::now(),
    };
    // Get Endpoint ID (EID 0), Set Endpoint ID 20, Get Message Type
    // Support, Get Endpoint UUID: the stack's bus-owner flow.
    assert_eq!(bo.stack.enumerate(0, bus), 1);
    let info = bo.run_until(|s| match s {
        Step::Event(Event::EndpointSetUp(i)) => Some(i.clone()),
        Step::Event(Event::EndpointFailed { reason, .. }) => panic!("set-up failed: {reason}"),
        _ => None,
    });
    assert_eq!(info.eid, 20);
    assert!(
        info.types.contains(&0x01),
        "PLDM registered: {:?}",
        info.types
    );

    // The terminus answers at its new EID, and its locator PDR says so.
    assert_eq!(
        bo.request(20, &[0x01, 0x80, 0x00, 0x02]),
        [0x01, 0x00, 0x00, 0x02, 0x00, 0x03]
    );
    let rsp = bo.request(20, &builder::get_pdr_request(2, 1, 255).to_vec());
    assert_eq!(rsp[16 + 10 + 8], 20, "terminus locator value: {rsp:02x?}");

    let err = e.stop();
    assert!(err.contains("EID 20 assigned by bus owner 8"), "{err}");
}

/// The terminus at 7-bit address 0x1D behind pymctp's QEMU I2C TCP
/// stream on a free local port, listening (a probe connection came and
/// went).
fn terminus_on_i2c_stream(name: &str) -> (Proc, u16) {
    // A free port: bind, read, release.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let toml = TERMINUS
        .replace("binding = \"serial\"", "binding = \"i2c-stream\"")
        .replace(
            "device = \"DEVICE\"",
            &format!("listen = \"127.0.0.1:{port}\"\naddress = 0x1d"),
        );
    let e = emulate(name, &toml);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "emulator not listening");
        thread::sleep(Duration::from_millis(20));
    }
    (e, port)
}

/// A frame of pymctp's QEMU I2C TCP stream: `[u32 BE len][type][body]`.
fn stream_frame(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut v = ((1 + body.len()) as u32).to_be_bytes().to_vec();
    v.push(kind);
    v.extend_from_slice(body);
    v
}

fn read_stream_frame(s: &mut std::net::TcpStream) -> (u8, Vec<u8>) {
    let mut len = [0u8; 4];
    s.read_exact(&mut len).expect("frame length");
    let mut f = vec![0u8; u32::from_be_bytes(len) as usize];
    s.read_exact(&mut f).expect("frame");
    (f[0], f[1..].to_vec())
}

/// An SMBus block write (DSP0237) from 7-bit address 0x10 to 0x1D
/// carrying one whole message, written out byte by byte.
fn smbus_write(dst_eid: u8, src_eid: u8, msg: &[u8]) -> Vec<u8> {
    let mut f = vec![0x1D << 1, 0x0F, (1 + 4 + msg.len()) as u8, (0x10 << 1) | 1];
    // MCTP header: version 1, dst, src, SOM|EOM|TO, tag 0.
    f.extend_from_slice(&[0x01, dst_eid, src_eid, 0xC8]);
    f.extend_from_slice(msg);
    f.push(crc::crc8_smbus(&f));
    f
}

#[test]
fn the_i2c_tcp_stream_of_pymctps_qemu_exerciser() {
    let (e, port) = terminus_on_i2c_stream("i2c-stream");
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // The emulator greets with HELLO, protocol 1.0.
    assert_eq!(
        read_stream_frame(&mut s),
        (0x07, vec![0x00, 0x01, 0x00, 0x00])
    );
    s.write_all(&stream_frame(0x07, &[0x00, 0x01, 0x00, 0x00]))
        .unwrap();

    // GetTID in a master-mode WRITE: [(0x1D << 1)][0x0F][count][src]...[PEC].
    s.write_all(&stream_frame(
        0x00,
        &smbus_write(9, 8, &[0x01, 0x80, 0x00, 0x02]),
    ))
    .unwrap();
    let (kind, body) = read_stream_frame(&mut s);
    assert_eq!(kind, 0x00, "a WRITE back");
    let n = body.len();
    assert_eq!(
        body[n - 1],
        crc::crc8_smbus(&body[..n - 1]),
        "PEC of {body:02x?}"
    );
    // To 0x10 from 0x1D; MCTP 08<-09, SOM|EOM, TO=0, tag 0; TID 3.
    assert_eq!(
        body[..n - 1],
        [0x20, 0x0F, 11, 0x3B, 0x01, 8, 9, 0xC0, 0x01, 0x00, 0x00, 0x02, 0x00, 0x03]
    );

    // A write with a bad PEC is dropped; a READ_REQ gets an empty READ_RSP.
    let mut bad = smbus_write(9, 8, &[0x01, 0x81, 0x00, 0x02]);
    *bad.last_mut().unwrap() ^= 1;
    s.write_all(&stream_frame(0x00, &bad)).unwrap();
    s.write_all(&stream_frame(0x01, &[0x00, 0x10])).unwrap();
    assert_eq!(read_stream_frame(&mut s), (0x02, vec![]));

    e.stop();
}

/// pymctp's own QEMU I2C stream exerciser (pymctp-exerciser-qemu 0.3.0
/// from PyPI) drives the emulator as it drives a QEMU guest. Needs the
/// package: `scripts/interop-pymctp-qemu` installs it into
/// target/pymctp-qemu-venv and runs this test.
#[test]
#[ignore = "needs pymctp-exerciser-qemu: scripts/interop-pymctp-qemu"]
fn pymctps_qemu_i2c_exerciser_drives_the_emulator() {
    let python = std::env::var("PYMCTP_QEMU_PYTHON").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/pymctp-qemu-venv/bin/python"
        )
        .into()
    });
    let (e, port) = terminus_on_i2c_stream("pymctp-qemu");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/interop/pymctp_qemu_i2c.py"
    );
    let out = Command::new("timeout")
        .args(["60", &python, script, &port.to_string()])
        .output()
        .expect("run python");
    let err = e.stop();
    assert!(
        out.status.success(),
        "{}{}\n{err}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok tid 3"));
}

#[test]
fn the_terminus_sends_platform_event_messages_to_its_receiver() {
    let pty = pty_pair();
    let (d, socket) = daemon("events", &pty.a);
    let mut c = Client::connect(&socket, 0x01);
    let e = emulate(
        "events",
        &TERMINUS.replace("DEVICE", pty.b.to_str().unwrap()),
    );
    c.first_request(9, &[0x01, 0x80, 0x00, 0x02]);
    // SetEventReceiver: enableAsync over MCTP to EID 8 (the daemon).
    let rsp = c.request(9, &[0x01, 0x81, 0x02, 0x04, 0x01, 0x00, 0x08]);
    assert_eq!(rsp, [0x01, 0x01, 0x02, 0x04, 0x00]);
    // The state sensor steps every 300 ms: a PlatformEventMessage request
    // (Rq=1, type 2, 0x0A) from EID 9 — formatVersion 1, TID 3,
    // sensorEvent (0), sensor 2, stateSensorState (1), offset 0, states.
    let ev = c
        .recv_within(Duration::from_secs(3))
        .expect("a PlatformEventMessage");
    assert_eq!(ev[0], 9);
    let m = &ev[1..];
    assert_eq!(
        (m[0], m[1] & 0xC0, m[2], m[3]),
        (0x01, 0x80, 0x02, 0x0A),
        "{m:02x?}"
    );
    assert_eq!(&m[4..10], &[0x01, 0x03, 0x00, 0x02, 0x00, 0x01], "{m:02x?}");
    let (now, before) = (m[11], m[12]);
    assert!(now != before && (1..=3).contains(&now) && (1..=3).contains(&before));
    // Answer it (platformEventStatus noLogging): TO=0 with its tag.
    c.send(&[9, 0x01, m[1] & 0x1F, 0x02, 0x0A, 0x00, 0x00]);
    // Disable: the events stop (one may have been on its way).
    let mut dg = vec![9u8];
    dg.extend_from_slice(&[0x01, 0x82, 0x02, 0x04, 0x00, 0x00, 0x00]);
    c.send(&dg);
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut disabled = false;
    while Instant::now() < deadline {
        match c.recv_within(Duration::from_millis(700)) {
            Some(r) if r[1..] == [0x01, 0x02, 0x02, 0x04, 0x00] => disabled = true,
            Some(r) if disabled => panic!("event after disable: {r:02x?}"),
            Some(_) => {}
            None if disabled => break,
            None => {}
        }
    }
    assert!(disabled, "SetEventReceiver disable answered");
    e.stop();
    d.stop();
}
