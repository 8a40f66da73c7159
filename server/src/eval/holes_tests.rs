use std::path::Path;

use tree_sitter::Query;

use super::*;
use crate::syntax::{language_named, LANGUAGES};

fn lang(name: &str) -> &'static Language {
    language_named(name).expect("known language")
}

/// Candidates as readable lines: `kind line: hidden text`, and for `line-rest` the longest and the
/// shortest rest, `longest | shortest`.
fn describe(text: &str, found: &[Candidate]) -> Vec<String> {
    found
        .iter()
        .map(|c| match c.kind {
            HoleKind::LineRest => format!(
                "line-rest {}: {} | {}",
                c.first_line,
                &text[c.start_lo..c.end],
                &text[c.start_hi..c.end]
            ),
            kind => format!(
                "{} {}: {}",
                kind.as_str(),
                c.first_line,
                &text[c.start_lo..c.end]
            ),
        })
        .collect()
}

const PYTHON: &str = "\
import os


def area(w, h):
    \"\"\"Area of a box.\"\"\"
    # width times height
    total = w * h
    return total


class Box:
    size = 3
    name = \"box\"  # a label
";

const RUST: &str = "\
use std::fmt;

/// A point.
struct Point {
    x: i32,
    y: i32,
}

fn norm(p: &Point) -> i32 {
    let a = p.x * p.x;
    let b = p.y * p.y;
    a + b
}
";

const TYPESCRIPT: &str = "\
interface Shape {
  area(): number;
}

export function scale(xs: number[], k: number): number[] {
  const out: number[] = [];
  for (const x of xs) {
    out.push(x * k);
  }
  return out;
}
";

const GO: &str = "\
package geo

func Sum(xs []int) int {
\ttotal := 0
\tfor _, x := range xs {
\t\ttotal += x
\t}
\treturn total
}
";

#[test]
fn candidates_follow_the_holes_query_in_each_language() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "python",
            PYTHON,
            &[
                "line-rest 0: mport os | s",
                "line 0: import os",
                "line-rest 3: ef area(w, h): | h):",
                "line-rest 6: otal = w * h | h",
                "line 6: total = w * h",
                "block 6: total = w * h\n    return total",
                "line-rest 7: eturn total | l",
                "line 7: return total",
                "line-rest 10: lass Box: | x:",
                "line-rest 11: ize = 3 | 3",
                "line 11: size = 3",
                "block 11: size = 3\n    name = \"box\"  # a label",
                "line-rest 12: ame = \"box\"  # a label | e = \"box\"  # a label",
                "line 12: name = \"box\"  # a label",
            ],
        ),
        (
            "rust",
            RUST,
            &[
                "line-rest 0: se std::fmt; | t;",
                "line 0: use std::fmt;",
                "line-rest 3: truct Point { | t {",
                "line-rest 4: : i32, | 2,",
                "line 4: x: i32,",
                "line-rest 5: : i32, | 2,",
                "line 5: y: i32,",
                "line-rest 8: n norm(p: &Point) -> i32 { | 2 {",
                "line-rest 9: et a = p.x * p.x; | x;",
                "line 9: let a = p.x * p.x;",
                "block 9: let a = p.x * p.x;\n    let b = p.y * p.y;",
                "block 9: let a = p.x * p.x;\n    let b = p.y * p.y;\n    a + b",
                "line-rest 10: et b = p.y * p.y; | y;",
                "line 10: let b = p.y * p.y;",
                "block 10: let b = p.y * p.y;\n    a + b",
                "line-rest 11:  + b | b",
                "line 11: a + b",
            ],
        ),
        (
            "typescript",
            TYPESCRIPT,
            &[
                "line-rest 0: nterface Shape { | e {",
                "line-rest 1: rea(): number; | r;",
                "line 1: area(): number;",
                "line-rest 4: xport function scale(xs: number[], k: number): number[] { | r[] {",
                "line-rest 5: onst out: number[] = []; | r[] = [];",
                "line 5: const out: number[] = [];",
                "block 5: const out: number[] = [];\n  for (const x of xs) {\n    out.push(x * k);\n  }",
                "block 5: const out: number[] = [];\n  for (const x of xs) {\n    out.push(x * k);\n  }\n  return out;",
                "line-rest 6: or (const x of xs) { | s) {",
                "block 6: for (const x of xs) {\n    out.push(x * k);\n  }",
                "block 6: for (const x of xs) {\n    out.push(x * k);\n  }\n  return out;",
                "line-rest 7: ut.push(x * k); | k);",
                "line 7: out.push(x * k);",
                "line-rest 9: eturn out; | t;",
                "line 9: return out;",
            ],
        ),
        (
            "go",
            GO,
            &[
                "line-rest 0: ackage geo | o",
                "line 0: package geo",
                "line-rest 2: unc Sum(xs []int) int { | t {",
                "line-rest 3: otal := 0 | 0",
                "line 3: total := 0",
                "block 3: total := 0\n\tfor _, x := range xs {\n\t\ttotal += x\n\t}",
                "block 3: total := 0\n\tfor _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total",
                "line-rest 4: or _, x := range xs { | s {",
                "block 4: for _, x := range xs {\n\t\ttotal += x\n\t}",
                "block 4: for _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total",
                "line-rest 5: otal += x | x",
                "line 5: total += x",
                "line-rest 7: eturn total | l",
                "line 7: return total",
            ],
        ),
    ];
    for (name, text, expected) in cases {
        let got = describe(text, &candidates(lang(name), text));
        assert_eq!(&got, expected, "{name}");
    }
}

