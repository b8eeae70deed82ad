//! `mctpkit craft pldm|spdm|nvme-mi|cxl|vdm` end to end: run the built
//! binary, compare exact bytes with hand-computed / fixture messages, and
//! decode the output back with `mctpkit decode`.

use std::process::{Command, Output};

#[path = "common/crc.rs"]
mod crc;
#[path = "../../mctpkit/tests/common/strict_json.rs"]
mod strict_json;

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

/// stderr of a failing run.
fn fails(args: &[&str]) -> String {
    let o = mctpkit(args);
    assert!(!o.status.success(), "mctpkit {args:?} should fail");
    String::from_utf8(o.stderr).unwrap()
}

/// The hex lines of the output (decode summaries are `# ` lines).
fn hex_lines(out: &str) -> Vec<&str> {
    out.lines().filter(|l| !l.starts_with('#')).collect()
}

/// `craft --src 8 --dst 9 --tag 0 <args>`: the single packet's hex.
fn craft1(args: &[&str]) -> String {
    let mut a = vec!["craft", "--src", "8", "--dst", "9"];
    a.extend_from_slice(args);
    let out = ok(&a);
    let l = hex_lines(&out);
    assert_eq!(l.len(), 1, "{out}");
    l[0].to_string()
}

/// MCTP header of a single-packet message 8 -> 9, tag 0 (DSP0236 §8.1:
/// version 1, dst, src, SOM|EOM|seq 0|TO|tag).
fn hdr(to: bool) -> &'static str {
    if to {
        "01 09 08 c8"
    } else {
        "01 09 08 c0"
    }
}

/// Decode one packet with `mctpkit decode --json` and check the family
/// layer is there and nothing was flagged.
fn decodes_clean(packet_hex: &str, key: &str) -> String {
    let json = ok(&["decode", "--json", packet_hex]);
    // No object repeats a key (issue 12).
    let v = strict_json::parse_or_panic(json.trim(), packet_hex);
    assert!(v[key].is_object(), "{key} missing: {json}");
    assert_eq!(v["problems"], serde_json::json!([]), "problems: {json}");
    let summary = ok(&["decode", packet_hex]);
    assert!(!summary.contains("!!"), "{summary}");
    summary
}

