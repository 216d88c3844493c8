//! `gocross image build [--dist DIR] [--layout DIR]`, `gocross image push [--tag T]...
//! [--repository R] [--insecure]` and `gocross image dockerfile [--output FILE]`: the container image of the
//! verified Linux binaries in dist/.

use super::{Global, Outcome, output};
use anyhow::{Context, Result};
use gocross::actions_output;
use gocross::config::Config;
use gocross::config::image::{Placeholders, SCRATCH};
use gocross::github::client::RetryPolicy;
use gocross::image::{self, Layout, SourceFacts, layout, registry};
use gocross::manifest::Manifest;
use gocross::table::{Output, Table};
use indicatif::HumanBytes;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Write the OCI image layout (one image per platform, an index, an SBOM referrer each) to
    /// dist/image from the binaries dist/manifest.json lists.
    Build(BuildArgs),
    /// Push the image layout to a registry: blobs, manifests, SBOMs, then the index under
    /// every tag.
    Push(PushArgs),
    /// Write a Dockerfile whose stages copy each platform's binary from dist/, for `docker
    /// buildx build --platform ...`.
    Dockerfile(DockerfileArgs),
}

#[derive(Debug, clap::Args)]
struct BuildArgs {
    #[command(flatten)]
    dist: super::DistArg,
    /// Where to write the layout. Default: <dist>/image.
    #[arg(long, alias = "out", value_name = "DIR")]
    layout: Option<PathBuf>,
    /// Plain HTTP to the base image's registry (loopback hosts always use it).
    #[arg(long)]
    insecure: bool,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Take binaries that were not verified (as `image.allow_unverified: true`), each said
    /// here and marked in its image's labels.
    #[arg(long)]
    allow_unverified: bool,
}

#[derive(Debug, clap::Args)]
struct PushArgs {
    /// Tags, instead of `image.tags` (repeatable).
    #[arg(long = "tag", short = 't', value_name = "TAG")]
    tags: Vec<String>,
    /// The repository, instead of `image.repository`, e.g. ghcr.io/acme/hello.
    #[arg(long, value_name = "REPOSITORY")]
    repository: Option<String>,
    /// Plain HTTP to the registry (loopback hosts always use it).
    #[arg(long)]
    insecure: bool,
    #[command(flatten)]
    dist: super::DistArg,
    /// The layout to push. Default: <dist>/image.
    #[arg(long, value_name = "DIR")]
    layout: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct DockerfileArgs {
    /// The build's output directory, as the Dockerfile's COPY sources name it.
    #[command(flatten)]
    dist: super::DistArg,
    /// Write here instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    match args.command {
        Command::Build(a) => build(global, a),
        Command::Push(a) => push(global, a),
        Command::Dockerfile(a) => dockerfile(global, a),
    }
}

/// `path` as given when absolute, else relative to the module root.
fn under(global: &Global, path: PathBuf) -> PathBuf {
    if path.is_absolute() {
        path
    } else {
        global.dir.join(path)
    }
}

/// A variable as gocross was started with it (secrets come from memory, see
/// [`gocross::secrets::withhold`]).
fn env(name: &str) -> Option<String> {
    gocross::secrets::var(name)
}

/// Progress lines, through the Actions guard: they may quote what a registry answered.
fn progress() -> Arc<registry::Progress> {
    Arc::new(output::eprint_line)
}

fn registry_for(host: &str, insecure: bool) -> Result<registry::Registry> {
    let credentials = registry::Credentials::find(host, &env);
    let r = registry::Registry::new(
        host,
        credentials,
        insecure,
        RetryPolicy::from_env()?,
        progress(),
    );
    r.mask_in_actions();
    Ok(r)
}

fn build(global: &Global, args: BuildArgs) -> Result<Outcome> {
    let config = global.load_config()?;
    let image = image::image_config(&config)?;
    let dist = args.dist.dir(global);
    let out = match args.layout {
        Some(l) => under(global, l),
        None => dist.join(image::LAYOUT_DIR),
    };
    let manifest = Manifest::read(&dist)?;
    let targets = image::targets(&config, image);
    let only = image::only_binary(&manifest, &image::binary(&config, image));
    let selected = image::checked_binaries(
        &dist,
        &only,
        &targets,
        image.is_scratch(),
        args.allow_unverified || image.allow_unverified,
    )?;
    warn_unverified(&selected, true);
    let facts = SourceFacts::detect(&global.dir, &manifest, &env).map_err(anyhow::Error::msg)?;
    let base = if image.is_scratch() {
        None
    } else {
        let reference = registry::parse_reference(&image.base)?;
        let host = reference.resolve_registry().to_string();
        let platforms: Vec<_> = selected.iter().map(|s| s.platform).collect();
        let base_ref = image.base.clone();
        Some(super::github::runtime()?.block_on(async {
            let r = registry_for(&host, args.insecure)?;
            anyhow::Ok(image::base::pull(&r, &base_ref, &platforms).await?)
        })?)
    };
    let spec = image::spec(&config, image);
    let assembled = image::assemble(&selected, &spec, &facts, base.as_ref(), &dist)?;
    layout::write(&out, &assembled.blobs, &assembled.layout_index)?;
    if args.json {
        output::print_json(&serde_json::json!({
            "layout": out,
            "digest": assembled.index_digest,
            "platforms": assembled.platforms,
        }))?;
    } else {
        let mut table = Table::new(["PLATFORM", "TARGET", "DIGEST", "SIZE"]);
        for p in &assembled.platforms {
            table.push([
                p.platform.to_string(),
                p.target.to_string(),
                p.digest.clone(),
                HumanBytes(p.size).to_string(),
            ]);
        }
        output::print(&format!(
            "{} {}: {} platforms on {} written to {}\n{}\n{}",
            manifest.project,
            manifest.version,
            assembled.platforms.len(),
            if image.is_scratch() {
                SCRATCH
            } else {
                &image.base
            },
            out.display(),
            table.render(Output::Terminal),
            assembled.index_digest
        ))?;
    }
    Ok(Outcome::Success)
}

