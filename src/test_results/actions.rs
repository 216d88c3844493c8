//! A test run for GitHub Actions: one `::group::` per package in the log (the package's
//! output shown with workflow commands switched off, since tests print what they like), an
//! `::error file=...,line=...::` annotation per failed test at the place `go test` reported,
//! and the table of the targets ([`targets_table`], also what the terminal shows) and the
//! grouped failures for the step summary.

use super::{FailureGroup, PackageOutcome, TargetTests, TestFailure, TestOutcome, TestReport};
use crate::actions_output::{self, Annotation, Annotator, Level};
use crate::table::{Cell, Output, Table};

/// The log of one finished target: a group per package, titled with the target, package,
/// verdict, time and test count.
pub fn groups(t: &TargetTests) -> String {
    let mut log = String::new();
    for p in &t.package_results {
        let verdict = match p.outcome {
            PackageOutcome::Passed => "ok",
            PackageOutcome::Failed => "FAIL",
            PackageOutcome::Skipped => "no test files",
        };
        let title = format!(
            "{} {} {verdict} ({:.1} s, {} tests)",
            t.target,
            p.package,
            p.elapsed_ms as f64 / 1000.0,
            p.tests.total()
        );
        log.push_str(&actions_output::group(&title));
        log.push('\n');
        if !p.output.is_empty() {
            log.push_str(&actions_output::inert(&p.output));
        }
        log.push_str(actions_output::END_GROUP);
        log.push('\n');
    }
    if t.package_results.is_empty()
        && let Some(reason) = &t.reason
    {
        log.push_str(&actions_output::group(&format!(
            "{} {}",
            t.target,
            outcome_word(t)
        )));
        log.push('\n');
        log.push_str(&actions_output::inert(reason));
        log.push_str(actions_output::END_GROUP);
        log.push('\n');
    }
    log
}

/// One error annotation per failed test (grouped across targets), at the file and line `go
/// test` reported, made relative to the repository root with `prefix` (the module root's
/// path in the repository, empty or `.` at its root); a warning per target not run.
pub fn annotations(report: &TestReport, prefix: &str) -> Annotator {
    let mut annotator = Annotator::default();
    for g in &report.failures {
        let (message, first) = describe(report, g, 20);
        let mut a = Annotation::new(Level::Error, message).title(format!(
            "{} on {}",
            g.test.as_deref().unwrap_or(&g.package),
            g.failed_on.join(", ")
        ));
        if let Some(f) = first
            && let Some(file) = &f.file
        {
            a = a.file(in_repo(prefix, file));
            if let Some(line) = f.line {
                a = a.line(line);
            }
        }
        annotator.push(a);
    }
    for t in report
        .targets
        .iter()
        .filter(|t| t.outcome == TestOutcome::Failed && t.failures.is_empty())
    {
        annotator.push(
            Annotation::new(Level::Error, t.reason.clone().unwrap_or_default())
                .title(format!("gocross test {}", t.target)),
        );
    }
    for t in report
        .targets
        .iter()
        .filter(|t| t.outcome == TestOutcome::NotRun)
    {
        annotator.push(
            Annotation::new(
                Level::Warning,
                format!(
                    "the tests of {} were not run: {}",
                    t.target,
                    t.reason.as_deref().unwrap_or("no reason given")
                ),
            )
            .title(format!("gocross test {}", t.target)),
        );
    }
    annotator
}

/// The failure of `g` that says most (the first with a file), and a message for an
/// annotation: the [`headline`], then the first `lines` non-empty lines of that failure's
/// output.
pub fn describe<'a>(
    report: &'a TestReport,
    g: &FailureGroup,
    lines: usize,
) -> (String, Option<&'a TestFailure>) {
    let first = report
        .targets
        .iter()
        .filter(|t| g.failed_on.contains(&t.target))
        .flat_map(|t| &t.failures)
        .filter(|f| f.package == g.package && f.test == g.test)
        .min_by_key(|f| f.file.is_none());
    let mut message = headline(g).render(Output::Terminal);
    if let Some(f) = first {
        let head: Vec<&str> = f
            .output
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(lines)
            .collect();
        if !head.is_empty() {
            message.push('\n');
            message.push_str(&head.join("\n"));
        }
    }
    (message, first)
}

/// An annotation's title: `TestX on linux/386, linux/arm/7`.
pub fn title(g: &FailureGroup) -> String {
    format!(
        "{} on {}",
        g.test.as_deref().unwrap_or(&g.package),
        g.failed_on.join(", ")
    )
}

