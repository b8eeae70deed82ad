//! Message filters: `KEY=VALUES` terms, ANDed.
//!
//! ```text
//! term    := key ("=" | "!=") value ("," value)*
//! key     := eid | src | dst | tag | type | cmd
//! value   := decimal | 0xHEX | (type, cmd) a name
//! ```
//!
//! * `eid=N` matches when the source **or** the destination is N; `src`,
//!   `dst` and `tag` match that field; `type` matches the message type
//!   (`control`, `pldm`, `nc-si`, `ethernet`, `nvme-mi`, `spdm`, `secured`,
//!   `cxl-fm-api`, `cxl-cci`, `pcie-mi`, `vendor-pci`, `vendor-iana`, or a
//!   number such as `0x7e`; case, `-` and `_` are ignored).
//! * `cmd` matches the family command of a message (a response counts as
//!   its request's command): by name, e.g. `cmd=GetSensorReading`,
//!   `cmd=get_version` (SPDM GET_VERSION), `cmd=health-status-poll`,
//!   `cmd="Get Endpoint ID"` (case, `-`, `_` and spaces ignored), or by
//!   code: the MCTP control command, PLDM command, SPDM request code,
//!   NVMe-MI opcode or CXL opcode (`cmd=0x4200`). A code means different
//!   commands in different families; combine with `type=` to narrow.
//! * Several values in one term are alternatives (`type=pldm,spdm`); `!=`
//!   negates the whole term; several terms must all hold.
//! * For messages and packets a field that is unknown (the type of a stray
//!   middle packet, the command of a PLDM message) fails a `=` term and
//!   passes a `!=` term. Findings are matched leniently: a term on a field
//!   the finding does not know passes.

use std::fmt;

use mctpkit_wire::mctp::MessageType;

use super::{CommandKey, Finding, MessageEvent, PacketEvent};

/// One `cmd=` alternative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CmdValue {
    /// A command code ([`CommandKey::number`]).
    Code(u32),
    /// A normalised command name (lower case, no `-`, `_` or spaces).
    Name(String),
}

/// Which field a term tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Source or destination EID.
    Eid,
    Src,
    Dst,
    Tag,
    /// Message type (7 bits, IC excluded).
    Type,
    /// Family command, by name or code.
    Cmd,
}

/// One `KEY=VALUES` / `KEY!=VALUES` term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub key: Key,
    pub negate: bool,
    /// The values of every key but `cmd`.
    pub values: Vec<u8>,
    /// The values of `cmd`.
    pub commands: Vec<CmdValue>,
}

/// What a filter can test; `None` where the item does not know the field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Subject {
    pub src: Option<u8>,
    pub dst: Option<u8>,
    pub tag: Option<u8>,
    pub msg_type: Option<u8>,
    pub command: Option<CommandKey>,
}

impl Subject {
    /// The fields of a completed message.
    pub fn of_message(m: &MessageEvent<'_>) -> Self {
        Subject {
            src: Some(m.envelope.src),
            dst: Some(m.envelope.dst),
            tag: Some(m.envelope.tag),
            msg_type: m.envelope.msg_type().map(|t| t.value()),
            command: m.command_key,
        }
    }

    /// The fields of a packet (type from its message; `command` is left
    /// `None`, see [`PacketEvent::command_key`]).
    pub fn of_packet(p: &PacketEvent<'_>) -> Self {
        let h = p.dissection.mctp.map(|(_, h)| h.repr);
        Subject {
            src: h.map(|r| r.src),
            dst: h.map(|r| r.dst),
            tag: h.map(|r| r.tag),
            msg_type: p.type_byte.map(|t| t.msg_type.value()),
            command: None,
        }
    }

    /// The fields of a finding.
    pub fn of_finding(f: &Finding) -> Self {
        Subject {
            src: f.addr.map(|a| a.src),
            dst: f.addr.map(|a| a.dst),
            tag: f.addr.map(|a| a.tag),
            msg_type: f.msg_type.map(|t| t.value()),
            command: f.command,
        }
    }
}

/// A filter expression could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// The offending term.
    pub term: String,
    /// Why.
    pub reason: String,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "filter {:?}: {}", self.term, self.reason)
    }
}

impl std::error::Error for FilterError {}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

fn parse_number(s: &str) -> Option<u8> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u8::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

fn parse_type(s: &str) -> Option<u8> {
    MessageType::from_name(s).map(|t| t.value())
}

