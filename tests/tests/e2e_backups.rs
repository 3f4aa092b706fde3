//! End to end against the local cloud: backups really move data. The volumes live on the
//! cloud's `file` back end (one sparse file per volume), so a test writes bytes into a volume's
//! file, backs it up, restores it and compares the files.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use cinder_client::resources::Volumes;
use cinder_client::types;
use cinder_client::{Cinder, Run};
use cinder_tests::cloud::{admin_checked, unique_name, v};
use cinder_tests::fixtures::{
    body, create_backup, create_file_type, create_snapshot, create_volume, json, same_bytes,
    volume_file, wait_options, with_cleanup, write_into_volume, Cleanup,
};
use serde_json::{json, Value};

fn read_at(id: &str, offset: u64, len: usize) -> Vec<u8> {
    let mut file = File::open(volume_file(id)).unwrap();
    file.seek(SeekFrom::Start(offset)).unwrap();
    let mut buf = vec![0u8; len];
    file.read_exact(&mut buf).unwrap();
    buf
}

async fn file_volume(cinder: &Cinder, cleanup: &Cleanup, prefix: &str) -> Value {
    let file_type = create_file_type(cinder, cleanup).await;
    let volume = create_volume(
        cinder,
        cleanup,
        &unique_name(prefix),
        json!({"volume_type": file_type["id"]}),
    )
    .await;
    assert!(
        volume["os-vol-host-attr:host"]
            .as_str()
            .is_some_and(|h| h.contains("@file#")),
        "a volume of the file type is on the file back end: {volume}"
    );
    volume
}

/// Restores `backup_id` (into `volume_id`, or a new volume named `name`), waits until both the
/// backup and the volume are `available` again and returns the volume's id.
async fn restore(cinder: &Cinder, cleanup: &Cleanup, backup_id: &str, target: Value) -> String {
    let restored = cinder
        .raw()
        .restore_backup()
        .backup_id(backup_id)
        .body(body::<types::BackupRestoreRequest>(
            json!({ "restore": target }),
        ))
        .run()
        .await
        .expect("the restore starts");
    assert_eq!(restored.restore.backup_id, backup_id);
    let volume_id = restored.restore.volume_id.to_string();
    cleanup.add::<Volumes>(&volume_id);
    cinder
        .backups()
        .wait_for_with(backup_id, &["available"], &wait_options())
        .await
        .expect("the backup is available again after the restore");
    cinder
        .volumes()
        .wait_for_with(&volume_id, &["available"], &wait_options())
        .await
        .expect("the restored volume becomes available");
    volume_id
}

