//! The code the replay types: a pinned source release of a package nobody on the team wrote,
//! fetched once from PyPI into the cache, and the function that is removed and typed back.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the typed file comes from.
#[derive(Debug, Clone)]
pub struct Source {
    /// Folder copied as the workspace (the package and its siblings).
    pub root: PathBuf,
    /// The typed file, relative to `root`.
    pub file: String,
    /// The function removed and typed back.
    pub function: String,
    /// Where it came from, for the report.
    pub origin: String,
}

/// The pinned sdist fetcher, run with python3 (pip cannot download an sdist without building
/// its metadata, which needs the package's build backend).
const FETCH_SDIST: &str = include_str!("fetch_sdist.py");

/// The pinned release's source tree (the sdist's top folder), extracted under `cache` and
/// fetched from PyPI the first time. `requirement` is `name==version`.
pub fn fetch_package(cache: &Path, requirement: &str, sha256: &str) -> Result<PathBuf, String> {
    let (name, version) = requirement
        .split_once("==")
        .ok_or_else(|| format!("--package {requirement:?}: expected name==version"))?;
    let dir = cache
        .join("typing-replay")
        .join(format!("{name}-{version}"));
    if !dir.is_dir() {
        let parent = dir.parent().unwrap_or(cache);
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        let work = tempfile::tempdir_in(parent)
            .map_err(|e| format!("cannot create a temporary dir in {}: {e}", parent.display()))?;
        run(Command::new("python3")
            .args(["-c", FETCH_SDIST, name, version, sha256])
            .arg(work.path()))?;
        std::fs::rename(work.path(), &dir)
            .map_err(|e| format!("cannot move the sources to {}: {e}", dir.display()))?;
    }
    // The sdist holds one top folder, `name-version` (sometimes normalised).
    let tops: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    match tops.as_slice() {
        [top] => Ok(top.clone()),
        _ => Err(format!(
            "{} should hold exactly one folder; remove it to fetch again",
            dir.display()
        )),
    }
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// Copies `from` into `to`, leaving out packaging metadata and caches.
pub fn copy_tree(from: &Path, to: &Path) -> Result<usize, String> {
    let mut copied = 0;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("cannot list {}: {e}", from.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let name_text = name.to_string_lossy();
        if name_text.ends_with(".egg-info") || name_text == "__pycache__" || name_text == "target" {
            continue;
        }
        let path = entry.path();
        let target = to.join(&name);
        if path.is_dir() {
            std::fs::create_dir_all(&target)
                .map_err(|e| format!("cannot create {}: {e}", target.display()))?;
            copied += copy_tree(&path, &target)?;
        } else if path.is_file() {
            std::fs::copy(&path, &target)
                .map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
            copied += 1;
        }
    }
    Ok(copied)
}

/// Byte range of the function `name` in `text`: its whole first line through its last line
/// (newline included), trailing blank lines left out. Works on indentation, so it handles Python
/// and brace languages formatted the usual way.
pub fn function_region(text: &str, name: &str) -> Option<Range<usize>> {
    let heads = [
        format!("def {name}("),
        format!("fn {name}("),
        format!("fn {name}<"),
        format!("function {name}("),
        format!("func {name}("),
    ];
    let mut offset = 0;
    let mut lines = Vec::new();
    for line in text.split_inclusive('\n') {
        lines.push((offset, line));
        offset += line.len();
    }
    let first = lines
        .iter()
        .position(|(_, line)| heads.iter().any(|head| line.contains(head.as_str())))?;
    let indent = |line: &str| line.len() - line.trim_start().len();
    let own_indent = indent(lines[first].1);
    let mut end = lines[first].0 + lines[first].1.len();
    for &(start, line) in &lines[first + 1..] {
        let body = line.trim();
        if body.is_empty() {
            continue;
        }
        if indent(line) <= own_indent {
            // A closing bracket at the function's own indentation still belongs to it: the end
            // of a multi-line signature, or a brace language's closing brace (which ends it).
            if body.starts_with(')') || body.starts_with(']') {
                end = start + line.len();
                continue;
            }
            if body.starts_with('}') {
                end = start + line.len();
            }
            break;
        }
        end = start + line.len();
    }
    Some(lines[first].0..end)
}

/// Checks the region finder on small cases; the bench runs it before typing.
pub fn self_check() -> Result<(), String> {
    let python = "class A:\n    def f(\n        self,\n    ):\n        x = 1\n\n        return x\n\n    def g(self):\n        pass\n";
    let rust = "fn a() {}\n\nfn f<T>(\n    x: T,\n) -> T {\n    x\n}\n\nfn g() {}\n";
    let cases = [
        (
            python,
            "f",
            "    def f(\n        self,\n    ):\n        x = 1\n\n        return x\n",
        ),
        (python, "g", "    def g(self):\n        pass\n"),
        (rust, "f", "fn f<T>(\n    x: T,\n) -> T {\n    x\n}\n"),
    ];
    for (text, name, expected) in cases {
        let got = function_region(text, name).map(|range| &text[range]);
        if got != Some(expected) {
            return Err(format!(
                "function_region({name}): got {got:?}, want {expected:?}"
            ));
        }
    }
    Ok(())
}
