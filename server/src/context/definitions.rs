//! The definitions source: signatures and trimmed bodies of the names the cursor needs.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

use crate::index::shared_folders;

use super::assemble::Ledger;
use super::candidate::{Candidate, CurrentWindow, Source};
use super::lines::line_span;
use super::snippet::trim_definition;

/// One place a name is defined, as the workspace index reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefinitionHit<'a> {
    pub name: &'a str,
    /// From the query capture: `function`, `method`, `class`, `interface`, `type`, ...
    pub kind: &'a str,
    /// Workspace-relative path.
    pub path: &'a str,
    /// The file's whole text.
    pub text: &'a str,
    /// First and last line of the definition (0-based, inclusive).
    pub start_line: usize,
    pub end_line: usize,
    /// Whether it sits inside a function body, out of other files' reach.
    pub local: bool,
}

#[cfg(test)]
impl<'a> DefinitionHit<'a> {
    /// `name`, of `kind`, on lines `start..=end` (0-based) of `text`, the file at `path`, outside
    /// any function body.
    pub(crate) fn at(
        name: &'a str,
        kind: &'a str,
        path: &'a str,
        text: &'a str,
        start: usize,
        end: usize,
    ) -> Self {
        Self {
            name,
            kind,
            path,
            text,
            start_line: start,
            end_line: end,
            local: false,
        }
    }
}

/// How many definitions, and how long each may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionLimits {
    /// Lines per function-like definition.
    pub max_lines: usize,
    /// Lines per type-like definition (`class`, `interface`, `type`, `module`): their members
    /// are what a caller needs, so they get more room.
    pub max_type_lines: usize,
    /// Definitions kept per name.
    pub max_hits_per_name: usize,
    /// A name with more definitions than this is ambiguous (`new`, `run`, `get`): only its
    /// definitions in related files are used.
    pub ambiguous_over: usize,
    /// Candidates returned in all.
    pub max_candidates: usize,
}

impl Default for DefinitionLimits {
    fn default() -> Self {
        Self {
            max_lines: 12,
            max_type_lines: 20,
            max_hits_per_name: 2,
            ambiguous_over: 8,
            max_candidates: 16,
        }
    }
}

const TYPE_KINDS: &[&str] = &["class", "interface", "type", "module"];

