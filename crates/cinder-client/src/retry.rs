//! Retrying requests that failed on the way, without ever doing an operation twice.
//!
//! The policy (docs/decisions/0010-retries.md), with [`RetryPolicy::DEFAULT_RETRIES`] retries
//! unless configured otherwise:
//! - GET, HEAD, PUT and DELETE are idempotent: they are retried after the connection failed
//!   before any answer came (refused, reset, closed), or after an answer of 429, 502, 503 or
//!   504 (a gateway or a throttle speaking, not the API having failed at the work). A 500 is
//!   the API's own failure and a timeout a sign of an overloaded server: both are returned,
//!   since repeating them rarely helps and multiplies the wait.
//! - POST (create, actions) may have been carried out even when its answer was lost, so it is
//!   retried only when it certainly was not: the connection could not be opened, or the server
//!   refused it with 429 (rate limiting happens before any work).
//! - Waits grow exponentially from `base_delay` up to `max_delay`, with full jitter so that many
//!   clients do not retry in step; a `Retry-After` header (seconds) is honoured instead, but
//!   one longer than `max_retry_after` is not waited for: the error is returned.

use std::time::Duration;

use reqwest::{Method, StatusCode};

/// How often and how patiently to retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt ([`RetryPolicy::DEFAULT_RETRIES`] by default); 0 never
    /// retries.
    pub max_retries: u32,
    /// The first wait before jitter.
    pub base_delay: Duration,
    /// The longest computed wait.
    pub max_delay: Duration,
    /// The longest `Retry-After` the client is willing to wait.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: RetryPolicy::DEFAULT_RETRIES,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The retries a client makes unless told otherwise: enough to ride out a load balancer's
    /// restart or a moment of throttling, few enough that an outage is reported within
    /// seconds.
    pub const DEFAULT_RETRIES: u32 = 2;

    /// The default waits with `max_retries` retries.
    pub fn retries(max_retries: u32) -> Self {
        RetryPolicy {
            max_retries,
            ..RetryPolicy::default()
        }
    }
}

/// What to do after attempt number `attempt` (0 for the first).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Retry(Duration),
    Stop,
}

fn idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

impl RetryPolicy {
    /// After a response with `status` and its `Retry-After` header (if any).
    pub(crate) fn after_status(
        &self,
        attempt: u32,
        method: &Method,
        status: StatusCode,
        retry_after: Option<&str>,
    ) -> Verdict {
        let retryable = match status.as_u16() {
            429 => true,
            502..=504 => idempotent(method),
            _ => false,
        };
        if !retryable || attempt >= self.max_retries {
            return Verdict::Stop;
        }
        match retry_after.and_then(|v| v.trim().parse::<u64>().ok()) {
            Some(seconds) if Duration::from_secs(seconds) > self.max_retry_after => Verdict::Stop,
            Some(seconds) => Verdict::Retry(Duration::from_secs(seconds)),
            None => Verdict::Retry(self.backoff(attempt)),
        }
    }

    /// After the request failed without a response.
    pub(crate) fn after_error(
        &self,
        attempt: u32,
        method: &Method,
        error: &reqwest::Error,
    ) -> Verdict {
        // A refused or failed connection sent nothing: safe for every method.
        let never_sent = error.is_connect();
        // The connection broke before any answer (reset, closed): an idempotent request may be
        // sent again. A timeout is not retried (see the module's notes), nor is a failure while
        // reading an answer that did come.
        let no_answer = error.is_request() && !error.is_timeout();
        let retryable = never_sent || (no_answer && idempotent(method));
        if attempt >= self.max_retries || !retryable {
            return Verdict::Stop;
        }
        Verdict::Retry(self.backoff(attempt))
    }

    /// Full jitter: a random wait up to `base * 2^attempt`, capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.max_delay);
        ceiling.mul_f64(jitter())
    }
}

