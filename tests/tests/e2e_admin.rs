//! End to end against the local cloud: the operator's API (quotas and quota classes).
//!
//! Every state change is undone by the cleanup, even when the test fails. Quotas are changed
//! on project IDs that no Keystone project has (Cinder does not ask Keystone), or, on the demo
//! project, only per-type quotas of a type the test created, so that the other tests running
//! at the same time (which create volumes in the admin and demo projects) see nothing.

use cinder_client::{types, Run};
use cinder_tests::cloud::{admin_checked, checked, unique_name, v};
use cinder_tests::fixtures::{body, create_type, json, with_cleanup, Cleanup};
use serde_json::{json, Value};

/// The quotas of a project as JSON (`usage`: each quota an object with its usage).
async fn quotas(cinder: &cinder_client::Cinder, project: &str, usage: bool) -> Value {
    let shown = cinder
        .raw()
        .show_quota_set()
        .target_project_id(project)
        .usage(if usage { "True" } else { "False" })
        .run()
        .await
        .unwrap();
    json(&shown.quota_set)
}

async fn update_quotas(
    cinder: &cinder_client::Cinder,
    project: &str,
    quotas: Value,
) -> Result<Value, cinder_client::Error> {
    let answer = cinder
        .raw()
        .update_quota_set()
        .target_project_id(project)
        .body(body::<types::QuotaSetUpdateRequest>(
            json!({ "quota_set": quotas }),
        ))
        .run()
        .await?;
    Ok(json(&answer.quota_set))
}

/// The project-wide quotas of a quota set: the per-type ones follow the types that the tests
/// running at the same time create and delete.
fn project_wide(set: &Value) -> Vec<(&'static str, Value)> {
    [
        "volumes",
        "snapshots",
        "gigabytes",
        "backups",
        "backup_gigabytes",
        "per_volume_gigabytes",
        "groups",
    ]
    .into_iter()
    .map(|quota| (quota, set[quota].clone()))
    .collect()
}

/// Registers the reset of `project`'s quotas (a project no volume is made in).
fn reset_quotas_after(cleanup: &Cleanup, project: &str) {
    let project = project.to_string();
    cleanup.restore(move |cinder| async move {
        let _ = cinder
            .raw()
            .delete_quota_set()
            .target_project_id(&project)
            .run()
            .await;
    });
}

#[tokio::test]
async fn quota_sets_show_update_defaults_and_reset() {
    let (cinder, check) = admin_checked(v(71)).await;
    let project = uuid::Uuid::new_v4().simple().to_string();
    with_cleanup(|cleanup| async move {
        reset_quotas_after(&cleanup, &project);
        let vtype = create_type(&cinder, &cleanup, &unique_name("e2e-quota"), json!({})).await;
        let type_name = vtype["name"].as_str().unwrap();

        let defaults = cinder
            .raw()
            .show_quota_set_defaults()
            .target_project_id(&project)
            .run()
            .await
            .unwrap();
        let defaults = json(&defaults.quota_set);
        assert_eq!(defaults["id"], project.as_str());
        let fresh = quotas(&cinder, &project, false).await;
        assert_eq!(
            project_wide(&fresh),
            project_wide(&defaults),
            "a project without quotas has the defaults"
        );
        // One quota per type as well, unlimited by default.
        assert_eq!(fresh[format!("volumes_{type_name}")], -1, "{fresh}");

        let updated = update_quotas(
            &cinder,
            &project,
            json!({"tenant_id": project, "volumes": 5, "backups": -1,
                   format!("gigabytes_{type_name}"): 20}),
        )
        .await
        .unwrap();
        assert_eq!(updated["volumes"], 5);
        assert_eq!(updated["backups"], -1);
        assert_eq!(updated[format!("gigabytes_{type_name}")], 20);
        assert!(updated.get("id").is_none(), "the update answer has no id");

        let usage = quotas(&cinder, &project, true).await;
        assert_eq!(
            usage["volumes"],
            json!({"limit": 5, "in_use": 0, "reserved": 0}),
            "{usage}"
        );

        // Cinder's refusals: a key that is no quota (there is no backups quota per type), a
        // limit below -1.
        for bad in [
            json!({ format!("backups_{type_name}"): 1 }),
            json!({"volumes": -2}),
        ] {
            let err = update_quotas(&cinder, &project, bad.clone())
                .await
                .unwrap_err();
            assert_eq!(err.status(), Some(400), "{bad}: {err}");
        }

        cinder
            .raw()
            .delete_quota_set()
            .target_project_id(&project)
            .run()
            .await
            .unwrap();
        let reset = quotas(&cinder, &project, false).await;
        assert_eq!(project_wide(&reset), project_wide(&defaults));
    })
    .await;
    check.assert_conformant();
}

