//! `--debug` and `RUST_LOG`: the library's `tracing` events (every HTTP request as a curl line,
//! every response) and the CLI's own, written to stderr.

use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

/// What `--debug` shows when `RUST_LOG` does not say: the CLI's and the library's events.
const DEFAULT_FILTER: &str = "cinder=debug,cinder_client=debug";

/// Installs the stderr subscriber when `--debug` is given or `RUST_LOG` is set. `RUST_LOG`
/// takes `target=level` directives separated by commas (e.g. `cinder_client::http=debug` for
/// the HTTP log alone, or `debug` for everything, hyper's internals included).
pub fn init(debug: bool) {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|spec| !spec.trim().is_empty());
    let filter = match from_env {
        Some(spec) => match spec.parse::<Targets>() {
            Ok(filter) => filter,
            // Another program's RUST_LOG (say, with EnvFilter's span syntax) must not make
            // every plain run complain; with --debug, say why the default is used.
            Err(_) if !debug => return,
            Err(error) => {
                eprintln!("WARNING: ignoring RUST_LOG={spec:?}: {error}");
                default_filter()
            }
        },
        None if debug => default_filter(),
        None => return,
    };
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .without_time();
    tracing_subscriber::registry()
        .with(layer)
        .with(filter)
        .init();
}

fn default_filter() -> Targets {
    DEFAULT_FILTER.parse().expect("a valid filter")
}
