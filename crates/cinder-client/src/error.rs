//! The one error type of the library.

use std::fmt;

use cinder_raw::types::Fault;
use progenitor_client::ResponseValue;

use crate::exchange::{Exchange, Record, Refusal};
use crate::fault;
use crate::microversion::{ApiVersion, ServerRange, VersionError};

/// Everything that can go wrong, with enough detail to act on. `Display` (and `Debug`, so that
/// `main` returning a [`Result`] prints it readably) says what failed in one sentence.
///
/// ```no_run
/// # async fn demo(cinder: cinder_client::Cinder) {
/// use cinder_client::Error;
///
/// match cinder.volumes().show("00000000-0000-0000-0000-000000000000").await {
///     Ok(volume) => println!("{}", volume.status),
///     Err(e) if e.is_not_found() => println!("no such volume (request {:?})", e.request_id()),
///     Err(Error::Api { status, message, .. }) => eprintln!("HTTP {status}: {message}"),
///     Err(Error::Unsupported { needs, using, .. }) => eprintln!("needs {needs}, not {using}"),
///     Err(other) => eprintln!("{other}"),
/// }
/// # }
/// ```
#[derive(thiserror::Error)]
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
    #[error("{operation} needs microversion {needs}; this session uses {using}")]
    Unsupported {
        /// What needs another version: the operation (`volume_summary (GET /volumes/summary)`)
        /// or an argument of it (`the query parameter `with_count` of list_volumes_detail`).
        operation: String,
        /// The versions that have it.
        needs: Versions,
        /// The version in use.
        using: ApiVersion,
    },
    /// The requested microversion is one the server does not offer.
    #[error("API version {requested} is not supported by the server (it supports {} to {})",
        server.min, server.max)]
    NotOffered {
        /// What was asked for.
        requested: ApiVersion,
        /// What the server offers.
        server: ServerRange,
    },
    /// A request could not be made of the values given (a field too long, a size of 0, a
    /// metadata value that is not a string); nothing was sent. The message names the field.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// Keystone refused the credentials or returned no usable catalog entry.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// The configuration is incomplete or contradictory.
    #[error("{0}")]
    Config(String),
    /// The request could not be sent or the response not received.
    #[error("request failed: {0}")]
    Transport(String),
    /// The server's answer does not match the API description. The answer's JSON is kept:
    /// [`crate::Run::run_json`] gives it beside the typed value in any case.
    #[error("unexpected response from {operation}: {}{detail}",
        path.as_deref().map(|p| format!("at {p}: ")).unwrap_or_default())]
    Decode {
        /// The operation whose answer could not be read, with its method, URL and request id.
        operation: String,
        /// Where in the body, as a JSON path (`volumes[3].attachments[0].attached_at`), when
        /// known.
        path: Option<String>,
        /// What did not fit.
        detail: String,
        /// The answer's body, as received.
        body: Option<String>,
        /// `X-OpenStack-Request-Id` of the answer.
        request_id: Option<String>,
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

/// `main` returning `Result<(), Error>` prints the error with `Debug`: make that the message,
/// not the variant's fields. `{:#?}` still shows the fields.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return fmt::Display::fmt(self, f);
        }
        match self {
            Error::Api {
                status,
                kind,
                message,
                request_id,
            } => f
                .debug_struct("Api")
                .field("status", status)
                .field("kind", kind)
                .field("message", message)
                .field("request_id", request_id)
                .finish(),
            Error::Unsupported {
                operation,
                needs,
                using,
            } => f
                .debug_struct("Unsupported")
                .field("operation", operation)
                .field("needs", needs)
                .field("using", using)
                .finish(),
            Error::Decode {
                operation,
                path,
                detail,
                request_id,
                ..
            } => f
                .debug_struct("Decode")
                .field("operation", operation)
                .field("path", path)
                .field("detail", detail)
                .field("request_id", request_id)
                .finish(),
            other => write!(f, "{other}"),
        }
    }
}

/// An inclusive range of microversions, as [`Error::Unsupported`] reports what has an
/// operation or argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Versions {
    /// The first version that has it.
    pub min: ApiVersion,
    /// The last version that has it.
    pub max: ApiVersion,
}

