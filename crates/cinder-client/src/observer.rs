//! A way for tests and diagnostics to see every exchange as it happened.

/// Sees every response the client receives; for conformance tests and diagnostics.
pub trait ResponseObserver: Send + Sync {
    /// `request_body` is the JSON sent (if any), `body` the response as received.
    fn observe(
        &self,
        operation_id: &'static str,
        method: &str,
        request_body: Option<&[u8]>,
        status: u16,
        body: &[u8],
    );
}
