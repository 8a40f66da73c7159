//! The engine's view of the workspace: the index, which buffers are open, and recent edits.
//! Everything here is bookkeeping that context gathering reads; nothing blocks a completion.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dashmap::DashMap;
use tokio::sync::watch;

use super::context_step::LastContext;
use super::state::{Engine, ProgressSink};
use crate::context::{Ledger, LineEdit, RecentEdits};
use crate::documents::{CharEdit, DocumentSnapshot};
use crate::index::{IndexProgress, IndexSettings, WorkspaceIndex};

/// How long an edited buffer waits before it is re-parsed into the index: typing re-parses at
/// most this often, and a completion never waits for it.
const REINDEX_DELAY: Duration = Duration::from_millis(400);
/// Progress reports during indexing, at most one per this many files.
const PROGRESS_EVERY: usize = 200;

/// One open workspace.
pub struct Workspace {
    pub(super) index: Arc<WorkspaceIndex>,
    ready: watch::Receiver<bool>,
    /// Open buffers in this workspace: uri → path.
    pub(super) open: DashMap<String, PathBuf>,
    /// Buffers edited since they were last parsed into the index.
    dirty: Arc<DashMap<PathBuf, (String, DocumentSnapshot)>>,
    pub(super) recent: Mutex<RecentEdits>,
    /// The context chosen for each document's previous request, so the next one keeps its order.
    pub(super) ledgers: DashMap<String, Ledger>,
    /// The context of each document's last request, reused while the user types on from the
    /// line where it was gathered (see `context_step::same_burst`).
    pub(super) last_context: Arc<DashMap<String, LastContext>>,
    /// Line count of each open buffer after its last edit, to tell removed line breaks.
    line_counts: DashMap<String, usize>,
    edits: std::sync::atomic::AtomicU64,
}

/// A file-system change reported by the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange {
    Created,
    Changed,
    Deleted,
}

impl Workspace {
    fn new(
        root: PathBuf,
        settings: IndexSettings,
        progress: Option<Arc<dyn ProgressSink>>,
    ) -> Self {
        let index = WorkspaceIndex::new(root, settings);
        let (done, ready) = watch::channel(false);
        let building = index.clone();
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            if let Some(sink) = &progress {
                sink.begin("indexing the workspace");
            }
            let report = |p: IndexProgress| {
                if let Some(sink) = &progress {
                    if p.done.is_multiple_of(PROGRESS_EVERY) || p.done == p.total {
                        sink.report(&format!("{}/{} files", p.done, p.total));
                    }
                }
            };
            building.build(&report);
            let message = format!(
                "indexed {} files in {:.1} s",
                building.len(),
                started.elapsed().as_secs_f64()
            );
            tracing::info!("{message}: {}", building.root().display());
            if let Some(sink) = &progress {
                sink.end(&message);
            }
            let _ = done.send(true);
        });
        let dirty: Arc<DashMap<PathBuf, (String, DocumentSnapshot)>> = Arc::default();
        spawn_reindexer(Arc::downgrade(&dirty), index.clone());
        Self {
            index,
            ready,
            open: DashMap::new(),
            dirty,
            recent: Mutex::new(RecentEdits::default()),
            ledgers: DashMap::new(),
            last_context: Arc::default(),
            line_counts: DashMap::new(),
            edits: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The workspace-relative name of `path`, as prompts and context use it.
    pub(super) fn relative(&self, path: &Path) -> String {
        path.strip_prefix(self.index.root())
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }
}

/// Re-parses edited buffers into the index in the background, until the workspace is dropped.
fn spawn_reindexer(
    dirty: std::sync::Weak<DashMap<PathBuf, (String, DocumentSnapshot)>>,
    index: Arc<WorkspaceIndex>,
) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(REINDEX_DELAY).await;
            let Some(dirty) = dirty.upgrade() else { return };
            let batch: Vec<(PathBuf, (String, DocumentSnapshot))> = dirty
                .iter()
                .map(|e| (e.key().clone(), e.value().clone()))
                .collect();
            if batch.is_empty() {
                continue;
            }
            for (path, (_, snapshot)) in &batch {
                // Only drop the entry if no newer edit replaced it meanwhile.
                dirty.remove_if(path, |_, (_, s)| s.version == snapshot.version);
            }
            drop(dirty);
            let index = index.clone();
            let _ = tokio::task::spawn_blocking(move || {
                for (path, (language, snapshot)) in batch {
                    index.set_buffer(&path, &language, &snapshot.text.to_string());
                }
            })
            .await;
        }
    });
}

impl Engine {
    /// Opens `root` as the workspace and indexes it in the background. Reopening the same root
    /// keeps the existing index.
    pub fn open_workspace(&self, root: PathBuf) {
        let _ = self.open_workspace_with(root, None);
    }

