//! The rows the tracker asks the writer to store, as plain data. Code fields are already `None`
//! when code must not be stored; the writer redacts the rest.

use serde_json::Value;

/// One change to the database.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// A new suggestion was offered.
    Suggestion(Box<SuggestionRow>),
    /// First `didShowCompletion` for a suggestion.
    Shown { id: String, at_ms: u64 },
    /// A suggestion's outcome (a later acceptance overwrites an implicit rejection).
    Outcome(OutcomeRow),
    /// The file around an accepted suggestion, at acceptance.
    AcceptedContext {
        id: String,
        file_prefix: Option<String>,
        file_suffix: Option<String>,
    },
    /// A row of the `events` log.
    Event {
        suggestion_id: Option<String>,
        at_ms: u64,
        kind: &'static str,
        detail: Value,
    },
    /// A retention checkpoint.
    Retention {
        suggestion_id: String,
        checkpoint: &'static str,
        at_ms: u64,
        unchanged: bool,
        similarity: f64,
        surviving: Option<String>,
    },
}

/// The `suggestions` columns known when a suggestion is offered.
#[derive(Debug, Clone, PartialEq)]
pub struct SuggestionRow {
    pub id: String,
    pub created_ms: u64,
    pub workspace: Option<String>,
    pub path: Option<String>,
    pub language: String,
    pub model: String,
    pub backend: String,
    pub template: String,
    pub trigger: &'static str,
    pub source: String,
    pub context_ms: f64,
    pub prompt_ms: f64,
    pub model_ms: f64,
    pub post_ms: f64,
    pub total_ms: f64,
    pub prompt_tokens: Option<u32>,
    pub cached_tokens: Option<u32>,
    /// JSON array of `{"source","path","tokens"}`.
    pub context_sources: String,
    pub text: Option<String>,
    pub text_chars: usize,
}

/// The outcome columns of `suggestions`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeRow {
    pub id: String,
    /// `accepted`, `partial` or `rejected`.
    pub outcome: &'static str,
    /// For `rejected`: `explicit`, `typed_over`, `replaced`, `timeout` or `closed`.
    pub reason: Option<&'static str>,
    pub at_ms: u64,
    /// How long it was on screen before the outcome, when the client reported showing it.
    pub visible_ms: Option<u64>,
    pub accepted_chars: Option<usize>,
}
