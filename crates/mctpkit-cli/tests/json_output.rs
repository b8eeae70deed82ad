//! Every JSON line `mctpkit` prints for the samples, the test captures,
//! the shared captures, the SPDM fixtures, the cross-check corpus and the
//! no-panic seeds parses with a parser that rejects a repeated key
//! (`strict_json`), so no field can shadow another, and validates against
//! the published schema `docs/mctpkit.schema.json` (issue 12).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[path = "../../mctpkit/tests/common/seeds.rs"]
mod seeds;
#[path = "../../mctpkit/tests/common/strict_json.rs"]
mod strict_json;

/// The workspace root (two levels above this crate).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One JSON line and where it came from.
struct Line {
    source: String,
    text: String,
}

fn run(args: &[&str], stdin: Option<&str>) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mctpkit"));
    cmd.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run mctpkit");
    if let Some(input) = stdin {
        let mut w = child.stdin.take().unwrap();
        // The child may stop reading on an error; its status says so below.
        let _ = w.write_all(input.as_bytes());
    }
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "mctpkit {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

fn collect(out: &mut Vec<Line>, source: String, stdout: &str) {
    let before = out.len();
    out.extend(stdout.lines().map(|l| Line {
        source: source.clone(),
        text: l.to_owned(),
    }));
    assert!(out.len() > before, "{source}: no output");
}

/// Capture files: the samples, the capture readers' fixtures and, when
/// the shared folder is beside the checkout (it is in CI), its captures.
fn captures() -> Vec<(PathBuf, Vec<&'static str>)> {
    let r = root();
    let mut v: Vec<(PathBuf, Vec<&'static str>)> = Vec::new();
    let mut dir = |d: PathBuf, extra: Vec<&'static str>| {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("pcap" | "pcapng" | "txt")
                )
            })
            .collect();
        files.sort();
        for f in files {
            v.push((f, extra.clone()));
        }
    };
    dir(r.join("samples"), vec!["--date", "2026-05-01"]);
    dir(r.join("crates/mctpkit/tests/data/capture"), vec![]);
    let shared = r.join("../shared/captures");
    if shared.is_dir() {
        dir(shared, vec![]);
    } else {
        eprintln!("note: {} not found, skipped", shared.display());
    }
    v
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Packets to `decode`, by binding: the no-panic seeds, the cross-check
/// corpus, each SPDM fixture message behind an MCTP header, and the
/// messages issue 12 names.
fn packets() -> BTreeMap<&'static str, Vec<(String, String)>> {
    let mut by: BTreeMap<&'static str, Vec<(String, String)>> = BTreeMap::new();
    for (i, (b, bytes)) in seeds::seeds().into_iter().enumerate() {
        by.entry(b.cli_name())
            .or_default()
            .push((format!("seed {i}"), hex(&bytes)));
    }
    let corpus = std::fs::read_to_string(root().join("tests/crosscheck/corpus.txt")).unwrap();
    for (n, l) in corpus.lines().enumerate() {
        let l = l.split('#').next().unwrap_or("").trim();
        let Some((b, h)) = l.split_once(char::is_whitespace) else {
            continue;
        };
        let b = match b {
            "none" => "none",
            "smbus" => "smbus",
            "serial" => "serial",
            "i3c" => "i3c",
            "pcie" | "pcie-vdm" => "pcie-vdm",
            "usb" => "usb",
            other => panic!("corpus line {}: binding {other}", n + 1),
        };
        by.entry(b)
            .or_default()
            .push((format!("corpus.txt:{}", n + 1), h.trim().to_owned()));
    }
    let spdm = root().join("crates/mctpkit-wire/tests/data/spdm");
    for f in [
        "handshake_1_2.hex",
        "spdm-wid_example.hex",
        "spdm-wid_error_example.hex",
    ] {
        let text = std::fs::read_to_string(spdm.join(f)).unwrap();
        for (n, l) in text.lines().enumerate() {
            let l = l.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            by.entry("none")
                .or_default()
                .push((format!("{f}:{}", n + 1), format!("010b0ac8{l}")));
        }
    }
    for (what, h) in [
        // PLDM GetPLDMCommands request for type 2, version 1.2.0 (DSP0240 §8.3):
        // the body's PLDMType next to the header's.
        ("GetPLDMCommands", "01 0b 0a c8 01 80 00 05 02 f1 f2 f0 00"),
        // CXL Background Operation Status response (CXL 3.1 §8.2.9.1.2):
        // the body's opcode and return code next to the CCI header's.
        (
            "Background Operation Status",
            "01 0a 0b c0 08 01 05 00 02 00 08 00 00 00 00 00 00 41 00 00 44 03 00 00 00",
        ),
        // A type mctpkit does not decode (PCIe-MI, 0x09): the undecoded layer.
        ("PCIe-MI", "01 0a 0b c0 09 01 05 00 02"),
    ] {
        by.entry("none")
            .or_default()
            .push((what.to_owned(), h.to_owned()));
    }
    // A PCIe VDM TLP (DSP0238) carrying a Set Endpoint ID response: no
    // seed or corpus line uses that binding.
    let packet = [
        0x01, 0x0A, 0x43, 0xD0, 0x00, 0x1A, 0x01, 0x00, 0x00, 0x43, 0x00,
    ];
    let mut tlp = [0u8; 64];
    let n = mctpkit::wire::binding::pcie_vdm::Repr::default()
        .emit_frame(&packet, &mut tlp)
        .unwrap();
    by.entry("pcie-vdm")
        .or_default()
        .push(("PCIe VDM Set Endpoint ID".to_owned(), hex(&tlp[..n])));
    by
}

