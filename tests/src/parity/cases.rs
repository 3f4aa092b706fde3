//! The case files (`tests/parity/cases/<family>.yaml`): what each case runs, what it needs created first,
//! and how its output is compared. Everything is checked when the file is loaded, so that a
//! typo in a placeholder or a fixture fails before any resource is created.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use regex::Regex;
use serde::Deserialize;
use serde_json::Value;

/// Placeholders every case may use besides its fixtures'.
pub const BUILTINS: [&str; 4] = [
    // A fresh name for what the command itself creates (unique per case and CLI).
    "name",
    // A word unique per case and CLI, that every fixture name starts with: a metadata value
    // (`metadata: {group: "{prefix}"}`) then filters a list down to this side's fixtures.
    "prefix",
    // The project both CLIs work in, and another one (for type access).
    "project_id",
    "demo_project_id",
];

/// How stdout is compared.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Stdout {
    /// Tables row by row, in the order printed.
    #[default]
    Ordered,
    /// Table rows as a multiset: lists whose order the server does not define.
    Unordered,
    /// The set of whitespace-separated words (bash-completion's word list).
    Words,
}

/// What a case needs before it runs; created anew for each CLI, deleted afterwards.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fixture {
    Volume(VolumeFixture),
    Snapshot(SnapshotFixture),
    /// A backup of a volume (on the `file` back end: give the volume a type with
    /// `volume_backend_name: file`), `available` unless `status` says otherwise.
    Backup(BackupFixture),
    /// An attachment of a volume (attachments API, 3.27+): reserved, or connected with a
    /// connector, or completed (`attached`); `{key}` is its ID. Deleted with its volume.
    Attachment(AttachmentFixture),
    Type(TypeFixture),
    /// A user message: a volume of a type whose back end does not exist fails in the
    /// scheduler, which records a message about it (`{key.resource}` is that volume).
    Message(MessageFixture),
    GroupType(GroupTypeFixture),
    /// A generic volume group (the local cloud's back end has no native group support, so
    /// Cinder's generic implementation serves it).
    Group(GroupFixture),
    GroupSnapshot(GroupSnapshotFixture),
    /// A legacy consistency group (a group of `default_cgsnapshot_type`, made on
    /// `/consistencygroups`; the local back ends serve Cinder's consistency group calls).
    ConsistencyGroup(ConsistencyGroupFixture),
    /// A cgsnapshot of a consistency group fixture (made on `/cgsnapshots`).
    Cgsnapshot(CgsnapshotFixture),
    /// A project ID of no Keystone project (Cinder does not ask Keystone): quotas are set on
    /// it without touching a project that volumes are made in; its quotas are deleted after.
    Project(ProjectFixture),
    /// QoS specs (cloud-wide, named like every fixture), deleted with `force` after.
    Qos(QosFixture),
    /// A volume host (a back end of the cloud), frozen first if asked; frozen and thawed after
    /// the case whatever the case did (thaw, which acts only on a frozen host, enables the
    /// service again).
    Host(HostFixture),
    /// A cluster of the cloud (`cinder-cluster@clustered`), disabled first if asked, enabled
    /// after the case whatever the case did; `{key}` is its name.
    Cluster(ClusterFixture),
    /// A project's default volume type: set first if `type` names a type fixture, unset after
    /// the case whatever it did.
    DefaultType(DefaultTypeFixture),
    /// A volume transfer of a volume fixture (made on `/volume-transfers`); `{key.auth_key}`
    /// is its auth key. Deleted after the case unless the case accepted or deleted it.
    Transfer(TransferFixture),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeFixture {
    #[serde(default = "one")]
    pub size: u64,
    /// The key of a type fixture declared before this one.
    #[serde(rename = "type")]
    pub volume_type: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub image_metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub bootable: bool,
    /// Reset to this status once available (e.g. `error`).
    pub status: Option<String>,
    /// The key of a group fixture declared before this one: the volume is created in it
    /// (its `type` must be one of the group's types).
    pub group: Option<String>,
    /// Unmanaged once set up (`os-unmanage`): Cinder forgets it and its storage stays, which
    /// on the file back end is a file the manageable list shows and `manage` adopts. The file
    /// is removed after the case unless a case managed it again.
    #[serde(default)]
    pub unmanaged: bool,
    /// The key of a consistency-group fixture declared before this one: the volume is created
    /// in it (its `type` must be one of the group's types).
    pub consistencygroup: Option<String>,
}

fn one() -> u64 {
    1
}