fn bytes(hex: &str) -> Vec<u8> {
    hex.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

#[test]
fn pldm_exact_bytes() {
    // GetSensorReading request, iid 3, sensor 5, no rearm: the
    // pldm::builder doc example (DSP0248 §18.2: sensorID LE, rearm).
    let p = craft1(&[
        "pldm",
        "get-sensor-reading",
        "--sensor-id",
        "5",
        "--instance-id",
        "3",
    ]);
    assert_eq!(p, format!("{} 01 83 02 11 05 00 00", hdr(true)));
    let s = decodes_clean(&p, "pldm");
    assert!(s.contains("PLDM GetSensorReading req iid=3"), "{s}");

    // The instance ID may also come before the command name.
    let p2 = craft1(&[
        "pldm",
        "--instance-id",
        "3",
        "get-sensor-reading",
        "--sensor-id",
        "5",
    ]);
    assert_eq!(p2, p);

    // GetSensorReading response, sint16 -12, warning: by hand (DSP0248
    // Table 35): cc 00, dataSize 3, opState 0 (enabled), eventEnable 2,
    // present/previous/event state 2, reading f4 ff. Response: TO clear.
    let p = craft1(&[
        "pldm",
        "get-sensor-reading",
        "--response",
        "--size",
        "sint16",
        "--reading",
        "-12",
        "--state",
        "warning",
    ]);
    assert_eq!(
        p,
        format!("{} 01 00 02 11 00 03 00 02 02 02 02 f4 ff", hdr(false))
    );
    decodes_clean(&p, "pldm");

    // RequestFirmwareData request iid 3, offset 0x400, length 0x100: the
    // firmware_update::builder doc example.
    let p = craft1(&[
        "pldm",
        "request-firmware-data",
        "--offset",
        "0x400",
        "--length",
        "0x100",
        "--instance-id",
        "3",
    ]);
    assert_eq!(
        p,
        format!("{} 01 83 05 15 00 04 00 00 00 01 00 00", hdr(true))
    );
    decodes_clean(&p, "pldm");

    // GetTID: 01 80 00 02 (DSP0240 Table 9); response cc 0, TID 1.
    assert_eq!(
        craft1(&["pldm", "get-tid"]),
        format!("{} 01 80 00 02", hdr(true))
    );
    assert_eq!(
        craft1(&["pldm", "get-tid", "--response", "--tid", "1"]),
        format!("{} 01 00 00 02 00 01", hdr(false))
    );
    // Datagram bit (bit 6 of the Rq/D/IID byte).
    assert_eq!(
        craft1(&["pldm", "--datagram", "get-tid"]),
        format!("{} 01 c0 00 02", hdr(true))
    );
    // Error response: header and completion code only.
    assert_eq!(
        craft1(&["pldm", "get-pdr", "--response", "--cc", "0x81"]),
        format!("{} 01 00 02 51 81", hdr(false))
    );
    // Generic form gives the same bytes as the typed command.
    assert_eq!(
        craft1(&[
            "pldm",
            "--type",
            "platform",
            "--command",
            "0x11",
            "--instance-id",
            "3",
            "05 00 00"
        ]),
        format!("{} 01 83 02 11 05 00 00", hdr(true))
    );
    assert_eq!(
        craft1(&[
            "pldm",
            "--type",
            "2",
            "--command",
            "0x11",
            "--response",
            "--cc",
            "0",
            "00 00 01 01 01 00 2a"
        ]),
        format!("{} 01 00 02 11 00 00 00 01 01 01 00 2a", hdr(false))
    );
}

#[test]
fn pldm_every_command_decodes_clean() {
    let cmds: &[&[&str]] = &[
        &["get-tid"],
        &["get-pldm-version", "--type", "fw-update"],
        &["get-pldm-version", "--response", "--versions", "1.0.0,1.1"],
        &["get-pldm-types"],
        &["get-pldm-types", "--response", "--types", "0,2,5"],
        &["get-sensor-reading", "--sensor-id", "7", "--rearm"],
        &[
            "set-numeric-effecter-value",
            "--effecter-id",
            "2",
            "--size",
            "uint16",
            "--value",
            "300",
        ],
        &["set-numeric-effecter-value", "--response"],
        &["get-pdr", "--record-handle", "1", "--count", "128"],
        &[
            "request-update",
            "--max-transfer-size",
            "4096",
            "--version-string",
            "fw-1.2.3",
        ],
        &["request-update", "--response", "--meta-data-length", "16"],
        &["request-firmware-data", "--response", "de ad be ef"],
        &["get-status"],
        &[
            "get-status",
            "--response",
            "--current-state",
            "download",
            "--progress",
            "40",
        ],
    ];
    for c in cmds {
        let mut a = vec!["pldm"];
        a.extend_from_slice(c);
        let p = craft1(&a);
        let s = decodes_clean(&p, "pldm");
        let to = c.contains(&"--response");
        assert!(p.starts_with(hdr(!to)), "{c:?}: {p}");
        assert!(s.contains(if to { " rsp " } else { " req " }), "{c:?}: {s}");
    }
    // The PLDM version response's CRC-32 is verified by the decoder.
    let p = craft1(&[
        "pldm",
        "get-pldm-version",
        "--response",
        "--versions",
        "1.0.0",
    ]);
    assert!(ok(&["decode", &p]).contains("crc ok"));
}

#[test]
fn spdm_exact_bytes() {
    // GET_VERSION: 05 10 84 00 00 (DSP0274 §10.3, always v1.0).
    let p = craft1(&["spdm", "get-version"]);
    assert_eq!(p, format!("{} 05 10 84 00 00", hdr(true)));
    assert!(decodes_clean(&p, "spdm").contains("SPDM GET_VERSION req v1.0"));

    // GET_MEASUREMENTS v1.2, signed, all, zero nonce, slot 0: the
    // spdm::builder doc example (05 12 e0 01 ff, 32-byte nonce, SlotIDParam).
    let p = craft1(&[
        "spdm",
        "get-measurements",
        "--version",
        "1.2",
        "--index",
        "0xff",
    ]);
    let nonce = vec!["00"; 32].join(" ");
    assert_eq!(p, format!("{} 05 12 e0 01 ff {nonce} 00", hdr(true)));
    decodes_clean(&p, "spdm");
    // An explicit nonce and slot land where DSP0274 Table 43 puts them.
    let n: Vec<String> = (0..32).map(|i| format!("{i:02x}")).collect();
    let p = craft1(&[
        "spdm",
        "get-measurements",
        "--nonce",
        &n.join(""),
        "--slot",
        "3",
        "--index",
        "1",
    ]);
    assert_eq!(
        p,
        format!("{} 05 12 e0 01 01 {} 03", hdr(true), n.join(" "))
    );
    decodes_clean(&p, "spdm");

    // GET_CERTIFICATE slot 1, offset 0, length 0x400 (Table 28).
    let p = craft1(&[
        "spdm",
        "--version",
        "1.1",
        "get-certificate",
        "--slot",
        "1",
        "--length",
        "0x400",
    ]);
    assert_eq!(p, format!("{} 05 11 82 01 00 00 00 00 04", hdr(true)));
    decodes_clean(&p, "spdm");

    // Generic VERSION response (code 0x04 has bit 7 clear: TO = 0).
    let p = craft1(&[
        "spdm",
        "--version",
        "1.0",
        "--code",
        "0x04",
        "00 03 00 10 00 11 00 12",
    ]);
    assert_eq!(
        p,
        format!("{} 05 10 04 00 00 00 03 00 10 00 11 00 12", hdr(false))
    );
    assert!(decodes_clean(&p, "spdm").contains("versions=1.0,1.1,1.2"));
}

#[test]
fn spdm_every_request_decodes_clean() {
    let cmds: &[&[&str]] = &[
        &["get-capabilities", "--flags", "0xc6d6"],
        &["--version", "1.0", "get-capabilities"],
        &[
            "negotiate-algorithms",
            "--dhe",
            "0x10",
            "--aead",
            "2",
            "--req-base-asym",
            "0x80",
            "--key-schedule",
            "1",
        ],
        &["get-digests"],
        &["challenge", "--hash-type", "0xff", "--nonce", "random"],
        &["get-measurements", "--unsigned", "--index", "0"],
    ];
    for c in cmds {
        let mut a = vec!["spdm"];
        a.extend_from_slice(c);
        let p = craft1(&a);
        assert!(p.starts_with(hdr(true)), "{c:?}: {p}");
        assert!(decodes_clean(&p, "spdm").contains(" req "), "{c:?}");
    }
}

#[test]
fn nvme_mi_exact_bytes_and_mic() {
    // NVM Subsystem Health Status Poll with Clear Status: the nvme_mi
    // tests' fixture `84 08 00 00 01 ... 80 aa ef 81 b4`.
    let p = craft1(&["nvme-mi", "subsystem-health-status-poll", "--clear"]);
    assert_eq!(
        p,
        format!(
            "{} 84 08 00 00 01 00 00 00 00 00 00 00 00 00 00 80 aa ef 81 b4",
            hdr(true)
        )
    );
    assert!(decodes_clean(&p, "nvme_mi").contains("Subsystem Health Status Poll req"));

    // Every command: the last four bytes are the CRC-32C of the rest.
    let cmds: &[&[&str]] = &[
        &[
            "controller-health-status-poll",
            "--max-entries",
            "4",
            "--report-all",
        ],
        &["read-data-structure", "--dtyp", "controller-list"],
        &["configuration-get", "--id", "mtu", "--port-id", "1"],
        &["--csi", "1", "admin-identify", "--cns", "1"],
        &[
            "admin-get-log-page",
            "--lid",
            "2",
            "--bytes",
            "512",
            "--csi",
            "1",
        ],
    ];
    for c in cmds {
        let mut a = vec!["craft", "--mtu", "128", "nvme-mi"];
        a.extend_from_slice(c);
        let out = ok(&a);
        let l = hex_lines(&out);
        assert_eq!(l.len(), 1, "{out}");
        let b = bytes(l[0]);
        let msg = &b[4..];
        let n = msg.len();
        assert_eq!(msg[0], 0x84, "{c:?}");
        assert_eq!(
            u32::from_le_bytes(msg[n - 4..].try_into().unwrap()),
            crc::crc32c(&msg[..n - 4]),
            "{c:?}"
        );
        if c.contains(&"--csi") {
            assert_eq!(msg[1] & 0x01, 0x01, "CSI bit: {c:?}");
        }
        decodes_clean(l[0], "nvme_mi");
    }
    // Admin Identify is 72 bytes: at the baseline unit it takes two
    // packets, and --decode adds the whole-message decode with its MIC.
    let out = ok(&["craft", "--decode", "nvme-mi", "admin-identify"]);
    assert_eq!(hex_lines(&out).len(), 2);
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("# message (72 bytes): NVMe-MI Admin Identify req")
            && last.ends_with("mic ok"),
        "{out}"
    );
    // Without IC: type 0x04, no MIC.
    let p = craft1(&["nvme-mi", "--no-ic", "subsystem-health-status-poll"]);
    assert_eq!(
        p,
        format!(
            "{} 04 08 00 00 01 00 00 00 00 00 00 00 00 00 00 00",
            hdr(true)
        )
    );
}

