//! Error bodies that are not Cinder's JSON fault: HTML pages from proxies, plain text from the
//! auth middleware.

/// A one-line, bounded summary of an error body for messages.
pub fn summarize_body(body: &str) -> String {
    let text = strip_tags(body);
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut summary = words.join(" ");
    if summary.is_empty() {
        return "(empty body)".to_string();
    }
    if summary.chars().count() > 300 {
        summary = summary.chars().take(300).collect::<String>() + "...";
    }
    summary
}

fn strip_tags(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether a body is Cinder's JSON fault (`{"<kind>": {"message": ...}}`).
pub fn is_json_fault(body: &[u8]) -> bool {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => {
            map.len() == 1
                && map
                    .values()
                    .all(|v| v.get("message").is_some_and(|m| m.is_string()))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarizes_html_pages() {
        let page = "<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>";
        assert_eq!(summarize_body(page), "502 Bad Gateway Bad Gateway");
        assert_eq!(summarize_body(""), "(empty body)");
    }

    #[test]
    fn recognizes_cinder_faults_only() {
        assert!(is_json_fault(
            br#"{"itemNotFound": {"message": "gone", "code": 404}}"#
        ));
        assert!(!is_json_fault(b"<html></html>"));
        assert!(!is_json_fault(br#"{"error": "x"}"#));
    }
}
