//! `mctpkit daemon`: the host side of MCTP — one process owns the bus, runs
//! the sans-IO [`mctpkit_stack::Stack`] and hands whole messages to the
//! applications over a UNIX socket, a drop-in for libmctp's
//! `mctp-demux-daemon` (`sockets-and-daemons.md` §1).
//!
//! * [`daemon`]: the tokio event loop (all protocol work is the stack's; the
//!   daemon only does I/O and time) and [`DaemonConfig`];
//! * [`upstream`]: the upstream client protocol's rules, sans-IO, with the
//!   places where upstream and DSP0236 differ as a [`upstream::Policy`];
//! * [`tagged`]: mctpkit's tag-aware dialect (TO and tag visible, owned
//!   tags on request, several types and control requests per client);
//! * [`seqpacket`]: `SOCK_SEQPACKET` sockets for tokio, abstract names;
//! * [`serial`]: a tty or pty in raw mode for the DSP0253 binding.
//!
//! The wire format of the client socket is documented in
//! `docs/daemon-protocol.md`.

pub mod config;
pub mod daemon;
pub mod seqpacket;
pub mod serial;
pub mod tagged;
pub mod upstream;

pub use daemon::{run, run_blocking, BindingSpec, BusSpec, DaemonConfig, RouteSpec};
pub use seqpacket::SocketName;
