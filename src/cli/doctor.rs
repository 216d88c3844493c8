//! `gocross doctor [--target T]... [--ci] [--json]`: can this machine build the configured
//! targets, and what to install when it cannot; with `--ci`, what a bare runner can check (Go,
//! the config, the plan for GitHub's runners, workflow drift). Exits 1 when a configured target
//! cannot be built (or, with `--ci`, when a check failed).

use super::{Global, Outcome, output};
use anyhow::Result;
use gocross::doctor::{self, Status};
use gocross::project::{Missing, Mode};
use gocross::table::{Output, Table};
use gocross::targets::Target;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only these targets.
    #[arg(long = "target", short = 't', value_name = "GOOS/GOARCH[/VARIANT]", value_parser = super::target_arg)]
    targets: Vec<Target>,
    /// Check only what the workflow's check job can check on a bare runner: Go, the config,
    /// the plan for GitHub's runners and the committed workflow (no C toolchains).
    #[arg(long, conflicts_with = "targets")]
    ci: bool,
    /// Print the checks as a JSON array.
    #[arg(long)]
    json: bool,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let (mode, missing) = if args.ci {
        (Mode::Workflow, Missing::Fail)
    } else {
        (Mode::Local, Missing::Defaults)
    };
    let project = global.open(mode, missing)?;
    if project.defaulted {
        output::eprint_line(
            "no gocross.yaml: checking the default targets; `gocross ci init` writes them down",
        );
    }
    let go_env = gocross::gotool::env(doctor::GO_ENV);
    let checks = if args.ci {
        doctor::diagnose_ci(&global.dir, &global.config_path(), &project.config, &go_env)
    } else {
        let plan = gocross::plan::plan(&project.config, &project.ctx, &args.targets)?;
        gocross::plan::preflight(&plan, &global.dir)?;
        doctor::diagnose(&plan, &go_env, project.module_go())
    };
    if args.json {
        output::print_json(&checks)?;
    } else {
        let mut table = Table::new(["STATUS", "CHECK", "DETAIL"]);
        for c in &checks {
            let status = match c.status {
                Status::Ok => "ok",
                Status::Warning => "warning",
                Status::Missing => "MISSING",
            };
            table.push([status.to_string(), c.name.clone(), c.detail.clone()]);
        }
        let mut text = format!("{}\n", table.render(Output::Terminal));
        let fixes = doctor::fixes(&checks);
        if !fixes.is_empty() {
            text.push_str("\nTo fix:\n");
            for (fix, names) in fixes {
                text.push_str(&format!("  {}: {fix}\n", names.join(", ")));
            }
        }
        text.push_str(match (args.ci, doctor::can_build(&checks)) {
            (false, true) => "\nEvery configured target can be built here.\n",
            (false, false) => "\nSome configured targets cannot be built here (MISSING above).\n",
            (true, true) => "\nThe config, the plan and the workflow are ready for GitHub's runners; each leg checks its C toolchain after its installs.\n",
            (true, false) => "\nThe workflow cannot run as it is (MISSING above).\n",
        });
        output::print(&text)?;
    }
    Ok(if doctor::can_build(&checks) {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
