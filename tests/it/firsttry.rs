//! A project works on the first try, or says at once why not: targets that need a platform
//! SDK, a `main` that is no main package, a build that builds nothing, a dirty work tree,
//! outputs of targets no longer configured, images of binaries that were not verified, and
//! the errors and wordings a first config meets. Each test runs the real gocross on a real
//! Go module.

use crate::common;

use common::*;
use std::path::Path;
use std::process::Output;

fn write_config(dir: &Path, yaml: &str) {
    std::fs::write(dir.join("gocross.yaml"), yaml).unwrap();
}

fn gocross_in(dir: &Path, args: &[&str]) -> (Output, String, String) {
    run(gocross().arg("-C").arg(dir).args(args))
}

/// The `error: ...` part of stderr (the error line and the lines that continue it).
fn error_of(stderr: &str) -> String {
    let start = stderr
        .find("error: ")
        .unwrap_or_else(|| panic!("no error in:\n{stderr}"));
    stderr[start..].trim_end().to_string()
}

/// Runs `plan`, `doctor` and `build`: each must fail, and all with the same error, which is
/// returned.
fn fails_alike(dir: &Path) -> String {
    let mut errors = Vec::new();
    for command in ["plan", "doctor", "build"] {
        let (out, stdout, stderr) = gocross_in(dir, &[command]);
        assert_eq!(out.status.code(), Some(1), "{command}:\n{stdout}\n{stderr}");
        errors.push(error_of(&stderr));
    }
    assert_eq!(errors[0], errors[1], "plan and doctor say the same");
    assert_eq!(errors[0], errors[2], "plan and build say the same");
    assert!(
        !dir.join("dist").exists(),
        "nothing was built: {}",
        errors[0]
    );
    errors.swap_remove(0)
}

fn manifest(dist: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dist.join("manifest.json")).unwrap()).unwrap()
}

fn artifact_names(dist: &Path) -> Vec<String> {
    manifest(dist)["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect()
}

fn git(dir: &Path, args: &[&str]) {
    run_ok(
        std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args),
    );
}