/// A per-type quota of 0 on the demo project: demo's create of a volume of that type is refused
/// with Cinder's quota message; demo may read its quotas but not change them.
#[tokio::test]
async fn a_quota_refuses_a_create_beyond_it() {
    let (cinder, check) = admin_checked(v(71)).await;
    let (demo, demo_check) = checked("local-demo", v(71)).await;
    let demo_project = demo.project_id().expect("a project token").to_string();
    with_cleanup(|cleanup| async move {
        let vtype = create_type(
            &cinder,
            &cleanup,
            &unique_name("e2e-quota"),
            json!({"os-volume-type-access:is_public": false}),
        )
        .await;
        let (type_id, type_name) = (
            vtype["id"].as_str().unwrap(),
            vtype["name"].as_str().unwrap(),
        );
        cinder
            .raw()
            .type_add_project_access(type_id, body(json!({"project": demo_project})))
            .run()
            .await
            .unwrap();
        let key = format!("volumes_{type_name}");
        let before = quotas(&cinder, &demo_project, false).await[&key].clone();
        {
            let (project, key, before) = (demo_project.clone(), key.clone(), before.clone());
            cleanup.restore(move |cinder| async move {
                let _ = update_quotas(&cinder, &project, json!({ key: before })).await;
            });
        }
        update_quotas(&cinder, &demo_project, json!({ &key: 0 }))
            .await
            .unwrap();

        let refused = demo
            .raw()
            .create_volume()
            .body(body::<types::VolumeCreateRequest>(json!({"volume": {
                "name": unique_name("e2e-over-quota"), "size": 1, "volume_type": type_id}})))
            .run()
            .await;
        let err = match refused {
            Ok(created) => {
                cleanup.add::<cinder_client::resources::Volumes>(&created.volume.id);
                panic!("a volume beyond the quota was created")
            }
            Err(err) => err,
        };
        assert_eq!(err.status(), Some(413), "{err}");
        let message = format!("Maximum number of volumes allowed (0) exceeded for quota '{key}'");
        assert!(err.to_string().contains(&message), "{err}");

        // Demo reads its own quotas; changing them is for admins.
        assert_eq!(quotas(&demo, &demo_project, false).await[&key], 0);
        let err = update_quotas(&demo, &demo_project, json!({ &key: 5 }))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(403), "{err}");
    })
    .await;
    check.assert_conformant();
    demo_check.assert_conformant();
}

