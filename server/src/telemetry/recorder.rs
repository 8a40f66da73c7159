//! [`Telemetry`]: the handle the LSP layer calls. Every method returns at once: the tracker
//! runs under a short lock, rows go to the writer thread over a channel, and a timer thread fires
//! timeouts and retention checkpoints. Nothing here panics or blocks on disk.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ropey::Rope;

use super::location::database_path;
use super::never_store::NeverStore;
use super::offer::Offer;
use super::rejection;
use super::retention::Schedule;
use super::tracker::{Policy, Tracker};
use super::write::Write;
use super::writer::Writer;
use crate::config::TelemetrySection;
use crate::documents::{CharEdit, DocumentStore};

/// Test-only override of the retention checkpoint delays: up to four increasing millisecond
/// values replacing 30 s, 2 min, 5 min and 10 min in order (e.g. `"100,200"`).
pub const CHECKPOINTS_ENV: &str = "TANDEM_TELEMETRY_CHECKPOINTS_MS";
/// Test-only override of the 30 s implicit-rejection timeout, in milliseconds.
pub const TIMEOUT_ENV: &str = "TANDEM_TELEMETRY_TIMEOUT_MS";

/// How long `shutdown` waits for the last rows to be committed.
const SHUTDOWN_FLUSH: Duration = Duration::from_secs(3);
/// The timer sleeps at most this long, so a clock change is noticed.
const MAX_SLEEP: Duration = Duration::from_secs(30);

/// Records suggestions and what happens to them. Cheap to clone; [`Telemetry::disabled`] and a
/// configuration with `enabled = false` make every method a no-op.
#[derive(Clone, Default)]
pub struct Telemetry {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    documents: Arc<DocumentStore>,
    state: Mutex<Active>,
    wake: Sender<()>,
    session: String,
}

struct Active {
    section: TelemetrySection,
    tracker: Tracker,
    writer: Option<Writer>,
}

impl Telemetry {
    /// A handle that records nothing.
    pub fn disabled() -> Self {
        Self::default()
    }

    /// Telemetry for one editor session in `workspace`, reading document text from `documents`.
    /// Opens the database in the background; if that fails, one warning is logged and
    /// telemetry stays off.
    pub fn new(
        section: &TelemetrySection,
        workspace: Option<PathBuf>,
        documents: Arc<DocumentStore>,
    ) -> Self {
        let session = session_id();
        let writer = start_writer(section, &session);
        let (wake, wakes) = mpsc::channel();
        let inner = Arc::new(Inner {
            documents,
            state: Mutex::new(Active {
                section: section.clone(),
                tracker: Tracker::new(policy(section), workspace),
                writer,
            }),
            wake,
            session,
        });
        let weak = Arc::downgrade(&inner);
        let spawned = std::thread::Builder::new()
            .name("tandem-telemetry-timer".into())
            .spawn(move || run_timer(weak, wakes));
        if let Err(error) = spawned {
            tracing::warn!("telemetry: no timer thread ({error}); timeouts and retention checkpoints will not be recorded");
        }
        Self { inner: Some(inner) }
    }

    /// This process's session tag (`<pid>-<start unix ms>`), `None` when disabled.
    pub fn session(&self) -> Option<&str> {
        self.inner.as_ref().map(|i| i.session.as_str())
    }

    /// Whether events are being recorded (enabled and the database opened).
    pub fn is_recording(&self) -> bool {
        self.with_writer(|w| !w.is_failed()).unwrap_or(false)
    }

    /// The database file in use, if recording is on.
    pub fn database_path(&self) -> Option<PathBuf> {
        self.with_writer(|w| w.path().clone())
    }

    /// The engine answered a completion request (call it for every answer, empty ones too).
    pub fn offered(&self, offer: &Offer) {
        self.record(true, |tracker, now| tracker.offered(offer, now));
    }

    /// The client showed a suggestion (`textDocument/didShowCompletion`).
    pub fn shown(&self, id: &str) {
        self.record(true, |tracker, now| tracker.shown(id, now));
    }

    /// The client ran `tandem.accept` for a suggestion: the editor has inserted it.
    pub fn accepted(&self, id: &str) {
        let Some(documents) = self.documents() else {
            return;
        };
        self.record(true, |tracker, now| {
            let doc = tracker.uri_of(id).and_then(|uri| text_of(&documents, &uri));
            tracker.accepted(id, now, doc.as_ref())
        });
    }

    /// The client accepted the first `accepted_len_utf16` UTF-16 units of a suggestion
    /// (`textDocument/didPartiallyAcceptCompletion`).
    pub fn partially_accepted(&self, id: &str, accepted_len_utf16: usize) {
        let Some(documents) = self.documents() else {
            return;
        };
        self.record(true, |tracker, now| {
            let doc = tracker.uri_of(id).and_then(|uri| text_of(&documents, &uri));
            tracker.partially_accepted(id, accepted_len_utf16, now, doc.as_ref())
        });
    }

    /// The user dismissed a suggestion (`tandem.reject`).
    pub fn rejected(&self, id: &str) {
        self.record(false, |tracker, now| tracker.rejected(id, now));
    }

    /// `didChange` applied `edits` (as returned by `DocumentStore::change`) to `uri`.
    pub fn document_changed(&self, uri: &str, edits: &[CharEdit]) {
        if edits.is_empty() {
            return;
        }
        let Some(doc) = self.documents().and_then(|d| text_of(&d, uri)) else {
            return;
        };
        self.record(true, |tracker, now| {
            tracker.document_changed(uri, edits, &doc, now)
        });
    }

