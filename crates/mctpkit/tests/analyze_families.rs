//! Analyser pairing and statistics across message families, on a capture
//! built from the wire crate's family builders: a PLDM GetSensorReading
//! poll (with a retry, an error completion, a mismatched and an unanswered
//! request), an SPDM 1.2 GET_VERSION..MEASUREMENTS exchange (DMTF layouts,
//! `handshake_1_2.hex`), NVMe-MI health polls (with More Processing
//! Required), CXL requests (a tunnel, an error return code, Background
//! Command Started) and PLDM GetPDR multipart transfers (good and bad CRC).
//! The capture goes through `PcapWriter` and back through the reader.

#[path = "common/strict_json.rs"]
mod strict_json;

use mctpkit::analyze::{
    Analyzer, AnalyzerOptions, CommandKey, Detail, Filter, Finding, FindingKind, MessageEvent,
    RequestMatch, Sink, Stats,
};
use mctpkit::capture::{Capture, CaptureOptions, Direction, PcapWriter, Timestamp};
use mctpkit::wire::cxl::{self, ReturnCode};
use mctpkit::wire::mctp::Repr;
use mctpkit::wire::nvme_mi::{self, Status};
use mctpkit::wire::pldm::builder::{self as pb, PldmBuilder};
use mctpkit::wire::pldm::platform::SensorState;
use mctpkit::wire::pldm::{pdr, PldmType};

const BMC: u8 = 0x08;
const PLDM_DEV: u8 = 0x09;
const SPDM_DEV: u8 = 0x0A;
const NVME_DEV: u8 = 0x0B;
const CXL_DEV: u8 = 0x0C;

const HANDSHAKE_12: &str = include_str!("../../mctpkit-wire/tests/data/spdm/handshake_1_2.hex");

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// A capture under construction: MCTP packets (binding none) with
/// timestamps in µs; messages longer than 64 bytes are split into packets.
#[derive(Default)]
struct Cap {
    packets: Vec<(i64, Vec<u8>)>,
    t: i64,
}

impl Cap {
    /// Send `msg` at time `t` µs; returns the capture index of its first packet.
    fn send(&mut self, t: i64, dst: u8, src: u8, to: bool, tag: u8, msg: &[u8]) -> usize {
        self.t = t;
        let first = self.packets.len() + 1;
        let chunks: Vec<&[u8]> = msg.chunks(64).collect();
        for (i, c) in chunks.iter().enumerate() {
            let mut b = vec![0u8; 4];
            Repr::new(
                dst,
                src,
                i == 0,
                i + 1 == chunks.len(),
                (i & 3) as u8,
                to,
                tag,
            )
            .emit_bytes(&mut b)
            .unwrap();
            b.extend_from_slice(c);
            self.packets.push((t, b));
        }
        first
    }
    fn req(&mut self, t: i64, dst: u8, tag: u8, msg: &[u8]) -> usize {
        self.send(t, dst, BMC, true, tag, msg)
    }
    fn rsp(&mut self, t: i64, src: u8, tag: u8, msg: &[u8]) -> usize {
        self.send(t, BMC, src, false, tag, msg)
    }

    /// Write as a pcap (Linux SLL2, as `tcpdump -i mctpN` writes).
    fn pcap(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = PcapWriter::new(&mut out).unwrap();
        for (t, p) in &self.packets {
            let ts = Timestamp {
                secs: t / 1_000_000,
                nanos: ((t % 1_000_000) * 1000) as u32,
            };
            w.write_packet(ts, Direction::Outgoing, p).unwrap();
        }
        out
    }
}

#[derive(Debug, Clone)]
struct Msg {
    first: usize,
    src: u8,
    summary: String,
    request: Option<RequestMatch>,
    command: Option<CommandKey>,
    multipart: Option<String>,
}

#[derive(Default)]
struct Log {
    msgs: Vec<Msg>,
    findings: Vec<Finding>,
    stats: Stats,
}

