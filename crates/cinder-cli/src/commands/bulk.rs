//! Working on many volumes at once: `cinder create --count N` and the bounded concurrency of
//! `cinder delete --concurrency N`.

use std::future::Future;
use std::sync::Mutex;

use anyhow::{bail, Result};
use cinder_client::types;
use cinder_client::{Cinder, Run};
use futures::stream::{self, StreamExt};
use serde_json::Value;

use super::volumes::{list_row, LIST_HEADERS};
use super::{action_verb, body};
use crate::output::{columns, Column, OutputArgs};
use crate::waiting::WaitArgs;

/// The default of `--concurrency`: enough to keep a few API workers busy without flooding a
/// small cloud.
pub const DEFAULT_CONCURRENCY: u32 = 8;

/// How many items are worked on at once (`--concurrency`).
#[derive(Clone, Copy, Debug)]
pub struct AtOnce(pub usize);

impl AtOnce {
    /// Runs `each` for every item, at most this many at a time (in the order of `items`);
    /// reports each failure like cinderclient (in the order of `items`, as soon as the items
    /// before it are done), and fails if any did. One at a time, it is cinderclient's loop.
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
        match failed {
            0 => Ok(()),
            n if n == items.len() => bail!(
                "Unable to {} any of the specified {kind}s.",
                action_verb(action)
            ),
            _ => bail!(
                "Unable to {} some of the specified {kind}s.",
                action_verb(action)
            ),
        }
    }
}

/// `cinder create --count N`: N volumes from the same request, named `<name>-1` to
/// `<name>-N` (unnamed without `--name`), `--concurrency` requests at a time. Prints the
/// volumes created as a list (`cinder list`'s columns; `-c` takes any field), then fails if
/// any create failed.
pub async fn create(
    cinder: &Cinder,
    request: Value,
    count: u32,
    at_once: AtOnce,
    wait: &WaitArgs,
    output: &OutputArgs,
) -> Result<()> {
    let count = count as usize;
    let base = request["volume"]["name"].as_str().map(str::to_string);
    let labels: Vec<String> = (1..=count)
        .map(|i| match &base {
            Some(base) => format!("{base}-{i}"),
            None => format!("#{i}"),
        })
        .collect();
    let created: Mutex<Vec<Option<types::Volume>>> = Mutex::new(vec![None; count]);
    // The items are started in order: the n-th call is the n-th volume.
    let mut next = 0;
    let outcome = at_once
        .for_each(&labels, "Create", "volume", |label| {
            let index = next;
            next += 1;
            let mut request = request.clone();
            if base.is_some() {
                request["volume"]["name"] = Value::String(label);
            }
            let created = &created;
            async move {
                let body = body::<types::VolumeCreateRequest>(request)?;
                let volume = cinder.raw().create_volume().body(body).run().await?.volume;
                let shown = wait
                    .volume(cinder, &volume.id, &["available"])
                    .await?
                    .unwrap_or(volume);
                created.lock().unwrap_or_else(|e| e.into_inner())[index] = Some(shown);
                Ok(())
            }
        })
        .await;
    let created = created.into_inner().unwrap_or_else(|e| e.into_inner());
    let rows: Vec<Value> = created
        .iter()
        .flatten()
        .map(list_row)
        .collect::<Result<_>>()?;
    if !rows.is_empty() {
        let mut available = columns(&LIST_HEADERS);
        if !output.columns.is_empty() {
            // Any field of the volumes can be asked for by its key.
            if let Some(Value::Object(first)) = rows.first() {
                for key in first.keys() {
                    if !available.iter().any(|c| &c.key == key) {
                        available.push(Column::keyed(key));
                    }
                }
            }
        }
        output.print_list(&available, rows)?;
    }
    outcome
}
