//! The attachment family (API 3.27 and later): `attachment-create`, `-delete`, `-list`,
//! `-show`, `-update` and `-complete` (3.44).

use anyhow::{bail, Result};
use cinder_client::resources::Volumes;
use cinder_client::{types, Cinder, Run};
use clap::Args;
use serde_json::{json, Map, Value};

use super::shared::body;
use super::shared::find::find_id;
use super::shared::list::{self, AllTenants, ListFilters, Query};
use super::Cmd;
use crate::gates::{self, require};
use crate::output::{columns, Apart, Column, OutputArgs, PageArgs, Shape, Takes};
use crate::values;

/// The connector options `attachment-create` and `attachment-update` share, with
/// cinderclient's defaults; their values are sent as given (strings), as cinderclient sends
/// them (`--multipath True` is the string `"True"`).
#[derive(Args, Debug)]
pub struct ConnectorArgs {
    /// iqn of the initiator attaching to.  Default=None.
    #[arg(long, value_name = "initiator")]
    pub initiator: Option<String>,
    /// ip of the system attaching to.  Default=None.
    #[arg(long, value_name = "ip")]
    pub ip: Option<String>,
    /// Name of the host attaching to. Default=None.
    #[arg(long, value_name = "host")]
    pub host: Option<String>,
    /// Platform type. Default=x86_64.
    #[arg(long, value_name = "platform", default_value = "x86_64")]
    pub platform: String,
    /// OS type. Default=linux2.
    #[arg(long, value_name = "ostype", default_value = "linux2")]
    pub ostype: String,
    /// Use multipath. Default=False.
    #[arg(long, value_name = "multipath")]
    pub multipath: Option<String>,
    /// Mountpoint volume will be attached at. Default=None.
    #[arg(long, value_name = "mountpoint")]
    pub mountpoint: Option<String>,
}

impl ConnectorArgs {
    /// cinderclient's connector: every key, `null` for the options not given, `multipath`
    /// false unless given.
    fn connector(&self) -> Value {
        let multipath = match &self.multipath {
            Some(text) => json!(text),
            None => json!(false),
        };
        json!({
            "initiator": self.initiator,
            "ip": self.ip,
            "platform": self.platform,
            "host": self.host,
            "os_type": self.ostype,
            "multipath": multipath,
            "mountpoint": self.mountpoint,
        })
    }
}

/// cinderclient pops `connection_info` (whatever it holds) and prints it in a second table
/// when it is not empty, and only without `-c`.
const CONNECTION_INFO: Apart = Apart {
    key: "connection_info",
    shapes: [Shape::PLAIN, Shape::PLAIN],
    takes: Takes::Any,
    prints_empty: false,
    selectable: false,
};

/// Prints an attachment as cinderclient does: its fields without `connection_info` in one
/// table, then `connection_info` in a second when it is not empty.
fn print_attachment(output: &OutputArgs, attachment: Value) -> Result<()> {
    output.print_apart(&attachment, &CONNECTION_INFO)
}

/// The attachment a create or update answered with.
fn attachment_of(answer: Value) -> Value {
    match answer {
        Value::Object(mut fields) => fields.remove("attachment").unwrap_or(Value::Null),
        other => other,
    }
}

/// `--connect`, as oslo's `bool_from_string(strict=True)` reads it.
fn connect(text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "1" | "t" | "true" | "on" | "y" | "yes" => Ok(true),
        "0" | "f" | "false" | "off" | "n" | "no" => Ok(false),
        _ => Err(format!(
            "Unrecognized value '{text}', acceptable values are: '0', '1', 'f', 'false', 'n', \
             'no', 'off', 'on', 't', 'true', 'y', 'yes'"
        )),
    }
}

#[derive(Args, Debug)]
pub struct AttachmentCreate {
    /// Name or ID of volume or volumes to attach.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// ID of server attaching to.
    #[arg(value_name = "server_id")]
    pub server_id: Option<String>,
    /// Make an active connection using provided connector info (True or False).
    #[arg(long, value_name = "connect", value_parser = connect)]
    pub connect: Option<bool>,
    #[command(flatten)]
    pub connector: ConnectorArgs,
    /// Mode of attachment, rw, ro and null, where null indicates we want to honor any existing
    /// admin-metadata settings (API 3.54 and later).  Default=null.
    #[arg(long, value_name = "mode")]
    pub mode: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for AttachmentCreate {
    fn check(&self) -> Result<()> {
        // cinderclient sends any mode and Cinder refuses all but these (400); found here,
        // before the volume is looked up.
        match self.mode.as_deref() {
            None | Some("" | "null" | "rw" | "ro") => Ok(()),
            Some(other) => bail!("Invalid mode '{other}': use rw, ro or null."),
        }
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::ATTACHMENTS.named("attachment-create"))?;
        if self.mode.is_some() {
            require(cinder, &gates::ATTACHMENT_MODE)?;
        }
        // Without --connect (or with a false one) cinderclient sends an empty connector: the
        // volume is only reserved.
        let connector = if self.connect == Some(true) {
            self.connector.connector()
        } else {
            json!({})
        };
        let volume_id = find_id::<Volumes>(cinder, &self.volume).await?;
        let mut attachment = Map::new();
        attachment.insert("volume_uuid".into(), json!(volume_id));
        attachment.insert("connector".into(), connector);
        if let Some(server) = self.server_id.as_ref().filter(|s| !s.is_empty()) {
            attachment.insert("instance_uuid".into(), json!(server));
        }
        // `null` (the default) leaves the mode to the volume's admin metadata: not sent.
        if let Some(mode) = self.mode.as_ref().filter(|m| !m.is_empty() && *m != "null") {
            attachment.insert("mode".into(), json!(mode));
        }
        let request: types::AttachmentCreateRequest = body(json!({ "attachment": attachment }))?;
        let answer = cinder
            .raw()
            .create_attachment()
            .body(request)
            .run_json()
            .await?;
        print_attachment(&self.output, attachment_of(answer.into_json()))
    }
}

