//! Reading a response's whole body without losing the response: both the observer and the HTTP
//! log need the bytes, and the generated client still needs a response to decode. And the cap
//! on how much of a body is read: every answer is buffered whole before it is decoded, so a
//! server (or something in between) sending hundreds of megabytes would cost twice that in
//! memory.

use futures::StreamExt;

/// The largest response body the client reads: far above any Cinder or Keystone answer (a
/// page of 1000 volumes with metadata is a few megabytes).
pub const MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// Why a body was not read to its end; found among a transport error's causes.
#[derive(Debug)]
pub struct BodyTooLarge {
    /// The limit, in bytes.
    pub limit: u64,
}

impl std::fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the response body is larger than the client's limit of {} MiB ({} bytes), so it \
             was not read",
            self.limit / (1024 * 1024),
            self.limit
        )
    }
}

impl std::error::Error for BodyTooLarge {}

/// The [`BodyTooLarge`] among `error`'s causes (inside the `io::Error` a body stream fails with).
pub fn body_too_large(error: &reqwest::Error) -> Option<&BodyTooLarge> {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let inner = cause
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map_or(cause, |inner| inner as &(dyn std::error::Error + 'static));
        if let Some(found) = inner.downcast_ref::<BodyTooLarge>() {
            return Some(found);
        }
        source = cause.source();
    }
    None
}

/// `response` with a body that fails once more than `limit` bytes arrive (at once when its
/// declared length is larger), so that reading it never buffers more than that.
pub fn limit_body(response: reqwest::Response, limit: u64) -> reqwest::Response {
    let status = response.status();
    let headers = response.headers().clone();
    let version = response.version();
    let declared = headers
        .get(reqwest::header::CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok()?.parse::<u64>().ok())
        .or(response.content_length())
        .unwrap_or(0);
    let too_large = move || std::io::Error::other(BodyTooLarge { limit });
    let mut read = 0u64;
    let chunks = response.bytes_stream().map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        read += chunk.len() as u64;
        if declared > limit || read > limit {
            return Err(too_large());
        }
        Ok(chunk)
    });
    let body = if declared > limit {
        reqwest::Body::wrap_stream(futures::stream::once(async move {
            Err::<bytes::Bytes, _>(too_large())
        }))
    } else {
        reqwest::Body::wrap_stream(chunks)
    };
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    *rebuilt.version_mut() = version;
    reqwest::Response::from(rebuilt)
}

/// Reads the whole body and hands back an equivalent response with it.
pub async fn buffer(
    response: reqwest::Response,
) -> reqwest::Result<(reqwest::Response, bytes::Bytes)> {
    let status = response.status();
    let headers = response.headers().clone();
    let version = response.version();
    let body = response.bytes().await?;
    Ok((rebuild(status, headers, version, body.clone()), body))
}

/// A response made of these parts, as if it had just been received.
pub fn rebuild(
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    version: reqwest::Version,
    body: bytes::Bytes,
) -> reqwest::Response {
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    *rebuilt.version_mut() = version;
    reqwest::Response::from(rebuilt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(chunks: Vec<&'static str>, length: Option<u64>) -> reqwest::Response {
        let stream = futures::stream::iter(
            chunks
                .into_iter()
                .map(|c| Ok::<_, std::io::Error>(bytes::Bytes::from(c))),
        );
        let mut response = http::Response::new(reqwest::Body::wrap_stream(stream));
        if let Some(length) = length {
            response
                .headers_mut()
                .insert(reqwest::header::CONTENT_LENGTH, length.into());
        }
        reqwest::Response::from(response)
    }

    fn too_large(error: &reqwest::Error) -> Option<u64> {
        body_too_large(error).map(|found| found.limit)
    }

    #[tokio::test]
    async fn a_body_within_the_limit_is_read_whole() {
        let body = limit_body(streamed(vec!["01234", "56789"], None), 10);
        assert_eq!(body.bytes().await.unwrap(), "0123456789");
    }

    #[tokio::test]
    async fn a_body_beyond_the_limit_fails_while_streaming_or_at_once() {
        let error = limit_body(streamed(vec!["01234", "56789", "x"], None), 10)
            .bytes()
            .await
            .unwrap_err();
        assert_eq!(too_large(&error), Some(10), "{error:?}");
        let error = limit_body(streamed(vec!["0"], Some(11)), 10)
            .bytes()
            .await
            .unwrap_err();
        assert_eq!(too_large(&error), Some(10), "{error:?}");
        let message = BodyTooLarge {
            limit: MAX_BODY_BYTES,
        }
        .to_string();
        assert!(message.contains("limit of 64 MiB"), "{message}");
    }
}
