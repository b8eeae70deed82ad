//! Where a daemon's seqpacket socket lives.

use std::io;
use std::path::PathBuf;

use socket2::SockAddr;

/// A UNIX seqpacket socket's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketName {
    /// Linux abstract namespace (per network namespace): `mctp-mux` is
    /// bound as `\0mctp-mux`, no trailing NUL (libmctp's daemon,
    /// `sockets-and-daemons.md` §1.2).
    Abstract(String),
    /// A filesystem path.
    Path(PathBuf),
}

impl SocketName {
    /// libmctp's name, `\0mctp-mux` (the upstream dialect).
    pub fn upstream() -> SocketName {
        SocketName::Abstract("mctp-mux".into())
    }

    /// mctpkit's usual name for the tag-aware dialect, `\0mctpkit`.
    pub fn tagged() -> SocketName {
        SocketName::Abstract("mctpkit".into())
    }

    /// Parse `@name` (abstract, systemd's spelling) or a path.
    pub fn parse(s: &str) -> SocketName {
        match s.strip_prefix('@') {
            Some(n) => SocketName::Abstract(n.into()),
            None => SocketName::Path(s.into()),
        }
    }

    /// The socket address.
    pub fn addr(&self) -> io::Result<SockAddr> {
        match self {
            SocketName::Abstract(n) => {
                let mut b = String::with_capacity(n.len() + 1);
                b.push('\0');
                b.push_str(n);
                SockAddr::unix(b)
            }
            SocketName::Path(p) => SockAddr::unix(p),
        }
    }
}
