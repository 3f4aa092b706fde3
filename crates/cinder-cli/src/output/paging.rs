//! `--marker`, `--limit`, `--sort` and `--page-size`, and the loop that follows a list's `next`
//! links, handing each page to the writer as soon as it has arrived.

use std::future::Future;
use std::io::Write;

use anyhow::Result;
use clap::Args;
use serde_json::Value;

use super::list::ListWriter;

/// Paging and sorting options of a list, named as in cinderclient.
#[derive(Args, Clone, Debug, Default)]
pub struct PageArgs {
    /// Begin returning items that appear later in the list than the one with this ID.
    #[arg(long, value_name = "marker")]
    pub marker: Option<String>,
    /// Maximum number of items to return (0: no limit).
    #[arg(long, value_name = "limit", value_parser = crate::values::count,
          allow_negative_numbers = true)]
    pub limit: Option<u64>,
    /// Comma-separated list of sort keys and directions in the form of <key>[:<asc|desc>].
    #[arg(long, value_name = "key[:direction]", value_parser = crate::values::sort)]
    pub sort: Option<String>,
    /// Items to ask for per request while following the server's next links (default: as many
    /// as the server gives, osapi_max_limit). Smaller pages show up sooner with -f json, yaml or
    /// value.
    #[arg(long = "page-size", value_name = "N", value_parser = crate::values::page_size,
          allow_negative_numbers = true)]
    pub page_size: Option<u64>,
}

/// What one request asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// The marker to send (`--marker` first, then each `next` link's).
    pub marker: Option<String>,
    /// The `limit` to send: the page size, but never more than `--limit` still allows.
    pub limit: Option<u64>,
}

/// One page of a list: its rows (JSON objects for the writer), the marker of the next page
/// (from the server's `next` link), and the total the server counted (`with_count`).
pub struct ListPage {
    pub rows: Vec<Value>,
    pub next_marker: Option<String>,
    pub count: Option<u64>,
}

impl PageArgs {
    /// Whether any paging or sorting option was given (message-list takes them from 3.5).
    pub fn any(&self) -> bool {
        self.marker.is_some()
            || self.limit.is_some()
            || self.sort.is_some()
            || self.page_size.is_some()
    }

    /// Cinder's answer to a key it cannot sort on ("Invalid input received: Invalid sort key")
    /// names neither the key nor what would do; which keys exist is the server's to say (any
    /// column of the resource), so the message is completed here rather than guessed before.
    fn explain(&self, error: anyhow::Error) -> anyhow::Error {
        match &self.sort {
            Some(sort) if error.to_string().contains("Invalid sort key") => anyhow::anyhow!(
                "Cinder cannot sort by a key in --sort '{sort}': a sort key is a field of the \
                 listed resources, such as id or created_at ({error})"
            ),
            _ => error,
        }
    }

