//! End to end against the local cloud: volume types, extra specs, access, encryption, default.

use cinder_client::types;
use cinder_client::Run;
use cinder_tests::cloud::{admin_checked, checked, unique_name, v};
use cinder_tests::fixtures::{body, create_type, json, with_cleanup};
use serde_json::json;

#[tokio::test]
async fn type_crud_at_3_0_and_3_71() {
    for minor in [0, 71] {
        let (cinder, check) = admin_checked(v(minor)).await;
        with_cleanup(|cleanup| async move {
            let raw = cinder.raw();
            let name = unique_name("e2e-type");
            let created = create_type(
                &cinder,
                &cleanup,
                &name,
                json!({"description": "first", "extra_specs": {"k": "v"}}),
            )
            .await;
            let id = created["id"].as_str().unwrap();
            assert_eq!(created["name"], name);
            assert_eq!(created["extra_specs"], json!({"k": "v"}));
            let shown = json(
                &raw.show_type()
                    .volume_type_id(id)
                    .run()
                    .await
                    .unwrap()
                    .volume_type,
            );
            assert_eq!(shown["description"], "first");
            assert_eq!(shown["is_public"], true);
            let list = raw.list_types().run().await.unwrap();
            assert!(list.volume_types.iter().any(|t| json(t)["id"] == id));
            let new_name = unique_name("e2e-type-renamed");
            let updated = raw
                .update_type()
                .volume_type_id(id)
                .body(body::<types::VolumeTypeUpdateRequest>(
                    json!({"volume_type": {"name": new_name, "description": "second"}}),
                ))
                .run()
                .await
                .unwrap();
            assert_eq!(json(&updated.volume_type)["name"], new_name);
            let reread = json(
                &raw.show_type()
                    .volume_type_id(id)
                    .run()
                    .await
                    .unwrap()
                    .volume_type,
            );
            assert_eq!(reread["name"], new_name);
            assert_eq!(reread["description"], "second");
            raw.delete_type().volume_type_id(id).run().await.unwrap();
            let err = raw.show_type().volume_type_id(id).run().await.unwrap_err();
            assert!(err.is_not_found(), "{err}");
        })
        .await;
        check.assert_conformant();
    }
}

#[tokio::test]
async fn extra_specs_five_operations() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let raw = cinder.raw();
        let created = create_type(&cinder, &cleanup, &unique_name("e2e-specs"), json!({})).await;
        let id = created["id"].as_str().unwrap();
        let listed = raw
            .list_type_extra_specs()
            .volume_type_id(id)
            .run()
            .await
            .unwrap();
        assert_eq!(json(&listed)["extra_specs"], json!({}));
        let set = raw
            .create_type_extra_specs()
            .volume_type_id(id)
            .body(body::<types::VolumeTypeExtraSpecsRequest>(
                json!({"extra_specs": {"a": "1", "b": "2"}}),
            ))
            .run()
            .await
            .unwrap();
        assert_eq!(json(&set)["extra_specs"], json!({"a": "1", "b": "2"}));
        let item = raw
            .show_type_extra_spec()
            .volume_type_id(id)
            .key("a")
            .run()
            .await
            .unwrap();
        assert_eq!(json(&item), json!({"a": "1"}));
        let updated = raw
            .update_type_extra_spec()
            .volume_type_id(id)
            .key("a")
            .body(body::<types::VolumeTypeExtraSpecItemRequest>(
                json!({"a": "11"}),
            ))
            .run()
            .await
            .unwrap();
        assert_eq!(json(&updated), json!({"a": "11"}));
        raw.delete_type_extra_spec()
            .volume_type_id(id)
            .key("b")
            .run()
            .await
            .unwrap();
        let listed = raw
            .list_type_extra_specs()
            .volume_type_id(id)
            .run()
            .await
            .unwrap();
        assert_eq!(json(&listed)["extra_specs"], json!({"a": "11"}));
        let err = raw
            .show_type_extra_spec()
            .volume_type_id(id)
            .key("b")
            .run()
            .await
            .unwrap_err();
        assert!(err.is_not_found(), "{err}");
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn private_type_access_for_the_demo_project() {
    let (cinder, check) = admin_checked(v(71)).await;
    let (demo, demo_check) = checked("local-demo", v(71)).await;
    let demo_project = demo
        .project_id()
        .expect("the demo token names its project")
        .to_string();
    with_cleanup(|cleanup| async move {
        let raw = cinder.raw();
        let private = create_type(
            &cinder,
            &cleanup,
            &unique_name("e2e-private"),
            json!({"os-volume-type-access:is_public": false}),
        )
        .await;
        let id = private["id"].as_str().unwrap();
        assert_eq!(private["is_public"], false);
        let access = raw
            .list_type_access()
            .volume_type_id(id)
            .run()
            .await
            .unwrap();
        assert!(access.volume_type_access.is_empty());
        assert!(demo
            .raw()
            .show_type()
            .volume_type_id(id)
            .run()
            .await
            .unwrap_err()
            .is_not_found());

        raw.type_add_project_access(id, body(json!({"project": demo_project})))
            .run()
            .await
            .unwrap();
        let access = json(
            &raw.list_type_access()
                .volume_type_id(id)
                .run()
                .await
                .unwrap(),
        );
        assert_eq!(
            access["volume_type_access"],
            json!([{"volume_type_id": id, "project_id": demo_project}])
        );
        let seen = json(
            &demo
                .raw()
                .show_type()
                .volume_type_id(id)
                .run()
                .await
                .unwrap()
                .volume_type,
        );
        assert_eq!(seen["id"], id);
        let private_list = raw.list_types().is_public("false").run().await.unwrap();
        assert!(private_list
            .volume_types
            .iter()
            .any(|t| json(t)["id"] == id));

        raw.type_remove_project_access(id, body(json!({"project": demo_project})))
            .run()
            .await
            .unwrap();
        let access = raw
            .list_type_access()
            .volume_type_id(id)
            .run()
            .await
            .unwrap();
        assert!(access.volume_type_access.is_empty());
    })
    .await;
    check.assert_conformant();
    demo_check.assert_conformant();
}

