//! `gocross release` against a stateful stand-in for GitHub's API (tests/it/fake_github), with
//! real Go binaries of examples/hello in dist/: a fresh release, re-runs, faults at every
//! step followed by a re-run, conflicts on published releases, and the token kept out of
//! every output.

use crate::common;
use crate::fake_github;

use fake_github::{FakeGitHub, FaultKind, OWNER, REPO};
use gocross::dist::CHECKSUMS_FILE;
use gocross::manifest::{ArtifactAudit, Manifest};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const TOKEN: &str = "ghs_Fake0Token1For2Release3Tests4";
const TAG: &str = "v1.0.0";

/// The four targets of the test dist, as (GOOS, GOARCH, asset name), in the manifest's
/// order (by name).
const TARGETS: [(&str, &str, &str); 4] = [
    ("darwin", "arm64", "hello_darwin_arm64"),
    ("linux", "amd64", "hello_linux_amd64"),
    ("linux", "arm64", "hello_linux_arm64"),
    ("windows", "amd64", "hello_windows_amd64.exe"),
];

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A dist directory that `gocross build --version 1.0.0` wrote for examples/hello's four
/// targets, with verification on: built once per test run (in target/test-builds), copied for
/// each test.
fn dist() -> Option<tempfile::TempDir> {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    if !common::require_tool("go", "install Go from https://go.dev/dl") {
        return None;
    }
    let module = BUILT.get_or_init(|| {
        let module = common::build_dir("release-dist");
        common::copy_module_to(&common::example("hello"), &module);
        let targets: Vec<String> = TARGETS
            .iter()
            .map(|(goos, goarch, _)| format!("{goos}/{goarch}"))
            .collect();
        std::fs::write(
            module.join("gocross.yaml"),
            format!(
                "version: 1\nproject: hello\ntargets: [{}]\nldflags: -s -w -X main.version={{{{version}}}}\nverify:\n  expect: \"^hello \"\n",
                targets.join(", ")
            ),
        )
        .unwrap();
        common::run_ok(
            common::gocross()
                .arg("-C")
                .arg(&module)
                .args(["build", "--version", "1.0.0"]),
        );
        module
    });
    let dir = tempfile::tempdir().unwrap();
    common::run_ok(
        Command::new("cp")
            .arg("-a")
            .arg(module.join("dist"))
            .arg(dir.path()),
    );
    Some(dir)
}

fn dist_of(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("dist")
}

/// The expected assets in upload order: name, bytes.
fn expected(dir: &tempfile::TempDir) -> Vec<(String, Vec<u8>)> {
    let dist = dist_of(dir);
    TARGETS
        .iter()
        .map(|t| t.2)
        .chain([CHECKSUMS_FILE])
        .map(|n| (n.to_string(), std::fs::read(dist.join(n)).unwrap()))
        .collect()
}

/// `gocross release --tag v1.0.0` in `dir`, against the fake, with waits capped at zero.
fn release(fake: &FakeGitHub, dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = common::gocross();
    cmd.current_dir(dir)
        .args(["release", "--tag", TAG])
        .args(extra)
        .env("GITHUB_TOKEN", format!("  {TOKEN}\n"))
        .env("GITHUB_REPOSITORY", format!("{OWNER}/{REPO}"))
        .env("GITHUB_API_URL", fake.url())
        .env("GOCROSS_MAX_SLEEP", "0")
        .env_remove("GOCROSS_UPLOAD_URL")
        .env_remove("GITHUB_SHA")
        .env_remove("GITHUB_EVENT_PATH");
    cmd
}

/// Runs the command; returns (success, stdout + stderr), after checking that the token is
/// nowhere in the output.
fn run(cmd: &mut Command) -> (bool, String) {
    let (out, stdout, stderr) = common::run(cmd);
    let all = format!("{stdout}{stderr}");
    assert!(!all.contains(TOKEN), "the token leaked:\n{all}");
    (out.status.success(), all)
}

fn run_ok(cmd: &mut Command) -> String {
    let (ok, all) = run(cmd);
    assert!(ok, "gocross release failed:\n{all}");
    all
}

fn run_fails(cmd: &mut Command) -> String {
    let (ok, all) = run(cmd);
    assert!(!ok, "gocross release should have failed:\n{all}");
    all
}

