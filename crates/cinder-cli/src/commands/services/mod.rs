//! The services family: `service-list`, `service-enable`, `service-disable`,
//! `service-get-log`, `service-set-log`, `freeze-host`, `thaw-host`, `failover-host`.
//!
//! Cinder 29's enable and disable handlers answer without changing the service (README,
//! "Cinder's own bugs"): the commands send what cinderclient sends and print the answer.

use anyhow::Result;
use cinder_client::{types, Cinder, Run};
use clap::{Args, ValueEnum};
use serde_json::{json, Value};

use super::shared::body;
use super::Cmd;
use crate::gates::{self, require};
use crate::output::{columns, Column, OutputArgs};
use crate::values::{self, parse_bool};

/// The columns of `service-list` at the newest version, with replication and the reason.
fn service_columns() -> Vec<Column> {
    let mut all = columns(&["Binary", "Host", "Zone", "Status", "State", "Updated_at"]);
    all.push(Column::new("Cluster"));
    // Only volume services have these: cinderclient leaves the other rows' cells empty.
    for header in [
        "Replication Status",
        "Active Backend ID",
        "Frozen",
        "Disabled Reason",
        "Backend State",
    ] {
        all.push(Column::new(header).blank_when_missing());
    }
    all
}

#[derive(Args, Debug)]
pub struct ServiceList {
    /// Host name. Default=None.
    #[arg(long, value_name = "hostname")]
    pub host: Option<String>,
    /// Service binary. Default=None.
    #[arg(long, value_name = "binary")]
    pub binary: Option<String>,
    /// Enables or disables display of Replication info for c-vol services. Default=False.
    #[arg(long, value_name = "True|False", num_args = 0..=1, default_missing_value = "true",
          value_parser = parse_bool)]
    pub withreplication: Option<bool>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ServiceList {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, service_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        // cinderclient has --withreplication from the version that shows clusters.
        if self.withreplication.is_some() {
            require(cinder, &gates::SERVICE_LIST_REPLICATION)?;
        }
        let mut list = cinder.raw().list_services();
        // cinderclient sends a filter only when it is not empty.
        if let Some(host) = self.host.as_deref().filter(|h| !h.is_empty()) {
            list = list.host(host);
        }
        if let Some(binary) = self.binary.as_deref().filter(|b| !b.is_empty()) {
            list = list.binary(binary);
        }
        let services = match list.run_json().await?.into_json()["services"].take() {
            Value::Array(services) => services,
            _ => Vec::new(),
        };
        let version = cinder.version();
        let all = service_columns();
        let mut wanted = vec!["Binary", "Host", "Zone", "Status", "State", "Updated_at"];
        if gates::has(version, &gates::SERVICE_CLUSTER) {
            wanted.push("Cluster");
        }
        if self.withreplication.unwrap_or(false) {
            wanted.extend(["Replication Status", "Active Backend ID", "Frozen"]);
        }
        // As cinderclient: the column is there when the first service has the field.
        if services
            .first()
            .is_some_and(|s| s.get("disabled_reason").is_some())
        {
            wanted.push("Disabled Reason");
        }
        if gates::has(version, &gates::SERVICE_BACKEND_STATE) {
            wanted.push("Backend State");
        }
        let shown: Vec<Column> = all
            .into_iter()
            .filter(|c| wanted.contains(&c.header.as_str()))
            .collect();
        self.output
            .print_list_sorted_by(&shown, Some("binary"), services)
    }
}

/// The host and binary of `service-enable` and `service-disable`.
#[derive(Args, Debug)]
pub struct ServiceArgs {
    /// Host name.
    #[arg(value_name = "hostname", value_parser = values::name_or_id)]
    pub host: String,
    /// Service binary.
    #[arg(value_name = "binary", value_parser = values::name_or_id)]
    pub binary: String,
}

#[derive(Args, Debug)]
pub struct ServiceEnable {
    #[command(flatten)]
    pub service: ServiceArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ServiceEnable {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, columns(&["Host", "Binary", "Status"])))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let ServiceArgs { host, binary } = &self.service;
        let request: types::ServiceSelector = body(json!({"host": host, "binary": binary}))?;
        let answer = cinder
            .raw()
            .enable_service()
            .body(request)
            .run_json()
            .await?;
        let shown = columns(&["Host", "Binary", "Status"]);
        self.output.print_list(&shown, vec![answer.into_json()])
    }
}

#[derive(Args, Debug)]
pub struct ServiceDisable {
    #[command(flatten)]
    pub service: ServiceArgs,
    /// Reason for disabling service.
    #[arg(long, value_name = "reason")]
    pub reason: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ServiceDisable {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        let all = columns(&["Host", "Binary", "Status", "Disabled Reason"]);
        Some((&self.output, all))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let ServiceArgs { host, binary } = &self.service;
        let raw = cinder.raw();
        // cinderclient uses disable-log-reason for a non-empty reason only.
        let (answer, shown) = match self.reason.as_deref().filter(|r| !r.is_empty()) {
            Some(reason) => {
                let request: types::ServiceDisableReasonRequest =
                    body(json!({"host": host, "binary": binary, "disabled_reason": reason}))?;
                let call = raw.disable_service_log_reason().body(request);
                let shown = columns(&["Host", "Binary", "Status", "Disabled Reason"]);
                (call.run_json().await?, shown)
            }
            None => {
                let request: types::ServiceSelector =
                    body(json!({"host": host, "binary": binary}))?;
                let call = raw.disable_service().body(request);
                (
                    call.run_json().await?,
                    columns(&["Host", "Binary", "Status"]),
                )
            }
        };
        self.output.print_list(&shown, vec![answer.into_json()])
    }
}

