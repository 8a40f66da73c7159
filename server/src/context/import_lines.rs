//! How other files import the names the current file uses but has not imported yet. In a file's
//! header the model has to write `from attr._compat import PY_3_13_PLUS` or
//! `use crate::parse::Error;`, and only a file that already imports the name knows its module
//! path; neither the name's definition nor code similar to the lines above says it.

use std::collections::{HashMap, HashSet};

use crate::index::shared_folders;

use super::candidate::{Candidate, Source};
use super::identifiers::identifiers;
use super::lines::line_span;

/// Definition kinds that may sit among the imports of a header (`pytestmark = …`, `const X`).
const HEADER_KINDS: &[&str] = &["variable", "constant"];

/// One import statement of another file that brings in `name`.
#[derive(Debug, Clone, Copy)]
pub struct ImportSite<'a> {
    pub name: &'a str,
    /// Workspace-relative path of the importing file.
    pub path: &'a str,
    /// That file's text.
    pub text: &'a str,
    /// First and last line (0-based, inclusive) of the statement.
    pub start_line: usize,
    pub end_line: usize,
}

/// How much the source may show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLimits {
    /// Statements shown at most.
    pub max_statements: usize,
    /// Shorter names (`i`, `db`) match too much to say which import is meant.
    pub min_len: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self {
            max_statements: 6,
            min_len: 3,
        }
    }
}

/// Whether `cursor_line` is in the file's header, where imports are written: no definition
/// other than a variable or constant starts above it. `definitions` are (kind, start line).
pub fn in_header<'a>(
    cursor_line: usize,
    definitions: impl IntoIterator<Item = (&'a str, usize)>,
) -> bool {
    definitions
        .into_iter()
        .all(|(kind, start)| start >= cursor_line || HEADER_KINDS.contains(&kind))
}

/// Names the code after the cursor uses, in order of first use, that the file does not have
/// (`has`: defines or imports) and the text before the cursor does not mention: what its header
/// may still have to import. Every identifier counts, not only the index's references (a flag in
/// `if not PY_3_13_PLUS` is none), except members and path segments (`z.object`, `fmt::Display`):
/// only the name before the first `.` or `::` is ever imported, and another file's import of a
/// same-named member (`import { object } from "../mini"`) would only mislead. Words that no file
/// imports find no statement.
pub fn missing_names<'a>(
    after_cursor: &'a str,
    has: impl Fn(&str) -> bool,
    before_cursor: &str,
    limits: &ImportLimits,
) -> Vec<&'a str> {
    let mentioned: HashSet<&str> = identifiers(before_cursor).map(|(_, word)| word).collect();
    let mut seen = HashSet::new();
    identifiers(after_cursor)
        .filter(|(at, _)| !is_member(&after_cursor[..*at]))
        .map(|(_, word)| word)
        .filter(|name| {
            name.chars().count() >= limits.min_len
                && !mentioned.contains(name)
                && seen.insert(*name)
                && !has(name)
        })
        .collect()
}

/// Whether the word after `before` is a member or a later path segment: `before` ends, maybe
/// across a line break (`\n  .min(1)`), in `.`, `::` or `->`.
fn is_member(before: &str) -> bool {
    let before = before.trim_end();
    before.ends_with('.') || before.ends_with("::") || before.ends_with("->")
}

