//! Bodies the generated types cannot express, sent as given for one call: an explicit `null`
//! that clears a field (`encryption-type-update --cipher` without a value) is `None` in the
//! generated request types, which leave the field out.

use std::future::IntoFuture;

tokio::task_local! {
    /// The body [`with_body`] sends instead of the one the builder made.
    static BODY: serde_json::Value;
}

/// Runs `call`, a request of the generated client, sending `body` as its JSON body instead of
/// the one the builder made (its microversion gates are checked against `body`).
///
/// ```no_run
/// # async fn demo(cinder: &cinder_client::Cinder, types: &str, key: &str) -> cinder_client::Result<()> {
/// use cinder_client::{types, Run};
///
/// // Clears the cipher: the generated type would leave a `None` out.
/// let body = serde_json::json!({"encryption": {"cipher": null}});
/// let typed: types::VolumeTypeEncryptionUpdateRequest =
///     serde_json::from_value(body.clone()).expect("a valid request");
/// let update = cinder.raw().update_type_encryption().volume_type_id(types).key(key).body(typed);
/// cinder_client::with_body(body, update).run().await?;
/// # Ok(())
/// # }
/// ```
pub async fn with_body<F: IntoFuture>(body: serde_json::Value, call: F) -> F::Output {
    BODY.scope(body, call.into_future()).await
}

/// Puts the body of the [`with_body`] running this request, if any, in place of its own.
pub(crate) fn apply(request: &mut reqwest::Request) {
    let _ = BODY.try_with(|body| {
        if let Ok(bytes) = serde_json::to_vec(body) {
            *request.body_mut() = Some(bytes.into());
        }
    });
}
