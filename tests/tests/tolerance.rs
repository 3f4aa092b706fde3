//! Bodies that other Cinder releases and deployments send, which the spec's tolerance rule
//! (spec/README.md) accepts: the generated types decode them and the strict validator passes
//! them. Offline: no cloud needed.

use cinder_client::types::{MessageResponse, VolumeResponse};
use cinder_tests::schema::{spec, Expected};
use serde_json::{json, Value};

/// The schema of `operation`'s success body.
fn response_schema(operation: &str) -> Value {
    match spec().success_response(operation, None).unwrap() {
        (_, Expected::Json(schema)) => schema,
        (status, other) => panic!("{operation} answers {status} without a JSON body: {other:?}"),
    }
}

fn volume(attachment: Value) -> Value {
    json!({"volume": {
        "id": "6edbc2f4-1507-44f8-ac0d-eed1d2608d38",
        "status": "in-use",
        "size": 1,
        "availability_zone": "nova",
        "created_at": "2016-05-02T20:25:19.000000",
        "updated_at": null,
        "name": "v",
        "description": null,
        "volume_type": "lvmdriver-1",
        "snapshot_id": null,
        "source_volid": null,
        "metadata": {},
        "links": [{"href": "http://localhost/v3/p/volumes/6edbc2f4", "rel": "self"}],
        "user_id": "u",
        "bootable": "false",
        "encrypted": false,
        "replication_status": null,
        "consistencygroup_id": null,
        "multiattach": false,
        "attachments": [attachment],
    }})
}

#[test]
fn an_attachment_without_attached_at_decodes() {
    let body = volume(json!({
        "id": "6edbc2f4-1507-44f8-ac0d-eed1d2608d38",
        "attachment_id": "b2ba3f2b-6fd1-4bd7-a8b2-ff0ad3ae5f62",
        "volume_id": "6edbc2f4-1507-44f8-ac0d-eed1d2608d38",
        "server_id": "31c79baf-b59e-469c-979f-1df4ecb6eea7",
        "host_name": null,
        "device": "/dev/vdb",
    }));
    spec()
        .validate_at(&response_schema("show_volume"), &body, Some(0))
        .unwrap();
    let decoded: VolumeResponse = serde_json::from_value(body).unwrap();
    assert_eq!(decoded.volume.attachments[0].attached_at, None);
}

#[test]
fn an_attachment_still_needs_its_ids() {
    let body = volume(json!({
        "id": "6edbc2f4-1507-44f8-ac0d-eed1d2608d38",
        "volume_id": "6edbc2f4-1507-44f8-ac0d-eed1d2608d38",
        "server_id": null,
        "host_name": null,
        "device": null,
    }));
    let errors = spec()
        .validate_at(&response_schema("show_volume"), &body, Some(0))
        .unwrap_err();
    assert!(
        errors.iter().any(|e| e.contains("`attachment_id`")),
        "{errors:?}"
    );
    assert!(serde_json::from_value::<VolumeResponse>(body).is_err());
}

#[test]
fn a_message_without_links_decodes() {
    let body = json!({"message": {
        "id": "c506cd4b-9048-43bc-97ef-0d7dec369b42",
        "event_id": "VOLUME_VOLUME_001_003",
        "user_message": "schedule allocate volume:Could not find any available weighted backend.",
        "message_level": "ERROR",
        "created_at": "2017-06-21T07:00:00.000000",
        "guaranteed_until": "2017-07-21T07:00:00.000000",
        "request_id": "req-c1216709-afba-4703-a1a3-22eda88f2f5a",
        "resource_type": "VOLUME",
        "resource_uuid": "d5f6c517-c3e8-45fe-b994-b11118e4cacf",
    }});
    spec()
        .validate_at(&response_schema("show_message"), &body, Some(3))
        .unwrap();
    let decoded: MessageResponse = serde_json::from_value(body).unwrap();
    assert!(decoded.message.links.is_empty());
}

/// An open object (`additionalProperties: true` beside its properties) keeps the members the
/// spec does not name, both ways: a driver's connection detail received, a connector key sent.
#[test]
fn open_objects_keep_members_the_spec_does_not_name() {
    let info: cinder_client::types::VolumeConnectionInfo = serde_json::from_value(json!({
        "driver_volume_type": "nvmeof",
        "data": {"target_nqn": "nqn.x"},
        "target_portals": ["10.0.0.1:4420"]
    }))
    .unwrap();
    assert_eq!(info.extra["target_portals"], json!(["10.0.0.1:4420"]));

    let connector = cinder_client::types::VolumeConnector::builder()
        .host("compute-1")
        .extra([("nvme_hostid", "5f1c")]);
    let connector = cinder_client::types::VolumeConnector::try_from(connector).unwrap();
    let sent = serde_json::to_value(&connector).unwrap();
    assert_eq!(sent, json!({"host": "compute-1", "nvme_hostid": "5f1c"}));
    // Hints are any keys: a cloud's own scheduler filters read their own.
    let hints: cinder_client::types::VolumeSchedulerHints =
        serde_json::from_value(json!({"same_host": "a", "rack": "r1", "a": ["1", "2"]})).unwrap();
    assert_eq!(
        serde_json::to_value(&hints).unwrap()["a"],
        json!(["1", "2"])
    );
}
