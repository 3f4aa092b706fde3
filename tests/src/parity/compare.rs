//! Comparing the two CLIs' normalized runs, aspect by aspect, and judging the differences
//! against the intentional ones listed in `tests/parity/differences/`.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{ensure, Context, Result};
use serde::{Deserialize, Serialize};

use super::normalize::{render, Block};

/// What is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aspect {
    /// Zero or not.
    Exit,
    Stdout,
    /// The mutating requests that reached Cinder.
    Requests,
}

/// One CLI's run, normalized.
#[derive(Clone, Debug)]
pub struct Normalized {
    pub exit_zero: bool,
    pub stdout: Vec<Block>,
    pub requests: Vec<String>,
}

/// Both sides of an aspect that differs, as text (diffed in verbose mode and the report).
#[derive(Clone, Debug, Serialize)]
pub struct Difference {
    pub aspect: Aspect,
    pub python: String,
    pub ours: String,
}

fn exit_text(zero: bool) -> String {
    if zero { "zero\n" } else { "non-zero\n" }.to_string()
}

fn requests_text(requests: &[String], unordered: bool) -> String {
    let mut lines = requests.to_vec();
    if unordered {
        lines.sort();
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

pub fn compare(
    python: &Normalized,
    ours: &Normalized,
    unordered_requests: bool,
) -> Vec<Difference> {
    let mut differences = Vec::new();
    if python.exit_zero != ours.exit_zero {
        differences.push(Difference {
            aspect: Aspect::Exit,
            python: exit_text(python.exit_zero),
            ours: exit_text(ours.exit_zero),
        });
    }
    if python.stdout != ours.stdout {
        differences.push(Difference {
            aspect: Aspect::Stdout,
            python: render(&python.stdout),
            ours: render(&ours.stdout),
        });
    }
    let (p, o) = (
        requests_text(&python.requests, unordered_requests),
        requests_text(&ours.requests, unordered_requests),
    );
    if p != o {
        differences.push(Difference {
            aspect: Aspect::Requests,
            python: p,
            ours: o,
        });
    }
    differences
}

/// A unified diff, python-cinderclient's side first.
pub fn unified(difference: &Difference) -> String {
    similar::TextDiff::from_lines(&difference.python, &difference.ours)
        .unified_diff()
        .context_radius(3)
        .header("python-cinderclient", "cinder-rs")
        .to_string()
}

/// What our CLI's exit status must be in a case with a listed difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Exit {
    Zero,
    NonZero,
}

/// An intentional difference: where, in what, and why.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Listed {
    /// `command/case`; `*` stands for any characters (`*/format-json`).
    pub case: String,
    pub aspects: BTreeSet<Aspect>,
    /// Holds our CLI to this exit status, so that a listed difference cannot hide our CLI
    /// failing where it should work (or the reverse).
    pub ours_exit: Option<Exit>,
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    differences: Vec<Listed>,
}

/// Every file of the folder `dir`.
pub fn load(dir: &Path, case_ids: &[String]) -> Result<Vec<Listed>> {
    let mut listed = Vec::new();
    for (path, text) in super::yaml_files(dir)? {
        listed.extend(parse(&text, case_ids).with_context(|| format!("in {}", path.display()))?);
    }
    Ok(listed)
}

pub fn parse(text: &str, case_ids: &[String]) -> Result<Vec<Listed>> {
    let file: File = serde_norway::from_str(text)?;
    for listed in &file.differences {
        ensure!(
            !listed.reason.trim().is_empty(),
            "{}: every difference needs its reason",
            listed.case
        );
        ensure!(
            !listed.aspects.is_empty(),
            "{}: name the aspects that differ (exit, stdout, requests)",
            listed.case
        );
        // An entry that matches nothing is a typo or a case that was removed.
        ensure!(
            case_ids.iter().any(|id| matches(&listed.case, id)),
            "{}: no case in the case file has this name",
            listed.case
        );
    }
    Ok(file.differences)
}

/// Glob match with `*` only.
pub fn matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// The entries of `list` with an aspect that differed in none of the `ran` cases the entry
/// names (fixed since, or listed too widely): (entry, aspect). Entries that name no case of
/// this run are not judged.
pub fn stale(list: &[Listed], ran: &[(String, Verdict)]) -> Vec<(String, Aspect)> {
    let mut stale = Vec::new();
    for entry in list {
        let verdicts: Vec<&Verdict> = ran
            .iter()
            .filter(|(id, _)| matches(&entry.case, id))
            .map(|(_, v)| v)
            .collect();
        if verdicts.is_empty() {
            continue;
        }
        for aspect in &entry.aspects {
            let seen = verdicts.iter().any(|v| {
                v.listed
                    .iter()
                    .any(|(a, e)| a == aspect && *e == entry.case)
            });
            if !seen {
                stale.push((entry.case.clone(), *aspect));
            }
        }
    }
    stale
}

