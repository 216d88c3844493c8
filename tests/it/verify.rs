//! `gocross verify` on real binaries: natively, under QEMU user mode and wine, each printing
//! its own GOOS/GOARCH, and every way a run can fail.

use crate::common;

use common::{example, go_fixture, gocross, require_tool, run};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Builds examples/hello for a target with plain `go build` (once per run).
fn hello(goos: &str, goarch: &str, extra: &[(&str, &str)]) -> PathBuf {
    let mut env = vec![("GOOS", goos), ("GOARCH", goarch), ("CGO_ENABLED", "0")];
    env.extend_from_slice(extra);
    go_fixture(&example("hello"), &env, &["-trimpath"], "hello")
}

fn misbehave() -> PathBuf {
    let module = common::repo().join("tests/fixtures/misbehave");
    go_fixture(
        &module,
        &[("GOOS", "linux"), ("GOARCH", "amd64"), ("CGO_ENABLED", "0")],
        &[],
        "misbehave",
    )
}

/// Runs `gocross verify --json` in an empty directory (no gocross.yaml) and returns the exit
/// code and the result object.
fn verify(target: &str, binary: &Path, extra: &[&str]) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let split = extra.iter().position(|a| *a == "--").unwrap_or(extra.len());
    let (options, passthrough) = extra.split_at(split);
    let (out, stdout, stderr) = run(gocross()
        .current_dir(dir.path())
        .args(["verify", "--json", "--target", target])
        .args(options)
        .arg(binary)
        .args(passthrough));
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (out.status.code().unwrap(), value)
}

#[test]
fn every_linux_architecture_runs_and_names_itself() {
    if !require_tool("qemu-aarch64-static", "apt-get install qemu-user-static") {
        return;
    }
    let targets = [
        ("amd64", vec![], "native"),
        ("386", vec![], "native"),
        ("arm64", vec![], "qemu"),
        ("arm", vec![("GOARM", "7")], "qemu"),
        ("riscv64", vec![], "qemu"),
        ("ppc64le", vec![], "qemu"),
        ("s390x", vec![], "qemu"),
        ("mips64le", vec![], "qemu"),
    ];
    for (goarch, extra, method) in targets {
        let target = if goarch == "arm" {
            "linux/arm/7".to_string()
        } else {
            format!("linux/{goarch}")
        };
        let binary = hello("linux", goarch, &extra);
        let (code, result) = verify(&target, &binary, &[]);
        assert_eq!(code, 0, "{target}: {result}");
        assert_eq!(result["outcome"], "verified", "{target}: {result}");
        assert_eq!(result["method"], method, "{target}");
        let printed = result["stdout_tail"].as_str().unwrap();
        assert!(
            printed.contains(&format!(" linux/{goarch} ")),
            "{target} printed {printed:?}"
        );
    }
}

#[test]
fn windows_amd64_runs_under_wine() {
    if !require_tool("wine", "apt-get install wine wine64")
        || !require_tool(
            "x86_64-w64-mingw32-gcc",
            "apt-get install gcc-mingw-w64-x86-64",
        )
    {
        return;
    }
    let binary = hello("windows", "amd64", &[]);
    let (code, result) = verify("windows/amd64", &binary, &[]);
    assert_eq!(code, 0, "{result}");
    assert_eq!(result["method"], "wine");
    assert!(
        result["stdout_tail"]
            .as_str()
            .unwrap()
            .contains(" windows/amd64 "),
        "{result}"
    );
}

#[test]
fn cgo_binaries_run_under_qemu_with_and_without_sysroot() {
    if !require_tool(
        "aarch64-linux-gnu-gcc",
        "apt-get install gcc-aarch64-linux-gnu",
    ) || !require_tool("musl-gcc", "apt-get install musl-tools")
        || !require_tool("qemu-aarch64-static", "apt-get install qemu-user-static")
    {
        return;
    }
    let cgo = example("cgo-hello");
    let dynamic = go_fixture(
        &cgo,
        &[
            ("GOOS", "linux"),
            ("GOARCH", "arm64"),
            ("CGO_ENABLED", "1"),
            ("CC", "aarch64-linux-gnu-gcc"),
        ],
        &["-trimpath"],
        "cgo-hello",
    );
    let (code, result) = verify(
        "linux/arm64",
        &dynamic,
        &["--sysroot", "/usr/aarch64-linux-gnu"],
    );
    assert_eq!(code, 0, "{result}");
    assert!(
        result["stdout_tail"]
            .as_str()
            .unwrap()
            .contains(" linux/arm64 "),
        "{result}"
    );
    let (code, result) = verify("linux/arm64", &dynamic, &[]);
    assert_eq!(
        code, 0,
        "the audit sees a dynamic binary and picks the cross sysroot: {result}"
    );

    let musl = go_fixture(
        &cgo,
        &[
            ("GOOS", "linux"),
            ("GOARCH", "amd64"),
            ("CGO_ENABLED", "1"),
            ("CC", "musl-gcc"),
        ],
        &[
            "-trimpath",
            "-ldflags=-linkmode external -extldflags -static",
        ],
        "cgo-hello",
    );
    let (code, result) = verify("linux/amd64", &musl, &["--", "--version=false"]);
    assert_eq!(code, 0, "{result}");
    assert_eq!(result["stdout_tail"], "hypotenuse(3, 4) = 5.0\n");
}

