//! `gocross plan [--json] [--ci] [--target T]...`: the build plan for this machine, or with
//! `--ci` for the generated workflow, with its jobs per runner OS and what GitHub bills for a
//! minute of each.

use super::{Global, Outcome, output};
use anyhow::Result;
use gocross::plan;
use gocross::project::{Missing, Mode, Project};
use gocross::table::{Output, Table};
use gocross::targets::{Goos, Target, runners};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only these targets (a target without a variant selects every variant of it).
    #[arg(long = "target", short = 't', value_name = "GOOS/GOARCH[/VARIANT]", value_parser = super::target_arg)]
    targets: Vec<Target>,
    /// Print `{"project", "go", "jobs": [...]}` as JSON (with `--ci`, also `go_release`: the
    /// Go release the workflow sets up, such as `1.26.8` or `stable`).
    #[arg(long)]
    json: bool,
    /// Plan for the generated workflow: each job on its own runner, toolchains installed there.
    #[arg(long)]
    ci: bool,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let mode = if args.ci { Mode::Workflow } else { Mode::Local };
    let Project {
        config, ctx, go, ..
    } = global.open(mode, Missing::Fail)?;
    let plan = plan::plan(&config, &ctx, &args.targets)?;
    plan::preflight(&plan, &global.dir)?;
    // The workflow's Go release, which the plan's Go is read from.
    let release = go.ok().filter(|_| args.ci);
    if args.json {
        #[derive(serde::Serialize)]
        struct Printed<'a> {
            #[serde(flatten)]
            plan: &'a plan::BuildPlan,
            #[serde(skip_serializing_if = "Option::is_none")]
            go_release: Option<&'a str>,
        }
        output::print_json(&Printed {
            plan: &plan,
            go_release: release.as_deref(),
        })?;
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
        "{}: {} targets, Go {}{}\n{}",
        plan.project,
        plan.jobs.len(),
        plan.go,
        release
            .map(|r| format!(" (the workflow sets up `{r}`)"))
            .unwrap_or_default(),
        table.render(Output::Terminal)
    ))?;
    for job in &plan.jobs {
        if let Some(hint) = job.missing_toolchain() {
            output::print(&format!("warning: {hint}"))?;
        }
    }
    if args.ci {
        output::print(&cost_table(&plan, config.ci.go_versions.len().max(1)))?;
    }
    Ok(Outcome::Success)
}

/// The workflow's build legs and verify jobs per runner OS, with GitHub's minute multiplier
/// of each: what a run costs, before it is pushed. `go_releases`: the Go axis's length.
fn cost_table(plan: &plan::BuildPlan, go_releases: usize) -> String {
    // (OS name, build legs, verify jobs, multiplier), Linux first; unknown labels last.
    let mut rows: Vec<(String, usize, usize, Option<u32>)> = Vec::new();
    let mut add = |runner: &plan::Runner, build: usize, verify: usize| {
        let (os, multiplier) = match runner.platform {
            Some(p) => (
                match p.goos {
                    Goos::Darwin => "macOS".to_string(),
                    Goos::Windows => "Windows".to_string(),
                    goos => goos.to_string().replace("linux", "Linux"),
                },
                runners::minute_multiplier(p.goos),
            ),
            None => (format!("{} (self-hosted)", runner.label), None),
        };
        match rows.iter_mut().find(|r| r.0 == os) {
            Some(row) => {
                row.1 += build;
                row.2 += verify;
            }
            None => rows.push((os, build, verify, multiplier)),
        }
    };
    for job in &plan.jobs {
        add(&job.runner, go_releases, 0);
        if let Some(verify) = &job.verify_runner {
            add(verify, 0, go_releases);
        }
    }
    rows.sort_by_key(|r| (r.3.is_none(), r.3));
    let mut table = Table::new(["RUNNER OS", "BUILD LEGS", "VERIFY JOBS", "MINUTE COSTS"]);
    for (os, build, verify, multiplier) in rows {
        table.push([
            os,
            build.to_string(),
            verify.to_string(),
            multiplier.map_or("not billed by GitHub".to_string(), |m| {
                format!("{m}x a Linux minute")
            }),
        ]);
    }
    format!(
        "\nGitHub-hosted jobs per run, besides the check, report and release jobs on Linux\n(https://docs.github.com/en/billing/managing-billing-for-your-products/managing-billing-for-github-actions/about-billing-for-github-actions):\n{}",
        table.render(Output::Terminal)
    )
}
