//! The actions the generated workflow uses, each pinned to a full commit SHA with its release
//! tag as a comment, and the PyPI release of zig that cgo legs install.
//!
//! One table, so that a version bump is one line here and every workflow `gocross ci
//! generate` writes afterwards picks it up (and `gocross ci check` flags the older ones).
//! Source: the commits behind each tag, as verified against public workflows (FACTS.md,
//! "Pinned action versions"); actions/cache v4.2.4 from the same kind of check.

use serde::Serialize;

/// An action reference pinned to a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pin {
    /// `owner/repo`.
    pub action: &'static str,
    /// The full 40-hex commit SHA the tag pointed at.
    pub sha: &'static str,
    /// The release tag, written as a comment after the reference (`# v5.0.0`).
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
    sha: "08c6903cd8c0fde910a37f88322edcfb5dd907a8",
    version: "v5.0.0",
};

/// actions/setup-go.
pub const SETUP_GO: Pin = Pin {
    action: "actions/setup-go",
    sha: "d35c59abb061a4a6fb18e82ac0862c26744d6ab5",
    version: "v5.5.0",
};

/// actions/cache: the Go build and module caches, keyed per target.
pub const CACHE: Pin = Pin {
    action: "actions/cache",
    sha: "0400d5f644dc74513175e3cd8d07132dd4860809",
    version: "v4.2.4",
};

/// actions/upload-artifact.
pub const UPLOAD_ARTIFACT: Pin = Pin {
    action: "actions/upload-artifact",
    sha: "ea165f8d65b6e75b540449e92b4886f43607fa02",
    version: "v4.6.2",
};

/// actions/download-artifact.
pub const DOWNLOAD_ARTIFACT: Pin = Pin {
    action: "actions/download-artifact",
    sha: "d3f86a106a0bac45b974a628896c90dbdf5c8093",
    version: "v4.3.0",
};

/// actions/attest-build-provenance.
pub const ATTEST_BUILD_PROVENANCE: Pin = Pin {
    action: "actions/attest-build-provenance",
    sha: "e8998f949152b193b063cb0ec769d69d929409be",
    version: "v2.4.0",
};

/// Every pinned action, for listings and tests.
pub const ALL: &[Pin] = &[
    CHECKOUT,
    SETUP_GO,
    CACHE,
    UPLOAD_ARTIFACT,
    DOWNLOAD_ARTIFACT,
    ATTEST_BUILD_PROVENANCE,
];

/// The PyPI `ziglang` release cgo legs install (`pip install ziglang==<this>`), so that a
/// leg's C toolchain does not change under the project between two runs.
pub const ZIGLANG: &str = "0.17.0";

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