#[test]
fn targets_that_need_a_platform_sdk_are_refused_alike_and_never_scheduled() {
    let dir = copy_module(&example("hello"));
    write_config(
        dir.path(),
        "version: 1\nproject: hello\ntargets: [linux/amd64, ios/arm64, android/amd64]\n",
    );
    let error = fails_alike(dir.path());
    assert!(
        error.starts_with("error: 2 targets cannot be built as configured:"),
        "{error}"
    );
    for needle in [
        "ios/arm64: Go links ios/arm64 binaries only externally",
        "requires external (cgo) linking",
        "set `cgo: true` and `local: false` for ios/arm64 in gocross.yaml's overrides: the workflow builds it on its macos-15 runner with Xcode's clang",
        "android/amd64: Go links android/amd64 binaries only externally",
        "set `cgo: true` and `cc:` for android/amd64 in gocross.yaml's overrides, naming the NDK's clang",
    ] {
        assert!(error.contains(needle), "missing `{needle}` in:\n{error}");
    }
    // The workflow is not written with legs that cannot build.
    let (out, _, stderr) = gocross_in(dir.path(), &["ci", "generate"]);
    assert!(!out.status.success());
    assert!(
        stderr.contains("2 targets cannot be built as configured"),
        "{stderr}"
    );
    assert!(!dir.path().join(".github").exists());
    // --skip-unbuildable leaves them out of a local build.
    let (out, stdout, stderr) = gocross_in(dir.path(), &["build", "--skip-unbuildable"]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("skipped: ios/arm64: --skip-unbuildable: Go links ios/arm64"),
        "{stdout}"
    );

    // The fixes the message names: ios to the workflow's macOS runner, android with the
    // NDK's clang.
    write_config(
        dir.path(),
        &pin_action(
            "version: 1\nproject: hello\ntargets: [linux/amd64, ios/arm64, android/amd64]\noverrides:\n  - targets: [ios/arm64]\n    cgo: true\n    local: false\n  - targets: [android/amd64]\n    cgo: true\n    cc: /opt/android-ndk/toolchains/llvm/prebuilt/linux-x86_64/bin/x86_64-linux-android21-clang\n",
        ),
    );
    let plan = run_ok(
        gocross()
            .arg("-C")
            .arg(dir.path())
            .args(["plan", "--ci", "--json"]),
    );
    let plan: serde_json::Value = serde_json::from_str(&plan).unwrap();
    let ios = plan["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["target"] == "ios/arm64")
        .unwrap();
    assert_eq!(ios["runner"]["label"], "macos-15", "{ios}");
    assert_eq!(
        ios["env"]["CC"], "xcrun --sdk iphoneos clang -arch arm64",
        "{ios}"
    );
    assert!(ios.get("refused").is_none(), "{ios}");
    run_ok(gocross().arg("-C").arg(dir.path()).arg("plan"));
    // doctor judges the NDK's clang, which is not here, as a check; the plan is not refused.
    let (_, stdout, stderr) = gocross_in(dir.path(), &["doctor"]);
    assert!(
        !stderr.contains("cannot be built as configured"),
        "{stderr}"
    );
    assert!(stdout.contains("android/amd64"), "{stdout}");
    run_ok(gocross().arg("-C").arg(dir.path()).args(["ci", "generate"]));
    let workflow =
        std::fs::read_to_string(dir.path().join(".github/workflows/gocross.yml")).unwrap();
    assert!(workflow.contains("ios/arm64"), "{workflow}");
}

#[test]
fn a_main_that_is_no_main_package_fails_plan_doctor_and_build_alike() {
    let dir = copy_module(&example("hello"));
    std::fs::create_dir_all(dir.path().join("internal/lib")).unwrap();
    std::fs::write(dir.path().join("internal/lib/lib.go"), "package lib\n").unwrap();
    std::fs::create_dir_all(dir.path().join("cmd/tool")).unwrap();
    std::fs::write(
        dir.path().join("cmd/tool/main.go"),
        "package main\n\nfunc main() {}\n",
    )
    .unwrap();

    write_config(
        dir.path(),
        "version: 1\nproject: hello\nmain: ./internal/lib\ntargets: [linux/amd64]\n",
    );
    let error = fails_alike(dir.path());
    assert_eq!(
        error,
        "error: binary hello: `./internal/lib` is package lib, not a main package; the module's main packages: ., ./cmd/tool (point its `main` in gocross.yaml at one of them, or create the package)"
    );

    // A directory a hook would have created: go's own words, and the main packages.
    write_config(
        dir.path(),
        "version: 1\nproject: hello\nmain: ./generated/.\ntargets: [linux/amd64]\n",
    );
    let error = fails_alike(dir.path());
    assert!(
        error.starts_with("error: binary hello: `./generated/.`: ")
            && error.contains("directory not found")
            && error.contains("the module's main packages: ., ./cmd/tool"),
        "{error}"
    );

    // Main packages as a directory or a file pass.
    for main in ["./cmd/tool", "./main.go"] {
        write_config(
            dir.path(),
            &format!("version: 1\nproject: hello\nmain: {main}\ntargets: [linux/amd64]\n"),
        );
        run_ok(gocross().arg("-C").arg(dir.path()).arg("plan"));
    }
}

#[test]
fn a_build_that_builds_nothing_fails_unless_allow_empty() {
    let dir = copy_module(&example("hello"));
    write_config(
        dir.path(),
        "version: 1\nproject: hello\ntargets: [darwin/arm64]\ncgo: true\n",
    );
    let (out, stdout, stderr) = gocross_in(dir.path(), &["build", "--skip-unbuildable"]);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("skipped: darwin/arm64: --skip-unbuildable:"),
        "{stdout}"
    );
    assert!(
        stderr.contains("error: no target was built: all 1 were skipped")
            && stderr.contains("--allow-empty"),
        "{stderr}"
    );
    let (out, stdout, stderr) = gocross_in(
        dir.path(),
        &["build", "--skip-unbuildable", "--allow-empty"],
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains(": 0 built, 0 failed to build"), "{stdout}");
}

