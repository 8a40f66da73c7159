//! Conversion between LSP positions (line + column in a negotiated encoding) and rope char indices.

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
        todo!()
    }

    /// Picks the server's encoding from what the client offers (`general.positionEncodings`);
    /// utf-16 when the client offers nothing.
    pub fn negotiate(offered: &[String]) -> Self {
        let _ = offered;
        todo!()
    }
}

/// Char index in `rope` of an LSP position. A column past the end of its line clamps to the end of
/// the line (before the line break; a column inside a CRLF or a multi-unit character clamps to its
/// start); a line past the end clamps to the end of the document.
pub fn to_char(rope: &Rope, line: u32, character: u32, encoding: PositionEncoding) -> usize {
    let _ = (rope, line, character, encoding);
    todo!()
}

/// LSP position (line, column) of a char index in `rope`.
pub fn from_char(rope: &Rope, char_idx: usize, encoding: PositionEncoding) -> (u32, u32) {
    let _ = (rope, char_idx, encoding);
    todo!()
}
