//! Which workspace files an import specifier names, by matching path segments against folder and
//! file names. No language rules: `crate::a::b`, `a.b`, `./a/b`, `"a/b.h"` and `a/b` all become
//! the segments `[a, b]`, which name `a/b.<ext>` best, then `b.<ext>` or `a.<ext>` anywhere.
//! An import names a module or an item of one, so only its last two segments may name a file.

use std::cmp::Ordering;

use crate::syntax::LANGUAGES;

/// File stems that stand for their folder as a module: `foo/mod.rs`, `foo/__init__.py` and
/// `foo/index.ts` are what `foo` names.
pub const FOLDER_MODULE_STEMS: &[&str] = &["mod", "__init__", "index"];

/// Languages whose files import each other (a C++ file includes `.h` headers, which tandem
/// reads as C); any other language only imports its own files.
pub const LANGUAGE_FAMILIES: &[&[&str]] = &[&["c", "cpp"], &["javascript", "typescript", "tsx"]];

/// Whether a file in language `a` can import one in language `b` (tandem language names).
pub fn can_import(a: &str, b: &str) -> bool {
    a == b
        || LANGUAGE_FAMILIES
            .iter()
            .any(|family| family.contains(&a) && family.contains(&b))
}

/// How well an import names a file; greater is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Strength {
    /// Consecutive trailing path components of the file the import spells out.
    pub depth: usize,
    /// Whether the import names the file itself (its stem, or its folder for a folder-module
    /// file) rather than only the folder it sits in (a Go package).
    pub direct: bool,
    /// Whether the match ends at the import's last segment (the module itself rather than the
    /// module holding the imported item).
    pub at_end: bool,
}

impl Ord for Strength {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.depth, self.direct, self.at_end).cmp(&(other.depth, other.direct, other.at_end))
    }
}

impl PartialOrd for Strength {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The segments of an import specifier that may name folders or files:
/// `crate::a::{b, c}` → `[crate, a, b, c]`, `../lib/x.js` → `[lib, x]`, `x.h` → `[x]`.
pub fn import_segments(spec: &str) -> Vec<String> {
    strip_source_extension(spec)
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '$' | '@')))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Drops a trailing `.ext` when `ext` belongs to a language tandem knows (`x.h`, `./a.js`), so
/// `x.h` is not read as the module path `x` → `h`.
fn strip_source_extension(spec: &str) -> &str {
    let Some((stem, ext)) = spec.rsplit_once('.') else {
        return spec;
    };
    let ends_a_name = stem
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || c == '_');
    let known = LANGUAGES
        .iter()
        .any(|l| l.extensions.contains(&ext.to_ascii_lowercase().as_str()));
    if ends_a_name && known {
        stem
    } else {
        spec
    }
}

/// The components an import can spell for a workspace-relative path: its folders and stem
/// (`src/a/b.rs` → `[src, a, b]`).
pub fn path_components(rel_path: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = rel_path.split('/').filter(|p| !p.is_empty()).collect();
    if let Some(last) = parts.last_mut() {
        *last = last.rsplit_once('.').map_or(*last, |(stem, _)| stem);
    }
    parts
}

/// The names under which the file at these components can be found: its stem, plus its folder
/// for a folder-module file. The index keys its lookup table by these.
pub fn module_names<'a>(components: &[&'a str]) -> Vec<&'a str> {
    let mut names = Vec::new();
    if let Some((stem, folders)) = components.split_last() {
        names.push(*stem);
        if FOLDER_MODULE_STEMS.contains(stem) {
            if let Some(folder) = folders.last() {
                names.push(*folder);
            }
        }
    }
    names
}

/// How well `segments` (of one import) name the file with these path components, if at all.
pub fn strength(segments: &[String], components: &[&str]) -> Option<Strength> {
    let (stem, folders) = components.split_last()?;
    let mut best: Option<Strength> = None;
    let mut consider = |(depth, at_end): (usize, bool), direct: bool| {
        if depth > 0 {
            let candidate = Strength {
                depth,
                direct,
                at_end,
            };
            best = Some(best.map_or(candidate, |b| b.max(candidate)));
        }
    };
    consider(trailing_match(segments, components), true);
    if FOLDER_MODULE_STEMS.contains(stem) {
        consider(trailing_match(segments, folders), true);
    }
    // A folder named by the import's last segment is a package whose files all belong to it.
    if let Some(last) = segments.last() {
        if folders.last() == Some(&last.as_str()) {
            consider((suffix_len(segments, folders), true), false);
        }
    }
    best
}

/// The longest run of `components` (ending at its last element) that `segments` spell out
/// ending at their last or second-to-last segment, and whether it ends at the last.
fn trailing_match(segments: &[String], components: &[&str]) -> (usize, bool) {
    let n = segments.len();
    let at_end = suffix_len(segments, components);
    let before_end = n
        .checked_sub(1)
        .map_or(0, |end| suffix_len(&segments[..end], components));
    if at_end >= before_end {
        (at_end, true)
    } else {
        (before_end, false)
    }
}

/// How many trailing elements `segments` and `components` share.
fn suffix_len(segments: &[String], components: &[&str]) -> usize {
    segments
        .iter()
        .rev()
        .zip(components.iter().rev())
        .take_while(|(s, c)| s.as_str() == **c)
        .count()
}

