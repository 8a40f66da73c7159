//! Reads what llama-server answered from the raw bytes of an HTTP/1.1 response, complete or cut
//! short: the status, whether generation finished, and llama.cpp's prompt `timings`. Pure.

use serde_json::Value;

/// llama.cpp's own account of the prompt of one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PromptTimings {
    /// Prompt tokens the model really evaluated.
    pub prompt_n: u64,
    /// Prompt tokens served from the KV cache.
    pub cache_n: u64,
    pub predicted_n: u64,
}

/// What one raw response says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseFacts {
    pub status: Option<u16>,
    /// The final event (`"stop": true`) or a complete non-streamed body arrived.
    pub finished: bool,
    /// The last `timings` seen: with `timings_per_token` every streamed event carries them.
    pub timings: Option<PromptTimings>,
}

/// Parses a response (head and body as received so far).
pub fn facts(raw: &[u8]) -> ResponseFacts {
    let Some(head_end) = find(raw, b"\r\n\r\n") else {
        return ResponseFacts::default();
    };
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let status = head
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok());
    let chunked = head.lines().skip(1).any(|line| {
        line.split_once(':').is_some_and(|(name, value)| {
            name.trim().eq_ignore_ascii_case("transfer-encoding")
                && value.to_ascii_lowercase().contains("chunked")
        })
    });
    let raw_body = &raw[head_end + 4..];
    let body = if chunked {
        dechunk(raw_body)
    } else {
        raw_body.to_vec()
    };
    let body = String::from_utf8_lossy(&body);
    let mut out = ResponseFacts {
        status,
        ..ResponseFacts::default()
    };
    let events: Vec<Value> = if body.trim_start().starts_with("data:") {
        body.lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .filter_map(|data| serde_json::from_str(data.trim()).ok())
            .collect()
    } else {
        serde_json::from_str(body.trim()).into_iter().collect()
    };
    for event in &events {
        if let Some(timings) = event.get("timings").and_then(prompt_timings) {
            out.timings = Some(timings);
        }
        // A non-streamed body is whole once it parses; a stream ends with `"stop": true`.
        if event.get("stop").and_then(Value::as_bool) != Some(false) {
            out.finished = true;
        }
    }
    out
}

fn prompt_timings(timings: &Value) -> Option<PromptTimings> {
    let count = |key: &str| {
        timings
            .get(key)
            .and_then(Value::as_i64)
            .map(|n| n.max(0) as u64)
    };
    Some(PromptTimings {
        prompt_n: count("prompt_n")?,
        cache_n: count("cache_n").unwrap_or(0),
        predicted_n: count("predicted_n").unwrap_or(0),
    })
}

/// The payload of a chunked body, as far as it arrived.
fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = find(body, b"\r\n") {
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            break;
        };
        if size == 0 {
            break;
        }
        let data = &body[line_end + 2..];
        let take = size.min(data.len());
        out.extend_from_slice(&data[..take]);
        if take < size || data.len() < size + 2 {
            break;
        }
        body = &data[size + 2..];
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Checks the parser on recorded shapes of llama-server answers; the bench runs it first so a
/// wrong parse can never produce a table.
pub fn self_check() -> Result<(), String> {
    let chunk = |data: &str| format!("{:x}\r\n{data}\r\n", data.len());
    let first =
        "data: {\"content\":\"a\",\"stop\":false,\"timings\":{\"prompt_n\":5,\"cache_n\":40}}\n\n";
    let last = "data: {\"content\":\"\",\"stop\":true,\"timings\":{\"prompt_n\":5,\"cache_n\":40,\"predicted_n\":2}}\n\n";
    let streamed = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n{}{}0\r\n\r\n",
        chunk(first),
        chunk(last)
    );
    let partial =
        "data: {\"content\":\"a\",\"stop\":false,\"timings\":{\"prompt_n\":7,\"cache_n\":90}}\n\n";
    let cut = format!(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{}4b\r\ndata: {{\"content\":\"\",\"st",
        chunk(partial)
    );
    let plain_body = "{\"content\":\"x\",\"timings\":{\"prompt_n\":12,\"cache_n\":1}}";
    let plain = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{plain_body}",
        plain_body.len()
    );
    let cases: [(String, ResponseFacts); 4] = [
        (
            streamed,
            ResponseFacts {
                status: Some(200),
                finished: true,
                timings: Some(PromptTimings {
                    prompt_n: 5,
                    cache_n: 40,
                    predicted_n: 2,
                }),
            },
        ),
        (
            cut,
            ResponseFacts {
                status: Some(200),
                finished: false,
                timings: Some(PromptTimings {
                    prompt_n: 7,
                    cache_n: 90,
                    predicted_n: 0,
                }),
            },
        ),
        (
            plain,
            ResponseFacts {
                status: Some(200),
                finished: true,
                timings: Some(PromptTimings {
                    prompt_n: 12,
                    cache_n: 1,
                    predicted_n: 0,
                }),
            },
        ),
        ("HTTP/1.1 503 Service".to_string(), ResponseFacts::default()),
    ];
    for (raw, expected) in cases {
        let got = facts(raw.as_bytes());
        if got != expected {
            return Err(format!(
                "response parser: {raw:?}\n got {got:?}\nwant {expected:?}"
            ));
        }
    }
    Ok(())
}