impl Sink for Log {
    fn message(&mut self, m: &MessageEvent<'_>) {
        self.stats.message(m);
        let mut summary = String::new();
        match &m.message {
            Ok(msg) => msg.as_describe().summary(&mut summary).unwrap(),
            Err(e) => summary = format!("!! {e}"),
        }
        self.msgs.push(Msg {
            first: m.envelope.first_index,
            src: m.envelope.src,
            summary,
            request: m.request,
            command: m.command_key,
            multipart: m.multipart.map(|t| t.to_string()),
        });
    }
    fn finding(&mut self, f: &Finding) {
        self.stats.finding(f);
        self.findings.push(f.clone());
    }
}

impl Log {
    fn msg(&self, first: usize) -> &Msg {
        self.msgs
            .iter()
            .find(|m| m.first == first)
            .unwrap_or_else(|| panic!("no message at #{first}"))
    }
    fn findings_of(&self, kind: FindingKind) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.kind == kind).collect()
    }
}

fn analyze(pcap: Vec<u8>) -> Log {
    let cap = Capture::from_bytes_with(pcap, &CaptureOptions::default()).unwrap();
    let mut a = Analyzer::new(AnalyzerOptions::default());
    let mut log = Log::default();
    for rec in cap.records() {
        a.push(&rec.unwrap(), &mut log);
    }
    a.finish(&mut log);
    log
}

/// An OEM PDR (type 127) of `n` data bytes with record handle `handle`.
fn oem_pdr(handle: u32, n: u16) -> Vec<u8> {
    let mut r = handle.to_le_bytes().to_vec();
    r.extend([1, 127, 0, 0]); // header version 1, type OEM, change number 0
    r.extend(n.to_le_bytes());
    // vendorIANA 0x00001234, OEMRecordID 1, then OEM data
    r.extend([0x34, 0x12, 0, 0, 1]);
    r.extend((0..n - 5).map(|i| i as u8));
    r
}

