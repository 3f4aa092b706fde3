//! What a command is: its arguments (a clap `Args` type), what it checks before anything is
//! read or sent, the columns it prints when they are known without the server, and what it
//! does against the cloud, all in one place.

use anyhow::Result;
use cinder_client::Cinder;

use crate::output::{Column, OutputArgs};

/// A subcommand that talks to the cloud; the registry (`commands/mod.rs`) lists each once.
pub trait Cmd {
    /// What can be checked without the server (rules between options, `--filters`, bodies),
    /// so that a mistake costs no configuration reading and no authentication. clap's value
    /// parsers (`crate::values`) have checked each value already.
    fn check(&self) -> Result<()> {
        Ok(())
    }

    /// The output options and the widest set of columns (that of the newest microversion),
    /// for commands whose columns are known before connecting: `-c` is checked against them
    /// before anything is sent. `None` for single resources, whose fields are the server's
    /// (checked once the resource has arrived).
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        None
    }

    /// Runs the command; [`Cmd::check`] has passed.
    async fn run(self, cinder: &Cinder) -> Result<()>;
}
