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
