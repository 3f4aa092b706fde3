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
    Volume(String),
    Snapshot(String),
    Type(String),
    GroupType(String),
    Group(String),
    GroupSnapshot(String),
}

/// Resources a test created, deleted at the end whatever happened.
#[derive(Clone, Default)]
pub struct Cleanup(Arc<Mutex<Vec<Resource>>>);

impl Cleanup {
    pub fn volume(&self, id: &str) {
        self.0.lock().unwrap().push(Resource::Volume(id.into()));
    }
    pub fn snapshot(&self, id: &str) {
        self.0.lock().unwrap().push(Resource::Snapshot(id.into()));
    }
    pub fn volume_type(&self, id: &str) {
        self.0.lock().unwrap().push(Resource::Type(id.into()));
    }
    pub fn group_type(&self, id: &str) {
        self.0.lock().unwrap().push(Resource::GroupType(id.into()));
    }
    /// A group, deleted with its volumes.
    pub fn group(&self, id: &str) {
        self.0.lock().unwrap().push(Resource::Group(id.into()));
    }
    pub fn group_snapshot(&self, id: &str) {
        self.0
            .lock()
            .unwrap()
            .push(Resource::GroupSnapshot(id.into()));
    }

    /// Deletes everything (group snapshots, snapshots, groups with their volumes, volumes,
    /// group types, types), ignoring "not found".
    async fn run(&self) {
        let resources = std::mem::take(&mut *self.0.lock().unwrap());
        if resources.is_empty() {
            return;
        }
        // An unchecked client: cleanup answers are not part of the test.
        let cinder = cloud::admin(VersionRequest::Latest).await;
        let options = wait_options();
        for resource in resources.iter().rev() {
            if let Resource::GroupSnapshot(id) = resource {
                let available = body(serde_json::json!({"status": "available"}));
                let raw = cinder.raw();
                let _ = raw.group_snapshot_reset_status(id, available).run().await;
                let _ = cinder.group_snapshots().delete(id).await;
                let _ = cinder
                    .group_snapshots()
                    .wait_deleted_with(id, &options)
                    .await;
            }
        }
        for resource in resources.iter().rev() {
            if let Resource::Snapshot(id) = resource {
                let _ = cinder.raw().snapshot_force_delete(id).run().await;
                let _ = cinder.snapshots().wait_deleted_with(id, &options).await;
            }
        }
        for resource in resources.iter().rev() {
            if let Resource::Group(id) = resource {
                let available = body(serde_json::json!({"status": "available"}));
                let _ = cinder.raw().group_reset_status(id, available).run().await;
                let with_volumes = body(serde_json::json!({"delete-volumes": true}));
                let _ = cinder.raw().group_delete(id, with_volumes).run().await;
                let _ = cinder.groups().wait_deleted_with(id, &options).await;
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
            if let Resource::GroupType(id) = resource {
                let _ = cinder.group_types().delete(id).await;
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
