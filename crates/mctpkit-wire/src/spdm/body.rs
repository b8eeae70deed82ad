//! The decoded body of an SPDM message, by RequestResponseCode.
//!
//! `data` handed to the parsers starts after Param2 (message byte 5);
//! offsets in errors and in `describe` are relative to it and shifted by
//! [`super::Message`].
//!
//! Decoding policy:
//! * codes whose information is all in Param1/Param2 → [`Body::Empty`]
//!   (extra bytes become the message's `trailing`, reported as a problem);
//! * a body whose layout needs sizes the [`Context`] does not have →
//!   [`Body::NeedsContext`] with the reason and the raw bytes;
//! * a body that is truncated or inconsistent → `Err`, kept by
//!   `Message::parse_with` as [`Body::Malformed`];
//! * codes without a typed decoder here (1.3 events, endpoint info,
//!   measurement extension log, key pair info; unknown codes) → [`Body::Raw`].

use core::fmt;

use crate::describe::{HexBytes, Value, Visitor};
use crate::error::{Error, Result};

use super::auth::{
    Certificate, Challenge, ChallengeAuth, Digests, GetCertificate, GetMeasurements, Measurements,
};
use super::codec::{Reader, Walk, Writer};
use super::context::Context;
use super::misc::{
    Chunk, ChunkGet, ChunkSendAck, Csr, ErrorResponse, GetCsr, SetCertificate, VendorDefined,
};
use super::negotiation::{Algorithms, Capabilities, NegotiateAlgorithms, VersionResponse};
use super::session::{
    Encapsulated, EncapsulatedResponseAck, Finish, KeyExchange, KeyExchangeRsp, PskExchange,
    PskExchangeRsp, VerifyData,
};
use super::{Header, RequestResponseCode as C};

