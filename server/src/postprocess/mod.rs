//! Turning a model's raw output into a suggestion worth showing. Pure functions over plain data.
//!
//! The pipeline: cut at stop strings and special tokens ([`stop`]); a line-by-line pass that
//! drops wrapping fences and ends the completion at prose, at a line re-creating the code after
//! the cursor, at a line looping within itself, at the edge of the scope and at loops
//! ([`scan`]); then whole-output fixes: lines
//! echoing the code above the cursor, the end re-emitting the rest of the cursor line, the first
//! line's indentation, and empty output.

mod fences;
mod prose;
mod repetition;
mod scan;
mod scope;
mod stop;
mod suffix_overlap;
mod whitespace;

use crate::syntax::CompletionMode;

/// What post-processing needs to know about the cursor's surroundings.
#[derive(Debug, Clone)]
pub struct PostContext {
    /// The cursor line before the cursor.
    pub line_prefix: String,
    /// The cursor line after the cursor.
    pub line_suffix: String,
    /// Up to a few dozen lines before the cursor line (for repetition checks).
    pub previous_lines: String,
    /// Up to a few dozen lines after the cursor line (for suffix-overlap checks).
    pub next_lines: String,
    pub mode: CompletionMode,
    /// Stop strings of the template, cut out of the output wherever they appear.
    pub stop: Vec<String>,
}

/// Cleans raw model output; `None` if nothing worth showing remains.
pub fn clean(raw: &str, ctx: &PostContext) -> Option<String> {
    let text = match stop::first_stop(raw, &ctx.stop) {
        Some(at) => &raw[..at],
        None => raw,
    };
    let mut lines = scan::scan(text.split('\n'), ctx).kept;
    repetition::drop_prefix_echo(&mut lines, ctx);
    suffix_overlap::trim_line_suffix(&mut lines, ctx);
    whitespace::fix_first_line_indent(&mut lines, ctx);
    whitespace::finish(lines)
}

/// Whether the text streamed so far already holds the whole completion that [`clean`] would keep,
/// so the stream can be closed early. Must never return true when more text could still be kept.
pub fn is_complete(partial: &str, ctx: &PostContext) -> bool {
    let found = stop::first_stop(partial, &ctx.stop);
    if found.is_some_and(|at| stop::is_final(partial, at, &ctx.stop)) {
        return true;
    }
    // Only text no continuation can cut, and of it only whole lines, can decide anything.
    let stable = stop::stable_len(partial, &ctx.stop).min(found.unwrap_or(partial.len()));
    let text = &partial[..stable];
    let Some(last_newline) = text.rfind('\n') else {
        return false;
    };
    let scan = scan::scan(text[..last_newline].split('\n'), ctx);
    // A newline was seen, so another line follows whatever it holds.
    scan.ended || scope::is_full(scan.kept.len(), ctx)
}

#[cfg(test)]
mod recorded_tests;
#[cfg(test)]
mod tests;
