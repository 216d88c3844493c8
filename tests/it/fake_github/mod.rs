//! A stand-in for the parts of GitHub's REST API that `gocross release` and `gocross report`
//! use, with state: repositories, releases (drafts included), assets (with `digest`,
//! `starter` uploads and 422 `already_exists`), asset downloads through a redirect, check
//! runs and issue comments, and any repository's files through the contents API (`GET`, and
//! `PUT` that creates, or replaces given the current blob `sha`, 409 on a stale one). It runs on wiremock, one `Respond` impl routing every request, so
//! wiremock records the requests for the tests to compare. Faults are injected per request
//! (by method and a substring of the path and query) and consumed as they fire.
#![allow(dead_code)]

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate, matchers::any};

pub const OWNER: &str = "octo-org";
pub const REPO: &str = "hello";
const TIME: &str = "2026-11-01T12:00:00Z";

/// A fault that fires on the next `times` requests matching `method` and `path_contains`.
#[derive(Debug, Clone)]
pub struct Fault {
    pub method: &'static str,
    pub path_contains: String,
    pub times: u32,
    pub kind: FaultKind,
}

#[derive(Debug, Clone)]
pub enum FaultKind {
    /// Answer `status` with these headers and this JSON body; change nothing.
    Status {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Value,
    },
    /// An upload cut off half way: a `starter` asset of that name stays, the answer is 502.
    StarterThen502,
    /// An upload that lands completely, but whose answer is lost: 502.
    StoredThen502,
}

#[derive(Debug, Clone)]
pub struct FakeAsset {
    pub id: u64,
    pub name: String,
    pub state: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct FakeRelease {
    pub id: u64,
    pub tag: String,
    pub draft: bool,
    pub immutable: bool,
    pub body: String,
    pub target_commitish: String,
    pub assets: Vec<FakeAsset>,
}

#[derive(Debug, Clone)]
pub struct FakeCheckRun {
    pub id: u64,
    pub name: String,
    pub head_sha: String,
    pub status: String,
    pub conclusion: Option<String>,
    pub title: String,
    pub summary: String,
    pub annotations: Vec<Value>,
}

#[derive(Debug, Clone)]
pub struct FakeComment {
    pub id: u64,
    pub issue: u64,
    pub body: String,
}

/// Everything the fake knows.
#[derive(Debug)]
pub struct State {
    pub token: String,
    /// `permissions.push` of the repository.
    pub push: bool,
    /// Releases become immutable when published (the repository setting).
    pub immutable_releases: bool,
    /// Behave like a server that reports no `digest` on assets.
    pub no_digest: bool,
    /// Check runs and comments answer 403 (a fork pull request's read-only token).
    pub read_only_checks: bool,
    pub releases: Vec<FakeRelease>,
    pub check_runs: Vec<FakeCheckRun>,
    pub comments: Vec<FakeComment>,
    pub faults: Vec<Fault>,
    /// How often a release went from draft to published.
    pub publishes: u32,
    /// Files of any repository by `owner/name/path`: blob sha and bytes (contents API).
    pub contents: BTreeMap<String, (String, Vec<u8>)>,
    /// The token the contents API takes, when it is not `token` (a tap's own token).
    pub contents_token: Option<String>,
    next_id: u64,
}

impl State {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

/// The running fake.
pub struct FakeGitHub {
    pub server: MockServer,
    pub state: Arc<Mutex<State>>,
}

impl FakeGitHub {
    /// Starts a fake that accepts `token` (as `Authorization: Bearer TOKEN`).
    pub async fn start(token: &str) -> FakeGitHub {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State {
            token: token.to_string(),
            push: true,
            immutable_releases: false,
            no_digest: false,
            read_only_checks: false,
            releases: Vec::new(),
            check_runs: Vec::new(),
            comments: Vec::new(),
            faults: Vec::new(),
            publishes: 0,
            contents: BTreeMap::new(),
            contents_token: None,
            next_id: 0,
        }));
        Mock::given(any())
            .respond_with(Router {
                state: state.clone(),
                base: server.uri(),
            })
            .mount(&server)
            .await;
        FakeGitHub { server, state }
    }

