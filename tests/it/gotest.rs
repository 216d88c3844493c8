//! `gocross test` on real Go modules under real QEMU, wine and cross compilers: a module from
//! the Go module proxy with byte-order-sensitive code passing on four Linux architectures, a
//! module with portability bugs failing exactly where it should, hung, crashing and
//! uncompilable tests, cgo under QEMU with the sysroot, and the environment that test
//! binaries and verified binaries get.

use crate::common;

use common::*;
use gocross::manifest::Manifest;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The golang.org/x/text release whose tests run on four architectures.
const X_TEXT: &str = "v0.21.0";

/// A token that must never reach a test binary or any stored output.
const TOKEN: &str = "ghs_gocrossTestToken0123456789";

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A copy of a fixture module with `gocross.yaml`, at `<tmp>/<subdir>`.
fn module_copy(name: &str, config: &str) -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("mod");
    copy_module_to(&fixture(name), &dir);
    std::fs::write(dir.join("gocross.yaml"), config).unwrap();
    (root, dir)
}

/// Runs `gocross test --json` in `dir`; returns the exit code, the report and stderr.
fn test_json(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, Value, String) {
    let (out, stdout, stderr) = run(gocross()
        .current_dir(dir)
        .args(["test", "--json"])
        .args(args)
        .envs(env.iter().copied()));
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}:\nstdout:\n{stdout}\nstderr:\n{stderr}"));
    (out.status.code().unwrap(), report, stderr)
}

fn target<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["target"] == name)
        .unwrap_or_else(|| panic!("no {name} in {report:#}"))
}

fn failure<'a>(target: &'a Value, test: &str) -> &'a Value {
    target["failures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["test"] == test)
        .unwrap_or_else(|| panic!("{test} is not among the failures of {target:#}"))
}

fn qemu_installed() -> bool {
    require_tool("qemu-aarch64-static", "apt-get install qemu-user-static")
}

