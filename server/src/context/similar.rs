//! The similar source: windows of other code that share the most identifiers with the lines
//! before the cursor (as Copilot's neighbouring tabs do).
//!
//! Windows start at multiples of the stride, so a window's text depends only on its file, never
//! on where the cursor is: the same window chosen on the next keystroke is the same chunk, and
//! the prompt prefix the model has cached stays valid.

use std::collections::HashMap;
use std::time::Instant;

use super::assemble::Ledger;
use super::candidate::{Candidate, CurrentWindow, FileText, Source};
use super::identifiers::{jaccard, IdentifierSet};
use super::lines::line_span;
use super::similar_cache::SimilarCache;

/// Window size, spacing and how many windows to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarLimits {
    /// Lines per window; rounded up to a multiple of `stride`.
    pub window_lines: usize,
    /// Lines between window starts.
    pub stride: usize,
    /// Windows kept per file (they never overlap each other).
    pub per_file: usize,
    /// Windows kept in all.
    pub max_candidates: usize,
    /// Windows less similar than this (Jaccard) are noise.
    pub min_score: f32,
    /// Lines shown after the lines a window was scored on (inside the file). The matching lines
    /// line the chunk up with the code before the cursor; what the model lacks is what followed
    /// them: a twin test's next assertion, the call after the same setup.
    pub follow: usize,
}

impl Default for SimilarLimits {
    fn default() -> Self {
        Self {
            window_lines: 20,
            stride: 10,
            per_file: 2,
            max_candidates: 8,
            min_score: 0.1,
            follow: 10,
        }
    }
}

/// The windows of `files` most similar to `query`, best first, each shown with the
/// `limits.follow` lines after it. Windows overlapping the current window are skipped. Windows
/// the `previous` prompt used are kept past the per-file and total limits while they stay
/// similar enough. Files are scanned in the order given (put the most related first); at
/// `deadline` the scan stops and the best windows found so far are returned. Reads every file
/// afresh; [`similar_with_cache`] reads only files that changed.
pub fn similar(
    query: &str,
    files: &[FileText<'_>],
    current: &CurrentWindow<'_>,
    limits: &SimilarLimits,
    previous: &Ledger,
    deadline: Option<Instant>,
) -> Vec<Candidate> {
    similar_with_cache(
        query,
        files,
        current,
        limits,
        previous,
        &mut SimilarCache::new(),
        deadline,
    )
}

/// [`similar`], keeping each file's identifiers in `cache` for the next call (see
/// [`SimilarCache`]): on a warm cache only the files whose text changed are read.
pub fn similar_with_cache(
    query: &str,
    files: &[FileText<'_>],
    current: &CurrentWindow<'_>,
    limits: &SimilarLimits,
    previous: &Ledger,
    cache: &mut SimilarCache,
    deadline: Option<Instant>,
) -> Vec<Candidate> {
    let query_set = IdentifierSet::of(query);
    if query_set.is_empty() {
        return Vec::new();
    }
    cache.begin_request();
    let mut used_before: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for key in previous
        .keys()
        .iter()
        .filter(|k| k.source == Source::Similar)
    {
        used_before
            .entry(key.path.as_str())
            .or_default()
            .push((key.start_line, key.end_line));
    }
    let stride = limits.stride.max(1);
    let blocks_per_window = limits.window_lines.max(1).div_ceil(stride);
    let window_lines = blocks_per_window * stride;

    let mut common = Vec::new();
    let mut windows: Vec<Pick> = Vec::new();
    let mut picked: Vec<Pick> = Vec::new();
    for (index, file) in files.iter().enumerate() {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let file_blocks = cache.blocks(file, stride, blocks_per_window);
        file_blocks.common_counts(query_set.hashes(), &mut common);
        let line_count = file_blocks.line_count;
        let used_here = used_before.get(file.path).map_or(&[][..], Vec::as_slice);
        windows.clear();
        for (w, (&shared, &distinct)) in common.iter().zip(&file_blocks.window_distinct).enumerate()
        {
            if shared == 0 {
                continue;
            }
            let start = w * stride;
            let last = line_count.max(1) - 1;
            let scored_end = (start + window_lines - 1).min(last);
            let score = jaccard(shared as usize, distinct as usize, query_set.len());
            let end = (scored_end + limits.follow).min(last);
            let sticky = used_here.contains(&(start, end));
            // A window the last prompt used stays while it is half as similar as a new one
            // must be, so a score hovering at the threshold does not make it flicker.
            let bar = if sticky {
                limits.min_score / 2.0
            } else {
                limits.min_score
            };
            if score > 0.0 && score >= bar && !current.overlaps(file.path, start, end) {
                windows.push(Pick {
                    score,
                    file: index,
                    start,
                    end,
                    sticky,
                });
            }
        }
        // Sticky windows first, whatever their score, then the best new ones around them.
        windows.sort_by(|a, b| {
            b.sticky
                .cmp(&a.sticky)
                .then(b.score.total_cmp(&a.score))
                .then(a.start.cmp(&b.start))
        });
        let first_of_file = picked.len();
        let mut fresh = 0;
        for &window in &windows {
            let clashes = picked[first_of_file..]
                .iter()
                .any(|p| window.start <= p.end && p.start <= window.end);
            if clashes || (!window.sticky && fresh == limits.per_file) {
                continue;
            }
            fresh += usize::from(!window.sticky);
            picked.push(window);
        }
    }

    picked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| files[a.file].path.cmp(files[b.file].path))
            .then(a.start.cmp(&b.start))
    });
    let mut fresh = 0;
    picked.retain(|p| {
        fresh += usize::from(!p.sticky);
        p.sticky || fresh <= limits.max_candidates
    });
    picked
        .into_iter()
        .filter_map(
            |Pick {
                 score,
                 file,
                 start,
                 end,
                 ..
             }| {
                let file = files[file];
                let text = line_span(file.text, start, end)?;
                Some(Candidate {
                    source: Source::Similar,
                    path: file.path.to_owned(),
                    start_line: start,
                    end_line: end,
                    text: text.to_owned(),
                    score,
                })
            },
        )
        .collect()
}

