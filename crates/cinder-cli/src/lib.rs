//! `cinder`: python-cinderclient's command line over the `cinder-client` library.
//!
//! The program is this library target; `src/main.rs` only calls [`main`]. Being a library
//! lets the fuzz targets (`crates/cinder-fuzz`, `fuzz/`) parse arbitrary command lines with
//! the real definition, [`Cli`], without running anything. Nothing here is a stable API.

mod argv;
mod commands;
mod completion;
mod gates;
mod global;
mod kv;
mod logging;
mod manpage;
mod output;
mod prompt;
mod python;
#[cfg(test)]
mod spellings;
mod values;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use commands::shell::{self, ShellCommand};
use commands::Command;
use global::GlobalOpts;

/// `cinder --version`: the crate's version (whose build metadata names the API, `+cinder.3.N`)
/// and the microversions this client speaks, from the generated table.
fn version_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{} (Block Storage API microversions 3.{} to 3.{})",
            env!("CARGO_PKG_VERSION"),
            cinder_raw::microversions::MIN_VERSION,
            cinder_raw::microversions::MAX_VERSION
        )
    })
}

/// Command-line interface to the OpenStack Cinder API.
///
/// The whole command line of `cinder` (parse one with [`clap::Parser::try_parse_from`]); its
/// fields are private: only [`main`] acts on it.
#[derive(Parser, Debug)]
// `long_about = None`: the rest of this comment is for Rust readers, not for `--help`.
// As with cinderclient's argparse, a long option may be shortened to any unambiguous prefix
// (`--field` for `--fields`), and an option given twice takes its last value.
#[command(
    name = "cinder",
    version = version_text(),
    long_about = None,
    arg_required_else_help = true,
    max_term_width = 100,
    infer_long_args = true,
    args_override_self = true
)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalOpts,

    #[command(subcommand)]
    command: AnyCommand,
}

/// The commands that talk to the cloud, then those about the CLI itself (which need no
/// credentials, so they run before any configuration is read).
// Parsed once per run and never moved around: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
enum AnyCommand {
    #[command(flatten)]
    Cloud(Command),
    #[command(flatten)]
    Shell(ShellCommand),
}

/// The whole command-line definition, for completion scripts and man pages.
fn cli_command() -> clap::Command {
    Cli::command()
}

async fn run(global: GlobalOpts, command: Command) -> anyhow::Result<()> {
    logging::init(global.debug);
    // The arguments first: a mistake in them costs no configuration reading and no request.
    command.check()?;
    let (config, mut newer_version) = global.config()?;
    tracing::debug!("{config:?}");
    let cinder = match cinder_client::Cinder::connect(config.clone()).await {
        // cinderclient does not refuse a version newer than the server's newest: it uses the
        // newest, with a warning as for one newer than its own. Only this rare case pays for a
        // second connection.
        Err(cinder_client::Error::NotOffered { requested, server }) if requested > server.max => {
            let mut config = config;
            config.api_version = cinder_client::VersionRequest::Latest;
            newer_version = Some(requested.to_string());
            cinder_client::Cinder::connect(config).await?
        }
        connected => connected?,
    };
    for warning in cinder.warnings() {
        eprintln!("WARNING: {warning}");
    }
    if let Some(requested) = newer_version {
        eprintln!(
            "WARNING: {}",
            global::downgrade_warning(&requested, cinder.version())
        );
    }
    tracing::debug!(
        "project {}, endpoint {} at API version {} (server {} to {})",
        cinder.project_id().unwrap_or("unknown"),
        cinder.endpoint(),
        cinder.version(),
        cinder.server_range().min,
        cinder.server_range().max
    );
    command.run(&cinder).await
}

/// The `cinder` program: parses the process's arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = parse();
    let result = match cli.command {
        AnyCommand::Shell(command) => shell::run(command, cli_command()),
        AnyCommand::Cloud(command) => {
            runtime().and_then(|rt| rt.block_on(run(cli.global, command)))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`cinder list -f value | head -1`): stop quietly, with the
        // status a process killed by SIGPIPE has, as other Unix tools do.
        Err(error) if closed_pipe(&error) => ExitCode::from(141),
        Err(error) => {
            // The message may quote the server (a fault, a name), and a URL configured with
            // `user:password@`.
            let text = error.to_string();
            let text = cinder_client::redact_url(&text);
            eprintln!("ERROR: {}", output::visible(&text));
            ExitCode::FAILURE
        }
    }
}

/// `Cli::parse()`, without dropping the command-line definition afterwards: it is built once
/// per run (55 subcommands, each with a copy of the global options), and freeing it costs a
/// fifth of what parsing does (see docs/decisions/0011-performance.md). The process is about
/// to do one command and exit.
fn parse() -> Cli {
    let mut command = Cli::command();
    let args = argv::end_pair_lists(std::env::args_os());
    let mut matches = command
        .try_get_matches_from_mut(args)
        .unwrap_or_else(|e| e.format(&mut command).exit());
    let cli =
        Cli::from_arg_matches_mut(&mut matches).unwrap_or_else(|e| e.format(&mut command).exit());
    std::mem::forget(command);
    cli
}

/// The runtime for commands that talk to the cloud. One thread: a run is a sequence of
/// requests (a few at once for bulk commands), and worker threads would only add start-up and
/// shut-down time. Not built at all for `--version`, `--help` or the shell commands.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

fn closed_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
