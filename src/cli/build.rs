//! `gocross build [--target T]... [--jobs N] [--out DIR] [--version V] [--no-wait]`: builds the plan's
//! targets into dist/, shows live progress, and prints a summary table.

use super::{Global, Outcome, output};
use anyhow::Result;
use gocross::build::{
    self, BuildOptions, Checks, PlainProgress, Progress, Stamp, TargetOutcome, TerminalProgress,
};
use gocross::github::actions;
use gocross::manifest::VerifyOutcome;
use gocross::targets::Target;
use indicatif::HumanBytes;
use std::io::IsTerminal;
use std::num::NonZeroUsize;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only these targets (a target without a variant selects every variant of it); other
    /// targets' entries in an existing dist/manifest.json are kept.
    #[arg(long = "target", short = 't', value_name = "GOOS/GOARCH[/VARIANT]")]
    targets: Vec<Target>,
    /// Targets built at the same time. Default: the number of CPUs.
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<NonZeroUsize>,
    /// Output directory, relative to the module root (-C). Default: dist.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The version stamped as {{version}} in ldflags. Default: `git describe --tags`, else
    /// 0.0.0-dev.
    #[arg(long, value_name = "V")]
    version: Option<String>,
    /// Do not run the binaries, even when gocross.yaml has a `verify:` section.
    #[arg(long)]
    no_verify: bool,
    /// Fail at once when another gocross build is writing the output directory, instead of
    /// waiting for it to finish.
    #[arg(long)]
    no_wait: bool,
}

/// `--no-wait` as the library's choice.
pub(super) fn when_busy(no_wait: bool) -> build::WhenBusy {
    if no_wait {
        build::WhenBusy::Fail
    } else {
        build::WhenBusy::Wait
    }
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let config = global.load_config()?;
    let module_go = gocross::config::GoMod::read(&global.dir)
        .ok()
        .and_then(|m| m.go);
    // The Go that builds (no Go on PATH stops here, before anything is written) and the
    // version stamp from git, asked side by side.
    let (go, stamp) = std::thread::scope(|s| {
        let stamp = s.spawn(|| Stamp::detect(&global.dir, args.version.as_deref()));
        let go = gocross::gotool::version_string();
        (go, stamp.join().expect("the stamp thread does not panic"))
    });
    let (go, stamp) = (go?, stamp?);
    let ctx = gocross::plan::PlanContext::machine(&config, go.parse().ok(), module_go);
    let plan = gocross::plan::plan(&config, &ctx, &args.targets)?;
    let dist = match args.out {
        Some(out) if out.is_absolute() => out,
        Some(out) => global.dir.join(out),
        None => global.dir.join("dist"),
    };
    let jobs = args
        .jobs
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    let opts = BuildOptions {
        go,
        module_dir: global.dir.clone(),
        dist,
        jobs,
        stamp,
        checks: Checks::for_config(&config, !args.no_verify),
        when_busy: when_busy(args.no_wait),
    };
    let in_actions = actions::is_actions();
    let progress: Box<dyn Progress> = if in_actions {
        Box::new(PlainProgress::new(true))
    } else if std::io::stderr().is_terminal() && !actions::in_ci() {
        Box::new(TerminalProgress::default())
    } else {
        Box::new(PlainProgress::new(false))
    };
    let report = match build::build(&plan, &opts, progress.as_ref()) {
        Err(e @ build::BuildError::Interrupted { .. }) => {
            output::eprint_line(&e.to_string());
            return Ok(Outcome::Interrupted);
        }
        other => other?,
    };

    let mut table = output::table(&[
        "TARGET", "FILE", "SIZE", "TIME", "AUDIT", "VERIFY", "SHA256",
    ]);
    let mut verified = [0usize; 3];
    for r in &report.results {
        let time = format!("{:.1}s", r.duration.as_secs_f64());
        let row = match &r.outcome {
            TargetOutcome::Built(a) | TargetOutcome::Rejected { artifact: a, .. } => {
                let audit = match &a.audit {
                    Some(x) if x.passed => "passed",
                    Some(_) => "FAILED",
                    None => "-",
                };
                let verify = match a.verify.as_ref().map(|v| v.outcome) {
                    Some(VerifyOutcome::Verified) => {
                        verified[0] += 1;
                        format!("{} ok", a.verify.as_ref().map_or("", |v| v.method.as_str()))
                    }
                    Some(VerifyOutcome::Failed) => {
                        verified[1] += 1;
                        "FAILED".to_string()
                    }
                    Some(VerifyOutcome::NotRun) => {
                        verified[2] += 1;
                        "not run".to_string()
                    }
                    None => "-".to_string(),
                };
                vec![
                    r.target.to_string(),
                    a.name.clone(),
                    HumanBytes(a.size).to_string(),
                    time,
                    audit.to_string(),
                    verify,
                    a.sha256[..16.min(a.sha256.len())].to_string(),
                ]
            }
            TargetOutcome::Failed(_) => vec![
                r.target.to_string(),
                r.name.clone(),
                "FAILED".into(),
                time,
                String::new(),
                String::new(),
                String::new(),
            ],
            TargetOutcome::Interrupted => vec![
                r.target.to_string(),
                r.name.clone(),
                "interrupted".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
        };
        table.add_row(row);
    }
    let built = report
        .results
        .iter()
        .filter(|r| matches!(r.outcome, TargetOutcome::Built(_)))
        .count();
    let verification = if verified.iter().sum::<usize>() > 0 {
        format!(
            "; {} verified, {} failed, {} not run",
            verified[0], verified[1], verified[2]
        )
    } else {
        String::new()
    };
    output::print(&format!(
        "{} {} ({}): {built} of {} targets built into {}{verification}\n{table}",
        report.manifest.project,
        report.manifest.version,
        report.manifest.go,
        report.results.len(),
        report.dist.display()
    ))?;
    for r in &report.results {
        if let TargetOutcome::Rejected { artifact, reason } = &r.outcome {
            output::eprint_line(&format!(
                "\nerror: {}: {} {reason}",
                r.target, artifact.name
            ));
        }
        if let TargetOutcome::Failed(message) = &r.outcome {
            let mut text = format!("\nerror: {}: {message}\n", r.target);
            if let Some(cmd) = &r.command {
                text.push_str(&format!("$ {cmd}\n"));
            }
            text.push_str(&r.log);
            eprint!("{}", gocross::github::actions::guard(&text));
        }
    }
    if in_actions {
        build::report_to_actions(&report)?;
    }
    Ok(if report.interrupted {
        eprintln!(
            "interrupted: the {built} finished targets are in {}",
            report.dist.join(gocross::manifest::MANIFEST_FILE).display()
        );
        Outcome::Interrupted
    } else if report.success() {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
