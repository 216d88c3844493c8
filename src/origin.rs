//! Where this gocross binary comes from: the release (`version` of Cargo.toml), the
//! repository (`repository` of Cargo.toml, which also holds the composite action at its root)
//! and the commit it was built from (embedded by `build.rs` for a clean checkout).
//!
//! `gocross ci init` pins the gocross action to that commit, so the workflow runs the action
//! at the very commit the running gocross came from; a binary without a commit (a tree with
//! uncommitted changes, a build outside git) makes `ci.action` mandatory instead.

/// The gocross release, e.g. `0.1.0`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The repository URL, e.g. `https://github.com/gocross/gocross`.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The 40-hex commit this binary was built from, when `build.rs` could name it.
pub fn commit() -> Option<&'static str> {
    Some(env!("GOCROSS_SOURCE")).filter(|c| !c.is_empty())
}

/// `OWNER/REPO` of [`REPOSITORY`] on GitHub, where the action lives.
pub fn action_repository() -> &'static str {
    REPOSITORY
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .strip_prefix("https://github.com/")
        .unwrap_or(REPOSITORY)
}

/// The gocross action pinned to the commit of this binary: `OWNER/REPO@<40-hex commit>`.
///
/// Errors: this binary does not know its commit; the message says to set `ci.action`.
pub fn pinned_action() -> Result<String, String> {
    match commit() {
        Some(commit) => Ok(format!("{}@{commit}", action_repository())),
        None => Err(format!(
            "this gocross {VERSION} was built from a tree with uncommitted changes or outside git, so it cannot name the commit of its action: set `ci.action: {}@<40-hex commit>` in gocross.yaml (a commit of {REPOSITORY})",
            action_repository()
        )),
    }
}

/// The long `--version` text: the release, and the repository and commit it was built from.
pub fn long_version() -> String {
    format!(
        "{VERSION}\nsource: {REPOSITORY} @ {}",
        commit().unwrap_or("unknown commit (uncommitted changes, or built outside git)")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_action_lives_in_the_repository() {
        assert_eq!(action_repository(), "gocross/gocross");
        if let Some(c) = commit() {
            assert_eq!(c.len(), 40);
            assert_eq!(pinned_action().unwrap(), format!("gocross/gocross@{c}"));
        } else {
            assert!(pinned_action().unwrap_err().contains("ci.action"));
        }
    }
}
