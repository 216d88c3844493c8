//! The requests that bring a release in line with dist/: the token's write access, the
//! release of the tag (drafts included), a draft when there is none, deletions and uploads,
//! the second listing that checks every asset, and the one `PATCH` that publishes.

use super::ReleaseError;
use super::decide::{Decision, RemoteAsset, Sameness, Stage, decide, same_content};
use super::local::{ExpectedAsset, check_tag};
use crate::digest::sha256_hex;
use crate::github::client::{Client, ClientError, Replay, Request};
use crate::table::{Align, Cell, Output, Table};
use bytes::Bytes;
use indicatif::HumanBytes;
use octocrab::models::repos::{Asset, Release};
use serde::Serialize;
use std::path::Path;

/// Rounds of delete-and-upload one asset gets before the run gives up on it.
pub(super) const UPLOAD_ROUNDS: u32 = 3;

/// Characters escaped in a URL path segment: all but RFC 3986's unreserved ones.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Page size of list requests (GitHub's maximum).
const PER_PAGE: usize = 100;

/// How one asset ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetAction {
    /// Already there with the same content.
    Kept,
    /// Uploaded by this run.
    Uploaded,
    /// A broken or different asset was deleted and this one uploaded.
    Replaced,
    /// An asset that is not in dist/ was deleted.
    Deleted,
}

impl AssetAction {
    /// `kept`, `uploaded`, `replaced` or `deleted`.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetAction::Kept => "kept",
            AssetAction::Uploaded => "uploaded",
            AssetAction::Replaced => "replaced",
            AssetAction::Deleted => "deleted",
        }
    }
}

/// One line of the result.
#[derive(Debug, Clone, Serialize)]
pub struct AssetReport {
    /// The asset's name.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
    /// What this run did with it.
    pub action: AssetAction,
}

/// What [`publish`] did.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseReport {
    /// The tag.
    pub tag: String,
    /// The release's id.
    pub id: u64,
    /// The release page.
    pub url: String,
    /// A draft was created by this run.
    pub created: bool,
    /// The release is published (now or before).
    pub published: bool,
    /// This run published it.
    pub published_now: bool,
    /// The notes were written or changed by this run.
    pub notes_updated: bool,
    /// Every asset, sorted by name.
    pub assets: Vec<AssetReport>,
}

impl ReleaseReport {
    /// Whether the run changed anything on GitHub.
    pub fn changed(&self) -> bool {
        self.created
            || self.published_now
            || self.notes_updated
            || self.assets.iter().any(|a| a.action != AssetAction::Kept)
    }

    /// The assets, one row each. Terminal: ASSET, SIZE, SHA-256, ACTION. Markdown (the step
    /// summary): Asset, Size, Action.
    pub fn assets_table(&self, output: Output) -> Table {
        let mut table = match output {
            Output::Terminal => Table::new(["ASSET", "SIZE", "SHA-256", "ACTION"]),
            Output::Markdown => Table::new(["Asset", "Size", "Action"]).align(1, Align::Right),
        };
        for a in &self.assets {
            let (name, size, action) = (
                Cell::code(&a.name),
                Cell::text(HumanBytes(a.size).to_string()),
                Cell::text(a.action.as_str()),
            );
            table.push(match output {
                Output::Terminal => vec![name, size, Cell::code(&a.sha256), action],
                Output::Markdown => vec![name, size, action],
            });
        }
        table
    }
}

/// What to release.
#[derive(Debug, Clone)]
pub struct ReleaseOptions {
    /// The tag to release.
    pub tag: String,
    /// Stop before publishing (a published release stays published).
    pub draft: bool,
    /// Allow replacing and deleting assets of a published release.
    pub replace: bool,
    /// The release body ([`release_notes`](super::release_notes)).
    pub notes: String,
    /// Ask GitHub for notes of the changes since the previous release (`POST
    /// /releases/generate-notes`, what the API's `generate_release_notes` writes), put
    /// before `notes` (`release.generate_notes`).
    pub generate_notes: bool,
    /// The commit a new tag is created at (e.g. `GITHUB_SHA`); GitHub's default branch when
    /// `None`. Ignored when the tag exists.
    pub target_commitish: Option<String>,
}

