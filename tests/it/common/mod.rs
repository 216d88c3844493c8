//! Shared support for the integration tests: the real `gocross` binary, the example modules,
//! required tools (missing ones fail under `CI=true`, and are reported and skipped otherwise),
//! and Go fixtures built once per run into a cache under `target/`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An example module of this repository, e.g. `example("hello")`.
pub fn example(name: &str) -> PathBuf {
    repo().join("examples").join(name)
}

/// A `gocross` command with a clean environment for gocross's own variables.
pub fn gocross() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gocross"));
    for var in [
        "GITHUB_ACTIONS",
        "GITHUB_OUTPUT",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_TOKEN",
        "GITHUB_ENV",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs a command and returns its output, with stdout and stderr as text for assertions.
pub fn run(cmd: &mut Command) -> (Output, String, String) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

/// Runs a command that must succeed; returns stdout.
pub fn run_ok(cmd: &mut Command) -> String {
    let (out, stdout, stderr) = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    stdout
}

/// Whether CI is running the tests (gocross's own definition): then nothing is skipped.
pub fn in_ci() -> bool {
    gocross::github::actions::in_ci()
}

/// Whether `tool` is on PATH. When it is not: [`skip`] (under CI the test fails with the
/// install hint; elsewhere it says loudly why it is skipped and the caller returns early).
pub fn require_tool(tool: &str, install: &str) -> bool {
    which(tool).is_some()
        || skip(&format!(
            "{tool} is required and not installed ({install}; scripts/test installs it)"
        ))
}

/// The commit the gocross under test was built from, as `gocross --version` prints it; `None`
/// for a build from a tree with uncommitted changes.
pub fn build_commit() -> Option<String> {
    let out = run_ok(gocross().arg("--version"));
    let commit = out.lines().nth(1)?.rsplit(' ').next()?.to_string();
    (commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit())).then_some(commit)
}

/// A gocross action pinned to a fixed commit, for the `ci.action` of the configs of tests that
/// write a workflow: the workflow then does not depend on the commit the gocross under test
/// was built from, so these tests run (and compare snapshots) in a tree with uncommitted
/// changes as well. `gocross ci init --action` takes it too.
pub const PINNED_ACTION: &str = "gocross/gocross@0123456789abcdef0123456789abcdef01234567";

/// `config` (gocross.yaml text) with `ci.action: PINNED_ACTION`: added to its top-level
/// `ci:` block (indented by two spaces), or in a new one at the end; a config that already
/// sets `ci.action` is returned as it is.
pub fn pin_action(config: &str) -> String {
    if config.contains("\n  action: ") {
        return config.to_string();
    }
    let line = format!("  action: {PINNED_ACTION}\n");
    if let Some(rest) = config.strip_prefix("ci:\n") {
        return format!("ci:\n{line}{rest}");
    }
    match config.find("\nci:\n") {
        Some(at) => {
            let (head, tail) = config.split_at(at + "\nci:\n".len());
            format!("{head}{line}{tail}")
        }
        None => {
            let sep = if config.is_empty() || config.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            format!("{config}{sep}ci:\n{line}")
        }
    }
}

/// Ends a test that cannot run here: fails under CI (which installs everything), else prints
/// a loud `SKIPPED` line with `why` and returns `false` for the caller to return early.
pub fn skip(why: &str) -> bool {
    if in_ci() {
        panic!("this test cannot run: {why} (CI=true runs every test)");
    }
    eprintln!("\n*** SKIPPED: {why} (CI=true makes this a failure) ***\n");
    false
}

/// The full path of an executable command on PATH (the `which` crate, as gocross finds its
/// tools).
pub fn which(tool: &str) -> Option<PathBuf> {
    which::which(tool).ok()
}

/// Copies a directory tree (an example module) into a fresh temporary directory.
pub fn copy_module(src: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(src, dir.path());
    dir
}

fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "dist" {
                copy_tree(&entry.path(), &to);
            }
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// Builds a Go binary with plain `go build` once per run and returns its path. The result is
/// cached under `target/test-fixtures/<key>/`, keyed by the module's files, the environment
/// and the arguments, so every test binary and every test shares one build; the Go build cache
/// is the user's default one, shared as well.
pub fn go_fixture(module: &Path, env: &[(&str, &str)], args: &[&str], name: &str) -> PathBuf {
    static LOCKS: OnceLock<Mutex<BTreeMap<String, ()>>> = OnceLock::new();
    let key = fixture_key(module, env, args);
    let dir = repo().join("target").join("test-fixtures").join(&key);
    let out = dir.join(name);
    let _guard = LOCKS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if out.is_file() {
        return out;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let tmp = dir.join(format!(".{name}.tmp"));
    let mut cmd = Command::new("go");
    cmd.current_dir(module)
        .arg("build")
        .arg("-o")
        .arg(&tmp)
        .args(args);
    for var in [
        "GOOS",
        "GOARCH",
        "GOARM",
        "GOAMD64",
        "CGO_ENABLED",
        "CC",
        "CXX",
        "GOFLAGS",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    run_ok(&mut cmd);
    std::fs::rename(&tmp, &out).unwrap();
    out
}

fn fixture_key(module: &Path, env: &[(&str, &str)], args: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(module)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for f in files {
        h.update(f.file_name().unwrap().as_encoded_bytes());
        h.update(std::fs::read(&f).unwrap());
    }
    for (k, v) in env {
        h.update(format!("{k}={v}\0"));
    }
    for a in args {
        h.update(format!("{a}\0"));
    }
    let digest = h.finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Whether the `python3` on PATH can import `module` (PyPI tools such as `ziglang` run as
/// `python3 -m ziglang`). When it cannot: fails under CI, else reports and skips, as
/// [`require_tool`].
pub fn require_python_module(module: &str, install: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    ok || skip(&format!(
        "python module {module} is required and not installed ({install}; scripts/test installs it)"
    ))
}

/// A fresh directory under `target/test-builds/<name>`, for build outputs that several tests
/// of one run share (emptied first, kept after the run for inspection).
pub fn build_dir(name: &str) -> PathBuf {
    let dir = repo().join("target").join("test-builds").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies a module (without its dist/) into `dst`, which is created.
pub fn copy_module_to(src: &Path, dst: &Path) {
    copy_tree(src, dst);
}

/// A copy of example `example` built by the real `gocross build` once per test binary: the
/// module goes to target/test-builds/`name`, `config` (when given) replaces its gocross.yaml,
/// and `build` holds the build's arguments. Returns a fresh copy of the built module (dist/
/// included) for each call, so that tests may change it.
pub fn built_copy(
    name: &str,
    example_name: &str,
    config: Option<&str>,
    build: &[&str],
) -> tempfile::TempDir {
    static BUILT: OnceLock<Mutex<BTreeMap<String, PathBuf>>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let module = built.entry(name.to_string()).or_insert_with(|| {
        let module = build_dir(name);
        copy_module_to(&example(example_name), &module);
        if let Some(text) = config {
            std::fs::write(module.join("gocross.yaml"), text).unwrap();
        }
        run_ok(gocross().arg("-C").arg(&module).arg("build").args(build));
        module
    });
    let copy = tempfile::tempdir().expect("temp dir");
    run_ok(
        Command::new("cp")
            .arg("-a")
            .arg(format!("{}/.", module.display()))
            .arg(copy.path()),
    );
    copy
}