#[test]
fn trivial_lines_never_become_holes() {
    // Closing brackets, comments, strings alone on a line, punctuation-only lines.
    let cases: &[(&str, &str)] = &[
        ("rust", "fn f() {\n    g();\n}\n"),
        (
            "rust",
            "fn f() {\n    // a comment\n    /* another */\n    g();\n}\n",
        ),
        ("python", "def f():\n    \"\"\"Doc.\"\"\"\n    pass\n"),
        ("python", "x = [\n    1,\n]\n# trailing comment\ny = 2\n"),
        ("javascript", "function f() {\n  'use strict';\n  g();\n}\n"),
        ("c", "int f(void) {\n  /* note */\n  return 1;\n}\n"),
        ("java", "class A {\n  void f() {\n    g();\n  }\n}\n"),
    ];
    for (name, text) in cases {
        let found = candidates(lang(name), text);
        for c in &found {
            let hidden = &text[c.start_hi..c.end];
            assert!(
                hidden.chars().any(|ch| ch.is_alphanumeric() || ch == '_'),
                "{name}: trivial hole {c:?} {hidden:?}"
            );
            let line = text.lines().nth(c.first_line).expect("line exists").trim();
            assert!(
                !line.starts_with("//")
                    && !line.starts_with("/*")
                    && !line.starts_with('#')
                    && !line.starts_with('"')
                    && !line.starts_with('\''),
                "{name}: hole on a comment or string line: {line:?}"
            );
            assert_ne!(line, "}", "{name}");
        }
        assert!(!found.is_empty(), "{name}: the code line should be found");
    }
}

#[test]
fn a_line_hole_stops_before_a_crlf_line_end() {
    let text = "fn f() {\r\n    let a = 1;\r\n    let b = 2;\r\n}\r\n";
    let got = describe(text, &candidates(lang("rust"), text));
    assert!(got.contains(&"line 1: let a = 1;".to_string()), "{got:?}");
    assert!(
        got.contains(&"block 1: let a = 1;\r\n    let b = 2;".to_string()),
        "{got:?}"
    );
}

#[test]
fn blocks_span_two_to_five_lines() {
    let body: String = (0..8).map(|i| format!("    let v{i} = {i};\n")).collect();
    let text = format!("fn f() {{\n{body}}}\n");
    let blocks: Vec<Candidate> = candidates(lang("rust"), &text)
        .into_iter()
        .filter(|c| c.kind == HoleKind::Block)
        .collect();
    // Runs of 2..=5 of the 8 one-line statements: 4 from each of the first four, then 3, 2, 1.
    assert_eq!(blocks.len(), 22);
    assert!(blocks
        .iter()
        .all(|c| BLOCK_LINES.contains(&(c.last_line - c.first_line + 1))));
}

