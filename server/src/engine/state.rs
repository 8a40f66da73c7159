//! The engine's state: configuration, the active backend, and per-document bookkeeping.

use std::sync::{Arc, RwLock};

use dashmap::DashMap;
use globset::GlobSet;
use tandem_clients::BackendError;

use super::active::ActiveBackend;
use super::cache::ResultCache;
use super::health::{Health, HealthReport};
use super::inflight::InFlight;
use super::prefilter::compile_ignore;
use super::type_through::Shown;
use crate::config::{BackendChoice, Config};
use crate::managed::{ManagedError, ManagedServer, ManagedSettings, ProgressEvent};

/// Where the engine reports long start-ups (the LSP layer maps it to `$/progress`).
pub trait ProgressSink: Send + Sync {
    fn begin(&self, title: &str);
    fn report(&self, message: &str);
    fn end(&self, message: &str);
}

/// Why a completion produced no answer.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{error}")]
    Backend {
        error: BackendError,
        /// Set the first time the backend fails, so the user is told once.
        report: Option<HealthReport>,
    },
    #[error("the managed llama-server is not available: {0}")]
    Managed(#[from] ManagedError),
    #[error("the request was cancelled")]
    Cancelled,
    #[error("internal error: {0}")]
    Internal(String),
}

/// The completion engine. Cheap to share behind an `Arc`.
pub struct Engine {
    pub(super) config: RwLock<Arc<Config>>,
    pub(super) ignore: RwLock<Arc<GlobSet>>,
    pub(super) active: Arc<tokio::sync::Mutex<Option<Arc<ActiveBackend>>>>,
    pub(super) managed: Arc<tokio::sync::Mutex<Option<Arc<ManagedServer>>>>,
    pub(super) progress: RwLock<Option<Arc<dyn ProgressSink>>>,
    pub(super) inflight: InFlight,
    pub(super) shown: DashMap<String, Shown>,
    pub(super) cache: ResultCache,
    pub(super) health: Health,
    pub(super) workspace: RwLock<Option<Arc<super::workspace::Workspace>>>,
    /// When each document last asked the model, to tell typing from a fresh start.
    pub(super) last_request: DashMap<String, std::time::Instant>,
    /// Backend start-ups in flight (see [`Engine::active_backend`]). A shutdown aborts them: a
    /// model still loading holds the backend slot and the managed server's state lock, and
    /// would otherwise keep the shutdown waiting until it loads and then keep running.
    pub(super) starts: std::sync::Mutex<Vec<tokio::task::AbortHandle>>,
}

