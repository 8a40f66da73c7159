//! The token estimate used when no tokenizer is available.

/// Conservative token count of one line including its line break: a third of its bytes, rounded
/// up, plus one for the break. Code tokenizers average 3–4 bytes per token, so this over-counts
/// and a prompt cut by it stays inside the model's context.
pub fn estimate(line: &str) -> usize {
    line_body(line).len().div_ceil(3) + 1
}

/// A line without its trailing `\n` or `\r\n`, so callers may pass lines either way.
pub(crate) fn line_body(line: &str) -> &str {
    match line.strip_suffix('\n') {
        Some(body) => body.strip_suffix('\r').unwrap_or(body),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_is_a_third_of_the_bytes_rounded_up_plus_the_break() {
        let long = "x".repeat(300);
        let cases: &[(&str, usize)] = &[
            ("", 1),
            ("\n", 1),
            ("a", 2),
            ("abc", 2),
            ("abcd", 3),
            ("abc\n", 2),
            ("abc\r\n", 2),
            ("    return a - b", 7),
            ("é", 2),
            ("日本語", 4),
            (&long, 101),
        ];
        for (line, expected) in cases {
            assert_eq!(estimate(line), *expected, "line {line:?}");
        }
    }

    #[test]
    fn line_body_strips_one_line_break() {
        let cases = [
            ("a\n", "a"),
            ("a\r\n", "a"),
            ("a", "a"),
            ("a\n\n", "a\n"),
            ("a\r", "a\r"),
        ];
        for (line, body) in cases {
            assert_eq!(line_body(line), body, "{line:?}");
        }
    }
}