#[test]
fn a_module_from_the_proxy_passes_on_four_linux_architectures() {
    if !qemu_installed() {
        return;
    }
    let out = run_ok(
        Command::new("go")
            .args(["mod", "download", "-json"])
            .arg(format!("golang.org/x/text@{X_TEXT}"))
            .current_dir(std::env::temp_dir()),
    );
    let info: Value = serde_json::from_str(&out).unwrap();
    let src = PathBuf::from(info["Dir"].as_str().expect("go mod download gives Dir"));
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("text");
    copy_module_to(&src, &dir);
    // The module cache is read-only; the copy must be writable.
    run_ok(Command::new("chmod").args(["-R", "u+w"]).arg(&dir));
    // UTF-16 and UTF-32 in both byte orders, and the legacy multi-byte encodings.
    std::fs::write(
        dir.join("gocross.yaml"),
        "version: 1\nproject: text\ntargets: [linux/amd64, linux/arm64, linux/s390x, linux/riscv64]\ntest:\n  packages: [./encoding/...]\n",
    )
    .unwrap();
    let started = Instant::now();
    let (code, report, stderr) = test_json(&dir, &[], &[]);
    assert_eq!(code, 0, "{report:#}\n{stderr}");
    assert_eq!(report["passed"], true);
    assert_eq!(report["module"], "golang.org/x/text");
    for (name, method) in [
        ("linux/amd64", "native"),
        ("linux/arm64", "qemu"),
        ("linux/s390x", "qemu"),
        ("linux/riscv64", "qemu"),
    ] {
        let t = target(&report, name);
        assert_eq!(t["outcome"], "passed", "{t:#}");
        assert_eq!(t["method"], method);
        let packages = t["packages"]["passed"].as_u64().unwrap();
        let tests = t["tests"]["passed"].as_u64().unwrap();
        assert!(packages >= 10, "{name}: {packages} packages");
        assert!(tests >= 100, "{name}: {tests} tests");
        assert!(
            t["package_results"]
                .as_array()
                .unwrap()
                .iter()
                .any(
                    |p| p["package"] == "golang.org/x/text/encoding/unicode/utf32"
                        && p["outcome"] == "passed"
                ),
            "{name} ran the UTF-32 tests"
        );
        eprintln!(
            "x/text {X_TEXT} ./encoding/... on {name} ({method}): {packages} packages, {tests} tests passed, {} skipped, {:.1} s",
            t["tests"]["skipped"],
            t["duration_ms"].as_f64().unwrap() / 1000.0
        );
    }
    eprintln!(
        "all four targets in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // The same report is in dist/, for the build leg's upload.
    let stored: Value =
        serde_json::from_slice(&std::fs::read(dir.join("dist/tests.json")).unwrap()).unwrap();
    assert_eq!(stored["targets"].as_array().unwrap().len(), 4);
}

#[test]
fn portability_bugs_fail_where_they_should_and_are_grouped_across_targets() {
    if !qemu_installed() || !require_tool("wine", "apt-get install wine wine64") {
        return;
    }
    let (root, dir) = module_copy(
        "gotest-bugs",
        "version: 1\ntargets: [linux/amd64, linux/s390x, linux/386, linux/arm/7, windows/amd64, darwin/arm64]\n",
    );
    let output = root.path().join("github_output");
    let summary = root.path().join("step_summary");
    let (out, stdout, stderr) = run(gocross()
        .current_dir(&dir)
        .arg("test")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_WORKSPACE", root.path())
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let report: Value =
        serde_json::from_slice(&std::fs::read(dir.join("dist/tests.json")).unwrap()).unwrap();

    // Little-endian 64-bit targets pass; darwin cannot run here and does not pass.
    for name in ["linux/amd64", "windows/amd64"] {
        let t = target(&report, name);
        assert_eq!(t["outcome"], "passed", "{t:#}");
        assert_eq!(t["tests"]["passed"], 3);
    }
    assert_eq!(target(&report, "windows/amd64")["method"], "wine");
    let darwin = target(&report, "darwin/arm64");
    assert_eq!(darwin["outcome"], "not_run");
    assert!(darwin["reason"].as_str().unwrap().contains("macOS"));

    // s390x: the byte order, at the test's line.
    let s390x = target(&report, "linux/s390x");
    assert_eq!(s390x["outcome"], "failed");
    let order = failure(s390x, "TestUint32LittleEndian");
    assert_eq!(order["kind"], "failed");
    assert_eq!(order["file"], "bugs_test.go");
    assert_eq!(order["line"], 8);
    assert!(
        order["output"]
            .as_str()
            .unwrap()
            .contains("= 0x01020304, want 0x04030201")
    );
    assert_eq!(s390x["failures"].as_array().unwrap().len(), 1);

    // 386 (native) and arm/7 (QEMU): the unaligned 64-bit atomic, at the atomic call.
    for name in ["linux/386", "linux/arm/7"] {
        let t = target(&report, name);
        assert_eq!(t["outcome"], "failed", "{t:#}");
        let atomic = failure(t, "TestStatsAdd");
        assert!(
            atomic["output"]
                .as_str()
                .unwrap()
                .contains("unaligned 64-bit atomic operation"),
            "{atomic:#}"
        );
        assert_eq!(atomic["file"], "bugs.go");
        assert_eq!(t["failures"].as_array().unwrap().len(), 1);
    }

    // Grouped by test, with what sets the failing targets apart.
    let groups: Vec<(String, String, String)> = report["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["test"].as_str().unwrap().to_string(),
                g["failed_on"].to_string(),
                g["pattern"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            (
                "TestUint32LittleEndian".to_string(),
                r#"["linux/s390x"]"#.to_string(),
                "big-endian only".to_string()
            ),
            (
                "TestStatsAdd".to_string(),
                r#"["linux/386","linux/arm/7"]"#.to_string(),
                "32-bit only".to_string()
            ),
        ]
    );

    // The human output: a row per target, then the failures by test.
    assert!(
        stdout.contains("example.com/bugs (go1.")
            && stdout.contains("2 of 6 targets passed, 3 failed, 1 not run"),
        "{stdout}"
    );
    let by_test = stdout.split("Failures by test:").nth(1).expect(&stdout);
    let order_row = by_test
        .lines()
        .find(|l| l.contains("TestUint32LittleEndian"))
        .unwrap();
    assert!(order_row.contains("big-endian only"), "{order_row}");

    // GitHub Actions: a group per package, an annotation at the file and line, the summary.
    assert!(
        stdout.contains("::group::linux/s390x example.com/bugs FAIL"),
        "{stdout}"
    );
    assert!(stdout.contains("::endgroup::"));
    assert!(
        stdout.contains(
            "::error file=mod/bugs_test.go,line=8,title=TestUint32LittleEndian on linux/s390x::TestUint32LittleEndian (example.com/bugs) failed on linux/s390x; passed on linux/amd64, linux/386, linux/arm/7, windows/amd64 (big-endian only)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "::error file=mod/bugs.go,line=27,title=TestStatsAdd on linux/386%2C linux/arm/7::"
        ),
        "{stdout}"
    );
    assert!(stdout.contains(
        "::warning title=gocross test darwin/arm64::the tests of darwin/arm64 were not run"
    ));
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.contains("| `linux/s390x` | qemu | ❌ 1 test failed |"),
        "{summary}"
    );
    assert!(
        summary.contains("| `linux/amd64` | native | ✅ passed |"),
        "{summary}"
    );
    assert!(summary.contains("(big-endian only)"), "{summary}");
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(outputs.contains("tests-status=failed"), "{outputs}");
}

/// Whether a process whose command line mentions `needle` is still alive (not a zombie).
fn alive(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let state = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let zombie = state
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'));
        if cmdline.contains(needle) && !zombie {
            found.push(cmdline);
        }
    }
    found
}

