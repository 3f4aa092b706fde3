//! Reading a response's whole body without losing the response: both the observer and the HTTP
//! log need the bytes, and the generated client still needs a response to decode.

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