/// A quota class nothing uses (Cinder uses only `default`): its limits are set and shown, then
/// set back. Classes cannot be deleted through the API, so the name is the same every run.
#[tokio::test]
async fn quota_class_show_and_update() {
    const CLASS: &str = "cinder-rs-e2e";
    let (cinder, check) = admin_checked(v(71)).await;
    let shown = |cinder: cinder_client::Cinder| async move {
        let answer = cinder
            .raw()
            .show_quota_class_set()
            .quota_class_name(CLASS)
            .run()
            .await
            .unwrap();
        json(&answer.quota_class_set)
    };
    let defaults = cinder
        .raw()
        .show_quota_class_set()
        .quota_class_name("default")
        .run()
        .await
        .unwrap();
    assert_eq!(json(&defaults.quota_class_set)["id"], "default");
    let before = shown(cinder.clone()).await;
    assert_eq!(before["id"], CLASS);
    with_cleanup(|cleanup| async move {
        let volumes = before["volumes"].clone();
        cleanup.restore(move |cinder| async move {
            let _ = cinder
                .raw()
                .update_quota_class_set()
                .quota_class_name(CLASS)
                .body(body::<types::QuotaClassSetUpdateRequest>(
                    json!({"quota_class_set": {"volumes": volumes}}),
                ))
                .run()
                .await;
        });
        let updated = cinder
            .raw()
            .update_quota_class_set()
            .quota_class_name(CLASS)
            .body(body::<types::QuotaClassSetUpdateRequest>(
                json!({"quota_class_set": {"volumes": 77}}),
            ))
            .run()
            .await
            .unwrap();
        assert_eq!(json(&updated.quota_class_set)["volumes"], 77);
        assert_eq!(shown(cinder.clone()).await["volumes"], 77);
        let err = cinder
            .raw()
            .update_quota_class_set()
            .quota_class_name(CLASS)
            .body(body::<types::QuotaClassSetUpdateRequest>(
                json!({"quota_class_set": {"no_such_quota": 1}}),
            ))
            .run()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(400), "{err}");
    })
    .await;
    check.assert_conformant();
}

/// QoS specs: created, found by name, keys set and unset, associated with a type (seen in the
/// associations and in the type), disassociated, refused deletion while in use, deleted.
#[tokio::test]
async fn qos_specs_lifecycle_and_associations() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let raw = cinder.raw();
        let vtype = create_type(&cinder, &cleanup, &unique_name("e2e-qos"), json!({})).await;
        let type_id = vtype["id"].as_str().unwrap().to_string();
        let name = unique_name("e2e-qos");
        let created = raw
            .create_qos_specs()
            .body(body::<types::QosSpecsCreateRequest>(json!({"qos_specs": {
                "name": name, "consumer": "front-end", "read_iops_sec": "100"}})))
            .run()
            .await
            .unwrap();
        let id = created.qos_specs.id.clone();
        {
            let id = id.clone();
            cleanup.restore(move |cinder| async move {
                let raw = cinder.raw();
                let _ = raw.delete_qos_specs().qos_id(&id).force("True").run().await;
            });
        }
        assert_eq!(created.qos_specs.consumer, "front-end");
        assert_eq!(
            json(&created.qos_specs.specs),
            json!({"read_iops_sec": "100"})
        );
        // Found by name through the generated handle (Cinder's name filter matches nothing).
        let found = cinder.qos_specs().find(&name).await.unwrap();
        assert_eq!(found.id, id);

        raw.update_qos_specs()
            .qos_id(&id)
            .body(body::<types::QosSpecsSetRequest>(
                json!({"qos_specs": {"a": "b"}}),
            ))
            .run()
            .await
            .unwrap();
        raw.unset_qos_specs_keys()
            .qos_id(&id)
            .body(body::<types::QosSpecsUnsetRequest>(
                json!({"keys": ["read_iops_sec"]}),
            ))
            .run()
            .await
            .unwrap();
        let shown = cinder.qos_specs().show(&id).await.unwrap();
        assert_eq!(json(&shown.specs), json!({"a": "b"}));

        raw.associate_qos_specs()
            .qos_id(&id)
            .vol_type_id(&type_id)
            .run()
            .await
            .unwrap();
        let associations = raw.list_qos_associations().qos_id(&id).run().await.unwrap();
        assert_eq!(associations.qos_associations.len(), 1);
        assert_eq!(associations.qos_associations[0].id, type_id);
        assert_eq!(
            associations.qos_associations[0].association_type,
            "volume_type"
        );
        let typed = json(&cinder.volume_types().show(&type_id).await.unwrap());
        assert_eq!(typed["qos_specs_id"], id.as_str());
        let in_use = raw.delete_qos_specs().qos_id(&id).run().await.unwrap_err();
        assert_eq!(in_use.status(), Some(400), "{in_use}");

        raw.disassociate_qos_specs()
            .qos_id(&id)
            .vol_type_id(&type_id)
            .run()
            .await
            .unwrap();
        raw.associate_qos_specs()
            .qos_id(&id)
            .vol_type_id(&type_id)
            .run()
            .await
            .unwrap();
        raw.disassociate_all_qos_specs()
            .qos_id(&id)
            .run()
            .await
            .unwrap();
        let none = raw.list_qos_associations().qos_id(&id).run().await.unwrap();
        assert!(none.qos_associations.is_empty(), "{none:?}");

        let listed = cinder.qos_specs().list().run().await.unwrap();
        assert!(listed.qos_specs.iter().any(|q| q.id == id));
        raw.delete_qos_specs()
            .qos_id(&id)
            .force("False")
            .run()
            .await
            .unwrap();
        let gone = cinder.qos_specs().show(&id).await.unwrap_err();
        assert!(gone.is_not_found(), "{gone}");
    })
    .await;
    check.assert_conformant();
}

