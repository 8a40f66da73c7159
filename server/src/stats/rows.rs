//! Plain rows of the telemetry tables (schema v1), as the reader loads them.

/// What the user did with a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Taken whole.
    Accepted,
    /// Taken in part (`accepted_chars` says how much).
    Partial,
    /// Dismissed, typed over, replaced, timed out or closed.
    Rejected,
}

impl Outcome {
    /// The stored `outcome` value; `None` for pending and for values this version does not know.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "accepted" => Some(Self::Accepted),
            "partial" => Some(Self::Partial),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }

    /// Full or partial acceptance.
    pub fn is_accepted(self) -> bool {
        matches!(self, Self::Accepted | Self::Partial)
    }
}

/// One row of `suggestions`. Code columns are `None` unless the reader was asked for them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SuggestionRow {
    pub id: String,
    pub session: String,
    pub created_ms: i64,
    pub workspace: Option<String>,
    pub path: Option<String>,
    pub language: String,
    pub model: String,
    pub backend: String,
    pub template: String,
    pub trigger: String,
    pub source: String,
    pub context_ms: Option<f64>,
    pub prompt_ms: Option<f64>,
    pub model_ms: Option<f64>,
    pub post_ms: Option<f64>,
    pub total_ms: Option<f64>,
    pub prompt_tokens: Option<i64>,
    pub cached_tokens: Option<i64>,
    /// JSON array of `{"source", "path", "tokens"}`.
    pub context_sources: String,
    pub text: Option<String>,
    pub text_chars: i64,
    pub shown_ms: Option<i64>,
    pub visible_ms: Option<i64>,
    pub outcome: Option<Outcome>,
    pub outcome_reason: Option<String>,
    pub outcome_ms: Option<i64>,
    pub accepted_chars: Option<i64>,
    pub file_prefix: Option<String>,
    pub file_suffix: Option<String>,
}

impl SuggestionRow {
    /// Whether the user saw it: a `didShowCompletion` arrived, or it was accepted (some clients
    /// never send `didShowCompletion`, but nobody accepts what they were not shown).
    pub fn was_shown(&self) -> bool {
        self.shown_ms.is_some() || self.is_accepted()
    }

    /// Accepted fully or in part.
    pub fn is_accepted(&self) -> bool {
        self.outcome.is_some_and(Outcome::is_accepted)
    }

    /// Characters the user took: `accepted_chars`, else the whole text for a full acceptance.
    pub fn taken_chars(&self) -> i64 {
        match self.outcome {
            Some(Outcome::Accepted) => self.accepted_chars.unwrap_or(self.text_chars),
            Some(Outcome::Partial) => self.accepted_chars.unwrap_or(0),
            _ => 0,
        }
        .max(0)
    }
}

/// A retention checkpoint: how long after acceptance the inserted text was looked at again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Checkpoint {
    S30,
    M2,
    M5,
    M10,
    /// When the document was closed, whenever that was.
    Close,
}

impl Checkpoint {
    /// The timed checkpoints, in order: the points of the retention curve.
    pub const TIMED: [Checkpoint; 4] = [Self::S30, Self::M2, Self::M5, Self::M10];

    /// Parses the stored name (`30s`, `2m`, `5m`, `10m`, `close`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "30s" => Some(Self::S30),
            "2m" => Some(Self::M2),
            "5m" => Some(Self::M5),
            "10m" => Some(Self::M10),
            "close" => Some(Self::Close),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::S30 => "30s",
            Self::M2 => "2m",
            Self::M5 => "5m",
            Self::M10 => "10m",
            Self::Close => "close",
        }
    }

    /// Milliseconds after acceptance; `None` for `close`.
    pub fn after_ms(self) -> Option<i64> {
        match self {
            Self::S30 => Some(30_000),
            Self::M2 => Some(120_000),
            Self::M5 => Some(300_000),
            Self::M10 => Some(600_000),
            Self::Close => None,
        }
    }
}

/// One row of `retention`.
#[derive(Debug, Clone, PartialEq)]
pub struct RetentionRow {
    pub suggestion_id: String,
    pub checkpoint: Checkpoint,
    pub at_ms: i64,
    pub unchanged: bool,
    pub similarity: f64,
    pub surviving: Option<String>,
}

/// Everything the reader loaded: suggestions and the retention rows of those suggestions.
#[derive(Debug, Clone, Default)]
pub struct Telemetry {
    pub suggestions: Vec<SuggestionRow>,
    pub retention: Vec<RetentionRow>,
}
