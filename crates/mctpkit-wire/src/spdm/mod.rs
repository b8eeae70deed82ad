//! SPDM over MCTP (message type 0x05; DSP0274 1.0–1.3, DSP0275).
//!
//! ```text
//!  msg byte 0   [7] IC (0)  [6:0] MCTP message type 0x05
//!  msg byte 1   SPDMVersion: [7:4] major, [3:0] minor (0x12 = 1.2)
//!  msg byte 2   RequestResponseCode (requests 0x80–0xFF, responses 0x01–0x7F)
//!  msg byte 3   Param1
//!  msg byte 4   Param2
//!  msg byte 5…  body (DSP0274 §10, one layout per code and version)
//! ```
//!
//! Offsets in this module count from the MCTP type byte. Body layouts live
//! in [`negotiation`] (VERSION, CAPABILITIES, ALGORITHMS), [`auth`]
//! (DIGESTS, CERTIFICATE, CHALLENGE, MEASUREMENTS), [`session`]
//! (KEY_EXCHANGE … END_SESSION, encapsulated requests) and [`misc`] (ERROR,
//! VENDOR_DEFINED, CHUNK_*, CSR, SET_CERTIFICATE).
//!
//! Several sizes are not on the wire but fixed by the negotiated algorithms
//! (hash size, signature size, DHE size) or by the request a response
//! answers (measurement summary hash present?). [`Message::parse_with`]
//! takes a [`Context`] the analyser fills with [`Context::observe`]; without
//! it those bodies decode to [`Body::NeedsContext`] with the reason.
//!
//! Sources: DSP0274 tables as mirrored by DMTF libspdm
//! `include/industry_standard/spdm.h` (1.3 revision) and the spdm-emu
//! captures under `tests/data/spdm/`.

use core::fmt;

use crate::binding::Integrity;
use crate::describe::{Describe, Field, Value, Visitor};
use crate::error::{need, Error, ErrorKind, Layer, Result};
use crate::macros::open_enum;

pub mod algo;
pub mod auth;
mod body;
pub mod builder;
mod codec;
mod context;
pub mod misc;
pub mod negotiation;
pub mod session;

#[cfg(test)]
mod tests;

pub use body::Body;
pub use context::{Context, Pending, Reason};

/// MCTP message type of SPDM.
pub const MCTP_TYPE: u8 = 0x05;
/// Length of the SPDM header including the MCTP type byte.
pub const HEADER_LEN: usize = 5;
/// Nonce and random data size (DSP0274: 32 bytes).
pub const NONCE_LEN: usize = 32;
/// RequesterContext size (1.3).
pub const REQUESTER_CONTEXT_LEN: usize = 8;

/// Byte positions (from the MCTP type byte).
pub mod field {
    pub const TYPE: usize = 0;
    pub const VERSION: usize = 1;
    pub const CODE: usize = 2;
    pub const PARAM1: usize = 3;
    pub const PARAM2: usize = 4;
    pub const BODY: usize = 5;
}

/// SPDMVersion byte: major in the high nibble, minor in the low nibble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Version(pub u8);

impl Version {
    pub const V10: Version = Version(0x10);
    pub const V11: Version = Version(0x11);
    pub const V12: Version = Version(0x12);
    pub const V13: Version = Version(0x13);
    pub const fn major(self) -> u8 {
        self.0 >> 4
    }
    pub const fn minor(self) -> u8 {
        self.0 & 0x0F
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major(), self.minor())
    }
}

