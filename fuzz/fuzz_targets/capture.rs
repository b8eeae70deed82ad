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
    let streamed =
        Reader::from_reader(std::io::Cursor::new(data.to_vec()), &CaptureOptions::default());
    let Ok(cap) = Capture::from_bytes(data.to_vec()) else {
        // Compressed input is only unwrapped by the streaming reader.
        if data.starts_with(&[0x1F, 0x8B]) || data.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
            return;
        }
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