#[test]
fn a_dirty_tree_is_stamped_dirty_and_release_refuses_it() {
    if !require_tool("git", "apt-get install git") {
        return;
    }
    let dir = copy_module(&example("hello"));
    write_config(
        dir.path(),
        "version: 1\nproject: hello\ntargets: [linux/amd64]\nldflags: -s -w -X main.version={{version}}\n",
    );
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "hello"]);
    git(dir.path(), &["tag", "v1.2.3"]);

    // Clean: the tag's version.
    run_ok(gocross().arg("-C").arg(dir.path()).arg("build"));
    let m = manifest(&dir.path().join("dist"));
    assert_eq!(m["version"], "1.2.3");
    assert!(m.get("dirty").is_none(), "{m}");

    // A tracked file changed: a snapshot.
    let main = dir.path().join("main.go");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        text.replace("print the version", "print the version (changed)"),
    )
    .unwrap();
    run_ok(gocross().arg("-C").arg(dir.path()).arg("build"));
    let m = manifest(&dir.path().join("dist"));
    assert_eq!(m["version"], "1.2.3-dirty", "{m}");
    assert_eq!(m["dirty"], true, "{m}");
    let out = run_ok(
        std::process::Command::new(dir.path().join("dist/hello_linux_amd64")).arg("--version"),
    );
    assert!(out.starts_with("hello 1.2.3-dirty "), "{out}");

    // Even with the version forced to the tag's, the release refuses the build.
    run_ok(
        gocross()
            .arg("-C")
            .arg(dir.path())
            .args(["build", "--version", "v1.2.3"]),
    );
    let (out, stdout, stderr) = gocross_in(
        dir.path(),
        &[
            "release",
            "--tag",
            "v1.2.3",
            "--allow-version-mismatch",
            "--repo",
            "example/hello",
        ],
    );
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stderr.contains("were built from a work tree with uncommitted changes: commit them (or build from a clean checkout of the tag)"),
        "{stderr}"
    );
}

#[test]
fn outputs_of_targets_no_longer_configured_are_retracted_and_clean_starts_afresh() {
    let dir = copy_module(&example("hello"));
    let dist = dir.path().join("dist");
    write_config(
        dir.path(),
        "version: 1\nproject: hello\ntargets: [linux/amd64, linux/386]\n",
    );
    run_ok(gocross().arg("-C").arg(dir.path()).arg("build"));
    assert_eq!(
        artifact_names(&dist),
        ["hello_linux_386", "hello_linux_amd64"]
    );

    // linux/386 leaves gocross.yaml: a build of the rest (even of one target) retracts it.
    write_config(
        dir.path(),
        "version: 1\nproject: hello\ntargets: [linux/amd64, linux/arm64]\n",
    );
    run_ok(
        gocross()
            .arg("-C")
            .arg(dir.path())
            .args(["build", "--target", "linux/arm64"]),
    );
    assert_eq!(
        artifact_names(&dist),
        ["hello_linux_amd64", "hello_linux_arm64"]
    );
    let checksums = std::fs::read_to_string(dist.join("checksums.txt")).unwrap();
    assert!(!checksums.contains("hello_linux_386"), "{checksums}");
    assert!(!dist.join("hello_linux_386").exists());
    assert!(dist.join("hello_linux_amd64").exists(), "configured: kept");

    // --clean: nothing of before is left.
    std::fs::write(dist.join("notes.txt"), "left over").unwrap();
    run_ok(gocross().arg("-C").arg(dir.path()).args([
        "build",
        "--clean",
        "--target",
        "linux/amd64",
    ]));
    assert_eq!(artifact_names(&dist), ["hello_linux_amd64"]);
    assert!(!dist.join("notes.txt").exists());
    assert!(!dist.join("hello_linux_arm64").exists());

    // --clean never empties a source tree.
    let (out, _, stderr) = gocross_in(dir.path(), &["build", "--clean", "--out", "."]);
    assert!(!out.status.success());
    assert!(stderr.contains("holds source"), "{stderr}");
    assert!(dir.path().join("main.go").exists());
}

