//! Doing one thing to many resources, as cinderclient does it: each named resource in turn,
//! a failure reported for that one ("Delete for volume x failed: ...") without stopping the
//! others, and the command failing at the end if any did ("Unable to delete any of the
//! specified volumes."). `--concurrency` lets several run at once, reports still in order.

use std::future::Future;

use anyhow::{bail, Result};
use cinder_client::resources::Resource;
use cinder_client::Cinder;
use futures::stream::{self, StreamExt};

use super::find::find_id;

/// The default of `--concurrency`: enough to keep a few API workers busy without flooding a
/// small cloud.
pub const DEFAULT_CONCURRENCY: u32 = 8;

/// How many items are worked on at once (`--concurrency`).
#[derive(Clone, Copy, Debug)]
pub struct AtOnce(pub usize);

impl AtOnce {
    /// cinderclient's loop: one after the other.
    pub const ONE_BY_ONE: AtOnce = AtOnce(1);

    /// Runs `each` for every item, at most this many at a time (in the order of `items`);
    /// reports each failure like cinderclient (in the order of `items`, as soon as the items
    /// before it are done), and fails if any did. `action` is cinderclient's word ("Delete",
    /// "Reset state"), `kind` the resource's ("volume").
    pub async fn for_each<F, Fut>(
        self,
        items: &[String],
        action: &str,
        kind: &str,
        each: F,
    ) -> Result<()>
    where
        F: FnMut(String) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        let mut results = stream::iter(items.iter().cloned().map(each)).buffered(self.0.max(1));
        let mut failed = 0;
        let mut index = 0;
        while let Some(result) = results.next().await {
            if let Err(e) = result {
                failed += 1;
                eprintln!("{action} for {kind} {} failed: {e}", items[index]);
            }
            index += 1;
        }
        let verb = action.to_ascii_lowercase();
        match failed {
            0 => Ok(()),
            n if n == items.len() => bail!("Unable to {verb} any of the specified {kind}s."),
            _ => bail!("Unable to {verb} some of the specified {kind}s."),
        }
    }

    /// [`AtOnce::for_each`] over resources of kind `R` named in `names`, each found by name or
    /// ID first; `each` gets its ID and the name it was given as.
    pub async fn for_each_found<R, F, Fut>(
        self,
        cinder: &Cinder,
        names: &[String],
        action: &str,
        each: F,
    ) -> Result<()>
    where
        R: Resource,
        F: Fn(String, String) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        let kind = R::NAME.replace('_', " ");
        let each = &each;
        self.for_each(names, action, &kind, |name| async move {
            let id = find_id::<R>(cinder, &name).await?;
            each(id, name).await
        })
        .await
    }
}
