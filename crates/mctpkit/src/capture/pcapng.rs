//! pcapng (draft-ietf-opsawg-pcapng).
//!
//! Every block: type (4), total length (4), body, total length again (4),
//! in the byte order of its section (set by the section header block's
//! byte-order magic 1A2B3C4D). Blocks used here:
//!
//! | Type | Block | Body used |
//! |---|---|---|
//! | 0x0A0D0D0A | Section Header (SHB) | byte-order magic; starts a new section, forgets interfaces |
//! | 0x00000001 | Interface Description (IDB) | link type (2), reserved (2), snaplen (4), options: if_tsresol (9), if_tsoffset (14) |
//! | 0x00000006 | Enhanced Packet (EPB) | interface id, ts high, ts low, caplen, origlen, data (padded to 4), options: epb_flags (2) |
//! | 0x00000003 | Simple Packet (SPB) | origlen, data (interface 0, no time stamp) |
//! | 0x00000002 | Packet (obsolete) | interface id (2), drops (2), ts high, ts low, caplen, origlen, data |
//!
//! Other blocks are skipped. The section and interface blocks (rare) are
//! parsed with `pcap-parser`; packet blocks are parsed here so that walking
//! them allocates nothing (pcap-parser collects EPB options into a `Vec`)
//! and so that `epb_flags` (direction) can be read.
//!
//! Errors: a block whose length field is impossible (under 12 bytes or past
//! the end of the file) stops iteration with one error, since nothing after
//! it can be framed. A packet on an interface with an unsupported link type
//! gives one error for the first such packet of that interface; later ones
//! are skipped (they still count for `index`). Every other bad block gives
//! one error and iteration goes on with the next block.

use pcap_parser::pcapng::{
    parse_interfacedescriptionblock_be, parse_interfacedescriptionblock_le,
    parse_sectionheaderblock,
};

use super::pcap::Step;
use super::{linktype, CaptureError, Direction, Record, Timestamp};

/// Section header block type (a palindrome: the same in both byte orders).
pub const SHB_TYPE: u32 = 0x0A0D_0D0A;
pub const IDB_TYPE: u32 = 1;
pub const PB_TYPE: u32 = 2;
pub const SPB_TYPE: u32 = 3;
pub const EPB_TYPE: u32 = 6;
/// Section header byte-order magic.
pub const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;

const OPT_ENDOFOPT: u16 = 0;
const OPT_EPB_FLAGS: u16 = 2;
const OPT_IF_TSOFFSET: u16 = 14;

/// `true` if `bytes` starts with a section header block.
pub fn has_magic(bytes: &[u8]) -> bool {
    bytes.get(..4) == Some(&[0x0A, 0x0D, 0x0D, 0x0A])
}

/// Byte order of the section whose header starts at `bytes`, from the
/// byte-order magic at offset 8.
fn section_big_endian(bytes: &[u8]) -> Option<bool> {
    match bytes.get(8..12)? {
        [0x1A, 0x2B, 0x3C, 0x4D] => Some(true),
        [0x4D, 0x3C, 0x2B, 0x1A] => Some(false),
        _ => None,
    }
}

/// Check the first section header; errors concern the file (index 0).
pub fn check_header(bytes: &[u8]) -> Result<(), CaptureError> {
    let err = |message: String| CaptureError {
        index: 0,
        offset: 0,
        message,
    };
    let big_endian = section_big_endian(bytes)
        .ok_or_else(|| err("pcapng section header: bad byte-order magic".into()))?;
    let len = read_u32(bytes, 4, big_endian).unwrap_or(0) as usize;
    if len < 28 || bytes.len() < len {
        return Err(err(format!(
            "pcapng section header: block length {len} does not fit the {}-byte file",
            bytes.len()
        )));
    }
    let shb = bytes.get(..len).unwrap_or_default();
    match parse_sectionheaderblock(shb) {
        Ok((_, h)) if h.major_version == 1 => Ok(()),
        Ok((_, h)) => Err(err(format!(
            "pcapng version {}.{} is not supported (expected 1.x)",
            h.major_version, h.minor_version
        ))),
        Err(_) => Err(err("pcapng section header block is malformed".into())),
    }
}

fn read_u32(b: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    let a = [s[0], s[1], s[2], s[3]];
    Some(if big_endian {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    })
}

fn read_u16(b: &[u8], at: usize, big_endian: bool) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    let a = [s[0], s[1]];
    Some(if big_endian {
        u16::from_be_bytes(a)
    } else {
        u16::from_le_bytes(a)
    })
}

