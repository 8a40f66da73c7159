//! Reading the telemetry database: the only I/O of `stats`. A read-only connection, so it never
//! takes a write lock, and WAL lets it read while editor processes keep writing.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OpenFlags, Row};

use super::rows::{Checkpoint, Outcome, RetentionRow, SuggestionRow, Telemetry};

/// How long a read waits for a writer that holds the database (WAL recovery, checkpoints).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Which suggestions to load.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Only suggestions offered at or after this unix time in ms.
    pub since_ms: Option<i64>,
    /// Only this model.
    pub model: Option<String>,
    /// Only this LSP languageId.
    pub language: Option<String>,
    /// Also load the code columns (text, file prefix and suffix, surviving text): export needs
    /// them; figures do not, and whole files per row would make them slow.
    pub with_code: bool,
}

/// The database could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "no telemetry recorded yet ({} does not exist); it is recorded while you use tandem \
         in an editor, see README",
        path.display()
    )]
    Missing { path: PathBuf },
    #[error("cannot open the telemetry database {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{} is not a tandem telemetry database: {detail}", path.display())]
    NotTelemetry { path: PathBuf, detail: String },
    #[error("cannot read the telemetry database {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

/// Loads the suggestions `filter` selects, and their retention rows.
pub fn load(path: &Path, filter: &Filter) -> Result<Telemetry, LoadError> {
    if !path.exists() {
        return Err(LoadError::Missing {
            path: path.to_path_buf(),
        });
    }
    let open_error = |source| LoadError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(open_error)?;
    connection.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;
    let read_error = |source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    };
    // One read transaction: suggestions and retention rows come from the same snapshot even while
    // a recorder commits between the two queries.
    let transaction = connection.transaction().map_err(read_error)?;
    if !has_table(&transaction, "suggestions").map_err(read_error)? {
        return if has_any_table(&transaction).map_err(read_error)? {
            Err(LoadError::NotTelemetry {
                path: path.to_path_buf(),
                detail: "it has no `suggestions` table".into(),
            })
        } else {
            // The recorder created the file but has not written its schema yet.
            Ok(Telemetry::default())
        };
    }
    let (condition, params) = where_clause(filter);
    let code = |column: &str| {
        if filter.with_code {
            column.to_string()
        } else {
            format!("NULL AS {column}")
        }
    };
    let sql = format!(
        "SELECT id, session, created_ms, workspace, path, language, model, backend, template, \
         trigger, source, context_ms, prompt_ms, model_ms, post_ms, total_ms, prompt_tokens, \
         cached_tokens, context_sources, {}, text_chars, shown_ms, visible_ms, outcome, outcome_reason, \
         outcome_ms, accepted_chars, {}, {} FROM suggestions s{condition} \
         ORDER BY created_ms, id",
        code("text"),
        code("file_prefix"),
        code("file_suffix"),
    );
    let suggestions = query(&transaction, &sql, &params, suggestion_from).map_err(read_error)?;
    let retention = if has_table(&transaction, "retention").map_err(read_error)? {
        let sql = format!(
            "SELECT r.suggestion_id, r.checkpoint, r.at_ms, r.unchanged, r.similarity, {} \
             FROM retention r JOIN suggestions s ON s.id = r.suggestion_id{condition} \
             ORDER BY s.created_ms, s.id, r.at_ms",
            if filter.with_code {
                "r.surviving"
            } else {
                "NULL"
            }
        );
        query(&transaction, &sql, &params, retention_from)
            .map_err(read_error)?
            .into_iter()
            .flatten()
            .collect()
    } else {
        Vec::new()
    };
    Ok(Telemetry {
        suggestions,
        retention,
    })
}

fn where_clause(filter: &Filter) -> (String, Vec<Value>) {
    let mut conditions = Vec::new();
    let mut params = Vec::new();
    if let Some(since) = filter.since_ms {
        params.push(Value::Integer(since));
        conditions.push(format!("s.created_ms >= ?{}", params.len()));
    }
    if let Some(model) = &filter.model {
        params.push(Value::Text(model.clone()));
        conditions.push(format!("s.model = ?{}", params.len()));
    }
    if let Some(language) = &filter.language {
        params.push(Value::Text(language.clone()));
        conditions.push(format!("s.language = ?{}", params.len()));
    }
    if conditions.is_empty() {
        (String::new(), params)
    } else {
        (format!(" WHERE {}", conditions.join(" AND ")), params)
    }
}

fn query<T>(
    connection: &Connection,
    sql: &str,
    params: &[Value],
    convert: fn(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut statement = connection.prepare(sql)?;
    let rows = statement.query_map(params_from_iter(params.iter()), convert)?;
    rows.collect()
}

fn has_table(connection: &Connection, name: &str) -> rusqlite::Result<bool> {
    connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
        [name],
        |row| row.get(0),
    )
}

fn has_any_table(connection: &Connection) -> rusqlite::Result<bool> {
    connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table')",
        [],
        |row| row.get(0),
    )
}

fn suggestion_from(row: &Row<'_>) -> rusqlite::Result<SuggestionRow> {
    Ok(SuggestionRow {
        id: row.get(0)?,
        session: row.get(1)?,
        created_ms: row.get(2)?,
        workspace: row.get(3)?,
        path: row.get(4)?,
        language: row.get(5)?,
        model: row.get(6)?,
        backend: row.get(7)?,
        template: row.get(8)?,
        trigger: row.get(9)?,
        source: row.get(10)?,
        context_ms: row.get(11)?,
        prompt_ms: row.get(12)?,
        model_ms: row.get(13)?,
        post_ms: row.get(14)?,
        total_ms: row.get(15)?,
        prompt_tokens: row.get(16)?,
        cached_tokens: row.get(17)?,
        context_sources: row.get(18)?,
        text: row.get(19)?,
        text_chars: row.get(20)?,
        shown_ms: row.get(21)?,
        visible_ms: row.get(22)?,
        outcome: row
            .get::<_, Option<String>>(23)?
            .as_deref()
            .and_then(Outcome::parse),
        outcome_reason: row.get(24)?,
        outcome_ms: row.get(25)?,
        accepted_chars: row.get(26)?,
        file_prefix: row.get(27)?,
        file_suffix: row.get(28)?,
    })
}

/// `None` for a checkpoint name this version does not know (a later schema may add some).
fn retention_from(row: &Row<'_>) -> rusqlite::Result<Option<RetentionRow>> {
    let checkpoint: String = row.get(1)?;
    let Some(checkpoint) = Checkpoint::parse(&checkpoint) else {
        return Ok(None);
    };
    Ok(Some(RetentionRow {
        suggestion_id: row.get(0)?,
        checkpoint,
        at_ms: row.get(2)?,
        unchanged: row.get::<_, i64>(3)? != 0,
        similarity: row.get(4)?,
        surviving: row.get(5)?,
    }))
}
