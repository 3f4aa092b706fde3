//! The group family (generic volume groups): group types and their specs (`types`), groups
//! (`lifecycle`), their replication (`replication`) and group snapshots (`snapshots`).

mod lifecycle;
mod replication;
mod snapshots;
mod types;

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