#[test]
fn long_lines_are_not_holes() {
    let long = format!("x = \"{}\" + y\n", "a".repeat(MAX_LINE_CHARS));
    assert!(candidates(lang("python"), &long).is_empty());
}

#[test]
fn holes_queries_compile_and_use_only_hole_captures() {
    for language in &LANGUAGES {
        let query = match Query::new(&language.grammar(), language.holes_source) {
            Ok(query) => query,
            Err(e) => panic!("queries/{}/holes.scm: {e}", language.name),
        };
        for name in query.capture_names() {
            assert!(
                ["hole.statement", "hole.block", "hole.skip"].contains(name),
                "{}: unexpected capture @{name}",
                language.name
            );
        }
    }
}

#[test]
fn every_language_yields_all_three_kinds() {
    let samples = [
        ("python", PYTHON),
        ("rust", RUST),
        ("typescript", TYPESCRIPT),
        ("tsx", TYPESCRIPT),
        ("go", GO),
        (
            "javascript",
            "function f(a) {\n  const b = a + 1;\n  return b;\n}\n",
        ),
        ("c", "int f(int a) {\n  int b = a + 1;\n  return b;\n}\n"),
        ("cpp", "int f(int a) {\n  auto b = a + 1;\n  return b;\n}\n"),
        (
            "java",
            "class A {\n  int f(int a) {\n    int b = a + 1;\n    return b;\n  }\n}\n",
        ),
    ];
    for (name, text) in samples {
        let found = candidates(lang(name), text);
        for kind in HoleKind::ALL {
            assert!(
                found.iter().any(|c| c.kind == kind),
                "{name}: no {} hole in {:?}",
                kind.as_str(),
                describe(text, &found)
            );
        }
    }
}

fn settings(seed: u64, count: usize, per_file: usize) -> HoleSettings {
    HoleSettings {
        seed,
        count,
        per_file,
        kinds: HoleKind::ALL.to_vec(),
        cross_file: false,
    }
}

fn sample_files() -> Vec<SourceFile<'static>> {
    vec![
        SourceFile {
            path: "src/norm.rs",
            language: lang("rust"),
            text: RUST,
        },
        SourceFile {
            path: "geo/sum.go",
            language: lang("go"),
            text: GO,
        },
        SourceFile {
            path: "box.py",
            language: lang("python"),
            text: PYTHON,
        },
        SourceFile {
            path: "scale.ts",
            language: lang("typescript"),
            text: TYPESCRIPT,
        },
    ]
}

#[test]
fn tasks_are_deterministic_for_a_seed_and_differ_between_seeds() {
    let files = sample_files();
    let a = make_tasks(&files, &settings(7, 100, 3), "repo");
    let b = make_tasks(&files, &settings(7, 100, 3), "repo");
    assert_eq!(a, b);
    let mut reversed = files.clone();
    reversed.reverse();
    assert_eq!(
        a,
        make_tasks(&reversed, &settings(7, 100, 3), "repo"),
        "input order must not matter"
    );
    let others: Vec<Vec<HoleTask>> = (8..12)
        .map(|seed| make_tasks(&files, &settings(seed, 100, 3), "repo"))
        .collect();
    assert!(
        others.iter().any(|o| *o != a),
        "seeds 8..12 all equal seed 7"
    );
}

#[test]
fn tasks_have_stable_ids_paths_and_the_format_fields() {
    let tasks = make_tasks(&sample_files(), &settings(1, 100, 3), "../pkg");
    assert_eq!(tasks.len(), 12, "3 holes in each of 4 files");
    let paths: Vec<&str> = tasks.iter().map(|t| t.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "tasks come in path order");
    let mut ids = HashSet::new();
    for t in &tasks {
        assert!(ids.insert(t.id.clone()), "duplicate id {}", t.id);
        let line = t.prefix.matches('\n').count() + 1;
        assert_eq!(t.id, format!("{}:{line}:{}", t.path, t.kind));
        assert_eq!(t.repo, "../pkg");
        assert_eq!(t.origin, "synthetic");
        assert!(HoleKind::parse(t.kind).is_some());
    }
    let languages: HashSet<&str> = tasks.iter().map(|t| t.language.as_str()).collect();
    assert_eq!(
        languages,
        HashSet::from(["python", "rust", "go", "typescript"])
    );
    let json = serde_json::to_string(&tasks[0]).expect("serialises");
    let keys: Vec<&str> = [
        "id", "repo", "path", "language", "prefix", "suffix", "expected", "kind", "origin",
    ]
    .into_iter()
    .filter(|k| json.contains(&format!("\"{k}\":")))
    .collect();
    assert_eq!(keys.len(), 9, "{json}");
    assert!(json.starts_with("{\"id\":"), "{json}");
}

