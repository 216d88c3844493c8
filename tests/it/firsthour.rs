//! The first hour with gocross, as a new user meets it, one test per surprise it used to
//! hold: building without gocross.yaml, binaries that were not run, verification that `ci
//! init` turns on, `doctor` and the build finding the same tools, the errors of a first
//! config, the summary line, a compile error on every target, auditing a file that is no
//! binary, `--target host`, and targets that only a macOS runner builds.

use crate::common;

use common::*;
use gocross::build::{LOCK_FILE, STAGING_DIR};
use std::path::Path;
use std::process::Output;

fn write_config(dir: &Path, yaml: &str) {
    std::fs::write(dir.join("gocross.yaml"), yaml).unwrap();
}

fn gocross_in(dir: &Path, args: &[&str]) -> (Output, String, String) {
    run(gocross().arg("-C").arg(dir).args(args))
}

/// A PATH holding only `go`: no QEMU, no wine, no C compiler.
fn go_only_path() -> tempfile::TempDir {
    let bin = tempfile::tempdir().unwrap();
    let go = which("go").expect("go on PATH");
    std::os::unix::fs::symlink(go, bin.path().join("go")).unwrap();
    bin
}

fn host() -> String {
    gocross::targets::Platform::host()
        .expect("a host Go builds for")
        .to_string()
}

/// A Go module with one main package whose source is `main`.
fn module(main: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/firsthour\n\ngo 1.22\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("main.go"), main).unwrap();
    dir
}

#[test]
fn build_without_a_config_builds_the_default_targets_and_says_so() {
    let dir = copy_module(&example("hello"));
    std::fs::remove_file(dir.path().join("gocross.yaml")).unwrap();
    let (out, stdout, stderr) = gocross_in(dir.path(), &["build", "--target", "linux/amd64"]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.starts_with("no gocross.yaml"))
            .collect::<Vec<_>>(),
        ["no gocross.yaml: building the default targets; `gocross ci init` writes them down"]
    );
    assert!(
        stdout.contains(": 1 built, 0 failed to build; verification is off\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("verification is off: add a `verify:` section to gocross.yaml (`gocross ci init` writes one every Go CLI passes)"),
        "{stdout}"
    );
    assert!(dir.path().join("dist/hello_linux_amd64").is_file());
    assert!(
        !dir.path().join("gocross.yaml").exists(),
        "nothing is written down"
    );
}

#[test]
fn every_binary_not_run_gets_its_reason_and_one_fix_per_package() {
    let dir = copy_module(&example("hello"));
    write_config(
        dir.path(),
        "version: 1\ntargets: [linux/amd64, linux/arm64, linux/riscv64, darwin/arm64]\nverify:\n  args: [--version]\n",
    );
    let bin = go_only_path();
    let (out, stdout, stderr) = run(gocross()
        .arg("-C")
        .arg(dir.path())
        .arg("build")
        .env("PATH", bin.path()));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            ": 4 built, 0 failed to build; 1 verified, 0 failed verification, 3 not run\n"
        ),
        "{stdout}"
    );
    for line in [
        "not run: linux/arm64: qemu-aarch64-static is not installed\n",
        "not run: linux/riscv64: qemu-riscv64-static is not installed\n",
        "  fix for linux/arm64, linux/riscv64: apt-get install qemu-user-static\n",
        "not run: darwin/arm64: darwin/arm64 binaries run only on macOS; verified on a macOS runner, audited here\n",
        "  fix for darwin/arm64: the workflow (`gocross ci init`) verifies it on its macos-15 runner\n",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    assert_eq!(
        stdout.matches("apt-get install qemu-user-static").count(),
        1,
        "one fix line per package:\n{stdout}"
    );
}

