//! Error bodies: whether one is Cinder's JSON fault, and the text that goes into an
//! [`Error`](crate::Error) from a fault, from an HTML page of a proxy or plain text of the auth
//! middleware.
//!
//! Whatever a server sends ends up in messages that the CLI prints on a terminal, so every text
//! taken from a response is made one line without control characters, and bounded:
//! [`clean`].

use cinder_raw::types::Fault;
use reqwest::header::{HeaderValue, CONTENT_TYPE};

/// The most characters of an excerpt of a body that is not a Cinder fault.
pub const MAX_EXCERPT_CHARS: usize = 300;
/// The most characters of a fault's message (Cinder's own are far shorter; a validation error
/// quoting a large request is not).
pub const MAX_FAULT_MESSAGE_CHARS: usize = 1000;
/// The most characters of a fault's name or a request id.
pub const MAX_NAME_CHARS: usize = 100;

/// `text` as one line for a message: control characters (ESC, NUL, CR, LF, ...) and runs of
/// whitespace become one space, the ends are trimmed, and more than `max_chars` characters
/// are cut to `max_chars` followed by `...`.
pub fn clean(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 4 + 3));
    let mut chars = 0;
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = chars > 0;
            continue;
        }
        let needed = 1 + usize::from(pending_space);
        if chars + needed > max_chars {
            out.push_str("...");
            return out;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
        chars += needed;
    }
    out
}

/// A one-line, bounded summary of an error body for messages: tags stripped, [`clean`]ed to
/// [`MAX_EXCERPT_CHARS`].
pub fn summarize_body(body: &str) -> String {
    let summary = clean(&strip_tags(body), MAX_EXCERPT_CHARS);
    if summary.is_empty() {
        return "(empty body)".to_string();
    }
    summary
}

/// A fault's message for [`Error::Api`](crate::Error::Api): [`clean`]ed to
/// [`MAX_FAULT_MESSAGE_CHARS`].
pub fn fault_message(message: &str) -> String {
    let message = clean(message, MAX_FAULT_MESSAGE_CHARS);
    if message.is_empty() {
        return "(empty message)".to_string();
    }
    message
}

fn strip_tags(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The body to hand the generated client instead of an error response's `body`, or `None`
/// to keep it: it is Cinder's fault already ([`is_json_fault`]). A JSON object of one member
/// with a string `message` keeps its name and message (its other members did not fit
/// [`Fault`]); anything else (an HTML page, plain text, an empty body, other JSON) becomes a
/// fault with an empty name, which [`Error::from_raw`](crate::Error::from_raw) reports as
/// `kind: None`, and an excerpt of the body as its message.
pub fn rewrite_error_body(status: u16, body: &[u8]) -> Option<Vec<u8>> {
    if is_json_fault(body) {
        return None;
    }
    let shaped = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) if map.len() == 1 => {
            map.into_iter().next().and_then(|(kind, detail)| {
                let message = detail.get("message")?.as_str()?.to_string();
                Some((kind, message))
            })
        }
        _ => None,
    };
    let (kind, message) = shaped.unwrap_or_else(|| {
        (
            String::new(),
            summarize_body(&String::from_utf8_lossy(body)),
        )
    });
    let fault = serde_json::json!({ kind: { "message": message, "code": status } });
    Some(fault.to_string().into_bytes())
}

/// Whether a body is Cinder's JSON fault (`{"<kind>": {"message": ...}}`): one member, which
/// the generated client can decode as [`Fault`]. Anything else is rewritten into a fault by the
/// hook; were a body let through that does not decode (`"code": "404"`, say), the call would
/// end in a decoding error instead of an API error with its status.
pub fn is_json_fault(body: &[u8]) -> bool {
    serde_json::from_slice::<Fault>(body).is_ok_and(|fault| fault.len() == 1)
}

