//! The quota family: `quota-show`, `quota-usage`, `quota-defaults`, `quota-update`,
//! `quota-delete`, `quota-class-show`, `quota-class-update`.

use anyhow::{bail, Result};
use cinder_client::{types, Cinder, Run};
use clap::Args;
use serde_json::{json, Map, Value};

use super::shared::body;
use super::Cmd;
use crate::output::{columns, Column, OutputArgs};
use crate::values;

/// cinderclient's `_quota_resources`: a key of a quota set is printed when it starts with one of
/// these (so `volumes_<type>` too, and never `id`).
const RESOURCES: [&str; 7] = [
    "volumes",
    "snapshots",
    "gigabytes",
    "backups",
    "backup_gigabytes",
    "per_volume_gigabytes",
    "groups",
];

fn is_quota(key: &str) -> bool {
    RESOURCES.iter().any(|r| key.starts_with(r))
}

/// The quotas of a quota set or class set, without `id` and anything that is no quota.
fn quotas_of(set: &Value) -> Value {
    let quotas: Map<String, Value> = set
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(key, _)| is_quota(key))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    Value::Object(quotas)
}

#[derive(Args, Debug)]
pub struct QuotaShow {
    /// ID of tenant for which to list quotas.
    #[arg(value_name = "tenant_id", value_parser = values::project_id)]
    pub tenant: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `GET /os-quota-sets/{tenant}?usage=...`, the `quota_set` as the server sent it.
async fn quota_set(cinder: &Cinder, tenant: &str, usage: bool) -> Result<Value> {
    // cinderclient sends `usage=False` too, in Python's spelling.
    let usage = if usage { "True" } else { "False" };
    let answer = cinder
        .raw()
        .show_quota_set()
        .target_project_id(tenant)
        .usage(usage)
        .run_json()
        .await?;
    Ok(answer.into_json()["quota_set"].take())
}

impl Cmd for QuotaShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let set = quota_set(cinder, &self.tenant, false).await?;
        self.output.print_object(&quotas_of(&set))
    }
}

/// The columns of `quota-usage` (cinderclient's `_quota_infos`).
fn usage_columns() -> Vec<Column> {
    let mut all = columns(&["Type", "In_use", "Reserved", "Limit"]);
    // Cinder 29 never sends `allocated` (only the nested quota driver did).
    all.push(Column::new("Allocated").blank_when_missing());
    all
}

#[derive(Args, Debug)]
pub struct QuotaUsage {
    /// ID of tenant for which to list quota usage.
    #[arg(value_name = "tenant_id", value_parser = values::project_id)]
    pub tenant: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for QuotaUsage {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, usage_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let set = quota_set(cinder, &self.tenant, true).await?;
        let rows = quotas_of(&set)
            .as_object()
            .into_iter()
            .flatten()
            .map(|(key, usage)| {
                // One row per quota, its fields under the column keys (`in_use`, ...); a
                // quota that is not an object has only its type.
                let mut row = usage.as_object().cloned().unwrap_or_default();
                row.insert("type".into(), json!(key));
                Value::Object(row)
            })
            .collect();
        self.output
            .print_list_sorted_by(&usage_columns(), Some("type"), rows)
    }
}

#[derive(Args, Debug)]
pub struct QuotaDefaults {
    /// ID of tenant for which to list quota defaults.
    #[arg(value_name = "tenant_id", value_parser = values::project_id)]
    pub tenant: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for QuotaDefaults {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let answer = cinder
            .raw()
            .show_quota_set_defaults()
            .target_project_id(&self.tenant)
            .run_json()
            .await?;
        self.output
            .print_object(&quotas_of(&answer.into_json()["quota_set"]))
    }
}

/// The quota options shared by `quota-update` and `quota-class-update`.
#[derive(Args, Debug)]
pub struct QuotaValues {
    /// The new "volumes" quota value. Default=None.
    #[arg(long, value_name = "volumes", value_parser = values::quota, allow_negative_numbers = true)]
    pub volumes: Option<i64>,
    /// The new "snapshots" quota value. Default=None.
    #[arg(long, value_name = "snapshots", value_parser = values::quota, allow_negative_numbers = true)]
    pub snapshots: Option<i64>,
    /// The new "gigabytes" quota value. Default=None.
    #[arg(long, value_name = "gigabytes", value_parser = values::quota, allow_negative_numbers = true)]
    pub gigabytes: Option<i64>,
    /// The new "backups" quota value. Default=None.
    #[arg(long, value_name = "backups", value_parser = values::quota, allow_negative_numbers = true)]
    pub backups: Option<i64>,
    /// The new "backup_gigabytes" quota value. Default=None.
    #[arg(long = "backup-gigabytes", value_name = "backup_gigabytes", value_parser = values::quota, allow_negative_numbers = true)]
    pub backup_gigabytes: Option<i64>,
    /// Volume type. Default=None.
    #[arg(long = "volume-type", value_name = "volume_type_name")]
    pub volume_type: Option<String>,
    /// Set max volume size limit. Default=None.
    #[arg(long = "per-volume-gigabytes", value_name = "per_volume_gigabytes", value_parser = values::quota, allow_negative_numbers = true)]
    pub per_volume_gigabytes: Option<i64>,
}

