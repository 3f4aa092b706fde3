//! The limits family: `absolute-limits` and `rate-limits`.

use anyhow::Result;
use cinder_client::{Cinder, Run};
use clap::Args;
use serde_json::{json, Value};

use super::Cmd;
use crate::output::{columns, Column, OutputArgs};

#[derive(Args, Debug)]
pub struct TenantArgs {
    /// Display information for a single tenant (Admin only).
    #[arg(value_name = "tenant_id")]
    pub tenant_id: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The `limits` object of `GET /limits`, as the server sent it.
async fn limits(cinder: &Cinder, tenant: &Option<String>) -> Result<Value> {
    let mut request = cinder.raw().show_limits();
    if let Some(tenant) = tenant {
        request = request.project_id(tenant);
    }
    Ok(request.run_json().await?.into_json()["limits"].take())
}

#[derive(Args, Debug)]
pub struct AbsoluteLimits {
    #[command(flatten)]
    pub args: TenantArgs,
}

impl Cmd for AbsoluteLimits {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.args.output, columns(&["Name", "Value"])))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let limits = limits(cinder, &self.args.tenant_id).await?;
        let absolute = limits.get("absolute").and_then(Value::as_object);
        // Sorted by name, as cinderclient sorts the table, in every format.
        let mut rows: Vec<Value> = absolute
            .into_iter()
            .flatten()
            .map(|(name, value)| json!({ "name": name, "value": value }))
            .collect();
        rows.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        self.args
            .output
            .print_list(&columns(&["Name", "Value"]), rows)
    }
}

/// The columns of `rate-limits`.
fn rate_columns() -> Vec<Column> {
    columns(&["Verb", "URI", "Value", "Remain", "Unit", "Next_Available"])
}

#[derive(Args, Debug)]
pub struct RateLimits {
    #[command(flatten)]
    pub args: TenantArgs,
}

impl Cmd for RateLimits {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.args.output, rate_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let limits = limits(cinder, &self.args.tenant_id).await?;
        let mut rows = Vec::new();
        for rate in limits
            .get("rate")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for entry in rate
                .get("limit")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let field = |key: &str| entry.get(key).cloned().unwrap_or(Value::Null);
                rows.push(json!({
                    "verb": field("verb"),
                    "uri": rate.get("uri").cloned().unwrap_or(Value::Null),
                    "value": field("value"),
                    "remain": field("remaining"),
                    "unit": field("unit"),
                    "next_available": field("next-available"),
                }));
            }
        }
        self.args
            .output
            .print_list_sorted_by(&rate_columns(), Some("verb"), rows)
    }
}
