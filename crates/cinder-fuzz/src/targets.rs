//! The fuzz targets: each takes any bytes and panics when a property does not hold, which is
//! what both libFuzzer (`fuzz/`) and the short runs (`tests/short_runs.rs`) look for.

use std::ffi::OsString;
use std::fmt::Debug;
use std::sync::OnceLock;

use cinder_client::{Error, RawError};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The longest `Display` of an [`Error`] made from a response: a fault's message (1000
/// characters and `...`), its name and request id (100 and `...` each) and the words around
/// them; or a decoding error's two excerpts (300 and `...` each) and the operation.
pub const MAX_ERROR_CHARS: usize = 1400;

/// The statuses every error body is tried with: the 4xx and 5xx every operation declares, and
/// a 3xx none does (an unexpected response).
pub const ERROR_STATUSES: &[u16] = &[302, 400, 401, 404, 409, 413, 500, 503];

/// The request id sent along with every fuzzed error body.
pub const REQUEST_ID: &str = "req-0f6a1c2e-fuzz";

/// Decodes `data` as every response body type of the generated client
/// ([`cinder_raw::for_each_response_body!`]). For each type, decoding must not panic, and:
/// - a value that decodes encodes again, and that encoding decodes to an equal value (what
///   the CLI prints with `-f json` is what it read);
/// - a body that does not decode becomes, through [`Error::from_raw`], an [`Error::Decode`]
///   whose text is one bounded line without control characters.
///
/// A versions document that decodes also has its version strings parsed as the client does.
pub fn response_body(data: &[u8]) {
    macro_rules! each {
        ($($name:ident),* $(,)?) => {
            $( decode_as::<cinder_raw::types::$name>(stringify!($name), data); )*
        };
    }
    cinder_raw::for_each_response_body!(each);

    if let Ok(list) = serde_json::from_slice::<cinder_raw::types::VersionList>(data) {
        for version in &list.versions {
            let _ = cinder_client::ApiVersion::parse(&version.version);
            let _ = cinder_client::ApiVersion::parse(&version.min_version);
        }
    }
}

fn decode_as<T>(name: &str, data: &[u8])
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    match serde_json::from_slice::<T>(data) {
        Ok(value) => {
            let encoded = serde_json::to_vec(&value)
                .unwrap_or_else(|e| panic!("{name} decoded but does not encode: {e}: {value:?}"));
            let again: T = serde_json::from_slice(&encoded).unwrap_or_else(|e| {
                panic!(
                    "{name}: its own encoding does not decode: {e}\n{}",
                    String::from_utf8_lossy(&encoded)
                )
            });
            assert!(
                again == value || same_but_for_float_rounding(&value, &again),
                "{name}: encoding and decoding changed the value:\n{value:?}\n{again:?}"
            );
        }
        Err(error) => {
            let raw = RawError::InvalidResponsePayload(bytes::Bytes::copy_from_slice(data), error);
            let error = futures::executor::block_on(Error::from_raw(raw));
            assert!(matches!(error, Error::Decode { .. }), "{name}: {error:?}");
            check_text(
                &format!("{name}: the decoding error"),
                &error.to_string(),
                MAX_ERROR_CHARS,
            );
        }
    }
}

/// serde_json parses floats to the nearest value only with its `float_roundtrip` feature,
/// which this workspace does not enable: a float in a free-form member (a connection's
/// `data`) may come back one unit in the last place off. Anything else must be equal.
fn same_but_for_float_rounding<T: Serialize>(a: &T, b: &T) -> bool {
    fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
        use serde_json::Value::*;
        match (a, b) {
            (Number(x), Number(y)) => match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) if x.is_finite() && y.is_finite() => {
                    x == y || (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs())
                }
                _ => x == y,
            },
            (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
            (Object(x), Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(a), Ok(b)) => same(&a, &b),
        _ => false,
    }
}

