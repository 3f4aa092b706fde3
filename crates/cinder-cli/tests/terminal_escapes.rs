//! A volume named with terminal control sequences, as any project member can name one, is
//! printed with the controls shown as escapes by the table and `value` formats, and as JSON
//! escapes by JSON: an admin's `cinder list --all-tenants` cannot retitle their terminal,
//! write their clipboard or hide rows. (mangled_output.rs puts such strings in the answer of
//! every printing command.)

mod common;

use common::*;

const NAME_TAIL: &str = "\u{1b}]0;owned\u{7}\u{1b}]52;c;b3duZWQ=\u{7}\u{1b}[8m";
const SHOWN_TAIL: &str = "\\x1b]0;owned\\x07\\x1b]52;c;b3duZWQ=\\x07\\x1b[8m";

fn raw_controls(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n')
}

#[test]
fn a_name_with_escape_sequences_is_shown_not_obeyed() {
    require_cloud();
    let base = unique("escapes");
    let name = format!("{base}{NAME_TAIL}");
    let id = ok(&["create", "1", "--name", &name, "-f", "value", "-c", "id"]);
    let id = id.trim().to_string();
    let _cleanup = Cleanup(vec![vec!["delete".into(), id.clone()]]);
    let shown = format!("{base}{SHOWN_TAIL}");

    for args in [
        vec!["show", id.as_str()],
        vec!["show", id.as_str(), "-f", "value", "-c", "name"],
        vec!["list", "--name", name.as_str()],
        vec!["list", "--name", name.as_str(), "-f", "value", "-c", "Name"],
        vec!["list", "--all-tenants", "--name", name.as_str()],
    ] {
        let out = ok(&args);
        assert!(
            !raw_controls(&out),
            "{args:?} printed raw controls: {out:?}"
        );
        assert!(out.contains(&shown), "{args:?}: {out}");
    }
    // JSON keeps the name exactly, escaped as JSON escapes it.
    let json = ok(&["show", &id, "-f", "json", "-c", "name"]);
    assert!(!raw_controls(&json), "{json:?}");
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["name"], name.as_str());
    // An error quoting the name: shown too.
    let refused = run(&["extend", &name, "0"]);
    assert_ne!(refused.code, Some(0));
    assert!(!raw_controls(&refused.stderr), "{:?}", refused.stderr);
}
