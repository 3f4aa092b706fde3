//! End to end against the local cloud: group types and group specs, groups (with volumes,
//! update, reset, replication refusals, create from a source), group snapshots, and the demo
//! project's policy refusals. The local back end has no native group support: Cinder's generic
//! group implementation serves it.

use cinder_client::resources::{GroupSnapshots, GroupTypes, Groups};
use cinder_client::types;
use cinder_client::{Cinder, Run};
use cinder_tests::cloud::{admin_checked, checked, unique_name, v};
use cinder_tests::fixtures::{
    body, create_type, create_volume, json, wait_options, with_cleanup, Cleanup,
};
use serde_json::{json, Value};

/// Creates a group type (`extra` merged into `{"group_type": {"name"}}`); returns it as JSON.
async fn create_group_type(cinder: &Cinder, cleanup: &Cleanup, extra: Value) -> Value {
    let mut request = json!({"group_type": {"name": unique_name("e2e-gtype")}});
    if let Value::Object(fields) = extra {
        for (key, value) in fields {
            request["group_type"][key] = value;
        }
    }
    let created = cinder
        .raw()
        .create_group_type()
        .body(body::<types::GroupTypeCreateRequest>(request))
        .run()
        .await
        .expect("creates a group type");
    let value = json(&created.group_type);
    cleanup.add::<GroupTypes>(value["id"].as_str().expect("a group type id"));
    value
}

/// Creates a group of `group_type` for `volume_type`, waits until it is available; its ID.
async fn create_group(
    cinder: &Cinder,
    cleanup: &Cleanup,
    group_type: &str,
    volume_type: &str,
) -> String {
    let request = json!({"group": {"name": unique_name("e2e-group"), "group_type": group_type,
                                   "volume_types": [volume_type]}});
    let created = cinder
        .raw()
        .create_group()
        .body(body::<types::GroupCreateRequest>(request))
        .run()
        .await
        .expect("creates a group");
    let id = created.group.id.clone();
    cleanup.add::<Groups>(&id);
    cinder
        .groups()
        .wait_for_with(&id, &["available"], &wait_options())
        .await
        .expect("the group becomes available");
    id
}

/// The IDs of the volumes in group `id`, sorted.
async fn volumes_of(cinder: &Cinder, id: &str) -> Vec<String> {
    let shown = cinder
        .raw()
        .show_group()
        .group_id(id)
        .list_volume(true)
        .run()
        .await
        .unwrap();
    let mut volumes = shown.group.volumes.clone();
    volumes.sort();
    volumes
}

#[tokio::test]
async fn group_types_and_specs_at_3_11_and_3_71() {
    for minor in [11, 71] {
        let (cinder, check) = admin_checked(v(minor)).await;
        with_cleanup(|cleanup| async move {
            let raw = cinder.raw();
            let created = create_group_type(
                &cinder,
                &cleanup,
                json!({"description": "first", "group_specs": {"k": "v"}}),
            )
            .await;
            let id = created["id"].as_str().unwrap();
            assert_eq!(created["group_specs"], json!({"k": "v"}));
            assert_eq!(created["is_public"], true);
            // Found by name among public and private types.
            let found = cinder
                .group_types()
                .find(created["name"].as_str().unwrap())
                .await;
            assert_eq!(json(&found.unwrap())["id"], id);
            let listed = raw
                .list_group_types()
                .is_public("None")
                .run()
                .await
                .unwrap();
            assert!(listed.group_types.iter().any(|t| json(t)["id"] == id));
            let updated = raw
                .update_group_type()
                .group_type_id(id)
                .body(body::<types::GroupTypeUpdateRequest>(
                    json!({"group_type": {"description": "second", "is_public": false}}),
                ))
                .run()
                .await
                .unwrap();
            assert_eq!(json(&updated.group_type)["description"], "second");
            assert_eq!(json(&updated.group_type)["is_public"], false);

            // The five group spec operations.
            let set = raw
                .create_group_type_specs()
                .group_type_id(id)
                .body(body::<types::GroupSpecsRequest>(
                    json!({"group_specs": {"a": "1", "b": "2"}}),
                ))
                .run()
                .await
                .unwrap();
            assert_eq!(json(&set)["group_specs"], json!({"a": "1", "b": "2"}));
            let item = raw
                .show_group_type_spec()
                .group_type_id(id)
                .key("a")
                .run()
                .await
                .unwrap();
            assert_eq!(json(&item), json!({"a": "1"}));
            raw.update_group_type_spec()
                .group_type_id(id)
                .key("a")
                .body(body::<types::GroupSpecItemRequest>(json!({"a": "11"})))
                .run()
                .await
                .unwrap();
            raw.delete_group_type_spec()
                .group_type_id(id)
                .key("b")
                .run()
                .await
                .unwrap();
            let specs = cinder.group_types().metadata(id).await.unwrap();
            assert_eq!(
                specs,
                [
                    ("a".to_string(), "11".to_string()),
                    ("k".into(), "v".into())
                ]
                .into()
            );

            // The local cloud configures no default group type.
            let err = raw.show_default_group_type().run().await.unwrap_err();
            assert!(err.is_not_found(), "{err}");

            raw.delete_group_type()
                .group_type_id(id)
                .run()
                .await
                .unwrap();
            let err = raw
                .show_group_type()
                .group_type_id(id)
                .run()
                .await
                .unwrap_err();
            assert!(err.is_not_found(), "{err}");
        })
        .await;
        check.assert_conformant();
    }
}

