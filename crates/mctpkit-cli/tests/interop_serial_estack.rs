//! Serial interop of the `mctpkit daemon` process with an independent MCTP
//! stack: CodeConstruct's `mctp-estack` 0.1.0 (crates registry, MIT OR
//! Apache-2.0, dev-dependency only) on the far end of a real pty pair.
//!
//! One end of the pair is `mctpkit daemon -e 8 --tag-socket @… serial A`;
//! the test opens the other end raw and runs estack (EID 9) on it: its
//! `MctpSerialHandler` reads and writes DSP0253 frames on the pty device,
//! its `Stack` fragments and reassembles. Both directions are exercised,
//! at sizes up to 1,000 bytes (fragmented at the daemon's 64-byte unit and
//! at estack's 68-byte whole-packet MTU), and estack's MCTP control Get
//! Endpoint ID is answered by the daemon's own stack; two daemon clients'
//! requests in flight at once are answered out of order.
mod common;

use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsFd;
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use mctp::{Eid, MsgIC, MsgType, Tag};
use mctp_estack::fragment::SendOutput;
use mctp_estack::serial::MctpSerialHandler;
use mctpkit_socket::{Addr, MctpSocket, SocketName};

const DAEMON_EID: u8 = 8;
const ESTACK_EID: u8 = 9;
/// estack's MTU is the whole packet, 4-byte header included: 68 = the
/// DSP0236 baseline unit of 64 payload bytes.
const ESTACK_MTU: usize = 68;
/// Message sizes, type byte included.
const SIZES: [usize; 7] = [1, 2, 63, 64, 65, 300, 1000];
const VDM: u8 = 0x7E;

/// Bound on every wait of this test.
const WAIT: Duration = Duration::from_secs(10);

/// The test's end of the pty: raw, non-blocking, read through `poll(2)`
/// with a deadline. estack's serial reader takes it as an
/// `embedded_io_async::Read` whose reads never pend (they block in poll).
struct Line {
    f: File,
    buf: Vec<u8>,
    pos: usize,
    deadline: Instant,
}

#[derive(Debug)]
struct TimedOut;

impl embedded_io::Error for TimedOut {
    fn kind(&self) -> embedded_io::ErrorKind {
        embedded_io::ErrorKind::TimedOut
    }
}

impl embedded_io::ErrorType for Line {
    type Error = TimedOut;
}

impl embedded_io_async::Read for Line {
    async fn read(&mut self, out: &mut [u8]) -> Result<usize, TimedOut> {
        while self.pos == self.buf.len() {
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(TimedOut);
            }
            let mut fds = [nix::poll::PollFd::new(
                self.f.as_fd(),
                nix::poll::PollFlags::POLLIN,
            )];
            let ms = left.as_millis().min(1000) as u16;
            let _ = nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(ms));
            let mut chunk = [0u8; 4096];
            match self.f.read(&mut chunk) {
                Ok(n) if n > 0 => {
                    self.buf = chunk[..n].to_vec();
                    self.pos = 0;
                }
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => panic!("pty read: {e}"),
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl embedded_io_async::Write for Line {
    /// Blocking write of all of `data` to the pty (waiting in `poll(2)`
    /// while its buffer is full), within the line's deadline.
    async fn write(&mut self, data: &[u8]) -> Result<usize, TimedOut> {
        let deadline = Instant::now() + WAIT;
        let mut done = 0;
        while done < data.len() {
            match self.f.write(&data[done..]) {
                Ok(n) => done += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    if Instant::now() >= deadline {
                        return Err(TimedOut);
                    }
                    let mut fds = [nix::poll::PollFd::new(
                        self.f.as_fd(),
                        nix::poll::PollFlags::POLLOUT,
                    )];
                    let _ = nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(100u16));
                }
                Err(e) => panic!("pty write: {e}"),
            }
        }
        Ok(done)
    }
}

/// Drive a future whose I/O never pends (it blocks in `poll(2)`).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("estack serial I/O pended"),
    }
}

/// estack (EID 9) on the test's end of the line.
struct Peer {
    es: mctp_estack::Stack,
    serial: MctpSerialHandler,
    line: Line,
    start: Instant,
}

/// A message estack reassembled: source, tag, type byte + payload.
#[derive(Debug)]
struct Got {
    src: Eid,
    tag: Tag,
    msg: Vec<u8>,
}