/// One interface of the current section.
#[derive(Debug, Clone, Copy)]
struct Interface {
    /// `None` when the IDB could not be parsed.
    linktype: Option<u32>,
    /// Time stamp units per second; `None` if if_tsresol is unusable.
    units_per_sec: Option<u64>,
    /// if_tsoffset, seconds added to every time stamp.
    ts_offset: i64,
    unsupported_reported: bool,
}

/// Units per second from an if_tsresol byte: bit 7 clear = 10^-n, set = 2^-n.
pub fn ts_units_per_sec(tsresol: u8) -> Option<u64> {
    let n = u32::from(tsresol & 0x7F);
    if tsresol & 0x80 == 0 {
        10u64.checked_pow(n)
    } else {
        1u64.checked_shl(n).filter(|_| n < 64)
    }
}

fn pcapng_ts(high: u32, low: u32, iface: &Interface) -> Option<Timestamp> {
    let units = iface.units_per_sec.filter(|&u| u > 0)?;
    let ts = (u64::from(high) << 32) | u64::from(low);
    let secs = i64::try_from(ts / units)
        .ok()?
        .checked_add(iface.ts_offset)?;
    let frac = u128::from(ts % units) * 1_000_000_000 / u128::from(units);
    Some(Timestamp {
        secs,
        nanos: frac as u32,
    })
}

/// Block-level state of a pcapng reader (byte order and interfaces of the
/// current section), independent of where the bytes live (a whole file in
/// memory or a streaming window).
#[derive(Debug, Clone, Default)]
pub(crate) struct PcapNgState {
    big_endian: bool,
    interfaces: Vec<Interface>,
    index: usize,
    /// Set by `block`: bytes of the block handled.
    consumed: usize,
    /// Set by `block`: nothing after this block can be framed.
    done: bool,
}

/// Iterator over the packets of a pcapng file in memory.
#[derive(Debug, Clone)]
pub struct PcapNgRecords<'a> {
    bytes: &'a [u8],
    pos: usize,
    state: PcapNgState,
    done: bool,
}

impl<'a> PcapNgRecords<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        PcapNgRecords {
            bytes,
            pos: 0,
            state: PcapNgState::default(),
            done: false,
        }
    }

    /// Bytes of the file consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }
}

impl PcapNgState {
    /// Length of the block starting at `rest`, or `None` while the bytes
    /// that tell it (12 for a section header, whose byte order follows its
    /// length field; 8 otherwise) are incomplete. A length that cannot be
    /// right is returned as is: [`Self::step`] reports it.
    pub(crate) fn frame_len(&self, rest: &[u8]) -> Option<usize> {
        if rest.len() < 12 {
            return None;
        }
        let be = if read_u32(rest, 0, false) == Some(SHB_TYPE) {
            match section_big_endian(rest) {
                Some(be) => be,
                // Bad byte-order magic: `step` reports it.
                None => return Some(12),
            }
        } else {
            self.big_endian
        };
        read_u32(rest, 4, be).map(|l| (l as usize).max(12))
    }

