//! `mctpkit completions SHELL` and `mctpkit man`: shell completion scripts
//! and man pages generated from the same clap definition as `--help`
//! (clap_complete, clap_mangen), so they never disagree with it.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap_complete::Shell;

#[derive(clap::Args, Debug)]
#[command(after_long_help = "\
Install, for example:
  bash: mctpkit completions bash > ~/.local/share/bash-completion/completions/mctpkit
  zsh:  mctpkit completions zsh > ~/.zfunc/_mctpkit   (with fpath+=~/.zfunc)
  fish: mctpkit completions fish > ~/.config/fish/completions/mctpkit.fish")]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// Write mctpkit.1 and one page per subcommand (mctpkit-decode.1, ...)
    /// into this directory instead of printing mctpkit.1 to stdout.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Print the completion script for `args.shell` to stdout.
pub fn completions(
    args: CompletionsArgs,
    mut cmd: clap::Command,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    // clap_complete panics on a write error (`| head`): render first, then
    // write, so a closed pipe is an ordinary error.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "mctpkit", &mut script);
    let mut out = io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Print the man page, or write every page into `args.dir`.
pub fn man(args: ManArgs, cmd: clap::Command) -> Result<ExitCode, Box<dyn std::error::Error>> {
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir)?;
            clap_mangen::generate_to(cmd, &dir)?;
        }
        None => {
            let mut out = io::stdout().lock();
            clap_mangen::Man::new(cmd).render(&mut out)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
