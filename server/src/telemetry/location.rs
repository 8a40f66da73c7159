//! Where the telemetry database lives.

use std::path::{Path, PathBuf};

use super::error::TelemetryError;
use crate::config::TelemetrySection;

/// Overrides the platform data folder (tests set it to a temp dir).
pub const DATA_DIR_ENV: &str = "TANDEM_DATA_DIR";

/// The database file: `telemetry.path`, else `<data dir>/tandem/telemetry.sqlite3` where the data
/// dir is `$TANDEM_DATA_DIR` or the platform's (`~/.local/share` on Linux).
pub fn database_path(section: &TelemetrySection) -> Result<PathBuf, TelemetryError> {
    let data_dir = std::env::var_os(DATA_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    resolve(section, data_dir.as_deref(), dirs::data_dir().as_deref())
}

/// [`database_path`] without reading the environment.
pub fn resolve(
    section: &TelemetrySection,
    env_data_dir: Option<&Path>,
    platform_data_dir: Option<&Path>,
) -> Result<PathBuf, TelemetryError> {
    if !section.path.trim().is_empty() {
        return Ok(expand_home(section.path.trim()));
    }
    let base = env_data_dir
        .or(platform_data_dir)
        .ok_or(TelemetryError::NoDataDir)?;
    Ok(base.join("tandem").join("telemetry.sqlite3"))
}

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configured_path_wins_then_the_env_then_the_platform_folder() {
        let mut section = TelemetrySection::default();
        let env = Path::new("/env");
        let platform = Path::new("/platform");
        assert_eq!(
            resolve(&section, Some(env), Some(platform)).ok(),
            Some(PathBuf::from("/env/tandem/telemetry.sqlite3"))
        );
        assert_eq!(
            resolve(&section, None, Some(platform)).ok(),
            Some(PathBuf::from("/platform/tandem/telemetry.sqlite3"))
        );
        assert!(matches!(
            resolve(&section, None, None),
            Err(TelemetryError::NoDataDir)
        ));
        section.path = "/custom/t.db".into();
        assert_eq!(
            resolve(&section, Some(env), Some(platform)).ok(),
            Some(PathBuf::from("/custom/t.db"))
        );
    }
}
