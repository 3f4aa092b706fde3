//! `Config::from_env()` resolves like the `cinder` command: `OS_CLOUD` from clouds.yaml, then
//! the other `OS_*` variables over it. One test, because it changes the process environment.

use cinder_client::{Cinder, Config};
use cinder_tests::cloud::clouds_yaml;

fn set(name: &str, value: Option<&str>) {
    // Only this test runs in this process (one test per file).
    unsafe {
        match value {
            Some(value) => std::env::set_var(name, value),
            None => std::env::remove_var(name),
        }
    }
}

#[tokio::test]
async fn from_env_reads_os_cloud_then_the_variables() {
    for (name, _) in std::env::vars() {
        if name.starts_with("OS_") {
            set(&name, None);
        }
    }
    set(
        "OS_CLIENT_CONFIG_FILE",
        Some(clouds_yaml().to_str().unwrap()),
    );

    let none = Config::from_env().unwrap_err();
    assert!(none.to_string().contains("env[OS_AUTH_URL]"), "{none}");

    set("OS_CLOUD", Some("local-demo"));
    let demo = Cinder::connect(Config::from_env().unwrap()).await.unwrap();
    let demo_project = demo.project_id().unwrap().to_string();

    set("OS_CLOUD", Some("local"));
    let admin = Cinder::connect(Config::from_env().unwrap()).await.unwrap();
    assert_ne!(admin.project_id().unwrap(), demo_project);

    // A variable overrides the cloud's setting.
    set("OS_VOLUME_API_VERSION", Some("3.27"));
    let pinned = Cinder::connect(Config::from_env().unwrap()).await.unwrap();
    assert_eq!(pinned.version().to_string(), "3.27");

    set("OS_CLOUD", Some("no-such-cloud"));
    let unknown = Config::from_env().unwrap_err();
    assert!(
        unknown.to_string().contains("local, local-demo"),
        "{unknown}"
    );
}
