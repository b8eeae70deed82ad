//! The upstream client protocol of libmctp's `mctp-demux-daemon`
//! (`sockets-and-daemons.md` §1.2), as sans-IO rules: what a client's
//! datagram means, and which clients a message from the bus goes to.
//!
//! The protocol, byte for byte as libpldm's mctp-demux transport and
//! pldmtool speak it:
//!
//! * `SOCK_SEQPACKET` on `\0mctp-mux`; the client's **first byte is the
//!   message type** it subscribes to (one per connection; type 0 closes it);
//! * then every client datagram is `[destination EID][message…]`, the
//!   message starting at its type byte; to the daemon's own EID it is looped
//!   back to every client of the type, as if it came from the bus;
//! * every daemon datagram is `[source EID][message…]`, to every client
//!   whose type matches; messages shorter than 2 bytes are not forwarded.
//!
//! Where upstream is wrong for DSP0236 the behaviour is a [`Policy`]:
//!
//! | upstream | default here | compatibility switch |
//! |---|---|---|
//! | every client message leaves TO=1 **tag 0**, responses included | a request gets an **owned tag** whose owner is the client; a response (the family's request bit clear) leaves **TO=0 with the tag** of the last request of that type from that EID | [`TagPolicy::Upstream`] |
//! | a response goes to every client of the type | a TO=0 response answering a client's request goes **only to that client** | [`ResponseRouting::Fanout`] |
//! | the type byte is compared with its IC bit | the same (libpldm does not mask either) | [`Policy::mask_ic`] masks it |
//! | Get Message Type Support reports only 0x00 | the types clients subscribed to are registered with the control responder | — |

use std::collections::HashMap;

use mctpkit_stack::{Message, NetworkId, Owner, TagMode};

/// A client connection's identifier (also its [`Owner`] cookie).
pub type ClientId = u64;

/// How client messages are tagged on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TagPolicy {
    /// Requests with owned tags, responses TO=0 with the request's tag.
    #[default]
    Tracked,
    /// libmctp: every message TO=1, tag 0.
    Upstream,
}

/// Who receives a response from the bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseRouting {
    /// A response to a client's request reaches only that client.
    #[default]
    Owner,
    /// libmctp: every client of the type.
    Fanout,
}

/// Where the upstream behaviour and DSP0236 differ (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Policy {
    pub tags: TagPolicy,
    pub responses: ResponseRouting,
    /// Compare subscriptions without the IC bit.
    pub mask_ic: bool,
}

