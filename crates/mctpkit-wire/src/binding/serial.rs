//! Serial transport binding (DSP0253): HDLC-like framing of one MCTP packet.
//!
//! ```text
//!  0x7E        opening flag
//!  revision    0x01
//!  byte count  length of the UNESCAPED MCTP packet (header + payload)
//!  packet      MCTP packet, escaped: 0x7E -> 7D 5E, 0x7D -> 7D 5D
//!  FCS         16 bits, most significant byte first
//!  0x7E        closing flag (may double as the next frame's opening flag)
//! ```
//!
//! # What goes on the wire (Linux-compatible by default)
//!
//! Linux `mctp-serial`, libmctp and mctp-estack escape **only the packet
//! bytes**; revision, byte count and FCS are sent as they are. The FCS is
//! CRC-16/MCRF4XX (poly 0x1021 reflected, init 0xFFFF, no final XOR, check
//! 0x6F91) over revision, byte count and the unescaped packet. That is the
//! default here ([`Options::default`]).
//!
//! A strict reading of DSP0253 escapes everything between the flags (FCS
//! included) and uses the RFC 1662 FCS-16 (CRC-16/IBM-SDLC, "X-25": the
//! MCRF4XX value XOR 0xFFFF). Both are available as explicit options
//! ([`Options::escape_all`], [`FcsVariant::X25`]) for talking to peers built
//! from the spec text; they are not wire-compatible with Linux.
//!
//! # Unescaping
//!
//! Linux decodes an escaped byte as `c | 0x20`, libmctp as `c ^ 0x20`. They
//! agree on every valid escape (`5E`, `5D`) but not on `7D 61` (Linux 0x61,
//! libmctp 0x41). This module follows Linux, and reports escapes of bytes
//! that need none as a warning.
//!
//! # Decoding without a heap
//!
//! The byte count is one byte, so an unescaped packet is at most 255 bytes:
//! [`Frame`] keeps an inline copy ([`Frame::packet`]) and, when the packet
//! had no escapes, also the zero-copy slice of the input
//! ([`Frame::packet_in_input`]). [`Deframer`] is a sans-IO byte-stream
//! receiver with a fixed 255-byte buffer that resynchronises after errors.

use core::fmt;

use super::{out_room, Integrity, Warnings};
use crate::describe::{Describe, Field, Value, Visitor};
use crate::error::{Error, ErrorKind, Layer, Result};

/// Byte positions of a frame without repeated opening flags.
pub mod field {
    /// Opening flag.
    pub const FLAG: usize = 0;
    /// Revision.
    pub const REVISION: usize = 1;
    /// Byte count.
    pub const BYTE_COUNT: usize = 2;
    /// First (escaped) packet byte.
    pub const PACKET_START: usize = 3;
}

/// Frame delimiter.
pub const FLAG: u8 = 0x7E;
/// Escape byte.
pub const ESCAPE: u8 = 0x7D;
/// An escaped byte is the original XOR 0x20.
pub const ESCAPE_XOR: u8 = 0x20;
/// Revision defined by DSP0253 1.0.
pub const REVISION: u8 = 0x01;
/// Serial MTU used by Linux and libmctp (64-byte BTU + 4-byte header).
pub const MTU: usize = 68;
/// Largest byte count a frame can express.
pub const MAX_BYTE_COUNT: usize = 255;

/// FCS as Linux, libmctp and mctp-estack put it on the wire.
pub const FCS_MCRF4XX: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_MCRF4XX);
/// RFC 1662 FCS-16 (X-25), the spec-literal variant.
pub const FCS_X25: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_IBM_SDLC);

/// Which FCS-16 computation to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum FcsVariant {
    /// CRC-16/MCRF4XX: Linux, libmctp (since 2024), mctp-estack, pymctp.
    #[default]
    Mcrf4xx,
    /// CRC-16/IBM-SDLC (RFC 1662 with final XOR 0xFFFF).
    X25,
}

/// The same CRCs with the crate's slice-by-16 tables (8 KiB each): the
/// public constants above keep their byte-wise type for API stability; the
/// codec itself uses these (same polynomial and parameters, same values).
static FCS_MCRF4XX_FAST: crc::Crc<u16, crc::Table<16>> =
    crc::Crc::<u16, crc::Table<16>>::new(&crc::CRC_16_MCRF4XX);
static FCS_X25_FAST: crc::Crc<u16, crc::Table<16>> =
    crc::Crc::<u16, crc::Table<16>>::new(&crc::CRC_16_IBM_SDLC);

impl FcsVariant {
    /// The FCS over revision, byte count and unescaped packet.
    pub fn compute(self, revision: u8, byte_count: u8, packet: &[u8]) -> u16 {
        let crc = match self {
            FcsVariant::Mcrf4xx => &FCS_MCRF4XX_FAST,
            FcsVariant::X25 => &FCS_X25_FAST,
        };
        let mut d = crc.digest();
        d.update(&[revision, byte_count]);
        d.update(packet);
        d.finalize()
    }
}

/// Framing options shared by [`Frame::parse`], the encoder and [`Deframer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Options {
    /// Strict DSP0253 reading: escape revision, byte count and FCS too
    /// (not Linux-compatible). Default `false`.
    pub escape_all: bool,
    /// FCS computation. Default [`FcsVariant::Mcrf4xx`].
    pub fcs: FcsVariant,
    /// Largest accepted byte count. Default [`MTU`] (68, like Linux and
    /// libmctp); up to 255.
    pub max_len: usize,
    /// Smallest byte count the [`Deframer`] accepts. Default 4 (an MCTP
    /// header), like libmctp; 0 is always rejected by the deframer.
    pub min_len: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            escape_all: false,
            fcs: FcsVariant::Mcrf4xx,
            max_len: MTU,
            min_len: crate::mctp::HEADER_LEN,
        }
    }
}

impl Options {
    /// Linux-compatible framing that accepts every byte count (1..=255):
    /// what an analyser wants.
    pub fn lenient() -> Self {
        Options {
            max_len: MAX_BYTE_COUNT,
            min_len: 1,
            ..Options::default()
        }
    }
}

fn needs_escape(b: u8) -> bool {
    b == FLAG || b == ESCAPE
}

/// Index of the first flag or escape byte in `s` (`s.len()` if none).
///
/// Eight bytes at a time: the classic "has a zero byte" bit trick on
/// `word ^ 0x7E7E..` and `word ^ 0x7D7D..`. Its false positives only sit
/// above a true zero byte, so the lowest flagged byte is exact.
fn find_special(s: &[u8]) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    let mut chunks = s.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let w = u64::from_le_bytes(w);
        let hit = zero(w ^ (LO * u64::from(FLAG))) | zero(w ^ (LO * u64::from(ESCAPE)));
        if hit != 0 {
            return base + (hit.trailing_zeros() / 8) as usize;
        }
        base += 8;
    }
    base + chunks
        .remainder()
        .iter()
        .position(|&b| needs_escape(b))
        .unwrap_or(chunks.remainder().len())
}

/// Number of bytes of `s` that need an escape.
fn count_special(mut s: &[u8]) -> usize {
    let mut n = 0;
    loop {
        let k = find_special(s);
        if k >= s.len() {
            return n;
        }
        n += 1;
        s = &s[k + 1..];
    }
}

