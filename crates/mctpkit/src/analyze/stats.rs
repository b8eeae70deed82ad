//! Capture statistics: counts per EID pair, per message type and per
//! family command (MCTP control, PLDM type/command, SPDM request code,
//! NVMe-MI opcode, CXL opcode), findings by kind, unanswered requests,
//! error completions and retries, and request→response latency percentiles.
//!
//! [`Stats`] is fed the same events a sink receives (usually after a
//! filter), so it can describe a whole capture or a filtered view.
//!
//! Latencies: counts, minimum and maximum are always exact. Percentiles
//! are taken by the nearest-rank method (the p-th percentile of n samples
//! is the ⌈p·n/100⌉-th smallest): exactly, on the stored samples, while a
//! row has at most [`EXACT_SAMPLES`]; beyond that the samples move into a
//! fixed-precision histogram (`hdrhistogram`, 3 significant digits, so a
//! percentile is within 0.1 % of the true one, clamped to the exact
//! minimum and maximum), so memory stays bounded however long the capture.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hdrhistogram::Histogram;

use mctpkit_wire::mctp::MessageType;

use super::{CommandKey, Finding, FindingKind, MessageEvent, Micros};
use crate::render::json_str;

/// Samples a latency row keeps exactly before it moves to a histogram.
pub const EXACT_SAMPLES: usize = 4096;

/// Latency samples in nanoseconds: exact while few, then a histogram.
#[derive(Debug, Clone, Default)]
pub struct Latencies {
    count: u64,
    min: u64,
    max: u64,
    samples: Vec<u64>,
    sorted: bool,
    hist: Option<Box<Histogram<u64>>>,
}

impl PartialEq for Latencies {
    fn eq(&self, o: &Self) -> bool {
        (self.count, self.min, self.max, &self.samples) == (o.count, o.min, o.max, &o.samples)
            && self.hist.as_deref() == o.hist.as_deref()
    }
}

impl Eq for Latencies {}

/// Record `v`, growing the histogram's range when needed (auto-resize).
fn record(h: &mut Histogram<u64>, v: u64) {
    if h.record(v).is_err() {
        h.saturating_record(v);
    }
}

/// Percentiles of a set of latencies, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatencySummary {
    pub count: usize,
    pub min: u64,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub max: u64,
}

impl Latencies {
    /// Add a sample.
    pub fn push(&mut self, ns: u64) {
        if self.count == 0 {
            (self.min, self.max) = (ns, ns);
        } else {
            self.min = self.min.min(ns);
            self.max = self.max.max(ns);
        }
        self.count += 1;
        if let Some(h) = &mut self.hist {
            record(h, ns);
            return;
        }
        self.samples.push(ns);
        self.sorted = false;
        if self.samples.len() > EXACT_SAMPLES {
            // 3 significant digits from 1 ns, resizing as larger values come.
            if let Ok(mut h) = Histogram::new(3) {
                for &v in &self.samples {
                    record(&mut h, v);
                }
                self.samples = Vec::new();
                self.hist = Some(Box::new(h));
            }
        }
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        usize::try_from(self.count).unwrap_or(usize::MAX)
    }

    /// `true` without samples.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// `true` once the samples are kept in a histogram (percentiles are
    /// then quantised to 3 significant digits).
    pub fn is_histogram(&self) -> bool {
        self.hist.is_some()
    }

    fn sort(&mut self) {
        if !self.sorted {
            self.samples.sort_unstable();
            self.sorted = true;
        }
    }

    /// The nearest-rank `p`-th percentile (0 < p ≤ 100); `None` without samples.
    pub fn percentile(&mut self, p: f64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        if let Some(h) = &self.hist {
            let v = h.value_at_quantile(p / 100.0);
            return Some(v.clamp(self.min, self.max));
        }
        self.sort();
        let n = self.samples.len();
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        self.samples.get(rank.clamp(1, n) - 1).copied()
    }

    /// Count, min, p50, p90, p99 and max; `None` without samples.
    pub fn summary(&mut self) -> Option<LatencySummary> {
        Some(LatencySummary {
            p50: self.percentile(50.0)?,
            p90: self.percentile(90.0)?,
            p99: self.percentile(99.0)?,
            count: self.len(),
            min: self.min,
            max: self.max,
        })
    }
}

