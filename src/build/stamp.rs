//! Version stamping: the build's values of `{{version}}`, `{{tag}}`, `{{commit}}`,
//! `{{short_commit}}` and `{{date}}` (filled by [`crate::template`]).
//!
//! Every value comes from the source, never from the clock, so that two builds of the same
//! commit are byte-identical:
//! - `version`: `--version`, else `git describe --tags` of the module's work tree, else
//!   [`DEV_VERSION`]; a leading `v` before a digit is dropped (`v1.2.3` → `1.2.3`), as
//!   release asset names write versions. A module directory with uncommitted changes to
//!   tracked files (`git status --porcelain --untracked-files=no -- .`, the changes
//!   `git describe --dirty` counts) is a snapshot: its version ends in [`DIRTY_SUFFIX`]
//!   (`1.2.3-dirty`), so its binaries never pass for the tagged release.
//! - `tag`: `--version` as written, else the nearest tag (`git describe --tags --abbrev=0`),
//!   else the version.
//! - `commit`: `git rev-parse HEAD`, else [`NO_COMMIT`]; `short_commit` is its first 7 digits.
//! - `date`: `SOURCE_DATE_EPOCH` when set (the reproducible-builds convention), else the
//!   commit's committer date, else [`NO_DATE`]; always RFC 3339 in UTC
//!   (`2026-03-01T12:00:00Z`).

use crate::targets::Target;
use crate::template::{TemplateError, Values};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

/// The version outside a git work tree, or in one without tags.
pub const DEV_VERSION: &str = "0.0.0-dev";
/// `{{commit}}` outside a git work tree.
pub const NO_COMMIT: &str = "none";
/// `{{date}}` without git and without `SOURCE_DATE_EPOCH`: the Unix epoch.
pub const NO_DATE: &str = "1970-01-01T00:00:00Z";
/// What ends the version of a build of a work tree with uncommitted changes, as
/// `git describe --dirty` marks it.
pub const DIRTY_SUFFIX: &str = "-dirty";

/// The values stamped into a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// e.g. `1.2.3` or `1.2.3-4-gdeadbee`.
    pub version: String,
    /// The tag the version comes from, e.g. `v1.2.3`.
    pub tag: String,
    /// Full commit hash, or [`NO_COMMIT`].
    pub commit: String,
    /// RFC 3339 UTC date, e.g. `2026-03-01T12:00:00Z`.
    pub date: String,
    /// The module directory had uncommitted changes to tracked files: the version ends in
    /// `DIRTY_SUFFIX` (`-dirty`), and `gocross release` refuses the build.
    pub dirty: bool,
}

/// Errors in a version or an `-ldflags` template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StampError {
    /// A template that cannot be filled (`{{env.NAME}}` of an unset variable).
    #[error("{0}")]
    Template(#[from] TemplateError),
    /// The version cannot be stamped (the reason).
    #[error(
        "version `{0}` cannot be stamped: it must be non-empty and hold no whitespace or quotes (it goes into -ldflags)"
    )]
    BadVersion(String),
    /// `SOURCE_DATE_EPOCH` is not a number of seconds (its value).
    #[error("SOURCE_DATE_EPOCH=`{0}` is not a number of seconds since 1970")]
    BadEpoch(String),
}

