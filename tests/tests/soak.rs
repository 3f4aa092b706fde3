//! Soak: 2,000 mixed calls at concurrency 32 against the local real cloud through the fault
//! proxy, which breaks 5% of the requests at random. Bounded by the number of calls, loopback
//! only. Afterwards: no call panicked, every failure is a clear error, no file descriptor or
//! connection was leaked, and the volumes on the server are exactly the ones the calls say.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cinder_client::prelude::*;
use cinder_client::{Cinder, Error, RetryPolicy, VersionRequest};
use cinder_tests::cloud::{self, unique_name};
use cinder_tests::fault_proxy::{Fault, Proxied};
use cinder_tests::fixtures::body;
use futures::StreamExt;
use serde_json::{json, Value};

const CALLS: usize = 2_000;
const CONCURRENCY: usize = 32;
/// 5% of requests.
const FAULT_PER_MILLE: u64 = 50;

#[derive(Clone, Copy, Debug)]
enum Op {
    List,
    Show,
    Create,
    SetMetadata,
    Delete,
    Summary,
}

/// A repeatable mix: reads dominate, as in real use.
fn plan(seed: u64) -> Vec<Op> {
    let mut x = seed;
    (0..CALLS)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            match x % 100 {
                0..40 => Op::List,
                40..60 => Op::Show,
                60..75 => Op::Create,
                75..85 => Op::SetMetadata,
                85..95 => Op::Delete,
                _ => Op::Summary,
            }
        })
        .collect()
}

/// What the calls reported.
#[derive(Default)]
struct Ledger {
    /// Volumes whose create succeeded, and not deleted since.
    live: Vec<String>,
    /// Volumes whose delete was accepted.
    deleted: BTreeSet<String>,
    /// Volumes whose delete failed: it may still have reached the server (an answer lost
    /// after the work was done), so either outcome is right.
    uncertain: BTreeSet<String>,
    /// Names used by creates that reported an error.
    failed_creates: BTreeSet<String>,
    errors: Vec<String>,
    successes: usize,
}

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

fn sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|dir| {
            dir.flatten()
                .filter(|e| {
                    std::fs::read_link(e.path())
                        .is_ok_and(|t| t.to_string_lossy().starts_with("socket:"))
                })
                .count()
        })
        .unwrap_or(0)
}

async fn run_one(
    cinder: &Cinder,
    op: Op,
    prefix: &str,
    ledger: &Mutex<Ledger>,
) -> Result<(), Error> {
    let pick = || ledger.lock().unwrap().live.last().cloned();
    match op {
        Op::List => cinder
            .raw()
            .list_volumes_detail()
            .limit(5)
            .run()
            .await
            .map(|_| ()),
        Op::Summary => cinder.raw().volume_summary().run().await.map(|_| ()),
        Op::Show => match pick() {
            Some(id) => cinder.volumes().show(&id).await.map(|_| ()),
            None => Ok(()),
        },
        Op::Create => {
            let name = unique_name(prefix);
            let request: cinder_client::types::VolumeCreateRequest =
                body(json!({"volume": {"size": 1, "name": name}}));
            match cinder.raw().create_volume().body(request).run().await {
                Ok(created) => {
                    ledger.lock().unwrap().live.push(created.volume.id);
                    Ok(())
                }
                Err(error) => {
                    ledger.lock().unwrap().failed_creates.insert(name);
                    Err(error)
                }
            }
        }
        Op::SetMetadata => match pick() {
            Some(id) => cinder
                .raw()
                .create_volume_metadata()
                .volume_id(&id)
                .body(body::<cinder_client::types::VolumeMetadataRequest>(
                    json!({"metadata": {"soak": "yes"}}),
                ))
                .run()
                .await
                .map(|_| ()),
            None => Ok(()),
        },
        Op::Delete => {
            // Only an available volume can be deleted: take the oldest, likely ready.
            let id = {
                let mut ledger = ledger.lock().unwrap();
                if ledger.live.len() < 5 {
                    return Ok(());
                }
                ledger.live.remove(0)
            };
            let options = cinder_client::wait::WaitOptions::with_timeout(Duration::from_secs(60));
            cinder
                .volumes()
                .wait_for_with(&id, &["available"], &options)
                .await?;
            match cinder.raw().delete_volume().volume_id(&id).run().await {
                Ok(_) => {
                    ledger.lock().unwrap().deleted.insert(id);
                    Ok(())
                }
                Err(error) => {
                    ledger.lock().unwrap().uncertain.insert(id);
                    Err(error)
                }
            }
        }
    }
}

