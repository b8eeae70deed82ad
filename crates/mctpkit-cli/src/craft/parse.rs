//! Value parsers for `mctpkit craft` options: numbers in decimal or `0x`
//! hex, names for enumerated fields (always also accepting the number),
//! UUIDs, versions, PCI IDs and `key=value,...` list entries.

use mctpkit::wire::binding::pcie_vdm::Bdf;
use mctpkit::wire::control::VersionEntry;

/// An unsigned number, decimal or `0x`-prefixed hex, at most `max`.
pub fn number(s: &str, max: u64) -> Result<u64, String> {
    let t = s.trim();
    let v = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16),
        None => t.parse::<u64>(),
    }
    .map_err(|_| format!("{s:?} is not a number (decimal or 0x-prefixed hex)"))?;
    if v > max {
        return Err(format!("{s:?} is larger than the field allows ({max:#x})"));
    }
    Ok(v)
}

pub fn u8_(s: &str) -> Result<u8, String> {
    number(s, 0xFF).map(|v| v as u8)
}

pub fn u16_(s: &str) -> Result<u16, String> {
    number(s, 0xFFFF).map(|v| v as u16)
}

pub fn u32_(s: &str) -> Result<u32, String> {
    number(s, 0xFFFF_FFFF).map(|v| v as u32)
}

/// Message tag, 0..=7.
pub fn tag(s: &str) -> Result<u8, String> {
    number(s, 7).map(|v| v as u8)
}

/// Packet sequence number, 0..=3.
pub fn seq(s: &str) -> Result<u8, String> {
    number(s, 3).map(|v| v as u8)
}

/// Control instance ID, 0..=31.
pub fn instance_id(s: &str) -> Result<u8, String> {
    number(s, 31).map(|v| v as u8)
}

/// A 7-bit bus address.
pub fn addr7(s: &str) -> Result<u8, String> {
    number(s, 0x7F)
        .map(|v| v as u8)
        .map_err(|e| format!("{e}; a 7-bit address is 0..=0x7f"))
}

/// Payload bytes per packet, at least 1.
pub fn mtu(s: &str) -> Result<usize, String> {
    let v = number(s, 65536)? as usize;
    if v == 0 {
        return Err("the transmission unit must be at least 1 byte".into());
    }
    Ok(v)
}

/// A name from `names` (case-insensitive, `_` = `-`) or a number.
pub fn named(s: &str, names: &[(&str, u8)]) -> Result<u8, String> {
    let norm = s.trim().to_ascii_lowercase().replace('_', "-");
    if let Some((_, v)) = names.iter().find(|(n, _)| *n == norm) {
        return Ok(*v);
    }
    u8_(s).map_err(|_| {
        let list: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
        format!("{s:?}: expected one of {} or a number", list.join(", "))
    })
}

/// A PCI ID: `bus:device.function` (hex, as lspci prints it) or a 16-bit number.
pub fn bdf(s: &str) -> Result<Bdf, String> {
    if let Some((bus, rest)) = s.split_once(':') {
        let (dev, func) = rest
            .split_once('.')
            .ok_or_else(|| format!("{s:?}: expected bus:device.function, e.g. 03:00.0"))?;
        let hex = |x: &str, max: u8| -> Result<u8, String> {
            u8::from_str_radix(x, 16)
                .ok()
                .filter(|v| *v <= max)
                .ok_or_else(|| format!("{s:?}: {x:?} is not a hex number up to {max:#x}"))
        };
        return Ok(Bdf::new(hex(bus, 0xFF)?, hex(dev, 0x1F)?, hex(func, 7)?));
    }
    u16_(s).map(Bdf)
}

/// Hex bytes (lenient: spaces, `0x`, colons).
pub fn hex_bytes(s: &str) -> Result<Vec<u8>, String> {
    mctpkit::hex::parse_hex(s).map_err(|e| e.to_string())
}

/// A UUID: `8-4-4-4-12` text or 32 hex digits, bytes in the order written
/// (DSP0236 sends the UUID as the 16 bytes of its text form, in order).
pub fn uuid(s: &str) -> Result<[u8; 16], String> {
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    let b = hex_bytes(&digits)?;
    b.try_into()
        .map_err(|_| format!("{s:?}: a UUID is 16 bytes (32 hex digits)"))
}

