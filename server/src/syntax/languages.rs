//! The supported languages: grammar, file extensions, LSP languageIds, embedded queries.

use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use tree_sitter::Query;

/// A supported language.
pub struct Language {
    /// tandem's name, also the folder under `queries/`.
    pub name: &'static str,
    /// LSP `languageId`s that select this language.
    pub language_ids: &'static [&'static str],
    /// File extensions (without the dot, lower case) that select this language.
    pub extensions: &'static [&'static str],
    /// Line endings that may open a body on the next lines, trusted without the grammar's
    /// confirmation only where the parse around the cursor is broken (unfinished code).
    pub block_openers: &'static [&'static str],
    /// Whether indentation alone closes a block (Python): then the cursor's column bounds the body.
    pub indent_scoped: bool,
    /// Source of `queries/<name>/blocks.scm` (captures `@block.open`, `@block.body`, `@block.skip`).
    pub blocks_source: &'static str,
    /// Source of `queries/<name>/tags.scm` (captures `@name.definition.*`, `@name.reference.*`).
    pub tags_source: &'static str,
    /// Source of `queries/<name>/holes.scm` (captures `@hole.statement`, `@hole.block`,
    /// `@hole.skip`), used by `tandem eval holes`.
    pub holes_source: &'static str,
    grammar: fn() -> tree_sitter::Language,
    blocks: OnceLock<Option<Query>>,
    tags: OnceLock<Option<Query>>,
    holes: OnceLock<Option<Query>>,
}

impl Language {
    /// The tree-sitter grammar.
    pub fn grammar(&self) -> tree_sitter::Language {
        (self.grammar)()
    }

    /// The compiled `blocks.scm` query; `None` only if the embedded query does not compile
    /// (a unit test guards against that).
    pub fn blocks_query(&self) -> Option<&Query> {
        self.blocks
            .get_or_init(|| Query::new(&self.grammar(), self.blocks_source).ok())
            .as_ref()
    }

    /// The compiled `tags.scm` query; `None` only if the embedded query does not compile.
    pub fn tags_query(&self) -> Option<&Query> {
        self.tags
            .get_or_init(|| Query::new(&self.grammar(), self.tags_source).ok())
            .as_ref()
    }

    /// The compiled `holes.scm` query; `None` only if the embedded query does not compile.
    pub fn holes_query(&self) -> Option<&Query> {
        self.holes
            .get_or_init(|| Query::new(&self.grammar(), self.holes_source).ok())
            .as_ref()
    }
}

impl fmt::Debug for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Language")
            .field("name", &self.name)
            .finish()
    }
}

