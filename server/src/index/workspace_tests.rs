//! `WorkspaceIndex` on generated workspaces: what the walk selects, caps, lookups, and staying
//! current through edits, renames, deletions and open buffers.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::test_workspace::{definitions, indexed, Workspace, ROOMY};
use super::{IndexProgress, IndexSettings, WorkspaceIndex};

#[test]
fn build_indexes_files_of_known_languages_only() {
    let ws = Workspace::new(&[
        ("src/lib.rs", "pub fn alpha() {}\n"),
        ("tools/run.py", "def beta():\n    pass\n"),
        ("web/app.ts", "export function gamma() {}\n"),
        ("README.md", "# alpha\n"),
        ("data.json", "{}"),
        ("Makefile", "all:\n"),
    ]);
    let index = WorkspaceIndex::new(ws.root().to_path_buf(), ROOMY);
    assert!(!index.is_ready());
    assert!(index.is_empty());
    index.build(&|_| {});
    assert!(index.is_ready());
    assert_eq!(
        indexed(&index, &ws),
        ["src/lib.rs", "tools/run.py", "web/app.ts"]
    );
    let file = index.file(&ws.path("tools/run.py")).expect("indexed");
    assert_eq!(file.language, "python");
    assert_eq!(&*file.text, "def beta():\n    pass\n");
    assert_eq!(
        definitions(&index, "beta"),
        [("tools/run.py".into(), "function".into(), 0)]
    );
}

#[test]
fn gitignore_hidden_and_dependency_folders_are_not_indexed() {
    let ws = Workspace::new(&[
        (".gitignore", "generated/\n*.gen.rs\n!keep.gen.rs\n"),
        ("src/main.rs", "fn main() {}\n"),
        ("src/out.gen.rs", "fn out() {}\n"),
        ("src/keep.gen.rs", "fn keep() {}\n"),
        ("generated/api.rs", "fn api() {}\n"),
        ("sub/.gitignore", "local.py\n"),
        ("sub/local.py", "x = 1\n"),
        ("sub/shared.py", "y = 1\n"),
        (".hidden/secret.rs", "fn secret() {}\n"),
        (".env.js", "const KEY = 1;\n"),
        ("node_modules/dep/index.js", "function dep() {}\n"),
        ("target/debug/build.rs", "fn build() {}\n"),
        ("vendor/lib/lib.go", "package lib\n"),
        ("deep/node_modules/x.js", "function x() {}\n"),
    ]);
    let index = ws.index(ROOMY);
    let expected = ["src/keep.gen.rs", "src/main.rs", "sub/shared.py"];
    assert_eq!(indexed(&index, &ws), expected);

    // Files appearing later go through the same rules.
    for (rel, text) in [
        ("generated/new.rs", "fn fresh() {}\n"),
        ("sub/local.py", "z = 2\n"),
        ("src/two.gen.rs", "fn two() {}\n"),
        (".hidden/more.rs", "fn more() {}\n"),
        ("node_modules/dep/more.js", "function more() {}\n"),
    ] {
        ws.write(rel, text);
        index.refresh_from_disk(&ws.path(rel));
    }
    assert_eq!(indexed(&index, &ws), expected);
    ws.write("src/added.rs", "fn added() {}\n");
    index.refresh_from_disk(&ws.path("src/added.rs"));
    assert_eq!(definitions(&index, "added").len(), 1);
}

#[test]
fn dot_ignore_files_and_git_exclude_are_respected() {
    let ws = Workspace::new(&[
        (".ignore", "scratch/\n"),
        (".git/info/exclude", "local_*.py\n"),
        ("scratch/a.py", "a = 1\n"),
        ("local_notes.py", "b = 1\n"),
        ("kept.py", "c = 1\n"),
    ]);
    let index = ws.index(ROOMY);
    assert_eq!(indexed(&index, &ws), ["kept.py"]);
    ws.write("scratch/b.py", "d = 1\n");
    index.refresh_from_disk(&ws.path("scratch/b.py"));
    assert_eq!(indexed(&index, &ws), ["kept.py"]);
}

