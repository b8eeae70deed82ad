//! Analyser tests on hand-built packets: reassembly, sequence checks,
//! findings, request/response matching.

#[path = "common/strict_json.rs"]
mod strict_json;

use mctpkit::analyze::{
    Analyzer, AnalyzerOptions, CommandKey, Detail, Finding, FindingKind, MessageEvent, PacketEvent,
    RequestMatch, Severity, Sink, Stats,
};
use mctpkit::capture::{Record, Timestamp};
use mctpkit::wire::mctp::Repr;
use mctpkit::wire::Describe;
use mctpkit::BindingKind;

/// An MCTP packet: header then payload.
fn pkt(dst: u8, src: u8, flags: (bool, bool, u8), to: bool, tag: u8, payload: &[u8]) -> Vec<u8> {
    let (som, eom, seq) = flags;
    let mut b = vec![0u8; 4];
    Repr::new(dst, src, som, eom, seq, to, tag)
        .emit_bytes(&mut b)
        .unwrap();
    b.extend_from_slice(payload);
    b
}

const SOM: (bool, bool, u8) = (true, false, 0);
const ONE: (bool, bool, u8) = (true, true, 0);
fn som(seq: u8) -> (bool, bool, u8) {
    (true, false, seq)
}
fn mid(seq: u8) -> (bool, bool, u8) {
    (false, false, seq)
}
fn eom(seq: u8) -> (bool, bool, u8) {
    (false, true, seq)
}

fn ts_us(us: i64) -> Option<Timestamp> {
    Some(Timestamp {
        secs: us.div_euclid(1_000_000),
        nanos: (us.rem_euclid(1_000_000) * 1000) as u32,
    })
}

#[derive(Debug)]
enum Ev {
    Packet(usize),
    Msg {
        first: usize,
        last: usize,
        packets: u32,
        bytes: Vec<u8>,
        summary: String,
        decoded: bool,
        request: Option<RequestMatch>,
    },
    Finding(Finding),
}

#[derive(Default)]
struct Log {
    events: Vec<Ev>,
    stats: Stats,
}

impl Sink for Log {
    fn packet(&mut self, p: &PacketEvent<'_>) {
        self.events.push(Ev::Packet(p.index));
    }
    fn message(&mut self, m: &MessageEvent<'_>) {
        self.stats.message(m);
        let mut summary = String::new();
        m.envelope.summary(&mut summary).unwrap();
        if let Ok(msg) = &m.message {
            summary.push_str(" / ");
            msg.as_describe().summary(&mut summary).unwrap();
        }
        self.events.push(Ev::Msg {
            first: m.envelope.first_index,
            last: m.envelope.last_index,
            packets: m.envelope.packets,
            bytes: m.bytes.to_vec(),
            summary,
            decoded: m.message.is_ok(),
            request: m.request,
        });
    }
    fn finding(&mut self, f: &Finding) {
        self.stats.finding(f);
        self.events.push(Ev::Finding(f.clone()));
    }
}

impl Log {
    fn messages(&self) -> Vec<&Ev> {
        self.events
            .iter()
            .filter(|e| matches!(e, Ev::Msg { .. }))
            .collect()
    }
    fn findings(&self) -> Vec<&Finding> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Ev::Finding(f) => Some(f),
                _ => None,
            })
            .collect()
    }
    fn kinds(&self) -> Vec<FindingKind> {
        self.findings().iter().map(|f| f.kind).collect()
    }
}

/// Run packets (with timestamps in µs) through a fresh analyser, then finish.
fn run_with(opts: AnalyzerOptions, packets: &[(i64, Vec<u8>)]) -> Log {
    let mut a = Analyzer::new(opts);
    let mut log = Log::default();
    for (i, (t, p)) in packets.iter().enumerate() {
        a.push_packet(i + 1, ts_us(*t), BindingKind::None, p, &mut log);
    }
    a.finish(&mut log);
    log
}

fn run(packets: &[(i64, Vec<u8>)]) -> Log {
    run_with(AnalyzerOptions::default(), packets)
}

/// A Get Endpoint UUID response body (DSP0236 §12.5): cc + 16-byte UUID.
fn uuid_response(iid: u8) -> Vec<u8> {
    let mut m = vec![0x00, iid & 0x1f, 0x03, 0x00];
    m.extend(0x10..0x20u8);
    m
}