/// Brings the release of `opts.tag` in line with `expected` and publishes it (see the module
/// doc for the steps). Safe to run again after a failure at any point: the end state is one
/// release with exactly the expected assets, published once. A failure once the release
/// exists is wrapped in [`ReleaseError::Interrupted`], which says how to resume.
pub async fn publish(
    client: &Client,
    expected: &[ExpectedAsset],
    opts: &ReleaseOptions,
) -> Result<ReleaseReport, ReleaseError> {
    check_tag(&opts.tag)?;
    check_write_access(client).await?;
    let generated;
    let opts = if opts.generate_notes {
        generated = ReleaseOptions {
            notes: format!(
                "{}\n\n{}",
                generate_notes(client, opts).await?.trim_end(),
                opts.notes
            ),
            ..opts.clone()
        };
        &generated
    } else {
        opts
    };
    let found = find_release(client, &opts.tag).await?;
    let created = found.is_none();
    let (release, remote) = match found {
        Some(release) => {
            let remote = list_assets(client, release.id.into_inner()).await?;
            (release, remote)
        }
        None => (create_draft(client, opts).await?, Vec::new()),
    };
    let stage = Stage::of(&release);
    if created {
        client.progress(&format!("created draft release {}", opts.tag));
    }
    let interrupted = |e: ReleaseError| match e {
        ReleaseError::Conflicts { .. } => e,
        e => ReleaseError::Interrupted {
            tag: opts.tag.clone(),
            draft: stage == Stage::Draft,
            error: Box::new(e),
        },
    };
    let mut report = AssetSync {
        client,
        tag: &opts.tag,
        release_id: release.id.into_inner(),
        stage,
        replace: opts.replace,
    }
    .run(expected, &remote)
    .await
    .map_err(interrupted)?;
    report.created = created;
    report.url = release.html_url.to_string();

    let mut patch = serde_json::Map::new();
    if normalized(release.body.as_deref().unwrap_or("")) != normalized(&opts.notes) {
        patch.insert("body".into(), opts.notes.clone().into());
    }
    if stage == Stage::Draft && !opts.draft {
        patch.insert("draft".into(), false.into());
    }
    report.published = stage != Stage::Draft;
    if !patch.is_empty() {
        report.notes_updated = patch.contains_key("body") && !created;
        let req = Request::patch(
            client.repo_url(&format!("/releases/{}", report.id)),
            patch.into(),
        );
        let resp = client
            .send_ok(&req)
            .await
            .map_err(|e| interrupted(e.into()))?;
        let updated: Release = client
            .decode(&req, &resp)
            .map_err(|e| interrupted(e.into()))?;
        report.url = updated.html_url.to_string();
        report.published = !updated.draft;
        report.published_now = stage == Stage::Draft && !updated.draft;
    }
    Ok(report)
}

fn normalized(text: &str) -> String {
    text.replace("\r\n", "\n").trim().to_string()
}

/// GitHub's notes of the changes that `opts.tag` brings (pull requests, new contributors,
/// the full changelog link), as `generate_release_notes` would write them; for a tag that
/// does not exist yet, at `target_commitish`.
async fn generate_notes(client: &Client, opts: &ReleaseOptions) -> Result<String, ReleaseError> {
    let mut body = serde_json::json!({ "tag_name": opts.tag });
    if let Some(commit) = &opts.target_commitish {
        body["target_commitish"] = commit.clone().into();
    }
    let req = Request::post(
        client.repo_url("/releases/generate-notes"),
        body,
        Replay::Always,
    );
    let resp = client.send_ok(&req).await?;
    let notes: serde_json::Value = client.decode(&req, &resp)?;
    Ok(notes["body"].as_str().unwrap_or_default().to_string())
}

/// Refuses a token that GitHub reports as unable to push: `permissions.push: false` in the
/// repository (user tokens), or classic scopes (`x-oauth-scopes`) without `repo` or
/// `public_repo`. Tokens that report neither (GitHub App installation tokens such as
/// `GITHUB_TOKEN`) pass, and a missing permission then shows at the first write, on a draft.
async fn check_write_access(client: &Client) -> Result<(), ReleaseError> {
    let req = Request::get(client.repo_url(""));
    let resp = client.send_ok(&req).await?;
    let repo: octocrab::models::Repository = client.decode(&req, &resp)?;
    let denied = |why: String| ReleaseError::NoWriteAccess {
        repo: client.repo().to_string(),
        why,
    };
    if repo.permissions.as_ref().is_some_and(|p| !p.push) {
        return Err(denied(
            "GitHub reports `push: false` for it: in a workflow, give the job `permissions: contents: write`".into(),
        ));
    }
    let scopes = resp
        .headers
        .get("x-oauth-scopes")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim();
    if !scopes.is_empty()
        && !scopes
            .split(',')
            .any(|s| matches!(s.trim(), "repo" | "public_repo"))
    {
        return Err(denied(format!(
            "its scopes are `{scopes}`: it needs `repo` (or `public_repo`)"
        )));
    }
    Ok(())
}

