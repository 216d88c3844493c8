//! `gocross report`: the results of a build where reviewers look. One check run named
//! `gocross` on the pull request's head commit, holding a table of every target (built,
//! audit, verify, and the module's tests when `gocross test` left a `tests.json` in dist/)
//! and an annotation per problem; optionally one sticky pull-request comment,
//! found again by a hidden marker and updated in place.
//!
//! Facts (GitHub's Checks API, <https://docs.github.com/en/rest/checks/runs>): a request carries at most 50 annotations, more
//! are sent with updates of the same check run (they accumulate); `output.summary` holds at
//! most 65535 characters; fork pull requests get a read-only token, which answers 403 to
//! check runs and comments: the caller then falls back to the step summary. A check run's
//! `head_sha` must be the pull request's head, not the merge commit in `GITHUB_SHA`.

use super::client::{Client, ClientError, Replay, Request};
use crate::config::Config;
use crate::manifest::{Artifact, Linkage, Manifest, VerifyOutcome};
use crate::table::{Align, Cell, Output, Table};
use crate::test_results::{TestOutcome, TestReport, actions as test_actions};
use indicatif::HumanBytes;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The check run's name.
pub const CHECK_NAME: &str = "gocross";

/// Annotations GitHub accepts per check-run request.
pub const ANNOTATIONS_PER_REQUEST: usize = 50;

/// Longest `output.summary` GitHub accepts, in characters.
pub const SUMMARY_LIMIT: usize = 65_535;

/// The hidden first line of the sticky comment, by which it is found again.
pub const COMMENT_MARKER: &str = "<!-- gocross report -->";

/// A configured target and the line of gocross.yaml that lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredTarget {
    /// As gocross.yaml spells it, e.g. `linux/arm/7`.
    pub target: String,
    /// 1-based line of its `targets:` entry; `None` for the default list.
    pub line: Option<u64>,
}

/// The targets of a config with their lines, in file order.
pub fn configured_targets(config: &Config) -> Vec<ConfiguredTarget> {
    match &config.targets {
        Some(lists) => lists
            .iter()
            .flat_map(|list| {
                let line = list.referenced.line();
                list.value.targets.iter().map(move |t| ConfiguredTarget {
                    target: t.to_string(),
                    line: Some(line),
                })
            })
            .collect(),
        None => config
            .targets()
            .iter()
            .map(|t| ConfiguredTarget {
                target: t.to_string(),
                line: None,
            })
            .collect(),
    }
}

/// One row of the summary table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetRow {
    /// The target, with its Go release when legs differ in it.
    pub target: String,
    /// The binary's name; `None` when it was not built.
    pub name: Option<String>,
    /// Size in bytes.
    pub size: Option<u64>,
    /// Whether a leg built it.
    pub built: bool,
    /// `passed`, `failed (rule, ...)` or `not audited`.
    pub audit: String,
    /// `verified (qemu)`, `failed (qemu)`, `not run` or `—`.
    pub verify: String,
    /// The module's tests on the target: `passed (270)`, `failed (2 of 273)`, `not run` or
    /// `—` (not tested).
    pub tests: String,
    /// `static` or `dynamic`, when audited and ELF.
    pub linkage: Option<Linkage>,
    /// The glibc the binary needs at least, e.g. `2.17`.
    pub glibc_floor: Option<String>,
    /// Not built, failed its audit or verification, or failed its tests.
    pub failed: bool,
}

/// A check-run annotation, as the Checks API takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckAnnotation {
    /// File in the repository the annotation points at (gocross.yaml).
    pub path: String,
    /// 1-based first line.
    pub start_line: u64,
    /// 1-based last line.
    pub end_line: u64,
    /// `failure`, `warning` or `notice`.
    pub annotation_level: &'static str,
    /// At most 255 characters.
    pub title: String,
    /// At most 4000 characters.
    pub message: String,
}

