//! The index's lookup tables: files by path, and sets of paths by definition name, module name,
//! folder and import segment. Readers look a name up, then read each file's own entry, so a set
//! that is a moment behind a file update never yields a wrong answer, only a skipped one.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dashmap::DashMap;

use super::file::IndexedFile;
use super::resolve::{import_segments, module_names, path_components};

type PathSet = BTreeSet<Arc<Path>>;

/// Concurrent tables; `install` and `uninstall` must be serialised by the caller (reads need not).
#[derive(Default)]
pub struct Tables {
    files: DashMap<Arc<Path>, Arc<IndexedFile>>,
    /// Definition name → files defining it.
    by_name: DashMap<String, PathSet>,
    /// Module name (stem; folder of a folder-module file) → files.
    by_module: DashMap<String, PathSet>,
    /// Name of the containing folder → files directly in such a folder.
    by_folder_name: DashMap<String, PathSet>,
    /// Containing folder → files directly in it.
    by_dir: DashMap<PathBuf, PathSet>,
    /// Segment of an import specifier → files whose imports contain it.
    importers: DashMap<String, PathSet>,
    /// Name an import brings in → files importing it.
    importing: DashMap<String, PathSet>,
}

/// The keys a file is filed under, other than its definitions.
struct Keys {
    modules: Vec<String>,
    folder_name: Option<String>,
    dir: Option<PathBuf>,
    import_segments: HashSet<String>,
}

impl Keys {
    fn of(file: &IndexedFile) -> Self {
        let components = path_components(&file.rel_path);
        Self {
            modules: module_names(&components)
                .into_iter()
                .map(str::to_string)
                .collect(),
            folder_name: components
                .len()
                .checked_sub(2)
                .map(|i| components[i].to_string()),
            dir: file.path.parent().map(Path::to_path_buf),
            import_segments: file
                .symbols
                .imports
                .iter()
                .flat_map(|spec| import_segments(spec))
                .collect(),
        }
    }
}

fn add(map: &DashMap<String, PathSet>, key: &str, path: &Arc<Path>) {
    map.entry(key.to_string()).or_default().insert(path.clone());
}

fn take<K>(map: &DashMap<K, PathSet>, key: &K, path: &Path)
where
    K: std::hash::Hash + Eq,
{
    let now_empty = match map.get_mut(key) {
        Some(mut set) => {
            set.remove(path);
            set.is_empty()
        }
        None => false,
    };
    if now_empty {
        map.remove_if(key, |_, set| set.is_empty());
    }
}

fn lookup<K, Q>(map: &DashMap<K, PathSet>, key: &Q) -> Vec<Arc<Path>>
where
    K: std::hash::Hash + Eq + std::borrow::Borrow<Q>,
    Q: std::hash::Hash + Eq + ?Sized,
{
    map.get(key)
        .map(|set| set.iter().cloned().collect())
        .unwrap_or_default()
}

impl Tables {
    /// Puts `file` in place of whatever was indexed at its path.
    pub fn install(&self, file: Arc<IndexedFile>) {
        let known = self.files.get(file.path.as_path()).map(|e| e.key().clone());
        let key: Arc<Path> = known.unwrap_or_else(|| Arc::from(file.path.as_path()));
        let old = self.files.insert(key.clone(), file.clone());
        let new_keys = Keys::of(&file);
        let new_names: HashSet<&str> = file
            .symbols
            .definitions
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        let new_imported: HashSet<&str> = file
            .symbols
            .imported
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        match &old {
            Some(old) => {
                let old_keys = Keys::of(old);
                for name in old.symbols.imported.iter().map(|i| i.name.as_str()) {
                    if !new_imported.contains(name) {
                        take(&self.importing, &name.to_string(), &key);
                    }
                }
                for name in old.symbols.definitions.iter().map(|d| d.name.as_str()) {
                    if !new_names.contains(name) {
                        take(&self.by_name, &name.to_string(), &key);
                    }
                }
                for segment in old_keys
                    .import_segments
                    .difference(&new_keys.import_segments)
                {
                    take(&self.importers, segment, &key);
                }
            }
            None => {
                for module in &new_keys.modules {
                    add(&self.by_module, module, &key);
                }
                if let Some(folder) = &new_keys.folder_name {
                    add(&self.by_folder_name, folder, &key);
                }
                if let Some(dir) = &new_keys.dir {
                    self.by_dir
                        .entry(dir.clone())
                        .or_default()
                        .insert(key.clone());
                }
            }
        }
        for name in new_names {
            add(&self.by_name, name, &key);
        }
        for segment in &new_keys.import_segments {
            add(&self.importers, segment, &key);
        }
        for name in new_imported {
            add(&self.importing, name, &key);
        }
    }

    /// Drops the file at `path` from every table; returns what was indexed there.
    pub fn uninstall(&self, path: &Path) -> Option<Arc<IndexedFile>> {
        let (_, old) = self.files.remove(path)?;
        let keys = Keys::of(&old);
        for definition in &old.symbols.definitions {
            take(&self.by_name, &definition.name, path);
        }
        for segment in &keys.import_segments {
            take(&self.importers, segment, path);
        }
        for imported in &old.symbols.imported {
            take(&self.importing, &imported.name, path);
        }
        for module in &keys.modules {
            take(&self.by_module, module, path);
        }
        if let Some(folder) = &keys.folder_name {
            take(&self.by_folder_name, folder, path);
        }
        if let Some(dir) = &keys.dir {
            take(&self.by_dir, dir, path);
        }
        Some(old)
    }

    /// The file indexed at `path`.
    pub fn get(&self, path: &Path) -> Option<Arc<IndexedFile>> {
        self.files.get(path).map(|entry| entry.value().clone())
    }

    /// Number of indexed files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Every indexed path (no particular order).
    pub fn paths(&self) -> Vec<Arc<Path>> {
        self.files.iter().map(|entry| entry.key().clone()).collect()
    }

    /// Every indexed file (no particular order).
    pub fn files(&self) -> Vec<Arc<IndexedFile>> {
        self.files
            .iter()
            .map(|entry| entry.value().clone())
            .collect()
    }

    /// Files that define `name`, in path order.
    pub fn defining(&self, name: &str) -> Vec<Arc<Path>> {
        lookup(&self.by_name, name)
    }

    /// Files whose imports bring in `name`, in path order.
    pub fn importing_name(&self, name: &str) -> Vec<Arc<Path>> {
        lookup(&self.importing, name)
    }

    /// Files an import segment can name directly (stem, or folder of a folder-module file).
    pub fn named_module(&self, name: &str) -> Vec<Arc<Path>> {
        lookup(&self.by_module, name)
    }

    /// Files directly inside a folder called `name`.
    pub fn in_folder_named(&self, name: &str) -> Vec<Arc<Path>> {
        lookup(&self.by_folder_name, name)
    }

    /// Files directly inside `dir`, in path order.
    pub fn in_dir(&self, dir: &Path) -> Vec<Arc<Path>> {
        lookup(&self.by_dir, dir)
    }

    /// Files with an import containing the segment `segment`.
    pub fn importing(&self, segment: &str) -> Vec<Arc<Path>> {
        lookup(&self.importers, segment)
    }
}
