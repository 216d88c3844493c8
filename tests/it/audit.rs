//! Differential tests of `gocross audit`: on Go binaries of every target family that the suite
//! builds, and on a bounded sample of this machine's ELF files, gocross must agree with
//! `file` (format, class, byte order, static or dynamic, interpreter, stripped), `readelf -d`
//! (NEEDED, RPATH, RUNPATH), `readelf -V` (highest GLIBC version needed) and `go version -m`
//! (the whole build info). The differences that are by design are listed in the README's
//! audit section and handled here by name.

use crate::common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every target family the audit must read: one Go binary each, built with CGO_ENABLED=0.
const PORTS: &[&str] = &[
    "linux/amd64",
    "linux/386",
    "linux/arm",
    "linux/arm64",
    "linux/riscv64",
    "linux/ppc64le",
    "linux/s390x",
    "linux/mips64le",
    "linux/loong64",
    "windows/amd64",
    "windows/386",
    "windows/arm64",
    "darwin/amd64",
    "darwin/arm64",
    "freebsd/amd64",
    "wasip1/wasm",
];

fn split(target: &str) -> (&str, &str) {
    target.split_once('/').unwrap()
}

fn hello(target: &str, args: &[&str], suffix: &str) -> PathBuf {
    let (os, arch) = split(target);
    go_fixture(
        &example("hello"),
        &[("GOOS", os), ("GOARCH", arch), ("CGO_ENABLED", "0")],
        args,
        &format!("hello_{os}_{arch}{suffix}"),
    )
}

/// The Go corpus: every port; stripped builds (`-s -w`); PIE; quoted settings; a module with
/// dependencies and a local replacement; a VCS-stamped build; cgo against glibc (host gcc and
/// Debian's aarch64 cross gcc) and static against musl.
fn go_corpus() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = PORTS.iter().map(|t| hello(t, &[], "")).collect();
    for t in [
        "linux/amd64",
        "linux/arm64",
        "linux/s390x",
        "windows/amd64",
        "darwin/arm64",
        "wasip1/wasm",
    ] {
        out.push(hello(t, &["-trimpath", "-ldflags=-s -w"], "_stripped"));
    }
    out.push(hello("linux/amd64", &["-buildmode=pie"], "_pie"));
    out.push(hello(
        "linux/arm",
        &[
            "-tags=netgo,osusergo",
            "-ldflags=-X 'main.version=1.0 beta' -X main.note=\"x\"",
        ],
        "_quoted",
    ));
    out.push(go_fixture(
        &repo().join("tests/fixtures/godeps"),
        &[("CGO_ENABLED", "0")],
        &[],
        "godeps",
    ));
    out.push(vcs_stamped());
    let cgo = example("cgo-hello");
    if require_tool("gcc", "apt-get install gcc") {
        out.push(go_fixture(
            &cgo,
            &[("CGO_ENABLED", "1"), ("CC", "gcc")],
            &[],
            "cgo_glibc_amd64",
        ));
    }
    if require_tool(
        "aarch64-linux-gnu-gcc",
        "apt-get install gcc-aarch64-linux-gnu",
    ) {
        out.push(go_fixture(
            &cgo,
            &[
                ("CGO_ENABLED", "1"),
                ("GOARCH", "arm64"),
                ("CC", "aarch64-linux-gnu-gcc"),
            ],
            &[],
            "cgo_glibc_arm64",
        ));
    }
    if require_tool("musl-gcc", "apt-get install musl-tools") {
        out.push(go_fixture(
            &cgo,
            &[("CGO_ENABLED", "1"), ("CC", "musl-gcc")],
            &["-ldflags=-linkmode external -extldflags -static"],
            "cgo_musl_static",
        ));
    }
    out
}

/// hello built from a fresh git repository, so the build info has vcs.* settings.
fn vcs_stamped() -> PathBuf {
    let dir = copy_module(&example("hello"));
    let git = |args: &[&str]| {
        run_ok(
            Command::new("git")
                .current_dir(dir.path())
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
                .args(args),
        );
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "fixture"]);
    // The key ignores .git, so the fixture is built once per checkout of the test cache.
    go_fixture(
        dir.path(),
        &[("CGO_ENABLED", "0")],
        &["-buildvcs=true"],
        "hello_vcs",
    )
}

