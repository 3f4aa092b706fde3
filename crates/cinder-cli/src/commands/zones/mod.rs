//! The availability zone family: `availability-zone-list`.

use anyhow::Result;
use cinder_client::{Cinder, Run};
use clap::Args;
use serde_json::{json, Value};

use super::Cmd;
use crate::output::{columns, Column, OutputArgs};

#[derive(Args, Debug)]
pub struct AvailabilityZoneList {
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for AvailabilityZoneList {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, columns(&["Name", "Status"])))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let answer = cinder
            .raw()
            .list_availability_zones()
            .run_json()
            .await?
            .into_json();
        let zones = answer.get("availabilityZoneInfo").and_then(Value::as_array);
        let rows: Vec<Value> = zones
            .into_iter()
            .flatten()
            .map(|zone| {
                let available = zone.pointer("/zoneState/available") == Some(&Value::Bool(true));
                let status = if available {
                    "available"
                } else {
                    "not available"
                };
                json!({ "name": zone.get("zoneName"), "status": status })
            })
            .collect();
        self.output
            .print_list_sorted_by(&columns(&["Name", "Status"]), Some("name"), rows)
    }
}
