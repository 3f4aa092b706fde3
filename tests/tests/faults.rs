//! The library under injected faults: a [`FaultProxy`] sits in front of the local cloud's
//! Keystone and Cinder, and each test makes it misbehave in one way, then checks what the
//! client did and what reached the real server.

use std::time::Duration;

use cinder_client::Run;
use cinder_client::{Cinder, Config, Error, RetryPolicy, VersionRequest};
use cinder_tests::cloud::{self, unique_name};
use cinder_tests::fault_proxy::{Fault, FaultProxy, Matcher, Proxied};
use cinder_tests::fixtures::body;
use serde_json::json;

/// Proxies in front of Keystone and Cinder, and a configuration that goes through them.
struct Rig {
    keystone: FaultProxy,
    cinder: FaultProxy,
    config: Config,
}

async fn rig(retries: u32) -> Rig {
    let Proxied {
        keystone,
        cinder,
        mut config,
    } = Proxied::start().await;
    config.retry = RetryPolicy {
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        max_retry_after: Duration::from_secs(2),
        ..RetryPolicy::retries(retries)
    };
    Rig {
        keystone,
        cinder,
        config,
    }
}

impl Rig {
    async fn connect(&self) -> Cinder {
        Cinder::connect(self.config.clone())
            .await
            .expect("connects through the proxies")
    }
}

fn list_matcher() -> Matcher {
    Matcher::request("GET", "/volumes/detail")
}

async fn list(cinder: &Cinder) -> Result<usize, Error> {
    cinder
        .raw()
        .list_volumes_detail()
        .limit(1)
        .run()
        .await
        .map(|l| l.volumes.len())
}

#[tokio::test]
async fn idempotent_requests_are_retried_up_to_the_limit() {
    let rig = rig(3).await;
    let cinder = rig.connect().await;
    for status in [502, 503, 504, 429] {
        rig.cinder.clear();
        let before = rig.cinder.count(&list_matcher()).0;
        rig.cinder.inject(
            list_matcher(),
            Fault::Status {
                status,
                retry_after: None,
            },
            2,
        );
        list(&cinder)
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        // Two injected failures, then the real answer.
        assert_eq!(rig.cinder.count(&list_matcher()).0 - before, 3, "{status}");
    }

    // More failures than retries: the last failure is the error, after 1 + 3 attempts.
    let before = rig.cinder.count(&list_matcher()).0;
    rig.cinder.inject(
        list_matcher(),
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        10,
    );
    let err = list(&cinder).await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err}");
    assert_eq!(rig.cinder.count(&list_matcher()).0 - before, 4);

    // A 500 is the API failing at the work itself: returned at once.
    rig.cinder.clear();
    let before = rig.cinder.count(&list_matcher()).0;
    rig.cinder.inject(
        list_matcher(),
        Fault::Status {
            status: 500,
            retry_after: None,
        },
        1,
    );
    let err = list(&cinder).await.unwrap_err();
    assert_eq!(err.status(), Some(500), "{err}");
    assert_eq!(rig.cinder.count(&list_matcher()).0 - before, 1);
}

#[tokio::test]
async fn reads_are_retried_twice_by_default() {
    // The configuration as a library user gets it: the default retry policy.
    let Proxied {
        keystone: _keystone,
        cinder: proxy,
        config,
    } = Proxied::start().await;
    assert_eq!(config.retry, RetryPolicy::default());
    let cinder = Cinder::connect(config).await.expect("connects");
    proxy.inject(
        list_matcher(),
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        2,
    );
    list(&cinder).await.expect("the third attempt gets through");
    assert_eq!(proxy.count(&list_matcher()).0, 3);

    proxy.inject(
        list_matcher(),
        Fault::Status {
            status: 502,
            retry_after: None,
        },
        3,
    );
    let err = list(&cinder).await.unwrap_err();
    assert_eq!(err.status(), Some(502), "{err}");
    assert_eq!(proxy.count(&list_matcher()).0, 3 + 3);
}

#[tokio::test]
async fn nothing_is_retried_with_zero_retries() {
    let rig = rig(0).await;
    let cinder = rig.connect().await;
    rig.cinder.inject(
        list_matcher(),
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        1,
    );
    let err = list(&cinder).await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err}");
    assert_eq!(rig.cinder.count(&list_matcher()).0, 1);
}

