//! A loopback reverse proxy between a client and one service of the local real cloud, which on
//! command misbehaves the ways networks and servers do: error statuses (with and without
//! `Retry-After`), throttling, reset connections, stalls, truncated or corrupted JSON, HTML
//! error pages from "a load balancer", and expired tokens. Everything it sees is recorded, so a
//! test can assert what reached the real server.
//!
//! Faults are rules: the first rule whose matcher fits a request and that has uses left
//! decides what happens to it; requests no rule matches are forwarded untouched.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// What to do to a matching request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer `status` without forwarding, optionally with `Retry-After: <seconds>`.
    Status {
        /// The HTTP status.
        status: u16,
        /// `Retry-After`, in seconds.
        retry_after: Option<u64>,
    },
    /// Forward, let the server act, then lose its answer and send `status` instead (a gateway
    /// timing out after the backend did the work).
    StatusAfterForwarding(u16),
    /// Close the connection without an answer (before forwarding).
    Reset,
    /// Forward, then close the connection without passing the answer on.
    ResetAfterForwarding,
    /// Wait this long before forwarding.
    Stall(Duration),
    /// Forward and pass on only the first half of the body.
    Truncate,
    /// Forward and replace the body with bytes that are not JSON.
    Corrupt,
    /// Answer `status` with an HTML page, as a proxy in front of the API would.
    Html(u16),
    /// Answer 401 as for an expired token (without forwarding).
    ExpireToken,
    /// Forward and change the JSON answer the way other releases and deployments differ:
    /// a field missing, a field `null`, a field the spec does not know.
    Mangle(Mangling),
}

/// One change to a JSON answer, at a JSON pointer (`/volume/attachments/0/attached_at`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mangling {
    /// The member at the pointer is removed.
    Remove(String),
    /// The value at the pointer becomes `null`.
    Null(String),
    /// The object at the pointer gets a member `x-unknown-field`, whose value is a copy of
    /// the object's first member (so that in a map, such as metadata, it is one more entry of
    /// the map's kind), or a string in an empty object.
    AddUnknown(String),
    /// Every string below the pointer gets [`ESCAPES`] appended: terminal control sequences
    /// as a project member could put in a name.
    Escapes(String),
}

/// What [`Mangling::Escapes`] appends: a terminal title change (OSC 0), hidden text (SGR 8),
/// a CSI in its one-byte C1 form and a delete.
pub const ESCAPES: &str = "\u{1b}]0;owned\u{7}\u{1b}[8m\u{9b}2J\u{7f}";

impl Mangling {
    /// The pointer it changes.
    pub fn pointer(&self) -> &str {
        match self {
            Mangling::Remove(p)
            | Mangling::Null(p)
            | Mangling::AddUnknown(p)
            | Mangling::Escapes(p) => p,
        }
    }

    /// `body` changed; a body that is not JSON, or a pointer that is not there, unchanged.
    pub fn apply(&self, body: &[u8]) -> Vec<u8> {
        let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(body) else {
            return body.to_vec();
        };
        let (parent, key) = match self.pointer().rsplit_once('/') {
            Some((parent, key)) => (
                parent.to_string(),
                key.replace("~1", "/").replace("~0", "~"),
            ),
            None => (String::new(), String::new()),
        };
        match self {
            Mangling::Remove(_) => match json.pointer_mut(&parent) {
                Some(serde_json::Value::Object(map)) => {
                    map.remove(&key);
                }
                Some(serde_json::Value::Array(items)) => {
                    if let Ok(index) = key.parse::<usize>() {
                        if index < items.len() {
                            items.remove(index);
                        }
                    }
                }
                _ => {}
            },
            Mangling::Null(pointer) => {
                if let Some(value) = json.pointer_mut(pointer) {
                    *value = serde_json::Value::Null;
                }
            }
            Mangling::AddUnknown(pointer) => {
                if let Some(serde_json::Value::Object(map)) = json.pointer_mut(pointer) {
                    let value = map
                        .values()
                        .next()
                        .cloned()
                        .unwrap_or_else(|| "added by a newer release".into());
                    map.insert("x-unknown-field".into(), value);
                }
            }
            Mangling::Escapes(pointer) => {
                if let Some(value) = json.pointer_mut(pointer) {
                    append_escapes(value);
                }
            }
        }
        serde_json::to_vec(&json).expect("JSON serializes")
    }
}

