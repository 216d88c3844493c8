//! Paths that stay inside a directory, walked without following a symbolic link at any
//! level: how gocross reads what a build leg uploaded (dist/, for the release, the report
//! and the image), the module files it puts in archives, and where it writes the workflow.
//!
//! Each component of a relative path is looked at with `lstat` (`symlink_metadata`): none
//! may be a symbolic link, every one but the last must be a directory. A file is then opened
//! with `O_NOFOLLOW | O_NONBLOCK` (no last-moment symlink, no wait on a FIFO) and its type
//! checked again on the open handle.

use std::path::{Path, PathBuf};

/// Whether `rel` is a relative `/`-separated path that stays inside its directory: no
/// leading `/`, no `\\`, and no empty, `.` or `..` component. (What [`open`] requires before
/// it looks at the file system; archive entries meet it too.)
pub fn safe_relative(rel: &str) -> bool {
    !rel.starts_with('/')
        && !rel.contains('\\')
        && !Path::new(rel).is_absolute()
        && rel
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

/// Walks `rel` inside `root` component by component ([`safe_relative`], then no symbolic
/// link at any level, directories on the way). Returns the full path and the metadata of
/// the last component (never a symbolic link), or `None` when a component does not exist.
/// `place` names `root` in messages (`dist/`, `the module`).
///
/// Errors: a message naming `rel` and what is wrong.
pub fn walk(
    root: &Path,
    rel: &str,
    place: &str,
) -> Result<Option<(PathBuf, std::fs::Metadata)>, String> {
    if rel.starts_with('/') || rel.contains('\\') || Path::new(rel).is_absolute() {
        return Err(format!("`{rel}` is not a path inside {place}"));
    }
    if !safe_relative(rel) {
        return Err(format!("`{rel}` leaves {place} or is malformed"));
    }
    let parts: Vec<&str> = rel.split('/').collect();
    let mut path = root.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{rel}: {e}")),
        };
        let last = i + 1 == parts.len();
        if meta.file_type().is_symlink() {
            return Err(format!(
                "{rel}: {} is a symbolic link; gocross reads and writes only inside {place}",
                if last {
                    "the file"
                } else {
                    "a directory on its path"
                }
            ));
        }
        if last {
            return Ok(Some((path, meta)));
        }
        if !meta.is_dir() {
            return Err(format!("{rel}: not a path inside {place}"));
        }
    }
    unreachable!("a safe relative path has a component")
}

/// Opens the regular file at `rel` inside `root` for reading ([`walk`], then opened without
/// following a last-moment symlink and without blocking on a FIFO, its type checked again
/// on the handle). Returns the handle and the full path.
///
/// Errors: a message naming `rel` and what is wrong (missing, a symbolic link on the way,
/// not a regular file).
pub fn open(root: &Path, rel: &str, place: &str) -> Result<(std::fs::File, PathBuf), String> {
    let Some((path, meta)) = walk(root, rel, place)? else {
        return Err(format!("{rel}: not found in {place}"));
    };
    if !meta.is_file() {
        return Err(format!("{rel}: not a regular file"));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(&path).map_err(|e| format!("{rel}: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("{rel}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{rel}: not a regular file"));
    }
    Ok((file, path))
}

/// The bytes of the regular file at `rel` inside `root` ([`open`]).
///
/// Errors: those of [`open`], and read errors.
pub fn read(root: &Path, rel: &str, place: &str) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let (mut file, _) = open(root, rel, place)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| format!("{rel}: {e}"))?;
    Ok(bytes)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn symbolic_links_are_refused_at_every_level() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("docs/deep")).unwrap();
        std::fs::write(root.join("docs/deep/a.md"), "a").unwrap();
        std::os::unix::fs::symlink(root.join("docs"), root.join("linked")).unwrap();
        std::os::unix::fs::symlink(root.join("docs/deep/a.md"), root.join("a.md")).unwrap();
        assert_eq!(read(root, "docs/deep/a.md", "the module").unwrap(), b"a");
        let err = read(root, "linked/deep/a.md", "the module").unwrap_err();
        assert!(
            err.contains("a directory on its path is a symbolic link"),
            "{err}"
        );
        let err = read(root, "a.md", "the module").unwrap_err();
        assert!(err.contains("the file is a symbolic link"), "{err}");
        assert!(
            walk(root, "docs/missing/x", "the module")
                .unwrap()
                .is_none()
        );
        assert!(walk(root, "../x", "the module").is_err());
        assert!(open(root, "docs", "the module").is_err());
    }
}
