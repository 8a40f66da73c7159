//! `tandem eval holes REPO --output TASKS.jsonl`: makes fill-in-the-middle task files from any
//! repository. The walk and the file I/O live here; the choice of holes is `eval::holes`.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use ignore::overrides::{Override, OverrideBuilder};

use crate::eval::holes::{self, HoleKind, HoleSettings, HoleTask, SourceFile};
use crate::syntax::{language_for, Language, LANGUAGES};

/// Arguments of `tandem eval holes`.
#[derive(Args, Debug, Clone)]
pub struct HolesArgs {
    /// Repository to cut holes in; its .gitignore rules are followed.
    pub repo: PathBuf,
    /// Seed of every random choice: the same seed and files give a byte-identical task file.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Tasks to write at most.
    #[arg(long, default_value_t = 200)]
    pub count: usize,
    /// Holes per file at most.
    #[arg(long, default_value_t = 3)]
    pub per_file: usize,
    /// Languages to take files from, comma-separated (python, rust, typescript, tsx, go, c, cpp,
    /// java, javascript, or LSP languageIds); default all.
    #[arg(long, value_delimiter = ',')]
    pub languages: Vec<String>,
    /// Hole kinds, comma-separated: line-rest, line, block; default all.
    #[arg(long, value_delimiter = ',')]
    pub kinds: Vec<String>,
    /// Only holes whose hidden text uses a name defined in another file of REPO and not in the
    /// hole's own file (CrossCodeEval's kind of task: the ones repository context is for).
    #[arg(long)]
    pub cross_file: bool,
    /// Paths to leave out, as globs relative to REPO (e.g. `**/locales/**`); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Files larger than this are skipped (generated code, bundles, data).
    #[arg(long, default_value_t = 256 * 1024)]
    pub max_file_bytes: u64,
    /// Task file to write (JSON Lines, the format of eval-format.md).
    #[arg(long, short)]
    pub output: PathBuf,
}

/// What can stop `tandem eval holes`.
#[derive(Debug, thiserror::Error)]
pub enum HolesError {
    /// The repository cannot be opened.
    #[error("cannot open repository {path}: {source}")]
    Repo { path: PathBuf, source: io::Error },
    /// `--languages` names a language tandem does not know.
    #[error("unknown language {0:?}; known: {1}")]
    UnknownLanguage(String, String),
    /// `--kinds` names an unknown hole kind.
    #[error("unknown hole kind {0:?}; known: line-rest, line, block")]
    UnknownKind(String),
    /// An `--exclude` glob does not parse.
    #[error("bad --exclude glob {0:?}: {1}")]
    Exclude(String, ignore::Error),
    /// The task file cannot be written.
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    /// Nothing to cut holes in.
    #[error("no holes found in {0}: it has no readable source files in the selected languages")]
    NoHoles(PathBuf),
}

