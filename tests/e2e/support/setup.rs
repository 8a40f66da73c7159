//! Shared test setup: initialization options, open documents tracked on the client side, and
//! reading the server's completion answers.

use serde_json::{json, Value};

use super::lsp_client::LspClient;
use super::scripted_backend::ScriptedBackend;
use super::text::{position_of, split_cursor, Encoding};

/// `InlineCompletionTriggerKind.Invoked`: the user asked; several items allowed.
pub const INVOKED: u8 = 1;
/// `InlineCompletionTriggerKind.Automatic`: while typing; one item.
pub const AUTOMATIC: u8 = 2;

/// Initialization options pointing tandem at a backend of `kind` with no debounce.
pub fn options(kind: &str, url: &str) -> Value {
    json!({
        "backend": {"kind": kind, "url": url},
        "completion": {"debounce_ms": 0},
    })
}

/// [`options`] for llama.cpp `/infill`.
pub fn llamacpp_options(url: &str) -> Value {
    options("llamacpp", url)
}

/// Starts a server and initializes it against `backend` (llama.cpp, default endpoint).
pub async fn start_with(backend: &ScriptedBackend) -> LspClient {
    let client = LspClient::start().await;
    client
        .initialize(llamacpp_options(&backend.url()), None)
        .await;
    client
}

/// The items of an inline completion result (`null`, an array, or `{items}`).
pub fn inline_items(result: &Value) -> Vec<Value> {
    list_items(result, "inline completion")
}

/// The items of a completion result (`null`, an array, or a CompletionList).
pub fn completion_items(result: &Value) -> Vec<Value> {
    list_items(result, "completion")
}

fn list_items(result: &Value, what: &str) -> Vec<Value> {
    match result {
        Value::Null => Vec::new(),
        Value::Array(items) => items.clone(),
        Value::Object(list) => list
            .get("items")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_else(|| panic!("{what} result without items: {result}")),
        other => panic!("unexpected {what} result: {other}"),
    }
}

/// `insertText` of an inline completion item (a string or a `StringValue` snippet).
pub fn insert_text(item: &Value) -> String {
    match item.get("insertText") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Object(snippet)) => snippet
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("snippet insertText without value: {item}"))
            .to_string(),
        _ => panic!("inline completion item without insertText: {item}"),
    }
}

/// `(line, character)` of `range.start` (or `range.end`) of an item.
pub fn range_point(item: &Value, which: &str) -> (u32, u32) {
    let point = item
        .pointer(&format!("/range/{which}"))
        .unwrap_or_else(|| panic!("item without range.{which}: {item}"));
    let get = |field: &str| {
        point
            .get(field)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or_else(|| panic!("bad position in {item}"))
    };
    (get("line"), get("character"))
}

/// A document opened in the server whose text the test mirrors, so edits can be sent as
/// incremental changes in any encoding.
pub struct Doc {
    pub uri: String,
    pub text: String,
    pub version: i32,
    pub encoding: Encoding,
}

impl Doc {
    /// Opens `marked` (with a [`super::text::CURSOR`] marker); returns the document and the
    /// cursor's byte offset.
    pub fn open(
        client: &LspClient,
        uri: &str,
        language_id: &str,
        marked: &str,
        encoding: Encoding,
    ) -> (Self, usize) {
        let (text, cursor) = split_cursor(marked);
        client.did_open(uri, language_id, &text);
        let doc = Self {
            uri: uri.to_string(),
            text,
            version: 1,
            encoding,
        };
        (doc, cursor)
    }

    /// The LSP position of a byte offset in the current text.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        position_of(&self.text, offset, self.encoding)
    }

    /// Inserts `text` at a byte offset, mirrored locally and sent as an incremental change.
    pub fn insert(&mut self, client: &LspClient, offset: usize, text: &str) {
        let at = self.position(offset);
        self.version += 1;
        client.did_change(&self.uri, self.version, at, at, text);
        self.text.insert_str(offset, text);
    }

    /// The text before and after a byte offset.
    pub fn split_at(&self, offset: usize) -> (&str, &str) {
        self.text.split_at(offset)
    }
}

/// Requests an Automatic inline completion at `position` and returns the single item's text,
/// failing with context when there is no item or an error.
pub async fn single_item(client: &LspClient, uri: &str, position: (u32, u32)) -> Value {
    let result = match client.inline_completion(uri, position, AUTOMATIC).await {
        Ok(result) => result,
        Err(error) => client.fail(&format!("inlineCompletion failed: {error:?}")),
    };
    let items = inline_items(&result);
    if items.len() != 1 {
        client.fail(&format!(
            "expected exactly one inline completion item at {position:?}, got {result}"
        ));
    }
    items.into_iter().next().unwrap_or(Value::Null)
}
