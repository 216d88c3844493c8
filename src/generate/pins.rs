//! The actions the generated workflow uses, each pinned to a full commit SHA with its release
//! tag as a comment: the one table to update when an action releases (every workflow `gocross
//! ci generate` writes afterwards picks it up, and `gocross ci check` flags the older ones).
//! This repository's action.yml and its own workflows use the same pins; a test keeps them
//! in step with this table.
//!
//! Source: the action repositories' release tags, read 2026-11 (e.g.
//! <https://github.com/actions/checkout/releases/tag/v7.0.1>).
//! All run on node24; the node20 releases before them are deprecated on GitHub's runners.
//! Layout note for actions/download-artifact from v5 on: a name or a pattern that matches
//! exactly one artifact is extracted straight into `path/`, several into `path/<name>/`;
//! `gocross release` and `gocross report` read both layouts.

use serde::Serialize;

/// An action reference pinned to a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pin {
    /// `owner/repo`.
    pub action: &'static str,
    /// The full 40-hex commit SHA the tag pointed at.
    pub sha: &'static str,
    /// The release tag, written as a comment after the reference (`# v7.0.1`).
    pub version: &'static str,
}

impl Pin {
    /// `owner/repo@sha`, the value of `uses:`.
    pub fn uses(&self) -> String {
        format!("{}@{}", self.action, self.sha)
    }
}

/// actions/checkout.
pub const CHECKOUT: Pin = Pin {
    action: "actions/checkout",
    sha: "3d3c42e5aac5ba805825da76410c181273ba90b1",
    version: "v7.0.1",
};

/// actions/setup-go.
pub const SETUP_GO: Pin = Pin {
    action: "actions/setup-go",
    sha: "b7ad1dad31e06c5925ef5d2fc7ad053ef454303e",
    version: "v7.0.0",
};

/// actions/upload-artifact.
pub const UPLOAD_ARTIFACT: Pin = Pin {
    action: "actions/upload-artifact",
    sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
    version: "v7.0.0",
};

/// actions/download-artifact.
pub const DOWNLOAD_ARTIFACT: Pin = Pin {
    action: "actions/download-artifact",
    sha: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c",
    version: "v8.0.1",
};

/// actions/attest-build-provenance (a composite action over actions/attest).
pub const ATTEST_BUILD_PROVENANCE: Pin = Pin {
    action: "actions/attest-build-provenance",
    sha: "a2bbfa25375fe432b6a289bc6b6cd05ecd0c4c32",
    version: "v4.1.0",
};

/// actions/attest: the image's build provenance, pushed to its registry.
pub const ATTEST: Pin = Pin {
    action: "actions/attest",
    sha: "1e69f48acb82d1966a394da916b4c1698aa569d6",
    version: "v4.2.2",
};

/// sigstore/cosign-installer: cosign for keyless image signing; the release it installs is
/// fixed by the action's commit, which checks it against a digest it carries. Source: the
/// commit behind v4.0.0 as public workflows pin it (2026-11,
/// <https://github.com/sigstore/cosign-installer/releases/tag/v4.0.0>).
pub const COSIGN_INSTALLER: Pin = Pin {
    action: "sigstore/cosign-installer",
    sha: "faadad0cce49287aee09b3a48701e75088a2c6ad",
    version: "v4.0.0",
};

/// actions/cache: the Go build and module caches of pull-request and branch runs.
pub const CACHE: Pin = Pin {
    action: "actions/cache",
    sha: "27d5ce7f107fe9357f9df03efb73ab90386fccae",
    version: "v5.0.5",
};

/// Every pinned action, for listings and tests.
pub const ALL: &[Pin] = &[
    CHECKOUT,
    SETUP_GO,
    UPLOAD_ARTIFACT,
    DOWNLOAD_ARTIFACT,
    ATTEST_BUILD_PROVENANCE,
    ATTEST,
    COSIGN_INSTALLER,
    CACHE,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_full_lowercase_shas() {
        for pin in ALL {
            assert!(crate::config::is_pinned(&pin.uses()), "{pin:?}");
            assert!(pin.version.starts_with('v'), "{pin:?}");
        }
    }
}
