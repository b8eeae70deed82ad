//! Message decoders (as after reassembly) and their encode round trip:
//! whatever decodes cleanly must re-encode to bytes that decode to the same
//! value (reserved bits are not preserved, so bytes may differ there).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mctpkit_wire::control::Body;
use mctpkit_wire::message::Message;

fuzz_target!(|data: &[u8]| {
    if let Ok(Message::Control(m)) = Message::parse(data) {
        if !matches!(m.body, Body::Malformed { .. }) {
            let mut out = vec![0u8; m.buffer_len()];
            let n = m.emit_bytes(&mut out).expect("emit into buffer_len bytes");
            let again = Message::parse(&out[..n]).expect("re-encoded message decodes");
            assert_eq!(again, Message::Control(m), "control round trip differs");
        }
    }
});
