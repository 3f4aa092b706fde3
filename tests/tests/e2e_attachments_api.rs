//! End to end against the local cloud: the attachments API of 3.27+ (`/attachments`) as a
//! compute service drives it: reserve a volume (an attachment without a connector), give it
//! the host's connector, complete it, delete it; or create it with the connector at once. On
//! the fake back end and on the `file` back end, whose connection names the volume's file.
//! Every answer is validated against the spec.

use cinder_client::prelude::*;
use cinder_client::types::{AttachmentCreateRequest, AttachmentDeleteResponse};
use cinder_client::{ApiVersion, Cinder, Error};
use cinder_tests::cloud::{admin_checked, unique_name, v};
use cinder_tests::fixtures::{
    body, create_file_type, create_volume, json, volume_file, wait_options, with_cleanup, Cleanup,
};
use futures::TryStreamExt;
use serde_json::{json, Map, Value};

const INSTANCE: &str = "6d1c6a4e-3f0b-4c1e-9a57-0b8e2f7d4a21";

fn connector() -> Map<String, Value> {
    match json!({
        "initiator": "iqn.1993-08.org.debian:01:cinder-tests",
        "ip": "127.0.0.1",
        "host": "compute-1",
        "platform": "x86_64",
        "os_type": "linux",
        "multipath": false,
        "mountpoint": "/dev/vdb"
    }) {
        Value::Object(fields) => fields,
        _ => unreachable!(),
    }
}

/// Creates an attachment (`fields` beside `volume_uuid`) and registers it for cleanup; its JSON.
async fn create_attachment(
    cinder: &Cinder,
    cleanup: &Cleanup,
    volume_id: &str,
    fields: Value,
) -> Value {
    let mut request = json!({"attachment": {"volume_uuid": volume_id}});
    if let Value::Object(fields) = fields {
        for (key, value) in fields {
            request["attachment"][key] = value;
        }
    }
    let created = cinder
        .raw()
        .create_attachment()
        .body(body::<AttachmentCreateRequest>(request))
        .run()
        .await
        .expect("creates an attachment");
    let created = json(&created.attachment);
    cleanup.add::<cinder_client::resources::Attachments>(created["id"].as_str().unwrap());
    created
}

