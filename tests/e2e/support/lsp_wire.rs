//! JSON-RPC base protocol framing: `Content-Length: N\r\n\r\n` followed by N bytes of JSON.

use std::io;

use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};

/// Frames one message for the wire.
pub fn frame(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

/// One message read from the server: parsed JSON, or the raw text when it was not JSON.
#[derive(Debug)]
pub enum Incoming {
    Message(Value),
    Invalid { raw: String, error: String },
}

/// Reads the next framed message; `Ok(None)` at end of stream.
pub async fn read_message<R: AsyncBufRead + Unpin>(reader: &mut R) -> io::Result<Option<Incoming>> {
    let mut content_length: Option<usize> = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if content_length.is_some() {
                break;
            }
            // Tolerate stray blank lines between messages.
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Ok(Some(Incoming::Invalid {
                raw: line.to_string(),
                error: "header line without ':'".into(),
            }));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            match value.trim().parse() {
                Ok(n) => content_length = Some(n),
                Err(e) => {
                    return Ok(Some(Incoming::Invalid {
                        raw: line.to_string(),
                        error: format!("bad Content-Length: {e}"),
                    }))
                }
            }
        }
    }
    let mut body = vec![0; content_length.unwrap_or(0)];
    reader.read_exact(&mut body).await?;
    Ok(Some(match serde_json::from_slice(&body) {
        Ok(value) => Incoming::Message(value),
        Err(e) => Incoming::Invalid {
            raw: String::from_utf8_lossy(&body).into_owned(),
            error: e.to_string(),
        },
    }))
}
