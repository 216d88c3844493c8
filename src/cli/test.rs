//! `gocross test [--target T]... [--jobs N] [--json] [--no-wait] [-- GO TEST FLAGS]`: the module's Go
//! tests on every target, in parallel; a table per run, the failures grouped by test across
//! targets, `dist/tests.json`, and under GitHub Actions groups, annotations and the step
//! summary.

use super::{Global, Outcome, output};
use anyhow::{Context, Result};
use gocross::github::actions as gha;
use gocross::gotest::{
    self, FailureGroup, ModuleInfo, TargetTests, TestOptions, TestOutcome, TestReport, actions,
};
use gocross::project::{Missing, Mode};
use gocross::table::{Output, Table};
use gocross::targets::Target;
use std::io::Write;
use std::num::NonZeroUsize;

#[derive(Debug, clap::Args)]
#[command(mut_arg("dist", super::OUT_ALIAS))]
pub struct Args {
    /// Only these targets (a target without a variant selects every variant of it). Default:
    /// gocross.yaml's `test.targets`, else every configured target.
    #[arg(long = "target", short = 't', value_name = "GOOS/GOARCH[/VARIANT]", value_parser = super::target_arg)]
    targets: Vec<Target>,
    /// Targets tested at the same time. Default: the number of CPUs.
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<NonZeroUsize>,
    /// Seconds one target's `go test` may take (default: `test.timeout`, else 600; at most
    /// six hours).
    #[arg(long, value_name = "SECONDS", value_parser = super::timeout_arg)]
    timeout: Option<u64>,
    /// Package patterns (default: `test.packages`, else ./...).
    #[arg(long = "package", short = 'p', value_name = "PATTERN")]
    packages: Vec<String>,
    /// Where tests.json is written: the build's output directory.
    #[command(flatten)]
    dist: super::DistArg,
    /// Print the run as JSON (the shape of dist/tests.json).
    #[arg(long)]
    json: bool,
    /// Fail at once when a gocross build is writing the output directory, instead of
    /// waiting for it to finish before writing tests.json.
    #[arg(long)]
    no_wait: bool,
    /// `go test` flags for every target (`-short`, `-run REGEXP`, `-count=1`, `-v`).
    #[arg(last = true, value_name = "GO TEST FLAGS")]
    args: Vec<String>,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    if let Some(why) = args
        .args
        .iter()
        .find_map(|a| gocross::config::refused_flag(a))
    {
        anyhow::bail!("{why}");
    }
    let project = global.open(Mode::Local, Missing::Fail)?;
    let (config, ctx) = (project.config, project.ctx);
    let gomod = project.gomod.with_context(|| {
        format!(
            "`gocross test` runs in a Go module: cannot read {}",
            global.dir.join("go.mod").display()
        )
    })?;
    let go = project.go?;
    let plan = gocross::plan::plan(&config, &ctx, &args.targets)?;
    let jobs = gotest::select(&plan, !args.targets.is_empty());
    let module_dir = std::fs::canonicalize(&global.dir)
        .with_context(|| format!("cannot open {}", global.dir.display()))?;
    let opts = TestOptions {
        go,
        module: ModuleInfo {
            path: gomod.module.clone(),
            dir: module_dir.clone(),
        },
        jobs: args
            .jobs
            .or_else(|| std::thread::available_parallelism().ok())
            .map_or(1, NonZeroUsize::get),
        wrapper: std::env::current_exe().context("cannot find the gocross binary itself")?,
        args: args.args.clone(),
        packages: (!args.packages.is_empty()).then(|| args.packages.clone()),
        timeout: args.timeout,
    };
    let in_actions = gha::is_actions();
    let report = gotest::run(&jobs, &opts, &|t: &TargetTests| {
        // Progress on stderr; under Actions the packages' groups on stdout.
        output::eprint_line(&progress_line(t));
        if in_actions {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(actions::groups(t).as_bytes());
            let _ = out.flush();
        }
    });
    let dist = args.dist.dir(global);
    // tests.json is merged with the one already there: one writer of dist/ at a time.
    let lock =
        gocross::build::DistLock::take(&dist, super::build::when_busy(args.no_wait), &mut |pid| {
            output::eprint_line(&gocross::build::waiting_message(&dist, pid))
        });
    let _lock = match lock {
        Err(e @ gocross::build::LockError::Interrupted(_)) => {
            output::eprint_line(&e.to_string());
            return Ok(Outcome::Interrupted);
        }
        other => other?,
    };
    report.store(&dist)?;

