//! End to end against the local cloud: the operator's view of the back ends (clusters, the
//! scheduler's pools, a back end's capabilities) and the workers cleanup, every answer
//! validated against the spec at the version asked for.
//!
//! The local cloud has one cluster: a second cinder-volume service with `cluster =
//! cinder-cluster` and the back end `clustered` (Cinder's fake driver), which only takes the
//! volumes whose type names it. The test that disables it enables it again in its cleanup.

use cinder_client::{types, Run};
use cinder_tests::cloud::{admin_checked, unique_name, v};
use cinder_tests::fixtures::{body, create_type, create_volume, json, wait_options, with_cleanup};
use serde_json::{json, Value};

const CLUSTER: &str = "cinder-cluster@clustered";
const CLUSTER_HOST: &str = "cinder-local@clustered";

#[tokio::test]
async fn the_cluster_is_listed_shown_disabled_and_enabled() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let raw = cinder.raw();
        let listed = json(&raw.list_clusters().run().await.unwrap());
        let names: Vec<&str> = listed["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(names, [CLUSTER], "{listed}");
        let detailed = json(
            &raw.list_clusters_detail()
                .name(CLUSTER)
                .is_up("true")
                .run()
                .await
                .unwrap(),
        );
        let cluster = &detailed["clusters"][0];
        assert_eq!(
            (cluster["num_hosts"].as_i64(), cluster["state"].as_str()),
            (Some(1), Some("up")),
            "{detailed}"
        );
        let none = raw.list_clusters().is_up("false").run().await.unwrap();
        assert!(none.clusters.is_empty(), "{none:?}");
        let unknown = vec![("colour".to_string(), "blue".to_string())];
        let refused = cinder_client::with_query(unknown, raw.list_clusters().run())
            .await
            .unwrap_err();
        assert_eq!(refused.status(), Some(400), "{refused}");

        let shown = raw
            .show_cluster()
            .cluster_name(CLUSTER)
            .run()
            .await
            .unwrap();
        assert_eq!(
            (shown.cluster.binary.as_str(), shown.cluster.status.as_str()),
            ("cinder-volume", "enabled")
        );
        // Cinder 29 ignores the `binary` query of show (the spec's departure note).
        let ignored = raw
            .show_cluster()
            .cluster_name(CLUSTER)
            .binary("cinder-backup")
            .run()
            .await
            .unwrap();
        assert_eq!(ignored.cluster.binary, "cinder-volume");
        let missing = raw.show_cluster().cluster_name("e2e-no-such-cluster").run();
        let missing = missing.await.unwrap_err();
        assert_eq!(missing.status(), Some(404), "{missing}");

        cleanup.restore(|cinder| async move {
            let enable = body::<types::ClusterEnableRequest>(json!({ "name": CLUSTER }));
            let _ = cinder.raw().enable_cluster().body(enable).run().await;
        });
        let answer = raw
            .disable_cluster()
            .body(body::<types::ClusterDisableRequest>(json!({
                "name": CLUSTER, "binary": "cinder-volume", "disabled_reason": " e2e "})))
            .run()
            .await
            .unwrap();
        assert_eq!(
            (
                answer.cluster.status.as_str(),
                answer.cluster.disabled_reason.as_deref()
            ),
            ("disabled", Some("e2e")),
            "the reason is stripped"
        );

        // A disabled cluster gets no new volume: the scheduler finds no back end.
        let pinned = create_type(
            &cinder,
            &cleanup,
            &unique_name("e2e-clustered"),
            json!({"extra_specs": {"volume_backend_name": "clustered"}}),
        )
        .await;
        let refused = raw
            .create_volume()
            .body(body::<types::VolumeCreateRequest>(json!({"volume": {
                "name": unique_name("e2e-cluster-off"), "size": 1,
                "volume_type": pinned["id"]}})))
            .run()
            .await
            .unwrap();
        cleanup.add::<cinder_client::resources::Volumes>(&refused.volume.id);
        let failed = cinder
            .volumes()
            .wait_for_with(&refused.volume.id, &["error"], &wait_options())
            .await
            .unwrap();
        assert_eq!(failed.status, "error");

        let answer = raw
            .enable_cluster()
            .body(body::<types::ClusterEnableRequest>(
                json!({ "name": CLUSTER }),
            ))
            .run()
            .await
            .unwrap();
        assert_eq!(
            (
                answer.cluster.status.as_str(),
                answer.cluster.disabled_reason.as_deref()
            ),
            ("enabled", None)
        );
        // Enabled again, the cluster's back end takes the volume, and the volume knows its
        // cluster (3.61).
        let placed = create_volume(
            &cinder,
            &cleanup,
            &unique_name("e2e-cluster-on"),
            json!({"volume_type": pinned["id"]}),
        )
        .await;
        let on = |field: &str, prefix: &str| {
            placed[field]
                .as_str()
                .is_some_and(|h| h.starts_with(&format!("{prefix}#")))
        };
        assert!(on("cluster_name", CLUSTER), "{placed}");
        assert!(on("os-vol-host-attr:host", CLUSTER_HOST), "{placed}");
    })
    .await;

    // Before 3.26 a cluster has no replication fields (the spec says so for each version).
    let (old, old_check) = admin_checked(v(7)).await;
    let detailed = old.raw().list_clusters_detail().run().await.unwrap();
    let fields = json(&detailed.clusters[0]);
    assert!(fields.get("replication_status").is_none(), "{fields}");
    check.assert_conformant();
    old_check.assert_conformant();
}

