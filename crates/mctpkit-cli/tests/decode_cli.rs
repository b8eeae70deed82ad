//! `mctpkit decode` input handling and exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mctpkit"))
        .arg("decode")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mctpkit");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

const GET_EID: &str = "MCTP 0A<-0B SOM EOM seq=0 tag=5 Control / CTRL Get Endpoint ID req";

#[test]
fn hex_forms_all_decode_the_same() {
    for form in [
        "01 0a 0b c5 00 80 02",
        "0x01 0x0A 0x0b 0XC5 0x00 0x80 0x02",
        "01:0A:0b:C5:00:80:02",
        "010a0bc5008002",
        "0x010a 0bc5,00-80;2",
        "01 0a 0b c5 00 80 02 # Get Endpoint ID",
    ] {
        let o = run(&[form], "");
        assert!(o.status.success(), "{form}");
        let out = String::from_utf8(o.stdout).unwrap();
        assert!(out.starts_with(GET_EID), "{form}: {out}");
    }
}

#[test]
fn stdin_lines_with_comments_and_blanks() {
    let o = run(
        &["-"],
        "# captured on i2c-3\n\n   \n01 0a 0b c5 00 80 02  # Get EID\r\n\t# indented comment\n01 0b 0a c5 00 00 02 00 0b 00 00\n",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with(GET_EID));
    assert!(lines[1].contains("Get Endpoint ID rsp"), "{out}");
}

#[test]
fn bad_stdin_line_names_the_line_and_keeps_going() {
    let o = run(
        &["-"],
        "01 0a 0b c5 00 80 02\n01 0g\n01 0a 0b c5 00 80 02\n",
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("stdin line 2"), "{err}");
    assert!(err.contains("character 4"), "{err}");
    assert_eq!(String::from_utf8(o.stdout).unwrap().lines().count(), 2);
}

#[test]
fn odd_and_empty_input_are_errors() {
    for bad in ["123", "0x", "0x123", "zz", ""] {
        let o = run(&[bad], "");
        assert_eq!(o.status.code(), Some(1), "{bad:?}");
        assert!(o.stdout.is_empty(), "{bad:?}");
    }
}

#[test]
fn usage_error_exits_2() {
    let o = run(&[], "");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn closed_stdout_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mctpkit"))
        .args(["decode", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before anything is written (`| head -0`).
    drop(child.stdout.take());
    let mut input = String::new();
    for _ in 0..2000 {
        input.push_str("01 0a 0b c5 00 80 02\n");
    }
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{:?} {err}", o.status);
    assert!(err.is_empty(), "{err}");
}
