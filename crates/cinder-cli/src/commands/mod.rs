//! The subcommands, grouped by resource, and what they share.

pub mod bulk;
pub mod misc;
pub mod shell;
pub mod snapshots;
pub mod types;
pub mod volumes;

use anyhow::{anyhow, Result};
use cinder_client::Cinder;
use clap::Subcommand;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::output::{Column, OutputArgs};

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lists all volumes.
    List(volumes::ListArgs),
    /// Shows volume details.
    Show(volumes::ShowArgs),
    /// Creates a volume.
    Create(volumes::CreateArgs),
    /// Removes one or more volumes.
    Delete(volumes::DeleteArgs),
    /// Attempts force-delete of volume, regardless of state.
    ForceDelete(volumes::VolumesArgs),
    /// Renames a volume.
    Rename(volumes::RenameArgs),
    /// Attempts to extend size of an existing volume.
    Extend(volumes::ExtendArgs),
    /// Explicitly updates the entity state in the Cinder database.
    ResetState(volumes::ResetStateArgs),
    /// Changes the volume type for a volume.
    Retype(volumes::RetypeArgs),
    /// Migrates volume to a new host.
    Migrate(volumes::MigrateArgs),
    /// Update bootable status of a volume.
    SetBootable(volumes::FlagArgs),
    /// Updates volume read-only access-mode flag.
    ReadonlyModeUpdate(volumes::FlagArgs),
    /// Sets or deletes volume metadata.
    Metadata(volumes::MetadataArgs),
    /// Shows volume metadata.
    MetadataShow(volumes::ShowArgs),
    /// Updates volume metadata.
    MetadataUpdateAll(volumes::MetadataAllArgs),
    /// Sets or deletes volume image metadata.
    ImageMetadata(volumes::MetadataArgs),
    /// Shows volume image metadata.
    ImageMetadataShow(volumes::ShowArgs),
    /// Uploads volume to Image Service as an image.
    UploadToImage(volumes::UploadArgs),
    /// Revert a volume to the specified snapshot.
    RevertToSnapshot(volumes::RevertArgs),
    /// Get volumes summary.
    Summary(volumes::SummaryArgs),

    /// Creates a snapshot.
    SnapshotCreate(snapshots::CreateArgs),
    /// Removes one or more snapshots.
    SnapshotDelete(snapshots::DeleteArgs),
    /// Lists all snapshots.
    SnapshotList(snapshots::ListArgs),
    /// Shows snapshot details.
    SnapshotShow(snapshots::ShowArgs),
    /// Renames a snapshot.
    SnapshotRename(snapshots::RenameArgs),
    /// Explicitly updates the snapshot state.
    SnapshotResetState(snapshots::ResetStateArgs),
    /// Sets or deletes snapshot metadata.
    SnapshotMetadata(snapshots::MetadataArgs),
    /// Shows snapshot metadata.
    SnapshotMetadataShow(snapshots::ShowArgs),
    /// Updates snapshot metadata.
    SnapshotMetadataUpdateAll(snapshots::MetadataAllArgs),

    /// Creates a volume type.
    TypeCreate(types::CreateArgs),
    /// Deletes volume type or types.
    TypeDelete(types::DeleteArgs),
    /// Lists available 'volume types'.
    TypeList(types::ListArgs),
    /// Show volume type details.
    TypeShow(types::ShowArgs),
    /// Updates volume type name, description, and/or is_public.
    TypeUpdate(types::UpdateArgs),
    /// List the default volume type.
    TypeDefault(OutputArgs),
    /// Sets or unsets extra_spec for a volume type.
    TypeKey(types::KeyArgs),
    /// Adds volume type access for the given project.
    TypeAccessAdd(types::AccessArgs),
    /// Print access information about the given volume type.
    TypeAccessList(types::AccessListArgs),
    /// Removes volume type access for the given project.
    TypeAccessRemove(types::AccessArgs),
    /// Lists current volume types and extra specs.
    ExtraSpecsList(OutputArgs),
    /// Creates encryption type for a volume type. Admin only.
    EncryptionTypeCreate(types::EncryptionCreateArgs),
    /// Shows encryption type details for volume types. Admin only.
    EncryptionTypeList(OutputArgs),
    /// Shows encryption type details for a volume type. Admin only.
    EncryptionTypeShow(types::EncryptionShowArgs),
    /// Update encryption type information for a volume type (Admin Only).
    EncryptionTypeUpdate(types::EncryptionUpdateArgs),
    /// Deletes encryption type for a volume type. Admin only.
    EncryptionTypeDelete(types::EncryptionTypeArgs),

    /// Lists absolute limits for a user.
    AbsoluteLimits(misc::TenantArgs),
    /// Lists rate limits for a user.
    RateLimits(misc::TenantArgs),
    /// Lists all availability zones.
    AvailabilityZoneList(OutputArgs),
    /// Lists all messages.
    MessageList(misc::MessageListArgs),
    /// Shows message details.
    MessageShow(misc::MessageArgs),
    /// Removes one or more messages.
    MessageDelete(misc::MessagesArgs),
    /// List enabled filters (a trailing '~' marks inexact matching).
    ListFilters(misc::ListFiltersArgs),
    /// Display the server API version information.
    ApiVersion(OutputArgs),
    /// List all API versions.
    VersionList(OutputArgs),
}