/// Hands `data` to the client as the body of an error response, with each of
/// [`ERROR_STATUSES`], through [`cinder_client::error_from_response`] (the hook's rewriting,
/// the generated client's decoding, [`Error::from_raw`]). Whatever the body, the result is an
/// [`Error::Api`] with that status and the request id, whose message, fault name and `Display`
/// are single bounded lines without control characters; a body that is not JSON has no fault
/// name; and a well-formed Cinder fault keeps its name and message exactly.
pub fn error_body(data: &[u8]) {
    let fault = serde_json::from_slice::<cinder_raw::types::Fault>(data)
        .ok()
        .filter(|fault| fault.len() == 1);
    // What serde_json reads as JSON at all (it skips members it ignores without checking
    // their strings' UTF-8, so a fault may decode from a body that is not quite JSON).
    let is_json = serde_json::from_slice::<serde::de::IgnoredAny>(data).is_ok();
    for &status in ERROR_STATUSES {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-openstack-request-id",
            reqwest::header::HeaderValue::from_static(REQUEST_ID),
        );
        let error =
            futures::executor::block_on(cinder_client::error_from_response(status, headers, data));
        let Error::Api {
            status: got,
            kind,
            message,
            request_id,
        } = &error
        else {
            panic!("HTTP {status}: not an API error: {error:?}");
        };
        assert_eq!(*got, status);
        assert_eq!(request_id.as_deref(), Some(REQUEST_ID));
        assert!(!message.is_empty(), "HTTP {status}: empty message");
        check_text("the message", message, 1003);
        if let Some(kind) = kind {
            assert!(!kind.is_empty(), "HTTP {status}: an empty fault name");
            check_text("the fault name", kind, 103);
            assert!(
                is_json,
                "HTTP {status}: a fault name {kind:?} from a body that is not JSON"
            );
        }
        // A Cinder fault that needs no cleaning is reported as the server sent it (the 302
        // is not an error status: its body is only an excerpt).
        if let (Some(fault), 400..=599) = (&fault, status) {
            let (name, detail) = fault.iter().next().expect("one member");
            let tidy = |text: &str, max: usize| {
                !text.is_empty()
                    && text.chars().count() <= max
                    && text.split(' ').all(|word| !word.is_empty())
                    && !text
                        .chars()
                        .any(|c| c.is_control() || c.is_whitespace() && c != ' ')
            };
            if tidy(&detail.message, 1000) {
                assert_eq!(
                    message, &detail.message,
                    "HTTP {status}: the message changed"
                );
            }
            if tidy(name, 100) {
                assert_eq!(kind.as_deref(), Some(name.as_str()), "HTTP {status}");
            }
        }
        check_text("the error", &error.to_string(), MAX_ERROR_CHARS);
    }
}

/// Parses `data` as the arguments of `cinder` (NUL bytes separate them; any bytes, also not
/// UTF-8) with the real definition, [`cinder::Cli`], as [`clap::Parser::try_parse_from`]
/// does. Parsing must not panic; a parsed command line formats with `Debug`, and a refused
/// one renders its message (help and version included).
pub fn cli_args(data: &[u8]) {
    use clap::{CommandFactory, FromArgMatches};

    // Building the definition takes longer than parsing: build it once and parse with
    // copies, which is what `try_parse_from` does with a fresh one.
    static COMMAND: OnceLock<clap::Command> = OnceLock::new();
    let command = COMMAND.get_or_init(|| {
        let mut command = cinder::Cli::command();
        command.build();
        command
    });
    let argv = std::iter::once(OsString::from("cinder")).chain(split_args(data));
    let parsed = command
        .clone()
        .try_get_matches_from(argv)
        .and_then(|mut matches| {
            cinder::Cli::from_arg_matches_mut(&mut matches)
                .map_err(|error| error.format(&mut command.clone()))
        });
    match parsed {
        Ok(cli) => {
            let _ = format!("{cli:?}");
        }
        Err(error) => {
            let rendered = error.render().to_string();
            let _ = (error.kind(), error.exit_code());
            assert!(
                !rendered.is_empty(),
                "clap rendered nothing for {:?}",
                error.kind()
            );
        }
    }
}

/// The arguments of a NUL-separated command line (none for empty input).
pub fn split_args(data: &[u8]) -> Vec<OsString> {
    if data.is_empty() {
        return Vec::new();
    }
    data.split(|b| *b == 0).map(os_string).collect()
}

#[cfg(unix)]
fn os_string(bytes: &[u8]) -> OsString {
    std::os::unix::ffi::OsStringExt::from_vec(bytes.to_vec())
}

#[cfg(not(unix))]
fn os_string(bytes: &[u8]) -> OsString {
    String::from_utf8_lossy(bytes).into_owned().into()
}

/// `text` is one line of at most `max_chars` characters without control characters (it is
/// printed on terminals).
fn check_text(what: &str, text: &str, max_chars: usize) {
    let excerpt = || text.chars().take(300).collect::<String>();
    assert!(
        !text.chars().any(char::is_control),
        "{what} holds control characters: {:?}",
        excerpt()
    );
    let chars = text.chars().count();
    assert!(
        chars <= max_chars,
        "{what} is {chars} characters long (at most {max_chars}): {:?}...",
        excerpt()
    );
}
