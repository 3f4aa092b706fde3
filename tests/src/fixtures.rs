//! Helpers for the end-to-end tests: typed bodies from JSON, resource creation with waiting,
//! and cleanup that runs even when the test fails.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cinder_client::wait::WaitOptions;
use cinder_client::{Cinder, Run, VersionRequest};
use futures::FutureExt;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::cloud;

/// A typed request body from JSON (the generated types validate on deserialisation).
pub fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{value} does not fit {}: {e}", std::any::type_name::<T>()))
}

/// A typed value as JSON, to read fields by their wire names.
pub fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serialises")
}

pub fn wait_options() -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_secs(180),
        first_interval: Duration::from_millis(200),
        max_interval: Duration::from_secs(2),
        progress: None,
    }
}

#[derive(Clone, Debug)]
enum Resource {
    Backup(String),
    Volume(String),
    Snapshot(String),
    Type(String),
}

/// Resources a test created, deleted at the end whatever happened.
#[derive(Clone, Default)]
pub struct Cleanup(Arc<Mutex<Vec<Resource>>>);

impl Cleanup {
    pub fn backup(&self, id: &str) {
        self.0.lock().unwrap().push(Resource::Backup(id.into()));
    }
    pub fn volume(&self, id: &str) {
        self.0.lock().unwrap().push(Resource::Volume(id.into()));
    }
    pub fn snapshot(&self, id: &str) {
        self.0.lock().unwrap().push(Resource::Snapshot(id.into()));
    }
    pub fn volume_type(&self, id: &str) {
        self.0.lock().unwrap().push(Resource::Type(id.into()));
    }

    /// Deletes everything (backups, newest first, then snapshots, volumes and types), ignoring
    /// "not found".
    async fn run(&self) {
        let resources = std::mem::take(&mut *self.0.lock().unwrap());
        if resources.is_empty() {
            return;
        }
        // An unchecked client: cleanup answers are not part of the test.
        let cinder = cloud::admin(VersionRequest::Latest).await;
        let options = wait_options();
        for resource in resources.iter().rev() {
            if let Resource::Backup(id) = resource {
                // A backup still being made cannot be deleted: let it finish first.
                let _ = cinder
                    .backups()
                    .wait_for_with(id, &["available", "error"], &options)
                    .await;
                if cinder
                    .raw()
                    .delete_backup()
                    .backup_id(id)
                    .run()
                    .await
                    .is_err()
                {
                    let _ = cinder.raw().backup_force_delete(id).run().await;
                }
                let _ = cinder.backups().wait_deleted_with(id, &options).await;
            }
        }
        for resource in resources.iter().rev() {
            if let Resource::Snapshot(id) = resource {
                let _ = cinder.raw().snapshot_force_delete(id).run().await;
                let _ = cinder.snapshots().wait_deleted_with(id, &options).await;
            }
        }
        for resource in resources.iter().rev() {
            if let Resource::Volume(id) = resource {
                let _ = cinder
                    .raw()
                    .delete_volume()
                    .volume_id(id)
                    .cascade(true)
                    .run()
                    .await;
                if cinder
                    .volumes()
                    .wait_deleted_with(id, &options)
                    .await
                    .is_err()
                {
                    let _ = cinder.raw().volume_force_delete(id).run().await;
                    let _ = cinder.volumes().wait_deleted_with(id, &options).await;
                }
            }
        }
        for resource in resources.iter().rev() {
            if let Resource::Type(id) = resource {
                let _ = cinder.raw().delete_type().volume_type_id(id).run().await;
            }
        }
    }
}

