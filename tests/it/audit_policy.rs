//! The audit policy: one test per rule through the real `gocross audit` (exit code and the
//! exact violation line), the policy read from gocross.yaml and from a build job, the
//! manifest verdict for `gocross build`, GitHub Actions annotations and step summary, and the
//! CycloneDX SBOM validated against the CycloneDX 1.5 JSON schema.

use crate::common;

use common::*;
use gocross::audit::audit_artifact;
use gocross::config::Config;
use gocross::manifest::{Artifact, Manifest};
use gocross::plan::{self, Host, PlanContext};
use gocross::targets::GoVersion;
use gocross::toolchain::Toolbox;
use std::path::{Path, PathBuf};
use std::process::Command;

fn hello(os: &str, arch: &str, env: &[(&str, &str)], args: &[&str], name: &str) -> PathBuf {
    let mut all = vec![("GOOS", os), ("GOARCH", arch), ("CGO_ENABLED", "0")];
    all.extend_from_slice(env);
    go_fixture(&example("hello"), &all, args, name)
}

fn static_amd64() -> PathBuf {
    hello("linux", "amd64", &[], &[], "hello_linux_amd64")
}

fn pie_amd64() -> PathBuf {
    hello(
        "linux",
        "amd64",
        &[],
        &["-buildmode=pie"],
        "hello_linux_amd64_pie",
    )
}

/// cgo against the host's glibc: libm and libc, a glibc floor above 2.17.
fn cgo_glibc() -> Option<PathBuf> {
    require_tool("gcc", "apt-get install gcc").then(|| {
        go_fixture(
            &example("cgo-hello"),
            &[("CGO_ENABLED", "1"), ("CC", "gcc")],
            &[],
            "cgo_glibc_amd64",
        )
    })
}

/// Runs `gocross audit --no-config ARGS FILE`: exit code and stderr.
fn audit(file: &Path, args: &[&str]) -> (Option<i32>, String) {
    let (out, _, stderr) = run(gocross()
        .args(["audit", "--no-config"])
        .args(args)
        .arg(file));
    (out.status.code(), stderr)
}

fn violation(file: &Path, rule: &str, found: &str, allowed: &str) -> String {
    format!(
        "{}: violates `{rule}`: found {found}, allowed {allowed}\n",
        file.display()
    )
}

#[test]
fn rule_target() {
    let arm = hello("linux", "arm", &[("GOARM", "6")], &[], "hello_linux_arm_6");
    assert_eq!(
        audit(&arm, &["--target", "linux/arm"]),
        (Some(0), String::new())
    );
    assert_eq!(
        audit(&arm, &["--target", "linux/arm64"]),
        (
            Some(1),
            violation(&arm, "target", "linux/arm/6", "linux/arm64")
        )
    );
    // The variant counts when the binary records it.
    assert_eq!(
        audit(&arm, &["--target", "linux/arm/7"]),
        (
            Some(1),
            violation(&arm, "target", "linux/arm/6", "linux/arm/7")
        )
    );
    let win = hello("windows", "amd64", &[], &[], "hello_windows_amd64");
    assert_eq!(
        audit(&win, &["--target", "linux/amd64"]),
        (
            Some(1),
            violation(&win, "target", "windows/amd64/v1", "linux/amd64")
        )
    );
}

#[test]
fn rule_static() {
    assert_eq!(
        audit(&static_amd64(), &["--static"]),
        (Some(0), String::new())
    );
    let pie = pie_amd64();
    assert_eq!(
        audit(&pie, &["--static"]),
        (
            Some(1),
            violation(
                &pie,
                "static",
                "dynamic (interpreter /lib64/ld-linux-x86-64.so.2)",
                "static"
            )
        )
    );
    // Not an ELF fact: Windows binaries are not checked.
    let win = hello("windows", "amd64", &[], &[], "hello_windows_amd64");
    assert_eq!(audit(&win, &["--static"]), (Some(0), String::new()));
}

#[test]
fn rule_max_glibc() {
    let Some(cgo) = cgo_glibc() else { return };
    let floor = run_ok(gocross().args(["audit", "--json", "--no-config"]).arg(&cgo));
    let floor: serde_json::Value = serde_json::from_str(&floor).unwrap();
    let floor = floor[0]["glibc_floor"].as_str().unwrap().to_string();
    assert_eq!(
        audit(&cgo, &["--max-glibc", "2.17"]),
        (
            Some(1),
            violation(
                &cgo,
                "max_glibc",
                &format!("GLIBC_{floor}"),
                "at most GLIBC_2.17"
            )
        )
    );
    assert_eq!(
        audit(&cgo, &["--max-glibc", &floor]),
        (Some(0), String::new())
    );
    // A static binary requires no glibc at all.
    assert_eq!(
        audit(&static_amd64(), &["--max-glibc", "2.17"]),
        (Some(0), String::new())
    );
}

