//! Names the current file takes from other files, wherever in the file it uses them: the
//! definitions source looks them up after the names around the cursor.
//!
//! The names around the cursor say what the next line is about; these say what the file works
//! with. A name imported and not used yet is the likeliest of all: the user imported it to use it
//! (and a hole in an eval task is exactly such a place). After it, the names of other files the
//! file uses most.

use std::cmp::Reverse;
use std::collections::HashMap;

use super::identifiers::words;

/// Names of the current file worth a definition though they may not be near the cursor, best
/// first, at most `max`: first the names the file imports but does not use anywhere else in
/// `text` (in import order), then the names it imports or refers to, most used first (ties in
/// order of their first mention). `imported` are the imported names in file order, `referenced`
/// the names the file refers to; only names `defined_elsewhere` says another file defines are
/// kept, so a standard-library module (`os`, `fmt`) takes no place.
pub fn file_names(
    imported: &[&str],
    referenced: &[&str],
    text: &str,
    defined_elsewhere: impl Fn(&str) -> bool,
    max: usize,
) -> Vec<String> {
    // Candidates in order of first mention: imports come first in most files anyway.
    let mut order: Vec<&str> = Vec::new();
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for name in imported.iter().chain(referenced) {
        if !uses.contains_key(name) && defined_elsewhere(name) {
            uses.insert(name, 0);
            order.push(name);
        }
    }
    // One pass over the file's words counts every candidate; the import itself is one use.
    for (_, word) in words(text) {
        if let Some(count) = uses.get_mut(word) {
            *count += 1;
        }
    }
    let unused = |name: &str| imported.contains(&name) && uses[name] <= 1;
    // Not-yet-used imports first, in import order; then by uses, most first.
    let mut ranked: Vec<(bool, Reverse<usize>, usize, &str)> = order
        .iter()
        .enumerate()
        .map(|(first, &name)| match unused(name) {
            true => (false, Reverse(0), first, name),
            false => (true, Reverse(uses[name]), first, name),
        })
        .collect();
    ranked.sort_unstable();
    ranked
        .into_iter()
        .take(max)
        .map(|(.., name)| name.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "from .models import Request, Response\nfrom .hooks import dispatch\nimport os\n\ndef send(r):\n    p = Request(r)\n    q = Request(p)\n    os.path.join('a')\n    return audit(q)\n\ndef audit(q):\n    return log(q)\n";

    fn defined(names: &'static [&'static str]) -> impl Fn(&str) -> bool {
        move |name| names.contains(&name)
    }

    #[test]
    fn imported_names_not_used_yet_come_first_then_the_most_used() {
        let names = file_names(
            &["models", "Request", "Response", "hooks", "dispatch", "os"],
            &["Request", "log"],
            APP,
            defined(&["Request", "Response", "dispatch", "log"]),
            8,
        );
        assert_eq!(names, ["Response", "dispatch", "Request", "log"]);
    }

    #[test]
    fn names_no_other_file_defines_take_no_place() {
        let names = file_names(
            &["models", "Request", "os"],
            &["audit", "join"],
            APP,
            defined(&["Request"]),
            8,
        );
        assert_eq!(names, ["Request"]);
    }

    #[test]
    fn at_most_max_names() {
        let names = file_names(
            &["Request", "Response", "dispatch"],
            &["log"],
            APP,
            defined(&["Request", "Response", "dispatch", "log"]),
            2,
        );
        assert_eq!(names, ["Response", "dispatch"]);
    }

    #[test]
    fn a_name_imported_and_referred_to_counts_once() {
        let names = file_names(
            &["Request"],
            &["Request", "Request"],
            APP,
            defined(&["Request"]),
            8,
        );
        assert_eq!(names, ["Request"]);
    }
}
