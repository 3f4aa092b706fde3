//! A filtered list, fetched 50 per request as the pages arrive, and a lookup by name.
//!
//! ```sh
//! cargo xtask cloud up
//! OS_CLIENT_CONFIG_FILE=target/cloud/clouds.yaml OS_CLOUD=local \
//!     cargo run -p cinder-client --example list_volumes
//! ```

use cinder_client::prelude::*;
use cinder_client::{Cinder, Result};
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<()> {
    let cinder = Cinder::from_env().await?;
    let list = cinder.volumes().list().status("available").limit(50);
    let mut volumes = std::pin::pin!(list.paginate());
    while let Some(volume) = volumes.try_next().await? {
        println!("{} {} GiB {:?}", volume.id, volume.size, volume.name);
    }
    let found = cinder.volumes().find("example-volume").await;
    println!("by name: {:?}", found.map(|volume| volume.id));
    Ok(())
}
