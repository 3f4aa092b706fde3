//! Real clouds differ from the spec: older releases leave fields out, other deployments send
//! `null`, newer ones add fields. Every read operation's answer, taken from the real local
//! cloud and changed by the proxy in front of it one field at a time (removed, set to `null`,
//! an unknown member added), must still give the library user the answer's JSON with that
//! change, and either the typed value or an `Error::Decode` naming the JSON path of the field;
//! an unknown member never costs the typed value; nothing panics.

use std::collections::BTreeSet;

use cinder_client::{Cinder, Error, Run};
use cinder_tests::fault_proxy::{Fault, Mangling, Matcher, Proxied};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Every `GET` operation of the spec but those of [`NOT_PROBED`].
const READS: &[&str] = &[
    "list_attachments",
    "list_attachments_detail",
    "show_attachment",
    "export_backup_record",
    "list_availability_zones",
    "list_backups",
    "list_backups_detail",
    "list_clusters",
    "list_cgsnapshots",
    "list_cgsnapshots_detail",
    "list_clusters_detail",
    "list_consistencygroups",
    "list_consistencygroups_detail",
    "list_default_types",
    "list_extensions",
    "list_group_snapshots",
    "list_group_snapshots_detail",
    "list_group_type_specs",
    "list_group_types",
    "list_groups",
    "list_groups_detail",
    "list_hosts",
    "list_manageable_snapshots",
    "list_manageable_snapshots_detail",
    "list_manageable_volumes",
    "list_manageable_volumes_detail",
    "list_messages",
    "list_pools",
    "list_qos_associations",
    "list_qos_specs",
    "list_resource_filters",
    "list_services",
    "list_snapshot_manage",
    "list_snapshot_manage_detail",
    "list_snapshot_metadata",
    "list_snapshots",
    "list_snapshots_detail",
    "list_transfers",
    "list_transfers_detail",
    "list_type_access",
    "list_type_extra_specs",
    "list_types",
    "list_volume_manage",
    "list_volume_manage_detail",
    "list_volume_metadata",
    "list_volume_transfers",
    "list_volume_transfers_detail",
    "list_volumes",
    "list_volumes_detail",
    "show_backup",
    "show_capabilities",
    "show_cgsnapshot",
    "show_cluster",
    "show_consistencygroup",
    "show_default_type",
    "show_group",
    "show_group_snapshot",
    "show_group_type",
    "show_group_type_spec",
    "show_host",
    "show_limits",
    "show_message",
    "show_qos_specs",
    "show_snapshot",
    "show_snapshot_metadata_item",
    "show_type",
    "show_type_encryption",
    "show_type_encryption_spec",
    "show_transfer",
    "show_type_extra_spec",
    "show_v3_version",
    "show_volume",
    "show_volume_encryption_metadata",
    "show_volume_metadata_item",
    "show_volume_transfer",
    "volume_summary",
];

/// GET operations that are not probed, and why.
const NOT_PROBED: &[(&str, &str)] = &[
    (
        "list_versions",
        "the library reads its 300 answer itself: see versions_document_tolerates_mangling",
    ),
    // Cinder's QoS association changes are GETs: they change state and answer no body.
    ("associate_qos_specs", "changes state; no body"),
    ("disassociate_qos_specs", "changes state; no body"),
    ("disassociate_all_qos_specs", "changes state; no body"),
    // 404 until cinder.conf names a default group type; the local cloud has none.
    (
        "show_default_group_type",
        "the cloud has no default group type",
    ),
    // 404 until a project has a default type, which changes every typeless create of that
    // project: tests/tests/e2e_admin.rs covers it with a window of its own.
    (
        "show_default_type_of_project",
        "needs a project's default type set",
    ),
    // One member per volume type of the cloud and resource (hundreds on a cloud the suite has
    // run on): too many answers to mangle one by one. The CLI's mangled_output covers the
    // quota commands.
    ("show_quota_set", "one member per volume type"),
    ("show_quota_set_defaults", "one member per volume type"),
    ("show_quota_class_set", "one member per volume type"),
    (
        "show_volume_encryption_metadata_item",
        "the answer is one bare value as text, not JSON: no field to mangle",
    ),
];

#[test]
fn every_read_operation_of_the_spec_is_probed() {
    let not_probed: BTreeSet<&str> = NOT_PROBED.iter().map(|(op, _)| *op).collect();
    let in_spec: BTreeSet<&str> = cinder_raw::microversions::OPERATIONS
        .iter()
        .filter(|op| op.method == "GET" && !not_probed.contains(op.operation_id))
        .map(|op| op.operation_id)
        .collect();
    let probed: BTreeSet<&str> = READS.iter().copied().collect();
    assert_eq!(
        in_spec, probed,
        "each read operation needs a probe in `probe` and an entry in READS"
    );
}

