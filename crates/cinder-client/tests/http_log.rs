//! The HTTP log as a library user's own subscriber sees it: every exchange (Keystone, version
//! discovery, Cinder) as a curl line and the response, with tokens hashed and secrets masked.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use cinder_client::Run;
use cinder_client::{Auth, Cinder, Config, NameOrId, HTTP_LOG_TARGET};
use sha2::{Digest, Sha256};
use support::*;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;

/// Everything the subscriber writes, shared with the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Installs a subscriber for this thread (the tests' runtime is single-threaded) that
    /// keeps only the HTTP log, like a user filtering on the target would.
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_writer(move || writer.clone()))
            .with(Targets::new().with_target(HTTP_LOG_TARGET, LevelFilter::DEBUG));
        tracing::subscriber::set_default(subscriber)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn sha256(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{{SHA256}}{hex}")
}

fn lines_with<'a>(log: &'a str, needle: &str) -> Vec<&'a str> {
    log.lines().filter(|l| l.contains(needle)).collect()
}

#[tokio::test]
async fn every_exchange_is_logged_with_tokens_hashed_and_secrets_masked() {
    let (base, _) = serve(cinder_like(|_| {
        let body = r#"{"volumes": [], "connection": {"auth_password": "chap-secret", "auth_username": "chap-user"}}"#;
        (200, json(), body.into())
    }))
    .await;
    let captured = Captured::default();
    let _guard = captured.install();

    let cinder = Cinder::connect(password_config(&base)).await.unwrap();
    cinder.raw().list_volumes_detail().run().await.unwrap();
    let log = captured.text();

    // Keystone: the request with the password masked, the token header hashed.
    let auth = lines_with(&log, "REQ: curl -g -i -X POST");
    assert_eq!(auth.len(), 1, "{log}");
    assert!(auth[0].contains(&format!("{base}/v3/auth/tokens")), "{log}");
    assert!(auth[0].contains("operation=keystone_authenticate"), "{log}");
    assert!(auth[0].contains(r#""password":"***""#), "{log}");
    assert!(
        auth[0].contains(r#""methods":["password"]"#),
        "only values are masked: {log}"
    );
    assert!(log.contains(&format!("X-Subject-Token: {}", sha256("token-1"))));
    assert!(log.contains("RESP: [201]"), "{log}");
    // The catalog stays readable.
    assert!(log.contains(&format!("{base}/v3/p1")), "{log}");

    // Version discovery: no token, answered 300.
    let discovery = lines_with(&log, &format!("-X GET {base}/ "));
    assert_eq!(discovery.len(), 1, "{log}");
    assert!(!discovery[0].contains("X-Auth-Token"), "{log}");
    assert!(log.contains("RESP: [300]"), "{log}");

    // The Cinder call: URL, microversion, hashed token, status and masked body.
    let call = lines_with(&log, "operation=list_volumes_detail");
    let request = call
        .iter()
        .find(|l| l.contains("REQ: curl"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(
        request.contains(&format!("-X GET {base}/v3/p1/volumes/detail")),
        "{log}"
    );
    assert!(
        request.contains("-H 'OpenStack-API-Version: volume 3.71'"),
        "{log}"
    );
    assert!(
        request.contains(&format!("-H 'X-Auth-Token: {}'", sha256("token-1"))),
        "{log}"
    );
    assert!(call.iter().any(|l| l.contains("RESP: [200]")), "{log}");
    let body = call
        .iter()
        .find(|l| l.contains("RESP BODY:"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(body.contains(r#""auth_password":"***""#), "{log}");
    assert!(body.contains(r#""auth_username":"chap-user""#), "{log}");

    for secret in ["secret-password", "token-1", "chap-secret"] {
        assert!(!log.contains(secret), "{secret} leaked:\n{log}");
    }
}

#[tokio::test]
async fn token_and_application_credential_requests_are_masked() {
    let (base, _) = serve(cinder_like(|_| (200, json(), "{}".into()))).await;
    let captured = Captured::default();
    let _guard = captured.install();

    Cinder::connect(Config::new(Auth::Token {
        auth_url: base.clone(),
        token: "an-old-token".into(),
        project: Some(NameOrId::Name("admin".into())),
        project_domain: None,
    }))
    .await
    .unwrap();
    Cinder::connect(Config::new(Auth::ApplicationCredential {
        auth_url: base.clone(),
        credential: NameOrId::Id("cred-1".into()),
        user: None,
        user_domain: None,
        secret: "app-secret".into(),
    }))
    .await
    .unwrap();
    let log = captured.text();

    assert!(log.contains(r#""token":{"id":"***"}"#), "{log}");
    assert!(log.contains(r#""secret":"***""#), "{log}");
    assert!(log.contains(r#""id":"cred-1""#), "{log}");
    for secret in ["an-old-token", "app-secret", "token-1", "token-2"] {
        assert!(!log.contains(secret), "{secret} leaked:\n{log}");
    }
}

#[tokio::test]
async fn a_renewal_and_replay_are_logged_and_still_work() {
    // Only the second token is accepted: the 401, the new token and the replay all show.
    let (base, _) = serve(cinder_like(|request| match request.token.as_deref() {
        Some("token-2") => (200, json(), r#"{"volumes": []}"#.into()),
        _ => (401, json(), r#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#.into()),
    }))
    .await;
    let captured = Captured::default();
    let _guard = captured.install();

    let cinder = Cinder::connect(password_config(&base)).await.unwrap();
    let list = cinder.raw().list_volumes_detail().run().await.unwrap();
    assert!(list.volumes.is_empty());
    let log = captured.text();

    let calls: Vec<&str> = lines_with(&log, "REQ: curl")
        .into_iter()
        .filter(|l| l.contains("/volumes/detail"))
        .collect();
    assert_eq!(calls.len(), 2, "{log}");
    assert!(calls[0].contains(&sha256("token-1")), "{log}");
    assert!(calls[1].contains(&sha256("token-2")), "{log}");
    assert!(log.contains("RESP: [401]") && log.contains("RESP: [200]"));
    assert!(!log.contains("token-1") && !log.contains("token-2"));
}

#[tokio::test]
async fn keys_keyrings_and_credentials_in_answers_are_masked() {
    let (base, _) = serve(cinder_like(|_| {
        let body = r#"{"volumes": [], "connection_info": {"data": {"keyring": "AQBkeyring==", "name": "volumes/v"}}, "transfer": {"auth_key": "transfer-auth-key"}, "backup": {"encryption_key": "backup-encryption-key"}, "x": {"private_key": "-----BEGIN private", "access_key": "access-key-value", "credential": "credential-blob", "secret": "plain-secret"}}"#;
        (200, json(), body.into())
    }))
    .await;
    let captured = Captured::default();
    let _guard = captured.install();
    let cinder = Cinder::connect(password_config(&base)).await.unwrap();
    cinder.raw().list_volumes_detail().run().await.unwrap();
    let log = captured.text();
    assert!(log.contains(r#""name":"volumes/v""#), "{log}");
    for secret in [
        "AQBkeyring",
        "transfer-auth-key",
        "backup-encryption-key",
        "BEGIN private",
        "access-key-value",
        "credential-blob",
        "plain-secret",
    ] {
        assert!(!log.contains(secret), "{secret} leaked:\n{log}");
    }
}

#[tokio::test]
async fn a_user_and_password_in_a_url_stay_out_of_the_log_and_errors() {
    let (base, _) = serve(cinder_like(|_| (200, json(), r#"{"volumes": []}"#.into()))).await;
    let with_userinfo = base.replace("http://", "http://intruder:pw-in-url@");
    let captured = Captured::default();
    let _guard = captured.install();
    let config = password_config(&with_userinfo);
    assert!(!format!("{config:?}").contains("pw-in-url"));
    let cinder = Cinder::connect(config).await.unwrap();
    cinder.raw().list_volumes_detail().run().await.unwrap();
    let log = captured.text();
    assert!(log.contains("REQ: curl"), "{log}");
    assert!(!log.contains("pw-in-url"), "{log}");

    // Nobody listens on port 9: the error names the URL without them.
    let config = password_config("http://intruder:pw-in-url@127.0.0.1:9");
    let error = Cinder::connect(config).await.unwrap_err().to_string();
    assert!(
        error.contains("http://127.0.0.1:9/v3/auth/tokens"),
        "{error}"
    );
    assert!(!error.contains("pw-in-url"), "{error}");
}