/// GetPDR request (DSP0248 Table 69) with an explicit transfer handle/flag.
fn get_pdr_req(iid: u8, handle: u32, dth: u32, first: bool) -> Vec<u8> {
    let mut d = handle.to_le_bytes().to_vec();
    d.extend(dth.to_le_bytes());
    d.push(u8::from(first));
    d.extend(64u16.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    PldmBuilder::request(PldmType::Platform, 0x51)
        .instance_id(iid)
        .data(&d)
        .to_vec()
}

/// GetPDR response part: flag 0 Start, 1 Middle, 4 End (DSP0248 Table 69).
fn get_pdr_rsp(iid: u8, next_dth: u32, flag: u8, part: &[u8], crc: Option<u8>) -> Vec<u8> {
    let mut d = 0u32.to_le_bytes().to_vec(); // nextRecordHandle
    d.extend(next_dth.to_le_bytes());
    d.push(flag);
    d.extend((part.len() as u16).to_le_bytes());
    d.extend_from_slice(part);
    d.extend(crc);
    PldmBuilder::response(PldmType::Platform, 0x51, 0)
        .instance_id(iid)
        .data(&d)
        .to_vec()
}

struct Indices {
    pldm_polls: Vec<(usize, usize)>,
    pldm_retry_first: usize,
    pldm_retry_second: usize,
    pldm_retry_rsp: usize,
    pldm_error_rsp: usize,
    pldm_mismatch_rsp: usize,
    pldm_unanswered: usize,
    spdm: Vec<usize>,
    spdm_error_rsp: usize,
    nvme_polls: Vec<(usize, usize)>,
    nvme_interim: usize,
    nvme_final: usize,
    cxl_health: (usize, usize),
    cxl_tunnel: (usize, usize),
    cxl_error: (usize, usize),
    cxl_bg: (usize, usize),
    pdr_end: usize,
    pdr_bad_end: usize,
}

fn build() -> (Cap, Indices) {
    let mut c = Cap::default();
    let s = 1_000_000i64;

    // PLDM GetSensorReading poll: three rounds, 100/200/300 µs each.
    let mut pldm_polls = Vec::new();
    for (i, lat) in [100, 200, 300].iter().enumerate() {
        let iid = i as u8 + 1;
        let t = s + i as i64 * 10_000;
        let q = c.req(
            t,
            PLDM_DEV,
            0,
            &pb::get_sensor_reading_request(iid, 5, false).to_vec(),
        );
        let rsp = pb::get_sensor_reading_response(
            iid,
            mctpkit::wire::pldm::platform::DataSize::Uint8,
            42,
            SensorState::Normal,
        );
        let r = c.rsp(t + lat, PLDM_DEV, 0, &rsp.to_vec());
        pldm_polls.push((q, r));
    }
    // The same request twice on different tags before its response: a retry.
    let q4 = pb::get_sensor_reading_request(4, 5, false).to_vec();
    let pldm_retry_first = c.req(s + 40_000, PLDM_DEV, 1, &q4);
    let pldm_retry_second = c.req(s + 41_000, PLDM_DEV, 2, &q4);
    let rsp4 = pb::get_sensor_reading_response(
        4,
        mctpkit::wire::pldm::platform::DataSize::Uint8,
        43,
        SensorState::Normal,
    );
    let pldm_retry_rsp = c.rsp(s + 41_500, PLDM_DEV, 2, &rsp4.to_vec());
    // ERROR_INVALID_DATA (0x02) completion.
    c.req(
        s + 50_000,
        PLDM_DEV,
        3,
        &pb::get_sensor_reading_request(5, 99, false).to_vec(),
    );
    let err = PldmBuilder::response(PldmType::Platform, 0x11, 0x02)
        .instance_id(5)
        .data(&[])
        .to_vec();
    let pldm_error_rsp = c.rsp(s + 50_100, PLDM_DEV, 3, &err);
    // A response whose instance ID differs from the pending request's.
    c.req(
        s + 60_000,
        PLDM_DEV,
        4,
        &pb::get_sensor_reading_request(6, 5, false).to_vec(),
    );
    let wrong = pb::get_sensor_reading_response(
        7,
        mctpkit::wire::pldm::platform::DataSize::Uint8,
        1,
        SensorState::Normal,
    );
    let pldm_mismatch_rsp = c.rsp(s + 60_100, PLDM_DEV, 4, &wrong.to_vec());
    // Never answered.
    let pldm_unanswered = c.req(
        s + 70_000,
        PLDM_DEV,
        5,
        &pb::get_sensor_reading_request(8, 6, false).to_vec(),
    );

    // SPDM GET_VERSION .. MEASUREMENTS (first 14 messages), tag 1, 50 µs each.
    let spdm_msgs: Vec<Vec<u8>> = HANDSHAKE_12
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(unhex)
        .take(14)
        .collect();
    let mut spdm = Vec::new();
    for (i, m) in spdm_msgs.iter().enumerate() {
        let t = 2 * s + i as i64 * 50;
        spdm.push(if i % 2 == 0 {
            c.req(t, SPDM_DEV, 1, m)
        } else {
            c.rsp(t, SPDM_DEV, 1, m)
        });
    }
    // A GET_VERSION answered by ERROR InvalidRequest.
    c.req(2 * s + 10_000, SPDM_DEV, 2, &unhex("0510840000"));
    let spdm_error_rsp = c.rsp(2 * s + 10_020, SPDM_DEV, 2, &unhex("05107f0100"));

    // NVMe-MI subsystem health polls (MI command, slot 0).
    let mut nvme_polls = Vec::new();
    for i in 0..2 {
        let t = 3 * s + i * 1000;
        let q = c.req(
            t,
            NVME_DEV,
            0,
            &nvme_mi::builder::subsystem_health_status_poll(0, false).to_vec(),
        );
        let data = [0x38, 0x00, 0x1F, 0x00, 0x00, 0x00, 0x00, 0x00];
        let r = c.rsp(
            t + 500,
            NVME_DEV,
            0,
            &nvme_mi::builder::mi_response(0, Status::Success, 0, &data).to_vec(),
        );
        nvme_polls.push((q, r));
    }
    // More Processing Required, then the final response.
    let q = c.req(
        3 * s + 5000,
        NVME_DEV,
        1,
        &nvme_mi::builder::subsystem_health_status_poll(1, false).to_vec(),
    );
    let nvme_interim = c.rsp(
        3 * s + 5100,
        NVME_DEV,
        1,
        &nvme_mi::builder::mi_response(1, Status::MoreProcessingRequired, 0, &[]).to_vec(),
    );
    let nvme_final = c.rsp(
        3 * s + 9000,
        NVME_DEV,
        1,
        &nvme_mi::builder::mi_response(1, Status::Success, 0, &[0; 8]).to_vec(),
    );
    assert!(q < nvme_interim);

    // CXL (type 8): Get Health Info, a tunnelled Identify, an error, a background start.
    let q = c.req(
        4 * s,
        CXL_DEV,
        0,
        &cxl::builder::get_health_info_request(5).to_vec(),
    );
    let r = c.rsp(
        4 * s + 300,
        CXL_DEV,
        0,
        &cxl::builder::response(0x4200)
            .tag(5)
            .payload(&[0; 18])
            .to_vec(),
    );
    let cxl_health = (q, r);
    let tq = cxl::builder::tunnel(3, cxl::builder::identify_request(7))
        .tag(6)
        .fm_api()
        .to_vec();
    let q = c.req(4 * s + 1000, CXL_DEV, 1, &tq);
    // Identify response payload: 18 bytes (CXL r3.1 Table 8-127).
    let tr = cxl::builder::tunnel_response(cxl::builder::response(0x0001).tag(7).payload(&[0; 18]))
        .tag(6)
        .fm_api()
        .to_vec();
    let r = c.rsp(4 * s + 1400, CXL_DEV, 1, &tr);
    let cxl_tunnel = (q, r);
    let q = c.req(
        4 * s + 2000,
        CXL_DEV,
        2,
        &cxl::builder::get_timestamp_request(8).to_vec(),
    );
    let r = c.rsp(
        4 * s + 2050,
        CXL_DEV,
        2,
        &cxl::builder::response(cxl::op::GET_TIMESTAMP)
            .tag(8)
            .return_code(ReturnCode::Unsupported)
            .to_vec(),
    );
    let cxl_error = (q, r);
    let q = c.req(
        4 * s + 3000,
        CXL_DEV,
        3,
        &cxl::builder::request(0x0201).tag(9).to_vec(),
    );
    let r = c.rsp(
        4 * s + 3010,
        CXL_DEV,
        3,
        &cxl::builder::response(0x0201)
            .tag(9)
            .return_code(ReturnCode::BackgroundCommandStarted)
            .to_vec(),
    );
    let cxl_bg = (q, r);

    // PLDM GetPDR multipart: record 5 in three parts, then record 6 with a bad CRC.
    let rec = oem_pdr(5, 50);
    let crc = pdr::transfer_crc(&rec);
    let t = 5 * s;
    c.req(t, PLDM_DEV, 6, &get_pdr_req(10, 5, 0, true));
    c.rsp(
        t + 100,
        PLDM_DEV,
        6,
        &get_pdr_rsp(10, 0x100, 0, &rec[..20], None),
    );
    c.req(t + 200, PLDM_DEV, 6, &get_pdr_req(11, 5, 0x100, false));
    c.rsp(
        t + 300,
        PLDM_DEV,
        6,
        &get_pdr_rsp(11, 0x200, 1, &rec[20..40], None),
    );
    c.req(t + 400, PLDM_DEV, 6, &get_pdr_req(12, 5, 0x200, false));
    let pdr_end = c.rsp(
        t + 500,
        PLDM_DEV,
        6,
        &get_pdr_rsp(12, 0, 4, &rec[40..], Some(crc)),
    );
    let rec6 = oem_pdr(6, 30);
    let bad = pdr::transfer_crc(&rec6) ^ 0xFF;
    c.req(t + 1000, PLDM_DEV, 7, &get_pdr_req(13, 6, 0, true));
    c.rsp(
        t + 1100,
        PLDM_DEV,
        7,
        &get_pdr_rsp(13, 0x300, 0, &rec6[..16], None),
    );
    c.req(t + 1200, PLDM_DEV, 7, &get_pdr_req(14, 6, 0x300, false));
    let pdr_bad_end = c.rsp(
        t + 1300,
        PLDM_DEV,
        7,
        &get_pdr_rsp(14, 0, 4, &rec6[16..], Some(bad)),
    );

    (
        c,
        Indices {
            pldm_polls,
            pldm_retry_first,
            pldm_retry_second,
            pldm_retry_rsp,
            pldm_error_rsp,
            pldm_mismatch_rsp,
            pldm_unanswered,
            spdm,
            spdm_error_rsp,
            nvme_polls,
            nvme_interim,
            nvme_final,
            cxl_health,
            cxl_tunnel,
            cxl_error,
            cxl_bg,
            pdr_end,
            pdr_bad_end,
        },
    )
}

fn run() -> (Log, Indices) {
    let (c, ix) = build();
    (analyze(c.pcap()), ix)
}

#[test]
fn pldm_poll_pairs_with_latency_retry_error_and_unanswered() {
    let (log, ix) = run();
    for ((q, r), lat) in ix.pldm_polls.iter().zip([100_000, 200_000, 300_000]) {
        let m = log.msg(*r);
        let req = m.request.expect("poll response matched");
        assert_eq!(
            (req.index, req.latency_ns),
            (*q, Some(lat)),
            "{}",
            m.summary
        );
        assert!(
            m.summary.starts_with("PLDM GetSensorReading rsp"),
            "{}",
            m.summary
        );
        assert_eq!(m.src, PLDM_DEV);
        assert_eq!(
            m.command.unwrap().to_string(),
            "PLDM Platform/GetSensorReading"
        );
    }
    // Retry: the second send is reported and the response pairs with it.
    let retry = log.findings_of(FindingKind::Retry);
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].index, ix.pldm_retry_second);
    assert_eq!(retry[0].related_index, Some(ix.pldm_retry_first));
    assert_eq!(retry[0].detail, Detail::Retry { count: 1 });
    let m = log.msg(ix.pldm_retry_rsp);
    assert_eq!(m.request.unwrap().index, ix.pldm_retry_second);
    assert_eq!(m.request.unwrap().retries, 1);
    // Error completion.
    let errs: Vec<_> = log
        .findings_of(FindingKind::ErrorCompletion)
        .into_iter()
        .filter(|f| f.index == ix.pldm_error_rsp)
        .collect();
    assert_eq!(errs.len(), 1);
    match &errs[0].detail {
        Detail::ErrorCompletion(e) => assert_eq!((e.code, e.name), (2, Some("ERROR_INVALID_DATA"))),
        d => panic!("{d:?}"),
    }
    assert!(
        errs[0]
            .to_string()
            .contains("PLDM Platform/GetSensorReading: error completion ERROR_INVALID_DATA"),
        "{}",
        errs[0]
    );
    // Mismatched instance ID: not paired.
    let mm = log
        .findings_of(FindingKind::UnmatchedResponse)
        .into_iter()
        .find(|f| f.index == ix.pldm_mismatch_rsp)
        .expect("mismatch finding");
    assert_eq!(mm.detail, Detail::PairingMismatch);
    assert!(log.msg(ix.pldm_mismatch_rsp).request.is_none());
    // Unanswered requests at the end: the poll, and the mismatched one.
    let nr: Vec<_> = log.findings_of(FindingKind::NoResponse);
    assert!(nr.iter().any(|f| f.index == ix.pldm_unanswered
        && f.command.map(|c| c.to_string()).as_deref() == Some("PLDM Platform/GetSensorReading")));
}

