//! Which files of a workspace the index reads: gitignore-aware, hidden and dependency folders
//! skipped, only languages tandem knows, within the size and count caps.

use std::path::{Path, PathBuf};

use ignore::{DirEntry, WalkBuilder};

use super::IndexSettings;
use crate::syntax::{language_for, Language};

/// Folders never indexed, even without an ignore file saying so: dependencies and build output.
pub const SKIPPED_DIRS: &[&str] = &["node_modules", "target", "vendor", "__pycache__"];

/// A file the walk selected.
#[derive(Debug, Clone)]
pub struct WalkedFile {
    /// Absolute path (the workspace root joined with the relative path).
    pub path: PathBuf,
    /// Its language, from the extension.
    pub language: &'static Language,
}

/// The files under `dir` (the workspace root or a folder in it) the index should read, in a
/// stable order (depth first, names sorted), at most `settings.max_files`.
pub fn walk(dir: &Path, settings: &IndexSettings) -> Vec<WalkedFile> {
    let mut files = Vec::new();
    if settings.max_files == 0 {
        return files;
    }
    let walker = WalkBuilder::new(dir)
        .standard_filters(true)
        // The user's global gitignore would make results differ between machines (and `tandem
        // eval` runs); `.gitignore`, `.ignore` and `.git/info/exclude` are respected.
        .git_global(false)
        // Task repositories fetched from registries are not git checkouts but ship .gitignore.
        .require_git(false)
        .follow_links(false)
        .max_filesize(Some(settings.max_file_bytes))
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|entry| !is_skipped_dir(entry))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                tracing::debug!(%error, "index walk skipped an entry");
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        if let Some(language) = language_for("", Some(entry.path())) {
            files.push(WalkedFile {
                path: entry.into_path(),
                language,
            });
            if files.len() >= settings.max_files {
                break;
            }
        }
    }
    files
}

fn is_skipped_dir(entry: &DirEntry) -> bool {
    entry.depth() > 0
        && entry.file_type().is_some_and(|t| t.is_dir())
        && entry
            .file_name()
            .to_str()
            .is_some_and(|name| SKIPPED_DIRS.contains(&name))
}