/// Linux's unescape rule (`c | 0x20`, see the module docs).
pub const fn unescape_byte(c: u8) -> u8 {
    c | ESCAPE_XOR
}

/// An unescaped packet of up to 255 bytes, stored inline.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PacketBuf {
    bytes: [u8; MAX_BYTE_COUNT],
    len: u8,
}

impl PacketBuf {
    const fn new() -> Self {
        PacketBuf {
            bytes: [0; MAX_BYTE_COUNT],
            len: 0,
        }
    }
    fn push(&mut self, b: u8) {
        if usize::from(self.len) < MAX_BYTE_COUNT {
            self.bytes[usize::from(self.len)] = b;
            self.len += 1;
        }
    }
    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl fmt::Debug for PacketBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", crate::describe::HexBytes(self.as_slice()))
    }
}

/// The framing of a packet as plain data (for encoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Repr {
    /// Revision byte (0x01).
    pub revision: u8,
}

impl Default for Repr {
    fn default() -> Self {
        Repr { revision: REVISION }
    }
}

/// Write `b` escaped (if `escape`) at `buf[*pos..]`; the caller sized `buf`.
fn put(buf: &mut [u8], pos: &mut usize, b: u8, escape: bool) {
    if escape && needs_escape(b) {
        buf[*pos] = ESCAPE;
        buf[*pos + 1] = b ^ ESCAPE_XOR;
        *pos += 2;
    } else {
        buf[*pos] = b;
        *pos += 1;
    }
}

impl Repr {
    /// Read the revision of a decoded frame.
    pub fn parse(frame: &Frame<'_>) -> Repr {
        Repr {
            revision: frame.revision,
        }
    }

    /// Exact frame length for `packet` with `opts` (escapes counted).
    pub fn buffer_len(&self, packet: &[u8], opts: &Options) -> usize {
        // The FCS bytes only matter when they are escaped too.
        let count = packet.len().min(MAX_BYTE_COUNT) as u8;
        let fcs = if opts.escape_all {
            opts.fcs.compute(self.revision, count, packet)
        } else {
            0
        };
        self.frame_len(packet, count, fcs, opts)
    }

    /// Frame length given the FCS (computed once by the encoder).
    fn frame_len(&self, packet: &[u8], count: u8, fcs: u16, opts: &Options) -> usize {
        let esc = |b: u8, on: bool| if on && needs_escape(b) { 2 } else { 1 };
        let fcs = fcs.to_be_bytes();
        2 + esc(self.revision, opts.escape_all)
            + esc(count, opts.escape_all)
            + packet.len()
            + count_special(packet)
            + esc(fcs[0], opts.escape_all)
            + esc(fcs[1], opts.escape_all)
    }

    /// Wrap `packet` into a Linux-compatible frame (flags, revision, count,
    /// escaped packet, MCRF4XX FCS); returns the frame length.
    pub fn emit_frame(&self, packet: &[u8], buf: &mut [u8]) -> Result<usize> {
        self.emit_frame_with(packet, buf, &Options::default())
    }

    /// Wrap `packet` with explicit escaping and FCS options. `opts.max_len`
    /// is not applied here except for the 255-byte limit of the count byte.
    pub fn emit_frame_with(&self, packet: &[u8], buf: &mut [u8], opts: &Options) -> Result<usize> {
        if packet.len() > MAX_BYTE_COUNT {
            return Err(Error {
                layer: Layer::Serial,
                offset: field::BYTE_COUNT,
                kind: ErrorKind::Oversize {
                    max: MAX_BYTE_COUNT,
                    actual: packet.len(),
                },
            });
        }
        let count = packet.len() as u8;
        let fcs = opts.fcs.compute(self.revision, count, packet);
        // Every byte escaped plus flags is the worst case; only a smaller
        // buffer needs the exact length (a second scan) before writing.
        let worst = 2 * (packet.len() + 4) + 2;
        let n = if buf.len() >= worst {
            None
        } else {
            let n = self.frame_len(packet, count, fcs, opts);
            out_room(Layer::Serial, buf, n)?;
            Some(n)
        };
        let mut pos = 0;
        buf[pos] = FLAG;
        pos += 1;
        put(buf, &mut pos, self.revision, opts.escape_all);
        put(buf, &mut pos, count, opts.escape_all);
        // Copy the runs between bytes that need an escape in bulk.
        let mut rest = packet;
        while !rest.is_empty() {
            let k = find_special(rest);
            buf[pos..pos + k].copy_from_slice(&rest[..k]);
            pos += k;
            match rest.get(k) {
                Some(&b) => {
                    put(buf, &mut pos, b, true);
                    rest = &rest[k + 1..];
                }
                None => break,
            }
        }
        for b in fcs.to_be_bytes() {
            put(buf, &mut pos, b, opts.escape_all);
        }
        buf[pos] = FLAG;
        pos += 1;
        debug_assert!(n.is_none_or(|n| n == pos));
        Ok(pos)
    }
}

/// A decoded serial frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The frame bytes this decode used (opening flag .. closing flag).
    pub raw: &'a [u8],
    /// Offset of the opening flag used (after repeated flags).
    pub flag_offset: usize,
    /// Revision byte.
    pub revision: u8,
    /// Byte count (unescaped packet length).
    pub byte_count: u8,
    /// FCS found on the wire.
    pub fcs: u16,
    /// FCS computed over revision, count and the unescaped packet.
    pub computed_fcs: u16,
    /// Which FCS was computed.
    pub fcs_variant: FcsVariant,
    /// Number of escape sequences inside the packet.
    pub escapes: usize,
    /// Offset of the first escaped packet byte in `raw`.
    pub packet_start: usize,
    /// Escaped length of the packet in `raw`.
    pub packet_raw_len: usize,
    /// Offset of the FCS in `raw`.
    pub fcs_offset: usize,
    /// Whether the closing flag was present.
    pub closing_flag: bool,
    /// Input bytes used.
    pub frame_len: usize,
    /// Non-fatal problems.
    pub warnings: Warnings,
    packet: PacketBuf,
}

/// Reads one field byte, unescaping when the field is escaped.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    escapes: usize,
    warnings: Warnings,
}

impl Reader<'_> {
    fn byte(&mut self, escaped: bool, what: &'static str) -> Result<u8> {
        let b = *self.bytes.get(self.pos).ok_or(Error::truncated(
            Layer::Serial,
            self.pos + 1,
            self.bytes.len(),
        ))?;
        if !escaped {
            self.pos += 1;
            return Ok(b);
        }
        if b == FLAG {
            return Err(Error::invalid(
                Layer::Serial,
                self.pos,
                what,
                FLAG.into(),
                "data (a flag here means the frame ended early)",
            ));
        }
        if b != ESCAPE {
            self.pos += 1;
            return Ok(b);
        }
        let c = *self.bytes.get(self.pos + 1).ok_or(Error::truncated(
            Layer::Serial,
            self.pos + 2,
            self.bytes.len(),
        ))?;
        if c == FLAG {
            return Err(Error::invalid(
                Layer::Serial,
                self.pos + 1,
                "escape",
                c.into(),
                "an escaped byte, not a flag",
            ));
        }
        let v = unescape_byte(c);
        if !needs_escape(v) || c & ESCAPE_XOR != 0 {
            // 7D followed by something other than 5E/5D: legal to decode,
            // but no conforming sender produces it.
            self.warnings.push(Error::invalid(
                Layer::Serial,
                self.pos + 1,
                "escape",
                c.into(),
                "0x5e or 0x5d after 0x7d",
            ));
        }
        self.escapes += 1;
        self.pos += 2;
        Ok(v)
    }
}

