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
}

impl Visitor for TreeWriter<'_> {
    fn field(&mut self, f: &Field<'_>) {
        let indent = 4 + 2 * self.depth;
        let start = self.out.len();
        let _ = write!(self.out, "{:indent$}{}: {}", "", f.name, f.value);
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
        match group {
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
        self.depth = self.depth.saturating_sub(1);
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

/// Writes fields as JSON object members.
pub struct JsonWriter<'o> {
    out: &'o mut String,
    /// Whether the next member needs a leading comma, per nesting level.
    need_comma: Vec<bool>,
    /// Whether each nesting level is an array.
    in_list: Vec<bool>,
}

impl<'o> JsonWriter<'o> {
    /// A writer appending members to `out` (the caller writes the braces).
    pub fn new(out: &'o mut String) -> Self {
        JsonWriter {
            out,
            need_comma: vec![false],
            in_list: vec![false],
        }
    }

    fn comma(&mut self) {
        if let Some(c) = self.need_comma.last_mut() {
            if *c {
                self.out.push(',');
            }
            *c = true;
        }
    }

    fn key(&mut self, k: &str) {
        self.comma();
        json_str(self.out, k);
        self.out.push(':');
    }
}

/// Append `s` as a JSON string literal.
pub fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
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
        Value::Display(d) => json_str(out, &d.to_string()),
        Value::Null => out.push_str("null"),
    }
}

impl Visitor for JsonWriter<'_> {
    fn field(&mut self, f: &Field<'_>) {
        self.key(f.name);
        json_value(self.out, &f.value);
        // Named codes also get `<name>_name` (e.g. completion_code_name).
        if let (Value::Hex { .. }, Some(m)) = (f.value, f.meaning) {
            self.comma();
            self.out.push('"');
            self.out.push_str(f.name);
            self.out.push_str("_name\":");
            json_str(self.out, m);
        }
    }
    fn begin(&mut self, name: &'static str, group: Group, _offset: usize, _len: usize) {
        if *self.in_list.last().unwrap_or(&false) {
            self.comma();
        } else {
            self.key(name);
        }
        self.out.push(if group == Group::List { '[' } else { '{' });
        self.need_comma.push(false);
        self.in_list.push(group == Group::List);
    }
    fn end(&mut self) {
        self.need_comma.pop();
        let list = self.in_list.pop().unwrap_or(false);
        self.out.push(if list { ']' } else { '}' });
    }
}

/// Append `"key":{fields}` for one layer.
pub fn layer_json(layer: &dyn Describe, w: &mut JsonWriter<'_>) {
    w.begin(layer.layer().key(), Group::Object, 0, 0);
    layer.describe(w);
    w.end();
}

/// Append the JSON object of a packet: one member per layer, plus `len`,
/// `summary` and `problems`.
pub fn json(d: &Dissection<'_>, out: &mut String) {
    out.push('{');
    {
        let mut w = JsonWriter::new(out);
        w.key("len");
        let _ = write!(w.out, "{}", d.data.len());
        for (_, layer) in d.layers() {
            layer_json(layer, &mut w);
        }
        let problems: Vec<String> = d.problems().map(|p| p.to_string()).collect();
        w.key("problems");
        w.out.push('[');
        for (i, p) in problems.iter().enumerate() {
            if i > 0 {
                w.out.push(',');
            }
            json_str(w.out, p);
        }
        w.out.push(']');
    }
    out.push('}');
}
