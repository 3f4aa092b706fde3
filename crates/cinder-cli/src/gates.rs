//! The microversions that commands and options need, looked up in the table generated from
//! the spec (`cinder_raw::microversions`) instead of being repeated here: when a
//! regeneration moves a gate, the CLI follows, and a gate the spec lost fails a test.

use anyhow::{bail, Result};
use cinder_client::{ApiVersion, Cinder};
use cinder_raw::microversions;

/// A part of the API a command line uses: an operation, or a gate inside it, and how the
/// command line names it in an error.
#[derive(Debug)]
pub struct Needs {
    /// The option or command, as the user typed it (`--with-count`, `summary`).
    pub what: &'static str,
    /// The spec's operationId.
    pub operation: &'static str,
    /// The gate inside the operation (`query:<name>`, `body:<path>`, `action:<key>`), or
    /// `None` for the operation itself.
    pub gate: Option<&'static str>,
}

impl Needs {
    /// The lowest microversion (the `N` of 3.N) where it exists. Every `Needs` of this module
    /// is in [`ALL`], whose test makes sure the table has it.
    pub fn min(&self) -> u16 {
        let operation = microversions::lookup(self.operation)
            .unwrap_or_else(|| panic!("{} is not an operation of the spec", self.operation));
        match self.gate {
            None => operation.min,
            Some(name) => operation
                .gates
                .iter()
                .find(|gate| gate.name == name)
                .map(|gate| gate.min)
                .unwrap_or_else(|| panic!("{} has no gate {name}", self.operation)),
        }
    }
}

/// Refuses `needs` unless the negotiated microversion has it.
pub fn require(cinder: &Cinder, needs: &Needs) -> Result<()> {
    let minor = needs.min();
    let version = cinder.version();
    if version < ApiVersion(minor) {
        bail!(
            "{} requires API version 3.{minor} or later, but version {version} is in use \
             (use --os-volume-api-version 3.{minor} or later)",
            needs.what
        );
    }
    Ok(())
}

const fn op(what: &'static str, operation: &'static str) -> Needs {
    Needs {
        what,
        operation,
        gate: None,
    }
}

const fn gate(what: &'static str, operation: &'static str, gate: &'static str) -> Needs {
    Needs {
        what,
        operation,
        gate: Some(gate),
    }
}

/// `--filters` on list commands: generic filters are checked against the resource filters
/// the cloud enables, which exist from the version that has `GET /resource_filters`.
pub const FILTERS: Needs = op("--filters", "list_resource_filters");
pub const LIST_FILTERS: Needs = op("list-filters", "list_resource_filters");

pub const VOLUME_LIST_GROUP_ID: Needs = gate("--group_id", "list_volumes_detail", "query:group_id");
pub const VOLUME_LIST_IMAGE_METADATA: Needs = gate(
    "--image_metadata",
    "list_volumes_detail",
    "query:glance_metadata",
);
pub const VOLUME_LIST_WITH_COUNT: Needs =
    gate("--with-count", "list_volumes_detail", "query:with_count");
pub const VOLUME_CREATE_GROUP_ID: Needs =
    gate("--group-id", "create_volume", "body:volume.group_id");
pub const VOLUME_CREATE_BACKUP_ID: Needs =
    gate("--backup-id", "create_volume", "body:volume.backup_id");
pub const VOLUME_DELETE_FORCE: Needs = gate("--force", "delete_volume", "query:force");
pub const MIGRATE_CLUSTER: Needs = gate(
    "--cluster",
    "volume_action",
    "body:os-migrate_volume.cluster",
);
pub const UPLOAD_VISIBILITY: Needs = gate(
    "--visibility/--protected",
    "volume_action",
    "body:os-volume_upload_image.visibility",
);
pub const REVERT: Needs = gate("revert-to-snapshot", "volume_action", "action:revert");
pub const SUMMARY: Needs = op("summary", "volume_summary");

pub const SNAPSHOT_LIST_METADATA: Needs =
    gate("--metadata", "list_snapshots_detail", "query:metadata");
pub const SNAPSHOT_LIST_WITH_COUNT: Needs =
    gate("--with-count", "list_snapshots_detail", "query:with_count");

/// cinderclient has `--filters` on type-list from the version that filters by extra specs.
pub const TYPE_LIST_FILTERS: Needs = gate("--filters", "list_types", "query:extra_specs");

pub const MESSAGE_LIST: Needs = op("message-list", "list_messages");
pub const MESSAGE_LIST_PAGING: Needs = gate(
    "--marker/--limit/--sort/--page-size",
    "list_messages",
    "query:marker",
);
pub const MESSAGE_SHOW: Needs = op("message-show", "show_message");
pub const MESSAGE_DELETE: Needs = op("message-delete", "delete_message");

/// Every `Needs` above (checked against the generated table by the tests).
#[cfg(test)]
pub const ALL: &[&Needs] = &[
    &FILTERS,
    &LIST_FILTERS,
    &VOLUME_LIST_GROUP_ID,
    &VOLUME_LIST_IMAGE_METADATA,
    &VOLUME_LIST_WITH_COUNT,
    &VOLUME_CREATE_GROUP_ID,
    &VOLUME_CREATE_BACKUP_ID,
    &VOLUME_DELETE_FORCE,
    &MIGRATE_CLUSTER,
    &UPLOAD_VISIBILITY,
    &REVERT,
    &SUMMARY,
    &SNAPSHOT_LIST_METADATA,
    &SNAPSHOT_LIST_WITH_COUNT,
    &TYPE_LIST_FILTERS,
    &MESSAGE_LIST,
    &MESSAGE_LIST_PAGING,
    &MESSAGE_SHOW,
    &MESSAGE_DELETE,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gate_is_in_the_generated_table_and_above_3_0() {
        for needs in ALL {
            // A gate at 3.0 would make its check dead code; one the spec lost panics here.
            assert!(needs.min() > 0, "{needs:?} exists at 3.0");
        }
    }

    #[test]
    fn all_lists_every_gate_of_this_module() {
        let source = include_str!("gates.rs");
        let declared = source
            .lines()
            .filter(|l| l.starts_with("pub const ") && l.contains(": Needs ="))
            .count();
        assert_eq!(declared, ALL.len());
    }
}