open_enum! {
    /// RequestResponseCode (DSP0274 Tables 4 and 5, 1.0–1.3).
    pub enum RequestResponseCode: u8 {
        Digests = 0x01 => "DIGESTS",
        Certificate = 0x02 => "CERTIFICATE",
        ChallengeAuth = 0x03 => "CHALLENGE_AUTH",
        Version = 0x04 => "VERSION",
        ChunkSendAck = 0x05 => "CHUNK_SEND_ACK",
        ChunkResponse = 0x06 => "CHUNK_RESPONSE",
        EndpointInfo = 0x07 => "ENDPOINT_INFO",
        Measurements = 0x60 => "MEASUREMENTS",
        Capabilities = 0x61 => "CAPABILITIES",
        SupportedEventTypes = 0x62 => "SUPPORTED_EVENT_TYPES",
        Algorithms = 0x63 => "ALGORITHMS",
        KeyExchangeRsp = 0x64 => "KEY_EXCHANGE_RSP",
        FinishRsp = 0x65 => "FINISH_RSP",
        PskExchangeRsp = 0x66 => "PSK_EXCHANGE_RSP",
        PskFinishRsp = 0x67 => "PSK_FINISH_RSP",
        HeartbeatAck = 0x68 => "HEARTBEAT_ACK",
        KeyUpdateAck = 0x69 => "KEY_UPDATE_ACK",
        EncapsulatedRequest = 0x6A => "ENCAPSULATED_REQUEST",
        EncapsulatedResponseAck = 0x6B => "ENCAPSULATED_RESPONSE_ACK",
        EndSessionAck = 0x6C => "END_SESSION_ACK",
        Csr = 0x6D => "CSR",
        SetCertificateRsp = 0x6E => "SET_CERTIFICATE_RSP",
        MeasurementExtensionLog = 0x6F => "MEASUREMENT_EXTENSION_LOG",
        SubscribeEventTypesAck = 0x70 => "SUBSCRIBE_EVENT_TYPES_ACK",
        EventAck = 0x71 => "EVENT_ACK",
        KeyPairInfo = 0x7C => "KEY_PAIR_INFO",
        SetKeyPairInfoAck = 0x7D => "SET_KEY_PAIR_INFO_ACK",
        VendorDefinedResponse = 0x7E => "VENDOR_DEFINED_RESPONSE",
        Error = 0x7F => "ERROR",
        GetDigests = 0x81 => "GET_DIGESTS",
        GetCertificate = 0x82 => "GET_CERTIFICATE",
        Challenge = 0x83 => "CHALLENGE",
        GetVersion = 0x84 => "GET_VERSION",
        ChunkSend = 0x85 => "CHUNK_SEND",
        ChunkGet = 0x86 => "CHUNK_GET",
        GetEndpointInfo = 0x87 => "GET_ENDPOINT_INFO",
        GetMeasurements = 0xE0 => "GET_MEASUREMENTS",
        GetCapabilities = 0xE1 => "GET_CAPABILITIES",
        GetSupportedEventTypes = 0xE2 => "GET_SUPPORTED_EVENT_TYPES",
        NegotiateAlgorithms = 0xE3 => "NEGOTIATE_ALGORITHMS",
        KeyExchange = 0xE4 => "KEY_EXCHANGE",
        Finish = 0xE5 => "FINISH",
        PskExchange = 0xE6 => "PSK_EXCHANGE",
        PskFinish = 0xE7 => "PSK_FINISH",
        Heartbeat = 0xE8 => "HEARTBEAT",
        KeyUpdate = 0xE9 => "KEY_UPDATE",
        GetEncapsulatedRequest = 0xEA => "GET_ENCAPSULATED_REQUEST",
        DeliverEncapsulatedResponse = 0xEB => "DELIVER_ENCAPSULATED_RESPONSE",
        EndSession = 0xEC => "END_SESSION",
        GetCsr = 0xED => "GET_CSR",
        SetCertificate = 0xEE => "SET_CERTIFICATE",
        GetMeasurementExtensionLog = 0xEF => "GET_MEASUREMENT_EXTENSION_LOG",
        SubscribeEventTypes = 0xF0 => "SUBSCRIBE_EVENT_TYPES",
        SendEvent = 0xF1 => "SEND_EVENT",
        GetKeyPairInfo = 0xFC => "GET_KEY_PAIR_INFO",
        SetKeyPairInfo = 0xFD => "SET_KEY_PAIR_INFO",
        VendorDefinedRequest = 0xFE => "VENDOR_DEFINED_REQUEST",
        RespondIfReady = 0xFF => "RESPOND_IF_READY",
    }
}

