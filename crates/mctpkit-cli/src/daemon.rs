//! `mctpkit daemon`: the command line of libmctp's `mctp-demux-daemon`
//! (`sockets-and-daemons.md` §1.1), so `ExecStart=mctpkit daemon
//! $DEMUX_BINDING_OPTS` units work unchanged, plus mctpkit's own options.

use std::path::PathBuf;
use std::process::ExitCode;

use mctpkit_daemon::upstream::{Policy, ResponseRouting, TagPolicy};
use mctpkit_daemon::{BindingSpec, BusSpec, DaemonConfig, SocketName};

const AFTER_HELP: &str = "\
Bindings (as mctp-demux-daemon):
  null              no wire: messages to the local EID loop back to the clients
  serial DEVICE     DSP0253 on a tty or pty, raw mode (as Linux mctp-serial)

Clients connect to the SOCK_SEQPACKET socket (default \\0mctp-mux), write the
message type they want as their first byte, then [eid][message] datagrams;
they receive [eid][message]. See docs/daemon-protocol.md.";

#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// Local EID (default 8, as libmctp).
    #[arg(short = 'e', long = "eid", default_value_t = 8)]
    eid: u8,
    /// Log client and bus events to stderr.
    #[arg(short = 'v', long)]
    verbose: bool,
    /// Write every packet on the bus, both directions, as SLL2 pcap.
    #[arg(short = 'b', long = "capture-binding", value_name = "FILE")]
    capture_binding: Option<PathBuf>,
    /// Write every client message with a synthesised header (libmctp's
    /// format; `-sFILE` or `--capture-socket=FILE`).
    #[arg(
        short = 's',
        long = "capture-socket",
        value_name = "FILE",
        require_equals = true
    )]
    capture_socket: Option<PathBuf>,
    /// Accepted for compatibility; ignored (libmctp deprecated it).
    #[arg(long = "binding-linktype", hide = true)]
    binding_linktype: Option<String>,
    /// Accepted for compatibility; ignored (libmctp deprecated it).
    #[arg(long = "socket-linktype", hide = true)]
    socket_linktype: Option<String>,
    /// Client socket: `@name` (abstract) or a path [default: @mctp-mux].
    #[arg(long, value_name = "NAME")]
    socket: Option<String>,
    /// Also serve mctpkit's tag-aware dialect on this socket (`@name` or a
    /// path; e.g. @mctpkit): TO and tag visible, owned tags on request,
    /// several types and control requests (docs/daemon-protocol.md).
    #[arg(long, value_name = "NAME")]
    tag_socket: Option<String>,
    /// How client messages are tagged: `tracked` (requests get owned tags,
    /// responses TO=0 with the request's tag) or `upstream` (libmctp: TO=1,
    /// tag 0 for everything).
    #[arg(long, value_name = "POLICY", default_value = "tracked")]
    tag_policy: String,
    /// Who gets a response: `owner` (the client whose request it answers)
    /// or `fanout` (libmctp: every client of the type).
    #[arg(long, value_name = "ROUTING", default_value = "owner")]
    response_routing: String,
    /// Match subscriptions without the IC bit (libmctp compares it).
    #[arg(long)]
    mask_ic: bool,
    /// Be the bus owner with this dynamic EID pool (`FIRST-LAST`, e.g.
    /// 9-30): set up the device at the other end of a serial line (Get/Set
    /// Endpoint ID, a bridge's pool, message types, UUID) at start.
    #[arg(long, value_name = "FIRST-LAST")]
    bus_owner: Option<String>,
    /// Transmission unit of the bus: payload bytes per packet.
    #[arg(long, default_value_t = 64)]
    mtu: usize,
    /// A configuration file (TOML; `samples/daemon.toml`): several buses,
    /// routes, bus owner, sockets. Instead of the binding arguments.
    #[arg(short = 'c', long = "config", value_name = "FILE")]
    config: Option<PathBuf>,
    /// The binding and its parameters (`null`, `serial DEVICE`).
    #[arg(required_unless_present = "config", num_args = 1.., value_name = "BINDING")]
    binding: Vec<String>,
}

fn binding(words: &[String]) -> Result<BindingSpec, String> {
    match words {
        [b] if b == "null" => Ok(BindingSpec::Null),
        [b, dev] if b == "serial" => Ok(BindingSpec::Serial(dev.into())),
        [b] if b == "serial" => Err("serial needs a device: serial /dev/ttyS1".into()),
        [b, ..] if b == "astlpc" => {
            Err("the astlpc binding (ASPEED LPC/KCS) is not supported by mctpkit".into())
        }
        _ => Err(format!(
            "unknown binding {:?} (null, serial DEVICE)",
            words.join(" ")
        )),
    }
}

pub fn run(a: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    if let Some(path) = &a.config {
        if !a.binding.is_empty() {
            return Err("give either a binding or -c FILE, not both".into());
        }
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut cfg = mctpkit_daemon::config::from_toml(&text)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        // Options given on the command line win over the file.
        cfg.verbose |= a.verbose;
        if let Some(n) = &a.socket {
            cfg.socket = SocketName::parse(n);
        }
        if let Some(n) = &a.tag_socket {
            cfg.tag_socket = Some(SocketName::parse(n));
        }
        if a.capture_binding.is_some() {
            cfg.capture_binding = a.capture_binding.clone();
        }
        if a.capture_socket.is_some() {
            cfg.capture_socket = a.capture_socket.clone();
        }
        mctpkit_daemon::run_blocking(cfg)?;
        return Ok(ExitCode::SUCCESS);
    }
    if (1..8).contains(&a.eid) || a.eid == 0xFF {
        return Err(format!("EID {} is reserved (use 0 or 8..=254)", a.eid).into());
    }
    let policy = Policy {
        tags: match a.tag_policy.as_str() {
            "tracked" => TagPolicy::Tracked,
            "upstream" => TagPolicy::Upstream,
            o => return Err(format!("--tag-policy {o:?}: tracked or upstream").into()),
        },
        responses: match a.response_routing.as_str() {
            "owner" => ResponseRouting::Owner,
            "fanout" => ResponseRouting::Fanout,
            o => return Err(format!("--response-routing {o:?}: owner or fanout").into()),
        },
        mask_ic: a.mask_ic,
    };
    let bus_owner = match a.bus_owner.as_deref() {
        None => None,
        Some(r) => {
            let parse = |x: &str| {
                x.trim()
                    .parse::<u8>()
                    .ok()
                    .filter(|e| (8..=0xFE).contains(e))
            };
            match r.split_once('-').map(|(f, l)| (parse(f), parse(l))) {
                Some((Some(f), Some(l))) if f <= l => Some((f, l)),
                _ => return Err(format!("--bus-owner {r:?}: FIRST-LAST within 8..=254").into()),
            }
        }
    };
    let cfg = DaemonConfig {
        bus_owner,
        eid: a.eid,
        verbose: a.verbose,
        capture_binding: a.capture_binding,
        capture_socket: a.capture_socket,
        socket: a
            .socket
            .as_deref()
            .map_or_else(SocketName::upstream, SocketName::parse),
        tag_socket: a.tag_socket.as_deref().map(SocketName::parse),
        buses: vec![BusSpec {
            mtu: a.mtu.max(64),
            ..BusSpec::new(&a.binding.join(" "), binding(&a.binding)?)
        }],
        policy,
        ..DaemonConfig::default()
    };
    mctpkit_daemon::run_blocking(cfg)?;
    Ok(ExitCode::SUCCESS)
}