/// The end state every successful run must reach: one release of the tag, published once,
/// holding exactly the expected assets (names, bytes, complete), no duplicates.
fn assert_complete(fake: &FakeGitHub, dir: &tempfile::TempDir) {
    let s = fake.state();
    let releases: Vec<_> = s.releases.iter().filter(|r| r.tag == TAG).collect();
    assert_eq!(releases.len(), 1, "one release for the tag");
    let r = releases[0];
    assert!(!r.draft, "published");
    assert_eq!(s.publishes, 1, "published exactly once");
    let mut held: Vec<(String, Vec<u8>)> = r
        .assets
        .iter()
        .map(|a| {
            assert_eq!(a.state, "uploaded", "{} is complete", a.name);
            (a.name.clone(), a.bytes.clone())
        })
        .collect();
    let mut want = expected(dir);
    held.sort();
    want.sort();
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|a| a.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&held), names(&want), "exactly the expected assets");
    assert!(held == want, "the assets hold the dist files' bytes");
}

/// A further run against the complete release only reads, and leaves it complete.
async fn assert_rerun_changes_nothing(fake: &FakeGitHub, dir: &tempfile::TempDir) {
    let before = fake.requests().await.len();
    run_ok(&mut release(fake, dir.path(), &[]));
    assert!(non_get(&fake.requests_since(before).await).is_empty());
    assert_complete(fake, dir);
}

fn non_get(requests: &[String]) -> Vec<String> {
    requests
        .iter()
        .filter(|r| !r.starts_with("GET "))
        .cloned()
        .collect()
}

fn uploads_of(requests: &[String], name: &str) -> usize {
    requests
        .iter()
        .filter(|r| r.starts_with("POST ") && r.ends_with(&format!("assets?name={name}")))
        .count()
}

#[tokio::test]
async fn a_fresh_release_is_drafted_uploaded_checked_and_published() {
    let Some(dir) = dist() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    std::fs::write(dir.path().join("NOTES.md"), "Fixed the greeting.\n").unwrap();
    let out =
        run_ok(release(&fake, dir.path(), &["--notes", "NOTES.md"]).env("GITHUB_SHA", "0123abcd"));
    assert!(out.contains("release v1.0.0: published"), "{out}");
    assert!(
        out.contains(&format!(
            "https://github.com/{OWNER}/{REPO}/releases/tag/{TAG}"
        )),
        "{out}"
    );

    let repo = format!("/repos/{OWNER}/{REPO}");
    let mut want = vec![
        format!("GET {repo}"),
        format!("GET {repo}/releases/tags/{TAG}"),
        format!("GET {repo}/releases?per_page=100&page=1"),
        format!("POST {repo}/releases"),
    ];
    for (name, _) in expected(&dir) {
        want.push(format!("POST {repo}/releases/1/assets?name={name}"));
    }
    want.push(format!("GET {repo}/releases/1/assets?per_page=100&page=1"));
    want.push(format!("PATCH {repo}/releases/1"));
    assert_eq!(fake.requests().await, want);

    // Content types, and the token on every request.
    let content_types: BTreeMap<String, String> = fake
        .raw_requests()
        .await
        .iter()
        .filter(|r| r.url.path().ends_with("/assets") && r.method.as_str() == "POST")
        .map(|r| {
            let name = r
                .url
                .query()
                .unwrap()
                .trim_start_matches("name=")
                .to_string();
            let ct = r.headers.get("content-type").unwrap().to_str().unwrap();
            (name, ct.to_string())
        })
        .collect();
    assert_eq!(
        content_types["hello_linux_amd64"],
        "application/octet-stream"
    );
    assert_eq!(
        content_types["hello_windows_amd64.exe"],
        "application/vnd.microsoft.portable-executable"
    );
    assert_eq!(content_types["checksums.txt"], "text/plain; charset=utf-8");
    let create = fake
        .raw_requests()
        .await
        .into_iter()
        .find(|r| r.method.as_str() == "POST" && r.url.path().ends_with("/releases"))
        .unwrap();
    let create: serde_json::Value = create.body_json().unwrap();
    assert_eq!(create["draft"], json!(true), "created as a draft");
    assert_eq!(create["target_commitish"], json!("0123abcd"));

    assert_complete(&fake, &dir);
    let s = fake.state();
    let body = &s.releases[0].body;
    let manifest = Manifest::read(&dist_of(&dir)).unwrap();
    let arm = &manifest.artifacts[2];
    assert_eq!(arm.name, "hello_linux_arm64");
    assert!(
        body.contains(&format!(
            "| linux/arm64 | `hello_linux_arm64` | {} | `{}` | static | — | yes (qemu) |",
            indicatif::HumanBytes(arm.size),
            arm.sha256
        )),
        "{body}"
    );
    assert!(
        body.contains("| darwin/arm64 | `hello_darwin_arm64` |")
            && body.contains("not run: darwin/arm64 binaries run only on macOS"),
        "{body}"
    );
    assert!(body.trim_end().ends_with("Fixed the greeting."), "{body}");
}

