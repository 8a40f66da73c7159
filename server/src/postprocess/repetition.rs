//! Dropping output that repeats itself or the lines just above the cursor.

use super::suffix_overlap::is_closer_line;
use super::PostContext;

/// Identical lines in a row that mean the model is looping.
const LOOP_RUN: usize = 3;
/// Most lines above the cursor compared against the start of the output.
const MAX_ECHO_LINES: usize = 5;

/// Whether `line` is the `LOOP_RUN`th identical non-blank line in a row after `kept`.
pub fn completes_loop(kept: &[String], line: &str) -> bool {
    !line.trim().is_empty()
        && kept.len() >= LOOP_RUN - 1
        && kept[kept.len() - (LOOP_RUN - 1)..]
            .iter()
            .all(|k| k == line)
}

/// Drops leading output lines that repeat, verbatim, the last lines before the cursor (the model
/// restarting from code it was shown). Only on a fresh line, where a repeat is never a
/// continuation of the cursor line.
pub fn drop_prefix_echo(lines: &mut Vec<String>, ctx: &PostContext) {
    if !ctx.line_prefix.trim().is_empty() {
        return;
    }
    let above: Vec<&str> = ctx
        .previous_lines
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let output: Vec<(usize, &str)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (i, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let longest = MAX_ECHO_LINES.min(above.len()).min(output.len());
    let echo = (1..=longest).rev().find(|&k| {
        let repeated = &above[above.len() - k..];
        output[..k]
            .iter()
            .map(|(_, l)| *l)
            .eq(repeated.iter().copied())
            && repeated.iter().any(|l| is_substantial(l))
    });
    if let Some(k) = echo {
        let last_echoed = output[k - 1].0;
        let blank_after = lines[last_echoed + 1..]
            .iter()
            .take_while(|l| l.trim().is_empty())
            .count();
        lines.drain(..=last_echoed + blank_after);
        // The new first line was a whole line; it now follows the cursor's indentation.
        if let Some(first) = lines.first_mut() {
            if first.starts_with(ctx.line_prefix.as_str()) {
                first.drain(..ctx.line_prefix.len());
            }
        }
    }
}

/// Lines worth calling a repeat: not a lone bracket or a keyword-sized line.
fn is_substantial(trimmed: &str) -> bool {
    !is_closer_line(trimmed) && trimmed.chars().filter(|c| c.is_alphanumeric()).count() >= 4
}
