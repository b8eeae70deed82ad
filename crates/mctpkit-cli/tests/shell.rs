//! `mctpkit completions` and `mctpkit man`: the scripts load in their shell
//! and complete the real subcommands and options; the man pages render.

use std::path::Path;
use std::process::Command;

fn mctpkit(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_mctpkit"))
        .args(args)
        .output()
        .expect("run mctpkit");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Ask the bash completion function what it offers after `words`.
fn bash_complete(script: &Path, words: &[&str]) -> Vec<String> {
    let line = words.join(" ");
    let cword = words.len() - 1;
    let prog = format!(
        "source {}; COMP_WORDS=({line}); COMP_CWORD={cword}; COMP_LINE='{line}'; \
         COMP_POINT=${{#COMP_LINE}}; _mctpkit mctpkit '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        words[cword],
        words[cword - 1],
    );
    let o = Command::new("bash").args(["-c", &prog]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completion_offers_subcommands_and_options() {
    let dir = std::env::temp_dir().join(format!("mctpkit-shell-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("mctpkit.bash");
    std::fs::write(&script, mctpkit(&["completions", "bash"])).unwrap();
    assert_eq!(bash_complete(&script, &["mctpkit", "an"]), ["analyze"]);
    let opts = bash_complete(&script, &["mctpkit", "decode", "--"]);
    for o in ["--binding", "--json", "--verbose", "--addr"] {
        assert!(opts.iter().any(|x| x == o), "{o} not in {opts:?}");
    }
    // Value completion of an enum argument.
    let bindings = bash_complete(&script, &["mctpkit", "decode", "--binding", ""]);
    assert!(
        bindings.iter().any(|b| b == "smbus-no-dest"),
        "{bindings:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn zsh_and_fish_scripts_name_every_subcommand() {
    let zsh = mctpkit(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef mctpkit"), "{}", &zsh[..40]);
    let fish = mctpkit(&["completions", "fish"]);
    for sub in [
        "decode",
        "analyze",
        "craft",
        "pldm",
        "simulate",
        "completions",
        "man",
    ] {
        assert!(zsh.contains(&format!("'{sub}:")), "zsh lacks {sub}");
        assert!(fish.contains(&format!("-a \"{sub}\"")), "fish lacks {sub}");
    }
    // Syntax check where the shell is installed (neither is on CI's image).
    for (shell, script) in [("zsh", &zsh), ("fish", &fish)] {
        if have(shell) {
            let o = Command::new(shell)
                .args(["-n", "-c", script])
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
    }
}

#[test]
fn man_pages_render() {
    let page = mctpkit(&["man"]);
    assert!(page.contains(".TH mctpkit 1"), "{}", &page[..200]);
    for sub in ["decode", "analyze", "completions", "man"] {
        assert!(page.contains(sub), "man page lacks {sub}");
    }
    let dir = std::env::temp_dir().join(format!("mctpkit-man-{}", std::process::id()));
    mctpkit(&["man", "--dir", dir.to_str().unwrap()]);
    let decode = std::fs::read_to_string(dir.join("mctpkit-decode.1")).unwrap();
    assert!(decode.contains("\\-\\-binding"), "{decode}");
    assert!(dir.join("mctpkit-analyze.1").is_file());
    if have("groff") {
        // Renders without warnings (-ww), to plain text.
        let o = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww"])
            .arg(dir.join("mctpkit-decode.1"))
            .output()
            .unwrap();
        assert!(
            o.status.success() && o.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("Framing around the MCTP packet"), "{text}");
    } else {
        eprintln!("note: groff not installed, man page rendering not checked");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
