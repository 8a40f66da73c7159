//! Picking fill-in-the-middle holes in source files for `tandem eval holes`.
//!
//! Pure: files come in as text and tasks go out as data (the command in `cli/eval_holes.rs` walks
//! the repository and writes them). Where holes may go is language knowledge, so it comes from
//! `queries/<language>/holes.scm`; this file only knows lines, the three hole kinds and a seeded
//! random generator of its own, so a seed gives the same tasks on every machine and version.

use std::collections::HashSet;
use std::path::{Component, Path};

use serde::Serialize;
use tree_sitter::{Node, Parser, QueryCursor, StreamingIterator};

use super::cross_file::{cross_file_candidates, Definers};
use crate::context::is_word_char;
use crate::syntax::Language;

/// Lines a `block` hole spans, at least and at most.
pub const BLOCK_LINES: std::ops::RangeInclusive<usize> = 2..=5;
/// Longest line (in chars) a `line` or `line-rest` hole is cut from: longer lines are data or
/// generated code, not what people type.
pub const MAX_LINE_CHARS: usize = 200;
/// Longest hidden middle (in chars) of a `block` hole.
pub const MAX_BLOCK_CHARS: usize = 600;

/// What part of the code a hole hides (the task's `kind` in eval-format.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HoleKind {
    /// The rest of a code line from a column inside it.
    LineRest,
    /// A whole one-line statement after its indentation.
    Line,
    /// 2–5 consecutive lines: a small body or a run of statements.
    Block,
}

impl HoleKind {
    /// Every kind, in the order they are listed to users.
    pub const ALL: [HoleKind; 3] = [HoleKind::LineRest, HoleKind::Line, HoleKind::Block];

    /// The name used in task files.
    pub fn as_str(self) -> &'static str {
        match self {
            HoleKind::LineRest => "line-rest",
            HoleKind::Line => "line",
            HoleKind::Block => "block",
        }
    }

    /// The kind named `name` in a task file, if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// A place where a hole may go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The kind of hole.
    pub kind: HoleKind,
    /// First line (0-based) of the hidden text.
    pub first_line: usize,
    /// Last line (0-based) of the hidden text.
    pub last_line: usize,
    /// Lowest byte where the hole may start.
    pub start_lo: usize,
    /// Highest byte where the hole may start: equal to `start_lo` except for `line-rest`, whose
    /// cursor may sit at any char boundary in between.
    pub start_hi: usize,
    /// Byte where the hidden text ends: the end of the last line's content, before its newline.
    pub end: usize,
}

/// A chosen hole: `text[start..end]` is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hole {
    /// The kind of hole.
    pub kind: HoleKind,
    /// Line (0-based) where the hole starts.
    pub line: usize,
    /// First hidden byte.
    pub start: usize,
    /// Byte after the last hidden one.
    pub end: usize,
}

impl Hole {
    /// `(prefix, expected, suffix)`: the text before, inside and after the hole.
    pub fn split<'a>(&self, text: &'a str) -> (&'a str, &'a str, &'a str) {
        (
            &text[..self.start],
            &text[self.start..self.end],
            &text[self.end..],
        )
    }
}

/// One line of a file, as byte offsets.
#[derive(Debug, Clone, Copy)]
struct LineSpan {
    start: usize,
    /// First byte that is not a space or tab.
    indent_end: usize,
    /// End of the content, before `\n` or `\r\n`.
    content_end: usize,
}

/// The lines of `text`.
fn line_spans(text: &str) -> Vec<LineSpan> {
    let mut spans = Vec::new();
    let mut start = 0;
    while start <= text.len() {
        let rest = &text[start..];
        let (len, next) = match rest.find('\n') {
            Some(i) => (i, start + i + 1),
            None => (rest.len(), text.len() + 1),
        };
        let line = &rest[..len];
        let content = line.strip_suffix('\r').unwrap_or(line);
        let indent = content.len() - content.trim_start_matches([' ', '\t']).len();
        spans.push(LineSpan {
            start,
            indent_end: start + indent,
            content_end: start + content.len(),
        });
        start = next;
    }
    spans
}

/// What the holes query says about one file.
struct Captures<'t> {
    statements: Vec<Node<'t>>,
    statement_ids: HashSet<usize>,
    blocks: Vec<Node<'t>>,
    /// Per byte: inside a comment or string.
    skipped: Vec<bool>,
}

