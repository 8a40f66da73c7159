//! `extract` on one sample file per language (`fixtures/`): every definition with its kind and
//! line range, the references that must (and must not) be found, and the imports.

use super::extract;
use crate::syntax::{language_named, LANGUAGES};

struct Case {
    language: &'static str,
    source: &'static str,
    /// (kind, name, start_line, end_line), in source order: the complete list.
    definitions: &'static [(&'static str, &'static str, usize, usize)],
    /// Names that must be among the references.
    references: &'static [&'static str],
    /// Names that must not be: definition names and words that are not names.
    not_references: &'static [&'static str],
    /// The complete list of import specifiers.
    imports: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        language: "rust",
        source: include_str!("fixtures/sample.rs"),
        definitions: &[
            ("module", "inner", 4, 6),
            ("function", "nested", 5, 5),
            ("struct", "Point", 9, 11),
            ("enum", "Shape", 13, 13),
            ("interface", "Draw", 15, 18),
            ("method", "draw", 16, 16),
            ("method", "size", 17, 17),
            ("method", "draw", 21, 26),
            ("constant", "LIMIT", 29, 29),
            ("constant", "NAME", 30, 30),
            ("type", "Alias", 31, 31),
            ("macro", "mac", 32, 32),
            ("function", "helper", 34, 37),
        ],
        references: &[
            "HashMap", "extract", "Walker", "Draw", "Point", "String", "new", "helper", "max",
            "println", "Shape",
        ],
        not_references: &["Alias", "bar", "LIMIT", "x"],
        imports: &[
            "std::collections::HashMap",
            "crate::index",
            "extract",
            "walk::Walker",
            "super::foo",
            "tests",
        ],
    },
    Case {
        language: "python",
        source: include_str!("fixtures/sample.py"),
        definitions: &[
            ("constant", "MAX_SIZE", 6, 6),
            ("variable", "default_name", 7, 7),
            ("class", "Account", 9, 18),
            ("method", "__init__", 13, 14),
            ("method", "name", 16, 18),
            ("function", "helper", 21, 25),
            ("function", "inner", 22, 23),
            ("function", "cached", 27, 29),
        ],
        references: &[
            "User",
            "Group",
            "views",
            "List",
            "Base",
            "Loggable",
            "str",
            "helper",
            "strip",
            "format_name",
        ],
        not_references: &["Account", "x", "G", "owner"],
        imports: &[
            "os",
            "requests.sessions",
            ".models",
            "User",
            "Group",
            "views",
            "typing",
            "List",
        ],
    },
    Case {
        language: "javascript",
        source: include_str!("fixtures/sample.jsx"),
        definitions: &[
            ("constant", "path", 2, 2),
            ("constant", "LIMIT", 5, 5),
            ("variable", "counter", 6, 6),
            ("function", "handler", 7, 9),
            ("function", "Button", 11, 14),
            ("class", "Store", 16, 19),
            ("method", "constructor", 17, 17),
            ("method", "add", 18, 18),
            ("function", "gen", 21, 21),
            ("function", "lazy", 22, 22),
        ],
        references: &[
            "React",
            "useState",
            "utils",
            "fetchUser",
            "Card",
            "Icon",
            "Base",
            "Map",
            "set",
        ],
        not_references: &["Store", "x", "props"],
        imports: &["react", "./utils", "path", "../lib/thing.js", "./lazy"],
    },
    Case {
        language: "typescript",
        source: include_str!("fixtures/sample.ts"),
        definitions: &[
            ("interface", "Repo", 4, 6),
            ("method", "find", 5, 5),
            ("type", "Id", 8, 8),
            ("enum", "Color", 10, 10),
            ("module", "Geometry", 12, 14),
            ("class", "Base", 16, 19),
            ("method", "find", 17, 17),
            ("method", "log", 18, 18),
            ("class", "UserRepo", 21, 25),
            ("method", "find", 22, 24),
            ("constant", "MAX", 27, 27),
            ("function", "declareIt", 28, 28),
            ("function", "declareIt", 29, 29),
            ("function", "arrow", 30, 30),
        ],
        references: &[
            "Injectable",
            "User",
            "Promise",
            "Repo",
            "log",
            "Base",
            "Id",
            "loadUser",
        ],
        not_references: &["UserRepo", "Color", "msg"],
        imports: &["@angular/core", "./models/user", "fs"],
    },
    Case {
        language: "tsx",
        source: "import { Card } from './card';\n\
                 export function Panel(props: Props) {\n  return <Card>{render(props)}</Card>;\n}\n\
                 const Small = (p: Props) => <i />;\n",
        definitions: &[("function", "Panel", 1, 3), ("function", "Small", 4, 4)],
        references: &["Card", "Props", "render"],
        not_references: &["Panel", "props"],
        imports: &["./card"],
    },
    Case {
        language: "go",
        source: include_str!("fixtures/sample.go"),
        definitions: &[
            ("constant", "Limit", 9, 9),
            ("constant", "A", 12, 12),
            ("constant", "B", 13, 13),
            ("variable", "global", 16, 16),
            ("variable", "x", 19, 19),
            ("variable", "y", 19, 19),
            ("struct", "Store", 22, 24),
            ("interface", "Getter", 26, 28),
            ("type", "ID", 30, 30),
            ("type", "Count", 32, 32),
            ("function", "New", 34, 36),
            ("method", "Get", 38, 41),
        ],
        references: &[
            "Item", "error", "Store", "make", "Println", "ToUpper", "Lookup",
        ],
        not_references: &["Getter", "ID", "key"],
        imports: &["fmt", "github.com/me/proj/internal/util", "strings"],
    },
    Case {
        language: "c",
        source: include_str!("fixtures/sample.c"),
        definitions: &[
            ("constant", "MAX", 3, 3),
            ("macro", "SQUARE", 4, 4),
            ("struct", "node", 6, 9),
            ("type", "node_t", 6, 9),
            ("type", "callback", 11, 11),
            ("struct", "point", 13, 13),
            ("enum", "color", 15, 15),
            ("constant", "RED", 15, 15),
            ("constant", "GREEN", 15, 15),
            ("variable", "counter", 17, 17),
            ("variable", "name", 18, 18),
            ("function", "add", 20, 20),
            ("function", "dup", 22, 24),
            ("function", "main", 26, 31),
        ],
        references: &[
            "strdup",
            "node_t",
            "make_node",
            "printf",
            "add",
            "SQUARE",
            "list_push",
        ],
        not_references: &["main", "point", "callback", "n"],
        imports: &["stdio.h", "util/list.h"],
    },
    Case {
        language: "cpp",
        source: include_str!("fixtures/sample.cpp"),
        definitions: &[
            ("module", "geo", 3, 25),
            ("constant", "LIMIT", 5, 5),
            ("class", "Circle", 7, 14),
            ("method", "Circle", 9, 9),
            ("method", "area", 10, 10),
            ("method", "scale", 11, 11),
            ("struct", "Point", 16, 16),
            ("enum", "Kind", 18, 18),
            ("constant", "A", 18, 18),
            ("constant", "B", 18, 18),
            ("type", "Points", 20, 20),
            ("function", "maxOf", 23, 23),
            ("method", "scale", 27, 31),
            ("method", "area2", 33, 33),
            ("function", "free_fn", 35, 35),
        ],
        references: &[
            "Shape", "compute", "vector", "Point", "sort", "begin", "helper", "maxOf",
        ],
        not_references: &["Points", "free_fn", "f"],
        imports: &["vector", "shapes/shape.hpp"],
    },
    Case {
        language: "java",
        source: include_str!("fixtures/Sample.java"),
        definitions: &[
            ("class", "UserStore", 7, 23),
            ("constant", "LIMIT", 8, 8),
            ("method", "UserStore", 11, 13),
            ("method", "find", 15, 18),
            ("enum", "Mode", 20, 20),
            ("constant", "FAST", 20, 20),
            ("constant", "SLOW", 20, 20),
            ("class", "Pair", 22, 22),
            ("interface", "Repo", 25, 28),
            ("constant", "VERSION", 26, 26),
            ("method", "find", 27, 27),
            ("interface", "Marker", 30, 30),
        ],
        references: &[
            "List",
            "User",
            "trim",
            "BaseStore",
            "Repo",
            "Closeable",
            "ArrayList",
            "Config",
            "String",
            "stream",
            "equals",
        ],
        not_references: &["UserStore", "Mode", "users"],
        imports: &[
            "java.util.List",
            "com.example.model.User",
            "com.example.util.Strings.trim",
            "com.example.extra",
        ],
    },
];

