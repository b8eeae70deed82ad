//! Lenient hex input: `01 0b`, `0x01 0x0b`, `01:0b`, `010b`, mixed; `#`
//! starts a comment that runs to the end of the line.

/// Why a hex string could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexError {
    /// Character (not byte) offset of the problem in the input text.
    pub position: usize,
    /// What was wrong.
    pub reason: &'static str,
}

impl std::fmt::Display for HexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "hex input at character {}: {}",
            self.position, self.reason
        )
    }
}

impl std::error::Error for HexError {}

/// Parse hex bytes separated by spaces, commas, colons or dashes, each token
/// optionally prefixed by `0x`. A token of several bytes (`010b0a`) is split
/// into pairs; a single-digit token (`0x5`) is one byte. `#` starts a
/// comment up to the end of the line (`01 0b  # Get EID`). A line that
/// starts with a tcpdump `-x` offset (`0x0010:`) has that offset skipped,
/// so a pasted dump line gives its data bytes, not the offset as two more.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() || matches!(c, b',' | b':' | b'-' | b';') {
            i += 1;
            continue;
        }
        if c == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        let mut j = i;
        if c == b'0' && matches!(bytes.get(i + 1), Some(b'x' | b'X')) {
            j += 2;
        }
        let digits_start = j;
        while j < bytes.len() && bytes[j].is_ascii_hexdigit() {
            j += 1;
        }
        let line_start = bytes[..start]
            .iter()
            .rev()
            .take_while(|&&b| b != b'\n')
            .all(|b| b.is_ascii_whitespace());
        if line_start
            && digits_start == start + 2
            && (4..=8).contains(&(j - digits_start))
            && bytes.get(j) == Some(&b':')
        {
            i = j + 1;
            continue;
        }
        if j < bytes.len()
            && !(bytes[j].is_ascii_whitespace()
                || matches!(bytes[j], b',' | b':' | b'-' | b';' | b'#'))
        {
            return Err(HexError {
                position: text[..j].chars().count(),
                reason: "not a hex digit",
            });
        }
        let digits = &text[digits_start..j];
        if digits.is_empty() {
            return Err(HexError {
                position: text[..start].chars().count(),
                reason: "0x without digits",
            });
        }
        if digits.len() <= 2 {
            out.push(u8::from_str_radix(digits, 16).unwrap_or(0));
        } else if digits.len() % 2 == 0 {
            for k in (0..digits.len()).step_by(2) {
                out.push(u8::from_str_radix(&digits[k..k + 2], 16).unwrap_or(0));
            }
        } else {
            return Err(HexError {
                position: text[..start].chars().count(),
                reason: "odd number of hex digits in a multi-byte token",
            });
        }
        i = j;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse_hex("01 0b 0A").unwrap(), [1, 0x0b, 0x0a]);
        assert_eq!(parse_hex("0x01 0x0b").unwrap(), [1, 0x0b]);
        assert_eq!(parse_hex("01:0b:0a").unwrap(), [1, 0x0b, 0x0a]);
        assert_eq!(parse_hex("010b0a").unwrap(), [1, 0x0b, 0x0a]);
        assert_eq!(parse_hex("0x5,0x10").unwrap(), [5, 0x10]);
        assert_eq!(parse_hex("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn tcpdump_offsets_are_skipped() {
        assert_eq!(
            parse_hex("\t0x0000:  010b 0ac5 0000").unwrap(),
            [1, 0x0b, 0x0a, 0xc5, 0, 0]
        );
        assert_eq!(
            parse_hex("0x0000:  010b\n\t0x0010:  0ac5").unwrap(),
            [1, 0x0b, 0x0a, 0xc5]
        );
        // Not at a line start, or a 2-digit byte: data.
        assert_eq!(parse_hex("01 0x0010: 02").unwrap(), [1, 0, 0x10, 2]);
        assert_eq!(parse_hex("0x01:0x0b").unwrap(), [1, 0x0b]);
    }

    #[test]
    fn error_position_counts_characters() {
        // An en dash pasted from a document: 3 bytes, 1 character.
        let e = parse_hex("01 \u{2013} 0g").unwrap_err();
        assert_eq!(e.position, 3);
        // The 'g' after a comment holding an 'é' (2 bytes): character 5, byte 6.
        assert_eq!(parse_hex("# é\n0g").unwrap_err().position, 5);
    }

    #[test]
    fn comments() {
        assert_eq!(parse_hex("01 0b # Get EID").unwrap(), [1, 0x0b]);
        assert_eq!(parse_hex("01 0b# no space").unwrap(), [1, 0x0b]);
        assert_eq!(parse_hex("# only a comment").unwrap(), Vec::<u8>::new());
        assert_eq!(parse_hex("01 # one\n0b # two").unwrap(), [1, 0x0b]);
    }

    #[test]
    fn errors() {
        assert!(parse_hex("0g").is_err());
        assert!(parse_hex("0x").is_err());
        assert!(parse_hex("123").is_err());
    }
}