/// Everything the report says.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// One row per target (and Go release).
    pub rows: Vec<TargetRow>,
    /// The check run's annotations.
    pub annotations: Vec<CheckAnnotation>,
    /// Rows that failed.
    pub failed: usize,
    /// `success` or `failure`.
    pub conclusion: &'static str,
    /// One line, e.g. `8 targets: 2 failed`.
    pub title: String,
}

/// The report of the build legs' manifests ([`Manifest::read_legs`]) and, where the tests
/// ran, of their `tests.json` ([`TestReport::read_legs`]). Legs built with different Go
/// releases (`ci.go_versions`) each keep their rows, the target written with its Go
/// (`linux/amd64 (go1.25.4)`). `configured` adds rows for targets that no leg built;
/// annotations point at `config_path` (relative to the repository root), at the line of the
/// target's entry when known, and a failed test at its file and line (the module root being
/// `config_path`'s directory).
pub fn summarize(
    legs: &[Manifest],
    tests: &[TestReport],
    configured: &[ConfiguredTarget],
    config_path: &str,
) -> Report {
    let mut releases: Vec<&str> = legs.iter().map(|m| m.go.as_str()).collect();
    releases.sort_unstable();
    releases.dedup();
    let go_axis = releases.len() > 1;
    let built = legs.iter().flat_map(|m| {
        m.artifacts.iter().map(move |a| {
            let label = if go_axis {
                format!("{} ({})", a.target, m.go)
            } else {
                a.target.clone()
            };
            (label, a)
        })
    });
    let line_of = |target: &str| {
        configured
            .iter()
            .find(|c| c.target == target)
            .and_then(|c| c.line)
            .unwrap_or(1)
    };
    let annotation = |target: &str, level, title: String, message: String| {
        let line = line_of(target);
        CheckAnnotation {
            path: config_path.to_string(),
            start_line: line,
            end_line: line,
            annotation_level: level,
            title: title.chars().take(255).collect(),
            message: message.chars().take(4000).collect(),
        }
    };
    let mut rows = Vec::new();
    let mut annotations = Vec::new();
    for (label, a) in built {
        rows.push(artifact_row(&label, a, &mut annotations, &annotation));
    }
    rows.extend(unbuilt_rows(
        legs,
        configured,
        &mut annotations,
        &annotation,
    ));
    for report in tests {
        let label = |target: &str| {
            if go_axis {
                format!("{target} ({})", report.go)
            } else {
                target.to_string()
            }
        };
        add_tests(
            report,
            &label,
            &mut rows,
            &mut annotations,
            config_path,
            &annotation,
        );
    }
    let (failed, title) = verdict(&rows);
    Report {
        rows,
        annotations,
        failed,
        conclusion: if failed == 0 { "success" } else { "failure" },
        title,
    }
}

