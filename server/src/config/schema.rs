//! The settings and their defaults. README's configuration table documents every key here.

use serde::{Deserialize, Serialize};
use tandem_clients::LlamaCppEndpoint;

use crate::prompt::FimTemplate;

/// All of tandem's settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub backend: BackendSection,
    pub managed: ManagedSection,
    pub completion: CompletionSection,
    pub prompt: PromptSection,
    pub context: ContextSection,
    pub telemetry: TelemetrySection,
    pub log: LogSection,
}

/// Which kind of model server to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendChoice {
    /// tandem starts and shares its own llama-server.
    #[default]
    Managed,
    LlamaCpp,
    OpenAi,
    Ollama,
}

/// `[backend]`: where completions come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackendSection {
    pub kind: BackendChoice,
    pub url: String,
    pub model: String,
    pub api_key_env: String,
    pub endpoint: LlamaCppEndpoint,
    pub connect_timeout_ms: u64,
    pub request_timeout_ms: u64,
    pub num_ctx: u32,
}

impl Default for BackendSection {
    fn default() -> Self {
        Self {
            kind: BackendChoice::Managed,
            url: String::new(),
            model: String::new(),
            api_key_env: String::new(),
            // Measured on the real Qwen2.5-Coder 0.5B: llama.cpp's /infill wraps the prompt in
            // placeholder repo tokens and did worse than tandem's own template on /completion.
            endpoint: LlamaCppEndpoint::Completion,
            connect_timeout_ms: 2_000,
            request_timeout_ms: 30_000,
            num_ctx: 8_192,
        }
    }
}

/// `[managed]`: the llama-server tandem runs itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ManagedSection {
    pub llama_server: String,
    pub model: String,
    pub ctx_size: u32,
    pub threads: u32,
    pub idle_timeout_secs: u64,
    pub port: u16,
}

impl Default for ManagedSection {
    fn default() -> Self {
        Self {
            llama_server: String::new(),
            model: "0.5b".into(),
            ctx_size: 8_192,
            threads: 0,
            idle_timeout_secs: 1_800,
            port: 0,
        }
    }
}

/// `[completion]`: when and how completions are requested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompletionSection {
    pub enabled: bool,
    pub debounce_ms: u64,
    pub max_tokens: u32,
    pub temperature: f32,
    pub alternatives: u32,
    pub time_limit_ms: u32,
    pub max_file_bytes: u64,
    pub ignore: Vec<String>,
}

impl Default for CompletionSection {
    fn default() -> Self {
        Self {
            enabled: true,
            debounce_ms: 60,
            max_tokens: 128,
            temperature: 0.2,
            alternatives: 3,
            time_limit_ms: 1_500,
            max_file_bytes: 5_000_000,
            ignore: [
                "**/.env*",
                "**/*.pem",
                "**/*.key",
                "**/id_rsa*",
                "**/secrets/**",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

/// `[prompt]`: how prompts are built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PromptSection {
    pub template: String,
    pub max_tokens: u32,
    pub prefix_share: f32,
    pub tokenizer: String,
    pub custom: Option<FimTemplate>,
    /// Token healing: a partial word before the cursor is cut from the prompt and the model
    /// writes it again (see `prompt::partial_word`).
    pub token_healing: bool,
}

impl Default for PromptSection {
    fn default() -> Self {
        Self {
            template: "auto".into(),
            max_tokens: 1_536,
            prefix_share: 0.75,
            tokenizer: String::new(),
            custom: None,
            token_healing: true,
        }
    }
}

/// `[log]`: where diagnostics go (never stdout).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSection {
    pub level: String,
    pub file: String,
}

impl Default for LogSection {
    fn default() -> Self {
        Self {
            level: "info".into(),
            file: String::new(),
        }
    }
}

/// How much code from outside the cursor's window goes into the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContextMode {
    /// Only the window around the cursor.
    None,
    /// Also code from the current file outside the window.
    File,
    /// Also code from the rest of the workspace.
    #[default]
    Repo,
}

/// `[context]`: code from elsewhere in the workspace that goes before the prefix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContextSection {
    pub mode: ContextMode,
    /// Which sources may contribute: `definitions`, `similar`, `recent`, `outline`.
    pub sources: Vec<String>,
    /// Models with fewer parameters than this (as the model server reports them) get no
    /// `definitions` or `outline` chunks; 0 gives them to every model. A model of unknown size
    /// gets them.
    pub definitions_min_params: u64,
    /// Token budget for all context chunks, on top of `prompt.max_tokens` for the window.
    pub max_tokens: u32,
    /// Time budget for gathering context, per request.
    pub time_budget_ms: u64,
    /// The workspace index skips files larger than this.
    pub max_file_bytes: u64,
    /// The workspace index stops after this many files.
    pub max_files: usize,
}

impl Default for ContextSection {
    fn default() -> Self {
        Self {
            mode: ContextMode::Repo,
            sources: ["definitions", "similar", "recent"]
                .map(String::from)
                .to_vec(),
            definitions_min_params: 1_000_000_000,
            max_tokens: 1_024,
            time_budget_ms: 15,
            max_file_bytes: 512_000,
            max_files: 20_000,
        }
    }
}

/// `[telemetry]`: what tandem records locally about the suggestions it shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelemetrySection {
    pub enabled: bool,
    /// Keep the code text (prompt window, suggestion, what survived); `false` keeps metrics only.
    pub store_code: bool,
    /// The SQLite database; empty means `<data dir>/tandem/telemetry.sqlite3`.
    pub path: String,
    /// Files whose code is never stored, whatever `store_code` says.
    pub never_store: Vec<String>,
}

impl Default for TelemetrySection {
    fn default() -> Self {
        Self {
            enabled: true,
            store_code: true,
            path: String::new(),
            never_store: [
                "**/.env*",
                "**/*.pem",
                "**/*.key",
                "**/id_rsa*",
                "**/id_ed25519*",
                "**/secrets/**",
                "**/*secret*",
                "**/*credential*",
                "**/.netrc",
                "**/.npmrc",
                "**/.pypirc",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}
