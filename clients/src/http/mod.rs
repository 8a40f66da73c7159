//! The process-wide HTTP client and the request plumbing every backend shares: URLs, the API
//! key, timeouts, and mapping every failure to a [`BackendError`].

mod retry_after;
mod status;

use std::collections::HashMap;
use std::error::Error as _;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use reqwest::{RequestBuilder, Response, Url};
use serde::Serialize;

use crate::{BackendConfig, BackendError};

pub(crate) use status::stream_error;

/// Clients differ only by connect timeout and whether they may use a proxy, so the pool is
/// shared by every backend with the same settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ClientKey {
    connect_timeout_ms: u64,
    /// Loopback servers are reached directly: a system proxy cannot reach the user's localhost.
    direct: bool,
}

static CLIENTS: OnceLock<Mutex<HashMap<ClientKey, reqwest::Client>>> = OnceLock::new();

/// The shared HTTP client (one connection pool per connect timeout) for a backend config.
/// Fails with [`BackendError::Config`] when `config.url` is not an http(s) URL.
pub fn shared_http_client(config: &BackendConfig) -> Result<reqwest::Client, BackendError> {
    let url = parse_base_url(&config.url)?;
    let key = ClientKey {
        connect_timeout_ms: config.connect_timeout_ms,
        direct: is_loopback(&url),
    };
    let clients = CLIENTS.get_or_init(Default::default);
    // A poisoned lock only means another thread panicked while inserting; the map is still valid.
    let mut clients = clients
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(client) = clients.get(&key) {
        return Ok(client.clone());
    }
    let mut builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_millis(key.connect_timeout_ms))
        .pool_idle_timeout(Duration::from_secs(90))
        .tcp_nodelay(true)
        .user_agent(concat!("tandem/", env!("CARGO_PKG_VERSION")));
    if key.direct {
        builder = builder.no_proxy();
    }
    let client = builder
        .build()
        .map_err(|e| BackendError::Config(format!("cannot create the HTTP client: {e}")))?;
    clients.insert(key, client.clone());
    Ok(client)
}

fn parse_base_url(url: &str) -> Result<Url, BackendError> {
    if url.trim().is_empty() {
        return Err(BackendError::Config(
            "`backend.url` is empty; set it to the model server's address, e.g. http://127.0.0.1:8012".into(),
        ));
    }
    let parsed = Url::parse(url.trim()).map_err(|e| {
        BackendError::Config(format!(
            "`backend.url` = {url:?} is not a valid URL ({e}); use e.g. http://127.0.0.1:8012"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(BackendError::Config(format!(
            "`backend.url` = {url:?} must start with http:// or https://"
        )));
    }
    Ok(parsed)
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// One backend's view of HTTP: its config, the shared client and the base URL.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    config: BackendConfig,
    base: String,
}

impl Http {
    pub(crate) fn new(config: BackendConfig, client: reqwest::Client) -> Self {
        let base = config.url.trim().trim_end_matches('/').to_owned();
        Self {
            client,
            config,
            base,
        }
    }

    pub(crate) fn config(&self) -> &BackendConfig {
        &self.config
    }

    /// The base URL without a trailing slash.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// `base` + `path` (`path` starts with `/`).
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a JSON POST and returns the response if its status is a success.
    pub(crate) async fn post_json<T: Serialize + ?Sized>(
        &self,
        url: &str,
        body: &T,
    ) -> Result<Response, BackendError> {
        self.send(self.client.post(url).json(body), url).await
    }

    /// Sends a GET and returns the response if its status is a success.
    pub(crate) async fn get(&self, url: &str) -> Result<Response, BackendError> {
        self.send(self.client.get(url), url).await
    }

    async fn send(&self, request: RequestBuilder, url: &str) -> Result<Response, BackendError> {
        // Applied per request (not on the client) so the whole exchange, streaming included,
        // gets the request timeout while connecting alone gets the connect timeout.
        let mut request = request.timeout(Duration::from_millis(self.config.request_timeout_ms));
        if let Some(key) = self.api_key()? {
            request = request.bearer_auth(key);
        }
        let retry = request.try_clone();
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => match retry {
                // A pooled keep-alive connection the server closed just before reuse.
                // llama-server does this after every streamed response although it announces
                // keep-alive; the request was not processed, so it goes once more on a fresh
                // connection.
                Some(retry) if is_stale_connection(&e) => {
                    tracing::debug!(%url, error = %e, "retrying on a fresh connection");
                    retry
                        .send()
                        .await
                        .map_err(|e| self.transport_error(&e, url))?
                }
                _ => return Err(self.transport_error(&e, url)),
            },
        };
        if response.status().is_success() {
            return Ok(response);
        }
        Err(self.failed_response(response, url).await)
    }

    /// The API key, read from the environment at request time so a key exported after the
    /// editor started (or rotated) is picked up.
    fn api_key(&self) -> Result<Option<String>, BackendError> {
        let Some(var) = self.config.api_key_env.as_deref().filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        match std::env::var(var) {
            Ok(key) if !key.trim().is_empty() => Ok(Some(key.trim().to_owned())),
            _ => Err(BackendError::Config(format!(
                "`backend.api_key_env` names the environment variable {var}, but it is not set \
                 (or empty) in tandem's environment; export it before starting the editor"
            ))),
        }
    }

    async fn failed_response(&self, response: Response, url: &str) -> BackendError {
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // An unreadable body still leaves the status, which is what the mapping needs most.
        let body = response.text().await.unwrap_or_default();
        status::status_error(&status::Failure {
            url,
            status,
            body: &body,
            retry_after: retry_after.as_deref(),
            model: self.config.model.as_deref(),
            now: SystemTime::now(),
        })
    }

    /// Maps a failure of the transport (not of the server's answer) to a [`BackendError`].
    pub(crate) fn transport_error(&self, error: &reqwest::Error, url: &str) -> BackendError {
        let url = url.to_owned();
        if error.is_timeout() {
            return BackendError::Timeout {
                url,
                after: status::timeout_for(
                    error.is_connect(),
                    self.config.connect_timeout_ms,
                    self.config.request_timeout_ms,
                ),
            };
        }
        if error.is_builder() {
            return BackendError::Config(format!("cannot build a request for {url}: {error}"));
        }
        let detail = error_chain(error);
        if error.is_body() || error.is_decode() {
            return BackendError::ConnectionRefused {
                url,
                detail: format!("the connection broke while reading the response: {detail}"),
            };
        }
        BackendError::ConnectionRefused { url, detail }
    }

    /// Reads a whole response body as JSON.
    pub(crate) async fn json(
        &self,
        response: Response,
        url: &str,
    ) -> Result<serde_json::Value, BackendError> {
        let bytes = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(&e, url))?;
        parse_json(&bytes, url)
    }

    /// The error for a JSON document that does not have the expected shape.
    pub(crate) fn bad_shape(&self, url: &str, detail: impl std::fmt::Display) -> BackendError {
        BackendError::BadResponse {
            url: url.to_owned(),
            detail: format!("{detail}; is `backend.kind` right for this server?"),
        }
    }
}

/// Parses a JSON body, reporting a short excerpt of what came instead.
pub(crate) fn parse_json(bytes: &[u8], url: &str) -> Result<serde_json::Value, BackendError> {
    serde_json::from_slice(bytes).map_err(|e| BackendError::BadResponse {
        url: url.to_owned(),
        detail: format!(
            "expected JSON ({e}), got {:?}; is `backend.kind` right for this server?",
            status::truncate_chars(&String::from_utf8_lossy(bytes), 120)
        ),
    })
}

/// Whether a response declared a single JSON document (not an event stream or NDJSON).
pub(crate) fn is_single_json(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("application/json")
        })
        .unwrap_or(false)
}

