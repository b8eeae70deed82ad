//! Packetisation of a message into MCTP packets (DSP0236 §8.8).
//!
//! SOM on the first packet, EOM on the last, the sequence number increments
//! modulo 4 from `first_seq`, every packet but the last carries exactly `mtu`
//! payload bytes. `mtu` here is the **payload** size per packet (the
//! baseline is 64); Linux and libmctp quote MTUs including the 4-byte header
//! (68) — see `mctp-core.md` §3 in the reference.

use crate::error::{Error, ErrorKind, Layer, Result};
use crate::mctp::{Repr, HEADER_LEN};

/// Splits one message into packets, writing each into a caller buffer.
#[derive(Debug, Clone)]
pub struct Fragmenter<'m> {
    msg: &'m [u8],
    dst: u8,
    src: u8,
    to: bool,
    tag: u8,
    mtu: usize,
    pos: usize,
    seq: u8,
}

impl<'m> Fragmenter<'m> {
    /// Prepare to send `msg` (type byte first). Errors on an empty message or
    /// a zero payload size.
    pub fn new(
        msg: &'m [u8],
        dst: u8,
        src: u8,
        to: bool,
        tag: u8,
        mtu: usize,
        first_seq: u8,
    ) -> Result<Self> {
        if msg.is_empty() {
            return Err(Error::truncated(Layer::Message, 1, 0));
        }
        if mtu == 0 {
            return Err(Error::invalid(
                Layer::Mctp,
                0,
                "mtu",
                0,
                "a payload size of at least 1",
            ));
        }
        Ok(Fragmenter {
            msg,
            dst,
            src,
            to,
            tag: tag & 7,
            mtu,
            pos: 0,
            seq: first_seq & 3,
        })
    }

    /// How many packets the whole message takes.
    pub fn packet_count(&self) -> usize {
        self.msg.len().div_ceil(self.mtu)
    }

    /// Size of the largest packet (header + payload).
    pub fn max_packet_len(&self) -> usize {
        HEADER_LEN + self.mtu.min(self.msg.len())
    }

    /// `true` once every packet has been produced.
    pub fn is_done(&self) -> bool {
        self.pos >= self.msg.len()
    }

    /// Write the next packet into `buf`; returns its length, or `None` when done.
    pub fn next_into(&mut self, buf: &mut [u8]) -> Option<Result<usize>> {
        if self.is_done() {
            return None;
        }
        let chunk = self.mtu.min(self.msg.len() - self.pos);
        let len = HEADER_LEN + chunk;
        if buf.len() < len {
            return Some(Err(Error {
                layer: Layer::Mctp,
                offset: 0,
                kind: ErrorKind::BufferTooSmall {
                    needed: len,
                    available: buf.len(),
                },
            }));
        }
        let som = self.pos == 0;
        let eom = self.pos + chunk == self.msg.len();
        let h = Repr::new(self.dst, self.src, som, eom, self.seq, self.to, self.tag);
        if let Err(e) = h.emit_bytes(buf) {
            return Some(Err(e));
        }
        buf[HEADER_LEN..len].copy_from_slice(&self.msg[self.pos..self.pos + chunk]);
        self.pos += chunk;
        self.seq = (self.seq + 1) & 3;
        Some(Ok(len))
    }
}

#[cfg(feature = "alloc")]
impl Iterator for Fragmenter<'_> {
    type Item = alloc::vec::Vec<u8>;

    /// Each packet as an owned vector (for tools; the stack uses `next_into`).
    fn next(&mut self) -> Option<Self::Item> {
        let mut v = alloc::vec![0u8; self.max_packet_len()];
        let n = self.next_into(&mut v)?.ok()?;
        v.truncate(n);
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mctp::Packet;

    #[test]
    fn libmctp_151_byte_example() {
        // mctp-core.md §4: 151 bytes at the BTU → flags 0x88, 0x18, 0x68.
        let msg = [0x55u8; 151];
        let mut f = Fragmenter::new(&msg, 9, 8, true, 0, 64, 0).unwrap();
        assert_eq!(f.packet_count(), 3);
        let mut buf = [0u8; 68];
        let mut flags = [0u8; 3];
        let mut lens = [0usize; 3];
        for i in 0..3 {
            let n = f.next_into(&mut buf).unwrap().unwrap();
            flags[i] = Packet::new_checked(&buf[..n]).unwrap().flags();
            lens[i] = n;
        }
        assert!(f.next_into(&mut buf).is_none());
        assert_eq!(flags, [0x88, 0x18, 0x68]);
        assert_eq!(lens, [68, 68, 4 + 23]);
    }

    #[test]
    fn single_packet_and_wrap() {
        let msg = [0u8; 10];
        let mut f = Fragmenter::new(&msg, 9, 8, false, 5, 64, 3).unwrap();
        let mut buf = [0u8; 80];
        let n = f.next_into(&mut buf).unwrap().unwrap();
        assert_eq!(n, 14);
        assert_eq!(buf[3], 0xC0 | 0x30 | 5);
        // sequence wraps 3 → 0
        let msg = [1u8; 3];
        let mut f = Fragmenter::new(&msg, 9, 8, true, 1, 1, 3).unwrap();
        let seqs: [u8; 3] = core::array::from_fn(|_| {
            let n = f.next_into(&mut buf).unwrap().unwrap();
            Packet::new_checked(&buf[..n]).unwrap().seq()
        });
        assert_eq!(seqs, [3, 0, 1]);
    }

    #[test]
    fn errors() {
        assert!(Fragmenter::new(&[], 9, 8, true, 0, 64, 0).is_err());
        assert!(Fragmenter::new(&[1], 9, 8, true, 0, 0, 0).is_err());
        let mut f = Fragmenter::new(&[1, 2, 3], 9, 8, true, 0, 64, 0).unwrap();
        assert!(f.next_into(&mut [0u8; 5]).unwrap().is_err());
    }

    proptest::proptest! {
        #[test]
        fn reassembles(msg in proptest::collection::vec(proptest::num::u8::ANY, 1..600),
                       mtu in 1usize..200, seq0 in 0u8..4, tag in 0u8..8, to: bool) {
            let mut f = Fragmenter::new(&msg, 0x10, 0x20, to, tag, mtu, seq0).unwrap();
            let count = f.packet_count();
            let mut out = std::vec::Vec::new();
            let mut buf = [0u8; 256];
            let mut expect_seq = seq0;
            let mut i = 0;
            while let Some(r) = f.next_into(&mut buf) {
                let n = r.unwrap();
                let p = Packet::new_checked(&buf[..n]).unwrap();
                proptest::prop_assert_eq!(p.som(), i == 0);
                proptest::prop_assert_eq!(p.eom(), i + 1 == count);
                proptest::prop_assert_eq!(p.seq(), expect_seq);
                proptest::prop_assert_eq!((p.tag(), p.to()), (tag, to));
                if !p.eom() { proptest::prop_assert_eq!(p.payload().len(), mtu); }
                out.extend_from_slice(p.payload());
                expect_seq = (expect_seq + 1) & 3;
                i += 1;
            }
            proptest::prop_assert_eq!(i, count);
            proptest::prop_assert_eq!(out, msg);
        }
    }
}
