//! Keeping the prompt's first file line still while the user types, so the model's KV cache
//! stays valid: a window that slides one line per new line typed would change every token after
//! the context and force the model to re-read the whole prefix on each keystroke.

/// Lines of prefix to keep so the window starts on a multiple of `grid`. `prefix_lines` is what
/// the budget allows, counted back from `cursor_line`. A window that already starts at the top of
/// the file is left alone; otherwise the start moves down to the next multiple of `grid`, costing
/// at most `grid - 1` lines, and then stays put until the budget forces it down another step.
pub fn stable_prefix_lines(cursor_line: usize, prefix_lines: usize, grid: usize) -> usize {
    let prefix_lines = prefix_lines.min(cursor_line);
    let start = cursor_line - prefix_lines;
    if start == 0 || grid <= 1 {
        return prefix_lines;
    }
    let aligned = start.div_ceil(grid) * grid;
    cursor_line.saturating_sub(aligned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_moves_to_the_next_grid_line() {
        // (cursor line, lines the budget allows, grid, expected lines)
        let cases = [
            (100, 100, 32, 100), // whole file fits: untouched
            (100, 150, 32, 100), // more allowed than exist
            (100, 90, 32, 68),   // start 10 → 32
            (100, 68, 32, 68),   // start 32 already on the grid
            (100, 67, 32, 36),   // start 33 → 64
            (40, 10, 32, 8),     // start 30 → 32
            (100, 90, 1, 90),    // no grid
            (0, 0, 32, 0),
        ];
        for (cursor, allowed, grid, expected) in cases {
            assert_eq!(
                stable_prefix_lines(cursor, allowed, grid),
                expected,
                "cursor {cursor}, allowed {allowed}, grid {grid}"
            );
        }
    }

    #[test]
    fn typing_down_a_file_keeps_the_start_until_a_grid_step() {
        // With a budget of 50 lines, typing from line 200 to 231 moves the raw start from 150 to
        // 181; aligned, the window starts at 160 or 192 only.
        let starts: Vec<usize> = (200..232)
            .map(|line| line - stable_prefix_lines(line, 50, 32))
            .collect();
        assert!(starts.iter().all(|s| s % 32 == 0));
        let distinct: std::collections::BTreeSet<_> = starts.iter().collect();
        assert!(distinct.len() <= 2, "starts {distinct:?}");
        // Never more lines than allowed.
        for line in 200..232 {
            assert!(stable_prefix_lines(line, 50, 32) <= 50);
        }
    }
}