#[test]
fn spdm_exchange_pairs_and_decodes_with_context() {
    let (log, ix) = run();
    for pair in ix.spdm.chunks(2) {
        let m = log.msg(pair[1]);
        let r = m
            .request
            .unwrap_or_else(|| panic!("unpaired {}", m.summary));
        assert_eq!(r.index, pair[0]);
        assert_eq!(r.latency_ns, Some(50_000));
        assert!(!m.summary.starts_with("!!"), "{}", m.summary);
    }
    let names: Vec<String> = ix
        .spdm
        .chunks(2)
        .map(|p| log.msg(p[1]).command.unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "SPDM GET_VERSION",
            "SPDM GET_CAPABILITIES",
            "SPDM NEGOTIATE_ALGORITHMS",
            "SPDM GET_DIGESTS",
            "SPDM GET_CERTIFICATE",
            "SPDM CHALLENGE",
            "SPDM GET_MEASUREMENTS"
        ]
    );
    // MEASUREMENTS (multi-packet) needs the negotiated algorithms to size
    // its signature: decoded fully only with the conversation context.
    let meas = log.msg(ix.spdm[13]);
    assert!(
        meas.summary.contains("blocks=2") && meas.summary.ends_with("signed"),
        "{}",
        meas.summary
    );
    assert!(log
        .findings
        .iter()
        .all(|f| f.kind != FindingKind::DecodeError || f.msg_type.map(|t| t.value()) != Some(5)));
    // ERROR pairs with the pending GET_VERSION and is an error completion.
    let e = log.msg(ix.spdm_error_rsp);
    assert!(e.request.is_some());
    let f = log
        .findings_of(FindingKind::ErrorCompletion)
        .into_iter()
        .find(|f| f.index == ix.spdm_error_rsp)
        .unwrap();
    assert!(
        f.to_string()
            .contains("SPDM GET_VERSION: error completion InvalidRequest (0x01)"),
        "{f}"
    );
}

