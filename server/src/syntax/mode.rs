//! Deciding single-line vs multi-line completion at a cursor.

use ropey::Rope;

use super::indent::indent_width;
use super::window::{LineEnd, Window};
use super::{CompletionMode, Language};

/// Lines a completion may add on an empty line inside an existing body.
pub const MAX_LINES_IN_BODY: usize = 12;
/// Lines a completion may add when the cursor line opens a fresh body.
pub const MAX_LINES_NEW_BODY: usize = 20;

/// Line endings that open a block in languages tandem has no grammar for.
const GENERIC_OPENERS: &[&str] = &["{", "(", "[", ":", "=>"];

/// Decides the completion mode at `cursor_char`, parsing only a window of lines around the cursor
/// so the cost does not grow with the file.
pub fn decide_mode(language: Option<&Language>, text: &Rope, cursor_char: usize) -> CompletionMode {
    let window = Window::around(text, cursor_char);
    let prefix = window.line_prefix();
    let suffix = window.line_suffix();
    if !only_closers(suffix) {
        return CompletionMode::SingleLine;
    }
    if prefix.trim().is_empty() {
        return CompletionMode::MultiLine {
            min_indent: empty_line_min_indent(language, &window),
            max_lines: MAX_LINES_IN_BODY,
        };
    }
    // Closers after the cursor: the user is finishing this line, not starting a body.
    if !suffix.trim().is_empty() {
        return CompletionMode::SingleLine;
    }
    if opens_block(language, &window) {
        CompletionMode::MultiLine {
            min_indent: indent_width(prefix) + 1,
            max_lines: MAX_LINES_NEW_BODY,
        }
    } else {
        CompletionMode::SingleLine
    }
}

/// Whether `text` holds only what models tend to complete before anyway: closing brackets,
/// quotes, `;`, `,` and `:`.
fn only_closers(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || ")]}\"'`;,:".contains(c))
}

/// Whether the cursor line, which has text before the cursor and nothing after it, opens a body.
fn opens_block(language: Option<&Language>, window: &Window) -> bool {
    let prefix = window.line_prefix();
    let trimmed = prefix.trim_end();
    let Some(language) = language else {
        return ends_with_any(trimmed, GENERIC_OPENERS);
    };
    let Some(parsed) = window.parse(language) else {
        return ends_with_any(trimmed, language.block_openers);
    };
    let last_char_len = trimmed.chars().next_back().map_or(1, char::len_utf8);
    let last_byte = window.cursor_byte - (prefix.len() - trimmed.len()) - last_char_len;
    match parsed.line_end(last_byte) {
        LineEnd::Opens => true,
        LineEnd::Broken => ends_with_any(trimmed, language.block_openers),
        LineEnd::Skipped | LineEnd::Plain => false,
    }
}

/// The indentation below which a completion on an empty or whitespace-only line leaves the
/// block the cursor is in.
fn empty_line_min_indent(language: Option<&Language>, window: &Window) -> usize {
    let column = indent_width(window.line_prefix());
    let body = language.and_then(|l| Some((l, window.parse(l)?.enclosing_body_indent()?)));
    match body {
        // Indentation ends Python blocks, so a cursor deeper than the body picks a nested block
        // the tree no longer shows (it ends at its last statement).
        Some((language, body)) if language.indent_scoped => body.max(column),
        Some((_, body)) => body,
        None => indentation_heuristic(language, window, column),
    }
}

/// Without a tree: a line after an opener is in a fresh body, else the cursor column is the body.
fn indentation_heuristic(language: Option<&Language>, window: &Window, column: usize) -> usize {
    let openers = language.map_or(GENERIC_OPENERS, |l| l.block_openers);
    match window.previous_non_blank_row() {
        Some(row) if ends_with_any(window.line(row).trim_end(), openers) => {
            column.max(indent_width(window.line(row)) + 1)
        }
        _ => column,
    }
}

fn ends_with_any(text: &str, endings: &[&str]) -> bool {
    endings.iter().any(|e| text.ends_with(e))
}

#[cfg(test)]
#[path = "mode_tests.rs"]
mod tests;