impl RequestResponseCode {
    /// Requests have bit 7 set (DSP0274 §9.2).
    pub const fn is_request(self) -> bool {
        self.value() & 0x80 != 0
    }
    /// The response code that answers this request: `code & 0x7F` for
    /// every pair in DSP0274 (RESPOND_IF_READY re-asks for the response of
    /// the request in its Param1, see [`Message::pairing`]).
    pub const fn response_code(self) -> RequestResponseCode {
        RequestResponseCode::from_value(self.value() & 0x7F)
    }
}

open_enum! {
    /// ERROR response ErrorCode (Param1), DSP0274 Table "Error code and error data".
    pub enum ErrorCode: u8 {
        InvalidRequest = 0x01 => "InvalidRequest",
        InvalidSession = 0x02 => "InvalidSession",
        Busy = 0x03 => "Busy",
        UnexpectedRequest = 0x04 => "UnexpectedRequest",
        Unspecified = 0x05 => "Unspecified",
        DecryptError = 0x06 => "DecryptError",
        UnsupportedRequest = 0x07 => "UnsupportedRequest",
        RequestInFlight = 0x08 => "RequestInFlight",
        InvalidResponseCode = 0x09 => "InvalidResponseCode",
        SessionLimitExceeded = 0x0A => "SessionLimitExceeded",
        SessionRequired = 0x0B => "SessionRequired",
        ResetRequired = 0x0C => "ResetRequired",
        ResponseTooLarge = 0x0D => "ResponseTooLarge",
        RequestTooLarge = 0x0E => "RequestTooLarge",
        LargeResponse = 0x0F => "LargeResponse",
        MessageLost = 0x10 => "MessageLost",
        InvalidPolicy = 0x11 => "InvalidPolicy",
        VersionMismatch = 0x41 => "VersionMismatch",
        ResponseNotReady = 0x42 => "ResponseNotReady",
        RequestResynch = 0x43 => "RequestResynch",
        OperationFailed = 0x44 => "OperationFailed",
        NoPendingRequests = 0x45 => "NoPendingRequests",
        VendorDefined = 0xFF => "VendorDefined",
    }
}

/// A zero-copy view of an SPDM message, starting at the MCTP type byte.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub const fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }
    pub fn new_checked(buffer: T) -> Result<Self> {
        let p = Packet { buffer };
        p.check_len()?;
        Ok(p)
    }
    /// Type byte and the 4-byte SPDM header must be present.
    pub fn check_len(&self) -> Result<()> {
        need(Layer::Spdm, self.buffer.as_ref(), HEADER_LEN)
    }
    pub fn into_inner(self) -> T {
        self.buffer
    }
    fn b(&self, i: usize) -> u8 {
        self.buffer.as_ref()[i]
    }
    pub fn ic(&self) -> bool {
        self.b(field::TYPE) & 0x80 != 0
    }
    pub fn version(&self) -> Version {
        Version(self.b(field::VERSION))
    }
    pub fn code(&self) -> RequestResponseCode {
        RequestResponseCode::from_value(self.b(field::CODE))
    }
    pub fn param1(&self) -> u8 {
        self.b(field::PARAM1)
    }
    pub fn param2(&self) -> u8 {
        self.b(field::PARAM2)
    }
    pub fn body(&self) -> &[u8] {
        &self.buffer.as_ref()[field::BODY..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    pub fn set_version(&mut self, v: Version) {
        self.buffer.as_mut()[field::VERSION] = v.0;
    }
    pub fn set_code(&mut self, c: RequestResponseCode) {
        self.buffer.as_mut()[field::CODE] = c.value();
    }
    pub fn set_param1(&mut self, v: u8) {
        self.buffer.as_mut()[field::PARAM1] = v;
    }
    pub fn set_param2(&mut self, v: u8) {
        self.buffer.as_mut()[field::PARAM2] = v;
    }
}

/// The SPDM header as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Header {
    /// IC bit of the MCTP type byte (SPDM never sets it).
    pub ic: bool,
    pub version: Version,
    pub code: RequestResponseCode,
    pub param1: u8,
    pub param2: u8,
}