    /// Handle the block at the start of `rest` (at byte `offset` of the
    /// input). `rest` holds the whole block, or everything left of the input
    /// when the input ends inside it. `rest` is not empty.
    pub(crate) fn step<'a>(&mut self, rest: &'a [u8], offset: usize) -> Step<'a> {
        self.consumed = 0;
        self.done = false;
        let item = self.block(rest, offset);
        Step {
            consumed: if self.done { rest.len() } else { self.consumed },
            item,
            done: self.done,
        }
    }

    fn file_error(&self, offset: usize, message: String) -> CaptureError {
        CaptureError {
            index: 0,
            offset,
            message,
        }
    }

    /// Handle one block; `None` means "nothing to report, go on".
    fn block<'a>(
        &mut self,
        rest: &'a [u8],
        offset: usize,
    ) -> Option<Result<Record<'a>, CaptureError>> {
        if rest.len() < 12 {
            self.done = true;
            return Some(Err(self.file_error(
                offset,
                format!("block truncated: {} bytes before end of file", rest.len()),
            )));
        }
        let raw_type = read_u32(rest, 0, false).unwrap_or(0);
        if raw_type == SHB_TYPE {
            match section_big_endian(rest) {
                Some(be) => self.big_endian = be,
                None => {
                    self.done = true;
                    return Some(Err(self.file_error(
                        offset,
                        "section header block: bad byte-order magic".into(),
                    )));
                }
            }
            self.interfaces.clear();
        }
        let be = self.big_endian;
        let block_type = read_u32(rest, 0, be).unwrap_or(0);
        let len = read_u32(rest, 4, be).unwrap_or(0) as usize;
        if len < 12 {
            self.done = true;
            return Some(Err(self.file_error(
                offset,
                format!("block type 0x{block_type:08X}: length {len} is impossible (under 12)"),
            )));
        }
        if len > rest.len() {
            self.done = true;
            return Some(Err(self.file_error(
                offset,
                format!(
                    "block type 0x{block_type:08X}: length {len} is impossible ({} bytes left)",
                    rest.len()
                ),
            )));
        }
        self.consumed = len;
        let block = &rest[..len];
        let len2 = read_u32(block, len - 4, be).unwrap_or(0) as usize;
        if len2 != len {
            return Some(Err(self.file_error(
                offset,
                format!("block type 0x{block_type:08X}: trailing length {len2} differs from {len}"),
            )));
        }
        let body = &block[8..len - 4];
        match block_type {
            SHB_TYPE => match parse_sectionheaderblock(block) {
                Ok((_, h)) if h.major_version == 1 => None,
                Ok((_, h)) => {
                    self.done = true;
                    Some(Err(self.file_error(
                        offset,
                        format!(
                            "pcapng version {}.{} is not supported",
                            h.major_version, h.minor_version
                        ),
                    )))
                }
                Err(_) => Some(Err(
                    self.file_error(offset, "section header block is malformed".into())
                )),
            },
            IDB_TYPE => {
                let parsed = if be {
                    parse_interfacedescriptionblock_be(block)
                } else {
                    parse_interfacedescriptionblock_le(block)
                };
                match parsed {
                    Ok((_, idb)) => {
                        // pcap-parser reads if_tsoffset as little-endian
                        // whatever the section's byte order: read it here.
                        let ts_offset = idb
                            .options
                            .iter()
                            .find(|o| o.code.0 == OPT_IF_TSOFFSET)
                            .and_then(|o| o.value().get(..8))
                            .map(|v| {
                                let a = [v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]];
                                if be {
                                    i64::from_be_bytes(a)
                                } else {
                                    i64::from_le_bytes(a)
                                }
                            })
                            .unwrap_or(0);
                        self.interfaces.push(Interface {
                            linktype: Some(u32::from(idb.linktype.0 as u16)),
                            units_per_sec: ts_units_per_sec(idb.if_tsresol),
                            ts_offset,
                            unsupported_reported: false,
                        });
                        None
                    }
                    Err(_) => {
                        // Keep interface numbering aligned.
                        self.interfaces.push(Interface {
                            linktype: None,
                            units_per_sec: None,
                            ts_offset: 0,
                            unsupported_reported: false,
                        });
                        Some(Err(self.file_error(
                            offset,
                            format!(
                                "interface description block {} is malformed",
                                self.interfaces.len() - 1
                            ),
                        )))
                    }
                }
            }
            EPB_TYPE => {
                self.index += 1;
                let fields = (
                    read_u32(body, 0, be),
                    read_u32(body, 4, be),
                    read_u32(body, 8, be),
                    read_u32(body, 12, be),
                    read_u32(body, 16, be),
                );
                let (Some(if_id), Some(hi), Some(lo), Some(caplen), Some(origlen)) = fields else {
                    return Some(Err(self.record_error(
                        offset,
                        format!(
                            "enhanced packet block body truncated: {} of 20 bytes",
                            body.len()
                        ),
                    )));
                };
                let caplen = caplen as usize;
                let Some(data) = body.get(20..20usize.saturating_add(caplen)) else {
                    return Some(Err(self.record_error(
                        offset,
                        format!(
                            "captured length {caplen} runs past the end of its block ({} bytes)",
                            body.len() - 20
                        ),
                    )));
                };
                let opts = body.get(20 + pad4(caplen)..).unwrap_or_default();
                let dir = epb_flags_direction(opts, be);
                self.packet(
                    offset,
                    if_id as usize,
                    Some((hi, lo)),
                    data,
                    origlen as usize,
                    dir,
                )
            }
            PB_TYPE => {
                self.index += 1;
                let fields = (
                    read_u16(body, 0, be),
                    read_u32(body, 4, be),
                    read_u32(body, 8, be),
                    read_u32(body, 12, be),
                    read_u32(body, 16, be),
                );
                let (Some(if_id), Some(hi), Some(lo), Some(caplen), Some(origlen)) = fields else {
                    return Some(Err(self.record_error(
                        offset,
                        format!("packet block body truncated: {} of 20 bytes", body.len()),
                    )));
                };
                let caplen = caplen as usize;
                let Some(data) = body.get(20..20usize.saturating_add(caplen)) else {
                    return Some(Err(self.record_error(
                        offset,
                        format!(
                            "captured length {caplen} runs past the end of its block ({} bytes)",
                            body.len() - 20
                        ),
                    )));
                };
                self.packet(
                    offset,
                    if_id.into(),
                    Some((hi, lo)),
                    data,
                    origlen as usize,
                    None,
                )
            }
            SPB_TYPE => {
                self.index += 1;
                let Some(origlen) = read_u32(body, 0, be) else {
                    return Some(Err(
                        self.record_error(offset, "simple packet block body truncated".into())
                    ));
                };
                // The captured length is what fits in the block (it may
                // include padding), capped by the original length.
                let avail = &body[4..];
                let data = &avail[..avail.len().min(origlen as usize)];
                self.packet(offset, 0, None, data, origlen as usize, None)
            }
            _ => None,
        }
    }

    fn record_error(&self, offset: usize, message: String) -> CaptureError {
        CaptureError {
            index: self.index,
            offset,
            message,
        }
    }

    fn packet<'a>(
        &mut self,
        offset: usize,
        if_id: usize,
        ts: Option<(u32, u32)>,
        data: &'a [u8],
        orig_len: usize,
        flags_direction: Option<Direction>,
    ) -> Option<Result<Record<'a>, CaptureError>> {
        let index = self.index;
        let n_ifaces = self.interfaces.len();
        let Some(iface) = self.interfaces.get_mut(if_id) else {
            return Some(Err(CaptureError {
                index,
                offset,
                message: format!(
                    "packet on interface {if_id}, but the section describes {n_ifaces} interface(s)"
                ),
            }));
        };
        let Some(lt) = iface.linktype else {
            return Some(Err(CaptureError {
                index,
                offset,
                message: format!("packet on interface {if_id}, whose description is malformed"),
            }));
        };
        if !linktype::is_supported(lt) {
            if iface.unsupported_reported {
                return None;
            }
            iface.unsupported_reported = true;
            return Some(Err(CaptureError {
                index,
                offset,
                message: format!(
                    "interface {if_id}: {} (later packets on it are skipped)",
                    linktype::unsupported(lt)
                ),
            }));
        }
        let ts = ts.and_then(|(hi, lo)| pcapng_ts(hi, lo, iface));
        Some(match linktype::decapsulate(lt, data, orig_len) {
            Ok(d) => Ok(Record {
                index,
                ts,
                binding: d.binding,
                direction: d.direction.or(flags_direction),
                data: d.data,
                orig_len: d.orig_len,
            }),
            Err(message) => Err(CaptureError {
                index,
                offset,
                message,
            }),
        })
    }
}

