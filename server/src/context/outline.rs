//! The outline source: the signatures a related file defines, one line each.
//!
//! The definitions source looks names up from the text around the cursor, so it cannot bring
//! the name the programmer is about to type for the first time: a Go test's first call of its
//! package's `NewUUID`, a function's first use of `GetTime` from the next file. An outline of
//! the files the current one imports or sits beside (its package) shows what is there to call,
//! at a few tokens per name, the way a programmer glances at a module's table of contents.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};

use super::candidate::{Candidate, CurrentWindow, Source};
use super::definitions::DefinitionHit;
use super::lines::LineStarts;

/// How much of each related file's outline the prompt may get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineLimits {
    /// Related files outlined, best ranked first.
    pub max_files: usize,
    /// Signature lines per file; past it the file's outline is cut, in source order.
    pub max_lines: usize,
    /// Lines after a definition's first line searched for its name (decorators, attributes
    /// and doc comments come first in some grammars' definition nodes).
    pub name_search_lines: usize,
}

impl Default for OutlineLimits {
    fn default() -> Self {
        Self {
            max_files: 3,
            max_lines: 24,
            name_search_lines: 4,
        }
    }
}

/// Kinds an outline lists: what another file calls or names. Module-level variables are
/// mostly local names (`result`, `schema`), and a module is not a signature.
const OUTLINED_KINDS: &[&str] = &[
    "function",
    "method",
    "class",
    "interface",
    "type",
    "struct",
    "enum",
    "macro",
    "constant",
];