/// Runs `tandem eval holes`.
pub async fn run(args: HolesArgs) -> ExitCode {
    let output = args.output.clone();
    match tokio::task::spawn_blocking(move || generate(&args)).await {
        Ok(Ok(report)) => {
            eprintln!("tandem eval holes: {report}; wrote {}", output.display());
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => {
            eprintln!("tandem eval holes: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("tandem eval holes: the worker failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What a run made, for the one line printed at the end.
#[derive(Debug, Default)]
pub struct Report {
    files: usize,
    skipped: usize,
    kinds: BTreeMap<String, usize>,
    languages: BTreeMap<String, usize>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count: usize = self.kinds.values().sum();
        let list = |m: &BTreeMap<String, usize>| {
            m.iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        write!(
            f,
            "{count} tasks ({}; {}) from {} files ({} skipped: too large or not UTF-8)",
            list(&self.kinds),
            list(&self.languages),
            self.files,
            self.skipped
        )
    }
}

/// Walks the repository, picks the holes and writes the task file.
pub fn generate(args: &HolesArgs) -> Result<Report, HolesError> {
    let languages = parse_languages(&args.languages)?;
    let kinds = parse_kinds(&args.kinds)?;
    let repo = args
        .repo
        .canonicalize()
        .map_err(|source| HolesError::Repo {
            path: args.repo.clone(),
            source,
        })?;
    let out_dir = args
        .output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let write_error = |source| HolesError::Write {
        path: args.output.clone(),
        source,
    };
    std::fs::create_dir_all(out_dir).map_err(write_error)?;
    let out_dir = out_dir.canonicalize().map_err(write_error)?;

    let excludes = excludes(&repo, &args.exclude)?;
    let (files, skipped) = read_sources(&repo, excludes, &languages, args.max_file_bytes);
    let sources: Vec<SourceFile> = files
        .iter()
        .map(|(path, language, text)| SourceFile {
            path,
            language,
            text,
        })
        .collect();
    let settings = HoleSettings {
        seed: args.seed,
        count: args.count,
        per_file: args.per_file,
        kinds,
        cross_file: args.cross_file,
    };
    let tasks = holes::make_tasks(&sources, &settings, &holes::relative_path(&out_dir, &repo));
    if tasks.is_empty() && args.count > 0 && args.per_file > 0 {
        return Err(HolesError::NoHoles(repo));
    }
    std::fs::write(&args.output, to_jsonl(&tasks)).map_err(write_error)?;

    let mut report = Report {
        files: files.len(),
        skipped,
        ..Report::default()
    };
    for task in &tasks {
        *report.kinds.entry(task.kind.to_string()).or_default() += 1;
        *report.languages.entry(task.language.clone()).or_default() += 1;
    }
    Ok(report)
}

/// One JSON object per line.
fn to_jsonl(tasks: &[HoleTask]) -> String {
    tasks
        .iter()
        .filter_map(|t| serde_json::to_string(t).ok())
        .map(|line| line + "\n")
        .collect()
}

/// The source files under `repo` in the wanted languages, as (relative `/` path, language, text),
/// and how many were skipped for their size or encoding. Hidden files and whatever .gitignore,
/// .ignore, .git/info/exclude or `--exclude` rule out are never read, inside a git checkout or not.
fn read_sources(
    repo: &Path,
    excludes: Override,
    languages: &[&'static Language],
    max_file_bytes: u64,
) -> (Vec<(String, &'static Language, String)>, usize) {
    let mut files = Vec::new();
    let mut skipped = 0;
    let walker = ignore::WalkBuilder::new(repo)
        .require_git(false)
        .follow_links(false)
        .overrides(excludes)
        .build();
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let Some(language) = language_for("", Some(path)) else {
            continue;
        };
        if !languages.is_empty() && !languages.contains(&language) {
            continue;
        }
        let Ok(relative) = path.strip_prefix(repo) else {
            continue;
        };
        if entry.metadata().map_or(true, |m| m.len() > max_file_bytes) {
            skipped += 1;
            continue;
        }
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let relative: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                files.push((relative.join("/"), language, text));
            }
            Err(_) => skipped += 1,
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    (files, skipped)
}

/// The `--exclude` globs as walker overrides (a `!` glob leaves its matches out).
fn excludes(repo: &Path, globs: &[String]) -> Result<Override, HolesError> {
    let mut builder = OverrideBuilder::new(repo);
    for glob in globs {
        builder
            .add(&format!("!{glob}"))
            .map_err(|e| HolesError::Exclude(glob.clone(), e))?;
    }
    builder
        .build()
        .map_err(|e| HolesError::Exclude(globs.join(","), e))
}

fn parse_languages(names: &[String]) -> Result<Vec<&'static Language>, HolesError> {
    names
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|name| {
            let name = name.trim();
            LANGUAGES
                .iter()
                .find(|l| l.name == name || l.language_ids.contains(&name))
                .ok_or_else(|| {
                    let known: Vec<&str> = LANGUAGES.iter().map(|l| l.name).collect();
                    HolesError::UnknownLanguage(name.to_string(), known.join(", "))
                })
        })
        .collect()
}

fn parse_kinds(names: &[String]) -> Result<Vec<HoleKind>, HolesError> {
    let kinds: Vec<HoleKind> = names
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| HoleKind::parse(n.trim()).ok_or_else(|| HolesError::UnknownKind(n.clone())))
        .collect::<Result<_, _>>()?;
    Ok(if kinds.is_empty() {
        HoleKind::ALL.to_vec()
    } else {
        kinds
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PY: &str = "def f(a):\n    b = a + 1\n    c = b * 2\n    return c\n";

    fn args(repo: &Path, output: PathBuf) -> HolesArgs {
        HolesArgs {
            repo: repo.to_path_buf(),
            seed: 1,
            count: 200,
            per_file: 3,
            languages: Vec::new(),
            kinds: Vec::new(),
            cross_file: false,
            exclude: Vec::new(),
            max_file_bytes: 256 * 1024,
            output,
        }
    }

    fn write(root: &Path, path: &str, text: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn read_tasks(path: &Path) -> Vec<serde_json::Value> {
        std::fs::read_to_string(path)
            .expect("task file")
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect()
    }

    #[test]
    fn the_walk_skips_ignored_hidden_excluded_large_and_other_language_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = dir.path().join("repo");
        write(&repo, ".gitignore", "build/\n");
        for path in ["src/keep.py", "build/gen.py", ".hidden/h.py", "vendor/v.py"] {
            write(&repo, path, PY);
        }
        write(&repo, "big.py", &PY.repeat(100));
        write(
            &repo,
            "main.rs",
            "fn main() {\n    let a = 1;\n    go(a);\n}\n",
        );
        let mut a = args(&repo, dir.path().join("out/tasks.jsonl"));
        a.languages = vec!["python".to_string()];
        a.exclude = vec!["vendor/**".to_string()];
        a.max_file_bytes = 1000;
        let report = generate(&a).expect("generates");
        assert_eq!((report.files, report.skipped), (1, 1));
        let tasks = read_tasks(&a.output);
        assert!(!tasks.is_empty());
        for task in &tasks {
            assert_eq!(task["path"], "src/keep.py");
            assert_eq!(task["repo"], "../repo");
            let on_disk = std::fs::read_to_string(
                dir.path()
                    .join("out")
                    .join(task["repo"].as_str().expect("repo"))
                    .join(task["path"].as_str().expect("path")),
            )
            .expect("the task's file, found through its repo field");
            let joined = [&task["prefix"], &task["expected"], &task["suffix"]]
                .iter()
                .map(|v| v.as_str().expect("string"))
                .collect::<String>();
            assert_eq!(joined, on_disk);
        }
    }

    #[test]
    fn the_same_seed_writes_the_same_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        for i in 0..6 {
            write(dir.path(), &format!("m{i}.py"), PY);
        }
        let one = dir.path().join("one.jsonl");
        let two = dir.path().join("two.jsonl");
        generate(&args(dir.path(), one.clone())).expect("first");
        generate(&args(dir.path(), two.clone())).expect("second");
        let one = std::fs::read(one).expect("read");
        assert!(!one.is_empty());
        assert_eq!(one, std::fs::read(two).expect("read"));
    }

    #[test]
    fn unknown_languages_and_kinds_are_errors_that_list_the_known_ones() {
        assert!(matches!(
            parse_languages(&["cobol".to_string()]),
            Err(HolesError::UnknownLanguage(name, known)) if name == "cobol" && known.contains("python")
        ));
        assert!(matches!(
            parse_kinds(&["words".to_string()]),
            Err(HolesError::UnknownKind(_))
        ));
        let by_id =
            parse_languages(&["typescriptreact".to_string(), "go".to_string()]).expect("known");
        assert_eq!(
            by_id.iter().map(|l| l.name).collect::<Vec<_>>(),
            ["tsx", "go"]
        );
        assert_eq!(parse_kinds(&[]).expect("default"), HoleKind::ALL.to_vec());
    }

    #[test]
    fn a_repository_without_sources_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "README.md", "# nothing to see\n");
        let err = generate(&args(dir.path(), dir.path().join("t.jsonl"))).expect_err("no holes");
        assert!(matches!(err, HolesError::NoHoles(_)), "{err}");
    }
}
