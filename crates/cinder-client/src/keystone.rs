//! Keystone v3: token requests and the service catalog.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::config::{Auth, Interface, NameOrId};
use crate::error::{Error, Result};
use crate::exchange::request_id;
use crate::transport::describe as transport_detail;

/// A token and what came with it.
#[derive(Clone)]
pub struct Token {
    pub value: String,
    pub project_id: Option<String>,
    pub catalog: Vec<CatalogService>,
    /// Unix seconds; `None` for a token Keystone did not issue to us.
    pub expires_at: Option<i64>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct CatalogService {
    #[serde(rename = "type")]
    pub service_type: String,
    #[serde(default)]
    pub endpoints: Vec<CatalogEndpoint>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct CatalogEndpoint {
    pub interface: String,
    #[serde(default)]
    pub region_id: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    pub url: String,
}

#[derive(Deserialize)]
struct TokenBody {
    token: TokenDetail,
}

#[derive(Deserialize)]
struct TokenDetail {
    #[serde(default)]
    project: Option<ProjectRef>,
    #[serde(default)]
    catalog: Vec<CatalogService>,
    #[serde(default)]
    expires_at: Option<String>,
}

#[derive(Deserialize)]
struct ProjectRef {
    id: String,
}

/// `http://host:5000` and `http://host:5000/v3/` both mean `http://host:5000/v3`.
pub fn identity_v3_url(auth_url: &str) -> String {
    let trimmed = auth_url.trim_end_matches('/');
    if trimmed.ends_with("/v3") {
        trimmed.to_string()
    } else {
        format!("{trimmed}/v3")
    }
}

fn named(value: &NameOrId) -> Value {
    match value {
        NameOrId::Name(name) => json!({ "name": name }),
        NameOrId::Id(id) => json!({ "id": id }),
    }
}

fn with_domain(object: &NameOrId, domain: Option<&NameOrId>) -> Value {
    let mut value = named(object);
    if let (NameOrId::Name(_), Some(domain)) = (object, domain) {
        value["domain"] = named(domain);
    } else if let NameOrId::Name(_) = object {
        value["domain"] = json!({ "id": "default" });
    }
    value
}

fn project_scope(project: Option<&NameOrId>, domain: Option<&NameOrId>) -> Option<Value> {
    project.map(|p| json!({ "project": with_domain(p, domain) }))
}

/// The body of `POST /v3/auth/tokens` for `auth` (None for auth without Keystone).
pub(crate) fn request_body(auth: &Auth) -> Option<(String, Value)> {
    let (auth_url, identity, scope) = match auth {
        Auth::Password {
            auth_url,
            user,
            user_domain,
            password,
            project,
            project_domain,
        } => {
            let mut user = with_domain(user, user_domain.as_ref());
            user["password"] = json!(password);
            (
                auth_url,
                json!({ "methods": ["password"], "password": { "user": user } }),
                project_scope(project.as_ref(), project_domain.as_ref()),
            )
        }
        Auth::Token {
            auth_url,
            token,
            project,
            project_domain,
        } => (
            auth_url,
            json!({ "methods": ["token"], "token": { "id": token } }),
            project_scope(project.as_ref(), project_domain.as_ref()),
        ),
        Auth::ApplicationCredential {
            auth_url,
            credential,
            user,
            user_domain,
            secret,
        } => {
            let mut credential = named(credential);
            if let Some(user) = user {
                credential["user"] = with_domain(user, user_domain.as_ref());
            }
            credential["secret"] = json!(secret);
            (
                auth_url,
                json!({ "methods": ["application_credential"], "application_credential": credential }),
                None,
            )
        }
        Auth::TokenEndpoint { .. } => return None,
    };
    let mut body = json!({ "auth": { "identity": identity } });
    if let Some(scope) = scope {
        body["auth"]["scope"] = scope;
    }
    Some((identity_v3_url(auth_url), body))
}

/// Asks Keystone for a token.
pub async fn authenticate(http: &reqwest::Client, auth: &Auth) -> Result<Token> {
    let Some((identity_url, body)) = request_body(auth) else {
        let Auth::TokenEndpoint { token, .. } = auth else {
            unreachable!("only TokenEndpoint has no Keystone request");
        };
        return Ok(Token {
            value: token.clone(),
            project_id: None,
            catalog: Vec::new(),
            expires_at: None,
        });
    };
    let url = format!("{identity_url}/auth/tokens");
    // What messages show: a `user:password@` in the configured URL stays out of them.
    let shown = crate::redact::without_userinfo(&url).into_owned();
    let unreachable = |e: reqwest::Error| {
        Error::Transport(format!(
            "cannot reach Keystone at {shown}: {}",
            transport_detail(&e)
        ))
    };
    let request = http.post(&url).json(&body).build().map_err(unreachable)?;
    let response = crate::http_log::send(http, request, "keystone_authenticate")
        .await
        .map_err(unreachable)?;
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap_or_default();
    if !status.is_success() {
        let message = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| {
                v.pointer("/error/message")
                    .and_then(Value::as_str)
                    .map(crate::fault::fault_message)
            })
            .unwrap_or_else(|| crate::fault::summarize_body(&text));
        let request = request_id(&headers)
            .map(|r| format!(", request {r}"))
            .unwrap_or_default();
        return Err(Error::Auth(format!(
            "Keystone answered {status} at {shown}: {message}{request}"
        )));
    }
    let value = headers
        .get("x-subject-token")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| Error::Auth(format!("Keystone at {shown} returned no X-Subject-Token")))?
        .to_string();
    let detail: TokenBody = serde_json::from_str(&text).map_err(|e| {
        Error::Auth(format!(
            "Keystone's token body from {shown} is not understood: {e}"
        ))
    })?;
    Ok(Token {
        value,
        project_id: detail.token.project.map(|p| p.id),
        catalog: detail.token.catalog,
        expires_at: detail
            .token
            .expires_at
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(&at).ok())
            .map(|at| at.timestamp()),
    })
}

