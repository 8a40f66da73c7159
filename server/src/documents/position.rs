//! Conversion between LSP positions (line + column in a negotiated encoding) and rope char indices.
//!
//! Every conversion goes through ropey's indexed conversions (char <-> byte <-> UTF-16 unit <->
//! line), so it costs O(log n) whatever the file or line length. Line numbering matches LSP because
//! ropey is built with `cr_lines` only: `\n`, `\r\n` and `\r` end a line, U+2028 and friends do not.

use ropey::Rope;

/// The unit LSP columns are counted in, negotiated at `initialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

impl PositionEncoding {
    /// The LSP name: `utf-8`, `utf-16`, `utf-32`.
    pub fn lsp_name(self) -> &'static str {
        match self {
            PositionEncoding::Utf8 => "utf-8",
            PositionEncoding::Utf16 => "utf-16",
            PositionEncoding::Utf32 => "utf-32",
        }
    }

    /// The encoding with this LSP name, if it is one of the three LSP defines.
    pub fn from_lsp_name(name: &str) -> Option<Self> {
        match name {
            "utf-8" => Some(PositionEncoding::Utf8),
            "utf-16" => Some(PositionEncoding::Utf16),
            "utf-32" => Some(PositionEncoding::Utf32),
            _ => None,
        }
    }

    /// Picks the server's encoding from what the client offers (`general.positionEncodings`);
    /// utf-16 when the client offers nothing.
    pub fn negotiate(offered: &[String]) -> Self {
        // The rope stores UTF-8, so utf-8 columns are the cheapest and least surprising; utf-32
        // still avoids surrogate arithmetic; utf-16 is the mandatory fallback every client speaks.
        const PREFERENCE: [PositionEncoding; 3] = [
            PositionEncoding::Utf8,
            PositionEncoding::Utf32,
            PositionEncoding::Utf16,
        ];
        let known: Vec<Self> = offered
            .iter()
            .filter_map(|name| Self::from_lsp_name(name))
            .collect();
        PREFERENCE
            .into_iter()
            .find(|enc| known.contains(enc))
            .unwrap_or_default()
    }
}

/// Char index in `rope` of an LSP position. A column past the end of its line clamps to the end of
/// the line (before the line break; a column inside a CRLF or a multi-unit character clamps to its
/// start); a line past the end clamps to the end of the document.
pub fn to_char(rope: &Rope, line: u32, character: u32, encoding: PositionEncoding) -> usize {
    let line = line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let start = rope.line_to_char(line);
    let end = content_end(rope, line, start);
    let character = character as usize;
    match encoding {
        PositionEncoding::Utf32 => start + character.min(end - start),
        PositionEncoding::Utf8 => {
            let start_byte = rope.char_to_byte(start);
            let end_byte = rope.char_to_byte(end);
            // byte_to_char maps a byte inside a multi-byte char to that char's start.
            rope.byte_to_char(start_byte.saturating_add(character).min(end_byte))
        }
        PositionEncoding::Utf16 => {
            let start_cu = rope.char_to_utf16_cu(start);
            let end_cu = rope.char_to_utf16_cu(end);
            // utf16_cu_to_char maps the low half of a surrogate pair to the pair's char.
            rope.utf16_cu_to_char(start_cu.saturating_add(character).min(end_cu))
        }
    }
}

/// LSP position (line, column) of a char index in `rope`.
pub fn from_char(rope: &Rope, char_idx: usize, encoding: PositionEncoding) -> (u32, u32) {
    let char_idx = char_idx.min(rope.len_chars());
    let line = rope.char_to_line(char_idx);
    let start = rope.line_to_char(line);
    // A char index on the `\n` of a CRLF sits between `\r` and `\n`, which LSP cannot express:
    // report the end of the line's content instead.
    let char_idx = char_idx.min(content_end(rope, line, start));
    let column = match encoding {
        PositionEncoding::Utf32 => char_idx - start,
        PositionEncoding::Utf8 => rope.char_to_byte(char_idx) - rope.char_to_byte(start),
        PositionEncoding::Utf16 => rope.char_to_utf16_cu(char_idx) - rope.char_to_utf16_cu(start),
    };
    (saturate(line), saturate(column))
}

/// Char index just past the last content char of `line`, which starts at char `start` (before its
/// `\n`, `\r\n` or `\r`).
fn content_end(rope: &Rope, line: usize, start: usize) -> usize {
    let next = line + 1;
    if next >= rope.len_lines() {
        // The last line never has a line break.
        return rope.len_chars();
    }
    let end = rope.line_to_char(next);
    let ends_with = |back: usize, c: char| end - start >= back && rope.char(end - back) == c;
    if ends_with(2, '\r') && ends_with(1, '\n') {
        end - 2
    } else {
        // Every line but the last ends in exactly one break char (`\n` or `\r`) with `cr_lines`.
        end - 1
    }
}

/// LSP positions are u32; a document with more than 4 G lines or columns cannot be addressed anyway.
fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
#[path = "position_tests.rs"]
mod tests;