/// What the reads are about.
struct Fixture {
    volume: String,
    volume_name: String,
    snapshot: String,
    snapshot_name: String,
    private_type: String,
    encrypted_type: String,
    /// A user message and the volume it is about.
    message: Option<(String, String)>,
    qos: String,
    group_type: String,
    group: String,
    group_snapshot: String,
    backup: String,
    /// The attachment of `volume` (made by the seed's attach).
    attachment: String,
    transfer: String,
    /// The host of the file back end (`node@file#file`), whose manageable lists hold at least
    /// the seeded backup's volume.
    file_host: String,
}

/// An answer, as the library gave it.
struct Outcome {
    json: Value,
    typed: Result<(), Error>,
}

async fn outcome<R, T>(request: R) -> cinder_client::Result<Outcome>
where
    R: Run<T>,
    R::IntoFuture: Send,
    T: DeserializeOwned + Send,
{
    let (json, typed) = request.run_json().await?.into_parts();
    Ok(Outcome {
        json,
        typed: typed.map(|_| ()),
    })
}

/// Sends read `operation` about `fixture`; lists are filtered to the fixture where they can be,
/// so that what other tests create at the same time does not matter.
async fn probe(
    operation: &str,
    cinder: &Cinder,
    f: &Fixture,
) -> Option<cinder_client::Result<Outcome>> {
    let raw = cinder.raw();
    Some(match operation {
        "list_availability_zones" => outcome(raw.list_availability_zones()).await,
        "list_messages" => {
            let (_, about) = f.message.as_ref()?;
            outcome(raw.list_messages().resource_uuid(about)).await
        }
        "list_resource_filters" => outcome(raw.list_resource_filters().resource("volume")).await,
        "list_snapshot_metadata" => {
            outcome(raw.list_snapshot_metadata().snapshot_id(&f.snapshot)).await
        }
        "list_snapshots" => outcome(raw.list_snapshots().name(&f.snapshot_name)).await,
        "list_snapshots_detail" => {
            outcome(raw.list_snapshots_detail().name(&f.snapshot_name)).await
        }
        "list_type_access" => outcome(raw.list_type_access().volume_type_id(&f.private_type)).await,
        "list_type_extra_specs" => {
            outcome(raw.list_type_extra_specs().volume_type_id(&f.private_type)).await
        }
        "list_types" => outcome(raw.list_types().limit(2)).await,
        "list_volume_metadata" => outcome(raw.list_volume_metadata().volume_id(&f.volume)).await,
        "list_volumes" => outcome(raw.list_volumes().name(&f.volume_name)).await,
        "list_volumes_detail" => outcome(raw.list_volumes_detail().name(&f.volume_name)).await,
        "show_default_type" => outcome(raw.show_default_type()).await,
        "show_limits" => outcome(raw.show_limits()).await,
        "show_message" => {
            let (message, _) = f.message.as_ref()?;
            outcome(raw.show_message().message_id(message)).await
        }
        "show_snapshot" => outcome(raw.show_snapshot().snapshot_id(&f.snapshot)).await,
        "show_snapshot_metadata_item" => {
            outcome(
                raw.show_snapshot_metadata_item()
                    .snapshot_id(&f.snapshot)
                    .key("tier"),
            )
            .await
        }
        "show_type" => outcome(raw.show_type().volume_type_id(&f.private_type)).await,
        "show_type_encryption" => {
            outcome(raw.show_type_encryption().volume_type_id(&f.encrypted_type)).await
        }
        "show_type_encryption_spec" => {
            let spec = raw.show_type_encryption_spec();
            outcome(spec.volume_type_id(&f.encrypted_type).key("provider")).await
        }
        "show_type_extra_spec" => {
            outcome(
                raw.show_type_extra_spec()
                    .volume_type_id(&f.private_type)
                    .key("tier"),
            )
            .await
        }
        "show_v3_version" => outcome(cinder.root_raw().show_v3_version()).await,
        "show_volume" => outcome(raw.show_volume().volume_id(&f.volume)).await,
        "show_volume_encryption_metadata" => {
            outcome(raw.show_volume_encryption_metadata().volume_id(&f.volume)).await
        }
        "show_volume_metadata_item" => {
            outcome(
                raw.show_volume_metadata_item()
                    .volume_id(&f.volume)
                    .key("tier"),
            )
            .await
        }
        "volume_summary" => outcome(raw.volume_summary()).await,
        "list_attachments" => outcome(raw.list_attachments().volume_id(&f.volume)).await,
        "list_attachments_detail" => {
            outcome(raw.list_attachments_detail().volume_id(&f.volume)).await
        }
        "show_attachment" => outcome(raw.show_attachment().attachment_id(&f.attachment)).await,
        "export_backup_record" => outcome(raw.export_backup_record().backup_id(&f.backup)).await,
        // Nothing else touches the file back end while this test runs: the lists stay put.
        "list_manageable_volumes" => {
            outcome(raw.list_manageable_volumes().host(&f.file_host).limit(2)).await
        }
        "list_manageable_volumes_detail" => {
            outcome(
                raw.list_manageable_volumes_detail()
                    .host(&f.file_host)
                    .limit(2),
            )
            .await
        }
        // The same lists under the extension's routes.
        "list_volume_manage" => outcome(raw.list_volume_manage().host(&f.file_host).limit(2)).await,
        "list_volume_manage_detail" => {
            outcome(raw.list_volume_manage_detail().host(&f.file_host).limit(2)).await
        }
        "list_snapshot_manage" => {
            outcome(raw.list_snapshot_manage().host(&f.file_host).limit(2)).await
        }
        "list_snapshot_manage_detail" => {
            outcome(
                raw.list_snapshot_manage_detail()
                    .host(&f.file_host)
                    .limit(2),
            )
            .await
        }
        "list_manageable_snapshots" => {
            outcome(raw.list_manageable_snapshots().host(&f.file_host).limit(2)).await
        }
        "list_manageable_snapshots_detail" => {
            let list = raw.list_manageable_snapshots_detail();
            outcome(list.host(&f.file_host).limit(2)).await
        }
        "list_backups" => outcome(raw.list_backups().limit(2)).await,
        "list_backups_detail" => outcome(raw.list_backups_detail().limit(2)).await,
        "show_backup" => outcome(raw.show_backup().backup_id(&f.backup)).await,
        "list_default_types" => outcome(cinder.root_raw().list_default_types()).await,
        "list_extensions" => outcome(raw.list_extensions()).await,
        "list_group_snapshots" => outcome(raw.list_group_snapshots().group_id(&f.group)).await,
        "list_group_snapshots_detail" => {
            outcome(raw.list_group_snapshots_detail().group_id(&f.group)).await
        }
        "show_group_snapshot" => {
            let show = raw.show_group_snapshot();
            outcome(show.group_snapshot_id(&f.group_snapshot)).await
        }
        "list_group_types" => outcome(raw.list_group_types()).await,
        "show_group_type" => outcome(raw.show_group_type().group_type_id(&f.group_type)).await,
        "list_group_type_specs" => {
            outcome(raw.list_group_type_specs().group_type_id(&f.group_type)).await
        }
        "show_group_type_spec" => {
            let spec = raw.show_group_type_spec();
            let (key, _) = cinder_tests::seed::GROUP_SPEC;
            outcome(spec.group_type_id(&f.group_type).key(key)).await
        }
        "list_groups" => outcome(raw.list_groups().limit(2)).await,
        "list_groups_detail" => outcome(raw.list_groups_detail().limit(2)).await,
        "show_group" => outcome(raw.show_group().group_id(&f.group)).await,
        // The legacy views show any group and group snapshot: the seeded ones.
        "list_consistencygroups" => outcome(raw.list_consistencygroups().limit(2)).await,
        "list_consistencygroups_detail" => {
            outcome(raw.list_consistencygroups_detail().limit(2)).await
        }
        "show_consistencygroup" => {
            let show = raw.show_consistencygroup();
            outcome(show.consistencygroup_id(&f.group)).await
        }
        "list_cgsnapshots" => outcome(raw.list_cgsnapshots().limit(2)).await,
        "list_cgsnapshots_detail" => outcome(raw.list_cgsnapshots_detail().limit(2)).await,
        "show_cgsnapshot" => outcome(raw.show_cgsnapshot().cgsnapshot_id(&f.group_snapshot)).await,
        "list_hosts" => outcome(raw.list_hosts()).await,
        "show_host" => outcome(raw.show_host().host_name("cinder-local")).await,
        "list_services" => outcome(raw.list_services()).await,
        "list_clusters" => outcome(raw.list_clusters()).await,
        "list_clusters_detail" => outcome(raw.list_clusters_detail()).await,
        "show_cluster" => {
            outcome(raw.show_cluster().cluster_name("cinder-cluster@clustered")).await
        }
        "list_pools" => outcome(raw.list_pools().detail("true")).await,
        "show_capabilities" => {
            outcome(raw.show_capabilities().host_name("cinder-local@fake")).await
        }
        "list_qos_specs" => outcome(raw.list_qos_specs()).await,
        "show_qos_specs" => outcome(raw.show_qos_specs().qos_id(&f.qos)).await,
        "list_qos_associations" => outcome(raw.list_qos_associations().qos_id(&f.qos)).await,
        "list_transfers" => outcome(raw.list_transfers()).await,
        "list_transfers_detail" => outcome(raw.list_transfers_detail()).await,
        "show_transfer" => outcome(raw.show_transfer().transfer_id(&f.transfer)).await,
        "list_volume_transfers" => outcome(raw.list_volume_transfers().limit(2)).await,
        "list_volume_transfers_detail" => {
            outcome(raw.list_volume_transfers_detail().limit(2)).await
        }
        "show_volume_transfer" => {
            outcome(raw.show_volume_transfer().transfer_id(&f.transfer)).await
        }
        other => panic!("no probe for {other}"),
    })
}

