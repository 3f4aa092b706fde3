//! End to end against the local cloud: unmanage and manage really give back and take the same
//! storage. The volumes live on the cloud's `file` back end (one sparse file per volume,
//! `volume-<id>`, and per snapshot, `volume-<id>.snapshot-<id>`), whose driver lists the files
//! Cinder does not know as manageable and adopts them by renaming them.

use std::collections::hash_map::DefaultHasher;
use std::fs::{File, OpenOptions};
use std::hash::Hasher;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use cinder_client::manage::{Backend, Reference};
use cinder_client::resources::{Snapshots, Volumes};
use cinder_client::{Cinder, Error, Run};
use cinder_tests::cloud::{admin_checked, checked, state_dir, unique_name, v};
use cinder_tests::fixtures::{
    create_file_type, create_snapshot, create_volume, json, volume_file, wait_options,
    with_cleanup, Cleanup,
};
use futures::TryStreamExt;
use serde_json::{json, Value};

/// Held by the tests that change the file back end's files: one test's paged listing would
/// otherwise see another's files come and go between its pages (a vanished marker is a 400).
static FILE_BACKEND: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn write_at(path: &Path, offset: u64, bytes: &[u8]) {
    let mut file = OpenOptions::new().write(true).open(path).unwrap();
    file.seek(SeekFrom::Start(offset)).unwrap();
    file.write_all(bytes).unwrap();
    file.sync_all().unwrap();
}

/// A digest of a file's size and every byte (read a MiB at a time: volumes are 1 GiB).
fn digest(path: &Path) -> (u64, u64) {
    let mut file = File::open(path).unwrap();
    let mut hasher = DefaultHasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0;
    loop {
        let n = file.read(&mut buf).unwrap();
        if n == 0 {
            return (len, hasher.finish());
        }
        hasher.write(&buf[..n]);
        len += n as u64;
    }
}

fn snapshot_file(volume_id: &str, snapshot_id: &str) -> PathBuf {
    state_dir()
        .join("cinder/file-volumes")
        .join(format!("volume-{volume_id}.snapshot-{snapshot_id}"))
}

fn source_name(name: &str) -> Reference {
    let mut reference = Reference::new();
    reference.insert("source-name".into(), json!(name));
    reference
}

/// Removes `path` at the end of the test if it is still there: storage left unmanaged by a
/// test that failed half-way would show in every later manageable list.
fn remove_leftover(cleanup: &Cleanup, path: PathBuf) {
    cleanup.restore(move |_| async move {
        let _ = std::fs::remove_file(path);
    });
}