#[test]
fn cxl_exact_bytes() {
    // Get Timestamp request, tag 0: the cxl::builder doc example
    // (reference §2): type 8, category 0, tag, rsvd, opcode 0300h LE,
    // length 0, return code 0, vendor status 0.
    let p = craft1(&["cxl", "get-timestamp"]);
    assert_eq!(
        p,
        format!("{} 08 00 00 00 00 03 00 00 00 00 00 00 00", hdr(true))
    );
    assert!(decodes_clean(&p, "cxl").contains("CXL GetTimestamp req"));

    // Identify tunnelled to port 3, by hand from the CXL reference §5.1
    // (CXL r3.1 §7.6.7.3.1): outer 5300h request on MCTP type 7 with a
    // 16-byte payload = port 3, target type 0, command size 12, then the
    // inner Identify CCI message (its own category and tag).
    let p = craft1(&["cxl", "--tunnel", "3", "identify", "--cxl-tag", "5"]);
    assert_eq!(
        p,
        format!(
            "{} 07 00 05 00 00 53 10 00 00 00 00 00 00 03 00 0c 00 00 05 00 01 00 00 00 00 00 00 00 00",
            hdr(true)
        )
    );
    let s = decodes_clean(&p, "cxl");
    assert!(
        s.contains("TunnelManagementCommand req tag=5 / port/LD 3 >> Identify req tag=5"),
        "{s}"
    );

    // FM-API command sets go as type 7; --fm-api forces it for others.
    assert!(craft1(&["cxl", "get-ld-info"]).contains(" c8 07 00 00 00 00 54 "));
    assert!(craft1(&["cxl", "identify-switch-device"]).contains(" c8 07 00 00 00 00 51 "));
    assert_eq!(
        craft1(&[
            "cxl",
            "--opcode",
            "0xc001",
            "--fm-api",
            "--cxl-tag",
            "2",
            "01 02"
        ]),
        format!("{} 07 00 02 00 01 c0 02 00 00 00 00 00 00 01 02", hdr(true))
    );
    // Generic response: category 1, TO clear, payload length 8.
    let p = craft1(&[
        "cxl",
        "--opcode",
        "0x0300",
        "--response",
        "00 e4 0b 54 02 00 00 00",
    ]);
    assert_eq!(
        p,
        format!(
            "{} 08 01 00 00 00 03 08 00 00 00 00 00 00 00 e4 0b 54 02 00 00 00",
            hdr(false)
        )
    );
    decodes_clean(&p, "cxl");
    // Get Physical Port State: count then port IDs.
    let p = craft1(&["cxl", "get-physical-port-state", "--ports", "0,1,2"]);
    assert!(
        p.ends_with("07 00 00 00 01 51 04 00 00 00 00 00 00 03 00 01 02"),
        "{p}"
    );
    for c in [
        "identify",
        "get-health-info",
        "get-supported-logs",
        "get-ld-info",
    ] {
        decodes_clean(&craft1(&["cxl", c]), "cxl");
    }
}

