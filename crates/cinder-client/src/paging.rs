//! Marker pagination as an async stream: Cinder's list responses carry a `*_links` entry with
//! `rel: next` whose URL holds the marker of the next page.

use std::future::Future;

use futures::stream::{self, Stream};

use crate::error::Result;
use cinder_raw::types::Link;

/// One page: its items and the `*_links` that came with it.
pub struct Page<T> {
    /// The resources on this page.
    pub items: Vec<T>,
    /// The list's `*_links`; a `rel: next` one means there is more.
    pub links: Vec<Link>,
}

/// The marker of the next page, from a `rel: next` link, if there is one.
///
/// ```
/// use cinder_client::paging::next_marker;
/// use cinder_client::types::Link;
///
/// let links = vec![Link {
///     href: "http://h:8776/v3/p/volumes/detail?limit=2&marker=abc".into(),
///     rel: "next".into(),
///     type_: None,
/// }];
/// assert_eq!(next_marker(&links).as_deref(), Some("abc"));
/// assert_eq!(next_marker(&[]), None);
/// ```
pub fn next_marker(links: &[Link]) -> Option<String> {
    let next = links.iter().find(|l| l.rel == "next")?;
    let url = url::Url::parse(&next.href).ok()?;
    url.query_pairs()
        .find(|(key, _)| key == "marker")
        .map(|(_, value)| value.into_owned())
}

/// Streams items page by page: `fetch(marker)` loads one page (the first with `None`), and the
/// stream follows `next` links until a page has none.
///
/// ```no_run
/// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
/// use cinder_client::paging::{paginate, Page};
/// use futures::TryStreamExt;
///
/// let volumes = paginate(|marker| async move {
///     let mut request = cinder.raw().list_volumes_detail().limit(100);
///     if let Some(marker) = marker {
///         request = request.marker(marker);
///     }
///     let list = cinder.call(request.send()).await?;
///     Ok(Page { items: list.volumes, links: list.volumes_links })
/// });
/// futures::pin_mut!(volumes);
/// while let Some(volume) = volumes.try_next().await? {
///     println!("{} {}", volume.id, volume.status);
/// }
/// # Ok(())
/// # }
/// ```
pub fn paginate<T, F, Fut>(fetch: F) -> impl Stream<Item = Result<T>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>>>,
{
    enum State<F> {
        Next(F, Option<String>),
        Done,
    }
    let pages = stream::try_unfold(State::Next(fetch, None), |state| async move {
        let State::Next(mut fetch, marker) = state else {
            return Ok(None);
        };
        let page = fetch(marker.clone()).await?;
        let next = next_marker(&page.links).filter(|m| Some(m) != marker.as_ref());
        let state = match next {
            Some(marker) if !page.items.is_empty() => State::Next(fetch, Some(marker)),
            _ => State::Done,
        };
        Ok(Some((stream::iter(page.items.into_iter().map(Ok)), state)))
    });
    futures::TryStreamExt::try_flatten(pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::TryStreamExt;

    fn link(rel: &str, href: &str) -> Link {
        Link {
            href: href.into(),
            rel: rel.into(),
            type_: None,
        }
    }

    #[tokio::test]
    async fn follows_next_links_until_the_last_page() {
        let pages = |marker: Option<String>| async move {
            Ok(match marker.as_deref() {
                None => Page {
                    items: vec![1, 2],
                    links: vec![link(
                        "next",
                        "http://h/v3/p/volumes/detail?limit=2&marker=b",
                    )],
                },
                Some("b") => Page {
                    items: vec![3, 4],
                    links: vec![link(
                        "next",
                        "http://h/v3/p/volumes/detail?marker=d&limit=2",
                    )],
                },
                Some("d") => Page {
                    items: vec![5],
                    links: vec![],
                },
                Some(other) => panic!("unexpected marker {other}"),
            })
        };
        let all: Vec<i32> = paginate(pages).try_collect().await.unwrap();
        assert_eq!(all, vec![1, 2, 3, 4, 5]);
    }
}
