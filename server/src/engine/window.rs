//! Reading the text around the cursor out of a rope: the lines that may go into the prompt and the
//! surroundings post-processing needs. Cost depends on the window, never on the file size.

use ropey::Rope;

/// Lines around the cursor, nearest first on both sides, each with its line break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorWindow {
    pub line: usize,
    /// The cursor line before the cursor.
    pub line_prefix: String,
    /// The cursor line after the cursor, without its line break.
    pub line_suffix: String,
    /// The cursor line's line break ("" on the last line).
    pub line_break: String,
    /// Lines before the cursor line, nearest first.
    pub before: Vec<String>,
    /// Lines after the cursor line, nearest first.
    pub after: Vec<String>,
}

/// How much of the file post-processing looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surroundings {
    pub previous_lines: String,
    pub next_lines: String,
}

impl CursorWindow {
    /// Reads up to `max_before` / `max_after` lines (and at most `max_chars` on each side).
    pub fn read(
        rope: &Rope,
        cursor: usize,
        max_before: usize,
        max_after: usize,
        max_chars: usize,
    ) -> Self {
        let cursor = cursor.min(rope.len_chars());
        let line = rope.char_to_line(cursor);
        let line_start = rope.line_to_char(line);
        let full_line = rope.line(line).to_string();
        let content_len = full_line.trim_end_matches(['\n', '\r']).len();
        let (content, line_break) = full_line.split_at(content_len);
        let split = rope
            .slice(line_start..cursor)
            .len_bytes()
            .min(content.len());
        let (line_prefix, line_suffix) = content.split_at(split);

        let mut before = Vec::new();
        let mut chars = 0;
        for index in (0..line).rev().take(max_before) {
            let text = rope.line(index).to_string();
            chars += text.len();
            if chars > max_chars && !before.is_empty() {
                break;
            }
            before.push(text);
        }
        let mut after = Vec::new();
        chars = 0;
        for index in (line + 1..rope.len_lines()).take(max_after) {
            let text = rope.line(index).to_string();
            if text.is_empty() {
                break;
            }
            chars += text.len();
            if chars > max_chars && !after.is_empty() {
                break;
            }
            after.push(text);
        }
        Self {
            line,
            line_prefix: line_prefix.to_string(),
            line_suffix: line_suffix.to_string(),
            line_break: line_break.to_string(),
            before,
            after,
        }
    }

    /// The prompt's prefix: `lines` lines before the cursor line plus the cursor line's start.
    pub fn prefix(&self, lines: usize) -> String {
        let mut out = String::new();
        for text in self.before.iter().take(lines).rev() {
            out.push_str(text);
        }
        out.push_str(&self.line_prefix);
        out
    }

    /// The prompt's suffix: the rest of the cursor line plus `lines` lines after it.
    pub fn suffix(&self, lines: usize) -> String {
        let mut out = self.line_suffix.clone();
        out.push_str(&self.line_break);
        for text in self.after.iter().take(lines) {
            out.push_str(text);
        }
        out
    }

    /// The few lines on each side post-processing compares against.
    pub fn surroundings(&self, lines: usize) -> Surroundings {
        Surroundings {
            previous_lines: self.prefix(lines)[..]
                .strip_suffix(self.line_prefix.as_str())
                .unwrap_or_default()
                .to_string(),
            next_lines: self.after.iter().take(lines).cloned().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(text: &str, cursor_marker: &str) -> CursorWindow {
        let cursor_byte = text.find(cursor_marker).expect("marker");
        let text = text.replacen(cursor_marker, "", 1);
        let rope = Rope::from_str(&text);
        let cursor = rope.byte_to_char(cursor_byte);
        CursorWindow::read(&rope, cursor, 100, 100, 100_000)
    }

    #[test]
    fn splits_the_cursor_line_and_keeps_nearest_lines_first() {
        let w = window("a\nb\nfoo(|x)\nc\nd", "|");
        assert_eq!(w.line, 2);
        assert_eq!(w.line_prefix, "foo(");
        assert_eq!(w.line_suffix, "x)");
        assert_eq!(w.before, ["b\n", "a\n"]);
        assert_eq!(w.after, ["c\n", "d"]);
        assert_eq!(w.prefix(1), "b\nfoo(");
        assert_eq!(w.prefix(9), "a\nb\nfoo(");
        assert_eq!(w.suffix(0), "x)\n");
        assert_eq!(w.suffix(2), "x)\nc\nd");
    }

    #[test]
    fn crlf_line_breaks_stay_out_of_the_line_suffix() {
        let w = window("x = 1\r\ny = |2\r\nz\r\n", "|");
        assert_eq!(w.line_suffix, "2");
        assert_eq!(w.line_break, "\r\n");
        assert_eq!(w.suffix(1), "2\r\nz\r\n");
    }

    #[test]
    fn non_ascii_before_the_cursor_splits_at_the_right_byte() {
        let w = window("s = \"日本😀\"; |rest", "|");
        assert_eq!(w.line_prefix, "s = \"日本😀\"; ");
        assert_eq!(w.line_suffix, "rest");
    }

    #[test]
    fn surroundings_exclude_the_cursor_line() {
        let w = window("a\nb\nc|\nd\ne\n", "|");
        let s = w.surroundings(1);
        assert_eq!(s.previous_lines, "b\n");
        assert_eq!(s.next_lines, "d\n");
    }

    #[test]
    fn the_char_cap_limits_how_far_the_window_reaches() {
        let text = "0123456789\n".repeat(50) + "|";
        let cursor_byte = text.find('|').expect("marker");
        let rope = Rope::from_str(&text.replace('|', ""));
        let w = CursorWindow::read(&rope, rope.byte_to_char(cursor_byte), 1000, 1000, 55);
        assert_eq!(w.before.len(), 5);
    }
}
