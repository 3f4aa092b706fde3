//! End to end against the local cloud: the legacy consistency groups and cgsnapshots really
//! copy data. The groups' volumes live on the cloud's `file` back end (one sparse file per
//! volume), whose driver serves Cinder's consistency group calls (`create_consistencygroup`,
//! `create_cgsnapshot`, `create_consistencygroup_from_src`...) from its volume calls: a test
//! writes bytes into the volumes' files, snapshots the group, makes groups from the cgsnapshot
//! and from the group, and compares the files.

use std::collections::BTreeMap;
use std::path::PathBuf;

use cinder_client::resources::{Cgsnapshots, Consistencygroups};
use cinder_client::types;
use cinder_client::{Cinder, Run};
use cinder_tests::cloud::{admin_checked, unique_name, v};
use cinder_tests::fixtures::{
    body, create_file_type, create_volume, json, same_bytes, volume_file, wait_options,
    with_cleanup, write_into_volume, Cleanup,
};
use serde_json::{json, Value};

/// Creates a consistency group for `volume_type` (`POST /consistencygroups`), waits until it is
/// available; its ID.
async fn create_cg(cinder: &Cinder, cleanup: &Cleanup, volume_type: &str) -> String {
    let request = json!({"consistencygroup": {"name": unique_name("e2e-cg"),
                                              "description": "e2e", "volume_types": volume_type}});
    let created = cinder
        .raw()
        .create_consistencygroup()
        .body(body::<types::ConsistencyGroupCreateRequest>(request))
        .run()
        .await
        .expect("creates a consistency group");
    let id = created.consistencygroup.id.to_string();
    cleanup.add::<Consistencygroups>(&id);
    available(cinder, &id).await;
    id
}

/// Creates a consistency group from a cgsnapshot or a source group (`fields`), waits until it
/// is available; its ID.
async fn create_cg_from(cinder: &Cinder, cleanup: &Cleanup, fields: Value) -> String {
    let mut fields = fields;
    fields["name"] = json!(unique_name("e2e-cg-src"));
    let created = cinder
        .raw()
        .create_consistencygroup_from_src()
        .body(body::<types::ConsistencyGroupCreateFromSrcRequest>(
            json!({"consistencygroup-from-src": fields}),
        ))
        .run()
        .await
        .expect("creates a consistency group from a source");
    let id = created.consistencygroup.id.to_string();
    cleanup.add::<Consistencygroups>(&id);
    available(cinder, &id).await;
    id
}

async fn available(cinder: &Cinder, id: &str) -> Value {
    let group = cinder
        .consistencygroups()
        .wait_for_with(id, &["available"], &wait_options())
        .await
        .expect("the consistency group becomes available");
    json(&group)
}

/// The volumes of group `id` (listed with the `group_id` filter, 3.10+), as JSON by ID.
async fn volumes_of(cinder: &Cinder, id: &str) -> BTreeMap<String, Value> {
    let listed = cinder
        .raw()
        .list_volumes_detail()
        .group_id(id)
        .run()
        .await
        .expect("lists the group's volumes");
    listed
        .volumes
        .iter()
        .map(|volume| (volume.id.to_string(), json(volume)))
        .collect()
}

