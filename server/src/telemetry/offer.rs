//! What the LSP layer reports when the engine answers a completion request.

use std::path::{Path, PathBuf};

use tandem_clients::Usage;

use crate::documents::DocumentSnapshot;
use crate::engine::{CompletionOutcome, ContextUse, Suggestion, Timings, Trigger};

/// One completion answer as telemetry records it (plain data, no LSP types).
#[derive(Debug, Clone)]
pub struct Offer {
    pub uri: String,
    /// The file, for `file:` documents.
    pub path: Option<PathBuf>,
    /// The workspace root; `None` uses the one telemetry was created with.
    pub workspace: Option<PathBuf>,
    pub language: String,
    pub trigger: Trigger,
    /// `model`, `cache`, `type_through` or `skipped`.
    pub source: String,
    /// Each with its id, text and insertion point (char index).
    pub suggestions: Vec<Suggestion>,
    pub model: String,
    pub backend: String,
    /// The prompt template used (empty when no prompt was built).
    pub template: String,
    pub timings: Timings,
    pub usage: Usage,
    pub context: Vec<ContextUse>,
    /// Why the engine made no model call, when it did not.
    pub skipped: Option<String>,
}

impl Offer {
    /// The offer for `outcome`, the engine's answer on `document`.
    pub fn new(
        document: &DocumentSnapshot,
        workspace: Option<&Path>,
        trigger: Trigger,
        outcome: &CompletionOutcome,
    ) -> Self {
        Self {
            uri: document.uri.clone(),
            path: document.path.clone(),
            workspace: workspace.map(Path::to_path_buf),
            language: document.language_id.clone(),
            trigger,
            source: outcome.source.to_string(),
            suggestions: outcome.suggestions.clone(),
            model: outcome.model.clone(),
            backend: outcome.backend.clone(),
            template: outcome
                .prompt
                .as_ref()
                .map(|p| p.template.clone())
                .unwrap_or_default(),
            timings: outcome.timings,
            usage: outcome.usage,
            context: outcome.context.clone(),
            skipped: outcome
                .skipped
                .as_ref()
                .and_then(|s| serde_json::to_value(s).ok())
                .map(|v| match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                }),
        }
    }
}

/// The stored name of a trigger.
pub fn trigger_name(trigger: Trigger) -> &'static str {
    match trigger {
        Trigger::Invoked => "invoked",
        Trigger::Automatic => "automatic",
    }
}

/// `path` relative to `workspace` with `/` separators, or absolute when it is outside it.
pub fn relative_path(path: &Path, workspace: Option<&Path>) -> String {
    let relative = workspace
        .and_then(|root| path.strip_prefix(root).ok())
        .filter(|r| !r.as_os_str().is_empty());
    match relative {
        Some(r) => r
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        None => path.to_string_lossy().into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_workspace_relative_when_inside_it() {
        let root = Path::new("/w/proj");
        assert_eq!(
            relative_path(Path::new("/w/proj/src/a.rs"), Some(root)),
            "src/a.rs"
        );
        assert_eq!(
            relative_path(Path::new("/elsewhere/b.rs"), Some(root)),
            "/elsewhere/b.rs"
        );
        assert_eq!(
            relative_path(Path::new("/w/proj/c.rs"), None),
            "/w/proj/c.rs"
        );
    }
}
