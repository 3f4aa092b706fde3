//! The spec against a live cloud, on demand: `cargo xtask conformance` (every read operation,
//! strictly, at each microversion where its answer changes; with `--write`, a create/update/
//! delete round of each resource) and `cargo xtask drift` (what the cloud has that the spec
//! lacks). Both are generic over the spec: operations, resources and versions come from it.

pub mod conformance;
pub mod drift;
pub mod ops;
pub mod params;
pub mod send;
pub mod write;

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::schema::Spec;

/// The spec at `path` (bundled), or this workspace's.
pub fn load_spec(path: Option<&PathBuf>) -> Result<&'static Spec> {
    match path {
        None => Ok(crate::schema::spec()),
        Some(path) => {
            let bundle = cinder_codegen::bundle::bundle(path)
                .with_context(|| format!("bundling {}", path.display()))?;
            // One spec per process, for its whole life: operation ids are sent as `&'static`.
            Ok(Box::leak(Box::new(Spec::new(bundle.document))))
        }
    }
}

/// Writes `value` as pretty JSON to `path`, creating its folder.
pub fn write_json(path: &std::path::Path, value: &serde_json::Value) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, serde_json::to_string_pretty(value)? + "\n")
        .with_context(|| format!("writing {}", path.display()))
}
