//! What generic code needs to know about the generated operations, so that the wrapper can
//! offer one call style, paging and resource verbs for every operation and resource without a
//! hand-written line per operation:
//!
//! - every request builder is an [`IntoFuture`](std::future::IntoFuture) whose output is the
//!   same as its `send()`'s ([`RawResult`]), so a builder and an action method's future are
//!   run the same way;
//! - every list operation is a [`ListOperation`] (where its items and links are in the answer),
//!   and the ones that take `marker` and `limit` are [`PagedList`]s;
//! - every resource the spec marks with `x-openstack-resource` is a [`Resource`], with
//!   [`Creatable`], [`Updatable`], [`Deletable`], [`WithStatus`] and [`WithMetadata`] where it
//!   has them (see
//!   `resources.rs`).

use std::collections::BTreeMap;
use std::future::IntoFuture;

use progenitor_client::{Error, ResponseValue};

use crate::hooks::BoxFuture;
use crate::types::Fault;
use crate::Client;

/// What every generated operation returns.
pub type RawResult<T> = Result<ResponseValue<T>, Error<Fault>>;

/// A generated operation on its way: a boxed [`RawResult`] future.
pub type Call<'a, T> = BoxFuture<'a, RawResult<T>>;

/// A call that fails before sending, because its input could not be made into a request.
pub fn refused<'a, T: Send + 'a>(why: String) -> Call<'a, T> {
    Box::pin(std::future::ready(Err(Error::InvalidRequest(why))))
}

/// The builder of an operation that answers with a list of resources (sent by awaiting it,
/// like any builder).
pub trait ListOperation:
    Clone + Send + IntoFuture<Output = RawResult<<Self as ListOperation>::Body>, IntoFuture: Send>
{
    /// The answer's body.
    type Body: serde::de::DeserializeOwned + Send;
    /// One listed resource.
    type Item: serde::de::DeserializeOwned + Send;
    /// The answer's key holding the array of resources (`volumes`).
    const ITEMS: &'static str;
    /// The answer's key holding the paging links (`volumes_links`), if it has one.
    const LINKS: Option<&'static str>;
    /// The resources of a typed answer.
    fn items(body: Self::Body) -> Vec<Self::Item>;
}

/// A list operation that pages with `marker` and `limit`.
pub trait PagedList: ListOperation {
    /// The same request, starting after the resource with this id.
    fn with_marker(self, marker: String) -> Self;
    /// The same request, asking for at most `limit` resources.
    fn with_limit(self, limit: u64) -> Self;
}

/// A kind of resource of the API: shown by id, listed, and found by name or id.
pub trait Resource: Send + Sync + 'static {
    /// What one is called (`volume`, `volume_type`).
    const NAME: &'static str;
    /// What a failed lookup calls one, as python-cinderclient's messages do (its resource
    /// class, lowercased: `volumetype`).
    const MESSAGE_NAME: &'static str;
    /// The key holding one resource in a show or create answer (`volume`).
    const KEY: &'static str;
    /// The listed field holding a resource's name, if resources have names.
    const NAME_FIELD: Option<&'static str>;
    /// One resource, typed.
    type Item: serde::de::DeserializeOwned + Send;
    /// The body of the show answer.
    type Shown: serde::de::DeserializeOwned + Send;
    /// The list operation finding uses, with details.
    type List<'a>: ListOperation<Item = Self::Item>;
    /// `GET` one resource by id.
    fn show<'a>(client: &'a Client, id: &str) -> Call<'a, Self::Shown>;
    /// The list request, without filters (add them to the builder).
    fn list(client: &Client) -> Self::List<'_>;
    /// The list request a lookup by name sends: the list filtered by the name where the
    /// operation can filter, otherwise every resource (the caller compares names).
    fn named<'a>(client: &'a Client, name: &str) -> Self::List<'a>;
    /// The typed resource of a show answer.
    fn shown(body: Self::Shown) -> Self::Item;
}

/// A resource created by `POST`ing its parameters under [`Resource::KEY`].
pub trait Creatable: Resource {
    /// The parameters' builder (`types::builder::VolumeCreateParams`).
    type Params: Default + Send;
    /// The body of the create answer.
    type Created: serde::de::DeserializeOwned + Send;
    /// Sends the create request.
    fn create<'a>(client: &'a Client, params: Self::Params) -> Call<'a, Self::Created>;
    /// The typed resource of a create answer.
    fn created(body: Self::Created) -> Self::Item;
}

/// A resource whose fields are changed by `PUT`ting them under [`Resource::KEY`].
pub trait Updatable: Resource {
    /// The changes' builder (`types::builder::VolumeUpdateParams`).
    type Changes: Default + Send;
    /// The changes as a value (`types::VolumeUpdateParams`), e.g. read from JSON.
    type Fields: serde::de::DeserializeOwned + Into<Self::Changes>;
    /// The body of the update answer.
    type Updated: serde::de::DeserializeOwned + Send;
    /// Sends the update request.
    fn update<'a>(client: &'a Client, id: &str, changes: Self::Changes) -> Call<'a, Self::Updated>;
    /// The typed resource of an update answer.
    fn updated(body: Self::Updated) -> Self::Item;
}

/// A resource deleted by id.
pub trait Deletable: Resource {
    /// Sends the delete request.
    fn delete<'a>(client: &'a Client, id: &str) -> Call<'a, ()>;
}

/// A resource with a status field that changes while the server works on it.
pub trait WithStatus: Resource {
    /// The field holding the status (`status`).
    const STATUS_FIELD: &'static str;
}

/// A resource with string key/value metadata of its own (volume metadata, a type's extra
/// specs).
pub trait WithMetadata: Resource {
    /// The key holding the map in metadata answers and requests (`metadata`, `extra_specs`).
    const METADATA_KEY: &'static str;
    /// The body of the metadata answers.
    type Metadata: serde::de::DeserializeOwned + Send;
    /// `GET` the metadata.
    fn metadata<'a>(client: &'a Client, id: &str) -> Call<'a, Self::Metadata>;
    /// Adds or changes these keys, keeping the others.
    fn set_metadata<'a>(
        client: &'a Client,
        id: &str,
        metadata: BTreeMap<String, String>,
    ) -> Call<'a, Self::Metadata>;
    /// Removes one key.
    fn unset_metadata<'a>(client: &'a Client, id: &str, key: &str) -> Call<'a, ()>;
}
