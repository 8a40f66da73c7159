use super::{Document, TextChange};
use crate::documents::position::{from_char, PositionEncoding::*};
use crate::documents::PositionEncoding;

fn edit(start: (u32, u32), end: (u32, u32), text: &str) -> TextChange {
    TextChange {
        range: Some((start, end)),
        text: text.to_owned(),
    }
}

fn replace_all(text: &str) -> TextChange {
    TextChange {
        range: None,
        text: text.to_owned(),
    }
}

/// (name, initial text, encoding, changes applied in order, expected text)
type Case = (
    &'static str,
    &'static str,
    PositionEncoding,
    Vec<TextChange>,
    &'static str,
);

fn cases() -> Vec<Case> {
    vec![
        (
            "typing after an emoji counts its UTF-16 surrogate pair",
            "let s = \"😀\";\n",
            Utf16,
            vec![
                edit((0, 11), (0, 11), "!"),
                edit((0, 12), (0, 12), "?"),
                edit((0, 9), (0, 11), "🦀"),
            ],
            "let s = \"🦀!?\";\n",
        ),
        (
            "typing after an emoji counts its 4 UTF-8 bytes",
            "let s = \"😀\";\n",
            Utf8,
            vec![
                edit((0, 13), (0, 13), "!"),
                edit((0, 9), (0, 13), "日本"),
                edit((0, 15), (0, 15), "語"),
            ],
            "let s = \"日本語!\";\n",
        ),
        (
            "typing after an emoji counts one UTF-32 unit",
            "let s = \"😀\";\n",
            Utf32,
            vec![edit((0, 10), (0, 10), "x"), edit((0, 9), (0, 10), "")],
            "let s = \"x\";\n",
        ),
        (
            "CJK identifiers are edited by UTF-8 byte columns",
            "名前 = 1\n値 = 2\n",
            Utf8,
            vec![
                edit((1, 0), (1, 3), "数"),
                edit((0, 3), (0, 6), ""),
                edit((0, 3), (0, 3), "字"),
            ],
            "名字 = 1\n数 = 2\n",
        ),
        (
            "combining marks are separate code units",
            "cafe\u{301} ok",
            Utf16,
            vec![edit((0, 4), (0, 5), ""), edit((0, 3), (0, 4), "é")],
            "café ok",
        ),
        (
            "a multi-line deletion joins lines in UTF-16",
            "a😀\nb日\nc\n",
            Utf16,
            vec![edit((0, 3), (2, 0), " "), edit((0, 4), (0, 5), "")],
            "a😀 \n",
        ),
        (
            "inserting CRLF splits a line; the next line starts after both chars",
            "one two\r\nthree",
            Utf16,
            vec![
                edit((0, 3), (0, 4), "\r\n"),
                edit((1, 0), (1, 0), ">"),
                edit((2, 5), (2, 5), "!"),
            ],
            "one\r\n>two\r\nthree!",
        ),
        (
            "removing a CRLF joins lines",
            "a\r\nb\r\nc",
            Utf8,
            vec![edit((0, 1), (1, 0), ""), edit((0, 2), (1, 0), "-")],
            "ab-c",
        ),
        (
            "a column past the end of a CRLF line stays before the \\r",
            "ab\r\ncd",
            Utf32,
            vec![edit((0, 7), (0, 9), "X")],
            "abX\r\ncd",
        ),
        (
            "\\r then \\n typed separately merge into one CRLF line break",
            "ab",
            Utf16,
            vec![edit((0, 1), (0, 1), "\r"), edit((1, 0), (1, 0), "\n")],
            "a\r\nb",
        ),
        (
            "appending at the end of a file without a final newline",
            "fn x() {}",
            Utf16,
            vec![
                edit((0, 9), (0, 9), "\n"),
                edit((1, 0), (1, 0), "// é"),
                edit((1, 4), (1, 4), "\n"),
            ],
            "fn x() {}\n// é\n",
        ),
        (
            "edits addressed past the last line append at the end",
            "x\n",
            Utf8,
            vec![edit((5, 3), (9, 0), "y"), edit((1, 1), (7, 7), "z")],
            "x\nyz",
        ),
        (
            "deleting the trailing newline at the end",
            "x😀\n",
            Utf8,
            vec![edit((0, 5), (1, 0), "")],
            "x😀",
        ),
        (
            "a range with start after end is normalised",
            "hello world",
            Utf16,
            vec![edit((0, 11), (0, 6), "there")],
            "hello there",
        ),
        (
            "a full replacement then an incremental edit",
            "old",
            Utf8,
            vec![replace_all("新しい\n"), edit((1, 0), (1, 0), "end")],
            "新しい\nend",
        ),
        (
            "the empty document accepts an insert at (0, 0)",
            "",
            Utf32,
            vec![edit((0, 0), (0, 0), "🦀")],
            "🦀",
        ),
    ]
}

#[test]
fn edit_sequences_produce_expected_text() {
    for (name, initial, enc, changes, expected) in cases() {
        let mut doc = Document::new("file:///t.rs", "rust", 1, initial);
        for change in &changes {
            doc.apply(change, enc);
        }
        assert_eq!(doc.text.to_string(), expected, "{name}");
    }
}

#[test]
fn random_edits_match_a_string_reference() {
    // Edits are chosen as char ranges, sent as LSP positions as a client would, and the result
    // compared with the same splice on a plain String.
    const PIECES: &[&str] = &["a", " ", "é", "😀", "日", "\n", "\r\n", "x\u{301}", ""];
    let mut state: u64 = 0x5eed;
    let mut next = move |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) % n as u64) as usize
    };
    for enc in [Utf8, Utf16, Utf32] {
        let mut doc = Document::new("untitled:1", "text", 1, "");
        let mut reference: Vec<char> = Vec::new();
        for step in 0..400 {
            let len = reference.len();
            let (a, b) = (next(len + 1), next(len + 1));
            let mut start = from_char(&doc.text, a, enc);
            let mut end = from_char(&doc.text, b, enc);
            // A char index on the `\n` of a CRLF is not addressable; the reference snaps the same
            // way LSP positions do, so compute the splice from the positions' own char indices.
            let (ra, rb) = (
                crate::documents::to_char(&doc.text, start.0, start.1, enc),
                crate::documents::to_char(&doc.text, end.0, end.1, enc),
            );
            if next(2) == 0 {
                std::mem::swap(&mut start, &mut end);
            }
            let insert: String = (0..next(4)).map(|_| PIECES[next(PIECES.len())]).collect();
            doc.apply(&edit(start, end, &insert), enc);
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            reference.splice(lo..hi, insert.chars());
            let reference_text: String = reference.iter().collect();
            assert_eq!(doc.text.to_string(), reference_text, "{enc:?} step {step}");
        }
    }
}
