//! Turning a model's raw output into a suggestion worth showing. Pure functions over plain data.

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
    let _ = (raw, ctx);
    todo!()
}

/// Whether the text streamed so far already holds the whole completion that [`clean`] would keep,
/// so the stream can be closed early. Must never return true when more text could still be kept.
pub fn is_complete(partial: &str, ctx: &PostContext) -> bool {
    let _ = (partial, ctx);
    todo!()
}
