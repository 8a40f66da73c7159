use ropey::Rope;

use super::*;
use crate::syntax::language_named;
use CompletionMode::{MultiLine, SingleLine};

/// Marks the cursor in test sources.
const CURSOR: char = '█';

fn m(min_indent: usize, max_lines: usize) -> CompletionMode {
    MultiLine {
        min_indent,
        max_lines,
    }
}

const NEW: usize = MAX_LINES_NEW_BODY;
const IN: usize = MAX_LINES_IN_BODY;

fn mode_at(language: Option<&str>, source: &str) -> CompletionMode {
    let cursor = source
        .chars()
        .position(|c| c == CURSOR)
        .expect("test source has a cursor");
    let text = Rope::from_str(&source.replace(CURSOR, ""));
    let language = language.map(|name| language_named(name).expect("known language"));
    decide_mode(language, &text, cursor)
}

fn check(language: Option<&str>, cases: &[(&str, &str, CompletionMode)]) {
    for (what, source, expected) in cases {
        assert_eq!(
            mode_at(language, source),
            *expected,
            "{language:?}: {what}\n{source}"
        );
    }
}

#[test]
fn python_modes() {
    check(
        Some("python"),
        &[
            (
                "text right of the cursor",
                "def f(x):\n    return x█ + 1\n",
                SingleLine,
            ),
            (
                "only closers right of the cursor, mid statement",
                "x = foo(a, █)\n",
                SingleLine,
            ),
            ("end of a def line", "def oldest(users):█\n", m(1, NEW)),
            (
                "end of a def line with trailing spaces",
                "def f():  █\n\nx = 1\n",
                m(1, NEW),
            ),
            (
                "end of a nested if line",
                "def f(x):\n    if x > 0:█\n    return x\n",
                m(5, NEW),
            ),
            ("end of an else line", "if a:\n    b()\nelse:█\n", m(1, NEW)),
            ("opening a dict", "config = {█\n", m(1, NEW)),
            ("opening a call", "    total = compute(█\n", m(5, NEW)),
            (
                "empty line after a docstring",
                "def oldest(users):\n    \"\"\"Return the oldest user.\"\"\"\n    █\n",
                m(4, IN),
            ),
            (
                "column 0 between statements of a body",
                "def f():\n    a = 1\n█\n    return a\n",
                m(4, IN),
            ),
            (
                "deeper than the body after a nested block",
                "def f(x):\n    if x:\n        y = 1\n        █\n    return y\n",
                m(8, IN),
            ),
            (
                "top level after a function",
                "def f():\n    return 1\n\n█",
                m(0, IN),
            ),
            (
                "method level after a method",
                "class A:\n    def f(self):\n        pass\n    █\n",
                m(4, IN),
            ),
            ("complete statement", "x = compute(a, b)█\n", SingleLine),
            ("comment ending with a colon", "# steps:█\n", SingleLine),
            (
                "comment after code ending with a colon",
                "print('a')  # note:█\n",
                SingleLine,
            ),
            ("dict value after a colon", "d = {\"a\":█}\n", SingleLine),
            (
                "mid-line in the middle of the file",
                "import os\nos.path.█join\n",
                SingleLine,
            ),
        ],
    );
}

#[test]
fn rust_modes() {
    check(
        Some("rust"),
        &[
            ("end of a fn line", "fn main() {█\n", m(1, NEW)),
            (
                "end of a fn line before other items",
                "fn main() {█\n\nfn other() {}\n",
                m(1, NEW),
            ),
            (
                "empty line in a body",
                "fn main() {\n    let x = 1;\n    █\n}\n",
                m(4, IN),
            ),
            ("column 0 of an empty body", "fn main() {\n█\n}\n", m(1, IN)),
            (
                "column 0 in a body with statements",
                "fn main() {\n    let x = 1;\n█\n    x\n}\n",
                m(4, IN),
            ),
            (
                "opening a vec literal",
                "fn f() {\n    let v = vec![█\n}\n",
                m(5, NEW),
            ),
            (
                "closers after the cursor",
                "fn f() {\n    let x = foo(█);\n}\n",
                SingleLine,
            ),
            (
                "brace in a comment",
                "fn f() {\n    // TODO: fix {█\n}\n",
                SingleLine,
            ),
            (
                "complete statement",
                "fn f() {\n    let x = 1;█\n}\n",
                SingleLine,
            ),
            (
                "match arm opening a block",
                "fn f(x: Option<u8>) {\n    match x {\n        Some(v) => {█\n    }\n}\n",
                m(9, NEW),
            ),
            (
                "empty line between impl items",
                "impl A {\n    fn a() {}\n\n    █\n    fn b() {}\n}\n",
                m(4, IN),
            ),
            (
                "mid-line in a chain",
                "fn f() {\n    let t = items.iter().█map(|x| x).sum();\n}\n",
                SingleLine,
            ),
        ],
    );
}

