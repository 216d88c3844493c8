//! Files inside the module and the repository, and a config that would make `go build` run
//! a program, probed with the real binary: archived files, leg files the report reads and the
//! workflow `ci init`/`ci generate` write never go through a symbolic link, and `GOFLAGS` (in
//! gocross.yaml or imported from GoReleaser) holds none of the flags `flags` refuses.

use crate::common;
use crate::fake_github;

use common::{gocross, run};
use fake_github::{FakeGitHub, OWNER, REPO};
use gocross::gotest::{TargetTests, TestReport};
use gocross::manifest::{Artifact, Manifest};
use std::path::Path;

const TOKEN: &str = "ghs_Trust0Files1Token2";
/// What the files outside the module hold: it must never reach an archive or a request.
const OUTSIDE: &str = "OUTSIDE-THE-MODULE-4711";

/// A copy of examples/hello that builds linux/amd64 into archives holding `docs/*`, with
/// `docs` a symbolic link to a directory outside the module.
#[test]
fn archived_files_never_come_through_a_linked_directory() {
    if !common::require_tool("go", "install Go") {
        return;
    }
    let module = common::copy_module(&common::example("hello"));
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), OUTSIDE).unwrap();
    std::fs::write(
        module.path().join("gocross.yaml"),
        "version: 1\nproject: hello\ntargets: [linux/amd64]\narchives:\n  files: [\"docs/*\"]\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), module.path().join("docs")).unwrap();
    let (out, stdout, stderr) = run(gocross().arg("-C").arg(module.path()).args([
        "build",
        "--no-verify",
        "--version",
        "1.0.0",
    ]));
    assert!(!out.status.success(), "built:\n{stdout}{stderr}");
    assert!(
        stderr.contains("`docs/*` in `archives.files`")
            && stderr.contains("a directory on its path is a symbolic link"),
        "{stderr}"
    );
    let dist = module.path().join("dist");
    for entry in std::fs::read_dir(&dist).unwrap().filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tar.gz"), "an archive was written: {name}");
    }

    // The same files in a real directory are archived.
    std::fs::remove_file(module.path().join("docs")).unwrap();
    std::fs::create_dir(module.path().join("docs")).unwrap();
    std::fs::write(module.path().join("docs/guide.md"), "guide\n").unwrap();
    let (out, stdout, stderr) = run(gocross().arg("-C").arg(module.path()).args([
        "build",
        "--no-verify",
        "--version",
        "1.0.0",
    ]));
    assert!(out.status.success(), "{stdout}{stderr}");
    let manifest = Manifest::read(&dist).unwrap();
    assert!(
        manifest.archives[0]
            .entries
            .contains(&"docs/guide.md".into()),
        "{:?}",
        manifest.archives[0].entries
    );
}

