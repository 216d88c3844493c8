//! One file of a repository written through GitHub's contents API
//! (<https://docs.github.com/en/rest/repos/contents>): `GET
//! /repos/{owner}/{repo}/contents/{path}` answers the file's blob `sha` and its content in
//! base64 (404 when there is none); `PUT` to the same URL with `message` and `content`
//! (base64) creates it, and with the current `sha` too replaces it; a `sha` that is no
//! longer current answers 409.
//!
//! [`put_file`] reads first and sends nothing when the repository holds the same bytes, so a
//! release run again converges without a new commit.

use super::ChannelError;
use crate::github::client::{Client, Request};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// What [`put_file`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The file was not there.
    Created,
    /// The file held other bytes.
    Updated,
    /// The file held these bytes already: no request changed anything.
    Unchanged,
}

impl Outcome {
    /// `created`, `updated`, `unchanged`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Unchanged => "unchanged",
        }
    }
}

#[derive(Deserialize)]
struct File {
    sha: String,
    #[serde(default)]
    content: String,
}

/// The file at `path` of the client's repository: its blob `sha` and bytes, `None` when
/// there is none.
async fn get_file(client: &Client, url: &str) -> Result<Option<(String, Vec<u8>)>, ChannelError> {
    let req = Request::get(url.to_string());
    let resp = client.send(&req).await?;
    match resp.status.as_u16() {
        404 => Ok(None),
        200 => {
            let file: File = client.decode(&req, &resp)?;
            // GitHub wraps the base64 text in lines.
            let text: String = file.content.split_whitespace().collect();
            let bytes = STANDARD.decode(text).map_err(|e| {
                ChannelError::Api(crate::github::client::ClientError::Decode {
                    method: req.method.clone(),
                    url: req.url.clone(),
                    message: format!("content is not base64: {e}"),
                })
            })?;
            Ok(Some((file.sha, bytes)))
        }
        _ => Err(client.status_error(&req, &resp).into()),
    }
}

/// Writes `content` to `path` of the client's repository with the commit `message`: created
/// when absent, replaced (with the current `sha`) when different, left alone when equal.
///
/// Errors: a request that fails ([`crate::github::client::ClientError`], with the hint for
/// a token that cannot write), [`ChannelError::Stale`] when the file changed between the read
/// and the write and does not hold `content` now.
pub async fn put_file(
    client: &Client,
    path: &str,
    content: &[u8],
    message: &str,
) -> Result<Outcome, ChannelError> {
    let url = client.repo_url(&format!("/contents/{path}"));
    let current = get_file(client, &url).await?;
    let outcome = match &current {
        Some((_, bytes)) if bytes == content => return Ok(Outcome::Unchanged),
        Some(_) => Outcome::Updated,
        None => Outcome::Created,
    };
    let mut body = serde_json::json!({
        "message": message,
        "content": STANDARD.encode(content),
    });
    if let Some((sha, _)) = &current {
        body["sha"] = sha.clone().into();
    }
    let req = Request::put(url.clone(), body);
    let resp = client.send(&req).await?;
    match resp.status.as_u16() {
        200 | 201 => Ok(outcome),
        // A stale sha: another writer, or this write landing before a lost answer and its
        // replay. Done when the file now holds `content`.
        409 | 422 => match get_file(client, &url).await? {
            Some((_, bytes)) if bytes == content => Ok(outcome),
            _ => Err(ChannelError::Stale {
                repository: client.repo().to_string(),
                path: path.to_string(),
            }),
        },
        _ => Err(client.status_error(&req, &resp).into()),
    }
}
