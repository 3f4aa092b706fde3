//! Live conformance: an observer that validates every response the client receives against the
//! spec (strictly, see [`crate::schema`]) and records the violations.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use cinder_client::ResponseObserver;

use crate::schema::spec;

/// Live responses known to violate the spec, waiting for the spec to be fixed:
/// (operationId or `*` for any, a substring of the violation, why). A violation matching one is
/// reported on stderr but does not fail the test. Remove an entry once the spec is fixed.
pub const KNOWN_VIOLATIONS: &[(&str, &str, &str)] = &[];

/// Validates every response; shared by the client's observer and the test.
#[derive(Default)]
pub struct Checker {
    /// The negotiated minor version (0 until connected; 3.0 is checked as `Some(0)` afterwards).
    version: AtomicU16,
    connected: std::sync::atomic::AtomicBool,
    violations: Mutex<Vec<String>>,
    known: Mutex<Vec<String>>,
    /// How many responses were checked.
    checked: std::sync::atomic::AtomicUsize,
}

impl Checker {
    pub fn set_version(&self, minor: u16) {
        self.version.store(minor, Ordering::SeqCst);
        self.connected.store(true, Ordering::SeqCst);
    }

    fn version(&self) -> Option<u16> {
        self.connected
            .load(Ordering::SeqCst)
            .then(|| self.version.load(Ordering::SeqCst))
    }

    /// The violations seen so far (not the known ones).
    pub fn violations(&self) -> Vec<String> {
        self.violations.lock().unwrap().clone()
    }

    /// The known violations seen so far.
    pub fn known(&self) -> Vec<String> {
        self.known.lock().unwrap().clone()
    }

    pub fn checked(&self) -> usize {
        self.checked.load(Ordering::SeqCst)
    }

    /// Panics listing every violation seen; prints the known ones.
    pub fn assert_conformant(&self) {
        let known = self.known();
        if !known.is_empty() {
            eprintln!(
                "known spec violations (see KNOWN_VIOLATIONS):\n  {}",
                known.join("\n  ")
            );
        }
        let violations = self.violations();
        assert!(
            violations.is_empty(),
            "{} live response(s) violate the spec:\n  {}",
            violations.len(),
            violations.join("\n  ")
        );
    }
}

impl ResponseObserver for Checker {
    fn observe(
        &self,
        operation_id: &'static str,
        method: &str,
        request_body: Option<&[u8]>,
        status: u16,
        body: &[u8],
    ) {
        self.checked.fetch_add(1, Ordering::SeqCst);
        let version = self.version();
        let Err(errors) = spec().check_response(operation_id, status, request_body, body, version)
        else {
            return;
        };
        let action = request_body
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
            .and_then(|v| v.as_object().and_then(|o| o.keys().next().cloned()))
            .filter(|_| operation_id.ends_with("_action"))
            .map(|a| format!(" {a}"))
            .unwrap_or_default();
        let version = version
            .map(|v| format!("3.{v}"))
            .unwrap_or_else(|| "?".into());
        for error in errors {
            let line =
                format!("{operation_id}{action} ({method} -> {status}, at {version}): {error}");
            let is_known = KNOWN_VIOLATIONS
                .iter()
                .any(|(op, text, _)| (*op == "*" || *op == operation_id) && error.contains(text));
            if is_known {
                self.known.lock().unwrap().push(line);
            } else {
                self.violations.lock().unwrap().push(line);
            }
        }
    }
}

/// A handle on the checker of a connected client.
#[derive(Clone)]
pub struct Conformance(pub Arc<Checker>);

impl Conformance {
    pub fn assert_conformant(&self) {
        self.0.assert_conformant()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_violations_and_known_ones() {
        let checker = Checker::default();
        checker.set_version(71);
        checker.observe(
            "show_volume",
            "GET",
            None,
            200,
            br#"{"volume": {"bogus": 1}}"#,
        );
        checker.observe("delete_volume", "DELETE", None, 202, b"");
        checker.observe("delete_volume", "DELETE", None, 202, b"{}");
        checker.observe(
            "volume_action",
            "POST",
            Some(br#"{"os-extend": {"new_size": 2}}"#),
            200,
            b"",
        );
        checker.observe(
            "create_volume",
            "POST",
            Some(b"{}"),
            413,
            br#"{"overLimit": {"code": 413, "message": "m", "retryAfter": 0}}"#,
        );
        let violations = checker.violations();
        assert!(
            violations
                .iter()
                .any(|v| v.contains("$.volume.bogus: field not declared")),
            "{violations:#?}"
        );
        assert!(
            violations
                .iter()
                .any(|v| v.contains("expected an empty body")),
            "{violations:#?}"
        );
        assert!(
            violations
                .iter()
                .any(|v| v.contains("volume_action os-extend") && v.contains("declares 202")),
            "{violations:#?}"
        );
        assert!(
            violations
                .iter()
                .any(|v| v.contains("$.overLimit.retryAfter")),
            "{violations:#?}"
        );
        assert_eq!(checker.checked(), 5);
        assert!(std::panic::catch_unwind(|| checker.assert_conformant()).is_err());
    }
}