/// Every JSON pointer in `value`: each member of each object, the first element of arrays.
fn pointers(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                let pointer = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(pointer.clone());
                pointers(member, &pointer, out);
            }
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                let pointer = format!("{at}/0");
                out.push(pointer.clone());
                pointers(first, &pointer, out);
            }
        }
        _ => {}
    }
}

/// Every change the proxy makes to an answer like `json`.
fn manglings(json: &Value) -> Vec<Mangling> {
    let mut all = Vec::new();
    let mut objects = vec![String::new()];
    let mut members = Vec::new();
    pointers(json, "", &mut members);
    for pointer in members {
        if json.pointer(&pointer).is_some_and(Value::is_object) {
            objects.push(pointer.clone());
        }
        all.push(Mangling::Remove(pointer.clone()));
        all.push(Mangling::Null(pointer));
    }
    all.extend(objects.into_iter().map(Mangling::AddUnknown));
    all
}

/// A decode error's JSON path (`volume.attachments[0].id`) as a JSON pointer.
fn as_pointer(path: &str) -> String {
    if path == "." || path.is_empty() {
        return String::new();
    }
    let mut pointer = String::new();
    for part in path.split('.') {
        let (key, indexes) = part
            .split_once('[')
            .map_or((part, ""), |(k, rest)| (k, rest));
        if !key.is_empty() {
            pointer.push('/');
            pointer.push_str(key);
        }
        for index in indexes.split('[') {
            let index = index.trim_end_matches(']');
            if !index.is_empty() {
                pointer.push('/');
                pointer.push_str(index);
            }
        }
    }
    pointer
}

