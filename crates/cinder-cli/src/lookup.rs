//! Name-or-ID resolution, as cinderclient's `find_resource`; the library does the work.

use anyhow::{bail, Result};
use cinder_client::means_missing;
use cinder_client::types::{Snapshot, Volume, VolumeType};
use cinder_client::Cinder;
use cinder_client::Run;
use serde_json::Value;

pub async fn volume(cinder: &Cinder, name_or_id: &str) -> Result<Volume> {
    Ok(cinder.volumes().find(name_or_id).await?)
}

pub async fn snapshot(cinder: &Cinder, name_or_id: &str) -> Result<Snapshot> {
    Ok(cinder.snapshots().find(name_or_id).await?)
}

pub async fn volume_type(cinder: &Cinder, name_or_id: &str) -> Result<VolumeType> {
    Ok(cinder.volume_types().find(name_or_id).await?)
}

/// Messages are looked up by ID only (they have no names), with cinderclient's message when
/// there is none: it searches names too, in vain.
pub async fn message(cinder: &Cinder, id: &str) -> Result<Value> {
    match cinder.raw().show_message().message_id(id).run().await {
        Ok(response) => Ok(serde_json::to_value(response.message)?),
        Err(e) if means_missing(&e) => bail!("No message with a name or ID of '{id}' exists."),
        Err(e) => Err(e.into()),
    }
}