/// Waits until backup `id` has `status` (set by the backup service after an `os-reset_status`;
/// `wait_for` would stop at an `error` status it is leaving).
async fn reset_to(cinder: &Cinder, id: &str, status: &str) {
    let deadline = std::time::Instant::now() + wait_options().timeout;
    loop {
        let shown = cinder.backups().show(id).await.unwrap();
        if shown.status.as_deref() == Some(status) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "backup {id} is still {:?}, not {status}",
            shown.status
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn full_and_incremental_backups_restore_the_same_bytes() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let volume = file_volume(&cinder, &cleanup, "e2e-bk-data").await;
        let id = volume["id"].as_str().unwrap();
        write_into_volume(id, 0, b"first block of the original");
        write_into_volume(id, 300 << 20, &[0xA5; 4096]);

        let full = create_backup(
            &cinder,
            &cleanup,
            &unique_name("e2e-bk-full"),
            json!({"volume_id": id}),
        )
        .await;
        assert_eq!(full["is_incremental"], false, "{full}");
        assert_eq!(full["volume_id"], id);
        assert_eq!(full["size"], 1);
        let full_id = full["id"].as_str().unwrap();

        let name = unique_name("e2e-bk-restored");
        let restored = restore(&cinder, &cleanup, full_id, json!({"name": name})).await;
        assert_ne!(restored, id);
        let shown = json(&cinder.volumes().show(&restored).await.unwrap());
        assert_eq!(shown["name"], name);
        assert!(
            shown["os-vol-host-attr:host"]
                .as_str()
                .is_some_and(|h| h.contains("@file#")),
            "a restore's new volume goes to the file back end: {shown}"
        );
        assert_eq!(read_at(&restored, 0, 27), b"first block of the original");
        assert!(same_bytes(&volume_file(id), &volume_file(&restored)));

        // Change the original, back up what changed, restore over the first restore.
        write_into_volume(id, 700 << 20, b"written after the full backup");
        assert!(!same_bytes(&volume_file(id), &volume_file(&restored)));
        let incremental = create_backup(
            &cinder,
            &cleanup,
            &unique_name("e2e-bk-incr"),
            json!({"volume_id": id, "incremental": true}),
        )
        .await;
        assert_eq!(incremental["is_incremental"], true, "{incremental}");
        let reread = json(&cinder.backups().show(full_id).await.unwrap());
        assert_eq!(reread["has_dependent_backups"], true, "{reread}");

        let again = restore(
            &cinder,
            &cleanup,
            incremental["id"].as_str().unwrap(),
            json!({"volume_id": restored}),
        )
        .await;
        assert_eq!(again, restored);
        assert!(same_bytes(&volume_file(id), &volume_file(&restored)));
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn a_backup_of_a_snapshot_holds_the_snapshot_bytes() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let volume = file_volume(&cinder, &cleanup, "e2e-bk-snapvol").await;
        let id = volume["id"].as_str().unwrap();
        write_into_volume(id, 4096, b"before the snapshot");
        let snapshot = create_snapshot(&cinder, &cleanup, id, &unique_name("e2e-bk-snap")).await;
        write_into_volume(id, 4096, b"after the snapshot!");

        let backup = create_backup(
            &cinder,
            &cleanup,
            &unique_name("e2e-bk-of-snap"),
            json!({"volume_id": id, "snapshot_id": snapshot["id"]}),
        )
        .await;
        assert_eq!(backup["snapshot_id"], snapshot["id"]);
        let restored = restore(&cinder, &cleanup, backup["id"].as_str().unwrap(), json!({})).await;
        assert_eq!(read_at(&restored, 4096, 19), b"before the snapshot");
        // Without a name, the new volume ends up with the backed-up volume's name (the backup
        // service restores the volume's recorded fields into a new volume).
        let shown = json(&cinder.volumes().show(&restored).await.unwrap());
        assert_eq!(shown["name"], volume["name"]);
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn backup_show_list_update_record_and_actions_by_microversion() {
    for minor in [0, 71] {
        let (cinder, check) = admin_checked(v(minor)).await;
        with_cleanup(|cleanup| async move {
            let raw = cinder.raw();
            let volume = file_volume(&cinder, &cleanup, "e2e-bk-crud").await;
            let volume_id = volume["id"].as_str().unwrap();
            let name = unique_name("e2e-bk-crud");
            let backup = create_backup(
                &cinder,
                &cleanup,
                &name,
                json!({"volume_id": volume_id, "description": "d", "container": "e2e-container"}),
            )
            .await;
            let id = backup["id"].as_str().unwrap();
            assert_eq!(backup["name"], name);
            assert_eq!(backup["container"], "e2e-container");
            if minor == 0 {
                for gated in ["metadata", "os-backup-project-attr:project_id", "user_id"] {
                    assert!(backup.get(gated).is_none(), "{gated} is gated: {backup}");
                }
            } else {
                assert_eq!(backup["metadata"], json!({}), "{backup}");
                assert!(backup["os-backup-project-attr:project_id"].is_string());
                assert!(backup["user_id"].is_string());
            }

            let list = raw.list_backups().name(&name).run().await.unwrap();
            assert_eq!(list.backups.len(), 1);
            assert_eq!(list.backups[0].id, id);
            let detail = raw
                .list_backups_detail()
                .volume_id(volume_id)
                .status("available")
                .run()
                .await
                .unwrap();
            assert_eq!(detail.backups.len(), 1);
            assert_eq!(detail.backups[0].name.as_deref(), Some(name.as_str()));
            let found = json(&cinder.backups().find(&name).await.unwrap());
            assert_eq!(found["id"], id);

            let update = raw
                .update_backup()
                .backup_id(id)
                .body(body::<types::BackupUpdateRequest>(
                    json!({"backup": {"name": "e2e-bk-renamed"}}),
                ))
                .run()
                .await;
            if minor == 0 {
                let refused = update.unwrap_err().to_string();
                assert!(refused.contains("needs microversion 3.9"), "{refused}");
            } else {
                assert_eq!(
                    update.unwrap().backup.name.as_deref(),
                    Some("e2e-bk-renamed")
                );
                raw.update_backup()
                    .backup_id(id)
                    .body(body::<types::BackupUpdateRequest>(
                        json!({"backup": {"metadata": {"k": "v"}, "description": "new"}}),
                    ))
                    .run()
                    .await
                    .unwrap();
                let shown = json(&cinder.backups().show(id).await.unwrap());
                assert_eq!(shown["metadata"], json!({"k": "v"}));
                assert_eq!(shown["description"], "new");
            }

            raw.backup_reset_status(id, body(json!({"status": "error"})))
                .run()
                .await
                .unwrap();
            // The backup service resets the status, after the API's answer.
            reset_to(&cinder, id, "error").await;
            let invalid = raw
                .backup_reset_status(id, body(json!({"status": "creating"})))
                .run()
                .await
                .unwrap_err();
            assert_eq!(invalid.status(), Some(400), "{invalid}");
            raw.backup_reset_status(id, body(json!({"status": "available"})))
                .run()
                .await
                .unwrap();
            reset_to(&cinder, id, "available").await;

            // Export the record, delete the backup, import the record: the backup is back.
            let record = raw
                .export_backup_record()
                .backup_id(id)
                .run()
                .await
                .unwrap();
            let record = json(&record.backup_record);
            assert!(record["backup_service"]
                .as_str()
                .is_some_and(|s| s.contains("posix")));
            raw.delete_backup().backup_id(id).run().await.unwrap();
            cinder
                .backups()
                .wait_deleted_with(id, &wait_options())
                .await
                .unwrap();
            let imported = raw
                .import_backup_record()
                .body(body::<types::BackupRecordRequest>(
                    json!({ "backup-record": record }),
                ))
                .run()
                .await
                .unwrap();
            assert_eq!(imported.backup.id, id);
            cinder
                .backups()
                .wait_for_with(id, &["available"], &wait_options())
                .await
                .unwrap();
            let not_a_record = raw
                .import_backup_record()
                .body(body::<types::BackupRecordRequest>(
                    json!({"backup-record": {"backup_service": "x", "backup_url": "bm90IGpzb24="}}),
                ))
                .run()
                .await
                .unwrap_err();
            assert_eq!(not_a_record.status(), Some(400), "{not_a_record}");

            raw.backup_force_delete(id).run().await.unwrap();
            cinder
                .backups()
                .wait_deleted_with(id, &wait_options())
                .await
                .unwrap();
            assert!(cinder.backups().show(id).await.unwrap_err().is_not_found());
        })
        .await;
        check.assert_conformant();
    }
}
