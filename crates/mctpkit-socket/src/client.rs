//! [`MctpSocket`]: a blocking client of the tag-aware dialect.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};

use crate::name::SocketName;
use crate::protocol::{op, spec_of, tagspec, Status};

/// A peer: network and EID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Addr {
    pub net: u32,
    pub eid: u8,
}

impl Addr {
    pub const fn new(net: u32, eid: u8) -> Addr {
        Addr { net, eid }
    }
}

/// A message's tag and TO bit (DSP0236 §8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    /// TO: set on requests (the sender owns the tag).
    pub owner: bool,
    pub value: u8,
}

/// A message received from a peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub from: Addr,
    pub tag: Tag,
    /// The message, starting at its type byte.
    pub msg: Vec<u8>,
}

/// A packet seen on one of the daemon's buses ([`MctpSocket::monitor`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// Sent by the daemon (`true`) or received from the bus.
    pub sent: bool,
    /// Wall-clock time, microseconds since 1970.
    pub micros: u64,
    /// The daemon's bus number.
    pub bus: u8,
    /// The bare MCTP packet (transport header first).
    pub packet: Vec<u8>,
}

/// A connection to the daemon's tag-aware socket.
#[derive(Debug)]
pub struct MctpSocket {
    s: Socket,
    buf: Vec<u8>,
    /// Messages that arrived while waiting for a reply or a response.
    pending: VecDeque<Received>,
}

fn status_err(st: Status) -> io::Error {
    let kind = match st {
        Status::NoRoute | Status::InvalidEid => io::ErrorKind::HostUnreachable,
        Status::TagsExhausted | Status::QueueFull => io::ErrorKind::ResourceBusy,
        Status::BadRequest | Status::TooLarge => io::ErrorKind::InvalidInput,
        _ => io::ErrorKind::Other,
    };
    io::Error::new(kind, st)
}

impl MctpSocket {
    /// Connect to a daemon's tag-aware socket.
    pub fn connect(name: &SocketName) -> io::Result<MctpSocket> {
        let s = Socket::new(Domain::UNIX, Type::SEQPACKET.cloexec(), None)?;
        s.connect(&name.addr()?)?;
        Ok(MctpSocket {
            s,
            buf: vec![0u8; 70_000],
            pending: VecDeque::new(),
        })
    }

    fn send_raw(&mut self, d: &[u8]) -> io::Result<()> {
        (&self.s).write_all(d)
    }

