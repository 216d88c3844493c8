//! A build's results for GitHub Actions: step outputs (`artifact-path`, `artifact-name`,
//! `sha256` for a single-target build; `manifest`, `audit-status` and `verify-status`
//! always), the build's table in the step summary, and an `::error::` annotation per failed target.

use super::{BuildReport, TargetOutcome, results_table};
use crate::actions_output::{self, Annotation, Annotator, Level};
use crate::dist::MANIFEST_FILE;
use crate::manifest::{Artifact, VerifyOutcome};
use crate::table::Output;

/// Writes the outputs and the step summary, and prints the annotations. Outside Actions
/// (no `GITHUB_OUTPUT`/`GITHUB_STEP_SUMMARY`) only the annotations are printed, so call it
/// when [`actions_output::is_actions`] holds.
pub fn report_to_actions(report: &BuildReport) -> std::io::Result<()> {
    actions_output::set_output(
        "manifest",
        &report.dist.join(MANIFEST_FILE).display().to_string(),
    )?;
    if let [only] = report.results.as_slice()
        && let TargetOutcome::Built(a) | TargetOutcome::Rejected { artifact: a, .. } = &only.outcome
    {
        actions_output::set_output(
            "artifact-path",
            &report.dist.join(&a.path).display().to_string(),
        )?;
        actions_output::set_output("artifact-name", &a.name)?;
        actions_output::set_output("sha256", &a.sha256)?;
    }
    actions_output::set_output("audit-status", audit_status(report))?;
    actions_output::set_output("verify-status", verify_status(report))?;
    actions_output::append_summary(&summary(report))?;
    let mut annotator = Annotator::default();
    for r in &report.results {
        if let TargetOutcome::Rejected { reason, .. } = &r.outcome {
            annotator.push(
                Annotation::new(Level::Error, reason.clone())
                    .title(format!("gocross build {}", r.target))
                    .file(report.dist.join(&r.name).display().to_string()),
            );
        }
        if let TargetOutcome::Failed(message) = &r.outcome {
            let mut text = message.clone();
            let tail: Vec<&str> = r.log.lines().rev().take(20).collect();
            if !tail.is_empty() {
                text.push('\n');
                text.push_str(&tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
            }
            annotator.push(
                Annotation::new(Level::Error, text).title(format!("gocross build {}", r.target)),
            );
        }
    }
    annotator.emit()
}

/// The artifacts this build produced (built or rejected).
fn artifacts(report: &BuildReport) -> impl Iterator<Item = &Artifact> {
    report.results.iter().filter_map(|r| match &r.outcome {
        TargetOutcome::Built(a) | TargetOutcome::Rejected { artifact: a, .. } => Some(&**a),
        _ => None,
    })
}

/// `passed` when every audited artifact passed, `failed` when one did not, `none` when none
/// was audited.
fn audit_status(report: &BuildReport) -> &'static str {
    let audits: Vec<bool> = artifacts(report)
        .filter_map(|a| a.audit.as_ref().map(|x| x.passed))
        .collect();
    match (audits.is_empty(), audits.iter().all(|p| *p)) {
        (true, _) => "none",
        (false, true) => "passed",
        (false, false) => "failed",
    }
}

/// `failed` when a run failed, else `not_run` when one could not run, else `verified` when
/// every artifact ran; `off` when nothing was verified.
fn verify_status(report: &BuildReport) -> &'static str {
    let outcomes: Vec<VerifyOutcome> = artifacts(report)
        .filter_map(|a| a.verify.as_ref().map(|v| v.outcome))
        .collect();
    if outcomes.is_empty() {
        "off"
    } else if outcomes.contains(&VerifyOutcome::Failed) {
        "failed"
    } else if outcomes.contains(&VerifyOutcome::NotRun) {
        "not_run"
    } else {
        "verified"
    }
}

/// The step summary: a heading and the build's table ([`results_table`]).
fn summary(report: &BuildReport) -> String {
    format!(
        "### gocross build {} ({})\n\n{}\n",
        report.manifest.version,
        report.manifest.go,
        results_table(report, Output::Markdown).render(Output::Markdown)
    )
}