#[derive(Args, Debug)]
pub struct AttachmentUpdate {
    /// ID of attachment.
    #[arg(value_name = "attachment", value_parser = values::id)]
    pub attachment: String,
    #[command(flatten)]
    pub connector: ConnectorArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for AttachmentUpdate {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::ATTACHMENTS.named("attachment-update"))?;
        let connector = self.connector.connector();
        let request: types::AttachmentUpdateRequest =
            body(json!({ "attachment": { "connector": connector } }))?;
        let answer = cinder
            .raw()
            .update_attachment()
            .attachment_id(&self.attachment)
            .body(request)
            .run_json()
            .await?;
        print_attachment(&self.output, attachment_of(answer.into_json()))
    }
}

#[derive(Args, Debug)]
pub struct AttachmentShow {
    /// ID of attachment.
    #[arg(value_name = "attachment", value_parser = values::id)]
    pub attachment: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for AttachmentShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::ATTACHMENTS.named("attachment-show"))?;
        // By ID only, as cinderclient (no lookup by name): an unknown ID is Cinder's 404.
        let attachment = cinder.attachments().show_json(&self.attachment).await?;
        print_attachment(&self.output, attachment)
    }
}

/// The columns of `attachment-list`.
fn attachment_columns() -> Vec<Column> {
    columns(&["ID", "Volume ID", "Status", "Server ID"])
}

/// A row of `attachment-list`: cinderclient's `server_id` is the attachment's `instance`.
fn attachment_row(mut attachment: Value) -> Value {
    if let Value::Object(fields) = &mut attachment {
        let server = fields.get("instance").cloned().unwrap_or(Value::Null);
        fields.insert("server_id".into(), server);
    }
    attachment
}

#[derive(Args, Debug)]
pub struct AttachmentList {
    #[command(flatten)]
    pub tenants: AllTenants,
    /// Filters results by a volume ID. Default=None.
    #[arg(long = "volume-id", value_name = "volume-id")]
    pub volume_id: Option<String>,
    /// Filters results by a status. Default=None.
    #[arg(long, value_name = "status")]
    pub status: Option<String>,
    #[command(flatten)]
    pub page: PageArgs,
    /// Display information from single tenant (Admin only).
    // cinderclient takes `--tenant` without a value too, and then lists as without it.
    #[arg(long, value_name = "tenant", num_args = 0..=1)]
    pub tenant: Option<String>,
    #[command(flatten)]
    pub filters: ListFilters,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl AttachmentList {
    /// The query beyond paging; needs no server, so mistakes show before connecting.
    fn query(&self) -> Result<Query> {
        let all_tenants = self.tenants.given() || self.tenant.is_some();
        // cinderclient's RESOURCE_FILTERS["attachment-list"] has volume_id and status; its
        // duplicate check compares option names with the keys, so `--status` counts and
        // `--volume-id` (a hyphen) does not: `--filters volume_id=` replaces it.
        Query::default()
            .needs(true, &gates::ATTACHMENT_LIST)
            .set("all_tenants", all_tenants.then_some(true))
            .set("project_id", self.tenant.as_ref())
            .option("status", self.status.as_ref())
            .set("volume_id", self.volume_id.as_ref())
            .list_filters(&self.filters.pairs)
    }
}

impl Cmd for AttachmentList {
    fn check(&self) -> Result<()> {
        self.query().map(drop)
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, attachment_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        // The summary list, as cinderclient asks for it.
        list::print_from(
            cinder,
            cinder.raw().list_attachments(),
            self.query()?,
            &self.page,
            &self.output,
            &attachment_columns(),
            attachment_row,
        )
        .await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct AttachmentDelete {
    /// ID of attachment or attachments to delete.
    #[arg(value_name = "attachment", required = true, value_parser = values::id)]
    pub attachments: Vec<String>,
}

impl Cmd for AttachmentDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::ATTACHMENTS.named("attachment-delete"))?;
        // cinderclient deletes one after the other and stops at the first failure (its error
        // is the command's); it prints nothing.
        for id in &self.attachments {
            cinder
                .raw()
                .delete_attachment()
                .attachment_id(id)
                .run()
                .await?;
        }
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct AttachmentComplete {
    /// ID of attachment or attachments to delete.
    #[arg(value_name = "attachment", required = true, value_parser = values::id)]
    pub attachments: Vec<String>,
}

impl Cmd for AttachmentComplete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::ATTACHMENT_COMPLETE)?;
        // As attachment-delete: in turn, stopping at the first failure, printing nothing.
        for id in &self.attachments {
            cinder.raw().attachment_complete(id).run().await?;
        }
        Ok(())
    }
}
