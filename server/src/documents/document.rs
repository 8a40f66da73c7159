//! One open document.

use ropey::Rope;

use super::position::PositionEncoding;

/// A `didChange` content change in plain data: `range` is `None` for a full replacement,
/// otherwise ((start line, start col), (end line, end col)) in the negotiated encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChange {
    pub range: Option<((u32, u32), (u32, u32))>,
    pub text: String,
}

/// An open document's text and metadata.
#[derive(Debug, Clone)]
pub struct Document {
    pub uri: String,
    pub language_id: String,
    pub version: i32,
    pub text: Rope,
}

impl Document {
    /// Applies one incremental or full change.
    pub fn apply(&mut self, change: &TextChange, encoding: PositionEncoding) {
        let _ = (change, encoding);
        todo!()
    }
}