#[test]
fn files_over_the_size_cap_are_skipped_and_dropped_when_they_grow() {
    let ws = Workspace::new(&[
        ("small.py", "def small():\n    pass\n"),
        (
            "big.py",
            &format!("def big():\n    return '{}'\n", "x".repeat(500)),
        ),
    ]);
    let settings = IndexSettings {
        max_files: 100,
        max_file_bytes: 200,
    };
    let index = ws.index(settings);
    assert_eq!(indexed(&index, &ws), ["small.py"]);
    ws.write(
        "small.py",
        &format!("def small():\n    return '{}'\n", "y".repeat(500)),
    );
    index.refresh_from_disk(&ws.path("small.py"));
    assert!(index.is_empty());
}

#[test]
fn the_file_cap_keeps_the_first_files_in_walk_order() {
    let ws = Workspace::new(&[
        ("b/two.py", "b2 = 1\n"),
        ("a/one.py", "a1 = 1\n"),
        ("c.py", "c = 1\n"),
        ("a/zero.py", "a0 = 1\n"),
        ("d.py", "d = 1\n"),
    ]);
    let settings = IndexSettings {
        max_files: 3,
        max_file_bytes: 1_000,
    };
    let index = ws.index(settings);
    assert_eq!(indexed(&index, &ws), ["a/one.py", "a/zero.py", "b/two.py"]);
    ws.write("e.py", "e = 1\n");
    index.refresh_from_disk(&ws.path("e.py"));
    assert_eq!(index.len(), 3, "a new file does not break the cap");
    ws.write("a/one.py", "a1 = 2\nmore = 3\n");
    index.refresh_from_disk(&ws.path("a/one.py"));
    assert_eq!(
        definitions(&index, "more").len(),
        1,
        "indexed files still update"
    );
}

#[test]
fn definitions_are_listed_by_path_then_line() {
    let ws = Workspace::new(&[
        ("z.py", "def helper():\n    pass\n"),
        (
            "a.py",
            "x = 1\n\ndef helper():\n    pass\n\nclass helper:\n    pass\n",
        ),
        ("m.rs", "fn other() {}\n"),
    ]);
    let index = ws.index(ROOMY);
    assert_eq!(
        definitions(&index, "helper"),
        [
            ("a.py".to_string(), "function".to_string(), 2),
            ("a.py".to_string(), "class".to_string(), 5),
            ("z.py".to_string(), "function".to_string(), 0),
        ]
    );
    assert!(definitions(&index, "missing").is_empty());
}

#[test]
fn files_changed_outside_the_editor_are_reread_on_refresh() {
    let ws = Workspace::new(&[("lib.py", "def old_name():\n    pass\n")]);
    let index = ws.index(ROOMY);
    ws.write("lib.py", "def new_name():\n    pass\n");
    assert_eq!(definitions(&index, "old_name").len(), 1, "stale until told");
    index.refresh_from_disk(&ws.path("lib.py"));
    assert!(definitions(&index, "old_name").is_empty());
    assert_eq!(definitions(&index, "new_name").len(), 1);

    // A rebuild picks up changes nobody reported, and drops files deleted meanwhile.
    ws.write("lib.py", "def third():\n    pass\n");
    ws.write("extra.py", "def extra():\n    pass\n");
    index.build(&|_| {});
    assert!(definitions(&index, "new_name").is_empty());
    assert_eq!(definitions(&index, "third").len(), 1);
    ws.delete("extra.py");
    index.build(&|_| {});
    assert!(definitions(&index, "extra").is_empty());
    assert_eq!(index.len(), 1);
}

