//! `WorkspaceIndex`: every indexed file of one workspace, filled by a background build and kept
//! current by buffer and file-system events, readable at any moment.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};

use dashmap::DashMap;

use super::exclusion::is_excluded;
use super::file::{read_text, IndexedFile};
use super::related::related_files;
use super::symbols::{DefinitionSite, ImportedName};
use super::tables::Tables;
use super::walk::{walk, WalkedFile};
use super::{IndexProgress, IndexSettings};
use crate::syntax::{language_for, Language};

/// The index of one workspace. Send + Sync; lookups never wait for a build.
pub struct WorkspaceIndex {
    root: PathBuf,
    settings: IndexSettings,
    tables: Tables,
    /// Open buffers: path → ticket of the latest `set_buffer`. Their text beats the disk's.
    buffers: DashMap<PathBuf, u64>,
    /// Path → ticket of the last change applied to it, so a slow read never undoes a newer one.
    applied: DashMap<PathBuf, u64>,
    tickets: AtomicU64,
    /// Serialises changes to the tables (one file at a time, never a whole build).
    writer: Mutex<()>,
    /// One build at a time.
    building: Mutex<()>,
    ready: AtomicBool,
    cancelled: AtomicBool,
}

/// What a build worker found for one walked file.
enum Loaded {
    Parsed(u64, Arc<IndexedFile>),
    Unchanged,
    Gone(u64, PathBuf),
}

fn lock(mutex: &Mutex<()>) -> MutexGuard<'_, ()> {
    // The guarded data is `()`: a panic elsewhere cannot leave it inconsistent.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `path` made absolute against `root`, with `.` and `..` resolved lexically (no file-system
