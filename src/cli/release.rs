//! `gocross release --tag TAG [--dist DIR] [--draft] [--notes FILE] [--replace] [--prepare]`:
//! the GitHub release of a dist directory, published once its assets are checked.

use super::{Global, Outcome, github, output};
use anyhow::{Context, Result};
use gocross::actions_output;
use gocross::channels;
use gocross::config::ReleaseConfig;
use gocross::github::client::{Endpoints, Repo, RetryPolicy, Token};
use gocross::github::release::{self, AssetAction, ReleaseOptions, ReleaseReport};
use gocross::manifest::Manifest;
use gocross::table::Output;
use gocross::universal;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tag to release, e.g. v1.2.3. Default: GITHUB_REF_NAME when GITHUB_REF_TYPE is
    /// `tag` (a tag push). A tag that does not exist yet is created at GITHUB_SHA when
    /// publishing.
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,
    /// Release even when the tag and the version stamped into the binaries disagree
    /// (`v1.2.3` and `1.2.3` agree).
    #[arg(long)]
    allow_version_mismatch: bool,
    /// The directory `gocross build` wrote (manifest.json, checksums.txt, binaries).
    #[command(flatten)]
    dist: super::DistArg,
    /// Leave the release as a draft (also `release: {draft: true}` in gocross.yaml).
    #[arg(long)]
    draft: bool,
    /// Markdown appended to the notes (GitHub's generated notes with
    /// `release.generate_notes: true`, then the table of targets).
    #[arg(long, value_name = "FILE")]
    notes: Option<PathBuf>,
    /// On a published release, replace assets that differ from dist/ and delete assets that
    /// are not in it.
    #[arg(long)]
    replace: bool,
    /// The repository. Default: GITHUB_REPOSITORY.
    #[arg(long, value_name = "OWNER/NAME")]
    repo: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Check dist/ as a release would and write the joint checksums.txt of the downloaded
    /// build legs, then stop: no request to GitHub, no token. The generated workflow's
    /// `checksums` job runs this before the checksums are signed (`release.sign`).
    #[arg(long, conflicts_with_all = ["draft", "notes", "replace", "repo", "json"])]
    prepare: bool,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let env = |name| std::env::var(name).ok();
    let Some(tag) = release::tag_from(
        args.tag.as_deref(),
        env("GITHUB_REF_TYPE").as_deref(),
        env("GITHUB_REF_NAME").as_deref(),
    ) else {
        anyhow::bail!(
            "which tag? pass --tag v1.2.3 (in a workflow run of a tag push it comes from GITHUB_REF_NAME)"
        );
    };
    let config = global.optional_config()?;
    let settings: ReleaseConfig = config
        .as_ref()
        .map(|c| c.release.clone())
        .unwrap_or_default();
    let targets: Vec<_> = config.iter().flat_map(|c| c.targets()).collect();
    let dist = args.dist.dir(global);
    // Legs of one target each (the workflow's release job): the universal binaries are made
    // here, from the legs' verified darwin binaries.
    if let Some(c) = &config
        && c.universal_binaries.as_ref().is_some_and(|u| u.value)
    {
        let darwin: Vec<_> = c
            .targets()
            .into_iter()
            .filter(universal::is_slice)
            .collect();
        let ctx = gocross::plan::PlanContext::machine(c, None, None);
        let plan = gocross::plan::plan(c, &ctx, &darwin)?;
        if universal::release_leg(&dist, &global.dir, &plan, &tag)? {
            output::eprint_line(&format!(
                "universal binaries: joined the darwin legs' binaries into {}/",
                dist.join(universal::LEG_DIR).display()
            ));
        }
    }
    let manifest = Manifest::read(&dist)?;
    let expected = release::expected_assets(
        &dist,
        &manifest,
        &release::Gate {
            checksums: settings.checksums || args.prepare,
            tag: &tag,
            allow_version_mismatch: args.allow_version_mismatch,
            targets: &targets,
            // `--prepare` writes the checksums.txt the sign job signs.
            sign: settings.signs() && !args.prepare,
        },
    )?;
    if args.prepare {
        output::print(&format!(
            "{} is ready for release {tag}: {} assets, {} written\n",
            dist.display(),
            expected.len(),
            dist.join(gocross::dist::CHECKSUMS_FILE).display()
        ))?;
        return Ok(Outcome::Success);
    }
    // The tap's and the bucket's files, written to dist/ before the release's first request,
    // which an unset token variable stops.
    let prepared = match &config {
        Some(c) if c.homebrew.is_some() || c.scoop.is_some() => {
            let repository = Repo::from_arg_or_env(args.repo.as_deref())?;
            let server = env("GITHUB_SERVER_URL")
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| "https://github.com".to_string());
            let release = channels::Release {
                manifest: &manifest,
                assets: &expected,
                tag: &tag,
                repository: &repository,
                server: &server,
            };
            channels::prepare(c, &release, &dist)?
        }
        _ => Vec::new(),
    };
    for p in &prepared {
        output::eprint_line(&format!(
            "{}: wrote {}",
            p.section,
            p.local
                .strip_prefix(&global.dir)
                .unwrap_or(&p.local)
                .display()
        ));
    }
    let user_notes = match &args.notes {
        Some(path) => {
            let path = global.dir.join(path);
            Some(
                std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read the notes file {}", path.display()))?,
            )
        }
        None => None,
    };
    let opts = ReleaseOptions {
        tag,
        draft: args.draft || settings.draft,
        replace: args.replace,
        notes: release::release_notes(&manifest, user_notes.as_deref()),
        generate_notes: settings.generate_notes,
        target_commitish: std::env::var("GITHUB_SHA")
            .ok()
            .filter(|s| !s.trim().is_empty()),
    };
    let draft = opts.draft;
    let mut channels_pushed = Vec::new();
    let report = github::runtime()?.block_on(async {
        let client = github::client(args.repo.as_deref())?;
        let report = release::publish(&client, &expected, &opts).await?;
        for p in &prepared {
            let whither = format!("{} in {}", p.path, p.repository);
            let mut pushed = ChannelUpdate {
                section: p.section,
                repository: p.repository.to_string(),
                path: p.path.clone(),
                outcome: "not_pushed",
            };
            if draft {
                output::eprint_line(&format!(
                    "{}: {whither} not pushed: the release is a draft, whose assets cannot be downloaded; publish it, then run this again",
                    p.section
                ));
                channels_pushed.push(pushed);
                continue;
            }
            Token::new(&p.token)?.mask_in_actions()?;
            let outcome = channels::push(
                p,
                Endpoints::from_env()?,
                RetryPolicy::from_env()?,
                Arc::new(|line: &str| output::eprint_line(line)),
            )
            .await
            .with_context(|| format!("the release is published, but {whither} is not updated; run this again"))?;
            output::eprint_line(&format!("{}: {whither}: {}", p.section, outcome.as_str()));
            pushed.outcome = outcome.as_str();
            channels_pushed.push(pushed);
        }
        anyhow::Ok(report)
    })?;
    actions_output::set_output("release-url", &report.url)?;
    actions_output::append_summary(&summary_markdown(&report))?;
    if args.json {
        #[derive(serde::Serialize)]
        struct Printed<'a> {
            #[serde(flatten)]
            report: &'a ReleaseReport,
            channels: &'a [ChannelUpdate],
        }
        output::print_json(&Printed {
            report: &report,
            channels: &channels_pushed,
        })?;
    } else {
        output::print(&text(&report))?;
    }
    Ok(Outcome::Success)
}

