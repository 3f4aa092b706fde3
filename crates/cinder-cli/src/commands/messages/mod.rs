//! The user-message family: `message-list`, `message-show`, `message-delete`.

use anyhow::Result;
use cinder_client::resources::Messages;
use cinder_client::{Cinder, Run};
use clap::Args;

use super::shared::each::{AtOnce, Reporting};
use super::shared::list::{self, ListFilters, Query};
use super::shared::show::{show, without_links};
use super::Cmd;
use crate::gates::{self, require};
use crate::output::{columns, Column, OutputArgs, PageArgs, Shape};
use crate::values;

/// The columns of `message-list`.
fn message_columns() -> Vec<Column> {
    columns(&[
        "ID",
        "Resource Type",
        "Resource UUID",
        "Event ID",
        "User Message",
    ])
}

#[derive(Args, Debug)]
pub struct MessageList {
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
    #[command(flatten)]
    pub filters: ListFilters,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl MessageList {
    /// The query beyond paging; needs no server, so mistakes show before connecting.
    fn query(&self) -> Result<Query> {
        // cinderclient sends the type and the level in capitals (Cinder stores them so). Its
        // RESOURCE_FILTERS["message-list"] are the `option`s; --level is not among them:
        // cinderclient lets it win over the filter.
        let level = self.level.as_ref().map(|l| l.to_uppercase());
        let query = Query::default()
            .needs(true, &gates::MESSAGE_LIST)
            .needs(self.page.any(), &gates::MESSAGE_LIST_PAGING)
            .option("resource_uuid", self.resource_uuid.as_ref())
            .option(
                "resource_type",
                self.resource_type.as_ref().map(|t| t.to_uppercase()),
            )
            .option("event_id", self.event_id.as_ref())
            .option("request_id", self.request_id.as_ref())
            .list_filters(&self.filters.pairs)?;
        Ok(query.set("message_level", level))
    }
}

impl Cmd for MessageList {
    fn check(&self) -> Result<()> {
        self.query().map(drop)
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, message_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let (query, output) = (self.query()?, &self.output);
        list::print::<Messages>(
            cinder,
            query,
            &self.page,
            output,
            &message_columns(),
            std::convert::identity,
        )
        .await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct MessageShow {
    /// ID of message.
    #[arg(value_name = "message", value_parser = values::id)]
    pub message: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for MessageShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::MESSAGE_SHOW)?;
        let (message, output) = (&self.message, &self.output);
        show::<Messages>(cinder, message, output, Shape::PLAIN, without_links).await
    }
}

#[derive(Args, Debug)]
pub struct MessageDelete {
    /// ID of one or more message to be deleted.
    #[arg(value_name = "message", required = true, value_parser = values::id)]
    pub messages: Vec<String>,
}

impl Cmd for MessageDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::MESSAGE_DELETE)?;
        AtOnce::ONE_BY_ONE
            .for_each_found::<Messages, _, _>(cinder, &self.messages, &Reporting::deleting("message", "Unable to delete any of the specified messages."), |id, _| async move {
                Ok(cinder.raw().delete_message().message_id(id).run().await?)
            })
            .await
    }
}