/// Traffic between one source and one destination EID.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairStats {
    pub messages: u64,
    pub packets: u64,
    pub bytes: u64,
}

/// Traffic of one message type (or one control command).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeStats {
    pub messages: u64,
    /// Messages with TO=1.
    pub requests: u64,
    /// Messages with TO=0.
    pub responses: u64,
    pub bytes: u64,
    /// Requests that got no response (tag expired or capture ended).
    pub unanswered: u64,
    /// Responses reporting an error ([`FindingKind::ErrorCompletion`]).
    pub errors: u64,
    /// Requests sent again before their response ([`FindingKind::Retry`]).
    pub retries: u64,
    /// Latencies of the (final) responses matched to a request.
    pub latency: Latencies,
}

impl TypeStats {
    fn add(&mut self, m: &MessageEvent<'_>) {
        self.messages += 1;
        if m.envelope.to {
            self.requests += 1;
        } else {
            self.responses += 1;
        }
        self.bytes += m.envelope.len as u64;
        if let Some(ns) = m.request.filter(|r| !r.interim).and_then(|r| r.latency_ns) {
            self.latency.push(ns);
        }
    }

    fn finding(&mut self, f: &Finding) {
        match f.kind {
            FindingKind::NoResponse => self.unanswered += 1,
            FindingKind::ErrorCompletion => self.errors += 1,
            FindingKind::Retry => self.retries += 1,
            _ => {}
        }
    }
}

/// Statistics over the messages and findings it is fed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub messages: u64,
    pub packets: u64,
    /// Keyed by (source, destination).
    pub pairs: BTreeMap<(u8, u8), PairStats>,
    /// Keyed by message type (7 bits); `None` for empty messages.
    pub types: BTreeMap<Option<u8>, TypeStats>,
    /// Messages by family command (a response under its request's command).
    pub commands: BTreeMap<CommandKey, TypeStats>,
    pub findings: BTreeMap<FindingKind, u64>,
}

fn type_name(t: Option<u8>) -> String {
    match t {
        None => "(empty)".to_string(),
        Some(v) => MessageType::from_value(v).to_string(),
    }
}

fn command_name(c: &CommandKey) -> String {
    c.to_string()
}

/// The JSON layer key of a family (`control`, `pldm`, `spdm`, `nvme_mi`, `cxl`, ...).
fn family_key(t: u8) -> &'static str {
    match MessageType::from_value(t) {
        MessageType::Control => "control",
        MessageType::Pldm => "pldm",
        MessageType::NcSi => "ncsi",
        MessageType::Ethernet => "ethernet",
        MessageType::NvmeMi => "nvme_mi",
        MessageType::Spdm => "spdm",
        MessageType::SecuredMessage => "secured",
        MessageType::CxlFmApi | MessageType::CxlCci => "cxl",
        MessageType::VendorPci | MessageType::VendorIana => "vdm",
        _ => "message",
    }
}

impl Stats {
    /// Empty statistics.
    pub fn new() -> Self {
        Stats::default()
    }

    /// Count a completed message.
    pub fn message(&mut self, m: &MessageEvent<'_>) {
        let e = &m.envelope;
        self.messages += 1;
        self.packets += u64::from(e.packets);
        let p = self.pairs.entry((e.src, e.dst)).or_default();
        p.messages += 1;
        p.packets += u64::from(e.packets);
        p.bytes += e.len as u64;
        self.types
            .entry(e.msg_type().map(|t| t.value()))
            .or_default()
            .add(m);
        if let Some(c) = m.command_key {
            self.commands.entry(c).or_default().add(m);
        }
    }

    /// Count a finding.
    pub fn finding(&mut self, f: &Finding) {
        *self.findings.entry(f.kind).or_default() += 1;
        if matches!(
            f.kind,
            FindingKind::NoResponse | FindingKind::ErrorCompletion | FindingKind::Retry
        ) {
            if let Some(t) = f.msg_type {
                self.types.entry(Some(t.value())).or_default().finding(f);
            }
            if let Some(c) = f.command {
                self.commands.entry(c).or_default().finding(f);
            }
        }
    }