impl Stamp {
    /// The stamp for the module in `dir`: `version` (from `--version`) wins over git; see the
    /// module docs for each value's source. Git failures (no git, not a work tree, no tags)
    /// fall back to the documented defaults.
    pub fn detect(dir: &Path, version: Option<&str>) -> Result<Stamp, StampError> {
        // Two short git runs, side by side.
        let (head, described, nearest, changes) = std::thread::scope(|s| {
            let described = s.spawn(|| git(dir, &["describe", "--tags"]));
            let nearest = s.spawn(|| git(dir, &["describe", "--tags", "--abbrev=0"]));
            let changes = s.spawn(|| {
                git(
                    dir,
                    &["status", "--porcelain", "--untracked-files=no", "--", "."],
                )
            });
            let head = git(dir, &["log", "-1", "--format=%H %ct"]);
            (
                head,
                described.join().ok().flatten(),
                nearest.join().ok().flatten(),
                changes.join().ok().flatten(),
            )
        });
        let (commit, commit_time) = match head.as_deref().and_then(|h| h.split_once(' ')) {
            Some((hash, time)) => (hash.to_string(), time.parse::<u64>().ok()),
            None => (NO_COMMIT.to_string(), None),
        };
        let (version, tag) = match version {
            Some(v) => (v.to_string(), None),
            None => (
                described.unwrap_or_else(|| DEV_VERSION.to_string()),
                nearest,
            ),
        };
        let epoch = match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(s) if !s.trim().is_empty() => Some(
                s.trim()
                    .parse::<u64>()
                    .map_err(|_| StampError::BadEpoch(s.clone()))?,
            ),
            _ => commit_time,
        };
        let dirty = changes.is_some();
        let version = if dirty && !version.ends_with(DIRTY_SUFFIX) {
            format!("{version}{DIRTY_SUFFIX}")
        } else {
            version
        };
        let mut stamp = Stamp::new(&version, commit, epoch)?;
        stamp.dirty = dirty;
        if let Some(tag) = tag.filter(|t| !t.contains(bad)) {
            stamp.tag = tag;
        }
        Ok(stamp)
    }

    /// A stamp from known values; `epoch` in seconds since 1970 (`None`: [`NO_DATE`]). The
    /// tag is `version` as written.
    pub fn new(version: &str, commit: String, epoch: Option<u64>) -> Result<Stamp, StampError> {
        if version.is_empty() || version.contains(bad) {
            return Err(StampError::BadVersion(version.to_string()));
        }
        let tag = version;
        let version = match version.strip_prefix('v') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
            _ => version,
        };
        let date = match epoch {
            Some(secs) => humantime::format_rfc3339_seconds(
                SystemTime::UNIX_EPOCH + Duration::from_secs(secs),
            )
            .to_string(),
            None => NO_DATE.to_string(),
        };
        Ok(Stamp {
            tag: tag.to_string(),
            version: version.to_string(),
            commit,
            date,
            dirty: false,
        })
    }

    /// The values of a template for `project`, and for a binary and a target where the
    /// setting has them.
    pub fn values<'a>(
        &'a self,
        project: &'a str,
        binary: Option<&'a str>,
        target: Option<&'a Target>,
    ) -> Values<'a> {
        Values {
            version: &self.version,
            tag: &self.tag,
            commit: &self.commit,
            date: &self.date,
            project,
            binary,
            target,
        }
    }
}

/// Characters a version may not hold: it goes into `-ldflags` and file names.
fn bad(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\'' | '"' | '`' | '\\')
}

/// Runs `git -C dir <args>`; the trimmed stdout when it succeeds with output.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp() -> Stamp {
        Stamp::new("v1.2.3", "abc123".into(), Some(1_700_000_000)).unwrap()
    }

    #[test]
    fn the_tag_is_the_version_as_written() {
        let s = stamp();
        assert_eq!((s.version.as_str(), s.tag.as_str()), ("1.2.3", "v1.2.3"));
        let v = s.values("age", None, None);
        assert_eq!((v.version, v.tag, v.commit), ("1.2.3", "v1.2.3", "abc123"));
    }

    #[test]
    fn versions_are_normalised_and_checked() {
        assert_eq!(
            Stamp::new("v2.0.0-rc1", "x".into(), None).unwrap().version,
            "2.0.0-rc1"
        );
        assert_eq!(
            Stamp::new("vnext", "x".into(), None).unwrap().version,
            "vnext"
        );
        assert_eq!(Stamp::new("1.0", "x".into(), None).unwrap().date, NO_DATE);
        assert!(Stamp::new("1.0 beta", "x".into(), None).is_err());
        assert!(Stamp::new("", "x".into(), None).is_err());
    }

    #[test]
    fn outside_git_the_defaults_apply() {
        let dir = tempfile::tempdir().unwrap();
        let s = Stamp::detect(dir.path(), None).unwrap();
        assert_eq!(s.version, DEV_VERSION);
        assert_eq!(s.commit, NO_COMMIT);
        if std::env::var_os("SOURCE_DATE_EPOCH").is_none() {
            assert_eq!(s.date, NO_DATE);
        }
    }
}
