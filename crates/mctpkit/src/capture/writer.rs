//! Writing MCTP packets as classic pcap that Wireshark decodes as MCTP.
//!
//! Link type LINUX_SLL2 (276); each record is the 20-byte cooked header
//! (bindings.md §9.2, all fields big-endian) then the MCTP packet:
//!
//! | Offset | Size | Field | Written |
//! |---|---|---|---|
//! | 0 | 2 | protocol | 0x00FA (`ETH_P_MCTP`) |
//! | 2 | 2 | reserved | 0 |
//! | 4 | 4 | interface index | [`WriterOptions::ifindex`] |
//! | 8 | 2 | ARPHRD type | 290 (`ARPHRD_MCTP`) |
//! | 10 | 1 | packet type | 0 incoming, 4 outgoing |
//! | 11 | 1 | link-layer address length | 0 |
//! | 12 | 8 | link-layer address | zero |
//!
//! Wireshark registers MCTP on `sll.ltype` 0x00FA, so this is what it
//! decodes; link type 291 (DMTF's private value) is never written.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::linktype::{
    ARPHRD_MCTP, ETH_P_MCTP, LINKTYPE_LINUX_SLL2, PACKET_OUTGOING, SLL2_HEADER_LEN,
};
use super::pcap::{self, FILE_HEADER_LEN};
use super::{Direction, Timestamp};

/// Default snapshot length written in the header (tcpdump's default).
pub const DEFAULT_SNAPLEN: u32 = 262_144;

/// Time stamp precision of a pcap file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// Magic A1B2C3D4: microseconds (what most tools write).
    #[default]
    Micros,
    /// Magic A1B23C4D: nanoseconds.
    Nanos,
}

/// How a [`PcapWriter`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterOptions {
    pub precision: Precision,
    /// Interface index put in every SLL2 header.
    pub ifindex: u32,
    pub snaplen: u32,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            precision: Precision::Micros,
            ifindex: 0,
            snaplen: DEFAULT_SNAPLEN,
        }
    }
}

/// Writes MCTP packets to a classic pcap stream (LINUX_SLL2, protocol 0x00FA).
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    inner: W,
    options: WriterOptions,
    /// Byte order of the file (only appended files can be big-endian).
    big_endian: bool,
    packets: u64,
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

