//! End to end against the local cloud: the actions Nova and the volume services normally send
//! (attach and detach, connections, unmanage, migration, status updates), driven by hand the way
//! a compute service would, with every answer validated against the spec.
//!
//! The fake driver accepts connections without touching storage, so the attach bookkeeping is
//! real; what needs data copied (generic migration) or an image service cannot finish here.

use cinder_client::Run;
use cinder_client::{Cinder, Error};
use cinder_tests::cloud::{admin_checked, unique_name, v};
use cinder_tests::fixtures::{body, create_snapshot, create_volume, json, with_cleanup};
use serde_json::{json, Value};

const INSTANCE: &str = "2fbd2d7f-5b3e-4c5a-9e0e-0a3d4b1f6c11";

fn connector() -> Value {
    json!({
        "initiator": "iqn.1993-08.org.debian:01:cinder-tests",
        "ip": "127.0.0.1",
        "host": "compute-1",
        "platform": "x86_64",
        "os_type": "linux",
        "multipath": false
    })
}

async fn shown(cinder: &Cinder, id: &str) -> Value {
    json(&cinder.volumes().show(id).await.expect("shows the volume"))
}

async fn wait_until_migration_ends(cinder: &Cinder, id: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let volume = shown(cinder, id).await;
        let status = volume["migration_status"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if status == "error" || status == "success" || std::time::Instant::now() > deadline {
            return status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

/// The one attachment's id, after checking what the volume says about it.
fn only_attachment(volume: &Value) -> String {
    let attachments = volume["attachments"].as_array().expect("attachments");
    assert_eq!(attachments.len(), 1, "{volume}");
    attachments[0]["attachment_id"]
        .as_str()
        .expect("an attachment id")
        .to_string()
}

#[tokio::test]
async fn attach_detach_lifecycle_as_a_compute_service_drives_it() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let volume = create_volume(&cinder, &cleanup, &unique_name("e2e-att"), json!({})).await;
        let id = volume["id"].as_str().unwrap();
        let raw = cinder.raw();

        raw.volume_reserve(id).run().await.unwrap();
        let connection = raw
            .volume_initialize_connection(id, body(json!({"connector": connector()})))
            .run()
            .await
            .unwrap();
        let connection = json(&connection);
        assert_eq!(
            connection["connection_info"]["driver_volume_type"], "iscsi",
            "{connection}"
        );
        assert_eq!(connection["connection_info"]["data"]["access_mode"], "rw");

        raw.volume_attach(
            id,
            body(json!({"instance_uuid": INSTANCE, "mountpoint": "/dev/vdb", "mode": "rw"})),
        )
        .run()
        .await
        .unwrap();
        let attached = shown(&cinder, id).await;
        assert_eq!(attached["status"], "in-use", "{attached}");
        assert_eq!(attached["attachments"][0]["server_id"], INSTANCE);
        assert_eq!(attached["attachments"][0]["device"], "/dev/vdb");
        let attachment = only_attachment(&attached);

        raw.volume_begin_detaching(id).run().await.unwrap();
        assert_eq!(shown(&cinder, id).await["status"], "detaching");
        raw.volume_roll_detaching(id).run().await.unwrap();
        assert_eq!(shown(&cinder, id).await["status"], "in-use");

        raw.volume_force_detach(
            id,
            body(json!({"attachment_id": attachment, "connector": connector()})),
        )
        .run()
        .await
        .unwrap();
        let detached = shown(&cinder, id).await;
        assert_eq!(detached["status"], "available", "{detached}");
        assert_eq!(detached["attachments"], json!([]));

        // Attached to a host rather than an instance, then detached the ordinary way.
        raw.volume_reserve(id).run().await.unwrap();
        raw.volume_attach(
            id,
            body(json!({"host_name": "compute-1", "mountpoint": "/dev/vdc"})),
        )
        .run()
        .await
        .unwrap();
        let attached = shown(&cinder, id).await;
        assert_eq!(
            attached["attachments"][0]["host_name"], "compute-1",
            "{attached}"
        );
        let attachment = only_attachment(&attached);
        raw.volume_detach(id, body(json!({"attachment_id": attachment})))
            .run()
            .await
            .unwrap();
        raw.volume_terminate_connection(id, body(json!({"connector": connector()})))
            .run()
            .await
            .unwrap();
        assert_eq!(shown(&cinder, id).await["status"], "available");
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn unmanage_removes_volume_and_snapshot_from_cinder_only() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let volume = create_volume(&cinder, &cleanup, &unique_name("e2e-unm"), json!({})).await;
        let id = volume["id"].as_str().unwrap();
        let snapshot = create_snapshot(&cinder, &cleanup, id, &unique_name("e2e-unm")).await;
        let snapshot_id = snapshot["id"].as_str().unwrap();
        let raw = cinder.raw();

        raw.snapshot_unmanage(snapshot_id).run().await.unwrap();
        cinder
            .snapshots()
            .wait_deleted_with(snapshot_id, &cinder_tests::fixtures::wait_options())
            .await
            .expect("an unmanaged snapshot disappears");

        raw.volume_unmanage(id).run().await.unwrap();
        cinder
            .volumes()
            .wait_deleted_with(id, &cinder_tests::fixtures::wait_options())
            .await
            .expect("an unmanaged volume disappears");
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn update_snapshot_status_moves_a_creating_snapshot_on() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let volume = create_volume(&cinder, &cleanup, &unique_name("e2e-uss"), json!({})).await;
        let snapshot = create_snapshot(
            &cinder,
            &cleanup,
            volume["id"].as_str().unwrap(),
            &unique_name("e2e-uss"),
        )
        .await;
        let id = snapshot["id"].as_str().unwrap();
        let raw = cinder.raw();

        // Only a snapshot the volume service is still creating accepts a status update.
        let refused = raw
            .snapshot_update_snapshot_status(
                id,
                body(json!({"status": "error", "progress": "10%"})),
            )
            .run()
            .await
            .unwrap_err();
        assert_eq!(refused.status(), Some(400), "{refused}");

        raw.snapshot_reset_status(id, body(json!({"status": "creating"})))
            .run()
            .await
            .unwrap();
        raw.snapshot_update_snapshot_status(
            id,
            body(json!({"status": "available", "progress": "100%"})),
        )
        .run()
        .await
        .unwrap();
        let updated = json(&cinder.snapshots().show(id).await.unwrap());
        assert_eq!(updated["status"], "available", "{updated}");
        assert_eq!(updated["os-extended-snapshot-attributes:progress"], "100%");
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn migrate_to_the_other_back_end_is_accepted_and_started() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let volume = create_volume(&cinder, &cleanup, &unique_name("e2e-mig"), json!({})).await;
        let id = volume["id"].as_str().unwrap();
        let host = volume["os-vol-host-attr:host"]
            .as_str()
            .expect("admin sees the host");
        // The local cloud's back ends are `fake` and `fake2`; the fake driver names its pool `fake`.
        let (backend, pool) = host.split_once('#').expect("host@backend#pool");
        let destination = if backend.ends_with("@fake") {
            format!("{backend}2#{pool}")
        } else {
            format!("{}#{pool}", backend.trim_end_matches('2'))
        };
        let raw = cinder.raw();

        let unknown = raw
            .volume_migrate(id, body(json!({"host": "nowhere@none#none"})))
            .run()
            .await
            .unwrap_err();
        assert_eq!(unknown.status(), Some(400), "{unknown}");
        assert!(
            unknown.to_string().contains("nowhere@none#none"),
            "{unknown}"
        );

        raw.volume_migrate(
            id,
            body(json!({"host": destination, "force_host_copy": false, "lock_volume": false})),
        )
        .run()
        .await
        .unwrap();
        // The server took the migration on: it records a migration status at once. (The fake
        // driver cannot copy data without root, so it ends in `error` here, not `success`.)
        let started = shown(&cinder, id).await;
        assert!(!started["migration_status"].is_null(), "{started}");
        // A volume mid-migration cannot be deleted: let the attempt end before cleaning up.
        let settled = wait_until_migration_ends(&cinder, id).await;
        assert!(
            ["error", "success"].contains(&settled.as_str()),
            "migration status {settled}"
        );
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn extend_completion_refuses_a_volume_that_is_not_being_extended() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let volume = create_volume(&cinder, &cleanup, &unique_name("e2e-cmp"), json!({})).await;
        let id = volume["id"].as_str().unwrap();
        let refused: Error = cinder
            .raw()
            .volume_extend_volume_completion(id, body(json!({"error": false})))
            .run()
            .await
            .unwrap_err();
        assert_eq!(refused.status(), Some(400), "{refused}");
        assert!(
            refused.to_string().contains("not being extended"),
            "{refused}"
        );
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn migrate_completion_swaps_a_volume_onto_its_replacement() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let source = create_volume(&cinder, &cleanup, &unique_name("e2e-mvc"), json!({})).await;
        let target = create_volume(&cinder, &cleanup, &unique_name("e2e-mvc"), json!({})).await;
        let id = source["id"].as_str().unwrap();
        let completed = cinder
            .raw()
            .volume_migrate_volume_completion(
                id,
                body(json!({"new_volume": target["id"], "error": false})),
            )
            .run()
            .await
            .unwrap();
        // Cinder answers with the id its caller (Nova's swap) must keep using: the
        // replacement's, when the source volume's own storage stays behind.
        assert_eq!(completed.save_volume_id, target["id"].as_str().unwrap());
    })
    .await;
    check.assert_conformant();
}
