//! A loopback HTTP server that records every request it gets and answers just enough of
//! Keystone and Cinder for `cinder` to start: Cinder's versions document (`GET /`) and
//! Keystone's token (`POST /v3/auth/tokens`, with a catalog pointing back at itself). Anything
//! else gets a 404. Tests point `cinder` at it to prove what a command sent, or that it sent
//! nothing at all. (The approach of cinder-client's `tests/support`, on plain threads, since
//! these tests run the binary synchronously.)

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One request: `METHOD /path?query`.
pub type Request = String;

pub struct Recorder {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    log: Arc<Mutex<Vec<Request>>>,
}

impl Recorder {
    /// A server whose versions document says the server supports 3.0 to `max_version`.
    pub fn start(max_version: &str) -> Recorder {
        Recorder::start_range("3.0", max_version)
    }

    /// A server whose versions document says the server supports `min_version` to
    /// `max_version`.
    pub fn start_range(min_version: &str, max_version: &str) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let (server_log, server_base) = (log.clone(), base.clone());
        let versions = format!(
            r#"{{"versions": [{{"id": "v3.0", "status": "CURRENT", "version": "{max_version}", "min_version": "{min_version}", "updated": "2023-08-31T00:00:00Z", "links": [], "media-types": []}}]}}"#
        );
        std::thread::spawn(move || {
            // Ends with the test process; every connection is answered in turn.
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let _ = answer(stream, &server_log, &server_base, &versions);
            }
        });
        Recorder { base, log }
    }

    /// The Cinder endpoint it serves, for `--os-endpoint`.
    pub fn endpoint(&self) -> String {
        format!("{}/v3/p1", self.base)
    }

    /// The Keystone URL it serves, for `--os-auth-url` and clouds.yaml.
    pub fn auth_url(&self) -> String {
        format!("{}/v3", self.base)
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }
}

fn answer(
    stream: std::net::TcpStream,
    log: &Mutex<Vec<Request>>,
    base: &str,
    versions: &str,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 {
            break;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    log.lock().unwrap().push(format!("{method} {path}"));
    let (status, extra, body) = match (method.as_str(), path.as_str()) {
        ("GET", "/") => (300, String::new(), versions.to_string()),
        ("POST", "/v3/auth/tokens") => (
            201,
            "x-subject-token: recorded-token\r\n".to_string(),
            format!(
                r#"{{"token": {{"project": {{"id": "p1"}}, "catalog": [{{"type": "block-storage", "endpoints": [{{"interface": "public", "region_id": "RegionOne", "url": "{base}/v3/p1"}}]}}]}}}}"#
            ),
        ),
        _ => (
            404,
            String::new(),
            r#"{"itemNotFound": {"code": 404, "message": "Not recorded here."}}"#.to_string(),
        ),
    };
    let response = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n{extra}\r\n{body}",
        body.len()
    );
    let mut stream = reader.into_inner();
    stream.write_all(response.as_bytes())?;
    stream.flush()
}
