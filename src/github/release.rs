//! `gocross release`: one GitHub release per tag that holds exactly the files of a dist
//! directory, checked before it is published, and safe to run again after a failure at any
//! point.
//!
//! The steps, in order:
//! 1. [`expected_assets`] (no network): dist/ against its manifest — the audit and verify
//!    gates, each file's size and SHA-256, `checksums.txt`, SBOMs, safe and unique names.
//! 2. [`publish`]: the token's write access; the release of the tag, drafts included (the
//!    tag endpoint does not return drafts, so the list is searched); what each asset needs
//!    ([`decide`]), with every conflict reported before anything changes; a draft when there
//!    is no release; deletions of broken or stale assets and uploads of missing ones; a
//!    second listing that checks every asset's state, size and digest; then one `PATCH` that
//!    publishes.
//!
//! Facts (GitHub's releases REST API; see FACTS.md): assets carry `digest: "sha256:<hex>"`
//! (older servers omit it: then the size is compared and, when equal, the asset downloaded and
//! hashed); uploading a name that exists answers 422 `already_exists`; an upload cut off by a
//! 5xx can leave an asset in state `starter`; an immutable release refuses asset changes once
//! published.

use super::client::{Client, ClientError, Replay, Request};
use crate::config::is_safe_name;
use crate::manifest::{CHECKSUMS_FILE, Manifest, VerifyOutcome};
use bytes::Bytes;
use octocrab::models::repos::{Asset, Release};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Rounds of delete-and-upload one asset gets before the run gives up on it.
const UPLOAD_ROUNDS: u32 = 3;

/// Characters escaped in a URL path segment: all but RFC 3986's unreserved ones.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Page size of list requests (GitHub's maximum).
const PER_PAGE: usize = 100;

/// One file the release must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectedAsset {
    /// Asset name, equal to the file name in dist/.
    pub name: String,
    /// The file.
    #[serde(skip)]
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// The `Content-Type` it is uploaded with ([`content_type`]).
    pub content_type: &'static str,
}

/// The `Content-Type` of an asset, from its name: Windows executables, CycloneDX SBOMs
/// (`.cdx.json`, IANA `application/vnd.cyclonedx+json`), JSON, text, archives; anything else
/// (a Go binary without extension) is `application/octet-stream`.
pub fn content_type(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    let types = [
        (".exe", "application/vnd.microsoft.portable-executable"),
        (".cdx.json", "application/vnd.cyclonedx+json"),
        (".json", "application/json"),
        (".txt", "text/plain; charset=utf-8"),
        (".tar.gz", "application/gzip"),
        (".tgz", "application/gzip"),
        (".zip", "application/zip"),
        (".wasm", "application/wasm"),
    ];
    types
        .iter()
        .find(|(ext, _)| lower.ends_with(ext))
        .map_or("application/octet-stream", |(_, t)| t)
}

