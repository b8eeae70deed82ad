// TEMPORARY: replaced by the capture helper's reader at merge
//! Minimal capture reader so the analyser branch builds and can be
//! smoke-tested: classic pcap (either byte order, µs or ns timestamps) with
//! LINUX_SLL2 (276) or LINUX_SLL (113) records carrying protocol 0x00FA.
//! Nothing else is understood.

use std::path::Path;

use mctpkit_wire::binding::BindingKind;

use super::{CaptureError, Direction, Format, Record, Timestamp};

const LINKTYPE_LINUX_SLL: u32 = 113;
const LINKTYPE_LINUX_SLL2: u32 = 276;
const ETH_P_MCTP: u16 = 0x00FA;

/// A capture file read into memory.
pub struct Capture {
    data: Vec<u8>,
    big_endian: bool,
    nanos: bool,
    linktype: u32,
}

fn err(index: usize, offset: usize, message: &str) -> CaptureError {
    CaptureError {
        index,
        offset,
        message: message.to_string(),
    }
}

impl Capture {
    /// Read a capture file.
    pub fn open(path: &Path) -> Result<Capture, CaptureError> {
        let data = std::fs::read(path).map_err(|e| err(0, 0, &e.to_string()))?;
        Capture::from_bytes(data)
    }

    /// Wrap capture bytes.
    pub fn from_bytes(data: Vec<u8>) -> Result<Capture, CaptureError> {
        let magic = data
            .get(..4)
            .ok_or_else(|| err(0, 0, "file too short for a pcap header"))?;
        let (big_endian, nanos) = match magic {
            [0xd4, 0xc3, 0xb2, 0xa1] => (false, false),
            [0x4d, 0x3c, 0xb2, 0xa1] => (false, true),
            [0xa1, 0xb2, 0xc3, 0xd4] => (true, false),
            [0xa1, 0xb2, 0x3c, 0x4d] => (true, true),
            _ => return Err(err(0, 0, "not a classic pcap file (stub reader)")),
        };
        let mut c = Capture {
            data,
            big_endian,
            nanos,
            linktype: 0,
        };
        c.linktype = c
            .u32_at(20)
            .ok_or_else(|| err(0, 20, "truncated pcap header"))?;
        if c.linktype != LINKTYPE_LINUX_SLL2 && c.linktype != LINKTYPE_LINUX_SLL {
            return Err(err(0, 20, "unsupported link type (stub reader)"));
        }
        Ok(c)
    }

    fn u32_at(&self, o: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(o..o + 4)?.try_into().ok()?;
        Some(if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }

    /// What kind of file this is.
    pub fn format(&self) -> Format {
        Format::Pcap
    }

    /// Size of the file in bytes (progress total).
    pub fn len_bytes(&self) -> u64 {
        self.data.len() as u64
    }

    /// The records, in file order.
    pub fn records(&self) -> Records<'_> {
        Records {
            cap: self,
            pos: 24,
            index: 0,
            done: false,
        }
    }
}

/// Iterator over the records of a [`Capture`].
pub struct Records<'a> {
    cap: &'a Capture,
    pos: usize,
    index: usize,
    done: bool,
}

impl Records<'_> {
    /// Bytes of the file consumed so far (progress).
    pub fn bytes_consumed(&self) -> u64 {
        self.pos as u64
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.pos >= self.cap.data.len() {
            return None;
        }
        self.index += 1;
        let start = self.pos;
        let (Some(secs), Some(frac), Some(incl), Some(orig)) = (
            self.cap.u32_at(start),
            self.cap.u32_at(start + 4),
            self.cap.u32_at(start + 8),
            self.cap.u32_at(start + 12),
        ) else {
            self.done = true;
            return Some(Err(err(self.index, start, "truncated record header")));
        };
        let body_start = start + 16;
        let Some(body) = self
            .cap
            .data
            .get(body_start..body_start.saturating_add(incl as usize))
        else {
            self.done = true;
            return Some(Err(err(self.index, start, "truncated record")));
        };
        self.pos = body_start + body.len();
        let nanos = if self.cap.nanos {
            frac.min(999_999_999)
        } else {
            frac.min(999_999) * 1000
        };
        let ts = Some(Timestamp {
            secs: secs as i64,
            nanos,
        });
        let (hdr_len, proto_at, ptype_at) = if self.cap.linktype == LINKTYPE_LINUX_SLL2 {
            (20, 0, 10)
        } else {
            (16, 14, 1)
        };
        if body.len() < hdr_len {
            return Some(Err(err(
                self.index,
                start,
                "record shorter than cooked header",
            )));
        }
        let proto = u16::from_be_bytes([body[proto_at], body[proto_at + 1]]);
        if proto != ETH_P_MCTP {
            return Some(Err(err(self.index, start, "not an MCTP record (protocol)")));
        }
        let direction = Some(if body[ptype_at] == 4 {
            Direction::Outgoing
        } else {
            Direction::Incoming
        });
        Some(Ok(Record {
            index: self.index,
            ts,
            binding: BindingKind::None,
            direction,
            data: &body[hdr_len..],
            orig_len: (orig as usize).saturating_sub(hdr_len),
        }))
    }
}
