//! tcpdump text dumps in the forms found in BMC logs.

mod capture_util;

use capture_util::*;
use mctpkit::capture::{
    Capture, CaptureError, CaptureOptions, Date, Direction, Format, Record, Timestamp,
};
use mctpkit::BindingKind;

const GET_UUID_RESP: [u8; 24] = [
    0x01, 0x0a, 0x43, 0xc2, 0x00, 0x02, 0x03, 0x00, 0x4d, 0x43, 0x54, 0x50, 0x20, 0x4b, 0x49, 0x54,
    0xe4, 0xb2, 0xb5, 0xa8, 0xa0, 0xc1, 0xd2, 0xe3,
];

fn opts(date: &str) -> CaptureOptions {
    CaptureOptions {
        date: Some(Date::parse(date).unwrap()),
        utc_offset_secs: 0,
    }
}

fn open(text: &str, o: &CaptureOptions) -> Capture {
    let cap = Capture::from_bytes_with(text.as_bytes().to_vec(), o).expect("opens");
    assert_eq!(cap.format(), Format::TcpdumpText);
    cap
}

fn items(cap: &Capture) -> Vec<Result<Record<'_>, CaptureError>> {
    cap.records().collect()
}

fn ok_data<'a>(recs: &'a [Result<Record<'_>, CaptureError>]) -> Vec<&'a [u8]> {
    recs.iter().map(|r| r.as_ref().unwrap().data).collect()
}

/// 2026-05-01T10:00:00Z
const T10: i64 = 1_777_629_600;

#[test]
fn sample_file_dash_x_upper() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/capture/tcpdump-X.txt"
    );
    let cap = Capture::open_with(path, &opts("2026-05-01")).unwrap();
    assert_eq!(cap.format(), Format::TcpdumpText);
    assert_eq!(cap.text_record_count(), Some(3));
    let recs = items(&cap);
    assert_eq!(
        ok_data(&recs),
        vec![&SET_EID_RESP[..], &SET_EID_REQ[..], &GET_UUID_RESP[..]]
    );
    let r = recs[0].as_ref().unwrap();
    assert_eq!(r.index, 1);
    assert_eq!(r.binding, BindingKind::None);
    assert_eq!(r.direction, None);
    assert_eq!(r.orig_len, 11);
    assert_eq!(
        r.ts,
        Some(Timestamp {
            secs: T10,
            nanos: 123_456_000
        })
    );
    assert_eq!(
        recs[2].as_ref().unwrap().ts,
        Some(Timestamp {
            secs: T10 + 1,
            nanos: 1_000
        })
    );
}

#[test]
fn default_date_is_the_epoch() {
    let cap = open(
        "10:00:00.123456 x\n\t0x0000:  0100 0acf 0091 0100 1d\n",
        &CaptureOptions::default(),
    );
    let r = cap.records().next().unwrap().unwrap();
    assert_eq!(
        r.ts,
        Some(Timestamp {
            secs: 36_000,
            nanos: 123_456_000
        })
    );
}

#[test]
fn dash_x_without_ascii_column() {
    let text = "\
10:00:00.000001 Out ethertype Unknown (0x00fa), length 40:
\t0x0000:  010a 43c2 0002 0300 4d43 5450 204b 4954
\t0x0010:  e4b2 b5a8 a0c1 d2e3
10:00:00.000002  In ethertype Unknown (0x00fa), length 25:
\t0x0000:  0100 0acf 0091 0100 1d
";
    let cap = open(text, &opts("2026-05-01"));
    let recs = items(&cap);
    assert_eq!(ok_data(&recs), vec![&GET_UUID_RESP[..], &SET_EID_REQ[..]]);
}

#[test]
fn journal_prefixed_dash_x_upper_with_crlf() {
    let text = "\
2026-05-01T10:00:00+0000 bmc tcpdump[812]: listening on mctpi2c1, link-type LINUX_SLL\r
2026-05-01T10:00:00+0000 bmc tcpdump[812]: 10:00:00.123456  In ethertype Unknown (0x00fa), length 27:\r
2026-05-01T10:00:00+0000 bmc tcpdump[812]: \t0x0000:  010a 43d0 001a 0100 0043 00              ..C......C.\r
May  1 10:00:01 bmc tcpdump[812]: 10:00:01.000001  In ethertype Unknown (0x00fa), length 40:\r
May  1 10:00:01 bmc tcpdump[812]: \t0x0000:  010a 43c2 0002 0300 4d43 5450 204b 4954  ..C.....MCTP.KIT\r
May  1 10:00:01 bmc tcpdump[812]: \t0x0010:  e4b2 b5a8 a0c1 d2e3                      ........\r
";
    let cap = open(text, &opts("2026-05-01"));
    let recs = items(&cap);
    assert_eq!(ok_data(&recs), vec![&SET_EID_RESP[..], &GET_UUID_RESP[..]]);
    // The tcpdump time, not the journal's, dates the packet.
    assert_eq!(recs[0].as_ref().unwrap().ts.unwrap().nanos, 123_456_000);
    assert_eq!(
        recs[1].as_ref().unwrap().ts,
        Some(Timestamp {
            secs: T10 + 1,
            nanos: 1_000
        })
    );
}