impl<'a> Frame<'a> {
    /// Decode one frame at the start of `bytes`, which must begin with the
    /// opening flag (repeated flags are skipped). A missing closing flag is a
    /// warning; bytes after the closing flag are left for the caller
    /// ([`Frame::frame_len`] says where the next frame starts).
    pub fn parse(bytes: &'a [u8], opts: &Options) -> Result<Frame<'a>> {
        match bytes.first() {
            None => return Err(Error::truncated(Layer::Serial, 1, 0)),
            Some(&FLAG) => {}
            Some(&b) => {
                return Err(Error::invalid(
                    Layer::Serial,
                    0,
                    "flag",
                    b.into(),
                    "0x7e (opening flag)",
                ))
            }
        }
        let mut flag_offset = 0;
        while bytes.get(flag_offset + 1) == Some(&FLAG) {
            flag_offset += 1;
        }
        let mut r = Reader {
            bytes,
            pos: flag_offset + 1,
            escapes: 0,
            warnings: Warnings::default(),
        };
        let rev_at = r.pos;
        let revision = r.byte(opts.escape_all, "revision")?;
        if revision != REVISION {
            r.warnings.push(Error::invalid(
                Layer::Serial,
                rev_at,
                "revision",
                revision.into(),
                "0x01",
            ));
        }
        let count_at = r.pos;
        let byte_count = r.byte(opts.escape_all, "byte_count")?;
        if usize::from(byte_count) > opts.max_len {
            return Err(Error {
                layer: Layer::Serial,
                offset: count_at,
                kind: ErrorKind::Oversize {
                    max: opts.max_len,
                    actual: byte_count.into(),
                },
            });
        }
        let packet_start = r.pos;
        // A cut frame reports the shortest complete frame (packet and FCS
        // unescaped, closing flag aside), not just the next missing byte.
        let at_least = |e: Error| match e.kind {
            ErrorKind::Truncated { needed, available } => Error::truncated(
                Layer::Serial,
                needed.max(packet_start + usize::from(byte_count) + 2),
                available,
            ),
            _ => e,
        };
        let mut packet = PacketBuf::new();
        for _ in 0..byte_count {
            packet.push(r.byte(true, "packet").map_err(at_least)?);
        }
        let escapes = r.escapes;
        let packet_raw_len = r.pos - packet_start;
        let fcs_offset = r.pos;
        let hi = r.byte(opts.escape_all, "fcs").map_err(at_least)?;
        let lo = r.byte(opts.escape_all, "fcs").map_err(at_least)?;
        let fcs = u16::from_be_bytes([hi, lo]);
        let mut warnings = r.warnings;
        let (closing_flag, frame_len) = match bytes.get(r.pos) {
            Some(&FLAG) => (true, r.pos + 1),
            Some(&b) => {
                warnings.push(Error::invalid(
                    Layer::Serial,
                    r.pos,
                    "closing_flag",
                    b.into(),
                    "0x7e (closing flag)",
                ));
                (false, r.pos)
            }
            None => {
                warnings.push(Error::truncated(Layer::Serial, r.pos + 1, bytes.len()));
                (false, r.pos)
            }
        };
        let computed_fcs = opts.fcs.compute(revision, byte_count, packet.as_slice());
        Ok(Frame {
            raw: &bytes[..frame_len],
            flag_offset,
            revision,
            byte_count,
            fcs,
            computed_fcs,
            fcs_variant: opts.fcs,
            escapes,
            packet_start,
            packet_raw_len,
            fcs_offset,
            closing_flag,
            frame_len,
            warnings,
            packet,
        })
    }

    /// The unescaped MCTP packet.
    pub fn packet(&self) -> &[u8] {
        self.packet.as_slice()
    }

    /// The packet as a slice of the input, when it contained no escapes.
    pub fn packet_in_input(&self) -> Option<&'a [u8]> {
        if self.escapes == 0 {
            self.raw
                .get(self.packet_start..self.packet_start + self.packet_raw_len)
        } else {
            None
        }
    }

    /// Copy the unescaped packet into `out`; returns its length.
    pub fn unescape_into(&self, out: &mut [u8]) -> Result<usize> {
        let p = self.packet();
        out_room(Layer::Serial, out, p.len())?;
        out[..p.len()].copy_from_slice(p);
        Ok(p.len())
    }

    /// The FCS verdict.
    pub fn integrity(&self) -> Integrity {
        Integrity {
            layer: Layer::Serial,
            name: "fcs",
            found: self.fcs.into(),
            computed: self.computed_fcs.into(),
        }
    }

    /// `true` when the FCS matches.
    pub fn fcs_ok(&self) -> bool {
        self.fcs == self.computed_fcs
    }
}

impl Describe for Frame<'_> {
    fn layer(&self) -> Layer {
        Layer::Serial
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, "Serial len={}", self.byte_count)?;
        if self.escapes > 0 {
            write!(w, " esc={}", self.escapes)?;
        }
        if self.fcs_ok() {
            w.write_str(" FCS ok")
        } else {
            write!(
                w,
                " FCS BAD (found {:#06x}, computed {:#06x})",
                self.fcs, self.computed_fcs
            )
        }
    }

    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::new("flag", self.flag_offset, 1, Value::hex8(FLAG)));
        let rev_at = self.flag_offset + 1;
        v.field(
            &Field::new("revision", rev_at, 1, Value::hex8(self.revision)).meaning(
                if self.revision == REVISION {
                    Some("DSP0253 1.0")
                } else {
                    Some("unknown revision")
                },
            ),
        );
        v.field(&Field::new(
            "byte_count",
            rev_at + 1,
            1,
            Value::Uint(self.byte_count.into()),
        ));
        v.field(
            &Field::new(
                "escapes",
                self.packet_start,
                self.packet_raw_len,
                Value::Uint(self.escapes as u64),
            )
            .meaning(Some("escape sequences in the packet bytes")),
        );
        v.field(
            &Field::new(
                "fcs",
                self.fcs_offset,
                self.frame_len.min(self.fcs_offset + 2) - self.fcs_offset,
                Value::hex16(self.fcs),
            )
            .meaning(Some(match self.fcs_variant {
                FcsVariant::Mcrf4xx => "CRC-16/MCRF4XX",
                FcsVariant::X25 => "CRC-16/IBM-SDLC (X-25)",
            })),
        );
        v.field(&Field::derived(
            "fcs_computed",
            Value::hex16(self.computed_fcs),
        ));
        v.field(&Field::derived("fcs_ok", Value::Bool(self.fcs_ok())));
        v.field(&Field::derived(
            "closing_flag",
            Value::Bool(self.closing_flag),
        ));
    }
}

// ---------------------------------------------------------------------------
// Streaming receiver
// ---------------------------------------------------------------------------

