//! Cinder microversions as they appear in the spec's `x-openstack-*-version` extensions.

use std::fmt;

use serde_json::Value;

/// The lowest microversion: where API v3 begins. The highest is not a constant: it is written
/// once, in the spec's `info.version` ([`client_max`]).
pub const MIN_VERSION: Microversion = Microversion(0);

/// A `3.N` microversion; only the minor number varies within API v3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Microversion(pub u16);

impl Microversion {
    /// Parses `"3.N"`; anything else (other majors, `3.N.M`, numbers, blanks) is rejected.
    pub fn parse(text: &str) -> Result<Self, String> {
        let minor = text
            .strip_prefix("3.")
            .filter(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_digit()))
            .filter(|m| m.len() == 1 || !m.starts_with('0'))
            .and_then(|m| m.parse::<u16>().ok())
            .ok_or_else(|| format!("{text:?} is not a microversion of the form \"3.N\""))?;
        Ok(Microversion(minor))
    }

    /// Parses `"3.N"` and checks that it sits in `MIN_VERSION..=max`.
    pub fn parse_within(text: &str, max: Microversion) -> Result<Self, String> {
        let version = Self::parse(text)?;
        if version < MIN_VERSION || version > max {
            return Err(format!(
                "{text} is outside the supported range {MIN_VERSION}..{max}"
            ));
        }
        Ok(version)
    }
}

/// The highest microversion the client speaks: the spec's `info.version` (`"3.N"`).
pub fn client_max(document: &Value) -> Result<Microversion, String> {
    let text = document
        .pointer("/info/version")
        .and_then(Value::as_str)
        .ok_or("info.version is missing: it must be the client's maximum, \"3.N\"")?;
    Microversion::parse(text).map_err(|e| format!("info.version: {e}"))
}

impl fmt::Display for Microversion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "3.{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_supported_range_only() {
        let max = Microversion(71);
        assert_eq!(Microversion::parse_within("3.0", max), Ok(Microversion(0)));
        assert_eq!(
            Microversion::parse_within("3.71", max),
            Ok(Microversion(71))
        );
        assert_eq!(Microversion::parse("3.72"), Ok(Microversion(72)));
        for bad in ["3.72", "2.1", "3", "3.", "3.07", "3.1.2", " 3.1", "latest"] {
            assert!(
                Microversion::parse_within(bad, max).is_err(),
                "{bad} was accepted"
            );
        }
    }

    #[test]
    fn the_maximum_is_the_specs_info_version() {
        let document = serde_json::json!({"info": {"version": "3.70"}});
        assert_eq!(client_max(&document), Ok(Microversion(70)));
        assert!(client_max(&serde_json::json!({"info": {}})).is_err());
        assert!(client_max(&serde_json::json!({"info": {"version": "1.0"}})).is_err());
    }
}
