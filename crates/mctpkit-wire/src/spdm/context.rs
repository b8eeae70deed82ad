//! What a conversation negotiated so far, for sizes the SPDM wire format
//! leaves implicit (DSP0274 §10: hash size H, signature size S, DHE size D,
//! and whether a measurement summary hash is present).
//!
//! The analyser keeps one [`Context`] per conversation (requester/responder
//! pair) and calls [`Context::observe`] on every SPDM message in capture
//! order; [`super::Message::parse_with`] reads it. Without a context the
//! decoder shows the parts it cannot size as raw bytes with a reason
//! ([`super::Body::NeedsContext`]).

use super::algo;
use super::{Body, Message, RequestResponseCode as Code, Version};

/// The last request seen (what a response, or an ERROR, answers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Pending {
    pub version: Version,
    pub code: Code,
    pub param1: u8,
    pub param2: u8,
}

/// Negotiated SPDM state of one conversation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Context {
    /// Version of the messages after VERSION (the negotiated one).
    pub version: Option<Version>,
    /// Requester flags from GET_CAPABILITIES (1.1+).
    pub requester_flags: Option<u32>,
    /// Responder flags from CAPABILITIES.
    pub responder_flags: Option<u32>,
    /// ALGORITHMS MeasurementSpecificationSel.
    pub measurement_specification: Option<u8>,
    /// ALGORITHMS OtherParamsSelection (1.2+).
    pub other_params: Option<u8>,
    /// ALGORITHMS MeasurementHashAlgo.
    pub measurement_hash_algo: Option<u32>,
    /// ALGORITHMS BaseAsymSel.
    pub base_asym_algo: Option<u32>,
    /// ALGORITHMS BaseHashSel.
    pub base_hash_algo: Option<u32>,
    /// ALGORITHMS DHE structure (1.1+).
    pub dhe: Option<u16>,
    /// ALGORITHMS AEAD structure (1.1+).
    pub aead: Option<u16>,
    /// ALGORITHMS ReqBaseAsymAlg structure (1.1+).
    pub req_base_asym_alg: Option<u16>,
    /// ALGORITHMS KeySchedule structure (1.1+).
    pub key_schedule: Option<u16>,
    /// The last request (RESPOND_IF_READY does not replace it: it re-asks
    /// for the response of the request that got ResponseNotReady).
    pub pending: Option<Pending>,
}

/// Why a size is unknown (shown to the user with the raw bytes).
pub type Reason = &'static str;

impl Context {
    /// Digest size H of the negotiated base hash.
    pub fn hash_size(&self) -> Result<usize, Reason> {
        match self.base_hash_algo {
            None => Err("hash size unknown: ALGORITHMS not seen"),
            Some(m) => algo::single_size(algo::BASE_HASH, m)
                .ok_or("hash size unknown: BaseHashSel is not exactly one known algorithm"),
        }
    }
    /// Signature size S of the responder's base asymmetric algorithm.
    pub fn signature_size(&self) -> Result<usize, Reason> {
        match self.base_asym_algo {
            None => Err("signature size unknown: ALGORITHMS not seen"),
            Some(m) => algo::single_size(algo::BASE_ASYM, m)
                .ok_or("signature size unknown: BaseAsymSel is not exactly one known algorithm"),
        }
    }
    /// Signature size of the requester's algorithm (mutual authentication).
    pub fn req_signature_size(&self) -> Result<usize, Reason> {
        match self.req_base_asym_alg {
            None => Err("requester signature size unknown: ALGORITHMS ReqBaseAsymAlg not seen"),
            Some(m) => algo::single_size(algo::BASE_ASYM, m.into())
                .ok_or("requester signature size unknown: ReqBaseAsymAlg is not exactly one known algorithm"),
        }
    }
    /// ExchangeData size D of the negotiated DHE group.
    pub fn dhe_size(&self) -> Result<usize, Reason> {
        match self.dhe {
            None => Err("DHE exchange data size unknown: ALGORITHMS not seen"),
            Some(m) => algo::single_size(algo::DHE, m.into())
                .ok_or("DHE exchange data size unknown: DHE is not exactly one known group"),
        }
    }
    /// Both sides set HANDSHAKE_IN_THE_CLEAR_CAP (None: CAPABILITIES not seen).
    pub fn handshake_in_the_clear(&self) -> Option<bool> {
        let f = algo::cap::HANDSHAKE_IN_THE_CLEAR;
        Some(self.requester_flags? & f != 0 && self.responder_flags? & f != 0)
    }

    /// Update from one message of the conversation, in capture order.
    pub fn observe(&mut self, m: &Message<'_>) {
        let h = &m.header;
        if h.code == Code::GetVersion {
            // GET_VERSION resets the connection (DSP0274 §10.3).
            *self = Context::default();
        } else if h.code != Code::Version {
            self.version = Some(h.version);
        }
        match &m.body {
            Body::GetCapabilities(c) if c.flags.is_some() => self.requester_flags = c.flags,
            Body::Capabilities(c) => self.responder_flags = c.flags,
            Body::Algorithms(a) => {
                self.measurement_specification = Some(a.measurement_specification);
                self.other_params = Some(a.other_params);
                self.measurement_hash_algo = Some(a.measurement_hash_algo);
                self.base_asym_algo = Some(a.base_asym_algo);
                self.base_hash_algo = Some(a.base_hash_algo);
                for s in a.alg_structs() {
                    let v = Some(s.supported);
                    match s.alg_type {
                        2 => self.dhe = v,
                        3 => self.aead = v,
                        4 => self.req_base_asym_alg = v,
                        5 => self.key_schedule = v,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        if h.code.is_request() && h.code != Code::RespondIfReady {
            self.pending = Some(Pending {
                version: h.version,
                code: h.code,
                param1: h.param1,
                param2: h.param2,
            });
        }
    }

    /// The pending request if it has `code`.
    pub(crate) fn pending_for(&self, code: Code) -> Option<Pending> {
        self.pending.filter(|p| p.code == code)
    }
}
