//! The audit policy of a binary that `gocross audit` is handed, which no build describes: the
//! policy of the plan's job for that binary's target when gocross.yaml configures the target
//! ([`BuildJob::policy`]), else the `audit:` section alone, with the command line's rules laid
//! over either ([`Policy::overlay`]).

use super::{BuildJob, PlanContext, PlanError, plan};
use crate::audit::{ObjectFacts, Policy};
use crate::config::Config;
use crate::targets::{GoVersion, Platform, Target};

/// Where the policies of handed-over binaries come from: gocross.yaml's plan and `audit:`
/// section, or nothing (no config, or `--no-config`).
#[derive(Debug, Clone, Default)]
pub struct AuditPolicies {
    /// The policy of a binary that no job describes.
    fallback: Policy,
    /// The plan's jobs.
    jobs: Vec<BuildJob>,
}

impl AuditPolicies {
    /// No config: a binary must meet only the rules it is checked with.
    pub fn none() -> AuditPolicies {
        AuditPolicies::default()
    }

    /// The policies of gocross.yaml: its plan for GitHub's runners (this machine's toolchains
    /// are not probed: a job's policy follows from the config and its target alone) and its
    /// `audit:` section ([`Policy::from_config`]).
    ///
    /// Errors: the config cannot be planned ([`PlanError`]).
    pub fn from_config(config: &Config) -> Result<AuditPolicies, PlanError> {
        let ctx = PlanContext::runners(GoVersion::LATEST_KNOWN);
        Ok(AuditPolicies {
            fallback: Policy::from_config(config),
            jobs: plan(config, &ctx, &[])?.jobs,
        })
    }

    /// The policy of the binary whose facts are `facts`, checked with `rules` (the command
    /// line's): the policy of the job for `rules.target` (that target, else the first job of
    /// its GOOS/GOARCH) or, without one, of the job for the binary's GOOS/GOARCH (the one whose
    /// variant the build info records, when several); else the fallback. `rules` is laid over
    /// it.
    pub fn policy_for(&self, facts: &ObjectFacts, rules: &Policy) -> Policy {
        let base = match self.job_for(facts, rules.target.as_ref()) {
            Some(job) => job.policy.clone(),
            None => self.fallback.clone(),
        };
        base.overlay(rules)
    }

    fn job_for(&self, facts: &ObjectFacts, wanted: Option<&Target>) -> Option<&BuildJob> {
        if let Some(t) = wanted {
            return self
                .jobs
                .iter()
                .find(|j| j.target == *t)
                .or_else(|| self.jobs.iter().find(|j| j.target.platform == t.platform));
        }
        let platform = facts
            .goos
            .zip(facts.goarch)
            .map(|(os, arch)| Platform::new(os, arch));
        let same: Vec<&BuildJob> = self
            .jobs
            .iter()
            .filter(|j| Some(j.target.platform) == platform)
            .collect();
        let recorded = |j: &&BuildJob| match (j.target.variant_env(), &facts.go) {
            (Some((var, value)), Some(go)) => go.settings.get(var) == Some(&value),
            _ => false,
        };
        same.iter()
            .copied()
            .find(recorded)
            .or(same.first().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::GoMod;
    use crate::targets::{Goarch, Goos};
    use std::path::Path;

    fn policies(yaml: &str) -> AuditPolicies {
        let module = GoMod::parse("module example.com/hello\n").unwrap();
        let config = Config::parse(yaml, Path::new("gocross.yaml"), Some(&module)).unwrap();
        AuditPolicies::from_config(&config).unwrap()
    }

    fn binary(goos: Goos, goarch: Goarch) -> ObjectFacts {
        ObjectFacts {
            goos: Some(goos),
            goarch: Some(goarch),
            ..ObjectFacts::default()
        }
    }

    const CONFIG: &str = "version: 1\ntargets: [linux/amd64, linux/arm64]\ncgo: true\naudit:\n  stripped: true\noverrides:\n  - targets: [linux/arm64]\n    static: false\n    glibc: \"2.17\"\n";

    #[test]
    fn a_configured_target_takes_its_jobs_policy() {
        let p = policies(CONFIG);
        let arm = p.policy_for(&binary(Goos::Linux, Goarch::Arm64), &Policy::default());
        assert_eq!(arm.target, Some("linux/arm64".parse().unwrap()));
        assert!(!arm.require_static, "the override links dynamically");
        assert_eq!(arm.max_glibc.unwrap().to_string(), "2.17");
        assert!(arm.require_stripped, "the audit section applies too");
        let amd = p.policy_for(&binary(Goos::Linux, Goarch::Amd64), &Policy::default());
        assert!(amd.require_static && amd.max_glibc.is_none());
    }

    #[test]
    fn the_target_asked_for_wins_over_what_the_binary_says() {
        let p = policies(CONFIG);
        let rules = Policy {
            target: Some("linux/arm64".parse().unwrap()),
            ..Policy::default()
        };
        let policy = p.policy_for(&binary(Goos::Linux, Goarch::Amd64), &rules);
        assert_eq!(policy.max_glibc.unwrap().to_string(), "2.17");
    }

    #[test]
    fn other_binaries_take_the_audit_section() {
        let p = policies(CONFIG);
        let policy = p.policy_for(&binary(Goos::Windows, Goarch::Amd64), &Policy::default());
        assert_eq!(policy.target, None);
        assert!(policy.require_static && policy.require_stripped);
    }

    #[test]
    fn without_a_config_only_the_rules_apply() {
        let rules = Policy {
            forbidden_libs: vec!["libssl.so.3".into()],
            require_stripped: true,
            ..Policy::default()
        };
        let policy = AuditPolicies::none().policy_for(&binary(Goos::Linux, Goarch::Arm64), &rules);
        assert_eq!(policy, rules);
    }

    #[test]
    fn rules_lie_over_the_jobs_policy() {
        let p = policies(CONFIG);
        let rules = Policy {
            max_glibc: Some("2.28".parse().unwrap()),
            forbidden_libs: vec!["libz.so.1".into()],
            cgo: Some(true),
            ..Policy::default()
        };
        let policy = p.policy_for(&binary(Goos::Linux, Goarch::Arm64), &rules);
        assert_eq!(policy.max_glibc.unwrap().to_string(), "2.28");
        assert_eq!(policy.forbidden_libs, ["libz.so.1"]);
        assert_eq!(policy.cgo, Some(true));
        assert!(policy.require_stripped, "kept from the audit section");
    }
}
