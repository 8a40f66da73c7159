//! The run state shared by every tandem process using one cache directory:
//! `$CACHE/run/llama-server.json` says which server runs where and which clients use it.
//!
//! The operations on [`ServerState`] are pure (time and liveness are passed in) so the idle rule is
//! tested with tables; only `read`, `write` and `remove` touch the disk, always under the lock.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::ManagedError;

/// The running llama-server and the tandem processes attached to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerState {
    /// Process id of llama-server.
    pub pid: u32,
    /// Loopback port it listens on.
    pub port: u16,
    /// The model file it loaded.
    pub model: PathBuf,
    /// The binary it runs, exactly as spawned (it is also `argv[0]`).
    pub binary: PathBuf,
    /// Unix seconds when it was spawned.
    pub started_at: u64,
    /// Registered tandem clients.
    #[serde(default)]
    pub clients: Vec<ClientEntry>,
}

/// One tandem client (a `ManagedServer` handle) using the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientEntry {
    /// Process id of the tandem process; dead pids are pruned.
    pub pid: u32,
    /// Distinguishes several handles inside one process.
    pub id: String,
    /// Unix seconds of the client's last completion request.
    pub last_used: u64,
}

impl ServerState {
    /// The base URL of the server.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Whether the client `id` is registered.
    pub fn has_client(&self, id: &str) -> bool {
        self.clients.iter().any(|c| c.id == id)
    }

    /// Registers the client, or moves its `last_used` forward (never back: another writer may
    /// have recorded a later use).
    pub(crate) fn touch(&mut self, id: &str, pid: u32, last_used: u64) {
        match self.clients.iter_mut().find(|c| c.id == id) {
            Some(entry) => entry.last_used = entry.last_used.max(last_used),
            None => self.clients.push(ClientEntry {
                pid,
                id: id.to_string(),
                last_used,
            }),
        }
    }

    /// Unregisters the client `id`.
    pub(crate) fn remove_client(&mut self, id: &str) {
        self.clients.retain(|c| c.id != id);
    }

    /// Drops clients whose process is gone (an editor that crashed never unregisters).
    pub(crate) fn prune_clients(&mut self, is_alive: impl Fn(u32) -> bool) {
        self.clients.retain(|c| is_alive(c.pid));
    }

    /// The idle rule: stop when every registered client has been idle for at least `timeout_secs`
    /// (which includes having no clients at all). Prune dead clients first.
    pub(crate) fn is_idle(&self, now: u64, timeout_secs: u64) -> bool {
        self.clients
            .iter()
            .all(|c| now.saturating_sub(c.last_used) >= timeout_secs)
    }
}

/// Where the run state, its lock and the server log live inside the cache directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RunPaths {
    pub state: PathBuf,
    pub lock: PathBuf,
    pub log: PathBuf,
}

impl RunPaths {
    pub(crate) fn new(cache_dir: &Path) -> Self {
        RunPaths {
            state: cache_dir.join("run").join("llama-server.json"),
            // A separate lock file: the state file is replaced by rename, which would drop a lock
            // held on the old inode.
            lock: cache_dir.join("run").join("llama-server.lock"),
            log: cache_dir.join("logs").join("llama-server.log"),
        }
    }
}

/// Reads the state; a missing file is `None`, and so is a corrupt one (a crash mid-write cannot
/// happen thanks to the rename, but a hand-edited file must not wedge every editor).
pub(crate) fn read(path: &Path) -> Result<Option<ServerState>, ManagedError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ManagedError::io("read", path, e)),
    };
    match serde_json::from_str(&text) {
        Ok(state) => Ok(Some(state)),
        Err(e) => {
            tracing::warn!(
                "ignoring unreadable managed-server state {}: {e}",
                path.display()
            );
            Ok(None)
        }
    }
}

