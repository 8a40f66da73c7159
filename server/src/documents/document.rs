//! One open document.

use ropey::Rope;

use super::position::{to_char, PositionEncoding};

/// A `didChange` content change in plain data: `range` is `None` for a full replacement,
/// otherwise ((start line, start col), (end line, end col)) in the negotiated encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChange {
    pub range: Option<((u32, u32), (u32, u32))>,
    pub text: String,
}

/// One applied change in char indices, so anything that follows a range through edits (telemetry
/// retention, recent-edit tracking) can shift it without knowing the position encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CharEdit {
    /// First char replaced.
    pub start: usize,
    /// Chars removed at `start`.
    pub removed: usize,
    /// Chars inserted at `start`.
    pub inserted: usize,
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
    /// A document as `didOpen` delivers it.
    pub fn new(uri: &str, language_id: &str, version: i32, text: &str) -> Self {
        Document {
            uri: uri.to_owned(),
            language_id: language_id.to_owned(),
            version,
            text: Rope::from_str(text),
        }
    }

    /// Applies one incremental or full change and says what it did in char indices.
    pub fn apply(&mut self, change: &TextChange, encoding: PositionEncoding) -> CharEdit {
        let Some(((start_line, start_col), (end_line, end_col))) = change.range else {
            let removed = self.text.len_chars();
            self.text = Rope::from_str(&change.text);
            return CharEdit {
                start: 0,
                removed,
                inserted: self.text.len_chars(),
            };
        };
        // Positions clamp like `to_char`, so a range from a client that lost sync still lands
        // inside the document instead of panicking the rope.
        let start = to_char(&self.text, start_line, start_col, encoding);
        let end = to_char(&self.text, end_line, end_col, encoding);
        // `to_char` is monotonic, so ordering char indices orders the positions.
        let (start, end) = if start <= end {
            (start, end)
        } else {
            (end, start)
        };
        if start < end {
            self.text.remove(start..end);
        }
        if !change.text.is_empty() {
            self.text.insert(start, &change.text);
        }
        CharEdit {
            start,
            removed: end - start,
            inserted: change.text.chars().count(),
        }
    }
}

#[cfg(test)]
#[path = "document_tests.rs"]
mod tests;