#[test]
fn every_language_has_a_case() {
    for language in &LANGUAGES {
        assert!(
            CASES.iter().any(|c| c.language == language.name),
            "no extract case for {}",
            language.name
        );
    }
}

#[test]
fn extract_finds_definitions_with_kinds_and_line_ranges() {
    for case in CASES {
        let language = language_named(case.language).expect("known language");
        let symbols = extract(language, case.source);
        let got: Vec<(&str, &str, usize, usize)> = symbols
            .definitions
            .iter()
            .map(|d| (d.kind.as_str(), d.name.as_str(), d.start_line, d.end_line))
            .collect();
        assert_eq!(got, case.definitions, "{}: definitions", case.language);
    }
}

#[test]
fn extract_finds_references_but_not_definition_names() {
    for case in CASES {
        let language = language_named(case.language).expect("known language");
        let references = extract(language, case.source).references;
        for name in case.references {
            assert!(
                references.iter().any(|r| r == name),
                "{}: {name} missing from {references:?}",
                case.language
            );
        }
        for name in case.not_references {
            assert!(
                !references.iter().any(|r| r == name),
                "{}: {name} should not be a reference",
                case.language
            );
        }
        let mut unique = references.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), references.len(), "{}: repeats", case.language);
    }
}

#[test]
fn extract_finds_imports_in_order() {
    for case in CASES {
        let language = language_named(case.language).expect("known language");
        let imports = extract(language, case.source).imports;
        assert_eq!(imports, case.imports, "{}: imports", case.language);
    }
}

