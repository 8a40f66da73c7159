//! Sharing bookkeeping for [`super::ManagedServer`]: recording use in the state file, the idle
//! check that stops a server nobody uses, and unregistering a client that leaves.
//!
//! Idle rule: each client keeps its last request time in memory and writes it into its entry of
//! the state file on every idle tick, and at once when it resumes after a pause. A client with a
//! request in flight (an [`InUse`] guard alive) counts as using the server at every tick. On each
//! tick a client prunes entries of dead processes and stops the server if every remaining client
//! has been idle for `idle_timeout_secs`. A client that leaves unregisters; the last one to leave stops the
//! server, since no one else would.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use super::lock::StateLock;
use super::state;
use super::supervisor::{unix_now, Inner};
use super::{pid, ManagedError};

/// How long `release` (which also runs from `Drop`) waits for the state lock before giving up.
const RELEASE_LOCK_WAIT: Duration = Duration::from_secs(3);

impl Inner {
    /// Idle check period: a quarter of the timeout, within sane bounds.
    pub(super) fn tick(&self) -> Duration {
        let quarter = Duration::from_millis(self.settings.idle_timeout_secs.saturating_mul(250));
        quarter.clamp(Duration::from_millis(250), Duration::from_secs(30))
    }

    /// A use this long after the last recorded one is written through at once.
    pub(super) fn sync_secs(&self) -> u64 {
        self.tick().as_secs().max(1)
    }

    /// Unix seconds of this handle's last use: now while a request is in flight.
    pub(super) fn used(&self) -> u64 {
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return unix_now();
        }
        self.last_used.load(Ordering::SeqCst)
    }

    /// Writes this client's last use into the state of the server `server_pid`.
    pub(super) async fn sync_last_used(&self, server_pid: u32) -> Result<(), ManagedError> {
        let _lock = StateLock::acquire(&self.paths.lock).await?;
        let Some(mut current) = state::read(&self.paths.state)? else {
            return Ok(());
        };
        if current.pid != server_pid {
            return Ok(());
        }
        let used = self.used();
        current.touch(&self.client_id, self.own_pid, used);
        state::write(&self.paths.state, &current)?;
        self.last_synced.store(used, Ordering::SeqCst);
        Ok(())
    }

    /// Starts the periodic idle check unless it runs already (or idle stop is disabled by 0).
    pub(super) fn spawn_idle_task(self: &Arc<Self>) {
        if self.settings.idle_timeout_secs == 0 {
            return;
        }
        let Ok(mut slot) = self.idle_task.lock() else {
            return;
        };
        if slot.as_ref().is_some_and(|task| !task.is_finished()) {
            return;
        }
        let weak: Weak<Inner> = Arc::downgrade(self);
        let tick = self.tick();
        let task = tokio::spawn(async move {
            loop {
                tokio::time::sleep(tick).await;
                // The handle is gone: its drop already released the server.
                let Some(inner) = weak.upgrade() else { return };
                match inner.idle_check().await {
                    Ok(true) => return,
                    Ok(false) => {}
                    Err(e) => tracing::warn!("managed-server idle check failed: {e}"),
                }
            }
        });
        *slot = Some(task.abort_handle());
    }

    /// One idle tick: record our last use, prune dead clients, and stop the server if everyone is
    /// idle. Returns whether it stopped the server.
    pub(super) async fn idle_check(&self) -> Result<bool, ManagedError> {
        let _lock = StateLock::acquire(&self.paths.lock).await?;
        let Some(mut current) = state::read(&self.paths.state)? else {
            return Ok(false);
        };
        // Only clients of this server judge it (a released handle is no longer one).
        if !current.has_client(&self.client_id) {
            return Ok(false);
        }
        let used = self.used();
        current.touch(&self.client_id, self.own_pid, used);
        current.prune_clients(pid::is_alive);
        if pid::is_alive(current.pid)
            && current.is_idle(unix_now(), self.settings.idle_timeout_secs)
        {
            tracing::info!(
                "stopping llama-server (pid {}): idle for {} s",
                current.pid,
                self.settings.idle_timeout_secs
            );
            pid::stop(current.pid, &current.binary).await;
            state::remove(&self.paths.state)?;
            self.set_known(None);
            return Ok(true);
        }
        state::write(&self.paths.state, &current)?;
        self.last_synced.store(used, Ordering::SeqCst);
        Ok(false)
    }

    /// Unregisters this handle and stops the server if no live client remains. Blocking, brief.
    pub(super) fn release(&self) {
        if let Ok(mut slot) = self.idle_task.lock() {
            if let Some(task) = slot.take() {
                task.abort();
            }
        }
        self.set_known(None);
        let _lock = match StateLock::acquire_blocking(&self.paths.lock, RELEASE_LOCK_WAIT) {
            Ok(Some(lock)) => lock,
            Ok(None) => {
                tracing::warn!("managed server: state lock busy; leaving without unregistering");
                return;
            }
            Err(e) => {
                tracing::warn!("managed server: cannot unregister: {e}");
                return;
            }
        };
        let mut current = match state::read(&self.paths.state) {
            Ok(Some(current)) if current.has_client(&self.client_id) => current,
            Ok(_) => return,
            Err(e) => {
                tracing::warn!("managed server: cannot unregister: {e}");
                return;
            }
        };
        current.remove_client(&self.client_id);
        current.prune_clients(pid::is_alive);
        let result = if current.clients.is_empty() {
            tracing::info!(
                "stopping llama-server (pid {}): last client left",
                current.pid
            );
            pid::stop_blocking(current.pid, &current.binary);
            state::remove(&self.paths.state)
        } else {
            state::write(&self.paths.state, &current)
        };
        if let Err(e) = result {
            tracing::warn!("managed server: {e}");
        }
    }
}

/// A request in flight on the managed server (see [`super::ManagedServer::in_use`]).
pub struct InUse {
    inner: Arc<Inner>,
}

impl InUse {
    pub(super) fn new(inner: Arc<Inner>) -> Self {
        inner.in_flight.fetch_add(1, Ordering::SeqCst);
        inner.last_used.fetch_max(unix_now(), Ordering::SeqCst);
        InUse { inner }
    }
}

impl Drop for InUse {
    fn drop(&mut self) {
        // Idle time counts from the end of the request, not from its start.
        self.inner.last_used.fetch_max(unix_now(), Ordering::SeqCst);
        self.inner.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}
