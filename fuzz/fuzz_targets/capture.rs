//! Capture readers (pcap, pcapng, tcpdump text), in memory and streamed,
//! and the analyser. The streaming reader must give exactly the in-memory
//! reader's records and errors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mctpkit::analyze::{Analyzer, AnalyzerOptions};
use mctpkit::capture::{Capture, CaptureError, CaptureOptions, Reader, Record, Timestamp};

type Key = Result<(usize, Option<Timestamp>, Vec<u8>, usize), CaptureError>;

fn key(r: &Result<Record<'_>, CaptureError>) -> Key {
    match r {
        Ok(r) => Ok((r.index, r.ts, r.data.to_vec(), r.orig_len)),
        Err(e) => Err(e.clone()),
    }
}

fuzz_target!(|data: &[u8]| {
    let streamed = Reader::from_reader(
        std::io::Cursor::new(data.to_vec()),
        &CaptureOptions::default(),
    );
    // Compressed input is only unwrapped by the streaming reader, so the two
    // readers see different bytes: both run, nothing is compared (the
    // in-memory reader may still open the raw bytes, e.g. as text).
    if data.starts_with(&[0x1F, 0x8B]) || data.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        if let Ok(mut s) = streamed {
            for _ in 0..10_000 {
                if s.next_record().is_none() {
                    break;
                }
            }
        }
        if let Ok(cap) = Capture::from_bytes(data.to_vec()) {
            cap.records().take(10_000).for_each(drop);
        }
        return;
    }
    let Ok(cap) = Capture::from_bytes(data.to_vec()) else {
        assert!(streamed.is_err());
        return;
    };
    let mut streamed = streamed.expect("the streaming reader opens what the in-memory one opens");
    let mut a = Analyzer::new(AnalyzerOptions::default());
    for rec in cap.records() {
        let other = streamed.next_record().expect("as many items streamed");
        assert_eq!(key(&rec), key(&other));
        match rec {
            Ok(r) => a.push(&r, &mut ()),
            Err(e) => a.capture_error(&e, &mut ()),
        }
    }
    assert!(streamed.next_record().is_none());
    a.finish(&mut ());
});
