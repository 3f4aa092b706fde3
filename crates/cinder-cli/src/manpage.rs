//! Man pages from the command-line definition: `cinder.1` with the global options and the list
//! of subcommands, and `cinder-<subcommand>.1` for each, the way git documents its commands.

use std::path::{Path, PathBuf};

/// Writes the pages into `dir` and returns their paths, `cinder.1` first.
///
/// A subcommand's page documents its own arguments only; repeating the two dozen global
/// options in every page would bury them, so the page points to cinder(1) for those.
pub fn write_all(cli: clap::Command, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let name = cli.get_name().to_string();
    let source = format!("{name} {}", cli.get_version().unwrap_or_default());
    // Only the definitions as written: building the whole command would copy the global
    // options into every subcommand.
    let subcommands: Vec<clap::Command> = cli
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();
    let root = cli.disable_help_subcommand(true);
    let mut written = vec![page(root, &source).generate_to(dir)?];
    for sub in subcommands {
        let sub_name = sub.get_name().to_string();
        let sub = sub
            .display_name(format!("{name}-{sub_name}"))
            .bin_name(format!("{name} {sub_name}"))
            .after_help(format!(
                "The global options of {name}(1), such as --os-cloud and --debug, apply too."
            ));
        written.push(page(sub, &source).generate_to(dir)?);
    }
    Ok(written)
}

fn page(command: clap::Command, source: &str) -> clap_mangen::Man {
    // Without a date, `.TH` would get an empty argument and man would take the source for the
    // date.
    clap_mangen::Man::new(command)
        .date(date())
        .source(source)
        .manual("OpenStack Block Storage")
}

/// `YYYY-MM-DD` of `SOURCE_DATE_EPOCH` when set, so that packages build reproducibly
/// (<https://reproducible-builds.org/specs/source-date-epoch/>), else of today.
fn date() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(command: clap::Command) -> String {
        let mut out = Vec::new();
        page(command, "cinder test").render(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_subcommand_gets_a_page_and_a_mention() {
        let cli = crate::cli_command();
        let visible: Vec<String> = cli
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| s.get_name().to_string())
            .collect();
        assert!(visible.len() > 50, "{visible:?}");
        let dir = std::env::temp_dir().join(format!("cinder-man-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let written = write_all(cli, &dir).unwrap();
        assert_eq!(written.len(), visible.len() + 1);

        let main = std::fs::read_to_string(dir.join("cinder.1")).unwrap();
        assert!(main.starts_with(".ie"), "roff preamble");
        assert!(main.contains(".TH cinder 1 20"), "dated: {main}");
        assert!(
            main.contains("os\\-cloud"),
            "global options are on the main page"
        );
        for name in &visible {
            // roff escapes dashes in text.
            let mention = format!("cinder\\-{}(1)", name.replace('-', "\\-"));
            assert!(main.contains(&mention), "{mention} missing");
            let sub = std::fs::read_to_string(dir.join(format!("cinder-{name}.1"))).unwrap();
            assert!(sub.contains(&format!(".TH cinder-{name} 1 ")), "{sub}");
        }
        let create = std::fs::read_to_string(dir.join("cinder-create.1")).unwrap();
        assert!(create.contains("volume\\-type"), "{create}");
        assert!(
            !create.contains("os\\-password"),
            "global options stay on cinder(1)"
        );
        assert!(!dir.join("cinder-generate-man.1").exists(), "hidden");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn dates_are_gregorian() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn the_main_page_names_the_program() {
        let text = render(crate::cli_command());
        assert!(text.contains(".SH NAME"), "{text}");
        assert!(text.contains(".SH SYNOPSIS"), "{text}");
        assert!(text.contains("Command\\-line interface to the OpenStack Cinder API"));
    }
}
