//! Three renderings of a decoded layer stack: the one-line summary, the
//! field tree (`-v`) and JSON. All three are driven by the same
//! [`Describe`] walk, so they agree field for field.

use std::fmt::Write as _;

use mctpkit_wire::describe::{Field, Group, Value, Visitor};
use mctpkit_wire::Describe;

use crate::dissect::Dissection;

/// Append the `A / B / C` summary of the layers, then any problems.
pub fn summary(d: &Dissection<'_>, out: &mut String) {
    let mut first = true;
    for (_, layer) in d.layers() {
        if !first {
            out.push_str(" / ");
        }
        first = false;
        let _ = layer.summary(out);
    }
    for p in d.problems() {
        if !first {
            out.push_str(" / ");
        }
        first = false;
        let _ = write!(out, "!! {p}");
    }
    if first {
        out.push_str("(empty)");
    }
}

/// A field tree printer: one line per field, indented, with its absolute
/// byte offset, length and bit range.
struct TreeWriter<'o> {
    out: &'o mut String,
    base: usize,
    depth: usize,
    /// Bit 0: the innermost open group is [`Group::Inline`]; bit 1 the one
    /// outside it, and so on.
    inline: u128,
}

impl Visitor for TreeWriter<'_> {
    fn field(&mut self, f: &Field<'_>) {
        let indent = 4 + 2 * self.depth;
        let start = self.out.len();
        let _ = match f.value {
            // Errors count from the layer start, like field offsets.
            Value::Error(e) => write!(self.out, "{:indent$}{}: {}", "", f.name, e.shift(self.base)),
            v => write!(self.out, "{:indent$}{}: {}", "", f.name, v),
        };
        if let Some(m) = f.meaning {
            let _ = write!(self.out, " ({m})");
        }
        let used = self.out.len() - start;
        if f.len > 0 {
            let pad = 56usize.saturating_sub(used).max(1);
            let _ = write!(self.out, "{:pad$}[{}", "", self.base + f.offset);
            if let Some((hi, lo)) = f.bits {
                if hi == lo {
                    let _ = write!(self.out, " bit {hi}");
                } else {
                    let _ = write!(self.out, " bits {hi}:{lo}");
                }
            } else if f.len > 1 {
                let _ = write!(self.out, "..{}", self.base + f.offset + f.len);
            }
            self.out.push(']');
        }
        self.out.push('\n');
    }
    fn begin(&mut self, name: &'static str, group: Group, offset: usize, len: usize) {
        let indent = 4 + 2 * self.depth;
        self.inline = self.inline << 1 | u128::from(group == Group::Inline);
        match group {
            // Shown in place: no heading, no indent.
            Group::Inline => return,
            Group::ListItem => {
                let _ = writeln!(
                    self.out,
                    "{:indent$}- [{}..{}]",
                    "",
                    self.base + offset,
                    self.base + offset + len
                );
            }
            _ => {
                let _ = writeln!(self.out, "{:indent$}{name}:", "");
            }
        }
        self.depth += 1;
    }
    fn end(&mut self) {
        let inline = self.inline & 1 != 0;
        self.inline >>= 1;
        if !inline {
            self.depth = self.depth.saturating_sub(1);
        }
    }
}

/// Append the field tree of one layer that starts at `base`.
pub fn layer_tree(layer: &dyn Describe, base: usize, len: usize, out: &mut String) {
    let l = layer.layer();
    let _ = writeln!(out, "  {} [{}..{}]", l.title(), base, base + len);
    layer.describe(&mut TreeWriter {
        out,
        base,
        depth: 0,
        inline: 0,
    });
}

/// Append the full field tree of a packet.
pub fn tree(d: &Dissection<'_>, out: &mut String) {
    let layers: Vec<(usize, &dyn Describe)> = d.layers().collect();
    for (i, (off, layer)) in layers.iter().enumerate() {
        // A layer spans to the end of the packet bytes it was given; the
        // binding frame spans the whole input.
        let end = if i == 0 && d.frame.is_some() {
            d.data.len()
        } else {
            d.mctp_bytes().map_or(d.data.len(), |m| {
                d.mctp.map_or(d.data.len(), |(o, _)| o + m.len())
            })
        };
        layer_tree(*layer, *off, end.saturating_sub(*off), out);
    }
    for p in d.problems() {
        let _ = writeln!(out, "  !! {p}");
    }
}

