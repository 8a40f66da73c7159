//! Turning an HTTP error status and its body into a [`BackendError`] a user can act on.

use std::time::{Duration, SystemTime};

use crate::BackendError;

use super::retry_after::parse_retry_after;

/// Longest server message kept in an error, so a stack trace or HTML page cannot flood the editor.
pub(crate) const MAX_BODY_CHARS: usize = 300;

/// What the client knows about a failed response.
pub(crate) struct Failure<'a> {
    pub url: &'a str,
    pub status: u16,
    pub body: &'a str,
    pub retry_after: Option<&'a str>,
    /// The model the request named, if any.
    pub model: Option<&'a str>,
    pub now: SystemTime,
}

/// Maps a non-success status to the error variant that says what to do about it.
pub(crate) fn status_error(failure: &Failure<'_>) -> BackendError {
    let url = failure.url.to_owned();
    let status = failure.status;
    match status {
        401 | 403 => BackendError::Unauthorized { url, status },
        404 if mentions_missing_model(failure.body, failure.model) => BackendError::ModelNotFound {
            url,
            model: failure.model.unwrap_or("(none configured)").to_owned(),
        },
        404 => BackendError::EndpointNotFound { url },
        429 => BackendError::RateLimited {
            url,
            retry_after: failure
                .retry_after
                .and_then(|v| parse_retry_after(v, failure.now)),
        },
        400..=499 => BackendError::Rejected {
            url,
            status,
            body: server_message(failure.body),
        },
        _ => BackendError::Server {
            url,
            status,
            body: server_message(failure.body),
        },
    }
}

/// The error a server reported inside an otherwise successful stream (llama.cpp and OpenAI
/// servers send `{"error": {...}}` when generation fails midway).
pub(crate) fn stream_error(
    url: &str,
    error: &serde_json::Value,
    model: Option<&str>,
) -> BackendError {
    let body = error.to_string();
    let status = error
        .get("code")
        .and_then(serde_json::Value::as_u64)
        .and_then(|c| u16::try_from(c).ok())
        .filter(|c| (400..=599).contains(c))
        .unwrap_or(500);
    status_error(&Failure {
        url,
        status,
        body: &format!("{{\"error\":{body}}}"),
        retry_after: None,
        model,
        now: SystemTime::now(),
    })
}

/// A 404 is about the model (not the endpoint) when the body names the model or says a model
/// does not exist; OpenAI, vLLM and Ollama all phrase it one of these ways.
fn mentions_missing_model(body: &str, model: Option<&str>) -> bool {
    let lower = body.to_lowercase();
    if let Some(model) = model.filter(|m| !m.is_empty()) {
        if lower.contains(&model.to_lowercase()) {
            return true;
        }
    }
    lower.contains("model")
        && (lower.contains("not found")
            || lower.contains("does not exist")
            || lower.contains("model_not_found"))
}

/// The human part of an error body: `error.message`, `error` or `message` of a JSON body, or the
/// body itself, whitespace-collapsed and cut to [`MAX_BODY_CHARS`].
pub(crate) fn server_message(body: &str) -> String {
    let extracted = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|json| json_message(&json));
    let text = extracted.as_deref().unwrap_or(body);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        return "(empty response body)".to_owned();
    }
    truncate_chars(&collapsed, MAX_BODY_CHARS)
}

fn json_message(json: &serde_json::Value) -> Option<String> {
    let error = json.get("error");
    let candidates = [
        error.and_then(|e| e.get("message")),
        error,
        json.get("message"),
        json.get("detail"),
    ];
    candidates
        .into_iter()
        .flatten()
        .find_map(|v| v.as_str().map(str::to_owned))
}