/// `gocross report` refuses a manifest.json or tests.json that is a symbolic link (at the top
/// of dist/ or in a leg's directory) before it sends anything.
#[tokio::test]
async fn the_report_reads_no_leg_file_through_a_link() {
    let outside = tempfile::tempdir().unwrap();
    let mut t = TargetTests::not_run(&"linux/amd64".parse().unwrap(), "qemu", OUTSIDE.into());
    t.reason = Some(OUTSIDE.into());
    TestReport::new("go1.26.0".into(), OUTSIDE.into(), vec![t], false)
        .store(outside.path())
        .unwrap();
    let manifest = |dir: &Path| {
        Manifest {
            version: "1.0.0".into(),
            go: "go1.26.0".into(),
            project: "hello".into(),
            artifacts: vec![Artifact {
                target: "linux/amd64".into(),
                name: "hello_linux_amd64".into(),
                path: "hello_linux_amd64".into(),
                sha256: "ab".repeat(32),
                ..Default::default()
            }],
            ..Default::default()
        }
        .write(dir)
        .unwrap();
    };
    manifest(outside.path());
    type Layout = fn(&Path, &Path);
    let layouts: [(&str, Layout); 3] = [
        ("dist/tests.json", |dist, outside| {
            manifest_in(dist);
            std::os::unix::fs::symlink(outside.join("tests.json"), dist.join("tests.json"))
                .unwrap();
        }),
        ("a leg's tests.json", |dist, outside| {
            let leg = dist.join("gocross-hello_linux_amd64");
            manifest_in(&leg);
            std::os::unix::fs::symlink(outside.join("tests.json"), leg.join("tests.json")).unwrap();
        }),
        ("dist/manifest.json", |dist, outside| {
            std::fs::create_dir_all(dist).unwrap();
            std::os::unix::fs::symlink(outside.join("manifest.json"), dist.join("manifest.json"))
                .unwrap();
        }),
    ];
    for (what, layout) in layouts {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("event.json"),
            r#"{"number": 7, "pull_request": {"number": 7, "head": {"sha": "1111111111111111111111111111111111111111"}}}"#,
        )
        .unwrap();
        layout(&dir.path().join("dist"), outside.path());
        let fake = FakeGitHub::start(TOKEN).await;
        let (out, stdout, stderr) = run(gocross()
            .current_dir(dir.path())
            .arg("report")
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_REPOSITORY", format!("{OWNER}/{REPO}"))
            .env("GITHUB_API_URL", fake.url())
            .env("GITHUB_EVENT_PATH", dir.path().join("event.json"))
            .env("GITHUB_STEP_SUMMARY", dir.path().join("summary.md"))
            .env("GOCROSS_MAX_SLEEP", "0"));
        let all = format!("{stdout}{stderr}");
        assert!(!out.status.success(), "{what}: reported\n{all}");
        assert!(all.contains("is a symbolic link"), "{what}:\n{all}");
        assert!(!all.contains(OUTSIDE), "{what}:\n{all}");
        assert!(
            fake.requests().await.is_empty(),
            "{what}: a request was sent"
        );
        let summary = std::fs::read_to_string(dir.path().join("summary.md")).unwrap_or_default();
        assert!(!summary.contains(OUTSIDE), "{what}: {summary}");
    }
}

/// A leg's manifest.json, written as a build leg uploads it.
fn manifest_in(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    Manifest {
        version: "1.0.0".into(),
        go: "go1.26.0".into(),
        project: "hello".into(),
        ..Default::default()
    }
    .write(dir)
    .unwrap();
}

/// `ci init` and `ci generate` refuse to write the workflow through a linked `.github` or
/// `.github/workflows`, and write nothing at all.
#[test]
fn the_workflow_is_never_written_through_a_link() {
    for linked in [".github", ".github/workflows"] {
        let repo = common::copy_module(&common::example("hello"));
        let dir = repo.path();
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::remove_file(dir.join("gocross.yaml")).unwrap();
        let outside = tempfile::tempdir().unwrap();
        let link = dir.join(linked);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(outside.path(), &link).unwrap();
        let ci = |args: &[&str]| {
            let mut cmd = gocross();
            cmd.arg("-C").arg(dir).arg("ci").args(args);
            cmd.stdin(std::process::Stdio::null());
            cmd
        };
        let (out, stdout, stderr) = run(&mut ci(&[
            "init",
            "--yes",
            "--action",
            common::PINNED_ACTION,
        ]));
        assert!(!out.status.success(), "{linked}: init wrote\n{stdout}");
        assert!(
            stderr.contains("is a symbolic link")
                && stderr.contains("replace the link with a directory"),
            "{linked}: {stderr}"
        );
        assert!(
            !dir.join("gocross.yaml").exists(),
            "{linked}: init wrote gocross.yaml before it refused"
        );
        assert_eq!(
            walk(outside.path()),
            Vec::<String>::new(),
            "{linked}: written outside"
        );

        // With the link out of the way init succeeds; put back, generate refuses it too.
        std::fs::remove_file(&link).unwrap();
        common::run_ok(&mut ci(&[
            "init",
            "--yes",
            "--action",
            common::PINNED_ACTION,
        ]));
        std::fs::remove_dir_all(dir.join(".github")).unwrap();
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(outside.path(), &link).unwrap();
        let (out, _, stderr) = run(&mut ci(&["generate", "--force"]));
        assert!(!out.status.success(), "{linked}: generate wrote");
        assert!(stderr.contains("is a symbolic link"), "{linked}: {stderr}");
        assert_eq!(walk(outside.path()), Vec::<String>::new());
    }
}

