#![warn(missing_docs)]
//! A client for OpenStack Block Storage (Cinder) v3.
//!
//! ```no_run
//! use cinder_client::prelude::*;
//!
//! # async fn demo() -> cinder_client::Result<()> {
//! let cinder = cinder_client::Cinder::from_env().await?; // OS_CLOUD / OS_* like `cinder`
//! let volume = cinder.volumes().create(|v| v.size(1).name("scratch")).await?;
//! let volume = cinder.volumes().wait_for(&volume.id, &["available"]).await?;
//! for snapshot in cinder.raw().list_snapshots_detail().volume_id(&volume.id).run().await?.snapshots {
//!     println!("{} {}", snapshot.id, snapshot.status);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Or with explicit credentials:
//!
//! ```no_run
//! # async fn demo() -> cinder_client::Result<()> {
//! use cinder_client::{Auth, Cinder, Config, NameOrId};
//!
//! let cinder = Cinder::connect(Config::new(Auth::Password {
//!     auth_url: "http://127.0.0.1:5000/v3".into(),
//!     user: NameOrId::Name("admin".into()),
//!     user_domain: Some(NameOrId::Name("Default".into())),
//!     password: std::env::var("OS_PASSWORD").unwrap_or_default(),
//!     project: Some(NameOrId::Name("admin".into())),
//!     project_domain: Some(NameOrId::Name("Default".into())),
//! }))
//! .await?;
//! println!("microversion {}", cinder.version());
//! # Ok(())
//! # }
//! ```
//!
//! [`Cinder`] wraps the generated [`cinder_raw::Client`]: it authenticates with Keystone, finds
//! the endpoint in the catalog, negotiates the microversion and sends it on every request,
//! refuses operations and arguments the negotiated version lacks before sending anything,
//! re-authenticates once on a 401, and turns Cinder's faults into [`Error`].
//!
//! - **One call style**: every request of [`Cinder::raw`] — a builder, or a typed action
//!   method — is sent with [`Run::run`] (the typed answer) or [`Run::run_json`] (the answer's
//!   JSON beside the typed value), or, for the rare answer that is not JSON, [`RunText::run_text`];
//!   list builders page with [`Paginate::paginate`].
//! - **Resources**: [`Cinder::volumes`], [`Cinder::snapshots`], [`Cinder::volume_types`] and
//!   [`Cinder::messages`] give find, show, list, create, delete, metadata and waiting
//!   ([`Handle`]), generated from the spec.
//! - **Tolerance**: the JSON of any answer is always there, unknown fields and all; a typed
//!   decoding that fails says which operation and which JSON path ([`Error::Decode`]).
//! - [`Cinder::at_version`] switches microversion without reconnecting; [`Settings`] layers
//!   clouds.yaml, secure.yaml and `OS_*` variables; [`TokenCache`] reuses tokens across
//!   processes. Runnable programs are in `examples/`.
//!
//! Every HTTP exchange is logged through `tracing` at DEBUG under [`HTTP_LOG_TARGET`] as a
//! `curl` command line and the response, with tokens and secrets redacted: install any
//! subscriber to see it (the `cinder` CLI's `--debug` does).

mod body_override;
pub mod clouds;
mod config;
mod discovery;
mod error;
mod exchange;
mod extra_query;
mod fault;
mod handle;
mod hook;
mod http_log;
mod keystone;
mod layers;
mod lazy_roots;
pub mod microversion;
mod observer;
pub mod paging;
mod redact;
mod redirect;
mod response;
mod retry;
mod run;
mod session;
mod settings;
pub mod status;
mod tls;
mod token_cache;
mod transfers;
mod transport;
pub mod wait;

use std::sync::Arc;

pub use body_override::with_body;
pub use cinder_raw::{types, ResponseValue};
pub use config::{Auth, Config, Interface, NameOrId};
#[doc(hidden)]
pub use error::error_from_response;
pub use error::{Error, RawError, Result, Versions};
pub use extra_query::with_query;
pub use handle::{means_missing, Handle};
pub use microversion::{ApiVersion, ServerRange, VersionRequest};
pub use observer::ResponseObserver;
pub use paging::Paginate;
pub use redact::without_userinfo as redact_url;
pub use retry::RetryPolicy;
pub use run::{Response, Run, RunText};
pub use settings::{AuthKind, Missing, Settings};
pub use token_cache::{CacheWarning, TokenCache};
pub use transfers::{TransferRoute, Transfers};

pub use http_log::TARGET as HTTP_LOG_TARGET;

use hook::CinderHook;
use session::Session;

/// The resources of the spec (marker types such as [`resources::Volumes`], for
/// [`Cinder::handle`]) and the traits that say what each supports.
pub mod resources {
    pub use cinder_raw::calls::{
        Creatable, Deletable, Resource, Updatable, WithMetadata, WithStatus,
    };
    pub use cinder_raw::resources::*;
}