fn append_escapes(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => text.push_str(ESCAPES),
        serde_json::Value::Array(items) => items.iter_mut().for_each(append_escapes),
        serde_json::Value::Object(map) => map.values_mut().for_each(append_escapes),
        _ => {}
    }
}

/// Which requests a rule applies to.
#[derive(Clone, Debug, Default)]
pub struct Matcher {
    /// The method, e.g. `POST`; any when `None`.
    pub method: Option<String>,
    /// A substring of the path and query; any when `None`.
    pub path_contains: Option<String>,
    /// The exact `X-Auth-Token` value; any when `None`.
    pub token: Option<String>,
}

impl Matcher {
    /// Every request.
    pub fn any() -> Self {
        Matcher::default()
    }

    /// Requests with this method whose path contains `path`.
    pub fn request(method: &str, path: &str) -> Self {
        Matcher {
            method: Some(method.to_string()),
            path_contains: Some(path.to_string()),
            token: None,
        }
    }

    /// Requests carrying this token.
    pub fn token(token: &str) -> Self {
        Matcher {
            token: Some(token.to_string()),
            ..Matcher::default()
        }
    }

    fn fits(&self, method: &str, path: &str, token: Option<&str>) -> bool {
        self.method.as_deref().is_none_or(|m| m == method)
            && self
                .path_contains
                .as_deref()
                .is_none_or(|p| path.contains(p))
            && self.token.as_deref().is_none_or(|t| Some(t) == token)
    }
}

#[derive(Debug)]
struct Rule {
    matcher: Matcher,
    fault: Fault,
    /// Uses left; `None` for every matching request.
    remaining: Option<usize>,
}

/// One request the proxy saw.
#[derive(Clone, Debug)]
pub struct Seen {
    /// The method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// The fault applied, if any.
    pub fault: Option<Fault>,
    /// Whether the request reached the real server.
    pub forwarded: bool,
    /// The status the client was sent (`None` for a reset).
    pub status: Option<u16>,
    /// The `X-Auth-Token` it carried.
    pub token: Option<String>,
    /// What the real server answered, when the request reached it.
    pub upstream_status: Option<u16>,
    /// The request body as text, when the request reached the server.
    pub body: Option<String>,
    /// The `OpenStack-API-Version` header it carried (the server reads the body by it).
    pub version: Option<String>,
    /// What the real server answered, as text, when the request reached it: the parity oracle
    /// reads the IDs of what a command created from it, to clean up.
    pub answer: Option<String>,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    seen: Vec<Seen>,
    random: Option<RandomFaults>,
    /// Requests being handled.
    in_flight: usize,
}

/// Faults picked at random for requests no rule matches.
struct RandomFaults {
    per_mille: u64,
    faults: Vec<Fault>,
    /// xorshift64 state: seeded, so a run can be repeated.
    state: u64,
}

impl RandomFaults {
    fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }

    fn roll(&mut self) -> Option<Fault> {
        if self.faults.is_empty() || self.next() % 1000 >= self.per_mille {
            return None;
        }
        let pick = (self.next() % self.faults.len() as u64) as usize;
        Some(self.faults[pick].clone())
    }
}

/// A running proxy; it stops when dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    upstream: String,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The answer the proxy gives, or a reset.
enum Outcome {
    Answer(Response<Full<Bytes>>),
    Reset,
}