#[tokio::test]
async fn a_rerun_on_a_complete_published_release_changes_nothing() {
    let Some(dir) = dist() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    run_ok(&mut release(&fake, dir.path(), &[]));
    let before = fake.requests().await.len();

    let out = run_ok(&mut release(&fake, dir.path(), &[]));
    assert!(out.contains("already published (nothing changed)"), "{out}");
    let repo = format!("/repos/{OWNER}/{REPO}");
    assert_eq!(
        fake.requests_since(before).await,
        vec![
            format!("GET {repo}"),
            format!("GET {repo}/releases/tags/{TAG}"),
            format!("GET {repo}/releases/1/assets?per_page=100&page=1"),
            format!("GET {repo}/releases/1/assets?per_page=100&page=1"),
        ],
        "only reads"
    );
    assert_complete(&fake, &dir);
}

#[tokio::test]
async fn a_502_that_leaves_a_starter_asset_is_cleaned_up() {
    let Some(dir) = dist() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    // The 2nd of 5 uploads is cut off: a `starter` asset stays, the answer is 502.
    fake.fault(
        "POST",
        "name=hello_linux_arm64",
        1,
        FaultKind::StarterThen502,
    );
    let out = run_ok(&mut release(&fake, dir.path(), &[]));
    assert!(out.contains("HTTP 502"), "the retry is shown:\n{out}");
    assert!(out.contains("state `starter`"), "{out}");
    let requests = fake.requests().await;
    // 502, then 422 already_exists, then the delete of the starter and a clean upload.
    assert_eq!(
        uploads_of(&requests, "hello_linux_arm64"),
        3,
        "{requests:#?}"
    );
    assert_eq!(
        non_get(&requests)
            .iter()
            .filter(|r| r.starts_with("DELETE"))
            .count(),
        1
    );
    assert_complete(&fake, &dir);

    assert_rerun_changes_nothing(&fake, &dir).await;
}

#[tokio::test]
async fn an_upload_outage_is_resumed_by_a_rerun() {
    let Some(dir) = dist() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    fake.fault(
        "POST",
        "name=hello_linux_arm64",
        100,
        FaultKind::StarterThen502,
    );
    let out = run_fails(&mut release(&fake, dir.path(), &[]));
    assert!(
        out.contains("hello_linux_arm64: not stored intact"),
        "{out}"
    );
    assert!(
        out.contains("is unfinished and still a draft: run the same command again"),
        "{out}"
    );
    {
        let s = fake.state();
        assert_eq!(s.releases.len(), 1);
        assert!(s.releases[0].draft, "nothing was published");
        assert_eq!(s.publishes, 0);
        let names: Vec<(&str, &str)> = s.releases[0]
            .assets
            .iter()
            .map(|a| (a.name.as_str(), a.state.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("hello_darwin_arm64", "uploaded"),
                ("hello_linux_amd64", "uploaded"),
                ("hello_linux_arm64", "starter")
            ]
        );
    }

    fake.state().faults.clear();
    let before = fake.requests().await.len();
    let out = run_ok(&mut release(&fake, dir.path(), &[]));
    assert!(out.contains("release v1.0.0: published"), "{out}");
    let rerun = fake.requests_since(before).await;
    assert_eq!(
        uploads_of(&rerun, "hello_linux_amd64"),
        0,
        "kept: {rerun:#?}"
    );
    assert_eq!(uploads_of(&rerun, "hello_linux_arm64"), 1);
    assert_eq!(
        non_get(&rerun)
            .iter()
            .filter(|r| r.starts_with("DELETE"))
            .count(),
        1,
        "the starter asset is deleted once"
    );
    assert_complete(&fake, &dir);
}