/// The encode/describe side every typed body implements.
pub(crate) trait Part {
    fn emit(&self, h: &Header, w: &mut Writer<'_>) -> Result<()>;
    fn describe(&self, h: &Header, w: &mut Walk<'_, '_>);
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result;
}

/// Outcome of a typed parser: decoded, or a size the context lacks.
pub(crate) enum Parsed<T> {
    Ok(T),
    Needs(&'static str),
}

macro_rules! bodies {
    ($($var:ident($ty:ty)),* $(,)?) => {
        /// The decoded body of an SPDM message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        #[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
        #[non_exhaustive]
        pub enum Body<'a> {
            /// No body: everything is in Param1/Param2.
            Empty,
            $(
                #[doc = concat!("`", stringify!($var), "` body.")]
                $var($ty),
            )*
            /// A code without a typed decoder here; bytes shown raw.
            Raw(&'a [u8]),
            /// The layout needs a size the conversation context lacks.
            NeedsContext { reason: &'static str, raw: &'a [u8] },
            /// A body that failed to decode (offset from the type byte).
            Malformed { error: Error, raw: &'a [u8] },
        }

        impl<'a> Body<'a> {
            fn part(&self) -> Option<&dyn Part> {
                match self {
                    $(Body::$var(b) => Some(b),)*
                    _ => None,
                }
            }
        }
    };
}

bodies!(
    Version(VersionResponse<'a>),
    GetCapabilities(Capabilities<'a>),
    Capabilities(Capabilities<'a>),
    NegotiateAlgorithms(NegotiateAlgorithms<'a>),
    Algorithms(Algorithms<'a>),
    Digests(Digests<'a>),
    GetCertificate(GetCertificate),
    Certificate(Certificate<'a>),
    Challenge(Challenge<'a>),
    ChallengeAuth(ChallengeAuth<'a>),
    GetMeasurements(GetMeasurements<'a>),
    Measurements(Measurements<'a>),
    KeyExchange(KeyExchange<'a>),
    KeyExchangeRsp(KeyExchangeRsp<'a>),
    Finish(Finish<'a>),
    FinishRsp(VerifyData<'a>),
    PskExchange(PskExchange<'a>),
    PskExchangeRsp(PskExchangeRsp<'a>),
    PskFinish(VerifyData<'a>),
    Encapsulated(Encapsulated<'a>),
    EncapsulatedResponseAck(EncapsulatedResponseAck<'a>),
    Error(ErrorResponse<'a>),
    VendorDefined(VendorDefined<'a>),
    ChunkSend(Chunk<'a>),
    ChunkSendAck(ChunkSendAck<'a>),
    ChunkGet(ChunkGet),
    ChunkResponse(Chunk<'a>),
    GetCsr(GetCsr<'a>),
    Csr(Csr<'a>),
    SetCertificate(SetCertificate<'a>),
);

fn typed<'a, T>(
    data: &'a [u8],
    r: &Reader<'a>,
    p: Parsed<T>,
    wrap: fn(T) -> Body<'a>,
) -> (Body<'a>, usize) {
    match p {
        Parsed::Ok(t) => (wrap(t), r.pos()),
        Parsed::Needs(reason) => (Body::NeedsContext { reason, raw: data }, data.len()),
    }
}

impl<'a> Body<'a> {
    /// Decode the body of `h` from `data` (after Param2). Returns the body
    /// and the bytes it used; the rest are trailing bytes.
    pub fn parse(h: &Header, data: &'a [u8], ctx: &Context) -> Result<(Body<'a>, usize)> {
        let mut r = Reader::new(data);
        let r = &mut r;
        macro_rules! ok {
            ($var:ident, $e:expr) => {{
                let v = $e;
                (Body::$var(v), r.pos())
            }};
        }
        macro_rules! ctx {
            ($var:ident, $e:expr) => {{
                let v = $e;
                typed(data, r, v, Body::$var)
            }};
        }
        Ok(match h.code {
            C::GetVersion
            | C::GetDigests
            | C::Heartbeat
            | C::HeartbeatAck
            | C::KeyUpdate
            | C::KeyUpdateAck
            | C::EndSession
            | C::EndSessionAck
            | C::GetEncapsulatedRequest
            | C::PskFinishRsp
            | C::SetCertificateRsp
            | C::RespondIfReady => (Body::Empty, 0),
            C::Version => ok!(Version, VersionResponse::parse(r)?),
            C::GetCapabilities => ok!(GetCapabilities, Capabilities::parse(h, r)?),
            C::Capabilities => ok!(Capabilities, Capabilities::parse(h, r)?),
            C::NegotiateAlgorithms => ok!(NegotiateAlgorithms, NegotiateAlgorithms::parse(h, r)?),
            C::Algorithms => ok!(Algorithms, Algorithms::parse(h, r)?),
            C::Digests => ctx!(Digests, Digests::parse(h, r, ctx)?),
            C::GetCertificate => ok!(GetCertificate, GetCertificate::parse(r)?),
            C::Certificate => ok!(Certificate, Certificate::parse(r)?),
            C::Challenge => ok!(Challenge, Challenge::parse(h, r)?),
            C::ChallengeAuth => ctx!(ChallengeAuth, ChallengeAuth::parse(h, r, ctx)?),
            C::GetMeasurements => ok!(GetMeasurements, GetMeasurements::parse(h, r)?),
            C::Measurements => ok!(Measurements, Measurements::parse(h, r, ctx)?),
            C::KeyExchange => ctx!(KeyExchange, KeyExchange::parse(h, r, ctx)?),
            C::KeyExchangeRsp => ctx!(KeyExchangeRsp, KeyExchangeRsp::parse(h, r, ctx)?),
            C::Finish => ctx!(Finish, Finish::parse(h, r, ctx)?),
            C::FinishRsp => ok!(FinishRsp, VerifyData::parse(r, ctx)?),
            C::PskExchange => ok!(PskExchange, PskExchange::parse(r)?),
            C::PskExchangeRsp => ctx!(PskExchangeRsp, PskExchangeRsp::parse(h, r, ctx)?),
            C::PskFinish => ok!(PskFinish, VerifyData::parse(r, ctx)?),
            C::EncapsulatedRequest | C::DeliverEncapsulatedResponse => {
                ok!(Encapsulated, Encapsulated::parse(r))
            }
            C::EncapsulatedResponseAck => {
                ok!(
                    EncapsulatedResponseAck,
                    EncapsulatedResponseAck::parse(h, r)?
                )
            }
            C::Error => ok!(Error, ErrorResponse::parse(h, r)?),
            C::VendorDefinedRequest | C::VendorDefinedResponse => {
                ok!(VendorDefined, VendorDefined::parse(r)?)
            }
            C::ChunkSend => ok!(ChunkSend, Chunk::parse(r)?),
            C::ChunkResponse => ok!(ChunkResponse, Chunk::parse(r)?),
            C::ChunkSendAck => ok!(ChunkSendAck, ChunkSendAck::parse(r)?),
            C::ChunkGet => ok!(ChunkGet, ChunkGet::parse(r)?),
            C::GetCsr => ok!(GetCsr, GetCsr::parse(r)?),
            C::Csr => ok!(Csr, Csr::parse(r)?),
            C::SetCertificate => ok!(SetCertificate, SetCertificate::parse(r)),
            _ => (Body::Raw(data), data.len()),
        })
    }

    /// The decode error of a [`Body::Malformed`].
    pub fn error(&self) -> Option<Error> {
        match self {
            Body::Malformed { error, .. } => Some(*error),
            _ => None,
        }
    }

    /// Bytes `emit` writes.
    pub fn buffer_len(&self, h: &Header) -> usize {
        let mut w = Writer::counter();
        // A counting writer never fails.
        let _ = self.emit_to(h, &mut w);
        w.pos()
    }

    fn emit_to(&self, h: &Header, w: &mut Writer<'_>) -> Result<()> {
        match self {
            Body::Empty => Ok(()),
            Body::Raw(b) | Body::NeedsContext { raw: b, .. } | Body::Malformed { raw: b, .. } => {
                w.bytes(b)
            }
            b => match b.part() {
                Some(p) => p.emit(h, w),
                None => Ok(()),
            },
        }
    }

    /// Encode into `buf` (exactly `buffer_len` bytes or more).
    pub fn emit(&self, h: &Header, buf: &mut [u8]) -> Result<usize> {
        let mut w = Writer::new(buf);
        self.emit_to(h, &mut w)?;
        Ok(w.pos())
    }

    /// Summary part (leading space included when non-empty).
    pub fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            Body::Empty => super::misc::empty_summary(h, out),
            Body::Raw(b) => {
                write!(out, " ({} bytes)", b.len())?;
                if !b.is_empty() {
                    write!(out, " {}", HexBytes(&b[..b.len().min(16)]))?;
                    if b.len() > 16 {
                        out.write_str("...")?;
                    }
                }
                Ok(())
            }
            Body::NeedsContext { reason, raw } => {
                write!(out, " ({} bytes raw: {reason})", raw.len())
            }
            Body::Malformed { error, .. } => write!(out, " !! malformed: {}", error.kind.brief()),
            b => match b.part() {
                Some(p) => p.summary(h, out),
                None => Ok(()),
            },
        }
    }

    /// Field walk (offsets relative to the body start).
    pub fn describe(&self, h: &Header, v: &mut dyn Visitor) {
        let mut w = Walk::new(v);
        match self {
            Body::Empty => super::misc::empty_describe(h, &mut w),
            Body::Raw(b) => w.bytes("body", b),
            Body::NeedsContext { reason, raw } => {
                w.bytes("body", raw);
                w.derived("undecoded_reason", Value::Str(reason), None);
            }
            // The error is the layer's `error` (Message::describe).
            Body::Malformed { raw, .. } => w.bytes("body", raw),
            b => {
                if let Some(p) = b.part() {
                    p.describe(h, &mut w);
                }
            }
        }
    }
}
