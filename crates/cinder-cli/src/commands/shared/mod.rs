//! The shapes that repeat across commands, on the library's generated resource handles:
//! finding a resource by name or ID ([`find`]), a filtered paged list ([`list`]), showing one
//! resource ([`show`]), doing something to many with cinderclient's reporting ([`each`]),
//! metadata set/unset/show ([`metadata`]), `reset-state` of any entity ([`reset`]), changing fields ([`update`]), `--wait` ([`wait`]),
//! and request bodies made from JSON.

pub mod each;
pub mod find;
pub mod list;
pub mod metadata;
pub mod reset;
pub mod show;
pub mod update;
pub mod wait;

use anyhow::{anyhow, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A request body from JSON; the generated types check lengths and enums, and a refusal names
/// the field.
pub fn body<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| anyhow!("Invalid request: {e}"))
}

/// A request object without its `null` members: the options not given.
pub fn without_nulls(mut object: Value) -> Value {
    if let Value::Object(fields) = &mut object {
        fields.retain(|_, value| !value.is_null());
    }
    object
}
