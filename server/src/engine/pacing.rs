//! Not queueing work on a model server that is still busy with requests nobody waits for.
//!
//! While the user types, each keystroke supersedes the last request and closes its connection.
//! llama.cpp notices a closed connection only at its next check, finishes the prompt batch it is
//! in, and starts requests that queued meanwhile even when they were closed too: on a laptop CPU
//! it then works through a backlog of dead requests and the suggestion for the keystroke that
//! matters arrives a minute late. So after a model call was abandoned, the next one first waits
//! (itself cancellable by the next keystroke) until the server says it is idle.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tandem_clients::Backend;

/// Longest wait for an idle server: past it the request goes anyway (a server that stays busy
/// serves someone else, and waiting longer would not help this user).
pub const MAX_IDLE_WAIT: Duration = Duration::from_secs(20);

/// Whether a model call was abandoned while the server may still be working on it.
#[derive(Debug, Default)]
pub struct Pacing {
    abandoned: Arc<AtomicBool>,
}

/// Marks a model call in progress; dropped before [`Call::done`], it marks the call abandoned.
#[must_use]
pub struct Call {
    abandoned: Arc<AtomicBool>,
    done: bool,
}

impl Call {
    /// The call returned: the server is done with it.
    pub fn done(mut self) {
        self.done = true;
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        if !self.done {
            self.abandoned.store(true, Ordering::SeqCst);
        }
    }
}

impl Pacing {
    /// Call before a model call; keep the guard until it returns.
    pub fn start(&self) -> Call {
        Call {
            abandoned: self.abandoned.clone(),
            done: false,
        }
    }

    /// Waits, if an earlier call was abandoned, until `backend` is idle (at most
    /// [`MAX_IDLE_WAIT`]). Dropped half-way (a newer keystroke), the next call waits instead.
    pub async fn wait_if_needed(&self, backend: &dyn Backend) {
        if !self.waits() {
            return;
        }
        match tokio::time::timeout(MAX_IDLE_WAIT, backend.wait_until_idle()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::debug!("cannot tell whether the model server is idle: {e}"),
            Err(_) => tracing::debug!("the model server stayed busy; sending anyway"),
        }
        self.abandoned.store(false, Ordering::SeqCst);
    }

    /// Whether the next call will wait for the server first.
    pub fn waits(&self) -> bool {
        self.abandoned.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_dropped_before_it_returned_makes_the_next_one_wait() {
        let pacing = Pacing::default();
        pacing.start().done();
        assert!(!pacing.waits(), "a finished call leaves the server idle");
        drop(pacing.start());
        assert!(
            pacing.waits(),
            "an abandoned call may still occupy the server"
        );
    }
}
