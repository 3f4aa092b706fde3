//! `list-extensions`: the API extensions, as cinderclient's `list_extensions` contrib prints them.

use anyhow::Result;
use cinder_client::{Cinder, Run};
use clap::Args;
use serde_json::Value;

use super::Cmd;
use crate::output::{columns, Column, OutputArgs};

/// The columns of `list-extensions`; Summary is made from the description.
fn extension_columns() -> Vec<Column> {
    columns(&["Name", "Summary", "Alias", "Updated"])
}

/// cinderclient's `summary`: the description's first line, `...` when there are more, `??`
/// when it is empty.
fn summary(description: Option<&str>) -> String {
    let description = description.unwrap_or_default().trim();
    let mut lines = description.split('\n');
    match (lines.next(), lines.next()) {
        (Some(""), _) | (None, _) => "??".into(),
        (Some(first), None) => first.into(),
        (Some(first), Some(_)) => format!("{first}..."),
    }
}

#[derive(Args, Debug)]
pub struct ListExtensions {
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ListExtensions {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, extension_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let answer = cinder.raw().list_extensions().run_json().await?;
        let rows = match answer.into_json()["extensions"].take() {
            Value::Array(rows) => rows,
            _ => Vec::new(),
        };
        let rows = rows
            .into_iter()
            .map(|mut extension| {
                let text = summary(extension.get("description").and_then(Value::as_str));
                if let Value::Object(fields) = &mut extension {
                    fields.insert("summary".into(), Value::String(text));
                }
                extension
            })
            .collect();
        self.output
            .print_list_sorted_by(&extension_columns(), Some("name"), rows)
    }
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn summarises_as_cinderclient() {
        assert_eq!(
            summary(Some("Quota management support.")),
            "Quota management support."
        );
        assert_eq!(summary(Some("  First.\n  Second.\n")), "First....");
        assert_eq!(summary(Some("   ")), "??");
        assert_eq!(summary(None), "??");
    }
}
