//! A corrupted capture decodes past its bad packets, with a finding for each.
//!
//! Built by hand as LINKTYPE_I2C_LINUX (209) records carrying SMBus MCTP
//! frames, so that PEC failures are visible: good exchanges, a bad PEC, a
//! record cut short by the snap length, a non-MCTP SMBus write, a version-2
//! header, a fragmented message with a lost middle packet, and good traffic
//! after all of it.

use mctpkit::analyze::{Analyzer, AnalyzerOptions, FindingKind, MessageEvent, Sink};
use mctpkit::capture::Capture;
use mctpkit_wire::binding::smbus;
use mctpkit_wire::control::builder as ctl;
use mctpkit_wire::control::{EidType, EndpointType};
use mctpkit_wire::fragment::Fragmenter;
use mctpkit_wire::message::Message;

/// pcap global header, little-endian, µs, LINKTYPE_I2C_LINUX.
fn pcap_header() -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(0xa1b2_c3d4u32.to_le_bytes());
    v.extend(2u16.to_le_bytes());
    v.extend(4u16.to_le_bytes());
    v.extend(0i32.to_le_bytes());
    v.extend(0u32.to_le_bytes());
    v.extend(65535u32.to_le_bytes());
    v.extend(209u32.to_le_bytes());
    v
}

/// One record: 5-byte I2C_LINUX pseudo-header (bus 1, flags 0) + frame,
/// optionally claiming a longer original length (snap-length truncation).
fn record(out: &mut Vec<u8>, usec: u32, frame: &[u8], extra_orig: u32) {
    let caplen = (5 + frame.len()) as u32;
    out.extend(1u32.to_le_bytes()); // seconds
    out.extend(usec.to_le_bytes());
    out.extend(caplen.to_le_bytes());
    out.extend((caplen + extra_orig).to_le_bytes());
    out.extend([0x01, 0, 0, 0, 0]);
    out.extend_from_slice(frame);
}

/// Wrap an MCTP packet into an SMBus frame from 7-bit `src` to `dst`.
fn smbus_frame(dst: u8, src: u8, packet: &[u8]) -> Vec<u8> {
    let mut buf = vec![0u8; packet.len() + 8];
    let n = smbus::Repr {
        dst_addr: dst,
        src_addr: src,
    }
    .emit_frame(packet, &mut buf)
    .unwrap();
    buf.truncate(n);
    buf
}

/// Single-packet MCTP packet around `msg`.
fn packet(dst: u8, src: u8, to: bool, tag: u8, msg: &[u8]) -> Vec<u8> {
    let mut f = Fragmenter::new(msg, dst, src, to, tag, 255, 0).unwrap();
    f.next().unwrap()
}

#[derive(Default)]
struct Log {
    findings: Vec<(FindingKind, usize)>,
    messages: Vec<(usize, String)>,
}

impl Sink for Log {
    fn message(&mut self, m: &MessageEvent<'_>) {
        let mut s = String::new();
        if let Ok(msg) = &m.message {
            let _ = msg.as_describe().summary(&mut s);
        }
        self.messages.push((m.envelope.first_index, s));
    }
    fn finding(&mut self, f: &mctpkit::analyze::Finding) {
        self.findings.push((f.kind, f.index));
    }
}