#[test]
fn multi_packet_control_response_with_wrapping_sequence() {
    let msg = uuid_response(4);
    assert_eq!(msg.len(), 20);
    // Request 8 -> 9 (TO, tag 3), one packet; response in 3 packets starting
    // at sequence 2 (any start is legal; 2, 3, 0 wraps).
    let log = run(&[
        (1_000_000, pkt(9, 8, ONE, true, 3, &[0x00, 0x84, 0x03])),
        (1_000_100, pkt(8, 9, som(2), false, 3, &msg[..8])),
        (1_000_200, pkt(8, 9, mid(3), false, 3, &msg[8..16])),
        (1_000_250, pkt(8, 9, eom(0), false, 3, &msg[16..])),
    ]);
    assert!(log.findings().is_empty(), "{:?}", log.findings());
    let msgs = log.messages();
    assert_eq!(msgs.len(), 2);
    match msgs[0] {
        Ev::Msg {
            summary, packets, ..
        } => {
            assert_eq!(*packets, 1);
            assert!(
                summary.starts_with(
                    "MCTP 09<-08 TO tag=3 [1 pkt, 3 B] / CTRL Get Endpoint UUID req iid=4"
                ),
                "{summary}"
            );
        }
        _ => unreachable!(),
    }
    match msgs[1] {
        Ev::Msg {
            first,
            last,
            packets,
            bytes,
            summary,
            decoded,
            request,
        } => {
            assert_eq!((*first, *last, *packets), (2, 4, 3));
            assert_eq!(bytes, &msg);
            assert!(decoded);
            assert!(
                summary.starts_with(
                    "MCTP 08<-09 tag=3 [3 pkts, 20 B] / CTRL Get Endpoint UUID rsp iid=4"
                ),
                "{summary}"
            );
            // Latency: request's last packet (1.000000) to response's last (1.000250).
            assert_eq!(
                *request,
                Some(RequestMatch {
                    index: 1,
                    latency_ns: Some(250_000),
                    interim: false,
                    retries: 0,
                })
            );
        }
        _ => unreachable!(),
    }
    // Packet events come first, one per packet.
    assert!(matches!(log.events[0], Ev::Packet(1)));
    assert_eq!(
        log.events
            .iter()
            .filter(|e| matches!(e, Ev::Packet(_)))
            .count(),
        4
    );
}

#[test]
fn libmctp_flag_bytes_reassemble() {
    // libmctp's serial example: flag bytes 0x88, 0x18, 0x68 (reference mctp-core.md §4).
    let mut packets = Vec::new();
    for (i, f) in [0x88u8, 0x18, 0x68].iter().enumerate() {
        let mut p = vec![0x01, 0x09, 0x08, *f];
        if i == 0 {
            p.push(0x7e); // vendor PCI type byte
            p.extend([0xaa; 63]);
        } else {
            p.extend([0xbb; 64]);
        }
        packets.push((i as i64, p));
    }
    let log = run(&packets);
    let kinds = log.kinds();
    // A TO=1 message with no response: reported as info at the end.
    assert_eq!(kinds, vec![FindingKind::NoResponse]);
    assert_eq!(log.findings()[0].severity, Severity::Info);
    match log.messages()[0] {
        Ev::Msg { bytes, summary, .. } => {
            assert_eq!(bytes.len(), 192);
            assert!(summary.starts_with("MCTP 09<-08 TO tag=0 [3 pkts, 192 B] / "));
        }
        _ => unreachable!(),
    }
}

#[test]
fn sequence_gap_drops_the_message_once() {
    let log = run(&[
        (0, pkt(9, 8, som(0), true, 1, &[0x7e, 1, 2, 3])),
        (1, pkt(9, 8, mid(2), true, 1, &[4, 5, 6, 7])),
        (2, pkt(9, 8, mid(3), true, 1, &[8])),
        (3, pkt(9, 8, eom(0), true, 1, &[9])),
        // the next message on the same stream is fine
        (4, pkt(9, 8, som(1), true, 1, &[0x7e, 1])),
        (5, pkt(9, 8, eom(2), true, 1, &[2])),
    ]);
    assert_eq!(
        log.kinds(),
        vec![FindingKind::SequenceGap, FindingKind::NoResponse]
    );
    let f = log.findings()[0];
    assert_eq!(f.index, 2);
    assert_eq!(f.related_index, Some(1));
    assert_eq!(
        f.detail,
        Detail::SequenceGap {
            expected: 1,
            got: 2,
            packets: 1,
            bytes: 4
        }
    );
    assert!(f.to_string().contains("expected seq 1, got 2"), "{f}");
    let msgs = log.messages();
    assert_eq!(msgs.len(), 1);
    assert!(matches!(
        msgs[0],
        Ev::Msg {
            first: 5,
            last: 6,
            ..
        }
    ));
}

