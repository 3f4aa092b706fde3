//! Behaviour a real server cannot show on demand (an expired token, an HTML error page from a
//! proxy), checked against a loopback server that records every request it gets.

mod support;

use cinder_client::Run;
use cinder_client::{Auth, Cinder, Config, Error};
use support::*;

#[tokio::test]
async fn an_html_error_page_becomes_an_api_error_with_its_request_id() {
    let (base, _) = serve(cinder_like(|_| {
        (
            502,
            vec![("content-type".into(), "text/html".into()), ("x-openstack-request-id".into(), "req-123".into())],
            "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>".into(),
        )
    }))
    .await;
    let cinder = Cinder::connect(Config::new(Auth::TokenEndpoint {
        token: "a-token".into(),
        endpoint: format!("{base}/v3/p1"),
    }))
    .await
    .unwrap();
    let error = cinder.raw().list_volumes_detail().run().await.unwrap_err();
    match &error {
        Error::Api {
            status,
            message,
            request_id,
            ..
        } => {
            assert_eq!(*status, 502);
            assert!(message.contains("Bad Gateway"), "{message}");
            assert_eq!(request_id.as_deref(), Some("req-123"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert!(error.to_string().contains("request req-123"), "{error}");
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_and_the_request_replayed() {
    // Only the second token Keystone issues is accepted: the first has "expired".
    let (base, log) = serve(cinder_like(|request| match request.token.as_deref() {
        Some("token-2") => (200, json(), r#"{"volumes": []}"#.into()),
        _ => (401, json(), r#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#.into()),
    }))
    .await;
    let cinder = Cinder::connect(password_config(&base)).await.unwrap();
    let list = cinder.raw().list_volumes_detail().run().await.unwrap();
    assert!(list.volumes.is_empty());

    let log = log.lock().unwrap().clone();
    let token_requests = log.iter().filter(|r| r.path == "/v3/auth/tokens").count();
    let volume_requests: Vec<&Recorded> = log
        .iter()
        .filter(|r| r.path.starts_with("/v3/p1/"))
        .collect();
    assert_eq!(token_requests, 2, "{log:?}");
    let tokens: Vec<_> = volume_requests.iter().map(|r| r.token.as_deref()).collect();
    assert_eq!(tokens, [Some("token-1"), Some("token-2")], "{log:?}");
    assert!(volume_requests
        .iter()
        .all(|r| r.version.as_deref() == Some("volume 3.71")));
}

#[tokio::test]
async fn a_401_after_renewal_is_reported_not_retried_again() {
    let (base, log) = serve(cinder_like(|_| {
        (401, json(), r#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#.into())
    }))
    .await;
    let cinder = Cinder::connect(password_config(&base)).await.unwrap();
    let error = cinder.raw().list_volumes_detail().run().await.unwrap_err();
    assert_eq!(error.status(), Some(401), "{error:?}");
    assert!(
        error.to_string().contains("requires authentication"),
        "{error}"
    );
    // One renewal, one replay: never a loop.
    let log = log.lock().unwrap().clone();
    assert_eq!(
        log.iter().filter(|r| r.path.starts_with("/v3/p1/")).count(),
        2,
        "{log:?}"
    );
}

#[tokio::test]
async fn an_operation_the_version_lacks_is_refused_before_sending() {
    let (base, log) = serve(cinder_like(|_| (200, json(), "{}".into()))).await;
    let mut config = password_config(&base);
    config.api_version = cinder_client::VersionRequest::parse("3.11").unwrap();
    let cinder = Cinder::connect(config).await.unwrap();
    let error = cinder.raw().volume_summary().run().await.unwrap_err();
    assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
    assert!(error.to_string().contains("3.12 or later"), "{error}");
    assert!(log
        .lock()
        .unwrap()
        .iter()
        .all(|r| !r.path.contains("summary")));
}

/// `cinder_client::error_from_response`, the error-body fuzz target's entry point, ends where a
/// real call with the same answer ends.
#[tokio::test]
async fn the_fuzzed_error_path_is_the_real_one() {
    const CASES: &[(u16, &str)] = &[
        (
            404,
            r#"{"itemNotFound": {"message": "Volume 0 could not be found.", "code": 404}}"#,
        ),
        (
            413,
            r#"{"overLimit": {"message": "slow down", "code": 413, "retryAfter": 30}}"#,
        ),
        (400, r#"{"badRequest": {"message": "m", "code": "400"}}"#),
        (
            401,
            r#"{"error": {"code": 401, "title": "Unauthorized", "message": "no"}}"#,
        ),
        (
            502,
            "<html><body><h1>Bad \u{1b}[31mGateway</h1></body></html>",
        ),
        (503, ""),
        (500, "Internal\r\nServer Error"),
        (409, r#"{"a": {"message": "m"}, "b": {"message": "n"}}"#),
        (403, r#"["not", "a", "fault"]"#),
        (302, "Found"),
    ];
    let (base, _) = serve(cinder_like(|request| {
        let index: usize = request.path.rsplit('/').next().unwrap().parse().unwrap();
        let (status, body) = CASES[index];
        let mut headers = json();
        headers.push(("x-openstack-request-id".into(), format!("req-{index}")));
        (status, headers, body.to_string())
    }))
    .await;
    let cinder = Cinder::connect(Config::new(Auth::TokenEndpoint {
        token: "a-token".into(),
        endpoint: format!("{base}/v3/p1"),
    }))
    .await
    .unwrap();
    for (index, (status, body)) in CASES.iter().enumerate() {
        let real = cinder
            .raw()
            .show_volume()
            .volume_id(index.to_string())
            .run()
            .await
            .unwrap_err();
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-openstack-request-id",
            format!("req-{index}").parse().unwrap(),
        );
        let fuzzed = cinder_client::error_from_response(*status, headers, body.as_bytes()).await;
        assert_eq!(format!("{real:?}"), format!("{fuzzed:?}"), "{body}");
        assert!(
            matches!(&real, Error::Api { status: s, .. } if s == status),
            "{real:?}"
        );
    }
}

#[tokio::test]
async fn dot_and_dot_dot_are_never_sent_as_ids() {
    let (base, log) = serve(cinder_like(|request| match request.path.as_str() {
        path if path.starts_with("/v3/p1/volumes/detail") => (
            200,
            json(),
            r#"{"volumes": [{"id": "v-dots", "name": ".."}]}"#.into(),
        ),
        _ => (200, json(), r#"{"volume": {"id": "wrong"}}"#.into()),
    }))
    .await;
    let cinder = Cinder::connect(password_config(&base)).await.unwrap();
    let sent_before = log.lock().unwrap().len();
    for id in [".", ".."] {
        let error = cinder.volumes().show_json(id).await.unwrap_err();
        assert!(
            matches!(error, cinder_client::Error::InvalidRequest(_)),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .contains("would change the request's path"),
            "{error}"
        );
        cinder.volumes().delete(id).await.unwrap_err();
        cinder.volumes().metadata_json(id).await.unwrap_err();
    }
    assert_eq!(log.lock().unwrap().len(), sent_before, "a request was sent");
    // A resource may still be named `..`: found by its name, never by a path.
    let found = cinder.volumes().find_json("..").await.unwrap();
    assert_eq!(found["id"], "v-dots");
    let paths: Vec<String> = log.lock().unwrap()[sent_before..]
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert!(
        paths
            .iter()
            .all(|p| p.starts_with("/v3/p1/volumes/detail?")),
        "{paths:?}"
    );
}

#[tokio::test]
async fn a_body_beyond_the_limit_is_refused_with_the_limit_named() {
    let huge = format!(
        r#"{{"volumes": [], "padding": "{}"}}"#,
        "x".repeat(65 * 1024 * 1024)
    );
    let (base, _) = serve(cinder_like(move |_| (200, json(), huge.clone()))).await;
    let cinder = Cinder::connect(password_config(&base)).await.unwrap();
    let error = cinder.raw().list_volumes_detail().run().await.unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(text.contains("limit of 64 MiB"), "{text}");
    assert!(text.contains("list_volumes_detail"), "{text}");
}
