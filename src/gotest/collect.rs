//! Turning one target's `go test -json` stream into results: packages and tests passed,
//! failed and skipped, and each failure with its kind, its output and the file and line
//! `go test` reported for it.
//!
//! Failures are named as precisely as the stream allows: a failed test (its subtests' parents
//! are left out when a subtest failed); a test still running when its package's binary died
//! (`crashed`, e.g. a signal under QEMU) or when Go's `-timeout` alarm or gocross's deadline
//! stopped it (`timed_out`); a package that did not compile (`build`); a package that failed
//! outside any test (`TestMain`, `init`).

use super::event::{Action, Event};
use crate::test_results::{Counts, FailureKind, PackageOutcome, PackageResult, TestFailure};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bytes of a failure's output kept: the first [`HEAD_BYTES`] and the last [`TAIL_BYTES`].
pub const HEAD_BYTES: usize = 6 * 1024;
/// See [`HEAD_BYTES`].
pub const TAIL_BYTES: usize = 2 * 1024;
/// Bytes of one package's whole output kept for the log (`::group::` per package).
pub const PACKAGE_OUTPUT_BYTES: usize = 256 * 1024;

/// What Go prints when a test binary's `-timeout` alarm fires.
const GO_TIMEOUT: &str = "panic: test timed out after";

/// The module under test: its path (go.mod's `module`) and root directory, to map the
/// paths `go test` prints to files relative to the module root.
#[derive(Debug, Clone, Default)]
pub struct ModuleInfo {
    /// The module path (go.mod's `module`).
    pub path: String,
    /// Absolute.
    pub dir: PathBuf,
}

impl ModuleInfo {
    /// The package's directory relative to the module root (`.` for the root package);
    /// `None` for a package of another module.
    pub fn package_dir(&self, import_path: &str) -> Option<String> {
        if import_path == self.path {
            return Some(".".into());
        }
        import_path
            .strip_prefix(&self.path)
            .and_then(|rest| rest.strip_prefix('/'))
            .map(str::to_string)
    }

    /// A path from a stack frame (absolute, or under the module path with `-trimpath`) made
    /// relative to the module root; `None` outside the module (GOROOT, other modules).
    pub fn frame_path(&self, printed: &str) -> Option<String> {
        if Path::new(printed).is_absolute() {
            return Some(
                Path::new(printed)
                    .strip_prefix(&self.dir)
                    .ok()?
                    .to_string_lossy()
                    .into_owned(),
            );
        }
        printed
            .strip_prefix(&self.path)
            .and_then(|r| r.strip_prefix('/'))
            .map(str::to_string)
    }

    /// A path from a compiler message (relative to the module root, where `go test` runs, or
    /// absolute) made relative to the module root.
    pub fn compiler_path(&self, printed: &str) -> Option<String> {
        if Path::new(printed).is_absolute() {
            return self.frame_path(printed);
        }
        let p = printed.strip_prefix("./").unwrap_or(printed);
        (!p.split('/').any(|c| c == "..")).then(|| p.to_string())
    }
}

#[derive(Debug, Default)]
struct TestState {
    end: Option<Action>,
    output: String,
    elapsed: f64,
}

#[derive(Debug, Default)]
struct PackageState {
    end: Option<Action>,
    elapsed: f64,
    failed_build: String,
    /// Output lines without a test.
    own_output: String,
    /// Everything, in order, for the log.
    output: String,
    tests: BTreeMap<String, TestState>,
    /// Test names in the order they started.
    order: Vec<String>,
}

/// Accumulates the events of one `go test -json` run.
#[derive(Debug, Default)]
pub struct Collector {
    packages: BTreeMap<String, PackageState>,
    /// Package import paths in the order they started.
    order: Vec<String>,
    /// Compiler output per import path.
    build_output: BTreeMap<String, String>,
}

