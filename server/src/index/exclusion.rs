//! Whether one path is excluded from the index by the rules the walk applies (hidden names,
//! skipped folders, `.ignore`, `.gitignore`, `.git/info/exclude`), for files that appear after
//! the walk (watched creations, saves of new files) without walking the workspace again.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

use super::walk::SKIPPED_DIRS;

/// Ignore files of one folder.
struct FolderRules {
    dir: PathBuf,
    ignore: Option<Gitignore>,
    gitignore: Option<Gitignore>,
    exclude: Option<Gitignore>,
    has_git: bool,
}

impl FolderRules {
    fn load(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            ignore: load_rules(dir, ".ignore"),
            gitignore: load_rules(dir, ".gitignore"),
            exclude: load_rules(dir, ".git/info/exclude"),
            has_git: dir.join(".git").exists(),
        }
    }
}

fn load_rules(dir: &Path, file: &str) -> Option<Gitignore> {
    let path = dir.join(file);
    if !path.is_file() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(dir);
    // A broken line loses only itself, as in the walk.
    let _ = builder.add(path);
    builder.build().ok().filter(|rules| !rules.is_empty())
}

/// Whether the walk from `root` would leave `path` out. Paths outside `root` are excluded.
pub fn is_excluded(root: &Path, path: &Path, is_dir: bool) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return true;
    };
    let names: Vec<&str> = relative
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    if names.len() != relative.components().count() {
        return true; // not UTF-8: the walk would keep it, but no language matches such a name
    }
    let last = names.len().saturating_sub(1);
    for (i, name) in names.iter().enumerate() {
        let a_dir = i < last || is_dir;
        if name.starts_with('.') || (a_dir && SKIPPED_DIRS.contains(name)) {
            return true;
        }
    }

    // Rules of every folder from the path's parent up to the filesystem root, nearest first.
    let folders: Vec<FolderRules> = path.ancestors().skip(1).map(FolderRules::load).collect();
    // The walk checks each entry on the way down; a path inside an ignored folder is ignored.
    let mut prefix = root.to_path_buf();
    for (i, name) in names.iter().enumerate() {
        prefix.push(name);
        if ignored_here(&folders, &prefix, i < last || is_dir) {
            return true;
        }
    }
    false
}

/// The walk's verdict for one entry: `.ignore` files (nearest first) win over `.gitignore`
/// files, which win over `.git/info/exclude`; git rules stop at the repository's root.
fn ignored_here(folders: &[FolderRules], path: &Path, is_dir: bool) -> bool {
    let mut verdicts = [Verdict::None; 3];
    let mut saw_git = false;
    for rules in folders
        .iter()
        .filter(|r| path.starts_with(&r.dir) && path != r.dir)
    {
        merge(&mut verdicts[0], &rules.ignore, path, is_dir);
        if !saw_git {
            merge(&mut verdicts[1], &rules.gitignore, path, is_dir);
            merge(&mut verdicts[2], &rules.exclude, path, is_dir);
        }
        saw_git |= rules.has_git;
    }
    verdicts
        .into_iter()
        .find(|v| *v != Verdict::None)
        .is_some_and(|v| v == Verdict::Ignore)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    None,
    Ignore,
    Keep,
}

fn merge(verdict: &mut Verdict, rules: &Option<Gitignore>, path: &Path, is_dir: bool) {
    if *verdict != Verdict::None {
        return;
    }
    if let Some(rules) = rules {
        *verdict = match rules.matched(path, is_dir) {
            Match::None => Verdict::None,
            Match::Ignore(_) => Verdict::Ignore,
            Match::Whitelist(_) => Verdict::Keep,
        };
    }
}
