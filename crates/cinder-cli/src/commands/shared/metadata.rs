//! `set`/`unset` of key/value metadata and showing it, for every resource that has metadata
//! of its own (volumes, snapshots, a type's extra specs): the library's generated handles
//! know each one's requests.

use std::collections::BTreeMap;

use anyhow::Result;
use cinder_client::resources::WithMetadata;
use cinder_client::Cinder;
use clap::ValueEnum;
use serde_json::Value;

use super::find::{find, find_id};
use crate::kv;
use crate::output::{OutputArgs, Shape};

/// The action of a `metadata`-like command.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Action {
    /// Add or change these keys.
    Set,
    /// Remove these keys.
    Unset,
}

/// What a `set`/`unset` asks for: pairs to set, or keys to unset.
pub enum Change {
    Set(BTreeMap<String, String>),
    Unset(Vec<String>),
}

impl Action {
    /// The change `set key=value...` or `unset key...` asks for: `set` needs `key=value`,
    /// `unset` a key (with or without `=value`).
    pub fn change(self, pairs: &[String]) -> Result<Change> {
        Ok(match self {
            Action::Set => Change::Set(kv::parse(pairs)?),
            Action::Unset => Change::Unset(kv::keys(pairs)?),
        })
    }
}

/// Sets or unsets metadata of resource `target` of kind `R`; after `set`, the metadata the
/// server answered with (some commands print it).
pub async fn apply<R: WithMetadata>(
    cinder: &Cinder,
    target: &str,
    action: Action,
    pairs: &[String],
) -> Result<Option<Value>> {
    let change = action.change(pairs)?;
    let id = find_id::<R>(cinder, target).await?;
    let handle = cinder.handle::<R>();
    match change {
        Change::Set(pairs) => Ok(Some(handle.set_metadata_json(&id, pairs).await?)),
        Change::Unset(keys) => handle
            .unset_metadata(&id, keys)
            .await
            .map(|_| None)
            .map_err(Into::into),
    }
}

/// Prints the metadata resource `target` of kind `R` carries (as cinderclient, from the
/// resource itself rather than another request).
pub async fn show<R: WithMetadata>(
    cinder: &Cinder,
    target: &str,
    output: &OutputArgs,
) -> Result<()> {
    let resource = find::<R>(cinder, target).await?;
    output.print_shaped(
        resource.get(R::METADATA_KEY).unwrap_or(&Value::Null),
        Shape::METADATA,
    )
}