#[test]
fn hung_and_crashing_tests_under_qemu_are_named_and_killed() {
    if !qemu_installed() {
        return;
    }
    let (_root, dir) = module_copy("gotest-cases", "version: 1\ntargets: [linux/arm64]\n");
    let packages = ["-p", "./hang/...", "-p", "./crash", "-p", "./ok"];
    // Compile first (no test runs), so that the timed run below spends its time testing.
    let (code, warm, stderr) =
        test_json(&dir, &[&packages[..], &["--", "-run", "^$"]].concat(), &[]);
    assert_eq!(code, 0, "{warm:#}\n{stderr}");

    let timeout = 15;
    let started = Instant::now();
    let (code, report, stderr) = test_json(
        &dir,
        &[&packages[..], &["--timeout", &timeout.to_string()]].concat(),
        &[],
    );
    let took = started.elapsed();
    assert_eq!(code, 1, "{report:#}\n{stderr}");
    assert!(
        took < Duration::from_secs(timeout + 10),
        "the run took {took:?}: it was not killed at its timeout"
    );
    let t = target(&report, "linux/arm64");
    assert_eq!(t["method"], "qemu");
    let reason = t["reason"].as_str().unwrap();
    assert!(
        reason.contains(&format!("killed with its process group after {timeout} s")),
        "{reason}"
    );
    assert!(
        reason.contains("TestStopsItself (example.com/cases/hang/stop)"),
        "{reason}"
    );

    // Stopped (SIGSTOP): only the kill ends it; named from the event stream.
    let stopped = failure(t, "TestStopsItself");
    assert_eq!(stopped["kind"], "timed_out");
    assert!(
        stopped["output"]
            .as_str()
            .unwrap()
            .contains("timeout killed `go test`")
    );
    // Sleeping: Go's own alarm fires before the deadline and names it, with its stack.
    let sleeping = failure(t, "TestSleepsForever");
    assert_eq!(sleeping["kind"], "timed_out");
    assert!(
        sleeping["output"]
            .as_str()
            .unwrap()
            .contains("panic: test timed out"),
        "{sleeping:#}"
    );
    assert_eq!(sleeping["file"], "hang/sleep/sleep_test.go");
    assert_eq!(sleeping["line"], 10);
    // A fatal fault under QEMU in the middle of a test: that test crashed, the one before passed.
    let crashed = failure(t, "TestCrashes");
    assert_eq!(crashed["kind"], "crashed");
    assert_eq!(crashed["file"], "crash/crash_test.go");
    assert_eq!(crashed["line"], 15);
    assert!(
        crashed["output"]
            .as_str()
            .unwrap()
            .contains("unexpected fault address 0xdead0000")
    );
    let results = t["package_results"].as_array().unwrap();
    let outcome = |p: &str| {
        results
            .iter()
            .find(|r| r["package"] == p)
            .map(|r| r["outcome"].clone())
    };
    assert_eq!(outcome("example.com/cases/ok"), Some("passed".into()));
    assert_eq!(t["tests"]["passed"], 2, "TestOK and TestBeforeTheCrash");
    // Nothing of the run is left: QEMU and the stopped test binary died with the group.
    std::thread::sleep(Duration::from_millis(200));
    for binary in ["stop.test", "sleep.test"] {
        let left = alive(binary);
        assert!(left.is_empty(), "still running: {left:?}");
    }
}

