//! Helpers for the end-to-end tests: typed bodies from JSON, resource creation with waiting,
//! and cleanup that runs even when the test fails, the same for every resource.

use std::future::Future;
use std::io::{Read, Seek, SeekFrom, Write};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cinder_client::resources::{
    Attachments, Backups, Cgsnapshots, Consistencygroups, Deletable, GroupSnapshots, GroupTypes,
    Groups, Messages, Resource, Snapshots, VolumeTransfers, VolumeTypes, Volumes,
};
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

/// How the end-of-test cleanup removes one kind of resource: its delete, then, when that did not
/// remove it, the admin's force-delete if the resource has one. A resource the tests create
/// needs only an `impl Teardown` (its `remove` is [`delete`] for most).
pub trait Teardown: Resource + Sized {
    /// The first request: the resource's delete.
    fn remove<'a>(cinder: &'a Cinder, id: &'a str) -> BoxFuture<'a, cinder_client::Result<()>>;

    /// Sent when the delete failed or left the resource in an error state.
    fn force<'a>(
        _cinder: &'a Cinder,
        _id: &'a str,
    ) -> Option<BoxFuture<'a, cinder_client::Result<()>>> {
        None
    }
}

/// The resource's own delete request.
pub fn delete<'a, R: Deletable>(
    cinder: &'a Cinder,
    id: &'a str,
) -> BoxFuture<'a, cinder_client::Result<()>> {
    Box::pin(async move { cinder.handle::<R>().delete(id).await })
}

impl Teardown for Volumes {
    // A test's volume may still have snapshots the test did not register.
    fn remove<'a>(cinder: &'a Cinder, id: &'a str) -> BoxFuture<'a, cinder_client::Result<()>> {
        Box::pin(
            cinder
                .raw()
                .delete_volume()
                .volume_id(id)
                .cascade(true)
                .run(),
        )
    }
    fn force<'a>(
        cinder: &'a Cinder,
        id: &'a str,
    ) -> Option<BoxFuture<'a, cinder_client::Result<()>>> {
        Some(Box::pin(cinder.raw().volume_force_delete(id).run()))
    }
}

impl Teardown for Snapshots {
    fn remove<'a>(cinder: &'a Cinder, id: &'a str) -> BoxFuture<'a, cinder_client::Result<()>> {
        delete::<Self>(cinder, id)
    }
    fn force<'a>(
        cinder: &'a Cinder,
        id: &'a str,
    ) -> Option<BoxFuture<'a, cinder_client::Result<()>>> {
        Some(Box::pin(cinder.raw().snapshot_force_delete(id).run()))
    }
}

impl Teardown for Backups {
    fn remove<'a>(cinder: &'a Cinder, id: &'a str) -> BoxFuture<'a, cinder_client::Result<()>> {
        delete::<Self>(cinder, id)
    }
    // A backup being made or restored cannot be deleted; the force-delete stops it.
    fn force<'a>(
        cinder: &'a Cinder,
        id: &'a str,
    ) -> Option<BoxFuture<'a, cinder_client::Result<()>>> {
        Some(Box::pin(cinder.raw().backup_force_delete(id).run()))
    }
}

/// An attachment's delete answers with the volume's other attachments, not nothing; the
/// volume goes back to `available` (or stays `in-use` with others).
impl Teardown for Attachments {
    fn remove<'a>(cinder: &'a Cinder, id: &'a str) -> BoxFuture<'a, cinder_client::Result<()>> {
        Box::pin(async move {
            let request = cinder.raw().delete_attachment().attachment_id(id);
            request.run().await.map(drop)
        })
    }
}

impl Teardown for GroupSnapshots {
    fn remove<'a>(cinder: &'a Cinder, id: &'a str) -> BoxFuture<'a, cinder_client::Result<()>> {
        delete::<Self>(cinder, id)
    }
    fn force<'a>(
        cinder: &'a Cinder,
        id: &'a str,
    ) -> Option<BoxFuture<'a, cinder_client::Result<()>>> {
        reset_group_snapshot_then_remove::<Self>(cinder, id)
    }
}