/// An error response whose body is not Cinder's JSON fault (an HTML page from a proxy, plain
/// text from middleware) is rewritten into one (see [`crate::fault::rewrite_error_body`]),
/// keeping status and headers, so the generated client reports it as an API error with its
/// request id rather than as a decoding failure.
pub(crate) async fn normalize_error_body(
    response: reqwest::Response,
) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(response);
    }
    let mut headers = response.headers().clone();
    let version = response.version();
    let body = response.bytes().await?;
    let body = match crate::fault::rewrite_error_body(status.as_u16(), &body) {
        None => body,
        Some(fault) => {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.remove(reqwest::header::CONTENT_LENGTH);
            bytes::Bytes::from(fault)
        }
    };
    Ok(crate::response::rebuild(status, headers, version, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarizes_html_pages() {
        let page = "<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>";
        assert_eq!(summarize_body(page), "502 Bad Gateway Bad Gateway");
        assert_eq!(summarize_body(""), "(empty body)");
    }

    #[test]
    fn recognizes_cinder_faults_only() {
        assert!(is_json_fault(
            br#"{"itemNotFound": {"message": "gone", "code": 404}}"#
        ));
        assert!(is_json_fault(
            br#"{"error": {"message": "no", "code": 401, "title": "Unauthorized"}}"#
        ));
        assert!(!is_json_fault(b"<html></html>"));
        assert!(!is_json_fault(br#"{"error": "x"}"#));
        assert!(!is_json_fault(br#"{}"#));
        assert!(!is_json_fault(
            br#"{"a": {"message": "m"}, "b": {"message": "n"}}"#
        ));
    }

    /// Found by fuzzing: these have a string message, so they passed for faults, but the
    /// generated client cannot decode them as `Fault`, and the call ended in `Error::Decode`
    /// without the HTTP status.
    #[test]
    fn a_fault_that_does_not_decode_is_not_a_fault() {
        for body in [
            r#"{"itemNotFound": {"message": "gone", "code": "404"}}"#,
            r#"{"itemNotFound": {"message": "gone", "code": 404.5}}"#,
            r#"{"itemNotFound": {"message": "gone", "code": 1e30}}"#,
            r#"{"overLimit": {"message": "slow down", "retryAfter": 30}}"#,
            r#"{"error": {"message": "no", "title": 401}}"#,
        ] {
            assert!(!is_json_fault(body.as_bytes()), "{body}");
        }
    }

    #[test]
    fn rewrites_what_is_not_a_fault_into_one() {
        let rewritten = |body: &str| {
            rewrite_error_body(502, body.as_bytes())
                .map(|b| serde_json::from_slice::<Fault>(&b).expect("a fault"))
        };
        assert_eq!(
            rewritten(r#"{"itemNotFound": {"message": "gone", "code": 404}}"#),
            None
        );
        let fault = rewritten("<html><h1>Bad Gateway</h1></html>").unwrap();
        assert_eq!(fault[""].message, "Bad Gateway");
        assert_eq!(fault[""].code, Some(502));
        let fault = rewritten(r#"{"overLimit": {"message": "slow down", "retryAfter": 30}}"#);
        assert_eq!(fault.unwrap()["overLimit"].message, "slow down");
        let fault = rewritten(r#"{"error": "x"}"#).unwrap();
        assert_eq!(fault[""].message, r#"{"error": "x"}"#);
        assert_eq!(rewritten("").unwrap()[""].message, "(empty body)");
    }

    #[test]
    fn cleans_control_characters_and_bounds_length() {
        assert_eq!(clean("  a\tb\r\n\n c  ", 100), "a b c");
        assert_eq!(
            clean("red \u{1b}[31mALERT\u{1b}[0m\u{0}\u{7f}\u{9b}!", 100),
            "red [31mALERT [0m !"
        );
        assert_eq!(clean("abcdef", 3), "abc...");
        assert_eq!(clean("ab cdef", 3), "ab...");
        assert_eq!(clean("abc", 3), "abc");
        assert_eq!(clean("\u{1b}\n", 3), "");
        assert_eq!(clean(&"é".repeat(500), 300).chars().count(), 303);
        assert_eq!(fault_message(" \n "), "(empty message)");
        assert_eq!(
            summarize_body("<p>\u{1b}]0;pwned\u{7}</p>"),
            "]0;pwned",
            "an escape sequence in an HTML page does not reach the terminal"
        );
    }
}
