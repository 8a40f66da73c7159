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

/// Copies of one piece a line must end in to be a loop within the line.
const LINE_LOOP_COPIES: usize = 6;
/// Longest piece (in characters) looked for.
const LINE_LOOP_MAX_PIECE: usize = 40;

/// Whether `line` ends in `LINE_LOOP_COPIES` or more copies in a row of one piece holding a word
/// (`nl=False, nl=False, nl=False, …` until the token limit cut it). Code repeats pieces too
/// (`0x00, 0x00, …`, `None, None)`), but it ends them with something else: a loop runs to the
/// end of the output.
pub fn loops_within_line(line: &str) -> bool {
    let chars: Vec<char> = line.trim_end().chars().collect();
    let n = chars.len();
    (2..=LINE_LOOP_MAX_PIECE)
        .take_while(|piece| piece * LINE_LOOP_COPIES <= n)
        .any(|piece| {
            let tail = &chars[n - piece * LINE_LOOP_COPIES..];
            let periodic = (0..tail.len() - piece).all(|i| tail[i] == tail[i + piece]);
            periodic && holds_a_word(&tail[..piece * 2])
        })
}

/// Whether `text` holds two letters in a row (an identifier, not `0x00` or `--`).
fn holds_a_word(text: &[char]) -> bool {
    text.windows(2)
        .any(|w| w[0].is_alphabetic() && w[1].is_alphabetic())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_within_a_line_table() {
        let cases = [
            // Recorded from the real 1.5B on the development corpus (click's tests).
            (
                "ick.echo(file=file, nl=False, nl=False, nl=False, nl=False, nl=False, nl=False, nl=False, nl=Fal",
                true,
            ),
            ("x = foo(bar)(bar)(bar)(bar)(bar)(bar)", true),
            ("z = h(key=1, key=1, key=1, key=1, key=1, key=1, key=1", true),
            ("x = foo(bar)(bar)(bar)(bar)(bar)", false),
            ("NIL = [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,", false),
            ("t = (None, None, None, None, None, None, None, None)", false),
            ("// ------------------------------------------------", false),
            ("s = \"abababababababababab", true),
            ("", false),
        ];
        for (line, want) in cases {
            assert_eq!(loops_within_line(line), want, "{line:?}");
        }
    }
}
