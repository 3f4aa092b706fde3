//! Control characters from the server shown as visible escapes (`\x1b`), so that a name chosen
//! by any project member cannot retitle the terminal, write its clipboard (OSC 52), move the
//! cursor or hide rows when an admin lists it. JSON and YAML escape them already; the table,
//! `value` output and error messages go through [`visible`].
//!
//! python-cinderclient prints them raw: this is an intentional difference. A line feed (cells
//! may hold several lines) and a tab (harmless, and common in descriptions) stay as they are.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every C0 control but line feed and tab, DEL and every C1 control written as
/// `\xNN`.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            let _ = write!(shown, "\\x{:02x}", c as u32);
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_escapes_and_text_stays() {
        assert_eq!(visible("plain ünïcode"), "plain ünïcode");
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
        assert_eq!(visible("a\u{1b}]0;owned\u{7}b"), "a\\x1b]0;owned\\x07b");
        assert_eq!(
            visible("\u{1b}[2J\u{9b}1A\u{7f}\r"),
            "\\x1b[2J\\x9b1A\\x7f\\x0d"
        );
        assert_eq!(visible("two\nlines\tand a tab"), "two\nlines\tand a tab");
    }
}
