//! Reading a backend's answer: Server-Sent Events (llama.cpp, OpenAI) or NDJSON (Ollama) decoded
//! from a byte stream that may be split anywhere, with tandem's early stop.

use reqwest::Response;
use serde::de::DeserializeOwned;

use crate::http::{is_single_json, parse_json, stream_error, Http};
use crate::{BackendError, FimResponse, StopCheck, StopReason, Usage};

/// How a streamed body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `data: {...}` events separated by blank lines, ended by `data: [DONE]` or end of body.
    Sse,
    /// One JSON document per line.
    Ndjson,
}

/// One decoded unit of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Frame {
    /// The text of one JSON message.
    Data(String),
    /// `data: [DONE]`: the server has nothing more to send.
    Done,
    /// llama.cpp's non-standard `error: {...}` event.
    Error(String),
}

/// Turns byte chunks into frames. Splitting happens on `\n` bytes only, which never occur inside
/// a multi-byte UTF-8 sequence, so a line is decoded only once it is complete.
#[derive(Debug)]
pub(crate) struct Decoder {
    format: Format,
    partial: Vec<u8>,
    /// SSE `data:` lines of the event being read.
    data: Option<String>,
}

impl Decoder {
    pub(crate) fn new(format: Format) -> Self {
        Self {
            format,
            partial: Vec::new(),
            data: None,
        }
    }

    /// Feeds one chunk, returning the frames it completed.
    pub(crate) fn push(&mut self, bytes: &[u8], out: &mut Vec<Frame>) -> Result<(), String> {
        let mut buffer = std::mem::take(&mut self.partial);
        buffer.extend_from_slice(bytes);
        let mut start = 0;
        let mut result = Ok(());
        while let Some(offset) = buffer[start..].iter().position(|b| *b == b'\n') {
            let end = start + offset;
            let outcome = decode_line(&buffer[start..end]).map(|line| self.line(line, out));
            start = end + 1;
            if let Err(e) = outcome {
                result = Err(e);
                break;
            }
        }
        buffer.drain(..start);
        self.partial = buffer;
        result
    }

    /// Ends the stream: a last line without a newline and an event without its blank line still
    /// count, since some servers close the connection right after the final message.
    pub(crate) fn finish(&mut self, out: &mut Vec<Frame>) -> Result<(), String> {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.line(decode_line(&line)?, out);
        }
        self.dispatch(out);
        Ok(())
    }

    fn line(&mut self, line: &str, out: &mut Vec<Frame>) {
        match self.format {
            Format::Ndjson => {
                if !line.trim().is_empty() {
                    out.push(Frame::Data(line.trim().to_owned()));
                }
            }
            Format::Sse => self.sse_line(line, out),
        }
    }

    fn sse_line(&mut self, line: &str, out: &mut Vec<Frame>) {
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line.starts_with(':') {
            return; // comment / keep-alive
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            "error" => out.push(Frame::Error(value.to_owned())),
            _ => {} // event, id, retry: nothing tandem needs
        }
    }

    fn dispatch(&mut self, out: &mut Vec<Frame>) {
        if let Some(data) = self.data.take() {
            if data.trim() == "[DONE]" {
                out.push(Frame::Done);
            } else if !data.trim().is_empty() {
                out.push(Frame::Data(data));
            }
        }
    }
}

fn decode_line(bytes: &[u8]) -> Result<&str, String> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| format!("the stream is not valid UTF-8: {e}"))
}

/// A response being assembled from one or more JSON messages.
#[derive(Debug, Default)]
pub(crate) struct Assembly {
    pub text: String,
    pub stop_reason: Option<StopReason>,
    pub usage: Usage,
    /// The backend sent its final message; no early stop after that.
    pub finished: bool,
}

impl Assembly {
    fn into_response(self) -> FimResponse {
        FimResponse {
            text: self.text,
            stop_reason: self.stop_reason.unwrap_or(StopReason::Unknown),
            usage: self.usage,
        }
    }
}

/// One JSON message of a backend: a streamed chunk or the whole non-streamed answer.
pub(crate) trait Message: DeserializeOwned {
    fn apply(self, into: &mut Assembly);
}

/// Reads a completion response, streamed or not. While streaming, `stop_check` runs on the text
/// so far after each chunk; when it says the completion is complete the response is dropped,
/// which closes the connection so the server stops generating.
pub(crate) async fn read_completion<M: Message>(
    http: &Http,
    url: &str,
    mut response: Response,
    format: Format,
    stop_check: Option<&StopCheck>,
) -> Result<FimResponse, BackendError> {
    let mut assembly = Assembly::default();
    if is_single_json(&response) {
        let json = http.json(response, url).await?;
        apply_message::<M>(http, url, json, &mut assembly)?;
        return Ok(assembly.into_response());
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_string();
    let mut decoder = Decoder::new(format);
    let mut frames = Vec::new();
    // A body that never yields one event is not an empty completion: it is the wrong server
    // (an HTML page, a proxy's error) and the user must hear about it.
    let mut events = 0usize;
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => return Err(http.transport_error(&e, url)),
        };
        decoder
            .push(&chunk, &mut frames)
            .map_err(|detail| http.bad_shape(url, detail))?;
        let before = assembly.text.len();
        events += frames.len();
        for frame in frames.drain(..) {
            apply_frame::<M>(http, url, frame, &mut assembly)?;
        }
        if let Some(check) = stop_check {
            if !assembly.finished && assembly.text.len() > before && check(&assembly.text) {
                drop(response);
                assembly.stop_reason = Some(StopReason::Early);
                return Ok(assembly.into_response());
            }
        }
    }
    decoder
        .finish(&mut frames)
        .map_err(|detail| http.bad_shape(url, detail))?;
    events += frames.len();
    for frame in frames {
        apply_frame::<M>(http, url, frame, &mut assembly)?;
    }
    if events == 0 {
        return Err(http.bad_shape(
            url,
            format!("the streamed response (content type {content_type}) held no events"),
        ));
    }
    Ok(assembly.into_response())
}