/// Deepest nesting [`JsonWriter`] tracks exactly (the describe walks nest a
/// handful of levels; deeper input still yields JSON, see `level`).
const MAX_DEPTH: u32 = 128;

/// Writes fields as JSON object members.
///
/// Allocation-free: the per-level state (a member was written, the level is
/// an array) lives in two bit masks. Debug builds also remember the keys of
/// every open object and panic on a repeated one, naming it: the schema
/// promises that no object repeats a key (`docs/json-schema.md`).
pub struct JsonWriter<'o> {
    out: &'o mut String,
    /// Where the layer being written starts in the packet: errors
    /// ([`Value::Error`]) are shown re-based by it, so they are absolute.
    base: usize,
    /// Nesting depth: 0 is the member list the caller opened.
    depth: u32,
    /// Bit `n`: level `n` already has a member (the next needs a comma).
    need_comma: u128,
    /// Bit `n`: level `n` is an array.
    in_list: u128,
    /// The keys written at each open level (debug builds only).
    #[cfg(debug_assertions)]
    keys: Vec<Vec<String>>,
}

impl<'o> JsonWriter<'o> {
    /// A writer appending members to `out` (the caller writes the braces).
    pub fn new(out: &'o mut String) -> Self {
        JsonWriter {
            out,
            base: 0,
            depth: 0,
            need_comma: 0,
            in_list: 0,
            #[cfg(debug_assertions)]
            keys: vec![Vec::new()],
        }
    }

    /// Set where the next layer starts in the packet (see `base`).
    pub fn set_base(&mut self, base: usize) {
        self.base = base;
    }

    /// The bit of the current level (levels past `MAX_DEPTH` share the last).
    fn level(&self) -> u128 {
        1u128 << self.depth.min(MAX_DEPTH - 1)
    }

    fn comma(&mut self) {
        let bit = self.level();
        if self.need_comma & bit != 0 {
            self.out.push(',');
        }
        self.need_comma |= bit;
    }

    /// Record `key` at the current level; debug builds panic on a repeat.
    #[cfg(debug_assertions)]
    fn note_key(&mut self, key: &str, suffix: &str) {
        if let Some(level) = self.keys.last_mut() {
            let k = [key, suffix].concat();
            assert!(
                !level.contains(&k),
                "JSON object repeats key {k:?} (after {level:?})"
            );
            level.push(k);
        }
    }
    #[cfg(not(debug_assertions))]
    fn note_key(&mut self, _: &str, _: &str) {}

    fn key(&mut self, k: &str) {
        self.note_key(k, "");
        self.comma();
        json_str(self.out, k);
        self.out.push(':');
    }
}

/// Escapes what is written into it as the inside of a JSON string.
struct JsonEscape<'o>(&'o mut String);

impl std::fmt::Write for JsonEscape<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        for c in s.chars() {
            match c {
                '"' => self.0.push_str("\\\""),
                '\\' => self.0.push_str("\\\\"),
                '\n' => self.0.push_str("\\n"),
                '\r' => self.0.push_str("\\r"),
                '\t' => self.0.push_str("\\t"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(self.0, "\\u{:04x}", c as u32);
                }
                c => self.0.push(c),
            }
        }
        Ok(())
    }
}

/// Append `s` as a JSON string literal.
pub fn json_str(out: &mut String, s: &str) {
    out.push('"');
    let _ = JsonEscape(out).write_str(s);
    out.push('"');
}

/// Append a `Display` value as a JSON string, without an intermediate
/// `String` (the JSON writer allocates nothing per packet).
fn json_display(out: &mut String, d: &dyn std::fmt::Display) {
    out.push('"');
    let _ = write!(JsonEscape(out), "{d}");
    out.push('"');
}

