//! The subcommands. Every command is a type implementing [`Cmd`] (its arguments, checks,
//! columns and run together) in its family's folder (`volumes/`, `snapshots/`, `backups/`,
//! `attachments/`, `transfers/`, `types/`, `groups/`, `messages/`, `limits/`, `zones/`,
//! `versions/`, `filters/`, `manage/`, `quotas/`, `qos/`, `services/`, `clusters/`, `scheduler/`,
//! `workers/`, `default_types/`, `extensions/`), and is named once, in the registry below,
//! which makes the `clap` subcommand enum and its dispatch. The shapes that repeat (find,
//! list, show, each, metadata) are in `shared/`; `shell` holds the commands about the CLI
//! itself, which need no cloud.

mod attachments;
mod backups;
mod clusters;
mod cmd;
mod default_types;
mod extensions;
mod filters;
mod groups;
mod limits;
mod manage;
mod messages;
mod qos;
mod quotas;
mod scheduler;
mod services;
mod shared;
pub mod shell;
mod snapshots;
mod transfers;
mod types;
mod versions;
mod volumes;
mod workers;
mod zones;

use anyhow::Result;
use cinder_client::Cinder;

pub use cmd::Cmd;

/// The subcommand enum (one variant per command, its doc comment the command's help) and its
/// dispatch to [`Cmd`].
macro_rules! registry {
    ($($(#[$doc:meta])* $variant:ident($command:ty),)*) => {
        #[derive(clap::Subcommand, Debug)]
        pub enum Command {
            $($(#[$doc])* $variant($command),)*
        }

        impl Command {
            /// [`Cmd::check`], then `-c` against [`Cmd::columns`]: everything that needs no
            /// server, before any configuration is read or request sent.
            pub fn check(&self) -> Result<()> {
                match self {
                    $(Command::$variant(command) => {
                        command.check()?;
                        match command.columns() {
                            Some((output, available)) => output.check_columns(&available),
                            None => Ok(()),
                        }
                    })*
                }
            }

            /// Runs the command against `cinder`; [`Command::check`] has passed.
            pub async fn run(self, cinder: &Cinder) -> Result<()> {
                match self {
                    $(Command::$variant(command) => command.run(cinder).await,)*
                }
            }
        }
    };
}

registry! {
    /// Lists all volumes.
    List(volumes::List),
    /// Shows volume details.
    Show(volumes::Show),
    /// Creates a volume.
    Create(volumes::Create),
    /// Removes one or more volumes.
    Delete(volumes::Delete),
    /// Attempts force-delete of volume, regardless of state.
    ForceDelete(volumes::ForceDelete),
    /// Renames a volume.
    Rename(volumes::Rename),
    /// Attempts to extend size of an existing volume.
    Extend(volumes::Extend),
    /// Explicitly updates the entity state in the Cinder database.
    ResetState(volumes::ResetState),
    /// Changes the volume type for a volume.
    Retype(volumes::Retype),
    /// Migrates volume to a new host.
    Migrate(volumes::Migrate),
    /// Update bootable status of a volume.
    SetBootable(volumes::SetBootable),
    /// Updates volume read-only access-mode flag.
    ReadonlyModeUpdate(volumes::ReadonlyModeUpdate),
    /// Sets or deletes volume metadata.
    Metadata(volumes::Metadata),
    /// Shows volume metadata.
    MetadataShow(volumes::MetadataShow),
    /// Updates volume metadata.
    MetadataUpdateAll(volumes::MetadataUpdateAll),
    /// Sets or deletes volume image metadata.
    ImageMetadata(volumes::ImageMetadata),
    /// Shows volume image metadata.
    ImageMetadataShow(volumes::ImageMetadataShow),
    /// Uploads volume to Image Service as an image.
    UploadToImage(volumes::UploadToImage),
    /// Revert a volume to the specified snapshot.
    RevertToSnapshot(volumes::RevertToSnapshot),
    /// Rebuilds a volume, overwriting all content with the specified image
    Reimage(volumes::Reimage),
    /// Get volumes summary.
    Summary(volumes::Summary),

    /// Creates a volume backup.
    BackupCreate(backups::BackupCreate),
    /// Removes one or more backups.
    BackupDelete(backups::BackupDelete),
    /// Export backup metadata record.
    BackupExport(backups::BackupExport),
    /// Import backup metadata record.
    BackupImport(backups::BackupImport),
    /// Lists all backups.
    BackupList(backups::BackupList),
    /// Explicitly updates the backup state.
    BackupResetState(backups::BackupResetState),
    /// Restores a backup.
    BackupRestore(backups::BackupRestore),
    /// Shows backup details.
    BackupShow(backups::BackupShow),
    /// Updates a backup.
    BackupUpdate(backups::BackupUpdate),

    /// Create an attachment for a cinder volume.
    AttachmentCreate(attachments::AttachmentCreate),
    /// Delete an attachment for a cinder volume.
    AttachmentDelete(attachments::AttachmentDelete),
    /// Lists all attachments.
    AttachmentList(attachments::AttachmentList),
    /// Show detailed information for attachment.
    AttachmentShow(attachments::AttachmentShow),
    /// Update an attachment for a cinder volume. This call is designed to be more of an
    /// attachment completion than anything else.  It expects the value of a connector object
    /// to notify the driver that the volume is going to be connected and where it's being
    /// connected to.
    AttachmentUpdate(attachments::AttachmentUpdate),
    /// Complete an attachment for a cinder volume.
    AttachmentComplete(attachments::AttachmentComplete),
    /// Creates a volume transfer.
    TransferCreate(transfers::TransferCreate),
    /// Undoes a transfer.
    TransferDelete(transfers::TransferDelete),
    /// Lists all transfers.
    TransferList(transfers::TransferList),
    /// Shows transfer details.
    TransferShow(transfers::TransferShow),
    /// Accepts a volume transfer.
    TransferAccept(transfers::TransferAccept),

    /// Creates a snapshot.
    SnapshotCreate(snapshots::SnapshotCreate),
    /// Removes one or more snapshots.
    SnapshotDelete(snapshots::SnapshotDelete),
    /// Lists all snapshots.
    SnapshotList(snapshots::SnapshotList),
    /// Shows snapshot details.
    SnapshotShow(snapshots::SnapshotShow),
    /// Renames a snapshot.
    SnapshotRename(snapshots::SnapshotRename),
    /// Explicitly updates the snapshot state.
    SnapshotResetState(snapshots::SnapshotResetState),
    /// Sets or deletes snapshot metadata.
    SnapshotMetadata(snapshots::SnapshotMetadata),
    /// Shows snapshot metadata.
    SnapshotMetadataShow(snapshots::SnapshotMetadataShow),
    /// Updates snapshot metadata.
    SnapshotMetadataUpdateAll(snapshots::SnapshotMetadataUpdateAll),

    /// Manage an existing volume.
    Manage(manage::Manage),
    /// Stop managing a volume.
    Unmanage(manage::Unmanage),
    /// Lists all manageable volumes.
    ManageableList(manage::ManageableList),
    /// Manage an existing snapshot.
    SnapshotManage(manage::SnapshotManage),
    /// Stop managing a snapshot.
    SnapshotUnmanage(manage::SnapshotUnmanage),
    /// Lists all manageable snapshots.
    SnapshotManageableList(manage::SnapshotManageableList),

    /// Creates a volume type.
    TypeCreate(types::TypeCreate),
    /// Deletes volume type or types.
    TypeDelete(types::TypeDelete),
    /// Lists available 'volume types'.
    TypeList(types::TypeList),
    /// Show volume type details.
    TypeShow(types::TypeShow),
    /// Updates volume type name, description, and/or is_public.
    TypeUpdate(types::TypeUpdate),
    /// List the default volume type.
    TypeDefault(types::TypeDefault),
    /// Sets or unsets extra_spec for a volume type.
    TypeKey(types::TypeKey),
    /// Adds volume type access for the given project.
    TypeAccessAdd(types::TypeAccessAdd),
    /// Print access information about the given volume type.
    TypeAccessList(types::TypeAccessList),
    /// Removes volume type access for the given project.
    TypeAccessRemove(types::TypeAccessRemove),
    /// Lists current volume types and extra specs.
    ExtraSpecsList(types::ExtraSpecsList),
    /// Creates encryption type for a volume type. Admin only.
    EncryptionTypeCreate(types::EncryptionTypeCreate),
    /// Shows encryption type details for volume types. Admin only.
    EncryptionTypeList(types::EncryptionTypeList),
    /// Shows encryption type details for a volume type. Admin only.
    EncryptionTypeShow(types::EncryptionTypeShow),
    /// Update encryption type information for a volume type (Admin Only).
    EncryptionTypeUpdate(types::EncryptionTypeUpdate),
    /// Deletes encryption type for a volume type. Admin only.
    EncryptionTypeDelete(types::EncryptionTypeDelete),

    /// Creates a group type.
    GroupTypeCreate(groups::GroupTypeCreate),
    /// List the default group type.
    GroupTypeDefault(groups::GroupTypeDefault),
    /// Deletes group type or types.
    GroupTypeDelete(groups::GroupTypeDelete),
    /// Sets or unsets group_spec for a group type.
    GroupTypeKey(groups::GroupTypeKey),
    /// Lists available 'group types'. (Admin only will see private types)
    GroupTypeList(groups::GroupTypeList),
    /// Show group type details.
    GroupTypeShow(groups::GroupTypeShow),
    /// Updates group type name, description, and/or is_public.
    GroupTypeUpdate(groups::GroupTypeUpdate),
    /// Lists current group types and specs.
    GroupSpecsList(groups::GroupSpecsList),
    /// Creates a group.
    GroupCreate(groups::GroupCreate),
    /// Creates a group from a group snapshot or a source group.
    GroupCreateFromSrc(groups::GroupCreateFromSrc),
    /// Removes one or more groups.
    GroupDelete(groups::GroupDelete),
    /// Lists all groups.
    GroupList(groups::GroupList),
    /// Shows details of a group.
    GroupShow(groups::GroupShow),
    /// Updates a group.
    GroupUpdate(groups::GroupUpdate),
    /// Enables replication for group.
    GroupEnableReplication(groups::GroupEnableReplication),
    /// Disables replication for group.
    GroupDisableReplication(groups::GroupDisableReplication),
    /// Fails over replication for group.
    GroupFailoverReplication(groups::GroupFailoverReplication),
    /// Lists replication targets for group.
    GroupListReplicationTargets(groups::GroupListReplicationTargets),
    /// Creates a group snapshot.
    GroupSnapshotCreate(groups::GroupSnapshotCreate),
    /// Removes one or more group snapshots.
    GroupSnapshotDelete(groups::GroupSnapshotDelete),
    /// Lists all group snapshots.
    GroupSnapshotList(groups::GroupSnapshotList),
    /// Shows group snapshot details.
    GroupSnapshotShow(groups::GroupSnapshotShow),
    /// Creates a consistency group.
    ConsisgroupCreate(groups::ConsisgroupCreate),
    /// Creates a consistency group from a cgsnapshot or a source CG.
    ConsisgroupCreateFromSrc(groups::ConsisgroupCreateFromSrc),
    /// Removes one or more consistency groups.
    ConsisgroupDelete(groups::ConsisgroupDelete),
    /// Lists all consistency groups.
    ConsisgroupList(groups::ConsisgroupList),
    /// Shows details of a consistency group.
    ConsisgroupShow(groups::ConsisgroupShow),
    /// Updates a consistency group.
    ConsisgroupUpdate(groups::ConsisgroupUpdate),
    /// Creates a cgsnapshot.
    CgsnapshotCreate(groups::CgsnapshotCreate),
    /// Removes one or more cgsnapshots.
    CgsnapshotDelete(groups::CgsnapshotDelete),
    /// Lists all cgsnapshots.
    CgsnapshotList(groups::CgsnapshotList),
    /// Shows cgsnapshot details.
    CgsnapshotShow(groups::CgsnapshotShow),

    /// Lists absolute limits for a user.
    AbsoluteLimits(limits::AbsoluteLimits),
    /// Lists rate limits for a user.
    RateLimits(limits::RateLimits),
    /// Lists all availability zones.
    AvailabilityZoneList(zones::AvailabilityZoneList),
    /// Lists all messages.
    MessageList(messages::MessageList),
    /// Shows message details.
    MessageShow(messages::MessageShow),
    /// Removes one or more messages.
    MessageDelete(messages::MessageDelete),
    /// Lists quotas for a tenant.
    QuotaShow(quotas::QuotaShow),
    /// Lists quota usage for a tenant.
    QuotaUsage(quotas::QuotaUsage),
    /// Lists default quotas for a tenant.
    QuotaDefaults(quotas::QuotaDefaults),
    /// Updates quotas for a tenant.
    QuotaUpdate(quotas::QuotaUpdate),
    /// Delete the quotas for a tenant.
    QuotaDelete(quotas::QuotaDelete),
    /// Lists quotas for a quota class.
    QuotaClassShow(quotas::QuotaClassShow),
    /// Updates quotas for a quota class.
    QuotaClassUpdate(quotas::QuotaClassUpdate),
    /// Creates a qos specs.
    QosCreate(qos::QosCreate),
    /// Lists qos specs.
    QosList(qos::QosList),
    /// Shows qos specs details.
    QosShow(qos::QosShow),
    /// Deletes a specified qos specs.
    QosDelete(qos::QosDelete),
    /// Associates qos specs with specified volume type.
    QosAssociate(qos::QosAssociate),
    /// Disassociates qos specs from specified volume type.
    QosDisassociate(qos::QosDisassociate),
    /// Disassociates qos specs from all its associations.
    QosDisassociateAll(qos::QosDisassociateAll),
    /// Sets or unsets specifications for a qos spec.
    QosKey(qos::QosKey),
    /// Lists all associations for specified qos specs.
    QosGetAssociation(qos::QosGetAssociation),
    /// Lists all services. Filter by host and service binary.
    ServiceList(services::ServiceList),
    /// Enables the service.
    ServiceEnable(services::ServiceEnable),
    /// Disables the service.
    ServiceDisable(services::ServiceDisable),
    /// Gets the service log level.
    ServiceGetLog(services::ServiceGetLog),
    /// Sets the service log level.
    ServiceSetLog(services::ServiceSetLog),
    /// Freeze and disable the specified cinder-volume host.
    FreezeHost(services::FreezeHost),
    /// Thaw and enable the specified cinder-volume host.
    ThawHost(services::ThawHost),
    /// Failover a replicating cinder-volume host.
    FailoverHost(services::FailoverHost),
    /// Lists clustered services with optional filtering.
    ClusterList(clusters::ClusterList),
    /// Show detailed information on a clustered service.
    ClusterShow(clusters::ClusterShow),
    /// Enables clustered services.
    ClusterEnable(clusters::ClusterEnable),
    /// Disables clustered services.
    ClusterDisable(clusters::ClusterDisable),
    /// Show pool information for backends. Admin only.
    GetPools(scheduler::GetPools),
    /// Show backend volume stats and properties. Admin only.
    GetCapabilities(scheduler::GetCapabilities),
    /// Request cleanup of services with optional filtering.
    WorkCleanup(workers::WorkCleanup),
    /// Sets a default volume type for a project.
    DefaultTypeSet(default_types::DefaultTypeSet),
    /// Lists all default volume types.
    DefaultTypeList(default_types::DefaultTypeList),
    /// Unset default volume types.
    DefaultTypeUnset(default_types::DefaultTypeUnset),
    /// Lists all available os-api extensions.
    ListExtensions(extensions::ListExtensions),
    /// List enabled filters (a trailing '~' marks inexact matching).
    ListFilters(filters::ListFilters),
    /// Display the server API version information.
    ApiVersion(versions::ApiVersion),
    /// List all API versions.
    VersionList(versions::VersionList),
}
