//! Every way talking to a backend can fail, each with a message a user can act on.

use std::time::Duration;

/// A backend failure. Messages name the URL and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error("cannot connect to the model server at {url}: is it running? ({detail})")]
    ConnectionRefused { url: String, detail: String },
    #[error("the model server at {url} did not answer within {after:?}")]
    Timeout { url: String, after: Duration },
    #[error("the model server at {url} rejected the API key (HTTP {status}); set the key in the environment variable named by `backend.api_key_env`")]
    Unauthorized { url: String, status: u16 },
    #[error(
        "the model server at {url} has no model named '{model}' (HTTP 404); check `backend.model`"
    )]
    ModelNotFound { url: String, model: String },
    #[error("the endpoint {url} does not exist on this server (HTTP 404); check `backend.kind` and `backend.url`")]
    EndpointNotFound { url: String },
    #[error("the model server at {url} is rate-limiting requests (HTTP 429){}", retry_after.map(|d| format!("; retry after {}s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        url: String,
        retry_after: Option<Duration>,
    },
    #[error("the model server at {url} failed (HTTP {status}): {body}")]
    Server {
        url: String,
        status: u16,
        body: String,
    },
    /// A 4xx other than 401/403/404/429: this request will fail again the same way (for example
    /// a prompt longer than the server's context), so it is not transient.
    #[error("the model server at {url} rejected the request (HTTP {status}): {body}; check the `backend` and `prompt` settings")]
    Rejected {
        url: String,
        status: u16,
        body: String,
    },
    #[error("the model server at {url} sent a response tandem cannot read: {detail}")]
    BadResponse { url: String, detail: String },
    #[error("invalid backend configuration: {0}")]
    Config(String),
}

impl BackendError {
    /// Whether a later identical request may succeed without the user changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::ConnectionRefused { .. }
                | Self::Timeout { .. }
                | Self::RateLimited { .. }
                | Self::Server { .. }
        )
    }

    /// A stable short name for logs and telemetry.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ConnectionRefused { .. } => "connection_refused",
            Self::Timeout { .. } => "timeout",
            Self::Unauthorized { .. } => "unauthorized",
            Self::ModelNotFound { .. } => "model_not_found",
            Self::EndpointNotFound { .. } => "endpoint_not_found",
            Self::RateLimited { .. } => "rate_limited",
            Self::Server { .. } => "server_error",
            Self::Rejected { .. } => "rejected",
            Self::BadResponse { .. } => "bad_response",
            Self::Config(_) => "config",
        }
    }
}
