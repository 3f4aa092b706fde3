//! A volume's life: create it, wait until it is available, snapshot it, set metadata, then
//! delete both and wait until they are gone.
//!
//! ```sh
//! OS_CLIENT_CONFIG_FILE=target/cloud/clouds.yaml OS_CLOUD=local \
//!     cargo run -p cinder-client --example create_and_wait
//! ```

use cinder_client::{Cinder, Result};

#[tokio::main]
async fn main() -> Result<()> {
    let cinder = Cinder::from_env().await?;
    let (volumes, snapshots) = (cinder.volumes(), cinder.snapshots());
    let volume = volumes.create(|v| v.size(1).name("example-volume")).await?;
    volumes.wait_for(&volume.id, &["available"]).await?;
    let snapshot = snapshots
        .create(|s| s.volume_id(&volume.id).name("example-snap"))
        .await?;
    snapshots.wait_for(&snapshot.id, &["available"]).await?;
    let metadata = volumes
        .set_metadata(&volume.id, [("purpose", "example")])
        .await?;
    println!(
        "volume {}, snapshot {}, metadata {metadata:?}",
        volume.id, snapshot.id
    );
    snapshots.delete(&snapshot.id).await?;
    snapshots.wait_deleted(&snapshot.id).await?;
    volumes.delete(&volume.id).await?;
    volumes.wait_deleted(&volume.id).await?;
    Ok(())
}
