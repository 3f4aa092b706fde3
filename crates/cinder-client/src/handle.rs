//! The verbs every resource of the spec gets: `cinder.volumes().find(..)`, `.show`, `.list`,
//! `.all`, `.create`, `.update`, `.delete`, `.metadata`, `.set_metadata`, `.unset_metadata`,
//! `.wait_for`, `.wait_deleted`. Which resources exist, and which verbs each has, comes from
//! the spec (`x-openstack-resource`, through [`cinder_raw::resources`]); this file is generic
//! over them and holds no per-resource code.
//!
//! Each verb returns the typed resource; its `_json` twin returns the resource's JSON exactly
//! as the server sent it, which never depends on a successful typed decoding.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use futures::Stream;
use serde_json::Value;

use cinder_raw::calls::{Creatable, Deletable, Resource, Updatable, WithMetadata, WithStatus};

use crate::error::{Error, Result};
use crate::paging::{page_json, Paginate};
use crate::run::Run;
use crate::wait::{wait_for, Observed, WaitOptions};
use crate::{ApiVersion, Cinder};

/// One kind of resource of a connection: `cinder.volumes()`, `cinder.snapshots()`,
/// `cinder.volume_types()`, `cinder.messages()`.
pub struct Handle<'c, R> {
    cinder: &'c Cinder,
    resource: PhantomData<R>,
}

impl<R> Clone for Handle<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Handle<'_, R> {}

impl<R> std::fmt::Debug for Handle<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle")
            .field("resource", &std::any::type_name::<R>())
            .finish()
    }
}

impl<'c, R: Resource> Handle<'c, R> {
    pub(crate) fn new(cinder: &'c Cinder) -> Self {
        Handle {
            cinder,
            resource: PhantomData,
        }
    }

    /// One resource by id.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
    /// let volume = cinder.volumes().show("5aa119a8-d25b-45a7-8d1b-88e127885635").await?;
    /// println!("{} is {}", volume.id, volume.status);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn show(&self, id: &str) -> Result<R::Item> {
        let id = path_id(id)?;
        let (_, typed) = R::show(self.cinder.raw(), id)
            .run_json()
            .await?
            .into_parts();
        typed.map(R::shown)
    }

    /// One resource by id, as the server sent it (`{"id": ..., "status": ..., ...}`).
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// let volume = cinder.volumes().show_json(id).await?;
    /// println!("{}", volume["status"]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn show_json(&self, id: &str) -> Result<Value> {
        let id = path_id(id)?;
        let json = R::show(self.cinder.raw(), id).run_json().await?.into_json();
        resource_of::<R>(json)
    }

    /// A resource by id, or by name when exactly one resource has that name, as cinderclient's
    /// `find_resource` looks it up and with its messages ("No volume with a name or ID of 'x'
    /// exists.", "Multiple volume matches found for 'x', use an ID to be more specific.").
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
    /// let snapshot = cinder.snapshots().find("nightly").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn find(&self, name_or_id: &str) -> Result<R::Item> {
        match self.show(name_or_id).await {
            // `.` or `..` cannot be sent as an ID; a resource may still have it as its name.
            Err(Error::InvalidRequest(_)) if path_id(name_or_id).is_err() => {}
            Err(error) if means_missing(&error) => {}
            found => return found,
        }
        let found = self.find_by_name(name_or_id).await?;
        decode_value(found, R::NAME)
    }

    /// [`Handle::find`], as the server sent the resource.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// let snapshot = cinder.snapshots().find_json("nightly").await?;
    /// println!("{}", snapshot["id"]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn find_json(&self, name_or_id: &str) -> Result<Value> {
        match self.show_json(name_or_id).await {
            Err(Error::InvalidRequest(_)) if path_id(name_or_id).is_err() => {}
            Err(error) if means_missing(&error) => {}
            found => return found,
        }
        self.find_by_name(name_or_id).await
    }

    async fn find_by_name(&self, name: &str) -> Result<Value> {
        let Some(field) = R::NAME_FIELD else {
            // cinderclient's words, although this resource has no names.
            return Err(Error::NotFound(format!(
                "No {} with a name or ID of '{name}' exists.",
                R::MESSAGE_NAME
            )));
        };
        let page = page_json(R::named(self.cinder.raw(), name)).await?;
        let matches: Vec<Value> = page
            .items
            .into_iter()
            .filter(|item| item.get(field).and_then(Value::as_str) == Some(name))
            .collect();
        exactly_one(R::MESSAGE_NAME, name, matches)
    }

    /// The list request, for filters, sorting and a page size; send it with `.run()` for one
    /// page or `.paginate()` for a stream of every resource.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
    /// use cinder_client::prelude::*;
    /// use futures::TryStreamExt;
    ///
    /// let errors: Vec<_> = cinder.volumes().list().status("error").paginate().try_collect().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> R::List<'c> {
        R::list(self.cinder.raw())
    }

    /// Every resource, fetched a page at a time as the stream is read.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
    /// use futures::TryStreamExt;
    ///
    /// let all: Vec<_> = cinder.snapshots().all().try_collect().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn all(&self) -> impl Stream<Item = Result<R::Item>> + Send + 'c
    where
        R::List<'c>: Paginate,
    {
        self.list().paginate()
    }
}

