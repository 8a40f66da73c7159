//! Removing what the document already has after the cursor, which models like to write again.

use crate::context::is_word_char;
use crate::syntax::{indent_width, CompletionMode};

use super::scope::column;
use super::PostContext;

/// Lines after the cursor searched for a line the model skipped ahead to.
const LOOKAHEAD_LINES: usize = 20;
/// Letters and digits a line needs before a match further down counts as a duplicate.
const DISTINCTIVE_CHARS: usize = 8;

/// Whether the next output line, after `kept`, re-creates code the document already has after
/// the cursor: the first non-blank line after the cursor line, or a distinctive line further down
/// the same block at the same depth (the model skipped ahead). It and everything after it
/// duplicate the document. A line further down whose line above equals the one above the output
/// line does not count: the block repeats that pair (tests often assert the same thing twice),
/// so writing it here is the pattern, not a skip.
pub fn recreates_next_line(line: &str, kept: &[String], ctx: &PostContext) -> bool {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return false;
    }
    // The first line continues what the user typed: its text is not a whole line.
    let Some(col) = column(line, kept.len(), ctx) else {
        return false;
    };
    let mut next = ctx.next_lines.lines().filter(|l| !l.trim().is_empty());
    let Some(first) = next.next() else {
        return false;
    };
    // A lone `}` matches every block's end; only the one at the same depth is the same line.
    if trimmed == first.trim() && (!is_closer_line(trimmed) || col == indent_width(first)) {
        return true;
    }
    let min_indent = match ctx.mode {
        CompletionMode::MultiLine { min_indent, .. } => min_indent,
        CompletionMode::SingleLine => return false,
    };
    if !is_distinctive(trimmed) {
        return false;
    }
    let block: Vec<&str> = std::iter::once(first)
        .chain(next)
        .take(LOOKAHEAD_LINES)
        .take_while(|l| indent_width(l) >= min_indent)
        .collect();
    let above = line_above(kept, ctx);
    block.windows(2).any(|pair| {
        pair[1].trim() == trimmed
            && indent_width(pair[1]) == col
            && !above.as_deref().is_some_and(|a| same_line(a, pair[0]))
    })
}

/// The last non-blank line before the next output line: from `kept` (the first kept line
/// completes the cursor line), else from the document.
fn line_above(kept: &[String], ctx: &PostContext) -> Option<String> {
    let from_kept = kept.iter().enumerate().rev().find_map(|(i, l)| {
        let whole = if i == 0 {
            format!("{}{l}", ctx.line_prefix)
        } else {
            l.clone()
        };
        (!whole.trim().is_empty()).then_some(whole)
    });
    from_kept.or_else(|| {
        ctx.previous_lines
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .map(str::to_string)
    })
}

fn same_line(a: &str, b: &str) -> bool {
    a.trim() == b.trim() && indent_width(a) == indent_width(b)
}

fn is_distinctive(trimmed: &str) -> bool {
    trimmed.chars().filter(|c| c.is_alphanumeric()).count() >= DISTINCTIVE_CHARS
}

/// Cuts from the end of the last line the text that starts `line_suffix` (the model re-emitting
/// `)` or `):` already after the cursor), unless the completion needs it to close its own
/// brackets or quotes.
pub fn trim_line_suffix(lines: &mut [String], ctx: &PostContext) {
    let suffix = ctx.line_suffix.trim_end();
    let Some(last) = lines.last() else {
        return;
    };
    // On the first line, the text before the completion is the cursor line's.
    let line_start = if lines.len() == 1 {
        ctx.line_prefix.as_str()
    } else {
        ""
    };
    let before_last: usize = lines[..lines.len() - 1].iter().map(|l| l.len() + 1).sum();
    let whole = lines.join("\n");
    let cut = suffix
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .rev()
        .find(|&k| {
            let tail = &suffix[..k];
            last.ends_with(tail)
                && at_token_boundary(line_start, last, tail)
                && !needed_by_completion(&whole[..before_last + last.len() - k], tail)
        });
    if let (Some(k), Some(last)) = (cut, lines.last_mut()) {
        last.truncate(last.len() - k);
    }
}

/// Whether a line holds only closing brackets and separators.
pub fn is_closer_line(trimmed: &str) -> bool {
    !trimmed.is_empty() && trimmed.chars().all(|c| ")]};,".contains(c))
}

/// A tail starting inside an identifier (`max` vs suffix `x)`) is a different token.
fn at_token_boundary(line_start: &str, line: &str, tail: &str) -> bool {
    let before = line[..line.len() - tail.len()]
        .chars()
        .next_back()
        .or_else(|| line_start.chars().next_back());
    let first = tail.chars().next();
    !(first.is_some_and(is_word_char) && before.is_some_and(is_word_char))
}

/// Whether `tail` closes brackets or quotes opened in `kept` (the completion without the tail).
fn needed_by_completion(kept: &str, tail: &str) -> bool {
    let mut open = Vec::new();
    for c in kept.chars() {
        match c {
            '(' | '[' | '{' => open.push(c),
            ')' | ']' | '}' => {
                open.pop();
            }
            _ => {}
        }
    }
    let closes_bracket = !open.is_empty() && tail.contains([')', ']', '}']);
    let closes_quote = ['"', '\'', '`']
        .iter()
        .any(|q| tail.contains(*q) && kept.matches(*q).count() % 2 == 1);
    closes_bracket || closes_quote
}
