//! Command lines as argparse reads them where clap would read them otherwise. argparse ends an
//! option's list of `key=value` pairs (`--metadata a=b c=d`) at the first value that is not a
//! pair when a positional argument is still to come (`create --metadata a=b 1` makes a volume
//! of 1 GiB); clap would take the `1` as one more pair. So the end of such a list is marked
//! before clap reads the line, with [`PAIRS_END`], the lists' value terminator.

use std::ffi::OsString;

/// Ends a list of pairs; never typed by anyone (it starts with a NUL).
pub const PAIRS_END: &str = "\0end-of-pairs";

/// The options that take a list of pairs.
const PAIR_LISTS: [&str; 4] = [
    "--metadata",
    "--filters",
    "--image_metadata",
    "--image-metadata",
];

/// `args` with [`PAIRS_END`] after each list of pairs that a positional argument follows.
pub fn end_pair_lists(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let args: Vec<OsString> = args.into_iter().collect();
    let mut out = Vec::with_capacity(args.len() + 1);
    // The pairs so far of the list being read (`None`: no list is being read). A value that
    // is not a pair ends a list only after a pair: right after the option it is the option's
    // (bad) value, and clap says so.
    let mut pairs: Option<usize> = None;
    for arg in args {
        let text = arg.to_str().unwrap_or_default();
        let is_pair = text.contains('=') && !text.starts_with('-');
        if pairs.is_some_and(|n| n > 0) && !is_pair && !text.starts_with('-') {
            out.push(OsString::from(PAIRS_END));
        }
        pairs = match pairs {
            _ if takes_pairs(text) => Some(0),
            Some(n) if is_pair => Some(n + 1),
            _ => None,
        };
        out.push(arg);
    }
    out
}

/// Whether `option` is one of [`PAIR_LISTS`], or a prefix that names only one of them (long
/// options may be shortened, as with argparse).
fn takes_pairs(option: &str) -> bool {
    if option.len() < 4 || !option.starts_with("--") || option.contains('=') {
        return false;
    }
    let matching = PAIR_LISTS.iter().filter(|name| name.starts_with(option));
    let names: Vec<&&str> = matching.collect();
    names.len() == 1 || names.iter().any(|name| **name == option)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ended(line: &str) -> Vec<String> {
        let args = line.split(' ').map(OsString::from);
        end_pair_lists(args)
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn a_positional_after_pairs_ends_them() {
        assert_eq!(
            ended("cinder create --metadata a=b c=d 1 --name x"),
            [
                "cinder",
                "create",
                "--metadata",
                "a=b",
                "c=d",
                PAIRS_END,
                "1",
                "--name",
                "x"
            ]
        );
        assert_eq!(
            ended("cinder snapshot-create --meta a=b vol"),
            [
                "cinder",
                "snapshot-create",
                "--meta",
                "a=b",
                PAIRS_END,
                "vol"
            ]
        );
    }

    #[test]
    fn lists_followed_by_options_or_nothing_are_left_alone() {
        assert_eq!(ended("cinder list --filters a=b --name x").len(), 6);
        assert_eq!(ended("cinder list --metadata a=b").len(), 4);
        assert_eq!(ended("cinder create --name a=b 1").len(), 5);
        // Right after the option, a value that is not a pair is the option's (bad) value.
        assert_eq!(ended("cinder list --filters status").len(), 4);
    }
}
