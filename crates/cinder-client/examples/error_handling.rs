//! What errors look like and how to tell them apart: a missing volume, an operation the chosen
//! microversion lacks (refused before anything is sent), and a request the server rejects.
//!
//! ```sh
//! OS_CLIENT_CONFIG_FILE=target/cloud/clouds.yaml OS_CLOUD=local \
//!     cargo run -p cinder-client --example error_handling
//! ```

use cinder_client::{types, Cinder, Config, Error, VersionRequest};

#[tokio::main]
async fn main() -> cinder_client::Result<()> {
    let missing = "00000000-0000-0000-0000-000000000000";

    let cinder = Cinder::connect(Config::from_env()?).await?;
    match cinder.show_volume(missing).await {
        Err(e) if e.is_not_found() => println!("not found, as expected: {e}"),
        other => panic!("expected a 404, got {other:?}"),
    }

    // At 3.0 the summary (3.12+) does not exist: the library refuses without a request.
    let mut config = Config::from_env()?;
    config.api_version = VersionRequest::parse("3.0")?;
    let old = Cinder::connect(config).await?;
    match old.call(old.raw().volume_summary().send()).await {
        Err(Error::Unsupported(why)) => println!("refused locally: {why}"),
        other => panic!("expected Unsupported, got {other:?}"),
    }

    // The server says no: a fault with its status, message and request id.
    let from_missing_snapshot: types::VolumeCreateRequest =
        serde_json::from_value(serde_json::json!({
            "volume": {"size": 1, "snapshot_id": missing}
        }))
        .expect("a well-formed body");
    match cinder
        .call(
            cinder
                .raw()
                .create_volume()
                .body(from_missing_snapshot)
                .send(),
        )
        .await
    {
        Err(Error::Api {
            status,
            kind,
            message,
            request_id,
        }) => println!(
            "HTTP {status} {}: {message} (request {})",
            kind.unwrap_or_default(),
            request_id.unwrap_or_default()
        ),
        other => panic!("expected a fault, got {other:?}"),
    }
    Ok(())
}
