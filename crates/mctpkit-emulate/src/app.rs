//! What an endpoint does besides MCTP control: the [`Application`] trait.
//!
//! An application is sans-IO: the [`crate::Endpoint`] hands it each request
//! the stack delivered (a whole message, type byte first) with the time, and
//! sends back what it returns as the response (TO=0, the request's tag,
//! DSP0236 §8.11). It may also originate requests of its own (a PLDM
//! terminus's PlatformEventMessage): the endpoint asks for them whenever it
//! runs and at the time [`Application::poll_timeout`] names, sends them
//! with an owned tag, and hands their responses back. It never sees a byte
//! of framing, a clock or a socket, so it is unit-tested on byte arrays.

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
    /// §12.3, with that bus owner's EID), or is known for the first time
    /// (static, no bus owner). Default: nothing to do.
    fn eid_changed(&mut self, eid: u8, bus_owner: Option<u8>) {
        let _ = (eid, bus_owner);
    }

    /// A request to send now: destination EID and message. Default: none.
    fn poll_request(&mut self, now: Millis) -> Option<(u8, Vec<u8>)> {
        let _ = now;
        None
    }

    /// When [`Application::poll_request`] may next have something.
    fn poll_timeout(&self) -> Option<Millis> {
        None
    }

    /// The response to one of its requests. Default: ignored.
    fn handle_response(&mut self, now: Millis, msg: &[u8]) {
        let _ = (now, msg);
    }
}