#[tokio::test]
async fn retry_after_is_honoured_and_too_long_a_wait_is_not_waited_for() {
    let rig = rig(2).await;
    let cinder = rig.connect().await;
    rig.cinder.inject(
        list_matcher(),
        Fault::Status {
            status: 503,
            retry_after: Some(1),
        },
        1,
    );
    list(&cinder).await.unwrap();
    assert_eq!(rig.cinder.count(&list_matcher()).0, 2);

    // An hour is beyond the policy's `max_retry_after`: the 429 is returned at once.
    rig.cinder.inject(
        list_matcher(),
        Fault::Status {
            status: 429,
            retry_after: Some(3600),
        },
        1,
    );
    let err = list(&cinder).await.unwrap_err();
    assert_eq!(err.status(), Some(429), "{err}");
    assert_eq!(rig.cinder.count(&list_matcher()).0, 3);
}

#[tokio::test]
async fn reset_connections_are_retried_for_reads() {
    let rig = rig(2).await;
    let cinder = rig.connect().await;
    rig.cinder.inject(list_matcher(), Fault::Reset, 2);
    list(&cinder).await.unwrap();
    assert_eq!(rig.cinder.count(&list_matcher()), (3, 1));
}

/// Volumes named `name`, asked directly of the real server.
async fn volumes_named(name: &str) -> Vec<String> {
    let direct = cloud::admin(VersionRequest::Latest).await;
    direct
        .raw()
        .list_volumes()
        .name(name)
        .run()
        .await
        .unwrap()
        .volumes
        .into_iter()
        .map(|v| v.id)
        .collect()
}

async fn delete_all(ids: &[String]) {
    let direct = cloud::admin(VersionRequest::Latest).await;
    for id in ids {
        let _ = direct
            .volumes()
            .wait_for_with(id, &["available", "error"], &Default::default())
            .await;
        let _ = direct.raw().delete_volume().volume_id(id).run().await;
    }
}

fn create_request(name: &str) -> cinder_client::types::VolumeCreateRequest {
    body(json!({"volume": {"size": 1, "name": name}}))
}

#[tokio::test]
async fn a_create_that_may_have_reached_the_server_is_never_sent_twice() {
    let rig = rig(5).await;
    let cinder = rig.connect().await;
    let creates = Matcher::request("POST", "/volumes");
    for fault in [
        Fault::StatusAfterForwarding(502),
        Fault::ResetAfterForwarding,
    ] {
        let name = unique_name("fault-create");
        rig.cinder.clear();
        let before = rig.cinder.count(&creates);
        rig.cinder.inject(creates.clone(), fault.clone(), 1);
        let err = cinder
            .raw()
            .create_volume()
            .body(create_request(&name))
            .run()
            .await
            .unwrap_err();
        let after = rig.cinder.count(&creates);
        // Sent once, not retried, though retries are allowed...
        assert_eq!(
            (after.0 - before.0, after.1 - before.1),
            (1, 1),
            "{fault:?}"
        );
        // ...and the server made exactly one volume of it.
        let made = volumes_named(&name).await;
        delete_all(&made).await;
        assert_eq!(made.len(), 1, "{fault:?}: {err}");
    }
}