/// Runs `test`, then the cleanup, then re-raises the test's panic if any.
pub async fn with_cleanup<F, Fut>(test: F)
where
    F: FnOnce(Cleanup) -> Fut,
    Fut: Future<Output = ()>,
{
    let cleanup = Cleanup::default();
    let outcome = AssertUnwindSafe(test(cleanup.clone())).catch_unwind().await;
    cleanup.run().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Creates a volume from `extra` fields (merged into `{"volume": {"name", "size": 1}}`), waits
/// for `available` and returns it as JSON.
pub async fn create_volume(cinder: &Cinder, cleanup: &Cleanup, name: &str, extra: Value) -> Value {
    let mut request = serde_json::json!({"volume": {"name": name, "size": 1}});
    if let Value::Object(fields) = extra {
        for (key, value) in fields {
            request["volume"][key] = value;
        }
    }
    let created = cinder
        .raw()
        .create_volume()
        .body(body::<cinder_client::types::VolumeCreateRequest>(request))
        .run()
        .await
        .expect("creates a volume");
    let id = created.volume.id.clone();
    cleanup.volume(&id);
    let volume = cinder
        .volumes()
        .wait_for_with(&id, &["available"], &wait_options())
        .await
        .expect("the volume becomes available");
    json(&volume)
}

/// Creates a snapshot of `volume_id`, waits for `available` and returns it as JSON.
pub async fn create_snapshot(
    cinder: &Cinder,
    cleanup: &Cleanup,
    volume_id: &str,
    name: &str,
) -> Value {
    let created = cinder
        .raw()
        .create_snapshot()
        .body(body::<cinder_client::types::SnapshotCreateRequest>(
            serde_json::json!({"snapshot": {"volume_id": volume_id, "name": name}}),
        ))
        .run()
        .await
        .expect("creates a snapshot");
    let id = created.snapshot.id.clone();
    cleanup.snapshot(&id);
    let snapshot = cinder
        .snapshots()
        .wait_for_with(&id, &["available"], &wait_options())
        .await
        .expect("the snapshot becomes available");
    json(&snapshot)
}

/// Creates a volume type (`extra` merged into `{"volume_type": {"name"}}`) and returns it as JSON.
pub async fn create_type(cinder: &Cinder, cleanup: &Cleanup, name: &str, extra: Value) -> Value {
    let mut request = serde_json::json!({"volume_type": {"name": name}});
    if let Value::Object(fields) = extra {
        for (key, value) in fields {
            request["volume_type"][key] = value;
        }
    }
    let created = cinder
        .raw()
        .create_type()
        .body(body::<cinder_client::types::VolumeTypeCreateRequest>(
            request,
        ))
        .run()
        .await
        .expect("creates a volume type");
    let value = json(&created.volume_type);
    cleanup.volume_type(value["id"].as_str().expect("a type id"));
    value
}

/// The volume type of the local cloud's `file` back end (sparse files cinder-backup can read
/// and write), created for the test; its volumes' bytes are in [`volume_file`].
pub async fn create_file_type(cinder: &Cinder, cleanup: &Cleanup) -> Value {
    create_type(
        cinder,
        cleanup,
        &cloud::unique_name("e2e-file-type"),
        serde_json::json!({"extra_specs": {"volume_backend_name": "file"}}),
    )
    .await
}

/// The file holding the bytes of a volume of the local cloud's `file` back end.
pub fn volume_file(volume_id: &str) -> std::path::PathBuf {
    cloud::state_dir()
        .join("cinder/file-volumes")
        .join(format!("volume-{volume_id}"))
}

/// Creates a backup (`fields` merged into `{"backup": {"name"}}`), waits for `available` and
/// returns it as JSON.
pub async fn create_backup(cinder: &Cinder, cleanup: &Cleanup, name: &str, fields: Value) -> Value {
    let mut request = serde_json::json!({"backup": {"name": name}});
    if let Value::Object(fields) = fields {
        for (key, value) in fields {
            request["backup"][key] = value;
        }
    }
    let created = cinder
        .raw()
        .create_backup()
        .body(body::<cinder_client::types::BackupCreateRequest>(request))
        .run()
        .await
        .expect("creates a backup");
    let id = created.backup.id.clone();
    cleanup.backup(&id);
    let backup = cinder
        .backups()
        .wait_for_with(&id, &["available"], &wait_options())
        .await
        .expect("the backup becomes available");
    json(&backup)
}