/// How many leading folders two workspace-relative paths share; breaks ties toward nearby files.
pub fn shared_folders(a: &str, b: &str) -> usize {
    let folders = |p: &str| -> Vec<String> {
        let mut parts: Vec<String> = p.split('/').map(str::to_string).collect();
        parts.pop();
        parts
    };
    folders(a)
        .iter()
        .zip(folders(b).iter())
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specifiers_split_into_segments() {
        let cases: &[(&str, &[&str])] = &[
            ("crate::index::walk", &["crate", "index", "walk"]),
            ("crate::a::{b, c::D}", &["crate", "a", "b", "c", "D"]),
            (".models", &["models"]),
            ("..models.user", &["models", "user"]),
            ("requests.sessions", &["requests", "sessions"]),
            ("./x", &["x"]),
            ("../lib/x.js", &["lib", "x"]),
            ("./styles.css", &["styles", "css"]),
            (
                "github.com/me/proj/util",
                &["github", "com", "me", "proj", "util"],
            ),
            ("x.h", &["x"]),
            ("sub/x.hpp", &["sub", "x"]),
            ("stdio.h", &["stdio"]),
            ("com.foo.Bar", &["com", "foo", "Bar"]),
            ("@scope/pkg-name", &["@scope", "pkg-name"]),
            ("", &[]),
        ];
        for (spec, expected) in cases {
            assert_eq!(import_segments(spec), *expected, "{spec}");
        }
    }

    #[test]
    fn paths_become_folders_and_stem() {
        assert_eq!(path_components("src/a/b.rs"), ["src", "a", "b"]);
        assert_eq!(path_components("x.d.ts"), ["x.d"]);
        assert_eq!(path_components("Makefile"), ["Makefile"]);
        assert_eq!(module_names(&["src", "a", "mod"]), ["mod", "a"]);
        assert_eq!(module_names(&["pkg", "__init__"]), ["__init__", "pkg"]);
        assert_eq!(module_names(&["index"]), ["index"]);
        assert_eq!(module_names(&["src", "b"]), ["b"]);
    }

    /// (depth, direct, at_end) of the best match.
    type Shape = Option<(usize, bool, bool)>;

    fn strength_of(spec: &str, rel_path: &str) -> Shape {
        strength(&import_segments(spec), &path_components(rel_path))
            .map(|s| (s.depth, s.direct, s.at_end))
    }

    #[test]
    fn imports_name_files_by_trailing_components() {
        let cases: &[(&str, &str, Shape)] = &[
            ("crate::foo::bar", "src/foo/bar.rs", Some((2, true, true))),
            ("crate::foo::bar", "src/foo.rs", Some((1, true, false))),
            ("crate::foo::bar", "src/foo/mod.rs", Some((1, true, false))),
            ("crate::foo::bar", "src/bar/mod.rs", Some((1, true, true))),
            ("crate::foo::bar", "src/other/bar.rs", Some((1, true, true))),
            ("crate::foo::bar", "src/foo/baz.rs", None),
            ("crate::foo::bar", "src/bar/baz.rs", Some((1, false, true))),
            ("crate::foo::bar", "src/crate.rs", None),
            (
                "crate::foo::bar::Baz",
                "src/foo/bar.rs",
                Some((2, true, false)),
            ),
            ("crate::foo::bar::Baz", "src/foo.rs", None),
            (".models", "app/models.py", Some((1, true, true))),
            ("app.services.billing", "web/app.ts", None),
            (
                "requests.sessions",
                "src/requests/sessions.py",
                Some((2, true, true)),
            ),
            (
                "requests.sessions",
                "src/requests/__init__.py",
                Some((1, true, false)),
            ),
            ("./x", "web/x/index.ts", Some((1, true, true))),
            ("./index", "web/index.ts", Some((1, true, true))),
            (
                "github.com/me/proj/util",
                "util/strings.go",
                Some((1, false, true)),
            ),
            (
                "github.com/me/proj/internal/util",
                "internal/util/a.go",
                Some((2, false, true)),
            ),
            ("sub/x.h", "include/sub/x.h", Some((2, true, true))),
            (
                "com.foo.Bar",
                "src/main/java/com/foo/Bar.java",
                Some((3, true, true)),
            ),
            (
                "com.foo.Bar.method",
                "src/com/foo/Bar.java",
                Some((3, true, false)),
            ),
            ("java.util.List", "src/util/Strings.java", None),
            ("fmt", "cmd/main.go", None),
        ];
        for (spec, path, expected) in cases {
            assert_eq!(strength_of(spec, path), *expected, "{spec} → {path}");
        }
    }

    #[test]
    fn deeper_matches_beat_shallower_and_files_beat_packages() {
        let s = |depth, direct, at_end| Strength {
            depth,
            direct,
            at_end,
        };
        assert!(s(2, false, false) > s(1, true, true));
        assert!(s(1, true, false) > s(1, false, true));
        assert!(s(1, true, true) > s(1, true, false));
    }

    #[test]
    fn imports_stay_within_a_language_family() {
        assert!(can_import("python", "python"));
        assert!(can_import("cpp", "c"));
        assert!(can_import("tsx", "javascript"));
        assert!(!can_import("python", "java"));
        assert!(!can_import("rust", "typescript"));
    }

    #[test]
    fn shared_folders_count_common_leading_folders() {
        assert_eq!(shared_folders("a/b/x.rs", "a/b/y.rs"), 2);
        assert_eq!(shared_folders("a/b/x.rs", "a/c/y.rs"), 1);
        assert_eq!(shared_folders("x.rs", "y.rs"), 0);
    }
}