#[test]
fn vdm_exact_bytes() {
    // PCI: type 0x7E, vendor ID big-endian (DSP0236 §13.1), payload.
    let p = craft1(&["vdm", "--pci", "0x8086", "01 02 03"]);
    assert_eq!(p, format!("{} 7e 80 86 01 02 03", hdr(true)));
    decodes_clean(&p, "vdm");
    // IANA: type 0x7F, 32-bit enterprise number big-endian (§13.2).
    let p = craft1(&["vdm", "--iana", "343", "aa bb"]);
    assert_eq!(p, format!("{} 7f 00 00 01 57 aa bb", hdr(true)));
    decodes_clean(&p, "vdm");
    // Cerberus Get Digest slot 0: the vdm::builder doc example.
    let p = craft1(&["vdm", "cerberus", "--command", "get-digest", "00 00"]);
    assert_eq!(p, format!("{} 7e 14 14 00 81 00 00", hdr(true)));
    assert!(decodes_clean(&p, "vdm").contains("Cerberus Get Digest"));
    // Header helpers: Rq (bit 7) and Crypt (bit 5); --response clears TO.
    let p = craft1(&[
        "vdm",
        "--response",
        "cerberus",
        "--command",
        "0x01",
        "--device-specific",
        "--crypt",
    ]);
    assert_eq!(p, format!("{} 7e 14 14 a0 01", hdr(false)));
}

