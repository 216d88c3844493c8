//! The binaries an image may hold: read from dist/manifest.json, never from a walk of dist/,
//! and refused unless they are exactly what the build audited and verified.
//!
//! For each target of the image: the manifest's entry for it, its audit passed, its
//! verification passed (a binary that was not run on its target, or built without
//! `verify:`, only with `image.allow_unverified`, and then marked [`Selected::unverified`]),
//! its file inside dist/ with the manifest's size and SHA-256, a
//! static binary when the base is `scratch` (the audit's linkage), and a container-image
//! platform for it ([`Target::oci_platform`], the GOARM of a plain `linux/arm` build read from
//! the binary's build info). Every problem is reported at once, each with its fix.

use super::ImageError;
use crate::manifest::{Artifact, Linkage, Manifest, VerifyOutcome};
use crate::targets::{OciPlatform, Target};
use std::path::Path;

/// One binary that passed every check, with its bytes.
#[derive(Debug, Clone)]
pub struct Selected {
    /// The target as configured.
    pub target: Target,
    /// Its image platform.
    pub platform: OciPlatform,
    /// The manifest's entry.
    pub artifact: Artifact,
    /// The file's bytes, whose SHA-256 is the manifest's.
    pub bytes: Vec<u8>,
    /// Why the binary is not verified, when it is not and `allow_unverified` let it in (`not
    /// run: <reason>`); the image says so in its labels.
    pub unverified: Option<String>,
}

/// Checks every target of the image against `manifest` and reads its binary from `dist`.
/// `scratch`: the base has no C library, so a dynamically linked binary cannot run on it.
/// `allow_unverified`: a binary that was not verified is taken (and marked) instead of
/// refused.
///
/// Errors: [`ImageError::NotReady`] listing every problem.
pub fn checked_binaries(
    dist: &Path,
    manifest: &Manifest,
    targets: &[Target],
    scratch: bool,
    allow_unverified: bool,
) -> Result<Vec<Selected>, ImageError> {
    let mut problems = Vec::new();
    let mut selected: Vec<Selected> = Vec::new();
    if targets.is_empty() {
        problems.push(
            "the image has no platform: configure a linux target, or list some in `image.platforms`"
                .to_string(),
        );
    }
    for target in targets {
        let Some(artifact) = manifest.artifacts.iter().find(|a| a.is_for(target)) else {
            problems.push(format!(
                "{target} is not in {}: run `gocross build` (or `gocross build --target {target}`) first",
                dist.join(crate::dist::MANIFEST_FILE).display()
            ));
            continue;
        };
        let label = format!("{target} ({})", artifact.name);
        let before = problems.len();
        match &artifact.audit {
            None => problems.push(format!(
                "{label} was not audited: build it with `gocross build`, which audits every binary"
            )),
            Some(audit) if !audit.passed => {}
            Some(audit) if scratch && audit.linkage == Some(Linkage::Dynamic) => {
                problems.push(format!(
                    "{label} is dynamically linked, and a `scratch` image has no C library or loader to run it: build it static (`static: true`; with cgo, musl through zig), or set `image.base` to an image with its libc pinned by digest (e.g. gcr.io/distroless/base-debian12@sha256:...)"
                ));
            }
            Some(_) => {}
        }
        for failure in artifact.failures() {
            problems.push(format!(
                "{label} {failure}: fix the build or the `audit:` policy in gocross.yaml, then build again"
            ));
        }
        let unverified = match &artifact.verify {
            None => {
                Some("not verified: built without a `verify:` section in gocross.yaml".to_string())
            }
            Some(v) if v.outcome == VerifyOutcome::NotRun => Some(format!(
                "not run on its target: {}",
                v.reason.as_deref().unwrap_or("no reason recorded")
            )),
            Some(_) => None,
        };
        if let (Some(why), false) = (&unverified, allow_unverified) {
            problems.push(format!(
                "{label} is {why}; an image holds verified binaries: build it where it runs (the workflow's leg does), or set `image.allow_unverified: true` (or pass --allow-unverified) to take it, marked unverified"
            ));
        }
        let settings = artifact
            .audit
            .as_ref()
            .and_then(|a| a.report.get("go"))
            .and_then(|g| g.get("settings"));
        let resolved =
            target.with_build_variant(|var| settings?.get(var)?.as_str().map(str::to_string));
        let platform = match resolved.oci_platform() {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(e.to_string());
                None
            }
        };
        if let (Some(p), Some(twin)) = (
            platform,
            selected.iter().find(|s| Some(s.platform) == platform),
        ) {
            problems.push(format!(
                "{target} and {} are both {p} in an image index: keep one of them in `image.platforms`",
                twin.target
            ));
        }
        let bytes = match read_verified(dist, artifact) {
            Ok(b) => Some(b),
            Err(p) => {
                problems.push(p);
                None
            }
        };
        if let (Some(platform), Some(bytes), true) = (platform, bytes, problems.len() == before) {
            selected.push(Selected {
                target: *target,
                platform,
                artifact: artifact.clone(),
                bytes,
                unverified,
            });
        }
    }
    if problems.is_empty() {
        Ok(selected)
    } else {
        Err(ImageError::NotReady {
            dist: dist.to_path_buf(),
            problems,
        })
    }
}

