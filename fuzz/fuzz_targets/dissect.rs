//! Every binding's dissector and all renderers on arbitrary bytes.
//! The first input byte selects the binding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mctpkit::{dissect, render, BindingKind};

const BINDINGS: [BindingKind; 7] = [
    BindingKind::None,
    BindingKind::Smbus,
    BindingKind::SmbusNoDest,
    BindingKind::Serial,
    BindingKind::I3c,
    BindingKind::PcieVdm,
    BindingKind::Usb,
];

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let d = dissect(BINDINGS[usize::from(sel) % BINDINGS.len()], rest);
    let mut s = String::new();
    render::summary(&d, &mut s);
    render::tree(&d, &mut s);
    s.clear();
    render::json(&d, &mut s);
    assert!(serde_json_check(&s));
});

fn serde_json_check(s: &str) -> bool {
    s.starts_with('{') && s.ends_with('}')
}
