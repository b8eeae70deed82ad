//! Named bits of the SPDM bit fields: capability flags (DSP0274 Tables
//! "Flag fields definitions" for the Requester and the Responder, 1.0–1.3),
//! algorithm selections (NEGOTIATE_ALGORITHMS / ALGORITHMS tables) and the
//! sizes they fix (hash, signature, DHE exchange data).
//!
//! Values cross-checked against DMTF libspdm `include/industry_standard/spdm.h`
//! (1.3 revision): capability bits 0–29, BaseAsymAlgo bits 0–11, BaseHashAlgo
//! bits 0–6, MeasurementHashAlgo bits 0–7, DHE bits 0–6, AEAD bits 0–3.

use crate::describe::Value;

use super::codec::Walk;
use super::Version;

/// One named bit (or 2-bit group) of a bit field.
#[derive(Debug, Clone, Copy)]
pub struct Bit {
    /// Lowest bit number.
    pub bit: u8,
    /// Width in bits (1 or 2).
    pub width: u8,
    /// Spec name; also the JSON key (lower-cased where needed by the caller).
    pub name: &'static str,
    /// snake_case JSON key.
    pub key: &'static str,
    /// First SPDM version that defines it.
    pub since: Version,
    /// Size this choice fixes (hash bytes, signature bytes, exchange bytes).
    pub size: u16,
}

const fn b(bit: u8, width: u8, name: &'static str, key: &'static str, since: u8, size: u16) -> Bit {
    Bit {
        bit,
        width,
        name,
        key,
        since: Version(since),
        size,
    }
}

/// Responder CAPABILITIES flags.
pub const RESPONDER_FLAGS: &[Bit] = &[
    b(0, 1, "CACHE_CAP", "cache_cap", 0x10, 0),
    b(1, 1, "CERT_CAP", "cert_cap", 0x10, 0),
    b(2, 1, "CHAL_CAP", "chal_cap", 0x10, 0),
    // 00 = no measurements, 01 = without signature, 10 = with signature.
    b(3, 2, "MEAS_CAP", "meas_cap", 0x10, 0),
    b(5, 1, "MEAS_FRESH_CAP", "meas_fresh_cap", 0x10, 0),
    b(6, 1, "ENCRYPT_CAP", "encrypt_cap", 0x11, 0),
    b(7, 1, "MAC_CAP", "mac_cap", 0x11, 0),
    b(8, 1, "MUT_AUTH_CAP", "mut_auth_cap", 0x11, 0),
    b(9, 1, "KEY_EX_CAP", "key_ex_cap", 0x11, 0),
    // 01 = PSK without context, 10 = with responder context.
    b(10, 2, "PSK_CAP", "psk_cap", 0x11, 0),
    b(12, 1, "ENCAP_CAP", "encap_cap", 0x11, 0),
    b(13, 1, "HBEAT_CAP", "hbeat_cap", 0x11, 0),
    b(14, 1, "KEY_UPD_CAP", "key_upd_cap", 0x11, 0),
    b(
        15,
        1,
        "HANDSHAKE_IN_THE_CLEAR_CAP",
        "handshake_in_the_clear_cap",
        0x11,
        0,
    ),
    b(16, 1, "PUB_KEY_ID_CAP", "pub_key_id_cap", 0x11, 0),
    b(17, 1, "CHUNK_CAP", "chunk_cap", 0x12, 0),
    b(18, 1, "ALIAS_CERT_CAP", "alias_cert_cap", 0x12, 0),
    b(19, 1, "SET_CERT_CAP", "set_cert_cap", 0x12, 0),
    b(20, 1, "CSR_CAP", "csr_cap", 0x12, 0),
    b(
        21,
        1,
        "CERT_INSTALL_RESET_CAP",
        "cert_install_reset_cap",
        0x12,
        0,
    ),
    // 01 = without signature, 10 = with signature.
    b(22, 2, "EP_INFO_CAP", "ep_info_cap", 0x13, 0),
    b(24, 1, "MEL_CAP", "mel_cap", 0x13, 0),
    b(25, 1, "EVENT_CAP", "event_cap", 0x13, 0),
    // 01 = only multi-key, 10 = negotiated.
    b(26, 2, "MULTI_KEY_CAP", "multi_key_cap", 0x13, 0),
    b(
        28,
        1,
        "GET_KEY_PAIR_INFO_CAP",
        "get_key_pair_info_cap",
        0x13,
        0,
    ),
    b(
        29,
        1,
        "SET_KEY_PAIR_INFO_CAP",
        "set_key_pair_info_cap",
        0x13,
        0,
    ),
];