#[tokio::test]
async fn rate_limits_are_waited_out() {
    let Some(dir) = dist() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    fake.fault(
        "POST",
        "name=hello_darwin_arm64",
        1,
        FaultKind::Status {
            status: 403,
            headers: vec![("retry-after", "60".into())],
            body: json!({"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}),
        },
    );
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1800;
    fake.fault(
        "GET",
        "/releases/tags/",
        1,
        FaultKind::Status {
            status: 403,
            headers: vec![
                ("x-ratelimit-remaining", "0".into()),
                ("x-ratelimit-reset", reset.to_string()),
            ],
            body: json!({"message": "API rate limit exceeded for installation."}),
        },
    );
    let out = run_ok(&mut release(&fake, dir.path(), &[]));
    assert!(
        out.contains("secondary rate limit (HTTP 403, retry-after 60s); waiting 0s (of 60s, capped by GOCROSS_MAX_SLEEP) before attempt 2/5"),
        "{out}"
    );
    assert!(
        out.contains("rate limit exhausted (HTTP 403, resets in 18"),
        "{out}"
    );
    let requests = fake.requests().await;
    assert_eq!(uploads_of(&requests, "hello_darwin_arm64"), 2);
    assert_complete(&fake, &dir);

    assert_rerun_changes_nothing(&fake, &dir).await;
}

#[tokio::test]
async fn a_422_already_exists_after_a_retried_upload_keeps_the_landed_asset() {
    let Some(dir) = dist() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    // The 3rd upload lands, but its answer is lost (502); the retry gets 422 already_exists.
    fake.fault(
        "POST",
        "name=hello_darwin_arm64",
        1,
        FaultKind::StoredThen502,
    );
    let out = run_ok(&mut release(&fake, dir.path(), &[]));
    assert!(
        out.contains("hello_darwin_arm64 already exists (an earlier attempt may have landed)"),
        "{out}"
    );
    let requests = fake.requests().await;
    assert_eq!(uploads_of(&requests, "hello_darwin_arm64"), 2);
    assert!(
        !requests.iter().any(|r| r.starts_with("DELETE")),
        "the landed asset is kept: {requests:#?}"
    );
    assert_complete(&fake, &dir);

    assert_rerun_changes_nothing(&fake, &dir).await;
}

#[tokio::test]
async fn a_failure_before_publishing_leaves_a_draft_that_a_rerun_publishes() {
    let Some(dir) = dist() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    fake.fault(
        "PATCH",
        "/releases/",
        100,
        FaultKind::Status {
            status: 500,
            headers: vec![],
            body: json!({"message": "Server Error"}),
        },
    );
    let out = run_fails(&mut release(&fake, dir.path(), &[]));
    assert!(out.contains("HTTP 500"), "{out}");
    assert!(
        out.contains("still a draft: run the same command again"),
        "{out}"
    );
    {
        let s = fake.state();
        assert!(s.releases[0].draft);
        assert_eq!(s.releases[0].assets.len(), 5, "every asset is there");
        assert_eq!(s.publishes, 0);
    }

    fake.state().faults.clear();
    let before = fake.requests().await.len();
    run_ok(&mut release(&fake, dir.path(), &[]));
    let repo = format!("/repos/{OWNER}/{REPO}");
    assert_eq!(
        fake.requests_since(before).await,
        vec![
            format!("GET {repo}"),
            format!("GET {repo}/releases/tags/{TAG}"),
            format!("GET {repo}/releases?per_page=100&page=1"),
            format!("GET {repo}/releases/1/assets?per_page=100&page=1"),
            format!("GET {repo}/releases/1/assets?per_page=100&page=1"),
            format!("PATCH {repo}/releases/1"),
        ],
        "the draft is found, its assets kept, and it is published"
    );
    assert_complete(&fake, &dir);
}

#[tokio::test]
async fn a_draft_stays_a_draft_until_asked() {
    let Some(dir) = dist() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    let out = run_ok(&mut release(&fake, dir.path(), &["--draft"]));
    assert!(out.contains("left as a draft"), "{out}");
    assert!(fake.state().releases[0].draft);
    // A stray asset on the draft (from an older dist) is removed before publishing.
    let before = fake.requests().await.len();
    {
        let mut s = fake.state();
        let mut stray = s.releases[0].assets[0].clone();
        stray.id = 999;
        stray.name = "hello_linux_mips".into();
        s.releases[0].assets.push(stray);
    }
    let out = run_ok(&mut release(&fake, dir.path(), &[]));
    assert!(out.contains("release v1.0.0: published"), "{out}");
    let rerun = fake.requests_since(before).await;
    assert_eq!(
        non_get(&rerun),
        vec![
            format!("DELETE /repos/{OWNER}/{REPO}/releases/assets/999"),
            format!("PATCH /repos/{OWNER}/{REPO}/releases/1"),
        ]
    );
    assert_complete(&fake, &dir);
}

/// Rewrites one binary of the dist (and its manifest entry and checksums).
fn change_binary(dir: &tempfile::TempDir, name: &str) {
    let dist = dist_of(dir);
    let mut bytes = std::fs::read(dist.join(name)).unwrap();
    bytes.extend_from_slice(b"rebuilt");
    std::fs::write(dist.join(name), &bytes).unwrap();
    let mut manifest = Manifest::read(&dist).unwrap();
    let a = manifest
        .artifacts
        .iter_mut()
        .find(|a| a.name == name)
        .unwrap();
    a.size = bytes.len() as u64;
    a.sha256 = sha256(&bytes);
    manifest.write(&dist).unwrap();
    std::fs::write(dist.join(CHECKSUMS_FILE), manifest.checksums()).unwrap();
}

#[tokio::test]
async fn a_published_asset_that_differs_needs_replace() {
    let Some(dir) = dist() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    run_ok(&mut release(&fake, dir.path(), &[]));
    change_binary(&dir, "hello_linux_arm64");

    let before = fake.requests().await.len();
    let out = run_fails(&mut release(&fake, dir.path(), &[]));
    assert!(
        out.contains("nothing was changed")
            && out.contains("hello_linux_arm64: the published asset differs")
            && out.contains("checksums.txt: the published asset differs")
            && out.contains("pass --replace"),
        "{out}"
    );
    assert!(non_get(&fake.requests_since(before).await).is_empty());

    let out = run_ok(&mut release(&fake, dir.path(), &["--replace"]));
    assert!(out.contains("replaced"), "{out}");
    assert_complete(&fake, &dir);
}

#[tokio::test]
async fn an_immutable_release_with_missing_assets_is_refused_before_any_change() {
    let Some(dir) = dist() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    fake.state().immutable_releases = true;
    run_ok(&mut release(&fake, dir.path(), &[]));
    assert!(fake.state().releases[0].immutable);
    fake.state().releases[0]
        .assets
        .retain(|a| a.name != "hello_linux_arm64");

    let before = fake.requests().await.len();
    let out = run_fails(&mut release(&fake, dir.path(), &["--replace"]));
    assert!(
        out.contains(
            "hello_linux_arm64: missing, and the published release is immutable: publish a new tag"
        ),
        "{out}"
    );
    assert!(non_get(&fake.requests_since(before).await).is_empty());
}

#[tokio::test]
async fn without_digests_equal_sizes_are_downloaded_and_compared() {
    let Some(dir) = dist() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    fake.state().no_digest = true;
    run_ok(&mut release(&fake, dir.path(), &[]));
    let before = fake.requests().await.len();
    run_ok(&mut release(&fake, dir.path(), &[]));
    let rerun = fake.requests_since(before).await;
    assert!(non_get(&rerun).is_empty(), "{rerun:#?}");
    let downloads = rerun.iter().filter(|r| r.contains("/storage/")).count();
    assert_eq!(
        downloads, 5,
        "each asset downloaded through the redirect: {rerun:#?}"
    );
    assert_complete(&fake, &dir);
}

#[tokio::test]
async fn a_token_that_cannot_push_is_refused_before_any_change() {
    let Some(dir) = dist() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    fake.state().push = false;
    let out = run_fails(&mut release(&fake, dir.path(), &[]));
    assert!(
        out.contains("the token cannot write to octo-org/hello")
            && out.contains("permissions: contents: write"),
        "{out}"
    );
    assert!(non_get(&fake.requests().await).is_empty());
}

#[tokio::test]
async fn a_dist_that_is_not_ready_is_refused_without_the_network() {
    let Some(dir) = dist() else { return };
    let dist = dist_of(&dir);
    let mut manifest = Manifest::read(&dist).unwrap();
    let named = |m: &Manifest, name: &str| m.artifacts.iter().position(|a| a.name == name).unwrap();
    let arm64 = named(&manifest, "hello_linux_arm64");
    let darwin = named(&manifest, "hello_darwin_arm64");
    manifest.artifacts[arm64].audit = Some(ArtifactAudit {
        passed: false,
        violations: vec![gocross::manifest::Violation {
            rule: "static".into(),
            found: "dynamic".into(),
            allowed: "static".into(),
        }],
        ..Default::default()
    });
    manifest.artifacts[darwin].name = "hello darwin".into();
    manifest.write(&dist).unwrap();
    std::fs::write(dist.join("hello_windows_amd64.exe"), b"truncated").unwrap();
    // No GITHUB_API_URL that answers: the checks come first.
    let mut cmd = common::gocross();
    cmd.current_dir(dir.path())
        .args(["release", "--tag", TAG])
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_REPOSITORY", "octo-org/hello")
        .env("GITHUB_API_URL", "http://127.0.0.1:9");
    let out = run_fails(&mut cmd);
    for want in [
        "is not ready for a release",
        "hello_linux_arm64 (linux/arm64) failed its audit (static: found dynamic, allowed static)",
        "hello_windows_amd64.exe: changed since the build",
        "checksums.txt does not match manifest.json",
        "asset name `hello darwin` may hold only letters",
    ] {
        assert!(out.contains(want), "missing `{want}` in:\n{out}");
    }
}

#[tokio::test]
async fn the_token_never_appears_in_any_output() {
    let Some(dir) = dist() else { return };
    // The fake expects another token and echoes the Authorization header it got.
    let fake = FakeGitHub::start("another-token").await;
    let out = run_fails(&mut release(&fake, dir.path(), &[]));
    assert!(
        out.contains("HTTP 401: Bad credentials: Bearer ***"),
        "{out}"
    );
    assert!(out.contains("the token is invalid or expired"), "{out}");

    // Nothing listening.
    let mut cmd = release(&fake, dir.path(), &[]);
    cmd.env("GITHUB_API_URL", "http://127.0.0.1:9");
    let out = run_fails(&mut cmd);
    assert!(
        out.contains("GET http://127.0.0.1:9/repos/octo-org/hello"),
        "{out}"
    );

    // A token with a character no token has, and no repository.
    let mut cmd = release(&fake, dir.path(), &[]);
    cmd.env("GITHUB_TOKEN", format!("{TOKEN} x"));
    let out = run_fails(&mut cmd);
    assert!(out.contains("GITHUB_TOKEN holds characters"), "{out}");
    assert!(!out.contains(" x"), "{out}");
    let mut cmd = release(&fake, dir.path(), &[]);
    cmd.env_remove("GITHUB_REPOSITORY");
    let out = run_fails(&mut cmd);
    assert!(out.contains("pass `--repo OWNER/NAME`"), "{out}");

    // Success inside Actions: the only trace is the `::add-mask::` line the runner consumes,
    // and neither $GITHUB_OUTPUT nor the step summary holds it.
    let fake = FakeGitHub::start(TOKEN).await;
    let outputs = dir.path().join("github_output");
    let summary = dir.path().join("step_summary");
    let mut cmd = release(&fake, dir.path(), &[]);
    cmd.env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_STEP_SUMMARY", &summary);
    let (out, stdout, stderr) = common::run(&mut cmd);
    assert!(out.status.success(), "{stdout}{stderr}");
    let lines_with_token: Vec<&str> = stdout
        .lines()
        .chain(stderr.lines())
        .filter(|l| l.contains(TOKEN))
        .collect();
    assert_eq!(lines_with_token, [format!("::add-mask::{TOKEN}")]);
    let outputs = std::fs::read_to_string(outputs).unwrap();
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(
        outputs.contains(&format!(
            "release-url=https://github.com/{OWNER}/{REPO}/releases/tag/{TAG}"
        )),
        "{outputs}"
    );
    assert!(summary.contains("| `hello_linux_arm64` |"), "{summary}");
    assert!(!outputs.contains(TOKEN) && !summary.contains(TOKEN));
}

#[tokio::test]
async fn enterprise_server_urls_carry_their_api_and_upload_paths() {
    let Some(dir) = dist() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    let mut cmd = release(&fake, dir.path(), &[]);
    cmd.env("GITHUB_API_URL", format!("{}/api/v3/", fake.url()));
    run_ok(&mut cmd);
    assert_complete(&fake, &dir);
    let requests = fake.requests().await;
    for r in &requests {
        let path = r.split_once(' ').unwrap().1;
        if r.starts_with("POST ") && path.contains("/assets?name=") {
            assert!(path.starts_with("/api/uploads/repos/"), "{r}");
        } else {
            assert!(path.starts_with("/api/v3/repos/"), "{r}");
        }
    }
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.contains("/api/uploads/"))
            .count(),
        5
    );
}

