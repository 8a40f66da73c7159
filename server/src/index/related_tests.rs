//! `related_files` on a generated multi-language workspace: imported files first (best match,
//! then nearest), then the same folder, then importers; stable under repetition.

use super::test_workspace::{rel_paths, Workspace, ROOMY};

const FILES: &[(&str, &str)] = &[
    // Python: relative, dotted and `from . import` imports.
    (
        "app/main.py",
        "from .models import User\nimport app.services.billing\nfrom . import views\n",
    ),
    ("app/models.py", "class User:\n    pass\n"),
    ("app/views.py", "def index():\n    pass\n"),
    ("app/config.py", "DEBUG = True\n"),
    ("app/services/billing.py", "def charge():\n    pass\n"),
    ("other/models.py", "class Other:\n    pass\n"),
    ("tools/cli.py", "from app.main import run\n"),
    // Rust: `mod x;`, a path through a folder module.
    ("src/lib.rs", "mod index;\nuse crate::syntax::Language;\n"),
    ("src/index/mod.rs", "pub fn build() {}\n"),
    ("src/syntax/mod.rs", "pub struct Language;\n"),
    ("src/syntax/languages.rs", "pub fn all() {}\n"),
    ("src/other.rs", "pub fn other() {}\n"),
    // TypeScript: relative specifiers, a folder with index.ts.
    (
        "web/app.ts",
        "import { trim } from './util/strings';\nimport { get } from '../shared/api';\n",
    ),
    ("web/util/strings.ts", "export function trim() {}\n"),
    ("shared/api/index.ts", "export function get() {}\n"),
    // Go: a package is its folder.
    (
        "cmd/main.go",
        "package main\nimport \"example.com/proj/internal/store\"\n",
    ),
    ("internal/store/b.go", "package store\nfunc B() {}\n"),
    ("internal/store/a.go", "package store\nfunc A() {}\n"),
    // C: the nearer header wins.
    ("csrc/main.c", "#include \"list.h\"\n#include <stdio.h>\n"),
    ("csrc/list.h", "int push(void);\n"),
    ("include/list.h", "int pop(void);\n"),
    // Java: the class file by its package path.
    (
        "java/com/example/App.java",
        "package com.example;\nimport com.example.model.User;\nclass App {}\n",
    ),
    (
        "java/com/example/model/User.java",
        "package com.example.model;\nclass User {}\n",
    ),
];

fn related(ws: &Workspace, rel: &str, limit: usize) -> Vec<String> {
    let index = ws.index(ROOMY);
    let files = index.related_files(&ws.path(rel), limit);
    rel_paths(&files).into_iter().map(str::to_string).collect()
}

#[test]
fn imports_come_first_then_the_folder_then_importers() {
    let ws = Workspace::new(FILES);
    assert_eq!(
        related(&ws, "app/main.py", 20),
        [
            "app/services/billing.py", // spells out app/services/billing
            "app/models.py",           // `.models`, next to main.py
            "app/views.py",            // `from . import views`
            "other/models.py",         // also a `models`, further away
            "app/config.py",           // same folder
            "tools/cli.py",            // imports app.main
        ]
    );
}

#[test]
fn each_language_resolves_its_imports_by_name() {
    let ws = Workspace::new(FILES);
    let cases: &[(&str, &[&str])] = &[
        (
            "src/lib.rs",
            &["src/index/mod.rs", "src/syntax/mod.rs", "src/other.rs"],
        ),
        (
            "web/app.ts",
            &["web/util/strings.ts", "shared/api/index.ts"],
        ),
        (
            "cmd/main.go",
            &["internal/store/a.go", "internal/store/b.go"],
        ),
        ("csrc/main.c", &["csrc/list.h", "include/list.h"]),
        (
            "java/com/example/App.java",
            &["java/com/example/model/User.java"],
        ),
    ];
    for (file, expected) in cases {
        assert_eq!(related(&ws, file, 20), *expected, "{file}");
    }
}

#[test]
fn importers_are_found_from_the_imported_side() {
    let ws = Workspace::new(FILES);
    // models.py imports nothing: its folder, then the file importing `.models`.
    assert_eq!(
        related(&ws, "app/models.py", 20),
        ["app/config.py", "app/main.py", "app/views.py"]
    );
    assert_eq!(
        related(&ws, "src/syntax/mod.rs", 20),
        ["src/syntax/languages.rs", "src/lib.rs"]
    );
    assert_eq!(
        related(&ws, "internal/store/a.go", 20),
        ["internal/store/b.go", "cmd/main.go"]
    );
}

#[test]
fn the_limit_cuts_the_list_without_reordering_it() {
    let ws = Workspace::new(FILES);
    let full = related(&ws, "app/main.py", 20);
    for limit in 0..full.len() {
        assert_eq!(related(&ws, "app/main.py", limit), full[..limit]);
    }
}

#[test]
fn related_files_follow_edits_and_buffers() {
    let ws = Workspace::new(FILES);
    let index = ws.index(ROOMY);
    let main = ws.path("app/main.py");
    index.set_buffer(&main, "python", "from .views import index\n");
    let files = index.related_files(&main, 2);
    assert_eq!(rel_paths(&files), ["app/views.py", "app/config.py"]);
    index.buffer_closed(&main);
    let files = index.related_files(&main, 1);
    assert_eq!(rel_paths(&files), ["app/services/billing.py"]);
}

#[test]
fn a_file_outside_the_index_still_gets_its_folder() {
    let ws = Workspace::new(FILES);
    assert_eq!(
        related(&ws, "app/unsaved.py", 3),
        ["app/config.py", "app/main.py", "app/models.py"]
    );
}
