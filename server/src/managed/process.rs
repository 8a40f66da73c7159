//! Spawning llama-server: its arguments, a free loopback port, its log file, and a watcher that
//! reaps it and reports when it exits.

use std::ffi::OsString;
use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::process::Stdio;

use tokio::sync::oneshot;

use super::ManagedError;

/// A freshly spawned server.
#[derive(Debug)]
pub(crate) struct Spawned {
    pub pid: u32,
    /// Receives a description of the exit status when the process exits; the watcher task reaps
    /// it so it never lingers as a zombie.
    pub exited: oneshot::Receiver<String>,
}

/// The llama-server command line (after the binary) tuned for FIM on a few cores.
pub(crate) fn server_args(model: &Path, port: u16, ctx_size: u32, threads: u32) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["-m".into(), model.as_os_str().to_owned()];
    for (flag, value) in [
        ("--host", "127.0.0.1".to_string()),
        ("--port", port.to_string()),
        ("-c", ctx_size.to_string()),
        ("-t", threads.to_string()),
        // One slot: editors send one request at a time and the whole context serves it.
        ("-np", "1".to_string()),
        ("-b", "1024".to_string()),
        ("-ub", "512".to_string()),
        // Reuse KV entries when an edit changes the middle of the prompt.
        ("--cache-reuse", "256".to_string()),
    ] {
        args.push(flag.into());
        args.push(value.into());
    }
    args
}

/// A loopback port nobody listens on right now. Another process could take it before
/// llama-server binds it; that shows up as an early exit with "couldn't bind" in the log.
pub(crate) fn free_port() -> Result<u16, ManagedError> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(ManagedError::NoFreePort)
}

/// Starts `binary args…` detached from the caller's process group (the server outlives the
/// editor that started it and is shared with other editors), output appended to `log`.
pub(crate) fn spawn(binary: &Path, args: &[OsString], log: &Path) -> Result<Spawned, ManagedError> {
    let log_file = open_fresh_log(log)?;
    let log_err = log_file
        .try_clone()
        .map_err(|e| ManagedError::io("open", log, e))?;
    let mut child = tokio::process::Command::new(binary)
        .args(args)
        .stdin(Stdio::null())
        .stdout(log_file)
        .stderr(log_err)
        .process_group(0)
        .kill_on_drop(false)
        .spawn()
        .map_err(|source| ManagedError::Spawn {
            binary: binary.to_path_buf(),
            source,
        })?;
    let pid = child.id().ok_or_else(|| ManagedError::Spawn {
        binary: binary.to_path_buf(),
        source: std::io::Error::other("the process exited before its pid was read"),
    })?;
    let (tx, exited) = oneshot::channel();
    tokio::spawn(async move {
        let status = match child.wait().await {
            Ok(status) => status.to_string(),
            Err(e) => format!("unknown status: {e}"),
        };
        // Nobody listening just means startup already finished or was abandoned.
        let _ = tx.send(status);
    });
    Ok(Spawned { pid, exited })
}

/// Keeps the previous run's log as `.log.1` (it explains the last crash) and starts a new one.
fn open_fresh_log(log: &Path) -> Result<std::fs::File, ManagedError> {
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir).map_err(|e| ManagedError::io("create", dir, e))?;
    }
    if log.exists() {
        let previous = log.with_extension("log.1");
        // Losing the old log is harmless; failing to start the server over it is not.
        let _ = std::fs::rename(log, previous);
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| ManagedError::io("open", log, e))
}

/// The last `lines` lines of the log, for error messages.
pub(crate) fn log_tail(log: &Path, lines: usize) -> String {
    const MAX_BYTES: u64 = 64 * 1024;
    let Ok(bytes) = read_end(log, MAX_BYTES) else {
        return format!("(no log at {})", log.display());
    };
    let text = String::from_utf8_lossy(&bytes);
    let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn read_end(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(max)))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn arguments_carry_model_port_context_and_fim_tuning() {
        let args = server_args(Path::new("/m/q.gguf"), 8012, 4096, 2);
        let args: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args.join(" "),
            "-m /m/q.gguf --host 127.0.0.1 --port 8012 -c 4096 -t 2 -np 1 -b 1024 -ub 512 \
             --cache-reuse 256"
        );
    }

    #[test]
    fn free_port_is_bindable() {
        let port = free_port().expect("port");
        assert_ne!(port, 0);
        TcpListener::bind((Ipv4Addr::LOCALHOST, port)).expect("the port is free");
    }

    #[test]
    fn log_tail_keeps_the_last_non_empty_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("x.log");
        std::fs::write(&log, "one\ntwo\n\nthree\nfour\n").expect("write");
        assert_eq!(log_tail(&log, 2), "three\nfour");
        assert_eq!(log_tail(&log, 10), "one\ntwo\nthree\nfour");
        assert!(log_tail(&dir.path().join("none.log"), 3).contains("no log"));
    }

    #[tokio::test]
    async fn spawn_logs_output_reports_exit_and_keeps_the_previous_log() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("logs/llama-server.log");
        let sh = PathBuf::from("/bin/sh");
        let first = spawn(&sh, &["-c".into(), "echo first run".into()], &log).expect("spawn");
        first.exited.await.expect("exit reported");
        let second =
            spawn(&sh, &["-c".into(), "echo oops >&2; exit 3".into()], &log).expect("spawn");
        let status = second.exited.await.expect("exit reported");
        assert!(status.contains('3'), "{status}");
        assert_eq!(log_tail(&log, 5), "oops");
        assert_eq!(log_tail(&log.with_extension("log.1"), 5), "first run");
    }

    #[test]
    fn spawning_a_missing_binary_names_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let missing = dir.path().join("no-such-llama-server");
        let err = rt
            .block_on(async { spawn(&missing, &[], &dir.path().join("l.log")) })
            .unwrap_err();
        assert!(matches!(err, ManagedError::Spawn { .. }));
        assert!(err.to_string().contains("no-such-llama-server"), "{err}");
    }
}
