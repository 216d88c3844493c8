//! `dist/tests.json`: the [`TestReport`] of `gocross test`, stored beside the manifest so
//! that a CI leg's upload of dist/ carries it and `gocross report` can show a "tests"
//! column.
//!
//! A run with `--target` keeps the other targets' entries of an earlier run (one CI leg per
//! target); the file is written atomically. Readers accept the layout of the report job, where
//! every leg's dist/ was downloaded into its own directory (`dist/<leg>/tests.json`), and keep
//! one report per leg (legs of different Go releases test the same target).

use super::{TargetTests, TestReport};
use crate::dist::{DistError, TESTS_FILE, leg_files, read_in_dist, write_atomic};
use crate::manifest::ManifestError;
use std::path::Path;

impl TestReport {
    /// Writes `<dist>/tests.json` (creating dist/), keeping the entries of targets this run
    /// did not test from a report already there. The caller holds dist/'s lock
    /// ([`crate::dist::DistLock`]), so that no other run's entries are lost.
    pub fn store(&self, dist: &Path) -> Result<TestReport, ManifestError> {
        std::fs::create_dir_all(dist).map_err(|cause| DistError::Write {
            path: dist.to_path_buf(),
            cause,
        })?;
        let path = dist.join(TESTS_FILE);
        let mut targets: Vec<TargetTests> = match read_file(dist, TESTS_FILE) {
            Ok(previous) => previous
                .targets
                .into_iter()
                .filter(|old| !self.targets.iter().any(|t| t.target == old.target))
                .collect(),
            Err(_) => Vec::new(),
        };
        targets.extend(self.targets.iter().cloned());
        let merged = TestReport::new(
            self.go.clone(),
            self.module.clone(),
            targets,
            self.interrupted,
        );
        let mut text = serde_json::to_vec_pretty(&merged).expect("a report always serializes");
        text.push(b'\n');
        write_atomic(&path, &text)?;
        Ok(merged)
    }

    /// Reads the tests of a dist directory as the workflow's later jobs download it:
    /// `<dist>/tests.json` when there is one, else one per subdirectory
    /// (`<dist>/<artifact>/tests.json`, one per build leg), sorted by directory. Empty when
    /// there is none: the tests were not run.
    ///
    /// Errors: a file that cannot be read or does not parse.
    pub fn read_legs(dist: &Path) -> Result<Vec<TestReport>, ManifestError> {
        leg_files(dist, TESTS_FILE)?
            .iter()
            .map(|rel| {
                let r = read_file(dist, rel)?;
                // Recompute what is derived, so that a hand-edited file cannot disagree.
                Ok(TestReport::new(r.go, r.module, r.targets, r.interrupted))
            })
            .collect()
    }
}

/// The report at `rel` inside `dist`, read as the release reads dist/ ([`read_in_dist`]).
fn read_file(dist: &Path, rel: &str) -> Result<TestReport, ManifestError> {
    let text = read_in_dist(dist, rel)?;
    serde_json::from_slice(&text).map_err(|cause| ManifestError::Parse {
        path: dist.join(rel),
        cause,
    })
}

#[cfg(test)]
mod tests {
    use super::super::TestOutcome;
    use super::*;

    fn report(targets: &[(&str, TestOutcome)]) -> TestReport {
        let targets = targets
            .iter()
            .map(|(t, outcome)| {
                let mut r = TargetTests::not_run(
                    &t.parse().unwrap(),
                    crate::manifest::VerifyKind::Qemu,
                    String::new(),
                );
                r.outcome = *outcome;
                r
            })
            .collect();
        TestReport::new("go1.26.8".into(), "example.com/m".into(), targets, false)
    }

    #[test]
    fn legs_keep_each_others_targets_and_merge_when_downloaded() {
        let dist = tempfile::tempdir().unwrap();
        report(&[("linux/arm64", TestOutcome::Failed)])
            .store(dist.path())
            .unwrap();
        let merged = report(&[("linux/amd64", TestOutcome::Passed)])
            .store(dist.path())
            .unwrap();
        let names: Vec<&str> = merged.targets.iter().map(|t| t.target.as_str()).collect();
        assert_eq!(names, ["linux/arm64", "linux/amd64"]);
        assert!(!merged.passed);
        let read = TestReport::read_legs(dist.path()).unwrap();
        assert_eq!(read, [merged]);

        let downloaded = tempfile::tempdir().unwrap();
        for (leg, target) in [
            ("gocross-x_linux_s390x", "linux/s390x"),
            ("gocross-x_linux_386", "linux/386"),
        ] {
            report(&[(target, TestOutcome::Passed)])
                .store(&downloaded.path().join(leg))
                .unwrap();
        }
        let read = TestReport::read_legs(downloaded.path()).unwrap();
        let targets: Vec<&str> = read.iter().map(|r| r.targets[0].target.as_str()).collect();
        assert_eq!(targets, ["linux/386", "linux/s390x"]);
        assert!(read.iter().all(|r| r.passed));
        let nothing = TestReport::read_legs(&downloaded.path().join("nothing")).unwrap();
        assert!(nothing.is_empty());
    }
}
