//! Streaming capture input: pcap, pcapng and tcpdump text read
//! incrementally from a file, a pipe or standard input, with a bounded
//! buffer, optionally gzip- or zstd-compressed, optionally following a
//! growing file.
//!
//! The format is detected by content, as for [`super::Capture`]: the first
//! bytes are peeked; gzip (1F 8B) and zstd (28 B5 2F FD) are unwrapped
//! first ([`super::input`]). Records are parsed by the same per-record code
//! as the in-memory readers ([`super::pcap`], [`super::pcapng`],
//! [`super::text`]) on a window of the input that holds at most one record
//! plus one read chunk, so memory does not grow with the input. A record
//! may not exceed [`super::MAX_FRAME_LEN`]: when a record claims more and
//! the input does not end within that many bytes, the capture ends with an
//! error item (nothing after it can be trusted to be framed); when the
//! input ends first, the record is reported as truncated, exactly as the
//! in-memory reader reports it.
//!
//! [`Reader::next_record`] lends each record (it borrows the reader until
//! the next call), so walking a capture allocates nothing per packet.
//!
//! ```no_run
//! use mctpkit::capture::stream::Reader;
//! let mut r = Reader::open("trace.pcap.gz", &Default::default(), None)?;
//! while let Some(item) = r.next_record() {
//!     match item {
//!         Ok(rec) => println!("#{} {} bytes", rec.index, rec.data.len()),
//!         Err(e) => eprintln!("{e}"),
//!     }
//! }
//! # Ok::<(), mctpkit::capture::CaptureError>(())
//! ```
//!
//! Offsets in errors are byte offsets of the (decompressed) capture stream.
//! A read error (including a corrupt compressed stream) is reported as one
//! error item after the records read before it, and ends the capture.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use mctpkit_wire::binding::BindingKind;

use super::input::{self, Compression, Input};
use super::pcap::{self, PcapState, Step};
use super::pcapng::{self, PcapNgState};
use super::text::{self, TextStream};
use super::{CaptureError, CaptureOptions, Direction, Format, Record, Timestamp, MAX_FRAME_LEN};

/// Bytes asked of the input per read.
const CHUNK: usize = 64 * 1024;
/// Longest text line kept whole; a longer one is cut into pieces (each
/// piece then is not a dump line and is ignored).
const MAX_LINE: usize = 64 * 1024;

/// Follow a growing file (`tail -f`): at the end of the input, wait `poll`
/// and read again, until `stop` is set.
#[derive(Debug, Clone)]
pub struct Follow {
    /// How long to wait before reading again at the end of the input.
    pub poll: Duration,
    /// Set (e.g. by a Ctrl-C handler) to end the capture at the next end
    /// of input.
    pub stop: Arc<AtomicBool>,
}

enum State {
    Pcap(PcapState),
    PcapNg(PcapNgState),
    Text { stream: TextStream, ended: bool },
}

/// A record located in the reader's window (its bytes are borrowed only
/// when it is handed out).
struct Located {
    index: usize,
    ts: Option<Timestamp>,
    binding: BindingKind,
    direction: Option<Direction>,
    orig_len: usize,
    start: usize,
    end: usize,
}

enum Next {
    Binary(Located),
    Text,
    Error(CaptureError),
}

/// A capture read as a stream. See the [module documentation](self).
pub struct Reader {
    input: Input,
    /// The window: `buf[pos..end]` is read and not consumed yet; `buf`
    /// beyond `end` is spare room for the next read.
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// Stream offset of `buf[0]`.
    base: usize,
    eof: bool,
    /// Iteration is over (except for `error`).
    done: bool,
    /// A read error, reported after the records before it.
    error: Option<CaptureError>,
    follow: Option<Follow>,
    format: Format,
    link_type: Option<u32>,
    state: State,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("format", &self.format)
            .field("compression", &self.input.compression())
            .field("offset", &(self.base + self.pos))
            .finish_non_exhaustive()
    }
}

impl Reader {
    /// Open the capture at `path`, or standard input when `path` is `-`.
    /// With `follow`, the end of a regular file is waited at rather than
    /// taken as the end of the capture; as with `tail -f`, it does not
    /// apply to pipes (their end is final) nor to compressed input.
    pub fn open(
        path: impl AsRef<Path>,
        options: &CaptureOptions,
        follow: Option<Follow>,
    ) -> Result<Reader, CaptureError> {
        let input = input::open(path.as_ref())?;
        let follow = follow.filter(|_| input.len().is_some());
        Self::with_input(input, options, follow)
    }

