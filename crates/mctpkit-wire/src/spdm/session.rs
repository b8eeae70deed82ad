//! Session establishment and session messages (DSP0274 §10.12–10.19, 1.1+).
//!
//! ```text
//! KEY_EXCHANGE      ReqSessionID(2) SessionPolicy(1, 1.2+) Reserved(1) RandomData(32)
//!                   ExchangeData(D) OpaqueDataLength(2) OpaqueData
//! KEY_EXCHANGE_RSP  RspSessionID(2) MutAuthRequested(1) ReqSlotIDParam(1) RandomData(32)
//!                   ExchangeData(D) MeasurementSummaryHash(H or 0) OpaqueDataLength(2)
//!                   OpaqueData Signature(S) ResponderVerifyData(H, absent when the
//!                   handshake is in the clear)
//! FINISH            [Signature(S_req) when Param1 bit 0] RequesterVerifyData(H)
//! FINISH_RSP        [ResponderVerifyData(H) when the handshake is in the clear]
//! PSK_EXCHANGE      ReqSessionID(2) PSKHintLength(2) RequesterContextLength(2)
//!                   OpaqueDataLength(2) PSKHint RequesterContext OpaqueData
//! PSK_EXCHANGE_RSP  RspSessionID(2) Reserved(2) ResponderContextLength(2)
//!                   OpaqueDataLength(2) MeasurementSummaryHash(H or 0)
//!                   ResponderContext OpaqueData ResponderVerifyData(H)
//! PSK_FINISH        RequesterVerifyData(H)
//! ENCAPSULATED_REQUEST / DELIVER_ENCAPSULATED_RESPONSE   an SPDM message
//! ENCAPSULATED_RESPONSE_ACK  1.2+: AckRequestID(1) Reserved(3); then an SPDM request
//! HEARTBEAT(_ACK), KEY_UPDATE(_ACK), END_SESSION(_ACK): no body
//! ```
//!
//! D comes from the negotiated DHE group, H from BaseHashSel, S from
//! BaseAsymSel, S_req from ReqBaseAsymAlg. Where a trailing field is "all
//! that is left" (VerifyData after a signature) the split uses the length;
//! known sizes are still checked.

use core::fmt;

use crate::describe::Value;
use crate::error::Result;

use super::body::{Parsed, Part};
use super::codec::{mismatch, Reader, Walk, Writer};
use super::context::Context;
use super::{Header, RequestResponseCode as C, Version, NONCE_LEN};

macro_rules! need {
    ($e:expr) => {
        match $e {
            Ok(s) => s,
            Err(reason) => return Ok(Parsed::Needs(reason)),
        }
    };
}

/// KEY_EXCHANGE request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct KeyExchange<'a> {
    pub req_session_id: u16,
    /// SessionPolicy (1.2+; reserved in 1.1).
    pub session_policy: u8,
    pub random_data: &'a [u8],
    pub exchange_data: &'a [u8],
    pub opaque_data: &'a [u8],
}

impl<'a> KeyExchange<'a> {
    pub(crate) fn parse(_: &Header, r: &mut Reader<'a>, ctx: &Context) -> Result<Parsed<Self>> {
        let d = need!(ctx.dhe_size());
        let req_session_id = r.u16()?;
        let session_policy = r.u8()?;
        r.u8()?;
        let random_data = r.bytes(NONCE_LEN)?;
        let exchange_data = r.bytes(d)?;
        let ol = r.u16()? as usize;
        Ok(Parsed::Ok(KeyExchange {
            req_session_id,
            session_policy,
            random_data,
            exchange_data,
            opaque_data: r.bytes(ol)?,
        }))
    }
}

impl Part for KeyExchange<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.req_session_id)?;
        w.u8(self.session_policy)?;
        w.u8(0)?;
        w.bytes(self.random_data)?;
        w.bytes(self.exchange_data)?;
        w.u16(self.opaque_data.len() as u16)?;
        w.bytes(self.opaque_data)
    }
    fn describe(&self, h: &Header, w: &mut Walk<'_, '_>) {
        w.hex("req_session_id", 2, self.req_session_id.into());
        if h.version >= Version::V12 {
            w.hex("session_policy", 1, self.session_policy.into());
        } else {
            w.reserved(1);
        }
        w.reserved(1);
        w.bytes("random_data", self.random_data);
        w.bytes("exchange_data", self.exchange_data);
        w.uint("opaque_data_length", 2, self.opaque_data.len() as u64);
        w.bytes("opaque_data", self.opaque_data);
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            out,
            " req_session_id={:#06x} slot={} summary_hash_type={:#04x}",
            self.req_session_id, h.param2, h.param1
        )
    }
}