/// The artifact's bytes, read through the one contained open of dist/
/// ([`crate::dist::open_in_dist`]: the manifest is input from outside the process) and
/// checked against the manifest's size and SHA-256.
fn read_verified(dist: &Path, artifact: &Artifact) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let (mut file, _) = crate::dist::open_in_dist(dist, &artifact.path).map_err(|e| {
        format!("{e}: run `gocross build` (or download every build leg into dist/)")
    })?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", artifact.path))?;
    let sha = crate::digest::sha256_hex(&bytes);
    if bytes.len() as u64 != artifact.size || sha != artifact.sha256 {
        return Err(format!(
            "{}: changed since the build (manifest.json: {} bytes, sha256 {}; file: {} bytes, sha256 {}): run `gocross build` again",
            artifact.path,
            artifact.size,
            artifact.sha256,
            bytes.len(),
            sha
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{ArtifactAudit, ArtifactVerify, Violation};

    fn dist_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in files {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
        dir
    }

    fn artifact(target: &str, name: &str, bytes: &[u8]) -> Artifact {
        Artifact {
            target: target.into(),
            name: name.into(),
            path: name.into(),
            size: bytes.len() as u64,
            sha256: crate::digest::sha256_hex(bytes),
            audit: Some(ArtifactAudit {
                passed: true,
                linkage: Some(crate::manifest::Linkage::Static),
                ..Default::default()
            }),
            verify: Some(ArtifactVerify {
                method: crate::manifest::VerifyKind::Qemu,
                outcome: VerifyOutcome::Verified,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn targets(list: &[&str]) -> Vec<Target> {
        list.iter().map(|t| t.parse().unwrap()).collect()
    }

    #[test]
    fn verified_binaries_are_selected_with_their_platform() {
        let dist = dist_with(&[("h_linux_arm_7", b"arm"), ("h_linux_amd64", b"amd")]);
        let m = Manifest {
            artifacts: vec![
                artifact("linux/amd64", "h_linux_amd64", b"amd"),
                artifact("linux/arm/7", "h_linux_arm_7", b"arm"),
            ],
            ..Default::default()
        };
        let s = checked_binaries(
            dist.path(),
            &m,
            &targets(&["linux/arm/7", "linux/amd64"]),
            true,
            false,
        )
        .unwrap();
        assert_eq!(s[0].platform.to_string(), "linux/arm/v7");
        assert_eq!(s[0].bytes, b"arm");
        assert_eq!(s[1].platform.to_string(), "linux/amd64");
    }

    #[test]
    fn every_problem_is_reported_with_its_fix() {
        let dist = dist_with(&[
            ("h_linux_amd64", b"changed"),
            ("h_linux_arm64", b"dyn"),
            ("h_linux_riscv64", b"rv"),
        ]);
        let mut dynamic = artifact("linux/arm64", "h_linux_arm64", b"dyn");
        dynamic.audit.as_mut().unwrap().linkage = Some(crate::manifest::Linkage::Dynamic);
        let mut failed = artifact("linux/riscv64", "h_linux_riscv64", b"rv");
        failed.audit = Some(ArtifactAudit {
            passed: false,
            violations: vec![Violation {
                rule: "min_go".into(),
                found: "1.21".into(),
                allowed: "1.24".into(),
            }],
            ..Default::default()
        });
        failed.verify = Some(ArtifactVerify {
            method: crate::manifest::VerifyKind::Qemu,
            outcome: VerifyOutcome::Failed,
            reason: Some("exit code 2".into()),
            ..Default::default()
        });
        let mut escaping = artifact("linux/386", "h_linux_386", b"x");
        escaping.path = "../h_linux_386".into();
        let m = Manifest {
            artifacts: vec![
                artifact("linux/amd64", "h_linux_amd64", b"built"),
                dynamic,
                failed,
                escaping,
            ],
            ..Default::default()
        };
        let err = checked_binaries(
            dist.path(),
            &m,
            &targets(&[
                "linux/amd64",
                "linux/arm64",
                "linux/riscv64",
                "linux/386",
                "linux/s390x",
            ]),
            true,
            false,
        )
        .unwrap_err()
        .to_string();
        for needle in [
            "h_linux_amd64: changed since the build",
            "dynamically linked, and a `scratch` image has no C library",
            "failed its audit (min_go: found 1.21, allowed 1.24)",
            "failed verification under qemu: exit code 2",
            "`../h_linux_386` leaves dist/",
            "linux/s390x is not in",
        ] {
            assert!(err.contains(needle), "missing `{needle}` in:\n{err}");
        }
    }

    #[test]
    fn a_plain_arm_build_takes_goarm_from_its_build_info() {
        let dist = dist_with(&[("h_linux_arm", b"arm")]);
        let mut a = artifact("linux/arm", "h_linux_arm", b"arm");
        a.audit.as_mut().unwrap().report = serde_json::json!({"go": {"settings": {"GOARM": "6"}}});
        let m = Manifest {
            artifacts: vec![a],
            ..Default::default()
        };
        let s = checked_binaries(dist.path(), &m, &targets(&["linux/arm"]), true, false).unwrap();
        assert_eq!(s[0].platform.to_string(), "linux/arm/v6");
    }
}