impl<R: Creatable> Handle<'_, R> {
    /// Creates a resource from its parameters' builder.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
    /// let volume = cinder
    ///     .volumes()
    ///     .create(|v| v.size(1).name("scratch").metadata([("purpose", "demo")]))
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create(&self, params: impl FnOnce(R::Params) -> R::Params) -> Result<R::Item> {
        let call = R::create(self.cinder.raw(), params(R::Params::default()));
        call.run().await.map(R::created)
    }

    /// Creates a resource; its JSON as the server sent it.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// let params = cinder_client::types::VolumeCreateParams::builder().size(1);
    /// let volume = cinder.volumes().create_json(params).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_json(&self, params: R::Params) -> Result<Value> {
        let json = R::create(self.cinder.raw(), params)
            .run_json()
            .await?
            .into_json();
        resource_of::<R>(json)
    }
}

impl<R: Updatable> Handle<'_, R> {
    /// Changes fields of a resource; the resource as the server answered.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// let renamed = cinder.volumes().update(id, |v| v.name("new-name")).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn update(
        &self,
        id: &str,
        changes: impl FnOnce(R::Changes) -> R::Changes,
    ) -> Result<R::Item> {
        let id = path_id(id)?;
        let call = R::update(self.cinder.raw(), id, changes(R::Changes::default()));
        call.run().await.map(R::updated)
    }

    /// Changes fields of a resource; its JSON as the server answered.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// let changes = cinder_client::types::SnapshotUpdateParams::builder().description("kept");
    /// let snapshot = cinder.snapshots().update_json(id, changes).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn update_json(&self, id: &str, changes: R::Changes) -> Result<Value> {
        let id = path_id(id)?;
        let json = R::update(self.cinder.raw(), id, changes)
            .run_json()
            .await?
            .into_json();
        resource_of::<R>(json)
    }
}

impl<R: Deletable> Handle<'_, R> {
    /// Deletes a resource by id (it may take the server a while: see `wait_deleted`).
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
    /// cinder.messages().delete("c506cd4b-9048-43bc-97ef-0d7dec369b42").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn delete(&self, id: &str) -> Result<()> {
        let id = path_id(id)?;
        R::delete(self.cinder.raw(), id).run().await
    }
}

