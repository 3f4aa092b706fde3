//! End to end against the local cloud: limits, availability zones, resource filters, messages
//! and versions.

use cinder_client::resources::Volumes;
use cinder_client::Run;
use cinder_client::{types, Error};
use cinder_tests::cloud::{admin_checked, unique_name, v};
use cinder_tests::fixtures::{body, create_type, json, with_cleanup};
use serde_json::json;

#[tokio::test]
async fn limits_at_3_0_and_3_71() {
    for minor in [0, 71] {
        let (cinder, check) = admin_checked(v(minor)).await;
        let limits = json(&cinder.raw().show_limits().run().await.unwrap());
        assert!(
            limits["limits"]["absolute"]["maxTotalVolumes"].is_i64(),
            "{limits}"
        );
        assert!(limits["limits"]["rate"].is_array(), "{limits}");
        check.assert_conformant();
    }
}

#[tokio::test]
async fn availability_zones() {
    let (cinder, check) = admin_checked(v(71)).await;
    let zones = json(&cinder.raw().list_availability_zones().run().await.unwrap());
    let zones = zones["availabilityZoneInfo"]
        .as_array()
        .expect("availabilityZoneInfo");
    assert!(
        zones
            .iter()
            .any(|z| z["zoneName"] == "nova" && z["zoneState"]["available"] == true),
        "{zones:?}"
    );
    check.assert_conformant();
}

#[tokio::test]
async fn resource_filters() {
    let (cinder, check) = admin_checked(v(71)).await;
    let all = cinder.raw().list_resource_filters().run().await.unwrap();
    let volume = all
        .resource_filters
        .iter()
        .find(|f| f.resource == "volume")
        .expect("volume filters");
    assert!(volume.filters.iter().any(|f| f == "name"), "{all:?}");

    let one = cinder
        .raw()
        .list_resource_filters()
        .resource("snapshot")
        .run()
        .await
        .unwrap();
    assert_eq!(one.resource_filters.len(), 1, "{one:?}");
    assert_eq!(one.resource_filters[0].resource, "snapshot");
    check.assert_conformant();

    // Before 3.33 the operation does not exist: refused before anything is sent.
    let (old, old_check) = admin_checked(v(32)).await;
    let err = old.raw().list_resource_filters().run().await.unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { needs, .. } if needs.min == cinder_client::ApiVersion(33)),
        "{err:?}"
    );
    assert_eq!(old_check.0.checked(), 0, "nothing was sent");
}

/// The version documents live at the service root, outside the project endpoint; the client
/// reaches them through `versions()` and `root_raw()`.
#[tokio::test]
async fn versions() {
    let (cinder, check) = admin_checked(v(71)).await;
    // GET / answers 300 Multiple Choices; the observer validates the body.
    let list = cinder.versions().await.unwrap();
    let v3 = list
        .versions
        .iter()
        .find(|v| v.id == "v3.0")
        .expect("v3.0 listed");
    assert_eq!(
        (v3.min_version.as_str(), v3.version.as_str()),
        ("3.0", "3.71")
    );
    let shown = json(&cinder.root_raw().show_v3_version().run().await.unwrap());
    let version = &shown["versions"][0];
    assert_eq!(version["id"], "v3.0");
    assert_eq!(version["version"], "3.71");
    assert_eq!(version["min_version"], "3.0");
    check.assert_conformant();
}

#[tokio::test]
async fn messages_list_show_delete() {
    // Messages need 3.3.
    let (old, old_check) = admin_checked(v(2)).await;
    let err = old.raw().list_messages().run().await.unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { needs, .. } if needs.min == cinder_client::ApiVersion(3)),
        "{err:?}"
    );
    old_check.assert_conformant();

    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let raw = cinder.raw();
        // Provoke a user message: a volume of a type whose back end does not exist fails in
        // the scheduler ("No valid backend"), which records a message for the volume.
        let nowhere = create_type(&cinder, &cleanup, &unique_name("e2e-msg-type"), json!({"extra_specs": {"volume_backend_name": "e2e-no-such-backend"}})).await;
        let created = raw.create_volume()
                    .body(body::<types::VolumeCreateRequest>(json!({"volume": {"name": unique_name("e2e-msg"), "size": 1, "volume_type": nowhere["id"]}})))
                    .run()
            .await
            .unwrap();
        cleanup.add::<Volumes>(&created.volume.id);
        let id = created.volume.id.clone();
        for _ in 0..100 {
            if cinder.volumes().show(&id).await.unwrap().status == "error" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
        let mut provoked = None;
        for _ in 0..50 {
            let found = raw.list_messages().resource_uuid(&id).run().await.unwrap();
            if let Some(message) = found.messages.into_iter().next() {
                provoked = Some(json(&message));
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
        // Over quota: refused at once with a 413 fault (validated by the observer).
        let over = raw.create_volume()
                    .body(body::<types::VolumeCreateRequest>(json!({"volume": {"name": unique_name("e2e-quota"), "size": 100000}})))
                    .run()
            .await;
        match over {
            Ok(created) => cleanup.add::<Volumes>(&created.volume.id),
            Err(err) => assert_eq!(err.status(), Some(413), "{err}"),
        }
        let all = raw.list_messages().run().await.unwrap();
        let _ = all;
        match provoked {
            Some(message) => {
                let id = message["id"].as_str().unwrap();
                let shown = json(&raw.show_message().message_id(id).run().await.unwrap());
                assert_eq!(shown["message"]["id"], id);
                raw.delete_message().message_id(id).run().await.unwrap();
                let err = raw.show_message().message_id(id).run().await.unwrap_err();
                assert!(err.is_not_found(), "{err}");
            }
            None => {
                eprintln!("no user message could be provoked; checking a 404 on show only");
                let err = raw.show_message().message_id("00000000-0000-0000-0000-000000000000").run()
                    .await
                    .unwrap_err();
                assert!(err.is_not_found(), "{err}");
            }
        }
    })
    .await;
    check.assert_conformant();
}