/// Writes the state atomically (temp file + rename), so readers never see half a file.
pub(crate) fn write(path: &Path, state: &ServerState) -> Result<(), ManagedError> {
    let json = serde_json::to_vec_pretty(state)
        .map_err(|e| ManagedError::io("serialize", path, std::io::Error::other(e)))?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, json).map_err(|e| ManagedError::io("write", &tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| ManagedError::io("replace", path, e))
}

/// Deletes the state (the server is gone).
pub(crate) fn remove(path: &Path) -> Result<(), ManagedError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(ManagedError::io("remove", path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(pid: u32, id: &str, last_used: u64) -> ClientEntry {
        ClientEntry {
            pid,
            id: id.to_string(),
            last_used,
        }
    }

    fn state(clients: Vec<ClientEntry>) -> ServerState {
        ServerState {
            pid: 4242,
            port: 8012,
            model: PathBuf::from("/m/model.gguf"),
            binary: PathBuf::from("/b/llama-server"),
            started_at: 1_000,
            clients,
        }
    }

    #[test]
    fn idle_only_when_every_client_is_past_the_timeout() {
        // (clients' last_used, now, timeout, idle?)
        let cases: &[(&[u64], u64, u64, bool)] = &[
            (&[], 2_000, 60, true),
            (&[1_000], 1_059, 60, false),
            (&[1_000], 1_060, 60, true),
            (&[1_000, 1_050], 1_070, 60, false),
            (&[1_000, 1_010], 1_070, 60, true),
            // A clock that went backwards must not count as idle.
            (&[2_000], 1_000, 60, false),
        ];
        for (used, now, timeout, want) in cases {
            let clients = used
                .iter()
                .enumerate()
                .map(|(i, &t)| client(1, &format!("c{i}"), t))
                .collect();
            assert_eq!(
                state(clients).is_idle(*now, *timeout),
                *want,
                "used={used:?} now={now} timeout={timeout}"
            );
        }
    }

    #[test]
    fn touch_registers_then_only_moves_forward() {
        let mut s = state(vec![]);
        s.touch("a", 10, 100);
        s.touch("b", 11, 105);
        s.touch("a", 10, 120);
        s.touch("a", 10, 110);
        assert_eq!(s.clients, vec![client(10, "a", 120), client(11, "b", 105)]);
        assert!(s.has_client("b"));
        s.remove_client("b");
        assert!(!s.has_client("b"));
        assert_eq!(s.clients, vec![client(10, "a", 120)]);
    }

    #[test]
    fn pruning_drops_clients_whose_process_died() {
        let mut s = state(vec![
            client(10, "a", 1),
            client(11, "b", 1),
            client(10, "c", 1),
        ]);
        s.prune_clients(|pid| pid == 10);
        let ids: Vec<&str> = s.clients.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
    }

    #[test]
    fn state_round_trips_through_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = RunPaths::new(dir.path());
        std::fs::create_dir_all(paths.state.parent().expect("parent")).expect("mkdir");
        assert_eq!(read(&paths.state).expect("read"), None);

        let s = state(vec![client(10, "a", 123)]);
        write(&paths.state, &s).expect("write");
        assert_eq!(read(&paths.state).expect("read"), Some(s.clone()));
        assert_eq!(s.url(), "http://127.0.0.1:8012");

        remove(&paths.state).expect("remove");
        remove(&paths.state).expect("removing twice is fine");
        assert_eq!(read(&paths.state).expect("read"), None);
    }

    #[test]
    fn corrupt_or_old_state_files_are_tolerated() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("llama-server.json");
        std::fs::write(&path, "{not json").expect("write");
        assert_eq!(read(&path).expect("read"), None);

        // A file without a clients list (written by hand, or by an older tandem) still parses.
        std::fs::write(
            &path,
            r#"{"pid":1,"port":2,"model":"/m","binary":"/b","started_at":3}"#,
        )
        .expect("write");
        let got = read(&path).expect("read").expect("some");
        assert!(got.clients.is_empty());
        assert_eq!(got.port, 2);
    }
}