#[test]
fn renamed_files_and_folders_move_their_definitions() {
    let ws = Workspace::new(&[
        ("src/alpha.rs", "pub fn alpha() {}\n"),
        ("src/util/strings.rs", "pub fn trim() {}\n"),
        ("src/util/numbers.rs", "pub fn round() {}\n"),
    ]);
    let index = ws.index(ROOMY);

    // Watchers report a rename as a deletion and a creation.
    ws.rename("src/alpha.rs", "src/beta.rs");
    index.remove(&ws.path("src/alpha.rs"));
    index.refresh_from_disk(&ws.path("src/beta.rs"));
    assert!(index.file(&ws.path("src/alpha.rs")).is_none());
    assert_eq!(
        definitions(&index, "alpha"),
        [("src/beta.rs".into(), "function".into(), 0)]
    );

    ws.rename("src/util", "src/helpers");
    index.remove(&ws.path("src/util"));
    index.refresh_from_disk(&ws.path("src/helpers"));
    assert_eq!(
        indexed(&index, &ws),
        [
            "src/beta.rs",
            "src/helpers/numbers.rs",
            "src/helpers/strings.rs"
        ]
    );
    assert_eq!(index.len(), 3);
    assert_eq!(definitions(&index, "trim")[0].0, "src/helpers/strings.rs");
}

#[test]
fn deleted_files_and_folders_leave_the_index() {
    let ws = Workspace::new(&[
        ("keep.go", "package p\nfunc Keep() {}\n"),
        ("gone.go", "package p\nfunc Gone() {}\n"),
        ("pkg/a.go", "package pkg\nfunc A() {}\n"),
        ("pkg/b.go", "package pkg\nfunc B() {}\n"),
    ]);
    let index = ws.index(ROOMY);
    ws.delete("gone.go");
    index.remove(&ws.path("gone.go"));
    ws.delete("pkg");
    index.remove(&ws.path("pkg"));
    assert_eq!(index.len(), 1);
    for name in ["Gone", "A", "B"] {
        assert!(definitions(&index, name).is_empty(), "{name}");
    }
    // A refresh of a path that no longer exists counts as a deletion too.
    ws.delete("keep.go");
    index.refresh_from_disk(&ws.path("keep.go"));
    assert!(index.is_empty());
}

#[test]
fn an_open_buffer_beats_the_disk_until_it_is_closed() {
    let answer = "fn answer() -> u32 {\n    42\n}\n";
    let ws = Workspace::new(&[("src/task.rs", answer), ("src/other.rs", "fn other() {}\n")]);
    let path = ws.path("src/task.rs");
    let index = WorkspaceIndex::new(ws.root().to_path_buf(), ROOMY);
    let buffer = "fn answer() -> u32 {\n    \n}\n\nfn typed() {}\n";
    index.set_buffer(&path, "rust", buffer);

    index.build(&|_| {});
    assert_eq!(index.len(), 2);
    assert_eq!(&*index.file(&path).expect("buffer").text, buffer);
    index.build(&|_| {});
    index.refresh_from_disk(&path);
    index.remove(&path);
    let file = index.file(&path).expect("still the buffer");
    assert_eq!(&*file.text, buffer);
    assert_eq!(definitions(&index, "typed").len(), 1);

    index.buffer_closed(&path);
    assert_eq!(&*index.file(&path).expect("disk").text, answer);
    assert!(definitions(&index, "typed").is_empty());
}