#[tokio::test]
async fn release_settings_come_from_gocross_yaml() {
    let Some(dir) = dist() else { return };
    std::fs::write(
        dir.path().join("gocross.yaml"),
        "version: 1\nproject: hello\ntargets: [linux/amd64, linux/arm64, darwin/arm64, windows/amd64]\nrelease:\n  draft: true\n  checksums: false\n",
    )
    .unwrap();
    let fake = FakeGitHub::start(TOKEN).await;
    let out = run_ok(&mut release(&fake, dir.path(), &[]));
    assert!(out.contains("left as a draft, 4 assets"), "{out}");
    let s = fake.state();
    assert!(s.releases[0].draft);
    assert!(
        !s.releases[0]
            .assets
            .iter()
            .any(|a| a.name == CHECKSUMS_FILE),
        "checksums: false"
    );
}

/// The release job downloads each leg's dist/ into dist/<artifact>/: splits `dist` the same
/// way, one manifest per target, and no joint checksums.txt. Returns the whole manifest.
fn split_into_legs(dist: &Path) -> Manifest {
    let whole = Manifest::read(dist).unwrap();
    for artifact in &whole.artifacts {
        let leg = dist.join(format!("gocross-{}", artifact.name));
        std::fs::create_dir(&leg).unwrap();
        std::fs::rename(dist.join(&artifact.name), leg.join(&artifact.name)).unwrap();
        let one = Manifest {
            artifacts: vec![artifact.clone()],
            ..whole.clone()
        };
        one.write(&leg).unwrap();
        std::fs::write(leg.join(CHECKSUMS_FILE), one.checksums()).unwrap();
    }
    std::fs::remove_file(dist.join("manifest.json")).unwrap();
    std::fs::remove_file(dist.join(CHECKSUMS_FILE)).unwrap();
    whole
}

