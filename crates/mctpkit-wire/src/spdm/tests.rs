//! SPDM tests: real captures (spdm-emu via spdm-wid), a hand-assembled 1.2
//! handshake, builders, pairing, context, truncation/garbage and proptest
//! round trips for every body Repr.

use super::auth::{DmtfMeasurementType, MeasurementBlock};
use super::misc::{ErrorData, StandardId};
use super::*;
use crate::describe::{Group, Summary};
use proptest::prelude::*;

extern crate std;
use std::format;
use std::string::{String, ToString};
use std::vec;
use std::vec::Vec;

const EXAMPLE: &str = include_str!("../../tests/data/spdm/spdm-wid_example.hex");
const ERROR_EXAMPLE: &str = include_str!("../../tests/data/spdm/spdm-wid_error_example.hex");
const HANDSHAKE_12: &str = include_str!("../../tests/data/spdm/handshake_1_2.hex");

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn fixture(text: &str) -> Vec<Vec<u8>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(unhex)
        .collect()
}

/// Collects `name=value (meaning)` lines with group paths.
#[derive(Default)]
struct Collect {
    path: Vec<&'static str>,
    lines: Vec<String>,
}
impl Visitor for Collect {
    fn field(&mut self, f: &Field<'_>) {
        let mut s = String::new();
        for p in self.path.iter().filter(|p| !p.is_empty()) {
            s.push_str(p);
            s.push('.');
        }
        s.push_str(&format!("{}={}", f.name, f.value));
        if let Some(m) = f.meaning {
            s.push_str(&format!(" ({m})"));
        }
        self.lines.push(s);
    }
    fn begin(&mut self, name: &'static str, g: Group, _: usize, _: usize) {
        // The message body ([`Group::Inline`]) is not part of the paths.
        self.path
            .push(if matches!(g, Group::ListItem | Group::Inline) {
                ""
            } else {
                name
            });
    }
    fn end(&mut self) {
        self.path.pop();
    }
}

fn fields(m: &Message<'_>) -> Vec<String> {
    let mut c = Collect::default();
    m.describe(&mut c);
    assert!(c.path.is_empty(), "unbalanced begin/end");
    c.lines
}

fn has(lines: &[String], want: &str) -> bool {
    lines.iter().any(|l| l == want)
}

fn summary(m: &Message<'_>) -> String {
    Summary(m).to_string()
}

/// Decode a conversation in order, threading the context.
fn decode_all(msgs: &[Vec<u8>]) -> Vec<Message<'_>> {
    let mut ctx = Context::default();
    msgs.iter()
        .map(|b| {
            let m = Message::parse_with(b, &ctx).unwrap();
            ctx.observe(&m);
            m
        })
        .collect()
}

