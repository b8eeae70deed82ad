//! Capture readers (pcap, pcapng, tcpdump text) and the analyser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mctpkit::analyze::{Analyzer, AnalyzerOptions};
use mctpkit::capture::Capture;

fuzz_target!(|data: &[u8]| {
    let Ok(cap) = Capture::from_bytes(data.to_vec()) else {
        return;
    };
    let mut a = Analyzer::new(AnalyzerOptions::default());
    for rec in cap.records() {
        match rec {
            Ok(r) => a.push(&r, &mut ()),
            Err(e) => a.capture_error(&e, &mut ()),
        }
    }
    a.finish(&mut ());
});
