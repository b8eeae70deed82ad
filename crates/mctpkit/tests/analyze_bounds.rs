//! The analyser's memory is bounded whatever the input, and a flood of
//! abandoned messages cannot blind it (issue 11). Each hostile capture is
//! generated on the fly (`hostile/mod.rs`); the heap high-water mark of the
//! analysing thread is measured with a counting allocator, and the decode
//! results are checked. Timings are never asserted.

mod hostile;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use mctpkit::analyze::{
    Analyzer, AnalyzerOptions, Detail, Finding, FindingKind, MessageEvent, Sink,
};
use mctpkit::capture::Timestamp;
use mctpkit::BindingKind;

/// Counts the live heap bytes and their high-water mark, per thread (the
/// tests of this file run in parallel threads).
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LIVE.try_with(|l| {
            let v = l.get() + layout.size() as isize;
            l.set(v);
            let _ = PEAK.try_with(|p| p.set(p.get().max(v)));
        });
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = LIVE.try_with(|l| l.set(l.get() - layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Heap growth of this thread above its level at the start, at its peak.
fn peak_growth<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let r = f();
    let peak = PEAK.with(Cell::get);
    (r, (peak - base).max(0) as usize)
}

/// What the tests look at; keeps no per-message state (constant memory).
#[derive(Default)]
struct Tally {
    messages: u64,
    decoded: u64,
    reassembly_limit: u64,
    incomplete: u64,
    no_response: u64,
    multipart: u64,
    other_findings: u64,
    multipart_done: u64,
}

impl Sink for Tally {
    fn message(&mut self, m: &MessageEvent<'_>) {
        self.messages += 1;
        self.decoded += u64::from(m.message.is_ok());
        self.multipart_done += u64::from(m.multipart.is_some());
    }
    fn finding(&mut self, f: &Finding) {
        match f.kind {
            FindingKind::ReassemblyLimit => self.reassembly_limit += 1,
            FindingKind::Incomplete => self.incomplete += 1,
            FindingKind::NoResponse => self.no_response += 1,
            FindingKind::Multipart => self.multipart += 1,
            _ => self.other_findings += 1,
        }
    }
}

/// Push every packet of `packets`, 1 µs apart, and finish.
fn analyze(packets: impl Iterator<Item = Vec<u8>>) -> (Tally, usize) {
    peak_growth(|| {
        let mut a = Analyzer::default();
        let mut t = Tally::default();
        for (i, p) in packets.enumerate() {
            let ns = 1_700_000_000_000_000_000i64 + i as i64 * 1000;
            let ts = Timestamp {
                secs: ns / 1_000_000_000,
                nanos: (ns % 1_000_000_000) as u32,
            };
            a.push_packet(i + 1, Some(ts), BindingKind::None, &p, &mut t);
        }
        a.finish(&mut t);
        t
    })
}

const MIB: usize = 1 << 20;

/// 1,024 abandoned SOMs fill the reassembly table; the 100 ordinary
/// two-packet messages after them all decode: the first evicts the oldest
/// abandoned one, and each completed message frees its slot for the next
/// (before issue 11: 0 of 100, all refused as `reassembly-limit`).
#[test]
fn som_flood_does_not_blind_the_analyser() {
    let (t, peak) = analyze(hostile::som_flood(1024, 100));
    eprintln!("SOM flood: peak heap growth {peak} B");
    assert_eq!(t.messages, 100);
    assert_eq!(t.decoded, 100);
    assert_eq!(t.reassembly_limit, 1);
    // The 1,023 flood SOMs left are reported at the end.
    assert_eq!(t.incomplete, 1023);
    assert!(peak < 4 * MIB, "peak heap growth {peak} B");
}

/// Distinct never-completed messages: memory stays flat as the input
/// grows tenfold (100 k to 1 M packets), under a few MiB.
#[test]
fn never_completed_messages_keep_memory_flat() {
    let (small, peak_small) = analyze(hostile::never_completed(100_000));
    let (big, peak_big) = analyze(hostile::never_completed(1_000_000));
    eprintln!("never completed: peak heap growth {peak_small} B at 100 k, {peak_big} B at 1 M");
    assert_eq!(small.reassembly_limit, 100_000 - 1024);
    assert_eq!(big.reassembly_limit, 1_000_000 - 1024);
    assert_eq!((small.incomplete, big.incomplete), (1024, 1024));
    assert_eq!(big.messages, 0);
    assert!(peak_big < 8 * MIB, "1 M: peak heap growth {peak_big} B");
    assert!(
        peak_big <= peak_small + peak_small / 4,
        "not flat: {peak_small} B at 100 k, {peak_big} B at 1 M"
    );
}

/// A million requests that are never answered: every one is reported as
/// unanswered exactly once (evicted with its conversation, or at the end),
/// in bounded memory.
#[test]
fn unanswered_requests_are_bounded_and_all_reported() {
    let (t, peak) = analyze(hostile::unanswered(1_000_000));
    eprintln!("1 M unanswered: peak heap growth {peak} B");
    assert_eq!(t.messages, 1_000_000);
    assert_eq!(t.decoded, 1_000_000);
    assert_eq!(t.no_response, 1_000_000);
    assert_eq!(t.other_findings, 0);
    assert!(peak < 8 * MIB, "peak heap growth {peak} B");
}

/// A GetPDR chain of 2,000 parts of 60 KB (120 MB of record data): the
/// transfer is dropped with one finding once it outgrows the largest PDR,
/// every message still decodes and pairs, and memory stays bounded.
#[test]
fn huge_pdr_chain_is_bounded() {
    let (t, peak) = analyze(hostile::pdr_chain(2000, 60_000));
    eprintln!("GetPDR 2,000 x 60 KB: peak heap growth {peak} B");
    assert_eq!(t.messages, 4000);
    assert_eq!(t.decoded, 4000);
    assert_eq!(t.multipart, 1);
    assert_eq!(t.multipart_done, 0);
    assert_eq!(t.other_findings, 0);
    assert!(peak < 4 * MIB, "peak heap growth {peak} B");
}

/// The same chain at a normal size completes (the bound is not a stub).
#[test]
fn small_pdr_chain_completes() {
    let (t, _) = analyze(hostile::pdr_chain(3, 20));
    assert_eq!(t.multipart_done, 1);
    assert_eq!(
        t.multipart, 1,
        "the generator's CRC 0 is wrong: one finding"
    );
}

#[derive(Default)]
struct Log(Vec<Finding>, u64);

impl Sink for Log {
    fn finding(&mut self, f: &Finding) {
        self.0.push(f.clone());
    }
    fn message(&mut self, _: &MessageEvent<'_>) {
        self.1 += 1;
    }
}

fn at(secs: i64) -> Option<Timestamp> {
    Some(Timestamp {
        secs: 1_700_000_000 + secs,
        nanos: 0,
    })
}

/// A partial message older than the reassembly timeout is dropped when the
/// analyser next ages its state (a later packet, or `handle_timeout`), and
/// so is a request older than the tag timeout.
#[test]
fn partial_messages_and_requests_expire_by_capture_time() {
    let mut p = Vec::new();
    let mut a = Analyzer::default();
    let mut log = Log::default();
    // A SOM 8 -> 9 that never completes, and an unanswered Get EID 8 -> 10.
    hostile::packet(
        9,
        8,
        hostile::SOM | hostile::TO,
        &hostile::vendor_message(64, 0),
        &mut p,
    );
    a.push_packet(1, at(0), BindingKind::None, &p, &mut log);
    hostile::packet(
        10,
        8,
        hostile::SOM | hostile::EOM | hostile::TO | 1,
        &[0, 0x81, 2],
        &mut p,
    );
    a.push_packet(2, at(1), BindingKind::None, &p, &mut log);
    assert!(log.0.is_empty());
    // 5 s later nothing has expired yet; at 8 s both have.
    a.handle_timeout(at(5).unwrap(), &mut log);
    assert!(log.0.is_empty());
    a.handle_timeout(at(8).unwrap(), &mut log);
    let kinds: Vec<FindingKind> = log.0.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [FindingKind::NoResponse, FindingKind::ReassemblyTimeout]
    );
    assert_eq!(log.0[0].related_index, Some(2));
    assert_eq!(
        log.0[0].detail,
        Detail::RequestExpired {
            waited_ns: 7_000_000_000
        }
    );
    assert_eq!(log.0[1].related_index, Some(1));
    // The stream is free again: its EOM now has no message in progress.
    hostile::packet(9, 8, hostile::EOM | hostile::TO | 0x10, &[1, 2], &mut p);
    a.push_packet(3, at(9), BindingKind::None, &p, &mut log);
    assert_eq!(log.0[2].kind, FindingKind::MissingSom);
    a.finish(&mut log);
    assert_eq!(log.0.len(), 3, "nothing left at the end");
}