/// The URL of the first service type in `service_types` with an endpoint of `interface` in
/// `region` (any region when `None`).
pub fn find_endpoint(
    catalog: &[CatalogService],
    service_types: &[String],
    interface: Interface,
    region: Option<&str>,
) -> Result<String> {
    for service_type in service_types {
        for service in catalog.iter().filter(|s| &s.service_type == service_type) {
            let found = service.endpoints.iter().find(|e| {
                e.interface == interface.as_str()
                    && region.is_none_or(|r| {
                        e.region_id.as_deref() == Some(r) || e.region.as_deref() == Some(r)
                    })
            });
            if let Some(endpoint) = found {
                return Ok(endpoint.url.trim_end_matches('/').to_string());
            }
        }
    }
    let available: Vec<String> = catalog
        .iter()
        .flat_map(|s| {
            s.endpoints.iter().map(move |e| {
                format!(
                    "{} {} {}",
                    s.service_type,
                    e.interface,
                    e.region_id
                        .as_deref()
                        .or(e.region.as_deref())
                        .unwrap_or("-")
                )
            })
        })
        .collect();
    Err(Error::Auth(format!(
        "no {} endpoint of service type {} in region {} in the catalog (it has: {})",
        interface.as_str(),
        service_types.join(" or "),
        region.unwrap_or("any"),
        if available.is_empty() {
            "nothing".to_string()
        } else {
            available.join("; ")
        }
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Vec<CatalogService> {
        serde_json::from_value(json!([
            {"type": "identity", "endpoints": [{"interface": "public", "region_id": "RegionOne", "url": "http://k/v3"}]},
            {"type": "volumev3", "endpoints": [{"interface": "public", "region_id": "RegionOne", "url": "http://old/v3/p"}]},
            {"type": "block-storage", "endpoints": [
                {"interface": "internal", "region_id": "RegionOne", "url": "http://internal/v3/p"},
                {"interface": "public", "region_id": "RegionTwo", "url": "http://two/v3/p/"},
                {"interface": "public", "region_id": "RegionOne", "url": "http://one/v3/p"}
            ]}
        ]))
        .unwrap()
    }

    #[test]
    fn prefers_block_storage_then_volumev3() {
        let types = ["block-storage".to_string(), "volumev3".to_string()];
        let url = find_endpoint(&catalog(), &types, Interface::Public, Some("RegionTwo")).unwrap();
        assert_eq!(url, "http://two/v3/p");
        let url = find_endpoint(&catalog(), &types, Interface::Internal, None).unwrap();
        assert_eq!(url, "http://internal/v3/p");
        let only_old = ["volumev3".to_string()];
        let url = find_endpoint(&catalog(), &only_old, Interface::Public, None).unwrap();
        assert_eq!(url, "http://old/v3/p");
        let err = find_endpoint(&catalog(), &types, Interface::Admin, None).unwrap_err();
        assert!(err.to_string().contains("no admin endpoint"), "{err}");
    }

    #[test]
    fn builds_scoped_password_requests() {
        let auth = Auth::Password {
            auth_url: "http://k:5000".into(),
            user: NameOrId::Name("admin".into()),
            user_domain: Some(NameOrId::Name("Default".into())),
            password: "pw".into(),
            project: Some(NameOrId::Id("p1".into())),
            project_domain: None,
        };
        let (url, body) = request_body(&auth).unwrap();
        assert_eq!(url, "http://k:5000/v3");
        assert_eq!(
            body["auth"]["identity"]["password"]["user"]["domain"]["name"],
            "Default"
        );
        assert_eq!(body["auth"]["scope"]["project"]["id"], "p1");
    }
}
