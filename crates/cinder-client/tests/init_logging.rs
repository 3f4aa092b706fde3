//! `init_logging()` shows the HTTP log: a child process (so that the global subscriber is its
//! own) turns it on and sends one request to a closed port; the log must name the request.

use std::process::Command;

#[test]
fn init_logging_prints_the_http_log_on_stderr() {
    if std::env::var_os("CINDER_INIT_LOGGING_CHILD").is_some() {
        cinder_client::init_logging();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let config = cinder_client::Config::new(cinder_client::Auth::TokenEndpoint {
            token: "secret-token".into(),
            endpoint: "http://127.0.0.1:9/v3/p".into(),
        });
        let _ = runtime.block_on(cinder_client::Cinder::connect(config));
        return;
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "init_logging_prints_the_http_log_on_stderr",
            "--nocapture",
        ])
        .env("CINDER_INIT_LOGGING_CHILD", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let log = format!("{stdout}{stderr}");
    assert!(
        log.contains("REQ: curl") && log.contains("http://127.0.0.1:9/"),
        "no HTTP log line in:\n{log}"
    );
    assert!(!log.contains("secret-token"), "the token leaked:\n{log}");
}