    /// [`Engine::open_workspace`], reporting indexing progress to `progress`. Returns whether
    /// it opened a workspace (false when `root` is already the open one).
    pub fn open_workspace_with(
        &self,
        root: PathBuf,
        progress: Option<Arc<dyn ProgressSink>>,
    ) -> bool {
        let Ok(mut slot) = self.workspace.write() else {
            return false;
        };
        if slot.as_ref().is_some_and(|w| w.index.root() == root) {
            return false;
        }
        let config = self.config();
        let settings = IndexSettings {
            max_files: config.context.max_files,
            max_file_bytes: config.context.max_file_bytes,
        };
        *slot = Some(Arc::new(Workspace::new(root, settings, progress)));
        true
    }

    /// The open workspace, if any.
    pub(super) fn workspace(&self) -> Option<Arc<Workspace>> {
        self.workspace.read().ok().and_then(|w| w.clone())
    }

    /// Waits until the workspace's first indexing pass is done (returns at once without one).
    pub async fn workspace_ready(&self) {
        let Some(workspace) = self.workspace() else {
            return;
        };
        let mut ready = workspace.ready.clone();
        let _ = ready.wait_for(|done| *done).await;
    }

    /// An opened buffer: its text overrides the file on disk for context from now on.
    pub fn buffer_opened(&self, snapshot: &DocumentSnapshot) {
        let (Some(workspace), Some(path)) = (self.workspace(), snapshot.path.as_ref()) else {
            return;
        };
        if !path.starts_with(workspace.index.root()) {
            return;
        }
        workspace
            .open
            .insert(snapshot.uri.clone(), path.to_path_buf());
        workspace
            .index
            .set_buffer(path, &snapshot.language_id, &snapshot.text.to_string());
    }

    /// An edited buffer: remembers where the edits were and re-indexes it soon.
    pub fn buffer_changed(&self, snapshot: &DocumentSnapshot, edits: &[CharEdit]) {
        let (Some(workspace), Some(path)) = (self.workspace(), snapshot.path.as_ref()) else {
            return;
        };
        if !workspace.open.contains_key(&snapshot.uri) {
            return;
        }
        let tick = workspace
            .edits
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = workspace.relative(path);
        let lines_now = snapshot.text.len_lines();
        let lines_before = workspace
            .line_counts
            .insert(snapshot.uri.clone(), lines_now)
            .unwrap_or(lines_now);
        if let Ok(mut recent) = workspace.recent.lock() {
            for edit in edits {
                let text = &snapshot.text;
                let start = edit.start.min(text.len_chars());
                let end = (edit.start + edit.inserted).min(text.len_chars());
                let inserted_breaks = text
                    .slice(start..end)
                    .chars()
                    .filter(|&c| c == '\n')
                    .count();
                // Removed line breaks are gone from the text; with one edit the line count
                // difference gives them, with several (multi-cursor) they are not tracked.
                let removed_breaks = if edits.len() == 1 {
                    (lines_before + inserted_breaks).saturating_sub(lines_now)
                } else {
                    0
                };
                recent.record_edit(
                    &LineEdit {
                        path: &name,
                        line: text.char_to_line(start),
                        removed_breaks,
                        inserted_breaks,
                    },
                    tick,
                );
            }
        }
        workspace.dirty.insert(
            path.to_path_buf(),
            (snapshot.language_id.clone(), snapshot.clone()),
        );
    }

    /// A closed buffer: the file on disk is the truth again.
    pub fn buffer_closed(&self, uri: &str) {
        self.forget_document(uri);
        let Some(workspace) = self.workspace() else {
            return;
        };
        workspace.ledgers.remove(uri);
        workspace.last_context.remove(uri);
        workspace.line_counts.remove(uri);
        if let Some((_, path)) = workspace.open.remove(uri) {
            workspace.dirty.remove(&path);
            workspace.index.buffer_closed(&path);
        }
    }

    /// Files created, changed or deleted outside the editor (or saved by it).
    pub fn files_changed(&self, changes: &[(PathBuf, FileChange)]) {
        let Some(workspace) = self.workspace() else {
            return;
        };
        let changes: Vec<(PathBuf, FileChange)> = changes
            .iter()
            .filter(|(path, _)| path.starts_with(workspace.index.root()))
            .cloned()
            .collect();
        if changes.is_empty() {
            return;
        }
        // Re-reading and parsing files is blocking work; a branch switch can touch thousands.
        // Context chosen before the change may name code that is gone: the next request
        // gathers anew, also after the refresh, since one may start while it runs.
        workspace.last_context.clear();
        // Chunks kept from earlier prompts must not show a changed file's old text.
        let changed: std::collections::HashSet<String> = changes
            .iter()
            .map(|(path, _)| workspace.relative(path))
            .collect();
        for mut ledger in workspace.ledgers.iter_mut() {
            ledger.forget_paths(&changed);
        }
        let index = workspace.index.clone();
        let last_context = workspace.last_context.clone();
        tokio::task::spawn_blocking(move || {
            for (path, change) in changes {
                match change {
                    FileChange::Created | FileChange::Changed => index.refresh_from_disk(&path),
                    FileChange::Deleted => index.remove(&path),
                }
            }
            last_context.clear();
        });
    }
}