/// KEY_EXCHANGE_RSP response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct KeyExchangeRsp<'a> {
    pub rsp_session_id: u16,
    pub mut_auth_requested: u8,
    pub req_slot_id_param: u8,
    pub random_data: &'a [u8],
    pub exchange_data: &'a [u8],
    /// Empty when KEY_EXCHANGE asked for no summary hash.
    pub measurement_summary_hash: &'a [u8],
    pub opaque_data: &'a [u8],
    pub signature: &'a [u8],
    /// Empty when the handshake is in the clear.
    pub responder_verify_data: &'a [u8],
}

impl<'a> KeyExchangeRsp<'a> {
    pub(crate) fn parse(_: &Header, r: &mut Reader<'a>, ctx: &Context) -> Result<Parsed<Self>> {
        let d = need!(ctx.dhe_size());
        let hs = need!(ctx.hash_size());
        let s = need!(ctx.signature_size());
        let msh = match ctx.pending_for(C::KeyExchange) {
            Some(p) => p.param1 != 0,
            None => {
                return Ok(Parsed::Needs(
                    "measurement summary hash presence unknown: KEY_EXCHANGE not seen",
                ))
            }
        };
        let rsp_session_id = r.u16()?;
        let mut_auth_requested = r.u8()?;
        let req_slot_id_param = r.u8()?;
        let random_data = r.bytes(NONCE_LEN)?;
        let exchange_data = r.bytes(d)?;
        let measurement_summary_hash = r.bytes(if msh { hs } else { 0 })?;
        let ol = r.u16()? as usize;
        let opaque_data = r.bytes(ol)?;
        let signature = r.bytes(s)?;
        // ResponderVerifyData is absent when both sides set
        // HANDSHAKE_IN_THE_CLEAR_CAP; without CAPABILITIES, the length says.
        let verify = match ctx.handshake_in_the_clear() {
            Some(true) => 0,
            Some(false) => hs,
            None if r.remaining() >= hs => hs,
            None => 0,
        };
        let responder_verify_data = r.bytes(verify)?;
        Ok(Parsed::Ok(KeyExchangeRsp {
            rsp_session_id,
            mut_auth_requested,
            req_slot_id_param,
            random_data,
            exchange_data,
            measurement_summary_hash,
            opaque_data,
            signature,
            responder_verify_data,
        }))
    }
}

fn mut_auth_name(v: u8) -> Option<&'static str> {
    match v {
        0 => Some("not requested"),
        1 => Some("MUT_AUTH_REQUESTED"),
        2 | 3 => Some("MUT_AUTH_REQUESTED_WITH_ENCAP_REQUEST"),
        4 | 5 => Some("MUT_AUTH_REQUESTED_WITH_GET_DIGESTS"),
        _ => None,
    }
}

impl Part for KeyExchangeRsp<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.rsp_session_id)?;
        w.u8(self.mut_auth_requested)?;
        w.u8(self.req_slot_id_param)?;
        w.bytes(self.random_data)?;
        w.bytes(self.exchange_data)?;
        w.bytes(self.measurement_summary_hash)?;
        w.u16(self.opaque_data.len() as u16)?;
        w.bytes(self.opaque_data)?;
        w.bytes(self.signature)?;
        w.bytes(self.responder_verify_data)
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        w.hex("rsp_session_id", 2, self.rsp_session_id.into());
        w.named(
            "mut_auth_requested",
            1,
            Value::hex8(self.mut_auth_requested),
            mut_auth_name(self.mut_auth_requested),
        );
        w.hex("req_slot_id_param", 1, self.req_slot_id_param.into());
        w.bytes("random_data", self.random_data);
        w.bytes("exchange_data", self.exchange_data);
        if !self.measurement_summary_hash.is_empty() {
            w.bytes("measurement_summary_hash", self.measurement_summary_hash);
        }
        w.uint("opaque_data_length", 2, self.opaque_data.len() as u64);
        w.bytes("opaque_data", self.opaque_data);
        w.bytes("signature", self.signature);
        if !self.responder_verify_data.is_empty() {
            w.bytes("responder_verify_data", self.responder_verify_data);
        }
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            out,
            " rsp_session_id={:#06x} heartbeat={} mut_auth={:#04x}",
            self.rsp_session_id, h.param1, self.mut_auth_requested
        )
    }
}

/// FINISH request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Finish<'a> {
    /// Present when Param1 bit 0 (SignatureIncluded).
    pub signature: &'a [u8],
    pub requester_verify_data: &'a [u8],
}

impl<'a> Finish<'a> {
    pub(crate) fn parse(h: &Header, r: &mut Reader<'a>, ctx: &Context) -> Result<Parsed<Self>> {
        let hs = need!(ctx.hash_size());
        let signature = if h.param1 & 1 != 0 {
            let at = r.pos();
            let s = r.bytes(r.remaining().saturating_sub(hs))?;
            if let Ok(want) = ctx.req_signature_size() {
                if s.len() != want {
                    return Err(mismatch(at, "signature", want, s.len()));
                }
            }
            s
        } else {
            &[]
        };
        Ok(Parsed::Ok(Finish {
            signature,
            requester_verify_data: r.bytes(hs)?,
        }))
    }
}

