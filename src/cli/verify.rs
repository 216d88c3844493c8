//! `gocross verify --target T FILE... [-- ARGS...]`: run binaries on their target, one after
//! another (the workflow's verify job runs every binary of a leg built on another runner).

use super::{Global, Outcome, output};
use anyhow::Result;
use gocross::audit::{self, AuditOptions};
use gocross::config::VerifyConfig;
use gocross::github::actions::{self, Annotation, Annotator, Level};
use gocross::manifest::VerifyOutcome;
use gocross::table::{Output, Table};
use gocross::targets::Target;
use gocross::verify::{self, Request};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The target the binary is for.
    #[arg(long, short = 't', value_name = "GOOS/GOARCH[/VARIANT]")]
    target: Target,
    /// Seconds before the run is killed (default: gocross.yaml's `verify.timeout` for the
    /// target, an override's first, else 60; at most six hours).
    #[arg(long, value_parser = super::timeout_arg)]
    timeout: Option<u64>,
    /// Regular expression stdout must match (default: gocross.yaml's `verify.expect`).
    #[arg(long, value_parser = expect_arg)]
    expect: Option<String>,
    /// Expected exit code (default: gocross.yaml's `verify.exit_code`, else 0).
    #[arg(long)]
    exit_code: Option<i32>,
    /// Sysroot for QEMU user mode (`-L`), for dynamic binaries. Default: gocross.yaml's
    /// `verify.sysroot`, else the Debian cross toolchain's (e.g. /usr/aarch64-linux-gnu).
    #[arg(long)]
    sysroot: Option<PathBuf>,
    /// Print the result as JSON (the manifest's `verify` object); one FILE only.
    #[arg(long)]
    json: bool,
    /// The binaries, all for the target.
    #[arg(required = true, num_args = 1..)]
    files: Vec<PathBuf>,
    /// Arguments for the binary (default: gocross.yaml's `verify.args`, else --version).
    #[arg(last = true)]
    args: Vec<String>,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    if args.json && args.files.len() > 1 {
        anyhow::bail!("--json prints the result of one binary: give one FILE, or leave --json out");
    }
    if let Some(missing) = args.files.iter().find(|f| !f.is_file()) {
        anyhow::bail!("{} is not a file", missing.display());
    }
    // The settings `gocross build` verifies the target's binaries with: the top-level
    // `verify:` and the target's overrides.
    let mut settings = global
        .optional_config()?
        .and_then(|c| gocross::plan::verify_settings(&c, &args.target))
        .unwrap_or_default();
    merge(&mut settings, &args);
    let mut outcome = Outcome::Success;
    for file in &args.files {
        if verify_one(file, &args, &settings)? != VerifyOutcome::Verified {
            outcome = Outcome::Failed;
        }
    }
    Ok(outcome)
}

/// Verifies one binary, reports it (annotations and the job summary inside GitHub Actions),
/// and returns its outcome.
fn verify_one(file: &Path, args: &Args, settings: &VerifyConfig) -> Result<VerifyOutcome> {
    // The one audit of the file: it chooses the method (a dynamic binary needs a sysroot under
    // QEMU), and verify confirms with it that the binary is for the target.
    let report = audit::audit_file(file, &AuditOptions::default());
    let method = verify::method_for(&report, &args.target, settings);
    let result = verify::verify(&Request {
        binary: file,
        target: &args.target,
        method: &method,
        settings,
        audit: Some(&report),
    });
    let name = file.display().to_string();
    if actions::is_actions() {
        let mut annotations = Annotator::default();
        if let Some(reason) = &result.reason {
            let level = if result.outcome == VerifyOutcome::Failed {
                Level::Error
            } else {
                Level::Warning
            };
            annotations.push(
                Annotation::new(level, reason.clone())
                    .title(format!("verify {}", args.target))
                    .file(name.clone()),
            );
        }
        annotations.emit()?;
        let mut table = Table::new(["target", "method", "result", "duration"]);
        table.push([
            args.target.to_string(),
            result.method.to_string(),
            format!("{:?}", result.outcome),
            format!("{} ms", result.duration_ms),
        ]);
        actions::append_summary(&table.render(Output::Markdown))?;
    }
    if args.json {
        output::print_json(&result)?;
    } else {
        let line = match result.outcome {
            VerifyOutcome::Verified => format!(
                "{name}: verified ({}, {} ms): {}",
                result.method,
                result.duration_ms,
                result.stdout_tail.lines().next().unwrap_or("")
            ),
            VerifyOutcome::Failed => format!(
                "{name}: failed verification ({}): {}",
                result.method,
                result.reason.as_deref().unwrap_or("")
            ),
            VerifyOutcome::NotRun => format!(
                "{name}: not run: {}",
                result.reason.as_deref().unwrap_or("")
            ),
        };
        output::print(&line)?;
    }
    Ok(result.outcome)
}

fn merge(settings: &mut VerifyConfig, args: &Args) {
    if let Some(t) = args.timeout {
        settings.timeout = t.max(1);
    }
    if let Some(e) = &args.expect {
        settings.expect = Some(e.clone());
    }
    if let Some(c) = args.exit_code {
        settings.exit_code = gocross::config::ExitCodes::one(c);
    }
    if let Some(s) = &args.sysroot {
        settings.sysroot = Some(s.display().to_string());
    }
    if !args.args.is_empty() {
        settings.args = args.args.clone();
    }
}

/// `--expect`: a regular expression that compiles.
fn expect_arg(s: &str) -> Result<String, String> {
    gocross::config::expect_regex(s).map(|_| s.to_string())
}