#[tokio::test]
async fn pools_and_capabilities_of_every_back_end() {
    let (cinder, check) = admin_checked(v(71)).await;
    let raw = cinder.raw();
    let pools = json(&raw.list_pools().run().await.unwrap());
    let names: Vec<&str> = pools["pools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    // The pool of a disabled back end is not listed, and other tests disable `fake2` and the
    // cluster for a while: those two may be missing, the others never are.
    let every = [
        "cinder-cluster@clustered#clustered",
        "cinder-local@fake#fake",
        "cinder-local@fake2#fake",
        "cinder-local@file#file",
    ];
    assert!(names.iter().all(|n| every.contains(n)), "{pools}");
    for always in ["cinder-local@fake#fake", "cinder-local@file#file"] {
        assert!(names.contains(&always), "{pools}");
    }
    assert!(pools["pools"][0].get("capabilities").is_none(), "{pools}");

    let detailed = raw.list_pools().detail("true").run().await.unwrap();
    let file = detailed
        .pools
        .iter()
        .map(json)
        .find(|p| p["name"] == "cinder-local@file#file")
        .expect("the file back end's pool");
    assert_eq!(
        file["capabilities"]["volume_backend_name"], "file",
        "{file}"
    );

    // Filters from 3.28: the pools of one back-end name.
    let filtered = raw.list_pools().name("cinder-local@file#file").run();
    let filtered = filtered.await.unwrap();
    assert_eq!(filtered.pools.len(), 1, "{filtered:?}");
    // Before, the library refuses to send them.
    let (old, old_check) = admin_checked(v(27)).await;
    let refused = old.raw().list_pools().name("cinder-local@file#file").run();
    let refused = refused.await.unwrap_err();
    assert!(refused.to_string().contains("3.28"), "{refused}");

    for (host, backend) in [
        ("cinder-local@fake", "fake"),
        ("cinder-local@file", "file"),
        (CLUSTER, "clustered"),
    ] {
        let shown = raw.show_capabilities().host_name(host).run().await.unwrap();
        let shown: Value = json(&shown);
        assert_eq!(shown["volume_backend_name"], backend, "{shown}");
        assert!(
            shown["namespace"]
                .as_str()
                .is_some_and(|n| n.starts_with("OS::Storage::Capabilities::")),
            "{shown}"
        );
    }
    let missing = raw
        .show_capabilities()
        .host_name("e2e-no-such-host@nothing")
        .run()
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(404), "{missing}");
    check.assert_conformant();
    old_check.assert_conformant();
}

#[tokio::test]
async fn workers_cleanup_sends_to_the_services_that_match() {
    let (cinder, check) = admin_checked(v(71)).await;
    let raw = cinder.raw();
    let cleanup = |request: Value| {
        raw.cleanup_workers()
            .body(body::<types::WorkerCleanupRequest>(request))
            .run()
    };
    // Every service is up, and by default only those that are down are cleaned.
    let nothing = cleanup(json!({})).await.unwrap();
    assert!(
        nothing.cleaning.is_empty() && nothing.unavailable.is_empty(),
        "{nothing:?}"
    );
    // The clustered service is up and holds no volume: asking it to clean is harmless.
    let sent = cleanup(json!({"cluster_name": CLUSTER, "is_up": true}))
        .await
        .unwrap();
    let sent = json(&sent);
    assert_eq!(sent["cleaning"][0]["host"], CLUSTER_HOST, "{sent}");
    assert_eq!(sent["cleaning"][0]["cluster_name"], CLUSTER, "{sent}");
    assert_eq!(sent["unavailable"], json!([]), "{sent}");
    // A resource that no worker entry names is refused.
    let refused = cleanup(json!({
        "resource_id": "00000000-0000-4000-8000-000000000000", "resource_type": "Volume"}))
    .await
    .unwrap_err();
    assert_eq!(refused.status(), Some(400), "{refused}");
    check.assert_conformant();
}