/// Every JSON line of every run, with its source.
fn all_lines() -> Vec<Line> {
    let mut out = Vec::new();
    for (file, extra) in captures() {
        let f = file.to_str().unwrap();
        for mode in [
            &["--json"][..],
            &["--json", "--packets"],
            &["--json", "--stats"],
        ] {
            let mut args = vec!["analyze", "--no-progress"];
            args.extend_from_slice(mode);
            args.extend_from_slice(&extra);
            args.push(f);
            collect(&mut out, format!("{args:?}"), &run(&args, None));
        }
    }
    for (binding, list) in packets() {
        let input: String = list.iter().map(|(_, h)| format!("{h}\n")).collect();
        let stdout = run(&["decode", "--json", "-b", binding, "-"], Some(&input));
        let lines: Vec<&str> = stdout.lines().collect();
        // USB transfers may print several lines; otherwise one per packet.
        if binding != "usb" {
            assert_eq!(lines.len(), list.len(), "decode -b {binding}");
        }
        for (i, l) in lines.iter().enumerate() {
            let source = list.get(i).map_or_else(
                || format!("decode -b {binding}"),
                |(s, h)| format!("{s}: {h}"),
            );
            out.push(Line {
                source,
                text: (*l).to_owned(),
            });
        }
    }
    out
}

/// Fail listing the first failures, if any.
fn none_failed(bad: &[String], total: usize) {
    assert!(
        bad.is_empty(),
        "{} of {total} lines fail:\n{}",
        bad.len(),
        bad[..bad.len().min(12)].join("\n")
    );
}

#[test]
fn no_json_line_repeats_a_key() {
    let lines = all_lines();
    assert!(lines.len() > 500, "only {} lines", lines.len());
    let bad: Vec<String> = lines
        .iter()
        .filter_map(|l| {
            strict_json::parse(&l.text)
                .err()
                .map(|e| format!("{}: {e}\n  {}", l.source, l.text))
        })
        .collect();
    none_failed(&bad, lines.len());
}

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/mctpkit.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

#[test]
fn every_json_line_validates_against_the_schema() {
    let v = schema();
    let lines = all_lines();
    let mut kinds = BTreeMap::new();
    let mut bad = Vec::new();
    for l in &lines {
        let value: serde_json::Value = serde_json::from_str(&l.text).unwrap();
        let kind = ["stats", "finding", "len"]
            .into_iter()
            .find(|k| value.get(*k).is_some())
            .unwrap_or("message");
        *kinds.entry(kind).or_insert(0) += 1;
        if let Err(e) = v.validate(&value) {
            bad.push(format!(
                "{}: {e} at {}\n  {}",
                l.source,
                e.instance_path(),
                l.text
            ));
        }
    }
    none_failed(&bad, lines.len());
    // Every kind of line was checked: packets, messages, findings, stats;
    // and every layer the schema names appeared in some line.
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    for layer in [
        "smbus",
        "serial",
        "i3c",
        "pcie_vdm",
        "usb",
        "ipmi",
        "mctp",
        "control",
        "pldm",
        "spdm",
        "secured",
        "nvme_mi",
        "cxl",
        "vdm",
        "ncsi",
        "ethernet",
        "undecoded",
    ] {
        let key = format!("\"{layer}\":{{");
        assert!(
            lines.iter().any(|l| l.text.contains(&key)),
            "no line has a {layer} layer"
        );
    }
}