/// One file of a tap or bucket, as `release --json` reports it under `channels`.
#[derive(Debug, serde::Serialize)]
struct ChannelUpdate {
    /// `homebrew` or `scoop`.
    section: &'static str,
    /// `owner/name`.
    repository: String,
    /// The file's path in it.
    path: String,
    /// `created`, `updated`, `unchanged`, or `not_pushed` (a draft release).
    outcome: &'static str,
}

fn state(report: &ReleaseReport) -> &'static str {
    match (report.published, report.published_now) {
        (_, true) => "published",
        (true, false) => "already published",
        (false, _) => "left as a draft",
    }
}

fn text(report: &ReleaseReport) -> String {
    let table = report
        .assets_table(Output::Terminal)
        .render(Output::Terminal);
    let unchanged = if report.changed() {
        ""
    } else {
        " (nothing changed)"
    };
    format!(
        "release {}: {}{unchanged}, {} assets: {}\n{table}",
        report.tag,
        state(report),
        report
            .assets
            .iter()
            .filter(|a| a.action != AssetAction::Deleted)
            .count(),
        report.url
    )
}

fn summary_markdown(report: &ReleaseReport) -> String {
    format!(
        "### Release [{}]({}): {}\n\n{}",
        report.tag,
        report.url,
        state(report),
        report
            .assets_table(Output::Markdown)
            .render(Output::Markdown)
    )
}