impl PartialEq for Language {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Language {}

/// Builds a table entry; the query paths are relative to this file. `queries:` names the folder
/// under `queries/` when a language shares another's queries (TSX uses TypeScript's node types).
macro_rules! language {
    ($name:literal, ids: $ids:expr, exts: $exts:expr, openers: $openers:expr, indent_scoped: $scoped:expr, grammar: $grammar:expr) => {
        language!($name, queries: $name, ids: $ids, exts: $exts, openers: $openers, indent_scoped: $scoped, grammar: $grammar)
    };
    ($name:literal, queries: $queries:literal, ids: $ids:expr, exts: $exts:expr, openers: $openers:expr, indent_scoped: $scoped:expr, grammar: $grammar:expr) => {
        Language {
            name: $name,
            language_ids: $ids,
            extensions: $exts,
            block_openers: $openers,
            indent_scoped: $scoped,
            blocks_source: include_str!(concat!("../../../queries/", $queries, "/blocks.scm")),
            tags_source: include_str!(concat!("../../../queries/", $queries, "/tags.scm")),
            holes_source: include_str!(concat!("../../../queries/", $queries, "/holes.scm")),
            grammar: || $grammar.into(),
            blocks: OnceLock::new(),
            tags: OnceLock::new(),
            holes: OnceLock::new(),
        }
    };
}

const BRACKETS: &[&str] = &["{", "(", "["];
const BRACKETS_AND_ARROW: &[&str] = &["{", "(", "[", "=>"];

/// Every supported language.
pub static LANGUAGES: [Language; 9] = [
    language!("rust", ids: &["rust"], exts: &["rs"], openers: BRACKETS, indent_scoped: false,
        grammar: tree_sitter_rust::LANGUAGE),
    language!("python", ids: &["python"], exts: &["py", "pyi", "pyw"],
        openers: &[":", "(", "[", "{"], indent_scoped: true, grammar: tree_sitter_python::LANGUAGE),
    language!("javascript", ids: &["javascript", "javascriptreact"],
        exts: &["js", "jsx", "mjs", "cjs"], openers: BRACKETS_AND_ARROW, indent_scoped: false,
        grammar: tree_sitter_javascript::LANGUAGE),
    language!("typescript", ids: &["typescript"], exts: &["ts", "mts", "cts"],
        openers: BRACKETS_AND_ARROW, indent_scoped: false,
        grammar: tree_sitter_typescript::LANGUAGE_TYPESCRIPT),
    language!("tsx", queries: "typescript", ids: &["typescriptreact"], exts: &["tsx"],
        openers: BRACKETS_AND_ARROW,
        indent_scoped: false, grammar: tree_sitter_typescript::LANGUAGE_TSX),
    language!("go", ids: &["go"], exts: &["go"], openers: BRACKETS, indent_scoped: false,
        grammar: tree_sitter_go::LANGUAGE),
    language!("c", ids: &["c"], exts: &["c", "h"], openers: BRACKETS, indent_scoped: false,
        grammar: tree_sitter_c::LANGUAGE),
    language!("cpp", ids: &["cpp"], exts: &["cpp", "cc", "cxx", "c++", "hpp", "hh", "hxx", "h++"],
        openers: BRACKETS, indent_scoped: false, grammar: tree_sitter_cpp::LANGUAGE),
    language!("java", ids: &["java"], exts: &["java"], openers: BRACKETS, indent_scoped: false,
        grammar: tree_sitter_java::LANGUAGE),
];

/// The language for an LSP languageId, falling back to the file extension.
pub fn language_for(language_id: &str, path: Option<&Path>) -> Option<&'static Language> {
    if let Some(language) = LANGUAGES
        .iter()
        .find(|l| l.language_ids.contains(&language_id))
    {
        return Some(language);
    }
    let extension = path?.extension()?.to_str()?.to_ascii_lowercase();
    LANGUAGES
        .iter()
        .find(|l| l.extensions.contains(&extension.as_str()))
}