impl Engine {
    /// An engine for `config`; nothing is started until the first completion or [`Engine::warm_up`].
    pub fn new(config: Config) -> Self {
        Self {
            ignore: RwLock::new(Arc::new(compile_ignore(&config.completion.ignore))),
            config: RwLock::new(Arc::new(config)),
            active: Arc::default(),
            managed: Arc::default(),
            progress: RwLock::new(None),
            inflight: InFlight::default(),
            shown: DashMap::new(),
            cache: ResultCache::new(256),
            health: Health::default(),
            workspace: RwLock::new(None),
            last_request: DashMap::new(),
            starts: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> Arc<Config> {
        self.config
            .read()
            .map(|c| c.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    /// Where start-up progress goes.
    pub fn set_progress(&self, sink: Arc<dyn ProgressSink>) {
        if let Ok(mut slot) = self.progress.write() {
            *slot = Some(sink);
        }
    }

    /// Applies a new configuration without a restart. The backend is reconnected lazily.
    pub async fn set_config(&self, config: Config) {
        let old = self.config();
        if *old == config {
            return;
        }
        if let Ok(mut ignore) = self.ignore.write() {
            *ignore = Arc::new(compile_ignore(&config.completion.ignore));
        }
        let backend_changed = old.backend != config.backend
            || old.managed != config.managed
            || old.prompt != config.prompt;
        if let Ok(mut slot) = self.config.write() {
            *slot = Arc::new(config);
        }
        self.cache.clear();
        if backend_changed {
            // The old backend may still be loading; its server is not the one wanted now.
            self.abort_starts();
            *self.active.lock().await = None;
            *self.managed.lock().await = None;
        }
    }

    /// Forgets remembered suggestions (type-through and the result cache), so the next request
    /// asks the model.
    pub fn clear_caches(&self) {
        self.cache.clear();
        self.shown.clear();
    }

    /// Forgets per-document state when a document closes.
    pub fn forget_document(&self, uri: &str) {
        self.inflight.cancel(uri);
        self.shown.remove(uri);
        self.last_request.remove(uri);
    }

    /// Notes that `uri` asks the model at `now`; says whether its previous request came less
    /// than a typing burst's gap before, i.e. whether the user is typing.
    pub(super) fn note_request(&self, uri: &str, now: std::time::Instant) -> bool {
        self.last_request
            .insert(uri.to_string(), now)
            .is_some_and(|last| {
                now.saturating_duration_since(last) <= super::context_step::BURST_GAP
            })
    }

    /// Starts the backend (the managed llama-server) ahead of the first keystroke.
    pub async fn warm_up(&self) -> Result<(), EngineError> {
        self.active_backend().await.map(|_| ())
    }

    /// The connected backend, connecting (and starting the managed server) when needed. The work
    /// runs in its own task, so a cancelled request does not abort a server start half-way.
    pub async fn active_backend(&self) -> Result<Arc<ActiveBackend>, EngineError> {
        let config = self.config();
        let managed = self.managed.clone();
        let slot = self.active.clone();
        let progress = self.progress.read().ok().and_then(|p| p.clone());
        let task = tokio::spawn(async move {
            let mut guard = slot.lock_owned().await;
            let url = match config.backend.kind {
                // Asked on every request: cheap while the server is up, and it is how the shared
                // server learns this editor is still active and notices a crash.
                BackendChoice::Managed => {
                    let server = managed_server(&managed, &config).await;
                    ensure_managed(&server, progress.as_deref()).await?
                }
                _ => config.backend.url.clone(),
            };
            if let Some(active) = guard.as_ref().filter(|a| a.url == url) {
                return Ok(active.clone());
            }
            let active = ActiveBackend::connect(&config, url)
                .await
                .map_err(|error| EngineError::Backend {
                    error,
                    report: None,
                })?;
            let active = Arc::new(active);
            *guard = Some(active.clone());
            Ok(active)
        });
        if let Ok(mut starts) = self.starts.lock() {
            starts.retain(|start| !start.is_finished());
            starts.push(task.abort_handle());
        }
        match task.await {
            Ok(result) => result,
            Err(join) if join.is_cancelled() => Err(EngineError::Cancelled),
            Err(join) => Err(EngineError::Internal(format!(
                "backend start-up task failed: {join}"
            ))),
        }
    }

    /// Marks a model request in flight on the managed server (nothing for other backends), so
    /// that its idle stop waits for the request, however long it runs.
    pub(super) async fn hold_managed(&self) -> Option<crate::managed::InUse> {
        self.managed
            .lock()
            .await
            .as_ref()
            .map(|server| server.in_use())
    }

    /// Lets go of the managed server: it stops unless another editor still uses it.
    pub async fn shutdown(&self) {
        self.abort_starts();
        // Waits for an aborted start-up to let go of the slot (and of the state lock), so that
        // the release below can unregister and stop a server that was still loading.
        *self.active.lock().await = None;
        if let Some(server) = self.managed.lock().await.take() {
            server.release();
        }
    }

    /// Aborts the backend start-ups in flight; their callers get [`EngineError::Cancelled`].
    fn abort_starts(&self) {
        if let Ok(mut starts) = self.starts.lock() {
            for start in starts.drain(..) {
                start.abort();
            }
        }
    }

    /// Uses `backend` for the configured (non-managed) URL instead of building one from config.
    pub async fn use_backend(
        &self,
        backend: Arc<dyn tandem_clients::Backend>,
    ) -> Result<(), EngineError> {
        let config = self.config();
        let active = ActiveBackend::with_backend(&config, config.backend.url.clone(), backend)
            .await
            .map_err(|error| EngineError::Backend {
                error,
                report: None,
            })?;
        *self.active.lock().await = Some(Arc::new(active));
        Ok(())
    }

    /// Drops the connected backend so the next request reconnects (and restarts a crashed
    /// managed server).
    pub(super) async fn invalidate_backend(&self) {
        *self.active.lock().await = None;
    }
}

/// Runs the managed server, reporting a start through `progress`.
async fn ensure_managed(
    server: &ManagedServer,
    progress: Option<&dyn ProgressSink>,
) -> Result<String, ManagedError> {
    let started = std::sync::atomic::AtomicBool::new(false);
    let report = |event: ProgressEvent| {
        let Some(sink) = progress else { return };
        let message = event.message();
        match event {
            ProgressEvent::Starting { .. } => {
                started.store(true, std::sync::atomic::Ordering::Relaxed);
                sink.begin("starting the local model");
                sink.report(&message);
            }
            ProgressEvent::Loading { .. } => sink.report(&message),
            ProgressEvent::Ready { .. } => sink.end(&message),
        }
    };
    let result = server.ensure_running_with(&report).await;
    if let (Err(error), Some(sink)) = (&result, progress) {
        if started.load(std::sync::atomic::Ordering::Relaxed) {
            sink.end(&format!("failed: {error}"));
        }
    }
    result
}

async fn managed_server(
    slot: &tokio::sync::Mutex<Option<Arc<ManagedServer>>>,
    config: &Config,
) -> Arc<ManagedServer> {
    let mut slot = slot.lock().await;
    if let Some(server) = slot.as_ref() {
        return server.clone();
    }
    let server = Arc::new(ManagedServer::new(managed_settings(config)));
    *slot = Some(server.clone());
    server
}

/// The managed module's view of the `[managed]` settings.
pub fn managed_settings(config: &Config) -> ManagedSettings {
    let section = &config.managed;
    let path = section.llama_server.trim();
    ManagedSettings {
        llama_server: (!path.is_empty()).then(|| path.into()),
        model: section.model.clone(),
        ctx_size: section.ctx_size,
        threads: section.threads,
        idle_timeout_secs: section.idle_timeout_secs,
        port: section.port,
        ..ManagedSettings::default()
    }
}
