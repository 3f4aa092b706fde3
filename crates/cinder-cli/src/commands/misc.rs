//! Limits, availability zones, messages and API versions.

use anyhow::Result;
use cinder_client::microversion::{MAX_VERSION, MIN_VERSION};
use cinder_client::Cinder;
use cinder_client::Run;
use clap::Args;
use serde_json::{json, Value};

use super::{for_each, json};
use crate::gates::{self, require};
use crate::output::{columns, Column, ListPage, OutputArgs, PageArgs, PageRequest};
use crate::{kv, lookup, values};

/// The columns of `absolute-limits`.
pub fn absolute_limits_columns() -> Vec<Column> {
    columns(&["Name", "Value"])
}

/// The columns of `rate-limits`.
pub fn rate_limits_columns() -> Vec<Column> {
    columns(&["Verb", "URI", "Value", "Remain", "Unit", "Next_Available"])
}

/// The columns of `availability-zone-list`.
pub fn zone_columns() -> Vec<Column> {
    columns(&["Name", "Status"])
}

/// The columns of `message-list`.
pub fn message_columns() -> Vec<Column> {
    columns(&[
        "ID",
        "Resource Type",
        "Resource UUID",
        "Event ID",
        "User Message",
    ])
}

/// The columns of `api-version`.
pub fn api_version_columns() -> Vec<Column> {
    columns(&["ID", "Status", "Version", "Min_version"])
}

/// The columns of `list-filters`.
pub fn filter_columns() -> Vec<Column> {
    columns(&["Resource", "Filters"])
}

/// The columns of `version-list`.
pub fn version_list_columns() -> Vec<Column> {
    columns(&["Id", "Status", "Updated", "Min Version", "Version"])
}

#[derive(Args, Debug)]
pub struct TenantArgs {
    /// Display information for a single tenant (Admin only).
    #[arg(value_name = "tenant_id")]
    pub tenant_id: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

async fn limits(cinder: &Cinder, args: &TenantArgs) -> Result<cinder_client::types::Limits> {
    let mut q = cinder.raw().show_limits();
    if let Some(tenant) = &args.tenant_id {
        q = q.project_id(tenant.clone());
    }
    Ok(q.run().await?.limits)
}

pub async fn absolute_limits(cinder: &Cinder, args: TenantArgs) -> Result<()> {
    let limits = limits(cinder, &args).await?;
    let absolute = json(&limits.absolute)?;
    let mut names: Vec<&String> = absolute
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    // Sorted by name, as cinderclient sorts the table, in every format.
    names.sort();
    let rows: Vec<Value> = names
        .into_iter()
        .map(|name| json!({ "name": name, "value": absolute[name] }))
        .collect();
    args.output.print_list(&absolute_limits_columns(), rows)
}

pub async fn rate_limits(cinder: &Cinder, args: TenantArgs) -> Result<()> {
    let limits = limits(cinder, &args).await?;
    let mut rows = Vec::new();
    for rate in &limits.rate {
        for entry in &rate.limit {
            rows.push(json!({
                "verb": entry.verb,
                "uri": rate.uri,
                "value": entry.value,
                "remain": entry.remaining,
                "unit": entry.unit,
                "next_available": entry.next_available,
            }));
        }
    }
    args.output
        .print_list_sorted_by(&rate_limits_columns(), Some("verb"), rows)
}

pub async fn availability_zones(cinder: &Cinder, output: OutputArgs) -> Result<()> {
    let list = cinder.raw().list_availability_zones().run().await?;
    let rows: Vec<Value> = list
        .availability_zone_info
        .iter()
        .map(|zone| {
            let status = if zone.zone_state.available {
                "available"
            } else {
                "not available"
            };
            json!({ "name": zone.zone_name, "status": status })
        })
        .collect();
    output.print_list_sorted_by(&zone_columns(), Some("name"), rows)
}

#[derive(Args, Debug)]
pub struct MessageListArgs {
    // Paging and sorting need API 3.5 (checked in message_list).
    #[command(flatten)]
    pub page: PageArgs,
    /// Filters results by a resource uuid.
    #[arg(
        long = "resource_uuid",
        alias = "resource-uuid",
        value_name = "resource_uuid"
    )]
    pub resource_uuid: Option<String>,
    /// Filters results by a resource type.
    #[arg(long = "resource_type", alias = "resource-type", value_name = "type")]
    pub resource_type: Option<String>,
    /// Filters results by event id.
    #[arg(long = "event_id", alias = "event-id", value_name = "id")]
    pub event_id: Option<String>,
    /// Filters results by request id.
    #[arg(long = "request_id", alias = "request-id", value_name = "request_id")]
    pub request_id: Option<String>,
    /// Filters results by the message level.
    #[arg(long, value_name = "level")]
    pub level: Option<String>,
    /// Filter key and value pairs (API 3.33 and later): any filter the cloud enables (see
    /// list-filters); key~=value matches inexactly (3.34 and later).
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value)]
    pub filters: Option<Vec<String>>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The query of a message list beyond paging: what the options set, then `--filters` as they