    /// Read a capture from any byte source (a pipe, a socket, a buffer).
    pub fn from_reader(
        source: impl Read + 'static,
        options: &CaptureOptions,
    ) -> Result<Reader, CaptureError> {
        Self::with_input(Input::new(Box::new(source), None), options, None)
    }

    fn with_input(
        input: Input,
        options: &CaptureOptions,
        follow: Option<Follow>,
    ) -> Result<Reader, CaptureError> {
        let mut r = Reader {
            input,
            buf: vec![0; CHUNK * 2],
            pos: 0,
            end: 0,
            base: 0,
            eof: false,
            done: false,
            error: None,
            follow,
            format: Format::Pcap,
            link_type: None,
            state: State::Pcap(PcapState::new(pcap::PcapHeaderInfo::default())),
        };
        r.fill_to(4);
        if let Some(kind) = input::compression_of(&r.buf[..r.end]) {
            // Unwrap the compression and detect again on what it holds.
            let peeked = r.buf[..r.end].to_vec();
            r.input.decompress(kind, peeked)?;
            r.end = 0;
            r.eof = false;
            r.follow = None;
            r.fill_to(4);
        }
        r.take_error()?;
        if r.end == 0 {
            return Err(CaptureError::file(0, "empty file"));
        }
        if pcap::has_magic(&r.buf[..r.end]) {
            r.fill_to(pcap::FILE_HEADER_LEN);
            r.take_error()?;
            let header = pcap::parse_header(&r.buf[..r.end])?;
            r.format = Format::Pcap;
            r.link_type = Some(header.linktype);
            r.state = State::Pcap(PcapState::new(header));
            r.pos = pcap::FILE_HEADER_LEN;
        } else if pcapng::has_magic(&r.buf[..r.end]) {
            r.fill_to(12);
            let len = PcapNgState::default()
                .frame_len(&r.buf[..r.end])
                .unwrap_or(0);
            r.fill_to(len.min(MAX_FRAME_LEN));
            r.take_error()?;
            pcapng::check_header(&r.buf[..r.end])?;
            r.format = Format::PcapNg;
            r.state = State::PcapNg(PcapNgState::default());
        } else {
            r.format = Format::TcpdumpText;
            r.fill_to(text::UTF8_BOM.len());
            if r.buf[..r.end].starts_with(text::UTF8_BOM) {
                r.pos = text::UTF8_BOM.len();
            }
            r.state = State::Text {
                stream: TextStream::new(options),
                ended: false,
            };
            // A text input must hold a dump line: read up to the first
            // record (or the end) to tell.
            r.text_advance();
            if let State::Text { stream, .. } = &r.state {
                if !stream.any() {
                    r.take_error()?;
                    return Err(text::not_a_dump());
                }
            }
        }
        Ok(r)
    }

    /// The detected format (of the decompressed stream).
    pub fn format(&self) -> Format {
        self.format
    }

    /// The compression that was unwrapped, if any.
    pub fn compression(&self) -> Option<Compression> {
        self.input.compression()
    }

    /// The link type of a classic pcap file; `None` for pcapng (one per
    /// interface) and text dumps.
    pub fn link_type(&self) -> Option<u32> {
        self.link_type
    }

    /// Bytes read from the file or pipe so far (compressed bytes for a
    /// compressed capture), for progress.
    pub fn position(&self) -> u64 {
        self.input.raw_bytes()
    }

    /// Bytes read and not yet consumed. When it is 0 the next
    /// [`Self::next_record`] reads (and may wait for) more input: a live
    /// consumer flushes its output then. (A text dump may still hold its
    /// last packet, which needs the next packet start to end.)
    pub fn buffered(&self) -> usize {
        self.end - self.pos
    }

    /// Size of the file, when the input is a regular file.
    pub fn input_len(&self) -> Option<u64> {
        self.input.len()
    }

