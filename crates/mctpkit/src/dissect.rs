//! Bytes → layers: binding frame → MCTP packet → message.
//!
//! [`dissect`] never panics and never allocates: it records how far it got
//! and the error that stopped it. Rendering (summary line, field tree, JSON)
//! lives in [`crate::render`].

use mctpkit_wire::binding::{BindingKind, Frame, Integrity};
use mctpkit_wire::mctp;
use mctpkit_wire::message::Message;
use mctpkit_wire::{Describe, Error, Layer};

/// One decoded packet.
#[derive(Debug, Clone, Copy)]
pub struct Dissection<'a> {
    /// The input bytes.
    pub data: &'a [u8],
    /// Binding frame, when the input is framed.
    pub frame: Option<Frame<'a>>,
    /// Offset of the MCTP packet in `data` and its header.
    pub mctp: Option<(usize, mctp::Header)>,
    /// Offset of the message (its type byte) in `data` and the decoded message;
    /// only for single-packet (SOM+EOM) messages. Multi-packet messages are
    /// decoded by the analyser after reassembly.
    pub message: Option<(usize, Message<'a>)>,
    /// The error that stopped decoding, with an absolute offset.
    pub error: Option<Error>,
}

/// Something wrong with a packet that did not stop its decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// An integrity check (PEC, FCS) failed.
    BadIntegrity(Integrity),
    /// The MCTP header version is not 1.
    UnsupportedVersion(u8),
    /// Decoding stopped, or a body did not decode.
    Decode(Error),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::BadIntegrity(i) => write!(
                f,
                "{}: bad {}: found {:#x}, computed {:#x}",
                i.layer, i.name, i.found, i.computed
            ),
            Problem::UnsupportedVersion(v) => write!(f, "mctp: header version {v}, expected 1"),
            Problem::Decode(e) => write!(f, "{e}"),
        }
    }
}

impl<'a> Dissection<'a> {
    /// The decoded layers in order, with the absolute offset where each starts.
    pub fn layers(&self) -> impl Iterator<Item = (usize, &dyn Describe)> + '_ {
        let frame = self.frame.as_ref().map(|f| (0, f as &dyn Describe));
        let mctp = self.mctp.as_ref().map(|(o, h)| (*o, h as &dyn Describe));
        let msg = self.message.as_ref().map(|(o, m)| (*o, m.as_describe()));
        frame.into_iter().chain(mctp).chain(msg)
    }

    /// Integrity failures, an unsupported version and decode errors, in layer order.
    pub fn problems(&self) -> impl Iterator<Item = Problem> + '_ {
        let integrity = self
            .frame
            .and_then(|f| f.integrity())
            .filter(|i| !i.ok())
            .map(Problem::BadIntegrity);
        let version = self
            .mctp
            .filter(|(_, h)| h.repr.version != mctp::HEADER_VERSION)
            .map(|(_, h)| Problem::UnsupportedVersion(h.repr.version));
        let body = self.message.and_then(|(o, m)| match m {
            Message::Control(c) => c.problem().map(|e| Problem::Decode(e.shift(o))),
            _ => None,
        });
        integrity
            .into_iter()
            .chain(version)
            .chain(body)
            .chain(self.error.map(Problem::Decode))
    }

    /// The MCTP packet bytes (header + payload), if found.
    pub fn mctp_bytes(&self) -> Option<&'a [u8]> {
        self.mctp.map(|(o, _)| &self.data[o..self.mctp_end()])
    }

    fn mctp_end(&self) -> usize {
        match self.frame {
            Some(f) => {
                let (o, p) = f.mctp_packet();
                o + p.len()
            }
            None => self.data.len(),
        }
    }
}

/// Decode one packet framed by `binding`.
pub fn dissect(binding: BindingKind, data: &[u8]) -> Dissection<'_> {
    let mut d = Dissection {
        data,
        frame: None,
        mctp: None,
        message: None,
        error: None,
    };
    let (base, packet) = match Frame::parse(binding, data) {
        Ok(Some(frame)) => {
            d.frame = Some(frame);
            frame.mctp_packet()
        }
        Ok(None) => (0, data),
        Err(e) => {
            d.error = Some(e);
            return d;
        }
    };
    dissect_packet_into(&mut d, base, packet);
    d
}

/// Decode an MCTP packet (header first) found at `base` in `d.data`.
fn dissect_packet_into<'a>(d: &mut Dissection<'a>, base: usize, packet: &'a [u8]) {
    let header = match mctp::Header::parse(packet) {
        Ok(h) => h,
        Err(e) => {
            d.error = Some(e.shift(base));
            return;
        }
    };
    d.mctp = Some((base, header));
    // Like Linux and Wireshark, do not interpret a packet of an unknown version.
    if header.repr.version != mctp::HEADER_VERSION {
        return;
    }
    if header.repr.som && header.repr.eom {
        let msg = &packet[mctp::HEADER_LEN..];
        if msg.is_empty() {
            d.error = Some(Error::truncated(Layer::Message, 1, 0).shift(base + mctp::HEADER_LEN));
            return;
        }
        match Message::parse(msg) {
            Ok(m) => d.message = Some((base + mctp::HEADER_LEN, m)),
            Err(e) => d.error = Some(e.shift(base + mctp::HEADER_LEN)),
        }
    }
}

/// Decode a whole (reassembled) message starting at its type byte.
pub fn dissect_message(msg: &[u8]) -> Result<Message<'_>, Error> {
    Message::parse(msg)
}
