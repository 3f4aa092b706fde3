//! Finding the service root and the server's microversion range.

use serde::Deserialize;

use crate::error::{transport_detail, Error, Result};
use crate::microversion::{ApiVersion, ServerRange};

/// `http://h:8776/v3/<project>` -> `http://h:8776`; the versions document lives there.
pub fn service_root(endpoint: &str) -> String {
    let trimmed = endpoint.trim_end_matches('/');
    match trimmed.rfind("/v3") {
        Some(index) if trimmed[index + 3..].is_empty() || trimmed[index + 3..].starts_with('/') => {
            trimmed[..index].to_string()
        }
        _ => trimmed.to_string(),
    }
}

#[derive(Deserialize)]
struct VersionList {
    versions: Vec<VersionEntry>,
}

#[derive(Deserialize)]
struct VersionEntry {
    id: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    min_version: String,
}

/// Reads `GET <root>/` (answered with 300 Multiple Choices) and returns the v3 range.
pub async fn server_range(http: &reqwest::Client, root: &str) -> Result<ServerRange> {
    let url = format!("{root}/");
    let response = http
        .get(&url)
        .send()
        .await
        .map_err(|e| Error::Transport(format!("GET {url}: {}", transport_detail(&e))))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| Error::Transport(format!("GET {url}: {}", transport_detail(&e))))?;
    let list: VersionList = serde_json::from_str(&text).map_err(|e| Error::Decode {
        operation: format!("GET {url} (HTTP {status})"),
        detail: format!("not a versions document: {e}"),
    })?;
    let v3 = list
        .versions
        .iter()
        .find(|v| v.id.starts_with("v3"))
        .ok_or_else(|| Error::Decode {
            operation: format!("GET {url}"),
            detail: "the versions document lists no v3 API".into(),
        })?;
    let parse = |text: &str| {
        if text.is_empty() {
            Ok(ApiVersion(0))
        } else {
            ApiVersion::parse(text)
        }
    };
    Ok(ServerRange {
        min: parse(&v3.min_version)?,
        max: parse(&v3.version)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_version_path() {
        assert_eq!(service_root("http://h:8776/v3/abc"), "http://h:8776");
        assert_eq!(service_root("http://h:8776/v3/"), "http://h:8776");
        assert_eq!(service_root("https://h/volume/v3/abc"), "https://h/volume");
        assert_eq!(service_root("http://h:8776"), "http://h:8776");
    }
}