impl Default for VolumeFixture {
    fn default() -> Self {
        VolumeFixture {
            size: 1,
            volume_type: None,
            description: None,
            metadata: BTreeMap::new(),
            image_metadata: BTreeMap::new(),
            bootable: false,
            status: None,
            group: None,
            unmanaged: false,
            consistencygroup: None,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotFixture {
    /// The key of a volume fixture declared before this one.
    pub volume: String,
    pub description: Option<String>,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    pub status: Option<String>,
    /// Unmanaged once available, as a volume's `unmanaged`: its file (on the file back end)
    /// stays beside its volume's, listed as manageable.
    #[serde(default)]
    pub unmanaged: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupFixture {
    /// The key of a volume fixture declared before this one.
    pub volume: String,
    /// Reset to this status once available (`error`).
    pub status: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferFixture {
    /// The key of a volume fixture declared before this one.
    pub volume: String,
    /// Whether the volume goes without its snapshots.
    #[serde(default)]
    pub no_snapshots: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeFixture {
    pub description: Option<String>,
    #[serde(default)]
    pub extra_specs: BTreeMap<String, String>,
    pub is_public: Option<bool>,
    /// The body of `POST /types/{id}/encryption` (`provider`, `cipher`, `key_size`,
    /// `control_location`).
    pub encryption: Option<Value>,
    /// Projects (placeholders such as `{demo_project_id}`) given access to a private type.
    #[serde(default)]
    pub access: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageFixture {}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentFixture {
    /// The key of a volume fixture declared before this one.
    pub volume: String,
    /// The server (instance) UUID the volume is reserved for.
    pub instance: Option<String>,
    /// Connected with a connector at creation (host `parity-host`): `connection_info` is set.
    #[serde(default)]
    pub connect: bool,
    /// Completed after creation (`os-complete`): `attached`, the volume `in-use`.
    #[serde(default)]
    pub complete: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupTypeFixture {
    pub description: Option<String>,
    #[serde(default)]
    pub group_specs: BTreeMap<String, String>,
    pub is_public: Option<bool>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupFixture {
    /// The key of a group-type fixture declared before this one.
    pub group_type: String,
    /// The keys of the type fixtures the group's volumes may have (at least one).
    pub types: Vec<String>,
    pub description: Option<String>,
    /// Reset to this status once available (e.g. `error`).
    pub status: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSnapshotFixture {
    /// The key of a group fixture declared before this one.
    pub group: String,
    pub description: Option<String>,
    /// Reset to this status once available (e.g. `error`).
    pub status: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyGroupFixture {
    /// The keys of the type fixtures the group's volumes may have (at least one).
    pub types: Vec<String>,
    pub description: Option<String>,
    /// Reset to this status once available (e.g. `error`).
    pub status: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CgsnapshotFixture {
    /// The key of a consistency-group fixture declared before this one.
    pub consistencygroup: String,
    pub description: Option<String>,
    /// Reset to this status once available (e.g. `error`).
    pub status: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultTypeFixture {
    /// The project (a placeholder such as `{project_id}`).
    pub project: String,
    /// The key of a type fixture declared before this one.
    #[serde(rename = "type")]
    pub volume_type: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostFixture {
    /// The host, such as `cinder-local@fake2`.
    pub host: String,
    #[serde(default)]
    pub frozen: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterFixture {
    /// The cluster's name, such as `cinder-cluster@clustered` (binary `cinder-volume`).
    pub cluster: String,
    #[serde(default)]
    pub disabled: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QosFixture {
    /// The key/value pairs (`consumer` among them).
    #[serde(default)]
    pub specs: BTreeMap<String, String>,
    /// The key of a type fixture declared before this one, to associate with.
    pub associate: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectFixture {
    /// Quotas set before the case (`volumes: 5`; a key may name a type fixture:
    /// `volumes_{t.name}`).
    #[serde(default)]
    pub quotas: BTreeMap<String, i64>,
}

impl Fixture {
    fn from_yaml(value: serde_norway::Value) -> Result<Fixture> {
        // `volume: volume` is short for `volume: {kind: volume}`.
        let value = match value {
            serde_norway::Value::String(kind) => {
                let mut map = serde_norway::Mapping::new();
                map.insert("kind".into(), kind.into());
                serde_norway::Value::Mapping(map)
            }
            other => other,
        };
        Ok(serde_norway::from_value(value)?)
    }

    /// The fields `{key.field}` may name (`{key}` alone is the ID).
    fn fields(&self) -> &'static [&'static str] {
        match self {
            Fixture::Message(_) => &["id", "resource"],
            Fixture::Project(_) => &["id"],
            Fixture::Transfer(_) => &["id", "name", "auth_key"],
            _ => &["id", "name"],
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Fixture::Volume(_) => "volume",
            Fixture::Snapshot(_) => "snapshot",
            Fixture::Backup(_) => "backup",
            Fixture::Attachment(_) => "attachment",
            Fixture::Type(_) => "type",
            Fixture::Message(_) => "message",
            Fixture::GroupType(_) => "group-type",
            Fixture::Group(_) => "group",
            Fixture::GroupSnapshot(_) => "group-snapshot",
            Fixture::ConsistencyGroup(_) => "consistency-group",
            Fixture::Cgsnapshot(_) => "cgsnapshot",
            Fixture::Project(_) => "project",
            Fixture::Qos(_) => "qos",
            Fixture::Host(_) => "host",
            Fixture::Cluster(_) => "cluster",
            Fixture::DefaultType(_) => "default-type",
            Fixture::Transfer(_) => "transfer",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    commands: serde_norway::Mapping,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    case: String,
    args: String,
    #[serde(default)]
    fixtures: serde_norway::Mapping,
    #[serde(default)]
    stdout: Stdout,
    #[serde(default)]
    unordered_requests: bool,
    #[serde(default)]
    exclusive: bool,
    #[serde(default)]
    shared_fixtures: bool,
    #[serde(default)]
    own_rows: bool,
    #[serde(default)]
    mask: Vec<String>,
    timeout: Option<u64>,
    #[allow(dead_code)] // For the reader of the case file.
    note: Option<String>,
}

/// One command line run by both CLIs.
#[derive(Clone, Debug)]
pub struct Case {
    /// The subcommand it covers (its key in the file).
    pub command: String,
    pub name: String,
    /// Shell words, with placeholders.
    pub args: Vec<String>,
    /// In the order declared: later fixtures refer to earlier ones.
    pub fixtures: Vec<(String, Fixture)>,
    pub stdout: Stdout,
    /// Requests compared as a multiset (commands that send several at once).
    pub unordered_requests: bool,
    /// Runs alone: its output depends on everything in the project (totals, whole lists).
    pub exclusive: bool,
    /// One set of fixtures for both CLIs, for commands that change nothing (show, list...):
    /// half the set-up. A mutating request would still show in the comparison.
    pub shared_fixtures: bool,
    /// Keeps only the table rows that mention this case's own resources (lists of things
    /// that are not per project, such as volume types, which other people create too).
    pub own_rows: bool,
    /// Table fields whose value depends on timing (a status read while the server is still
    /// at work): the value is not compared, the field's presence is. A row of a
    /// `Property | Value` table by its name, or a column of a list by its header.
    pub mask: Vec<String>,
    pub timeout: Duration,
}

impl Case {
    /// `command/name`, how cases are named in the report and the differences file.
    pub fn id(&self) -> String {
        format!("{}/{}", self.command, self.name)
    }
}

static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{([a-z_][a-z0-9_]*)(?:\.([a-z_]+))?\}").unwrap());

/// The placeholders in `text`, as (key, field).
pub fn placeholders(text: &str) -> Vec<(String, Option<String>)> {
    PLACEHOLDER
        .captures_iter(text)
        .map(|c| (c[1].to_string(), c.get(2).map(|f| f.as_str().to_string())))
        .collect()
}

/// `text` with each `{key}` / `{key.field}` replaced by its value in `values` (keyed
/// `key` and `key.field`); a missing one is an error (the loader makes that impossible).
pub fn expand(text: &str, values: &BTreeMap<String, String>) -> Result<String> {
    let mut missing = None;
    let expanded = PLACEHOLDER.replace_all(text, |c: &regex::Captures| {
        let key = &c[0][1..c[0].len() - 1];
        let key = key.strip_suffix(".id").unwrap_or(key);
        values.get(key).cloned().unwrap_or_else(|| {
            missing = Some(key.to_string());
            String::new()
        })
    });
    match missing {
        Some(key) => bail!("no value for {{{key}}} in {text:?}"),
        None => Ok(expanded.into_owned()),
    }
}

/// Every case file of the folder `dir`; a command's cases are all in one file.
pub fn load(dir: &Path) -> Result<Vec<Case>> {
    let mut cases: Vec<Case> = Vec::new();
    for (path, text) in super::yaml_files(dir)? {
        let found = parse(&text).with_context(|| format!("in {}", path.display()))?;
        for case in &found {
            ensure!(
                !cases.iter().any(|c| c.command == case.command),
                "{}: command {} has cases in another file too",
                path.display(),
                case.command
            );
        }
        cases.extend(found);
    }
    Ok(cases)
}

pub fn parse(text: &str) -> Result<Vec<Case>> {
    let raw: RawFile = serde_norway::from_str(text)?;
    let mut cases = Vec::new();
    for (command, list) in raw.commands {
        let command = command
            .as_str()
            .context("a command name is not a string")?
            .to_string();
        let list: Vec<RawCase> = serde_norway::from_value(list)
            .with_context(|| format!("the cases of command {command}"))?;
        let mut names = BTreeSet::new();
        for raw in list {
            let id = format!("{command}/{}", raw.case);
            ensure!(names.insert(raw.case.clone()), "two cases named {id}");
            cases.push(case(&command, raw).with_context(|| format!("case {id}"))?);
        }
    }
    Ok(cases)
}

fn case(command: &str, raw: RawCase) -> Result<Case> {
    ensure!(
        !raw.case.is_empty() && !raw.case.contains(['/', ' ']),
        "a case name is one word without '/'"
    );
    let args = shlex::split(&raw.args).context("args are not valid shell words")?;
    // cinderclient also takes underscores (`bash_completion`).
    ensure!(
        args.iter().any(|a| a.replace('_', "-") == command),
        "args {:?} do not run {command}",
        raw.args
    );
    let mut fixtures: Vec<(String, Fixture)> = Vec::new();
    for (key, value) in raw.fixtures {
        let key = key
            .as_str()
            .context("a fixture key is not a string")?
            .to_string();
        ensure!(
            PLACEHOLDER.is_match(&format!("{{{key}}}")) && !BUILTINS.contains(&key.as_str()),
            "fixture key {key:?} cannot be a placeholder (lowercase word, not a built-in)"
        );
        let fixture = Fixture::from_yaml(value).with_context(|| format!("fixture {key}"))?;
        let earlier = |wanted: &str, kind: &str| -> Result<()> {
            match fixtures.iter().find(|(k, _)| k == wanted) {
                Some((_, f)) if f.kind() == kind => Ok(()),
                _ => bail!("fixture {key} needs a {kind} fixture {wanted:?} declared before it"),
            }
        };
        match &fixture {
            Fixture::Volume(v) => {
                if let Some(t) = &v.volume_type {
                    earlier(t, "type")?;
                }
                if let Some(g) = &v.group {
                    earlier(g, "group")?;
                    ensure!(
                        v.volume_type.is_some(),
                        "fixture {key}: a volume in a group needs a type"
                    );
                }
                if let Some(g) = &v.consistencygroup {
                    earlier(g, "consistency-group")?;
                    ensure!(
                        v.volume_type.is_some() && v.group.is_none(),
                        "fixture {key}: a volume in a consistency group needs a type and no group"
                    );
                }
                for value in v.metadata.values().chain(v.image_metadata.values()) {
                    check_placeholders(value, &[])?;
                }
            }
            Fixture::Snapshot(s) => {
                earlier(&s.volume, "volume")?;
                for value in s.metadata.values() {
                    check_placeholders(value, &[])?;
                }
            }
            Fixture::Backup(b) => earlier(&b.volume, "volume")?,
            Fixture::Attachment(a) => earlier(&a.volume, "volume")?,
            Fixture::Transfer(t) => earlier(&t.volume, "volume")?,
            Fixture::Type(t) => {
                for project in &t.access {
                    check_placeholders(project, &[])?;
                }
            }
            Fixture::Message(_) | Fixture::GroupType(_) => {}
            Fixture::Group(g) => {
                earlier(&g.group_type, "group-type")?;
                ensure!(
                    !g.types.is_empty(),
                    "fixture {key}: a group needs at least one type"
                );
                for t in &g.types {
                    earlier(t, "type")?;
                }
            }
            Fixture::GroupSnapshot(g) => earlier(&g.group, "group")?,
            Fixture::ConsistencyGroup(g) => {
                ensure!(
                    !g.types.is_empty(),
                    "fixture {key}: a consistency group needs at least one type"
                );
                for t in &g.types {
                    earlier(t, "type")?;
                }
            }
            Fixture::Cgsnapshot(c) => earlier(&c.consistencygroup, "consistency-group")?,
            Fixture::Project(p) => {
                for quota in p.quotas.keys() {
                    check_placeholders(quota, &fixtures)?;
                }
            }
            Fixture::Qos(q) => {
                if let Some(t) = &q.associate {
                    earlier(t, "type")?;
                }
            }
            Fixture::Host(_) | Fixture::Cluster(_) => {}
            Fixture::DefaultType(d) => {
                check_placeholders(&d.project, &[])?;
                if let Some(t) = &d.volume_type {
                    earlier(t, "type")?;
                }
            }
        }
        fixtures.push((key, fixture));
    }
    for arg in &args {
        check_placeholders(arg, &fixtures)?;
        // Shared fixtures serve commands that create nothing; both sides would use one name.
        ensure!(
            !(raw.shared_fixtures && arg.contains("{name}")),
            "a case with shared fixtures creates nothing: {{name}} has no use there"
        );
    }
    Ok(Case {
        command: command.to_string(),
        name: raw.case,
        args,
        fixtures,
        stdout: raw.stdout,
        unordered_requests: raw.unordered_requests,
        exclusive: raw.exclusive,
        shared_fixtures: raw.shared_fixtures,
        own_rows: raw.own_rows,
        mask: raw.mask,
        timeout: Duration::from_secs(raw.timeout.unwrap_or(120)),
    })
}

fn check_placeholders(text: &str, fixtures: &[(String, Fixture)]) -> Result<()> {
    for (key, field) in placeholders(text) {
        if BUILTINS.contains(&key.as_str()) {
            ensure!(field.is_none(), "{{{key}}} has no fields");
            continue;
        }
        let Some((_, fixture)) = fixtures.iter().find(|(k, _)| *k == key) else {
            bail!(
                "{{{key}}} is neither a fixture of this case nor one of {}",
                BUILTINS.join(", ")
            );
        };
        if let Some(field) = field {
            ensure!(
                fixture.fields().contains(&field.as_str()),
                "a {} fixture has no {{{key}.{field}}} (only {:?})",
                fixture.kind(),
                fixture.fields()
            );
        }
    }
    Ok(())
}

/// Keeps the cases `only` names (`command` or `command/case`); all when `only` is empty.
pub fn select(cases: Vec<Case>, only: &[String]) -> Result<Vec<Case>> {
    if only.is_empty() {
        return Ok(cases);
    }
    for filter in only {
        ensure!(
            cases
                .iter()
                .any(|c| c.command == *filter || c.id() == *filter),
            "--only {filter}: no such command or case in the case file"
        );
    }
    Ok(cases
        .into_iter()
        .filter(|c| only.iter().any(|f| c.command == *f || c.id() == *f))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
commands:
  show:
    - case: by-name
      fixtures:
        t: {kind: type, extra_specs: {a: b}}
        volume: {kind: volume, type: t}
        snap: {kind: snapshot, volume: volume}
      args: --os-volume-api-version 3.0 show {volume.name}
    - case: missing
      args: show 'no such'
      stdout: unordered
"#;

    #[test]
    fn loads_cases_in_order_with_fixtures() {
        let cases = parse(FILE).unwrap();
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].id(), "show/by-name");
        let keys: Vec<&str> = cases[0].fixtures.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["t", "volume", "snap"]);
        assert_eq!(cases[1].args, ["show", "no such"]);
        assert_eq!(cases[1].stdout, Stdout::Unordered);
    }

    #[test]
    fn refuses_unknown_placeholders_fields_and_references() {
        let bad = |args: &str, fixtures: &str| {
            let file = format!(
                "commands:\n  show:\n    - case: x\n      fixtures: {fixtures}\n      args: {args}\n"
            );
            format!("{:#}", parse(&file).unwrap_err())
        };
        assert!(bad("show {nope}", "{}").contains("neither a fixture"));
        assert!(bad("show {v.resource}", "{v: volume}").contains("has no"));
        assert!(bad("show {s}", "{s: {kind: snapshot, volume: v}}").contains("declared before"));
        assert!(bad("show {v}", "{v: {kind: volume, colour: red}}").contains("unknown field"));
        assert!(bad("list", "{}").contains("do not run show"));
    }

    #[test]
    fn expands_ids_names_and_builtins() {
        let values: BTreeMap<String, String> = [
            ("volume", "1234"),
            ("volume.name", "parity-v"),
            ("name", "parity-new"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            expand("{volume}/{volume.id}/{volume.name}/{name}", &values).unwrap(),
            "1234/1234/parity-v/parity-new"
        );
        assert!(expand("{other}", &values).is_err());
    }

    #[test]
    fn only_selects_commands_and_cases() {
        let cases = parse(FILE).unwrap();
        assert_eq!(select(cases.clone(), &["show".into()]).unwrap().len(), 2);
        assert_eq!(
            select(cases.clone(), &["show/missing".into()]).unwrap()[0].name,
            "missing"
        );
        assert!(select(cases, &["shwo".into()]).is_err());
    }
}
