//! Whether the case file covers our CLI: every subcommand by at least two cases and every
//! option of a subcommand by at least one of its cases. Read from the `--help` of the binary
//! under test, so a new subcommand or option without cases fails the run.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use anyhow::{ensure, Context, Result};

use super::cases::Case;

/// Cases each subcommand needs at least.
pub const MIN_CASES: usize = 2;

fn help(binary: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new(binary)
        .args(args)
        .arg("--help")
        .env_clear()
        .output()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    ensure!(
        output.status.success(),
        "{} {} --help failed",
        binary.display(),
        args.join(" ")
    );
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The subcommands listed by `cinder --help` (clap's `help` aside).
pub fn commands(top_help: &str) -> Vec<String> {
    top_help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// The options of a subcommand, from its `--help` up to the global options: each as the
/// spellings that count (`-f` and `--format`).
pub fn options(command_help: &str) -> Vec<Vec<String>> {
    command_help
        .lines()
        .take_while(|l| !l.starts_with("Global options"))
        .filter(|l| {
            let trimmed = l.trim_start();
            let indent = l.len() - trimmed.len();
            (2..=6).contains(&indent) && trimmed.starts_with('-')
        })
        .map(|l| {
            l.split_whitespace()
                .take_while(|w| w.starts_with('-'))
                .map(|w| w.trim_end_matches(',').to_string())
                .filter(|w| w != "-h" && w != "--help")
                .collect::<Vec<String>>()
        })
        .filter(|spellings| !spellings.is_empty())
        .collect()
}

fn uses(case: &Case, spellings: &[String]) -> bool {
    case.args.iter().any(|arg| {
        spellings.iter().any(|s| {
            arg == s
                || (s.starts_with("--") && arg.starts_with(&format!("{s}=")))
                // `-fjson`, `-cid`: a short option glued to its value.
                || (!s.starts_with("--") && arg.starts_with(s.as_str()) && !arg.starts_with("--"))
        })
    })
}

/// What the cases miss, one line each; empty when everything is covered.
pub fn missing(binary: &Path, cases: &[Case]) -> Result<Vec<String>> {
    let mut by_command: BTreeMap<&str, Vec<&Case>> = BTreeMap::new();
    for case in cases {
        by_command.entry(&case.command).or_default().push(case);
    }
    let mut missing = Vec::new();
    let listed = commands(&help(binary, &[])?);
    ensure!(!listed.is_empty(), "`cinder --help` lists no subcommands");
    for command in &listed {
        let mine = by_command.remove(command.as_str()).unwrap_or_default();
        if mine.len() < MIN_CASES {
            missing.push(format!(
                "{command}: {} case(s), at least {MIN_CASES} needed",
                mine.len()
            ));
        }
        for spellings in options(&help(binary, &[command])?) {
            if !mine.iter().any(|case| uses(case, &spellings)) {
                missing.push(format!("{command}: no case uses {}", spellings.join("/")));
            }
        }
    }
    for command in by_command.keys() {
        missing.push(format!(
            "{command}: cases for a subcommand cinder does not have"
        ));
    }
    Ok(missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOP: &str = "\
Usage: cinder [OPTIONS] <COMMAND>

Commands:
  list                          Lists all volumes
  type-default                  List the default volume type
                                (continued)
  help                          Print this message

Options:
  -h, --help     Print help
";

    const LIST: &str = "\
Usage: cinder list [OPTIONS]

Options:
      --name <name>
          Filters results by a name
      --all-tenants [<0|1>]
  -h, --help
          Print help

Output options:
  -f, --format <FORMAT>
          table, json

Global options:
      --os-cloud <cloud>
";

    #[test]
    fn reads_commands_and_options_from_help() {
        assert_eq!(commands(TOP), ["list", "type-default"]);
        assert_eq!(
            options(LIST),
            vec![
                vec!["--name".to_string()],
                vec!["--all-tenants".to_string()],
                vec!["-f".to_string(), "--format".to_string()],
            ]
        );
    }

    #[test]
    fn an_option_counts_in_any_spelling() {
        let case = |args: &[&str]| Case {
            command: "list".into(),
            name: "x".into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            fixtures: vec![],
            stdout: Default::default(),
            unordered_requests: false,
            exclusive: false,
            shared_fixtures: false,
            own_rows: false,
            mask: vec![],
            timeout: std::time::Duration::from_secs(1),
        };
        let format = vec!["-f".to_string(), "--format".to_string()];
        assert!(uses(&case(&["list", "-f", "json"]), &format));
        assert!(uses(&case(&["list", "-fjson"]), &format));
        assert!(uses(&case(&["list", "--format=json"]), &format));
        assert!(!uses(&case(&["list", "--formats"]), &format));
        assert!(!uses(&case(&["list", "--fields", "x"]), &format));
    }
}