#[test]
fn rule_allowed_libs() {
    let Some(cgo) = cgo_glibc() else { return };
    assert_eq!(
        audit(&cgo, &["--allow-lib", "libc.so.6"]),
        (
            Some(1),
            violation(&cgo, "allowed_libs", "libm.so.6", "libc.so.6")
        )
    );
    assert_eq!(
        audit(&cgo, &["--allow-lib", "libc.so.6,libm.so.6"]),
        (Some(0), String::new())
    );
}

#[test]
fn rule_forbidden_libs() {
    let win = hello("windows", "amd64", &[], &[], "hello_windows_amd64");
    // DLL names compare without case, as Windows loads them.
    assert_eq!(
        audit(&win, &["--forbid-lib", "KERNEL32.DLL"]),
        (
            Some(1),
            violation(
                &win,
                "forbidden_libs",
                "kernel32.dll",
                "none of KERNEL32.DLL"
            )
        )
    );
    let mac = hello("darwin", "arm64", &[], &[], "hello_darwin_arm64");
    assert_eq!(
        audit(&mac, &["--forbid-lib", "libresolv.9.dylib"]),
        (
            Some(1),
            violation(
                &mac,
                "forbidden_libs",
                "/usr/lib/libresolv.9.dylib",
                "none of libresolv.9.dylib"
            )
        )
    );
    assert_eq!(
        audit(&static_amd64(), &["--forbid-lib", "libc.so.6"]),
        (Some(0), String::new())
    );
}

#[test]
fn rule_stripped() {
    let full = static_amd64();
    assert_eq!(
        audit(&full, &["--stripped"]),
        (
            Some(1),
            violation(
                &full,
                "stripped",
                "a symbol table",
                "stripped (build with -ldflags=-s)"
            )
        )
    );
    let stripped = hello(
        "linux",
        "amd64",
        &[],
        &["-trimpath", "-ldflags=-s -w"],
        "hello_linux_amd64_stripped",
    );
    assert_eq!(audit(&stripped, &["--stripped"]), (Some(0), String::new()));
}

#[test]
fn rule_min_go() {
    let bin = static_amd64();
    let version = run_ok(Command::new("go").args(["env", "GOVERSION"]));
    assert_eq!(
        audit(&bin, &["--min-go", "1.99"]),
        (
            Some(1),
            violation(&bin, "min_go", version.trim(), "go1.99 or later")
        )
    );
    assert_eq!(audit(&bin, &["--min-go", "1.18"]), (Some(0), String::new()));
    // A file without build info cannot show its Go version.
    assert_eq!(
        audit(Path::new("/usr/bin/ls"), &["--min-go", "1.18"]),
        (
            Some(1),
            violation(
                Path::new("/usr/bin/ls"),
                "min_go",
                "no Go build info",
                "go1.18 or later"
            )
        )
    );
}

#[test]
fn rule_cgo() {
    let bin = static_amd64();
    assert_eq!(
        audit(&bin, &["--cgo", "on"]),
        (
            Some(1),
            violation(
                &bin,
                "cgo",
                "cgo off (CGO_ENABLED=0)",
                "cgo on (CGO_ENABLED=1)"
            )
        )
    );
    assert_eq!(audit(&bin, &["--cgo", "off"]), (Some(0), String::new()));
}

/// A module directory with gocross.yaml, for the config-driven policy.
fn module_with(yaml: &str) -> tempfile::TempDir {
    let dir = copy_module(&example("hello"));
    std::fs::write(dir.path().join("gocross.yaml"), yaml).unwrap();
    dir
}

