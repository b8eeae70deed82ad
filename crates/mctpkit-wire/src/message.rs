//! A whole MCTP message: the type byte and a decoded body, by message type
//! (DSP0239 Table 1).
//!
//! This is the dispatch point for message families. Each family module
//! keeps one contract: `Message::parse(msg)` with `msg` starting at the type
//! byte (only a header error is an `Err`; a body error stays inside the value
//! so the header still shows), `problem()` (that body error, offset from the
//! type byte), `integrity()` (a message integrity check such as NVMe-MI's
//! MIC) and `Describe`. Types without a decoder become
//! [`Message::Undecoded`] with the raw body.

use core::fmt;

use crate::binding::Integrity;
use crate::describe::{Describe, Field, HexBytes, Value, Visitor};
use crate::error::{need, Error, Layer, Result};
use crate::mctp::{MessageType, TypeByte};
use crate::{control, cxl, ethernet, ncsi, nvme_mi, pldm, secured, spdm, vdm};

/// State from earlier messages of the same conversation that later
/// messages need to decode fully (e.g. SPDM sizes fixed by the negotiated
/// algorithms). The analyser keeps one per conversation; a lone decode uses
/// `Context::default()` and shows what it can't size as raw, with a reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Context {
    /// What SPDM negotiated so far.
    pub spdm: spdm::Context,
    /// What CXL requests told later responses (Get Log's log identifier).
    pub cxl: cxl::Context,
    /// For an NVMe-MI response: what its request said (opcode and dwords
    /// select the returned structure). Set per response by the caller that
    /// matched it to its request.
    pub nvme_mi: Option<nvme_mi::RequestContext>,
}

impl Context {
    /// Remember what later messages of this conversation need from `msg`
    /// (SPDM negotiation, CXL Get Log identifiers). Call after decoding
    /// every message of the conversation, in order.
    pub fn observe(&mut self, msg: &Message<'_>) {
        match msg {
            Message::Spdm(m) => self.spdm.observe(m),
            Message::Cxl(m) => self.cxl.observe(m),
            _ => {}
        }
    }

    /// `true` when decoding a message of type `t` with this context can
    /// differ from decoding it alone (so a decode without context may be
    /// reused otherwise).
    pub fn matters_for(&self, t: MessageType) -> bool {
        match t {
            MessageType::Spdm => self.spdm != spdm::Context::default(),
            MessageType::CxlFmApi | MessageType::CxlCci => self.cxl != cxl::Context::default(),
            MessageType::NvmeMi => self.nvme_mi.is_some(),
            _ => false,
        }
    }
}

/// Request/response pairing, the same for every family: a request and the
/// response that answers it give the same `key`.
///
/// The key holds the MCTP message type in bits 63..56 so keys of different
/// families never collide; the rest is the family's own key (PLDM: type,
/// command, instance ID; SPDM: version and request code; NVMe-MI: NMIMT,
/// command slot, control-primitive tag; CXL: tag and opcode; MCTP control:
/// command and instance ID; vendor-defined: vendor and decoder key; NC-SI:
/// channel, IID and command).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pairing {
    /// This message is the request.
    pub request: bool,
    /// Equal for a request and its response.
    pub key: u64,
    /// A response that answers whatever request is pending on its tag
    /// (an SPDM ERROR decoded without knowing its request).
    pub any_pending: bool,
}

impl Pairing {
    const fn new(t: MessageType, request: bool, key: u64) -> Pairing {
        Pairing {
            request,
            key: ((t.value() as u64) << 56) | (key & 0x00FF_FFFF_FFFF_FFFF),
            any_pending: false,
        }
    }
}

