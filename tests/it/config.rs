//! gocross.yaml as the commands that start from artifacts read it: `verify`, `audit`, `release`
//! and `report` work without one, and all four refuse a broken one with the same positioned
//! error, before they run, read or publish anything. The dist/ is a real `gocross build` of
//! examples/hello; GitHub is the stateful stand-in of tests/it/fake_github.

use crate::common;
use crate::fake_github;

use fake_github::{FakeGitHub, OWNER, REPO};
use serde_json::json;
use std::path::Path;
use std::process::Command;

const TOKEN: &str = "ghs_Fake1Token2For3Config4Tests5";
const HEAD_SHA: &str = "3333333333333333333333333333333333333333";
const BINARY: &str = "dist/hello_linux_amd64";

/// An override's `verify: {timeout: 0}`, after a valid top-level `timeout:`: the error must
/// name the override's line, not the first `timeout:` in the file.
const BROKEN: &str = "version: 1
project: hello
targets: [linux/amd64]
verify:
  timeout: 30
overrides:
  - targets: [linux/amd64]
    verify: {timeout: 0}
";

/// What each command prints for [`BROKEN`], line by line.
const ERROR: [&str; 4] = [
    "error: gocross.yaml:8:23: key `overrides[0].verify.timeout`: must be at least 1 second",
    "  |",
    "8 |     verify: {timeout: 0}",
    "  |                       ^",
];

/// A copy of examples/hello whose dist/ a real `gocross build --version 1.0.0` wrote for
/// linux/amd64 (built once per test run in target/test-builds), with the event payload of
/// pull request #7, and gocross.yaml replaced by `config` (removed for `None`).
fn module(config: Option<&str>) -> Option<tempfile::TempDir> {
    if !common::require_tool("go", "install Go from https://go.dev/dl") {
        return None;
    }
    let dir = common::built_copy(
        "config-dist",
        "hello",
        None,
        &["--version", "1.0.0", "--target", "linux/amd64"],
    );
    let config_path = dir.path().join("gocross.yaml");
    match config {
        Some(text) => std::fs::write(&config_path, text).unwrap(),
        None => std::fs::remove_file(&config_path).unwrap(),
    }
    std::fs::write(
        dir.path().join("event.json"),
        json!({"action": "synchronize", "number": 7,
               "pull_request": {"number": 7, "head": {"sha": HEAD_SHA}}})
        .to_string(),
    )
    .unwrap();
    Some(dir)
}

/// The four commands in `dir`, with `gocross release` and `gocross report` pointed at the
/// fake as a workflow run would point them at GitHub.
fn commands(fake: &FakeGitHub, dir: &Path) -> Vec<(&'static str, Command)> {
    let github = |args: &[&str]| {
        let mut cmd = common::gocross();
        cmd.current_dir(dir)
            .args(args)
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_REPOSITORY", format!("{OWNER}/{REPO}"))
            .env("GITHUB_API_URL", fake.url())
            .env("GITHUB_SHA", HEAD_SHA)
            .env("GITHUB_EVENT_PATH", dir.join("event.json"))
            .env("GITHUB_STEP_SUMMARY", dir.join("step_summary.md"))
            .env("GOCROSS_MAX_SLEEP", "0")
            .env_remove("GOCROSS_UPLOAD_URL")
            .env_remove("GITHUB_WORKSPACE");
        cmd
    };
    let local = |args: &[&str]| {
        let mut cmd = common::gocross();
        cmd.current_dir(dir).args(args);
        cmd
    };
    vec![
        (
            "verify",
            local(&["verify", "--target", "linux/amd64", BINARY]),
        ),
        ("audit", local(&["audit", BINARY])),
        ("release", github(&["release", "--tag", "v1.0.0"])),
        ("report", github(&["report"])),
    ]
}

#[tokio::test]
async fn a_broken_config_stops_every_command_at_its_place() {
    let Some(dir) = module(Some(BROKEN)) else {
        return;
    };
    let fake = FakeGitHub::start(TOKEN).await;
    for (name, mut cmd) in commands(&fake, dir.path()) {
        let (out, stdout, stderr) = common::run(&mut cmd);
        assert_eq!(
            out.status.code(),
            Some(1),
            "gocross {name} with a broken gocross.yaml:\n{stdout}{stderr}"
        );
        let printed: Vec<&str> = stderr.lines().collect();
        assert_eq!(printed, ERROR, "gocross {name} printed:\n{stderr}");
        assert_eq!(stdout, "", "gocross {name} did nothing");
    }
    assert_eq!(
        fake.requests().await,
        Vec::<String>::new(),
        "nothing reached GitHub"
    );
    assert!(
        !dir.path().join("step_summary.md").exists(),
        "no step summary was written"
    );
}

#[tokio::test]
async fn without_a_config_every_command_works() {
    let Some(dir) = module(None) else {
        return;
    };
    let fake = FakeGitHub::start(TOKEN).await;
    for (name, mut cmd) in commands(&fake, dir.path()) {
        let (out, stdout, stderr) = common::run(&mut cmd);
        assert!(
            out.status.success(),
            "gocross {name} without gocross.yaml failed:\n{stdout}{stderr}"
        );
        assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));
    }
    let state = fake.state();
    let release = state
        .releases
        .iter()
        .find(|r| r.tag == "v1.0.0")
        .expect("the release was published");
    assert!(!release.draft);
    let mut assets: Vec<&str> = release.assets.iter().map(|a| a.name.as_str()).collect();
    assets.sort();
    assert_eq!(assets, ["checksums.txt", "hello_linux_amd64"]);
    assert_eq!(state.check_runs.len(), 1, "one check run");
    assert_eq!(state.check_runs[0].head_sha, HEAD_SHA);
}
