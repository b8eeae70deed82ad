//! `mctpkit monitor`: the daemon's live traffic, printed as `mctpkit
//! analyze` prints a capture (messages reassembled, requests paired,
//! findings), through the tag-aware socket's MONITOR stream. The
//! analyser's state is aged by wall time while the bus is quiet.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Duration;

use mctpkit::analyze::{Analyzer, AnalyzerOptions};
use mctpkit::capture::Timestamp;
use mctpkit::BindingKind;
use mctpkit_socket::{MctpSocket, SocketName};

use crate::analyze::{TextListing, TsFormat};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The daemon's tag-aware socket (`mctpkit daemon --tag-socket`).
    #[arg(long, default_value = "@mctpkit", value_name = "NAME")]
    socket: String,
    /// Stop after this many packets (default: until the daemon goes away).
    #[arg(long, value_name = "N")]
    count: Option<usize>,
}

fn ts(micros: u64) -> Timestamp {
    Timestamp {
        secs: (micros / 1_000_000) as i64,
        nanos: ((micros % 1_000_000) * 1000) as u32,
    }
}

pub fn run(a: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let mut s = MctpSocket::connect(&SocketName::parse(&a.socket)).map_err(|e| {
        format!(
            "{}: {e} (is `mctpkit daemon --tag-socket {}` running?)",
            a.socket, a.socket
        )
    })?;
    s.monitor()?;
    let mut analyzer = Analyzer::new(AnalyzerOptions::default());
    let out: Box<dyn Write> = Box::new(BufWriter::new(io::stdout().lock()));
    let mut listing = TextListing {
        w: out,
        line: String::with_capacity(256),
        ts: TsFormat::new(None),
        quiet: false,
        error: None,
    };
    let mut n = 0usize;
    loop {
        match s.next_packet(Duration::from_millis(500)) {
            Ok(Some(p)) => {
                n += 1;
                analyzer.push_packet(
                    n,
                    Some(ts(p.micros)),
                    BindingKind::None,
                    &p.packet,
                    &mut listing,
                );
            }
            Ok(None) => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                analyzer.handle_timeout(ts(now.as_micros() as u64), &mut listing);
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e.into()),
        }
        listing.w.flush()?;
        if let Some(e) = listing.error.take() {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return Ok(ExitCode::SUCCESS);
            }
            return Err(e.into());
        }
        if a.count.is_some_and(|c| n >= c) {
            break;
        }
    }
    analyzer.finish(&mut listing);
    listing.w.flush()?;
    Ok(ExitCode::SUCCESS)
}