#[tokio::test]
async fn encryption_five_operations() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let raw = cinder.raw();
        let created = create_type(&cinder, &cleanup, &unique_name("e2e-enc"), json!({})).await;
        let id = created["id"].as_str().unwrap();
        let none = raw.show_type_encryption().volume_type_id(id).run().await.unwrap();
        assert_eq!(json(&none).as_object().map(|o| o.values().all(|v| v.is_null())), Some(true), "{}", json(&none));
        let encryption = raw.create_type_encryption()
                    .volume_type_id(id)
                    .body(body::<types::VolumeTypeEncryptionCreateRequest>(json!({"encryption": {
                        "provider": "luks", "control_location": "front-end", "cipher": "aes-xts-plain64", "key_size": 256
                    }})))
                    .run()
            .await
            .unwrap();
        let encryption = json(&encryption)["encryption"].clone();
        assert_eq!(encryption["provider"], "luks");
        let encryption_id = encryption["encryption_id"].as_str().expect("an encryption id").to_string();
        let shown = json(&raw.show_type_encryption().volume_type_id(id).run().await.unwrap());
        assert_eq!(shown["cipher"], "aes-xts-plain64");
        assert_eq!(shown["key_size"], 256);
        let spec = json(&raw.show_type_encryption_spec().volume_type_id(id).key("cipher").run().await.unwrap());
        assert_eq!(spec, json!({"cipher": "aes-xts-plain64"}));
        let updated = raw.update_type_encryption()
                    .volume_type_id(id)
                    .key(&encryption_id)
                    .body(body::<types::VolumeTypeEncryptionUpdateRequest>(json!({"encryption": {"key_size": 512}})))
                    .run()
            .await
            .unwrap();
        assert_eq!(json(&updated)["encryption"]["key_size"], 512);
        let shown = json(&raw.show_type_encryption().volume_type_id(id).run().await.unwrap());
        assert_eq!(shown["key_size"], 512);
        raw.delete_type_encryption().volume_type_id(id).key(&encryption_id).run().await.unwrap();
        let none = json(&raw.show_type_encryption().volume_type_id(id).run().await.unwrap());
        assert!(none.as_object().unwrap().values().all(|v| v.is_null()), "{none}");
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn default_type() {
    for minor in [0, 71] {
        let (cinder, check) = admin_checked(v(minor)).await;
        let default = json(
            &cinder
                .raw()
                .show_default_type()
                .run()
                .await
                .unwrap()
                .volume_type,
        );
        assert!(
            default["id"].is_string() && default["name"].is_string(),
            "{default}"
        );
        let same = json(
            &cinder
                .raw()
                .show_type()
                .volume_type_id(default["id"].as_str().unwrap())
                .run()
                .await
                .unwrap()
                .volume_type,
        );
        assert_eq!(same["name"], default["name"]);
        check.assert_conformant();
    }
}
