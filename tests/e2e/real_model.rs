//! The real thing: the `tandem` binary over stdio, a real `llama-server` and the real
//! Qwen2.5-Coder-0.5B model, through `/infill`, the OpenAI-compatible `/v1/completions` that
//! llama-server also serves, and tandem's managed server. The model's exact words are not
//! asserted (they change with the model); what users judge is: an answer, one line when the cursor
//! is mid-line, no fences or prose, nothing that duplicates the code after the cursor.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::lsp_client::LspClient;
use crate::support::real_options::managed_options;
use crate::support::real_parts::real_parts;
use crate::support::setup::{inline_items, insert_text, Doc, AUTOMATIC};
use crate::support::text::Encoding;

/// A real model answers slowly on 2 CPU cores, above all on a cold prompt.
const MODEL_TIMEOUT: Duration = Duration::from_secs(120);

/// A llama-server started for one test, killed when dropped.
struct LlamaServer {
    child: Child,
    url: String,
}

impl LlamaServer {
    fn start(binary: &Path, model: &Path) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new(binary)
            .args(["-m", &model.to_string_lossy(), "--host", "127.0.0.1"])
            .args([
                "--port",
                &port.to_string(),
                "-c",
                "4096",
                "-t",
                "2",
                "-np",
                "1",
            ])
            .args(["--cache-reuse", "256"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start llama-server");
        let server = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        server.wait_healthy();
        server
    }

    fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        let address = self.url.trim_start_matches("http://").to_string();
        while Instant::now() < deadline {
            if let Ok(mut stream) = std::net::TcpStream::connect(&address) {
                use std::io::{Read, Write};
                let request =
                    format!("GET /health HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
                let mut answer = String::new();
                if stream.write_all(request.as_bytes()).is_ok()
                    && stream.read_to_string(&mut answer).is_ok()
                    && answer.starts_with("HTTP/1.1 200")
                {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        panic!("llama-server at {} did not become healthy", self.url);
    }
}

impl Drop for LlamaServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A cursor position with what the completion there must respect.
struct Case {
    name: &'static str,
    language: &'static str,
    file: &'static str,
    /// Source with a `<|>` cursor marker.
    marked: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "python mid-line call",
        language: "python",
        file: "stats.py",
        marked: "import math\n\n\ndef mean(values):\n    return sum(values) / len(<|>)\n\n\ndef stdev(values):\n    m = mean(values)\n    return math.sqrt(sum((v - m) ** 2 for v in values) / len(values))\n",
    },
    Case {
        name: "python function body",
        language: "python",
        file: "users.py",
        marked: "from dataclasses import dataclass\n\n\n@dataclass\nclass User:\n    name: str\n    age: int\n\n\ndef oldest(users):\n    \"\"\"Return the oldest user.\"\"\"\n    <|>\n\n\ndef youngest(users):\n    \"\"\"Return the youngest user.\"\"\"\n    return min(users, key=lambda u: u.age)\n",
    },
    Case {
        name: "python end of line",
        language: "python",
        file: "greet.py",
        marked: "def greet(name):\n    message = <|>\n    print(message)\n    return message\n",
    },
    Case {
        name: "rust mid-line",
        language: "rust",
        file: "src/lib.rs",
        marked: "pub struct Point {\n    pub x: f64,\n    pub y: f64,\n}\n\nimpl Point {\n    pub fn distance(&self, other: &Point) -> f64 {\n        let dx = self.x - other.x;\n        let dy = self.y - <|>;\n        (dx * dx + dy * dy).sqrt()\n    }\n}\n",
    },
    Case {
        name: "rust function body",
        language: "rust",
        file: "src/sum.rs",
        marked: "/// Adds up the even numbers.\npub fn sum_even(numbers: &[i64]) -> i64 {\n    <|>\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn sums() {\n        assert_eq!(sum_even(&[1, 2, 3, 4]), 6);\n    }\n}\n",
    },
];

/// Checks one real suggestion against what users judge; returns it for the log.
fn check_suggestion(case: &Case, text: &str, line_suffix: &str, following: &str) {
    let label = case.name;
    assert!(!text.trim().is_empty(), "{label}: empty suggestion");
    assert!(!text.contains("```"), "{label}: markdown fence in {text:?}");
    for marker in ["In this ", "This code", "Explanation", "<|", "|>"] {
        assert!(
            !text.contains(marker),
            "{label}: prose or special token {marker:?} in {text:?}"
        );
    }
    let mid_line = !line_suffix.trim().is_empty();
    if mid_line {
        assert!(
            !text.contains('\n'),
            "{label}: mid-line cursor got several lines: {text:?}"
        );
        let closing = line_suffix.trim();
        assert!(
            !text.trim_end().ends_with(closing),
            "{label}: {text:?} repeats {closing:?}, which already follows the cursor"
        );
    }
    let next_code = following.lines().map(str::trim).find(|l| !l.is_empty());
    if let Some(next_code) = next_code {
        if next_code.len() > 3 {
            assert!(
                !text.lines().any(|l| l.trim() == next_code),
                "{label}: {text:?} re-creates the next line {next_code:?}"
            );
        }
    }
}

/// Opens each case in a fresh server configured by `options` and checks the suggestions.
async fn run_cases(options: Value) {
    let client = LspClient::start().await;
    client.initialize(options, None).await;
    let mut seen = Vec::new();
    for case in CASES {
        let uri = client.uri(case.file);
        let (doc, cursor) = Doc::open(&client, &uri, case.language, case.marked, Encoding::Utf16);
        let (_, after) = doc.split_at(cursor);
        let (line_suffix, following) = after.split_once('\n').unwrap_or((after, ""));
        let pending = client.send_inline_completion(&uri, doc.position(cursor), AUTOMATIC);
        let result = match client.response_within(pending, MODEL_TIMEOUT).await {
            Ok(result) => result,
            Err(error) => client.fail(&format!(
                "{}: inlineCompletion failed: {error:?}",
                case.name
            )),
        };
        let items = inline_items(&result);
        let Some(item) = items.first() else {
            client.fail(&format!(
                "{}: no suggestion from the real model: {result}",
                case.name
            ));
        };
        let text = insert_text(item);
        check_suggestion(case, &text, line_suffix, following);
        seen.push(format!("{}: {text:?}", case.name));
    }
    eprintln!("real suggestions:\n  {}", seen.join("\n  "));
    client.assert_no_panic();
    client.shutdown_and_exit().await;
}

/// Greedy decoding, no debounce, and a backend timeout as long as the test's own wait: several
/// real-model tests share two cores, and a cold prompt can take longer than the 30 s default.
fn deterministic(mut options: Value) -> Value {
    options["completion"] = json!({"temperature": 0.0, "debounce_ms": 0});
    options["backend"]["request_timeout_ms"] = json!(MODEL_TIMEOUT.as_millis() as u64);
    options
}

#[tokio::test]
async fn real_model_through_llamacpp_infill() {
    let Some((binary, model)) = real_parts() else {
        return;
    };
    let server = LlamaServer::start(&binary, &model);
    run_cases(deterministic(
        json!({"backend": {"kind": "llamacpp", "url": server.url}}),
    ))
    .await;
}

#[tokio::test]
async fn real_model_through_llamacpp_completion_with_tandems_template() {
    let Some((binary, model)) = real_parts() else {
        return;
    };
    let server = LlamaServer::start(&binary, &model);
    run_cases(deterministic(json!({
        "backend": {"kind": "llamacpp", "url": server.url, "endpoint": "completion"}
    })))
    .await;
}

#[tokio::test]
async fn real_model_through_the_openai_compatible_endpoint() {
    let Some((binary, model)) = real_parts() else {
        return;
    };
    let server = LlamaServer::start(&binary, &model);
    run_cases(deterministic(json!({
        "backend": {"kind": "openai", "url": server.url, "model": "qwen2.5-coder-0.5b"}
    })))
    .await;
}

#[tokio::test]
async fn the_managed_backend_starts_the_real_llama_server_and_completes() {
    let Some((binary, model)) = real_parts() else {
        return;
    };
    run_cases(deterministic(json!({
        "backend": {"kind": "managed"},
        "managed": {
            "llama_server": binary.to_string_lossy(),
            "model": model.to_string_lossy(),
            "ctx_size": 4096,
            "idle_timeout_secs": 30
        }
    })))
    .await;
}

/// Token healing on the real server: the prompt ends before `listd`, llama-server's grammar makes
/// the model write the word again, and the editor gets the rest of it. A grammar the real server
/// rejected would fail the request; an unhealed answer would start another word.
#[tokio::test]
async fn the_real_model_finishes_a_partial_word() {
    let Some((binary, model)) = real_parts() else {
        return;
    };
    let client = LspClient::start().await;
    let options = managed_options(
        &binary,
        &model,
        MODEL_TIMEOUT,
        json!({"completion": {"temperature": 0.0, "debounce_ms": 0}}),
    );
    client.initialize(options, None).await;
    let uri = client.uri("listing.py");
    let (doc, cursor) = Doc::open(
        &client,
        &uri,
        "python",
        "import os\n\n\ndef entries(path):\n    \"\"\"The names in the folder path, sorted.\"\"\"\n    return sorted(os.listd<|>)\n",
        Encoding::Utf16,
    );
    let pending = client.send_inline_completion(&uri, doc.position(cursor), AUTOMATIC);
    let result = match client.response_within(pending, MODEL_TIMEOUT).await {
        Ok(result) => result,
        Err(error) => client.fail(&format!("inlineCompletion failed: {error:?}")),
    };
    let text = inline_items(&result).first().map(insert_text);
    if !text.as_deref().is_some_and(|t| t.starts_with("ir(")) {
        client.fail(&format!(
            "the suggestion should finish `os.listd` with `ir(`: {result}"
        ));
    }
    client.assert_no_panic();
    client.shutdown_and_exit().await;
}
