//! FIM templates and their stop tokens, per model family.

use serde::{Deserialize, Serialize};

/// Repository-level tokens (Qwen2.5-Coder), for putting other files before the prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoTokens {
    pub repo_name: String,
    pub file_sep: String,
}

/// A model family's fill-in-the-middle template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FimTemplate {
    pub name: String,
    pub prefix: String,
    pub suffix: String,
    pub middle: String,
    /// Suffix-prefix-middle order instead of prefix-suffix-middle.
    #[serde(default)]
    pub suffix_first: bool,
    #[serde(default)]
    pub repo: Option<RepoTokens>,
    #[serde(default)]
    pub stop: Vec<String>,
}

/// Picks the template for a model from its name or GGUF architecture; Qwen2.5-Coder's by default.
pub fn template_for_model(model_name: &str, architecture: Option<&str>) -> FimTemplate {
    let _ = (model_name, architecture);
    todo!()
}

/// A built-in template by name (`qwen`, `starcoder`, `deepseek`, `codellama`, `codestral`, `codegemma`).
pub fn template_by_name(name: &str) -> Option<FimTemplate> {
    let _ = name;
    todo!()
}
