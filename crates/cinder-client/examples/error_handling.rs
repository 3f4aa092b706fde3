//! What errors look like and how to tell them apart: a missing volume (with the request id to
//! find in the server's logs), and an operation a pinned microversion lacks, refused before
//! anything is sent.
//!
//! ```sh
//! OS_CLIENT_CONFIG_FILE=target/cloud/clouds.yaml OS_CLOUD=local \
//!     cargo run -p cinder-client --example error_handling
//! ```

use cinder_client::{ApiVersion, Cinder, Error, Result, Run};

#[tokio::main]
async fn main() -> Result<()> {
    let cinder = Cinder::from_env().await?;
    let error = cinder.volumes().show("no-such-volume").await.unwrap_err();
    assert!(error.is_not_found(), "{error:#?}");
    println!("{error} (request {:?})", error.request_id());
    let old = cinder.at_version(ApiVersion(0))?;
    match old.raw().volume_summary().run().await {
        Err(Error::Unsupported { needs, using, .. }) => println!("needs {needs}, using {using}"),
        other => panic!("expected a refusal before sending, got {other:?}"),
    }
    Ok(())
}