/// What went wrong in a byte stream (each error is followed by a resync).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case", tag = "kind"))]
pub enum DeframeErrorKind {
    /// `len` bytes outside any frame before an opening flag.
    Garbage { len: u64 },
    /// The byte after the opening flag was not revision 0x01.
    BadRevision { value: u8 },
    /// Byte count 0.
    ZeroLength,
    /// Byte count below [`Options::min_len`].
    TooShort { len: u8, min: usize },
    /// Byte count above [`Options::max_len`].
    Oversize { len: u8, max: usize },
    /// A flag arrived inside a frame (the frame was cut short); the flag
    /// is taken as the next opening flag.
    UnexpectedFlag,
    /// `7D 7E`: an escape followed by a flag.
    BadEscape,
    /// The FCS did not match (frame dropped).
    BadFcs { found: u16, computed: u16 },
    /// The byte after the FCS was not the closing flag (frame dropped).
    MissingEndFlag { value: u8 },
}

/// A stream error: what, where the affected frame (or garbage) started and
/// the stream offset of the byte that revealed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DeframeError {
    /// Stream offset where the bad frame or garbage began.
    pub start: u64,
    /// Stream offset of the byte that revealed the error.
    pub offset: u64,
    pub kind: DeframeErrorKind,
}

impl fmt::Display for DeframeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "serial: at stream offset {}: ", self.offset)?;
        match self.kind {
            DeframeErrorKind::Garbage { len } => {
                write!(f, "{len} bytes outside a frame from offset {}", self.start)
            }
            DeframeErrorKind::BadRevision { value } => {
                write!(f, "revision {value:#04x}, expected 0x01")
            }
            DeframeErrorKind::ZeroLength => f.write_str("zero byte count"),
            DeframeErrorKind::TooShort { len, min } => {
                write!(f, "byte count {len} below minimum {min}")
            }
            DeframeErrorKind::Oversize { len, max } => {
                write!(f, "byte count {len} above maximum {max}")
            }
            DeframeErrorKind::UnexpectedFlag => write!(
                f,
                "flag inside the frame that started at {} (frame cut short)",
                self.start
            ),
            DeframeErrorKind::BadEscape => f.write_str("escape followed by a flag"),
            DeframeErrorKind::BadFcs { found, computed } => {
                write!(f, "bad FCS: found {found:#06x}, computed {computed:#06x}")
            }
            DeframeErrorKind::MissingEndFlag { value } => {
                write!(f, "expected closing flag 0x7e, got {value:#04x}")
            }
        }
    }
}

/// A frame received by the [`Deframer`]; the packet borrows its buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deframed<'a> {
    /// Revision byte.
    pub revision: u8,
    /// The unescaped MCTP packet.
    pub packet: &'a [u8],
    /// FCS (verified).
    pub fcs: u16,
    /// Stream offset of the opening flag.
    pub start: u64,
    /// Stream offset just past the closing flag.
    pub end: u64,
}

/// One thing the [`Deframer`] noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// A complete frame with a good FCS.
    Frame(Deframed<'a>),
    /// An error; the deframer has already resynchronised.
    Error(DeframeError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for a flag. `skip`: the bytes belong to a failed frame and
    /// are not reported again as garbage.
    Hunt {
        skip: bool,
    },
    Revision,
    Count,
    Data,
    FcsHi,
    FcsLo,
    End,
}

/// Sans-IO serial receiver: feed bytes, get frames and errors.
///
/// It follows libmctp's state machine (repeated flags stay in
/// "wait for revision"; the closing flag doubles as the next opening flag)
/// and reports every dropped frame with a reason instead of dropping it
/// silently. Memory is a fixed 255-byte buffer; nothing allocates.
///
/// ```
/// use mctpkit_wire::binding::serial::{Deframer, Event, Options, Repr};
/// let mut frame = [0u8; 32];
/// let n = Repr::default().emit_frame(&[1, 9, 8, 0xc0, 0x7e], &mut frame).unwrap();
/// let mut d = Deframer::new(Options::default());
/// let mut push = d.push(&frame[..n]);
/// match push.next_event() {
///     Some(Event::Frame(f)) => assert_eq!(f.packet, &[1, 9, 8, 0xc0, 0x7e]),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Deframer {
    opts: Options,
    state: State,
    /// Escape seen; the next byte is escaped.
    escape: bool,
    buf: [u8; MAX_BYTE_COUNT],
    len: usize,
    count: u8,
    revision: u8,
    fcs: u16,
    /// Stream offset of the next byte.
    offset: u64,
    /// Start of the current frame (its opening flag).
    frame_start: u64,
    /// Opening flag of the last completed frame.
    last_start: u64,
    /// Garbage run start and length.
    garbage_start: u64,
    garbage_len: u64,
}

impl Deframer {
    /// A receiver waiting for an opening flag.
    pub fn new(opts: Options) -> Self {
        Deframer {
            opts,
            state: State::Hunt { skip: false },
            escape: false,
            buf: [0; MAX_BYTE_COUNT],
            len: 0,
            count: 0,
            revision: 0,
            fcs: 0,
            offset: 0,
            frame_start: 0,
            last_start: 0,
            garbage_start: 0,
            garbage_len: 0,
        }
    }

    /// The options in use.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Stream offset of the next byte to be fed.
    pub fn stream_offset(&self) -> u64 {
        self.offset
    }

    /// Forget any partial frame and wait for a flag (the stream offset keeps
    /// counting).
    pub fn reset(&mut self) {
        self.state = State::Hunt { skip: false };
        self.escape = false;
        self.len = 0;
        self.garbage_len = 0;
    }

    /// Whether the current state's byte is escaped.
    fn escaped(&self) -> bool {
        match self.state {
            State::Data => true,
            State::Revision | State::Count | State::FcsHi | State::FcsLo => self.opts.escape_all,
            State::Hunt { .. } | State::End => false,
        }
    }

