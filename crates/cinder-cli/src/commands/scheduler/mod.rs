//! What the scheduler and the volume services report about the back ends: `get-pools` and
//! `get-capabilities` (admin only).

use anyhow::Result;
use cinder_client::{Cinder, Run};
use clap::Args;
use serde_json::{Map, Value};

use super::shared::list::Query;
use super::Cmd;
use crate::output::{Apart, OutputArgs, Pretty, Shape, Takes};
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

/// cinderclient's two tables: the stats, then each property's description as `key : value`
/// lines. The properties get a table of their own when they are an object (cinderclient fails
/// on anything else; they then stay a row of the stats, as sent), empty or not; `-c` picks rows
/// of the stats, and `-c properties` the second table.
const PROPERTIES: Apart = Apart {
    key: "properties",
    shapes: [
        Shape {
            property: "Volume stats",
            pretty: Pretty::Fields(&[]),
        },
        Shape {
            property: "Backend properties",
            pretty: Pretty::Every,
        },
    ],
    takes: Takes::Object,
    prints_empty: true,
    selectable: true,
};

impl Cmd for GetCapabilities {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let call = cinder.raw().show_capabilities().host_name(&self.host);
        let capabilities = call.run_json().await?.into_json();
        self.output.print_apart(&capabilities, &PROPERTIES)
    }
}