#[tokio::test]
async fn group_types_need_3_11() {
    let (cinder, _check) = admin_checked(v(10)).await;
    let err = cinder.raw().list_group_types().run().await.unwrap_err();
    assert!(
        matches!(&err, cinder_client::Error::Unsupported { needs, .. } if needs.min == cinder_client::ApiVersion(11)),
        "{err}"
    );
}

#[tokio::test]
async fn a_group_with_volumes_its_snapshot_and_groups_made_from_them() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let raw = cinder.raw();
        let group_type = create_group_type(
            &cinder,
            &cleanup,
            json!({"group_specs": {"consistent_group_snapshot_enabled": "<is> True"}}),
        )
        .await;
        let group_type = group_type["id"].as_str().unwrap().to_string();
        let volume_type =
            create_type(&cinder, &cleanup, &unique_name("e2e-gvtype"), json!({})).await;
        let volume_type = volume_type["id"].as_str().unwrap().to_string();
        let group = create_group(&cinder, &cleanup, &group_type, &volume_type).await;

        // Two volumes in the group.
        let mut members = Vec::new();
        for _ in 0..2 {
            let extra = json!({"volume_type": volume_type, "group_id": group});
            let volume = create_volume(&cinder, &cleanup, &unique_name("e2e-gvol"), extra).await;
            assert_eq!(volume["group_id"], group);
            members.push(volume["id"].as_str().unwrap().to_string());
        }
        members.sort();
        assert_eq!(volumes_of(&cinder, &group).await, members);
        let shown = json(&cinder.groups().show(&group).await.unwrap());
        assert_eq!(shown["group_type"], group_type);
        assert_eq!(shown["volume_types"], json!([volume_type]));
        assert_eq!(shown["replication_status"], "disabled");
        // The detail list has it, with its volumes when asked.
        let listed = raw
            .list_groups_detail()
            .list_volume(true)
            .run()
            .await
            .unwrap();
        let listed = listed
            .groups
            .iter()
            .find(|g| g.id == group)
            .expect("listed");
        assert_eq!(listed.volumes.len(), 2);

        // A group snapshot of both volumes.
        let request =
            json!({"group_snapshot": {"group_id": group, "name": unique_name("e2e-gsnap")}});
        let snapshot = raw
            .create_group_snapshot()
            .body(body::<types::GroupSnapshotCreateRequest>(request))
            .run()
            .await
            .unwrap();
        let snapshot = snapshot.group_snapshot.id.clone();
        cleanup.add::<GroupSnapshots>(&snapshot);
        let done = cinder
            .group_snapshots()
            .wait_for_with(&snapshot, &["available"], &wait_options())
            .await
            .unwrap();
        assert_eq!(json(&done)["group_id"], group);
        let snapshots = raw
            .list_snapshots_detail()
            .run()
            .await
            .unwrap()
            .snapshots
            .iter()
            .filter(|s| json(s)["group_snapshot_id"] == snapshot.as_str())
            .count();
        assert_eq!(snapshots, 2, "one snapshot per volume of the group");

        // A group from the snapshot, and one copying the group: two volumes each.
        let mut made = Vec::new();
        for source in [
            json!({"group_snapshot_id": snapshot}),
            json!({"source_group_id": group}),
        ] {
            let mut request = source.clone();
            request["name"] = json!(unique_name("e2e-gfrom"));
            let created = raw
                .groups_create_from_src(body(request))
                .run()
                .await
                .unwrap();
            let id = created.group.id.clone();
            cleanup.add::<Groups>(&id);
            let ready = cinder
                .groups()
                .wait_for_with(&id, &["available"], &wait_options())
                .await
                .unwrap();
            let ready = json(&ready);
            match source.get("group_snapshot_id") {
                Some(from) => assert_eq!(&ready["group_snapshot_id"], from),
                None => assert_eq!(ready["source_group_id"], group),
            }
            let volumes = volumes_of(&cinder, &id).await;
            assert_eq!(volumes.len(), 2, "{ready}");
            for volume in &volumes {
                let volume = cinder
                    .volumes()
                    .wait_for_with(volume, &["available"], &wait_options())
                    .await
                    .unwrap();
                assert_eq!(json(&volume)["group_id"], id);
            }
            made.push(id);
        }

        // Update: a new name, one volume out, then back in.
        let update = |fields: Value| {
            raw.update_group()
                .group_id(&group)
                .body(body::<types::GroupUpdateRequest>(
                    json!({ "group": fields }),
                ))
        };
        update(json!({"name": "e2e-renamed", "remove_volumes": members[0]}))
            .run()
            .await
            .unwrap();
        cinder
            .groups()
            .wait_for_with(&group, &["available"], &wait_options())
            .await
            .unwrap();
        assert_eq!(volumes_of(&cinder, &group).await, vec![members[1].clone()]);
        assert_eq!(
            json(&cinder.groups().show(&group).await.unwrap())["name"],
            "e2e-renamed"
        );
        update(json!({"add_volumes": members[0]}))
            .run()
            .await
            .unwrap();
        cinder
            .groups()
            .wait_for_with(&group, &["available"], &wait_options())
            .await
            .unwrap();
        assert_eq!(volumes_of(&cinder, &group).await, members);

        // Reset states, there and back.
        let status = |s: &str| body::<types::GroupResetStatusAction>(json!({"status": s}));
        raw.group_reset_status(&group, status("error"))
            .run()
            .await
            .unwrap();
        assert_eq!(
            json(&cinder.groups().show(&group).await.unwrap())["status"],
            "error"
        );
        raw.group_reset_status(&group, status("available"))
            .run()
            .await
            .unwrap();
        let snapshot_status =
            |s: &str| body::<types::GroupSnapshotResetStatusAction>(json!({"status": s}));
        raw.group_snapshot_reset_status(&snapshot, snapshot_status("error"))
            .run()
            .await
            .unwrap();
        let shown = cinder.group_snapshots().show(&snapshot).await.unwrap();
        assert_eq!(json(&shown)["status"], "error");
        raw.group_snapshot_reset_status(&snapshot, snapshot_status("available"))
            .run()
            .await
            .unwrap();
        let err = raw
            .group_reset_status(&group, status("sleeping"))
            .run()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(400), "{err}");

        // The group type does not replicate: Cinder refuses every replication action.
        let refusals = [
            raw.group_enable_replication(&group).run().await.map(drop),
            raw.group_disable_replication(&group).run().await.map(drop),
            raw.group_failover_replication(&group, body(json!({"allow_attached_volume": true})))
                .run()
                .await
                .map(drop),
            raw.group_list_replication_targets(&group)
                .run()
                .await
                .map(drop),
        ];
        for refusal in refusals {
            let err = refusal.unwrap_err();
            assert_eq!(err.status(), Some(400), "{err}");
            assert!(
                err.to_string().contains("not a replication group type"),
                "{err}"
            );
        }

        // Delete: the made groups with their volumes, the snapshot, the group with its volumes.
        for id in made {
            let with_volumes = body(json!({"delete-volumes": true}));
            raw.group_delete(&id, with_volumes).run().await.unwrap();
            cinder
                .groups()
                .wait_deleted_with(&id, &wait_options())
                .await
                .unwrap();
        }
        cinder.group_snapshots().delete(&snapshot).await.unwrap();
        cinder
            .group_snapshots()
            .wait_deleted_with(&snapshot, &wait_options())
            .await
            .unwrap();
        // Not empty: refused without delete-volumes.
        let err = raw
            .group_delete(&group, body(json!({})))
            .run()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(400), "{err}");
        raw.group_delete(&group, body(json!({"delete-volumes": true})))
            .run()
            .await
            .unwrap();
        cinder
            .groups()
            .wait_deleted_with(&group, &wait_options())
            .await
            .unwrap();
        for volume in &members {
            cinder
                .volumes()
                .wait_deleted_with(volume, &wait_options())
                .await
                .unwrap();
        }
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn the_demo_project_is_refused_what_the_policies_keep_for_admins() {
    let (admin, _) = admin_checked(v(71)).await;
    let (demo, check) = checked("local-demo", v(71)).await;
    with_cleanup(|cleanup| async move {
        let group_type =
            create_group_type(&admin, &cleanup, json!({"group_specs": {"k": "v"}})).await;
        let id = group_type["id"].as_str().unwrap();
        let request = json!({"group_type": {"name": unique_name("e2e-demo-gtype")}});
        let err = demo
            .raw()
            .create_group_type()
            .body(body::<types::GroupTypeCreateRequest>(request))
            .run()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(403), "{err}");
        let err = demo
            .raw()
            .delete_group_type()
            .group_type_id(id)
            .run()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(403), "{err}");
        let err = demo
            .raw()
            .list_group_type_specs()
            .group_type_id(id)
            .run()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(403), "{err}");
        // The demo user sees the public type, without its specs.
        let shown = demo
            .raw()
            .show_group_type()
            .group_type_id(id)
            .run()
            .await
            .unwrap();
        assert!(
            json(&shown.group_type).get("group_specs").is_none(),
            "{shown:?}"
        );

        // A demo group may not have its status reset.
        let volume_type =
            create_type(&admin, &cleanup, &unique_name("e2e-demo-vtype"), json!({})).await;
        let group = create_group(&demo, &cleanup, id, volume_type["id"].as_str().unwrap()).await;
        let reset = body::<types::GroupResetStatusAction>(json!({"status": "error"}));
        let err = demo
            .raw()
            .group_reset_status(&group, reset)
            .run()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(403), "{err}");
        // Nor does a demo group show its project.
        let shown = json(&demo.groups().show(&group).await.unwrap());
        assert!(shown.get("project_id").is_none(), "{shown}");
    })
    .await;
    check.assert_conformant();
}