#[test]
fn count_and_per_file_limit_the_tasks() {
    let files = sample_files();
    let cases = [(100, 1, 4), (100, 2, 8), (5, 3, 5), (0, 3, 0), (100, 0, 0)];
    for (count, per_file, expected) in cases {
        let tasks = make_tasks(&files, &settings(3, count, per_file), ".");
        assert_eq!(tasks.len(), expected, "count {count}, per_file {per_file}");
        for file in &files {
            assert!(tasks.iter().filter(|t| t.path == file.path).count() <= per_file);
        }
    }
}

#[test]
fn a_files_holes_do_not_move_when_other_files_come_and_go() {
    let files = sample_files();
    let all = make_tasks(&files, &settings(5, 1000, 3), ".");
    let alone = make_tasks(&files[..1], &settings(5, 1000, 3), ".");
    let same: Vec<&HoleTask> = all.iter().filter(|t| t.path == files[0].path).collect();
    assert_eq!(same, alone.iter().collect::<Vec<_>>());
}

#[test]
fn only_the_requested_kinds_are_made() {
    for kind in HoleKind::ALL {
        let mut s = settings(2, 100, 3);
        s.kinds = vec![kind];
        let tasks = make_tasks(&sample_files(), &s, ".");
        assert!(!tasks.is_empty());
        assert!(tasks.iter().all(|t| t.kind == kind.as_str()));
    }
}

#[test]
fn chosen_holes_never_share_a_line() {
    let found = candidates(lang("rust"), RUST);
    for seed in 0..50 {
        let holes = choose(RUST, &found, &HoleKind::ALL, 10, &mut SplitMix64::new(seed));
        let mut lines = HashSet::new();
        for hole in &holes {
            let c = found
                .iter()
                .find(|c| c.kind == hole.kind && c.first_line == hole.line && c.end == hole.end)
                .expect("a hole comes from a candidate");
            for line in c.first_line..=c.last_line {
                assert!(lines.insert(line), "seed {seed}: line {line} twice");
            }
        }
    }
}

#[test]
fn line_rest_cursors_land_on_char_boundaries_inside_the_line() {
    let text = "fn f() {\n    let größe = \"äöü\" + naïve(ß);\n}\n";
    let found = candidates(lang("rust"), text);
    for seed in 0..200 {
        let holes = choose(
            text,
            &found,
            &[HoleKind::LineRest],
            1,
            &mut SplitMix64::new(seed),
        );
        for hole in holes {
            let (prefix, expected, _) = hole.split(text);
            let line_prefix = prefix.rsplit('\n').next().unwrap_or(prefix);
            assert!(!line_prefix.trim().is_empty(), "cursor in the indentation");
            assert!(!expected.contains('\n'));
            assert!(expected.chars().any(char::is_alphanumeric), "{expected:?}");
        }
    }
}

#[test]
fn relative_path_walks_up_and_down() {
    let cases = [
        ("/a/b", "/a/b", "."),
        ("/a/b", "/a/b/c", "c"),
        ("/a/b", "/a/c/d", "../c/d"),
        ("/a/b/c", "/a", "../.."),
        ("/x", "/a/b", "../a/b"),
    ];
    for (from, to, expected) in cases {
        assert_eq!(
            relative_path(Path::new(from), Path::new(to)),
            expected,
            "{from} -> {to}"
        );
    }
}

