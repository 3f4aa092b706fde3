//! The volume family: `list`, `show`, `create`, `delete`, `force-delete`, the commands that
//! change a volume, its metadata, and `summary`.

mod change;
mod create;
mod delete;
mod list;
mod metadata;
mod show;

pub use change::{
    Extend, Migrate, ReadonlyModeUpdate, Reimage, Rename, ResetState, Retype, RevertToSnapshot,
    SetBootable, UploadToImage,
};
pub use create::Create;
pub use delete::{Delete, ForceDelete};
pub use list::List;
pub use metadata::{ImageMetadata, ImageMetadataShow, Metadata, MetadataShow, MetadataUpdateAll};
pub use show::{Show, Summary};