/// cinderclient's choices of `--binary` for the log commands.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LogBinary {
    #[value(name = "")]
    All,
    #[value(name = "*")]
    Every,
    #[value(name = "cinder-api")]
    Api,
    #[value(name = "cinder-volume")]
    Volume,
    #[value(name = "cinder-scheduler")]
    Scheduler,
    #[value(name = "cinder-backup")]
    Backup,
}

impl LogBinary {
    fn name(self) -> &'static str {
        match self {
            LogBinary::All => "",
            LogBinary::Every => "*",
            LogBinary::Api => "cinder-api",
            LogBinary::Volume => "cinder-volume",
            LogBinary::Scheduler => "cinder-scheduler",
            LogBinary::Backup => "cinder-backup",
        }
    }
}

/// The options of `service-get-log` and `service-set-log`.
#[derive(Args, Debug)]
pub struct LogArgs {
    /// Binary to query or change.
    #[arg(long, value_enum, default_value = "", hide_default_value = true)]
    pub binary: LogBinary,
    /// Host or cluster value for service.
    #[arg(long, default_value = "")]
    pub server: String,
    /// Prefix for the log. ie: "cinder.volume.drivers.".
    #[arg(long, default_value = "")]
    pub prefix: String,
}

/// The columns of `service-get-log`.
fn log_columns() -> Vec<Column> {
    columns(&["Binary", "Host", "Prefix", "Level"])
}

#[derive(Args, Debug)]
pub struct ServiceGetLog {
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ServiceGetLog {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, log_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::SERVICE_GET_LOG)?;
        let LogArgs {
            binary,
            server,
            prefix,
        } = &self.log;
        let request: types::ServiceLogRequest =
            body(json!({"binary": binary.name(), "server": server, "prefix": prefix}))?;
        let call = cinder.raw().get_service_log_levels().body(request);
        let answer = call.run_json().await?.into_json();
        // One row per logger, each service's loggers sorted by name, as cinderclient does.
        let mut rows = Vec::new();
        for entry in answer["log_levels"].as_array().into_iter().flatten() {
            let mut levels: Vec<(&String, &Value)> = entry
                .get("levels")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .collect();
            levels.sort_by(|a, b| a.0.cmp(b.0));
            for (prefix, level) in levels {
                let field = |key: &str| entry.get(key).cloned().unwrap_or(Value::Null);
                rows.push(json!({"binary": field("binary"), "host": field("host"),
                                 "prefix": prefix, "level": level}));
            }
        }
        self.output
            .print_list_sorted_by(&log_columns(), Some("binary"), rows)
    }
}

/// cinderclient's choices of the level.
const LEVELS: [&str; 8] = [
    "INFO", "WARNING", "ERROR", "DEBUG", "info", "warning", "error", "debug",
];

#[derive(Args, Debug)]
pub struct ServiceSetLog {
    /// Desired log level.
    #[arg(value_name = "log-level", value_parser = LEVELS)]
    pub level: String,
    #[command(flatten)]
    pub log: LogArgs,
}

impl Cmd for ServiceSetLog {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::SERVICE_SET_LOG)?;
        let LogArgs {
            binary,
            server,
            prefix,
        } = &self.log;
        let request: types::ServiceSetLogRequest = body(json!({
            "level": self.level, "binary": binary.name(), "server": server, "prefix": prefix}))?;
        cinder
            .raw()
            .set_service_log_levels()
            .body(request)
            .run()
            .await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct FreezeHost {
    /// Host name.
    #[arg(value_name = "hostname", value_parser = values::name_or_id)]
    pub host: String,
}

impl Cmd for FreezeHost {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let request: types::ServiceHostRequest = body(json!({"host": self.host}))?;
        cinder.raw().freeze_host().body(request).run().await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct ThawHost {
    /// Host name.
    #[arg(value_name = "hostname", value_parser = values::name_or_id)]
    pub host: String,
}

impl Cmd for ThawHost {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let request: types::ServiceHostRequest = body(json!({"host": self.host}))?;
        cinder.raw().thaw_host().body(request).run().await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct FailoverHost {
    /// Host name.
    #[arg(value_name = "hostname", value_parser = values::name_or_id)]
    pub host: String,
    /// ID of backend to failover to (Default=None)
    #[arg(long = "backend_id", alias = "backend-id", value_name = "backend-id")]
    pub backend_id: Option<String>,
}

impl Cmd for FailoverHost {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let sent = json!({"host": self.host, "backend_id": self.backend_id});
        let request: types::ServiceFailoverRequest = body(sent.clone())?;
        // As cinderclient sends it, `"backend_id": null` included (the generated request type
        // would leave it out).
        let failover = cinder.raw().failover_host().body(request);
        cinder_client::with_body(sent, failover.run()).await?;
        Ok(())
    }
}
