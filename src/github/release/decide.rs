//! What each asset of a release needs, decided from its listing alone (no I/O): keep it,
//! upload it, replace it, compare its bytes, or refuse.

use super::local::ExpectedAsset;
use octocrab::models::repos::{Asset, Release};

/// An asset as GitHub lists it, reduced to what the decisions read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteAsset {
    /// The asset's id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// `uploaded`, or `starter` for an upload that never finished.
    pub state: String,
    /// Its size in bytes.
    pub size: u64,
    /// `sha256:<hex>`, when the server reports it.
    pub digest: Option<String>,
}

impl From<Asset> for RemoteAsset {
    fn from(a: Asset) -> RemoteAsset {
        RemoteAsset {
            id: a.id.into_inner(),
            name: a.name,
            state: a.state,
            size: u64::try_from(a.size).unwrap_or(0),
            digest: a.digest,
        }
    }
}

/// Where a release stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Not visible to users: anything may change.
    Draft,
    /// Visible; an immutable release refuses any asset change.
    Published {
        /// The repository makes published releases immutable.
        immutable: bool,
    },
}

impl Stage {
    pub(super) fn of(release: &Release) -> Stage {
        if release.draft {
            Stage::Draft
        } else {
            Stage::Published {
                immutable: release.immutable == Some(true),
            }
        }
    }
}

/// What one expected asset needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Present with the same digest.
    Keep,
    /// Absent.
    Upload,
    /// Broken or different: delete asset `id`, then upload.
    Replace {
        /// The asset to delete first.
        id: u64,
        /// Why it is replaced.
        why: String,
    },
    /// Same name and size, no digest reported: download asset `id` and compare.
    Compare {
        /// The asset to download and compare.
        id: u64,
    },
    /// Different, and not to be changed without the user's word (or at all, when immutable).
    Conflict(String),
}

/// The decision for one expected asset given the remote one of the same name. A broken
/// upload (not `uploaded`) is always replaced; a different asset is replaced on a draft, and
/// on a published release only with `replace`; an immutable published release accepts no
/// change at all.
pub fn decide(
    expected: &ExpectedAsset,
    remote: Option<&RemoteAsset>,
    stage: Stage,
    replace: bool,
) -> Decision {
    let change = |decision: Decision, why: &str| match stage {
        Stage::Published { immutable: true } => Decision::Conflict(format!(
            "{}: {why}, and the published release is immutable: publish a new tag",
            expected.name
        )),
        _ => decision,
    };
    let Some(remote) = remote else {
        return change(Decision::Upload, "missing");
    };
    if remote.state != "uploaded" {
        let why = format!("a broken upload (state `{}`)", remote.state);
        return change(
            Decision::Replace {
                id: remote.id,
                why: why.clone(),
            },
            &why,
        );
    }
    let differs = |why: String| match stage {
        Stage::Draft => Decision::Replace { id: remote.id, why },
        Stage::Published { immutable: false } if replace => {
            Decision::Replace { id: remote.id, why }
        }
        Stage::Published { immutable: false } => Decision::Conflict(format!(
            "{}: the published asset differs ({why}): pass --replace to replace it",
            expected.name
        )),
        Stage::Published { immutable: true } => change(Decision::Keep, &why),
    };
    match same_content(expected, remote) {
        Sameness::Same => Decision::Keep,
        Sameness::Differs(why) => differs(why),
        Sameness::Unknown => Decision::Compare { id: remote.id },
    }
}

/// Whether a complete remote asset holds the expected bytes, as far as its listing tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Sameness {
    Same,
    Differs(String),
    /// Same size, no digest reported.
    Unknown,
}

pub(super) fn same_content(expected: &ExpectedAsset, remote: &RemoteAsset) -> Sameness {
    match remote.digest.as_deref() {
        Some(digest) => {
            let sha = digest.strip_prefix("sha256:").unwrap_or(digest);
            if sha.eq_ignore_ascii_case(&expected.sha256) {
                Sameness::Same
            } else {
                Sameness::Differs(format!("sha256 {sha}, dist/ has {}", expected.sha256))
            }
        }
        None if remote.size != expected.size => Sameness::Differs(format!(
            "{} bytes, dist/ has {}",
            remote.size, expected.size
        )),
        None => Sameness::Unknown,
    }
}
