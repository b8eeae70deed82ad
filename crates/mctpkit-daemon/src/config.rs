//! The daemon's configuration file (`mctpkit daemon -c FILE`): several
//! buses, static routes, the bus-owner pool and the protocol options, for
//! everything the drop-in command line cannot say. `samples/daemon.toml`
//! is an example.
//!
//! ```toml
//! eid = 8
//! socket = "@mctp-mux"          # the upstream dialect's socket
//! tag_socket = "@mctpkit"       # the tag-aware dialect (optional)
//! capture = "/var/log/mctp.pcap"
//! bus_owner = [20, 30]          # dynamic EID pool (optional)
//!
//! [[bus]]
//! name = "line0"
//! binding = "serial"            # serial | null
//! device = "/dev/ttyS1"
//! enumerate = true              # set up the device at the other end
//!
//! [[route]]
//! eids = [40, 47]               # inclusive range, or one EID: eids = [40]
//! bus = "line0"
//! ```

use std::path::PathBuf;

use serde::Deserialize;

use crate::daemon::{BindingSpec, BusSpec, DaemonConfig, RouteSpec};
use crate::seqpacket::SocketName;
use crate::upstream::{Policy, ResponseRouting, TagPolicy};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    eid: Option<u8>,
    net: Option<u32>,
    socket: Option<String>,
    tag_socket: Option<String>,
    capture: Option<PathBuf>,
    capture_socket: Option<PathBuf>,
    bus_owner: Option<[u8; 2]>,
    tag_policy: Option<String>,
    response_routing: Option<String>,
    mask_ic: Option<bool>,
    verbose: Option<bool>,
    #[serde(default)]
    bus: Vec<Bus>,
    #[serde(default)]
    route: Vec<Route>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Bus {
    name: String,
    binding: String,
    device: Option<PathBuf>,
    mtu: Option<usize>,
    eid: Option<u8>,
    #[serde(default)]
    enumerate: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Route {
    eids: Vec<u8>,
    bus: String,
}

fn eid_ok(e: u8, what: &str) -> Result<u8, String> {
    if e == 0 || (8..=0xFE).contains(&e) {
        Ok(e)
    } else {
        Err(format!("{what}: EID {e} is reserved (0 or 8..=254)"))
    }
}

/// Parse `text` (TOML) into a configuration.
pub fn from_toml(text: &str) -> Result<DaemonConfig, String> {
    let f: File = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut cfg = DaemonConfig::default();
    if let Some(e) = f.eid {
        cfg.eid = eid_ok(e, "eid")?;
    }
    cfg.net = f.net.unwrap_or(cfg.net);
    if let Some(s) = &f.socket {
        cfg.socket = SocketName::parse(s);
    }
    cfg.tag_socket = f.tag_socket.as_deref().map(SocketName::parse);
    cfg.capture_binding = f.capture;
    cfg.capture_socket = f.capture_socket;
    cfg.verbose = f.verbose.unwrap_or(false);
    cfg.policy = Policy {
        tags: match f.tag_policy.as_deref() {
            None | Some("tracked") => TagPolicy::Tracked,
            Some("upstream") => TagPolicy::Upstream,
            Some(o) => return Err(format!("tag_policy {o:?}: tracked or upstream")),
        },
        responses: match f.response_routing.as_deref() {
            None | Some("owner") => ResponseRouting::Owner,
            Some("fanout") => ResponseRouting::Fanout,
            Some(o) => return Err(format!("response_routing {o:?}: owner or fanout")),
        },
        mask_ic: f.mask_ic.unwrap_or(false),
    };
    if let Some([a, b]) = f.bus_owner {
        if !(8..=0xFE).contains(&a) || !(8..=0xFE).contains(&b) || a > b {
            return Err(format!("bus_owner [{a}, {b}]: a range within 8..=254"));
        }
        cfg.bus_owner = Some((a, b));
    }
    if f.bus.is_empty() {
        return Err("no [[bus]]: give at least one (binding = \"null\" for loopback)".into());
    }
    cfg.buses.clear();
    for b in &f.bus {
        if cfg.buses.iter().any(|x| x.name == b.name) {
            return Err(format!("bus {:?} is defined twice", b.name));
        }
        let binding = match (b.binding.as_str(), &b.device) {
            ("null", None) => BindingSpec::Null,
            ("serial", Some(d)) => BindingSpec::Serial(d.clone()),
            ("serial", None) => {
                return Err(format!(
                    "bus {:?}: serial needs device = \"/dev/...\"",
                    b.name
                ))
            }
            ("null", Some(_)) => return Err(format!("bus {:?}: null takes no device", b.name)),
            (o, _) => return Err(format!("bus {:?}: binding {o:?} (serial, null)", b.name)),
        };
        let mtu = b.mtu.unwrap_or(64);
        if !(64..=65_536).contains(&mtu) {
            return Err(format!("bus {:?}: mtu {mtu} outside 64..=65536", b.name));
        }
        cfg.buses.push(BusSpec {
            name: b.name.clone(),
            binding,
            mtu,
            eid: b.eid.map(|e| eid_ok(e, &b.name)).transpose()?,
            enumerate: b.enumerate,
        });
    }
    for r in &f.route {
        let bus = cfg
            .buses
            .iter()
            .position(|b| b.name == r.bus)
            .ok_or_else(|| format!("route to {:?}: no such bus", r.bus))?;
        let (first, last) = match r.eids[..] {
            [e] => (e, e),
            [a, b] if a <= b => (a, b),
            _ => {
                return Err(format!(
                    "route to {:?}: eids = [EID] or [FIRST, LAST]",
                    r.bus
                ))
            }
        };
        if first < 8 || last == 0xFF {
            return Err(format!("route {first}..={last}: EIDs 8..=254 only"));
        }
        cfg.routes.push(RouteSpec { first, last, bus });
    }
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_parses() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../samples/daemon.toml"
        ))
        .unwrap();
        let c = from_toml(&text).unwrap();
        assert_eq!(c.eid, 8);
        assert_eq!(c.buses.len(), 2);
        assert_eq!(c.bus_owner, Some((20, 30)));
        assert_eq!(
            c.routes,
            [RouteSpec {
                first: 40,
                last: 47,
                bus: 1
            }]
        );
        assert_eq!(c.tag_socket, Some(SocketName::Abstract("mctpkit".into())));
    }

    #[test]
    fn mistakes_are_named() {
        for (text, want) in [
            ("eid = 3\n[[bus]]\nname='a'\nbinding='null'", "reserved"),
            ("[[bus]]\nname='a'\nbinding='serial'", "needs device"),
            ("[[bus]]\nname='a'\nbinding='i2c'\ndevice='x'", "binding"),
            (
                "[[bus]]\nname='a'\nbinding='null'\n[[route]]\neids=[9]\nbus='b'",
                "no such bus",
            ),
            (
                "[[bus]]\nname='a'\nbinding='null'\n[[bus]]\nname='a'\nbinding='null'",
                "twice",
            ),
            ("", "no [[bus]]"),
            (
                "bogus = 1\n[[bus]]\nname='a'\nbinding='null'",
                "unknown field",
            ),
        ] {
            let e = from_toml(text).unwrap_err();
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }
}
