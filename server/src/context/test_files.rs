//! Telling test code from the code under test by its path, so that context for library code
//! does not come from tests: a small model copies what it sees last, and a test's snippet pulls
//! it toward asserts and fixtures instead of the API the line needs.

/// Folder names that hold tests.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "spec",
    "specs",
    "testdata",
    "testing",
];

/// Whether `path` (workspace-relative, `/`-separated) looks like a test file by the common
/// conventions: a test folder, `test_x.py`, `x_test.go`/`x_test.py`, `x.test.ts`, `x.spec.js`,
/// `conftest.py`.
pub fn is_test_path(path: &str) -> bool {
    // Runs for every file the context step looks at, on every keystroke: no allocation.
    let (dirs, file) = path.rsplit_once('/').unwrap_or(("", path));
    if dirs.split('/').any(|dir| TEST_DIRS.contains(&dir)) {
        return true;
    }
    let stem = file.split('.').next().unwrap_or(file);
    let middle_marks = file
        .split('.')
        .skip(1)
        .any(|part| part == "test" || part == "spec");
    stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_spec")
        || stem == "conftest"
        || middle_marks
}

/// Whether context may come from `candidate_path` for a prompt in `current_path`: test files
/// only serve other tests; the current file always serves itself.
pub fn may_serve(candidate_path: &str, current_path: &str) -> bool {
    candidate_path == current_path || is_test_path(current_path) || !is_test_path(candidate_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_paths_by_convention() {
        let tests = [
            "tests/test_basic.py",
            "testing/x.py",
            "pkg/uuid_test.go",
            "v3/tests/array.test.ts",
            "src/__tests__/a.ts",
            "lib/a.spec.js",
            "conftest.py",
            "test_cli.py",
            "spec/models/user_spec.rb",
        ];
        let code = [
            "src/requests/sessions.py",
            "src/attr/_make.py",
            "v3/types.ts",
            "uuid.go",
            "src/testing_tools.rs",
            "contest.py",
            "latest.py",
            "src/manifest.rs",
            "src/click/testing_helpers/x.py",
        ];
        for path in tests {
            assert!(is_test_path(path), "{path} is a test");
        }
        for path in code {
            assert!(!is_test_path(path), "{path} is no test");
        }
    }

    #[test]
    fn tests_serve_tests_and_code_serves_everyone() {
        assert!(may_serve("src/a.py", "src/b.py"));
        assert!(may_serve("src/a.py", "tests/test_b.py"));
        assert!(may_serve("tests/test_a.py", "tests/test_b.py"));
        assert!(!may_serve("tests/test_a.py", "src/b.py"));
        assert!(may_serve("tests/test_a.py", "tests/test_a.py"));
    }
}