/// Requester GET_CAPABILITIES flags (1.1+; 1.0 GET_CAPABILITIES has no body).
pub const REQUESTER_FLAGS: &[Bit] = &[
    b(1, 1, "CERT_CAP", "cert_cap", 0x11, 0),
    b(2, 1, "CHAL_CAP", "chal_cap", 0x11, 0),
    b(6, 1, "ENCRYPT_CAP", "encrypt_cap", 0x11, 0),
    b(7, 1, "MAC_CAP", "mac_cap", 0x11, 0),
    b(8, 1, "MUT_AUTH_CAP", "mut_auth_cap", 0x11, 0),
    b(9, 1, "KEY_EX_CAP", "key_ex_cap", 0x11, 0),
    b(10, 2, "PSK_CAP", "psk_cap", 0x11, 0),
    b(12, 1, "ENCAP_CAP", "encap_cap", 0x11, 0),
    b(13, 1, "HBEAT_CAP", "hbeat_cap", 0x11, 0),
    b(14, 1, "KEY_UPD_CAP", "key_upd_cap", 0x11, 0),
    b(
        15,
        1,
        "HANDSHAKE_IN_THE_CLEAR_CAP",
        "handshake_in_the_clear_cap",
        0x11,
        0,
    ),
    b(16, 1, "PUB_KEY_ID_CAP", "pub_key_id_cap", 0x11, 0),
    b(17, 1, "CHUNK_CAP", "chunk_cap", 0x12, 0),
    b(22, 2, "EP_INFO_CAP", "ep_info_cap", 0x13, 0),
    b(25, 1, "EVENT_CAP", "event_cap", 0x13, 0),
    b(26, 2, "MULTI_KEY_CAP", "multi_key_cap", 0x13, 0),
];

/// Capability flag masks used by the decoder.
pub mod cap {
    pub const HANDSHAKE_IN_THE_CLEAR: u32 = 1 << 15;
}

/// BaseAsymAlgo / ReqBaseAsymAlg bits; `size` = signature bytes.
pub const BASE_ASYM: &[Bit] = &[
    b(
        0,
        1,
        "TPM_ALG_RSASSA_2048",
        "tpm_alg_rsassa_2048",
        0x10,
        256,
    ),
    b(
        1,
        1,
        "TPM_ALG_RSAPSS_2048",
        "tpm_alg_rsapss_2048",
        0x10,
        256,
    ),
    b(
        2,
        1,
        "TPM_ALG_RSASSA_3072",
        "tpm_alg_rsassa_3072",
        0x10,
        384,
    ),
    b(
        3,
        1,
        "TPM_ALG_RSAPSS_3072",
        "tpm_alg_rsapss_3072",
        0x10,
        384,
    ),
    b(
        4,
        1,
        "TPM_ALG_ECDSA_ECC_NIST_P256",
        "tpm_alg_ecdsa_ecc_nist_p256",
        0x10,
        64,
    ),
    b(
        5,
        1,
        "TPM_ALG_RSASSA_4096",
        "tpm_alg_rsassa_4096",
        0x10,
        512,
    ),
    b(
        6,
        1,
        "TPM_ALG_RSAPSS_4096",
        "tpm_alg_rsapss_4096",
        0x10,
        512,
    ),
    b(
        7,
        1,
        "TPM_ALG_ECDSA_ECC_NIST_P384",
        "tpm_alg_ecdsa_ecc_nist_p384",
        0x10,
        96,
    ),
    b(
        8,
        1,
        "TPM_ALG_ECDSA_ECC_NIST_P521",
        "tpm_alg_ecdsa_ecc_nist_p521",
        0x10,
        132,
    ),
    b(
        9,
        1,
        "TPM_ALG_SM2_ECC_SM2_P256",
        "tpm_alg_sm2_ecc_sm2_p256",
        0x12,
        64,
    ),
    b(10, 1, "EdDSA_ed25519", "eddsa_ed25519", 0x12, 64),
    b(11, 1, "EdDSA_ed448", "eddsa_ed448", 0x12, 114),
];

