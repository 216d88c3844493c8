//! `gocross test`: the module's own Go tests, compiled for each target with its plan and run
//! on it the way verification runs its binary (natively, QEMU user mode, wine, a wasm
//! runtime).
//!
//! For each selected plan job ([`jobs_to_test`]), in parallel, at most `jobs` at a time:
//! 1. a target that cannot run here (its plan's method, a missing QEMU or wine, `test: false`)
//!    is `not run`, with the reason, and never counts as passed;
//! 2. `go test -json -exec '<gocross> __test-exec'` runs in the module root with the job's
//!    environment (GOOS, GOARCH, the variant variable, CGO_ENABLED, CC, `env:`), tags and
//!    flags, in its own process group (`gorun`). Go keeps its package handling, build
//!    cache, `-run` and `-short`; gocross itself is the `-exec` wrapper (`exec`), which
//!    starts each test binary through [`crate::verify::Runner`] with only the allow-listed
//!    environment ([`crate::verify::env`]);
//! 3. the event stream is collected (`collect`): packages and tests passed, failed and
//!    skipped, each failure with its file and line; at the target's deadline the whole
//!    process group is killed and the tests still running are reported by name;
//! 4. the targets' failures are grouped by test across targets
//!    ([`crate::test_results::group_failures`]), with the
//!    pattern that tells them apart (big-endian only, 32-bit only);
//! 5. the report is stored as `tests.json` in dist/ ([`crate::test_results`]), where `gocross report`
//!    finds it beside the manifest.
//!
//! Go caches compiled test binaries as usual; it does not cache test results for runs with
//! `-exec`, so every run runs the tests.

mod collect;
mod event;
mod exec;
mod gorun;

pub use collect::ModuleInfo;
pub use exec::{EXEC_SUBCOMMAND, SPEC_ENV, exec_wrapper};

use crate::plan::{BuildJob, BuildPlan};
use crate::test_results::{TargetTests, TestReport};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Mutex;

/// How to run the tests, besides the plan.
#[derive(Debug, Clone)]
pub struct TestOptions {
    /// `go env GOVERSION` of the Go that compiles the tests, e.g. `go1.26.8`.
    pub go: String,
    /// The module root (where `go test` runs) and module path.
    pub module: ModuleInfo,
    /// Targets tested at the same time (at least 1).
    pub jobs: usize,
    /// The program `go test` runs as `-exec` with [`EXEC_SUBCOMMAND`]: this gocross binary.
    pub wrapper: PathBuf,
    /// `go test` flags added after the plan's (the command line's `-- ARGS`).
    pub args: Vec<String>,
    /// Package patterns replacing the plan's `test.packages`.
    pub packages: Option<Vec<String>>,
    /// Seconds per target replacing the plan's `test.timeout`.
    pub timeout: Option<u64>,
}

/// The plan jobs `gocross test` runs: every job of `plan` when the targets were named on the
/// command line (`named`), else those `test.targets` selects (every job when it is absent).
pub fn jobs_to_test(plan: &BuildPlan, named: bool) -> Vec<&BuildJob> {
    plan.jobs
        .iter()
        .filter(|j| named || j.test.selected)
        .collect()
}

/// Runs the tests of `jobs`, calling `finished` as each target ends (from worker threads).
/// Never fails: every problem is a target's `failed` or `not_run` result with a reason.
pub fn run(
    jobs: &[&BuildJob],
    opts: &TestOptions,
    finished: &(dyn Fn(&TargetTests) + Sync),
) -> TestReport {
    crate::interrupt::install();
    let queue = Mutex::new((0..jobs.len()).collect::<VecDeque<_>>());
    let slots: Mutex<Vec<Option<TargetTests>>> = Mutex::new(vec![None; jobs.len()]);
    let next = || queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
    std::thread::scope(|scope| {
        for _ in 0..opts.jobs.clamp(1, jobs.len().max(1)) {
            scope.spawn(|| {
                while let Some(i) = next() {
                    let result = gorun::run_target(jobs[i], opts);
                    finished(&result);
                    slots.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                }
            });
        }
    });
    let targets = slots
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every queued target has a result"))
        .collect();
    TestReport::new(
        opts.go.clone(),
        opts.module.path.clone(),
        targets,
        crate::interrupt::interrupted(),
    )
}
