//! A guard in front of tower-lsp's transport. Its decoder ends the whole session on the first
//! malformed message; this filter forwards well-formed frames unchanged and replaces a malformed one
//! (bad headers, a body that is not a JSON-RPC message) with a request to [`MALFORMED_METHOD`] with
//! `id: null`, whose handler answers with the JSON-RPC parse error — so the editor gets the answer
//! the spec asks for and the server keeps running.

use serde_json::{json, Value};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The method malformed input is turned into.
pub const MALFORMED_METHOD: &str = "tandem/malformedMessage";

/// Frames larger than this are skipped rather than buffered.
const MAX_FRAME_BYTES: usize = 512 * 1024 * 1024;

/// Copies frames from `input` to `output` until `input` ends.
pub async fn filter<R, W>(mut input: R, mut output: W) -> std::io::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    loop {
        let frame = match read_frame(&mut input).await? {
            Some(frame) => frame,
            None => return Ok(()),
        };
        let body = match frame {
            Ok(body) => match check_message(&body) {
                Ok(()) => body,
                Err(problem) => malformed(&problem),
            },
            Err(problem) => malformed(&problem),
        };
        output
            .write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
            .await?;
        output.write_all(&body).await?;
        output.flush().await?;
    }
}

fn malformed(problem: &str) -> Vec<u8> {
    json!({
        "jsonrpc": "2.0",
        "id": null,
        "method": MALFORMED_METHOD,
        "params": { "problem": problem },
    })
    .to_string()
    .into_bytes()
}

/// Reads one frame: `Ok(Some(Ok(body)))`, `Ok(Some(Err(problem)))` for a malformed frame (the input
/// is left at the start of the next header block), `Ok(None)` at the end of input.
async fn read_frame<R>(input: &mut R) -> std::io::Result<Option<Result<Vec<u8>, String>>>
where
    R: AsyncBufRead + Unpin,
{
    let mut length: Option<Result<usize, String>> = None;
    let mut saw_header = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            // Blank lines between frames are tolerated.
            continue;
        }
        saw_header = true;
        // Searched anywhere in the line, so input glued in front of a header (leftovers of a
        // malformed frame) does not hide the next good frame.
        let lower = text.to_ascii_lowercase();
        if let Some(at) = lower.find("content-length:") {
            let value = text[at + "content-length:".len()..].trim();
            length = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| format!("invalid Content-Length {value:?}")),
            );
        } else if !text.contains(':') && length.is_none() {
            length = Some(Err(format!(
                "expected a header line, got {:?}",
                text.chars().take(60).collect::<String>()
            )));
        }
    }
    match length {
        None => Ok(Some(Err("missing Content-Length header".into()))),
        Some(Err(problem)) => Ok(Some(Err(problem))),
        Some(Ok(n)) if n > MAX_FRAME_BYTES => {
            let skipped =
                tokio::io::copy(&mut input.take(n as u64), &mut tokio::io::sink()).await?;
            if skipped < n as u64 {
                return Ok(None);
            }
            Ok(Some(Err(format!("message of {n} bytes is too large"))))
        }
        Some(Ok(n)) => {
            let mut body = vec![0; n];
            match input.read_exact(&mut body).await {
                Ok(_) => Ok(Some(Ok(body))),
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
                Err(e) => Err(e),
            }
        }
    }
}

/// Whether `body` is a JSON-RPC message tower-lsp can decode.
fn check_message(body: &[u8]) -> Result<(), String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    let Some(object) = value.as_object() else {
        return Err("the message is not a JSON object".into());
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err("the message lacks \"jsonrpc\": \"2.0\"".into());
    }
    let is_request = object.get("method").is_some_and(Value::is_string);
    let is_response = object.contains_key("id")
        && (object.contains_key("result") || object.contains_key("error"));
    if is_request || is_response {
        Ok(())
    } else {
        Err("the message is neither a request, a notification nor a response".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(input: &[u8]) -> Vec<Value> {
        let mut output = Vec::new();
        filter(tokio::io::BufReader::new(input), &mut output)
            .await
            .expect("filter");
        let mut messages = Vec::new();
        let mut rest = output.as_slice();
        while let Some(start) = rest.windows(4).position(|w| w == b"\r\n\r\n") {
            let header = std::str::from_utf8(&rest[..start]).expect("header");
            let n: usize = header
                .trim_start_matches("Content-Length: ")
                .parse()
                .expect("length");
            let body = &rest[start + 4..start + 4 + n];
            messages.push(serde_json::from_slice(body).expect("json"));
            rest = &rest[start + 4 + n..];
        }
        messages
    }

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    #[tokio::test]
    async fn well_formed_frames_pass_unchanged() {
        let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#;
        let messages = run(&frame(body)).await;
        assert_eq!(
            messages,
            [serde_json::from_str::<Value>(body).expect("json")]
        );
    }

    #[tokio::test]
    async fn malformed_input_becomes_a_parse_error_request_and_the_stream_goes_on() {
        let mut input = frame("{not json");
        input.extend(b"garbage line\r\n\r\n");
        input.extend(frame(r#"{"jsonrpc":"2.0","params":{}}"#));
        input.extend(frame(r#"[1,2]"#));
        input.extend(frame(
            r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        ));
        let messages = run(&input).await;
        let methods: Vec<&str> = messages
            .iter()
            .map(|m| m["method"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            methods,
            [
                MALFORMED_METHOD,
                MALFORMED_METHOD,
                MALFORMED_METHOD,
                MALFORMED_METHOD,
                "initialized"
            ]
        );
        assert!(messages[0]["id"].is_null());
        assert!(messages[0]["params"]["problem"]
            .as_str()
            .unwrap_or_default()
            .contains("not valid JSON"));
    }

    #[tokio::test]
    async fn a_good_frame_glued_behind_garbage_is_still_read() {
        let mut input = b"this is not a header at all\r\n\r\n{}".to_vec();
        input.extend(frame(
            r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        ));
        let messages = run(&input).await;
        let methods: Vec<&str> = messages
            .iter()
            .map(|m| m["method"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(methods, [MALFORMED_METHOD, "initialized"]);
    }

    #[tokio::test]
    async fn a_truncated_last_frame_ends_the_stream_quietly() {
        let mut input = frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
        input.extend(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"");
        assert_eq!(run(&input).await.len(), 1);
    }
}
