//! Lists every volume, 50 per request, as the pages arrive.
//!
//! ```sh
//! cargo xtask cloud up
//! OS_CLIENT_CONFIG_FILE=target/cloud/clouds.yaml OS_CLOUD=local \
//!     cargo run -p cinder-client --example list_volumes
//! ```

use cinder_client::{Cinder, Config};
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> cinder_client::Result<()> {
    // OS_CLOUD from clouds.yaml/secure.yaml, then OS_* variables: as the `cinder` command does.
    let cinder = Cinder::connect(Config::from_env()?).await?;
    println!("API {} at {}", cinder.version(), cinder.endpoint());

    let mut volumes = std::pin::pin!(cinder.volumes(50));
    let mut count = 0;
    while let Some(volume) = volumes.try_next().await? {
        count += 1;
        println!(
            "{}  {:<12} {:>4} GiB  {}",
            volume.id,
            volume.status,
            volume.size,
            volume.name.as_deref().unwrap_or("-")
        );
    }
    println!("{count} volume(s)");
    Ok(())
}
