//! What the library needs to know to reach Cinder: credentials, where to look in the catalog,
//! which microversion to use and how to talk TLS.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::microversion::VersionRequest;
use crate::observer::ResponseObserver;

/// How to obtain a token.
#[derive(Clone)]
pub enum Auth {
    /// Keystone v3 password authentication, scoped to a project.
    Password {
        /// Keystone's v3 URL, e.g. `http://127.0.0.1:5000/v3`.
        auth_url: String,
        /// The user, by name (then `user_domain` is needed) or id.
        user: NameOrId,
        /// The user's domain, when the user is given by name.
        user_domain: Option<NameOrId>,
        /// Never printed: `Debug` shows `<redacted>`.
        password: String,
        /// The project to scope the token to; `None` takes the user's default project.
        project: Option<NameOrId>,
        /// The project's domain, when the project is given by name.
        project_domain: Option<NameOrId>,
    },
    /// An existing Keystone token, re-scoped to a project (catalog comes from Keystone).
    Token {
        /// Keystone's v3 URL.
        auth_url: String,
        /// The existing token; never printed.
        token: String,
        /// The project to scope the new token to.
        project: Option<NameOrId>,
        /// The project's domain, when the project is given by name.
        project_domain: Option<NameOrId>,
    },
    /// A Keystone application credential (already scoped to its project).
    ApplicationCredential {
        /// Keystone's v3 URL.
        auth_url: String,
        /// The application credential, by id, or by name together with its `user`.
        credential: NameOrId,
        /// Needed when the credential is given by name.
        user: Option<NameOrId>,
        /// The user's domain, when the user is given by name.
        user_domain: Option<NameOrId>,
        /// The credential's secret; never printed.
        secret: String,
    },
    /// A token sent as is to an explicit endpoint: no Keystone at all.
    TokenEndpoint {
        /// Sent as `X-Auth-Token`; never printed.
        token: String,
        /// The block-storage URL, e.g. `http://127.0.0.1:8776/v3/{project_id}`.
        endpoint: String,
    },
}

impl std::fmt::Debug for Auth {
    // Secrets never reach logs through Debug.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Password {
                auth_url,
                user,
                project,
                ..
            } => f
                .debug_struct("Password")
                .field("auth_url", &crate::redact::without_userinfo(auth_url))
                .field("user", user)
                .field("project", project)
                .field("password", &"<redacted>")
                .finish(),
            Auth::Token {
                auth_url, project, ..
            } => f
                .debug_struct("Token")
                .field("auth_url", &crate::redact::without_userinfo(auth_url))
                .field("project", project)
                .field("token", &"<redacted>")
                .finish(),
            Auth::ApplicationCredential {
                auth_url,
                credential,
                ..
            } => f
                .debug_struct("ApplicationCredential")
                .field("auth_url", &crate::redact::without_userinfo(auth_url))
                .field("credential", credential)
                .field("secret", &"<redacted>")
                .finish(),
            Auth::TokenEndpoint { endpoint, .. } => f
                .debug_struct("TokenEndpoint")
                .field("endpoint", &crate::redact::without_userinfo(endpoint))
                .field("token", &"<redacted>")
                .finish(),
        }
    }
}

/// A Keystone object named either way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameOrId {
    /// A name, unique within its domain.
    Name(String),
    /// An id.
    Id(String),
}

/// Which catalog URL of a service to use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Interface {
    /// The endpoint meant for users (the default).
    #[default]
    Public,
    /// The endpoint on the cloud's internal network.
    Internal,
    /// The administrative endpoint.
    Admin,
}

impl Interface {
    /// Accepts `public`, `internal`, `admin` and cinderclient's `publicURL` spellings.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim_end_matches("URL").to_ascii_lowercase().as_str() {
            "public" => Ok(Interface::Public),
            "internal" => Ok(Interface::Internal),
            "admin" => Ok(Interface::Admin),
            _ => Err(format!(
                "unknown endpoint interface {text:?}; use public, internal or admin"
            )),
        }
    }

    /// The catalog's spelling: `public`, `internal` or `admin`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Interface::Public => "public",
            Interface::Internal => "internal",
            Interface::Admin => "admin",
        }
    }
}