#[test]
fn interleaved_tags_and_tag_owner_are_separate_streams() {
    let a = [0x7e, 0xa1, 0xa2, 0xa3, 0xa4];
    let b = [0x7e, 0xb1, 0xb2, 0xb3];
    let c = [0x7e, 0xc1, 0xc2];
    let log = run(&[
        (0, pkt(9, 8, som(0), true, 1, &a[..2])),
        (1, pkt(9, 8, som(3), true, 2, &b[..2])),
        // same addresses and tag as the first, but TO=0: another stream
        (2, pkt(9, 8, som(1), false, 1, &c[..1])),
        (3, pkt(9, 8, mid(1), true, 1, &a[2..4])),
        (4, pkt(9, 8, eom(0), true, 2, &b[2..])),
        (5, pkt(9, 8, eom(2), false, 1, &c[1..])),
        (6, pkt(9, 8, eom(2), true, 1, &a[4..])),
    ]);
    let msgs: Vec<(usize, Vec<u8>)> = log
        .messages()
        .iter()
        .map(|e| match e {
            Ev::Msg { first, bytes, .. } => (*first, bytes.clone()),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        msgs,
        vec![(2, b.to_vec()), (3, c.to_vec()), (1, a.to_vec())]
    );
    // c is a TO=0 message nobody asked for; a and b stay pending.
    assert_eq!(
        log.kinds(),
        vec![
            FindingKind::UnmatchedResponse,
            FindingKind::NoResponse,
            FindingKind::NoResponse
        ]
    );
}

#[test]
fn missing_som_reports_once_per_message() {
    let log = run(&[
        (0, pkt(9, 8, mid(1), false, 0, &[1, 2])),
        (1, pkt(9, 8, mid(2), false, 0, &[3, 4])),
        (2, pkt(9, 8, eom(3), false, 0, &[5])),
        // a lone EOM elsewhere
        (3, pkt(10, 8, eom(0), true, 5, &[5])),
    ]);
    assert_eq!(
        log.kinds(),
        vec![FindingKind::MissingSom, FindingKind::MissingSom]
    );
    let f = log.findings();
    assert_eq!(f[0].index, 1);
    assert_eq!(f[0].detail, Detail::MissingSom { eom: false, seq: 1 });
    assert_eq!(f[1].index, 4);
    assert_eq!(f[1].detail, Detail::MissingSom { eom: true, seq: 0 });
    assert!(log.messages().is_empty());
}

#[test]
fn som_abandoning_a_message_is_missing_eom() {
    let log = run(&[
        (0, pkt(9, 8, som(0), false, 0, &[0x7e, 1, 2])),
        (1, pkt(9, 8, mid(1), false, 0, &[3, 4])),
        // retry from the start as a single packet
        (2, pkt(9, 8, ONE, false, 0, &[0x7e, 9, 9])),
    ]);
    let f = log.findings();
    assert_eq!(f[0].kind, FindingKind::MissingEom);
    assert_eq!(f[0].index, 3);
    assert_eq!(f[0].related_index, Some(1));
    assert_eq!(
        f[0].detail,
        Detail::MissingEom {
            packets: 2,
            bytes: 5
        }
    );
    let msgs = log.messages();
    assert_eq!(msgs.len(), 1);
    assert!(matches!(msgs[0], Ev::Msg { bytes, .. } if bytes == &[0x7e, 9, 9]));
}

#[test]
fn tag_reuse_retry_and_timeout() {
    // Get EID requests 8 -> 9 tag 2, iid 1 then 2 (retry), no response in between.
    let rq = |iid: u8| pkt(9, 8, ONE, true, 2, &[0x00, 0x80 | iid, 0x02]);
    let rsp = |iid: u8| {
        pkt(
            8,
            9,
            ONE,
            false,
            2,
            &[0x00, iid, 0x02, 0x00, 0x09, 0x00, 0x00],
        )
    };
    let log = run(&[
        (0, rq(1)),
        (1_000_000, rq(2)),
        // after the 6 s tag timeout: the pending request expired
        (8_000_000, rq(3)),
        (8_000_500, rsp(3)),
    ]);
    assert_eq!(
        log.kinds(),
        vec![FindingKind::TagReuse, FindingKind::NoResponse]
    );
    let f = log.findings();
    assert_eq!((f[0].index, f[0].related_index), (2, Some(1)));
    assert_eq!((f[1].index, f[1].related_index), (3, Some(2)));
    // Noticed by the analyser's ageing at the next packet, before the tag
    // is reused (so no tag-reuse finding for it).
    assert_eq!(
        f[1].detail,
        Detail::RequestExpired {
            waited_ns: 7_000_000_000
        }
    );
    match log.messages()[3] {
        Ev::Msg { request, .. } => assert_eq!(
            *request,
            Some(RequestMatch {
                index: 3,
                latency_ns: Some(500_000),
                interim: false,
                retries: 0,
            })
        ),
        _ => unreachable!(),
    }
}

#[test]
fn control_responses_match_instance_and_command() {
    let log = run(&[
        (0, pkt(9, 8, ONE, true, 0, &[0x00, 0x81, 0x02])),
        // same tag, wrong instance ID: not the answer
        (
            10,
            pkt(
                8,
                9,
                ONE,
                false,
                0,
                &[0x00, 0x02, 0x02, 0x00, 0x09, 0x00, 0x00],
            ),
        ),
        (
            20,
            pkt(
                8,
                9,
                ONE,
                false,
                0,
                &[0x00, 0x01, 0x02, 0x00, 0x09, 0x00, 0x00],
            ),
        ),
        // a response to nothing
        (
            30,
            pkt(
                8,
                9,
                ONE,
                false,
                0,
                &[0x00, 0x01, 0x02, 0x00, 0x09, 0x00, 0x00],
            ),
        ),
    ]);
    let f = log.findings();
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].kind, FindingKind::UnmatchedResponse);
    assert_eq!(f[0].severity, Severity::Info);
    assert_eq!(
        f[0].detail,
        Detail::UnmatchedResponse {
            pending: Some((1, 2))
        }
    );
    assert_eq!(f[1].detail, Detail::UnmatchedResponse { pending: None });
    assert_eq!(f[1].index, 4);
    let reqs: Vec<Option<RequestMatch>> = log
        .messages()
        .iter()
        .map(|e| match e {
            Ev::Msg { request, .. } => *request,
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        reqs,
        vec![
            None,
            None,
            Some(RequestMatch {
                index: 1,
                latency_ns: Some(20_000),
                interim: false,
                retries: 0,
            }),
            None
        ]
    );
}

