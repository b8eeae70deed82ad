//! The streaming reader gives exactly what the in-memory reader gives, on
//! pcap, pcapng (several sections and byte orders, several interfaces,
//! every packet block kind, unknown blocks) and tcpdump text, whatever the
//! read sizes, truncated at any byte, and gzip- or zstd-compressed.

mod capture_util;

use std::io::{Read, Write};
use std::path::PathBuf;

use capture_util::*;
use mctpkit::capture::{
    Capture, CaptureError, CaptureOptions, Compression, Date, Direction, Format, Reader, Record,
    Timestamp,
};
use mctpkit::BindingKind;

/// An owned copy of a record, to compare readers.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Owned {
    index: usize,
    ts: Option<Timestamp>,
    binding: BindingKind,
    direction: Option<Direction>,
    data: Vec<u8>,
    orig_len: usize,
}

type Items = Vec<Result<Owned, CaptureError>>;

/// Hands out at most `step` bytes per read.
struct Trickle {
    bytes: Vec<u8>,
    pos: usize,
    step: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.step).min(self.bytes.len() - self.pos);
        buf[..n].copy_from_slice(&self.bytes[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn owned(r: Record<'_>) -> Owned {
    Owned {
        index: r.index,
        ts: r.ts,
        binding: r.binding,
        direction: r.direction,
        data: r.data.to_vec(),
        orig_len: r.orig_len,
    }
}

fn in_memory(bytes: &[u8], opts: &CaptureOptions) -> Result<(Format, Items), CaptureError> {
    let cap = Capture::from_bytes_with(bytes.to_vec(), opts)?;
    let items = cap.records().map(|r| r.map(owned)).collect();
    Ok((cap.format(), items))
}

fn streamed(mut r: Reader) -> (Format, Items) {
    let mut items = Vec::new();
    while let Some(item) = r.next_record() {
        items.push(item.map(owned));
    }
    (r.format(), items)
}

fn stream_bytes(
    bytes: &[u8],
    step: usize,
    opts: &CaptureOptions,
) -> Result<(Format, Items), CaptureError> {
    let src = Trickle {
        bytes: bytes.to_vec(),
        pos: 0,
        step,
    };
    Reader::from_reader(src, opts).map(streamed)
}

/// Streamed (at several read sizes) equals in memory, errors included.
fn same(bytes: &[u8], opts: &CaptureOptions, what: &str) {
    let want = in_memory(bytes, opts);
    for step in [1, 3, 7, 64, 1 << 20] {
        let got = stream_bytes(bytes, step, opts);
        match (&want, &got) {
            (Ok(w), Ok(g)) => assert_eq!(w, g, "{what}, read size {step}"),
            (Err(_), Err(_)) => {}
            _ => panic!("{what}, read size {step}: in memory {want:?}, streamed {got:?}"),
        }
    }
}

/// Prefixes of `bytes` (truncated captures) every `stride` bytes,
/// streamed = in memory.
fn same_at_every_cut(bytes: &[u8], stride: usize, what: &str) {
    let opts = CaptureOptions::default();
    for cut in (0..=bytes.len()).step_by(stride) {
        let part = &bytes[..cut];
        let want = in_memory(part, &opts);
        let got = stream_bytes(part, 5, &opts);
        match (&want, &got) {
            (Ok(w), Ok(g)) => assert_eq!(w, g, "{what} cut at {cut}"),
            (Err(_), Err(_)) => {}
            _ => panic!("{what} cut at {cut}: in memory {want:?}, streamed {got:?}"),
        }
    }
}

fn pb_block(le: bool, if_id: u16, ts: u64, data: &[u8]) -> Vec<u8> {
    let u32b = |v: u32| if le { v.to_le_bytes() } else { v.to_be_bytes() };
    let mut body = Vec::new();
    body.extend(if le {
        if_id.to_le_bytes()
    } else {
        if_id.to_be_bytes()
    });
    body.extend([0, 0]); // drops
    body.extend(u32b((ts >> 32) as u32));
    body.extend(u32b(ts as u32));
    body.extend(u32b(data.len() as u32));
    body.extend(u32b(data.len() as u32));
    body.extend_from_slice(data);
    ng_block(le, 2, &body)
}

/// Two sections (little- then big-endian) with different interfaces, every
/// packet block kind (EPB, SPB, obsolete PB), the non-packet blocks (name
/// resolution, interface statistics, journal export, decryption secrets,
/// custom), an unsupported link type and a packet on an undescribed
/// interface.
fn two_section_pcapng() -> Vec<u8> {
    let sll2_rec = cat(&[&sll2(0x00FA, 4, 290, 4, &[]), &SET_EID_REQ]);
    let i2c_rec = cat(&[&[0x01, 0, 0, 0, 0], &SMBUS_SET_EID_RESP]);
    let mut parts: Vec<Vec<u8>> = Vec::new();
    for le in [true, false] {
        parts.push(ng_shb(le));
        parts.push(ng_idb(le, 276, None, None));
        parts.push(ng_idb(le, 209, Some(9), Some(1000)));
        parts.push(ng_idb(le, 1, None, None)); // Ethernet: unsupported
        parts.push(ng_epb(le, 0, 1_700_000_000_250_000, &sll2_rec, None));
        parts.push(ng_epb(le, 1, 5_000_000_001, &i2c_rec, Some(1)));
        parts.push(ng_block(le, 0x0000_0BAD, &[1, 2, 3, 4, 5])); // custom block
        parts.push(ng_block(le, 0x4000_0BAD, &[9; 7])); // custom, do not copy
        parts.push(ng_block(le, 4, &[1, 0, 4, 0, 127, 0, 0, 1, 0, 0, 0, 0])); // name resolution
        parts.push(ng_block(le, 5, &[0; 12])); // interface statistics
        parts.push(ng_block(le, 9, b"__REALTIME_TIMESTAMP=1\n")); // systemd journal export
        parts.push(ng_block(le, 10, &[0x4B, 0x53, 0x4C, 0x54, 0, 0, 0, 0])); // decryption secrets
        parts.push(ng_spb(le, &sll2_rec));
        parts.push(pb_block(le, 0, 1_700_000_001_000_000, &sll2_rec));
        parts.push(ng_epb(le, 2, 1, &[0; 14], None)); // unsupported link type
        parts.push(ng_epb(le, 2, 2, &[0; 14], None)); // skipped silently
        parts.push(ng_epb(le, 7, 3, &sll2_rec, None)); // no such interface
    }
    let refs: Vec<&[u8]> = parts.iter().map(|p| &p[..]).collect();
    cat(&refs)
}

fn pcap_file(le: bool) -> Vec<u8> {
    let rec = cat(&[&sll2(0x00FA, 4, 290, 4, &[]), &SET_EID_REQ]);
    let mut v = pcap_header(le, false, 276);
    for i in 0..5u32 {
        v.extend(pcap_record(
            le,
            1_700_000_000 + i,
            i * 1000,
            &rec,
            rec.len() as u32,
        ));
    }
    // One record with another protocol in its cooked header.
    v.extend(pcap_record(le, 1, 0, &sll2(0x0800, 4, 1, 0, &[]), 20));
    v
}

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/capture")
        .join(name)
}

#[test]
fn pcapng_sections_interfaces_and_block_kinds() {
    let file = two_section_pcapng();
    let (format, items) = in_memory(&file, &CaptureOptions::default()).unwrap();
    assert_eq!(format, Format::PcapNg);
    // Per section: EPB, EPB, SPB, PB, one unsupported-link-type error, one
    // no-such-interface error.
    assert_eq!(items.iter().filter(|i| i.is_ok()).count(), 8);
    assert_eq!(items.iter().filter(|i| i.is_err()).count(), 4);
    same(&file, &CaptureOptions::default(), "two-section pcapng");
}

#[test]
fn pcap_both_byte_orders() {
    for le in [true, false] {
        same(&pcap_file(le), &CaptureOptions::default(), "pcap");
    }
}

#[test]
fn truncated_anywhere() {
    same_at_every_cut(&two_section_pcapng(), 1, "pcapng");
    same_at_every_cut(&pcap_file(true), 1, "pcap");
    let text = std::fs::read(data("tcpdump-4.99-XX-sll.txt")).unwrap();
    same_at_every_cut(&text, 17, "text");
}

#[test]
fn truncated_final_record_is_an_item_not_an_open_error() {
    let file = pcap_file(true);
    let cut = &file[..file.len() - 3];
    let (_, items) = stream_bytes(cut, 4096, &CaptureOptions::default()).unwrap();
    let last = items.last().unwrap().as_ref().unwrap_err();
    assert_eq!(last.index, 6);
    assert!(last.message.contains("runs past end of file"), "{last}");
    assert_eq!(items.iter().filter(|i| i.is_ok()).count(), 5);
}

#[test]
fn text_dumps() {
    let opts = CaptureOptions {
        date: Date::new(2026, 5, 1),
        utc_offset_secs: 3600,
    };
    for name in [
        "tcpdump-4.99-XX-sll.txt",
        "tcpdump-4.99-tttt-XX-sll2.txt",
        "tcpdump-4.99-x-sll.txt",
        "tcpdump-X.txt",
    ] {
        let bytes = std::fs::read(data(name)).unwrap();
        same(&bytes, &opts, name);
        // CRLF line ends and a byte order mark.
        let mut crlf = b"\xEF\xBB\xBF".to_vec();
        for line in bytes.split(|&b| b == b'\n') {
            crlf.extend_from_slice(line);
            crlf.extend_from_slice(b"\r\n");
        }
        same(&crlf, &opts, name);
    }
    // Not a dump at all: both refuse it at open.
    same(b"hello\nworld\n", &opts, "not a dump");
    assert!(stream_bytes(b"hello\nworld\n", 4, &opts).is_err());
    assert!(stream_bytes(b"", 4, &opts).is_err());
}

#[test]
fn gzip_and_zstd_are_unwrapped() {
    let file = two_section_pcapng();
    let want = in_memory(&file, &CaptureOptions::default()).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&file[..100]).unwrap();
    let mut gz_bytes = gz.finish().unwrap();
    // A second gzip member (as `cat a.gz b.gz` makes) continues the stream.
    let mut gz2 = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz2.write_all(&file[100..]).unwrap();
    gz_bytes.extend(gz2.finish().unwrap());
    let zst = zstd::encode_all(&file[..], 3).unwrap();
    for (bytes, kind) in [(gz_bytes, Compression::Gzip), (zst, Compression::Zstd)] {
        for step in [1, 100, 1 << 20] {
            let src = Trickle {
                bytes: bytes.clone(),
                pos: 0,
                step,
            };
            let r = Reader::from_reader(src, &CaptureOptions::default()).unwrap();
            assert_eq!(r.compression(), Some(kind));
            assert_eq!(streamed(r), want, "{kind} read size {step}");
        }
    }
}