#[test]
fn decoding_goes_on_past_bad_packets() {
    let geteid_req = ctl::get_endpoint_id_request(1).to_vec();
    let geteid_rsp =
        ctl::get_endpoint_id_response(1, 0x1d, EndpointType::SimpleEndpoint, EidType::Dynamic, 0)
            .to_vec();
    let mut cap = pcap_header();
    // 1, 2: a good exchange, bus owner 0x10 (EID 8) <-> endpoint 0x32 (EID 0x1d).
    record(
        &mut cap,
        0,
        &smbus_frame(0x32, 0x10, &packet(0x1d, 8, true, 1, &geteid_req)),
        0,
    );
    record(
        &mut cap,
        1000,
        &smbus_frame(0x10, 0x32, &packet(8, 0x1d, false, 1, &geteid_rsp)),
        0,
    );
    // 3: the same response again with a corrupted PEC.
    let mut bad = smbus_frame(0x10, 0x32, &packet(8, 0x1d, false, 1, &geteid_rsp));
    *bad.last_mut().unwrap() ^= 0x5a;
    record(&mut cap, 2000, &bad, 0);
    // 4: a record cut short by the snap length (orig 10 bytes longer).
    let cut = smbus_frame(0x32, 0x10, &packet(0x1d, 8, true, 2, &geteid_req));
    record(&mut cap, 3000, &cut[..6], 10);
    // 5: an SMBus write that is not MCTP (command 0x0E), garbage after.
    record(
        &mut cap,
        4000,
        &[0x64, 0x0e, 0x03, 0x21, 0xde, 0xad, 0x00],
        0,
    );
    // 6: an MCTP header version 2.
    let mut v2 = packet(0x1d, 8, true, 3, &geteid_req);
    v2[0] = 0x02;
    record(&mut cap, 5000, &smbus_frame(0x32, 0x10, &v2), 0);
    // 7, 8: a 3-packet vendor message whose middle packet was lost.
    let mut vendor = vec![0x7e, 0x1a, 0xb4];
    vendor.extend(0..150u8);
    let frags: Vec<Vec<u8>> = Fragmenter::new(&vendor, 0x1d, 8, true, 4, 64, 0)
        .unwrap()
        .collect();
    assert_eq!(frags.len(), 3);
    record(&mut cap, 6000, &smbus_frame(0x32, 0x10, &frags[0]), 0);
    record(&mut cap, 6100, &smbus_frame(0x32, 0x10, &frags[2]), 0);
    // 9, 10: good traffic after all of it.
    let req = ctl::get_message_type_support_request(5).to_vec();
    let rsp = ctl::get_message_type_support_response(5, &[0x00, 0x01]).to_vec();
    record(
        &mut cap,
        7000,
        &smbus_frame(0x32, 0x10, &packet(0x1d, 8, true, 5, &req)),
        0,
    );
    record(
        &mut cap,
        8000,
        &smbus_frame(0x10, 0x32, &packet(8, 0x1d, false, 5, &rsp)),
        0,
    );

    let capture = Capture::from_bytes(cap).expect("readable capture");
    let mut analyzer = Analyzer::new(AnalyzerOptions::default());
    let mut log = Log::default();
    let mut records = 0;
    for r in capture.records() {
        records += 1;
        match r {
            Ok(rec) => analyzer.push(&rec, &mut log),
            Err(e) => analyzer.capture_error(&e, &mut log),
        }
    }
    analyzer.finish(&mut log);
    assert_eq!(records, 10, "every record is visited");

    let has = |k: FindingKind, i: usize| log.findings.contains(&(k, i));
    assert!(has(FindingKind::BadIntegrity, 3), "{:?}", log.findings);
    assert!(has(FindingKind::Truncated, 4), "{:?}", log.findings);
    assert!(
        log.findings.iter().any(|&(_, i)| i == 5),
        "non-MCTP write reported: {:?}",
        log.findings
    );
    assert!(
        has(FindingKind::UnsupportedVersion, 6),
        "{:?}",
        log.findings
    );
    assert!(has(FindingKind::SequenceGap, 8), "{:?}", log.findings);

    // The good messages before and after the damage decode fully.
    let summaries: Vec<&str> = log.messages.iter().map(|(_, s)| s.as_str()).collect();
    assert!(
        summaries[0].starts_with("CTRL Get Endpoint ID req iid=1"),
        "{summaries:?}"
    );
    assert!(summaries[1].contains("eid=0x1d"), "{summaries:?}");
    let last = log.messages.last().unwrap();
    assert_eq!(last.0, 10);
    assert!(
        last.1
            .contains("Get Message Type Support rsp iid=5 SUCCESS"),
        "{last:?}"
    );
    // And the reassembled vendor message never appears (its middle was lost).
    assert!(!summaries.iter().any(|s| s.len() > 150));
    let _ = Message::parse(&rsp).unwrap();
}