/// The same ageing driven by packets alone (capture time), with the
/// reassembly timeout configured.
#[test]
fn reassembly_timeout_is_configurable() {
    let mut p = Vec::new();
    let mut a = Analyzer::new(AnalyzerOptions {
        reassembly_timeout_ns: 500_000_000,
        ..AnalyzerOptions::default()
    });
    let mut log = Log::default();
    hostile::packet(
        9,
        8,
        hostile::SOM | hostile::TO,
        &hostile::vendor_message(64, 0),
        &mut p,
    );
    a.push_packet(1, at(0), BindingKind::None, &p, &mut log);
    // A packet 2 s later on another stream ages the table.
    hostile::packet(
        9,
        8,
        hostile::SOM | hostile::TO | 3,
        &hostile::vendor_message(64, 0),
        &mut p,
    );
    a.push_packet(2, at(2), BindingKind::None, &p, &mut log);
    assert_eq!(log.0.len(), 1);
    assert_eq!(log.0[0].kind, FindingKind::ReassemblyTimeout);
    assert_eq!(log.0[0].index, 2);
}

/// A full conversation table evicts the least recently used conversation;
/// its multipart transfer in progress is reported as lost.
#[test]
fn evicted_conversation_reports_lost_state() {
    let mut a = Analyzer::new(AnalyzerOptions {
        max_conversations: 1,
        ..AnalyzerOptions::default()
    });
    let mut log = Log::default();
    // GetPDR first part 8 -> 9 and its Start response: a transfer begins.
    let chain: Vec<Vec<u8>> = hostile::pdr_chain(3, 20).collect();
    for (i, p) in chain.iter().take(2).enumerate() {
        a.push_packet(i + 1, at(0), BindingKind::None, p, &mut log);
    }
    assert!(log.0.is_empty());
    // A request 8 -> 10 needs the only slot.
    let mut p = Vec::new();
    hostile::packet(
        10,
        8,
        hostile::SOM | hostile::EOM | hostile::TO | 1,
        &[0, 0x81, 2],
        &mut p,
    );
    a.push_packet(3, at(0), BindingKind::None, &p, &mut log);
    assert_eq!(log.0.len(), 1);
    assert_eq!(log.0[0].kind, FindingKind::StateEvicted);
    assert_eq!(log.0[0].detail, Detail::ConversationEvicted { max: 1 });
    // And 8 -> 10's pending request is evicted in turn by 8 -> 9.
    a.push_packet(4, at(0), BindingKind::None, &chain[2], &mut log);
    assert_eq!(log.0[1].kind, FindingKind::NoResponse);
    assert_eq!(log.0[1].related_index, Some(3));
}

