//! Decoding of action responses: an action endpoint answers each action with its own body,
//! which the spec records per action (`x-openstack-action-response`), not per operation.

use futures::TryStreamExt;
use progenitor_client::{ByteStream, Error, ResponseValue};

use crate::types::Fault;

async fn read_all(stream: ByteStream) -> Result<bytes::Bytes, Error<Fault>> {
    let chunks: Vec<bytes::Bytes> = stream
        .into_inner()
        .try_collect()
        .await
        .map_err(Error::ResponseBodyError)?;
    Ok(chunks.concat().into())
}

/// An action answered without a body: only the status and headers matter.
pub async fn empty(response: ResponseValue<ByteStream>) -> Result<ResponseValue<()>, Error<Fault>> {
    let status = response.status();
    let headers = response.headers().clone();
    read_all(response.into_inner()).await?;
    Ok(ResponseValue::new((), status, headers))
}

/// An action answered with a JSON body of type `T`.
pub async fn json<T: serde::de::DeserializeOwned>(
    response: ResponseValue<ByteStream>,
) -> Result<ResponseValue<T>, Error<Fault>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = read_all(response.into_inner()).await?;
    match serde_json::from_slice(&body) {
        Ok(value) => Ok(ResponseValue::new(value, status, headers)),
        Err(error) => Err(Error::InvalidResponsePayload(body, error)),
    }
}
