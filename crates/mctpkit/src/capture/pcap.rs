//! Classic pcap (libpcap's file format, draft-ietf-opsawg-pcap).
//!
//! File header, 24 bytes, in the writer's byte order (told by the magic):
//!
//! | Offset | Size | Field |
//! |---|---|---|
//! | 0 | 4 | magic: A1B2C3D4 (µs) or A1B23C4D (ns) |
//! | 4 | 2+2 | version 2.4 |
//! | 8 | 4 | thiszone (always 0 in practice; ignored, as libpcap does) |
//! | 12 | 4 | sigfigs |
//! | 16 | 4 | snaplen |
//! | 20 | 4 | link type (LINKTYPE_*) |
//!
//! Each record: 16-byte header (ts seconds, ts µs/ns, caplen, origlen), then
//! `caplen` bytes. Header and record framing are parsed with `pcap-parser`
//! (`parse_pcap_header`, `parse_pcap_frame`/`parse_pcap_frame_be`), which
//! borrow from the buffer and allocate nothing.

use pcap_parser::{parse_pcap_frame, parse_pcap_frame_be, parse_pcap_header};

use super::{linktype, CaptureError, Record, Timestamp};

/// Length of the pcap file header.
pub const FILE_HEADER_LEN: usize = 24;
/// Length of a pcap record header.
pub const RECORD_HEADER_LEN: usize = 16;

/// What the file header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PcapHeaderInfo {
    /// Multi-byte fields are big-endian.
    pub big_endian: bool,
    /// Timestamps are in nanoseconds (magic A1B23C4D) rather than µs.
    pub nanos: bool,
    pub version_major: u16,
    pub version_minor: u16,
    pub snaplen: u32,
    pub linktype: u32,
}

/// `true` if `bytes` starts with one of the four classic pcap magics.
pub fn has_magic(bytes: &[u8]) -> bool {
    matches!(
        bytes.get(..4),
        Some([0xA1, 0xB2, 0xC3, 0xD4])
            | Some([0xD4, 0xC3, 0xB2, 0xA1])
            | Some([0xA1, 0xB2, 0x3C, 0x4D])
            | Some([0x4D, 0x3C, 0xB2, 0xA1])
    )
}

/// Parse the file header; errors concern the file (index 0).
pub fn parse_header(bytes: &[u8]) -> Result<PcapHeaderInfo, CaptureError> {
    if bytes.len() < FILE_HEADER_LEN {
        return Err(CaptureError {
            index: 0,
            offset: 0,
            message: format!(
                "pcap file header truncated: {} of {FILE_HEADER_LEN} bytes",
                bytes.len()
            ),
        });
    }
    let (_, h) = parse_pcap_header(bytes).map_err(|_| CaptureError {
        index: 0,
        offset: 0,
        message: "unrecognised pcap file header".into(),
    })?;
    if h.version_major != 2 {
        return Err(CaptureError {
            index: 0,
            offset: 4,
            message: format!(
                "pcap version {}.{} is not supported (expected 2.x)",
                h.version_major, h.version_minor
            ),
        });
    }
    if h.is_modified_format() {
        return Err(CaptureError {
            index: 0,
            offset: 0,
            message: "modified (Kuznetzov) pcap is not supported".into(),
        });
    }
    Ok(PcapHeaderInfo {
        big_endian: h.is_bigendian(),
        nanos: h.is_nanosecond_precision(),
        version_major: h.version_major,
        version_minor: h.version_minor,
        snaplen: h.snaplen,
        // The link type is the low 16 bits; the upper bits may carry FCS
        // information (LINKTYPE_ field of draft-ietf-opsawg-pcap §4).
        linktype: (h.network.0 as u32) & 0xFFFF,
    })
}

/// Build a timestamp from seconds and a fraction that may overflow one second.
pub(crate) fn ts_from_parts(secs: u32, frac: u32, nanos: bool) -> Timestamp {
    let frac_ns: u64 = if nanos {
        frac.into()
    } else {
        u64::from(frac) * 1_000
    };
    Timestamp {
        secs: i64::from(secs) + (frac_ns / 1_000_000_000) as i64,
        nanos: (frac_ns % 1_000_000_000) as u32,
    }
}

/// What one parsing step produced: bytes consumed, the item to hand out
/// (`None`: nothing to report, go on) and whether iteration must stop.
#[derive(Debug)]
pub(crate) struct Step<'a> {
    pub(crate) consumed: usize,
    pub(crate) item: Option<Result<Record<'a>, CaptureError>>,
    pub(crate) done: bool,
}

/// Record-level state of a pcap reader, independent of where the bytes
/// live (a whole file in memory or a streaming window).
#[derive(Debug, Clone)]
pub(crate) struct PcapState {
    header: PcapHeaderInfo,
    index: usize,
    unsupported_reported: bool,
}

impl PcapState {
    pub(crate) fn new(header: PcapHeaderInfo) -> Self {
        PcapState {
            header,
            index: 0,
            unsupported_reported: false,
        }
    }