/// What a finished (or killed) run amounts to.
#[derive(Debug, Default)]
pub struct Collected {
    pub packages: Counts,
    pub tests: Counts,
    pub failures: Vec<TestFailure>,
    pub package_results: Vec<PackageResult>,
    /// `(package, test)` of every test that passed, for grouping failures across targets.
    pub passed: BTreeSet<(String, String)>,
}

impl Collector {
    pub fn push(&mut self, e: Event) {
        match e.action {
            Action::BuildOutput => {
                let out = self
                    .build_output
                    .entry(e.build_package().to_string())
                    .or_default();
                append_capped(out, &e.output, PACKAGE_OUTPUT_BYTES);
                return;
            }
            Action::BuildFail | Action::Other => return,
            _ => {}
        }
        if e.package.is_empty() {
            return;
        }
        if !self.packages.contains_key(&e.package) {
            self.order.push(e.package.clone());
        }
        let pkg = self.packages.entry(e.package.clone()).or_default();
        if !e.output.is_empty() {
            append_capped(&mut pkg.output, &e.output, PACKAGE_OUTPUT_BYTES);
        }
        if e.test.is_empty() {
            match e.action {
                Action::Output => append_capped(&mut pkg.own_output, &e.output, HEAD_BYTES * 4),
                a if a.is_end() => {
                    pkg.end = Some(a);
                    pkg.elapsed = e.elapsed.unwrap_or(0.0);
                    pkg.failed_build = e.failed_build;
                }
                _ => {}
            }
            return;
        }
        if !pkg.tests.contains_key(&e.test) {
            pkg.order.push(e.test.clone());
        }
        let test = pkg.tests.entry(e.test).or_default();
        match e.action {
            Action::Output if !is_framing(&e.output) => {
                append_capped(&mut test.output, &e.output, PACKAGE_OUTPUT_BYTES);
            }
            a if a.is_end() => {
                test.end = Some(a);
                test.elapsed = e.elapsed.unwrap_or(0.0);
            }
            _ => {}
        }
    }

