//! The database schema and its migrations, keyed by `PRAGMA user_version`.
//!
//! Each step brings the file from one version to the next inside the caller's transaction, so a
//! crash mid-migration leaves the old version intact. Later versions may add columns and tables;
//! they never rename or drop, because `tandem stats`/`report`/`export` of older versions read
//! the same file.

use rusqlite::{Connection, Transaction};

/// The schema version this tandem writes.
pub const VERSION: i64 = 1;

/// One migration step: brings the schema to `to`.
struct Step {
    to: i64,
    apply: fn(&Transaction<'_>) -> rusqlite::Result<()>,
}

const STEPS: &[Step] = &[Step { to: 1, apply: v1 }];

/// A table of schema v1: its `CREATE` statement and the columns a partial (pre-release, version
/// 0) table may lack, with the definition used to add each.
struct TableV1 {
    name: &'static str,
    create: &'static str,
    /// Columns that cannot be added afterwards (keys); a table without them is set aside.
    keys: &'static [&'static str],
    columns: &'static [(&'static str, &'static str)],
}

const TABLES_V1: &[TableV1] = &[
    TableV1 {
        name: "suggestions",
        create: "CREATE TABLE suggestions (
            id TEXT PRIMARY KEY,
            session TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            workspace TEXT, path TEXT,
            language TEXT NOT NULL, model TEXT NOT NULL, backend TEXT NOT NULL, template TEXT NOT NULL,
            trigger TEXT NOT NULL,
            source TEXT NOT NULL,
            context_ms REAL, prompt_ms REAL, model_ms REAL, post_ms REAL, total_ms REAL,
            prompt_tokens INTEGER, cached_tokens INTEGER,
            context_sources TEXT NOT NULL,
            text TEXT,
            text_chars INTEGER NOT NULL,
            shown_ms INTEGER,
            visible_ms INTEGER,
            outcome TEXT,
            outcome_reason TEXT,
            outcome_ms INTEGER,
            accepted_chars INTEGER,
            file_prefix TEXT, file_suffix TEXT
        )",
        keys: &["id"],
        columns: &[
            ("session", "TEXT NOT NULL DEFAULT ''"),
            ("created_ms", "INTEGER NOT NULL DEFAULT 0"),
            ("workspace", "TEXT"),
            ("path", "TEXT"),
            ("language", "TEXT NOT NULL DEFAULT ''"),
            ("model", "TEXT NOT NULL DEFAULT ''"),
            ("backend", "TEXT NOT NULL DEFAULT ''"),
            ("template", "TEXT NOT NULL DEFAULT ''"),
            ("trigger", "TEXT NOT NULL DEFAULT ''"),
            ("source", "TEXT NOT NULL DEFAULT ''"),
            ("context_ms", "REAL"),
            ("prompt_ms", "REAL"),
            ("model_ms", "REAL"),
            ("post_ms", "REAL"),
            ("total_ms", "REAL"),
            ("prompt_tokens", "INTEGER"),
            ("cached_tokens", "INTEGER"),
            ("context_sources", "TEXT NOT NULL DEFAULT '[]'"),
            ("text", "TEXT"),
            ("text_chars", "INTEGER NOT NULL DEFAULT 0"),
            ("shown_ms", "INTEGER"),
            ("visible_ms", "INTEGER"),
            ("outcome", "TEXT"),
            ("outcome_reason", "TEXT"),
            ("outcome_ms", "INTEGER"),
            ("accepted_chars", "INTEGER"),
            ("file_prefix", "TEXT"),
            ("file_suffix", "TEXT"),
        ],
    },
    TableV1 {
        name: "events",
        create: "CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            suggestion_id TEXT,
            at_ms INTEGER NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL
        )",
        keys: &["id"],
        columns: &[
            ("suggestion_id", "TEXT"),
            ("at_ms", "INTEGER NOT NULL DEFAULT 0"),
            ("kind", "TEXT NOT NULL DEFAULT ''"),
            ("detail", "TEXT NOT NULL DEFAULT '{}'"),
        ],
    },
    TableV1 {
        name: "retention",
        create: "CREATE TABLE retention (
            suggestion_id TEXT NOT NULL,
            checkpoint TEXT NOT NULL,
            at_ms INTEGER NOT NULL,
            unchanged INTEGER NOT NULL,
            similarity REAL NOT NULL,
            surviving TEXT,
            PRIMARY KEY (suggestion_id, checkpoint)
        )",
        keys: &["suggestion_id", "checkpoint"],
        columns: &[
            ("at_ms", "INTEGER NOT NULL DEFAULT 0"),
            ("unchanged", "INTEGER NOT NULL DEFAULT 0"),
            ("similarity", "REAL NOT NULL DEFAULT 0"),
            ("surviving", "TEXT"),
        ],
    },
];

