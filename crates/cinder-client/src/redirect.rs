//! Redirects are followed only within the origin (scheme, host and port) of the request that
//! was sent, so that `X-Auth-Token`, and the credentials in a Keystone request body, go only to
//! the servers the auth URL, the catalog or the endpoint override name. A redirect to another
//! origin is refused with an error naming both URLs (docs/decisions/0008-tls-and-redirects.md).

use reqwest::redirect::{Attempt, Policy};
use reqwest::Url;

/// reqwest's default limit.
const MAX_REDIRECTS: usize = 10;

/// A redirect the client would not follow.
#[derive(Debug)]
pub(crate) enum Refused {
    /// To another scheme, host or port.
    OtherOrigin {
        /// The URL that answered with the redirect.
        from: Url,
        /// Where it pointed.
        to: Url,
    },
    /// One redirect too many.
    TooMany {
        /// The last URL that answered with a redirect.
        from: Url,
    },
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::OtherOrigin { from, to } => write!(
                f,
                "{from} redirected to {to}, another scheme, host or port: not followed, so that \
                 the token and credentials go only to the servers configured (if the new \
                 address is right, configure it instead)"
            ),
            Refused::TooMany { from } => {
                write!(
                    f,
                    "more than {MAX_REDIRECTS} redirects, the last from {from}"
                )
            }
        }
    }
}

impl std::error::Error for Refused {}

/// The client's redirect policy: same-origin redirects are followed (and logged), others
/// refused.
pub(crate) fn policy() -> Policy {
    Policy::custom(decide)
}

fn decide(attempt: Attempt<'_>) -> reqwest::redirect::Action {
    let previous = attempt.previous();
    let (Some(first), Some(last)) = (previous.first(), previous.last()) else {
        return attempt.follow();
    };
    if previous.len() > MAX_REDIRECTS {
        let from = last.clone();
        return attempt.error(Refused::TooMany { from });
    }
    if !same_origin(first, attempt.url()) {
        let (from, to) = (last.clone(), attempt.url().clone());
        return attempt.error(Refused::OtherOrigin { from, to });
    }
    tracing::debug!(
        target: crate::HTTP_LOG_TARGET,
        "REDIRECT: [{}] to {}",
        attempt.status().as_u16(),
        crate::redact::without_userinfo(attempt.url().as_str())
    );
    attempt.follow()
}

/// Same scheme, host and port (the default port of the scheme when none is written).
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
        && a.port_or_known_default() == b.port_or_known_default()
}

/// The refusal in `error`'s causes, if a redirect was refused.
pub(crate) fn refusal(error: &reqwest::Error) -> Option<&Refused> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = current {
        if let Some(refused) = cause.downcast_ref::<Refused>() {
            return Some(refused);
        }
        current = cause.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port() {
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(same_origin(
            &url("http://Keystone:5000/v3/auth/tokens"),
            &url("http://keystone:5000/identity/v3/auth/tokens")
        ));
        assert!(same_origin(
            &url("https://cinder/v3"),
            &url("https://cinder:443/v3/p")
        ));
        assert!(!same_origin(
            &url("http://cinder:8776/v3"),
            &url("http://cinder:8777/v3")
        ));
        assert!(!same_origin(
            &url("https://cinder/v3"),
            &url("http://cinder/v3")
        ));
        assert!(!same_origin(
            &url("http://cinder/v3"),
            &url("http://evil.example/v3")
        ));
    }
}
