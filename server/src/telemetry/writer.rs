//! The writer thread: the one place that touches the database, so the LSP never waits on disk.
//!
//! Rows arrive over a channel; the thread commits whatever has queued up as one transaction as
//! soon as the previous commit is done, so commits are small and follow the events within
//! milliseconds. A killed process loses at most the rows not yet committed.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::Duration;

use super::store::Store;
use super::write::Write;

/// Most rows committed in one transaction.
const MAX_BATCH: usize = 512;

enum Message {
    Rows(Vec<Write>),
    /// Answered (with whether the store is usable) once every row sent before it is committed.
    Flush(Sender<bool>),
}

/// Handle to a writer thread; dropping every handle lets the thread commit the rest and exit.
#[derive(Clone)]
pub struct Writer {
    sender: Sender<Message>,
    failed: Arc<AtomicBool>,
    path: PathBuf,
}

impl Writer {
    /// Starts the thread, which opens the database at `path` itself: opening may wait for
    /// another process's lock and must not hold up the caller.
    pub fn start(path: PathBuf, session: String) -> Self {
        let (sender, receiver) = mpsc::channel();
        let failed = Arc::new(AtomicBool::new(false));
        let thread_failed = failed.clone();
        let thread_path = path.clone();
        let spawned = std::thread::Builder::new()
            .name("tandem-telemetry-writer".into())
            .spawn(move || run(thread_path, session, receiver, thread_failed));
        if let Err(error) = spawned {
            tracing::warn!("telemetry is off: could not start its writer thread: {error}");
            failed.store(true, Ordering::Relaxed);
        }
        Self {
            sender,
            failed,
            path,
        }
    }

    /// The database file.
    pub fn path(&self) -> &PathBuf {
        &self.path
    }

    /// Whether the database could not be opened (telemetry is then off).
    pub fn is_failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Queues rows; never blocks.
    pub fn send(&self, rows: Vec<Write>) {
        if rows.is_empty() || self.is_failed() {
            return;
        }
        // A send error means the thread is gone; there is nobody left to tell.
        let _ = self.sender.send(Message::Rows(rows));
    }

    /// Waits up to `limit` until every row sent so far is committed; false when that did not
    /// happen (database unusable, or still busy).
    pub fn flush(&self, limit: Duration) -> bool {
        if self.is_failed() {
            return false;
        }
        let (reply, answer) = mpsc::channel();
        if self.sender.send(Message::Flush(reply)).is_err() {
            return false;
        }
        answer.recv_timeout(limit).unwrap_or(false)
    }
}

fn take(message: Message, rows: &mut Vec<Write>, replies: &mut Vec<Sender<bool>>) {
    match message {
        Message::Rows(mut batch) => rows.append(&mut batch),
        Message::Flush(reply) => replies.push(reply),
    }
}

fn run(path: PathBuf, session: String, receiver: Receiver<Message>, failed: Arc<AtomicBool>) {
    let mut store = match Store::open(&path, &session) {
        Ok(store) => store,
        Err(error) => {
            tracing::warn!("telemetry is off for this session: {error}");
            failed.store(true, Ordering::Relaxed);
            for message in receiver {
                if let Message::Flush(reply) = message {
                    let _ = reply.send(false);
                }
            }
            return;
        }
    };
    tracing::debug!("telemetry database {}", store.path().display());
    let mut failing = false;
    while let Ok(first) = receiver.recv() {
        let mut rows = Vec::new();
        let mut replies = Vec::new();
        take(first, &mut rows, &mut replies);
        while rows.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(message) => take(message, &mut rows, &mut replies),
                Err(_) => break,
            }
        }
        let mut ok = true;
        if !rows.is_empty() {
            match store.write(&rows) {
                Ok(()) => failing = false,
                Err(error) => {
                    ok = false;
                    // One warning per run of failures, not one per keystroke.
                    if !failing {
                        tracing::warn!("telemetry: {error}");
                    }
                    failing = true;
                }
            }
        }
        for reply in replies {
            let _ = reply.send(ok);
        }
    }
}