fn capture<'t>(language: &Language, tree: &'t tree_sitter::Tree, text: &str) -> Captures<'t> {
    let mut captures = Captures {
        statements: Vec::new(),
        statement_ids: HashSet::new(),
        blocks: Vec::new(),
        skipped: vec![false; text.len()],
    };
    let Some(query) = language.holes_query() else {
        return captures;
    };
    let mut block_ids = HashSet::new();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
    while let Some(m) = matches.next() {
        for c in m.captures {
            let node = c.node;
            match query.capture_names()[c.index as usize] {
                "hole.statement" if captures.statement_ids.insert(node.id()) => {
                    captures.statements.push(node)
                }
                "hole.block" if block_ids.insert(node.id()) => captures.blocks.push(node),
                "hole.skip" => captures.skipped[node.byte_range()].fill(true),
                _ => {}
            }
        }
    }
    captures.statements.sort_by_key(|n| n.start_byte());
    captures.blocks.sort_by_key(|n| n.start_byte());
    captures
}

/// Where holes may go in `text`, parsed with `language`'s grammar and holes query.
pub fn candidates(language: &Language, text: &str) -> Vec<Candidate> {
    let mut parser = Parser::new();
    if parser.set_language(&language.grammar()).is_err() {
        return Vec::new();
    }
    let Some(tree) = parser.parse(text, None) else {
        return Vec::new();
    };
    let captures = capture(language, &tree, text);
    let lines = line_spans(text);
    let finder = Finder {
        text,
        lines: &lines,
        skipped: &captures.skipped,
    };
    let mut found = Vec::new();
    let mut rest_lines = HashSet::new();
    for node in &captures.statements {
        let Some(span) = finder.statement(node) else {
            continue;
        };
        if let Some(line) = finder.line(span) {
            found.push(line);
        }
        if rest_lines.insert(span.first_line) {
            found.extend(finder.line_rest(span));
        }
    }
    for block in &captures.blocks {
        let mut walker = block.walk();
        let children: Vec<Node> = block
            .named_children(&mut walker)
            .filter(|n| captures.statement_ids.contains(&n.id()))
            .collect();
        // A statement that is broken, or shares its first line with another, ends a run.
        for run in children
            .iter()
            .map(|n| finder.statement(n))
            .collect::<Vec<_>>()
            .split(Option::is_none)
        {
            let run: Vec<Span> = run.iter().flatten().copied().collect();
            found.extend(finder.blocks(&run));
        }
    }
    found.sort_by_key(|c| (c.first_line, c.kind, c.start_lo, c.end));
    found.dedup();
    found
}

/// A statement that starts a line, as bytes and lines.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    /// End without trailing whitespace (some grammars end a node after its newline).
    end: usize,
    first_line: usize,
    last_line: usize,
}

struct Finder<'a> {
    text: &'a str,
    lines: &'a [LineSpan],
    skipped: &'a [bool],
}