fn invalid_data(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// The 24-byte file header, little-endian.
pub fn file_header(options: &WriterOptions) -> [u8; FILE_HEADER_LEN] {
    let magic: u32 = match options.precision {
        Precision::Micros => 0xA1B2_C3D4,
        Precision::Nanos => 0xA1B2_3C4D,
    };
    let mut h = [0u8; FILE_HEADER_LEN];
    h[0..4].copy_from_slice(&magic.to_le_bytes());
    h[4..6].copy_from_slice(&2u16.to_le_bytes());
    h[6..8].copy_from_slice(&4u16.to_le_bytes());
    // thiszone 0, sigfigs 0
    h[16..20].copy_from_slice(&options.snaplen.to_le_bytes());
    h[20..24].copy_from_slice(&LINKTYPE_LINUX_SLL2.to_le_bytes());
    h
}

/// The SLL2 header for one MCTP packet.
pub fn sll2_header(direction: Direction, ifindex: u32) -> [u8; SLL2_HEADER_LEN] {
    let mut h = [0u8; SLL2_HEADER_LEN];
    h[0..2].copy_from_slice(&ETH_P_MCTP.to_be_bytes());
    h[4..8].copy_from_slice(&ifindex.to_be_bytes());
    h[8..10].copy_from_slice(&ARPHRD_MCTP.to_be_bytes());
    h[10] = match direction {
        Direction::Incoming => 0,
        Direction::Outgoing => PACKET_OUTGOING as u8,
    };
    // address length 0, address zero
    h
}

impl<W: Write> PcapWriter<W> {
    /// Start a new file: writes the header (µs precision, interface 0).
    pub fn new(inner: W) -> io::Result<Self> {
        Self::with_options(inner, WriterOptions::default())
    }

    /// Start a new file with the given options: writes the header.
    pub fn with_options(mut inner: W, options: WriterOptions) -> io::Result<Self> {
        inner.write_all(&file_header(&options))?;
        Ok(PcapWriter {
            inner,
            options,
            big_endian: false,
            packets: 0,
        })
    }

    /// Write one MCTP packet (transport header onwards). Fails with
    /// `InvalidInput` if the time stamp is before 1970 or after 2106 (pcap
    /// has 32-bit unsigned seconds) or the record would exceed the snaplen.
    pub fn write_packet(
        &mut self,
        ts: Timestamp,
        direction: Direction,
        mctp: &[u8],
    ) -> io::Result<()> {
        let secs = u32::try_from(ts.secs).map_err(|_| {
            invalid(format!(
                "time stamp {}s does not fit a pcap record",
                ts.secs
            ))
        })?;
        if ts.nanos >= 1_000_000_000 {
            return Err(invalid(format!(
                "time stamp nanoseconds {} out of range",
                ts.nanos
            )));
        }
        let frac = match self.options.precision {
            Precision::Micros => ts.nanos / 1_000,
            Precision::Nanos => ts.nanos,
        };
        let len = SLL2_HEADER_LEN + mctp.len();
        let len32 = u32::try_from(len)
            .ok()
            .filter(|&l| l <= self.options.snaplen)
            .ok_or_else(|| {
                invalid(format!(
                    "packet of {} bytes exceeds the snapshot length {}",
                    mctp.len(),
                    self.options.snaplen
                ))
            })?;
        let mut rec = [0u8; pcap::RECORD_HEADER_LEN + SLL2_HEADER_LEN];
        for (i, v) in [secs, frac, len32, len32].into_iter().enumerate() {
            let b = if self.big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            };
            rec[i * 4..i * 4 + 4].copy_from_slice(&b);
        }
        rec[pcap::RECORD_HEADER_LEN..]
            .copy_from_slice(&sll2_header(direction, self.options.ifindex));
        self.inner.write_all(&rec)?;
        self.inner.write_all(mctp)?;
        self.packets += 1;
        Ok(())
    }

    /// Packets written by this writer.
    pub fn packets_written(&self) -> u64 {
        self.packets
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// Flush and return the inner writer.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl PcapWriter<File> {
    /// Open `path` to add packets at its end, as `mctpkit craft --pcap FILE`
    /// does. A missing or empty file is created with a new header (µs
    /// precision). An existing file must be classic pcap with link type
    /// LINUX_SLL2 and must end on a record boundary; its byte order and
    /// time stamp precision are kept. `ifindex` and snaplen come from
    /// `options` / the file (`options.precision` is ignored for an existing
    /// file).
    pub fn append(path: impl AsRef<Path>) -> io::Result<Self> {
        Self::append_with_options(path, WriterOptions::default())
    }

    /// [`PcapWriter::append`] with options.
    pub fn append_with_options(path: impl AsRef<Path>, options: WriterOptions) -> io::Result<Self> {
        let path = path.as_ref();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        if bytes.is_empty() {
            file.seek(SeekFrom::Start(0))?;
            return Self::with_options(file, options);
        }
        let header = pcap::parse_header(&bytes)
            .map_err(|e| invalid_data(format!("{}: {}", path.display(), e.message)))?;
        if header.linktype != LINKTYPE_LINUX_SLL2 {
            return Err(invalid_data(format!(
                "{}: link type is {} ({}), not LINUX_SLL2 (276); refusing to append",
                path.display(),
                header.linktype,
                super::linktype::name(header.linktype)
            )));
        }
        // Walk the records to make sure the file ends on a boundary:
        // appending after a partial record would corrupt everything after.
        let end = pcap::end_of_complete_records(&bytes, &header);
        if end != bytes.len() {
            return Err(invalid_data(format!(
                "{}: ends with a partial record at byte {end}; refusing to append",
                path.display()
            )));
        }
        file.seek(SeekFrom::End(0))?;
        Ok(PcapWriter {
            inner: file,
            options: WriterOptions {
                precision: if header.nanos {
                    Precision::Nanos
                } else {
                    Precision::Micros
                },
                ifindex: options.ifindex,
                snaplen: header.snaplen.max(SLL2_HEADER_LEN as u32),
            },
            big_endian: header.big_endian,
            packets: 0,
        })
    }
}