impl Header {
    pub const fn new(version: Version, code: RequestResponseCode, param1: u8, param2: u8) -> Self {
        Header {
            ic: false,
            version,
            code,
            param1,
            param2,
        }
    }
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Header> {
        p.check_len()?;
        Ok(Header {
            ic: p.ic(),
            version: p.version(),
            code: p.code(),
            param1: p.param1(),
            param2: p.param2(),
        })
    }
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN
    }
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        if buf.len() < HEADER_LEN {
            return Err(Error::buffer_too_small(Layer::Spdm, HEADER_LEN, buf.len()));
        }
        buf[field::TYPE] = MCTP_TYPE | if self.ic { 0x80 } else { 0 };
        let mut p = Packet::new_unchecked(&mut buf[..HEADER_LEN]);
        p.set_version(self.version);
        p.set_code(self.code);
        p.set_param1(self.param1);
        p.set_param2(self.param2);
        Ok(HEADER_LEN)
    }
    pub const fn is_request(&self) -> bool {
        self.code.is_request()
    }
}

/// Request/response pairing: a request and its response have the same key.
///
/// Key = `version << 8 | (code & 0x7F)` of the request. ERROR answers
/// whichever request is pending: with a [`Context`] that knew it (or a
/// ResponseNotReady naming it) the key is that request's; otherwise
/// `any_pending` is set and the key carries code 0x7F.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Pairing {
    pub request: bool,
    pub key: u64,
    /// An ERROR whose request is unknown: pairs with any pending request.
    pub any_pending: bool,
}

const fn pair_key(version: Version, request_code: u8) -> u64 {
    ((version.0 as u64) << 8) | (request_code & 0x7F) as u64
}

/// A whole SPDM message: header and decoded body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    pub header: Header,
    pub body: Body<'a>,
    /// Bytes after a complete body (reported by [`Message::problem`]).
    pub trailing: &'a [u8],
    /// The request pending when this message was decoded (from the context).
    pub pending: Option<Pending>,
}

impl<'a> Message<'a> {
    /// A message with no trailing bytes.
    pub const fn new(header: Header, body: Body<'a>) -> Self {
        Message {
            header,
            body,
            trailing: &[],
            pending: None,
        }
    }

