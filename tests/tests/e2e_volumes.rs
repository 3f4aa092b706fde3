//! End to end against the local cloud: volumes, their metadata, summary and paging, through the
//! wrapper with every response validated against the spec.

use cinder_client::resources::Volumes;
use cinder_client::types;
use cinder_client::Error;
use cinder_client::Paginate;
use cinder_client::{Run, RunText};
use cinder_tests::cloud::{admin_checked, unique_name, v};
use cinder_tests::fixtures::{
    body, create_snapshot, create_type, create_volume, json, wait_options, with_cleanup,
};
use futures::TryStreamExt;
use serde_json::json;

#[tokio::test]
async fn volume_create_show_update_delete_at_3_0_and_3_71() {
    for minor in [0, 71] {
        let (cinder, check) = admin_checked(v(minor)).await;
        with_cleanup(|cleanup| async move {
            let name = unique_name("e2e-vol");
            let volume = create_volume(
                &cinder,
                &cleanup,
                &name,
                json!({"description": "d1", "metadata": {"a": "1"}}),
            )
            .await;
            let id = volume["id"].as_str().unwrap().to_string();
            assert_eq!(volume["name"], name);
            assert_eq!(volume["size"], 1);
            assert_eq!(volume["metadata"], json!({"a": "1"}));
            let shown = json(
                &cinder
                    .raw()
                    .show_volume()
                    .volume_id(&id)
                    .run()
                    .await
                    .unwrap()
                    .volume,
            );
            // Fields that exist only at later microversions.
            if minor == 0 {
                assert!(shown.get("group_id").is_none_or(|g| g.is_null()), "{shown}");
                assert!(
                    shown["volume_type_id"].is_null(),
                    "volume_type_id is 3.63+: {shown}"
                );
                assert!(
                    shown["provider_id"].is_null(),
                    "provider_id is 3.21+: {shown}"
                );
            } else {
                assert!(
                    shown["volume_type_id"].is_string(),
                    "volume_type_id at 3.71: {shown}"
                );
                assert!(
                    shown["consumes_quota"].is_boolean(),
                    "consumes_quota at 3.71: {shown}"
                );
            }
            let new_name = unique_name("e2e-vol-renamed");
            let updated = cinder
                .raw()
                .update_volume()
                .volume_id(&id)
                .body(body::<types::VolumeUpdateRequest>(
                    json!({"volume": {"name": new_name, "description": "d2"}}),
                ))
                .run()
                .await
                .unwrap();
            assert_eq!(updated.volume.name.as_deref(), Some(new_name.as_str()));
            let reread = cinder.volumes().show(&id).await.unwrap();
            assert_eq!(reread.name.as_deref(), Some(new_name.as_str()));
            assert_eq!(reread.description.as_deref(), Some("d2"));
            // Delete with cascade (a snapshot goes with it).
            create_snapshot(&cinder, &cleanup, &id, &unique_name("e2e-snap")).await;
            cinder
                .raw()
                .delete_volume()
                .volume_id(&id)
                .cascade(true)
                .run()
                .await
                .unwrap();
            cinder
                .volumes()
                .wait_deleted_with(&id, &wait_options())
                .await
                .unwrap();
            let err = cinder.volumes().show(&id).await.unwrap_err();
            assert!(err.is_not_found(), "{err}");
        })
        .await;
        check.assert_conformant();
    }
}

