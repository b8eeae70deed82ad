//! `SOCK_SEQPACKET` UNIX sockets for tokio: the demux protocol's transport.
//!
//! tokio has no seqpacket type, so these wrap a non-blocking `socket2`
//! socket in `AsyncFd`. Names follow libmctp's daemon: an **abstract** name
//! (`\0mctp-mux`, no trailing NUL, `sockets-and-daemons.md` §1.2) or a
//! filesystem path.

use std::io::{self, IoSlice};
use std::os::fd::AsRawFd;

use socket2::{Domain, Socket, Type};
use tokio::io::unix::AsyncFd;

pub use mctpkit_socket::SocketName;

fn seqpacket() -> io::Result<Socket> {
    let s = Socket::new(Domain::UNIX, Type::SEQPACKET.cloexec(), None)?;
    s.set_nonblocking(true)?;
    Ok(s)
}

/// A listening seqpacket socket.
#[derive(Debug)]
pub struct SeqListener {
    fd: AsyncFd<Socket>,
}

impl SeqListener {
    /// Bind and listen (a stale filesystem socket is replaced).
    pub fn bind(name: &SocketName) -> io::Result<SeqListener> {
        if let SocketName::Path(p) = name {
            if std::fs::symlink_metadata(p).is_ok_and(|m| {
                use std::os::unix::fs::FileTypeExt;
                m.file_type().is_socket()
            }) {
                std::fs::remove_file(p)?;
            }
        }
        let s = seqpacket()?;
        s.bind(&name.addr()?)?;
        s.listen(16)?;
        Ok(SeqListener {
            // SAFETY: the socket owns its descriptor, which nothing else
            // replaces or closes while the `AsyncFd` holds it.
            fd: unsafe { AsyncFd::register(s)? },
        })
    }

    /// The listening socket systemd passed (socket activation: `LISTEN_PID`
    /// is this process and `LISTEN_FDS` ≥ 1; the first is descriptor 3),
    /// if any and if it is a seqpacket socket. Call it before anything else
    /// opens descriptors (before the runtime). The environment variables
    /// are removed so children do not inherit them.
    pub fn take_systemd_socket() -> Option<Socket> {
        let pid_ok = std::env::var("LISTEN_PID")
            .ok()
            .and_then(|p| p.parse::<u32>().ok())
            == Some(std::process::id());
        let fds = std::env::var("LISTEN_FDS")
            .ok()
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0);
        if !pid_ok || fds == 0 {
            return None;
        }
        std::env::remove_var("LISTEN_PID");
        std::env::remove_var("LISTEN_FDS");
        std::env::remove_var("LISTEN_FDNAMES");
        // sd_listen_fds(3): the passed descriptors start at 3. Check what is
        // there before taking ownership of it.
        let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(3) };
        let is_seqpacket = nix::sys::socket::getsockopt(&fd, nix::sys::socket::sockopt::SockType)
            .is_ok_and(|t| t == nix::sys::socket::SockType::SeqPacket);
        if !is_seqpacket {
            eprintln!("mctpkit daemon: LISTEN_FDS set but descriptor 3 is not a seqpacket socket; ignored");
            return None;
        }
        // SAFETY: descriptor 3 is open (getsockopt succeeded) and systemd
        // hands it to this process.
        Some(unsafe { <Socket as std::os::fd::FromRawFd>::from_raw_fd(3) })
    }

    /// A listener from an already listening socket.
    pub fn from_socket(s: Socket) -> io::Result<SeqListener> {
        s.set_nonblocking(true)?;
        Ok(SeqListener {
            // SAFETY: as in `bind`.
            fd: unsafe { AsyncFd::register(s)? },
        })
    }

    /// Accept a client connection.
    pub async fn accept(&self) -> io::Result<SeqConn> {
        loop {
            let mut guard = self.fd.readable().await?;
            match guard.try_io(|s| s.get_ref().accept()) {
                Ok(Ok((s, _))) => {
                    s.set_nonblocking(true)?;
                    return SeqConn::new(s);
                }
                Ok(Err(e)) => return Err(e),
                Err(_would_block) => continue,
            }
        }
    }
}

/// One connected seqpacket socket.
#[derive(Debug)]
pub struct SeqConn {
    fd: AsyncFd<Socket>,
}

