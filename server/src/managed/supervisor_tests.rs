//! [`ManagedServer`] against fake llama-servers (small scripts), for the failure paths a real
//! server rarely shows: dying at startup, a missing model, another editor using another model.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{pid, ManagedError, ManagedServer, ManagedSettings};

/// A fake llama-server answering `/health` with 200 on the `--port` it is given.
const FAKE_SERVER: &str = r#"
import http.server, sys
port = int(sys.argv[sys.argv.index("--port") + 1])
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()
        self.wfile.write(b'{"status":"ok"}')
    def log_message(self, *args):
        pass
print("fake llama-server listening", flush=True)
http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
"#;

fn python() -> PathBuf {
    let out = std::process::Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3 runs");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, body).expect("write script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

fn model(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, b"GGUF").expect("write model");
    path
}

fn settings(cache: &Path, binary: PathBuf, model: &Path) -> ManagedSettings {
    ManagedSettings {
        llama_server: Some(binary),
        model: model.to_string_lossy().into_owned(),
        ctx_size: 512,
        threads: 1,
        idle_timeout_secs: 1800,
        port: 0,
        cache_dir: cache.to_path_buf(),
    }
}

#[tokio::test]
async fn a_server_dying_at_startup_reports_its_log_and_leaves_no_state() {
    let dir = tempfile::tempdir().expect("tempdir");
    let binary = script(
        dir.path(),
        "llama-server",
        "#!/bin/sh\necho 'llama_model_load: error loading model: corrupt file' >&2\nexit 1\n",
    );
    let gguf = model(dir.path(), "m.gguf");
    let server = ManagedServer::new(settings(dir.path(), binary, &gguf));
    let err = server.ensure_running().await.unwrap_err();
    assert!(matches!(err, ManagedError::ExitedEarly { .. }), "{err}");
    assert!(err.to_string().contains("corrupt file"), "{err}");
    assert_eq!(server.status().expect("state"), None);
}

#[tokio::test]
async fn a_missing_model_fails_before_anything_starts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let binary = script(dir.path(), "llama-server", "#!/bin/sh\nexit 0\n");
    let mut settings = settings(dir.path(), binary, Path::new("/nowhere/m.gguf"));
    settings.model = "1.5b".to_string();
    let server = ManagedServer::new(settings);
    let err = server.ensure_running().await.unwrap_err();
    assert!(
        err.to_string().contains("scripts/fetch-model 1.5b"),
        "{err}"
    );
    assert!(!dir.path().join("logs/llama-server.log").exists());
}

#[tokio::test]
async fn editors_wanting_different_models_conflict_until_the_other_leaves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let binary = script(
        dir.path(),
        "llama-server",
        &format!("#!{}\n{FAKE_SERVER}", python().display()),
    );
    let small = model(dir.path(), "small.gguf");
    let large = model(dir.path(), "large.gguf");
    let first = ManagedServer::new(settings(dir.path(), binary.clone(), &small));
    let second = ManagedServer::new(settings(dir.path(), binary.clone(), &large));

    first.ensure_running().await.expect("first starts");
    let running = first.status().expect("state").expect("recorded").pid;
    let err = second.ensure_running().await.unwrap_err();
    assert!(matches!(err, ManagedError::ModelConflict { .. }), "{err}");
    assert!(
        pid::is_alive(running),
        "the other editor's server is left alone"
    );

    // Once the first editor leaves (stopping its server), the second runs its own model.
    first.release();
    let url = second
        .ensure_running()
        .await
        .expect("second starts its model");
    let now = second.status().expect("state").expect("recorded");
    assert_eq!(now.model, large);
    assert_eq!(now.url(), url);
    drop(second);
    let stopped = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        !pid::is_alive(now.pid)
    });
    assert!(stopped, "dropping the last handle stops the server");
}

#[tokio::test]
async fn a_request_in_flight_keeps_the_server_past_the_idle_timeout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let binary = script(
        dir.path(),
        "llama-server",
        &format!("#!{}\n{FAKE_SERVER}", python().display()),
    );
    let model = model(dir.path(), "small.gguf");
    let settings = ManagedSettings {
        idle_timeout_secs: 1,
        ..settings(dir.path(), binary, &model)
    };
    let server = ManagedServer::new(settings);
    server.ensure_running().await.expect("starts");
    let pid = server.status().expect("state").expect("recorded").pid;

    // A request that runs for three idle timeouts without asking for the server again.
    let request = server.in_use();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(pid::is_alive(pid), "stopped while a request was in flight");

    // Once it is done, idle time starts and the server stops.
    drop(request);
    let mut stopped = false;
    for _ in 0..80 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if !pid::is_alive(pid) {
            stopped = true;
            break;
        }
    }
    assert!(stopped, "an idle server stops after the request ends");
}
