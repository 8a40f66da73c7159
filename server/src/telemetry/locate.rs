//! Finding an accepted text in the document: at the point it was offered, or nearby when the
//! client inserted it differently (a replaced range, a re-inserted word, a formatter).

use ropey::Rope;

/// How far from the expected point an accepted text is looked for, in chars.
const WINDOW: usize = 2_000;

/// The char index where `expected` starts in `doc`, as close to `hint` as possible.
pub fn locate(doc: &Rope, hint: usize, expected: &str) -> Option<usize> {
    let len = expected.chars().count();
    if len == 0 {
        return None;
    }
    let total = doc.len_chars();
    if hint + len <= total && text(doc, hint, hint + len).as_deref() == Some(expected) {
        return Some(hint);
    }
    let from = hint.saturating_sub(WINDOW);
    let to = (hint + len + WINDOW).min(total);
    let window = text(doc, from, to)?;
    let mut best: Option<usize> = None;
    let mut chars_before = 0;
    let mut last_byte = 0;
    for (byte, _) in window.match_indices(expected) {
        chars_before += window[last_byte..byte].chars().count();
        last_byte = byte;
        let at = from + chars_before;
        if best.is_none_or(|b| at.abs_diff(hint) < b.abs_diff(hint)) {
            best = Some(at);
        }
    }
    best
}

/// The text of chars `from..to`, or `None` when out of range.
pub fn text(doc: &Rope, from: usize, to: usize) -> Option<String> {
    doc.get_slice(from..to).map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_found_at_the_hint_or_the_nearest_place() {
        let doc = Rope::from_str("«x» foo(); bar(); foo();\n");
        let cases = [
            ("at the hint", 4, "foo()", Some(4)),
            ("before the hint", 9, "foo()", Some(4)),
            ("nearest of two", 16, "foo()", Some(18)),
            ("missing", 4, "baz()", None),
            ("empty", 4, "", None),
            (
                "a far hint finds the nearest in the window",
                500,
                "foo()",
                Some(18),
            ),
        ];
        for (name, hint, expected, found) in cases {
            assert_eq!(locate(&doc, hint, expected), found, "{name}");
        }
    }
}