/// The language named `name` (its folder under `queries/`).
pub fn language_named(name: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_query_compiles_against_its_grammar() {
        for language in &LANGUAGES {
            for (file, source) in [
                ("blocks.scm", language.blocks_source),
                ("tags.scm", language.tags_source),
            ] {
                if let Err(e) = Query::new(&language.grammar(), source) {
                    panic!("queries/{}/{file} does not compile: {e}", language.name);
                }
            }
            assert!(language.blocks_query().is_some());
            assert!(language.tags_query().is_some());
        }
    }

    #[test]
    fn blocks_queries_use_only_the_captures_mode_understands() {
        for language in &LANGUAGES {
            let query = language.blocks_query().expect("compiles");
            for name in query.capture_names() {
                assert!(
                    ["block.open", "block.body", "block.skip"].contains(name),
                    "{}: unexpected capture @{name}",
                    language.name
                );
            }
        }
    }

    #[test]
    fn tags_queries_capture_definitions_and_references() {
        for language in &LANGUAGES {
            let query = language.tags_query().expect("compiles");
            let names = query.capture_names();
            assert!(
                names.iter().any(|n| n.starts_with("name.definition.")),
                "{} has no definitions",
                language.name
            );
            assert!(
                names.iter().any(|n| n.starts_with("name.reference.")),
                "{} has no references",
                language.name
            );
            assert!(
                names.iter().all(|n| n.starts_with("name.definition.")
                    || n.starts_with("name.reference.")
                    || *n == "local.scope"
                    || *n == "import.statement"),
                "{}: unexpected capture in {names:?}",
                language.name
            );
        }
    }

    #[test]
    fn tags_queries_find_a_definition_and_a_call_in_every_language() {
        use tree_sitter::{Parser, QueryCursor, StreamingIterator};
        let samples = [
            (
                "rust",
                "fn answer() -> u8 { compute(1) }",
                "answer",
                "compute",
            ),
            (
                "python",
                "def answer():\n    return compute(1)\n",
                "answer",
                "compute",
            ),
            (
                "javascript",
                "function answer() { return compute(1); }",
                "answer",
                "compute",
            ),
            (
                "typescript",
                "function answer(): number { return compute(1); }",
                "answer",
                "compute",
            ),
            (
                "tsx",
                "function answer() { return compute(<a />); }",
                "answer",
                "compute",
            ),
            (
                "go",
                "package p\nfunc answer() int { return compute(1) }\n",
                "answer",
                "compute",
            ),
            (
                "c",
                "int answer(void) { return compute(1); }",
                "answer",
                "compute",
            ),
            (
                "cpp",
                "int answer() { return compute(1); }",
                "answer",
                "compute",
            ),
            (
                "java",
                "class A { int answer() { return compute(1); } }",
                "answer",
                "compute",
            ),
        ];
        for (name, source, definition, call) in samples {
            let language = language_named(name).expect("known language");
            let query = language.tags_query().expect("compiles");
            let mut parser = Parser::new();
            parser
                .set_language(&language.grammar())
                .expect("grammar loads");
            let tree = parser.parse(source, None).expect("parses");
            let mut found = Vec::new();
            let mut cursor = QueryCursor::new();
            let mut matches = cursor.matches(query, tree.root_node(), source.as_bytes());
            while let Some(m) = matches.next() {
                for capture in m.captures {
                    let capture_name = query.capture_names()[capture.index as usize];
                    let text = &source[capture.node.byte_range()];
                    found.push(format!("{capture_name}={text}"));
                }
            }
            assert!(
                found
                    .iter()
                    .any(|f| f.starts_with("name.definition.")
                        && f.ends_with(&format!("={definition}"))),
                "{name}: no definition of {definition} in {found:?}"
            );
            assert!(
                found.contains(&format!("name.reference.call={call}")),
                "{name}: no call of {call} in {found:?}"
            );
        }
    }

    #[test]
    fn language_for_picks_by_language_id_then_extension() {
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            ("rust", None, Some("rust")),
            ("python", Some("x.txt"), Some("python")),
            ("javascript", None, Some("javascript")),
            ("javascriptreact", None, Some("javascript")),
            ("typescript", None, Some("typescript")),
            ("typescriptreact", None, Some("tsx")),
            ("go", None, Some("go")),
            ("c", None, Some("c")),
            ("cpp", None, Some("cpp")),
            ("java", None, Some("java")),
            ("", Some("src/main.rs"), Some("rust")),
            ("plaintext", Some("a/b.PY"), Some("python")),
            ("", Some("app.jsx"), Some("javascript")),
            ("", Some("app.mjs"), Some("javascript")),
            ("", Some("app.ts"), Some("typescript")),
            ("", Some("app.tsx"), Some("tsx")),
            ("", Some("main.go"), Some("go")),
            ("", Some("x.h"), Some("c")),
            ("", Some("x.hpp"), Some("cpp")),
            ("", Some("x.cc"), Some("cpp")),
            ("", Some("Main.java"), Some("java")),
            ("markdown", Some("README.md"), None),
            ("", Some("Makefile"), None),
            ("", None, None),
        ];
        for (id, path, expected) in cases {
            let got = language_for(id, path.map(Path::new)).map(|l| l.name);
            assert_eq!(got, *expected, "language_for({id:?}, {path:?})");
        }
    }

    #[test]
    fn every_language_is_reachable_by_name_and_id() {
        for language in &LANGUAGES {
            assert_eq!(language_named(language.name), Some(language));
            for id in language.language_ids {
                assert_eq!(language_for(id, None), Some(language));
            }
        }
    }
}
