//! Readiness probes and a polling loop that notices a service dying while we wait for it.
use std::net::{SocketAddr, TcpStream};
use std::process::Child;
use std::thread::sleep;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

use super::http;

/// Polls `probe` every `interval` until it yields a value, `timeout` passes, or `child` (the
/// process we just started, if any) exits.
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