#[test]
fn every_definition_pattern_captures_its_whole_node() {
    // Without an `.extent` capture a definition's range would shrink to its name's line.
    for language in &LANGUAGES {
        let query = language.tags_query().expect("compiles");
        let names = query.capture_names();
        for pattern in 0..query.pattern_count() {
            let range = query.start_byte_for_pattern(pattern)..query.end_byte_for_pattern(pattern);
            let text = &language.tags_source[range];
            let defines = names.iter().any(|n| {
                !n.ends_with(".extent")
                    && text.contains(&format!("@{n}"))
                    && n.starts_with("name.definition.")
            });
            if defines {
                assert!(
                    text.contains(".extent"),
                    "{}: pattern without an extent: {text}",
                    language.name
                );
            }
        }
    }
}

#[test]
fn broken_and_empty_sources_give_what_parses() {
    let rust = language_named("rust").expect("rust");
    assert_eq!(extract(rust, ""), Default::default());
    let symbols = extract(rust, "fn ok() {}\nfn broken( {\n");
    assert_eq!(symbols.definitions[0].name, "ok");
}

#[test]
fn extract_is_pure() {
    for case in CASES {
        let language = language_named(case.language).expect("known language");
        assert_eq!(
            extract(language, case.source),
            extract(language, case.source)
        );
    }
}

#[test]
fn definitions_inside_function_bodies_are_local() {
    // (language, source, [(name, local)]): a top-level definition, one inside a function or
    // callback body, and a method (inside its class or impl, not inside a function).
    type Case = (&'static str, &'static str, &'static [(&'static str, bool)]);
    let cases: &[Case] = &[
        (
            "python",
            "def test_x():\n    def cli():\n        pass\n\nclass A:\n    def run(self):\n        f = lambda: 1\n",
            &[("test_x", false), ("cli", true), ("A", false), ("run", false)],
        ),
        (
            "typescript",
            "type Top = string;\ntest(\"x\", () => {\n  type Local = number;\n  function helper() {}\n});\nclass C { m() { class Inner {} } }\n",
            &[
                ("Top", false),
                ("Local", true),
                ("helper", true),
                ("C", false),
                ("m", false),
                ("Inner", true),
            ],
        ),
        (
            "javascript",
            "function outer() { function inner() {} }\n",
            &[("outer", false), ("inner", true)],
        ),
        (
            "rust",
            "fn outer() {\n    fn inner() {}\n    struct Local;\n}\nimpl S {\n    fn method(&self) {}\n}\n",
            &[("outer", false), ("inner", true), ("Local", true), ("method", false)],
        ),
        (
            "go",
            "package p\n\nfunc Outer() {\n\ttype local struct{}\n}\n\nfunc (s S) Method() {}\n",
            &[("Outer", false), ("local", true), ("Method", false)],
        ),
        (
            "java",
            "class A {\n  void run() {\n    class Local {}\n  }\n}\n",
            &[("A", false), ("run", false), ("Local", true)],
        ),
    ];
    for (name, source, want) in cases {
        let language = language_named(name).expect("known language");
        let got: Vec<(String, bool)> = extract(language, source)
            .definitions
            .into_iter()
            .map(|d| (d.name, d.local))
            .collect();
        let want: Vec<(String, bool)> = want.iter().map(|(n, l)| (n.to_string(), *l)).collect();
        assert_eq!(got, want, "{name}");
    }
}

/// (name, first line, last line) of each imported name's statement.
type ImportedLines = &'static [(&'static str, usize, usize)];

#[test]
fn imported_names_carry_their_whole_import_statement() {
    let cases: [(&str, &str, ImportedLines); 3] = [
        (
            "python",
            "import os\nfrom attr._compat import (\n    PY_3_13_PLUS,\n    Version,\n)\n\ndef f():\n    from json import loads\n    return loads\n",
            &[("PY_3_13_PLUS", 1, 4), ("Version", 1, 4), ("loads", 7, 7)],
        ),
        (
            "rust",
            "use anyhow::{bail, Result};\nuse std::error::Error as StdError;\n\nfn main() {}\n",
            &[("bail", 0, 0), ("Result", 0, 0), ("Error", 1, 1)],
        ),
        (
            "typescript",
            "import { expect, test } from \"vitest\";\nimport * as z from \"zod/v4\";\n",
            &[("expect", 0, 0), ("test", 0, 0), ("z", 1, 1)],
        ),
    ];
    for (name, source, want) in cases {
        let language = language_named(name).expect("known language");
        let got: Vec<(String, usize, usize)> = extract(language, source)
            .imported
            .into_iter()
            .map(|i| (i.name, i.start_line, i.end_line))
            .collect();
        let want: Vec<(String, usize, usize)> = want
            .iter()
            .map(|(n, s, e)| (n.to_string(), *s, *e))
            .collect();
        assert_eq!(got, want, "{name}");
    }
}