impl Command {
    /// Checks everything about the arguments that needs no server, before any configuration
    /// is read or request sent, so that a mistake costs no authentication: what clap's value
    /// parsers (`crate::values`) cannot see alone, such as rules between options, `set`/`unset`
    /// pairs, `--filters` keys and `-c` columns. Whatever depends on the cloud (names, sort
    /// keys, the microversion in use) is checked after connecting.
    pub fn check(&self) -> Result<()> {
        use Command::*;
        match self {
            List(a) => volumes::check_list(a)?,
            Create(a) => drop(a.request()?),
            Rename(a) => a.check()?,
            ResetState(a) => a.check()?,
            Metadata(a) | ImageMetadata(a) => drop(a.action.change(&a.metadata)?),
            SnapshotList(a) => snapshots::check_list(a)?,
            SnapshotRename(a) => a.check()?,
            SnapshotMetadata(a) => drop(a.action.change(&a.metadata)?),
            TypeList(a) => types::check_list(a)?,
            TypeUpdate(a) => a.check()?,
            TypeKey(a) => drop(a.action.change(&a.metadata)?),
            EncryptionTypeUpdate(a) => drop(a.spec()?),
            MessageList(a) => misc::check_message_list(a)?,
            // Nothing beyond what clap checks.
            Show(_)
            | Delete(_)
            | ForceDelete(_)
            | Extend(_)
            | Retype(_)
            | Migrate(_)
            | SetBootable(_)
            | ReadonlyModeUpdate(_)
            | MetadataShow(_)
            | MetadataUpdateAll(_)
            | ImageMetadataShow(_)
            | UploadToImage(_)
            | RevertToSnapshot(_)
            | Summary(_)
            | SnapshotCreate(_)
            | SnapshotDelete(_)
            | SnapshotShow(_)
            | SnapshotResetState(_)
            | SnapshotMetadataShow(_)
            | SnapshotMetadataUpdateAll(_)
            | TypeCreate(_)
            | TypeDelete(_)
            | TypeShow(_)
            | TypeDefault(_)
            | TypeAccessAdd(_)
            | TypeAccessList(_)
            | TypeAccessRemove(_)
            | ExtraSpecsList(_)
            | EncryptionTypeCreate(_)
            | EncryptionTypeList(_)
            | EncryptionTypeShow(_)
            | EncryptionTypeDelete(_)
            | AbsoluteLimits(_)
            | RateLimits(_)
            | AvailabilityZoneList(_)
            | MessageShow(_)
            | MessageDelete(_)
            | ListFilters(_)
            | ApiVersion(_)
            | VersionList(_) => {}
        }
        match self.known_columns() {
            Some((output, available)) => output.check_columns(&available),
            None => Ok(()),
        }
    }

    /// The columns a command prints when they are known without the server: the widest set,
    /// that of the newest microversion. `None` for single resources, whose fields are the
    /// server's (their `-c` is checked once the resource has arrived, before printing).
    fn known_columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        use Command::*;
        let newest = cinder_client::ApiVersion::CLIENT_MAX;
        Some(match self {
            List(a) => (&a.output, volumes::list_columns(newest, a)),
            SnapshotList(a) => (&a.output, snapshots::list_columns(newest, a)),
            TypeList(a) => (&a.output, types::type_columns()),
            TypeCreate(a) => (&a.output, types::type_columns()),
            TypeUpdate(a) => (&a.output, types::type_columns()),
            TypeDefault(o) => (o, types::type_columns()),
            TypeAccessList(a) => (&a.output, types::access_columns()),
            ExtraSpecsList(o) => (o, types::extra_specs_columns()),
            EncryptionTypeCreate(a) => (&a.output, types::encryption_columns()),
            EncryptionTypeList(o) => (o, types::encryption_columns()),
            EncryptionTypeShow(a) => (&a.output, types::encryption_columns()),
            EncryptionTypeUpdate(a) => (&a.output, types::encryption_columns()),
            AbsoluteLimits(a) => (&a.output, misc::absolute_limits_columns()),
            RateLimits(a) => (&a.output, misc::rate_limits_columns()),
            AvailabilityZoneList(o) => (o, misc::zone_columns()),
            MessageList(a) => (&a.output, misc::message_columns()),
            ListFilters(a) => (&a.output, misc::filter_columns()),
            ApiVersion(o) => (o, misc::api_version_columns()),
            VersionList(o) => (o, misc::version_list_columns()),
            _ => return None,
        })
    }
}