/// Candidates for the definitions of `names` (most wanted first, see `wanted_names`) among
/// `hits`. `related` lists paths the caller ranks as related to the current file, best first;
/// they win among several definitions of one name. A name defined inside the current window is
/// skipped altogether. Definitions the `previous` prompt used are kept whatever the limits say, as
/// long as their name is still wanted. Stops early, with what it has, at `deadline`.
pub fn definitions(
    names: &[String],
    hits: &[DefinitionHit<'_>],
    current: &CurrentWindow<'_>,
    related: &[&str],
    limits: &DefinitionLimits,
    previous: &Ledger,
    deadline: Option<Instant>,
) -> Vec<Candidate> {
    let related_rank: HashMap<&str, usize> = related
        .iter()
        .enumerate()
        .rev()
        .map(|(rank, path)| (*path, rank))
        .collect();
    let mut by_name: HashMap<&str, Vec<&DefinitionHit<'_>>> = HashMap::new();
    for hit in hits {
        by_name.entry(hit.name).or_default().push(hit);
    }
    let used_before: HashSet<(&str, usize, usize)> = previous
        .keys()
        .iter()
        .filter(|k| k.source == Source::Definitions)
        .map(|k| (k.path.as_str(), k.start_line, k.end_line))
        .collect();
    let mut out = Vec::new();
    for (rank, name) in names.iter().enumerate() {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let Some(named) = by_name.get(name.as_str()) else {
            continue;
        };
        // A name the window itself defines means that definition; the model already sees it,
        // and others of the same name (`__init__`, `new`) would only mislead.
        if named
            .iter()
            .any(|h| current.overlaps(h.path, h.start_line, h.end_line))
        {
            continue;
        }
        let ambiguous = named.len() > limits.ambiguous_over;
        let mut found: Vec<(Option<usize>, &DefinitionHit<'_>)> = named
            .iter()
            .map(|h| (related_rank.get(h.path).copied(), *h))
            // An ambiguous name's definitions outside related files are dropped before
            // sorting (unless the last prompt used them): common names have thousands.
            .filter(|(rank, h)| {
                !ambiguous
                    || rank.is_some()
                    || used_before.contains(&(h.path, h.start_line, h.end_line))
            })
            .collect();
        // Related files first (by the caller's rank), then the rest nearest by folder, then by
        // path: deterministic whatever order the index returned them in. Nearness matters when
        // a workspace holds two versions of an API (zod's `v3/` and `v4/`): a test in
        // `v4/classic/tests/` means `v4/classic/schemas.ts`'s `string`, not `v3/`'s.
        let near = |path: &str| Reverse(shared_folders(current.path, path));
        found.sort_by_cached_key(|(rank, h)| {
            (
                rank.is_none(),
                *rank,
                near(h.path),
                h.path,
                h.start_line,
                h.end_line,
            )
        });
        found.dedup_by(|(_, a), (_, b)| {
            (a.path, a.start_line, a.end_line) == (b.path, b.start_line, b.end_line)
        });
        let mut taken = 0;
        for (related, hit) in found {
            // What the last prompt used stays a candidate past every cut-off, so the context
            // does not flicker when a nearer name pushes it down the ranking.
            let sticky = used_before.contains(&(hit.path, hit.start_line, hit.end_line));
            let room = taken < limits.max_hits_per_name
                && out.len() < limits.max_candidates
                && (related.is_some() || !ambiguous);
            if !sticky && !room {
                continue;
            }
            let Some(text) = line_span(hit.text, hit.start_line, hit.end_line) else {
                continue;
            };
            if text.trim().is_empty() {
                continue;
            }
            let max_lines = if TYPE_KINDS.contains(&hit.kind) {
                limits.max_type_lines
            } else {
                limits.max_lines
            };
            out.push(Candidate {
                source: Source::Definitions,
                path: hit.path.to_owned(),
                start_line: hit.start_line,
                end_line: hit.end_line,
                text: trim_definition(text, max_lines),
                score: 1.0 / (1.0 + rank as f32 + 0.25 * taken as f32),
            });
            taken += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAILER: &str = "import smtp\n\nclass Mailer:\n    def send(self, to, body):\n        smtp.deliver(to, body)\n\ndef connect(host):\n    return Mailer()\n";
    const APP: &str =
        "from mail import Mailer\n\ndef main():\n    m = Mailer()\n    m.send('a', 'b')\n";

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    const WINDOW: CurrentWindow<'static> = CurrentWindow {
        path: "app.py",
        start_line: 2,
        end_line: 4,
    };

    fn summary(got: &[Candidate]) -> Vec<(String, usize, usize)> {
        got.iter()
            .map(|c| (c.path.clone(), c.start_line, c.end_line))
            .collect()
    }

    #[test]
    fn snippets_follow_name_rank_and_carry_their_lines() {
        let hits = [
            DefinitionHit::at("connect", "function", "mail.py", MAILER, 6, 7),
            DefinitionHit::at("Mailer", "class", "mail.py", MAILER, 2, 4),
        ];
        let got = definitions(
            &names(&["Mailer", "connect"]),
            &hits,
            &WINDOW,
            &[],
            &DefinitionLimits::default(),
            &Ledger::default(),
            None,
        );
        assert_eq!(
            summary(&got),
            [("mail.py".into(), 2, 4), ("mail.py".into(), 6, 7)]
        );
        assert_eq!(
            got[0].text,
            "class Mailer:\n    def send(self, to, body):\n        smtp.deliver(to, body)\n"
        );
        assert_eq!(got[1].text, "def connect(host):\n    return Mailer()\n");
        assert!(got[0].score > got[1].score);
        assert!(got.iter().all(|c| c.source == Source::Definitions));
    }

    #[test]
    fn names_defined_in_the_window_are_skipped_but_other_lines_of_the_file_count() {
        let hits = [
            DefinitionHit::at("main", "function", "app.py", APP, 2, 4),
            DefinitionHit::at("main", "function", "other.py", APP, 2, 4),
            DefinitionHit::at("imported", "function", "app.py", APP, 0, 0),
            DefinitionHit::at("imported", "function", "other.py", APP, 2, 4),
        ];
        let got = definitions(
            &names(&["main", "imported"]),
            &hits,
            &WINDOW,
            &[],
            &DefinitionLimits {
                max_hits_per_name: 5,
                ..Default::default()
            },
            &Ledger::default(),
            None,
        );
        assert_eq!(
            summary(&got),
            [("app.py".into(), 0, 0), ("other.py".into(), 2, 4)]
        );
    }

    #[test]
    fn related_files_come_first_and_ambiguous_names_keep_only_them() {
        let paths: Vec<String> = (0..10).map(|i| format!("pkg/m{i}.py")).collect();
        let hits: Vec<DefinitionHit<'_>> = paths
            .iter()
            .map(|p| DefinitionHit::at("run", "function", p, APP, 2, 4))
            .collect();
        let limits = DefinitionLimits {
            max_hits_per_name: 3,
            ..Default::default()
        };
        let cases: &[(usize, &[&str], &[&str])] = &[
            // few definitions: related ones first, then by path
            (3, &["pkg/m2.py"], &["pkg/m2.py", "pkg/m0.py", "pkg/m1.py"]),
            (3, &[], &["pkg/m0.py", "pkg/m1.py", "pkg/m2.py"]),
            // ambiguous (10 > 8): only related ones, in the caller's order
            (10, &["pkg/m7.py", "pkg/m3.py"], &["pkg/m7.py", "pkg/m3.py"]),
            (10, &[], &[]),
        ];
        for (count, related, want) in cases {
            let got = definitions(
                &names(&["run"]),
                &hits[..*count],
                &WINDOW,
                related,
                &limits,
                &Ledger::default(),
                None,
            );
            let got: Vec<&str> = got.iter().map(|c| c.path.as_str()).collect();
            assert_eq!(&got, want, "{count} hits, related {related:?}");
        }
    }

    #[test]
    fn unrelated_definitions_nearest_by_folder_come_first() {
        // Two versions of one API in one workspace; the cursor is in a v4 test.
        let paths = [
            "v3/tests/Mocker.ts",
            "v3/types.ts",
            "v4/classic/schemas.ts",
            "v4/mini/schemas.ts",
        ];
        let hits: Vec<DefinitionHit<'_>> = paths
            .iter()
            .map(|p| DefinitionHit::at("string", "function", p, APP, 2, 4))
            .collect();
        let window = CurrentWindow {
            path: "v4/classic/tests/string.test.ts",
            start_line: 0,
            end_line: 3,
        };
        let got = definitions(
            &names(&["string"]),
            &hits,
            &window,
            &[],
            &DefinitionLimits::default(),
            &Ledger::default(),
            None,
        );
        let got: Vec<&str> = got.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(got, ["v4/classic/schemas.ts", "v4/mini/schemas.ts"]);
    }

    #[test]
    fn kinds_set_how_long_a_snippet_may_be() {
        let body: String = std::iter::once("class Big:\n".to_string())
            .chain((0..30).map(|i| format!("    field_{i} = {i}\n")))
            .collect();
        let limits = DefinitionLimits {
            max_lines: 5,
            max_type_lines: 10,
            ..Default::default()
        };
        for (kind, want) in [("class", 10), ("function", 5)] {
            let hits = [DefinitionHit::at("Big", kind, "big.py", &body, 0, 30)];
            let got = definitions(
                &names(&["Big"]),
                &hits,
                &WINDOW,
                &[],
                &limits,
                &Ledger::default(),
                None,
            );
            assert_eq!(got[0].text.lines().count(), want, "{kind}");
        }
    }

    #[test]
    fn limits_and_bad_ranges() {
        let hits = [
            DefinitionHit::at("a", "function", "x.py", MAILER, 0, 0),
            DefinitionHit::at("b", "function", "x.py", MAILER, 99, 120),
            DefinitionHit::at("c", "function", "x.py", MAILER, 1, 1),
            DefinitionHit::at("d", "function", "x.py", MAILER, 6, 6),
            DefinitionHit::at("e", "function", "x.py", MAILER, 7, 7),
        ];
        let limits = DefinitionLimits {
            max_candidates: 2,
            ..Default::default()
        };
        let got = definitions(
            &names(&["a", "b", "c", "d", "e"]),
            &hits,
            &WINDOW,
            &[],
            &limits,
            &Ledger::default(),
            None,
        );
        // "b" is past the end of the file and "c" is a blank line: neither becomes a snippet.
        assert_eq!(
            summary(&got),
            [("x.py".into(), 0, 0), ("x.py".into(), 6, 6)]
        );
    }

    #[test]
    fn what_the_last_prompt_used_survives_the_cut_offs() {
        let hits = [
            DefinitionHit::at("near", "function", "x.py", MAILER, 6, 7),
            DefinitionHit::at("far", "function", "x.py", MAILER, 2, 4),
        ];
        let limits = DefinitionLimits {
            max_candidates: 1,
            ..Default::default()
        };
        let previous = crate::context::assemble(
            vec![Candidate {
                source: Source::Definitions,
                path: "x.py".into(),
                start_line: 2,
                end_line: 4,
                text: "class Mailer:\n".into(),
                score: 1.0,
            }],
            "",
            &crate::context::Budgets::split(100),
            &Ledger::default(),
            &|t: &str| t.len(),
        )
        .ledger;
        type Span = (&'static str, usize, usize);
        let cases: [(&Ledger, &[Span]); 2] = [
            (&Ledger::default(), &[("x.py", 6, 7)]),
            (&previous, &[("x.py", 6, 7), ("x.py", 2, 4)]),
        ];
        for (ledger, want) in cases {
            let got = definitions(
                &names(&["near", "far"]),
                &hits,
                &WINDOW,
                &[],
                &limits,
                ledger,
                None,
            );
            let got: Vec<(&str, usize, usize)> = got
                .iter()
                .map(|c| (c.path.as_str(), c.start_line, c.end_line))
                .collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn a_passed_deadline_stops_the_search() {
        let hits = [DefinitionHit::at(
            "Mailer", "class", "mail.py", MAILER, 2, 4,
        )];
        let got = definitions(
            &names(&["Mailer"]),
            &hits,
            &WINDOW,
            &[],
            &DefinitionLimits::default(),
            &Ledger::default(),
            Some(Instant::now()),
        );
        assert!(got.is_empty());
    }
}