#[test]
fn non_control_matching_by_tag_alone_and_broadcast() {
    let log = run(&[
        // PLDM GetTID request 8 -> 9 tag 4, response 9 -> 8 (TID 1)
        (0, pkt(9, 8, ONE, true, 4, &[0x01, 0x80, 0x00, 0x02])),
        (
            5,
            pkt(8, 9, ONE, false, 4, &[0x01, 0x00, 0x00, 0x02, 0x00, 0x01]),
        ),
        // control request to broadcast, answered by EID 0x1d
        (10, pkt(0xff, 8, ONE, true, 1, &[0x00, 0x83, 0x02])),
        (
            15,
            pkt(
                8,
                0x1d,
                ONE,
                false,
                1,
                &[0x00, 0x03, 0x02, 0x00, 0x1d, 0x00, 0x00],
            ),
        ),
        // control datagram: no response expected, nothing pending
        (20, pkt(9, 8, ONE, true, 6, &[0x00, 0xc0, 0x0d])),
    ]);
    assert!(log.findings().is_empty(), "{:?}", log.findings());
    let lat: Vec<Option<u64>> = log
        .messages()
        .iter()
        .filter_map(|e| match e {
            Ev::Msg { request, .. } => request.map(|r| r.latency_ns.unwrap()),
            _ => None,
        })
        .map(Some)
        .collect();
    assert_eq!(lat, vec![Some(5000), Some(5000)]);
}