#[test]
fn gocross_yaml_audit_section_is_the_policy() {
    let dir = module_with(
        "version: 1\ntargets: [linux/amd64]\naudit:\n  stripped: true\n  min_go: \"1.99\"\n  cgo: true\n  forbidden_libs: [libc.so.6]\n",
    );
    let bin = static_amd64();
    let (out, _, stderr) = run(gocross().arg("-C").arg(dir.path()).arg("audit").arg(&bin));
    assert_eq!(out.status.code(), Some(1));
    let rules: Vec<&str> = stderr
        .lines()
        .map(|l| l.split('`').nth(1).unwrap())
        .collect();
    assert_eq!(rules, ["stripped", "min_go", "cgo"], "{stderr}");
    // --no-config ignores it.
    let (out, _, _) = run(gocross()
        .arg("-C")
        .arg(dir.path())
        .args(["audit", "--no-config"])
        .arg(&bin));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn gocross_yaml_static_follows_the_build_job() {
    let pie = pie_amd64();
    // `static` defaults to true: the dynamic PIE fails for its configured target.
    let dir = module_with("version: 1\ntargets: [linux/amd64]\n");
    let (out, _, stderr) = run(gocross().arg("-C").arg(dir.path()).arg("audit").arg(&pie));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("violates `static`"), "{stderr}");
    // An override that turns static off for the target turns the rule off.
    let dir = module_with(
        "version: 1\ntargets: [linux/amd64]\noverrides:\n  - targets: [linux/amd64]\n    static: false\n",
    );
    let (out, _, stderr) = run(gocross().arg("-C").arg(dir.path()).arg("audit").arg(&pie));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // A binary for a target the config does not list still gets the `audit:` rules.
    let dir = module_with("version: 1\ntargets: [linux/arm64]\naudit:\n  min_go: \"1.99\"\n");
    let (out, _, stderr) = run(gocross().arg("-C").arg(dir.path()).arg("audit").arg(&pie));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("violates `static`") && stderr.contains("violates `min_go`"),
        "{stderr}"
    );
}

/// The library entry points `gocross build` uses: the policy of a planned job and the
/// manifest verdict that keeps a failing binary out of checksums.txt.
#[test]
fn build_jobs_get_their_policy_and_a_manifest_verdict() {
    let yaml = "version: 1\ntargets: [linux/amd64, linux/arm64, windows/amd64]\noverrides:\n  - targets: [linux/arm64]\n    static: false\n    glibc: \"2.17\"\n    cgo: true\n    cc: zig\naudit:\n  forbidden_libs: [libgcc_s.so.1]\n";
    let module = gocross::config::GoMod::parse("module example.com/hello\n").unwrap();
    let config = Config::parse(yaml, Path::new("gocross.yaml"), Some(&module)).unwrap();
    let ctx = PlanContext {
        host: Host::Runners,
        go: GoVersion::LATEST_KNOWN,
        tools: Toolbox::ci(),
    };
    let jobs = plan::plan(&config, &ctx, &[]).unwrap().jobs;
    let policy = |t: &str| {
        let job = jobs.iter().find(|j| j.target.to_string() == t).unwrap();
        job.policy.clone()
    };
    let amd64 = policy("linux/amd64");
    assert_eq!(amd64.target.unwrap().to_string(), "linux/amd64");
    assert!(amd64.require_static);
    assert_eq!(amd64.forbidden_libs, ["libgcc_s.so.1"]);
    let arm64 = policy("linux/arm64");
    assert!(!arm64.require_static, "the override turned static off");
    assert_eq!(arm64.max_glibc.unwrap().to_string(), "2.17");
    assert!(
        !policy("windows/amd64").require_static,
        "windows never links statically"
    );

    // The static linux/amd64 binary passes its job's policy; the PIE does not.
    let good = audit_artifact(&static_amd64(), &amd64);
    assert_eq!(good.problem, None);
    let good = good.audit;
    assert!(good.passed, "{:?}", good.violations);
    assert_eq!(good.linkage, Some(gocross::manifest::Linkage::Static));
    assert_eq!(good.report["go"]["settings"]["GOOS"], "linux");
    let bad = audit_artifact(&pie_amd64(), &amd64);
    assert!(
        bad.problem
            .as_deref()
            .unwrap()
            .starts_with("audit failed (static: ")
    );
    let bad = bad.audit;
    assert!(!bad.passed);
    assert_eq!(bad.violations[0].rule, "static");
    // The wrong binary for the job.
    let wrong = audit_artifact(
        &hello("windows", "amd64", &[], &[], "hello_windows_amd64"),
        &amd64,
    )
    .audit;
    assert_eq!(wrong.violations[0].rule, "target");

    let artifact = |name: &str, audit| Artifact {
        name: name.into(),
        path: name.into(),
        sha256: "00".into(),
        audit: Some(audit),
        ..Default::default()
    };
    let manifest = Manifest {
        artifacts: vec![artifact("good", good), artifact("bad", bad)],
        ..Default::default()
    };
    assert_eq!(manifest.checksums(), "00  good\n");
}

