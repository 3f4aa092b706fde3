//! `cinder` through a fault-injection proxy in front of the local cloud's Cinder
//! (`cinder_tests::fault_proxy`): what is safe to repeat is retried by default, and
//! `--retries 0` turns that off.

mod common;

use cinder_tests::fault_proxy::{Fault, Matcher, Proxied};
use common::require_cloud;

/// Runs `cinder ARGS` as the local admin, through the proxies; returns (status, stdout, stderr).
async fn cinder_through(proxied: &Proxied, args: &[&str]) -> (Option<i32>, String, String) {
    let run = common::cinder_through(proxied, None, args).await;
    (run.code, run.stdout, run.stderr)
}

fn unavailable() -> Fault {
    Fault::Status {
        status: 503,
        retry_after: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_survives_one_503_by_default() {
    require_cloud();
    let proxied = Proxied::start().await;
    let lists = Matcher::request("GET", "/volumes/detail");
    proxied.cinder.inject(lists.clone(), unavailable(), 1);
    let (code, stdout, stderr) = cinder_through(&proxied, &["list"]).await;
    assert_eq!(code, Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("| ID "), "{stdout}");
    // The 503, then the retry that got through.
    assert_eq!(proxied.cinder.count(&lists), (2, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_fails_on_one_503_with_retries_off() {
    require_cloud();
    let proxied = Proxied::start().await;
    let lists = Matcher::request("GET", "/volumes/detail");
    proxied.cinder.inject(lists.clone(), unavailable(), 1);
    let (code, stdout, stderr) = cinder_through(&proxied, &["--retries", "0", "list"]).await;
    assert_eq!(code, Some(1), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stderr.contains("503"), "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(proxied.cinder.count(&lists), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_is_not_repeated_after_a_503() {
    require_cloud();
    let proxied = Proxied::start().await;
    let creates = Matcher::request("POST", "/volumes");
    proxied.cinder.inject(creates.clone(), unavailable(), 1);
    let name = common::unique("retry-create");
    let (code, stdout, stderr) = cinder_through(&proxied, &["create", "1", "--name", &name]).await;
    assert_eq!(code, Some(1), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stderr.contains("503"), "{stderr}");
    // Sent once, and it never reached the server.
    assert_eq!(proxied.cinder.count(&creates), (1, 0));
}