    /// Decode without conversation state.
    pub fn parse(msg: &'a [u8]) -> Result<Message<'a>> {
        Message::parse_with(msg, &Context::default())
    }

    /// Decode with what the conversation negotiated so far.
    pub fn parse_with(msg: &'a [u8], ctx: &Context) -> Result<Message<'a>> {
        let p = Packet::new_checked(msg)?;
        let header = Header::parse(&p)?;
        let data = &msg[field::BODY..];
        let (body, trailing) = match Body::parse(&header, data, ctx) {
            Ok((b, used)) => (b, data.get(used..).unwrap_or(&[])),
            Err(e) => (
                Body::Malformed {
                    error: e.shift(field::BODY),
                    raw: data,
                },
                &[][..],
            ),
        };
        Ok(Message {
            header,
            body,
            trailing,
            pending: ctx.pending,
        })
    }

    /// A body that did not decode, or trailing bytes (offset from the type byte).
    pub fn problem(&self) -> Option<Error> {
        if let Body::Malformed { error, .. } = self.body {
            return Some(error);
        }
        if !self.trailing.is_empty() {
            return Some(Error {
                layer: Layer::Spdm,
                offset: field::BODY + self.body.buffer_len(&self.header),
                kind: ErrorKind::Trailing {
                    extra: self.trailing.len(),
                },
            });
        }
        None
    }

    /// SPDM has no message-level integrity check (signatures and
    /// VerifyData need keys; they are shown, not verified).
    pub fn integrity(&self) -> Option<Integrity> {
        None
    }

    /// Request flag and pairing key; see [`Pairing`].
    pub fn pairing(&self) -> Option<Pairing> {
        let h = &self.header;
        use RequestResponseCode as C;
        match h.code {
            // RESPOND_IF_READY asks again for the response of Param1's request.
            C::RespondIfReady => Some(Pairing {
                request: true,
                key: pair_key(h.version, h.param1),
                any_pending: false,
            }),
            C::Error => {
                if let Body::Error(e) = &self.body {
                    if let misc::ErrorData::ResponseNotReady { request_code, .. } = e.data {
                        return Some(Pairing {
                            request: false,
                            key: pair_key(h.version, request_code),
                            any_pending: false,
                        });
                    }
                }
                Some(match self.pending {
                    Some(p) => Pairing {
                        request: false,
                        key: pair_key(p.version, p.code.value()),
                        any_pending: false,
                    },
                    None => Pairing {
                        request: false,
                        key: pair_key(h.version, 0x7F),
                        any_pending: true,
                    },
                })
            }
            c => Some(Pairing {
                request: c.is_request(),
                key: pair_key(h.version, c.value()),
                any_pending: false,
            }),
        }
    }

    /// Bytes `emit_bytes` writes (header + body; trailing bytes are not kept).
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN + self.body.buffer_len(&self.header)
    }

    /// Encode type byte, header and body.
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Spdm, n, buf.len()));
        }
        self.header.emit_bytes(buf)?;
        self.body.emit(&self.header, &mut buf[HEADER_LEN..n])?;
        Ok(n)
    }

    /// Encode into a new vector.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0u8; self.buffer_len()];
        // Cannot fail: the buffer has exactly `buffer_len` bytes.
        let _ = self.emit_bytes(&mut v);
        v
    }
}

/// Names of Param1 and Param2 for a code (snake_case spec names).
fn param_names(code: RequestResponseCode) -> (&'static str, &'static str) {
    use RequestResponseCode as C;
    match code {
        C::Digests => ("supported_slot_mask", "slot_mask"),
        C::GetCertificate => ("slot_id", "request_attributes"),
        C::Certificate => ("slot_id", "response_attributes"),
        C::Challenge => ("slot_id", "measurement_summary_hash_type"),
        C::ChallengeAuth => ("response_attributes", "slot_mask"),
        C::GetMeasurements => ("request_attributes", "measurement_operation"),
        C::Measurements => ("number_of_measurements", "slot_id_param"),
        C::NegotiateAlgorithms | C::Algorithms => ("num_alg_struct_tables", "param2"),
        C::KeyExchange => ("measurement_summary_hash_type", "slot_id"),
        C::KeyExchangeRsp | C::PskExchangeRsp => ("heartbeat_period", "param2"),
        C::Finish => ("signature_included", "req_slot_id"),
        C::PskExchange => ("measurement_summary_hash_type", "session_policy"),
        C::KeyUpdate | C::KeyUpdateAck => ("key_operation", "tag"),
        C::EncapsulatedRequest | C::DeliverEncapsulatedResponse => ("request_id", "param2"),
        C::EncapsulatedResponseAck => ("request_id", "payload_type"),
        C::EndSession => ("end_session_request_attributes", "param2"),
        C::Error => ("error_code", "error_data"),
        C::RespondIfReady => ("request_code", "token"),
        C::ChunkSend | C::ChunkResponse => ("chunk_sender_attributes", "handle"),
        C::ChunkSendAck => ("chunk_receiver_attributes", "handle"),
        C::ChunkGet => ("param1", "handle"),
        C::SetCertificate => ("set_cert_attributes", "key_pair_id"),
        C::SetCertificateRsp => ("slot_id", "param2"),
        C::GetCsr => ("key_pair_id", "request_attributes"),
        _ => ("param1", "param2"),
    }
}