/// Peer credentials of a connection (`SO_PEERCRED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerCred {
    pub pid: i32,
    pub uid: u32,
    pub gid: u32,
}

impl SeqConn {
    fn new(s: Socket) -> io::Result<SeqConn> {
        Ok(SeqConn {
            // Readable interest only: with write interest too, every
            // datagram the peer reads would wake the event loop for room it
            // does not need (an extra epoll_wait per round trip). Sending
            // is `try_send`; only a full socket waits (see `send`).
            // SAFETY: the socket owns its descriptor, which nothing else
            // replaces or closes while the `AsyncFd` holds it.
            fd: unsafe { AsyncFd::register_with_interest(s, tokio::io::Interest::READABLE)? },
        })
    }

    /// Connect to a listening socket.
    pub async fn connect(name: &SocketName) -> io::Result<SeqConn> {
        let s = seqpacket()?;
        match s.connect(&name.addr()?) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
            Err(e) => return Err(e),
        }
        let c = SeqConn::new(s)?;
        // A non-blocking connect on a UNIX socket completes at once or
        // fails; nothing to wait for.
        Ok(c)
    }

    /// Peer credentials (`SO_PEERCRED`).
    pub fn peer_cred(&self) -> io::Result<PeerCred> {
        let c = nix::sys::socket::getsockopt(
            self.fd.get_ref(),
            nix::sys::socket::sockopt::PeerCredentials,
        )
        .map_err(io::Error::from)?;
        Ok(PeerCred {
            pid: c.pid(),
            uid: c.uid(),
            gid: c.gid(),
        })
    }

    /// Receive one datagram into `buf`; its length, `Ok(None)` at end of
    /// stream (a zero-length read, as libmctp's daemon takes it too). A
    /// datagram longer than `buf` is consumed and reported as
    /// `InvalidData` with its real size, so one oversized write cannot make
    /// the daemon allocate without bound. One `recv` per datagram:
    /// `MSG_TRUNC` reports a longer datagram's size (libmctp peeks first,
    /// a second system call).
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        loop {
            let mut guard = self.fd.readable().await?;
            match guard.try_io(|s| recv_trunc(s.get_ref(), buf)) {
                Ok(Ok(0)) => return Ok(None),
                Ok(Ok(n)) if n > buf.len() => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("datagram of {n} bytes exceeds the {}-byte limit", buf.len()),
                    ));
                }
                Ok(Ok(n)) => return Ok(Some(n)),
                Ok(Err(e)) => return Err(e),
                Err(_would_block) => continue,
            }
        }
    }

    /// Shut the connection down both ways (the peer reads end of stream).
    pub fn shutdown(&self) {
        let _ = self.fd.get_ref().shutdown(std::net::Shutdown::Both);
    }

    /// Send one datagram made of `parts`, waiting for room.
    /// The socket has no write interest registered (see `new`): a full
    /// socket is retried every millisecond, which only a slow peer sees.
    pub async fn send(&self, parts: &[&[u8]]) -> io::Result<()> {
        loop {
            match send_parts(self.fd.get_ref(), parts) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    tokio::time::sleep(std::time::Duration::from_millis(1)).await
                }
                r => return r.map(|_| ()),
            }
        }
    }

    /// Send one datagram if there is room now.
    pub fn try_send(&self, parts: &[&[u8]]) -> io::Result<()> {
        send_parts(self.fd.get_ref(), parts).map(|_| ())
    }
}

fn send_parts(s: &Socket, parts: &[&[u8]]) -> io::Result<usize> {
    let iov: Vec<IoSlice<'_>> = parts.iter().map(|p| IoSlice::new(p)).collect();
    s.send_vectored_with_flags(&iov, libc::MSG_NOSIGNAL)
}

/// `recv(MSG_TRUNC)`: the datagram's real length, even when longer than
/// `buf` (its excess is discarded by the kernel).
fn recv_trunc(s: &Socket, buf: &mut [u8]) -> io::Result<usize> {
    nix::sys::socket::recv(s.as_raw_fd(), buf, nix::sys::socket::MsgFlags::MSG_TRUNC)
        .map_err(io::Error::from)
}
