//! What `gocross build` says about a finished build: its table of targets (one row per
//! target result, for the terminal and for the step summary); the counts, without
//! ambiguity ("7 built, 1 failed to build; 5 verified, 0 failed verification, 2 not run");
//! each target whose binary was not run, with the reason and, once per fix, what would run
//! it; and the failed targets grouped by identical compiler output, so that an error in the
//! source shows once with the list of targets it broke.

use super::{BuildReport, TargetOutcome};
use crate::manifest::VerifyOutcome;
use crate::plan::{BuildPlan, VerifyMethod};
use crate::table::{Cell, Output, Table};
use crate::targets::Target;
use indicatif::HumanBytes;
use std::fmt;

/// The table of a build, one row per target result in plan order. On the terminal:
/// TARGET, FILE, SIZE (`FAILED` or `interrupted` when there is no binary), TIME (`1.2s`),
/// AUDIT (`passed`, `FAILED`, `-`), VERIFY (`qemu ok`, `FAILED`, `not run`, `-`) and the
/// first 16 hex digits of the SHA-256. In Markdown (the step summary): target, file, size,
/// time (`1.2 s`), the first 12 hex digits of the SHA-256, and the result (`✅ built`, `❌`
/// and why, `⏹ interrupted`).
pub fn results_table(report: &BuildReport, output: Output) -> Table {
    let mut table = match output {
        Output::Terminal => Table::new([
            "TARGET", "FILE", "SIZE", "TIME", "AUDIT", "VERIFY", "SHA256",
        ]),
        Output::Markdown => Table::new(["target", "file", "size", "time", "sha256", "result"]),
    };
    for r in &report.results {
        let time = match (&r.outcome, output) {
            (TargetOutcome::Interrupted, _) => String::new(),
            (_, Output::Terminal) => format!("{:.1}s", r.duration.as_secs_f64()),
            (_, Output::Markdown) => format!("{:.1} s", r.duration.as_secs_f64()),
        };
        let artifact = match &r.outcome {
            TargetOutcome::Built(a) | TargetOutcome::Rejected { artifact: a, .. } => Some(&**a),
            TargetOutcome::Failed(_) | TargetOutcome::Interrupted => None,
        };
        let size = match (artifact, &r.outcome, output) {
            (Some(a), _, _) => HumanBytes(a.size).to_string(),
            (None, _, Output::Markdown) => String::new(),
            (None, TargetOutcome::Interrupted, Output::Terminal) => "interrupted".into(),
            (None, _, Output::Terminal) => "FAILED".into(),
        };
        let name = artifact.map_or(&r.name, |a| &a.name);
        let sha256 = |digits: usize| {
            artifact.map_or(String::new(), |a| {
                a.sha256[..digits.min(a.sha256.len())].to_string()
            })
        };
        let row = match output {
            Output::Terminal => {
                let audit = artifact.map_or("", |a| match &a.audit {
                    Some(x) if x.passed => "passed",
                    Some(_) => "FAILED",
                    None => "-",
                });
                let verify = artifact.map_or(String::new(), |a| match &a.verify {
                    Some(v) => match v.outcome {
                        VerifyOutcome::Verified => format!("{} ok", v.method.as_str()),
                        VerifyOutcome::Failed => "FAILED".into(),
                        VerifyOutcome::NotRun => "not run".into(),
                    },
                    None => "-".into(),
                });
                vec![
                    Cell::text(r.target.to_string()),
                    Cell::code(name),
                    Cell::text(size),
                    Cell::text(time),
                    Cell::text(audit),
                    Cell::text(verify),
                    Cell::code(sha256(16)),
                ]
            }
            Output::Markdown => {
                let result = match &r.outcome {
                    TargetOutcome::Built(_) => "✅ built".to_string(),
                    TargetOutcome::Rejected { reason: why, .. } | TargetOutcome::Failed(why) => {
                        format!("❌ {why}")
                    }
                    TargetOutcome::Interrupted => "⏹ interrupted".into(),
                };
                vec![
                    Cell::code(r.target.to_string()),
                    Cell::code(name),
                    Cell::text(size),
                    Cell::text(time),
                    Cell::code(sha256(12)),
                    Cell::text(result),
                ]
            }
        };
        table.push(row);
    }
    table
}

/// The counts of a build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Targets whose binary is in dist/ (whether or not it then passed its checks).
    pub built: usize,
    /// Targets whose `go build` (or packing, or storing) failed.
    pub failed_to_build: usize,
    /// Built binaries that broke the audit policy.
    pub failed_audit: usize,
    pub verified: usize,
    pub failed_verification: usize,
    /// Built binaries that could not be run here (never counted as verified).
    pub not_run: usize,
    /// Of those, the ones whose target failed for it (`verify.allow_not_run: false`).
    pub not_run_failing: usize,
    /// Targets stopped or never started by an interrupt.
    pub interrupted: usize,
    /// Whether binaries were to be run at all (`verify:` in gocross.yaml, no `--no-verify`).
    pub verification: bool,
}

