//! gocross probed as an attacker and an unlucky user would probe it: one test per property
//! that must hold, each running the real binary. dist/ trees and manifests are hostile input
//! to the release (a leg uploaded them); the GitHub API is the test's stand-in.

mod common;
mod fake_github;

use fake_github::{FakeGitHub, OWNER, REPO};
use gocross::manifest::{CHECKSUMS_FILE, Manifest};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const TOKEN: &str = "ghs_Hardening0Token1Never2Leaves3";

/// A copy of a module whose dist/ `gocross build --version 1.0.0` wrote for linux/amd64 and
/// linux/arm64 with SBOMs (built once per test run in target/test-builds).
fn built() -> Option<tempfile::TempDir> {
    static MODULE: OnceLock<PathBuf> = OnceLock::new();
    if !common::require_tool("go", "install Go") {
        return None;
    }
    let module = MODULE.get_or_init(|| {
        let module = common::build_dir("hardening-dist");
        common::copy_module_to(&common::example("hello"), &module);
        std::fs::write(
            module.join("gocross.yaml"),
            "version: 1\nproject: hello\ntargets: [linux/amd64, linux/arm64]\nrelease:\n  sbom: true\n",
        )
        .unwrap();
        common::run_ok(
            common::gocross()
                .arg("-C")
                .arg(&module)
                .args(["build", "--version", "1.0.0", "--no-verify"]),
        );
        module
    });
    let dir = tempfile::tempdir().unwrap();
    common::run_ok(
        Command::new("cp")
            .arg("-a")
            .arg(format!("{}/.", module.display()))
            .arg(dir.path()),
    );
    Some(dir)
}

/// `gocross release --tag v1.0.0` in `dir` against the fake; (success, all output).
fn release(fake: &FakeGitHub, dir: &Path) -> (bool, String) {
    let (out, stdout, stderr) = common::run(
        common::gocross()
            .current_dir(dir)
            .args(["release", "--tag", "v1.0.0"])
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_REPOSITORY", format!("{OWNER}/{REPO}"))
            .env("GITHUB_API_URL", fake.url())
            .env("GOCROSS_MAX_SLEEP", "0"),
    );
    let all = format!("{stdout}{stderr}");
    assert!(!all.contains(TOKEN), "the token leaked:\n{all}");
    (out.status.success(), all)
}

/// Rewrites dist/manifest.json (and checksums.txt to match it, as an attacker who controls
/// the leg's upload would).
fn tamper(dist: &Path, change: impl FnOnce(&mut Manifest)) {
    let mut m = Manifest::read(dist).unwrap();
    change(&mut m);
    m.write(dist).unwrap();
    std::fs::write(dist.join(CHECKSUMS_FILE), m.checksums()).unwrap();
}

fn sha256_of(path: &Path) -> (u64, String) {
    gocross::digest::sha256_file(path).unwrap()
}

/// Item 1: every file the release reads resolves inside dist/ without following symlinks,
/// and anything else is refused before the first request.
#[tokio::test]
async fn the_release_reads_only_files_inside_dist() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret");
    std::fs::write(&secret, "a file outside dist/\n").unwrap();
    let (size, sha) = sha256_of(&secret);
    type Attack = fn(&Path, &Path) -> String;
    let attacks: [(&str, Attack, &str); 3] = [
        (
            "an absolute path",
            |_, secret| secret.display().to_string(),
            "is not a path inside dist/",
        ),
        (
            "a symlinked directory",
            |dist, secret| {
                std::os::unix::fs::symlink(secret.parent().unwrap(), dist.join("leg")).unwrap();
                "leg/secret".into()
            },
            "a directory on its path is a symbolic link",
        ),
        (
            "a symlinked binary",
            |dist, secret| {
                std::fs::remove_file(dist.join("hello_linux_amd64")).unwrap();
                std::os::unix::fs::symlink(secret, dist.join("hello_linux_amd64")).unwrap();
                "hello_linux_amd64".into()
            },
            "the file is a symbolic link",
        ),
    ];
    for (what, attack, refusal) in attacks {
        let Some(dir) = built() else { return };
        let dist = dir.path().join("dist");
        let path = attack(&dist, &secret);
        tamper(&dist, |m| {
            let a = m
                .artifacts
                .iter_mut()
                .find(|a| a.name == "hello_linux_amd64")
                .unwrap();
            (a.path, a.size, a.sha256) = (path, size, sha.clone());
        });
        let fake = FakeGitHub::start(TOKEN).await;
        let (ok, out) = release(&fake, dir.path());
        assert!(!ok, "{what}: released\n{out}");
        assert!(out.contains(refusal), "{what}:\n{out}");
        assert!(
            fake.requests().await.is_empty(),
            "{what}: a request was sent"
        );
    }
}

