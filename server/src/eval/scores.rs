//! Per-task scores of a completion against the expected middle, as defined in
//! `shared/eval-format.md`. Pure functions over strings.

use serde::{Deserialize, Serialize};

/// The scores of one task; each is in `[0, 1]` so every score averages the same way.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// 1 when the normalised completion equals the normalised expected text.
    pub exact: f64,
    /// 1 − Levenshtein distance / longer length, in characters.
    pub edit_sim: f64,
    /// 1 when the first lines are equal.
    pub first_line_exact: f64,
    /// Share of expected's non-blank lines found among the completion's lines.
    pub line_recall: f64,
    /// 1 when the pipeline returned nothing.
    pub empty: f64,
}

/// The score names, in the order tables show them.
pub const SCORE_NAMES: [&str; 5] = [
    "exact",
    "edit_sim",
    "first_line_exact",
    "line_recall",
    "empty",
];

impl Scores {
    /// The score called `name` (one of [`SCORE_NAMES`]).
    pub fn get(&self, name: &str) -> Option<f64> {
        match name {
            "exact" => Some(self.exact),
            "edit_sim" => Some(self.edit_sim),
            "first_line_exact" => Some(self.first_line_exact),
            "line_recall" => Some(self.line_recall),
            "empty" => Some(self.empty),
            _ => None,
        }
    }
}

/// Scores `completion` against `expected`.
pub fn score(completion: &str, expected: &str) -> Scores {
    let completion = normalise(completion);
    let expected = normalise(expected);
    Scores {
        exact: flag(completion == expected),
        edit_sim: edit_similarity(&completion, &expected),
        first_line_exact: flag(first_line(&completion) == first_line(&expected)),
        line_recall: line_recall(&completion, &expected),
        empty: flag(completion.is_empty()),
    }
}

/// Drops trailing whitespace on every line and leading/trailing blank lines; lines are joined
/// with `\n`, so `\r\n` and `\n` texts compare equal.
pub fn normalise(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    match (first, last) {
        (Some(first), Some(last)) => lines[first..=last].join("\n"),
        _ => String::new(),
    }
}

/// 1 − Levenshtein(a, b) / max(len) in characters; 1 when both are empty.
pub fn edit_similarity(a: &str, b: &str) -> f64 {
    let longest = a.chars().count().max(b.chars().count());
    if longest == 0 {
        return 1.0;
    }
    1.0 - strsim::levenshtein(a, b) as f64 / longest as f64
}

/// Share of `expected`'s non-blank lines (stripped) that appear among `completion`'s stripped
/// lines. With no expected lines the task asks for nothing, so only an empty completion earns 1:
/// a vacuous 1 would reward any text at all.
pub fn line_recall(completion: &str, expected: &str) -> f64 {
    let wanted: Vec<&str> = expected
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let offered: std::collections::HashSet<&str> = completion
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if wanted.is_empty() {
        return flag(offered.is_empty());
    }
    let found = wanted.iter().filter(|l| offered.contains(*l)).count();
    found as f64 / wanted.len() as f64
}

fn first_line(text: &str) -> &str {
    text.split('\n').next().unwrap_or_default()
}

fn flag(value: bool) -> f64 {
    if value {
        1.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_drops_trailing_space_and_outer_blank_lines_only() {
        let cases = [
            ("", ""),
            ("  \n\t\n", ""),
            ("x = 1  ", "x = 1"),
            ("\n\nx = 1\n\n", "x = 1"),
            ("  x = 1\n", "  x = 1"),
            ("a\r\n\r\nb\r\n", "a\n\nb"),
            ("a \n  \nb", "a\n\nb"),
        ];
        for (input, want) in cases {
            assert_eq!(normalise(input), want, "normalise({input:?})");
        }
    }

    #[test]
    fn scores_follow_the_exchange_format() {
        struct Case {
            completion: &'static str,
            expected: &'static str,
            want: Scores,
        }
        let cases = [
            Case {
                completion: "len(values))",
                expected: "len(values))",
                want: Scores {
                    exact: 1.0,
                    edit_sim: 1.0,
                    first_line_exact: 1.0,
                    line_recall: 1.0,
                    empty: 0.0,
                },
            },
            // Trailing whitespace and a final newline do not count against the model.
            Case {
                completion: "return a + b   \n\n",
                expected: "return a + b",
                want: Scores {
                    exact: 1.0,
                    edit_sim: 1.0,
                    first_line_exact: 1.0,
                    line_recall: 1.0,
                    empty: 0.0,
                },
            },
            // Leading indentation does count for exact and edit similarity, not for line recall.
            Case {
                completion: "  x = 1",
                expected: "x = 1",
                want: Scores {
                    exact: 0.0,
                    edit_sim: 1.0 - 2.0 / 7.0,
                    first_line_exact: 0.0,
                    line_recall: 1.0,
                    empty: 0.0,
                },
            },
            Case {
                completion: "",
                expected: "total += 1",
                want: Scores {
                    exact: 0.0,
                    edit_sim: 0.0,
                    first_line_exact: 0.0,
                    line_recall: 0.0,
                    empty: 1.0,
                },
            },
            Case {
                completion: "",
                expected: "\n",
                want: Scores {
                    exact: 1.0,
                    edit_sim: 1.0,
                    first_line_exact: 1.0,
                    line_recall: 1.0,
                    empty: 1.0,
                },
            },
            Case {
                completion: "pass",
                expected: "",
                want: Scores {
                    exact: 0.0,
                    edit_sim: 0.0,
                    first_line_exact: 0.0,
                    line_recall: 0.0,
                    empty: 0.0,
                },
            },
            // Right first line, one of two later lines found.
            Case {
                completion: "if x:\n    y()\n    w()",
                expected: "if x:\n    z()\n    w()",
                want: Scores {
                    exact: 0.0,
                    edit_sim: 1.0 - 1.0 / 21.0,
                    first_line_exact: 1.0,
                    line_recall: 2.0 / 3.0,
                    empty: 0.0,
                },
            },
            // Blank expected lines are not counted; order does not matter for recall.
            Case {
                completion: "b\na",
                expected: "a\n\n  b",
                want: Scores {
                    exact: 0.0,
                    edit_sim: 1.0 - 5.0 / 6.0,
                    first_line_exact: 0.0,
                    line_recall: 1.0,
                    empty: 0.0,
                },
            },
        ];
        for case in cases {
            let got = score(case.completion, case.expected);
            for name in SCORE_NAMES {
                let (g, w) = (got.get(name), case.want.get(name));
                assert!(
                    matches!((g, w), (Some(g), Some(w)) if (g - w).abs() < 1e-12),
                    "{name} of {:?} vs {:?}: got {g:?}, want {w:?}",
                    case.completion,
                    case.expected
                );
            }
        }
    }

    #[test]
    fn edit_similarity_counts_characters_not_bytes() {
        // One substituted character out of three, whatever its UTF-8 length.
        assert!((edit_similarity("日本語", "日本人") - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(edit_similarity("", ""), 1.0);
        assert_eq!(edit_similarity("abc", ""), 0.0);
    }

    #[test]
    fn unknown_score_names_have_no_value() {
        assert_eq!(score("a", "a").get("bleu"), None);
    }
}