/// `TestX (example.com/m/p) failed on linux/s390x; passed on linux/amd64 (big-endian only)`,
/// the test and package as code (so that no name renders as Markdown: a link, an image).
pub fn headline(g: &FailureGroup) -> Cell {
    let what = match &g.test {
        Some(t) => Cell::code(t)
            .then(Cell::text(" ("))
            .then(Cell::code(&g.package))
            .then(Cell::text(")")),
        None => Cell::text("package ").then(Cell::code(&g.package)),
    };
    let mut line = format!(" failed on {}", g.failed_on.join(", "));
    if !g.passed_on.is_empty() {
        line.push_str(&format!("; passed on {}", g.passed_on.join(", ")));
    }
    if let Some(p) = &g.pattern {
        line.push_str(&format!(" ({p})"));
    }
    what.then(Cell::text(line))
}

/// The table of a test run, one row per target. Markdown (the step summary): target,
/// method, result (`✅ passed`, `❌` and why, `⚪ not run:` and why), packages, tests, time
/// (`1.2 s`). Terminal: TARGET, METHOD, RESULT (`passed`, `FAILED`, `not run`), PACKAGES,
/// TESTS, TIME (`1.2s`), `-` for the counts and time of a target not run.
pub fn targets_table(report: &TestReport, output: Output) -> Table {
    let mut table = match output {
        Output::Markdown => Table::new(["target", "method", "result", "packages", "tests", "time"]),
        Output::Terminal => Table::new(["TARGET", "METHOD", "RESULT", "PACKAGES", "TESTS", "TIME"]),
    };
    for t in &report.targets {
        let secs = t.duration_ms as f64 / 1000.0;
        table.push(match output {
            Output::Markdown => {
                let result = match t.outcome {
                    TestOutcome::Passed => "✅ passed".to_string(),
                    TestOutcome::Failed => {
                        format!("❌ {}", t.reason.as_deref().unwrap_or("failed"))
                    }
                    TestOutcome::NotRun => {
                        format!("⚪ not run: {}", t.reason.as_deref().unwrap_or(""))
                    }
                };
                [
                    Cell::code(&t.target),
                    Cell::text(t.method.as_str()),
                    Cell::text(result),
                    Cell::text(counts(&t.packages)),
                    Cell::text(counts(&t.tests)),
                    Cell::text(format!("{secs:.1} s")),
                ]
            }
            Output::Terminal => {
                let result = match t.outcome {
                    TestOutcome::Passed => "passed",
                    TestOutcome::Failed => "FAILED",
                    TestOutcome::NotRun => "not run",
                };
                let ran = |s: String| {
                    Cell::text(if t.outcome == TestOutcome::NotRun {
                        "-".to_string()
                    } else {
                        s
                    })
                };
                [
                    Cell::text(&t.target),
                    Cell::text(t.method.as_str()),
                    Cell::text(result),
                    ran(counts(&t.packages)),
                    ran(counts(&t.tests)),
                    ran(format!("{secs:.1}s")),
                ]
            }
        });
    }
    table
}

/// The step summary: the table of targets ([`targets_table`]), then the failures by test.
pub fn summary(report: &TestReport) -> String {
    let mut md = format!(
        "### gocross test ({}, {})\n\n{}",
        Cell::code(&report.module).render(Output::Markdown),
        Cell::text(&report.go).render(Output::Markdown),
        targets_table(report, Output::Markdown).render(Output::Markdown)
    );
    if !report.failures.is_empty() {
        md.push_str("\n**Failures by test**\n\n");
        for g in &report.failures {
            md.push_str(&format!("- {}\n", headline(g).render(Output::Markdown)));
        }
    }
    md.push('\n');
    md
}

/// `12 passed, 1 failed, 2 skipped` (zeros left out; `0` when empty).
pub fn counts(c: &super::Counts) -> String {
    let parts: Vec<String> = [
        (c.passed, "passed"),
        (c.failed, "failed"),
        (c.skipped, "skipped"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, w)| format!("{n} {w}"))
    .collect();
    if parts.is_empty() {
        "0".into()
    } else {
        parts.join(", ")
    }
}

fn outcome_word(t: &TargetTests) -> &'static str {
    match t.outcome {
        TestOutcome::Passed => "passed",
        TestOutcome::Failed => "FAILED",
        TestOutcome::NotRun => "not run",
    }
}

/// A module-relative file as a repository path.
fn in_repo(prefix: &str, file: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() || prefix == "." {
        file.to_string()
    } else {
        format!("{prefix}/{file}")
    }
}
