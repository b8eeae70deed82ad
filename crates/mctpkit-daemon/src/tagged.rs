//! mctpkit's tag-aware client dialect (opt-in, its own socket, default
//! `\0mctpkit`): clients see and set TO and tag, answer requests with TO=0
//! and the request's tag, subscribe to several types and to control
//! requests, ask the daemon for owned tags, and every datagram names the
//! network and the peer. The byte layout is in `docs/daemon-protocol.md`;
//! this module is its codec and rules, sans-IO.
//!
//! Every datagram starts with an operation byte:
//!
//! | op | direction | body |
//! |---|---|---|
//! | 0x01 SUBSCRIBE | client → daemon | flags (bit 0: control requests too), message types… |
//! | 0x02 SEND | client → daemon | net (u32 LE), peer EID, tag spec, message… |
//! | 0x03 ALLOC_TAG | client → daemon | net, peer EID |
//! | 0x04 DROP_TAG | client → daemon | net, peer EID, tag |
//! | 0x81…0x84 | daemon → client | the reply: status, then net, peer EID, tag spec (SEND with REPORT, ALLOC_TAG) |
//! | 0x10 MESSAGE | daemon → client | net, peer EID (the source), tag spec, message… |
//! | 0x11 TAG_RELEASED | daemon → client | net, peer EID, tag, reason (1 expired, 2 bus removed) |
//!
//! The tag spec byte is `TO` in bit 3 and the tag in bits 2..0, as in the
//! MCTP header; on SEND, bit 4 (ALLOC) asks the daemon to allocate an owned
//! tag for this message (TO=1; released by the response or after 6 s) and
//! bit 7 (REPORT) asks for a SEND reply even on success, carrying the tag
//! used. A SEND without REPORT is answered only when it fails.

use mctpkit_stack::{Message, NetworkId, SendError, TagMode, TagRelease};

pub use mctpkit_socket::protocol::{op, spec_of, tagspec, Status};

/// A stack send error as a reply status.
pub fn status(e: SendError) -> Status {
    match e {
        SendError::NoRoute | SendError::UnknownBus => Status::NoRoute,
        SendError::TagsExhausted => Status::TagsExhausted,
        SendError::QueueFull => Status::QueueFull,
        SendError::TooLarge => Status::TooLarge,
        SendError::TagNotHeld => Status::TagNotHeld,
        SendError::InvalidEid => Status::InvalidEid,
        SendError::Empty => Status::BadRequest,
        _ => Status::Failed,
    }
}

/// A decoded client request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request<'a> {
    Subscribe {
        control: bool,
        types: &'a [u8],
    },
    Send {
        net: NetworkId,
        eid: u8,
        tag: TagMode,
        report: bool,
        msg: &'a [u8],
    },
    AllocTag {
        net: NetworkId,
        eid: u8,
    },
    /// Receive every packet on the daemon's buses.
    Monitor,
    /// The daemon's state as JSON.
    Status,
    DropTag {
        net: NetworkId,
        eid: u8,
        tag: u8,
    },
}

fn net_eid(b: &[u8]) -> Option<(NetworkId, u8, &[u8])> {
    let (n, rest) = b.split_first_chunk::<4>()?;
    let (&eid, rest) = rest.split_first()?;
    Some((u32::from_le_bytes(*n), eid, rest))
}

/// Decode a client datagram; `Err` is a reply to send back.
pub fn parse(d: &[u8]) -> Result<Request<'_>, Vec<u8>> {
    let bad = |o: u8| Err(vec![o | op::REPLY, Status::BadRequest as u8]);
    let Some((&o, body)) = d.split_first() else {
        return bad(0);
    };
    match o {
        op::SUBSCRIBE => match body.split_first() {
            Some((&flags, types)) => Ok(Request::Subscribe {
                control: flags & 1 != 0,
                types,
            }),
            None => bad(o),
        },
        op::SEND => {
            let Some((net, eid, rest)) = net_eid(body) else {
                return bad(o);
            };
            let Some((&spec, msg)) = rest.split_first() else {
                return bad(o);
            };
            if msg.is_empty() {
                return bad(o);
            }
            let tag = spec & tagspec::TAG_MASK;
            let tag = if spec & tagspec::ALLOC != 0 {
                TagMode::Owned
            } else if spec & tagspec::TO != 0 {
                // TO=1 with a tag the client holds (ALLOC_TAG).
                TagMode::Preallocated(tag)
            } else {
                TagMode::Response(tag)
            };
            Ok(Request::Send {
                net,
                eid,
                tag,
                report: spec & tagspec::REPORT != 0,
                msg,
            })
        }
        op::ALLOC_TAG => match net_eid(body) {
            Some((net, eid, [])) => Ok(Request::AllocTag { net, eid }),
            _ => bad(o),
        },
        op::MONITOR if body.is_empty() => Ok(Request::Monitor),
        op::STATUS if body.is_empty() => Ok(Request::Status),
        op::DROP_TAG => match net_eid(body) {
            Some((net, eid, [tag])) => Ok(Request::DropTag {
                net,
                eid,
                tag: *tag,
            }),
            _ => bad(o),
        },
        _ => bad(o),
    }
}

