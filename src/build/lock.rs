//! One build at a time per dist directory: an exclusive advisory lock on `dist/.gocross.lock`
//! (the operating system's file lock through `std::fs::File::try_lock`: flock on Unix,
//! LockFileEx on Windows), held from reading the old manifest to writing the new one, and
//! freed when the process ends however it ends. The file holds the pid of the build that
//! holds it, so the build that finds it taken can name it.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::Path;

/// The lock file's name inside dist/.
pub const LOCK_FILE: &str = ".gocross.lock";

/// A held lock on a dist directory; dropping it frees the lock.
#[derive(Debug)]
pub(super) struct DistLock {
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub(super) enum LockError {
    /// Another process holds it: the pid it wrote, when readable.
    Busy(Option<u32>),
    Io(std::io::Error),
}

impl DistLock {
    /// Takes the lock of the dist directory `dist` (absolute, existing) without waiting.
    pub fn try_take(dist: &Path) -> Result<DistLock, LockError> {
        let mut file = File::options()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(dist.join(LOCK_FILE))
            .map_err(LockError::Io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let pid = file
                    .read_to_string(&mut text)
                    .ok()
                    .and_then(|_| text.trim().parse().ok());
                return Err(LockError::Busy(pid));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(LockError::Io(e)),
        }
        // The pid is for messages only: a failure to write it does not matter.
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| writeln!(file, "{}", std::process::id()));
        Ok(DistLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_build_at_a_time_holds_a_dist_directory() {
        let dist = tempfile::tempdir().unwrap();
        let first = DistLock::try_take(dist.path()).unwrap();
        match DistLock::try_take(dist.path()) {
            Err(LockError::Busy(pid)) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("{other:?}"),
        }
        drop(first);
        DistLock::try_take(dist.path()).unwrap();
    }
}