/// A decoded message (starting at its type byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Message<'a> {
    /// MCTP control (type 0x00).
    Control(control::Message<'a>),
    /// PLDM (type 0x01).
    Pldm(pldm::Message<'a>),
    /// NC-SI over MCTP (type 0x02).
    NcSi(ncsi::Message<'a>),
    /// Ethernet over MCTP (type 0x03).
    Ethernet(ethernet::Message<'a>),
    /// NVMe-MI (type 0x04).
    NvmeMi(nvme_mi::Message<'a>),
    /// SPDM (type 0x05).
    Spdm(spdm::Message<'a>),
    /// Secured message (type 0x06).
    Secured(secured::Message<'a>),
    /// CXL FM-API (type 0x07) or CCI (type 0x08).
    Cxl(cxl::Message<'a>),
    /// Vendor defined, PCI (0x7E) or IANA (0x7F).
    Vdm(vdm::Message<'a>),
    /// A type without a decoder in this version: type byte and raw body.
    Undecoded { type_byte: TypeByte, body: &'a [u8] },
}

impl<'a> Message<'a> {
    /// Decode a message that starts with its type byte.
    pub fn parse(msg: &'a [u8]) -> Result<Message<'a>> {
        Message::parse_with(msg, &Context::default())
    }

    /// Decode with conversation state from earlier messages.
    pub fn parse_with(msg: &'a [u8], ctx: &Context) -> Result<Message<'a>> {
        need(Layer::Message, msg, 1)?;
        let type_byte = TypeByte::from_byte(msg[0]);
        Ok(match type_byte.msg_type {
            // DSP0236: control messages never carry an integrity check.
            MessageType::Control if !type_byte.ic => {
                Message::Control(control::Message::parse(msg)?)
            }
            MessageType::Pldm => Message::Pldm(pldm::Message::parse(msg)?),
            MessageType::NcSi => Message::NcSi(ncsi::Message::parse(msg)?),
            MessageType::Ethernet => Message::Ethernet(ethernet::Message::parse(msg)?),
            MessageType::NvmeMi => Message::NvmeMi(nvme_mi::Message::parse_with(msg, ctx.nvme_mi)?),
            MessageType::Spdm => Message::Spdm(spdm::Message::parse_with(msg, &ctx.spdm)?),
            MessageType::SecuredMessage => Message::Secured(secured::Message::parse(msg)?),
            MessageType::CxlFmApi | MessageType::CxlCci => {
                Message::Cxl(cxl::Message::parse_with(msg, &ctx.cxl)?)
            }
            MessageType::VendorPci | MessageType::VendorIana => {
                Message::Vdm(vdm::Message::parse(msg)?)
            }
            _ => Message::Undecoded {
                type_byte,
                body: &msg[1..],
            },
        })
    }

    /// The same message told its MCTP tag-owner bit: vendor-defined
    /// messages take their direction from it (TO=1 is a request). Other
    /// families carry their direction in their own header.
    #[must_use]
    pub fn with_tag_owner(self, to: bool) -> Self {
        match self {
            Message::Vdm(m) => Message::Vdm(m.with_direction(vdm::Direction::from_tag_owner(to))),
            m => m,
        }
    }

    /// The MCTP message type.
    pub fn msg_type(&self) -> MessageType {
        match self {
            Message::Control(_) => MessageType::Control,
            Message::Pldm(_) => MessageType::Pldm,
            Message::NcSi(_) => MessageType::NcSi,
            Message::Ethernet(_) => MessageType::Ethernet,
            Message::NvmeMi(_) => MessageType::NvmeMi,
            Message::Spdm(_) => MessageType::Spdm,
            Message::Secured(_) => MessageType::SecuredMessage,
            Message::Cxl(m) => m.type_byte.msg_type,
            Message::Vdm(m) => MessageType::from_value(m.header.vendor.message_type()),
            Message::Undecoded { type_byte, .. } => type_byte.msg_type,
        }
    }

    /// Request/response pairing (see [`Pairing`]); `None` for messages that
    /// get no response (datagrams, events, Ethernet frames) or whose
    /// direction can't be told.
    pub fn pairing(&self) -> Option<Pairing> {
        let t = self.msg_type();
        match self {
            Message::Control(m) => {
                // DSP0236 §11.5: a response echoes the instance ID and
                // command code; datagrams (Rq=1, D=1) get no response.
                let h = &m.header;
                if h.rq && h.d {
                    return None;
                }
                let key = (u64::from(h.command.value()) << 8) | u64::from(h.instance_id);
                Some(Pairing::new(t, h.rq, key))
            }
            Message::Pldm(m) => m.pairing().map(|p| Pairing::new(t, p.request, p.key)),
            Message::NcSi(m) => m.pairing().map(|p| Pairing::new(t, p.request, p.key)),
            Message::Ethernet(m) => m.pairing().map(|p| Pairing::new(t, p.request, p.key)),
            Message::NvmeMi(m) => m.pairing().map(|p| Pairing::new(t, p.request, p.key)),
            Message::Spdm(m) => m.pairing().map(|p| Pairing {
                any_pending: p.any_pending,
                ..Pairing::new(t, p.request, p.key)
            }),
            Message::Cxl(m) => m.pairing().map(|p| Pairing::new(t, p.request, p.key)),
            Message::Vdm(m) => m.pairing().map(|p| Pairing::new(t, p.request, p.key)),
            Message::Secured(_) | Message::Undecoded { .. } => None,
        }
    }

    /// The layer object for summaries, field lists and JSON.
    pub fn as_describe(&self) -> &dyn Describe {
        match self {
            Message::Control(m) => m,
            Message::Pldm(m) => m,
            Message::NcSi(m) => m,
            Message::Ethernet(m) => m,
            Message::NvmeMi(m) => m,
            Message::Spdm(m) => m,
            Message::Secured(m) => m,
            Message::Cxl(m) => m,
            Message::Vdm(m) => m,
            Message::Undecoded { .. } => self,
        }
    }

    /// A body that did not decode fully, offset from the type byte.
    pub fn problem(&self) -> Option<Error> {
        match self {
            Message::Control(m) => m.problem(),
            Message::Pldm(m) => m.problem(),
            Message::NcSi(m) => m.problem(),
            Message::Ethernet(m) => m.problem(),
            Message::NvmeMi(m) => m.problem(),
            Message::Spdm(m) => m.problem(),
            Message::Secured(m) => m.problem(),
            Message::Cxl(m) => m.problem(),
            Message::Vdm(m) => m.problem(),
            // DSP0236 §8.3 / mctp-core.md §6: IC must be 0 in a control
            // message; such a message is left undecoded, and said why.
            Message::Undecoded { type_byte, .. }
                if type_byte.ic && type_byte.msg_type == MessageType::Control =>
            {
                Some(Error::invalid(
                    Layer::Message,
                    0,
                    "ic",
                    1,
                    "0 (control messages carry no integrity check)",
                ))
            }
            Message::Undecoded { .. } => None,
        }
    }

    /// The message-level integrity check and its verdict, if the type has one.
    pub fn integrity(&self) -> Option<Integrity> {
        match self {
            Message::Pldm(m) => m.integrity(),
            Message::NcSi(m) => m.integrity(),
            Message::Ethernet(m) => m.integrity(),
            Message::NvmeMi(m) => m.integrity(),
            Message::Spdm(m) => m.integrity(),
            Message::Secured(m) => m.integrity(),
            Message::Cxl(m) => m.integrity(),
            Message::Vdm(m) => m.integrity(),
            Message::Control(_) | Message::Undecoded { .. } => None,
        }
    }
}

impl Describe for Message<'_> {
    fn layer(&self) -> Layer {
        match self {
            Message::Undecoded { .. } => Layer::Undecoded,
            m => m.as_describe().layer(),
        }
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            Message::Undecoded { type_byte, body } => {
                match type_byte.msg_type.name() {
                    Some(n) => write!(w, "{n}")?,
                    None => write!(w, "type {:#04x}", type_byte.msg_type.value())?,
                }
                write!(w, " ({} bytes, not decoded)", body.len())?;
                if !body.is_empty() {
                    let shown = &body[..body.len().min(16)];
                    write!(w, " {}", HexBytes(shown))?;
                    if body.len() > shown.len() {
                        w.write_str("...")?;
                    }
                }
                Ok(())
            }
            m => m.as_describe().summary(w),
        }
    }

    fn describe(&self, v: &mut dyn Visitor) {
        match self {
            Message::Undecoded { type_byte, body } => {
                v.field(
                    &Field::bits("msg_type", 0, 6, 0, Value::hex8(type_byte.msg_type.value()))
                        .meaning(type_byte.msg_type.name()),
                );
                v.field(&Field::new("body", 1, body.len(), Value::Bytes(body)));
                crate::describe::error(v, self.problem());
            }
            m => m.as_describe().describe(v),
        }
    }
}

/// Whether a message (type byte first) is a request, per its family: the
/// Rq bit for MCTP control and PLDM (bit 7 of byte 1, DSP0236 §12.2,
/// DSP0240), the decoder's pairing for the others (SPDM request codes have
/// bit 7 set, NVMe-MI its ROR bit, CXL its category, NC-SI its response
/// bit, vendor messages through their registered decoder). `None` when the
/// message carries no direction (unknown types, undecodable bodies); the
/// one place the CLI and the stack's callers ask.
pub fn is_request(msg: &[u8]) -> Option<bool> {
    if let [t, b, ..] = msg {
        if t & 0x7F <= 0x01 {
            return Some(b & 0x80 != 0);
        }
    }
    match Message::parse(msg) {
        Ok(Message::NvmeMi(m)) => m.pairing().map(|p| p.request),
        Ok(Message::Spdm(m)) => m.pairing().map(|p| p.request),
        Ok(Message::Cxl(m)) => m.pairing().map(|p| p.request),
        Ok(Message::Vdm(m)) => m.pairing().map(|p| p.request),
        Ok(Message::NcSi(m)) => m.pairing().map(|p| p.request),
        Ok(Message::Ethernet(m)) => m.pairing().map(|p| p.request),
        _ => None,
    }
}

#[cfg(test)]
mod ic_tests {
    use super::*;

    #[test]
    fn control_with_ic_is_a_problem() {
        let m = Message::parse(&[0x80, 0x80, 0x02]).unwrap();
        assert!(matches!(m, Message::Undecoded { .. }));
        let e = m.problem().expect("IC=1 on a control message is reported");
        assert_eq!((e.layer, e.offset), (Layer::Message, 0));
        // IC=0 decodes normally; an undecoded type with IC=1 is fine.
        assert!(Message::parse(&[0x00, 0x80, 0x02])
            .unwrap()
            .problem()
            .is_none());
        assert!(Message::parse(&[0xC0, 0x01]).unwrap().problem().is_none());
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;

    fn pairing(bytes: &[u8]) -> Option<Pairing> {
        Message::parse(bytes).unwrap().pairing()
    }

    #[test]
    fn control_pairs_by_command_and_instance_id() {
        // Get Endpoint ID (0x02) request iid 5 and its response (DSP0236 §12.4).
        let q = pairing(&[0x00, 0x85, 0x02]).unwrap();
        let r = pairing(&[0x00, 0x05, 0x02, 0x00, 0x09, 0x00, 0x00]).unwrap();
        assert!(q.request && !r.request);
        assert_eq!(q.key, r.key);
        assert_eq!(q.key >> 56, 0); // MCTP type 0 in the top byte
                                    // Another instance ID or command: another key.
        assert_ne!(pairing(&[0x00, 0x86, 0x02]).unwrap().key, q.key);
        assert_ne!(pairing(&[0x00, 0x85, 0x03]).unwrap().key, q.key);
        // Datagrams (Rq=1, D=1) expect no response.
        assert_eq!(pairing(&[0x00, 0xC5, 0x02]), None);
    }

    #[test]
    fn families_never_share_a_key() {
        // PLDM GetTID (type 0, command 2) iid 5 has the same low bits as the
        // control request above, but a different type byte.
        let pldm = pairing(&[0x01, 0x85, 0x00, 0x02]).unwrap();
        let ctrl = pairing(&[0x00, 0x85, 0x02]).unwrap();
        assert_ne!(pldm.key, ctrl.key);
        assert_eq!(pldm.key >> 56, 1);
        // SPDM GET_VERSION / VERSION.
        let q = pairing(&[0x05, 0x10, 0x84, 0x00, 0x00]).unwrap();
        let r = pairing(&[0x05, 0x10, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x10]).unwrap();
        assert_eq!((q.request, r.request, q.key == r.key), (true, false, true));
        assert_eq!(q.key >> 56, 5);
        // An SPDM ERROR decoded alone answers whatever is pending.
        assert!(
            pairing(&[0x05, 0x10, 0x7F, 0x01, 0x00])
                .unwrap()
                .any_pending
        );
        // Undecoded types and Ethernet frames have no pairing.
        assert_eq!(
            pairing(&[0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00]),
            None
        );
        assert_eq!(pairing(&[0x40, 1, 2]), None);
    }

    #[test]
    fn tag_owner_sets_vdm_direction() {
        let m = Message::parse(&[0x7E, 0x80, 0x86, 0x01]).unwrap();
        let Message::Vdm(v) = m.with_tag_owner(true) else {
            panic!("not a VDM")
        };
        assert_eq!(v.direction, vdm::Direction::Request);
        let Message::Vdm(v) = m.with_tag_owner(false) else {
            panic!("not a VDM")
        };
        assert_eq!(v.direction, vdm::Direction::Response);
        // Other families are unchanged.
        let c = Message::parse(&[0x00, 0x85, 0x02]).unwrap();
        assert_eq!(c.with_tag_owner(false), c);
    }

    #[test]
    fn context_observes_and_tells_when_it_matters() {
        let mut ctx = Context::default();
        assert!(!ctx.matters_for(MessageType::Spdm));
        // GET_CAPABILITIES v1.2 (handshake_1_2.hex) fixes the version and
        // becomes the pending request.
        let q = [
            0x05, 0x12, 0xE1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC6, 0xE2, 0x02, 0x00, 0x00,
            0x10, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
        ];
        ctx.observe(&Message::parse(&q).unwrap());
        assert!(ctx.matters_for(MessageType::Spdm));
        assert!(!ctx.matters_for(MessageType::Pldm));
        assert!(!ctx.matters_for(MessageType::NvmeMi));
    }
}