/// Partial messages are bounded in bytes too: growing ones evict the
/// oldest others once the budget is exceeded.
#[test]
fn reassembly_bytes_are_bounded() {
    let mut a = Analyzer::new(AnalyzerOptions {
        max_reassembly_bytes: 1000,
        ..AnalyzerOptions::default()
    });
    let mut log = Log::default();
    let mut p = Vec::new();
    let mut index = 0;
    // Four streams (tags 0..3), each growing by 200 bytes a round.
    for round in 0..3u8 {
        for tag in 0..4u8 {
            let flags = if round == 0 {
                hostile::SOM
            } else {
                (round & 3) << 4
            } | hostile::TO
                | tag;
            hostile::packet(9, 8, flags, &hostile::vendor_message(200, tag), &mut p);
            index += 1;
            a.push_packet(index, at(0), BindingKind::None, &p, &mut log);
        }
    }
    let evicted: Vec<usize> = log
        .0
        .iter()
        .filter(|f| f.kind == FindingKind::ReassemblyLimit)
        .filter_map(|f| f.related_index)
        .collect();
    // 800 B after round 0; the first stream to pass 1000 B evicts the oldest.
    assert_eq!(evicted[0], 1);
    assert!(evicted.len() >= 2);
    a.finish(&mut log);
    let left: usize = log
        .0
        .iter()
        .filter_map(|f| match f.detail {
            Detail::Incomplete { bytes, .. } => Some(bytes),
            _ => None,
        })
        .sum();
    // What is left holds at most the budget plus one packet's growth.
    assert!(
        left > 0 && left <= 1000 + 200,
        "{left} B left in reassembly"
    );
}

