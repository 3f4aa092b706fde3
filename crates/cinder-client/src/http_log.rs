//! The HTTP log: every request the library sends (Keystone, version discovery, Cinder) and what
//! came back, as `tracing` events at DEBUG under [`TARGET`], with credentials redacted (see
//! [`crate::redact`]).
//!
//! For each exchange, inside a span `http{operation=...}`:
//! - `REQ: curl -g -i -X GET 'http://...' -H 'Accept: application/json' ...`: a command line
//!   that can be pasted into a shell (after putting a real token back in place of its hash);
//! - `RESP: [200] Content-Type: application/json ...` with the elapsed time as a field, or
//!   `REQ FAILED: <cause>` when nothing came back;
//! - `RESP BODY: {...}` when there is a body.
//!
//! The format follows keystoneauth's, so python-cinderclient users read it at a glance.

use std::time::Instant;

use reqwest::header::{HeaderMap, USER_AGENT};
use tracing::Instrument;

use crate::redact;
use crate::transport::describe as transport_detail;

/// The `tracing` target of the HTTP log: every request the client sends (Keystone, version
/// discovery, Cinder) as a pasteable `curl` command line, then the response's status, headers
/// and body, all at DEBUG level inside a span `http{operation=...}`. Tokens show as
/// `{SHA256}<hex digest>` (like keystoneauth), passwords and secrets in JSON bodies as `***`.
///
/// Nothing is logged, and no body is read early, unless a subscriber enables the target:
///
/// ```
/// use tracing_subscriber::filter::{LevelFilter, Targets};
/// use tracing_subscriber::prelude::*;
///
/// tracing_subscriber::registry()
///     .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
///     .with(Targets::new().with_target(cinder_client::HTTP_LOG_TARGET, LevelFilter::DEBUG))
///     .init();
/// ```
pub const TARGET: &str = "cinder_client::http";

/// Sends `request` with `client`, logging the exchange when a subscriber wants it; the caller's
/// `operation` names it (an operation id of the spec, or what the library was doing).
///
/// Only when logging is enabled is the response body read here (and the response rebuilt
/// around it): otherwise the request goes out exactly as without this function.
pub async fn send(
    client: &reqwest::Client,
    request: reqwest::Request,
    operation: &str,
) -> reqwest::Result<reqwest::Response> {
    let limited = |response: reqwest::Response| {
        crate::response::limit_body(response, crate::response::MAX_BODY_BYTES)
    };
    if !tracing::enabled!(target: TARGET, tracing::Level::DEBUG) {
        return client.execute(request).await.map(limited);
    }
    let span = tracing::debug_span!(target: TARGET, "http", operation = %operation);
    async move {
        tracing::debug!(target: TARGET, "REQ: {}", curl(&request));
        let started = Instant::now();
        let result = client.execute(request).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let response = match result {
            Ok(response) => limited(response),
            Err(error) => {
                tracing::debug!(target: TARGET, elapsed_ms, "REQ FAILED: {}", transport_detail(&error));
                return Err(error);
            }
        };
        tracing::debug!(
            target: TARGET,
            elapsed_ms,
            "RESP: [{}] {}",
            response.status().as_u16(),
            header_list(response.headers())
        );
        let (response, body) = crate::response::buffer(response).await.inspect_err(|error| {
            tracing::debug!(target: TARGET, "RESP BODY FAILED: {}", transport_detail(error));
        })?;
        if !body.is_empty() {
            tracing::debug!(target: TARGET, "RESP BODY: {}", redact::body(&body));
        }
        Ok(response)
    }
    .instrument(span)
    .await
}

/// The request as a curl command line, credentials redacted.
fn curl(request: &reqwest::Request) -> String {
    let mut words = vec![
        "curl -g -i -X".to_string(),
        request.method().to_string(),
        quote(&crate::redact::without_userinfo(request.url().as_str())),
    ];
    let header = |name: &str, value: &str| format!("-H {}", quote(&format!("{name}: {value}")));
    for (name, value) in request.headers() {
        let value = redact::header_value(name.as_str(), value);
        words.push(header(&display_name(name.as_str()), &value));
    }
    // The client adds its User-Agent when sending; show it, since servers may log or match it.
    if !request.headers().contains_key(USER_AGENT) {
        words.push(header("User-Agent", crate::USER_AGENT));
    }
    if let Some(body) = request.body() {
        match body.as_bytes() {
            Some([]) => {}
            Some(bytes) => words.push(format!("-d {}", quote(&redact::body(bytes)))),
            None => words.push("# (streamed body not shown)".into()),
        }
    }
    words.join(" ")
}

/// `Name: value Name: value ...`, keystoneauth's one-line rendering of headers.
fn header_list(headers: &HeaderMap) -> String {
    headers
        .iter()
        .map(|(name, value)| {
            format!(
                "{}: {}",
                display_name(name.as_str()),
                redact::header_value(name.as_str(), value)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// HTTP/2 and the `http` crate keep header names lowercase; show them as the OpenStack docs
/// spell them (`OpenStack-API-Version`, `X-Auth-Token`).
fn display_name(name: &str) -> String {
    name.split('-')
        .map(|part| match part {
            "openstack" => "OpenStack".to_string(),
            "api" => "API".to_string(),
            _ => {
                let mut chars = part.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// `word` as one POSIX shell word: bare when it is plainly safe, single-quoted otherwise.
fn quote(word: &str) -> String {
    let safe = |b: u8| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b);
    if !word.is_empty() && word.bytes().all(safe) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn requests_render_as_pasteable_curl_lines() {
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            "http://h:8776/v3/p/volumes?name=a&limit=1".parse().unwrap(),
        );
        let headers = request.headers_mut();
        headers.insert(
            "openstack-api-version",
            HeaderValue::from_static("volume 3.71"),
        );
        headers.insert("x-auth-token", HeaderValue::from_static("abc"));
        *request.body_mut() = Some(r#"{"volume": {"name": "it's"}}"#.into());
        assert_eq!(
            curl(&request),
            "curl -g -i -X POST 'http://h:8776/v3/p/volumes?name=a&limit=1' \
             -H 'OpenStack-API-Version: volume 3.71' \
             -H 'X-Auth-Token: {SHA256}ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' \
             -H 'User-Agent: cinder-client-rs/0.1.0' \
             -d '{\"volume\": {\"name\": \"it'\\''s\"}}'"
                .replace("0.1.0", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn shell_quoting_round_trips_through_sh() {
        for word in [
            "plain",
            "",
            "a b",
            "it's",
            "$HOME `x` \\ \"q\"",
            "{SHA256}ab",
        ] {
            let output = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("printf %s {}", quote(word)))
                .output()
                .expect("sh runs");
            assert_eq!(String::from_utf8_lossy(&output.stdout), word);
        }
    }

    #[test]
    fn header_names_are_spelled_as_documented() {
        assert_eq!(
            display_name("openstack-api-version"),
            "OpenStack-API-Version"
        );
        assert_eq!(
            display_name("x-openstack-request-id"),
            "X-OpenStack-Request-Id"
        );
        assert_eq!(display_name("content-type"), "Content-Type");
    }
}
