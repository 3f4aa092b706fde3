//! Resources made once per cloud and shared by every test that only reads them: a volume with
//! metadata and image metadata, attached (so that answers carry an attachment), its snapshot, a
//! type with an extra spec and encryption, a private type the admin project can use, a user
//! message about a volume the scheduler could not place, a QoS spec associated with the type, a
//! group type with a spec, a group with a volume and its group snapshot, a backup of a
//! volume of the file-backed back end, and a volume offered for transfer (its transfer). Making them costs a test tens of seconds of
//! creating and waiting; reading them costs nothing.
//!
//! The set is recorded in `target/test-cache/seed.json` and checked on every use (a new cloud,
//! or a resource someone deleted, makes a new set). A file lock lets the first of the test
//! processes started at once make it while the others wait. Tests never change a seeded
//! resource; where a command under test must write, it writes the values the seed already has
//! ([`METADATA`], [`TYPE_DESCRIPTION`]).

use std::fs::File;
use std::path::PathBuf;

use cinder_client::resources::{
    Backups, GroupSnapshots, Groups, Messages, QosSpecs, Snapshots, VolumeTypes, Volumes,
};
use cinder_client::{types, Cinder, Run, VersionRequest};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::cloud;
use crate::fixtures::{body, wait_options};

/// The metadata of the seeded volume and snapshot, and the extra spec of the seeded type.
pub const METADATA: (&str, &str) = ("tier", "gold");
/// The seeded volume's image metadata.
pub const IMAGE_METADATA: (&str, &str) = ("purpose", "test");
/// The seeded group type's spec (the fake back ends can snapshot groups).
pub const GROUP_SPEC: (&str, &str) = ("consistent_group_snapshot_enabled", "<is> True");
/// The seeded types' description.
pub const TYPE_DESCRIPTION: &str = "seeded";
/// The server the seeded volume is attached to (an attachment record only: no Nova here).
pub const SERVER: &str = "0b2c1b4e-6c35-4d0b-9f5e-3a8e7a9d1c11";

/// The IDs and names of the seeded resources, all in the admin project.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Seed {
    /// What every seeded name starts with (`seed-<random>`).
    pub prefix: String,
    pub project_id: String,
    /// In use, attached to [`SERVER`] at `/dev/vdb`.
    pub volume: String,
    pub snapshot: String,
    /// Public, with the extra spec [`METADATA`] and a `luks` encryption type.
    pub volume_type: String,
    /// Private, with access for the admin project and the extra spec [`METADATA`].
    pub private_type: String,
    /// A user message, and the volume (in `error`) it is about.
    pub message: String,
    pub message_volume: String,
    /// A QoS spec with the spec [`METADATA`], associated with `volume_type`.
    pub qos: String,
    /// A group type with the group spec [`GROUP_SPEC`].
    pub group_type: String,
    /// A group of `group_type` and the default volume type, with one volume.
    pub group: String,
    pub group_snapshot: String,
    /// A backup of a volume of the file-backed back end.
    pub backup: String,
    /// A volume transfer (of a volume of its own, which stays `awaiting-transfer`).
    pub transfer: String,
}

/// The seeded set, made first if this cloud does not have it.
pub async fn seed() -> Seed {
    let folder = cloud::workspace_root().join("target/test-cache");
    std::fs::create_dir_all(&folder).expect("creates target/test-cache");
    let lock = File::create(folder.join("seed.lock")).expect("opens the seed lock");
    // Blocking is right here: a test process has nothing to do until it has the seed.
    lock.lock().expect("locks the seed");
    let record = folder.join("seed.json");
    let cinder = cloud::admin(VersionRequest::Latest).await;
    if let Some(mut seed) = recorded(&record) {
        if still_there(&cinder, &seed).await {
            // Messages go when anyone tidies them (the parity run deletes every message it
            // sees): a new one, not a new set.
            if cinder
                .handle::<Messages>()
                .show_json(&seed.message)
                .await
                .is_err()
            {
                (seed.message, seed.message_volume) = provoke_message(&cinder, &seed.prefix).await;
                write(&record, &seed);
            }
            return seed;
        }
    }
    let seed = make(&cinder).await;
    write(&record, &seed);
    seed
}

fn write(path: &PathBuf, seed: &Seed) {
    let text = serde_json::to_string_pretty(seed).expect("serialises");
    std::fs::write(path, text).expect("records the seed");
}