    pub fn url(&self) -> String {
        self.server.uri()
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    pub fn fault(&self, method: &'static str, path_contains: &str, times: u32, kind: FaultKind) {
        self.state().faults.push(Fault {
            method,
            path_contains: path_contains.to_string(),
            times,
            kind,
        });
    }

    /// Every request received so far, as `METHOD /path?query`.
    pub async fn requests(&self) -> Vec<String> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .map(|r| match r.url.query() {
                Some(q) => format!("{} {}?{q}", r.method, r.url.path()),
                None => format!("{} {}", r.method, r.url.path()),
            })
            .collect()
    }

    /// The requests received so far, with their headers and bodies.
    pub async fn raw_requests(&self) -> Vec<wiremock::Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// The requests received after the first `n`.
    pub async fn requests_since(&self, n: usize) -> Vec<String> {
        self.requests().await.into_iter().skip(n).collect()
    }
}

struct Router {
    state: Arc<Mutex<State>>,
    base: String,
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn message(status: u16, text: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "message": text,
        "documentation_url": "https://docs.github.com/rest",
    }))
}

fn not_found() -> ResponseTemplate {
    message(404, "Not Found")
}

impl Router {
    fn repo_url(&self, rest: &str) -> String {
        format!("{}/repos/{OWNER}/{REPO}{rest}", self.base)
    }

    fn asset_json(&self, s: &State, a: &FakeAsset) -> Value {
        let complete = a.state == "uploaded";
        let digest = (complete && !s.no_digest).then(|| format!("sha256:{}", sha256(&a.bytes)));
        json!({
            "url": self.repo_url(&format!("/releases/assets/{}", a.id)),
            "browser_download_url": format!("https://github.com/{OWNER}/{REPO}/releases/download/v/{}", a.name),
            "id": a.id,
            "node_id": format!("RA_{}", a.id),
            "name": a.name,
            "label": "",
            "state": a.state,
            "content_type": a.content_type,
            "size": if complete { a.bytes.len() } else { a.bytes.len() / 2 },
            "digest": digest,
            "download_count": 0,
            "created_at": TIME,
            "updated_at": TIME,
            "uploader": null,
        })
    }

    fn release_json(&self, s: &State, r: &FakeRelease) -> Value {
        let html = if r.draft {
            format!(
                "https://github.com/{OWNER}/{REPO}/releases/tag/untagged-{}",
                r.id
            )
        } else {
            format!("https://github.com/{OWNER}/{REPO}/releases/tag/{}", r.tag)
        };
        json!({
            "url": self.repo_url(&format!("/releases/{}", r.id)),
            "html_url": html,
            "assets_url": self.repo_url(&format!("/releases/{}/assets", r.id)),
            "upload_url": format!("{}{{?name,label}}", self.repo_url(&format!("/releases/{}/assets", r.id))),
            "tarball_url": null,
            "zipball_url": null,
            "id": r.id,
            "node_id": format!("RE_{}", r.id),
            "tag_name": r.tag,
            "target_commitish": r.target_commitish,
            "name": r.tag,
            "body": r.body,
            "draft": r.draft,
            "prerelease": false,
            "immutable": r.immutable,
            "created_at": TIME,
            "published_at": if r.draft { Value::Null } else { TIME.into() },
            "author": null,
            "assets": r.assets.iter().map(|a| self.asset_json(s, a)).collect::<Vec<_>>(),
        })
    }

