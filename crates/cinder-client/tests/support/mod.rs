//! A loopback server that records every request it gets and answers like Keystone and Cinder
//! would, for behaviour a real server cannot show on demand.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use cinder_client::{Auth, Config, NameOrId};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub token: Option<String>,
    pub version: Option<String>,
    /// The request body, as text.
    pub body: String,
}

pub type Responder =
    Arc<dyn Fn(&Recorded, &str) -> (u16, Vec<(String, String)>, String) + Send + Sync>;

/// Serves `respond` on 127.0.0.1 and returns its base URL and the request log.
pub async fn serve(respond: Responder) -> (String, Arc<Mutex<Vec<Recorded>>>) {
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
                    body: String::from_utf8_lossy(&body).into_owned(),
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

pub fn json() -> Vec<(String, String)> {
    vec![("content-type".into(), "application/json".into())]
}

pub const VERSIONS: &str = r#"{"versions": [{"id": "v3.0", "status": "CURRENT", "version": "3.71", "min_version": "3.0", "updated": "2023-08-31T00:00:00Z", "links": [], "media-types": []}]}"#;

/// Answers the version document and Keystone's token requests (the n-th token is `token-n`);
/// volume requests are up to `volumes`.
pub fn cinder_like(
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

pub fn password_config(base: &str) -> Config {
    Config::new(Auth::Password {
        auth_url: format!("{base}/v3"),
        user: NameOrId::Name("admin".into()),
        user_domain: Some(NameOrId::Name("Default".into())),
        password: "secret-password".into(),
        project: Some(NameOrId::Name("admin".into())),
        project_domain: Some(NameOrId::Name("Default".into())),
    })
}
