//! Commands about the CLI itself rather than the cloud: shell completion and man pages. They
//! need no credentials and never contact a server.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;

use crate::{completion, manpage};

#[derive(Subcommand, Debug)]
pub enum ShellCommand {
    /// Prints a shell completion script for cinder.
    #[command(
        after_help = "Install it where your shell looks for completions, e.g.:\n  \
        cinder completion bash > ~/.local/share/bash-completion/completions/cinder\n  \
        cinder completion zsh > ~/.zfunc/_cinder   (with ~/.zfunc in $fpath)\n  \
        cinder completion fish > ~/.config/fish/completions/cinder.fish"
    )]
    Completion {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Prints arguments for bash_completion.
    ///
    /// Prints all commands and options to stdout, as python-cinderclient does for its
    /// cinder.bash_completion script.
    #[command(alias = "bash_completion")]
    BashCompletion,
    /// Writes the man pages, cinder.1 and cinder-<subcommand>.1, into a directory (for
    /// packagers; also `cargo xtask man`).
    #[command(hide = true)]
    GenerateMan {
        /// Where to write the pages (created if missing).
        dir: PathBuf,
    },
}

/// Runs `command`; `cli` is the whole command-line definition it describes.
pub fn run(command: ShellCommand, cli: clap::Command) -> Result<()> {
    match command {
        ShellCommand::Completion { shell } => print(&completion::script(shell, cli)),
        ShellCommand::BashCompletion => {
            print(format!("{}\n", completion::cinderclient_words(cli)).as_bytes())
        }
        ShellCommand::GenerateMan { dir } => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let pages = manpage::write_all(cli, &dir)
                .with_context(|| format!("cannot write man pages into {}", dir.display()))?;
            let list: String = pages.iter().map(|p| format!("{}\n", p.display())).collect();
            print(list.as_bytes())
        }
    }
}

/// Writes to stdout; a reader that stopped early (`| head`) is not an error.
fn print(bytes: &[u8]) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to stdout")
        }
        _ => Ok(()),
    }
}
