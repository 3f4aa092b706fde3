//! Microversion choice: what the user asks for, what the server offers, and what is used.

use std::fmt;

pub use cinder_raw::microversions::{MAX_VERSION, MIN_VERSION};

/// A version that cannot be used; it becomes an [`Error`](crate::Error) (`Config` or
/// `Unsupported`) where it meets the rest of the library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionError {
    /// Not a version this client can send (malformed, or newer than it knows).
    Invalid(String),
    /// A version the server does not offer.
    NotOffered {
        /// What was asked for.
        requested: ApiVersion,
        /// What the server offers.
        server: ServerRange,
    },
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionError::Invalid(why) => f.write_str(why),
            VersionError::NotOffered { requested, server } => write!(
                f,
                "API version {requested} is not supported by the server (it supports {} to {})",
                server.min, server.max
            ),
        }
    }
}

impl std::error::Error for VersionError {}

type Result<T> = std::result::Result<T, VersionError>;

/// A `3.N` microversion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion(pub u16);

impl ApiVersion {
    /// The newest version this client knows.
    pub const CLIENT_MAX: ApiVersion = ApiVersion(MAX_VERSION);

    /// Parses `3.N`.
    pub fn parse(text: &str) -> Result<Self> {
        let minor = text
            .trim()
            .strip_prefix("3.")
            .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|m| m.parse::<u16>().ok())
            .ok_or_else(|| {
                VersionError::Invalid(format!(
                    "invalid API version {text:?}: use 3, 3.N (N from {MIN_VERSION} to \
                     {MAX_VERSION}) or 3.latest"
                ))
            })?;
        Ok(ApiVersion(minor))
    }

    /// The `OpenStack-API-Version` header value.
    pub fn header_value(&self) -> String {
        format!("volume {self}")
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "3.{}", self.0)
    }
}

/// What the user asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VersionRequest {
    /// The highest version both sides support.
    #[default]
    Latest,
    /// Exactly this version; an error if the server does not support it.
    Exact(ApiVersion),
}

impl VersionRequest {
    /// Accepts cinderclient's spellings: `3` (= 3.0), `3.N`, `3.latest`, `latest`.
    ///
    /// ```
    /// use cinder_client::{ApiVersion, VersionRequest};
    ///
    /// assert_eq!(VersionRequest::parse("3").unwrap(), VersionRequest::Exact(ApiVersion(0)));
    /// assert_eq!(VersionRequest::parse("3.44").unwrap(), VersionRequest::Exact(ApiVersion(44)));
    /// assert_eq!(VersionRequest::parse("3.latest").unwrap(), VersionRequest::Latest);
    /// assert!(VersionRequest::parse("3.99").is_err()); // newer than this client knows
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim() {
            "3.latest" | "latest" => Ok(VersionRequest::Latest),
            "3" => Ok(VersionRequest::Exact(ApiVersion(0))),
            other => {
                let version = ApiVersion::parse(other)?;
                if version > ApiVersion::CLIENT_MAX {
                    return Err(VersionError::Invalid(format!(
                        "API version {version} is newer than this client supports (up to {})",
                        ApiVersion::CLIENT_MAX
                    )));
                }
                Ok(VersionRequest::Exact(version))
            }
        }
    }
}

/// The server's supported range, from its versions document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerRange {
    /// The lowest microversion the server accepts (`min_version`).
    pub min: ApiVersion,
    /// The highest microversion the server accepts (`version`).
    pub max: ApiVersion,
}

/// Picks the version to use: the requested one if the server supports it, else an error;
/// for `Latest`, the lower of the client's and the server's maximum.
///
/// ```
/// use cinder_client::microversion::negotiate;
/// use cinder_client::{ApiVersion, ServerRange, VersionRequest};
///
/// let server = ServerRange { min: ApiVersion(0), max: ApiVersion(60) };
/// assert_eq!(negotiate(VersionRequest::Latest, server).unwrap(), ApiVersion(60));
/// assert!(negotiate(VersionRequest::Exact(ApiVersion(65)), server).is_err());
/// ```
pub fn negotiate(request: VersionRequest, server: ServerRange) -> Result<ApiVersion> {
    match request {
        VersionRequest::Latest => Ok(server.max.min(ApiVersion::CLIENT_MAX)),
        VersionRequest::Exact(version) if version >= server.min && version <= server.max => {
            Ok(version)
        }
        VersionRequest::Exact(requested) => Err(VersionError::NotOffered { requested, server }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_within_both_ranges() {
        let server = ServerRange {
            min: ApiVersion(0),
            max: ApiVersion(60),
        };
        assert_eq!(
            negotiate(VersionRequest::Latest, server).unwrap(),
            ApiVersion(60)
        );
        let newer = ServerRange {
            min: ApiVersion(0),
            max: ApiVersion(90),
        };
        assert_eq!(
            negotiate(VersionRequest::Latest, newer).unwrap(),
            ApiVersion(71)
        );
        assert_eq!(
            negotiate(VersionRequest::Exact(ApiVersion(45)), server).unwrap(),
            ApiVersion(45)
        );
        let err = negotiate(VersionRequest::Exact(ApiVersion(61)), server).unwrap_err();
        assert!(err.to_string().contains("3.61 is not supported"), "{err}");
    }

    #[test]
    fn parses_cinderclient_spellings() {
        assert_eq!(
            VersionRequest::parse("3").unwrap(),
            VersionRequest::Exact(ApiVersion(0))
        );
        assert_eq!(
            VersionRequest::parse("3.latest").unwrap(),
            VersionRequest::Latest
        );
        assert_eq!(
            VersionRequest::parse("3.44").unwrap(),
            VersionRequest::Exact(ApiVersion(44))
        );
        assert!(VersionRequest::parse("3.72").is_err());
        assert!(VersionRequest::parse("2.1").is_err());
        assert!(VersionRequest::parse("three").is_err());
    }
}
