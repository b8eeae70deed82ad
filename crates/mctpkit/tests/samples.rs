//! The committed sample captures are exactly what `examples/make_samples.rs`
//! generates (regenerate with `cargo run -p mctpkit --example make_samples`),
//! and the analyser reads them as intended.

#[allow(dead_code)]
#[path = "../examples/make_samples.rs"]
mod make_samples;

use std::path::Path;

use mctpkit::analyze::{Analyzer, AnalyzerOptions, Finding, FindingKind, MessageEvent, Sink};
use mctpkit::capture::{Capture, CaptureOptions, Date};

fn samples_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples")
}

#[test]
fn committed_samples_match_the_generator() {
    for (name, bytes) in make_samples::all() {
        let path = samples_dir().join(name);
        let committed = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; run the make_samples example", path.display()));
        assert!(
            committed == bytes,
            "{name} differs from what examples/make_samples.rs generates; \
             run `cargo run -p mctpkit --example make_samples` and commit"
        );
    }
}

#[derive(Default)]
struct Collect {
    messages: usize,
    matched: usize,
    multi_packet: Vec<u32>,
    findings: Vec<FindingKind>,
    summaries: Vec<String>,
}

impl Sink for Collect {
    fn message(&mut self, m: &MessageEvent<'_>) {
        self.messages += 1;
        if m.request.is_some() {
            self.matched += 1;
        }
        if m.envelope.packets > 1 {
            self.multi_packet.push(m.envelope.packets);
        }
        if let Ok(msg) = &m.message {
            let mut s = String::new();
            let _ = mctpkit::wire::Describe::summary(msg, &mut s);
            self.summaries.push(s);
        }
    }
    fn finding(&mut self, f: &Finding) {
        self.findings.push(f.kind);
    }
}

fn analyze(bytes: Vec<u8>, opts: CaptureOptions) -> Collect {
    let cap = Capture::from_bytes_with(bytes, &opts).expect("sample opens");
    let mut a = Analyzer::new(AnalyzerOptions::default());
    let mut c = Collect::default();
    for rec in cap.records() {
        a.push(&rec.expect("sample records read"), &mut c);
    }
    a.finish(&mut c);
    c
}

fn sample(name: &str) -> Vec<u8> {
    make_samples::all()
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap()
        .1
}

#[test]
fn discovery_reads_as_a_session() {
    let c = analyze(sample("discovery.pcap"), CaptureOptions::default());
    // 19 requests, 18 responses (one request is never answered).
    assert_eq!(c.messages, 37, "{:?}", c.summaries);
    assert_eq!(c.matched, 18);
    assert_eq!(c.multi_packet, vec![4]);
    assert_eq!(
        c.findings,
        // Query Rate Limit answered ERROR_UNSUPPORTED_CMD: an error completion.
        vec![
            FindingKind::BadIntegrity,
            FindingKind::ErrorCompletion,
            FindingKind::NoResponse
        ],
        "{:?}",
        c.summaries
    );
    let all = c.summaries.join("\n");
    for want in [
        "Prepare for Endpoint Discovery req",
        "Endpoint Discovery rsp",
        "eid=0x00",
        "eid=0x1d",
        "eid=0x1e",
        "1.3.1, 1.2, 1.1, 1.0",
        "types Control, PLDM, SPDM",
        "types Control, NVMe-MI",
        "Get Endpoint UUID rsp",
        "Get Vendor Defined Message Support rsp",
        "ERROR_UNSUPPORTED_CMD",
    ] {
        assert!(all.contains(want), "{want:?} missing from:\n{all}");
    }
}

#[test]
fn bmc_console_reads_as_the_same_session() {
    let opts = CaptureOptions {
        date: Date::new(2026, 5, 1),
        ..CaptureOptions::default()
    };
    let c = analyze(sample("bmc-console.txt"), opts);
    // The frame with the bad PEC never reached tcpdump on the netdev.
    assert_eq!(c.messages, 36, "{:?}", c.summaries);
    assert_eq!(c.matched, 17);
    assert_eq!(c.multi_packet, vec![4]);
    assert_eq!(
        c.findings,
        vec![
            FindingKind::ErrorCompletion,
            FindingKind::NoResponse,
            FindingKind::NoResponse
        ]
    );
}

