//! Fitting prefix and suffix into a token budget, cutting at line boundaries.

/// How many whole lines of prefix and suffix to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Lines kept before the cursor line's start, counted back from the cursor.
    pub prefix_lines: usize,
    /// Lines kept after the cursor line's end, counted forward from the cursor.
    pub suffix_lines: usize,
    pub tokens: usize,
}

/// Chooses the window. `prefix_tokens[i]` is the token count of the i-th line *before* the cursor
/// line (0 = nearest); `suffix_tokens[i]` of the i-th line after it. `fixed` is what the cursor line
/// and template tokens cost. `prefix_share` of the budget goes to the prefix; a side that needs less
/// than its share leaves the rest to the other side.
pub fn fit_window(
    prefix_tokens: &[usize],
    suffix_tokens: &[usize],
    fixed: usize,
    budget: usize,
    prefix_share: f32,
) -> Window {
    let _ = (prefix_tokens, suffix_tokens, fixed, budget, prefix_share);
    todo!()
}
