//! The analyser on an arbitrary sequence of packets (any binding, arbitrary
//! bytes, timestamps that mostly advance but may jump back or be absent)
//! interleaved with `handle_timeout`, under small limits so that eviction,
//! timeouts and the reassembly caps are reached. Checks: no panic, every
//! message the sink sees is within `max_message_size`, and the analyser's
//! counters agree with what the sink saw.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mctpkit::analyze::{Analyzer, AnalyzerOptions, Finding, MessageEvent, PacketEvent, Sink};
use mctpkit::capture::Timestamp;
use mctpkit::BindingKind;

const BINDINGS: [BindingKind; 7] = [
    BindingKind::None,
    BindingKind::Smbus,
    BindingKind::SmbusNoDest,
    BindingKind::Serial,
    BindingKind::I3c,
    BindingKind::PcieVdm,
    BindingKind::Usb,
];

#[derive(Default)]
struct Check {
    max: usize,
    packets: u64,
    messages: u64,
    findings: u64,
    text: String,
}

impl Sink for Check {
    fn packet(&mut self, p: &PacketEvent<'_>) {
        self.packets += 1;
        let _ = p.command_key();
    }
    fn message(&mut self, m: &MessageEvent<'_>) {
        self.messages += 1;
        assert!(
            m.bytes.len() <= self.max,
            "message of {} bytes > max_message_size {}",
            m.bytes.len(),
            self.max
        );
        let _ = m.command();
        if let Some(k) = m.command_key {
            self.text.clear();
            use std::fmt::Write;
            let _ = write!(self.text, "{k}");
        }
        if let Some(t) = m.multipart {
            let _ = t.to_string();
        }
    }
    fn finding(&mut self, f: &Finding) {
        self.findings += 1;
        self.text.clear();
        use std::fmt::Write;
        let _ = write!(self.text, "{f}");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut d = data;
    let mut take = |n: usize| -> &[u8] {
        let n = n.min(d.len());
        let (a, b) = d.split_at(n);
        d = b;
        a
    };
    let k = take(3);
    let k = |i: usize| k.get(i).copied().unwrap_or(0);
    let opts = AnalyzerOptions {
        max_message_size: 64 + usize::from(k(0)) * 8,
        tag_timeout_ns: 1_000_000_000,
        max_reassemblies: 1 + usize::from(k(1) & 7),
        max_reassembly_bytes: 64 + usize::from(k(1) >> 3) * 64,
        reassembly_timeout_ns: 500_000_000,
        max_conversations: 1 + usize::from(k(2) & 7),
        conversation_timeout_ns: 2_000_000_000,
    };
    let mut a = Analyzer::new(opts);
    let mut sink = Check {
        max: opts.max_message_size,
        ..Check::default()
    };
    let mut now = Timestamp { secs: 0, nanos: 0 };
    let mut index = 0usize;
    loop {
        let Some(&[op, len]) = take(2).first_chunk::<2>() else {
            break;
        };
        // Time: forward by up to ~4 s in 1/64 s steps, or back a little.
        let step = i64::from(op >> 4) * 250_000_000;
        let mut ns = now.secs * 1_000_000_000 + i64::from(now.nanos);
        if op & 0x08 != 0 {
            ns += step;
        } else if op & 0x04 != 0 {
            ns = (ns - step / 8).max(0);
        }
        now = Timestamp {
            secs: ns / 1_000_000_000,
            nanos: (ns % 1_000_000_000) as u32,
        };
        if op & 3 == 3 {
            a.handle_timeout(now, &mut sink);
            continue;
        }
        let binding = BINDINGS[usize::from(len) % BINDINGS.len()];
        let bytes = take(usize::from(len) % 160);
        index += 1;
        let ts = (op & 3 != 2).then_some(now);
        a.push_packet(index, ts, binding, bytes, &mut sink);
    }
    a.finish(&mut sink);
    let c = a.counters();
    assert_eq!(c.packets, sink.packets, "packet count");
    assert_eq!(c.messages, sink.messages, "message count");
    assert_eq!(c.findings, sink.findings, "finding count");
});
