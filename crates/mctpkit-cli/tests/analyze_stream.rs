//! `mctpkit analyze` on streamed input: standard input (`-`), gzip and
//! zstd files, and `--follow` on a file that grows while it is read. Each
//! gives the same output as `mctpkit analyze FILE` on the plain file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples")
        .join(name)
}

fn analyze(args: &[&str], stdin: Option<&[u8]>) -> (String, bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mctpkit"))
        .arg("analyze")
        .arg("--no-progress")
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mctpkit");
    if let Some(bytes) = stdin {
        // Write from a thread: the child may fill its stdout pipe first.
        let mut pipe = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let o = child.wait_with_output().unwrap();
    (String::from_utf8(o.stdout).unwrap(), o.status.success())
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mctpkit-analyze-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

const SAMPLES: [&str; 4] = [
    "discovery.pcap",
    "families.pcap",
    "linux-mctp.pcap",
    "bmc-console.txt",
];

#[test]
fn stdin_gives_the_same_output_as_the_file() {
    for name in SAMPLES {
        let path = sample(name);
        let bytes = std::fs::read(&path).unwrap();
        for mode in [&[][..], &["--json"], &["--packets"], &["--stats"]] {
            let mut file_args: Vec<&str> = mode.to_vec();
            let p = path.to_str().unwrap();
            file_args.push(p);
            let (want, ok) = analyze(&file_args, None);
            assert!(ok && !want.is_empty(), "{name} {mode:?}");
            let mut stdin_args: Vec<&str> = mode.to_vec();
            stdin_args.push("-");
            let (got, ok) = analyze(&stdin_args, Some(&bytes));
            assert!(ok, "{name} {mode:?} from stdin");
            assert_eq!(got, want, "{name} {mode:?} from stdin");
        }
    }
}

#[test]
fn compressed_files_give_the_same_output() {
    for name in SAMPLES {
        let path = sample(name);
        let bytes = std::fs::read(&path).unwrap();
        let (want, _) = analyze(&["--stats", path.to_str().unwrap()], None);

        let gz = tmp(&format!("{name}.gz"));
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&bytes).unwrap();
        std::fs::write(&gz, e.finish().unwrap()).unwrap();
        let (got, ok) = analyze(&["--stats", gz.to_str().unwrap()], None);
        assert!(ok);
        assert_eq!(got, want, "{name}.gz");

        // zstd through a pipe.
        let zst = zstd::encode_all(&bytes[..], 3).unwrap();
        let (got, ok) = analyze(&["--stats", "-"], Some(&zst));
        assert!(ok);
        assert_eq!(got, want, "{name}.zst on stdin");
    }
}

#[test]
fn empty_stdin_is_an_error() {
    let (_, ok) = analyze(&["-"], Some(b""));
    assert!(!ok);
}

/// `--follow`: start on a file holding only the file header and part of a
/// record, append the rest in pieces, then Ctrl-C (SIGINT). Everything
/// appended before the signal is read, so the output equals the plain
/// run's; nothing here depends on how fast the child is.
#[test]
fn follow_reads_what_is_appended_until_ctrl_c() {
    for name in ["discovery.pcap", "bmc-console.txt"] {
        let full = std::fs::read(sample(name)).unwrap();
        let (want, _) = analyze(&["--stats", sample(name).to_str().unwrap()], None);
        let path = tmp(&format!("follow-{name}"));
        std::fs::write(&path, &full[..40]).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_mctpkit"))
            .args(["analyze", "--no-progress", "--stats", "--follow"])
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        for chunk in full[40..].chunks(full.len() / 3 + 1) {
            std::thread::sleep(Duration::from_millis(150));
            f.write_all(chunk).unwrap();
            f.flush().unwrap();
        }
        std::thread::sleep(Duration::from_millis(300));
        // The child must still be waiting for more.
        let pid = child.id().to_string();
        let status = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(status.success());
        // Bounded wait: a reader that ignored the signal fails the test
        // instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        let out = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(o) => o.unwrap(),
            Err(_) => {
                let _ = Command::new("kill").args(["-KILL", &pid]).status();
                panic!("{name}: --follow did not stop on SIGINT");
            }
        };
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8(out.stdout).unwrap(), want, "{name}");
    }
}

/// On a pipe that stays open, what has been read is listed before the
/// writer closes it (as `tcpdump -U -w - | mctpkit analyze -` needs).
#[test]
fn pipe_output_is_not_held_back_until_the_end() {
    use std::io::BufRead;
    let bytes = std::fs::read(sample("discovery.pcap")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mctpkit"))
        .args(["analyze", "--no-progress", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&bytes).unwrap();
    stdin.flush().unwrap();
    // stdin stays open: the child must print before it sees the end.
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let first = rx.recv_timeout(Duration::from_secs(20));
    drop(stdin);
    let _ = child.wait();
    let first = first.expect("no output while the pipe was open");
    assert!(first.contains("MCTP"), "{first}");
}

/// `--follow` on a pipe ends with the pipe, as `tail -f` does.
#[test]
fn follow_on_a_pipe_ends_with_the_pipe() {
    let bytes = std::fs::read(sample("discovery.pcap")).unwrap();
    let (want, _) = analyze(
        &["--stats", sample("discovery.pcap").to_str().unwrap()],
        None,
    );
    let (got, ok) = analyze(&["--stats", "--follow", "-"], Some(&bytes));
    assert!(ok);
    assert_eq!(got, want);
}