/// Everything that can stop a release.
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    /// dist/ cannot be released as it is; each line says what and how to fix it.
    #[error("{} is not ready for a release:\n{}", dist.display(), bullets(problems))]
    NotReady {
        dist: PathBuf,
        problems: Vec<String>,
    },
    #[error("`{0}` is not a tag name: use something like v1.2.3 (no spaces or control characters)")]
    BadTag(String),
    #[error("the token cannot write to {repo}: {why}")]
    NoWriteAccess { repo: String, why: String },
    #[error(
        "{} releases exist for tag {tag} (ids {}): delete the extra drafts on GitHub, then run this again",
        ids.len(),
        ids.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
    )]
    Ambiguous { tag: String, ids: Vec<u64> },
    /// The release exists and differs from dist/ in ways gocross will not change on its own.
    /// Reported before any change.
    #[error(
        "release {tag} cannot be brought in line with dist/; nothing was changed:\n{}",
        bullets(conflicts)
    )]
    Conflicts { tag: String, conflicts: Vec<String> },
    #[error("{name}: not stored intact after {UPLOAD_ROUNDS} uploads (last: {last})")]
    Unsettled { name: String, last: String },
    #[error(
        "release {tag} does not hold what dist/ holds after the uploads:\n{}",
        bullets(problems)
    )]
    Mismatch { tag: String, problems: Vec<String> },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Api(#[from] ClientError),
    /// A failure after the release exists: what happened, and how to resume.
    #[error(
        "{error}\nrelease {tag} is unfinished{}: run the same command again to resume; assets already uploaded are checked and kept",
        if *draft { " and still a draft" } else { "" }
    )]
    Interrupted {
        tag: String,
        draft: bool,
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

/// Size and SHA-256 (lowercase hex) of a file, read in 64 KiB blocks.
fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, hex(&hasher.finalize())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a release of a dist directory must satisfy besides its own files.
#[derive(Debug, Clone, Copy)]
pub struct Gate<'a> {
    /// Publish `checksums.txt` (`release.checksums`).
    pub checksums: bool,
    /// The tag released; the manifest's version must agree with it ([`version_agrees`]).
    pub tag: &'a str,
    /// Release even when the tag and the manifest's version disagree.
    pub allow_version_mismatch: bool,
    /// The configured targets (`linux/arm/7`), each of which must have an artifact; empty
    /// when there is no gocross.yaml to say.
    pub targets: &'a [String],
}

/// The tag to release: `--tag`, else `GITHUB_REF_NAME` when `GITHUB_REF_TYPE` is `tag` (the
/// workflow run of a tag push); `None` when neither says.
pub fn tag_from(
    arg: Option<&str>,
    ref_type: Option<&str>,
    ref_name: Option<&str>,
) -> Option<String> {
    arg.or(ref_name.filter(|_| ref_type == Some("tag")))
        .filter(|t| !t.is_empty())
        .map(String::from)
}

/// Whether a manifest version and a tag name the same release: equal, or equal once a
/// leading `v` is dropped from the tag (`v1.2.3` and `1.2.3` agree).
pub fn version_agrees(version: &str, tag: &str) -> bool {
    version == tag || tag.strip_prefix('v') == Some(version)
}