#[test]
fn journal_precise_timestamps_are_not_packet_starts() {
    // journalctl -o short-iso-precise: the prefix has a fractional time.
    let text = "\
2026-05-01T10:00:00.999999+00:00 bmc tcpdump[5]: 10:00:00.500000 Out x
2026-05-01T10:00:00.999999+00:00 bmc tcpdump[5]: \t0x0000:  0100 0acf 0091 0100 1d
";
    let cap = open(text, &opts("2026-05-01"));
    let recs = items(&cap);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].as_ref().unwrap().ts.unwrap().nanos, 500_000_000);
}

#[test]
fn one_line_records() {
    let text = "\
10:00:00.123456 In ethertype Unknown (0x00fa), length 27: 0x0000:  010a 43d0 001a 0100 0043 00  ..C......C.
10:00:00.234567 Out ethertype Unknown (0x00fa), length 25: 0x0000:  0100 0acf 0091 0100 1d
10:00:01.000001 In ethertype Unknown (0x00fa), length 40: 0x0000:  010a 43c2 0002 0300 4d43 5450 204b 4954
\t0x0010:  e4b2 b5a8 a0c1 d2e3
";
    let cap = open(text, &opts("2026-05-01"));
    let recs = items(&cap);
    assert_eq!(
        ok_data(&recs),
        vec![&SET_EID_RESP[..], &SET_EID_REQ[..], &GET_UUID_RESP[..]]
    );
}

#[test]
fn double_x_strips_cooked_headers() {
    // -XX on an MCTP netdev (LINUX_SLL): packet type 4, ARPHRD 290, no
    // address, protocol 0x00FA; then -XX from `-i any` (LINUX_SLL2).
    let text = "\
10:00:00.000001 Out ethertype Unknown (0x00fa), length 25:
\t0x0000:  0004 0122 0000 0000 0000 0000 0000 00fa  ...\"............
\t0x0010:  0100 0acf 0091 0100 1d                   .........
10:00:00.000002 mctpi2c1 In  ethertype Unknown (0x00fa), length 31:
\t0x0000:  00fa 0000 0000 0003 0122 0001 1d00 0000  .........\"......
\t0x0010:  0000 0000 010a 43d0 001a 0100 0043 00    ......C......C.
";
    let cap = open(text, &opts("2026-05-01"));
    let recs = items(&cap);
    assert_eq!(ok_data(&recs), vec![&SET_EID_REQ[..], &SET_EID_RESP[..]]);
    assert_eq!(
        recs[0].as_ref().unwrap().direction,
        Some(Direction::Outgoing)
    );
    assert_eq!(
        recs[1].as_ref().unwrap().direction,
        Some(Direction::Incoming)
    );
    assert_eq!(recs[1].as_ref().unwrap().orig_len, 11);
}

#[test]
fn offsets_out_of_order_make_an_error_record() {
    let text = "\
10:00:00.000001 Out x
\t0x0000:  010a 43c2 0002 0300 4d43 5450 204b 4954
\t0x0020:  e4b2 b5a8 a0c1 d2e3
10:00:00.000002 In x
\t0x0000:  0100 0acf 0091 0100 1d
";
    let cap = open(text, &opts("2026-05-01"));
    let recs = items(&cap);
    assert_eq!(recs.len(), 2);
    let e = recs[0].as_ref().unwrap_err();
    assert_eq!(e.index, 1);
    assert_eq!(e.offset, 0);
    assert!(e.message.contains("0x0020"), "{}", e.message);
    assert!(e.message.contains("16 byte"), "{}", e.message);
    let r = recs[1].as_ref().unwrap();
    assert_eq!(r.index, 2);
    assert_eq!(r.data, &SET_EID_REQ);
}

