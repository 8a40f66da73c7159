//! The workspace index: definitions, references and imports of every file, kept current.
//!
//! `extract` is the pure core (a file's text → its symbols, driven only by
//! `queries/<language>/tags.scm`); `WorkspaceIndex` walks the workspace, keeps one entry per file
//! (open buffers override the disk) and answers lookups without waiting for indexing.

mod exclusion;
mod extract;
mod file;
mod related;
mod resolve;
mod symbols;
mod tables;
mod walk;
mod workspace;

#[cfg(test)]
mod extract_tests;
#[cfg(test)]
mod related_tests;
#[cfg(test)]
mod test_workspace;
#[cfg(test)]
mod workspace_tests;

pub use extract::{extract, reference_sites};
pub use file::IndexedFile;
pub use resolve::{
    can_import, import_segments, shared_folders, FOLDER_MODULE_STEMS, LANGUAGE_FAMILIES,
};
pub use symbols::{DefinitionSite, FileSymbols, ImportedName};
pub use walk::SKIPPED_DIRS;
pub use workspace::WorkspaceIndex;

/// Limits on what the index reads (from `[context]` `max_files` and `max_file_bytes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexSettings {
    /// At most this many files are indexed from disk (open buffers come on top).
    pub max_files: usize,
    /// Files larger than this are skipped.
    pub max_file_bytes: u64,
}

/// How far a build has come: `done` of `total` files read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexProgress {
    /// Files read so far.
    pub done: usize,
    /// Files the walk selected.
    pub total: usize,
}