/// are.
struct MessageFilters {
    resource_uuid: Option<String>,
    resource_type: Option<String>,
    event_id: Option<String>,
    request_id: Option<String>,
    message_level: Option<String>,
    filters: Vec<(String, String)>,
}

impl MessageFilters {
    /// The query the options ask for; needs no server, so mistakes show before connecting.
    fn from_args(args: &MessageListArgs) -> Result<Self> {
        // cinderclient sends the type and the level in capitals (Cinder stores them so).
        let mut f = MessageFilters {
            resource_uuid: args.resource_uuid.clone(),
            resource_type: args.resource_type.as_ref().map(|t| t.to_uppercase()),
            event_id: args.event_id.clone(),
            request_id: args.request_id.clone(),
            message_level: args.level.as_ref().map(|l| l.to_uppercase()),
            filters: Vec::new(),
        };
        if let Some(filters) = &args.filters {
            let mut filters = kv::filters(filters)?;
            // cinderclient's RESOURCE_FILTERS["message-list"] with the options that set them
            // (--level is not among them: cinderclient lets it win over the filter).
            kv::check_filters_once(
                &filters,
                &[
                    ("resource_uuid", args.resource_uuid.is_some()),
                    ("resource_type", args.resource_type.is_some()),
                    ("event_id", args.event_id.is_some()),
                    ("request_id", args.request_id.is_some()),
                ],
            )?;
            if args.level.is_some() {
                filters.remove("message_level");
            }
            // cinderclient leaves out a filter with an empty value.
            f.filters = filters.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        }
        Ok(f)
    }
}

/// Checks `message-list`'s options before connecting.
pub fn check_message_list(args: &MessageListArgs) -> Result<()> {
    MessageFilters::from_args(args)?;
    args.output.check_columns(&message_columns())
}

pub async fn message_list(cinder: &Cinder, args: MessageListArgs) -> Result<()> {
    require(cinder, &gates::MESSAGE_LIST)?;
    if args.page.any() {
        require(cinder, &gates::MESSAGE_LIST_PAGING)?;
    }
    if args.filters.is_some() {
        require(cinder, &gates::FILTERS)?;
    }
    let MessageFilters {
        resource_uuid,
        resource_type,
        event_id,
        request_id,
        message_level,
        filters,
    } = MessageFilters::from_args(&args)?;
    let sort = args.page.sort.clone();
    // cinderclient sorts the table by ID unless the server was asked for an order.
    let sort_by = args.page.sort.is_none().then_some("id");
    let mut out = args.output.list(&message_columns())?.sort_table_by(sort_by);
    let fetch = |request: PageRequest| {
        let mut q = cinder.raw().list_messages();
        let PageRequest { marker, limit } = request;
        macro_rules! set {
            ($($field:ident),*) => {$(
                if let Some(v) = $field.clone() { q = q.$field(v); }
            )*};
        }
        set!(
            resource_uuid,
            resource_type,
            event_id,
            request_id,
            message_level,
            marker,
            limit,
            sort
        );
        let filters = filters.clone();
        async move {
            let list = cinder_client::with_query(filters, q).run().await?;
            Ok(ListPage {
                rows: list.messages.iter().map(json).collect::<Result<_>>()?,
                links: list.messages_links,
                count: None,
            })
        }
    };
    args.page.stream(&mut out, fetch).await?;
    out.finish()?;
    Ok(())
}

