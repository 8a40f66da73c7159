//! The SQLite file: opening (pragmas, migrations) and writing batches of rows.
//!
//! Several editor processes share one file. WAL lets readers (`tandem stats`) run beside writers;
//! every write transaction is `BEGIN IMMEDIATE`, so it takes the write lock up front and waits in
//! SQLite's busy handler instead of failing half-way, and a busy error after the timeout is
//! retried. `synchronous = NORMAL` in WAL mode loses nothing committed when a process is killed;
//! only a power cut can drop the last transactions.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, ErrorCode, TransactionBehavior};

use super::error::TelemetryError;
use super::redact::redact;
use super::schema::{self, Migration};
use super::write::{OutcomeRow, SuggestionRow, Write};

/// How long SQLite waits for another process's lock before reporting busy.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Extra attempts after SQLite's own busy wait ran out.
const BUSY_RETRIES: u32 = 5;

/// An open telemetry database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    session: String,
}

impl Store {
    /// Opens (creating it and its folder if needed) and migrates the database at `path`;
    /// `session` tags the suggestions this process writes.
    pub fn open(path: &Path, session: &str) -> Result<Self, TelemetryError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| TelemetryError::CreateDir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let mut conn = Connection::open(path).map_err(|source| TelemetryError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let setup = |what: &'static str| {
            let path = path.to_path_buf();
            move |source| TelemetryError::Setup { path, what, source }
        };
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(setup("setting the busy timeout"))?;
        let mode: String =
            retry_busy(|| conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)))
                .map_err(setup("switching to WAL"))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(
                "telemetry database {} stays in {mode} journal mode (WAL is not available there, e.g. a network file system); concurrent editors will wait on each other",
                path.display()
            );
        }
        conn.execute_batch("PRAGMA synchronous = NORMAL")
            .map_err(setup("setting synchronous = NORMAL"))?;
        match migrate_file(&mut conn, path)? {
            Migration::TooNew(found) => Err(TelemetryError::TooNew {
                path: path.to_path_buf(),
                found,
                supported: schema::VERSION,
            }),
            Migration::From(from) => {
                tracing::info!(
                    "telemetry database {} migrated from schema version {from} to {}",
                    path.display(),
                    schema::VERSION
                );
                Ok(Self::opened(conn, path, session))
            }
            Migration::Current => Ok(Self::opened(conn, path, session)),
        }
    }

    fn opened(conn: Connection, path: &Path, session: &str) -> Self {
        Self {
            conn,
            path: path.to_path_buf(),
            session: session.to_string(),
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `batch` in one transaction. A row that fails on its own (e.g. a suggestion id that
    /// another session already used) is logged and skipped; the rest still commit.
    pub fn write(&mut self, batch: &[Write]) -> Result<(), TelemetryError> {
        let session = self.session.clone();
        retry_busy(|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            for write in batch {
                if let Err(error) = apply(&tx, &session, write) {
                    if is_busy(&error) {
                        return Err(error);
                    }
                    tracing::warn!("telemetry: one row was not written: {error}");
                }
            }
            tx.commit()
        })
        .map_err(|source| TelemetryError::Write {
            path: self.path.clone(),
            source,
        })
    }
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Runs `op`, trying again with a growing pause while the database stays busy beyond SQLite's
/// own busy timeout.
fn retry_busy<T>(mut op: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let mut attempt = 0;
    loop {
        match op() {
            Err(error) if is_busy(&error) && attempt < BUSY_RETRIES => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(50 * u64::from(attempt)));
            }
            other => return other,
        }
    }
}

/// Runs the migrations in one immediate transaction (two editors starting at once migrate once:
/// the second waits for the lock and then finds the file current).
fn migrate_file(conn: &mut Connection, path: &Path) -> Result<Migration, TelemetryError> {
    let mut attempt = 0;
    loop {
        let result = (|| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(|e| (0, schema::VERSION, e))?;
            let migration = schema::migrate(&tx)?;
            tx.commit().map_err(|e| (0, schema::VERSION, e))?;
            Ok(migration)
        })();
        match result {
            Err((_, _, error)) if is_busy(&error) && attempt < BUSY_RETRIES => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(50 * u64::from(attempt)));
            }
            Err((from, to, source)) => {
                return Err(TelemetryError::Migrate {
                    path: path.to_path_buf(),
                    from,
                    to,
                    source,
                })
            }
            Ok(migration) => return Ok(migration),
        }
    }
}

