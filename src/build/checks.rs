//! What happens to each binary right after its `go build`, on the same worker thread: the
//! audit against the job's policy ([`audit::audit_artifact`], the one audit of the file; the
//! CycloneDX SBOM is written from it when asked), then the verification run where the plan
//! says, which takes that audit instead of reading the file again. A binary that fails either
//! is kept in dist/ and in manifest.json with the reason, but stays out of checksums.txt, and
//! its target counts as failed.

use crate::audit;
use crate::config::Config;
use crate::manifest::{Artifact, VerifyOutcome};
use crate::plan::BuildJob;
use crate::verify;
use std::path::Path;

/// The checks of one build: every binary is audited against its job's policy
/// ([`BuildJob::policy`]); verification and SBOMs as asked.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    /// Run each binary whose job has verify settings (gocross.yaml has `verify:` and the
    /// command line did not say `--no-verify`).
    pub verify: bool,
    /// Write `<binary>.cdx.json` beside each binary (`release.sbom`).
    pub sbom: bool,
}

/// The file name of a binary's SBOM in dist/.
pub fn sbom_name(binary: &str) -> String {
    format!("{binary}.cdx.json")
}

impl Checks {
    /// Verification as gocross.yaml and `verify` say; SBOMs when `release.sbom` is on.
    pub fn for_config(config: &Config, verify: bool) -> Checks {
        Checks {
            verify,
            sbom: config.release.sbom,
        }
    }

    /// Audits and verifies the built `artifact` (its file is `dist/<path>`), recording both in
    /// it. Returns why the target fails, if it does.
    pub(super) fn run(
        &self,
        job: &BuildJob,
        artifact: &mut Artifact,
        dist: &Path,
    ) -> Option<String> {
        let path = dist.join(&artifact.path);
        let mut problems = Vec::new();
        let audit::Audited {
            report,
            audit,
            problem,
        } = audit::audit_artifact(&path, &job.policy);
        if self.sbom && report.facts.go.is_some() {
            let name = sbom_name(&artifact.name);
            let path = dist.join(&name);
            match audit::write_sbom(&report, &path)
                .map_err(|e| e.to_string())
                .and_then(|()| crate::digest::sha256_file(&path).map_err(|e| e.to_string()))
            {
                Ok((_, sha256)) => {
                    artifact.sbom = Some(name);
                    artifact.sbom_sha256 = Some(sha256);
                }
                Err(e) => problems.push(format!("cannot write its SBOM: {e}")),
            }
        }
        problems.extend(problem);
        artifact.audit = Some(audit);
        if let (true, Some(settings)) = (self.verify, &job.verify.settings) {
            let result = verify::verify(&verify::Request {
                binary: &path,
                target: &job.target,
                method: &job.verify.method,
                settings,
                audit: Some(&report),
            });
            let reason = result.reason.clone().unwrap_or_default();
            match result.outcome {
                VerifyOutcome::Failed => problems.push(format!(
                    "failed verification under {}: {reason}",
                    result.method
                )),
                VerifyOutcome::NotRun if !settings.allow_not_run => problems.push(format!(
                    "could not be run here ({reason}), which `verify.allow_not_run: false` counts as a failure"
                )),
                VerifyOutcome::NotRun | VerifyOutcome::Verified => {}
            }
            artifact.verify = Some(result);
        }
        (!problems.is_empty()).then(|| problems.join("; "))
    }
}