/// The assets a release of `dist` must hold, in upload order: the binaries in manifest
/// order, their SBOMs, then `checksums.txt` (when `gate.checksums`). Checks everything that
/// can be checked without the network and reports every problem at once
/// ([`ReleaseError::NotReady`]): a version that disagrees with the tag, a configured target
/// without an artifact (a leg that never uploaded), a failed audit or verification, a file
/// that is missing or changed since the build, a `checksums.txt` that does not match the
/// manifest, an unsafe name ([`is_safe_name`]) or two assets with the same name (compared
/// case-insensitively, since downloads land side by side on case-insensitive file systems).
pub fn expected_assets(
    dist: &Path,
    manifest: &Manifest,
    gate: &Gate<'_>,
) -> Result<Vec<ExpectedAsset>, ReleaseError> {
    let checksums = gate.checksums;
    let mut problems = Vec::new();
    let mut assets = Vec::new();
    if manifest.artifacts.is_empty() {
        problems.push("manifest.json lists no artifacts: run `gocross build` first".to_string());
    }
    if !gate.allow_version_mismatch && !version_agrees(&manifest.version, gate.tag) {
        problems.push(format!(
            "the binaries are stamped {} but the tag is {}: build from the tagged commit (or pass `--version`), or release with --allow-version-mismatch",
            manifest.version, gate.tag
        ));
    }
    for target in gate.targets {
        if !manifest.artifacts.iter().any(|a| &a.target == target) {
            problems.push(format!(
                "{target} is configured but was not built: its leg failed or uploaded nothing"
            ));
        }
    }
    for a in &manifest.artifacts {
        let label = format!("{} ({})", a.name, a.target);
        if let Some(audit) = a.audit.as_ref().filter(|audit| !audit.passed) {
            let rules: Vec<String> = audit
                .violations
                .iter()
                .map(|v| format!("{}: found {}, allowed {}", v.rule, v.found, v.allowed))
                .collect();
            problems.push(format!(
                "{label} failed its audit ({}): fix the build or the policy in gocross.yaml",
                if rules.is_empty() {
                    "see `gocross audit`".to_string()
                } else {
                    rules.join("; ")
                }
            ));
        }
        if let Some(v) = a
            .verify
            .as_ref()
            .filter(|v| v.outcome == VerifyOutcome::Failed)
        {
            problems.push(format!(
                "{label} failed verification under {}{}",
                v.method,
                v.reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ));
        }
        if a.path.split(['/', '\\']).any(|part| part == "..") {
            problems.push(format!("{label}: path `{}` leaves dist/", a.path));
            continue;
        }
        match local_asset(dist, &a.name, &dist.join(&a.path)) {
            Ok(asset) if asset.size != a.size || asset.sha256 != a.sha256 => problems.push(format!(
                "{}: changed since the build (manifest.json: {} bytes, sha256 {}; file: {} bytes, sha256 {}): run `gocross build` again",
                a.path, a.size, a.sha256, asset.size, asset.sha256
            )),
            Ok(asset) => assets.push(asset),
            Err(p) => problems.push(p),
        }
    }
    for a in &manifest.artifacts {
        if let Some(sbom) = &a.sbom {
            // A per-leg dist/ holds `<leg>/<binary>.cdx.json`: the asset is the file name.
            let name = sbom.rsplit('/').next().unwrap_or(sbom);
            match local_asset(dist, name, &dist.join(sbom)) {
                Ok(asset) => assets.push(asset),
                Err(p) => problems.push(p),
            }
        }
    }
    let mut write_checksums = false;
    if checksums {
        let path = dist.join(CHECKSUMS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) if text == manifest.checksums() => {
                match local_asset(dist, CHECKSUMS_FILE, &path) {
                    Ok(asset) => assets.push(asset),
                    Err(p) => problems.push(p),
                }
            }
            Ok(_) => problems.push(format!(
                "{CHECKSUMS_FILE} does not match manifest.json: run `gocross build` again"
            )),
            // The release job of the generated workflow downloads every build leg into its
            // own directory: their manifests merge, and the joint checksums file is written
            // once everything else checked out (below).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => write_checksums = true,
            Err(e) => problems.push(format!(
                "{CHECKSUMS_FILE}: {e}: run `gocross build`, or set `release: {{checksums: false}}`"
            )),
        }
    }
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for asset in &assets {
        if !is_safe_name(&asset.name) {
            problems.push(format!(
                "asset name `{}` may hold only letters, digits, `.`, `_` and `-`, and not start with `.`",
                asset.name
            ));
        }
        if let Some(first) = seen.insert(asset.name.to_ascii_lowercase(), &asset.name) {
            problems.push(format!(
                "two assets would be named `{first}` and `{}`: give the targets distinct names",
                asset.name
            ));
        }
    }
    if write_checksums && problems.is_empty() {
        let path = dist.join(CHECKSUMS_FILE);
        match crate::manifest::write_atomic(&path, manifest.checksums().as_bytes()) {
            Ok(()) => match local_asset(dist, CHECKSUMS_FILE, &path) {
                Ok(asset) => assets.push(asset),
                Err(p) => problems.push(p),
            },
            Err(e) => problems.push(e.to_string()),
        }
    }
    if problems.is_empty() {
        Ok(assets)
    } else {
        Err(ReleaseError::NotReady {
            dist: dist.to_path_buf(),
            problems,
        })
    }
}

fn local_asset(dist: &Path, name: &str, path: &Path) -> Result<ExpectedAsset, String> {
    let (size, sha256) = hash_file(path).map_err(|e| {
        let shown = path.strip_prefix(dist).unwrap_or(path);
        format!("{}: {e}", shown.display())
    })?;
    Ok(ExpectedAsset {
        name: name.to_string(),
        path: path.to_path_buf(),
        size,
        sha256,
        content_type: content_type(name),
    })
}

