//! Keeping the completion inside the scope `decide_mode` chose: one line, or the lines of the
//! block at the cursor up to a line budget.

use crate::syntax::{indent_width, CompletionMode};

use super::PostContext;

/// What the scope says about one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeVerdict {
    /// Inside the scope.
    Keep,
    /// The line leaves the scope: it and everything after is dropped.
    EndBefore,
    /// The line closes the block the cursor line opened: keep it, drop everything after.
    EndAfter,
}

/// Whether a completion that already has `kept` lines can hold no more, whatever comes next.
pub fn is_full(kept: usize, ctx: &PostContext) -> bool {
    match ctx.mode {
        CompletionMode::SingleLine => kept >= 1,
        CompletionMode::MultiLine { max_lines, .. } => kept >= max_lines,
    }
}

/// The document column at which output line `index` starts, or `None` for the first line when it
/// continues text the user typed (its indentation is not a line's indentation).
pub fn column(line: &str, index: usize, ctx: &PostContext) -> Option<usize> {
    if index > 0 {
        return Some(indent_width(line));
    }
    if !ctx.line_prefix.trim().is_empty() {
        return None;
    }
    let leading = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
    Some(indent_width(&format!("{}{leading}", ctx.line_prefix)))
}

/// The verdict on output line `index`.
pub fn verdict(line: &str, index: usize, ctx: &PostContext) -> ScopeVerdict {
    let CompletionMode::MultiLine { min_indent, .. } = ctx.mode else {
        return ScopeVerdict::Keep;
    };
    if line.trim().is_empty() {
        return ScopeVerdict::Keep;
    }
    match column(line, index, ctx) {
        Some(col) if col < min_indent => {
            if closes_opened_block(line, col, ctx) {
                ScopeVerdict::EndAfter
            } else {
                ScopeVerdict::EndBefore
            }
        }
        _ => ScopeVerdict::Keep,
    }
}

/// Whether `line` only closes brackets at the indentation of the cursor line, which opened a
/// block: models write the closing line of a body they started, and it belongs to the completion
/// unless the document already has it (the suffix-overlap rules remove it then).
fn closes_opened_block(line: &str, col: usize, ctx: &PostContext) -> bool {
    let opened_here = !ctx.line_prefix.trim().is_empty();
    let trimmed = line.trim();
    opened_here
        && col == indent_width(&ctx.line_prefix)
        && trimmed.starts_with([')', ']', '}'])
        && trimmed.chars().all(|c| ")]};,".contains(c))
}
