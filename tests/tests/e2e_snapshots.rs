//! End to end against the local cloud: snapshots, their metadata and actions.

use cinder_client::types;
use cinder_client::Run;
use cinder_tests::cloud::{admin_checked, unique_name, v};
use cinder_tests::fixtures::{
    body, create_snapshot, create_volume, json, wait_options, with_cleanup,
};
use serde_json::json;

#[tokio::test]
async fn snapshot_crud_lists_and_actions_at_3_0_and_3_71() {
    for minor in [0, 71] {
        let (cinder, check) = admin_checked(v(minor)).await;
        with_cleanup(|cleanup| async move {
            let raw = cinder.raw();
            let volume =
                create_volume(&cinder, &cleanup, &unique_name("e2e-snapvol"), json!({})).await;
            let volume_id = volume["id"].as_str().unwrap();
            let name = unique_name("e2e-snap");
            let snapshot = create_snapshot(&cinder, &cleanup, volume_id, &name).await;
            let id = snapshot["id"].as_str().unwrap();
            assert_eq!(snapshot["name"], name);
            assert_eq!(snapshot["volume_id"], volume_id);

            let shown = json(
                &raw.show_snapshot()
                    .snapshot_id(id)
                    .run()
                    .await
                    .unwrap()
                    .snapshot,
            );
            if minor == 0 {
                assert!(
                    shown.get("user_id").is_none_or(|u| u.is_null()),
                    "user_id is 3.41+: {shown}"
                );
                assert!(
                    shown.get("group_snapshot_id").is_none_or(|u| u.is_null()),
                    "group_snapshot_id is 3.14+: {shown}"
                );
            } else {
                assert!(shown["user_id"].is_string(), "user_id at 3.71: {shown}");
                assert!(
                    shown["consumes_quota"].is_boolean(),
                    "consumes_quota at 3.71: {shown}"
                );
            }

            let list = raw.list_snapshots().name(&name).run().await.unwrap();
            assert_eq!(list.snapshots.len(), 1);
            assert_eq!(list.snapshots[0].id, id);
            let detail = raw.list_snapshots_detail().name(&name).run().await.unwrap();
            assert_eq!(detail.snapshots.len(), 1);
            assert_eq!(detail.snapshots[0].volume_id, volume_id);

            let new_name = unique_name("e2e-snap-renamed");
            let updated = raw
                .update_snapshot()
                .snapshot_id(id)
                .body(body::<types::SnapshotUpdateRequest>(
                    json!({"snapshot": {"name": new_name, "description": "d"}}),
                ))
                .run()
                .await
                .unwrap();
            assert_eq!(json(&updated.snapshot)["name"], new_name);
            let reread = json(&cinder.snapshots().show(id).await.unwrap());
            assert_eq!(reread["name"], new_name);
            assert_eq!(reread["description"], "d");

            raw.snapshot_reset_status(id, body(json!({"status": "error"})))
                .run()
                .await
                .unwrap();
            assert_eq!(cinder.snapshots().show(id).await.unwrap().status, "error");
            raw.snapshot_reset_status(id, body(json!({"status": "available"})))
                .run()
                .await
                .unwrap();
            assert_eq!(
                cinder.snapshots().show(id).await.unwrap().status,
                "available"
            );

            raw.delete_snapshot().snapshot_id(id).run().await.unwrap();
            cinder
                .snapshots()
                .wait_deleted_with(id, &wait_options())
                .await
                .unwrap();
            assert!(cinder
                .snapshots()
                .show(id)
                .await
                .unwrap_err()
                .is_not_found());

            // force-delete a second one
            let other =
                create_snapshot(&cinder, &cleanup, volume_id, &unique_name("e2e-snap-force")).await;
            let other_id = other["id"].as_str().unwrap();
            raw.snapshot_force_delete(other_id).run().await.unwrap();
            cinder
                .snapshots()
                .wait_deleted_with(other_id, &wait_options())
                .await
                .unwrap();
        })
        .await;
        check.assert_conformant();
    }
}

#[tokio::test]
async fn snapshot_metadata_six_operations() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let raw = cinder.raw();
        let volume = create_volume(
            &cinder,
            &cleanup,
            &unique_name("e2e-snapmeta-vol"),
            json!({}),
        )
        .await;
        let snapshot = create_snapshot(
            &cinder,
            &cleanup,
            volume["id"].as_str().unwrap(),
            &unique_name("e2e-snapmeta"),
        )
        .await;
        let id = snapshot["id"].as_str().unwrap();
        let listed = raw
            .list_snapshot_metadata()
            .snapshot_id(id)
            .run()
            .await
            .unwrap();
        assert_eq!(json(&listed)["metadata"], json!({}));
        let created = raw
            .create_snapshot_metadata()
            .snapshot_id(id)
            .body(body::<types::SnapshotMetadataRequest>(
                json!({"metadata": {"a": "1", "b": "2"}}),
            ))
            .run()
            .await
            .unwrap();
        assert_eq!(json(&created)["metadata"], json!({"a": "1", "b": "2"}));
        let replaced = raw
            .replace_snapshot_metadata()
            .snapshot_id(id)
            .body(body::<types::SnapshotMetadataRequest>(
                json!({"metadata": {"c": "3", "d": "4"}}),
            ))
            .run()
            .await
            .unwrap();
        assert_eq!(json(&replaced)["metadata"], json!({"c": "3", "d": "4"}));
        let item = raw
            .show_snapshot_metadata_item()
            .snapshot_id(id)
            .key("c")
            .run()
            .await
            .unwrap();
        assert_eq!(json(&item)["meta"], json!({"c": "3"}));
        let updated = raw
            .update_snapshot_metadata_item()
            .snapshot_id(id)
            .key("c")
            .body(body::<types::SnapshotMetadataItemRequest>(
                json!({"meta": {"c": "33"}}),
            ))
            .run()
            .await
            .unwrap();
        assert_eq!(json(&updated)["meta"], json!({"c": "33"}));
        raw.delete_snapshot_metadata_item()
            .snapshot_id(id)
            .key("d")
            .run()
            .await
            .unwrap();
        let listed = raw
            .list_snapshot_metadata()
            .snapshot_id(id)
            .run()
            .await
            .unwrap();
        assert_eq!(json(&listed)["metadata"], json!({"c": "33"}));
        assert!(raw
            .show_snapshot_metadata_item()
            .snapshot_id(id)
            .key("d")
            .run()
            .await
            .unwrap_err()
            .is_not_found());
    })
    .await;
    check.assert_conformant();
}
