//! Helpers for the end-to-end tests: typed bodies from JSON, resource creation with waiting,
//! and cleanup that runs even when the test fails.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cinder_client::wait::WaitOptions;
use cinder_client::{Cinder, Run, VersionRequest};
use futures::future::BoxFuture;
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

/// A change to the cloud's state made by a test (a quota, a service disabled, a default type),
/// undone by the cleanup with an admin client.
pub type Restore = Box<dyn FnOnce(Cinder) -> BoxFuture<'static, ()> + Send>;

enum Resource {
    Volume(String),
    Snapshot(String),
    Type(String),
    Restore(Restore),
}

/// Resources a test created, deleted at the end whatever happened, and the state changes it
/// made, undone.
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
    /// Undoes a state change: run after the volumes are gone (a quota then fits the usage
    /// again) and before the types are deleted (a default type or quota may name one), the
    /// last registered first.
    pub fn restore<F, Fut>(&self, undo: F)
    where
        F: FnOnce(Cinder) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let undo: Restore = Box::new(move |cinder| undo(cinder).boxed());
        self.0.lock().unwrap().push(Resource::Restore(undo));
    }

    /// Deletes everything (snapshots, then volumes, then types), ignoring "not found".
    async fn run(&self) {
        let resources = std::mem::take(&mut *self.0.lock().unwrap());
        if resources.is_empty() {
            return;
        }
        // An unchecked client: cleanup answers are not part of the test.
        let cinder = cloud::admin(VersionRequest::Latest).await;
        let options = wait_options();
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
        let mut types = Vec::new();
        for resource in resources.into_iter().rev() {
            match resource {
                Resource::Restore(undo) => undo(cinder.clone()).await,
                Resource::Type(id) => types.push(id),
                _ => {}
            }
        }
        for id in types {
            let _ = cinder.raw().delete_type().volume_type_id(&id).run().await;
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