fn recorded(path: &PathBuf) -> Option<Seed> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

async fn still_there(cinder: &Cinder, seed: &Seed) -> bool {
    let status = |shown: cinder_client::Result<serde_json::Value>, wanted: &str| {
        shown.is_ok_and(|s| s["status"] == wanted)
    };
    status(
        cinder.handle::<Volumes>().show_json(&seed.volume).await,
        "in-use",
    ) && status(
        cinder.handle::<Snapshots>().show_json(&seed.snapshot).await,
        "available",
    ) && cinder
        .handle::<VolumeTypes>()
        .show_json(&seed.volume_type)
        .await
        .is_ok()
        && cinder
            .handle::<VolumeTypes>()
            .show_json(&seed.private_type)
            .await
            .is_ok()
        && cinder
            .handle::<QosSpecs>()
            .show_json(&seed.qos)
            .await
            .is_ok()
        && status(
            cinder.handle::<Groups>().show_json(&seed.group).await,
            "available",
        )
        && status(
            cinder
                .handle::<GroupSnapshots>()
                .show_json(&seed.group_snapshot)
                .await,
            "available",
        )
        && status(
            cinder.handle::<Backups>().show_json(&seed.backup).await,
            "available",
        )
        && cinder.transfers().show_json(&seed.transfer).await.is_ok()
}

impl Seed {
    /// The seeded volume's name.
    pub fn volume_name(&self) -> String {
        format!("{}-volume", self.prefix)
    }

    /// The seeded snapshot's name.
    pub fn snapshot_name(&self) -> String {
        format!("{}-snapshot", self.prefix)
    }
}

async fn make(cinder: &Cinder) -> Seed {
    let prefix = cloud::unique_name("seed");
    let (key, value) = METADATA;
    let raw = cinder.raw();
    let new_type = |name: String, public: bool| async move {
        let request = json!({"volume_type": {
            "name": name, "description": TYPE_DESCRIPTION, "os-volume-type-access:is_public": public,
        }});
        let created = raw
            .create_type()
            .body(body::<types::VolumeTypeCreateRequest>(request))
            .run_json()
            .await
            .expect("creates a seeded type");
        created.into_json()["volume_type"]["id"]
            .as_str()
            .expect("a type id")
            .to_string()
    };
    let volume_type = new_type(format!("{prefix}-type"), true).await;
    cinder
        .volume_types()
        .set_metadata(&volume_type, [METADATA])
        .await
        .expect("sets the seeded type's extra spec");
    raw.create_type_encryption()
        .volume_type_id(&volume_type)
        .body(body::<types::VolumeTypeEncryptionCreateRequest>(
            json!({"encryption": {
                "provider": "luks", "cipher": "aes-xts-plain64", "key_size": 256,
                "control_location": "front-end",
            }}),
        ))
        .run()
        .await
        .expect("gives the seeded type an encryption type");
    let private_type = new_type(format!("{prefix}-private"), false).await;
    cinder
        .volume_types()
        .set_metadata(&private_type, [METADATA])
        .await
        .expect("sets the private type's extra spec");
    let project_id = cinder
        .project_id()
        .expect("the admin is scoped to a project")
        .to_string();
    raw.type_add_project_access(&private_type, body(json!({"project": project_id})))
        .run()
        .await
        .expect("gives the admin project access to the private type");

    let created = raw
        .create_volume()
        .body(body::<types::VolumeCreateRequest>(json!({"volume": {
            "name": format!("{prefix}-volume"), "size": 1, "metadata": {key: value},
        }})))
        .run_json()
        .await
        .expect("creates the seeded volume");
    let volume = created.into_json()["volume"]["id"]
        .as_str()
        .expect("a volume id")
        .to_string();
    cinder
        .volumes()
        .wait_json(&volume, &["available"], &wait_options())
        .await
        .expect("the seeded volume becomes available");
    let (image_key, image_value) = IMAGE_METADATA;
    raw.volume_set_image_metadata(&volume, body(json!({"metadata": {image_key: image_value}})))
        .run()
        .await
        .expect("sets the seeded volume's image metadata");
    let created = raw
        .create_snapshot()
        .body(body::<types::SnapshotCreateRequest>(json!({"snapshot": {
            "volume_id": volume, "name": format!("{prefix}-snapshot"), "metadata": {key: value},
        }})))
        .run_json()
        .await
        .expect("creates the seeded snapshot");
    let snapshot = created.into_json()["snapshot"]["id"]
        .as_str()
        .expect("a snapshot id")
        .to_string();
    cinder
        .snapshots()
        .wait_json(&snapshot, &["available"], &wait_options())
        .await
        .expect("the seeded snapshot becomes available");
    raw.volume_reserve(&volume)
        .run()
        .await
        .expect("reserves the seeded volume");
    let attach = json!({"instance_uuid": SERVER, "mountpoint": "/dev/vdb", "mode": "rw"});
    raw.volume_attach(&volume, body(attach))
        .run()
        .await
        .expect("attaches the seeded volume");
    let (message, message_volume) = provoke_message(cinder, &prefix).await;
    let qos = make_qos(cinder, &prefix, &volume_type).await;
    let (group_type, group, group_snapshot) = make_group(cinder, &prefix).await;
    let backup = make_backup(cinder, &prefix).await;
    let transfer = make_transfer(cinder, &prefix).await;
    Seed {
        transfer,
        qos,
        group_type,
        group,
        group_snapshot,
        backup,
        prefix,
        message,
        message_volume,
        project_id,
        volume,
        snapshot,
        volume_type,
        private_type,
    }
}

