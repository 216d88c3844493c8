//! `gocross plan [--json] [--target T]...`: the build plan for this machine.

use super::{Global, Outcome, output};
use anyhow::Result;
use gocross::plan::{self, PlanContext};
use gocross::table::{Output, Table};
use gocross::targets::{GoVersion, Target};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only these targets (a target without a variant selects every variant of it).
    #[arg(long = "target", short = 't', value_name = "GOOS/GOARCH[/VARIANT]", value_parser = super::target_arg)]
    targets: Vec<Target>,
    /// Print `{"project", "go", "jobs": [...]}` as JSON.
    #[arg(long)]
    json: bool,
    /// Plan for the generated workflow: each job on its own runner, toolchains installed there.
    #[arg(long)]
    ci: bool,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let config = global.load_config()?;
    let module_go = gocross::config::GoMod::read(&global.dir)
        .ok()
        .and_then(|m| m.go);
    let ctx = if args.ci {
        PlanContext::runners(module_go.unwrap_or(GoVersion::LATEST_KNOWN))
    } else {
        PlanContext::machine(&config, gocross::gotool::version(), module_go)
    };
    let plan = plan::plan(&config, &ctx, &args.targets)?;
    plan::preflight(&plan, &global.dir)?;
    if args.json {
        output::print_json(&plan)?;
        return Ok(Outcome::Success);
    }
    let mut table = Table::new([
        "TARGET",
        "OUTPUT",
        "CGO",
        "LINK",
        "C TOOLCHAIN",
        "RUNNER",
        "VERIFY",
    ]);
    for job in &plan.jobs {
        let link = match (job.static_link, job.glibc) {
            (true, _) => "static".to_string(),
            (false, Some(g)) => format!("glibc {g}"),
            (false, None) => "default".to_string(),
        };
        let cc = match &job.toolchain {
            None => "-".to_string(),
            Some(tc) => tc.cc().unwrap_or_else(|| "MISSING".to_string()),
        };
        table.push([
            job.target.to_string(),
            job.binaries
                .iter()
                .map(|b| b.output.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            if job.cgo { "on" } else { "off" }.to_string(),
            link,
            cc,
            job.runner.label.clone(),
            job.verify.method.name().to_string(),
        ]);
    }
    output::print(&format!(
        "{}: {} targets, Go {}\n{}",
        plan.project,
        plan.jobs.len(),
        plan.go,
        table.render(Output::Terminal)
    ))?;
    for job in &plan.jobs {
        if let Some(gocross::toolchain::CToolchain::Missing { hint }) = &job.toolchain {
            output::print(&format!("warning: {hint}"))?;
        }
    }
    Ok(Outcome::Success)
}
