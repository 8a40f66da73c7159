//! All open documents, shared between request handlers without a global lock.

use std::path::PathBuf;

use ropey::Rope;

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

/// Open documents keyed by URI.
#[derive(Debug, Default)]
pub struct DocumentStore {}
