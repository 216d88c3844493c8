//! `gocross report [--dist DIR] [--comment]`: the build's results on the pull request — one
//! check run with a table and annotations, the step summary, and optionally a sticky comment.
//! Where the token may not write checks (fork pull requests), the step summary and workflow
//! annotations carry the report and the command still succeeds.

use super::{Global, Outcome, github, output};
use anyhow::Result;
use gocross::github::actions::{self, Annotation, Annotator, Level};
use gocross::github::report::{self, Published, PullRequest, Report};
use gocross::gotest::TestReport;
use gocross::manifest::Manifest;
use gocross::table::Output;
use serde::Serialize;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory `gocross build` wrote (manifest.json).
    #[command(flatten)]
    dist: super::DistArg,
    /// Also write one pull-request comment, updated in place on later runs.
    #[arg(long)]
    comment: bool,
    /// The repository. Default: GITHUB_REPOSITORY.
    #[arg(long, value_name = "OWNER/NAME")]
    repo: Option<String>,
    /// Print the report and what was published as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    report: &'a Report,
    check_run: &'a Published,
    comment: Option<&'a Published>,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let config = global.optional_config()?;
    let config_path = global.config_path();
    let configured = config
        .as_ref()
        .map(report::configured_targets)
        .unwrap_or_default();
    let dist = args.dist.dir(global);
    let legs = Manifest::read_legs(&dist)?;
    let tests = TestReport::read_legs(&dist)?;
    let report = report::summarize(
        &legs,
        &tests,
        &configured,
        &actions::repo_relative(&config_path),
    );
    let markdown = report::markdown(&report, report::SUMMARY_LIMIT);
    actions::append_summary(&markdown)?;
    let pr = PullRequest::from_env()?;

    let (check_run, comment) = github::runtime()?.block_on(async {
        let client = github::client(args.repo.as_deref())?;
        let check_run = report::create_check_run(&client, &pr.head_sha, &report).await?;
        let comment = match (args.comment, pr.number) {
            (true, Some(number)) => Some(report::sticky_comment(&client, number, &markdown).await?),
            _ => None,
        };
        anyhow::Ok((check_run, comment))
    })?;

    if args.json {
        output::print_json(&JsonOutput {
            report: &report,
            check_run: &check_run,
            comment: comment.as_ref(),
        })?;
    } else {
        output::print(&text(&report))?;
    }
    match &check_run {
        Published::Created { url, requests } => output::print(&format!(
            "check run `{}` ({}): {url} ({} annotations in {requests} requests)",
            report::CHECK_NAME,
            report.conclusion,
            report.annotations.len()
        ))?,
        Published::Updated { url } => output::print(&format!("check run: {url}"))?,
        Published::Forbidden { message } => {
            let notice = Annotation::new(
                Level::Notice,
                format!(
                    "the token may not create check runs ({message}), as for pull requests from forks: the report is in the step summary"
                ),
            )
            .title("gocross report");
            output::print(&notice.command())?;
            let mut annotator = Annotator::default();
            for a in &report.annotations {
                let level = match a.annotation_level {
                    "failure" => Level::Error,
                    "warning" => Level::Warning,
                    _ => Level::Notice,
                };
                annotator.push(
                    Annotation::new(level, a.message.clone())
                        .title(a.title.clone())
                        .file(a.path.clone()),
                );
            }
            annotator.emit()?;
        }
    }
    match (&comment, args.comment, pr.number) {
        (Some(Published::Created { url, .. }), _, _) => {
            output::print(&format!("comment created: {url}"))?
        }
        (Some(Published::Updated { url }), _, _) => {
            output::print(&format!("comment updated: {url}"))?
        }
        (Some(Published::Forbidden { message }), _, _) => output::print(
            &Annotation::new(
                Level::Notice,
                format!("the token may not comment on the pull request ({message})"),
            )
            .command(),
        )?,
        (None, true, None) => output::print("not a pull request: no comment written")?,
        _ => {}
    }
    Ok(Outcome::Success)
}

fn text(report: &Report) -> String {
    let table = report::table(report, Output::Terminal).render(Output::Terminal);
    format!("{}\n{table}", report.title)
}
