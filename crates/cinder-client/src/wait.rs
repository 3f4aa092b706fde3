//! Waiting for an asynchronous operation to finish by polling a resource's status.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// What a waiter reports after each poll, e.g. to draw a progress line.
#[derive(Clone, Copy, Debug)]
pub struct Progress<'a> {
    /// What is waited on: "volume 1234…".
    pub what: &'a str,
    /// The status just seen; `None` once the resource is gone.
    pub status: Option<&'a str>,
    /// Time since the wait began.
    pub elapsed: Duration,
}

/// Called after every poll.
pub type ProgressFn = Arc<dyn Fn(&Progress<'_>) + Send + Sync>;

/// How to poll.
#[derive(Clone)]
pub struct WaitOptions {
    /// Give up after this long (default 10 minutes).
    pub timeout: Duration,
    /// The pause after the first poll; it doubles after each poll...
    pub first_interval: Duration,
    /// ...up to this.
    pub max_interval: Duration,
    /// Told about every poll (nothing by default).
    pub progress: Option<ProgressFn>,
}

impl WaitOptions {
    /// The defaults with another timeout.
    pub fn with_timeout(timeout: Duration) -> Self {
        WaitOptions {
            timeout,
            ..WaitOptions::default()
        }
    }
}

impl std::fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitOptions")
            .field("timeout", &self.timeout)
            .field("first_interval", &self.first_interval)
            .field("max_interval", &self.max_interval)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(600),
            first_interval: Duration::from_millis(250),
            max_interval: Duration::from_secs(5),
            progress: None,
        }
    }
}

/// What one poll saw.
pub enum Observed {
    /// The resource's current status.
    Status(String),
    /// The resource no longer exists (the goal when waiting for a deletion).
    Gone,
}

/// Polls `probe` until it reports one of `targets` (or `Gone` when `targets` is empty), with
/// backoff; fails at once on an `error*` status, and after `options.timeout`.
pub async fn wait_for<F, Fut>(
    what: &str,
    targets: &[&str],
    options: &WaitOptions,
    mut probe: F,
) -> Result<Observed>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Observed>>,
{
    let started = Instant::now();
    let mut interval = options.first_interval;
    loop {
        let observed = probe().await?;
        if let Some(progress) = &options.progress {
            progress(&Progress {
                what,
                status: match &observed {
                    Observed::Status(status) => Some(status),
                    Observed::Gone => None,
                },
                elapsed: started.elapsed(),
            });
        }
        match &observed {
            Observed::Gone if targets.is_empty() => return Ok(observed),
            Observed::Gone => {
                return Err(Error::Wait(format!(
                    "{what} disappeared while waiting for {}",
                    targets.join(" or ")
                )))
            }
            Observed::Status(status) if targets.contains(&status.as_str()) => return Ok(observed),
            Observed::Status(status) if status.starts_with("error") => {
                return Err(Error::Failed {
                    what: what.to_string(),
                    status: status.clone(),
                    reason: None,
                })
            }
            Observed::Status(_) => {}
        }
        if started.elapsed() >= options.timeout {
            let current = match observed {
                Observed::Status(status) => format!("still {status}"),
                Observed::Gone => "gone".into(),
            };
            let goal = if targets.is_empty() {
                "deletion".to_string()
            } else {
                targets.join(" or ")
            };
            return Err(Error::Wait(format!(
                "gave up waiting for {what} to reach {goal} after {:?} ({current})",
                options.timeout
            )));
        }
        tokio::time::sleep(interval).await;
        interval = (interval * 2).min(options.max_interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn fast() -> WaitOptions {
        WaitOptions {
            timeout: Duration::from_millis(200),
            first_interval: Duration::from_millis(1),
            max_interval: Duration::from_millis(5),
            progress: None,
        }
    }

    #[tokio::test]
    async fn reports_every_poll() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = seen.clone();
        let options = WaitOptions {
            progress: Some(Arc::new(move |p: &Progress<'_>| {
                record.lock().unwrap().push(p.status.map(str::to_string))
            })),
            ..fast()
        };
        let statuses = ["creating", "available"];
        let i = Cell::new(0);
        wait_for("volume v", &["available"], &options, || {
            let s = statuses[i.get()];
            i.set(i.get() + 1);
            async move { Ok(Observed::Status(s.to_string())) }
        })
        .await
        .unwrap();
        assert_eq!(
            *seen.lock().unwrap(),
            vec![Some("creating".to_string()), Some("available".to_string())]
        );
    }

    #[tokio::test]
    async fn returns_on_target_and_fails_fast_on_error() {
        let statuses = ["creating", "creating", "available"];
        let i = Cell::new(0);
        let probe = || {
            let s = statuses[i.get()];
            i.set(i.get() + 1);
            async move { Ok(Observed::Status(s.to_string())) }
        };
        assert!(
            matches!(wait_for("volume v", &["available"], &fast(), probe).await.unwrap(), Observed::Status(s) if s == "available")
        );

        let err = wait_for("volume v", &["available"], &fast(), || async {
            Ok(Observed::Status("error_extending".into()))
        })
        .await
        .err()
        .unwrap();
        assert_eq!(err.to_string(), "volume v went to status error_extending");

        let err = wait_for("volume v", &["available"], &fast(), || async {
            Ok(Observed::Status("creating".into()))
        })
        .await
        .err()
        .unwrap();
        assert!(err.to_string().contains("gave up waiting"), "{err}");
    }
}
