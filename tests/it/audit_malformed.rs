//! Go's own test files for its binary readers (`$(go env GOROOT)/src/debug/*/testdata`:
//! ELF, PE, Mach-O and DWARF samples, some deliberately broken, core files, compressed debug
//! sections, a Go 1.17 binary in the old pointer format) go through the audit without a
//! panic or a hang, and the well-known ones read as expected.

use crate::common;

use base64::Engine as _;
use common::*;
use gocross::audit::{AuditReport, BinaryFormat, audit_bytes};
use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

fn goroot() -> PathBuf {
    PathBuf::from(run_ok(Command::new("go").args(["env", "GOROOT"])).trim())
}

/// Every test file, decoded: `.base64` files decoded, `.gz` files gunzipped.
fn go_testdata() -> Vec<(String, Vec<u8>)> {
    let root = goroot().join("src/debug");
    let mut out = Vec::new();
    for pkg in [
        "elf",
        "pe",
        "macho",
        "dwarf",
        "gosym",
        "plan9obj",
        "buildinfo",
    ] {
        let mut stack = vec![root.join(pkg).join("testdata")];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut paths: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for p in paths {
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let name = p.strip_prefix(&root).unwrap().display().to_string();
                let bytes = std::fs::read(&p).unwrap();
                let decoded = match p.extension().and_then(|e| e.to_str()) {
                    Some("base64") => {
                        let text: String =
                            String::from_utf8_lossy(&bytes).split_whitespace().collect();
                        base64::engine::general_purpose::STANDARD
                            .decode(text)
                            .unwrap_or_else(|e| panic!("{name}: {e}"))
                    }
                    Some("gz") => {
                        let out = Command::new("gzip").arg("-dc").arg(&p).output().unwrap();
                        assert!(out.status.success(), "gunzip {name}");
                        out.stdout
                    }
                    _ => bytes,
                };
                out.push((name, decoded));
            }
        }
    }
    out
}

/// Audits every sample on a worker thread; a sample that takes more than 20 s is a hang.
fn audit_all(samples: Vec<(String, Vec<u8>)>) -> Vec<(String, AuditReport)> {
    let (tx, rx) = mpsc::channel();
    let names: Vec<String> = samples.iter().map(|(n, _)| n.clone()).collect();
    std::thread::spawn(move || {
        for (name, data) in samples {
            let report = std::panic::catch_unwind(|| audit_bytes(&name, &data));
            if tx.send((name, report)).is_err() {
                return;
            }
        }
    });
    let mut out = Vec::new();
    for expected in names {
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok((name, Ok(report))) => out.push((name, report)),
            Ok((name, Err(_))) => panic!("the audit panicked on {name}"),
            Err(_) => panic!("the audit hung on {expected}"),
        }
    }
    out
}

#[test]
fn go_testdata_is_audited_without_panic_or_hang() {
    if !require_tool("go", "install Go") {
        return;
    }
    let samples = go_testdata();
    assert!(samples.len() >= 60, "only {} samples", samples.len());
    let reports = audit_all(samples);
    let get = |suffix: &str| {
        &reports
            .iter()
            .find(|(n, _)| n.ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} missing"))
            .1
    };

    // The Go 1.17 binary: the old pointer format.
    let go117 = get("go117/go117.base64");
    let go = go117.facts.go.as_ref().expect("go117 is a Go binary");
    assert_eq!(go.version, "go1.17");
    assert_eq!(go.path.as_deref(), Some("example.com/go117"));
    assert_eq!(go.format, gocross::audit::BlobFormat::Pointer);
    // The C binary is read completely and is not Go.
    let notgo = get("notgo/notgo.base64");
    assert_eq!(
        (notgo.error.as_deref(), notgo.facts.go.is_none()),
        (None, true)
    );
    // A universal file with two slices.
    let fat = get("macho/testdata/fat-gcc-386-amd64-darwin-exec.base64");
    assert_eq!(fat.format, BinaryFormat::MachOFat);
    let arches: Vec<String> = fat
        .slices
        .iter()
        .map(|s| s.facts.goarch.unwrap().to_string())
        .collect();
    assert_eq!(arches, ["386", "amd64"]);
    // LC_RPATH.
    let rpath = get("macho/testdata/clang-amd64-darwin-exec-with-rpath.base64");
    assert!(!rpath.facts.macho.as_ref().unwrap().rpaths.is_empty());
    // A core file, an object file with compressed debug sections, a stripped PE.
    assert_eq!(
        get("elf/testdata/hello-world-core.gz")
            .facts
            .kind
            .as_deref(),
        Some("core")
    );
    let z = get("elf/testdata/compressed-64.obj");
    assert_eq!(
        (z.facts.kind.as_deref(), z.facts.debug_info),
        (Some("rel"), Some(true))
    );
    let nosym = get("pe/testdata/gcc-386-mingw-no-symbols-exec");
    assert_eq!(nosym.facts.stripped, Some(true));
    assert_eq!(nosym.facts.pe.as_ref().unwrap().subsystem, "console");
    // A Mach-O whose dynamic symbol table is broken still reads its load commands.
    let bad = get("macho/testdata/gcc-amd64-darwin-exec-with-bad-dysym.base64");
    assert_eq!(bad.format, BinaryFormat::MachO);

    let broken: Vec<String> = reports
        .iter()
        .filter_map(|(n, r)| r.error.as_ref().map(|e| format!("{n}: {e}")))
        .collect();
    eprintln!(
        "{} samples, {} reported as malformed:\n{}",
        reports.len(),
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn the_cli_reports_a_malformed_file_and_audits_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let good = go_fixture(
        &example("hello"),
        &[("GOOS", "linux"), ("GOARCH", "arm64"), ("CGO_ENABLED", "0")],
        &[],
        "hello_linux_arm64",
    );
    let bytes = std::fs::read(&good).unwrap();
    // The same binary cut in half: its section headers are gone and segments run past the end.
    let cut = dir.path().join("cut");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let missing = dir.path().join("missing");
    let (out, stdout, stderr) = run(gocross()
        .args(["audit", "--json", "--no-config"])
        .arg(&cut)
        .arg(&missing)
        .arg(&good));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let reports: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(reports.len(), 3);
    assert!(
        reports[0]["error"]
            .as_str()
            .unwrap()
            .contains("malformed ELF"),
        "{}",
        reports[0]
    );
    assert_eq!(
        reports[0]["goarch"], "arm64",
        "facts before the damage are kept"
    );
    assert!(
        reports[1]["error"]
            .as_str()
            .unwrap()
            .starts_with("cannot open")
    );
    assert_eq!(reports[2]["passed"], true);
    assert_eq!(reports[2]["go"]["settings"]["GOARCH"], "arm64");
    assert!(
        stderr.contains(&format!("{}: violates `readable`", cut.display())),
        "{stderr}"
    );

    // Larger than --max-size: reported with its format, not read.
    let (out, stdout, _) = run(gocross()
        .args(["audit", "--json", "--no-config", "--max-size", "1K"])
        .arg(&good));
    assert_eq!(out.status.code(), Some(1));
    let r: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(r[0]["format"], "elf");
    assert!(
        r[0]["error"]
            .as_str()
            .unwrap()
            .contains("larger than the 1024 byte limit")
    );
}
