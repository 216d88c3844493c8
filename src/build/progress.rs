//! Live progress of a build, one line per target (queued, building, done with time and size,
//! failed): redrawn in place on a terminal (indicatif), plain lines in logs and CI, and under
//! GitHub Actions each target's command and compiler output folded in a `::group::`.

use super::{TargetOutcome, TargetResult};
use crate::github::actions;
use crate::plan::BuildJob;
use crate::targets::Target;
use indicatif::{HumanBytes, MultiProgress, ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// Receives the events of a build; called from the worker threads.
pub trait Progress: Sync {
    /// Every job, in plan order, before the first starts.
    fn queued(&self, jobs: &[BuildJob]);
    /// A job's `go build` starts.
    fn started(&self, target: &Target);
    /// A job ended (built, failed or interrupted).
    fn finished(&self, result: &TargetResult);
    /// The last job ended.
    fn done(&self) {}
    /// Before anything else, when another gocross build holds the lock of `dist` (as the
    /// user named it; `pid` is the holder's, when known) and this one waits for it; called
    /// once. The default prints [`super::waiting_message`] on stderr.
    fn waiting(&self, dist: &Path, pid: Option<u32>) {
        let line = super::waiting_message(dist, pid);
        let _ = writeln!(std::io::stderr().lock(), "{}", actions::guard(&line));
    }
}

/// The state word and details of a finished target: `done 1.2s 1.9 MiB`, `FAILED 3.0s`.
fn finished_line(result: &TargetResult) -> String {
    let secs = format!("{:.1}s", result.duration.as_secs_f64());
    match &result.outcome {
        TargetOutcome::Built(a) => match a.unpacked_size {
            Some(unpacked) => format!(
                "done    {secs:>6}  {} (UPX, {} unpacked)",
                HumanBytes(a.size),
                HumanBytes(unpacked)
            ),
            None => format!("done    {secs:>6}  {}", HumanBytes(a.size)),
        },
        TargetOutcome::Rejected { reason, .. } => format!("REJECTED {secs:>6}  {reason}"),
        TargetOutcome::Failed(_) if result.command.is_none() => "FAILED (not started)".into(),
        TargetOutcome::Failed(_) => format!("FAILED  {secs:>6}"),
        TargetOutcome::Interrupted => "interrupted".into(),
    }
}

fn width(jobs: &[BuildJob]) -> usize {
    jobs.iter()
        .map(|j| j.target.to_string().len())
        .max()
        .unwrap_or(0)
}

/// Plain lines on stderr, one per state change; under GitHub Actions (`actions: true`) also
/// each finished target's command and output in a `::group::` on stdout.
#[derive(Default)]
pub struct PlainProgress {
    actions: bool,
    width: Mutex<usize>,
}

impl PlainProgress {
    /// Plain lines; `actions` adds the `::group::` logs.
    pub fn new(actions: bool) -> Self {
        PlainProgress {
            actions,
            width: Mutex::new(0),
        }
    }

    fn line(&self, target: &Target, state: &str) {
        let w = *self.width.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = std::io::stderr().lock();
        let line = format!("{:<w$}  {state}", target.to_string());
        let _ = writeln!(err, "{}", crate::github::actions::guard(&line));
    }
}

impl Progress for PlainProgress {
    fn queued(&self, jobs: &[BuildJob]) {
        *self.width.lock().unwrap_or_else(|e| e.into_inner()) = width(jobs);
        for job in jobs {
            self.line(&job.target, "queued");
        }
    }

    fn started(&self, target: &Target) {
        self.line(target, "building");
    }

    fn finished(&self, result: &TargetResult) {
        self.line(&result.target, &finished_line(result));
        if self.actions {
            let mut text = actions::group(&format!("{} {}", result.target, finished_line(result)));
            text.push('\n');
            if let Some(cmd) = &result.command {
                text.push_str(&format!("$ {cmd}\n"));
            }
            text.push_str(&result.log);
            if let TargetOutcome::Failed(message) = &result.outcome {
                text.push_str(message);
                text.push('\n');
            }
            text.push_str(actions::END_GROUP);
            text.push('\n');
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        }
    }
}

/// One line per target on a terminal, redrawn in place (stderr). Finished lines stay.
#[derive(Default)]
pub struct TerminalProgress {
    multi: MultiProgress,
    bars: Mutex<BTreeMap<Target, ProgressBar>>,
    width: Mutex<usize>,
}

impl TerminalProgress {
    fn bar(&self, target: &Target) -> Option<(ProgressBar, usize)> {
        let w = *self.width.lock().unwrap_or_else(|e| e.into_inner());
        self.bars
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(target)
            .map(|b| (b.clone(), w))
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}

impl Progress for TerminalProgress {
    fn queued(&self, jobs: &[BuildJob]) {
        let w = width(jobs);
        *self.width.lock().unwrap_or_else(|e| e.into_inner()) = w;
        let mut bars = self.bars.lock().unwrap_or_else(|e| e.into_inner());
        for job in jobs {
            let bar = self.multi.add(ProgressBar::new_spinner());
            bar.set_style(style(&format!("  {{prefix:<{w}}}  {{msg:.dim}}")));
            bar.set_prefix(job.target.to_string());
            bar.set_message("queued");
            bars.insert(job.target, bar);
        }
    }

    fn started(&self, target: &Target) {
        if let Some((bar, w)) = self.bar(target) {
            bar.set_style(style(&format!(
                "{{spinner:.cyan}} {{prefix:<{w}}}  building {{elapsed:.dim}}"
            )));
            bar.reset_elapsed();
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    fn finished(&self, result: &TargetResult) {
        if let Some((bar, w)) = self.bar(&result.target) {
            let color = match result.outcome {
                TargetOutcome::Built(_) => "green",
                _ => "red.bold",
            };
            bar.set_style(style(&format!("  {{prefix:<{w}}}  {{msg:.{color}}}")));
            bar.finish_with_message(finished_line(result));
        }
    }
}