impl QuotaValues {
    /// The quotas to set, as cinderclient's `quota_update` names them: with `--volume-type`,
    /// every one becomes `<quota>_<type>` (Cinder knows only volumes, snapshots and gigabytes
    /// per type and says so for the others). Refused when there is none, as cinderclient does.
    fn updates(&self, groups: Option<i64>) -> Result<Map<String, Value>> {
        let all = [
            ("volumes", self.volumes),
            ("snapshots", self.snapshots),
            ("gigabytes", self.gigabytes),
            ("backups", self.backups),
            ("backup_gigabytes", self.backup_gigabytes),
            ("per_volume_gigabytes", self.per_volume_gigabytes),
            ("groups", groups),
        ];
        let updates: Map<String, Value> = all
            .into_iter()
            .filter_map(|(name, value)| {
                let name = match &self.volume_type {
                    Some(volume_type) => format!("{name}_{volume_type}"),
                    None => name.to_string(),
                };
                value.map(|value| (name, json!(value)))
            })
            .collect();
        if updates.is_empty() {
            bail!("Must supply at least one quota field to update.");
        }
        Ok(updates)
    }
}

#[derive(Args, Debug)]
pub struct QuotaUpdate {
    /// ID of tenant for which to set quotas.
    #[arg(value_name = "tenant_id", value_parser = values::project_id)]
    pub tenant: String,
    #[command(flatten)]
    pub values: QuotaValues,
    /// The new "groups" quota value. Default=None.
    #[arg(long, value_name = "groups", value_parser = values::quota, allow_negative_numbers = true)]
    pub groups: Option<i64>,
    /// Skip validate the existing resource quota. Default=False.
    #[arg(long = "skip-validation", value_name = "skip_validation")]
    pub skip_validation: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for QuotaUpdate {
    fn check(&self) -> Result<()> {
        self.values.updates(self.groups).map(drop)
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let mut quota_set = self.values.updates(self.groups)?;
        quota_set.insert("tenant_id".into(), json!(self.tenant));
        let request: types::QuotaSetUpdateRequest = body(json!({ "quota_set": quota_set }))?;
        let mut update = cinder
            .raw()
            .update_quota_set()
            .target_project_id(&self.tenant)
            .body(request);
        // cinderclient asks for the check against the usage (`skip_validation=False`) unless
        // --skip-validation is given a value Python finds true (any non-empty string, even
        // "False"). Cinder 29 checks either way.
        if self
            .skip_validation
            .as_deref()
            .unwrap_or_default()
            .is_empty()
        {
            update = update.skip_validation("False");
        }
        let answer = update.run_json().await?;
        self.output
            .print_object(&quotas_of(&answer.into_json()["quota_set"]))
    }
}

#[derive(Args, Debug)]
pub struct QuotaDelete {
    /// UUID of tenant to delete the quotas for.
    #[arg(value_name = "tenant_id", value_parser = values::project_id)]
    pub tenant: String,
}

impl Cmd for QuotaDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        cinder
            .raw()
            .delete_quota_set()
            .target_project_id(&self.tenant)
            .run()
            .await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct QuotaClassShow {
    /// Name of quota class for which to list quotas.
    #[arg(value_name = "class", value_parser = values::name_or_id)]
    pub class_name: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for QuotaClassShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let answer = cinder
            .raw()
            .show_quota_class_set()
            .quota_class_name(&self.class_name)
            .run_json()
            .await?;
        self.output
            .print_object(&quotas_of(&answer.into_json()["quota_class_set"]))
    }
}

#[derive(Args, Debug)]
pub struct QuotaClassUpdate {
    /// Name of quota class for which to set quotas.
    #[arg(value_name = "class_name", value_parser = values::name_or_id)]
    pub class_name: String,
    #[command(flatten)]
    pub values: QuotaValues,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for QuotaClassUpdate {
    fn check(&self) -> Result<()> {
        self.values.updates(None).map(drop)
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let quota_class_set = self.values.updates(None)?;
        let request: types::QuotaClassSetUpdateRequest =
            body(json!({ "quota_class_set": quota_class_set }))?;
        let answer = cinder
            .raw()
            .update_quota_class_set()
            .quota_class_name(&self.class_name)
            .body(request)
            .run_json()
            .await?;
        self.output
            .print_object(&quotas_of(&answer.into_json()["quota_class_set"]))
    }
}
