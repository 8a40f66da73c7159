use ropey::Rope;

use super::PositionEncoding::{self, Utf16, Utf32, Utf8};
use super::{from_char, to_char};

#[test]
fn lsp_names_round_trip() {
    for enc in [Utf8, Utf16, Utf32] {
        assert_eq!(PositionEncoding::from_lsp_name(enc.lsp_name()), Some(enc));
    }
    assert_eq!(Utf8.lsp_name(), "utf-8");
    assert_eq!(Utf16.lsp_name(), "utf-16");
    assert_eq!(Utf32.lsp_name(), "utf-32");
    assert_eq!(PositionEncoding::from_lsp_name("UTF-8"), None);
}

#[test]
fn negotiate_prefers_utf8_then_utf32_then_utf16() {
    let cases: &[(&[&str], PositionEncoding)] = &[
        (&[], Utf16),
        (&["utf-16"], Utf16),
        (&["utf-16", "utf-8"], Utf8),
        (&["utf-32", "utf-8", "utf-16"], Utf8),
        (&["utf-16", "utf-32"], Utf32),
        (&["utf-32"], Utf32),
        (&["latin-1", "utf-7"], Utf16),
        (&["latin-1", "utf-32"], Utf32),
        (&["UTF-8"], Utf16),
    ];
    for (offered, expected) in cases {
        let offered: Vec<String> = offered.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            PositionEncoding::negotiate(&offered),
            *expected,
            "offered {offered:?}"
        );
    }
}