/// Serves a capture generated on the fly, as a pipe would deliver it:
/// `header`, then each packet formatted by `record` (its number and bytes).
struct Pipe<I: Iterator<Item = Vec<u8>>> {
    packets: I,
    record: fn(u32, &[u8], &mut Vec<u8>),
    pending: Vec<u8>,
    pos: usize,
    n: u32,
}

impl<I: Iterator<Item = Vec<u8>>> Pipe<I> {
    fn new(header: Vec<u8>, record: fn(u32, &[u8], &mut Vec<u8>), packets: I) -> Self {
        Pipe {
            packets,
            record,
            pending: header,
            pos: 0,
            n: 0,
        }
    }
}

impl<I: Iterator<Item = Vec<u8>>> std::io::Read for Pipe<I> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.pending.len() {
            let Some(p) = self.packets.next() else {
                return Ok(0);
            };
            self.pending.clear();
            self.pos = 0;
            self.n += 1;
            (self.record)(self.n, &p, &mut self.pending);
        }
        let n = buf.len().min(self.pending.len() - self.pos);
        buf[..n].copy_from_slice(&self.pending[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A pcap of raw MCTP packets (LINKTYPE 291), 1 µs apart.
fn pcap_pipe(packets: impl Iterator<Item = Vec<u8>>) -> impl std::io::Read {
    let mut header = 0xA1B2_C3D4u32.to_le_bytes().to_vec();
    header.extend(2u16.to_le_bytes());
    header.extend(4u16.to_le_bytes());
    header.extend([0u8; 8]);
    header.extend(65535u32.to_le_bytes());
    header.extend(291u32.to_le_bytes());
    Pipe::new(
        header,
        |n, p, out| {
            out.extend((1_700_000_000 + n / 1_000_000).to_le_bytes());
            out.extend((n % 1_000_000).to_le_bytes());
            out.extend((p.len() as u32).to_le_bytes());
            out.extend((p.len() as u32).to_le_bytes());
            out.extend_from_slice(p);
        },
        packets,
    )
}

/// A tcpdump `-x` text dump of the packets, 1 ms apart.
fn text_pipe(packets: impl Iterator<Item = Vec<u8>>) -> impl std::io::Read {
    use std::io::Write as _;
    Pipe::new(
        b"listening on mctp0\n".to_vec(),
        |n, p, out| {
            let ms = u64::from(n) % 86_400_000;
            let _ = writeln!(
                out,
                "{:02}:{:02}:{:02}.{:06} MCTP",
                ms / 3_600_000,
                ms / 60_000 % 60,
                ms / 1000 % 60,
                ms % 1000 * 1000
            );
            for (i, line) in p.chunks(16).enumerate() {
                let _ = write!(out, "\t0x{:04x}: ", i * 16);
                for pair in line.chunks(2) {
                    out.push(b' ');
                    for b in pair {
                        let _ = write!(out, "{b:02x}");
                    }
                }
                out.push(b'\n');
            }
        },
        packets,
    )
}

/// The whole pipeline, streaming reader then analyser, on a generated
/// pipe: the heap high-water mark is the same at `n` and 10 `n` packets.
fn pipeline_is_flat<R: std::io::Read + 'static>(what: &str, n: u32, pipe: impl Fn(u32) -> R) {
    let run = |n: u32| {
        peak_growth(|| {
            let mut r =
                mctpkit::capture::Reader::from_reader(pipe(n), &Default::default()).unwrap();
            let mut a = Analyzer::default();
            let mut t = Tally::default();
            let mut records = 0u64;
            while let Some(item) = r.next_record() {
                a.push(&item.unwrap(), &mut t);
                records += 1;
            }
            a.finish(&mut t);
            (records, t.incomplete)
        })
    };
    let ((n_small, inc_small), peak_small) = run(n);
    let ((n_big, inc_big), peak_big) = run(10 * n);
    eprintln!(
        "{what}: peak heap growth {peak_small} B at {n}, {peak_big} B at {}",
        10 * n
    );
    assert_eq!((n_small, n_big), (u64::from(n), 10 * u64::from(n)));
    assert_eq!((inc_small, inc_big), (1024, 1024));
    assert!(peak_big < 8 * MIB, "{what}: {peak_big} B");
    assert!(
        peak_big <= peak_small + peak_small / 4,
        "{what} not flat: {peak_small} B at {n}, {peak_big} B at 10x"
    );
}

#[test]
fn streamed_pcap_keeps_memory_flat() {
    pipeline_is_flat("streamed pcap", 100_000, |n| {
        pcap_pipe(hostile::never_completed(n))
    });
}

#[test]
fn streamed_text_dump_keeps_memory_flat() {
    pipeline_is_flat("streamed text", 20_000, |n| {
        text_pipe(hostile::never_completed(n))
    });
}

/// The reassembly timeout counts from a message's last packet, as the
/// stack's does: a message that keeps getting packets lives on past it,
/// and an idle one queued behind it still expires.
#[test]
fn reassembly_timeout_counts_from_the_last_packet() {
    let mut a = Analyzer::default();
    let mut log = Log::default();
    let mut p = Vec::new();
    let vm = hostile::vendor_message(64, 0);
    // A (tag 0) starts first, B (tag 1) right after; B never continues.
    hostile::packet(9, 8, hostile::SOM | hostile::TO, &vm, &mut p);
    a.push_packet(1, at(0), BindingKind::None, &p, &mut log);
    hostile::packet(9, 8, hostile::SOM | hostile::TO | 1, &vm, &mut p);
    a.push_packet(2, at(0), BindingKind::None, &p, &mut log);
    // A gets a middle packet every second for 10 s, then its EOM.
    for t in 1..=10u8 {
        hostile::packet(9, 8, ((t & 3) << 4) | hostile::TO, &[t; 64], &mut p);
        a.push_packet(
            2 + usize::from(t),
            at(i64::from(t)),
            BindingKind::None,
            &p,
            &mut log,
        );
    }
    hostile::packet(9, 8, hostile::EOM | (3 << 4) | hostile::TO, &[11], &mut p);
    a.push_packet(13, at(11), BindingKind::None, &p, &mut log);
    assert_eq!(log.1, 1, "A completes");
    let timeouts: Vec<&Finding> = log
        .0
        .iter()
        .filter(|f| f.kind == FindingKind::ReassemblyTimeout)
        .collect();
    assert_eq!(timeouts.len(), 1);
    assert_eq!(timeouts[0].related_index, Some(2), "only B expires");
    assert_eq!(
        timeouts[0].index, 9,
        "at the first packet more than 6 s after B's"
    );
}

/// The conversation table evicts the least recently used: a conversation
/// in use keeps its pending requests while hundreds of one-off
/// conversations churn through a 100-entry table.
#[test]
fn busy_conversation_survives_churn() {
    let mut a = Analyzer::new(AnalyzerOptions {
        max_conversations: 100,
        ..AnalyzerOptions::default()
    });
    let mut log = Log::default();
    let mut p = Vec::new();
    let mut index = 0;
    let mut push = |a: &mut Analyzer, log: &mut Log, p: &[u8]| {
        index += 1;
        a.push_packet(index, at(0), BindingKind::None, p, log);
    };
    let mut answered = 0;
    for i in 0..2000u32 {
        // A one-off requester (distinct pair) that is never answered.
        let (src, dst) = (0x20 + (i % 200) as u8, 0x80 + (i / 200) as u8);
        hostile::packet(
            dst,
            src,
            hostile::SOM | hostile::EOM | hostile::TO,
            &[0, 0x81, 2],
            &mut p,
        );
        push(&mut a, &mut log, &p);
        // 8 -> 9: a Get EID request every 10 steps, answered 5 steps later.
        let iid = ((i / 10) & 0x1F) as u8;
        if i % 10 == 0 {
            hostile::packet(
                9,
                8,
                hostile::SOM | hostile::EOM | hostile::TO | 1,
                &[0, 0x80 | iid, 2],
                &mut p,
            );
            push(&mut a, &mut log, &p);
        }
        if i % 10 == 5 {
            hostile::packet(
                8,
                9,
                hostile::SOM | hostile::EOM | 1,
                &[0, iid, 2, 0, 9, 0, 0],
                &mut p,
            );
            push(&mut a, &mut log, &p);
            answered += 1;
        }
    }
    let unmatched = log
        .0
        .iter()
        .filter(|f| f.kind == FindingKind::UnmatchedResponse)
        .count();
    assert_eq!(answered, 200);
    assert_eq!(unmatched, 0, "8 -> 9 was evicted while in use");
    // The one-off conversations were evicted with their requests.
    let evicted = log
        .0
        .iter()
        .filter(|f| matches!(f.detail, Detail::ConversationEvicted { .. }))
        .count();
    assert!(evicted >= 1800, "{evicted}");
}
