//! Independent position arithmetic for assertions: LSP positions in each encoding, cursor
//! markers in test documents, and applying the edits the server returns.

/// The unit LSP columns are counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// Every encoding.
    pub const ALL: [Encoding; 3] = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32];

    /// The LSP name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Utf8 => "utf-8",
            Self::Utf16 => "utf-16",
            Self::Utf32 => "utf-32",
        }
    }

    /// Length of `s` in this encoding's code units.
    pub fn len(self, s: &str) -> u32 {
        let n = match self {
            Self::Utf8 => s.len(),
            Self::Utf16 => s.encode_utf16().count(),
            Self::Utf32 => s.chars().count(),
        };
        u32::try_from(n).expect("test text fits in u32")
    }
}

/// The marker tests put in a document where the cursor is.
pub const CURSOR: &str = "<|>";

/// Removes the cursor marker; returns the text and the cursor's byte offset.
pub fn split_cursor(marked: &str) -> (String, usize) {
    let offset = marked
        .find(CURSOR)
        .unwrap_or_else(|| panic!("no cursor marker {CURSOR} in {marked:?}"));
    assert_eq!(
        marked.matches(CURSOR).count(),
        1,
        "more than one cursor marker in {marked:?}"
    );
    (marked.replacen(CURSOR, "", 1), offset)
}

/// The LSP position of a byte offset (lines end at `\n`; a `\r` before it is not counted when
/// the offset is before it).
pub fn position_of(text: &str, offset: usize, encoding: Encoding) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        u32::try_from(line).expect("line fits in u32"),
        encoding.len(&text[line_start..offset]),
    )
}

/// The byte offset of an LSP position; panics if the position is not on a character boundary
/// of an existing line.
pub fn offset_of(text: &str, position: (u32, u32), encoding: Encoding) -> usize {
    let mut line_start = 0;
    for _ in 0..position.0 {
        let newline = text[line_start..]
            .find('\n')
            .unwrap_or_else(|| panic!("line {} is past the end of {text:?}", position.0));
        line_start += newline + 1;
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0;
    for (i, ch) in text[line_start..line_end].char_indices() {
        if units == position.1 {
            return line_start + i;
        }
        let mut buf = [0u8; 4];
        units += encoding.len(ch.encode_utf8(&mut buf));
    }
    assert_eq!(
        units, position.1,
        "column {} is not on a character boundary of line {} in {text:?}",
        position.1, position.0
    );
    line_end
}

/// Applies an LSP edit given as JSON `{start: {line, character}, end: ...}` range and new text.
pub fn apply_edit(
    text: &str,
    range: &serde_json::Value,
    new_text: &str,
    encoding: Encoding,
) -> String {
    let position = |key: &str| -> (u32, u32) {
        let pos = range
            .get(key)
            .unwrap_or_else(|| panic!("range without {key}: {range}"));
        let get = |field: &str| {
            pos.get(field)
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or_else(|| panic!("position without {field}: {pos}"))
        };
        (get("line"), get("character"))
    };
    let start = offset_of(text, position("start"), encoding);
    let end = offset_of(text, position("end"), encoding);
    assert!(start <= end, "inverted range {range}");
    format!("{}{}{}", &text[..start], new_text, &text[end..])
}