/// Indexes the readers (`stats`, `report`, `export`) rely on.
const INDEXES_V1: &[&str] = &[
    "CREATE INDEX IF NOT EXISTS suggestions_created ON suggestions (created_ms)",
    "CREATE INDEX IF NOT EXISTS events_suggestion ON events (suggestion_id)",
];

/// The schema version stored in the file (0 for a new or foreign file).
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// What [`migrate`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migration {
    /// Already at [`VERSION`].
    Current,
    /// Migrated from this version.
    From(i64),
    /// The file is newer than this tandem.
    TooNew(i64),
}

/// Brings the schema to [`VERSION`] inside `tx`; the caller commits. A failing step names itself
/// through the returned `(from, to)` pair.
pub fn migrate(tx: &Transaction<'_>) -> Result<Migration, (i64, i64, rusqlite::Error)> {
    let found = version(tx).map_err(|e| (0, VERSION, e))?;
    if found > VERSION {
        return Ok(Migration::TooNew(found));
    }
    if found == VERSION {
        return Ok(Migration::Current);
    }
    let mut at = found;
    for step in STEPS.iter().filter(|s| s.to > found) {
        (step.apply)(tx).map_err(|e| (at, step.to, e))?;
        // PRAGMA takes no parameters; `to` is a constant of this file.
        tx.execute_batch(&format!("PRAGMA user_version = {}", step.to))
            .map_err(|e| (at, step.to, e))?;
        at = step.to;
    }
    Ok(Migration::From(found))
}

/// Version 1: the three tables. A version-0 file may hold a partial copy of them (a pre-release
/// build, or another tool); missing columns are added, and a table missing its key columns is
/// renamed aside to `<name>_v0` so nothing is thrown away.
fn v1(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    for table in TABLES_V1 {
        let existing = columns(tx, table.name)?;
        if existing.is_empty() {
            tx.execute_batch(table.create)?;
            continue;
        }
        if table.keys.iter().any(|k| !existing.iter().any(|c| c == k)) {
            let aside = free_name(tx, &format!("{}_v0", table.name))?;
            tx.execute_batch(&format!(
                "ALTER TABLE \"{}\" RENAME TO \"{aside}\"",
                table.name
            ))?;
            tx.execute_batch(table.create)?;
            continue;
        }
        for (column, definition) in table.columns {
            if !existing.iter().any(|c| c == column) {
                tx.execute_batch(&format!(
                    "ALTER TABLE \"{}\" ADD COLUMN \"{column}\" {definition}",
                    table.name
                ))?;
            }
        }
    }
    for index in INDEXES_V1 {
        tx.execute_batch(index)?;
    }
    Ok(())
}

/// Column names of `table`, empty when it does not exist.
pub fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let names = statement.query_map([table], |row| row.get::<_, String>(0))?;
    names.collect()
}

fn free_name(conn: &Connection, base: &str) -> rusqlite::Result<String> {
    let mut name = base.to_string();
    for n in 1..=1_000 {
        let taken: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = ?1)",
            [&name],
            |row| row.get(0),
        )?;
        if !taken {
            break;
        }
        name = format!("{base}_{n}");
    }
    Ok(name)
}