/// The release of `tag`, drafts included: the tag endpoint first (one request for a
/// published release), then the release list, newest first, which holds the drafts.
async fn find_release(client: &Client, tag: &str) -> Result<Option<Release>, ReleaseError> {
    let encoded = percent_encoding::utf8_percent_encode(tag, PATH_SEGMENT);
    let req = Request::get(client.repo_url(&format!("/releases/tags/{encoded}")));
    let resp = client.send(&req).await?;
    match resp.status.as_u16() {
        200 => return Ok(Some(client.decode(&req, &resp)?)),
        404 => {}
        _ => return Err(client.status_error(&req, &resp).into()),
    }
    for page in 1.. {
        let releases: Vec<Release> = client
            .get_json(client.repo_url(&format!("/releases?per_page={PER_PAGE}&page={page}")))
            .await?;
        let mut matching: Vec<&Release> = releases.iter().filter(|r| r.tag_name == tag).collect();
        match matching.len() {
            0 if releases.len() < PER_PAGE => return Ok(None),
            0 => continue,
            1 => return Ok(matching.pop().cloned()),
            _ => {
                return Err(ReleaseError::Ambiguous {
                    tag: tag.to_string(),
                    ids: matching.iter().map(|r| r.id.into_inner()).collect(),
                });
            }
        }
    }
    unreachable!("the page loop returns")
}

/// Creates the draft. The `POST` is not replayed after a 5xx or a lost connection (GitHub
/// may have created it): the list is searched again before the next try.
async fn create_draft(client: &Client, opts: &ReleaseOptions) -> Result<Release, ReleaseError> {
    let mut body = serde_json::json!({
        "tag_name": opts.tag,
        "name": opts.tag,
        "body": opts.notes,
        "draft": true,
    });
    if let Some(commit) = &opts.target_commitish {
        body["target_commitish"] = commit.clone().into();
    }
    let req = Request::post(client.repo_url("/releases"), body, Replay::WhenRefused);
    let mut tries = 0;
    loop {
        tries += 1;
        let failure = match client.send(&req).await {
            Ok(resp) if resp.status.is_success() => return Ok(client.decode(&req, &resp)?),
            Ok(resp) if resp.status.is_server_error() => client.status_error(&req, &resp),
            Ok(resp) => return Err(client.status_error(&req, &resp).into()),
            Err(e) => e,
        };
        if tries >= 3 {
            return Err(failure.into());
        }
        client.progress(&format!(
            "{failure}; looking for the draft before trying again"
        ));
        if let Some(release) = find_release(client, &opts.tag).await? {
            return Ok(release);
        }
    }
}

/// Every asset of a release, all pages.
async fn list_assets(client: &Client, release_id: u64) -> Result<Vec<RemoteAsset>, ClientError> {
    let mut all = Vec::new();
    for page in 1.. {
        let assets: Vec<Asset> = client
            .get_json(client.repo_url(&format!(
                "/releases/{release_id}/assets?per_page={PER_PAGE}&page={page}"
            )))
            .await?;
        let last = assets.len() < PER_PAGE;
        all.extend(assets.into_iter().map(RemoteAsset::from));
        if last {
            break;
        }
    }
    Ok(all)
}

/// What is done to one expected asset, once conflicts are ruled out.
enum Step {
    Keep,
    Upload,
    Replace { id: u64, why: String },
}

/// The work on one release's assets.
struct AssetSync<'a> {
    client: &'a Client,
    tag: &'a str,
    release_id: u64,
    stage: Stage,
    replace: bool,
}

