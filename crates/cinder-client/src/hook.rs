//! The request hooks given to the generated client. [`CinderHook`]: token and microversion
//! headers, gating of operations and arguments by microversion, query pairs added by
//! [`with_query`], one re-authentication on 401, and normalisation of non-JSON error bodies.
//! [`LogHook`]: nothing but the HTTP log, for the unauthenticated version discovery.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;

use cinder_raw::hooks::{BoxFuture, RequestHook};
use cinder_raw::microversions::{self, OperationVersions};
use reqwest::header::{HeaderValue, CONTENT_TYPE};
use serde_json::Value;

use crate::microversion::ApiVersion;
use crate::response::{buffer, rebuild};
use crate::retry::{RetryPolicy, Verdict};
use crate::session::Session;

pub const AUTH_HEADER: &str = "x-auth-token";
pub const VERSION_HEADER: &str = "openstack-api-version";

tokio::task_local! {
    /// The pairs [`with_query`] adds to the requests of the call it runs.
    static EXTRA_QUERY: Vec<(String, String)>;
}

/// Runs `call`, a request of the generated client (`cinder.raw().list_volumes_detail().send()`),
/// with `pairs` added to the query string of every request it sends, retries and the replay
/// after a renewed token included. It is for the query parameters the generated builders have
/// no method for, such as python-cinderclient's `--filters key=value` and `key~=value` (inexact
/// matching, 3.34+): Cinder accepts whatever filters the cloud enables (`list-filters`).
///
/// A pair replaces any the builder set under the same key. Keys and values are encoded as
/// Python's `urlencode` encodes them, as cinderclient sends them (`~` as is, a space as `+`).
/// They are not gated by microversion: the server judges them.
///
/// ```no_run
/// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
/// let pairs = vec![("name~".to_string(), "backup".to_string())];
/// let list = cinder
///     .call(cinder_client::with_query(pairs, cinder.raw().list_volumes_detail().send()))
///     .await?;
/// # Ok(())
/// # }
/// ```
pub async fn with_query<F: Future>(pairs: Vec<(String, String)>, call: F) -> F::Output {
    EXTRA_QUERY.scope(pairs, call).await
}

/// Adds the pairs of the [`with_query`] running this request, if any.
fn add_extra_query(request: &mut reqwest::Request) {
    let _ = EXTRA_QUERY.try_with(|pairs| set_query_pairs(request.url_mut(), pairs));
}

/// Appends `pairs` to `url`'s query, dropping the pairs it had under the same keys; the pairs
/// it keeps stay as they were encoded.
fn set_query_pairs(url: &mut url::Url, pairs: &[(String, String)]) {
    if pairs.is_empty() {
        return;
    }
    let replaced: HashSet<&str> = pairs.iter().map(|(key, _)| key.as_str()).collect();
    let mut parts: Vec<String> = url
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|part| !part.is_empty())
        .filter(|part| {
            let key = url::form_urlencoded::parse(part.as_bytes())
                .next()
                .map(|(key, _)| key.into_owned())
                .unwrap_or_default();
            !replaced.contains(key.as_str())
        })
        .map(str::to_string)
        .collect();
    parts.extend(
        pairs
            .iter()
            .map(|(key, value)| format!("{}={}", quote_plus(key), quote_plus(value))),
    );
    url.set_query(Some(&parts.join("&")));
}

/// Python's `urllib.parse.quote_plus`: letters, digits and `_.-~` as they are, a space as `+`,
/// every other byte of the UTF-8 as `%XX`.
fn quote_plus(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Sees every response the client receives; for conformance tests and diagnostics.
pub trait ResponseObserver: Send + Sync {
    /// `request_body` is the JSON sent (if any), `body` the response as received.
    fn observe(
        &self,
        operation_id: &'static str,
        method: &str,
        request_body: Option<&[u8]>,
        status: u16,
        body: &[u8],
    );
}

pub struct CinderHook {
    pub session: Arc<Session>,
    pub version: ApiVersion,
    pub observer: Option<Arc<dyn ResponseObserver>>,
    pub retry: RetryPolicy,
}

impl CinderHook {
    /// Sends `request`, again after a failure the retry policy deems safe to repeat.
    async fn send(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        operation_id: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        let mut attempt = 0;
        loop {
            let spare = request.try_clone();
            let method = request.method().clone();
            crate::exchange::record_request(operation_id, &request);
            let result = crate::http_log::send(client, request, operation_id).await;
            if let Ok(response) = &result {
                crate::exchange::record_response(response);
            }
            let verdict = match &result {
                Ok(response) => self.retry.after_status(
                    attempt,
                    &method,
                    response.status(),
                    response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok()),
                ),
                Err(error) => self.retry.after_error(attempt, &method, error),
            };
            match (verdict, spare) {
                (Verdict::Retry(wait), Some(next)) => {
                    tracing::debug!(
                        target: crate::HTTP_LOG_TARGET,
                        "retry {} of {} for {operation_id} in {wait:?} after {}",
                        attempt + 1,
                        self.retry.max_retries,
                        match &result {
                            Ok(response) => format!("HTTP {}", response.status().as_u16()),
                            Err(error) => crate::error::transport_detail(error),
                        }
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    request = next;
                }
                _ => return result,
            }
        }
    }
}

impl std::fmt::Debug for CinderHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CinderHook")
            .field("session", &self.session)
            .field("version", &self.version)
            .field("observer", &self.observer.is_some())
            .field("retry", &self.retry)
            .finish()
    }
}

