//! Inspecting and signalling processes by pid: is it alive, is it really our llama-server, stop it.
//!
//! Pids in the state file may be stale: the process died and, much later, the pid was reused by
//! something else. So before signalling we check that the process still runs the binary we
//! spawned (its `argv[0]`), and a zombie counts as dead.

use std::path::Path;
use std::time::Duration;

/// How long a server gets to exit after SIGTERM before SIGKILL.
const GRACE: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(50);

/// Whether `pid` is a live (not zombie) process.
pub(crate) fn is_alive(pid: u32) -> bool {
    let Ok(raw) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if raw <= 0 {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !is_zombie_stat(&stat),
        // No /proc entry: on Linux the process is gone; elsewhere ask the kernel.
        Err(_) if Path::new("/proc/self/stat").exists() => false,
        Err(_) => {
            // SAFETY: kill with signal 0 only checks that the pid exists; it sends nothing.
            let rc = unsafe { libc::kill(raw, 0) };
            rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
        }
    }
}

/// Whether the process `pid` was started as `binary` (guards against pid reuse): `binary` is its
/// `argv[0]`, or its `argv[1]` when `binary` is a script run by an interpreter. Where `/proc` is
/// unavailable this cannot be checked and is assumed.
pub(crate) fn runs_binary(pid: u32, binary: &Path) -> bool {
    let path = format!("/proc/{pid}/cmdline");
    // A process caught mid-exec (just spawned) shows an empty command line for a moment.
    for _ in 0..20 {
        match std::fs::read(&path) {
            Ok(cmdline) if cmdline.is_empty() && is_alive(pid) => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Ok(cmdline) => {
                let wanted = binary.as_os_str().as_encoded_bytes();
                return leading_args(&cmdline).any(|arg| arg == wanted);
            }
            Err(_) => return !Path::new("/proc/self/stat").exists(),
        }
    }
    false
}

/// Stops the server `pid` if it is alive and still runs `binary`: SIGTERM, then SIGKILL after a
/// grace period. Returns whether a process was signalled.
pub(crate) async fn stop(pid: u32, binary: &Path) -> bool {
    if !is_alive(pid) || !runs_binary(pid, binary) {
        return false;
    }
    signal(pid, libc::SIGTERM);
    let mut waited = Duration::ZERO;
    while is_alive(pid) && waited < GRACE {
        tokio::time::sleep(POLL).await;
        waited += POLL;
    }
    if is_alive(pid) {
        signal(pid, libc::SIGKILL);
    }
    true
}

/// [`stop`] for places that cannot await (`Drop`).
pub(crate) fn stop_blocking(pid: u32, binary: &Path) -> bool {
    if !is_alive(pid) || !runs_binary(pid, binary) {
        return false;
    }
    signal(pid, libc::SIGTERM);
    let mut waited = Duration::ZERO;
    while is_alive(pid) && waited < GRACE {
        std::thread::sleep(POLL);
        waited += POLL;
    }
    if is_alive(pid) {
        signal(pid, libc::SIGKILL);
    }
    true
}

/// Signals the server and anything it started: it was spawned as the leader of its own process
/// group, so the group id is its pid. Falls back to the pid alone if it is not a group leader.
fn signal(pid: u32, sig: libc::c_int) {
    let Ok(raw) = libc::pid_t::try_from(pid) else {
        return;
    };
    if raw <= 0 {
        return;
    }
    // SAFETY: getpgid and kill(2) on a positive pid we checked runs our binary; no memory involved.
    unsafe {
        if libc::getpgid(raw) == raw {
            libc::kill(-raw, sig);
        } else {
            libc::kill(raw, sig);
        }
    }
}

/// The process state in `/proc/PID/stat` follows the last `)` (the command name may contain
/// spaces and parentheses); Z is a zombie, X is dead.
fn is_zombie_stat(stat: &str) -> bool {
    let after_name = stat.rfind(')').map(|i| &stat[i + 1..]).unwrap_or(stat);
    matches!(after_name.split_whitespace().next(), Some("Z" | "X" | "x"))
}

fn leading_args(cmdline: &[u8]) -> impl Iterator<Item = &[u8]> {
    cmdline.split(|&b| b == 0).filter(|a| !a.is_empty()).take(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zombie_and_dead_states_are_recognised() {
        let cases = [
            ("123 (llama-server) S 1 2 3", false),
            ("123 (llama-server) R 1 2 3", false),
            ("123 (llama-server) Z 1 2 3", true),
            ("123 (odd) name) X 1 2 3", true),
            ("123 (a (Z) b) S 1", false),
        ];
        for (stat, want) in cases {
            assert_eq!(is_zombie_stat(stat), want, "{stat}");
        }
    }

    #[test]
    fn the_binary_is_argv0_or_the_script_after_an_interpreter() {
        let args: Vec<&[u8]> = leading_args(b"/b/llama-server\0-m\0x\0").collect();
        assert_eq!(args, [&b"/b/llama-server"[..], &b"-m"[..]]);
        let args: Vec<&[u8]> = leading_args(b"/usr/bin/python3\0/t/fake\0--port\0").collect();
        assert_eq!(args, [&b"/usr/bin/python3"[..], &b"/t/fake"[..]]);
        assert_eq!(leading_args(b"").count(), 0);
    }

    #[test]
    fn this_process_is_alive_and_a_reaped_child_is_not() {
        assert!(is_alive(std::process::id()));
        let mut child = std::process::Command::new("true")
            .spawn()
            .expect("spawn true");
        let pid = child.id();
        child.wait().expect("wait");
        assert!(!is_alive(pid));
        assert!(!is_alive(0));
        assert!(!is_alive(u32::MAX));
    }

    #[tokio::test]
    async fn stop_only_signals_processes_running_the_expected_binary() {
        let sleep = which_sleep();
        let mut child = tokio::process::Command::new(&sleep)
            .arg("30")
            .spawn()
            .expect("spawn sleep");
        let pid = child.id().expect("pid");
        assert!(runs_binary(pid, &sleep));
        assert!(!stop(pid, Path::new("/not/the/binary")).await);
        assert!(is_alive(pid), "a pid running another binary is left alone");
        assert!(stop(pid, &sleep).await);
        let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
            .await
            .expect("child exits after SIGTERM")
            .expect("wait");
        assert!(!status.success());
    }

    fn which_sleep() -> std::path::PathBuf {
        ["/usr/bin/sleep", "/bin/sleep"]
            .iter()
            .map(std::path::PathBuf::from)
            .find(|p| p.exists())
            .expect("sleep(1) is installed")
    }
}