#[test]
fn nvme_mi_polls_and_more_processing_required() {
    let (log, ix) = run();
    for (q, r) in &ix.nvme_polls {
        let m = log.msg(*r);
        assert_eq!(m.request.unwrap().index, *q);
        assert_eq!(m.request.unwrap().latency_ns, Some(500_000));
        // The response was decoded with its request's context.
        assert!(
            m.summary.contains("NVM Subsystem Health Status Poll"),
            "{}",
            m.summary
        );
        assert_eq!(
            m.command.unwrap().to_string(),
            "NVMe-MI MI/NVM Subsystem Health Status Poll"
        );
    }
    let interim = log.msg(ix.nvme_interim).request.unwrap();
    assert!(interim.interim);
    let fin = log.msg(ix.nvme_final).request.unwrap();
    assert!(!fin.interim);
    assert_eq!(fin.index, interim.index);
    assert_eq!(fin.latency_ns, Some(4_000_000));
    assert!(!log
        .findings
        .iter()
        .any(|f| f.index == ix.nvme_interim || f.index == ix.nvme_final));
}

#[test]
fn cxl_tags_tunnel_and_return_codes() {
    let (log, ix) = run();
    for ((q, r), name, lat) in [
        (ix.cxl_health, "CXL Get Health Info", 300_000),
        (ix.cxl_tunnel, "CXL-FM Tunnel Management Command", 400_000),
        (ix.cxl_error, "CXL Get Timestamp", 50_000),
        (ix.cxl_bg, "CXL Transfer FW", 10_000),
    ] {
        let m = log.msg(r);
        let rq = m
            .request
            .unwrap_or_else(|| panic!("unpaired {}", m.summary));
        assert_eq!((rq.index, rq.latency_ns), (q, Some(lat)), "{}", m.summary);
        assert_eq!(m.command.unwrap().to_string(), name);
    }
    let errs: Vec<_> = log
        .findings_of(FindingKind::ErrorCompletion)
        .into_iter()
        .filter(|f| {
            f.msg_type.map(|t| t.value()) == Some(8) || f.msg_type.map(|t| t.value()) == Some(7)
        })
        .collect();
    // Unsupported is an error; Background Command Started is not.
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].index, ix.cxl_error.1);
    // The tunnelled Identify response decodes (no decode error on CXL).
    assert!(!log
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::DecodeError));
    assert!(
        errs[0].to_string().contains("Unsupported (0x03)"),
        "{}",
        errs[0]
    );
}