impl RequestHook for CinderHook {
    fn prepare(
        &self,
        request: &mut reqwest::Request,
        operation_id: &'static str,
    ) -> Result<(), String> {
        if let Some(row) = microversions::lookup(operation_id) {
            check_versions(row, request, self.version)?;
        }
        // After the gating: these pairs are the server's to judge.
        add_extra_query(request);
        let token = self.session.token();
        let mut token =
            HeaderValue::from_str(&token).map_err(|_| "the token is not a valid header value")?;
        token.set_sensitive(true);
        let headers = request.headers_mut();
        headers.insert(AUTH_HEADER, token);
        headers.insert(
            VERSION_HEADER,
            HeaderValue::from_str(&self.version.header_value()).expect("ASCII header"),
        );
        Ok(())
    }

    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        Box::pin(async move {
            let observed = self.observer.as_ref().map(|observer| {
                let body = request
                    .body()
                    .and_then(|b| b.as_bytes())
                    .map(<[u8]>::to_vec);
                (observer.clone(), request.method().to_string(), body)
            });
            let replay = if self.session.can_renew() {
                request.try_clone()
            } else {
                None
            };
            let sent_token = request
                .headers()
                .get(AUTH_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let response = self.send(client, request, operation_id).await?;
            let response = match (response.status().as_u16(), replay, sent_token) {
                (401, Some(mut replay), Some(sent)) => match self.session.renew(&sent).await {
                    Ok(token) => {
                        if let Ok(mut value) = HeaderValue::from_str(&token) {
                            value.set_sensitive(true);
                            replay.headers_mut().insert(AUTH_HEADER, value);
                        }
                        self.send(client, replay, operation_id).await?
                    }
                    // Keep the 401: its message says more than the failed renewal would.
                    Err(_) => response,
                },
                (401, None, Some(sent)) => {
                    self.session.forget(&sent);
                    response
                }
                _ => response,
            };
            let response = normalize_error_body(response).await?;
            match observed {
                Some((observer, method, request_body)) => {
                    let (response, body) = buffer(response).await?;
                    observer.observe(
                        operation_id,
                        &method,
                        request_body.as_deref(),
                        response.status().as_u16(),
                        &body,
                    );
                    Ok(response)
                }
                None => Ok(response),
            }
        })
    }
}

/// Sends requests as generated, only logging them: for the version document, which needs no
/// token and no microversion.
#[derive(Debug)]
pub struct LogHook;

impl RequestHook for LogHook {
    fn prepare(&self, _: &mut reqwest::Request, _: &'static str) -> Result<(), String> {
        Ok(())
    }

    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        Box::pin(crate::http_log::send(client, request, operation_id))
    }
}

/// Refuses, before sending, what the negotiated version does not have.
fn check_versions(
    row: &OperationVersions,
    request: &reqwest::Request,
    version: ApiVersion,
) -> Result<(), String> {
    let describe = |min: u16, max: u16| {
        if max == microversions::MAX_VERSION {
            format!("microversion 3.{min} or later")
        } else {
            format!("microversion 3.{min} to 3.{max}")
        }
    };
    let within = |min: u16, max: u16| (min..=max).contains(&version.0);
    if !within(row.min, row.max) {
        return Err(format!(
            "{} ({} {}) needs {}; this session uses {version}",
            row.operation_id,
            row.method,
            row.path,
            describe(row.min, row.max)
        ));
    }
    if row.gates.is_empty() {
        return Ok(());
    }
    let body: Option<Value> = request
        .body()
        .and_then(|b| b.as_bytes())
        .and_then(|b| serde_json::from_slice(b).ok());
    for gate in row.gates.iter().filter(|g| !within(g.min, g.max)) {
        let present = match gate.name.split_once(':') {
            Some(("query", name)) => request.url().query_pairs().any(|(k, _)| k == name),
            Some(("header", name)) => request.headers().contains_key(name),
            Some(("action", key)) => body.as_ref().is_some_and(|b| b.get(key).is_some()),
            Some(("body", path)) => body.as_ref().is_some_and(|b| has_path(b, path)),
            _ => false,
        };
        if present {
            let (kind, name) = gate.name.split_once(':').unwrap_or(("", gate.name));
            let what = match kind {
                "query" => format!("the query parameter `{name}`"),
                "action" => format!("the action `{name}`"),
                "body" => format!("the field `{name}`"),
                _ => format!("`{name}`"),
            };
            return Err(format!(
                "{what} of {} needs {}; this session uses {version}",
                row.operation_id,
                describe(gate.min, gate.max)
            ));
        }
    }
    Ok(())
}