/// The service changes of Cinder 29 as they are: enable and disable answer without changing the
/// service; disable-log-reason disables it (a volume pinned to it then fails in the scheduler);
/// freeze and thaw enable it again. Only back end `fake2` is touched, for a few seconds: `fake`
/// keeps serving the tests that run meanwhile. Log levels change one logger of fake2, set back.
#[tokio::test]
async fn services_disable_freeze_thaw_failover_and_log_levels() {
    const HOST: &str = "cinder-local@fake2";
    let (cinder, check) = admin_checked(v(71)).await;
    let (demo, demo_check) = checked("local-demo", v(71)).await;
    let fake2 = |cinder: cinder_client::Cinder| async move {
        let listed = cinder
            .raw()
            .list_services()
            .host(HOST)
            .binary("cinder-volume")
            .run()
            .await
            .unwrap();
        assert_eq!(listed.services.len(), 1, "{listed:?}");
        json(&listed.services[0])
    };
    with_cleanup(|cleanup| async move {
        let raw = cinder.raw();
        let all = json(&raw.list_services().run().await.unwrap());
        let volumes: Vec<&Value> = all["services"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["binary"] == "cinder-volume")
            .collect();
        assert!(volumes.len() >= 2, "{all}");
        // Cinder 29 looks the state up by the pool's host, which is the cluster's name for a
        // clustered back end: the clustered service's state is null.
        let (clustered, alone): (Vec<&Value>, Vec<&Value>) =
            volumes.iter().partition(|s| !s["cluster"].is_null());
        assert!(alone.iter().all(|s| s["backend_state"] == "up"), "{all}");
        assert!(
            clustered.iter().all(|s| s["backend_state"].is_null()),
            "{all}"
        );
        assert_eq!(fake2(cinder.clone()).await["status"], "enabled");

        // Whatever happens below, the back end is enabled again: freeze, then thaw (Cinder 29's
        // enable does not enable).
        cleanup.restore(|cinder| async move {
            let host = || body::<types::ServiceHostRequest>(json!({ "host": HOST }));
            let _ = cinder.raw().freeze_host().body(host()).run().await;
            let _ = cinder.raw().thaw_host().body(host()).run().await;
        });
        let selector =
            || body::<types::ServiceSelector>(json!({"host": HOST, "binary": "cinder-volume"}));
        let answer = raw.disable_service().body(selector()).run().await.unwrap();
        assert_eq!(
            (answer.status.as_str(), answer.disabled),
            ("disabled", true)
        );
        assert_eq!(
            fake2(cinder.clone()).await["status"],
            "enabled",
            "Cinder 29's disable changes nothing"
        );

        let pinned = create_type(
            &cinder,
            &cleanup,
            &unique_name("e2e-fake2"),
            json!({"extra_specs": {"volume_backend_name": "fake2"}}),
        )
        .await;
        let answer = raw
            .disable_service_log_reason()
            .body(body::<types::ServiceDisableReasonRequest>(json!({
                "host": HOST, "binary": "cinder-volume", "disabled_reason": "e2e"})))
            .run()
            .await
            .unwrap();
        assert_eq!(answer.disabled_reason.as_deref(), Some("e2e"));
        let disabled = fake2(cinder.clone()).await;
        assert_eq!(
            (
                disabled["status"].as_str(),
                disabled["disabled_reason"].as_str()
            ),
            (Some("disabled"), Some("e2e"))
        );
        // The scheduler no longer places a volume on the disabled back end.
        let created = raw
            .create_volume()
            .body(body::<types::VolumeCreateRequest>(json!({"volume": {
                "name": unique_name("e2e-disabled"), "size": 1, "volume_type": pinned["id"]}})))
            .run()
            .await
            .unwrap();
        cleanup.add::<cinder_client::resources::Volumes>(&created.volume.id);
        let failed = cinder
            .volumes()
            .wait_for_with(
                &created.volume.id,
                &["error"],
                &cinder_tests::fixtures::wait_options(),
            )
            .await
            .unwrap();
        assert_eq!(failed.status, "error");

        // Enable answers "enabled" and changes nothing; thaw does enable.
        let answer = raw.enable_service().body(selector()).run().await.unwrap();
        assert_eq!(
            (answer.status.as_str(), answer.disabled),
            ("enabled", false)
        );
        assert_eq!(
            fake2(cinder.clone()).await["status"],
            "disabled",
            "Cinder 29's enable changes nothing"
        );
        let host = || body::<types::ServiceHostRequest>(json!({ "host": HOST }));
        raw.freeze_host().body(host()).run().await.unwrap();
        assert_eq!(fake2(cinder.clone()).await["frozen"], true);
        let again = raw.freeze_host().body(host()).run().await.unwrap_err();
        assert_eq!(again.status(), Some(400), "{again}");
        raw.thaw_host().body(host()).run().await.unwrap();
        let thawed = fake2(cinder.clone()).await;
        assert_eq!(
            (thawed["frozen"].as_bool(), thawed["status"].as_str()),
            (Some(false), Some("enabled"))
        );

        // No replication on the local cloud: Cinder's refusal.
        let refused = raw
            .failover_host()
            .body(body::<types::ServiceFailoverRequest>(
                json!({ "host": HOST }),
            ))
            .run()
            .await
            .unwrap_err();
        assert_eq!(refused.status(), Some(400), "{refused}");
        assert!(
            refused.to_string().contains("replication_status"),
            "{refused}"
        );

        // One logger of the volume service of fake2: set, shown, set back. Not the API's: its
        // workers are several processes, and a request reaches only one of them.
        const LOGGER: &str = "cinder.volume.manager";
        let level_of = |cinder: cinder_client::Cinder| async move {
            let levels = cinder
                .raw()
                .get_service_log_levels()
                .body(body::<types::ServiceLogRequest>(
                    json!({"binary": "cinder-volume", "server": HOST, "prefix": LOGGER}),
                ))
                .run()
                .await
                .unwrap();
            json(&levels)["log_levels"][0]["levels"][LOGGER].clone()
        };
        let before = level_of(cinder.clone()).await;
        assert!(before.is_string(), "{before}");
        cleanup.restore(move |cinder| async move {
            let _ = cinder
                .raw()
                .set_service_log_levels()
                .body(body::<types::ServiceSetLogRequest>(json!({
                    "binary": "cinder-volume", "server": HOST, "prefix": LOGGER, "level": before})))
                .run()
                .await;
        });
        raw.set_service_log_levels()
            .body(body::<types::ServiceSetLogRequest>(
                json!({"binary": "cinder-volume", "server": HOST, "prefix": LOGGER, "level": "WARNING"}),
            ))
            .run()
            .await
            .unwrap();
        assert_eq!(level_of(cinder.clone()).await, "WARNING");

        // Hosts: the enabled services, and the usage of a volume host.
        let hosts = raw.list_hosts().run().await.unwrap();
        assert!(hosts.hosts.iter().any(|h| h.host_name == HOST), "{hosts:?}");
        let usage = raw.show_host().host_name(HOST).run().await.unwrap();
        assert_eq!(usage.host[0].resource.project, "(total)");

        // Services are the admin's.
        let forbidden = demo.raw().list_services().run().await.unwrap_err();
        assert_eq!(forbidden.status(), Some(403), "{forbidden}");
    })
    .await;
    check.assert_conformant();
    demo_check.assert_conformant();
}

