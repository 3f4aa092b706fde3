//! The local real cloud started by `cargo xtask cloud up`.

use std::path::PathBuf;

use cinder_client::{Cinder, Config, VersionRequest};

/// The workspace's root folder.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// The cloud's state folder (`CINDER_CLOUD_DIR`, default `target/cloud`).
pub fn state_dir() -> PathBuf {
    std::env::var_os("CINDER_CLOUD_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/cloud"))
}

/// The `clouds.yaml` written by `cargo xtask cloud up`; panics with what to do if missing.
pub fn clouds_yaml() -> PathBuf {
    let path = state_dir().join("clouds.yaml");
    assert!(
        path.exists(),
        "{} does not exist: start the local cloud with `cargo xtask cloud up` first",
        path.display()
    );
    path
}

/// Settings for cloud `local` (admin) or `local-demo`.
pub fn config(cloud: &str, version: VersionRequest) -> Config {
    // Every test process reads the same file; setting it once is idempotent.
    unsafe { std::env::set_var("OS_CLIENT_CONFIG_FILE", clouds_yaml()) };
    let mut config = Config::from_cloud(cloud).expect("the local cloud's clouds.yaml loads");
    config.api_version = version;
    // One Keystone token per user for the whole suite, as `cinder` keeps it between runs:
    // password authentication costs about 300 ms a time on the local cloud.
    config.token_cache = Some(cinder_client::TokenCache::new(
        workspace_root().join("target/test-cache/library"),
    ));
    config
}

/// A connected admin client at `version`.
pub async fn admin(version: VersionRequest) -> Cinder {
    Cinder::connect(config("local", version))
        .await
        .expect("connects to the local cloud (is `cargo xtask cloud up` running?)")
}

/// A unique name for a resource a test creates.
pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

/// A connected client at `version` whose every response is validated against the spec; call
/// `assert_conformant()` on the handle at the end of the test.
pub async fn checked(
    cloud: &str,
    version: VersionRequest,
) -> (Cinder, crate::conformance::Conformance) {
    let checker = std::sync::Arc::new(crate::conformance::Checker::default());
    let mut config = config(cloud, version);
    config.observer = Some(checker.clone());
    let cinder = Cinder::connect(config)
        .await
        .expect("connects to the local cloud (is `cargo xtask cloud up` running?)");
    checker.set_version(cinder.version().0);
    (cinder, crate::conformance::Conformance(checker))
}

/// [`checked`] for the admin cloud `local`.
pub async fn admin_checked(version: VersionRequest) -> (Cinder, crate::conformance::Conformance) {
    checked("local", version).await
}

/// A version request for `3.minor`.
pub fn v(minor: u16) -> VersionRequest {
    VersionRequest::Exact(cinder_client::ApiVersion(minor))
}