/// A user message: a volume of a type whose back end does not exist fails in the scheduler,
/// which records a message about it.
async fn provoke_message(cinder: &Cinder, prefix: &str) -> (String, String) {
    let raw = cinder.raw();
    let request = json!({"volume_type": {
        "name": cloud::unique_name(&format!("{prefix}-nowhere")), "description": TYPE_DESCRIPTION,
        "extra_specs": {"volume_backend_name": format!("{prefix}-no-such-backend")},
    }});
    let nowhere = raw
        .create_type()
        .body(body::<types::VolumeTypeCreateRequest>(request))
        .run_json()
        .await
        .expect("creates a type without a back end");
    let nowhere = nowhere.into_json()["volume_type"]["id"].clone();
    let created = raw
        .create_volume()
        .body(body::<types::VolumeCreateRequest>(json!({"volume": {
            "name": cloud::unique_name(&format!("{prefix}-unplaced")), "size": 1, "volume_type": nowhere,
        }})))
        .run_json()
        .await
        .expect("creates a volume the scheduler cannot place");
    let volume = created.into_json()["volume"]["id"]
        .as_str()
        .expect("a volume id")
        .to_string();
    let options = wait_options();
    let deadline = std::time::Instant::now() + options.timeout;
    loop {
        let found = raw
            .list_messages()
            .resource_uuid(&volume)
            .run_json()
            .await
            .expect("lists messages");
        if let Some(id) = found.json()["messages"][0]["id"].as_str() {
            return (id.to_string(), volume);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no user message about volume {volume}"
        );
        tokio::time::sleep(options.first_interval).await;
    }
}

/// The `id` of the object under `key` in a create answer.
fn created_id(answer: serde_json::Value, key: &str) -> String {
    answer[key]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} id in {answer}"))
        .to_string()
}

async fn make_qos(cinder: &Cinder, prefix: &str, volume_type: &str) -> String {
    let raw = cinder.raw();
    let (key, value) = METADATA;
    let request = json!({"qos_specs": {"name": format!("{prefix}-qos"), key: value}});
    let created = raw
        .create_qos_specs()
        .body(body::<types::QosSpecsCreateRequest>(request))
        .run_json()
        .await
        .expect("creates the seeded QoS spec");
    let qos = created_id(created.into_json(), "qos_specs");
    raw.associate_qos_specs()
        .qos_id(&qos)
        .vol_type_id(volume_type)
        .run()
        .await
        .expect("associates the seeded QoS spec with the seeded type");
    qos
}

