//! `SOCK_SEQPACKET` UNIX sockets for tokio: the demux protocol's transport.
//!
//! tokio has no seqpacket type, so these wrap a non-blocking `socket2`
//! socket in `AsyncFd`. Names follow libmctp's daemon: an **abstract** name
//! (`\0mctp-mux`, no trailing NUL, `sockets-and-daemons.md` §1.2) or a
//! filesystem path.

use std::io::{self, IoSlice};
use std::mem::MaybeUninit;
use std::path::PathBuf;

use socket2::{Domain, SockAddr, Socket, Type};
use tokio::io::unix::AsyncFd;

/// Where a seqpacket socket lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketName {
    /// Linux abstract namespace (per network namespace): `mctp-mux` is
    /// bound as `\0mctp-mux`.
    Abstract(String),
    /// A filesystem path.
    Path(PathBuf),
}

impl SocketName {
    /// libmctp's name, `\0mctp-mux`.
    pub fn upstream() -> SocketName {
        SocketName::Abstract("mctp-mux".into())
    }

    /// Parse `@name` (abstract, systemd's spelling) or a path.
    pub fn parse(s: &str) -> SocketName {
        match s.strip_prefix('@') {
            Some(n) => SocketName::Abstract(n.into()),
            None => SocketName::Path(s.into()),
        }
    }

    fn addr(&self) -> io::Result<SockAddr> {
        match self {
            SocketName::Abstract(n) => {
                let mut b = Vec::with_capacity(n.len() + 1);
                b.push(0);
                b.extend_from_slice(n.as_bytes());
                // An abstract name: the leading NUL, no terminator.
                SockAddr::unix(std::ffi::OsStr::new(
                    std::str::from_utf8(&b).map_err(|_| io::ErrorKind::InvalidInput)?,
                ))
            }
            SocketName::Path(p) => SockAddr::unix(p),
        }
    }
}

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
            // SAFETY: the socket owns its descriptor, which nothing else
            // replaces or closes while the `AsyncFd` holds it.
            fd: unsafe { AsyncFd::register(s)? },
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
        let _ = c.fd.writable().await?;
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

    /// Receive one datagram into `buf` (resized to it). `Ok(false)` at end
    /// of stream (a zero-length read, as libmctp's daemon takes it too). A
    /// datagram longer than `max` is consumed and reported as
    /// `InvalidData`, so one oversized write cannot make the daemon
    /// allocate without bound.
    pub async fn recv(&self, buf: &mut Vec<u8>, max: usize) -> io::Result<bool> {
        loop {
            let mut guard = self.fd.readable().await?;
            let r = guard.try_io(|s| {
                let s = s.get_ref();
                // Peek the real size (MSG_TRUNC reports it on SEQPACKET),
                // as libmctp's daemon does, then read it in one call.
                let mut probe = [MaybeUninit::<u8>::uninit(); 1];
                let n = s.recv_with_flags(&mut probe, libc::MSG_PEEK | libc::MSG_TRUNC)?;
                if n == 0 {
                    return Ok(0);
                }
                buf.clear();
                buf.resize(n.min(max.max(1)), 0);
                recv_into(s, buf)?;
                Ok(n)
            });
            match r {
                Ok(Ok(0)) => return Ok(false),
                Ok(Ok(n)) if n > buf.len() => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("datagram of {n} bytes exceeds the {max}-byte limit"),
                    ))
                }
                Ok(Ok(_)) => return Ok(true),
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
    pub async fn send(&self, parts: &[&[u8]]) -> io::Result<()> {
        loop {
            let mut guard = self.fd.writable().await?;
            match guard.try_io(|s| send_parts(s.get_ref(), parts)) {
                Ok(r) => return r.map(|_| ()),
                Err(_would_block) => continue,
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

fn recv_into(s: &Socket, buf: &mut [u8]) -> io::Result<usize> {
    // socket2 takes `MaybeUninit` buffers; an initialised one is a valid
    // one (this is `std::io::Read` for sockets).
    use std::io::Read;
    let mut r: &Socket = s;
    r.read(buf)
}
