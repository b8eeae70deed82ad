//! One-expression builders for SPDM messages.
//!
//! Each function returns a [`Message`] (a plain-data Repr borrowing the
//! caller's byte slices); `emit_bytes` writes it into a caller buffer
//! (no_std, no allocation) and `to_vec` (feature `alloc`) allocates:
//!
//! ```
//! use mctpkit_wire::spdm::{builder, Version};
//! let nonce = [0u8; 32];
//! let msg = builder::get_measurements(Version::V12, 0x01, 0xFF, &nonce, 0);
//! let mut buf = [0u8; 64];
//! let n = msg.emit_bytes(&mut buf).unwrap();
//! assert_eq!(&buf[..5], &[0x05, 0x12, 0xE0, 0x01, 0xFF]);
//! assert_eq!(n, 5 + 32 + 1);
//! ```

use super::auth::{
    Certificate, Challenge, ChallengeAuth, Digests, GetCertificate, GetMeasurements, Measurements,
};
use super::misc::{Chunk, ChunkGet, ErrorData, ErrorResponse, StandardId, VendorDefined};
use super::negotiation::{Algorithms, Capabilities, NegotiateAlgorithms, VersionResponse};
use super::session::{Finish, KeyExchange, KeyExchangeRsp, PskExchange, VerifyData};
use super::{Body, ErrorCode, Header, Message, RequestResponseCode as C, Version};

fn msg<'a>(v: Version, c: C, p1: u8, p2: u8, body: Body<'a>) -> Message<'a> {
    Message::new(Header::new(v, c, p1, p2), body)
}

/// GET_VERSION (always sent as version 1.0).
pub fn get_version<'a>() -> Message<'a> {
    msg(Version::V10, C::GetVersion, 0, 0, Body::Empty)
}

/// VERSION with `entries` = the VersionNumberEntry bytes (2 per entry, LE).
pub fn version(entries: &[u8]) -> Message<'_> {
    msg(
        Version::V10,
        C::Version,
        0,
        0,
        Body::Version(VersionResponse { entries }),
    )
}

fn caps<'a>(version: Version, ct_exponent: u8, flags: u32, dts: u32, max: u32) -> Capabilities<'a> {
    let v12 = version >= Version::V12;
    Capabilities {
        ct_exponent: Some(ct_exponent),
        flags: Some(flags),
        data_transfer_size: v12.then_some(dts),
        max_spdm_msg_size: v12.then_some(max),
        supported_algorithms: &[],
    }
}

/// GET_CAPABILITIES (1.0: no body; 1.2+: with transfer sizes).
pub fn get_capabilities<'a>(
    version: Version,
    ct_exponent: u8,
    flags: u32,
    data_transfer_size: u32,
    max_spdm_msg_size: u32,
) -> Message<'a> {
    let body = if version < Version::V11 {
        Capabilities::default()
    } else {
        caps(
            version,
            ct_exponent,
            flags,
            data_transfer_size,
            max_spdm_msg_size,
        )
    };
    msg(
        version,
        C::GetCapabilities,
        0,
        0,
        Body::GetCapabilities(body),
    )
}

/// CAPABILITIES.
pub fn capabilities<'a>(
    version: Version,
    ct_exponent: u8,
    flags: u32,
    data_transfer_size: u32,
    max_spdm_msg_size: u32,
) -> Message<'a> {
    let body = caps(
        version,
        ct_exponent,
        flags,
        data_transfer_size,
        max_spdm_msg_size,
    );
    msg(version, C::Capabilities, 0, 0, Body::Capabilities(body))
}

/// One 4-byte AlgStruct (two fixed AlgSupported bytes, no external entries).
pub const fn alg_struct(alg_type: u8, supported: u16) -> [u8; 4] {
    let s = supported.to_le_bytes();
    [alg_type, 0x20, s[0], s[1]]
}

/// NEGOTIATE_ALGORITHMS; `alg_structs` holds `count` AlgStructs (see
/// [`alg_struct`]). Length is computed.
pub fn negotiate_algorithms(
    version: Version,
    measurement_specification: u8,
    other_params_support: u8,
    base_asym_algo: u32,
    base_hash_algo: u32,
    count: u8,
    alg_structs: &[u8],
) -> Message<'_> {
    let length = (4 + 28 + alg_structs.len()) as u16;
    msg(
        version,
        C::NegotiateAlgorithms,
        count,
        0,
        Body::NegotiateAlgorithms(NegotiateAlgorithms {
            length,
            measurement_specification,
            other_params_support,
            base_asym_algo,
            base_hash_algo,
            mel_specification: 0,
            ext_asym: &[],
            ext_hash: &[],
            alg_structs_raw: alg_structs,
        }),
    )
}