    /// The results. `killed` says that the run was stopped at gocross's deadline of
    /// `timeout_secs`, so what was still running timed out.
    pub fn finish(self, module: &ModuleInfo, killed: bool, timeout_secs: u64) -> Collected {
        let mut c = Collected::default();
        for name in &self.order {
            let pkg = &self.packages[name];
            let mut tests = Counts::default();
            let mut failures: Vec<TestFailure> = Vec::new();
            let pkg_ended = pkg.end.is_some();
            for test_name in &pkg.order {
                let t = &pkg.tests[test_name];
                let kind = match t.end {
                    Some(Action::Pass) => {
                        tests.passed += 1;
                        c.passed.insert((name.clone(), test_name.clone()));
                        continue;
                    }
                    Some(Action::Skip) => {
                        tests.skipped += 1;
                        continue;
                    }
                    Some(_) if t.output.contains(GO_TIMEOUT) => FailureKind::TimedOut,
                    Some(_) => FailureKind::Failed,
                    None if !pkg_ended && killed => FailureKind::TimedOut,
                    None if t.output.contains(GO_TIMEOUT) => FailureKind::TimedOut,
                    None => FailureKind::Crashed,
                };
                tests.failed += 1;
                let mut output = t.output.clone();
                if kind == FailureKind::TimedOut && killed && !pkg_ended {
                    output.push_str(&format!(
                        "gocross: still running when the target's {timeout_secs} s timeout killed `go test`\n"
                    ));
                } else if kind == FailureKind::Crashed {
                    output
                        .push_str("gocross: the test binary exited while this test was running\n");
                }
                let (file, line) = locate(&output, name, module).unzip();
                failures.push(TestFailure {
                    package: name.clone(),
                    test: Some(test_name.clone()),
                    kind,
                    file,
                    line,
                    output: cap(&output),
                });
            }
            // A parent fails with its subtest: name the subtest only.
            let names: Vec<String> = failures.iter().filter_map(|f| f.test.clone()).collect();
            failures.retain(|f| {
                let t = f.test.as_deref().unwrap_or_default();
                !names
                    .iter()
                    .any(|n| n.len() > t.len() && n.starts_with(t) && n[t.len()..].starts_with('/'))
            });
            let outcome = match pkg.end {
                Some(Action::Pass) => PackageOutcome::Passed,
                Some(Action::Skip) => PackageOutcome::Skipped,
                _ => PackageOutcome::Failed,
            };
            if outcome == PackageOutcome::Failed && failures.is_empty() {
                let (kind, output) = if !pkg.failed_build.is_empty() {
                    let failed = pkg
                        .failed_build
                        .split_once(' ')
                        .map_or(pkg.failed_build.as_str(), |(p, _)| p);
                    let out = self
                        .build_output
                        .get(failed)
                        .or_else(|| self.build_output.get(name))
                        .cloned()
                        .unwrap_or_else(|| pkg.own_output.clone());
                    (FailureKind::Build, out)
                } else if !pkg_ended && killed {
                    let mut out = pkg.own_output.clone();
                    out.push_str(&format!(
                        "gocross: the package had not finished when the target's {timeout_secs} s timeout killed `go test`\n"
                    ));
                    (FailureKind::TimedOut, out)
                } else {
                    (FailureKind::Failed, pkg.own_output.clone())
                };
                let (file, line) = locate(&output, name, module).unzip();
                failures.push(TestFailure {
                    package: name.clone(),
                    test: None,
                    kind,
                    file,
                    line,
                    output: cap(&output),
                });
            }
            match outcome {
                PackageOutcome::Passed => c.packages.passed += 1,
                PackageOutcome::Failed => c.packages.failed += 1,
                PackageOutcome::Skipped => c.packages.skipped += 1,
            }
            c.tests.add(&tests);
            c.failures.extend(failures);
            c.package_results.push(PackageResult {
                package: name.clone(),
                outcome,
                elapsed_ms: (pkg.elapsed * 1000.0) as u64,
                tests,
                output: pkg.output.clone(),
            });
        }
        // Packages that did not compile and never got a package event (a dependency's build
        // failure reported only through build events).
        for (import_path, output) in &self.build_output {
            let reported = self.packages.keys().any(|p| p == import_path)
                || c.failures
                    .iter()
                    .any(|f| f.kind == FailureKind::Build && f.output == cap(output));
            if !reported && !output.trim().is_empty() {
                let (file, line) = locate(output, import_path, module).unzip();
                c.packages.failed += 1;
                c.failures.push(TestFailure {
                    package: import_path.clone(),
                    test: None,
                    kind: FailureKind::Build,
                    file,
                    line,
                    output: cap(output),
                });
            }
        }
        c
    }
}

/// `=== RUN`, `=== PAUSE`, `=== CONT`, `=== NAME` lines: test2json's framing.
fn is_framing(line: &str) -> bool {
    line.starts_with("=== ")
}

fn append_capped(buf: &mut String, text: &str, limit: usize) {
    if buf.len() < limit {
        buf.push_str(text);
    }
}

/// The first [`HEAD_BYTES`] and last [`TAIL_BYTES`] of an output, on character boundaries.
pub fn cap(text: &str) -> String {
    if text.len() <= HEAD_BYTES + TAIL_BYTES {
        return text.to_string();
    }
    let mut head = HEAD_BYTES;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - TAIL_BYTES;
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    format!(
        "{}\n[... {} bytes left out ...]\n{}",
        &text[..head],
        tail - head,
        &text[tail..]
    )
}