/// What a client datagram asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action<'a> {
    /// The first byte: subscribe to this message type.
    Subscribe(u8),
    /// Deliver `[eid][msg]` to the local clients of the type (loopback).
    Loopback { eid: u8, msg: &'a [u8] },
    /// Send `msg` to `dst` with this tag selection.
    Send {
        dst: u8,
        msg: &'a [u8],
        tag: TagMode,
        owner: Owner,
    },
    /// Close the connection (a protocol violation).
    Close(&'static str),
    /// Drop the datagram and keep the connection.
    Ignore(&'static str),
}

#[derive(Debug, Default)]
struct Client {
    msg_type: Option<u8>,
}

/// The upstream dialect's client table and rules.
#[derive(Debug, Default)]
pub struct Demux {
    policy: Policy,
    clients: HashMap<ClientId, Client>,
    /// (network, peer EID, type) → tag of the last request delivered and
    /// not yet answered, for tagging a client's response.
    pending: HashMap<(NetworkId, u8, u8), u8>,
}

impl Demux {
    pub fn new(policy: Policy) -> Demux {
        Demux {
            policy,
            ..Demux::default()
        }
    }

    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// A client connected.
    pub fn connect(&mut self, id: ClientId) {
        self.clients.insert(id, Client::default());
    }

    /// A client went away; returns its type if it was the last one of it
    /// (to withdraw from Get Message Type Support).
    pub fn disconnect(&mut self, id: ClientId) -> Option<u8> {
        let t = self.clients.remove(&id)?.msg_type?;
        let still = self.clients.values().any(|c| c.msg_type == Some(t));
        (!still).then_some(t)
    }

    /// Does any client subscribe to type `t` (IC bit ignored)?
    pub fn has_type(&self, t: u8) -> bool {
        self.clients
            .values()
            .any(|c| c.msg_type.is_some_and(|x| x & 0x7F == t & 0x7F))
    }

    /// Clients connected.
    pub fn len(&self) -> usize {
        self.clients.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }

    /// The type a client subscribed to.
    pub fn subscription(&self, id: ClientId) -> Option<u8> {
        self.clients.get(&id)?.msg_type
    }

    /// Interpret a datagram from client `id`, whose local EID is `local`.
    pub fn datagram<'a>(
        &mut self,
        id: ClientId,
        net: NetworkId,
        local: u8,
        data: &'a [u8],
    ) -> Action<'a> {
        let Some(c) = self.clients.get_mut(&id) else {
            return Action::Close("unknown client");
        };
        let Some(t) = c.msg_type else {
            return match data {
                // libmctp closes a client that subscribes to control.
                [0, ..] => Action::Close("type 0 (control) cannot be subscribed to"),
                [t] => {
                    c.msg_type = Some(*t);
                    Action::Subscribe(*t)
                }
                [] => Action::Close("empty subscription"),
                // libpldm sends the type byte alone; anything longer is a
                // client that skipped it.
                _ => Action::Close("the first datagram must be the message type alone"),
            };
        };
        let _ = t;
        let [dst, msg @ ..] = data else {
            return Action::Ignore("empty datagram");
        };
        if msg.is_empty() {
            return Action::Ignore("no message after the EID");
        }
        if *dst == local {
            return Action::Loopback { eid: local, msg };
        }
        let owner = Owner(id);
        let tag = match self.policy.tags {
            TagPolicy::Upstream => TagMode::Unowned(0),
            TagPolicy::Tracked => {
                let key = (net, *dst, msg[0] & 0x7F);
                match mctpkit_wire::message::is_request(msg) {
                    Some(true) => TagMode::Owned,
                    // A response: the tag of the request it answers.
                    Some(false) => match self.pending.remove(&key) {
                        Some(tag) => TagMode::Response(tag),
                        // A response to nothing we delivered: send it as
                        // libmctp would rather than drop it.
                        None => TagMode::Unowned(0),
                    },
                    // No direction in the message itself (vendor-defined
                    // without a decoder, unknown types): an answer if a
                    // request of this type from that EID awaits one, else a
                    // request.
                    None => match self.pending.remove(&key) {
                        Some(tag) => TagMode::Response(tag),
                        None => TagMode::Owned,
                    },
                }
            }
        };
        Action::Send {
            dst: *dst,
            msg,
            tag,
            owner,
        }
    }

    /// Does subscription `sub` take a message whose type byte is `b`?
    fn matches(&self, sub: u8, b: u8) -> bool {
        if self.policy.mask_ic {
            sub & 0x7F == b & 0x7F
        } else {
            sub == b
        }
    }

    /// The clients a message from the bus (or a loopback) goes to, and
    /// note requests so that a client's response can carry their tag.
    pub fn recipients(&mut self, m: &Message, out: &mut Vec<ClientId>) {
        out.clear();
        let Some(&b) = m.data.first() else {
            return;
        };
        // Upstream never forwards messages shorter than 2 bytes.
        if m.data.len() < 2 {
            return;
        }
        if m.tag_owner {
            self.pending.insert((m.net, m.src, b & 0x7F), m.tag);
        }
        if let (Some(o), ResponseRouting::Owner) = (m.owner, self.policy.responses) {
            if let Some(c) = self.clients.get(&o.0) {
                if c.msg_type.is_some_and(|t| self.matches(t, b)) {
                    out.push(o.0);
                    return;
                }
            }
        }
        for (&id, c) in &self.clients {
            if c.msg_type.is_some_and(|t| self.matches(t, b)) {
                out.push(id);
            }
        }
        out.sort_unstable();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mctpkit_stack::BusId;
    use mctpkit_stack::PhysAddr;

    fn msg(src: u8, to: bool, tag: u8, owner: Option<u64>, data: &[u8]) -> Message {
        Message {
            net: 1,
            bus: BusId(0),
            phys: PhysAddr::NONE,
            src,
            dst: 8,
            tag,
            tag_owner: to,
            owner: owner.map(Owner),
            data: data.to_vec(),
        }
    }

    #[test]
    fn first_byte_subscribes_and_type_zero_closes() {
        let mut d = Demux::new(Policy::default());
        d.connect(1);
        d.connect(2);
        d.connect(3);
        assert_eq!(d.datagram(1, 1, 8, &[0x01]), Action::Subscribe(1));
        assert_eq!(d.subscription(1), Some(1));
        assert!(matches!(d.datagram(2, 1, 8, &[0x00]), Action::Close(_)));
        assert!(matches!(d.datagram(3, 1, 8, &[9, 1, 2]), Action::Close(_)));
    }

    #[test]
    fn loopback_requests_and_responses() {
        let mut d = Demux::new(Policy::default());
        d.connect(1);
        d.datagram(1, 1, 8, &[0x01]);
        // To the local EID: loopback.
        assert_eq!(
            d.datagram(1, 1, 8, &[8, 0x01, 0x80, 0x00, 0x02]),
            Action::Loopback {
                eid: 8,
                msg: &[0x01, 0x80, 0x00, 0x02]
            }
        );
        // A PLDM request (Rq=1) gets an owned tag for this client.
        assert_eq!(
            d.datagram(1, 1, 8, &[9, 0x01, 0x80, 0x00, 0x02]),
            Action::Send {
                dst: 9,
                msg: &[0x01, 0x80, 0x00, 0x02],
                tag: TagMode::Owned,
                owner: Owner(1)
            }
        );
        // A request from EID 9 with tag 5 is delivered; the client's
        // response goes out TO=0 with tag 5.
        let mut to = Vec::new();
        d.recipients(&msg(9, true, 5, None, &[0x01, 0x81, 0x02, 0x11]), &mut to);
        assert_eq!(to, [1]);
        assert_eq!(
            d.datagram(1, 1, 8, &[9, 0x01, 0x01, 0x02, 0x11, 0x00]),
            Action::Send {
                dst: 9,
                msg: &[0x01, 0x01, 0x02, 0x11, 0x00],
                tag: TagMode::Response(5),
                owner: Owner(1)
            }
        );
    }

    #[test]
    fn a_message_without_direction_answers_a_waiting_request() {
        let mut d = Demux::new(Policy::default());
        d.connect(1);
        d.datagram(1, 1, 8, &[0x7F]);
        let echo = [9, 0x7F, 0x00, 0x00, 0x01, 0x9C, 0x55];
        // Nothing waiting: it is a request.
        assert!(matches!(
            d.datagram(1, 1, 8, &echo),
            Action::Send {
                tag: TagMode::Owned,
                ..
            }
        ));
        // A vendor request from EID 9 (tag 6) is waiting: the answer takes
        // its tag, once.
        let mut to = Vec::new();
        d.recipients(&msg(9, true, 6, None, &echo[1..]), &mut to);
        assert!(matches!(
            d.datagram(1, 1, 8, &echo),
            Action::Send {
                tag: TagMode::Response(6),
                ..
            }
        ));
        assert!(matches!(
            d.datagram(1, 1, 8, &echo),
            Action::Send {
                tag: TagMode::Owned,
                ..
            }
        ));
    }

    #[test]
    fn responses_reach_their_owner_unless_fanout() {
        for (policy, want) in [
            (Policy::default(), vec![2]),
            (
                Policy {
                    responses: ResponseRouting::Fanout,
                    ..Policy::default()
                },
                vec![1, 2, 3],
            ),
        ] {
            let mut d = Demux::new(policy);
            for id in 1..=3 {
                d.connect(id);
                d.datagram(id, 1, 8, &[0x01]);
            }
            let mut to = Vec::new();
            d.recipients(
                &msg(9, false, 0, Some(2), &[0x01, 0x00, 0x00, 0x02, 0x00]),
                &mut to,
            );
            assert_eq!(to, want);
        }
    }

    #[test]
    fn ic_bit_is_compared_unless_masked() {
        let mut d = Demux::new(Policy::default());
        d.connect(1);
        d.datagram(1, 1, 8, &[0x04]);
        let mut to = Vec::new();
        d.recipients(&msg(9, true, 0, None, &[0x84, 0, 0, 0]), &mut to);
        assert!(to.is_empty(), "upstream compares the IC bit");
        let mut d = Demux::new(Policy {
            mask_ic: true,
            ..Policy::default()
        });
        d.connect(1);
        d.datagram(1, 1, 8, &[0x04]);
        d.recipients(&msg(9, true, 0, None, &[0x84, 0, 0, 0]), &mut to);
        assert_eq!(to, [1]);
    }

    #[test]
    fn upstream_tags_and_short_messages() {
        let mut d = Demux::new(Policy {
            tags: TagPolicy::Upstream,
            ..Policy::default()
        });
        d.connect(1);
        d.datagram(1, 1, 8, &[0x7F]);
        assert!(matches!(
            d.datagram(1, 1, 8, &[9, 0x7F, 1]),
            Action::Send {
                tag: TagMode::Unowned(0),
                ..
            }
        ));
        assert!(matches!(d.datagram(1, 1, 8, &[9]), Action::Ignore(_)));
        let mut to = Vec::new();
        d.recipients(&msg(9, true, 0, None, &[0x7F]), &mut to);
        assert!(to.is_empty(), "type-only messages are not forwarded");
        assert_eq!(d.disconnect(1), Some(0x7F));
    }
}