#[test]
fn corrupt_compressed_stream_is_an_error_item_after_the_good_records() {
    let file = pcap_file(true);
    let mut zst = zstd::encode_all(&file[..], 1).unwrap();
    let n = zst.len();
    zst.truncate(n - 6);
    match Reader::from_reader(std::io::Cursor::new(zst), &CaptureOptions::default()) {
        // The frame's header and first block may not even decode.
        Err(e) => assert!(e.message.contains("zstd"), "{e}"),
        Ok(r) => {
            let (_, items) = streamed(r);
            let last = items.last().unwrap().as_ref().unwrap_err();
            assert!(last.message.contains("zstd"), "{last}");
        }
    }
}

/// A record longer than the reader's limit stops the capture with an item
/// instead of growing the window; one that the input ends inside is a
/// truncated record, as in memory.
#[test]
fn oversized_record_is_refused() {
    let mut v = pcap_header(true, false, 276);
    v.extend(0u32.to_le_bytes());
    v.extend(0u32.to_le_bytes());
    v.extend(0x4000_0000u32.to_le_bytes()); // caplen 1 GiB
    v.extend(0x4000_0000u32.to_le_bytes());
    v.extend([0u8; 100]);
    same(
        &v,
        &CaptureOptions::default(),
        "1 GiB record, 100 bytes of it",
    );
    v.resize(v.len() + mctpkit::capture::MAX_FRAME_LEN, 0);
    let (_, items) = stream_bytes(&v, 1 << 20, &CaptureOptions::default()).unwrap();
    assert_eq!(items.len(), 1);
    let e = items[0].as_ref().unwrap_err();
    assert!(e.message.contains("longer than the reader's limit"), "{e}");
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(300))]
    /// Corrupted captures (bytes overwritten anywhere, then cut anywhere):
    /// streamed = in memory, records and errors alike (the differential
    /// fuzz target `fuzz/fuzz_targets/capture.rs` does the same).
    #[test]
    fn corrupted_captures_stream_the_same(
        which in 0usize..3,
        edits in proptest::collection::vec((proptest::prelude::any::<u16>(), proptest::prelude::any::<u8>()), 0..6),
        cut in proptest::prelude::any::<u16>(),
        step in 1usize..40,
    ) {
        let mut file = match which {
            0 => two_section_pcapng(),
            1 => pcap_file(false),
            _ => std::fs::read(data("tcpdump-X.txt")).unwrap(),
        };
        for (at, v) in edits {
            let n = file.len();
            file[usize::from(at) % n] = v;
        }
        let cut = usize::from(cut) % (file.len() + 1);
        let part = &file[..cut];
        let opts = CaptureOptions::default();
        let want = in_memory(part, &opts);
        let got = stream_bytes(part, step, &opts);
        match (&want, &got) {
            (Ok(w), Ok(g)) => proptest::prop_assert_eq!(w, g),
            (Err(_), Err(_)) => {}
            _ => proptest::prop_assert!(false, "in memory {:?}, streamed {:?}", want, got),
        }
    }
}