/// Checks what the library made of one mangled answer; a problem in words.
fn check(
    operation: &str,
    mangling: &Mangling,
    result: cinder_client::Result<Outcome>,
) -> Option<String> {
    let what = format!("{operation} with {mangling:?}");
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(error) => return Some(format!("{what}: no JSON at all: {error}")),
    };
    let pointer = mangling.pointer();
    let applied = match mangling {
        Mangling::Remove(_) => {
            outcome.json.pointer(pointer).is_none()
            // An array element removed: the next one (if any) moved up.
            || pointer.rsplit('/').next().is_some_and(|last| last.parse::<usize>().is_ok())
        }
        Mangling::Null(_) => outcome.json.pointer(pointer) == Some(&Value::Null),
        Mangling::AddUnknown(_) => outcome
            .json
            .pointer(&format!("{pointer}/x-unknown-field"))
            .is_some(),
        // Not among the library's manglings (the CLI's output tests use it).
        Mangling::Escapes(_) => true,
    };
    if !applied {
        return Some(format!(
            "{what}: the JSON given does not show the change: {}",
            outcome.json
        ));
    }
    match (&outcome.typed, mangling) {
        (Ok(()), _) => None,
        (Err(error), Mangling::AddUnknown(_)) => Some(format!(
            "{what}: an unknown member cost the typed value: {error}"
        )),
        (
            Err(Error::Decode {
                path: Some(path),
                body: Some(_),
                ..
            }),
            _,
        ) => {
            let at = as_pointer(path);
            (!pointer.starts_with(&at))
                .then(|| format!("{what}: the decode error points at {path}, not at the change"))
        }
        (Err(other), _) => Some(format!(
            "{what}: not a decode error with a path and the body: {other:#?}"
        )),
    }
}