/// A group goes with its volumes (its delete is an action).
impl Teardown for Groups {
    fn remove<'a>(cinder: &'a Cinder, id: &'a str) -> BoxFuture<'a, cinder_client::Result<()>> {
        let with_volumes = body(serde_json::json!({"delete-volumes": true}));
        Box::pin(cinder.raw().group_delete(id, with_volumes).run())
    }
    fn force<'a>(
        cinder: &'a Cinder,
        id: &'a str,
    ) -> Option<BoxFuture<'a, cinder_client::Result<()>>> {
        reset_group_then_remove::<Self>(cinder, id)
    }
}

/// A consistency group goes with its volumes (`force`; its delete is a POST with a body).
impl Teardown for Consistencygroups {
    fn remove<'a>(cinder: &'a Cinder, id: &'a str) -> BoxFuture<'a, cinder_client::Result<()>> {
        let with_volumes: cinder_client::types::ConsistencyGroupDeleteRequest =
            body(serde_json::json!({"consistencygroup": {"force": true}}));
        Box::pin(
            cinder
                .raw()
                .delete_consistencygroup()
                .consistencygroup_id(id)
                .body(with_volumes)
                .run(),
        )
    }
    fn force<'a>(
        cinder: &'a Cinder,
        id: &'a str,
    ) -> Option<BoxFuture<'a, cinder_client::Result<()>>> {
        reset_group_then_remove::<Self>(cinder, id)
    }
}

/// A cgsnapshot is a group snapshot: reset through the group snapshot action when its delete
/// was refused.
impl Teardown for Cgsnapshots {
    fn remove<'a>(cinder: &'a Cinder, id: &'a str) -> BoxFuture<'a, cinder_client::Result<()>> {
        delete::<Self>(cinder, id)
    }
    fn force<'a>(
        cinder: &'a Cinder,
        id: &'a str,
    ) -> Option<BoxFuture<'a, cinder_client::Result<()>>> {
        reset_group_snapshot_then_remove::<Self>(cinder, id)
    }
}

/// Resources whose own delete is all their teardown needs.
macro_rules! removed_by_their_delete {
    ($($resource:ty),*) => {$(
        impl Teardown for $resource {
            fn remove<'a>(
                cinder: &'a Cinder,
                id: &'a str,
            ) -> BoxFuture<'a, cinder_client::Result<()>> {
                delete::<Self>(cinder, id)
            }
        }
    )*};
}

// A volume transfer, whichever route made it (both routes share the transfers), is deleted
// before its volume, which cannot be deleted while it awaits the transfer; it is gone already
// when the test accepted or deleted it.
removed_by_their_delete!(VolumeTypes, Messages, GroupTypes, VolumeTransfers);

/// The `force` of a group or consistency group a test left in a status its delete refuses:
/// reset to `available` (a consistency group is a group), then remove it again.
fn reset_group_then_remove<'a, R: Teardown>(
    cinder: &'a Cinder,
    id: &'a str,
) -> Option<BoxFuture<'a, cinder_client::Result<()>>> {
    Some(Box::pin(async move {
        let available = body(serde_json::json!({"status": "available"}));
        cinder.raw().group_reset_status(id, available).run().await?;
        R::remove(cinder, id).await
    }))
}

/// [`reset_group_then_remove`] for a group snapshot or cgsnapshot.
fn reset_group_snapshot_then_remove<'a, R: Teardown>(
    cinder: &'a Cinder,
    id: &'a str,
) -> Option<BoxFuture<'a, cinder_client::Result<()>>> {
    Some(Box::pin(async move {
        let available = body(serde_json::json!({"status": "available"}));
        let reset = cinder.raw().group_snapshot_reset_status(id, available);
        reset.run().await?;
        R::remove(cinder, id).await
    }))
}

type Removal = Box<dyn for<'a> FnOnce(&'a Cinder) -> BoxFuture<'a, ()> + Send>;

/// Resources a test created, deleted at the end whatever happened: the last created first, so
/// that a snapshot goes before its volume and a volume before its type.
#[derive(Clone, Default)]
pub struct Cleanup(Arc<Mutex<Vec<Removal>>>);

