//! Readiness probes and a polling loop that notices a service dying while we wait for it.
use std::net::{SocketAddr, TcpStream};
use std::process::Child;
use std::thread::sleep;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

use super::http;

/// An error that makes [`until`] give up at once instead of retrying.
#[derive(Debug)]
pub struct Fatal(pub String);

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Fatal {}

/// Polls `probe` every `interval` until it yields a value, `timeout` passes, `probe` fails with
/// [`Fatal`], or `child` (the process we just started, if any) exits. Other errors are retried.
pub fn until<T>(
    what: &str,
    timeout: Duration,
    mut child: Option<&mut Child>,
    mut probe: impl FnMut() -> Result<Option<T>>,
) -> Result<T> {
    let start = Instant::now();
    let interval = Duration::from_millis(300);
    let mut last_error = None;
    loop {
        match probe() {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(err) if err.downcast_ref::<Fatal>().is_some() => {
                return Err(err.context(what.to_string()))
            }
            Err(err) => last_error = Some(format!("{err:#}")),
        }
        if let Some(child) = child.as_deref_mut() {
            if let Some(status) = child.try_wait()? {
                bail!("{what}: the process exited ({status}) before it was ready");
            }
        }
        if start.elapsed() >= timeout {
            match last_error {
                Some(err) => bail!("{what}: not ready after {timeout:?} (last error: {err})"),
                None => bail!("{what}: not ready after {timeout:?}"),
            }
        }
        sleep(interval);
    }
}

pub fn tcp_accepts(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
}

/// Keystone answers `GET /v3` with its version document.
pub fn keystone_answers(url: &str) -> bool {
    http::get(url)
        .timeout(Duration::from_secs(5))
        .send()
        .is_ok_and(|r| r.status == 200 && r.json().is_ok_and(|v| v.get("version").is_some()))
}

/// Cinder answers `GET /` with its versions document (HTTP 300 Multiple Choices).
pub fn cinder_answers(url: &str) -> bool {
    http::get(&format!("{url}/"))
        .timeout(Duration::from_secs(5))
        .send()
        .is_ok_and(|r| r.json().is_ok_and(|v| v.get("versions").is_some()))
}