impl Term {
    /// Parse `KEY=V[,V...]` or `KEY!=V[,V...]`.
    pub fn parse(s: &str) -> Result<Term, FilterError> {
        let err = |reason: &str| FilterError {
            term: s.to_string(),
            reason: reason.to_string(),
        };
        let (k, v, negate) = match s.split_once("!=") {
            Some((k, v)) => (k, v, true),
            None => match s.split_once('=') {
                Some((k, v)) => (k, v, false),
                None => return Err(err("expected KEY=VALUE or KEY!=VALUE")),
            },
        };
        let key = match k.trim().to_ascii_lowercase().as_str() {
            "eid" => Key::Eid,
            "src" => Key::Src,
            "dst" => Key::Dst,
            "tag" => Key::Tag,
            "type" => Key::Type,
            "cmd" => Key::Cmd,
            _ => return Err(err("unknown key (eid, src, dst, tag, type, cmd)")),
        };
        let mut values = Vec::new();
        let mut commands = Vec::new();
        for item in v.split(',') {
            let item = item.trim();
            if key == Key::Cmd {
                let num = match item.strip_prefix("0x").or_else(|| item.strip_prefix("0X")) {
                    Some(h) => u32::from_str_radix(h, 16).ok(),
                    None => item.parse().ok(),
                };
                commands.push(match num {
                    Some(n) if n <= 0xFFFF => CmdValue::Code(n),
                    None if item.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                        CmdValue::Name(normalise(item))
                    }
                    _ => {
                        return Err(err(&format!(
                            "{item:?} is not a command name or a code 0..0xffff"
                        )))
                    }
                });
                continue;
            }
            let value = match key {
                Key::Type => parse_type(item)
                    .ok_or_else(|| err(&format!("unknown message type {item:?}")))?,
                Key::Tag => parse_number(item)
                    .filter(|&t| t <= 7)
                    .ok_or_else(|| err(&format!("tag {item:?} is not 0..7")))?,
                _ => parse_number(item)
                    .ok_or_else(|| err(&format!("{item:?} is not a number 0..255")))?,
            };
            values.push(value);
        }
        Ok(Term {
            key,
            negate,
            values,
            commands,
        })
    }

    /// Evaluate; `lenient` makes an unknown field pass.
    fn eval(&self, s: &Subject, lenient: bool) -> bool {
        let has = |v: Option<u8>| v.map(|v| self.values.contains(&v));
        let hit = match self.key {
            Key::Eid => match (has(s.src), has(s.dst)) {
                (None, None) => None,
                (a, b) => Some(a.unwrap_or(false) || b.unwrap_or(false)),
            },
            Key::Src => has(s.src),
            Key::Dst => has(s.dst),
            Key::Tag => has(s.tag),
            Key::Type => has(s.msg_type),
            Key::Cmd => s.command.map(|c| {
                self.commands.iter().any(|v| match v {
                    CmdValue::Code(n) => c.number() == *n,
                    CmdValue::Name(n) => c.name_matches(n),
                })
            }),
        };
        match hit {
            Some(h) => h != self.negate,
            None => lenient || self.negate,
        }
    }
}

/// Terms that must all hold. The empty filter matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub terms: Vec<Term>,
}

