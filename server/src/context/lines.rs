//! Cutting line ranges out of a file's text without splitting the whole file.

use memchr::memchr_iter;

/// Lines `start..=end` (0-based, inclusive) of `text` with their line breaks; `end` past the last
/// line is clamped. `None` when `start` is past the last line or `end < start`.
pub fn line_span(text: &str, start: usize, end: usize) -> Option<&str> {
    if end < start {
        return None;
    }
    let from = line_start(text, start)?;
    if from == text.len() && start > 0 {
        // A final line break ends the last line; it does not open an empty one.
        return None;
    }
    let to = nth_break_after(text, from, end - start).map_or(text.len(), |at| at + 1);
    Some(&text[from..to])
}

/// Number of lines: a final line break does not start another line; "" has none.
pub fn line_count(text: &str) -> usize {
    let breaks = memchr_iter(b'\n', text.as_bytes()).count();
    if text.is_empty() || text.ends_with('\n') {
        breaks
    } else {
        breaks + 1
    }
}

/// Where each line of `text` starts, for reading many lines of one file without scanning it
/// from the top for each (what `line_span` does).
pub struct LineStarts<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineStarts<'a> {
    pub fn of(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1))
            .filter(|&at| at < text.len())
            .collect();
        Self { text, starts }
    }

    /// Line `line` (0-based) without its line break; `None` past the last line.
    pub fn line(&self, line: usize) -> Option<&'a str> {
        let rest = &self.text[*self.starts.get(line)?..];
        Some(memchr::memchr(b'\n', rest.as_bytes()).map_or(rest, |end| &rest[..end]))
    }
}

/// Byte offset where line `line` starts, if the text has that many line breaks before it.
fn line_start(text: &str, line: usize) -> Option<usize> {
    if line == 0 {
        return Some(0);
    }
    nth_break_after(text, 0, line - 1).map(|at| at + 1)
}

/// Byte offset of the `n`th (0-based) line break at or after `from`.
fn nth_break_after(text: &str, from: usize, n: usize) -> Option<usize> {
    memchr_iter(b'\n', &text.as_bytes()[from..])
        .nth(n)
        .map(|at| from + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_span_table() {
        let text = "a\nbb\nccc\n";
        let cases: &[(usize, usize, Option<&str>)] = &[
            (0, 0, Some("a\n")),
            (1, 2, Some("bb\nccc\n")),
            (2, 9, Some("ccc\n")),
            (0, 2, Some(text)),
            (3, 3, None),
            (2, 1, None),
        ];
        for &(start, end, want) in cases {
            assert_eq!(line_span(text, start, end), want, "{start}..={end}");
        }
        assert_eq!(line_span("a\nlast", 1, 1), Some("last"));
        assert_eq!(line_span("", 0, 0), Some(""));
    }

    #[test]
    fn line_starts_read_each_line_as_line_span_does() {
        for text in ["a\nbb\nccc\n", "a\nlast", "", "\n\n", "x\r\ny\n"] {
            let starts = LineStarts::of(text);
            for line in 0..4 {
                let want = line_span(text, line, line)
                    .filter(|l| !l.is_empty())
                    .map(|l| l.strip_suffix('\n').unwrap_or(l));
                assert_eq!(starts.line(line), want, "{text:?} line {line}");
            }
        }
    }

    #[test]
    fn line_count_table() {
        for (text, want) in [("", 0), ("a", 1), ("a\n", 1), ("a\nb", 2), ("\n\n", 2)] {
            assert_eq!(line_count(text), want, "{text:?}");
        }
    }
}
