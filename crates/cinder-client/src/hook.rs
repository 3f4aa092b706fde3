//! The request hooks given to the generated client. [`CinderHook`]: token and microversion
//! headers, gating of operations and arguments by microversion, query pairs added by
//! [`with_query`], one re-authentication on 401, and normalisation of non-JSON error bodies.
//! [`LogHook`]: nothing but the HTTP log, for the unauthenticated version discovery.

use std::sync::Arc;

use cinder_raw::hooks::{BoxFuture, RequestHook};
use cinder_raw::microversions::{self, OperationVersions};
use reqwest::header::HeaderValue;
use serde_json::Value;

use crate::error::Error;
use crate::exchange::Refusal;
use crate::microversion::ApiVersion;
use crate::observer::ResponseObserver;
use crate::response::buffer;
use crate::retry::{RetryPolicy, Verdict};
use crate::session::Session;

pub const AUTH_HEADER: &str = "x-auth-token";
pub const VERSION_HEADER: &str = "openstack-api-version";

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
                            Err(error) => crate::transport::describe(error),
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
        crate::body_override::apply(request);
        if let Some(row) = microversions::lookup(operation_id) {
            if let Err(refusal) = check_versions(row, request, self.version) {
                // The message is all progenitor can carry; the note gives the error its fields.
                let message = Error::from_refusal(&refusal).to_string();
                crate::exchange::record_refusal(refusal);
                return Err(message);
            }
        }
        // After the gating: these pairs are the server's to judge.
        crate::extra_query::add_to(request);
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
            let response = crate::fault::normalize_error_body(response).await?;
            // `run_json` wants the body of a success as it came, whatever the typed decoding
            // makes of it.
            let keep = response.status().is_success() && crate::exchange::wants_body();
            if observed.is_none() && !keep {
                return Ok(response);
            }
            let (response, body) = buffer(response).await?;
            if let Some((observer, method, request_body)) = observed {
                observer.observe(
                    operation_id,
                    &method,
                    request_body.as_deref(),
                    response.status().as_u16(),
                    &body,
                );
            }
            if keep {
                crate::exchange::record_body(body);
            }
            Ok(response)
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
) -> Result<(), Refusal> {
    let within = |min: u16, max: u16| (min..=max).contains(&version.0);
    if !within(row.min, row.max) {
        return Err(Refusal {
            operation: format!("{} ({} {})", row.operation_id, row.method, row.path),
            argument: None,
            min: row.min,
            max: row.max,
            using: version.0,
        });
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
            return Err(Refusal {
                operation: row.operation_id.to_string(),
                argument: Some(what),
                min: gate.min,
                max: gate.max,
                using: version.0,
            });
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
    fn refuses_operations_outside_their_range() {
        let err = check_versions(&ROW, &request("http://x/things", None), ApiVersion(2))
            .map_err(|r| Error::from_refusal(&r).to_string())
            .unwrap_err();
        assert_eq!(
            err,
            "list_things (GET /things) needs microversion 3.3 or later; this session uses 3.2"
        );
        assert!(check_versions(&ROW, &request("http://x/things", None), ApiVersion(3)).is_ok());
    }

    #[test]
    fn refuses_gated_arguments_only_when_present() {
        let url = "http://x/things?with_count=true";
        let err = check_versions(&ROW, &request(url, None), ApiVersion(44))
            .map_err(|r| Error::from_refusal(&r).to_string())
            .unwrap_err();
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
        .map_err(|r| Error::from_refusal(&r).to_string())
        .unwrap_err();
        assert!(err.contains("field `thing.backup_id`"), "{err}");
        let action = r#"{"os-reimage": {"image_id": "i"}}"#;
        let err = check_versions(
            &ROW,
            &request("http://x/things", Some(action)),
            ApiVersion(67),
        )
        .map_err(|r| Error::from_refusal(&r).to_string())
        .unwrap_err();
        assert!(err.contains("action `os-reimage`"), "{err}");
        assert!(
            check_versions(&ROW, &request("http://x/things", Some("{}")), ApiVersion(3)).is_ok()
        );
    }
}