#[test]
fn incomplete_at_end_of_capture() {
    let log = run(&[
        (0, pkt(9, 8, SOM, false, 7, &[0x05, 0x10, 0x84])),
        (1, pkt(9, 8, mid(1), false, 7, &[1, 2, 3])),
        (2, pkt(9, 10, SOM, false, 7, &[0x05])),
    ]);
    assert_eq!(
        log.kinds(),
        vec![FindingKind::Incomplete, FindingKind::Incomplete]
    );
    let f = log.findings();
    assert_eq!(f[0].index, 1);
    assert_eq!(
        f[0].detail,
        Detail::Incomplete {
            packets: 2,
            bytes: 6
        }
    );
    assert_eq!(f[0].msg_type.map(|t| t.value()), Some(5));
    assert_eq!(f[1].index, 3);
    assert!(f[0].to_string().contains("unfinished at end of capture"));
}

#[test]
fn version_two_header_is_reported_and_not_reassembled() {
    let mut p = pkt(9, 8, SOM, false, 0, &[0x00, 0x80, 0x02]);
    p[0] = 0x02;
    let mut e = pkt(9, 8, eom(1), false, 0, &[0x01]);
    e[0] = 0x02;
    let log = run(&[(0, p), (1, e)]);
    assert_eq!(
        log.kinds(),
        vec![
            FindingKind::UnsupportedVersion,
            FindingKind::UnsupportedVersion
        ]
    );
    assert!(log.findings()[0].is_packet_problem());
    assert!(log.messages().is_empty());
}

#[test]
fn oversize_message_is_dropped() {
    let opts = AnalyzerOptions {
        max_message_size: 16,
        ..AnalyzerOptions::default()
    };
    let log = run_with(
        opts,
        &[
            (0, pkt(9, 8, som(0), false, 0, &[0x7e; 8])),
            (1, pkt(9, 8, mid(1), false, 0, &[0; 8])),
            (2, pkt(9, 8, mid(2), false, 0, &[0; 8])),
            (3, pkt(9, 8, eom(3), false, 0, &[0; 8])),
            // one packet beyond the limit by itself
            (4, pkt(9, 8, ONE, false, 1, &[0x7e; 17])),
        ],
    );
    assert_eq!(
        log.kinds(),
        vec![FindingKind::Oversize, FindingKind::Oversize]
    );
    let f = log.findings();
    assert_eq!((f[0].index, f[0].related_index), (3, Some(1)));
    assert_eq!(f[0].detail, Detail::Oversize { max: 16, size: 24 });
    assert_eq!(f[1].detail, Detail::Oversize { max: 16, size: 17 });
    assert!(log.messages().is_empty());
}

#[test]
fn undecodable_messages_are_findings() {
    let log = run(&[
        // a control message cut after the type and Rq byte, in two packets
        (0, pkt(9, 8, som(0), false, 0, &[0x00])),
        (1, pkt(9, 8, eom(1), false, 0, &[0x80])),
        // an empty single-packet message
        (2, pkt(9, 8, ONE, false, 1, &[])),
        // a header cut short
        (3, vec![0x01, 0x09]),
    ]);
    assert_eq!(
        log.kinds(),
        vec![
            FindingKind::DecodeError,
            FindingKind::UnmatchedResponse,
            FindingKind::DecodeError,
            FindingKind::UnmatchedResponse,
            FindingKind::DecodeError
        ]
    );
    let f = log.findings();
    assert!(matches!(f[0].detail, Detail::MessageDecode(_)));
    assert!(f[2].is_packet_problem());
    assert_eq!(f[4].addr, None);
    // Undecodable messages are still delivered, with their bytes.
    let msgs = log.messages();
    assert_eq!(msgs.len(), 2);
    assert!(matches!(msgs[0], Ev::Msg { decoded: false, bytes, .. } if bytes == &[0x00, 0x80]));
}

#[test]
fn truncated_records_are_reported() {
    let data = pkt(9, 8, ONE, false, 0, &[0x7e, 1, 2]);
    let rec = Record {
        index: 7,
        ts: ts_us(5),
        binding: BindingKind::None,
        direction: None,
        data: &data,
        orig_len: 40,
    };
    let mut a = Analyzer::default();
    let mut log = Log::default();
    a.push(&rec, &mut log);
    a.finish(&mut log);
    assert_eq!(
        log.kinds(),
        vec![FindingKind::Truncated, FindingKind::UnmatchedResponse]
    );
    assert_eq!(
        log.findings()[0].detail,
        Detail::Truncated {
            captured: 7,
            orig: 40
        }
    );
    assert_eq!(a.counters().packets, 1);
    assert_eq!(a.counters().messages, 1);
    assert_eq!(a.counters().findings, 2);
}

