//! Creates a volume with the typed request builder, waits until it is available (printing
//! each status seen), extends it, and deletes it again.
//!
//! ```sh
//! OS_CLIENT_CONFIG_FILE=target/cloud/clouds.yaml OS_CLOUD=local \
//!     cargo run -p cinder-client --example create_and_wait
//! ```

use std::sync::Arc;
use std::time::Duration;

use cinder_client::status::{HasStatus, VolumeStatus};
use cinder_client::types;
use cinder_client::wait::{Progress, WaitOptions};
use cinder_client::{Cinder, Config};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cinder = Cinder::connect(Config::from_env()?).await?;

    // Generated builders: set what you need, the rest stays unset; length limits from the
    // API description are checked when the value is parsed.
    let request = types::VolumeCreateRequest::builder().volume(
        types::VolumeCreateParams::builder()
            .size(std::num::NonZeroU64::new(1))
            .name(Some(
                "example-create-and-wait".parse::<types::VolumeCreateParamsName>()?,
            ))
            .description(Some(
                "made by examples/create_and_wait.rs"
                    .parse::<types::VolumeCreateParamsDescription>()?,
            )),
    );
    let created = cinder
        .call(cinder.raw().create_volume().body(request).send())
        .await?
        .volume;
    println!("created {} ({})", created.id, created.status);

    let options = WaitOptions {
        progress: Some(Arc::new(|p: &Progress<'_>| {
            eprintln!(
                "  {} is {} after {:.1}s",
                p.what,
                p.status.unwrap_or("gone"),
                p.elapsed.as_secs_f64()
            )
        })),
        ..WaitOptions::with_timeout(Duration::from_secs(120))
    };
    let volume = cinder
        .wait_for_volume(&created.id, &[VolumeStatus::Available], &options)
        .await?;
    assert_eq!(volume.typed_status(), VolumeStatus::Available);

    cinder
        .call(
            cinder.raw().volume_extend(
                &volume.id,
                types::VolumeExtendAction::builder()
                    .new_size(2_u64)
                    .try_into()?,
            ),
        )
        .await?;
    let extended = cinder
        .wait_for_volume(&volume.id, &[VolumeStatus::Available], &options)
        .await?;
    println!("extended to {} GiB", extended.size);

    cinder
        .call(cinder.raw().delete_volume().volume_id(&volume.id).send())
        .await?;
    cinder.wait_for_volume_deleted(&volume.id, &options).await?;
    println!("deleted {}", volume.id);
    Ok(())
}