impl<R: WithStatus> Handle<'_, R> {
    /// Waits (with [`WaitOptions::default`]: up to 10 minutes, backing off from 250 ms to 5 s)
    /// until resource `id` reaches one of `targets`; fails at once if it goes to an `error*`
    /// status, with the reason from its latest user message.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// let volume = cinder.volumes().wait_for(id, &["available", "in-use"]).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_for<S: AsRef<str>>(&self, id: &str, targets: &[S]) -> Result<R::Item> {
        self.wait_for_with(id, targets, &WaitOptions::default())
            .await
    }

    /// [`Handle::wait_for`] with other options (timeout, intervals, a progress callback).
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// use std::time::Duration;
    /// use cinder_client::wait::WaitOptions;
    ///
    /// let options = WaitOptions::with_timeout(Duration::from_secs(60));
    /// cinder.volumes().wait_for_with(id, &["available"], &options).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_for_with<S: AsRef<str>>(
        &self,
        id: &str,
        targets: &[S],
        options: &WaitOptions,
    ) -> Result<R::Item> {
        let id = path_id(id)?;
        let json = self.wait_json(id, targets, options).await?;
        decode_value(json, R::NAME)
    }

    /// [`Handle::wait_for_with`], giving the resource as the server last sent it.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// let options = cinder_client::wait::WaitOptions::default();
    /// let volume = cinder.volumes().wait_json(id, &["available"], &options).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_json<S: AsRef<str>>(
        &self,
        id: &str,
        targets: &[S],
        options: &WaitOptions,
    ) -> Result<Value> {
        let id = path_id(id)?;
        let targets: Vec<&str> = targets.iter().map(AsRef::as_ref).collect();
        let last = std::sync::Mutex::new(Value::Null);
        let waited = wait_for(&format!("{} {id}", R::NAME), &targets, options, || async {
            let json = self.show_json(id).await?;
            let status = status_of::<R>(&json);
            *last.lock().expect("not poisoned") = json;
            Ok(Observed::Status(status))
        })
        .await;
        self.cinder.explained(waited, id).await?;
        Ok(last.into_inner().expect("not poisoned"))
    }

    /// Waits until resource `id` no longer exists.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// cinder.volumes().delete(id).await?;
    /// cinder.volumes().wait_deleted(id).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_deleted(&self, id: &str) -> Result<()> {
        self.wait_deleted_with(id, &WaitOptions::default()).await
    }

    /// [`Handle::wait_deleted`] with other options.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// use std::time::Duration;
    /// use cinder_client::wait::WaitOptions;
    ///
    /// let options = WaitOptions::with_timeout(Duration::from_secs(60));
    /// cinder.snapshots().wait_deleted_with(id, &options).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_deleted_with(&self, id: &str, options: &WaitOptions) -> Result<()> {
        let id = path_id(id)?;
        let waited = wait_for(&format!("{} {id}", R::NAME), &[], options, || async {
            match self.show_json(id).await {
                Ok(json) => Ok(Observed::Status(status_of::<R>(&json))),
                Err(error) if error.is_not_found() => Ok(Observed::Gone),
                Err(error) => Err(error),
            }
        })
        .await;
        self.cinder.explained(waited, id).await.map(|_| ())
    }
}

impl<R: WithMetadata> Handle<'_, R> {
    /// The resource's metadata (a volume type's extra specs), every value a string.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// cinder.volumes().set_metadata(id, [("purpose", "demo"), ("owner", "ops")]).await?;
    /// let metadata = cinder.volumes().metadata(id).await?;
    /// assert_eq!(metadata["purpose"], "demo");
    /// cinder.volumes().unset_metadata(id, ["owner"]).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn metadata(&self, id: &str) -> Result<BTreeMap<String, String>> {
        decode_value(self.metadata_json(id).await?, R::METADATA_KEY)
    }

    /// The metadata as the server sent it (an extra spec's value may be `null`).
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// let specs = cinder.volume_types().metadata_json(id).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn metadata_json(&self, id: &str) -> Result<Value> {
        let id = path_id(id)?;
        let json = R::metadata(self.cinder.raw(), id)
            .run_json()
            .await?
            .into_json();
        member(json, R::METADATA_KEY)
    }

    /// Adds or changes these keys, keeping the others; the server's answer.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// let metadata = cinder.snapshots().set_metadata(id, [("tier", "gold")]).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn set_metadata<K, V>(
        &self,
        id: &str,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<BTreeMap<String, String>>
    where
        K: Into<String>,
        V: Into<String>,
    {
        decode_value(self.set_metadata_json(id, pairs).await?, R::METADATA_KEY)
    }

    /// [`Handle::set_metadata`]; the answer's metadata as the server sent it.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// let specs = cinder.volume_types().set_metadata_json(id, [("volume_backend_name", "lvm")]).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn set_metadata_json<K, V>(
        &self,
        id: &str,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Value>
    where
        K: Into<String>,
        V: Into<String>,
    {
        let id = path_id(id)?;
        let pairs = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let json = R::set_metadata(self.cinder.raw(), id, pairs)
            .run_json()
            .await?
            .into_json();
        member(json, R::METADATA_KEY)
    }

    /// Removes these keys, one request each, in order.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// cinder.volumes().unset_metadata(id, ["tier", "owner"]).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn unset_metadata<K: AsRef<str>>(
        &self,
        id: &str,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<()> {
        let id = path_id(id)?;
        for key in keys {
            R::unset_metadata(self.cinder.raw(), id, key.as_ref())
                .run()
                .await?;
        }
        Ok(())
    }
}

