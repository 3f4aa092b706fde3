//! Every official api-ref sample of an operation the spec covers validates against the spec's
//! request or response schema of that operation (strictly: undeclared fields fail).
//!
//! The samples are read at test time from `../shared/reference/cinder-api-ref/v3/samples`
//! (beside the workspace). A sample that contradicts Cinder 29 (the spec records the departure
//! with `x-openstack-departure`) is listed as an expected failure and must keep failing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cinder_tests::cloud::workspace_root;
use cinder_tests::schema::{spec, Expected};
use serde_json::Value;

#[derive(Clone, Copy, Debug)]
enum Side {
    Request,
    Response,
}
use Side::{Request, Response};

#[derive(Clone, Copy, Debug)]
#[allow(dead_code)] // `Departs` is used whenever a sample contradicts Cinder 29
enum Outcome {
    Valid,
    /// The sample contradicts Cinder 29; the spec follows Cinder. The reason says how.
    Departs(&'static str),
}
use Outcome::{Departs, Valid};

/// (sample file relative to samples/, operationId, side, action key, expected outcome)
type Row = (
    &'static str,
    &'static str,
    Side,
    Option<&'static str>,
    Outcome,
);

const SAMPLES: &[Row] = &[
    // availability zones
    (
        "availability-zone-list-response.json",
        "list_availability_zones",
        Response,
        None,
        Valid,
    ),
    // limits
    (
        "limits/limits-show-response.json",
        "show_limits",
        Response,
        None,
        Valid,
    ),
    // messages
    (
        "messages-list-response.json",
        "list_messages",
        Response,
        None,
        Valid,
    ),
    // resource filters
    (
        "resource-filters-list-response.json",
        "list_resource_filters",
        Response,
        None,
        Valid,
    ),
    (
        "messages-show-response.json",
        "show_message",
        Response,
        None,
        Valid,
    ),
    // QoS specs
    (
        "qos/qos-create-request.json",
        "create_qos_specs",
        Request,
        None,
        Valid,
    ),
    (
        "qos/qos-create-response.json",
        "create_qos_specs",
        Response,
        None,
        Valid,
    ),
    (
        "qos/qos-list-response.json",
        "list_qos_specs",
        Response,
        None,
        Valid,
    ),
    (
        "qos/qos-show-response.json",
        "show_qos_specs",
        Response,
        None,
        Valid,
    ),
    (
        "qos/qos-update-request.json",
        "update_qos_specs",
        Request,
        None,
        Valid,
    ),
    (
        "qos/qos-update-response.json",
        "update_qos_specs",
        Response,
        None,
        Valid,
    ),
    (
        "qos/qos-unset-request.json",
        "unset_qos_specs_keys",
        Request,
        None,
        Valid,
    ),
    (
        "qos/qos_show_response.json",
        "list_qos_associations",
        Response,
        None,
        Valid,
    ),
    // quota sets and quota class sets
    (
        "quota_sets/quotas-show-response.json",
        "show_quota_set",
        Response,
        None,
        Valid,
    ),
    (
        "quota_sets/quotas-show-usage-response.json",
        "show_quota_set",
        Response,
        None,
        Valid,
    ),
    (
        "quota_sets/quotas-show-defaults-response.json",
        "show_quota_set_defaults",
        Response,
        None,
        Valid,
    ),
    (
        "quota_sets/quotas-update-request.json",
        "update_quota_set",
        Request,
        None,
        Valid,
    ),
    (
        "quota_sets/quotas-update-response.json",
        "update_quota_set",
        Response,
        None,
        Valid,
    ),
    (
        "quota_classes/quota-classes-show-response.json",
        "show_quota_class_set",
        Response,
        None,
        Valid,
    ),
    (
        "quota_classes/quota-classes-update-request.json",
        "update_quota_class_set",
        Request,
        None,
        Valid,
    ),
    (
        "quota_classes/quota-classes-update-response.json",
        "update_quota_class_set",
        Response,
        None,
        Valid,
    ),
    (
        "quota-classes-show-response.json",
        "show_quota_class_set",
        Response,
        None,
        Valid,
    ),
    (
        "quota-classes-update-request.json",
        "update_quota_class_set",
        Request,
        None,
        Valid,
    ),
    (
        "quota-classes-update-response.json",
        "update_quota_class_set",
        Response,
        None,
        Valid,
    ),
    // versions
    (
        "versions/versions-response.json",
        "list_versions",
        Response,
        None,
        Valid,
    ),
    (
        "versions/version-show-response.json",
        "show_v3_version",
        Response,
        None,
        Valid,
    ),
    // volumes
    (
        "volumes/volume-create-request.json",
        "create_volume",
        Request,
        None,
        Valid,
    ),
    (
        "volumes/volume-create-response.json",
        "create_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/volume-show-response.json",
        "show_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/volume-update-request.json",
        "update_volume",
        Request,
        None,
        Valid,
    ),
    (
        "volumes/volume-update-response.json",
        "update_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/volumes-list-response.json",
        "list_volumes",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/volumes-list-detailed-response.json",
        "list_volumes_detail",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/volumes-list-summary-response.json",
        "volume_summary",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/volume-metadata-create-request.json",
        "create_volume_metadata",
        Request,
        None,
        Valid,
    ),
    (
        "volumes/volume-metadata-create-response.json",
        "create_volume_metadata",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/volume-metadata-show-response.json",
        "list_volume_metadata",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/volume-metadata-show-key-response.json",
        "show_volume_metadata_item",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/volume-metadata-update-request.json",
        "replace_volume_metadata",
        Request,
        None,
        Valid,
    ),
    (
        "volumes/volume-metadata-update-response.json",
        "replace_volume_metadata",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/volume-metadata-update-key-request.json",
        "update_volume_metadata_item",
        Request,
        None,
        Valid,
    ),
    (
        "volumes/volume-metadata-update-key-response.json",
        "update_volume_metadata_item",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.13/volume-create-response.json",
        "create_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.13/volume-show-response.json",
        "show_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.13/volume-update-response.json",
        "update_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.13/volumes-list-detailed-response.json",
        "list_volumes_detail",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.21/volume-create-response.json",
        "create_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.21/volume-show-response.json",
        "show_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.21/volume-update-response.json",
        "update_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.21/volumes-list-detailed-response.json",
        "list_volumes_detail",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.48/volume-create-response.json",
        "create_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.48/volume-show-response.json",
        "show_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.48/volume-update-response.json",
        "update_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.48/volumes-list-detailed-response.json",
        "list_volumes_detail",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.61/volume-create-response.json",
        "create_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.61/volume-show-response.json",
        "show_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.61/volume-update-response.json",
        "update_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.61/volumes-list-detailed-response.json",
        "list_volumes_detail",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.63/volume-create-response.json",
        "create_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.63/volume-show-response.json",
        "show_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.63/volume-update-response.json",
        "update_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.63/volumes-list-detailed-response.json",
        "list_volumes_detail",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.65/volume-create-response.json",
        "create_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.65/volume-show-response.json",
        "show_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.65/volume-update-response.json",
        "update_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.65/volumes-list-detailed-response.json",
        "list_volumes_detail",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.69/volume-create-response.json",
        "create_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.69/volume-show-response.json",
        "show_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.69/volume-update-response.json",
        "update_volume",
        Response,
        None,
        Valid,
    ),
    (
        "volumes/v3.69/volumes-list-detailed-response.json",
        "list_volumes_detail",
        Response,
        None,
        Valid,
    ),
    // volume actions
    (
        "volume-attach-request.json",
        "volume_action",
        Request,
        Some("os-attach"),
        Valid,
    ),
    (
        "volume-begin-detaching-request.json",
        "volume_action",
        Request,
        Some("os-begin_detaching"),
        Valid,
    ),
    (
        "volume-bootable-status-update-request.json",
        "volume_action",
        Request,
        Some("os-set_bootable"),
        Valid,
    ),
    (
        "volume-detach-request.json",
        "volume_action",
        Request,
        Some("os-detach"),
        Valid,
    ),
    (
        "volume-extend-request.json",
        "volume_action",
        Request,
        Some("os-extend"),
        Valid,
    ),
    (
        "volume-force-delete-request.json",
        "volume_action",
        Request,
        Some("os-force_delete"),
        Valid,
    ),
    (
        "volume-force-detach-request.json",
        "volume_action",
        Request,
        Some("os-force_detach"),
        Valid,
    ),
    (
        "volume-image-metadata-set-request.json",
        "volume_action",
        Request,
        Some("os-set_image_metadata"),
        Valid,
    ),
    (
        "volume-image-metadata-update-response.json",
        "volume_action",
        Response,
        Some("os-set_image_metadata"),
        Valid,
    ),
    (
        "volume-image-metadata-unset-request.json",
        "volume_action",
        Request,
        Some("os-unset_image_metadata"),
        Valid,
    ),
    (
        "image-metadata-show-request.json",
        "volume_action",
        Request,
        Some("os-show_image_metadata"),
        Valid,
    ),
    (
        "image-metadata-show-response.json",
        "volume_action",
        Response,
        Some("os-show_image_metadata"),
        Valid,
    ),
    (
        "volume-initialize-connection-request.json",
        "volume_action",
        Request,
        Some("os-initialize_connection"),
        Valid,
    ),
    (
        "volume-terminate-connection-request.json",
        "volume_action",
        Request,
        Some("os-terminate_connection"),
        Valid,
    ),
    (
        "volume-os-extend_volume_completion-request.json",
        "volume_action",
        Request,
        Some("os-extend_volume_completion"),
        Valid,
    ),
    (
        "volume-os-migrate_volume-request.json",
        "volume_action",
        Request,
        Some("os-migrate_volume"),
        Valid,
    ),
    (
        "volume-os-migrate_volume_completion-request.json",
        "volume_action",
        Request,
        Some("os-migrate_volume_completion"),
        Valid,
    ),
    (
        "volume-os-reimage-request.json",
        "volume_action",
        Request,
        Some("os-reimage"),
        Valid,
    ),
    (
        "volume-os-retype-request.json",
        "volume_action",
        Request,
        Some("os-retype"),
        Valid,
    ),
    (
        "volume-readonly-update-request.json",
        "volume_action",
        Request,
        Some("os-update_readonly_flag"),
        Valid,
    ),
    (
        "volume-reserve-request.json",
        "volume_action",
        Request,
        Some("os-reserve"),
        Valid,
    ),
    (
        "volume-unreserve-request.json",
        "volume_action",
        Request,
        Some("os-unreserve"),
        Valid,
    ),
    (
        "volume-roll-detaching-request.json",
        "volume_action",
        Request,
        Some("os-roll_detaching"),
        Valid,
    ),
    (
        "volume-status-reset-request.json",
        "volume_action",
        Request,
        Some("os-reset_status"),
        Valid,
    ),
    (
        "volume-revert-to-snapshot-request.json",
        "volume_action",
        Request,
        Some("revert"),
        Valid,
    ),
    (
        "volume-unmanage-request.json",
        "volume_action",
        Request,
        Some("os-unmanage"),
        Valid,
    ),
    (
        "volume_actions/volume-upload-to-image-request.json",
        "volume_action",
        Request,
        Some("os-volume_upload_image"),
        Valid,
    ),
    (
        "volume_actions/volume-upload-to-image-response.json",
        "volume_action",
        Response,
        Some("os-volume_upload_image"),
        Valid,
    ),
    // snapshots
    (
        "snapshots/snapshot-create-request.json",
        "create_snapshot",
        Request,
        None,
        Valid,
    ),
    (
        "snapshots/snapshot-create-response.json",
        "create_snapshot",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/snapshot-show-response.json",
        "show_snapshot",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/snapshot-update-request.json",
        "update_snapshot",
        Request,
        None,
        Valid,
    ),
    (
        "snapshots/snapshot-update-response.json",
        "update_snapshot",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/snapshots-list-response.json",
        "list_snapshots",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/snapshots-list-detailed-response.json",
        "list_snapshots_detail",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/snapshot-metadata-create-request.json",
        "create_snapshot_metadata",
        Request,
        None,
        Valid,
    ),
    (
        "snapshots/snapshot-metadata-create-response.json",
        "create_snapshot_metadata",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/snapshot-metadata-show-response.json",
        "list_snapshot_metadata",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/snapshot-metadata-show-key-response.json",
        "show_snapshot_metadata_item",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/snapshot-metadata-update-request.json",
        "replace_snapshot_metadata",
        Request,
        None,
        Valid,
    ),
    (
        "snapshots/snapshot-metadata-update-response.json",
        "replace_snapshot_metadata",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/snapshot-metadata-update-key-request.json",
        "update_snapshot_metadata_item",
        Request,
        None,
        Valid,
    ),
    (
        "snapshots/snapshot-metadata-update-key-response.json",
        "update_snapshot_metadata_item",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/v3.14/snapshot-create-response.json",
        "create_snapshot",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/v3.14/snapshot-show-response.json",
        "show_snapshot",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/v3.14/snapshot-update-response.json",
        "update_snapshot",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/v3.14/snapshots-list-detailed-response.json",
        "list_snapshots_detail",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/v3.41/snapshot-create-response.json",
        "create_snapshot",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/v3.41/snapshot-show-response.json",
        "show_snapshot",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/v3.41/snapshot-update-response.json",
        "update_snapshot",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/v3.41/snapshots-list-detailed-response.json",
        "list_snapshots_detail",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/v3.65/snapshot-create-response.json",
        "create_snapshot",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/v3.65/snapshot-show-response.json",
        "show_snapshot",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/v3.65/snapshot-update-response.json",
        "update_snapshot",
        Response,
        None,
        Valid,
    ),
    (
        "snapshots/v3.65/snapshots-list-detailed-response.json",
        "list_snapshots_detail",
        Response,
        None,
        Valid,
    ),
    (
        "snapshot-force-delete-request.json",
        "snapshot_action",
        Request,
        Some("os-force_delete"),
        Valid,
    ),
    (
        "snapshot-status-reset-request.json",
        "snapshot_action",
        Request,
        Some("os-reset_status"),
        Valid,
    ),
    (
        "snapshot-status-update-request.json",
        "snapshot_action",
        Request,
        Some("os-update_snapshot_status"),
        Valid,
    ),
    // volume types
    (
        "volume_type/volume-type-create-request.json",
        "create_type",
        Request,
        None,
        Valid,
    ),
    (
        "volume_type/volume-type-create-response.json",
        "create_type",
        Response,
        None,
        Valid,
    ),
    (
        "volume_type/volume-type-show-response.json",
        "show_type",
        Response,
        None,
        Valid,
    ),
    (
        "volume_type/volume-type-default-response.json",
        "show_default_type",
        Response,
        None,
        Valid,
    ),
    (
        "volume_type/volume-type-update-request.json",
        "update_type",
        Request,
        None,
        Valid,
    ),
    (
        "volume_type/volume-type-update-response.json",
        "update_type",
        Response,
        None,
        Valid,
    ),
    (
        "volume_type/volume-types-list-response.json",
        "list_types",
        Response,
        None,
        Valid,
    ),
    (
        "volume_type/volume-type-all-extra-specs-show-response.json",
        "list_type_extra_specs",
        Response,
        None,
        Valid,
    ),
    (
        "volume_type/volume-type-extra-specs-create-update-request.json",
        "create_type_extra_specs",
        Request,
        None,
        Valid,
    ),
    (
        "volume_type/volume-type-extra-specs-create-update-response.json",
        "create_type_extra_specs",
        Response,
        None,
        Valid,
    ),
    (
        "volume_type/volume-type-specific-extra-specs-show-response.json",
        "show_type_extra_spec",
        Response,
        None,
        Valid,
    ),
    (
        "volume_type/volume-type-specific-extra-specs-update-request.json",
        "update_type_extra_spec",
        Request,
        None,
        Valid,
    ),
    (
        "volume_type/volume-type-specific-extra-specs-update-response.json",
        "update_type_extra_spec",
        Response,
        None,
        Valid,
    ),
    (
        "volume_type/volume-type-access-add-request.json",
        "type_action",
        Request,
        Some("addProjectAccess"),
        Valid,
    ),
    (
        "volume-type-access-delete-request.json",
        "type_action",
        Request,
        Some("removeProjectAccess"),
        Valid,
    ),
    (
        "volume_type/volume-type-access-list-response.json",
        "list_type_access",
        Response,
        None,
        Valid,
    ),
    (
        "volume_type/encryption-type-create-request.json",
        "create_type_encryption",
        Request,
        None,
        Valid,
    ),
    (
        "volume_type/encryption-type-create-response.json",
        "create_type_encryption",
        Response,
        None,
        Valid,
    ),
    (
        "volume_type/encryption-type-show-response.json",
        "show_type_encryption",
        Response,
        None,
        Valid,
    ),
    (
        "volume_type/encryption-type-specific-specs-show-response.json",
        "show_type_encryption_spec",
        Response,
        None,
        Valid,
    ),
    (
        "volume_type/encryption-type-update-request.json",
        "update_type_encryption",
        Request,
        None,
        Valid,
    ),
    (
        "volume_type/encryption-type-update-response.json",
        "update_type_encryption",
        Response,
        None,
        Valid,
    ),
];

/// Folders under samples/ whose every file belongs to a covered operation.
const COVERED_DIRS: &[&str] = &[
    "limits",
    "qos",
    "quota_classes",
    "quota_sets",
    "snapshots",
    "versions",
    "volume_actions",
    "volume_type",
    "volumes",
];

/// Top-level sample files with these prefixes belong to covered resources...
const COVERED_PREFIXES: &[&str] = &[
    "availability-zone-",
    "image-metadata-",
    "messages-",
    "quota-classes-",
    "resource-filters-",
    "snapshot-force-",
    "snapshot-status-",
    "volume-",
];

/// ...except these, which belong to operations the spec does not describe (yet).
const NOT_COVERED: &[(&str, &str)] = &[
    (
        "volume-manage-list-response.json",
        "manageable volumes (os-volume-manage) are not in the spec",
    ),
    (
        "volume-manage-list-detail-response.json",
        "manageable volumes (os-volume-manage) are not in the spec",
    ),
    (
        "volume-manage-request-cluster.json",
        "volume manage (os-volume-manage) is not in the spec",
    ),
];

fn samples_dir() -> PathBuf {
    let dir = workspace_root().join("../shared/reference/cinder-api-ref/v3/samples");
    assert!(
        dir.is_dir(),
        "the api-ref samples are missing: expected {} (clone `shared/` beside the repository)",
        dir.display()
    );
    dir
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The errors of validating one sample against its operation's schema.
fn validate(row: &Row) -> Result<(), Vec<String>> {
    let (file, operation, side, action, _) = *row;
    let value = read(&samples_dir().join(file));
    let spec = spec();
    let schema = match side {
        Request => spec
            .request_schema(operation, action)
            .map_err(|e| vec![e])?,
        Response => match spec
            .success_response(operation, action)
            .map_err(|e| vec![e])?
        {
            (_, Expected::Json(schema)) => schema,
            (status, Expected::Empty) => {
                return Err(vec![format!("{operation} answers {status} without a body")])
            }
        },
    };
    // A sample under `vX.Y/` shows that microversion: its fields must exist at 3.Y.
    let version = file
        .split('/')
        .find_map(|part| part.strip_prefix('v').and_then(cinder_tests::schema::minor));
    spec.validate_at(&schema, &value, version)
}

#[test]
fn samples_conform_to_the_spec() {
    let mut problems = Vec::new();
    for row in SAMPLES {
        let (file, operation, side, action, outcome) = *row;
        let what = format!(
            "{file} ({operation} {side:?}{})",
            action.map(|a| format!(" {a}")).unwrap_or_default()
        );
        match (validate(row), outcome) {
            (Ok(()), Valid) => {}
            (Err(errors), Valid) => problems.push(format!(
                "{what} does not validate:\n    {}",
                errors.join("\n    ")
            )),
            (Err(_), Departs(_)) => {}
            (Ok(()), Departs(reason)) => problems.push(format!(
                "{what} is listed as departing from Cinder ({reason}) but now validates: \
                 move it to Valid"
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "{} sample(s) failed:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_sample_of_a_covered_resource_is_in_the_table() {
    let root = samples_dir();
    let listed: BTreeSet<&str> = SAMPLES.iter().map(|row| row.0).collect();
    assert_eq!(listed.len(), SAMPLES.len(), "a sample is listed twice");
    let mut expected = BTreeSet::new();
    for dir in COVERED_DIRS {
        collect(&root, &root.join(dir), &mut expected);
    }
    for entry in std::fs::read_dir(&root).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if COVERED_PREFIXES.iter().any(|p| name.starts_with(p))
            && !NOT_COVERED.iter().any(|(n, _)| *n == name)
            && root.join(&name).is_file()
        {
            expected.insert(name);
        }
    }
    let missing: Vec<_> = expected
        .iter()
        .filter(|f| !listed.contains(f.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "samples of covered resources missing from SAMPLES: {missing:#?}"
    );
    let stale: Vec<_> = listed.iter().filter(|f| !root.join(f).is_file()).collect();
    assert!(
        stale.is_empty(),
        "SAMPLES lists files that do not exist: {stale:#?}"
    );
    for (name, _) in NOT_COVERED {
        assert!(
            root.join(name).is_file(),
            "NOT_COVERED lists a missing file {name}"
        );
    }
}

fn collect(root: &Path, dir: &Path, into: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, into);
        } else {
            into.insert(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
}