#[test]
fn a_package_that_does_not_compile_fails_its_target_only() {
    let (_root, dir) = module_copy(
        "gotest-cases",
        "version: 1\ntargets: [linux/amd64, linux/386]\n",
    );
    let (code, report, stderr) = test_json(&dir, &["-p", "./perarch"], &[]);
    assert_eq!(code, 1, "{report:#}\n{stderr}");
    let amd64 = target(&report, "linux/amd64");
    assert_eq!(amd64["outcome"], "passed");
    assert_eq!(amd64["tests"]["passed"], 1);
    let i386 = target(&report, "linux/386");
    assert_eq!(i386["outcome"], "failed");
    assert_eq!(i386["reason"], "1 package did not compile");
    let build = &i386["failures"][0];
    assert_eq!(build["package"], "example.com/cases/perarch");
    assert_eq!(build["test"], Value::Null);
    assert_eq!(build["kind"], "build");
    assert_eq!(build["file"], "perarch/word_386.go");
    assert_eq!(build["line"], 4);
    assert!(
        build["output"]
            .as_str()
            .unwrap()
            .contains("cannot use \"32\"")
    );
    assert_eq!(
        report["failures"][0]["passed_on"],
        serde_json::json!(["linux/amd64"])
    );
}

#[test]
fn cgo_tests_run_under_qemu_with_the_cross_sysroot() {
    if !qemu_installed()
        || !require_tool(
            "aarch64-linux-gnu-gcc",
            "apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross",
        )
    {
        return;
    }
    let (_root, dir) = module_copy(
        "gotest-cases",
        "version: 1\ntargets: [linux/arm64]\ncgo: true\nstatic: false\noverrides:\n  - targets: [linux/arm64]\n    cc: gnu\n",
    );
    let (code, report, stderr) = test_json(&dir, &["-p", "./cgo"], &[]);
    assert_eq!(code, 0, "{report:#}\n{stderr}");
    let t = target(&report, "linux/arm64");
    assert_eq!(t["outcome"], "passed");
    assert_eq!(t["tests"]["passed"], 2);
    let command = t["command"].as_str().unwrap();
    assert!(command.contains("CGO_ENABLED=1"), "{command}");
    assert!(command.contains("CC=aarch64-linux-gnu-gcc"), "{command}");
    assert!(
        command.contains("-exec 'qemu-aarch64-static -L /usr/aarch64-linux-gnu'"),
        "{command}"
    );
}

#[test]
fn test_binaries_see_only_the_allow_listed_environment_and_secrets_are_redacted() {
    if !qemu_installed() {
        return;
    }
    let (_root, dir) = module_copy(
        "gotest-cases",
        &format!(
            "version: 1\ntargets: [linux/amd64, linux/arm64]\ntest:\n  env:\n    FIXTURE_VAR: from-config\n    ECHOED: \"{TOKEN}\"\n"
        ),
    );
    let secrets = [
        ("GITHUB_TOKEN", TOKEN),
        ("ACTIONS_RUNTIME_TOKEN", "actions-runtime-secret-value"),
        ("GOCROSS_FIXTURE_UNLISTED", "not-on-the-allow-list"),
    ];
    let (out, stdout, stderr) = run(gocross()
        .current_dir(&dir)
        .args(["test", "-p", "./envprint"])
        .envs(secrets));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let report: Value =
        serde_json::from_slice(&std::fs::read(dir.join("dist/tests.json")).unwrap()).unwrap();
    for name in ["linux/amd64", "linux/arm64"] {
        let printed = failure(target(&report, name), "TestPrintsEnvironment")["output"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            printed.contains("FIXTURE_VAR=from-config"),
            "{name}: {printed}"
        );
        assert!(printed.contains("PATH="), "{name}: {printed}");
        assert!(printed.contains("HOME="), "{name}: {printed}");
        // The config passed the token's value on purpose: it is redacted where it is kept.
        assert!(printed.contains("ECHOED=***"), "{name}: {printed}");
        for forbidden in [
            "GITHUB_TOKEN",
            "ACTIONS_RUNTIME_TOKEN",
            "GOCROSS_FIXTURE_UNLISTED",
            "GOCROSS_TEST_EXEC",
            "GOOS=",
            TOKEN,
        ] {
            assert!(
                !printed.contains(forbidden),
                "{name} saw {forbidden}: {printed}"
            );
        }
    }
    for text in [&stdout, &stderr] {
        assert!(!text.contains(TOKEN));
    }
    assert!(stdout.contains("ECHOED=***"), "{stdout}");
}

