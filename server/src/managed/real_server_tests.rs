//! The managed server against the real llama-server and the real Qwen2.5-Coder 0.5B model:
//! two handles (two editors) share one process, a killed server comes back, an idle one stops.
//!
//! Binary and model come from `TANDEM_LLAMA_SERVER` / `TANDEM_MODEL` (set by scripts/test), else
//! from `~/.cache/tandem`. The run state lives in a temp cache dir per test. Missing files fail
//! the test with instructions, unless `TANDEM_SKIP_REAL_MODEL=1`.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::health::{health_client, is_ready};
use super::{pid, ManagedServer, ManagedSettings, ProgressEvent};

#[path = "../../../tests/e2e/support/real_parts.rs"]
mod real_parts;

/// Settings using a temp cache dir, with the binary reached through a symlink inside it so this
/// test's servers are told apart from any other llama-server on the machine by `argv[0]`.
fn settings(cache: &Path, binary: &Path, model: &Path, idle_timeout_secs: u64) -> ManagedSettings {
    let link = cache.join("bin").join("llama-server");
    std::fs::create_dir_all(cache.join("bin")).expect("mkdir");
    std::os::unix::fs::symlink(binary, &link).expect("symlink llama-server");
    ManagedSettings {
        llama_server: Some(link),
        model: model.to_string_lossy().into_owned(),
        ctx_size: 2048,
        threads: 0,
        idle_timeout_secs,
        port: 0,
        cache_dir: cache.to_path_buf(),
    }
}

/// Live processes started as `binary`.
fn processes_running(binary: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&p| pid::is_alive(p) && pid::runs_binary(p, binary))
        .collect()
}

async fn wait_until(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    condition()
}

fn recorder() -> (
    std::sync::Arc<Mutex<Vec<ProgressEvent>>>,
    impl Fn(ProgressEvent) + Send + Sync,
) {
    let events = std::sync::Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    (events, move |e| sink.lock().expect("lock").push(e))
}

fn starts(events: &Mutex<Vec<ProgressEvent>>) -> usize {
    events
        .lock()
        .expect("lock")
        .iter()
        .filter(|e| matches!(e, ProgressEvent::Starting { .. }))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_editors_share_one_real_server_and_a_killed_one_restarts() {
    let Some((binary, model)) = real_parts::real_parts() else {
        return;
    };
    let cache = tempfile::tempdir().expect("tempdir");
    let settings = settings(cache.path(), &binary, &model, 1800);
    let link = settings.llama_server.clone().expect("set");
    let a = ManagedServer::new(settings.clone());
    let b = ManagedServer::new(settings);

    // Both editors ask at once: the lock makes one start the server and the other attach.
    let (events_a, progress_a) = recorder();
    let (events_b, progress_b) = recorder();
    let (url_a, url_b) = tokio::join!(
        a.ensure_running_with(&progress_a),
        b.ensure_running_with(&progress_b)
    );
    let (url_a, url_b) = (url_a.expect("a starts"), url_b.expect("b starts"));
    assert_eq!(url_a, url_b, "both editors use the same server");
    assert_eq!(
        starts(&events_a) + starts(&events_b),
        1,
        "exactly one spawn"
    );
    let first = a.status().expect("state").expect("a server is recorded");
    assert_eq!(first.url(), url_a);
    assert_eq!(first.clients.len(), 2, "{:?}", first.clients);
    assert_eq!(processes_running(&link), vec![first.pid]);
    assert!(is_ready(&health_client(), &url_a).await);
    assert!(cache.path().join("logs/llama-server.log").is_file());

    // A crash: the next request starts a fresh server, which the other editor then shares.
    pid::stop(first.pid, &link).await;
    assert!(wait_until(Duration::from_secs(10), || !pid::is_alive(first.pid)).await);
    let url_b2 = b.ensure_running().await.expect("b restarts the server");
    let second = b.status().expect("state").expect("recorded");
    assert_ne!(second.pid, first.pid);
    assert!(is_ready(&health_client(), &url_b2).await);
    let url_a2 = a.ensure_running().await.expect("a reattaches");
    assert_eq!(url_a2, url_b2);
    assert_eq!(processes_running(&link), vec![second.pid]);
    assert_eq!(
        b.status().expect("state").expect("recorded").clients.len(),
        2
    );

    // Editors leaving: the server stays while one remains and stops with the last.
    a.release();
    assert!(pid::is_alive(second.pid), "b still uses the server");
    b.release();
    assert!(wait_until(Duration::from_secs(10), || !pid::is_alive(second.pid)).await);
    assert_eq!(b.status().expect("state"), None);
    assert!(processes_running(&link).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_server_idle_past_the_timeout_is_stopped_but_not_while_in_use() {
    let Some((binary, model)) = real_parts::real_parts() else {
        return;
    };
    let cache = tempfile::tempdir().expect("tempdir");
    let timeout = 3;
    let settings = settings(cache.path(), &binary, &model, timeout);
    let link = settings.llama_server.clone().expect("set");
    let active = ManagedServer::new(settings.clone());
    let idle = ManagedServer::new(settings);
    active.ensure_running().await.expect("start");
    idle.ensure_running().await.expect("attach");
    let server = active.status().expect("state").expect("recorded").pid;

    // One editor keeps typing for twice the timeout while the other does nothing.
    let busy_until = Instant::now() + Duration::from_secs(2 * timeout);
    while Instant::now() < busy_until {
        active.ensure_running().await.expect("running");
        assert!(pid::is_alive(server), "stopped while a client was active");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // Then nobody types: the server goes away within a few idle ticks.
    let stopped = wait_until(Duration::from_secs(4 * timeout), || {
        !pid::is_alive(server) && matches!(active.status(), Ok(None))
    });
    assert!(
        stopped.await,
        "an idle server must be stopped and its state removed"
    );

    // The next keystroke brings it back.
    let url = idle
        .ensure_running()
        .await
        .expect("restart after idle stop");
    assert!(is_ready(&health_client(), &url).await);
    let restarted = idle.status().expect("state").expect("recorded").pid;
    assert_ne!(restarted, server);
    drop(active);
    drop(idle);
    assert!(wait_until(Duration::from_secs(10), || !pid::is_alive(restarted)).await);
    assert!(processes_running(&link).is_empty());
}
