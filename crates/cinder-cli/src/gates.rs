//! The microversions that commands, options and columns need, looked up in the table
//! generated from the spec (`cinder_raw::microversions`) at compile time: when a
//! regeneration moves a gate, the CLI follows; a gate the spec lost, or one at 3.0 (which
//! would make its check dead code), fails the build.

use anyhow::{bail, Result};
use cinder_client::{ApiVersion, Cinder};
use cinder_raw::microversions::{OperationVersions, OPERATIONS};

/// A part of the API a command line uses, how the command line names it in an error, and the
/// microversions (the `N` of 3.N) that have it.
#[derive(Debug)]
pub struct Needs {
    /// The option, command or column, as the user sees it (`--with-count`, `summary`).
    pub what: &'static str,
    /// The lowest microversion that has it.
    pub min: u16,
    /// The highest microversion that has it.
    pub max: u16,
}

impl Needs {
    /// The same versions, named as `what` (one gate for a family of commands).
    pub const fn named(&self, what: &'static str) -> Needs {
        Needs {
            what,
            min: self.min,
            max: self.max,
        }
    }
}

/// Refuses `needs` unless the negotiated microversion has it.
pub fn require(cinder: &Cinder, needs: &Needs) -> Result<()> {
    let minor = needs.min;
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

/// Whether the version in use has `needs` (a column that only some versions show, say).
pub fn has(version: ApiVersion, needs: &Needs) -> bool {
    (needs.min..=needs.max).contains(&version.0)
}

/// Operation `operation` as a whole.
const fn op(what: &'static str, operation: &'static str) -> Needs {
    let operation = operation_of(operation);
    Needs {
        what,
        min: above_3_0(operation.min),
        max: operation.max,
    }
}

/// Gate `gate` (`query:<name>`, `body:<path>`, `action:<key>`, `response:<path>`) inside
/// operation `operation`, which starts after 3.0.
const fn gate(what: &'static str, operation: &'static str, gate: &'static str) -> Needs {
    let needs = any_gate(what, operation, gate);
    Needs {
        min: above_3_0(needs.min),
        ..needs
    }
}

/// Gate `gate` inside operation `operation`, which ends before the newest version.
const fn until(what: &'static str, operation: &'static str, gate: &'static str) -> Needs {
    let needs = any_gate(what, operation, gate);
    assert!(
        needs.max < cinder_raw::microversions::MAX_VERSION,
        "a gate that never ends would make its check dead code"
    );
    needs
}

const fn any_gate(what: &'static str, operation: &'static str, gate: &'static str) -> Needs {
    let gates = operation_of(operation).gates;
    let mut i = 0;
    while i < gates.len() {
        if same(gates[i].name, gate) {
            return Needs {
                what,
                min: gates[i].min,
                max: gates[i].max,
            };
        }
        i += 1;
    }
    panic!("a gate of the CLI is not in the spec's microversion table")
}

const fn operation_of(operation: &str) -> &'static OperationVersions {
    let mut i = 0;
    while i < OPERATIONS.len() {
        if same(OPERATIONS[i].operation_id, operation) {
            return &OPERATIONS[i];
        }
        i += 1;
    }
    panic!("an operation the CLI gates is not in the spec")
}