    fn fail(&mut self, at: u64, kind: DeframeErrorKind) -> Option<Event<'_>> {
        self.state = State::Hunt { skip: true };
        self.escape = false;
        Some(Event::Error(DeframeError {
            start: self.frame_start,
            offset: at,
            kind,
        }))
    }

    /// An opening flag at `at`: start a frame.
    fn open(&mut self, at: u64) {
        self.state = State::Revision;
        self.escape = false;
        self.frame_start = at;
        self.len = 0;
    }

    /// A flag at `at` inside a frame: right after the opening flag it is a
    /// repeated flag (fine); later it cuts the frame short and opens the next.
    fn flag_in_frame(&mut self, at: u64) -> Option<Event<'static>> {
        if self.state == State::Revision {
            self.frame_start = at;
            return None;
        }
        let start = self.frame_start;
        self.open(at);
        Some(Event::Error(DeframeError {
            start,
            offset: at,
            kind: DeframeErrorKind::UnexpectedFlag,
        }))
    }

    /// Feed one byte; at most one event results.
    pub fn feed(&mut self, byte: u8) -> Option<Event<'_>> {
        let at = self.offset;
        self.offset += 1;

        if let State::Hunt { skip } = self.state {
            if byte == FLAG {
                let garbage = (!skip && self.garbage_len > 0).then_some(DeframeError {
                    start: self.garbage_start,
                    offset: at,
                    kind: DeframeErrorKind::Garbage {
                        len: self.garbage_len,
                    },
                });
                self.garbage_len = 0;
                self.open(at);
                return garbage.map(Event::Error);
            }
            if !skip {
                if self.garbage_len == 0 {
                    self.garbage_start = at;
                }
                self.garbage_len += 1;
            }
            return None;
        }

        // Inside a frame. Flags and escapes first, where they apply.
        let escaped = self.escaped();
        let value = if escaped {
            if byte == FLAG {
                if self.escape {
                    // `7D 7E`: report it; the flag still opens the next frame.
                    let start = self.frame_start;
                    self.open(at);
                    return Some(Event::Error(DeframeError {
                        start,
                        offset: at,
                        kind: DeframeErrorKind::BadEscape,
                    }));
                }
                return self.flag_in_frame(at);
            }
            if self.escape {
                self.escape = false;
                unescape_byte(byte)
            } else if byte == ESCAPE {
                self.escape = true;
                return None;
            } else {
                byte
            }
        } else {
            // A count of 0x7E (126) is indistinguishable from a flag after a
            // frame cut right after its revision. Take it as a count only
            // when such counts are allowed (like Linux and libmctp, whose
            // MTU rejects it anyway); otherwise resync on the flag.
            let count_ok = self.opts.max_len >= usize::from(FLAG);
            if byte == FLAG
                && (self.state == State::Revision || (self.state == State::Count && !count_ok))
            {
                return self.flag_in_frame(at);
            }
            byte
        };

        match self.state {
            State::Hunt { .. } => None,
            State::Revision => {
                if value != REVISION {
                    return self.fail(at, DeframeErrorKind::BadRevision { value });
                }
                self.revision = value;
                self.state = State::Count;
                None
            }
            State::Count => {
                let len = usize::from(value);
                if len == 0 {
                    return self.fail(at, DeframeErrorKind::ZeroLength);
                }
                if len < self.opts.min_len {
                    let min = self.opts.min_len;
                    return self.fail(at, DeframeErrorKind::TooShort { len: value, min });
                }
                if len > self.opts.max_len.min(MAX_BYTE_COUNT) {
                    let max = self.opts.max_len;
                    return self.fail(at, DeframeErrorKind::Oversize { len: value, max });
                }
                self.count = value;
                self.len = 0;
                self.state = State::Data;
                None
            }
            State::Data => {
                if let Some(slot) = self.buf.get_mut(self.len) {
                    *slot = value;
                }
                self.len += 1;
                if self.len >= usize::from(self.count) {
                    self.state = State::FcsHi;
                }
                None
            }
            State::FcsHi => {
                self.fcs = u16::from(value) << 8;
                self.state = State::FcsLo;
                None
            }
            State::FcsLo => {
                self.fcs |= u16::from(value);
                self.state = State::End;
                None
            }
            State::End => {
                if byte != FLAG {
                    return self.fail(at, DeframeErrorKind::MissingEndFlag { value: byte });
                }
                let start = self.frame_start;
                self.last_start = start;
                // The closing flag opens the next frame.
                self.open(at);
                let n = usize::from(self.count).min(MAX_BYTE_COUNT);
                let computed = self
                    .opts
                    .fcs
                    .compute(self.revision, self.count, &self.buf[..n]);
                if computed != self.fcs {
                    return Some(Event::Error(DeframeError {
                        start,
                        offset: at,
                        kind: DeframeErrorKind::BadFcs {
                            found: self.fcs,
                            computed,
                        },
                    }));
                }
                Some(Event::Frame(Deframed {
                    revision: self.revision,
                    packet: &self.buf[..n],
                    fcs: self.fcs,
                    start,
                    end: at + 1,
                }))
            }
        }
    }

    /// Consume a leading part of `input` that produces no event, doing
    /// exactly what [`Deframer::feed`] would do byte by byte: plain packet
    /// bytes in [`State::Data`] (copied in bulk) and complete `7D xx`
    /// escapes, non-flag bytes while hunting (counted as garbage or
    /// skipped), and, in Linux mode (`escape_all` off), a good revision, an
    /// acceptable byte count and the two FCS bytes. Returns how many bytes
    /// were consumed; it stops before any byte that could raise an event (or
    /// needs the escape state carried between chunks), which then goes
    /// through `feed`.
    fn feed_run(&mut self, input: &[u8]) -> usize {
        let mut used = 0;
        loop {
            let rest = input.get(used..).unwrap_or(&[]);
            let n = self.feed_step(rest);
            if n == 0 {
                break;
            }
            used += n;
            self.offset += n as u64;
        }
        used
    }

    /// One step of [`Deframer::feed_run`]; does not advance `offset`.
    fn feed_step(&mut self, input: &[u8]) -> usize {
        let Some(&first) = input.first() else {
            return 0;
        };
        match self.state {
            State::Data if !self.escape => {
                let want = usize::from(self.count).saturating_sub(self.len);
                let avail = &input[..want.min(input.len())];
                let mut k = find_special(avail);
                let stored;
                if k == 0 {
                    // A complete escape pair (not `7D 7E`) is one data byte.
                    match input.get(1) {
                        Some(&c) if first == ESCAPE && c != FLAG && want > 0 => {
                            if let Some(slot) = self.buf.get_mut(self.len) {
                                *slot = unescape_byte(c);
                            }
                            stored = 1;
                            k = 2;
                        }
                        _ => return 0,
                    }
                } else {
                    let room = MAX_BYTE_COUNT.saturating_sub(self.len);
                    let n = k.min(room);
                    self.buf[self.len..self.len + n].copy_from_slice(&avail[..n]);
                    stored = k;
                }
                self.len += stored;
                if self.len >= usize::from(self.count) {
                    self.state = State::FcsHi;
                }
                k
            }
            State::Hunt { skip } => {
                let k = input.iter().position(|&b| b == FLAG).unwrap_or(input.len());
                if k > 0 && !skip {
                    if self.garbage_len == 0 {
                        self.garbage_start = self.offset;
                    }
                    self.garbage_len += k as u64;
                }
                k
            }
            _ if self.opts.escape_all => 0,
            State::Revision if first == REVISION => {
                self.revision = first;
                self.state = State::Count;
                1
            }
            State::Count => {
                let len = usize::from(first);
                let count_ok = self.opts.max_len >= usize::from(FLAG);
                let ok = len != 0
                    && len >= self.opts.min_len
                    && len <= self.opts.max_len.min(MAX_BYTE_COUNT)
                    && (first != FLAG || count_ok);
                if !ok {
                    return 0;
                }
                self.count = first;
                self.len = 0;
                self.state = State::Data;
                1
            }
            State::FcsHi => {
                self.fcs = u16::from(first) << 8;
                self.state = State::FcsLo;
                1
            }
            State::FcsLo => {
                self.fcs |= u16::from(first);
                self.state = State::End;
                1
            }
            _ => 0,
        }
    }

    /// Feed a chunk; pull events with [`Push::next_event`]. Bytes not yet
    /// consumed when the `Push` is dropped are not fed.
    pub fn push<'d, 'i>(&'d mut self, input: &'i [u8]) -> Push<'d, 'i> {
        Push {
            deframer: self,
            input,
            pos: 0,
        }
    }
}

