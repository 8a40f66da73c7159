//! One indexed file: its text (from disk or an open buffer) and its symbols.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::extract::extract;
use super::symbols::FileSymbols;
use crate::context::IdentifierSet;
use crate::syntax::Language;

/// A file as the index holds it.
#[derive(Debug, Clone)]
pub struct IndexedFile {
    /// Absolute path.
    pub path: PathBuf,
    /// Path relative to the workspace root with `/` separators (the absolute path for a buffer
    /// outside the root).
    pub rel_path: String,
    /// tandem's language name (`syntax::Language::name`).
    pub language: &'static str,
    /// The content the symbols were read from.
    pub text: Arc<str>,
    /// Definitions, references and imports.
    pub symbols: FileSymbols,
    /// Distinct identifiers, for picking files similar to the cursor's code from the whole
    /// workspace without reading every text on each request.
    pub identifiers: IdentifierSet,
}

impl IndexedFile {
    /// Parses `text` as the content of `path`.
    pub fn new(root: &Path, path: PathBuf, language: &Language, text: Arc<str>) -> Self {
        let symbols = extract(language, &text);
        let identifiers = IdentifierSet::of(&text);
        Self {
            rel_path: relative_path(root, &path),
            path,
            language: language.name,
            text,
            symbols,
            identifiers,
        }
    }
}

/// `path` relative to `root`, `/`-separated, or the whole path when it is outside `root`.
pub fn relative_path(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.to_string_lossy().into_owned(),
    }
}

/// Reads a file's text if it is at most `max_bytes` long; `None` when it is missing, larger, or
/// unreadable. Invalid UTF-8 is replaced rather than refused: old sources in Latin-1 still
/// carry useful names.
pub fn read_text(path: &Path, max_bytes: u64) -> Option<Arc<str>> {
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() || metadata.len() > max_bytes {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    if bytes.len() as u64 > max_bytes {
        return None; // grew since the size check
    }
    Some(Arc::from(String::from_utf8_lossy(&bytes).as_ref()))
}
