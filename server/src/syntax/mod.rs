//! Language knowledge from tree-sitter grammars and the queries in `queries/<language>/`.

mod languages;
mod mode;

pub use languages::{language_for, Language};
pub use mode::decide_mode;

/// How much text a completion may produce at this cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionMode {
    /// Cursor mid-line, or a statement that ends on this line: only the rest of this line.
    SingleLine,
    /// Cursor on an empty line or at the end of a line that opens a block: several lines, stopping
    /// when a non-blank line is indented less than `min_indent` columns or after `max_lines`.
    MultiLine { min_indent: usize, max_lines: usize },
}