impl Cinder {
    /// Adds to a failed wait why the resource failed, from its latest user message.
    async fn explained<T>(&self, waited: Result<T>, id: &str) -> Result<T> {
        match waited {
            Err(Error::Failed {
                what,
                status,
                reason: None,
            }) => Err(Error::Failed {
                what,
                status,
                reason: self.latest_user_message(id).await,
            }),
            other => other,
        }
    }

    /// The newest user message (`/messages`, 3.3+) about resource `id`, if any.
    pub async fn latest_user_message(&self, id: &str) -> Option<String> {
        if self.version() < ApiVersion(3) {
            return None;
        }
        let mut request = self.raw().list_messages();
        if self.version() >= ApiVersion(5) {
            request = request.resource_uuid(id).sort("created_at:desc").limit(1);
        }
        let page = page_json(request).await.ok()?;
        page.items
            .into_iter()
            .filter(|m| m.get("resource_uuid").and_then(Value::as_str) == Some(id))
            .max_by(|a, b| created_at(a).cmp(created_at(b)))
            .and_then(|m| m.get("user_message")?.as_str().map(str::to_string))
    }
}

fn created_at(message: &Value) -> &str {
    message
        .get("created_at")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The resource in a show or create answer (`{"volume": {...}}`).
fn resource_of<R: Resource>(json: Value) -> Result<Value> {
    member(json, R::KEY)
}

fn member(mut json: Value, key: &str) -> Result<Value> {
    match json.get_mut(key).map(Value::take) {
        Some(value) if !value.is_null() => Ok(value),
        _ => Err(Error::Decode {
            operation: format!("the answer holding `{key}`"),
            path: Some(key.to_string()),
            detail: "missing".into(),
            body: Some(json.to_string()),
            request_id: None,
        }),
    }
}

fn status_of<R: WithStatus>(json: &Value) -> String {
    json.get(R::STATUS_FIELD)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// A JSON value as `T`; a mismatch names the JSON path below `what`.
pub(crate) fn decode_value<T: serde::de::DeserializeOwned>(json: Value, what: &str) -> Result<T> {
    serde_path_to_error::deserialize(&json).map_err(|error| Error::Decode {
        operation: format!("the {what}"),
        path: Some(format!("{what}.{}", error.path())),
        detail: error.inner().to_string(),
        body: Some(json.to_string()),
        request_id: None,
    })
}

/// `id`, unless it would change the request's path: `.` and `..` are path segments that URL
/// parsing resolves as the current and the parent folder (`GET /volumes/..` would be
/// `GET /`), so they are refused before anything is sent.
pub(crate) fn path_id(id: &str) -> Result<&str> {
    if id == "." || id == ".." {
        return Err(Error::InvalidRequest(format!(
            "{id:?} cannot be an ID: it would change the request's path"
        )));
    }
    Ok(id)
}

/// Whether a lookup by id failed because there is no such resource (Cinder answers 400 rather
/// than 404 for some malformed ids).
pub fn means_missing(error: &Error) -> bool {
    error.is_not_found() || error.status() == Some(400)
}

fn exactly_one(kind: &str, name_or_id: &str, mut matches: Vec<Value>) -> Result<Value> {
    match matches.len() {
        1 => Ok(matches.remove(0)),
        0 => Err(Error::NotFound(format!(
            "No {kind} with a name or ID of '{name_or_id}' exists."
        ))),
        _ => Err(Error::Ambiguous(format!(
            "Multiple {kind} matches found for '{name_or_id}', use an ID to be more specific."
        ))),
    }
}

impl Cinder {
    /// The handle of resource `R` (a marker type of [`cinder_raw::resources`]), for code that
    /// is generic over resources; `cinder.volumes()` and the like are the same.
    pub fn handle<R: Resource>(&self) -> Handle<'_, R> {
        Handle::new(self)
    }
}

/// Gives [`Cinder`] one accessor per resource of the spec.
macro_rules! handles {
    ($($handle:ident $marker:ident $name:literal [$($traits:ident)*]);*) => {
        impl Cinder {
            $(
                #[doc = concat!(
                    "The `", $name, "` resource (its verbs: ", $(stringify!($traits), " ",)*
                    "; see [`Handle`]).\n\n```no_run\n",
                    "# async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {\n",
                    "let found = cinder.", stringify!($handle), "().find(\"name-or-id\").await?;\n",
                    "# Ok(())\n# }\n```"
                )]
                pub fn $handle(&self) -> Handle<'_, cinder_raw::resources::$marker> {
                    Handle::new(self)
                }
            )*
        }
    };
}

cinder_raw::for_each_resource!(handles);
