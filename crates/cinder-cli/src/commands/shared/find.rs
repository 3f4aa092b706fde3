//! Name-or-ID resolution, as cinderclient's `find_resource`: by ID, then by unique name, with
//! its messages. The library's generated handles do the work and give the resource as the
//! server sent it, so a lookup never fails on a field the spec did not expect.

use anyhow::{anyhow, Result};
use cinder_client::resources::Resource;
use cinder_client::Cinder;
use serde_json::Value;

/// Resource `name_or_id` of kind `R`, as the server sent it.
pub async fn find<R: Resource>(cinder: &Cinder, name_or_id: &str) -> Result<Value> {
    Ok(cinder.handle::<R>().find_json(name_or_id).await?)
}

/// The ID of resource `name_or_id` of kind `R`.
pub async fn find_id<R: Resource>(cinder: &Cinder, name_or_id: &str) -> Result<String> {
    id_of(&find::<R>(cinder, name_or_id).await?)
}

/// A resource's `id`.
pub fn id_of(resource: &Value) -> Result<String> {
    text(resource, "id").ok_or_else(|| anyhow!("the server sent a resource without an id"))
}

/// A string field of a resource, if it has one.
pub fn text(resource: &Value, field: &str) -> Option<String> {
    resource.get(field)?.as_str().map(str::to_string)
}