#[test]
fn an_image_takes_a_binary_that_was_not_run_only_when_allowed_and_says_so() {
    let dir = copy_module(&example("hello"));
    write_config(
        dir.path(),
        "version: 1\nproject: hello\ntargets: [linux/amd64, linux/arm64]\nverify:\n  expect: '^hello '\noverrides:\n  - targets: [linux/arm64]\n    verify:\n      skip: no arm64 machine at hand\nimage:\n  repository: 127.0.0.1:1/hello\n",
    );
    run_ok(gocross().arg("-C").arg(dir.path()).arg("build"));
    let (out, stdout, stderr) = gocross_in(dir.path(), &["image", "build"]);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stderr.contains("linux/arm64 (hello_linux_arm64) is not run on its target: no arm64 machine at hand; an image holds verified binaries")
            && stderr.contains("image.allow_unverified: true"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("linux/amd64 ("),
        "amd64 was verified: {stderr}"
    );
    assert!(!dir.path().join("dist/image").exists());

    let (out, stdout, stderr) = gocross_in(dir.path(), &["image", "build", "--allow-unverified"]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("warning: linux/arm64 (hello_linux_arm64) goes into the image unverified: not run on its target: no arm64 machine at hand"),
        "{stderr}"
    );
    // The arm64 image's config carries the label; the amd64 one's does not.
    let blobs = dir.path().join("dist/image/blobs/sha256");
    let mut labelled = Vec::new();
    for entry in std::fs::read_dir(&blobs).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            continue;
        };
        if let Some(labels) = doc["config"]["Labels"].as_object() {
            labelled.push((
                doc["architecture"].as_str().unwrap().to_string(),
                labels.get("dev.gocross.image.unverified").cloned(),
            ));
        }
    }
    labelled.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        labelled,
        [
            ("amd64".to_string(), None),
            (
                "arm64".to_string(),
                Some(serde_json::json!(
                    "not run on its target: no arm64 machine at hand"
                ))
            ),
        ]
    );
}

#[test]
fn every_bad_target_is_listed_and_ldflags_may_be_a_list() {
    let dir = copy_module(&example("hello"));
    write_config(
        dir.path(),
        "version: 1\nproject: hello\ntargets:\n  - linux/aarch64\n  - linux/amd64\n  - windows/x86\n",
    );
    let (out, _, stderr) = gocross_in(dir.path(), &["plan"]);
    assert!(!out.status.success());
    for needle in [
        "gocross.yaml:4:5: key `targets`: 2 entries name no target:",
        "targets[0] (line 4, column 5): linux/aarch64 is not a Go port; did you mean linux/arm64?",
        "targets[2] (line 6, column 5): windows/x86 is not a Go port",
    ] {
        assert!(stderr.contains(needle), "missing `{needle}` in:\n{stderr}");
    }

    // GoReleaser's list of ldflags, joined with spaces.
    write_config(
        dir.path(),
        "version: 1\nproject: hello\ntargets: [linux/amd64]\nldflags:\n  - -s -w\n  - -X main.version={{version}}\n",
    );
    run_ok(
        gocross()
            .arg("-C")
            .arg(dir.path())
            .args(["build", "--version", "9.9.9"]),
    );
    let out = run_ok(
        std::process::Command::new(dir.path().join("dist/hello_linux_amd64")).arg("--version"),
    );
    assert!(out.starts_with("hello 9.9.9 linux/amd64"), "{out}");
}

#[test]
fn a_wrong_binary_and_a_binary_not_run_are_each_worded_as_one_fact() {
    let dir = copy_module(&example("hello"));
    write_config(
        dir.path(),
        "version: 1\nproject: hello\ntargets: [linux/amd64]\n",
    );
    run_ok(gocross().arg("-C").arg(dir.path()).arg("build"));
    let binary = dir.path().join("dist/hello_linux_amd64");
    let (out, stdout, _) = run(gocross()
        .arg("-C")
        .arg(dir.path())
        .args(["verify", "--target", "linux/riscv64"])
        .arg(&binary));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.trim().ends_with("hello_linux_amd64: failed verification (qemu): the file is not a linux/riscv64 binary: the audit found target linux/amd64/v1, where linux/riscv64 was expected"),
        "{stdout}"
    );
    assert!(!stdout.contains("not run"), "{stdout}");

    // A binary not run where `verify.allow_not_run: false` makes that a failure: the
    // summary counts it as not run and says that it fails, and the error says why once.
    write_config(
        dir.path(),
        "version: 1
project: hello
targets: [linux/amd64, darwin/arm64]
verify:
  expect: '^hello '
  allow_not_run: false
",
    );
    let (out, stdout, stderr) = gocross_in(dir.path(), &["build"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}
{stderr}"
    );
    assert!(
        stdout.contains(": 2 built, 0 failed to build; 1 verified, 0 failed verification, 1 not run (1 of them a failure: `verify.allow_not_run` is false)\n"),
        "{stdout}"
    );
    assert!(
        stderr.contains("error: darwin/arm64: hello_darwin_arm64 could not be run here (darwin/arm64 binaries run only on macOS; verified on a macOS runner, audited here), which `verify.allow_not_run: false` counts as a failure"),
        "{stderr}"
    );
}
