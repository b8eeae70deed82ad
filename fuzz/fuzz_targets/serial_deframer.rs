//! The streaming DSP0253 deframer fed in chunks whose sizes come from the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mctpkit_wire::binding::serial::{Deframer, Options};

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let opts = if split & 1 == 0 {
        Options::default()
    } else {
        Options::lenient()
    };
    let mut d = Deframer::new(opts);
    let step = usize::from(split >> 1).max(1);
    for chunk in rest.chunks(step) {
        let mut p = d.push(chunk);
        while p.next_event().is_some() {}
    }
});
