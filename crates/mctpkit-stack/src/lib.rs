//! A sans-IO MCTP stack (DSP0236): fragmentation, reassembly, message tags,
//! routing and bridging, the control-protocol responder, control requests
//! with retries and a bus-owner role.
//!
//! The stack does **no I/O, reads no clock and keeps no global state**
//! (the shape of `quinn-proto` / `rustls`). The caller
//!
//! * feeds received packets or frames with the current time:
//!   [`Stack::receive`] (a bare MCTP packet plus the physical source address)
//!   or [`Stack::receive_frame`] (binding framing, integrity checked);
//! * submits messages with [`Stack::send`] / [`Stack::respond`], each
//!   request tagged with an [`Owner`] cookie that comes back on its
//!   response ([`Message::owner`]);
//! * polls each bus's own transmit queue with [`Stack::poll_transmit_on`]
//!   (or [`Stack::poll_transmit`] for the oldest packet of any bus; see
//!   [`transmit`]),
//!   [`Stack::poll_deliver`] (reassembled messages for the application),
//!   [`Stack::poll_event`] (tag expiry, EID changes, bus-owner results) and
//!   [`Stack::poll_timeout`] (the next deadline; call
//!   [`Stack::handle_timeout`] when it passes).
//!
//! Time is a `u64` count of milliseconds from any origin the caller likes.
//! Buses come and go at run time ([`Stack::add_bus`], [`Stack::remove_bus`]);
//! the bus-owner and bridge roles are in [`bus_owner`].
//!
//! # The poll loop
//!
//! Two stacks on one in-memory SMBus segment: a request from one owner,
//! the answer delivered with that owner.
//!
//! ```
//! use mctpkit_stack::*;
//!
//! let mut bmc = Stack::new(Config::default());
//! let smbus = bmc.add_bus(BusConfig::new(BindingKind::Smbus, PhysAddr::byte(0x10)).eid(8));
//! bmc.add_route(Route::endpoint(1, 9, smbus, PhysAddr::byte(0x20))).unwrap();
//! let mut dev = Stack::new(Config::default());
//! dev.add_bus(BusConfig::new(BindingKind::Smbus, PhysAddr::byte(0x20)).eid(9));
//!
//! // A client of a daemon (owner 7) sends a vendor-defined request.
//! let client = Owner(7);
//! bmc.send(0, SendOptions::request(1, 9).owned_by(client), &[0x7E, 0x01]).unwrap();
//!
//! // The daemon's writer for the bus: frames out, PEC computed.
//! let mut frame = [0u8; 300];
//! while let Some(Ok(t)) = bmc.poll_transmit_frame_on(smbus, &mut frame) {
//!     dev.receive_frame(1, BusId(0), &frame[..t.len]).unwrap();
//! }
//! // The device answers (TO=0, the request's tag, back the way it came).
//! let req = dev.poll_deliver().unwrap();
//! dev.respond(2, &req, &[0x7E, 0x81]).unwrap();
//! while let Some(Ok(t)) = dev.poll_transmit_frame(&mut frame) {
//!     bmc.receive_frame(3, smbus, &frame[..t.len]).unwrap();
//! }
//! // The response reaches the one owner of its tag.
//! let rsp = bmc.poll_deliver().unwrap();
//! assert_eq!((rsp.owner, &rsp.data[..]), (Some(client), &[0x7E, 0x81][..]));
//! // Timers: call handle_timeout when poll_timeout's deadline passes.
//! if let Some(at) = bmc.poll_timeout() {
//!     bmc.handle_timeout(at);
//! }
//! ```
//!
//! # Sizes
//!
//! A bus's **transmission unit is the payload size per packet** (the
//! baseline, BTU, is 64), not the Linux/libmctp MTU that includes the 4-byte
//! header (68). See `mctp-core.md` §3.
//!
//! # Memory
//!
//! `no_std` + `alloc`. All tables are bounded by [`Config`]; reassembly and
//! packet buffers come from pools and are recycled, so in steady state no
//! heap allocation happens per packet (and none per message when the
//! application hands delivered buffers back with [`Stack::recycle`]).
//!
//! # Behaviour choices
//!
//! Where libmctp, Linux and mctp-estack differ (`mctp-core.md` §5.4) the
//! choice is documented on [`Config`] and in the module docs of
//! [`reassembly`], [`tags`] and [`route`].
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod bus;
pub mod bus_owner;
pub mod control;
pub mod reassembly;
mod receive;
pub mod requester;
mod ring;
pub mod route;
pub mod sim;
mod stack;
pub mod tags;
pub mod transmit;
mod types;

pub use bus::BusConfig;
pub use bus_owner::{BusOwnerConfig, EndpointInfo, Setup, SetupState};
pub use requester::{RequestHandle, RequestOutcome};
pub use route::{NextHop, Route, RouteError};
pub use stack::Stack;
pub use transmit::Transmit;
pub use types::*;

pub use mctpkit_wire::binding::BindingKind;
