//! Name-or-ID resolution, as cinderclient's `find_resource`: by ID first, then by exact name.

use anyhow::{bail, Result};
use cinder_client::types::{Snapshot, Volume, VolumeType};
use cinder_client::Cinder;
use serde_json::Value;

fn none_found(kind: &str, name_or_id: &str) -> anyhow::Error {
    anyhow::anyhow!("No {kind} with a name or ID of '{name_or_id}' exists.")
}

fn ambiguous(kind: &str, name_or_id: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "Multiple {kind} matches found for '{name_or_id}', use an ID to be more specific."
    )
}

/// Picks the one match, or fails with cinderclient's messages.
fn one<T>(kind: &str, name_or_id: &str, mut matches: Vec<T>) -> Result<T> {
    match matches.len() {
        0 => Err(none_found(kind, name_or_id)),
        1 => Ok(matches.remove(0)),
        _ => Err(ambiguous(kind, name_or_id)),
    }
}

/// Whether an error means "does not exist" (a bad ID may also come back as 400).
fn missing(error: &cinder_client::Error) -> bool {
    error.is_not_found() || error.status() == Some(400)
}

pub async fn volume(cinder: &Cinder, name_or_id: &str) -> Result<Volume> {
    match cinder.show_volume(name_or_id).await {
        Ok(volume) => return Ok(volume),
        Err(e) if missing(&e) => {}
        Err(e) => return Err(e.into()),
    }
    let list = cinder
        .call(cinder.raw().list_volumes_detail().name(name_or_id).send())
        .await?;
    let matches = list
        .volumes
        .into_iter()
        .filter(|v| v.name.as_deref() == Some(name_or_id))
        .collect();
    one("volume", name_or_id, matches)
}

pub async fn snapshot(cinder: &Cinder, name_or_id: &str) -> Result<Snapshot> {
    match cinder.show_snapshot(name_or_id).await {
        Ok(snapshot) => return Ok(snapshot),
        Err(e) if missing(&e) => {}
        Err(e) => return Err(e.into()),
    }
    let list = cinder
        .call(cinder.raw().list_snapshots_detail().name(name_or_id).send())
        .await?;
    let matches = list
        .snapshots
        .into_iter()
        .filter(|s| s.name.as_deref() == Some(name_or_id))
        .collect();
    one("snapshot", name_or_id, matches)
}

/// Volume types: by ID, else the list (public and private for admins) matched by name.
pub async fn volume_type(cinder: &Cinder, name_or_id: &str) -> Result<VolumeType> {
    match cinder
        .call(cinder.raw().show_type().volume_type_id(name_or_id).send())
        .await
    {
        Ok(response) => return Ok(response.volume_type),
        Err(e) if missing(&e) => {}
        Err(e) => return Err(e.into()),
    }
    let list = cinder
        .call(cinder.raw().list_types().is_public("None").send())
        .await?;
    let matches = list
        .volume_types
        .into_iter()
        .filter(|t| t.name == name_or_id)
        .collect();
    one("volume_type", name_or_id, matches)
}

/// Messages are looked up by ID only.
pub async fn message(cinder: &Cinder, id: &str) -> Result<Value> {
    match cinder
        .call(cinder.raw().show_message().message_id(id).send())
        .await
    {
        Ok(response) => Ok(serde_json::to_value(response.message)?),
        Err(e) if missing(&e) => bail!("No message with an ID of '{id}' exists."),
        Err(e) => Err(e.into()),
    }
}
