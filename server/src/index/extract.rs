//! Symbols of one file, read off its language's tags query (`queries/<language>/tags.scm`).
//!
//! Everything language-specific lives in the query; this file only knows the capture-name
//! conventions written at the top of every `tags.scm`.

use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::{Node, Parser, QueryCursor, StreamingIterator, Tree};

use super::symbols::{DefinitionSite, FileSymbols, ImportedName};
use crate::syntax::Language;

/// Prefix of a capture naming a defined name: `name.definition.<kind>`.
const DEFINITION: &str = "name.definition.";
/// Suffix of the capture on a whole definition node: `name.definition.<kind>.extent`.
const EXTENT: &str = ".extent";
/// Prefix of a capture naming a used name: `name.reference.<kind>`.
const REFERENCE: &str = "name.reference.";
/// The reference kind that holds an import specifier rather than a name.
const IMPORT: &str = "import";
/// `@name.reference.imported`: a name an import brings in.
const IMPORTED: &str = "imported";
/// `@import.statement`: a whole import statement.
const IMPORT_STATEMENT: &str = "import.statement";
/// A function body, lambda or closure: what is defined inside is local to it.
const SCOPE: &str = "local.scope";

/// What one capture name means to the index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    /// A defined name of this kind.
    Name(String),
    /// The whole node of the definition captured in the same match.
    Extent,
    /// An import specifier.
    Import,
    /// A used name.
    Reference,
    /// A name an import brings in: a used name whose import statement is also recorded.
    Imported,
    /// A body whose definitions are local.
    Scope,
    /// A whole import statement.
    ImportStatement,
    /// A capture the index does not read.
    Ignored,
}

fn role(capture_name: &str) -> Role {
    if capture_name == SCOPE {
        return Role::Scope;
    }
    if capture_name == IMPORT_STATEMENT {
        return Role::ImportStatement;
    }
    if let Some(rest) = capture_name.strip_prefix(DEFINITION) {
        return match rest.strip_suffix(EXTENT) {
            Some(_) => Role::Extent,
            None => Role::Name(rest.to_string()),
        };
    }
    match capture_name.strip_prefix(REFERENCE) {
        Some(IMPORT) => Role::Import,
        Some(IMPORTED) => Role::Imported,
        Some(_) => Role::Reference,
        None => Role::Ignored,
    }
}

thread_local! {
    // Parsers are reusable and the index parses thousands of files per thread.
    static PARSER: RefCell<Parser> = RefCell::new(Parser::new());
}

fn parse(language: &Language, text: &str) -> Option<Tree> {
    PARSER.with(|parser| {
        let mut parser = parser.borrow_mut();
        parser.set_language(&language.grammar()).ok()?;
        parser.parse(text, None)
    })
}

/// A definition seen so far; several patterns may capture the same name node.
struct Seen {
    pattern: usize,
    kind: String,
    lines: (usize, usize),
}

/// Definitions, references and imports of `text`, as the language's tags query captures them.
/// Pure: the same text always gives the same symbols.
pub fn extract(language: &Language, text: &str) -> FileSymbols {
    extract_with_sites(language, text).0
}

/// Every reference of `text` (not only the first of each name) as (byte offset, name), in
/// order: what `tandem eval holes --cross-file` asks of a hole's hidden text. A word in a
/// string, a comment or an attribute is no reference.
pub fn reference_sites<'t>(language: &Language, text: &'t str) -> Vec<(usize, &'t str)> {
    extract_with_sites(language, text).1
}