#[test]
fn verified_binaries_see_only_the_allow_listed_environment() {
    if !qemu_installed() {
        return;
    }
    let secrets = [
        ("GITHUB_TOKEN", TOKEN),
        ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "id-token-request-secret"),
    ];
    let check = |printed: &str, what: &str| {
        assert!(printed.contains("envprint ok"), "{what}: {printed}");
        assert!(printed.contains("PATH="), "{what}: {printed}");
        for forbidden in ["GITHUB_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", TOKEN] {
            assert!(
                !printed.contains(forbidden),
                "{what} saw {forbidden}: {printed}"
            );
        }
    };

    // `gocross verify` under QEMU.
    let binary = go_fixture(
        &fixture("gotest-cases"),
        &[("GOOS", "linux"), ("GOARCH", "arm64"), ("CGO_ENABLED", "0")],
        &["-trimpath", "./cmd/envprint"],
        "envprint",
    );
    let empty = tempfile::tempdir().unwrap();
    let (out, stdout, stderr) = run(gocross()
        .current_dir(empty.path())
        .args(["verify", "--json", "--target", "linux/arm64"])
        .arg(&binary)
        .arg("--")
        .arg("--version")
        .envs(secrets));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let result: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(result["method"], "qemu");
    check(result["stdout_tail"].as_str().unwrap(), "gocross verify");

    // The build's verification, with `verify.env`.
    let (_root, dir) = module_copy(
        "gotest-cases",
        "version: 1\nmain: ./cmd/envprint\ntargets: [linux/amd64, linux/arm64]\nverify:\n  args: []\n  expect: \"envprint ok\"\n  env: {FIXTURE_VAR: from-verify}\n",
    );
    let (out, stdout, stderr) = run(gocross().current_dir(&dir).arg("build").envs(secrets));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let manifest = Manifest::read(&dir.join("dist")).unwrap();
    assert_eq!(manifest.artifacts.len(), 2);
    for a in &manifest.artifacts {
        let v = a.verify.as_ref().expect("verified");
        check(&v.stdout_tail, &format!("gocross build ({})", a.target));
        assert!(
            v.stdout_tail.contains("FIXTURE_VAR=from-verify"),
            "{}",
            v.stdout_tail
        );
    }
}