/// Item 2: an SBOM carries a recorded digest and the same checks as a binary.
#[tokio::test]
async fn sboms_are_checked_like_binaries() {
    // Edited after the build.
    let Some(dir) = built() else { return };
    let sbom = dir.path().join("dist/hello_linux_amd64.cdx.json");
    let mut text = std::fs::read_to_string(&sbom).unwrap();
    text.push(' ');
    std::fs::write(&sbom, text).unwrap();
    let fake = FakeGitHub::start(TOKEN).await;
    let (ok, out) = release(&fake, dir.path());
    assert!(
        !ok && out.contains("hello_linux_amd64.cdx.json: changed since the build"),
        "{out}"
    );
    assert!(fake.requests().await.is_empty());

    // Replaced by a link to gocross's own environment, which holds the token.
    let Some(dir) = built() else { return };
    let sbom = dir.path().join("dist/hello_linux_amd64.cdx.json");
    std::fs::remove_file(&sbom).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", &sbom).unwrap();
    let fake = FakeGitHub::start(TOKEN).await;
    let (ok, out) = release(&fake, dir.path());
    assert!(!ok && out.contains("the file is a symbolic link"), "{out}");
    assert!(fake.requests().await.is_empty());
    assert!(fake.state().releases.is_empty());

    // Untouched, the SBOMs are released and listed in checksums.txt.
    let Some(dir) = built() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    let (ok, out) = release(&fake, dir.path());
    assert!(ok, "{out}");
    let checksums = std::fs::read_to_string(dir.path().join("dist").join(CHECKSUMS_FILE)).unwrap();
    assert!(
        checksums.contains("  hello_linux_amd64.cdx.json\n"),
        "{checksums}"
    );
    let s = fake.state();
    let names: Vec<&str> = s.releases[0]
        .assets
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert!(names.contains(&"hello_linux_arm64.cdx.json"), "{names:?}");
}

/// Item 6: an API answer that echoes the token in another form (upper case, base64 as in a
/// Basic header, split by zero-width characters) never reaches the output.
#[tokio::test]
async fn the_token_stays_secret_in_every_form() {
    use base64::Engine as _;
    let Some(dir) = built() else { return };
    let b64 = base64::engine::general_purpose::STANDARD;
    let split: String = TOKEN.chars().map(|c| format!("{c}\u{200B}")).collect();
    let forms = [
        TOKEN.to_uppercase(),
        b64.encode(format!("x-access-token:{TOKEN}")),
        b64.encode(TOKEN),
        split,
    ];
    let fake = FakeGitHub::start(TOKEN).await;
    fake.fault(
        "GET",
        &format!("/repos/{OWNER}/{REPO}"),
        1,
        fake_github::FaultKind::Status {
            status: 404,
            headers: vec![],
            body: serde_json::json!({"message": format!("Not Found: {}", forms.join(" | "))}),
        },
    );
    let (ok, out) = release(&fake, dir.path());
    assert!(!ok, "{out}");
    assert!(out.contains("Not Found: ***"), "{out}");
    let visible: String = out.chars().filter(|c| *c != '\u{200B}').collect();
    assert!(
        !visible.to_lowercase().contains(&TOKEN.to_lowercase()),
        "{out}"
    );
    for form in &forms[1..3] {
        // The characters that encode the token's bytes alone (the padding may differ).
        let core = &form[form.len() / 4..form.len() * 3 / 4];
        assert!(!out.contains(core), "a base64 form leaked:\n{out}");
    }
}

