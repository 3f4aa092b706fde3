//! Which request an error belongs to. The generated client reports a body it cannot decode, or
//! a transport failure, without saying which operation it was running or which request id the
//! server gave it; the hook notes both here, per task, and [`crate::Cinder::call`] adds them
//! to the error.

use std::cell::RefCell;
use std::future::Future;

tokio::task_local! {
    static LAST: RefCell<Option<Exchange>>;
}

/// The last request a [`crate::Cinder::call`] sent, and the request id of its answer.
#[derive(Clone, Debug)]
pub(crate) struct Exchange {
    operation: &'static str,
    method: String,
    url: String,
    request_id: Option<String>,
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

/// Notes that `request` is about to be sent for `operation` (outside a scope: nothing).
pub(crate) fn record_request(operation: &'static str, request: &reqwest::Request) {
    let _ = LAST.try_with(|last| {
        *last.borrow_mut() = Some(Exchange {
            operation,
            method: request.method().to_string(),
            url: request.url().to_string(),
            request_id: None,
        })
    });
}

/// Notes the request id of the answer to the request last noted.
pub(crate) fn record_response(response: &reqwest::Response) {
    let request_id = crate::error::request_id(response.headers());
    let _ = LAST.try_with(|last| {
        if let Some(exchange) = last.borrow_mut().as_mut() {
            exchange.request_id = request_id;
        }
    });
}

/// Runs `future` with its own record, and returns what it noted last.
pub(crate) async fn scoped<F: Future>(future: F) -> (F::Output, Option<Exchange>) {
    LAST.scope(RefCell::new(None), async move {
        let output = future.await;
        let last = LAST.with(|last| last.borrow().clone());
        (output, last)
    })
    .await
}
