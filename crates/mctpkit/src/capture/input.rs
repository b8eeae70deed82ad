//! Where a streamed capture's bytes come from: a file, standard input
//! (`-`) or any reader, with gzip (RFC 1952, magic 1F 8B; several members
//! are read as one stream, as `zcat` does) and zstd (RFC 8878, magic
//! 28 B5 2F FD) unwrapped by content, never by file name.
//!
//! Decoding is done by `flate2` and `zstd`. The zstd decoder accepts
//! windows up to its default limit (2^27 bytes), which bounds its memory.

use std::fmt;
use std::io::{self, Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::CaptureError;

/// A compression wrapped around a capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zstd,
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        })
    }
}

/// The compression whose magic `peek` starts with.
pub fn compression_of(peek: &[u8]) -> Option<Compression> {
    if peek.starts_with(&[0x1F, 0x8B]) {
        Some(Compression::Gzip)
    } else if peek.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        Some(Compression::Zstd)
    } else {
        None
    }
}

/// Counts the bytes read through it (shared with the [`Input`]).
struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A byte source, possibly decompressing.
pub(crate) struct Input {
    reader: Box<dyn Read>,
    raw: Arc<AtomicU64>,
    len: Option<u64>,
    compression: Option<Compression>,
}

impl Input {
    /// Wrap `reader`; `len` is its size when known (a regular file).
    pub(crate) fn new(reader: Box<dyn Read>, len: Option<u64>) -> Self {
        let raw = Arc::new(AtomicU64::new(0));
        Input {
            reader: Box::new(Counted {
                inner: reader,
                count: Arc::clone(&raw),
            }),
            raw,
            len,
            compression: None,
        }
    }

    /// From now on, decode `kind`; `peeked` are the bytes already read.
    pub(crate) fn decompress(
        &mut self,
        kind: Compression,
        peeked: Vec<u8>,
    ) -> Result<(), CaptureError> {
        let raw = std::mem::replace(&mut self.reader, Box::new(io::empty()));
        let source = Cursor::new(peeked).chain(raw);
        self.reader = match kind {
            Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(source)),
            Compression::Zstd => Box::new(
                zstd::stream::read::Decoder::new(source)
                    .map_err(|e| CaptureError::file(0, format!("zstd: {e}")))?,
            ),
        };
        self.compression = Some(kind);
        Ok(())
    }

    pub(crate) fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }

    pub(crate) fn raw_bytes(&self) -> u64 {
        self.raw.load(Ordering::Relaxed)
    }

    pub(crate) fn len(&self) -> Option<u64> {
        self.len
    }

    pub(crate) fn compression(&self) -> Option<Compression> {
        self.compression
    }
}

/// Open `path`, or standard input for `-`.
pub(crate) fn open(path: &Path) -> Result<Input, CaptureError> {
    if path.as_os_str() == "-" {
        return Ok(Input::new(Box::new(io::stdin().lock()), None));
    }
    let err = |e: io::Error| CaptureError::file(0, format!("{}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(err)?;
    let meta = file.metadata().map_err(err)?;
    if meta.is_dir() {
        return Err(err(io::Error::other("is a directory")));
    }
    let len = meta.is_file().then_some(meta.len());
    Ok(Input::new(Box::new(file), len))
}
