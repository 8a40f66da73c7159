//! Files related to one file: what it imports, its neighbours in the same folder, and the files
//! that import it, each group in a deterministic order.

use std::cmp::Reverse;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use super::file::{relative_path, IndexedFile};
use super::resolve::{
    can_import, import_segments, module_names, path_components, shared_folders, strength, Strength,
};
use super::tables::Tables;
use crate::syntax::language_for;

/// Up to `limit` files related to `path`: files its imports name (best match first), then the
/// other files of its folder (by path), then files whose imports name it (best match first).
/// Ties go to the file sharing more folders with `path`, then to the smaller relative path.
/// Imports only connect files of one language family (`resolve::LANGUAGE_FAMILIES`).
pub fn related_files(
    tables: &Tables,
    root: &Path,
    path: &Path,
    limit: usize,
) -> Vec<Arc<IndexedFile>> {
    let mut chosen: Vec<Arc<IndexedFile>> = Vec::new();
    if limit == 0 {
        return chosen;
    }
    let mut taken: HashSet<Arc<Path>> = HashSet::new();
    taken.insert(Arc::from(path));
    let me = tables.get(path);
    let rel_path = me
        .as_ref()
        .map_or_else(|| relative_path(root, path), |f| f.rel_path.clone());
    let language = me
        .as_ref()
        .map(|f| f.language)
        .or_else(|| language_for("", Some(path)).map(|l| l.name))
        .unwrap_or_default();

    let groups: [&dyn Fn() -> Vec<Arc<IndexedFile>>; 3] = [
        &|| me.as_ref().map(|f| imported(tables, f)).unwrap_or_default(),
        &|| same_folder(tables, path),
        &|| importers(tables, &rel_path, language),
    ];
    for group in groups {
        for file in group() {
            if chosen.len() >= limit {
                return chosen;
            }
            if taken.insert(Arc::from(file.path.as_path())) {
                chosen.push(file);
            }
        }
    }
    chosen
}

/// Ranks candidates by match strength, then nearness to `rel_path`, then path.
fn ranked(mut scored: Vec<(Strength, Arc<IndexedFile>)>, rel_path: &str) -> Vec<Arc<IndexedFile>> {
    scored.sort_by_cached_key(|(strength, file)| {
        (
            Reverse(*strength),
            Reverse(shared_folders(rel_path, &file.rel_path)),
            file.rel_path.clone(),
        )
    });
    scored.into_iter().map(|(_, file)| file).collect()
}

/// Files named by `file`'s imports.
fn imported(tables: &Tables, file: &IndexedFile) -> Vec<Arc<IndexedFile>> {
    let imports: Vec<Vec<String>> = file
        .symbols
        .imports
        .iter()
        .map(|spec| import_segments(spec))
        .filter(|segments| !segments.is_empty())
        .collect();
    let mut candidates: HashSet<Arc<Path>> = HashSet::new();
    for segments in &imports {
        for segment in segments {
            candidates.extend(tables.named_module(segment));
        }
        if let Some(last) = segments.last() {
            candidates.extend(tables.in_folder_named(last));
        }
    }
    let scored = candidates
        .iter()
        .filter(|p| p.as_ref() != file.path.as_path())
        .filter_map(|p| tables.get(p))
        .filter(|candidate| can_import(file.language, candidate.language))
        .filter_map(|candidate| {
            let components = path_components(&candidate.rel_path);
            let best = imports
                .iter()
                .filter_map(|segments| strength(segments, &components))
                .max()?;
            Some((best, candidate))
        })
        .collect();
    ranked(scored, &file.rel_path)
}

/// The other indexed files in `path`'s folder, by path.
fn same_folder(tables: &Tables, path: &Path) -> Vec<Arc<IndexedFile>> {
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    tables
        .in_dir(dir)
        .iter()
        .filter(|p| p.as_ref() != path)
        .filter_map(|p| tables.get(p))
        .collect()
}

/// Files whose imports name the file at `rel_path`, written in `language`.
fn importers(tables: &Tables, rel_path: &str, language: &str) -> Vec<Arc<IndexedFile>> {
    let components = path_components(rel_path);
    let mut names: Vec<&str> = module_names(&components);
    if components.len() >= 2 {
        names.push(components[components.len() - 2]); // a package's folder
    }
    let candidates: HashSet<Arc<Path>> = names
        .iter()
        .flat_map(|name| tables.importing(name))
        .collect();
    let scored = candidates
        .iter()
        .filter_map(|p| tables.get(p))
        .filter(|importer| importer.rel_path != rel_path)
        .filter(|importer| can_import(importer.language, language))
        .filter_map(|importer| {
            let best = importer
                .symbols
                .imports
                .iter()
                .filter_map(|spec| strength(&import_segments(spec), &components))
                .max()?;
            Some((best, importer))
        })
        .collect();
    ranked(scored, rel_path)
}
