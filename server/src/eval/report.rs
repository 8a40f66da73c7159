//! The RUN.json a run writes and `tandem eval compare` reads back: summary, configuration and
//! one entry per task line (errors included).

use serde::{Deserialize, Serialize};

use super::scores::Scores;
use super::summary::Summary;

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    pub summary: Summary,
    pub config: RunConfig,
    pub tasks: Vec<TaskReport>,
}

/// What produced the run, so two reports can be told apart and reproduced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    pub tasks_file: String,
    pub tandem_version: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub duration_secs: f64,
    /// The model's name as the backend reports it.
    pub model: String,
    /// The backend kind in the config: managed, llamacpp, openai, ollama.
    pub backend: String,
    /// The client that spoke to it (`llamacpp`, `openai`, `ollama`).
    pub backend_client: String,
    pub url: String,
    /// `managed.model` when the backend is managed.
    pub managed_model: Option<String>,
    /// FIM template in use.
    pub template: String,
    pub context_mode: String,
    pub sources: Vec<String>,
    /// `prompt.token_healing`; runs written before it existed had none.
    #[serde(default)]
    pub token_healing: bool,
    pub budgets: Budgets,
    /// `--limit`, when the run stopped early on purpose.
    pub limit: Option<usize>,
    pub bootstrap: BootstrapSettings,
}

/// Token, time and sampling budgets in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Budgets {
    pub prompt_max_tokens: u32,
    pub prefix_share: f32,
    pub context_max_tokens: u32,
    pub context_time_budget_ms: u64,
    pub completion_max_tokens: u32,
    pub completion_time_limit_ms: u32,
    pub temperature: f32,
}

/// How the intervals were computed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BootstrapSettings {
    pub resamples: usize,
    pub seed: u64,
}

/// One line of the task file and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskReport {
    pub id: String,
    /// `None` only for a line too broken to say.
    pub language: Option<String>,
    pub kind: Option<String>,
    pub path: Option<String>,
    /// The first suggestion's text, `""` when there was none; `None` when the task did not run.
    pub completion: Option<String>,
    pub expected: Option<String>,
    /// `None` when the task did not run (see `error`).
    pub scores: Option<Scores>,
    pub timings: Option<TaskTimings>,
    pub prompt_tokens: Option<u32>,
    pub cached_tokens: Option<u32>,
    /// Context chunks the prompt carried, in prompt order.
    pub context: Vec<ContextChunk>,
    /// Why the pipeline made no model call (a prefilter), when it made none.
    pub skipped: Option<String>,
    pub error: Option<String>,
    /// A stable name for the error: `task` (the line itself), or the backend's failure kind
    /// (`timeout`, `connection_refused`, ...).
    #[serde(default)]
    pub error_kind: Option<String>,
}

impl TaskReport {
    /// Whether the task ran and was scored.
    pub fn is_scored(&self) -> bool {
        self.scores.is_some()
    }
}

/// Milliseconds of one completion. `latency_ms` excludes connecting to the backend.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskTimings {
    pub latency_ms: f64,
    pub context_ms: f64,
    pub prompt_ms: f64,
    pub model_ms: f64,
    pub post_ms: f64,
}

/// One context chunk in a prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextChunk {
    pub source: String,
    pub path: String,
    pub tokens: usize,
}

/// `unix_secs` as an RFC 3339 UTC timestamp (`2026-11-23T10:57:07Z`).
pub fn rfc3339_utc(unix_secs: u64) -> String {
    let days = unix_secs / 86_400;
    let rest = unix_secs % 86_400;
    let (year, month, day) = civil_date(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Gregorian (year, month, day) of a count of days since 1970-01-01, counting in 400-year eras
/// of 146,097 days that start on March 1st, so leap days fall at the end of an era's year.
fn civil_date(days: u64) -> (u64, u64, u64) {
    let shifted = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (951_868_799, "2000-02-29T23:59:59Z"),
            (1_709_251_199, "2024-02-29T23:59:59Z"),
            (1_798_066_627, "2026-12-23T22:57:07Z"),
            (4_107_542_400, "2100-03-01T00:00:00Z"),
        ];
        for (secs, want) in cases {
            assert_eq!(rfc3339_utc(secs), want, "{secs}");
        }
    }
}
