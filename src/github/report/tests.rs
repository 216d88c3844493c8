//! Unit tests of the report: rows, annotations, Markdown limits and the event payload.

use super::*;
use crate::manifest::{Artifact, ArtifactAudit, ArtifactVerify};

fn configured(target: &str, line: u64) -> ConfiguredTarget {
    ConfiguredTarget {
        target: target.into(),
        line: Some(line),
    }
}

fn manifest() -> Manifest {
    Manifest {
        artifacts: vec![
            Artifact {
                target: "linux/arm64".into(),
                name: "hello_linux_arm64".into(),
                size: 1024,
                audit: Some(ArtifactAudit {
                    passed: true,
                    linkage: Some(crate::manifest::Linkage::Dynamic),
                    glibc_floor: Some("2.17".into()),
                    ..Default::default()
                }),
                verify: Some(ArtifactVerify {
                    method: crate::manifest::VerifyKind::Qemu,
                    outcome: VerifyOutcome::Failed,
                    reason: Some("stdout did not match `^hello `".into()),
                    exit_code: Some(0),
                    stderr_tail: "panic: boom\n".into(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            Artifact {
                target: "windows/amd64".into(),
                name: "hello_windows_amd64.exe".into(),
                size: 2048,
                ..Default::default()
            },
        ],
        ..Default::default()
    }
}

#[test]
fn rows_cover_built_and_missing_targets() {
    let config = [
        configured("linux/arm64", 4),
        configured("windows/amd64", 5),
        configured("linux/riscv64", 6),
    ];
    let r = summarize(&[manifest()], &[], &config, "app/gocross.yaml");
    assert_eq!(r.title, "3 targets: 2 failed");
    assert_eq!(r.conclusion, "failure");
    let arm = &r.rows[0];
    assert_eq!(
        (arm.audit.as_str(), arm.verify.as_str(), arm.failed),
        ("passed", "failed (qemu)", true)
    );
    assert_eq!(arm.glibc_floor.as_deref(), Some("2.17"));
    let win = &r.rows[1];
    assert_eq!(
        (win.audit.as_str(), win.verify.as_str(), win.failed),
        ("not audited", "—", false)
    );
    assert!(!r.rows[2].built && r.rows[2].name.is_none());

    assert_eq!(r.annotations.len(), 2);
    let verify = &r.annotations[0];
    assert_eq!(
        (
            verify.path.as_str(),
            verify.start_line,
            verify.annotation_level
        ),
        ("app/gocross.yaml", 4, "failure")
    );
    assert_eq!(
        verify.message,
        "hello_linux_arm64 (linux/arm64) failed verification under qemu: stdout did not match `^hello ` (exit code 0)\nstderr:\npanic: boom"
    );
    assert_eq!(r.annotations[1].title, "linux/riscv64: not built");
    assert_eq!(r.annotations[1].start_line, 6);
}

#[test]
fn the_tests_column_and_annotations_come_from_tests_json() {
    use crate::test_results::{Counts, FailureKind, TargetTests, TestFailure, TestOutcome};
    let mut arm = TargetTests::not_run(
        &"linux/arm64".parse().unwrap(),
        crate::manifest::VerifyKind::Qemu,
        String::new(),
    );
    arm.outcome = TestOutcome::Failed;
    arm.reason = Some("1 test failed".into());
    arm.tests = Counts {
        passed: 11,
        failed: 1,
        skipped: 0,
    };
    arm.failures = vec![TestFailure {
        package: "example.com/hello/wire".into(),
        test: Some("TestByteOrder".into()),
        kind: FailureKind::Failed,
        file: Some("wire/wire_test.go".into()),
        line: Some(12),
        output: "    wire_test.go:12: got 0x01020304\n--- FAIL: TestByteOrder (0.00s)\n".into(),
    }];
    let win = TargetTests::not_run(
        &"windows/amd64".parse().unwrap(),
        crate::manifest::VerifyKind::None,
        "wine is not installed".into(),
    );
    let tests = TestReport::new(
        "go1.26.8".into(),
        "example.com/hello".into(),
        vec![arm, win],
        false,
    );
    let config = [configured("linux/arm64", 4), configured("windows/amd64", 5)];
    let mut m = manifest();
    m.artifacts[0].verify = None;
    let r = summarize(&[m], &[tests], &config, "app/gocross.yaml");
    assert_eq!(r.rows[0].tests, "failed (1 of 12)");
    assert!(r.rows[0].failed, "a failed test fails the row");
    assert_eq!(r.rows[1].tests, "not run");
    assert!(!r.rows[1].failed, "not run is not a failure");
    assert_eq!(r.title, "2 targets: 1 failed");
    let test = r
        .annotations
        .iter()
        .find(|a| a.title == "TestByteOrder on linux/arm64")
        .unwrap();
    assert_eq!(
        (test.path.as_str(), test.start_line),
        ("app/wire/wire_test.go", 12)
    );
    assert!(
        test.message.starts_with("TestByteOrder (example.com/hello/wire) failed on linux/arm64\n    wire_test.go:12: got 0x01020304"),
        "{}",
        test.message
    );
    let not_run = r
        .annotations
        .iter()
        .find(|a| a.title == "windows/amd64: tests not run")
        .unwrap();
    assert_eq!(
        (not_run.annotation_level, not_run.start_line),
        ("notice", 5)
    );
    let md = markdown(&r, SUMMARY_LIMIT);
    assert!(md.contains("| Verify | Tests | Linkage |"), "{md}");
    assert!(md.contains("| failed (1 of 12) |"), "{md}");
}

#[test]
fn markdown_escapes_cells_and_stays_within_its_limit() {
    let r = summarize(&[manifest()], &[], &[], "gocross.yaml");
    let md = markdown(&r, SUMMARY_LIMIT);
    assert!(md.starts_with("### gocross: 2 targets: 1 failed\n"), "{md}");
    assert!(
        md.contains("| linux/arm64 | `hello_linux_arm64` | 1.00 KiB | yes | passed | failed (qemu) | — | dynamic | 2.17 |"),
        "{md}"
    );
    assert!(md.contains("\n**Problems**\n\n- hello_linux_arm64 (linux/arm64) failed verification"));

    let many = Manifest {
        artifacts: (0..400)
            .map(|i| Artifact {
                target: format!("linux/amd64/{i}"),
                name: format!("hello_{i}"),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let r = summarize(&[many], &[], &[], "gocross.yaml");
    let md = markdown(&r, 4000);
    assert!(md.len() <= 4000, "{}", md.len());
    assert!(md.contains("more lines left out: see the job log"), "{md}");
}

#[test]
fn the_head_commit_comes_from_the_pull_request_event() {
    let event = br#"{"number": 3, "pull_request": {"number": 3, "head": {"sha": "abc"}}}"#;
    assert_eq!(
        PullRequest::from_event(Some(event), Some("merge")).unwrap(),
        PullRequest {
            head_sha: "abc".into(),
            number: Some(3)
        }
    );
    let push = br#"{"ref": "refs/heads/main"}"#;
    assert_eq!(
        PullRequest::from_event(Some(push), Some(" def\n")).unwrap(),
        PullRequest {
            head_sha: "def".into(),
            number: None
        }
    );
    assert!(matches!(
        PullRequest::from_event(None, None),
        Err(ReportError::NoCommit)
    ));
    assert!(matches!(
        PullRequest::from_event(Some(b"{"), Some("x")),
        Err(ReportError::Event { .. })
    ));
}

#[test]
fn legs_of_several_go_releases_keep_a_row_each() {
    let leg = |go: &str| Manifest {
        go: go.into(),
        artifacts: vec![Artifact {
            target: "linux/amd64".into(),
            name: "hello_linux_amd64".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    // Each leg's tests.json goes to its own row.
    let tested = |go: &str, outcome| {
        let mut t = crate::test_results::TargetTests::not_run(
            &"linux/amd64".parse().unwrap(),
            crate::manifest::VerifyKind::Native,
            String::new(),
        );
        t.outcome = outcome;
        TestReport::new(go.into(), "example.com/hello".into(), vec![t], false)
    };
    let r = summarize(
        &[leg("go1.25.4"), leg("go1.26.8")],
        &[
            tested("go1.25.4", TestOutcome::NotRun),
            tested("go1.26.8", TestOutcome::Passed),
        ],
        &[configured("linux/amd64", 3)],
        "gocross.yaml",
    );
    let targets: Vec<&str> = r.rows.iter().map(|row| row.target.as_str()).collect();
    assert_eq!(
        targets,
        ["linux/amd64 (go1.25.4)", "linux/amd64 (go1.26.8)"]
    );
    let tests: Vec<&str> = r.rows.iter().map(|row| row.tests.as_str()).collect();
    assert_eq!(tests, ["not run", "passed (0)"]);
    assert_eq!(r.conclusion, "success");
    let one = summarize(&[leg("go1.26.8")], &[], &[], "gocross.yaml");
    assert_eq!(
        one.rows[0].target, "linux/amd64",
        "one Go, no Go in the name"
    );
}