/// (text, encoding, line, column, expected char index)
type ToCharCase = (&'static str, PositionEncoding, u32, u32, usize);

const TO_CHAR: &[ToCharCase] = &[
    // ASCII; the last line has no newline.
    ("fn main() {\n    x\n}", Utf8, 0, 0, 0),
    ("fn main() {\n    x\n}", Utf16, 0, 3, 3),
    ("fn main() {\n    x\n}", Utf32, 0, 11, 11),
    ("fn main() {\n    x\n}", Utf8, 0, 12, 11),
    ("fn main() {\n    x\n}", Utf16, 0, 99, 11),
    ("fn main() {\n    x\n}", Utf32, 1, 4, 16),
    ("fn main() {\n    x\n}", Utf8, 2, 0, 18),
    ("fn main() {\n    x\n}", Utf16, 2, 1, 19),
    ("fn main() {\n    x\n}", Utf32, 2, 7, 19),
    ("fn main() {\n    x\n}", Utf8, 3, 0, 19),
    ("fn main() {\n    x\n}", Utf16, u32::MAX, u32::MAX, 19),
    ("", Utf8, 0, 0, 0),
    ("", Utf16, 0, 5, 0),
    ("", Utf32, 1, 0, 0),
    // Emoji: 4 UTF-8 bytes, a UTF-16 surrogate pair, one char.
    ("a😀b\n", Utf8, 0, 1, 1),
    ("a😀b\n", Utf8, 0, 2, 1),
    ("a😀b\n", Utf8, 0, 4, 1),
    ("a😀b\n", Utf8, 0, 5, 2),
    ("a😀b\n", Utf8, 0, 6, 3),
    ("a😀b\n", Utf8, 0, 7, 3),
    ("a😀b\n", Utf16, 0, 1, 1),
    ("a😀b\n", Utf16, 0, 2, 1),
    ("a😀b\n", Utf16, 0, 3, 2),
    ("a😀b\n", Utf16, 0, 4, 3),
    ("a😀b\n", Utf16, 0, 9, 3),
    ("a😀b\n", Utf32, 0, 2, 2),
    ("a😀b\n", Utf32, 0, 3, 3),
    ("a😀b\n", Utf32, 0, 4, 3),
    ("a😀b\n", Utf16, 1, 0, 4),
    ("a😀b\n", Utf8, 1, 3, 4),
    // CJK: 3 UTF-8 bytes, one UTF-16 unit.
    ("名前 = 値", Utf8, 0, 3, 1),
    ("名前 = 値", Utf8, 0, 4, 1),
    ("名前 = 値", Utf8, 0, 6, 2),
    ("名前 = 値", Utf8, 0, 7, 3),
    ("名前 = 値", Utf8, 0, 10, 5),
    ("名前 = 値", Utf8, 0, 11, 5),
    ("名前 = 値", Utf8, 0, 12, 6),
    ("名前 = 値", Utf8, 0, 13, 6),
    ("名前 = 値", Utf8, 0, 99, 6),
    ("名前 = 値", Utf16, 0, 1, 1),
    ("名前 = 値", Utf16, 0, 5, 5),
    ("名前 = 値", Utf16, 0, 7, 6),
    ("名前 = 値", Utf32, 0, 6, 6),
    // Combining acute accent (U+0301, 2 UTF-8 bytes): LSP counts code units, not graphemes, so
    // column 1 between the base letter and its accent is a legal position.
    ("e\u{301}x", Utf8, 0, 1, 1),
    ("e\u{301}x", Utf8, 0, 2, 1),
    ("e\u{301}x", Utf8, 0, 3, 2),
    ("e\u{301}x", Utf16, 0, 2, 2),
    ("e\u{301}x", Utf32, 0, 3, 3),
    // Mixed, CRLF.
    ("x😀日\r\ny", Utf8, 0, 8, 3),
    ("x😀日\r\ny", Utf8, 0, 9, 3),
    ("x😀日\r\ny", Utf16, 0, 4, 3),
    ("x😀日\r\ny", Utf16, 0, 5, 3),
    ("x😀日\r\ny", Utf32, 0, 3, 3),
    ("x😀日\r\ny", Utf32, 0, 4, 3),
    ("x😀日\r\ny", Utf8, 1, 0, 5),
    ("x😀日\r\ny", Utf16, 1, 1, 6),
    // CRLF: a column never lands between `\r` and `\n`.
    ("ab\r\ncd\r\n", Utf8, 0, 2, 2),
    ("ab\r\ncd\r\n", Utf16, 0, 3, 2),
    ("ab\r\ncd\r\n", Utf32, 0, 4, 2),
    ("ab\r\ncd\r\n", Utf8, 1, 0, 4),
    ("ab\r\ncd\r\n", Utf16, 1, 5, 6),
    ("ab\r\ncd\r\n", Utf32, 2, 0, 8),
    ("ab\r\ncd\r\n", Utf8, 3, 0, 8),
    ("\r\n\r\n", Utf16, 1, 0, 2),
    ("\r\n\r\n", Utf16, 1, 1, 2),
    ("\r\n\r\n", Utf16, 2, 0, 4),
    // A lone `\r` ends a line too.
    ("a\rb", Utf8, 0, 1, 1),
    ("a\rb", Utf8, 0, 2, 1),
    ("a\rb", Utf16, 1, 0, 2),
    ("a\rb", Utf32, 1, 1, 3),
    // Characters ropey would treat as line breaks with `unicode_lines`, LSP does not.
    ("a\u{2028}b\nc", Utf8, 0, 4, 2),
    ("a\u{2028}b\nc", Utf16, 0, 3, 3),
    ("a\u{2028}b\nc", Utf32, 1, 0, 4),
    ("a\u{85}\u{b}\u{c}\u{2029}b\nc", Utf32, 1, 0, 7),
];

#[test]
fn to_char_table() {
    for &(text, enc, line, col, expected) in TO_CHAR {
        let rope = Rope::from_str(text);
        assert_eq!(
            to_char(&rope, line, col, enc),
            expected,
            "to_char({text:?}, {line}, {col}, {enc:?})"
        );
    }
}

/// (text, char index, encoding, expected (line, column))
type FromCharCase = (&'static str, usize, PositionEncoding, (u32, u32));

const FROM_CHAR: &[FromCharCase] = &[
    ("fn main() {\n    x\n}", 0, Utf8, (0, 0)),
    ("fn main() {\n    x\n}", 11, Utf16, (0, 11)),
    ("fn main() {\n    x\n}", 12, Utf32, (1, 0)),
    ("fn main() {\n    x\n}", 19, Utf8, (2, 1)),
    ("fn main() {\n    x\n}", 500, Utf16, (2, 1)),
    ("", 0, Utf8, (0, 0)),
    ("", 3, Utf32, (0, 0)),
    ("a😀b\n", 2, Utf8, (0, 5)),
    ("a😀b\n", 2, Utf16, (0, 3)),
    ("a😀b\n", 2, Utf32, (0, 2)),
    ("a😀b\n", 3, Utf8, (0, 6)),
    ("a😀b\n", 4, Utf16, (1, 0)),
    ("名前 = 値", 2, Utf8, (0, 6)),
    ("名前 = 値", 6, Utf8, (0, 12)),
    ("名前 = 値", 6, Utf16, (0, 6)),
    ("e\u{301}x", 2, Utf8, (0, 3)),
    ("e\u{301}x", 2, Utf16, (0, 2)),
    ("x😀日\r\ny", 3, Utf8, (0, 8)),
    ("x😀日\r\ny", 3, Utf16, (0, 4)),
    ("x😀日\r\ny", 6, Utf16, (1, 1)),
    // The `\n` of a CRLF maps to the end of the line's content.
    ("ab\r\ncd\r\n", 2, Utf8, (0, 2)),
    ("ab\r\ncd\r\n", 3, Utf8, (0, 2)),
    ("ab\r\ncd\r\n", 4, Utf16, (1, 0)),
    ("ab\r\ncd\r\n", 7, Utf32, (1, 2)),
    ("ab\r\ncd\r\n", 8, Utf32, (2, 0)),
    ("a\rb", 2, Utf8, (1, 0)),
    ("a\u{2028}b\nc", 3, Utf8, (0, 5)),
    ("a\u{2028}b\nc", 5, Utf8, (1, 1)),
];

#[test]
fn from_char_table() {
    for &(text, idx, enc, expected) in FROM_CHAR {
        let rope = Rope::from_str(text);
        assert_eq!(
            from_char(&rope, idx, enc),
            expected,
            "from_char({text:?}, {idx}, {enc:?})"
        );
    }
}

#[test]
fn line_numbering_follows_lsp_not_unicode() {
    // Guards the ropey feature selection in Cargo.toml: feature unification could turn
    // `unicode_lines` back on and silently shift line numbers.
    let rope = Rope::from_str("a\u{2028}b\u{2029}c\u{85}d\u{b}e\u{c}f\ng\rh\r\ni");
    assert_eq!(rope.len_lines(), 4);
}

/// Deterministic pseudo-random numbers (Knuth's MMIX LCG) so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "a", "Z", " ", "    ", "fn", "{", "}", "é", "e\u{301}", "😀", "🦀", "日本", "ñ", "\n", "\r\n",
    "\r", "\u{2028}", "\t", "\u{85}",
];

fn random_text(rng: &mut Lcg, max_pieces: usize) -> String {
    let n = rng.below(max_pieces + 1);
    (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect()
}

/// Every valid LSP position of `text` with the char index it names, computed naively by walking
/// the string: (char index, line, utf-8 col, utf-16 col, utf-32 col).
fn reference_positions(text: &str) -> Vec<(usize, u32, u32, u32, u32)> {
    let mut out = Vec::new();
    let (mut line, mut c8, mut c16, mut c32) = (0u32, 0u32, 0u32, 0u32);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        out.push((i, line, c8, c16, c32));
        let c = chars[i];
        let break_len = match c {
            '\r' if chars.get(i + 1) == Some(&'\n') => 2,
            '\r' | '\n' => 1,
            _ => 0,
        };
        if break_len > 0 {
            i += break_len;
            line += 1;
            (c8, c16, c32) = (0, 0, 0);
        } else {
            i += 1;
            c8 += c.len_utf8() as u32;
            c16 += c.len_utf16() as u32;
            c32 += 1;
        }
    }
    out.push((chars.len(), line, c8, c16, c32));
    out
}

#[test]
fn positions_match_a_naive_walk_and_round_trip() {
    let mut rng = Lcg(0x7a_6e_de_5e);
    for round in 0..60 {
        // Some texts are long enough to span several rope chunks, putting CRLFs on chunk seams.
        let text = random_text(&mut rng, if round % 4 == 0 { 3000 } else { 40 });
        let rope = Rope::from_str(&text);
        let mut positions = reference_positions(&text);
        if positions.len() > 150 {
            // Unoptimised test builds are slow; a random sample still covers every chunk.
            positions = (0..150)
                .map(|_| positions[rng.below(positions.len())])
                .collect();
        }
        for (idx, line, c8, c16, c32) in positions {
            for (enc, col) in [(Utf8, c8), (Utf16, c16), (Utf32, c32)] {
                assert_eq!(
                    to_char(&rope, line, col, enc),
                    idx,
                    "to_char({line}, {col}, {enc:?}) in round {round}"
                );
                assert_eq!(
                    from_char(&rope, idx, enc),
                    (line, col),
                    "from_char({idx}, {enc:?}) in round {round}"
                );
            }
        }
    }
}

#[test]
fn arbitrary_positions_clamp_back_onto_their_line() {
    let mut rng = Lcg(42);
    for round in 0..200 {
        let text = random_text(&mut rng, 30);
        let rope = Rope::from_str(&text);
        let lines = rope.len_lines() as u32;
        for _ in 0..20 {
            let line = rng.below(lines as usize + 2) as u32;
            let col = rng.below(60) as u32;
            for enc in [Utf8, Utf16, Utf32] {
                let idx = to_char(&rope, line, col, enc);
                let (l2, c2) = from_char(&rope, idx, enc);
                if line < lines {
                    // Clamping only ever moves a column left, never onto another line.
                    assert_eq!(l2, line, "{text:?} ({line}, {col}) {enc:?} round {round}");
                    assert!(c2 <= col, "{text:?} ({line}, {col}) {enc:?} round {round}");
                    // The clamped position is itself valid: it maps to the same char.
                    assert_eq!(to_char(&rope, l2, c2, enc), idx);
                } else {
                    assert_eq!(idx, rope.len_chars());
                }
            }
        }
    }
}
