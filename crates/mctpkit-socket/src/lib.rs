//! MCTP sockets for applications: one addressing model — network, EID,
//! message type, tag and TO — over the mctpkit daemon's tag-aware dialect
//! ([`protocol`], `docs/daemon-protocol.md`), modelled on the habits of an
//! OS socket (and of pysctp for SCTP): `send_to` / `recv_from` with the
//! peer's address, plus MCTP's own extras: [`MctpSocket::request`] with a
//! timeout and retries on an owned tag, responses with the request's tag,
//! owned-tag allocation.
//!
//! ```no_run
//! use std::time::Duration;
//! use mctpkit_socket::{Addr, MctpSocket, SocketName};
//!
//! let mut s = MctpSocket::connect(&SocketName::tagged())?;
//! s.subscribe(&[0x01], false)?; // PLDM
//! // PLDM GetTID to EID 9 on network 1, 1 s per attempt, 2 retries.
//! let rsp = s.request(Addr::new(1, 9), &[0x01, 0x80, 0x00, 0x02], Duration::from_secs(1), 2)?;
//! assert_eq!(rsp[..4], [0x01, 0x00, 0x00, 0x02]);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Linux's kernel AF_MCTP is the other backend the issue asks for; it is
//! not implemented yet.

mod client;
mod name;
pub mod protocol;

pub use client::{Addr, MctpSocket, Received, Seen, Tag};
pub use name::SocketName;
pub use protocol::Status;