fn pad4(n: usize) -> usize {
    n.saturating_add(3) & !3
}

/// Direction from an EPB's epb_flags option (bits 0-1: 1 inbound, 2 outbound).
fn epb_flags_direction(mut opts: &[u8], be: bool) -> Option<Direction> {
    while let (Some(code), Some(len)) = (read_u16(opts, 0, be), read_u16(opts, 2, be)) {
        let len = usize::from(len);
        if code == OPT_ENDOFOPT {
            return None;
        }
        let value = opts.get(4..4 + len)?;
        if code == OPT_EPB_FLAGS {
            return match read_u32(value, 0, be)? & 0b11 {
                1 => Some(Direction::Incoming),
                2 => Some(Direction::Outgoing),
                _ => None,
            };
        }
        opts = opts.get(4 + pad4(len)..)?;
    }
    None
}

impl<'a> Iterator for PcapNgRecords<'a> {
    type Item = Result<Record<'a>, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        let state = &mut self.state;
        super::pcap::next_in_memory(self.bytes, &mut self.pos, &mut self.done, |r, o| {
            state.step(r, o)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsresol() {
        assert_eq!(ts_units_per_sec(6), Some(1_000_000));
        assert_eq!(ts_units_per_sec(9), Some(1_000_000_000));
        assert_eq!(ts_units_per_sec(0x80 | 10), Some(1024));
        assert_eq!(ts_units_per_sec(20), None);
        assert_eq!(ts_units_per_sec(0xFF), None);
    }

    #[test]
    fn ts_binary_fraction() {
        let iface = Interface {
            linktype: Some(276),
            units_per_sec: Some(1024),
            ts_offset: 100,
            unsupported_reported: false,
        };
        let ts = pcapng_ts(0, 1024 * 5 + 512, &iface).unwrap();
        assert_eq!(
            ts,
            Timestamp {
                secs: 105,
                nanos: 500_000_000
            }
        );
    }
}