impl Finder<'_> {
    fn line_of(&self, byte: usize) -> usize {
        self.lines.partition_point(|l| l.start <= byte) - 1
    }

    /// The span of a statement node that starts its line and is code, not a comment or string.
    fn statement(&self, node: &Node) -> Option<Span> {
        if node.has_error() || node.is_missing() {
            return None;
        }
        let start = node.start_byte();
        let end = start + self.text[node.byte_range()].trim_end().len();
        let first_line = self.line_of(start);
        if end <= start || self.lines[first_line].indent_end != start || !self.has_code(start, end)
        {
            return None;
        }
        Some(Span {
            start,
            end,
            first_line,
            last_line: self.line_of(end - 1),
        })
    }

    /// Whether `text[from..to]` holds a letter, digit or `_` outside comments and strings.
    fn has_code(&self, from: usize, to: usize) -> bool {
        self.text[from..to]
            .char_indices()
            .any(|(i, c)| is_word_char(c) && !self.skipped[from + i])
    }

    /// Whether no code follows `byte` on its line (a trailing comment may).
    fn ends_line(&self, byte: usize, line: usize) -> bool {
        !self.has_code(byte, self.lines[line].content_end)
    }

    fn line(&self, span: Span) -> Option<Candidate> {
        let line = self.lines[span.first_line];
        let fits = span.first_line == span.last_line
            && self.text[line.start..line.content_end].chars().count() <= MAX_LINE_CHARS;
        fits.then_some(Candidate {
            kind: HoleKind::Line,
            first_line: span.first_line,
            last_line: span.first_line,
            start_lo: span.start,
            start_hi: span.start,
            end: line.content_end,
        })
    }

    /// The rest of the statement's first line from a cursor after its first char and before its
    /// last code word char, so the hidden rest always holds code.
    fn line_rest(&self, span: Span) -> Option<Candidate> {
        let line = self.lines[span.first_line];
        let content = &self.text[line.indent_end..line.content_end];
        if self.text[line.start..line.content_end].chars().count() > MAX_LINE_CHARS {
            return None;
        }
        let first_len = content.chars().next()?.len_utf8();
        let (last_word, _) = content
            .char_indices()
            .rfind(|&(i, c)| is_word_char(c) && !self.skipped[line.indent_end + i])?;
        let start_lo = line.indent_end + first_len;
        let start_hi = line.indent_end + last_word;
        (start_lo <= start_hi).then_some(Candidate {
            kind: HoleKind::LineRest,
            first_line: span.first_line,
            last_line: span.first_line,
            start_lo,
            start_hi,
            end: line.content_end,
        })
    }

    /// Runs of consecutive statements (one or more) that cover whole lines, 2–5 of them, of
    /// which at least two hold code.
    fn blocks(&self, children: &[Span]) -> Vec<Candidate> {
        let mut found = Vec::new();
        for (i, first) in children.iter().enumerate() {
            for last in &children[i..] {
                let lines = last.last_line - first.first_line + 1;
                if lines > *BLOCK_LINES.end() {
                    break;
                }
                if lines < *BLOCK_LINES.start() || !self.ends_line(last.end, last.last_line) {
                    continue;
                }
                let end = self.lines[last.last_line].content_end;
                let code_lines = (first.first_line..=last.last_line)
                    .filter(|&l| {
                        let line = self.lines[l];
                        self.has_code(line.start.max(first.start), line.content_end)
                    })
                    .count();
                if code_lines >= 2 && self.text[first.start..end].chars().count() <= MAX_BLOCK_CHARS
                {
                    found.push(Candidate {
                        kind: HoleKind::Block,
                        first_line: first.first_line,
                        last_line: last.last_line,
                        start_lo: first.start,
                        start_hi: first.start,
                        end,
                    });
                }
            }
        }
        found
    }
}

/// The random generator behind every choice: SplitMix64, small and fixed forever, so a seed means
/// the same tasks whatever crate versions are in the build.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// Picks up to `wanted` holes of `kinds` among `candidates` of `text`, no two sharing a line:
/// each pick first draws a kind that still has room, then a place, then (for `line-rest`) a
/// column, so every kind gets its share even where one kind has far more candidates.
pub fn choose(
    text: &str,
    candidates: &[Candidate],
    kinds: &[HoleKind],
    wanted: usize,
    rng: &mut SplitMix64,
) -> Vec<Hole> {
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut holes = Vec::new();
    while holes.len() < wanted {
        let free = |c: &&Candidate| {
            taken
                .iter()
                .all(|&(a, b)| c.last_line < a || c.first_line > b)
        };
        let open: Vec<HoleKind> = kinds
            .iter()
            .copied()
            .filter(|&k| candidates.iter().filter(free).any(|c| c.kind == k))
            .collect();
        if open.is_empty() {
            break;
        }
        let kind = open[rng.below(open.len())];
        let places: Vec<&Candidate> = candidates
            .iter()
            .filter(free)
            .filter(|c| c.kind == kind)
            .collect();
        let place = places[rng.below(places.len())];
        let columns: Vec<usize> = (place.start_lo..=place.start_hi)
            .filter(|&b| text.is_char_boundary(b))
            .collect();
        let start = columns[rng.below(columns.len())];
        taken.push((place.first_line, place.last_line));
        holes.push(Hole {
            kind,
            line: place.first_line,
            start,
            end: place.end,
        });
    }
    holes.sort_by_key(|h| (h.line, h.kind));
    holes
}

/// A source file to cut holes in.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    /// Path relative to the repository, `/`-separated; it names the task and seeds its holes.
    pub path: &'a str,
    /// Its language.
    pub language: &'static Language,
    /// Its text.
    pub text: &'a str,
}