#[test]
fn dump_starting_mid_packet() {
    let text = "\
\t0x0010:  e4b2 b5a8 a0c1 d2e3
10:00:00.000002 In x
\t0x0000:  0100 0acf 0091 0100 1d
";
    let cap = open(text, &opts("2026-05-01"));
    let recs = items(&cap);
    assert_eq!(recs.len(), 2);
    assert!(recs[0]
        .as_ref()
        .unwrap_err()
        .message
        .contains("no packet start"));
    assert_eq!(recs[1].as_ref().unwrap().data, &SET_EID_REQ);
}

#[test]
fn bare_hex_without_summaries_splits_on_offset_zero() {
    let text = "\
0x0000:  0100 0acf 0091 0100 1d

0x0000:  010a 43d0 001a 0100 0043 00
";
    let cap = open(text, &CaptureOptions::default());
    let recs = items(&cap);
    assert_eq!(ok_data(&recs), vec![&SET_EID_REQ[..], &SET_EID_RESP[..]]);
    assert_eq!(recs[0].as_ref().unwrap().ts, None);
}

#[test]
fn blank_lines_and_noise_between_lines() {
    let text = "\
\n\n10:00:00.000001 Out x\n\n\t0x0000:  010a 43c2 0002 0300 4d43 5450 204b 4954\n\n\t0x0010:  e4b2 b5a8 a0c1 d2e3\n\n";
    let cap = open(text, &opts("2026-05-01"));
    assert_eq!(ok_data(&items(&cap)), vec![&GET_UUID_RESP[..]]);
}

#[test]
fn summary_without_hex_is_not_a_record() {
    let text = "\
10:00:00.000001 Out x
10:00:00.000002 In x
\t0x0000:  0100 0acf 0091 0100 1d
";
    let cap = open(text, &opts("2026-05-01"));
    let recs = items(&cap);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].as_ref().unwrap().index, 1);
}

#[test]
fn midnight_rollover_and_utc_offset() {
    let text = "\
23:59:59.900000 Out x
\t0x0000:  0100 0acf 0091 0100 1d
00:00:00.100000 In x
\t0x0000:  010a 43d0 001a 0100 0043 00
";
    let o = CaptureOptions {
        date: Some(Date::parse("2026-04-30").unwrap()),
        utc_offset_secs: 3600, // the dump's clock is UTC+1
    };
    let cap = open(text, &o);
    let recs = items(&cap);
    let a = recs[0].as_ref().unwrap().ts.unwrap();
    let b = recs[1].as_ref().unwrap().ts.unwrap();
    // 2026-04-30 23:59:59.9 +01:00 = 22:59:59.9Z
    assert_eq!(
        a,
        Timestamp {
            secs: T10 - 86_400 + 13 * 3600 - 1,
            nanos: 900_000_000
        }
    );
    assert_eq!(b.as_nanos() - a.as_nanos(), 200_000_000);
}

#[test]
fn dated_and_epoch_timestamps() {
    let text = "\
2026-05-01 10:00:00.000001 Out x
\t0x0000:  0100 0acf 0091 0100 1d
1777629600.500000000 In x
\t0x0000:  010a 43d0 001a 0100 0043 00
";
    // The date option does not override a -tttt date.
    let cap = open(text, &opts("1999-01-01"));
    let recs = items(&cap);
    assert_eq!(
        recs[0].as_ref().unwrap().ts,
        Some(Timestamp {
            secs: T10,
            nanos: 1_000
        })
    );
    assert_eq!(
        recs[1].as_ref().unwrap().ts,
        Some(Timestamp {
            secs: T10,
            nanos: 500_000_000
        })
    );
}

#[test]
fn nanosecond_fraction() {
    let text = "10:00:00.123456789 x\n\t0x0000:  0100 0acf 0091 0100 1d\n";
    let cap = open(text, &opts("2026-05-01"));
    assert_eq!(
        cap.records().next().unwrap().unwrap().ts.unwrap().nanos,
        123_456_789
    );
}

#[test]
fn progress_ends_at_the_last_record() {
    let text = "10:00:00.123456 x\n\t0x0000:  0100 0acf 0091 0100 1d\ntrailer\n";
    let cap = open(text, &opts("2026-05-01"));
    let mut it = cap.records();
    assert_eq!(it.position(), 0);
    it.next();
    assert_eq!(it.position(), text.find("trailer").unwrap());
}

#[test]
fn text_without_hex_does_not_open() {
    for t in [
        "tcpdump: listening on mctp0\n0 packets captured\n",
        "10:00:00.123456 x\n",
        "\n\n",
    ] {
        let e = Capture::from_bytes(t.as_bytes().to_vec()).unwrap_err();
        assert_eq!(e.index, 0);
    }
}
