//! [`ManagedServer`]: the handle a tandem process uses to get the base URL of the shared
//! llama-server, starting, attaching to or restarting it as needed, and stopping it when idle.
//!
//! Sharing rule: all decisions happen under the state lock. The first client spawns the server
//! and records it in the state file before waiting for it to load (so a client that arrives
//! meanwhile waits for the lock and then attaches instead of spawning a second one). A client
//! attaches when the recorded pid is alive, still runs the recorded binary, serves the wanted
//! model and answers `/health`.
//!
//! Idle stop and unregistering live in `idle.rs`. A client that exits calls
//! [`ManagedServer::release`] (also run on drop).

use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::task::AbortHandle;

use super::health::{health_client, wait_ready};
use super::lock::StateLock;
use super::state::{self, RunPaths, ServerState};
use super::{locate, pid, process, Located, ManagedError, ManagedSettings, ProgressEvent};

/// How long a model may take to load before startup is declared failed; generous because a cold
/// page cache and a busy 2-core machine make even the 0.5B model slow.
const START_TIMEOUT: Duration = Duration::from_secs(180);

/// A tandem process's handle on the shared managed llama-server. Cheap to clone.
#[derive(Clone)]
pub struct ManagedServer {
    inner: Arc<Inner>,
}

/// The state behind a handle, shared by its clones.
pub(super) struct Inner {
    pub(super) settings: ManagedSettings,
    pub(super) paths: RunPaths,
    /// Identifies this handle in the state file's client list.
    pub(super) client_id: String,
    pub(super) own_pid: u32,
    pub(super) http: reqwest::Client,
    /// Serialises the slow path of concurrent `ensure_running` calls on this handle.
    pub(super) gate: tokio::sync::Mutex<()>,
    pub(super) known: Mutex<Option<Known>>,
    /// Unix seconds of the last `ensure_running` or the end of the last request.
    pub(super) last_used: AtomicU64,
    /// Requests holding an [`super::InUse`] guard: while any runs, this client is in use now.
    pub(super) in_flight: AtomicUsize,
    /// The `last_used` value last written to the state file.
    pub(super) last_synced: AtomicU64,
    pub(super) idle_task: Mutex<Option<AbortHandle>>,
}

/// The server this handle last saw running.
#[derive(Debug, Clone)]
pub(super) struct Known {
    pub(super) url: String,
    pub(super) pid: u32,
}

impl std::fmt::Debug for ManagedServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagedServer")
            .field("client_id", &self.inner.client_id)
            .field("cache_dir", &self.inner.settings.cache_dir)
            .finish_non_exhaustive()
    }
}

impl ManagedServer {
    /// A handle for `settings`; nothing starts until [`ManagedServer::ensure_running`].
    pub fn new(settings: ManagedSettings) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let own_pid = std::process::id();
        let client_id = format!(
            "{own_pid}-{}-{}",
            unix_now(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        ManagedServer {
            inner: Arc::new(Inner {
                paths: RunPaths::new(&settings.cache_dir),
                settings,
                client_id,
                own_pid,
                http: health_client(),
                gate: tokio::sync::Mutex::new(()),
                known: Mutex::new(None),
                last_used: AtomicU64::new(0),
                in_flight: AtomicUsize::new(0),
                last_synced: AtomicU64::new(0),
                idle_task: Mutex::new(None),
            }),
        }
    }

    /// The base URL of a running server (e.g. `http://127.0.0.1:41234`), starting or restarting
    /// it if needed. Call it before every request: it is cheap when the server is up.
    pub async fn ensure_running(&self) -> Result<String, ManagedError> {
        self.ensure_running_with(&|_| {}).await
    }

    /// [`ManagedServer::ensure_running`], reporting startup progress to `progress`.
    pub async fn ensure_running_with(
        &self,
        progress: &(dyn Fn(ProgressEvent) + Send + Sync),
    ) -> Result<String, ManagedError> {
        let inner = &self.inner;
        let now = unix_now();
        inner.last_used.fetch_max(now, Ordering::SeqCst);
        if let Some(known) = inner.known_alive() {
            if now.saturating_sub(inner.last_synced.load(Ordering::SeqCst)) >= inner.sync_secs() {
                // Back after a pause: record it before another client's idle check reads the old
                // time and stops the server under us.
                if let Err(e) = inner.sync_last_used(known.pid).await {
                    tracing::warn!("cannot record managed-server use: {e}");
                }
            }
            return Ok(known.url);
        }

        let _gate = inner.gate.lock().await;
        if let Some(known) = inner.known_alive() {
            return Ok(known.url);
        }
        inner.set_known(None);
        let located = locate(&inner.settings)?;
        let known = {
            let _lock = StateLock::acquire(&inner.paths.lock).await?;
            match state::read(&inner.paths.state)? {
                Some(s) if pid::is_alive(s.pid) && pid::runs_binary(s.pid, &s.binary) => {
                    inner.attach_or_replace(s, &located, progress).await?
                }
                previous => inner.start(previous, &located, progress).await?,
            }
        };
        inner.set_known(Some(known.clone()));
        // Loading a model can take longer than the idle timeout: idle time starts now.
        inner.last_used.fetch_max(unix_now(), Ordering::SeqCst);
        inner.spawn_idle_task();
        Ok(known.url)
    }

    /// Records a completion request without checking the server: enough to keep the idle timer
    /// from stopping a server that is in use. [`ManagedServer::ensure_running`] does it too.
    pub fn mark_used(&self) {
        let now = unix_now();
        self.inner.last_used.fetch_max(now, Ordering::SeqCst);
        let due = now.saturating_sub(self.inner.last_synced.load(Ordering::SeqCst))
            >= self.inner.sync_secs();
        let known = self.inner.known.lock().ok().and_then(|k| k.clone());
        if let (true, Some(known), Ok(runtime)) =
            (due, known, tokio::runtime::Handle::try_current())
        {
            // Claimed before the write so a burst of calls spawns one write, not many.
            self.inner.last_synced.store(now, Ordering::SeqCst);
            let inner = self.inner.clone();
            runtime.spawn(async move {
                if let Err(e) = inner.sync_last_used(known.pid).await {
                    tracing::warn!("cannot record managed-server use: {e}");
                }
            });
        }
    }

    /// Marks a request in flight until the guard is dropped: the idle check never stops the
    /// server under a request, however long it runs, and idle time counts from its end.
    pub fn in_use(&self) -> super::InUse {
        super::InUse::new(self.inner.clone())
    }

    /// The run state as recorded on disk (which server runs, who uses it), for `tandem doctor`.
    pub fn status(&self) -> Result<Option<ServerState>, ManagedError> {
        state::read(&self.inner.paths.state)
    }

    /// The llama-server log file.
    pub fn log_path(&self) -> &Path {
        &self.inner.paths.log
    }

    /// The settings this handle runs with.
    pub fn settings(&self) -> &ManagedSettings {
        &self.inner.settings
    }

    /// Unregisters this client; if no other live client remains, stops the server. Call it on
    /// shutdown (it also runs when the last clone is dropped). A later `ensure_running` works.
    pub fn release(&self) {
        self.inner.release();
    }
}

impl Inner {
    pub(super) fn known_alive(&self) -> Option<Known> {
        let known = self.known.lock().ok()?.clone()?;
        pid::is_alive(known.pid).then_some(known)
    }

