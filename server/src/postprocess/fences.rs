//! Markdown code fences that instruct models wrap around code.

use super::PostContext;

/// Whether a (trimmed) output line is a markdown fence such as "```" or "```python".
pub fn is_fence(line: &str) -> bool {
    line.trim_start().starts_with("```")
}

/// Whether fences in the output can be treated as wrapping: not when the document itself has
/// fences near the cursor (Markdown, docstrings with examples), where they may be wanted.
pub fn fences_are_wrapping(ctx: &PostContext) -> bool {
    ![
        &ctx.previous_lines,
        &ctx.line_prefix,
        &ctx.line_suffix,
        &ctx.next_lines,
    ]
    .iter()
    .any(|text| text.contains("```"))
}
