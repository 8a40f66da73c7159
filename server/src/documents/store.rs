//! All open documents, shared between request handlers without a global lock.

use std::path::PathBuf;

use dashmap::DashMap;
use ropey::Rope;

use super::document::{CharEdit, Document, TextChange};
use super::position::PositionEncoding;
use super::uri::path_from_uri;

/// An immutable view of a document at one version; cloning the rope is O(1).
#[derive(Debug, Clone)]
pub struct DocumentSnapshot {
    pub uri: String,
    /// The file path for `file:` URIs; `None` for untitled and other schemes.
    pub path: Option<PathBuf>,
    pub language_id: String,
    pub version: i32,
    pub text: Rope,
}

/// Why a document operation was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DocumentError {
    /// The client changed a document it never opened (or already closed).
    #[error("document {uri} is not open: a didChange arrived without a matching didOpen (the client and server are out of sync; reopen the file)")]
    NotOpen { uri: String },
}

/// Open documents keyed by URI.
#[derive(Debug, Default)]
pub struct DocumentStore {
    // Sharded locks: handlers for different documents never wait on each other. Guards live only
    // inside these sync methods, never across an await.
    docs: DashMap<String, Document>,
}

impl DocumentStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens (or reopens, replacing) a document. Size is not checked here: the engine decides
    /// what to do with huge files, and edits must still track them.
    pub fn open(&self, uri: &str, language_id: &str, version: i32, text: &str) {
        self.docs.insert(
            uri.to_owned(),
            Document::new(uri, language_id, version, text),
        );
    }

    /// Applies `didChange` content changes in order, records the new version and returns the
    /// edits in char indices, in the order they were applied.
    pub fn change(
        &self,
        uri: &str,
        version: i32,
        changes: &[TextChange],
        encoding: PositionEncoding,
    ) -> Result<Vec<CharEdit>, DocumentError> {
        let mut doc = self
            .docs
            .get_mut(uri)
            .ok_or_else(|| DocumentError::NotOpen {
                uri: uri.to_owned(),
            })?;
        let edits = changes
            .iter()
            .map(|change| doc.apply(change, encoding))
            .collect();
        doc.version = version;
        Ok(edits)
    }

    /// Closes a document, freeing its text; returns whether it was open.
    pub fn close(&self, uri: &str) -> bool {
        self.docs.remove(uri).is_some()
    }

    /// The document's current state, or `None` if it is not open.
    pub fn snapshot(&self, uri: &str) -> Option<DocumentSnapshot> {
        let doc = self.docs.get(uri)?;
        let snapshot = DocumentSnapshot {
            uri: doc.uri.clone(),
            path: None,
            language_id: doc.language_id.clone(),
            version: doc.version,
            text: doc.text.clone(),
        };
        // Decode the path after releasing the shard lock.
        drop(doc);
        Some(DocumentSnapshot {
            path: path_from_uri(uri),
            ..snapshot
        })
    }

    /// Number of open documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether no document is open.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
