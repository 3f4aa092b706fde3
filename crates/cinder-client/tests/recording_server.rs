//! Behaviour a real server cannot show on demand (an expired token, an HTML error page from a
//! proxy), checked against a loopback server that records every request it gets.

use std::sync::{Arc, Mutex};

use cinder_client::{Auth, Cinder, Config, Error, NameOrId};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Clone, Debug)]
struct Recorded {
    method: String,
    path: String,
    token: Option<String>,
    version: Option<String>,
}

type Responder = Arc<dyn Fn(&Recorded, &str) -> (u16, Vec<(String, String)>, String) + Send + Sync>;

/// Serves `respond` on 127.0.0.1 and returns its base URL and the request log.
async fn serve(respond: Responder) -> (String, Arc<Mutex<Vec<Recorded>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let (server_log, server_base) = (log.clone(), base.clone());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (log, respond, base) = (server_log.clone(), respond.clone(), server_base.clone());
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                reader.read_line(&mut line).await.unwrap();
                let mut parts = line.split_whitespace();
                let (method, path) = (
                    parts.next().unwrap_or("").to_string(),
                    parts.next().unwrap_or("").to_string(),
                );
                let (mut length, mut token, mut version) = (0usize, None, None);
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).await.unwrap();
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    let (name, value) = header.split_once(':').unwrap();
                    let value = value.trim().to_string();
                    match name.to_ascii_lowercase().as_str() {
                        "content-length" => length = value.parse().unwrap(),
                        "x-auth-token" => token = Some(value),
                        "openstack-api-version" => version = Some(value),
                        _ => {}
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).await.unwrap();
                let request = Recorded {
                    method,
                    path,
                    token,
                    version,
                };
                log.lock().unwrap().push(request.clone());
                let (status, headers, body) = respond(&request, &base);
                let mut response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    response.push_str(&format!("{name}: {value}\r\n"));
                }
                response.push_str("\r\n");
                response.push_str(&body);
                let mut stream = reader.into_inner();
                stream.write_all(response.as_bytes()).await.unwrap();
                stream.shutdown().await.ok();
            });
        }
    });
    (base, log)
}

fn json() -> Vec<(String, String)> {
    vec![("content-type".into(), "application/json".into())]
}

const VERSIONS: &str = r#"{"versions": [{"id": "v3.0", "status": "CURRENT", "version": "3.71", "min_version": "3.0", "updated": "2023-08-31T00:00:00Z", "links": [], "media-types": []}]}"#;

/// Answers the version document and Keystone's token requests (the n-th token is `token-n`);
/// volume requests are up to `volumes`.
fn cinder_like(
    volumes: impl Fn(&Recorded) -> (u16, Vec<(String, String)>, String) + Send + Sync + 'static,
) -> Responder {
    let issued = std::sync::atomic::AtomicUsize::new(0);
    Arc::new(
        move |request, base| match (request.method.as_str(), request.path.as_str()) {
            ("GET", "/") => (300, json(), VERSIONS.to_string()),
            ("POST", "/v3/auth/tokens") => {
                let n = issued.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                let catalog = format!(
                    r#"{{"token": {{"project": {{"id": "p1"}}, "catalog": [{{"type": "block-storage", "endpoints": [{{"interface": "public", "region_id": "RegionOne", "url": "{base}/v3/p1"}}]}}]}}}}"#
                );
                let mut headers = json();
                headers.push(("x-subject-token".into(), format!("token-{n}")));
                (201, headers, catalog)
            }
            _ => volumes(request),
        },
    )
}

fn password_config(base: &str) -> Config {
    Config::new(Auth::Password {
        auth_url: format!("{base}/v3"),
        user: NameOrId::Name("admin".into()),
        user_domain: Some(NameOrId::Name("Default".into())),
        password: "secret-password".into(),
        project: Some(NameOrId::Name("admin".into())),
        project_domain: Some(NameOrId::Name("Default".into())),
    })
}

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
    let error = cinder
        .call(cinder.raw().list_volumes_detail().send())
        .await
        .unwrap_err();
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
    let list = cinder
        .call(cinder.raw().list_volumes_detail().send())
        .await
        .unwrap();
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
    let error = cinder
        .call(cinder.raw().list_volumes_detail().send())
        .await
        .unwrap_err();
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
    let error = cinder
        .call(cinder.raw().volume_summary().send())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Unsupported(_)), "{error:?}");
    assert!(error.to_string().contains("3.12 or later"), "{error}");
    assert!(log
        .lock()
        .unwrap()
        .iter()
        .all(|r| !r.path.contains("summary")));
}
