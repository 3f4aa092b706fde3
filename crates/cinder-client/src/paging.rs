//! Marker pagination of any list operation, as an async stream: Cinder's list answers carry a
//! `*_links` entry with `rel: next` whose URL holds the marker of the next page. Every list
//! builder of the generated client that takes `marker` and `limit` (a [`PagedList`]) pages
//! this way, with whatever filters it was given.

use futures::stream::{self, Stream};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::run::Run;
pub use cinder_raw::calls::{ListOperation, PagedList};

/// One page of a list answer, as JSON.
#[derive(Clone, Debug)]
pub struct JsonPage {
    /// The listed resources, as the server sent them.
    pub items: Vec<Value>,
    /// The marker of the next page, if the server said there is one.
    pub next_marker: Option<String>,
    /// The total the server counted (`with_count=true`, 3.45+).
    pub count: Option<u64>,
}

/// The marker of the next page, from a list answer's links (a `rel: next` link), if any.
///
/// ```
/// use cinder_client::paging::next_marker;
/// use serde_json::json;
///
/// let links = json!([{"href": "http://h:8776/v3/p/volumes/detail?limit=2&marker=abc", "rel": "next"}]);
/// assert_eq!(next_marker(&links).as_deref(), Some("abc"));
/// assert_eq!(next_marker(&json!([])), None);
/// ```
pub fn next_marker(links: &Value) -> Option<String> {
    let next = links
        .as_array()?
        .iter()
        .find(|link| link.get("rel").and_then(Value::as_str) == Some("next"))?;
    let url = url::Url::parse(next.get("href")?.as_str()?).ok()?;
    url.query_pairs()
        .find(|(key, _)| key == "marker")
        .map(|(_, value)| value.into_owned())
}

/// Sends one list request and splits the answer, as JSON: no typed decoding is needed, so a
/// page whose resources lack fields or carry new ones still arrives whole.
pub async fn page_json<L: ListOperation>(list: L) -> Result<JsonPage> {
    let json = list.run_json().await?.into_json();
    json_page::<L>(json)
}

/// A list answer's parts. An answer without its list, or with `null` for it, has no
/// resources: it is printed as such rather than refused.
fn json_page<L: ListOperation>(mut json: Value) -> Result<JsonPage> {
    let items = match json.get_mut(L::ITEMS).map(Value::take) {
        Some(Value::Array(items)) => items,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => {
            return Err(Error::Decode {
                operation: "a list".into(),
                path: Some(L::ITEMS.to_string()),
                detail: "expected the list of resources, found another type".into(),
                body: Some(json.to_string()),
                request_id: None,
            })
        }
    };
    Ok(JsonPage {
        items,
        next_marker: L::LINKS.and_then(|key| json.get(key)).and_then(next_marker),
        count: json.get("count").and_then(Value::as_u64),
    })
}

/// Paging over a list builder: `.paginate()` for typed resources, `.pages_json()` for the
/// answers' JSON. The builder's filters, sort and `limit` (the page size) stay on every page.
///
/// ```no_run
/// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
/// use cinder_client::prelude::*;
/// use futures::TryStreamExt;
///
/// let available: Vec<_> = cinder
///     .raw()
///     .list_volumes_detail()
///     .status("available")
///     .limit(100)
///     .paginate()
///     .try_collect()
///     .await?;
/// # Ok(())
/// # }
/// ```
pub trait Paginate: PagedList {
    /// Every resource of the list, fetched a page at a time as the stream is read.
    fn paginate(self) -> impl Stream<Item = Result<Self::Item>> + Send {
        let pages = stream::try_unfold(Some((self, None::<String>)), |state| async move {
            let Some((list, marker)) = state else {
                return Ok::<_, Error>(None);
            };
            let request = after(&list, &marker);
            let (json, typed) = request.run_json().await?.into_parts();
            let next = Self::LINKS
                .and_then(|key| json.get(key))
                .and_then(next_marker)
                .filter(|next| Some(next) != marker.as_ref());
            let items = Self::items(typed?);
            let state = match next {
                Some(next) if !items.is_empty() => Some((list, Some(next))),
                _ => None,
            };
            Ok(Some((stream::iter(items.into_iter().map(Ok)), state)))
        });
        futures::TryStreamExt::try_flatten(pages)
    }

    /// Every page of the list as JSON ([`JsonPage`]), as the pages arrive.
    fn pages_json(self) -> impl Stream<Item = Result<JsonPage>> + Send {
        stream::try_unfold(Some((self, None::<String>)), |state| async move {
            let Some((list, marker)) = state else {
                return Ok::<_, Error>(None);
            };
            let request = after(&list, &marker);
            let page = page_json(request).await?;
            let state = match &page.next_marker {
                Some(next) if !page.items.is_empty() && Some(next) != marker.as_ref() => {
                    Some((list, Some(next.clone())))
                }
                _ => None,
            };
            Ok(Some((page, state)))
        })
    }
}

impl<L: PagedList> Paginate for L {}

/// The request of `list` for the page after `marker` (the first page without one).
fn after<L: PagedList>(list: &L, marker: &Option<String>) -> L {
    match marker {
        Some(marker) => list.clone().with_marker(marker.clone()),
        None => list.clone(),
    }
}