#[test]
fn doctor_and_the_build_find_the_same_tools() {
    let dir = copy_module(&example("hello"));
    write_config(
        dir.path(),
        "version: 1\ntargets: [linux/amd64, linux/arm64, linux/riscv64, darwin/arm64, freebsd/amd64]\n",
    );
    // Without QEMU: one fix line names every emulator the package brings.
    let bin = go_only_path();
    let (out, stdout, stderr) = run(gocross()
        .arg("-C")
        .arg(dir.path())
        .arg("doctor")
        .env("PATH", bin.path()));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("  qemu-aarch64, qemu-riscv64: apt-get install qemu-user-static\n"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("apt-get install qemu-user-static").count(),
        1,
        "{stdout}"
    );
    // The targets that cannot be verified here, and why.
    for line in [
        "verify darwin/arm64   cannot be verified here: darwin/arm64 binaries run only on macOS",
        "verify freebsd/amd64  cannot be verified here: freebsd/amd64 binaries cannot run on",
        "  verify darwin/arm64: the workflow (`gocross ci init`) verifies it on its macos-15 runner",
        "  verify freebsd/amd64: no runner gocross knows runs freebsd/amd64 binaries",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    // With QEMU: doctor names the very program verification runs.
    if !require_tool("qemu-aarch64-static", "apt-get install qemu-user-static") {
        return;
    }
    let qemu = which("qemu-aarch64-static").unwrap();
    let stdout = run_ok(gocross().arg("-C").arg(dir.path()).arg("doctor"));
    assert!(
        stdout.contains(&format!("{} runs linux/arm64", qemu.display())),
        "{stdout}"
    );
    // wine is found as verification finds it, Debian's /usr/lib/wine/wine64 included.
    write_config(dir.path(), "version: 1\ntargets: [windows/amd64]\n");
    let wine = gocross::verify::wine::find_program();
    let (_, stdout, _) = run(gocross()
        .arg("-C")
        .arg(dir.path())
        .arg("doctor")
        .env("PATH", bin.path()));
    match wine.filter(|w| !w.starts_with("/usr/bin") && !w.starts_with("/usr/local")) {
        Some(wine) => assert!(
            stdout.contains(&format!("{} runs windows/amd64", wine.display())),
            "{stdout}"
        ),
        None => assert!(
            stdout.contains("wine is not installed")
                || stdout.contains("/usr/lib/wine/wine64 runs"),
            "{stdout}"
        ),
    }
}

#[test]
fn ci_init_turns_verification_on_with_what_any_go_cli_passes() {
    // A main package with a version flag is verified with --version.
    let dir = copy_module(&example("hello"));
    std::fs::remove_file(dir.path().join("gocross.yaml")).unwrap();
    run_ok(
        gocross()
            .args(["ci", "init", "--yes", "--action", PINNED_ACTION, "--dir"])
            .arg(dir.path()),
    );
    let config = std::fs::read_to_string(dir.path().join("gocross.yaml")).unwrap();
    assert!(
        config.contains("verify:                  # every binary runs on its target after its build\n  args: [\"--version\"]\n  exit_code: 0\n"),
        "{config}"
    );
    // One without is verified with --help, exit code 0 or 2 (the flag package's usage).
    let dir = module(
        "package main\n\nimport (\n\t\"flag\"\n\t\"fmt\"\n)\n\nfunc main() {\n\tname := flag.String(\"name\", \"world\", \"who to greet\")\n\tflag.Parse()\n\tfmt.Println(\"hello\", *name)\n}\n",
    );
    run_ok(
        gocross()
            .args(["ci", "init", "--yes", "--action", PINNED_ACTION, "--dir"])
            .arg(dir.path()),
    );
    let config = std::fs::read_to_string(dir.path().join("gocross.yaml")).unwrap();
    assert!(
        config.contains("  args: [\"--help\"]\n  exit_code: [0, 2]\n"),
        "{config}"
    );
    let (out, stdout, stderr) = gocross_in(dir.path(), &["build", "--target", "host"]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            ": 1 built, 0 failed to build; 1 verified, 0 failed verification, 0 not run\n"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("verification is off"), "{stdout}");
}

#[test]
fn a_config_without_version_says_what_to_write() {
    let dir = copy_module(&example("hello"));
    write_config(dir.path(), "targets: [linux/amd64]\n");
    let (out, _, stderr) = gocross_in(dir.path(), &["plan"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: {}: add `version: 1` as the first line",
            dir.path().join("gocross.yaml").display()
        )
    );
}

#[test]
fn targets_written_as_one_string_must_be_a_list() {
    let dir = copy_module(&example("hello"));
    write_config(dir.path(), "version: 1\ntargets: linux/amd64\n");
    let (out, _, stderr) = gocross_in(dir.path(), &["plan"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains(
            ":2:10: key `targets`: targets must be a list: write `targets: [linux/amd64]`"
        ),
        "{stderr}"
    );
}

#[test]
fn a_subdirectory_of_the_module_names_the_root_to_pass_with_c() {
    let dir = copy_module(&example("hello"));
    let sub = dir.path().join("cmd/tool");
    std::fs::create_dir_all(&sub).unwrap();
    for command in [&["build"][..], &["plan"][..], &["doctor"][..]] {
        let (out, _, stderr) = run(gocross().current_dir(&sub).args(command));
        assert_eq!(out.status.code(), Some(1), "{command:?}: {stderr}");
        assert_eq!(
            stderr.trim_end(),
            "error: this directory is inside the Go module at ../.., below its root: run gocross at the root, or pass `-C ../..`",
            "{command:?}"
        );
    }
    // What it says works.
    let (out, stdout, stderr) =
        run(gocross()
            .current_dir(&sub)
            .args(["-C", "../..", "plan", "--target", "linux/amd64"]));
    assert!(out.status.success(), "{stdout}\n{stderr}");
}

/// A Go file that does not compile, for the targets its build constraint names.
fn broken(dir: &Path, constraint: &str) {
    std::fs::write(
        dir.join("broken.go"),
        format!("//go:build {constraint}\n\npackage main\n\nvar broken int = \"not an int\"\n"),
    )
    .unwrap();
}

#[test]
fn the_summary_counts_failed_builds_and_runs_apart() {
    let dir = copy_module(&example("hello"));
    broken(dir.path(), "windows");
    write_config(
        dir.path(),
        "version: 1\ntargets: [linux/amd64, windows/amd64, darwin/arm64]\nverify:\n  args: [--version]\n",
    );
    let (out, stdout, stderr) = gocross_in(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            ": 2 built, 1 failed to build; 1 verified, 0 failed verification, 1 not run\n"
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains("error: windows/amd64: `go build` failed"),
        "{stderr}"
    );
}

#[test]
fn a_compile_error_on_every_target_is_printed_once() {
    let dir = copy_module(&example("hello"));
    broken(dir.path(), "!plan9");
    write_config(
        dir.path(),
        "version: 1\ntargets: [linux/amd64, linux/arm64, windows/amd64]\n",
    );
    let (out, stdout, stderr) = gocross_in(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(": 0 built, 3 failed to build; verification is off\n"),
        "{stdout}"
    );
    assert!(
        stderr.contains("error: `go build` failed the same way on 3 targets: linux/amd64, linux/arm64, windows/amd64\n$ "),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("broken.go:5:18").count(),
        1,
        "the compiler's error once:\n{stderr}"
    );
}

#[test]
fn auditing_a_file_that_is_not_a_binary_fails_the_format_rule() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("checksums.txt");
    std::fs::write(&file, "0123456789abcdef  hello_linux_amd64\n").unwrap();
    let (out, stdout, stderr) = run(gocross()
        .current_dir(dir.path())
        .args(["audit", "--json"])
        .arg(&file));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let reports: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let report = &reports[0];
    assert_eq!(report["passed"], false);
    assert_eq!(report["violations"][0]["rule"], "format", "{report}");
    let (out, stdout, stderr) = run(gocross().current_dir(dir.path()).arg("audit").arg(&file));
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("audit  FAILED (1 violations)"), "{stdout}");
    assert!(
        stderr.contains("checksums.txt: violates `format`: found data (not an executable format), allowed an ELF, PE, Mach-O or WebAssembly binary"),
        "{stderr}"
    );
}

