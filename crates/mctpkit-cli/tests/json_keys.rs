//! `mctpkit decode --json`: the keys the issue promises, per layer, with
//! values checked against hand-decoded frames (bindings.md §2.2, §3).

use std::process::Command;

use serde_json::Value;

#[path = "../../mctpkit/tests/common/strict_json.rs"]
mod strict_json;

fn decode_json(args: &[&str]) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_mctpkit"))
        .arg("decode")
        .arg("--json")
        .args(args)
        .output()
        .expect("run mctpkit");
    assert!(
        o.status.success(),
        "decode {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8(o.stdout).unwrap();
    strict_json::parse_or_panic(text.trim(), &format!("decode {args:?}"))
}

fn has_keys(v: &Value, layer: &str, keys: &[&str]) {
    let obj = v[layer]
        .as_object()
        .unwrap_or_else(|| panic!("no {layer} object in {v}"));
    for k in keys {
        assert!(obj.contains_key(*k), "{layer}.{k} missing in {v}");
    }
}

const MCTP_KEYS: [&str; 8] = ["version", "dst", "src", "som", "eom", "seq", "to", "tag"];
const CONTROL_KEYS: [&str; 6] = [
    "rq",
    "d",
    "instance_id",
    "command",
    "command_name",
    "completion_code",
];

/// CRC-16/MCRF4XX written out here (poly 0x8408 reflected, init 0xFFFF, no
/// final XOR) so the expected FCS does not come from the code under test.
fn mcrf4xx(data: &[u8]) -> u16 {
    let mut c = 0xFFFFu16;
    for &b in data {
        c ^= u16::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0x8408
            } else {
                c >> 1
            };
        }
    }
    c
}

#[test]
fn smbus_set_endpoint_id_response() {
    // bindings.md §2.2: 20 0F 0C 65 | 01 0A 43 D0 | 00 1A 01 00 | 00 43 00 | F4
    let v = decode_json(&[
        "-b",
        "smbus",
        "20 0F 0C 65 01 0A 43 D0 00 1A 01 00 00 43 00 F4",
    ]);
    has_keys(
        &v,
        "smbus",
        &["dst_addr", "src_addr", "byte_count", "pec", "pec_ok"],
    );
    let s = &v["smbus"];
    assert_eq!(s["dst_addr"], 0x20);
    assert_eq!(s["src_addr"], 0x65);
    assert_eq!(s["byte_count"], 12);
    assert_eq!(s["pec"], 0xF4);
    assert_eq!(s["pec_ok"], true);

    has_keys(&v, "mctp", &MCTP_KEYS);
    has_keys(&v, "mctp", &["ic", "msg_type"]);
    let m = &v["mctp"];
    assert_eq!(m["version"], 1);
    assert_eq!(m["dst"], 0x0A);
    assert_eq!(m["src"], 0x43);
    assert_eq!(
        (m["som"].clone(), m["eom"].clone()),
        (true.into(), true.into())
    );
    assert_eq!(m["seq"], 1);
    assert_eq!(m["to"], false);
    assert_eq!(m["tag"], 0);
    assert_eq!(m["ic"], false);
    assert_eq!(m["msg_type"], 0);

    has_keys(&v, "control", &CONTROL_KEYS);
    let c = &v["control"];
    assert_eq!(c["rq"], false);
    assert_eq!(c["d"], false);
    assert_eq!(c["instance_id"], 0x1A);
    assert_eq!(c["command"], 0x01);
    assert_eq!(c["command_name"], "Set Endpoint ID");
    assert_eq!(c["completion_code"], 0);
    // body fields, in the body's own object
    assert_eq!(c["body"]["eid_setting"], 0x43);
    assert_eq!(c["body"]["eid_pool_size"], 0);
    assert!(c.get("eid_setting").is_none(), "{v}");
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
}

#[test]
fn smbus_bad_pec_is_reported() {
    let v = decode_json(&[
        "-b",
        "smbus",
        "20 0F 0C 65 01 0A 43 D0 00 1A 01 00 00 43 00 F5",
    ]);
    assert_eq!(v["smbus"]["pec"], 0xF5);
    assert_eq!(v["smbus"]["pec_ok"], false);
    assert!(!v["problems"].as_array().unwrap().is_empty());
}

#[test]
fn request_has_null_completion_code() {
    // bindings.md §2.2 request: Set Endpoint ID, op Set, EID 0x1D; TO=1 tag 7.
    let v = decode_json(&["-b", "smbus", "64 0F 0A 21 01 00 0A CF 00 91 01 00 1D FC"]);
    assert_eq!(v["smbus"]["pec_ok"], true);
    let m = &v["mctp"];
    assert_eq!(
        (m["dst"].clone(), m["src"].clone()),
        (0.into(), 0x0A.into())
    );
    assert_eq!((m["to"].clone(), m["tag"].clone()), (true.into(), 7.into()));
    has_keys(&v, "control", &CONTROL_KEYS);
    let c = &v["control"];
    assert_eq!(c["rq"], true);
    assert_eq!(c["instance_id"], 0x11);
    assert_eq!(c["command_name"], "Set Endpoint ID");
    assert!(c["completion_code"].is_null(), "{v}");
}