#[tokio::test]
async fn volume_from_snapshot_and_from_source_volume() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let source = create_volume(&cinder, &cleanup, &unique_name("e2e-src"), json!({})).await;
        let source_id = source["id"].as_str().unwrap();
        let snapshot =
            create_snapshot(&cinder, &cleanup, source_id, &unique_name("e2e-snap")).await;
        let snapshot_id = snapshot["id"].as_str().unwrap();
        let from_snapshot = create_volume(
            &cinder,
            &cleanup,
            &unique_name("e2e-from-snap"),
            json!({"snapshot_id": snapshot_id}),
        )
        .await;
        assert_eq!(from_snapshot["snapshot_id"], snapshot_id);
        let clone = create_volume(
            &cinder,
            &cleanup,
            &unique_name("e2e-clone"),
            json!({"source_volid": source_id}),
        )
        .await;
        assert_eq!(clone["source_volid"], source_id);
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn volume_lists_filters_sort_paging_count_and_summary() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let prefix = unique_name("e2e-list");
        let mut ids = Vec::new();
        for i in 0..3 {
            let volume = create_volume(
                &cinder,
                &cleanup,
                &format!("{prefix}-{i}"),
                json!({"metadata": {"batch": prefix}}),
            )
            .await;
            ids.push(volume["id"].as_str().unwrap().to_string());
        }
        // Filter by name, summary list.
        let named = cinder
            .raw()
            .list_volumes()
            .name(format!("{prefix}-1"))
            .run()
            .await
            .unwrap();
        assert_eq!(named.volumes.len(), 1);
        assert_eq!(named.volumes[0].id, ids[1]);
        // Filter by metadata, sorted by name descending, with count (3.45).
        let metadata = json!({"batch": prefix}).to_string();
        let detail = cinder
            .raw()
            .list_volumes_detail()
            .metadata(metadata.clone())
            .sort("name:desc")
            .with_count(true)
            .run()
            .await
            .unwrap();
        let names: Vec<_> = detail
            .volumes
            .iter()
            .map(|v| v.name.clone().unwrap())
            .collect();
        assert_eq!(
            names,
            vec![
                format!("{prefix}-2"),
                format!("{prefix}-1"),
                format!("{prefix}-0")
            ]
        );
        assert_eq!(detail.count, Some(3));
        // limit + marker paging following volumes_links.
        let paged: Vec<types::Volume> = cinder
            .raw()
            .list_volumes_detail()
            .metadata(metadata.clone())
            .sort("name:asc")
            .limit(2)
            .paginate()
            .try_collect()
            .await
            .unwrap();
        let paged_ids: Vec<_> = paged.iter().map(|v| v.id.clone()).collect();
        assert_eq!(paged_ids, ids);
        // Summary (3.12).
        let summary = cinder.raw().volume_summary().run().await.unwrap();
        assert!(summary.volume_summary.total_count >= 3);
        assert!(summary.volume_summary.total_size >= 3);
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn summary_is_refused_at_3_0_before_sending() {
    let (cinder, check) = admin_checked(v(0)).await;
    let err = cinder.raw().volume_summary().run().await.unwrap_err();
    match &err {
        Error::Unsupported { needs, .. } => {
            assert_eq!(needs.min, cinder_client::ApiVersion(12), "{err}")
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
    // with_count needs 3.45 too.
    let err = cinder
        .raw()
        .list_volumes_detail()
        .with_count(true)
        .run()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { needs, .. } if needs.min == cinder_client::ApiVersion(45)),
        "{err:?}"
    );
    assert_eq!(check.0.checked(), 0, "nothing was sent");
    check.assert_conformant();
}

#[tokio::test]
async fn volume_metadata_six_operations() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let volume = create_volume(
            &cinder,
            &cleanup,
            &unique_name("e2e-meta"),
            json!({"metadata": {"a": "1"}}),
        )
        .await;
        let id = volume["id"].as_str().unwrap();
        let raw = cinder.raw();
        let listed = raw
            .list_volume_metadata()
            .volume_id(id)
            .run()
            .await
            .unwrap();
        assert_eq!(json(&listed.metadata), json!({"a": "1"}));
        let created = raw
            .create_volume_metadata()
            .volume_id(id)
            .body(body::<types::VolumeMetadataRequest>(
                json!({"metadata": {"b": "2"}}),
            ))
            .run()
            .await
            .unwrap();
        assert_eq!(json(&created.metadata), json!({"a": "1", "b": "2"}));
        let replaced = raw
            .replace_volume_metadata()
            .volume_id(id)
            .body(body::<types::VolumeMetadataRequest>(
                json!({"metadata": {"c": "3", "d": "4"}}),
            ))
            .run()
            .await
            .unwrap();
        assert_eq!(json(&replaced.metadata), json!({"c": "3", "d": "4"}));
        let item = raw
            .show_volume_metadata_item()
            .volume_id(id)
            .key("c")
            .run()
            .await
            .unwrap();
        assert_eq!(json(&item.meta), json!({"c": "3"}));
        let updated = raw
            .update_volume_metadata_item()
            .volume_id(id)
            .key("c")
            .body(body::<types::VolumeMetadataItemRequest>(
                json!({"meta": {"c": "33"}}),
            ))
            .run()
            .await
            .unwrap();
        assert_eq!(json(&updated.meta), json!({"c": "33"}));
        raw.delete_volume_metadata_item()
            .volume_id(id)
            .key("d")
            .run()
            .await
            .unwrap();
        let listed = raw
            .list_volume_metadata()
            .volume_id(id)
            .run()
            .await
            .unwrap();
        assert_eq!(json(&listed.metadata), json!({"c": "33"}));
        let err = raw
            .show_volume_metadata_item()
            .volume_id(id)
            .key("d")
            .run()
            .await
            .unwrap_err();
        assert!(err.is_not_found(), "{err}");
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn a_failed_wait_says_why_from_the_user_messages() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        // No back end is called `nowhere`: the scheduler puts the volume in `error`, with a
        // user message saying so.
        let volume_type = create_type(
            &cinder,
            &cleanup,
            &unique_name("e2e-nowhere"),
            json!({"extra_specs": {"volume_backend_name": "nowhere"}}),
        )
        .await;
        let created = cinder
            .raw()
            .create_volume()
            .body(body::<types::VolumeCreateRequest>(
                json!({"volume": {"size": 1, "name": unique_name("e2e-fail"),
                                      "volume_type": volume_type["id"]}}),
            ))
            .run()
            .await
            .unwrap();
        let id = created.volume.id;
        cleanup.add::<Volumes>(&id);
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let record = seen.clone();
        let options = cinder_client::wait::WaitOptions {
            progress: Some(std::sync::Arc::new(
                move |p: &cinder_client::wait::Progress<'_>| {
                    record
                        .lock()
                        .unwrap()
                        .push(p.status.unwrap_or("gone").to_string())
                },
            )),
            ..wait_options()
        };
        let err = cinder
            .volumes()
            .wait_for_with(&id, &["available"], &options)
            .await
            .unwrap_err();
        match &err {
            Error::Failed { status, reason, .. } => {
                assert_eq!(status, "error");
                let reason = reason
                    .as_deref()
                    .expect("a user message explains the error");
                assert!(reason.contains("backend"), "{reason}");
            }
            other => panic!("expected a failed wait, got {other:?}"),
        }
        assert!(err.to_string().contains(&id), "{err}");
        assert_eq!(
            seen.lock().unwrap().last().map(String::as_str),
            Some("error")
        );
    })
    .await;
    check.assert_conformant();
}

