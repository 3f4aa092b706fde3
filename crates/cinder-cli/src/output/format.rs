//! The `-f/--format` and `-c/--column` options, flattened into every command that prints data.

use std::io::Write;

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::columns::{self, Column};

/// How a command prints its data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// cinderclient's bordered table.
    #[default]
    Table,
    /// JSON: an array of objects for a list, one object for a single resource.
    Json,
    /// The same data as JSON, written as YAML.
    Yaml,
    /// The bare cells: one line per row, cells separated by spaces, no header.
    Value,
}

/// Output options; commands flatten these into their arguments.
#[derive(Args, Clone, Debug, Default)]
#[command(next_help_heading = "Output options")]
pub struct OutputArgs {
    /// Output format. `table` (cinderclient's) holds a whole list in memory to size its
    /// columns; `json`, `yaml` and `value` print each page of a list as it arrives.
    #[arg(
        short = 'f',
        long = "format",
        value_enum,
        default_value_t,
        value_name = "FORMAT"
    )]
    pub format: Format,
    /// A column to show, named by its table header ("Volume Type") or its JSON key
    /// (volume_type), case-insensitively; repeat for several. Default: all.
    #[arg(short = 'c', long = "column", value_name = "COLUMN")]
    pub columns: Vec<String>,
}

impl OutputArgs {
    /// Whether the output is cinderclient's table (commands that print several tables, or
    /// text around them, do so only then).
    pub fn is_table(&self) -> bool {
        self.format == Format::Table
    }

    /// Checks that every `-c` names one of `available`, before anything is asked for.
    pub fn check_columns(&self, available: &[Column]) -> Result<()> {
        columns::select(available, &self.columns).map(drop)
    }

    /// Prints a remark meant for people (a total, the version in use): on stdout next to the
    /// table, on stderr in the other formats so that stdout stays parseable.
    pub fn note(&self, text: &str) -> Result<()> {
        if self.format == Format::Table {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{text}")?;
            out.flush()?;
        } else {
            eprintln!("{text}");
        }
        Ok(())
    }
}