/// ALGORITHMS; Length is computed.
#[allow(clippy::too_many_arguments)]
pub fn algorithms(
    version: Version,
    measurement_specification: u8,
    other_params: u8,
    measurement_hash_algo: u32,
    base_asym_algo: u32,
    base_hash_algo: u32,
    count: u8,
    alg_structs: &[u8],
) -> Message<'_> {
    let length = (4 + 32 + alg_structs.len()) as u16;
    msg(
        version,
        C::Algorithms,
        count,
        0,
        Body::Algorithms(Algorithms {
            length,
            measurement_specification,
            other_params,
            measurement_hash_algo,
            base_asym_algo,
            base_hash_algo,
            mel_specification: 0,
            ext_asym: &[],
            ext_hash: &[],
            alg_structs_raw: alg_structs,
        }),
    )
}

/// GET_DIGESTS.
pub fn get_digests<'a>(version: Version) -> Message<'a> {
    msg(version, C::GetDigests, 0, 0, Body::Empty)
}

/// DIGESTS for `slot_mask` with the concatenated digests of `digest_size` each.
pub fn digests(version: Version, slot_mask: u8, digest_size: usize, digests: &[u8]) -> Message<'_> {
    msg(
        version,
        C::Digests,
        0,
        slot_mask,
        Body::Digests(Digests {
            digest_size,
            digests,
            key_pair_ids: &[],
            certificate_infos: &[],
            key_usage_masks: &[],
        }),
    )
}

/// GET_CERTIFICATE.
pub fn get_certificate<'a>(version: Version, slot: u8, offset: u16, length: u16) -> Message<'a> {
    msg(
        version,
        C::GetCertificate,
        slot,
        0,
        Body::GetCertificate(GetCertificate { offset, length }),
    )
}

/// CERTIFICATE.
pub fn certificate(version: Version, slot: u8, remainder: u16, portion: &[u8]) -> Message<'_> {
    msg(
        version,
        C::Certificate,
        slot,
        0,
        Body::Certificate(Certificate {
            remainder_length: remainder,
            cert_chain: portion,
        }),
    )
}

/// CHALLENGE (1.3 adds the requester context; pass `&[]` before).
pub fn challenge<'a>(
    version: Version,
    slot: u8,
    summary_hash_type: u8,
    nonce: &'a [u8; 32],
    requester_context: &'a [u8],
) -> Message<'a> {
    msg(
        version,
        C::Challenge,
        slot,
        summary_hash_type,
        Body::Challenge(Challenge {
            nonce,
            requester_context,
        }),
    )
}

/// CHALLENGE_AUTH.
#[allow(clippy::too_many_arguments)]
pub fn challenge_auth<'a>(
    version: Version,
    slot: u8,
    slot_mask: u8,
    cert_chain_hash: &'a [u8],
    nonce: &'a [u8; 32],
    measurement_summary_hash: &'a [u8],
    opaque_data: &'a [u8],
    signature: &'a [u8],
) -> Message<'a> {
    msg(
        version,
        C::ChallengeAuth,
        slot,
        slot_mask,
        Body::ChallengeAuth(ChallengeAuth {
            cert_chain_hash,
            nonce,
            measurement_summary_hash,
            opaque_data,
            requester_context: &[],
            signature,
        }),
    )
}

/// GET_MEASUREMENTS: `attrs` bit 0 asks for a signature (then `nonce` and
/// `slot_id` are sent), `index` is the MeasurementOperation (0 = count,
/// 0xFF = all).
pub fn get_measurements(
    version: Version,
    attrs: u8,
    index: u8,
    nonce: &[u8; 32],
    slot_id: u8,
) -> Message<'_> {
    let signed = attrs & 1 != 0;
    msg(
        version,
        C::GetMeasurements,
        attrs,
        index,
        Body::GetMeasurements(GetMeasurements {
            nonce: if signed { nonce } else { &[] },
            slot_id_param: (signed && version >= Version::V11).then_some(slot_id),
            requester_context: &[],
        }),
    )
}

/// MEASUREMENTS (record = concatenated measurement blocks).
#[allow(clippy::too_many_arguments)]
pub fn measurements<'a>(
    version: Version,
    total: u8,
    slot_id_param: u8,
    number_of_blocks: u8,
    record: &'a [u8],
    nonce: &'a [u8; 32],
    opaque_data: &'a [u8],
    signature: &'a [u8],
) -> Message<'a> {
    msg(
        version,
        C::Measurements,
        total,
        slot_id_param,
        Body::Measurements(Measurements {
            number_of_blocks,
            record,
            nonce: Some(nonce),
            opaque_data,
            requester_context: &[],
            signature,
        }),
    )
}

/// KEY_EXCHANGE.
#[allow(clippy::too_many_arguments)]
pub fn key_exchange<'a>(
    version: Version,
    summary_hash_type: u8,
    slot: u8,
    req_session_id: u16,
    session_policy: u8,
    random: &'a [u8; 32],
    exchange_data: &'a [u8],
    opaque_data: &'a [u8],
) -> Message<'a> {
    msg(
        version,
        C::KeyExchange,
        summary_hash_type,
        slot,
        Body::KeyExchange(KeyExchange {
            req_session_id,
            session_policy,
            random_data: random,
            exchange_data,
            opaque_data,
        }),
    )
}