/// Every file under `dir`, relative to it.
fn walk(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            found.extend(
                walk(&path)
                    .into_iter()
                    .map(|p| format!("{}/{p}", entry.file_name().to_string_lossy())),
            );
        } else {
            found.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    found
}

/// `GOFLAGS=-toolexec=...` in any `env:` of gocross.yaml is refused at its line before
/// anything is built, and a GoReleaser `builds[].env` carrying it is imported without it,
/// with a note.
#[test]
fn goflags_cannot_make_go_build_run_a_program() {
    if !common::require_tool("go", "install Go") {
        return;
    }
    let module = common::copy_module(&common::example("hello"));
    let dir = module.path();
    let marker = dir.join("toolexec-ran");
    let tool = dir.join("tool.sh");
    std::fs::write(
        &tool,
        format!("#!/bin/sh\ntouch {}\nexec \"$@\"\n", marker.display()),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let cases = [
        (
            format!(
                "version: 1\nproject: hello\ntargets: [linux/amd64]\nenv:\n  GOEXPERIMENT: \"\"\n  GOFLAGS: -trimpath -toolexec={}\n",
                tool.display()
            ),
            "gocross.yaml:6:",
            "env.GOFLAGS",
        ),
        (
            format!(
                "version: 1\nproject: hello\ntargets: [linux/amd64]\noverrides:\n  - targets: [linux/amd64]\n    env:\n      GOFLAGS: \"-mod=mod '-toolexec={}'\"\n",
                tool.display()
            ),
            "gocross.yaml:7:",
            "overrides[0].env.GOFLAGS",
        ),
        (
            "version: 1\nproject: hello\ntargets: [linux/amd64]\nbinaries:\n  - name: hello\n    env:\n      GOENV: ./go.env\n".to_string(),
            "gocross.yaml:7:",
            "binaries[0].env.GOENV",
        ),
    ];
    for (config, at, key) in cases {
        std::fs::write(dir.join("gocross.yaml"), &config).unwrap();
        let (out, stdout, stderr) =
            run(gocross().arg("-C").arg(dir).args(["build", "--no-verify"]));
        assert!(!out.status.success(), "{key}: built\n{stdout}{stderr}");
        assert!(
            stderr.contains(at) && stderr.contains(key),
            "{key}: not at {at}:\n{stderr}"
        );
        assert!(!marker.exists(), "{key}: the program ran");
    }

    // A GoReleaser config carrying it: imported without it, with a note at its line.
    let repo = common::copy_module(&common::example("hello"));
    let dir = repo.path();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::remove_file(dir.join("gocross.yaml")).unwrap();
    std::fs::write(
        dir.join(".goreleaser.yaml"),
        format!(
            "version: 2\nbuilds:\n  - main: .\n    goos: [linux]\n    goarch: [amd64]\n    env:\n      - CGO_ENABLED=0\n      - GOFLAGS=-toolexec={}\n",
            tool.display()
        ),
    )
    .unwrap();
    let (out, stdout, stderr) = run(gocross()
        .arg("-C")
        .arg(dir)
        .args(["ci", "init", "--yes", "--action", common::PINNED_ACTION])
        .stdin(std::process::Stdio::null()));
    assert!(out.status.success(), "{stdout}{stderr}");
    let all = format!("{stdout}{stderr}");
    assert!(
        all.contains(".goreleaser.yaml:8: not carried over:")
            && all.contains("builds[0].env[1]")
            && all.contains("is left out: GOFLAGS holds"),
        "{all}"
    );
    let config = std::fs::read_to_string(dir.join("gocross.yaml")).unwrap();
    assert!(!config.contains("toolexec"), "{config}");
}
