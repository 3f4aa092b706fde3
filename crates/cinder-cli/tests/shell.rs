//! Completion scripts, cinderclient's `bash-completion` and the man pages, from the built
//! binary. None of them needs a cloud or credentials.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// `cinder` with no configuration at all: these commands must not read any.
fn cinder(args: &[&str]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cinder"));
    for (key, _) in std::env::vars() {
        if key.starts_with("OS_") || key == "RUST_LOG" {
            command.env_remove(key);
        }
    }
    let output = command
        .env("OS_CLIENT_CONFIG_FILE", "/nonexistent/clouds.yaml")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cinder {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stderr.is_empty(), "cinder {args:?} wrote to stderr");
    String::from_utf8(output.stdout).unwrap()
}

/// Whether `program` can be run here (zsh, fish, man and groff may be missing).
fn available(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `program args` with `input` on stdin; returns (success, stdout, stderr).
fn pipe(program: &str, args: &[&str], input: &str) -> (bool, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The subcommand names, as `bash-completion` lists them (words before the first option).
fn subcommands() -> Vec<String> {
    cinder(&["bash-completion"])
        .split_whitespace()
        .take_while(|w| !w.starts_with('-'))
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completion_lists_commands_then_options_like_cinderclient() {
    let line = cinder(&["bash-completion"]);
    assert_eq!(line.lines().count(), 1, "one line: {line}");
    let words: Vec<&str> = line.split_whitespace().collect();
    for expected in [
        "list",
        "create",
        "snapshot-create",
        "type-access-add",
        "help",
        "--volume-type",
        "--all-tenants",
        "--all_tenants",
        "--display_name",
        "--display_description",
        "--image_name",
        "--image_ref",
        "-h",
        "--help",
    ] {
        assert!(words.contains(&expected), "{expected} missing: {line}");
    }
    assert!(!words.contains(&"bash-completion"), "{line}");
    assert!(
        !words.contains(&"--os-username"),
        "no global options: {line}"
    );
    // cinderclient's spelling with an underscore works too.
    assert_eq!(cinder(&["bash_completion"]), line);
}

#[test]
fn the_bash_script_is_valid_and_completes() {
    let script = cinder(&["completion", "bash"]);
    let (ok, _, stderr) = pipe("bash", &["-n"], &script);
    assert!(ok, "bash -n: {stderr}");
    for name in subcommands() {
        assert!(script.contains(&name), "{name} missing");
    }
    // Sourced, `_cinder` completes subcommand names, their options and the shell names.
    let probe = format!(
        "{script}\n\
         complete_words() {{ COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); \
           _cinder cinder \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
           echo \"${{COMPREPLY[*]}}\"; }}\n\
         complete_words cinder snapshot-l\n\
         complete_words cinder create --volume-t\n\
         complete_words cinder completion ''\n"
    );
    let (ok, stdout, stderr) = pipe("bash", &[], &probe);
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "snapshot-list", "{stdout}");
    assert_eq!(lines[1], "--volume-type", "{stdout}");
    assert!(
        lines[2].contains("bash") && lines[2].contains("zsh") && lines[2].contains("fish"),
        "{stdout}"
    );
}

#[test]
fn zsh_and_fish_scripts_know_the_subcommands() {
    for (shell, check) in [("zsh", ["-n"]), ("fish", ["--no-execute"])] {
        let script = cinder(&["completion", shell]);
        assert!(script.len() > 1000, "{shell}: {script}");
        for name in subcommands() {
            assert!(script.contains(&name), "{shell}: {name} missing");
        }
        if available(shell) {
            let (ok, _, stderr) = pipe(shell, &check, &script);
            assert!(ok, "{shell} {check:?}: {stderr}");
        }
    }
}

#[test]
fn man_pages_cover_every_subcommand_and_render() {
    let dir = std::env::temp_dir().join(format!("cinder-man-test-{}", std::process::id()));
    let listed = cinder(&["generate-man", dir.to_str().unwrap()]);
    let main = std::fs::read_to_string(dir.join("cinder.1")).unwrap();
    assert!(main.contains(".TH cinder 1 "), "{main}");
    // Every subcommand but clap's `help` has a page, `bash-completion` included.
    let mut names: Vec<String> = subcommands().into_iter().filter(|n| n != "help").collect();
    names.push("bash-completion".into());
    assert_eq!(listed.lines().count(), names.len() + 1, "{listed}");
    for name in &names {
        // roff spells a dash in running text `\-`.
        let mention = format!("cinder\\-{}(1)", name.replace('-', "\\-"));
        assert!(main.contains(&mention), "{mention} missing from cinder.1");
        assert!(
            dir.join(format!("cinder-{name}.1")).exists(),
            "no page for {name}"
        );
    }
    if available("man") {
        for page in ["cinder.1", "cinder-create.1"] {
            let rendered = render_with_man(&dir.join(page));
            assert!(rendered.contains("SYNOPSIS"), "{rendered}");
        }
        let rendered = render_with_man(&dir.join("cinder.1"));
        assert!(rendered.contains("cinder-snapshot-list(1)"), "{rendered}");
        assert!(rendered.contains("OS_CLOUD"), "{rendered}");
    } else if available("groff") {
        let (ok, _, stderr) = pipe(
            "groff",
            &["-man", "-Tutf8", "-ww", "-z"],
            &std::fs::read_to_string(dir.join("cinder.1")).unwrap(),
        );
        assert!(ok && stderr.is_empty(), "groff: {stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The page as `man` shows it, failing on any warning of the formatter.
fn render_with_man(page: &Path) -> String {
    let output = Command::new("man")
        .args(["--warnings", "-l"])
        .arg(page)
        .env("MANWIDTH", "100")
        .env("MANPAGER", "cat")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.is_empty(),
        "man {}: {stderr}",
        page.display()
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_help_says_what_cinder_is_and_nothing_about_its_rust_code() {
    for flag in ["--help", "-h"] {
        let help = cinder(&[flag]);
        assert!(
            help.starts_with("Command-line interface to the OpenStack Cinder API\n\nUsage: cinder"),
            "{flag}: {help}"
        );
        assert!(!help.contains("clap::"), "{flag}: {help}");
    }
}
