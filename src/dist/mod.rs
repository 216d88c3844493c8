//! dist/, the directory a build writes and every later command reads: its layout (the names
//! of the files gocross keeps there), its lock ([`lock`]: one writer at a time), and the only
//! ways gocross writes there (atomically, [`write_atomic`]) and reads there (never through a
//! symbolic link, [`open_in_dist`], [`read_in_dist`]).
//!
//! ```text
//! dist/
//! ├── manifest.json        MANIFEST_FILE: what the build produced (crate::manifest)
//! ├── checksums.txt        CHECKSUMS_FILE: `sha256sum -c` lines of what the release uploads
//! ├── checksums.txt.sigstore.json  SIGNATURE_BUNDLE_FILE: its keyless signature (release.sign)
//! ├── tests.json           TESTS_FILE: what `gocross test` found (crate::test_results)
//! ├── .gocross.lock        LOCK_FILE: held by the one process writing dist/
//! ├── .gocross/            STAGING_DIR: each target's `go build -o`, kept between builds
//! ├── .gocross-*.tmp       a file being written (TEMP_PREFIX, TEMP_SUFFIX); a leftover
//! │                        when its writer was killed (remove_leftovers)
//! └── <leg>/manifest.json  in the workflow's later jobs, one directory per build leg
//!                          (leg_files)
//! ```
//!
//! The hidden names (`.gocross*`) are left out by `dist/*` globs and by
//! actions/upload-artifact (<https://github.com/actions/upload-artifact#inputs>,
//! `include-hidden-files`).

pub mod lock;

pub use lock::{DistLock, LOCK_FILE, LockError, WhenBusy, waiting_message};

use std::io::Write;
use std::path::{Path, PathBuf};

/// The directory `gocross build` writes (binaries, manifest.json, checksums.txt, archives) and
/// the later commands read, relative to the module root, unless `--dist` names another.
pub const DIST_DIR: &str = "dist";

/// The build's output directory: `dist` (`--dist`) as given when absolute, else relative to
/// `module_dir`; [`DIST_DIR`] in the module without one.
pub fn dist_dir(module_dir: &Path, dist: Option<&Path>) -> PathBuf {
    match dist {
        Some(d) if d.is_absolute() => d.to_path_buf(),
        Some(d) => module_dir.join(d),
        None => module_dir.join(DIST_DIR),
    }
}

/// The manifest's file name inside a dist directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The checksums file's name inside a dist directory.
pub const CHECKSUMS_FILE: &str = "checksums.txt";
/// The Sigstore bundle of `checksums.txt` that `cosign sign-blob --bundle` writes in the
/// generated workflow's sign job (`release.sign`), released beside it.
pub const SIGNATURE_BUNDLE_FILE: &str = "checksums.txt.sigstore.json";

/// The command that signs `checksums.txt` in dist/ keyless, writing
/// [`SIGNATURE_BUNDLE_FILE`] (<https://docs.sigstore.dev/cosign/signing/signing_with_blobs/>):
/// what the workflow's sign job runs, and what the release says to run again.
pub fn sign_checksums_command() -> String {
    format!("cosign sign-blob --yes --bundle {SIGNATURE_BUNDLE_FILE} {CHECKSUMS_FILE}")
}

/// The test results' file name inside a dist directory ([`crate::test_results::TestReport`]).
pub const TESTS_FILE: &str = "tests.json";
/// The staging directory's name inside dist/ (hidden, so `dist/*` globs and
/// actions/upload-artifact, which leaves hidden files out, do not see it).
pub const STAGING_DIR: &str = ".gocross";

/// A file of dist/ that could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum DistError {
    /// Reading `path` failed, or it is not a regular file reached without a symbolic link.
    #[error("cannot read {}: {cause}; run `gocross build` first", path.display())]
    Read {
        /// The file, inside dist/.
        path: PathBuf,
        /// What went wrong.
        cause: std::io::Error,
    },
    /// Writing `path` failed.
    #[error("cannot write {}: {cause}", path.display())]
    Write {
        /// The file written.
        path: PathBuf,
        /// What went wrong.
        cause: std::io::Error,
    },
}

/// The start of the name of every temporary file gocross writes in dist/ (hidden, so that
/// `dist/*` globs and actions/upload-artifact leave it out); see [`is_temp_name`].
pub const TEMP_PREFIX: &str = ".gocross-";
/// The end of the name of every temporary file gocross writes in dist/.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Whether `name` is one of gocross's temporary file names in dist/
/// (`.gocross-<anything>.tmp`): a file with such a name that outlives its writer is a
/// leftover of a killed run.
pub fn is_temp_name(name: &str) -> bool {
    name.len() > TEMP_PREFIX.len() + TEMP_SUFFIX.len()
        && name.starts_with(TEMP_PREFIX)
        && name.ends_with(TEMP_SUFFIX)
}

