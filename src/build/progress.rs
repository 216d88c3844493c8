//! Live progress of a build, one line per target (per target and binary when the module
//! ships several: `linux/amd64 age-keygen`) (queued, building, done with time and size,
//! failed): redrawn in place on a terminal (indicatif), plain lines in logs and CI, and under
//! GitHub Actions each target's command and compiler output folded in a `::group::`.

use super::{TargetOutcome, TargetResult};
use crate::actions_output;
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
    /// The `go build` of one binary of a target starts.
    fn started(&self, target: &Target, binary: &str);
    /// A job ended (built, failed or interrupted).
    fn finished(&self, result: &TargetResult);
    /// The last job ended.
    fn done(&self) {}
    /// Before anything else, when another gocross build holds the lock of `dist` (as the
    /// user named it; `pid` is the holder's, when known) and this one waits for it; called
    /// once. The default prints [`crate::dist::waiting_message`] on stderr.
    fn waiting(&self, dist: &Path, pid: Option<u32>) {
        let line = crate::dist::waiting_message(dist, pid);
        let _ = writeln!(std::io::stderr().lock(), "{}", actions_output::guard(&line));
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

/// The lines of a build: one per target and binary, labelled by the target alone when every
/// target builds one binary.
fn labels(jobs: &[BuildJob]) -> Vec<((Target, String), String)> {
    let several = jobs.iter().any(|j| j.binaries.len() > 1);
    jobs.iter()
        .flat_map(|j| {
            j.binaries.iter().map(move |b| {
                let label = if several {
                    format!("{} {}", j.target, b.name)
                } else {
                    j.target.to_string()
                };
                ((j.target, b.name.clone()), label)
            })
        })
        .collect()
}

fn width(labels: &[((Target, String), String)]) -> usize {
    labels.iter().map(|(_, l)| l.len()).max().unwrap_or(0)
}

/// Plain lines on stderr, one per state change; under GitHub Actions (`actions: true`) also
/// each finished target's command and output in a `::group::` on stdout.
#[derive(Default)]
pub struct PlainProgress {
    actions: bool,
    width: Mutex<usize>,
    labels: Mutex<BTreeMap<(Target, String), String>>,
}

impl PlainProgress {
    /// Plain lines; `actions` adds the `::group::` logs.
    pub fn new(actions: bool) -> Self {
        PlainProgress {
            actions,
            width: Mutex::new(0),
            labels: Mutex::new(BTreeMap::new()),
        }
    }

    fn label(&self, target: &Target, binary: &str) -> String {
        self.labels
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(*target, binary.to_string()))
            .cloned()
            .unwrap_or_else(|| target.to_string())
    }

    fn line(&self, label: &str, state: &str) {
        let w = *self.width.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = std::io::stderr().lock();
        let line = format!("{label:<w$}  {state}");
        let _ = writeln!(err, "{}", crate::actions_output::guard(&line));
    }
}

impl Progress for PlainProgress {
    fn queued(&self, jobs: &[BuildJob]) {
        let labels = labels(jobs);
        *self.width.lock().unwrap_or_else(|e| e.into_inner()) = width(&labels);
        for (_, label) in &labels {
            self.line(label, "queued");
        }
        *self.labels.lock().unwrap_or_else(|e| e.into_inner()) = labels.into_iter().collect();
    }

    fn started(&self, target: &Target, binary: &str) {
        self.line(&self.label(target, binary), "building");
    }

    fn finished(&self, result: &TargetResult) {
        let label = self.label(&result.target, &result.binary);
        self.line(&label, &finished_line(result));
        if self.actions {
            let mut text = actions_output::group(&format!("{label} {}", finished_line(result)));
            text.push('\n');
            if let Some(cmd) = &result.command {
                text.push_str(&format!("$ {cmd}\n"));
            }
            text.push_str(&result.log);
            if let TargetOutcome::Failed(message) = &result.outcome {
                text.push_str(message);
                text.push('\n');
            }
            text.push_str(actions_output::END_GROUP);
            text.push('\n');
            let _ = actions_output::print_commands(&text);
        }
    }
}

/// One line per target on a terminal, redrawn in place (stderr). Finished lines stay.
#[derive(Default)]
pub struct TerminalProgress {
    multi: MultiProgress,
    bars: Mutex<BTreeMap<(Target, String), ProgressBar>>,
    width: Mutex<usize>,
}

impl TerminalProgress {
    fn bar(&self, target: &Target, binary: &str) -> Option<(ProgressBar, usize)> {
        let w = *self.width.lock().unwrap_or_else(|e| e.into_inner());
        self.bars
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(*target, binary.to_string()))
            .map(|b| (b.clone(), w))
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}

impl Progress for TerminalProgress {
    fn queued(&self, jobs: &[BuildJob]) {
        let labels = labels(jobs);
        let w = width(&labels);
        *self.width.lock().unwrap_or_else(|e| e.into_inner()) = w;
        let mut bars = self.bars.lock().unwrap_or_else(|e| e.into_inner());
        for (key, label) in labels {
            let bar = self.multi.add(ProgressBar::new_spinner());
            bar.set_style(style(&format!("  {{prefix:<{w}}}  {{msg:.dim}}")));
            bar.set_prefix(label);
            bar.set_message("queued");
            bars.insert(key, bar);
        }
    }

    fn started(&self, target: &Target, binary: &str) {
        if let Some((bar, w)) = self.bar(target, binary) {
            bar.set_style(style(&format!(
                "{{spinner:.cyan}} {{prefix:<{w}}}  building {{elapsed:.dim}}"
            )));
            bar.reset_elapsed();
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    fn finished(&self, result: &TargetResult) {
        if let Some((bar, w)) = self.bar(&result.target, &result.binary) {
            let color = match result.outcome {
                TargetOutcome::Built(_) => "green",
                _ => "red.bold",
            };
            bar.set_style(style(&format!("  {{prefix:<{w}}}  {{msg:.{color}}}")));
            bar.finish_with_message(finished_line(result));
        }
    }
}
