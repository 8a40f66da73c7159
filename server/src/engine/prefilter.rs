//! Cheap checks that decide a completion is not worth the model's time.

use globset::GlobSet;
use serde::Serialize;

use crate::context::is_word_char;

/// Why no completion was requested from the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    Disabled,
    FileTooLarge,
    IgnoredPath,
    /// The cursor is inside a word that continues to its right.
    InsideWord,
    /// The backend asked us to wait (HTTP 429 Retry-After).
    RateLimited,
}

/// Inputs of the prefilters, as plain data.
pub struct PrefilterInput<'a> {
    pub enabled: bool,
    pub file_bytes: usize,
    pub max_file_bytes: u64,
    /// Workspace-relative (or absolute) path, when the document has one.
    pub path: Option<&'a std::path::Path>,
    pub ignore: &'a GlobSet,
    pub line_prefix: &'a str,
    pub line_suffix: &'a str,
}

/// The first reason to skip, or `None` to go ahead.
pub fn check(input: &PrefilterInput<'_>) -> Option<SkipReason> {
    if !input.enabled {
        return Some(SkipReason::Disabled);
    }
    if input.file_bytes as u64 > input.max_file_bytes {
        return Some(SkipReason::FileTooLarge);
    }
    if input.path.is_some_and(|p| input.ignore.is_match(p)) {
        return Some(SkipReason::IgnoredPath);
    }
    let left = input.line_prefix.chars().next_back();
    let right = input.line_suffix.chars().next();
    if left.is_some_and(is_word_char) && right.is_some_and(is_word_char) {
        return Some(SkipReason::InsideWord);
    }
    None
}

/// Compiles the ignore globs; invalid ones were already rejected by config validation.
pub fn compile_ignore(globs: &[String]) -> GlobSet {
    let mut builder = globset::GlobSetBuilder::new();
    for glob in globs {
        if let Ok(glob) = globset::GlobBuilder::new(glob)
            .literal_separator(false)
            .build()
        {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn run(
        path: Option<&str>,
        line_prefix: &str,
        line_suffix: &str,
        bytes: usize,
    ) -> Option<SkipReason> {
        let ignore = compile_ignore(&["**/.env*".into(), "**/*.pem".into()]);
        check(&PrefilterInput {
            enabled: true,
            file_bytes: bytes,
            max_file_bytes: 1_000,
            path: path.map(Path::new),
            ignore: &ignore,
            line_prefix,
            line_suffix,
        })
    }

    /// path, line prefix, line suffix, file bytes, expected.
    type Case<'a> = (Option<&'a str>, &'a str, &'a str, usize, Option<SkipReason>);

    #[test]
    fn skips_and_passes() {
        let cases: &[Case] = &[
            (Some("/w/src/main.py"), "x = ", "", 10, None),
            (
                Some("/w/src/main.py"),
                "fo",
                "o()",
                10,
                Some(SkipReason::InsideWord),
            ),
            (Some("/w/src/main.py"), "foo(", ")", 10, None),
            (Some("/w/src/main.py"), "foo", " + 1", 10, None),
            (
                Some("/w/.env.local"),
                "KEY=",
                "",
                10,
                Some(SkipReason::IgnoredPath),
            ),
            (
                Some("/w/certs/server.pem"),
                "",
                "",
                10,
                Some(SkipReason::IgnoredPath),
            ),
            (None, "x = ", "", 10, None),
            (
                Some("/w/big.py"),
                "x = ",
                "",
                5_000,
                Some(SkipReason::FileTooLarge),
            ),
            (None, "naïve", "é", 10, Some(SkipReason::InsideWord)),
        ];
        for (path, lp, ls, bytes, expected) in cases {
            assert_eq!(
                run(*path, lp, ls, *bytes),
                *expected,
                "{path:?} {lp:?}|{ls:?}"
            );
        }
    }

    #[test]
    fn disabled_wins() {
        let ignore = GlobSet::empty();
        let input = PrefilterInput {
            enabled: false,
            file_bytes: 0,
            max_file_bytes: 10,
            path: None,
            ignore: &ignore,
            line_prefix: "",
            line_suffix: "",
        };
        assert_eq!(check(&input), Some(SkipReason::Disabled));
    }
}