/// `gocross audit --json --no-config FILES...`, keyed by path. The exit code is not checked
/// here (a malformed system file may fail); the caller looks at each report.
fn audit_json(files: &[PathBuf]) -> BTreeMap<String, Value> {
    let (out, stdout, stderr) = run(gocross()
        .args(["audit", "--json", "--no-config"])
        .args(files));
    assert!(
        out.status.code().is_some(),
        "gocross audit crashed: {stderr}"
    );
    let reports: Vec<Value> = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}\nstderr:\n{stderr}"));
    assert_eq!(reports.len(), files.len());
    reports
        .into_iter()
        .map(|r| (r["path"].as_str().unwrap().to_string(), r))
        .collect()
}

/// What `file -b` says about the facts gocross also reports.
#[derive(Debug, Default, PartialEq)]
struct FileSays {
    format: String,
    bits: Option<u64>,
    endian: Option<&'static str>,
    linkage: Option<&'static str>,
    interpreter: Option<String>,
    stripped: Option<bool>,
}

fn file_says(desc: &str) -> FileSays {
    let mut f = FileSays::default();
    // `file` puts the mode bits first: "setuid ELF 64-bit ...".
    let desc = ["setuid ", "setgid ", "sticky "]
        .iter()
        .fold(desc, |d, p| d.strip_prefix(p).unwrap_or(d));
    if let Some(rest) = desc.strip_prefix("ELF ") {
        f.format = "elf".into();
        f.bits = rest[..2].parse().ok();
        f.endian = if rest.contains("LSB") {
            Some("little")
        } else if rest.contains("MSB") {
            Some("big")
        } else {
            None
        };
        f.linkage = if desc.contains("statically linked") || desc.contains("static-pie linked") {
            Some("static")
        } else if desc.contains("dynamically linked") {
            Some("dynamic")
        } else {
            None
        };
        f.interpreter = desc
            .split(", ")
            .find_map(|p| p.strip_prefix("interpreter "))
            .map(String::from);
        f.stripped = if desc.ends_with(", stripped") || desc.contains(", stripped,") {
            Some(true)
        } else if desc.contains("not stripped") {
            Some(false)
        } else {
            None
        };
    } else if desc.starts_with("PE32+ ") {
        f.format = "pe".into();
        f.bits = Some(64);
    } else if desc.starts_with("PE32 ") {
        f.format = "pe".into();
        f.bits = Some(32);
    } else if desc.starts_with("Mach-O universal") {
        f.format = "macho-fat".into();
    } else if desc.starts_with("Mach-O 64-bit") {
        f.format = "macho".into();
        f.bits = Some(64);
    } else if desc.starts_with("Mach-O ") {
        f.format = "macho".into();
        f.bits = Some(32);
    } else if desc.starts_with("WebAssembly") {
        f.format = "wasm".into();
    } else {
        f.format = "unknown".into();
    }
    f
}

fn described_as_static_pie(path: &str) -> bool {
    run_ok(Command::new("file").arg("-b").arg(path)).contains("static-pie linked")
}

/// Runs `file -b` on each file.
fn file_b(files: &[PathBuf]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|p| {
            let desc = run_ok(Command::new("file").arg("-b").arg(p));
            (p.display().to_string(), desc.trim().to_string())
        })
        .collect()
}

/// `readelf -d`: NEEDED in order, RPATH, RUNPATH.
fn readelf_dynamic(path: &Path) -> (Vec<String>, Option<String>, Option<String>) {
    let (_, text, _) = run(Command::new("readelf").args(["-d", "-W"]).arg(path));
    let value = |line: &str, label: &str| -> Option<String> {
        let start = line.find(label)? + label.len();
        let rest = &line[start..];
        Some(rest[..rest.rfind(']')?].to_string())
    };
    let mut needed = Vec::new();
    let (mut rpath, mut runpath) = (None, None);
    for line in text.lines() {
        if line.contains("(NEEDED)") {
            needed.extend(value(line, "Shared library: ["));
        } else if line.contains("(RPATH)") {
            rpath = value(line, "Library rpath: [");
        } else if line.contains("(RUNPATH)") {
            runpath = value(line, "Library runpath: [");
        }
    }
    (needed, rpath, runpath)
}

