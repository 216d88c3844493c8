//! Paths that stay inside a directory, walked without following a symbolic link at any
//! level: how gocross reads what a build leg uploaded (dist/, for the release, the report
//! and the image), the module files it puts in archives, and where it writes the workflow.
//!
//! Each component of a relative path is looked at with `lstat` (`symlink_metadata`): none
//! may be a symbolic link, every one but the last must be a directory. A file is then opened
//! component by component with `openat(2)` and `O_NOFOLLOW` (no symbolic link swapped in
//! meanwhile is followed; `O_NONBLOCK`: no wait on a FIFO) and its type checked again on the
//! open handle.

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

/// Opens the regular file at `rel` inside `root` for reading: [`walk`] for what is wrong,
/// then, on Unix, one `openat` per component from a handle on `root`, each with
/// `O_NOFOLLOW` (directories with `O_DIRECTORY`, the file with `O_NONBLOCK`), so that a
/// symbolic link swapped in after the walk fails the open rather than being followed; the
/// file's type is checked again on the handle. Returns the handle and the full path.
///
/// Errors: a message naming `rel` and what is wrong (missing, a symbolic link on the way,
/// not a regular file, changed while it was opened).
pub fn open(root: &Path, rel: &str, place: &str) -> Result<(std::fs::File, PathBuf), String> {
    let Some((path, meta)) = walk(root, rel, place)? else {
        return Err(format!("{rel}: not found in {place}"));
    };
    if !meta.is_file() {
        return Err(format!("{rel}: not a regular file"));
    }
    let file = open_beneath(root, rel).map_err(|e| {
        format!("{rel}: {e}; it changed while gocross opened it (a symbolic link on its path?)")
    })?;
    let meta = file.metadata().map_err(|e| format!("{rel}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{rel}: not a regular file"));
    }
    Ok((file, path))
}

/// Opens `rel` (a [`safe_relative`] path) under `root`, following no symbolic link below
/// `root`: `openat(2)` component by component with `O_NOFOLLOW`.
#[cfg(unix)]
fn open_beneath(root: &Path, rel: &str) -> std::io::Result<std::fs::File> {
    use std::os::fd::{AsRawFd, FromRawFd};
    let mut handle = std::fs::File::open(root)?;
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let name = std::ffi::CString::new(*part)?;
        let kind = if i + 1 == parts.len() {
            libc::O_NONBLOCK
        } else {
            libc::O_DIRECTORY
        };
        let flags = libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NOFOLLOW | kind;
        // SAFETY: openat(2) reads the NUL-terminated name and the open directory handle,
        // both alive for the call; a non-negative result is a new descriptor owned by the
        // File made from it, and nothing else.
        let fd = unsafe { libc::openat(handle.as_raw_fd(), name.as_ptr(), flags) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `fd` was just returned by openat and is owned by nothing else.
        handle = unsafe { std::fs::File::from_raw_fd(fd) };
    }
    Ok(handle)
}

/// Opens `rel` under `root` where there is no `openat` walk: the path, once [`walk`] found
/// no symbolic link on it.
#[cfg(not(unix))]
fn open_beneath(root: &Path, rel: &str) -> std::io::Result<std::fs::File> {
    std::fs::File::open(root.join(rel))
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
    fn relative_paths_stay_below_their_root() {
        assert!(safe_relative("a/b") && !safe_relative("../a") && !safe_relative("/a"));
        assert!(!safe_relative("a//b") && !safe_relative("a\\b") && !safe_relative("./a"));
    }

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
        // What open does after the walk follows no link either (a link swapped in between).
        assert!(open_beneath(root, "docs/deep/a.md").is_ok());
        assert!(open_beneath(root, "linked/deep/a.md").is_err());
        assert!(open_beneath(root, "a.md").is_err());
    }
}
