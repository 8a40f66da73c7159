//! Cross-file holes, in the manner of CrossCodeEval: holes whose hidden text uses a name that is
//! defined in another file of the repository and nowhere in the hole's own file. A model that
//! sees only the current file has to guess such a name, its signature or its fields; these are
//! the holes repository context exists for. Random holes alone mostly ask for the rest of a line
//! that the file itself already determines.
//!
//! Pure: definitions come in as names per file, holes go out narrowed.

use std::collections::{HashMap, HashSet};

use super::holes::Candidate;

/// Shortest name that counts: shorter ones (`i`, `ok`, `fs`) are locals or too common to say
/// anything about where they come from.
pub const MIN_NAME_CHARS: usize = 3;
/// A name defined in more files than this is generic (`new`, `get`, `parse`): its use says
/// nothing about which other file the hole needs.
pub const MAX_DEFINING_FILES: usize = 3;
/// Definition kinds that do not count: a module-level `variable` (`project = "attrs"`, a local
/// `setup`) or a `module` is not an API another file offers.
pub const IGNORED_KINDS: [&str; 2] = ["variable", "module"];

/// Which files define which names.
#[derive(Debug, Default)]
pub struct Definers {
    by_name: HashMap<String, HashSet<usize>>,
}

impl Definers {
    /// From the definitions of each file as (name, kind), files numbered by their place in
    /// `files`.
    pub fn new<'a>(
        files: impl IntoIterator<Item = impl IntoIterator<Item = (&'a str, &'a str)>>,
    ) -> Self {
        let mut by_name: HashMap<String, HashSet<usize>> = HashMap::new();
        for (file, definitions) in files.into_iter().enumerate() {
            for (name, kind) in definitions {
                if !IGNORED_KINDS.contains(&kind) {
                    by_name.entry(name.to_string()).or_default().insert(file);
                }
            }
        }
        Self { by_name }
    }

    /// Whether `name`, seen in file `file`, is defined in another file (and in few of them) but
    /// not in `file` itself.
    pub fn is_cross_file(&self, name: &str, file: usize) -> bool {
        if name.chars().count() < MIN_NAME_CHARS {
            return false;
        }
        self.by_name
            .get(name)
            .is_some_and(|files| !files.contains(&file) && files.len() <= MAX_DEFINING_FILES)
    }
}

/// The candidates of file `file` whose hidden text must contain a reference to a cross-file
/// name. `references` are the file's references as (byte offset, name) in order, as the tags
/// query captures them (`index::reference_sites`): a word in a string, a comment or an attribute
/// (`#[cfg(not(…))]`) does not count. A `line-rest` candidate's latest cursor column moves back
/// to the start of its last cross-file reference, so whatever column is drawn leaves that name in
/// the hidden text.
pub fn cross_file_candidates(
    references: &[(usize, &str)],
    candidates: &[Candidate],
    file: usize,
    definers: &Definers,
) -> Vec<Candidate> {
    candidates
        .iter()
        .filter_map(|candidate| {
            let last = references
                .iter()
                .rev()
                .find(|(at, name)| {
                    (candidate.start_lo..candidate.end).contains(at)
                        && at + name.len() <= candidate.end
                        && definers.is_cross_file(name, file)
                })
                .map(|(at, _)| *at)?;
            Some(Candidate {
                start_hi: candidate.start_hi.min(last),
                ..candidate.clone()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::holes::HoleKind;

    /// Every word as a reference: these tests are about the filter, not about the query.
    fn refs(text: &str) -> Vec<(usize, &str)> {
        crate::context::words(text).collect()
    }

    fn candidate(text: &str, line: &str, kind: HoleKind) -> Candidate {
        let start = text.find(line).expect("line in text");
        Candidate {
            kind,
            first_line: text[..start].matches('\n').count(),
            last_line: text[..start].matches('\n').count(),
            start_lo: start,
            start_hi: if kind == HoleKind::LineRest {
                start + line.len() - 1
            } else {
                start
            },
            end: start + line.len(),
        }
    }

    #[test]
    fn only_holes_using_a_name_from_another_file_are_kept() {
        let text = "x = local_helper(1)\ny = Session(x)\nz = get(y)\nw = len(z)\n";
        // File 0 is the hole's file; file 1 defines Session; `get` is defined in four other
        // files, `local_helper` here and elsewhere too; `len` is only a variable elsewhere.
        let f = |name| (name, "function");
        let definers = Definers::new(vec![
            vec![f("local_helper")],
            vec![("Session", "class"), f("get"), f("local_helper")],
            vec![f("get")],
            vec![f("get")],
            vec![f("get")],
            vec![("w", "variable"), ("len", "variable")],
        ]);
        let candidates: Vec<Candidate> = text
            .lines()
            .map(|l| candidate(text, l, HoleKind::Line))
            .collect();
        let kept = cross_file_candidates(&refs(text), &candidates, 0, &definers);
        let lines: Vec<usize> = kept.iter().map(|c| c.first_line).collect();
        assert_eq!(lines, [1], "only the Session line: {kept:?}");
    }

    #[test]
    fn a_line_rest_cursor_never_passes_the_cross_file_name() {
        let text = "value = models.Cart(items).total()\n";
        let line = text.trim_end();
        let definers = Definers::new(vec![vec![], vec![("Cart", "class"), ("total", "method")]]);
        let found = cross_file_candidates(
            &refs(text),
            &[candidate(text, line, HoleKind::LineRest)],
            0,
            &definers,
        );
        assert_eq!(found.len(), 1);
        // The last cross-file name is `total`: the cursor may stop anywhere before it.
        assert_eq!(found[0].start_hi, text.find("total").unwrap());
        assert_eq!(found[0].start_lo, 0);
    }

    #[test]
    fn short_names_do_not_count() {
        let text = "a = fs(x)\n";
        let definers = Definers::new(vec![vec![], vec![("fs", "function")]]);
        let kept = cross_file_candidates(
            &refs(text),
            &[candidate(text, text.trim_end(), HoleKind::Line)],
            0,
            &definers,
        );
        assert!(kept.is_empty());
    }

    #[test]
    fn only_references_count_not_words_in_strings_comments_or_attributes() {
        let rust = crate::syntax::language_named("rust").expect("rust");
        let text = "#[cfg(not(feature = \"std\"))]\nfn f() { log(\"not\"); /* not */ }\nfn g() { not(x); }\n";
        let definers = Definers::new(vec![vec![], vec![("not", "function")]]);
        let lines: Vec<Candidate> = text
            .lines()
            .map(|l| candidate(text, l, HoleKind::Line))
            .collect();
        let references = crate::index::reference_sites(rust, text);
        let kept = cross_file_candidates(&references, &lines, 0, &definers);
        let kept: Vec<usize> = kept.iter().map(|c| c.first_line).collect();
        assert_eq!(kept, [2], "only the call of not() in g: {references:?}");
    }
}
