//! `telemetry.never_store`: files whose code and path are never written to the database.

use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};

/// The compiled `never_store` globs.
#[derive(Debug, Clone)]
pub struct NeverStore {
    set: GlobSet,
}

impl NeverStore {
    /// Compiles the globs; a glob that does not parse is skipped and reported, so one typo does
    /// not turn the whole protection off.
    pub fn new(patterns: &[String]) -> (Self, Vec<String>) {
        let mut builder = GlobSetBuilder::new();
        let mut problems = Vec::new();
        for pattern in patterns {
            match Glob::new(pattern) {
                Ok(glob) => {
                    builder.add(glob);
                }
                Err(error) => problems.push(format!(
                    "telemetry.never_store: glob {pattern:?} is invalid ({error}); fix it, it is ignored until then"
                )),
            }
        }
        let set = match builder.build() {
            Ok(set) => set,
            Err(error) => {
                // Failing closed: an unusable list must not mean "store everything".
                problems.push(format!(
                    "telemetry.never_store: the globs could not be combined ({error}); no code or path is stored until this is fixed"
                ));
                match_everything()
            }
        };
        (Self { set }, problems)
    }

    /// Whether a file's code and path must not be stored; `relative` is its workspace-relative
    /// path when it has one, so `secrets/**` works as well as `**/secrets/**`.
    pub fn matches(&self, path: &Path, relative: Option<&str>) -> bool {
        self.set.is_match(path) || relative.is_some_and(|r| self.set.is_match(r))
    }
}

fn match_everything() -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    if let Ok(glob) = Glob::new("**") {
        builder.add(glob);
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> NeverStore {
        let section = crate::config::TelemetrySection::default();
        let (set, problems) = NeverStore::new(&section.never_store);
        assert!(problems.is_empty(), "{problems:?}");
        set
    }

    #[test]
    fn the_default_globs_cover_env_key_and_secret_files() {
        let set = defaults();
        let stored_never = [
            "/home/u/proj/.env",
            "/home/u/proj/.env.local",
            "/home/u/proj/certs/server.pem",
            "/home/u/proj/deploy/prod.key",
            "/home/u/.ssh/id_rsa",
            "/home/u/.ssh/id_ed25519.pub",
            "/home/u/proj/secrets/db.yaml",
            "/home/u/proj/config/client_secret.json",
            "/home/u/proj/aws_credentials",
            "/home/u/.netrc",
            "/home/u/proj/.npmrc",
        ];
        for path in stored_never {
            assert!(set.matches(Path::new(path), None), "{path}");
        }
        let stored = [
            "/home/u/proj/src/main.rs",
            "/home/u/proj/src/environment.rs",
            "/home/u/proj/keyboard.py",
            "/home/u/proj/README.md",
        ];
        for path in stored {
            assert!(!set.matches(Path::new(path), None), "{path}");
        }
    }

    #[test]
    fn relative_globs_match_the_workspace_relative_path() {
        let (set, _) = NeverStore::new(&["private/**".to_string()]);
        assert!(set.matches(Path::new("/w/private/a.rs"), Some("private/a.rs")));
        assert!(!set.matches(Path::new("/w/src/a.rs"), Some("src/a.rs")));
    }

    #[test]
    fn an_invalid_glob_is_reported_and_the_others_still_apply() {
        let (set, problems) = NeverStore::new(&["a[".to_string(), "**/*.pem".to_string()]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("a["), "{problems:?}");
        assert!(set.matches(Path::new("/x/cert.pem"), None));
    }
}