/// BaseHashAlgo bits; `size` = digest bytes.
pub const BASE_HASH: &[Bit] = &[
    b(0, 1, "TPM_ALG_SHA_256", "tpm_alg_sha_256", 0x10, 32),
    b(1, 1, "TPM_ALG_SHA_384", "tpm_alg_sha_384", 0x10, 48),
    b(2, 1, "TPM_ALG_SHA_512", "tpm_alg_sha_512", 0x10, 64),
    b(3, 1, "TPM_ALG_SHA3_256", "tpm_alg_sha3_256", 0x10, 32),
    b(4, 1, "TPM_ALG_SHA3_384", "tpm_alg_sha3_384", 0x10, 48),
    b(5, 1, "TPM_ALG_SHA3_512", "tpm_alg_sha3_512", 0x10, 64),
    b(6, 1, "TPM_ALG_SM3_256", "tpm_alg_sm3_256", 0x12, 32),
];

/// MeasurementHashAlgo bits (ALGORITHMS); `size` = digest bytes (0 = raw).
pub const MEASUREMENT_HASH: &[Bit] = &[
    b(0, 1, "Raw Bit Stream Only", "raw_bit_stream_only", 0x10, 0),
    b(1, 1, "TPM_ALG_SHA_256", "tpm_alg_sha_256", 0x10, 32),
    b(2, 1, "TPM_ALG_SHA_384", "tpm_alg_sha_384", 0x10, 48),
    b(3, 1, "TPM_ALG_SHA_512", "tpm_alg_sha_512", 0x10, 64),
    b(4, 1, "TPM_ALG_SHA3_256", "tpm_alg_sha3_256", 0x10, 32),
    b(5, 1, "TPM_ALG_SHA3_384", "tpm_alg_sha3_384", 0x10, 48),
    b(6, 1, "TPM_ALG_SHA3_512", "tpm_alg_sha3_512", 0x10, 64),
    b(7, 1, "TPM_ALG_SM3_256", "tpm_alg_sm3_256", 0x12, 32),
];

/// DHE named groups; `size` = ExchangeData bytes (FFDHE: modulus size;
/// ECDHE: X||Y).
pub const DHE: &[Bit] = &[
    b(0, 1, "ffdhe2048", "ffdhe2048", 0x11, 256),
    b(1, 1, "ffdhe3072", "ffdhe3072", 0x11, 384),
    b(2, 1, "ffdhe4096", "ffdhe4096", 0x11, 512),
    b(3, 1, "secp256r1", "secp256r1", 0x11, 64),
    b(4, 1, "secp384r1", "secp384r1", 0x11, 96),
    b(5, 1, "secp521r1", "secp521r1", 0x11, 132),
    b(6, 1, "SM2_P256", "sm2_p256", 0x12, 64),
];

/// AEAD cipher suites; `size` = tag bytes.
pub const AEAD: &[Bit] = &[
    b(0, 1, "AES-128-GCM", "aes_128_gcm", 0x11, 16),
    b(1, 1, "AES-256-GCM", "aes_256_gcm", 0x11, 16),
    b(2, 1, "CHACHA20_POLY1305", "chacha20_poly1305", 0x11, 16),
    b(3, 1, "AEAD_SM4_GCM", "aead_sm4_gcm", 0x12, 16),
];

