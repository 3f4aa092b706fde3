//! Changing fields of one resource (rename, type-update), through the library's generated
//! `update` of the resource.

use anyhow::{bail, Result};
use cinder_client::resources::Updatable;
use cinder_client::Cinder;
use serde_json::Value;

use super::find::find_id;
use super::{body, without_nulls};

/// Changes `fields` (an object; `null` members are the options not given) of resource `target`
/// of kind `R`; the resource as the server answered.
pub async fn update<R: Updatable>(cinder: &Cinder, target: &str, fields: Value) -> Result<Value> {
    let id = find_id::<R>(cinder, target).await?;
    let fields: R::Fields = body(without_nulls(fields))?;
    Ok(cinder.handle::<R>().update_json(&id, fields.into()).await?)
}

/// The rule of the rename commands: a new name, a new description, or both.
pub fn check_rename(name: &Option<String>, description: &Option<String>) -> Result<()> {
    if name.is_none() && description.is_none() {
        bail!("Must supply either name or description.");
    }
    Ok(())
}
