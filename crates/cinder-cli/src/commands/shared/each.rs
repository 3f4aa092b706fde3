//! Doing one thing to many resources, as cinderclient does it: each named resource in turn,
//! a failure reported for that one ("Delete for volume x failed: ...", on stdout) without
//! stopping the others, and the command failing at the end when every one failed ("Unable to
//! delete any of the specified volumes."). When only some failed, ours fails too (cinderclient
//! exits 0 then), so that a script sees it. `--concurrency` lets several run at once, reports
//! still in order.

use std::future::Future;

use anyhow::{bail, Result};
use cinder_client::resources::Resource;
use cinder_client::Cinder;
use futures::stream::{self, StreamExt};

use super::find::find_id;

/// The default of `--concurrency`: enough to keep a few API workers busy without flooding a
/// small cloud.
pub const DEFAULT_CONCURRENCY: u32 = 8;

/// How cinderclient reports a command's failures, which its commands do in a few ways.
#[derive(Clone, Debug)]
pub struct Reporting {
    /// The start of the line about one failure: "Delete" in "Delete for volume x failed: e".
    pub action: &'static str,
    /// The kind in that line: "volume".
    pub kind: String,
    /// Whether the failure's own text is printed first, on a line of its own (`print(e)`).
    pub text_first: bool,
    /// Whether the line is printed when only one item was named.
    pub line_for_one: bool,
    /// The error when every item failed.
    pub all_failed: String,
    /// With one item named: the error is that item's line rather than `all_failed`.
    pub one_failed_is_its_line: bool,
}

impl Reporting {
    /// The deletes' way: every failure's line ("Delete for `kind` x failed: e"), then
    /// `all_failed` when all failed.
    pub fn deleting(kind: &str, all_failed: &str) -> Reporting {
        Reporting {
            action: "Delete",
            kind: kind.to_string(),
            text_first: false,
            line_for_one: true,
            all_failed: all_failed.to_string(),
            one_failed_is_its_line: false,
        }
    }
}

/// How many items are worked on at once (`--concurrency`).
#[derive(Clone, Copy, Debug)]
pub struct AtOnce(pub usize);

impl AtOnce {
    /// cinderclient's loop: one after the other.
    pub const ONE_BY_ONE: AtOnce = AtOnce(1);

    /// Runs `each` for every item, at most this many at a time (in the order of `items`);
    /// reports each failure as `reporting` says (in the order of `items`, as soon as the items
    /// before it are done), and fails if any did.
    pub async fn for_each<F, Fut>(
        self,
        items: &[String],
        reporting: &Reporting,
        each: F,
    ) -> Result<()>
    where
        F: FnMut(String) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        let mut results = stream::iter(items.iter().cloned().map(each)).buffered(self.0.max(1));
        let Reporting { action, kind, .. } = reporting;
        let mut failed = 0;
        let mut last_line = String::new();
        let mut index = 0;
        while let Some(result) = results.next().await {
            if let Err(e) = result {
                failed += 1;
                // On stdout, where cinderclient prints them.
                if reporting.text_first {
                    println!("{}", crate::output::visible(&e.to_string()));
                }
                last_line = format!("{action} for {kind} {} failed: {e}", items[index]);
                if reporting.line_for_one || items.len() > 1 {
                    println!("{}", crate::output::visible(&last_line));
                }
            }
            index += 1;
        }
        match failed {
            0 => Ok(()),
            1 if items.len() == 1 && reporting.one_failed_is_its_line => bail!("{last_line}"),
            n if n == items.len() => bail!("{}", reporting.all_failed),
            _ => bail!(
                "Unable to {} some of the specified {kind}s.",
                action.to_ascii_lowercase()
            ),
        }
    }

    /// [`AtOnce::for_each`] over resources of kind `R` named in `names`, each found by name or
    /// ID first; `each` gets its ID and the name it was given as.
    pub async fn for_each_found<R, F, Fut>(
        self,
        cinder: &Cinder,
        names: &[String],
        reporting: &Reporting,
        each: F,
    ) -> Result<()>
    where
        R: Resource,
        F: Fn(String, String) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        let each = &each;
        self.for_each(names, reporting, |name| async move {
            let id = find_id::<R>(cinder, &name).await?;
            each(id, name).await
        })
        .await
    }
}