/// `readelf -V`: the highest GLIBC_x.y[.z] in the version needs section.
fn readelf_glibc_floor(path: &Path) -> Option<String> {
    let (_, text, _) = run(Command::new("readelf").args(["-V", "-W"]).arg(path));
    let needs = text.split("Version needs section").nth(1)?;
    needs
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("GLIBC_"))
        .filter_map(|v| {
            let key: Option<Vec<u32>> = v.split('.').map(|p| p.parse().ok()).collect();
            key.map(|k| (k, v.to_string()))
        })
        .max()
        .map(|(_, v)| v)
}

/// `go version -m FILES...`: the build info text of each Go file, without its first line.
fn go_version_m(files: &[PathBuf]) -> BTreeMap<String, (String, String)> {
    let (_, text, _) = run(Command::new("go").args(["version", "-m"]).args(files));
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String, String)> = None;
    for line in text.split_inclusive('\n') {
        if line.starts_with('\t') {
            if let Some(c) = current.as_mut() {
                c.2.push_str(line);
            }
            continue;
        }
        if let Some((path, version, body)) = current.take() {
            out.insert(path, (version, body));
        }
        let (path, version) = line.trim_end().rsplit_once(": ").unwrap();
        current = Some((path.to_string(), version.to_string(), String::new()));
    }
    if let Some((path, version, body)) = current {
        out.insert(path, (version, body));
    }
    out
}

/// Checks one report against `file`, and for ELF against `readelf`; returns the
/// disagreements.
fn compare_with_binutils(path: &str, r: &Value, file: &FileSays) -> Vec<String> {
    let mut bad = Vec::new();
    let mut check = |what: &str, ours: Value, theirs: Value| {
        if ours != theirs {
            bad.push(format!(
                "{path}: {what}: gocross {ours}, reference {theirs}"
            ));
        }
    };
    check("format", r["format"].clone(), file.format.clone().into());
    if file.bits.is_some() {
        check("bits", r["bits"].clone(), file.bits.into());
    }
    if let Some(e) = file.endian {
        check("endian", r["endian"].clone(), e.into());
    }
    if file.format != "elf" {
        return bad;
    }
    // A separate debug file keeps PT_DYNAMIC without its bytes: `file` calls it dynamically
    // linked, readelf finds no dynamic section, gocross leaves the linkage unknown.
    let no_dynamic = || {
        run(Command::new("readelf").arg("-d").arg(path))
            .1
            .contains("There is no dynamic section")
    };
    // `file` says "static-pie linked" for any ELF that has a DT_FLAGS_1 entry and no
    // DT_NEEDED, shared libraries included (libabsl_city.so with FLAGS_1=NOW); gocross calls a
    // shared object (ET_DYN without DF_1_PIE) dynamic.
    let file_static_pie_quirk =
        |l: &str| l == "static" && r["type"] == "dyn" && described_as_static_pie(path);
    if let Some(l) = file.linkage
        && !(r["linkage"].is_null() && l == "dynamic" && no_dynamic())
        && !file_static_pie_quirk(l)
    {
        check("linkage", r["linkage"].clone(), l.into());
    }
    check(
        "interpreter",
        r["elf"]["interpreter"].clone(),
        file.interpreter.clone().into(),
    );
    if let Some(s) = file.stripped {
        check("stripped", r["stripped"].clone(), s.into());
    }
    let (needed, rpath, runpath) = readelf_dynamic(Path::new(path));
    check("needed", r["elf"]["needed"].clone(), needed.into());
    check("rpath", r["elf"]["rpath"].clone(), rpath.into());
    check("runpath", r["elf"]["runpath"].clone(), runpath.into());
    check(
        "glibc_floor",
        r["glibc_floor"].clone(),
        readelf_glibc_floor(Path::new(path)).into(),
    );
    bad
}