fn push(global: &Global, args: PushArgs) -> Result<Outcome> {
    let config = global.load_config()?;
    let image = image::image_config(&config)?;
    let dist = args.dist.dir(global);
    let layout_dir = match args.layout {
        Some(l) => under(global, l),
        None => dist.join(image::LAYOUT_DIR),
    };
    let layout =
        Layout::open(&layout_dir).with_context(|| "run `gocross image build` first".to_string())?;
    let (version, commit) = version_and_commit(&layout, &dist);
    let values = Placeholders {
        version: &version,
        commit: &commit,
        project: &config.project,
    };
    let repository = image::repository(image, args.repository.as_deref(), values, &env)?;
    let tags = image::tags(image, &args.tags, values, &env)?;
    let host = registry::parse_reference(&repository)?
        .resolve_registry()
        .to_string();
    let report = super::github::runtime()?.block_on(async {
        let r = registry_for(&host, args.insecure)?;
        let say = |line: &str| output::eprint_line(line);
        anyhow::Ok(image::push::push(&layout, &r, &repository, &tags, &say).await?)
    })?;
    if actions_output::is_actions() {
        actions_output::set_output("image-digest", &report.digest)?;
        actions_output::set_output("image", &report.image)?;
        actions_output::set_output("image-name", &report.repository)?;
        actions_output::append_summary(&image::summary_markdown(&report))?;
    }
    if args.json {
        output::print_json(&report)?;
    } else {
        let table = image::platforms_table(&report, Output::Terminal).render(Output::Terminal);
        eprintln!(
            "{} blobs uploaded ({}), {} already there, {} mounted; tags: {}",
            report.uploaded,
            HumanBytes(report.uploaded_bytes),
            report.existed,
            report.mounted,
            if report.tags.is_empty() {
                "none".to_string()
            } else {
                report.tags.join(", ")
            }
        );
        output::print(&format!("{table}\n{}", report.image))?;
    }
    Ok(Outcome::Success)
}

/// The version and commit for placeholders: the image index's annotations (what was built),
/// else the manifest's.
fn version_and_commit(layout: &Layout, dist: &Path) -> (String, String) {
    let from_layout = || -> Option<(String, String)> {
        let d = layout.image_index().ok()?;
        let bytes = layout.blob(d.digest().as_ref(), Some(d.size())).ok()?;
        let index: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        let a = index.get("annotations")?;
        let get = |k: &str| a.get(k).and_then(|v| v.as_str()).map(str::to_string);
        Some((
            get(oci_spec::image::ANNOTATION_VERSION)?,
            get(oci_spec::image::ANNOTATION_REVISION).unwrap_or_default(),
        ))
    };
    from_layout()
        .or_else(|| Manifest::read(dist).ok().map(|m| (m.version, m.commit)))
        .unwrap_or_default()
}

/// Says on stderr which binaries go into the image unverified (`image.allow_unverified`),
/// and why; `labelled`: the image gocross builds carries [`image::labels::UNVERIFIED_LABEL`].
fn warn_unverified(selected: &[image::Selected], labelled: bool) {
    for s in selected {
        if let Some(why) = &s.unverified {
            let label = if labelled {
                format!(
                    "; its image is labelled {}",
                    image::labels::UNVERIFIED_LABEL
                )
            } else {
                String::new()
            };
            output::eprint_line(&format!(
                "warning: {} ({}) goes into the image unverified: {why}{label}",
                s.target, s.artifact.name
            ));
        }
    }
}

fn dockerfile(global: &Global, args: DockerfileArgs) -> Result<Outcome> {
    let config: Config = global.load_config()?;
    let image = image::image_config(&config)?;
    let dist = args.dist.dir(global);
    let copy_from = args
        .dist
        .dist
        .unwrap_or_else(|| PathBuf::from(gocross::dist::DIST_DIR));
    let manifest = Manifest::read(&dist)?;
    let targets = image::targets(&config, image);
    let only = image::only_binary(&manifest, &image::binary(&config, image));
    let selected = image::checked_binaries(
        &dist,
        &only,
        &targets,
        image.is_scratch(),
        image.allow_unverified,
    )?;
    warn_unverified(&selected, false);
    let spec = image::spec(&config, image);
    let text = image::dockerfile::render(
        &selected,
        &image.base,
        &spec.binary_path,
        &spec.entrypoint,
        spec.user,
        &copy_from.to_string_lossy(),
    );
    match args.output {
        Some(path) => {
            let path = under(global, path);
            gocross::dist::write_atomic(&path, text.as_bytes())?;
            eprintln!("wrote {}", path.display());
        }
        None => output::print(&text)?,
    }
    Ok(Outcome::Success)
}