    /// The next record, or an error item; `None` at the end of the capture.
    pub fn next_record(&mut self) -> Option<Result<Record<'_>, CaptureError>> {
        match self.advance()? {
            Next::Error(e) => Some(Err(e)),
            Next::Binary(l) => Some(Ok(Record {
                index: l.index,
                ts: l.ts,
                binding: l.binding,
                direction: l.direction,
                data: self.buf.get(l.start..l.end).unwrap_or_default(),
                orig_len: l.orig_len,
            })),
            Next::Text => match &mut self.state {
                State::Text { stream, .. } => stream.take(),
                _ => None,
            },
        }
    }

    fn take_error(&mut self) -> Result<(), CaptureError> {
        self.error.take().map_or(Ok(()), Err)
    }

    /// Read until `buf` holds `n` bytes or the input ends.
    fn fill_to(&mut self, n: usize) {
        while self.end < n && !self.eof {
            self.fill();
        }
    }

    /// One read into the window (dropping the consumed bytes first). At the
    /// end of the input: with `follow`, wait and return (the caller asks
    /// again); otherwise set `eof`.
    fn fill(&mut self) {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.base += self.pos;
            self.pos = 0;
        }
        if self.buf.len() - self.end < CHUNK {
            // Only a record longer than the window grows it.
            let want = (self.buf.len() * 2).max(self.end + CHUNK);
            self.buf.resize(want, 0);
        }
        let len = self.end;
        let got = loop {
            match self.input.read(&mut self.buf[len..]) {
                Ok(n) => break Ok(n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => break Err(e),
            }
        };
        match got {
            Ok(n) => {
                self.end = len + n;
                if n == 0 {
                    match &self.follow {
                        Some(f) if !f.stop.load(Ordering::Relaxed) => std::thread::sleep(f.poll),
                        _ => self.eof = true,
                    }
                }
            }
            Err(e) => {
                self.eof = true;
                let what = match self.input.compression() {
                    Some(c) => format!("read error ({c}): {e}"),
                    None => format!("read error: {e}"),
                };
                self.error = Some(CaptureError::file(self.base + len, what));
            }
        }
    }

    fn advance(&mut self) -> Option<Next> {
        if matches!(self.state, State::Text { .. }) {
            return self.text_advance();
        }
        loop {
            if self.done {
                return self.error.take().map(Next::Error);
            }
            let rest = &self.buf[self.pos..self.end];
            let need = match &self.state {
                State::Pcap(s) => s.frame_len(rest),
                State::PcapNg(s) => s.frame_len(rest),
                State::Text { .. } => None,
            };
            let end = match need {
                Some(n) if n <= rest.len() => self.pos + n,
                // Read on, at most up to the limit: a record that the input
                // ends inside is reported as the in-memory reader does.
                _ if !self.eof && rest.len() < MAX_FRAME_LEN => {
                    self.fill();
                    continue;
                }
                Some(n) if n > MAX_FRAME_LEN && !self.eof => {
                    self.done = true;
                    return Some(Next::Error(CaptureError::file(
                        self.base + self.pos,
                        format!(
                            "record of {n} bytes is longer than the reader's limit of {MAX_FRAME_LEN}; \
                             the rest of the capture is not read"
                        ),
                    )));
                }
                _ if rest.is_empty() => {
                    self.done = true;
                    continue;
                }
                // The input ends inside this record: the parser reports it.
                _ => self.end,
            };
            let frame = &self.buf[self.pos..end];
            let offset = self.base + self.pos;
            let step: Step<'_> = match &mut self.state {
                State::Pcap(s) => s.step(frame, offset),
                State::PcapNg(s) => s.step(frame, offset),
                State::Text { .. } => return None,
            };
            let (base_ptr, buf_len) = (self.buf.as_ptr() as usize, self.buf.len());
            let item = step.item.map(|r| {
                r.map(|rec| {
                    // `rec.data` lies inside `frame`, hence inside `buf`
                    // (an empty slice from elsewhere becomes an empty range).
                    let len = rec.data.len();
                    let start = (rec.data.as_ptr() as usize)
                        .checked_sub(base_ptr)
                        .filter(|s| s + len <= buf_len)
                        .unwrap_or(0);
                    Located {
                        index: rec.index,
                        ts: rec.ts,
                        binding: rec.binding,
                        direction: rec.direction,
                        orig_len: rec.orig_len,
                        start,
                        end: start + len,
                    }
                })
            });
            self.pos += step.consumed;
            self.done = step.done;
            match item {
                Some(Ok(l)) => return Some(Next::Binary(l)),
                Some(Err(e)) => return Some(Next::Error(e)),
                None => {}
            }
        }
    }

    /// Feed text lines until a record is ready or the input ends.
    fn text_advance(&mut self) -> Option<Next> {
        loop {
            let State::Text { stream, ended } = &mut self.state else {
                return None;
            };
            if stream.ready() {
                return Some(Next::Text);
            }
            if *ended {
                return self.error.take().map(Next::Error);
            }
            let rest = &self.buf[self.pos..self.end];
            let offset = self.base + self.pos;
            if let Some(i) = rest.iter().position(|&b| b == b'\n') {
                stream.line(&rest[..i], offset, offset + i + 1);
                self.pos += i + 1;
            } else if rest.len() >= MAX_LINE || (self.eof && !rest.is_empty()) {
                stream.line(rest, offset, offset + rest.len());
                self.pos = self.end;
            } else if !self.eof {
                self.fill();
            } else {
                stream.finish();
                *ended = true;
            }
        }
    }
}