    /// Length of the record starting at `rest` (header and captured bytes),
    /// or `None` while its header is incomplete.
    pub(crate) fn frame_len(&self, rest: &[u8]) -> Option<usize> {
        if rest.len() < RECORD_HEADER_LEN {
            return None;
        }
        let caplen = read_u32(rest, 8, self.header.big_endian) as usize;
        Some(RECORD_HEADER_LEN.saturating_add(caplen))
    }

    /// Parse the record at the start of `rest`, which is at byte `offset` of
    /// the input. `rest` holds the whole record, or everything left of the
    /// input when the input ends inside it (then the record is reported as
    /// truncated and iteration stops). `rest` is not empty.
    pub(crate) fn step<'a>(&mut self, rest: &'a [u8], offset: usize) -> Step<'a> {
        self.index += 1;
        let parsed = if self.header.big_endian {
            parse_pcap_frame_be(rest)
        } else {
            parse_pcap_frame(rest)
        };
        let (after, frame) = match parsed {
            Ok(v) => v,
            Err(_) => {
                // Only a short read can fail here: either the record
                // header or its caplen bytes run past the end of file.
                // Nothing after it can be framed, so stop.
                let message = if rest.len() < RECORD_HEADER_LEN {
                    format!(
                        "record header truncated: {} of {RECORD_HEADER_LEN} bytes before end of file",
                        rest.len()
                    )
                } else {
                    let caplen = read_u32(rest, 8, self.header.big_endian);
                    format!(
                        "captured length {caplen} runs past end of file ({} bytes left)",
                        rest.len() - RECORD_HEADER_LEN
                    )
                };
                return Step {
                    consumed: rest.len(),
                    item: Some(Err(CaptureError {
                        index: self.index,
                        offset,
                        message,
                    })),
                    done: true,
                };
            }
        };
        let consumed = rest.len() - after.len();
        let lt = self.header.linktype;
        if !linktype::is_supported(lt) {
            // One error for the whole file; later records are skipped
            // (they still count for `index`).
            let item = (!self.unsupported_reported).then(|| {
                Err(CaptureError {
                    index: self.index,
                    offset,
                    message: linktype::unsupported(lt),
                })
            });
            self.unsupported_reported = true;
            return Step {
                consumed,
                item,
                done: false,
            };
        }
        let ts = ts_from_parts(frame.ts_sec, frame.ts_usec, self.header.nanos);
        let orig_len = usize::try_from(frame.origlen).unwrap_or(usize::MAX);
        let item = match linktype::decapsulate(lt, frame.data, orig_len) {
            Ok(d) => Ok(Record {
                index: self.index,
                ts: Some(ts),
                binding: d.binding,
                direction: d.direction,
                data: d.data,
                orig_len: d.orig_len,
            }),
            Err(message) => Err(CaptureError {
                index: self.index,
                offset,
                message,
            }),
        };
        Step {
            consumed,
            item: Some(item),
            done: false,
        }
    }
}

/// Iterator over the records of a classic pcap file in memory.
#[derive(Debug, Clone)]
pub struct PcapRecords<'a> {
    bytes: &'a [u8],
    pos: usize,
    state: PcapState,
    done: bool,
}

impl<'a> PcapRecords<'a> {
    pub(crate) fn new(bytes: &'a [u8], header: PcapHeaderInfo) -> Self {
        PcapRecords {
            bytes,
            pos: FILE_HEADER_LEN.min(bytes.len()),
            state: PcapState::new(header),
            done: false,
        }
    }

    /// Bytes of the file consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for PcapRecords<'a> {
    type Item = Result<Record<'a>, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        let state = &mut self.state;
        next_in_memory(self.bytes, &mut self.pos, &mut self.done, |r, o| {
            state.step(r, o)
        })
    }
}

/// The next item of an in-memory capture, stepping from `*pos` until a
/// step reports something or the bytes end.
pub(crate) fn next_in_memory<'a>(
    bytes: &'a [u8],
    pos: &mut usize,
    done: &mut bool,
    mut step: impl FnMut(&'a [u8], usize) -> Step<'a>,
) -> Option<Result<Record<'a>, CaptureError>> {
    while !*done {
        let rest = bytes.get(*pos..).unwrap_or_default();
        if rest.is_empty() {
            *done = true;
            return None;
        }
        let s = step(rest, *pos);
        *pos += s.consumed;
        *done = s.done;
        if s.item.is_some() {
            return s.item;
        }
    }
    None
}

/// Offset just past the last complete record (the file length when the
/// file ends on a record boundary).
pub(crate) fn end_of_complete_records(bytes: &[u8], header: &PcapHeaderInfo) -> usize {
    let mut pos = FILE_HEADER_LEN.min(bytes.len());
    while let Some(rest) = bytes.get(pos..).filter(|r| r.len() >= RECORD_HEADER_LEN) {
        let caplen = read_u32(rest, 8, header.big_endian) as usize;
        match RECORD_HEADER_LEN.checked_add(caplen) {
            Some(n) if n <= rest.len() => pos += n,
            _ => break,
        }
    }
    pos
}

fn read_u32(b: &[u8], at: usize, big_endian: bool) -> u32 {
    let mut a = [0u8; 4];
    if let Some(s) = b.get(at..at + 4) {
        a.copy_from_slice(s);
    }
    if big_endian {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    }
}