fn stored(text: &Option<String>) -> Option<String> {
    text.as_deref().map(|t| redact(t).into_owned())
}

fn millis(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

fn apply(tx: &rusqlite::Transaction<'_>, session: &str, write: &Write) -> rusqlite::Result<()> {
    match write {
        Write::Suggestion(row) => insert_suggestion(tx, session, row),
        Write::Shown { id, at_ms } => tx
            .prepare_cached(
                "UPDATE suggestions SET shown_ms = COALESCE(shown_ms, ?1)
                 WHERE id = ?2 AND session = ?3",
            )?
            .execute(params![millis(*at_ms), id, session])
            .map(drop),
        Write::Outcome(row) => update_outcome(tx, session, row),
        Write::AcceptedContext {
            id,
            file_prefix,
            file_suffix,
        } => tx
            .prepare_cached(
                "UPDATE suggestions SET file_prefix = ?1, file_suffix = ?2
                 WHERE id = ?3 AND session = ?4",
            )?
            .execute(params![
                stored(file_prefix),
                stored(file_suffix),
                id,
                session
            ])
            .map(drop),
        Write::Event {
            suggestion_id,
            at_ms,
            kind,
            detail,
        } => tx
            .prepare_cached(
                "INSERT INTO events (suggestion_id, at_ms, kind, detail) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                suggestion_id,
                millis(*at_ms),
                kind,
                detail.to_string()
            ])
            .map(drop),
        Write::Retention {
            suggestion_id,
            checkpoint,
            at_ms,
            unchanged,
            similarity,
            surviving,
        } => tx
            .prepare_cached(
                "INSERT OR REPLACE INTO retention
                 (suggestion_id, checkpoint, at_ms, unchanged, similarity, surviving)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                suggestion_id,
                checkpoint,
                millis(*at_ms),
                unchanged,
                similarity,
                stored(surviving)
            ])
            .map(drop),
    }
}

fn insert_suggestion(
    tx: &rusqlite::Transaction<'_>,
    session: &str,
    row: &SuggestionRow,
) -> rusqlite::Result<()> {
    let inserted = tx
        .prepare_cached(
            "INSERT INTO suggestions (id, session, created_ms, workspace, path, language, model,
                backend, template, trigger, source, context_ms, prompt_ms, model_ms, post_ms,
                total_ms, prompt_tokens, cached_tokens, context_sources, text, text_chars)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21)
             ON CONFLICT (id) DO NOTHING",
        )?
        .execute(params![
            row.id,
            session,
            millis(row.created_ms),
            row.workspace,
            row.path,
            row.language,
            row.model,
            row.backend,
            row.template,
            row.trigger,
            row.source,
            row.context_ms,
            row.prompt_ms,
            row.model_ms,
            row.post_ms,
            row.total_ms,
            row.prompt_tokens,
            row.cached_tokens,
            row.context_sources,
            stored(&row.text),
            row.text_chars as i64,
        ])?;
    if inserted == 0 {
        tracing::warn!(
            "telemetry: suggestion id {} is already in the database from another session; this one is not recorded",
            row.id
        );
    }
    Ok(())
}

fn update_outcome(
    tx: &rusqlite::Transaction<'_>,
    session: &str,
    row: &OutcomeRow,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE suggestions SET outcome = ?1, outcome_reason = ?2, outcome_ms = ?3,
            visible_ms = ?4, accepted_chars = ?5
         WHERE id = ?6 AND session = ?7",
    )?
    .execute(params![
        row.outcome,
        row.reason,
        millis(row.at_ms),
        row.visible_ms.map(millis),
        row.accepted_chars.map(|n| n as i64),
        row.id,
        session
    ])
    .map(drop)
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
