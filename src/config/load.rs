//! Which gocross.yaml a command reads, and what its absence means.
//!
//! Every command takes `--config FILE`, else reads gocross.yaml at the module root. Commands
//! that plan (`plan`, `doctor`, `test`, `ci`) need the file; `build` builds the default
//! targets without one ([`load_or_default`]); the ones that start from artifacts (`verify`,
//! `audit`, `release`, `report`) work without it. For all of them alike, a file that is there
//! but broken, and a `--config` file that is missing, are errors: never "no config". A
//! missing file in a directory inside a Go module, below its root, says so and names the
//! root to pass with `-C`.

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
    let path = file_path(explicit, module_dir);
    if explicit.is_none() && !path.try_exists().unwrap_or(true) {
        below_module_root(module_dir)?;
    }
    Config::load_from(&path, module_dir)
}

/// Reads the config a command needs, or, when no file is named and the module root holds no
/// gocross.yaml, the defaults (every key left out, the project named from go.mod). The
/// boolean says whether the defaults were taken.
///
/// Errors: as [`load`]; without a file, a directory below a module's root
/// ([`ConfigError::BelowModuleRoot`]) and one with no go.mod to name the project.
pub fn load_or_default(
    explicit: Option<&Path>,
    module_dir: &Path,
) -> Result<(Config, bool), ConfigError> {
    let path = file_path(explicit, module_dir);
    if explicit.is_some() || path.try_exists().unwrap_or(true) {
        return Config::load_from(&path, module_dir).map(|c| (c, false));
    }
    below_module_root(module_dir)?;
    let module = super::GoMod::read(module_dir).ok();
    Config::parse("version: 1\n", &path, module.as_ref()).map(|c| (c, true))
}

/// The error for a directory without go.mod inside a Go module: the module's root, as a path
/// relative to `dir` (`../..`).
fn below_module_root(dir: &Path) -> Result<(), ConfigError> {
    if dir.join("go.mod").is_file() {
        return Ok(());
    }
    let Ok(abs) = std::path::absolute(dir) else {
        return Ok(());
    };
    let mut up = PathBuf::new();
    for ancestor in abs.ancestors().skip(1) {
        up.push("..");
        if ancestor.join("go.mod").is_file() {
            let root = if dir == Path::new(".") {
                up
            } else {
                dir.join(up)
            };
            return Err(ConfigError::BelowModuleRoot {
                dir: dir.to_path_buf(),
                root,
            });
        }
    }
    Ok(())
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
    fn a_missing_default_config_is_the_defaults() {
        let dir = module(None);
        let (config, defaulted) = load_or_default(None, dir.path()).unwrap();
        assert!(defaulted);
        assert_eq!(config.project, "hello");
        assert_eq!(config.targets().len(), crate::config::DEFAULT_TARGETS.len());
        std::fs::write(dir.path().join(FILE_NAME), "version: 1\nproject: x\n").unwrap();
        let (config, defaulted) = load_or_default(None, dir.path()).unwrap();
        assert!(!defaulted);
        assert_eq!(config.project, "x");
    }

    #[test]
    fn a_directory_below_the_module_root_names_the_root() {
        let dir = module(None);
        let sub = dir.path().join("cmd/tool");
        std::fs::create_dir_all(&sub).unwrap();
        let err = load_or_default(None, &sub).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{} is inside the Go module at {}, below its root: run gocross at the root, or pass `-C {}`",
                sub.display(),
                sub.join("../..").display(),
                sub.join("../..").display()
            )
        );
        assert!(matches!(
            load(None, &sub),
            Err(ConfigError::BelowModuleRoot { .. })
        ));
        // A config of its own there is read as it is.
        std::fs::write(sub.join(FILE_NAME), "version: 1\nproject: tool\n").unwrap();
        assert_eq!(load(None, &sub).unwrap().project, "tool");
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
