//! Typed statuses. The API sends statuses as strings and adds new ones over time, so the
//! generated types keep strings; these enums name the known ones and keep any other as
//! `Other`, never failing to parse.
//!
//! ```
//! use cinder_client::status::VolumeStatus;
//!
//! let status: VolumeStatus = "in-use".parse().unwrap();
//! assert_eq!(status, VolumeStatus::InUse);
//! assert!(VolumeStatus::from("error_extending").is_error());
//! assert_eq!(VolumeStatus::from("brand-new").to_string(), "brand-new");
//! ```

use std::fmt;
use std::str::FromStr;

macro_rules! status_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A status this client does not know (a newer Cinder, or a driver's own).
            Other(String),
        }

        impl $name {
            /// The API's spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(text) => text,
                }
            }

            /// Whether this is one of Cinder's `error*` statuses.
            pub fn is_error(&self) -> bool {
                self.as_str().starts_with("error")
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok(text.into())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}

status_enum! {
    /// A volume's `status`.
    VolumeStatus {
        /// Being created.
        Creating = "creating",
        /// Ready to attach.
        Available = "available",
        /// Reserved for an attachment.
        Reserved = "reserved",
        /// Being attached.
        Attaching = "attaching",
        /// Being detached.
        Detaching = "detaching",
        /// Attached.
        InUse = "in-use",
        /// Locked for maintenance (e.g. a migration).
        Maintenance = "maintenance",
        /// Being deleted.
        Deleting = "deleting",
        /// Offered for transfer to another project.
        AwaitingTransfer = "awaiting-transfer",
        /// Creation failed.
        Error = "error",
        /// Deletion failed.
        ErrorDeleting = "error_deleting",
        /// Being backed up.
        BackingUp = "backing-up",
        /// A backup is being restored onto it.
        RestoringBackup = "restoring-backup",
        /// A backup failed.
        ErrorBackingUp = "error_backing-up",
        /// Restoring a backup failed.
        ErrorRestoring = "error_restoring",
        /// Extending failed.
        ErrorExtending = "error_extending",
        /// Being filled from an image.
        Downloading = "downloading",
        /// Being uploaded to an image.
        Uploading = "uploading",
        /// Changing type.
        Retyping = "retyping",
        /// Growing.
        Extending = "extending",
        /// Being rewritten from an image (`os-reimage`).
        Reimaging = "reimaging",
    }
}

status_enum! {
    /// A snapshot's `status`.
    SnapshotStatus {
        /// Being created.
        Creating = "creating",
        /// Ready.
        Available = "available",
        /// Being backed up.
        BackingUp = "backing-up",
        /// Being deleted.
        Deleting = "deleting",
        /// Creation failed.
        Error = "error",
        /// Deleted.
        Deleted = "deleted",
        /// Being removed from Cinder's management.
        Unmanaging = "unmanaging",
        /// Being restored to its volume.
        Restoring = "restoring",
        /// Deletion failed.
        ErrorDeleting = "error_deleting",
    }
}

impl VolumeStatus {
    /// Whether Cinder is still working on the volume (a waiter should keep polling).
    pub fn is_transitional(&self) -> bool {
        matches!(
            self,
            VolumeStatus::Creating
                | VolumeStatus::Attaching
                | VolumeStatus::Detaching
                | VolumeStatus::Deleting
                | VolumeStatus::BackingUp
                | VolumeStatus::RestoringBackup
                | VolumeStatus::Downloading
                | VolumeStatus::Uploading
                | VolumeStatus::Retyping
                | VolumeStatus::Extending
                | VolumeStatus::Reimaging
        )
    }
}

/// The typed status of a generated resource.
pub trait HasStatus {
    /// The status enum.
    type Status;
    /// The resource's status, typed.
    fn typed_status(&self) -> Self::Status;
}

impl HasStatus for crate::types::Volume {
    type Status = VolumeStatus;
    fn typed_status(&self) -> VolumeStatus {
        self.status.as_str().into()
    }
}

impl HasStatus for crate::types::Snapshot {
    type Status = SnapshotStatus;
    fn typed_status(&self) -> SnapshotStatus {
        self.status.as_str().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_status_round_trips() {
        for text in [
            "creating",
            "in-use",
            "error_backing-up",
            "awaiting-transfer",
        ] {
            let status = VolumeStatus::from(text);
            assert!(!matches!(status, VolumeStatus::Other(_)), "{text}");
            assert_eq!(status.as_str(), text);
        }
        assert_eq!(
            SnapshotStatus::from("unmanaging"),
            SnapshotStatus::Unmanaging
        );
        assert_eq!(
            VolumeStatus::from("someday"),
            VolumeStatus::Other("someday".into())
        );
    }

    #[test]
    fn errors_and_transitions() {
        assert!(VolumeStatus::ErrorDeleting.is_error());
        assert!(!VolumeStatus::Available.is_error());
        assert!(VolumeStatus::Extending.is_transitional());
        assert!(!VolumeStatus::InUse.is_transitional());
    }
}