#[test]
fn linux_mctp_reads_cleanly() {
    let c = analyze(sample("linux-mctp.pcap"), CaptureOptions::default());
    assert_eq!(c.messages, 6);
    assert_eq!(c.matched, 3);
    assert_eq!(c.multi_packet, vec![3]);
    assert!(c.findings.is_empty(), "{:?}", c.findings);
}

/// One reassembled message of `families.pcap`, as the analyser saw it.
struct FamilyMessage {
    src: u8,
    dst: u8,
    to: bool,
    bytes: Vec<u8>,
    family: &'static str,
    problem: Option<mctpkit::wire::Error>,
    summary: String,
}

#[derive(Default)]
struct FamilySink {
    messages: Vec<FamilyMessage>,
    matched: usize,
    multi_packet: Vec<u32>,
    findings: Vec<FindingKind>,
}

impl Sink for FamilySink {
    fn message(&mut self, m: &MessageEvent<'_>) {
        use mctpkit::wire::message::Message as M;
        let msg = m.message.as_ref().expect("every message has a header");
        let family = match msg {
            M::Control(_) => "control",
            M::Pldm(_) => "pldm",
            M::Spdm(_) => "spdm",
            M::NvmeMi(_) => "nvme-mi",
            M::Cxl(_) => "cxl",
            M::Vdm(_) => "vdm",
            _ => "other",
        };
        let mut summary = String::new();
        let _ = mctpkit::wire::Describe::summary(msg, &mut summary);
        if m.request.is_some() {
            self.matched += 1;
        }
        if m.envelope.packets > 1 {
            self.multi_packet.push(m.envelope.packets);
        }
        self.messages.push(FamilyMessage {
            src: m.envelope.src,
            dst: m.envelope.dst,
            to: m.envelope.to,
            bytes: m.bytes.to_vec(),
            family,
            problem: msg.problem(),
            summary,
        });
    }
    fn finding(&mut self, f: &Finding) {
        self.findings.push(f.kind);
    }
}

fn analyze_families() -> FamilySink {
    let cap = Capture::from_bytes_with(sample("families.pcap"), &CaptureOptions::default())
        .expect("sample opens");
    let mut a = Analyzer::new(AnalyzerOptions::default());
    let mut s = FamilySink::default();
    for rec in cap.records() {
        a.push(&rec.expect("sample records read"), &mut s);
    }
    a.finish(&mut s);
    s
}

#[test]
fn families_counts_and_pairs() {
    let s = analyze_families();
    let count = |f: &str| s.messages.iter().filter(|m| m.family == f).count();
    assert_eq!(s.messages.len(), 92);
    assert_eq!(count("control"), 12);
    assert_eq!(count("pldm"), 44);
    assert_eq!(count("spdm"), 18);
    assert_eq!(count("nvme-mi"), 8);
    assert_eq!(count("cxl"), 8);
    assert_eq!(count("vdm"), 2);
    // Every request is answered.
    assert_eq!(s.matched, 46);
    // The one deliberate error: a GetSensorReading answered ERROR_NOT_READY
    // (then retried successfully with a new instance ID).
    assert_eq!(
        s.findings,
        vec![mctpkit::analyze::FindingKind::ErrorCompletion],
        "{:?}",
        s.findings
    );
    // CERTIFICATE 2, CHALLENGE_AUTH 4, MEASUREMENTS 4, KEY_EXCHANGE 3,
    // KEY_EXCHANGE_RSP 4, Identify Switch Device 2, GetFirmwareParameters 2,
    // four 512-byte RequestFirmwareData answers of 9.
    assert_eq!(s.multi_packet, vec![2, 4, 4, 3, 4, 2, 2, 9, 9, 9, 9]);
    // Every family sits at its own endpoint.
    for m in &s.messages {
        let ep = if m.src == 0x08 { m.dst } else { m.src };
        let want = match m.family {
            "control" => continue,
            "pldm" => 0x1D,
            "spdm" => 0x1E,
            "nvme-mi" => 0x30,
            "cxl" if m.bytes[0] == 0x07 => 0x40,
            "cxl" => 0x41,
            "vdm" => 0x50,
            other => panic!("unexpected family {other}: {}", m.summary),
        };
        assert_eq!(ep, want, "{}", m.summary);
    }
    let all: Vec<&str> = s.messages.iter().map(|m| m.summary.as_str()).collect();
    let all = all.join("\n");
    for want in [
        "PLDM GetSensorReading rsp iid=1 ERROR_NOT_READY",
        "PLDM GetSensorReading rsp iid=2 SUCCESS / 58 (enabled, normal)",
        "PLDM GetStateSensorReadings rsp",
        "PLDM PlatformEventMessage req iid=0 / tid=1 sensor 3: 72",
        "PLDM QueryDeviceIdentifiers rsp",
        "PLDM GetFirmwareParameters rsp",
        "PLDM RequestUpdate req",
        "PLDM PassComponentTable rsp",
        "PLDM UpdateComponent rsp",
        "PLDM RequestFirmwareData rsp iid=4 SUCCESS / 512 bytes",
        "PLDM TransferComplete req",
        "PLDM VerifyComplete req",
        "PLDM ApplyComplete req",
        "PLDM ActivateFirmware rsp",
        "PLDM GetStatus rsp",
        "SPDM MEASUREMENTS rsp v1.2 blocks=2",
        "NVMe-MI NVM Subsystem Health Status Poll req",
        "NVMe-MI Controller Health Status Poll req",
        "CXL-FM IdentifySwitchDevice rsp tag=0 Success / ingress=0 ports=4",
        "CXL-FM GetPhysicalPortState rsp tag=1 Success / 2 ports",
        ">> GetLDInfo rsp tag=3 Success / size=4294967296 bytes lds=4",
        "CXL GetHealthInfo rsp tag=4 Success",
        "Cerberus Get Digest",
        "CTRL Get Message Type Support rsp",
    ] {
        assert!(all.contains(want), "{want:?} missing from:\n{all}");
    }
}

