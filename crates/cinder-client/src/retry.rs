//! Retrying requests that failed on the way, without ever doing an operation twice.
//!
//! The policy (docs/decisions/0010-retries.md):
//! - GET, HEAD, PUT and DELETE are idempotent: they are retried after a connection failure, a
//!   timeout, a reset, or an answer of 429, 500, 502, 503 or 504.
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
    /// Retries after the first attempt; 0 (the default, as cinderclient's `--retries`) never
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
            max_retries: 0,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
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
            500 | 502 | 503 | 504 => idempotent(method),
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
        if attempt >= self.max_retries || !(never_sent || idempotent(method)) {
            return Verdict::Stop;
        }
        if error.is_builder() || error.is_redirect() || error.is_decode() {
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
    fn idempotent_requests_retry_server_errors_post_does_not() {
        let p = policy();
        for status in [500, 502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(matches!(
                p.after_status(0, &Method::GET, status, None),
                Verdict::Retry(_)
            ));
            assert!(matches!(
                p.after_status(0, &Method::DELETE, status, None),
                Verdict::Retry(_)
            ));
            assert_eq!(
                p.after_status(0, &Method::POST, status, None),
                Verdict::Stop
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
            RetryPolicy::default().after_status(0, &Method::GET, StatusCode::BAD_GATEWAY, None),
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
}