/// Everything [`crate::Cinder::connect`] needs.
#[derive(Clone)]
pub struct Config {
    /// How to authenticate.
    pub auth: Auth,
    /// The catalog region; `None` accepts an endpoint in any region.
    pub region: Option<String>,
    /// Which of the service's catalog URLs to use.
    pub interface: Interface,
    /// Catalog service types tried in order.
    pub service_types: Vec<String>,
    /// Use this block-storage URL instead of the catalog's.
    pub endpoint_override: Option<String>,
    /// The microversion to use, or `Latest` to negotiate the highest both sides support.
    pub api_version: VersionRequest,
    /// Skip TLS certificate verification (off by default: certificates are checked against
    /// the system's roots and `cacert`). Connecting this way emits a `tracing` event at WARN
    /// level saying so; the `cinder` command prints it as `WARNING: ...`.
    pub insecure: bool,
    /// A CA bundle (PEM) trusted besides the system's roots, e.g. a private cloud's CA.
    pub cacert: Option<PathBuf>,
    /// Client certificate (PEM, optionally followed by its chain) for TLS client
    /// authentication; may hold the private key too.
    pub client_cert: Option<PathBuf>,
    /// The client certificate's private key (PEM), when not in `client_cert`.
    pub client_key: Option<PathBuf>,
    /// Reuse tokens across processes through this on-disk cache (off by default; the `cinder`
    /// command turns it on).
    pub token_cache: Option<crate::TokenCache>,
    /// Which failed requests are sent again, how often and how patiently (by default
    /// [`crate::RetryPolicy::DEFAULT_RETRIES`] retries of what is safe to repeat; see
    /// [`crate::RetryPolicy`]).
    pub retry: crate::RetryPolicy,
    /// Per-request timeout.
    pub timeout: Option<Duration>,
    /// Sees every response (conformance tests use it to validate bodies against the spec).
    pub observer: Option<Arc<dyn ResponseObserver>>,
}

impl Config {
    /// Defaults around `auth`: public interface, any region, service types `block-storage`
    /// then `volumev3`, the latest microversion, TLS verified, no timeout.
    ///
    /// ```
    /// use cinder_client::{Auth, Config, VersionRequest};
    ///
    /// let mut config = Config::new(Auth::TokenEndpoint {
    ///     token: "gAAAA...".into(),
    ///     endpoint: "http://127.0.0.1:8776/v3/1234".into(),
    /// });
    /// config.api_version = VersionRequest::parse("3.50").unwrap();
    /// config.timeout = Some(std::time::Duration::from_secs(30));
    /// // Secrets stay out of logs:
    /// assert!(!format!("{config:?}").contains("gAAAA"));
    /// ```
    pub fn new(auth: Auth) -> Self {
        Config {
            auth,
            region: None,
            interface: Interface::Public,
            service_types: vec!["block-storage".into(), "volumev3".into()],
            endpoint_override: None,
            api_version: VersionRequest::Latest,
            insecure: false,
            cacert: None,
            client_cert: None,
            client_key: None,
            token_cache: None,
            retry: crate::RetryPolicy::default(),
            timeout: None,
            observer: None,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("auth", &self.auth)
            .field("region", &self.region)
            .field("interface", &self.interface)
            .field("service_types", &self.service_types)
            .field(
                "endpoint_override",
                &self
                    .endpoint_override
                    .as_deref()
                    .map(crate::redact::without_userinfo),
            )
            .field("api_version", &self.api_version)
            .field("insecure", &self.insecure)
            .field("cacert", &self.cacert)
            .field("client_cert", &self.client_cert)
            .field("client_key", &self.client_key)
            .field("token_cache", &self.token_cache)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}
