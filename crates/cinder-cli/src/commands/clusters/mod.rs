//! The clusters family (3.7, admin only): `cluster-list`, `cluster-show`, `cluster-enable`,
//! `cluster-disable`. A cluster is named with its binary, which comes first and may be left
//! out (`cinder-volume`), as cinderclient's `[<binary>] <cluster-name>`.

use anyhow::Result;
use cinder_client::{types, with_query, Cinder, Run};
use clap::Args;
use serde_json::{json, Value};

use super::shared::body;
use super::shared::list::Query;
use super::Cmd;
use crate::gates::{self, require};
use crate::output::{columns, Column, OutputArgs};
use crate::values;

/// The columns of `cluster-list`, with those `--detailed` adds.
fn cluster_columns(detailed: bool) -> Vec<Column> {
    let mut headers = vec!["Name", "Binary", "State", "Status"];
    if detailed {
        headers.extend([
            "Num Hosts",
            "Num Down Hosts",
            "Last Heartbeat",
            "Disabled Reason",
            "Created At",
            "Updated at",
        ]);
    }
    columns(&headers)
}

#[derive(Args, Debug)]
pub struct ClusterList {
    /// Filter by cluster name, without backend will list all clustered services from the same
    /// cluster. Default=None.
    #[arg(long, value_name = "name")]
    pub name: Option<String>,
    /// Cluster binary. Default=None.
    #[arg(long, value_name = "binary")]
    pub binary: Option<String>,
    /// Filter by up/down status. Default=None.
    #[arg(long = "is-up", value_name = "True|true|False|false", value_parser = values::true_false)]
    pub is_up: Option<bool>,
    /// Filter by disabled status. Default=None.
    #[arg(long, value_name = "True|true|False|false", value_parser = values::true_false)]
    pub disabled: Option<bool>,
    /// Filter by number of hosts in the cluster.
    #[arg(long = "num-hosts", value_name = "num-hosts")]
    pub num_hosts: Option<String>,
    /// Filter by number of hosts that are down.
    #[arg(long = "num-down-hosts", value_name = "num-down-hosts")]
    pub num_down_hosts: Option<String>,
    /// Get detailed clustered service information (Default=False).
    #[arg(long)]
    pub detailed: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ClusterList {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, cluster_columns(true)))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::CLUSTERS)?;
        // cinderclient leaves out empty filters.
        let given = |value: &Option<String>| value.clone().filter(|v| !v.is_empty());
        let query = Query::default()
            .set("name", given(&self.name))
            .set("binary", given(&self.binary))
            .set("is_up", self.is_up)
            .set("disabled", self.disabled)
            .set("num_hosts", given(&self.num_hosts))
            .set("num_down_hosts", given(&self.num_down_hosts));
        let raw = cinder.raw();
        let mut answer = if self.detailed {
            with_query(query.pairs(), raw.list_clusters_detail().run_json())
                .await?
                .into_json()
        } else {
            with_query(query.pairs(), raw.list_clusters().run_json())
                .await?
                .into_json()
        };
        let rows = match answer["clusters"].take() {
            Value::Array(rows) => rows,
            _ => Vec::new(),
        };
        let shown = cluster_columns(self.detailed);
        self.output.print_list_sorted_by(&shown, Some("name"), rows)
    }
}

/// `[<binary>] <cluster-name>`: one word is the name, two are the binary and the name.
#[derive(Args, Debug)]
pub struct ClusterName {
    /// Binary to filter by (default: cinder-volume), then the name of the clustered service.
    #[arg(value_name = "[binary] cluster-name", num_args = 1..=2, required = true,
          value_parser = values::name_or_id)]
    pub words: Vec<String>,
}

impl ClusterName {
    /// (binary, name).
    fn parts(&self) -> (&str, &str) {
        match self.words.as_slice() {
            [binary, name] => (binary, name),
            [name] => ("cinder-volume", name),
            // clap takes one or two words.
            _ => unreachable!("a cluster is named with one or two words"),
        }
    }
}

#[derive(Args, Debug)]
pub struct ClusterShow {
    #[command(flatten)]
    pub cluster: ClusterName,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ClusterShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::CLUSTERS.named("cluster-show"))?;
        let (binary, name) = self.cluster.parts();
        let call = cinder
            .raw()
            .show_cluster()
            .cluster_name(name)
            .binary(binary);
        let answer = call.run_json().await?;
        self.output.print_object(&answer.into_json()["cluster"])
    }
}

#[derive(Args, Debug)]
pub struct ClusterEnable {
    #[command(flatten)]
    pub cluster: ClusterName,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ClusterEnable {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::CLUSTERS.named("cluster-enable"))?;
        let (binary, name) = self.cluster.parts();
        let request: types::ClusterEnableRequest = body(json!({"name": name, "binary": binary}))?;
        let answer = cinder
            .raw()
            .enable_cluster()
            .body(request)
            .run_json()
            .await?;
        self.output.print_object(&answer.into_json()["cluster"])
    }
}

#[derive(Args, Debug)]
pub struct ClusterDisable {
    #[command(flatten)]
    pub cluster: ClusterName,
    /// Reason for disabling clustered service.
    #[arg(long, value_name = "reason")]
    pub reason: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ClusterDisable {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::CLUSTERS.named("cluster-disable"))?;
        let (binary, name) = self.cluster.parts();
        let mut request = json!({"name": name, "binary": binary});
        // cinderclient sends a reason only when there is one.
        if let Some(reason) = self.reason.as_deref().filter(|r| !r.is_empty()) {
            request["disabled_reason"] = json!(reason);
        }
        let request: types::ClusterDisableRequest = body(request)?;
        let answer = cinder
            .raw()
            .disable_cluster()
            .body(request)
            .run_json()
            .await?;
        self.output.print_object(&answer.into_json()["cluster"])
    }
}
