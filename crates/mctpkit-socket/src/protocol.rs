//! The tag-aware dialect's byte layout, shared by the daemon (server) and
//! [`crate::MctpSocket`] (client). Documented in `docs/daemon-protocol.md`.
//!
//! Every datagram starts with an operation byte:
//!
//! | op | direction | body |
//! |---|---|---|
//! | 0x01 SUBSCRIBE | client → daemon | flags (bit 0: control requests too), message types… |
//! | 0x02 SEND | client → daemon | net (u32 LE), peer EID, tag spec, message… |
//! | 0x03 ALLOC_TAG | client → daemon | net, peer EID |
//! | 0x04 DROP_TAG | client → daemon | net, peer EID, tag |
//! | 0x05 MONITOR | client → daemon | (nothing): receive every packet on the daemon's buses |
//! | 0x06 STATUS | client → daemon | (nothing); the reply is status 0 then a JSON document: buses, routes, endpoints set up, clients, counters |
//! | op \| 0x80 | daemon → client | the reply: status, net, peer EID, tag spec |
//! | 0x10 MESSAGE | daemon → client | net, peer EID (the source), tag spec, message… |
//! | 0x11 TAG_RELEASED | daemon → client | net, peer EID, tag, reason (1 expired, 2 bus removed) |
//! | 0x12 PACKET | daemon → client | direction (0 received, 1 sent), time (u64 LE, µs since 1970), bus, the bare MCTP packet… |
//!
//! The tag spec byte is TO in bit 3 and the tag in bits 2..0, as in the
//! MCTP header (DSP0236 §8.1); on SEND, bit 4 (ALLOC) asks the daemon to
//! allocate an owned tag for the message (TO=1; released by the response
//! or after the 6 s tag expiry) and bit 7 (REPORT) asks for a SEND reply
//! even on success, carrying the tag used. A SEND without REPORT is
//! answered only when it fails.

/// Operation bytes.
pub mod op {
    pub const SUBSCRIBE: u8 = 0x01;
    pub const SEND: u8 = 0x02;
    pub const ALLOC_TAG: u8 = 0x03;
    pub const DROP_TAG: u8 = 0x04;
    pub const MONITOR: u8 = 0x05;
    pub const STATUS: u8 = 0x06;
    /// A reply is the request's op with bit 7 set.
    pub const REPLY: u8 = 0x80;
    pub const MESSAGE: u8 = 0x10;
    pub const TAG_RELEASED: u8 = 0x11;
    pub const PACKET: u8 = 0x12;
}

/// Tag-spec bits.
pub mod tagspec {
    pub const TO: u8 = 0x08;
    pub const TAG_MASK: u8 = 0x07;
    pub const ALLOC: u8 = 0x10;
    pub const REPORT: u8 = 0x80;
}

/// Reply status codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
#[non_exhaustive]
pub enum Status {
    Ok = 0,
    BadRequest = 1,
    NoRoute = 2,
    TagsExhausted = 3,
    QueueFull = 4,
    TooLarge = 5,
    TagNotHeld = 6,
    InvalidEid = 7,
    Failed = 8,
}

impl Status {
    /// From the wire byte (unknown codes are `Failed`).
    pub fn from_u8(b: u8) -> Status {
        match b {
            0 => Status::Ok,
            1 => Status::BadRequest,
            2 => Status::NoRoute,
            3 => Status::TagsExhausted,
            4 => Status::QueueFull,
            5 => Status::TooLarge,
            6 => Status::TagNotHeld,
            7 => Status::InvalidEid,
            _ => Status::Failed,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::BadRequest => "malformed request",
            Status::NoRoute => "no route to the EID",
            Status::TagsExhausted => "no free owned tag for this peer",
            Status::QueueFull => "the bus's transmit queue is full",
            Status::TooLarge => "message too large",
            Status::TagNotHeld => "tag not held by this client",
            Status::InvalidEid => "invalid EID",
            Status::Failed => "failed",
        }
    }
}

impl core::fmt::Display for Status {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for Status {}

/// The tag spec of header fields.
pub const fn spec_of(to: bool, tag: u8) -> u8 {
    (if to { tagspec::TO } else { 0 }) | (tag & tagspec::TAG_MASK)
}