#[test]
fn pldm_get_pdr_multipart_is_reassembled_and_crc_checked() {
    let (log, ix) = run();
    let m = log.msg(ix.pdr_end);
    let a = m.multipart.as_deref().expect("transfer completed");
    assert!(
        a.starts_with("GetPDR multipart: record 0x00000005, 3 parts, 60 B, CRC ok / "),
        "{a}"
    );
    let bad = log.msg(ix.pdr_bad_end);
    assert!(bad.multipart.as_deref().unwrap().contains("CRC BAD"));
    let f = log.findings_of(FindingKind::Multipart);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].index, ix.pdr_bad_end);
    assert!(matches!(
        f[0].detail,
        Detail::MultipartCrc { bytes: 40, .. }
    ));
    // Every GetPDR part paired.
    assert!(log
        .msgs
        .iter()
        .filter(|m| m.summary.starts_with("PLDM GetPDR rsp"))
        .all(|m| m.request.is_some()));
}

#[test]
fn stats_per_family_and_command() {
    let (mut log, _) = run();
    let key = |t: u8, code: u32| CommandKey { msg_type: t, code };
    let gsr = &log.stats.commands[&key(1, 0x0211)];
    // 7 requests (one repeated), 6 responses (one mismatched goes under its own key, same command).
    assert_eq!(gsr.retries, 1);
    assert_eq!(gsr.errors, 1);
    assert!(gsr.unanswered >= 1);
    let mut lat = gsr.latency.clone();
    let s = lat.summary().unwrap();
    assert_eq!((s.min, s.max), (100_000, 500_000));
    let meas = &log.stats.commands[&key(5, 0xE0)];
    assert_eq!((meas.requests, meas.responses), (1, 1));
    let poll = &log.stats.commands[&key(4, 0x0101)];
    assert_eq!((poll.requests, poll.responses), (3, 4));
    // Interim responses don't count as latency samples.
    assert_eq!(poll.latency.len(), 3);
    let mut text = String::new();
    log.stats.write_text(&mut text);
    assert!(text.contains("PLDM Platform/GetSensorReading"), "{text}");
    assert!(text.contains("SPDM GET_MEASUREMENTS"), "{text}");
    assert!(text.contains("CXL Get Health Info"), "{text}");
    let mut json = String::new();
    log.stats.write_json(&mut json);
    // No object repeats a key (issue 12).
    let v = strict_json::parse_or_panic(&json, "analyze_families.rs");
    let cmds = v["stats"]["commands"].as_array().unwrap();
    let g = cmds
        .iter()
        .find(|c| c["name"] == "PLDM Platform/GetSensorReading")
        .unwrap();
    assert_eq!(g["family"], "pldm");
    assert_eq!(g["command_name"], "GetSensorReading");
    assert_eq!(g["retries"], 1);
    assert!(cmds.iter().any(|c| c["family"] == "nvme_mi"));
    assert!(cmds.iter().any(|c| c["family"] == "cxl"));
    assert!(cmds.iter().any(|c| c["family"] == "spdm"));
}

#[test]
fn cmd_filter_by_family_name() {
    let (log, _) = run();
    let f = Filter::parse(&["cmd=GetSensorReading,get_measurements"]).unwrap();
    let (c, _) = build();
    let cap = Capture::from_bytes_with(c.pcap(), &CaptureOptions::default()).unwrap();
    struct Count<'f>(&'f Filter, Vec<String>);
    impl Sink for Count<'_> {
        fn message(&mut self, m: &MessageEvent<'_>) {
            if self.0.message(m) {
                self.1.push(m.command_key.unwrap().to_string());
            }
        }
    }
    let mut a = Analyzer::default();
    let mut count = Count(&f, Vec::new());
    for rec in cap.records() {
        a.push(&rec.unwrap(), &mut count);
    }
    let n = log
        .msgs
        .iter()
        .filter(|m| {
            m.command.is_some_and(|c| {
                c.to_string() == "PLDM Platform/GetSensorReading"
                    || c.to_string() == "SPDM GET_MEASUREMENTS"
            })
        })
        .count();
    assert_eq!(count.1.len(), n);
    assert!(n >= 14);
}