/// The file (relative to the module root) and line a failure's output points at, as `go
/// test` reports them: a `file.go:12:` log line of the test (the file is in the package's
/// directory), else the first stack frame or compiler message inside the module.
pub fn locate(output: &str, package: &str, module: &ModuleInfo) -> Option<(String, u64)> {
    let dir = module.package_dir(package);
    // `    bugs_test.go:14: got 0x1020304` (t.Error, t.Fatal, t.Log).
    if let Some(dir) = &dir {
        for line in output.lines() {
            let Some(rest) = line.strip_prefix("    ") else {
                continue;
            };
            let rest = rest.trim_start();
            let Some((file, after)) = rest.split_once(".go:") else {
                continue;
            };
            if file.contains(char::is_whitespace) {
                continue;
            }
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            if digits.is_empty() || !after[digits.len()..].starts_with(':') {
                continue;
            }
            let file = format!("{file}.go");
            let path = if dir == "." {
                file
            } else {
                format!("{dir}/{file}")
            };
            return Some((path, digits.parse().ok()?));
        }
    }
    // `\t/abs/path/bugs.go:22 +0x1c` (stack frames) or `p/bugs.go:3:13: message` (compiler).
    for line in output.lines() {
        let text = line.trim_start();
        let Some((path, after)) = text.split_once(".go:") else {
            continue;
        };
        if path.contains(char::is_whitespace) || path.is_empty() {
            continue;
        }
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            continue;
        }
        let rest = &after[digits.len()..];
        let frame = line.starts_with('\t') && (rest.is_empty() || rest.starts_with(" +0x"));
        let compiler = !line.starts_with(char::is_whitespace) && rest.starts_with(':');
        if !frame && !compiler {
            continue;
        }
        let printed = format!("{path}.go");
        let rel = if frame {
            module.frame_path(&printed)
        } else {
            module.compiler_path(&printed)
        };
        if let Some(rel) = rel {
            return Some((rel, digits.parse().ok()?));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module() -> ModuleInfo {
        ModuleInfo {
            path: "example.com/m".into(),
            dir: PathBuf::from("/src/m"),
        }
    }

    fn collect(lines: &[&str], killed: bool) -> Collected {
        let mut c = Collector::default();
        for l in lines {
            c.push(Event::parse(l).unwrap());
        }
        c.finish(&module(), killed, 5)
    }

    #[test]
    fn counts_and_names_failures() {
        let c = collect(
            &[
                r#"{"Action":"start","Package":"example.com/m/p"}"#,
                r#"{"Action":"run","Package":"example.com/m/p","Test":"TestA"}"#,
                r#"{"Action":"pass","Package":"example.com/m/p","Test":"TestA"}"#,
                r#"{"Action":"run","Package":"example.com/m/p","Test":"TestB"}"#,
                r#"{"Action":"run","Package":"example.com/m/p","Test":"TestB/sub"}"#,
                r#"{"Action":"output","Package":"example.com/m/p","Test":"TestB/sub","Output":"=== RUN   TestB/sub\n"}"#,
                r#"{"Action":"output","Package":"example.com/m/p","Test":"TestB/sub","Output":"    p_test.go:14: got 1, want 2\n"}"#,
                r#"{"Action":"fail","Package":"example.com/m/p","Test":"TestB/sub"}"#,
                r#"{"Action":"fail","Package":"example.com/m/p","Test":"TestB"}"#,
                r#"{"Action":"run","Package":"example.com/m/p","Test":"TestC"}"#,
                r#"{"Action":"skip","Package":"example.com/m/p","Test":"TestC"}"#,
                r#"{"Action":"fail","Package":"example.com/m/p","Elapsed":0.25}"#,
                r#"{"Action":"start","Package":"example.com/m/q"}"#,
                r#"{"Action":"skip","Package":"example.com/m/q"}"#,
            ],
            false,
        );
        assert_eq!(
            c.packages,
            Counts {
                passed: 0,
                failed: 1,
                skipped: 1
            }
        );
        assert_eq!(
            c.tests,
            Counts {
                passed: 1,
                failed: 2,
                skipped: 1
            }
        );
        assert_eq!(
            c.failures.len(),
            1,
            "the parent is left out: {:?}",
            c.failures
        );
        let f = &c.failures[0];
        assert_eq!(f.test.as_deref(), Some("TestB/sub"));
        assert_eq!(f.kind, FailureKind::Failed);
        assert_eq!((f.file.as_deref(), f.line), (Some("p/p_test.go"), Some(14)));
        assert!(!f.output.contains("=== RUN"));
        assert_eq!(c.package_results[0].elapsed_ms, 250);
    }

    #[test]
    fn crashes_timeouts_and_build_failures() {
        let c = collect(
            &[
                r#"{"ImportPath":"example.com/m/b [example.com/m/b.test]","Action":"build-output","Output":"b/b.go:3:13: cannot use x\n"}"#,
                r#"{"ImportPath":"example.com/m/b [example.com/m/b.test]","Action":"build-fail"}"#,
                r#"{"Action":"start","Package":"example.com/m/b"}"#,
                r#"{"Action":"fail","Package":"example.com/m/b","FailedBuild":"example.com/m/b [example.com/m/b.test]"}"#,
                r#"{"Action":"start","Package":"example.com/m"}"#,
                r#"{"Action":"run","Package":"example.com/m","Test":"TestCrash"}"#,
                r#"{"Action":"output","Package":"example.com/m","Test":"TestCrash","Output":"SIGSEGV: segmentation violation\n"}"#,
                r#"{"Action":"output","Package":"example.com/m","Test":"TestCrash","Output":"\t/usr/local/go/src/syscall/syscall_linux.go:65 +0xd\n"}"#,
                r#"{"Action":"output","Package":"example.com/m","Test":"TestCrash","Output":"\t/src/m/crash_test.go:23 +0x46\n"}"#,
                r#"{"Action":"fail","Package":"example.com/m"}"#,
                r#"{"Action":"start","Package":"example.com/m/h"}"#,
                r#"{"Action":"run","Package":"example.com/m/h","Test":"TestHang"}"#,
            ],
            true,
        );
        let kinds: Vec<(String, Option<&str>, FailureKind)> = c
            .failures
            .iter()
            .map(|f| (f.package.clone(), f.test.as_deref(), f.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("example.com/m/b".to_string(), None, FailureKind::Build),
                (
                    "example.com/m".to_string(),
                    Some("TestCrash"),
                    FailureKind::Crashed
                ),
                (
                    "example.com/m/h".to_string(),
                    Some("TestHang"),
                    FailureKind::TimedOut
                ),
            ]
        );
        assert_eq!(c.failures[0].file.as_deref(), Some("b/b.go"));
        assert_eq!(c.failures[0].line, Some(3));
        assert_eq!(c.failures[1].file.as_deref(), Some("crash_test.go"));
        assert!(c.failures[2].output.contains("5 s timeout"));
        assert_eq!(c.packages.failed, 3);
    }

    #[test]
    fn trimmed_paths_and_go_timeouts() {
        let c = collect(
            &[
                r#"{"Action":"run","Package":"example.com/m/p","Test":"TestSlow"}"#,
                r#"{"Action":"output","Package":"example.com/m/p","Test":"TestSlow","Output":"panic: test timed out after 3s\n"}"#,
                r#"{"Action":"output","Package":"example.com/m/p","Test":"TestSlow","Output":"\truntime/panic.go:115 +0x1f\n"}"#,
                r#"{"Action":"output","Package":"example.com/m/p","Test":"TestSlow","Output":"\texample.com/m/p/slow_test.go:9 +0x1f\n"}"#,
                r#"{"Action":"fail","Package":"example.com/m/p"}"#,
            ],
            false,
        );
        assert_eq!(c.failures[0].kind, FailureKind::TimedOut);
        assert_eq!(c.failures[0].file.as_deref(), Some("p/slow_test.go"));
    }

    #[test]
    fn long_outputs_keep_head_and_tail() {
        let text = format!("{}{}", "a".repeat(HEAD_BYTES), "b".repeat(TAIL_BYTES * 3));
        let capped = cap(&text);
        assert!(capped.starts_with(&"a".repeat(HEAD_BYTES)));
        assert!(capped.ends_with(&"b".repeat(TAIL_BYTES)));
        assert!(capped.contains("bytes left out"));
    }
}