/// One candidate per file of `related` that `hits` define something in: the line naming each
/// definition, in source order, without the opening brace of a body. Definitions nested in a
/// function body (`local`) are left out; a file outlines at most `limits.max_lines`
/// definitions, and at most `limits.max_files` files get an outline, the current one never.
///
/// Files are taken by how many of the names the current file uses (`used`) they define, then in
/// `related`'s order (best first): a Go file's package has a dozen files in path order, and
/// the ones whose names the file already calls are the ones it will call next.
pub fn outline(
    hits: &[DefinitionHit<'_>],
    related: &[&str],
    used: &HashSet<&str>,
    current: &CurrentWindow<'_>,
    limits: &OutlineLimits,
) -> Vec<Candidate> {
    let mut by_path: HashMap<&str, Vec<&DefinitionHit<'_>>> = HashMap::new();
    for hit in hits {
        if hit.local || !OUTLINED_KINDS.contains(&hit.kind) || hit.path == current.path {
            continue;
        }
        by_path.entry(hit.path).or_default().push(hit);
    }
    let uses = |path: &str| {
        by_path.get(path).map_or(0, |defined| {
            defined.iter().filter(|h| used.contains(h.name)).count()
        })
    };
    let mut ranked: Vec<&str> = related.to_vec();
    // Stable: ties keep `related`'s order.
    ranked.sort_by_cached_key(|path| Reverse(uses(path)));
    let mut out = Vec::new();
    for path in ranked {
        if out.len() >= limits.max_files {
            break;
        }
        let Some(defined) = by_path.get(path) else {
            continue;
        };
        let mut defined = defined.clone();
        defined.sort_by_key(|h| (h.start_line, h.end_line));
        let Some(text) = defined.first().map(|h| h.text) else {
            continue;
        };
        let starts = LineStarts::of(text);
        // Keyed by line, so a line naming two things (`type A, B int`) is listed once.
        let mut lines: BTreeMap<usize, String> = BTreeMap::new();
        for hit in defined {
            // A big file has thousands of definitions; past the limit, a later one can only
            // add a later line.
            let full = lines.len() >= limits.max_lines;
            if full
                && lines
                    .keys()
                    .next_back()
                    .is_some_and(|&l| hit.start_line > l)
            {
                break;
            }
            if let Some((line, text)) = signature_line(hit, &starts, limits.name_search_lines) {
                lines.entry(line).or_insert(text);
            }
        }
        let kept: Vec<(usize, String)> = lines.into_iter().take(limits.max_lines).collect();
        let (Some(first), Some(last)) = (kept.first(), kept.last()) else {
            continue;
        };
        let (start_line, end_line) = (first.0, last.0);
        let mut text: String = kept
            .iter()
            .map(|(_, l)| l.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        text.push('\n');
        out.push(Candidate {
            source: Source::Outline,
            path: path.to_owned(),
            start_line,
            end_line,
            text,
            score: 1.0 / (1.0 + out.len() as f32),
        });
    }
    out
}

/// The first line of `hit` (within `search` lines of its start) that holds its name and is not
/// a comment or annotation, without trailing blanks and an opening `{`; `None` when no line
/// does.
fn signature_line(
    hit: &DefinitionHit<'_>,
    lines: &LineStarts<'_>,
    search: usize,
) -> Option<(usize, String)> {
    let last = hit.end_line.min(hit.start_line + search);
    (hit.start_line..=last).find_map(|line| {
        let text = lines.line(line)?;
        if !text.contains(hit.name) || is_comment_or_annotation(text) {
            return None;
        }
        let trimmed = text.trim_end();
        let without_brace = trimmed.strip_suffix('{').unwrap_or(trimmed).trim_end();
        (!without_brace.trim().is_empty()).then(|| (line, without_brace.to_owned()))
    })
}

/// Whether `line` is a comment, decorator or attribute line, which may name a definition
/// without being its signature (`// GetTime returns the current Time.`).
fn is_comment_or_annotation(line: &str) -> bool {
    let line = line.trim_start();
    ["//", "/*", "*", "@", "--", "#[", "#!"]
        .iter()
        .any(|marker| line.starts_with(marker))
        || (line.starts_with('#') && !line.starts_with("#define"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIME_GO: &str = "package uuid\n\n// GetTime returns the current Time.\nfunc GetTime() (Time, uint16, error) {\n\tdefer timeMu.Unlock()\n\treturn getTime()\n}\n\nfunc getTime() (Time, uint16, error) {\n\treturn 0, 0, nil\n}\n\nvar timeMu sync.Mutex\n";
    const NODE_GO: &str = "package uuid\n\ntype Node struct {\n\tid []byte\n}\n\nfunc NodeID() []byte {\n\treturn nil\n}\n";
    const MAILER: &str = "class Mailer:\n    @staticmethod\n    def send(to, body):\n        def helper():\n            pass\n        return helper()\n";

    const WINDOW: CurrentWindow<'static> = CurrentWindow {
        path: "version1.go",
        start_line: 0,
        end_line: 30,
    };

    #[test]
    fn each_related_file_lists_its_signatures_in_source_order() {
        let hits = [
            DefinitionHit::at("getTime", "function", "time.go", TIME_GO, 8, 10),
            DefinitionHit::at("GetTime", "function", "time.go", TIME_GO, 2, 6),
            DefinitionHit::at("timeMu", "variable", "time.go", TIME_GO, 12, 12),
            DefinitionHit::at("Node", "struct", "node.go", NODE_GO, 2, 4),
            DefinitionHit::at("NodeID", "function", "node.go", NODE_GO, 6, 8),
        ];
        let got = outline(
            &hits,
            &["node.go", "time.go"],
            &HashSet::new(),
            &WINDOW,
            &OutlineLimits::default(),
        );
        let summary: Vec<(&str, usize, usize, &str, f32)> = got
            .iter()
            .map(|c| {
                (
                    c.path.as_str(),
                    c.start_line,
                    c.end_line,
                    c.text.as_str(),
                    c.score,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "node.go",
                    2,
                    6,
                    "type Node struct\nfunc NodeID() []byte\n",
                    1.0
                ),
                (
                    "time.go",
                    3,
                    8,
                    "func GetTime() (Time, uint16, error)\nfunc getTime() (Time, uint16, error)\n",
                    0.5
                ),
            ]
        );
        assert!(got.iter().all(|c| c.source == Source::Outline));
    }

    #[test]
    fn local_definitions_decorators_and_unrelated_files_are_left_out() {
        let hits = [
            DefinitionHit::at("Mailer", "class", "mail.py", MAILER, 0, 5),
            DefinitionHit::at("send", "method", "mail.py", MAILER, 1, 5),
            DefinitionHit {
                local: true,
                ..DefinitionHit::at("helper", "function", "mail.py", MAILER, 3, 4)
            },
            DefinitionHit::at("NodeID", "function", "node.go", NODE_GO, 6, 8),
        ];
        let got = outline(
            &hits,
            &["mail.py"],
            &HashSet::new(),
            &WINDOW,
            &OutlineLimits::default(),
        );
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].text, "class Mailer:\n    def send(to, body):\n",
            "the decorator line is skipped for the line naming the method"
        );
    }

    #[test]
    fn limits_cut_lines_per_file_and_files() {
        let hits = [
            DefinitionHit::at("GetTime", "function", "time.go", TIME_GO, 2, 6),
            DefinitionHit::at("getTime", "function", "time.go", TIME_GO, 8, 10),
            DefinitionHit::at("NodeID", "function", "node.go", NODE_GO, 6, 8),
            DefinitionHit::at("send", "method", "mail.go", MAILER, 1, 5),
        ];
        let limits = OutlineLimits {
            max_files: 2,
            max_lines: 1,
            ..OutlineLimits::default()
        };
        let got = outline(
            &hits,
            &["time.go", "missing.go", "node.go", "mail.go"],
            &HashSet::new(),
            &WINDOW,
            &limits,
        );
        let texts: Vec<&str> = got.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "func GetTime() (Time, uint16, error)\n",
                "func NodeID() []byte\n"
            ]
        );
    }

    #[test]
    fn a_big_file_outlines_its_first_definitions_in_source_order() {
        let text: String = (0..3000)
            .map(|i| format!("func f{i}() int {{\n\treturn {i}\n}}\n"))
            .collect();
        let names: Vec<String> = (0..3000).map(|i| format!("f{i}")).collect();
        // Listed last to first, as no index promises an order.
        let hits: Vec<DefinitionHit<'_>> = (0..3000)
            .rev()
            .map(|i| DefinitionHit::at(&names[i], "function", "big.go", &text, 3 * i, 3 * i + 2))
            .collect();
        let got = outline(
            &hits,
            &["big.go"],
            &HashSet::new(),
            &WINDOW,
            &OutlineLimits::default(),
        );
        let want: String = (0..24).map(|i| format!("func f{i}() int\n")).collect();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].text, want);
        assert_eq!((got[0].start_line, got[0].end_line), (0, 69));
    }

    #[test]
    fn the_current_file_is_not_outlined() {
        let hits = [DefinitionHit::at(
            "NodeID", "function", "node.go", NODE_GO, 6, 8,
        )];
        let here = CurrentWindow {
            path: "node.go",
            start_line: 0,
            end_line: 1,
        };
        let used = HashSet::from(["NodeID"]);
        assert!(outline(&hits, &["node.go"], &used, &here, &OutlineLimits::default()).is_empty());
    }

    #[test]
    fn files_defining_names_the_current_file_uses_come_first() {
        let hits = [
            DefinitionHit::at("GetTime", "function", "time.go", TIME_GO, 2, 6),
            DefinitionHit::at("getTime", "function", "time.go", TIME_GO, 8, 10),
            DefinitionHit::at("Node", "struct", "node.go", NODE_GO, 2, 4),
            DefinitionHit::at("NodeID", "function", "node.go", NODE_GO, 6, 8),
            DefinitionHit::at("send", "method", "mail.go", MAILER, 1, 5),
        ];
        let limits = OutlineLimits {
            max_files: 2,
            ..OutlineLimits::default()
        };
        // (names the current file uses, files outlined in order)
        let cases: &[(&[&str], &[&str])] = &[
            (&[], &["mail.go", "node.go"]),
            (&["getTime"], &["time.go", "mail.go"]),
            (&["getTime", "Node", "NodeID"], &["node.go", "time.go"]),
            (&["timeMu", "send"], &["mail.go", "node.go"]),
        ];
        for (used, want) in cases {
            let used: HashSet<&str> = used.iter().copied().collect();
            let got = outline(
                &hits,
                &["mail.go", "node.go", "time.go"],
                &used,
                &WINDOW,
                &limits,
            );
            let paths: Vec<&str> = got.iter().map(|c| c.path.as_str()).collect();
            assert_eq!(paths, *want, "used {used:?}");
        }
    }
}