#[test]
fn javascript_modes() {
    check(
        Some("javascript"),
        &[
            ("end of a function line", "function f(a) {█\n", m(1, NEW)),
            ("end of an arrow", "const f = (a) =>█\n", m(1, NEW)),
            ("callback body", "items.forEach((item) => {█\n", m(1, NEW)),
            (
                "empty line in an object literal",
                "const o = {\n  a: 1,\n  █\n};\n",
                m(2, IN),
            ),
            ("auto-closed braces", "  if (x) {█}\n", SingleLine),
            ("paren in a comment", "// call it like foo(█\n", SingleLine),
            ("switch case", "switch (x) {\n  case 1:█\n}\n", m(3, NEW)),
            (
                "empty line in JSX",
                "const App = () => (\n  <div>\n    █\n  </div>\n);\n",
                m(4, IN),
            ),
            ("mid-line", "const x = a█ + b;\n", SingleLine),
        ],
    );
}

#[test]
fn typescript_modes() {
    check(
        Some("typescript"),
        &[
            ("end of an interface line", "interface A {█\n", m(1, NEW)),
            (
                "empty line in a function body",
                "function f(a: number): number {\n  const b = a;\n  █\n}\n",
                m(2, IN),
            ),
            ("after an equals sign", "const x: Foo = █\n", SingleLine),
            ("mid-line argument", "let x = foo(a, █b);\n", SingleLine),
            (
                "end of a class method line",
                "class A {\n  run(): void {█\n}\n",
                m(3, NEW),
            ),
        ],
    );
}

#[test]
fn tsx_modes() {
    check(
        Some("tsx"),
        &[
            ("end of a component line", "function App() {█\n", m(1, NEW)),
            (
                "empty line in a component",
                "const App = () => {\n  const [a, setA] = useState(0);\n  █\n};\n",
                m(2, IN),
            ),
            (
                "inside a JSX attribute",
                "const x = <div className=\"a█\" />;\n",
                SingleLine,
            ),
        ],
    );
}

#[test]
fn go_modes() {
    check(
        Some("go"),
        &[
            ("end of a func line", "func main() {█\n", m(1, NEW)),
            (
                "empty line in a body",
                "func main() {\n\tx := 1\n\t█\n}\n",
                m(4, IN),
            ),
            (
                "end of a case line",
                "func f(x int) {\n\tswitch x {\n\tcase 1:█\n\t}\n}\n",
                m(5, NEW),
            ),
            (
                "closers after the cursor",
                "func f() {\n\tfmt.Println(█)\n}\n",
                SingleLine,
            ),
            (
                "end of an if line",
                "func f() {\n\tif err != nil {█\n}\n",
                m(5, NEW),
            ),
            (
                "brace in a comment",
                "func f() {\n\tx := 1 // note {█\n}\n",
                SingleLine,
            ),
        ],
    );
}

#[test]
fn c_modes() {
    check(
        Some("c"),
        &[
            ("end of a function line", "int main(void) {█\n", m(1, NEW)),
            (
                "empty line in a body",
                "int main(void) {\n    int x = 1;\n    █\n}\n",
                m(4, IN),
            ),
            (
                "complete statement",
                "void f(void) {\n    printf(\"%d {\", x);█\n}\n",
                SingleLine,
            ),
            ("end of a struct line", "struct point {█\n", m(1, NEW)),
            (
                "end of a for line",
                "void f(int n) {\n    for (int i = 0; i < n; i++) {█\n}\n",
                m(5, NEW),
            ),
        ],
    );
}