/// What the analyser decodes alone has no problem; with the conversation
/// state a dissector keeps (SPDM negotiated sizes, the NVMe-MI request a
/// response answers, the VDM direction from the TO bit) every body decodes
/// fully: no raw, malformed or needs-context body anywhere.
#[test]
fn families_decode_completely() {
    use mctpkit::wire::{nvme_mi, spdm, vdm};
    let s = analyze_families();
    let mut spdm_ctx = spdm::Context::default();
    let mut nvme_req = None;
    let registry = vdm::Registry::builtin();
    for m in &s.messages {
        assert!(m.problem.is_none(), "{}: {:?}", m.summary, m.problem);
        assert!(!m.summary.contains("!!"), "{}", m.summary);
        let full = match m.family {
            "spdm" => {
                let d = spdm::Message::parse_with(&m.bytes, &spdm_ctx).unwrap();
                spdm_ctx.observe(&d);
                assert!(d.problem().is_none(), "{d:?}");
                format!("{d:?}")
            }
            "nvme-mi" => {
                let d = nvme_mi::Message::parse_with(&m.bytes, nvme_req).unwrap();
                assert!(d.integrity().unwrap().ok(), "MIC of {}", m.summary);
                assert!(d.problem().is_none(), "{d:?}");
                if m.to {
                    nvme_req = d.request_context();
                } else {
                    assert!(matches!(d.mi_data(), Some(Ok(_))), "{d:?}");
                }
                format!("{d:?}")
            }
            "vdm" => {
                let dir = if m.to {
                    vdm::Direction::Request
                } else {
                    vdm::Direction::Response
                };
                let d = vdm::Message::parse_with(&m.bytes, &registry, dir).unwrap();
                assert!(d.problem().is_none(), "{d:?}");
                assert_eq!(d.decoder().map(|x| x.name()), Some("Cerberus"));
                let mut sum = String::new();
                mctpkit::wire::Describe::summary(&d, &mut sum).unwrap();
                assert!(!sum.contains('?'), "{sum}");
                format!("{d:?}")
            }
            _ => {
                let d = mctpkit::wire::message::Message::parse(&m.bytes).unwrap();
                format!("{d:?}")
            }
        };
        for bad in ["Raw(", "Raw {", "Malformed", "NeedsContext"] {
            assert!(
                !full.contains(bad),
                "{} ({} -> {}) has a {bad} body: {full}",
                m.summary,
                m.src,
                m.dst
            );
        }
    }
}
