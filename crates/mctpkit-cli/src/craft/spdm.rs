//! `mctpkit craft spdm <request>`: SPDM (DSP0274) messages from
//! `mctpkit_wire::spdm::builder`; this file only maps options to builder
//! arguments.

use clap::{Args, Subcommand};
use mctpkit::wire::spdm::{builder, Body, Header, Message, RequestResponseCode, Version};

use super::parse;

pub const AFTER_HELP: &str = "\
Examples:
  mctpkit craft --decode spdm get-version
  mctpkit craft spdm get-capabilities --version 1.2 --flags 0x0000c6d6
  mctpkit craft spdm negotiate-algorithms --base-asym 0x80 --base-hash 0x02 \\
      --dhe 0x0010 --aead 0x0002 --req-base-asym 0x0080 --key-schedule 0x0001
  mctpkit craft spdm get-digests
  mctpkit craft spdm get-certificate --slot 0 --offset 0 --length 0x400
  mctpkit craft spdm challenge --slot 0 --hash-type 0xff --nonce random
  mctpkit craft --decode spdm get-measurements --version 1.2 --index 0xff --nonce random
  # A CERTIFICATE response split into 64-byte packets:
  mctpkit craft --mtu 64 spdm certificate --slot 0 --remainder 0 \"$(printf '30%.0s' $(seq 200))\"
  # Generic: request/response code, params, then the body as hex:
  mctpkit craft spdm --version 1.0 --code 0x04 00 03 00 10 00 11 00 12

--version (default 1.2; GET_VERSION always goes as 1.0) goes after `spdm`,
before or after the request name. TO defaults to 1 for request codes (bit 7
set), 0 for responses.";

#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP, next_help_heading = "SPDM header (any position)")]
pub struct SpdmArgs {
    /// SPDMVersion, e.g. 1.0, 1.1, 1.2, 1.3 (or the byte, 0x12).
    #[arg(long, global = true, default_value = "1.2", value_parser = version)]
    pub version: Version,
    /// Generic form: RequestResponseCode.
    #[arg(long, value_parser = parse::u8_)]
    pub code: Option<u8>,
    /// Generic form: Param1.
    #[arg(long, default_value = "0", value_parser = parse::u8_, requires = "code")]
    pub param1: u8,
    /// Generic form: Param2.
    #[arg(long, default_value = "0", value_parser = parse::u8_, requires = "code")]
    pub param2: u8,
    /// Generic form: the body after Param2, hex.
    #[arg(value_name = "HEX", requires = "code")]
    pub hex: Vec<String>,
    #[command(subcommand)]
    pub command: Option<SpdmCommand>,
}

fn version(s: &str) -> Result<Version, String> {
    if let Some((ma, mi)) = s.split_once('.') {
        let d = |x: &str| {
            x.parse::<u8>()
                .ok()
                .filter(|v| *v < 16)
                .ok_or_else(|| format!("{s:?}: expected major.minor, e.g. 1.2"))
        };
        return Ok(Version((d(ma)? << 4) | d(mi)?));
    }
    parse::u8_(s).map(Version)
}

/// 32 nonce bytes as hex, or `random`.
fn nonce(s: &str) -> Result<[u8; 32], String> {
    if s.eq_ignore_ascii_case("random") {
        return Ok(random32());
    }
    parse::hex_bytes(s)?
        .try_into()
        .map_err(|_| format!("{s:?}: a nonce is 32 bytes (64 hex digits) or `random`"))
}

/// 32 unpredictable bytes from the standard library's per-process hash
/// keys and the clock: good enough for a test nonce, not for cryptography.
fn random32() -> [u8; 32] {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut out = [0u8; 32];
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        let mut h = RandomState::new().build_hasher();
        h.write_u128(t);
        h.write_usize(i);
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    out
}

