//! `mctpkit craft` end to end: run the built binary and check exact bytes.

use std::path::PathBuf;
use std::process::{Command, Output};

fn mctpkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mctpkit"))
        .args(args)
        .output()
        .expect("run mctpkit")
}

/// stdout of a successful run.
fn ok(args: &[&str]) -> String {
    let o = mctpkit(args);
    assert!(
        o.status.success(),
        "mctpkit {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// The hex lines of the output (decode summaries are `# ` lines).
fn hex_lines(out: &str) -> Vec<&str> {
    out.lines().filter(|l| !l.starts_with('#')).collect()
}

/// CRC-8/SMBUS (poly 0x07, init 0), written out here so the test does not
/// trust the code under test for the expected PEC.
fn crc8_smbus(data: &[u8]) -> u8 {
    let mut c = 0u8;
    for &b in data {
        c ^= b;
        for _ in 0..8 {
            c = if c & 0x80 != 0 {
                (c << 1) ^ 0x07
            } else {
                c << 1
            };
        }
    }
    c
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn issue_example_get_endpoint_id_over_smbus() {
    let out = ok(&[
        "craft",
        "--src",
        "8",
        "--dst",
        "9",
        "--tag",
        "3",
        "--binding",
        "smbus",
        "--src-addr",
        "0x10",
        "--dst-addr",
        "0x20",
        "control",
        "get-endpoint-id",
    ]);
    // Hand-built DSP0237 frame: destination 0x20 as a write address byte
    // (0x40), command 0x0F, byte count = 7-byte packet + source byte = 8,
    // source 0x10 as (0x10 << 1) | 1 = 0x21; MCTP header v1, dst 9, src 8,
    // SOM|EOM|seq 0|TO|tag 3 = 0xCB; control request iid 0 (0x80), command
    // 0x02. PEC: CRC-8/SMBUS over everything from the destination byte.
    let mut frame = vec![
        0x40, 0x0F, 0x08, 0x21, 0x01, 0x09, 0x08, 0xCB, 0x00, 0x80, 0x02,
    ];
    let pec = crc8_smbus(&frame);
    assert_eq!(pec, 0x07);
    frame.push(pec);
    assert_eq!(out, format!("{}\n", hex(&frame)));
}

#[test]
fn decode_round_trip() {
    let out = ok(&[
        "craft",
        "--src",
        "8",
        "--dst",
        "9",
        "--tag",
        "3",
        "--binding",
        "smbus",
        "--src-addr",
        "0x10",
        "--dst-addr",
        "0x20",
        "--decode",
        "control",
        "get-endpoint-id",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[1].starts_with("# SMBus 0x20<-0x10 PEC ok"), "{out}");
    assert!(lines[1].contains("tag=TO,3"), "{out}");
    assert!(lines[1].contains("Get Endpoint ID req"), "{out}");
    // The hex line is what `mctpkit decode` reads.
    let dec = ok(&["decode", "--binding", "smbus", lines[0]]);
    assert_eq!(dec.trim_end(), &lines[1][2..]);
}

#[test]
fn responses_default_to_to_clear() {
    let out = ok(&[
        "craft",
        "--src",
        "9",
        "--dst",
        "8",
        "--tag",
        "3",
        "control",
        "get-endpoint-id",
        "--response",
        "--eid",
        "9",
        "--endpoint-type",
        "simple",
        "--eid-type",
        "dynamic",
    ]);
    // flags SOM|EOM|tag 3, TO clear; rsp iid 0, cmd 2, cc 0, eid 9, type 0, medium 0.
    assert_eq!(out, "01 08 09 c3 00 00 02 00 09 00 00\n");
    let out = ok(&["craft", "--no-to", "control", "get-endpoint-id"]);
    assert_eq!(out, "01 09 08 c0 00 80 02\n");
    let out = ok(&[
        "craft",
        "--to",
        "control",
        "get-endpoint-id",
        "--response",
        "--eid",
        "9",
    ]);
    assert_eq!(out, "01 09 08 c8 00 00 02 00 09 00 00\n");
}

#[test]
fn control_commands_from_the_brief() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["control", "set-endpoint-id", "--op", "set", "--eid", "0x1d"],
            "01 09 08 c8 00 80 01 00 1d",
        ),
        (
            &[
                "control",
                "get-message-type-support",
                "--response",
                "--types",
                "0,1,5",
            ],
            "01 09 08 c0 00 00 05 00 03 00 01 05",
        ),
        (
            &["control", "get-mctp-version-support", "--type", "0xff"],
            "01 09 08 c8 00 80 04 ff",
        ),
        (
            &[
                "control",
                "get-mctp-version-support",
                "--response",
                "--versions",
                "1.3.1,1.2,1.1,1.0",
            ],
            "01 09 08 c0 00 00 04 00 04 f1 f3 f1 00 f1 f2 ff 00 f1 f1 ff 00 f1 f0 ff 00",
        ),
        (
            &[
                "control",
                "set-endpoint-id",
                "--response",
                "--status",
                "accepted",
                "--eid",
                "0x1d",
            ],
            "01 09 08 c0 00 00 01 00 00 1d 00",
        ),
        (
            &[
                "control",
                "get-endpoint-uuid",
                "--response",
                "--cc",
                "unsupported-cmd",
                "--instance-id",
                "5",
            ],
            "01 09 08 c0 00 05 03 05",
        ),
        (
            &["control", "get-vendor-defined-message-support"],
            "01 09 08 c8 00 80 06 00",
        ),
        (
            &[
                "control",
                "get-vendor-defined-message-support",
                "--response",
                "--pci-vendor",
                "0x8086",
                "--command-set-type",
                "0x0102",
            ],
            "01 09 08 c0 00 00 06 00 ff 00 80 86 01 02",
        ),
        (
            &["--dst", "0xff", "control", "prepare-for-endpoint-discovery"],
            "01 ff 08 c8 00 80 0b",
        ),
        (
            &["control", "--datagram", "other", "--code", "0xf0", "01 02"],
            "01 09 08 c8 00 c0 f0 01 02",
        ),
        (
            &["raw", "--type", "0x7e", "1a b4 01"],
            "01 09 08 c8 7e 1a b4 01",
        ),
        // A control response given as bytes: Rq clear, so TO defaults to 0.
        (
            &["message", "00 00 02 00 09 00 00"],
            "01 09 08 c0 00 00 02 00 09 00 00",
        ),
    ];
    for (args, want) in cases {
        let mut a = vec!["craft"];
        a.extend_from_slice(args);
        assert_eq!(ok(&a).trim_end(), *want, "{args:?}");
    }
}

#[test]
fn fragmentation_151_bytes_at_64() {
    // mctp-core.md §4 (libmctp's example): 151 bytes at the baseline unit →
    // 64 + 64 + 23 payload bytes, flags 0x88, 0x18, 0x68 (tag 0, TO, seq 0..2).
    let body = vec!["a5"; 150].join(" ");
    let out = ok(&["craft", "--mtu", "64", "raw", "--type", "0x7f", &body]);
    let lines = hex_lines(&out);
    assert_eq!(lines.len(), 3);
    let packets: Vec<Vec<u8>> = lines
        .iter()
        .map(|l| {
            l.split(' ')
                .map(|b| u8::from_str_radix(b, 16).unwrap())
                .collect()
        })
        .collect();
    assert_eq!(
        packets.iter().map(|p| p[3]).collect::<Vec<_>>(),
        [0x88, 0x18, 0x68]
    );
    assert_eq!(
        packets.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [68, 68, 27]
    );
    assert_eq!(packets[0][4], 0x7F);
    let payload: Vec<u8> = packets.iter().flat_map(|p| p[4..].to_vec()).collect();
    assert_eq!(payload.len(), 151);
    // --seq and a smaller unit.
    let out = ok(&[
        "craft", "--mtu", "100", "--seq", "3", "--tag", "2", "raw", "--type", "0x7f", &body,
    ]);
    let flags: Vec<&str> = hex_lines(&out)
        .iter()
        .map(|l| l.split(' ').nth(3).unwrap())
        .collect();
    assert_eq!(flags, ["ba", "4a"]);
}

#[test]
fn serial_escaping() {
    // Body bytes 7e and 7d must be escaped as 7d 5e / 7d 5d; the byte count
    // (9) is the unescaped packet length. FCS = CRC-16/MCRF4XX over
    // revision, count and the unescaped packet, big-endian.
    let out = ok(&[
        "craft",
        "--binding",
        "serial",
        "--decode",
        "raw",
        "--type",
        "0x7e",
        "7e 7d 00 01",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "7e 01 09 01 09 08 c8 7d 5e 7d 5e 7d 5d 00 01 17 ef 7e"
    );
    assert!(lines[1].contains("FCS ok"), "{out}");
    assert!(lines[1].contains("Vendor PCI"), "{out}");
}

#[test]
fn other_bindings_decode_back() {
    for args in [
        &["--binding", "i3c", "--addr", "0x08"][..],
        &["--binding", "pcie-vdm", "--requester-id", "03:00.0"][..],
        &["--binding", "usb"][..],
        &["--binding", "smbus-no-dest", "--dst-addr", "0x20"][..],
    ] {
        let mut a = vec!["craft", "--decode"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["control", "get-endpoint-id"]);
        let out = ok(&a);
        assert!(!out.contains("!!"), "{args:?}: {out}");
        assert!(out.contains("Get Endpoint ID req"), "{args:?}: {out}");
    }
}

#[test]
fn bad_arguments_fail() {
    for args in [
        &["craft", "--tag", "8", "control", "get-endpoint-id"][..],
        &["craft", "control", "get-endpoint-id", "--eid", "9"][..],
        &["craft", "control", "get-endpoint-id", "--cc", "error"][..],
        &["craft", "--mtu", "0", "message", "00"][..],
        &[
            "craft",
            "--binding",
            "smbus",
            "--mtu",
            "300",
            "message",
            &"00 ".repeat(300),
        ][..],
        &["craft", "message", "zz"][..],
    ] {
        let o = mctpkit(args);
        assert!(!o.status.success(), "{args:?} should fail");
        assert!(!o.stderr.is_empty());
    }
}

fn temp_pcap(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("mctpkit-craft-{}-{name}.pcap", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

#[test]
fn pcap_append_then_analyze() {
    let path = temp_pcap("append");
    let file = path.to_str().unwrap();
    ok(&[
        "craft",
        "--pcap",
        file,
        "--tag",
        "1",
        "control",
        "get-endpoint-id",
    ]);
    ok(&[
        "craft",
        "--pcap",
        file,
        "--src",
        "9",
        "--dst",
        "8",
        "--tag",
        "1",
        "control",
        "get-endpoint-id",
        "--response",
        "--eid",
        "9",
    ]);
    let body = vec!["00"; 150].join(" ");
    ok(&[
        "craft", "--pcap", file, "--tag", "2", "raw", "--type", "0x7e", &body,
    ]);
    let out = ok(&["analyze", "--stats", file]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains("09<-08 TO tag=1 [1 pkt, 3 B]"), "{out}");
    assert!(lines[0].contains("Get Endpoint ID req"), "{out}");
    assert!(lines[1].contains("08<-09 tag=1"), "{out}");
    assert!(lines[1].contains("reply to #1"), "{out}");
    assert!(lines[2].contains("[3 pkts, 151 B]"), "{out}");
    let packets = ok(&["analyze", "--packets", file]);
    let listed: Vec<&str> = packets.lines().filter(|l| !l.starts_with("!!")).collect();
    assert_eq!(listed.len(), 5, "{packets}");
    // The vendor message never got a response.
    assert!(out.contains("!! no-response"), "{out}");
    std::fs::remove_file(&path).unwrap();
}
