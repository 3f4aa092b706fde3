//! `cinder`: python-cinderclient's command line over the `cinder-client` library.

mod commands;
mod global;
mod kv;
mod lookup;
mod output;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use commands::Command;
use global::GlobalOpts;

/// Command-line interface to the OpenStack Cinder API.
#[derive(Parser, Debug)]
#[command(
    name = "cinder",
    version,
    arg_required_else_help = true,
    max_term_width = 100
)]
struct Cli {
    #[command(flatten)]
    global: GlobalOpts,

    #[command(subcommand)]
    command: Command,
}

/// Prints each response's status (and body) with `--debug`; headers, and so tokens, never.
struct DebugObserver;

impl cinder_client::ResponseObserver for DebugObserver {
    fn observe(
        &self,
        operation_id: &'static str,
        method: &str,
        request_body: Option<&[u8]>,
        status: u16,
        body: &[u8],
    ) {
        if let Some(request) = request_body {
            eprintln!(
                "DEBUG: REQ {method} {operation_id} body: {}",
                String::from_utf8_lossy(request)
            );
        }
        eprintln!(
            "DEBUG: RESP {method} {operation_id} -> {status}: {}",
            String::from_utf8_lossy(body)
        );
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut config = cli.global.config()?;
    if cli.global.debug {
        eprintln!("DEBUG: {config:?}");
        config.observer = Some(Arc::new(DebugObserver));
    }
    let cinder = cinder_client::Cinder::connect(config).await?;
    if cli.global.debug {
        eprintln!(
            "DEBUG: project {}, endpoint {} at API version {} (server {} to {})",
            cinder.project_id().unwrap_or("unknown"),
            cinder.endpoint(),
            cinder.version(),
            cinder.server_range().min,
            cinder.server_range().max
        );
    }
    commands::run(&cinder, cli.command).await
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`cinder list -f value | head -1`): stop quietly, with the
        // status a process killed by SIGPIPE has, as other Unix tools do.
        Err(error) if closed_pipe(&error) => ExitCode::from(141),
        Err(error) => {
            eprintln!("ERROR: {error}");
            ExitCode::FAILURE
        }
    }
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