/// A volume's status and the attachment IDs it lists (those `attached`).
async fn volume_status(cinder: &Cinder, id: &str) -> (String, Vec<String>) {
    let volume = json(&cinder.volumes().show(id).await.expect("shows the volume"));
    let attachments = volume["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["attachment_id"].as_str().map(str::to_string))
        .collect();
    (
        volume["status"].as_str().unwrap_or_default().to_string(),
        attachments,
    )
}

async fn delete_attachment(cinder: &Cinder, id: &str) -> AttachmentDeleteResponse {
    cinder
        .raw()
        .delete_attachment()
        .attachment_id(id)
        .run()
        .await
        .expect("deletes the attachment")
}

#[tokio::test]
async fn reserve_update_complete_and_delete_an_attachment() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let volume = create_volume(&cinder, &cleanup, &unique_name("e2e-attapi"), json!({})).await;
        let volume_id = volume["id"].as_str().unwrap();

        // A reservation: no connector, no connection yet, no times.
        let reserved = create_attachment(&cinder, &cleanup, volume_id, json!({})).await;
        let id = reserved["id"].as_str().unwrap();
        assert_eq!(reserved["status"], "reserved", "{reserved}");
        assert_eq!(reserved["volume_id"], volume_id);
        assert_eq!(reserved["instance"], Value::Null);
        assert_eq!(reserved["connection_info"], json!({}));
        assert_eq!(reserved["attached_at"], "");
        assert_eq!(reserved["attach_mode"], "null");
        assert_eq!(volume_status(&cinder, volume_id).await.0, "reserved");

        // The generic handle: show, the detail list (all of it and filtered), the summary list.
        let shown = cinder.attachments().show_json(id).await.unwrap();
        assert_eq!(shown["status"], "reserved");
        let all: Vec<_> = cinder.attachments().all().try_collect().await.unwrap();
        assert!(all.iter().any(|a| a.id == id), "the detail list has it");
        let page = cinder
            .attachments()
            .list()
            .volume_id(volume_id)
            .run()
            .await
            .unwrap();
        assert_eq!(page.attachments.len(), 1);
        let summary = cinder
            .raw()
            .list_attachments()
            .volume_id(volume_id)
            .attach_status("reserved")
            .run_json()
            .await
            .unwrap()
            .into_json();
        assert_eq!(summary["attachments"][0]["id"], id, "{summary}");
        assert!(summary["attachments"][0].get("connection_info").is_none());
        let found = cinder.attachments().find_json(id).await.unwrap();
        assert_eq!(found["id"], id);

        // The host's connector: the driver initializes the connection.
        let updated = cinder
            .attachments()
            .update_json(
                id,
                cinder_client::types::AttachmentUpdateParams::builder().connector(connector()),
            )
            .await
            .unwrap();
        // The answer is the attachment as the API loaded it before the volume service's work
        // (still `reserved`), with the connection the driver made.
        assert_eq!(
            updated["connection_info"]["driver_volume_type"], "iscsi",
            "{updated}"
        );
        assert_eq!(updated["connection_info"]["attachment_id"], id);
        let attaching = cinder.attachments().show_json(id).await.unwrap();
        assert_eq!(attaching["status"], "attaching", "{attaching}");
        assert_ne!(attaching["attached_at"], "");

        // os-complete needs 3.44: refused before sending below it.
        let older = cinder.at_version(ApiVersion(43)).unwrap();
        match older.raw().attachment_complete(id).run().await {
            Err(Error::Unsupported { .. }) => {}
            other => panic!("attachment_complete at 3.43: {other:?}"),
        }
        cinder.raw().attachment_complete(id).run().await.unwrap();
        let attached = cinder
            .attachments()
            .wait_for_with(id, &["attached"], &wait_options())
            .await
            .unwrap();
        assert_eq!(attached.status.as_deref(), Some("attached"));
        assert_eq!(
            volume_status(&cinder, volume_id).await,
            ("in-use".to_string(), vec![id.to_string()])
        );

        // Deleting the last attachment answers the (no) remaining ones; the volume is free.
        let remaining = delete_attachment(&cinder, id).await;
        assert!(remaining.attachments.is_empty());
        match cinder.attachments().show(id).await {
            Err(error) if error.is_not_found() => {}
            other => panic!("a deleted attachment: {other:?}"),
        }
        assert_eq!(volume_status(&cinder, volume_id).await.0, "available");
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn create_with_a_connector_and_a_mode_and_reserve_for_a_server() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let volume =
            create_volume(&cinder, &cleanup, &unique_name("e2e-attapi-c"), json!({})).await;
        let volume_id = volume["id"].as_str().unwrap();

        // With a connector the connection is made at once; `mode` (3.54) sets the access mode.
        let connected = create_attachment(
            &cinder,
            &cleanup,
            volume_id,
            json!({"connector": connector(), "mode": "ro"}),
        )
        .await;
        let id = connected["id"].as_str().unwrap();
        assert_eq!(connected["attach_mode"], "ro", "{connected}");
        assert_eq!(connected["connection_info"]["driver_volume_type"], "iscsi");
        let shown = cinder.attachments().show_json(id).await.unwrap();
        assert_eq!(shown["status"], "attaching", "{shown}");
        assert_eq!(shown["attach_mode"], "ro");

        // `mode` is refused before 3.54, before anything is sent.
        let older = cinder.at_version(ApiVersion(53)).unwrap();
        let refused = older
            .raw()
            .create_attachment()
            .body(body::<AttachmentCreateRequest>(
                json!({"attachment": {"volume_uuid": volume_id, "mode": "rw"}}),
            ))
            .run()
            .await;
        assert!(
            matches!(refused, Err(Error::Unsupported { .. })),
            "{refused:?}"
        );
        // The attach API starts at 3.27.
        let before = cinder.at_version(ApiVersion(26)).unwrap();
        let refused = before.raw().list_attachments().run().await;
        assert!(
            matches!(refused, Err(Error::Unsupported { .. })),
            "{refused:?}"
        );

        assert!(delete_attachment(&cinder, id).await.attachments.is_empty());
        assert_eq!(volume_status(&cinder, volume_id).await.0, "available");

        // A reservation for a server (no connection, so no question to Nova on delete).
        let reserved = create_attachment(
            &cinder,
            &cleanup,
            volume_id,
            json!({"instance_uuid": INSTANCE}),
        )
        .await;
        assert_eq!(reserved["instance"], INSTANCE, "{reserved}");
        let by_server = cinder
            .raw()
            .list_attachments()
            .instance_id(INSTANCE)
            .run_json()
            .await
            .unwrap()
            .into_json();
        assert_eq!(
            by_server["attachments"][0]["id"], reserved["id"],
            "{by_server}"
        );
        // A second reservation of a volume that is not multiattach is refused.
        let second = cinder
            .raw()
            .create_attachment()
            .body(body::<AttachmentCreateRequest>(
                json!({"attachment": {"volume_uuid": volume_id}}),
            ))
            .run()
            .await;
        assert!(
            matches!(&second, Err(e) if e.status() == Some(400)),
            "{second:?}"
        );
        delete_attachment(&cinder, reserved["id"].as_str().unwrap()).await;
        assert_eq!(volume_status(&cinder, volume_id).await.0, "available");
    })
    .await;
    check.assert_conformant();
}

#[tokio::test]
async fn a_file_volume_attaches_through_its_file() {
    let (cinder, check) = admin_checked(v(71)).await;
    with_cleanup(|cleanup| async move {
        let file_type = create_file_type(&cinder, &cleanup).await;
        let volume = create_volume(
            &cinder,
            &cleanup,
            &unique_name("e2e-attapi-file"),
            json!({"volume_type": file_type["id"]}),
        )
        .await;
        let volume_id = volume["id"].as_str().unwrap();

        let attachment = create_attachment(
            &cinder,
            &cleanup,
            volume_id,
            json!({"connector": connector()}),
        )
        .await;
        let id = attachment["id"].as_str().unwrap();
        // The driver's answer: os-brick's `local` connection to the volume's file (Cinder
        // flattens the driver's `data` into the connection info).
        let info = &attachment["connection_info"];
        assert_eq!(info["driver_volume_type"], "local", "{attachment}");
        let path = info["device_path"].as_str().expect("a device path");
        assert_eq!(std::path::Path::new(path), volume_file(volume_id));
        assert!(volume_file(volume_id).exists());

        cinder.raw().attachment_complete(id).run().await.unwrap();
        let shown = cinder.attachments().show_json(id).await.unwrap();
        assert_eq!(shown["status"], "attached", "{shown}");
        assert_eq!(
            volume_status(&cinder, volume_id).await,
            ("in-use".to_string(), vec![id.to_string()])
        );

        assert!(delete_attachment(&cinder, id).await.attachments.is_empty());
        assert_eq!(volume_status(&cinder, volume_id).await.0, "available");
        assert!(volume_file(volume_id).exists(), "detaching keeps the file");
    })
    .await;
    check.assert_conformant();
}