/// KEY_EXCHANGE_RSP.
#[allow(clippy::too_many_arguments)]
pub fn key_exchange_rsp<'a>(
    version: Version,
    heartbeat_period: u8,
    rsp_session_id: u16,
    mut_auth_requested: u8,
    random: &'a [u8; 32],
    exchange_data: &'a [u8],
    measurement_summary_hash: &'a [u8],
    opaque_data: &'a [u8],
    signature: &'a [u8],
    responder_verify_data: &'a [u8],
) -> Message<'a> {
    msg(
        version,
        C::KeyExchangeRsp,
        heartbeat_period,
        0,
        Body::KeyExchangeRsp(KeyExchangeRsp {
            rsp_session_id,
            mut_auth_requested,
            req_slot_id_param: 0,
            random_data: random,
            exchange_data,
            measurement_summary_hash,
            opaque_data,
            signature,
            responder_verify_data,
        }),
    )
}

/// FINISH (signature empty = not included).
pub fn finish<'a>(
    version: Version,
    req_slot: u8,
    signature: &'a [u8],
    requester_verify_data: &'a [u8],
) -> Message<'a> {
    let p1 = u8::from(!signature.is_empty());
    msg(
        version,
        C::Finish,
        p1,
        req_slot,
        Body::Finish(Finish {
            signature,
            requester_verify_data,
        }),
    )
}

/// FINISH_RSP (verify data only when the handshake is in the clear).
pub fn finish_rsp(version: Version, responder_verify_data: &[u8]) -> Message<'_> {
    msg(
        version,
        C::FinishRsp,
        0,
        0,
        Body::FinishRsp(VerifyData {
            verify_data: responder_verify_data,
        }),
    )
}

/// PSK_EXCHANGE.
pub fn psk_exchange<'a>(
    version: Version,
    summary_hash_type: u8,
    req_session_id: u16,
    psk_hint: &'a [u8],
    requester_context: &'a [u8],
    opaque_data: &'a [u8],
) -> Message<'a> {
    msg(
        version,
        C::PskExchange,
        summary_hash_type,
        0,
        Body::PskExchange(PskExchange {
            req_session_id,
            psk_hint,
            requester_context,
            opaque_data,
        }),
    )
}

/// A message without body (HEARTBEAT, END_SESSION_ACK, …).
pub fn bare<'a>(version: Version, code: C, param1: u8, param2: u8) -> Message<'a> {
    msg(version, code, param1, param2, Body::Empty)
}

/// KEY_UPDATE (operation 1 UpdateKey, 2 UpdateAllKeys, 3 VerifyNewKey).
pub fn key_update<'a>(version: Version, operation: u8, tag: u8) -> Message<'a> {
    bare(version, C::KeyUpdate, operation, tag)
}

/// RESPOND_IF_READY for the request `code` with the ERROR's token.
pub fn respond_if_ready<'a>(version: Version, code: C, token: u8) -> Message<'a> {
    bare(version, C::RespondIfReady, code.value(), token)
}

/// ERROR without extended data.
pub fn error<'a>(version: Version, code: ErrorCode, data: u8) -> Message<'a> {
    msg(
        version,
        C::Error,
        code.value(),
        data,
        Body::Error(ErrorResponse {
            data: ErrorData::Other(&[]),
        }),
    )
}

/// ERROR ResponseNotReady.
pub fn response_not_ready<'a>(
    version: Version,
    rdt_exponent: u8,
    request_code: C,
    token: u8,
    rdtm: u8,
) -> Message<'a> {
    msg(
        version,
        C::Error,
        ErrorCode::ResponseNotReady.value(),
        0,
        Body::Error(ErrorResponse {
            data: ErrorData::ResponseNotReady {
                rdt_exponent,
                request_code: request_code.value(),
                token,
                rdtm,
            },
        }),
    )
}

/// VENDOR_DEFINED_REQUEST.
pub fn vendor_defined_request<'a>(
    version: Version,
    standard_id: StandardId,
    vendor_id: &'a [u8],
    payload: &'a [u8],
) -> Message<'a> {
    msg(
        version,
        C::VendorDefinedRequest,
        0,
        0,
        Body::VendorDefined(VendorDefined {
            standard_id,
            vendor_id,
            payload,
        }),
    )
}

/// CHUNK_SEND (`large_message_size` only for chunk 0).
pub fn chunk_send<'a>(
    version: Version,
    handle: u8,
    seq: u16,
    last: bool,
    large_message_size: u32,
    chunk: &'a [u8],
) -> Message<'a> {
    msg(
        version,
        C::ChunkSend,
        u8::from(last),
        handle,
        Body::ChunkSend(Chunk {
            chunk_seq_no: seq,
            large_message_size: (seq == 0).then_some(large_message_size),
            chunk,
        }),
    )
}

/// CHUNK_GET.
pub fn chunk_get<'a>(version: Version, handle: u8, seq: u16) -> Message<'a> {
    msg(
        version,
        C::ChunkGet,
        0,
        handle,
        Body::ChunkGet(ChunkGet { chunk_seq_no: seq }),
    )
}
