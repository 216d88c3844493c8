//! `gocross doctor [--target T]... [--ci] [--json]`: can this machine build the configured
//! targets, and what to install when it cannot; with `--ci`, what a bare runner can check (Go,
//! the config, the plan for GitHub's runners, workflow drift). Exits 1 when a configured target
//! cannot be built (or, with `--ci`, when a check failed).

use super::{Global, Outcome, output};
use anyhow::Result;
use gocross::doctor::{self, Status};
use gocross::targets::Target;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only these targets.
    #[arg(long = "target", short = 't', value_name = "GOOS/GOARCH[/VARIANT]")]
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
    let config = global.load_config()?;
    let go_env = gocross::gotool::env(doctor::GO_ENV);
    let checks = if args.ci {
        doctor::diagnose_ci(&global.dir, &global.config_path(), &config, &go_env)
    } else {
        let module_go = gocross::config::GoMod::read(&global.dir)
            .ok()
            .and_then(|m| m.go);
        let ctx =
            gocross::plan::PlanContext::machine(&config, gocross::gotool::version(), module_go);
        let plan = gocross::plan::plan(&config, &ctx, &args.targets)?;
        doctor::diagnose(&plan, &go_env, module_go)
    };
    if args.json {
        output::print_json(&checks)?;
    } else {
        let mut table = output::table(&["STATUS", "CHECK", "DETAIL"]);
        for c in &checks {
            let status = match c.status {
                Status::Ok => "ok",
                Status::Warning => "warning",
                Status::Missing => "MISSING",
            };
            table.add_row(vec![status.to_string(), c.name.clone(), c.detail.clone()]);
        }
        let mut text = format!("{table}\n");
        let fixes: Vec<_> = checks
            .iter()
            .filter_map(|c| c.fix.as_ref().map(|f| (c, f)))
            .collect();
        if !fixes.is_empty() {
            text.push_str("\nTo fix:\n");
            for (c, fix) in fixes {
                text.push_str(&format!("  {}: {fix}\n", c.name));
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