#[test]
fn github_actions_get_annotations_and_a_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let pie = pie_amd64();
    let good = static_amd64();
    let (out, stdout, _) = run(gocross()
        .args(["audit", "--no-config", "--static"])
        .arg(&pie)
        .arg(&good)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary));
    assert_eq!(out.status.code(), Some(1));
    let line = format!(
        "::error file={},title=gocross audit%3A static::found dynamic (interpreter /lib64/ld-linux-x86-64.so.2), allowed static",
        pie.display()
            .to_string()
            .replace(':', "%3A")
            .replace(',', "%2C")
    );
    assert!(stdout.lines().any(|l| l == line), "{stdout}");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("| file | target | Go | linkage | glibc floor | stripped | audit |"));
    assert!(
        md.contains(&format!("| `{}` | linux/amd64 |", pie.display())),
        "{md}"
    );
    assert!(
        md.contains("❌ 1 violations") && md.contains("✅ passed"),
        "{md}"
    );
    assert!(md.contains("**static**: found dynamic"), "{md}");
}

/// The CycloneDX 1.5 JSON schema shipped in PyPI's cyclonedx-python-lib; `None` (outside
/// CI) when the package is missing.
fn cyclonedx_schema() -> Option<PathBuf> {
    if !common::require_python_module("cyclonedx.schema", "pip install cyclonedx-python-lib") {
        return None;
    }
    let out = common::run_ok(Command::new("python3").args([
        "-c",
        "import cyclonedx.schema._res as r, os; print(os.path.dirname(r.__file__))",
    ]));
    let schema = PathBuf::from(out.trim()).join("bom-1.5.SNAPSHOT.schema.json");
    assert!(schema.is_file(), "{} is missing", schema.display());
    Some(schema)
}

#[test]
fn sbom_is_valid_cyclonedx_1_5() {
    if !require_tool("check-jsonschema", "pip install check-jsonschema") {
        return;
    }
    let Some(schema) = cyclonedx_schema() else {
        return;
    };
    let bin = go_fixture(
        &repo().join("tests/fixtures/godeps"),
        &[("CGO_ENABLED", "0")],
        &[],
        "godeps",
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("godeps.cdx.json");
    run_ok(
        gocross()
            .args(["audit", "--no-config", "--sbom", "cyclonedx", "--output"])
            .arg(&out)
            .arg(&bin),
    );
    let stdout = run_ok(
        gocross()
            .args(["audit", "--no-config", "--sbom", "cyclonedx"])
            .arg(&bin),
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        stdout,
        "same bytes both ways"
    );
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file left");
    run_ok(
        Command::new("check-jsonschema")
            .arg("--schemafile")
            .arg(&schema)
            .arg("--base-uri")
            .arg(format!("file://{}", schema.display()))
            .arg(&out),
    );

    let bom: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.5");
    let main = &bom["metadata"]["component"];
    assert_eq!(main["name"], "example.com/godeps");
    assert_eq!(main["hashes"][0]["alg"], "SHA-256");
    let props = main["properties"].as_array().unwrap();
    assert!(
        props
            .iter()
            .any(|p| p["name"] == "gocross:build:GOOS" && p["value"] == "linux")
    );
    let comps = bom["components"].as_array().unwrap();
    let find = |name: &str| comps.iter().find(|c| c["name"] == name).unwrap();
    let isatty = find("github.com/mattn/go-isatty");
    assert_eq!(
        isatty["purl"],
        "pkg:golang/github.com/mattn/go-isatty@v0.0.20"
    );
    // go.sum's h1:xfD0iDuE... as hex.
    assert_eq!(
        isatty["hashes"][0]["content"],
        "c5f0f4883b842a70e4974deae258a607ebc7f86c4b12d2ff8dbe315494965846"
    );
    assert!(find("std")["version"].as_str().unwrap().starts_with("go1."));
    assert_eq!(
        find("example.com/localdep")["properties"][0]["value"],
        "./localdep"
    );
    assert_eq!(
        bom["dependencies"][0]["dependsOn"]
            .as_array()
            .unwrap()
            .len(),
        comps.len()
    );

    // A file without build info has nothing to describe.
    let (out, _, stderr) =
        run(gocross().args(["audit", "--no-config", "--sbom", "cyclonedx", "/usr/bin/ls"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("has no Go build info"), "{stderr}");
}