impl Peer {
    fn new(path: &std::path::Path) -> Peer {
        Peer {
            es: mctp_estack::Stack::new(Eid(ESTACK_EID), ESTACK_MTU, 0),
            serial: MctpSerialHandler::new(),
            line: Line {
                f: open_raw(path),
                buf: Vec::new(),
                pos: 0,
                deadline: Instant::now(),
            },
            start: Instant::now(),
        }
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// Fragment `msg` (type byte first) with estack and write each packet
    /// as a DSP0253 frame; returns the tag estack put on it.
    fn send(&mut self, tag: Option<Tag>, msg: &[u8]) -> Tag {
        let (typ, ic): (MsgType, MsgIC) = mctp::decode_type_ic(msg[0]);
        let now = self.now();
        self.es.update(now).unwrap();
        let mut frag = self
            .es
            .start_send(Eid(DAEMON_EID), typ, tag, true, ic, None, None)
            .expect("estack start_send");
        let mut buf = [0u8; 256];
        loop {
            match frag.fragment(&msg[1..], &mut buf) {
                SendOutput::Packet(p) => {
                    assert!(p.len() <= ESTACK_MTU);
                    // estack frames the packet straight onto the pty.
                    block_on(self.serial.send_async(p, &mut self.line)).unwrap();
                }
                SendOutput::Complete { tag, .. } => return tag,
                SendOutput::Error { err, .. } => panic!("estack fragment: {err:?}"),
            }
        }
    }

    /// Read frames until estack reassembles a message (within `WAIT`).
    /// Returns the message and the number of packets it came in.
    fn recv(&mut self) -> (Got, usize) {
        self.line.deadline = Instant::now() + WAIT;
        let mut packets = 0;
        loop {
            let p = match block_on(self.serial.recv_async(&mut self.line)) {
                Ok(p) => p.to_vec(),
                Err(e) => panic!("estack: no message within {WAIT:?} ({e:?})"),
            };
            packets += 1;
            self.es
                .update(self.start.elapsed().as_millis() as u64)
                .unwrap();
            match self.es.receive(&p) {
                Ok(Some((m, handle))) => {
                    let mut msg = vec![mctp::encode_type_ic(m.typ, m.ic)];
                    msg.extend_from_slice(m.payload);
                    let got = Got {
                        src: m.source,
                        tag: m.tag,
                        msg,
                    };
                    self.es.finished_receive(handle);
                    return (got, packets);
                }
                Ok(None) => {}
                Err(e) => panic!("estack refused packet {p:02x?}: {e:?}"),
            }
        }
    }
}

fn message(len: usize, seed: u8) -> Vec<u8> {
    let mut m: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect();
    m[0] = VDM;
    m
}

/// Payload bytes per packet on the daemon's side (the baseline unit).
fn packets_at_64(len: usize) -> usize {
    len.div_ceil(64).max(1)
}

struct Setup {
    _pty: PtyPair,
    daemon: Daemon,
    tagged: SocketName,
    peer: Peer,
}

fn setup(tag: &str) -> Setup {
    let pty = pty_pair();
    let name = format!("mctpkit-estack-{}-{tag}", std::process::id());
    let daemon = Daemon::start(
        tag,
        &[
            "-e",
            &DAEMON_EID.to_string(),
            "--tag-socket",
            &format!("@{name}"),
            "serial",
            pty.a.to_str().unwrap(),
        ],
    );
    let peer = Peer::new(&pty.b);
    Setup {
        _pty: pty,
        daemon,
        tagged: SocketName::Abstract(name),
        peer,
    }
}

/// A daemon client's requests to EID 9: estack reassembles each (TO=1, the
/// daemon's tag), answers with TO=0 and that tag, and the client gets the
/// answer as the response to its request.
#[test]
fn daemon_client_requests_answered_by_estack() {
    let mut t = setup("rq");
    let mut c = MctpSocket::connect(&t.tagged).unwrap();
    c.subscribe(&[VDM], false).unwrap();
    let to = Addr::new(1, ESTACK_EID);
    for (k, &len) in SIZES.iter().enumerate() {
        let req = message(len, k as u8);
        let sent = c.send_request(to, &req).unwrap();
        assert!(sent.owner);
        let (got, packets) = t.peer.recv();
        assert_eq!(got.src, Eid(DAEMON_EID), "len {len}");
        assert_eq!(got.tag, Tag::Owned(mctp::TagValue(sent.value)), "len {len}");
        assert_eq!(got.msg, req, "len {len}");
        assert_eq!(packets, packets_at_64(len), "len {len}: 64-byte unit");

        let mut rsp = message(len / 2 + 1, 0xA0 + k as u8);
        rsp[0] = req[0];
        let tag = t.peer.send(Some(Tag::Unowned(got.tag.tag())), &rsp);
        assert_eq!(tag, Tag::Unowned(mctp::TagValue(sent.value)));
        let r = c.recv_from(Some(WAIT)).expect("response from estack");
        assert_eq!(r.from, to, "len {len}");
        assert_eq!((r.tag.owner, r.tag.value), (false, sent.value), "len {len}");
        assert_eq!(r.msg, rsp, "len {len}");
    }
    let err = t.daemon.stop();
    assert!(!err.contains("panicked"), "daemon stderr: {err}");
}

/// estack's requests to EID 8 (owned tags it allocates) delivered to a
/// daemon client, which answers with `send_response`; estack matches each
/// answer to its flow (it refuses TO=0 messages without one).
#[test]
fn estack_requests_answered_by_a_daemon_client() {
    let mut t = setup("rs");
    let mut c = MctpSocket::connect(&t.tagged).unwrap();
    c.subscribe(&[VDM], false).unwrap();
    // The subscription is in place before estack sends.
    thread::sleep(Duration::from_millis(100));
    for (k, &len) in SIZES.iter().enumerate() {
        let req = message(len, 0x40 + k as u8);
        let tag = t.peer.send(None, &req);
        assert!(tag.is_owner());
        let r = c.recv_from(Some(WAIT)).expect("request from estack");
        assert_eq!(r.from, Addr::new(1, ESTACK_EID), "len {len}");
        assert_eq!((r.tag.owner, r.tag.value), (true, tag.tag().0), "len {len}");
        assert_eq!(r.msg, req, "len {len}");

        let mut rsp = message(1000 - len.min(999), 0x80 + k as u8);
        rsp[0] = req[0];
        c.send_response(r.from, r.tag.value, &rsp).unwrap();
        let (got, packets) = t.peer.recv();
        assert_eq!(got.src, Eid(DAEMON_EID), "len {len}");
        assert_eq!(got.tag, Tag::Unowned(tag.tag()), "len {len}");
        assert_eq!(got.msg, rsp, "len {len}");
        assert_eq!(packets, packets_at_64(rsp.len()), "len {len}");
    }
    let err = t.daemon.stop();
    assert!(!err.contains("panicked"), "daemon stderr: {err}");
}

/// MCTP control Get Endpoint ID (DSP0236 §12.4) from estack, answered by
/// the daemon's stack itself: completion code 0, EID 8, TO=0 with the
/// request's tag, the request's instance ID with Rq clear. An unsupported
/// command gets ERROR_UNSUPPORTED_CMD (0x05).
#[test]
fn estack_control_requests_answered_by_the_daemon() {
    let mut t = setup("ctl");
    for iid in [0x01u8, 0x1F] {
        // Type 0x00, Rq=1 | instance ID, command 0x02.
        let tag = t.peer.send(None, &[0x00, 0x80 | iid, 0x02]);
        let (got, packets) = t.peer.recv();
        assert_eq!(packets, 1);
        assert_eq!(got.src, Eid(DAEMON_EID));
        assert_eq!(got.tag, Tag::Unowned(tag.tag()));
        let m = &got.msg;
        assert_eq!(m.len(), 7, "Get Endpoint ID response {m:02x?}");
        assert_eq!(&m[..5], &[0x00, iid, 0x02, 0x00, DAEMON_EID], "{m:02x?}");
        // Endpoint type: bits 7:6 and 3:2 reserved.
        assert_eq!(m[5] & 0xCC, 0, "{m:02x?}");
    }
    // Command 0xF0 is not defined by DSP0236.
    let tag = t.peer.send(None, &[0x00, 0x80 | 0x05, 0xF0]);
    let (got, _) = t.peer.recv();
    assert_eq!(got.tag, Tag::Unowned(tag.tag()));
    assert_eq!(got.msg, [0x00, 0x05, 0xF0, 0x05]);
    let err = t.daemon.stop();
    assert!(!err.contains("panicked"), "daemon stderr: {err}");
}

/// Two daemon clients with requests in flight at once: the daemon puts
/// distinct owned tags on them; estack answers the second first, and each
/// answer reaches only the client whose request it answers.
#[test]
fn concurrent_requests_answered_out_of_order_by_estack() {
    let mut t = setup("cc");
    let mut a = MctpSocket::connect(&t.tagged).unwrap();
    let mut b = MctpSocket::connect(&t.tagged).unwrap();
    for s in [&mut a, &mut b] {
        s.subscribe(&[VDM], false).unwrap();
    }
    let to = Addr::new(1, ESTACK_EID);
    let (qa, qb) = (message(200, 0x11), message(90, 0x22));
    let ta = a.send_request(to, &qa).unwrap();
    let tb = b.send_request(to, &qb).unwrap();
    assert_ne!(ta.value, tb.value);
    let (ga, _) = t.peer.recv();
    let (gb, _) = t.peer.recv();
    assert_eq!((ga.msg.as_slice(), gb.msg.as_slice()), (&qa[..], &qb[..]));
    for (got, rsp) in [(&gb, [VDM, 0xBB]), (&ga, [VDM, 0xAA])] {
        t.peer.send(Some(Tag::Unowned(got.tag.tag())), &rsp);
    }
    let rb = b.recv_from(Some(WAIT)).expect("b's response");
    let ra = a.recv_from(Some(WAIT)).expect("a's response");
    assert_eq!(
        (rb.tag.value, rb.msg.as_slice()),
        (tb.value, &[VDM, 0xBB][..])
    );
    assert_eq!(
        (ra.tag.value, ra.msg.as_slice()),
        (ta.value, &[VDM, 0xAA][..])
    );
    // Nothing else for either.
    assert!(a.recv_from(Some(Duration::from_millis(200))).is_err());
    assert!(b.recv_from(Some(Duration::from_millis(200))).is_err());
    let err = t.daemon.stop();
    assert!(!err.contains("panicked"), "daemon stderr: {err}");
}