#[test]
fn go_binaries_agree_with_file_readelf_and_go_version_m() {
    if !require_tool("file", "apt-get install file")
        || !require_tool("readelf", "apt-get install binutils")
    {
        return;
    }
    let corpus = go_corpus();
    let reports = audit_json(&corpus);
    let described = file_b(&corpus);
    let go = go_version_m(&corpus);
    let mut bad = Vec::new();
    for path in &corpus {
        let key = path.display().to_string();
        let r = &reports[&key];
        assert_eq!(r["error"], Value::Null, "{key}: {r}");
        bad.extend(compare_with_binutils(&key, r, &file_says(&described[&key])));
        // Go build info: exactly what `go version -m` prints. wasm is the documented
        // exception: Go cannot read it, gocross can.
        let ours = &r["go"];
        match go.get(&key) {
            Some((version, body)) => {
                if ours["version"] != version.as_str() {
                    bad.push(format!(
                        "{key}: go version {} vs {version}",
                        ours["version"]
                    ));
                }
                let text = run_ok(gocross().args(["audit", "-v", "--no-config"]).arg(path));
                let block = text
                    .split_once(&format!("{key}: {version}\n"))
                    .map(|(_, b)| b.to_string())
                    .unwrap_or_default();
                if block != *body {
                    bad.push(format!("{key}: build info differs:\n{block}\nvs\n{body}"));
                }
            }
            None => {
                assert_eq!(r["format"], "wasm", "{key}: go version -m cannot read it");
                assert_eq!(
                    ours["version"],
                    run_ok(Command::new("go").args(["env", "GOVERSION"])).trim()
                );
                assert_eq!(ours["settings"]["GOOS"], "wasip1");
                assert_eq!(ours["path"], "example.com/hello");
            }
        }
    }
    assert!(bad.is_empty(), "disagreements:\n{}", bad.join("\n"));

    // Spot checks of facts no reference tool above prints the same way.
    let by_name = |name: &str| {
        reports
            .iter()
            .find(|(k, _)| k.ends_with(&format!("/{name}")))
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("{name} not in the corpus"))
    };
    for t in PORTS {
        let (os, arch) = split(t);
        let r = by_name(&format!("hello_{os}_{arch}"));
        assert_eq!(
            (r["goos"].as_str(), r["goarch"].as_str()),
            (Some(os), Some(arch)),
            "{t}"
        );
        assert_eq!(r["go"]["settings"]["CGO_ENABLED"], "0");
    }
    let pie = by_name("hello_linux_amd64_pie");
    assert_eq!(pie["type"], "pie");
    let freebsd = by_name("hello_freebsd_amd64");
    assert_eq!(freebsd["elf"]["osabi"], "freebsd");
    let win = by_name("hello_windows_amd64");
    assert_eq!(win["pe"]["subsystem"], "console");
    assert_eq!(win["libraries"][0], "kernel32.dll");
    let mac = by_name("hello_darwin_arm64");
    assert_eq!(mac["macho"]["cputype"], "CPU_TYPE_ARM64");
    assert_eq!(mac["macho"]["platform"], "macos");
    assert!(mac["macho"]["min_os"].as_str().is_some());
    assert_eq!(by_name("hello_darwin_arm64_stripped")["stripped"], true);
    assert_eq!(by_name("hello_windows_amd64_stripped")["stripped"], true);
    assert_eq!(by_name("hello_wasip1_wasm")["stripped"], false);
    assert_eq!(by_name("hello_wasip1_wasm_stripped")["stripped"], true);
    let deps = by_name("godeps");
    assert_eq!(deps["go"]["deps"][0]["replace"]["path"], "./localdep");
    assert!(
        deps["go"]["deps"][1]["sum"]
            .as_str()
            .unwrap()
            .starts_with("h1:")
    );
    let vcs = by_name("hello_vcs");
    assert_eq!(vcs["go"]["settings"]["vcs"], "git");
    assert_eq!(
        vcs["go"]["settings"]["vcs.revision"].as_str().map(str::len),
        Some(40)
    );
    if let Some((_, r)) = reports
        .iter()
        .find(|(k, _)| k.ends_with("/cgo_glibc_amd64"))
    {
        assert_eq!(r["go"]["settings"]["CGO_ENABLED"], "1");
        assert!(r["elf"]["version_needs"]["libc.so.6"].is_array());
        assert_eq!(r["elf"]["abi_tag"]["os"], "linux");
    }
    if let Some((_, r)) = reports
        .iter()
        .find(|(k, _)| k.ends_with("/cgo_musl_static"))
    {
        assert_eq!(r["linkage"], "static");
        assert_eq!(r["go"]["settings"]["CGO_ENABLED"], "1");
    }
}