/// A number in [0.5, 1): jitter, without a random-number dependency for one value. Half the
/// ceiling at least, so that a retry is not immediate.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    // RandomState is seeded randomly per process and per instance.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    0.5 + (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64 / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy::retries(3)
    }

    #[test]
    fn idempotent_requests_retry_gateway_errors_post_does_not() {
        let p = policy();
        for status in [502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            for method in [Method::GET, Method::HEAD, Method::PUT, Method::DELETE] {
                assert!(
                    matches!(p.after_status(0, &method, status, None), Verdict::Retry(_)),
                    "{method} {status}"
                );
            }
            assert_eq!(
                p.after_status(0, &Method::POST, status, None),
                Verdict::Stop
            );
        }
        // The API's own failure is returned, whatever the method.
        for method in [Method::GET, Method::DELETE, Method::POST] {
            assert_eq!(
                p.after_status(0, &method, StatusCode::INTERNAL_SERVER_ERROR, None),
                Verdict::Stop,
                "{method}"
            );
        }
        assert_eq!(
            p.after_status(0, &Method::GET, StatusCode::NOT_FOUND, None),
            Verdict::Stop
        );
    }

    #[test]
    fn throttling_is_retried_for_every_method_after_retry_after() {
        let p = policy();
        let verdict = p.after_status(0, &Method::POST, StatusCode::TOO_MANY_REQUESTS, Some("2"));
        assert_eq!(verdict, Verdict::Retry(Duration::from_secs(2)));
        // Too long a wait is not waited for.
        let verdict = p.after_status(
            0,
            &Method::GET,
            StatusCode::SERVICE_UNAVAILABLE,
            Some("3600"),
        );
        assert_eq!(verdict, Verdict::Stop);
    }

    #[test]
    fn retries_stop_at_the_limit_and_waits_grow_to_the_cap() {
        let p = policy();
        assert_eq!(
            p.after_status(3, &Method::GET, StatusCode::BAD_GATEWAY, None),
            Verdict::Stop
        );
        assert_eq!(
            RetryPolicy::retries(0).after_status(0, &Method::GET, StatusCode::BAD_GATEWAY, None),
            Verdict::Stop
        );
        // Retries are on by default.
        let default = RetryPolicy::default();
        assert_eq!(default.max_retries, RetryPolicy::DEFAULT_RETRIES);
        assert!(matches!(
            default.after_status(1, &Method::GET, StatusCode::BAD_GATEWAY, None),
            Verdict::Retry(_)
        ));
        assert_eq!(
            default.after_status(2, &Method::GET, StatusCode::BAD_GATEWAY, None),
            Verdict::Stop
        );
        for attempt in 0..12 {
            let wait = p.backoff(attempt);
            let ceiling = (p.base_delay * 2u32.pow(attempt)).min(p.max_delay);
            assert!(
                wait >= ceiling / 2 && wait <= ceiling,
                "{attempt}: {wait:?}"
            );
        }
    }

    /// A real transport error of each kind, from a loopback server that misbehaves on purpose.
    async fn failure(kind: &str) -> reqwest::Error {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        match kind {
            // Nobody listens any more: the connection is refused.
            "refused" => drop(listener),
            // The request is read, then the connection closed without an answer.
            "closed" => {
                std::thread::spawn(move || {
                    let (mut stream, _) = listener.accept().unwrap();
                    let _ = stream.read(&mut [0; 4096]);
                });
            }
            // The request is read and never answered.
            _ => {
                std::thread::spawn(move || {
                    let (mut stream, _) = listener.accept().unwrap();
                    let _ = stream.read(&mut [0; 4096]);
                    std::thread::sleep(Duration::from_secs(5));
                });
            }
        }
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        client.get(url).send().await.unwrap_err()
    }

    #[tokio::test]
    async fn transport_failures_are_retried_only_when_no_work_can_have_been_done() {
        let p = policy();
        let refused = failure("refused").await;
        assert!(refused.is_connect(), "{refused:?}");
        for method in [Method::GET, Method::POST] {
            assert!(
                matches!(p.after_error(0, &method, &refused), Verdict::Retry(_)),
                "{method}"
            );
        }
        assert_eq!(p.after_error(3, &Method::GET, &refused), Verdict::Stop);

        // Sent, then the connection closed before any answer: a read may go again, a create
        // may have been carried out.
        let closed = failure("closed").await;
        assert!(!closed.is_connect() && !closed.is_timeout(), "{closed:?}");
        assert!(matches!(
            p.after_error(0, &Method::GET, &closed),
            Verdict::Retry(_)
        ));
        assert!(matches!(
            p.after_error(0, &Method::DELETE, &closed),
            Verdict::Retry(_)
        ));
        assert_eq!(p.after_error(0, &Method::POST, &closed), Verdict::Stop);

        let timed_out = failure("silent").await;
        assert!(timed_out.is_timeout(), "{timed_out:?}");
        for method in [Method::GET, Method::POST] {
            assert_eq!(
                p.after_error(0, &method, &timed_out),
                Verdict::Stop,
                "{method}"
            );
        }
    }
}