/// The workflow's path with `release.sign`: `--prepare` writes the joint checksums.txt of the
/// legs without a request or a token; cosign signs it (here with a key, as the workflow's
/// keyless signature writes the same bundle format); the release refuses a bundle of other
/// bytes before its first request, and publishes a matching one with everything else.
#[tokio::test]
async fn signed_checksums_are_prepared_offline_then_released_with_their_bundle() {
    let Some(dir) = dist() else { return };
    if !common::require_tool("cosign", "scripts/test installs cosign") {
        return;
    }
    std::fs::write(
        dir.path().join("gocross.yaml"),
        "version: 1\nproject: hello\ntargets: [linux/amd64, linux/arm64, darwin/arm64, windows/amd64]\nrelease:\n  sign: true\n",
    )
    .unwrap();
    let dist = dist_of(&dir);
    let whole = split_into_legs(&dist);
    let fake = FakeGitHub::start(TOKEN).await;

    let mut prepare = release(&fake, dir.path(), &["--prepare"]);
    prepare.env_remove("GITHUB_TOKEN");
    let out = run_ok(&mut prepare);
    assert!(out.contains("ready for release v1.0.0"), "{out}");
    assert_eq!(
        std::fs::read_to_string(dist.join(CHECKSUMS_FILE)).unwrap(),
        whole.checksums()
    );
    assert!(fake.requests().await.is_empty(), "--prepare sends nothing");

    let keys = tempfile::tempdir().unwrap();
    common::run_ok(
        Command::new("cosign")
            .current_dir(keys.path())
            .arg("generate-key-pair")
            .env("COSIGN_PASSWORD", ""),
    );
    let bundle = dist.join("checksums.txt.sigstore.json");
    let sign = |file: &Path| {
        common::run_ok(
            Command::new("cosign")
                .args([
                    "sign-blob",
                    "--yes",
                    "--new-bundle-format",
                    "--tlog-upload=false",
                ])
                .arg("--key")
                .arg(keys.path().join("cosign.key"))
                .arg("--bundle")
                .arg(&bundle)
                .arg(file)
                .env("COSIGN_PASSWORD", ""),
        );
    };
    let other = keys.path().join("other.txt");
    std::fs::write(&other, "0123  hello_linux_amd64\n").unwrap();
    sign(&other);
    let out = run_fails(&mut release(&fake, dir.path(), &[]));
    assert!(
        out.contains("checksums.txt.sigstore.json: signs sha256 "),
        "{out}"
    );
    assert!(
        fake.requests().await.is_empty(),
        "refused before the first request"
    );

    sign(&dist.join(CHECKSUMS_FILE));
    let out = run_ok(&mut release(&fake, dir.path(), &[]));
    assert!(out.contains("release v1.0.0: published, 6 assets"), "{out}");
    let s = fake.state();
    let published = s.releases.iter().find(|r| r.tag == TAG).unwrap();
    let held = published
        .assets
        .iter()
        .find(|a| a.name == "checksums.txt.sigstore.json")
        .expect("the bundle is released");
    assert_eq!(held.bytes, std::fs::read(&bundle).unwrap());
}