#[test]
fn cpp_modes() {
    check(
        Some("cpp"),
        &[
            (
                "end of a method line",
                "class A {\npublic:\n    void f() {█\n};\n",
                m(5, NEW),
            ),
            ("empty namespace body", "namespace ns {\n█\n}\n", m(1, IN)),
            (
                "opening an initializer list",
                "std::vector<int> v = {█\n",
                m(1, NEW),
            ),
            (
                "mid-line",
                "void f() {\n    std::cout << x█ << std::endl;\n}\n",
                SingleLine,
            ),
        ],
    );
}

#[test]
fn java_modes() {
    check(
        Some("java"),
        &[
            ("end of a class line", "public class A {█\n", m(1, NEW)),
            (
                "empty line in a method",
                "public class A {\n    void f() {\n        int x = 1;\n        █\n    }\n}\n",
                m(8, IN),
            ),
            (
                "closers after the cursor",
                "class A {\n    void f() {\n        System.out.println(█);\n    }\n}\n",
                SingleLine,
            ),
            (
                "brace in a comment",
                "class A {\n    // see {█\n}\n",
                SingleLine,
            ),
        ],
    );
}

#[test]
fn unknown_language_uses_indentation_only() {
    check(
        None,
        &[
            ("opener at the end of the line", "foo {█\n", m(1, NEW)),
            (
                "empty line after a plain line",
                "foo {\n  bar\n  █\n",
                m(2, IN),
            ),
            ("empty line after an opener", "key:\n█\n", m(1, IN)),
            ("end of a plain line", "hello world█\n", SingleLine),
            ("mid-line", "hello █world\n", SingleLine),
            ("empty document", "█", m(0, IN)),
        ],
    );
}

#[test]
fn a_cursor_past_the_end_is_clamped() {
    let text = Rope::from_str("def f():\n    ");
    let language = language_named("python");
    assert_eq!(decide_mode(language, &text, 10_000), m(4, IN));
}

#[test]
fn crlf_line_endings_do_not_count_as_text_after_the_cursor() {
    let source = "fn main() {█\r\n    let x = 1;\r\n}\r\n";
    assert_eq!(mode_at(Some("rust"), source), m(1, NEW));
}

#[test]
fn deep_in_a_huge_file_the_decision_only_sees_the_window() {
    // 20,000 lines of functions; the cursor sits in the middle of one of them.
    let mut source = String::new();
    for i in 0..5_000 {
        source.push_str(&format!("def f{i}(x):\n    y = x + {i}\n    return y\n\n"));
    }
    let cursor_line = 10_001; // the `y = ...` line of function 2_500
    let line_start = Rope::from_str(&source).line_to_char(cursor_line);
    let text = Rope::from_str(&source);
    let python = language_named("python");
    assert_eq!(
        decide_mode(python, &text, line_start + "    y = x".len()),
        SingleLine
    );
    // An empty line inserted in that body.
    let mut with_gap = source.clone();
    with_gap.insert_str(text.line_to_byte(cursor_line + 1), "    \n");
    let text = Rope::from_str(&with_gap);
    let cursor = text.line_to_char(cursor_line + 1) + 4;
    assert_eq!(decide_mode(python, &text, cursor), m(4, IN));
}

#[test]
fn the_grammar_overrules_what_the_text_suggests() {
    // (language, source, mode with the grammar, mode from indentation alone)
    let cases = [
        ("python", "# steps:█\n", SingleLine, m(1, NEW)),
        (
            "rust",
            "fn f() {\n    // see {█\n}\n",
            SingleLine,
            m(5, NEW),
        ),
        (
            "python",
            "def f():\n    a = 1\n█\n    return a\n",
            m(4, IN),
            m(0, IN),
        ),
        (
            "rust",
            "fn main() {\n    let x = 1;\n█\n    x\n}\n",
            m(4, IN),
            m(0, IN),
        ),
    ];
    for (language, source, with_grammar, without) in cases {
        assert_eq!(mode_at(Some(language), source), with_grammar, "{source}");
        assert_eq!(mode_at(None, source), without, "{source}");
    }
}