/// A case's differences judged against the list.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Verdict {
    /// Differences no entry lists: the case fails.
    pub unlisted: Vec<Aspect>,
    /// Differences an entry lists, with the entry's `case` pattern.
    pub listed: Vec<(Aspect, String)>,
    /// A listed difference whose `ours_exit` was not met.
    pub broken_expectation: Option<String>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.unlisted.is_empty() && self.broken_expectation.is_none()
    }
}

pub fn judge(
    case_id: &str,
    differences: &[Difference],
    ours_exit_zero: bool,
    list: &[Listed],
) -> Verdict {
    let entries: Vec<&Listed> = list.iter().filter(|l| matches(&l.case, case_id)).collect();
    let differing: BTreeSet<Aspect> = differences.iter().map(|d| d.aspect).collect();
    let mut verdict = Verdict::default();
    for aspect in &differing {
        match entries.iter().find(|e| e.aspects.contains(aspect)) {
            Some(entry) => verdict.listed.push((*aspect, entry.case.clone())),
            None => verdict.unlisted.push(*aspect),
        }
    }
    for entry in &entries {
        if let Some(wanted) = entry.ours_exit {
            let actual = if ours_exit_zero {
                Exit::Zero
            } else {
                Exit::NonZero
            };
            if wanted != actual {
                verdict.broken_expectation = Some(format!(
                    "{} lists a difference on condition that our exit status is {wanted:?}, \
                     but it was {actual:?}",
                    entry.case
                ));
            }
        }
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(exit_zero: bool, text: &str, requests: &[&str]) -> Normalized {
        Normalized {
            exit_zero,
            stdout: vec![Block::Text(text.into())],
            requests: requests.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn each_aspect_differs_on_its_own() {
        let a = side(true, "x", &["POST /a", "DELETE /b"]);
        assert!(compare(&a, &a.clone(), false).is_empty());
        let aspects = |b: &Normalized, unordered| -> Vec<Aspect> {
            compare(&a, b, unordered).iter().map(|d| d.aspect).collect()
        };
        assert_eq!(
            aspects(&side(false, "x", &["POST /a", "DELETE /b"]), false),
            [Aspect::Exit]
        );
        assert_eq!(
            aspects(&side(true, "y", &["POST /a", "DELETE /b"]), false),
            [Aspect::Stdout]
        );
        let swapped = side(true, "x", &["DELETE /b", "POST /a"]);
        assert_eq!(aspects(&swapped, false), [Aspect::Requests]);
        assert!(aspects(&swapped, true).is_empty());
    }

    #[test]
    fn globs() {
        assert!(matches("*/format-json", "list/format-json"));
        assert!(matches("list/*", "list/format-json"));
        assert!(matches("a*b*c", "a-x-b-y-c"));
        assert!(!matches("a*b*c", "a-x-c"));
        assert!(!matches("list/x", "list/xy"));
    }

    #[test]
    fn listed_differences_pass_unlisted_fail_and_stale_entries_show() {
        let list = parse(
            "differences:\n  - case: create/*\n    aspects: [exit, stdout]\n    ours_exit: zero\n    reason: ours is better\n",
            &["create/wait".into()],
        )
        .unwrap();
        let differences = compare(
            &side(false, "usage", &[]),
            &side(true, "table", &["POST /volumes"]),
            false,
        );
        let verdict = judge("create/wait", &differences, true, &list);
        assert_eq!(verdict.unlisted, [Aspect::Requests]);
        assert_eq!(verdict.listed.len(), 2);
        assert!(!verdict.passed());
        let only_exit = compare(&side(false, "x", &[]), &side(true, "x", &[]), false);
        let verdict = judge("create/wait", &only_exit, true, &list);
        assert!(verdict.passed());
        assert_eq!(
            stale(&list, &[("create/wait".to_string(), verdict.clone())]),
            [("create/*".to_string(), Aspect::Stdout)]
        );
        assert!(stale(&list, &[("show/x".to_string(), verdict.clone())]).is_empty());
        // Our CLI failing too breaks the entry's condition.
        let verdict = judge("create/wait", &only_exit, false, &list);
        assert!(!verdict.passed());
    }

    #[test]
    fn entries_need_a_reason_and_a_case() {
        let ids = ["show/by-id".to_string()];
        let entry = |case: &str, reason: &str| {
            format!(
                "differences:\n  - case: {case}\n    aspects: [stdout]\n    reason: '{reason}'\n"
            )
        };
        assert!(parse(&entry("show/by-id", "clearer"), &ids).is_ok());
        assert!(parse(&entry("show/by-id", " "), &ids).is_err());
        assert!(parse(&entry("show/by-name", "clearer"), &ids).is_err());
    }
}