impl Summary {
    /// Counts `report`; `verification` says whether binaries were to be run.
    pub fn of(report: &BuildReport, verification: bool) -> Summary {
        let mut s = Summary {
            verification,
            ..Summary::default()
        };
        for r in &report.results {
            match &r.outcome {
                TargetOutcome::Built(a) | TargetOutcome::Rejected { artifact: a, .. } => {
                    s.built += 1;
                    if a.audit.as_ref().is_some_and(|x| !x.passed) {
                        s.failed_audit += 1;
                    }
                    match a.verify.as_ref().map(|v| v.outcome) {
                        Some(VerifyOutcome::Verified) => s.verified += 1,
                        Some(VerifyOutcome::Failed) => s.failed_verification += 1,
                        Some(VerifyOutcome::NotRun) => {
                            s.not_run += 1;
                            if matches!(r.outcome, TargetOutcome::Rejected { .. }) {
                                s.not_run_failing += 1;
                            }
                        }
                        None => {}
                    }
                }
                TargetOutcome::Failed(_) => s.failed_to_build += 1,
                TargetOutcome::Interrupted => s.interrupted += 1,
            }
        }
        s
    }
}

/// `7 built, 1 failed to build; 5 verified, 0 failed verification, 2 not run`, with `N
/// failed the audit`, `N interrupted` and the not-run binaries that fail their target
/// (`(1 of them a failure: ...)`) when there are any, and `verification is off` instead of
/// the run counts.
impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} built, {} failed to build",
            self.built, self.failed_to_build
        )?;
        if self.failed_audit > 0 {
            write!(f, ", {} failed the audit", self.failed_audit)?;
        }
        if self.interrupted > 0 {
            write!(f, ", {} interrupted", self.interrupted)?;
        }
        if self.verification {
            write!(
                f,
                "; {} verified, {} failed verification, {} not run",
                self.verified, self.failed_verification, self.not_run
            )?;
            if self.not_run_failing > 0 {
                write!(
                    f,
                    " ({} of them a failure: `verify.allow_not_run` is false)",
                    self.not_run_failing
                )?;
            }
            Ok(())
        } else {
            f.write_str("; verification is off")
        }
    }
}

/// A binary that was not run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRun {
    pub target: Target,
    pub reason: String,
}

/// Binaries not run that one fix would let run (or that nothing here can run: `fix` is
/// `None`, as for a `verify.skip` the config gives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRunGroup {
    pub targets: Vec<NotRun>,
    pub fix: Option<String>,
}

/// The binaries of `report` that were not run, grouped by fix in the order they first
/// appear: a missing emulator or sysroot names its package (once for every target it would
/// run), a port no machine here runs names the workflow leg that runs it, and a binary the
/// config says to skip has no fix. The reasons are found as verification finds them
/// ([`crate::verify::locate`]), from each target's job in `plan`.
pub fn not_run(report: &BuildReport, plan: &BuildPlan) -> Vec<NotRunGroup> {
    let mut groups: Vec<NotRunGroup> = Vec::new();
    for r in &report.results {
        let (TargetOutcome::Built(a) | TargetOutcome::Rejected { artifact: a, .. }) = &r.outcome
        else {
            continue;
        };
        let Some(v) = a
            .verify
            .as_ref()
            .filter(|v| v.outcome == VerifyOutcome::NotRun)
        else {
            continue;
        };
        // Every binary of a target is not run for the same reason: one line per target.
        if groups
            .iter()
            .any(|g| g.targets.iter().any(|n| n.target == r.target))
        {
            continue;
        }
        let recorded = v.reason.clone().unwrap_or_default();
        let (reason, fix) = match plan.jobs.iter().find(|j| j.target == r.target) {
            None => (recorded, None),
            Some(job)
                if job
                    .verify
                    .settings
                    .as_ref()
                    .is_some_and(|s| s.skip.is_some()) =>
            {
                (recorded, None)
            }
            Some(job) => match (
                &job.verify.method,
                crate::verify::locate(&job.target, &job.verify.method),
            ) {
                (VerifyMethod::None { reason }, _) => {
                    let fix = if let Some(native) = job.native_runner() {
                        format!(
                            "the workflow (`gocross ci init`) verifies it on its {} runner",
                            native.label
                        )
                    } else {
                        format!(
                            "no runner gocross knows runs {} binaries; record that with `verify: {{skip: <why>}}` for it in gocross.yaml's overrides",
                            job.target.platform
                        )
                    };
                    (reason.clone(), Some(fix))
                }
                (_, Err(not_here)) => (not_here.reason, not_here.fix),
                (_, Ok(_)) => (recorded, None),
            },
        };
        let entry = NotRun {
            target: r.target,
            reason,
        };
        match groups.iter_mut().find(|g| g.fix == fix) {
            Some(g) => g.targets.push(entry),
            None => groups.push(NotRunGroup {
                targets: vec![entry],
                fix,
            }),
        }
    }
    groups
}

