//! One resource, as cinderclient's `show` commands print it: found by name or ID, as the
//! server sent it (every field, nulls as `None`, fields the spec does not know included),
//! shaped by the command the way cinderclient shapes it, then printed.

use anyhow::Result;
use cinder_client::resources::Resource;
use cinder_client::Cinder;
use serde_json::Value;

use super::find::find;
use crate::output::{OutputArgs, Shape};

/// Prints resource `name_or_id` of kind `R` after `touch` (cinderclient's touches: derived
/// rows, removed keys; `std::convert::identity` for none), the table drawn as `shape` says.
pub async fn show<R: Resource>(
    cinder: &Cinder,
    name_or_id: &str,
    output: &OutputArgs,
    shape: Shape,
    touch: impl FnOnce(Value) -> Value,
) -> Result<()> {
    let resource = find::<R>(cinder, name_or_id).await?;
    output.print_shaped(&touch(resource), shape)
}

/// A resource without its `links`, which cinderclient's `show` commands leave out.
pub fn without_links(mut resource: Value) -> Value {
    if let Value::Object(fields) = &mut resource {
        fields.remove("links");
    }
    resource
}
