//! Hostile traffic, generated on the fly (never stored as files): the
//! captures of issue 11 that used to blind the analyser or grow its memory
//! without bound. Each generator yields raw MCTP packets (header first, no
//! binding framing) with a time stamp in nanoseconds, one microsecond
//! apart. Used by `tests/analyze_bounds.rs` and, through `#[path]`, by the
//! `bench_capture` example that writes them as pcap for whole-process
//! measurements.
#![allow(dead_code)]

/// MCTP header flags (DSP0236 §8.1).
pub const SOM: u8 = 0x80;
pub const EOM: u8 = 0x40;
pub const TO: u8 = 0x08;

/// One packet: header version 1, `dst`, `src`, flags, payload.
pub fn packet(dst: u8, src: u8, flags: u8, payload: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&[0x01, dst, src, flags]);
    out.extend_from_slice(payload);
}

/// A vendor-defined (PCI, type 0x7E) message of `len` bytes.
pub fn vendor_message(len: usize, seed: u8) -> Vec<u8> {
    let mut m = vec![0x7E, 0x1A, 0xB4];
    m.extend((0..len.saturating_sub(3)).map(|i| (i as u8).wrapping_add(seed)));
    m
}

/// Split `msg` into packets of at most `mtu` payload bytes.
pub fn fragments(msg: &[u8], dst: u8, src: u8, to: bool, tag: u8, mtu: usize) -> Vec<Vec<u8>> {
    let chunks: Vec<&[u8]> = msg.chunks(mtu).collect();
    let n = chunks.len();
    chunks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut flags = ((i as u8) & 3) << 4 | (tag & 7);
            if i == 0 {
                flags |= SOM;
            }
            if i + 1 == n {
                flags |= EOM;
            }
            if to {
                flags |= TO;
            }
            let mut p = Vec::new();
            packet(dst, src, flags, c, &mut p);
            p
        })
        .collect()
}

/// `floods` start-of-message packets on distinct streams that never
/// complete, then `good` ordinary two-packet vendor messages (each 100
/// bytes, 64 in the first packet).
pub fn som_flood(floods: u32, good: u32) -> impl Iterator<Item = Vec<u8>> {
    let flood = (0..floods).map(|i| {
        let mut p = Vec::new();
        let (src, tag) = (0x10 + (i >> 3) as u8, (i & 7) as u8);
        packet(0x08, src, SOM | TO | tag, &vendor_message(64, 0), &mut p);
        p
    });
    let good = (0..good).flat_map(|i| {
        fragments(
            &vendor_message(100, i as u8),
            0x09,
            0x08,
            true,
            (i & 7) as u8,
            64,
        )
    });
    flood.chain(good)
}

/// `n` distinct messages that never complete: a SOM (64-byte payload) on
/// each of up to 2^20 (src, dst, TO, tag) streams, cycling.
pub fn never_completed(n: u32) -> impl Iterator<Item = Vec<u8>> {
    (0..n).map(|i| {
        let k = i & 0xF_FFFF;
        let (src, dst, to, tag) = ((k >> 12) as u8, (k >> 4) as u8, k & 8 != 0, (k & 7) as u8);
        let mut p = Vec::new();
        let flags = SOM | if to { TO } else { 0 } | tag;
        packet(dst, src, flags, &vendor_message(64, 0), &mut p);
        p
    })
}

/// `n` control Get Endpoint ID requests that are never answered, spread
/// over up to 65,536 (requester, responder) conversations and 8 tags.
pub fn unanswered(n: u32) -> impl Iterator<Item = Vec<u8>> {
    (0..n).map(|i| {
        let (src, dst, tag) = (i as u8, (i >> 8) as u8, ((i >> 16) & 7) as u8);
        let mut p = Vec::new();
        // Control, Rq, instance ID, Get Endpoint ID (DSP0236 §12.4).
        packet(
            dst,
            src,
            SOM | EOM | TO | tag,
            &[0x00, 0x80 | (i & 0x1F) as u8, 0x02],
            &mut p,
        );
        p
    })
}

/// PLDM GetPDR request (DSP0248 §26.2) for record 1.
fn get_pdr_req(iid: u8, dth: u32, first: bool) -> Vec<u8> {
    let mut m = vec![0x01, 0x80 | (iid & 0x1F), 0x02, 0x51];
    m.extend(1u32.to_le_bytes()); // recordHandle
    m.extend(dth.to_le_bytes()); // dataTransferHandle
    m.push(u8::from(first)); // transferOperationFlag: GetFirstPart = 1
    m.extend(0xFFFFu16.to_le_bytes()); // requestCount
    m.extend(0u16.to_le_bytes()); // recordChangeNumber
    m
}

/// PLDM GetPDR response part: flag 0 Start, 1 Middle, 4 End.
fn get_pdr_rsp(iid: u8, next_dth: u32, flag: u8, part: &[u8], end: bool) -> Vec<u8> {
    let mut m = vec![0x01, iid & 0x1F, 0x02, 0x51, 0x00];
    m.extend(0u32.to_le_bytes()); // nextRecordHandle
    m.extend(next_dth.to_le_bytes());
    m.push(flag);
    m.extend((part.len() as u16).to_le_bytes());
    m.extend_from_slice(part);
    if end {
        m.push(0); // transferCRC
    }
    m
}

/// One GetPDR multipart chain of `parts` responses of `part_len` bytes of
/// record data each, 8 -> 9, in packets of up to 4 KiB.
pub fn pdr_chain(parts: u32, part_len: usize) -> impl Iterator<Item = Vec<u8>> {
    let data = vec![0xA5u8; part_len];
    (0..parts).flat_map(move |k| {
        let iid = (k & 0x1F) as u8;
        let tag = (k & 7) as u8;
        let req = get_pdr_req(iid, k, k == 0);
        let flag = match k {
            0 => 0,
            _ if k + 1 == parts => 4,
            _ => 1,
        };
        let rsp = get_pdr_rsp(iid, k + 1, flag, &data, k + 1 == parts);
        let mut v = fragments(&req, 0x09, 0x08, true, tag, 4096);
        v.extend(fragments(&rsp, 0x08, 0x09, false, tag, 4096));
        v
    })
}
