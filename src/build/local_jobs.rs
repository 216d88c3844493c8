//! Which of the plan's jobs a local `gocross build` runs: without `--target`, not the targets
//! an override marks `local: false` (they build in the workflow, on their runner), and with
//! `--skip-unbuildable` not those the plan found no C toolchain for here (cgo darwin and ios
//! need Apple's toolchain) or [refused](crate::plan::BuildJob::refused), so that a local
//! build of the rest can succeed.

use crate::plan::BuildPlan;
use crate::targets::Target;

/// A target left out of a local build, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The target left out.
    pub target: Target,
    /// Why, with what to do instead.
    pub reason: String,
}

/// Removes from `plan` the jobs this local build leaves out, and returns them with the
/// reason, in plan order. `named` says the targets were named with `--target` (then
/// `local: false` does not apply: a workflow leg builds its target that way);
/// `skip_unbuildable` leaves out the jobs without a C toolchain here.
pub fn select_local(plan: &mut BuildPlan, named: bool, skip_unbuildable: bool) -> Vec<Skipped> {
    let mut skipped = Vec::new();
    plan.jobs.retain(|job| {
        let reason = if !job.local && !named {
            Some(format!(
                "`local: false` in gocross.yaml's overrides: built by the workflow on {}",
                job.runner.label
            ))
        } else if let (true, Some(why)) = (skip_unbuildable, &job.refused) {
            Some(format!("--skip-unbuildable: {why}"))
        } else if let (true, Some(hint)) = (skip_unbuildable, job.missing_toolchain()) {
            Some(format!("--skip-unbuildable: {hint}"))
        } else {
            None
        };
        match reason {
            Some(reason) => {
                skipped.push(Skipped {
                    target: job.target,
                    reason,
                });
                false
            }
            None => true,
        }
    });
    skipped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, GoMod};
    use crate::plan::{PlanContext, plan};
    use crate::toolchain::Toolbox;
    use std::path::Path;

    #[test]
    fn local_false_and_unbuildable_targets_are_left_out() {
        let module = GoMod::parse("module example.com/hello\n").unwrap();
        let config = Config::parse(
            "version: 1\ntargets: [linux/amd64, darwin/arm64, darwin/amd64]\ncgo: true\noverrides:\n  - targets: [darwin/arm64]\n    local: false\n",
            Path::new("gocross.yaml"),
            Some(&module),
        )
        .unwrap();
        // A linux/amd64 machine whose PATH holds musl-gcc and nothing else: the static cgo
        // build of linux/amd64 has its toolchain, the darwin ones have none.
        let host: crate::targets::Target = "linux/amd64".parse().unwrap();
        let mut ctx = PlanContext {
            host: crate::plan::Host::Machine(Some(host.platform)),
            go: crate::targets::GoVersion::LATEST_KNOWN,
            tools: Toolbox {
                commands: ["musl-gcc".to_string()].into(),
                ..Toolbox::default()
            },
        };
        let full = plan(&config, &ctx, &[]).unwrap();

        let mut p = full.clone();
        let skipped = select_local(&mut p, false, false);
        assert_eq!(p.jobs.len(), 2);
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].target.to_string(), "darwin/arm64");
        assert!(
            skipped[0]
                .reason
                .contains("built by the workflow on macos-15"),
            "{}",
            skipped[0].reason
        );

        let mut p = full.clone();
        let skipped = select_local(&mut p, false, true);
        let left: Vec<String> = p.jobs.iter().map(|j| j.target.to_string()).collect();
        assert_eq!(left, ["linux/amd64"]);
        assert!(
            skipped[1]
                .reason
                .starts_with("--skip-unbuildable: cgo for darwin/amd64 needs Apple's toolchain"),
            "{}",
            skipped[1].reason
        );

        let mut p = full;
        assert!(
            select_local(&mut p, true, false).is_empty(),
            "--target builds what it names"
        );

        // Without any C compiler, linux/amd64 is left out as well, with the install hint.
        ctx.tools = Toolbox::default();
        let mut p = plan(&config, &ctx, &[]).unwrap();
        let skipped = select_local(&mut p, false, true);
        assert!(p.jobs.is_empty(), "{:?}", p.jobs);
        assert_eq!(skipped[0].target, host);
        assert!(
            skipped[0].reason.starts_with("--skip-unbuildable: ")
                && skipped[0].reason.contains("musl"),
            "{}",
            skipped[0].reason
        );
    }
}