fn json_value(out: &mut String, v: &Value<'_>) {
    match *v {
        Value::Uint(x) => {
            let _ = write!(out, "{x}");
        }
        Value::Hex { value, .. } => {
            let _ = write!(out, "{value}");
        }
        Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Value::Bytes(b) => {
            out.push('"');
            for x in b {
                let _ = write!(out, "{x:02x}");
            }
            out.push('"');
        }
        Value::Str(s) => json_str(out, s),
        Value::Display(d) => json_display(out, d),
        Value::Error(e) => json_display(out, e),
        Value::Null => out.push_str("null"),
    }
}

impl Visitor for JsonWriter<'_> {
    fn field(&mut self, f: &Field<'_>) {
        self.key(f.name);
        match f.value {
            Value::Error(e) => json_display(self.out, &e.shift(self.base)),
            v => json_value(self.out, &v),
        }
        // A number with a meaning also gets `<name>_name`: the enum's name
        // for a code (completion_code_name), or what the number counts in
        // (ctemp_name "kelvins"); the -v tree shows the same in parentheses.
        if let (Value::Hex { .. } | Value::Uint(_), Some(m)) = (f.value, f.meaning) {
            self.note_key(f.name, "_name");
            self.comma();
            self.out.push('"');
            self.out.push_str(f.name);
            self.out.push_str("_name\":");
            json_str(self.out, m);
        }
    }
    fn begin(&mut self, name: &'static str, group: Group, _offset: usize, _len: usize) {
        if self.in_list & self.level() != 0 {
            self.comma();
        } else {
            self.key(name);
        }
        let list = group == Group::List;
        self.out.push(if list { '[' } else { '{' });
        self.depth += 1;
        let bit = self.level();
        self.need_comma &= !bit;
        if list {
            self.in_list |= bit;
        } else {
            self.in_list &= !bit;
        }
        #[cfg(debug_assertions)]
        self.keys.push(Vec::new());
    }
    fn end(&mut self) {
        let list = self.in_list & self.level() != 0;
        self.depth = self.depth.saturating_sub(1);
        self.out.push(if list { ']' } else { '}' });
        #[cfg(debug_assertions)]
        self.keys.pop();
    }
}

/// Append `"key":{fields}` for one layer.
pub fn layer_json(layer: &dyn Describe, w: &mut JsonWriter<'_>) {
    w.begin(layer.layer().key(), Group::Object, 0, 0);
    layer.describe(w);
    w.end();
}

/// The version of the JSON output's schema (`docs/json-schema.md`,
/// `docs/mctpkit.schema.json`): every line `decode --json` and
/// `analyze --json` print starts with `"schema":1`. It changes only when a
/// key is removed or renamed or a value changes meaning; new keys and
/// layers are added under the same version.
pub const SCHEMA_VERSION: u32 = 1;

/// The `"schema":N` member that opens every JSON line (no comma).
pub const SCHEMA_MEMBER: &str = "\"schema\":1";

/// Append the JSON object of a packet: the schema version, then
/// [`packet_members`].
pub fn json(d: &Dissection<'_>, out: &mut String) {
    out.push('{');
    out.push_str(SCHEMA_MEMBER);
    out.push(',');
    packet_members(d, &mut JsonWriter::new(out));
    out.push('}');
}

/// Append the members of a packet's JSON object: `len`, one object per
/// layer (keyed by [`Layer::key`](mctpkit_wire::Layer::key)) and `problems`.
pub fn packet_members(d: &Dissection<'_>, w: &mut JsonWriter<'_>) {
    w.key("len");
    let _ = write!(w.out, "{}", d.data.len());
    for (at, layer) in d.layers() {
        w.set_base(at);
        layer_json(layer, w);
    }
    w.set_base(0);
    w.key("problems");
    w.out.push('[');
    for (i, p) in d.problems().enumerate() {
        if i > 0 {
            w.out.push(',');
        }
        json_display(w.out, &p);
    }
    w.out.push(']');
}