#[test]
fn splitmix_below_stays_in_range_and_spreads() {
    let mut rng = SplitMix64::new(42);
    let mut seen = [0usize; 7];
    for _ in 0..7000 {
        let n = rng.below(7);
        seen[n] += 1;
    }
    assert!(seen.iter().all(|&n| (800..1200).contains(&n)), "{seen:?}");
}

/// Randomly damaged variants of a source: lines dropped or repeated, CRLF endings, tabs,
/// non-ASCII text, a missing final newline. Broken syntax is part of the point.
fn mutate(text: &str, rng: &mut SplitMix64) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..rng.below(4) {
        let i = rng.below(lines.len());
        match rng.below(4) {
            0 => {
                lines.remove(i);
            }
            1 => lines.insert(i, lines[i].clone()),
            2 => lines[i] = lines[i].replacen("    ", "\t", 1),
            _ => lines[i].push_str(" // ünï ✓"),
        }
        if lines.is_empty() {
            lines.push("x".to_string());
        }
    }
    let newline = if rng.below(3) == 0 { "\r\n" } else { "\n" };
    let mut out = lines.join(newline);
    if rng.below(4) != 0 {
        out.push_str(newline);
    }
    out
}

/// Property: for any file and seed, prefix + expected + suffix is the file, and the hole has the
/// shape its kind promises.
#[test]
fn reassembling_every_task_gives_back_the_file() {
    let own_sources: Vec<(String, &'static Language)> = ["eval/holes.rs", "syntax/languages.rs"]
        .iter()
        .filter_map(|p| {
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(p))
                .ok()
                .map(|t| (t, lang("rust")))
        })
        .collect();
    assert_eq!(own_sources.len(), 2, "own sources readable");
    let mut bases: Vec<(String, &'static Language)> = own_sources;
    for f in sample_files() {
        bases.push((f.text.to_string(), f.language));
    }
    let mut rng = SplitMix64::new(99);
    let mut checked = 0;
    for round in 0..60u64 {
        let (base, language) = &bases[rng.below(bases.len())];
        let text = if round % 3 == 0 {
            base.clone()
        } else {
            mutate(base, &mut rng)
        };
        let file = SourceFile {
            path: "f",
            language,
            text: &text,
        };
        for task in make_tasks(&[file], &settings(round, 50, 8), ".") {
            assert_eq!(
                format!("{}{}{}", task.prefix, task.expected, task.suffix),
                text,
                "round {round}, {}",
                task.id
            );
            let lines = task.expected.lines().count();
            match task.kind {
                "block" => assert!(BLOCK_LINES.contains(&lines), "{}", task.expected),
                _ => assert!(!task.expected.contains('\n'), "{}", task.expected),
            }
            assert!(!task.expected.ends_with('\r'), "{:?}", task.expected);
            assert!(
                task.suffix.is_empty()
                    || task.suffix.starts_with('\n')
                    || task.suffix.starts_with("\r\n"),
                "a hole ends at a line end: {:?}",
                &task.suffix[..task.suffix.len().min(20)]
            );
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} tasks checked");
}

#[test]
fn cross_file_tasks_hide_a_name_from_another_file() {
    let models = "class Cart:\n    def total_price(self):\n        return 0\n";
    let shop = "from models import Cart\n\n\ndef checkout(items):\n    cart = Cart()\n    count = len(items)\n    price = cart.total_price()\n    return price + count\n";
    let files = [
        SourceFile {
            path: "models.py",
            language: lang("python"),
            text: models,
        },
        SourceFile {
            path: "shop.py",
            language: lang("python"),
            text: shop,
        },
    ];
    let mut wanted = settings(3, 50, 10);
    wanted.cross_file = true;
    let tasks = make_tasks(&files, &wanted, ".");
    assert!(!tasks.is_empty(), "shop.py uses Cart and total_price");
    for task in &tasks {
        assert_eq!(task.path, "shop.py", "models.py uses nothing from shop.py");
        assert!(
            task.expected.contains("Cart") || task.expected.contains("total_price"),
            "{task:?}"
        );
    }
    // Without the filter the lines that use no other file's name are holes too.
    let all = make_tasks(&files, &settings(3, 50, 10), ".");
    assert!(all.iter().any(|t| t.expected.contains("len(items)")));
}