/// Events from one chunk of input (a lending iterator: each event borrows
/// the deframer's buffer until the next call).
pub struct Push<'d, 'i> {
    deframer: &'d mut Deframer,
    input: &'i [u8],
    pos: usize,
}

impl Push<'_, '_> {
    /// The next event from the chunk, `None` when the chunk is consumed.
    #[allow(clippy::should_implement_trait)]
    pub fn next_event(&mut self) -> Option<Event<'_>> {
        while let Some(&b) = self.input.get(self.pos) {
            // Bulk paths: runs of plain bytes inside a packet, or outside
            // any frame, do exactly what feeding them one by one would do.
            let rest = self.input.get(self.pos..).unwrap_or(&[]);
            let run = self.deframer.feed_run(rest);
            if run > 0 {
                self.pos += run;
                continue;
            }
            self.pos += 1;
            // Polonius-free borrow dance: test for an event first, then
            // return it from a fresh borrow.
            let fired = self.deframer.feed(b).map(|e| match e {
                Event::Frame(_) => None,
                Event::Error(err) => Some(err),
            });
            match fired {
                None => continue,
                Some(Some(err)) => return Some(Event::Error(err)),
                Some(None) => {
                    let d = &*self.deframer;
                    let n = usize::from(d.count).min(MAX_BYTE_COUNT);
                    return Some(Event::Frame(Deframed {
                        revision: d.revision,
                        packet: &d.buf[..n],
                        fcs: d.fcs,
                        start: d.last_start,
                        end: d.offset,
                    }));
                }
            }
        }
        None
    }

    /// Bytes of the chunk not fed yet.
    pub fn remaining(&self) -> &[u8] {
        self.input.get(self.pos..).unwrap_or(&[])
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use std::vec;
    use std::vec::Vec;

    // Get Endpoint ID request 08<-09; FCS 0x1805 computed by hand
    // (bitwise CRC-16/MCRF4XX over 01 07 + packet).
    const PKT: [u8; 7] = [0x01, 0x08, 0x09, 0xc8, 0x00, 0x81, 0x02];
    const FRAME: [u8; 13] = [
        0x7e, 0x01, 0x07, 0x01, 0x08, 0x09, 0xc8, 0x00, 0x81, 0x02, 0x18, 0x05, 0x7e,
    ];
    // Packet with flag and escape bytes; FCS 0x9437 by hand.
    const ESC_PKT: [u8; 6] = [0x01, 0x7e, 0x7d, 0xc0, 0x00, 0x7e];
    const ESC_FRAME: [u8; 15] = [
        0x7e, 0x01, 0x06, 0x01, 0x7d, 0x5e, 0x7d, 0x5d, 0xc0, 0x00, 0x7d, 0x5e, 0x94, 0x37, 0x7e,
    ];

    fn frame(packet: &[u8], opts: &Options) -> Vec<u8> {
        let mut buf = [0u8; 600];
        let n = Repr::default()
            .emit_frame_with(packet, &mut buf, opts)
            .unwrap();
        buf[..n].to_vec()
    }

    fn events(
        d: &mut Deframer,
        input: &[u8],
    ) -> Vec<core::result::Result<Vec<u8>, DeframeErrorKind>> {
        let mut out = Vec::new();
        let mut p = d.push(input);
        while let Some(e) = p.next_event() {
            out.push(match e {
                Event::Frame(f) => Ok(f.packet.to_vec()),
                Event::Error(e) => Err(e.kind),
            });
        }
        out
    }

    #[test]
    fn truncated_frame_reports_the_whole_frame_length() {
        // 7E 01 05 then 2 of the 5 packet bytes: the frame needs 3 + 5 + 2.
        let e = Frame::parse(&[FLAG, REVISION, 5, 0x01, 0x02], &Options::default()).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 10,
                available: 5
            }
        );
        assert_eq!(e.offset, 5);
        // Cut inside the FCS: same minimum.
        let e = Frame::parse(&[FLAG, REVISION, 1, 0x01, 0xAA], &Options::default()).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 6,
                available: 5
            }
        );
    }

    #[test]
    fn fcs_check_values() {
        assert_eq!(FCS_MCRF4XX.checksum(b"123456789"), 0x6F91);
        assert_eq!(FCS_X25.checksum(b"123456789"), 0x906E);
        assert_eq!(FcsVariant::Mcrf4xx.compute(1, 7, &PKT), 0x1805);
        assert_eq!(FcsVariant::X25.compute(1, 7, &PKT), !0x1805);
    }

    #[test]
    fn decode_fixtures() {
        let f = Frame::parse(&FRAME, &Options::default()).unwrap();
        assert_eq!((f.revision, f.byte_count, f.fcs), (1, 7, 0x1805));
        assert!(f.fcs_ok() && f.closing_flag && f.warnings.is_empty());
        assert_eq!(f.packet(), &PKT);
        assert_eq!(f.packet_in_input(), Some(&FRAME[3..10]));
        assert_eq!(f.frame_len, 13);

        let f = Frame::parse(&ESC_FRAME, &Options::default()).unwrap();
        assert_eq!(f.packet(), &ESC_PKT);
        assert_eq!(f.escapes, 3);
        assert!(f.fcs_ok());
        assert_eq!(f.packet_in_input(), None);
        let mut out = [0u8; 8];
        assert_eq!(f.unescape_into(&mut out).unwrap(), 6);
        assert_eq!(&out[..6], &ESC_PKT);
        assert!(f.unescape_into(&mut out[..3]).is_err());
    }

    #[test]
    fn encode_fixtures() {
        assert_eq!(frame(&PKT, &Options::default()), FRAME);
        assert_eq!(frame(&ESC_PKT, &Options::default()), ESC_FRAME);
        assert_eq!(
            Repr::default().buffer_len(&ESC_PKT, &Options::default()),
            15
        );
    }

    #[test]
    fn fcs_bytes_are_not_escaped_by_default() {
        // Find a packet whose FCS contains a flag or escape byte.
        let mut p = [0x01, 0x08, 0x09, 0xc0, 0x00, 0x00];
        let mut found = false;
        for x in 0..=255u8 {
            p[5] = x;
            let fcs = FcsVariant::Mcrf4xx.compute(1, 6, &p).to_be_bytes();
            if fcs.iter().any(|&b| needs_escape(b)) {
                found = true;
                break;
            }
        }
        assert!(found);
        let linux = frame(&p, &Options::default());
        let strict = frame(
            &p,
            &Options {
                escape_all: true,
                ..Options::default()
            },
        );
        assert_eq!(strict.len(), linux.len() + 1);
        // Each decodes with its own options, and the deframer agrees.
        assert!(Frame::parse(&linux, &Options::default()).unwrap().fcs_ok());
        let so = Options {
            escape_all: true,
            ..Options::default()
        };
        assert_eq!(Frame::parse(&strict, &so).unwrap().packet(), &p);
        assert_eq!(
            events(&mut Deframer::new(Options::default()), &linux),
            [Ok(p.to_vec())]
        );
        assert_eq!(events(&mut Deframer::new(so), &strict), [Ok(p.to_vec())]);
    }

    #[test]
    fn x25_option() {
        let o = Options {
            fcs: FcsVariant::X25,
            ..Options::default()
        };
        let f = frame(&PKT, &o);
        assert!(Frame::parse(&f, &o).unwrap().fcs_ok());
        assert!(!Frame::parse(&f, &Options::default()).unwrap().fcs_ok());
    }

    #[test]
    fn linux_unescape_rule() {
        // 7D 61: Linux gives 0x61 (c | 0x20), libmctp would give 0x41.
        let mut f = [0x7e, 0x01, 0x04, 0x01, 0x7d, 0x61, 0x09, 0xc0, 0, 0, 0x7e];
        let fcs = FcsVariant::Mcrf4xx.compute(1, 4, &[0x01, 0x61, 0x09, 0xc0]);
        f[8..10].copy_from_slice(&fcs.to_be_bytes());
        let fr = Frame::parse(&f, &Options::default()).unwrap();
        assert_eq!(fr.packet(), &[0x01, 0x61, 0x09, 0xc0]);
        assert!(fr.fcs_ok());
        assert!(!fr.warnings.is_empty(), "odd escape is reported");
        assert_eq!(unescape_byte(0x41), 0x61);
        assert_eq!(
            events(&mut Deframer::new(Options::default()), &f),
            [Ok(vec![0x01, 0x61, 0x09, 0xc0])]
        );
    }

    #[test]
    fn bad_fcs_and_missing_flag() {
        let mut b = FRAME;
        b[11] ^= 1;
        let f = Frame::parse(&b, &Options::default()).unwrap();
        assert!(!f.fcs_ok());
        let i = f.integrity();
        assert_eq!((i.found, i.computed), (0x1804, 0x1805));
        let f = Frame::parse(&FRAME[..12], &Options::default()).unwrap();
        assert!(!f.closing_flag && !f.warnings.is_empty() && f.fcs_ok());
        let mut b = FRAME;
        b[12] = 0x00;
        let f = Frame::parse(&b, &Options::default()).unwrap();
        assert!(!f.closing_flag);
        assert_eq!(f.frame_len, 12);
    }

    #[test]
    fn parse_errors() {
        for n in 0..12 {
            assert!(
                Frame::parse(&FRAME[..n], &Options::default()).is_err(),
                "{n}"
            );
        }
        assert!(Frame::parse(&FRAME[1..], &Options::default()).is_err());
        // flag inside the packet
        let mut b = FRAME;
        b[6] = 0x7e;
        assert!(Frame::parse(&b, &Options::default()).is_err());
        // escape then flag
        let mut b = FRAME;
        b[5] = 0x7d;
        b[6] = 0x7e;
        assert!(Frame::parse(&b, &Options::default()).is_err());
        // oversize vs default MTU
        let big = frame(&[0u8; 69], &Options::default());
        assert!(matches!(
            Frame::parse(&big, &Options::default()).unwrap_err().kind,
            ErrorKind::Oversize {
                max: 68,
                actual: 69
            }
        ));
        assert!(Frame::parse(&big, &Options::lenient()).unwrap().fcs_ok());
        let mut out = [0u8; 600];
        assert!(Repr::default().emit_frame(&[0u8; 256], &mut out).is_err());
        assert!(Repr::default().emit_frame(&PKT, &mut out[..12]).is_err());
        // zero-length frame decodes (dissector reports the missing header)
        let z = frame(&[], &Options::default());
        let f = Frame::parse(&z, &Options::default()).unwrap();
        assert!(f.fcs_ok() && f.packet().is_empty());
    }

    #[test]
    fn repeated_opening_flags() {
        let mut b = vec![0x7e, 0x7e, 0x7e];
        b.extend_from_slice(&FRAME);
        let f = Frame::parse(&b, &Options::default()).unwrap();
        assert_eq!(f.flag_offset, 3);
        assert_eq!(f.packet(), &PKT);
    }

    #[test]
    fn deframer_back_to_back_shared_flag() {
        let mut s = FRAME.to_vec();
        s.extend_from_slice(&ESC_FRAME[1..]); // closing flag doubles as opening
        s.extend_from_slice(&[0x7e, 0x7e]);
        s.extend_from_slice(&FRAME);
        let mut d = Deframer::new(Options::default());
        assert_eq!(
            events(&mut d, &s),
            [Ok(PKT.to_vec()), Ok(ESC_PKT.to_vec()), Ok(PKT.to_vec())]
        );
    }

    #[test]
    fn deframer_byte_at_a_time_and_offsets() {
        let mut s = vec![0x11, 0x22];
        s.extend_from_slice(&FRAME);
        let mut d = Deframer::new(Options::default());
        let mut got = Vec::new();
        for &b in &s {
            match d.feed(b) {
                Some(Event::Frame(f)) => got.push(("frame", f.start, f.end)),
                Some(Event::Error(e)) => got.push(("error", e.start, e.offset)),
                None => {}
            }
        }
        assert_eq!(got, [("error", 0, 2), ("frame", 2, 15)]);
        assert_eq!(d.stream_offset(), 15);
    }

    #[test]
    fn deframer_resync() {
        let o = Options::default();
        let mut d = Deframer::new(o);
        let mut s = vec![0xde, 0xad]; // garbage
        s.extend_from_slice(&[0x7e, 0x02, 0x55]); // bad revision
        s.extend_from_slice(&[0x7e, 0x01, 0x00, 0x12, 0x34, 0x7e]); // zero length
        s.extend_from_slice(&[0x01, 0x03, 1, 2, 3, 0, 0, 0x7e]); // length 3 < 4
        s.extend_from_slice(&[0x01, 69]); // oversize
        s.extend_from_slice(&[0u8; 20]);
        s.extend_from_slice(&[0x7e, 0x01, 74]); // 74+
        s.push(0x7e);
        let mut bad = FRAME;
        bad[10] ^= 0xff;
        s.extend_from_slice(&bad[1..]); // bad FCS (flag shared)
        s.extend_from_slice(&FRAME[1..12]); // missing end flag...
        s.push(0x33);
        s.extend_from_slice(&[0x7e, 0x01, 0x07, 0x01, 0x08]); // cut short by a flag
        s.extend_from_slice(&FRAME);
        let ev = events(&mut d, &s);
        use DeframeErrorKind::*;
        assert_eq!(
            ev,
            [
                Err(Garbage { len: 2 }),
                Err(BadRevision { value: 2 }),
                Err(ZeroLength),
                Err(TooShort { len: 3, min: 4 }),
                Err(Oversize { len: 69, max: 68 }),
                Err(Oversize { len: 74, max: 68 }),
                Err(BadFcs {
                    found: 0x1805 ^ 0xff00,
                    computed: 0x1805
                }),
                Err(MissingEndFlag { value: 0x33 }),
                Err(UnexpectedFlag),
                Ok(PKT.to_vec()),
            ]
        );
    }

    #[test]
    fn deframer_accepts_255_when_asked() {
        let big = [0x5au8; 255];
        let f = frame(&big, &Options::default());
        let mut d = Deframer::new(Options {
            max_len: 255,
            ..Options::default()
        });
        assert_eq!(events(&mut d, &f), [Ok(big.to_vec())]);
        let mut d = Deframer::new(Options::default());
        assert!(matches!(
            events(&mut d, &f)[0],
            Err(DeframeErrorKind::Oversize { .. })
        ));
    }

    #[test]
    fn deframer_bad_escape() {
        let mut d = Deframer::new(Options::default());
        let mut s = vec![0x7e, 0x01, 0x05, 0x01, 0x7d];
        s.extend_from_slice(&FRAME);
        assert_eq!(
            events(&mut d, &s),
            [Err(DeframeErrorKind::BadEscape), Ok(PKT.to_vec())]
        );
    }

    #[test]
    fn deframer_split_across_pushes() {
        let mut d = Deframer::new(Options::default());
        let mut all = Vec::new();
        for chunk in ESC_FRAME.chunks(4) {
            all.extend(events(&mut d, chunk));
        }
        assert_eq!(all, [Ok(ESC_PKT.to_vec())]);
    }

    use proptest::prelude::*;
    proptest! {
        #[test]
        fn round_trip(packet in proptest::collection::vec(
                          prop_oneof![Just(0x7eu8), Just(0x7d), any::<u8>()], 0..=255),
                      escape_all in any::<bool>(), x25 in any::<bool>()) {
            let o = Options {
                escape_all,
                fcs: if x25 { FcsVariant::X25 } else { FcsVariant::Mcrf4xx },
                max_len: 255,
                min_len: 0,
            };
            let f = frame(&packet, &o);
            prop_assert_eq!(f.len(), Repr::default().buffer_len(&packet, &o));
            // Only the two flags are 0x7E on the wire, except, in Linux mode,
            // the unescaped byte count (126) and FCS bytes.
            let inner = &f[1..f.len() - 1];
            let raw_flags = if escape_all {
                0
            } else {
                usize::from(inner[1] == FLAG)
                    + inner[inner.len() - 2..].iter().filter(|&&b| b == FLAG).count()
            };
            prop_assert_eq!(inner.iter().filter(|&&b| b == FLAG).count(), raw_flags);
            let fr = Frame::parse(&f, &o).unwrap();
            prop_assert_eq!(fr.packet(), &packet[..]);
            prop_assert!(fr.fcs_ok());
            prop_assert!(fr.warnings.is_empty());
            prop_assert_eq!(fr.frame_len, f.len());
            prop_assert_eq!(Repr::parse(&fr), Repr::default());
            if !packet.is_empty() {
                let mut d = Deframer::new(Options { min_len: 1, ..o });
                // twice, sharing the flag
                let mut s = f.clone();
                s.extend_from_slice(&f[1..]);
                let ev = events(&mut d, &s);
                prop_assert_eq!(ev, [Ok(packet.clone()), Ok(packet.clone())]);
            }
        }

        #[test]
        fn find_special_matches_naive(v in proptest::collection::vec(
                prop_oneof![Just(0x7eu8), Just(0x7d), Just(0x5e), any::<u8>()], 0..80)) {
            let naive = v.iter().position(|&b| needs_escape(b)).unwrap_or(v.len());
            prop_assert_eq!(find_special(&v), naive);
            prop_assert_eq!(count_special(&v), v.iter().filter(|&&b| needs_escape(b)).count());
        }

        /// The bulk encoder and the slice-by-16 FCS give the bytes of a plain
        /// byte-at-a-time encoder using the crate's byte-wise CRC constants.
        #[test]
        fn encoder_matches_bytewise_reference(packet in proptest::collection::vec(
                          prop_oneof![Just(0x7eu8), Just(0x7d), any::<u8>()], 0..=255),
                      escape_all in any::<bool>(), x25 in any::<bool>()) {
            let o = Options {
                escape_all,
                fcs: if x25 { FcsVariant::X25 } else { FcsVariant::Mcrf4xx },
                ..Options::lenient()
            };
            let crc = if x25 { &FCS_X25 } else { &FCS_MCRF4XX };
            let count = packet.len() as u8;
            let mut dg = crc.digest();
            dg.update(&[REVISION, count]);
            dg.update(&packet);
            let fcs = dg.finalize();
            prop_assert_eq!(o.fcs.compute(REVISION, count, &packet), fcs);
            let mut want = vec![FLAG];
            let mut put_ref = |b: u8, esc: bool| {
                if esc && (b == FLAG || b == ESCAPE) {
                    want.extend_from_slice(&[ESCAPE, b ^ ESCAPE_XOR]);
                } else {
                    want.push(b);
                }
            };
            put_ref(REVISION, escape_all);
            put_ref(count, escape_all);
            for &b in &packet {
                put_ref(b, true);
            }
            for b in fcs.to_be_bytes() {
                put_ref(b, escape_all);
            }
            want.push(FLAG);
            prop_assert_eq!(frame(&packet, &o), want);
        }

        /// Feeding a stream through `push` in random chunks (bulk paths)
        /// gives exactly the events, offsets and final state of feeding it
        /// one byte at a time through `feed`.
        #[test]
        fn push_chunks_equal_bytewise_feed(
            parts in proptest::collection::vec(prop_oneof![
                // good frames, both framings
                (proptest::collection::vec(prop_oneof![Just(0x7eu8), Just(0x7d), any::<u8>()], 1..80),
                 any::<bool>())
                    .prop_map(|(p, all)| frame(&p, &Options { escape_all: all, ..Options::lenient() })),
                // noise rich in flags and escapes
                proptest::collection::vec(prop_oneof![Just(0x7eu8), Just(0x7d), Just(0x01), any::<u8>()], 0..40),
            ], 0..8),
            cuts in proptest::collection::vec(1usize..40, 1..20),
            lenient in any::<bool>(),
            escape_all in any::<bool>(),
        ) {
            let mut o = if lenient { Options::lenient() } else { Options::default() };
            o.escape_all = escape_all;
            let stream: Vec<u8> = parts.concat();
            type Ev = core::result::Result<(u8, Vec<u8>, u16, u64, u64), DeframeError>;
            let own = |e: Event<'_>| -> Ev {
                match e {
                    Event::Frame(f) => Ok((f.revision, f.packet.to_vec(), f.fcs, f.start, f.end)),
                    Event::Error(e) => Err(e),
                }
            };
            let mut a = Deframer::new(o);
            let mut want = Vec::new();
            for &b in &stream {
                if let Some(e) = a.feed(b) {
                    want.push(own(e));
                }
            }
            let mut d = Deframer::new(o);
            let mut got = Vec::new();
            let mut rest = &stream[..];
            let mut i = 0;
            while !rest.is_empty() {
                let n = cuts[i % cuts.len()].min(rest.len());
                i += 1;
                let mut p = d.push(&rest[..n]);
                while let Some(e) = p.next_event() {
                    got.push(own(e));
                }
                prop_assert!(p.remaining().is_empty());
                rest = &rest[n..];
            }
            prop_assert_eq!(got, want);
            prop_assert_eq!(d.stream_offset(), a.stream_offset());
            prop_assert_eq!(std::format!("{:?}", d), std::format!("{:?}", a));
        }

        #[test]
        fn deframer_never_panics_and_recovers(garbage in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut d = Deframer::new(Options::lenient());
            let _ = events(&mut d, &garbage);
            // A flag, then a good frame, is always received after any garbage.
            let mut s = vec![0x7e];
            s.extend_from_slice(&FRAME);
            let ev = events(&mut d, &s);
            prop_assert_eq!(ev.last(), Some(&Ok(PKT.to_vec())));
            let _ = Frame::parse(&garbage, &Options::lenient());
        }
    }
}