#[tokio::test]
async fn the_workflow_layout_of_one_directory_per_build_leg_is_released_whole() {
    let Some(dir) = dist() else { return };
    let dist = dist_of(&dir);
    let whole = split_into_legs(&dist);

    let fake = FakeGitHub::start(TOKEN).await;
    let out = run_ok(&mut release(&fake, dir.path(), &[]));
    assert!(out.contains("release v1.0.0: published"), "{out}");
    let s = fake.state();
    let release = s.releases.iter().find(|r| r.tag == TAG).unwrap();
    let mut names: Vec<&str> = release.assets.iter().map(|a| a.name.as_str()).collect();
    names.sort();
    let mut want: Vec<&str> = TARGETS
        .iter()
        .map(|t| t.2)
        .chain([CHECKSUMS_FILE])
        .collect();
    want.sort();
    assert_eq!(names, want);
    let checksums = release
        .assets
        .iter()
        .find(|a| a.name == CHECKSUMS_FILE)
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&checksums.bytes),
        whole.checksums(),
        "one checksums file for every leg"
    );
}

#[tokio::test]
async fn a_tag_push_names_the_tag_and_the_stamped_version_must_agree() {
    let Some(dir) = dist() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    let release_from_env = |ref_type: &str, name: &str, extra: &[&str]| {
        let mut cmd = common::gocross();
        cmd.current_dir(dir.path())
            .arg("release")
            .args(extra)
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_REPOSITORY", format!("{OWNER}/{REPO}"))
            .env("GITHUB_API_URL", fake.url())
            .env("GITHUB_REF_TYPE", ref_type)
            .env("GITHUB_REF_NAME", name)
            .env("GOCROSS_MAX_SLEEP", "0");
        cmd
    };
    // A branch run names no tag.
    let (ok, out) = run(&mut release_from_env("branch", "main", &[]));
    assert!(!ok && out.contains("which tag? pass --tag"), "{out}");
    // A tag that is not the stamped version: refused before any request.
    let (ok, out) = run(&mut release_from_env("tag", "v9.9.9", &[]));
    assert!(!ok, "{out}");
    assert!(
        out.contains("the binaries are stamped 1.0.0 but the tag is v9.9.9"),
        "{out}"
    );
    assert!(
        fake.requests().await.is_empty(),
        "no request for a refused release"
    );
    // The tag of the push, `v` and all, agrees with the stamped 1.0.0.
    let out = run_ok(&mut release_from_env("tag", TAG, &[]));
    assert!(out.contains(&format!("release {TAG}: published")), "{out}");
    // An explicit override releases a mismatch.
    let out = run_ok(&mut release_from_env(
        "tag",
        "v9.9.9",
        &["--allow-version-mismatch"],
    ));
    assert!(out.contains("release v9.9.9: published"), "{out}");
}