#[tokio::test]
async fn a_create_that_surely_did_not_reach_the_server_is_retried() {
    let rig = rig(3).await;
    let cinder = rig.connect().await;
    let creates = Matcher::request("POST", "/volumes");
    let name = unique_name("fault-throttled");
    // Throttled before any work: safe to send again.
    rig.cinder.inject(
        creates.clone(),
        Fault::Status {
            status: 429,
            retry_after: Some(1),
        },
        1,
    );
    let created = cinder
        .raw()
        .create_volume()
        .body(create_request(&name))
        .run()
        .await
        .unwrap();
    let made = volumes_named(&name).await;
    delete_all(&made).await;
    assert_eq!(made, vec![created.volume.id]);
    assert_eq!(rig.cinder.count(&creates), (2, 1));

    // A 503 on a POST is not retried: it may come after the work was done.
    let name = unique_name("fault-unavailable");
    rig.cinder.inject(
        creates.clone(),
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        1,
    );
    let err = cinder
        .raw()
        .create_volume()
        .body(create_request(&name))
        .run()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(volumes_named(&name).await.is_empty());
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_for_a_hundred_concurrent_calls() {
    let rig = rig(0).await;
    let cinder = rig.connect().await;
    list(&cinder).await.unwrap();
    let token = rig
        .cinder
        .seen()
        .last()
        .and_then(|s| s.token.clone())
        .expect("the list carried a token");
    let token_requests = Matcher::request("POST", "/auth/tokens");
    let issued_before = rig.keystone.count(&token_requests).0;

    // From now on the server refuses that token, as after its expiry.
    rig.cinder
        .always(Matcher::token(&token), Fault::ExpireToken);
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let cinder = cinder.clone();
            tokio::spawn(async move { list(&cinder).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("replayed with the new token");
    }
    assert_eq!(
        rig.keystone.count(&token_requests).0 - issued_before,
        1,
        "exactly one re-authentication"
    );
    let refused = rig.cinder.count(&Matcher::token(&token)).0;
    assert!(refused >= 1, "{refused}");
}

#[tokio::test]
async fn broken_answers_give_clear_errors_naming_the_request() {
    let rig = rig(0).await;
    let cinder = rig.connect().await;

    rig.cinder.inject(list_matcher(), Fault::Truncate, 1);
    let err = list(&cinder).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("list_volumes_detail"), "{text}");
    assert!(text.contains("req-"), "the request id: {text}");

    rig.cinder.inject(list_matcher(), Fault::Corrupt, 1);
    let err = list(&cinder).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("list_volumes_detail"), "{err}");

    rig.cinder.inject(list_matcher(), Fault::Html(502), 1);
    let err = list(&cinder).await.unwrap_err();
    assert_eq!(err.status(), Some(502), "{err}");
    assert!(err.to_string().contains("Bad Gateway"), "{err}");
    assert!(!err.to_string().contains("<html>"), "{err}");

    // The impatient clients take their token from a cache filled first, without a timeout:
    // Keystone can take seconds to authenticate while other tests load it, and the timeout is
    // about the stalled list, not about that.
    let cache = cinder_client::TokenCache::new(
        cloud::workspace_root().join(format!("target/test-cache/faults-{}", std::process::id())),
    );
    let mut warm = rig.config.clone();
    warm.token_cache = Some(cache.clone());
    Cinder::connect(warm).await.unwrap();
    // Generous: the real server answers slowly while other tests load it.
    let mut config = rig.config.clone();
    config.token_cache = Some(cache.clone());
    config.timeout = Some(Duration::from_secs(8));
    let impatient = Cinder::connect(config).await.unwrap();
    rig.cinder
        .inject(list_matcher(), Fault::Stall(Duration::from_secs(12)), 1);
    let err = list(&impatient).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("timed out"), "{text}");
    assert!(text.contains("list_volumes_detail"), "{text}");
    assert!(text.contains(&rig.cinder.url()), "{text}");

    // A timeout is not retried, even when retries are allowed: the server may be overloaded,
    // and each retry would add a whole timeout to the wait.
    let mut config = rig.config.clone();
    config.token_cache = Some(cache);
    config.timeout = Some(Duration::from_secs(8));
    config.retry.max_retries = 1;
    let retrying = Cinder::connect(config).await.unwrap();
    // The proxy records a request once it is done with it: after the stall.
    rig.cinder.idle().await;
    let before = rig.cinder.count(&list_matcher()).0;
    rig.cinder
        .inject(list_matcher(), Fault::Stall(Duration::from_secs(12)), 1);
    let err = list(&retrying).await.unwrap_err();
    assert!(err.to_string().contains("timed out"), "{err}");
    rig.cinder.idle().await;
    assert_eq!(rig.cinder.count(&list_matcher()).0 - before, 1);
}

#[tokio::test]
async fn keystone_failures_are_clear_too() {
    let rig = rig(0).await;
    rig.keystone.inject(
        Matcher::request("POST", "/auth/tokens"),
        Fault::Html(503),
        1,
    );
    let err = Cinder::connect(rig.config.clone()).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("503"), "{text}");
    assert!(text.contains("/auth/tokens"), "{text}");
    assert!(!text.contains("<html>"), "{text}");
}