#[test]
fn a_buffer_set_during_a_build_survives_it() {
    let files: Vec<(String, String)> = (0..300)
        .map(|i| {
            (
                format!("m{i:03}.py"),
                format!("def f{i}():\n    return {i}\n"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let ws = Workspace::new(&refs);
    let index = WorkspaceIndex::new(ws.root().to_path_buf(), ROOMY);
    let path = ws.path("m150.py");
    let buffer = "def f150():\n    return 'edited'\n";
    std::thread::scope(|scope| {
        scope.spawn(|| index.build(&|_| {}));
        scope.spawn(|| index.set_buffer(&path, "python", buffer));
    });
    assert_eq!(&*index.file(&path).expect("indexed").text, buffer);
    assert_eq!(index.len(), 300);
}

#[test]
fn buffers_of_new_and_unknown_files() {
    let ws = Workspace::new(&[("a.py", "a = 1\n")]);
    let index = ws.index(ROOMY);
    let unsaved = ws.path("new.py");
    index.set_buffer(&unsaved, "python", "def draft():\n    pass\n");
    assert_eq!(definitions(&index, "draft").len(), 1);
    index.buffer_closed(&unsaved);
    assert!(
        index.file(&unsaved).is_none(),
        "never saved: gone with its buffer"
    );

    index.set_buffer(&ws.path("notes.txt"), "plaintext", "def nothing(): pass");
    assert!(index.file(&ws.path("notes.txt")).is_none());
    assert_eq!(index.len(), 1);
}

#[test]
fn lookups_answer_while_the_build_fills_the_index() {
    let files: Vec<(String, String)> = (0..250)
        .map(|i| {
            (
                format!("f{i:03}.rs"),
                format!("pub fn shared() {{}}\npub fn own{i}() {{}}\n"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let ws = Workspace::new(&refs);
    let index = WorkspaceIndex::new(ws.root().to_path_buf(), ROOMY);
    let reports = Mutex::new(Vec::<IndexProgress>::new());
    let partial_reads = AtomicUsize::new(0);
    // Progress runs on the building thread: a lookup that waited for the build would deadlock.
    index.build(&|progress| {
        let seen = index.definitions_named("shared").len();
        assert_eq!(seen, index.len());
        assert_eq!(seen, progress.done, "every file read is visible at once");
        if seen > 0 && seen < progress.total {
            partial_reads.fetch_add(1, Ordering::SeqCst);
        }
        reports.lock().expect("not poisoned").push(progress);
    });
    let reports = reports.into_inner().expect("not poisoned");
    assert_eq!(
        reports.first(),
        Some(&IndexProgress {
            done: 0,
            total: 250
        })
    );
    assert_eq!(
        reports.last(),
        Some(&IndexProgress {
            done: 250,
            total: 250
        })
    );
    assert!(partial_reads.load(Ordering::SeqCst) > 10);
    assert!(reports.windows(2).all(|w| w[0].done <= w[1].done));
}

#[test]
fn paths_are_normalised_before_lookup() {
    let ws = Workspace::new(&[("src/a.py", "def a():\n    pass\n")]);
    let index = ws.index(ROOMY);
    assert!(index.file(&ws.root().join("src/./x/../a.py")).is_some());
    assert!(
        index.file(std::path::Path::new("src/a.py")).is_some(),
        "relative to the root"
    );
}

#[test]
fn import_statements_follow_edits_renames_and_deletions() {
    let ws = Workspace::new(&[
        ("tests/test_a.py", "from attr._compat import PY_3_13_PLUS\n"),
        ("tests/test_b.py", "import os\n"),
    ]);
    let index = ws.index(ROOMY);
    let importers = |name: &str| -> Vec<(String, usize)> {
        index
            .imports_of(name)
            .into_iter()
            .map(|(file, site)| (file.rel_path.clone(), site.start_line))
            .collect()
    };
    assert_eq!(importers("PY_3_13_PLUS"), [("tests/test_a.py".into(), 0)]);

    ws.write(
        "tests/test_b.py",
        "import os\nfrom attr._compat import PY_3_13_PLUS\n",
    );
    index.refresh_from_disk(&ws.path("tests/test_b.py"));
    ws.write("tests/test_a.py", "import os\n");
    index.refresh_from_disk(&ws.path("tests/test_a.py"));
    assert_eq!(importers("PY_3_13_PLUS"), [("tests/test_b.py".into(), 1)]);

    ws.rename("tests/test_b.py", "tests/test_c.py");
    index.remove(&ws.path("tests/test_b.py"));
    index.refresh_from_disk(&ws.path("tests/test_c.py"));
    assert_eq!(importers("PY_3_13_PLUS"), [("tests/test_c.py".into(), 1)]);

    ws.delete("tests/test_c.py");
    index.remove(&ws.path("tests/test_c.py"));
    assert!(importers("PY_3_13_PLUS").is_empty());
}