#[test]
fn serial_frame_keys() {
    let packet = [
        0x01, 0x0A, 0x43, 0xD0, 0x00, 0x1A, 0x01, 0x00, 0x00, 0x43, 0x00,
    ];
    let mut covered = vec![0x01, packet.len() as u8];
    covered.extend_from_slice(&packet);
    let fcs = mcrf4xx(&covered);
    let mut frame = vec![0x7E];
    frame.extend_from_slice(&covered);
    frame.extend_from_slice(&fcs.to_be_bytes());
    frame.push(0x7E);
    let hex: Vec<String> = frame.iter().map(|b| format!("{b:02x}")).collect();
    let v = decode_json(&["-b", "serial", &hex.join(" ")]);
    has_keys(&v, "serial", &["revision", "byte_count", "fcs", "fcs_ok"]);
    let s = &v["serial"];
    assert_eq!(s["revision"], 1);
    assert_eq!(s["byte_count"], 11);
    assert_eq!(s["fcs"], u64::from(fcs));
    assert_eq!(s["fcs_ok"], true);
    has_keys(&v, "mctp", &MCTP_KEYS);
    has_keys(&v, "control", &CONTROL_KEYS);
}

#[test]
fn only_the_first_packet_has_ic_and_msg_type() {
    // Middle packet of a multi-packet message: no type byte.
    let v = decode_json(&["01 0a 0b 18 01 02 03"]);
    has_keys(&v, "mctp", &MCTP_KEYS);
    let m = v["mctp"].as_object().unwrap();
    assert!(!m.contains_key("ic") && !m.contains_key("msg_type"), "{v}");
    assert!(v.get("control").is_none());
    // First packet (SOM, not EOM): the type byte is there.
    let v = decode_json(&["01 0a 0b 88 00 80 02"]);
    has_keys(&v, "mctp", &["ic", "msg_type"]);
}

/// A truncated body in every family: the layer's `error` (JSON and the
/// `-v` tree) and the packet's problem name the same absolute offset,
/// needed and available (issue 12: one base for all three numbers).
#[test]
fn body_errors_are_absolute_like_problems() {
    for (layer, hex, want) in [
        // Set Endpoint ID response with SUCCESS but no data (DSP0236 §12.3).
        (
            "control",
            "01 0a 0b c5 00 00 01 00",
            "control: at offset 8: truncated: needed 9 bytes, had 8",
        ),
        // GetSensorReading request (DSP0248 §16.2) with 2 of its 3 bytes.
        (
            "pldm",
            "01 0b 0a c8 01 80 02 11 05 00",
            "pldm: at offset 10: truncated: needed 11 bytes, had 10",
        ),
        // NVMe-MI response whose 1-byte body and MIC are short.
        (
            "nvme_mi",
            "01 1d 08 c8 84 88 00 00 00 00 00 00 38",
            "nvme_mi: at offset 9: truncated: needed 12 bytes, had 9",
        ),
    ] {
        let v = decode_json(&[hex]);
        let err = v[layer]["error"].as_str().unwrap_or_else(|| panic!("{v}"));
        assert_eq!(err, want, "{v}");
        assert_eq!(v["problems"][0], want, "{v}");
        let o = Command::new(env!("CARGO_BIN_EXE_mctpkit"))
            .args(["decode", "-v", hex])
            .output()
            .unwrap();
        let tree = String::from_utf8(o.stdout).unwrap();
        assert!(tree.contains(&format!("    error: {want}\n")), "{tree}");
        assert!(tree.contains(&format!("  !! {want}\n")), "{tree}");
    }
}

/// The collisions issue 12 names: header and body each keep their own value
/// under the same name, the body's in the layer's `body` object.
#[test]
fn header_and_body_keep_their_own_values() {
    // PLDM GetPLDMCommands request (DSP0240 §8.3): header type 0, body type 2.
    let v = decode_json(&["01 0b 0a c8 01 80 00 05 02 f1 f2 f0 00"]);
    assert_eq!(v["pldm"]["pldm_type"], 0, "{v}");
    assert_eq!(v["pldm"]["body"]["pldm_type"], 2, "{v}");
    // CXL Background Operation Status response (CXL 3.1 §8.2.9.1.2): the
    // CCI's opcode 0x0002 / Success, the background command 0x4400 / 3.
    let v = decode_json(&[
        "01 0a 0b c0 08 01 05 00 02 00 08 00 00 00 00 00 00 41 00 00 44 03 00 00 00",
    ]);
    let c = &v["cxl"];
    assert_eq!(
        (c["opcode"].clone(), c["return_code"].clone()),
        (2.into(), 0.into())
    );
    assert_eq!(c["body"]["opcode"], 0x4400, "{v}");
    assert_eq!(c["body"]["return_code"], 3, "{v}");
    assert_eq!(c["body"]["opcode_name"], "Sanitize", "{v}");
    // NVMe-MI Admin Identify in command slot 1 with CDW11.CSI 2 (NVMe 2.0
    // Figure 273): the header's CSI bit and the command's CSI byte.
    use mctpkit::wire::nvme_mi::{builder, Cns};
    let msg = builder::admin_identify(0, Cns::IdentifyController)
        .csi(1)
        .admin(|r| r.set_cdw(11, 2 << 24))
        .to_vec();
    let hex: Vec<String> = [0x01, 0x1d, 0x08, 0xc8]
        .iter()
        .chain(&msg)
        .map(|b| format!("{b:02x}"))
        .collect();
    let v = decode_json(&[&hex.join(" ")]);
    assert_eq!(v["nvme_mi"]["csi"], 1, "{v}");
    assert_eq!(v["nvme_mi"]["body"]["csi"], 2, "{v}");
    assert_eq!(v["nvme_mi"]["mic_ok"], true, "{v}");
}
