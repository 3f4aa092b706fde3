//! Query parameters the generated builders have no method for, added to the requests of one
//! call: python-cinderclient's `--filters key=value` and `key~=value` pass any filter the cloud
//! enables, and the server judges them.

use std::collections::HashSet;
use std::future::IntoFuture;

tokio::task_local! {
    /// The pairs [`with_query`] adds to the requests of the call it runs.
    static EXTRA_QUERY: Vec<(String, String)>;
}

/// Runs `call`, a request of the generated client (`cinder.raw().list_volumes_detail().send()`),
/// with `pairs` added to the query string of every request it sends, retries and the replay
/// after a renewed token included. It is for the query parameters the generated builders have
/// no method for, such as python-cinderclient's `--filters key=value` and `key~=value` (inexact
/// matching, 3.34+): Cinder accepts whatever filters the cloud enables (`list-filters`).
///
/// A pair replaces any the builder set under the same key. Keys and values are encoded as
/// Python's `urlencode` encodes them, as cinderclient sends them (`~` as is, a space as `+`).
/// They are not gated by microversion: the server judges them.
///
/// ```no_run
/// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
/// use cinder_client::Run;
///
/// let pairs = vec![("name~".to_string(), "backup".to_string())];
/// let list = cinder_client::with_query(pairs, cinder.raw().list_volumes_detail()).run().await?;
/// # Ok(())
/// # }
/// ```
pub async fn with_query<F: IntoFuture>(pairs: Vec<(String, String)>, call: F) -> F::Output {
    EXTRA_QUERY.scope(pairs, call.into_future()).await
}

/// Adds the pairs of the [`with_query`] running this request, if any.
pub(crate) fn add_to(request: &mut reqwest::Request) {
    let _ = EXTRA_QUERY.try_with(|pairs| set_query_pairs(request.url_mut(), pairs));
}

/// Appends `pairs` to `url`'s query, dropping the pairs it had under the same keys; the pairs
/// it keeps stay as they were encoded.
fn set_query_pairs(url: &mut url::Url, pairs: &[(String, String)]) {
    if pairs.is_empty() {
        return;
    }
    let replaced: HashSet<&str> = pairs.iter().map(|(key, _)| key.as_str()).collect();
    let mut parts: Vec<String> = url
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|part| !part.is_empty())
        .filter(|part| {
            let key = url::form_urlencoded::parse(part.as_bytes())
                .next()
                .map(|(key, _)| key.into_owned())
                .unwrap_or_default();
            !replaced.contains(key.as_str())
        })
        .map(str::to_string)
        .collect();
    parts.extend(
        pairs
            .iter()
            .map(|(key, value)| format!("{}={}", quote_plus(key), quote_plus(value))),
    );
    url.set_query(Some(&parts.join("&")));
}

/// Python's `urllib.parse.quote_plus`: letters, digits and `_.-~` as they are, a space as `+`,
/// every other byte of the UTF-8 as `%XX`.
fn quote_plus(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_query_pairs_replace_the_builders_and_are_encoded_as_python_does() {
        let mut url: url::Url = "http://x/v3/p/volumes/detail?limit=5&name=old&sort=name%3Adesc"
            .parse()
            .unwrap();
        set_query_pairs(
            &mut url,
            &[
                ("name".into(), "new".into()),
                ("name~".into(), "a b'{é".into()),
                ("status".into(), "".into()),
            ],
        );
        assert_eq!(
            url.query(),
            Some("limit=5&sort=name%3Adesc&name=new&name~=a+b%27%7B%C3%A9&status=")
        );
        let mut bare: url::Url = "http://x/types".parse().unwrap();
        set_query_pairs(&mut bare, &[]);
        assert_eq!(bare.as_str(), "http://x/types");
        set_query_pairs(&mut bare, &[("is_public".into(), "None".into())]);
        assert_eq!(bare.as_str(), "http://x/types?is_public=None");
    }

    #[tokio::test]
    async fn extra_query_pairs_reach_only_the_requests_of_their_call() {
        let pairs = vec![("colour~".to_string(), "red".to_string())];
        let inside = with_query(pairs, async {
            let mut request = reqwest::Request::new(
                reqwest::Method::GET,
                "http://x/volumes?limit=1".parse().unwrap(),
            );
            add_to(&mut request);
            request.url().to_string()
        })
        .await;
        assert_eq!(inside, "http://x/volumes?limit=1&colour~=red");
        let mut outside = reqwest::Request::new(
            reqwest::Method::GET,
            "http://x/volumes?limit=1".parse().unwrap(),
        );
        add_to(&mut outside);
        assert_eq!(outside.url().as_str(), "http://x/volumes?limit=1");
    }
}