    /// Append a plain-text report.
    pub fn write_text(&mut self, out: &mut String) {
        // One name column wide enough for the longest name in any table.
        let w = self
            .types
            .keys()
            .map(|t| type_name(*t).len())
            .chain(self.commands.keys().map(|c| command_name(c).len()))
            .chain(self.findings.keys().map(|k| k.name().len()))
            .max()
            .unwrap_or(0)
            .max(28);
        let _ = writeln!(
            out,
            "== statistics: {} messages in {} packets",
            self.messages, self.packets
        );
        out.push_str("-- by EID pair (src -> dst)\n");
        for ((s, d), p) in &self.pairs {
            let _ = writeln!(
                out,
                "  {:<w$} {:>10} msgs {:>10} pkts {:>12} B",
                format!("{s:02X} -> {d:02X}"),
                p.messages,
                p.packets,
                p.bytes
            );
        }
        out.push_str("-- by message type\n");
        for (t, s) in &self.types {
            let _ = writeln!(
                out,
                "  {:<w$} {:>10} msgs {:>10} req {:>10} rsp {:>12} B {:>6} unanswered {:>6} errors {:>6} retries",
                type_name(*t),
                s.messages,
                s.requests,
                s.responses,
                s.bytes,
                s.unanswered,
                s.errors,
                s.retries
            );
        }
        if !self.commands.is_empty() {
            out.push_str("-- by command\n");
            for (c, s) in &self.commands {
                let _ = writeln!(
                    out,
                    "  {:<w$} {:>10} msgs {:>10} req {:>10} rsp {:>6} unanswered {:>6} errors {:>6} retries",
                    command_name(c),
                    s.messages,
                    s.requests,
                    s.responses,
                    s.unanswered,
                    s.errors,
                    s.retries
                );
            }
        }
        out.push_str("-- findings\n");
        if self.findings.is_empty() {
            out.push_str("  none\n");
        }
        for (k, n) in &self.findings {
            let _ = writeln!(out, "  {:<w$} {n:>10}", k.name());
        }
        let rows: Vec<(String, &mut Latencies)> = self
            .types
            .iter_mut()
            .map(|(t, s)| (type_name(*t), &mut s.latency))
            .chain(
                self.commands
                    .iter_mut()
                    .map(|(c, s)| (command_name(c), &mut s.latency)),
            )
            .filter(|(_, l)| !l.is_empty())
            .collect();
        out.push_str("-- request -> response latency\n");
        if rows.is_empty() {
            out.push_str("  no matched responses with timestamps\n");
            return;
        }
        let _ = writeln!(
            out,
            "  {:<w$} {:>8} {:>12} {:>12} {:>12} {:>12}",
            "", "count", "p50", "p90", "p99", "max"
        );
        for (name, l) in rows {
            if let Some(s) = l.summary() {
                let _ = writeln!(
                    out,
                    "  {:<w$} {:>8} {:>12} {:>12} {:>12} {:>12}",
                    name,
                    s.count,
                    Micros(s.p50).to_string(),
                    Micros(s.p90).to_string(),
                    Micros(s.p99).to_string(),
                    Micros(s.max).to_string()
                );
            }
        }
    }