#[test]
fn stats_count_pairs_types_findings_and_latency() {
    let mut packets = Vec::new();
    // 10 Get EID exchanges 8 <-> 9, latencies 100..1000 µs.
    for i in 0..10i64 {
        let t = i * 10_000;
        let tag = (i % 8) as u8;
        let iid = i as u8;
        packets.push((t, pkt(9, 8, ONE, true, tag, &[0x00, 0x80 | iid, 0x02])));
        packets.push((
            t + (i + 1) * 100,
            pkt(8, 9, ONE, false, tag, &[0x00, iid, 0x02, 0x00]),
        ));
    }
    packets.push((200_000, pkt(8, 9, mid(1), false, 0, &[1])));
    let mut log = run(&packets);
    let s = &mut log.stats;
    assert_eq!(s.messages, 20);
    assert_eq!(s.pairs[&(8, 9)].messages, 10);
    assert_eq!(s.pairs[&(9, 8)].bytes, 40);
    let ctrl = s.types.get_mut(&Some(0)).unwrap();
    assert_eq!((ctrl.requests, ctrl.responses), (10, 10));
    let l = ctrl.latency.summary().unwrap();
    assert_eq!(
        (l.count, l.p50, l.p90, l.p99, l.max),
        (10, 500_000, 900_000, 1_000_000, 1_000_000)
    );
    assert_eq!(
        s.commands[&CommandKey {
            msg_type: 0,
            code: 0x02
        }]
            .messages,
        20
    );
    assert_eq!(s.findings[&FindingKind::MissingSom], 1);
    let mut text = String::new();
    s.write_text(&mut text);
    assert!(text.contains("CTRL Get Endpoint ID"), "{text}");
    assert!(text.contains("missing-som"), "{text}");
    let mut json = String::new();
    s.write_json(&mut json);
    // No object repeats a key (issue 12).
    let v = strict_json::parse_or_panic(&json, "analyze_reassembly.rs");
    assert_eq!(v["stats"]["messages"], 20);
    assert_eq!(v["stats"]["types"][0]["latency"]["p90_us"], 900.0);
    assert_eq!(v["stats"]["findings"]["missing-som"], 1);
}

/// A full reassembly table drops its oldest partial message, never the new
/// one (libmctp refuses the new one, so abandoned SOMs blind it).
#[test]
fn full_reassembly_table_evicts_the_oldest() {
    let opts = AnalyzerOptions {
        max_reassemblies: 2,
        ..AnalyzerOptions::default()
    };
    let log = run_with(
        opts,
        &[
            (0, pkt(9, 8, SOM, true, 0, &[0x7e, 1])),
            (1, pkt(9, 8, SOM, true, 1, &[0x7e, 2])),
            // a third concurrent message evicts the first (#1)
            (2, pkt(9, 8, SOM, true, 2, &[0x7e, 3])),
            (3, pkt(9, 8, eom(1), true, 2, &[3])),
            // the evicted message's EOM has no message in progress
            (4, pkt(9, 8, eom(1), true, 0, &[1])),
            (5, pkt(9, 8, SOM, true, 3, &[0x7e, 4])),
            (6, pkt(9, 8, eom(1), true, 3, &[4])),
            (7, pkt(9, 8, eom(1), true, 1, &[2])),
        ],
    );
    let f = log.findings();
    assert_eq!(f[0].kind, FindingKind::ReassemblyLimit);
    assert_eq!(f[0].index, 3);
    assert_eq!(f[0].related_index, Some(1));
    assert_eq!(
        f[0].detail,
        Detail::ReassemblyLimit {
            max: 2,
            packets: 1,
            bytes: 2
        }
    );
    assert_eq!(f[1].kind, FindingKind::MissingSom);
    assert_eq!(f[1].index, 5);
    let firsts: Vec<usize> = log
        .messages()
        .iter()
        .map(|e| match e {
            Ev::Msg { first, .. } => *first,
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(firsts, vec![3, 6, 2]);
    assert!(f[2..].iter().all(|f| f.kind == FindingKind::NoResponse));
}
