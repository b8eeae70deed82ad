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
            MessageType::NvmeMi => Message::NvmeMi(nvme_mi::Message::parse(msg)?),
            MessageType::Spdm => Message::Spdm(spdm::Message::parse_with(msg, &ctx.spdm)?),
            MessageType::SecuredMessage => Message::Secured(secured::Message::parse(msg)?),
            MessageType::CxlFmApi | MessageType::CxlCci => Message::Cxl(cxl::Message::parse(msg)?),
            MessageType::VendorPci | MessageType::VendorIana => {
                Message::Vdm(vdm::Message::parse(msg)?)
            }
            _ => Message::Undecoded {
                type_byte,
                body: &msg[1..],
            },
        })
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
            }
            m => m.as_describe().describe(v),
        }
    }
}

#[cfg(test)]
mod tests {
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
