//! What `gocross test` found, as data: one [`TargetTests`] per target, the failures grouped
//! across targets ([`group_failures`]), the whole run as a [`TestReport`], stored as
//! dist/tests.json (`store`) and shown in the job log and step summary ([`actions`]).
//! [`crate::gotest`] runs the tests and writes these values; [`crate::github`]'s report reads
//! them, as it reads the manifest.

pub mod actions;
mod store;

use crate::manifest::VerifyKind;
use crate::targets::Target;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// How one target's tests ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestOutcome {
    /// Every package compiled and every test passed (or was skipped).
    Passed,
    /// A test failed, crashed or timed out, a package did not compile, or `go test` failed.
    Failed,
    /// The tests could not run here (or the run was interrupted); never counted as passed.
    NotRun,
}

/// How one package's tests ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageOutcome {
    /// Every test passed (or was skipped).
    Passed,
    /// A test failed, the package did not compile, or its test binary died or was killed.
    Failed,
    /// No test files.
    Skipped,
}

/// Passed, failed and skipped counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Passed.
    pub passed: u32,
    /// Failed.
    pub failed: u32,
    /// Skipped.
    pub skipped: u32,
}

impl Counts {
    /// Everything counted.
    pub fn total(&self) -> u32 {
        self.passed + self.failed + self.skipped
    }

    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

/// What kind of failure a [`TestFailure`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The test reported a failure (`t.Error`, `t.Fatal`, a recovered panic).
    Failed,
    /// The test binary died while the test ran (a signal, `os.Exit`, a fatal runtime error).
    Crashed,
    /// Go's `-timeout` alarm or the target's deadline stopped the test.
    TimedOut,
    /// The package (or one it imports) did not compile for the target.
    Build,
}

impl FailureKind {
    /// `failed`, `crashed`, `timed out`, `build failed`.
    pub fn describe(self) -> &'static str {
        match self {
            FailureKind::Failed => "failed",
            FailureKind::Crashed => "crashed",
            FailureKind::TimedOut => "timed out",
            FailureKind::Build => "build failed",
        }
    }
}

/// One failure on one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestFailure {
    /// The package's import path.
    pub package: String,
    /// The test (`TestX/sub` for a subtest); `null` when the package failed outside any test
    /// (it did not compile, `TestMain` or `init` failed, or it was killed before a test ran).
    pub test: Option<String>,
    /// How it failed.
    pub kind: FailureKind,
    /// The file `go test` reported, relative to the module root, when it is in the module.
    pub file: Option<String>,
    /// 1-based line in `file`.
    pub line: Option<u64>,
    /// The test's output (or the compiler's), without test2json's `=== RUN` framing: the
    /// first 6 KiB and the last 2 KiB, secrets redacted.
    pub output: String,
}

/// One package on one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageResult {
    /// The import path.
    pub package: String,
    /// How the package ended.
    pub outcome: PackageOutcome,
    /// What `go test` reported for the package binary's run, in milliseconds.
    pub elapsed_ms: u64,
    /// Its tests.
    pub tests: Counts,
    /// Everything the package printed (first 256 KiB), for the log; not stored.
    #[serde(skip)]
    pub output: String,
}

/// One target's tests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetTests {
    /// As the plan spells it, e.g. `linux/arm/7`.
    pub target: String,
    /// `native`, `qemu`, `wine`, `wasm` or `none`.
    pub method: VerifyKind,
    /// How the target's tests ended.
    pub outcome: TestOutcome,
    /// Why the target failed (in one line) or was not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Wall time of the target's `go test`, compilation included, in milliseconds.
    pub duration_ms: u64,
    /// Packages passed, failed, and skipped (no test files).
    pub packages: Counts,
    /// Tests (subtests included) passed, failed and skipped.
    pub tests: Counts,
    /// Each failed test (or package), in the order reported.
    pub failures: Vec<TestFailure>,
    /// Each package, in the order reported.
    pub package_results: Vec<PackageResult>,
    /// The equivalent shell command, with the runner in place of gocross's `-exec`
    /// wrapper; `null` when `go test` was not started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// `(package, test)` of the tests that passed, for [`group_failures`]; not stored.
    #[serde(skip)]
    pub passed_tests: BTreeSet<(String, String)>,
}

