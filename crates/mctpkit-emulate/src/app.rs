//! What an endpoint does besides MCTP control: the [`Application`] trait.
//!
//! An application is sans-IO: the [`crate::Endpoint`] hands it each request
//! the stack delivered (a whole message, type byte first) with the time, and
//! sends back what it returns as the response (TO=0, the request's tag,
//! DSP0236 §8.11). It never sees a byte of framing, a clock or a socket, so
//! it is unit-tested on byte arrays.

use mctpkit_stack::Millis;

/// The per-kind behaviour of an emulated endpoint.
pub trait Application: Send {
    /// MCTP message types it answers (IC bit clear), registered with the
    /// stack so Get Message Type Support reports them (DSP0236 §12.12).
    fn message_types(&self) -> &[u8];

    /// Answer one request (`msg` starts at the MCTP message-type byte, IC
    /// bit included). `None`: no response (not a request of this
    /// application, a datagram, or a message the protocol says to drop).
    fn handle(&mut self, now: Millis, msg: &[u8]) -> Option<Vec<u8>>;

    /// The endpoint's EID changed (a bus owner's Set Endpoint ID, DSP0236
    /// §12.3), or is known for the first time. Default: nothing to do.
    fn eid_changed(&mut self, eid: u8) {
        let _ = eid;
    }
}