fn assert_clean(msgs: &[Message<'_>]) {
    for (i, m) in msgs.iter().enumerate() {
        assert!(
            !matches!(
                m.body,
                Body::Malformed { .. } | Body::NeedsContext { .. } | Body::Raw(_)
            ),
            "message {i}: {}",
            summary(m)
        );
        assert_eq!(m.problem(), None, "message {i}: {}", summary(m));
    }
}

/// Re-encoding a decoded message gives the original bytes.
fn assert_reencodes(bytes: &[Vec<u8>], msgs: &[Message<'_>]) {
    for (b, m) in bytes.iter().zip(msgs) {
        assert_eq!(&m.to_vec(), b, "{}", summary(m));
    }
}

#[test]
fn capture_example_decodes_fully() {
    let bytes = fixture(EXAMPLE);
    assert_eq!(bytes.len(), 20);
    let msgs = decode_all(&bytes);
    assert_clean(&msgs);
    assert_reencodes(&bytes, &msgs);
    let codes: Vec<_> = msgs.iter().map(|m| m.header.code.name().unwrap()).collect();
    assert_eq!(
        codes,
        [
            "GET_VERSION",
            "VERSION",
            "GET_CAPABILITIES",
            "CAPABILITIES",
            "NEGOTIATE_ALGORITHMS",
            "ALGORITHMS",
            "GET_DIGESTS",
            "DIGESTS",
            "GET_CERTIFICATE",
            "CERTIFICATE",
            "GET_CERTIFICATE",
            "CERTIFICATE",
            "CHALLENGE",
            "CHALLENGE_AUTH",
            "KEY_EXCHANGE",
            "KEY_EXCHANGE_RSP",
            "FINISH",
            "FINISH_RSP",
            "GET_MEASUREMENTS",
            "MEASUREMENTS",
        ]
    );
    // VERSION lists 1.0 and 1.1.
    assert_eq!(summary(&msgs[1]), "SPDM VERSION rsp v1.0 versions=1.0,1.1");
    // CAPABILITIES: responder flags 0x0000fbf7 named per 1.1.
    match msgs[3].body {
        Body::Capabilities(c) => {
            assert_eq!(c.flags, Some(0xFBF7));
            assert_eq!(c.data_transfer_size, None);
        }
        ref b => panic!("{b:?}"),
    }
    let f = fields(&msgs[3]);
    assert!(
        has(
            &f,
            "flags_bits.handshake_in_the_clear_cap=1 (HANDSHAKE_IN_THE_CLEAR_CAP)"
        ),
        "{f:?}"
    );
    assert!(has(&f, "flags_bits.meas_cap=2 (MEAS_CAP)"), "{f:?}");
    assert!(
        !f.iter().any(|l| l.contains("chunk_cap")),
        "1.2 flag shown in 1.1"
    );
    // ALGORITHMS: SHA-384, ECDSA P-384, secp384r1, AES-256-GCM.
    let f = fields(&msgs[5]);
    assert!(
        has(&f, "base_hash_sel=0x00000002 (TPM_ALG_SHA_384)"),
        "{f:?}"
    );
    assert!(
        has(&f, "base_asym_sel=0x00000080 (TPM_ALG_ECDSA_ECC_NIST_P384)"),
        "{f:?}"
    );
    assert!(
        has(&f, "alg_structs.alg_supported=0x0010 (secp384r1)"),
        "{f:?}"
    );
    assert!(
        has(&f, "alg_structs.alg_supported=0x0002 (AES-256-GCM)"),
        "{f:?}"
    );
    // DIGESTS: slots 0-2 (Param2 0x07), SHA-384 digests.
    match msgs[7].body {
        Body::Digests(d) => assert_eq!((d.digest_size, d.digests.len()), (48, 3 * 48)),
        ref b => panic!("{b:?}"),
    }
    // CERTIFICATE: 1024-byte portion then 512 with nothing remaining.
    match (msgs[9].body, msgs[11].body) {
        (Body::Certificate(a), Body::Certificate(b)) => {
            assert_eq!((a.cert_chain.len(), a.remainder_length), (1024, 0x0208));
            assert_eq!((b.cert_chain.len(), b.remainder_length), (0x0208, 0));
        }
        b => panic!("{b:?}"),
    }
    // CHALLENGE_AUTH with a measurement summary hash (CHALLENGE Param2 = 0xFF).
    match msgs[13].body {
        Body::ChallengeAuth(c) => {
            assert_eq!(c.measurement_summary_hash.len(), 48);
            assert_eq!(c.signature.len(), 96);
        }
        ref b => panic!("{b:?}"),
    }
    // KEY_EXCHANGE_RSP: handshake in the clear → no ResponderVerifyData.
    match msgs[15].body {
        Body::KeyExchangeRsp(k) => {
            assert_eq!(k.exchange_data.len(), 96);
            assert_eq!(k.measurement_summary_hash.len(), 48);
            assert!(k.responder_verify_data.is_empty());
        }
        ref b => panic!("{b:?}"),
    }
    match msgs[17].body {
        Body::FinishRsp(v) => assert_eq!(v.verify_data.len(), 48),
        ref b => panic!("{b:?}"),
    }
    // MEASUREMENTS: 5 DMTF blocks, signed.
    match msgs[19].body {
        Body::Measurements(m) => {
            assert_eq!(m.number_of_blocks, 5);
            assert_eq!(m.blocks().count(), 5);
            assert_eq!(m.signature.len(), 96);
            assert!(m.blocks().all(|b| b.dmtf().is_some()));
        }
        ref b => panic!("{b:?}"),
    }
    // Each response pairs with the request before it.
    for pair in msgs.chunks(2) {
        let (q, r) = (pair[0].pairing().unwrap(), pair[1].pairing().unwrap());
        assert!(q.request && !r.request);
        assert_eq!(q.key, r.key, "{}", summary(&pair[0]));
    }
}

#[test]
fn capture_error_example_shows_error() {
    let bytes = fixture(ERROR_EXAMPLE);
    let msgs = decode_all(&bytes);
    assert_clean(&msgs);
    let last = msgs.last().unwrap();
    assert_eq!(last.header.code, RequestResponseCode::Error);
    assert_eq!(last.header.param1, ErrorCode::InvalidRequest.value());
    assert_eq!(
        summary(last),
        "SPDM ERROR rsp v1.1 InvalidRequest data=0x00"
    );
    let f = fields(last);
    assert!(has(&f, "error_code=0x01 (InvalidRequest)"), "{f:?}");
    // The ERROR answers the CHALLENGE before it (pending from the context).
    let q = msgs[msgs.len() - 2].pairing().unwrap();
    let r = last.pairing().unwrap();
    assert_eq!(
        msgs[msgs.len() - 2].header.code,
        RequestResponseCode::Challenge
    );
    assert_eq!((q.key, r.key, r.any_pending), (r.key, q.key, false));
    // Without context the ERROR pairs with any pending request.
    let alone = Message::parse(bytes.last().unwrap()).unwrap();
    assert!(alone.pairing().unwrap().any_pending);
}

#[test]
fn handshake_1_2_decodes_fully() {
    let bytes = fixture(HANDSHAKE_12);
    let spdm: Vec<Vec<u8>> = bytes.iter().filter(|b| b[0] == 0x05).cloned().collect();
    let msgs = decode_all(&spdm);
    assert_clean(&msgs);
    assert_reencodes(&spdm, &msgs);
    assert_eq!(msgs.len(), 18);
    let s: Vec<String> = msgs.iter().map(summary).collect();
    assert_eq!(s[1], "SPDM VERSION rsp v1.0 versions=1.0,1.1,1.2");
    assert_eq!(
        s[2],
        "SPDM GET_CAPABILITIES req v1.2 ct_exp=0 flags=CERT_CAP|CHAL_CAP|ENCRYPT_CAP|MAC_CAP|\
KEY_EX_CAP|HBEAT_CAP|KEY_UPD_CAP|HANDSHAKE_IN_THE_CLEAR_CAP|CHUNK_CAP dts=4096 max_msg=4096"
    );
    assert!(s[5].contains("hash=TPM_ALG_SHA_384"), "{}", s[5]);
    assert!(s[5].contains("DHE=secp384r1 AEAD=AES-256-GCM"), "{}", s[5]);
    assert_eq!(
        s[13],
        "SPDM MEASUREMENTS rsp v1.2 blocks=2 [1 Immutable ROM 9091929394959697...] \
[2 Mutable firmware version number 312e3032] signed"
    );
    let f = fields(&msgs[13]);
    assert!(
        has(
            &f,
            "measurement_record.value_type=6 (Mutable firmware version number)"
        ),
        "{f:?}"
    );
    assert!(
        has(&f, "measurement_record.raw_bit_stream=1 (raw bit stream)"),
        "{f:?}"
    );
    match msgs[13].body {
        Body::Measurements(m) => {
            let b: Vec<MeasurementBlock<'_>> = m.blocks().collect();
            assert_eq!(b[1].dmtf().unwrap().value, b"1.02");
            assert_eq!(
                b[0].dmtf().unwrap().value_type,
                DmtfMeasurementType::ImmutableRom
            );
        }
        ref b => panic!("{b:?}"),
    }
    match (msgs[14].body, msgs[15].body, msgs[16].body, msgs[17].body) {
        (Body::KeyExchange(q), Body::KeyExchangeRsp(r), Body::Finish(f), Body::FinishRsp(v)) => {
            assert_eq!((q.req_session_id, q.session_policy), (0xFFFE, 1));
            assert_eq!(r.rsp_session_id, 0xFFFD);
            assert!(r.measurement_summary_hash.is_empty());
            assert!(r.responder_verify_data.is_empty());
            assert_eq!(r.signature.len(), 96);
            assert!(f.signature.is_empty());
            assert_eq!(f.requester_verify_data.len(), 48);
            assert_eq!(v.verify_data.len(), 48);
        }
        b => panic!("{b:?}"),
    }
    assert!(s[15].contains("heartbeat=10"), "{}", s[15]);
    // The session record that follows.
    let rec = crate::secured::Message::parse(bytes.last().unwrap()).unwrap();
    assert_eq!(rec.session_id, 0xFFFD_FFFE);
    assert_eq!(rec.problem(), None);
    // Through the family dispatch, with the conversation context.
    let mut ctx = crate::message::Context::default();
    for b in &bytes {
        let m = crate::message::Message::parse_with(b, &ctx).unwrap();
        assert_eq!(m.problem(), None);
        if let crate::message::Message::Spdm(s) = &m {
            ctx.spdm.observe(s);
        }
    }
}

#[test]
fn builders_match_hand_assembled_bytes() {
    let bytes = fixture(HANDSHAKE_12);
    let fill =
        |n: usize, seed: u8| -> Vec<u8> { (0..n).map(|i| seed.wrapping_add(i as u8)).collect() };
    let v = Version::V12;
    assert_eq!(builder::get_version().to_vec(), bytes[0]);
    let entries = [0x00, 0x10, 0x00, 0x11, 0x00, 0x12];
    assert_eq!(builder::version(&entries).to_vec(), bytes[1]);
    let req_flags = 0x0002_E2C6;
    assert_eq!(
        builder::get_capabilities(v, 0, req_flags, 4096, 4096).to_vec(),
        bytes[2]
    );
    let mut structs = Vec::new();
    for (t, s) in [(2, 0x18), (3, 0x03), (4, 0x90), (5, 0x01)] {
        structs.extend_from_slice(&builder::alg_struct(t, s));
    }
    assert_eq!(
        builder::negotiate_algorithms(v, 1, 2, 0x90, 0x03, 4, &structs).to_vec(),
        bytes[4]
    );
    assert_eq!(builder::get_digests(v).to_vec(), bytes[6]);
    assert_eq!(builder::get_certificate(v, 0, 0, 0x400).to_vec(), bytes[8]);
    let nonce: [u8; 32] = fill(32, 0x30).try_into().unwrap();
    assert_eq!(
        builder::challenge(v, 0, 0xFF, &nonce, &[]).to_vec(),
        bytes[10]
    );
    let nonce: [u8; 32] = fill(32, 0x80).try_into().unwrap();
    assert_eq!(
        builder::get_measurements(v, 1, 0xFF, &nonce, 0).to_vec(),
        bytes[12]
    );
    let vd = fill(48, 0x44);
    assert_eq!(builder::finish(v, 0, &[], &vd).to_vec(), bytes[16]);
    let vd = fill(48, 0x55);
    assert_eq!(builder::finish_rsp(v, &vd).to_vec(), bytes[17]);
}

#[test]
fn needs_context_without_algorithms() {
    let bytes = fixture(EXAMPLE);
    for (i, reason) in [
        (7, "hash size unknown: ALGORITHMS not seen"),
        (13, "hash size unknown: ALGORITHMS not seen"),
        (14, "DHE exchange data size unknown: ALGORITHMS not seen"),
        (16, "hash size unknown: ALGORITHMS not seen"),
    ] {
        let m = Message::parse(&bytes[i]).unwrap();
        match m.body {
            Body::NeedsContext { reason: r, raw } => {
                assert_eq!(r, reason);
                assert_eq!(raw.len(), bytes[i].len() - 5);
            }
            ref b => panic!("{i}: {b:?}"),
        }
        assert_eq!(m.problem(), None);
        assert!(summary(&m).contains(reason));
        assert!(fields(&m)
            .iter()
            .any(|l| l.starts_with("undecoded_reason=")));
        // Re-encodes from the raw bytes.
        assert_eq!(m.to_vec(), bytes[i]);
    }
    // CHALLENGE_AUTH with algorithms but without the CHALLENGE.
    let msgs = decode_all(&bytes[..6]);
    let mut ctx = Context::default();
    for m in &msgs {
        ctx.observe(m);
    }
    let m = Message::parse_with(&bytes[13], &ctx).unwrap();
    assert!(matches!(
        m.body,
        Body::NeedsContext {
            reason: "measurement summary hash presence unknown: CHALLENGE not seen",
            ..
        }
    ));
    // MEASUREMENTS needs no context.
    assert!(matches!(
        Message::parse(&bytes[19]).unwrap().body,
        Body::Measurements(_)
    ));
}

#[test]
fn context_observe() {
    let bytes = fixture(EXAMPLE);
    let mut ctx = Context::default();
    for b in &bytes[..6] {
        ctx.observe(&Message::parse_with(b, &ctx).unwrap());
    }
    assert_eq!(ctx.version, Some(Version::V11));
    assert_eq!(ctx.requester_flags, Some(0xF7C6));
    assert_eq!(ctx.responder_flags, Some(0xFBF7));
    assert_eq!(ctx.hash_size(), Ok(48));
    assert_eq!(ctx.signature_size(), Ok(96));
    assert_eq!(ctx.dhe_size(), Ok(96));
    assert_eq!(ctx.aead, Some(0x0002));
    assert_eq!(ctx.handshake_in_the_clear(), Some(true));
    assert_eq!(
        ctx.pending.unwrap().code,
        RequestResponseCode::NegotiateAlgorithms
    );
    // GET_VERSION resets the conversation.
    ctx.observe(&Message::parse(&bytes[0]).unwrap());
    assert_eq!(ctx.base_hash_algo, None);
    assert_eq!(ctx.pending.unwrap().code, RequestResponseCode::GetVersion);
}

#[test]
fn error_response_not_ready_and_respond_if_ready() {
    let v = Version::V12;
    let e = builder::response_not_ready(v, 20, RequestResponseCode::GetMeasurements, 7, 3);
    let b = e.to_vec();
    assert_eq!(b, [0x05, 0x12, 0x7F, 0x42, 0x00, 20, 0xE0, 7, 3]);
    let m = Message::parse(&b).unwrap();
    assert_eq!(
        summary(&m),
        "SPDM ERROR rsp v1.2 ResponseNotReady data=0x00 for GET_MEASUREMENTS token=7 rdt=2^20us rdtm=3"
    );
    let f = fields(&m);
    assert!(has(&f, "request_code=0xe0 (GET_MEASUREMENTS)"), "{f:?}");
    assert!(has(&f, "rdt_exponent=20"), "{f:?}");
    assert!(has(&f, "rdtm=3"), "{f:?}");
    // ResponseNotReady names its request: pairs without context.
    let get = builder::get_measurements(v, 0, 1, &[0; 32], 0);
    assert_eq!(m.pairing().unwrap().key, get.pairing().unwrap().key);
    // RESPOND_IF_READY pairs with the eventual MEASUREMENTS.
    let rir = builder::respond_if_ready(v, RequestResponseCode::GetMeasurements, 7);
    assert_eq!(rir.to_vec(), [0x05, 0x12, 0xFF, 0xE0, 7]);
    let rir = Message::parse(&rir.to_vec()).unwrap().pairing().unwrap();
    let meas = builder::measurements(v, 0, 0, 0, &[], &[0; 32], &[], &[]);
    assert_eq!(rir.key, meas.pairing().unwrap().key);
    assert!(rir.request);
    // RESPOND_IF_READY keeps the original request pending.
    let mut ctx = Context::default();
    ctx.observe(&get);
    ctx.observe(&Message::parse(&b).unwrap());
    ctx.observe(&builder::respond_if_ready(
        v,
        RequestResponseCode::GetMeasurements,
        7,
    ));
    assert_eq!(
        ctx.pending.unwrap().code,
        RequestResponseCode::GetMeasurements
    );
    // Every error code has a name (those with extended data are tested above).
    for c in ErrorCode::ALL.iter().filter(|c| {
        !matches!(
            c,
            ErrorCode::ResponseNotReady | ErrorCode::LargeResponse | ErrorCode::VendorDefined
        )
    }) {
        let m = builder::error(v, *c, 0).to_vec();
        assert!(summary(&Message::parse(&m).unwrap()).contains(c.name().unwrap()));
    }
}

#[test]
fn vendor_defined_chunk_csr() {
    let v = Version::V12;
    let m = builder::vendor_defined_request(v, StandardId::PciSig, &[0x86, 0x80], &[1, 2, 3]);
    let b = m.to_vec();
    assert_eq!(
        b,
        [0x05, 0x12, 0xFE, 0, 0, 3, 0, 2, 0x86, 0x80, 3, 0, 1, 2, 3]
    );
    let p = Message::parse(&b).unwrap();
    assert_eq!(p.body, m.body);
    assert!(has(&fields(&p), "standard_id=0x0003 (PCI-SIG)"));
    let c = builder::chunk_send(v, 4, 0, false, 100, &[9; 10]);
    let b = c.to_vec();
    assert_eq!(
        &b[..17],
        &[0x05, 0x12, 0x85, 0, 4, 0, 0, 0, 0, 10, 0, 0, 0, 100, 0, 0, 0]
    );
    assert_eq!(Message::parse(&b).unwrap().body, c.body);
    let g = builder::chunk_get(v, 4, 1).to_vec();
    assert_eq!(g, [0x05, 0x12, 0x86, 0, 4, 1, 0]);
    // GET_CSR hand-assembled.
    let csr = [0x05, 0x12, 0xED, 0, 0, 2, 0, 1, 0, 0xAA, 0xBB, 0xCC];
    match Message::parse(&csr).unwrap().body {
        Body::GetCsr(g) => {
            assert_eq!(g.requester_info, &[0xAA, 0xBB]);
            assert_eq!(g.opaque_data, &[0xCC]);
        }
        b => panic!("{b:?}"),
    }
}

#[test]
fn truncated_and_trailing() {
    assert!(Message::parse(&[]).is_err());
    assert!(Message::parse(&[0x05, 0x12, 0x84, 0]).is_err());
    // Every prefix of every fixture message: header error or a value, no panic.
    for text in [EXAMPLE, ERROR_EXAMPLE, HANDSHAKE_12] {
        let bytes = fixture(text);
        let spdm: Vec<Vec<u8>> = bytes.iter().filter(|b| b[0] == 0x05).cloned().collect();
        let full = decode_all(&spdm);
        let mut ctx = Context::default();
        for (b, m) in spdm.iter().zip(&full) {
            for n in 0..b.len() {
                match Message::parse_with(&b[..n], &ctx) {
                    Err(e) => assert!(n < 5, "{e}"),
                    Ok(t) => {
                        let _ = summary(&t);
                        let _ = fields(&t);
                        // A shortened non-empty body is malformed (or raw/empty).
                        if m.body.buffer_len(&m.header) > 0 && n < b.len() {
                            if let Body::Malformed { error, .. } = t.body {
                                assert!(error.offset <= n, "{error}");
                            }
                        }
                    }
                }
            }
            ctx.observe(m);
        }
    }
    // A truncated CERTIFICATE is Malformed with the offset from the type byte.
    let bytes = fixture(EXAMPLE);
    let m = Message::parse(&bytes[9][..100]).unwrap();
    let e = m.problem().unwrap();
    assert!(matches!(e.kind, crate::error::ErrorKind::Truncated { .. }));
    assert_eq!(e.offset, 100);
    assert!(summary(&m).contains("!! malformed"));
    // Trailing bytes after GET_VERSION.
    let m = Message::parse(&[0x05, 0x10, 0x84, 0, 0, 0xEE]).unwrap();
    assert_eq!(m.problem().unwrap().offset, 5);
    assert!(summary(&m).ends_with("!! 1 trailing bytes"));
    assert!(has(&fields(&m), "trailing=ee"));
    // NEGOTIATE_ALGORITHMS whose Length disagrees.
    let mut b = bytes[4].clone();
    b[5] = 0x31;
    let m = Message::parse(&b).unwrap();
    assert!(matches!(
        m.problem().unwrap().kind,
        crate::error::ErrorKind::LengthMismatch {
            field: "length",
            declared: 0x31,
            actual: 48
        }
    ));
}

#[test]
fn fragmenter_splits_certificate() {
    let bytes = fixture(EXAMPLE);
    let cert = &bytes[9];
    let mut f = crate::fragment::Fragmenter::new(cert, 9, 8, false, 0, 64, 0).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 128];
    while let Some(r) = f.next_into(&mut buf) {
        let n = r.unwrap();
        out.extend_from_slice(&buf[4..n]);
    }
    assert_eq!(&out, cert);
    assert!(matches!(
        Message::parse(&out).unwrap().body,
        Body::Certificate(_)
    ));
}

#[test]
fn every_code_is_named_and_paired() {
    for c in RequestResponseCode::ALL {
        assert!(c.name().is_some());
        if c.is_request() && *c != RequestResponseCode::RespondIfReady {
            assert!(c.response_code().is_known(), "{c}");
        }
    }
}

// ---- proptest round trips -------------------------------------------------

fn full_ctx() -> Context {
    Context {
        version: Some(Version::V12),
        requester_flags: Some(0),
        responder_flags: Some(0),
        measurement_specification: Some(1),
        other_params: Some(0),
        measurement_hash_algo: Some(4),
        base_asym_algo: Some(0x80),
        base_hash_algo: Some(0x02),
        dhe: Some(0x10),
        aead: Some(0x02),
        req_base_asym_alg: Some(0x80),
        key_schedule: Some(1),
        pending: None,
    }
}

fn pending(code: RequestResponseCode, p1: u8, p2: u8) -> Option<Pending> {
    Some(Pending {
        version: Version::V12,
        code,
        param1: p1,
        param2: p2,
    })
}

fn round_trip(m: &Message<'_>, ctx: &Context) -> core::result::Result<(), TestCaseError> {
    let v = m.to_vec();
    prop_assert_eq!(v.len(), m.buffer_len());
    let p = Message::parse_with(&v, ctx).unwrap();
    prop_assert_eq!(p.header, m.header);
    prop_assert_eq!(p.body, m.body);
    prop_assert!(p.trailing.is_empty());
    prop_assert_eq!(p.problem(), None);
    let _ = summary(&p);
    let _ = fields(&p);
    Ok(())
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}
fn exact(n: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), n..=n)
}
fn version() -> impl Strategy<Value = Version> {
    (0x10u8..=0x13).prop_map(Version)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn rt_version(n in 0usize..20, e in bytes(40)) {
        let entries = &e[..(n * 2).min(e.len() / 2 * 2)];
        round_trip(&builder::version(entries), &Context::default())?;
    }

    #[test]
    fn rt_capabilities(v in version(), ct in any::<u8>(), fl in any::<u32>(), d in any::<u32>(), mx in any::<u32>()) {
        round_trip(&builder::get_capabilities(v, ct, fl, d, mx), &Context::default())?;
        round_trip(&builder::capabilities(v, ct, fl, d, mx), &Context::default())?;
    }

    #[test]
    fn rt_algorithms(v in version(), ms in any::<u8>(), op in any::<u8>(), a in any::<u32>(), h in any::<u32>(),
                     mh in any::<u32>(), structs in proptest::collection::vec((2u8..6, any::<u16>(), 0usize..3), 0..5),
                     ext in bytes(64), na in 0usize..3, ne in 0usize..3, mel in any::<u8>()) {
        let mut raw = Vec::new();
        for (t, s, k) in &structs {
            raw.extend_from_slice(&[*t, 0x20 | *k as u8]);
            raw.extend_from_slice(&s.to_le_bytes());
            raw.extend(core::iter::repeat_n(0xEE, k * 4));
        }
        let ea = &ext[..(na * 4).min(ext.len() / 4 * 4)];
        let eh = &ext[ea.len()..ea.len() + (ne * 4).min((ext.len() - ea.len()) / 4 * 4)];
        let mut q = builder::negotiate_algorithms(v, ms, op, a, h, structs.len() as u8, &raw);
        if let Body::NegotiateAlgorithms(b) = &mut q.body {
            b.ext_asym = ea; b.ext_hash = eh; b.mel_specification = mel;
            b.length = (4 + 28 + ea.len() + eh.len() + raw.len()) as u16;
        }
        round_trip(&q, &Context::default())?;
        let mut r = builder::algorithms(v, ms, op, mh, a, h, structs.len() as u8, &raw);
        if let Body::Algorithms(b) = &mut r.body {
            b.ext_asym = ea; b.ext_hash = eh; b.mel_specification = mel;
            b.length = (4 + 32 + ea.len() + eh.len() + raw.len()) as u16;
        }
        round_trip(&r, &Context::default())?;
    }

    #[test]
    fn rt_digests_certificate(mask in any::<u8>(), d in exact(8 * 48), multi in any::<bool>(),
                              off in any::<u16>(), len in any::<u16>(), rem in any::<u16>(), chain in bytes(300), slot in 0u8..8) {
        let n = mask.count_ones() as usize;
        let mut m = builder::digests(Version::V13, mask, 48, &d[..n * 48]);
        let k = [7u8; 16];
        if let Body::Digests(b) = &mut m.body {
            if n == 0 { b.digest_size = 0; }
            if multi && n > 0 {
                b.key_pair_ids = &k[..n]; b.certificate_infos = &k[..n]; b.key_usage_masks = &k[..2 * n];
            }
        }
        round_trip(&m, &full_ctx())?;
        round_trip(&builder::get_certificate(Version::V12, slot, off, len), &full_ctx())?;
        round_trip(&builder::certificate(Version::V12, slot, rem, &chain), &full_ctx())?;
    }

    #[test]
    fn rt_challenge(v in version(), n in exact(32), rc in exact(8), hash in exact(48), sig in exact(96),
                    msh in any::<bool>(), opaque in bytes(40), slot in 0u8..8) {
        let nonce: [u8; 32] = n.clone().try_into().unwrap();
        let ctxb = if v >= Version::V13 { &rc[..] } else { &[][..] };
        round_trip(&builder::challenge(v, slot, if msh { 0xFF } else { 0 }, &nonce, ctxb), &full_ctx())?;
        let mut m = builder::challenge_auth(v, slot, 1 << slot, &hash, &nonce,
            if msh { &hash } else { &[] }, &opaque, &sig);
        if let Body::ChallengeAuth(b) = &mut m.body { b.requester_context = ctxb; }
        let mut ctx = full_ctx();
        ctx.pending = pending(RequestResponseCode::Challenge, slot, if msh { 1 } else { 0 });
        round_trip(&m, &ctx)?;
    }

    #[test]
    fn rt_measurements(v in version(), attrs in 0u8..8, op in any::<u8>(), n in exact(32), slot in 0u8..8,
                       rc in exact(8), blocks in proptest::collection::vec((any::<u8>(), any::<u8>(), bytes(60)), 0..5),
                       opaque in bytes(30), sig in exact(96), signed in any::<bool>()) {
        let nonce: [u8; 32] = n.clone().try_into().unwrap();
        let ctxb = if v >= Version::V13 { &rc[..] } else { &[][..] };
        let mut q = builder::get_measurements(v, attrs, op, &nonce, slot);
        if let Body::GetMeasurements(b) = &mut q.body { b.requester_context = ctxb; }
        round_trip(&q, &full_ctx())?;
        let mut record = Vec::new();
        for (i, t, val) in &blocks {
            let meas: Vec<u8> = [&[*t][..], &(val.len() as u16).to_le_bytes(), val].concat();
            record.extend_from_slice(&[*i, 1]);
            record.extend_from_slice(&(meas.len() as u16).to_le_bytes());
            record.extend_from_slice(&meas);
        }
        let mut m = builder::measurements(v, 0, slot, blocks.len() as u8, &record, &nonce, &opaque,
            if signed { &sig } else { &[] });
        if let Body::Measurements(b) = &mut m.body { b.requester_context = ctxb; }
        let mut ctx = full_ctx();
        ctx.pending = pending(RequestResponseCode::GetMeasurements, u8::from(signed), 0xFF);
        round_trip(&m, &ctx)?;
    }

    #[test]
    fn rt_key_exchange(v in (0x11u8..=0x13).prop_map(Version), r in exact(32), x in exact(96), h in exact(48),
                       s in exact(96), opaque in bytes(40), sid in any::<u16>(), pol in any::<u8>(),
                       msh in any::<bool>(), clear in any::<bool>(), mutual in any::<bool>()) {
        let random: [u8; 32] = r.clone().try_into().unwrap();
        round_trip(&builder::key_exchange(v, if msh { 1 } else { 0 }, 0, sid, pol, &random, &x, &opaque), &full_ctx())?;
        let m = builder::key_exchange_rsp(v, 5, sid, 0, &random, &x, if msh { &h } else { &[] },
            &opaque, &s, if clear { &[] } else { &h });
        let mut ctx = full_ctx();
        let f = if clear { 1 << 15 } else { 0 };
        ctx.requester_flags = Some(f);
        ctx.responder_flags = Some(f);
        ctx.pending = pending(RequestResponseCode::KeyExchange, if msh { 0xFF } else { 0 }, 0);
        round_trip(&m, &ctx)?;
        round_trip(&builder::finish(v, 0, if mutual { &s } else { &[] }, &h), &full_ctx())?;
        round_trip(&builder::finish_rsp(v, if clear { &h } else { &[] }), &full_ctx())?;
    }

    #[test]
    fn rt_psk(hint in bytes(20), c in bytes(40), o in bytes(20), h in exact(48), msh in any::<bool>(), sid in any::<u16>()) {
        let v = Version::V12;
        round_trip(&builder::psk_exchange(v, u8::from(msh), sid, &hint, &c, &o), &full_ctx())?;
        let m = Message::new(Header::new(v, RequestResponseCode::PskExchangeRsp, 0, 0),
            Body::PskExchangeRsp(session::PskExchangeRsp {
                rsp_session_id: sid, measurement_summary_hash: if msh { &h } else { &[] },
                responder_context: &c, opaque_data: &o, responder_verify_data: &h }));
        let mut ctx = full_ctx();
        ctx.pending = pending(RequestResponseCode::PskExchange, u8::from(msh), 0);
        round_trip(&m, &ctx)?;
        // Without the request, the length decides (context sizes are fixed).
        round_trip(&m, &full_ctx())?;
        let pf = Message::new(Header::new(v, RequestResponseCode::PskFinish, 0, 0),
            Body::PskFinish(session::VerifyData { verify_data: &h }));
        round_trip(&pf, &full_ctx())?;
    }

    #[test]
    fn rt_encapsulated(v in (0x11u8..=0x13).prop_map(Version), payload in bytes(40), id in any::<u8>(), ack in any::<u8>()) {
        for code in [RequestResponseCode::EncapsulatedRequest, RequestResponseCode::DeliverEncapsulatedResponse] {
            let m = Message::new(Header::new(v, code, id, 0),
                Body::Encapsulated(session::Encapsulated { message: &payload }));
            round_trip(&m, &Context::default())?;
        }
        let m = Message::new(Header::new(v, RequestResponseCode::EncapsulatedResponseAck, id, 1),
            Body::EncapsulatedResponseAck(session::EncapsulatedResponseAck {
                ack_request_id: (v >= Version::V12).then_some(ack), payload: &payload }));
        round_trip(&m, &Context::default())?;
    }

    #[test]
    fn rt_error(code in any::<u8>(), data in any::<u8>(), ext in bytes(32), b4 in any::<[u8; 4]>()) {
        let v = Version::V12;
        let body = match ErrorCode::from_value(code) {
            ErrorCode::ResponseNotReady => ErrorData::ResponseNotReady {
                rdt_exponent: b4[0], request_code: b4[1], token: b4[2], rdtm: b4[3] },
            ErrorCode::LargeResponse => ErrorData::LargeResponse { handle: b4[0] },
            ErrorCode::VendorDefined => ErrorData::VendorDefined {
                vendor_id: &ext[..ext.len().min(4)], data: &ext[ext.len().min(4)..] },
            _ => ErrorData::Other(&ext),
        };
        let m = Message::new(Header::new(v, RequestResponseCode::Error, code, data),
            Body::Error(misc::ErrorResponse { data: body }));
        round_trip(&m, &Context::default())?;
    }

    #[test]
    fn rt_misc(std_id in any::<u16>(), vid in bytes(8), payload in bytes(40), seq in any::<u16>(),
               handle in any::<u8>(), last in any::<bool>(), total in any::<u32>()) {
        let v = Version::V12;
        for code in [RequestResponseCode::VendorDefinedRequest, RequestResponseCode::VendorDefinedResponse] {
            let m = Message::new(Header::new(v, code, 0, 0), Body::VendorDefined(misc::VendorDefined {
                standard_id: StandardId::from_value(std_id), vendor_id: &vid, payload: &payload }));
            round_trip(&m, &Context::default())?;
        }
        round_trip(&builder::chunk_send(v, handle, seq, last, total, &payload), &Context::default())?;
        let cr = Message::new(Header::new(v, RequestResponseCode::ChunkResponse, u8::from(last), handle),
            Body::ChunkResponse(misc::Chunk { chunk_seq_no: seq,
                large_message_size: (seq == 0).then_some(total), chunk: &payload }));
        round_trip(&cr, &Context::default())?;
        let ack = Message::new(Header::new(v, RequestResponseCode::ChunkSendAck, 0, handle),
            Body::ChunkSendAck(misc::ChunkSendAck { chunk_seq_no: seq, response_to_large_request: &payload }));
        round_trip(&ack, &Context::default())?;
        round_trip(&builder::chunk_get(v, handle, seq), &Context::default())?;
        let g = Message::new(Header::new(v, RequestResponseCode::GetCsr, 0, 0),
            Body::GetCsr(misc::GetCsr { requester_info: &vid, opaque_data: &payload }));
        round_trip(&g, &Context::default())?;
        let c = Message::new(Header::new(v, RequestResponseCode::Csr, 0, 0),
            Body::Csr(misc::Csr { csr: &payload }));
        round_trip(&c, &Context::default())?;
        let s = Message::new(Header::new(v, RequestResponseCode::SetCertificate, 0, 0),
            Body::SetCertificate(misc::SetCertificate { cert_chain: &payload }));
        round_trip(&s, &Context::default())?;
        for code in [RequestResponseCode::Heartbeat, RequestResponseCode::EndSessionAck,
                     RequestResponseCode::KeyUpdate, RequestResponseCode::RespondIfReady] {
            round_trip(&builder::bare(v, code, handle, seq as u8), &Context::default())?;
        }
    }

    #[test]
    fn garbage_never_panics(b in bytes(200), hash in 0u32..0x100, asym in 0u32..0x1000, dhe in 0u16..0x80,
                            p in proptest::option::of((any::<u8>(), any::<u8>(), any::<u8>()))) {
        let mut ctx = full_ctx();
        ctx.base_hash_algo = Some(hash);
        ctx.base_asym_algo = Some(asym);
        ctx.dhe = Some(dhe);
        ctx.pending = p.and_then(|(c, p1, p2)| pending(RequestResponseCode::from_value(c | 0x80), p1, p2));
        let mut msg = vec![0x05];
        msg.extend_from_slice(&b);
        for c in [Context::default(), ctx] {
            if let Ok(m) = Message::parse_with(&msg, &c) {
                let _ = summary(&m);
                let _ = fields(&m);
                let _ = m.problem();
                let _ = m.pairing();
                let mut c2 = c;
                c2.observe(&m);
                // Re-encoding a decoded message decodes to the same value
                // (reserved bytes are written as zero, trailing bytes dropped).
                let again = m.to_vec();
                prop_assert_eq!(again.len(), m.buffer_len());
                let m2 = Message::parse_with(&again, &c).unwrap();
                prop_assert_eq!(m2.header, m.header);
                prop_assert_eq!(m2.body, m.body);
            }
        }
    }
}
