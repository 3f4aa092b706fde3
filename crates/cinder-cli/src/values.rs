//! Value parsers for arguments whose form the client can check by itself: a mistake is refused
//! while the command line is parsed, before any configuration is read or request sent, with a
//! message saying what was wrong and what is accepted (clap prefixes it with the value and the
//! argument: `error: invalid value '0' for '[size]': ...`).
//!
//! Only what cinderclient refuses too, or what names nothing at all, is checked here (sizes,
//! empty names and IDs, `key=value` pairs, sort directions); whatever the server can judge
//! (does that name exist? is that ID well formed? is that sort key a column?) is left to it,
//! as cinderclient leaves it.

/// Cinder's largest volume size in GiB (`DB_MAX_INT`, the `maximum` of its size schema).
pub const MAX_SIZE: u64 = 2_147_483_647;

/// An integer written in decimal, as `Ok(value)`; `Err(true)` for an integer too large for an
/// `i128` (still an integer), `Err(false)` for anything else ("1.5", "abc", "").
fn integer(text: &str) -> Result<i128, bool> {
    let text = text.trim();
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(false);
    }
    text.parse().map_err(|_| true)
}

/// One of cinderclient's `choices=['True', 'true', 'False', 'false']`, and nothing else.
pub fn true_false(text: &str) -> Result<bool, String> {
    match text {
        "True" | "true" => Ok(true),
        "False" | "false" => Ok(false),
        _ => Err(format!(
            "invalid choice: '{text}' (choose from 'True', 'true', 'False', 'false')"
        )),
    }
}

/// cinderclient's boolean spellings.
pub fn parse_bool(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" | "t" | "y" => Ok(true),
        "false" | "0" | "no" | "off" | "f" | "n" => Ok(false),
        _ => Err(format!("'{text}' is not a boolean (use True or False)")),
    }
}

/// The boolean strings Cinder's request schemas accept (`parameter_types.boolean`), exactly:
/// what an action's flag may be sent as.
pub const SERVER_BOOLEANS: [&str; 24] = [
    "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes", "y", "t", "False", "FALSE",
    "false", "0", "OFF", "Off", "off", "NO", "No", "no", "n", "f",
];

/// A flag cinderclient passes to Cinder as typed (e.g. `reimage --reimage-reserved`): kept as
/// written, so the request is cinderclient's, and refused here when Cinder would refuse it.
pub fn server_boolean(text: &str) -> Result<String, String> {
    if SERVER_BOOLEANS.contains(&text) {
        Ok(text.to_string())
    } else {
        Err(format!(
            "'{text}' is not one of the booleans Cinder accepts: {}",
            SERVER_BOOLEANS.join(", ")
        ))
    }
}

/// A volume size in GiB: a whole number from 1 to [`MAX_SIZE`].
pub fn size(text: &str) -> Result<u64, String> {
    let range = format!("a size is a whole number of GiB from 1 to {MAX_SIZE}");
    match integer(text) {
        Ok(n) if n < 1 => Err(format!("a volume needs at least 1 GiB; {range}")),
        Ok(n) if n > i128::from(MAX_SIZE) => Err(format!(
            "larger than Cinder's largest volume, {MAX_SIZE} GiB"
        )),
        Ok(n) => Ok(n as u64),
        Err(true) if text.trim().starts_with('-') => {
            Err(format!("a volume needs at least 1 GiB; {range}"))
        }
        Err(true) => Err(format!(
            "larger than Cinder's largest volume, {MAX_SIZE} GiB"
        )),
        Err(false) => Err(format!("not a whole number; {range}")),
    }
}

/// A quota limit (`quota-update --volumes`, ...): a whole number from -1 (unlimited) to
/// Cinder's largest, [`MAX_SIZE`]. cinderclient refuses what is not an integer; Cinder refuses
/// the rest (`must be >= -1`), which is checked here before anything is sent.
pub fn quota(text: &str) -> Result<i64, String> {
    let accepted = format!("use a whole number from -1 (unlimited) to {MAX_SIZE}");
    match integer(text) {
        Ok(n) if n < -1 => Err(format!("a quota cannot be below -1; {accepted}")),
        Ok(n) if n > i128::from(MAX_SIZE) => Err(format!("too large; {accepted}")),
        Ok(n) => Ok(n as i64),
        Err(true) if text.trim().starts_with('-') => {
            Err(format!("a quota cannot be below -1; {accepted}"))
        }
        Err(true) => Err(format!("too large; {accepted}")),
        Err(false) => Err(format!("not a whole number; {accepted}")),
    }
}

/// Any whole number, as cinderclient's `type=int` takes it (`work-cleanup --service-id`).
pub fn whole_number(text: &str) -> Result<i64, String> {
    match integer(text) {
        Ok(n) => i64::try_from(n).map_err(|_| format!("too large; at most {}", i64::MAX)),
        Err(true) => Err(format!(
            "too large; use a whole number from {} to {}",
            i64::MIN,
            i64::MAX
        )),
        Err(false) => Err("not a whole number".into()),
    }
}