    fn page<T: Clone>(items: &[T], req: &wiremock::Request) -> Vec<T> {
        let query = |key: &str| {
            req.url
                .query_pairs()
                .find(|(k, _)| k == key)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let per_page = query("per_page").unwrap_or(30).min(100);
        let page = query("page").unwrap_or(1).max(1);
        items
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .cloned()
            .collect()
    }

    fn route(&self, s: &mut State, req: &wiremock::Request) -> ResponseTemplate {
        let path = api_path(req);
        let method = req.method.as_str();
        if let Some(id) = path.strip_prefix("/storage/") {
            let id: u64 = id.parse().unwrap_or(0);
            return match s
                .releases
                .iter()
                .flat_map(|r| &r.assets)
                .find(|a| a.id == id)
            {
                Some(a) => {
                    ResponseTemplate::new(200).set_body_raw(a.bytes.clone(), &a.content_type)
                }
                None => not_found(),
            };
        }
        if let Some(key) = contents_path(req) {
            return contents(s, req, key);
        }
        let prefix = format!("/repos/{OWNER}/{REPO}");
        let Some(rest) = path.strip_prefix(&prefix) else {
            return not_found();
        };
        let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        match (method, parts.as_slice()) {
            ("GET", []) => ResponseTemplate::new(200).set_body_json(json!({
                "id": 1, "node_id": "R_1", "name": REPO, "full_name": format!("{OWNER}/{REPO}"),
                "url": self.repo_url(""), "html_url": format!("https://github.com/{OWNER}/{REPO}"),
                "private": false,
                "permissions": {"admin": false, "maintain": false, "push": s.push, "triage": true, "pull": true},
            })),
            ("GET", ["releases", "tags", tag]) => {
                let tag = percent_decode(tag);
                match s.releases.iter().find(|r| r.tag == tag && !r.draft) {
                    Some(r) => ResponseTemplate::new(200).set_body_json(self.release_json(s, r)),
                    None => not_found(),
                }
            }
            ("GET", ["releases"]) => {
                let mut newest_first = s.releases.clone();
                newest_first.reverse();
                let page: Vec<Value> = Self::page(&newest_first, req)
                    .iter()
                    .map(|r| self.release_json(s, r))
                    .collect();
                ResponseTemplate::new(200).set_body_json(page)
            }
            // GitHub's generated notes: the changes since the previous release of the tags the
            // fake holds (a fixed text naming the tag and the previous published one).
            ("POST", ["releases", "generate-notes"]) => {
                let tag = body["tag_name"].as_str().unwrap_or_default().to_string();
                let previous = s
                    .releases
                    .iter()
                    .rev()
                    .find(|r| !r.draft && r.tag != tag)
                    .map(|r| r.tag.clone());
                let changelog = match &previous {
                    Some(p) => format!("{p}...{tag}"),
                    None => format!("commits/{tag}"),
                };
                ResponseTemplate::new(200).set_body_json(json!({
                    "name": tag,
                    "body": format!(
                        "## What's Changed\n* Ship archives by @octocat in https://github.com/{OWNER}/{REPO}/pull/14\n\n**Full Changelog**: https://github.com/{OWNER}/{REPO}/{changelog}"
                    ),
                }))
            }
            ("POST", ["releases"]) => {
                let tag = body["tag_name"].as_str().unwrap_or_default().to_string();
                if s.releases.iter().any(|r| r.tag == tag && !r.draft) {
                    return ResponseTemplate::new(422).set_body_json(json!({
                        "message": "Validation Failed",
                        "errors": [{"resource": "Release", "code": "already_exists", "field": "tag_name"}],
                    }));
                }
                let id = s.id();
                let release = FakeRelease {
                    id,
                    tag,
                    draft: body["draft"].as_bool().unwrap_or(false),
                    immutable: false,
                    body: body["body"].as_str().unwrap_or_default().to_string(),
                    target_commitish: body["target_commitish"].as_str().unwrap_or("main").to_string(),
                    assets: Vec::new(),
                };
                let json = self.release_json(s, &release);
                s.releases.push(release);
                ResponseTemplate::new(201).set_body_json(json)
            }
            ("PATCH", ["releases", id]) => {
                let id: u64 = id.parse().unwrap_or(0);
                let immutable_releases = s.immutable_releases;
                let Some(r) = s.releases.iter_mut().find(|r| r.id == id) else {
                    return not_found();
                };
                if let Some(text) = body["body"].as_str() {
                    r.body = text.to_string();
                }
                let mut published = false;
                if body["draft"] == json!(false) && r.draft {
                    r.draft = false;
                    r.immutable = immutable_releases;
                    published = true;
                }
                let r = r.clone();
                if published {
                    s.publishes += 1;
                }
                ResponseTemplate::new(200).set_body_json(self.release_json(s, &r))
            }
            ("GET", ["releases", "assets", id]) => {
                let id: u64 = id.parse().unwrap_or(0);
                let Some(asset) = s.releases.iter().flat_map(|r| &r.assets).find(|a| a.id == id)
                else {
                    return not_found();
                };
                let accept = req
                    .headers
                    .get("accept")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if accept == "application/octet-stream" {
                    ResponseTemplate::new(302)
                        .insert_header("location", format!("{}/storage/{id}", self.base))
                } else {
                    ResponseTemplate::new(200).set_body_json(self.asset_json(s, asset))
                }
            }
            ("DELETE", ["releases", "assets", id]) => {
                let id: u64 = id.parse().unwrap_or(0);
                for r in &mut s.releases {
                    if let Some(i) = r.assets.iter().position(|a| a.id == id) {
                        if r.immutable {
                            return message(422, "Cannot delete an asset of an immutable release");
                        }
                        r.assets.remove(i);
                        return ResponseTemplate::new(204);
                    }
                }
                not_found()
            }
            ("GET", ["releases", id, "assets"]) => {
                let id: u64 = id.parse().unwrap_or(0);
                let Some(r) = s.releases.iter().find(|r| r.id == id) else {
                    return not_found();
                };
                let page: Vec<Value> = Self::page(&r.assets, req)
                    .iter()
                    .map(|a| self.asset_json(s, a))
                    .collect();
                ResponseTemplate::new(200).set_body_json(page)
            }
            ("POST", ["releases", id, "assets"]) => self.upload(s, id, req, None),
            ("POST", ["check-runs"]) => {
                if s.read_only_checks {
                    return message(403, "Resource not accessible by integration");
                }
                let id = s.id();
                let run = FakeCheckRun {
                    id,
                    name: body["name"].as_str().unwrap_or_default().to_string(),
                    head_sha: body["head_sha"].as_str().unwrap_or_default().to_string(),
                    status: body["status"].as_str().unwrap_or("queued").to_string(),
                    conclusion: body["conclusion"].as_str().map(String::from),
                    title: body["output"]["title"].as_str().unwrap_or_default().to_string(),
                    summary: body["output"]["summary"].as_str().unwrap_or_default().to_string(),
                    annotations: body["output"]["annotations"].as_array().cloned().unwrap_or_default(),
                };
                let json = check_run_json(&self.base, &run);
                s.check_runs.push(run);
                ResponseTemplate::new(201).set_body_json(json)
            }
            ("PATCH", ["check-runs", id]) => {
                let id: u64 = id.parse().unwrap_or(0);
                let Some(run) = s.check_runs.iter_mut().find(|r| r.id == id) else {
                    return not_found();
                };
                if let Some(t) = body["output"]["title"].as_str() {
                    run.title = t.to_string();
                }
                if let Some(t) = body["output"]["summary"].as_str() {
                    run.summary = t.to_string();
                }
                if let Some(a) = body["output"]["annotations"].as_array() {
                    run.annotations.extend(a.iter().cloned());
                }
                if let Some(c) = body["conclusion"].as_str() {
                    run.conclusion = Some(c.to_string());
                }
                let json = check_run_json(&self.base, run);
                ResponseTemplate::new(200).set_body_json(json)
            }
            ("GET", ["issues", n, "comments"]) => {
                let n: u64 = n.parse().unwrap_or(0);
                let on_issue: Vec<FakeComment> =
                    s.comments.iter().filter(|c| c.issue == n).cloned().collect();
                let page: Vec<Value> = Self::page(&on_issue, req)
                    .iter()
                    .map(comment_json)
                    .collect();
                ResponseTemplate::new(200).set_body_json(page)
            }
            ("POST", ["issues", n, "comments"]) => {
                if s.read_only_checks {
                    return message(403, "Resource not accessible by integration");
                }
                let id = s.id();
                let c = FakeComment {
                    id,
                    issue: n.parse().unwrap_or(0),
                    body: body["body"].as_str().unwrap_or_default().to_string(),
                };
                let json = comment_json(&c);
                s.comments.push(c);
                ResponseTemplate::new(201).set_body_json(json)
            }
            ("PATCH", ["issues", "comments", id]) => {
                let id: u64 = id.parse().unwrap_or(0);
                let Some(c) = s.comments.iter_mut().find(|c| c.id == id) else {
                    return not_found();
                };
                c.body = body["body"].as_str().unwrap_or_default().to_string();
                ResponseTemplate::new(200).set_body_json(comment_json(c))
            }
            _ => not_found(),
        }
    }

    /// An asset upload; `fault` changes how it ends.
    fn upload(
        &self,
        s: &mut State,
        id: &str,
        req: &wiremock::Request,
        fault: Option<&FaultKind>,
    ) -> ResponseTemplate {
        let id: u64 = id.parse().unwrap_or(0);
        let Some(name) = req
            .url
            .query_pairs()
            .find(|(k, _)| k == "name")
            .map(|(_, v)| v.to_string())
        else {
            return message(422, "name is required");
        };
        let content_type = req
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let asset_id = s.id();
        let Some(r) = s.releases.iter_mut().find(|r| r.id == id) else {
            return not_found();
        };
        if r.immutable {
            return message(422, "Cannot upload assets to an immutable release.");
        }
        if r.assets.iter().any(|a| a.name == name) {
            return ResponseTemplate::new(422).set_body_json(json!({
                "message": "Validation Failed",
                "errors": [{"resource": "ReleaseAsset", "code": "already_exists", "field": "name"}],
            }));
        }
        let asset = FakeAsset {
            id: asset_id,
            name,
            state: if matches!(fault, Some(FaultKind::StarterThen502)) {
                "starter".into()
            } else {
                "uploaded".into()
            },
            content_type,
            bytes: req.body.clone(),
        };
        r.assets.push(asset.clone());
        if fault.is_some() {
            return message(502, "Bad Gateway");
        }
        let json = self.asset_json(s, &asset);
        ResponseTemplate::new(201).set_body_json(json)
    }
}

fn check_run_json(base: &str, run: &FakeCheckRun) -> Value {
    json!({
        "id": run.id,
        "node_id": format!("CR_{}", run.id),
        "head_sha": run.head_sha,
        "url": format!("{base}/repos/{OWNER}/{REPO}/check-runs/{}", run.id),
        "html_url": format!("https://github.com/{OWNER}/{REPO}/runs/{}", run.id),
        "name": run.name,
        "status": run.status,
        "conclusion": run.conclusion,
        "output": {"title": run.title, "summary": run.summary, "annotations_count": run.annotations.len()},
        "pull_requests": [],
    })
}

fn comment_json(c: &FakeComment) -> Value {
    json!({
        "id": c.id,
        "body": c.body,
        "html_url": format!("https://github.com/{OWNER}/{REPO}/pull/{}#issuecomment-{}", c.issue, c.id),
    })
}

/// `owner/name/path` of a contents API request (`/repos/{owner}/{name}/contents/{path}`).
fn contents_path(req: &wiremock::Request) -> Option<String> {
    let path = api_path(req);
    let rest = path.strip_prefix("/repos/")?;
    let mut parts = rest.splitn(4, '/');
    let (owner, name, word, file) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    (word == "contents" && !file.is_empty())
        .then(|| format!("{owner}/{name}/{}", percent_decode(file)))
}

/// The contents API on `key` (`owner/name/path`): the file as GitHub answers it, or its
/// creation or replacement.
fn contents(s: &mut State, req: &wiremock::Request, key: String) -> ResponseTemplate {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let blob_sha = |bytes: &[u8]| {
        // Git's blob id: SHA-1 of `blob <len>\0<bytes>`; any id that changes with the bytes does.
        sha256(&[format!("blob {}\0", bytes.len()).as_bytes(), bytes].concat())[..40].to_string()
    };
    let file_json = |sha: &str, bytes: &[u8]| {
        // GitHub wraps the base64 text every 60 characters.
        let encoded = b64.encode(bytes);
        let wrapped: Vec<String> = encoded
            .as_bytes()
            .chunks(60)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        json!({"type": "file", "encoding": "base64", "sha": sha, "size": bytes.len(),
               "path": key.splitn(3, '/').nth(2), "content": wrapped.join("\n") + "\n"})
    };
    match req.method.as_str() {
        "GET" => match s.contents.get(&key) {
            Some((sha, bytes)) => ResponseTemplate::new(200).set_body_json(file_json(sha, bytes)),
            None => not_found(),
        },
        "PUT" => {
            let Some(bytes) = body["content"].as_str().and_then(|c| b64.decode(c).ok()) else {
                return message(422, "Invalid request: content is not base64");
            };
            if body["message"].as_str().is_none_or(str::is_empty) {
                return message(422, "Invalid request: message is missing");
            }
            let given = body["sha"].as_str();
            let status = match (s.contents.get(&key), given) {
                (None, None) => 201,
                (Some((sha, _)), Some(g)) if sha == g => 200,
                (Some(_), None) => {
                    return message(422, "Invalid request: \"sha\" wasn't supplied.");
                }
                _ => return message(409, &format!("{key} does not match the given sha")),
            };
            let sha = blob_sha(&bytes);
            let answer = json!({"content": file_json(&sha, &bytes), "commit": {"sha": sha}});
            s.contents.insert(key.clone(), (sha, bytes));
            ResponseTemplate::new(status).set_body_json(answer)
        }
        _ => message(405, "Method not allowed"),
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The request path without the prefix of GitHub Enterprise Server's API (`/api/v3`) or
/// upload (`/api/uploads`) URLs, which this fake serves as well.
fn api_path(req: &wiremock::Request) -> String {
    let path = req.url.path();
    ["/api/v3", "/api/uploads"]
        .iter()
        .find_map(|prefix| path.strip_prefix(prefix))
        .unwrap_or(path)
        .to_string()
}

impl Respond for Router {
    fn respond(&self, req: &wiremock::Request) -> ResponseTemplate {
        let mut s = self.state.lock().unwrap();
        let auth = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let on_storage = req.url.path().starts_with("/storage/");
        let token = match &s.contents_token {
            Some(t) if contents_path(req).is_some() => t.clone(),
            _ => s.token.clone(),
        };
        if !on_storage && auth != format!("Bearer {token}") {
            // GitHub does not echo credentials; this fake does, to prove gocross redacts
            // whatever an error body holds.
            return message(401, &format!("Bad credentials: {auth}"));
        }
        let target = match req.url.query() {
            Some(q) => format!("{}?{q}", req.url.path()),
            None => req.url.path().to_string(),
        };
        let fault = s.faults.iter_mut().find(|f| {
            f.times > 0 && f.method == req.method.as_str() && target.contains(&f.path_contains)
        });
        if let Some(f) = fault {
            f.times -= 1;
            let kind = f.kind.clone();
            return match kind {
                FaultKind::Status {
                    status,
                    headers,
                    body,
                } => {
                    let mut t = ResponseTemplate::new(status).set_body_json(body);
                    for (k, v) in headers {
                        t = t.insert_header(k, v.as_str());
                    }
                    t
                }
                upload => {
                    // /repos/O/R/releases/ID/assets
                    let path = api_path(req);
                    let id = path.split('/').nth(5).unwrap_or_default().to_string();
                    self.upload(&mut s, &id, req, Some(&upload))
                }
            };
        }
        self.route(&mut s, req)
    }
}