/// A window chosen for a file.
#[derive(Debug, Clone, Copy)]
struct Pick {
    score: f32,
    file: usize,
    start: usize,
    end: usize,
    /// The previous prompt used it.
    sticky: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file whose lines each hold identifiers of their own, except those listed in `special`.
    fn file(lines: usize, tag: &str, special: &[(usize, &str)]) -> String {
        (0..lines)
            .map(|i| match special.iter().find(|(at, _)| *at == i) {
                Some((_, text)) => format!("{text}\n"),
                None => format!("{tag}_a{i} = {tag}_b{i}({tag}_c{i})\n"),
            })
            .collect()
    }

    const NOWHERE: CurrentWindow<'static> = CurrentWindow {
        path: "elsewhere.py",
        start_line: 0,
        end_line: 0,
    };

    fn spans(got: &[Candidate]) -> Vec<(&str, usize, usize)> {
        got.iter()
            .map(|c| (c.path.as_str(), c.start_line, c.end_line))
            .collect()
    }

    #[test]
    fn finds_the_window_sharing_the_most_identifiers() {
        let text = file(
            40,
            "x",
            &[(24, "invoice.total = apply_tax(invoice.subtotal, rate)")],
        );
        let files = [FileText {
            path: "billing.py",
            text: &text,
        }];
        let query = "subtotal = sum_lines(invoice)\nrate = lookup_rate(region)\n";
        let limits = SimilarLimits {
            follow: 0,
            min_score: 0.0,
            ..Default::default()
        };
        let got = similar(query, &files, &NOWHERE, &limits, &Ledger::default(), None);
        // Windows [10, 29] and [20, 39] both hold line 24 with as many other identifiers; the
        // earlier one wins the tie and the later one overlaps it.
        assert_eq!(spans(&got)[0], ("billing.py", 10, 29));
        assert_eq!(got[0].text, line_span(&text, 10, 29).unwrap_or_default());
        assert!(got.iter().all(|c| c.source == Source::Similar));
    }

    #[test]
    fn a_window_comes_with_the_lines_that_follow_it_within_its_file() {
        // A twin test: lines 28..=39 match the lines before the cursor and line 44 is the
        // assertion that comes next. The best-scored window, [20, 39], ends before it.
        let setup = [
            "schema = make_schema(limit_low, limit_high)",
            "assert schema.low_value == limit_low",
            "assert schema.high_value == limit_high",
        ];
        let mut special: Vec<(usize, &str)> = (0..12).map(|i| (28 + i, setup[i % 3])).collect();
        special.push((44, "assert schema.clamp(limit_high) == limit_high"));
        let text = file(60, "t", &special);
        let files = [FileText {
            path: "v4/test_limits.py",
            text: &text,
        }];
        let query = setup.join("\n");
        let limits = SimilarLimits {
            min_score: 0.0,
            per_file: 1,
            ..Default::default()
        };
        let scored = similar(
            &query,
            &files,
            &NOWHERE,
            &SimilarLimits {
                follow: 0,
                ..limits.clone()
            },
            &Ledger::default(),
            None,
        );
        assert_eq!(spans(&scored), [("v4/test_limits.py", 20, 39)]);
        let got = similar(&query, &files, &NOWHERE, &limits, &Ledger::default(), None);
        assert_eq!(spans(&got), [("v4/test_limits.py", 20, 49)]);
        assert!(got[0].text.starts_with(&scored[0].text), "{got:?}");
        assert!(got[0].text.contains("schema.clamp(limit_high)"), "{got:?}");
        assert_eq!(
            got[0].score, scored[0].score,
            "the score is the scored window's"
        );

        // At the end of a file the window ends with the file.
        let short = file(25, "s", &[(20, setup[0])]);
        let files = [FileText {
            path: "short.py",
            text: &short,
        }];
        let got = similar(&query, &files, &NOWHERE, &limits, &Ledger::default(), None);
        assert_eq!(spans(&got), [("short.py", 10, 24)]);
    }

    #[test]
    fn scores_are_the_jaccard_of_the_window_text_and_the_best_window_is_found() {
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let words = [
            "user", "order", "price", "total", "cart", "item", "tax", "rate", "ship", "fee",
        ];
        for round in 0..50 {
            let lines = 1 + next(70) as usize;
            let text: String = (0..lines)
                .map(|_| {
                    let n = next(4);
                    (0..n)
                        .map(|_| words[next(10) as usize])
                        .collect::<Vec<_>>()
                        .join(" ")
                        + "\n"
                })
                .collect();
            let query: String = (0..4)
                .map(|_| words[next(10) as usize])
                .collect::<Vec<_>>()
                .join(" ");
            let files = [FileText {
                path: "f.py",
                text: &text,
            }];
            let limits = SimilarLimits {
                follow: 0,
                min_score: 0.0,
                per_file: 3,
                ..Default::default()
            };
            let got = similar(&query, &files, &NOWHERE, &limits, &Ledger::default(), None);
            let query_set = IdentifierSet::of(&query);
            for c in &got {
                let want = IdentifierSet::of(&c.text).jaccard(&query_set);
                assert!(
                    (c.score - want).abs() < 1e-6,
                    "round {round}: {c:?} want {want}"
                );
                assert_eq!(c.start_line % 10, 0, "round {round}");
            }
            let best = (0..lines)
                .step_by(10)
                .filter(|&start| start == 0 || start + 10 < lines)
                .filter_map(|start| line_span(&text, start, start + 19))
                .map(|w| IdentifierSet::of(w).jaccard(&query_set))
                .fold(0.0f32, f32::max);
            let top = got.first().map_or(0.0, |c| c.score);
            assert!(
                (top - best).abs() < 1e-6,
                "round {round}: top {top} best {best}"
            );
        }
    }

    #[test]
    fn the_same_window_comes_back_with_the_same_text_for_another_query() {
        let text = file(60, "y", &[(33, "retry_budget backoff jitter deadline")]);
        let files = [FileText {
            path: "net.rs",
            text: &text,
        }];
        let limits = SimilarLimits {
            follow: 0,
            min_score: 0.0,
            ..Default::default()
        };
        let a = similar(
            "let retry_budget = 3;",
            &files,
            &NOWHERE,
            &limits,
            &Ledger::default(),
            None,
        );
        let b = similar(
            "backoff(jitter, retry_budget)",
            &files,
            &NOWHERE,
            &limits,
            &Ledger::default(),
            None,
        );
        assert_eq!(a[0].text, b[0].text);
        assert_eq!(spans(&a)[0], spans(&b)[0]);
    }

    #[test]
    fn skips_windows_overlapping_the_cursor_window_in_its_own_file_only() {
        let text = file(40, "z", &[(5, "parse_header token stream")]);
        let files = [
            FileText {
                path: "a.rs",
                text: &text,
            },
            FileText {
                path: "b.rs",
                text: &text,
            },
        ];
        let current = CurrentWindow {
            path: "a.rs",
            start_line: 0,
            end_line: 12,
        };
        let limits = SimilarLimits {
            follow: 0,
            min_score: 0.04,
            ..Default::default()
        };
        let got = similar(
            "parse_header(token, stream)",
            &files,
            &current,
            &limits,
            &Ledger::default(),
            None,
        );
        assert_eq!(spans(&got), [("b.rs", 0, 19)]);
    }

    #[test]
    fn limits_table() {
        let texts: Vec<String> = (0..4)
            .map(|i| {
                file(
                    60,
                    &format!("f{i}"),
                    &[(3, "alpha beta"), (25, "alpha beta gamma"), (45, "alpha")],
                )
            })
            .collect();
        let files: Vec<FileText<'_>> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| FileText {
                path: ["p0", "p1", "p2", "p3"][i],
                text,
            })
            .collect();
        let query = "alpha beta gamma";
        let cases: &[(usize, usize, f32, usize)] = &[
            // per_file, max_candidates, min_score, expected count
            (1, 8, 0.0, 4),
            (2, 8, 0.0, 8),
            (3, 5, 0.0, 5),
            (2, 8, 0.99, 0),
            (2, 0, 0.0, 0),
        ];
        for &(per_file, max_candidates, min_score, want) in cases {
            let limits = SimilarLimits {
                follow: 0,
                per_file,
                max_candidates,
                min_score,
                ..Default::default()
            };
            let got = similar(query, &files, &NOWHERE, &limits, &Ledger::default(), None);
            assert_eq!(got.len(), want, "{per_file} {max_candidates} {min_score}");
            assert!(got.windows(2).all(|w| w[0].score >= w[1].score));
            for (i, a) in got.iter().enumerate() {
                assert!(got[i + 1..].iter().all(|b| !a.overlaps(b)), "{a:?}");
            }
        }
    }

    #[test]
    fn windows_the_last_prompt_used_survive_the_limits() {
        let text = file(
            60,
            "v",
            &[(3, "alpha beta"), (25, "alpha beta gamma"), (45, "alpha")],
        );
        let files = [FileText {
            path: "v.py",
            text: &text,
        }];
        let limits = SimilarLimits {
            follow: 0,
            per_file: 1,
            min_score: 0.03,
            ..Default::default()
        };
        let ledger_of = |start: usize, end: usize| {
            let chunk = Candidate {
                source: Source::Similar,
                path: "v.py".into(),
                start_line: start,
                end_line: end,
                text: line_span(&text, start, end).unwrap_or_default().to_owned(),
                score: 1.0,
            };
            crate::context::assemble(
                vec![chunk],
                "",
                &crate::context::Budgets::split(10_000),
                &Ledger::default(),
                &|t: &str| t.len() / 4,
            )
            .ledger
        };
        // Scores: [10, 29] and [20, 39] 3/60, [0, 19] 2/60, [40, 59] 1/60.
        type Span = (&'static str, usize, usize);
        let cases: [(Ledger, &[Span]); 3] = [
            (Ledger::default(), &[("v.py", 10, 29)]),
            // Under min_score but over half of it, and past the per-file limit.
            (ledger_of(40, 59), &[("v.py", 10, 29), ("v.py", 40, 59)]),
            // It keeps its place against a better new window it overlaps; the best new one
            // that fits beside it joins.
            (ledger_of(0, 19), &[("v.py", 20, 39), ("v.py", 0, 19)]),
        ];
        for (ledger, want) in &cases {
            let got = similar("alpha beta gamma", &files, &NOWHERE, &limits, ledger, None);
            assert_eq!(spans(&got), *want, "{ledger:?}");
        }
        // Too dissimilar even for a window used before: 1/60 is under half of 0.1.
        let strict = SimilarLimits {
            follow: 0,
            min_score: 0.1,
            ..limits.clone()
        };
        let got = similar(
            "alpha beta gamma",
            &files,
            &NOWHERE,
            &strict,
            &ledger_of(40, 59),
            None,
        );
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn any_window_size_matches_the_jaccard_of_its_text() {
        let text = file(
            50,
            "k",
            &[(4, "alpha beta"), (17, "beta gamma"), (33, "gamma delta")],
        );
        let files = [FileText {
            path: "k.py",
            text: &text,
        }];
        for (window_lines, stride) in [(10, 10), (20, 10), (30, 10), (25, 5), (7, 3)] {
            let limits = SimilarLimits {
                follow: 0,
                window_lines,
                stride,
                min_score: 0.0,
                per_file: 9,
                ..Default::default()
            };
            let got = similar(
                "alpha beta gamma delta",
                &files,
                &NOWHERE,
                &limits,
                &Ledger::default(),
                None,
            );
            assert!(!got.is_empty(), "{window_lines}/{stride}");
            let query = IdentifierSet::of("alpha beta gamma delta");
            for c in &got {
                let want = IdentifierSet::of(&c.text).jaccard(&query);
                assert!(
                    (c.score - want).abs() < 1e-6,
                    "{window_lines}/{stride}: {c:?}"
                );
                assert_eq!(c.start_line % stride, 0);
            }
        }
    }

    #[test]
    fn a_warm_cache_gives_what_a_cold_one_gives() {
        let a = file(80, "a", &[(12, "invoice total"), (55, "invoice tax rate")]);
        let b = file(30, "b", &[(3, "tax rate region")]);
        let b_edited = file(31, "b", &[(25, "invoice total tax")]);
        let limits = SimilarLimits {
            follow: 0,
            min_score: 0.0,
            ..Default::default()
        };
        let mut cache = SimilarCache::new();
        for (b_text, query) in [
            (&b, "invoice tax"),
            (&b, "rate region"),
            (&b_edited, "invoice total"),
            (&b, "invoice total"),
        ] {
            let files = [
                FileText {
                    path: "a.py",
                    text: &a,
                },
                FileText {
                    path: "b.py",
                    text: b_text,
                },
            ];
            let warm = similar_with_cache(
                query,
                &files,
                &NOWHERE,
                &limits,
                &Ledger::default(),
                &mut cache,
                None,
            );
            let cold = similar(query, &files, &NOWHERE, &limits, &Ledger::default(), None);
            assert_eq!(warm, cold, "{query}");
            assert!(!warm.is_empty());
        }
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn nothing_for_an_empty_query_or_a_passed_deadline() {
        let text = file(30, "w", &[]);
        let files = [FileText {
            path: "w.py",
            text: &text,
        }];
        let limits = SimilarLimits {
            follow: 0,
            min_score: 0.0,
            ..Default::default()
        };
        assert!(similar(
            "  ( ) 42 if",
            &files,
            &NOWHERE,
            &limits,
            &Ledger::default(),
            None
        )
        .is_empty());
        assert!(similar(
            "w_a1",
            &files,
            &NOWHERE,
            &limits,
            &Ledger::default(),
            Some(Instant::now())
        )
        .is_empty());
        assert!(!similar("w_a1", &files, &NOWHERE, &limits, &Ledger::default(), None).is_empty());
    }

    #[test]
    fn short_empty_and_crlf_files() {
        let files = [
            FileText {
                path: "empty",
                text: "",
            },
            FileText {
                path: "one",
                text: "connect_db",
            },
            FileText {
                path: "crlf",
                text: "open_file(path)\r\nread_all(path)\r\n",
            },
        ];
        let limits = SimilarLimits {
            follow: 0,
            min_score: 0.0,
            ..Default::default()
        };
        let got = similar(
            "connect_db open_file path",
            &files,
            &NOWHERE,
            &limits,
            &Ledger::default(),
            None,
        );
        assert_eq!(spans(&got), [("crlf", 0, 1), ("one", 0, 0)]);
        assert_eq!(got[0].text, "open_file(path)\r\nread_all(path)\r\n");
    }
}