#[derive(Args, Debug)]
pub struct MessageArgs {
    /// ID of message.
    #[arg(value_name = "message", value_parser = values::id)]
    pub message: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub async fn message_show(cinder: &Cinder, args: MessageArgs) -> Result<()> {
    require(cinder, &gates::MESSAGE_SHOW)?;
    let message = lookup::message(cinder, &args.message).await?;
    args.output.print_object(&message)
}

#[derive(Args, Debug)]
pub struct MessagesArgs {
    /// ID of one or more message to be deleted.
    #[arg(value_name = "message", required = true, value_parser = values::id)]
    pub messages: Vec<String>,
}

pub async fn message_delete(cinder: &Cinder, args: MessagesArgs) -> Result<()> {
    require(cinder, &gates::MESSAGE_DELETE)?;
    for_each(&args.messages, "Delete", "message", |id| async move {
        lookup::message(cinder, &id).await?;
        cinder.raw().delete_message().message_id(id).run().await?;
        Ok(())
    })
    .await
}

/// The server's versions document (`GET <service root>/`).
async fn versions(cinder: &Cinder) -> Result<Vec<cinder_client::types::Version>> {
    Ok(cinder.versions().await?.versions)
}

pub async fn api_version(cinder: &Cinder, output: OutputArgs) -> Result<()> {
    let versions = versions(cinder).await?;
    let rows: Vec<Value> = versions
        .iter()
        .filter(|v| v.status == "CURRENT")
        .map(json)
        .collect::<Result<_>>()?;
    output.print_list_sorted_by(&api_version_columns(), Some("id"), rows)?;
    let server = cinder.server_range();
    output.note(&format!(
        "Using API version {} (server supports {} to {}; client supports 3.{MIN_VERSION} to \
         3.{MAX_VERSION})",
        cinder.version(),
        server.min,
        server.max
    ))
}

pub async fn version_list(cinder: &Cinder, output: OutputArgs) -> Result<()> {
    let available = version_list_columns();
    // Fetched before anything is printed, so that a failure prints nothing.
    let versions = versions(cinder).await?;
    let rows = versions.iter().map(json).collect::<Result<Vec<Value>>>()?;
    output.note(&format!(
        "Client supported API versions:\nMinimum version 3.{MIN_VERSION}\n\
         Maximum version 3.{MAX_VERSION}\n\nServer supported API versions:"
    ))?;
    output.print_list_sorted_by(&available, Some("id"), rows)
}

#[derive(Args, Debug)]
pub struct ListFiltersArgs {
    /// Show enabled filters for specified resource (e.g. volume, snapshot, backup, message).
    #[arg(long, value_name = "resource", value_parser = values::name_or_id)]
    pub resource: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `list-filters`: the filters the cloud accepts in each resource's `--filters` (a trailing
/// `~` marks one that also matches inexactly).
pub async fn list_filters(cinder: &Cinder, args: ListFiltersArgs) -> Result<()> {
    require(cinder, &gates::LIST_FILTERS)?;
    let mut query = cinder.raw().list_resource_filters();
    if let Some(resource) = &args.resource {
        query = query.resource(resource.clone());
    }
    let list = query.run().await?;
    let rows = list
        .resource_filters
        .iter()
        .map(json)
        .collect::<Result<Vec<Value>>>()?;
    args.output
        .print_list_sorted_by(&filter_columns(), Some("resource"), rows)
}
