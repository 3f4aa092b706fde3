//! What the library and the CLI say through `tracing`, written to stderr: their warnings always
//! (as `WARNING: ...`, e.g. that TLS certificates are not verified), and with `--debug` or
//! `RUST_LOG` their debug events too (every HTTP request as a curl line, every response).

use std::fmt::Write as _;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::filter::{filter_fn, Targets};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// What `--debug` shows when `RUST_LOG` does not say: the CLI's and the library's events.
const DEFAULT_FILTER: &str = "cinder=debug,cinder_client=debug";

/// Installs the stderr subscriber: warnings of the CLI and the library always; the debug log
/// when `--debug` is given or `RUST_LOG` is set. `RUST_LOG` takes `target=level` directives
/// separated by commas (e.g. `cinder_client::http=debug` for the HTTP log alone, or `debug`
/// for everything, hyper's internals included).
pub fn init(debug: bool) {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|spec| !spec.trim().is_empty());
    let filter = match from_env {
        Some(spec) => match spec.parse::<Targets>() {
            Ok(filter) => Some(filter),
            // Another program's RUST_LOG (say, with EnvFilter's span syntax) must not make
            // every plain run complain; with --debug, say why the default is used.
            Err(_) if !debug => None,
            Err(error) => {
                eprintln!("WARNING: ignoring RUST_LOG={spec:?}: {error}");
                Some(default_filter())
            }
        },
        None if debug => Some(default_filter()),
        None => None,
    };
    // The warnings layer prints ours; the debug layer everything else it is asked for.
    let debug_layer = filter.map(|filter| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .without_time()
            .with_filter(filter_fn(move |meta| {
                filter.would_enable(meta.target(), meta.level()) && !is_our_warning(meta)
            }))
    });
    tracing_subscriber::registry()
        .with(Warnings.with_filter(filter_fn(is_our_warning)))
        .with(debug_layer)
        .init();
}

fn default_filter() -> Targets {
    DEFAULT_FILTER.parse().expect("a valid filter")
}

/// A warning or error event of the CLI or the library.
fn is_our_warning(meta: &Metadata<'_>) -> bool {
    let ours = ["cinder", "cinder_client"].iter().any(|crate_name| {
        meta.target() == *crate_name
            || meta
                .target()
                .strip_prefix(crate_name)
                .is_some_and(|rest| rest.starts_with("::"))
    });
    ours && meta.is_event() && *meta.level() <= Level::WARN
}

/// Prints each event it gets as `WARNING: <message>` on stderr, like the CLI's other warnings.
struct Warnings;

impl<S: Subscriber> Layer<S> for Warnings {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut message = Message::default();
        event.record(&mut message);
        eprintln!("WARNING: {}{}", message.text, message.fields);
    }
}

/// The event's message, then any other fields as ` name=value`.
#[derive(Default)]
struct Message {
    text: String,
    fields: String,
}

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.text, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }
}
