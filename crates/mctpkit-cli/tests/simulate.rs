//! `mctpkit simulate` end to end: the sample topology comes up (every
//! endpoint assigned and reachable, bridged ones included), runs under
//! loss, is deterministic, and its `--pcap` reads back through
//! `mctpkit analyze` line for line.

use std::path::PathBuf;
use std::process::{Command, Output};

fn mctpkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mctpkit"))
        .args(args)
        .output()
        .expect("run mctpkit")
}

fn sample() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/topology.toml")
        .to_string_lossy()
        .into_owned()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mctpkit-simulate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn run_ok(args: &[&str]) -> String {
    let o = mctpkit(args);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        o.status.success(),
        "mctpkit {args:?} failed ({:?}): {}\n{out}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// The summary lines between `-- endpoints` and the next `--` header.
fn section<'a>(out: &'a str, header: &str) -> Vec<&'a str> {
    out.lines()
        .skip_while(|l| !l.starts_with(header))
        .skip(1)
        .take_while(|l| !l.starts_with("--"))
        .collect()
}

/// EID of a named node in the endpoints section.
fn eid(out: &str, name: &str) -> u8 {
    let line = section(out, "-- endpoints")
        .into_iter()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("{name} not listed:\n{out}"));
    let mut w = line.split_whitespace().skip_while(|w| *w != "EID");
    w.next();
    w.next()
        .and_then(|e| e.parse().ok())
        .unwrap_or_else(|| panic!("{name} has no EID: {line}"))
}