    /// Lists page by page: `fetch` loads one page, which goes to `out` before the next is
    /// asked for. `next` links are followed until the list ends or `--limit` items have come
    /// (cinderclient's meaning: a limit above the server's page size takes several requests).
    /// Returns the total the server counted, if it was asked to.
    pub async fn stream<W, F, Fut>(
        &self,
        out: &mut ListWriter<W>,
        mut fetch: F,
    ) -> Result<Option<u64>>
    where
        W: Write,
        F: FnMut(PageRequest) -> Fut,
        Fut: Future<Output = Result<ListPage>>,
    {
        // cinderclient and Cinder both take a limit of 0 as "no limit".
        let mut remaining = self.limit.filter(|l| *l > 0);
        let page_size = self.page_size;
        let mut marker = self.marker.clone();
        let mut count = None;
        loop {
            let limit = match (page_size, remaining) {
                (Some(size), Some(left)) => Some(size.min(left)),
                (size, left) => size.or(left),
            };
            let page = fetch(PageRequest {
                marker: marker.clone(),
                limit,
            })
            .await
            .map_err(|e| self.explain(e))?;
            count = count.or(page.count);
            let mut rows = page.rows;
            if let Some(left) = remaining {
                rows.truncate(usize::try_from(left).unwrap_or(usize::MAX));
                remaining = Some(left - rows.len() as u64);
            }
            out.page(rows)?;
            if remaining == Some(0) {
                break;
            }
            // The marker of a `next` link is the last item's ID, so a page without items has
            // none; a `next` link naming the marker just used would loop forever.
            match page.next_marker {
                Some(next) if Some(&next) != marker.as_ref() => marker = Some(next),
                _ => break,
            }
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::columns::columns;
    use crate::output::format::Format;
    use serde_json::json;
    use std::cell::RefCell;

    /// A server holding items 1..=total, pages of at most `max` (its osapi_max_limit).
    fn serve(total: u64, max: u64, request: &PageRequest) -> ListPage {
        let start = request
            .marker
            .as_deref()
            .map_or(0, |m| m.parse::<u64>().unwrap());
        let size = request.limit.unwrap_or(max).min(max);
        let end = (start + size).min(total);
        let rows = (start + 1..=end)
            .map(|i| json!({"id": i.to_string()}))
            .collect();
        // Cinder links the next page whenever this one is full.
        let next_marker = (end - start == size).then(|| end.to_string());
        ListPage {
            rows,
            next_marker,
            count: Some(total),
        }
    }

    fn list(args: PageArgs, total: u64, max: u64) -> (String, Vec<PageRequest>) {
        let requests = RefCell::new(Vec::new());
        let mut out = ListWriter::new(Format::Value, columns(&["ID"]), Vec::new());
        let count = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(args.stream(&mut out, |request| {
                requests.borrow_mut().push(request.clone());
                let page = serve(total, max, &request);
                async move { Ok(page) }
            }))
            .unwrap();
        assert_eq!(count, Some(total));
        let text = String::from_utf8(out.finish().unwrap()).unwrap();
        (
            text.lines().collect::<Vec<_>>().join(","),
            requests.into_inner(),
        )
    }

    fn request(marker: Option<&str>, limit: Option<u64>) -> PageRequest {
        PageRequest {
            marker: marker.map(str::to_string),
            limit,
        }
    }

    #[test]
    fn follows_next_links_to_the_end() {
        let (ids, requests) = list(PageArgs::default(), 5, 2);
        assert_eq!(ids, "1,2,3,4,5");
        assert_eq!(
            requests,
            [
                request(None, None),
                request(Some("2"), None),
                request(Some("4"), None)
            ]
        );
    }

    #[test]
    fn limit_caps_the_total_across_pages() {
        let args = PageArgs {
            limit: Some(3),
            ..Default::default()
        };
        let (ids, requests) = list(args, 10, 2);
        assert_eq!(ids, "1,2,3");
        assert_eq!(
            requests,
            [request(None, Some(3)), request(Some("2"), Some(1))]
        );
        // Within one page (the usual case), a single request.
        let args = PageArgs {
            limit: Some(2),
            ..Default::default()
        };
        assert_eq!(list(args, 10, 5).1, [request(None, Some(2))]);
        // 0 means no limit.
        let args = PageArgs {
            limit: Some(0),
            ..Default::default()
        };
        assert_eq!(list(args, 3, 5).0, "1,2,3");
    }

    #[test]
    fn page_size_sets_the_request_limit_and_marker_the_start() {
        let args = PageArgs {
            page_size: Some(2),
            limit: Some(3),
            marker: Some("1".into()),
            ..Default::default()
        };
        let (ids, requests) = list(args, 10, 100);
        assert_eq!(ids, "2,3,4");
        assert_eq!(
            requests,
            [request(Some("1"), Some(2)), request(Some("3"), Some(1))]
        );
        // A full last page: one more request finds it empty.
        let args = PageArgs {
            page_size: Some(2),
            ..Default::default()
        };
        let (ids, requests) = list(args, 4, 100);
        assert_eq!(ids, "1,2,3,4");
        assert_eq!(requests.len(), 3);
    }
}