/// Up to `limit` ELF files (symlinks resolved, no duplicates) under `dir`, in name order,
/// descending at most `depth` levels.
fn elf_files(dir: &Path, depth: usize, limit: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let start = out.len();
    for p in paths {
        if out.len() - start >= limit {
            return;
        }
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.is_dir() && depth > 0 {
            let before = out.len();
            elf_files(&p, depth - 1, limit - (before - start), out);
        } else if meta.is_file() && meta.len() < 64 << 20 {
            let mut head = [0u8; 4];
            let is_elf = std::fs::File::open(&p)
                .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
                .is_ok()
                && head == *b"\x7fELF";
            if is_elf && !out.contains(&p) {
                out.push(p);
            }
        }
    }
}

#[test]
fn system_elf_files_agree_with_file_and_readelf() {
    if !require_tool("file", "apt-get install file")
        || !require_tool("readelf", "apt-get install binutils")
    {
        return;
    }
    // A bounded sample: programs, the host's libraries, other /usr/lib files (debug files,
    // helpers), and the cross toolchains' libraries (other machines, both byte orders,
    // object files).
    let mut files = Vec::new();
    let mut sample = |dir: &str, depth: usize, limit: usize| {
        elf_files(Path::new(dir), depth, limit, &mut files);
    };
    sample("/usr/bin", 0, 120);
    sample("/usr/lib/x86_64-linux-gnu", 0, 80);
    sample("/usr/lib", 2, 60);
    for cross in [
        "aarch64-linux-gnu",
        "arm-linux-gnueabihf",
        "i686-linux-gnu",
        "powerpc64le-linux-gnu",
        "riscv64-linux-gnu",
        "s390x-linux-gnu",
    ] {
        sample(&format!("/usr/{cross}/lib"), 0, 12);
    }
    assert!(
        files.len() >= 50,
        "too few ELF files found: {}",
        files.len()
    );
    let reports = audit_json(&files);
    let described = file_b(&files);
    let go = go_version_m(&files);
    let mut bad = Vec::new();
    for path in &files {
        let key = path.display().to_string();
        let r = &reports[&key];
        if r["error"] != Value::Null {
            bad.push(format!("{key}: {}", r["error"]));
        }
        bad.extend(compare_with_binutils(&key, r, &file_says(&described[&key])));
        if go.contains_key(&key) != r["go"].is_object() {
            bad.push(format!(
                "{key}: Go binary per go version -m: {}",
                go.contains_key(&key)
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} files disagree:\n{}",
        bad.len(),
        files.len(),
        bad.join("\n")
    );
}

/// Without section headers (as `sstrip` leaves a file) the build info is found in the first
/// writable PT_LOAD, as `go version -m` finds it.
#[test]
fn build_info_is_found_without_section_headers() {
    let mut bytes = std::fs::read(hello("linux/amd64", &[], "")).unwrap();
    // ELF64: e_shoff at 0x28 (8 bytes), e_shnum at 0x3c, e_shstrndx at 0x3e (2 bytes each).
    bytes[0x28..0x30].fill(0);
    bytes[0x3c..0x40].fill(0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no_sections");
    std::fs::write(&path, &bytes).unwrap();
    let reports = audit_json(std::slice::from_ref(&path));
    let r = &reports[&path.display().to_string()];
    assert_eq!(r["error"], Value::Null, "{r}");
    assert_eq!(r["stripped"], true, "no section table, so no symbol table");
    let go = go_version_m(std::slice::from_ref(&path));
    let (version, _) = &go[&path.display().to_string()];
    assert_eq!(r["go"]["version"], version.as_str());
    assert_eq!(r["go"]["settings"]["GOOS"], "linux");
}