#[test]
fn a_wrong_exit_code_fails() {
    let (code, result) = verify("linux/amd64", &misbehave(), &["--", "exit", "3"]);
    assert_eq!(code, 1);
    assert_eq!(result["outcome"], "failed");
    assert_eq!(result["exit_code"], 3);
    assert_eq!(
        result["reason"],
        "exited with 3, expected 0 (stderr: misbehave: exiting on purpose)"
    );
    let (code, _) = verify(
        "linux/amd64",
        &misbehave(),
        &["--exit-code", "3", "--", "exit", "3"],
    );
    assert_eq!(code, 0, "an expected non-zero exit code passes");
}

#[test]
fn a_hang_is_killed_at_the_timeout() {
    let (code, result) = verify(
        "linux/amd64",
        &misbehave(),
        &["--timeout", "1", "--", "hang"],
    );
    assert_eq!(code, 1);
    assert_eq!(result["reason"], "did not finish within 1 s and was killed");
    assert!(result["duration_ms"].as_u64().unwrap() < 10_000);
}

#[test]
fn wrong_text_fails_with_what_was_printed() {
    let (code, result) = verify(
        "linux/amd64",
        &misbehave(),
        &["--expect", "^hello ", "--", "talk"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        result["reason"],
        "stdout does not match /^hello /: it was \"misbehave: unexpected text\""
    );
}

#[test]
fn a_binary_for_another_architecture_is_not_run() {
    let binary = hello("linux", "arm64", &[]);
    let (code, result) = verify("linux/riscv64", &binary, &[]);
    assert_eq!(code, 1);
    assert_eq!(result["outcome"], "failed");
    assert_eq!(
        result["reason"],
        "the file is not a linux/riscv64 binary: the audit found target linux/arm64/v8.0, where linux/riscv64 was expected"
    );
    assert_eq!(result["duration_ms"], 0, "nothing ran");
}

#[test]
fn darwin_is_not_run_here_and_says_why() {
    let binary = hello("darwin", "arm64", &[]);
    let (code, result) = verify("darwin/arm64", &binary, &[]);
    assert_eq!(code, 1, "not run is never a pass");
    assert_eq!(result["outcome"], "not_run");
    assert!(
        result["reason"].as_str().unwrap().contains("macOS"),
        "{result}"
    );
}

#[test]
fn several_binaries_run_one_after_another_and_any_failure_fails() {
    let amd64 = hello("linux", "amd64", &[]);
    let arm64 = hello("linux", "arm64", &[]);
    let dir = tempfile::tempdir().unwrap();
    let verify_all = |files: &[&Path]| {
        let (out, stdout, stderr) = run(gocross()
            .current_dir(dir.path())
            .args(["verify", "--target", "linux/amd64"])
            .args(files));
        (out.status.code().unwrap(), stdout, stderr)
    };
    // The workflow's verify job passes every binary of a leg at once.
    let (code, stdout, stderr) = verify_all(&[&amd64, &amd64]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines.iter().all(|l| l.contains(": verified (native")),
        "{stdout}"
    );
    // One wrong binary among them fails the whole run, and the others still run.
    let (code, stdout, _) = verify_all(&[&arm64, &amd64]);
    assert_eq!(code, 1, "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].contains(": failed verification ("), "{stdout}");
    assert!(lines[1].contains(": verified (native"), "{stdout}");
    // --json prints one result: it takes one file.
    let (out, _, stderr) = run(gocross()
        .current_dir(dir.path())
        .args(["verify", "--json", "--target", "linux/amd64"])
        .args([&amd64, &amd64]));
    assert!(!out.status.success());
    assert!(
        stderr.contains("--json prints the result of one binary"),
        "{stderr}"
    );
}

/// `gocross verify --target T` runs a binary with the `verify:` settings `gocross build`
/// gives T's job: an override's `verify:` replaces the top-level one for its targets.
#[test]
fn verify_takes_the_targets_override_as_build_does() {
    let module = common::copy_module(&example("hello"));
    let dir = module.path();
    std::fs::write(
        dir.join("gocross.yaml"),
        "version: 1\nproject: hello\ntargets: [linux/amd64, linux/386]\nverify:\n  args: [--version]\n  expect: '^hello '\noverrides:\n  - targets: [linux/386]\n    verify:\n      args: [no-such-command]\n      exit_code: 2\n      expect: '^$'\n",
    )
    .unwrap();
    let verify_in_module = |target: &str, binary: &Path| {
        let (out, stdout, stderr) = run(gocross()
            .arg("-C")
            .arg(dir)
            .args(["verify", "--json", "--target", target])
            .arg(binary));
        let value: Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
        (out.status.code().unwrap(), value)
    };

    // linux/386 runs `hello no-such-command`, which prints its usage and exits 2.
    let (code, result) = verify_in_module("linux/386", &hello("linux", "386", &[]));
    assert_eq!(code, 0, "{result}");
    assert_eq!(result["outcome"], "verified", "{result}");
    assert_eq!(result["exit_code"], 2, "{result}");
    assert!(
        result["stderr_tail"]
            .as_str()
            .unwrap()
            .contains("usage: hello"),
        "{result}"
    );
    // linux/amd64 keeps the top-level settings.
    let (code, result) = verify_in_module("linux/amd64", &hello("linux", "amd64", &[]));
    assert_eq!(code, 0, "{result}");
    assert_eq!(result["exit_code"], 0, "{result}");
    assert!(
        result["stdout_tail"]
            .as_str()
            .unwrap()
            .starts_with("hello "),
        "{result}"
    );

    // `gocross build` verifies with the same settings.
    common::run_ok(gocross().arg("-C").arg(dir).arg("build"));
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("dist/manifest.json")).unwrap())
            .unwrap();
    let codes: Vec<(String, i64)> = manifest["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["target"].as_str().unwrap().to_string(),
                a["verify"]["exit_code"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [("linux/386".to_string(), 2), ("linux/amd64".to_string(), 0)]
    );
}