/// What the operations read: the seeded resources (nothing here changes them).
async fn fixture() -> Fixture {
    let seed = cinder_tests::seed::seed().await;
    let admin = cinder_tests::cloud::admin(cinder_client::VersionRequest::Latest).await;
    let volume = admin
        .volumes()
        .show_json(&seed.volume)
        .await
        .expect("shows the seeded volume");
    let attachment = volume["attachments"][0]["attachment_id"]
        .as_str()
        .expect("the seeded volume is attached")
        .to_string();
    let backup = admin
        .backups()
        .show_json(&seed.backup)
        .await
        .expect("shows the seeded backup");
    let backed_up = admin
        .volumes()
        .show_json(backup["volume_id"].as_str().expect("the backup's volume"))
        .await
        .expect("shows the seeded backup's volume");
    let file_host = backed_up["os-vol-host-attr:host"]
        .as_str()
        .expect("the backed-up volume has a host")
        .to_string();
    Fixture {
        file_host,
        attachment,
        volume_name: seed.volume_name(),
        snapshot_name: seed.snapshot_name(),
        volume: seed.volume,
        snapshot: seed.snapshot,
        private_type: seed.private_type,
        encrypted_type: seed.volume_type,
        message: Some((seed.message, seed.message_volume)),
        qos: seed.qos,
        group_type: seed.group_type,
        group: seed.group,
        group_snapshot: seed.group_snapshot,
        backup: seed.backup,
        transfer: seed.transfer,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_read_answer_tolerates_missing_null_and_unknown_fields() {
    {
        let fixture = std::sync::Arc::new(fixture().await);
        // A few workers, each with its own proxies, share the operations.
        const WORKERS: usize = 4;
        let mut workers = Vec::new();
        for worker in 0..WORKERS {
            let fixture = fixture.clone();
            workers.push(tokio::spawn(async move {
                let rig = Proxied::start().await;
                let cinder = Cinder::connect(rig.config.clone())
                    .await
                    .expect("connects through the proxy");
                let mut problems = Vec::new();
                let mut probes = 0;
                for operation in READS.iter().skip(worker).step_by(WORKERS) {
                    let started = std::time::Instant::now();
                    let before = probes;
                    let Some(real) = probe(operation, &cinder, &fixture).await else {
                        eprintln!(
                            "{operation}: no fixture (no user message was recorded); skipped"
                        );
                        continue;
                    };
                    let real = real.unwrap_or_else(|e| panic!("{operation} fails unmangled: {e}"));
                    if let Err(error) = &real.typed {
                        problems.push(format!(
                            "{operation}: the real answer does not decode: {error}"
                        ));
                    }
                    for mangling in manglings(&real.json) {
                        rig.cinder.inject(
                            Matcher {
                                method: Some("GET".into()),
                                ..Matcher::any()
                            },
                            Fault::Mangle(mangling.clone()),
                            1,
                        );
                        let result = probe(operation, &cinder, &fixture)
                            .await
                            .expect("fixture as before");
                        rig.cinder.clear();
                        probes += 1;
                        problems.extend(check(operation, &mangling, result));
                    }
                    eprintln!(
                        "{operation}: {} answers in {:.1}s",
                        probes - before,
                        started.elapsed().as_secs_f64()
                    );
                }
                (probes, problems)
            }));
        }
        let mut probes = 0;
        let mut problems = Vec::new();
        for worker in workers {
            let (count, found) = worker.await.expect("a worker panicked");
            probes += count;
            problems.extend(found);
        }
        eprintln!("{probes} mangled answers checked");
        assert!(probes > 500, "too few answers were mangled: {probes}");
        assert!(
            problems.is_empty(),
            "{} problems:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}

#[tokio::test]
async fn versions_document_tolerates_mangling() {
    let rig = Proxied::start().await;
    let cinder = Cinder::connect(rig.config.clone()).await.unwrap();
    let real = serde_json::to_value(cinder.versions().await.unwrap()).unwrap();
    for mangling in manglings(&real) {
        rig.cinder.inject(
            Matcher::request("GET", "/"),
            Fault::Mangle(mangling.clone()),
            1,
        );
        let result = cinder.versions().await;
        rig.cinder.clear();
        match (&result, &mangling) {
            (Ok(_), _) | (Err(Error::Decode { .. }), Mangling::Remove(_) | Mangling::Null(_)) => {}
            other => panic!("{mangling:?}: {other:?}"),
        }
    }
}