    if args.json {
        output::print_json(&report)?;
    } else {
        output::print(&text(&report))?;
    }
    if in_actions {
        let prefix = gha::repo_relative(&module_dir);
        actions::annotations(&report, &prefix).emit()?;
        gha::append_summary(&actions::summary(&report))?;
        gha::set_output(
            "tests",
            &dist.join(gotest::TESTS_FILE).display().to_string(),
        )?;
        gha::set_output("tests-status", status(&report))?;
    }
    Ok(if report.interrupted {
        Outcome::Interrupted
    } else if report.passed {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}

/// `passed`, `failed`, or `not_run` when no target ran.
fn status(report: &TestReport) -> &'static str {
    if !report.passed {
        "failed"
    } else if report
        .targets
        .iter()
        .any(|t| t.outcome == TestOutcome::Passed)
    {
        "passed"
    } else {
        "not_run"
    }
}

fn progress_line(t: &TargetTests) -> String {
    match t.outcome {
        TestOutcome::Passed => format!(
            "{}: passed ({} packages, {} tests, {:.1}s)",
            t.target,
            t.packages.total(),
            t.tests.total(),
            t.duration_ms as f64 / 1000.0
        ),
        TestOutcome::Failed => format!(
            "{}: FAILED: {} ({:.1}s)",
            t.target,
            t.reason.as_deref().unwrap_or(""),
            t.duration_ms as f64 / 1000.0
        ),
        TestOutcome::NotRun => format!(
            "{}: not run: {}",
            t.target,
            t.reason.as_deref().unwrap_or("")
        ),
    }
}

/// The summary line, the table of targets, the targets not run, the failures grouped by test
/// and then each failure's output.
fn text(report: &TestReport) -> String {
    let n = |o: TestOutcome| report.targets.iter().filter(|t| t.outcome == o).count();
    let mut s = format!(
        "{} ({}): {} of {} targets passed, {} failed, {} not run\n",
        report.module,
        report.go,
        n(TestOutcome::Passed),
        report.targets.len(),
        n(TestOutcome::Failed),
        n(TestOutcome::NotRun)
    );
    let table = actions::targets_table(report, Output::Terminal).render(Output::Terminal);
    s.push_str(&format!("{table}\n"));
    for t in &report.targets {
        match (t.outcome, &t.reason) {
            (TestOutcome::NotRun, Some(r)) => s.push_str(&format!("not run: {}: {r}\n", t.target)),
            (TestOutcome::Failed, Some(r)) if t.failures.is_empty() => {
                s.push_str(&format!("FAILED: {}: {r}\n", t.target))
            }
            _ => {}
        }
    }
    if report.failures.is_empty() {
        return s;
    }
    s.push_str("\nFailures by test:\n");
    let mut groups = Table::new(["TEST", "PACKAGE", "FAILED ON", "PASSED ON", "PATTERN"]);
    for g in &report.failures {
        groups.push([
            g.test.clone().unwrap_or_else(|| "(package)".into()),
            g.package.clone(),
            g.failed_on.join(", "),
            if g.passed_on.is_empty() {
                "-".into()
            } else {
                g.passed_on.join(", ")
            },
            g.pattern.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    s.push_str(&format!("{}\n", groups.render(Output::Terminal)));
    for g in &report.failures {
        s.push_str(&details(report, g));
    }
    s
}

/// The failures of one group: where, and the output indented; targets that failed the same
/// way share one entry.
fn details(report: &TestReport, g: &FailureGroup) -> String {
    let mut same: Vec<(&gocross::gotest::TestFailure, Vec<&str>)> = Vec::new();
    for t in report
        .targets
        .iter()
        .filter(|t| g.failed_on.contains(&t.target))
    {
        for f in t
            .failures
            .iter()
            .filter(|f| f.package == g.package && f.test == g.test)
        {
            match same.iter_mut().find(|(seen, _)| {
                seen.kind == f.kind
                    && seen.file == f.file
                    && seen.line == f.line
                    && seen.output == f.output
            }) {
                Some((_, targets)) => targets.push(&t.target),
                None => same.push((f, vec![&t.target])),
            }
        }
    }
    let mut s = String::new();
    for (f, targets) in same {
        let what = f
            .test
            .clone()
            .unwrap_or_else(|| format!("package {}", f.package));
        let at = match (&f.file, f.line) {
            (Some(file), Some(line)) => format!(" at {file}:{line}"),
            (Some(file), None) => format!(" at {file}"),
            _ => String::new(),
        };
        s.push_str(&format!(
            "\n--- {what} on {}: {}{at}\n",
            targets.join(", "),
            f.kind.describe()
        ));
        for line in f.output.lines() {
            s.push_str(&format!("    {line}\n"));
        }
    }
    s
}