impl Cleanup {
    /// Deletes resource `R` `id` at the end of the test.
    pub fn add<R: Teardown>(&self, id: &str) {
        let id = id.to_string();
        let removal: Removal = Box::new(move |cinder| Box::pin(remove::<R>(cinder, id)));
        self.0.lock().unwrap().push(removal);
    }

    /// Undoes a state change the test made (a quota, a disabled service, a default type) at the
    /// end of the test, in the same last-first order: what the test created after the change
    /// (a volume that uses the quota) is gone by then, and what it created before (the type the
    /// quota names) is still there.
    pub fn restore<F, Fut>(&self, undo: F)
    where
        F: FnOnce(Cinder) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let removal: Removal = Box::new(move |cinder| undo(cinder.clone()).boxed());
        self.0.lock().unwrap().push(removal);
    }

    async fn run(&self) {
        let removals = std::mem::take(&mut *self.0.lock().unwrap());
        if removals.is_empty() {
            return;
        }
        // An unchecked client: cleanup answers are not part of the test.
        let cinder = cloud::admin(VersionRequest::Latest).await;
        for removal in removals.into_iter().rev() {
            removal(&cinder).await;
        }
    }
}

/// Deletes `id` and waits until it is gone; force-deletes it when that did not work. Errors are
/// ignored: the resource may be gone already, and the test's own verdict is what counts.
async fn remove<R: Teardown>(cinder: &Cinder, id: String) {
    if R::remove(cinder, &id).await.is_ok() && gone::<R>(cinder, &id).await {
        return;
    }
    if let Some(forced) = R::force(cinder, &id) {
        if forced.await.is_ok() {
            gone::<R>(cinder, &id).await;
        }
    }
}

/// Whether showing `id` comes to answer 404: false when it is left in an error state or is
/// still there after the wait's timeout.
async fn gone<R: Resource>(cinder: &Cinder, id: &str) -> bool {
    let options = wait_options();
    let deadline = Instant::now() + options.timeout;
    let mut interval = options.first_interval;
    loop {
        match cinder.handle::<R>().show_json(id).await {
            Err(error) if error.is_not_found() => return true,
            Ok(shown)
                if shown["status"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("error")) =>
            {
                return false
            }
            _ if Instant::now() >= deadline => return false,
            _ => {}
        }
        tokio::time::sleep(interval).await;
        interval = (interval * 2).min(options.max_interval);
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
    cleanup.add::<Volumes>(&id);
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
    cleanup.add::<Snapshots>(&id);
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
    cleanup.add::<VolumeTypes>(value["id"].as_str().expect("a type id"));
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

/// Writes `bytes` at `offset` into the file of volume `id`, as a guest of the volume would.
pub fn write_into_volume(id: &str, offset: u64, bytes: &[u8]) {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(volume_file(id))
        .expect("the volume's file exists on the file back end");
    file.seek(SeekFrom::Start(offset)).unwrap();
    file.write_all(bytes).unwrap();
    file.sync_all().unwrap();
}

/// Whether two files hold the same bytes (compared a MiB at a time: volumes are 1 GiB).
pub fn same_bytes(a: &std::path::Path, b: &std::path::Path) -> bool {
    let (mut a, mut b) = (
        std::fs::File::open(a).unwrap(),
        std::fs::File::open(b).unwrap(),
    );
    if a.metadata().unwrap().len() != b.metadata().unwrap().len() {
        return false;
    }
    let (mut x, mut y) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let n = read_full(&mut a, &mut x);
        let m = read_full(&mut b, &mut y);
        if n != m || x[..n] != y[..m] {
            return false;
        }
        if n == 0 {
            return true;
        }
    }
}

fn read_full(file: &mut std::fs::File, buf: &mut [u8]) -> usize {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]).unwrap() {
            0 => break,
            n => filled += n,
        }
    }
    filled
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
    cleanup.add::<Backups>(&id);
    let backup = cinder
        .backups()
        .wait_for_with(&id, &["available"], &wait_options())
        .await
        .expect("the backup becomes available");
    json(&backup)
}