async fn file_volume(cinder: &Cinder, cleanup: &Cleanup, prefix: &str) -> (Value, String) {
    let file_type = create_file_type(cinder, cleanup).await;
    let volume = create_volume(
        cinder,
        cleanup,
        &unique_name(prefix),
        json!({"volume_type": file_type["id"]}),
    )
    .await;
    let host = volume["os-vol-host-attr:host"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(host.contains("@file#"), "on the file back end: {volume}");
    (volume, host)
}

/// Waits until showing `id` with `show` answers 404.
async fn wait_gone<F, Fut, T>(what: &str, id: &str, show: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = cinder_client::Result<T>>,
{
    let deadline = std::time::Instant::now() + wait_options().timeout;
    loop {
        match show().await {
            Err(error) if error.is_not_found() => return,
            _ if std::time::Instant::now() >= deadline => panic!("{what} {id} is still there"),
            _ => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
        }
    }
}

#[tokio::test]
async fn an_unmanaged_volume_is_listed_and_managed_back_with_the_same_bytes() {
    let _file_backend = FILE_BACKEND.lock().await;
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let (volume, host) = file_volume(&cinder, &cleanup, "e2e-mg-vol").await;
        let id = volume["id"].as_str().unwrap();
        let file = volume_file(id);
        remove_leftover(&cleanup, file.clone());
        write_at(&file, 0, b"managed bytes at the start");
        write_at(&file, 300 << 20, &[0x5A; 4096]);
        let before = digest(&file);
        let on = Backend::Host(host.clone());
        let reference = json!({"source-name": format!("volume-{id}")});

        // Managed: listed, but not safe to manage.
        let listed: Vec<_> = cinder
            .manageable()
            .volumes_json(on.clone())
            .try_collect()
            .await
            .unwrap();
        let entry = listed
            .iter()
            .find(|e| e["reference"] == reference)
            .unwrap_or_else(|| panic!("volume-{id} is listed: {listed:?}"));
        assert_eq!(entry["safe_to_manage"], false, "{entry}");
        assert_eq!(entry["reason_not_safe"], "already managed", "{entry}");
        assert_eq!(entry["cinder_id"], id, "{entry}");
        assert_eq!(entry["size"], 1, "{entry}");

        cinder.manageable().unmanage_volume(id).await.unwrap();
        wait_gone("volume", id, || async {
            cinder.volumes().show_json(id).await
        })
        .await;
        assert_eq!(
            digest(&file),
            before,
            "unmanaging leaves the file as it was"
        );

        // Unmanaged: safe to manage, in both views, and the same when paged one at a time.
        let detail: Vec<_> = cinder
            .manageable()
            .volumes(on.clone())
            .try_collect()
            .await
            .unwrap();
        let entry = detail
            .iter()
            .find(|e| json(&e.reference) == reference)
            .expect("the unmanaged file is listed");
        assert!(entry.safe_to_manage);
        assert_eq!(entry.cinder_id, None);
        assert_eq!(entry.reason_not_safe, None);
        let paged: Vec<_> = cinder
            .manageable()
            .page_size(1)
            .volumes_json(on.clone())
            .try_collect()
            .await
            .unwrap();
        let detail_json: Vec<Value> = detail.iter().map(json).collect();
        assert_eq!(paged, detail_json, "pages of one make the same list");
        let summary = cinder
            .raw()
            .list_manageable_volumes()
            .host(host.clone())
            .run()
            .await
            .unwrap();
        let brief = summary
            .manageable_volumes
            .iter()
            .find(|e| json(&e.reference) == reference)
            .expect("the summary view lists it too");
        assert!(brief.safe_to_manage);
        // The extension's route lists the same below 3.8.
        let legacy = cinder
            .at_version(cinder_client::ApiVersion(0))
            .unwrap()
            .raw()
            .list_volume_manage_detail()
            .host(host.clone())
            .run_json()
            .await
            .unwrap()
            .into_json();
        let legacy = legacy["manageable-volumes"].as_array().unwrap();
        assert_eq!(legacy, &detail_json, "os-volume-manage/detail at 3.0");

        // Managed back under a new name: the same bytes, now in the new volume's file.
        let name = unique_name("e2e-mg-adopted");
        let managed = cinder
            .manageable()
            .manage_volume(on.clone(), source_name(&format!("volume-{id}")), |p| {
                p.name(name.clone())
                    .description("adopted again".to_string())
                    .bootable(true)
                    .metadata([("origin", "e2e")])
            })
            .await
            .unwrap();
        cleanup.add::<Volumes>(&managed.id);
        assert_eq!(managed.name.as_deref(), Some(name.as_str()));
        assert_ne!(managed.id, id);
        let shown = cinder
            .volumes()
            .wait_for_with(&managed.id, &["available"], &wait_options())
            .await
            .unwrap();
        let shown = json(&shown);
        assert_eq!(shown["name"], name);
        assert_eq!(shown["description"], "adopted again");
        assert_eq!(shown["bootable"], "true");
        assert_eq!(shown["metadata"]["origin"], "e2e");
        assert_eq!(shown["size"], 1);
        assert!(!file.exists(), "the file was renamed to the new volume's");
        assert_eq!(digest(&volume_file(&managed.id)), before);
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn an_unmanaged_snapshot_is_listed_and_managed_back_with_the_same_bytes() {
    let _file_backend = FILE_BACKEND.lock().await;
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let (volume, host) = file_volume(&cinder, &cleanup, "e2e-mg-snapvol").await;
        let volume_id = volume["id"].as_str().unwrap();
        write_at(&volume_file(volume_id), 4096, b"in the snapshot");
        let snapshot =
            create_snapshot(&cinder, &cleanup, volume_id, &unique_name("e2e-mg-snap")).await;
        let snapshot_id = snapshot["id"].as_str().unwrap();
        write_at(&volume_file(volume_id), 4096, b"after the snap!");
        let file = snapshot_file(volume_id, snapshot_id);
        remove_leftover(&cleanup, file.clone());
        let before = digest(&file);

        cinder
            .manageable()
            .unmanage_snapshot(snapshot_id)
            .await
            .unwrap();
        wait_gone("snapshot", snapshot_id, || async {
            cinder.snapshots().show_json(snapshot_id).await
        })
        .await;
        assert_eq!(
            digest(&file),
            before,
            "unmanaging leaves the file as it was"
        );

        let on = Backend::Host(host.clone());
        let listed: Vec<_> = cinder
            .manageable()
            .snapshots(on.clone())
            .try_collect()
            .await
            .unwrap();
        let reference = json!({"source-name": format!("snapshot-{snapshot_id}")});
        let entry = listed
            .iter()
            .find(|e| json(&e.reference) == reference)
            .unwrap_or_else(|| panic!("the snapshot file is listed: {listed:?}"));
        assert!(entry.safe_to_manage);
        assert_eq!(
            json(&entry.source_reference),
            json!({"source-name": format!("volume-{volume_id}")})
        );
        let summary = cinder
            .raw()
            .list_manageable_snapshots()
            .host(host.clone())
            .run()
            .await
            .unwrap();
        assert!(summary
            .manageable_snapshots
            .iter()
            .any(|e| json(&e.reference) == reference && e.safe_to_manage));

        let name = unique_name("e2e-mg-snap-adopted");
        let managed = cinder
            .manageable()
            .manage_snapshot(
                volume_id,
                source_name(&format!("snapshot-{snapshot_id}")),
                |p| p.name(name.clone()),
            )
            .await
            .unwrap();
        cleanup.add::<Snapshots>(&managed.id);
        assert_eq!(managed.volume_id, volume_id);
        let shown = cinder
            .snapshots()
            .wait_for_with(&managed.id, &["available"], &wait_options())
            .await
            .unwrap();
        assert_eq!(shown.name.as_deref(), Some(name.as_str()));
        assert!(!file.exists(), "the file was renamed to the new snapshot's");
        assert_eq!(digest(&snapshot_file(volume_id, &managed.id)), before);
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn the_demo_user_may_not_manage_nor_list() {
    let (demo, check) = checked("local-demo", v(71)).await;
    let on = Backend::Host("anyhost@file#file".into());
    let listed: Result<Vec<_>, _> = demo.manageable().volumes(on.clone()).try_collect().await;
    let err = listed.expect_err("listing is admin only");
    assert_eq!(err.status(), Some(403), "{err}");
    let listed: Result<Vec<_>, _> = demo.manageable().snapshots(on.clone()).try_collect().await;
    assert_eq!(listed.expect_err("admin only").status(), Some(403));
    let managed = demo
        .manageable()
        .manage_volume(on, source_name("volume-x"), |p| p)
        .await
        .expect_err("managing is admin only");
    assert_eq!(managed.status(), Some(403), "{managed}");
    check.assert_conformant();
}

#[tokio::test]
async fn versions_and_bad_sources_are_refused() {
    // The lists need 3.8, a cluster 3.17 (lists) or 3.16 (manage): refused before sending.
    let (old, check_old) = admin_checked(v(7)).await;
    let listed: Result<Vec<_>, _> = old
        .manageable()
        .volumes(Backend::Host("h@b#p".into()))
        .try_collect()
        .await;
    assert!(
        matches!(listed, Err(Error::Unsupported { .. })),
        "{listed:?}"
    );
    let (v16, check_16) = admin_checked(v(16)).await;
    let listed: Result<Vec<_>, _> = v16
        .manageable()
        .snapshots(Backend::Cluster("c@b".into()))
        .try_collect()
        .await;
    assert!(
        matches!(listed, Err(Error::Unsupported { .. })),
        "{listed:?}"
    );
    let (v15, check_15) = admin_checked(v(15)).await;
    let managed = v15
        .manageable()
        .manage_volume(Backend::Cluster("c@b".into()), source_name("x"), |p| p)
        .await;
    assert!(
        matches!(managed, Err(Error::Unsupported { .. })),
        "{managed:?}"
    );

    // Neither host nor cluster, an unknown host, a bad sort key: Cinder's 400s.
    let (cinder, check) = admin_checked(v(71)).await;
    let neither = cinder
        .raw()
        .list_manageable_volumes_detail()
        .run()
        .await
        .expect_err("a host or a cluster is needed");
    assert_eq!(neither.status(), Some(400), "{neither}");
    assert!(
        neither
            .to_string()
            .contains("One and only one of cluster and host must be set"),
        "{neither}"
    );
    let sorted = cinder
        .raw()
        .list_manageable_volumes_detail()
        .host("h@b#p")
        .sort("name")
        .run()
        .await
        .expect_err("only reference and size sort");
    assert_eq!(sorted.status(), Some(400), "{sorted}");
    let unknown = cinder
        .manageable()
        .manage_volume(
            Backend::Host("nowhere@none#none".into()),
            source_name("x"),
            |p| p,
        )
        .await
        .expect_err("no such host");
    assert!(unknown.status().is_some_and(|s| s >= 400), "{unknown}");
    for check in [check_old, check_16, check_15, check] {
        check.assert_conformant();
    }
}
