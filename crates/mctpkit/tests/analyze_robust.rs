//! The analyser never panics on arbitrary input, and its envelope renders
//! as the `mctp` JSON layer.

#[path = "common/strict_json.rs"]
mod strict_json;

use mctpkit::analyze::{Analyzer, AnalyzerOptions, Envelope, MessageEvent, Sink};
use mctpkit::capture::Timestamp;
use mctpkit::render::{layer_json, JsonWriter};
use mctpkit::wire::mctp::TypeByte;
use mctpkit::wire::Describe;
use mctpkit::BindingKind;
use proptest::prelude::*;

#[derive(Default)]
struct Bytes(usize, usize);

impl Sink for Bytes {
    fn message(&mut self, m: &MessageEvent<'_>) {
        assert_eq!(m.bytes.len(), m.envelope.len);
        assert!(m.envelope.first_index <= m.envelope.last_index);
        self.0 += 1;
        self.1 += m.bytes.len();
    }
}

/// Packets on a few streams with random flags, so that reassembly paths mix.
fn packet() -> impl Strategy<Value = Vec<u8>> {
    (
        0u8..3,
        8u8..11,
        8u8..11,
        any::<u8>(),
        proptest::collection::vec(any::<u8>(), 0..40),
    )
        .prop_map(|(ver, dst, src, flags, payload)| {
            let mut p = vec![ver, dst, src, flags];
            p.extend(payload);
            p
        })
}

proptest! {
    #[test]
    fn arbitrary_packets_never_panic(
        packets in proptest::collection::vec(
            prop_oneof![packet(), proptest::collection::vec(any::<u8>(), 0..8)],
            0..60,
        ),
        times in proptest::collection::vec(-5i64..5, 60),
    ) {
        let mut a = Analyzer::new(AnalyzerOptions {
            max_message_size: 100,
            max_reassemblies: 3,
            ..Default::default()
        });
        let mut sink = Bytes::default();
        let mut t = 1_000i64;
        for (i, p) in packets.iter().enumerate() {
            t += times[i];
            let ts = Some(Timestamp { secs: t, nanos: 0 });
            a.push_packet(i + 1, ts, BindingKind::None, p, &mut sink);
        }
        a.finish(&mut sink);
        prop_assert_eq!(a.counters().packets, packets.len() as u64);
        prop_assert_eq!(a.counters().messages, sink.0 as u64);
        prop_assert!(sink.1 <= packets.iter().map(|p| p.len()).sum::<usize>());
    }
}

#[test]
fn envelope_summary_and_json() {
    let e = Envelope {
        dst: 9,
        src: 8,
        to: true,
        tag: 3,
        type_byte: Some(TypeByte::from_byte(0x00)),
        packets: 3,
        len: 151,
        first_index: 4,
        last_index: 9,
        first_ts: None,
        last_ts: None,
    };
    let mut s = String::new();
    e.summary(&mut s).unwrap();
    assert_eq!(s, "MCTP 09<-08 TO tag=3 [3 pkts, 151 B]");
    let mut out = String::from("{");
    layer_json(&e, &mut JsonWriter::new(&mut out));
    out.push('}');
    // No object repeats a key (issue 12).
    let v = strict_json::parse_or_panic(&out, "analyze_robust.rs");
    assert_eq!(
        v,
        serde_json::json!({"mctp": {
            "dst": 9, "src": 8, "to": true, "tag": 3, "ic": false,
            "msg_type": 0, "msg_type_name": "Control",
            "packets": 3, "len": 151, "first_index": 4, "last_index": 9
        }})
    );
    let one = Envelope {
        to: false,
        packets: 1,
        len: 13,
        type_byte: None,
        ..e
    };
    s.clear();
    one.summary(&mut s).unwrap();
    assert_eq!(s, "MCTP 09<-08 tag=3 [1 pkt, 13 B]");
}