/// A failure the user can act on: it says what failed, never an empty or internal message.
fn is_clear(error: &Error) -> bool {
    let text = error.to_string();
    !text.trim().is_empty()
        && !text.contains("panicked")
        && match error {
            Error::Api { status, .. } => *status >= 400,
            Error::Transport(detail) => detail.contains('(') && detail.contains("http://"),
            Error::Decode { operation, .. } => operation.contains("http://"),
            Error::Failed { .. } | Error::Wait(_) => true,
            _ => false,
        }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_thousand_mixed_calls_with_five_percent_faults() {
    let descriptors_before = open_descriptors();
    let sockets_before = sockets();
    let prefix = unique_name("soak");
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let creates_seen;
    {
        let Proxied {
            keystone,
            cinder: proxy,
            mut config,
        } = Proxied::start().await;
        config.timeout = Some(Duration::from_secs(2));
        config.retry = RetryPolicy {
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(100),
            ..RetryPolicy::retries(3)
        };
        let cinder = Cinder::connect(config).await.expect("connects");
        proxy.random(
            FAULT_PER_MILLE,
            vec![
                Fault::Status {
                    status: 500,
                    retry_after: None,
                },
                Fault::Status {
                    status: 503,
                    retry_after: Some(1),
                },
                Fault::Status {
                    status: 429,
                    retry_after: Some(1),
                },
                Fault::StatusAfterForwarding(502),
                Fault::Reset,
                Fault::ResetAfterForwarding,
                Fault::Stall(Duration::from_secs(3)),
                Fault::Truncate,
                Fault::Corrupt,
                Fault::Html(502),
                Fault::ExpireToken,
            ],
            0x5eed,
        );

        let outcomes: Vec<_> = futures::stream::iter(plan(0xc1de).into_iter().map(|op| {
            let (cinder, ledger, prefix) = (cinder.clone(), ledger.clone(), prefix.clone());
            tokio::spawn(async move { run_one(&cinder, op, &prefix, &ledger).await })
        }))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
        for outcome in outcomes {
            let result = outcome.expect("no call panicked");
            let mut ledger = ledger.lock().unwrap();
            match result {
                Ok(()) => ledger.successes += 1,
                Err(error) => {
                    assert!(is_clear(&error), "unclear error: {error:?}");
                    ledger.errors.push(error.to_string());
                }
            }
        }
        proxy.clear();
        proxy.idle().await;
        creates_seen = proxy.seen();
        drop(cinder);
        drop(proxy);
        drop(keystone);
    }

    // The server's view, directly.
    let direct = cloud::admin(VersionRequest::Latest).await;
    let mut on_server: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let listed: Vec<cinder_client::types::Volume> =
        futures::TryStreamExt::try_collect(direct.volumes().list().limit(500).paginate())
            .await
            .unwrap();
    for volume in listed {
        if let Some(name) = volume.name.clone().filter(|n| n.starts_with(&prefix)) {
            on_server
                .entry(name)
                .or_default()
                .push((volume.id, volume.status));
        }
    }
    let cleanup: Vec<String> = on_server
        .values()
        .flatten()
        .map(|(id, _)| id.clone())
        .collect();

    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    // Creates the server accepted, by name, from what crossed the proxy.
    let accepted: BTreeSet<String> = creates_seen
        .iter()
        .filter(|s| s.method == "POST" && s.path.ends_with("/volumes"))
        .filter(|s| s.upstream_status == Some(202))
        .filter_map(|s| s.body.as_deref())
        .filter_map(|b| serde_json::from_str::<Value>(b).ok())
        .filter_map(|b| b["volume"]["name"].as_str().map(str::to_string))
        .collect();

    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // No duplicates: one volume per name at most.
        for (name, volumes) in &on_server {
            assert_eq!(volumes.len(), 1, "{name} was created twice: {volumes:?}");
        }
        // Nothing lost: every create reported as done exists, unless deleted since.
        for id in &ledger.live {
            assert!(
                on_server.values().flatten().any(|(v, _)| v == id),
                "volume {id} was reported created but is not on the server"
            );
        }
        // Deleted ones are gone or going.
        for volumes in on_server.values() {
            for (id, status) in volumes {
                if ledger.deleted.contains(id) {
                    assert_eq!(status, "deleting", "{id} was reported deleted");
                }
            }
        }
        // Every volume on the server came from a create the server accepted; a create that
        // reported an error exists only if the server had accepted it.
        for name in on_server.keys() {
            assert!(
                accepted.contains(name),
                "{name} appeared without an accepted create"
            );
        }
        for name in &ledger.failed_creates {
            if !accepted.contains(name) {
                assert!(
                    !on_server.contains_key(name),
                    "{name} exists though refused"
                );
            }
        }
        assert_eq!(ledger.successes + ledger.errors.len(), CALLS);
        // The faults did hit: some calls failed, most succeeded through retries.
        assert!(!ledger.errors.is_empty(), "no fault reached a caller");
        assert!(
            ledger.successes > CALLS / 2,
            "{} successes",
            ledger.successes
        );
    }));

    for id in &cleanup {
        let _ = direct.raw().volume_force_delete(id).run().await;
    }
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    drop(direct);

    // Every connection closed with its client: descriptors back to where they were. Closing
    // is asynchronous in the runtime, so look a few times.
    let mut leaked = (0, 0);
    for _ in 0..50 {
        leaked = (
            open_descriptors().saturating_sub(descriptors_before),
            sockets().saturating_sub(sockets_before),
        );
        if leaked == (0, 0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(leaked, (0, 0), "leaked (descriptors, sockets)");
}
