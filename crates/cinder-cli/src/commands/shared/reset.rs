//! `reset-state`'s loop, whatever the entity: each one named found by name or ID, its reset
//! sent, and failures reported the way cinderclient's `do_reset_state` reports them (a
//! failure's text, then its line when several were named, and an error only when all failed).

use std::future::Future;

use anyhow::Result;
use cinder_client::resources::Resource;
use cinder_client::Cinder;

use super::each::{AtOnce, Reporting};

/// Resets each of `names` (resources of kind `R`) with `send`, which gets the found ID.
pub async fn reset_each<R, F, Fut>(cinder: &Cinder, names: &[String], send: F) -> Result<()>
where
    R: Resource,
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let reporting = Reporting {
        action: "Reset state",
        kind: "entity".into(),
        text_first: true,
        line_for_one: false,
        all_failed: "Unable to reset the state for the specified entity(s).".into(),
        one_failed_is_its_line: false,
    };
    let send = &send;
    AtOnce::ONE_BY_ONE
        .for_each_found::<R, _, _>(cinder, names, &reporting, |id, _| send(id))
        .await
}