/// The traits that give generated requests their verbs: `use cinder_client::prelude::*;`
/// for `.run()`, `.run_json()` and `.paginate()`.
pub mod prelude {
    pub use crate::paging::Paginate;
    pub use crate::run::{Run, RunText};
}

/// A connected client: authenticated, endpoint found, microversion chosen.
#[derive(Clone)]
pub struct Cinder {
    raw: cinder_raw::Client,
    root: cinder_raw::Client,
    /// What another microversion's clients are made of: the same HTTP client (its pool), the
    /// same session (its token).
    http: reqwest::Client,
    root_url: String,
    session: Arc<Session>,
    observer: Option<Arc<dyn ResponseObserver>>,
    retry: RetryPolicy,
    endpoint: String,
    project_id: Option<String>,
    version: ApiVersion,
    server: ServerRange,
    warnings: Vec<CacheWarning>,
}

impl std::fmt::Debug for Cinder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cinder")
            .field("endpoint", &self.endpoint)
            .field("project_id", &self.project_id)
            .field("version", &self.version)
            .field("server", &self.server)
            .field("session", &self.session)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Cinder {
    /// Authenticates, looks up the endpoint and negotiates the microversion.
    pub async fn connect(config: Config) -> Result<Cinder> {
        let http = http_client(&config)?;
        let mut warnings = Vec::new();
        let slot = match &config.token_cache {
            Some(cache) => cache
                .slot(&config.auth, config.region.as_deref())
                .unwrap_or_else(|warning| {
                    warnings.push(warning);
                    None
                }),
            None => None,
        };
        let cached = match &slot {
            Some(slot) => slot.load(unix_now()).unwrap_or_else(|warning| {
                warnings.push(warning);
                None
            }),
            None => None,
        };
        let token = match &cached {
            Some(entry) => entry.to_token(),
            None => keystone::authenticate(&http, &config.auth).await?,
        };
        let endpoint = match (&config.endpoint_override, &config.auth) {
            (Some(endpoint), _) | (None, Auth::TokenEndpoint { endpoint, .. }) => {
                endpoint.trim_end_matches('/').to_string()
            }
            (None, _) => keystone::find_endpoint(
                &token.catalog,
                &config.service_types,
                config.interface,
                config.region.as_deref(),
            )?,
        };
        let root_url = discovery::service_root(&endpoint);
        // The versions document needs no token and no microversion: ask before choosing one.
        let bare_root = cinder_raw::Client::new_with_client(
            &root_url,
            http.clone(),
            cinder_raw::hooks::Hooks::new(Arc::new(hook::LogHook)),
        );
        let known = cached
            .as_ref()
            .and_then(|entry| entry.discovery.as_ref())
            .filter(|d| d.endpoint == endpoint);
        let server = match known {
            Some(discovery) => discovery.range(),
            None => discovery::server_range(&bare_root).await?,
        };
        let version = microversion::negotiate(config.api_version, server)?;
        // After a warning the cache is left alone for this run; an expiry-less token is not
        // cached.
        let slot = slot.filter(|_| warnings.is_empty() && token.expires_at.is_some());
        let slot = slot.map(|slot| {
            let discovery = token_cache::Discovery {
                endpoint: endpoint.clone(),
                min: server.min.0,
                max: server.max.0,
            };
            if known.is_none() {
                let mut entry = cached
                    .clone()
                    .unwrap_or_else(|| token_cache::Entry::new(&token));
                entry.discovery = Some(discovery.clone());
                slot.store(&entry);
            }
            session::CacheSlot {
                slot,
                discovery: Some(discovery),
            }
        });
        let session = Arc::new(Session::new(
            http.clone(),
            config.auth.clone(),
            &token,
            slot,
        ));
        let mut cinder = Cinder {
            raw: cinder_raw::Client::new_with_client(&endpoint, http.clone(), Default::default()),
            root: cinder_raw::Client::new_with_client(&root_url, http.clone(), Default::default()),
            http,
            root_url,
            session,
            observer: config.observer.clone(),
            retry: config.retry.clone(),
            endpoint,
            project_id: token.project_id,
            version,
            server,
            warnings,
        };
        cinder.set_version(version);
        Ok(cinder)
    }

    /// [`Cinder::connect`] with [`Config::from_env`]: what the `cinder` command would use
    /// without options (`OS_CLOUD` from clouds.yaml, then the `OS_*` variables).
    ///
    /// ```no_run
    /// # async fn demo() -> cinder_client::Result<()> {
    /// let cinder = cinder_client::Cinder::from_env().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn from_env() -> Result<Cinder> {
        Cinder::connect(Config::from_env()?).await
    }

    /// The same connection at another microversion: same token, catalog and connection pool,
    /// nothing sent. Fails if the server does not offer `version`.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
    /// use cinder_client::{ApiVersion, Run};
    ///
    /// let old = cinder.at_version(ApiVersion(44))?;
    /// let volumes = old.raw().list_volumes_detail().limit(5).run().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn at_version(&self, version: ApiVersion) -> Result<Cinder> {
        let version = microversion::negotiate(VersionRequest::Exact(version), self.server)?;
        let mut other = self.clone();
        other.set_version(version);
        Ok(other)
    }

    fn set_version(&mut self, version: ApiVersion) {
        let hook = cinder_raw::hooks::Hooks::new(Arc::new(CinderHook {
            session: self.session.clone(),
            version,
            observer: self.observer.clone(),
            retry: self.retry.clone(),
        }));
        self.raw =
            cinder_raw::Client::new_with_client(&self.endpoint, self.http.clone(), hook.clone());
        self.root = cinder_raw::Client::new_with_client(&self.root_url, self.http.clone(), hook);
        self.version = version;
    }

    /// What the user should know about how the connection was made, e.g. a token cache file
    /// refused because others could read it.
    pub fn warnings(&self) -> &[CacheWarning] {
        &self.warnings
    }

    /// The generated client, with auth and microversion handling plugged in.
    pub fn raw(&self) -> &cinder_raw::Client {
        &self.raw
    }

    /// The generated client at the service root (the endpoint without `/v3/{project_id}`),
    /// for the operations the spec places there: `list_versions` and `show_v3_version`.
    pub fn root_raw(&self) -> &cinder_raw::Client {
        &self.root
    }

    /// `GET /` at the service root: every API version the server offers.
    pub async fn versions(&self) -> Result<types::VersionList> {
        discovery::list_versions(&self.root).await
    }

    /// [`Cinder::versions`], as the server sent the document.
    pub async fn versions_json(&self) -> Result<serde_json::Value> {
        discovery::list_versions_json(&self.root).await
    }

    /// The negotiated microversion sent with every request.
    pub fn version(&self) -> ApiVersion {
        self.version
    }

    /// The server's supported microversion range.
    pub fn server_range(&self) -> ServerRange {
        self.server
    }

    /// The block-storage endpoint in use.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The project the token is scoped to, when Keystone said.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }
}