/// Runs `command` against `cinder`; [`Command::check`] has passed.
pub async fn run(cinder: &Cinder, command: Command) -> Result<()> {
    use Command::*;
    match command {
        List(a) => volumes::list(cinder, a).await,
        Show(a) => volumes::show(cinder, a).await,
        Create(a) => volumes::create(cinder, a).await,
        Delete(a) => volumes::delete(cinder, a).await,
        ForceDelete(a) => volumes::force_delete(cinder, a).await,
        Rename(a) => volumes::rename(cinder, a).await,
        Extend(a) => volumes::extend(cinder, a).await,
        ResetState(a) => volumes::reset_state(cinder, a).await,
        Retype(a) => volumes::retype(cinder, a).await,
        Migrate(a) => volumes::migrate(cinder, a).await,
        SetBootable(a) => volumes::set_bootable(cinder, a).await,
        ReadonlyModeUpdate(a) => volumes::readonly_mode_update(cinder, a).await,
        Metadata(a) => volumes::metadata(cinder, a).await,
        MetadataShow(a) => volumes::metadata_show(cinder, a).await,
        MetadataUpdateAll(a) => volumes::metadata_update_all(cinder, a).await,
        ImageMetadata(a) => volumes::image_metadata(cinder, a).await,
        ImageMetadataShow(a) => volumes::image_metadata_show(cinder, a).await,
        UploadToImage(a) => volumes::upload_to_image(cinder, a).await,
        RevertToSnapshot(a) => volumes::revert_to_snapshot(cinder, a).await,
        Summary(a) => volumes::summary(cinder, a).await,
        SnapshotCreate(a) => snapshots::create(cinder, a).await,
        SnapshotDelete(a) => snapshots::delete(cinder, a).await,
        SnapshotList(a) => snapshots::list(cinder, a).await,
        SnapshotShow(a) => snapshots::show(cinder, a).await,
        SnapshotRename(a) => snapshots::rename(cinder, a).await,
        SnapshotResetState(a) => snapshots::reset_state(cinder, a).await,
        SnapshotMetadata(a) => snapshots::metadata(cinder, a).await,
        SnapshotMetadataShow(a) => snapshots::metadata_show(cinder, a).await,
        SnapshotMetadataUpdateAll(a) => snapshots::metadata_update_all(cinder, a).await,
        TypeCreate(a) => types::create(cinder, a).await,
        TypeDelete(a) => types::delete(cinder, a).await,
        TypeList(a) => types::list(cinder, a).await,
        TypeShow(a) => types::show(cinder, a).await,
        TypeUpdate(a) => types::update(cinder, a).await,
        TypeDefault(o) => types::default(cinder, o).await,
        TypeKey(a) => types::key(cinder, a).await,
        TypeAccessAdd(a) => types::access_add(cinder, a).await,
        TypeAccessList(a) => types::access_list(cinder, a).await,
        TypeAccessRemove(a) => types::access_remove(cinder, a).await,
        ExtraSpecsList(o) => types::extra_specs_list(cinder, o).await,
        EncryptionTypeCreate(a) => types::encryption_create(cinder, a).await,
        EncryptionTypeList(o) => types::encryption_list(cinder, o).await,
        EncryptionTypeShow(a) => types::encryption_show(cinder, a).await,
        EncryptionTypeUpdate(a) => types::encryption_update(cinder, a).await,
        EncryptionTypeDelete(a) => types::encryption_delete(cinder, a).await,
        AbsoluteLimits(a) => misc::absolute_limits(cinder, a).await,
        RateLimits(a) => misc::rate_limits(cinder, a).await,
        AvailabilityZoneList(o) => misc::availability_zones(cinder, o).await,
        MessageList(a) => misc::message_list(cinder, a).await,
        MessageShow(a) => misc::message_show(cinder, a).await,
        MessageDelete(a) => misc::message_delete(cinder, a).await,
        ListFilters(a) => misc::list_filters(cinder, a).await,
        ApiVersion(o) => misc::api_version(cinder, o).await,
        VersionList(o) => misc::version_list(cinder, o).await,
    }
}

/// A request body from JSON (the generated types check lengths and enums).
pub fn body<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| anyhow!("Invalid request: {e}"))
}

/// A response as JSON, for generic printing.
pub fn json<T: Serialize>(value: &T) -> Result<Value> {
    Ok(serde_json::to_value(value)?)
}

/// Whether `--filters` sets `key` to something (as cinderclient's `search_opts[key]`, which
/// decides the "Tenant ID" column when the key is `all_tenants`).
pub fn filter_given(filters: &Option<Vec<String>>, key: &str) -> bool {
    filters
        .iter()
        .flatten()
        .filter_map(|pair| pair.split_once('='))
        .rfind(|(k, _)| *k == key)
        .is_some_and(|(_, value)| !value.is_empty())
}

/// cinderclient's boolean spellings.
pub fn parse_bool(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" | "t" | "y" => Ok(true),
        "false" | "0" | "no" | "off" | "f" | "n" => Ok(false),
        _ => Err(format!("'{text}' is not a boolean (use True or False)")),
    }
}

/// Runs `each` for every item, one after the other, reporting failures like cinderclient,
/// and fails if any did.
pub async fn for_each<F, Fut>(items: &[String], action: &str, kind: &str, each: F) -> Result<()>
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    bulk::AtOnce(1).for_each(items, action, kind, each).await
}

fn action_verb(action: &str) -> String {
    action.to_ascii_lowercase()
}