/// A count that may be 0: `--limit` (0: no limit), `--retries`.
pub fn count(text: &str) -> Result<u64, String> {
    match integer(text) {
        Ok(n) if n < 0 => Err("it cannot be negative; use a whole number, 0 or more".into()),
        Ok(n) => u64::try_from(n).map_err(|_| format!("too large; at most {}", u64::MAX)),
        Err(true) if text.trim().starts_with('-') => {
            Err("it cannot be negative; use a whole number, 0 or more".into())
        }
        Err(true) => Err(format!("too large; at most {}", u64::MAX)),
        Err(false) => Err("not a whole number; use a whole number, 0 or more".into()),
    }
}

/// `--retries`: a [`count`] that fits the library's `u32`.
pub fn retries(text: &str) -> Result<u32, String> {
    let n = count(text)?;
    u32::try_from(n).map_err(|_| format!("too many; at most {}", u32::MAX))
}

/// `--page-size`: a whole number from 1.
pub fn page_size(text: &str) -> Result<u64, String> {
    match count(text)? {
        0 => Err("a page holds at least 1 item; use a whole number from 1".into()),
        n => Ok(n),
    }
}

/// `--count` of `create`: how many volumes, from 1 to [`MAX_BULK_COUNT`].
pub fn bulk_count(text: &str) -> Result<u32, String> {
    whole_between(text, 1, MAX_BULK_COUNT, "volumes")
}

/// `--concurrency`: how many requests at once, from 1 to [`MAX_CONCURRENCY`].
pub fn concurrency(text: &str) -> Result<u32, String> {
    whole_between(text, 1, MAX_CONCURRENCY, "requests at once")
}

/// The most volumes one `create --count` makes: more is a typing mistake (a quota on a real
/// cloud is far smaller), and the command prints all of them as one list.
pub const MAX_BULK_COUNT: u32 = 10_000;

/// The most requests in flight at once: beyond this the cloud's API workers, not the client,
/// are the limit, and a few hundred sockets are opened for nothing.
pub const MAX_CONCURRENCY: u32 = 256;

/// A whole number of `what` from `min` to `max`.
fn whole_between(text: &str, min: u32, max: u32, what: &str) -> Result<u32, String> {
    let accepted = format!("use a whole number of {what} from {min} to {max}");
    match integer(text) {
        Ok(n) if n < i128::from(min) => Err(format!("too few; {accepted}")),
        Ok(n) if n > i128::from(max) => Err(format!("too many; {accepted}")),
        Ok(n) => Ok(n as u32),
        Err(true) if text.trim().starts_with('-') => Err(format!("too few; {accepted}")),
        Err(true) => Err(format!("too many; {accepted}")),
        Err(false) => Err(format!("not a whole number; {accepted}")),
    }
}

/// A duration in seconds (`--timeout`, `--wait-timeout`): a positive, finite number.
pub fn seconds(text: &str) -> Result<f64, String> {
    const ACCEPTED: &str = "use a positive number of seconds, such as 30 or 2.5";
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("not a number; {ACCEPTED}"))?;
    if !seconds.is_finite() {
        return Err(format!("not a finite number; {ACCEPTED}"));
    }
    if seconds <= 0.0 {
        return Err(format!("it must be more than 0; {ACCEPTED}"));
    }
    Ok(seconds)
}

/// An ID passed on as it is (`create --snapshot-id`, `--source-volid`, `--backup-id`,
/// `--group-id`, `--consisgroup-id`, message IDs): anything but the empty string. Not checked
/// as a UUID: cinderclient sends whatever it is given, and Cinder's answer (`Invalid input for
/// field/attribute snapshot_id ...`, `Group 5678 could not be found.`) says what is wrong.
pub fn id(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("an ID cannot be empty; give the resource's ID".into());
    }
    Ok(text.to_string())
}

/// `--all-tenants [0|1]`: cinderclient's integer (any but 0 lists every project), or a boolean
/// spelling (`true`, `yes`, ...).
pub fn all_tenants(text: &str) -> Result<bool, String> {
    match integer(text) {
        Ok(n) => Ok(n != 0),
        Err(true) => Ok(true),
        Err(false) => parse_bool(text)
            .map_err(|_| format!("'{text}' is neither a number nor a boolean (use 0 or 1)")),
    }
}

/// A resource's name or ID to look up: anything but the empty string, which names nothing
/// (and would turn `GET /volumes/{id}` into `GET /volumes/`).
pub fn name_or_id(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("a name or ID cannot be empty; give the resource's name or its ID".into());
    }
    Ok(text.to_string())
}

/// A volume type's name: Cinder refuses an empty or blank one.
pub fn type_name(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("a volume type name cannot be empty or blank".into());
    }
    Ok(text.to_string())
}