fn has_path(value: &Value, dotted: &str) -> bool {
    let mut current = value;
    for part in dotted.split('.') {
        match current.get(part) {
            Some(next) => current = next,
            None => return false,
        }
    }
    true
}

/// An error response whose body is not Cinder's JSON fault (an HTML page from a proxy, plain
/// text from middleware) is rewritten into one (see [`crate::fault::rewrite_error_body`]),
/// keeping status and headers, so the generated client reports it as an API error with its
/// request id rather than as a decoding failure.
pub(crate) async fn normalize_error_body(
    response: reqwest::Response,
) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(response);
    }
    let mut headers = response.headers().clone();
    let version = response.version();
    let body = response.bytes().await?;
    let body = match crate::fault::rewrite_error_body(status.as_u16(), &body) {
        None => body,
        Some(fault) => {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.remove(reqwest::header::CONTENT_LENGTH);
            bytes::Bytes::from(fault)
        }
    };
    Ok(rebuild(status, headers, version, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cinder_raw::microversions::Gate;

    const ROW: OperationVersions = OperationVersions {
        operation_id: "list_things",
        method: "GET",
        path: "/things",
        min: 3,
        max: 71,
        gates: &[
            Gate {
                name: "query:with_count",
                min: 45,
                max: 71,
            },
            Gate {
                name: "body:thing.backup_id",
                min: 47,
                max: 71,
            },
            Gate {
                name: "action:os-reimage",
                min: 68,
                max: 71,
            },
        ],
    };

    fn request(url: &str, body: Option<&str>) -> reqwest::Request {
        let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
        if let Some(body) = body {
            *request.body_mut() = Some(body.to_string().into());
        }
        request
    }

    #[test]
    fn extra_query_pairs_replace_the_builders_and_are_encoded_as_python_does() {
        let mut url: url::Url = "http://x/v3/p/volumes/detail?limit=5&name=old&sort=name%3Adesc"
            .parse()
            .unwrap();
        set_query_pairs(
            &mut url,
            &[
                ("name".into(), "new".into()),
                ("name~".into(), "a b'{é".into()),
                ("status".into(), "".into()),
            ],
        );
        assert_eq!(
            url.query(),
            Some("limit=5&sort=name%3Adesc&name=new&name~=a+b%27%7B%C3%A9&status=")
        );
        let mut bare: url::Url = "http://x/types".parse().unwrap();
        set_query_pairs(&mut bare, &[]);
        assert_eq!(bare.as_str(), "http://x/types");
        set_query_pairs(&mut bare, &[("is_public".into(), "None".into())]);
        assert_eq!(bare.as_str(), "http://x/types?is_public=None");
    }

    #[tokio::test]
    async fn extra_query_pairs_reach_only_the_requests_of_their_call() {
        let pairs = vec![("colour~".to_string(), "red".to_string())];
        let inside = with_query(pairs, async {
            let mut request = request("http://x/volumes?limit=1", None);
            add_extra_query(&mut request);
            request.url().to_string()
        })
        .await;
        assert_eq!(inside, "http://x/volumes?limit=1&colour~=red");
        let mut outside = request("http://x/volumes?limit=1", None);
        add_extra_query(&mut outside);
        assert_eq!(outside.url().as_str(), "http://x/volumes?limit=1");
    }

    #[test]
    fn refuses_operations_outside_their_range() {
        let err =
            check_versions(&ROW, &request("http://x/things", None), ApiVersion(2)).unwrap_err();
        assert_eq!(
            err,
            "list_things (GET /things) needs microversion 3.3 or later; this session uses 3.2"
        );
        assert!(check_versions(&ROW, &request("http://x/things", None), ApiVersion(3)).is_ok());
    }

    #[test]
    fn refuses_gated_arguments_only_when_present() {
        let url = "http://x/things?with_count=true";
        let err = check_versions(&ROW, &request(url, None), ApiVersion(44)).unwrap_err();
        assert!(
            err.contains("query parameter `with_count`") && err.contains("3.45"),
            "{err}"
        );
        assert!(check_versions(&ROW, &request(url, None), ApiVersion(45)).is_ok());
        let body = r#"{"thing": {"backup_id": "b"}}"#;
        let err = check_versions(
            &ROW,
            &request("http://x/things", Some(body)),
            ApiVersion(46),
        )
        .unwrap_err();
        assert!(err.contains("field `thing.backup_id`"), "{err}");
        let action = r#"{"os-reimage": {"image_id": "i"}}"#;
        let err = check_versions(
            &ROW,
            &request("http://x/things", Some(action)),
            ApiVersion(67),
        )
        .unwrap_err();
        assert!(err.contains("action `os-reimage`"), "{err}");
        assert!(
            check_versions(&ROW, &request("http://x/things", Some("{}")), ApiVersion(3)).is_ok()
        );
    }
}
