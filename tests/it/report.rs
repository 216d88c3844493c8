//! `gocross report` against a stateful stand-in for GitHub's API (tests/it/fake_github): the
//! check run with its table and annotations in batches of 50, targets that were not built,
//! the fallback to the step summary for read-only tokens, and the sticky comment.

use crate::common;
use crate::fake_github;

use fake_github::{FakeGitHub, OWNER, REPO};
use gocross::manifest::{
    Artifact, ArtifactAudit, ArtifactVerify, Manifest, VerifyOutcome, Violation,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

const TOKEN: &str = "ghs_Fake5Token6For7Report8Tests9";
const HEAD_SHA: &str = "1111111111111111111111111111111111111111";
const MERGE_SHA: &str = "2222222222222222222222222222222222222222";

fn artifact(target: &str, violations: usize, verify: Option<VerifyOutcome>) -> Artifact {
    let name = format!("hello_{}", target.replace('/', "_"));
    Artifact {
        target: target.into(),
        path: name.clone(),
        name,
        size: 2_300_000,
        sha256: "ab".repeat(32),
        audit: Some(ArtifactAudit {
            passed: violations == 0,
            linkage: Some(gocross::manifest::Linkage::Static),
            violations: (0..violations)
                .map(|i| Violation {
                    rule: format!("rule{i}"),
                    found: format!("found{i}"),
                    allowed: format!("allowed{i}"),
                })
                .collect(),
            ..Default::default()
        }),
        verify: verify.map(|outcome| ArtifactVerify {
            method: gocross::manifest::VerifyKind::Qemu,
            outcome,
            reason: (outcome == VerifyOutcome::NotRun).then(|| "no runner for darwin".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The targets of examples/hello (8 configured) that [`built_module`] builds.
const BUILT: [&str; 4] = [
    "linux/amd64",
    "linux/arm64",
    "windows/amd64",
    "darwin/arm64",
];

/// A copy of examples/hello whose dist/ a real `gocross build --version 1.0.0` wrote for
/// [`BUILT`] (built once per test run in target/test-builds), with the event payload of pull
/// request #7.
fn built_module() -> tempfile::TempDir {
    let mut args = vec!["--version", "1.0.0"];
    for target in BUILT {
        args.extend(["--target", target]);
    }
    let dir = common::built_copy("report-dist", "hello", None, &args);
    write_event(dir.path());
    dir
}

fn write_event(dir: &Path) {
    std::fs::write(
        dir.join("event.json"),
        json!({"action": "synchronize", "number": 7,
               "pull_request": {"number": 7, "head": {"sha": HEAD_SHA}}})
        .to_string(),
    )
    .unwrap();
}

/// A module directory with `dist/manifest.json` holding `artifacts` as written here, and the
/// event payload of pull request #7: for the tests of the Checks API's request shapes (50
/// annotations a request, read-only tokens, the comment), which need failures no real build
/// has. The build-to-report contract is tested from real builds ([`built_module`], and
/// tests/it/act.rs runs the whole workflow).
fn workspace(artifacts: Vec<Artifact>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_manifest(dir.path(), artifacts);
    write_event(dir.path());
    dir
}

fn write_manifest(dir: &Path, artifacts: Vec<Artifact>) {
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    Manifest {
        version: "1.0.0".into(),
        go: "go1.26.0".into(),
        project: "hello".into(),
        artifacts,
        ..Default::default()
    }
    .write(&dist)
    .unwrap();
}

fn summary_path(dir: &Path) -> PathBuf {
    dir.join("step_summary.md")
}

/// `gocross report` in `dir` as a pull_request job would run it.
fn report(fake: &FakeGitHub, dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = common::gocross();
    cmd.current_dir(dir)
        .arg("report")
        .args(extra)
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_REPOSITORY", format!("{OWNER}/{REPO}"))
        .env("GITHUB_API_URL", fake.url())
        .env("GITHUB_SHA", MERGE_SHA)
        .env("GITHUB_EVENT_PATH", dir.join("event.json"))
        .env("GITHUB_STEP_SUMMARY", summary_path(dir))
        .env("GOCROSS_MAX_SLEEP", "0")
        .env_remove("GITHUB_WORKSPACE");
    cmd
}

fn run_ok(cmd: &mut Command) -> String {
    let (out, stdout, stderr) = common::run(cmd);
    assert!(
        out.status.success(),
        "gocross report failed:\n{stdout}{stderr}"
    );
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));
    format!("{stdout}{stderr}")
}

async fn bodies(fake: &FakeGitHub) -> Vec<(String, Value)> {
    fake.raw_requests()
        .await
        .iter()
        .map(|r| {
            (
                format!("{} {}", r.method, r.url.path()),
                serde_json::from_slice(&r.body).unwrap_or(Value::Null),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_check_run_carries_the_table_and_120_annotations_in_three_requests() {
    // 40 of Go's ports, 3 violations each.
    let targets: Vec<String> = gocross::targets::PORTS
        .iter()
        .take(40)
        .map(|p| p.platform.to_string())
        .collect();
    let dir = workspace(targets.iter().map(|t| artifact(t, 3, None)).collect());
    let fake = FakeGitHub::start(TOKEN).await;
    let out = run_ok(&mut report(&fake, dir.path(), &[]));
    assert!(
        out.contains(
            "(failure): https://github.com/octo-org/hello/runs/1 (120 annotations in 3 requests)"
        ),
        "{out}"
    );

    let sent = bodies(&fake).await;
    let paths: Vec<&str> = sent.iter().map(|(p, _)| p.as_str()).collect();
    let runs = format!("/repos/{OWNER}/{REPO}/check-runs");
    assert_eq!(
        paths,
        [
            format!("POST {runs}"),
            format!("PATCH {runs}/1"),
            format!("PATCH {runs}/1")
        ]
    );
    let counts: Vec<usize> = sent
        .iter()
        .map(|(_, b)| b["output"]["annotations"].as_array().unwrap().len())
        .collect();
    assert_eq!(counts, [50, 50, 20]);
    assert_eq!(sent[0].1["name"], json!("gocross"));
    assert_eq!(
        sent[0].1["head_sha"],
        json!(HEAD_SHA),
        "the head, not the merge commit"
    );
    assert_eq!(sent[0].1["status"], json!("in_progress"));
    assert_eq!(sent[2].1["status"], json!("completed"));
    assert_eq!(sent[2].1["conclusion"], json!("failure"));
    let first = &sent[0].1["output"]["annotations"][0];
    assert_eq!(
        first,
        &json!({
            "path": "gocross.yaml", "start_line": 1, "end_line": 1,
            "annotation_level": "failure",
            "title": "hello_aix_ppc64: audit `rule0`",
            "message": "hello_aix_ppc64 (aix/ppc64) breaks the `rule0` rule: found found0, allowed allowed0",
        })
    );

    let s = fake.state();
    assert_eq!(s.check_runs.len(), 1);
    let run = &s.check_runs[0];
    assert_eq!(run.annotations.len(), 120);
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
    assert_eq!(run.title, "40 targets: 40 failed");
    assert!(
        run.summary.contains(&format!(
            "| {} | `hello_{}` | 2.19 MiB | yes | failed (rule0, rule1, rule2) | — | — | static | — |",
            targets[39],
            targets[39].replace('/', "_")
        )),
        "{}",
        run.summary
    );
    let step_summary = std::fs::read_to_string(summary_path(dir.path())).unwrap();
    assert!(step_summary.contains(&run.summary), "{step_summary}");
}

#[tokio::test]
async fn targets_that_were_not_built_are_annotated_on_their_line() {
    if !common::require_tool("go", "install Go") {
        return;
    }
    let dir = built_module();
    let module = dir.path();
    let fake = FakeGitHub::start(TOKEN).await;
    let out = run_ok(&mut report(&fake, dir.path(), &[]));
    assert!(out.contains("8 targets: 4 failed"), "{out}");

    let yaml = std::fs::read_to_string(module.join("gocross.yaml")).unwrap();
    let line_of = |target: &str| {
        yaml.lines()
            .position(|l| l.trim() == format!("- {target}"))
            .unwrap() as u64
            + 1
    };
    let s = fake.state();
    let run = &s.check_runs[0];
    let missing: Vec<(String, u64)> = run
        .annotations
        .iter()
        .filter(|a| a["title"].as_str().unwrap().ends_with("not built"))
        .map(|a| {
            (
                a["title"].as_str().unwrap().to_string(),
                a["start_line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        missing,
        ["linux/arm/7", "linux/386", "darwin/amd64", "windows/arm64"]
            .iter()
            .map(|t| (format!("{t}: not built"), line_of(t)))
            .collect::<Vec<_>>()
    );
    let notice = run
        .annotations
        .iter()
        .find(|a| a["annotation_level"] == "notice")
        .unwrap();
    assert_eq!(
        notice["message"],
        json!(
            "hello_darwin_arm64 (darwin/arm64) was not run: darwin/arm64 binaries run only on macOS; verified on a macOS runner, audited here"
        )
    );
    assert_eq!(notice["start_line"].as_u64(), Some(line_of("darwin/arm64")));
    assert!(
        run.summary
            .contains("| linux/386 | — | — | **no** | — | — | — | — |")
    );
    assert!(run.summary.contains("verified (qemu)"));
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
}

#[tokio::test]
async fn a_passing_build_is_one_completed_check_run() {
    if !common::require_tool("go", "install Go") {
        return;
    }
    let dir = built_module();
    // gocross.yaml lists exactly the targets that were built.
    let config = std::fs::read_to_string(dir.path().join("gocross.yaml")).unwrap();
    let kept: Vec<&str> = config
        .lines()
        .filter(|l| {
            l.trim()
                .strip_prefix("- ")
                .is_none_or(|t| !t.contains('/') || BUILT.contains(&t))
        })
        .collect();
    std::fs::write(dir.path().join("gocross.yaml"), kept.join("\n") + "\n").unwrap();
    let fake = FakeGitHub::start(TOKEN).await;
    run_ok(&mut report(&fake, dir.path(), &[]));
    let sent = bodies(&fake).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].1["status"], json!("completed"));
    assert_eq!(sent[0].1["conclusion"], json!("success"));
    assert_eq!(sent[0].1["output"]["title"], json!("4 targets: all passed"));
}

#[tokio::test]
async fn a_read_only_token_falls_back_to_the_step_summary() {
    let dir = workspace(vec![artifact("linux/arm64", 2, None)]);
    let fake = FakeGitHub::start(TOKEN).await;
    fake.state().read_only_checks = true;
    let out = run_ok(&mut report(&fake, dir.path(), &["--comment"]));
    assert!(
        out.contains("::notice title=gocross report::the token may not create check runs (Resource not accessible by integration)"),
        "{out}"
    );
    assert!(
        out.contains("::error file=gocross.yaml,title=hello_linux_arm64%3A audit `rule1`::hello_linux_arm64 (linux/arm64) breaks the `rule1` rule"),
        "{out}"
    );
    assert!(
        out.contains("::notice::the token may not comment on the pull request"),
        "{out}"
    );
    assert_eq!(
        fake.requests().await,
        [
            format!("POST /repos/{OWNER}/{REPO}/check-runs"),
            format!("GET /repos/{OWNER}/{REPO}/issues/7/comments?per_page=100&page=1"),
            format!("POST /repos/{OWNER}/{REPO}/issues/7/comments"),
        ],
        "a 403 is not retried"
    );
    assert!(fake.state().check_runs.is_empty());
    let summary = std::fs::read_to_string(summary_path(dir.path())).unwrap();
    assert!(
        summary.contains("### gocross: 1 target: 1 failed"),
        "{summary}"
    );
    assert!(
        summary.contains("- hello_linux_arm64 (linux/arm64) breaks the `rule0` rule: found found0, allowed allowed0"),
        "{summary}"
    );
}

#[tokio::test]
async fn the_sticky_comment_is_updated_in_place() {
    let dir = workspace(vec![artifact("linux/arm64", 1, None)]);
    let fake = FakeGitHub::start(TOKEN).await;
    fake.state().comments.push(fake_github::FakeComment {
        id: 100,
        issue: 7,
        body: "Looks good to me".into(),
    });
    let out = run_ok(&mut report(&fake, dir.path(), &["--comment"]));
    assert!(
        out.contains("comment created: https://github.com/octo-org/hello/pull/7#issuecomment-"),
        "{out}"
    );

    write_manifest(dir.path(), vec![artifact("linux/arm64", 0, None)]);
    let before = fake.requests().await.len();
    let out = run_ok(&mut report(&fake, dir.path(), &["--comment"]));
    assert!(out.contains("comment updated"), "{out}");
    let second = fake.requests_since(before).await;
    assert!(
        second
            .iter()
            .any(|r| r.starts_with("PATCH /repos/octo-org/hello/issues/comments/")),
        "{second:#?}"
    );

    let before = fake.requests().await.len();
    run_ok(&mut report(&fake, dir.path(), &["--comment"]));
    let third = fake.requests_since(before).await;
    assert!(
        !third
            .iter()
            .any(|r| r.contains("/issues/") && !r.starts_with("GET")),
        "an unchanged comment is left alone: {third:#?}"
    );

    let s = fake.state();
    assert_eq!(
        s.comments.len(),
        2,
        "one report comment beside the reviewer's"
    );
    assert_eq!(s.comments[0].body, "Looks good to me");
    assert!(
        s.comments[1]
            .body
            .starts_with("<!-- gocross report -->\n### gocross: 1 target: all passed")
    );
}

#[tokio::test]
async fn outside_a_pull_request_the_commit_is_github_sha() {
    let dir = workspace(vec![artifact("linux/arm64", 0, None)]);
    std::fs::write(
        dir.path().join("event.json"),
        r#"{"ref": "refs/heads/main"}"#,
    )
    .unwrap();
    let fake = FakeGitHub::start(TOKEN).await;
    let out = run_ok(&mut report(&fake, dir.path(), &["--comment"]));
    assert!(
        out.contains("not a pull request: no comment written"),
        "{out}"
    );
    assert_eq!(fake.state().check_runs[0].head_sha, MERGE_SHA);
}

#[tokio::test]
async fn the_legs_tests_become_a_column_and_annotations_at_the_test_file() {
    use gocross::test_results::{
        Counts, FailureKind, TargetTests, TestFailure, TestOutcome, TestReport,
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("event.json"),
        json!({"number": 7, "pull_request": {"number": 7, "head": {"sha": HEAD_SHA}}}).to_string(),
    )
    .unwrap();
    // The report job's layout: each build leg's dist/ downloaded into its own directory.
    for (target, failed) in [("linux/amd64", false), ("linux/s390x", true)] {
        let leg = dir
            .path()
            .join("dist")
            .join(format!("gocross-hello_{}", target.replace('/', "_")));
        std::fs::create_dir_all(&leg).unwrap();
        Manifest {
            version: "1.0.0".into(),
            go: "go1.26.0".into(),
            project: "hello".into(),
            artifacts: vec![artifact(target, 0, Some(VerifyOutcome::Verified))],
            ..Default::default()
        }
        .write(&leg)
        .unwrap();
        let mut t = TargetTests::not_run(
            &target.parse().unwrap(),
            gocross::manifest::VerifyKind::Qemu,
            String::new(),
        );
        t.reason = None;
        t.outcome = TestOutcome::Passed;
        t.tests = Counts {
            passed: 3,
            failed: 0,
            skipped: 0,
        };
        if failed {
            t.outcome = TestOutcome::Failed;
            t.tests.passed = 2;
            t.tests.failed = 1;
            t.failures.push(TestFailure {
                package: "example.com/hello".into(),
                test: Some("TestUint32LittleEndian".into()),
                kind: FailureKind::Failed,
                file: Some("bugs_test.go".into()),
                line: Some(8),
                output: "    bugs_test.go:8: = 0x01020304, want 0x04030201\n".into(),
            });
        }
        TestReport::new(
            "go1.26.0".into(),
            "example.com/hello".into(),
            vec![t],
            false,
        )
        .store(&leg)
        .unwrap();
    }
    let fake = FakeGitHub::start(TOKEN).await;
    let printed = run_ok(&mut report(&fake, dir.path(), &[]));
    assert!(printed.contains("TESTS"), "{printed}");
    let s = fake.state();
    let run = &s.check_runs[0];
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
    assert_eq!(run.title, "2 targets: 1 failed");
    assert!(
        run.summary
            .contains("| linux/s390x | `hello_linux_s390x` | 2.19 MiB | yes | passed | verified (qemu) | failed (1 of 3) |"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains("| passed (3) |"), "{}", run.summary);
    let test = run
        .annotations
        .iter()
        .find(|a| a["title"] == "TestUint32LittleEndian on linux/s390x")
        .expect("an annotation for the failed test");
    assert_eq!(test["path"], "bugs_test.go");
    assert_eq!(test["start_line"], 8);
    assert_eq!(test["annotation_level"], "failure");
}

/// `md` without its code spans (a run of N backticks up to the next run of exactly N).
fn without_code_spans(md: &str) -> String {
    let mut out = String::new();
    let mut rest = md;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let fence = rest[start..].len() - rest[start..].trim_start_matches('`').len();
        let body = &rest[start + fence..];
        let mut end = None;
        let mut i = 0;
        while let Some(at) = body[i..].find('`') {
            let run = body[i + at..].len() - body[i + at..].trim_start_matches('`').len();
            if run == fence {
                end = Some(i + at + run);
                break;
            }
            i += at + run;
        }
        match end {
            Some(e) => rest = &body[e..],
            None => {
                out.push_str(&rest[start..start + fence]);
                rest = body;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Asserts that `md` holds no Markdown link or image outside code spans: every `[` and `]`
/// there is escaped.
fn assert_no_links(md: &str, what: &str) {
    let text = without_code_spans(md);
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if matches!(b, b'[' | b']') {
            let backslashes = bytes[..i].iter().rev().take_while(|c| **c == b'\\').count();
            assert!(
                backslashes % 2 == 1,
                "{what}: an unescaped `{}` at byte {i}:\n{md}",
                *b as char
            );
        }
    }
}

/// Test names that are Markdown links and images (`[click](url)`, `![x](url)`, with
/// backticks) are shown as text, in the step summary `gocross test` writes and in the check
/// run `gocross report` posts from its tests.json.
#[tokio::test]
async fn test_names_are_text_in_the_step_summary_and_the_check_run() {
    if !common::require_tool("go", "install Go from https://go.dev/dl/") {
        return;
    }
    let dir = common::copy_module(&common::repo().join("tests/fixtures/hostile-tests"));
    std::fs::write(
        dir.path().join("gocross.yaml"),
        "version: 1\ntargets: [linux/amd64]\n",
    )
    .unwrap();
    let test_summary = dir.path().join("test_summary.md");
    let (out, stdout, stderr) = common::run(
        common::gocross()
            .current_dir(dir.path())
            .args(["test", "-p", "./names"])
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_STEP_SUMMARY", &test_summary),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let md = std::fs::read_to_string(&test_summary).unwrap();
    assert!(
        md.contains("`TestNames/[click](https://evil.example/)`"),
        "the name as code: {md}"
    );
    assert!(
        md.contains("``` TestNames/tick`[y](https://evil.example/)`` ```"),
        "a longer fence around backticks: {md}"
    );
    assert_no_links(&md, "step summary of gocross test");

    write_manifest(
        dir.path(),
        vec![artifact("linux/amd64", 0, Some(VerifyOutcome::Verified))],
    );
    write_event(dir.path());
    let fake = FakeGitHub::start(TOKEN).await;
    run_ok(&mut report(&fake, dir.path(), &[]));
    let sent = bodies(&fake).await;
    let summary = sent
        .iter()
        .rev()
        .find_map(|(_, b)| b["output"]["summary"].as_str())
        .expect("a check run with a summary")
        .to_string();
    assert!(summary.contains("TestNames/"), "{summary}");
    assert_no_links(&summary, "check run summary");
}