/// A default type for the demo project: a volume demo creates without a type gets it; unset
/// after, even when the test fails. Demo volumes made by other tests meanwhile would get it too:
/// the window is one create long.
#[tokio::test]
async fn default_type_of_the_demo_project() {
    let (cinder, check) = admin_checked(v(71)).await;
    let (demo, demo_check) = checked("local-demo", v(71)).await;
    let demo_project = demo.project_id().expect("a project token").to_string();
    with_cleanup(|cleanup| async move {
        let root = cinder.root_raw();
        let private = create_type(
            &cinder,
            &cleanup,
            &unique_name("e2e-default"),
            json!({"os-volume-type-access:is_public": false}),
        )
        .await;
        let type_id = private["id"].as_str().unwrap().to_string();
        cinder
            .raw()
            .type_add_project_access(&type_id, body(json!({"project": demo_project})))
            .run()
            .await
            .unwrap();
        {
            let project = demo_project.clone();
            cleanup.restore(move |cinder| async move {
                let unset = cinder.root_raw().unset_default_type();
                let _ = unset.target_project_id(&project).run().await;
            });
        }
        let set = root
            .set_default_type()
            .target_project_id(&demo_project)
            .body(body::<types::DefaultTypeSetRequest>(
                json!({"default_type": {"volume_type": private["name"]}}),
            ))
            .run()
            .await
            .unwrap();
        assert_eq!(set.default_type.volume_type_id, type_id);
        let listed = root.list_default_types().run().await.unwrap();
        assert!(listed
            .default_types
            .iter()
            .any(|d| d.project_id == demo_project && d.volume_type_id == type_id));

        let created = demo
            .raw()
            .create_volume()
            .body(body::<types::VolumeCreateRequest>(json!({"volume": {
                "name": unique_name("e2e-default"), "size": 1}})))
            .run()
            .await
            .unwrap();
        cleanup.add::<cinder_client::resources::Volumes>(&created.volume.id);
        root.unset_default_type()
            .target_project_id(&demo_project)
            .run()
            .await
            .unwrap();
        assert_eq!(
            json(&created.volume)["volume_type"],
            private["name"],
            "{created:?}"
        );
        let gone = root
            .show_default_type_of_project()
            .target_project_id(&demo_project)
            .run()
            .await
            .unwrap_err();
        assert!(gone.is_not_found(), "{gone}");
        // Unknown projects are Keystone's to know.
        let unknown = root
            .set_default_type()
            .target_project_id("00000000000000000000000000000000")
            .body(body::<types::DefaultTypeSetRequest>(
                json!({"default_type": {"volume_type": type_id}}),
            ))
            .run()
            .await
            .unwrap_err();
        assert!(unknown.is_not_found(), "{unknown}");
    })
    .await;
    check.assert_conformant();
    demo_check.assert_conformant();
}

#[tokio::test]
async fn extensions_at_3_0_and_3_71() {
    for minor in [0, 71] {
        let (cinder, check) = admin_checked(v(minor)).await;
        let listed = cinder.raw().list_extensions().run().await.unwrap();
        assert!(
            listed.extensions.iter().any(|e| e.alias == "os-quota-sets"),
            "{listed:?}"
        );
        check.assert_conformant();
    }
}
