//! What happened to the request a call sent. The generated client reports a body it cannot
//! decode, a transport failure or a request the microversion refuses without saying which
//! operation it was running, which request id the server gave it, or (on success) the body
//! as it came; the hook notes all of that here, per task, and [`crate::Run`] adds it to the
//! result.

use std::cell::RefCell;
use std::future::Future;

use crate::fault;

tokio::task_local! {
    static LAST: RefCell<Record>;
}

/// The last request a [`crate::Run`] call sent, and the request id of its answer.
#[derive(Clone, Debug)]
pub(crate) struct Exchange {
    pub operation: &'static str,
    pub method: String,
    pub url: String,
    pub request_id: Option<String>,
}

impl std::fmt::Display for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} {}", self.operation, self.method, self.url)?;
        if let Some(request_id) = &self.request_id {
            write!(f, ", request {request_id}")?;
        }
        f.write_str(")")
    }
}

/// Why the hook refused to send a request: what needs which microversion.
#[derive(Clone, Debug)]
pub(crate) struct Refusal {
    /// The operation, with its method and path when the operation itself is refused.
    pub operation: String,
    /// The argument (`the query parameter `with_count``), or `None` for the operation itself.
    pub argument: Option<String>,
    pub min: u16,
    pub max: u16,
    pub using: u16,
}

/// Everything noted during one scope.
#[derive(Default)]
pub(crate) struct Record {
    /// Whether the body of a successful answer is to be kept.
    keep_body: bool,
    pub exchange: Option<Exchange>,
    pub refusal: Option<Refusal>,
    /// The last successful answer's body, when asked for.
    pub body: Option<bytes::Bytes>,
}

/// Notes that `request` is about to be sent for `operation` (outside a scope: nothing).
pub(crate) fn record_request(operation: &'static str, request: &reqwest::Request) {
    let _ = LAST.try_with(|last| {
        last.borrow_mut().exchange = Some(Exchange {
            operation,
            method: request.method().to_string(),
            url: request.url().to_string(),
            request_id: None,
        })
    });
}

/// Notes the request id of the answer to the request last noted.
pub(crate) fn record_response(response: &reqwest::Response) {
    let request_id = request_id(response.headers());
    let _ = LAST.try_with(|last| {
        if let Some(exchange) = last.borrow_mut().exchange.as_mut() {
            exchange.request_id = request_id;
        }
    });
}

/// Notes why a request was not sent.
pub(crate) fn record_refusal(refusal: Refusal) {
    let _ = LAST.try_with(|last| last.borrow_mut().refusal = Some(refusal));
}

/// Whether the current scope wants the body of a successful answer.
pub(crate) fn wants_body() -> bool {
    LAST.try_with(|last| last.borrow().keep_body)
        .unwrap_or(false)
}

/// Keeps the body of the answer last received.
pub(crate) fn record_body(body: bytes::Bytes) {
    let _ = LAST.try_with(|last| last.borrow_mut().body = Some(body));
}

/// Runs `future` with its own record (keeping the answer's body if `keep_body`), and returns
/// what was noted.
pub(crate) async fn scoped<F: Future>(future: F, keep_body: bool) -> (F::Output, Record) {
    let record = Record {
        keep_body,
        ..Record::default()
    };
    LAST.scope(RefCell::new(record), async move {
        let output = future.await;
        let record = LAST.with(|last| std::mem::take(&mut *last.borrow_mut()));
        (output, record)
    })
    .await
}

/// `X-OpenStack-Request-Id` (or Nova's name for it), [`clean`](fault::clean)ed: header values
/// may hold tabs.
pub(crate) fn request_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    ["x-openstack-request-id", "x-compute-request-id"]
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|value| value.to_str().ok())
        .map(|value| fault::clean(value, fault::MAX_NAME_CHARS))
        .filter(|value| !value.is_empty())
}