#[test]
fn target_host_builds_this_machines_own_target() {
    let dir = copy_module(&example("hello"));
    let (out, stdout, stderr) =
        gocross_in(dir.path(), &["build", "--target", "host", "--no-verify"]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let name = format!("hello_{}", host().replace('/', "_"));
    let mut files: Vec<String> = std::fs::read_dir(dir.path().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != STAGING_DIR && name != LOCK_FILE)
        .collect();
    files.sort();
    let mut expected = vec![
        "checksums.txt".to_string(),
        "manifest.json".to_string(),
        name,
    ];
    expected.sort();
    assert_eq!(files, expected);
    assert!(
        stdout.contains("verification is off (--no-verify)"),
        "{stdout}"
    );
}

#[test]
fn targets_that_need_a_macos_runner_can_be_left_out_of_a_local_build() {
    let dir = copy_module(&example("hello"));
    let config = "version: 1\ntargets: [linux/amd64, darwin/arm64]\noverrides:\n  - targets: [darwin/arm64]\n    cgo: true\n";
    write_config(dir.path(), config);
    // As it is: darwin/arm64 fails, and the error says how to leave it out.
    let (out, _, stderr) = gocross_in(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cgo for darwin/arm64 needs Apple's toolchain")
            && stderr.contains(
                "--skip-unbuildable, or `local: false` for it in gocross.yaml's overrides"
            ),
        "{stderr}"
    );
    // --skip-unbuildable leaves it out, and the build of the rest succeeds.
    let (out, stdout, stderr) = gocross_in(dir.path(), &["build", "--skip-unbuildable"]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("skipped: darwin/arm64: --skip-unbuildable: cgo for darwin/arm64 needs Apple's toolchain"),
        "{stdout}"
    );
    assert!(stdout.contains(": 1 built, 0 failed to build;"), "{stdout}");
    // `local: false` says the same in gocross.yaml, for build and doctor.
    write_config(dir.path(), &format!("{config}    local: false\n"));
    let (out, stdout, stderr) = gocross_in(dir.path(), &["build"]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("skipped: darwin/arm64: `local: false` in gocross.yaml's overrides: built by the workflow on macos-15"),
        "{stdout}"
    );
    let (out, stdout, _) = gocross_in(dir.path(), &["doctor"]);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("Every configured target can be built here."),
        "{stdout}"
    );
    // Named with --target, as a workflow leg names it, it is built (and fails here).
    let (out, _, _) = gocross_in(dir.path(), &["build", "--target", "darwin/arm64"]);
    assert_eq!(out.status.code(), Some(1));
}