impl Part for Finish<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.bytes(self.signature)?;
        w.bytes(self.requester_verify_data)
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        if !self.signature.is_empty() {
            w.bytes("signature", self.signature);
        }
        w.bytes("requester_verify_data", self.requester_verify_data);
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        if h.param1 & 1 != 0 {
            write!(out, " signed req_slot={}", h.param2)?;
        }
        Ok(())
    }
}

/// A body that is only VerifyData (FINISH_RSP, PSK_FINISH): all bytes,
/// checked against H when known (FINISH_RSP carries none unless the
/// handshake is in the clear).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VerifyData<'a> {
    pub verify_data: &'a [u8],
}

impl<'a> VerifyData<'a> {
    pub(crate) fn parse(r: &mut Reader<'a>, ctx: &Context) -> Result<Self> {
        let v = r.rest();
        if let Ok(hs) = ctx.hash_size() {
            if !v.is_empty() && v.len() != hs {
                return Err(mismatch(0, "verify_data", hs, v.len()));
            }
        }
        Ok(VerifyData { verify_data: v })
    }
}

impl Part for VerifyData<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.bytes(self.verify_data)
    }
    fn describe(&self, h: &Header, w: &mut Walk<'_, '_>) {
        if !self.verify_data.is_empty() {
            let name = if h.is_request() {
                "requester_verify_data"
            } else {
                "responder_verify_data"
            };
            w.bytes(name, self.verify_data);
        }
    }
    fn summary(&self, _: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        if !self.verify_data.is_empty() {
            write!(out, " verify_data={} bytes", self.verify_data.len())?;
        }
        Ok(())
    }
}

/// PSK_EXCHANGE request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PskExchange<'a> {
    pub req_session_id: u16,
    pub psk_hint: &'a [u8],
    pub requester_context: &'a [u8],
    pub opaque_data: &'a [u8],
}

impl<'a> PskExchange<'a> {
    pub(crate) fn parse(r: &mut Reader<'a>) -> Result<Self> {
        let req_session_id = r.u16()?;
        let p = r.u16()? as usize;
        let c = r.u16()? as usize;
        let o = r.u16()? as usize;
        Ok(PskExchange {
            req_session_id,
            psk_hint: r.bytes(p)?,
            requester_context: r.bytes(c)?,
            opaque_data: r.bytes(o)?,
        })
    }
}

impl Part for PskExchange<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.req_session_id)?;
        w.u16(self.psk_hint.len() as u16)?;
        w.u16(self.requester_context.len() as u16)?;
        w.u16(self.opaque_data.len() as u16)?;
        w.bytes(self.psk_hint)?;
        w.bytes(self.requester_context)?;
        w.bytes(self.opaque_data)
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        w.hex("req_session_id", 2, self.req_session_id.into());
        w.uint("psk_hint_length", 2, self.psk_hint.len() as u64);
        w.uint(
            "requester_context_length",
            2,
            self.requester_context.len() as u64,
        );
        w.uint("opaque_data_length", 2, self.opaque_data.len() as u64);
        w.bytes("psk_hint", self.psk_hint);
        w.bytes("requester_context", self.requester_context);
        w.bytes("opaque_data", self.opaque_data);
    }
    fn summary(&self, _: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(out, " req_session_id={:#06x}", self.req_session_id)
    }
}

/// PSK_EXCHANGE_RSP response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PskExchangeRsp<'a> {
    pub rsp_session_id: u16,
    pub measurement_summary_hash: &'a [u8],
    pub responder_context: &'a [u8],
    pub opaque_data: &'a [u8],
    pub responder_verify_data: &'a [u8],
}

impl<'a> PskExchangeRsp<'a> {
    pub(crate) fn parse(_: &Header, r: &mut Reader<'a>, ctx: &Context) -> Result<Parsed<Self>> {
        let hs = need!(ctx.hash_size());
        let rsp_session_id = r.u16()?;
        r.u16()?;
        let c = r.u16()? as usize;
        let o = r.u16()? as usize;
        // MeasurementSummaryHash is H or 0 bytes: from PSK_EXCHANGE Param1
        // when seen, else from the length (the fields after it are sized).
        let msh = match ctx.pending_for(C::PskExchange) {
            Some(p) => p.param1 != 0,
            None => r.remaining() == 2 * hs + c + o,
        };
        Ok(Parsed::Ok(PskExchangeRsp {
            rsp_session_id,
            measurement_summary_hash: r.bytes(if msh { hs } else { 0 })?,
            responder_context: r.bytes(c)?,
            opaque_data: r.bytes(o)?,
            responder_verify_data: r.bytes(hs)?,
        }))
    }
}

