//! What `gocross release` and `gocross report` share at the edge: the tokio runtime, and the
//! GitHub client from the environment with progress on stderr.

use anyhow::{Context, Result};
use gocross::github::client::{Client, Settings};
use std::sync::Arc;

/// A single-threaded runtime: the requests of one command go one after another.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// The client for `--repo` (or GITHUB_REPOSITORY), after masking the token in the Actions log.
/// Call inside the runtime.
pub fn client(repo: Option<&str>) -> Result<Client> {
    let settings = Settings::from_env(repo)?;
    settings.token.mask_in_actions()?;
    Ok(Client::new(
        settings,
        Arc::new(|line: &str| super::output::eprint_line(line)),
    )?)
}