/// A version as `major.minor[.update][alpha]`, e.g. `1.3.1`, `1.2`, `1.2a`
/// (no update = 0xFF in the entry, as DSP0236 §12.6 encodes "no update").
pub fn version(s: &str) -> Result<VersionEntry, String> {
    let t = s.trim();
    let (nums, alpha) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_lowercase() => (&t[..i], c as u8),
        _ => (t, 0),
    };
    let parts: Vec<&str> = nums.split('.').collect();
    let n = |x: &str| -> Result<u8, String> {
        x.parse::<u8>()
            .ok()
            .filter(|v| *v < 100)
            .ok_or_else(|| format!("{s:?}: version numbers are 0..=99"))
    };
    match parts.as_slice() {
        [ma, mi] => Ok(VersionEntry::new(n(ma)?, n(mi)?, None, alpha)),
        [ma, mi, up] => Ok(VersionEntry::new(n(ma)?, n(mi)?, Some(n(up)?), alpha)),
        _ => Err(format!(
            "{s:?}: expected major.minor or major.minor.update (e.g. 1.3.1)"
        )),
    }
}

/// A `key=value,key=value` list entry; a bare `key` stands for `key=true`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValues(pub Vec<(String, String)>);

impl KeyValues {
    pub fn parse(s: &str) -> Result<KeyValues, String> {
        let mut out = Vec::new();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (k, v) = item.split_once('=').unwrap_or((item, "true"));
            out.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
        if out.is_empty() {
            return Err("empty entry: give key=value pairs separated by commas".into());
        }
        Ok(KeyValues(out))
    }

    /// Check every key is in `allowed`.
    pub fn only(&self, allowed: &[&str]) -> Result<(), String> {
        for (k, _) in &self.0 {
            if !allowed.contains(&k.as_str()) {
                return Err(format!(
                    "unknown key {k:?} in entry; keys: {}",
                    allowed.join(", ")
                ));
            }
        }
        Ok(())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Value of `key` parsed by `f`, or `default` when absent.
    pub fn value<T>(
        &self,
        key: &str,
        default: Option<T>,
        f: impl Fn(&str) -> Result<T, String>,
    ) -> Result<T, String> {
        match (self.get(key), default) {
            (Some(v), _) => f(v).map_err(|e| format!("{key}: {e}")),
            (None, Some(d)) => Ok(d),
            (None, None) => Err(format!("entry needs {key}=...")),
        }
    }
}

/// A boolean written as true/false/yes/no/1/0.
pub fn boolean(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" => Ok(true),
        "false" | "no" | "0" | "off" => Ok(false),
        _ => Err(format!("{s:?}: expected true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(u8_("0x1d"), Ok(0x1D));
        assert_eq!(u8_("29"), Ok(29));
        assert!(u8_("256").is_err());
        assert!(u8_("zz").is_err());
        assert!(tag("8").is_err());
        assert!(seq("4").is_err());
        assert!(addr7("0x80").is_err());
        assert!(mtu("0").is_err());
    }

    #[test]
    fn names() {
        let t = [("set", 0), ("force", 1)];
        assert_eq!(named("FORCE", &t), Ok(1));
        assert_eq!(named("2", &t), Ok(2));
        assert!(named("bogus", &t).unwrap_err().contains("set, force"));
    }

    #[test]
    fn ids_and_versions() {
        assert_eq!(bdf("03:00.1"), Ok(Bdf::new(3, 0, 1)));
        assert_eq!(bdf("0x0301"), Ok(Bdf(0x0301)));
        assert!(bdf("03:20.0").is_err());
        assert_eq!(version("1.3.1").unwrap().to_bytes(), [0xF1, 0xF3, 0xF1, 0]);
        assert_eq!(version("1.2").unwrap().to_bytes(), [0xF1, 0xF2, 0xFF, 0]);
        assert_eq!(version("1.2a").unwrap().alpha, b'a');
        assert!(version("1").is_err());
        let u = uuid("12345678-9abc-def0-1122-334455667788").unwrap();
        assert_eq!(u[0], 0x12);
        assert_eq!(u[15], 0x88);
        assert!(uuid("1234").is_err());
    }

    #[test]
    fn key_values() {
        let kv = KeyValues::parse("eid=0x1d, static ,addr=64").unwrap();
        assert_eq!(kv.get("static"), Some("true"));
        assert_eq!(kv.value("eid", None, u8_), Ok(0x1D));
        assert_eq!(kv.value("port", Some(0), u8_), Ok(0));
        assert!(kv.value("size", None, u8_).is_err());
        assert!(kv.only(&["eid"]).is_err());
    }
}