    /// One datagram, or `None` when `deadline` passes first.
    fn recv_raw(&mut self, deadline: Option<Instant>) -> io::Result<Option<usize>> {
        let timeout = match deadline {
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Ok(None);
                }
                Some(left)
            }
            None => None,
        };
        self.s.set_read_timeout(timeout)?;
        match (&self.s).read(&mut self.buf) {
            Ok(0) => Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => Ok(Some(n)),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Parse a MESSAGE datagram in `buf[..n]` into the pending queue; a
    /// reply is returned instead.
    fn take(&mut self, n: usize) -> Option<(u8, Status, u8)> {
        let d = &self.buf[..n];
        match d {
            [o, st, rest @ ..] if o & op::REPLY != 0 => {
                let spec = rest.get(5).copied().unwrap_or(0);
                Some((o & !op::REPLY, Status::from_u8(*st), spec))
            }
            [op::MESSAGE, n0, n1, n2, n3, eid, spec, msg @ ..] => {
                self.pending.push_back(Received {
                    from: Addr::new(u32::from_le_bytes([*n0, *n1, *n2, *n3]), *eid),
                    tag: Tag {
                        owner: spec & tagspec::TO != 0,
                        value: spec & tagspec::TAG_MASK,
                    },
                    msg: msg.to_vec(),
                });
                None
            }
            // TAG_RELEASED and unknown operations: nothing to hand out.
            _ => None,
        }
    }

    /// Wait for the reply to operation `o`.
    fn reply(&mut self, o: u8, timeout: Duration) -> io::Result<(Status, u8)> {
        let deadline = Instant::now() + timeout;
        loop {
            let Some(n) = self.recv_raw(Some(deadline))? else {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no reply from the daemon",
                ));
            };
            if let Some((ro, st, spec)) = self.take(n) {
                if ro == o {
                    return Ok((st, spec));
                }
            }
        }
    }

    /// Receive the message types listed (IC bit ignored) and, with
    /// `control`, MCTP control requests.
    pub fn subscribe(&mut self, types: &[u8], control: bool) -> io::Result<()> {
        let mut d = vec![op::SUBSCRIBE, u8::from(control)];
        d.extend_from_slice(types);
        self.send_raw(&d)?;
        match self.reply(op::SUBSCRIBE, Duration::from_secs(5))? {
            (Status::Ok, _) => Ok(()),
            (st, _) => Err(status_err(st)),
        }
    }

    fn send(&mut self, to: Addr, spec: u8, msg: &[u8]) -> io::Result<Tag> {
        let mut d = Vec::with_capacity(7 + msg.len());
        d.push(op::SEND);
        d.extend_from_slice(&to.net.to_le_bytes());
        d.push(to.eid);
        d.push(spec | tagspec::REPORT);
        d.extend_from_slice(msg);
        self.send_raw(&d)?;
        match self.reply(op::SEND, Duration::from_secs(5))? {
            (Status::Ok, used) => Ok(Tag {
                owner: used & tagspec::TO != 0,
                value: used & tagspec::TAG_MASK,
            }),
            (st, _) => Err(status_err(st)),
        }
    }

    /// Send a request (TO=1) on a tag the daemon allocates and owns for
    /// this connection; returns the tag, which the response will carry.
    pub fn send_request(&mut self, to: Addr, msg: &[u8]) -> io::Result<Tag> {
        self.send(to, tagspec::ALLOC, msg)
    }

    /// Send a response: TO=0 with the request's tag.
    pub fn send_response(&mut self, to: Addr, tag: u8, msg: &[u8]) -> io::Result<()> {
        self.send(to, spec_of(false, tag), msg).map(|_| ())
    }

    /// Send on a tag held with [`MctpSocket::alloc_tag`] (TO=1).
    pub fn send_on_tag(&mut self, to: Addr, tag: u8, msg: &[u8]) -> io::Result<()> {
        self.send(to, spec_of(true, tag), msg).map(|_| ())
    }

    /// The next message, waiting at most `timeout` (`None`: forever).
    pub fn recv_from(&mut self, timeout: Option<Duration>) -> io::Result<Received> {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            if let Some(r) = self.pending.pop_front() {
                return Ok(r);
            }
            let Some(n) = self.recv_raw(deadline)? else {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "no message"));
            };
            self.take(n);
        }
    }

    /// Send a request and wait for its response (TO=0, same tag, from the
    /// same EID), retrying on timeout; other messages that arrive meanwhile
    /// stay queued for [`MctpSocket::recv_from`]. A response that comes
    /// after its request was given up on is discarded by the daemon's tag
    /// table, not mistaken for the next one's (libcxlmi's desync).
    pub fn request(
        &mut self,
        to: Addr,
        msg: &[u8],
        timeout: Duration,
        retries: u8,
    ) -> io::Result<Vec<u8>> {
        for _ in 0..=retries {
            let tag = self.send_request(to, msg)?;
            let deadline = Instant::now() + timeout;
            loop {
                let hit = self
                    .pending
                    .iter()
                    .position(|r| r.from == to && !r.tag.owner && r.tag.value == tag.value);
                if let Some(i) = hit {
                    if let Some(r) = self.pending.remove(i) {
                        return Ok(r.msg);
                    }
                }
                match self.recv_raw(Some(deadline))? {
                    Some(n) => {
                        self.take(n);
                    }
                    None => break,
                }
            }
        }
        Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!(
                "no response from EID {} after {} attempts",
                to.eid,
                u16::from(retries) + 1
            ),
        ))
    }

    /// The daemon's state as a JSON document (buses, routes, endpoints
    /// set up, clients, counters): what `mctpkit ctl status` prints.
    pub fn status(&mut self) -> io::Result<String> {
        self.send_raw(&[op::STATUS])?;
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let Some(n) = self.recv_raw(Some(deadline))? else {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no reply from the daemon",
                ));
            };
            if let [o, 0, json @ ..] = &self.buf[..n] {
                if *o == op::STATUS | op::REPLY {
                    return String::from_utf8(json.to_vec())
                        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e));
                }
            }
        }
    }

    /// Ask for every packet the daemon sends or receives on its buses;
    /// read them with [`MctpSocket::next_packet`].
    pub fn monitor(&mut self) -> io::Result<()> {
        self.send_raw(&[op::MONITOR])?;
        match self.reply(op::MONITOR, Duration::from_secs(5))? {
            (Status::Ok, _) => Ok(()),
            (st, _) => Err(status_err(st)),
        }
    }

    /// The next monitored packet, waiting at most `timeout` (`Ok(None)`
    /// when it passes).
    pub fn next_packet(&mut self, timeout: Duration) -> io::Result<Option<Seen>> {
        let deadline = Instant::now() + timeout;
        loop {
            let Some(n) = self.recv_raw(Some(deadline))? else {
                return Ok(None);
            };
            if let [op::PACKET, dir, rest @ ..] = &self.buf[..n] {
                if let Some((t, rest)) = rest.split_first_chunk::<8>() {
                    if let Some((&bus, packet)) = rest.split_first() {
                        return Ok(Some(Seen {
                            sent: *dir == 1,
                            micros: u64::from_le_bytes(*t),
                            bus,
                            packet: packet.to_vec(),
                        }));
                    }
                }
            }
        }
    }

    /// Hold an owned tag for `to` until [`MctpSocket::drop_tag`] (Linux
    /// `SIOCMCTPALLOCTAG`).
    pub fn alloc_tag(&mut self, to: Addr) -> io::Result<u8> {
        let mut d = vec![op::ALLOC_TAG];
        d.extend_from_slice(&to.net.to_le_bytes());
        d.push(to.eid);
        self.send_raw(&d)?;
        match self.reply(op::ALLOC_TAG, Duration::from_secs(5))? {
            (Status::Ok, spec) => Ok(spec & tagspec::TAG_MASK),
            (st, _) => Err(status_err(st)),
        }
    }

    /// Release a tag from [`MctpSocket::alloc_tag`].
    pub fn drop_tag(&mut self, to: Addr, tag: u8) -> io::Result<()> {
        let mut d = vec![op::DROP_TAG];
        d.extend_from_slice(&to.net.to_le_bytes());
        d.push(to.eid);
        d.push(tag);
        self.send_raw(&d)?;
        match self.reply(op::DROP_TAG, Duration::from_secs(5))? {
            (Status::Ok, _) => Ok(()),
            (st, _) => Err(status_err(st)),
        }
    }
}
