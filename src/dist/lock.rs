//! One writer at a time per dist directory: an exclusive advisory lock on
//! `dist/.gocross.lock` (the operating system's file lock through `std::fs::File::try_lock`:
//! flock on Unix, LockFileEx on Windows), held by `gocross build` from reading the old
//! manifest to writing the new one and by `gocross test` while it merges `tests.json`, and
//! freed when the process ends however it ends (SIGKILL included). The file holds the pid of
//! the process that holds it, so the one that finds it taken can name it.
//!
//! A process that finds the lock taken either waits for it ([`WhenBusy::Wait`], the default
//! of the commands: polled every [`POLL`], so that SIGINT or SIGTERM still stop the wait) or
//! fails at once ([`WhenBusy::Fail`], `--no-wait`).

use crate::interrupt;
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::Path;
use std::time::Duration;

/// The lock file's name inside dist/.
pub const LOCK_FILE: &str = ".gocross.lock";

/// How often a waiting process tries the lock again.
pub const POLL: Duration = Duration::from_millis(100);

/// What to do when another process holds the lock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WhenBusy {
    /// Wait until it is freed (SIGINT and SIGTERM stop the wait).
    #[default]
    Wait,
    /// Fail at once with [`LockError::Busy`].
    Fail,
}

/// A held lock on a dist directory; dropping it frees the lock.
#[derive(Debug)]
pub struct DistLock {
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it: the pid it wrote, when readable ([`WhenBusy::Fail`]).
    #[error("another gocross build{} is writing {}", pid_words(*.pid), .dist.display())]
    Busy {
        /// dist/, as given.
        dist: std::path::PathBuf,
        /// The holder's pid, when readable.
        pid: Option<u32>,
    },
    /// SIGINT or SIGTERM arrived while waiting ([`WhenBusy::Wait`]).
    #[error("interrupted while waiting for another gocross build to finish writing {}", .0.display())]
    Interrupted(std::path::PathBuf),
    /// The lock file cannot be created or locked.
    #[error("cannot lock {} ({LOCK_FILE}): {cause}", .dist.display())]
    Io {
        /// dist/, as given.
        dist: std::path::PathBuf,
        /// What went wrong.
        cause: std::io::Error,
    },
}

fn pid_words(pid: Option<u32>) -> String {
    pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
}

/// The line shown once when a process starts waiting for the lock of `dist` (as the user
/// named it), held by `pid` when known.
pub fn waiting_message(dist: &Path, pid: Option<u32>) -> String {
    format!(
        "waiting for another gocross build{} writing {} ...",
        pid_words(pid),
        dist.display()
    )
}

impl DistLock {
    /// Takes the lock of the dist directory `dist` (created when missing). When another
    /// process holds it: fails at once ([`WhenBusy::Fail`]), or calls `waiting` once with the
    /// holder's pid and waits until it is freed or SIGINT/SIGTERM arrive ([`WhenBusy::Wait`];
    /// the interrupt handler is installed here). `dist` appears in messages as given.
    ///
    /// Errors: [`LockError::Busy`], [`LockError::Interrupted`], or the lock file cannot be
    /// created or locked ([`LockError::Io`]).
    pub fn take(
        dist: &Path,
        when_busy: WhenBusy,
        waiting: &mut dyn FnMut(Option<u32>),
    ) -> Result<DistLock, LockError> {
        let io = |cause| LockError::Io {
            dist: dist.to_path_buf(),
            cause,
        };
        std::fs::create_dir_all(dist).map_err(io)?;
        let mut file = File::options()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(dist.join(LOCK_FILE))
            .map_err(io)?;
        let mut announced = false;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
            if when_busy == WhenBusy::Fail || !announced {
                let pid = holder(&mut file);
                if when_busy == WhenBusy::Fail {
                    return Err(LockError::Busy {
                        dist: dist.to_path_buf(),
                        pid,
                    });
                }
                interrupt::install();
                waiting(pid);
                announced = true;
            }
            if interrupt::interrupted() {
                return Err(LockError::Interrupted(dist.to_path_buf()));
            }
            std::thread::sleep(POLL);
        }
        // The pid is for messages only: a failure to write it does not matter.
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| writeln!(file, "{}", std::process::id()));
        Ok(DistLock { _file: file })
    }
}

/// The pid the holder of the lock wrote in the file, when readable.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_writer_at_a_time_holds_a_dist_directory() {
        let dist = tempfile::tempdir().unwrap();
        let mut never = |_| panic!("a free lock is taken without waiting");
        let first = DistLock::take(dist.path(), WhenBusy::Fail, &mut never).unwrap();
        match DistLock::take(dist.path(), WhenBusy::Fail, &mut never) {
            Err(LockError::Busy { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("{other:?}"),
        }
        // A waiter takes it once the holder frees it.
        let (tx, rx) = std::sync::mpsc::channel();
        let path = dist.path().to_path_buf();
        let waiter = std::thread::spawn(move || {
            let mut announce = |pid| tx.send(pid).unwrap();
            DistLock::take(&path, WhenBusy::Wait, &mut announce).map(drop)
        });
        assert_eq!(rx.recv().unwrap(), Some(std::process::id()));
        drop(first);
        waiter.join().unwrap().unwrap();
        assert!(rx.try_recv().is_err(), "the wait is announced once");
    }
}