/// The row of one built artifact (`label`: its target, with its Go when legs differ), with
/// an annotation per audit violation, per failed verification and per binary not run.
fn artifact_row(
    label: &str,
    a: &Artifact,
    annotations: &mut Vec<CheckAnnotation>,
    at_target: &dyn Fn(&str, &'static str, String, String) -> CheckAnnotation,
) -> TargetRow {
    let audit_failed = a.audit.as_ref().is_some_and(|x| !x.passed);
    let audit = match &a.audit {
        None => "not audited".to_string(),
        Some(x) if x.passed => "passed".to_string(),
        Some(x) => {
            let rules: Vec<&str> = x.violations.iter().map(|v| v.rule.as_str()).collect();
            format!("failed ({})", rules.join(", "))
        }
    };
    for v in a.audit.iter().flat_map(|x| &x.violations) {
        annotations.push(at_target(
            &a.target,
            "failure",
            format!("{}: audit `{}`", a.name, v.rule),
            format!(
                "{} ({}) breaks the `{}` rule: found {}, allowed {}",
                a.name, label, v.rule, v.found, v.allowed
            ),
        ));
    }
    let (verify, verify_failed) = match &a.verify {
        None => ("—".to_string(), false),
        Some(v) => {
            let reason = v.reason.as_deref().unwrap_or("no reason given");
            match v.outcome {
                VerifyOutcome::Verified => (format!("verified ({})", v.method), false),
                VerifyOutcome::Failed => {
                    let mut message = format!(
                        "{} ({}) failed verification under {}: {reason}",
                        a.name, label, v.method
                    );
                    if let Some(code) = v.exit_code {
                        message.push_str(&format!(" (exit code {code})"));
                    }
                    if !v.stderr_tail.trim().is_empty() {
                        message.push_str(&format!("\nstderr:\n{}", v.stderr_tail.trim()));
                    }
                    annotations.push(at_target(
                        &a.target,
                        "failure",
                        format!("{}: verify", a.name),
                        message,
                    ));
                    (format!("failed ({})", v.method), true)
                }
                VerifyOutcome::NotRun => {
                    annotations.push(at_target(
                        &a.target,
                        "notice",
                        format!("{}: not verified", a.name),
                        format!("{} ({label}) was not run: {reason}", a.name),
                    ));
                    ("not run".to_string(), false)
                }
            }
        }
    };
    TargetRow {
        target: label.to_string(),
        name: Some(a.name.clone()),
        size: Some(a.size),
        built: true,
        audit,
        verify,
        tests: "—".into(),
        linkage: a.linkage(),
        glibc_floor: a.glibc_floor().map(str::to_string),
        failed: audit_failed || verify_failed,
    }
}

/// The rows of the configured targets that no leg built, each failed and annotated.
fn unbuilt_rows(
    legs: &[Manifest],
    configured: &[ConfiguredTarget],
    annotations: &mut Vec<CheckAnnotation>,
    at_target: &dyn Fn(&str, &'static str, String, String) -> CheckAnnotation,
) -> Vec<TargetRow> {
    let mut rows = Vec::new();
    for c in configured {
        if legs
            .iter()
            .any(|m| m.artifacts.iter().any(|a| a.target == c.target))
        {
            continue;
        }
        annotations.push(at_target(
            &c.target,
            "failure",
            format!("{}: not built", c.target),
            format!(
                "{} is configured but manifest.json has no artifact for it: see the build job's log",
                c.target
            ),
        ));
        rows.push(TargetRow {
            target: c.target.clone(),
            name: None,
            size: None,
            built: false,
            audit: "—".into(),
            verify: "—".into(),
            tests: "—".into(),
            linkage: None,
            glibc_floor: None,
            failed: true,
        });
    }
    rows
}

/// How many rows failed, and the check run's title: `3 targets: all passed`, `3 targets: 1
/// failed`.
fn verdict(rows: &[TargetRow]) -> (usize, String) {
    let failed = rows.iter().filter(|r| r.failed).count();
    let targets = match rows.len() {
        1 => "1 target".to_string(),
        n => format!("{n} targets"),
    };
    let title = match failed {
        0 => format!("{targets}: all passed"),
        n => format!("{targets}: {n} failed"),
    };
    (failed, title)
}

/// Fills the rows' "tests" column from one leg's (or one run's) `tests`, marks the failed
/// ones, and annotates each failed test (grouped across targets) at its file and line, or at
/// the target's line in gocross.yaml when `go test` named no file. `label` gives a target's
/// row label.
fn add_tests(
    tests: &TestReport,
    label: &dyn Fn(&str) -> String,
    rows: &mut [TargetRow],
    annotations: &mut Vec<CheckAnnotation>,
    config_path: &str,
    at_target: &dyn Fn(&str, &'static str, String, String) -> CheckAnnotation,
) {
    for t in &tests.targets {
        let row_label = label(&t.target);
        let Some(row) = rows.iter_mut().find(|r| r.target == row_label) else {
            continue;
        };
        row.tests = match t.outcome {
            TestOutcome::Passed => format!("passed ({})", t.tests.passed),
            TestOutcome::Failed if t.tests.total() > 0 => {
                format!("failed ({} of {})", t.tests.failed, t.tests.total())
            }
            TestOutcome::Failed => "failed".into(),
            TestOutcome::NotRun => "not run".into(),
        };
        match t.outcome {
            TestOutcome::Failed => {
                row.failed = true;
                if t.failures.is_empty() {
                    annotations.push(at_target(
                        &t.target,
                        "failure",
                        format!("{}: tests", t.target),
                        format!(
                            "the tests failed on {}: {}",
                            t.target,
                            t.reason.as_deref().unwrap_or("no reason given")
                        ),
                    ));
                }
            }
            TestOutcome::NotRun => annotations.push(at_target(
                &t.target,
                "notice",
                format!("{}: tests not run", t.target),
                format!(
                    "the tests of {} were not run: {}",
                    t.target,
                    t.reason.as_deref().unwrap_or("no reason given")
                ),
            )),
            TestOutcome::Passed => {}
        }
    }
    let module_dir = std::path::Path::new(config_path)
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    for g in &tests.failures {
        let (message, first) = test_actions::describe(tests, g, 30);
        let title = test_actions::title(g);
        let located = first.and_then(|f| Some((f.file.as_ref()?, f.line.unwrap_or(1))));
        annotations.push(match located {
            Some((file, line)) => CheckAnnotation {
                path: if module_dir.is_empty() {
                    file.clone()
                } else {
                    format!("{module_dir}/{file}")
                },
                start_line: line,
                end_line: line,
                annotation_level: "failure",
                title: title.chars().take(255).collect(),
                message: message.chars().take(4000).collect(),
            },
            None => at_target(&g.failed_on[0], "failure", title, message),
        });
    }
}

/// The report as Markdown: the title, the table, and the failures as a list (so that the
/// step summary alone says everything). At most `limit` characters: rows that do not fit are
/// counted instead.
pub fn markdown(report: &Report, limit: usize) -> String {
    let mut md = format!("### gocross: {}\n\n", report.title);
    let table = table(report, Output::Markdown);
    md.push_str(&table.markdown_header());
    let mut lines: Vec<String> = table.markdown_rows().collect();
    let failures: Vec<&CheckAnnotation> = report
        .annotations
        .iter()
        .filter(|a| a.annotation_level == "failure")
        .collect();
    if !failures.is_empty() {
        lines.push("\n**Problems**\n\n".to_string());
        lines.extend(failures.iter().map(|a| {
            let first = a.message.lines().next().unwrap_or("");
            format!("- {}\n", Cell::text(first).render(Output::Markdown))
        }));
    }
    let total = lines.len();
    for (i, line) in lines.into_iter().enumerate() {
        if md.len() + line.len() + 80 > limit {
            md.push_str(&format!(
                "\n_{} more lines left out: see the job log._\n",
                total - i
            ));
            break;
        }
        md.push_str(&line);
    }
    md
}

/// The report's table. Markdown: Target, Binary, Size, Built, Audit, Verify, Tests,
/// Linkage, glibc floor, `—` where there is nothing to say. Terminal: TARGET, BINARY, BUILT,
/// AUDIT, VERIFY, TESTS, `-` for a binary not built.
pub fn table(report: &Report, output: Output) -> Table {
    let mut table = match output {
        Output::Markdown => Table::new([
            "Target",
            "Binary",
            "Size",
            "Built",
            "Audit",
            "Verify",
            "Tests",
            "Linkage",
            "glibc floor",
        ])
        .align(2, Align::Right),
        Output::Terminal => Table::new(["TARGET", "BINARY", "BUILT", "AUDIT", "VERIFY", "TESTS"]),
    };
    for r in &report.rows {
        let (none, built) = match (output, r.built) {
            (Output::Markdown, true) => ("—", Cell::text("yes")),
            (Output::Markdown, false) => ("—", Cell::strong("no")),
            (Output::Terminal, built) => ("-", Cell::text(if built { "yes" } else { "no" })),
        };
        let name = r.name.as_deref().map_or(Cell::text(none), Cell::code);
        let (audit, verify, tests) = (
            Cell::text(&r.audit),
            Cell::text(&r.verify),
            Cell::text(&r.tests),
        );
        table.push(match output {
            Output::Markdown => vec![
                Cell::text(&r.target),
                name,
                Cell::text(
                    r.size
                        .map_or("—".to_string(), |s| HumanBytes(s).to_string()),
                ),
                built,
                audit,
                verify,
                tests,
                Cell::text(r.linkage.map_or("—", Linkage::as_str)),
                Cell::text(r.glibc_floor.as_deref().unwrap_or("—")),
            ],
            Output::Terminal => vec![Cell::text(&r.target), name, built, audit, verify, tests],
        });
    }
    table
}

/// The commit and pull request a report is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequest {
    /// The head commit: `pull_request.head.sha` of the event, else `GITHUB_SHA`.
    pub head_sha: String,
    /// The pull request's number, when the event is one.
    pub number: Option<u64>,
}

#[derive(Deserialize)]
struct Event {
    pull_request: Option<EventPullRequest>,
}

#[derive(Deserialize)]
struct EventPullRequest {
    number: u64,
    head: EventHead,
}

#[derive(Deserialize)]
struct EventHead {
    sha: String,
}

/// Errors finding the commit to report on.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The event file cannot be read or has no pull request.
    #[error("cannot read the event payload {}: {message}", path.display())]
    Event {
        /// The event file (`GITHUB_EVENT_PATH`).
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// No commit to attach the check run to.
    #[error(
        "no commit to report on: GITHUB_SHA is not set and GITHUB_EVENT_PATH holds no pull request (both are set in every Actions job)"
    )]
    NoCommit,
}