/// Item 11: a line break in an action input is refused, never cut; a value from a hostile
/// manifest cannot start a workflow command in the job log.
#[tokio::test]
async fn output_cannot_smuggle_workflow_commands() {
    // The action's run step, with a gocross on PATH that records that it ran.
    let scratch = tempfile::tempdir().unwrap();
    let ran = scratch.path().join("ran");
    let fake_gocross = scratch.path().join("gocross");
    std::fs::write(
        &fake_gocross,
        format!("#!/bin/sh\n: > '{}'\n", ran.display()),
    )
    .unwrap();
    common::run_ok(Command::new("chmod").arg("+x").arg(&fake_gocross));
    for input in [
        "INPUT_ARGS",
        "INPUT_TARGET",
        "INPUT_COMMAND",
        "INPUT_CONFIG",
    ] {
        let (out, stdout, _) = common::run(
            Command::new("bash")
                .arg(common::repo().join("action/run.sh"))
                .env(
                    "PATH",
                    format!("{}:/usr/bin:/bin", scratch.path().display()),
                )
                .env(input, "build\n::warning::smuggled"),
        );
        assert_eq!(out.status.code(), Some(1), "{input}: {stdout}");
        assert!(stdout.contains("input holds a line break"), "{stdout}");
        assert!(
            !stdout.lines().any(|l| l.starts_with("::warning")),
            "{stdout}"
        );
        assert!(!ran.exists(), "{input}: gocross ran with a cut input");
    }

    // A manifest whose names carry a line break and a command, released under Actions.
    let Some(dir) = built() else { return };
    let dist = dir.path().join("dist");
    tamper(&dist, |m| {
        m.artifacts[0].target = "linux/amd64\n::warning::smuggled".into();
        m.artifacts[0].name = "x\n::error::smuggled".into();
    });
    let fake = FakeGitHub::start(TOKEN).await;
    let (out, stdout, stderr) = common::run(
        common::gocross()
            .current_dir(dir.path())
            .args(["release", "--tag", "v1.0.0"])
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_REPOSITORY", format!("{OWNER}/{REPO}"))
            .env("GITHUB_API_URL", fake.url()),
    );
    assert!(!out.status.success());
    assert!(stderr.contains("smuggled"), "the value is shown: {stderr}");
    for line in stdout.lines().chain(stderr.lines()) {
        let line = line.trim_start();
        assert!(
            !(line.starts_with("::warning") || line.starts_with("::error::smuggled")),
            "a smuggled command: {line}"
        );
    }
}

/// Item 13: `ci generate` never replaces a workflow that gocross did not write, unless
/// `--force`.
#[test]
fn ci_generate_keeps_a_hand_written_workflow() {
    if !common::require_pinned_build() {
        return;
    }
    let repo = common::copy_module(&common::example("hello"));
    std::fs::create_dir_all(repo.path().join(".git")).unwrap();
    let workflow = repo.path().join(".github/workflows/release.yml");
    std::fs::create_dir_all(workflow.parent().unwrap()).unwrap();
    let hand_written = "name: release\non: push\njobs: {}\n";
    std::fs::write(&workflow, hand_written).unwrap();
    let mut config = std::fs::read_to_string(repo.path().join("gocross.yaml")).unwrap();
    config.push_str("ci:\n  workflow: .github/workflows/release.yml\n");
    std::fs::write(repo.path().join("gocross.yaml"), config).unwrap();
    let generate = |extra: &[&str]| {
        common::run(
            common::gocross()
                .arg("-C")
                .arg(repo.path())
                .args(["ci", "generate"])
                .args(extra),
        )
    };
    let (out, _, stderr) = generate(&[]);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("was not written by gocross"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&workflow).unwrap(), hand_written);
    let (out, _, stderr) = generate(&["--force"]);
    assert!(out.status.success(), "{stderr}");
    assert!(
        std::fs::read_to_string(&workflow)
            .unwrap()
            .starts_with("# Generated by gocross")
    );
    // A file gocross wrote is simply written again.
    let (out, _, stderr) = generate(&[]);
    assert!(out.status.success(), "{stderr}");
}
