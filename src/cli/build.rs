//! `gocross build [--target T]... [--jobs N] [--dist DIR] [--version V] [--no-wait]`: builds the plan's
//! targets into dist/, shows live progress, and prints a summary table.

use super::{Global, Outcome, output};
use anyhow::Result;
use gocross::actions_output;
use gocross::build::{
    self, BuildOptions, Checks, PlainProgress, Progress, Stamp, TargetOutcome, TerminalProgress,
};
use gocross::project::{Missing, Mode};
use gocross::table::Output;
use gocross::targets::Target;
use std::io::IsTerminal;
use std::num::NonZeroUsize;

#[derive(Debug, clap::Args)]
#[command(mut_arg("dist", super::OUT_ALIAS))]
pub struct Args {
    /// Only these targets (a target without a variant selects every variant of it; `host` is
    /// this machine's own), `local: false` ones too; other targets' entries in an existing
    /// dist/manifest.json are kept.
    #[arg(long = "target", short = 't', value_name = "GOOS/GOARCH[/VARIANT]", value_parser = super::target_arg)]
    targets: Vec<Target>,
    /// Targets built at the same time. Default: the number of CPUs.
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<NonZeroUsize>,
    #[command(flatten)]
    dist: super::DistArg,
    /// The version stamped as {{version}} in ldflags. Default: `git describe --tags`, else
    /// 0.0.0-dev.
    #[arg(long, value_name = "V")]
    version: Option<String>,
    /// Do not run the binaries, even when gocross.yaml has a `verify:` section.
    #[arg(long)]
    no_verify: bool,
    /// Leave out the targets this machine cannot build (cgo darwin needs Apple's toolchain,
    /// ios and android their platform SDKs), instead of failing them.
    #[arg(long)]
    skip_unbuildable: bool,
    /// Start the output directory afresh: remove everything in it first.
    #[arg(long)]
    clean: bool,
    /// Succeed even when no target is left to build (every one skipped): by default a build
    /// that builds nothing fails.
    #[arg(long)]
    allow_empty: bool,
    /// Fail at once when another gocross build is writing the output directory, instead of
    /// waiting for it to finish.
    #[arg(long)]
    no_wait: bool,
}

