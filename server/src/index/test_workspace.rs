//! Temporary workspaces for the index tests.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tempfile::TempDir;

use super::{IndexSettings, IndexedFile, WorkspaceIndex};

/// Generous caps, so only tests about caps hit them.
pub const ROOMY: IndexSettings = IndexSettings {
    max_files: 10_000,
    max_file_bytes: 1_000_000,
};

/// A temporary folder with files written from `(relative path, text)` pairs.
pub struct Workspace {
    pub dir: TempDir,
}

impl Workspace {
    pub fn new(files: &[(&str, &str)]) -> Self {
        let workspace = Self {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        for (path, text) in files {
            workspace.write(path, text);
        }
        workspace
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(path, text).expect("write file");
    }

    pub fn delete(&self, rel: &str) {
        let path = self.path(rel);
        if path.is_dir() {
            std::fs::remove_dir_all(path).expect("delete folder");
        } else {
            std::fs::remove_file(path).expect("delete file");
        }
    }

    pub fn rename(&self, from: &str, to: &str) {
        let to = self.path(to);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::rename(self.path(from), to).expect("rename");
    }

    /// A built index of this workspace.
    pub fn index(&self, settings: IndexSettings) -> Arc<WorkspaceIndex> {
        let index = WorkspaceIndex::new(self.root().to_path_buf(), settings);
        index.build(&|_| {});
        index
    }
}

/// Relative paths of files, to compare with expectations.
pub fn rel_paths(files: &[Arc<IndexedFile>]) -> Vec<&str> {
    files.iter().map(|f| f.rel_path.as_str()).collect()
}

/// Relative paths of every indexed file under `index`'s root, sorted.
pub fn indexed(index: &WorkspaceIndex, workspace: &Workspace) -> Vec<String> {
    let mut paths: Vec<String> = walkdir(workspace.root())
        .into_iter()
        .filter_map(|p| index.file(&p).map(|f| f.rel_path.clone()))
        .collect();
    paths.sort();
    paths
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walkdir(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// Where `name` is defined: `(relative path, kind, start line)`.
pub fn definitions(index: &WorkspaceIndex, name: &str) -> Vec<(String, String, usize)> {
    index
        .definitions_named(name)
        .into_iter()
        .map(|(file, site)| (file.rel_path.clone(), site.kind, site.start_line))
        .collect()
}