impl fmt::Display for Versions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.max >= ApiVersion::CLIENT_MAX {
            write!(f, "{} or later", self.min)
        } else {
            write!(f, "{} to {}", self.min, self.max)
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error type of the generated client.
pub type RawError = progenitor_client::Error<Fault>;

impl From<VersionError> for Error {
    fn from(error: VersionError) -> Error {
        match error {
            VersionError::Invalid(why) => Error::Config(why),
            VersionError::NotOffered { requested, server } => {
                Error::NotOffered { requested, server }
            }
        }
    }
}

/// A value a generated type refused (a name over 255 characters, say): nothing was sent.
impl From<cinder_raw::types::error::ConversionError> for Error {
    fn from(error: cinder_raw::types::error::ConversionError) -> Error {
        Error::InvalidRequest(error.to_string())
    }
}

impl Error {
    /// The HTTP status, for errors that came from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// `X-OpenStack-Request-Id` of the answer the error came from, if there was one: what
    /// an operator needs to find the request in Cinder's logs.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. } | Error::Decode { request_id, .. } => {
                request_id.as_deref()
            }
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
                let request_id = crate::exchange::request_id(response.headers());
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
                let request_id = crate::exchange::request_id(response.headers());
                let body = response.text().await.unwrap_or_default();
                Error::Api {
                    status,
                    kind: None,
                    message: fault::summarize_body(&body),
                    request_id,
                }
            }
            // Only the hook refuses requests, and it notes why: `during` makes the structured
            // error of the note. Without one (a hook of the caller's own), the message is all.
            progenitor_client::Error::Custom(message) => Error::Config(message),
            progenitor_client::Error::InvalidRequest(message) => Error::InvalidRequest(message),
            progenitor_client::Error::CommunicationError(e)
            | progenitor_client::Error::ResponseBodyError(e)
            | progenitor_client::Error::InvalidUpgrade(e) => {
                Error::Transport(crate::transport::describe(&e))
            }
            progenitor_client::Error::InvalidResponsePayload(body, e) => Error::Decode {
                operation: "the request".into(),
                path: None,
                detail: fault::clean(&e.to_string(), fault::MAX_EXCERPT_CHARS),
                body: Some(String::from_utf8_lossy(&body).into_owned()),
                request_id: None,
            },
        }
    }

    /// Completes an error with what the call noted: which request it was, the request id of
    /// its answer, and why the hook refused to send it.
    pub(crate) fn during(self, record: &Record) -> Error {
        if let (Error::Config(_), Some(refusal)) = (&self, &record.refusal) {
            return Error::from_refusal(refusal);
        }
        let Some(exchange) = &record.exchange else {
            return self;
        };
        match self {
            Error::Decode {
                path,
                detail,
                body,
                request_id,
                ..
            } => Error::Decode {
                operation: exchange.to_string(),
                path,
                detail,
                body,
                request_id: request_id.or_else(|| exchange.request_id.clone()),
            },
            Error::Transport(detail) => Error::Transport(format!("{exchange}: {detail}")),
            other => other,
        }
    }

    pub(crate) fn from_refusal(refusal: &Refusal) -> Error {
        let operation = match &refusal.argument {
            Some(argument) => format!("{argument} of {}", refusal.operation),
            None => refusal.operation.to_string(),
        };
        Error::Unsupported {
            operation,
            needs: Versions {
                min: ApiVersion(refusal.min),
                max: ApiVersion(refusal.max),
            },
            using: ApiVersion(refusal.using),
        }
    }

    /// A body that does not decode as `T`, located by its JSON path.
    pub(crate) fn decode<T: serde::de::DeserializeOwned>(
        body: &[u8],
        exchange: Option<&Exchange>,
    ) -> Error {
        let (path, detail) = match locate::<T>(body) {
            Some((path, detail)) => (Some(path), detail),
            None => (None, "the body does not decode".to_string()),
        };
        Error::Decode {
            operation: exchange
                .map(ToString::to_string)
                .unwrap_or_else(|| "the request".into()),
            path,
            detail,
            body: Some(String::from_utf8_lossy(body).into_owned()),
            request_id: exchange.and_then(|e| e.request_id.clone()),
        }
    }
}

/// Where and why `body` does not decode as `T`: its JSON path (`volumes[0].size`) and the
/// reason; `None` if it does.
pub(crate) fn locate<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<(String, String)> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => None,
        Err(error) => {
            let path = error.path().to_string();
            let detail = fault::clean(&error.inner().to_string(), fault::MAX_EXCERPT_CHARS);
            Some((path, detail))
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
    let response = match fault::normalize_error_body(response).await {
        Ok(response) => response,
        Err(error) => return Error::Transport(crate::transport::describe(&error)),
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