#[test]
fn refused_flags_and_unknown_targets_are_clear_errors() {
    let (_root, dir) = module_copy("gotest-cases", "version: 1\ntargets: [linux/amd64]\n");
    let (out, _, stderr) =
        run(gocross()
            .current_dir(&dir)
            .args(["test", "--", "-exec", "qemu-aarch64-static"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("`-exec` is not allowed: gocross runs the test binaries itself"),
        "{stderr}"
    );
    let (out, _, stderr) =
        run(gocross()
            .current_dir(&dir)
            .args(["test", "--target", "linux/arm64"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("linux/arm64 is not in gocross.yaml's targets"),
        "{stderr}"
    );
    // The wrapper explains itself when called by hand.
    let (out, _, stderr) = run(gocross().args(["__test-exec", "/bin/true"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("not meant to be called directly"),
        "{stderr}"
    );
}

/// Secrets under names no fixed list knows, in any case.
const ANY_NAME_SECRETS: [(&str, &str); 4] = [
    (
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI0K7MDENGbPxRfiCYEXAMPLEKEY",
    ),
    ("API_KEY", "apikey-0123456789-abcdef"),
    ("github_token", "ghs_lowercaseNameToken0123"),
    ("SIGNING_SECRET_B64", "c2lnbmluZy1zZWNyZXQtdmFsdWU="),
];

/// Whether `text` holds one of [`ANY_NAME_SECRETS`]' values.
fn holds_a_secret(text: &str) -> Option<&'static str> {
    ANY_NAME_SECRETS
        .iter()
        .map(|(_, v)| *v)
        .find(|v| text.contains(v))
}

/// A secret under any name reaches neither a test binary nor a verified binary, cannot be
/// read from gocross's (or any ancestor's) `/proc/PID/environ`, and is redacted from
/// tests.json, manifest.json and the output when a program prints it anyway (the programs
/// read the values from a file).
#[test]
fn secrets_by_any_name_are_withheld_and_redacted() {
    if !require_tool("go", "install Go") {
        return;
    }
    let (_root, dir) = module_copy("hostile-tests", "");
    let values: Vec<&str> = ANY_NAME_SECRETS.iter().map(|(_, v)| *v).collect();
    let file = dir.join("ancestors/secrets.txt");
    std::fs::write(&file, values.join("\n")).unwrap();
    std::fs::write(
        dir.join("gocross.yaml"),
        format!(
            "version: 1\nproject: ancestors\nmain: ./cmd/ancestors\ntargets: [linux/amd64]\nverify:\n  args: [\"{}\"]\n  expect: \"clean: \"\n",
            file.display()
        ),
    )
    .unwrap();

    // `gocross test`: the ancestors' test passes, the one that prints the values fails, and
    // its output is kept redacted.
    let (out, stdout, stderr) = run(gocross()
        .current_dir(&dir)
        .args(["test", "-p", "./ancestors"])
        .envs(ANY_NAME_SECRETS));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let tests = std::fs::read_to_string(dir.join("dist/tests.json")).unwrap();
    let report: Value = serde_json::from_str(&tests).unwrap();
    let amd64 = target(&report, "linux/amd64");
    let failed: Vec<&str> = amd64["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["test"].as_str().unwrap_or("(package)"))
        .collect();
    assert_eq!(failed, ["TestPrintsSecrets"], "{amd64:#}");
    let printed = failure(amd64, "TestPrintsSecrets")["output"]
        .as_str()
        .unwrap();
    assert!(printed.contains("printed: *** *** *** ***"), "{printed}");
    for text in [&tests, &stdout, &stderr] {
        assert_eq!(holds_a_secret(text), None, "{text}");
    }

    // `gocross verify`: the binary finds no secret above it, and what it printed is redacted.
    let binary = go_fixture(
        &fixture("hostile-tests"),
        &[("CGO_ENABLED", "0")],
        &["./cmd/ancestors"],
        "ancestors",
    );
    let (out, stdout, stderr) = run(gocross()
        .current_dir(&dir)
        .args(["verify", "--json", "--target", "linux/amd64"])
        .arg(&binary)
        .arg("--")
        .arg(&file)
        .envs(ANY_NAME_SECRETS));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let result: Value = serde_json::from_str(&stdout).unwrap();
    let tail = result["stdout_tail"].as_str().unwrap();
    assert!(tail.contains("clean: "), "{tail}");
    assert!(tail.contains("printed: *** *** *** ***"), "{tail}");
    assert_eq!(holds_a_secret(&format!("{stdout}{stderr}")), None);

    // The build's verification, into manifest.json.
    let (out, stdout, stderr) = run(gocross()
        .current_dir(&dir)
        .args(["build", "--target", "linux/amd64"])
        .envs(ANY_NAME_SECRETS));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let manifest = std::fs::read_to_string(dir.join("dist/manifest.json")).unwrap();
    assert!(manifest.contains("printed: *** *** *** ***"), "{manifest}");
    for text in [&manifest, &stdout, &stderr] {
        assert_eq!(holds_a_secret(text), None, "{text}");
    }
}

/// A test that starts a daemon in a session of its own (`setsid`) and returns: the daemon
/// does not outlive `gocross test`.
#[test]
fn a_daemon_started_by_a_test_does_not_outlive_gocross_test() {
    if !require_tool("go", "install Go") {
        return;
    }
    let (_root, dir) = module_copy("hostile-tests", "version: 1\ntargets: [linux/amd64]\n");
    let (out, stdout, stderr) = run(gocross().current_dir(&dir).args(["test", "-p", "./daemon"]));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let pid: i32 = std::fs::read_to_string(dir.join("daemon/daemon.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // A zombie has no command line; a running daemon's is `sleep 3600`.
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    if String::from_utf8_lossy(&cmdline).starts_with("sleep") {
        // SAFETY: kill(2) on the daemon this test's fixture started.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
        panic!("the daemon (pid {pid}) outlived gocross test");
    }
}