/// Failed targets whose compiler output is the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureGroup {
    /// In plan order.
    pub targets: Vec<Target>,
    /// The first target's message (`` `go build` failed for linux/amd64 (exit status: 1) ``).
    pub message: String,
    /// The first target's command, if `go build` started.
    pub command: Option<String>,
    /// The compiler output they share.
    pub log: String,
}

/// The failed targets of `report`, those with the same non-empty compiler output in one
/// group, in plan order of their first target. A failure without output (a missing C
/// toolchain, a file that could not be stored) stays a group of its own.
pub fn failures(report: &BuildReport) -> Vec<FailureGroup> {
    let mut groups: Vec<FailureGroup> = Vec::new();
    for r in &report.results {
        let TargetOutcome::Failed(message) = &r.outcome else {
            continue;
        };
        let shared = (!r.log.trim().is_empty())
            .then(|| groups.iter_mut().find(|g| g.log == r.log))
            .flatten();
        match shared {
            Some(g) => {
                if !g.targets.contains(&r.target) {
                    g.targets.push(r.target);
                }
            }
            None => groups.push(FailureGroup {
                targets: vec![r.target],
                message: message.clone(),
                command: r.command.clone(),
                log: r.log.clone(),
            }),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::TargetResult;
    use crate::manifest::{Artifact, ArtifactVerify, Manifest};
    use std::time::Duration;

    fn result(target: &str, outcome: TargetOutcome, log: &str) -> TargetResult {
        TargetResult {
            target: target.parse().unwrap(),
            binary: "x".into(),
            name: format!("x_{}", target.replace('/', "_")),
            outcome,
            command: Some(format!("GOOS=… go build ({target})")),
            log: log.into(),
            duration: Duration::ZERO,
        }
    }

    fn built(verify: Option<VerifyOutcome>) -> TargetOutcome {
        TargetOutcome::Built(Box::new(Artifact {
            verify: verify.map(|outcome| ArtifactVerify {
                method: "qemu".into(),
                outcome,
                reason: Some("recorded".into()),
                ..ArtifactVerify::default()
            }),
            ..Artifact::default()
        }))
    }

    fn report(results: Vec<TargetResult>) -> BuildReport {
        BuildReport {
            dist: "dist".into(),
            manifest: Manifest::default(),
            results,
            archive_failures: Vec::new(),
            package_failures: Vec::new(),
            interrupted: false,
        }
    }

    #[test]
    fn the_summary_counts_builds_and_runs_apart() {
        let failed = || TargetOutcome::Failed("`go build` failed".into());
        let r = report(vec![
            result("linux/amd64", built(Some(VerifyOutcome::Verified)), ""),
            result("linux/arm64", built(Some(VerifyOutcome::NotRun)), ""),
            result("linux/386", failed(), "x"),
            result("windows/amd64", built(Some(VerifyOutcome::Failed)), ""),
        ]);
        assert_eq!(
            Summary::of(&r, true).to_string(),
            "3 built, 1 failed to build; 1 verified, 1 failed verification, 1 not run"
        );
        assert_eq!(
            Summary::of(&r, false).to_string(),
            "3 built, 1 failed to build; verification is off"
        );
    }

    #[test]
    fn the_same_compiler_output_is_one_failure() {
        let failed = |t: &str| TargetOutcome::Failed(format!("`go build` failed for {t}"));
        let error = "# example.com/hello\n./main.go:3:2: undefined: x\n";
        let r = report(vec![
            result("linux/amd64", failed("linux/amd64"), error),
            result("linux/arm64", built(None), ""),
            result("windows/amd64", failed("windows/amd64"), error),
            result("linux/386", failed("linux/386"), "# runtime/cgo\nother\n"),
            result("darwin/arm64", failed("darwin/arm64"), error),
        ]);
        let groups = failures(&r);
        assert_eq!(groups.len(), 2);
        let targets: Vec<String> = groups[0].targets.iter().map(ToString::to_string).collect();
        assert_eq!(targets, ["linux/amd64", "windows/amd64", "darwin/arm64"]);
        assert_eq!(groups[0].message, "`go build` failed for linux/amd64");
        assert_eq!(groups[0].log, error);
        assert_eq!(groups[1].targets.len(), 1);
    }
}