#[test]
fn sample_topology_comes_up_and_exchanges_under_loss() {
    let file = sample();
    let out = run_ok(&["simulate", &file]);
    assert!(
        out.contains("-- result: every endpoint assigned and reachable"),
        "{out}"
    );
    // The bus owner keeps EID 8; the bridge gets the first dynamic EID and
    // a pool of 8; the endpoints behind it get EIDs from that pool, the
    // others from the bus owner's range outside it.
    assert_eq!(eid(&out, "bmc"), 8);
    let bridge = eid(&out, "bridge");
    assert_eq!(bridge, 9);
    let pool = (bridge + 1)..=(bridge + 8);
    assert!(
        out.contains(&format!("pool {}..={}", bridge + 1, bridge + 8)),
        "{out}"
    );
    for n in ["gpu", "fpga"] {
        assert!(pool.contains(&eid(&out, n)), "{n} from the bridge's pool");
    }
    for n in ["nic", "psu"] {
        let e = eid(&out, n);
        assert!(!pool.contains(&e) && e != 8 && e != bridge);
    }
    // Routes: the bus owner reaches the pool through the bridge.
    let routes = section(&out, "-- routes learned by bmc");
    assert!(
        routes.iter().any(
            |l| l.contains(&format!("EID {}..={}", bridge + 1, bridge + 8))
                && l.contains("(bridge) bridge pool")
        ),
        "{routes:?}"
    );
    // Every endpoint answered every request.
    let msgs = section(&out, "-- messages from bmc");
    assert_eq!(msgs.len(), 5, "{msgs:?}");
    for l in &msgs {
        assert!(l.ends_with(" 0 unanswered"), "{l}");
    }
    // Loss happened and was survived; the PEC caught bit flips.
    let links = section(&out, "-- links");
    let lost: u64 = links
        .iter()
        .filter_map(|l| l.split(": ").nth(1))
        .filter_map(|l| l.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    assert!(lost > 0, "{links:?}");
    // The listing shows PLDM GetTID answered by an endpoint behind the bridge.
    let gpu = eid(&out, "gpu");
    assert!(
        out.lines()
            .any(|l| l.contains(&format!("MCTP 08<-{gpu:02X}"))
                && l.contains("PLDM GetTID rsp")
                && l.contains("(reply to #")),
        "{out}"
    );
    // Forwarded packets are captured once, at their first hop.
    assert!(!out.contains("(0 forwarded copies"), "{out}");
    // Deterministic.
    assert_eq!(run_ok(&["simulate", &file]), out);
}

#[test]
fn heavier_loss_and_more_rounds() {
    // The sample's topology with more loss and three rounds of messages, as
    // a separate file; several seeds.
    let text = std::fs::read_to_string(sample())
        .unwrap()
        .replace("rounds = 1", "rounds = 3")
        .replace("loss = 0.02", "loss = 0.05")
        .replace("loss = 0.03", "loss = 0.05")
        .replace("bit_flip = 0.01", "bit_flip = 0.03");
    let path = tmp("lossy.toml");
    std::fs::write(&path, text).unwrap();
    let p = path.to_string_lossy().into_owned();
    let mut retried = false;
    for seed in ["1", "2", "3", "4"] {
        let out = run_ok(&["simulate", "--quiet", "--seed", seed, &p]);
        assert!(
            out.starts_with("-- endpoints"),
            "quiet prints only the summary"
        );
        assert!(
            out.contains("every endpoint assigned and reachable"),
            "{out}"
        );
        let total = section(&out, "-- messages from bmc")
            .into_iter()
            .find(|l| l.trim_start().starts_with("total"))
            .unwrap()
            .to_string();
        // 3 rounds × (4 Get Message Type Support + 3 PLDM + 1 vendor).
        assert!(total.contains("24 requests"), "{total}");
        retried |= !total.contains(" 0 retries");
        // Every flipped bit is caught by a PEC (counted as a stack drop).
        let flipped: u64 = section(&out, "-- links")
            .iter()
            .filter_map(|l| {
                l.split(", ")
                    .nth(2)?
                    .split_whitespace()
                    .next()?
                    .parse::<u64>()
                    .ok()
            })
            .sum();
        if flipped > 0 {
            assert!(out.contains("bad_integrity"), "{out}");
        }
    }
    assert!(retried, "some request needed a retry");
}

#[test]
fn pcap_reads_back_with_the_analyser() {
    let pcap = tmp("sim.pcap");
    let pcap_s = pcap.to_string_lossy().into_owned();
    let out = run_ok(&["simulate", "--pcap", &pcap_s, &sample()]);
    let listing: Vec<&str> = out.lines().take_while(|l| !l.is_empty()).collect();
    assert!(listing.len() > 20, "{out}");
    let analyzed = run_ok(&["analyze", &pcap_s]);
    let analyzed: Vec<&str> = analyzed.lines().collect();
    assert_eq!(analyzed, listing, "analyze FILE shows what simulate showed");
    let captured: usize = out
        .lines()
        .find_map(|l| l.strip_prefix("-- capture: "))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap();
    let stats = run_ok(&["analyze", "--stats-only", &pcap_s]);
    assert!(
        stats.contains(&format!("-- capture: {captured} packets")),
        "{stats}"
    );
}

#[test]
fn bad_topologies_are_reported() {
    let cases = [
        ("[bus_owner]\nname='a'\nbus='x'\neid=8\neid_pool=[9,20]\n", "no bus named"),
        (
            "[[bus]]\nname='x'\nbinding='pcie'\n[bus_owner]\nname='a'\nbus='x'\naddress=1\neid=8\neid_pool=[9,20]\n",
            "not simulated",
        ),
        (
            "[[bus]]\nname='x'\nbinding='smbus'\nloss=2.0\n[bus_owner]\nname='a'\nbus='x'\naddress=1\neid=8\neid_pool=[9,20]\n",
            "not a probability",
        ),
        (
            "[[bus]]\nname='x'\nbinding='smbus'\n[bus_owner]\nname='a'\nbus='x'\neid=8\neid_pool=[9,20]\n",
            "needs an address",
        ),
        (
            "[[bus]]\nname='x'\nbinding='smbus'\n[bus_owner]\nname='a'\nbus='x'\naddress=1\neid=8\neid_pool=[9,20]\n[[endpoint]]\nname='e'\nbus='x'\naddress=1\n",
            "two devices",
        ),
        ("bogus = 1\n", "unknown field"),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let path = tmp(&format!("bad{i}.toml"));
        std::fs::write(&path, text).unwrap();
        let o = mctpkit(&["simulate", &path.to_string_lossy()]);
        assert_eq!(o.status.code(), Some(2), "case {i}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(want), "case {i}: {err}");
    }
}

#[test]
fn unreachable_device_fails_with_status_1() {
    // An endpoint behind a bridge whose downstream link loses everything.
    let text = "
[[bus]]
name = 'up'
binding = 'smbus'
[[bus]]
name = 'down'
binding = 'serial'
loss = 1.0
[bus_owner]
name = 'bo'
bus = 'up'
address = 0x10
eid = 8
eid_pool = [9, 30]
[[bridge]]
name = 'br'
bus = 'up'
address = 0x20
pool_size = 4
downstream = [{ bus = 'down' }]
[[endpoint]]
name = 'far'
bus = 'down'
message_types = ['pldm']
";
    let path = tmp("dead.toml");
    std::fs::write(&path, text).unwrap();
    let o = mctpkit(&["simulate", "--quiet", &path.to_string_lossy()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("far        endpoint   NO EID"), "{out}");
    assert!(out.contains("-- result: INCOMPLETE"), "{out}");
}
