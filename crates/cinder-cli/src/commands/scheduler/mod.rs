//! What the scheduler and the volume services report about the back ends: `get-pools` and
//! `get-capabilities` (admin only).

use anyhow::Result;
use cinder_client::{Cinder, Run};
use clap::Args;
use serde_json::{Map, Value};

use super::shared::list::Query;
use super::Cmd;
use crate::output::{OutputArgs, Pretty, Shape};
use crate::values;

#[derive(Args, Debug)]
pub struct GetPools {
    /// Show detailed information about pools.
    #[arg(long)]
    pub detail: bool,
    /// Filter key and value pairs (API 3.33 and later). Please use 'cinder list-filters' to
    /// check enabled filters from server, Default=None.
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value,
          value_terminator = crate::argv::PAIRS_END)]
    pub filters: Option<Vec<String>>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for GetPools {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let query = Query::default()
            .set("detail", self.detail.then_some("True"))
            .list_filters(&self.filters)?;
        query.require(cinder)?;
        let call = cinder.raw().list_pools().run_json();
        let mut answer = cinder_client::with_query(query.pairs(), call)
            .await?
            .into_json();
        let pools = match answer["pools"].take() {
            Value::Array(pools) => pools,
            _ => Vec::new(),
        };
        // As cinderclient: the name, then (with --detail) the capabilities beside it.
        let shown: Vec<Value> = pools
            .into_iter()
            .map(|mut pool| {
                let mut shown = Map::new();
                shown.insert("name".into(), pool["name"].take());
                if self.detail {
                    if let Value::Object(capabilities) = pool["capabilities"].take() {
                        shown.extend(capabilities);
                    }
                }
                Value::Object(shown)
            })
            .collect();
        self.output.print_objects(&shown)
    }
}

#[derive(Args, Debug)]
pub struct GetCapabilities {
    /// Cinder host to show backend volume stats and properties; takes the form:
    /// host@backend-name
    #[arg(value_name = "host", value_parser = values::name_or_id)]
    pub host: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// cinderclient's first table: the stats.
const STATS: Shape = Shape {
    property: "Volume stats",
    pretty: Pretty::Fields(&[]),
};

/// cinderclient's second table: each property's description as `key : value` lines.
const PROPERTIES: Shape = Shape {
    property: "Backend properties",
    pretty: Pretty::Every,
};

impl Cmd for GetCapabilities {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let call = cinder.raw().show_capabilities().host_name(&self.host);
        let mut capabilities = call.run_json().await?.into_json();
        if !self.output.is_table() {
            return self.output.print_object(&capabilities);
        }
        // The properties get a table of their own when they are an object (cinderclient fails
        // on anything else); otherwise they stay a row of the stats, as sent.
        let properties = match capabilities.get("properties") {
            Some(Value::Object(_)) => capabilities
                .as_object_mut()
                .and_then(|c| c.remove("properties")),
            _ => None,
        };
        // `-c` picks rows of the stats table; `-c properties` asks for the second table.
        let is_properties = |c: &String| c.eq_ignore_ascii_case("properties");
        let picked = &self.output.columns;
        let stats: Vec<String> = picked
            .iter()
            .filter(|c| properties.is_none() || !is_properties(c))
            .cloned()
            .collect();
        if picked.is_empty() || !stats.is_empty() {
            let stats_output = OutputArgs {
                columns: stats,
                ..self.output.clone()
            };
            stats_output.print_shaped(&capabilities, STATS)?;
        }
        if let Some(properties) = properties {
            if picked.is_empty() || picked.iter().any(is_properties) {
                let all = OutputArgs {
                    columns: Vec::new(),
                    ..self.output.clone()
                };
                all.print_shaped(&properties, PROPERTIES)?;
            }
        }
        Ok(())
    }
}