/// `--no-wait` as the library's choice.
pub(super) fn when_busy(no_wait: bool) -> gocross::dist::WhenBusy {
    if no_wait {
        gocross::dist::WhenBusy::Fail
    } else {
        gocross::dist::WhenBusy::Wait
    }
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    // 1. The module and the Go that builds (no Go on PATH stops here, before anything is
    // written), and the version stamp from git, asked side by side.
    let (project, stamp) = std::thread::scope(|s| {
        let stamp = s.spawn(|| Stamp::detect(&global.dir, args.version.as_deref()));
        let project = global.open(Mode::Local, Missing::Defaults);
        (
            project,
            stamp.join().expect("the stamp thread does not panic"),
        )
    });
    let project = project?;
    if project.defaulted {
        output::eprint_line(
            "no gocross.yaml: building the default targets; `gocross ci init` writes them down",
        );
    }
    let (config, ctx) = (project.config, project.ctx);
    let (go, stamp) = (project.go?, stamp?);

    // 2. The plan: what was asked, what gocross.yaml configures (what dist/ keeps), and
    // what this machine builds of it.
    let mut plan = gocross::plan::plan(&config, &ctx, &args.targets)?;
    let configured = if args.targets.is_empty() {
        plan.clone()
    } else {
        gocross::plan::plan(&config, &ctx, &[])?
    };
    let skipped = build::select_local(&mut plan, !args.targets.is_empty(), args.skip_unbuildable);
    gocross::plan::preflight(&plan, &global.dir)?;
    if plan.jobs.is_empty() && !args.allow_empty {
        output::print(&skipped_lines(&skipped))?;
        anyhow::bail!(
            "no target was built: all {} were skipped; build one with `--target`, or pass --allow-empty to accept a build of nothing",
            skipped.len()
        );
    }

    // 3. The build.
    let opts = options(global, &args, &config, &configured, go, stamp);
    let verification = !args.no_verify && config.verify.is_some();
    let in_actions = actions_output::is_actions();
    let report = match build::build(&plan, &opts, progress(in_actions).as_ref()) {
        Err(e @ build::BuildError::Interrupted { .. }) => {
            output::eprint_line(&e.to_string());
            return Ok(Outcome::Interrupted);
        }
        other => other?,
    };

    // 4. What it made, then what failed, then the Actions summary.
    let summary = build::Summary::of(&report, verification);
    print_results(&report, &plan, &summary, &skipped, &args)?;
    print_failures(&report, &plan);
    if in_actions {
        build::report_to_actions(&report)?;
    }
    Ok(if report.interrupted {
        eprintln!(
            "interrupted: the {} finished targets are in {}",
            summary.built,
            report.dist.join(gocross::dist::MANIFEST_FILE).display()
        );
        Outcome::Interrupted
    } else if report.success() {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}

/// `skipped: TARGET: REASON` lines, one per target the machine does not build.
fn skipped_lines(skipped: &[build::Skipped]) -> String {
    skipped
        .iter()
        .map(|s| format!("skipped: {}: {}\n", s.target, s.reason))
        .collect()
}

/// The build's options from the command line and gocross.yaml; `configured` is the plan of
/// every configured target (what dist/ keeps of an earlier build).
fn options(
    global: &Global,
    args: &Args,
    config: &gocross::config::Config,
    configured: &gocross::plan::BuildPlan,
    go: String,
    stamp: Stamp,
) -> BuildOptions {
    let universal = config.universal_binaries.as_ref().is_some_and(|u| u.value);
    BuildOptions {
        go,
        module_dir: global.dir.clone(),
        dist: args.dist.dir(global),
        jobs: args
            .jobs
            .or_else(|| std::thread::available_parallelism().ok())
            .map_or(1, NonZeroUsize::get),
        stamp,
        checks: Checks::for_config(config, !args.no_verify),
        when_busy: when_busy(args.no_wait),
        configured: Some(build::Configured::of(
            configured,
            universal,
            config.packages.as_ref().map(|p| &p.value),
        )),
        clean: args.clean,
        universal,
        packages: config.packages.as_ref().map(|p| p.value.clone()),
    }
}

/// Where progress goes: plain lines in GitHub Actions (with groups) and when stderr is not
/// a terminal or in CI, else a live display.
fn progress(in_actions: bool) -> Box<dyn Progress> {
    if in_actions {
        Box::new(PlainProgress::new(true))
    } else if std::io::stderr().is_terminal() && !actions_output::in_ci() {
        Box::new(TerminalProgress::default())
    } else {
        Box::new(PlainProgress::new(false))
    }
}

/// Prints the results table, the targets not run or skipped with why, whether
/// verification was on, and the archives, universal binaries and packages made.
fn print_results(
    report: &build::BuildReport,
    plan: &gocross::plan::BuildPlan,
    summary: &build::Summary,
    skipped: &[build::Skipped],
    args: &Args,
) -> Result<()> {
    let table = build::results_table(report, Output::Terminal).render(Output::Terminal);
    let mut text = format!(
        "{} {} ({}) into {}: {summary}\n{table}\n",
        report.manifest.project,
        report.manifest.version,
        report.manifest.go,
        report.dist.display()
    );
    for group in build::not_run(report, plan) {
        for n in &group.targets {
            text.push_str(&format!("not run: {}: {}\n", n.target, n.reason));
        }
        if let Some(fix) = &group.fix {
            let targets: Vec<String> = group.targets.iter().map(|n| n.target.to_string()).collect();
            text.push_str(&format!("  fix for {}: {fix}\n", targets.join(", ")));
        }
    }
    text.push_str(&skipped_lines(skipped));
    if !summary.verification {
        text.push_str(if args.no_verify {
            "verification is off (--no-verify): the binaries were audited, not run\n"
        } else {
            "verification is off: add a `verify:` section to gocross.yaml (`gocross ci init` writes one every Go CLI passes) to run each binary on its target\n"
        });
    }
    output::print(&text)?;
    let m = &report.manifest;
    let universal = m
        .artifacts
        .iter()
        .filter(|a| a.target == gocross::universal::TARGET);
    for (label, names) in [
        (
            "archives",
            m.archives
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            "universal (darwin/amd64 + darwin/arm64)",
            universal.map(|a| a.name.as_str()).collect(),
        ),
        (
            "packages",
            m.packages.iter().map(|a| a.name.as_str()).collect(),
        ),
    ] {
        if !names.is_empty() {
            output::print(&format!("{label}: {}", names.join(", ")))?;
        }
    }
    Ok(())
}

/// Prints each failure with its fix: archives and packages not made, binaries that failed
/// their checks, and `go build` failures grouped by message, with the hint to leave out a
/// target of `plan` whose C toolchain this machine lacks.
fn print_failures(report: &build::BuildReport, plan: &gocross::plan::BuildPlan) {
    for (target, why) in &report.archive_failures {
        output::eprint_line(&format!("\nerror: {target}: no archive: {why}"));
    }
    for (target, format, why) in &report.package_failures {
        output::eprint_line(&format!("\nerror: {target}: no {format} package: {why}"));
    }
    for r in &report.results {
        if let TargetOutcome::Rejected { artifact, reason } = &r.outcome {
            output::eprint_line(&format!(
                "\nerror: {}: {} {reason}",
                r.target, artifact.name
            ));
        }
    }
    for group in build::failures(report) {
        let mut text = match group.targets.as_slice() {
            [one] => format!("\nerror: {one}: {}", group.message),
            many => format!(
                "\nerror: `go build` failed the same way on {} targets: {}",
                many.len(),
                many.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        };
        let unbuildable = group.targets.iter().any(|t| {
            plan.jobs
                .iter()
                .any(|j| j.target == *t && j.missing_toolchain().is_some())
        });
        if unbuildable {
            text.push_str(
                "\n(to build the others here and succeed, leave it out: --skip-unbuildable, or `local: false` for it in gocross.yaml's overrides)",
            );
        }
        text.push('\n');
        if let Some(cmd) = &group.command {
            text.push_str(&format!("$ {cmd}\n"));
        }
        text.push_str(&group.log);
        eprint!("{}", gocross::actions_output::guard(&text));
    }
}
