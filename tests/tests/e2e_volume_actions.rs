//! End to end against the local cloud: volume actions through the wrapper, responses validated
//! against the spec (including each action's declared status and body).

use cinder_client::Run;
use cinder_client::{types, Error};
use cinder_tests::cloud::{admin_checked, unique_name, v};
use cinder_tests::fixtures::{
    body, create_snapshot, create_type, create_volume, json, wait_options, with_cleanup,
};
use serde_json::json;

#[tokio::test]
async fn extend_reset_status_bootable_readonly_reserve() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let volume = create_volume(&cinder, &cleanup, &unique_name("e2e-act"), json!({})).await;
        let id = volume["id"].as_str().unwrap();
        let raw = cinder.raw();

        raw.volume_extend(id, body(json!({"new_size": 2})))
            .run()
            .await
            .unwrap();
        let extended = cinder
            .volumes()
            .wait_for_with(id, &["available"], &wait_options())
            .await
            .unwrap();
        assert_eq!(extended.size, 2);

        raw.volume_reset_status(id, body(json!({"status": "maintenance"})))
            .run()
            .await
            .unwrap();
        assert_eq!(
            cinder.volumes().show(id).await.unwrap().status,
            "maintenance"
        );
        raw.volume_reset_status(id, body(json!({"status": "available"})))
            .run()
            .await
            .unwrap();
        assert_eq!(cinder.volumes().show(id).await.unwrap().status, "available");

        raw.volume_set_bootable(id, body(json!({"bootable": true})))
            .run()
            .await
            .unwrap();
        assert_eq!(cinder.volumes().show(id).await.unwrap().bootable, "true");
        raw.volume_set_bootable(id, body(json!({"bootable": false})))
            .run()
            .await
            .unwrap();
        assert_eq!(cinder.volumes().show(id).await.unwrap().bootable, "false");

        raw.volume_update_readonly_flag(id, body(json!({"readonly": true})))
            .run()
            .await
            .unwrap();
        let shown = json(&cinder.volumes().show(id).await.unwrap());
        assert_eq!(shown["metadata"]["readonly"], "True", "{shown}");
        raw.volume_update_readonly_flag(id, body(json!({"readonly": false})))
            .run()
            .await
            .unwrap();

        raw.volume_reserve(id).run().await.unwrap();
        assert_eq!(cinder.volumes().show(id).await.unwrap().status, "attaching");
        raw.volume_unreserve(id).run().await.unwrap();
        assert_eq!(cinder.volumes().show(id).await.unwrap().status, "available");
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn image_metadata_set_show_unset() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let volume = create_volume(&cinder, &cleanup, &unique_name("e2e-img"), json!({})).await;
        let id = volume["id"].as_str().unwrap();
        let raw = cinder.raw();
        let set = raw
            .volume_set_image_metadata(
                id,
                body(json!({"metadata": {"image_name": "cirros", "os_distro": "linux"}})),
            )
            .run()
            .await
            .unwrap();
        let set = json(&set);
        assert_eq!(set["metadata"]["image_name"], "cirros", "{set}");
        let shown = json(&raw.volume_show_image_metadata(id).run().await.unwrap());
        assert_eq!(
            shown["metadata"],
            json!({"image_name": "cirros", "os_distro": "linux"})
        );
        raw.volume_unset_image_metadata(id, body(json!({"key": "os_distro"})))
            .run()
            .await
            .unwrap();
        let shown = json(&raw.volume_show_image_metadata(id).run().await.unwrap());
        assert_eq!(shown["metadata"], json!({"image_name": "cirros"}));
        // The detail view carries it too.
        let volume = json(&cinder.volumes().show(id).await.unwrap());
        assert_eq!(
            volume["volume_image_metadata"]["image_name"], "cirros",
            "{volume}"
        );
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn revert_to_snapshot_at_3_40_and_refused_at_3_39() {
    let (old, old_check) = admin_checked(v(39)).await;
    let err = old
        .raw()
        .volume_revert(
            "00000000-0000-0000-0000-000000000000",
            body(json!({"snapshot_id": "x"})),
        )
        .run()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { needs, .. } if needs.min == cinder_client::ApiVersion(40)),
        "{err:?}"
    );
    old_check.assert_conformant();

    let (cinder, check) = admin_checked(v(40)).await;
    with_cleanup(|cleanup| async move {
        let volume = create_volume(&cinder, &cleanup, &unique_name("e2e-revert"), json!({})).await;
        let id = volume["id"].as_str().unwrap();
        let snapshot =
            create_snapshot(&cinder, &cleanup, id, &unique_name("e2e-revert-snap")).await;
        cinder
            .raw()
            .volume_revert(id, body(json!({"snapshot_id": snapshot["id"]})))
            .run()
            .await
            .unwrap();
        let reverted = cinder
            .volumes()
            .wait_for_with(id, &["available"], &wait_options())
            .await
            .unwrap();
        assert_eq!(reverted.size, 1);
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn retype_and_force_delete() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let new_type = create_type(&cinder, &cleanup, &unique_name("e2e-retype"), json!({})).await;
        let volume =
            create_volume(&cinder, &cleanup, &unique_name("e2e-retype-vol"), json!({})).await;
        let id = volume["id"].as_str().unwrap();
        cinder
            .raw()
            .volume_retype(
                id,
                body(json!({"new_type": new_type["name"], "migration_policy": "never"})),
            )
            .run()
            .await
            .unwrap();
        // Retype is asynchronous: wait for the type to change.
        let mut retyped = None;
        for _ in 0..100 {
            let volume = json(&cinder.volumes().show(id).await.unwrap());
            if volume["volume_type"] == new_type["name"] && volume["status"] == "available" {
                retyped = Some(volume);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
        let retyped = retyped.expect("the volume was retyped");
        assert_eq!(retyped["volume_type_id"], new_type["id"]);

        cinder.raw().volume_force_delete(id).run().await.unwrap();
        cinder
            .volumes()
            .wait_deleted_with(id, &wait_options())
            .await
            .unwrap();
        let err = cinder.volumes().show(id).await.unwrap_err();
        assert!(err.is_not_found(), "{err}");
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn an_unknown_volume_answers_a_conformant_fault() {
    let (cinder, check) = admin_checked(v(71)).await;
    let err = cinder
        .raw()
        .volume_extend(
            "00000000-0000-0000-0000-000000000000",
            body::<types::VolumeExtendAction>(json!({"new_size": 2})),
        )
        .run()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    assert!(check.0.checked() >= 1);
    check.assert_conformant();
}