/// The statements to show in `current` (a workspace-relative path), for the `missing` names in
/// order: each name's statement from the file nearest to `current` by folder (a file beside it
/// writes its imports the way this one must: `crate::` in Rust and relative imports in Python
/// only hold within one crate or package), then from the file that imports the most missing
/// names, so that one file's header shows as a whole rather than a line from each of many files
/// (path order on ties). Each statement once.
pub fn import_statements(
    current: &str,
    missing: &[&str],
    sites: &[ImportSite<'_>],
    limits: &ImportLimits,
) -> Vec<Candidate> {
    let wanted: HashSet<&str> = missing.iter().copied().collect();
    let mut coverage: HashMap<&str, HashSet<&str>> = HashMap::new();
    for site in sites.iter().filter(|s| wanted.contains(s.name)) {
        coverage.entry(site.path).or_default().insert(site.name);
    }
    let mut shown: HashSet<(&str, usize)> = HashSet::new();
    let mut out = Vec::new();
    for name in missing {
        if out.len() >= limits.max_statements {
            break;
        }
        let best = sites.iter().filter(|s| s.name == *name).max_by(|a, b| {
            let count = |s: &ImportSite<'_>| coverage.get(s.path).map_or(0, HashSet::len);
            let near = |s: &ImportSite<'_>| shared_folders(current, s.path);
            near(a)
                .cmp(&near(b))
                .then_with(|| count(a).cmp(&count(b)))
                .then_with(|| b.path.cmp(a.path))
        });
        let Some(site) = best else {
            continue;
        };
        if !shown.insert((site.path, site.start_line)) {
            continue;
        }
        let Some(text) = line_span(site.text, site.start_line, site.end_line) else {
            continue;
        };
        out.push(Candidate {
            source: Source::Definitions,
            path: site.path.to_string(),
            start_line: site.start_line,
            end_line: site.end_line,
            text: text.trim_end().to_string(),
            score: 1.0 / (1.0 + 0.1 * out.len() as f32),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site<'a>(name: &'a str, path: &'a str, text: &'a str, line: usize) -> ImportSite<'a> {
        ImportSite {
            name,
            path,
            text,
            start_line: line,
            end_line: line,
        }
    }

    #[test]
    fn the_header_ends_at_the_first_function_or_class() {
        let defs = [("constant", 3), ("function", 6), ("class", 20)];
        assert!(in_header(2, defs));
        assert!(in_header(5, defs));
        assert!(
            in_header(6, defs),
            "a cursor on the def line is still above it"
        );
        assert!(!in_header(7, defs));
        assert!(in_header(40, [("variable", 1)]));
    }

    #[test]
    fn missing_names_skip_what_the_file_defines_or_already_mentions() {
        let after = "\n@pytest.mark.skipif(not PY_3_13_PLUS)\ndef helper():\n    given(cmp(PY_3_13_PLUS))\n";
        let missing = missing_names(
            after,
            |n| n == "helper",
            "import pytest\nfrom hypothesis import given\n",
            &ImportLimits::default(),
        );
        assert_eq!(missing, ["PY_3_13_PLUS", "cmp"]);
    }

    #[test]
    fn members_and_later_path_segments_are_not_missing_names() {
        let after = "\nexpect(z.object({}).strict()\n  .safeParse(raw)).toBe(fmt::Display);\n\
                     let n = node->next;\nrefine(schema);\n";
        let missing = missing_names(after, |_| false, "", &ImportLimits::default());
        assert_eq!(
            missing,
            ["expect", "raw", "fmt", "node", "refine", "schema"]
        );
    }

    #[test]
    fn one_file_covering_most_names_is_preferred_and_each_statement_shown_once() {
        let a = "from attr._compat import PY_3_13_PLUS\nfrom attr._make import fields\n";
        let b = "from attr._compat import PY_3_13_PLUS, Version\n";
        let sites = [
            site("PY_3_13_PLUS", "tests/b.py", b, 0),
            site("PY_3_13_PLUS", "tests/a.py", a, 0),
            site("fields", "tests/a.py", a, 1),
            site("Version", "tests/b.py", b, 0),
        ];
        let got = import_statements(
            "tests/test_cmp.py",
            &["PY_3_13_PLUS", "fields", "unknown"],
            &sites,
            &ImportLimits::default(),
        );
        let shown: Vec<(&str, &str)> = got
            .iter()
            .map(|c| (c.path.as_str(), c.text.trim_end()))
            .collect();
        assert_eq!(
            shown,
            [
                ("tests/a.py", "from attr._compat import PY_3_13_PLUS"),
                ("tests/a.py", "from attr._make import fields"),
            ]
        );
        assert!(got[0].score > got[1].score);
        assert!(got.iter().all(|c| c.source == Source::Definitions));
    }

    #[test]
    fn a_file_beside_the_current_one_is_preferred_to_one_covering_more_names() {
        // From tests/, the crate's own `use crate::{Error, StdError};` does not compile.
        let src = "use crate::{Error, StdError};\nuse alloc::boxed::Box;\n";
        let test = "use std::error::Error as StdError;\n";
        let sites = [
            site("StdError", "src/error.rs", src, 0),
            site("Box", "src/error.rs", src, 1),
            site("StdError", "tests/test_source.rs", test, 0),
        ];
        let got = import_statements(
            "tests/test_boxed.rs",
            &["StdError", "Box"],
            &sites,
            &ImportLimits::default(),
        );
        let shown: Vec<&str> = got.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(shown, ["tests/test_source.rs", "src/error.rs"]);
        assert_eq!(got[0].text, "use std::error::Error as StdError;");
    }

    #[test]
    fn ties_go_to_the_first_path_and_the_limit_holds() {
        let text = "use crate::parse::Error;\n";
        let sites = [
            site("Error", "src/z.rs", text, 0),
            site("Error", "src/a.rs", text, 0),
        ];
        let got = import_statements("src/error.rs", &["Error"], &sites, &ImportLimits::default());
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].path, "src/a.rs");
        let none = import_statements(
            "src/error.rs",
            &["Error"],
            &sites,
            &ImportLimits {
                max_statements: 0,
                ..ImportLimits::default()
            },
        );
        assert!(none.is_empty());
    }
}