/// The schema is strict enough to fail: real lines with one thing wrong.
#[test]
fn the_schema_rejects_what_it_does_not_describe() {
    let v = schema();
    let line = run(&["decode", "--json", "01 00 0a cf 00 91 01 00 1d"], None);
    let good: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert!(v.is_valid(&good), "{good}");
    let broken = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut x = good.clone();
        f(&mut x);
        x
    };
    for (what, bad) in [
        (
            "another schema version",
            broken(&|x| x["schema"] = 2.into()),
        ),
        (
            "an unknown top-level key",
            broken(&|x| x["extra"] = 1.into()),
        ),
        (
            "no problems",
            broken(&|x| drop(x.as_object_mut().unwrap().remove("problems"))),
        ),
        (
            "a body that is not an object",
            broken(&|x| x["control"]["body"] = "1d".into()),
        ),
        (
            "a name that is a number",
            broken(&|x| x["control"]["command_name"] = 1.into()),
        ),
        (
            "no MCTP tag",
            broken(&|x| drop(x["mctp"].as_object_mut().unwrap().remove("tag"))),
        ),
        ("a 3-bit tag of 8", broken(&|x| x["mctp"]["tag"] = 8.into())),
        (
            "an error without its offset",
            broken(&|x| x["control"]["error"] = "truncated".into()),
        ),
    ] {
        assert!(!v.is_valid(&bad), "{what} passed: {bad}");
    }
}

/// docs/json-schema.md shows real output: each `$ mctpkit decode --json`
/// example is what the command prints, and every example line validates.
#[test]
fn the_schema_page_shows_real_output() {
    let v = schema();
    let page = std::fs::read_to_string(root().join("docs/json-schema.md")).unwrap();
    let lines: Vec<&str> = page.lines().collect();
    let mut decodes = 0;
    let mut examples = 0;
    for (i, l) in lines.iter().enumerate() {
        if let Some(args) = l.strip_prefix("$ mctpkit decode --json ") {
            let out = run(&["decode", "--json", args], None);
            assert_eq!(out.trim(), lines[i + 1], "docs/json-schema.md:{}", i + 2);
            decodes += 1;
        }
        if l.starts_with("{\"schema\":") {
            let value = strict_json::parse_or_panic(l, "docs/json-schema.md");
            assert!(v.is_valid(&value), "docs/json-schema.md:{}: {l}", i + 1);
            examples += 1;
        }
    }
    assert!(
        decodes >= 3 && examples >= 8,
        "{decodes} decodes, {examples} examples"
    );
}

/// Numbers are JSON numbers and byte strings plain hex: no value anywhere
/// is a `0x..` string or spaced hex (`"aa bb"`), the forms the text output
/// uses. (A PLDM firmware descriptor's ID was `"0x8086"` before issue 12.)
#[test]
fn numbers_are_numbers_and_bytes_plain_hex() {
    fn walk(key: &str, v: &serde_json::Value, bad: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => m.iter().for_each(|(k, x)| walk(k, x, bad)),
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(key, x, bad)),
            serde_json::Value::String(s) => {
                // Texts: names, messages, summaries and errors say `0x..` in prose.
                let prose = key.ends_with("_name")
                    || matches!(key, "message" | "summary" | "error" | "command")
                    || key == "problems";
                let hex_number = s.len() > 2
                    && s.starts_with("0x")
                    && s[2..].bytes().all(|b| b.is_ascii_hexdigit());
                let spaced = s.len() >= 5
                    && s.split(' ').count() > 1
                    && s.split(' ')
                        .all(|w| w.len() == 2 && w.bytes().all(|b| b.is_ascii_hexdigit()));
                if !prose && (hex_number || spaced) {
                    bad.push(format!("{key}={s}"));
                }
            }
            _ => {}
        }
    }
    let lines = all_lines();
    let mut bad = Vec::new();
    for l in &lines {
        let mut found = Vec::new();
        walk("", &serde_json::from_str(&l.text).unwrap(), &mut found);
        bad.extend(found.into_iter().map(|f| format!("{}: {f}", l.source)));
    }
    none_failed(&bad, lines.len());
}