impl AssetSync<'_> {
    /// Decides for every asset, refuses conflicts before any change, deletes extras, uploads,
    /// and checks the result.
    async fn run(
        &self,
        expected: &[ExpectedAsset],
        remote: &[RemoteAsset],
    ) -> Result<ReleaseReport, ReleaseError> {
        let mut decisions = Vec::new();
        let mut conflicts = Vec::new();
        for exp in expected {
            let found = by_name(remote, &exp.name);
            let mut decision = decide(exp, found, self.stage, self.replace);
            if let (Decision::Compare { id }, Some(found)) = (&decision, found) {
                let known = RemoteAsset {
                    digest: Some(format!("sha256:{}", self.remote_sha256(*id).await?)),
                    ..found.clone()
                };
                decision = decide(exp, Some(&known), self.stage, self.replace);
            }
            match decision {
                Decision::Keep => decisions.push(Step::Keep),
                Decision::Upload => decisions.push(Step::Upload),
                Decision::Replace { id, why } => decisions.push(Step::Replace { id, why }),
                Decision::Conflict(why) => conflicts.push(why),
                Decision::Compare { .. } => {
                    conflicts.push(format!("{}: cannot tell whether it differs", exp.name))
                }
            }
        }
        let extras: Vec<&RemoteAsset> = remote
            .iter()
            .filter(|r| by_name_expected(expected, &r.name).is_none())
            .collect();
        for extra in &extras {
            match self.stage {
                Stage::Draft => {}
                Stage::Published { immutable: false } if self.replace => {}
                Stage::Published { immutable: false } => conflicts.push(format!(
                    "{}: on the release but not in dist/: pass --replace to delete it",
                    extra.name
                )),
                Stage::Published { immutable: true } => conflicts.push(format!(
                    "{}: on the immutable release but not in dist/: publish a new tag",
                    extra.name
                )),
            }
        }
        if !conflicts.is_empty() {
            return Err(ReleaseError::Conflicts {
                tag: self.tag.to_string(),
                conflicts,
            });
        }

        let mut assets = Vec::new();
        for extra in extras {
            self.client
                .progress(&format!("deleting {}: not in dist/", extra.name));
            self.delete(extra.id).await?;
            assets.push(AssetReport {
                name: extra.name.clone(),
                size: extra.size,
                sha256: String::new(),
                action: AssetAction::Deleted,
            });
        }
        for (exp, decision) in expected.iter().zip(decisions) {
            let action = match decision {
                Step::Keep => AssetAction::Kept,
                Step::Upload => self.put(exp, None).await?,
                Step::Replace { id, why } => {
                    self.client
                        .progress(&format!("replacing {}: {why}", exp.name));
                    self.put(exp, Some(id)).await?
                }
            };
            assets.push(AssetReport {
                name: exp.name.clone(),
                size: exp.size,
                sha256: exp.sha256.clone(),
                action,
            });
        }
        self.check(expected).await?;
        Ok(ReleaseReport {
            tag: self.tag.to_string(),
            id: self.release_id,
            url: String::new(),
            created: false,
            published: false,
            published_now: false,
            notes_updated: false,
            assets,
        })
    }

    /// Downloads asset `id` (for servers that report no digest) and returns its SHA-256.
    async fn remote_sha256(&self, id: u64) -> Result<String, ReleaseError> {
        let mut req = Request::get(self.client.repo_url(&format!("/releases/assets/{id}")));
        req.accept = "application/octet-stream";
        let resp = self.client.send_ok(&req).await?;
        Ok(sha256_hex(&resp.body))
    }

    /// Uploads one asset, deleting `stale` first. A 422 `already_exists` (an earlier attempt
    /// that landed, or a broken upload) is reconciled by listing the asset and deciding again.
    async fn put(
        &self,
        exp: &ExpectedAsset,
        mut stale: Option<u64>,
    ) -> Result<AssetAction, ReleaseError> {
        let replaced = stale.is_some();
        let done = if replaced {
            AssetAction::Replaced
        } else {
            AssetAction::Uploaded
        };
        let bytes = read_nofollow(&exp.path).map_err(|source| ReleaseError::Read {
            path: exp.path.clone(),
            source,
        })?;
        if sha256_hex(&bytes) != exp.sha256 {
            return Err(ReleaseError::NotReady {
                dist: exp.path.parent().unwrap_or(Path::new(".")).to_path_buf(),
                problems: vec![format!("{}: changed while releasing", exp.name)],
            });
        }
        let bytes = Bytes::from(bytes);
        let mut last = String::new();
        for _ in 0..UPLOAD_ROUNDS {
            if let Some(id) = stale.take() {
                self.delete(id).await?;
            }
            let req = Request::upload(
                self.client.upload_url(&format!(
                    "/releases/{}/assets?name={}",
                    self.release_id, exp.name
                )),
                exp.content_type,
                bytes.clone(),
            );
            let resp = self.client.send(&req).await?;
            let remote = if resp.status.is_success() {
                let asset: Asset = self.client.decode(&req, &resp)?;
                RemoteAsset::from(asset)
            } else if resp.status.as_u16() == 422 && resp.has_error_code("already_exists") {
                self.client.progress(&format!(
                    "{} already exists (an earlier attempt may have landed): checking it",
                    exp.name
                ));
                let listed = list_assets(self.client, self.release_id).await?;
                match by_name(&listed, &exp.name) {
                    Some(found) => found.clone(),
                    // Not listed yet: the listing lags behind the upload.
                    None => {
                        last = "422 already_exists, but the asset is not listed".into();
                        continue;
                    }
                }
            } else {
                return Err(self.client.status_error(&req, &resp).into());
            };
            // What GitHub holds now under this name: keep it when it is this file, else
            // replace it (this run made it, or found it broken).
            let verdict = if remote.state != "uploaded" {
                Err(format!("a broken upload (state `{}`)", remote.state))
            } else {
                match same_content(exp, &remote) {
                    Sameness::Same => Ok(()),
                    Sameness::Differs(why) => Err(why),
                    // The bytes just sent, stored at the same size.
                    Sameness::Unknown if resp.status.is_success() => Ok(()),
                    Sameness::Unknown => {
                        let sha = self.remote_sha256(remote.id).await?;
                        if sha == exp.sha256 {
                            Ok(())
                        } else {
                            Err(format!("sha256 {sha}, dist/ has {}", exp.sha256))
                        }
                    }
                }
            };
            match verdict {
                Ok(()) => {
                    self.client.progress(&format!(
                        "uploaded {} ({})",
                        exp.name,
                        HumanBytes(exp.size)
                    ));
                    return Ok(done);
                }
                Err(why) => {
                    self.client
                        .progress(&format!("{}: {why}: uploading again", exp.name));
                    stale = Some(remote.id);
                    last = why;
                }
            }
        }
        Err(ReleaseError::Unsettled {
            name: exp.name.clone(),
            last,
        })
    }

    /// Deletes an asset; one that is already gone is fine.
    async fn delete(&self, id: u64) -> Result<(), ReleaseError> {
        let req = Request::delete(self.client.repo_url(&format!("/releases/assets/{id}")));
        let resp = self.client.send(&req).await?;
        if resp.status.is_success() || resp.status.as_u16() == 404 {
            Ok(())
        } else {
            Err(self.client.status_error(&req, &resp).into())
        }
    }

    /// Lists the assets again and checks that they are exactly the expected ones, complete,
    /// with the expected sizes and (where reported) digests.
    async fn check(&self, expected: &[ExpectedAsset]) -> Result<(), ReleaseError> {
        let remote = list_assets(self.client, self.release_id).await?;
        let mut problems = Vec::new();
        for exp in expected {
            match by_name(&remote, &exp.name) {
                None => problems.push(format!("{}: missing", exp.name)),
                Some(r) if r.state != "uploaded" => {
                    problems.push(format!("{}: state `{}`", exp.name, r.state))
                }
                Some(r) if r.size != exp.size => problems.push(format!(
                    "{}: {} bytes, dist/ has {}",
                    exp.name, r.size, exp.size
                )),
                Some(r) => {
                    if let Some(digest) = &r.digest
                        && digest.strip_prefix("sha256:").unwrap_or(digest) != exp.sha256
                    {
                        problems.push(format!(
                            "{}: digest {digest}, dist/ has sha256:{}",
                            exp.name, exp.sha256
                        ));
                    }
                }
            }
        }
        for r in &remote {
            if by_name_expected(expected, &r.name).is_none() {
                problems.push(format!("{}: not in dist/", r.name));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ReleaseError::Mismatch {
                tag: self.tag.to_string(),
                problems,
            })
        }
    }
}

fn by_name<'a>(remote: &'a [RemoteAsset], name: &str) -> Option<&'a RemoteAsset> {
    remote.iter().find(|r| r.name == name)
}

fn by_name_expected<'a>(expected: &'a [ExpectedAsset], name: &str) -> Option<&'a ExpectedAsset> {
    expected.iter().find(|e| e.name == name)
}

/// Reads a file the local checks accepted, without following a symlink put in its place
/// since, and only if it is still a regular file.
fn read_nofollow(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let mut file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}