impl TargetTests {
    /// [`TargetTests::target`] as a [`Target`].
    ///
    /// Errors: the spelling names no port this gocross supports (a file of another gocross
    /// release).
    pub fn target(&self) -> Result<Target, crate::targets::TargetError> {
        self.target.parse()
    }

    /// A target whose tests were not run, and why.
    pub fn not_run(target: &Target, method: VerifyKind, reason: String) -> TargetTests {
        TargetTests {
            target: target.to_string(),
            method,
            outcome: TestOutcome::NotRun,
            reason: Some(reason),
            duration_ms: 0,
            packages: Counts::default(),
            tests: Counts::default(),
            failures: Vec::new(),
            package_results: Vec::new(),
            command: None,
            passed_tests: BTreeSet::new(),
        }
    }
}

/// One test (or package) that failed somewhere, with every target it failed and passed on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureGroup {
    /// The package's import path.
    pub package: String,
    /// `null` for a package-level failure (see [`TestFailure::test`]).
    pub test: Option<String>,
    /// Targets it failed on, in plan order.
    pub failed_on: Vec<String>,
    /// Targets of this run where it ran and passed, in plan order.
    pub passed_on: Vec<String>,
    /// What the failing targets share and the passing ones lack: `big-endian only`, `32-bit
    /// only`, `windows only`, `qemu only`; `null` when nothing sets them apart.
    pub pattern: Option<String>,
}

/// A whole `gocross test` run: the stable `--json` form, also stored as dist/tests.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestReport {
    /// `go env GOVERSION` of the Go that compiled the tests.
    pub go: String,
    /// The module path.
    pub module: String,
    /// True when no target failed (targets not run do not fail the run, and never pass).
    pub passed: bool,
    /// One per target, in plan order.
    pub targets: Vec<TargetTests>,
    /// The failures grouped by test across targets, in order of first appearance.
    pub failures: Vec<FailureGroup>,
    /// SIGINT or SIGTERM stopped the run.
    #[serde(default)]
    pub interrupted: bool,
}

impl TestReport {
    /// A report of `targets`, with the verdict and the groups computed.
    pub fn new(go: String, module: String, targets: Vec<TargetTests>, interrupted: bool) -> Self {
        let failures = group_failures(&targets);
        TestReport {
            go,
            module,
            passed: !targets.iter().any(|t| t.outcome == TestOutcome::Failed),
            targets,
            failures,
            interrupted,
        }
    }
}

/// Groups the failures of every target by package and test, in order of first appearance,
/// with the targets each passed on and the [`FailureGroup::pattern`] that sets the failing
/// targets apart.
pub fn group_failures(targets: &[TargetTests]) -> Vec<FailureGroup> {
    let mut order: Vec<(String, Option<String>)> = Vec::new();
    let mut failed: BTreeMap<(String, Option<String>), Vec<usize>> = BTreeMap::new();
    for (i, t) in targets.iter().enumerate() {
        for f in &t.failures {
            let key = (f.package.clone(), f.test.clone());
            let on = failed.entry(key.clone()).or_default();
            if on.is_empty() {
                order.push(key);
            }
            if !on.contains(&i) {
                on.push(i);
            }
        }
    }
    order
        .into_iter()
        .map(|key| {
            let failed_on = &failed[&key];
            let passed_on: Vec<usize> = match &key.1 {
                Some(test) => targets
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.passed_tests.contains(&(key.0.clone(), test.clone())))
                    .map(|(i, _)| i)
                    .collect(),
                None => targets
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| {
                        t.package_results
                            .iter()
                            .any(|p| p.package == key.0 && p.outcome == PackageOutcome::Passed)
                    })
                    .map(|(i, _)| i)
                    .collect(),
            };
            let names = |ix: &[usize]| ix.iter().map(|&i| targets[i].target.clone()).collect();
            FailureGroup {
                pattern: pattern(targets, failed_on, &passed_on),
                package: key.0,
                test: key.1,
                failed_on: names(failed_on),
                passed_on: names(&passed_on),
            }
        })
        .collect()
}

