//! Measuring indentation the same way in mode decisions and post-processing.

/// Columns a tab advances; only used to compare tab- and space-indented lines.
pub const TAB_WIDTH: usize = 4;

/// The width in columns of the leading whitespace of `line` (a tab counts [`TAB_WIDTH`]).
pub fn indent_width(line: &str) -> usize {
    line.chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .map(|c| if c == '\t' { TAB_WIDTH } else { 1 })
        .sum()
}

/// The leading whitespace of `line`.
pub fn leading_whitespace(line: &str) -> &str {
    let end = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indent_width_counts_spaces_and_tabs() {
        let cases = [
            ("", 0),
            ("x", 0),
            ("    x", 4),
            ("\tx", TAB_WIDTH),
            ("\t  x", TAB_WIDTH + 2),
            ("      ", 6),
            ("  \r", 2),
        ];
        for (line, width) in cases {
            assert_eq!(indent_width(line), width, "{line:?}");
        }
    }

    #[test]
    fn leading_whitespace_stops_at_the_first_other_char() {
        assert_eq!(leading_whitespace("  \tfoo  "), "  \t");
        assert_eq!(leading_whitespace("foo"), "");
        assert_eq!(leading_whitespace("   "), "   ");
    }
}