    pub(super) fn set_known(&self, known: Option<Known>) {
        if let Ok(mut slot) = self.known.lock() {
            *slot = known;
        }
    }

    /// Joins the recorded server, or replaces it when it serves another model nobody else uses or
    /// never becomes healthy.
    async fn attach_or_replace(
        &self,
        mut current: ServerState,
        located: &Located,
        progress: &(dyn Fn(ProgressEvent) + Send + Sync),
    ) -> Result<Known, ManagedError> {
        current.prune_clients(pid::is_alive);
        if current.model != located.model {
            if current.clients.iter().any(|c| c.id != self.client_id) {
                return Err(ManagedError::ModelConflict {
                    pid: current.pid,
                    running: current.model,
                    wanted: located.model.clone(),
                });
            }
            pid::stop(current.pid, &current.binary).await;
            return self.start(Some(current), located, progress).await;
        }
        // Usually ready at once; a server whose starter was cancelled mid-load is still loading.
        let url = current.url();
        let server_pid = current.pid;
        let mut exited = || (!pid::is_alive(server_pid)).then(|| "process gone".to_string());
        match wait_ready(
            &self.http,
            &url,
            START_TIMEOUT,
            &self.paths.log,
            &mut exited,
            progress,
        )
        .await
        {
            Ok(_) => {
                current.touch(&self.client_id, self.own_pid, self.used());
                state::write(&self.paths.state, &current)?;
                self.last_synced.store(self.used(), Ordering::SeqCst);
                Ok(Known {
                    url,
                    pid: server_pid,
                })
            }
            Err(e) => {
                tracing::warn!("replacing unresponsive llama-server (pid {server_pid}): {e}");
                pid::stop(server_pid, &current.binary).await;
                self.start(Some(current), located, progress).await
            }
        }
    }

    /// Spawns a new server, keeping the live clients of the previous one registered.
    async fn start(
        &self,
        previous: Option<ServerState>,
        located: &Located,
        progress: &(dyn Fn(ProgressEvent) + Send + Sync),
    ) -> Result<Known, ManagedError> {
        let mut clients = previous.map(|s| s.clients).unwrap_or_default();
        clients.retain(|c| pid::is_alive(c.pid));
        let port = match self.settings.port {
            0 => process::free_port()?,
            fixed => fixed,
        };
        let args = process::server_args(
            &located.model,
            port,
            self.settings.ctx_size,
            self.settings.effective_threads(),
        );
        let mut spawned = process::spawn(&located.binary, &args, &self.paths.log)?;
        tracing::info!(
            "started llama-server (pid {}) on port {port} with {}",
            spawned.pid,
            located.model.display()
        );
        progress(ProgressEvent::Starting {
            binary: located.binary.clone(),
            model: located.model.clone(),
            port,
        });
        let mut recorded = ServerState {
            pid: spawned.pid,
            port,
            model: located.model.clone(),
            binary: located.binary.clone(),
            started_at: unix_now(),
            clients,
        };
        recorded.touch(&self.client_id, self.own_pid, self.used());
        let url = recorded.url();
        // Recorded before the wait so that, if this future is dropped mid-load, the next caller
        // attaches to the loading server instead of spawning another.
        let waited = match state::write(&self.paths.state, &recorded) {
            Ok(()) => {
                let mut exited = || spawned.exited.try_recv().ok();
                wait_ready(
                    &self.http,
                    &url,
                    START_TIMEOUT,
                    &self.paths.log,
                    &mut exited,
                    progress,
                )
                .await
            }
            Err(e) => Err(e),
        };
        if let Err(e) = waited {
            pid::stop(recorded.pid, &recorded.binary).await;
            if let Err(remove) = state::remove(&self.paths.state) {
                tracing::warn!("{remove}");
            }
            return Err(e);
        }
        self.last_synced.store(self.used(), Ordering::SeqCst);
        Ok(Known {
            url,
            pid: recorded.pid,
        })
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.release();
    }
}

pub(super) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
