//! The line-by-line pass that decides where the completion ends.
//!
//! Every decision about a line looks only at that line, the lines kept before it and the
//! context, never at later lines: so a decision made on a streamed prefix is the one the whole
//! output gets, which is what lets [`super::is_complete`] close a stream early.

use super::fences::{fences_are_wrapping, is_fence};
use super::prose::is_prose;
use super::repetition::{completes_loop, loops_within_line};
use super::scope::{self, ScopeVerdict};
use super::suffix_overlap::recreates_next_line;
use super::whitespace::{normalize_line, IndentStyle};
use super::PostContext;

/// The outcome of the pass.
#[derive(Debug, Default)]
pub struct Scan {
    /// The lines kept, normalised.
    pub kept: Vec<String>,
    /// Whether a line ended the completion (later lines cannot change `kept`).
    pub ended: bool,
}

/// Runs the per-line rules over complete `lines`.
pub fn scan<'a>(lines: impl IntoIterator<Item = &'a str>, ctx: &PostContext) -> Scan {
    let style = IndentStyle::of(&ctx.previous_lines);
    let wrapping_fences = fences_are_wrapping(ctx);
    let mut out = Scan::default();
    for raw in lines {
        let index = out.kept.len();
        if scope::is_full(index, ctx) {
            out.ended = true;
            break;
        }
        let line = normalize_line(raw, index, ctx, style);
        if wrapping_fences && is_fence(&line) {
            if out.kept.iter().all(|l| l.trim().is_empty()) {
                // The opening fence: the code follows.
                continue;
            }
            out.ended = true;
            break;
        }
        if is_prose(&line, scope::column(&line, index, ctx)) {
            out.ended = true;
            break;
        }
        // A line that loops within itself is garbage from its start: no cut of it is code.
        if loops_within_line(&line) || recreates_next_line(&line, &out.kept, ctx) {
            out.ended = true;
            break;
        }
        match scope::verdict(&line, index, ctx) {
            ScopeVerdict::Keep => {}
            ScopeVerdict::EndBefore => {
                out.ended = true;
                break;
            }
            ScopeVerdict::EndAfter => {
                out.kept.push(line);
                out.ended = true;
                break;
            }
        }
        if completes_loop(&out.kept, &line) {
            // Keep the first copy only.
            out.kept.pop();
            out.ended = true;
            break;
        }
        out.kept.push(line);
    }
    out
}
