//! The seam between this generated crate and the hand-written wrapper: every request passes
//! through a [`RequestHook`] before it is sent, and through it again to be executed.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};

/// A boxed future, as returned by [`RequestHook::execute`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Per-request behaviour supplied by the wrapper: authentication, the microversion header,
/// microversion gating, retries.
pub trait RequestHook: Send + Sync + std::fmt::Debug {
    /// Adjusts a request before it is sent; an `Err` stops it from being sent at all.
    fn prepare(&self, request: &mut reqwest::Request, operation_id: &'static str)
        -> Result<(), String>;

    /// Sends the request. The default sends it once.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        _operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        Box::pin(client.execute(request))
    }
}

/// The state the generated [`crate::Client`] carries: an optional hook.
#[derive(Clone, Debug, Default)]
pub struct Hooks(Option<Arc<dyn RequestHook>>);

impl Hooks {
    pub fn new(hook: Arc<dyn RequestHook>) -> Self {
        Hooks(Some(hook))
    }

    /// No hook: requests go out as generated (plus the removal of `api-version`).
    pub fn none() -> Self {
        Hooks(None)
    }
}

impl ClientHooks<Hooks> for crate::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        // progenitor adds `api-version: <info.version>`; Cinder selects versions with
        // `OpenStack-API-Version` instead, which the hook sets.
        request.headers_mut().remove("api-version");
        match &self.inner().0 {
            Some(hook) => hook
                .prepare(request, info.operation_id)
                .map_err(Error::Custom),
            None => Ok(()),
        }
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match &self.inner().0 {
            Some(hook) => hook.execute(self.client(), request, info.operation_id).await,
            None => self.client().execute(request).await,
        }
    }
}