/// A failure to send on an established connection: not a refusal, not a timeout, no response.
fn is_stale_connection(error: &reqwest::Error) -> bool {
    error.is_request() && !error.is_connect() && !error.is_timeout() && error.status().is_none()
}

/// The causes of an error without reqwest's "error sending request for url (...)" preamble,
/// which repeats the URL the message already names.
fn error_chain(error: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = cause.source();
    }
    if parts.is_empty() {
        error.to_string()
    } else {
        parts.join(": ")
    }
}

/// A seed every server accepts: llama.cpp reads it as a 32-bit unsigned integer in which
/// `u32::MAX` means "random", so it is folded into `0..u32::MAX`.
pub(crate) fn wire_seed(seed: u64) -> u32 {
    let folded = (seed ^ (seed >> 32)) as u32;
    folded.min(u32::MAX - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_validated() {
        let table: &[(&str, Option<bool>)] = &[
            ("http://127.0.0.1:8012", Some(true)),
            ("http://localhost:11434/", Some(true)),
            ("http://[::1]:8080", Some(true)),
            ("https://api.example.com/v1", Some(false)),
            ("", None),
            ("127.0.0.1:8012", None),
            ("ftp://host", None),
            ("not a url", None),
        ];
        for (url, loopback) in table {
            let parsed = parse_base_url(url);
            assert_eq!(parsed.as_ref().ok().map(is_loopback), *loopback, "{url}");
            if let Err(e) = parsed {
                assert!(matches!(e, BackendError::Config(_)), "{url}: {e}");
                assert!(e.to_string().contains("backend.url"), "{e}");
            }
        }
    }

    #[test]
    fn seeds_fit_llama_cpp() {
        assert_eq!(wire_seed(42), 42);
        assert_eq!(wire_seed(u64::from(u32::MAX)), u32::MAX - 1);
        assert_ne!(wire_seed(1 << 40), wire_seed(2 << 40));
    }

    #[test]
    fn json_errors_show_what_came() {
        let err = parse_json(b"<html>oops</html>", "http://h/x").unwrap_err();
        assert_eq!(err.kind(), "bad_response");
        assert!(err.to_string().contains("<html>oops"), "{err}");
    }
}
