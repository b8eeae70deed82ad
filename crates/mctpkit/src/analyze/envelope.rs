//! The envelope of a reassembled message, in MCTP terms.
//!
//! A reassembled message has no single transport header; its envelope is
//! what all its packets share (DSP0236 §8.8: source, destination, TO and tag
//! are the same in every packet of a message) plus how it was carried
//! (packet count, length, first and last capture index). It is shown as the
//! `mctp` layer of a message: `MCTP 09<-08 TO tag=3 [3 pkts, 151 B]`.

use core::fmt;

use mctpkit_wire::describe::fast;
use mctpkit_wire::describe::{Describe, Field, Value, Visitor};
use mctpkit_wire::mctp::{MessageType, TypeByte};
use mctpkit_wire::Layer;

use crate::capture::Timestamp;

/// What the packets of one message share, and how they carried it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope {
    pub dst: u8,
    pub src: u8,
    /// Tag owner: set on requests (the sender owns the tag).
    pub to: bool,
    pub tag: u8,
    /// The message-type byte (IC + type), `None` when the message is empty.
    pub type_byte: Option<TypeByte>,
    /// Number of packets.
    pub packets: u32,
    /// Message length in bytes, type byte included.
    pub len: usize,
    /// Capture index of the SOM packet.
    pub first_index: usize,
    /// Capture index of the EOM packet.
    pub last_index: usize,
    /// Timestamp of the SOM packet.
    pub first_ts: Option<Timestamp>,
    /// Timestamp of the EOM packet.
    pub last_ts: Option<Timestamp>,
}

impl Envelope {
    /// The message type, if the message has a type byte.
    pub fn msg_type(&self) -> Option<MessageType> {
        self.type_byte.map(|t| t.msg_type)
    }
}

impl Describe for Envelope {
    fn layer(&self) -> Layer {
        Layer::Mctp
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        // Hand-rolled rather than one write! with padding: this runs once per
        // message on the hot path of `mctpkit analyze`.
        w.write_str("MCTP ")?;
        fast::hex2_upper(w, self.dst)?;
        w.write_str("<-")?;
        fast::hex2_upper(w, self.src)?;
        w.write_str(if self.to { " TO tag=" } else { " tag=" })?;
        fast::dec(w, u64::from(self.tag & 7))?;
        w.write_str(" [")?;
        fast::dec(w, u64::from(self.packets))?;
        w.write_str(if self.packets == 1 {
            " pkt, "
        } else {
            " pkts, "
        })?;
        fast::dec(w, self.len as u64)?;
        w.write_str(" B]")
    }

    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::derived("dst", Value::hex8(self.dst)));
        v.field(&Field::derived("src", Value::hex8(self.src)));
        v.field(&Field::derived("to", Value::Bool(self.to)));
        v.field(&Field::derived("tag", Value::Uint(self.tag.into())));
        match self.type_byte {
            Some(t) => {
                v.field(&Field::derived("ic", Value::Bool(t.ic)));
                v.field(
                    &Field::derived("msg_type", Value::hex8(t.msg_type.value()))
                        .meaning(t.msg_type.name()),
                );
            }
            None => {
                v.field(&Field::derived("ic", Value::Null));
                v.field(&Field::derived("msg_type", Value::Null));
            }
        }
        v.field(&Field::derived("packets", Value::Uint(self.packets.into())));
        v.field(&Field::derived("len", Value::Uint(self.len as u64)));
        v.field(&Field::derived(
            "first_index",
            Value::Uint(self.first_index as u64),
        ));
        v.field(&Field::derived(
            "last_index",
            Value::Uint(self.last_index as u64),
        ));
    }
}
