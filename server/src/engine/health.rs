//! Backend health as the user sees it: a failure is reported once, not once per keystroke, and
//! recovery is noticed by itself. Time is passed in, so this stays testable without clocks.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tandem_clients::BackendError;

/// What the user should be told after a request, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthReport {
    /// The backend started failing: show this once.
    Failing(String),
    /// It works again after failing.
    Recovered,
}

#[derive(Default)]
struct State {
    failing: Option<&'static str>,
    retry_after: Option<Instant>,
}

/// Tracks whether the backend works.
#[derive(Default)]
pub struct Health {
    state: Mutex<State>,
}

impl Health {
    /// Records a failure; returns a report only when the backend was fine before (or fails in a
    /// new way), so the editor is not flooded.
    pub fn failure(&self, error: &BackendError, now: Instant) -> Option<HealthReport> {
        let mut state = self.state.lock().ok()?;
        if let BackendError::RateLimited { retry_after, .. } = error {
            state.retry_after = Some(now + retry_after.unwrap_or(Duration::from_secs(5)));
        }
        let kind = error.kind();
        if state.failing == Some(kind) {
            return None;
        }
        state.failing = Some(kind);
        Some(HealthReport::Failing(error.to_string()))
    }

    /// Records a success.
    pub fn success(&self) -> Option<HealthReport> {
        let mut state = self.state.lock().ok()?;
        state.retry_after = None;
        state.failing.take().map(|_| HealthReport::Recovered)
    }

    /// Whether the backend asked us to hold off until later than `now`.
    pub fn must_wait(&self, now: Instant) -> bool {
        self.state
            .lock()
            .ok()
            .and_then(|s| s.retry_after)
            .is_some_and(|until| now < until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused() -> BackendError {
        BackendError::ConnectionRefused {
            url: "http://127.0.0.1:1".into(),
            detail: "refused".into(),
        }
    }

    #[test]
    fn a_failure_is_reported_once_until_it_recovers() {
        let health = Health::default();
        let now = Instant::now();
        assert!(
            matches!(health.failure(&refused(), now), Some(HealthReport::Failing(m)) if m.contains("127.0.0.1:1"))
        );
        assert_eq!(health.failure(&refused(), now), None);
        assert_eq!(health.failure(&refused(), now), None);
        assert_eq!(health.success(), Some(HealthReport::Recovered));
        assert_eq!(health.success(), None);
        assert!(health.failure(&refused(), now).is_some());
    }

    #[test]
    fn a_different_failure_is_reported_again() {
        let health = Health::default();
        let now = Instant::now();
        assert!(health.failure(&refused(), now).is_some());
        let unauthorized = BackendError::Unauthorized {
            url: "u".into(),
            status: 401,
        };
        assert!(health.failure(&unauthorized, now).is_some());
    }

    #[test]
    fn rate_limits_hold_requests_until_retry_after() {
        let health = Health::default();
        let now = Instant::now();
        let limited = BackendError::RateLimited {
            url: "u".into(),
            retry_after: Some(Duration::from_secs(3)),
        };
        health.failure(&limited, now);
        assert!(health.must_wait(now + Duration::from_secs(2)));
        assert!(!health.must_wait(now + Duration::from_secs(4)));
    }
}