impl Filter {
    /// Parse one term per string (e.g. each `--filter` argument).
    pub fn parse<S: AsRef<str>>(exprs: &[S]) -> Result<Filter, FilterError> {
        let terms = exprs
            .iter()
            .map(|e| Term::parse(e.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(Filter { terms })
    }

    /// `true` when the filter has no terms.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Strict match (messages, packets): unknown fields fail `=` terms.
    pub fn matches(&self, s: &Subject) -> bool {
        self.terms.iter().all(|t| t.eval(s, false))
    }

    /// Lenient match (findings): unknown fields pass.
    pub fn matches_lenient(&self, s: &Subject) -> bool {
        self.terms.iter().all(|t| t.eval(s, true))
    }

    /// Should this message be shown?
    pub fn message(&self, m: &MessageEvent<'_>) -> bool {
        self.is_empty() || self.matches(&Subject::of_message(m))
    }

    /// Should this packet be shown?
    pub fn packet(&self, p: &PacketEvent<'_>) -> bool {
        if self.is_empty() {
            return true;
        }
        let mut s = Subject::of_packet(p);
        // Decoding the command costs a parse: only for `cmd=` terms.
        if self.terms.iter().any(|t| t.key == Key::Cmd) {
            s.command = p.command_key();
        }
        self.matches(&s)
    }

    /// Should this finding be shown?
    pub fn finding(&self, f: &Finding) -> bool {
        self.is_empty() || self.matches_lenient(&Subject::of_finding(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subj(src: u8, dst: u8, ty: Option<u8>, cmd: Option<u8>) -> Subject {
        Subject {
            src: Some(src),
            dst: Some(dst),
            tag: Some(1),
            msg_type: ty,
            command: cmd.map(|c| CommandKey {
                msg_type: ty.unwrap_or(0),
                code: c.into(),
            }),
        }
    }

    #[test]
    fn parse_terms() {
        assert_eq!(
            Term::parse("eid=8").unwrap(),
            Term {
                key: Key::Eid,
                negate: false,
                values: vec![8],
                commands: vec![]
            }
        );
        assert_eq!(Term::parse("src=0x1d").unwrap().values, vec![0x1d]);
        assert_eq!(
            Term::parse("type=pldm,SPDM,0x7e,nvme_mi,CXL-FM-API")
                .unwrap()
                .values,
            vec![1, 5, 0x7e, 4, 7]
        );
        assert_eq!(Term::parse("type=control").unwrap().values, vec![0]);
        assert_eq!(Term::parse("type=nc-si").unwrap().values, vec![2]);
        let t = Term::parse("cmd!=0x02").unwrap();
        assert!(t.negate);
        assert_eq!((t.key, t.commands), (Key::Cmd, vec![CmdValue::Code(2)]));
        let t = Term::parse("cmd=GetSensorReading,get_version,0x4200").unwrap();
        assert_eq!(
            t.commands,
            vec![
                CmdValue::Name("getsensorreading".into()),
                CmdValue::Name("getversion".into()),
                CmdValue::Code(0x4200)
            ]
        );
        assert_eq!(Term::parse("tag=7").unwrap().values, vec![7]);
    }

    #[test]
    fn parse_errors() {
        for bad in [
            "eid",
            "foo=1",
            "eid=256",
            "eid=",
            "type=bogus",
            "type=0x80",
            "tag=8",
            "cmd=0xgg",
            "cmd=0x10000",
            "cmd=-1",
            "=3",
        ] {
            assert!(Term::parse(bad).is_err(), "{bad}");
        }
        let e = Filter::parse(&["eid=8", "nope"]).unwrap_err();
        assert_eq!(e.term, "nope");
    }

    #[test]
    fn matching() {
        let f = Filter::parse(&["eid=8", "type=control"]).unwrap();
        assert!(f.matches(&subj(8, 9, Some(0), Some(2))));
        assert!(f.matches(&subj(9, 8, Some(0), Some(2))));
        assert!(!f.matches(&subj(9, 10, Some(0), Some(2))));
        assert!(!f.matches(&subj(8, 9, Some(1), None)));
        // unknown type: strict fails, lenient passes
        assert!(!f.matches(&subj(8, 9, None, None)));
        assert!(f.matches_lenient(&subj(8, 9, None, None)));

        let f = Filter::parse(&["cmd=2"]).unwrap();
        assert!(f.matches(&subj(8, 9, Some(0), Some(2))));
        assert!(!f.matches(&subj(8, 9, Some(1), None)));

        // Names: control Get Endpoint ID (2), PLDM Platform/GetSensorReading
        // (0x0211), SPDM GET_VERSION (0x84), CXL Get Health Info (0x4200).
        let f = Filter::parse(&["cmd=get-endpoint-id,getsensorreading,GET_VERSION,gethealthinfo"])
            .unwrap();
        assert!(f.matches(&subj(8, 9, Some(0), Some(2))));
        assert!(!f.matches(&subj(8, 9, Some(0), Some(3))));
        let key = |t, code| Subject {
            command: Some(CommandKey { msg_type: t, code }),
            ..subj(8, 9, Some(t), None)
        };
        assert!(f.matches(&key(1, 0x0211)));
        assert!(f.matches(&key(5, 0x84)));
        assert!(f.matches(&key(8, 0x4200)));
        assert!(!f.matches(&key(1, 0x0251)));
        let f = Filter::parse(&["cmd=0x4200"]).unwrap();
        assert!(f.matches(&key(8, 0x4200)));

        let f = Filter::parse(&["src!=8,9"]).unwrap();
        assert!(!f.matches(&subj(8, 10, None, None)));
        assert!(f.matches(&subj(10, 8, None, None)));

        let f = Filter::parse(&["type!=pldm"]).unwrap();
        assert!(f.matches(&subj(8, 9, None, None)));
        assert!(!f.matches(&subj(8, 9, Some(1), None)));

        assert!(Filter::default().matches(&Subject::default()));
    }
}
