//! Assembling a prompt from a template, a window of the file and context chunks.

use serde::Serialize;
use tandem_clients::{ContextChunk, FimParts};

use super::template::FimTemplate;

/// What goes into a prompt.
#[derive(Debug, Clone)]
pub struct PromptInput<'a> {
    /// Workspace-relative path (or buffer name) of the file being edited.
    pub file_name: &'a str,
    pub repo_name: &'a str,
    /// Text before the cursor, already cut to the budget.
    pub prefix: &'a str,
    /// Text after the cursor, already cut to the budget.
    pub suffix: &'a str,
    /// Context from other files, in a stable order.
    pub extra: &'a [ContextChunk],
}

/// A finished prompt: the rendered text for raw endpoints and the parts for self-templating ones.
#[derive(Debug, Clone, Serialize)]
pub struct BuiltPrompt {
    pub template: String,
    pub rendered: String,
    pub parts: FimParts,
    pub stop: Vec<String>,
}

/// Renders the prompt.
pub fn build(template: &FimTemplate, input: &PromptInput<'_>) -> BuiltPrompt {
    let _ = (template, input);
    todo!()
}
