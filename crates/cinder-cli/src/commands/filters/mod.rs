//! The resource filter family: `list-filters`, the filters the cloud accepts in each
//! resource's `--filters` (a trailing `~` marks one that also matches inexactly).

use anyhow::Result;
use cinder_client::{Cinder, Run};
use clap::Args;
use serde_json::Value;

use super::Cmd;
use crate::gates::{self, require};
use crate::output::{Column, OutputArgs};
use crate::values;

/// The columns of `list-filters`; the table joins the filter names with `, ` as cinderclient's
/// formatter does (JSON keeps the list).
fn filter_columns() -> Vec<Column> {
    vec![
        Column::new("Resource"),
        Column::new("Filters").formatted(joined),
    ]
}

fn joined(filters: &Value) -> String {
    let names = filters.as_array().into_iter().flatten();
    let names: Vec<String> = names.map(crate::output::cell_text).collect();
    names.join(", ")
}

#[derive(Args, Debug)]
pub struct ListFilters {
    /// Show enabled filters for specified resource (e.g. volume, snapshot, backup, message).
    #[arg(long, value_name = "resource", value_parser = values::name_or_id)]
    pub resource: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ListFilters {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, filter_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::LIST_FILTERS)?;
        let mut request = cinder.raw().list_resource_filters();
        if let Some(resource) = &self.resource {
            request = request.resource(resource);
        }
        let mut answer = request.run_json().await?.into_json();
        let rows = answer["resource_filters"].take();
        let rows: Vec<Value> = serde_json::from_value(rows).unwrap_or_default();
        self.output
            .print_list_sorted_by(&filter_columns(), Some("resource"), rows)
    }
}