/// access, so paths of deleted files normalise too).
fn normalize(root: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl WorkspaceIndex {
    /// An empty index of the workspace at `root`; call `build` (blocking) to fill it.
    pub fn new(root: PathBuf, settings: IndexSettings) -> Arc<Self> {
        let root = std::path::absolute(&root).unwrap_or(root);
        let root = normalize(Path::new("/"), &root);
        Arc::new(Self {
            root,
            settings,
            tables: Tables::default(),
            buffers: DashMap::new(),
            applied: DashMap::new(),
            tickets: AtomicU64::new(1),
            writer: Mutex::new(()),
            building: Mutex::new(()),
            ready: AtomicBool::new(false),
            cancelled: AtomicBool::new(false),
        })
    }

    /// The workspace root (absolute).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The limits this index applies.
    pub fn settings(&self) -> IndexSettings {
        self.settings
    }

    /// Walks the workspace and (re)reads every selected file, filling the index file by file so
    /// lookups see partial results at once. Files gone since the last build are dropped; open
    /// buffers are kept as they are. Blocking: run it on a blocking thread. `progress` is called
    /// on this thread at the start, about every percent, and at the end.
    pub fn build(&self, progress: &dyn Fn(IndexProgress)) {
        let _one_build = lock(&self.building);
        self.cancelled.store(false, Ordering::SeqCst);
        let walked = walk(&self.root, &self.settings);
        let total = walked.len();
        progress(IndexProgress { done: 0, total });
        let next = AtomicUsize::new(0);
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8)
            .min(total.max(1));
        let (sender, receiver) = mpsc::sync_channel::<Loaded>(256);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                let sender = sender.clone();
                let (walked, next) = (&walked, &next);
                scope.spawn(move || {
                    while let Some(file) = walked.get(next.fetch_add(1, Ordering::Relaxed)) {
                        if self.cancelled.load(Ordering::Relaxed) {
                            break;
                        }
                        if sender.send(self.load(file)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(sender);
            let step = (total / 100).max(1);
            let mut done = 0;
            for loaded in receiver {
                match loaded {
                    Loaded::Parsed(ticket, file) => {
                        self.apply_disk(ticket, &file.path.clone(), Some(file))
                    }
                    Loaded::Gone(ticket, path) => self.apply_disk(ticket, &path, None),
                    Loaded::Unchanged => {}
                }
                done += 1;
                if done % step == 0 && done < total {
                    progress(IndexProgress { done, total });
                }
            }
        });
        if self.cancelled.load(Ordering::SeqCst) {
            return;
        }
        let walked: HashSet<&Path> = walked.iter().map(|f| f.path.as_path()).collect();
        for path in self.tables.paths() {
            if !walked.contains(path.as_ref()) && !self.buffers.contains_key(path.as_ref()) {
                let ticket = self.ticket();
                self.apply_disk(ticket, &path, None);
            }
        }
        self.ready.store(true, Ordering::SeqCst);
        progress(IndexProgress { done: total, total });
    }

    /// Stops a running build soon (what it indexed so far stays); `is_ready` stays as it was.
    pub fn cancel_build(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// Whether a build has completed.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    /// Indexes an open buffer's text as the file's content; until `buffer_closed`, neither a
    /// build nor `refresh_from_disk` replaces it (the disk may hold something else entirely).
    /// Ignored for languages tandem does not know; a buffer over the size cap is not indexed
    /// (and hides the disk file).
    pub fn set_buffer(&self, path: &Path, language_id: &str, text: &str) {
        let path = normalize(&self.root, path);
        let Some(language) = language_for(language_id, Some(&path)) else {
            return;
        };
        let ticket = self.ticket();
        self.buffers.insert(path.clone(), ticket);
        let current = self.tables.get(&path);
        if current.as_ref().is_some_and(|f| *f.text == *text) {
            let _writer = lock(&self.writer);
            self.applied.insert(path, ticket);
            return;
        }
        let file = (text.len() as u64 <= self.settings.max_file_bytes).then(|| {
            Arc::new(IndexedFile::new(
                &self.root,
                path.clone(),
                language,
                text.into(),
            ))
        });
        let _writer = lock(&self.writer);
        // A newer set_buffer or a buffer_closed got here first.
        if self.buffers.get(&path).map(|t| *t) != Some(ticket) {
            return;
        }
        self.applied.insert(path.clone(), ticket);
        match file {
            Some(file) => self.tables.install(file),
            None => {
                self.tables.uninstall(&path);
            }
        }
    }

    /// The buffer was closed: its file goes back to what the disk holds.
    pub fn buffer_closed(&self, path: &Path) {
        let path = normalize(&self.root, path);
        {
            let _writer = lock(&self.writer);
            if self.buffers.remove(&path).is_none() {
                return;
            }
        }
        self.refresh_from_disk(&path);
    }

    /// Re-reads a file (or every file of a folder) from disk after a save or a watched
    /// creation/change, applying the walk's rules; a path that is gone or no longer qualifies is
    /// dropped. No-op for open buffers.
    pub fn refresh_from_disk(&self, path: &Path) {
        let path = normalize(&self.root, path);
        if path.is_dir() {
            if !is_excluded(&self.root, &path, true) {
                for file in walk(&path, &self.settings) {
                    self.refresh_file(&file.path, Some(file.language));
                }
            }
            return;
        }
        let language =
            language_for("", Some(&path)).filter(|_| !is_excluded(&self.root, &path, false));
        self.refresh_file(&path, language);
    }

    fn refresh_file(&self, path: &Path, language: Option<&'static Language>) {
        if self.buffers.contains_key(path) {
            return;
        }
        let ticket = self.ticket();
        let file = language.and_then(|language| {
            let text = read_text(path, self.settings.max_file_bytes)?;
            Some(Arc::new(IndexedFile::new(
                &self.root,
                path.to_path_buf(),
                language,
                text,
            )))
        });
        // The count cap applies to files that are new to the index, as in the walk.
        if file.is_some()
            && self.tables.get(path).is_none()
            && self.tables.len() >= self.settings.max_files
        {
            return;
        }
        self.apply_disk(ticket, path, file);
    }

    /// Drops a deleted file, or every file under a deleted folder. Open buffers stay.
    pub fn remove(&self, path: &Path) {
        let path = normalize(&self.root, path);
        let doomed: Vec<PathBuf> = if self.tables.get(&path).is_some() {
            vec![path]
        } else {
            self.tables
                .paths()
                .into_iter()
                .filter(|p| p.starts_with(&path))
                .map(|p| p.to_path_buf())
                .collect()
        };
        for path in doomed {
            let ticket = self.ticket();
            self.apply_disk(ticket, &path, None);
        }
    }

    /// Every definition called `name`, by file path then line.
    pub fn definitions_named(&self, name: &str) -> Vec<(Arc<IndexedFile>, DefinitionSite)> {
        let mut found = Vec::new();
        for path in self.tables.defining(name) {
            let Some(file) = self.tables.get(&path) else {
                continue;
            };
            for definition in file.symbols.definitions.iter().filter(|d| d.name == name) {
                found.push((file.clone(), definition.clone()));
            }
        }
        found
    }

    /// Every import statement bringing in `name`, by file path: the file and the statement.
    pub fn imports_of(&self, name: &str) -> Vec<(Arc<IndexedFile>, ImportedName)> {
        self.tables
            .importing_name(name)
            .into_iter()
            .filter_map(|path| {
                let file = self.tables.get(&path)?;
                let site = file
                    .symbols
                    .imported
                    .iter()
                    .find(|i| i.name == name)?
                    .clone();
                Some((file, site))
            })
            .collect()
    }

    /// The indexed file at `path`.
    pub fn file(&self, path: &Path) -> Option<Arc<IndexedFile>> {
        self.tables.get(&normalize(&self.root, path))
    }

    /// Every indexed file (no particular order).
    pub fn files(&self) -> Vec<Arc<IndexedFile>> {
        self.tables.files()
    }

    /// Up to `limit` files related to `path`: the files its imports name, then the other files
    /// of its folder, then the files importing it (see `related::related_files`).
    pub fn related_files(&self, path: &Path, limit: usize) -> Vec<Arc<IndexedFile>> {
        related_files(
            &self.tables,
            &self.root,
            &normalize(&self.root, path),
            limit,
        )
    }

    /// Number of indexed files.
    pub fn len(&self) -> usize {
        self.tables.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn ticket(&self) -> u64 {
        self.tickets.fetch_add(1, Ordering::SeqCst)
    }

    /// Reads and parses one walked file for a build.
    fn load(&self, walked: &WalkedFile) -> Loaded {
        let ticket = self.ticket();
        if self.buffers.contains_key(&walked.path) {
            return Loaded::Unchanged;
        }
        let Some(text) = read_text(&walked.path, self.settings.max_file_bytes) else {
            return Loaded::Gone(ticket, walked.path.clone());
        };
        if let Some(current) = self.tables.get(&walked.path) {
            if current.text == text {
                return Loaded::Unchanged;
            }
        }
        let file = IndexedFile::new(&self.root, walked.path.clone(), walked.language, text);
        Loaded::Parsed(ticket, Arc::new(file))
    }

    /// Applies what the disk holds at `path` (a parsed file, or `None`: gone or no longer
    /// indexed) unless it is an open buffer or a change newer than `ticket` was applied already.
    fn apply_disk(&self, ticket: u64, path: &Path, file: Option<Arc<IndexedFile>>) {
        let _writer = lock(&self.writer);
        if self.buffers.contains_key(path) {
            return;
        }
        if self.applied.get(path).is_some_and(|t| *t > ticket) {
            return;
        }
        self.applied.insert(path.to_path_buf(), ticket);
        match file {
            Some(file) => self.tables.install(file),
            None => {
                self.tables.uninstall(path);
            }
        }
    }
}