/// A volume of an encrypted type has a key (from the local cloud's fixed-key manager) and its
/// type's encryption fields; an unencrypted volume only a null key ID. One field alone comes as
/// bare text, and a null one as an empty body.
#[tokio::test]
async fn encryption_metadata_of_an_encrypted_and_a_plain_volume() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let raw = cinder.raw();
        let encrypted_type =
            create_type(&cinder, &cleanup, &unique_name("e2e-enc"), json!({})).await;
        let type_id = encrypted_type["id"].as_str().unwrap();
        raw.create_type_encryption()
            .volume_type_id(type_id)
            .body(body::<types::VolumeTypeEncryptionCreateRequest>(
                json!({"encryption": {
                    "provider": "luks", "cipher": "aes-xts-plain64", "key_size": 256,
                    "control_location": "front-end",
                }}),
            ))
            .run()
            .await
            .unwrap();
        let encrypted = create_volume(
            &cinder,
            &cleanup,
            &unique_name("e2e-enc"),
            json!({"volume_type": type_id}),
        )
        .await;
        assert_eq!(encrypted["encrypted"], true, "{encrypted}");
        let encrypted_id = encrypted["id"].as_str().unwrap();
        let plain = create_volume(&cinder, &cleanup, &unique_name("e2e-plain"), json!({})).await;
        let plain_id = plain["id"].as_str().unwrap();

        let metadata = raw
            .show_volume_encryption_metadata()
            .volume_id(encrypted_id)
            .run()
            .await
            .unwrap();
        let key_id = metadata.encryption_key_id.clone().expect("a key ID");
        assert!(!key_id.is_empty());
        assert_eq!(metadata.provider.as_deref(), Some("luks"));
        assert_eq!(metadata.cipher.as_deref(), Some("aes-xts-plain64"));
        assert_eq!(metadata.key_size, Some(256));
        assert_eq!(
            metadata.control_location,
            Some(types::VolumeEncryptionMetadataControlLocation::FrontEnd)
        );

        let item = |volume: &str, field: &str| {
            raw.show_volume_encryption_metadata_item()
                .volume_id(volume.to_string())
                .encryption_key(field.to_string())
                .run_text()
        };
        assert_eq!(
            item(encrypted_id, "cipher").await.unwrap(),
            "aes-xts-plain64"
        );
        assert_eq!(
            item(encrypted_id, "encryption_key_id").await.unwrap(),
            key_id
        );

        let none = raw
            .show_volume_encryption_metadata()
            .volume_id(plain_id)
            .run_json()
            .await
            .unwrap();
        assert_eq!(none.json(), &json!({"encryption_key_id": null}));
        assert_eq!(none.into_typed().unwrap().encryption_key_id, None);
        assert_eq!(item(plain_id, "encryption_key_id").await.unwrap(), "");
        // Cinder 29 fails on a field the metadata lacks (KeyError in its controller): an error,
        // reported as one, not an empty answer.
        let missing = item(plain_id, "cipher").await.unwrap_err();
        assert!(
            matches!(missing, Error::Api { status: 500, .. }),
            "{missing:?}"
        );
    })
    .await;
    check.assert_conformant();
}
