//! `gocross release`: one GitHub release per tag that holds exactly the files of a dist
//! directory, checked before it is published, and safe to run again after a failure at any
//! point.
//!
//! The steps, in order:
//! 1. [`expected_assets`] (no network): dist/ against its manifest — the audit and verify
//!    gates, each file's size and SHA-256, `checksums.txt` and its signature bundle, SBOMs,
//!    safe and unique names.
//! 2. [`publish`]: the token's write access; the release of the tag, drafts included (the
//!    tag endpoint does not return drafts, so the list is searched); what each asset needs
//!    ([`decide()`](decide)), with every conflict reported before anything changes; a draft when there
//!    is no release; deletions of broken or stale assets and uploads of missing ones; a
//!    second listing that checks every asset's state, size and digest; then one `PATCH` that
//!    publishes.
//!
//! Facts (GitHub's releases REST API,
//! <https://docs.github.com/en/rest/releases/assets>): assets carry `digest: "sha256:<hex>"`
//! (older servers omit it: then the size is compared and, when equal, the asset downloaded and
//! hashed); uploading a name that exists answers 422 `already_exists`; an upload cut off by a
//! 5xx can leave an asset in state `starter`; an immutable release refuses asset changes once
//! published.
//!
//! The module is cut at its seams: `local` (what dist/ must hold, no network), `notes`
//! (the release body), [`decide()`](decide) (what each asset needs, pure) and `sync` (the requests).

mod decide;
mod local;
mod notes;
mod sync;

pub use decide::{Decision, RemoteAsset, Stage, decide};
pub use local::{
    ExpectedAsset, Gate, check_tag, content_type, expected_assets, signature_bundle, tag_from,
    version_agrees,
};
pub use notes::release_notes;
pub use sync::{AssetAction, AssetReport, ReleaseOptions, ReleaseReport, publish};

use super::client::ClientError;
use std::path::PathBuf;

/// Everything that can stop a release.
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    /// dist/ cannot be released as it is; each line says what and how to fix it.
    #[error("{} is not ready for a release:\n{}", dist.display(), bullets(problems))]
    NotReady {
        /// dist/.
        dist: PathBuf,
        /// Each problem, with its fix.
        problems: Vec<String>,
    },
    /// The tag is not a tag name (as given).
    #[error("`{0}` is not a tag name: use something like v1.2.3 (no spaces or control characters)")]
    BadTag(String),
    /// The token cannot write to the repository.
    #[error("the token cannot write to {repo}: {why}")]
    NoWriteAccess {
        /// The repository.
        repo: String,
        /// GitHub's answer.
        why: String,
    },
    /// Several releases exist for the tag.
    #[error(
        "{} releases exist for tag {tag} (ids {}): delete the extra drafts on GitHub, then run this again",
        ids.len(),
        ids.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
    )]
    Ambiguous {
        /// The tag.
        tag: String,
        /// Their ids.
        ids: Vec<u64>,
    },
    /// The release exists and differs from dist/ in ways gocross will not change on its own.
    /// Reported before any change.
    #[error(
        "release {tag} cannot be brought in line with dist/; nothing was changed:\n{}",
        bullets(conflicts)
    )]
    Conflicts {
        /// The tag.
        tag: String,
        /// Each difference.
        conflicts: Vec<String>,
    },
    /// An asset was not stored intact after every upload round.
    #[error(
        "{name}: not stored intact after {} uploads (last: {last})",
        sync::UPLOAD_ROUNDS
    )]
    Unsettled {
        /// The asset.
        name: String,
        /// What the last round found.
        last: String,
    },
    /// After the uploads, the release does not hold what dist/ holds.
    #[error(
        "release {tag} does not hold what dist/ holds after the uploads:\n{}",
        bullets(problems)
    )]
    Mismatch {
        /// The tag.
        tag: String,
        /// Each difference.
        problems: Vec<String>,
    },
    /// A file of dist/ cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A GitHub API request failed.
    #[error(transparent)]
    Api(#[from] ClientError),
    /// A failure after the release exists: what happened, and how to resume.
    #[error(
        "{error}\nrelease {tag} is unfinished{}: run the same command again to resume; assets already uploaded are checked and kept",
        if *draft { " and still a draft" } else { "" }
    )]
    Interrupted {
        /// The tag.
        tag: String,
        /// The release is still a draft.
        draft: bool,
        /// What failed.
        error: Box<ReleaseError>,
    },
}

fn bullets(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| format!("  - {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests;
