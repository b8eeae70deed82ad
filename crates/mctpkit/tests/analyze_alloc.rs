//! Steady state allocates nothing per packet: once the streams, the pending
//! requests and the buffer pool have warmed up, pushing more traffic of the
//! same shape performs no heap allocation.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use mctpkit::analyze::{Analyzer, MessageEvent, Sink};
use mctpkit::capture::Timestamp;
use mctpkit::BindingKind;

struct Counting;

thread_local! {
    static COUNT: Cell<Option<u64>> = const { Cell::new(None) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = COUNT.try_with(|c| {
            if let Some(n) = c.get() {
                c.set(Some(n + 1));
            }
        });
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[derive(Default)]
struct Tally(u64, u64);

impl Sink for Tally {
    fn message(&mut self, m: &MessageEvent<'_>) {
        self.0 += 1;
        self.1 += m.message.is_ok() as u64;
    }
}

/// One round: a single-packet request, a 3-packet response, on every tag.
fn round(a: &mut Analyzer, sink: &mut Tally, index: &mut usize, t: &mut i64) {
    for tag in 0..8u8 {
        let req = [0x01, 0x09, 0x08, 0xc8 | tag, 0x00, 0x80 | tag, 0x03];
        let rsp: [&[u8]; 3] = [
            &[
                0x01,
                0x08,
                0x09,
                0x80 | tag,
                0x00,
                tag,
                0x03,
                0x00,
                1,
                2,
                3,
                4,
            ],
            &[0x01, 0x08, 0x09, 0x10 | tag, 5, 6, 7, 8, 9, 10, 11, 12],
            &[0x01, 0x08, 0x09, 0x60 | tag, 13, 14, 15, 16],
        ];
        for p in std::iter::once(&req[..]).chain(rsp) {
            *index += 1;
            *t += 1000;
            let ts = Some(Timestamp {
                secs: *t / 1_000_000_000,
                nanos: (*t % 1_000_000_000) as u32,
            });
            a.push_packet(*index, ts, BindingKind::None, p, sink);
        }
    }
}

#[test]
fn steady_state_does_not_allocate() {
    let mut a = Analyzer::default();
    let mut sink = Tally::default();
    let (mut index, mut t) = (0, 0);
    for _ in 0..4 {
        round(&mut a, &mut sink, &mut index, &mut t);
    }
    COUNT.with(|c| c.set(Some(0)));
    for _ in 0..100 {
        round(&mut a, &mut sink, &mut index, &mut t);
    }
    let allocs = COUNT.with(|c| c.replace(None)).unwrap_or(0);
    assert_eq!(sink.0, 104 * 16);
    assert_eq!(sink.1, sink.0);
    assert_eq!(allocs, 0, "allocations in steady state");
    assert_eq!(a.counters().findings, 0);
}