/// A reply `[op|0x80][status][net][eid][tagspec]`.
pub fn reply(o: u8, status: Status, net: NetworkId, eid: u8, spec: u8) -> Vec<u8> {
    let mut v = Vec::with_capacity(8);
    v.push(o | op::REPLY);
    v.push(status as u8);
    v.extend_from_slice(&net.to_le_bytes());
    v.push(eid);
    v.push(spec);
    v
}

/// A MESSAGE datagram for message `m`.
pub fn message(m: &Message) -> Vec<u8> {
    let mut v = Vec::with_capacity(7 + m.data.len());
    v.push(op::MESSAGE);
    v.extend_from_slice(&m.net.to_le_bytes());
    v.push(m.src);
    v.push(spec_of(m.tag_owner, m.tag));
    v.extend_from_slice(&m.data);
    v
}

/// A TAG_RELEASED datagram.
pub fn tag_released(net: NetworkId, peer: u8, tag: u8, reason: TagRelease) -> Vec<u8> {
    let mut v = vec![op::TAG_RELEASED];
    v.extend_from_slice(&net.to_le_bytes());
    v.push(peer);
    v.push(tag);
    v.push(match reason {
        TagRelease::Expired => 1,
        TagRelease::BusRemoved => 2,
        _ => 0,
    });
    v
}

/// What a tag-aware client subscribed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subscription {
    /// Message types (without the IC bit).
    pub types: Vec<u8>,
    /// Also control (type 0) requests.
    pub control: bool,
}

impl Subscription {
    /// Does this subscription take message `m`, which has no owner?
    pub fn takes(&self, m: &Message) -> bool {
        let Some(&b) = m.data.first() else {
            return false;
        };
        let t = b & 0x7F;
        if t == 0 {
            return self.control && m.tag_owner;
        }
        self.types.contains(&t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_tag_specs() {
        let d = [
            op::SEND,
            1,
            0,
            0,
            0,
            9,
            tagspec::ALLOC | tagspec::REPORT,
            0x7E,
            1,
        ];
        assert_eq!(
            parse(&d),
            Ok(Request::Send {
                net: 1,
                eid: 9,
                tag: TagMode::Owned,
                report: true,
                msg: &[0x7E, 1]
            })
        );
        let d = [op::SEND, 1, 0, 0, 0, 9, 0x05, 0x01, 0x00];
        assert!(matches!(
            parse(&d),
            Ok(Request::Send {
                tag: TagMode::Response(5),
                ..
            })
        ));
        let d = [op::SEND, 1, 0, 0, 0, 9, 0x0B, 0x01];
        assert!(matches!(
            parse(&d),
            Ok(Request::Send {
                tag: TagMode::Preallocated(3),
                ..
            })
        ));
    }

    #[test]
    fn malformed_requests_get_a_bad_request_reply() {
        for d in [
            &[][..],
            &[op::SEND, 1, 0][..],
            &[op::SEND, 1, 0, 0, 0, 9, 0][..],
            &[op::ALLOC_TAG, 1, 0, 0, 0][..],
            &[0x77][..],
        ] {
            let e = parse(d).unwrap_err();
            assert_eq!(e[1], Status::BadRequest as u8, "{d:?}");
        }
    }

    /// Arbitrary client datagrams never panic the decoders of either
    /// dialect (seeded, so a failure reproduces).
    #[test]
    fn arbitrary_datagrams_do_not_panic() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut demux = crate::upstream::Demux::new(crate::upstream::Policy::default());
        demux.connect(1);
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 24) as usize;
            let d: Vec<u8> = (0..len)
                .map(|i| (x >> (i % 8 * 8)) as u8 ^ i as u8)
                .collect();
            let _ = parse(&d);
            let _ = demux.datagram(1, 1, 8, &d);
        }
    }

    #[test]
    fn message_layout() {
        let m = Message {
            net: 2,
            src: 9,
            tag: 3,
            tag_owner: false,
            data: vec![0x7E, 0xAA],
            ..Message::default()
        };
        assert_eq!(message(&m), [0x10, 2, 0, 0, 0, 9, 0x03, 0x7E, 0xAA]);
    }
}
