//! Cinder microversions as they appear in the spec's `x-openstack-*-version` extensions.

use std::fmt;

/// The lowest and highest microversions this client knows (Cinder 29).
pub const MIN_VERSION: Microversion = Microversion(0);
pub const MAX_VERSION: Microversion = Microversion(71);

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
        let version = Microversion(minor);
        if version < MIN_VERSION || version > MAX_VERSION {
            return Err(format!(
                "{text} is outside the supported range {MIN_VERSION}..{MAX_VERSION}"
            ));
        }
        Ok(version)
    }
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
        assert_eq!(Microversion::parse("3.0"), Ok(Microversion(0)));
        assert_eq!(Microversion::parse("3.71"), Ok(Microversion(71)));
        for bad in ["3.72", "2.1", "3", "3.", "3.07", "3.1.2", " 3.1", "latest"] {
            assert!(Microversion::parse(bad).is_err(), "{bad} was accepted");
        }
    }
}