fn apply_frame<M: Message>(
    http: &Http,
    url: &str,
    frame: Frame,
    assembly: &mut Assembly,
) -> Result<(), BackendError> {
    match frame {
        Frame::Data(text) => {
            let json = parse_json(text.as_bytes(), url)?;
            apply_message::<M>(http, url, json, assembly)
        }
        Frame::Done => {
            assembly.finished = true;
            Ok(())
        }
        Frame::Error(text) => {
            let error = serde_json::from_str::<serde_json::Value>(&text)
                .map(|json| json.get("error").cloned().unwrap_or(json))
                .unwrap_or(serde_json::Value::String(text));
            Err(stream_error(url, &error, http.config().model.as_deref()))
        }
    }
}

fn apply_message<M: Message>(
    http: &Http,
    url: &str,
    json: serde_json::Value,
    assembly: &mut Assembly,
) -> Result<(), BackendError> {
    if let Some(error) = json.get("error").filter(|e| !e.is_null()) {
        return Err(stream_error(url, error, http.config().model.as_deref()));
    }
    let message: M = serde_json::from_value(json).map_err(|e| http.bad_shape(url, e))?;
    message.apply(assembly);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_pieces(
        format: Format,
        input: &[u8],
        cuts: &[usize],
    ) -> Result<Vec<Frame>, String> {
        let mut decoder = Decoder::new(format);
        let mut out = Vec::new();
        let mut last = 0;
        for &cut in cuts.iter().chain(std::iter::once(&input.len())) {
            decoder.push(&input[last..cut], &mut out)?;
            last = cut;
        }
        decoder.finish(&mut out)?;
        Ok(out)
    }

    fn data(s: &str) -> Frame {
        Frame::Data(s.to_owned())
    }

    fn table() -> Vec<(Format, &'static str, Vec<Frame>)> {
        vec![
            (
                Format::Sse,
                "data: {\"content\":\"é日\"}\n\ndata: {\"content\":\"🦀\"}\n\ndata: [DONE]\n\n",
                vec![data("{\"content\":\"é日\"}"), data("{\"content\":\"🦀\"}"), Frame::Done],
            ),
            (
                Format::Sse,
                ": keep-alive\r\nevent: message\r\ndata:{\"a\":1}\r\n\r\nid: 3\r\ndata: {\"b\":\r\ndata: 2}\r\n\r\n",
                vec![data("{\"a\":1}"), data("{\"b\":\n2}")],
            ),
            (
                Format::Sse,
                "data: {\"last\":true}",
                vec![data("{\"last\":true}")],
            ),
            (
                Format::Sse,
                "error: {\"code\":500,\"message\":\"boom\"}\n\n",
                vec![Frame::Error("{\"code\":500,\"message\":\"boom\"}".into())],
            ),
            (Format::Sse, "\n\n\n", vec![]),
            (
                Format::Ndjson,
                "{\"response\":\"ü\"}\n\n{\"response\":\"∑\",\"done\":true}",
                vec![data("{\"response\":\"ü\"}"), data("{\"response\":\"∑\",\"done\":true}")],
            ),
            (Format::Ndjson, "{\"x\":1}\r\n", vec![data("{\"x\":1}")]),
        ]
    }

    #[test]
    fn frames_survive_any_single_split() {
        for (format, input, expected) in table() {
            let bytes = input.as_bytes();
            for cut in 0..=bytes.len() {
                assert_eq!(
                    decode_in_pieces(format, bytes, &[cut]).as_ref(),
                    Ok(&expected),
                    "{format:?} {input:?} split at byte {cut}"
                );
            }
        }
    }

    #[test]
    fn frames_survive_byte_by_byte_delivery() {
        for (format, input, expected) in table() {
            let cuts: Vec<usize> = (1..input.len()).collect();
            assert_eq!(
                decode_in_pieces(format, input.as_bytes(), &cuts),
                Ok(expected),
                "{format:?} {input:?}"
            );
        }
    }

    #[test]
    fn invalid_utf8_is_an_error_not_a_panic() {
        let result = decode_in_pieces(Format::Sse, b"data: \xff\xfe\n\n", &[3]);
        assert!(result.unwrap_err().contains("UTF-8"));
        let result = decode_in_pieces(Format::Ndjson, b"{\"a\":\"\xc3\"}", &[]);
        assert!(result.unwrap_err().contains("UTF-8"));
    }
}