    /// Append the report as one JSON object `{"stats":{...}}` (no newline).
    /// Latencies are in microseconds.
    pub fn write_json(&mut self, out: &mut String) {
        fn lat(out: &mut String, l: &mut Latencies) {
            match l.summary() {
                None => out.push_str("null"),
                Some(s) => {
                    let _ = write!(
                        out,
                        "{{\"count\":{},\"min_us\":{},\"p50_us\":{},\"p90_us\":{},\"p99_us\":{},\"max_us\":{}}}",
                        s.count,
                        s.min as f64 / 1000.0,
                        s.p50 as f64 / 1000.0,
                        s.p90 as f64 / 1000.0,
                        s.p99 as f64 / 1000.0,
                        s.max as f64 / 1000.0
                    );
                }
            }
        }
        let _ = write!(
            out,
            "{{\"stats\":{{\"messages\":{},\"packets\":{},\"pairs\":[",
            self.messages, self.packets
        );
        for (i, ((s, d), p)) in self.pairs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                "{{\"src\":{s},\"dst\":{d},\"messages\":{},\"packets\":{},\"bytes\":{}}}",
                p.messages, p.packets, p.bytes
            );
        }
        out.push_str("],\"types\":[");
        for (i, (t, s)) in self.types.iter_mut().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"msg_type\":");
            match t {
                Some(v) => {
                    let _ = write!(out, "{v}");
                }
                None => out.push_str("null"),
            }
            out.push_str(",\"name\":");
            json_str(out, &type_name(*t));
            let _ = write!(
                out,
                ",\"messages\":{},\"requests\":{},\"responses\":{},\"bytes\":{},\"unanswered\":{},\"errors\":{},\"retries\":{},\"latency\":",
                s.messages, s.requests, s.responses, s.bytes, s.unanswered, s.errors, s.retries
            );
            lat(out, &mut s.latency);
            out.push('}');
        }
        out.push_str("],\"commands\":[");
        for (i, (c, s)) in self.commands.iter_mut().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{{\"msg_type\":{},\"family\":", c.msg_type);
            json_str(out, family_key(c.msg_type));
            let _ = write!(
                out,
                ",\"code\":{},\"command\":{},\"command_name\":",
                c.code,
                c.number()
            );
            match c.command_name() {
                Some(n) => json_str(out, n),
                None => out.push_str("null"),
            }
            out.push_str(",\"name\":");
            json_str(out, &command_name(c));
            let _ = write!(
                out,
                ",\"messages\":{},\"requests\":{},\"responses\":{},\"unanswered\":{},\"errors\":{},\"retries\":{},\"latency\":",
                s.messages, s.requests, s.responses, s.unanswered, s.errors, s.retries
            );
            lat(out, &mut s.latency);
            out.push('}');
        }
        out.push_str("],\"findings\":{");
        for (i, (k, n)) in self.findings.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_str(out, k.name());
            let _ = write!(out, ":{n}");
        }
        out.push_str("}}}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_nearest_rank() {
        let mut l = Latencies::default();
        assert_eq!(l.summary(), None);
        // 1..=100 µs, pushed in reverse order.
        for i in (1..=100u64).rev() {
            l.push(i * 1000);
        }
        let s = l.summary().unwrap();
        assert_eq!(
            s,
            LatencySummary {
                count: 100,
                min: 1000,
                p50: 50_000,
                p90: 90_000,
                p99: 99_000,
                max: 100_000
            }
        );
        assert_eq!(l.percentile(100.0), Some(100_000));
        assert_eq!(l.percentile(0.1), Some(1000));
    }

    #[test]
    fn percentiles_small_sets() {
        let mut l = Latencies::default();
        l.push(7);
        let s = l.summary().unwrap();
        assert_eq!((s.p50, s.p90, s.p99, s.max), (7, 7, 7, 7));
        // 10 samples: p50 = 5th, p90 = 9th, p99 = 10th.
        let mut l = Latencies::default();
        for v in [10, 3, 8, 1, 9, 2, 7, 4, 6, 5] {
            l.push(v);
        }
        let s = l.summary().unwrap();
        assert_eq!((s.min, s.p50, s.p90, s.p99, s.max), (1, 5, 9, 10, 10));
        // adding a sample re-sorts
        l.push(0);
        assert_eq!(l.summary().unwrap().min, 0);
    }

    #[test]
    fn many_samples_go_to_a_bounded_histogram() {
        let mut l = Latencies::default();
        // 1..=1,000,000 µs in a scrambled order.
        let n = 1_000_000u64;
        for i in 0..n {
            l.push((i * 7_919 % n + 1) * 1000);
        }
        assert!(l.is_histogram());
        let s = l.summary().unwrap();
        assert_eq!(s.count, 1_000_000);
        assert_eq!((s.min, s.max), (1000, 1_000_000_000));
        for (got, want) in [
            (s.p50, 500_000_000u64),
            (s.p90, 900_000_000),
            (s.p99, 990_000_000),
        ] {
            let err = got.abs_diff(want) as f64 / want as f64;
            assert!(err < 0.001, "{got} vs {want}");
        }
        // Bounded: the histogram of 3 significant digits up to 1 s.
        let h = l.hist.as_ref().unwrap();
        assert!(h.distinct_values() < 64 * 1024);
    }
}