/// A group type, a group of it and the default volume type with one volume, and the group's
/// snapshot. (The seeded type's spec is no capability of a back end: the scheduler would place
/// nothing of it.)
async fn make_group(cinder: &Cinder, prefix: &str) -> (String, String, String) {
    let raw = cinder.raw();
    let (key, value) = GROUP_SPEC;
    let request = json!({"group_type": {
        "name": format!("{prefix}-group-type"), "group_specs": {key: value},
    }});
    let created = raw
        .create_group_type()
        .body(body::<types::GroupTypeCreateRequest>(request))
        .run_json()
        .await
        .expect("creates the seeded group type");
    let group_type = created_id(created.into_json(), "group_type");
    let default = raw.show_default_type().run_json().await;
    let volume_type = created_id(
        default.expect("shows the default type").into_json(),
        "volume_type",
    );
    let request = json!({"group": {
        "name": format!("{prefix}-group"), "group_type": group_type, "volume_types": [volume_type],
    }});
    let created = raw
        .create_group()
        .body(body::<types::GroupCreateRequest>(request))
        .run_json()
        .await
        .expect("creates the seeded group");
    let group = created_id(created.into_json(), "group");
    cinder
        .handle::<Groups>()
        .wait_json(&group, &["available"], &wait_options())
        .await
        .expect("the seeded group becomes available");
    let request = json!({"volume": {
        "name": format!("{prefix}-group-volume"), "size": 1, "group_id": group,
        "volume_type": volume_type,
    }});
    let created = raw
        .create_volume()
        .body(body::<types::VolumeCreateRequest>(request))
        .run_json()
        .await
        .expect("creates the seeded group's volume");
    let member = created_id(created.into_json(), "volume");
    cinder
        .volumes()
        .wait_json(&member, &["available"], &wait_options())
        .await
        .expect("the seeded group's volume becomes available");
    let request = json!({"group_snapshot": {
        "name": format!("{prefix}-group-snapshot"), "group_id": group,
    }});
    let created = raw
        .create_group_snapshot()
        .body(body::<types::GroupSnapshotCreateRequest>(request))
        .run_json()
        .await
        .expect("creates the seeded group snapshot");
    let group_snapshot = created_id(created.into_json(), "group_snapshot");
    cinder
        .handle::<GroupSnapshots>()
        .wait_json(&group_snapshot, &["available"], &wait_options())
        .await
        .expect("the seeded group snapshot becomes available");
    (group_type, group, group_snapshot)
}

/// A transfer of a volume of its own (never accepted: the volume stays `awaiting-transfer`).
async fn make_transfer(cinder: &Cinder, prefix: &str) -> String {
    let request = json!({"volume": {"name": format!("{prefix}-offered"), "size": 1}});
    let created = cinder
        .raw()
        .create_volume()
        .body(body::<types::VolumeCreateRequest>(request))
        .run_json()
        .await
        .expect("creates the volume to offer");
    let volume = created_id(created.into_json(), "volume");
    cinder
        .volumes()
        .wait_json(&volume, &["available"], &wait_options())
        .await
        .expect("the volume to offer becomes available");
    let created = cinder
        .transfers()
        .create(&volume, Some(&format!("{prefix}-transfer")), false)
        .await
        .expect("creates the seeded transfer");
    created.id
}

/// A backup of a volume of the file-backed back end (the fake ones cannot be read).
async fn make_backup(cinder: &Cinder, prefix: &str) -> String {
    let raw = cinder.raw();
    let request = json!({"volume_type": {
        "name": format!("{prefix}-file"), "description": TYPE_DESCRIPTION,
        "extra_specs": {"volume_backend_name": "file"},
    }});
    let created = raw
        .create_type()
        .body(body::<types::VolumeTypeCreateRequest>(request))
        .run_json()
        .await
        .expect("creates the file back end's type");
    let file_type = created_id(created.into_json(), "volume_type");
    let request = json!({"volume": {
        "name": format!("{prefix}-backed-up"), "size": 1, "volume_type": file_type,
    }});
    let created = raw
        .create_volume()
        .body(body::<types::VolumeCreateRequest>(request))
        .run_json()
        .await
        .expect("creates the volume to back up");
    let volume = created_id(created.into_json(), "volume");
    cinder
        .volumes()
        .wait_json(&volume, &["available"], &wait_options())
        .await
        .expect("the volume to back up becomes available");
    let request = json!({"backup": {"name": format!("{prefix}-backup"), "volume_id": volume}});
    let created = raw
        .create_backup()
        .body(body::<types::BackupCreateRequest>(request))
        .run_json()
        .await
        .expect("creates the seeded backup");
    let backup = created_id(created.into_json(), "backup");
    cinder
        .handle::<Backups>()
        .wait_json(&backup, &["available"], &wait_options())
        .await
        .expect("the seeded backup becomes available");
    backup
}
