//! What the engine is asked and what it answers, as plain data.

use serde::Serialize;
use tandem_clients::Usage;

use super::prefilter::SkipReason;
use crate::documents::DocumentSnapshot;
use crate::prompt::BuiltPrompt;

/// Why a completion was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    /// The user asked explicitly: no debounce, several alternatives.
    Invoked,
    /// As-you-type: debounced, one suggestion.
    Automatic,
}

/// One completion request on a document snapshot.
#[derive(Debug, Clone)]
pub struct CompletionRequest {
    pub document: DocumentSnapshot,
    /// Cursor as a char index into the document's rope.
    pub cursor: usize,
    pub trigger: Trigger,
    /// The workspace root, for relative file names in prompts.
    pub workspace_root: Option<std::path::PathBuf>,
}

/// One suggestion, inserted at the cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// Stable id, used by the client to report acceptance.
    pub id: String,
    pub text: String,
    /// Char index where the text is inserted (the cursor).
    pub at: usize,
}

/// Where the time of one completion went, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Timings {
    /// Connecting to the backend (and starting the managed server, the first time).
    pub startup_ms: f64,
    pub context_ms: f64,
    pub prompt_ms: f64,
    pub model_ms: f64,
    pub post_ms: f64,
    pub total_ms: f64,
}

/// One context chunk that went into the prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextUse {
    /// The source that chose it: `definitions`, `similar` or `recent`.
    pub source: String,
    /// Workspace-relative path of the chunk's file.
    pub path: String,
    /// Tokens it costs in the prompt.
    pub tokens: usize,
}

/// The engine's answer.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CompletionOutcome {
    pub suggestions: Vec<Suggestion>,
    /// Why no model call was made, when none was.
    pub skipped: Option<SkipReason>,
    /// Where the answer came from: `model`, `cache` or `type_through`.
    pub source: &'static str,
    pub timings: Timings,
    pub usage: Usage,
    pub prompt: Option<BuiltPrompt>,
    /// The model's raw outputs before post-processing, one per call.
    pub raw: Vec<String>,
    pub model: String,
    pub backend: String,
    pub mode: String,
    /// Context chunks placed in the prompt, in prompt order.
    pub context: Vec<ContextUse>,
}