/// A human size in binary units: `512 B`, `1.8 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// The release notes: a table of the targets (size, SHA-256, linkage, glibc floor, verify
/// result, all from the manifest), then the user's notes. Deterministic, so that a re-run
/// with the same inputs finds the notes unchanged.
pub fn release_notes(manifest: &Manifest, user_notes: Option<&str>) -> String {
    let mut md = String::from(
        "| Target | File | Size | SHA-256 | Linkage | glibc floor | Verified |\n|---|---|--:|---|---|---|---|\n",
    );
    for a in &manifest.artifacts {
        let audit = a.audit.as_ref();
        let linkage = audit.and_then(|x| x.linkage.as_deref()).unwrap_or("—");
        let glibc = audit.and_then(|x| x.glibc_floor.as_deref()).unwrap_or("—");
        let verify = match &a.verify {
            None => "—".to_string(),
            Some(v) => match v.outcome {
                VerifyOutcome::Verified => format!("yes ({})", v.method),
                VerifyOutcome::Failed => format!("failed ({})", v.method),
                VerifyOutcome::NotRun => format!(
                    "not run{}",
                    v.reason
                        .as_deref()
                        .map(|r| format!(": {}", r.replace('|', "\\|")))
                        .unwrap_or_default()
                ),
            },
        };
        md.push_str(&format!(
            "| {} | `{}` | {} | `{}` | {linkage} | {glibc} | {verify} |\n",
            a.target,
            a.name,
            human_size(a.size),
            a.sha256
        ));
    }
    md.push_str(&format!(
        "\nBuilt with {} by gocross. Check downloads with `sha256sum -c {CHECKSUMS_FILE}`.\n",
        if manifest.go.is_empty() {
            "Go"
        } else {
            &manifest.go
        }
    ));
    if let Some(notes) = user_notes.map(str::trim).filter(|n| !n.is_empty()) {
        md.push('\n');
        md.push_str(notes);
        md.push('\n');
    }
    md
}

/// An asset as GitHub lists it, reduced to what the decisions read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteAsset {
    pub id: u64,
    pub name: String,
    /// `uploaded`, or `starter` for an upload that never finished.
    pub state: String,
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
    Published { immutable: bool },
}

impl Stage {
    fn of(release: &Release) -> Stage {
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
    Replace { id: u64, why: String },
    /// Same name and size, no digest reported: download asset `id` and compare.
    Compare { id: u64 },
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
enum Sameness {
    Same,
    Differs(String),
    /// Same size, no digest reported.
    Unknown,
}

fn same_content(expected: &ExpectedAsset, remote: &RemoteAsset) -> Sameness {
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

/// How one asset ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetAction {
    /// Already there with the same content.
    Kept,
    Uploaded,
    /// A broken or different asset was deleted and this one uploaded.
    Replaced,
    /// An asset that is not in dist/ was deleted.
    Deleted,
}

/// One line of the result.
#[derive(Debug, Clone, Serialize)]
pub struct AssetReport {
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub action: AssetAction,
}

/// What [`publish`] did.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseReport {
    pub tag: String,
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
}

/// What to release.
#[derive(Debug, Clone)]
pub struct ReleaseOptions {
    pub tag: String,
    /// Stop before publishing (a published release stays published).
    pub draft: bool,
    /// Allow replacing and deleting assets of a published release.
    pub replace: bool,
    /// The release body ([`release_notes`]).
    pub notes: String,
    /// The commit a new tag is created at (e.g. `GITHUB_SHA`); GitHub's default branch when
    /// `None`. Ignored when the tag exists.
    pub target_commitish: Option<String>,
}

/// Whether `tag` can name a release: non-empty, at most 255 characters, no whitespace or
/// control characters.
pub fn check_tag(tag: &str) -> Result<(), ReleaseError> {
    if tag.is_empty() || tag.len() > 255 || tag.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ReleaseError::BadTag(tag.to_string()));
    }
    Ok(())
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
        Ok(hex(&Sha256::digest(&resp.body)))
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
        let bytes = std::fs::read(&exp.path).map_err(|source| ReleaseError::Read {
            path: exp.path.clone(),
            source,
        })?;
        if hex(&Sha256::digest(&bytes)) != exp.sha256 {
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
                        human_size(exp.size)
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

#[cfg(test)]
mod tests;