fn extract_with_sites<'t>(
    language: &Language,
    text: &'t str,
) -> (FileSymbols, Vec<(usize, &'t str)>) {
    let (Some(query), Some(tree)) = (language.tags_query(), parse(language, text)) else {
        return Default::default();
    };
    let roles: Vec<Role> = query.capture_names().iter().map(|n| role(n)).collect();
    let mut definitions: HashMap<Range<usize>, Seen> = HashMap::new();
    let mut references: Vec<(Range<usize>, &str)> = Vec::new();
    let mut imports: Vec<(usize, &str)> = Vec::new();
    let mut imported: Vec<(usize, &str, (usize, usize))> = Vec::new();
    let mut statements: Vec<(Range<usize>, (usize, usize))> = Vec::new();
    let mut scopes: Vec<Range<usize>> = Vec::new();

    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
    while let Some(found) = matches.next() {
        let extent = found
            .captures
            .iter()
            .find(|c| roles[c.index as usize] == Role::Extent)
            .map(|c| c.node);
        for capture in found.captures {
            let node = capture.node;
            match &roles[capture.index as usize] {
                Role::Name(kind) => {
                    let seen = Seen {
                        pattern: found.pattern_index,
                        kind: kind.clone(),
                        lines: line_span(extent.unwrap_or(node)),
                    };
                    // The pattern written last wins: specific patterns follow general ones.
                    match definitions.entry(node.byte_range()) {
                        Entry::Occupied(mut old) if seen.pattern >= old.get().pattern => {
                            old.insert(seen);
                        }
                        Entry::Occupied(_) => {}
                        Entry::Vacant(slot) => {
                            slot.insert(seen);
                        }
                    }
                }
                Role::Import => {
                    if let Some(spec) = node_text(text, node).map(unquote) {
                        // `from . import x` has the module `.`, which names nothing by itself.
                        if spec.chars().any(char::is_alphanumeric) {
                            imports.push((node.start_byte(), spec));
                        }
                    }
                }
                Role::Reference => {
                    if let Some(name) = node_text(text, node) {
                        references.push((node.byte_range(), name));
                    }
                }
                Role::Imported => {
                    if let Some(name) = node_text(text, node) {
                        references.push((node.byte_range(), name));
                        imported.push((node.start_byte(), name, line_span(node)));
                    }
                }
                Role::Scope => scopes.push(node.byte_range()),
                Role::ImportStatement => statements.push((node.byte_range(), line_span(node))),
                Role::Extent | Role::Ignored => {}
            }
        }
    }
    let mut symbols = assemble(text, definitions, references, imports, scopes);
    imported.sort_by_key(|(start, _, _)| *start);
    let mut seen = HashSet::new();
    symbols.0.imported = imported
        .into_iter()
        .filter(|(_, name, _)| seen.insert(*name))
        .map(|(at, name, own_lines)| {
            // The innermost statement holding the name; its own line if no query marks one.
            let (start_line, end_line) = statements
                .iter()
                .filter(|(range, _)| range.contains(&at))
                .min_by_key(|(range, _)| range.len())
                .map_or(own_lines, |(_, lines)| *lines);
            ImportedName {
                name: name.to_string(),
                start_line,
                end_line,
            }
        })
        .collect();
    symbols
}

/// Orders everything by position, drops references on definition names and repeated names;
/// also returns every reference with its offset.
fn assemble<'t>(
    text: &'t str,
    definitions: HashMap<Range<usize>, Seen>,
    mut references: Vec<(Range<usize>, &'t str)>,
    mut imports: Vec<(usize, &'t str)>,
    mut scopes: Vec<Range<usize>>,
) -> (FileSymbols, Vec<(usize, &'t str)>) {
    let mut found: Vec<(Range<usize>, Seen)> = definitions.into_iter().collect();
    found.sort_by_key(|(range, _)| (range.start, range.end));
    let local = inside_any(found.iter().map(|(range, _)| range), &mut scopes);
    let names: HashSet<&Range<usize>> = found.iter().map(|(range, _)| range).collect();
    references.retain(|(range, _)| !names.contains(range));
    references.sort_by_key(|(range, _)| (range.start, range.end));
    references.dedup_by_key(|(range, _)| range.clone());
    let sites = references
        .iter()
        .map(|(range, name)| (range.start, *name))
        .collect();
    imports.sort_by_key(|(start, _)| *start);

    let definitions = found
        .into_iter()
        .zip(local)
        .filter_map(|((range, seen), local)| {
            Some(DefinitionSite {
                name: text.get(range)?.to_string(),
                kind: seen.kind,
                start_line: seen.lines.0,
                end_line: seen.lines.1,
                local,
            })
        })
        .collect();
    let symbols = FileSymbols {
        definitions,
        references: unique(references.into_iter().map(|(_, name)| name)),
        imports: unique(imports.into_iter().map(|(_, spec)| spec)),
        imported: Vec::new(),
    };
    (symbols, sites)
}

/// For each of `ranges` (sorted by start), whether one of `scopes` contains it. One sweep: a
/// range is inside some scope exactly when the furthest end among the scopes starting at or
/// before it reaches past its end.
fn inside_any<'a>(
    ranges: impl Iterator<Item = &'a Range<usize>>,
    scopes: &mut [Range<usize>],
) -> Vec<bool> {
    scopes.sort_by_key(|scope| scope.start);
    let mut next = 0;
    let mut reach = 0;
    ranges
        .map(|range| {
            while next < scopes.len() && scopes[next].start <= range.start {
                reach = reach.max(scopes[next].end);
                next += 1;
            }
            next > 0 && reach >= range.end
        })
        .collect()
}

fn unique<'a>(items: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen = HashSet::new();
    items
        .filter(|item| seen.insert(*item))
        .map(str::to_string)
        .collect()
}

fn node_text<'t>(text: &'t str, node: Node<'_>) -> Option<&'t str> {
    text.get(node.byte_range()).filter(|t| !t.is_empty())
}

/// First and last line of a node; a node ending right after a line break ends on the line before.
fn line_span(node: Node<'_>) -> (usize, usize) {
    let start = node.start_position().row;
    let end = node.end_position();
    let last = if end.column == 0 && end.row > start {
        end.row - 1
    } else {
        end.row
    };
    (start, last)
}

/// Strips the quotes or angle brackets a specifier may be captured with (`"x.h"`, `<stdio.h>`).
fn unquote(spec: &str) -> &str {
    spec.trim()
        .trim_matches(|c| matches!(c, '"' | '\'' | '`' | '<' | '>'))
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_names_map_to_roles() {
        let cases = [
            ("name.definition.function", Role::Name("function".into())),
            ("name.definition.function.extent", Role::Extent),
            ("name.reference.import", Role::Import),
            ("name.reference.call", Role::Reference),
            ("name.reference.imported", Role::Imported),
            ("local.scope", Role::Scope),
            ("import.statement", Role::ImportStatement),
            ("block.open", Role::Ignored),
        ];
        for (name, expected) in cases {
            assert_eq!(role(name), expected, "{name}");
        }
    }

    #[test]
    fn ranges_inside_a_scope_are_found_in_one_sweep() {
        let ranges = [0..3, 12..15, 22..25, 31..40, 50..52];
        let mut scopes = [30..45, 10..20, 11..14];
        assert_eq!(
            inside_any(ranges.iter(), &mut scopes),
            [false, true, false, true, false]
        );
        assert_eq!(inside_any(ranges.iter(), &mut []), [false; 5]);
    }

    #[test]
    fn specifiers_lose_their_quotes() {
        let cases = [
            ("\"x.h\"", "x.h"),
            ("<stdio.h>", "stdio.h"),
            ("'./a'", "./a"),
            ("crate::a", "crate::a"),
        ];
        for (spec, expected) in cases {
            assert_eq!(unquote(spec), expected);
        }
    }
}
