//! Output of every command that prints data: cinderclient's tables by default, or JSON, YAML
//! or bare values for scripts (`-f/--format`), restricted to some columns (`-c/--column`).
//!
//! Commands flatten [`OutputArgs`] (and, for lists the API pages, [`PageArgs`]) into their
//! arguments, build JSON rows or objects, and hand them to one of three printers:
//!
//! | shape | commands | table | JSON / YAML | `value` |
//! |---|---|---|---|---|
//! | list ([`OutputArgs::list`], [`OutputArgs::print_list`]) | `list`, `snapshot-list`, `type-list`, `message-list`, `extra-specs-list`, `type-access-list`, `encryption-type-list`, `availability-zone-list`, `absolute-limits`, `rate-limits`, `api-version`, `version-list`, `quota-usage`, `qos-list`, `qos-get-association`, `service-list`, `service-get-log`, `service-enable`, `service-disable` | one row per item | an array of objects | one line per item, cells separated by spaces |
//! | object ([`OutputArgs::print_object`]) | `show`, `create`, `snapshot-show`, `snapshot-create`, `type-show`, `message-show`, `summary`, `upload-to-image`, `*metadata-show`, `*metadata-update-all`, `quota-show`, `quota-defaults`, `quota-update`, `quota-class-show`, `quota-class-update`, `qos-create`, `qos-show` | `Property \| Value`, fields sorted | one object | one value per line |
//! | row ([`OutputArgs::print_row`]) | `type-create`, `type-update`, `type-default`, `encryption-type-create`, `-show`, `-update` | a one-row table | one object (`null` when there is nothing) | one value per line |
//!
//! # JSON keys
//!
//! Keys are stable names for scripts, never the table's headers:
//!
//! - A list or row column's key is its header lowercased with spaces as underscores
//!   ([`columns::key_of`]), the very rule cinderclient uses to find a column's field in a
//!   resource. So a column showing an API field carries the API's name (`ID` → `id`,
//!   `Volume Type` → `volume_type`, `Is_Public` → `is_public`, `Key Size` → `key_size`,
//!   `Volume_type_ID` → `volume_type_id`), and a column cinderclient derives gets the same
//!   kind of name (`Attached to` → `attached_to`, the comma-separated server IDs;
//!   `Tenant ID` → `tenant_id`; an availability zone's `Name`/`Status` → `name`/`status`).
//! - An object keeps the API's own keys (`os-vol-host-attr:host`, `volume_type`), all those the
//!   table shows: every field (a command leaves out what cinderclient leaves out, such as `links`).
//!
//! Values keep their JSON types where the API gave JSON (numbers, booleans, `null`, nested
//! objects); the table's text (`None`, `True`) is for tables only. A list row's or row's keys
//! come in column order, an object's and nested objects' keys sorted.
//!
//! # Columns
//!
//! `-c/--column` (repeatable) names a column by its header or its key, case-insensitively,
//! and the output shows those columns in that order, in every format. An unknown name fails
//! with the list of the available columns, so nothing is printed: before connecting for lists
//! and fixed tables (`Command::check`, against the newest microversion's columns), once the
//! resource has arrived for a single resource (its fields are the server's).
//!
//! # Streaming
//!
//! Lists of volumes, snapshots, types and messages follow the server's `next` links
//! ([`PageArgs::stream`]). JSON, YAML and `value` print every page as soon as it has arrived
//! (the JSON array is opened on the first item and closed at the end), in the server's order.
//! The table needs every row to size its columns, so it is printed at the end, sorted as
//! cinderclient sorts it.
//!
//! # Errors
//!
//! Options and columns are checked before the first request, and a single resource is printed
//! only once it is complete, so a mistake prints nothing. A request failing in the middle of a
//! streamed list leaves the pages already printed and exits non-zero; JSON then lacks its
//! closing `]`, so that no parser takes it for the whole list. Remarks for people (`Total
//! number of volumes`, the version in use) go to stdout next to a table and to stderr otherwise.

mod cells;
mod columns;
mod format;
mod grid;
mod list;
mod paging;
mod serialize;
mod single;
mod visible;

pub use cells::text as cell_text;
pub use columns::{columns, Column};
pub use format::OutputArgs;
pub use paging::{ListPage, PageArgs, PageRequest};
pub use single::{Apart, Pretty, Shape, Takes};
pub use visible::visible;