/// KeySchedule.
pub const KEY_SCHEDULE: &[Bit] = &[b(0, 1, "SPDM Key Schedule", "spdm_key_schedule", 0x11, 0)];

/// MeasurementSpecification / MELspecification.
pub const MEASUREMENT_SPEC: &[Bit] = &[b(0, 1, "DMTF", "dmtf", 0x10, 0)];

/// OtherParamsSupport / OtherParamsSelection (1.2+).
pub const OTHER_PARAMS: &[Bit] = &[
    b(0, 1, "OpaqueDataFmt0", "opaque_data_fmt0", 0x12, 0),
    b(1, 1, "OpaqueDataFmt1", "opaque_data_fmt1", 0x12, 0),
    b(4, 1, "MULTI_KEY_CONN", "multi_key_conn", 0x13, 0),
];

/// The entry for a mask with exactly one known bit set.
pub fn single(table: &'static [Bit], mask: u32) -> Option<&'static Bit> {
    if mask.count_ones() != 1 {
        return None;
    }
    let bit = mask.trailing_zeros() as u8;
    table.iter().find(|e| e.width == 1 && e.bit == bit)
}

/// Name of the single selected algorithm in `mask`.
pub fn single_name(table: &'static [Bit], mask: u32) -> Option<&'static str> {
    single(table, mask).map(|e| e.name)
}

/// Size fixed by the single selected algorithm in `mask`.
pub fn single_size(table: &'static [Bit], mask: u32) -> Option<usize> {
    single(table, mask).map(|e| e.size as usize)
}

/// Emit a bit-field value of `len` bytes at the walker's offset, then a
/// group `{key}_bits` holding every bit the `version` defines (booleans, or
/// a number for 2-bit groups). Advances by `len`.
pub(crate) fn describe_mask(
    w: &mut Walk<'_, '_>,
    key: &'static str,
    bits_key: &'static str,
    len: usize,
    mask: u32,
    table: &'static [Bit],
    version: Version,
) {
    w.named(
        key,
        len,
        Value::Hex {
            value: mask as u64,
            digits: (len * 2) as u8,
        },
        single_name(table, mask),
    );
    let base = w.o - len;
    w.v.begin(bits_key, crate::describe::Group::Object, base, len);
    for e in table
        .iter()
        .filter(|e| e.since <= version && (e.bit as usize) < len * 8)
    {
        let byte = base + e.bit as usize / 8;
        let lo = e.bit % 8;
        let hi = lo + e.width - 1;
        let raw = (mask >> e.bit) & ((1 << e.width) - 1);
        let value = if e.width == 1 {
            Value::Bool(raw != 0)
        } else {
            Value::Uint(raw as u64)
        };
        w.v.field(&crate::describe::Field::bits(e.key, byte, hi, lo, value).meaning(Some(e.name)));
    }
    w.v.end();
}

/// Write the names of the set bits `a|b|c` (unknown bits as hex).
pub(crate) fn write_names(
    out: &mut dyn core::fmt::Write,
    table: &'static [Bit],
    mask: u32,
) -> core::fmt::Result {
    let mut first = true;
    let mut known = 0u32;
    for e in table {
        let m = ((1u32 << e.width) - 1) << e.bit;
        known |= m;
        if mask & m != 0 {
            if !first {
                out.write_str("|")?;
            }
            first = false;
            out.write_str(e.name)?;
            if e.width > 1 {
                write!(out, "={}", (mask & m) >> e.bit)?;
            }
        }
    }
    let unknown = mask & !known;
    if unknown != 0 {
        if !first {
            out.write_str("|")?;
        }
        write!(out, "{unknown:#x}")?;
        first = false;
    }
    if first {
        out.write_str("none")?;
    }
    Ok(())
}