#[derive(Subcommand, Debug)]
pub enum SpdmCommand {
    /// GET_VERSION (0x84), always version 1.0.
    GetVersion,
    /// GET_CAPABILITIES (0xE1); 1.0 has no fields, 1.2+ adds the transfer sizes.
    GetCapabilities {
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        ct_exponent: u8,
        /// Requester capability flags.
        #[arg(long, default_value = "0", value_parser = parse::u32_)]
        flags: u32,
        #[arg(long, default_value = "4096", value_parser = parse::u32_)]
        data_transfer_size: u32,
        #[arg(long, default_value = "4096", value_parser = parse::u32_)]
        max_spdm_msg_size: u32,
    },
    /// NEGOTIATE_ALGORITHMS (0xE3); each of --dhe, --aead, --req-base-asym,
    /// --key-schedule adds an algorithm structure (AlgType 2..5).
    NegotiateAlgorithms {
        /// MeasurementSpecification (bit 0 = DMTF).
        #[arg(long, default_value = "1", value_parser = parse::u8_)]
        measurement_spec: u8,
        /// OtherParamsSupport (1.2: bit 1 = opaque data format 1).
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        other_params: u8,
        /// BaseAsymAlgo bits (0x80 = ECDSA P-384).
        #[arg(long, default_value = "0x80", value_parser = parse::u32_)]
        base_asym: u32,
        /// BaseHashAlgo bits (0x02 = SHA-384).
        #[arg(long, default_value = "0x02", value_parser = parse::u32_)]
        base_hash: u32,
        /// DHE supported bits (AlgType 2).
        #[arg(long, value_parser = parse::u16_)]
        dhe: Option<u16>,
        /// AEAD cipher suite bits (AlgType 3).
        #[arg(long, value_parser = parse::u16_)]
        aead: Option<u16>,
        /// ReqBaseAsymAlg bits (AlgType 4).
        #[arg(long, value_parser = parse::u16_)]
        req_base_asym: Option<u16>,
        /// KeySchedule bits (AlgType 5).
        #[arg(long, value_parser = parse::u16_)]
        key_schedule: Option<u16>,
    },
    /// GET_DIGESTS (0x81).
    GetDigests,
    /// GET_CERTIFICATE (0x82).
    GetCertificate {
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        slot: u8,
        #[arg(long, default_value = "0", value_parser = parse::u16_)]
        offset: u16,
        #[arg(long, default_value = "0x400", value_parser = parse::u16_)]
        length: u16,
    },
    /// CERTIFICATE response (0x02): a portion of the chain, hex.
    Certificate {
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        slot: u8,
        /// RemainderLength.
        #[arg(long, default_value = "0", value_parser = parse::u16_)]
        remainder: u16,
        /// Certificate chain portion, hex.
        #[arg(value_name = "HEX")]
        portion: Vec<String>,
    },
    /// CHALLENGE (0x83).
    Challenge {
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        slot: u8,
        /// MeasurementSummaryHashType: 0 none, 1 TCB, 0xff all.
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        hash_type: u8,
        /// 32 bytes hex, or `random` (default all zero).
        #[arg(long, value_parser = nonce)]
        nonce: Option<[u8; 32]>,
    },
    /// GET_MEASUREMENTS (0xE0), signature requested unless --unsigned.
    GetMeasurements {
        /// Measurement operation: 0 = count, 1..0xFE = index, 0xFF = all.
        #[arg(long, default_value = "0xff", value_parser = parse::u8_)]
        index: u8,
        /// SlotIDParam (1.1+, signed requests only).
        #[arg(long, default_value = "0", value_parser = parse::u8_)]
        slot: u8,
        /// 32 bytes hex, or `random` (default all zero).
        #[arg(long, value_parser = nonce)]
        nonce: Option<[u8; 32]>,
        /// No signature requested (no nonce or slot sent).
        #[arg(long)]
        unsigned: bool,
        /// RawBitStreamRequested (attribute bit 1).
        #[arg(long)]
        raw_bitstream: bool,
    },
}

/// The message bytes, type byte first.
pub fn build(a: &SpdmArgs) -> Result<Vec<u8>, String> {
    let v = a.version;
    if a.command.is_some() && (a.code.is_some() || !a.hex.is_empty()) {
        return Err("spdm: --code/HEX (generic form) cannot go with a request name".into());
    }
    let Some(cmd) = &a.command else {
        let Some(code) = a.code else {
            return Err("spdm: give a request (see --help) or --code 0xNN [HEX]".into());
        };
        let body = parse::hex_bytes(&a.hex.join(" "))?;
        let h = Header::new(v, RequestResponseCode::from_value(code), a.param1, a.param2);
        return Ok(Message::new(h, Body::Raw(&body)).to_vec());
    };
    use SpdmCommand as S;
    let zero = [0u8; 32];
    let m = match cmd {
        S::GetVersion => builder::get_version().to_vec(),
        S::GetCapabilities {
            ct_exponent,
            flags,
            data_transfer_size,
            max_spdm_msg_size,
        } => builder::get_capabilities(
            v,
            *ct_exponent,
            *flags,
            *data_transfer_size,
            *max_spdm_msg_size,
        )
        .to_vec(),
        S::NegotiateAlgorithms {
            measurement_spec,
            other_params,
            base_asym,
            base_hash,
            dhe,
            aead,
            req_base_asym,
            key_schedule,
        } => {
            let mut structs = Vec::new();
            let mut count = 0u8;
            for (t, bits) in [(2, dhe), (3, aead), (4, req_base_asym), (5, key_schedule)] {
                if let Some(b) = bits {
                    structs.extend_from_slice(&builder::alg_struct(t, *b));
                    count += 1;
                }
            }
            builder::negotiate_algorithms(
                v,
                *measurement_spec,
                *other_params,
                *base_asym,
                *base_hash,
                count,
                &structs,
            )
            .to_vec()
        }
        S::GetDigests => builder::get_digests(v).to_vec(),
        S::GetCertificate {
            slot,
            offset,
            length,
        } => builder::get_certificate(v, *slot, *offset, *length).to_vec(),
        S::Certificate {
            slot,
            remainder,
            portion,
        } => {
            let p = parse::hex_bytes(&portion.join(" "))?;
            if p.len() > 0xFFFF {
                return Err("spdm certificate: PortionLength is 16 bits".into());
            }
            builder::certificate(v, *slot, *remainder, &p).to_vec()
        }
        S::Challenge {
            slot,
            hash_type,
            nonce,
        } => {
            builder::challenge(v, *slot, *hash_type, nonce.as_ref().unwrap_or(&zero), &[]).to_vec()
        }
        S::GetMeasurements {
            index,
            slot,
            nonce,
            unsigned,
            raw_bitstream,
        } => {
            let attrs = u8::from(!unsigned) | (u8::from(*raw_bitstream) << 1);
            builder::get_measurements(v, attrs, *index, nonce.as_ref().unwrap_or(&zero), *slot)
                .to_vec()
        }
    };
    Ok(m)
}
