//! A JSON parser that rejects an object repeating a key.
//!
//! `serde_json::Value` keeps the last of two equal keys and says nothing, so
//! a test that parses output with it cannot see a duplicate. This one drives
//! serde_json's tokenizer with a visitor of its own that errors on the second
//! occurrence, naming the key. Shared by the tests of `mctpkit` and the CLI
//! (included with `#[path]`).

#![allow(dead_code)]

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A `serde_json::Value` whose objects were checked for repeated keys.
pub struct Strict(pub Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(n.into())
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(n.into())
    }
    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut v = Vec::new();
        while let Some(Strict(x)) = seq.next_element()? {
            v.push(x);
        }
        Ok(Value::Array(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut m = Map::new();
        while let Some(k) = map.next_key::<String>()? {
            if m.contains_key(&k) {
                return Err(de::Error::custom(format_args!("duplicate key `{k}`")));
            }
            let Strict(v) = map.next_value()?;
            m.insert(k, v);
        }
        Ok(Value::Object(m))
    }
}

/// Parse one JSON text, failing on a repeated key in any object.
pub fn parse(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str::<Strict>(text).map(|s| s.0)
}

/// Parse one JSON text or panic with the text and the reason.
pub fn parse_or_panic(text: &str, what: &str) -> Value {
    parse(text).unwrap_or_else(|e| panic!("{what}: {e}\n{text}"))
}

#[test]
fn strict_parser_rejects_a_repeated_key() {
    assert!(parse(r#"{"a":1,"b":{"a":2}}"#).is_ok());
    let e = parse(r#"{"a":1,"b":{"c":2,"c":3}}"#).unwrap_err();
    assert!(e.to_string().contains("duplicate key `c`"), "{e}");
    assert!(parse(r#"[{"x":1},{"x":1}]"#).is_ok());
    // serde_json::Value alone would have taken this silently.
    assert!(serde_json::from_str::<Value>(r#"{"k":0,"k":2}"#).is_ok());
    assert!(parse(r#"{"k":0,"k":2}"#).is_err());
}
