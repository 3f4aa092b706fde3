//! The one call style: every generated request — a builder of `cinder.raw()`, or the future of
//! a typed action method — is sent with [`Run::run`] (the typed answer) or [`Run::run_json`]
//! (the answer's JSON beside the typed value), and fails with the library's [`Error`], naming
//! the operation, the request id and, for an answer that does not decode, the JSON path. The few
//! operations whose answer is not JSON (the spec declares another media type) are sent with
//! [`RunText::run_text`].

use std::future::{Future, IntoFuture};

use futures::TryStreamExt;
use progenitor_client::ByteStream;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, RawError, Result};
use crate::exchange::{self, Record};
use crate::fault;
use crate::ResponseValue;

/// Sends a generated request through the connection it was made from.
///
/// ```no_run
/// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
/// use cinder_client::Run;
///
/// let summary = cinder.raw().volume_summary().run().await?;
/// println!("{} volumes, {} GiB", summary.volume_summary.total_count, summary.volume_summary.total_size);
///
/// // The answer's JSON, whatever the typed decoding makes of it.
/// let shown = cinder.raw().show_volume().volume_id("my-id").run_json().await?;
/// println!("{}", shown.json()["volume"]["status"]);
/// # Ok(())
/// # }
/// ```
pub trait Run<T>:
    IntoFuture<Output = std::result::Result<ResponseValue<T>, RawError>> + Sized
where
    Self::IntoFuture: Send,
    T: DeserializeOwned + Send,
{
    /// Sends the request; the typed answer, or the library's [`Error`].
    fn run(self) -> impl Future<Output = Result<T>> + Send {
        let call = self.into_future();
        async move {
            let (result, record) = exchange::scoped(call, false).await;
            match result {
                Ok(response) => Ok(response.into_inner()),
                Err(error) => Err(failure::<T>(error, &record).await),
            }
        }
    }

    /// Sends the request; the answer's JSON as the server sent it, beside the typed value (or
    /// the reason there is none). Fails only when there is no answer to show: an error status,
    /// a transport failure, a refusal before sending, or a body that is not JSON at all.
    fn run_json(self) -> impl Future<Output = Result<Response<T>>> + Send {
        let call = self.into_future();
        async move {
            let (result, mut record) = exchange::scoped(call, true).await;
            let request_id = record.exchange.as_ref().and_then(|e| e.request_id.clone());
            let (typed, body) = match result {
                Ok(response) => (Ok(response.into_inner()), record.body.take()),
                Err(RawError::InvalidResponsePayload(body, _)) => {
                    let error = Error::decode::<T>(&body, record.exchange.as_ref());
                    (Err(error), Some(body))
                }
                Err(error) => return Err(failure::<T>(error, &record).await),
            };
            let json = match body.as_deref() {
                None | Some([]) => Value::Null,
                Some(bytes) => serde_json::from_slice(bytes).map_err(|e| Error::Decode {
                    operation: record
                        .exchange
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_else(|| "the request".into()),
                    path: None,
                    detail: format!(
                        "the body is not JSON: {}",
                        fault::clean(&e.to_string(), fault::MAX_EXCERPT_CHARS)
                    ),
                    body: Some(String::from_utf8_lossy(bytes).into_owned()),
                    request_id: request_id.clone(),
                })?,
            };
            Ok(Response {
                json,
                typed,
                request_id,
            })
        }
    }
}

impl<T, F> Run<T> for F
where
    F: IntoFuture<Output = std::result::Result<ResponseValue<T>, RawError>>,
    F::IntoFuture: Send,
    T: DeserializeOwned + Send,
{
}

/// Sends a generated request whose answer is not JSON, e.g. one field of a volume's encryption
/// metadata, which Cinder answers as bare text.
///
/// ```no_run
/// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
/// use cinder_client::RunText;
///
/// let raw = cinder.raw().show_volume_encryption_metadata_item();
/// let cipher = raw.volume_id("my-id").encryption_key("cipher").run_text().await?;
/// println!("{cipher}");
/// # Ok(())
/// # }
/// ```
pub trait RunText:
    IntoFuture<Output = std::result::Result<ResponseValue<ByteStream>, RawError>> + Sized
where
    Self::IntoFuture: Send,
{
    /// Sends the request; the body as text (empty when there is none), or the library's
    /// [`Error`]. A body that is not UTF-8 is replaced character by character, as a terminal
    /// would show it.
    fn run_text(self) -> impl Future<Output = Result<String>> + Send {
        let call = self.into_future();
        async move {
            let (result, record) = exchange::scoped(call, false).await;
            let response = match result {
                Ok(response) => response,
                Err(error) => return Err(Error::from_raw(error).await.during(&record)),
            };
            let bytes: Vec<u8> = response
                .into_inner()
                .into_inner()
                .map_ok(|chunk| chunk.to_vec())
                .try_concat()
                .await
                .map_err(|e| {
                    Error::Transport(format!("reading the answer: {e}")).during(&record)
                })?;
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
    }
}

impl<F> RunText for F
where
    F: IntoFuture<Output = std::result::Result<ResponseValue<ByteStream>, RawError>>,
    F::IntoFuture: Send,
{
}

/// The library's error for a failed call, completed with what the call noted.
async fn failure<T: DeserializeOwned>(error: RawError, record: &Record) -> Error {
    match error {
        // Decoded again to say where: progenitor's message has only a line and a column.
        RawError::InvalidResponsePayload(body, _) => {
            Error::decode::<T>(&body, record.exchange.as_ref())
        }
        other => Error::from_raw(other).await.during(record),
    }
}

/// An answer as JSON, exactly as the server sent it (unknown fields, nulls and all), with the
/// typed value where it decodes.
#[derive(Debug)]
pub struct Response<T> {
    json: Value,
    typed: Result<T>,
    request_id: Option<String>,
}

impl<T> Response<T> {
    /// The body as JSON (`null` for an empty body).
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The body as JSON, owned.
    pub fn into_json(self) -> Value {
        self.json
    }

    /// The typed value, or why the body does not decode ([`Error::Decode`], with the JSON
    /// path of the field).
    pub fn typed(&self) -> std::result::Result<&T, &Error> {
        self.typed.as_ref()
    }

    /// The typed value, or why the body does not decode.
    pub fn into_typed(self) -> Result<T> {
        self.typed
    }

    /// Both, owned.
    pub fn into_parts(self) -> (Value, Result<T>) {
        (self.json, self.typed)
    }

    /// `X-OpenStack-Request-Id` of the answer.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}
