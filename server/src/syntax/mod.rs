//! Language knowledge from tree-sitter grammars and the queries in `queries/<language>/`.

mod indent;
mod languages;
mod mode;
mod window;

pub use indent::{indent_width, leading_whitespace, TAB_WIDTH};
pub use languages::{language_for, language_named, Language, LANGUAGES};
pub use mode::{decide_mode, MAX_LINES_IN_BODY, MAX_LINES_NEW_BODY};

/// How much text a completion may produce at this cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionMode {
    /// Cursor mid-line, or a statement that ends on this line: only the rest of this line.
    SingleLine,
    /// Cursor on an empty line or at the end of a line that opens a block: several lines, stopping
    /// when a non-blank line is indented less than `min_indent` columns or after `max_lines`.
    MultiLine { min_indent: usize, max_lines: usize },
}
