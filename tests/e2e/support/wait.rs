//! Bounded waiting, so a hung server fails a test with a message instead of hanging CI.

use std::future::Future;
use std::time::{Duration, Instant};

/// How long any single wait may take before the test fails. Override with
/// `TANDEM_E2E_TIMEOUT_SECS` on a slow machine.
pub fn default_timeout() -> Duration {
    let secs = std::env::var("TANDEM_E2E_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(10);
    Duration::from_secs(secs)
}

/// Polls `probe` every few milliseconds until it returns `Some`, or `None` once `limit` passed.
pub async fn poll_until<T>(limit: Duration, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = probe() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Like [`poll_until`] for an async probe.
pub async fn poll_until_async<T, F, Fut>(limit: Duration, mut probe: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = probe().await {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
