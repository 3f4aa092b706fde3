//! `cinder list`: volumes, filtered and paged, in cinderclient's columns.

use anyhow::Result;
use cinder_client::resources::Volumes;
use cinder_client::{ApiVersion, Cinder};
use clap::Args;
use serde_json::Value;

use crate::commands::shared::list::{self, AllTenants, ListFilters, Query};
use crate::commands::Cmd;
use crate::gates;
use crate::kv;
use crate::output::{columns, Column, OutputArgs, PageArgs};
use crate::values::{self, parse_bool};

#[derive(Args, Debug)]
pub struct List {
    /// Filters results by a group_id (API 3.10 and later).
    #[arg(long = "group_id", alias = "group-id", value_name = "group_id")]
    pub group_id: Option<String>,
    #[command(flatten)]
    pub tenants: AllTenants,
    /// Filters results by a name.
    #[arg(long, alias = "display-name", value_name = "name")]
    pub name: Option<String>,
    /// Filters results by a status.
    #[arg(long, value_name = "status")]
    pub status: Option<String>,
    /// Filters results by bootable status.
    #[arg(long, value_name = "True|true|False|false", num_args = 0..=1,
          default_missing_value = "true", value_parser = parse_bool)]
    pub bootable: Option<bool>,
    /// Filters results by a migration status. Admin only.
    #[arg(
        long = "migration_status",
        alias = "migration-status",
        value_name = "migration_status"
    )]
    pub migration_status: Option<String>,
    /// Filters results by a metadata key and value pair.
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value,
          value_terminator = crate::argv::PAIRS_END)]
    pub metadata: Option<Vec<String>>,
    /// Filters results by an image metadata key and value pair (API 3.4 and later).
    #[arg(long = "image_metadata", alias = "image-metadata", value_name = "key=value",
          num_args = 0.., value_parser = values::key_value,
          value_terminator = crate::argv::PAIRS_END)]
    pub image_metadata: Option<Vec<String>>,
    #[command(flatten)]
    pub page: PageArgs,
    /// Comma-separated list of fields to display.
    #[arg(long, value_name = "fields")]
    pub fields: Option<String>,
    /// Display information from single tenant (Admin only).
    // cinderclient takes `--tenant` without a value too, and then lists as without it.
    #[arg(long, value_name = "tenant", num_args = 0..=1)]
    pub tenant: Option<String>,
    #[command(flatten)]
    pub filters: ListFilters,
    /// Show total number of volume entities (API 3.45 and later).
    #[arg(long = "with-count", value_name = "True|False", num_args = 0..=1,
          default_missing_value = "true", value_parser = parse_bool)]
    pub with_count: Option<bool>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl List {
    /// The query beyond paging; needs no server, so mistakes show before connecting.
    fn query(&self) -> Result<Query> {
        let dict = |pairs: &Option<Vec<String>>| -> Result<Option<String>> {
            pairs.as_deref().map(kv::python_dict_from).transpose()
        };
        let all_tenants = self.tenants.given() || self.tenant.is_some();
        // cinderclient's RESOURCE_FILTERS["list"] are the `option`s.
        Query::default()
            .set("all_tenants", all_tenants.then_some(true))
            .option("name", self.name.as_ref())
            .option("status", self.status.as_ref())
            .option("bootable", self.bootable)
            .option("migration_status", self.migration_status.as_ref())
            .option("metadata", dict(&self.metadata)?)
            .set("glance_metadata", dict(&self.image_metadata)?)
            .needs(
                self.image_metadata.is_some(),
                &gates::VOLUME_LIST_IMAGE_METADATA,
            )
            .option("group_id", self.group_id.as_ref())
            .needs(self.group_id.is_some(), &gates::VOLUME_LIST_GROUP_ID)
            .set("project_id", self.tenant.as_ref())
            .set("with_count", self.with_count)
            .needs(self.with_count.is_some(), &gates::VOLUME_LIST_WITH_COUNT)
            .list_filters(&self.filters.pairs)
    }

    /// The columns at `version`, as cinderclient picks them.
    fn columns_at(&self, version: ApiVersion) -> Vec<Column> {
        if let Some(fields) = &self.fields {
            return list::fields_columns(fields);
        }
        let mut headers = HEADERS.to_vec();
        if gates::has(version, &gates::VOLUME_CONSUMES_QUOTA) {
            headers.insert(4, "Consumes Quota");
        }
        if self.tenants.given()
            || self.tenant.is_some()
            || kv::filter_given(&self.filters.pairs, "all_tenants")
        {
            headers.insert(1, "Tenant ID");
        }
        columns(&headers)
    }
}

impl Cmd for List {
    fn check(&self) -> Result<()> {
        self.query().map(drop)
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, self.columns_at(ApiVersion::CLIENT_MAX)))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let columns = self.columns_at(cinder.version());
        list::print_counted::<Volumes>(
            cinder,
            "Volume",
            self.query()?,
            &self.page,
            &self.output,
            &columns,
            row,
        )
        .await
    }
}

/// The columns of `cinder list` (and of `create --count`) before any version adds to them.
pub const HEADERS: [&str; 7] = [
    "ID",
    "Status",
    "Name",
    "Size",
    "Volume Type",
    "Bootable",
    "Attached to",
];

/// A volume as a row of `cinder list`: the server's fields, plus the derived `attached_to`
/// (the servers' IDs, comma-separated) and `tenant_id`.
pub fn row(mut volume: Value) -> Value {
    let servers: Vec<&str> = volume
        .get("attachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| a.get("server_id")?.as_str())
        .collect();
    let attached_to = Value::String(servers.join(","));
    let tenant = volume
        .get("os-vol-tenant-attr:tenant_id")
        .cloned()
        .unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut volume {
        fields.insert("attached_to".into(), attached_to);
        fields.insert("tenant_id".into(), tenant);
    }
    volume
}