impl PullRequest {
    /// From the `pull_request` event payload at `GITHUB_EVENT_PATH` when there is one (head
    /// SHA and number), else `GITHUB_SHA` with no number.
    pub fn from_env() -> Result<PullRequest, ReportError> {
        let sha = std::env::var("GITHUB_SHA").ok();
        match std::env::var_os("GITHUB_EVENT_PATH").filter(|p| !p.is_empty()) {
            Some(path) => {
                let path = PathBuf::from(path);
                let payload = std::fs::read(&path).map_err(|e| ReportError::Event {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                PullRequest::from_event(Some(&payload), sha.as_deref()).map_err(|e| match e {
                    ReportError::Event { message, .. } => ReportError::Event { path, message },
                    e => e,
                })
            }
            None => PullRequest::from_event(None, sha.as_deref()),
        }
    }

    /// From an event payload (JSON) and `GITHUB_SHA`: the payload's pull request wins.
    pub fn from_event(
        payload: Option<&[u8]>,
        sha: Option<&str>,
    ) -> Result<PullRequest, ReportError> {
        if let Some(payload) = payload {
            let event: Event = serde_json::from_slice(payload).map_err(|e| ReportError::Event {
                path: PathBuf::new(),
                message: e.to_string(),
            })?;
            if let Some(pr) = event.pull_request {
                return Ok(PullRequest {
                    head_sha: pr.head.sha,
                    number: Some(pr.number),
                });
            }
        }
        match sha.map(str::trim) {
            Some(sha) if !sha.is_empty() => Ok(PullRequest {
                head_sha: sha.to_string(),
                number: None,
            }),
            _ => Err(ReportError::NoCommit),
        }
    }
}

/// How publishing ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Published {
    /// Created (check run) or written (comment) at `url`, in `requests` requests.
    Created {
        /// The comment's URL.
        url: String,
        /// The API requests it took.
        requests: usize,
    },
    /// An existing comment was updated in place (or already said the same).
    Updated {
        /// The comment's URL.
        url: String,
    },
    /// The token may not do this (403, e.g. a fork pull request): GitHub's message.
    Forbidden {
        /// GitHub's message.
        message: String,
    },
}

#[derive(Deserialize)]
struct Created {
    id: u64,
    html_url: Option<String>,
}

/// Whether a response is a refusal for lack of permission (not a rate limit).
fn forbidden(client: &Client, resp: &super::client::Response) -> Option<Published> {
    (resp.status.as_u16() == 403 && !resp.is_rate_limited()).then(|| Published::Forbidden {
        message: client.redact(&resp.message()),
    })
}

/// Creates the `gocross` check run on `head_sha`: the first request carries up to 50
/// annotations, updates carry the rest, and the last request completes the run with its
/// conclusion (so an interrupted report leaves a run in progress, never a false success).
/// The creation is replayed after a 5xx: a second run of the same name is harmless, GitHub
/// shows the latest.
pub async fn create_check_run(
    client: &Client,
    head_sha: &str,
    report: &Report,
) -> Result<Published, ClientError> {
    let summary = markdown(report, SUMMARY_LIMIT);
    let mut batches: Vec<&[CheckAnnotation]> =
        report.annotations.chunks(ANNOTATIONS_PER_REQUEST).collect();
    if batches.is_empty() {
        batches.push(&[]);
    }
    let last = batches.len() - 1;
    let output = |batch: &[CheckAnnotation]| serde_json::json!({"title": report.title, "summary": summary, "annotations": batch});
    let finish = |body: &mut serde_json::Value, i: usize| {
        if i == last {
            body["status"] = "completed".into();
            body["conclusion"] = report.conclusion.into();
        }
    };
    let mut body = serde_json::json!({
        "name": CHECK_NAME,
        "head_sha": head_sha,
        "status": "in_progress",
        "output": output(batches[0]),
    });
    finish(&mut body, 0);
    let req = Request::post(client.repo_url("/check-runs"), body, Replay::Always);
    let resp = client.send(&req).await?;
    if let Some(refused) = forbidden(client, &resp) {
        return Ok(refused);
    }
    if !resp.status.is_success() {
        return Err(client.status_error(&req, &resp));
    }
    let run: Created = client.decode(&req, &resp)?;
    for (i, batch) in batches.iter().enumerate().skip(1) {
        let mut body = serde_json::json!({ "output": output(batch) });
        finish(&mut body, i);
        let req = Request::patch(client.repo_url(&format!("/check-runs/{}", run.id)), body);
        client.send_ok(&req).await?;
    }
    Ok(Published::Created {
        url: run.html_url.unwrap_or_default(),
        requests: batches.len(),
    })
}

#[derive(Deserialize)]
struct Comment {
    id: u64,
    body: Option<String>,
    html_url: Option<String>,
}

/// Writes the sticky comment on pull request `number`: the comment holding
/// [`COMMENT_MARKER`] is updated in place (not at all when unchanged), else one is created.
pub async fn sticky_comment(
    client: &Client,
    number: u64,
    markdown: &str,
) -> Result<Published, ClientError> {
    let body = format!("{COMMENT_MARKER}\n{markdown}");
    let mut existing = None;
    for page in 1.. {
        let comments: Vec<Comment> = client
            .get_json(client.repo_url(&format!(
                "/issues/{number}/comments?per_page=100&page={page}"
            )))
            .await?;
        existing = comments
            .iter()
            .find(|c| {
                c.body
                    .as_deref()
                    .is_some_and(|b| b.contains(COMMENT_MARKER))
            })
            .map(|c| (c.id, c.body.clone().unwrap_or_default(), c.html_url.clone()));
        if existing.is_some() || comments.len() < 100 {
            break;
        }
    }
    let req = match &existing {
        Some((_, old, url)) if old.trim_end() == body.trim_end() => {
            return Ok(Published::Updated {
                url: url.clone().unwrap_or_default(),
            });
        }
        Some((id, _, _)) => Request::patch(
            client.repo_url(&format!("/issues/comments/{id}")),
            serde_json::json!({ "body": body }),
        ),
        None => Request::post(
            client.repo_url(&format!("/issues/{number}/comments")),
            serde_json::json!({ "body": body }),
            Replay::WhenRefused,
        ),
    };
    let resp = client.send(&req).await?;
    if let Some(refused) = forbidden(client, &resp) {
        return Ok(refused);
    }
    if !resp.status.is_success() {
        return Err(client.status_error(&req, &resp));
    }
    let written: Comment = client.decode(&req, &resp)?;
    let url = written.html_url.unwrap_or_default();
    Ok(match existing {
        Some(_) => Published::Updated { url },
        None => Published::Created { url, requests: 1 },
    })
}

#[cfg(test)]
mod tests;
