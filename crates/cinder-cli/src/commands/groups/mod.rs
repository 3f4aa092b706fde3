//! The group family (generic volume groups): group types and their specs (`types`), groups
//! (`lifecycle`), their replication (`replication`) and group snapshots (`snapshots`); the
//! legacy consistency groups (`consistency`) and cgsnapshots (`cgsnapshots`), which Cinder
//! serves from the same groups.

mod cgsnapshots;
mod consistency;
mod lifecycle;
mod replication;
mod snapshots;
mod types;

pub use cgsnapshots::{CgsnapshotCreate, CgsnapshotDelete, CgsnapshotList, CgsnapshotShow};
pub use consistency::{
    ConsisgroupCreate, ConsisgroupCreateFromSrc, ConsisgroupDelete, ConsisgroupList,
    ConsisgroupShow, ConsisgroupUpdate,
};
pub use lifecycle::{
    GroupCreate, GroupCreateFromSrc, GroupDelete, GroupList, GroupShow, GroupUpdate,
};
pub use replication::{
    GroupDisableReplication, GroupEnableReplication, GroupFailoverReplication,
    GroupListReplicationTargets,
};
pub use snapshots::{
    GroupSnapshotCreate, GroupSnapshotDelete, GroupSnapshotList, GroupSnapshotShow,
};
pub use types::{
    GroupSpecsList, GroupTypeCreate, GroupTypeDefault, GroupTypeDelete, GroupTypeKey,
    GroupTypeList, GroupTypeShow, GroupTypeUpdate,
};
