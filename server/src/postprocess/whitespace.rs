//! Whitespace: trailing spaces, tabs vs spaces, the first line's indentation, empty output.

use crate::syntax::{indent_width, leading_whitespace, CompletionMode, TAB_WIDTH};

use super::PostContext;

/// How the lines above the cursor are indented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndentStyle {
    /// Only tabs.
    Tabs,
    /// Only spaces, this many per level.
    Spaces(usize),
    /// Both, or no indented line: leave the model's choice alone.
    Unknown,
}

impl IndentStyle {
    /// The style of `text`'s indented lines.
    pub fn of(text: &str) -> Self {
        let mut tabs = false;
        let mut smallest_spaces: Option<usize> = None;
        for line in text.lines() {
            let lead = leading_whitespace(line);
            // ` * text` continues a C-style block comment, whatever the file's indentation.
            if lead.is_empty() || line[lead.len()..].starts_with('*') || line.trim().is_empty() {
                continue;
            }
            if lead.starts_with('\t') {
                tabs = true;
            } else {
                let spaces = lead.chars().take_while(|c| *c == ' ').count();
                smallest_spaces = Some(smallest_spaces.map_or(spaces, |s| s.min(spaces)));
            }
        }
        match (tabs, smallest_spaces) {
            (true, None) => IndentStyle::Tabs,
            (false, Some(unit)) => IndentStyle::Spaces(unit.clamp(2, 8)),
            _ => IndentStyle::Unknown,
        }
    }
}

/// Output line `index` without trailing whitespace, its indentation rewritten in the document's
/// style when the model used the other one.
pub fn normalize_line(line: &str, index: usize, ctx: &PostContext, style: IndentStyle) -> String {
    let line = line.trim_end();
    // The first line continues the cursor line: its leading whitespace is not indentation.
    if index == 0 && !ctx.line_prefix.trim().is_empty() {
        return line.to_string();
    }
    let lead = leading_whitespace(line);
    let rest = &line[lead.len()..];
    match style {
        IndentStyle::Tabs if lead.contains(' ') => {
            let width = indent_width(lead);
            format!(
                "{}{}{rest}",
                "\t".repeat(width / TAB_WIDTH),
                " ".repeat(width % TAB_WIDTH)
            )
        }
        IndentStyle::Spaces(unit) if lead.contains('\t') => {
            format!("{}{rest}", lead.replace('\t', &" ".repeat(unit)))
        }
        _ => line.to_string(),
    }
}

/// Removes the first line's indentation when the model indented it again although the cursor
/// already stands at the body's column: its later lines start at the cursor's column, or it is
/// the only line and the cursor is already at the body's indentation. When the later lines
/// carry the same extra indentation (the whole block one step too deep), they lose it too.
pub fn fix_first_line_indent(lines: &mut [String], ctx: &PostContext) {
    let prefix = &ctx.line_prefix;
    let CompletionMode::MultiLine { min_indent, .. } = ctx.mode else {
        return;
    };
    if prefix.is_empty() || !prefix.trim().is_empty() {
        return;
    }
    let cursor_column = indent_width(prefix);
    let Some((first, rest)) = lines.split_first_mut() else {
        return;
    };
    let lead = leading_whitespace(first).len();
    let next_column = rest
        .iter()
        .find(|l| !l.trim().is_empty())
        .map(|l| indent_width(l));
    let at_body_column = match next_column {
        Some(column) => column == cursor_column,
        None => cursor_column >= min_indent,
    };
    if lead > 0 && at_body_column && !opens_block(first) {
        first.drain(..lead);
    } else if lead > 0 && shifted_as_a_whole(&first[..lead], rest, prefix) {
        // The model put the whole block one step deeper than the cursor (misled by a
        // continuation line above, `24, 26, 28} {`): the editor's indentation wins.
        first.drain(..lead);
        for line in rest.iter_mut().filter(|l| !l.trim().is_empty()) {
            line.replace_range(prefix.len()..prefix.len() + lead, "");
        }
    }
}

/// Whether every non-blank line of `rest` starts with the cursor's indentation `prefix` and the
/// first line's extra indentation `extra`, and the shallowest of them stands exactly there: the
/// first line's indentation then shifts the whole block, not just the line.
fn shifted_as_a_whole(extra: &str, rest: &[String], prefix: &str) -> bool {
    let shifted = format!("{prefix}{extra}");
    let mut lines = rest.iter().filter(|l| !l.trim().is_empty()).peekable();
    lines.peek().is_some()
        && lines.clone().all(|l| l.starts_with(&shifted))
        && lines.map(|l| indent_width(l)).min() == Some(indent_width(&shifted))
}

fn opens_block(line: &str) -> bool {
    line.trim_end().ends_with([':', '{', '(', '['])
}

/// The lines joined, without trailing blank lines; `None` when nothing but whitespace remains.
pub fn finish(mut lines: Vec<String>) -> Option<String> {
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    if lines.iter().all(|l| l.trim().is_empty()) {
        return None;
    }
    Some(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indent_style_reads_the_lines_above() {
        let cases = [
            ("def f():\n    x = 1\n        y\n", IndentStyle::Spaces(4)),
            ("function f() {\n  x();\n}\n", IndentStyle::Spaces(2)),
            ("func f() {\n\tx := 1\n}\n", IndentStyle::Tabs),
            (
                "/*\n * doc\n */\nint f() {\n\treturn 1;\n}\n",
                IndentStyle::Tabs,
            ),
            ("a\n\tb\n    c\n", IndentStyle::Unknown),
            ("a\nb\n", IndentStyle::Unknown),
        ];
        for (text, style) in cases {
            assert_eq!(IndentStyle::of(text), style, "{text:?}");
        }
    }
}
