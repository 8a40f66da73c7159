//! What can go wrong with the telemetry database, each with the file and what to do about it.

use std::path::PathBuf;

/// A telemetry storage failure. Telemetry never fails the editor: these are logged once and
/// telemetry turns itself off.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// Neither `telemetry.path`, `TANDEM_DATA_DIR` nor a platform data folder is available.
    #[error("no folder for the telemetry database: set telemetry.path or TANDEM_DATA_DIR")]
    NoDataDir,
    #[error("cannot create the telemetry folder {path}: {source}; create it, or set telemetry.path to a writable file")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the telemetry database {path}: {source}; check that the file is a SQLite database you can write, or set telemetry.path to another file")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot set up the telemetry database {path} ({what}): {source}; another program may hold it locked, or the disk is full or read-only")]
    Setup {
        path: PathBuf,
        what: &'static str,
        source: rusqlite::Error,
    },
    #[error("the telemetry database {path} has schema version {found}, newer than this tandem understands (up to {supported}); upgrade tandem or set telemetry.path to another file; telemetry is off until then")]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("cannot migrate the telemetry database {path} from schema version {from} to {to}: {source}; move the file aside to start a fresh one")]
    Migrate {
        path: PathBuf,
        from: i64,
        to: i64,
        source: rusqlite::Error,
    },
    #[error("cannot write telemetry to {path}: {source}; the last events were not recorded (disk full, read-only, or locked for too long)")]
    Write {
        path: PathBuf,
        source: rusqlite::Error,
    },
}
