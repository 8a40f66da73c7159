//! Command-line flags of the replay (each also settable by environment, since `cargo bench`
//! passes flags only after `--`).

use std::path::PathBuf;

use clap::Parser;

/// Replays a real file being typed through tandem's LSP against the real llama-server.
#[derive(Debug, Parser)]
#[command(name = "typing_replay")]
pub struct Options {
    /// Characters to type (whole keystrokes); 0 types the whole function.
    #[arg(long, env = "TANDEM_REPLAY_CHARS", default_value_t = 500)]
    pub chars: usize,
    /// Average typing speed between pauses.
    #[arg(long, env = "TANDEM_REPLAY_CPS", default_value_t = 8.0)]
    pub cps: f64,
    /// Seed of the typist's pauses.
    #[arg(long, env = "TANDEM_REPLAY_SEED", default_value_t = 7)]
    pub seed: u64,
    /// Context modes to replay, one table column each, e.g. `repo,none`.
    #[arg(
        long,
        env = "TANDEM_REPLAY_MODES",
        value_delimiter = ',',
        default_value = "repo"
    )]
    pub modes: Vec<String>,
    /// Pinned PyPI sdist whose source is typed (the version scripts/corpus pins).
    #[arg(
        long,
        env = "TANDEM_REPLAY_PACKAGE",
        default_value = "requests==2.34.2"
    )]
    pub package: String,
    /// sha256 of that sdist; a download that differs is rejected.
    #[arg(
        long,
        env = "TANDEM_REPLAY_PACKAGE_SHA256",
        default_value = "f288924cae4e29463698d6d60bc6a4da69c89185ad1e0bcc4104f584e960b9ed"
    )]
    pub package_sha256: String,
    /// The typed file, relative to the sdist's top folder (or to --source-dir).
    #[arg(
        long,
        env = "TANDEM_REPLAY_FILE",
        default_value = "src/requests/sessions.py"
    )]
    pub file: String,
    /// The function removed from the file and typed back.
    #[arg(
        long,
        env = "TANDEM_REPLAY_FUNCTION",
        default_value = "merge_environment_settings"
    )]
    pub function: String,
    /// Use this folder as the workspace source instead of fetching the package.
    #[arg(long, env = "TANDEM_REPLAY_SOURCE_DIR")]
    pub source_dir: Option<PathBuf>,
    /// llama-server binary (default: ~/.cache/tandem/llama-server/0.3.36/bin/llama-server).
    #[arg(long, env = "TANDEM_LLAMA_SERVER")]
    pub llama_server: Option<PathBuf>,
    /// GGUF model (default: ~/.cache/tandem/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf).
    #[arg(long, env = "TANDEM_MODEL")]
    pub model: Option<PathBuf>,
    /// llama-server context size (tandem's managed default).
    #[arg(long, default_value_t = 8192)]
    pub ctx_size: u32,
    /// llama-server threads; 0 = number of cores, as the managed server does.
    #[arg(long, default_value_t = 0)]
    pub threads: u32,
    /// How long one inline completion may take before it counts as unanswered.
    #[arg(long, default_value_t = 180)]
    pub answer_timeout_secs: u64,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    pub bench: bool,
    /// Benchmark name filters passed by `cargo bench`; ignored.
    #[arg(hide = true)]
    pub filters: Vec<String>,
}
