//! Which gocross.yaml a command reads, and what its absence means.
//!
//! Every command takes `--config FILE`, else reads gocross.yaml at the module root. Commands
//! that plan (`plan`, `build`, `doctor`, `test`, `ci`) need the file; the ones that start
//! from artifacts (`verify`, `audit`, `release`, `report`) work without it. For all of them
//! alike, a file that is there but broken, and a `--config` file that is missing, are errors:
//! never "no config".

use super::{Config, ConfigError, FILE_NAME, path_in};
use std::path::{Path, PathBuf};

/// The config file of a module: `explicit` (`--config FILE`, as given: relative to the working
/// directory), else gocross.yaml in `module_dir` (`gocross.yaml` alone when the module root is
/// `.`, as messages show it).
pub fn file_path(explicit: Option<&Path>, module_dir: &Path) -> PathBuf {
    match explicit {
        Some(path) => path.to_path_buf(),
        None if module_dir == Path::new(".") => PathBuf::from(FILE_NAME),
        None => path_in(module_dir),
    }
}

/// Reads and validates the config a command needs ([`file_path`]); go.mod in `module_dir`
/// names the project when the config does not.
///
/// Errors: a missing or unreadable file (with the command that creates one), and every
/// [`ConfigError`] of [`Config::parse`].
pub fn load(explicit: Option<&Path>, module_dir: &Path) -> Result<Config, ConfigError> {
    Config::load_from(&file_path(explicit, module_dir), module_dir)
}

/// Reads and validates the config when there is one: `Ok(None)` only when no file is named
/// and the module root holds no gocross.yaml.
///
/// Errors: as [`load`], including a `--config` file that is missing; a broken file is an
/// error, never `None`.
pub fn load_optional(
    explicit: Option<&Path>,
    module_dir: &Path,
) -> Result<Option<Config>, ConfigError> {
    let path = file_path(explicit, module_dir);
    if explicit.is_none() && !path.try_exists().unwrap_or(true) {
        return Ok(None);
    }
    Config::load_from(&path, module_dir).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(config: Option<&str>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("go.mod"), "module example.com/hello\n").unwrap();
        if let Some(text) = config {
            std::fs::write(dir.path().join(FILE_NAME), text).unwrap();
        }
        dir
    }

    #[test]
    fn a_missing_default_config_is_none() {
        let dir = module(None);
        assert!(load_optional(None, dir.path()).unwrap().is_none());
        assert!(matches!(
            load(None, dir.path()),
            Err(ConfigError::Read { .. })
        ));
    }

    #[test]
    fn a_missing_named_config_is_an_error() {
        let dir = module(None);
        let named = dir.path().join("other.yaml");
        assert!(matches!(
            load_optional(Some(&named), dir.path()),
            Err(ConfigError::Read { .. })
        ));
    }

    #[test]
    fn a_broken_config_is_an_error_not_none() {
        let dir = module(Some("version: 1\nverify:\n  timeout: 0\n"));
        let err = load_optional(None, dir.path()).unwrap_err();
        assert_eq!(err.location(), Some((3, 12)), "{err}");
    }

    #[test]
    fn a_valid_config_is_read_with_the_project_from_go_mod() {
        let dir = module(Some("version: 1\n"));
        let config = load_optional(None, dir.path()).unwrap().unwrap();
        assert_eq!(config.project, "hello");
    }

    #[test]
    fn the_default_path_is_short_in_the_working_directory() {
        assert_eq!(file_path(None, Path::new(".")), Path::new("gocross.yaml"));
        assert_eq!(
            file_path(None, Path::new("mod")),
            Path::new("mod/gocross.yaml")
        );
        assert_eq!(
            file_path(Some(Path::new("x.yaml")), Path::new("mod")),
            Path::new("x.yaml")
        );
    }
}
