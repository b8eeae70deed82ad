//! Hand-built capture bytes for the capture tests. Every field is written
//! out explicitly; nothing here uses the crate under test.
#![allow(dead_code)]

/// MCTP Set Endpoint ID response (bindings.md §2.2, pymctp README):
/// version 1, dest EID 0x0A, src EID 0x43, SOM|EOM seq 1, control,
/// instance 26, Set Endpoint ID, success, accepted, EID 0x43, pool 0.
pub const SET_EID_RESP: [u8; 11] = [
    0x01, 0x0A, 0x43, 0xD0, 0x00, 0x1A, 0x01, 0x00, 0x00, 0x43, 0x00,
];
/// MCTP Set Endpoint ID request (bindings.md §2.2): dest EID 0, src 0x0A,
/// SOM|EOM TO tag 7, instance 0x11, Set EID op 0, EID 0x1D.
pub const SET_EID_REQ: [u8; 9] = [0x01, 0x00, 0x0A, 0xCF, 0x00, 0x91, 0x01, 0x00, 0x1D];
/// The SMBus frame of SET_EID_RESP (bindings.md §2.2): dest 0x20, cmd 0x0F,
/// count 12, src 0x65, packet, PEC 0xF4.
pub const SMBUS_SET_EID_RESP: [u8; 16] = [
    0x20, 0x0F, 0x0C, 0x65, 0x01, 0x0A, 0x43, 0xD0, 0x00, 0x1A, 0x01, 0x00, 0x00, 0x43, 0x00, 0xF4,
];

fn u16b(v: u16, le: bool) -> [u8; 2] {
    if le {
        v.to_le_bytes()
    } else {
        v.to_be_bytes()
    }
}

fn u32b(v: u32, le: bool) -> [u8; 4] {
    if le {
        v.to_le_bytes()
    } else {
        v.to_be_bytes()
    }
}

/// Classic pcap file header.
pub fn pcap_header(le: bool, nanos: bool, linktype: u32) -> Vec<u8> {
    let magic = if nanos { 0xA1B2_3C4Du32 } else { 0xA1B2_C3D4 };
    let mut v = Vec::new();
    v.extend(u32b(magic, le));
    v.extend(u16b(2, le));
    v.extend(u16b(4, le));
    v.extend(u32b(0, le)); // thiszone
    v.extend(u32b(0, le)); // sigfigs
    v.extend(u32b(65535, le));
    v.extend(u32b(linktype, le));
    v
}

/// Classic pcap record: header then data.
pub fn pcap_record(le: bool, secs: u32, frac: u32, data: &[u8], origlen: u32) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(u32b(secs, le));
    v.extend(u32b(frac, le));
    v.extend(u32b(data.len() as u32, le));
    v.extend(u32b(origlen, le));
    v.extend_from_slice(data);
    v
}

/// LINUX_SLL header (big-endian fields).
pub fn sll(packet_type: u16, hatype: u16, addr: &[u8], protocol: u16) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(packet_type.to_be_bytes());
    v.extend(hatype.to_be_bytes());
    v.extend((addr.len() as u16).to_be_bytes());
    let mut a = [0u8; 8];
    a[..addr.len()].copy_from_slice(addr);
    v.extend(a);
    v.extend(protocol.to_be_bytes());
    v
}

/// LINUX_SLL2 header (big-endian fields).
pub fn sll2(protocol: u16, ifindex: u32, hatype: u16, packet_type: u8, addr: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(protocol.to_be_bytes());
    v.extend([0, 0]);
    v.extend(ifindex.to_be_bytes());
    v.extend(hatype.to_be_bytes());
    v.push(packet_type);
    v.push(addr.len() as u8);
    let mut a = [0u8; 8];
    a[..addr.len()].copy_from_slice(addr);
    v.extend(a);
    v
}

pub fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn pad4(v: &mut Vec<u8>) {
    while v.len() % 4 != 0 {
        v.push(0);
    }
}

/// A pcapng block around `body` (body padded to 4).
pub fn ng_block(le: bool, block_type: u32, body: &[u8]) -> Vec<u8> {
    let mut b = body.to_vec();
    pad4(&mut b);
    let total = 12 + b.len() as u32;
    let mut v = Vec::new();
    v.extend(u32b(block_type, le));
    v.extend(u32b(total, le));
    v.extend(b);
    v.extend(u32b(total, le));
    v
}

/// pcapng option TLV.
pub fn ng_opt(le: bool, code: u16, value: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(u16b(code, le));
    v.extend(u16b(value.len() as u16, le));
    v.extend_from_slice(value);
    pad4(&mut v);
    v
}

pub fn ng_shb(le: bool) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(u32b(0x1A2B_3C4D, le));
    body.extend(u16b(1, le));
    body.extend(u16b(0, le));
    body.extend([0xFF; 8]); // section length unknown (-1)
    ng_block(le, 0x0A0D_0D0A, &body)
}

pub fn ng_idb(le: bool, linktype: u16, tsresol: Option<u8>, tsoffset: Option<i64>) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(u16b(linktype, le));
    body.extend(u16b(0, le));
    body.extend(u32b(262_144, le));
    if let Some(r) = tsresol {
        body.extend(ng_opt(le, 9, &[r]));
    }
    if let Some(o) = tsoffset {
        let b = if le { o.to_le_bytes() } else { o.to_be_bytes() };
        body.extend(ng_opt(le, 14, &b));
    }
    if tsresol.is_some() || tsoffset.is_some() {
        body.extend(ng_opt(le, 0, &[]));
    }
    ng_block(le, 1, &body)
}

pub fn ng_epb(le: bool, if_id: u32, ts: u64, data: &[u8], flags: Option<u32>) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(u32b(if_id, le));
    body.extend(u32b((ts >> 32) as u32, le));
    body.extend(u32b(ts as u32, le));
    body.extend(u32b(data.len() as u32, le));
    body.extend(u32b(data.len() as u32, le));
    body.extend_from_slice(data);
    pad4(&mut body);
    if let Some(f) = flags {
        body.extend(ng_opt(le, 2, &u32b(f, le)));
        body.extend(ng_opt(le, 0, &[]));
    }
    ng_block(le, 6, &body)
}

pub fn ng_spb(le: bool, data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(u32b(data.len() as u32, le));
    body.extend_from_slice(data);
    ng_block(le, 3, &body)
}