    /// `didClose` for `uri`. Call it BEFORE the document store forgets the document: the
    /// `close` retention checkpoint reads its last text.
    pub fn document_closed(&self, uri: &str) {
        let doc = self.documents().and_then(|d| text_of(&d, uri));
        self.record(false, |tracker, now| {
            tracker.document_closed(uri, doc.as_ref(), now)
        });
    }

    /// The `[telemetry]` configuration changed: may turn recording on or off or move the file.
    pub fn set_config(&self, section: &TelemetrySection) {
        let Some(inner) = &self.inner else {
            return;
        };
        let Ok(mut active) = inner.state.lock() else {
            return;
        };
        if active.section == *section {
            return;
        }
        let restart = active.section.enabled != section.enabled
            || active.section.path != section.path
            || active.writer.as_ref().is_some_and(Writer::is_failed);
        active.tracker.set_policy(policy(section));
        if !section.enabled {
            // Nothing recorded while off may surface later as a stale timeout.
            active.tracker.clear();
        }
        if restart {
            active.writer = start_writer(section, &inner.session);
        }
        active.section = section.clone();
        drop(active);
        let _ = inner.wake.send(());
    }

    /// Waits up to `limit` until every event so far is committed; false if not recording or
    /// the database did not answer in time.
    pub fn flush(&self, limit: Duration) -> bool {
        match self.with_writer(Clone::clone) {
            Some(writer) => writer.flush(limit),
            None => false,
        }
    }

    /// The session ends: records `close` checkpoints for followed ranges, closes pending
    /// suggestions and commits everything (waiting at most a few seconds).
    pub async fn shutdown(&self) {
        let this = self.clone();
        let done = tokio::task::spawn_blocking(move || this.finish_blocking(SHUTDOWN_FLUSH));
        if let Err(error) = done.await {
            tracing::warn!("telemetry: the final flush failed: {error}");
        }
    }

    /// [`Telemetry::shutdown`] for callers without an async runtime.
    pub fn finish_blocking(&self, limit: Duration) -> bool {
        let Some(documents) = self.documents() else {
            return false;
        };
        self.record(false, |tracker, now| {
            tracker.finish_all(now, &|uri| text_of(&documents, uri))
        });
        self.flush(limit)
    }

    fn documents(&self) -> Option<Arc<DocumentStore>> {
        self.inner.as_ref().map(|i| i.documents.clone())
    }

    fn with_writer<T>(&self, f: impl FnOnce(&Writer) -> T) -> Option<T> {
        let inner = self.inner.as_ref()?;
        let active = inner.state.lock().ok()?;
        active.writer.as_ref().map(f)
    }

    /// Runs `step` on the tracker and queues its rows, when recording.
    fn record(&self, wake: bool, step: impl FnOnce(&mut Tracker, u64) -> Vec<Write>) {
        let Some(inner) = &self.inner else {
            return;
        };
        let Ok(mut active) = inner.state.lock() else {
            return;
        };
        let Active {
            tracker, writer, ..
        } = &mut *active;
        let Some(writer) = writer.as_ref().filter(|w| !w.is_failed()) else {
            return;
        };
        let rows = step(tracker, now_ms());
        let woke = wake || !rows.is_empty();
        writer.send(rows);
        drop(active);
        if woke {
            let _ = inner.wake.send(());
        }
    }

    /// Fires what is due and says how long to sleep.
    fn tick(inner: &Inner) -> Duration {
        let Ok(mut active) = inner.state.lock() else {
            return MAX_SLEEP;
        };
        let Active {
            tracker, writer, ..
        } = &mut *active;
        let Some(writer) = writer.as_ref().filter(|w| !w.is_failed()) else {
            return MAX_SLEEP;
        };
        let now = now_ms();
        let rows = tracker.tick(now, &|uri| text_of(&inner.documents, uri));
        writer.send(rows);
        match tracker.next_due() {
            Some(due) => Duration::from_millis(due.saturating_sub(now)).min(MAX_SLEEP),
            None => MAX_SLEEP,
        }
    }
}

fn run_timer(inner: Weak<Inner>, wakes: Receiver<()>) {
    loop {
        let sleep = match inner.upgrade() {
            Some(inner) => Telemetry::tick(&inner),
            None => return,
        };
        match wakes.recv_timeout(sleep) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

fn text_of(documents: &DocumentStore, uri: &str) -> Option<Rope> {
    documents.snapshot(uri).map(|s| s.text)
}

fn start_writer(section: &TelemetrySection, session: &str) -> Option<Writer> {
    if !section.enabled {
        return None;
    }
    match database_path(section) {
        Ok(path) => Some(Writer::start(path, session.to_string())),
        Err(error) => {
            tracing::warn!("telemetry is off: {error}");
            None
        }
    }
}

fn policy(section: &TelemetrySection) -> Policy {
    let (never_store, problems) = NeverStore::new(&section.never_store);
    for problem in problems {
        tracing::warn!("{problem}");
    }
    let schedule = match std::env::var(CHECKPOINTS_ENV) {
        Ok(spec) if !spec.trim().is_empty() => {
            Schedule::from_millis_list(&spec).unwrap_or_else(|error| {
                tracing::warn!("{error}");
                Schedule::standard()
            })
        }
        _ => Schedule::standard(),
    };
    let timeout = std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or(rejection::TIMEOUT);
    Policy {
        store_code: section.store_code,
        never_store,
        timeout,
        schedule,
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// `<pid>-<unix ms when telemetry first started in this process>`.
fn session_id() -> String {
    static STARTED: OnceLock<u64> = OnceLock::new();
    let started = *STARTED.get_or_init(now_ms);
    format!("{}-{started}", std::process::id())
}

#[cfg(test)]
#[path = "recorder_tests.rs"]
mod tests;
