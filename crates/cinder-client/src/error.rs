//! The one error type of the library.

use cinder_raw::types::Fault;
use progenitor_client::ResponseValue;

use crate::fault;

/// Everything that can go wrong, with enough detail to act on.
///
/// ```no_run
/// # async fn demo(cinder: cinder_client::Cinder) {
/// use cinder_client::Error;
///
/// match cinder.show_volume("00000000-0000-0000-0000-000000000000").await {
///     Ok(volume) => println!("{}", volume.status),
///     Err(e) if e.is_not_found() => println!("no such volume"),
///     Err(Error::Api { status, message, request_id, .. }) => {
///         eprintln!("HTTP {status}: {message} (request {request_id:?})")
///     }
///     Err(Error::Unsupported(why)) => eprintln!("not at this microversion: {why}"),
///     Err(other) => eprintln!("{other}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Cinder (or something in front of it) answered with an error status.
    #[error("{message} (HTTP {status}{kind}{request})",
        kind = kind.as_deref().map(|k| format!(", {k}")).unwrap_or_default(),
        request = request_id.as_deref().map(|r| format!(", request {r}")).unwrap_or_default())]
    Api {
        /// The HTTP status code.
        status: u16,
        /// The fault name from the body, e.g. `itemNotFound`; `None` for a body that is not a
        /// Cinder fault (an HTML page, plain text, other JSON).
        kind: Option<String>,
        /// The fault's message, or an excerpt of a body that is not a fault. Either way one
        /// line without control characters, of at most 1000 characters (plus `...` where cut):
        /// it comes from the server and ends up on terminals.
        message: String,
        /// `X-OpenStack-Request-Id`, to find the request in the server's logs.
        request_id: Option<String>,
    },
    /// The operation, a parameter or a field needs another microversion; nothing was sent.
    #[error("{0}")]
    Unsupported(String),
    /// Keystone refused the credentials or returned no usable catalog entry.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// The configuration is incomplete or contradictory.
    #[error("{0}")]
    Config(String),
    /// The request could not be sent or the response not received.
    #[error("request failed: {0}")]
    Transport(String),
    /// The server's answer does not match the API description.
    #[error("unexpected response from {operation}: {detail}")]
    Decode {
        /// The operation whose answer could not be read.
        operation: String,
        /// What did not fit.
        detail: String,
    },
    /// A name or id matched no resource.
    #[error("{0}")]
    NotFound(String),
    /// A name matched more than one resource.
    #[error("{0}")]
    Ambiguous(String),
    /// A waiter gave up.
    #[error("{0}")]
    Wait(String),
    /// What was waited on went to an `error*` status.
    #[error("{what} went to status {status}{}", reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    Failed {
        /// "volume 1234…".
        what: String,
        /// The `error*` status.
        status: String,
        /// Why, from the latest user message about the resource (`/messages`), if any.
        reason: Option<String>,
    },
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error type of the generated client.
pub type RawError = progenitor_client::Error<Fault>;

impl Error {
    /// The HTTP status, for errors that came from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the server said the resource does not exist.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404) || matches!(self, Error::NotFound(_))
    }

    /// Converts an error of the generated client.
    pub async fn from_raw(error: RawError) -> Error {
        match error {
            progenitor_client::Error::ErrorResponse(response) => {
                let status = response.status().as_u16();
                let request_id = request_id(response.headers());
                let fault = response.into_inner();
                let (kind, message) = fault
                    .iter()
                    .next()
                    .map(|(kind, detail)| {
                        // The hook names the faults it makes of other bodies "" (no kind).
                        let kind = Some(fault::clean(kind, fault::MAX_NAME_CHARS))
                            .filter(|k| !k.is_empty());
                        (kind, fault::fault_message(&detail.message))
                    })
                    .unwrap_or((None, format!("HTTP {status} with an empty fault body")));
                Error::Api {
                    status,
                    kind,
                    message,
                    request_id,
                }
            }
            progenitor_client::Error::UnexpectedResponse(response) => {
                let status = response.status().as_u16();
                let request_id = request_id(response.headers());
                let body = response.text().await.unwrap_or_default();
                Error::Api {
                    status,
                    kind: None,
                    message: fault::summarize_body(&body),
                    request_id,
                }
            }
            progenitor_client::Error::Custom(message) => Error::Unsupported(message),
            progenitor_client::Error::InvalidRequest(message) => Error::Config(message),
            progenitor_client::Error::CommunicationError(e)
            | progenitor_client::Error::ResponseBodyError(e)
            | progenitor_client::Error::InvalidUpgrade(e) => Error::Transport(transport_detail(&e)),
            progenitor_client::Error::InvalidResponsePayload(body, e) => Error::Decode {
                operation: "the request".into(),
                detail: format!(
                    "{} in {}",
                    fault::clean(&e.to_string(), fault::MAX_EXCERPT_CHARS),
                    fault::summarize_body(&String::from_utf8_lossy(&body))
                ),
            },
        }
    }
}

impl Error {
    /// Names the request a transport or decoding error happened in.
    pub(crate) fn during(self, exchange: Option<crate::exchange::Exchange>) -> Error {
        let Some(exchange) = exchange else {
            return self;
        };
        match self {
            Error::Decode { detail, .. } => Error::Decode {
                operation: exchange.to_string(),
                detail,
            },
            Error::Transport(detail) => Error::Transport(format!("{exchange}: {detail}")),
            other => other,
        }
    }
}

/// The [`Error`] that a call of the generated client through [`Cinder`](crate::Cinder) ends
/// with when the server answers `status` (not a success) with `headers` and `body`: the
/// hook's rewriting of bodies that are not Cinder's fault, what every generated `send` does
/// with such a status, then [`Error::from_raw`].
///
/// Not part of the API: the entry point of the error-body fuzz target (`crates/cinder-fuzz`),
/// which checks that any body gives an [`Error::Api`] with a clean, bounded message.
/// `tests/recording_server.rs` checks it against real calls.
#[doc(hidden)]
pub async fn error_from_response(
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: &[u8],
) -> Error {
    let Ok(status) = reqwest::StatusCode::from_u16(status) else {
        return Error::Transport(format!("invalid HTTP status {status}"));
    };
    let response = crate::response::rebuild(
        status,
        headers,
        reqwest::Version::HTTP_11,
        bytes::Bytes::copy_from_slice(body),
    );
    let response = match crate::hook::normalize_error_body(response).await {
        Ok(response) => response,
        Err(error) => return Error::Transport(transport_detail(&error)),
    };
    // As in every generated `send`: 4xx and 5xx carry a `Fault`, other statuses are unexpected.
    let raw = match status.as_u16() {
        400..=599 => match ResponseValue::<Fault>::from_response(response).await {
            Ok(fault) => RawError::ErrorResponse(fault),
            Err(error) => error,
        },
        _ => RawError::UnexpectedResponse(response),
    };
    Error::from_raw(raw).await
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

/// What went wrong on the way: a TLS failure or a refused redirect in words, otherwise
/// reqwest's message plus its causes (the top level alone often just says "error sending
/// request").
pub(crate) fn transport_detail(error: &reqwest::Error) -> String {
    if let Some(refused) = crate::redirect::refusal(error) {
        return refused.to_string();
    }
    if let Some(tls) = crate::tls::describe_failure(error) {
        return tls;
    }
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    if error.is_timeout() {
        detail.push_str(" (timed out)");
    }
    detail
}
