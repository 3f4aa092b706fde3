//! End to end against the local cloud: volume transfers on both routes (`/os-volume-transfer`
//! below 3.55, `/volume-transfers` from it, as `cinder.transfers()` chooses), accepted by the
//! demo project, which then owns the volume; a wrong auth key is refused and changes nothing;
//! a deleted transfer gives the volume back.

use cinder_client::resources::VolumeTransfers;
use cinder_client::{Cinder, Error, TransferRoute};
use cinder_tests::cloud::{admin_checked, checked, unique_name, v};
use cinder_tests::fixtures::{create_snapshot, create_volume, json, with_cleanup, Cleanup};
use futures::TryStreamExt;
use serde_json::{json, Value};

/// A new volume of the admin project, offered for transfer on `cinder`'s route; the volume and
/// the transfer (as the create answered).
async fn offered(
    cinder: &Cinder,
    cleanup: &Cleanup,
    prefix: &str,
    no_snapshots: bool,
) -> (Value, Value) {
    let volume = create_volume(cinder, cleanup, &unique_name(prefix), json!({})).await;
    let volume_id = volume["id"].as_str().unwrap();
    let name = unique_name(prefix);
    let transfer = cinder
        .transfers()
        .create_json(volume_id, Some(&name), no_snapshots)
        .await
        .expect("the volume is offered for transfer");
    cleanup.add::<VolumeTransfers>(transfer["id"].as_str().unwrap());
    assert_eq!(transfer["name"], name.as_str());
    assert_eq!(transfer["volume_id"], volume_id);
    (volume, transfer)
}

async fn owner(admin: &Cinder, volume_id: &str) -> Value {
    let shown = admin.volumes().show_json(volume_id).await.unwrap();
    shown["os-vol-tenant-attr:tenant_id"].clone()
}

#[tokio::test]
async fn a_transfer_hands_the_volume_to_the_demo_project_on_both_routes() {
    for (minor, route) in [
        (54, TransferRoute::OsVolumeTransfer),
        (71, TransferRoute::VolumeTransfers),
    ] {
        let (admin, admin_check) = admin_checked(v(minor)).await;
        let (demo, demo_check) = checked("local-demo", v(minor)).await;
        assert_eq!(admin.transfers().route(), route);
        let (admin, demo) = (&admin, &demo);
        with_cleanup(|cleanup| async move {
            let (volume, created) = offered(admin, &cleanup, "e2e-tr-handover", false).await;
            let volume_id = volume["id"].as_str().unwrap();
            let id = created["id"].as_str().unwrap();
            let key = created["auth_key"]
                .as_str()
                .expect("the create shows the key");
            assert_eq!(key.len(), 16, "{created}");
            // The fields of later microversions come on both routes alike.
            assert_eq!(created.get("no_snapshots").is_some(), minor >= 55);
            assert_eq!(created.get("accepted").is_some(), minor >= 57);
            if minor >= 57 {
                assert_eq!(created["source_project_id"], owner(admin, volume_id).await);
                assert_eq!(created["destination_project_id"], Value::Null);
            }
            let awaiting = admin.volumes().show(volume_id).await.unwrap();
            assert_eq!(awaiting.status, "awaiting-transfer");

            // Listed and shown (by ID and by name), never with the key.
            let listed: Vec<_> = admin.transfers().all().try_collect().await.unwrap();
            assert!(listed.iter().any(|t| t.id == id), "{listed:?}");
            let shown = admin.transfers().show_json(id).await.unwrap();
            assert_eq!(shown["volume_id"], volume_id);
            assert!(shown.get("auth_key").is_none(), "{shown}");
            let found = admin
                .transfers()
                .find(created["name"].as_str().unwrap())
                .await
                .unwrap();
            assert_eq!(found.id, id);

            // A wrong key is refused and changes nothing.
            let refused = demo.transfers().accept(id, "0000000000000000").await;
            match refused {
                Err(error @ Error::Api { .. }) => {
                    assert_eq!(error.status(), Some(400), "{error}");
                    assert!(error.to_string().contains("invalid auth key"), "{error}");
                }
                other => panic!("a wrong key is refused, not {other:?}"),
            }
            assert_ne!(owner(admin, volume_id).await, json!(demo.project_id()));

            // The right key: the volume is the demo project's, available there.
            let accepted = demo.transfers().accept(id, key).await.unwrap();
            assert_eq!(accepted.id, id);
            assert_eq!(accepted.volume_id, volume_id);
            assert_eq!(owner(admin, volume_id).await, json!(demo.project_id()));
            let theirs = demo.volumes().show(volume_id).await.unwrap();
            assert_eq!(theirs.status, "available");
            // An accepted transfer is gone.
            let gone = admin.transfers().show(id).await.unwrap_err();
            assert!(gone.is_not_found(), "{gone}");
        })
        .await;
        admin_check.assert_conformant();
        demo_check.assert_conformant();
    }
}

#[tokio::test]
async fn a_deleted_transfer_gives_the_volume_back() {
    for minor in [3, 71] {
        let (admin, check) = admin_checked(v(minor)).await;
        let admin = &admin;
        with_cleanup(|cleanup| async move {
            let (volume, created) = offered(admin, &cleanup, "e2e-tr-withdrawn", false).await;
            let volume_id = volume["id"].as_str().unwrap();
            let id = created["id"].as_str().unwrap();
            admin.transfers().delete(id).await.unwrap();
            let error = admin.transfers().find(id).await.unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("No volumetransfer with a name or ID of"),
                "{error}"
            );
            let back = admin.volumes().show(volume_id).await.unwrap();
            assert_eq!(back.status, "available");
            let listed: Vec<_> = admin.transfers().all().try_collect().await.unwrap();
            assert!(listed.iter().all(|t| t.id != id));
        })
        .await;
        check.assert_conformant();
    }
}

#[tokio::test]
async fn no_snapshots_needs_the_newer_route() {
    let (admin, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let volume =
            create_volume(&admin, &cleanup, &unique_name("e2e-tr-nosnap"), json!({})).await;
        let volume_id = volume["id"].as_str().unwrap();
        create_snapshot(&admin, &cleanup, volume_id, &unique_name("e2e-tr-snap")).await;

        // Below 3.55 (/os-volume-transfer) the option is refused before anything is sent.
        let old = admin.at_version(cinder_client::ApiVersion(54)).unwrap();
        let refused = old.transfers().create(volume_id, None, true).await;
        assert!(
            matches!(refused, Err(Error::Unsupported { .. })),
            "{refused:?}"
        );
        assert_eq!(
            admin.volumes().show(volume_id).await.unwrap().status,
            "available"
        );

        let created = admin
            .transfers()
            .create(volume_id, None, true)
            .await
            .unwrap();
        cleanup.add::<VolumeTransfers>(&created.id);
        assert_eq!(created.no_snapshots, Some(true));
        assert_eq!(created.name, None);
        let shown = json(&admin.transfers().show(&created.id).await.unwrap());
        assert_eq!(shown["no_snapshots"], true, "{shown}");
        admin.transfers().delete(&created.id).await.unwrap();
        admin
            .volumes()
            .wait_for(volume_id, &["available"])
            .await
            .unwrap();
    })
    .await;
    check.assert_conformant();
}
