//! The service commands on the local cloud, where nothing is changed: a non-admin's
//! service-list is refused by policy, reported cleanly; Cinder 29's disable (without a reason)
//! answers "disabled" (and leaves the service as it was: `tests/tests/e2e_admin.rs` checks that,
//! beside the tests that do change services, since another test binary may change `fake2`
//! meanwhile).

mod common;

use common::*;

#[test]
fn service_list_is_the_admins() {
    require_cloud();
    let refused = run_as(Some("local-demo"), &["service-list"]);
    assert_eq!(refused.code, Some(1), "{}", refused.stdout);
    assert_eq!(refused.stdout, "");
    assert!(refused.stderr.contains("HTTP 403"), "{}", refused.stderr);
    assert!(!refused.stderr.contains("panicked"), "{}", refused.stderr);

    let listed = ok(&["service-list", "--binary", "cinder-volume"]);
    let hosts: Vec<String> = rows(&listed)
        .into_iter()
        .map(|row| row[1].clone())
        .collect();
    assert!(
        hosts.contains(&"cinder-local@fake2".to_string()),
        "{listed}"
    );
}

#[test]
fn service_disable_without_reason_prints_cinders_answer() {
    require_cloud();
    let answer = ok(&["service-disable", "cinder-local@fake2", "cinder-volume"]);
    let row = rows(&answer).into_iter().next().expect("one row");
    assert_eq!(row, ["cinder-local@fake2", "cinder-volume", "disabled"]);
}