/// Prints the HTTP log ([`HTTP_LOG_TARGET`], DEBUG: every request as a `curl` command line
/// and every response, secrets redacted) on stderr, as `cinder --debug` does. For programs
/// without a `tracing` subscriber of their own; with one, enable the target there instead.
/// Does nothing if a global subscriber is already set.
///
/// ```no_run
/// cinder_client::init_logging(); // needs the crate's `logging` feature
/// ```
#[cfg(feature = "logging")]
pub fn init_logging() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;

    let _ = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(Targets::new().with_target(HTTP_LOG_TARGET, LevelFilter::DEBUG))
        .try_init();
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Sent with every request; the HTTP log shows it too.
const USER_AGENT: &str = concat!("cinder-client-rs/", env!("CARGO_PKG_VERSION"));

/// What the `insecure` setting costs, said when a client is built with it.
const INSECURE_WARNING: &str = "TLS certificates are not verified (`insecure`, `verify: false` \
     or --insecure): any server on the way can pose as Keystone or Cinder and read the \
     credentials and the token";

/// The HTTP client of a connection: TLS verified against the system's roots (plus `cacert`)
/// unless `insecure`, the client certificate if any, and redirects kept within their origin.
fn http_client(config: &Config) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .redirect(redirect::policy());
    if config.insecure {
        tracing::warn!("{INSECURE_WARNING}");
        builder = builder.tls_danger_accept_invalid_certs(true);
    } else if config.cacert.is_none() && config.client_cert.is_none() {
        // reqwest's default TLS set-up, but reading the system's roots only if HTTPS is used.
        builder = builder.tls_backend_preconfigured(lazy_roots::client_config());
    }
    if let Some(timeout) = config.timeout {
        builder = builder.timeout(timeout).connect_timeout(timeout);
    }
    if let Some(path) = &config.cacert {
        builder = builder.tls_certs_merge(tls::ca_bundle(path)?);
    }
    if let Some(cert) = &config.client_cert {
        builder = builder.identity(tls::client_identity(cert, config.client_key.as_deref())?);
    } else if let Some(key) = &config.client_key {
        return Err(Error::Config(format!(
            "the client key {} is given without its certificate (`cert`, OS_CERT, --os-cert)",
            key.display()
        )));
    }
    builder
        .build()
        .map_err(|e| Error::Config(format!("cannot set up HTTP: {}", transport::describe(&e))))
}

/// Compiles the README's library example as a doc test, so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeExample;