#[tokio::test]
async fn consistency_groups_snapshot_and_copy_their_volumes_bytes() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let raw = cinder.raw();
        let file_type = create_file_type(&cinder, &cleanup).await;
        let type_id = file_type["id"].as_str().unwrap();
        let cg = create_cg(&cinder, &cleanup, type_id).await;

        // Shown, listed and found as a consistency group (the group API's detail view).
        let shown = json(&cinder.consistencygroups().show(&cg).await.unwrap());
        assert_eq!(shown["volume_types"], json!([type_id]));
        assert_eq!(shown["description"], "e2e");
        let name = shown["name"].as_str().unwrap();
        let found = cinder.consistencygroups().find(name).await.unwrap();
        assert_eq!(found.id.to_string(), cg);
        let summaries = raw.list_consistencygroups().run().await.unwrap();
        assert!(summaries
            .consistencygroups
            .iter()
            .any(|g| json(g)["id"] == cg.as_str() && g.name.as_deref() == Some(name)));

        // Two volumes in it, each with its own bytes.
        let mut originals = Vec::new();
        for (i, pattern) in [&b"first volume of the group"[..], b"second volume!"]
            .iter()
            .enumerate()
        {
            let volume = create_volume(
                &cinder,
                &cleanup,
                &unique_name("e2e-cg-vol"),
                json!({"volume_type": type_id, "consistencygroup_id": cg}),
            )
            .await;
            let id = volume["id"].as_str().unwrap().to_string();
            write_into_volume(&id, 0, pattern);
            write_into_volume(&id, (200 + 100 * i as u64) << 20, &[0x5A + i as u8; 8192]);
            originals.push(id);
        }
        let members = volumes_of(&cinder, &cg).await;
        assert_eq!(
            members.keys().cloned().collect::<Vec<_>>(),
            {
                let mut sorted = originals.clone();
                sorted.sort();
                sorted
            },
            "both volumes are in the group"
        );

        // A cgsnapshot of the group: one snapshot per volume.
        let created = raw
            .create_cgsnapshot()
            .body(body::<types::CgsnapshotCreateRequest>(
                json!({"cgsnapshot": {
                "consistencygroup_id": cg, "name": unique_name("e2e-cgsnap"),
                "description": "both volumes"}}),
            ))
            .run()
            .await
            .expect("creates a cgsnapshot");
        let cgsnap = created.cgsnapshot.id.to_string();
        cleanup.add::<Cgsnapshots>(&cgsnap);
        let snapshot = cinder
            .cgsnapshots()
            .wait_for_with(&cgsnap, &["available"], &wait_options())
            .await
            .expect("the cgsnapshot becomes available");
        assert_eq!(snapshot.consistencygroup_id.as_deref(), Some(cg.as_str()));
        assert_eq!(snapshot.description.as_deref(), Some("both volumes"));
        let listed = raw.list_cgsnapshots_detail().run().await.unwrap();
        assert!(listed
            .cgsnapshots
            .iter()
            .any(|s| json(s)["id"] == cgsnap.as_str()));
        let snapshots = raw
            .list_snapshots_detail()
            .all_tenants(true)
            .run()
            .await
            .unwrap();
        let of_cgsnap: Vec<_> = snapshots
            .snapshots
            .iter()
            .map(json)
            .filter(|s| s["group_snapshot_id"] == cgsnap.as_str())
            .collect();
        assert_eq!(of_cgsnap.len(), 2, "one snapshot per volume: {of_cgsnap:?}");

        // Written after the snapshot: a group from the cgsnapshot must not have it.
        for id in &originals {
            write_into_volume(id, 4096, b"after the cgsnapshot");
        }
        let from_snapshot =
            create_cg_from(&cinder, &cleanup, json!({"cgsnapshot_id": cgsnap})).await;
        let copies = volumes_of(&cinder, &from_snapshot).await;
        assert_eq!(copies.len(), 2, "one volume per snapshot: {copies:?}");
        for (copy, volume) in &copies {
            assert_eq!(volume["status"], "available");
            let snapshot = of_cgsnap
                .iter()
                .find(|s| s["id"] == volume["snapshot_id"])
                .expect("each new volume comes from one of the cgsnapshot's snapshots");
            let original = snapshot["volume_id"].as_str().unwrap();
            assert!(!same_bytes(&volume_file(original), &volume_file(copy)));
            // Undo the later write in the original: then both hold the snapshot's bytes.
            write_into_volume(original, 4096, &[0; 20]);
            assert!(
                same_bytes(&volume_file(original), &volume_file(copy)),
                "volume {copy} holds the bytes {original} had at the cgsnapshot"
            );
        }

        // A group from the group: clones of its volumes as they are now.
        let from_group = create_cg_from(&cinder, &cleanup, json!({"source_cgid": cg})).await;
        let clones = volumes_of(&cinder, &from_group).await;
        assert_eq!(clones.len(), 2, "one volume per source volume: {clones:?}");
        for (clone, volume) in &clones {
            let original = volume["source_volid"].as_str().unwrap();
            assert!(originals.iter().any(|o| o == original));
            assert!(same_bytes(&volume_file(original), &volume_file(clone)));
        }

        // Update: a name, then a third volume added and removed.
        let extra = create_volume(
            &cinder,
            &cleanup,
            &unique_name("e2e-cg-extra"),
            json!({"volume_type": type_id}),
        )
        .await;
        let extra = extra["id"].as_str().unwrap().to_string();
        let update = |fields: Value| {
            raw.update_consistencygroup()
                .consistencygroup_id(&cg)
                .body(body::<types::ConsistencyGroupUpdateRequest>(
                    json!({"consistencygroup": fields}),
                ))
                .run()
        };
        let renamed = unique_name("e2e-cg-renamed");
        update(json!({"name": renamed, "add_volumes": extra}))
            .await
            .expect("adds a volume");
        let shown = available(&cinder, &cg).await;
        assert_eq!(shown["name"], renamed.as_str());
        assert!(volumes_of(&cinder, &cg).await.contains_key(&extra));
        update(json!({"remove_volumes": extra}))
            .await
            .expect("removes a volume");
        available(&cinder, &cg).await;
        assert!(!volumes_of(&cinder, &cg).await.contains_key(&extra));
        // Nothing to change: Cinder refuses.
        let err = update(json!({}))
            .await
            .expect_err("an update without changes");
        assert_eq!(err.status(), Some(400), "{err}");

        // The cgsnapshot goes with its snapshots (and their files).
        let snapshot_files: Vec<_> = of_cgsnap
            .iter()
            .map(|s| {
                let volume = volume_file(s["volume_id"].as_str().unwrap());
                PathBuf::from(format!(
                    "{}.snapshot-{}",
                    volume.display(),
                    s["id"].as_str().unwrap()
                ))
            })
            .collect();
        assert!(
            snapshot_files.iter().all(|f| f.exists()),
            "{snapshot_files:?}"
        );
        cinder.cgsnapshots().delete(&cgsnap).await.unwrap();
        cinder
            .cgsnapshots()
            .wait_deleted_with(&cgsnap, &wait_options())
            .await
            .expect("the cgsnapshot is deleted");
        for file in &snapshot_files {
            assert!(!file.exists(), "{} is removed", file.display());
        }

        // A group with volumes needs force; with it, its volumes go too.
        let delete = |id: &str, force: bool| {
            raw.delete_consistencygroup()
                .consistencygroup_id(id)
                .body(body::<types::ConsistencyGroupDeleteRequest>(
                    json!({"consistencygroup": {"force": force}}),
                ))
                .run()
        };
        let err = delete(&from_snapshot, false)
            .await
            .expect_err("a group with volumes needs force");
        assert_eq!(err.status(), Some(400), "{err}");
        delete(&from_snapshot, true)
            .await
            .expect("deletes with force");
        cinder
            .consistencygroups()
            .wait_deleted_with(&from_snapshot, &wait_options())
            .await
            .expect("the consistency group is deleted");
        for copy in copies.keys() {
            cinder
                .volumes()
                .wait_deleted_with(copy, &wait_options())
                .await
                .expect("its volumes are deleted");
            assert!(!volume_file(copy).exists());
        }
    })
    .await;
    check.assert_conformant();
}