fn summary_hash_type_name(v: u8) -> Option<&'static str> {
    match v {
        0 => Some("no measurement summary hash"),
        1 => Some("TCB component measurements"),
        0xFF => Some("all measurements"),
        _ => None,
    }
}

fn param_meaning(code: RequestResponseCode, which: u8, v: u8) -> Option<&'static str> {
    use RequestResponseCode as C;
    match (code, which) {
        (C::Error, 1) => ErrorCode::from_value(v).name(),
        (C::Challenge | C::KeyExchange | C::PskExchange, _)
            if (code == C::Challenge) == (which == 2) =>
        {
            summary_hash_type_name(v)
        }
        (C::GetMeasurements, 2) => match v {
            0 => Some("total number of measurement indices"),
            0xFF => Some("all measurements"),
            _ => Some("one measurement index"),
        },
        (C::KeyUpdate | C::KeyUpdateAck, 1) => match v {
            1 => Some("UpdateKey"),
            2 => Some("UpdateAllKeys"),
            3 => Some("VerifyNewKey"),
            _ => None,
        },
        (C::RespondIfReady, 1) => RequestResponseCode::from_value(v).name(),
        (C::EncapsulatedResponseAck, 2) => match v {
            0 => Some("absent"),
            1 => Some("present"),
            2 => Some("ReqSlotNumber"),
            _ => None,
        },
        _ => None,
    }
}

impl Describe for Message<'_> {
    fn layer(&self) -> Layer {
        Layer::Spdm
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        let h = &self.header;
        w.write_str("SPDM ")?;
        match h.code.name() {
            Some(n) => w.write_str(n)?,
            None => write!(w, "code {:#04x}", h.code.value())?,
        }
        // Hot path: write_str and `describe::fast`, no `write!`.
        use crate::describe::fast;
        w.write_str(if h.is_request() { " req v" } else { " rsp v" })?;
        fast::dec(w, h.version.major().into())?;
        w.write_str(".")?;
        fast::dec(w, h.version.minor().into())?;
        self.body.summary(h, w)?;
        if !self.trailing.is_empty() {
            write!(w, " !! {} trailing bytes", self.trailing.len())?;
        }
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let h = &self.header;
        v.field(&Field::bits("ic", field::TYPE, 7, 7, Value::Bool(h.ic)));
        v.field(&Field::new(
            "spdm_version",
            field::VERSION,
            1,
            Value::Display(&h.version),
        ));
        v.field(
            &Field::new(
                "request_response_code",
                field::CODE,
                1,
                Value::hex8(h.code.value()),
            )
            .meaning(h.code.name()),
        );
        v.field(&Field::derived(
            "direction",
            Value::Str(if h.is_request() {
                "request"
            } else {
                "response"
            }),
        ));
        let (p1, p2) = param_names(h.code);
        v.field(
            &Field::new(p1, field::PARAM1, 1, Value::hex8(h.param1))
                .meaning(param_meaning(h.code, 1, h.param1)),
        );
        v.field(
            &Field::new(p2, field::PARAM2, 1, Value::hex8(h.param2))
                .meaning(param_meaning(h.code, 2, h.param2)),
        );
        let len = self.body.buffer_len(h);
        crate::describe::body(v, field::BODY, len, |v| self.body.describe(h, v));
        if !self.trailing.is_empty() {
            let off = field::BODY + self.body.buffer_len(h);
            v.field(&Field::new(
                "trailing",
                off,
                self.trailing.len(),
                Value::Bytes(self.trailing),
            ));
        }
        crate::describe::error(v, self.problem());
    }
}
