//! Text dumps produced by real tcpdump 4.99.3 (`tcpdump -r FILE -x/-XX/-tttt`,
//! TZ=UTC) from the pcap fixtures next to them: reading the text must give
//! the same packets as reading the pcap.

use mctpkit::capture::{Capture, CaptureOptions, Date, Direction, Format, Record};

fn data(name: &str) -> String {
    format!("{}/tests/data/capture/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn records(cap: &Capture) -> Vec<Record<'_>> {
    cap.records().map(Result::unwrap).collect()
}

fn dated() -> CaptureOptions {
    CaptureOptions {
        date: Date::parse("2026-05-01"),
        utc_offset_secs: 0,
    }
}

#[test]
fn sll_pcap_and_its_xx_and_x_dumps_agree() {
    let pcap = Capture::open(data("sll-three.pcap")).unwrap();
    assert_eq!(pcap.format(), Format::Pcap);
    let want = records(&pcap);
    assert_eq!(want.len(), 3);
    assert_eq!(want[0].direction, Some(Direction::Outgoing));

    // -XX: the cooked header is in the dump; it is stripped and gives the
    // direction.
    let xx = Capture::open_with(data("tcpdump-4.99-XX-sll.txt"), &dated()).unwrap();
    assert_eq!(xx.format(), Format::TcpdumpText);
    assert_eq!(records(&xx), want);

    // -x: no header, no direction.
    let x = Capture::open_with(data("tcpdump-4.99-x-sll.txt"), &dated()).unwrap();
    let got = records(&x);
    assert_eq!(got.len(), 3);
    for (g, w) in got.iter().zip(&want) {
        assert_eq!((g.index, g.ts, g.data), (w.index, w.ts, w.data));
        assert_eq!(g.direction, None);
    }
}

#[test]
fn sll2_pcap_and_its_tttt_xx_dump_agree() {
    let pcap = Capture::open(data("sll2-set-eid.pcap")).unwrap();
    let want = records(&pcap);
    // No date option: -tttt carries the date.
    let text = Capture::open(data("tcpdump-4.99-tttt-XX-sll2.txt")).unwrap();
    let got = records(&text);
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g.data, w.data);
        assert_eq!(g.direction, w.direction);
        // tcpdump printed µs; the pcap has ns.
        let (g, w) = (g.ts.unwrap(), w.ts.unwrap());
        assert_eq!(g.secs, w.secs);
        assert_eq!(g.nanos, w.nanos / 1000 * 1000);
    }
}