/// A group type's name: Cinder refuses an empty or blank one.
pub fn group_type_name(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("a group type name cannot be empty or blank".into());
    }
    Ok(text.to_string())
}

/// A project ID (`type-access-add --project-id`): anything but empty. Not checked as a UUID:
/// Keystone's SQL backend makes 32 hexadecimal digits, but other identity backends (LDAP,
/// federation) make other IDs, and Cinder itself takes any string of 1 to 255 characters.
pub fn project_id(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("a project ID cannot be empty".into());
    }
    Ok(text.to_string())
}

/// A `key=value` pair (`--metadata`, `--hint`, `--filters`, `*metadata-update-all`): the `=`
/// is required and the key cannot be empty; the value may be (`key=`).
pub fn key_value(text: &str) -> Result<String, String> {
    crate::kv::check_pair(text)?;
    Ok(text.to_string())
}

/// `--sort key[:asc|desc][,key[:asc|desc]...]`: every item has a key, and a direction if any
/// is `asc` or `desc` (cinderclient's rule). Whether Cinder can sort on the key is the
/// server's to say. Returns the normalised form (spaces and empty items dropped, as
/// cinderclient sends it).
pub fn sort(text: &str) -> Result<String, String> {
    const FORM: &str = "the form is key[:asc|desc], comma-separated, such as created_at:desc,name";
    let mut items = Vec::new();
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (key, direction) = match item.split_once(':') {
            Some((key, direction)) => (key.trim(), direction.trim()),
            None => (item, ""),
        };
        if key.is_empty() {
            return Err(format!("'{item}' has no sort key; {FORM}"));
        }
        match direction {
            "" => items.push(key.to_string()),
            "asc" | "desc" => items.push(format!("{key}:{direction}")),
            other => {
                return Err(format!(
                    "the sort direction '{other}' is not one of: asc, desc; {FORM}"
                ))
            }
        }
    }
    if items.is_empty() {
        return Err(format!("no sort key given; {FORM}"));
    }
    Ok(items.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_whole_gib_within_cinders_range() {
        assert_eq!(size("1"), Ok(1));
        assert_eq!(size(" 2147483647 "), Ok(MAX_SIZE));
        for (text, needle) in [
            ("0", "at least 1 GiB"),
            ("-1", "at least 1 GiB"),
            (
                "-99999999999999999999999999999999999999999",
                "at least 1 GiB",
            ),
            ("1.5", "not a whole number"),
            ("abc", "not a whole number"),
            ("", "not a whole number"),
            ("2147483648", "largest volume"),
            (
                "99999999999999999999999999999999999999999",
                "largest volume",
            ),
        ] {
            let error = size(text).unwrap_err();
            assert!(error.contains(needle), "{text:?}: {error}");
        }
    }

    #[test]
    fn counts_and_page_sizes() {
        assert_eq!(count("0"), Ok(0));
        assert!(count("-1").unwrap_err().contains("negative"));
        assert!(count("x").unwrap_err().contains("whole number"));
        assert!(page_size("0").unwrap_err().contains("at least 1"));
        assert_eq!(page_size("5"), Ok(5));
        assert!(retries("4294967296").unwrap_err().contains("at most"));
    }

    #[test]
    fn seconds_are_positive_and_finite() {
        assert_eq!(seconds("2.5"), Ok(2.5));
        for text in ["0", "-5", "nan", "inf", "abc"] {
            assert!(seconds(text).is_err(), "{text}");
        }
    }

    #[test]
    fn ids_are_anything_but_empty() {
        assert_eq!(id("1234"), Ok("1234".to_string()));
        assert_eq!(id("snap-1"), Ok("snap-1".to_string()));
        assert!(id("5f8e2b2a-3c4d-4e6f-8a9b-0c1d2e3f4a5b").is_ok());
        assert!(id("").unwrap_err().contains("cannot be empty"));
        assert!(id("  ").is_err());
    }

    #[test]
    fn all_tenants_is_an_integer_or_a_boolean() {
        assert_eq!(all_tenants("1"), Ok(true));
        assert_eq!(all_tenants("2"), Ok(true));
        assert_eq!(all_tenants("0"), Ok(false));
        assert_eq!(all_tenants("True"), Ok(true));
        assert_eq!(all_tenants("false"), Ok(false));
        assert!(all_tenants("everyone").unwrap_err().contains("use 0 or 1"));
    }

    #[test]
    fn sort_directions_are_asc_or_desc() {
        assert_eq!(
            sort("name, created_at:desc,").unwrap(),
            "name,created_at:desc"
        );
        assert_eq!(sort("name:").unwrap(), "name");
        assert!(sort("name:sideways").unwrap_err().contains("asc, desc"));
        assert!(sort(":asc").unwrap_err().contains("no sort key"));
        assert!(sort(",").unwrap_err().contains("no sort key"));
    }
}