/// How many holes of which kinds, from which seed.
#[derive(Debug, Clone)]
pub struct HoleSettings {
    /// Seed of every random choice.
    pub seed: u64,
    /// Holes in the whole repository, at most.
    pub count: usize,
    /// Holes in one file, at most.
    pub per_file: usize,
    /// Kinds to make.
    pub kinds: Vec<HoleKind>,
    /// Only holes whose hidden text uses a name defined in another file and not in its own
    /// (see `cross_file`).
    pub cross_file: bool,
}

/// One task in the exchange format of eval-format.md, fields in its order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HoleTask {
    /// `<path>:<line>:<kind>`, line 1-based.
    pub id: String,
    /// The repository root, relative to the task file's folder.
    pub repo: String,
    /// The file, relative to `repo`.
    pub path: String,
    /// LSP languageId.
    pub language: String,
    /// The file's text before the hole.
    pub prefix: String,
    /// The file's text after the hole.
    pub suffix: String,
    /// The hidden text.
    pub expected: String,
    /// `line-rest`, `line` or `block`.
    pub kind: &'static str,
    /// Always `synthetic`.
    pub origin: &'static str,
}

/// Tasks for `files`: up to `per_file` holes in each, then `count` of all of them drawn at random,
/// in path and line order. A file's holes depend only on the seed, its path and its text, so
/// adding or removing other files does not move them.
pub fn make_tasks(files: &[SourceFile], settings: &HoleSettings, repo: &str) -> Vec<HoleTask> {
    let mut order: Vec<&SourceFile> = files.iter().collect();
    order.sort_by(|a, b| a.path.cmp(b.path));
    let definers = settings.cross_file.then(|| {
        let symbols: Vec<_> = order
            .iter()
            .map(|f| crate::index::extract(f.language, f.text))
            .collect();
        // A definition local to a function body is no API of its file.
        Definers::new(symbols.iter().map(|s| {
            s.definitions
                .iter()
                .filter(|d| !d.local)
                .map(|d| (d.name.as_str(), d.kind.as_str()))
        }))
    });
    let mut all: Vec<(&SourceFile, Hole)> = Vec::new();
    for (number, file) in order.into_iter().enumerate() {
        let mut rng = SplitMix64::new(settings.seed ^ fnv1a(file.path));
        let mut found = candidates(file.language, file.text);
        if let Some(definers) = &definers {
            let references = crate::index::reference_sites(file.language, file.text);
            found = cross_file_candidates(&references, &found, number, definers);
        }
        let holes = choose(
            file.text,
            &found,
            &settings.kinds,
            settings.per_file,
            &mut rng,
        );
        all.extend(holes.into_iter().map(|h| (file, h)));
    }
    let keep = sample(all.len(), settings.count, settings.seed);
    keep.into_iter()
        .map(|i| task(repo, all[i].0, &all[i].1))
        .collect()
}

/// `count` of the indices `0..len` drawn without repetition, ascending.
fn sample(len: usize, count: usize, seed: u64) -> Vec<usize> {
    let mut indices: Vec<usize> = (0..len).collect();
    if count < len {
        let mut rng = SplitMix64::new(seed);
        for i in 0..count {
            let j = i + rng.below(len - i);
            indices.swap(i, j);
        }
        indices.truncate(count);
        indices.sort_unstable();
    }
    indices
}

/// FNV-1a of a path: a stable per-file seed component.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The task for one hole.
pub fn task(repo: &str, file: &SourceFile, hole: &Hole) -> HoleTask {
    let (prefix, expected, suffix) = hole.split(file.text);
    HoleTask {
        id: format!("{}:{}:{}", file.path, hole.line + 1, hole.kind.as_str()),
        repo: repo.to_string(),
        path: file.path.to_string(),
        language: file
            .language
            .language_ids
            .first()
            .copied()
            .unwrap_or(file.language.name)
            .to_string(),
        prefix: prefix.to_string(),
        suffix: suffix.to_string(),
        expected: expected.to_string(),
        kind: hole.kind.as_str(),
        origin: "synthetic",
    }
}

/// `to` relative to the folder `from`, both absolute and normalised (no `.`/`..`), written with
/// `/`; `.` when they are the same folder.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
#[path = "holes_tests.rs"]
mod tests;