/// Cuts `text` to at most `max` characters (never inside a character), marking the cut with `…`.
pub(crate) fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// The timeout a transport failure ran into.
pub(crate) fn timeout_for(connecting: bool, connect_ms: u64, request_ms: u64) -> Duration {
    Duration::from_millis(if connecting { connect_ms } else { request_ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(
        status: u16,
        body: &str,
        retry_after: Option<&str>,
        model: Option<&str>,
    ) -> BackendError {
        status_error(&Failure {
            url: "http://h/x",
            status,
            body,
            retry_after,
            model,
            now: SystemTime::UNIX_EPOCH,
        })
    }

    #[test]
    fn statuses_map_to_actionable_kinds() {
        /// status, body, Retry-After, configured model, expected kind
        type Case<'a> = (u16, &'a str, Option<&'a str>, Option<&'a str>, &'a str);
        let table: &[Case] = &[
            (401, "", None, None, "unauthorized"),
            (403, "forbidden", None, Some("m"), "unauthorized"),
            (
                404,
                r#"{"error":"model 'qwen:7b' not found"}"#,
                None,
                Some("qwen:7b"),
                "model_not_found",
            ),
            (
                404,
                r#"{"error":{"message":"The model `gpt-x` does not exist","code":"model_not_found"}}"#,
                None,
                None,
                "model_not_found",
            ),
            (
                404,
                "no such thing: llama3",
                None,
                Some("llama3"),
                "model_not_found",
            ),
            (
                404,
                r#"{"error":{"code":404,"message":"File Not Found","type":"not_found_error"}}"#,
                None,
                None,
                "endpoint_not_found",
            ),
            (
                404,
                "404 page not found",
                None,
                Some("qwen"),
                "endpoint_not_found",
            ),
            (429, "", Some("7"), None, "rate_limited"),
            (
                400,
                r#"{"error":{"message":"the request exceeds the available context size"}}"#,
                None,
                None,
                "rejected",
            ),
            (422, "bad field", None, None, "rejected"),
            (500, "boom", None, None, "server_error"),
            (
                503,
                r#"{"error":{"code":503,"message":"Loading model"}}"#,
                None,
                None,
                "server_error",
            ),
        ];
        for (status, body, retry, model, kind) in table {
            assert_eq!(
                map(*status, body, *retry, *model).kind(),
                *kind,
                "{status} {body}"
            );
        }
    }

    #[test]
    fn retry_after_is_kept() {
        match map(429, "", Some("7"), None) {
            BackendError::RateLimited { retry_after, .. } => {
                assert_eq!(retry_after, Some(Duration::from_secs(7)))
            }
            other => panic!("{other:?}"),
        }
        match map(429, "", Some("whenever"), None) {
            BackendError::RateLimited { retry_after, .. } => assert_eq!(retry_after, None),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn server_messages_are_extracted_and_truncated() {
        let long = "x".repeat(1000);
        let table: &[(&str, String)] = &[
            (
                r#"{"error":{"code":500,"message":"out of memory"}}"#,
                "out of memory".into(),
            ),
            (r#"{"error":"model is loading"}"#, "model is loading".into()),
            (r#"{"message":"bad"}"#, "bad".into()),
            (
                "<html>\n  <body>oops</body>\n</html>",
                "<html> <body>oops</body> </html>".into(),
            ),
            ("", "(empty response body)".into()),
            (&long, format!("{}…", "x".repeat(MAX_BODY_CHARS))),
        ];
        for (body, expected) in table {
            assert_eq!(&server_message(body), expected, "{body}");
        }
    }

    #[test]
    fn truncation_respects_characters() {
        assert_eq!(truncate_chars("héllo", 2), "hé…");
        assert_eq!(truncate_chars("héllo", 5), "héllo");
        assert_eq!(truncate_chars("日本語", 1), "日…");
    }

    #[test]
    fn errors_inside_streams_keep_their_status() {
        let err = serde_json::json!({"code": 400, "message": "context too long"});
        let mapped = stream_error("http://h", &err, None);
        assert_eq!(mapped.kind(), "rejected");
        assert!(mapped.to_string().contains("context too long"), "{mapped}");
        let err = serde_json::json!("something broke");
        assert_eq!(stream_error("http://h", &err, None).kind(), "server_error");
    }
}