/// Removes the temporary files ([`is_temp_name`]) that killed runs left directly in `dist`;
/// returns their names, sorted. The caller holds dist/'s lock, so no live process is writing
/// them. Only regular files are removed.
///
/// Errors: dist/ cannot be listed, or a leftover cannot be removed.
pub fn remove_leftovers(dist: &Path) -> std::io::Result<Vec<String>> {
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dist)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_temp_name(&name) && entry.file_type()?.is_file() {
            match std::fs::remove_file(entry.path()) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => removed.push(name),
            }
        }
    }
    removed.sort();
    Ok(removed)
}

/// Opens the file at `rel` inside `dist` for reading, the only way gocross reads dist/
/// ([`crate::contained::open`]): `rel` is relative (`/`-separated, as manifest.json writes
/// paths), no component of it may be `..`, empty, or a symbolic link, and the file must be a
/// regular file. Returns the handle and the full path.
///
/// Errors: a message naming `rel` and what is wrong, for the release's list of problems.
pub fn open_in_dist(dist: &Path, rel: &str) -> Result<(std::fs::File, PathBuf), String> {
    crate::contained::open(dist, rel, "dist/")
}

/// Where a dist directory keeps its `name` file (manifest.json, tests.json), as the
/// workflow's later jobs download it: `[name]` when `<dist>/<name>` exists, else
/// `<leg>/<name>` for each subdirectory that holds one, sorted (one per build leg); empty
/// when there is none. Nothing is followed through a symbolic link ([`crate::contained`]): a
/// linked leg directory is passed over.
///
/// Errors: `<dist>/<name>` or a leg's file is a symbolic link, or a special file.
pub fn leg_files(dist: &Path, name: &str) -> Result<Vec<String>, DistError> {
    let found = |rel: &str| match crate::contained::walk(dist, rel, "dist/") {
        Ok(None) => Ok(false),
        Ok(Some((_, meta))) if meta.is_file() => Ok(true),
        Ok(Some(_)) => Err(read_error(dist, rel, "not a regular file".into())),
        Err(e) => Err(read_error(dist, rel, e)),
    };
    if found(name)? {
        return Ok(vec![name.to_string()]);
    }
    let Ok(entries) = std::fs::read_dir(dist) else {
        return Ok(Vec::new());
    };
    let mut legs = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let Some(dir) = entry.file_name().to_str().map(String::from) else {
            continue;
        };
        let rel = format!("{dir}/{name}");
        if is_dir && found(&rel)? {
            legs.push(rel);
        }
    }
    legs.sort();
    Ok(legs)
}

/// The bytes of `rel` inside `dist`, read as the release reads dist/ ([`open_in_dist`]).
///
/// Errors: [`DistError::Read`].
pub fn read_in_dist(dist: &Path, rel: &str) -> Result<Vec<u8>, DistError> {
    crate::contained::read(dist, rel, "dist/").map_err(|e| read_error(dist, rel, e))
}

fn read_error(dist: &Path, rel: &str, why: String) -> DistError {
    DistError::Read {
        path: dist.join(rel),
        cause: std::io::Error::other(why),
    }
}

/// Writes a file so that it is either absent or complete: the bytes go to a temporary file in
/// the same directory, which is synced and then renamed over `path` (mode 0644 on Unix).
///
/// Errors: [`DistError::Write`] naming `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), DistError> {
    let err = |cause| DistError::Write {
        path: path.to_path_buf(),
        cause,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    // Temporary files are created private (0600); the result is an ordinary readable file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(err)?;
    }
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_are_gocross_temporary_files_only() {
        let dist = tempfile::tempdir().unwrap();
        for name in [
            ".gocross-hello_linux_amd64.4242.tmp",
            ".gocross-Ab12Cd.tmp",
            "manifest.json",
            ".gocross.lock",
            ".gocross-.tmp",
            "hello.tmp",
        ] {
            std::fs::write(dist.path().join(name), b"x").unwrap();
        }
        std::fs::create_dir(dist.path().join(".gocross-dir.tmp")).unwrap();
        assert_eq!(
            remove_leftovers(dist.path()).unwrap(),
            [".gocross-Ab12Cd.tmp", ".gocross-hello_linux_amd64.4242.tmp"]
        );
        let mut left: Vec<String> = std::fs::read_dir(dist.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".gocross-.tmp",
                ".gocross-dir.tmp",
                ".gocross.lock",
                "hello.tmp",
                "manifest.json"
            ]
        );
    }
}
