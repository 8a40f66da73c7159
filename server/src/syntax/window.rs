//! A window of lines around the cursor, and what the `blocks.scm` query says about it.
//!
//! Only the window is parsed so the cost of a mode decision stays flat on 20,000-line files; the
//! window may start inside a construct, which tree-sitter recovers from like any other error.

use ropey::Rope;
use tree_sitter::{Node, Parser, QueryCursor, StreamingIterator, Tree};

use super::indent::indent_width;
use super::Language;

/// Lines parsed before the cursor line.
pub const LINES_BEFORE: usize = 150;
/// Lines parsed after the cursor line.
pub const LINES_AFTER: usize = 30;

/// The text of the lines around the cursor.
pub struct Window {
    text: String,
    /// Byte offset of each window line's start in `text`.
    line_starts: Vec<usize>,
    /// The cursor, as a byte offset in `text`.
    pub cursor_byte: usize,
    /// The cursor line, as a row of the window.
    pub cursor_row: usize,
}

impl Window {
    /// The window around `cursor_char` (clamped to the text).
    pub fn around(rope: &Rope, cursor_char: usize) -> Self {
        let cursor_char = cursor_char.min(rope.len_chars());
        let cursor_line = rope.char_to_line(cursor_char);
        let first = cursor_line.saturating_sub(LINES_BEFORE);
        let end = (cursor_line + LINES_AFTER + 1).min(rope.len_lines());
        let start_char = rope.line_to_char(first);
        let end_char = rope.line_to_char(end);
        let text = rope.slice(start_char..end_char).to_string();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let cursor_byte = rope.char_to_byte(cursor_char) - rope.char_to_byte(start_char);
        Window {
            text,
            line_starts,
            cursor_byte,
            cursor_row: cursor_line - first,
        }
    }

    /// The text of window row `row`, without its line ending (empty past the window).
    pub fn line(&self, row: usize) -> &str {
        let Some(&start) = self.line_starts.get(row) else {
            return "";
        };
        let end = self
            .line_starts
            .get(row + 1)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The cursor line before the cursor.
    pub fn line_prefix(&self) -> &str {
        &self.text[self.line_starts[self.cursor_row]..self.cursor_byte]
    }

    /// The cursor line after the cursor, without its line ending.
    pub fn line_suffix(&self) -> &str {
        let line_end = self.line_starts[self.cursor_row] + self.line(self.cursor_row).len();
        &self.text[self.cursor_byte..line_end.max(self.cursor_byte)]
    }

    /// The nearest row above the cursor holding more than whitespace.
    pub fn previous_non_blank_row(&self) -> Option<usize> {
        (0..self.cursor_row)
            .rev()
            .find(|row| !self.line(*row).trim().is_empty())
    }

    /// Parses the window with `language`'s grammar.
    pub fn parse<'w>(&'w self, language: &'w Language) -> Option<Parsed<'w>> {
        let mut parser = Parser::new();
        parser.set_language(&language.grammar()).ok()?;
        let tree = parser.parse(&self.text, None)?;
        Some(Parsed {
            window: self,
            language,
            tree,
        })
    }
}

/// What the token ending the cursor line's text is, structurally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnd {
    /// Inside a comment or string: no structure.
    Skipped,
    /// A token the grammar says opens a body.
    Opens,
    /// Inside a region the parser could not make sense of (usually the code being typed).
    Broken,
    /// Anything else.
    Plain,
}

/// A parsed window.
pub struct Parsed<'w> {
    window: &'w Window,
    language: &'w Language,
    tree: Tree,
}

impl Parsed<'_> {
    /// Classifies the token covering byte `at` of the window.
    pub fn line_end(&self, at: usize) -> LineEnd {
        let mut opens = false;
        let mut skipped = false;
        self.for_each_capture(at..at + 1, |name, node| {
            let covers = node.start_byte() <= at && at < node.end_byte();
            match name {
                "block.skip" if covers => skipped = true,
                "block.open" if covers => opens = true,
                _ => {}
            }
        });
        if skipped {
            return LineEnd::Skipped;
        }
        if opens {
            return LineEnd::Opens;
        }
        let root = self.tree.root_node();
        let mut node = root.descendant_for_byte_range(at, at + 1);
        while let Some(n) = node {
            if n.is_error() || n.is_missing() {
                return LineEnd::Broken;
            }
            node = n.parent();
        }
        LineEnd::Plain
    }

    /// The indentation of the body of the innermost `@block.body` node strictly around the
    /// cursor, or `None` if the cursor is in no body.
    pub fn enclosing_body_indent(&self) -> Option<usize> {
        let cursor = self.window.cursor_byte;
        let mut innermost: Option<Node<'_>> = None;
        self.for_each_capture(cursor.saturating_sub(1)..cursor + 1, |name, node| {
            let strictly_around = node.start_byte() < cursor && cursor < node.end_byte();
            let smaller = innermost.is_none_or(|best| {
                node.end_byte() - node.start_byte() < best.end_byte() - best.start_byte()
            });
            if name == "block.body" && strictly_around && smaller {
                innermost = Some(node);
            }
        });
        let body = innermost?;
        Some(self.body_indent(body))
    }

    /// The smallest indentation of the body's children that begin their line, or one column
    /// deeper than the line opening the body when it has no such child yet.
    fn body_indent(&self, body: Node<'_>) -> usize {
        let window = self.window;
        let mut walker = body.walk();
        let children_indent = body
            .named_children(&mut walker)
            .filter(|child| {
                let start = child.start_position();
                let line = window.line(start.row);
                start.row != window.cursor_row
                    && start.column == line.len() - line.trim_start().len()
            })
            .map(|child| indent_width(window.line(child.start_position().row)))
            .min();
        children_indent.unwrap_or_else(|| indent_width(window.line(body.start_position().row)) + 1)
    }

    fn for_each_capture<'t>(
        &'t self,
        range: std::ops::Range<usize>,
        mut f: impl FnMut(&str, Node<'t>),
    ) {
        let Some(query) = self.language.blocks_query() else {
            return;
        };
        let names = query.capture_names();
        let end = range.end.min(self.window.text.len());
        let mut cursor = QueryCursor::new();
        cursor.set_byte_range(range.start.min(end)..end);
        let mut matches = cursor.matches(query, self.tree.root_node(), self.window.text.as_bytes());
        while let Some(m) = matches.next() {
            for capture in m.captures {
                f(names[capture.index as usize], capture.node);
            }
        }
    }
}