impl Part for PskExchangeRsp<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.rsp_session_id)?;
        w.u16(0)?;
        w.u16(self.responder_context.len() as u16)?;
        w.u16(self.opaque_data.len() as u16)?;
        w.bytes(self.measurement_summary_hash)?;
        w.bytes(self.responder_context)?;
        w.bytes(self.opaque_data)?;
        w.bytes(self.responder_verify_data)
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        w.hex("rsp_session_id", 2, self.rsp_session_id.into());
        w.reserved(2);
        w.uint(
            "responder_context_length",
            2,
            self.responder_context.len() as u64,
        );
        w.uint("opaque_data_length", 2, self.opaque_data.len() as u64);
        if !self.measurement_summary_hash.is_empty() {
            w.bytes("measurement_summary_hash", self.measurement_summary_hash);
        }
        w.bytes("responder_context", self.responder_context);
        w.bytes("opaque_data", self.opaque_data);
        w.bytes("responder_verify_data", self.responder_verify_data);
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            out,
            " rsp_session_id={:#06x} heartbeat={}",
            self.rsp_session_id, h.param1
        )
    }
}

/// ENCAPSULATED_REQUEST / DELIVER_ENCAPSULATED_RESPONSE: an embedded SPDM
/// message (starting at its SPDMVersion byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Encapsulated<'a> {
    pub message: &'a [u8],
}

impl<'a> Encapsulated<'a> {
    pub(crate) fn parse(r: &mut Reader<'a>) -> Self {
        Encapsulated { message: r.rest() }
    }
}

fn describe_embedded(w: &mut Walk<'_, '_>, name: &'static str, m: &[u8]) {
    if let [v, c, p1, p2, ..] = *m {
        let code = C::from_value(c);
        w.begin(name, crate::describe::Group::Object, m.len());
        let ver = Version(v);
        w.field("spdm_version", 1, Value::Display(&ver));
        w.named("request_response_code", 1, Value::hex8(c), code.name());
        w.hex("param1", 1, p1.into());
        w.hex("param2", 1, p2.into());
        w.bytes("body", &m[4..]);
        w.end();
    } else {
        w.bytes(name, m);
    }
}

fn summary_embedded(out: &mut dyn fmt::Write, m: &[u8]) -> fmt::Result {
    if let [_, c, ..] = *m {
        match C::from_value(c).name() {
            Some(n) => write!(out, " [{n}]"),
            None => write!(out, " [code {c:#04x}]"),
        }
    } else {
        Ok(())
    }
}

impl Part for Encapsulated<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.bytes(self.message)
    }
    fn describe(&self, h: &Header, w: &mut Walk<'_, '_>) {
        let name = if h.code == C::EncapsulatedRequest {
            "encapsulated_request"
        } else {
            "encapsulated_response"
        };
        describe_embedded(w, name, self.message);
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(out, " request_id={}", h.param1)?;
        summary_embedded(out, self.message)
    }
}

/// ENCAPSULATED_RESPONSE_ACK body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EncapsulatedResponseAck<'a> {
    /// AckRequestID (1.2+).
    pub ack_request_id: Option<u8>,
    /// The next encapsulated request (Param2 = 1) or ReqSlotNumber (Param2 = 2).
    pub payload: &'a [u8],
}

impl<'a> EncapsulatedResponseAck<'a> {
    pub(crate) fn parse(h: &Header, r: &mut Reader<'a>) -> Result<Self> {
        let ack_request_id = if h.version >= Version::V12 {
            let a = r.u8()?;
            r.bytes(3)?;
            Some(a)
        } else {
            None
        };
        Ok(EncapsulatedResponseAck {
            ack_request_id,
            payload: r.rest(),
        })
    }
}

impl Part for EncapsulatedResponseAck<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        if let Some(a) = self.ack_request_id {
            w.u8(a)?;
            w.zeros(3)?;
        }
        w.bytes(self.payload)
    }
    fn describe(&self, h: &Header, w: &mut Walk<'_, '_>) {
        if let Some(a) = self.ack_request_id {
            w.uint("ack_request_id", 1, a.into());
            w.reserved(3);
        }
        match h.param2 {
            1 => describe_embedded(w, "encapsulated_request", self.payload),
            2 if self.payload.len() == 1 => w.uint("req_slot_number", 1, self.payload[0].into()),
            _ if !self.payload.is_empty() => w.bytes("payload", self.payload),
            _ => {}
        }
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(out, " request_id={} payload_type={}", h.param1, h.param2)?;
        if h.param2 == 1 {
            summary_embedded(out, self.payload)?;
        }
        Ok(())
    }
}
