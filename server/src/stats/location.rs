//! Where the telemetry database lives. The recorder and the readers (`stats`, `report`,
//! `export`) must agree, so both resolve it here.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The database file's name inside `<data dir>/tandem/`.
pub const DATABASE_FILE: &str = "telemetry.sqlite3";

/// The environment variable that overrides the platform data folder (tests set it).
pub const DATA_DIR_ENV: &str = "TANDEM_DATA_DIR";

/// No place for the database could be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "cannot tell where the telemetry database is: this system has no data folder; \
     set telemetry.path in tandem.toml or the {DATA_DIR_ENV} environment variable"
)]
pub struct NoDataDir;

/// The telemetry database: `explicit` (`--db`), else the configured `telemetry.path`, else
/// `$TANDEM_DATA_DIR/tandem/telemetry.sqlite3`, else `<platform data dir>/tandem/telemetry.sqlite3`.
pub fn database_path(explicit: Option<&Path>, configured: &str) -> Result<PathBuf, NoDataDir> {
    resolve_database_path(
        explicit,
        configured,
        std::env::var_os(DATA_DIR_ENV),
        dirs::data_dir(),
        dirs::home_dir(),
    )
}

/// [`database_path`] with the environment passed in.
pub fn resolve_database_path(
    explicit: Option<&Path>,
    configured: &str,
    data_dir_env: Option<OsString>,
    platform_data_dir: Option<PathBuf>,
    home: Option<PathBuf>,
) -> Result<PathBuf, NoDataDir> {
    if let Some(path) = explicit {
        return Ok(expand_home(path, home.as_deref()));
    }
    let configured = configured.trim();
    if !configured.is_empty() {
        return Ok(expand_home(Path::new(configured), home.as_deref()));
    }
    let data_dir = data_dir_env
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or(platform_data_dir)
        .ok_or(NoDataDir)?;
    Ok(data_dir.join("tandem").join(DATABASE_FILE))
}

/// `~/x` → `<home>/x`: config files are written by hand and shells do not expand them there.
fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_place_that_is_given_wins() {
        let home = Some(PathBuf::from("/home/u"));
        let platform = Some(PathBuf::from("/home/u/.local/share"));
        let env = Some(OsString::from("/data"));
        let cases: &[(Option<&str>, &str, Option<OsString>, &str)] = &[
            (
                Some("/x/db.sqlite3"),
                "/cfg.sqlite3",
                env.clone(),
                "/x/db.sqlite3",
            ),
            (None, "/cfg.sqlite3", env.clone(), "/cfg.sqlite3"),
            (None, "  ", env.clone(), "/data/tandem/telemetry.sqlite3"),
            (
                None,
                "",
                Some(OsString::new()),
                "/home/u/.local/share/tandem/telemetry.sqlite3",
            ),
            (
                None,
                "",
                None,
                "/home/u/.local/share/tandem/telemetry.sqlite3",
            ),
            (None, "~/t.sqlite3", None, "/home/u/t.sqlite3"),
            (Some("~/a/b"), "", None, "/home/u/a/b"),
            (None, "rel/t.sqlite3", None, "rel/t.sqlite3"),
        ];
        for (explicit, configured, env, expected) in cases {
            let got = resolve_database_path(
                explicit.map(Path::new),
                configured,
                env.clone(),
                platform.clone(),
                home.clone(),
            );
            assert_eq!(
                got,
                Ok(PathBuf::from(expected)),
                "{explicit:?} {configured:?} {env:?}"
            );
        }
    }

    #[test]
    fn without_any_data_folder_it_says_what_to_set() {
        let got = resolve_database_path(None, "", None, None, None);
        assert_eq!(got, Err(NoDataDir));
        assert!(NoDataDir.to_string().contains("telemetry.path"));
    }
}