#[test]
fn spdm_certificate_fragmented_at_64() {
    // CERTIFICATE response with a 200-byte portion: 1 + 4 + 4 + 200 = 209
    // bytes, so 64 + 64 + 64 + 17 at the baseline unit.
    let portion: Vec<String> = (0..200).map(|i| format!("{:02x}", i as u8)).collect();
    let portion = portion.join(" ");
    let out = ok(&[
        "craft",
        "--src",
        "8",
        "--dst",
        "9",
        "--tag",
        "5",
        "--mtu",
        "64",
        "--decode",
        "spdm",
        "certificate",
        "--slot",
        "1",
        "--remainder",
        "0x100",
        &portion,
    ]);
    let lines = hex_lines(&out);
    assert_eq!(lines.len(), 4, "{out}");
    let mut msg = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let b = bytes(l);
        let (som, eom) = (i == 0, i == 3);
        // Response: TO clear, tag 5, sequence i.
        let flags = (u8::from(som) << 7) | (u8::from(eom) << 6) | ((i as u8) << 4) | 5;
        assert_eq!(&b[..4], &[0x01, 0x09, 0x08, flags], "packet {i}");
        assert_eq!(b.len() - 4, if eom { 17 } else { 64 }, "packet {i}");
        msg.extend_from_slice(&b[4..]);
    }
    // DSP0274 Table 30: version, code 0x02, Param1 slot, Param2 0,
    // PortionLength, RemainderLength, portion.
    let mut want = vec![0x05, 0x12, 0x02, 0x01, 0x00, 200, 0x00, 0x00, 0x01];
    want.extend((0..200).map(|i| i as u8));
    assert_eq!(msg, want);
    // Every frame decodes; the last line is the whole message's decode.
    let last = out.lines().last().unwrap();
    assert_eq!(
        last,
        "# message (209 bytes): SPDM CERTIFICATE rsp v1.2 slot=1 portion=200 remainder=256"
    );
    for l in &lines {
        let d = ok(&["decode", l]);
        assert!(!d.contains("!!"), "{d}");
    }
}

#[test]
fn cxl_fragmented_over_smbus() {
    // A vendor opcode via the generic form with a 100-byte payload (113-byte
    // message) over SMBus at --mtu 64: two frames, each with a good PEC.
    let payload = vec!["ab"; 100].join(" ");
    let out = ok(&[
        "craft",
        "--binding",
        "smbus",
        "--mtu",
        "64",
        "--decode",
        "cxl",
        "--opcode",
        "0xc000",
        &payload,
    ]);
    assert_eq!(hex_lines(&out).len(), 2, "{out}");
    let notes: Vec<&str> = out.lines().filter(|l| l.starts_with('#')).collect();
    assert!(
        notes[0].contains("PEC ok") && notes[1].contains("PEC ok"),
        "{out}"
    );
    assert!(
        notes[2].starts_with("# message (113 bytes): CXL VendorC000h req"),
        "{out}"
    );
}

#[test]
fn family_argument_errors() {
    assert!(fails(&["craft", "pldm"]).contains("give a command"));
    assert!(
        fails(&["craft", "pldm", "--type", "2", "--command", "1", "get-tid"]).contains("generic")
    );
    assert!(fails(&["craft", "spdm"]).contains("--code"));
    assert!(fails(&["craft", "spdm", "get-measurements", "--nonce", "0011"]).contains("32 bytes"));
    assert!(fails(&[
        "craft",
        "nvme-mi",
        "--csi",
        "2",
        "subsystem-health-status-poll"
    ])
    .contains("0x1"));
    assert!(
        fails(&["craft", "nvme-mi", "admin-get-log-page", "--bytes", "6"])
            .contains("multiple of 4")
    );
    assert!(fails(&["craft", "cxl"]).contains("--opcode"));
    assert!(fails(&[
        "craft",
        "cxl",
        "--tunnel",
        "1",
        "--opcode",
        "1",
        "--response"
    ])
    .contains("requests only"));
    assert!(fails(&["craft", "vdm"]).contains("--pci"));
    assert!(fails(&["craft", "vdm", "--pci", "1", "--iana", "2"]).contains("cannot be used with"));
}
