//! Protocol types ↔ core types.

use ropey::Rope;
use serde_json::json;
use tower_lsp_server::ls_types::{
    Command, CompletionItem, CompletionItemKind, CompletionTextEdit, InlineCompletionItem,
    Position, Range, TextDocumentContentChangeEvent, TextEdit,
};

use crate::documents::{from_char, to_char, PositionEncoding, TextChange};
use crate::engine::Suggestion;

/// The command a client runs when the user accepts an inline suggestion.
pub const ACCEPT_COMMAND: &str = "tandem.accept";
/// The command a client runs when the user dismisses a suggestion (arguments: `{id}`).
pub const REJECT_COMMAND: &str = "tandem.reject";

/// A `didChange` content change as core data.
pub fn text_change(event: TextDocumentContentChangeEvent) -> TextChange {
    TextChange {
        range: event.range.map(|r| {
            (
                (r.start.line, r.start.character),
                (r.end.line, r.end.character),
            )
        }),
        text: event.text,
    }
}

/// Rope char index of an LSP position.
pub fn cursor(rope: &Rope, position: Position, encoding: PositionEncoding) -> usize {
    to_char(rope, position.line, position.character, encoding)
}

/// LSP position of a rope char index.
pub fn position(rope: &Rope, char_idx: usize, encoding: PositionEncoding) -> Position {
    let (line, character) = from_char(rope, char_idx, encoding);
    Position { line, character }
}

fn accept_command(suggestion: &Suggestion) -> Command {
    Command {
        title: "tandem: accept suggestion".into(),
        command: ACCEPT_COMMAND.into(),
        arguments: Some(vec![json!({ "id": suggestion.id })]),
    }
}

/// An inline completion item inserting the suggestion at the cursor.
pub fn inline_item(
    rope: &Rope,
    suggestion: &Suggestion,
    encoding: PositionEncoding,
) -> InlineCompletionItem {
    let at = position(rope, suggestion.at, encoding);
    InlineCompletionItem {
        insert_text: suggestion.text.clone(),
        filter_text: None,
        range: Some(Range { start: at, end: at }),
        command: Some(accept_command(suggestion)),
        insert_text_format: None,
    }
}

/// A completion item for editors without inline completion. Completion lists are filtered by the
/// word before the cursor, so the edit starts at that word and re-inserts it.
pub fn completion_item(
    rope: &Rope,
    suggestion: &Suggestion,
    encoding: PositionEncoding,
) -> CompletionItem {
    let word_start = word_start(rope, suggestion.at);
    let word: String = rope.slice(word_start..suggestion.at).into();
    let new_text = format!("{word}{}", suggestion.text);
    let first_line = new_text.lines().next().unwrap_or_default().trim();
    let label: String = if first_line.chars().count() > 60 {
        first_line.chars().take(57).chain("...".chars()).collect()
    } else {
        first_line.to_string()
    };
    CompletionItem {
        label,
        kind: Some(CompletionItemKind::TEXT),
        detail: Some("tandem".into()),
        filter_text: Some(new_text.clone()),
        sort_text: Some("0".into()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: Range {
                start: position(rope, word_start, encoding),
                end: position(rope, suggestion.at, encoding),
            },
            new_text,
        })),
        command: Some(accept_command(suggestion)),
        ..CompletionItem::default()
    }
}

fn word_start(rope: &Rope, at: usize) -> usize {
    let line_start = rope.line_to_char(rope.char_to_line(at));
    let mut start = at;
    while start > line_start {
        let c = rope.char(start - 1);
        if !(c.is_alphanumeric() || c == '_') {
            break;
        }
        start -= 1;
    }
    start
}
