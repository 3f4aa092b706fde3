//! `work-cleanup` (3.24, admin only): asks the services matching the filters to clean up the
//! resources a dead service left half-done, and prints which services will clean and which
//! have nobody to do it.

use anyhow::Result;
use cinder_client::{types, Cinder, Run};
use clap::{Args, ValueEnum};
use serde_json::{json, Map, Value};

use super::shared::body;
use super::Cmd;
use crate::gates::{self, require};
use crate::output::{columns, Column, OutputArgs};
use crate::values;

/// `--resource-type`'s choices, as cinderclient spells them.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ResourceType {
    #[value(name = "Volume")]
    Volume,
    #[value(name = "Snapshot")]
    Snapshot,
}

impl ResourceType {
    fn name(self) -> &'static str {
        match self {
            ResourceType::Volume => "Volume",
            ResourceType::Snapshot => "Snapshot",
        }
    }
}

fn service_columns() -> Vec<Column> {
    columns(&["ID", "Cluster Name", "Host", "Binary"])
}

#[derive(Args, Debug)]
pub struct WorkCleanup {
    /// Cluster name. Default=None.
    #[arg(long, value_name = "cluster-name")]
    pub cluster: Option<String>,
    /// Service host name. Default=None.
    #[arg(long, value_name = "hostname")]
    pub host: Option<String>,
    /// Service binary. Default=None.
    #[arg(long, value_name = "binary")]
    pub binary: Option<String>,
    /// Filter by up/down status, if set to true services need to be up, if set to false
    /// services need to be down. Default is None, which means up/down status is ignored.
    #[arg(long = "is-up", value_name = "True|true|False|false", value_parser = values::true_false)]
    pub is_up: Option<bool>,
    /// Filter by disabled status. Default=None.
    #[arg(long, value_name = "True|true|False|false", value_parser = values::true_false)]
    pub disabled: Option<bool>,
    /// UUID of a resource to cleanup. Default=None.
    #[arg(long = "resource-id", value_name = "resource-id")]
    pub resource_id: Option<String>,
    /// Type of resource to cleanup.
    #[arg(long = "resource-type", value_name = "Volume|Snapshot", value_enum)]
    pub resource_type: Option<ResourceType>,
    /// The service id field from the DB, not the uuid of the service. Default=None.
    #[arg(long = "service-id", value_name = "service-id", value_parser = values::whole_number,
          allow_negative_numbers = true)]
    pub service_id: Option<i64>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for WorkCleanup {
    /// The table format prints the two lists of services; the others the whole answer, whose
    /// fields are the lists.
    fn check(&self) -> Result<()> {
        if self.output.is_table() {
            self.output.check_columns(&service_columns())
        } else {
            self.output
                .check_columns(&columns(&["Cleaning", "Unavailable"]))
        }
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::WORK_CLEANUP)?;
        // What was given, as cinderclient sends it (the booleans as JSON booleans).
        let mut request = Map::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                request.insert(key.to_string(), value);
            }
        };
        put("cluster_name", self.cluster.map(Value::from));
        put("host", self.host.map(Value::from));
        put("binary", self.binary.map(Value::from));
        put("is_up", self.is_up.map(Value::from));
        put("disabled", self.disabled.map(Value::from));
        put("resource_id", self.resource_id.map(Value::from));
        put("resource_type", self.resource_type.map(|t| json!(t.name())));
        put("service_id", self.service_id.map(Value::from));
        let request: types::WorkerCleanupRequest = body(Value::Object(request))?;
        let call = cinder.raw().cleanup_workers().body(request);
        let answer = call.run_json().await?.into_json();
        if !self.output.is_table() {
            return self.output.print_object(&answer);
        }
        let shown = service_columns();
        let lists = [
            ("cleaning", "Following services will be cleaned:"),
            (
                "unavailable",
                "There are no alternative nodes to do cleanup for the following services:",
            ),
        ];
        let mut any = false;
        for (key, title) in lists {
            let services = answer[key].as_array().cloned().unwrap_or_default();
            if !services.is_empty() {
                any = true;
                println!("{title}");
                self.output
                    .print_list_sorted_by(&shown, Some("id"), services)?;
            }
        }
        if !any {
            println!("No cleanable services matched cleanup criteria.");
        }
        Ok(())
    }
}
