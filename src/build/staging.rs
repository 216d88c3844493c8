//! The staging directory `dist/.gocross/`: where each target's `go build -o` writes, kept
//! between builds so that Go's own up-to-date check skips the link of a target whose inputs
//! did not change, exactly as a `go build -o` to a fixed output does.
//!
//! Go decides that an `-o` output is up to date from the build ID in the file's header: when
//! it matches the link's inputs (sources, dependencies, toolchain, environment, flags,
//! `-ldflags`, tags, the C compiler for cgo), Go leaves the file as it is. So one staging file
//! per target, at a path that never changes ([`Staging::output`]), is all Go needs: a change of
//! the job's settings changes the build ID and Go relinks; no settings are part of the name,
//! so a new `{{commit}}` per commit does not leave one file per commit behind.
//!
//! What Go does not guard against is a half-written output. Go moves its link result to `-o`
//! with a rename when it can, but copies it in place when the staging directory is on another
//! filesystem than Go's work directory (`$TMPDIR` on tmpfs is common) and always on Windows; a
//! build killed during that copy leaves a truncated file whose header still carries the right
//! build ID, and the next `go build` trusts it without relinking. So every staging file has a
//! seal, `<output>.sealed`, holding its size and modification time: it is removed before each
//! `go build` ([`Staging::prepare`]) and written only after one succeeded ([`Staging::seal`]).
//! A staging file without a matching seal is deleted before Go sees it.
//!
//! Nothing else happens in place: the binary that goes into dist/ is a copy of the staging
//! file (UPX packs that copy). The staging files of a dist/ belong to the one build that
//! holds its lock ([`crate::dist::lock`]).

use crate::dist::STAGING_DIR;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// The staging directory of one build (the build holds the dist directory's lock).
#[derive(Debug)]
pub(super) struct Staging {
    dir: PathBuf,
}

impl Staging {
    /// Creates `<dist>/.gocross/` when needed.
    pub fn open(dist: &Path) -> std::io::Result<Staging> {
        let dir = dist.join(STAGING_DIR);
        std::fs::create_dir_all(&dir)?;
        Ok(Staging { dir })
    }

    /// The `-o` of a job whose file in dist/ is named `output`.
    pub fn output(&self, output: &str) -> PathBuf {
        self.dir.join(output)
    }

    fn seal_path(&self, output: &str) -> PathBuf {
        self.dir.join(format!("{output}.sealed"))
    }

    /// Before `go build`: deletes the staging file unless its seal vouches for it, then the
    /// seal itself, so that a build that does not finish leaves nothing sealed.
    pub fn prepare(&self, output: &str) -> std::io::Result<()> {
        let staged = self.output(output);
        let seal = self.seal_path(output);
        let sealed = match (std::fs::read(&seal), seal_text(&staged)) {
            (Ok(found), Ok(Some(expected))) => found == expected.as_bytes(),
            _ => false,
        };
        if !sealed {
            remove_if_present(&staged)?;
        }
        remove_if_present(&seal)
    }

    /// After a successful `go build`: records that the staging file is complete. A seal that
    /// cannot be written costs the next build one link, nothing else, so the caller may
    /// ignore the error.
    pub fn seal(&self, output: &str) -> std::io::Result<()> {
        match seal_text(&self.output(output))? {
            Some(text) => std::fs::write(self.seal_path(output), text),
            None => Ok(()),
        }
    }
}

/// The seal of the file at `path`: its size and modification time in nanoseconds, one line.
/// `None` when there is no such file.
fn seal_text(path: &Path) -> std::io::Result<Option<String>> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mtime = meta
        .modified()?
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    Ok(Some(format!("{} {mtime}\n", meta.len())))
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_sealed_staging_file_survives_prepare() {
        let dist = tempfile::tempdir().unwrap();
        let staging = Staging::open(dist.path()).unwrap();
        let out = staging.output("x_linux_amd64");
        std::fs::write(&out, b"complete").unwrap();
        staging.seal("x_linux_amd64").unwrap();
        staging.prepare("x_linux_amd64").unwrap();
        assert!(
            out.is_file(),
            "a sealed file is kept for Go's up-to-date check"
        );
        assert!(
            !staging.seal_path("x_linux_amd64").exists(),
            "the seal goes while go build runs"
        );

        // What a build killed during Go's copy leaves: a shorter file and no seal.
        std::fs::write(&out, b"comp").unwrap();
        staging.prepare("x_linux_amd64").unwrap();
        assert!(!out.exists(), "an unsealed file is deleted");

        // A file changed after its seal was written.
        std::fs::write(&out, b"complete").unwrap();
        staging.seal("x_linux_amd64").unwrap();
        std::fs::write(&out, b"changed!!").unwrap();
        staging.prepare("x_linux_amd64").unwrap();
        assert!(!out.exists(), "a seal that does not match is not trusted");
    }
}
