//! Zero heap allocations per packet (and per message, with recycling) in
//! steady state, measured with a counting global allocator.

mod common;
use common::*;
use mctpkit_stack::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;
static ALLOCS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if COUNT_HERE.with(|c| c.get()) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        if COUNT_HERE.with(|c| c.get()) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.realloc(p, l, n) }
    }
}

thread_local! {
    // Only the measuring thread counts: the test harness's own threads
    // (output capture, timers) allocate at any moment.
    static COUNT_HERE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[global_allocator]
static A: Counting = Counting;

#[test]
fn steady_state_allocates_nothing() {
    let (mut a, mut b) = pair(Config::default());
    let t = a.alloc_tag(NET, 8, 9, Owner::APP).unwrap();
    let opts = SendOptions {
        tag: TagMode::Preallocated(t),
        ..SendOptions::request(NET, 9)
    };
    let m = message(1024, 1);
    let mut buf = [0u8; 128];
    let mut round = |a: &mut Stack, b: &mut Stack| {
        a.send(0, opts, &m).unwrap();
        while let Some(t) = a.poll_transmit(&mut buf) {
            b.receive(0, BusId(0), PhysAddr::byte(0x10), &buf[..t.len])
                .unwrap();
        }
        let got = b.poll_deliver().unwrap();
        b.recycle(got);
    };
    for _ in 0..10 {
        round(&mut a, &mut b);
    }
    COUNT_HERE.with(|c| c.set(true));
    let before = ALLOCS.load(Ordering::Relaxed);
    for _ in 0..1000 {
        round(&mut a, &mut b);
    }
    let after = ALLOCS.load(Ordering::Relaxed);
    COUNT_HERE.with(|c| c.set(false));
    assert_eq!(
        after - before,
        0,
        "allocations in 1000 messages × 16 packets"
    );
}