const fn above_3_0(min: u16) -> u16 {
    assert!(min > 0, "a gate at 3.0 would make its check dead code");
    min
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
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
pub const REIMAGE: Needs = gate("reimage", "volume_action", "action:os-reimage");
pub const SUMMARY: Needs = op("summary", "volume_summary");
pub const VOLUME_CONSUMES_QUOTA: Needs = gate(
    "Consumes Quota",
    "list_volumes_detail",
    "response:volumes.consumes_quota",
);

pub const BACKUP_METADATA: Needs = gate("--metadata", "create_backup", "body:backup.metadata");
pub const BACKUP_ZONE: Needs = gate(
    "--availability-zone",
    "create_backup",
    "body:backup.availability_zone",
);
pub const BACKUP_LIST_WITH_COUNT: Needs =
    gate("--with-count", "list_backups_detail", "query:with_count");
pub const BACKUP_USER_ID: Needs =
    gate("User ID", "list_backups_detail", "response:backups.user_id");
pub const BACKUP_UPDATE: Needs = op("backup-update", "update_backup");
/// backup-restore's `--volume-type` and `--availability-zone`: a volume created from the backup.
pub const VOLUME_FROM_BACKUP: Needs =
    gate("--volume-type", "create_volume", "body:volume.backup_id");

/// transfer-create's `--no-snapshots`: a field of the `/volume-transfers` create, the route
/// cinderclient uses from 3.55.
pub const TRANSFER_NO_SNAPSHOTS: Needs = gate(
    "--no-snapshots",
    "create_volume_transfer",
    "body:transfer.no_snapshots",
);
pub const TRANSFER_LIST_SORT: Needs = gate("--sort", "list_volume_transfers_detail", "query:sort");
/// cinderclient has `--filters` on transfer-list from the version that added them to type-list
/// (3.52; Cinder filters transfers by any column at every version).
pub const TRANSFER_LIST_FILTERS: Needs = gate("--filters", "list_types", "query:extra_specs");

pub const SNAPSHOT_LIST_METADATA: Needs =
    gate("--metadata", "list_snapshots_detail", "query:metadata");
pub const SNAPSHOT_LIST_WITH_COUNT: Needs =
    gate("--with-count", "list_snapshots_detail", "query:with_count");
pub const SNAPSHOT_CONSUMES_QUOTA: Needs = gate(
    "Consumes Quota",
    "list_snapshots_detail",
    "response:snapshots.consumes_quota",
);
/// cinderclient's `--force` of `snapshot-create`: gone from 3.66 (Cinder only tolerates `true`).
pub const SNAPSHOT_FORCE: Needs = until("force", "create_snapshot", "body:snapshot.force");
pub const SNAPSHOT_USER_ID: Needs = gate(
    "User ID",
    "list_snapshots_detail",
    "response:snapshots.user_id",
);

/// cinderclient has `--filters` on type-list from the version that filters by extra specs.
pub const TYPE_LIST_FILTERS: Needs = gate("--filters", "list_types", "query:extra_specs");

/// Every group type command (named with [`Needs::named`]).
pub const GROUP_TYPES: Needs = op("group types", "list_group_types");
/// cinderclient has `--filters` on group-type-list from the version that added them to
/// type-list (Cinder reads only `is_public` of a group type list).
pub const GROUP_TYPE_LIST_FILTERS: Needs = gate("--filters", "list_types", "query:extra_specs");

/// Every group command (named with [`Needs::named`]).
pub const GROUPS: Needs = op("groups", "list_groups_detail");
pub const GROUP_CREATE_FROM_SRC: Needs = op("group-create-from-src", "groups_action");
pub const GROUP_SHOW_LIST_VOLUME: Needs = gate("--list-volume", "show_group", "query:list_volume");
/// Every group replication command (named with [`Needs::named`]).
pub const GROUP_REPLICATION: Needs = gate(
    "group replication",
    "group_action",
    "action:enable_replication",
);
pub const GROUP_RESET_STATE: Needs = gate(
    "reset-state --type group",
    "group_action",
    "action:reset_status",
);
/// Every group snapshot command (named with [`Needs::named`]).
pub const GROUP_SNAPSHOTS: Needs = op("group snapshots", "list_group_snapshots_detail");
pub const GROUP_SNAPSHOT_RESET_STATE: Needs =
    op("reset-state --type group-snapshot", "group_snapshot_action");

pub const MESSAGE_LIST: Needs = op("message-list", "list_messages");
pub const MESSAGE_LIST_PAGING: Needs = gate(
    "--marker/--limit/--sort/--page-size",
    "list_messages",
    "query:marker",
);
pub const MESSAGE_SHOW: Needs = op("message-show", "show_message");
pub const MESSAGE_DELETE: Needs = op("message-delete", "delete_message");

pub const SERVICE_CLUSTER: Needs = gate("Cluster", "list_services", "response:services.cluster");
/// cinderclient has `--withreplication` of service-list from the version that shows clusters.
pub const SERVICE_LIST_REPLICATION: Needs = gate(
    "--withreplication",
    "list_services",
    "response:services.cluster",
);
pub const SERVICE_BACKEND_STATE: Needs = gate(
    "Backend State",
    "list_services",
    "response:services.backend_state",
);
pub const SERVICE_GET_LOG: Needs = op("service-get-log", "get_service_log_levels");
pub const SERVICE_SET_LOG: Needs = op("service-set-log", "set_service_log_levels");

pub const CLUSTERS: Needs = op("cluster-list", "list_clusters");
pub const WORK_CLEANUP: Needs = op("work-cleanup", "cleanup_workers");

pub const DEFAULT_TYPE_SET: Needs = op("default-type-set", "set_default_type");
pub const DEFAULT_TYPE_LIST: Needs = op("default-type-list", "list_default_types");
pub const DEFAULT_TYPE_UNSET: Needs = op("default-type-unset", "unset_default_type");

/// Every attachment command (named with [`Needs::named`]).
pub const ATTACHMENTS: Needs = op("attachment commands", "list_attachments");
pub const ATTACHMENT_LIST: Needs = ATTACHMENTS.named("attachment-list");
pub const ATTACHMENT_MODE: Needs = gate("--mode", "create_attachment", "body:attachment.mode");
pub const ATTACHMENT_COMPLETE: Needs = gate(
    "attachment-complete",
    "attachment_action",
    "action:os-complete",
);