impl FaultProxy {
    /// Starts a proxy on 127.0.0.1 in front of `upstream` (e.g. `http://127.0.0.1:8776`).
    pub async fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let state = Arc::new(Mutex::new(State::default()));
        let upstream = upstream.trim_end_matches('/').to_string();
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client");
        let (task_state, task_upstream) = (state.clone(), upstream.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (state, upstream, client) =
                    (task_state.clone(), task_upstream.clone(), client.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let (state, upstream, client) =
                            (state.clone(), upstream.clone(), client.clone());
                        async move {
                            // In its own task, so that a request the client gave up on still
                            // reaches the server and is recorded, as through a real proxy.
                            state.lock().unwrap().in_flight += 1;
                            let handled = tokio::spawn(async move {
                                let outcome = handle(request, &state, &upstream, &client).await;
                                state.lock().unwrap().in_flight -= 1;
                                outcome
                            });
                            match handled.await.unwrap_or(Outcome::Reset) {
                                Outcome::Answer(response) => Ok(response),
                                // An error from the service makes hyper drop the connection.
                                Outcome::Reset => Err(std::io::Error::other("reset by the proxy")),
                            }
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        FaultProxy {
            addr,
            upstream,
            state,
            task,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `url` with this proxy in place of the upstream it fronts.
    pub fn rewrite(&self, url: &str) -> String {
        url.replacen(&self.upstream, &self.url(), 1)
    }

    /// Applies `fault` to the next `times` requests `matcher` fits.
    pub fn inject(&self, matcher: Matcher, fault: Fault, times: usize) {
        self.push(matcher, fault, Some(times));
    }

    /// Applies `fault` to every request `matcher` fits, until [`FaultProxy::clear`].
    pub fn always(&self, matcher: Matcher, fault: Fault) {
        self.push(matcher, fault, None);
    }

    /// Applies one of `faults`, picked at random, to `per_mille`/1000 of the requests no rule
    /// matches; `seed` makes the sequence repeatable.
    pub fn random(&self, per_mille: u64, faults: Vec<Fault>, seed: u64) {
        self.state.lock().unwrap().random = Some(RandomFaults {
            per_mille,
            faults,
            state: seed.max(1),
        });
    }

    /// Removes every rule and the random faults.
    pub fn clear(&self) {
        self.state.lock().unwrap().random = None;
        self.state.lock().unwrap().rules.clear();
    }

    /// Waits until no request is being handled (one a client gave up on may still be on its
    /// way to the server).
    pub async fn idle(&self) {
        while self.state.lock().unwrap().in_flight > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Everything seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    /// How many requests `matcher` fits, and how many of those reached the server.
    pub fn count(&self, matcher: &Matcher) -> (usize, usize) {
        let seen = self.seen();
        let fitting: Vec<&Seen> = seen
            .iter()
            .filter(|s| matcher.fits(&s.method, &s.path, s.token.as_deref()))
            .collect();
        let forwarded = fitting.iter().filter(|s| s.forwarded).count();
        (fitting.len(), forwarded)
    }

    fn push(&self, matcher: Matcher, fault: Fault, remaining: Option<usize>) {
        self.state.lock().unwrap().rules.push(Rule {
            matcher,
            fault,
            remaining,
        });
    }
}

/// Takes the first rule that fits and has uses left.
fn take_fault(
    state: &Mutex<State>,
    method: &str,
    path: &str,
    token: Option<&str>,
) -> Option<Fault> {
    let mut state = state.lock().unwrap();
    let rule = state
        .rules
        .iter_mut()
        .find(|r| r.matcher.fits(method, path, token) && r.remaining != Some(0));
    match rule {
        Some(rule) => {
            if let Some(remaining) = &mut rule.remaining {
                *remaining -= 1;
            }
            Some(rule.fault.clone())
        }
        None => state.random.as_mut().and_then(RandomFaults::roll),
    }
}

async fn handle(
    request: Request<Incoming>,
    state: &Mutex<State>,
    upstream: &str,
    client: &reqwest::Client,
) -> Outcome {
    let method = request.method().to_string();
    let path = request
        .uri()
        .path_and_query()
        .map_or("/".to_string(), |p| p.to_string());
    let token = request
        .headers()
        .get("x-auth-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let version = request
        .headers()
        .get("openstack-api-version")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let fault = take_fault(state, &method, &path, token.as_deref());
    let record_full = |status: Option<u16>, upstream: Option<(u16, &Bytes, &Bytes)>| {
        state.lock().unwrap().seen.push(Seen {
            method: method.clone(),
            path: path.clone(),
            fault: fault.clone(),
            forwarded: upstream.is_some(),
            status,
            token: token.clone(),
            upstream_status: upstream.map(|(s, _, _)| s),
            body: upstream.map(|(_, b, _)| String::from_utf8_lossy(b).into_owned()),
            version: version.clone(),
            answer: upstream.map(|(_, _, a)| String::from_utf8_lossy(a).into_owned()),
        });
    };
    let record = |forwarded: bool, status: Option<u16>| {
        debug_assert!(
            !forwarded,
            "forwarded requests are recorded with their answer"
        );
        record_full(status, None);
    };

    match &fault {
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            record(false, Some(*status));
            let mut response = json_response(
                *status,
                &format!(r#"{{"computeFault": {{"code": {status}, "message": "injected"}}}}"#),
            );
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert("retry-after", seconds.to_string().parse().unwrap());
            }
            return Outcome::Answer(response);
        }
        Some(Fault::Reset) => {
            record(false, None);
            return Outcome::Reset;
        }
        Some(Fault::Html(status)) => {
            record(false, Some(*status));
            let mut response = Response::new(Full::new(Bytes::from(format!(
                "<html><head><title>{status} Bad Gateway</title></head><body><h1>{status} \
                 Bad Gateway</h1><p>The proxy could not reach the API.</p></body></html>"
            ))));
            *response.status_mut() = hyper::StatusCode::from_u16(*status).unwrap();
            response
                .headers_mut()
                .insert("content-type", "text/html".parse().unwrap());
            return Outcome::Answer(response);
        }
        Some(Fault::ExpireToken) => {
            record(false, Some(401));
            let mut response = json_response(
                401,
                r#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#,
            );
            response.headers_mut().insert(
                "www-authenticate",
                "Keystone uri=\"http://127.0.0.1\"".parse().unwrap(),
            );
            return Outcome::Answer(response);
        }
        Some(Fault::Stall(duration)) => tokio::time::sleep(*duration).await,
        _ => {}
    }

    let (parts, body) = request.into_parts();
    let sent = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Outcome::Reset,
    };
    let mut forward = client.request(parts.method.clone(), format!("{upstream}{path}"));
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" && name != "connection" {
            forward = forward.header(name, value);
        }
    }
    let answer = match forward.body(sent.clone()).send().await {
        Ok(answer) => answer,
        Err(_) => {
            record(false, Some(502));
            return Outcome::Answer(json_response(502, r#"{"error": "upstream unreachable"}"#));
        }
    };
    let status = answer.status().as_u16();
    let headers = answer.headers().clone();
    let body = answer.bytes().await.unwrap_or_default();

    let answered = body.clone();
    let (status, body) = match &fault {
        Some(Fault::StatusAfterForwarding(injected)) => {
            record_full(Some(*injected), Some((status, &sent, &body)));
            return Outcome::Answer(json_response(
                *injected,
                &format!(r#"{{"computeFault": {{"code": {injected}, "message": "injected"}}}}"#),
            ));
        }
        Some(Fault::ResetAfterForwarding) => {
            record_full(None, Some((status, &sent, &body)));
            return Outcome::Reset;
        }
        Some(Fault::Truncate) => (status, body.slice(..body.len() / 2)),
        Some(Fault::Corrupt) => (status, Bytes::from_static(b"\x00{not json at all")),
        Some(Fault::Mangle(mangling)) => (status, Bytes::from(mangling.apply(&body))),
        _ => (status, body),
    };
    record_full(Some(status), Some((status, &sent, &answered)));
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
    for (name, value) in &headers {
        if name != "content-length" && name != "transfer-encoding" && name != "connection" {
            response.headers_mut().append(name, value.clone());
        }
    }
    Outcome::Answer(response)
}

fn json_response(status: u16, body: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
    response
        .headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    response
}

/// The scheme, host and port of `url`: what a proxy in front of it replaces.
pub fn origin(url: &str) -> String {
    let parsed = url::Url::parse(url).expect("a URL");
    format!(
        "{}://{}:{}",
        parsed.scheme(),
        parsed.host_str().unwrap_or_default(),
        parsed.port_or_known_default().unwrap_or_default()
    )
}

/// Proxies in front of the local cloud's Keystone and Cinder, and the admin configuration that
/// goes through them (auth URL and block-storage endpoint rewritten).
pub struct Proxied {
    /// In front of Keystone.
    pub keystone: FaultProxy,
    /// In front of Cinder.
    pub cinder: FaultProxy,
    /// Cloud `local`'s settings, through the proxies.
    pub config: cinder_client::Config,
}

impl Proxied {
    /// Starts both proxies.
    pub async fn start() -> Proxied {
        let version = cinder_client::VersionRequest::Latest;
        let direct = crate::cloud::admin(version).await;
        let mut config = crate::cloud::config("local", version);
        // Through the proxies every authentication is seen and can be made to fail.
        config.token_cache = None;
        let cinder_client::Auth::Password { auth_url, .. } = &mut config.auth else {
            panic!("the local cloud uses password auth");
        };
        let keystone = FaultProxy::start(&origin(auth_url)).await;
        *auth_url = keystone.rewrite(auth_url);
        let cinder = FaultProxy::start(&origin(direct.endpoint())).await;
        config.endpoint_override = Some(cinder.rewrite(direct.endpoint()));
        Proxied {
            keystone,
            cinder,
            config,
        }
    }
}