/// The trait every failing target has and no passing one has, in the order byte order, word
/// size, GOOS, run method; `None` without passing targets to compare with.
fn pattern(targets: &[TargetTests], failed: &[usize], passed: &[usize]) -> Option<String> {
    if passed.is_empty() || failed.is_empty() {
        return None;
    }
    let parsed = |i: usize| targets[i].target().ok();
    let traits: [&dyn Fn(usize) -> Option<String>; 4] = [
        &|i| {
            parsed(i).map(|t| {
                if t.goarch().big_endian() {
                    "big-endian".to_string()
                } else {
                    "little-endian".to_string()
                }
            })
        },
        &|i| parsed(i).map(|t| format!("{}-bit", t.goarch().bits())),
        &|i| parsed(i).map(|t| t.goos().to_string()),
        &|i| Some(targets[i].method.to_string()),
    ];
    for of in traits {
        let first = of(failed[0])?;
        if failed.iter().all(|&i| of(i).as_ref() == Some(&first))
            && passed.iter().all(|&i| of(i).as_ref() != Some(&first))
        {
            return Some(format!("{first} only"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(name: &str, method: VerifyKind, failed: &[&str], passed: &[&str]) -> TargetTests {
        let mut t = TargetTests::not_run(&name.parse().unwrap(), method, String::new());
        t.outcome = if failed.is_empty() {
            TestOutcome::Passed
        } else {
            TestOutcome::Failed
        };
        t.failures = failed
            .iter()
            .map(|test| TestFailure {
                package: "example.com/bugs".into(),
                test: Some(test.to_string()),
                kind: FailureKind::Failed,
                file: None,
                line: None,
                output: String::new(),
            })
            .collect();
        t.passed_tests = passed
            .iter()
            .map(|p| ("example.com/bugs".to_string(), p.to_string()))
            .collect();
        t
    }

    #[test]
    fn groups_failures_with_the_pattern_that_sets_them_apart() {
        let targets = vec![
            target(
                "linux/amd64",
                VerifyKind::Native,
                &[],
                &["TestOrder", "TestAtomic", "TestFlaky"],
            ),
            target(
                "linux/s390x",
                VerifyKind::Qemu,
                &["TestOrder"],
                &["TestAtomic", "TestFlaky"],
            ),
            target(
                "linux/ppc64",
                VerifyKind::Qemu,
                &["TestOrder"],
                &["TestAtomic"],
            ),
            target(
                "linux/386",
                VerifyKind::Native,
                &["TestAtomic"],
                &["TestOrder", "TestFlaky"],
            ),
            target(
                "linux/arm/7",
                VerifyKind::Qemu,
                &["TestAtomic", "TestFlaky"],
                &["TestOrder"],
            ),
        ];
        let report = TestReport::new("go1.26.8".into(), "example.com/bugs".into(), targets, false);
        assert!(!report.passed);
        let rows: Vec<(String, Vec<String>, Option<String>)> = report
            .failures
            .iter()
            .map(|g| {
                (
                    g.test.clone().unwrap(),
                    g.failed_on.clone(),
                    g.pattern.clone(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "TestOrder".to_string(),
                    vec!["linux/s390x".to_string(), "linux/ppc64".to_string()],
                    Some("big-endian only".to_string())
                ),
                (
                    "TestAtomic".to_string(),
                    vec!["linux/386".to_string(), "linux/arm/7".to_string()],
                    Some("32-bit only".to_string())
                ),
                (
                    "TestFlaky".to_string(),
                    vec!["linux/arm/7".to_string()],
                    None
                ),
            ]
        );
        assert_eq!(
            report.failures[0].passed_on,
            ["linux/amd64", "linux/386", "linux/arm/7"]
        );
    }
}
