//! Finding the service root and the server's microversion range.

use cinder_raw::types::VersionList;
use progenitor_client::ClientInfo;

use crate::error::{Error, Result};
use crate::microversion::{ApiVersion, ServerRange};
use crate::transport::describe as transport_detail;

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

/// `GET <root>/`, typed; a field that does not fit is named by its JSON path.
pub async fn list_versions(root: &cinder_raw::Client) -> Result<VersionList> {
    let text = versions_text(root).await?;
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(&text)).map_err(|e| {
        Error::Decode {
            operation: format!(
                "list_versions (GET {}/)",
                crate::redact::without_userinfo(root.baseurl())
            ),
            path: Some(e.path().to_string()),
            detail: format!("not a versions document: {}", e.inner()),
            body: Some(text.clone()),
            request_id: None,
        }
    })
}

/// `GET <root>/` as the server sent it.
pub async fn list_versions_json(root: &cinder_raw::Client) -> Result<serde_json::Value> {
    let text = versions_text(root).await?;
    serde_json::from_str(&text).map_err(|e| Error::Decode {
        operation: format!(
            "list_versions (GET {}/)",
            crate::redact::without_userinfo(root.baseurl())
        ),
        path: None,
        detail: format!("not JSON: {e}"),
        body: Some(text.clone()),
        request_id: None,
    })
}

/// `GET <root>/`: Cinder answers 300 Multiple Choices, which the generated call hands back as
/// an unexpected response (progenitor only decodes 2xx bodies as success), so it is read here.
async fn versions_text(root: &cinder_raw::Client) -> Result<String> {
    let url = format!("{}/", crate::redact::without_userinfo(root.baseurl()));
    let text = match root.list_versions().send().await {
        Ok(response) => {
            let body: Vec<bytes::Bytes> =
                futures::TryStreamExt::try_collect(response.into_inner().into_inner())
                    .await
                    .map_err(|e| {
                        Error::Transport(format!("GET {url}: {}", transport_detail(&e)))
                    })?;
            String::from_utf8_lossy(&body.concat()).into_owned()
        }
        Err(progenitor_client::Error::UnexpectedResponse(response))
            if response.status().as_u16() == 300 =>
        {
            response
                .text()
                .await
                .map_err(|e| Error::Transport(format!("GET {url}: {}", transport_detail(&e))))?
        }
        Err(error) => return Err(Error::from_raw(error).await),
    };
    Ok(text)
}

/// The server's v3 microversion range, from its versions document.
pub async fn server_range(root: &cinder_raw::Client) -> Result<ServerRange> {
    let list = list_versions(root).await?;
    let v3 = list
        .versions
        .iter()
        .find(|v| v.id.starts_with("v3"))
        .ok_or_else(|| Error::Decode {
            operation: format!(
                "list_versions (GET {}/)",
                crate::redact::without_userinfo(root.baseurl())
            ),
            path: Some("versions".into()),
            detail: "the versions document lists no v3 API".into(),
            body: None,
            request_id: None,
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
