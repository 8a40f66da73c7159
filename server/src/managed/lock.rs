//! An exclusive lock on `$CACHE/run/llama-server.lock`, held while a process reads, decides on
//! and writes the run state, so two editors never start two servers.
//!
//! `flock` locks belong to an open file description, so two handles inside one process exclude
//! each other as well as two processes do. The lock is released when the guard drops.

use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

use fs4::fs_std::FileExt;

use super::ManagedError;

/// How often a waiting process retries; the lock is held for milliseconds except while a
/// server starts, when waiting is the point.
const RETRY: Duration = Duration::from_millis(50);

/// Holds the state lock until dropped.
#[derive(Debug)]
pub(crate) struct StateLock {
    _file: File,
}

impl StateLock {
    /// Waits for the lock without blocking the async runtime; dropping the future gives up.
    pub(crate) async fn acquire(path: &Path) -> Result<StateLock, ManagedError> {
        let file = open(path)?;
        loop {
            if try_lock(&file, path)? {
                return Ok(StateLock { _file: file });
            }
            tokio::time::sleep(RETRY).await;
        }
    }

    /// Waits up to `limit` on the current thread, for use in `Drop` where nothing can await.
    pub(crate) fn acquire_blocking(
        path: &Path,
        limit: Duration,
    ) -> Result<Option<StateLock>, ManagedError> {
        let file = open(path)?;
        let deadline = Instant::now() + limit;
        loop {
            if try_lock(&file, path)? {
                return Ok(Some(StateLock { _file: file }));
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
            std::thread::sleep(RETRY);
        }
    }
}

fn open(path: &Path) -> Result<File, ManagedError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| ManagedError::io("create", dir, e))?;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| ManagedError::io("open lock file", path, e))
}

fn try_lock(file: &File, path: &Path) -> Result<bool, ManagedError> {
    FileExt::try_lock_exclusive(file).map_err(|e| ManagedError::io("lock", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_excludes_a_second_handle_until_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("run/llama-server.lock");
        let first = StateLock::acquire_blocking(&path, Duration::ZERO)
            .expect("lock")
            .expect("free lock is taken");
        let second = StateLock::acquire_blocking(&path, Duration::from_millis(120)).expect("lock");
        assert!(second.is_none(), "a second handle must not get a held lock");
        drop(first);
        let third = StateLock::acquire_blocking(&path, Duration::ZERO).expect("lock");
        assert!(
            third.is_some(),
            "the lock is free again after the guard drops"
        );
    }

    #[tokio::test]
    async fn async_acquire_waits_for_the_holder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("llama-server.lock");
        let held = StateLock::acquire(&path).await.expect("lock");
        let waiter = {
            let path = path.clone();
            tokio::spawn(async move { StateLock::acquire(&path).await.map(|_| ()) })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            !waiter.is_finished(),
            "waiter must block while the lock is held"
        );
        drop(held);
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("waiter gets the lock after release")
            .expect("join")
            .expect("lock");
    }
}
